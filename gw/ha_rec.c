/* The HA records as Redis hash fields (gw/ha_store.h): one table per record type names each
 * field, its type and where it lives in the struct; encode and decode both walk it. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <osmocom/core/utils.h>

#include "gw/ha_store.h"
#include "gw/ha_rec.h"


static const struct ha_fdesc call_fields[] = {
	FS("node", HF_STR, ha_call_rec, node, false),
	FS("id", HF_U32, ha_call_rec, id, false),
	FS("dir", HF_DIR, ha_call_rec, ingress, false),
	FS("cic", HF_U16, ha_call_rec, cic, false),
	FS("dpc", HF_U32, ha_call_rec, dpc, false),
	FS("group", HF_STR, ha_call_rec, group, false),
	FS("trunk", HF_STR, ha_call_rec, dlg.trunk, false),
	FS("uac", HF_BOOL, ha_call_rec, dlg.is_uac, false),
	FS("call_id", HF_STR, ha_call_rec, dlg.call_id, false),
	FS("local_uri", HF_STR, ha_call_rec, dlg.local_uri, true),
	FS("remote_uri", HF_STR, ha_call_rec, dlg.remote_uri, true),
	FS("local_tag", HF_STR, ha_call_rec, dlg.local_tag, false),
	FS("remote_tag", HF_STR, ha_call_rec, dlg.remote_tag, false),
	FS("local_cseq", HF_U32, ha_call_rec, dlg.local_cseq, false),
	FS("remote_cseq", HF_U32, ha_call_rec, dlg.remote_cseq, false),
	FS("route_set", HF_STR, ha_call_rec, dlg.route_set, true),
	FS("remote_target", HF_STR, ha_call_rec, dlg.remote_target, true),
	FS("sip_peer", HF_STR, ha_call_rec, dlg.peer, true),
	FS("rtp_pstn", HF_U16, ha_call_rec, rtp_pstn, true),
	FS("rtp_sip", HF_U16, ha_call_rec, rtp_sip, true),
	FS("pstn_media", HF_STR, ha_call_rec, pstn_media, true),
	FS("sip_media", HF_STR, ha_call_rec, sip_media, true),
	FS("codec", HF_STR, ha_call_rec, codec, true),
	FS("pt", HF_INT, ha_call_rec, pt, true),
	FS("answered", HF_I64, ha_call_rec, answered, false),
};

static const struct ha_fdesc cct_fields[] = {
	FS("node", HF_STR, ha_cct_rec, node, false),
	FS("group", HF_STR, ha_cct_rec, group, false),
	FS("cic", HF_U16, ha_cct_rec, cic, false),
	FS("state", HF_CCT, ha_cct_rec, state, false),
};

osmo_static_assert(ARRAY_SIZE(call_fields) == HA_CALL_FIELDS, ha_call_fields_count);
osmo_static_assert(ARRAY_SIZE(cct_fields) == HA_CCT_FIELDS, ha_cct_fields_count);

static void field_encode(const struct ha_fdesc *d, const void *rec, struct ha_field *f)
{
	const char *p = (const char *)rec + d->off;
	f->name = d->name;
	switch (d->type) {
	case HF_STR: snprintf(f->value, sizeof(f->value), "%s", p); break;
	case HF_U16: snprintf(f->value, sizeof(f->value), "%u", *(const uint16_t *)p); break;
	case HF_U32: snprintf(f->value, sizeof(f->value), "%" PRIu32, *(const uint32_t *)p); break;
	case HF_INT: snprintf(f->value, sizeof(f->value), "%d", *(const int *)p); break;
	case HF_I64: snprintf(f->value, sizeof(f->value), "%" PRId64, *(const int64_t *)p); break;
	case HF_BOOL: snprintf(f->value, sizeof(f->value), "%d", *(const bool *)p ? 1 : 0); break;
	case HF_DIR: snprintf(f->value, sizeof(f->value), "%s", *(const bool *)p ? "ingress" : "egress"); break;
	case HF_CCT:
		snprintf(f->value, sizeof(f->value), "%s",
			 get_value_string(isup_cct_summary_names, *(const enum isup_cct_summary *)p));
		break;
	}
}

/* a whole decimal number in [min, max] */
static int parse_num(const char *s, long long min, long long max, long long *out)
{
	char *end;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return (!*s || *end || errno || *out < min || *out > max) ? -1 : 0;
}

static int field_decode(const struct ha_fdesc *d, void *rec, const char *v)
{
	char *p = (char *)rec + d->off;
	long long n = 0;
	int i;
	switch (d->type) {
	case HF_STR:
		if (strlen(v) >= d->size)
			return -1;
		memcpy(p, v, strlen(v) + 1);
		return 0;
	case HF_DIR:
		if (strcmp(v, "ingress") && strcmp(v, "egress"))
			return -1;
		*(bool *)p = !strcmp(v, "ingress");
		return 0;
	case HF_CCT:
		i = get_string_value(isup_cct_summary_names, v);
		if (i < 0)
			return -1;
		*(enum isup_cct_summary *)p = i;
		return 0;
	case HF_U16: if (parse_num(v, 0, UINT16_MAX, &n)) return -1; *(uint16_t *)p = n; return 0;
	case HF_U32: if (parse_num(v, 0, UINT32_MAX, &n)) return -1; *(uint32_t *)p = n; return 0;
	case HF_INT: if (parse_num(v, -1, INT32_MAX, &n)) return -1; *(int *)p = n; return 0;
	case HF_I64: if (parse_num(v, 0, INT64_MAX, &n)) return -1; *(int64_t *)p = n; return 0;
	case HF_BOOL: if (parse_num(v, 0, 1, &n)) return -1; *(bool *)p = n; return 0;
	}
	return -1;
}

unsigned int ha_rec_encode(const struct ha_fdesc *t, unsigned int nt, const void *rec, struct ha_field *f)
{
	unsigned int i;
	for (i = 0; i < nt; i++)
		field_encode(&t[i], rec, &f[i]);
	return nt;
}

/* every required field present once and well formed; unknown fields are ignored (a newer
 * writer may add some) */
int ha_rec_decode(const struct ha_fdesc *t, unsigned int nt, void *rec, const char *const *names,
		      const char *const *values, unsigned int n)
{
	unsigned int i, j;
	for (i = 0; i < nt; i++) {
		bool found = false;
		for (j = 0; j < n; j++) {
			if (strcmp(names[j], t[i].name))
				continue;
			if (found || field_decode(&t[i], rec, values[j]) < 0)
				return -1;
			found = true;
		}
		if (!found && !t[i].optional)
			return -1;
	}
	return 0;
}

unsigned int ha_call_rec_encode(const struct ha_call_rec *rec, struct ha_field *f)
{
	return ha_rec_encode(call_fields, ARRAY_SIZE(call_fields), rec, f);
}

int ha_call_rec_decode(struct ha_call_rec *rec, const char *const *names, const char *const *values,
		       unsigned int n)
{
	memset(rec, 0, sizeof(*rec));
	rec->pt = -1;
	return ha_rec_decode(call_fields, ARRAY_SIZE(call_fields), rec, names, values, n);
}

unsigned int ha_cct_rec_encode(const struct ha_cct_rec *rec, struct ha_field *f)
{
	return ha_rec_encode(cct_fields, ARRAY_SIZE(cct_fields), rec, f);
}

int ha_cct_rec_decode(struct ha_cct_rec *rec, const char *const *names, const char *const *values,
		      unsigned int n)
{
	memset(rec, 0, sizeof(*rec));
	return ha_rec_decode(cct_fields, ARRAY_SIZE(cct_fields), rec, names, values, n);
}

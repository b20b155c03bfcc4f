/* The early-call record as Redis hash fields (gw/ha_early_rec.h): the fixed fields through the
 * table of gw/ha_rec.h, the INVITE (up to SIP_INVITE_TEXT_MAX) as one field beside them. */
#include <string.h>
#include <osmocom/core/utils.h>

#include "gw/ha_store.h"
#include "gw/ha_rec.h"
#include "gw/ha_early_rec.h"

#define HA_EARLY_MSG "sip_msg"

static const struct ha_fdesc early_fields[] = {
	FS("node", HF_STR, ha_early_rec, node, false),
	FS("id", HF_U32, ha_early_rec, id, false),
	FS("dir", HF_DIR, ha_early_rec, ingress, false),
	FS("cic", HF_U16, ha_early_rec, cic, false),
	FS("dpc", HF_U32, ha_early_rec, dpc, false),
	FS("group", HF_STR, ha_early_rec, group, false),
	FS("trunk", HF_STR, ha_early_rec, inv.trunk, false),
	FS("uac", HF_BOOL, ha_early_rec, inv.is_uac, false),
	FS("peer", HF_STR, ha_early_rec, inv.peer, false),
	FS("local_tag", HF_STR, ha_early_rec, inv.local_tag, true),
};

osmo_static_assert(ARRAY_SIZE(early_fields) + 1 == HA_EARLY_FIELDS, ha_early_fields_count);

unsigned int ha_early_rec_encode(const struct ha_early_rec *rec, struct ha_field *f, const char **names,
				 const char **values)
{
	unsigned int i, n = ha_rec_encode(early_fields, ARRAY_SIZE(early_fields), rec, f);
	for (i = 0; i < n; i++) {
		names[i] = f[i].name;
		values[i] = f[i].value;
	}
	names[n] = HA_EARLY_MSG;
	values[n] = rec->inv.msg;
	return n + 1;
}

int ha_early_rec_decode(struct ha_early_rec *rec, const char *const *names, const char *const *values,
			unsigned int n)
{
	const char *msg = NULL;
	unsigned int i;
	memset(rec, 0, sizeof(*rec));
	if (ha_rec_decode(early_fields, ARRAY_SIZE(early_fields), rec, names, values, n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (strcmp(names[i], HA_EARLY_MSG))
			continue;
		if (msg)
			return -1;	/* twice */
		msg = values[i];
	}
	if (!msg || !*msg || strlen(msg) >= sizeof(rec->inv.msg))
		return -1;
	memcpy(rec->inv.msg, msg, strlen(msg) + 1);
	/* ingress: the node sent the INVITE; egress: it received it */
	return rec->ingress == rec->inv.is_uac ? 0 : -1;
}

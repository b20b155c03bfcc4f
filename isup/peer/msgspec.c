/* isup-peer: readable ISUP message descriptions <-> struct isup_msg */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osmocom/core/utils.h>

#include "isup/q850.h"
#include "isup/peer/msgspec.h"
#include "isup/vty_arg.h"

int msgspec_hex_parse(const char *hex, uint8_t *out, size_t out_size)
{
	size_t n = 0;
	int hi = -1;
	if (!strncasecmp(hex, "0x", 2))
		hex += 2;
	for (; *hex; hex++) {
		int v;
		if (isspace((unsigned char)*hex) || *hex == ':')
			continue;
		if (!isxdigit((unsigned char)*hex))
			return -1;
		v = isdigit((unsigned char)*hex) ? *hex - '0' : (tolower((unsigned char)*hex) - 'a' + 10);
		if (hi < 0) {
			hi = v;
		} else {
			if (n >= out_size)
				return -1;
			out[n++] = (hi << 4) | v;
			hi = -1;
		}
	}
	return hi < 0 ? (int)n : -1;
}

const char *msgspec_take(struct msgspec *spec, const char *key)
{
	static char val[96];
	for (unsigned int i = 0; i < spec->num_kv; i++) {
		if (strcasecmp(spec->kv[i].key, key))
			continue;
		snprintf(val, sizeof(val), "%s", spec->kv[i].val);
		memmove(&spec->kv[i], &spec->kv[i + 1], (spec->num_kv - i - 1) * sizeof(spec->kv[0]));
		spec->num_kv--;
		return val;
	}
	return NULL;
}

int msgspec_parse(struct msgspec *spec, const char *text, char *err, size_t err_len)
{
	char buf[1024], *save = NULL, *tok;
	const char *v;
	memset(spec, 0, sizeof(*spec));
	spec->type = -1;
	spec->cic = -1;
	snprintf(buf, sizeof(buf), "%s", text);
	tok = strtok_r(buf, " \t", &save);
	if (!tok) {
		snprintf(err, err_len, "missing message type");
		return -1;
	}
	if (strcmp(tok, "*")) {
		spec->type = isup_msg_type_from_name(tok);
		if (spec->type < 0) {
			/* numeric type code for unknown messages, e.g. 0x7e */
			char *end;
			long t = strtol(tok, &end, 0);
			if (*end || t < 0 || t > 255) {
				snprintf(err, err_len, "unknown message type '%s'", tok);
				return -1;
			}
			spec->type = t;
		}
	}
	while ((tok = strtok_r(NULL, " \t", &save))) {
		char *eq = strchr(tok, '=');
		if (!eq || eq == tok) {
			snprintf(err, err_len, "expected key=value, got '%s'", tok);
			return -1;
		}
		if (spec->num_kv >= MSGSPEC_MAX_KV) {
			snprintf(err, err_len, "too many parameters");
			return -1;
		}
		*eq = 0;
		snprintf(spec->kv[spec->num_kv].key, sizeof(spec->kv[0].key), "%s", tok);
		snprintf(spec->kv[spec->num_kv].val, sizeof(spec->kv[0].val), "%s", eq + 1);
		spec->num_kv++;
	}
	if ((v = msgspec_take(spec, "cic"))) {
		unsigned long cic;
		/* Q.763 1.2: 12 bits (ITU), 14 bits (ANSI T1.113) */
		if (!strcmp(v, "last"))
			spec->cic = MSGSPEC_CIC_LAST;
		else if (arg_ulong(v, 0, 16383, &cic) == 0)
			spec->cic = cic;
		else {
			snprintf(err, err_len, "cic=%s: not a CIC in 0-16383 (or 'last')", v);
			return -1;
		}
	}
	if ((v = msgspec_take(spec, "dpc")))
		snprintf(spec->dpc, sizeof(spec->dpc), "%s", v);
	return 0;
}

/* ---- typed field access ------------------------------------------------------------- */

enum pkind { PK_HEX, PK_NUMBER, PK_CAUSE, PK_BCI, PK_OBCI, PK_EVENT, PK_NCI, PK_FCI, PK_RS, PK_OCTET };

static enum pkind param_kind(uint8_t code, enum isup_number_kind *nk)
{
	switch (code) {
	case ISUP_PRM_CALLED_NUM: *nk = ISUP_NUM_CALLED; return PK_NUMBER;
	case ISUP_PRM_CALLING_NUM: *nk = ISUP_NUM_CALLING; return PK_NUMBER;
	case ISUP_PRM_GENERIC_NUM: *nk = ISUP_NUM_GENERIC; return PK_NUMBER;
	case ISUP_PRM_REDIRECTING_NUM: *nk = ISUP_NUM_REDIRECTING; return PK_NUMBER;
	case ISUP_PRM_ORIG_CALLED_NUM: *nk = ISUP_NUM_ORIG_CALLED; return PK_NUMBER;
	case ISUP_PRM_REDIRECTION_NUM: *nk = ISUP_NUM_REDIRECTION; return PK_NUMBER;
	case ISUP_PRM_CONNECTED_NUM: *nk = ISUP_NUM_CONNECTED; return PK_NUMBER;
	case ISUP_PRM_LOCATION_NUM: *nk = ISUP_NUM_LOCATION; return PK_NUMBER;
	case ISUP_PRM_SUBSEQUENT_NUM: *nk = ISUP_NUM_SUBSEQUENT; return PK_NUMBER;
	case ISUP_PRM_CAUSE: return PK_CAUSE;
	case ISUP_PRM_BCI: return PK_BCI;
	case ISUP_PRM_OBCI: return PK_OBCI;
	case ISUP_PRM_EVENT_INFO: return PK_EVENT;
	case ISUP_PRM_NCI: return PK_NCI;
	case ISUP_PRM_FCI: return PK_FCI;
	case ISUP_PRM_RANGE_STATUS: return PK_RS;
	case ISUP_PRM_CPC: case ISUP_PRM_TMR: case ISUP_PRM_CGSMT: case ISUP_PRM_SUSPEND_RESUME_IND:
	case ISUP_PRM_CONTINUITY_IND: case ISUP_PRM_HOP_COUNTER: case ISUP_PRM_AUTO_CONGESTION_LEVEL:
		return PK_OCTET;
	default:
		return PK_HEX;
	}
}

union typed {
	struct isup_number num;
	struct isup_cause cause;
	struct isup_bci bci;
	struct isup_obci obci;
	struct isup_event_info ev;
	struct isup_nci nci;
	struct isup_fci fci;
	struct isup_range_status rs;
};

/* An integer field of a typed parameter: its name, where it is in union typed (every member of the
 * union starts at its beginning) and its size (read and written via fget/fset) */
#define FIELD_U8(name, member) { name, offsetof(union typed, member), sizeof(((union typed *)0)->member) }
struct field_desc {
	const char *name;
	size_t off;
	size_t size;
};

static unsigned int fget(const void *s, const struct field_desc *f)
{
	const uint8_t *p = (const uint8_t *)s + f->off;
	if (f->size == 1)
		return *p;	/* uint8_t or bool */
	return 0;
}

static void fset(void *s, const struct field_desc *f, unsigned int v)
{
	uint8_t *p = (uint8_t *)s + f->off;
	if (f->size == 1)
		*p = v;
}

static const struct field_desc number_fields[] = {
	FIELD_U8("nai", num.nai), FIELD_U8("npi", num.npi), FIELD_U8("inn", num.inn_ni), FIELD_U8("ni", num.inn_ni),
	FIELD_U8("apri", num.apri), FIELD_U8("scr", num.screening), FIELD_U8("st", num.st),
	FIELD_U8("qual", num.qualifier), { NULL }
};
static const struct field_desc cause_fields[] = {
	FIELD_U8("value", cause.value), FIELD_U8("loc", cause.location), FIELD_U8("std", cause.coding_std), { NULL }
};
static const struct field_desc bci_fields[] = {
	FIELD_U8("status", bci.called_status), FIELD_U8("charge", bci.charge), FIELD_U8("cat", bci.called_category),
	FIELD_U8("iw", bci.interworking), FIELD_U8("isup", bci.isup_all_the_way),
	FIELD_U8("isdn", bci.term_access_isdn), FIELD_U8("echo", bci.echo_device), FIELD_U8("holding", bci.holding),
	FIELD_U8("e2e", bci.e2e_method), { NULL }
};
static const struct field_desc obci_fields[] = {
	FIELD_U8("inband", obci.inband_info), FIELD_U8("div", obci.diversion_may_occur),
	FIELD_U8("seg", obci.segmentation), { NULL }
};
static const struct field_desc event_fields[] = {
	FIELD_U8("event", ev.event), FIELD_U8("pres", ev.pres_restricted), { NULL }
};
static const struct field_desc nci_fields[] = {
	FIELD_U8("cont", nci.continuity), FIELD_U8("sat", nci.satellite), FIELD_U8("echo", nci.echo_device),
	{ NULL }
};
static const struct field_desc fci_fields[] = {
	FIELD_U8("intl", fci.international), FIELD_U8("iw", fci.interworking),
	FIELD_U8("isup", fci.isup_all_the_way), FIELD_U8("pref", fci.isup_pref),
	FIELD_U8("isdn", fci.orig_access_isdn), FIELD_U8("e2e", fci.e2e_method), FIELD_U8("sccp", fci.sccp_method),
	{ NULL }
};
static const struct field_desc rs_fields[] = {
	FIELD_U8("range", rs.range), { NULL }
};

static const struct field_desc *find_field(const struct field_desc *tab, const char *name)
{
	for (; tab && tab->name; tab++)
		if (!strcasecmp(tab->name, name))
			return tab;
	return NULL;
}

/* per typed parameter kind: the field an assignment without ".field" sets, and the integer fields */
static const struct {
	const char *main;
	const struct field_desc *fields;
} kind_tab[] = {
	[PK_NUMBER] = { "digits", number_fields }, [PK_CAUSE] = { "value", cause_fields },
	[PK_BCI] = { "status", bci_fields }, [PK_OBCI] = { "inband", obci_fields },
	[PK_EVENT] = { "event", event_fields }, [PK_NCI] = { "cont", nci_fields },
	[PK_FCI] = { "iw", fci_fields }, [PK_RS] = { "range", rs_fields },
};

static const char *main_field(enum pkind k)
{
	return k < ARRAY_SIZE(kind_tab) && kind_tab[k].main ? kind_tab[k].main : "value";
}

static const struct field_desc *kind_fields(enum pkind k)
{
	return k < ARRAY_SIZE(kind_tab) ? kind_tab[k].fields : NULL;
}

/* the typed kinds besides the number: kind, member of union typed, codec (isup_CODEC_decode/_encode) */
#define TYPED_KINDS(X) X(PK_CAUSE, cause, cause) X(PK_BCI, bci, bci) X(PK_OBCI, obci, obci) \
	X(PK_EVENT, ev, event_info) X(PK_NCI, nci, nci) X(PK_FCI, fci, fci) X(PK_RS, rs, range_status)
#define DECODE_CASE(kind, member, codec) case kind: return isup_##codec##_decode(&t->member, v, len);
#define ENCODE_CASE(kind, member, codec) case kind: return isup_##codec##_encode(&t->member, out, size);

static int typed_decode(enum pkind k, enum isup_number_kind nk, union typed *t, const uint8_t *v, uint8_t len)
{
	memset(t, 0, sizeof(*t));
	switch (k) {
	case PK_NUMBER: return isup_number_decode(&t->num, nk, v, len);
	TYPED_KINDS(DECODE_CASE)
	default: return -1;
	}
}

static int typed_encode(enum pkind k, enum isup_number_kind nk, const union typed *t, uint8_t *out, size_t size)
{
	switch (k) {
	case PK_NUMBER: return isup_number_encode(&t->num, nk, out, size);
	TYPED_KINDS(ENCODE_CASE)
	default: return -1;
	}
}

/* Default content of a typed parameter that is being created by a field assignment */
static void typed_default(enum pkind k, enum isup_number_kind nk, union typed *t)
{
	memset(t, 0, sizeof(*t));
	switch (k) {
	case PK_NUMBER:
		t->num.nai = ISUP_NAI_NATIONAL;
		t->num.npi = 1;
		if (nk == ISUP_NUM_CALLING || nk == ISUP_NUM_CONNECTED || nk == ISUP_NUM_GENERIC)
			t->num.screening = ISUP_SCREEN_NETWORK;
		break;
	case PK_CAUSE:
		t->cause.location = ISUP_LOC_PUB_LOCAL;
		t->cause.value = Q850_NORMAL_CLEARING;
		break;
	case PK_BCI:
		t->bci.called_status = ISUP_BCI_STATUS_SUBSCRIBER_FREE;
		t->bci.called_category = 1;
		t->bci.isup_all_the_way = true;
		break;
	case PK_EVENT:
		t->ev.event = ISUP_EVENT_ALERTING;
		break;
	case PK_FCI:
		t->fci.isup_all_the_way = true;
		t->fci.isup_pref = 0;
		break;
	default:
		break;
	}
}

/* Readable names of field values: nci=cot-required (Q.763 3.35 continuity indicator), COT
 * cont=success|failure (3.18), SUS/RES sri=user|network (3.52) */
static const struct {
	uint8_t code;
	const char *field;	/* "" = the parameter's main field */
	const char *name;
	unsigned int value;
} named_values[] = {
	{ ISUP_PRM_NCI, "cont", "not-required", 0 }, { ISUP_PRM_NCI, "cont", "cot-required", 1 },
	{ ISUP_PRM_NCI, "cont", "required", 1 }, { ISUP_PRM_NCI, "cont", "previous", 2 },
	{ ISUP_PRM_CONTINUITY_IND, "", "failure", 0 }, { ISUP_PRM_CONTINUITY_IND, "", "success", 1 },
	{ ISUP_PRM_SUSPEND_RESUME_IND, "", "user", ISUP_SUSRES_SUBSCRIBER },
	{ ISUP_PRM_SUSPEND_RESUME_IND, "", "network", ISUP_SUSRES_NETWORK },
};

/* VAL as a number when it names a value of the field, else VAL itself */
static const char *named_value(int code, const char *field, const char *val, char *buf, size_t len)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(named_values); i++) {
		if (named_values[i].code != code || strcasecmp(named_values[i].name, val))
			continue;
		if (named_values[i].field[0] && field[0] && strcasecmp(named_values[i].field, field))
			continue;
		snprintf(buf, len, "%u", named_values[i].value);
		return buf;
	}
	return val;
}

/* Split "param.field" */
static int split_key(const char *key, char *pname, size_t plen, char *field, size_t flen)
{
	const char *dot = strchr(key, '.');
	if (!dot) {
		snprintf(pname, plen, "%s", key);
		field[0] = 0;
		return 0;
	}
	snprintf(pname, plen, "%.*s", (int)(dot - key), key);
	snprintf(field, flen, "%s", dot + 1);
	return 0;
}

static int key_param_code(const char *pname, const char *field, char *err, size_t err_len)
{
	int code;
	if (!strcasecmp(pname, "p")) {
		char *end;
		long c = strtol(field, &end, 16);
		if (!*field || *end || c < 0 || c > 255) {
			snprintf(err, err_len, "bad parameter code '%s' (p.HEX)", field);
			return -1;
		}
		return c;
	}
	code = isup_param_code_from_name(pname);
	if (code < 0)
		snprintf(err, err_len, "unknown parameter '%s'", pname);
	return code;
}

/* KEY "param.field" or "p.HEX" (a parameter by its code): the parameter's code (-1 and ERR when
 * unknown), its name and the field ("" for the main field, always for p.HEX) */
static int key_parse(const char *key, char *pname, size_t plen, char *field, size_t flen, char *err,
		     size_t err_len)
{
	int code;
	split_key(key, pname, plen, field, flen);
	code = key_param_code(pname, field, err, err_len);
	if (code >= 0 && !strcasecmp(pname, "p"))
		field[0] = 0;
	return code;
}

/* one field of a typed parameter set from its text (digits, rs.status, cause.diag or a number) */
static int typed_set_field(enum pkind k, union typed *t, const char *field, const char *key, const char *val,
			   char *err, size_t err_len)
{
	if (k == PK_NUMBER && !strcasecmp(field, "digits")) {
		size_t n = strlen(val);
		t->num.st = false;
		if (n && (val[n - 1] == 'F' || val[n - 1] == 'f')) {
			t->num.st = true;
			n--;
		}
		if (n > ISUP_MAX_DIGITS) {
			snprintf(err, err_len, "%s: too many digits", key);
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			t->num.digits[i] = toupper((unsigned char)val[i]);
		t->num.digits[n] = 0;
	} else if (k == PK_RS && !strcasecmp(field, "status")) {
		uint8_t st[32];
		int sl = msgspec_hex_parse(val, st, sizeof(st));
		if (sl < 0) {
			snprintf(err, err_len, "%s: bad hex status '%s'", key, val);
			return -1;
		}
		t->rs.status_present = true;
		memset(t->rs.status, 0, sizeof(t->rs.status));
		memcpy(t->rs.status, st, sl);
	} else if (k == PK_CAUSE && !strcasecmp(field, "diag")) {
		int dl = msgspec_hex_parse(val, t->cause.diag, sizeof(t->cause.diag));
		if (dl < 0) {
			snprintf(err, err_len, "%s: bad hex '%s'", key, val);
			return -1;
		}
		t->cause.diag_len = dl;
	} else {
		const struct field_desc *f = find_field(kind_fields(k), field);
		if (!f) {
			snprintf(err, err_len, "%s: unknown field '%s'", key, field);
			return -1;
		}
		fset(t, f, strtoul(val, NULL, 0));
	}
	return 0;
}

static int apply_kv(struct isup_msg *msg, const char *key, const char *val, char *err, size_t err_len)
{
	char pname[32], field[32], vbuf[16];
	uint8_t raw[255];
	int code, len;
	enum isup_number_kind nk = ISUP_NUM_CALLED;
	enum pkind k;
	union typed t;
	struct isup_param *p;

	code = key_parse(key, pname, sizeof(pname), field, sizeof(field), err, err_len);
	if (code < 0)
		return -1;
	k = param_kind(code, &nk);
	val = named_value(code, field, val, vbuf, sizeof(vbuf));

	if (!strcasecmp(val, "absent")) {
		isup_msg_remove(msg, code);
		return 0;
	}
	/* raw octets */
	if (!strncasecmp(val, "0x", 2) || k == PK_HEX || !strcasecmp(pname, "p")) {
		len = msgspec_hex_parse(val, raw, sizeof(raw));
		if (len < 0) {
			snprintf(err, err_len, "%s: bad hex '%s'", key, val);
			return -1;
		}
		if (isup_msg_set(msg, code, raw, len) < 0) {
			snprintf(err, err_len, "%s: cannot set parameter 0x%02x", key, code);
			return -1;
		}
		return 0;
	}
	if (k == PK_OCTET) {
		raw[0] = strtoul(val, NULL, 0);
		return isup_msg_set(msg, code, raw, 1) < 0 ? -1 : 0;
	}
	p = isup_msg_find(msg, code);
	if (!p || typed_decode(k, nk, &t, p->val, p->len) < 0)
		typed_default(k, nk, &t);
	if (!field[0])
		snprintf(field, sizeof(field), "%s", main_field(k));
	if (typed_set_field(k, &t, field, key, val, err, err_len) < 0)
		return -1;
	len = typed_encode(k, nk, &t, raw, sizeof(raw));
	if (len < 0 || isup_msg_set(msg, code, raw, len) < 0) {
		snprintf(err, err_len, "%s: cannot encode parameter", key);
		return -1;
	}
	return 0;
}

static void set_default(struct isup_msg *msg, uint8_t code, const uint8_t *val, uint8_t len)
{
	if (!isup_msg_find(msg, code))
		isup_msg_set(msg, code, val, len);
}

int msgspec_build(struct isup_msg *msg, enum isup_variant variant, const struct msgspec *spec,
		  uint16_t cic, char *err, size_t err_len)
{
	uint8_t b[4];
	if (spec->type < 0) {
		snprintf(err, err_len, "no message type");
		return -1;
	}
	isup_msg_init(msg, variant, spec->type, cic);
	for (unsigned int i = 0; i < spec->num_kv; i++)
		if (apply_kv(msg, spec->kv[i].key, spec->kv[i].val, err, err_len) < 0)
			return -1;
	/* defaults for mandatory parameters not given */
	switch (spec->type) {
	case ISUP_IAM:
		b[0] = 0x00; set_default(msg, ISUP_PRM_NCI, b, 1);
		b[0] = 0x20; b[1] = 0x01; set_default(msg, ISUP_PRM_FCI, b, 2); /* ISUP all the way, orig ISDN */
		b[0] = ISUP_CPC_ORDINARY; set_default(msg, ISUP_PRM_CPC, b, 1);
		b[0] = ISUP_TMR_3K1_AUDIO; set_default(msg, ISUP_PRM_TMR, b, 1);
		if (!isup_msg_find(msg, ISUP_PRM_CALLED_NUM) && apply_kv(msg, "cdpn", "0F", err, err_len) < 0)
			return -1;
		break;
	case ISUP_ACM: case ISUP_CON:
		b[0] = 0x16; b[1] = 0x14; set_default(msg, ISUP_PRM_BCI, b, 2); /* free, ordinary, ISUP, ISDN */
		break;
	case ISUP_REL: case ISUP_CFN:
		b[0] = 0x80 | ISUP_LOC_PUB_LOCAL; b[1] = 0x80 | Q850_NORMAL_CLEARING; /* ITU-T coding, Q.850 2.2 */
		set_default(msg, ISUP_PRM_CAUSE, b, 2);
		break;
	case ISUP_CPG:
		b[0] = ISUP_EVENT_ALERTING; set_default(msg, ISUP_PRM_EVENT_INFO, b, 1);
		break;
	case ISUP_SUS: case ISUP_RES:
		b[0] = 0; set_default(msg, ISUP_PRM_SUSPEND_RESUME_IND, b, 1);
		break;
	case ISUP_COT:
		b[0] = 1; set_default(msg, ISUP_PRM_CONTINUITY_IND, b, 1);
		break;
	case ISUP_CGB: case ISUP_CGU: case ISUP_CGBA: case ISUP_CGUA:
		b[0] = 0; set_default(msg, ISUP_PRM_CGSMT, b, 1);
		break;
	case ISUP_SAM:
		if (!isup_msg_find(msg, ISUP_PRM_SUBSEQUENT_NUM) && apply_kv(msg, "subn", "F", err, err_len) < 0)
			return -1;
		break;
	default:
		break;
	}
	if (msg->known && isup_msg_check(msg) < 0) {
		snprintf(err, err_len, "%s is missing a mandatory parameter", isup_msg_name(msg->type));
		return -1;
	}
	return 0;
}

static void field_to_str(char *out, size_t size, enum pkind k, const union typed *t, const char *field)
{
	if (k == PK_NUMBER && !strcasecmp(field, "digits")) {
		snprintf(out, size, "%s%s", t->num.digits, t->num.st ? "F" : "");
		return;
	}
	if (k == PK_RS && !strcasecmp(field, "status")) {
		size_t n = t->rs.status_present ? (t->rs.range + 8u) / 8u : 0, o = 0;
		out[0] = 0;
		for (size_t i = 0; i < n && o + 3 < size; i++)
			o += snprintf(out + o, size - o, "%02x", t->rs.status[i]);
		return;
	}
	const struct field_desc *f = find_field(kind_fields(k), field);
	if (!f) {
		snprintf(out, size, "?");
		return;
	}
	snprintf(out, size, "%u", fget(t, f));
}

static int values_equal(enum pkind k, const char *field, const char *want, const char *have)
{
	if ((k == PK_NUMBER && !strcasecmp(field, "digits")) || (k == PK_RS && !strcasecmp(field, "status")))
		return !strcasecmp(want, have);
	return strtoul(want, NULL, 0) == strtoul(have, NULL, 0);
}

/* a field of a typed parameter (FIELD empty: its main field) against WANT; 1 equal */
static int match_typed(const struct isup_param *p, enum pkind k, enum isup_number_kind nk, const char *pname,
		       const char *field_in, const char *key, const char *want, char *err, size_t err_len)
{
	char field[32], have[128];
	union typed t;
	if (typed_decode(k, nk, &t, p->val, p->len) < 0) {
		snprintf(err, err_len, "%s: invalid content", pname);
		return 0;
	}
	snprintf(field, sizeof(field), "%s", field_in[0] ? field_in : main_field(k));
	if (k == PK_CAUSE && !strcasecmp(field, "diag")) {
		uint8_t d[32];
		int dl = msgspec_hex_parse(want, d, sizeof(d));
		if (dl != t.cause.diag_len || memcmp(d, t.cause.diag, dl)) {
			snprintf(err, err_len, "cause.diag differs");
			return 0;
		}
		return 1;
	}
	field_to_str(have, sizeof(have), k, &t, field);
	if (!strcmp(have, "?")) {
		snprintf(err, err_len, "%s: unknown field '%s'", key, field);
		return -1;
	}
	if (!values_equal(k, field, want, have)) {
		snprintf(err, err_len, "%s.%s=%s, expected %s", pname, field, have, want);
		return 0;
	}
	return 1;
}

/* body=HEX: the whole message after the CIC, byte for byte (transparency checks); 1 equal */
static int match_body(const struct isup_msg *msg, const char *want, char *err, size_t err_len)
{
	uint8_t exp[ISUP_MAX_MSG_LEN], got[ISUP_MAX_MSG_LEN];
	int el = msgspec_hex_parse(want, exp, sizeof(exp));
	int gl = isup_encode_body(msg, got, sizeof(got));
	size_t o = 0;
	if (el < 0) {
		snprintf(err, err_len, "body: bad hex");
		return -1;
	}
	if (el == gl && !memcmp(exp, got, el))
		return 1;
	o += snprintf(err + o, err_len - o, "body differs, got ");
	for (int k = 0; k < gl && o + 3 < err_len; k++)
		o += snprintf(err + o, err_len - o, "%02x", got[k]);
	return 0;
}

int msgspec_match(const struct isup_msg *msg, const struct msgspec *spec, char *err, size_t err_len)
{
	if (spec->type >= 0 && spec->type != msg->type) {
		snprintf(err, err_len, "type %s, expected %s", isup_msg_name(msg->type), isup_msg_name(spec->type));
		return 0;
	}
	if (spec->cic >= 0 && spec->cic != msg->cic) {
		snprintf(err, err_len, "cic %u, expected %d", msg->cic, spec->cic);
		return 0;
	}
	for (unsigned int i = 0; i < spec->num_kv; i++) {
		const char *key = spec->kv[i].key, *want = spec->kv[i].val;
		char pname[32], field[32], wbuf[16];
		enum isup_number_kind nk = ISUP_NUM_CALLED;
		const struct isup_param *p;
		enum pkind k;
		int code, r;
		if (!strcasecmp(key, "body")) {
			r = match_body(msg, want, err, err_len);
			if (r <= 0)
				return r;
			continue;
		}

		code = key_parse(key, pname, sizeof(pname), field, sizeof(field), err, err_len);
		if (code < 0)
			return -1;
		want = named_value(code, field, want, wbuf, sizeof(wbuf));
		p = isup_msg_find_const(msg, code);
		if (!strcasecmp(want, "absent")) {
			if (p) {
				snprintf(err, err_len, "%s present, expected absent", pname);
				return 0;
			}
			continue;
		}
		if (!p) {
			snprintf(err, err_len, "%s absent", pname);
			return 0;
		}
		if (!strcasecmp(want, "present"))
			continue;
		k = param_kind(code, &nk);
		if (!strncasecmp(want, "0x", 2) || k == PK_HEX || !strcasecmp(pname, "p")) {
			uint8_t raw[255];
			int len = msgspec_hex_parse(want, raw, sizeof(raw));
			if (len < 0) {
				snprintf(err, err_len, "%s: bad hex '%s'", key, want);
				return -1;
			}
			if (len != p->len || memcmp(raw, p->val, len)) {
				snprintf(err, err_len, "%s differs (%u octets)", pname, p->len);
				return 0;
			}
			continue;
		}
		if (k == PK_OCTET) {
			if (p->len < 1 || p->val[0] != strtoul(want, NULL, 0)) {
				snprintf(err, err_len, "%s=%u, expected %s", pname, p->len ? p->val[0] : 0, want);
				return 0;
			}
			continue;
		}
		r = match_typed(p, k, nk, pname, field, key, want, err, err_len);
		if (r <= 0)
			return r;
	}
	return 1;
}

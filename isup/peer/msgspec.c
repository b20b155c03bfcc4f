/* isup-peer: readable ISUP message descriptions <-> struct isup_msg */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osmocom/core/utils.h>

#include "isup/q850.h"
#include "isup/peer/msgspec.h"
#include "isup/peer/msgspec_int.h"
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

/* FIELD_U8(kind, struct type, "name", member) */
#define FIELD_U8(kind, T, name, member) { kind, name, offsetof(T, member), sizeof(((T *)0)->member) }

unsigned int msgspec_field_get(const void *s, const struct field_desc *f)
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

/* The named fields of the typed parameters (Q.763 clause 3), looked up by kind and name */
static const struct field_desc fields[] = {
	/* Q.763 3.9 ff. numbers */
	FIELD_U8(PK_NUMBER, struct isup_number, "nai", nai),
	FIELD_U8(PK_NUMBER, struct isup_number, "npi", npi),
	FIELD_U8(PK_NUMBER, struct isup_number, "inn", inn_ni),
	FIELD_U8(PK_NUMBER, struct isup_number, "ni", inn_ni),
	FIELD_U8(PK_NUMBER, struct isup_number, "apri", apri),
	FIELD_U8(PK_NUMBER, struct isup_number, "scr", screening),
	FIELD_U8(PK_NUMBER, struct isup_number, "st", st),
	FIELD_U8(PK_NUMBER, struct isup_number, "qual", qualifier),
	/* Q.763 3.12 cause indicators */
	FIELD_U8(PK_CAUSE, struct isup_cause, "value", value),
	FIELD_U8(PK_CAUSE, struct isup_cause, "loc", location),
	FIELD_U8(PK_CAUSE, struct isup_cause, "std", coding_std),
	/* Q.763 3.5 backward call indicators */
	FIELD_U8(PK_BCI, struct isup_bci, "status", called_status),
	FIELD_U8(PK_BCI, struct isup_bci, "charge", charge),
	FIELD_U8(PK_BCI, struct isup_bci, "cat", called_category),
	FIELD_U8(PK_BCI, struct isup_bci, "iw", interworking),
	FIELD_U8(PK_BCI, struct isup_bci, "isup", isup_all_the_way),
	FIELD_U8(PK_BCI, struct isup_bci, "isdn", term_access_isdn),
	FIELD_U8(PK_BCI, struct isup_bci, "echo", echo_device),
	FIELD_U8(PK_BCI, struct isup_bci, "holding", holding),
	FIELD_U8(PK_BCI, struct isup_bci, "e2e", e2e_method),
	/* Q.763 3.37 optional backward call indicators */
	FIELD_U8(PK_OBCI, struct isup_obci, "inband", inband_info),
	FIELD_U8(PK_OBCI, struct isup_obci, "div", diversion_may_occur),
	FIELD_U8(PK_OBCI, struct isup_obci, "seg", segmentation),
	/* Q.763 3.21 event information */
	FIELD_U8(PK_EVENT, struct isup_event_info, "event", event),
	FIELD_U8(PK_EVENT, struct isup_event_info, "pres", pres_restricted),
	/* Q.763 3.35 nature of connection indicators */
	FIELD_U8(PK_NCI, struct isup_nci, "cont", continuity),
	FIELD_U8(PK_NCI, struct isup_nci, "sat", satellite),
	FIELD_U8(PK_NCI, struct isup_nci, "echo", echo_device),
	/* Q.763 3.23 forward call indicators */
	FIELD_U8(PK_FCI, struct isup_fci, "intl", international),
	FIELD_U8(PK_FCI, struct isup_fci, "iw", interworking),
	FIELD_U8(PK_FCI, struct isup_fci, "isup", isup_all_the_way),
	FIELD_U8(PK_FCI, struct isup_fci, "pref", isup_pref),
	FIELD_U8(PK_FCI, struct isup_fci, "isdn", orig_access_isdn),
	FIELD_U8(PK_FCI, struct isup_fci, "e2e", e2e_method),
	FIELD_U8(PK_FCI, struct isup_fci, "sccp", sccp_method),
	/* Q.763 3.43 range and status */
	FIELD_U8(PK_RS, struct isup_range_status, "range", range),
};

const struct field_desc *msgspec_field_find(enum pkind k, const char *name)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(fields); i++)
		if (fields[i].kind == k && !strcasecmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

/* decode/encode of one typed parameter kind through the union */
typedef int (*typed_dec_fn)(union typed *t, enum isup_number_kind nk, const uint8_t *v, uint8_t len);
typedef int (*typed_enc_fn)(const union typed *t, enum isup_number_kind nk, uint8_t *out, size_t size);

static int number_dec(union typed *t, enum isup_number_kind nk, const uint8_t *v, uint8_t len)
{
	return isup_number_decode(&t->num, nk, v, len);
}

static int number_enc(const union typed *t, enum isup_number_kind nk, uint8_t *out, size_t size)
{
	return isup_number_encode(&t->num, nk, out, size);
}

/* the other kinds have no number kind: NAME_dec / NAME_enc call isup_CODEC_decode / _encode on MEMBER */
#define TYPED_CODEC(name, member, codec) \
	static int name##_dec(union typed *t, enum isup_number_kind nk, const uint8_t *v, uint8_t len) \
	{ return codec##_decode(&t->member, v, len); } \
	static int name##_enc(const union typed *t, enum isup_number_kind nk, uint8_t *out, size_t size) \
	{ return codec##_encode(&t->member, out, size); }
TYPED_CODEC(cause, cause, isup_cause)
TYPED_CODEC(bci, bci, isup_bci)
TYPED_CODEC(obci, obci, isup_obci)
TYPED_CODEC(event, ev, isup_event_info)
TYPED_CODEC(nci, nci, isup_nci)
TYPED_CODEC(fci, fci, isup_fci)
TYPED_CODEC(rs, rs, isup_range_status)
#undef TYPED_CODEC

/* per typed kind: the field a bare "param=value" sets, the codec */
static const struct {
	const char *main_field;
	typed_dec_fn dec;
	typed_enc_fn enc;
} kinds[] = {
	[PK_NUMBER] = { "digits", number_dec, number_enc },
	[PK_CAUSE] = { "value", cause_dec, cause_enc },
	[PK_BCI] = { "status", bci_dec, bci_enc },
	[PK_OBCI] = { "inband", obci_dec, obci_enc },
	[PK_EVENT] = { "event", event_dec, event_enc },
	[PK_NCI] = { "cont", nci_dec, nci_enc },
	[PK_FCI] = { "iw", fci_dec, fci_enc },
	[PK_RS] = { "range", rs_dec, rs_enc },
	[PK_OCTET] = { "value" },
	[PK_HEX] = { "value" },
};

static const char *main_field(enum pkind k)
{
	return kinds[k].main_field;
}

int msgspec_typed_decode(enum pkind k, enum isup_number_kind nk, union typed *t, const uint8_t *v, uint8_t len)
{
	memset(t, 0, sizeof(*t));
	return kinds[k].dec ? kinds[k].dec(t, nk, v, len) : -1;
}

static int typed_encode(enum pkind k, enum isup_number_kind nk, const union typed *t, uint8_t *out, size_t size)
{
	return kinds[k].enc ? kinds[k].enc(t, nk, out, size) : -1;
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

int msgspec_key_parse(struct spec_key *sk, const char *key, char *err, size_t err_len)
{
	sk->key = key;
	sk->nk = ISUP_NUM_CALLED;
	split_key(key, sk->pname, sizeof(sk->pname), sk->field, sizeof(sk->field));
	sk->code = key_param_code(sk->pname, sk->field, err, err_len);
	if (sk->code < 0)
		return -1;
	sk->by_code = !strcasecmp(sk->pname, "p");
	if (sk->by_code)
		sk->field[0] = 0;
	sk->kind = param_kind(sk->code, &sk->nk);
	return 0;
}

/* the value is given as octets: "0x..", an untyped parameter, or one named by code */
bool msgspec_value_is_raw(const struct spec_key *sk, const char *val)
{
	return !strncasecmp(val, "0x", 2) || sk->kind == PK_HEX || sk->by_code;
}

/* "param=VALUE" of a typed parameter sets (or compares) its main field */
void msgspec_key_main_field(struct spec_key *sk)
{
	if (!sk->field[0])
		snprintf(sk->field, sizeof(sk->field), "%s", main_field(sk->kind));
}

static int apply_raw(struct isup_msg *msg, const struct spec_key *sk, const char *val, char *err, size_t err_len)
{
	uint8_t raw[255];
	int len = msgspec_hex_parse(val, raw, sizeof(raw));

	if (len < 0) {
		snprintf(err, err_len, "%s: bad hex '%s'", sk->key, val);
		return -1;
	}
	if (isup_msg_set(msg, sk->code, raw, len) < 0) {
		snprintf(err, err_len, "%s: cannot set parameter 0x%02x", sk->key, sk->code);
		return -1;
	}
	return 0;
}

/* Q.763 3.9: address signals, a trailing F is the ST (end of pulsing) signal */
static int set_digits(struct isup_number *num, const struct spec_key *sk, const char *val, char *err,
		      size_t err_len)
{
	size_t n = strlen(val);

	num->st = false;
	if (n && (val[n - 1] == 'F' || val[n - 1] == 'f')) {
		num->st = true;
		n--;
	}
	if (n > ISUP_MAX_DIGITS) {
		snprintf(err, err_len, "%s: too many digits", sk->key);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		num->digits[i] = toupper((unsigned char)val[i]);
	num->digits[n] = 0;
	return 0;
}

/* one field of a typed parameter: digits, status bits and diagnostics as text, the others as numbers */
static int set_typed_field(union typed *t, const struct spec_key *sk, const char *val, char *err, size_t err_len)
{
	const struct field_desc *f;

	if (sk->kind == PK_NUMBER && !strcasecmp(sk->field, "digits"))
		return set_digits(&t->num, sk, val, err, err_len);
	if (sk->kind == PK_RS && !strcasecmp(sk->field, "status")) {
		uint8_t st[32];
		int sl = msgspec_hex_parse(val, st, sizeof(st));
		if (sl < 0) {
			snprintf(err, err_len, "%s: bad hex status '%s'", sk->key, val);
			return -1;
		}
		t->rs.status_present = true;
		memset(t->rs.status, 0, sizeof(t->rs.status));
		memcpy(t->rs.status, st, sl);
		return 0;
	}
	if (sk->kind == PK_CAUSE && !strcasecmp(sk->field, "diag")) {
		int dl = msgspec_hex_parse(val, t->cause.diag, sizeof(t->cause.diag));
		if (dl < 0) {
			snprintf(err, err_len, "%s: bad hex '%s'", sk->key, val);
			return -1;
		}
		t->cause.diag_len = dl;
		return 0;
	}
	f = msgspec_field_find(sk->kind, sk->field);
	if (!f) {
		snprintf(err, err_len, "%s: unknown field '%s'", sk->key, sk->field);
		return -1;
	}
	fset(t, f, strtoul(val, NULL, 0));
	return 0;
}

static int apply_kv(struct isup_msg *msg, const char *key, const char *val, char *err, size_t err_len)
{
	struct spec_key sk;
	struct isup_param *p;
	uint8_t raw[255];
	union typed t;
	int len;

	if (msgspec_key_parse(&sk, key, err, err_len) < 0)
		return -1;
	if (!strcasecmp(val, "absent")) {
		isup_msg_remove(msg, sk.code);
		return 0;
	}
	if (msgspec_value_is_raw(&sk, val))
		return apply_raw(msg, &sk, val, err, err_len);
	if (sk.kind == PK_OCTET) {
		raw[0] = strtoul(val, NULL, 0);
		return isup_msg_set(msg, sk.code, raw, 1) < 0 ? -1 : 0;
	}
	/* a field assignment changes the parameter present, or a default one */
	p = isup_msg_find(msg, sk.code);
	if (!p || msgspec_typed_decode(sk.kind, sk.nk, &t, p->val, p->len) < 0)
		typed_default(sk.kind, sk.nk, &t);
	msgspec_key_main_field(&sk);
	if (set_typed_field(&t, &sk, val, err, err_len) < 0)
		return -1;
	len = typed_encode(sk.kind, sk.nk, &t, raw, sizeof(raw));
	if (len < 0 || isup_msg_set(msg, sk.code, raw, len) < 0) {
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

/* isup-peer: an expected-message description matched against a received message */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "isup/peer/msgspec.h"
#include "isup/peer/msgspec_int.h"

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
	const struct field_desc *f = msgspec_field_find(k, field);
	if (!f) {
		snprintf(out, size, "?");
		return;
	}
	snprintf(out, size, "%u", msgspec_field_get(t, f));
}

static int values_equal(enum pkind k, const char *field, const char *want, const char *have)
{
	if ((k == PK_NUMBER && !strcasecmp(field, "digits")) || (k == PK_RS && !strcasecmp(field, "status")))
		return !strcasecmp(want, have);
	return strtoul(want, NULL, 0) == strtoul(have, NULL, 0);
}

/* "body=HEX": the whole message after the CIC, byte for byte (transparency checks) */
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

static int match_raw(const struct isup_param *p, const struct spec_key *sk, const char *want, char *err,
		     size_t err_len)
{
	uint8_t raw[255];
	int len = msgspec_hex_parse(want, raw, sizeof(raw));

	if (len < 0) {
		snprintf(err, err_len, "%s: bad hex '%s'", sk->key, want);
		return -1;
	}
	if (len != p->len || memcmp(raw, p->val, len)) {
		snprintf(err, err_len, "%s differs (%u octets)", sk->pname, p->len);
		return 0;
	}
	return 1;
}

/* one field of a typed parameter against the expected text */
static int match_typed(const struct isup_param *p, struct spec_key *sk, const char *want, char *err,
		       size_t err_len)
{
	char have[128];
	union typed t;

	if (msgspec_typed_decode(sk->kind, sk->nk, &t, p->val, p->len) < 0) {
		snprintf(err, err_len, "%s: invalid content", sk->pname);
		return 0;
	}
	msgspec_key_main_field(sk);
	if (sk->kind == PK_CAUSE && !strcasecmp(sk->field, "diag")) {
		uint8_t d[32];
		int dl = msgspec_hex_parse(want, d, sizeof(d));
		if (dl != t.cause.diag_len || memcmp(d, t.cause.diag, dl)) {
			snprintf(err, err_len, "cause.diag differs");
			return 0;
		}
		return 1;
	}
	field_to_str(have, sizeof(have), sk->kind, &t, sk->field);
	if (!strcmp(have, "?")) {
		snprintf(err, err_len, "%s: unknown field '%s'", sk->key, sk->field);
		return -1;
	}
	if (!values_equal(sk->kind, sk->field, want, have)) {
		snprintf(err, err_len, "%s.%s=%s, expected %s", sk->pname, sk->field, have, want);
		return 0;
	}
	return 1;
}

/* "param[.field]=VALUE", "=absent" or "=present": 1 matches, 0 does not (err says why), -1 bad spec */
static int match_kv(const struct isup_msg *msg, const char *key, const char *want, char *err, size_t err_len)
{
	const struct isup_param *p;
	struct spec_key sk;

	if (msgspec_key_parse(&sk, key, err, err_len) < 0)
		return -1;
	p = isup_msg_find_const(msg, sk.code);
	if (!strcasecmp(want, "absent")) {
		if (p) {
			snprintf(err, err_len, "%s present, expected absent", sk.pname);
			return 0;
		}
		return 1;
	}
	if (!p) {
		snprintf(err, err_len, "%s absent", sk.pname);
		return 0;
	}
	if (!strcasecmp(want, "present"))
		return 1;
	if (msgspec_value_is_raw(&sk, want))
		return match_raw(p, &sk, want, err, err_len);
	if (sk.kind == PK_OCTET) {
		if (p->len < 1 || p->val[0] != strtoul(want, NULL, 0)) {
			snprintf(err, err_len, "%s=%u, expected %s", sk.pname, p->len ? p->val[0] : 0, want);
			return 0;
		}
		return 1;
	}
	return match_typed(p, &sk, want, err, err_len);
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
		int rc = !strcasecmp(key, "body") ? match_body(msg, want, err, err_len)
						  : match_kv(msg, key, want, err, err_len);
		if (rc != 1)
			return rc;
	}
	return 1;
}

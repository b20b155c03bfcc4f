/* ISUP codec unit tests: one TAP-like "ok NAME" / "not ok NAME" line per case */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "isup/isup.h"
#include "tests/isup/samples.h"

static unsigned int num_failed;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		return false; \
	} } while (0)
#define CHECK_EQ(a, b) do { \
	long long _a = (a), _b = (b); \
	if (_a != _b) { \
		fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a, _a, #b, _b); \
		return false; \
	} } while (0)

static void report(const char *name, bool ok)
{
	printf("%sok %s\n", ok ? "" : "not ", name);
	fflush(stdout);
	if (!ok)
		num_failed++;
}

static void hexdump(const char *what, const uint8_t *b, int len)
{
	fprintf(stderr, "  %s:", what);
	for (int i = 0; i < len; i++)
		fprintf(stderr, " %02x", b[i]);
	fprintf(stderr, "\n");
}

static bool bytes_eq(const uint8_t *got, int got_len, const uint8_t *exp, int exp_len)
{
	if (got_len == exp_len && !memcmp(got, exp, exp_len))
		return true;
	hexdump("got     ", got, got_len);
	hexdump("expected", exp, exp_len);
	return false;
}

static struct isup_msg m, d, d2;
static uint8_t buf[1024], buf2[1024];
static char text[4096];

/* encode, compare (if expected given), decode, compare messages, re-encode, print */
static bool roundtrip(const struct isup_msg *msg, const uint8_t *exp, int exp_len)
{
	struct isup_decode_err derr;
	int len, len2, rc;

	len = isup_encode(msg, buf, sizeof(buf));
	CHECK(len > 0);
	if (exp)
		CHECK(bytes_eq(buf, len, exp, exp_len));
	rc = isup_decode(&d, msg->variant, buf, len, &derr);
	if (rc != ISUP_OK)
		fprintf(stderr, "  decode: %s at %u param 0x%02x\n", isup_strerror(rc), derr.offset, derr.param_code);
	CHECK_EQ(rc, ISUP_OK);
	CHECK(isup_msg_equal(&d, msg));
	len2 = isup_encode(&d, buf2, sizeof(buf2));
	CHECK(bytes_eq(buf2, len2, buf, len));
	/* SIP-T body form: same without the CIC */
	len2 = isup_encode_body(msg, buf2, sizeof(buf2));
	CHECK(bytes_eq(buf2, len2, buf + 2, len - 2));
	CHECK_EQ(isup_decode_body(&d2, msg->variant, buf2, len2, NULL), ISUP_OK);
	CHECK_EQ(d2.num_params, msg->num_params);
	/* printing works, including into too small buffers */
	rc = isup_msg_print(text, sizeof(text), &d);
	CHECK(rc > 0 && rc < (int)sizeof(text));
	CHECK_EQ(isup_msg_print(text, 5, &d), rc);
	CHECK_EQ(strlen(text), 4);
	CHECK_EQ(isup_msg_print(NULL, 0, &d), rc);
	CHECK(isup_msg_summary(text, sizeof(text), &d) > 0);
	CHECK(!strncmp(text, isup_msg_name(msg->type), strlen(isup_msg_name(msg->type))));
	return true;
}

static bool sample_roundtrip(const char *name)
{
	for (unsigned int i = 0; i < isup_num_samples; i++) {
		if (strcmp(isup_samples[i].name, name))
			continue;
		CHECK_EQ(isup_sample_build(&isup_samples[i], &m), 0);
		CHECK(isup_msg_check(&m) == 0);
		return roundtrip(&m, NULL, 0);
	}
	fprintf(stderr, "  no sample %s\n", name);
	return false;
}

static bool sample_expect(const char *name, const uint8_t *exp, int exp_len)
{
	for (unsigned int i = 0; i < isup_num_samples; i++) {
		if (strcmp(isup_samples[i].name, name))
			continue;
		CHECK_EQ(isup_sample_build(&isup_samples[i], &m), 0);
		return roundtrip(&m, exp, exp_len);
	}
	return false;
}

/* ---- hand-checked encodings ---- */

static bool t_iam_bytes(void)
{
	static const uint8_t exp[] = {
		0x0c, 0x00,		/* CIC 12 */
		0x01,			/* IAM */
		0x00,			/* NCI */
		0x20, 0x01,		/* FCI: ISUP all the way, originating access ISDN */
		0x0a,			/* CPC ordinary */
		0x03,			/* TMR 3.1 kHz */
		0x02, 0x08,		/* pointers: CdPN, optional part */
		0x06, 0x83, 0x90, 0x94, 0x03, 0x21, 0x03,		/* CdPN odd national INN E.164 4930123 */
		0x0a, 0x06, 0x83, 0x13, 0x94, 0x04, 0x11, 0x01,	/* CgPN network provided 4940111 */
		0x00,			/* end of optional parameters */
	};
	CHECK(sample_expect("IAM", exp, sizeof(exp)));
	CHECK(isup_msg_summary(text, sizeof(text), &d) > 0);
	CHECK(!strcmp(text, "IAM cic=12 cdpn=4930123 cgpn=4940111"));
	return true;
}

static bool t_acm_bytes(void)
{
	static const uint8_t exp[] = {
		0x0c, 0x00, 0x06,
		0x16, 0x14,		/* BCI: charge, subscriber free, ordinary; ISUP, ISDN access */
		0x01,			/* optional part pointer */
		0x29, 0x01, 0x01,	/* OBCI in-band information available */
		0x00,
	};
	return sample_expect("ACM", exp, sizeof(exp));
}

static bool t_rel_bytes(void)
{
	static const uint8_t exp[] = {
		0x0c, 0x00, 0x0c,
		0x02, 0x00,		/* cause pointer, no optional part */
		0x02, 0x82, 0x90,	/* ITU-T, public network local user, cause 16 */
	};
	return sample_expect("REL", exp, sizeof(exp));
}

static bool t_grs_bytes(void)
{
	/* no optional part pointer in GRS */
	static const uint8_t exp[] = { 0x01, 0x00, 0x17, 0x01, 0x01, 0x07 };
	return sample_expect("GRS", exp, sizeof(exp));
}

static bool t_cgb_bytes(void)
{
	static const uint8_t exp[] = { 0x01, 0x00, 0x18, 0x00, 0x01, 0x03, 0x09, 0x07, 0x02 };
	return sample_expect("CGB", exp, sizeof(exp));
}

static bool t_ansi_iam_bytes(void)
{
	static const uint8_t exp[] = {
		0x45, 0x23,		/* 14-bit CIC 0x2345 */
		0x01, 0x00, 0x20, 0x01, 0x0a,	/* NCI FCI CPC, no TMR */
		0x03, 0x06, 0x0d,	/* pointers: USI, CdPN, optional part */
		0x03, 0x80, 0x90, 0xa2,	/* USI speech, 64 kbit/s, G.711 mu-law */
		0x07, 0x03, 0x90, 0x02, 0x51, 0x55, 0x10, 0x32,	/* CdPN 2015550123 even */
		0x0a, 0x07, 0x03, 0x13, 0x02, 0x51, 0x55, 0x10, 0x99,
		0x00,
	};
	return sample_expect("ANSI-IAM", exp, sizeof(exp));
}

static bool t_rsc_bytes(void)
{
	static const uint8_t exp[] = { 0x15, 0x00, 0x12 };	/* CIC + type only */
	return sample_expect("RSC", exp, sizeof(exp));
}

static bool t_cot_bytes(void)
{
	static const uint8_t exp[] = { 0x10, 0x00, 0x05, 0x01 };	/* no optional pointer */
	return sample_expect("COT", exp, sizeof(exp));
}

static bool t_rlc_bytes(void)
{
	static const uint8_t exp[] = { 0x0c, 0x00, 0x10, 0x00 };	/* optional pointer 0 */
	return sample_expect("RLC", exp, sizeof(exp));
}

/* ---- CIC ---- */

static bool t_cic_itu(void)
{
	static const uint8_t in[] = { 0xbc, 0xfa, 0x12 };	/* spare bits set */
	CHECK_EQ(isup_cic_mask(ISUP_VARIANT_ITU), 0x0fff);
	CHECK_EQ(isup_decode(&d, ISUP_VARIANT_ITU, in, sizeof(in), NULL), ISUP_OK);
	CHECK_EQ(d.cic, 0x0abc);
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_RSC, 0x1000);
	CHECK_EQ(isup_encode(&m, buf, sizeof(buf)), ISUP_ERR_INVAL);
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_RSC, 0x0fff);
	CHECK_EQ(isup_encode(&m, buf, sizeof(buf)), 3);
	CHECK(buf[0] == 0xff && buf[1] == 0x0f);
	return true;
}

static bool t_cic_ansi(void)
{
	static const uint8_t in[] = { 0xbc, 0xfa, 0x12 };
	CHECK_EQ(isup_cic_mask(ISUP_VARIANT_ANSI), 0x3fff);
	CHECK_EQ(isup_decode(&d, ISUP_VARIANT_ANSI, in, sizeof(in), NULL), ISUP_OK);
	CHECK_EQ(d.cic, 0x3abc);
	isup_msg_init(&m, ISUP_VARIANT_ANSI, ISUP_RSC, 0x3fff);
	CHECK_EQ(isup_encode(&m, buf, sizeof(buf)), 3);
	CHECK(buf[0] == 0xff && buf[1] == 0x3f);
	isup_msg_init(&m, ISUP_VARIANT_ANSI, ISUP_RSC, 0x4000);
	CHECK_EQ(isup_encode(&m, buf, sizeof(buf)), ISUP_ERR_INVAL);
	return true;
}

static bool t_ansi_only_msgs(void)
{
	static const uint8_t cra[] = { 0x00, 0x20, 0xe9 };
	CHECK(isup_msg_type_known(ISUP_VARIANT_ANSI, ISUP_ANSI_CRA));
	CHECK(isup_msg_type_known(ISUP_VARIANT_ANSI, ISUP_ANSI_EXM));
	CHECK(!isup_msg_type_known(ISUP_VARIANT_ITU, ISUP_ANSI_CRA));
	CHECK_EQ(isup_decode(&d, ISUP_VARIANT_ANSI, cra, sizeof(cra), NULL), ISUP_OK);
	CHECK_EQ(d.cic, 0x2000);
	CHECK(d.known);
	/* the same bytes in ITU: unknown message, kept raw */
	CHECK_EQ(isup_decode(&d, ISUP_VARIANT_ITU, cra, sizeof(cra), NULL), ISUP_ERR_UNKNOWN_MSG);
	CHECK(!d.known);
	CHECK(!strcmp(isup_msg_name(ISUP_ANSI_CVT), "CVT"));
	return true;
}

/* ---- parameters ---- */

static bool t_number_odd(void)
{
	struct isup_number n = { .nai = 3, .inn_ni = 1, .npi = 1 }, o;
	uint8_t v[32];
	strcpy(n.digits, "12345");
	CHECK_EQ(isup_number_encode(&n, ISUP_NUM_CALLED, v, sizeof(v)), 5);
	CHECK(v[0] == 0x83 && v[1] == 0x90 && v[2] == 0x21 && v[3] == 0x43 && v[4] == 0x05);
	CHECK_EQ(isup_number_decode(&o, ISUP_NUM_CALLED, v, 5), 0);
	CHECK(!strcmp(o.digits, "12345") && !o.st && o.nai == 3 && o.inn_ni == 1 && o.npi == 1);
	return true;
}

static bool t_number_even(void)
{
	struct isup_number n = { .nai = 4, .npi = 1 }, o;
	uint8_t v[32];
	strcpy(n.digits, "1234");
	CHECK_EQ(isup_number_encode(&n, ISUP_NUM_CALLED, v, sizeof(v)), 4);
	CHECK(v[0] == 0x04 && v[1] == 0x10 && v[2] == 0x21 && v[3] == 0x43);
	CHECK_EQ(isup_number_decode(&o, ISUP_NUM_CALLED, v, 4), 0);
	CHECK(!strcmp(o.digits, "1234") && !o.st && o.nai == 4);
	return true;
}

static bool t_number_st(void)
{
	struct isup_number n = { .nai = 3, .npi = 1, .st = true }, o;
	uint8_t v[32];
	/* 4 digits + ST = 5 signals: odd */
	strcpy(n.digits, "1234");
	CHECK_EQ(isup_number_encode(&n, ISUP_NUM_CALLED, v, sizeof(v)), 5);
	CHECK(v[0] == 0x83 && v[2] == 0x21 && v[3] == 0x43 && v[4] == 0x0f);
	CHECK_EQ(isup_number_decode(&o, ISUP_NUM_CALLED, v, 5), 0);
	CHECK(!strcmp(o.digits, "1234") && o.st);
	/* 3 digits + ST = 4 signals: even, ST in the high nibble */
	strcpy(n.digits, "123");
	CHECK_EQ(isup_number_encode(&n, ISUP_NUM_CALLED, v, sizeof(v)), 4);
	CHECK(v[0] == 0x03 && v[2] == 0x21 && v[3] == 0xf3);
	CHECK_EQ(isup_number_decode(&o, ISUP_NUM_CALLED, v, 4), 0);
	CHECK(!strcmp(o.digits, "123") && o.st);
	/* ST only (e.g. SAM ending the number) */
	n.digits[0] = 0;
	n.nai = 0;
	CHECK_EQ(isup_number_encode(&n, ISUP_NUM_SUBSEQUENT, v, sizeof(v)), 2);
	CHECK(v[0] == 0x80 && v[1] == 0x0f);
	CHECK_EQ(isup_number_decode(&o, ISUP_NUM_SUBSEQUENT, v, 2), 0);
	CHECK(!o.digits[0] && o.st);
	return true;
}

static bool t_number_hex_digits(void)
{
	struct isup_number n = { .nai = 3, .npi = 1 }, o;
	uint8_t v[32];
	strcpy(n.digits, "0ABCDE9");
	CHECK_EQ(isup_number_encode(&n, ISUP_NUM_CALLED, v, sizeof(v)), 6);
	CHECK(v[2] == 0xa0 && v[3] == 0xcb && v[4] == 0xed && v[5] == 0x09);
	CHECK_EQ(isup_number_decode(&o, ISUP_NUM_CALLED, v, 6), 0);
	CHECK(!strcmp(o.digits, "0ABCDE9"));
	strcpy(n.digits, "12*");
	CHECK_EQ(isup_number_encode(&n, ISUP_NUM_CALLED, v, sizeof(v)), ISUP_ERR_INVAL);
	/* ST in the middle is not a digit */
	static const uint8_t bad[] = { 0x03, 0x10, 0xf1, 0x32 };
	CHECK_EQ(isup_number_decode(&o, ISUP_NUM_CALLED, bad, sizeof(bad)), ISUP_ERR_PARAM_VALUE);
	return true;
}

static bool t_number_kinds(void)
{
	struct isup_number n = { .qualifier = 6, .nai = 3, .inn_ni = 0, .npi = 1, .apri = 1, .screening = 1 }, o;
	uint8_t v[32];
	int len;
	strcpy(n.digits, "301234");
	/* generic number: qualifier octet first */
	len = isup_number_encode(&n, ISUP_NUM_GENERIC, v, sizeof(v));
	CHECK_EQ(len, 6);
	CHECK(v[0] == 0x06 && v[1] == 0x03 && v[2] == 0x15 && v[3] == 0x03);
	CHECK_EQ(isup_number_decode(&o, ISUP_NUM_GENERIC, v, len), 0);
	CHECK(o.qualifier == 6 && o.apri == 1 && o.screening == 1 && !strcmp(o.digits, "301234"));
	/* calling party: presentation restricted, user provided verified */
	len = isup_number_encode(&n, ISUP_NUM_CALLING, v, sizeof(v));
	CHECK(len == 5 && v[1] == 0x15);
	/* calling party number not available: no digits */
	struct isup_number na = { .nai = 3, .npi = 1, .apri = ISUP_APRI_NOT_AVAILABLE, .screening = 3 };
	CHECK_EQ(isup_number_encode(&na, ISUP_NUM_CALLING, v, sizeof(v)), 2);
	CHECK_EQ(isup_number_decode(&o, ISUP_NUM_CALLING, v, 2), 0);
	CHECK(o.apri == ISUP_APRI_NOT_AVAILABLE && !o.digits[0]);
	/* too short, too many digits, buffer too small */
	CHECK_EQ(isup_number_decode(&o, ISUP_NUM_CALLED, v, 1), ISUP_ERR_PARAM_VALUE);
	CHECK_EQ(isup_number_decode(&o, ISUP_NUM_GENERIC, v, 2), ISUP_ERR_PARAM_VALUE);
	memset(v, 0x11, sizeof(v));
	CHECK_EQ(isup_number_decode(&o, ISUP_NUM_CALLED, v, 23), ISUP_ERR_PARAM_VALUE);	/* 42 digits */
	CHECK_EQ(isup_number_decode(&o, ISUP_NUM_CALLED, v, 22), 0);	/* 40 */
	CHECK_EQ(strlen(o.digits), 40);
	CHECK_EQ(isup_number_encode(&n, ISUP_NUM_CALLED, v, 4), ISUP_ERR_BUFFER);
	return true;
}

static bool t_nci_fci(void)
{
	struct isup_nci nci = { .satellite = 1, .continuity = 2, .echo_device = true }, nci2;
	struct isup_fci fci = { .international = true, .e2e_method = 2, .interworking = true, .isup_all_the_way = true,
				.isup_pref = 2, .orig_access_isdn = true, .sccp_method = 1, .ported_translated = true,
				.qor_attempt = true }, fci2;
	uint8_t v[4];
	CHECK_EQ(isup_nci_encode(&nci, v, sizeof(v)), 1);
	CHECK_EQ(v[0], 0x19);
	CHECK_EQ(isup_nci_decode(&nci2, v, 1), 0);
	CHECK(!memcmp(&nci, &nci2, sizeof(nci)));
	CHECK_EQ(isup_fci_encode(&fci, v, sizeof(v)), 2);
	CHECK(v[0] == 0xad && v[1] == 0x1b);
	CHECK_EQ(isup_fci_decode(&fci2, v, 2), 0);
	CHECK(!memcmp(&fci, &fci2, sizeof(fci)));
	CHECK_EQ(isup_fci_decode(&fci2, v, 1), ISUP_ERR_PARAM_VALUE);
	CHECK_EQ(isup_nci_encode(&nci, v, 0), ISUP_ERR_BUFFER);
	return true;
}

static bool t_bci_obci(void)
{
	struct isup_bci b = { .charge = 1, .called_status = ISUP_BCI_STATUS_CONNECT_WHEN_FREE, .called_category = 2,
			      .e2e_method = 1, .interworking = true, .holding = true, .echo_device = true,
			      .sccp_method = 3 }, b2;
	struct isup_obci o = { .inband_info = true, .segmentation = true }, o2;
	uint8_t v[4];
	CHECK_EQ(isup_bci_encode(&b, v, sizeof(v)), 2);
	CHECK(v[0] == 0x69 && v[1] == 0xe9);
	CHECK_EQ(isup_bci_decode(&b2, v, 2), 0);
	CHECK(!memcmp(&b, &b2, sizeof(b)));
	CHECK_EQ(isup_obci_encode(&o, v, sizeof(v)), 1);
	CHECK_EQ(v[0], 0x05);
	CHECK_EQ(isup_obci_decode(&o2, v, 1), 0);
	CHECK(!memcmp(&o, &o2, sizeof(o)));
	return true;
}

static bool t_cause(void)
{
	struct isup_cause c = { .coding_std = 0, .location = ISUP_LOC_TRANSIT, .value = 34, .diag_len = 2,
				.diag = { 0x12, 0x34 } }, c2;
	uint8_t v[40];
	CHECK_EQ(isup_cause_encode(&c, v, sizeof(v)), 4);
	CHECK(v[0] == 0x83 && v[1] == 0xa2 && v[2] == 0x12 && v[3] == 0x34);
	CHECK_EQ(isup_cause_decode(&c2, v, 4), 0);
	CHECK(c2.value == 34 && c2.location == 3 && c2.diag_len == 2 && c2.diag[1] == 0x34 && !c2.has_recommendation);
	/* national coding standard with recommendation octet 1a */
	struct isup_cause r = { .coding_std = 2, .location = ISUP_LOC_BEYOND_IWP, .has_recommendation = true,
				.recommendation = 0, .value = 127 };
	CHECK_EQ(isup_cause_encode(&r, v, sizeof(v)), 3);
	CHECK(v[0] == 0x4a && v[1] == 0x80 && v[2] == 0xff);
	CHECK_EQ(isup_cause_decode(&c2, v, 3), 0);
	CHECK(c2.has_recommendation && c2.coding_std == 2 && c2.location == 10 && c2.value == 127);
	CHECK_EQ(isup_cause_decode(&c2, v, 1), ISUP_ERR_PARAM_VALUE);
	CHECK_EQ(isup_cause_decode(&c2, v, 2), ISUP_ERR_PARAM_VALUE);	/* 1a present, value missing */
	CHECK(!strcmp(isup_cause_name(16), "Normal call clearing"));
	CHECK(!strcmp(isup_cause_name(17), "User busy"));
	CHECK(!strcmp(isup_cause_name(127), "Interworking, unspecified"));
	CHECK(!strcmp(isup_cause_name(200), "Unknown cause"));
	return true;
}

static bool t_event(void)
{
	struct isup_event_info e = { .event = ISUP_EVENT_FWD_BUSY, .pres_restricted = true }, e2;
	uint8_t v[1];
	CHECK_EQ(isup_event_info_encode(&e, v, 1), 1);
	CHECK_EQ(v[0], 0x84);
	CHECK_EQ(isup_event_info_decode(&e2, v, 1), 0);
	CHECK(e2.event == 4 && e2.pres_restricted);
	return true;
}

static bool t_range_status(void)
{
	struct isup_range_status rs = { .range = 23 }, rs2;
	uint8_t v[40];
	isup_range_status_set_bit(&rs, 0, true);
	isup_range_status_set_bit(&rs, 9, true);
	isup_range_status_set_bit(&rs, 23, true);
	isup_range_status_set_bit(&rs, 24, true);	/* beyond range: ignored */
	CHECK_EQ(isup_range_status_encode(&rs, v, sizeof(v)), 4);
	CHECK(v[0] == 23 && v[1] == 0x01 && v[2] == 0x02 && v[3] == 0x80);
	CHECK_EQ(isup_range_status_decode(&rs2, v, 4), 0);
	CHECK(rs2.status_present && isup_range_status_bit(&rs2, 0) && isup_range_status_bit(&rs2, 9) &&
	      isup_range_status_bit(&rs2, 23) && !isup_range_status_bit(&rs2, 1) && !isup_range_status_bit(&rs2, 24));
	/* status length must match the range */
	CHECK_EQ(isup_range_status_decode(&rs2, v, 3), ISUP_ERR_PARAM_VALUE);
	/* range only (GRS, CQM) */
	CHECK_EQ(isup_range_status_decode(&rs2, v, 1), 0);
	CHECK(!rs2.status_present && rs2.range == 23);
	struct isup_range_status grs = { .range = 31 };
	CHECK_EQ(isup_range_status_encode(&grs, v, sizeof(v)), 1);
	/* full national range: 256 circuits, 32 status octets */
	struct isup_range_status big = { .range = 255 };
	isup_range_status_set_bit(&big, 255, true);
	CHECK_EQ(isup_range_status_encode(&big, v, sizeof(v)), 33);
	CHECK_EQ(v[32], 0x80);
	return true;
}

static bool t_redirection(void)
{
	struct isup_redirection_info ri = { .indicator = 4, .orig_reason = 2, .counter = 5, .reason = 3 }, ri2;
	struct isup_call_diversion cd = { .notification = 3, .reason = 2 }, cd2;
	uint8_t v[4];
	CHECK_EQ(isup_redirection_info_encode(&ri, v, sizeof(v)), 2);
	CHECK(v[0] == 0x24 && v[1] == 0x35);
	CHECK_EQ(isup_redirection_info_decode(&ri2, v, 2), 0);
	CHECK(!memcmp(&ri, &ri2, sizeof(ri)));
	CHECK_EQ(isup_call_diversion_encode(&cd, v, sizeof(v)), 1);
	CHECK_EQ(v[0], 0x13);
	CHECK_EQ(isup_call_diversion_decode(&cd2, v, 1), 0);
	CHECK(!memcmp(&cd, &cd2, sizeof(cd)));
	return true;
}

static bool t_echo_control(void)
{
	struct isup_echo_control e = { .out_half_resp = 1, .in_half_resp = 2, .out_half_req = 1, .in_half_req = 2 }, e2;
	uint8_t v[1];
	CHECK_EQ(isup_echo_control_encode(&e, v, 1), 1);
	CHECK_EQ(v[0], 0x99);
	CHECK_EQ(isup_echo_control_decode(&e2, v, 1), 0);
	CHECK(!memcmp(&e, &e2, sizeof(e)));
	return true;
}

static bool t_usi(void)
{
	struct isup_usi u = { .coding_std = 0, .itc = 16, .transfer_mode = 0, .transfer_rate = 16, .l1_protocol = 3 }, u2;
	uint8_t v[16];
	CHECK_EQ(isup_usi_encode(&u, v, sizeof(v)), 3);
	CHECK(v[0] == 0x90 && v[1] == 0x90 && v[2] == 0xa3);
	CHECK_EQ(isup_usi_decode(&u2, v, 3), 0);
	CHECK(u2.itc == 16 && u2.transfer_rate == 16 && u2.l1_protocol == 3 && u2.raw_len == 3);
	/* raw kept; modelled fields patched on encode */
	u2.l1_protocol = 2;
	CHECK_EQ(isup_usi_encode(&u2, v, sizeof(v)), 3);
	CHECK_EQ(v[2], 0xa2);
	/* UDI without layer 1 octet */
	static const uint8_t udi[] = { 0x88, 0x90 };
	CHECK_EQ(isup_usi_decode(&u2, udi, 2), 0);
	CHECK(u2.itc == 8 && u2.l1_protocol == 0);
	/* multirate: octet 4.1 rate multiplier before octet 5 */
	static const uint8_t mr[] = { 0x88, 0x98, 0x82, 0xa1 };
	CHECK_EQ(isup_usi_decode(&u2, mr, 4), 0);
	CHECK(u2.transfer_rate == 0x18 && u2.l1_protocol == 1);
	CHECK_EQ(isup_usi_decode(&u2, udi, 1), ISUP_ERR_PARAM_VALUE);
	return true;
}

static bool t_compat(void)
{
	struct isup_compat_instr mi = { .release_call = true, .send_notification = true, .pass_on_not_possible = 1 }, mi2;
	struct isup_param_compat pc = { .num = 2 }, pc2;
	uint8_t v[16];
	CHECK_EQ(isup_msg_compat_encode(&mi, v, sizeof(v)), 1);
	CHECK_EQ(v[0], 0x96);
	CHECK_EQ(isup_msg_compat_decode(&mi2, v, 1), 0);
	CHECK(!memcmp(&mi, &mi2, sizeof(mi)));
	pc.entry[0].code = 0x3d;
	pc.entry[0].instr.discard_param = true;
	pc.entry[0].instr.pass_on_not_possible = 2;
	pc.entry[1].code = 0xc5;
	pc.entry[1].instr.end_node_only = true;
	pc.entry[1].instr.discard_msg = true;
	CHECK_EQ(isup_param_compat_encode(&pc, v, sizeof(v)), 4);
	CHECK(v[0] == 0x3d && v[1] == 0xd0 && v[2] == 0xc5 && v[3] == 0x89);
	CHECK_EQ(isup_param_compat_decode(&pc2, v, 4), 0);
	CHECK(pc2.num == 2 && pc2.entry[0].code == 0x3d && pc2.entry[0].instr.discard_param &&
	      pc2.entry[0].instr.pass_on_not_possible == 2 && pc2.entry[1].instr.discard_msg);
	/* instruction octet with extension (ext bit 0, then 2nd octet) */
	static const uint8_t ext[] = { 0x3d, 0x10, 0x81, 0xc5, 0x80 };
	CHECK_EQ(isup_param_compat_decode(&pc2, ext, sizeof(ext)), 0);
	CHECK(pc2.num == 2 && pc2.entry[1].code == 0xc5);
	CHECK_EQ(isup_param_compat_decode(&pc2, ext, 2), ISUP_ERR_PARAM_VALUE);
	return true;
}

/* ---- names ---- */

static bool t_names(void)
{
	CHECK(!strcmp(isup_msg_name(ISUP_IAM), "IAM"));
	CHECK(!strcmp(isup_msg_name(ISUP_CGUA), "CGUA"));
	CHECK(!strcmp(isup_msg_name(0x99), "UNKNOWN(0x99)"));
	CHECK_EQ(isup_msg_type_from_name("iam"), ISUP_IAM);
	CHECK_EQ(isup_msg_type_from_name("CGBA"), ISUP_CGBA);
	CHECK_EQ(isup_msg_type_from_name("UNKNOWN(0x99)"), 0x99);
	CHECK_EQ(isup_msg_type_from_name("0x2c"), ISUP_CPG);
	CHECK_EQ(isup_msg_type_from_name("XYZ"), -1);
	CHECK_EQ(isup_msg_type_from_name(""), -1);
	for (unsigned int t = 0; t < 256; t++)
		CHECK_EQ(isup_msg_type_from_name(isup_msg_name(t)), t);
	CHECK(!strcmp(isup_param_name(ISUP_PRM_CALLED_NUM), "Called party number"));
	static const struct { const char *n; int c; } sn[] = {
		{ "nci", 0x06 }, { "fci", 0x07 }, { "cpc", 0x09 }, { "tmr", 0x02 }, { "cdpn", 0x04 }, { "cgpn", 0x0a },
		{ "cause", 0x12 }, { "bci", 0x11 }, { "obci", 0x29 }, { "event", 0x24 }, { "rs", 0x16 },
		{ "cgsmt", 0x15 }, { "sri", 0x22 }, { "cont", 0x10 }, { "hop", 0x3d }, { "usi", 0x1d },
	};
	for (unsigned int i = 0; i < sizeof(sn) / sizeof(sn[0]); i++) {
		CHECK_EQ(isup_param_code_from_name(sn[i].n), sn[i].c);
		CHECK(!strcmp(isup_param_short_name(sn[i].c), sn[i].n));
	}
	for (unsigned int c = 0; c < 256; c++)
		CHECK_EQ(isup_param_code_from_name(isup_param_short_name(c)), c);
	CHECK(!strcmp(isup_param_short_name(0x5c), "0x5c"));
	/* recognised parameters (Q.764 2.9.5.3): those of the table */
	CHECK(isup_param_known(ISUP_PRM_CALLED_NUM) && isup_param_known(ISUP_PRM_MSG_COMPAT_INFO));
	CHECK(!isup_param_known(0x5c) && !isup_param_known(0xff));
	CHECK_EQ(isup_param_code_from_name("nosuch"), -1);
	CHECK(strcmp(isup_strerror(ISUP_ERR_NO_EOP), isup_strerror(ISUP_ERR_LENGTH)));
	return true;
}

static bool t_print(void)
{
	CHECK(sample_roundtrip("IAM-full"));
	CHECK(isup_msg_print(text, sizeof(text), &d) > 0);
	fprintf(stderr, "%s", text);
	CHECK(strstr(text, "IAM cic=13\n"));
	CHECK(strstr(text, "\n  cdpn: nai=3 npi=1 inn=1 digits=4930123456\n"));
	CHECK(strstr(text, "\n  cgpn: nai=4 npi=1 ni=0 apri=1 screen=1 digits=49401112\n"));
	CHECK(strstr(text, "\n  cpc: 10\n"));
	CHECK(strstr(text, "\n  hop: 20\n"));
	CHECK(strstr(text, "\n  pdc: [00 0a]\n"));
	CHECK(sample_roundtrip("REL-busy"));
	CHECK(isup_msg_print(text, sizeof(text), &d) > 0);
	CHECK(strstr(text, "\n  cause: value=17 (User busy) location=4 coding=0\n"));
	CHECK(isup_msg_summary(text, sizeof(text), &d) > 0);
	CHECK(!strcmp(text, "REL cic=18 cause=17 loc=4"));
	CHECK(sample_roundtrip("CGB"));
	CHECK(isup_msg_print(text, sizeof(text), &d) > 0);
	CHECK(strstr(text, "\n  rs: range=9 status=1110000001\n"));
	return true;
}

/* ---- message building ---- */

static bool t_msg_set_remove(void)
{
	uint8_t v[4] = { 0x16, 0x14 };
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_ACM, 1);
	CHECK(m.known && m.opt_part_allowed);
	/* optional before mandatory: order is fixed up */
	CHECK_EQ(isup_msg_set(&m, ISUP_PRM_OBCI, (const uint8_t *)"\x01", 1), 0);
	CHECK_EQ(isup_msg_check(&m), ISUP_ERR_MISSING_MANDATORY);
	CHECK_EQ(isup_encode(&m, buf, sizeof(buf)), ISUP_ERR_MISSING_MANDATORY);
	CHECK_EQ(isup_msg_set(&m, ISUP_PRM_BCI, v, 1), ISUP_ERR_PARAM_VALUE);	/* fixed length is 2 */
	CHECK_EQ(isup_msg_set(&m, ISUP_PRM_BCI, v, 2), 0);
	CHECK(m.params[0].code == ISUP_PRM_BCI && m.params[0].part == ISUP_PART_FIXED);
	CHECK(m.params[1].code == ISUP_PRM_OBCI && m.params[1].part == ISUP_PART_OPTIONAL);
	CHECK_EQ(isup_msg_check(&m), 0);
	/* replace */
	v[0] = 0x15;
	CHECK_EQ(isup_msg_set(&m, ISUP_PRM_BCI, v, 2), 0);
	CHECK_EQ(m.num_params, 2);
	CHECK_EQ(isup_msg_find(&m, ISUP_PRM_BCI)->val[0], 0x15);
	CHECK_EQ(isup_msg_set(&m, ISUP_PRM_OBCI, (const uint8_t *)"\x00", 1), 0);
	CHECK_EQ(m.num_params, 2);
	/* remove */
	CHECK_EQ(isup_msg_remove(&m, ISUP_PRM_BCI), -1);
	CHECK_EQ(isup_msg_remove(&m, ISUP_PRM_OBCI), 0);
	CHECK_EQ(isup_msg_remove(&m, ISUP_PRM_OBCI), -1);
	CHECK(isup_msg_find(&m, ISUP_PRM_OBCI) == NULL);
	CHECK_EQ(isup_msg_set(&m, ISUP_PRM_END_OF_OPT, v, 0), ISUP_ERR_INVAL);
	/* no optional part in GRS */
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_GRS, 1);
	CHECK(!m.opt_part_allowed);
	CHECK_EQ(isup_msg_set(&m, ISUP_PRM_CAUSE, v, 2), ISUP_ERR_INVAL);
	/* too many parameters */
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_ANM, 1);
	for (unsigned int i = 0; i < ISUP_MAX_PARAMS; i++)
		CHECK_EQ(isup_msg_set(&m, 0x80 + i, v, 1), 0);
	CHECK_EQ(isup_msg_set(&m, 0xd0, v, 1), ISUP_ERR_TOO_MANY_PARAMS);
	CHECK_EQ(isup_msg_set(&m, 0x80, v, 2), 0);	/* replacing still works */
	/* buffer too small */
	CHECK_EQ(isup_encode(&m, buf, 20), ISUP_ERR_BUFFER);
	return true;
}

static bool t_unknown_opt_preserved(void)
{
	/* ACM with an unknown optional parameter 0xfe and unknown 0x5c between known ones */
	static const uint8_t in[] = {
		0x07, 0x00, 0x06, 0x16, 0x14, 0x01,
		0xfe, 0x03, 0xaa, 0xbb, 0xcc,
		0x29, 0x01, 0x01,
		0x5c, 0x00,
		0x00,
	};
	CHECK_EQ(isup_decode(&m, ISUP_VARIANT_ITU, in, sizeof(in), NULL), ISUP_OK);
	CHECK_EQ(m.num_params, 4);
	CHECK(m.params[1].code == 0xfe && m.params[1].len == 3 && m.params[1].val[2] == 0xcc);
	CHECK(m.params[3].code == 0x5c && m.params[3].len == 0);
	CHECK(roundtrip(&m, in, sizeof(in)));
	CHECK(isup_msg_print(text, sizeof(text), &m) > 0);
	CHECK(strstr(text, "\n  0xfe: [aa bb cc]\n"));
	return true;
}

static bool t_empty_opt_part(void)
{
	/* ANM whose optional pointer points at a lone end-of-optional-parameters octet */
	static const uint8_t in[] = { 0x07, 0x00, 0x09, 0x01, 0x00 };
	static const uint8_t none[] = { 0x07, 0x00, 0x09, 0x00 };
	CHECK_EQ(isup_decode(&m, ISUP_VARIANT_ITU, in, sizeof(in), NULL), ISUP_OK);
	CHECK(m.opt_part_empty_eop && m.num_params == 0);
	CHECK(roundtrip(&m, in, sizeof(in)));
	CHECK_EQ(isup_decode(&m, ISUP_VARIANT_ITU, none, sizeof(none), NULL), ISUP_OK);
	CHECK(!m.opt_part_empty_eop);
	CHECK(roundtrip(&m, none, sizeof(none)));
	return true;
}

static bool t_unknown_msg(void)
{
	static const uint8_t in[] = { 0x2a, 0x01, 0x99, 0x01, 0x02, 0x03 };
	struct isup_decode_err derr;
	CHECK_EQ(isup_decode(&m, ISUP_VARIANT_ITU, in, sizeof(in), &derr), ISUP_ERR_UNKNOWN_MSG);
	CHECK_EQ(derr.err, ISUP_ERR_UNKNOWN_MSG);
	CHECK(!m.known && m.cic == 0x12a && m.type == 0x99 && m.raw_body_len == 3 && m.raw_body[2] == 0x03);
	CHECK_EQ(isup_encode(&m, buf, sizeof(buf)), (int)sizeof(in));
	CHECK(!memcmp(buf, in, sizeof(in)));
	CHECK(isup_msg_summary(text, sizeof(text), &m) > 0);
	CHECK(!strcmp(text, "UNKNOWN(0x99) cic=298 len=3"));
	/* PAM / CRG are not modelled either */
	static const uint8_t crg[] = { 0x01, 0x00, 0x31, 0x55 };
	CHECK_EQ(isup_decode(&m, ISUP_VARIANT_ITU, crg, sizeof(crg), NULL), ISUP_ERR_UNKNOWN_MSG);
	CHECK(!strcmp(isup_msg_name(m.type), "CRG"));
	/* type only */
	CHECK_EQ(isup_decode_body(&m, ISUP_VARIANT_ITU, in + 2, 1, NULL), ISUP_ERR_UNKNOWN_MSG);
	CHECK_EQ(m.raw_body_len, 0);
	return true;
}

static bool t_non_canonical(void)
{
	/* REL with a gap between pointer area and cause, optional part before the cause */
	static const uint8_t in[] = { 0x01, 0x00, 0x0c, 0x08, 0x01, 0x12, 0x02, 0x80, 0x9f, 0x00, 0xee,
				      0x02, 0x82, 0x90 };
	CHECK_EQ(isup_decode(&m, ISUP_VARIANT_ITU, in, sizeof(in), NULL), ISUP_OK);
	CHECK_EQ(m.num_params, 2);
	CHECK(m.params[0].code == ISUP_PRM_CAUSE && m.params[0].val[1] == 0x90);
	CHECK(m.params[1].code == ISUP_PRM_CAUSE && m.params[1].part == ISUP_PART_OPTIONAL);
	/* re-encodes canonically; decodes to the same */
	int len = isup_encode(&m, buf, sizeof(buf));
	CHECK(len == (int)sizeof(in) - 1);
	CHECK_EQ(isup_decode(&d, ISUP_VARIANT_ITU, buf, len, NULL), ISUP_OK);
	CHECK(isup_msg_equal(&m, &d));
	/* trailing octets after a message without pointers are ignored */
	static const uint8_t rsc[] = { 0x01, 0x00, 0x12, 0x00 };
	CHECK_EQ(isup_decode(&m, ISUP_VARIANT_ITU, rsc, sizeof(rsc), NULL), ISUP_OK);
	return true;
}

/* ---- malformed input ---- */

static bool expect_err(const uint8_t *in, size_t len, int err, uint8_t code, unsigned int offset)
{
	struct isup_decode_err derr;
	int rc = isup_decode(&d, ISUP_VARIANT_ITU, in, len, &derr);
	if (rc != err)
		fprintf(stderr, "  got %d (%s) at %u param 0x%02x, expected %d (%s)\n", rc, isup_strerror(rc),
			derr.offset, derr.param_code, err, isup_strerror(err));
	CHECK_EQ(rc, err);
	CHECK_EQ(derr.err, err);
	CHECK_EQ(derr.param_code, code);
	CHECK_EQ(derr.offset, offset);
	/* the same through the body entry point: offsets shift by the CIC */
	if (len >= 2) {
		rc = isup_decode_body(&d, ISUP_VARIANT_ITU, in + 2, len - 2, &derr);
		CHECK_EQ(rc, err);
		CHECK_EQ(derr.offset, offset - 2);
	}
	return true;
}

/* copy into an exactly sized heap block so ASan catches any read past the end */
static bool expect_err_heap(const uint8_t *in, size_t len, int err, uint8_t code, unsigned int offset)
{
	uint8_t *h = malloc(len ? len : 1);
	bool ok;
	memcpy(h, in, len);
	ok = expect_err(h, len, err, code, offset);
	free(h);
	return ok;
}
#define EXPECT_ERR(arr, err, code, off) expect_err_heap(arr, sizeof(arr), err, code, off)

static bool t_err_truncated(void)
{
	static const uint8_t iam[] = { 0x0c, 0x00, 0x01, 0x00, 0x20 };	/* FCI cut */
	static const uint8_t rel[] = { 0x0c, 0x00, 0x0c, 0x02 };		/* optional pointer missing */
	static const uint8_t cic[] = { 0x0c };
	static const uint8_t cot[] = { 0x0c, 0x00, 0x05 };
	CHECK(EXPECT_ERR(iam, ISUP_ERR_TRUNCATED, ISUP_PRM_FCI, 4));
	CHECK(EXPECT_ERR(rel, ISUP_ERR_TRUNCATED, ISUP_PRM_CAUSE, 3));
	CHECK(EXPECT_ERR(cot, ISUP_ERR_TRUNCATED, ISUP_PRM_CONTINUITY_IND, 3));
	CHECK(expect_err_heap(cic, sizeof(cic), ISUP_ERR_TRUNCATED, 0, 1));
	CHECK(expect_err_heap(cic, 0, ISUP_ERR_TRUNCATED, 0, 0));
	static const uint8_t cic_only[] = { 0x0c, 0x00 };
	CHECK(expect_err_heap(cic_only, sizeof(cic_only), ISUP_ERR_TRUNCATED, 0, 2));
	return true;
}

static bool t_err_pointer_outside(void)
{
	static const uint8_t rel[] = { 0x0c, 0x00, 0x0c, 0x20, 0x00, 0x02, 0x82, 0x90 };
	static const uint8_t acm[] = { 0x0c, 0x00, 0x06, 0x16, 0x14, 0x05, 0x29, 0x01, 0x01, 0x00 };
	/* pointer to exactly one past the end */
	static const uint8_t grs[] = { 0x01, 0x00, 0x17, 0x01 };
	CHECK(EXPECT_ERR(rel, ISUP_ERR_POINTER, ISUP_PRM_CAUSE, 3));
	CHECK(EXPECT_ERR(acm, ISUP_ERR_POINTER, 0, 5));
	CHECK(EXPECT_ERR(grs, ISUP_ERR_POINTER, ISUP_PRM_RANGE_STATUS, 3));
	return true;
}

static bool t_err_pointer_into_pointers(void)
{
	/* IAM whose CdPN pointer (1) points at the optional part pointer */
	static const uint8_t iam[] = { 0x0c, 0x00, 0x01, 0x00, 0x20, 0x01, 0x0a, 0x03, 0x01, 0x00,
				       0x02, 0x03, 0x10, 0x21 };
	/* CQR: second pointer pointing back at the first is impossible (pointers are forward);
	 * first pointer pointing at the second */
	static const uint8_t cqr[] = { 0x01, 0x00, 0x2b, 0x01, 0x02, 0x01, 0x03, 0x01, 0x00 };
	CHECK(EXPECT_ERR(iam, ISUP_ERR_POINTER, ISUP_PRM_CALLED_NUM, 8));
	CHECK(EXPECT_ERR(cqr, ISUP_ERR_POINTER, ISUP_PRM_RANGE_STATUS, 3));
	return true;
}

static bool t_err_pointer_overlap(void)
{
	/* REL: optional part pointer points into the cause */
	static const uint8_t rel[] = { 0x0c, 0x00, 0x0c, 0x02, 0x02, 0x02, 0x00, 0x90 };
	/* CQR: both parameters at the same place */
	static const uint8_t cqr[] = { 0x01, 0x00, 0x2b, 0x02, 0x01, 0x01, 0x03 };
	CHECK(EXPECT_ERR(rel, ISUP_ERR_POINTER, 0, 6));
	CHECK(EXPECT_ERR(cqr, ISUP_ERR_POINTER, ISUP_PRM_CIRCUIT_STATE_IND, 5));
	return true;
}

static bool t_err_length(void)
{
	static const uint8_t iam[] = { 0x0c, 0x00, 0x01, 0x00, 0x20, 0x01, 0x0a, 0x03, 0x02, 0x00,
				       0x20, 0x83, 0x10, 0x21 };	/* CdPN length 0x20 */
	static const uint8_t acm[] = { 0x0c, 0x00, 0x06, 0x16, 0x14, 0x01, 0x29, 0x05, 0x01, 0x00 };
	static const uint8_t acm2[] = { 0x0c, 0x00, 0x06, 0x16, 0x14, 0x01, 0x29 };	/* length octet missing */
	CHECK(EXPECT_ERR(iam, ISUP_ERR_LENGTH, ISUP_PRM_CALLED_NUM, 10));
	CHECK(EXPECT_ERR(acm, ISUP_ERR_LENGTH, ISUP_PRM_OBCI, 6));
	CHECK(EXPECT_ERR(acm2, ISUP_ERR_LENGTH, ISUP_PRM_OBCI, 6));
	return true;
}

static bool t_err_missing_mandatory(void)
{
	static const uint8_t rel[] = { 0x0c, 0x00, 0x0c, 0x00, 0x00 };	/* cause pointer 0 */
	static const uint8_t cgb[] = { 0x0c, 0x00, 0x18, 0x00, 0x00 };
	CHECK(EXPECT_ERR(rel, ISUP_ERR_MISSING_MANDATORY, ISUP_PRM_CAUSE, 3));
	CHECK(EXPECT_ERR(cgb, ISUP_ERR_MISSING_MANDATORY, ISUP_PRM_RANGE_STATUS, 4));
	/* encoding refuses it too */
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_REL, 1);
	CHECK_EQ(isup_encode(&m, buf, sizeof(buf)), ISUP_ERR_MISSING_MANDATORY);
	return true;
}

static bool t_err_no_eop(void)
{
	static const uint8_t acm[] = { 0x0c, 0x00, 0x06, 0x16, 0x14, 0x01, 0x29, 0x01, 0x01 };
	static const uint8_t anm[] = { 0x0c, 0x00, 0x09, 0x01, 0x29, 0x01, 0x01, 0x31, 0x00 };
	CHECK(EXPECT_ERR(acm, ISUP_ERR_NO_EOP, 0, 9));
	CHECK(EXPECT_ERR(anm, ISUP_ERR_NO_EOP, 0, 9));
	return true;
}

static bool t_err_too_many(void)
{
	uint8_t in[4 + 2 * (ISUP_MAX_PARAMS + 1) + 1];
	unsigned int n = 0;
	in[n++] = 0x0c;
	in[n++] = 0x00;
	in[n++] = ISUP_ANM;
	in[n++] = 0x01;
	for (unsigned int i = 0; i < ISUP_MAX_PARAMS + 1; i++) {
		in[n++] = 0xc5;
		in[n++] = 0x00;
	}
	in[n++] = 0x00;
	CHECK(expect_err_heap(in, n, ISUP_ERR_TOO_MANY_PARAMS, 0xc5, 4 + 2 * ISUP_MAX_PARAMS));
	/* exactly the maximum is fine */
	in[4 + 2 * ISUP_MAX_PARAMS] = 0x00;
	CHECK_EQ(isup_decode(&m, ISUP_VARIANT_ITU, in, 4 + 2 * ISUP_MAX_PARAMS + 1, NULL), ISUP_OK);
	CHECK_EQ(m.num_params, ISUP_MAX_PARAMS);
	CHECK(roundtrip(&m, in, 4 + 2 * ISUP_MAX_PARAMS + 1));
	return true;
}

static bool t_err_unknown_too_long(void)
{
	uint8_t in[2 + 1 + ISUP_MAX_MSG_LEN + 1];
	memset(in, 0x11, sizeof(in));
	in[2] = 0x99;
	CHECK(expect_err_heap(in, sizeof(in), ISUP_ERR_LENGTH, 0, 3 + ISUP_MAX_MSG_LEN));
	return true;
}

static bool t_ansi_iam_layout(void)
{
	/* the ITU decoder reads the ANSI IAM differently: must not be accepted as the same */
	CHECK(sample_roundtrip("ANSI-IAM"));
	int len = isup_encode(&m, buf, sizeof(buf));
	CHECK(len > 0);
	int rc = isup_decode(&d, ISUP_VARIANT_ITU, buf, len, NULL);
	CHECK(rc != ISUP_OK || !isup_msg_equal(&d, &m));
	CHECK(isup_msg_find(&m, ISUP_PRM_USI)->part == ISUP_PART_VARIABLE);
	CHECK(isup_msg_find(&m, ISUP_PRM_TMR) == NULL);
	return true;
}

struct tcase {
	const char *name;
	bool (*fn)(void);
};

static const struct tcase cases[] = {
	{ "IAM encodes to the hand-checked bytes", t_iam_bytes },
	{ "ACM encodes to the hand-checked bytes", t_acm_bytes },
	{ "REL encodes to the hand-checked bytes", t_rel_bytes },
	{ "GRS encodes to the hand-checked bytes (no optional pointer)", t_grs_bytes },
	{ "CGB encodes to the hand-checked bytes", t_cgb_bytes },
	{ "ANSI IAM encodes to the hand-checked bytes", t_ansi_iam_bytes },
	{ "RSC is CIC + type only", t_rsc_bytes },
	{ "COT has no optional part pointer", t_cot_bytes },
	{ "RLC without parameters has optional pointer 0", t_rlc_bytes },
	{ "ITU CIC is 12 bits", t_cic_itu },
	{ "ANSI CIC is 14 bits", t_cic_ansi },
	{ "ANSI-only messages recognised in ANSI only", t_ansi_only_msgs },
	{ "ANSI IAM layout (USI + CdPN variable, no TMR)", t_ansi_iam_layout },
	{ "number: odd digit count", t_number_odd },
	{ "number: even digit count", t_number_even },
	{ "number: ST digit", t_number_st },
	{ "number: digits A..E, invalid digits", t_number_hex_digits },
	{ "number: generic/calling kinds, limits", t_number_kinds },
	{ "NCI and FCI", t_nci_fci },
	{ "BCI and OBCI", t_bci_obci },
	{ "cause indicators", t_cause },
	{ "event information", t_event },
	{ "range and status", t_range_status },
	{ "redirection information, call diversion information", t_redirection },
	{ "echo control information", t_echo_control },
	{ "user service information", t_usi },
	{ "message/parameter compatibility information", t_compat },
	{ "names", t_names },
	{ "print and summary", t_print },
	{ "msg_set / msg_remove / msg_check", t_msg_set_remove },
	{ "unknown optional parameters preserved", t_unknown_opt_preserved },
	{ "empty optional part (lone EOP) preserved", t_empty_opt_part },
	{ "unknown message type kept raw", t_unknown_msg },
	{ "non-canonical layout accepted", t_non_canonical },
	{ "malformed: truncated", t_err_truncated },
	{ "malformed: pointer outside the message", t_err_pointer_outside },
	{ "malformed: pointer into the pointer area", t_err_pointer_into_pointers },
	{ "malformed: overlapping parameters", t_err_pointer_overlap },
	{ "malformed: length overflow", t_err_length },
	{ "malformed: missing mandatory parameter", t_err_missing_mandatory },
	{ "malformed: optional part without end octet", t_err_no_eop },
	{ "malformed: too many parameters", t_err_too_many },
	{ "malformed: unknown message too long", t_err_unknown_too_long },
};

int main(int argc, char **argv)
{
	/* TAP plan: the cases, then one round trip per sample message */
	printf("1..%zu\n", sizeof(cases) / sizeof(cases[0]) + isup_num_samples);
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		report(cases[i].name, cases[i].fn());
	/* round trip of every sample message (each message type at least once) */
	for (unsigned int i = 0; i < isup_num_samples; i++) {
		char name[96];
		snprintf(name, sizeof(name), "round trip %s", isup_samples[i].name);
		report(name, sample_roundtrip(isup_samples[i].name));
	}
	return num_failed ? 1 : 0;
}

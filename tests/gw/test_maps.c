/* Unit tests of the interworking tables: cause mapping (both profiles, both directions) and the
 * IAM <-> INVITE parameter mapping. TAP-like output, one line per case. */
#include <stdio.h>
#include <string.h>

#include "gw/cause_map.h"
#include "gw/iam_map.h"
#include "tests/gw/test_maps_redir.h"

int fails;
void test_numbers(void);

#define CHECK(cond, ...) do { \
	if (cond) { printf("ok "); } else { printf("not ok "); fails++; } \
	printf(__VA_ARGS__); printf("\n"); } while (0)

/* RFC 3398 7.2.4.1, every row */
static const struct { int cause, loc, status; } rfc_i2s[] = {
	{ 1, 2, 404 }, { 2, 2, 404 }, { 3, 2, 404 }, { 17, 0, 486 }, { 18, 2, 408 }, { 19, 2, 480 },
	{ 20, 2, 480 }, { 21, 2, 403 }, { 21, 0, 603 }, { 22, 2, 410 }, { 23, 2, 410 }, { 26, 2, 404 },
	{ 27, 2, 502 }, { 28, 2, 484 }, { 29, 2, 501 }, { 31, 2, 480 }, { 34, 2, 503 }, { 38, 2, 503 },
	{ 41, 2, 503 }, { 42, 2, 503 }, { 47, 2, 503 }, { 55, 2, 403 }, { 57, 2, 403 }, { 58, 2, 503 },
	{ 65, 2, 488 }, { 70, 2, 488 }, { 79, 2, 501 }, { 87, 2, 403 }, { 88, 2, 503 }, { 102, 2, 504 },
	{ 111, 2, 500 }, { 127, 2, 500 },
};

/* RFC 3398 8.2.6.1, every row (0 = no mapping) */
static const struct { int status, cause; } rfc_s2i[] = {
	{ 400, 41 }, { 401, 21 }, { 402, 21 }, { 403, 21 }, { 404, 1 }, { 405, 63 }, { 406, 79 }, { 407, 21 },
	{ 408, 102 }, { 410, 22 }, { 413, 127 }, { 414, 127 }, { 415, 79 }, { 416, 127 }, { 420, 127 },
	{ 421, 127 }, { 423, 127 }, { 480, 18 }, { 481, 41 }, { 482, 25 }, { 483, 25 }, { 484, 28 },
	{ 485, 1 }, { 486, 17 }, { 487, 0 }, { 500, 41 }, { 501, 79 }, { 502, 38 }, { 503, 41 },
	{ 504, 102 }, { 505, 127 }, { 513, 127 }, { 600, 17 }, { 603, 21 }, { 604, 1 }, { 499, 31 },
	{ 580, 31 },
};

/* Q.1912.5 profile */
static const struct { int status, cause; } q_s2i[] = {
	{ 404, 1 }, { 410, 22 }, { 480, 20 }, { 484, 28 }, { 486, 17 }, { 600, 17 }, { 603, 21 },
	{ 604, 1 }, { 400, 127 }, { 403, 127 }, { 408, 127 }, { 500, 127 }, { 503, 127 }, { 487, 0 },
};

static void test_causes(void)
{
	struct gw_cause_overrides ovr;
	uint8_t loc;
	for (unsigned int i = 0; i < sizeof(rfc_i2s) / sizeof(rfc_i2s[0]); i++) {
		int st = gw_cause_to_sip_status(GW_CAUSE_PROFILE_RFC3398, NULL, rfc_i2s[i].cause, rfc_i2s[i].loc);
		CHECK(st == rfc_i2s[i].status, "rfc3398 cause %d (loc %d) -> %d (got %d)", rfc_i2s[i].cause,
		      rfc_i2s[i].loc, rfc_i2s[i].status, st);
	}
	for (unsigned int i = 0; i < sizeof(rfc_s2i) / sizeof(rfc_s2i[0]); i++) {
		int c = gw_sip_status_to_cause(GW_CAUSE_PROFILE_RFC3398, NULL, rfc_s2i[i].status, 0, &loc);
		CHECK(c == rfc_s2i[i].cause, "rfc3398 status %d -> cause %d (got %d)", rfc_s2i[i].status,
		      rfc_s2i[i].cause, c);
	}
	gw_sip_status_to_cause(GW_CAUSE_PROFILE_RFC3398, NULL, 603, 0, &loc);
	CHECK(loc == 0, "rfc3398 6xx -> location user (got %u)", loc);
	gw_sip_status_to_cause(GW_CAUSE_PROFILE_RFC3398, NULL, 486, 0, &loc);
	CHECK(loc == 4, "rfc3398 4xx -> location network (got %u)", loc);
	for (unsigned int i = 0; i < sizeof(q_s2i) / sizeof(q_s2i[0]); i++) {
		int c = gw_sip_status_to_cause(GW_CAUSE_PROFILE_Q1912, NULL, q_s2i[i].status, 0, &loc);
		CHECK(c == q_s2i[i].cause && loc == 10, "q1912 status %d -> cause %d loc BI (got %d loc %u)",
		      q_s2i[i].status, q_s2i[i].cause, c, loc);
	}
	CHECK(gw_cause_to_sip_status(GW_CAUSE_PROFILE_Q1912, NULL, 47, 2) == 503, "q1912 cause 47 -> 503");
	CHECK(gw_cause_to_sip_status(GW_CAUSE_PROFILE_Q1912, NULL, 18, 2) == 480, "q1912 cause 18 -> 480");
	CHECK(gw_cause_to_sip_status(GW_CAUSE_PROFILE_Q1912, NULL, 21, 0) == 603, "q1912 cause 21 user -> 603");
	/* Reason wins over the table (RFC 6432) */
	CHECK(gw_sip_status_to_cause(GW_CAUSE_PROFILE_RFC3398, NULL, 486, 21, &loc) == 21, "Reason cause wins (rfc3398)");
	CHECK(gw_sip_status_to_cause(GW_CAUSE_PROFILE_Q1912, NULL, 500, 34, &loc) == 34, "Reason cause wins (q1912)");
	/* BYE / CANCEL */
	CHECK(gw_bye_cause(GW_CAUSE_PROFILE_RFC3398, 0) == 16, "BYE -> 16");
	CHECK(gw_bye_cause(GW_CAUSE_PROFILE_Q1912, 17) == 17, "BYE with Reason 17 -> 17");
	CHECK(gw_cancel_cause(GW_CAUSE_PROFILE_RFC3398, 0) == 16, "CANCEL rfc3398 -> 16");
	CHECK(gw_cancel_cause(GW_CAUSE_PROFILE_Q1912, 0) == 31, "CANCEL q1912 -> 31");
	/* overrides */
	memset(&ovr, 0, sizeof(ovr));
	ovr.isup_to_sip[17] = 600;
	ovr.sip_to_isup[503] = 34;
	CHECK(gw_cause_to_sip_status(GW_CAUSE_PROFILE_RFC3398, &ovr, 17, 0) == 600, "override cause 17 -> 600");
	CHECK(gw_sip_status_to_cause(GW_CAUSE_PROFILE_RFC3398, &ovr, 503, 0, &loc) == 34, "override 503 -> 34");
	CHECK(gw_cause_to_sip_status(GW_CAUSE_PROFILE_RFC3398, &ovr, 1, 2) == 404, "no override: table");
	/* never a 2xx, and a status for every cause value */
	int bad = 0;
	for (int c = 0; c < 128; c++) {
		int st = gw_cause_to_sip_status(GW_CAUSE_PROFILE_RFC3398, NULL, c, 2);
		int st2 = gw_cause_to_sip_status(GW_CAUSE_PROFILE_Q1912, NULL, c, 2);
		if (st < 300 || st > 699 || st2 < 300 || st2 > 699)
			bad++;
	}
	CHECK(bad == 0, "every cause 0..127 maps to a 3xx-6xx status (%d bad)", bad);
	/* RFC 8606 tokens */
	CHECK(!strcmp(gw_location_token(10), "BI") && gw_location_from_token("LN") == 2 &&
	      gw_location_from_token("bogus") == -1, "RFC 8606 location tokens");
}

static void test_iam(void)
{
	struct gw_number_plan plan = { .country_code = "49" };
	struct gw_sip_identity id = { .max_forwards = 69, .cpc = -1 }, back;
	struct isup_msg iam, sam;
	uint8_t buf[300];
	int len;

	snprintf(id.ruri_user, sizeof(id.ruri_user), "+49-30-1234567");
	snprintf(id.pai_user, sizeof(id.pai_user), "+4940111222");
	snprintf(id.from_user, sizeof(id.from_user), "+4940111222");
	CHECK(gw_sip_to_iam(&id, &plan, ISUP_VARIANT_ITU, 7, &iam) == 0, "INVITE -> IAM builds");
	len = isup_encode(&iam, buf, sizeof(buf));
	CHECK(len > 0, "IAM encodes (%d octets)", len);
	const struct isup_param *p = isup_msg_find_const(&iam, ISUP_PRM_CALLED_NUM);
	struct isup_number n;
	CHECK(p && isup_number_decode(&n, ISUP_NUM_CALLED, p->val, p->len) == 0 && !strcmp(n.digits, "301234567") &&
	      n.nai == 3 && n.npi == 1 && n.inn_ni == 1 && n.st, "R-URI +CC national -> CdPN NoA national, INN, ST");
	p = isup_msg_find_const(&iam, ISUP_PRM_CALLING_NUM);
	CHECK(p && isup_number_decode(&n, ISUP_NUM_CALLING, p->val, p->len) == 0 && !strcmp(n.digits, "40111222") &&
	      n.apri == 0 && n.screening == 3, "PAI -> CgPN allowed, network provided");
	p = isup_msg_find_const(&iam, ISUP_PRM_HOP_COUNTER);
	CHECK(p && p->val[0] == 30, "Max-Forwards 69 -> hop counter 30 (min(MF, 31) - 1)");
	p = isup_msg_find_const(&iam, ISUP_PRM_TMR);
	CHECK(p && p->val[0] == 3, "TMR 3.1 kHz audio by default");

	CHECK(gw_iam_to_sip(&iam, &plan, &back) == 0 && !strcmp(back.ruri_user, "+49301234567") &&
	      !strcmp(back.pai_user, "+4940111222") && !back.privacy_id && back.max_forwards == 29,
	      "IAM -> INVITE identity (got ruri %s pai %s)", back.ruri_user, back.pai_user);

	/* international, privacy, clearmode, From != PAI */
	snprintf(id.ruri_user, sizeof(id.ruri_user), "+441234567890");
	snprintf(id.from_user, sizeof(id.from_user), "+4930999");
	id.privacy_id = true;
	id.clearmode = true;
	gw_sip_to_iam(&id, &plan, ISUP_VARIANT_ITU, 8, &iam);
	p = isup_msg_find_const(&iam, ISUP_PRM_CALLED_NUM);
	CHECK(p && isup_number_decode(&n, ISUP_NUM_CALLED, p->val, p->len) == 0 && n.nai == 4 &&
	      !strcmp(n.digits, "441234567890"), "foreign +CC -> NoA international");
	p = isup_msg_find_const(&iam, ISUP_PRM_CALLING_NUM);
	CHECK(p && isup_number_decode(&n, ISUP_NUM_CALLING, p->val, p->len) == 0 && n.apri == 1,
	      "Privacy: id -> APRI restricted");
	CHECK(isup_msg_find_const(&iam, ISUP_PRM_GENERIC_NUM) != NULL, "From != PAI -> generic number");
	p = isup_msg_find_const(&iam, ISUP_PRM_TMR);
	CHECK(p && p->val[0] == 2, "clearmode -> TMR 64 kbit/s unrestricted");
	CHECK(gw_iam_to_sip(&iam, &plan, &back) == 0 && back.privacy_id && !strcmp(back.from_user, "anonymous") &&
	      back.clearmode, "restricted CgPN -> Privacy id, anonymous From, clearmode");

	/* no PAI -> no CgPN */
	id.pai_user[0] = 0;
	gw_sip_to_iam(&id, &plan, ISUP_VARIANT_ITU, 9, &iam);
	CHECK(isup_msg_find_const(&iam, ISUP_PRM_CALLING_NUM) == NULL, "no PAI -> no CgPN");
	CHECK(gw_iam_to_sip(&iam, &plan, &back) == 0 && back.pai_user[0] == 0 && !strcmp(back.from_user, "anonymous"),
	      "no CgPN -> no PAI, anonymous From");

	/* unusable numbers */
	snprintf(id.ruri_user, sizeof(id.ruri_user), "alice");
	CHECK(gw_sip_to_iam(&id, &plan, ISUP_VARIANT_ITU, 9, &iam) < 0, "non-numeric R-URI user refused");
	snprintf(id.ruri_user, sizeof(id.ruri_user), "+1234567890123456");
	CHECK(gw_sip_to_iam(&id, &plan, ISUP_VARIANT_ITU, 9, &iam) < 0, "more than 15 digits refused");

	/* overlap: IAM without ST + SAMs */
	snprintf(id.ruri_user, sizeof(id.ruri_user), "0301");
	gw_sip_to_iam(&id, &plan, ISUP_VARIANT_ITU, 10, &iam);
	{
		struct isup_param *cp = isup_msg_find(&iam, ISUP_PRM_CALLED_NUM);
		struct isup_number cd;
		isup_number_decode(&cd, ISUP_NUM_CALLED, cp->val, cp->len);
		cd.st = false;
		len = isup_number_encode(&cd, ISUP_NUM_CALLED, buf, sizeof(buf));
		isup_msg_set(&iam, ISUP_PRM_CALLED_NUM, buf, len);
	}
	CHECK(!gw_iam_number_complete(&iam), "IAM without ST is incomplete");
	struct isup_number sn = { 0 };
	isup_msg_init(&sam, ISUP_VARIANT_ITU, ISUP_SAM, 10);
	snprintf(sn.digits, sizeof(sn.digits), "23");
	len = isup_number_encode(&sn, ISUP_NUM_SUBSEQUENT, buf, sizeof(buf));
	isup_msg_set(&sam, ISUP_PRM_SUBSEQUENT_NUM, buf, len);
	CHECK(gw_iam_add_sam(&iam, &sam) == 0, "SAM without ST: still incomplete");
	snprintf(sn.digits, sizeof(sn.digits), "45");
	sn.st = true;
	len = isup_number_encode(&sn, ISUP_NUM_SUBSEQUENT, buf, sizeof(buf));
	isup_msg_set(&sam, ISUP_PRM_SUBSEQUENT_NUM, buf, len);
	CHECK(gw_iam_add_sam(&iam, &sam) == 1, "SAM with ST completes the number");
	p = isup_msg_find_const(&iam, ISUP_PRM_CALLED_NUM);
	CHECK(p && isup_number_decode(&n, ISUP_NUM_CALLED, p->val, p->len) == 0 && !strcmp(n.digits, "03012345"),
	      "overlap digits collected en bloc (got %s)", n.digits);
}

int main(void)
{
	test_causes();
	test_iam();
	test_numbers();
	fails += test_redir();
	return fails ? 1 : 0;
}

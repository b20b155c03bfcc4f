/* Unit cases of the redirection mapping (gw/redir_map.h), part of test_maps: ISUP parameters as
 * octet vectors written by hand from Q.763 3.39/3.44/3.45/3.46 and 3.12, SIP values from RFC 7044,
 * RFC 4458 and RFC 5806. */
#include <stdio.h>
#include <string.h>

#include "gw/redir_map.h"
#include "tests/gw/test_maps_redir.h"

static int fails;

#define CHECK(cond, ...) do { \
	if (cond) { printf("ok "); } else { printf("not ok "); fails++; } \
	printf(__VA_ARGS__); printf("\n"); } while (0)

static const struct gw_number_plan plan = { .country_code = "49" };

/* Q.763 3.44: odd, NAI national (3); NPI E.164, APRI allowed; "30111" */
static const uint8_t rdg_30111[] = { 0x83, 0x10, 0x03, 0x11, 0x01 };
/* Q.763 3.39: odd, national; NPI E.164, APRI restricted (DC = 01); "30222" */
static const uint8_t ocn_30222_restr[] = { 0x83, 0x14, 0x03, 0x22, 0x02 };
/* Q.763 3.45: indicator 3 (call diverted), original reason 1 (user busy); counter 2, reason 2
 * (no reply) */
static const uint8_t ri_3_1_2_2[] = { 0x13, 0x22 };
/* Q.763 3.46: odd, national; INN 0, NPI E.164; "30444" */
static const uint8_t rn_30444[] = { 0x83, 0x10, 0x03, 0x44, 0x04 };
/* Q.763 3.12 / Q.850: ITU-T, location 4 (public network serving the remote user); cause 23 */
static const uint8_t cause_23_loc4[] = { 0x84, 0x97 };

static bool param_is(const struct isup_msg *m, uint8_t code, const uint8_t *v, size_t len)
{
	const struct isup_param *p = isup_msg_find_const(m, code);
	return p && p->len == len && !memcmp(p->val, v, len);
}

static void iam_with_redirection(struct isup_msg *iam)
{
	isup_msg_init(iam, ISUP_VARIANT_ITU, ISUP_IAM, 1);
	isup_msg_set(iam, ISUP_PRM_REDIRECTING_NUM, rdg_30111, sizeof(rdg_30111));
	isup_msg_set(iam, ISUP_PRM_ORIG_CALLED_NUM, ocn_30222_restr, sizeof(ocn_30222_restr));
	isup_msg_set(iam, ISUP_PRM_REDIRECTION_INFO, ri_3_1_2_2, sizeof(ri_3_1_2_2));
}

static void test_isup_to_sip(void)
{
	struct isup_msg iam;
	struct gw_redir r;
	char out[768];

	iam_with_redirection(&iam);
	gw_redir_from_iam(&iam, &plan, &r);
	CHECK(!strcmp(r.rdg.user, "+4930111") && !r.rdg.restricted, "IAM 3.44 -> redirecting +4930111 allowed");
	CHECK(!strcmp(r.ocn.user, "+4930222") && r.ocn.restricted, "IAM 3.39 -> original called +4930222 restricted");
	CHECK(r.has_ri && r.ri.indicator == 3 && r.ri.orig_reason == 1 && r.ri.counter == 2 && r.ri.reason == 2,
	      "IAM 3.45 -> indicator 3, original reason 1, counter 2, reason 2");
	gw_redir_history_info(&r, "+4930333", "peer", true, out, sizeof(out));
	CHECK(!strcmp(out, "<sip:+4930222@peer;user=phone?Privacy=history>;index=1,"
			   "<sip:+4930111@peer;user=phone;cause=486>;index=1.1;mp=1,"
			   "<sip:+4930333@peer;user=phone;cause=408>;index=1.1.1;mp=1.1"),
	      "History-Info, trusted: OCN (Privacy=history), RDG cause=486, target cause=408 (%s)", out);
	gw_redir_history_info(&r, "+4930333", "peer", false, out, sizeof(out));
	CHECK(!strcmp(out, "<sip:anonymous@anonymous.invalid>;index=1,"
			   "<sip:+4930111@peer;user=phone;cause=486>;index=1.1;mp=1,"
			   "<sip:+4930333@peer;user=phone;cause=408>;index=1.1.1;mp=1.1") && !strstr(out, "30222"),
	      "History-Info, untrusted: the restricted OCN anonymised (%s)", out);
	gw_redir_diversion(&r, "peer", true, out, sizeof(out));
	CHECK(!strcmp(out, "<sip:+4930111@peer;user=phone>;reason=no-answer;counter=1;privacy=off,"
			   "<sip:+4930222@peer;user=phone>;reason=user-busy;counter=1;privacy=full"),
	      "Diversion, trusted: RDG no-answer, OCN user-busy privacy=full, counters add to 2 (%s)", out);
	gw_redir_diversion(&r, "peer", false, out, sizeof(out));
	CHECK(!strstr(out, "30222") && strstr(out, "<sip:anonymous@anonymous.invalid>;reason=user-busy;counter=1;privacy=full"),
	      "Diversion, untrusted: the restricted OCN anonymised (%s)", out);
	CHECK(gw_redir_history_info(&r, "+4930333", "peer", true, out, 40) == -1, "History-Info too long: -1");
	memset(&r, 0, sizeof(r));
	CHECK(gw_redir_history_info(&r, "+4930333", "peer", true, out, sizeof(out)) == 0 && !out[0] &&
	      gw_redir_diversion(&r, "peer", true, out, sizeof(out)) == 0, "no redirection: no header");
}

static void test_sip_to_isup(void)
{
	struct isup_msg iam;
	struct gw_redir r;

	isup_msg_init(&iam, ISUP_VARIANT_ITU, ISUP_IAM, 1);
	CHECK(gw_redir_from_history_info("<sip:+4930222@h;user=phone?Privacy=history>;index=1, "
					 "<sip:+4930111@h;user=phone;cause=486>;index=1.1;mp=1,"
					 "<sip:+4930333@h;user=phone;cause=408>;index=1.1.1;mp=1.1", false, &r) == 0,
	      "History-Info with two cause= entries parsed");
	gw_redir_to_iam(&r, &plan, &iam);
	CHECK(param_is(&iam, ISUP_PRM_REDIRECTING_NUM, rdg_30111, sizeof(rdg_30111)),
	      "History-Info -> 3.44 redirecting 30111 national, allowed");
	CHECK(param_is(&iam, ISUP_PRM_ORIG_CALLED_NUM, ocn_30222_restr, sizeof(ocn_30222_restr)),
	      "History-Info -> 3.39 original called 30222, Privacy=history -> APRI restricted");
	CHECK(param_is(&iam, ISUP_PRM_REDIRECTION_INFO, ri_3_1_2_2, sizeof(ri_3_1_2_2)),
	      "History-Info -> 3.45 diverted, original reason busy, counter 2, reason no reply");
	CHECK(gw_redir_from_history_info("<sip:+4930222@h>;index=1,<sip:+4930333@h>;index=1.1", false, &r) == -1,
	      "History-Info without cause=: no diversion");
	gw_redir_from_history_info("<sip:+4930111@h>;index=1,<sip:+4930333@h;cause=302>;index=1.1", true, &r);
	CHECK(r.rdg.restricted && !r.ocn.known && r.ri.counter == 1 && r.ri.reason == 3 && r.ri.indicator == 4,
	      "Privacy: history -> restricted, one diversion: RDG only, unconditional, indicator 4");
	gw_redir_from_history_info("<sip:+4930222@h;user=phone>;index=1,<sip:+4930999@h;user=phone>;index=1.1,"
				   "<sip:+4930111@h;user=phone;cause=486>;index=1.2;mp=1", false, &r);
	CHECK(!strcmp(r.rdg.user, "+4930222") && r.ri.counter == 1 && r.ri.reason == 1,
	      "History-Info mp=1: the diverting party is the entry with index 1, not the one before (%s)", r.rdg.user);
	gw_redir_from_history_info("<sip:+4930111@h?Privacy=session>;index=1,<sip:+4930333@h;cause=486>;index=1.1", false, &r);
	CHECK(r.rdg.restricted && r.ri.indicator == 4, "escaped Privacy=session in the diverting entry: restricted");
	CHECK(gw_redir_from_diversion("<tel:+4930111>;reason=user-busy;counter=2, "
				      "<sip:+4930222@h;user=phone>;reason=unconditional;counter=1;privacy=full", &r) == 0 &&
	      !strcmp(r.rdg.user, "+4930111") && !r.rdg.restricted && !strcmp(r.ocn.user, "+4930222") &&
	      r.ocn.restricted && r.ri.counter == 3 && r.ri.reason == 1 && r.ri.orig_reason == 3 && r.ri.indicator == 3,
	      "Diversion: RDG busy, OCN unconditional privacy=full, counter 2+1");
	CHECK(gw_redir_from_diversion("", &r) == -1 && gw_redir_from_diversion("<sip:x@h>;counter=9", &r) == 0 &&
	      r.ri.counter == 5 && r.rdg.restricted && !r.rdg.user[0],
	      "Diversion empty: -1; counter capped at 5, a non-number entry is a restricted hop");
	gw_redir_from_diversion("<sip:anonymous@anonymous.invalid>;reason=deflection;privacy=full", &r);
	gw_redir_to_iam(&r, &plan, &iam);
	CHECK(!isup_msg_find_const(&iam, ISUP_PRM_REDIRECTING_NUM) && !isup_msg_find_const(&iam, ISUP_PRM_ORIG_CALLED_NUM) &&
	      isup_msg_find_const(&iam, ISUP_PRM_REDIRECTION_INFO), "anonymous Diversion: no number, the information only");
}

static void test_3xx(void)
{
	struct isup_msg rel, iam;
	struct gw_redir r;
	static const uint8_t ri_after[] = { 0x13, 0x33 };	/* diverted, orig busy; counter 3, unconditional */

	CHECK(gw_redir_3xx_reason("<sip:+4930444@h>") == 3 && gw_redir_3xx_reason("<sip:+4930444@h;cause=486>") == 1 &&
	      gw_redir_3xx_reason(NULL) == 3, "3xx Contact: cause= (RFC 4458) or unconditional");
	iam_with_redirection(&iam);
	gw_redir_from_iam(&iam, &plan, &r);
	gw_redir_add_hop(&r, "+4930333", false, 3);
	CHECK(!strcmp(r.rdg.user, "+4930333") && !strcmp(r.ocn.user, "+4930222") && r.ri.counter == 3 &&
	      r.ri.orig_reason == 1, "one more hop: RDG the diverting target, OCN kept, counter 3");
	CHECK(gw_redir_build_rel(&rel, ISUP_VARIANT_ITU, &r, "+4930444", &plan, 4) == 0 && rel.type == ISUP_REL &&
	      param_is(&rel, ISUP_PRM_CAUSE, cause_23_loc4, sizeof(cause_23_loc4)) &&
	      param_is(&rel, ISUP_PRM_REDIRECTION_NUM, rn_30444, sizeof(rn_30444)) &&
	      param_is(&rel, ISUP_PRM_REDIRECTION_INFO, ri_after, sizeof(ri_after)),
	      "REL: cause 23, redirection number 30444, redirection information counter 3");
	memset(&r, 0, sizeof(r));
	gw_redir_add_hop(&r, "+4930333", false, 3);
	CHECK(gw_redir_build_rel(&rel, ISUP_VARIANT_ITU, &r, "bob", &plan, 4) == -1 &&
	      param_is(&rel, ISUP_PRM_CAUSE, cause_23_loc4, sizeof(cause_23_loc4)) &&
	      !isup_msg_find_const(&rel, ISUP_PRM_REDIRECTION_NUM),
	      "REL for a Contact that is no number: cause 23 without redirection number");
	isup_msg_init(&rel, ISUP_VARIANT_ITU, ISUP_REL, 1);
	isup_msg_set(&rel, ISUP_PRM_REDIRECTION_NUM, rn_30444, sizeof(rn_30444));
	isup_msg_set(&rel, ISUP_PRM_REDIRECTION_INFO, ri_3_1_2_2, sizeof(ri_3_1_2_2));
	{
		char c[160];
		CHECK(gw_redir_rel_contact(&rel, &plan, "gw:5062", c, sizeof(c)) > 0 &&
		      !strcmp(c, "<sip:+4930444@gw:5062;user=phone;cause=408>"),
		      "REL redirection number 30444, reason no reply -> 302 Contact with cause=408 (%s)", c);
		isup_msg_remove(&rel, ISUP_PRM_REDIRECTION_NUM);
		CHECK(gw_redir_rel_contact(&rel, &plan, "gw", c, sizeof(c)) == -1, "REL without redirection number: no 302");
	}
	CHECK(gw_redir_reason_to_cause(1) == 486 && gw_redir_reason_to_cause(2) == 408 &&
	      gw_redir_reason_to_cause(3) == 302 && gw_redir_cause_to_reason(503) == 6 &&
	      gw_redir_cause_to_reason(999) == 0 && gw_redir_diversion_to_reason("out-of-service", 14) == 6,
	      "RFC 4458 / RFC 5806 reason tables");
}

int test_redir(void)
{
	test_isup_to_sip();
	test_sip_to_isup();
	test_3xx();
	return fails;
}

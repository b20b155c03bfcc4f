/* call_fsm_test: the SIP-I flows (Q.1912.5 / TS 29.163), run after all others so that the other
 * flows' call numbers and times stay as they were; listed at the top of tests/gw/call_fsm_test.c. */
#include <stdint.h>
#include <stdio.h>

#include "gw/iwf.h"
#include "gw/call.h"
#include "isup/q850.h"
#include "tests/gw/call_fsm_stubs.h"
#include "tests/gw/call_fsm_msgs.h"
#include "tests/gw/call_fsm_test.h"

/* The INVITE's IAM: calling number 'cgpn' with presentation 'apri', hop counter 'hop' (0: none) */
static struct isup_msg *iam_body(const char *cgpn, uint8_t apri, uint8_t hop)
{
	struct isup_msg *m = msg_iam(CDPN_EG, true);
	struct isup_number n = { .nai = ISUP_NAI_NATIONAL, .npi = 1, .apri = apri, .screening = 3 };
	uint8_t raw[32];
	snprintf(n.digits, sizeof(n.digits), "%s", cgpn);
	isup_msg_set(m, ISUP_PRM_CALLING_NUM, raw, isup_number_encode(&n, ISUP_NUM_CALLING, raw, sizeof(raw)));
	if (hop)
		isup_msg_set(m, ISUP_PRM_HOP_COUNTER, &hop, 1);
	return m;
}

/* One INVITE on trunk sipi with these headers and body, the PSTN then releases (REL 16) */
static void merge_call(uint16_t cic, const char *pai, const char *privacy, int max_forwards, const char *ruri,
		       const char *from, const struct isup_msg *body)
{
	stub_isup_next(cic, 0);
	stub_sip_next_invite_hdrs(pai, privacy, max_forwards);
	stub_sip_rx_invite("sipi", ruri, from, body_sipi(body, "127.0.1.5", 30000)); step();
	stub_isup_rx_release(stub_isup_last(), 16); step();
	stub_flow_end();
}

/* Privacy: id with the body's allowed CgPN -> restricted; the Request-URI retargets; hop counter
 * the smaller of the body's (20) and Max-Forwards (7) */
static void sipi_merge_privacy(void)
{
	flow("sipi_merge_privacy");
	merge_call(20, "<sip:+4940111222@127.0.0.1;user=phone>", "id", 7, "+49309999999", "anonymous",
		   iam_body("40111222", ISUP_APRI_ALLOWED, 20));
}

/* The body's restricted CgPN stays restricted when the PAI names another number without
 * Privacy; the PAI's number wins */
static void sipi_merge_restricted(void)
{
	flow("sipi_merge_restricted");
	merge_call(21, "<sip:+4940999999@127.0.0.1;user=phone>", "", 70, CDPN_EG, "40999999",
		   iam_body("40111222", ISUP_APRI_RESTRICTED, 0));
}

/* An untrusted trunk's body supplies nothing: no CgPN without a PAI, the headers' IAM */
static void sipi_merge_untrusted(void)
{
	flow("sipi_merge_untrusted");
	configure("sip\n trunk sipi\n  no trusted\n");
	merge_call(22, "", "", 70, CDPN_EG, "anonymous", iam_body("40111222", ISUP_APRI_ALLOWED, 9));
	configure("sip\n trunk sipi\n  trusted\n");
}

/* The operator's release of an answered SIP-I call: REL 31 to the PSTN, BYE with the gateway's
 * REL (31, LN) */
static void sipi_release_req(struct gw_iwf *iwf)
{
	struct sip_dialog *d;
	struct gw_call *call;
	uint8_t cause = Q850_NORMAL_UNSPECIFIED;
	flow("sipi_release_req");
	stub_isup_next(23, 0);
	d = stub_sip_rx_invite("sipi", CDPN_EG, "40111222", body_sipi(msg_iam(CDPN_EG, true), "127.0.1.5", 30000));
	step();
	stub_isup_rx(stub_isup_last(), msg_simple(ISUP_ANM)); step();
	stub_sip_rx_ack(d, NULL); step();
	call = gw_call_find(iwf, (uint32_t)(uintptr_t)sip_dialog_priv(d));
	if (call)
		osmo_fsm_inst_dispatch(call->fi, GW_CALL_EV_RELEASE_REQ, &cause);
	step();
	stub_sip_rx_bye_ok(d); step();
	stub_flow_end();
}

/* E.182 tone before release on SIP-I, egress: the PSTN's REL (17, RL, diagnostic) is the 486's
 * body after the tone; ingress: the 486's REL goes to the PSTN as it is after the tone */
static void sipi_tone_rel(void)
{
	struct sip_dialog *d;
	flow("sipi_tone_rel");
	configure("gateway\n trunk sipi tones-before-release 2\n");
	stub_isup_next(24, 0);
	stub_sip_rx_invite("sipi", CDPN_EG, "40111222", body_sipi(msg_iam(CDPN_EG, true), "127.0.1.5", 30000));
	step();
	stub_isup_rx_rel(stub_isup_last(), msg_rel(Q850_USER_BUSY, ISUP_LOC_PUB_REMOTE, 0x42)); step();
	stub_advance(2100);
	step();
	stub_isup_rx_iam("exch", 25, msg_iam(CALLED_SIPI, true)); step();
	d = stub_sip_last();
	stub_sip_rx_failed(d, 486, 0, body_sipi(msg_rel(Q850_USER_BUSY, ISUP_LOC_USER, 0x07), NULL, 0)); step();
	stub_advance(2100);
	step();
	configure("gateway\n trunk sipi tones-before-release 0\n");
	stub_flow_end();
}

void call_fsm_sipi_flows(struct gw_iwf *iwf)
{
	iwf->shutting_down = false;	/* the shutdown flow ran before: new calls are taken again */
	sipi_merge_privacy();
	sipi_merge_restricted();
	sipi_merge_untrusted();
	sipi_release_req(iwf);
	sipi_tone_rel();
}

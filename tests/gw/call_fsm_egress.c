/* call_fsm_test: the egress flows (SIP -> ISUP, RFC 3398 7) and the shutdown; listed with what
 * each asserts at the top of tests/gw/call_fsm_test.c. */
#include <stdio.h>

#include "gw/iwf.h"
#include "isup/q850.h"
#include "tests/gw/call_fsm_stubs.h"
#include "tests/gw/call_fsm_msgs.h"
#include "tests/gw/call_fsm_test.h"

/* ---- egress: SIP -> ISUP ---------------------------------------------------------------- */

static void eg_answered(void)
{
	struct sip_dialog *d;
	struct isup_call *ic;
	flow("eg_answered");
	stub_isup_next(13, 0);
	d = stub_sip_rx_invite("plain", CDPN_EG, "40111222", body_sdp("127.0.1.5", 30000)); step();
	ic = stub_isup_last();
	stub_isup_rx(ic, msg_acm(ISUP_BCI_STATUS_SUBSCRIBER_FREE, false)); step();
	stub_isup_rx(ic, msg_simple(ISUP_ANM)); step();
	stub_sip_rx_ack(d, NULL); step();
	stub_isup_rx(ic, msg_sus_res(ISUP_SUS)); step();
	stub_isup_rx(ic, msg_sus_res(ISUP_RES)); step();
	stub_advance(10000);
	stub_sip_rx_bye(d, 0, NULL); step();
	stub_flow_end();
}

static void eg_sipi(void)
{
	struct sip_dialog *d;
	struct isup_call *ic;
	flow("eg_sipi");
	stub_isup_next(14, 0);
	d = stub_sip_rx_invite("sipi", CDPN_EG, "40111222", body_sipi(msg_iam(CDPN_EG, true), "127.0.1.5", 30000)); step();
	ic = stub_isup_last();
	stub_isup_rx(ic, msg_acm(ISUP_BCI_STATUS_SUBSCRIBER_FREE, false)); step();
	stub_isup_rx(ic, msg_simple(ISUP_ANM)); step();
	stub_sip_rx_ack(d, NULL); step();
	stub_sip_rx_info(d, body_sipi(msg_sus_res(ISUP_SUS), NULL, 0)); step();
	stub_sip_rx_info(d, body_sipi(msg_sus_res(ISUP_RES), NULL, 0)); step();
	stub_isup_rx_release(ic, 16); step();
	stub_sip_rx_bye_ok(d); step();
	stub_flow_end();
}

static void eg_busy(void)
{
	flow("eg_busy");
	stub_isup_next(15, 0);
	stub_sip_rx_invite("plain", CDPN_EG, "40111222", body_sdp("127.0.1.5", 30000)); step();
	stub_isup_rx_release(stub_isup_last(), 17); step();
	stub_flow_end();
}

static void eg_no_answer(void)
{
	struct isup_call *ic;
	flow("eg_no_answer");
	stub_isup_next(16, 0);
	stub_sip_rx_invite("plain", CDPN_EG, "40111222", body_sdp("127.0.1.5", 30000)); step();
	ic = stub_isup_last();
	stub_isup_rx(ic, msg_acm(ISUP_BCI_STATUS_SUBSCRIBER_FREE, false)); step();
	stub_advance(90000);	/* Q.764 T9 runs in the ISUP layer: its expiry is a release */
	stub_isup_rx_release(ic, 19); step();
	stub_flow_end();
}

static void eg_fast_answer(void)
{
	struct sip_dialog *d;
	flow("eg_fast_answer");
	stub_isup_next(17, 0);
	d = stub_sip_rx_invite("plain", CDPN_EG, "40111222", body_sdp("127.0.1.5", 30000)); step();
	stub_isup_rx(stub_isup_last(), msg_con()); step();
	stub_sip_rx_ack(d, NULL); step();
	stub_sip_rx_bye(d, 0, NULL); step();
	stub_flow_end();
}

static void eg_cancel(void)
{
	struct sip_dialog *d;
	flow("eg_cancel");
	stub_isup_next(18, 0);
	d = stub_sip_rx_invite("plain", CDPN_EG, "40111222", body_sdp("127.0.1.5", 30000)); step();
	stub_isup_rx(stub_isup_last(), msg_acm(ISUP_BCI_STATUS_SUBSCRIBER_FREE, false)); step();
	stub_sip_rx_cancel(d, 0); step();
	stub_flow_end();
}

static void eg_glare(void)
{
	struct sip_dialog *d;
	struct isup_call *ic;
	flow("eg_glare");
	stub_isup_next(19, 0);
	d = stub_sip_rx_invite("plain", CDPN_EG, "40111222", body_sdp("127.0.1.5", 30000)); step();
	ic = stub_isup_last();
	stub_isup_move(ic, 20); step();
	stub_isup_rx(ic, msg_acm(ISUP_BCI_STATUS_SUBSCRIBER_FREE, true)); step();
	stub_isup_rx(ic, msg_simple(ISUP_ANM)); step();
	stub_sip_rx_ack(d, NULL); step();
	stub_sip_rx_bye(d, 0, NULL); step();
	stub_flow_end();
}

static void eg_no_circuit(void)
{
	flow("eg_no_circuit");
	stub_isup_next(21, 34);
	stub_sip_rx_invite("plain", CDPN_EG, "40111222", body_sdp("127.0.1.5", 30000)); step();
	stub_flow_end();
}

static void eg_rel_wait_ack(void)
{
	struct sip_dialog *d;
	struct isup_call *ic;
	flow("eg_rel_wait_ack");
	stub_isup_next(22, 0);
	d = stub_sip_rx_invite("plain", CDPN_EG, "40111222", body_sdp("127.0.1.5", 30000)); step();
	ic = stub_isup_last();
	stub_isup_rx(ic, msg_acm(ISUP_BCI_STATUS_SUBSCRIBER_FREE, false)); step();
	stub_isup_rx(ic, msg_simple(ISUP_ANM)); step();
	stub_isup_rx_release(ic, 16); step();
	stub_sip_rx_ack(d, NULL); step();
	stub_sip_rx_bye_ok(d); step();
	stub_flow_end();
}

static void eg_late_offer(void)
{
	struct sip_dialog *d;
	struct isup_call *ic;
	flow("eg_late_offer");
	stub_isup_next(27, 0);
	d = stub_sip_rx_invite("plain", CDPN_EG, "40111222", NULL); step();	/* no SDP */
	ic = stub_isup_last();
	stub_isup_rx(ic, msg_acm(ISUP_BCI_STATUS_NO_INDICATION, true)); step();
	stub_sip_rx_prack(d, body_sdp("127.0.1.9", 30004)); step();
	stub_isup_rx(ic, msg_simple(ISUP_ANM)); step();
	stub_sip_rx_ack(d, NULL); step();
	stub_sip_rx_bye(d, 0, NULL); step();
	stub_flow_end();
}

static void eg_tone_before_release(void)
{
	flow("eg_tone_before_release");
	stub_isup_next(28, 0);
	stub_sip_rx_invite("tones", CDPN_EG, "40111222", body_sdp("127.0.1.5", 30000)); step();
	stub_isup_rx_release(stub_isup_last(), 17); step();
	stub_advance(1900);
	printf("(1.9 s after the REL)\n");
	stub_advance(200);
	stub_flow_end();
}

/* no ACK for our 200 within 64*T1: the UA sends BYE, the IWF releases with 102 */
static void eg_ack_timeout(void)
{
	struct sip_dialog *d;
	struct isup_call *ic;
	flow("eg_ack_timeout");
	stub_isup_next(3, 0);
	d = stub_sip_rx_invite("plain", CDPN_EG, "40111222", body_sdp("127.0.1.5", 30000)); step();
	ic = stub_isup_last();
	stub_isup_rx(ic, msg_acm(ISUP_BCI_STATUS_SUBSCRIBER_FREE, false)); step();
	stub_isup_rx(ic, msg_simple(ISUP_ANM)); step();
	stub_advance(32000);
	stub_sip_rx_timeout(d, SIP_TO_ACK); step();
	stub_sip_rx_bye_ok(d); step();
	stub_flow_end();
}

/* the session is not refreshed (RFC 4028 10): the UA sends BYE with cause 102, the IWF REL 102 */
static void eg_session_expiry(void)
{
	struct sip_dialog *d;
	struct isup_call *ic;
	flow("eg_session_expiry");
	stub_isup_next(6, 0);
	d = stub_sip_rx_invite("plain", CDPN_EG, "40111222", body_sdp("127.0.1.5", 30000)); step();
	ic = stub_isup_last();
	stub_isup_rx(ic, msg_acm(ISUP_BCI_STATUS_SUBSCRIBER_FREE, false)); step();
	stub_isup_rx(ic, msg_simple(ISUP_ANM)); step();
	stub_sip_rx_ack(d, NULL); step();
	stub_advance(1800000 - 32000);
	stub_sip_rx_timeout(d, SIP_TO_SESSION); step();
	stub_sip_rx_bye_ok(d); step();
	stub_flow_end();
}

/* our reliable 183 is never PRACKed: the UA answers 504, the IWF releases with 102 */
static void eg_prack_timeout(void)
{
	struct sip_dialog *d;
	flow("eg_prack_timeout");
	stub_isup_next(4, 0);
	d = stub_sip_rx_invite("plain", CDPN_EG, "40111222", body_sdp("127.0.1.5", 30000)); step();
	stub_isup_rx(stub_isup_last(), msg_acm(ISUP_BCI_STATUS_NO_INDICATION, true)); step();
	stub_advance(32000);
	stub_sip_rx_timeout(d, SIP_TO_PRACK); step();
	stub_flow_end();
}

/* the re-INVITE of a SUS is answered 481: the UA ends the dialog with BYE (RFC 3261 12.2.1.2) */
static void eg_reinvite_481(void)
{
	struct sip_dialog *d;
	struct isup_call *ic;
	flow("eg_reinvite_481");
	stub_isup_next(5, 0);
	d = stub_sip_rx_invite("plain", CDPN_EG, "40111222", body_sdp("127.0.1.5", 30000)); step();
	ic = stub_isup_last();
	stub_isup_rx(ic, msg_con()); step();
	stub_sip_rx_ack(d, NULL); step();
	stub_isup_rx(ic, msg_sus_res(ISUP_SUS)); step();
	stub_sip_rx_response(d, "INVITE", 481); step();
	stub_sip_rx_bye_ok(d); step();
	stub_flow_end();
}

/* 'media timeout 5': an answered call without RTP is released with cause 41 on both sides; SUS
 * (the far party may have gone on hook, Q.764 2.6) pauses the supervision until RES */
static void eg_media_timeout(void)
{
	struct sip_dialog *d;
	struct isup_call *ic;
	configure("gateway\n media timeout 5\n");
	flow("eg_media_timeout");
	stub_isup_next(6, 0);
	d = stub_sip_rx_invite("plain", CDPN_EG, "40111222", body_sdp("127.0.1.5", 30000)); step();
	ic = stub_isup_last();
	stub_isup_rx(ic, msg_con()); step();
	stub_sip_rx_ack(d, NULL); step();
	stub_advance(3000);
	stub_isup_rx(ic, msg_sus_res(ISUP_SUS)); step();
	stub_advance(10000);
	printf("(10 s suspended)\n");
	stub_isup_rx(ic, msg_sus_res(ISUP_RES)); step();
	stub_advance(4900);
	printf("(4.9 s after RES)\n");
	stub_advance(200);
	stub_sip_rx_bye_ok(d); step();
	stub_flow_end();
	configure("gateway\n media timeout 0\n");
}

/* SIP-I (Q.1912.5): the PSTN's REL (cause 17, location RL, diagnostic) goes into the 486 as
 * it is, the Reason with its location */
static void eg_sipi_rel(void)
{
	flow("eg_sipi_rel");
	stub_isup_next(7, 0);
	stub_sip_rx_invite("sipi", CDPN_EG, "40111222", body_sipi(msg_iam(CDPN_EG, true), "127.0.1.5", 30000));
	step();
	stub_isup_rx_rel(stub_isup_last(), msg_rel(Q850_USER_BUSY, ISUP_LOC_PUB_REMOTE, 0x42)); step();
	stub_flow_end();
}

/* SIP-I: the REL in a BYE (cause 31, location BI, diagnostic) goes to the PSTN as it is; the
 * 200 carries the RLC */
static void eg_sipi_bye_rel(void)
{
	struct sip_dialog *d;
	struct isup_call *ic;
	flow("eg_sipi_bye_rel");
	stub_isup_next(8, 0);
	d = stub_sip_rx_invite("sipi", CDPN_EG, "40111222", body_sipi(msg_iam(CDPN_EG, true), "127.0.1.5", 30000));
	step();
	ic = stub_isup_last();
	stub_isup_rx(ic, msg_simple(ISUP_ANM)); step();
	stub_sip_rx_ack(d, NULL); step();
	stub_sip_rx_bye(d, 0, body_sipi(msg_rel(Q850_NORMAL_UNSPECIFIED, ISUP_LOC_BEYOND_IWP, 0x07), NULL, 0));
	step();
	stub_flow_end();
}

/* SIGTERM: every call released on both legs with cause 41 (gw_iwf_release_all) */
static void shutdown_calls(struct gw_iwf *iwf)
{
	struct sip_dialog *a, *b, *c;
	struct isup_call *ia;
	flow("shutdown");
	stub_isup_next(29, 0);
	a = stub_sip_rx_invite("plain", CDPN_EG, "40111222", body_sdp("127.0.1.5", 30000)); step();
	ia = stub_isup_last();
	stub_isup_rx(ia, msg_acm(ISUP_BCI_STATUS_SUBSCRIBER_FREE, false)); step();
	stub_isup_rx_iam("exch", 30, msg_iam(CALLED_PLAIN, true)); step();
	b = stub_sip_last();
	stub_sip_rx_200(b, body_sdp("127.0.1.6", 30000)); step();
	stub_isup_rx_iam("exch", 31, msg_iam(CALLED_PLAIN, true)); step();
	c = stub_sip_last();
	printf("shutdown: %u calls released\n", gw_iwf_release_all(iwf)); step();
	stub_sip_rx_bye_ok(b); step();
	stub_sip_rx_18x(c, 180, NULL); step();
	stub_sip_rx_failed(c, 487, 0, NULL); step();
	printf("all released: %s\n", gw_iwf_released(iwf) ? "yes" : "no");
	(void)a;
	iwf->shutting_down = false;	/* the flows after this one take new calls again */
	stub_flow_end();
}

void call_fsm_egress_flows(struct gw_iwf *iwf)
{
	eg_answered();
	eg_sipi();
	eg_busy();
	eg_no_answer();
	eg_fast_answer();
	eg_cancel();
	eg_glare();
	eg_no_circuit();
	eg_rel_wait_ack();
	eg_late_offer();
	eg_tone_before_release();
	eg_ack_timeout();
	eg_prack_timeout();
	eg_reinvite_481();
	eg_media_timeout();
	eg_session_expiry();
	eg_sipi_rel();
	eg_sipi_bye_rel();
	shutdown_calls(iwf);
}

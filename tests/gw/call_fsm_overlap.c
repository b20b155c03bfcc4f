/* call_fsm_test: the overlap flows of ingress calls (gw/overlap.c), run after the others so that
 * their call numbers and times stay as they were.
 *  in_overlap_t35   'overlap number-length 99 8 10': IAM 99 and SAM 123 (5 digits, below the
 *                   minimum): nothing goes out; 15 s (isup T35) after the SAM -> REL 28 (Q.764
 *                   Annex A T35)
 *  in_overlap_x1_off 'timer gw X1 0': 8 digits (usable) wait for T35, not X1; then the INVITE en
 *                   bloc; a SAM after it is ignored (nothing goes out); 486 -> REL 17
 *  in_overlap_max   IAM 99 and SAM 12345678: 10 digits, the maximum: the INVITE at once, no timer
 *  in_rfc3578       'trunk plain overlap rfc3578': 5 digits (the minimum) -> INVITE; each SAM a
 *                   new INVITE with all digits, the same Call-ID and From tag, CSeq one above
 *                   (RFC 3578 3); the earlier INVITE with a provisional is cancelled, its 200
 *                   crossing the CANCEL gets the UA's BYE and goes no further; a 484 waits for
 *                   more digits; the INVITE with ST is the call: 180 -> ACM, 200 -> ANM; a SAM
 *                   after the answer: nothing goes out; BYE -> REL 16
 *  in_rfc3578_early the INVITE of the usable number gets 180 -> ACM (as in Trying), the SAM after
 *                   it is ignored; 200 -> ANM; BYE -> REL 16
 *  in_rfc3578_t35   the INVITE answered 484 and no SAM: T35 -> REL 28
 *  eg_rfc3578       'trunk plain overlap rfc3578', SIP -> ISUP: the IAM without ST; a later INVITE
 *                   (same Call-ID and From, Request-URI with 2 more digits) -> SAM with them and
 *                   484 to the earlier INVITE; ACM / ANM -> 180 / 200 on the later one; BYE ->
 *                   REL 16 */
#include <stdio.h>

#include "gw/iwf.h"
#include "isup/isup.h"
#include "sip/sip.h"
#include "tests/gw/call_fsm_stubs.h"
#include "tests/gw/call_fsm_msgs.h"
#include "tests/gw/call_fsm_test.h"

static void in_overlap_t35(void)
{
	struct isup_call *ic;
	flow("in_overlap_t35");
	configure("gateway\n trunk plain early-acm 0\n overlap number-length 99 8 10\n");
	ic = stub_isup_rx_iam("exch", 24, msg_iam("99", false)); step();
	stub_advance(5000);
	stub_isup_rx(ic, msg_sam("123", false)); step();
	stub_advance(14900);
	printf("(14.9 s after the SAM)\n");
	stub_advance(200);
	stub_flow_end();
}

static void in_overlap_x1_off(void)
{
	struct isup_call *ic;
	flow("in_overlap_x1_off");
	configure("timer gw X1 0\n");
	ic = stub_isup_rx_iam("exch", 25, msg_iam("99123456", false)); step();
	stub_advance(14900);
	printf("(14.9 s after the IAM)\n");
	stub_advance(200);
	stub_isup_rx(ic, msg_sam("7", false)); step();
	stub_sip_rx_failed(stub_sip_last(), 486, 0, NULL); step();
	configure("timer gw X1 4\n");
	stub_flow_end();
}

static void in_overlap_max(void)
{
	struct isup_call *ic;
	flow("in_overlap_max");
	ic = stub_isup_rx_iam("exch", 26, msg_iam("99", false)); step();
	stub_isup_rx(ic, msg_sam("12345678", false)); step();
	stub_sip_rx_failed(stub_sip_last(), 404, 0, NULL); step();
	stub_flow_end();
}

static void in_rfc3578(void)
{
	struct sip_dialog *d1, *d2, *d4;
	struct isup_call *ic;
	flow("in_rfc3578");
	configure("gateway\n trunk plain overlap rfc3578\n overlap number-length 99 5 12\n");
	ic = stub_isup_rx_iam("exch", 27, msg_iam("99", false)); step();
	stub_isup_rx(ic, msg_sam("123", false)); step();
	d1 = stub_sip_last();
	stub_sip_rx_18x(d1, 100, NULL); step();
	stub_isup_rx(ic, msg_sam("45", false)); step();
	d2 = stub_sip_last();
	stub_sip_rx_200(d1, body_sdp("127.0.1.5", 30000)); step();	/* crossing the CANCEL */
	stub_sip_rx_bye_ok(d1); step();
	stub_sip_rx_failed(d2, 484, 0, NULL); step();
	stub_advance(1000);
	stub_isup_rx(ic, msg_sam("67", false)); step();
	stub_sip_rx_failed(stub_sip_last(), 484, 0, NULL); step();
	stub_isup_rx(ic, msg_sam("8", true)); step();
	d4 = stub_sip_last();
	stub_sip_rx_18x(d4, 180, NULL); step();
	stub_sip_rx_200(d4, body_sdp("127.0.1.5", 30000)); step();
	stub_isup_rx(ic, msg_sam("9", false)); step();	/* after the answer: counted, ignored */
	stub_sip_rx_bye(d4, 0, NULL); step();
	stub_flow_end();
}

static void in_rfc3578_early(void)
{
	struct isup_call *ic;
	struct sip_dialog *d;
	flow("in_rfc3578_early");
	ic = stub_isup_rx_iam("exch", 30, msg_iam("99123", false)); step();
	d = stub_sip_last();
	stub_sip_rx_18x(d, 180, NULL); step();
	stub_isup_rx(ic, msg_sam("4", false)); step();
	stub_sip_rx_200(d, body_sdp("127.0.1.5", 30000)); step();
	stub_sip_rx_bye(d, 0, NULL); step();
	stub_flow_end();
}

static void in_rfc3578_t35(void)
{
	flow("in_rfc3578_t35");
	stub_isup_rx_iam("exch", 28, msg_iam("99123", false)); step();
	stub_sip_rx_failed(stub_sip_last(), 484, 0, NULL); step();
	stub_advance(14900);
	printf("(14.9 s after the IAM)\n");
	stub_advance(200);
	configure("gateway\n trunk plain overlap en-bloc\n no overlap number-length 99\n");
	stub_flow_end();
}

static void eg_rfc3578(struct gw_iwf *iwf)
{
	struct isup_call *ic;
	struct sip_dialog *d1, *d2;
	flow("eg_rfc3578");
	iwf->shutting_down = false;	/* the shutdown flow ran before: new INVITEs are taken again */
	configure("gateway\n trunk plain overlap rfc3578\n");
	stub_isup_next(29, 0);
	d1 = stub_sip_rx_invite("plain", "+49301234", "+4940111222", body_sdp("127.0.1.9", 31000)); step();
	ic = stub_isup_last();
	d2 = stub_sip_rx_invite_again(d1, "+4930123456", "+4940111222", body_sdp("127.0.1.9", 31000)); step();
	stub_isup_rx(ic, msg_acm(ISUP_BCI_STATUS_SUBSCRIBER_FREE, false)); step();
	stub_isup_rx(ic, msg_simple(ISUP_ANM)); step();
	stub_sip_rx_ack(d2, NULL); step();
	stub_sip_rx_bye(d2, 0, NULL); step();
	configure("gateway\n trunk plain overlap en-bloc\n");
	stub_flow_end();
}

void call_fsm_overlap_flows(struct gw_iwf *iwf)
{
	in_overlap_t35();
	in_overlap_x1_off();
	in_overlap_max();
	in_rfc3578();
	in_rfc3578_early();
	in_rfc3578_t35();
	eg_rfc3578(iwf);
}

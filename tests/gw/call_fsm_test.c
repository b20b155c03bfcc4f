/* Unit test of the IWF's call FSMs (gw/), the regression oracle of their rewrite (issue 17).
 *
 * The calls are driven only through the boundary to the lower layers, which the rewrite keeps:
 * into the IWF the isup_call_ops it registers with the ISUP layer (setup/msg/release/
 * cic_changed) and the sip_ua_cbs event callback of the SIP UA; out of the IWF the isup_call_*,
 * sip_dialog_* and media_bridge_* functions, replaced by stubs (tests/gw/call_fsm_*stub.c) that
 * print what would go on the wire. The IWF itself is the daemon's: gw_iwf_build() and a config
 * read by the VTY (one circuit group "exch", a SIP-I trunk "sipi", a plain SIP trunk "plain",
 * routes both ways, a media port range, a CDR file). Time is fake; the CDR lines end each flow.
 * No FSM state names are printed: what is asserted is what goes out, the CDR and that nothing
 * is left (calls, circuits not released, dialogs not ended). The media lines of a step follow
 * its wire messages (their order among themselves counts, not where they fall between ISUP and
 * SIP lines); bridge changes are printed only when they change something.
 *
 * Flows and what each asserts (RFC 3398 / Q.1912.5 / Q.764):
 *  in_answered      IAM -> INVITE (no ISUP body on the plain trunk); 180 -> ACM subscriber free
 *                   and ringing tone toward the PSTN; 200 -> ANM, media both ways; BYE -> REL 16
 *  in_early_media   SIP-I: INVITE carries the IAM; 183+SDP -> ACM with in-band info, backward
 *                   media; a second 183 with another SDP -> CPG in-band, media to the new
 *                   address; 200 -> ANM; SUS/RES -> INFO with the message; REL -> BYE with
 *                   Reason, 200 to the BYE ends the call
 *  in_busy          486 -> REL 17 (the INVITE's dialog ends with the failure)
 *  in_no_answer     180 -> ACM, then 480 -> REL 18 (no user responding); 408 -> REL 102
 *  in_timer_b       no answer at all: Timer B -> REL 102 (RFC 3398 8.2.6.1 / timer expiry)
 *  in_fast_answer   200 without 18x -> CON (Q.764 2.1.7); BYE -> REL 16
 *  in_rel_early     REL from ISUP after 180 -> CANCEL with Reason; 487 ends the dialog
 *  in_rel_at_once   REL before any provisional: CANCEL held until the 180 (RFC 3261 9.1)
 *  in_200_cancel    200 crossing our CANCEL: the dialog is ended by BYE
 *  in_bye_crossing  release during Releasing: REL -> BYE, the peer's BYE crosses ours: nothing
 *                   more goes to the ISUP side
 *  in_bye_timeout   BYE never answered: Timer F ends the dialog
 *  in_overlap       IAM without ST: SAMs collected, X1 (inter-digit, 4 s) sends the INVITE
 *  (the overlap flows with T35, number lengths and RFC 3578: tests/gw/call_fsm_overlap.c)
 *  eg_answered      INVITE -> IAM; ACM -> 180; ANM -> 200 with the SDP answer; ACK; SUS/RES
 *                   (plain trunk) -> re-INVITE sendonly / sendrecv; BYE -> REL 16
 *  eg_sipi          SIP-I: the INVITE's IAM goes out merged; ACM/ANM -> 180/200 with the ISUP
 *                   bodies; REL from ISUP -> BYE
 *  eg_busy          REL 17 -> 486
 *  eg_no_answer     ACM -> 180, T9 expiry in the ISUP layer (release 19) -> 480
 *  eg_fast_answer   CON without ACM -> 200 (fast answer); ACK; BYE -> REL 16
 *  eg_cancel        CANCEL after 180 -> REL 16 (cause of the rfc3398 profile)
 *  eg_glare         dual seizure: the call moves to another CIC (cic_changed_ind); media
 *                   follows the new circuit's bearer, ACM/ANM arrive on it; CDR has the new CIC
 *  eg_no_circuit    no free circuit (cause 34) -> 503
 *  eg_rel_wait_ack  REL after our 200 before the ACK: BYE waits for the ACK
 *  in_early_media_end  183+SDP -> ACM in-band; a 183 with port 0 ends the early stream (CPG
 *                   progress, media off); 180 -> CPG alerting and ringing tone; 486 -> REL 17
 *  in_200_held_cancel  REL before any 18x (CANCEL held), then 200: the IWF ends it with BYE
 *  in_release_guard the SIP side never reports the dialog's end after the CANCEL: X2 (40 s)
 *                   ends the call (CDR); the UA's late Timer B finds no call
 *  in_tone_before_release  trunk with tones-before-release 2: 486 -> ACM in-band, busy tone
 *                   toward the PSTN, REL 17 two seconds later (E.182)
 *  eg_late_offer    INVITE without SDP: ACM in-band -> reliable 183 with our offer; the answer in
 *                   the PRACK sets the SIP media; ANM -> 200; ACK; BYE
 *  eg_tone_before_release  REL 17 -> 183 with SDP naming the busy tone, tone toward SIP, 486
 *                   two seconds later
 *  eg_ack_timeout   no ACK for our 200: the UA's BYE, REL 102 (recovery on timer expiry)
 *  eg_prack_timeout reliable 183 never PRACKed: the UA's 504, REL 102
 *  eg_reinvite_481  the re-INVITE of a SUS answered 481: the UA's BYE ends the dialog, REL 16
 *                   (and the CDR's cause 16)
 *  eg_media_timeout 'media timeout 5': no RTP on the answered call -> REL 41 and BYE with
 *                   Reason 41; SUS pauses the supervision (10 s without release), RES restarts it
 *  eg_session_expiry the session is not refreshed (RFC 4028 10): the UA's BYE with cause 102,
 *                   REL 102 toward the PSTN
 *  eg_sipi_rel      SIP-I: the PSTN's REL (17, location RL, diagnostic) is the 486's ISUP body as
 *                   received, Reason location=RL
 *  eg_sipi_bye_rel  SIP-I: a BYE's REL (31, location BI, diagnostic) goes to the PSTN as it is,
 *                   the 200 carries the RLC
 *  in_early_acm     (runs last: the other flows' numbers and times stay as they were) gw X5 is
 *                   0 (off) by default; 'trunk plain early-acm 10': no 18x for 10 s -> ACM
 *                   no indication (Q.1912.5 early ACM before the exchange's T7); 180 -> CPG
 *                   alerting; 200 -> ANM; BYE -> REL 16
 *  sipi_merge_privacy (after in_early_acm, tests/gw/call_fsm_sipi.c) SIP-I IAM merge: Privacy: id
 *                   makes the body's allowed CgPN restricted, the Request-URI's number replaces the
 *                   body's called number, hop counter min(body 20, Max-Forwards 7) = 7
 *  sipi_merge_restricted the body's restricted CgPN stays restricted (the PAI's other number wins,
 *                   restricted; the From's generic number restricted too)
 *  sipi_merge_untrusted 'no trusted': the IAM is the headers' alone (no CgPN without PAI)
 *  sipi_release_req the release request on an answered SIP-I call: BYE with the gateway's REL
 *                   (31, LN)
 *  sipi_tone_rel    tone before release on SIP-I: the PSTN's REL in the 486 after the tone; the
 *                   486's REL to the PSTN as it is after the tone (ingress)
 *  shutdown         gw_iwf_release_all with an early egress call (REL 41, 503), an answered
 *                   ingress call (REL 41, BYE) and an ingress call without 18x (REL 41, CANCEL
 *                   once the 180 comes)
 *
 * The CDR deviations this test found in the old gw/call.c are fixed (2026-12-02): the ACM before
 * an E.182 tone is stamped (in_tone_before_release), the CDR's cause of an answered call whose
 * dialog ends is the REL's 16 (eg_reinvite_481), the UA's 504 on a PRACK timeout is the CDR's
 * sip_status (eg_prack_timeout).
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <osmocom/core/application.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>

#include "common/app.h"
#include "gw/iwf.h"
#include "isup/isup.h"
#include "sip/sip.h"
#include "tests/gw/call_fsm_stubs.h"
#include "tests/gw/call_fsm_msgs.h"
#include "tests/gw/call_fsm_test.h"

/* ---- steps ------------------------------------------------------------------------------ */

void flow(const char *name)
{
	printf("==== %s\n", name);
}

/* after each event: a little time passes (the deferred work of the FSMs runs) */
void step(void)
{
	stub_advance(10);
}

static struct sgw_app *g_app;
static const char *memfile(const char *name, const char *text);

/* more configuration at run time, as a file read like the daemon's */
void configure(const char *text)
{
	printf("(config:");
	for (const char *c = text; *c; c++)
		if (*c != ' ' || c[-1] != '\n')
			putchar(*c == '\n' ? ' ' : *c);
	printf(")\n");
	if (sgw_app_read_config(g_app, memfile("cfg-more", text)) < 0) {
		fprintf(stderr, "call_fsm_test: refused: %s\n", text);
		exit(1);
	}
}

/* ---- ingress: ISUP -> SIP --------------------------------------------------------------- */

static void in_answered(void)
{
	struct isup_call *ic;
	struct sip_dialog *d;
	flow("in_answered");
	ic = stub_isup_rx_iam("exch", 1, msg_iam(CALLED_PLAIN, true)); step();
	d = stub_sip_last();
	stub_sip_rx_18x(d, 100, NULL); step();
	stub_sip_rx_18x(d, 180, NULL); step();
	stub_sip_rx_200(d, body_sdp("127.0.1.5", 30000)); step();
	stub_sip_rx_bye(d, 0, NULL); step();
	(void)ic;
	stub_flow_end();
}

static void in_early_media(void)
{
	struct isup_call *ic;
	struct sip_dialog *d;
	flow("in_early_media");
	ic = stub_isup_rx_iam("exch", 2, msg_iam(CALLED_SIPI, true)); step();
	d = stub_sip_last();
	stub_sip_rx_18x(d, 183, body_sdp("127.0.1.7", 30000)); step();
	stub_sip_rx_18x(d, 183, body_sdp("127.0.1.8", 30002)); step();	/* early media SDP change */
	stub_sip_rx_200(d, body_sdp("127.0.1.8", 30002)); step();
	stub_isup_rx(ic, msg_sus_res(ISUP_SUS)); step();
	stub_isup_rx(ic, msg_sus_res(ISUP_RES)); step();
	stub_isup_rx_release(ic, 16); step();
	stub_sip_rx_bye_ok(d); step();
	stub_flow_end();
}

static void in_busy(void)
{
	struct sip_dialog *d;
	flow("in_busy");
	stub_isup_rx_iam("exch", 3, msg_iam(CALLED_PLAIN, true)); step();
	d = stub_sip_last();
	stub_sip_rx_failed(d, 486, 0, NULL); step();
	stub_flow_end();
}

static void in_no_answer(void)
{
	struct sip_dialog *d;
	flow("in_no_answer (480)");
	stub_isup_rx_iam("exch", 4, msg_iam(CALLED_PLAIN, true)); step();
	d = stub_sip_last();
	stub_sip_rx_18x(d, 180, NULL); step();
	stub_sip_rx_failed(d, 480, 0, NULL); step();
	stub_flow_end();

	flow("in_no_answer (408)");
	stub_isup_rx_iam("exch", 4, msg_iam(CALLED_PLAIN, true)); step();
	d = stub_sip_last();
	stub_sip_rx_18x(d, 180, NULL); step();
	stub_sip_rx_failed(d, 408, 0, NULL); step();
	stub_flow_end();
}

static void in_timer_b(void)
{
	flow("in_timer_b");
	stub_isup_rx_iam("exch", 5, msg_iam(CALLED_PLAIN, true)); step();
	stub_advance(32000);
	stub_sip_rx_timeout(stub_sip_last(), SIP_TO_TIMER_B); step();
	stub_flow_end();
}

static void in_fast_answer(void)
{
	struct sip_dialog *d;
	flow("in_fast_answer");
	stub_isup_rx_iam("exch", 6, msg_iam(CALLED_SIPI, true)); step();
	d = stub_sip_last();
	stub_sip_rx_200(d, body_sdp("127.0.1.5", 30000)); step();
	stub_advance(5000);
	stub_sip_rx_bye(d, 0, NULL); step();
	stub_flow_end();
}

static void in_rel_early(void)
{
	struct isup_call *ic;
	struct sip_dialog *d;
	flow("in_rel_early");
	ic = stub_isup_rx_iam("exch", 7, msg_iam(CALLED_PLAIN, true)); step();
	d = stub_sip_last();
	stub_sip_rx_18x(d, 180, NULL); step();
	stub_isup_rx_release(ic, 16); step();
	stub_sip_rx_failed(d, 487, 0, NULL); step();
	stub_flow_end();
}

static void in_rel_at_once(void)
{
	struct isup_call *ic;
	struct sip_dialog *d;
	flow("in_rel_at_once");
	ic = stub_isup_rx_iam("exch", 8, msg_iam(CALLED_PLAIN, true)); step();
	d = stub_sip_last();
	stub_isup_rx_release(ic, 16); step();
	stub_sip_rx_18x(d, 180, NULL); step();
	stub_sip_rx_failed(d, 487, 0, NULL); step();
	stub_flow_end();
}

static void in_200_cancel(void)
{
	struct isup_call *ic;
	struct sip_dialog *d;
	flow("in_200_cancel");
	ic = stub_isup_rx_iam("exch", 9, msg_iam(CALLED_PLAIN, true)); step();
	d = stub_sip_last();
	stub_sip_rx_18x(d, 180, NULL); step();
	stub_isup_rx_release(ic, 16); step();
	stub_sip_rx_200(d, body_sdp("127.0.1.5", 30000)); step();
	stub_sip_rx_bye_ok(d); step();
	stub_flow_end();
}

static void in_bye_crossing(void)
{
	struct isup_call *ic;
	struct sip_dialog *d;
	flow("in_bye_crossing");
	ic = stub_isup_rx_iam("exch", 10, msg_iam(CALLED_PLAIN, true)); step();
	d = stub_sip_last();
	stub_sip_rx_200(d, body_sdp("127.0.1.5", 30000)); step();
	stub_isup_rx_release(ic, 16); step();
	stub_sip_rx_bye(d, 31, NULL); step();
	stub_flow_end();
}

static void in_bye_timeout(void)
{
	struct isup_call *ic;
	struct sip_dialog *d;
	flow("in_bye_timeout");
	ic = stub_isup_rx_iam("exch", 11, msg_iam(CALLED_PLAIN, true)); step();
	d = stub_sip_last();
	stub_sip_rx_200(d, body_sdp("127.0.1.5", 30000)); step();
	stub_isup_rx_release(ic, 16); step();
	stub_advance(32000);	/* RFC 3261 Timer F: 64 * T1 */
	stub_sip_rx_timeout(d, SIP_TO_TIMER_F); step();
	stub_flow_end();
}

static void in_overlap(void)
{
	struct isup_call *ic;
	flow("in_overlap");
	ic = stub_isup_rx_iam("exch", 12, msg_iam("3012", false)); step();
	stub_isup_rx(ic, msg_sam("34", false)); step();
	stub_advance(3000);
	stub_isup_rx(ic, msg_sam("567", false)); step();
	stub_advance(3900);
	printf("(3.9 s after the last SAM)\n");
	stub_advance(200);
	stub_sip_rx_failed(stub_sip_last(), 404, 0, NULL); step();
	stub_flow_end();
}

static void in_early_media_end(void)
{
	struct sip_dialog *d;
	flow("in_early_media_end");
	stub_isup_rx_iam("exch", 23, msg_iam(CALLED_PLAIN, true)); step();
	d = stub_sip_last();
	stub_sip_rx_18x(d, 183, body_sdp("127.0.1.7", 30000)); step();
	stub_sip_rx_18x(d, 183, body_sdp("127.0.1.7", 0)); step();	/* port 0: the early stream ends */
	stub_sip_rx_18x(d, 180, NULL); step();
	stub_sip_rx_failed(d, 486, 0, NULL); step();
	stub_flow_end();
}

static void in_200_held_cancel(void)
{
	struct isup_call *ic;
	struct sip_dialog *d;
	flow("in_200_held_cancel");
	ic = stub_isup_rx_iam("exch", 24, msg_iam(CALLED_PLAIN, true)); step();
	d = stub_sip_last();
	stub_isup_rx_release(ic, 16); step();
	stub_sip_rx_200(d, body_sdp("127.0.1.5", 30000)); step();	/* no CANCEL went out yet */
	stub_sip_rx_bye_ok(d); step();
	stub_flow_end();
}

/* the SIP side never reports the end of the dialog: X2 (release guard, 70 s) ends the call */
static void in_release_guard(void)
{
	struct isup_call *ic;
	struct sip_dialog *d;
	flow("in_release_guard");
	ic = stub_isup_rx_iam("exch", 25, msg_iam(CALLED_PLAIN, true)); step();
	d = stub_sip_last();
	stub_sip_rx_18x(d, 180, NULL); step();
	stub_isup_rx_release(ic, 16); step();
	stub_advance(69900);
	printf("(69.9 s after the release)\n");
	stub_advance(200);
	stub_cdr_print();
	stub_sip_rx_timeout(d, SIP_TO_TIMER_B); step();	/* the UA's late end: nobody listens */
	stub_flow_end();
}

/* trunk "tones": E.182 tone before the release (2 s) */
static void in_tone_before_release(void)
{
	struct sip_dialog *d;
	flow("in_tone_before_release");
	stub_isup_rx_iam("exch", 26, msg_iam(CALLED_TONES, true)); step();
	d = stub_sip_last();
	stub_sip_rx_failed(d, 486, 0, NULL); step();
	stub_advance(1900);
	printf("(1.9 s after the 486)\n");
	stub_advance(200);
	stub_flow_end();
}

/* early ACM: the SIP side sends no 18x; X5 (the trunk's 10 s) sends ACM "no indication" */
static void in_early_acm(void)
{
	struct sip_dialog *d;
	flow("in_early_acm");
	configure("gateway\n trunk plain early-acm 10\n");
	stub_isup_rx_iam("exch", 21, msg_iam(CALLED_PLAIN, true)); step();
	d = stub_sip_last();
	stub_sip_rx_18x(d, 100, NULL); step();
	stub_advance(9900);
	printf("(9.9 s after the INVITE)\n");
	stub_advance(200);
	stub_sip_rx_18x(d, 180, NULL); step();
	stub_sip_rx_200(d, body_sdp("127.0.1.5", 30000)); step();
	stub_sip_rx_bye(d, 0, NULL); step();
	stub_flow_end();
}

/* ---- set-up ----------------------------------------------------------------------------- */

static const char *config =
	"isup\n"
	" variant itu\n"
	" network-indicator national\n"
	" remote-point-code 0.55.2\n"
	" circuit-group exch\n"
	"  point-code 0.55.2\n"
	"  cic 1 31 bearer 127.0.0.1 40000 2\n"
	"  direction both-way\n"
	"sip\n"
	" trunk sipi\n"
	"  transport udp\n"
	"  listen 127.0.0.2 5060\n"
	"  peer 127.0.0.4 5060\n"
	"  trusted\n"
	"  100rel supported\n"
	"  sip-t mode sip-i\n"
	"  sip-t version itu-t92+\n"
	"  sip-t base itu-t92+\n"
	"  sip-t handling optional\n"
	" trunk plain\n"
	"  transport udp\n"
	"  listen 127.0.0.2 5062\n"
	"  peer 127.0.0.1 5080\n"
	"  trusted\n"
	"  100rel supported\n"
	" trunk tones\n"
	"  transport udp\n"
	"  listen 127.0.0.2 5064\n"
	"  peer 127.0.0.1 5082\n"
	"  trusted\n"
	"  100rel supported\n"
	"gateway\n"
	" country-code 49\n"
	" cdr file %s\n"
	" media rtp-range 127.0.0.1 %u %u\n"
	" route ingress default trunk sipi\n"
	" route ingress 99 trunk plain\n"
	" route ingress 98 trunk tones\n"
	" route egress default circuit-group exch\n"
	" trunk sipi cause-profile rfc3398\n"
	" trunk plain cause-profile rfc3398\n"
	" trunk tones cause-profile rfc3398\n"
	" trunk tones tones-before-release 2\n";

/* the config file and the CDR file: memory files, named by /proc/self/fd/N */
static const char *memfile(const char *name, const char *text)
{
	static char paths[32][32];	/* the CDR path (the first) must outlive the configure() files */
	static int n;
	int fd = memfd_create(name, 0);
	char *path = paths[n++ % 32];
	if (fd < 0 || (text && write(fd, text, strlen(text)) != (ssize_t)strlen(text))) {
		perror("memfd");
		exit(1);
	}
	snprintf(path, 32, "/proc/self/fd/%d", fd);
	return path;
}

static struct gw_iwf *setup(struct sgw_app *app)
{
	const char *cdr = memfile("cdr", NULL);
	/* the bridges bind real ports: a block of its own for each process (make check may run
	 * in several trees at once), outside the suite's (tests/run: 21000-29990) */
	unsigned int first = 47000 + (getpid() % 40) * 200;
	char cfg[2048];
	struct gw_iwf *iwf = gw_iwf_build(app->ctx);

	snprintf(cfg, sizeof(cfg), config, cdr, first, first + 199);
	stub_set_pool(first, first + 199);
	if (sgw_app_read_config(app, memfile("cfg", cfg)) < 0 || gw_iwf_check_config(iwf) > 0) {
		fprintf(stderr, "call_fsm_test: the test configuration is refused\n");
		exit(1);
	}
	stub_cdr_open(cdr);
	gw_iwf_start(iwf);
	stub_set_iwf(iwf);
	return iwf;
}

int main(int argc, char **argv)
{
	struct sgw_app *app = sgw_app_init("call_fsm_test", "test");
	struct gw_iwf *iwf;

	g_app = app;
	stub_time_init();
	osmo_fsm_set_dealloc_ctx(OTC_SELECT);
	log_set_log_level(osmo_stderr_target, getenv("CALL_FSM_DEBUG") ? LOGL_DEBUG : LOGL_NOTICE);
	iwf = setup(app);

	in_answered();
	in_early_media();
	in_busy();
	in_no_answer();
	in_timer_b();
	in_fast_answer();
	in_rel_early();
	in_rel_at_once();
	in_200_cancel();
	in_bye_crossing();
	in_bye_timeout();
	in_overlap();
	in_early_media_end();
	in_200_held_cancel();
	in_release_guard();
	in_tone_before_release();
	call_fsm_egress_flows(iwf);
	in_early_acm();
	call_fsm_overlap_flows(iwf);
	call_fsm_sipi_flows(iwf);

	gw_iwf_shutdown(iwf);
	sip_ua_free(iwf->sip);
	sgw_app_free(app);
	return 0;
}

/* Unit test of the SIP dialog FSM (sip/sip_dialog*.c, sip_uac.c, sip_uas.c, sip_prack.c): UAC and
 * UAS dialogs driven through the main flows by messages fed with sip_ua_input(); what the UA sends
 * is read from a loopback UDP socket standing for the peer. Prints the start lines of what goes
 * in and out, the events to the layer above and the FSM state names. Time is fake (libosmocore's
 * override, and libosip2's osip_gettimeofday() interposed below), so the timers are exact. Call-IDs,
 * tags, branches and CSeq numbers are random and never printed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <talloc.h>
#include <osmocom/core/application.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "gw/debug.h"
static const int app_dsip = DSIP;	/* the application's category (sip_internal.h redefines DSIP) */
#include "sip/sip_internal.h"

static struct sip_ua *ua;
static struct sip_trunk *trunk;
static struct sip_dialog *cur;		/* the dialog under test, NULL once terminated */
static int peer_fd;
static uint16_t peer_port;
static struct timeval t0;
static char sent[16][4096];		/* the last messages the UA sent, a ring */
static unsigned int n_sent;
static bool quiet;			/* drain() without printing (settle()) */

/* libosip2's transaction timers on the same fake clock as libosmocore's */
int osip_gettimeofday(struct timeval *tp, void *tz)
{
	return osmo_gettimeofday(tp, NULL);
}

static unsigned long now_ms(void)
{
	struct timeval now, d;
	osmo_gettimeofday(&now, NULL);
	timersub(&now, &t0, &d);
	return d.tv_sec * 1000 + d.tv_usec / 1000;
}

static const char *state(void)
{
	return cur ? osmo_fsm_inst_state_name(cur->fi) : "(gone)";
}

/* the value of header name in a raw message, up to the end of its line */
static const char *hdr(const char *msg, const char *name, char *buf, size_t size)
{
	char pat[64];
	const char *p, *e;

	snprintf(pat, sizeof(pat), "\r\n%s: ", name);
	p = strstr(msg, pat);
	if (!p)
		return "";
	p += strlen(pat);
	e = strstr(p, "\r\n");
	snprintf(buf, size, "%.*s", (int)(e ? e - p : (long)strlen(p)), p);
	return buf;
}

static void print_msg(const char *dir, const char *msg)
{
	char cseq[128], rseq[32];
	const char *method = strchr(hdr(msg, "CSeq", cseq, sizeof(cseq)), ' ');

	char line[256], port[8], *p;

	/* the start line, the peer's (random) port masked */
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(msg, "\r\n"), msg);
	snprintf(port, sizeof(port), ":%u", peer_port);
	if ((p = strstr(line, port)))
		memmove(p, p + strlen(port), strlen(p + strlen(port)) + 1);
	hdr(msg, "RSeq", rseq, sizeof(rseq));
	printf("  %6lu ms %s %s (%s)%s%s\n", now_ms(), dir, line, method ? method + 1 : "?",
	       *rseq ? " RSeq" : "", strstr(msg, "\r\n\r\nv=0") ? " +SDP" : "");
}

/* read what the UA sent since the last call */
static void drain(void)
{
	ssize_t n;
	char buf[4096];

	while ((n = recv(peer_fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		buf[n] = '\0';
		if (!quiet)
			print_msg("->", buf);
		osmo_strlcpy(sent[n_sent++ % ARRAY_SIZE(sent)], buf, sizeof(sent[0]));
	}
}

/* run the select loop on fake time for ms, jumping from timer to timer */
static void run_for(unsigned long ms)
{
	struct timeval end, *next, now, d;

	osmo_gettimeofday(&end, NULL);
	d = (struct timeval){ ms / 1000, (ms % 1000) * 1000 };
	timeradd(&end, &d, &end);
	for (;;) {
		osmo_gettimeofday(&now, NULL);
		osmo_timers_prepare();
		next = osmo_timers_nearest();
		if (next)
			timeradd(&now, next, &now);
		if (!next || timercmp(&now, &end, >))
			now = end;
		osmo_gettimeofday_override_time = now;
		osmo_select_main_ctx(1);
		drain();
		if (!timercmp(&now, &end, <))
			break;
	}
}

static void feed(const char *msg)
{
	print_msg("<-", msg);
	sip_ua_input(trunk, msg, strlen(msg), "127.0.0.1", peer_port);
	drain();
	run_for(0);	/* what is due now (the UA's reap of ended transactions) */
}

static void on_event(struct sip_dialog *dlg, const struct sip_event *ev, void *priv)
{
	drain();	/* what went out before the event, in order */
	printf("  EV %s", sip_event_name(ev->type));
	if (ev->code)
		printf(" %d", ev->code);
	if (ev->timeout)
		printf(" timeout=%s", sip_timeout_name(ev->timeout));
	if (ev->type == SIP_EV_INVITE)
		cur = dlg;
	if (ev->type == SIP_EV_TERMINATED && dlg == cur)
		cur = NULL;
	printf(" state=%s\n", dlg == cur ? state() : "(gone)");
}

static const struct sip_ua_cbs cbs = { .event = on_event };

/* a new case: its title, the clock of its output from 0 */
static void begin(const char *title)
{
	printf("\n%s\n", title);
	osmo_gettimeofday(&t0, NULL);
}

/* ---- building the peer's messages ---- */

/* the last message the UA sent whose start line begins with start and whose To header has needle */
static const char *last(const char *start, const char *needle)
{
	char to[256];

	for (unsigned int i = 1; i <= ARRAY_SIZE(sent) && i <= n_sent; i++) {
		const char *m = sent[(n_sent - i) % ARRAY_SIZE(sent)];
		if (!strncmp(m, start, strlen(start)) && (!needle || strstr(hdr(m, "To", to, sizeof(to)), needle)))
			return m;
	}
	return "";
}

#define response(method, code, phrase, extra) response_to(last(method, NULL), code, phrase, extra)

/* a response to req, To tag added */
static const char *response_to(const char *req, int code, const char *phrase, const char *extra)
{
	static char out[4096];
	char via[512], from[256], to[256], cid[256], cseq[128];

	hdr(req, "To", to, sizeof(to));
	snprintf(out, sizeof(out), "SIP/2.0 %d %s\r\nVia: %s\r\nFrom: %s\r\nTo: %s%s\r\nCall-ID: %s\r\n"
		 "CSeq: %s\r\nContact: <sip:peer@127.0.0.1:%u>\r\n%sContent-Length: 0\r\n\r\n", code, phrase,
		 hdr(req, "Via", via, sizeof(via)), hdr(req, "From", from, sizeof(from)), to,
		 strstr(to, "tag=") || code == 100 ? "" : ";tag=peer1", hdr(req, "Call-ID", cid, sizeof(cid)),
		 hdr(req, "CSeq", cseq, sizeof(cseq)), peer_port, extra ? extra : "");
	return out;
}

static const char *invite(const char *cid, const char *extra)
{
	static char out[2048];
	snprintf(out, sizeof(out), "INVITE sip:1000@127.0.0.1 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK-%s\r\nMax-Forwards: 70\r\n"
		 "From: <sip:2000@127.0.0.1>;tag=peer1\r\nTo: <sip:1000@127.0.0.1>\r\nCall-ID: %s\r\n"
		 "CSeq: 1 INVITE\r\nContact: <sip:2000@127.0.0.1:%u>\r\n%sContent-Length: 0\r\n\r\n",
		 peer_port, cid, cid, peer_port, extra ? extra : "");
	return out;
}

/* an in-dialog request of the peer to the UAS dialog of cid (our tag from the last response) */
static const char *peer_request(const char *method, const char *cid, int cseq, const char *branch,
				const char *extra)
{
	static char out[2048];
	char to[256];

	hdr(last("SIP/2.0", "tag="), "To", to, sizeof(to));
	snprintf(out, sizeof(out), "%s sip:gw@127.0.0.1 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK-%s\r\nMax-Forwards: 70\r\n"
		 "From: <sip:2000@127.0.0.1>;tag=peer1\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n"
		 "%sContent-Length: 0\r\n\r\n", method, peer_port, branch, to, cid, cseq,
		 !strcmp(method, "ACK") ? "INVITE" : method, extra ? extra : "");
	return out;
}

/* msg (ending in an empty body) with an SDP offer of the peer */
static const char *with_sdp(const char *msg, const char *dir)
{
	static char out[4096];
	char sdp[256];
	const char *cl = strstr(msg, "Content-Length: 0\r\n\r\n");

	snprintf(sdp, sizeof(sdp), "v=0\r\no=- 7 7 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		 "m=audio 5000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=%s\r\n", dir);
	snprintf(out, sizeof(out), "%.*sContent-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s",
		 (int)(cl - msg), msg, strlen(sdp), sdp);
	return out;
}

/* ---- UAC flows ---- */

static struct sip_dialog *uac_invite(void)
{
	struct sip_dialog *d = sip_dialog_invite(trunk, "1000", "2000", NULL, NULL);
	cur = d;
	drain();
	printf("  state=%s\n", state());
	return d;
}

static void test_uac_answered(void)
{
	begin("UAC: 100, 180, 200, ACK; BYE from us");
	uac_invite();
	feed(response("INVITE", 100, "Trying", NULL));
	printf("  state=%s\n", state());
	feed(response("INVITE", 180, "Ringing", NULL));
	feed(response("INVITE", 200, "OK", NULL));
	sip_dialog_bye(cur, NULL);
	drain();
	printf("  state=%s\n", state());
	feed(response("BYE", 200, "OK", NULL));
	run_for(100);
}

static void test_uac_busy(void)
{
	begin("UAC: 486 Busy Here");
	uac_invite();
	feed(response("INVITE", 486, "Busy Here", NULL));
	run_for(100);
}

static void test_uac_cancel(void)
{
	begin("UAC: CANCEL asked before any 1xx, sent on the 100 (RFC 3261 9.1), 487");
	uac_invite();
	printf("  cancel rc=%d state=%s\n", sip_dialog_cancel(cur, NULL), state());
	drain();
	feed(response("INVITE", 100, "Trying", NULL));
	printf("  state=%s\n", state());
	feed(response("CANCEL", 200, "OK", NULL));
	feed(response("INVITE", 487, "Request Terminated", NULL));
	run_for(100);
}

static void test_uac_reliable(void)
{
	begin("UAC: reliable 183 PRACKed (RFC 3262 4), 200, peer BYE");
	uac_invite();
	feed(response("INVITE", 183, "Session Progress", "Require: 100rel\r\nRSeq: 1\r\n"));
	feed(response("PRACK", 200, "OK", NULL));
	printf("  the same 183 again: no second PRACK\n");
	feed(response("INVITE", 183, "Session Progress", "Require: 100rel\r\nRSeq: 1\r\n"));
	feed(response("INVITE", 200, "OK", NULL));
	{
		char cid[256], from[256], to[256], bye[2048];
		hdr(last("ACK", false), "Call-ID", cid, sizeof(cid));
		hdr(last("ACK", false), "From", from, sizeof(from));
		hdr(last("ACK", false), "To", to, sizeof(to));
		snprintf(bye, sizeof(bye), "BYE sip:2000@127.0.0.1 SIP/2.0\r\n"
			 "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK-uac-bye\r\nMax-Forwards: 70\r\n"
			 "From: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n",
			 peer_port, to, from, cid);
		feed(bye);
	}
	run_for(100);
}

static void test_uac_timer_b(void)
{
	begin("UAC: no answer at all: Timer A retransmissions, Timer B after 64*T1 (RFC 3261 17.1.1.2)");
	uac_invite();
	run_for(32100);
}

static void test_uac_forked_2xx(void)
{
	begin("UAC: 200 from a second fork after the first: ACK + BYE to it (RFC 3261 13.2.2.4); CANCEL crossing");
	uac_invite();
	feed(response("INVITE", 180, "Ringing", NULL));
	printf("  cancel rc=%d\n", sip_dialog_cancel(cur, NULL));
	drain();
	printf("  state=%s\n", state());
	feed(response("CANCEL", 200, "OK", NULL));
	feed(response("INVITE", 200, "OK", NULL));
	printf("  state=%s\n", state());
	/* a second fork's 200: another To tag */
	{
		static char msg[4096];
		char *p;
		osmo_strlcpy(msg, response("INVITE", 200, "OK", NULL), sizeof(msg));
		p = strstr(msg, "tag=peer1");
		if (p)
			p[8] = '2';
		feed(msg);
	}
	feed(response_to(last("BYE", "tag=peer1"), 200, "OK", NULL));
	feed(response_to(last("BYE", "tag=peer2"), 200, "OK", NULL));
	run_for(100);
}

/* ---- UAS flows ---- */

static void test_uas_answered(void)
{
	begin("UAS: INVITE, 180, 200, ACK, INFO, peer BYE");
	feed(invite("uas-1", NULL));
	printf("  provisional rc=%d\n", sip_dialog_provisional(cur, 180, false, NULL));
	drain();
	printf("  state=%s\n", state());
	printf("  answer rc=%d\n", sip_dialog_answer(cur, NULL));
	drain();
	printf("  state=%s\n", state());
	feed(peer_request("ACK", "uas-1", 1, "ack1", NULL));
	feed(peer_request("INFO", "uas-1", 2, "info1", NULL));
	feed(peer_request("BYE", "uas-1", 3, "bye1", NULL));
	run_for(100);
}

static void test_uas_cancel(void)
{
	begin("UAS: INVITE, 180, CANCEL: 200 + 487 (RFC 3261 9.2)");
	feed(invite("uas-2", NULL));
	sip_dialog_provisional(cur, 180, false, NULL);
	drain();
	feed(peer_request("CANCEL", "uas-2", 1, "uas-2", NULL));
	feed(peer_request("ACK", "uas-2", 1, "uas-2", NULL));
	run_for(100);
}

static void test_uas_reject(void)
{
	begin("UAS: INVITE rejected 486; requests after it get 481");
	feed(invite("uas-3", NULL));
	printf("  reject rc=%d\n", sip_dialog_reject(cur, 486, NULL));
	drain();
	feed(peer_request("ACK", "uas-3", 1, "uas-3", NULL));
	feed(peer_request("BYE", "uas-3", 2, "bye3", NULL));
	run_for(100);
}

static void test_uas_no_ack(void)
{
	begin("UAS: 200 never ACKed: retransmitted T1..T2, BYE after 64*T1 (RFC 3261 13.3.1.4)");
	feed(invite("uas-4", NULL));
	sip_dialog_answer(cur, NULL);
	drain();
	printf("  bye rc=%d (held until the ACK or its timeout) state=%s\n", sip_dialog_bye(cur, NULL), state());
	run_for(31900);
	printf("  state=%s\n", state());
	run_for(200);
	printf("  state=%s\n", state());
	feed(response("BYE", 200, "OK", NULL));
	run_for(100);
}

static void test_uas_prack(void)
{
	struct sip_sdp sdp;
	struct sip_msg_opts o = { .sdp = &sdp };
	char rack[64];

	begin("UAS: reliable 183 with SDP, 200 held until the PRACK (RFC 3262 3)");
	sip_sdp_init_local(&sdp, "127.0.0.1", 4000);
	feed(invite("uas-5", "Supported: 100rel\r\n"));
	printf("  provisional rc=%d\n", sip_dialog_provisional(cur, 183, true, &o));
	drain();
	printf("  answer rc=%d (held) state=%s\n", sip_dialog_answer(cur, &o), state());
	drain();
	run_for(600);
	snprintf(rack, sizeof(rack), "RAck: %u 1 INVITE\r\n", cur->rseq);
	feed(peer_request("PRACK", "uas-5", 2, "prack5", rack));
	printf("  state=%s\n", state());
	feed(peer_request("ACK", "uas-5", 1, "ack5", NULL));
	sip_dialog_release(cur, 16);
	drain();
	printf("  state=%s\n", state());
	feed(response("BYE", 200, "OK", NULL));
	run_for(100);
}

static void test_uas_prack_timeout(void)
{
	begin("UAS: reliable 180 never PRACKed: retransmitted, 504 after 64*T1 (RFC 3262 3)");
	feed(invite("uas-6", "Supported: 100rel\r\n"));
	sip_dialog_provisional(cur, 180, true, NULL);
	drain();
	printf("  state=%s\n", state());
	run_for(32100);
	feed(peer_request("ACK", "uas-6", 1, "uas-6", NULL));
	run_for(100);
}

static void test_uas_reinvite(void)
{
	struct sip_sdp sdp;

	begin("UAS: re-INVITE with an offer answered, retransmitted until its ACK; UPDATE; our hold re-INVITE; glare 491");
	sip_sdp_init_local(&sdp, "127.0.0.1", 4000);
	feed(invite("uas-7", NULL));
	sip_dialog_answer(cur, NULL);
	drain();
	feed(peer_request("ACK", "uas-7", 1, "ack7", NULL));
	feed(with_sdp(peer_request("INVITE", "uas-7", 2, "reinv7", NULL), "sendonly"));
	run_for(600);
	feed(peer_request("ACK", "uas-7", 2, "ack7b", NULL));
	run_for(1000);
	feed(with_sdp(peer_request("UPDATE", "uas-7", 3, "upd7", NULL), "sendrecv"));
	sdp.dir = SIP_SDP_SENDONLY;
	printf("  reoffer rc=%d\n", sip_dialog_reoffer(cur, &sdp, false));
	drain();
	printf("  second reoffer rc=%d (one offer at a time)\n", sip_dialog_reoffer(cur, &sdp, false));
	feed(with_sdp(peer_request("INVITE", "uas-7", 4, "reinv7b", NULL), "sendrecv"));
	feed(response("INVITE", 200, "OK", NULL));
	printf("  state=%s\n", state());
	sip_dialog_release(cur, 16);
	drain();
	feed(response("BYE", 200, "OK", NULL));
	run_for(100);
}

static void test_uas_release(void)
{
	begin("UAS: released before the answer: 480 (release) and 503 (release_status)");
	feed(invite("uas-8", NULL));
	sip_dialog_release(cur, 16);
	drain();
	feed(peer_request("ACK", "uas-8", 1, "uas-8", NULL));
	feed(invite("uas-9", NULL));
	sip_dialog_release_status(cur, 41, 503);
	drain();
	feed(peer_request("ACK", "uas-9", 1, "uas-9", NULL));
	run_for(100);
}

static void test_uas_early_bye(void)
{
	begin("UAS: BYE in the early dialog: 200, 487 to the INVITE (RFC 3261 15.1.2)");
	feed(invite("uas-10", NULL));
	sip_dialog_provisional(cur, 183, false, NULL);
	drain();
	feed(peer_request("BYE", "uas-10", 2, "bye10", NULL));
	feed(peer_request("ACK", "uas-10", 1, "uas-10", NULL));
	run_for(100);
}

static void test_uas_bye_before_ack(void)
{
	begin("UAS: BYE asked for before the ACK goes out after it (RFC 3261 15)");
	feed(invite("uas-11", NULL));
	sip_dialog_answer(cur, NULL);
	drain();
	printf("  bye rc=%d state=%s\n", sip_dialog_bye(cur, NULL), state());
	feed(peer_request("ACK", "uas-11", 1, "ack11", NULL));
	printf("  state=%s\n", state());
	feed(response("BYE", 200, "OK", NULL));
	run_for(100);
}

/* ---- session timers (RFC 4028) ---- */

/* the RFC 4028 headers (and Reason) of the last message sent starting with start */
static void show_st(const char *start)
{
	static const char *names[] = { "Session-Expires", "Min-SE", "Require", "Supported", "Reason" };
	const char *m = last(start, NULL);
	char v[256];

	const char *o = strstr(m, "\r\no=");

	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++)
		if (*hdr(m, names[i], v, sizeof(v)))
			printf("           %s: %s\n", names[i], v);
	if (o)	/* the SDP version: a refresh does not change it (RFC 4028 10, RFC 3264 8) */
		printf("           SDP version %lu\n", strtoul(strchr(strchr(o + 5, ' ') + 1, ' ') + 1, NULL, 10));
}

/* let the retransmissions of the cases before end, unprinted */
static void settle(void)
{
	quiet = true;
	run_for(40000);
	quiet = false;
}

static void st_config(unsigned int se, unsigned int min_se, enum sip_st_refresher ref)
{
	trunk->cfg.st_enabled = true;
	trunk->cfg.st_expires = se;
	trunk->cfg.st_min_se = min_se;
	trunk->cfg.st_refresher = ref;
}

static void test_uac_session_timer(void)
{
	struct sip_sdp sdp;
	struct sip_msg_opts o = { .sdp = &sdp };

	settle();
	begin("UAC session timer: 422 -> INVITE again with its Min-SE (RFC 4028 7.4), refresher=uac: "
	      "re-INVITE at SE/2 (RFC 4028 10), unanswered refresh -> BYE cause 102 at SE - min(32, SE/3)");
	st_config(90, 90, SIP_ST_REFRESHER_UAC);
	sip_sdp_init_local(&sdp, "127.0.0.1", 4000);
	cur = sip_dialog_invite(trunk, "1000", "2000", &o, NULL);
	drain();
	show_st("INVITE");
	feed(response("INVITE", 422, "Session Interval Too Small", "Min-SE: 120\r\n"));
	show_st("INVITE");
	printf("  state=%s\n", state());
	feed(response("INVITE", 200, "OK", "Session-Expires: 120;refresher=uac\r\nRequire: timer\r\n"));
	run_for(60000);
	show_st("INVITE");
	feed(response("INVITE", 200, "OK", "Session-Expires: 120;refresher=uac\r\n"));
	printf("  refresh answered: no event, state=%s\n", state());
	run_for(60000);
	printf("  second refresh not answered\n");
	run_for(28000);
	show_st("BYE");
	feed(response("BYE", 200, "OK", NULL));
	run_for(100);
}

static void test_uas_session_timer(void)
{
	settle();
	begin("UAS session timer: Session-Expires below our Min-SE -> 422 (RFC 4028 8.1); Require: timer "
	      "accepted, refresher=uac: UPDATE refresh restarts it, then no refresh -> BYE cause 102");
	st_config(1800, 90, SIP_ST_REFRESHER_ANY);
	feed(invite("uas-st1", "Supported: timer\r\nSession-Expires: 60\r\n"));
	show_st("SIP/2.0 422");
	feed(peer_request("ACK", "uas-st1", 1, "uas-st1", NULL));
	feed(invite("uas-st2", "Require: timer\r\nSession-Expires: 90;refresher=uac\r\nMin-SE: 90\r\n"));
	sip_dialog_answer(cur, NULL);
	drain();
	show_st("SIP/2.0 200");
	feed(peer_request("ACK", "uas-st2", 1, "ack-st2", NULL));
	run_for(45000);
	feed(peer_request("UPDATE", "uas-st2", 2, "upd-st2", "Session-Expires: 90;refresher=uac\r\nSupported: timer\r\n"));
	show_st("SIP/2.0 200");
	run_for(59900);
	printf("  state=%s\n", state());
	run_for(200);
	show_st("BYE");
	feed(response("BYE", 200, "OK", NULL));
	run_for(100);
}

static void test_uas_session_refresher(void)
{
	struct sip_sdp sdp;
	struct sip_msg_opts o = { .sdp = &sdp };

	settle();
	begin("UAS session timer: no refresher in the INVITE, we choose uas: UPDATE refresh at SE/2 (peer allows "
	      "UPDATE); a UAC without Supported: timer gets no Require: timer; our re-INVITE carries Session-Expires");
	sip_sdp_init_local(&sdp, "127.0.0.1", 4000);
	st_config(1800, 90, SIP_ST_REFRESHER_UAS);
	feed(invite("uas-st3", "Session-Expires: 100\r\nAllow: INVITE, ACK, BYE, UPDATE\r\n"));
	sip_dialog_answer(cur, &o);
	drain();
	show_st("SIP/2.0 200");
	feed(peer_request("ACK", "uas-st3", 1, "ack-st3", NULL));
	run_for(50000);
	show_st("UPDATE");
	feed(response("UPDATE", 200, "OK", "Session-Expires: 100;refresher=uac\r\n"));
	printf("  state=%s\n", state());
	sdp.dir = SIP_SDP_SENDONLY;
	printf("  hold re-INVITE (a refresh too) rc=%d\n", sip_dialog_reoffer(cur, &sdp, false));
	drain();
	show_st("INVITE");
	feed(response("INVITE", 200, "OK", "Session-Expires: 100;refresher=uac\r\n"));
	sip_dialog_release(cur, 16);
	drain();
	feed(response("BYE", 200, "OK", NULL));
	run_for(100);
	trunk->cfg.st_enabled = false;
}

static int open_peer(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
		return -1;
	peer_port = ntohs(sin.sin_port);
	return fd;
}

int main(int argc, char **argv)
{
	void *ctx = talloc_named_const(NULL, 0, "dialog_fsm_test");

	osmo_init_logging2(ctx, &sgw_log_info);
	log_set_print_category(osmo_stderr_target, 1);
	log_set_print_level(osmo_stderr_target, 1);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	log_set_category_filter(osmo_stderr_target, app_dsip, 1, getenv("DEBUG") ? LOGL_DEBUG : LOGL_INFO);
	sip_set_log_cat(app_dsip);
	osmo_fsm_set_dealloc_ctx(OTC_SELECT);
	osmo_gettimeofday_override = true;
	osmo_gettimeofday_override_time = (struct timeval){ 1000, 0 };
	t0 = osmo_gettimeofday_override_time;

	peer_fd = open_peer();
	OSMO_ASSERT(peer_fd >= 0);
	ua = sip_ua_alloc(ctx, &cbs, NULL);
	trunk = sip_trunk_alloc(ua, "t1");
	trunk->cfg.listen_port = 0;
	trunk->cfg.num_peers = 1;
	osmo_strlcpy(trunk->cfg.peers[0].addr, "127.0.0.1", sizeof(trunk->cfg.peers[0].addr));
	trunk->cfg.peers[0].port = peer_port;
	OSMO_ASSERT(sip_ua_start(ua) == 0);

	test_uac_answered();
	test_uac_busy();
	test_uac_cancel();
	test_uac_reliable();
	test_uac_timer_b();
	test_uac_forked_2xx();
	test_uas_answered();
	test_uas_cancel();
	test_uas_reject();
	test_uas_no_ack();
	test_uas_prack();
	test_uas_prack_timeout();
	test_uas_reinvite();
	test_uas_release();
	test_uas_early_bye();
	test_uas_bye_before_ack();
	test_uac_session_timer();
	test_uas_session_timer();
	test_uas_session_refresher();

	sip_ua_free(ua);
	osmo_select_main_ctx(1);
	close(peer_fd);
	talloc_free(ctx);
	printf("done\n");
	return 0;
}

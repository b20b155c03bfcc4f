/* isup-peer scenario engine (its commands: peer_cmd.c, the automatic responders: peer_auto.c).
 *
 * Scenario language (one command per line, '#' starts a comment line):
 *   dpc PC                 default destination point code
 *   cic N                  default CIC
 *   wait-route [SEC]       wait until the DPC is reachable (MTP-RESUME), default 30 s
 *   send TYPE k=v ...      build and send a message (see msgspec.h for keys)
 *   send-raw HEX [dpc=PC]  send raw MTP user data (CIC onwards)
 *   expect TYPE k=v ... [within=SEC]   wait for a matching message (default 5 s)
 *                          (cic=last in send/expect: the CIC of the last expected message)
 *   expect-none [within=SEC]           no (non-automatic, non-ignored) message may arrive (default 2 s)
 *   sleep MS
 *   auto NAME on|off [k=v ...]  automatic answers: rel rsc grs blo ubl cgb cgu upt cqm iam all
 *        auto iam on acm=MS anm=MS | con=MS | reject=CAUSE  [inband=1] [release=MS] [t1=MS [t5=MS]]
 *        (t1/t5: the REL it sends repeated on T1 until the RLC, RSC on T5: peer_rel_t1.c)
 *   ignore TYPE|* [cic=N|last]  messages that may arrive, any number of times, in any order
 *   ignore none            drop every ignore rule
 *   flush                  forget received messages not yet expected (fails on unexpected ones)
 *   echo TEXT
 *   end                    the scenario ends here (with -i: stdin is no longer read)
 *   stop-on-fail on|off    (default on)
 *   load ... / load-release ...   load generation (load.h)
 *   loopback bearer IP PORT STEP FIRST LAST / loopback on|off [cic=N]   continuity check loop
 *                          on the CICs' RTP bearers: what arrives is sent back (loopback.c)
 *
 * Strict rules: every received message must be consumed by an expect, by an automatic answer
 * or by an ignore rule.
 *   - A message still unconsumed at the end of the scenario, or discarded by flush, fails the
 *     scenario ("STEP n FAIL ... unexpected TYPE cic=N").
 *   - expect fails when a message for the same circuit (OPC, CIC) arrived before the one it
 *     matched (wrong order), unless that earlier message is ignorable.
 *   - Messages an 'auto' responder handled are consumed by it: REL/RSC (auto rel/rsc), GRS,
 *     BLO, UBL, CGB, CGU, UPT, CQM, IAM (auto iam) and the RLC answering a REL that the
 *     automatic IAM answering sent. They never count as unexpected, nor for the order check.
 *   - Messages arriving after the scenario ended (-k) are reported, not checked.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "isup/peer/peer.h"
#include "isup/peer/peer_int.h"
#include "isup/vty_arg.h"

static size_t isup_cic_len(enum isup_variant v)
{
	return 2;	/* ITU and ANSI both carry the CIC in two octets */
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double rel_t(struct peer *peer)
{
	return now_s() - peer->t0;
}

/* "[   1.234]" from the start, or "[12345.678901]" monotonic with -A, for time t (rel_t) */
static const char *tstamp_at(struct peer *peer, double t)
{
	static char buf[32];
	snprintf(buf, sizeof(buf), peer->abs_time ? "[%.6f]" : "[%8.3f]", t);
	return buf;
}

const char *tstamp(struct peer *peer)
{
	return tstamp_at(peer, rel_t(peer));
}

static void print_msg(struct peer *peer, double t, const char *dir, uint32_t pc, const struct isup_msg *msg,
		      const uint8_t *raw, size_t raw_len)
{
	char sum[512], body[4096];
	uint8_t enc[ISUP_MAX_MSG_LEN];
	isup_msg_summary(sum, sizeof(sum), msg);
	isup_msg_print(body, sizeof(body), msg);
	fprintf(peer->out, "%s %s %s %s %s\n", tstamp_at(peer, t), dir, dir[0] == '>' ? "to" : "from",
		isup_mtp_pc_str(peer->mtp, pc), sum);
	for (char *line = strtok(body, "\n"); line; line = strtok(NULL, "\n"))
		fprintf(peer->out, "             %s\n", line);
	if (!raw) {
		int n = isup_encode(msg, enc, sizeof(enc));
		raw = enc;
		raw_len = n > 0 ? n : 0;
	}
	/* the octets after the CIC, as on the wire (transparency checks compare these) */
	fprintf(peer->out, "             raw:");
	for (size_t i = isup_cic_len(peer->variant); i < raw_len; i++)
		fprintf(peer->out, "%02x", raw[i]);
	fprintf(peer->out, "\n");
	fflush(peer->out);
}

int peer_send(struct peer *peer, uint32_t dpc, const struct isup_msg *msg)
{
	/* stamped before it leaves: whatever it causes comes after this time (tests compare
	 * RTP arrival times with it) */
	double t = rel_t(peer);
	int rc = isup_mtp_send(peer->mtp, dpc, msg);
	print_msg(peer, t, ">>", dpc, msg, NULL, 0);
	if (rc < 0)
		fprintf(peer->out, "             (send failed: %d)\n", rc);
	peer->tx_count++;
	return rc;
}

/* ---- scenario execution --------------------------------------------------------------- */

static void run(struct peer *peer);
static void after_step(struct peer *peer, bool ok);

void step_result(struct peer *peer, bool ok, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	peer->steps++;
	if (!ok)
		peer->failed++;
	fprintf(peer->out, "%s STEP %u %s line %u: %s%s%s\n", tstamp(peer), peer->steps, ok ? "PASS" : "FAIL",
		peer->wait_lineno, peer->wait_line, detail[0] ? " -- " : "", detail);
	fflush(peer->out);
}

static void finish(struct peer *peer)
{
	if (peer->done)
		return;
	check_unexpected(peer, "end of scenario");
	peer->done = true;
	fprintf(peer->out, "SCENARIO %s: %s (%u steps, %u failed)\n", peer->scenario_name ? peer->scenario_name : "-",
		peer->failed ? "FAIL" : "PASS", peer->steps, peer->failed);
	fflush(peer->out);
	if (peer->on_done)
		peer->on_done(peer);
}

static void wait_end(struct peer *peer)
{
	peer->wait = WAIT_NONE;
	osmo_timer_del(&peer->wait_timer);
	osmo_timer_del(&peer->route_timer);
}

static void after_step(struct peer *peer, bool ok)
{
	wait_end(peer);
	if (!ok && peer->stop_on_fail) {
		peer->pc = peer->num_lines;	/* abort */
		if (!peer->interactive)
			finish(peer);
		return;
	}
	run(peer);
}

/* ---- strict rules: ignore rules, order, unexpected messages ----------------------------- */

static bool ignore_match(const struct peer *peer, const struct isup_msg *msg)
{
	const struct peer_ignore *ig;
	llist_for_each_entry(ig, &peer->ignores, list) {
		if ((ig->type < 0 || ig->type == msg->type) && (ig->cic < 0 || ig->cic == msg->cic))
			return true;
	}
	return false;
}

/* An unconsumed message the scenario did not declare ignorable (by now or when it arrived) */
static bool rxq_unexpected(const struct peer *peer, const struct peer_rxq_entry *e)
{
	return !e->ignorable && !ignore_match(peer, &e->msg);
}

static void rxq_del(struct peer *peer, struct peer_rxq_entry *e)
{
	llist_del(&e->list);
	peer->rxq_len--;
	talloc_free(e);
}

/* " REL/cic=1@1.234 ..." for the unexpected messages in the queue; returns their number */
unsigned int rxq_unexpected_str(const struct peer *peer, char *buf, size_t len)
{
	const struct peer_rxq_entry *e;
	unsigned int n = 0;
	size_t o = 0;
	buf[0] = 0;
	llist_for_each_entry(e, &peer->rxq, list) {
		if (!rxq_unexpected(peer, e))
			continue;
		n++;
		if (o < len - 48)
			o += snprintf(buf + o, len - o, " %s/cic=%u@%.3f", isup_msg_name(e->msg.type), e->msg.cic, e->t);
	}
	return n;
}

/* The first unexpected message for the circuit of e that arrived before it (order check) */
static const struct peer_rxq_entry *rxq_earlier_same_circuit(const struct peer *peer,
							     const struct peer_rxq_entry *e)
{
	const struct peer_rxq_entry *f;
	llist_for_each_entry(f, &peer->rxq, list) {
		if (f == e)
			break;
		if (f->opc == e->opc && f->msg.cic == e->msg.cic && rxq_unexpected(peer, f))
			return f;
	}
	return NULL;
}

/* The queue's first candidate for the pending expect: same type (or any), same CIC when given */
static struct peer_rxq_entry *expect_candidate(struct peer *peer)
{
	struct peer_rxq_entry *e;
	llist_for_each_entry(e, &peer->rxq, list) {
		if (peer->expect.type >= 0 && e->msg.type != peer->expect.type)
			continue;
		if (peer->expect.cic >= 0 && e->msg.cic != peer->expect.cic)
			continue;
		return e;
	}
	return NULL;
}

/* Try to satisfy the pending expect from the queue; true if the step completed. */
bool try_expect(struct peer *peer)
{
	struct peer_rxq_entry *e = expect_candidate(peer);
	const struct peer_rxq_entry *before;
	char err[256];
	int m;

	if (!e)
		return false;
	m = msgspec_match(&e->msg, &peer->expect, err, sizeof(err));
	before = m == 1 ? rxq_earlier_same_circuit(peer, e) : NULL;
	if (before) {
		/* strict order: an earlier message for the same circuit no expect consumed */
		m = 0;
		snprintf(err, sizeof(err), "wrong order: %s cic=%u arrived at %.3f s, before this %s (at %.3f s)",
			 isup_msg_name(before->msg.type), before->msg.cic, before->t, isup_msg_name(e->msg.type), e->t);
	}
	if (m == 1) {
		peer->last_cic = e->msg.cic;
		step_result(peer, true, "after %.3f s", now_s() - peer->wait_start);
	} else {
		step_result(peer, false, "%s", err);
	}
	rxq_del(peer, e);
	after_step(peer, m == 1);
	return true;
}

/* End of the scenario or a flush: every unconsumed message not declared ignorable fails */
bool check_unexpected(struct peer *peer, const char *when)
{
	struct peer_rxq_entry *e;
	bool ok = true;
	llist_for_each_entry(e, &peer->rxq, list) {
		if (!rxq_unexpected(peer, e))
			continue;
		ok = false;
		peer->steps++;
		peer->failed++;
		fprintf(peer->out, "%s STEP %u FAIL %s: unexpected %s cic=%u from %s at %.3f s -- no expect consumed it\n",
			tstamp(peer), peer->steps, when, isup_msg_name(e->msg.type), e->msg.cic,
			isup_mtp_pc_str(peer->mtp, e->opc), e->t);
	}
	fflush(peer->out);
	return ok;
}

void rxq_clear(struct peer *peer)
{
	struct peer_rxq_entry *e, *e2;
	llist_for_each_entry_safe(e, e2, &peer->rxq, list)
		rxq_del(peer, e);
}

static void wait_timer_cb(void *data)
{
	struct peer *peer = data;
	char q[512] = "";
	size_t o = 0;
	struct peer_rxq_entry *e;

	switch (peer->wait) {
	case WAIT_EXPECT:
		llist_for_each_entry(e, &peer->rxq, list)
			if (o < sizeof(q) - 32)
				o += snprintf(q + o, sizeof(q) - o, " %s/cic=%u", isup_msg_name(e->msg.type), e->msg.cic);
		step_result(peer, false, "timeout after %.1f s; unconsumed:%s", now_s() - peer->wait_start,
			    o ? q : " none");
		after_step(peer, false);
		break;
	case WAIT_NONE_ARRIVES:
		step_result(peer, true, "nothing arrived");
		after_step(peer, true);
		break;
	case WAIT_SLEEP:
		wait_end(peer);
		run(peer);
		break;
	case WAIT_ROUTE:
		step_result(peer, false, "DPC %s not reachable", isup_mtp_pc_str(peer->mtp, peer->dpc));
		after_step(peer, false);
		break;
	default:
		break;
	}
}

static void route_timer_cb(void *data)
{
	struct peer *peer = data;
	if (peer->wait != WAIT_ROUTE)
		return;
	isup_mtp_routes_poll(peer->mtp);
	if (isup_mtp_route_available(peer->mtp, peer->dpc)) {
		step_result(peer, true, "reachable after %.1f s", now_s() - peer->wait_start);
		after_step(peer, true);
		return;
	}
	osmo_timer_schedule(&peer->route_timer, 0, 100 * 1000);
}

void start_wait(struct peer *peer, int kind, double secs)
{
	peer->wait = kind;
	peer->wait_start = now_s();
	osmo_timer_schedule(&peer->wait_timer, (long)secs, (long)((secs - (long)secs) * 1e6));
}

/* Stopped (signal) before the scenario ended: what arrived unconsumed so far fails it too */
void peer_stopped(struct peer *peer)
{
	if (peer->done)
		return;
	check_unexpected(peer, "stopped");
}

void peer_step_done(struct peer *peer, bool ok, const char *detail)
{
	if (peer->load_sync == -1) {	/* still inside the command: peer_exec_line reports */
		peer->load_sync = ok;
		return;
	}
	if (peer->wait != WAIT_LOAD)
		return;
	step_result(peer, ok, "%s", detail);
	after_step(peer, ok);
}

static bool is_blank(const char *l)
{
	while (isspace((unsigned char)*l))
		l++;
	return !*l || *l == '#';
}

static void run(struct peer *peer)
{
	while (peer->wait == WAIT_NONE && peer->pc < peer->num_lines) {
		const char *line = peer->lines[peer->pc];
		peer->wait_lineno = ++peer->pc;
		if (is_blank(line))
			continue;
		while (isspace((unsigned char)*line))
			line++;
		int rc = peer_exec_line(peer, line);
		if (rc == 2)
			return;		/* the completed expect has already continued the run */
		if (rc < 0 && peer->stop_on_fail) {
			peer->pc = peer->num_lines;
			break;
		}
	}
	if (peer->wait == WAIT_NONE && peer->pc >= peer->num_lines && !peer->interactive)
		finish(peer);
}

void peer_mtp_rx(struct isup_mtp *mtp, const struct isup_mtp_rx *rx, void *priv)
{
	struct peer *peer = priv;
	struct peer_rxq_entry *e;

	peer->rx_count++;
	if (rx->decode_rc != ISUP_OK && rx->decode_rc != ISUP_ERR_UNKNOWN_MSG) {
		fprintf(peer->out, "%s << from %s undecodable (%zu octets): %s\n", tstamp(peer),
			isup_mtp_pc_str(mtp, rx->opc), rx->raw_len, isup_strerror(rx->decode_rc));
		return;
	}
	if (peer_load_rx(peer, rx->opc, rx->msg))
		return;
	print_msg(peer, rel_t(peer), "<<", rx->opc, rx->msg, rx->raw, rx->raw_len);
	if (peer_auto_handle(peer, rx->opc, rx->msg))
		return;
	if (peer->done)
		return;		/* after the scenario (-k): nothing consumes it, not queued */
	e = talloc_zero(peer, struct peer_rxq_entry);
	e->opc = rx->opc;
	e->t = rel_t(peer);
	e->ignorable = ignore_match(peer, rx->msg);
	e->msg = *rx->msg;
	llist_add_tail(&e->list, &peer->rxq);
	peer->rxq_len++;
	if (peer->wait == WAIT_EXPECT) {
		try_expect(peer);
	} else if (peer->wait == WAIT_NONE_ARRIVES && !e->ignorable) {
		step_result(peer, false, "%s cic=%u arrived", isup_msg_name(rx->msg->type), rx->msg->cic);
		after_step(peer, false);
	}
}

void peer_route_ind(struct isup_mtp *mtp, struct isup_route *rt, enum isup_mtp_ind ind, void *priv)
{
	struct peer *peer = priv;
	fprintf(peer->out, "%s MTP-%s %s\n", tstamp(peer), ind == ISUP_MTP_RESUME ? "RESUME" : "PAUSE",
		isup_mtp_pc_str(mtp, rt->dpc));
	fflush(peer->out);
}

struct peer *peer_alloc(void *ctx, struct isup_mtp *mtp, enum isup_variant variant, FILE *out)
{
	struct peer *peer = talloc_zero(ctx, struct peer);
	peer->ctx = ctx;
	peer->mtp = mtp;
	peer->variant = variant;
	peer->out = out;
	peer->t0 = now_s();
	peer->cic = 1;
	peer->stop_on_fail = true;
	peer->iam = (struct peer_iam_cfg){ .acm_ms = 0, .anm_ms = -1, .con_ms = -1, .release_ms = -1 };
	INIT_LLIST_HEAD(&peer->rxq);
	INIT_LLIST_HEAD(&peer->ignores);
	INIT_LLIST_HEAD(&peer->pending);
	osmo_timer_setup(&peer->wait_timer, wait_timer_cb, peer);
	osmo_timer_setup(&peer->route_timer, route_timer_cb, peer);
	return peer;
}

int peer_load_scenario(struct peer *peer, const char *file)
{
	FILE *f = fopen(file, "r");
	char line[1024];
	if (!f) {
		fprintf(stderr, "isup-peer: cannot open scenario '%s': %s\n", file, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		peer->lines = talloc_realloc(peer, peer->lines, char *, peer->num_lines + 1);
		peer->lines[peer->num_lines++] = talloc_strdup(peer, line);
	}
	fclose(f);
	peer->scenario_name = talloc_strdup(peer, file);
	return 0;
}

void peer_start(struct peer *peer)
{
	peer->t0 = peer->abs_time ? 0 : now_s();
	run(peer);
}

static int stdin_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct peer *peer = ofd->data;
	ssize_t n = read(ofd->fd, peer->inbuf + peer->inlen, sizeof(peer->inbuf) - 1 - peer->inlen);
	char *nl;
	if (n <= 0) {
		osmo_fd_unregister(ofd);
		peer->interactive = false;
		if (peer->wait == WAIT_NONE)
			finish(peer);
		return 0;
	}
	peer->inlen += n;
	peer->inbuf[peer->inlen] = 0;
	while ((nl = strchr(peer->inbuf, '\n'))) {
		*nl = 0;
		peer->lines = talloc_realloc(peer, peer->lines, char *, peer->num_lines + 1);
		peer->lines[peer->num_lines++] = talloc_strdup(peer, peer->inbuf);
		memmove(peer->inbuf, nl + 1, peer->inlen - (nl + 1 - peer->inbuf) + 1);
		peer->inlen -= nl + 1 - peer->inbuf;
	}
	if (peer->inlen >= sizeof(peer->inbuf) - 1)
		peer->inlen = 0;	/* overlong line: drop it */
	if (peer->wait == WAIT_NONE)
		run(peer);
	return 0;
}

void peer_enable_stdin(struct peer *peer)
{
	peer->interactive = true;
	osmo_fd_setup(&peer->stdin_fd, STDIN_FILENO, OSMO_FD_READ, stdin_cb, peer, 0);
	osmo_fd_register(&peer->stdin_fd);
}

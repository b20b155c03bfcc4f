/* isup-peer scenario engine and automatic responders.
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
 *        auto iam on acm=MS anm=MS | con=MS | reject=CAUSE  [inband=1] [release=MS]
 *   ignore TYPE|* [cic=N|last]  messages that may arrive, any number of times, in any order
 *   ignore none            drop every ignore rule
 *   flush                  forget received messages not yet expected (fails on unexpected ones)
 *   echo TEXT
 *   end                    the scenario ends here (with -i: stdin is no longer read)
 *   stop-on-fail on|off    (default on)
 *   load ... / load-release ...   load generation (load.h)
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
#include "isup/vty_arg.h"

/* longest wait of a scenario step (within=, wait-route, sleep, auto iam delays), seconds */
#define PEER_MAX_WAIT_S 86400

static size_t isup_cic_len(enum isup_variant v)
{
	return 2;	/* ITU and ANSI both carry the CIC in two octets */
}

/* ---- automatic RLC tracking: the REL the automatic IAM answering sent ------------------- */

static void auto_rlc_set(struct peer *peer, uint16_t cic, bool on)
{
	if (cic >= PEER_MAX_CIC)
		return;
	if (on)
		peer->auto_rlc[cic / 8] |= 1u << (cic % 8);
	else
		peer->auto_rlc[cic / 8] &= ~(1u << (cic % 8));
}

static bool auto_rlc_get(const struct peer *peer, uint16_t cic)
{
	return cic < PEER_MAX_CIC && (peer->auto_rlc[cic / 8] & (1u << (cic % 8)));
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

static const char *tstamp(struct peer *peer)
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

static int peer_send(struct peer *peer, uint32_t dpc, const struct isup_msg *msg)
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

/* ---- delayed sends (auto IAM answering) ----------------------------------------------- */

/* A delayed message is due. libosmocore runs the timers that are due at one wake-up in reverse
 * order of expiry (a late loop runs an ANM due 1 ms after its ACM first), so the messages for the
 * same circuit that were scheduled before this one and are due no later go out first, in the
 * order they were scheduled: the far end sees ACM before ANM whatever the loop's lateness. */
static void pending_cb(void *data)
{
	struct peer_pending_tx *p = data, *q, *q2;
	struct peer *peer = p->peer;

	llist_for_each_entry_safe(q, q2, &peer->pending, list) {
		if (q == p)
			break;
		if (q->dpc != p->dpc || q->msg.cic != p->msg.cic || timercmp(&q->timer.timeout, &p->timer.timeout, >))
			continue;
		osmo_timer_del(&q->timer);
		if (q->msg.type == ISUP_REL)
			auto_rlc_set(peer, q->msg.cic, true);
		peer_send(peer, q->dpc, &q->msg);
		llist_del(&q->list);
		talloc_free(q);
	}
	/* Q.764 2.3.1: the far end answers our REL with RLC, consumed here */
	if (p->msg.type == ISUP_REL)
		auto_rlc_set(peer, p->msg.cic, true);
	peer_send(peer, p->dpc, &p->msg);
	llist_del(&p->list);
	talloc_free(p);
}

static void send_later(struct peer *peer, uint32_t dpc, const struct isup_msg *msg, int ms)
{
	struct peer_pending_tx *p = talloc_zero(peer, struct peer_pending_tx);
	p->peer = peer;
	p->dpc = dpc;
	p->msg = *msg;
	llist_add_tail(&p->list, &peer->pending);
	osmo_timer_setup(&p->timer, pending_cb, p);
	osmo_timer_schedule(&p->timer, ms / 1000, (ms % 1000) * 1000);
}

/* Drop queued automatic messages for a CIC (a REL/RSC for it ends the call) */
static void pending_cancel_cic(struct peer *peer, uint32_t dpc, uint16_t cic)
{
	struct peer_pending_tx *p, *p2;
	llist_for_each_entry_safe(p, p2, &peer->pending, list) {
		if (p->dpc == dpc && p->msg.cic == cic) {
			osmo_timer_del(&p->timer);
			llist_del(&p->list);
			talloc_free(p);
		}
	}
}

/* ---- automatic responders ------------------------------------------------------------- */

static void reply_simple(struct peer *peer, uint32_t dpc, uint8_t type, uint16_t cic)
{
	struct isup_msg m;
	isup_msg_init(&m, peer->variant, type, cic);
	peer_send(peer, dpc, &m);
}

/* GRA / CGBA / CGUA / CQR: echo the range, status per the procedure */
static void reply_range(struct peer *peer, uint32_t dpc, const struct isup_msg *in, uint8_t type, bool copy_status)
{
	struct isup_msg m;
	const struct isup_param *p = isup_msg_find_const(in, ISUP_PRM_RANGE_STATUS);
	struct isup_range_status rs = { 0 };
	uint8_t raw[40];
	int len;

	isup_msg_init(&m, peer->variant, type, in->cic);
	if (p)
		isup_range_status_decode(&rs, p->val, p->len);
	if (!copy_status)
		memset(rs.status, 0, sizeof(rs.status));
	rs.status_present = (type != ISUP_CQR);
	len = isup_range_status_encode(&rs, raw, sizeof(raw));
	if (len > 0)
		isup_msg_set(&m, ISUP_PRM_RANGE_STATUS, raw, len);
	if (type == ISUP_CGBA || type == ISUP_CGUA) {
		const struct isup_param *t = isup_msg_find_const(in, ISUP_PRM_CGSMT);
		uint8_t v = t && t->len ? t->val[0] : 0;
		isup_msg_set(&m, ISUP_PRM_CGSMT, &v, 1);
	}
	if (type == ISUP_CQR) {
		/* circuit state indicator: one octet per circuit, 0x0c = idle, no blocking (Q.763 3.14) */
		uint8_t csi[32];
		unsigned int n = rs.range + 1u;
		memset(csi, 0x0c, sizeof(csi));
		isup_msg_set(&m, ISUP_PRM_CIRCUIT_STATE_IND, csi, n > 32 ? 32 : n);
	}
	peer_send(peer, dpc, &m);
}

static void auto_iam(struct peer *peer, uint32_t dpc, const struct isup_msg *iam)
{
	struct peer_iam_cfg *c = &peer->iam;
	struct isup_msg m;
	char err[128];
	struct msgspec sp;
	int t_answer = 0;

	if (c->reject_cause > 0) {
		char txt[64];
		snprintf(txt, sizeof(txt), "REL cause=%d", c->reject_cause);
		msgspec_parse(&sp, txt, err, sizeof(err));
		msgspec_build(&m, peer->variant, &sp, iam->cic, err, sizeof(err));
		send_later(peer, dpc, &m, c->acm_ms > 0 ? c->acm_ms : 0);
		return;
	}
	if (c->con_ms >= 0) {
		msgspec_parse(&sp, "CON", err, sizeof(err));
		msgspec_build(&m, peer->variant, &sp, iam->cic, err, sizeof(err));
		send_later(peer, dpc, &m, c->con_ms);
		t_answer = c->con_ms;
	} else {
		if (c->acm_ms >= 0) {
			msgspec_parse(&sp, c->inband ? "ACM obci.inband=1" : "ACM", err, sizeof(err));
			msgspec_build(&m, peer->variant, &sp, iam->cic, err, sizeof(err));
			send_later(peer, dpc, &m, c->acm_ms);
		}
		if (c->anm_ms >= 0) {
			/* never before the ACM, even with equal delays (timers of equal expiry run in any order) */
			int anm_ms = c->acm_ms >= 0 && c->anm_ms <= c->acm_ms ? c->acm_ms + 1 : c->anm_ms;
			isup_msg_init(&m, peer->variant, ISUP_ANM, iam->cic);
			send_later(peer, dpc, &m, anm_ms);
			t_answer = anm_ms;
		} else {
			return;
		}
	}
	if (c->release_ms >= 0) {
		msgspec_parse(&sp, "REL cause=16", err, sizeof(err));
		msgspec_build(&m, peer->variant, &sp, iam->cic, err, sizeof(err));
		send_later(peer, dpc, &m, t_answer + c->release_ms);
	}
}

/* Returns true when the message was handled automatically (not queued for expect). */
static bool auto_handle(struct peer *peer, uint32_t opc, const struct isup_msg *msg)
{
	switch (msg->type) {
	case ISUP_REL:
		if (!peer->autoresp[PEER_AUTO_REL])
			return false;
		pending_cancel_cic(peer, opc, msg->cic);
		reply_simple(peer, opc, ISUP_RLC, msg->cic);
		return true;
	case ISUP_RSC:
		if (!peer->autoresp[PEER_AUTO_RSC])
			return false;
		pending_cancel_cic(peer, opc, msg->cic);
		reply_simple(peer, opc, ISUP_RLC, msg->cic);
		return true;
	case ISUP_GRS:
		if (!peer->autoresp[PEER_AUTO_GRS])
			return false;
		reply_range(peer, opc, msg, ISUP_GRA, false);
		return true;
	case ISUP_BLO:
		if (!peer->autoresp[PEER_AUTO_BLO])
			return false;
		reply_simple(peer, opc, ISUP_BLA, msg->cic);
		return true;
	case ISUP_UBL:
		if (!peer->autoresp[PEER_AUTO_UBL])
			return false;
		reply_simple(peer, opc, ISUP_UBA, msg->cic);
		return true;
	case ISUP_CGB:
		if (!peer->autoresp[PEER_AUTO_CGB])
			return false;
		reply_range(peer, opc, msg, ISUP_CGBA, true);
		return true;
	case ISUP_CGU:
		if (!peer->autoresp[PEER_AUTO_CGU])
			return false;
		reply_range(peer, opc, msg, ISUP_CGUA, true);
		return true;
	case ISUP_UPT:
		if (!peer->autoresp[PEER_AUTO_UPT])
			return false;
		reply_simple(peer, opc, ISUP_UPA, msg->cic);
		return true;
	case ISUP_CQM:
		if (!peer->autoresp[PEER_AUTO_CQM])
			return false;
		reply_range(peer, opc, msg, ISUP_CQR, false);
		return true;
	case ISUP_IAM:
		if (!peer->autoresp[PEER_AUTO_IAM])
			return false;
		auto_rlc_set(peer, msg->cic, false);	/* a new call on the circuit */
		auto_iam(peer, opc, msg);
		return true;
	case ISUP_RLC:
		/* RLC for a REL the automatic IAM answering sent */
		if (!auto_rlc_get(peer, msg->cic))
			return false;
		auto_rlc_set(peer, msg->cic, false);
		return true;
	default:
		return false;
	}
}

/* ---- scenario execution --------------------------------------------------------------- */

static void run(struct peer *peer);
static void after_step(struct peer *peer, bool ok);
static bool check_unexpected(struct peer *peer, const char *when);

static void step_result(struct peer *peer, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void step_result(struct peer *peer, bool ok, const char *fmt, ...)
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
static unsigned int rxq_unexpected_str(const struct peer *peer, char *buf, size_t len)
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
static bool try_expect(struct peer *peer)
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
static bool check_unexpected(struct peer *peer, const char *when)
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

static void rxq_clear(struct peer *peer)
{
	struct peer_rxq_entry *e, *e2;
	llist_for_each_entry_safe(e, e2, &peer->rxq, list)
		rxq_del(peer, e);
}

/* ignore TYPE|* [cic=N|last] / ignore none */
static bool cmd_ignore(struct peer *peer, const char *args, char *err, size_t err_len)
{
	struct peer_ignore *ig;
	struct msgspec sp;

	if (!strcmp(args, "none")) {
		while (!llist_empty(&peer->ignores)) {
			ig = llist_first_entry(&peer->ignores, struct peer_ignore, list);
			llist_del(&ig->list);
			talloc_free(ig);
		}
		return true;
	}
	if (msgspec_parse(&sp, args, err, err_len) < 0)
		return false;
	if (sp.num_kv || sp.dpc[0] || (sp.type < 0 && strncmp(args, "*", 1))) {
		snprintf(err, err_len, "usage: ignore TYPE|* [cic=N|last] | ignore none");
		return false;
	}
	ig = talloc_zero(peer, struct peer_ignore);
	ig->type = sp.type;
	ig->cic = sp.cic == MSGSPEC_CIC_LAST ? peer->last_cic : sp.cic;
	llist_add_tail(&ig->list, &peer->ignores);
	return true;
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

static void start_wait(struct peer *peer, int kind, double secs)
{
	peer->wait = kind;
	peer->wait_start = now_s();
	osmo_timer_schedule(&peer->wait_timer, (long)secs, (long)((secs - (long)secs) * 1e6));
}

/* within=SECONDS of an expect: DFLT when absent, -1 when not a number in 0-PEER_MAX_WAIT_S */
static double take_within(struct msgspec *sp, double dflt)
{
	const char *v = msgspec_take(sp, "within");
	double secs;
	if (!v)
		return dflt;
	return arg_double(v, 0, PEER_MAX_WAIT_S, &secs) == 0 ? secs : -1;
}

static int resolve_dpc(struct peer *peer, const struct msgspec *sp, uint32_t *dpc)
{
	if (sp->dpc[0]) {
		int pc = isup_mtp_pc_parse(peer->mtp, sp->dpc);
		if (pc < 0)
			return -1;
		*dpc = pc;
		return 0;
	}
	if (!peer->dpc_set)
		return -1;
	*dpc = peer->dpc;
	return 0;
}

static bool cmd_auto(struct peer *peer, char *args, char *err, size_t err_len)
{
	static const char *names[_PEER_AUTO_NUM] = { "rel", "rsc", "grs", "blo", "ubl", "cgb", "cgu", "upt", "cqm", "iam" };
	char *save = NULL, *name = strtok_r(args, " \t", &save), *onoff = strtok_r(NULL, " \t", &save), *kv;
	bool on;
	int idx = -1;

	if (!name || !onoff || (strcmp(onoff, "on") && strcmp(onoff, "off"))) {
		snprintf(err, err_len, "usage: auto NAME on|off [k=v...]");
		return false;
	}
	on = !strcmp(onoff, "on");
	if (!strcmp(name, "all")) {
		for (int i = 0; i < _PEER_AUTO_NUM; i++)
			if (i != PEER_AUTO_IAM)
				peer->autoresp[i] = on;
		return true;
	}
	for (int i = 0; i < _PEER_AUTO_NUM; i++)
		if (!strcmp(names[i], name))
			idx = i;
	if (idx < 0) {
		snprintf(err, err_len, "unknown auto responder '%s'", name);
		return false;
	}
	peer->autoresp[idx] = on;
	if (idx == PEER_AUTO_IAM && on) {
		struct peer_iam_cfg c = { .acm_ms = 0, .anm_ms = -1, .con_ms = -1, .reject_cause = 0, .release_ms = -1 };
		while ((kv = strtok_r(NULL, " \t", &save))) {
			char *eq = strchr(kv, '=');
			unsigned long uv;
			int v;
			if (!eq) {
				snprintf(err, err_len, "expected k=v, got '%s'", kv);
				return false;
			}
			*eq = 0;
			/* ms up to PEER_MAX_WAIT_S, a Q.850 cause 1-127, inband 0/1 */
			if (arg_ulong(eq + 1, 0, !strcmp(kv, "reject") ? 127 : !strcmp(kv, "inband") ? 1
				      : PEER_MAX_WAIT_S * 1000UL, &uv) < 0) {
				snprintf(err, err_len, "auto iam %s=%s: not a number in range", kv, eq + 1);
				return false;
			}
			v = uv;
			if (!strcmp(kv, "acm")) c.acm_ms = v;
			else if (!strcmp(kv, "anm")) c.anm_ms = v;
			else if (!strcmp(kv, "con")) c.con_ms = v;
			else if (!strcmp(kv, "reject")) c.reject_cause = v;
			else if (!strcmp(kv, "inband")) c.inband = v;
			else if (!strcmp(kv, "release")) c.release_ms = v;
			else {
				snprintf(err, err_len, "unknown auto iam option '%s'", kv);
				return false;
			}
		}
		peer->iam = c;
	}
	return true;
}

/* The scenario commands. Each returns 1 if it blocks (async completion), 2 if it completed
 * synchronously and run() already continued, 0 done, -1 failed. */
static int cmd_dpc(struct peer *peer, char *rest)
{
	int pc = isup_mtp_pc_parse(peer->mtp, rest);
	if (pc < 0) {
		step_result(peer, false, "bad point code");
		return -1;
	}
	peer->dpc = pc;
	peer->dpc_set = true;
	isup_mtp_route_add(peer->mtp, pc);
	return 0;
}

static int cmd_cic(struct peer *peer, char *rest)
{
	unsigned long cic;
	if (arg_ulong(rest, 0, peer->variant == ISUP_VARIANT_ANSI ? 16383 : 4095, &cic) < 0) {
		step_result(peer, false, "cic '%s': not a CIC of this variant", rest);
		return -1;
	}
	peer->cic = cic;
	return 0;
}

static int cmd_echo(struct peer *peer, char *rest)
{
	fprintf(peer->out, "%s %s\n", tstamp(peer), rest);
	return 0;
}

static int cmd_stop_on_fail(struct peer *peer, char *rest)
{
	peer->stop_on_fail = strcmp(rest, "off") != 0;
	return 0;
}

static int cmd_flush(struct peer *peer, char *rest)
{
	bool ok = check_unexpected(peer, "flush");
	rxq_clear(peer);
	return ok ? 0 : -1;
}

static int cmd_end(struct peer *peer, char *rest)
{
	/* the scenario ends here, also with -i (stdin no longer read): run() finishes it */
	if (peer->interactive) {
		osmo_fd_unregister(&peer->stdin_fd);
		peer->interactive = false;
	}
	peer->pc = peer->num_lines;
	return 0;
}

static int cmd_ignore_line(struct peer *peer, char *rest)
{
	char err[256] = "";
	if (!cmd_ignore(peer, rest, err, sizeof(err))) {
		step_result(peer, false, "%s", err);
		return -1;
	}
	return 0;
}

static int cmd_auto_line(struct peer *peer, char *rest)
{
	char err[256] = "";
	if (!cmd_auto(peer, rest, err, sizeof(err))) {
		step_result(peer, false, "%s", err);
		return -1;
	}
	return 0;
}

static int cmd_sleep(struct peer *peer, char *rest)
{
	unsigned long ms;
	if (arg_ulong(rest, 0, PEER_MAX_WAIT_S * 1000UL, &ms) < 0) {
		step_result(peer, false, "sleep '%s': not a number of ms in 0-%lu", rest, PEER_MAX_WAIT_S * 1000UL);
		return -1;
	}
	peer->wait = WAIT_SLEEP;
	osmo_timer_schedule(&peer->wait_timer, ms / 1000, (ms % 1000) * 1000);
	return 1;
}

static int cmd_wait_route(struct peer *peer, char *rest)
{
	double secs = 30;
	if (rest[0] && arg_double(rest, 0, PEER_MAX_WAIT_S, &secs) < 0) {
		step_result(peer, false, "wait-route '%s': not a number of seconds in 0-%d", rest, PEER_MAX_WAIT_S);
		return -1;
	}
	if (!peer->dpc_set) {
		step_result(peer, false, "no dpc set");
		return -1;
	}
	start_wait(peer, WAIT_ROUTE, secs);
	osmo_timer_schedule(&peer->route_timer, 0, 1000);
	return 1;
}

static int cmd_send(struct peer *peer, char *rest)
{
	char err[256] = "";
	struct msgspec sp;
	struct isup_msg msg;
	uint32_t dpc;
	if (msgspec_parse(&sp, rest, err, sizeof(err)) == 0 && sp.cic == MSGSPEC_CIC_LAST)
		sp.cic = peer->last_cic;
	if (err[0] || resolve_dpc(peer, &sp, &dpc) < 0 ||
	    msgspec_build(&msg, peer->variant, &sp, sp.cic >= 0 ? sp.cic : peer->cic, err, sizeof(err)) < 0) {
		step_result(peer, false, "%s", err[0] ? err : "no/invalid dpc");
		return -1;
	}
	auto_rlc_set(peer, msg.cic, false);	/* the scenario drives this circuit now */
	if (peer_send(peer, dpc, &msg) < 0) {
		step_result(peer, false, "send failed");
		return -1;
	}
	return 0;
}

static int cmd_send_raw(struct peer *peer, char *rest)
{
	uint8_t raw[ISUP_MAX_MSG_LEN];
	char hex[1024] = "", *d;
	struct msgspec sp;
	uint32_t dpc;
	int len;
	snprintf(hex, sizeof(hex), "%s", rest);
	memset(&sp, 0, sizeof(sp));
	if ((d = strstr(hex, "dpc="))) {
		snprintf(sp.dpc, sizeof(sp.dpc), "%s", d + 4);
		*d = 0;
	}
	len = msgspec_hex_parse(hex, raw, sizeof(raw));
	if (len < 3 || resolve_dpc(peer, &sp, &dpc) < 0) {
		step_result(peer, false, "bad hex or dpc");
		return -1;
	}
	fprintf(peer->out, "%s >> to %s raw %d octets: %s\n", tstamp(peer), isup_mtp_pc_str(peer->mtp, dpc),
		len, hex);
	isup_mtp_send_raw(peer->mtp, dpc, raw[0] & 0x0f, raw, len);
	peer->tx_count++;
	return 0;
}

static int cmd_expect(struct peer *peer, char *rest)
{
	char err[256] = "";
	struct msgspec sp;
	double within;
	if (msgspec_parse(&sp, rest, err, sizeof(err)) < 0) {
		step_result(peer, false, "%s", err);
		return -1;
	}
	within = take_within(&sp, 5.0);
	if (within < 0) {
		step_result(peer, false, "within=: not a number of seconds in 0-%d", PEER_MAX_WAIT_S);
		return -1;
	}
	if (sp.cic == MSGSPEC_CIC_LAST)
		sp.cic = peer->last_cic;
	peer->expect = sp;
	start_wait(peer, WAIT_EXPECT, within);
	if (try_expect(peer))
		return 2;	/* completed synchronously; run() already continued */
	return 1;
}

static int cmd_expect_none(struct peer *peer, char *rest)
{
	double within = 2.0;
	char q[256];
	if (!strncmp(rest, "within=", 7) && arg_double(rest + 7, 0, PEER_MAX_WAIT_S, &within) < 0) {
		step_result(peer, false, "within=%s: not a number of seconds in 0-%d", rest + 7, PEER_MAX_WAIT_S);
		return -1;
	}
	if (rxq_unexpected_str(peer, q, sizeof(q))) {
		step_result(peer, false, "already received:%s", q);
		return -1;
	}
	start_wait(peer, WAIT_NONE_ARRIVES, within);
	return 1;
}

/* load / load-release: a load run (load.c), finished at once or later */
static int cmd_load_common(struct peer *peer, char *rest, bool release)
{
	char err[256] = "";
	int rc;
	peer->wait = WAIT_LOAD;
	peer->load_sync = -1;
	rc = release ? peer_load_release_cmd(peer, rest, err, sizeof(err)) : peer_load_cmd(peer, rest, err, sizeof(err));
	if (rc < 0 || peer->load_sync >= 0) {	/* a usage error, or finished at once */
		peer->wait = WAIT_NONE;
		if (rc < 0)
			step_result(peer, false, "%s", err);
		else
			step_result(peer, peer->load_sync, "%s", "");
		return rc < 0 || !peer->load_sync ? -1 : 0;
	}
	peer->load_sync = -2;
	return 1;
}

static int cmd_load(struct peer *peer, char *rest)
{
	return cmd_load_common(peer, rest, false);
}

static int cmd_load_release(struct peer *peer, char *rest)
{
	return cmd_load_common(peer, rest, true);
}

static const struct {
	const char *name;
	int (*fn)(struct peer *peer, char *rest);
} peer_cmds[] = {
	{ "dpc", cmd_dpc }, { "cic", cmd_cic }, { "echo", cmd_echo }, { "stop-on-fail", cmd_stop_on_fail },
	{ "flush", cmd_flush }, { "end", cmd_end }, { "ignore", cmd_ignore_line }, { "auto", cmd_auto_line },
	{ "sleep", cmd_sleep }, { "wait-route", cmd_wait_route }, { "send", cmd_send },
	{ "send-raw", cmd_send_raw }, { "expect", cmd_expect }, { "expect-none", cmd_expect_none },
	{ "load", cmd_load }, { "load-release", cmd_load_release },
};

/* Execute one command line. Returns 1 if it blocks (async completion), 0 done, -1 failed. */
static int exec_line(struct peer *peer, const char *line)
{
	char cmd[32] = "", rest[1024] = "";

	sscanf(line, "%31s %1023[^\n]", cmd, rest);
	/* trailing blanks (and a CR) are not part of a numeric argument */
	for (size_t n = strlen(rest); n && isspace((unsigned char)rest[n - 1]); n--)
		rest[n - 1] = '\0';
	snprintf(peer->wait_line, sizeof(peer->wait_line), "%s", line);

	for (unsigned int i = 0; i < ARRAY_SIZE(peer_cmds); i++)
		if (!strcmp(cmd, peer_cmds[i].name))
			return peer_cmds[i].fn(peer, rest);
	step_result(peer, false, "unknown command '%s'", cmd);
	return -1;
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
	if (peer->load_sync == -1) {	/* still inside the command: exec_line reports */
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
		int rc = exec_line(peer, line);
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
	if (auto_handle(peer, rx->opc, rx->msg))
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

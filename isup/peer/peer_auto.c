/* isup-peer: the automatic responders (auto NAME on|off): REL/RSC -> RLC, GRS -> GRA, BLO/UBL,
 * CGB/CGU, UPT, CQM, CCR (loop-back: LPA) answered at once; IAM answered with ACM/ANM/CON/REL after configured delays
 * (delayed sends kept in order per circuit); the RLC for a REL they sent consumed. */
#include <ctype.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "isup/peer/peer.h"
#include "isup/peer/peer_int.h"
#include "isup/vty_arg.h"

/* ---- automatic RLC tracking: the REL the automatic IAM answering sent ------------------- */

void auto_rlc_set(struct peer *peer, uint16_t cic, bool on)
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

/* ---- delayed sends (auto IAM answering) ----------------------------------------------- */

/* a delayed message goes out; a REL the far end answers with RLC (consumed here, Q.764 2.3.1),
 * repeated on T1 until then when configured */
static void pending_send(struct peer *peer, struct peer_pending_tx *p)
{
	osmo_timer_del(&p->timer);
	if (p->msg.type == ISUP_REL) {
		auto_rlc_set(peer, p->msg.cic, true);
		peer_rel_t1_start(peer, p->dpc, &p->msg);
	}
	peer_send(peer, p->dpc, &p->msg);
	llist_del(&p->list);
	talloc_free(p);
}

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
		pending_send(peer, q);
	}
	pending_send(peer, p);
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

/* The answers of the responders that reply at once */
static const struct {
	uint8_t type;
	enum peer_auto resp;
	uint8_t answer;
	bool range;		/* GRA / CGBA / CGUA / CQR: the range echoed */
	bool copy_status;
	bool ends_call;		/* REL / RSC: queued automatic messages of the circuit dropped */
} auto_answers[] = {
	{ ISUP_REL, PEER_AUTO_REL, ISUP_RLC, false, false, true },
	{ ISUP_RSC, PEER_AUTO_RSC, ISUP_RLC, false, false, true },
	{ ISUP_GRS, PEER_AUTO_GRS, ISUP_GRA, true, false, false },
	{ ISUP_BLO, PEER_AUTO_BLO, ISUP_BLA, false, false, false },
	{ ISUP_UBL, PEER_AUTO_UBL, ISUP_UBA, false, false, false },
	{ ISUP_CGB, PEER_AUTO_CGB, ISUP_CGBA, true, true, false },
	{ ISUP_CGU, PEER_AUTO_CGU, ISUP_CGUA, true, true, false },
	{ ISUP_UPT, PEER_AUTO_UPT, ISUP_UPA, false, false, false },
	{ ISUP_CQM, PEER_AUTO_CQM, ISUP_CQR, true, false, false },
	/* the loop-back of this exchange: connected at once for the re-check, LPA tells it */
	{ ISUP_CCR, PEER_AUTO_CCR, ISUP_LPA, false, false, false },
};

/* Returns true when the message was handled automatically (not queued for expect). */
bool peer_auto_handle(struct peer *peer, uint32_t opc, const struct isup_msg *msg)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(auto_answers); i++) {
		if (auto_answers[i].type != msg->type)
			continue;
		if (!peer->autoresp[auto_answers[i].resp])
			return false;
		if (auto_answers[i].ends_call)
			pending_cancel_cic(peer, opc, msg->cic);
		if (msg->type == ISUP_RSC)	/* the far end resets the circuit: our REL is over */
			peer_rel_t1_stop(peer, msg->cic);
		if (auto_answers[i].range)
			reply_range(peer, opc, msg, auto_answers[i].answer, auto_answers[i].copy_status);
		else
			reply_simple(peer, opc, auto_answers[i].answer, msg->cic);
		return true;
	}
	switch (msg->type) {
	case ISUP_IAM:
		if (!peer->autoresp[PEER_AUTO_IAM])
			return false;
		auto_rlc_set(peer, msg->cic, false);	/* a new call on the circuit */
		peer_rel_t1_stop(peer, msg->cic);
		auto_iam(peer, opc, msg);
		return true;
	case ISUP_RLC:
		/* RLC for a REL the automatic IAM answering sent */
		if (!auto_rlc_get(peer, msg->cic))
			return false;
		auto_rlc_set(peer, msg->cic, false);
		peer_rel_t1_stop(peer, msg->cic);
		return true;
	default:
		return false;
	}
}

/* auto NAME on|off [k=v ...] */
bool peer_auto_cmd(struct peer *peer, char *args, char *err, size_t err_len)
{
	static const char *names[_PEER_AUTO_NUM] = { "rel", "rsc", "grs", "blo", "ubl", "cgb", "cgu", "upt", "cqm",
						     "ccr", "iam" };
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
			else if (!strcmp(kv, "t1")) c.t1_ms = v;
			else if (!strcmp(kv, "t5")) c.t5_ms = v;
			else {
				snprintf(err, err_len, "unknown auto iam option '%s'", kv);
				return false;
			}
		}
		peer->iam = c;
	}
	return true;
}

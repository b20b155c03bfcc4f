/* Supervision of the group procedures a circuit group sends (Q.764 2.8.2 CGB/CGU, 2.8.3 CQM,
 * 2.9.3.3 GRS): one FSM definition; a group has one instance per procedure (reset, blocking,
 * query), since the procedures of one group may overlap (a GRS on MTP-RESUME while an operator's
 * CGB is unanswered). The short timers (T22, T18, T20) are state timeouts; the long ones (T23,
 * T19, T21) start with the first message and run beside them. */
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/tdef.h>

#include "isup/isup_log.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"
#include "isup/circuit_persist.h"

#define S(x) (1 << (x))

/* GRS pacing: one GRS per tick (an implementation interval, not a Q.764 timer) */
#define GRS_PACE_US (50 * 1000)

static const struct osmo_tdef_state_timeout cgsup_fsm_timeouts[32] = {
	[CGSUP_ST_GRS_SENT] = { .T = 22 },
	[CGSUP_ST_CGB_SENT] = { .T = 18 },
	[CGSUP_ST_CGU_SENT] = { .T = 20 },
};

#define cgsup_state_chg(fi, cg, st) \
	osmo_tdef_fsm_inst_state_chg(fi, st, cgsup_fsm_timeouts, cgroup_tdefs(cg), 15)

static const struct value_string cgsup_event_names[] = {
	OSMO_VALUE_STRING(CGSUP_EV_GRS_REQ), OSMO_VALUE_STRING(CGSUP_EV_RX_GRA),
	OSMO_VALUE_STRING(CGSUP_EV_CGB_REQ), OSMO_VALUE_STRING(CGSUP_EV_RX_CGBA),
	OSMO_VALUE_STRING(CGSUP_EV_CQM_REQ), OSMO_VALUE_STRING(CGSUP_EV_RX_CQR),
	{ 0, NULL }
};

/* ---- range and status parameter (Q.763 3.43) ------------------------------------------------ */

void cgroup_msg_set_rs(struct isup_msg *m, const struct isup_range_status *rs)
{
	uint8_t raw[40];
	int len = isup_range_status_encode(rs, raw, sizeof(raw));
	if (len > 0)
		isup_msg_set(m, ISUP_PRM_RANGE_STATUS, raw, len);
}

int cgroup_msg_get_rs(const struct isup_msg *msg, struct isup_range_status *rs)
{
	const struct isup_param *p = isup_msg_find_const(msg, ISUP_PRM_RANGE_STATUS);
	memset(rs, 0, sizeof(*rs));
	if (!p || isup_range_status_decode(rs, p->val, p->len) < 0)
		return -1;
	return 0;
}

/* ---- GRS (Q.764 2.9.3.3) -------------------------------------------------------------------- */

static void grs_send_one(struct isup_cgroup *cg, struct cg_grs_tx *g)
{
	struct isup_msg m;
	struct isup_range_status rs = { .range = g->range };
	isup_msg_init(&m, cg->node->cfg.variant, ISUP_GRS, g->cic);
	cgroup_msg_set_rs(&m, &rs);
	g->sent = true;
	cg->tx_grs++;
	cgroup_tx(cg, &m);
}

/* pacing: one GRS per tick */
static void grs_pace_cb(void *data)
{
	struct isup_cgroup *cg = data;
	struct cg_grs_tx *g;
	llist_for_each_entry(g, &cg->grs_tx, list) {
		if (!g->sent) {
			grs_send_one(cg, g);
			osmo_timer_schedule(&cg->grs_pace, 0, GRS_PACE_US);
			return;
		}
	}
}

static void grs_resend_all(struct isup_cgroup *cg)
{
	struct cg_grs_tx *g;
	llist_for_each_entry(g, &cg->grs_tx, list)
		g->sent = false;
	grs_pace_cb(cg);
}

static void t23_cb(void *data)
{
	struct isup_cgroup *cg = data;
	/* Q.764 2.9.3.3: T23: alert maintenance, repeat GRS, restart T23, stop T22 */
	LOGP(DISUP, LOGL_ERROR, "circuit-group %s: T23 expired, no GRA: maintenance alerted, GRS repeated\n",
	     cg->name);
	osmo_fsm_inst_state_chg(cg->grs_fi, CGSUP_ST_GRS_SENT, 0, 0);	/* stops T22 */
	grs_resend_all(cg);
	cgroup_timer_schedule(cg, &cg->t23, 23);
}

/* add the runs of up to 32 consecutive CICs of first..last to grs_tx; the number of runs */
static unsigned int grs_queue(struct isup_cgroup *cg, uint16_t first, uint16_t last)
{
	struct cg_grs_tx *g = NULL;
	unsigned int n = 0;
	for (unsigned int i = 0; i < cg->num_ccts; i++) {
		struct isup_circuit *cct = cg->ccts[i];
		if (cct->cic < first || cct->cic > last)
			continue;
		if (!g || cct->cic != g->cic + g->range + 1 || g->range >= 31) {
			g = talloc_zero(cg, struct cg_grs_tx);
			g->cic = cct->cic;
			g->range = 0;
			llist_add_tail(&g->list, &cg->grs_tx);
			n++;
		} else {
			g->range++;
		}
		/* the circuit is reset locally: calls released, remote blocking removed */
		circuit_reset_rx(cct, true);
		cct->grs_pending = true;
	}
	return n;
}

/* a lone CIC cannot be reset by GRS (range 0 is reserved): RSC for it */
static void grs_lone_cics_rsc(struct isup_cgroup *cg)
{
	struct cg_grs_tx *g, *g2;
	llist_for_each_entry_safe(g, g2, &cg->grs_tx, list) {
		struct isup_circuit *cct;
		if (g->range != 0 || g->sent)
			continue;
		cct = cgroup_cct(cg, g->cic);
		llist_del(&g->list);
		talloc_free(g);
		if (cct) {
			cct->grs_pending = false;
			circuit_send_rsc(cct);
		}
	}
}

int cgroup_send_grs(struct isup_cgroup *cg, uint16_t first, uint16_t last)
{
	if (!grs_queue(cg, first, last))
		return -1;
	grs_lone_cics_rsc(cg);
	if (llist_empty(&cg->grs_tx))
		return 0;
	osmo_fsm_inst_dispatch(cg->grs_fi, CGSUP_EV_GRS_REQ, NULL);
	return 0;
}

void cgroup_send_grs_all(struct isup_cgroup *cg)
{
	if (!cg->num_ccts)
		return;
	cgroup_send_grs(cg, 0, 0xffff);
}

/* the GRS of the list this GRA answers: its circuits out of reset; false if none */
static bool gra_match(struct isup_cgroup *cg, const struct isup_msg *msg, const struct isup_range_status *rs)
{
	struct cg_grs_tx *g, *g2;
	bool found = false;
	llist_for_each_entry_safe(g, g2, &cg->grs_tx, list) {
		if (g->cic != msg->cic || g->range != rs->range)
			continue;
		found = true;
		for (unsigned int i = 0; i <= rs->range; i++) {
			struct isup_circuit *cct = cgroup_cct(cg, g->cic + i);
			if (!cct)
				continue;
			cct->grs_pending = false;
			cct->alarm = false;
			/* Q.764 2.9.3.3: a status bit set: the circuit is maintenance blocked at the far end */
			cct->rbl_maint = rs->status_present && isup_range_status_bit(rs, i);
			circuit_blk_update(cct);
		}
		llist_del(&g->list);
		talloc_free(g);
	}
	return found;
}

void cgroup_rx_gra(struct isup_cgroup *cg, const struct isup_msg *msg)
{
	struct isup_range_status rs;
	if (cgroup_msg_get_rs(msg, &rs) < 0)
		return;
	if (!gra_match(cg, msg, &rs)) {
		LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: unexpected GRA cic=%u range=%u discarded\n", cg->name,
		     msg->cic, rs.range);
		return;
	}
	if (llist_empty(&cg->grs_tx))
		osmo_fsm_inst_dispatch(cg->grs_fi, CGSUP_EV_RX_GRA, (void *)msg);
}

/* ---- CGB / CGU (Q.764 2.8.2) ---------------------------------------------------------------- */

static void cgb_tx_send(struct isup_cgroup *cg)
{
	struct cg_cgb_tx *c = &cg->cgb_tx;
	struct isup_msg m;
	isup_msg_init(&m, cg->node->cfg.variant, c->p.type, c->p.cic);
	isup_msg_set(&m, ISUP_PRM_CGSMT, &c->p.cgsmt, 1);
	cgroup_msg_set_rs(&m, &c->p.rs);
	cgroup_tx(cg, &m);
}

/* the long supervision timer of a CGB (T19) or CGU (T21) */
static int cgb_t_long(const struct cg_cgb *p)
{
	return p->type == ISUP_CGB ? 19 : 21;
}

/* T19 / T21: alert maintenance, stop T18 / T20, repeat every T19 / T21 */
static void cgb_long_cb(void *data)
{
	struct isup_cgroup *cg = data;
	int T = cgb_t_long(&cg->cgb_tx.p);
	LOGP(DISUP, LOGL_ERROR, "circuit-group %s: T%d expired: maintenance alerted, %s repeated\n", cg->name, T,
	     isup_msg_name(cg->cgb_tx.p.type));
	osmo_fsm_inst_state_chg(cg->cgb_fi, cg->cgb_fi->state, 0, 0);	/* stops T18 / T20 */
	cgb_tx_send(cg);
	cgroup_timer_schedule(cg, &cg->cgb_tx.t_long, T);
}

int cgroup_send_cgb(struct isup_cgroup *cg, bool block, uint16_t first, uint16_t last, bool hw)
{
	if (last < first || last - first > 31)
		return -1;
	return cgroup_send_cgb_mask(cg, block, first, last - first, 0xffffffff, hw);
}

/* Q.764 2.8.2: one CGB/CGU procedure at a time per group; a request for the range being sent
 * replaces it (so does one waiting for the same range), one for another range waits for the
 * acknowledgement (several 32-circuit windows of a group block one after the other) */
static void cgb_request(struct isup_cgroup *cg, const struct cg_cgb *r)
{
	struct cg_cgb_tx *c = &cg->cgb_tx;
	struct cg_cgb_req *q;

	if (cg->cgb_fi->state != CGSUP_ST_IDLE && (c->p.cic != r->cic || c->p.rs.range != r->rs.range)) {
		llist_for_each_entry(q, &cg->cgb_queue, list) {
			if (q->p.cic == r->cic && q->p.rs.range == r->rs.range) {
				q->p = *r;
				return;
			}
		}
		q = talloc(cg, struct cg_cgb_req);
		if (!q) {
			LOGP(DISUP, LOGL_ERROR, "circuit-group %s: out of memory: %s cic=%u not queued\n", cg->name,
			     isup_msg_name(r->type), r->cic);
			return;
		}
		q->p = *r;
		llist_add_tail(&q->list, &cg->cgb_queue);
		return;
	}
	c->p = *r;
	osmo_fsm_inst_dispatch(cg->cgb_fi, CGSUP_EV_CGB_REQ, NULL);
}

/* the procedure ended: the next waiting request, if any */
static void cgb_next(struct isup_cgroup *cg)
{
	struct cg_cgb_req *q = llist_first_entry_or_null(&cg->cgb_queue, struct cg_cgb_req, list);

	if (!q)
		return;
	llist_del(&q->list);
	cgb_request(cg, &q->p);
	talloc_free(q);
}

int cgroup_send_cgb_mask(struct isup_cgroup *cg, bool block, uint16_t first, uint8_t range, uint32_t mask, bool hw)
{
	struct cg_cgb r = { .type = block ? ISUP_CGB : ISUP_CGU,
			    .cgsmt = hw ? ISUP_CGSMT_HARDWARE : ISUP_CGSMT_MAINTENANCE, .cic = first };

	if (range > 31)
		return -1;
	r.rs.range = range;
	r.rs.status_present = true;
	for (unsigned int i = 0; i <= range; i++) {
		struct isup_circuit *cct = cgroup_cct(cg, first + i);
		if (!cct || !(mask & (1u << i)))
			continue;
		isup_range_status_set_bit(&r.rs, i, true);
		circuit_local_group_block(cct, block, hw);
	}
	cgb_request(cg, &r);
	return 0;
}

void cgroup_rx_cgba_cgua(struct isup_cgroup *cg, const struct isup_msg *msg)
{
	struct cg_cgb_tx *c = &cg->cgb_tx;
	uint8_t want = c->p.type == ISUP_CGB ? ISUP_CGBA : ISUP_CGUA;
	if (cg->cgb_fi->state == CGSUP_ST_IDLE || msg->type != want || msg->cic != c->p.cic) {
		LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: unexpected %s cic=%u discarded\n", cg->name,
		     isup_msg_name(msg->type), msg->cic);
		return;
	}
	osmo_fsm_inst_dispatch(cg->cgb_fi, CGSUP_EV_RX_CGBA, (void *)msg);
}

/* ---- CQM / CQR (Q.764 2.8.3) ---------------------------------------------------------------- */

int cgroup_send_cqm(struct isup_cgroup *cg, uint16_t first, uint16_t last)
{
	struct isup_msg m;
	struct isup_range_status rs = { .range = last - first };
	if (last < first || last - first > 31)
		return -1;
	isup_msg_init(&m, cg->node->cfg.variant, ISUP_CQM, first);
	cgroup_msg_set_rs(&m, &rs);
	cg->cqm_cic = first;
	cg->cqm_range = rs.range;
	osmo_fsm_inst_dispatch(cg->cqm_fi, CGSUP_EV_CQM_REQ, NULL);
	return cgroup_tx(cg, &m);
}

void cgroup_rx_cqr(struct isup_cgroup *cg, const struct isup_msg *msg)
{
	LOGP(DISUP, LOGL_INFO, "CQR cic=%u received\n", msg->cic);
	if (cg->cqm_fi->state != CGSUP_ST_CQM_SENT || msg->cic != cg->cqm_cic) {
		LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: CQR cic=%u answers no CQM of ours: discarded\n",
		     cg->name, msg->cic);
		return;
	}
	osmo_fsm_inst_dispatch(cg->cqm_fi, CGSUP_EV_RX_CQR, (void *)msg);
}

/* ---- the FSM -------------------------------------------------------------------------------- */

/* the GRS not sent yet go out (paced), T22 (re)started */
static void grs_send_pending(struct osmo_fsm_inst *fi, struct isup_cgroup *cg)
{
	if (!osmo_timer_pending(&cg->grs_pace))
		grs_pace_cb(cg);
	cgsup_state_chg(fi, cg, CGSUP_ST_GRS_SENT);
}

/* Idle: a request starts its procedure */
static void st_idle(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_cgroup *cg = fi->priv;
	switch (event) {
	case CGSUP_EV_GRS_REQ:
		grs_send_pending(fi, cg);
		cgroup_timer_schedule(cg, &cg->t23, 23);
		break;
	case CGSUP_EV_CGB_REQ:
		cgb_tx_send(cg);
		cgsup_state_chg(fi, cg, cg->cgb_tx.p.type == ISUP_CGB ? CGSUP_ST_CGB_SENT : CGSUP_ST_CGU_SENT);
		cgroup_timer_schedule(cg, &cg->cgb_tx.t_long, cgb_t_long(&cg->cgb_tx.p));
		break;
	case CGSUP_EV_CQM_REQ:
		osmo_fsm_inst_state_chg(fi, CGSUP_ST_CQM_SENT, 0, 0);
		break;
	}
}

/* GRS sent: more ranges restart T22 (T23 keeps running); the last GRA ends it */
static void st_grs_sent(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_cgroup *cg = fi->priv;
	switch (event) {
	case CGSUP_EV_GRS_REQ:
		grs_send_pending(fi, cg);
		break;
	case CGSUP_EV_RX_GRA:
		osmo_timer_del(&cg->t23);
		osmo_timer_del(&cg->grs_pace);
		osmo_fsm_inst_state_chg(fi, CGSUP_ST_IDLE, 0, 0);
		circuit_persist_reapply(cg);	/* stored blocking, after the reset (circuit_persist.h) */
		break;
	}
}

/* CGB / CGU sent: a new request for its range replaces it (both timers restarted; cgb_request
 * queues those for other ranges), the acknowledgement ends it */
static void st_cgb_sent(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_cgroup *cg = fi->priv;
	switch (event) {
	case CGSUP_EV_CGB_REQ:
		st_idle(fi, event, data);
		break;
	case CGSUP_EV_RX_CGBA:
		osmo_timer_del(&cg->cgb_tx.t_long);
		osmo_fsm_inst_state_chg(fi, CGSUP_ST_IDLE, 0, 0);
		cgb_next(cg);			/* a request for another range, waiting */
		circuit_persist_reapply(cg);	/* the next stored window, if any (when idle) */
		break;
	}
}

/* CQM sent: the CQR ends it (Q.764 gives no timer); a new CQM replaces it. The CQR's states
 * are compared with ours and the mismatches resolved (Q.764 2.8.3). */
static void st_cqm_sent(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_cgroup *cg = fi->priv;
	if (event != CGSUP_EV_RX_CQR)
		return;
	osmo_fsm_inst_state_chg(fi, CGSUP_ST_IDLE, 0, 0);
	cgroup_cqr_compare(cg, data);
}

/* T22: GRS repeated, T22 restarted; T18 / T20: CGB / CGU repeated, restarted */
static int cgsup_timer_cb(struct osmo_fsm_inst *fi)
{
	struct isup_cgroup *cg = fi->priv;
	if (fi->T == 22) {
		LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: T22 expired, GRS repeated\n", cg->name);
		grs_resend_all(cg);
	} else {
		LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: T%d expired, %s repeated\n", cg->name, fi->T,
		     isup_msg_name(cg->cgb_tx.p.type));
		cgb_tx_send(cg);
	}
	cgsup_state_chg(fi, cg, fi->state);
	return 0;
}

#define REQS (S(CGSUP_EV_GRS_REQ) | S(CGSUP_EV_CGB_REQ) | S(CGSUP_EV_CQM_REQ))
#define ALL_STATES (S(CGSUP_ST_IDLE) | S(CGSUP_ST_GRS_SENT) | S(CGSUP_ST_CGB_SENT) | S(CGSUP_ST_CGU_SENT) | \
		    S(CGSUP_ST_CQM_SENT))
static const struct osmo_fsm_state cgsup_fsm_states[] = {
	[CGSUP_ST_IDLE] = {
		.name = "idle",
		.in_event_mask = REQS,
		.out_state_mask = ALL_STATES,
		.action = st_idle,
	},
	[CGSUP_ST_GRS_SENT] = {
		.name = "GRS-sent",
		.in_event_mask = S(CGSUP_EV_GRS_REQ) | S(CGSUP_EV_RX_GRA),
		.out_state_mask = S(CGSUP_ST_IDLE) | S(CGSUP_ST_GRS_SENT),
		.action = st_grs_sent,
	},
	[CGSUP_ST_CGB_SENT] = {
		.name = "CGB-sent",
		.in_event_mask = S(CGSUP_EV_CGB_REQ) | S(CGSUP_EV_RX_CGBA),
		.out_state_mask = S(CGSUP_ST_IDLE) | S(CGSUP_ST_CGB_SENT) | S(CGSUP_ST_CGU_SENT),
		.action = st_cgb_sent,
	},
	[CGSUP_ST_CGU_SENT] = {
		.name = "CGU-sent",
		.in_event_mask = S(CGSUP_EV_CGB_REQ) | S(CGSUP_EV_RX_CGBA),
		.out_state_mask = S(CGSUP_ST_IDLE) | S(CGSUP_ST_CGB_SENT) | S(CGSUP_ST_CGU_SENT),
		.action = st_cgb_sent,
	},
	[CGSUP_ST_CQM_SENT] = {
		.name = "CQM-sent",
		.in_event_mask = S(CGSUP_EV_CQM_REQ) | S(CGSUP_EV_RX_CQR),
		.out_state_mask = S(CGSUP_ST_IDLE) | S(CGSUP_ST_CQM_SENT),
		.action = st_cqm_sent,
	},
};

static struct osmo_fsm cgsup_fsm = {
	.name = "ISUP-cgroup-sup",
	.states = cgsup_fsm_states,
	.num_states = ARRAY_SIZE(cgsup_fsm_states),
	.timer_cb = cgsup_timer_cb,
	.event_names = cgsup_event_names,
};

static __attribute__((constructor)) void cgsup_fsm_init(void)
{
	OSMO_ASSERT(osmo_fsm_register(&cgsup_fsm) == 0);
}

static struct osmo_fsm_inst *cgsup_inst(struct isup_cgroup *cg, const char *proc)
{
	struct osmo_fsm_inst *fi = osmo_fsm_inst_alloc(&cgsup_fsm, cg, cg, LOGL_DEBUG, NULL);
	osmo_fsm_inst_update_id_f_sanitize(fi, '_', "%s-%s", cg->name, proc);
	return fi;
}

void cgroup_sup_alloc(struct isup_cgroup *cg)
{
	INIT_LLIST_HEAD(&cg->grs_tx);
	osmo_timer_setup(&cg->grs_pace, grs_pace_cb, cg);
	osmo_timer_setup(&cg->t23, t23_cb, cg);
	osmo_timer_setup(&cg->cgb_tx.t_long, cgb_long_cb, cg);
	INIT_LLIST_HEAD(&cg->cgb_queue);
	cg->grs_fi = cgsup_inst(cg, "reset");
	cg->cgb_fi = cgsup_inst(cg, "blocking");
	cg->cqm_fi = cgsup_inst(cg, "query");
}

void cgroup_sup_free(struct isup_cgroup *cg)
{
	osmo_timer_del(&cg->grs_pace);
	osmo_timer_del(&cg->t23);
	osmo_timer_del(&cg->cgb_tx.t_long);
	osmo_fsm_inst_free(cg->grs_fi);
	osmo_fsm_inst_free(cg->cgb_fi);
	osmo_fsm_inst_free(cg->cqm_fi);
}

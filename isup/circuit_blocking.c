/* Blocking of one ISUP circuit (Q.764 2.8.2): one osmo_fsm instance per circuit, independent of
 * the call control FSM (circuit.c). The blocking conditions are kept as flags of the circuit
 * (local / remote, maintenance / hardware: lbl_maint, lbl_hw, rbl_maint, rbl_hw); the FSM's
 * settled state follows them, and BLO_SENT / UBL_SENT supervise the acknowledgement with T12 /
 * T14 as state timeouts and T13 / T15 (started with the first BLO / UBL) beside them. */
#include <osmocom/core/logging.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/tdef.h>

#include "isup/isup_log.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"
#include "isup/circuit_persist.h"

#define S(x) (1 << (x))

static const struct osmo_tdef_state_timeout blk_fsm_timeouts[32] = {
	[BLK_ST_BLO_SENT] = { .T = 12 },
	[BLK_ST_UBL_SENT] = { .T = 14 },
};

#define blk_state_chg(cct, st) do { \
	osmo_tdef_fsm_inst_state_chg((cct)->blk_fi, st, blk_fsm_timeouts, cgroup_tdefs((cct)->cg), 15); \
	circuit_watch(cct); \
} while (0)

static const struct value_string blk_event_names[] = {
	OSMO_VALUE_STRING(BLK_EV_BLOCK_REQ), OSMO_VALUE_STRING(BLK_EV_UNBLOCK_REQ),
	OSMO_VALUE_STRING(BLK_EV_RX_BLA), OSMO_VALUE_STRING(BLK_EV_RX_UBA), OSMO_VALUE_STRING(BLK_EV_STATUS),
	{ 0, NULL }
};

static bool blk_waiting(const struct isup_circuit *cct)
{
	return cct->blk_fi->state == BLK_ST_BLO_SENT || cct->blk_fi->state == BLK_ST_UBL_SENT;
}

/* the settled state the blocking conditions give */
static enum blk_state blk_settled(const struct isup_circuit *cct)
{
	bool local = cct->lbl_maint || cct->lbl_hw, remote = cct->rbl_maint || cct->rbl_hw;
	if (local && remote)
		return BLK_ST_BOTH_BLOCKED;
	if (local)
		return BLK_ST_LOCALLY_BLOCKED;
	return remote ? BLK_ST_REMOTELY_BLOCKED : BLK_ST_UNBLOCKED;
}

static void blk_settle(struct isup_circuit *cct)
{
	enum blk_state st = blk_settled(cct);
	if (cct->blk_fi->state != st)
		osmo_fsm_inst_state_chg(cct->blk_fi, st, 0, 0);
	circuit_watch(cct);
}

/* BLO or UBL, as the procedure under way asks */
static uint8_t blk_msg(const struct isup_circuit *cct)
{
	return cct->blk_fi->state == BLK_ST_BLO_SENT ? ISUP_BLO : ISUP_UBL;
}

/* Settled states: only a change of the blocking conditions moves them */
static void st_settled(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	if (event == BLK_EV_STATUS)
		blk_settle(fi->priv);
}

/* BLO_SENT / UBL_SENT: the acknowledgement ends the procedure (Q.764 2.8.2.3) */
static void st_wait_ack(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_circuit *cct = fi->priv;

	switch (event) {
	case BLK_EV_RX_BLA:
	case BLK_EV_RX_UBA:
		osmo_timer_del(&cct->t_blk_long);
		blk_settle(cct);
		break;
	case BLK_EV_STATUS:
		break;	/* the state settles when the procedure ends */
	}
}

/* Maintenance blocking / unblocking requested (Q.764 2.8.2.1): BLO / UBL, T12 / T14 as the
 * state timeout, T13 / T15 from the first message on; a new request restarts both */
static void blk_allstate(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_circuit *cct = fi->priv;
	bool block = event == BLK_EV_BLOCK_REQ;

	cct->lbl_maint = block;
	circuit_persist_changed(cct);	/* the blocking state file (circuit_persist.h) */
	osmo_timer_del(&cct->t_blk_long);
	cgroup_timer_schedule(cct->cg, &cct->t_blk_long, block ? 13 : 15);
	circuit_tx_simple(cct, block ? ISUP_BLO : ISUP_UBL);
	blk_state_chg(cct, block ? BLK_ST_BLO_SENT : BLK_ST_UBL_SENT);
}

/* T12 / T14: BLO / UBL repeated, the short timer restarted */
static int blk_timer_cb(struct osmo_fsm_inst *fi)
{
	struct isup_circuit *cct = fi->priv;
	LOGPFSML(cct->fi, LOGL_NOTICE, "T%d expired: %s repeated\n", fi->T, isup_msg_name(blk_msg(cct)));
	circuit_tx_simple(cct, blk_msg(cct));
	blk_state_chg(cct, fi->state);
	return 0;
}

/* T13 / T15 (Q.764 2.8.2.3): alert maintenance, stop T12 / T14, repeat the message every
 * T13 / T15 from now on */
static void blk_long_timer_cb(void *data)
{
	struct isup_circuit *cct = data;
	int T = cct->blk_fi->state == BLK_ST_BLO_SENT ? 13 : 15;
	LOGPFSML(cct->fi, LOGL_ERROR, "T%d expired: maintenance alerted, %s repeated\n", T,
		 isup_msg_name(blk_msg(cct)));
	cct->alarm = true;
	circuit_watch(cct);
	osmo_fsm_inst_state_chg(cct->blk_fi, cct->blk_fi->state, 0, 0);	/* stops T12 / T14 */
	circuit_tx_simple(cct, blk_msg(cct));
	cgroup_timer_schedule(cct->cg, &cct->t_blk_long, T);
}

#define SETTLED (S(BLK_ST_UNBLOCKED) | S(BLK_ST_LOCALLY_BLOCKED) | S(BLK_ST_REMOTELY_BLOCKED) | \
		 S(BLK_ST_BOTH_BLOCKED))
#define ALL_STATES (SETTLED | S(BLK_ST_BLO_SENT) | S(BLK_ST_UBL_SENT))
static const struct osmo_fsm_state blk_fsm_states[] = {
	[BLK_ST_UNBLOCKED] = {
		.name = "unblocked",
		.in_event_mask = S(BLK_EV_STATUS),
		.out_state_mask = ALL_STATES,
		.action = st_settled,
	},
	[BLK_ST_LOCALLY_BLOCKED] = {
		.name = "locally-blocked",
		.in_event_mask = S(BLK_EV_STATUS),
		.out_state_mask = ALL_STATES,
		.action = st_settled,
	},
	[BLK_ST_REMOTELY_BLOCKED] = {
		.name = "remotely-blocked",
		.in_event_mask = S(BLK_EV_STATUS),
		.out_state_mask = ALL_STATES,
		.action = st_settled,
	},
	[BLK_ST_BOTH_BLOCKED] = {
		.name = "locally-and-remotely-blocked",
		.in_event_mask = S(BLK_EV_STATUS),
		.out_state_mask = ALL_STATES,
		.action = st_settled,
	},
	[BLK_ST_BLO_SENT] = {
		.name = "BLO-sent",
		.in_event_mask = S(BLK_EV_RX_BLA) | S(BLK_EV_STATUS),
		.out_state_mask = ALL_STATES,
		.action = st_wait_ack,
	},
	[BLK_ST_UBL_SENT] = {
		.name = "UBL-sent",
		.in_event_mask = S(BLK_EV_RX_UBA) | S(BLK_EV_STATUS),
		.out_state_mask = ALL_STATES,
		.action = st_wait_ack,
	},
};

static struct osmo_fsm blk_fsm = {
	.name = "ISUP-blocking",
	.states = blk_fsm_states,
	.num_states = ARRAY_SIZE(blk_fsm_states),
	.allstate_event_mask = S(BLK_EV_BLOCK_REQ) | S(BLK_EV_UNBLOCK_REQ),
	.allstate_action = blk_allstate,
	.timer_cb = blk_timer_cb,
	.event_names = blk_event_names,
};

static __attribute__((constructor)) void blk_fsm_init(void)
{
	OSMO_ASSERT(osmo_fsm_register(&blk_fsm) == 0);
}

struct osmo_fsm_inst *circuit_blk_alloc(struct isup_circuit *cct, const char *id)
{
	osmo_timer_setup(&cct->t_blk_long, blk_long_timer_cb, cct);
	return osmo_fsm_inst_alloc(&blk_fsm, cct, cct, LOGL_DEBUG, id);
}

void circuit_blk_free(struct isup_circuit *cct)
{
	osmo_timer_del(&cct->t_blk_long);
	osmo_fsm_inst_free(cct->blk_fi);
	cct->blk_fi = NULL;
}

void circuit_blk_update(struct isup_circuit *cct)
{
	osmo_fsm_inst_dispatch(cct->blk_fi, BLK_EV_STATUS, NULL);
}

int circuit_block(struct isup_circuit *cct, bool block)
{
	return osmo_fsm_inst_dispatch(cct->blk_fi, block ? BLK_EV_BLOCK_REQ : BLK_EV_UNBLOCK_REQ, NULL);
}

/* "wait-BLA," / "wait-UBA," while a procedure is under way (show circuits) */
const char *circuit_blk_wait_str(const struct isup_circuit *cct)
{
	if (!blk_waiting(cct))
		return "";
	return cct->blk_fi->state == BLK_ST_BLO_SENT ? "wait-BLA," : "wait-UBA,";
}

/* BLO, UBL, BLA, UBA received (Q.764 2.8.2) */
void circuit_rx_blocking(struct isup_circuit *cct, const struct isup_msg *msg)
{
	switch (msg->type) {
	case ISUP_BLO:
		/* Q.764 2.8.2.1 */
		cct->rbl_maint = true;
		circuit_blk_update(cct);
		circuit_tx_simple(cct, ISUP_BLA);
		if (cct->fi->state == CCT_ST_OUT_WAIT_ACM && cct->call)
			circuit_release_for_repeat(cct);
		break;
	case ISUP_UBL:
		cct->rbl_maint = false;
		circuit_blk_update(cct);
		circuit_tx_simple(cct, ISUP_UBA);
		break;
	case ISUP_BLA:
	case ISUP_UBA:
		if (cct->blk_fi->state != (msg->type == ISUP_BLA ? BLK_ST_BLO_SENT : BLK_ST_UBL_SENT)) {
			LOGPFSML(cct->fi, LOGL_INFO, "unexpected %s discarded\n", isup_msg_name(msg->type));
			break;
		}
		osmo_fsm_inst_dispatch(cct->blk_fi, msg->type == ISUP_BLA ? BLK_EV_RX_BLA : BLK_EV_RX_UBA, NULL);
		break;
	}
}

/* CGB / CGU received: the effect on one circuit (Q.764 2.8.2.1); hardware blocking releases the
 * call (2.8.2.3) */
void circuit_remote_group_block(struct isup_circuit *cct, bool block, bool hw)
{
	if (hw)
		cct->rbl_hw = block;
	else
		cct->rbl_maint = block;
	circuit_blk_update(cct);
	if (hw && block && (cct->fi->state != CCT_ST_IDLE || cct->call))
		osmo_fsm_inst_dispatch(cct->fi, CCT_EV_HW_BLOCK, NULL);
}

/* CGB / CGU sent: the effect on one of our circuits */
void circuit_local_group_block(struct isup_circuit *cct, bool block, bool hw)
{
	if (hw)
		cct->lbl_hw = block;
	else {
		cct->lbl_maint = block;
		circuit_persist_changed(cct);
	}
	circuit_blk_update(cct);
	if (hw && block && (cct->fi->state != CCT_ST_IDLE || cct->call))
		osmo_fsm_inst_dispatch(cct->fi, CCT_EV_HW_BLOCK, NULL);
}

/* One ISUP circuit: the Q.764 call control state machine (one osmo_fsm instance per circuit).
 * Its maintenance (blocking) state is a FSM of its own (circuit_blocking.c); the received
 * messages are dispatched in circuit_rx.c. */
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/tdef.h>

#include "isup/isup_log.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"
#include "isup/q850.h"

#define S(x) (1 << (x))

static const struct osmo_tdef_state_timeout cct_fsm_timeouts[32] = {
	[CCT_ST_OUT_WAIT_ACM] = { .T = 7 },
	[CCT_ST_OUT_WAIT_ANM] = { .T = 9 },
	[CCT_ST_IN_WAIT_COT] = { .T = 8 },
	[CCT_ST_IN_WAIT_CCR] = { .T = 27 },
	[CCT_ST_IN_RECHECK] = { .T = 36 },
	[CCT_ST_RELEASING] = { .T = 1 },
	[CCT_ST_RESET_PENDING] = { .T = 16 },
	[CCT_ST_OUT_COT] = { .T = 24 },
	[CCT_ST_OUT_RECHECK] = { .T = 24 },
};

#define cct_state_chg(cct, st) do { \
	osmo_tdef_fsm_inst_state_chg((cct)->fi, st, cct_fsm_timeouts, cgroup_tdefs((cct)->cg), 15); \
	circuit_watch(cct); \
} while (0)

void circuit_state_chg(struct isup_circuit *cct, enum cct_state st)
{
	cct_state_chg(cct, st);
}

static const struct value_string cct_event_names[] = {
	OSMO_VALUE_STRING(CCT_EV_RX_IAM), OSMO_VALUE_STRING(CCT_EV_RX_SAM), OSMO_VALUE_STRING(CCT_EV_RX_COT),
	OSMO_VALUE_STRING(CCT_EV_RX_ACM), OSMO_VALUE_STRING(CCT_EV_RX_CPG), OSMO_VALUE_STRING(CCT_EV_RX_ANM),
	OSMO_VALUE_STRING(CCT_EV_RX_CON), OSMO_VALUE_STRING(CCT_EV_RX_REL), OSMO_VALUE_STRING(CCT_EV_RX_RLC),
	OSMO_VALUE_STRING(CCT_EV_RX_SUS), OSMO_VALUE_STRING(CCT_EV_RX_RES), OSMO_VALUE_STRING(CCT_EV_RX_PASS),
	OSMO_VALUE_STRING(CCT_EV_APP_IAM), OSMO_VALUE_STRING(CCT_EV_APP_BACKWARD),
	OSMO_VALUE_STRING(CCT_EV_APP_FORWARD), OSMO_VALUE_STRING(CCT_EV_APP_SUSRES),
	OSMO_VALUE_STRING(CCT_EV_APP_REL), OSMO_VALUE_STRING(CCT_EV_RESET_RX), OSMO_VALUE_STRING(CCT_EV_RESET_TX),
	OSMO_VALUE_STRING(CCT_EV_HW_BLOCK), OSMO_VALUE_STRING(CCT_EV_RELEASE_LOCAL),
	OSMO_VALUE_STRING(CCT_EV_ROUTE_LOST), OSMO_VALUE_STRING(CCT_EV_RX_CCR), OSMO_VALUE_STRING(CCT_EV_COT_TONE),
	{ 0, NULL }
};

int circuit_tx_simple(struct isup_circuit *cct, uint8_t type)
{
	struct isup_msg m;
	isup_msg_init(&m, cct->cg->node->cfg.variant, type, cct->cic);
	return cgroup_tx(cct->cg, &m);
}

/* The cause indicators (Q.763 3.12) of a REL or CFN we send */
void circuit_msg_set_cause(struct isup_msg *m, uint8_t location, uint8_t cause, const uint8_t *diag,
			   uint8_t diag_len)
{
	struct isup_cause c = { .location = location, .value = cause };
	uint8_t raw[40];
	int len;
	if (diag_len > sizeof(c.diag))
		diag_len = sizeof(c.diag);
	if (diag_len)
		memcpy(c.diag, diag, diag_len);
	c.diag_len = diag_len;
	len = isup_cause_encode(&c, raw, sizeof(raw));
	if (len > 0)
		isup_msg_set(m, ISUP_PRM_CAUSE, raw, len);
}

/* Q.764 2.11.2: while this exchange is congested every REL it sends carries the automatic
 * congestion level (Q.763 3.4: 1 or 2 exceeded) */
static void rel_set_acl(const struct isup_circuit *cct, struct isup_msg *m)
{
	const struct isup_mtp *mtp = cct->cg->node->mtp;
	uint8_t level = mtp ? isup_cong_level(mtp) : 0;

	if (level)
		isup_msg_set(m, ISUP_PRM_AUTO_CONGESTION_LEVEL, &level, 1);
	else
		isup_msg_remove(m, ISUP_PRM_AUTO_CONGESTION_LEVEL);
}

int isup_tx_rel(struct isup_circuit *cct, uint8_t cause, const uint8_t *diag, uint8_t diag_len)
{
	struct isup_msg m;
	if (cct->rel_msg) {	/* the call layer's REL, as given (CIC filled in) */
		cct->rel_msg->cic = cct->cic;
		rel_set_acl(cct, cct->rel_msg);
		return cgroup_tx(cct->cg, cct->rel_msg);
	}
	isup_msg_init(&m, cct->cg->node->cfg.variant, ISUP_REL, cct->cic);
	circuit_msg_set_cause(&m, cct->rel_loc1 ? cct->rel_loc1 - 1 : ISUP_LOC_PUB_LOCAL, cause, diag, diag_len);
	rel_set_acl(cct, &m);
	return cgroup_tx(cct->cg, &m);
}

static uint8_t msg_cause(const struct isup_msg *msg, uint8_t dflt)
{
	const struct isup_param *p = isup_msg_find_const(msg, ISUP_PRM_CAUSE);
	struct isup_cause c;
	if (p && isup_cause_decode(&c, p->val, p->len) == 0)
		return c.value;
	return dflt;
}

/* Hand the call's end to the layer above and forget it */
static void cct_call_gone(struct isup_circuit *cct, uint8_t cause, const struct isup_msg *rel)
{
	struct isup_call *call = cct->call;
	if (!call)
		return;
	cct->call = NULL;
	call->cct = NULL;
	call_release_ind(call, cause, rel);
}

static void cct_stop_long(struct isup_circuit *cct)
{
	osmo_timer_del(&cct->t_long);
}

/* Q.764 2.3.1: send REL, start T1 and T5 */
void circuit_start_release(struct isup_circuit *cct, uint8_t cause)
{
	cct->rel_cause = cause;
	isup_tx_rel(cct, cause, NULL, 0);
	cct_state_chg(cct, CCT_ST_RELEASING);
	cgroup_timer_schedule(cct->cg, &cct->t_long, 5);
}

/* REL received: RLC and idle (Q.764 2.3.2) */
void circuit_rx_rel(struct isup_circuit *cct, const struct isup_msg *msg)
{
	circuit_tx_simple(cct, ISUP_RLC);
	cct_state_chg(cct, CCT_ST_IDLE);
	cct_call_gone(cct, msg_cause(msg, Q850_NORMAL_CLEARING), msg);
}

void circuit_release_local(struct isup_circuit *cct, uint8_t cause)
{
	osmo_fsm_inst_dispatch(cct->fi, CCT_EV_RELEASE_LOCAL, &cause);
}

/* ---- states ------------------------------------------------------------------------------ */

static void st_idle_onenter(struct osmo_fsm_inst *fi, uint32_t prev_state)
{
	struct isup_circuit *cct = fi->priv;
	circuit_watch(cct);
	cct_stop_long(cct);
	talloc_free(cct->pending_iam);
	cct->pending_iam = NULL;
	TALLOC_FREE(cct->rel_msg);
	TALLOC_FREE(cct->corr);
	cct->iam_cot_required = false;
}

void circuit_deliver_iam(struct isup_circuit *cct, const struct isup_msg *iam)
{
	struct isup_call *call = talloc_zero(cct->cg->node, struct isup_call);
	call->node = cct->cg->node;
	call->cct = cct;
	call->outgoing = false;
	call->cic = cct->cic;
	cct->call = call;
	cct->calls_in++;
	call_owe_setup(call);
	cct_state_chg(cct, CCT_ST_IN_WAIT_APP);
	call_setup_ind(call, iam);
}

static void st_idle(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_circuit *cct = fi->priv;
	const struct isup_msg *msg = data;

	switch (event) {
	case CCT_EV_RX_IAM:
		/* Q.764 2.8.2.1: an IAM on a locally maintenance-blocked circuit is not accepted; the
		 * blocking is signalled again */
		if (cct->lbl_maint || cct->lbl_hw) {
			LOGPFSML(fi, LOGL_NOTICE, "IAM on a locally blocked circuit: BLO repeated\n");
			circuit_tx_simple(cct, ISUP_BLO);
			return;
		}
		/* Q.764 2.8.2.3: an IAM on a remotely (maintenance) blocked circuit unblocks it */
		if (cct->rbl_maint) {
			LOGPFSML(fi, LOGL_NOTICE, "IAM on a remotely blocked circuit: remote blocking removed\n");
			cct->rbl_maint = false;
			circuit_blk_update(cct);
		}
		if (circuit_iam_wait_cot(cct, msg))
			return;
		circuit_deliver_iam(cct, msg);
		break;
	case CCT_EV_RX_CCR:
		/* Q.764 2.1.8: continuity re-check asked for by the other exchange */
		circuit_rx_ccr(cct);
		break;
	case CCT_EV_APP_IAM:
		cct->calls_out++;
		cgroup_tx(cct->cg, data);
		if (cct->cot_out)	/* Q.764 2.1.8: the check tone, T24 */
			circuit_cot_out_start(cct);
		else
			cct_state_chg(cct, CCT_ST_OUT_WAIT_ACM);
		break;
	case CCT_EV_RX_REL:
		/* Q.764 2.10.5.1: REL on an idle circuit is answered with RLC */
		circuit_tx_simple(cct, ISUP_RLC);
		break;
	case CCT_EV_RX_RLC:
		LOGPFSML(fi, LOGL_INFO, "RLC on an idle circuit discarded\n");
		break;
	default:
		break;
	}
}

/* the messages every state of a call takes (RX_CALL): REL clears it (Q.764 2.3.2), the others are
 * passed to the call layer */
static void cct_rx_call(struct isup_circuit *cct, uint32_t event, const struct isup_msg *msg)
{
	switch (event) {
	case CCT_EV_RX_REL:
		circuit_rx_rel(cct, msg);
		break;
	case CCT_EV_RX_PASS:
		call_msg_ind(cct->call, msg);
		break;
	default:
		break;
	}
}

/* the outgoing call waiting for the answer (Q.764 2.1.7): ANM, CPG; CON only before ACM (mask) */
static void cct_out_wait_answer(struct isup_circuit *cct, uint32_t event, const struct isup_msg *msg)
{
	switch (event) {
	case CCT_EV_RX_CON:
	case CCT_EV_RX_ANM:
		cct_state_chg(cct, CCT_ST_ANSWERED);
		call_msg_ind(cct->call, msg);
		break;
	case CCT_EV_RX_CPG:
		call_msg_ind(cct->call, msg);
		break;
	default:
		cct_rx_call(cct, event, msg);
		break;
	}
}

/* T7 runs (Q.764 2.1.5) */
static void st_out_wait_acm(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_circuit *cct = fi->priv;
	const struct isup_msg *msg = data;

	switch (event) {
	case CCT_EV_RX_ACM:
		cct_state_chg(cct, CCT_ST_OUT_WAIT_ANM);
		call_msg_ind(cct->call, msg);
		break;
	case CCT_EV_APP_FORWARD:
		/* Q.764 2.1.2: SAM restarts T7 */
		cgroup_tx(cct->cg, msg);
		cct_state_chg(cct, CCT_ST_OUT_WAIT_ACM);
		break;
	default:
		cct_out_wait_answer(cct, event, msg);
		break;
	}
}

/* T9 runs (Q.764 2.1.7) */
static void st_out_wait_anm(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	cct_out_wait_answer(fi->priv, event, data);
}

static void st_in_wait_app(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_circuit *cct = fi->priv;
	const struct isup_msg *msg = data;

	switch (event) {
	case CCT_EV_RX_SAM:
		call_msg_ind(cct->call, msg);
		break;
	case CCT_EV_APP_BACKWARD:
		cgroup_tx(cct->cg, msg);
		if (msg->type == ISUP_ACM)
			cct_state_chg(cct, CCT_ST_IN_ACM_SENT);
		else if (msg->type == ISUP_CON || msg->type == ISUP_ANM)
			cct_state_chg(cct, CCT_ST_ANSWERED);
		break;
	default:
		cct_rx_call(cct, event, msg);
		break;
	}
}

static void st_in_acm_sent(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_circuit *cct = fi->priv;
	const struct isup_msg *msg = data;

	if (event != CCT_EV_APP_BACKWARD) {
		cct_rx_call(cct, event, msg);
		return;
	}
	cgroup_tx(cct->cg, msg);
	if (msg->type == ISUP_ANM)
		cct_state_chg(cct, CCT_ST_ANSWERED);
}

/* Q.764 2.6: SUS received: the call is suspended; the exchange waits for the RES, T2 when the
 * suspend was the user's (subscriber initiated), T6 when the network's. The gateway is the end
 * of the ISUP connection, so it acts as the controlling exchange for both. */
static void cct_suspend_rx(struct isup_circuit *cct, const struct isup_msg *sus)
{
	const struct isup_param *p = isup_msg_find_const(sus, ISUP_PRM_SUSPEND_RESUME_IND);
	int T = p && p->len && (p->val[0] & 1) == ISUP_SUSRES_NETWORK ? 6 : 2;
	unsigned long ms = cgroup_T_ms(cct->cg, T);
	osmo_fsm_inst_state_chg_ms(cct->fi, CCT_ST_SUSPENDED, ms, T);
}

/* Q.764 2.6: SUS suspends the answered call, RES resumes it; a SUS while suspended or a RES while
 * answered changes no state (nor T2/T6) */
static void cct_susres(struct isup_circuit *cct, const struct isup_msg *msg, bool received)
{
	if (msg->type == ISUP_SUS && cct->fi->state == CCT_ST_ANSWERED) {
		if (received)
			cct_suspend_rx(cct, msg);
		else	/* the SUS we send is supervised by the exchange receiving it: no timer here */
			osmo_fsm_inst_state_chg(cct->fi, CCT_ST_SUSPENDED, 0, 0);
	} else if (msg->type == ISUP_RES && cct->fi->state == CCT_ST_SUSPENDED) {
		cct_state_chg(cct, CCT_ST_ANSWERED);
	}
}

/* what the answered call takes, suspended or not: SUS/RES either way, REL, messages passed on */
static void cct_answered_call(struct isup_circuit *cct, uint32_t event, const struct isup_msg *msg)
{
	switch (event) {
	case CCT_EV_RX_SUS:
	case CCT_EV_RX_RES:
		cct_susres(cct, msg, true);
		call_msg_ind(cct->call, msg);
		break;
	case CCT_EV_APP_SUSRES:
		cgroup_tx(cct->cg, msg);
		cct_susres(cct, msg, false);
		break;
	default:
		cct_rx_call(cct, event, msg);
		break;
	}
}

static void st_answered(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_circuit *cct = fi->priv;

	switch (event) {
	case CCT_EV_APP_BACKWARD:
	case CCT_EV_APP_FORWARD:
		cgroup_tx(cct->cg, data);
		break;
	default:
		cct_answered_call(cct, event, data);
		break;
	}
}

/* T2 or T6 runs (Q.764 2.6) after a SUS received: the call waits for RES */
static void st_suspended(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	cct_answered_call(fi->priv, event, data);
}

static void st_releasing(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_circuit *cct = fi->priv;

	switch (event) {
	case CCT_EV_RX_RLC:
		cct->alarm = false;
		cct_state_chg(cct, CCT_ST_IDLE);
		break;
	case CCT_EV_RX_REL:
		/* Q.764 2.3.1 e): collision of REL messages: RLC, circuit idle */
		LOGPFSML(fi, LOGL_INFO, "REL collision: RLC sent, circuit idle\n");
		circuit_tx_simple(cct, ISUP_RLC);
		cct_state_chg(cct, CCT_ST_IDLE);
		break;
	default:
		break;
	}
}

static void st_reset_pending(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_circuit *cct = fi->priv;

	switch (event) {
	case CCT_EV_RX_RLC:
		if (cct->alarm)
			LOGPFSML(fi, LOGL_NOTICE, "RLC received: circuit back in service\n");
		cct->alarm = false;
		cct_state_chg(cct, CCT_ST_IDLE);
		break;
	case CCT_EV_RX_REL:
		/* Q.764 2.9.3.1: a REL in answer to RSC: RLC, circuit idle */
		circuit_tx_simple(cct, ISUP_RLC);
		cct->alarm = false;
		cct_state_chg(cct, CCT_ST_IDLE);
		break;
	default:
		break;
	}
}

/* Events handled in every state */
static void cct_allstate(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_circuit *cct = fi->priv;
	uint8_t cause;

	switch (event) {
	case CCT_EV_APP_REL:
		cause = *(uint8_t *)data;
		cct->call = NULL;
		circuit_start_release(cct, cause);
		break;
	case CCT_EV_RELEASE_LOCAL:
		cause = *(uint8_t *)data;
		cct->rel_loc1 = 0;
		TALLOC_FREE(cct->rel_msg);
		circuit_start_release(cct, cause);
		cct_call_gone(cct, cause, NULL);
		break;
	case CCT_EV_RESET_RX:
		/* Q.764 2.9.3.1 / 2.9.3.3: reset: the call (if any) is released, the circuit idled */
		cct->alarm = false;
		osmo_fsm_inst_state_chg(fi, CCT_ST_IDLE, 0, 0);
		cct_call_gone(cct, Q850_TEMPORARY_FAILURE, NULL);
		break;
	case CCT_EV_RESET_TX:
		circuit_tx_simple(cct, ISUP_RSC);
		cct_state_chg(cct, CCT_ST_RESET_PENDING);
		cgroup_timer_schedule(cct->cg, &cct->t_long, 17);
		cct_call_gone(cct, Q850_TEMPORARY_FAILURE, NULL);
		break;
	case CCT_EV_HW_BLOCK:
		/* Q.764 2.8.2.3: hardware failure oriented blocking releases the call; the circuit is
		 * idled without REL */
		osmo_fsm_inst_state_chg(fi, CCT_ST_IDLE, 0, 0);
		cct_call_gone(cct, Q850_TEMPORARY_FAILURE, NULL);
		break;
	case CCT_EV_ROUTE_LOST:
		/* MTP-PAUSE: no message can reach the far exchange, so neither side can clear the
		 * call by REL/RLC: the call is released toward the call layer with cause 38 (network
		 * out of order) and the circuit waits, unusable, for the GRS sent on MTP-RESUME
		 * (Q.764 2.9.3.3), which idles it at both ends. */
		cct->grs_pending = true;
		osmo_fsm_inst_state_chg(fi, CCT_ST_IDLE, 0, 0);
		cct_call_gone(cct, Q850_NETWORK_OUT_OF_ORDER, NULL);
		break;
	}
}

static int cct_timer_cb(struct osmo_fsm_inst *fi)
{
	struct isup_circuit *cct = fi->priv;

	switch (fi->T) {
	case 7:	/* Q.764 2.1.5: no ACM/CON: release */
		LOGPFSML(fi, LOGL_NOTICE, "T7 expired: no ACM, releasing\n");
		circuit_start_release(cct, Q850_RECOVERY_ON_TIMER_EXPIRY);
		cct_call_gone(cct, Q850_RECOVERY_ON_TIMER_EXPIRY, NULL);
		break;
	case 9:	/* Q.764 2.1.7: no answer */
		LOGPFSML(fi, LOGL_NOTICE, "T9 expired: no answer, releasing\n");
		circuit_start_release(cct, Q850_NO_ANSWER);
		cct_call_gone(cct, Q850_NO_ANSWER, NULL);
		break;
	case 8:
	case 27:
	case 36:
		circuit_cot_timeout(cct, fi->T);
		break;
	case 24:
	case 25:
	case 26:
		circuit_cot_out_timeout(cct, fi->T);
		break;
	case 2:	/* Q.764 2.6: no RES (user): release */
	case 6:	/* Q.764 2.6: no RES (network): release */
		LOGPFSML(fi, LOGL_NOTICE, "T%d expired: no RES, releasing\n", fi->T);
		circuit_start_release(cct, Q850_RECOVERY_ON_TIMER_EXPIRY);
		cct_call_gone(cct, Q850_RECOVERY_ON_TIMER_EXPIRY, NULL);
		break;
	case 1:	/* Q.764 2.3.1: retransmit REL, restart T1 */
		LOGPFSML(fi, LOGL_NOTICE, "T1 expired: REL repeated\n");
		isup_tx_rel(cct, cct->rel_cause, NULL, 0);
		cct_state_chg(cct, CCT_ST_RELEASING);
		break;
	case 16: /* Q.764 2.9.3.1: retransmit RSC, restart T16 */
		LOGPFSML(fi, LOGL_NOTICE, "T16 expired: RSC repeated\n");
		circuit_tx_simple(cct, ISUP_RSC);
		cct_state_chg(cct, CCT_ST_RESET_PENDING);
		break;
	}
	return 0;
}

/* T5 (releasing) and T17 (reset pending) */
static void cct_long_timer_cb(void *data)
{
	struct isup_circuit *cct = data;
	if (cct->fi->state == CCT_ST_RELEASING) {
		/* Q.764 2.3.1: T5: RSC, alert maintenance, stop T1, start T17 */
		LOGPFSML(cct->fi, LOGL_ERROR, "T5 expired: no RLC for REL; maintenance alerted, RSC sent\n");
		cct->alarm = true;
		circuit_watch(cct);
		circuit_tx_simple(cct, ISUP_RSC);
		osmo_fsm_inst_state_chg(cct->fi, CCT_ST_RESET_PENDING, 0, 0);
		cgroup_timer_schedule(cct->cg, &cct->t_long, 17);
	} else if (cct->fi->state == CCT_ST_RESET_PENDING) {
		/* Q.764 2.9.3.1: T17: alert maintenance, stop T16, repeat RSC, restart T17: from now
		 * on the RSC is repeated every T17 only */
		LOGPFSML(cct->fi, LOGL_ERROR, "T17 expired: no RLC for RSC; maintenance alerted, RSC repeated\n");
		cct->alarm = true;
		circuit_watch(cct);
		osmo_fsm_inst_state_chg(cct->fi, CCT_ST_RESET_PENDING, 0, 0);	/* stops T16 */
		circuit_tx_simple(cct, ISUP_RSC);
		cgroup_timer_schedule(cct->cg, &cct->t_long, 17);
	}
}

#define RX_CALL (S(CCT_EV_RX_REL) | S(CCT_EV_RX_PASS))
static const struct osmo_fsm_state cct_fsm_states[] = {
	[CCT_ST_IDLE] = {
		.name = "idle",
		.in_event_mask = S(CCT_EV_RX_IAM) | S(CCT_EV_APP_IAM) | S(CCT_EV_RX_REL) | S(CCT_EV_RX_RLC) |
				 S(CCT_EV_RX_CCR),
		.out_state_mask = S(CCT_ST_IN_WAIT_COT) | S(CCT_ST_IN_WAIT_APP) | S(CCT_ST_OUT_WAIT_ACM) |
				  S(CCT_ST_RESET_PENDING) | S(CCT_ST_IDLE) | S(CCT_ST_RELEASING) |
				  S(CCT_ST_IN_RECHECK) | S(CCT_ST_OUT_COT) |
				  S(CCT_ST_ANSWERED),	/* a call restored at a takeover (isup_restore.c) */
		.onenter = st_idle_onenter,
		.action = st_idle,
	},
	[CCT_ST_OUT_WAIT_ACM] = {
		.name = "outgoing-wait-ACM",
		.in_event_mask = S(CCT_EV_RX_ACM) | S(CCT_EV_RX_CON) | S(CCT_EV_RX_ANM) | S(CCT_EV_RX_CPG) |
				 RX_CALL | S(CCT_EV_APP_FORWARD) | S(CCT_EV_APP_REL) | S(CCT_EV_RELEASE_LOCAL),
		.out_state_mask = S(CCT_ST_OUT_WAIT_ANM) | S(CCT_ST_ANSWERED) | S(CCT_ST_RELEASING) |
				  S(CCT_ST_IDLE) | S(CCT_ST_RESET_PENDING) | S(CCT_ST_OUT_WAIT_ACM),
		.action = st_out_wait_acm,
	},
	[CCT_ST_OUT_WAIT_ANM] = {
		.name = "outgoing-wait-ANM",
		.in_event_mask = S(CCT_EV_RX_ANM) | S(CCT_EV_RX_CPG) | RX_CALL | S(CCT_EV_APP_REL) |
				 S(CCT_EV_RELEASE_LOCAL),
		.out_state_mask = S(CCT_ST_ANSWERED) | S(CCT_ST_RELEASING) | S(CCT_ST_IDLE) |
				  S(CCT_ST_RESET_PENDING),
		.action = st_out_wait_anm,
	},
	[CCT_ST_IN_WAIT_COT] = {
		.name = "incoming-wait-COT",
		.in_event_mask = S(CCT_EV_RX_COT) | S(CCT_EV_RX_REL) | S(CCT_EV_RELEASE_LOCAL),
		.out_state_mask = S(CCT_ST_IN_WAIT_APP) | S(CCT_ST_RELEASING) | S(CCT_ST_IDLE) |
				  S(CCT_ST_RESET_PENDING) | S(CCT_ST_IN_WAIT_CCR),
		.action = circuit_st_in_wait_cot,
	},
	[CCT_ST_IN_WAIT_CCR] = {
		.name = "incoming-wait-CCR",
		.in_event_mask = S(CCT_EV_RX_CCR) | S(CCT_EV_RX_REL),
		.out_state_mask = S(CCT_ST_IN_RECHECK) | S(CCT_ST_IDLE) | S(CCT_ST_RESET_PENDING) |
				  S(CCT_ST_RELEASING),
		.action = circuit_st_in_wait_ccr,
	},
	[CCT_ST_IN_RECHECK] = {
		.name = "continuity-recheck",
		.in_event_mask = S(CCT_EV_RX_CCR) | S(CCT_EV_RX_COT) | S(CCT_EV_RX_REL),
		.out_state_mask = S(CCT_ST_IN_RECHECK) | S(CCT_ST_IN_WAIT_CCR) | S(CCT_ST_IDLE) |
				  S(CCT_ST_RESET_PENDING) | S(CCT_ST_RELEASING),
		.action = circuit_st_in_recheck,
	},
	[CCT_ST_IN_WAIT_APP] = {
		.name = "incoming-wait-call-layer",
		.in_event_mask = S(CCT_EV_RX_SAM) | RX_CALL | S(CCT_EV_APP_BACKWARD) | S(CCT_EV_APP_REL) |
				 S(CCT_EV_RELEASE_LOCAL),
		.out_state_mask = S(CCT_ST_IN_ACM_SENT) | S(CCT_ST_ANSWERED) | S(CCT_ST_RELEASING) |
				  S(CCT_ST_IDLE) | S(CCT_ST_RESET_PENDING),
		.action = st_in_wait_app,
	},
	[CCT_ST_IN_ACM_SENT] = {
		.name = "incoming-ACM-sent",
		.in_event_mask = RX_CALL | S(CCT_EV_APP_BACKWARD) | S(CCT_EV_APP_REL) | S(CCT_EV_RELEASE_LOCAL),
		.out_state_mask = S(CCT_ST_ANSWERED) | S(CCT_ST_RELEASING) | S(CCT_ST_IDLE) |
				  S(CCT_ST_RESET_PENDING),
		.action = st_in_acm_sent,
	},
	[CCT_ST_ANSWERED] = {
		.name = "answered",
		.in_event_mask = S(CCT_EV_RX_SUS) | RX_CALL | S(CCT_EV_APP_SUSRES) | S(CCT_EV_APP_BACKWARD) |
				 S(CCT_EV_APP_FORWARD) | S(CCT_EV_APP_REL) | S(CCT_EV_RELEASE_LOCAL),
		.out_state_mask = S(CCT_ST_SUSPENDED) | S(CCT_ST_RELEASING) | S(CCT_ST_IDLE) |
				  S(CCT_ST_RESET_PENDING),
		.action = st_answered,
	},
	[CCT_ST_SUSPENDED] = {
		.name = "suspended",
		.in_event_mask = S(CCT_EV_RX_RES) | S(CCT_EV_RX_SUS) | RX_CALL | S(CCT_EV_APP_SUSRES) |
				 S(CCT_EV_APP_REL) | S(CCT_EV_RELEASE_LOCAL),
		.out_state_mask = S(CCT_ST_ANSWERED) | S(CCT_ST_RELEASING) | S(CCT_ST_IDLE) |
				  S(CCT_ST_RESET_PENDING),
		.action = st_suspended,
	},
	[CCT_ST_RELEASING] = {
		.name = "releasing",
		.in_event_mask = S(CCT_EV_RX_RLC) | S(CCT_EV_RX_REL),
		.out_state_mask = S(CCT_ST_IDLE) | S(CCT_ST_RESET_PENDING) | S(CCT_ST_RELEASING),
		.action = st_releasing,
	},
	[CCT_ST_RESET_PENDING] = {
		.name = "reset-pending",
		.in_event_mask = S(CCT_EV_RX_RLC) | S(CCT_EV_RX_REL),
		.out_state_mask = S(CCT_ST_IDLE) | S(CCT_ST_RESET_PENDING),
		.action = st_reset_pending,
	},
	[CCT_ST_OUT_COT] = {
		.name = "outgoing-continuity-check",
		.in_event_mask = S(CCT_EV_COT_TONE) | S(CCT_EV_RX_REL) | S(CCT_EV_APP_FORWARD),
		.out_state_mask = S(CCT_ST_OUT_WAIT_ACM) | S(CCT_ST_OUT_RETEST) | S(CCT_ST_RELEASING) |
				  S(CCT_ST_IDLE) | S(CCT_ST_RESET_PENDING),
		.action = circuit_st_out_cot,
		.onleave = circuit_cot_out_onleave,
	},
	[CCT_ST_OUT_RETEST] = {
		.name = "continuity-retest-wait",
		.in_event_mask = S(CCT_EV_RX_REL),
		.out_state_mask = S(CCT_ST_OUT_RECHECK) | S(CCT_ST_IDLE) | S(CCT_ST_RESET_PENDING) | S(CCT_ST_RELEASING),
		.action = circuit_st_out_retest,
	},
	[CCT_ST_OUT_RECHECK] = {
		.name = "continuity-recheck-sent",
		.in_event_mask = S(CCT_EV_COT_TONE) | S(CCT_EV_RX_REL) | S(CCT_EV_RX_PASS),
		.out_state_mask = S(CCT_ST_OUT_RETEST) | S(CCT_ST_RELEASING) | S(CCT_ST_IDLE) |
				  S(CCT_ST_RESET_PENDING),
		.action = circuit_st_out_recheck,
		.onleave = circuit_cot_out_onleave,
	},
};

static struct osmo_fsm cct_fsm = {
	.name = "ISUP-circuit",
	.states = cct_fsm_states,
	.num_states = ARRAY_SIZE(cct_fsm_states),
	.allstate_event_mask = S(CCT_EV_APP_REL) | S(CCT_EV_RELEASE_LOCAL) | S(CCT_EV_RESET_RX) |
			       S(CCT_EV_RESET_TX) | S(CCT_EV_HW_BLOCK) | S(CCT_EV_ROUTE_LOST),
	.allstate_action = cct_allstate,
	.timer_cb = cct_timer_cb,
	.event_names = cct_event_names,
};

static __attribute__((constructor)) void cct_fsm_init(void)
{
	OSMO_ASSERT(osmo_fsm_register(&cct_fsm) == 0);
}

/* Allocate the circuit's call control FSM instance and its T5/T17 timer */
struct osmo_fsm_inst *circuit_fsm_alloc(struct isup_circuit *cct, const char *id)
{
	osmo_timer_setup(&cct->t_long, cct_long_timer_cb, cct);
	return osmo_fsm_inst_alloc(&cct_fsm, cct, cct, LOGL_DEBUG, id);
}

int circuit_call_start(struct isup_circuit *cct, struct isup_call *call)
{
	struct isup_msg iam;

	if (!call->iam)
		return -1;
	iam = *call->iam;
	iam.cic = cct->cic;
	circuit_cot_out_prepare(cct, &iam);
	cct->call = call;
	call->cct = cct;
	return osmo_fsm_inst_dispatch(cct->fi, CCT_EV_APP_IAM, &iam);
}

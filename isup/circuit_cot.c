/* The continuity check of an incoming circuit (Q.764 2.1.8): an IAM with "continuity check
 * required on this circuit" (nature of connection indicators) is held while the loop is
 * connected and the COT awaited (T8), one with "performed on the previous circuit" likewise
 * without the loop; a COT "continuity check failed" leaves the circuit waiting
 * for the re-check the outgoing exchange asks for with CCR (T27); a CCR connects the loop again
 * (LPA sent) and waits for the re-check's result, a COT or the REL that ends it (T36). T27 or
 * T36 expiry: the circuit is reset (RSC, T16/T17). The check of an outgoing circuit (our IAM
 * asks for it, our CCR, T24/T25/T26) is circuit_cot_out.c. */
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/fsm.h>

#include "isup/isup_log.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"
#include "isup/q850.h"

/* Q.763 3.18 continuity indicators, bit A: 1 = continuity check successful */
static bool cot_success(const struct isup_msg *msg)
{
	const struct isup_param *p = isup_msg_find_const(msg, ISUP_PRM_CONTINUITY_IND);
	return p && p->len && (p->val[0] & 1);
}

/* IAM received on an idle circuit: true when it is held for the COT (Q.764 2.1.8) */
bool circuit_iam_wait_cot(struct isup_circuit *cct, const struct isup_msg *iam)
{
	const struct isup_param *p = isup_msg_find_const(iam, ISUP_PRM_NCI);
	struct isup_nci nci = { 0 };
	if (p)
		isup_nci_decode(&nci, p->val, p->len);
	if (nci.continuity != 1 && nci.continuity != 2)
		return false;
	/* continuity check required on this circuit (the loop is connected) or performed on the
	 * previous circuit: T8 started */
	LOGPFSML(cct->fi, LOGL_INFO, "IAM with continuity check %s: waiting for COT\n",
		 nci.continuity == 1 ? "required (loop connected)" : "on the previous circuit");
	cct->iam_cot_required = nci.continuity == 1;
	cct->pending_iam = talloc_memdup(cct, iam, sizeof(*iam));
	circuit_state_chg(cct, CCT_ST_IN_WAIT_COT);
	return true;
}

/* COT failure: the loop is removed, the call not set up; T27 waits for the CCR */
static void cot_failed(struct isup_circuit *cct)
{
	LOGPFSML(cct->fi, LOGL_NOTICE, "continuity check failed: waiting for the re-check (CCR)\n");
	TALLOC_FREE(cct->pending_iam);
	circuit_state_chg(cct, CCT_ST_IN_WAIT_CCR);
}

/* IAM held, T8 running */
void circuit_st_in_wait_cot(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_circuit *cct = fi->priv;
	const struct isup_msg *msg = data;
	struct isup_msg *iam;

	switch (event) {
	case CCT_EV_RX_REL:
		/* Q.784.1 6.1.3: the calling party clears during the check */
		circuit_rx_rel(cct, msg);
		break;
	case CCT_EV_RX_COT:
		if (!cot_success(msg) && !cct->iam_cot_required) {
			/* the previous circuit failed: its exchange repeats or releases the call, T8
			 * bounds the wait */
			LOGPFSML(fi, LOGL_NOTICE, "continuity check on the previous circuit failed: call held\n");
			break;
		}
		if (!cot_success(msg)) {
			cot_failed(cct);
			break;
		}
		/* the loop is removed, the call goes on */
		iam = cct->pending_iam;
		cct->pending_iam = NULL;
		circuit_deliver_iam(cct, iam);
		talloc_free(iam);
		break;
	}
}

/* CCR received (idle, waiting for it, or repeated during the re-check): loop connected, LPA
 * (Q.763 loop back acknowledgement), T36 started */
void circuit_rx_ccr(struct isup_circuit *cct)
{
	LOGPFSML(cct->fi, LOGL_INFO, "CCR: loop connected for the continuity re-check\n");
	circuit_tx_simple(cct, ISUP_LPA);
	circuit_state_chg(cct, CCT_ST_IN_RECHECK);
}

/* CCR (a new re-check) or REL (the outgoing exchange gives the circuit back) */
static void ccr_or_rel(struct isup_circuit *cct, uint32_t event, void *data)
{
	if (event == CCT_EV_RX_CCR)
		circuit_rx_ccr(cct);
	else if (event == CCT_EV_RX_REL)
		circuit_rx_rel(cct, data);
}

/* COT failure received, T27 running */
void circuit_st_in_wait_ccr(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	ccr_or_rel(fi->priv, event, data);
}

/* The re-check: the loop connected, T36 running. A REL ends it (a successful re-check, the
 * outgoing exchange returns the circuit to idle); a COT reports the result. */
void circuit_st_in_recheck(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_circuit *cct = fi->priv;

	if (event != CCT_EV_RX_COT) {
		ccr_or_rel(cct, event, data);
		return;
	}
	if (!cot_success(data)) {
		cot_failed(cct);
		return;
	}
	LOGPFSML(fi, LOGL_NOTICE, "continuity re-check successful: loop removed, circuit idle\n");
	circuit_state_chg(cct, CCT_ST_IDLE);
}

/* T8 (no COT), T27 (no CCR), T36 (no COT/REL after CCR) */
void circuit_cot_timeout(struct isup_circuit *cct, int T)
{
	switch (T) {
	case 8:	/* Q.764 2.1.8: no COT: release */
		LOGPFSML(cct->fi, LOGL_NOTICE, "T8 expired: no COT, releasing\n");
		circuit_start_release(cct, Q850_RECOVERY_ON_TIMER_EXPIRY);
		break;
	case 27: /* Q.764 2.1.8: no CCR after the failed check: the circuit is reset */
		LOGPFSML(cct->fi, LOGL_NOTICE, "T27 expired: no CCR, circuit reset\n");
		circuit_send_rsc(cct);
		break;
	case 36: /* Q.764 2.1.8: no COT or REL after the CCR: the circuit is reset */
		LOGPFSML(cct->fi, LOGL_NOTICE, "T36 expired: no COT or REL after CCR, circuit reset\n");
		circuit_send_rsc(cct);
		break;
	}
}

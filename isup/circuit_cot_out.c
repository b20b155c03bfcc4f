/* The continuity check of an outgoing circuit (Q.764 2.1.8): the circuit group's
 * "continuity-check off|required|statistical PERCENT" decides per call whether the IAM carries
 * NCI "continuity check required on this circuit"; then the application's check-tone
 * transceiver (isup_cot.h) is connected to the circuit's bearer and T24 started. The tone back
 * before T24: COT "successful", the call goes on (T7). T24 expiry: COT "failed", the call is
 * repeated on another circuit (automatic repeat attempt, Q.764 2.1.8 / Q.784.1 6.2.4) and the
 * circuit is re-tested: T25, then CCR with the transceiver connected again (T24); tone back: REL
 * returns the circuit to idle; no tone: COT "failed" and CCR again every T26. Meanwhile the
 * circuit is not idle, so no call selects it. */
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/utils.h>

#include "isup/isup_log.h"
#include "isup/isup_node.h"
#include "isup/isup_cot.h"
#include "isup/cgroup.h"
#include "isup/q850.h"

const struct value_string cg_cot_mode_names[] = {
	{ CG_COT_OFF, "off" },
	{ CG_COT_REQUIRED, "required" },
	{ CG_COT_STATISTICAL, "statistical" },
	{ 0, NULL }
};

void isup_cot_register(struct isup_node *node, const struct isup_cot_ops *ops, void *app)
{
	node->cot_ops = ops;
	node->cot_app = app;
}

/* Q.764 2.1.8: whether this call's IAM asks for a check. "statistical N": N calls in 100, spread
 * evenly (an accumulator rather than a random draw, so the share is exact over 100 calls) */
static bool cot_wanted(struct isup_cgroup *cg)
{
	switch (cg->cot_mode) {
	case CG_COT_REQUIRED:
		return true;
	case CG_COT_STATISTICAL:
		cg->cot_acc += cg->cot_percent;
		if (cg->cot_acc < 100)
			return false;
		cg->cot_acc -= 100;
		return true;
	default:
		return false;
	}
}

/* Q.763 3.35 bits DC of the NCI: 01 when we make the check; a "required" the layer above put in
 * becomes "not required" otherwise (no check is made, the far end would wait for a COT in vain) */
void circuit_cot_out_prepare(struct isup_circuit *cct, struct isup_msg *iam)
{
	const struct isup_param *p = isup_msg_find_const(iam, ISUP_PRM_NCI);
	struct isup_nci nci = { 0 };
	uint8_t raw[4];
	int len;

	cct->cot_out = cct->bearer && cct->cg->node->cot_ops && cot_wanted(cct->cg);
	if (p)
		isup_nci_decode(&nci, p->val, p->len);
	if (!cct->cot_out && nci.continuity != 1)
		return;
	nci.continuity = cct->cot_out ? 1 : 0;
	len = isup_nci_encode(&nci, raw, sizeof(raw));
	if (len > 0)
		isup_msg_set(iam, ISUP_PRM_NCI, raw, len);
}

static void tx_cot(struct isup_circuit *cct, bool success)
{
	struct isup_msg m;
	uint8_t ind = success ? 1 : 0;	/* Q.763 3.18 bit A */
	isup_msg_init(&m, cct->cg->node->cfg.variant, ISUP_COT, cct->cic);
	isup_msg_set(&m, ISUP_PRM_CONTINUITY_IND, &ind, 1);
	cgroup_tx(cct->cg, &m);
}

static void transceiver_connect(struct isup_circuit *cct)
{
	const struct isup_cot_ops *ops = cct->cg->node->cot_ops;
	cct->cot_handle = ops->connect(cct->cg->name, cct->cic, cct->bearer, cct, cct->cg->node->cot_app);
	if (!cct->cot_handle)
		LOGPFSML(cct->fi, LOGL_ERROR, "no check-tone transceiver for bearer %s: the check fails at T24\n",
			 cct->bearer);
}

void circuit_cot_out_disconnect(struct isup_circuit *cct)
{
	const struct isup_cot_ops *ops = cct->cg->node->cot_ops;
	if (cct->cot_handle && ops)
		ops->disconnect(cct->cot_handle, cct->cg->node->cot_app);
	cct->cot_handle = NULL;
}

/* The IAM went out with the check asked for: transceiver connected, T24 */
void circuit_cot_out_start(struct isup_circuit *cct)
{
	LOGPFSML(cct->fi, LOGL_INFO, "continuity check: check tone on bearer %s\n", cct->bearer);
	transceiver_connect(cct);
	circuit_state_chg(cct, CCT_ST_OUT_COT);
}

void isup_cot_tone_returned(void *token)
{
	struct isup_circuit *cct = token;
	osmo_fsm_inst_dispatch(cct->fi, CCT_EV_COT_TONE, NULL);
}

/* the re-test: T25 after the failed check, T26 after a failed re-check (Q.764 2.1.8) */
static void retest_wait(struct isup_circuit *cct, int T)
{
	osmo_fsm_inst_state_chg_ms(cct->fi, CCT_ST_OUT_RETEST, cgroup_T_ms(cct->cg, T), T);
}

/* T24 during the call set-up: COT failure, the call to another circuit, this one re-tested */
static void check_failed(struct isup_circuit *cct)
{
	struct isup_call *call = cct->call;

	LOGPFSML(cct->fi, LOGL_NOTICE, "T24 expired: no check tone back, COT failure; re-test in T25\n");
	circuit_cot_out_disconnect(cct);
	tx_cot(cct, false);
	cct->cot_failures = 1;
	retest_wait(cct, 25);
	if (!call)
		return;
	cct->call = NULL;
	call->cct = NULL;
	if (!call_repeat_attempt(call))
		call_release_ind(call, Q850_TEMPORARY_FAILURE, NULL);
}

/* T24 in the re-check: COT failure, CCR again after T26; maintenance alerted from the second */
static void recheck_failed(struct isup_circuit *cct)
{
	circuit_cot_out_disconnect(cct);
	tx_cot(cct, false);
	cct->cot_failures++;
	LOGPFSML(cct->fi, cct->cot_failures >= 2 ? LOGL_ERROR : LOGL_NOTICE,
		 "continuity re-check failed (%u failures): COT failure, CCR again in T26%s\n", cct->cot_failures,
		 cct->cot_failures >= 2 ? "; maintenance alerted" : "");
	retest_wait(cct, 26);
}

/* T24 (check or re-check), T25 / T26 (re-test wait) */
void circuit_cot_out_timeout(struct isup_circuit *cct, int T)
{
	if (T == 24 && cct->fi->state == CCT_ST_OUT_COT) {
		check_failed(cct);
	} else if (T == 24) {
		recheck_failed(cct);
	} else {
		/* Q.764 2.1.8: the re-check: CCR, the transceiver connected, T24 */
		LOGPFSML(cct->fi, LOGL_NOTICE, "T%d expired: continuity re-check, CCR sent\n", T);
		circuit_tx_simple(cct, ISUP_CCR);
		transceiver_connect(cct);
		circuit_state_chg(cct, CCT_ST_OUT_RECHECK);
	}
}

/* IAM sent with the check required, T24 running */
void circuit_st_out_cot(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_circuit *cct = fi->priv;

	switch (event) {
	case CCT_EV_COT_TONE:
		LOGPFSML(fi, LOGL_INFO, "check tone back: COT successful\n");
		circuit_cot_out_disconnect(cct);
		tx_cot(cct, true);
		circuit_state_chg(cct, CCT_ST_OUT_WAIT_ACM);	/* T7 from the COT (Q.764 2.1.5) */
		break;
	case CCT_EV_APP_FORWARD:
		cgroup_tx(cct->cg, data);	/* SAM during the check */
		break;
	case CCT_EV_RX_REL:
		circuit_cot_out_disconnect(cct);
		circuit_rx_rel(cct, data);
		break;
	}
}

/* COT failure sent, T25 or T26 running until the next CCR */
void circuit_st_out_retest(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	if (event == CCT_EV_RX_REL)	/* the far end gives the circuit back: RLC, idle */
		circuit_rx_rel(fi->priv, data);
}

/* CCR sent, transceiver connected, T24 running */
void circuit_st_out_recheck(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_circuit *cct = fi->priv;
	const struct isup_msg *msg = data;

	switch (event) {
	case CCT_EV_COT_TONE:
		/* Q.764 2.1.8: the re-check successful: REL returns the circuit to idle */
		LOGPFSML(fi, LOGL_NOTICE, "continuity re-check successful: REL, circuit back to idle\n");
		circuit_cot_out_disconnect(cct);
		cct->cot_failures = 0;
		circuit_start_release(cct, Q850_NORMAL_CLEARING);
		break;
	case CCT_EV_RX_PASS:
		if (msg->type == ISUP_LPA)
			LOGPFSML(fi, LOGL_INFO, "LPA: the far end's loop is connected\n");
		break;
	case CCT_EV_RX_REL:
		circuit_cot_out_disconnect(cct);
		circuit_rx_rel(cct, msg);
		break;
	}
}

/* leaving a state with the transceiver connected (reset, blocking, release) */
void circuit_cot_out_onleave(struct osmo_fsm_inst *fi, uint32_t next_state)
{
	circuit_cot_out_disconnect(fi->priv);
}

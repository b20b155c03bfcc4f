/* Circuit group query (Q.764 2.8.3), the side that sent the CQM: the circuit state indicators
 * (Q.763 3.14) of the CQR are compared with the local states and the mismatches resolved:
 * - maintenance blocking: the far end's own blocking is taken over (remote blocking marked or
 *   removed here); a blocking of ours the far end does not know is signalled again (BLO), one it
 *   knows and we do not have is removed (UBL);
 * - hardware blocking: the far end's own is taken over (calls released); a blocking of ours the
 *   far end does not know is signalled again (CGB, hardware failure oriented), one it knows and we
 *   do not have is removed (CGU, hardware failure oriented) - one CGB or CGU for the CQR's range
 *   with the mismatched circuits in its status (a range 0 CQR: range 1, the second bit clear);
 * - call processing: a circuit busy at one end and idle at the other, or busy in the same
 *   direction at both, is reset (RSC); transient states at either end are left alone;
 * - unequipped at the far end: the circuit is taken out of service as on UCIC. */
#include <osmocom/core/logging.h>
#include <osmocom/core/fsm.h>

#include "isup/isup_log.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"

/* Q.763 3.14: bits BA maintenance blocking (or, with DC = 00, 00 transient / 11 unequipped),
 * DC call processing (01 incoming busy, 10 outgoing busy, 11 idle), FE hardware blocking */
#define CSI_BA(o) ((o) & 3)
#define CSI_DC(o) (((o) >> 2) & 3)
#define CSI_FE(o) (((o) >> 4) & 3)
#define CSI_LOCAL 1
#define CSI_REMOTE 2
#define CSI_IDLE 3

/* our call processing state as the far end would code it: 0 transient, 1 / 2 / 3 */
static unsigned int local_dc(const struct isup_circuit *cct)
{
	/* Q.764 2.8.3: after an IAM sent and before the first backward message, after REL sent
	 * and before RLC: transient; so is a circuit being reset */
	if (cct->fi->state == CCT_ST_OUT_WAIT_ACM || cct->grs_pending)
		return 0;
	return CSI_DC(circuit_state_ind(cct));
}

static void cqr_maintenance(struct isup_circuit *cct, uint8_t csi)
{
	bool far_local = CSI_BA(csi) & CSI_LOCAL, far_remote = CSI_BA(csi) & CSI_REMOTE;
	if (far_local != cct->rbl_maint) {
		LOGPFSML(cct->fi, LOGL_NOTICE, "CQR: far end %s: remote blocking %s\n",
			 far_local ? "blocked the circuit" : "has no blocking", far_local ? "marked" : "removed");
		cct->rbl_maint = far_local;
		circuit_blk_update(cct);
	}
	if (cct->blk_fi->state == BLK_ST_BLO_SENT || cct->blk_fi->state == BLK_ST_UBL_SENT)
		return;	/* a procedure of ours is under way */
	if (cct->lbl_maint && !far_remote) {
		LOGPFSML(cct->fi, LOGL_NOTICE, "CQR: our blocking unknown at the far end: BLO sent\n");
		circuit_block(cct, true);
	} else if (!cct->lbl_maint && far_remote) {
		LOGPFSML(cct->fi, LOGL_NOTICE, "CQR: far end blocked by us, not here: UBL sent\n");
		circuit_block(cct, false);
	}
}

/* the hardware blocking mismatches of one CQR (bit i: CIC cqr->cic + i), resolved after it */
struct cqr_hw {
	uint32_t cgb, cgu;
};

static void cqr_hardware(struct isup_circuit *cct, uint8_t csi, unsigned int i, struct cqr_hw *hw)
{
	bool far_local = CSI_FE(csi) & CSI_LOCAL, far_remote = CSI_FE(csi) & CSI_REMOTE;
	if (far_local != cct->rbl_hw) {
		LOGPFSML(cct->fi, LOGL_NOTICE, "CQR: far end hardware blocking %s\n", far_local ? "marked" : "removed");
		circuit_remote_group_block(cct, far_local, true);
	}
	if (far_remote == cct->lbl_hw)
		return;
	LOGPFSML(cct->fi, LOGL_NOTICE, "CQR: hardware blocking of ours %s at the far end: %s\n",
		 cct->lbl_hw ? "unknown" : "still set", cct->lbl_hw ? "CGB" : "CGU");
	if (cct->lbl_hw)
		hw->cgb |= 1u << i;
	else
		hw->cgu |= 1u << i;
}

/* Q.764 2.8.3: CGB / CGU (hardware failure oriented) for the mismatches; one group blocking
 * procedure at a time: with both kinds, or a CGB/CGU of ours under way, the rest waits for the
 * next query */
static void cqr_hw_resolve(struct isup_cgroup *cg, uint16_t cic, uint8_t range, const struct cqr_hw *hw)
{
	bool block = hw->cgb != 0;
	if (!hw->cgb && !hw->cgu)
		return;
	if (cg->cgb_fi->state != CGSUP_ST_IDLE || (hw->cgb && hw->cgu))
		LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: CQR cic=%u: %s hardware mismatches left for the next "
		     "query\n", cg->name, cic, cg->cgb_fi->state != CGSUP_ST_IDLE ? "the" : "the CGU");
	if (cg->cgb_fi->state != CGSUP_ST_IDLE)
		return;
	cgroup_send_cgb_mask(cg, block, cic, range ? range : 1, block ? hw->cgb : hw->cgu, true);
}

static void cqr_call_state(struct isup_circuit *cct, uint8_t csi)
{
	unsigned int far = CSI_DC(csi), ours = local_dc(cct);
	if (ours == 0)
		return;
	/* the far end's incoming busy is our outgoing busy and the reverse */
	if ((far == CSI_IDLE && ours == CSI_IDLE) || (far == 1 && ours == 2) || (far == 2 && ours == 1))
		return;
	LOGPFSML(cct->fi, LOGL_NOTICE, "CQR: call state mismatch (far end %u, here %u): circuit reset\n", far, ours);
	circuit_send_rsc(cct);
}

static void cqr_circuit(struct isup_circuit *cct, uint8_t csi, unsigned int i, struct cqr_hw *hw)
{
	if (CSI_DC(csi) == 0) {
		if (CSI_BA(csi) == 3 && !cct->lbl_maint) {
			LOGPFSML(cct->fi, LOGL_ERROR, "CQR: circuit unequipped at the far end: locally blocked\n");
			circuit_far_unequipped(cct);
		}
		return;	/* transient at the far end: no action */
	}
	cqr_maintenance(cct, csi);
	cqr_hardware(cct, csi, i, hw);
	cqr_call_state(cct, csi);
}

void cgroup_cqr_compare(struct isup_cgroup *cg, const struct isup_msg *cqr)
{
	const struct isup_param *p = isup_msg_find_const(cqr, ISUP_PRM_CIRCUIT_STATE_IND);
	struct isup_range_status rs;
	struct cqr_hw hw = { 0 };
	if (cgroup_msg_get_rs(cqr, &rs) < 0 || !p || rs.range != cg->cqm_range || p->len != rs.range + 1u) {
		LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: CQR cic=%u does not match the CQM (range %u): "
		     "not compared\n", cg->name, cqr->cic, cg->cqm_range);
		return;
	}
	for (unsigned int i = 0; i <= rs.range; i++) {
		struct isup_circuit *cct = cgroup_node_cct(cg->node, cg->dpc, cqr->cic + i);
		if (cct)
			cqr_circuit(cct, p->val[i], i, &hw);
	}
	cqr_hw_resolve(cg, cqr->cic, rs.range, &hw);
}

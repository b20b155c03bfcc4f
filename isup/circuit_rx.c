/* One ISUP circuit: the object (its call control and blocking FSMs), the messages received for
 * it, reset (Q.764 2.9.3), and its state as the maintenance commands and CQR show it. */
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/utils.h>

#include "isup/isup_log.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"

struct isup_circuit *circuit_alloc(struct isup_cgroup *cg, uint16_t cic, const char *bearer)
{
	struct isup_circuit *cct = talloc_zero(cg, struct isup_circuit);
	char id[64];
	cct->cg = cg;
	cct->cic = cic;
	cct->bearer = bearer ? talloc_strdup(cct, bearer) : NULL;
	snprintf(id, sizeof(id), "%s-cic%u", cg->name, cic);
	osmo_identifier_sanitize_buf(id, NULL, '_');
	cct->fi = circuit_fsm_alloc(cct, id);
	cct->blk_fi = circuit_blk_alloc(cct, id);
	return cct;
}

void circuit_free(struct isup_circuit *cct)
{
	if (cct->call) {
		struct isup_call *call = cct->call;
		cct->call = NULL;
		call->cct = NULL;
		talloc_free(call);
	}
	osmo_timer_del(&cct->t_long);
	circuit_cot_out_disconnect(cct);
	circuit_blk_free(cct);
	osmo_fsm_inst_free(cct->fi);
	talloc_free(cct);
}

bool circuit_idle(const struct isup_circuit *cct)
{
	return cct->fi->state == CCT_ST_IDLE;
}

/* Usable for a new outgoing call: idle, no blocking either way, not being reset */
bool circuit_usable_out(const struct isup_circuit *cct)
{
	return circuit_idle(cct) && !cct->lbl_maint && !cct->lbl_hw && !cct->rbl_maint && !cct->rbl_hw &&
	       !cct->grs_pending;
}

const char *circuit_state_name(const struct isup_circuit *cct)
{
	return osmo_fsm_inst_state_name(cct->fi);
}

const char *circuit_mnt_str(const struct isup_circuit *cct, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s%s",
		 cct->lbl_maint ? "local-maint," : "", cct->lbl_hw ? "local-hw," : "",
		 cct->rbl_maint ? "remote-maint," : "", cct->rbl_hw ? "remote-hw," : "",
		 circuit_blk_wait_str(cct), cct->grs_pending ? "GRS-pending," : "", cct->alarm ? "ALARM," : "");
	if (!buf[0])
		snprintf(buf, len, "unblocked");
	else
		buf[strlen(buf) - 1] = 0;
	return buf;
}

/* Q.763 3.14 circuit state indicator */
uint8_t circuit_state_ind(const struct isup_circuit *cct)
{
	uint8_t ba, dc, fe;
	switch (cct->fi->state) {
	case CCT_ST_IDLE: dc = 3; break;
	case CCT_ST_RELEASING:
	case CCT_ST_RESET_PENDING: dc = 0; break;	/* transient */
	default: dc = cct->call && cct->call->outgoing ? 2 : 1; break;
	}
	ba = (cct->lbl_maint ? 1 : 0) | (cct->rbl_maint ? 2 : 0);
	fe = (cct->lbl_hw ? 1 : 0) | (cct->rbl_hw ? 2 : 0);
	if (dc == 0)
		ba = 0;
	return ba | (dc << 2) | (fe << 4);
}

static enum cct_event msg_event(uint8_t type)
{
	switch (type) {
	case ISUP_IAM: return CCT_EV_RX_IAM;
	case ISUP_SAM: return CCT_EV_RX_SAM;
	case ISUP_COT: return CCT_EV_RX_COT;
	case ISUP_ACM: return CCT_EV_RX_ACM;
	case ISUP_CPG: return CCT_EV_RX_CPG;
	case ISUP_ANM: return CCT_EV_RX_ANM;
	case ISUP_CON: return CCT_EV_RX_CON;
	case ISUP_REL: return CCT_EV_RX_REL;
	case ISUP_RLC: return CCT_EV_RX_RLC;
	case ISUP_SUS: return CCT_EV_RX_SUS;
	case ISUP_RES: return CCT_EV_RX_RES;
	case ISUP_CCR: return CCT_EV_RX_CCR;
	default: return CCT_EV_RX_PASS;
	}
}

static bool event_permitted(struct osmo_fsm_inst *fi, uint32_t ev)
{
	return (fi->fsm->states[fi->state].in_event_mask & (1 << ev)) || (fi->fsm->allstate_event_mask & (1 << ev));
}

/* Maintenance / call messages for this circuit (group messages are handled in cgroup_rx.c) */
void circuit_rx(struct isup_circuit *cct, const struct isup_msg *msg)
{
	struct osmo_fsm_inst *fi = cct->fi;
	enum cct_event ev;

	switch (msg->type) {
	case ISUP_RSC:
		circuit_reset_rx(cct, false);
		return;
	case ISUP_BLO:
	case ISUP_UBL:
	case ISUP_BLA:
	case ISUP_UBA:
		circuit_rx_blocking(cct, msg);
		return;
	}

	ev = msg_event(msg->type);
	if (ev == CCT_EV_RX_IAM && (cct->fi->state == CCT_ST_OUT_WAIT_ACM || cct->fi->state == CCT_ST_OUT_COT)) {
		if (!circuit_dual_seizure(cct))
			return;
	}
	if (!event_permitted(fi, ev)) {
		/* Q.764 2.10.5.1: unexpected message */
		if (fi->state == CCT_ST_IDLE) {
			LOGPFSML(fi, LOGL_NOTICE, "unexpected %s on an idle circuit: circuit reset\n",
				 isup_msg_name(msg->type));
			circuit_send_rsc(cct);
		} else {
			LOGPFSML(fi, LOGL_NOTICE, "unexpected %s in state %s discarded\n", isup_msg_name(msg->type),
				 osmo_fsm_inst_state_name(fi));
		}
		return;
	}
	osmo_fsm_inst_dispatch(fi, ev, (void *)msg);
}

void circuit_reset_rx(struct isup_circuit *cct, bool from_grs)
{
	/* Q.764 2.9.3.1 b)/c): a reset removes remote blocking; local blocking is signalled again */
	cct->rbl_maint = false;
	cct->rbl_hw = false;
	circuit_blk_update(cct);
	if (cct->fi->state != CCT_ST_IDLE || cct->call)
		osmo_fsm_inst_dispatch(cct->fi, CCT_EV_RESET_RX, NULL);
	if (!from_grs) {
		if (cct->lbl_maint)
			circuit_tx_simple(cct, ISUP_BLO);
		circuit_tx_simple(cct, ISUP_RLC);
	}
}

void circuit_route_lost(struct isup_circuit *cct)
{
	if (cct->fi->state != CCT_ST_IDLE || cct->call)
		osmo_fsm_inst_dispatch(cct->fi, CCT_EV_ROUTE_LOST, NULL);
}

/* Q.764 2.12: the circuit is not equipped at the far exchange: it is taken out of service
 * (locally maintenance blocked), its call (if any) released */
void circuit_far_unequipped(struct isup_circuit *cct)
{
	cct->lbl_maint = true;
	circuit_blk_update(cct);
	if (cct->call || !circuit_idle(cct))
		osmo_fsm_inst_dispatch(cct->fi, CCT_EV_HW_BLOCK, NULL);
}

void circuit_send_rsc(struct isup_circuit *cct)
{
	osmo_fsm_inst_dispatch(cct->fi, CCT_EV_RESET_TX, NULL);
}

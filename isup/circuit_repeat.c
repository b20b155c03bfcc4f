/* The automatic repeat attempt of an outgoing call on another circuit, from the circuit's side
 * (Q.764 2.8.2.1 blocking after the IAM, 2.9.1.4 dual seizure; the continuity check failure is
 * in circuit_cot_out.c); the new circuit is chosen by call_repeat_attempt (cgroup_rx.c). */
#include <osmocom/core/logging.h>
#include <osmocom/core/fsm.h>

#include "isup/isup_log.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"
#include "isup/q850.h"

/* Q.764 2.8.2.1: BLO after an IAM sent, before any backward message: the call is released on
 * this circuit and repeated on another one */
void circuit_release_for_repeat(struct isup_circuit *cct)
{
	struct isup_call *call = cct->call;
	cct->call = NULL;
	call->cct = NULL;
	circuit_start_release(cct, Q850_TEMPORARY_FAILURE);
	if (!call_repeat_attempt(call))
		call_release_ind(call, Q850_NO_CIRCUIT_AVAILABLE, NULL);
}

/* Q.764 2.9.1.4: dual seizure. Returns true when the received IAM is to be processed. */
bool circuit_dual_seizure(struct isup_circuit *cct)
{
	struct isup_call *call = cct->call;
	cct->cg->dual_seizures++;
	if (cgroup_controls(cct->cg, cct->cic)) {
		LOGPFSML(cct->fi, LOGL_NOTICE, "dual seizure: we control CIC %u, received IAM disregarded\n", cct->cic);
		return false;
	}
	LOGPFSML(cct->fi, LOGL_NOTICE, "dual seizure: the other side controls CIC %u, backing off, "
		 "repeat attempt on another circuit\n", cct->cic);
	/* give up the circuit without any message; the call moves on */
	cct->call = NULL;
	call->cct = NULL;
	osmo_fsm_inst_state_chg(cct->fi, CCT_ST_IDLE, 0, 0);
	if (!call_repeat_attempt(call))
		call_release_ind(call, Q850_NO_CIRCUIT_AVAILABLE, NULL);
	return true;
}

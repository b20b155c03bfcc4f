/* The ISUP side of a takeover (isup_takeover.h): an answered call re-created on its circuit,
 * one circuit reset or blocked, as the layer above read them back from the dead node's state. */
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/fsm.h>

#include "isup/isup_log.h"
#include "isup/isup_node.h"
#include "isup/isup_takeover.h"
#include "isup/cgroup.h"

static struct isup_circuit *find_cct(struct isup_node *node, const char *group, uint16_t cic)
{
	struct isup_cgroup *cg = cgroup_find(node, group);
	return cg && cg->started ? cgroup_cct(cg, cic) : NULL;
}

struct isup_call *isup_call_restore(struct isup_node *node, const char *group, uint16_t cic, uint32_t dpc,
				    bool incoming, void *priv)
{
	struct isup_circuit *cct = find_cct(node, group, cic);
	struct isup_call *call;

	if (!cct || !cct->cg->dpc_valid || cct->cg->dpc != dpc || !circuit_idle(cct) || cct->call)
		return NULL;
	call = talloc_zero(node, struct isup_call);
	call->node = node;
	call->cg = cct->cg;
	call->cct = cct;
	call->outgoing = !incoming;
	call->priv = priv;
	call->cic = cic;
	cct->call = call;
	/* the answered state (Q.764 2.1.7 / 2.1.4.7 done at the dead node): a REL from the exchange
	 * is answered RLC and reported up, the layer above's release sends REL (Q.764 2.3) */
	cct->st_answered = true;
	cct->st_released = false;
	if (incoming)
		cct->calls_in++;
	else
		cct->calls_out++;
	circuit_state_chg(cct, CCT_ST_ANSWERED);
	LOGPFSML(cct->fi, LOGL_NOTICE, "takeover: %s answered call restored\n", incoming ? "incoming" : "outgoing");
	return call;
}

int isup_circuit_idle(struct isup_node *node, const char *group, uint16_t cic)
{
	struct isup_circuit *cct = find_cct(node, group, cic);
	if (!cct)
		return -1;
	return circuit_idle(cct) && !cct->call ? 1 : 0;
}

int isup_circuit_reset(struct isup_node *node, const char *group, uint16_t cic)
{
	struct isup_circuit *cct = find_cct(node, group, cic);
	if (!cct || !circuit_idle(cct) || cct->call)
		return -1;
	circuit_send_rsc(cct);
	return 0;
}

int isup_circuit_block(struct isup_node *node, const char *group, uint16_t cic)
{
	struct isup_circuit *cct = find_cct(node, group, cic);
	if (!cct)
		return -1;
	return circuit_block(cct, true) < 0 ? -1 : 0;
}

int isup_circuit_remote_blocked(struct isup_node *node, const char *group, uint16_t cic)
{
	struct isup_circuit *cct = find_cct(node, group, cic);
	if (!cct)
		return -1;
	cct->rbl_maint = true;
	circuit_blk_update(cct);
	return 0;
}

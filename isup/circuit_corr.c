/* The correlation id of a circuit's call (e.g. its SIP Call-ID): set by the layer above, kept on
 * the circuit from then until the circuit is idle again, so that every ISUP message of the call,
 * the RLC after the call has gone included, can be tied to it by a capture (HEP). */
#include <osmocom/core/talloc.h>

#include "isup/isup_node.h"
#include "isup/cgroup.h"

void isup_call_set_corr(struct isup_call *call, const char *corr)
{
	struct isup_circuit *cct = call->cct;

	if (!cct)
		return;
	talloc_free(cct->corr);
	cct->corr = corr && corr[0] ? talloc_strdup(cct, corr) : NULL;
}

/* the call moved to another circuit (automatic repeat attempt, Q.764 2.9.1.4) */
void circuit_corr_move(struct isup_circuit *from, struct isup_circuit *to)
{
	if (!from || !from->corr || from == to)
		return;
	talloc_free(to->corr);
	to->corr = talloc_steal(to, from->corr);
	from->corr = NULL;
}

const char *isup_node_corr(struct isup_node *node, uint32_t remote_pc, uint16_t cic)
{
	struct isup_circuit *cct = cgroup_node_cct(node, remote_pc, cic);

	return cct ? cct->corr : NULL;
}

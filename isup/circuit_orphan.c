/* Releasing a circuit that has no call on this node (isup_circuit_release_orphan, isup_call.h):
 * the node took over a point code from a node that died with calls not yet answered (issue 19,
 * the HA takeover). The far exchange still has the call; nothing here knows it. The circuit is
 * idle here, so the release is a plain Q.764 2.3.1 release from the idle state: REL, T1 and T5,
 * idle on RLC; T1 repeats the REL, T5 ends in RSC (Q.764 2.3.1 / 2.9.6: an exchange that never
 * answers RLC). A REL or an RSC from the exchange meanwhile is handled by the circuit FSM as in
 * any release (REL collision: RLC, idle; RSC: reset). */
#include <errno.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>

#include "isup/isup_log.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"

int isup_circuit_release_orphan(struct isup_node *node, const char *group, uint16_t cic, uint32_t dpc,
				uint8_t cause)
{
	struct isup_cgroup *cg = cgroup_find(node, group);
	struct isup_circuit *cct = cg ? cgroup_cct(cg, cic) : NULL;

	if (!cct)
		return -ENOENT;
	if (cg->dpc != dpc)
		return -EINVAL;
	/* a call of this node, or a release / reset already running, is left alone */
	if (cct->call || !circuit_idle(cct))
		return -EBUSY;
	cct->rel_loc1 = 0;
	TALLOC_FREE(cct->rel_msg);
	LOGP(DISUP, LOGL_NOTICE, "circuit-group %s CIC %u: no call here, released with cause %u\n", cg->name,
	     cic, cause);
	circuit_start_release(cct, cause);
	return 0;
}

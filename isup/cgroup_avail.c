/* Whether a circuit group could take an outgoing call now: the question the layer above asks
 * before it tells a SIP load balancer that it takes calls (OPTIONS busy-out, issue 19). The
 * same conditions as isup_call_setup() and its circuit selection (Q.764 2.9.1.3), without
 * seizing anything. */
#include "isup/isup_node.h"
#include "isup/cgroup.h"
#include "isup/isup_mtp.h"

const struct value_string isup_group_out_names[] = {
	{ ISUP_OUT_AVAILABLE, "available" },
	{ ISUP_OUT_NO_GROUP, "no such circuit group" },
	{ ISUP_OUT_DPC_UNAVAILABLE, "DPC unavailable" },
	{ ISUP_OUT_INCOMING_ONLY, "incoming-only circuit group" },
	{ ISUP_OUT_NO_IDLE_CIRCUIT, "no idle circuit" },
	{}
};

enum isup_group_out isup_group_out_state(struct isup_node *node, const char *group)
{
	const struct isup_cgroup *cg = cgroup_find(node, group);

	if (!cg || !cg->started)
		return ISUP_OUT_NO_GROUP;
	/* Q.704 / Q.701 MTP-PAUSE: no new calls toward the DPC */
	if (cg->paused || !node->mtp || !isup_mtp_route_available(node->mtp, cg->dpc))
		return ISUP_OUT_DPC_UNAVAILABLE;
	if (cg->dir == CG_DIR_INCOMING)
		return ISUP_OUT_INCOMING_ONLY;
	/* idle, not blocked either way, no reset pending (circuit_usable_out) */
	for (unsigned int i = 0; i < cg->num_ccts; i++)
		if (circuit_usable_out(cg->ccts[i]))
			return ISUP_OUT_AVAILABLE;
	return ISUP_OUT_NO_IDLE_CIRCUIT;
}

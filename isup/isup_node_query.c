/* Read-only questions the layer above asks the node (isup_call.h), so that it never walks the
 * circuit groups or circuits itself. */
#include "isup/isup_node.h"
#include "isup/cgroup.h"

enum isup_variant isup_node_variant(const struct isup_node *node)
{
	return node->cfg.variant;
}

const char *isup_call_timers(const struct isup_call *call, char *buf, size_t len)
{
	if (!call->cct)
		return "-";
	return cgroup_vty_cct_timers(call->cct, buf, len);
}

bool isup_group_exists(struct isup_node *node, const char *group)
{
	return cgroup_find(node, group) != NULL;
}

int isup_group_for_each_cic(struct isup_node *node, const char *group, bool (*cb)(uint16_t cic, void *data),
			    void *data)
{
	const struct isup_cgroup *cg = cgroup_find(node, group);
	int n = 0;

	if (!cg)
		return -1;
	for (unsigned int i = 0; i < cg->num_ccts; i++) {
		n++;
		if (!cb(cg->ccts[i]->cic, data))
			break;
	}
	return n;
}

/* Consistency of the circuit-group configuration of one node, checked as each line is read (the
 * config reader turns the refusal into FILE:LINE and exit status 1): a group's point code must be
 * one of the node's remote-point-code exchanges and not the node's own point code, and two groups
 * toward the same point code must not claim the same CIC. A CIC names one circuit between two
 * signalling points (Q.763 1.2): two groups toward one DPC holding a CIC would give one circuit
 * two state machines, and a message for it would reach only the first group found. */
#include <stdio.h>
#include <string.h>
#include <osmocom/sigtran/osmo_ss7.h>

#include "isup/isup_node.h"
#include "isup/cgroup.h"

/* PC_STR as a number in the node's cs7 instance format (the default format without it); -1 bad */
static int cfg_pc(const struct isup_node *node, const char *pc_str)
{
	return osmo_ss7_pointcode_parse(osmo_ss7_instance_find(node->cfg.ss7_id), pc_str);
}

/* the group (other than SELF) toward point code PC that holds a CIC of FIRST..LAST, or NULL */
static const struct isup_cgroup *cics_taken(const struct isup_cgroup *self, int pc, unsigned int first,
					    unsigned int last, unsigned int *cic)
{
	const struct isup_cgroup *cg;
	llist_for_each_entry(cg, &self->node->cgroups, list) {
		if (cg == self || !cg->dpc_str || cfg_pc(cg->node, cg->dpc_str) != pc)
			continue;
		for (unsigned int i = 0; i < cg->num_ccts; i++) {
			if (cg->ccts[i]->cic >= first && cg->ccts[i]->cic <= last) {
				*cic = cg->ccts[i]->cic;
				return cg;
			}
		}
	}
	return NULL;
}

int cgroup_cfg_check_cics(const struct isup_cgroup *cg, const char *pc_str, unsigned int first, unsigned int last,
			  char *err, size_t err_len)
{
	const struct isup_cgroup *other;
	unsigned int cic;

	if (!pc_str)
		return 0;	/* checked when the point code is set */
	other = cics_taken(cg, cfg_pc(cg->node, pc_str), first, last, &cic);
	if (!other)
		return 0;
	snprintf(err, err_len, "CIC %u toward %s is already in circuit-group %s (CIC ranges toward one point "
		 "code must not overlap)", cic, pc_str, other->name);
	return -1;
}

int cgroup_cfg_check_pc(const struct isup_cgroup *cg, const char *pc_str, char *err, size_t err_len)
{
	const struct isup_node *node = cg->node;
	const struct isup_remote_sp *sp;
	struct osmo_ss7_instance *inst = osmo_ss7_instance_find(node->cfg.ss7_id);
	int pc = cfg_pc(node, pc_str);
	bool known = false;

	if (inst && osmo_ss7_instance_get_primary_pc(inst) == (uint32_t)pc) {
		snprintf(err, err_len, "point code %s is this node's own point code", pc_str);
		return -1;
	}
	llist_for_each_entry(sp, &node->remote_sps, list)
		known |= cfg_pc(node, sp->pc_str) == pc;
	if (!known) {
		snprintf(err, err_len, "unknown point code %s: not a remote-point-code of this node (declare the "
			 "exchange first)", pc_str);
		return -1;
	}
	for (unsigned int i = 0; i < cg->num_ccts; i++)
		if (cgroup_cfg_check_cics(cg, pc_str, cg->ccts[i]->cic, cg->ccts[i]->cic, err, err_len) < 0)
			return -1;
	return 0;
}

const struct isup_cgroup *cgroup_cfg_pc_user(const struct isup_node *node, const char *pc_str)
{
	const struct isup_cgroup *cg;
	int pc = cfg_pc(node, pc_str);
	llist_for_each_entry(cg, &node->cgroups, list)
		if (cg->dpc_str && cfg_pc(node, cg->dpc_str) == pc)
			return cg;
	return NULL;
}

/* Operator maintenance for the layer above (isup/isup_maint.h): the procedures the VTY's
 * maintenance commands run (cgroup_vty.c), circuit states and the group event watch. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/talloc.h>

#include "isup/isup_node.h"
#include "isup/cgroup.h"
#include "isup/isup_maint.h"

static struct isup_cgroup *started_cg(struct isup_node *node, const char *group, int *rc)
{
	struct isup_cgroup *cg = cgroup_find(node, group);
	*rc = !cg ? -ENOENT : !cg->started ? -EAGAIN : 0;
	return *rc ? NULL : cg;
}

int isup_maint_circuit(struct isup_node *node, const char *group, uint16_t cic, enum isup_maint_op op)
{
	int rc;
	struct isup_cgroup *cg = started_cg(node, group, &rc);
	struct isup_circuit *cct = cg ? cgroup_cct(cg, cic) : NULL;

	if (!cg)
		return rc;
	if (!cct)
		return -ENOENT;
	switch (op) {
	case ISUP_MAINT_BLOCK:
		return circuit_block(cct, true) < 0 ? -EINVAL : 0;
	case ISUP_MAINT_UNBLOCK:
		return circuit_block(cct, false) < 0 ? -EINVAL : 0;
	case ISUP_MAINT_RESET:
		circuit_send_rsc(cct);
		return 0;
	}
	return -EINVAL;
}

/* CGB / CGU over every circuit of the group: one message per run of consecutive CICs, at most
 * 32 circuits each (Q.763 3.43: range 0-31) */
static int group_cgb(struct isup_cgroup *cg, bool block)
{
	unsigned int i = 0, j;

	while (i < cg->num_ccts) {
		for (j = i; j + 1 < cg->num_ccts && j + 1 - i < 32 && cg->ccts[j + 1]->cic == cg->ccts[j]->cic + 1; j++)
			;
		if (cgroup_send_cgb(cg, block, cg->ccts[i]->cic, cg->ccts[j]->cic, false) < 0)
			return -EINVAL;
		i = j + 1;
	}
	return 0;
}

int isup_maint_group(struct isup_node *node, const char *group, enum isup_maint_op op)
{
	int rc;
	struct isup_cgroup *cg = started_cg(node, group, &rc);

	if (!cg)
		return rc;
	switch (op) {
	case ISUP_MAINT_BLOCK:
	case ISUP_MAINT_UNBLOCK:
		return group_cgb(cg, op == ISUP_MAINT_BLOCK);
	case ISUP_MAINT_RESET:
		cgroup_send_grs_all(cg);
		return 0;
	}
	return -EINVAL;
}

const char *isup_maint_cic_group(struct isup_node *node, uint16_t cic)
{
	struct isup_cgroup *cg, *found = NULL;

	llist_for_each_entry(cg, &node->cgroups, list) {
		if (!cgroup_cct(cg, cic))
			continue;
		if (found)
			return NULL;
		found = cg;
	}
	return found ? found->name : NULL;
}

const char *isup_maint_circuit_state(struct isup_node *node, const char *group, uint16_t cic, char *buf,
				     size_t len)
{
	struct isup_cgroup *cg = cgroup_find(node, group);
	struct isup_circuit *cct = cg ? cgroup_cct(cg, cic) : NULL;
	char mnt[128];

	if (!cct)
		return NULL;
	snprintf(buf, len, "%s %s", circuit_state_name(cct), circuit_mnt_str(cct, mnt, sizeof(mnt)));
	return buf;
}

char *isup_maint_group_circuits(void *ctx, struct isup_node *node, const char *group)
{
	struct isup_cgroup *cg = cgroup_find(node, group);
	char *s;
	char mnt[128];

	if (!cg)
		return NULL;
	s = talloc_strdup(ctx, "");
	for (unsigned int i = 0; i < cg->num_ccts && s; i++)
		s = talloc_asprintf_append(s, "%s%u:%s:%s", i ? " " : "", cg->ccts[i]->cic,
					   circuit_state_name(cg->ccts[i]),
					   circuit_mnt_str(cg->ccts[i], mnt, sizeof(mnt)));
	return s;
}

static bool cct_blocked(const struct isup_circuit *cct)
{
	return cct->lbl_maint || cct->lbl_hw || cct->rbl_maint || cct->rbl_hw;
}

int isup_maint_group_status(struct isup_node *node, const char *group, struct isup_group_status *st)
{
	struct isup_cgroup *cg = cgroup_find(node, group);

	if (!cg)
		return -ENOENT;
	memset(st, 0, sizeof(*st));
	st->dpc = cg->dpc_str ? cg->dpc_str : "-";
	st->paused = cg->paused;
	st->circuits = cg->num_ccts;
	for (unsigned int i = 0; i < cg->num_ccts; i++) {
		st->busy += !circuit_idle(cg->ccts[i]);
		st->blocked += cct_blocked(cg->ccts[i]);
		st->alarmed += cg->ccts[i]->alarm;
	}
	return 0;
}

void isup_node_group_watch(struct isup_node *node, isup_group_watch_cb_t cb, void *data)
{
	node->grp_watch_cb = cb;
	node->grp_watch_data = data;
}

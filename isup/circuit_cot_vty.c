/* "continuity-check off|required|statistical PERCENT" in the circuit-group node: the outgoing
 * continuity check of the group's circuits (Q.764 2.1.8, circuit_cot_out.c) */
#include <stdlib.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "isup/isup_vty.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"

DEFUN(cfg_cg_cot, cfg_cg_cot_cmd, "continuity-check (off|required)",
      "Outgoing continuity check (Q.764 2.1.8) in the IAMs of this group\n"
      "Never (default)\n" "On every call (NCI: continuity check required on this circuit)\n")
{
	struct isup_cgroup *cg = vty->index;
	cg->cot_mode = get_string_value(cg_cot_mode_names, argv[0]);
	cg->cot_acc = 0;
	return CMD_SUCCESS;
}

DEFUN(cfg_cg_cot_stat, cfg_cg_cot_stat_cmd, "continuity-check statistical <1-100>",
      "Outgoing continuity check (Q.764 2.1.8) in the IAMs of this group\n"
      "On a share of the calls, spread evenly\n" "Percent of the calls\n")
{
	struct isup_cgroup *cg = vty->index;
	cg->cot_mode = CG_COT_STATISTICAL;
	cg->cot_percent = atoi(argv[0]);
	cg->cot_acc = 0;
	return CMD_SUCCESS;
}

void cgroup_cot_vty_write(struct vty *vty, const struct isup_cgroup *cg)
{
	if (cg->cot_mode == CG_COT_STATISTICAL)
		vty_out(vty, "  continuity-check statistical %u%s", cg->cot_percent, VTY_NEWLINE);
	else if (cg->cot_mode == CG_COT_REQUIRED)
		vty_out(vty, "  continuity-check required%s", VTY_NEWLINE);
}

void cgroup_cot_vty_init(void)
{
	install_element(ISUP_CGROUP_NODE, &cfg_cg_cot_cmd);
	install_element(ISUP_CGROUP_NODE, &cfg_cg_cot_stat_cmd);
}

/* VTY of the circuit groups: "circuit-group NAME" config node under "isup", "show circuits",
 * and the maintenance commands (block/unblock/reset/group block/query/user part test). */
#include <stdlib.h>
#include <string.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/sigtran/osmo_ss7.h>

#include "isup/isup_vty.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"
#include "isup/vty_arg.h"

static struct isup_node *g_node;

static struct cmd_node cgroup_node = {	/* .node: the application's id (isup_vty.h) */
	.prompt = "%s(config-isup-cgroup)# ",
	.vtysh = 1,
};

DEFUN(cfg_cgroup, cfg_cgroup_cmd, "circuit-group NAME",
      "Configure a circuit group (circuits towards one remote exchange)\n" "Name of the group\n")
{
	struct isup_cgroup *cg = cgroup_find(g_node, argv[0]);
	/* the name becomes part of each circuit's FSM instance id: it must be a valid identifier */
	if (!cg && !osmo_identifier_valid(argv[0])) {
		vty_out(vty, "%% invalid circuit-group name '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (!cg)
		cg = cgroup_alloc(g_node, argv[0]);
	vty->node = ISUP_CGROUP_NODE;
	vty->index = cg;
	return CMD_SUCCESS;
}

DEFUN(cfg_no_cgroup, cfg_no_cgroup_cmd, "no circuit-group NAME", NO_STR "Remove a circuit group\n" "Name\n")
{
	struct isup_cgroup *cg = cgroup_find(g_node, argv[0]);
	if (!cg) {
		vty_out(vty, "%% no circuit-group %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	cgroup_free(cg);
	return CMD_SUCCESS;
}

DEFUN(cfg_cg_pc, cfg_cg_pc_cmd, "point-code PC", "Remote exchange (DPC) of this group\n" "Point code, e.g. 0.23.3\n")
{
	struct isup_cgroup *cg = vty->index;
	char err[160];
	if (osmo_ss7_pointcode_parse(NULL, argv[0]) < 0) {
		vty_out(vty, "%% invalid point code '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (cg->started) {
		vty_out(vty, "%% point code cannot change while running%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (cgroup_cfg_check_pc(cg, argv[0], err, sizeof(err)) < 0) {
		vty_out(vty, "%% %s%s", err, VTY_NEWLINE);
		return CMD_WARNING;
	}
	talloc_free(cg->dpc_str);
	cg->dpc_str = talloc_strdup(cg, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_cg_cic, cfg_cg_cic_cmd, "cic <0-4095> [<0-4095>] [bearer] [A.B.C.D] [<1-65535>] [<0-1000>]",
      "Circuits of this group: CIC range, and the RTP endpoint (bearer) of each circuit\n"
      "First CIC\n" "Last CIC (default: first)\n" "Bearer (RTP endpoint) of the first CIC\n" "IP address\n"
      "Port of the first CIC\n" "Port step per CIC (default 2)\n")
{
	struct isup_cgroup *cg = vty->index;
	unsigned int first = atoi(argv[0]), last = argc > 1 && argv[1] ? (unsigned int)atoi(argv[1]) : first;
	const char *ip = argc > 3 ? argv[3] : NULL;
	int port = argc > 4 && argv[4] ? atoi(argv[4]) : 4000;
	int step = argc > 5 && argv[5] ? atoi(argv[5]) : 2;
	char err[160];
	if (last < first) {
		vty_out(vty, "%% last CIC before first%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	/* every circuit's bearer port, FIRST + STEP * (CIC - first CIC), must be a UDP port */
	if (ip && port + (long)step * (last - first) > 65535) {
		vty_out(vty, "%% bearer port of CIC %u would be %ld (above 65535)%s", last,
			port + (long)step * (last - first), VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (cgroup_cfg_check_cics(cg, cg->dpc_str, first, last, err, sizeof(err)) < 0) {
		vty_out(vty, "%% %s%s", err, VTY_NEWLINE);
		return CMD_WARNING;
	}
	cgroup_add_cics(cg, first, last, ip, port, step);
	return CMD_SUCCESS;
}

DEFUN(cfg_cg_no_cic, cfg_cg_no_cic_cmd, "no cic <0-4095> [<0-4095>]",
      NO_STR "Remove circuits (idle ones)\n" "First CIC\n" "Last CIC\n")
{
	struct isup_cgroup *cg = vty->index;
	unsigned int first = atoi(argv[0]), last = argc > 1 && argv[1] ? (unsigned int)atoi(argv[1]) : first;
	if (last < first) {
		vty_out(vty, "%% last CIC before first%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	cgroup_del_cics(cg, first, last);
	return CMD_SUCCESS;
}

DEFUN(cfg_cg_bearer, cfg_cg_bearer_cmd, "bearer <0-4095> ENDPOINT",
      "Set the bearer (RTP endpoint ip:port) of one circuit\n" "CIC\n" "ip:port\n")
{
	struct isup_cgroup *cg = vty->index;
	struct isup_circuit *cct = cgroup_cct(cg, atoi(argv[0]));
	if (!cct) {
		vty_out(vty, "%% no CIC %s in this group%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	talloc_free(cct->bearer);
	cct->bearer = talloc_strdup(cct, argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_cg_dir, cfg_cg_dir_cmd, "direction (both-way|incoming-only|outgoing-only)",
      "Direction of the circuits\n" "Both-way\n" "Incoming calls only\n" "Outgoing calls only\n")
{
	struct isup_cgroup *cg = vty->index;
	cg->dir = get_string_value(cg_direction_names, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_cg_sel, cfg_cg_sel_cmd, "selection (lowest|highest|round-robin|random)",
      "Circuit selection for outgoing calls\n" "Lowest free CIC\n" "Highest free CIC\n" "Round robin\n" "Random\n")
{
	struct isup_cgroup *cg = vty->index;
	cg->sel = get_string_value(cg_select_names, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_cg_prefer, cfg_cg_prefer_cmd, "prefer (controlled|even|odd|none)",
      "Glare avoidance: CICs tried first (Q.764 2.9.1.3)\n"
      "The CICs this exchange controls in dual seizure\n" "Even CICs\n" "Odd CICs\n" "No preference\n")
{
	struct isup_cgroup *cg = vty->index;
	cg->parity = get_string_value(cg_parity_names, argv[0]);
	return CMD_SUCCESS;
}

/* "T9", "t9" or "9": the Q.764 timer number, else -1 */
static int timer_number(const char *name)
{
	unsigned long n;

	if (name[0] == 'T' || name[0] == 't')
		name++;
	return arg_ulong(name, 1, 99, &n) < 0 ? -1 : (int)n;
}

/* A Q.764 timer of the group: the override in the table's unit (s), or "default" to use the node's
 * value ("timer isup TNAME VAL") again */
DEFUN(cfg_cg_timer, cfg_cg_timer_cmd, "timer TNAME VAL",
      "Override a Q.764 timer for this group (default: the value of 'timer isup')\n"
      "Timer name: T1 T4 T5 T6 T7 T8 T9 T12..T23\n"
      "Value in seconds (a whole number in the timer's Q.764 range), or 'default'\n")
{
	struct isup_cgroup *cg = vty->index;
	int n = timer_number(argv[0]);
	struct osmo_tdef *t = n >= 0 ? osmo_tdef_get_entry(cg->T, n) : NULL;
	unsigned long val;

	if (!t) {
		vty_out(vty, "%% unknown timer '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (!strcmp(argv[1], "default")) {
		cgroup_timer_override(cg, n, false, 0);
		return CMD_SUCCESS;
	}
	if (arg_ulong(argv[1], t->min_val, t->max_val, &val) < 0) {
		vty_out(vty, "%% timer T%d value '%s': not a whole number of seconds in %lu-%lu%s", n, argv[1],
			t->min_val, t->max_val, VTY_NEWLINE);
		return CMD_WARNING;
	}
	cgroup_timer_override(cg, n, true, val);
	return CMD_SUCCESS;
}

DEFUN(cfg_cg_timer_show, cfg_cg_timer_show_cmd, "timer [TNAME]",
      "Show the Q.764 timers of this group\n" "Timer name (default: all)\n")
{
	struct isup_cgroup *cg = vty->index;
	int n = argc > 0 && argv[0] ? timer_number(argv[0]) : 0;
	struct osmo_tdef *t;

	if (n < 0) {
		vty_out(vty, "%% unknown timer '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	for (t = cgroup_tdefs(cg); t->T; t++) {
		if (n && t->T != n)
			continue;
		vty_out(vty, "T%d = %lu s%s\t%s%s", t->T, t->val,
			cgroup_timer_overridden(cg, t->T) ? " (group)" : "", t->desc, VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

static void cg_write(struct vty *vty, struct isup_cgroup *cg)
{
	unsigned int i = 0;
	vty_out(vty, " circuit-group %s%s", cg->name, VTY_NEWLINE);
	if (cg->dpc_str)
		vty_out(vty, "  point-code %s%s", cg->dpc_str, VTY_NEWLINE);
	while (i < cg->num_ccts) {
		/* runs of consecutive CICs whose bearer ports grow by a constant step */
		unsigned int j = i;
		char ip[64] = "";
		int port0 = 0, step = 2;
		const char *b0 = cg->ccts[i]->bearer;
		if (b0 && sscanf(b0, "%63[^:]:%d", ip, &port0) != 2)
			b0 = NULL;
		while (j + 1 < cg->num_ccts && cg->ccts[j + 1]->cic == cg->ccts[j]->cic + 1) {
			const char *b = cg->ccts[j + 1]->bearer;
			char ip2[64];
			int port;
			if (!b0 && !b && !cg->ccts[i]->bearer) {
				j++;
				continue;
			}
			if (!b0 || !b || sscanf(b, "%63[^:]:%d", ip2, &port) != 2 || strcmp(ip, ip2))
				break;
			if (j == i)
				step = port - port0;
			if (port != port0 + (int)(j + 1 - i) * step || step < 0)
				break;
			j++;
		}
		if (b0)
			vty_out(vty, "  cic %u %u bearer %s %d %d%s", cg->ccts[i]->cic, cg->ccts[j]->cic, ip, port0, step,
				VTY_NEWLINE);
		else if (cg->ccts[i]->bearer)
			vty_out(vty, "  cic %u%s  bearer %u %s%s", cg->ccts[i]->cic, VTY_NEWLINE, cg->ccts[i]->cic,
				cg->ccts[i]->bearer, VTY_NEWLINE);
		else
			vty_out(vty, "  cic %u %u%s", cg->ccts[i]->cic, cg->ccts[j]->cic, VTY_NEWLINE);
		i = j + 1;
	}
	vty_out(vty, "  direction %s%s", get_value_string(cg_direction_names, cg->dir), VTY_NEWLINE);
	vty_out(vty, "  selection %s%s", get_value_string(cg_select_names, cg->sel), VTY_NEWLINE);
	vty_out(vty, "  prefer %s%s", get_value_string(cg_parity_names, cg->parity), VTY_NEWLINE);
	cgroup_cot_vty_write(vty, cg);
	for (struct osmo_tdef *t = cg->T; t->T; t++)
		if (cgroup_timer_overridden(cg, t->T))
			vty_out(vty, "  timer T%d %lu%s", t->T, t->val, VTY_NEWLINE);
}

/* called from the isup node's config writer */
void cgroup_vty_write(struct vty *vty, struct isup_node *node)
{
	struct isup_cgroup *cg;
	llist_for_each_entry(cg, &node->cgroups, list)
		cg_write(vty, cg);
}

static int dummy_write(struct vty *vty)
{
	return CMD_SUCCESS;
}

/* ---- operational commands ----------------------------------------------------------------- */

DEFUN(show_circuits, show_circuits_cmd, "show circuits [WHICH]",
      SHOW_STR "Every CIC's call and maintenance state\n" "Circuit group name or DPC (default: all)\n")
{
	struct isup_cgroup *cg;
	unsigned int n_busy = 0;
	llist_for_each_entry(cg, &g_node->cgroups, list) {
		if (argc > 0 && argv[0] && strcmp(argv[0], cg->name) && (!cg->dpc_str || strcmp(argv[0], cg->dpc_str)))
			continue;
		vty_out(vty, "circuit-group %s DPC %s %s%s, %u circuits, %s, selection %s, prefer %s%s", cg->name,
			cg->dpc_str ? cg->dpc_str : "-", cg->paused ? "PAUSED" : "available",
			!llist_empty(&cg->grs_tx) ? " GRS-pending" : "", cg->num_ccts,
			get_value_string(cg_direction_names, cg->dir), get_value_string(cg_select_names, cg->sel),
			get_value_string(cg_parity_names, cg->parity), VTY_NEWLINE);
		vty_out(vty, "%6s %-26s %-34s %-4s %s%s", "CIC", "call-state", "maintenance", "ctrl", "bearer",
			VTY_NEWLINE);
		for (unsigned int i = 0; i < cg->num_ccts; i++) {
			struct isup_circuit *cct = cg->ccts[i];
			char mnt[128];
			if (!circuit_idle(cct))
				n_busy++;
			vty_out(vty, "%6u %-26s %-34s %-4s %s%s", cct->cic, circuit_state_name(cct),
				circuit_mnt_str(cct, mnt, sizeof(mnt)), cgroup_controls(cg, cct->cic) ? "yes" : "no",
				cct->bearer ? cct->bearer : "-", VTY_NEWLINE);
		}
	}
	vty_out(vty, "%u circuits not idle%s", n_busy, VTY_NEWLINE);
	return CMD_SUCCESS;
}

static struct isup_circuit *get_cct(struct vty *vty, const char *group, const char *cic)
{
	struct isup_cgroup *cg = cgroup_find(g_node, group);
	struct isup_circuit *cct = cg ? cgroup_cct(cg, atoi(cic)) : NULL;
	if (!cct)
		vty_out(vty, "%% no circuit %s in circuit-group %s%s", cic, group, VTY_NEWLINE);
	return cct;
}

static struct isup_cgroup *get_cg(struct vty *vty, const char *group)
{
	struct isup_cgroup *cg = cgroup_find(g_node, group);
	if (!cg)
		vty_out(vty, "%% no circuit-group %s%s", group, VTY_NEWLINE);
	else if (!cg->started)
		vty_out(vty, "%% circuit-group %s not started%s", group, VTY_NEWLINE);
	return cg && cg->started ? cg : NULL;
}

#define CG_CIC_STR "Circuit group name\n" "CIC\n"

/* the maintenance commands on one circuit */
enum cct_maint_op {
	CCT_MAINT_BLOCK,	/* Q.764 2.8.2.1 BLO */
	CCT_MAINT_UNBLOCK,	/* Q.764 2.8.2.1 UBL */
	CCT_MAINT_RESET,	/* Q.764 2.9.3.1 RSC */
};

/* OP on CCT, looked up by the command (NULL: not found, already said) */
static int cct_maint_cmd(struct isup_circuit *cct, enum cct_maint_op op)
{
	if (!cct)
		return CMD_WARNING;
	switch (op) {
	case CCT_MAINT_BLOCK:
		circuit_block(cct, true);
		break;
	case CCT_MAINT_UNBLOCK:
		circuit_block(cct, false);
		break;
	case CCT_MAINT_RESET:
		circuit_send_rsc(cct);
		break;
	}
	return CMD_SUCCESS;
}

DEFUN(isup_block, isup_block_cmd, "isup block GROUP <0-4095>",
      "ISUP circuit operations\n" "Block a circuit for maintenance (BLO, T12/T13)\n" CG_CIC_STR)
{
	return cct_maint_cmd(get_cct(vty, argv[0], argv[1]), CCT_MAINT_BLOCK);
}

DEFUN(isup_unblock, isup_unblock_cmd, "isup unblock GROUP <0-4095>",
      "ISUP circuit operations\n" "Unblock a circuit (UBL, T14/T15)\n" CG_CIC_STR)
{
	return cct_maint_cmd(get_cct(vty, argv[0], argv[1]), CCT_MAINT_UNBLOCK);
}

DEFUN(isup_reset, isup_reset_cmd, "isup reset GROUP <0-4095>",
      "ISUP circuit operations\n" "Reset a circuit (RSC, T16/T17)\n" CG_CIC_STR)
{
	return cct_maint_cmd(get_cct(vty, argv[0], argv[1]), CCT_MAINT_RESET);
}

DEFUN(isup_reset_group, isup_reset_group_cmd, "isup reset-group GROUP [<0-4095>] [<0-4095>]",
      "ISUP circuit operations\n" "Reset circuits of a group with GRS (T22/T23), all by default\n"
      "Circuit group name\n" "First CIC\n" "Last CIC\n")
{
	struct isup_cgroup *cg = get_cg(vty, argv[0]);
	if (!cg)
		return CMD_WARNING;
	if (argc > 2 && argv[1] && argv[2]) {
		if (atoi(argv[2]) < atoi(argv[1])) {
			vty_out(vty, "%% last CIC before first%s", VTY_NEWLINE);
			return CMD_WARNING;
		}
		cgroup_send_grs(cg, atoi(argv[1]), atoi(argv[2]));
	} else
		cgroup_send_grs_all(cg);
	return CMD_SUCCESS;
}

DEFUN(isup_group_block, isup_group_block_cmd,
      "isup (group-block|group-unblock) GROUP <0-4095> <0-4095> (maintenance|hardware)",
      "ISUP circuit operations\n" "Block circuits with CGB (T18/T19)\n" "Unblock circuits with CGU (T20/T21)\n"
      "Circuit group name\n" "First CIC\n" "Last CIC (at most 32 circuits)\n"
      "Maintenance oriented\n" "Hardware failure oriented (calls are released)\n")
{
	struct isup_cgroup *cg = get_cg(vty, argv[1]);
	if (!cg)
		return CMD_WARNING;
	if (cgroup_send_cgb(cg, !strcmp(argv[0], "group-block"), atoi(argv[2]), atoi(argv[3]),
			    !strcmp(argv[4], "hardware")) < 0) {
		vty_out(vty, "%% invalid range%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(isup_query, isup_query_cmd, "isup query GROUP <0-4095> <0-4095>",
      "ISUP circuit operations\n" "Circuit group query (CQM)\n" "Circuit group name\n" "First CIC\n" "Last CIC\n")
{
	struct isup_cgroup *cg = get_cg(vty, argv[0]);
	if (!cg)
		return CMD_WARNING;
	if (cgroup_send_cqm(cg, atoi(argv[1]), atoi(argv[2])) < 0) {
		/* Q.763 3.43: range 0-31 (at most 32 circuits) */
		vty_out(vty, "%% invalid range: first CIC to last CIC, at most 32 circuits%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(isup_upt, isup_upt_cmd, "isup user-part-test PC [<0-4095>]",
      "ISUP circuit operations\n" "Send UPT to a remote ISUP (repeated every T4 until answered)\n"
      "Point code\n" "CIC to use (default 0)\n")
{
	int pc = g_node->mtp ? isup_mtp_pc_parse(g_node->mtp, argv[0]) : -1;
	if (pc < 0) {
		vty_out(vty, "%% invalid point code or ISUP not running%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	isup_node_send_upt(g_node, pc, argc > 1 && argv[1] ? atoi(argv[1]) : 0);
	return CMD_SUCCESS;
}

/* ---- operator commands by CIC (issue 8 names): block/unblock/reset cic, reset circuit-group */

/* WHICH: group name or DPC; NULL: the only group (or, by CIC, the one group that has it) */
static struct isup_cgroup *which_cg(struct vty *vty, const char *which, int cic)
{
	struct isup_cgroup *cg, *found = NULL;
	unsigned int n = 0;
	llist_for_each_entry(cg, &g_node->cgroups, list) {
		if (which && strcmp(which, cg->name) && (!cg->dpc_str || strcmp(which, cg->dpc_str)))
			continue;
		if (cic >= 0 && !cgroup_cct(cg, cic))
			continue;
		found = cg;
		n++;
	}
	if (!found) {
		if (cic >= 0)
			vty_out(vty, "%% no circuit %d%s%s%s", cic, which ? " in " : "", which ? which : "", VTY_NEWLINE);
		else
			vty_out(vty, "%% no circuit-group %s%s", which ? which : "configured", VTY_NEWLINE);
		return NULL;
	}
	if (n > 1) {
		vty_out(vty, "%% more than one circuit group matches: name the group or DPC%s", VTY_NEWLINE);
		return NULL;
	}
	if (!found->started) {
		vty_out(vty, "%% circuit-group %s not started%s", found->name, VTY_NEWLINE);
		return NULL;
	}
	return found;
}

static struct isup_circuit *which_cct(struct vty *vty, int argc, const char **argv)
{
	int cic = atoi(argv[0]);
	struct isup_cgroup *cg = which_cg(vty, argc > 1 ? argv[1] : NULL, cic);
	return cg ? cgroup_cct(cg, cic) : NULL;
}

#define CIC_WHICH_STR "CIC\n" "Circuit group name or its DPC (needed when more than one group has the CIC)\n"

DEFUN(block_cic, block_cic_cmd, "block cic <0-4095> [WHICH]",
      "Block\n" "A circuit for maintenance (BLO, T12/T13; Q.764 2.8.2)\n" CIC_WHICH_STR)
{
	return cct_maint_cmd(which_cct(vty, argc, argv), CCT_MAINT_BLOCK);
}

DEFUN(unblock_cic, unblock_cic_cmd, "unblock cic <0-4095> [WHICH]",
      "Unblock\n" "A circuit (UBL, T14/T15; Q.764 2.8.2)\n" CIC_WHICH_STR)
{
	return cct_maint_cmd(which_cct(vty, argc, argv), CCT_MAINT_UNBLOCK);
}

DEFUN(reset_cic, reset_cic_cmd, "reset cic <0-4095> [WHICH]",
      "Reset\n" "A circuit (RSC, T16/T17; Q.764 2.9.3.1); a call on it is released\n" CIC_WHICH_STR)
{
	return cct_maint_cmd(which_cct(vty, argc, argv), CCT_MAINT_RESET);
}

DEFUN(reset_cgroup, reset_cgroup_cmd, "reset circuit-group [WHICH]",
      "Reset\n" "Every circuit of a group with GRS (T22/T23; Q.764 2.9.3.2); calls on them are released\n"
      "Circuit group name or its DPC (default: the only group)\n")
{
	struct isup_cgroup *cg = which_cg(vty, argc > 0 ? argv[0] : NULL, -1);
	if (!cg)
		return CMD_WARNING;
	cgroup_send_grs_all(cg);
	return CMD_SUCCESS;
}

static void append(char *buf, size_t len, const char *name, const struct osmo_timer_list *t)
{
	struct timeval rem;
	size_t l = strlen(buf);
	if (!osmo_timer_pending(t) || osmo_timer_remaining(t, NULL, &rem) < 0)
		return;
	snprintf(buf + l, len - l, "%s%s %ld.%03lds left", l ? ", " : "", name, (long)rem.tv_sec,
		 (long)rem.tv_usec / 1000);
}

const char *cgroup_vty_cct_timers(const struct isup_circuit *cct, char *buf, size_t len)
{
	char n[16];
	buf[0] = 0;
	if (cct->fi && cct->fi->T) {
		snprintf(n, sizeof(n), "T%d", cct->fi->T);
		append(buf, len, n, &cct->fi->timer);
	}
	append(buf, len, cct->fi && cct->fi->state == CCT_ST_RESET_PENDING ? "T17" : "T5", &cct->t_long);
	if (cct->blk_fi && cct->blk_fi->T) {
		snprintf(n, sizeof(n), "T%d", cct->blk_fi->T);
		append(buf, len, n, &cct->blk_fi->timer);
	}
	append(buf, len, cct->blk_fi && cct->blk_fi->state == BLK_ST_UBL_SENT ? "T15" : "T13", &cct->t_blk_long);
	if (!buf[0])
		snprintf(buf, len, "none");
	return buf;
}

void cgroup_vty_init(struct isup_node *node)
{
	g_node = node;
	install_element(ISUP_NODE, &cfg_cgroup_cmd);
	install_element(ISUP_NODE, &cfg_no_cgroup_cmd);
	cgroup_node.node = ISUP_CGROUP_NODE;
	install_node(&cgroup_node, dummy_write);
	install_element(ISUP_CGROUP_NODE, &cfg_cg_pc_cmd);
	install_element(ISUP_CGROUP_NODE, &cfg_cg_cic_cmd);
	install_element(ISUP_CGROUP_NODE, &cfg_cg_no_cic_cmd);
	install_element(ISUP_CGROUP_NODE, &cfg_cg_bearer_cmd);
	install_element(ISUP_CGROUP_NODE, &cfg_cg_dir_cmd);
	install_element(ISUP_CGROUP_NODE, &cfg_cg_sel_cmd);
	install_element(ISUP_CGROUP_NODE, &cfg_cg_prefer_cmd);
	install_element(ISUP_CGROUP_NODE, &cfg_cg_timer_cmd);
	install_element(ISUP_CGROUP_NODE, &cfg_cg_timer_show_cmd);
	cgroup_cot_vty_init();
	install_element_ve(&show_circuits_cmd);
	install_element(ENABLE_NODE, &isup_block_cmd);
	install_element(ENABLE_NODE, &isup_unblock_cmd);
	install_element(ENABLE_NODE, &isup_reset_cmd);
	install_element(ENABLE_NODE, &isup_reset_group_cmd);
	install_element(ENABLE_NODE, &isup_group_block_cmd);
	install_element(ENABLE_NODE, &isup_query_cmd);
	install_element(ENABLE_NODE, &isup_upt_cmd);
	install_element(ENABLE_NODE, &block_cic_cmd);
	install_element(ENABLE_NODE, &unblock_cic_cmd);
	install_element(ENABLE_NODE, &reset_cic_cmd);
	install_element(ENABLE_NODE, &reset_cgroup_cmd);
}

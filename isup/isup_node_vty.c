/* VTY for the ISUP signalling point: "isup" config node, "show isup routes". */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>
#include <osmocom/vty/tdef_vty.h>
#include <osmocom/core/utils.h>
#include <osmocom/sigtran/osmo_ss7.h>

#include "isup/isup_vty.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"
#include "isup/vty_arg.h"

static struct isup_node *g_vty_node;
void (*isup_node_vty_write_hook)(struct vty *vty);
void cgroup_vty_write(struct vty *vty, struct isup_node *node);
void isup_cong_vty_write(struct vty *vty, const struct isup_node *node);	/* isup/isup_cong_node.c */
void isup_cong_vty_init(void);

int isup_vty_node, isup_vty_cgroup_node;	/* the application's ids (isup_node_vty_init) */

static struct cmd_node isup_cfg_node = {
	.prompt = "%s(config-isup)# ",
	.vtysh = 1,
};

static const struct value_string ni_names[] = {
	{ 0, "international" }, { 1, "spare" }, { 2, "national" }, { 3, "reserved" }, { 0, NULL }
};

DEFUN(cfg_isup, cfg_isup_cmd, "isup", "Configure the ISUP signalling point\n")
{
	vty->node = ISUP_NODE;
	vty->index = g_vty_node;
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_instance, cfg_isup_instance_cmd, "cs7-instance <0-15>",
      "cs7 instance whose MTP (M3UA ASP) carries ISUP\n" "Instance number\n")
{
	g_vty_node->cfg.ss7_id = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_variant, cfg_isup_variant_cmd, "variant (itu|ansi)",
      "ISUP protocol variant\n" "ITU-T Q.763 (12-bit CIC)\n" "ANSI T1.113 (14-bit CIC)\n")
{
	g_vty_node->cfg.variant = !strcmp(argv[0], "ansi") ? ISUP_VARIANT_ANSI : ISUP_VARIANT_ITU;
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_ni, cfg_isup_ni_cmd, "network-indicator (international|spare|national|reserved)",
      "Network indicator (SIO bits DC) used when sending\n" "0\n" "1\n" "2\n" "3\n")
{
	g_vty_node->cfg.ni = get_string_value(ni_names, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_rsp, cfg_isup_rsp_cmd, "remote-point-code PC",
      "A remote ISUP signalling point (exchange) whose availability is tracked\n" "Point code, e.g. 0.23.3\n")
{
	if (osmo_ss7_pointcode_parse(NULL, argv[0]) < 0) {
		vty_out(vty, "%% invalid point code '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	isup_node_remote_sp_add(g_vty_node, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_no_rsp, cfg_isup_no_rsp_cmd, "no remote-point-code PC",
      NO_STR "A remote ISUP signalling point\n" "Point code\n")
{
	const struct isup_cgroup *cg = cgroup_cfg_pc_user(g_vty_node, argv[0]);
	if (cg) {
		vty_out(vty, "%% remote point code '%s' is used by circuit-group %s%s", argv[0], cg->name, VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (isup_node_remote_sp_del(g_vty_node, argv[0]) < 0) {
		vty_out(vty, "%% no remote point code '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_unknown, cfg_isup_unknown_cmd, "unknown-parameters (pass-on|discard)",
      "Unrecognised parameters without compatibility information (Q.764 2.9.5.3)\n"
      "Pass them on (transit / SIP-T bridging)\n" "Discard them (end node)\n")
{
	g_vty_node->cfg.pass_on_unknown_params = !strcmp(argv[0], "pass-on");
	return CMD_SUCCESS;
}

/* isup/circuit_persist.h: the locally blocked circuits survive a restart */
DEFUN(cfg_isup_block_file, cfg_isup_block_file_cmd, "blocking-state-file PATH",
      "Keep the locally maintenance-blocked circuits in a file, blocked again after a restart\n"
      "Path of the state file (written atomically: PATH.tmp, then renamed)\n")
{
	if (strlen(argv[0]) > 1000) {
		vty_out(vty, "%% blocking-state-file: path too long%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_talloc_replace_string(g_vty_node, &g_vty_node->block_file, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_no_block_file, cfg_isup_no_block_file_cmd, "no blocking-state-file",
      NO_STR "Do not keep the blocking state\n")
{
	TALLOC_FREE(g_vty_node->block_file);
	return CMD_SUCCESS;
}

static int config_write_isup(struct vty *vty)
{
	struct isup_node *node = g_vty_node;
	struct isup_remote_sp *sp;
	/* the "timer isup" lines of the config node (osmo_tdef_vty group "isup" of the application):
	 * the values set, before the node */
	osmo_tdef_vty_write(vty, node->T, "timer isup ");
	vty_out(vty, "isup%s", VTY_NEWLINE);
	vty_out(vty, " cs7-instance %u%s", node->cfg.ss7_id, VTY_NEWLINE);
	vty_out(vty, " variant %s%s", node->cfg.variant == ISUP_VARIANT_ANSI ? "ansi" : "itu", VTY_NEWLINE);
	vty_out(vty, " network-indicator %s%s", get_value_string(ni_names, node->cfg.ni), VTY_NEWLINE);
	vty_out(vty, " unknown-parameters %s%s", node->cfg.pass_on_unknown_params ? "pass-on" : "discard", VTY_NEWLINE);
	llist_for_each_entry(sp, &node->remote_sps, list)
		vty_out(vty, " remote-point-code %s%s", sp->pc_str, VTY_NEWLINE);
	isup_cong_vty_write(vty, node);
	if (node->block_file)
		vty_out(vty, " blocking-state-file %s%s", node->block_file, VTY_NEWLINE);
	if (isup_node_vty_write_hook)
		isup_node_vty_write_hook(vty);
	cgroup_vty_write(vty, node);
	return CMD_SUCCESS;
}

DEFUN(show_isup_routes, show_isup_routes_cmd, "show isup routes",
      SHOW_STR "ISUP\n" "Remote signalling points and their MTP state (PAUSE/RESUME)\n")
{
	struct isup_node *node = g_vty_node;
	struct isup_route *rt;
	time_t now = time(NULL);
	if (!node->mtp) {
		vty_out(vty, "ISUP not attached to MTP%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty_out(vty, "OPC %s, NI %u, variant %s%s", isup_mtp_pc_str(node->mtp, node->mtp->opc), node->cfg.ni,
		node->cfg.variant == ISUP_VARIANT_ANSI ? "ANSI" : "ITU", VTY_NEWLINE);
	vty_out(vty, "%-12s %-10s %8s %7s %7s %10s %10s %8s%s", "DPC", "state", "since(s)", "pauses", "resumes",
		"tx", "rx", "tx-fail", VTY_NEWLINE);
	llist_for_each_entry(rt, &node->mtp->routes, list) {
		vty_out(vty, "%-12s %-10s %8ld %7u %7u %10llu %10llu %8llu%s", isup_mtp_pc_str(node->mtp, rt->dpc),
			!rt->known ? "unknown" : rt->available ? "available" : "paused", (long)(now - rt->since),
			rt->pauses, rt->resumes, (unsigned long long)rt->tx_msgs, (unsigned long long)rt->rx_msgs,
			(unsigned long long)rt->tx_fail, VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

void isup_node_vty_init(struct isup_node *node, int isup_node_id, int cgroup_node_id)
{
	g_vty_node = node;
	isup_vty_node = isup_node_id;
	isup_vty_cgroup_node = cgroup_node_id;
	isup_cfg_node.node = isup_node_id;
	install_element(CONFIG_NODE, &cfg_isup_cmd);
	install_node(&isup_cfg_node, config_write_isup);
	install_element(ISUP_NODE, &cfg_isup_instance_cmd);
	install_element(ISUP_NODE, &cfg_isup_variant_cmd);
	install_element(ISUP_NODE, &cfg_isup_ni_cmd);
	install_element(ISUP_NODE, &cfg_isup_rsp_cmd);
	install_element(ISUP_NODE, &cfg_isup_unknown_cmd);
	install_element(ISUP_NODE, &cfg_isup_no_rsp_cmd);
	install_element(ISUP_NODE, &cfg_isup_block_file_cmd);
	install_element(ISUP_NODE, &cfg_isup_no_block_file_cmd);
	isup_cong_vty_init();
	cgroup_vty_init(node);
	install_element_ve(&show_isup_routes_cmd);
}

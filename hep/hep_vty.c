/* The 'hep' config node (hep/hep.h): collector, capture-id, auth-key, sip/isup on|off. Values out
 * of range are refused by the parser, so the config reader names FILE:LINE and the daemon exits 1. */
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>

#include <osmocom/core/sockaddr_str.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "hep/hep.h"


static struct cmd_node hep_node = { 0, "%s(config-hep)# ", 1 };

DEFUN(cfg_hep, cfg_hep_cmd, "hep", "HEP v3 capture export (Homer) of SIP and ISUP messages\n")
{
	vty->node = hep_node.node;
	return CMD_SUCCESS;
}

DEFUN(cfg_hep_collector, cfg_hep_collector_cmd, "collector (A.B.C.D|X:X::X:X) <1-65535>",
      "Capture server receiving HEP over UDP (heplify-server: port 9060)\n" "IPv4 address\n" "IPv6 address\n"
      "UDP port\n")
{
	struct hep_cfg *cfg = hep_cfg();
	struct osmo_sockaddr_str str;
	struct osmo_sockaddr sa = {};

	if (osmo_sockaddr_str_from_str(&str, argv[0], atoi(argv[1])) < 0
	    || osmo_sockaddr_str_to_sockaddr(&str, &sa.u.sas) < 0) {
		vty_out(vty, "%% hep collector %s: not an IPv4 or IPv6 address%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	cfg->collector = sa;
	cfg->enabled = true;
	hep_restart();
	return CMD_SUCCESS;
}

DEFUN(cfg_hep_no_collector, cfg_hep_no_collector_cmd, "no collector", NO_STR "Stop the HEP export\n")
{
	hep_cfg()->enabled = false;
	hep_restart();
	return CMD_SUCCESS;
}

DEFUN(cfg_hep_capture_id, cfg_hep_capture_id_cmd, "capture-id <0-4294967295>",
      "Capture agent id sent in every packet (HEP chunk 0x000c)\n" "Id\n")
{
	hep_cfg()->capture_id = strtoul(argv[0], NULL, 10);
	return CMD_SUCCESS;
}

DEFUN(cfg_hep_auth_key, cfg_hep_auth_key_cmd, "auth-key WORD",
      "Authentication key sent in every packet (HEP chunk 0x000e)\n" "Key (at most 63 characters)\n")
{
	struct hep_cfg *cfg = hep_cfg();

	if (strlen(argv[0]) >= sizeof(cfg->auth_key)) {
		vty_out(vty, "%% hep auth-key: at most %zu characters%s", sizeof(cfg->auth_key) - 1, VTY_NEWLINE);
		return CMD_WARNING;
	}
	snprintf(cfg->auth_key, sizeof(cfg->auth_key), "%s", argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_hep_no_auth_key, cfg_hep_no_auth_key_cmd, "no auth-key", NO_STR "No authentication key\n")
{
	hep_cfg()->auth_key[0] = '\0';
	return CMD_SUCCESS;
}

DEFUN(cfg_hep_sip, cfg_hep_sip_cmd, "sip (on|off)", "Export every SIP message sent or received\n"
      "Export (default)\n" "Do not export\n")
{
	hep_cfg()->sip = !strcmp(argv[0], "on");
	return CMD_SUCCESS;
}

DEFUN(cfg_hep_isup, cfg_hep_isup_cmd, "isup (on|off)", "Export every ISUP message sent or received\n"
      "Export (default)\n" "Do not export\n")
{
	hep_cfg()->isup = !strcmp(argv[0], "on");
	return CMD_SUCCESS;
}

static int config_write_hep(struct vty *vty)
{
	struct hep_cfg *cfg = hep_cfg();
	struct osmo_sockaddr_str str;

	vty_out(vty, "hep%s", VTY_NEWLINE);
	if (cfg->enabled && osmo_sockaddr_str_from_sockaddr(&str, &cfg->collector.u.sas) == 0)
		vty_out(vty, " collector %s %u%s", str.ip, str.port, VTY_NEWLINE);
	vty_out(vty, " capture-id %u%s", cfg->capture_id, VTY_NEWLINE);
	if (cfg->auth_key[0])
		vty_out(vty, " auth-key %s%s", cfg->auth_key, VTY_NEWLINE);
	vty_out(vty, " sip %s%s", cfg->sip ? "on" : "off", VTY_NEWLINE);
	vty_out(vty, " isup %s%s", cfg->isup ? "on" : "off", VTY_NEWLINE);
	return CMD_SUCCESS;
}

void hep_vty_init(void *ctx, int node)
{
	(void)ctx;
	hep_node.node = node;
	install_element(CONFIG_NODE, &cfg_hep_cmd);
	install_node(&hep_node, config_write_hep);
	install_element(node, &cfg_hep_collector_cmd);
	install_element(node, &cfg_hep_no_collector_cmd);
	install_element(node, &cfg_hep_capture_id_cmd);
	install_element(node, &cfg_hep_auth_key_cmd);
	install_element(node, &cfg_hep_no_auth_key_cmd);
	install_element(node, &cfg_hep_sip_cmd);
	install_element(node, &cfg_hep_isup_cmd);
}

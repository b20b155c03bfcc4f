/* The 'ha' config node (HA state store, gw/ha_store.h) and 'show ha'. Off unless 'redis' is
 * given:
 *   ha
 *    redis 127.0.0.1 6379
 *    node-id pair-0.23.2
 *    redis key-prefix sipt-gw:
 */
#include <stdio.h>
#include <string.h>
#include <osmocom/vty/vty.h>
#include <osmocom/vty/command.h>

#include "common/app.h"
#include "gw/iwf.h"
#include "gw/vty_nodes.h"
#include "gw/ha_store.h"
#include "gw/ha_m3ua.h"
#include "gw/ha_role.h"
#include "gw/ha_presence.h"

static struct gw_iwf *g_iwf;
static struct ha_store_cfg g_cfg = { .prefix = "sipt-gw:" };
static char g_redis_where[300];		/* file:line of the 'redis' command */

static struct cmd_node ha_node = { HA_NODE, "%s(config-ha)# ", 1 };

struct ha_store_cfg *gw_ha_cfg(void)
{
	return &g_cfg;
}

DEFUN(cfg_ha, cfg_ha_cmd, "ha", "High availability: the state store a standby node reads (Redis)\n")
{
	vty->node = HA_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_ha_redis, cfg_ha_redis_cmd, "redis A.B.C.D <1-65535>",
      "Redis server of the state store (replication on)\n" "IPv4 address (no name: a lookup would block)\n"
      "TCP port\n")
{
	snprintf(g_cfg.host, sizeof(g_cfg.host), "%s", argv[0]);
	g_cfg.port = atoi(argv[1]);
	g_cfg.enabled = true;
	snprintf(g_redis_where, sizeof(g_redis_where), "%s", sgw_app_config_where() ?: "");
	return CMD_SUCCESS;
}

DEFUN(cfg_ha_no_redis, cfg_ha_no_redis_cmd, "no redis", NO_STR "No state store (replication off)\n")
{
	g_cfg.enabled = false;
	return CMD_SUCCESS;
}

/* key characters: printable, no blanks (WORD), bounded so that every key fits */
static int ha_name_arg(struct vty *vty, char *dst, size_t size, const char *arg, const char *what)
{
	size_t i, len = strlen(arg);
	if (len == 0 || len >= size) {
		vty_out(vty, "%% %s: 1 to %zu characters%s", what, size - 1, VTY_NEWLINE);
		return CMD_WARNING;
	}
	for (i = 0; i < len; i++) {
		if (arg[i] <= ' ' || arg[i] > '~') {
			vty_out(vty, "%% %s: printable characters only%s", what, VTY_NEWLINE);
			return CMD_WARNING;
		}
	}
	memcpy(dst, arg, len + 1);
	return CMD_SUCCESS;
}

DEFUN(cfg_ha_node_id, cfg_ha_node_id_cmd, "node-id NAME",
      "Name of the records of this node (both nodes of a pair: the same)\n" "Name (1-48 characters)\n")
{
	return ha_name_arg(vty, g_cfg.node_id, 49, argv[0], "node-id");
}

DEFUN(cfg_ha_prefix, cfg_ha_prefix_cmd, "redis key-prefix PREFIX",
      "Redis server of the state store\n" "Prefix of every key (default sipt-gw:)\n"
      "Prefix (1-48 characters)\n")
{
	return ha_name_arg(vty, g_cfg.prefix, 49, argv[0], "redis key-prefix");
}

DEFUN(show_ha, show_ha_cmd, "show ha", SHOW_STR "HA: the active/standby pair (M3UA override) and the state store (Redis)\n")
{
	struct ha_store *st = g_iwf->ha;

	gw_ha_pair_show(vty);
	if (!st) {
		vty_out(vty, "HA state store: off%s", VTY_NEWLINE);
		return CMD_SUCCESS;
	}
	vty_out(vty, "HA state store: redis %s:%u node-id %s key-prefix %s: %s%s", g_cfg.host, g_cfg.port,
		g_cfg.node_id, g_cfg.prefix, ha_store_connected(st) ? "connected" : "NOT connected", VTY_NEWLINE);
	vty_out(vty, " role %s, writes %llu, redis errors %llu%s", ha_store_active(st) ? "active" : "standby (no writes)", (unsigned long long)ha_store_writes(st),
		(unsigned long long)ha_store_errors(st), VTY_NEWLINE);
	return CMD_SUCCESS;
}

static int config_write_ha(struct vty *vty)
{
	if (!g_cfg.enabled && !g_cfg.node_id[0] && !gw_ha_role_configured())
		return CMD_SUCCESS;
	vty_out(vty, "ha%s", VTY_NEWLINE);
	if (g_cfg.enabled)
		vty_out(vty, " redis %s %u%s", g_cfg.host, g_cfg.port, VTY_NEWLINE);
	if (g_cfg.node_id[0])
		vty_out(vty, " node-id %s%s", g_cfg.node_id, VTY_NEWLINE);
	if (strcmp(g_cfg.prefix, "sipt-gw:"))
		vty_out(vty, " redis key-prefix %s%s", g_cfg.prefix, VTY_NEWLINE);
	gw_ha_role_vty_write(vty);
	return CMD_SUCCESS;
}

int gw_ha_check_config(void)
{
	if (!g_cfg.enabled || g_cfg.node_id[0])
		return 0;
	fprintf(stderr, "sipt-gw: %s%sredis %s %u: the HA state store needs a 'node-id'\n", g_redis_where,
		g_redis_where[0] ? ": " : "", g_cfg.host, g_cfg.port);
	return 1;
}

void gw_ha_vty_init(struct gw_iwf *iwf)
{
	g_iwf = iwf;
	install_element(CONFIG_NODE, &cfg_ha_cmd);
	install_node(&ha_node, config_write_ha);
	install_element(HA_NODE, &cfg_ha_redis_cmd);
	install_element(HA_NODE, &cfg_ha_no_redis_cmd);
	install_element(HA_NODE, &cfg_ha_node_id_cmd);
	install_element(HA_NODE, &cfg_ha_prefix_cmd);
	install_element_ve(&show_ha_cmd);
	gw_ha_role_vty_init(HA_NODE);	/* role-file, notify-script (gw/ha_role.h) */
	gw_ha_cluster_vty_init(iwf);	/* show cluster */
}

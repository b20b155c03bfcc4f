/* VTY of the active/standby pair (gw/ha_m3ua.c): 'ha asp NAME' in the gateway node, its part of
 * 'show ha' (gw/ha_vty.c). */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/fsm.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>
#include <osmocom/sigtran/osmo_ss7.h>

#include "gw/ha_m3ua.h"

static struct gw_ha *g_ha;

/* the ASP is handed to its layer manager at start: later changes would not take effect */
static bool ha_started(struct vty *vty)
{
	if (g_ha->started)
		vty_out(vty, "%% ha: takes effect at start only%s", VTY_NEWLINE);
	return g_ha->started;
}

DEFUN(cfg_gw_ha_asp, cfg_gw_ha_asp_cmd, "ha asp NAME",
      "Active/standby pair on one point code (M3UA override, README 'Several nodes')\n"
      "The ASP (cs7 instance of the isup node) this node drives: ASP-ACTIVE only when the SGP\n"
      "reports the AS inactive or pending, standby (ASP-INACTIVE) while the other node is active\n"
      "ASP name\n")
{
	if (ha_started(vty))
		return CMD_WARNING;
	talloc_free(g_ha->asp_name);
	g_ha->asp_name = talloc_strdup(g_ha, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_no_ha, cfg_gw_no_ha_cmd, "no ha",
      NO_STR "No active/standby pair: ASP-ACTIVE right after ASP-UP (default)\n")
{
	if (ha_started(vty))
		return CMD_WARNING;
	TALLOC_FREE(g_ha->asp_name);
	return CMD_SUCCESS;
}

const char *gw_ha_fsm_state(const char *fsm_name, const char *id)
{
	struct osmo_fsm *fsm = osmo_fsm_find_by_name(fsm_name);
	struct osmo_fsm_inst *fi = fsm ? osmo_fsm_inst_find_by_id(fsm, id) : NULL;
	return fi ? osmo_fsm_inst_state_name(fi) : "-";
}

void gw_ha_pair_show(struct vty *vty)
{
	const struct rate_ctr_group *c = g_ha->ctrs;

	if (!gw_ha_enabled(g_ha)) {
		vty_out(vty, "ha: off (no 'ha asp' in the gateway node)%s", VTY_NEWLINE);
		return;
	}
	vty_out(vty, "role: %s (since %lds)%s", gw_ha_role_name(g_ha->role),
		g_ha->since ? (long)(time(NULL) - g_ha->since) : 0L, VTY_NEWLINE);
	vty_out(vty, "asp: %s state %s, layer manager %s%s", g_ha->asp_name,
		gw_ha_fsm_state("XUA_ASP", g_ha->asp_name), gw_ha_fsm_state("xua_default_lm", g_ha->asp_name), VTY_NEWLINE);
	vty_out(vty, "as: %s%s", !g_ha->as ? "-" : osmo_ss7_as_active(g_ha->as) ? "active" : "not active",
		VTY_NEWLINE);
	vty_out(vty, "became-active %" PRIu64 " takeovers %" PRIu64 " lost-active %" PRIu64 "%s",
		rate_ctr_group_get_ctr((struct rate_ctr_group *)c, GW_HA_CTR_BECAME_ACTIVE)->current,
		rate_ctr_group_get_ctr((struct rate_ctr_group *)c, GW_HA_CTR_TAKEOVER)->current,
		rate_ctr_group_get_ctr((struct rate_ctr_group *)c, GW_HA_CTR_LOST_ACTIVE)->current, VTY_NEWLINE);
	vty_out(vty, "restored %" PRIu64 " restore-failed %" PRIu64 " restore-fallback %" PRIu64 "%s",
		gw_ha_ctr_get(g_ha, GW_HA_CTR_RESTORED), gw_ha_ctr_get(g_ha, GW_HA_CTR_RESTORE_FAILED),
		gw_ha_ctr_get(g_ha, GW_HA_CTR_RESTORE_FALLBACK), VTY_NEWLINE);
}

void gw_ha_pair_vty_write(struct vty *vty, const struct gw_ha *ha)
{
	if (gw_ha_enabled(ha))
		vty_out(vty, " ha asp %s%s", ha->asp_name, VTY_NEWLINE);
}

void gw_ha_pair_vty_init(struct gw_ha *ha, int gw_node)
{
	g_ha = ha;
	install_element(gw_node, &cfg_gw_ha_asp_cmd);
	install_element(gw_node, &cfg_gw_no_ha_cmd);
}

/* Per circuit group bearer capability (issue 18 point 3): 'circuit-group NAME clearmode reject'
 * in the gateway node: the group's circuits do not carry 64 kbit/s unrestricted, so a clearmode
 * INVITE routed to it is answered 488 with Reason Q.850 cause 65 (no IAM). Default: accept. */
#include <stdio.h>
#include <string.h>
#include <talloc.h>

#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "common/app.h"
#include "gw/vty_nodes.h"
#include "gw/iwf.h"
#include "isup/isup_call.h"

static struct gw_iwf *g_iwf;

static struct gw_group_bearer *group_bearer(const struct gw_iwf *iwf, const char *group)
{
	struct gw_group_bearer *g;
	llist_for_each_entry(g, &iwf->group_bearers, list)
		if (!strcmp(g->group, group))
			return g;
	return NULL;
}

bool gw_iwf_group_clearmode(const struct gw_iwf *iwf, const char *group)
{
	return !group_bearer(iwf, group);
}

DEFUN(cfg_gw_group_clearmode, cfg_gw_group_clearmode_cmd, "circuit-group NAME clearmode (accept|reject)",
      "Per circuit group interworking settings\n" "Circuit group name\n"
      "64 kbit/s unrestricted (TMR 2) on this group's circuits: RFC 4040 clearmode calls\n"
      "Accept (the default)\n" "Refuse: 488 with Reason Q.850 cause 65\n")
{
	struct gw_group_bearer *g = group_bearer(g_iwf, argv[0]);

	if (!strcmp(argv[1], "accept")) {
		if (g) {
			llist_del(&g->list);
			talloc_free(g);
		}
		return CMD_SUCCESS;
	}
	if (g)
		return CMD_SUCCESS;
	g = talloc_zero(g_iwf, struct gw_group_bearer);
	OSMO_STRLCPY_ARRAY(g->group, argv[0]);
	snprintf(g->where, sizeof(g->where), "%s", sgw_app_config_where() ?: "");
	llist_add_tail(&g->list, &g_iwf->group_bearers);
	return CMD_SUCCESS;
}

void gw_bearer_vty_write(struct vty *vty)
{
	const struct gw_group_bearer *g;
	llist_for_each_entry(g, &g_iwf->group_bearers, list)
		vty_out(vty, " circuit-group %s clearmode reject%s", g->group, VTY_NEWLINE);
}

int gw_bearer_check_config(const struct gw_iwf *iwf)
{
	const struct gw_group_bearer *g;
	int problems = 0;

	llist_for_each_entry(g, &iwf->group_bearers, list) {
		if (isup_group_exists(iwf->isup, g->group))
			continue;
		fprintf(stderr, "sipt-gw: %s%scircuit-group %s clearmode: no circuit-group '%s' is configured\n",
			g->where, g->where[0] ? ": " : "", g->group, g->group);
		problems++;
	}
	return problems;
}

void gw_bearer_vty_init(struct gw_iwf *iwf)
{
	g_iwf = iwf;
	install_element(GW_NODE, &cfg_gw_group_clearmode_cmd);
}

/* The CTRL interface's setup (gw/ctrl.h), as the Osmocom daemons do it: ctrl_vty_init() before the
 * config is read, ctrl_interface_setup2() after; the node lookup for cgroup.NAME, cic.N,
 * cgroup.NAME.cic.N and trunk.NAME; the TRAPs from the ISUP node's group watch. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/ctrl/control_if.h>
#include <osmocom/ctrl/control_vty.h>

#include "gw/debug.h"
#include "gw/iwf.h"
#include "gw/ctrl.h"
#include "isup/isup_call.h"
#include "isup/isup_maint.h"
#include "sip/sip.h"

static struct ctrl_handle *g_ctrl;
static struct gw_ctrl_ref g_ref;	/* filled by the lookup, read by the command it leads to */

/* the last alarm state a TRAP told of, per group */
struct ctrl_group_alarm {
	struct llist_head list;
	char *group;
	bool alarm;
	unsigned int alarmed;
};
static LLIST_HEAD(g_alarms);

void gw_ctrl_vty_init(void *ctx)
{
	ctrl_vty_init(ctx);
}

/* the token after *i, *i moved onto it (NULL: none) */
static const char *next_token(vector vline, int *i)
{
	if (*i + 1 >= (int)vector_active(vline))
		return NULL;
	(*i)++;
	return vector_slot(vline, *i);
}

static int lookup_cic(struct gw_iwf *iwf, vector vline, int *i, const char *group)
{
	long num;
	char buf[160];

	(*i)++;
	if (!ctrl_parse_get_num(vline, *i, &num) || num < 0 || num > 4095)
		return -ERANGE;
	if (!group)
		group = isup_maint_cic_group(iwf->isup, num);	/* cic.N: the one group that has it */
	if (!group || !isup_maint_circuit_state(iwf->isup, group, num, buf, sizeof(buf)))
		return -ENODEV;
	g_ref.group = group;
	g_ref.cic = num;
	return 1;
}

/* libosmoctrl's node lookup: 1 (tokens up to *i taken, node set), 0 (a command of this node),
 * -ERANGE (bad index), -ENODEV (no such object) */
static int gw_ctrl_lookup(void *data, vector vline, int *node_type, void **node_data, int *i)
{
	struct gw_iwf *iwf = data;
	const char *tok = vector_slot(vline, *i), *name;
	int rc;

	if (*node_type == CTRL_NODE_ROOT && !strcmp(tok, "cgroup")) {
		name = next_token(vline, i);
		if (!name || !isup_group_exists(iwf->isup, name))
			return -ENODEV;
		memset(&g_ref, 0, sizeof(g_ref));
		g_ref.group = name;
		*node_type = GW_CTRL_NODE_CGROUP;
	} else if ((*node_type == CTRL_NODE_ROOT || *node_type == GW_CTRL_NODE_CGROUP) && !strcmp(tok, "cic")) {
		if (*node_type == CTRL_NODE_ROOT)
			memset(&g_ref, 0, sizeof(g_ref));
		rc = lookup_cic(iwf, vline, i, g_ref.group);
		if (rc < 0)
			return rc;
		*node_type = GW_CTRL_NODE_CIC;
	} else if (*node_type == CTRL_NODE_ROOT && !strcmp(tok, "trunk")) {
		name = next_token(vline, i);
		if (!name || !sip_trunk_find(iwf->sip, name))
			return -ENODEV;
		memset(&g_ref, 0, sizeof(g_ref));
		g_ref.trunk = name;
		*node_type = GW_CTRL_NODE_TRUNK;
	} else
		return 0;
	*node_data = &g_ref;
	return 1;
}

static struct ctrl_group_alarm *group_alarm(const char *group)
{
	struct ctrl_group_alarm *ga;

	llist_for_each_entry(ga, &g_alarms, list)
		if (!strcmp(ga->group, group))
			return ga;
	ga = talloc_zero(g_ctrl, struct ctrl_group_alarm);
	ga->group = talloc_strdup(ga, group);
	llist_add_tail(&ga->list, &g_alarms);
	return ga;
}

static void trap(const char *group, const char *what, char *value)
{
	char var[128];

	snprintf(var, sizeof(var), "cgroup.%s.%s", group, what);
	LOGP(DGW, LOGL_NOTICE, "CTRL TRAP %s %s\n", var, value);
	ctrl_cmd_send_trap(g_ctrl, var, value);
}

/* TRAP cgroup.NAME.route on MTP-PAUSE / MTP-RESUME, cgroup.NAME.alarm when the group's alarm
 * state or its number of alarmed circuits changes */
static void group_event(const char *group, enum isup_group_ev ev, void *data)
{
	struct gw_iwf *iwf = data;
	struct isup_group_status st;
	struct ctrl_group_alarm *ga;
	char buf[160];
	unsigned int alarmed;
	bool alarm;

	if (ev == ISUP_GROUP_EV_ROUTE) {
		if (isup_maint_group_status(iwf->isup, group, &st) == 0) {
			snprintf(buf, sizeof(buf), "%s dpc=%s", st.paused ? "paused" : "available", st.dpc);
			trap(group, "route", buf);
		}
		return;
	}
	if (!gw_ctrl_group_alarm(iwf, group, buf, sizeof(buf), &alarm, &alarmed))
		return;
	ga = group_alarm(group);
	if (ga->alarm == alarm && ga->alarmed == alarmed)
		return;
	ga->alarm = alarm;
	ga->alarmed = alarmed;
	trap(group, "alarm", buf);
}

int gw_ctrl_start(struct gw_iwf *iwf)
{
	/* -1: no 'bind A.B.C.D PORT' in the 'ctrl' node */
	bool port_cfg = ctrl_vty_get_bind_port(0) != 0;

	g_ctrl = ctrl_interface_setup2(iwf, SIPT_GW_CTRL_PORT, gw_ctrl_lookup, _GW_CTRL_NODE_COUNT);
	if (!g_ctrl && port_cfg) {
		fprintf(stderr, "sipt-gw: cannot open the CTRL interface on %s:%u\n", ctrl_vty_get_bind_addr(),
			ctrl_vty_get_bind_port(SIPT_GW_CTRL_PORT));
		return -1;
	}
	if (!g_ctrl) {
		/* the default port taken (e.g. a second gateway on the host): the gateway runs on */
		LOGP(DGW, LOGL_ERROR, "CTRL interface: cannot listen on %s:%u (in use?); no CTRL; "
		     "configure 'ctrl' / 'bind A.B.C.D PORT'\n", ctrl_vty_get_bind_addr(), SIPT_GW_CTRL_PORT);
		return 0;
	}
	if (gw_ctrl_cmds_install() < 0)
		return -1;
	isup_node_group_watch(iwf->isup, group_event, iwf);
	LOGP(DGW, LOGL_NOTICE, "CTRL interface on %s:%u\n", ctrl_vty_get_bind_addr(),
	     ctrl_vty_get_bind_port(SIPT_GW_CTRL_PORT));
	return 0;
}

/* 'show cluster' (issue 19 point 6): this node's part of the pair and of the state store on one
 * screen. One "label: ..." line each (tests and operators grep them):
 *   cluster:      ASP and node-id, or off
 *   role:         active / standby / down, since (UTC, seconds ago)
 *   this asp:     the ASP FSM's state, its layer manager's, the local AS
 *   peer asp:     the other node's presence record (gw/ha_presence.h): role, since, ASP state,
 *                 fresh or stale
 *   redis:        up / down, host:port, since
 *   replicated:   call and circuit records written, Redis commands, errors
 *   last takeover: when, how long from the standby -> active change to the whole state written
 *                 (ha_store_set_active), ha:restored / ha:cleared when some counter group has them
 *   counters:     takeovers, became-active, lost-active, redis errors
 *   service address: role file, notify script, its last run and counters */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>
#include <osmocom/sigtran/osmo_ss7.h>

#include "gw/iwf.h"
#include "gw/ha_m3ua.h"
#include "gw/ha_presence.h"
#include "gw/ha_role.h"
#include "gw/ha_store.h"

static struct gw_iwf *g_iwf;

static const char *utc(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (!t || !gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "-");
	return buf;
}

static long ago(time_t t)
{
	return t ? (long)(time(NULL) - t) : 0L;
}

static uint64_t pair_ctr(unsigned int idx)
{
	return rate_ctr_group_get_ctr(g_iwf->pair->ctrs, idx)->current;
}

static void show_peers(struct vty *vty)
{
	const struct gw_presence_view *v = gw_presence_view();
	unsigned int i;
	char t[32];

	if (!v->running) {
		vty_out(vty, "peer asp: unknown (presence needs 'ha asp' and the state store 'redis')%s", VTY_NEWLINE);
		return;
	}
	if (!v->peers)
		vty_out(vty, "peer asp: none seen (no presence record of another node)%s", VTY_NEWLINE);
	for (i = 0; i < v->peers; i++) {
		const struct gw_presence_peer *p = &v->peer[i];
		vty_out(vty, "peer asp: %s role %s since %s, asp %s, %s%s", p->asp, gw_ha_role_name(p->role),
			utc(p->since, t, sizeof(t)), p->asp_state, gw_presence_fresh(p) ? "fresh" : "stale (no refresh)",
			VTY_NEWLINE);
	}
	vty_out(vty, "presence: refreshes %" PRIu64 " reads %" PRIu64 " errors %" PRIu64 "%s", v->refreshes, v->reads,
		v->errors, VTY_NEWLINE);
}

static void show_store(struct vty *vty, struct ha_store_stats *s)
{
	const struct ha_store_cfg *cfg = gw_ha_cfg();
	char t[32];

	if (!g_iwf->ha) {
		vty_out(vty, "redis: off (no 'redis' in the ha node)%s", VTY_NEWLINE);
		return;
	}
	ha_store_stats(g_iwf->ha, s);
	vty_out(vty, "redis: %s %s:%u since %s (%lds)%s", ha_store_connected(g_iwf->ha) ? "up" : "down", cfg->host,
		cfg->port, utc(s->link_since, t, sizeof(t)), ago(s->link_since), VTY_NEWLINE);
	vty_out(vty, "replicated: call records %" PRIu64 " circuit records %" PRIu64 " commands %" PRIu64
		" errors %" PRIu64 " (%s)%s", s->call_records, s->cct_records, s->writes, s->errors,
		ha_store_active(g_iwf->ha) ? "writing" : "standby: not writing", VTY_NEWLINE);
}

struct named_ctr {
	const char *name;
	const struct rate_ctr *ctr;
};

static int find_ctr(struct rate_ctr_group *grp, void *data)
{
	struct named_ctr *nc = data;
	if (!nc->ctr && !strncmp(grp->desc->group_name_prefix, "gw:ha", 5))
		nc->ctr = rate_ctr_get_by_name(grp, nc->name);
	return 0;
}

/* a counter of the takeover (task "restore"/"early" name them) when some gw:ha group has it */
static void show_named(struct vty *vty, const char *label, const char *name)
{
	struct named_ctr nc = { .name = name };
	rate_ctr_for_each_group(find_ctr, &nc);
	if (nc.ctr)
		vty_out(vty, " %s %" PRIu64, label, nc.ctr->current);
	else
		vty_out(vty, " %s - (no counter %s)", label, name);
}

static void show_takeover(struct vty *vty, const struct ha_store_stats *s)
{
	struct timespec start;
	time_t wall;
	char t[32];
	long ms;

	if (!gw_ha_role_takeover_start(&start, &wall)) {
		vty_out(vty, "last takeover: none%s", VTY_NEWLINE);
		return;
	}
	vty_out(vty, "last takeover: %s (%lds ago),", utc(wall, t, sizeof(t)), ago(wall));
	ms = (s->active_at.tv_sec - start.tv_sec) * 1000 + (s->active_at.tv_nsec - start.tv_nsec) / 1000000;
	if (!g_iwf->ha)
		vty_out(vty, " no state store,");
	else if (s->active_at.tv_sec < start.tv_sec || ms < 0)
		vty_out(vty, " state not written yet,");
	else
		vty_out(vty, " %ld ms to the state written,", ms);
	show_named(vty, "restored", "ha:restored");
	show_named(vty, "cleared", "ha:cleared");
	vty_out(vty, "%s", VTY_NEWLINE);
}

static void show_service_address(struct vty *vty)
{
	const struct gw_ha_notify_last *l = gw_ha_notify_last();

	vty_out(vty, "service address: role-file %s, notify-script %s", gw_ha_role_file()[0] ? gw_ha_role_file() : "-",
		gw_ha_notify_script()[0] ? gw_ha_notify_script() : "-");
	if (l->valid)
		vty_out(vty, ", last run '%s' %s %d after %u ms%s", gw_ha_role_name(l->role),
			l->status >= 0 ? "exit" : "signal", l->status >= 0 ? l->status : -l->status, l->ms,
			l->timed_out ? " (killed: gw X40)" : "");
	vty_out(vty, "; notify ok %" PRIu64 " failed %" PRIu64 " timeout %" PRIu64 " role-file errors %" PRIu64 "%s",
		gw_ha_role_ctr(GW_HA_ROLE_CTR_NOTIFY_OK), gw_ha_role_ctr(GW_HA_ROLE_CTR_NOTIFY_FAILED),
		gw_ha_role_ctr(GW_HA_ROLE_CTR_NOTIFY_TIMEOUT), gw_ha_role_ctr(GW_HA_ROLE_CTR_FILE_ERRORS), VTY_NEWLINE);
}

DEFUN(show_cluster, show_cluster_cmd, "show cluster",
      SHOW_STR "This node in its active/standby pair: role, both ASPs, the Redis link, replication, last takeover\n")
{
	struct gw_ha *ha = g_iwf->pair;
	struct ha_store_stats s = { 0 };
	char t[32];

	if (!gw_ha_enabled(ha)) {
		vty_out(vty, "cluster: off (no 'ha asp' in the gateway node)%s", VTY_NEWLINE);
		show_store(vty, &s);
		return CMD_SUCCESS;
	}
	vty_out(vty, "cluster: asp %s node-id %s%s", ha->asp_name, gw_ha_cfg()->node_id[0] ? gw_ha_cfg()->node_id : "-",
		VTY_NEWLINE);
	vty_out(vty, "role: %s since %s (%lds)%s", gw_ha_role_name(ha->role), utc(ha->since, t, sizeof(t)),
		ago(ha->since), VTY_NEWLINE);
	vty_out(vty, "this asp: %s %s, layer manager %s, as %s%s", ha->asp_name, gw_ha_fsm_state("XUA_ASP", ha->asp_name),
		gw_ha_fsm_state("xua_default_lm", ha->asp_name),
		!ha->as ? "-" : osmo_ss7_as_active(ha->as) ? "active" : "not active", VTY_NEWLINE);
	show_peers(vty);
	show_store(vty, &s);
	show_takeover(vty, &s);
	vty_out(vty, "counters: takeovers %" PRIu64 " became-active %" PRIu64 " lost-active %" PRIu64
		" redis-errors %" PRIu64 "%s", pair_ctr(GW_HA_CTR_TAKEOVER), pair_ctr(GW_HA_CTR_BECAME_ACTIVE),
		pair_ctr(GW_HA_CTR_LOST_ACTIVE), g_iwf->ha ? ha_store_errors(g_iwf->ha) : 0, VTY_NEWLINE);
	show_service_address(vty);
	return CMD_SUCCESS;
}

void gw_ha_cluster_vty_init(struct gw_iwf *iwf)
{
	g_iwf = iwf;
	install_element_ve(&show_cluster_cmd);
}

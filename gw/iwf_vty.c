/* VTY of the interworking function: "gateway" config node, show calls, release call. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>
#include <osmocom/vty/tdef_vty.h>

#include "common/app.h"
#include "gw/debug.h"
#include "gw/vty_nodes.h"
#include "gw/iwf.h"
#include "gw/call.h"
#include "gw/isup_leg.h"
#include "gw/sip_leg.h"
#include "gw/overlap.h"
#include "gw/ha_m3ua.h"
#include "isup/isup_call.h"
#include "sip/sip.h"
#include "sip/sip_vty.h"
#include "isup/isup_node_api.h"
#include "gw/testcall.h"
#include "gw/number_vty.h"
#include "gw/redir_vty.h"
#include "gw/ha_store.h"
#include "media/media.h"
#include "tones/tones.h"

static struct gw_iwf *g_iwf;	/* the object the commands act on (set by gw_iwf_vty_init) */

static struct cmd_node gw_node = { GW_NODE, "%s(config-gateway)# ", 1 };

DEFUN(cfg_gateway, cfg_gateway_cmd, "gateway", "Interworking function: routes, numbering, causes\n")
{
	vty->node = GW_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_cc, cfg_gw_cc_cmd, "country-code <1-999>",
      "Home country code: national numbers become +CC... in SIP, and back\n" "Country code\n")
{
	snprintf(g_iwf->plan.country_code, sizeof(g_iwf->plan.country_code), "%s", argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_media, cfg_gw_media_cmd, "media-address A.B.C.D",
      "Address put into SDP for circuits without a bearer endpoint\n" "IPv4 address\n")
{
	snprintf(g_iwf->media_addr, sizeof(g_iwf->media_addr), "%s", argv[0]);
	return CMD_SUCCESS;
}

static const char *prefix_arg(const char *a)
{
	return !strcmp(a, "default") ? "" : a;
}

static int route_add(struct vty *vty, bool egress, const char *prefix, const char *target)
{
	struct gw_route *rt;
	llist_for_each_entry(rt, &g_iwf->routes, list) {
		if (rt->egress == egress && !strcmp(rt->prefix, prefix)) {
			snprintf(rt->target, sizeof(rt->target), "%s", target);
			return CMD_SUCCESS;
		}
	}
	rt = talloc_zero(g_iwf, struct gw_route);
	snprintf(rt->where, sizeof(rt->where), "%s", sgw_app_config_where() ?: "");
	rt->egress = egress;
	snprintf(rt->prefix, sizeof(rt->prefix), "%s", prefix);
	snprintf(rt->target, sizeof(rt->target), "%s", target);
	llist_add_tail(&rt->list, &g_iwf->routes);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_route_in, cfg_gw_route_in_cmd, "route ingress PREFIX trunk NAME",
      "Routing\n" "ISUP -> SIP: by called number prefix\n" "Digits (optionally +...), or 'default'\n"
      "To a SIP trunk\n" "Trunk name\n")
{
	return route_add(vty, false, prefix_arg(argv[0]), argv[1]);
}

DEFUN(cfg_gw_route_eg, cfg_gw_route_eg_cmd, "route egress PREFIX circuit-group NAME",
      "Routing\n" "SIP -> ISUP: by Request-URI user prefix\n" "Digits (optionally +...), or 'default'\n"
      "To a circuit group\n" "Circuit group name\n")
{
	return route_add(vty, true, prefix_arg(argv[0]), argv[1]);
}

DEFUN(cfg_gw_no_route, cfg_gw_no_route_cmd, "no route (ingress|egress) PREFIX",
      NO_STR "Routing\n" "ISUP -> SIP\n" "SIP -> ISUP\n" "Prefix or 'default'\n")
{
	struct gw_route *rt, *rt2;
	bool egress = !strcmp(argv[0], "egress");
	const char *prefix = prefix_arg(argv[1]);
	llist_for_each_entry_safe(rt, rt2, &g_iwf->routes, list) {
		if (rt->egress == egress && !strcmp(rt->prefix, prefix)) {
			llist_del(&rt->list);
			talloc_free(rt);
			return CMD_SUCCESS;
		}
	}
	vty_out(vty, "%% no such route%s", VTY_NEWLINE);
	return CMD_WARNING;
}

DEFUN(cfg_gw_noroute, cfg_gw_noroute_cmd, "no-route cause <1-127> status <300-699>",
      "What to answer when no route matches\n" "REL cause towards ISUP\n" "Q.850 cause\n"
      "SIP status towards SIP\n" "Status code\n")
{
	g_iwf->no_route_cause = atoi(argv[0]);
	g_iwf->no_route_status = atoi(argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_overlap, cfg_gw_overlap_cmd, "overlap (en-bloc|off)",
      "Incoming IAM without ST: collect SAMs (isup T35, gw X1; per trunk en bloc or RFC 3578)\n"
      "Collect digits (RFC 3578 en-bloc conversion)\n" "Send the INVITE at once\n")
{
	g_iwf->overlap_timeout_s = !strcmp(argv[0], "off") ? 0 : 1;
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_trunk_prof, cfg_gw_trunk_prof_cmd, "trunk NAME cause-profile (rfc3398|q1912)",
      "Interworking settings of a SIP trunk\n" "Trunk name\n" "Cause mapping profile\n"
      "RFC 3398 tables\n" "ITU-T Q.1912.5 profile\n")
{
	gw_iwf_trunk(g_iwf, argv[0], true)->profile = gw_cause_profile_from_name(argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_trunk_map_i2s, cfg_gw_trunk_map_i2s_cmd, "trunk NAME cause-map isup-to-sip <1-127> <300-699>",
      "Interworking settings of a SIP trunk\n" "Trunk name\n" "Override of the cause table\n"
      "ISUP cause -> SIP status\n" "Q.850 cause\n" "SIP status\n")
{
	gw_iwf_trunk(g_iwf, argv[0], true)->ovr.isup_to_sip[atoi(argv[1])] = atoi(argv[2]);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_trunk_map_s2i, cfg_gw_trunk_map_s2i_cmd, "trunk NAME cause-map sip-to-isup <300-699> <1-127>",
      "Interworking settings of a SIP trunk\n" "Trunk name\n" "Override of the cause table\n"
      "SIP status -> ISUP cause\n" "SIP status\n" "Q.850 cause\n")
{
	gw_iwf_trunk(g_iwf, argv[0], true)->ovr.sip_to_isup[atoi(argv[1])] = atoi(argv[2]);
	return CMD_SUCCESS;
}

/* "trunk NAME WORD (on|off)": a yes/no setting of a SIP trunk, the bool MEMBER of its gw_trunk_iwf;
 * DOC: the docs of "trunk", NAME, WORD, "on" and "off" */
#define DEFUN_TRUNK_ON_OFF(fn, word, member, doc) \
DEFUN(cfg_gw_trunk_##fn, cfg_gw_trunk_##fn##_cmd, "trunk NAME " word " (on|off)", doc) \
{ \
	gw_iwf_trunk(g_iwf, argv[0], true)->member = !strcmp(argv[1], "on"); \
	return CMD_SUCCESS; \
}

DEFUN_TRUNK_ON_OFF(rel, "reliable-18x", reliable_18x,
		   "Interworking settings of a SIP trunk\n" "Trunk name\n"
		   "Send 18x with SDP reliably (100rel) when the peer supports it\n" "On\n" "Off\n")

/* "no ...": forget the configured ENTRY (talloc) and unlink it from its list (ENTRY NULL: none) */
static int cfg_entry_free(void *entry, struct llist_head *list)
{
	if (entry) {
		llist_del(list);
		talloc_free(entry);
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_group_rate, cfg_gw_group_rate_cmd, "circuit-group NAME call-rate-limit <1-100000>",
      "Interworking settings of a circuit group\n" "Circuit group name\n"
      "Most new IAMs accepted per second (beyond: REL cause 42)\n" "Calls per second\n")
{
	gw_rate_limit_set(&gw_iwf_group(g_iwf, argv[0], true)->call_rate, atoi(argv[1]));
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_no_group_rate, cfg_gw_no_group_rate_cmd, "no circuit-group NAME call-rate-limit",
      NO_STR "Interworking settings of a circuit group\n" "Circuit group name\n" "No call-rate limit\n")
{
	struct gw_group_iwf *g = gw_iwf_group(g_iwf, argv[0], false);
	return cfg_entry_free(g, g ? &g->list : NULL);
}

/* the E.180 tone plan NAME, or NULL (said on VTY) */
static const struct tone_plan *vty_tone_plan(struct vty *vty, const char *name)
{
	const struct tone_plan *tp = tone_plan_find(name);
	if (!tp)
		vty_out(vty, "%% unknown tone plan '%s'%s", name, VTY_NEWLINE);
	return tp;
}

DEFUN(cfg_gw_trunk_tplan, cfg_gw_trunk_tplan_cmd, "trunk NAME tone-plan NAME",
      "Per SIP trunk interworking settings\n" "Trunk name\n"
      "E.180 national tone plan for the tones played on this trunk's calls\n" "Plan (itu, us, uk, de, fr, ...)\n")
{
	const struct tone_plan *tp = vty_tone_plan(vty, argv[1]);
	if (!tp)
		return CMD_WARNING;
	gw_iwf_trunk(g_iwf, argv[0], true)->tone_plan = tp;
	return CMD_SUCCESS;
}

static struct gw_group_tones *group_tones(const char *group, bool create)
{
	struct gw_group_tones *g;
	llist_for_each_entry(g, &g_iwf->group_tones, list)
		if (!strcmp(g->group, group))
			return g;
	if (!create)
		return NULL;
	g = talloc_zero(g_iwf, struct gw_group_tones);
	OSMO_STRLCPY_ARRAY(g->group, group);
	llist_add_tail(&g->list, &g_iwf->group_tones);
	return g;
}

DEFUN(cfg_gw_group_tplan, cfg_gw_group_tplan_cmd, "circuit-group NAME tone-plan NAME",
      "Per circuit group interworking settings\n" "Circuit group name\n"
      "E.180 national tone plan of the tones played toward this group's exchange\n"
      "Plan (itu, us, uk, de, fr, ...)\n")
{
	const struct tone_plan *tp = vty_tone_plan(vty, argv[1]);
	if (!tp)
		return CMD_WARNING;
	group_tones(argv[0], true)->plan = tp;
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_no_group_tplan, cfg_gw_no_group_tplan_cmd, "no circuit-group NAME tone-plan",
      NO_STR "Per circuit group interworking settings\n" "Circuit group name\n"
      "Tones toward this group's exchange in the trunk's / gateway's plan\n")
{
	struct gw_group_tones *g = group_tones(argv[0], false);
	return cfg_entry_free(g, g ? &g->list : NULL);
}

DEFUN(cfg_gw_trunk_tbr, cfg_gw_trunk_tbr_cmd, "trunk NAME tones-before-release <0-60>",
      "Per SIP trunk interworking settings\n" "Trunk name\n"
      "E.182: play busy/congestion/SIT as early media before releasing a failed call\n"
      "Seconds (0: release at once)\n")
{
	gw_iwf_trunk(g_iwf, argv[0], true)->tdefs[0].val = atoi(argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_trunk_eacm, cfg_gw_trunk_eacm_cmd, "trunk NAME early-acm <0-60>",
      "Per SIP trunk interworking settings\n" "Trunk name\n"
      "Early ACM (Q.1912.5): no 18x for this long -> ACM no indication toward the PSTN\n"
      "Seconds (0: gw X5)\n")
{
	gw_iwf_trunk(g_iwf, argv[0], true)->tdefs[GW_TRUNK_TDEF_X5].val = atoi(argv[1]);
	return CMD_SUCCESS;
}

DEFUN_TRUNK_ON_OFF(pem, "p-early-media", p_early_media,
		   "Per SIP trunk interworking settings\n" "Trunk name\n"
		   "P-Early-Media header (RFC 5009) on 18x with early media from the gateway\n" "Send it\n" "Do not\n")

DEFUN_TRUNK_ON_OFF(rbem, "ringback-early-media", ringback_early_media,
		   "Per SIP trunk interworking settings\n" "Trunk name\n"
		   "SIP -> ISUP calls alerted without in-band information: ringing tone to the caller in a 183\n"
		   "Play it\n" "Send 180 (the caller's side makes its ringback)\n")

DEFUN(cfg_gw_cdr, cfg_gw_cdr_cmd, "cdr file PATH [<0-100000>]",
      "Call detail records\n" "CSV file, one line per call\n" "Path\n" "Rotate to PATH.1 beyond this many KiB\n")
{
	gw_cdr_close(&g_iwf->cdr);
	talloc_free(g_iwf->cdr.path);
	g_iwf->cdr.path = talloc_strdup(g_iwf, argv[0]);
	g_iwf->cdr.max_bytes = argc > 1 ? strtoul(argv[1], NULL, 10) * 1024 : 0;
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_media_range, cfg_gw_media_range_cmd, "media rtp-range A.B.C.D <1024-65534> <1025-65535>",
      "Media bridging (one RTP bridge per call between the circuit's bearer and SIP)\n"
      "RTP port range of the bridges\n" "Local address\n" "First port\n" "Last port\n")
{
	int first = atoi(argv[1]), last = atoi(argv[2]);
	if (last <= first) {
		vty_out(vty, "%% empty port range%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (g_iwf->media_pool && g_iwf->num_calls) {
		vty_out(vty, "%% calls are up: the port range can change only without calls%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (g_iwf->media_pool)
		media_pool_free(g_iwf->media_pool);
	g_iwf->media_pool = media_pool_alloc(g_iwf, argv[0], first, last);
	if (!g_iwf->media_pool) {
		vty_out(vty, "%% cannot set up the RTP port pool%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	snprintf(g_iwf->media_bind, sizeof(g_iwf->media_bind), "%s", argv[0]);
	g_iwf->media_first = first;
	g_iwf->media_last = last;
	if (!g_iwf->tone_plan)
		g_iwf->tone_plan = tone_plan_default();
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_tone_plan, cfg_gw_tone_plan_cmd, "media tone-plan NAME",
      "Media bridging\n" "E.180 national tone plan for the tones the gateway plays\n"
      "itu, us, uk, de, fr, it, es, nl, se, at, ru, cn, jp, in, au, br\n")
{
	const struct tone_plan *tp = tone_plan_find(argv[0]);
	if (!tp) {
		vty_out(vty, "%% unknown tone plan '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	g_iwf->tone_plan = tp;
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_media_timeout, cfg_gw_media_timeout_cmd, "media timeout <0-3600> [<1-127>]",
      "Media bridging\n" "Release an answered call that receives no RTP for this long\n"
      "Seconds without RTP on either leg of the bridge (0: off)\n" "Q.850 cause of the release (default 41)\n")
{
	g_iwf->media_timeout_s = atoi(argv[0]);
	g_iwf->media_timeout_cause = argc > 1 ? atoi(argv[1]) : Q850_TEMPORARY_FAILURE;
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_pstn_local, cfg_gw_pstn_local_cmd, "media pstn-local GROUP A.B.C.D <1024-65534> [<2-1000>]",
      "Media bridging\n" "Local RTP endpoint of the bridges toward a circuit group's bearers: port = BASE + STEP * CIC\n"
      "Circuit group\n" "Local address\n" "BASE port (even)\n" "STEP between circuits (even, default 2)\n")
{
	struct gw_pstn_local *pl = (struct gw_pstn_local *)gw_iwf_pstn_local(g_iwf, argv[0]);
	int base = atoi(argv[2]), step = argc > 3 ? atoi(argv[3]) : 2;
	if ((base | step) & 1) {
		vty_out(vty, "%% BASE and STEP must be even (RTCP takes the port above each RTP port)%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (!pl) {
		pl = talloc_zero(g_iwf, struct gw_pstn_local);
		OSMO_STRLCPY_ARRAY(pl->group, argv[0]);
		llist_add_tail(&pl->list, &g_iwf->pstn_locals);
	}
	OSMO_STRLCPY_ARRAY(pl->ip, argv[1]);
	pl->base = base;
	pl->step = step;
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_no_pstn_local, cfg_gw_no_pstn_local_cmd, "no media pstn-local GROUP",
      NO_STR "Media bridging\n" "PSTN-side ports from the pool again\n" "Circuit group\n")
{
	struct gw_pstn_local *pl = (struct gw_pstn_local *)gw_iwf_pstn_local(g_iwf, argv[0]);
	return cfg_entry_free(pl, pl ? &pl->list : NULL);
}

DEFUN(cfg_gw_pstn_events, cfg_gw_pstn_events_cmd, "media pstn-events <96-127>",
      "Media bridging\n" "RFC 4733 telephone-events on the circuits' bearers (passed through to/from SIP)\n"
      "Payload type on the bearers\n")
{
	g_iwf->pstn_te_pt = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_no_pstn_events, cfg_gw_no_pstn_events_cmd, "no media pstn-events",
      NO_STR "Media bridging\n" "No telephone-events on the bearers (DTMF events from SIP are played in-band)\n")
{
	g_iwf->pstn_te_pt = -1;
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_no_cdr, cfg_gw_no_cdr_cmd, "no cdr", NO_STR "No call detail records\n")
{
	gw_cdr_close(&g_iwf->cdr);
	talloc_free(g_iwf->cdr.path);
	g_iwf->cdr.path = NULL;
	return CMD_SUCCESS;
}

static void config_write_timers(struct vty *vty);

static int config_write_gw(struct vty *vty)
{
	struct gw_route *rt;
	struct gw_trunk_iwf *t;
	config_write_timers(vty);
	vty_out(vty, "gateway%s", VTY_NEWLINE);
	if (g_iwf->plan.country_code[0])
		vty_out(vty, " country-code %s%s", g_iwf->plan.country_code, VTY_NEWLINE);
	vty_out(vty, " media-address %s%s", g_iwf->media_addr, VTY_NEWLINE);
	vty_out(vty, " no-route cause %u status %d%s", g_iwf->no_route_cause, g_iwf->no_route_status, VTY_NEWLINE);
	vty_out(vty, " overlap %s%s", g_iwf->overlap_timeout_s ? "en-bloc" : "off", VTY_NEWLINE);
	gw_overlap_vty_write(vty);
	gw_ha_pair_vty_write(vty, g_iwf->pair);
	if (g_iwf->media_pool)
		vty_out(vty, " media rtp-range %s %u %u%s", g_iwf->media_bind, g_iwf->media_first, g_iwf->media_last,
			VTY_NEWLINE);
	{
		struct gw_pstn_local *pl;
		llist_for_each_entry(pl, &g_iwf->pstn_locals, list)
			vty_out(vty, " media pstn-local %s %s %u %u%s", pl->group, pl->ip, pl->base, pl->step, VTY_NEWLINE);
	}
	if (g_iwf->pstn_te_pt >= 0)
		vty_out(vty, " media pstn-events %d%s", g_iwf->pstn_te_pt, VTY_NEWLINE);
	if (g_iwf->media_timeout_s)
		vty_out(vty, " media timeout %u %u%s", g_iwf->media_timeout_s, g_iwf->media_timeout_cause, VTY_NEWLINE);
	if (g_iwf->cdr.path)
		vty_out(vty, " cdr file %s %lu%s", g_iwf->cdr.path, g_iwf->cdr.max_bytes / 1024, VTY_NEWLINE);
	llist_for_each_entry(rt, &g_iwf->routes, list)
		vty_out(vty, " route %s %s %s %s%s", rt->egress ? "egress" : "ingress",
			rt->prefix[0] ? rt->prefix : "default", rt->egress ? "circuit-group" : "trunk", rt->target,
			VTY_NEWLINE);
	{
		struct gw_group_tones *g;
		llist_for_each_entry(g, &g_iwf->group_tones, list)
			vty_out(vty, " circuit-group %s tone-plan %s%s", g->group, g->plan->name, VTY_NEWLINE);
	}
	llist_for_each_entry(t, &g_iwf->trunks, list) {
		vty_out(vty, " trunk %s cause-profile %s%s", t->name, gw_cause_profile_name(t->profile), VTY_NEWLINE);
		vty_out(vty, " trunk %s reliable-18x %s%s", t->name, t->reliable_18x ? "on" : "off", VTY_NEWLINE);
		if (t->tone_plan)
			vty_out(vty, " trunk %s tone-plan %s%s", t->name, t->tone_plan->name, VTY_NEWLINE);
		if (t->tdefs[0].val)
			vty_out(vty, " trunk %s tones-before-release %lu%s", t->name, t->tdefs[0].val, VTY_NEWLINE);
		if (t->tdefs[GW_TRUNK_TDEF_X5].val)
			vty_out(vty, " trunk %s early-acm %lu%s", t->name, t->tdefs[GW_TRUNK_TDEF_X5].val,
				VTY_NEWLINE);
		if (t->p_early_media)
			vty_out(vty, " trunk %s p-early-media on%s", t->name, VTY_NEWLINE);
		if (t->ringback_early_media)
			vty_out(vty, " trunk %s ringback-early-media on%s", t->name, VTY_NEWLINE);
		gw_redir_vty_write(vty, t);
		if (t->overlap_rfc3578)
			vty_out(vty, " trunk %s overlap rfc3578%s", t->name, VTY_NEWLINE);
		for (int c = 0; c < 128; c++)
			if (t->ovr.isup_to_sip[c])
				vty_out(vty, " trunk %s cause-map isup-to-sip %d %u%s", t->name, c, t->ovr.isup_to_sip[c],
					VTY_NEWLINE);
		for (int s = 0; s < 700; s++)
			if (t->ovr.sip_to_isup[s])
				vty_out(vty, " trunk %s cause-map sip-to-isup %d %u%s", t->name, s, t->ovr.sip_to_isup[s],
					VTY_NEWLINE);
	}
	gw_number_vty_write(vty);
	{
		struct gw_group_iwf *g;
		llist_for_each_entry(g, &g_iwf->groups, list)
			if (g->call_rate.rate)
				vty_out(vty, " circuit-group %s call-rate-limit %u%s", g->name, g->call_rate.rate,
					VTY_NEWLINE);
	}
	gw_bearer_vty_write(vty);
	return CMD_SUCCESS;
}

static void show_call_line(struct vty *vty, struct gw_call *call)
{
	char media[64] = "-";
	if (call->mb) {
		/* media state: direction, packets relayed toward the PSTN / toward SIP */
		struct media_bridge_stats st;
		media_bridge_get_stats(call->mb, &st);
		snprintf(media, sizeof(media), "%s %llu/%llu", media_dir_name(media_bridge_dir(call->mb)),
			 (unsigned long long)st.leg[MEDIA_LEG_PSTN].tx_packets,
			 (unsigned long long)st.leg[MEDIA_LEG_SIP].tx_packets);
	}
	vty_out(vty, "%-6u %-7s %-15s %-10s %-8s %5u %-22.22s %6ld %s%s", call->id,
		gw_call_is_ingress(call) ? "ingress" : "egress", gw_call_state_name(call),
		call->group[0] ? call->group : "-", call->isup ? isup_call_state_name(call->isup->ic) : "gone",
		call->cic, call->call_id[0] ? call->call_id : "-", (long)(time(NULL) - call->t_setup.tv_sec), media,
		VTY_NEWLINE);
}

DEFUN(show_calls, show_calls_cmd, "show calls", SHOW_STR "Live calls (call-mapping table)\n")
{
	struct gw_call *call;
	vty_out(vty, "%u calls%s", g_iwf->num_calls, VTY_NEWLINE);
	vty_out(vty, "%-6s %-7s %-15s %-10s %-8s %5s %-22s %6s %s%s", "id", "dir", "state", "group", "isup", "cic",
		"sip call-id", "age(s)", "media (dir pkts->pstn/->sip)", VTY_NEWLINE);
	llist_for_each_entry(call, &g_iwf->calls, list)
		show_call_line(vty, call);
	return CMD_SUCCESS;
}

/* O(1): what pollers (bench/soak every 5 s, tests waiting for an empty table) need, without a line per call */
DEFUN(show_calls_count, show_calls_count_cmd, "show calls count",
      SHOW_STR "Live calls (call-mapping table)\n" "Only the number of live calls\n")
{
	vty_out(vty, "%u calls%s", g_iwf->num_calls, VTY_NEWLINE);
	return CMD_SUCCESS;
}

/* "+1234" ms after the seizure, "-" when it did not happen */
static const char *rel_ms(const struct gw_call *call, const struct timespec *t, char *buf)
{
	if (!t->tv_sec)
		return "-";
	snprintf(buf, 32, "+%lld", (long long)(t->tv_sec - call->t_setup.tv_sec) * 1000 +
		 (t->tv_nsec - call->t_setup.tv_nsec) / 1000000);
	return buf;
}

/* the call FSM's own timer (X1 overlap, X2 release guard, ...) */
static const char *call_timer(const struct gw_call *call, char *buf, size_t len)
{
	struct timeval rem;
	if (!osmo_timer_pending(&call->fi->timer) || osmo_timer_remaining(&call->fi->timer, NULL, &rem) < 0)
		return "none";
	snprintf(buf, len, "%s%d %ld.%03lds left", call->fi->T < 0 ? "X" : "T", abs(call->fi->T),
		 (long)rem.tv_sec, (long)rem.tv_usec / 1000);
	return buf;
}

DEFUN(show_call, show_call_cmd, "show call <1-4294967295>", SHOW_STR "One call, both legs\n" "Call id\n")
{
	struct gw_call *call = gw_call_find(g_iwf, strtoul(argv[0], NULL, 10));
	char t[4][64];
	if (!call) {
		vty_out(vty, "%% no call %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty_out(vty, "call %u (%s), state %s%s", call->id, gw_call_is_ingress(call) ? "ISUP -> SIP" : "SIP -> ISUP",
		gw_call_state_name(call), VTY_NEWLINE);
	vty_out(vty, " ISUP leg: group %s, cic %u, circuit state %s%s", call->group[0] ? call->group : "-", call->cic,
		call->isup ? isup_call_state_name(call->isup->ic) : "released", VTY_NEWLINE);
	vty_out(vty, " SIP leg: trunk %s, call-id %s, %s%s", call->trunk[0] ? call->trunk : "-",
		call->call_id[0] ? call->call_id : "-", call->sip ? "dialog up" : "dialog gone", VTY_NEWLINE);
	vty_out(vty, " called %s, calling %s%s%s", call->sip_id.ruri_user, call->sip_id.pai_user,
		call->sip_id.privacy_id ? " (restricted)" : "", VTY_NEWLINE);
	vty_out(vty, " media: circuit bearer %s, SIP side %s%s",
		gw_isup_leg_bearer(call->isup) ? gw_isup_leg_bearer(call->isup) : "-",
		gw_sip_leg_remote_sdp(call->sip) ? "" : "-", VTY_NEWLINE);
	if (gw_sip_leg_remote_sdp(call->sip)) {
		const struct sip_sdp *r = gw_sip_leg_remote_sdp(call->sip);
		vty_out(vty, "  remote SDP %s:%u (%s)%s", r->addr, r->port, sip_sdp_dir_name(r->dir), VTY_NEWLINE);
	}
	if (call->mb) {
		char sum[256];
		media_bridge_summary(call->mb, sum, sizeof(sum));
		vty_out(vty, " bridge: local %s, PSTN-side port %u, SIP-side port %u%s", media_bridge_local_ip(call->mb),
			media_bridge_local_port(call->mb, MEDIA_LEG_PSTN), media_bridge_local_port(call->mb, MEDIA_LEG_SIP),
			VTY_NEWLINE);
		vty_out(vty, "  %s%s", sum, VTY_NEWLINE);
	}
	vty_out(vty, " times (ms after seizure): ACM %s, alerting %s, answer %s, release %s%s",
		rel_ms(call, &call->t_acm, t[0]), rel_ms(call, &call->t_alert, t[1]), rel_ms(call, &call->t_answer, t[2]),
		rel_ms(call, &call->t_release, t[3]), VTY_NEWLINE);
	vty_out(vty, " timers running: call %s; circuit %s%s", call_timer(call, t[0], sizeof(t[0])),
		call->isup && call->isup->ic ? isup_call_timers(call->isup->ic, t[1], sizeof(t[1])) : "-", VTY_NEWLINE);
	vty_out(vty, " ACM %s, answered %s, release cause %u (%s), SIP status %d%s",
		gw_call_acm(call) ? "yes" : "no", gw_call_answered(call) ? "yes" : "no", call->rel_cause,
		call->rel_side ? call->rel_side : "-", call->sip_status, VTY_NEWLINE);
	return CMD_SUCCESS;
}

static uint64_t ctr(struct rate_ctr_group *g, int i)
{
	return g ? rate_ctr_group_get_ctr(g, i)->current : 0;
}

DEFUN(show_trunks, show_trunks_cmd, "show trunks", SHOW_STR "SIP trunks: transport, peer, SIP-T mode, calls, counters\n")
{
	struct sip_trunk *t = NULL;
	static const char *sipt[] = { "off", "sip-t", "sip-i" };
	while ((t = sip_trunk_next(g_iwf->sip, t))) {
		const struct sip_trunk_cfg *c = &t->cfg;
		struct gw_trunk_iwf *ti = gw_iwf_trunk(g_iwf, t->name, false);
		struct gw_call *call;
		unsigned int live = 0;
		llist_for_each_entry(call, &g_iwf->calls, list)
			if (!strcmp(call->trunk, t->name))
				live++;
		vty_out(vty, "trunk %s: %s %s:%u -> %s:%u, sip-t %s, %strusted, keep-alive %s%s", t->name,
			c->transport == SIP_TRANSPORT_TCP ? "tcp" : "udp", c->listen_addr, c->listen_port,
			c->num_peers ? c->peers[0].addr : "-", c->num_peers ? c->peers[0].port : 0,
			sipt[c->sipt_mode % 3], c->trusted ? "" : "un",
			!c->options_interval ? "off" : t->options_up ? "up" : "DOWN", VTY_NEWLINE);
		vty_out(vty, "  cause-profile %s, calls now %u, ingress %llu, egress %llu, answered %llu, failed %llu, "
			"no route %llu%s", gw_cause_profile_name(ti ? ti->profile : GW_CAUSE_PROFILE_RFC3398), live,
			(unsigned long long)ctr(ti ? ti->ctrs : NULL, GW_CTR_CALLS_IN),
			(unsigned long long)ctr(ti ? ti->ctrs : NULL, GW_CTR_CALLS_OUT),
			(unsigned long long)ctr(ti ? ti->ctrs : NULL, GW_CTR_CALLS_ANSWERED),
			(unsigned long long)ctr(ti ? ti->ctrs : NULL, GW_CTR_CALLS_FAILED),
			(unsigned long long)ctr(ti ? ti->ctrs : NULL, GW_CTR_NO_ROUTE), VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

DEFUN(release_call, release_call_cmd, "release call <1-4294967295> cause <1-127>",
      "Release\n" "A call\n" "Call id\n" "Q.850 cause\n" "Cause value\n")
{
	struct gw_call *call = gw_call_find(g_iwf, strtoul(argv[0], NULL, 10));
	uint8_t cause = atoi(argv[1]);
	if (!call) {
		vty_out(vty, "%% no call %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_fsm_inst_dispatch(call->fi, GW_CALL_EV_RELEASE_REQ, &cause);
	return CMD_SUCCESS;
}

static struct osmo_tdef_group gw_tdef_groups[] = {
	{ .name = "gw", .desc = "Interworking function", .tdefs = NULL },
	{ .name = "isup", .desc = "ISUP (Q.764 Annex A), unit s", .tdefs = NULL },
	{ .name = "sip", .desc = "SIP (RFC 3261 T1/T2/T4, Timers B-K, RFC 3262)", .tdefs = NULL },
	{}
};

/* The timer tree's "timer gw|sip ..." lines; "timer isup" is written by the isup node (isup-peer
 * shares that writer), before the circuit groups that may override it. */
static void config_write_timers(struct vty *vty)
{
	char prefix[32];
	for (const struct osmo_tdef_group *g = gw_tdef_groups; g->name; g++) {
		if (!strcmp(g->name, "isup"))
			continue;
		snprintf(prefix, sizeof(prefix), "timer %s ", g->name);
		osmo_tdef_vty_write(vty, g->tdefs, prefix);
	}
}

void gw_iwf_vty_init(struct gw_iwf *iwf)
{
	g_iwf = iwf;
	install_element(CONFIG_NODE, &cfg_gateway_cmd);
	install_node(&gw_node, config_write_gw);
	install_element(GW_NODE, &cfg_gw_cc_cmd);
	install_element(GW_NODE, &cfg_gw_media_cmd);
	install_element(GW_NODE, &cfg_gw_route_in_cmd);
	install_element(GW_NODE, &cfg_gw_route_eg_cmd);
	install_element(GW_NODE, &cfg_gw_no_route_cmd);
	install_element(GW_NODE, &cfg_gw_noroute_cmd);
	install_element(GW_NODE, &cfg_gw_overlap_cmd);
	gw_bearer_vty_init(iwf);
	install_element(GW_NODE, &cfg_gw_trunk_prof_cmd);
	install_element(GW_NODE, &cfg_gw_trunk_map_i2s_cmd);
	install_element(GW_NODE, &cfg_gw_trunk_map_s2i_cmd);
	install_element(GW_NODE, &cfg_gw_trunk_rel_cmd);
	install_element(GW_NODE, &cfg_gw_cdr_cmd);
	install_element(GW_NODE, &cfg_gw_group_rate_cmd);
	install_element(GW_NODE, &cfg_gw_no_group_rate_cmd);
	install_element(GW_NODE, &cfg_gw_media_range_cmd);
	install_element(GW_NODE, &cfg_gw_tone_plan_cmd);
	install_element(GW_NODE, &cfg_gw_media_timeout_cmd);
	install_element(GW_NODE, &cfg_gw_pstn_local_cmd);
	install_element(GW_NODE, &cfg_gw_pstn_events_cmd);
	install_element(GW_NODE, &cfg_gw_no_pstn_events_cmd);
	install_element(GW_NODE, &cfg_gw_no_pstn_local_cmd);
	install_element(GW_NODE, &cfg_gw_trunk_tplan_cmd);
	install_element(GW_NODE, &cfg_gw_group_tplan_cmd);
	install_element(GW_NODE, &cfg_gw_no_group_tplan_cmd);
	install_element(GW_NODE, &cfg_gw_trunk_tbr_cmd);
	install_element(GW_NODE, &cfg_gw_trunk_eacm_cmd);
	install_element(GW_NODE, &cfg_gw_trunk_pem_cmd);
	install_element(GW_NODE, &cfg_gw_trunk_rbem_cmd);
	gw_redir_vty_init(iwf, GW_NODE);
	install_element(GW_NODE, &cfg_gw_no_cdr_cmd);
	gw_number_vty_init(iwf);
	gw_overlap_vty_init(iwf);
	iwf->pair = gw_ha_alloc(iwf);
	gw_ha_pair_vty_init(iwf->pair, GW_NODE);
	install_element_ve(&show_calls_cmd);
	install_element_ve(&show_calls_count_cmd);
	install_element_ve(&show_call_cmd);
	install_element_ve(&show_trunks_cmd);
	install_element(ENABLE_NODE, &release_call_cmd);
	gw_tdef_groups[0].tdefs = iwf->tdefs;
	gw_tdef_groups[1].tdefs = isup_node_tdefs(iwf->isup);
	gw_tdef_groups[2].tdefs = sip_ua_tdefs(iwf->sip);
	osmo_tdef_vty_groups_init(CONFIG_NODE, gw_tdef_groups);
}

struct gw_iwf *gw_iwf_build(void *ctx)
{
	struct isup_node *isup = isup_node_alloc(ctx);
	struct gw_iwf *iwf;

	isup_node_vty_init(isup, ISUP_NODE, ISUP_CGROUP_NODE);
	testcall_init(ctx, isup);
	iwf = gw_iwf_alloc(ctx, isup, NULL);
	sip_set_log_cat(DSIP);
	iwf->sip = sip_ua_alloc(ctx, &gw_iwf_sip_cbs, iwf);
	sip_vty_init(iwf->sip, SIP_NODE, SIP_TRUNK_NODE);
	gw_iwf_vty_init(iwf);
	gw_ha_vty_init(iwf);
	return iwf;
}

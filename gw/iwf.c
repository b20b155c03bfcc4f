/* Interworking function: glue between the ISUP call API and the SIP UA, routes, call table. */
#include <string.h>
#include <strings.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>

#include "common/app.h"
#include "gw/debug.h"
#include "gw/iwf.h"
#include "gw/number_vty.h"
#include "gw/overlap.h"
#include "gw/ha_store.h"
#include "gw/call.h"
#include "gw/isup_leg.h"
#include "gw/sip_leg.h"
#include "isup/q850.h"
#include "isup/isup_call.h"
#include "isup/isup_node_api.h"
#include "sip/sip.h"
#include "media/media.h"

static const struct rate_ctr_desc iwf_ctr_desc[] = {
	[GW_CTR_CALLS_IN] = { "calls:ingress", "ISUP -> SIP call attempts" },
	[GW_CTR_CALLS_OUT] = { "calls:egress", "SIP -> ISUP call attempts" },
	[GW_CTR_CALLS_ANSWERED] = { "calls:answered", "Answered calls" },
	[GW_CTR_CALLS_FAILED] = { "calls:failed", "Calls released before answer" },
	[GW_CTR_NO_ROUTE] = { "calls:no_route", "Calls without a route" },
	[GW_CTR_RTP_RX_PSTN] = { "rtp:rx_pstn", "RTP packets received from the circuit side (ended calls)" },
	[GW_CTR_RTP_RX_SIP] = { "rtp:rx_sip", "RTP packets received from the SIP side (ended calls)" },
	[GW_CTR_RTP_LOST_PSTN] = { "rtp:lost_pstn", "RTP packets lost from the circuit side (sequence gaps)" },
	[GW_CTR_RTP_LOST_SIP] = { "rtp:lost_sip", "RTP packets lost from the SIP side (sequence gaps)" },
	[GW_CTR_RATE_LIMITED] = { "calls:rate_limited", "IAMs beyond a circuit group's call-rate limit" },
	[GW_CTR_LATE_SAM] = { "calls:late_sam", "SAMs after the number went out to SIP (ignored)" },
	[GW_CTR_CONG_REFUSED_ISUP] = { "isup:congestion_refused", "IAMs refused with REL 42 (M3UA queue congested)" },
	[GW_CTR_CONG_REFUSED_SIP] = { "sip:congestion_refused", "INVITEs refused with 503 cause 42 (M3UA queue congested)" },
	[GW_CTR_OVERLOAD_REFUSED_SIP] = { "sip:overload_refused", "INVITEs refused with 503 cause 42 (SIP receive overload)" },
	[GW_CTR_OVERLOAD_REFUSED_ISUP] = { "isup:overload_refused", "IAMs refused with REL 42 (SIP receive overload)" },
};

static const struct rate_ctr_group_desc iwf_ctrg_desc = {
	.group_name_prefix = "gw:iwf",
	.group_description = "Interworking function",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(iwf_ctr_desc),
	.ctr_desc = iwf_ctr_desc,
};

static const struct rate_ctr_group_desc trunk_ctrg_desc = {
	.group_name_prefix = "gw:trunk",
	.group_description = "Interworking per SIP trunk",
	.class_id = OSMO_STATS_CLASS_PEER,
	.num_ctr = ARRAY_SIZE(iwf_ctr_desc),
	.ctr_desc = iwf_ctr_desc,
};

static struct osmo_tdef iwf_tdefs[] = {
	/* overlap -> en bloc (gw/overlap.c): once the number has its minimum length, this long
	 * without a SAM completes it; 0: off, T35 (isup) alone bounds the wait */
	{ .T = -1, .default_val = 4, .max_val = 20, .unit = OSMO_TDEF_S,
	  .desc = "Overlap en-bloc conversion: inter-digit completion of a usable number (0: off, isup T35 bounds)" },
	/* longer than the longest release of a SIP leg by its own timers: a 2xx that is never ACKed
	 * (RFC 3261 13.3.1.4: 64*T1) before the BYE (RFC 3261 15), then the BYE's Timer F
	 * (17.1.2.2: 64*T1): 2 x 32 s by default; so that such a release ends by the SIP timers,
	 * not by this guard */
	{ .T = -2, .default_val = 70, .unit = OSMO_TDEF_S,
	  .desc = "Release guard: longest wait for the second leg to be gone" },
	/* E.182: the tone for the cause of a failed call, as early media, before the release */
	{ .T = -3, .default_val = 0, .unit = OSMO_TDEF_S,
	  .desc = "Tone before release: how long it plays (0: off; a trunk's tones-before-release overrides)" },
	/* shutdown (SIGTERM): REL answered by RLC, BYE/CANCEL/503 by their responses */
	{ .T = -4, .default_val = 2000, .unit = OSMO_TDEF_MS,
	  .desc = "Shutdown: longest wait for the releases of the calls to be answered" },
	/* early ACM: an ingress call without any 18x gets ACM "no indication" from the gateway
	 * before the exchange's T7 (Q.764 Annex A: 20-30 s) can fire (TS 29.163 7.2.3.2, O-MGCF /
	 * Q.1912.5 clause 7: ACM on the interworking timer; see README 'Early ACM'). 0 (off) by default so that no existing call changes on
	 * the wire (issue 17 point 7); 10 s is the value to configure: half the smallest T7. */
	{ .T = -5, .default_val = 0, .unit = OSMO_TDEF_S,
	  .desc = "Early ACM: no 18x for this long -> ACM no indication (0: off; a trunk's early-acm overrides)" },
	/* HA state store (gw/ha_redis.c): the first reconnection attempt after Redis is lost, then
	 * doubling up to 8 times this; X21 bounds one (non-blocking) connection attempt */
	{ .T = -20, .default_val = 500, .min_val = 50, .max_val = 60000, .unit = OSMO_TDEF_MS,
	  .desc = "HA: Redis reconnection backoff (first delay, doubling up to 8 x)" },
	{ .T = -21, .default_val = 2000, .min_val = 100, .max_val = 60000, .unit = OSMO_TDEF_MS,
	  .desc = "HA: Redis connection attempt timeout" },
	/* gw/ha_m3ua.c: libosmo-sigtran 2.1 tells the application nothing of its ASP's state */
	{ .T = -30, .default_val = 100, .min_val = 10, .max_val = 2000, .unit = OSMO_TDEF_MS,
	  .desc = "HA: how often the ASP state is sampled (standby -> active detection)" },
	/* gw/ha_role.c: the notify script that moves the service address runs at most this long
	 * (then it is killed with its process group), its exit polled every X41 */
	{ .T = -40, .default_val = 5000, .min_val = 100, .max_val = 60000, .unit = OSMO_TDEF_MS,
	  .desc = "HA: notify script time limit (killed after it)" },
	{ .T = -41, .default_val = 20, .min_val = 5, .max_val = 1000, .unit = OSMO_TDEF_MS,
	  .desc = "HA: how often a running notify script's exit is polled (waitpid)" },
	/* gw/ha_presence.c: the pair's presence records in Redis, for 'show cluster' */
	{ .T = -42, .default_val = 1000, .min_val = 100, .max_val = 10000, .unit = OSMO_TDEF_MS,
	  .desc = "HA: presence record refresh (a peer unchanged for 3 x this is stale)" },
	/* gw/ha_takeover.c: the read-back of the dead node's records; past it the takeover goes on
	 * without them (GRS of every group, as without Redis) */
	{ .T = -31, .default_val = 2000, .min_val = 100, .max_val = 60000, .unit = OSMO_TDEF_MS,
	  .desc = "HA: takeover, longest wait for the Redis read-back of the dead node's state" },
	/* OPTIONS busy-out (gw/busy_out.c): Retry-After of the 503 (RFC 3261 20.33) */
	{ .T = -19, .default_val = 5, .min_val = 1, .max_val = 3600, .unit = OSMO_TDEF_S,
	  .desc = "Busy-out: Retry-After of the 503 to OPTIONS while no egress route takes calls" },
	/* automatic congestion control (Q.764 2.11): Retry-After of the 503 to new INVITEs (RFC 3261
	 * 20.33), so that a dispatcher sends the next ones to another gateway */
	{ .T = -23, .default_val = 2, .min_val = 0, .max_val = 3600, .unit = OSMO_TDEF_S,
	  .desc = "Congestion: Retry-After of the 503 to new INVITEs (0: none)" },
	{}
};

/* per trunk: the overrides of gw timers ('trunk NAME tones-before-release N', 'trunk NAME early-acm N') */
static const struct osmo_tdef trunk_tdefs[GW_TRUNK_TDEFS] = {
	[GW_TRUNK_TDEF_X3] = { .T = -3, .default_val = 0, .unit = OSMO_TDEF_S,
			       .desc = "Tone before release on this trunk (0: gw X3)" },
	[GW_TRUNK_TDEF_X5] = { .T = -5, .default_val = 0, .unit = OSMO_TDEF_S,
			       .desc = "Early ACM on this trunk (0: gw X5)" },
	{}
};

struct gw_iwf *gw_iwf_alloc(void *ctx, struct isup_node *isup, struct sip_ua *sip)
{
	struct gw_iwf *iwf = talloc_zero(ctx, struct gw_iwf);
	iwf->ctx = ctx;
	iwf->isup = isup;
	iwf->sip = sip;
	INIT_LLIST_HEAD(&iwf->routes);
	INIT_LLIST_HEAD(&iwf->trunks);
	INIT_LLIST_HEAD(&iwf->groups);
	INIT_LLIST_HEAD(&iwf->calls);
	INIT_LLIST_HEAD(&iwf->pstn_locals);
	INIT_LLIST_HEAD(&iwf->group_tones);
	INIT_LLIST_HEAD(&iwf->number_rules);
	INIT_LLIST_HEAD(&iwf->overlap_lengths);
	INIT_LLIST_HEAD(&iwf->group_bearers);
	hash_init(iwf->calls_by_id);
	iwf->no_route_cause = Q850_NO_ROUTE_DESTINATION;
	iwf->no_route_status = 404;
	iwf->overlap_timeout_s = 4;
	iwf->media_timeout_cause = Q850_TEMPORARY_FAILURE;
	iwf->pstn_te_pt = -1;
	snprintf(iwf->media_addr, sizeof(iwf->media_addr), "127.0.0.1");
	iwf->tdefs = iwf_tdefs;
	osmo_tdefs_reset(iwf->tdefs);
	iwf->ctrs = rate_ctr_group_alloc(iwf, &iwf_ctrg_desc, 0);
	return iwf;
}

const struct tone_plan *gw_iwf_group_tone_plan(const struct gw_iwf *iwf, const char *group)
{
	const struct gw_group_tones *g;
	llist_for_each_entry(g, &iwf->group_tones, list)
		if (!strcmp(g->group, group))
			return g->plan;
	return NULL;
}

const struct gw_pstn_local *gw_iwf_pstn_local(const struct gw_iwf *iwf, const char *group)
{
	const struct gw_pstn_local *pl;
	llist_for_each_entry(pl, &iwf->pstn_locals, list)
		if (!strcmp(pl->group, group))
			return pl;
	return NULL;
}

struct gw_trunk_iwf *gw_iwf_trunk(struct gw_iwf *iwf, const char *name, bool create)
{
	struct gw_trunk_iwf *t;
	llist_for_each_entry(t, &iwf->trunks, list)
		if (!strcmp(t->name, name))
			return t;
	if (!create)
		return NULL;
	t = talloc_zero(iwf, struct gw_trunk_iwf);
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->where, sizeof(t->where), "%s", sgw_app_config_where() ?: "");
	t->profile = GW_CAUSE_PROFILE_RFC3398;
	t->reliable_18x = true;
	memcpy(t->tdefs, trunk_tdefs, sizeof(trunk_tdefs));
	t->ctrs = rate_ctr_group_alloc(t, &trunk_ctrg_desc, llist_count(&iwf->trunks));
	if (t->ctrs)
		rate_ctr_group_set_name(t->ctrs, name);
	llist_add_tail(&t->list, &iwf->trunks);
	return t;
}

struct gw_group_iwf *gw_iwf_group(struct gw_iwf *iwf, const char *name, bool create)
{
	struct gw_group_iwf *g;
	llist_for_each_entry(g, &iwf->groups, list)
		if (!strcmp(g->name, name))
			return g;
	if (!create)
		return NULL;
	g = talloc_zero(iwf, struct gw_group_iwf);
	snprintf(g->name, sizeof(g->name), "%s", name);
	snprintf(g->where, sizeof(g->where), "%s", sgw_app_config_where() ?: "");
	llist_add_tail(&g->list, &iwf->groups);
	return g;
}

/* 'media pstn-local': every CIC's port fits and none falls into the media pool */
struct pstn_port_check {
	const struct gw_iwf *iwf;
	const struct gw_pstn_local *pl;
	bool bad;
};

static bool pstn_port_fits(uint16_t cic, void *data)
{
	struct pstn_port_check *c = data;
	const struct gw_iwf *iwf = c->iwf;
	unsigned int port = c->pl->base + (unsigned int)c->pl->step * cic;

	if (port <= 65534 && !(iwf->media_pool && port + 1 >= iwf->media_first && port <= iwf->media_last))
		return true;
	fprintf(stderr, "sipt-gw: gateway: media pstn-local %s: CIC %u gets port %u, %s\n", c->pl->group, cic, port,
		port > 65534 ? "beyond 65534" : "inside the media rtp-range pool");
	c->bad = true;
	return false;
}

int gw_iwf_check_config(struct gw_iwf *iwf)
{
	const struct gw_route *rt;
	const struct gw_group_iwf *g;
	const struct gw_trunk_iwf *t;
	const struct gw_pstn_local *pl;
	int problems = 0;

	llist_for_each_entry(rt, &iwf->routes, list) {
		bool found = rt->egress ? isup_group_exists(iwf->isup, rt->target)
					: sip_trunk_find(iwf->sip, rt->target) != NULL;
		if (found)
			continue;
		fprintf(stderr, "sipt-gw: %s%sroute %s %s: no %s '%s' is configured\n", rt->where,
			rt->where[0] ? ": " : "", rt->egress ? "egress" : "ingress", rt->prefix[0] ? rt->prefix : "default",
			rt->egress ? "circuit-group" : "SIP trunk", rt->target);
		problems++;
	}
	llist_for_each_entry(g, &iwf->groups, list) {
		if (isup_group_exists(iwf->isup, g->name))
			continue;
		fprintf(stderr, "sipt-gw: %s%scircuit-group %s call-rate-limit: no circuit-group '%s' is configured\n",
			g->where, g->where[0] ? ": " : "", g->name, g->name);
		problems++;
	}
	/* 'media pstn-local': the group exists, every CIC's port fits, none falls into the pool */
	llist_for_each_entry(pl, &iwf->pstn_locals, list) {
		struct pstn_port_check c = { .iwf = iwf, .pl = pl };
		if (isup_group_for_each_cic(iwf->isup, pl->group, pstn_port_fits, &c) < 0) {
			fprintf(stderr, "sipt-gw: gateway: media pstn-local %s: no circuit-group '%s' is configured\n",
				pl->group, pl->group);
			problems++;
		} else if (c.bad)
			problems++;
	}
	/* per-trunk settings of the gateway node for a SIP trunk that does not exist */
	llist_for_each_entry(t, &iwf->trunks, list) {
		if (!t->where[0] || sip_trunk_find(iwf->sip, t->name))
			continue;
		fprintf(stderr, "sipt-gw: %s: trunk %s ...: no SIP trunk '%s' is configured\n", t->where, t->name,
			t->name);
		problems++;
	}
	return problems + gw_number_rules_check(iwf) + gw_bearer_check_config(iwf) + gw_ha_check_config();
}

void gw_call_ctr_inc(struct gw_call *call, enum gw_iwf_ctr ctr)
{
	struct gw_trunk_iwf *t = call->trunk[0] ? gw_iwf_trunk(call->iwf, call->trunk, true) : NULL;
	rate_ctr_inc(rate_ctr_group_get_ctr(call->iwf->ctrs, ctr));
	if (t && t->ctrs)
		rate_ctr_inc(rate_ctr_group_get_ctr(t->ctrs, ctr));
}

void gw_call_media_ctrs(struct gw_call *call)
{
	struct gw_trunk_iwf *t = call->trunk[0] ? gw_iwf_trunk(call->iwf, call->trunk, true) : NULL;
	struct media_bridge_stats st;
	uint64_t val[4];
	if (!call->mb)
		return;
	media_bridge_get_stats(call->mb, &st);
	val[0] = st.leg[MEDIA_LEG_PSTN].rx_packets;
	val[1] = st.leg[MEDIA_LEG_SIP].rx_packets;
	val[2] = st.leg[MEDIA_LEG_PSTN].rx_lost;
	val[3] = st.leg[MEDIA_LEG_SIP].rx_lost;
	for (int i = 0; i < 4; i++) {
		rate_ctr_add(rate_ctr_group_get_ctr(call->iwf->ctrs, GW_CTR_RTP_RX_PSTN + i), val[i]);
		if (t && t->ctrs)
			rate_ctr_add(rate_ctr_group_get_ctr(t->ctrs, GW_CTR_RTP_RX_PSTN + i), val[i]);
	}
}

/* Longest matching prefix; a leading '+' in the number matches prefixes with or without it */
const struct gw_route *gw_iwf_route_lookup(struct gw_iwf *iwf, bool egress, const char *number)
{
	const struct gw_route *rt, *best = NULL;
	size_t best_len = 0;
	const char *bare = number[0] == '+' ? number + 1 : number;
	llist_for_each_entry(rt, &iwf->routes, list) {
		size_t pl = strlen(rt->prefix);
		if (rt->egress != egress)
			continue;
		if (strncmp(number, rt->prefix, pl) && strncmp(bare, rt->prefix, pl))
			continue;
		if (!best || pl > best_len) {
			best = rt;
			best_len = pl;
		}
	}
	return best;
}

/* ---- ISUP call layer callbacks --------------------------------------------------------- */

static void iwf_isup_setup_ind(struct isup_call *ic, const struct isup_msg *iam, void *app)
{
	struct gw_iwf *iwf = app;
	struct gw_group_iwf *grp = gw_iwf_group(iwf, isup_call_group(ic), false);
	struct gw_call *call;

	if (iwf->shutting_down) {
		/* SIGTERM, releases paced (gw/shutdown_pace.c): no new call */
		isup_call_release(ic, GW_SHUTDOWN_CAUSE);
		return;
	}
	if (isup_node_congested(iwf->isup)) {
		/* Q.764 2.11 automatic congestion control: new calls are refused with cause 42 while
		 * the calls in progress keep the room left in the M3UA queue */
		rate_ctr_inc(rate_ctr_group_get_ctr(iwf->ctrs, GW_CTR_CONG_REFUSED_ISUP));
		isup_call_release(ic, Q850_SWITCHING_EQUIP_CONGESTION);
		return;
	}
	if (sip_ua_rx_overloaded(iwf->sip)) {
		/* the SIP side falls behind (sip_rx_overload.c): no new call toward it */
		rate_ctr_inc(rate_ctr_group_get_ctr(iwf->ctrs, GW_CTR_OVERLOAD_REFUSED_ISUP));
		isup_call_release(ic, Q850_SWITCHING_EQUIP_CONGESTION);
		return;
	}
	if (grp && !gw_rate_limit_admit(&grp->call_rate)) {
		/* overload: Q.850 cause 42 "switching equipment congestion" */
		LOGP(DGW, LOGL_NOTICE, "circuit-group %s: call-rate limit %u/s exceeded: REL cause 42 on CIC %u\n",
		     grp->name, grp->call_rate.rate, isup_call_cic(ic));
		rate_ctr_inc(rate_ctr_group_get_ctr(iwf->ctrs, GW_CTR_RATE_LIMITED));
		isup_call_release(ic, Q850_SWITCHING_EQUIP_CONGESTION);
		return;
	}
	call = gw_call_in_alloc(iwf, ic, iam);
	if (!call)
		isup_call_release(ic, Q850_RESOURCE_UNAVAILABLE);
}

static const struct isup_call_ops iwf_isup_ops = {
	.pass_on_ind = gw_isup_leg_pass_on_ind,
	.setup_ind = iwf_isup_setup_ind,
	.msg_ind = gw_isup_leg_msg_ind,
	.release_ind = gw_isup_leg_release_ind,
	.cic_changed_ind = gw_isup_leg_cic_changed_ind,
};

/* ---- SIP UA callbacks ------------------------------------------------------------------ */

/* RFC 3398 8.2.6.1 / RFC 3326: congestion (cause 42) is a 503 with its Reason, and RFC 3261
 * 20.33's Retry-After (gw X23) */
static bool iwf_sip_refuse_congested(struct gw_iwf *iwf, struct sip_dialog *dlg, struct sip_msg_opts *o,
				     enum gw_iwf_ctr ctr, const char *why)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(iwf->ctrs, ctr));
	o->reason_text = why;
	o->retry_after = osmo_tdef_get(iwf->tdefs, -23, OSMO_TDEF_S, 2);
	sip_dialog_reject(dlg, 503, o);
	return false;
}

/* Admission of a new INVITE against its trunk's call-rate-limit: beyond it, 503 (RFC 3261 21.5.4)
 * with the cause of Q.850 congestion (RFC 3326, RFC 3398 8.2.6.1). */
static bool iwf_sip_admit(struct gw_iwf *iwf, struct sip_dialog *dlg)
{
	struct sip_trunk *trunk = sip_dialog_trunk(dlg);
	struct gw_trunk_iwf *t = gw_iwf_trunk(iwf, trunk->name, true);
	struct sip_msg_opts o = { .q850_cause = Q850_SWITCHING_EQUIP_CONGESTION, .reason_text = "call rate limit" };

	/* ISUP congestion (Q.764 2.11), or behind in reading SIP (sip/sip_rx_overload.c) */
	if (isup_node_congested(iwf->isup))
		return iwf_sip_refuse_congested(iwf, dlg, &o, GW_CTR_CONG_REFUSED_SIP, "congestion");
	if (sip_ua_rx_overloaded(iwf->sip))
		return iwf_sip_refuse_congested(iwf, dlg, &o, GW_CTR_OVERLOAD_REFUSED_SIP, "overload");
	if (t->draining) {
		/* CTRL trunk.NAME.drain (gw/ctrl.h): no new calls; RFC 3261 21.5.4 503 */
		o.q850_cause = Q850_TEMPORARY_FAILURE;
		o.reason_text = "trunk draining";
		sip_dialog_reject(dlg, 503, &o);
		return false;
	}
	if (t->call_rate.rate != trunk->cfg.call_rate)
		gw_rate_limit_set(&t->call_rate, trunk->cfg.call_rate);
	if (gw_rate_limit_admit(&t->call_rate))
		return true;
	LOGP(DGW, LOGL_NOTICE, "trunk %s: call-rate limit %u/s exceeded: 503\n", trunk->name, trunk->cfg.call_rate);
	sip_trunk_ctr_inc(trunk, SIP_TRUNK_CTR_RATE_REJECTED);
	sip_dialog_reject(dlg, 503, &o);
	return false;
}

static void iwf_sip_event(struct sip_dialog *dlg, const struct sip_event *ev, void *priv)
{
	struct gw_iwf *iwf = priv;
	struct gw_call *call;

	if (!sip_dialog_priv(dlg) && ev->type == SIP_EV_INVITE) {
		if (gw_overlap_egress_invite(iwf, dlg, ev))
			return;	/* RFC 3578: more digits for a call already set up */
		if (!iwf_sip_admit(iwf, dlg))
			return;
		call = iwf->shutting_down ? NULL : gw_call_out_alloc(iwf, dlg, ev);
		if (!call) {
			struct sip_msg_opts o = { .q850_cause = iwf->shutting_down ? GW_SHUTDOWN_CAUSE
										   : Q850_RESOURCE_UNAVAILABLE };
			sip_dialog_reject(dlg, 503, &o);
		}
		return;
	}
	gw_sip_leg_event(iwf, dlg, ev);
}

/* an answered call's HA record follows its dialog's CSeqs (gw/ha_call.c; a standby's re-INVITE
 * must carry a higher CSeq than any request sent before, RFC 3261 12.2.1.1) */
static void iwf_sip_dialog_changed(struct sip_dialog *dlg, void *priv)
{
	struct gw_iwf *iwf = priv;
	struct gw_call *call = iwf->ha_call ? gw_call_find(iwf, (uint32_t)(uintptr_t)sip_dialog_priv(dlg)) : NULL;
	if (call && call->ha_stored)
		iwf->ha_call(call, GW_HA_ANSWERED);
}

/* How many SIP datagrams a UDP trunk reads per select round: each can make the call send one
 * ISUP message, and osmo_io writes one M3UA message per round, so reading more than one only
 * while the transmit queue is short keeps a burst of INVITEs from piling IAMs up into the
 * congestion onset (16 a round regardless: 1,159 onsets in the 875 CPS soak), and reading one
 * regardless lets the SIP socket overflow at 2,000 CPS (notes/session13.md) */
static unsigned int iwf_sip_rx_budget(void *priv)
{
	struct gw_iwf *iwf = priv;
	unsigned int len = isup_node_txq_len(iwf->isup);

	return len < GW_SIP_RX_TXQ_TARGET ? GW_SIP_RX_TXQ_TARGET - len : 1;
}

const struct sip_ua_cbs gw_iwf_sip_cbs = {
	.event = iwf_sip_event,
	.dialog_changed = iwf_sip_dialog_changed,
	.available = gw_busy_out_available,
	.rx_budget = iwf_sip_rx_budget,
};

int gw_iwf_start(struct gw_iwf *iwf)
{
	isup_call_register(iwf->isup, &iwf_isup_ops, iwf);
	return 0;
}

unsigned int gw_iwf_release_all(struct gw_iwf *iwf)
{
	struct gw_call *call, *call2;
	unsigned int n = 0;

	iwf->shutting_down = true;
	llist_for_each_entry_safe(call, call2, &iwf->calls, list) {
		gw_call_shutdown(call, GW_SHUTDOWN_CAUSE);
		n++;
	}
	/* circuits with a call of another call layer (the test call application) */
	n += isup_node_release_all(iwf->isup, GW_SHUTDOWN_CAUSE);
	return n;
}

bool gw_iwf_released(struct gw_iwf *iwf)
{
	return llist_empty(&iwf->calls) && isup_node_circuits_releasing(iwf->isup) == 0;
}

/* End of the process: whatever is left of the calls (a leg that did not answer the release in
 * time) is dropped, before the SIP UA and the ISUP node go away. */
void gw_iwf_shutdown(struct gw_iwf *iwf)
{
	struct gw_call *call, *call2;
	llist_for_each_entry_safe(call, call2, &iwf->calls, list)
		osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_REQUEST, NULL);
	gw_cdr_close(&iwf->cdr);
}

/* Per-call interworking FSM (RFC 3398 7.2 egress, 8 ingress; Q.1912.5 cause profile). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/tdef.h>

#include "gw/debug.h"
#include "gw/call.h"
#include "gw/iwf.h"
#include "isup/isup_call.h"
#include "isup/isup_node.h"
#define event_isup(ev, msg) event_isup_v(ev, msg, CALL_VARIANT(call))
#include "sip/sip.h"
#include "media/media.h"
#include "tones/tones.h"

#define S(x) (1 << (x))

/* state timeouts: Collecting -> X1 (inter-digit), Releasing -> X2 (guard) */
static const struct osmo_tdef_state_timeout call_fsm_timeouts[32] = {
	[GW_CALL_ST_COLLECTING] = { .T = -1 },
	[GW_CALL_ST_RELEASING] = { .T = -2 },
};

#define call_state_chg(call, st) \
	osmo_tdef_fsm_inst_state_chg((call)->fi, st, call_fsm_timeouts, (call)->iwf->tdefs, 5)

static struct gw_trunk_iwf *call_trunk_iwf(struct gw_call *call)
{
	return gw_iwf_trunk(call->iwf, call->trunk, true);
}

/* ---- helpers: SIP side ----------------------------------------------------------------- */

/* ---- media ------------------------------------------------------------------------------ */

/* The bridge between the circuit's bearer (PSTN leg) and the SIP side; calling: the caller's leg */
/* The circuit's bearer endpoint "ip:port" split up; false when the circuit has none */
static bool call_bearer(const struct gw_call *call, char *ip, size_t ip_size, int *port)
{
	const char *bearer = call->isup ? isup_call_bearer(call->isup) : NULL;
	const char *colon = bearer ? strrchr(bearer, ':') : NULL;
	if (!colon)
		return false;
	snprintf(ip, ip_size, "%.*s", (int)(colon - bearer), bearer);
	*port = atoi(colon + 1);
	return *port > 0;
}

/* The PSTN-side local port when the circuit group has one per CIC ('media pstn-local'), else 0.
 * A call whose ISUP leg on the same circuit is gone may still hold it (its SIP leg not yet gone):
 * its bridge, stopped since its release, is freed now. */
static uint16_t call_pstn_local(struct gw_call *call, const char **ip)
{
	const struct gw_pstn_local *pl = gw_iwf_pstn_local(call->iwf, call->group);
	struct gw_call *other;
	unsigned int port;

	if (!pl)
		return 0;
	port = pl->base + (unsigned int)pl->step * call->cic;
	if (port > 65534) {
		LOGPFSML(call->fi, LOGL_ERROR, "media pstn-local: port %u for CIC %u out of range, using the pool\n",
			 port, call->cic);
		return 0;
	}
	llist_for_each_entry(other, &call->iwf->calls, list)
		if (other != call && other->mb && !other->isup && other->cic == call->cic
		    && !strcmp(other->group, call->group)) {
			media_bridge_free(other->mb);
			other->mb = NULL;
		}
	*ip = pl->ip;
	return port;
}

static void call_media_alloc(struct gw_call *call, enum media_leg calling)
{
	char name[32], ip[64];
	const char *pstn_ip = NULL;
	uint16_t pstn_port;
	int port;

	if (!call->iwf->media_pool || call->mb)
		return;
	snprintf(name, sizeof(name), "call%u", call->id);
	pstn_port = call_pstn_local(call, &pstn_ip);
	call->mb = media_bridge_alloc_pstn(call->iwf->media_pool, call, name, calling, pstn_ip, pstn_port);
	if (!call->mb) {
		LOGPFSML(call->fi, LOGL_ERROR, "no RTP port for the media bridge\n");
		return;
	}
	if (call_bearer(call, ip, sizeof(ip), &port))
		media_bridge_set_leg(call->mb, MEDIA_LEG_PSTN, ip, port, MEDIA_CODEC_PCMA, 8, call->iwf->pstn_te_pt);
	/* DTMF toward the PSTN: as events with 'media pstn-events', else in-band */
	media_bridge_set_dtmf_inband(call->mb, MEDIA_LEG_PSTN, call->iwf->pstn_te_pt < 0);
}

/* Automatic repeat attempt (Q.764 2.10.1.1, e.g. dual seizure): the call moved to another circuit;
 * the bridge's PSTN leg follows it (that circuit's local port, when configured, and its bearer). */
void gw_call_cic_changed(struct gw_call *call)
{
	const char *pstn_ip = NULL;
	uint16_t pstn_port;
	char ip[64];
	int port;

	if (!call->mb)
		return;
	pstn_port = call_pstn_local(call, &pstn_ip);
	if (pstn_port && media_bridge_rebind_pstn(call->mb, pstn_ip, pstn_port) < 0)
		LOGPFSML(call->fi, LOGL_ERROR, "CIC %u: cannot move the PSTN leg to %s:%u\n", call->cic, pstn_ip, pstn_port);
	if (call_bearer(call, ip, sizeof(ip), &port))
		media_bridge_set_remote(call->mb, MEDIA_LEG_PSTN, ip, port);
}

/* The SIP side's media from an SDP (offer or answer): first PCMA/PCMU, telephone-event */
static void call_media_sip(struct gw_call *call, const struct sip_sdp *sdp)
{
	int te = -1;
	const struct sip_sdp_codec *voice = NULL;
	if (!call->mb || !sdp)
		return;
	for (unsigned int i = 0; i < sdp->num_codecs; i++) {
		const struct sip_sdp_codec *c = &sdp->codecs[i];
		if (!voice && (c->codec == SIP_CODEC_PCMA || c->codec == SIP_CODEC_PCMU))
			voice = c;
		if (te < 0 && c->codec == SIP_CODEC_TELEPHONE_EVENT)
			te = c->pt;
	}
	if (!voice) {
		media_bridge_set_leg(call->mb, MEDIA_LEG_SIP, NULL, 0, MEDIA_CODEC_PCMA, 8, -1);
		return;
	}
	media_bridge_set_leg(call->mb, MEDIA_LEG_SIP, sdp->addr, sdp->port,
			     voice->codec == SIP_CODEC_PCMA ? MEDIA_CODEC_PCMA : MEDIA_CODEC_PCMU, voice->pt, te);
}

/* the bridge saw no RTP on a leg for 'media timeout' seconds: an event for the call FSM */
static void call_media_timeout_cb(struct media_bridge *b, enum media_leg leg, void *data)
{
	struct gw_call *call = data;
	osmo_fsm_inst_dispatch(call->fi, GW_CALL_EV_MEDIA_TIMEOUT, &leg);
}

/* The E.180 plan of the one who hears the tone: toward the PSTN the circuit group's plan first,
 * toward SIP the trunk's first; then the other one, the gateway's, the ITU one */
static const struct tone_plan *call_tone_plan(struct gw_call *call, enum media_leg toward)
{
	const struct tone_plan *tp = call->group[0] ? gw_iwf_group_tone_plan(call->iwf, call->group) : NULL;
	const struct gw_trunk_iwf *t = call_trunk_iwf(call);
	if (toward == MEDIA_LEG_SIP && t->tone_plan)
		return t->tone_plan;
	if (tp)
		return tp;
	if (t->tone_plan)
		return t->tone_plan;
	return call->iwf->tone_plan ? call->iwf->tone_plan : tone_plan_default();
}

static void call_media_dir(struct gw_call *call, enum media_dir dir)
{
	if (!call->mb)
		return;
	if (media_bridge_dir(call->mb) != dir)
		LOGPFSML(call->fi, LOGL_INFO, "media direction %s -> %s\n", media_dir_name(media_bridge_dir(call->mb)),
			 media_dir_name(dir));
	media_bridge_stop_tone(call->mb, MEDIA_LEG_PSTN);
	media_bridge_stop_tone(call->mb, MEDIA_LEG_SIP);
	media_bridge_set_dir(call->mb, dir);
	/* answered (two-way): media timeout supervision from now on */
	if (dir == MEDIA_DIR_BOTH && call->iwf->media_timeout_s)
		media_bridge_set_timeout(call->mb, call->iwf->media_timeout_s * 1000, call_media_timeout_cb, call);
}

/* Suspended (Q.764 2.6 SUS: the party may have gone on hook, the SIP side is put on hold): no RTP
 * is expected, media timeout supervision pauses until RES */
static void call_media_suspend(struct gw_call *call, bool suspended)
{
	if (!call->mb || !call->iwf->media_timeout_s || media_bridge_dir(call->mb) != MEDIA_DIR_BOTH)
		return;
	media_bridge_set_timeout(call->mb, suspended ? 0 : call->iwf->media_timeout_s * 1000, call_media_timeout_cb,
				 call);
}

/* Local SDP for this call: the media bridge's SIP-side port, or without media bridging the
 * circuit's bearer endpoint (ip:port) itself */
static void call_local_sdp(struct gw_call *call, struct sip_sdp *sdp)
{
	char ip[64];
	int port;
	if (call->mb)
		sip_sdp_init_local(sdp, media_bridge_local_ip(call->mb), media_bridge_local_port(call->mb, MEDIA_LEG_SIP));
	else if (call_bearer(call, ip, sizeof(ip), &port))
		sip_sdp_init_local(sdp, ip, port);
	else
		sip_sdp_init_local(sdp, call->iwf->media_addr, 4000);	/* no bearer configured */
}

/* Encapsulated ISUP (SIP-T): the message body without CIC */
struct isup_blob {
	uint8_t data[ISUP_MAX_MSG_LEN];
	int len;
};

static void blob_from_msg(struct isup_blob *b, const struct isup_msg *msg)
{
	b->len = msg ? isup_encode_body(msg, b->data, sizeof(b->data)) : -1;
}

static void opts_isup(struct sip_msg_opts *o, const struct isup_blob *b)
{
	if (b && b->len > 0) {
		o->isup = b->data;
		o->isup_len = b->len;
	}
}

static void opts_reason(struct sip_msg_opts *o, uint8_t cause, uint8_t location)
{
	o->q850_cause = cause;
	o->q850_location = gw_location_token(location);
}

#define CALL_VARIANT(call) ((call)->iwf->isup->cfg.variant)

/* Decode the SIP-T/SIP-I part of a SIP event, if any, usable and of the expected type(s) */
static bool event_isup_v(const struct sip_event *ev, struct isup_msg *msg, enum isup_variant variant)
{
	if (!ev->body || !ev->body->isup.present || !ev->body->isup.len)
		return false;
	switch (isup_decode_body(msg, variant, ev->body->isup.data, ev->body->isup.len, NULL)) {
	case ISUP_OK:
	case ISUP_ERR_UNKNOWN_MSG:	/* type unknown here, body kept raw: only ever passed on (INFO) */
		return true;
	default:
		return false;
	}
}

/* ---- helpers: ISUP side ---------------------------------------------------------------- */

static void isup_send(struct gw_call *call, struct isup_msg *msg)
{
	if (!call->isup)
		return;
	if (isup_call_send(call->isup, msg) < 0)
		LOGPFSML(call->fi, LOGL_NOTICE, "ISUP %s not allowed in the circuit's state\n",
			 isup_msg_name(msg->type));
}

static void build_bci(struct isup_msg *m, uint8_t called_status)
{
	struct isup_bci bci = { .called_status = called_status, .called_category = 1, .interworking = true };
	uint8_t raw[4];
	int len = isup_bci_encode(&bci, raw, sizeof(raw));
	isup_msg_set(m, ISUP_PRM_BCI, raw, len);
}

static void set_obci_inband(struct isup_msg *m)
{
	struct isup_obci o = { .inband_info = true };
	uint8_t raw[2];
	int len = isup_obci_encode(&o, raw, sizeof(raw));
	isup_msg_set(m, ISUP_PRM_OBCI, raw, len);
}

static void call_release_isup_loc(struct gw_call *call, uint8_t cause, uint8_t location)
{
	if (!call->isup)
		return;
	isup_call_set_priv(call->isup, NULL);
	isup_call_release_loc(call->isup, cause, location);
	call->isup = NULL;
}

static void call_release_isup(struct gw_call *call, uint8_t cause)
{
	call_release_isup_loc(call, cause, ISUP_LOC_PUB_LOCAL);
}

/* Both legs gone: the call ends - not here, but from the FSM timer right after, because this
 * may run inside a callback of the SIP or ISUP layer that still uses the call afterwards. */
static void call_done_check(struct gw_call *call)
{
	if (!call->isup && !call->dlg)
		osmo_fsm_inst_state_chg_ms(call->fi, GW_CALL_ST_RELEASING, 1, -3);
	else if (call->fi->state != GW_CALL_ST_RELEASING)
		call_state_chg(call, GW_CALL_ST_RELEASING);
}

static void note_release_info(struct gw_call *call, uint8_t cause, const char *side)
{
	if (!call->t_release.tv_sec) {
		gw_call_stamp(&call->t_release);
		call->rel_cause = cause;
		call->rel_side = side;
	}
}

static void note_release(struct gw_call *call, uint8_t cause, const char *side)
{
	if (call->mb)
		media_bridge_stop(call->mb);	/* nothing flows once either side releases */
	note_release_info(call, cause, side);
}

/* E.182 tone before the release of a failed call, then the release from the state timer */
static void tone_before_release(struct gw_call *call, enum media_leg toward, enum tone_id tone, unsigned int s)
{
	LOGPFSML(call->fi, LOGL_INFO, "%s toward the %s for %u s before the release\n", tone_name(tone),
		 media_leg_name(toward), s);
	media_bridge_play_tone(call->mb, toward, call_tone_plan(call, toward), tone);
	osmo_fsm_inst_state_chg(call->fi, GW_CALL_ST_TONE_BEFORE_REL, s, 0);
}

/* ---- ingress: ISUP -> SIP (RFC 3398 8) ------------------------------------------------- */

static void ingress_invite(struct gw_call *call)
{
	struct gw_iwf *iwf = call->iwf;
	const struct gw_route *rt;
	struct sip_trunk *trunk;
	struct sip_msg_opts o = { 0 };
	struct sip_sdp sdp;
	struct isup_blob blob;
	char pai[96], div[96];

	if (gw_iam_to_sip(&call->iam, &iwf->plan, &call->sip_id) < 0) {
		note_release(call, 28, "gw");
		call_release_isup(call, 28);	/* invalid number format */
		call_done_check(call);
		return;
	}
	/* ingress routing by the called party number's digits as received */
	{
		const struct isup_param *p = isup_msg_find_const(&call->iam, ISUP_PRM_CALLED_NUM);
		struct isup_number n;
		if (p && isup_number_decode(&n, ISUP_NUM_CALLED, p->val, p->len) == 0)
			rt = gw_iwf_route_lookup(iwf, false, n.digits);
		else
			rt = NULL;
	}
	trunk = rt ? sip_trunk_find(iwf->sip, rt->target) : NULL;
	if (!trunk) {
		LOGPFSML(call->fi, LOGL_NOTICE, "no route for called number %s\n", call->sip_id.ruri_user);
		gw_call_ctr_inc(call, GW_CTR_NO_ROUTE);
		note_release(call, iwf->no_route_cause, "gw");
		call_release_isup(call, iwf->no_route_cause);
		call_done_check(call);
		return;
	}
	snprintf(call->trunk, sizeof(call->trunk), "%s", rt->target);
	rate_ctr_inc(rate_ctr_group_get_ctr(call_trunk_iwf(call)->ctrs, GW_CTR_CALLS_IN));
	call_media_alloc(call, MEDIA_LEG_PSTN);
	call_local_sdp(call, &sdp);
	o.sdp = &sdp;
	if (call->sip_id.pai_user[0]) {
		snprintf(pai, sizeof(pai), "<tel:%s>", call->sip_id.pai_user);
		o.pai = pai;
	}
	if (call->sip_id.privacy_id)
		o.privacy = "id";
	o.max_forwards = call->sip_id.max_forwards > 0 ? call->sip_id.max_forwards : 0;
	if (call->sip_id.diversion_user[0]) {
		/* redirecting number -> Diversion (RFC 5806) */
		snprintf(div, sizeof(div), "<tel:%s>;reason=unknown;counter=1", call->sip_id.diversion_user);
		o.diversion = div;
	}
	blob_from_msg(&blob, &call->iam);
	opts_isup(&o, &blob);
	call->dlg = sip_dialog_invite(trunk, call->sip_id.ruri_user, call->sip_id.from_user, &o, call);
	if (!call->dlg) {
		note_release(call, 41, "gw");
		call_release_isup(call, 41);
		call_done_check(call);
		return;
	}
	snprintf(call->call_id, sizeof(call->call_id), "%s", sip_dialog_call_id(call->dlg));
	call_state_chg(call, GW_CALL_ST_TRYING);
}

static bool sdp_has_g711(const struct sip_sdp *sdp)
{
	for (unsigned int i = 0; i < sdp->num_codecs; i++)
		if (sdp->codecs[i].codec == SIP_CODEC_PCMA || sdp->codecs[i].codec == SIP_CODEC_PCMU)
			return true;
	return false;
}

/* 18x -> ACM / CPG (RFC 3398 8 / Q.1912.5) */
static void ingress_provisional(struct gw_call *call, const struct sip_event *ev)
{
	struct isup_msg m, enc;
	bool sdp = ev->body && ev->body->has_sdp;
	bool have_enc = event_isup(ev, &enc) && (enc.type == ISUP_ACM || enc.type == ISUP_CPG);

	if (ev->code == 100)
		return;
	if (sdp && ev->body->sdp.port && !sdp_has_g711(&ev->body->sdp)) {
		/* an early media SDP we cannot use: the call goes on without it (as without SDP) */
		LOGPFSML(call->fi, LOGL_NOTICE, "%d with an SDP without PCMA/PCMU: continuing without early media\n",
			 ev->code);
		sdp = false;
	}
	if (sdp && !ev->body->sdp.port) {
		/* 183 lifecycle: an SDP with port 0 ends the early stream */
		if (call->mb) {
			media_bridge_set_remote(call->mb, MEDIA_LEG_SIP, NULL, 0);
			call_media_dir(call, MEDIA_DIR_OFF);
		}
		call->early_media = false;
		sdp = false;
	} else if (sdp) {
		/* early media from SIP: backward cut-through (RFC 3398 8.1.1). A later 18x with another
		 * SDP replaces the stream: the old address gets nothing more and what it still sends is
		 * not relayed; the new one starts now (a reliable 18x is PRACKed by the SIP layer
		 * before it is reported here). An 18x without SDP leaves the stream alone. */
		call_media_sip(call, &ev->body->sdp);
		call_media_dir(call, MEDIA_DIR_BACKWARD);
		if (call->mb)	/* forked early dialogs: only the current one's media (RFC 3960 3.2) */
			media_bridge_only_remote(call->mb, MEDIA_LEG_SIP, true);
		call->early_media = true;
	} else if (call->early_media) {
		sdp = true;	/* early media continues: still in-band information */
	} else if (ev->code == 180 && call->mb) {
		/* 180 without SDP: the gateway is the destination exchange for the caller and
		 * plays ringing tone toward the PSTN (E.182), announced by OBCI in-band */
		media_bridge_play_tone(call->mb, MEDIA_LEG_PSTN, call_tone_plan(call, MEDIA_LEG_PSTN), TONE_RINGING);
		sdp = true;
	}
	if (!call->acm_sent) {
		if (have_enc && enc.type == ISUP_ACM) {
			m = enc;	/* SIP-T: the far exchange's ACM, transparently */
		} else {
			isup_msg_init(&m, CALL_VARIANT(call), ISUP_ACM, 0);
			build_bci(&m, ev->code == 180 ? ISUP_BCI_STATUS_SUBSCRIBER_FREE : ISUP_BCI_STATUS_NO_INDICATION);
			if (sdp)
				set_obci_inband(&m);
		}
		call->acm_sent = true;
		gw_call_stamp(&call->t_acm);
	} else {
		struct isup_event_info ei = { .event = ISUP_EVENT_PROGRESS };
		uint8_t raw[2];
		if (ev->code == 180)
			ei.event = ISUP_EVENT_ALERTING;
		else if (ev->code == 181)
			ei.event = ISUP_EVENT_FWD_UNCONDITIONAL;
		else if (sdp)
			ei.event = ISUP_EVENT_INBAND_INFO;
		if (have_enc && enc.type == ISUP_CPG) {
			m = enc;
		} else {
			isup_msg_init(&m, CALL_VARIANT(call), ISUP_CPG, 0);
			isup_event_info_encode(&ei, raw, sizeof(raw));
			isup_msg_set(&m, ISUP_PRM_EVENT_INFO, raw, 1);
			if (sdp)
				set_obci_inband(&m);
		}
	}
	isup_send(call, &m);
	if (ev->code == 180) {
		gw_call_stamp(&call->t_alert);
		call_state_chg(call, GW_CALL_ST_ALERTING);
	} else if (call->fi->state == GW_CALL_ST_TRYING) {
		call_state_chg(call, GW_CALL_ST_NOT_ALERTING);
	}
}

/* 200 -> ANM after ACM, CON without (fast answer, Q.764 2.1.7) */
static void ingress_answered(struct gw_call *call, const struct sip_event *ev)
{
	struct isup_msg m, enc;
	bool have_enc = event_isup(ev, &enc) && (enc.type == ISUP_ANM || enc.type == ISUP_CON);

	if (call->acm_sent) {
		if (have_enc && enc.type == ISUP_ANM)
			m = enc;
		else
			isup_msg_init(&m, CALL_VARIANT(call), ISUP_ANM, 0);
	} else if (have_enc && enc.type == ISUP_CON) {
		m = enc;
	} else if (CALL_VARIANT(call) == ISUP_VARIANT_ANSI) {
		/* ANSI T1.113 has no CON: ACM then ANM back to back */
		isup_msg_init(&m, CALL_VARIANT(call), ISUP_ACM, 0);
		build_bci(&m, ISUP_BCI_STATUS_SUBSCRIBER_FREE);
		isup_send(call, &m);
		isup_msg_init(&m, CALL_VARIANT(call), ISUP_ANM, 0);
	} else {
		isup_msg_init(&m, CALL_VARIANT(call), ISUP_CON, 0);
		build_bci(&m, ISUP_BCI_STATUS_SUBSCRIBER_FREE);
	}
	call->acm_sent = true;
	call->answered = true;
	call->sip_status = ev->code;	/* the final response (CDR) */
	gw_call_stamp(&call->t_answer);
	gw_call_ctr_inc(call, GW_CTR_CALLS_ANSWERED);
	if (ev->body && ev->body->has_sdp)
		call_media_sip(call, &ev->body->sdp);
	if (call->mb)	/* the final answer ends early media; replaced remotes stay refused */
		media_bridge_only_remote(call->mb, MEDIA_LEG_SIP, false);
	call_media_dir(call, MEDIA_DIR_BOTH);
	isup_send(call, &m);
	call_state_chg(call, GW_CALL_ST_CONNECTED);
}

/* final 3xx-6xx -> REL (RFC 3398 8.2.6.1; Reason wins; SIP-T: the encapsulated REL's cause) */
static void ingress_failed(struct gw_call *call, const struct sip_event *ev)
{
	struct gw_trunk_iwf *t = call_trunk_iwf(call);
	struct isup_msg enc;
	uint8_t loc, cause;

	call->sip_status = ev->code;
	cause = gw_sip_status_to_cause(t->profile, &t->ovr, ev->code, ev->q850_cause, &loc);
	if (!ev->q850_cause && event_isup(ev, &enc) && enc.type == ISUP_REL) {
		const struct isup_param *p = isup_msg_find_const(&enc, ISUP_PRM_CAUSE);
		struct isup_cause c;
		if (p && isup_cause_decode(&c, p->val, p->len) == 0)
			cause = c.value;
	}
	if (!cause)
		cause = 16;	/* 487 after our own CANCEL: ISUP side already released */
	/* location: from the Reason (RFC 8606) when given, else the profile's rule */
	if (ev->q850_location[0] && gw_location_from_token(ev->q850_location) >= 0)
		loc = gw_location_from_token(ev->q850_location);
	if (t->tones_before_rel_s && call->mb && call->isup && !call->early_media && ev->code != 487) {
		/* E.182: the gateway is the exchange with the in-band path toward the caller: the
		 * tone for the cause (busy / congestion / SIT), announced by ACM or CPG with in-band
		 * information, then REL with the cause */
		struct isup_msg m;
		if (!call->acm_sent) {
			isup_msg_init(&m, CALL_VARIANT(call), ISUP_ACM, 0);
			build_bci(&m, ISUP_BCI_STATUS_NO_INDICATION);
			call->acm_sent = true;
		} else {
			struct isup_event_info ei = { .event = ISUP_EVENT_INBAND_INFO };
			uint8_t raw[2];
			isup_msg_init(&m, CALL_VARIANT(call), ISUP_CPG, 0);
			isup_event_info_encode(&ei, raw, sizeof(raw));
			isup_msg_set(&m, ISUP_PRM_EVENT_INFO, raw, 1);
		}
		set_obci_inband(&m);
		isup_send(call, &m);
		note_release_info(call, cause, "sip");
		call->tone_cause = cause;
		call->tone_loc = loc;
		tone_before_release(call, MEDIA_LEG_PSTN, tone_for_cause(cause), t->tones_before_rel_s);
		return;
	}
	note_release(call, cause, "sip");
	call_release_isup_loc(call, cause, loc);
	call_done_check(call);
}

/* ---- egress: SIP -> ISUP (RFC 3398 7) -------------------------------------------------- */

static void egress_reject(struct gw_call *call, int status, uint8_t cause, uint8_t location)
{
	struct sip_msg_opts o = { 0 };
	opts_reason(&o, cause, location);
	call->sip_status = status;
	if (call->dlg)
		sip_dialog_reject(call->dlg, status, &o);
}

static void egress_setup(struct gw_call *call, const struct sip_event *ev)
{
	struct gw_iwf *iwf = call->iwf;
	const struct gw_route *rt;
	struct gw_sip_identity *id = &call->sip_id;
	struct isup_msg iam, enc;
	struct isup_call *ic;
	uint8_t cause = 0;

	memset(id, 0, sizeof(*id));
	gw_uri_user(ev->hdrs->ruri, id->ruri_user, sizeof(id->ruri_user));
	gw_uri_user(ev->hdrs->from, id->from_user, sizeof(id->from_user));
	gw_uri_user(ev->hdrs->pai, id->pai_user, sizeof(id->pai_user));
	id->privacy_id = strcasestr(ev->hdrs->privacy, "id") || strcasestr(ev->hdrs->privacy, "user") ||
			 strcasestr(ev->hdrs->privacy, "header");
	id->max_forwards = ev->hdrs->max_forwards;
	id->cpc = -1;
	if (ev->body && ev->body->has_sdp)
		for (unsigned int i = 0; i < ev->body->sdp.num_codecs; i++)
			if (ev->body->sdp.codecs[i].codec == SIP_CODEC_CLEARMODE && ev->body->sdp.num_codecs == 1)
				id->clearmode = true;
	gw_uri_user(ev->hdrs->diversion, id->diversion_user, sizeof(id->diversion_user));

	rt = gw_iwf_route_lookup(iwf, true, id->ruri_user);
	if (!rt) {
		LOGPFSML(call->fi, LOGL_NOTICE, "no egress route for %s\n", id->ruri_user);
		gw_call_ctr_inc(call, GW_CTR_NO_ROUTE);
		note_release(call, iwf->no_route_cause, "gw");
		egress_reject(call, iwf->no_route_status, iwf->no_route_cause, ISUP_LOC_PUB_LOCAL);
		return;
	}
	snprintf(call->group, sizeof(call->group), "%s", rt->target);
	if (gw_sip_to_iam(id, &iwf->plan, CALL_VARIANT(call), 0, &iam) < 0) {
		note_release(call, 28, "gw");
		egress_reject(call, 484, 28, ISUP_LOC_PUB_LOCAL);
		return;
	}
	/* SIP-T bridging (RFC 3398 5.1): the encapsulated IAM with the SIP routing data winning */
	if (event_isup(ev, &enc) && enc.type == ISUP_IAM) {
		gw_iam_merge_sipt(&enc, &iam, id->max_forwards);
		iam = enc;
	}
	ic = isup_call_setup(iwf->isup, call->group, -1, &iam, call, &cause);
	if (!ic) {
		struct gw_trunk_iwf *t = call_trunk_iwf(call);
		if (!cause)
			cause = 34;
		note_release(call, cause, "isup");
		egress_reject(call, gw_cause_to_sip_status(t->profile, &t->ovr, cause, ISUP_LOC_PUB_LOCAL), cause,
			      ISUP_LOC_PUB_LOCAL);
		return;
	}
	call->isup = ic;
	call->cic = isup_call_cic(ic);
	call->dpc = isup_call_dpc(ic);
	call_media_alloc(call, MEDIA_LEG_SIP);
	if (ev->body && ev->body->has_sdp)
		call_media_sip(call, &ev->body->sdp);
	else
		call->late_offer = true;	/* our offer in a reliable 18x or the 200 */
	call_state_chg(call, GW_CALL_ST_TRYING);
}

/* SDP answer for the SIP offer, with the circuit's bearer as our media endpoint */
static bool egress_sdp(struct gw_call *call, struct sip_sdp *answer)
{
	const struct sip_sdp *offer = call->dlg ? sip_dialog_remote_sdp(call->dlg) : NULL;
	struct sip_sdp local;
	call_local_sdp(call, &local);
	if (!offer || call->late_offer) {
		*answer = local;	/* late offer: ours goes out, the answer comes in PRACK/ACK */
		return true;
	}
	return sip_sdp_answer(answer, offer, &local) == 0;
}

static void egress_backward(struct gw_call *call, const struct isup_msg *msg)
{
	struct gw_trunk_iwf *t = call_trunk_iwf(call);
	struct sip_msg_opts o = { 0 };
	struct sip_sdp sdp;
	struct isup_blob blob;
	const struct isup_param *p;
	bool inband = false, alerting;
	int code = 183;

	blob_from_msg(&blob, msg);
	opts_isup(&o, &blob);
	p = isup_msg_find_const(msg, ISUP_PRM_OBCI);
	if (p) {
		struct isup_obci ob;
		inband = isup_obci_decode(&ob, p->val, p->len) == 0 && ob.inband_info;
	}
	switch (msg->type) {
	case ISUP_ACM: {
		struct isup_bci bci = { 0 };
		p = isup_msg_find_const(msg, ISUP_PRM_BCI);
		if (p)
			isup_bci_decode(&bci, p->val, p->len);
		/* RFC 3398 7.2.5 / 7.2.6: subscriber free -> 180; no indication ("early ACM") -> 183;
		 * a cause in the ACM means an in-band announcement follows (7.1.6) */
		code = bci.called_status == ISUP_BCI_STATUS_SUBSCRIBER_FREE ? 180 : 183;
		if (isup_msg_find_const(msg, ISUP_PRM_CAUSE))
			inband = true, code = 183;
		call->acm_received = true;
		gw_call_stamp(&call->t_acm);
		break;
	}
	case ISUP_CPG: {
		struct isup_event_info ei = { 0 };
		p = isup_msg_find_const(msg, ISUP_PRM_EVENT_INFO);
		if (p)
			isup_event_info_decode(&ei, p->val, p->len);
		/* RFC 3398 7.2.9 */
		switch (ei.event) {
		case ISUP_EVENT_ALERTING: code = 180; break;
		case ISUP_EVENT_INBAND_INFO: code = 183; inband = true; break;
		case ISUP_EVENT_FWD_BUSY: case ISUP_EVENT_FWD_NO_REPLY: case ISUP_EVENT_FWD_UNCONDITIONAL:
			code = 181; break;
		default: code = 183; break;
		}
		break;
	}
	default:
		return;
	}
	if (inband && egress_sdp(call, &sdp)) {
		o.sdp = &sdp;
		call_media_dir(call, MEDIA_DIR_BACKWARD);	/* PSTN in-band info toward the SIP caller */
		call->early_media = true;
		if (t->p_early_media)
			o.p_early_media = "sendonly";	/* RFC 5009 */
	}
	alerting = code == 180;
	if (alerting && !o.sdp && t->ringback_early_media && call->mb) {
		/* E.182: alerting without an in-band path from the PSTN: the gateway plays ringing
		 * tone to the SIP caller as early media, in a 183 named after it */
		code = 183;
		o.reason_phrase = tone_e182_phrase(TONE_RINGING);
		if (media_bridge_tone(call->mb, MEDIA_LEG_SIP) != TONE_RINGING && egress_sdp(call, &sdp)) {
			o.sdp = &sdp;
			if (t->p_early_media)
				o.p_early_media = "sendonly";
			media_bridge_play_tone(call->mb, MEDIA_LEG_SIP, call_tone_plan(call, MEDIA_LEG_SIP), TONE_RINGING);
		}
	}
	if (call->dlg)
		sip_dialog_provisional(call->dlg, code, t->reliable_18x && o.sdp, &o);
	if (alerting) {
		gw_call_stamp(&call->t_alert);
		call_state_chg(call, GW_CALL_ST_ALERTING);
	} else if (call->fi->state == GW_CALL_ST_TRYING) {
		call_state_chg(call, GW_CALL_ST_NOT_ALERTING);
	}
}

/* ANM (after ACM) / CON (fast answer): 200 OK (RFC 3398 7.2.7) */
static void egress_answer(struct gw_call *call, const struct isup_msg *msg)
{
	struct sip_msg_opts o = { 0 };
	struct sip_sdp sdp;
	struct isup_blob blob;
	blob_from_msg(&blob, msg);
	opts_isup(&o, &blob);
	if (egress_sdp(call, &sdp))
		o.sdp = &sdp;
	call->answered = true;
	call->sip_status = 200;		/* the final response sent (CDR) */
	gw_call_stamp(&call->t_answer);
	gw_call_ctr_inc(call, GW_CTR_CALLS_ANSWERED);
	call_media_dir(call, MEDIA_DIR_BOTH);
	if (call->dlg)
		sip_dialog_answer(call->dlg, &o);
	call_state_chg(call, GW_CALL_ST_WAITING_FOR_ACK);
}

/* ---- common ---------------------------------------------------------------------------- */

/* E.182 toward SIP: the PSTN side released without an in-band path, so the gateway plays the
 * tone for the cause as early media in a 183 whose reason phrase names it, then rejects the
 * INVITE. Without a usable SDP (offer not matched) the call goes on without early media. */
static bool egress_tone_before_release(struct gw_call *call, uint8_t cause, uint8_t location, int status)
{
	struct gw_trunk_iwf *t = call_trunk_iwf(call);
	struct sip_msg_opts o = { 0 };
	enum tone_id tone = tone_for_cause(cause);
	struct sip_sdp sdp;

	if (!t->tones_before_rel_s || !call->mb || !call->dlg || call->early_media)
		return false;
	if (!egress_sdp(call, &sdp)) {
		LOGPFSML(call->fi, LOGL_INFO, "no SDP for the %s: released without early media\n", tone_name(tone));
		return false;
	}
	o.sdp = &sdp;
	o.reason_phrase = tone_e182_phrase(tone);
	if (t->p_early_media)
		o.p_early_media = "sendonly";
	if (sip_dialog_provisional(call->dlg, 183, t->reliable_18x, &o) < 0)
		return false;
	call->early_media = true;
	call->tone_cause = cause;
	call->tone_loc = location;
	call->tone_status = status;
	tone_before_release(call, MEDIA_LEG_SIP, tone, t->tones_before_rel_s);
	return true;
}

/* The ISUP side is gone (REL received, T7/T9 expiry, reset, blocking...): release the SIP leg */
static void isup_released(struct gw_call *call, uint8_t cause, const struct isup_msg *rel)
{
	struct gw_trunk_iwf *t = call_trunk_iwf(call);
	struct sip_msg_opts o = { 0 };
	struct isup_blob blob;
	uint8_t location = ISUP_LOC_PUB_LOCAL;

	call->isup = NULL;
	note_release_info(call, cause, "isup");
	if (rel) {
		const struct isup_param *p = isup_msg_find_const(rel, ISUP_PRM_CAUSE);
		struct isup_cause c;
		if (p && isup_cause_decode(&c, p->val, p->len) == 0)
			location = c.location;
		blob_from_msg(&blob, rel);
		opts_isup(&o, &blob);
	}
	opts_reason(&o, cause, location);
	if (!call->dlg || call->dir != GW_CALL_EGRESS || call->answered)
		note_release(call, cause, "isup");
	if (!call->dlg) {
		call_done_check(call);
		return;
	}
	if (call->dir == GW_CALL_EGRESS) {
		if (call->answered) {
			sip_dialog_bye(call->dlg, &o);
		} else {
			int st = gw_cause_to_sip_status(t->profile, &t->ovr, cause, location);
			call->sip_status = st;
			if (egress_tone_before_release(call, cause, location, st))
				return;
			note_release(call, cause, "isup");
			sip_dialog_reject(call->dlg, st, &o);
		}
	} else {
		if (call->answered)
			sip_dialog_bye(call->dlg, &o);
		else
			sip_dialog_cancel(call->dlg, &o);	/* RFC 3398 5.8, Reason per RFC 3326 */
	}
	call_done_check(call);
}

static void sip_event_common(struct gw_call *call, const struct sip_event *ev)
{
	struct gw_trunk_iwf *t = call_trunk_iwf(call);
	struct isup_msg enc;
	uint8_t cause;

	switch (ev->type) {
	case SIP_EV_BYE:
		cause = gw_bye_cause(t->profile, ev->q850_cause);
		if (!ev->q850_cause && event_isup(ev, &enc) && enc.type == ISUP_REL) {
			const struct isup_param *p = isup_msg_find_const(&enc, ISUP_PRM_CAUSE);
			struct isup_cause c;
			if (p && isup_cause_decode(&c, p->val, p->len) == 0)
				cause = c.value;
		}
		note_release(call, cause, "sip");
		call_release_isup(call, cause);
		call_done_check(call);
		break;
	case SIP_EV_CANCEL:
		cause = gw_cancel_cause(t->profile, ev->q850_cause);
		note_release(call, cause, "sip");
		call_release_isup(call, cause);
		call_done_check(call);
		break;
	case SIP_EV_TIMEOUT:
		/* Timer B / PRACK / ACK timeouts: recovery on timer expiry (RFC 3398 408/504 -> 102) */
		note_release(call, 102, "sip");
		call_release_isup(call, 102);
		call_done_check(call);
		break;
	case SIP_EV_REINVITE:
		/* re-INVITE/UPDATE on the answered call: the SIP side's media may have moved or changed;
		 * no RTP is expected while it is on hold toward us (RFC 3264 8.4: recvonly/inactive) */
		if (call->answered && ev->body && ev->body->has_sdp) {
			call_media_sip(call, &ev->body->sdp);
			call_media_suspend(call, ev->body->sdp.dir == SIP_SDP_RECVONLY
						 || ev->body->sdp.dir == SIP_SDP_INACTIVE);
		}
		break;
	case SIP_EV_INFO:
		/* SIP-T mid-call ISUP (RFC 3372): pass the encapsulated message on */
		if (event_isup(ev, &enc) && call->isup && enc.type != ISUP_IAM && enc.type != ISUP_REL) {
			if (call->answered && (enc.type == ISUP_SUS || enc.type == ISUP_RES))
				call_media_suspend(call, enc.type == ISUP_SUS);
			isup_send(call, &enc);
		}
		break;
	case SIP_EV_TERMINATED:
		call->dlg = NULL;
		if (call->fi->state == GW_CALL_ST_TONE_BEFORE_REL && call->isup)
			break;	/* REL follows the tone */
		if (call->isup) {
			note_release(call, 41, "sip");
			call_release_isup(call, call->answered ? 16 : 41);
		}
		call_done_check(call);
		break;
	default:
		break;
	}
}

/* Mid-call ISUP (answered call): SIP-T/SIP-I trunks carry it in INFO (RFC 3372); on plain SIP
 * trunks SUS/RES become a re-INVITE putting the media on hold / resuming it (RFC 3398 9) and
 * the rest is consumed here. */
static void midcall_to_sip(struct gw_call *call, const struct isup_msg *msg)
{
	struct sip_trunk *trunk = sip_trunk_find(call->iwf->sip, call->trunk);
	if (trunk && trunk->cfg.sipt_mode != SIP_SIPT_OFF) {
		struct sip_msg_opts o = { 0 };
		struct isup_blob blob;
		blob_from_msg(&blob, msg);
		opts_isup(&o, &blob);
		sip_dialog_info(call->dlg, &o);
		return;
	}
	if (msg->type == ISUP_SUS || msg->type == ISUP_RES) {
		struct sip_sdp sdp;
		call_local_sdp(call, &sdp);
		sdp.dir = msg->type == ISUP_SUS ? SIP_SDP_SENDONLY : SIP_SDP_SENDRECV;
		sip_dialog_reoffer(call->dlg, &sdp, false);
	}
}

/* Q.764 2.9.5.3.1 at the interworking point: an unrecognised ISUP message asking for transit
 * interpretation goes on in a SIP-T/SIP-I INFO (RFC 3372) where the trunk carries ISUP; toward
 * a plain SIP (or untrusted) trunk the gateway is the ISUP end node. */
enum isup_pass_on gw_call_isup_pass_on(struct gw_call *call, const struct isup_msg *msg)
{
	struct sip_trunk *trunk = call->trunk[0] ? sip_trunk_find(call->iwf->sip, call->trunk) : NULL;
	if (!trunk || !sip_trunk_carries_isup(trunk))
		return ISUP_PASS_ON_END_NODE;
	if (!call->dlg || !call->answered)
		return ISUP_PASS_ON_NOT_POSSIBLE;	/* mid-call INFO only in a confirmed dialog */
	midcall_to_sip(call, msg);
	return ISUP_PASS_ON_DONE;
}

/* ---- FSM ------------------------------------------------------------------------------- */

static void call_fsm_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct gw_call *call = fi->priv;

	switch (event) {
	case GW_CALL_EV_ISUP_SETUP: {
		const struct isup_msg *iam = data;
		call->iam = *iam;
		if (gw_iam_number_complete(iam) || call->iwf->overlap_timeout_s == 0) {
			ingress_invite(call);
		} else {
			/* Q.764 2.2 / RFC 3578: collect SAMs, then one INVITE en bloc */
			call_state_chg(call, GW_CALL_ST_COLLECTING);
		}
		break;
	}
	case GW_CALL_EV_ISUP_MSG: {
		const struct isup_msg *msg = data;
		if (call->answered && (msg->type == ISUP_SUS || msg->type == ISUP_RES))
			call_media_suspend(call, msg->type == ISUP_SUS);
		if (msg->type == ISUP_SAM && fi->state == GW_CALL_ST_COLLECTING) {
			int rc = gw_iam_add_sam(&call->iam, msg);
			if (rc == 1)
				ingress_invite(call);
			else
				call_state_chg(call, GW_CALL_ST_COLLECTING);	/* restart the inter-digit timer */
			break;
		}
		if (call->dir == GW_CALL_EGRESS) {
			if (msg->type == ISUP_ACM || msg->type == ISUP_CPG) {
				if (!call->answered)
					egress_backward(call, msg);
			} else if (msg->type == ISUP_ANM || msg->type == ISUP_CON) {
				if (!call->answered)
					egress_answer(call, msg);
			} else if (call->dlg && call->answered) {
				midcall_to_sip(call, msg);
			}
		} else if (call->dlg && call->answered && msg->type != ISUP_SAM) {
			midcall_to_sip(call, msg);
		}
		break;
	}
	case GW_CALL_EV_ISUP_RELEASED: {
		uint8_t cause = *(uint8_t *)data;
		isup_released(call, cause, NULL);
		break;
	}
	case GW_CALL_EV_SIP_INVITE:
		egress_setup(call, data);
		if (!call->isup && call->fi->state != GW_CALL_ST_RELEASING)
			call_state_chg(call, GW_CALL_ST_RELEASING);
		break;
	case GW_CALL_EV_SIP_EVENT: {
		const struct sip_event *ev = data;
		if (call->dir == GW_CALL_INGRESS && !call->answered) {
			if (ev->type == SIP_EV_PROVISIONAL && call->isup) {
				ingress_provisional(call, ev);
				break;
			}
			if (ev->type == SIP_EV_ANSWERED && call->isup) {
				ingress_answered(call, ev);
				break;
			}
			if (ev->type == SIP_EV_FAILED) {
				ingress_failed(call, ev);
				break;
			}
		}
		if (call->dir == GW_CALL_EGRESS && call->late_offer && ev->body && ev->body->has_sdp &&
		    (ev->type == SIP_EV_PRACK || ev->type == SIP_EV_ACK)) {
			/* late offer: the answer to our offer (RFC 3261 13.2.1 / RFC 3262 5) */
			call_media_sip(call, &ev->body->sdp);
		}
		if (call->dir == GW_CALL_EGRESS && ev->type == SIP_EV_ACK) {
			if (fi->state == GW_CALL_ST_WAITING_FOR_ACK)
				call_state_chg(call, GW_CALL_ST_CONNECTED);	/* RFC 3398 7.3: no ISUP */
			break;
		}
		if (call->dir == GW_CALL_INGRESS && ev->type == SIP_EV_ANSWERED && !call->isup && call->dlg) {
			/* 200 crossing our CANCEL: the dialog must be ended with BYE */
			struct sip_msg_opts o = { 0 };
			opts_reason(&o, call->rel_cause ? call->rel_cause : 16, ISUP_LOC_PUB_LOCAL);
			sip_dialog_bye(call->dlg, &o);
			break;
		}
		sip_event_common(call, ev);
		break;
	}
	case GW_CALL_EV_MEDIA_TIMEOUT:
		if (!call->answered || fi->state == GW_CALL_ST_RELEASING)
			break;
		LOGPFSML(fi, LOGL_NOTICE, "no RTP on the %s leg for %u s: releasing with cause %u\n",
			 media_leg_name(*(enum media_leg *)data), call->iwf->media_timeout_s, call->iwf->media_timeout_cause);
		/* released by the gateway on both sides (REL, BYE with Reason), as on a release request */
		data = &call->iwf->media_timeout_cause;
		/* fall through */
	case GW_CALL_EV_RELEASE_REQ: {
		uint8_t cause = *(uint8_t *)data;
		note_release(call, cause, "gw");
		call_release_isup(call, cause);
		if (call->dlg)
			sip_dialog_release(call->dlg, cause);
		call_done_check(call);
		break;
	}
	}
}

static int call_fsm_timer_cb(struct osmo_fsm_inst *fi)
{
	struct gw_call *call = fi->priv;
	switch (fi->state) {
	case GW_CALL_ST_COLLECTING: {
		/* inter-digit timer: send what we have en bloc; no digits at all -> cause 28 */
		const struct isup_param *p = isup_msg_find_const(&call->iam, ISUP_PRM_CALLED_NUM);
		struct isup_number n;
		if (p && isup_number_decode(&n, ISUP_NUM_CALLED, p->val, p->len) == 0 && n.digits[0]) {
			ingress_invite(call);
		} else {
			note_release(call, 28, "gw");
			call_release_isup(call, 28);
			call_done_check(call);
		}
		return 0;
	}
	case GW_CALL_ST_TONE_BEFORE_REL:
		/* the tone has played: the release it announced */
		if (call->mb)
			media_bridge_stop(call->mb);
		if (call->dir == GW_CALL_INGRESS) {
			call_release_isup_loc(call, call->tone_cause, call->tone_loc);
		} else if (call->dlg) {
			call->sip_status = call->tone_status;
			egress_reject(call, call->tone_status, call->tone_cause, call->tone_loc);
		}
		call_done_check(call);
		return 0;
	case GW_CALL_ST_RELEASING:
		if (!call->isup && !call->dlg)
			return 1;	/* both legs are gone: end of the call */
		LOGPFSML(fi, LOGL_ERROR, "release guard timer expired: dropping the call\n");
		call_release_isup(call, 41);
		if (call->dlg) {
			sip_dialog_set_priv(call->dlg, NULL);
			call->dlg = NULL;
		}
		return 1;	/* terminate */
	}
	return 0;
}

static void call_fsm_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	struct gw_call *call = fi->priv;
	call_release_isup(call, 41);
	if (call->dlg) {
		sip_dialog_set_priv(call->dlg, NULL);
		sip_dialog_release(call->dlg, 41);
		call->dlg = NULL;
	}
	LOGPFSML(fi, LOGL_INFO, "call ended: cause %u (%s side), SIP status %d\n", call->rel_cause,
		 call->rel_side ? call->rel_side : "-", call->sip_status);
	gw_cdr_write(&call->iwf->cdr, call);
	if (call->mb) {
		gw_call_media_ctrs(call);
		media_bridge_free(call->mb);
		call->mb = NULL;
	}
	if (!call->answered)
		gw_call_ctr_inc(call, GW_CTR_CALLS_FAILED);
	llist_del(&call->list);
	hash_del(&call->hnode);
	call->iwf->num_calls--;
}

#define ALL_EV (S(GW_CALL_EV_ISUP_SETUP) | S(GW_CALL_EV_ISUP_MSG) | S(GW_CALL_EV_ISUP_RELEASED) | \
		S(GW_CALL_EV_SIP_INVITE) | S(GW_CALL_EV_SIP_EVENT) | S(GW_CALL_EV_RELEASE_REQ) | \
		S(GW_CALL_EV_MEDIA_TIMEOUT))
#define ALL_ST (S(GW_CALL_ST_IDLE) | S(GW_CALL_ST_COLLECTING) | S(GW_CALL_ST_TRYING) | \
		S(GW_CALL_ST_NOT_ALERTING) | S(GW_CALL_ST_ALERTING) | S(GW_CALL_ST_WAITING_FOR_ACK) | \
		S(GW_CALL_ST_CONNECTED) | S(GW_CALL_ST_RELEASING) | S(GW_CALL_ST_TONE_BEFORE_REL))

/* The call FSM's transitions are driven by the leg events above; every state accepts every
 * event (REL may arrive in any state, RFC 3398 7.2), the handlers check what applies. */
static const struct osmo_fsm_state call_fsm_states[] = {
	[GW_CALL_ST_IDLE] = { .name = "Idle", .in_event_mask = ALL_EV, .out_state_mask = ALL_ST,
			      .action = call_fsm_action },
	[GW_CALL_ST_COLLECTING] = { .name = "Collecting", .in_event_mask = ALL_EV, .out_state_mask = ALL_ST,
				    .action = call_fsm_action },
	[GW_CALL_ST_TRYING] = { .name = "Trying", .in_event_mask = ALL_EV, .out_state_mask = ALL_ST,
				.action = call_fsm_action },
	[GW_CALL_ST_NOT_ALERTING] = { .name = "Not_alerting", .in_event_mask = ALL_EV, .out_state_mask = ALL_ST,
				      .action = call_fsm_action },
	[GW_CALL_ST_ALERTING] = { .name = "Alerting", .in_event_mask = ALL_EV, .out_state_mask = ALL_ST,
				  .action = call_fsm_action },
	[GW_CALL_ST_WAITING_FOR_ACK] = { .name = "Waiting_for_ACK", .in_event_mask = ALL_EV,
					 .out_state_mask = ALL_ST, .action = call_fsm_action },
	[GW_CALL_ST_CONNECTED] = { .name = "Connected", .in_event_mask = ALL_EV, .out_state_mask = ALL_ST,
				   .action = call_fsm_action },
	[GW_CALL_ST_RELEASING] = { .name = "Releasing", .in_event_mask = ALL_EV, .out_state_mask = ALL_ST,
				   .action = call_fsm_action },
	[GW_CALL_ST_TONE_BEFORE_REL] = { .name = "Tone_before_release", .in_event_mask = ALL_EV,
					 .out_state_mask = ALL_ST, .action = call_fsm_action },
};

static const struct value_string call_fsm_event_names[] = {
	{ GW_CALL_EV_ISUP_SETUP, "ISUP_SETUP" },
	{ GW_CALL_EV_ISUP_MSG, "ISUP_MSG" },
	{ GW_CALL_EV_ISUP_RELEASED, "ISUP_RELEASED" },
	{ GW_CALL_EV_SIP_INVITE, "SIP_INVITE" },
	{ GW_CALL_EV_SIP_EVENT, "SIP_EVENT" },
	{ GW_CALL_EV_RELEASE_REQ, "RELEASE_REQ" },
	{ GW_CALL_EV_MEDIA_TIMEOUT, "MEDIA_TIMEOUT" },
	{ 0, NULL }
};

struct osmo_fsm gw_call_fsm = {
	.name = "gw_call",
	.states = call_fsm_states,
	.num_states = ARRAY_SIZE(call_fsm_states),
	.event_names = call_fsm_event_names,
	.timer_cb = call_fsm_timer_cb,
	.cleanup = call_fsm_cleanup,
	.log_subsys = DGW,
};

static __attribute__((constructor)) void gw_call_fsm_register(void)
{
	OSMO_ASSERT(osmo_fsm_register(&gw_call_fsm) == 0);
}

struct gw_call *gw_call_alloc(struct gw_iwf *iwf, enum gw_call_dir dir)
{
	struct osmo_fsm_inst *fi;
	struct gw_call *call;
	char id[32];
	uint32_t cid = ++iwf->next_call_id;

	snprintf(id, sizeof(id), "call%u", cid);
	/* the call belongs to its FSM instance: both are freed when the FSM terminates */
	fi = osmo_fsm_inst_alloc(&gw_call_fsm, iwf, NULL, LOGL_DEBUG, id);
	if (!fi)
		return NULL;
	call = talloc_zero(fi, struct gw_call);
	fi->priv = call;
	call->fi = fi;
	call->iwf = iwf;
	call->id = cid;
	call->dir = dir;
	gw_call_stamp(&call->t_setup);
	llist_add_tail(&call->list, &iwf->calls);
	hash_add(iwf->calls_by_id, &call->hnode, cid);
	iwf->num_calls++;
	rate_ctr_inc(rate_ctr_group_get_ctr(iwf->ctrs, dir == GW_CALL_INGRESS ? GW_CTR_CALLS_IN : GW_CTR_CALLS_OUT));
	return call;
}

void gw_call_shutdown(struct gw_call *call, uint8_t cause)
{
	if (call->fi->state == GW_CALL_ST_RELEASING && !call->isup && !call->dlg)
		return;		/* ending already */
	note_release(call, cause, "gw");
	call_release_isup(call, cause);
	if (call->dlg) {
		/* RFC 3398 7.2.4.1: cause 41 -> 503 (with Reason, RFC 3326) */
		sip_dialog_release_status(call->dlg, cause, 503);
		if (call->dir == GW_CALL_EGRESS && !call->answered)
			call->sip_status = 503;
	}
	call_done_check(call);
}

struct gw_call *gw_call_find(struct gw_iwf *iwf, uint32_t id)
{
	struct gw_call *call;
	hash_for_each_possible(iwf->calls_by_id, call, hnode, id)
		if (call->id == id)
			return call;
	return NULL;
}

const char *gw_call_state_name(const struct gw_call *call)
{
	return osmo_fsm_inst_state_name(call->fi);
}

/* Egress calls (SIP -> ISUP, RFC 3398 7): the state actions of gw_call_out. */
#include <stdio.h>
#include <string.h>

#include <osmocom/core/logging.h>

#include "gw/debug.h"
#include "gw/call_priv.h"
#include "gw/call_numbers.h"
#include "gw/hop_counter.h"
#include "gw/overlap.h"
#include "gw/sipi_merge.h"
#include "isup/q850.h"

void out_reject(struct gw_call *call, int status, uint8_t cause, uint8_t location)
{
	struct sip_msg_opts o = { 0 };
	struct gw_isup_blob b;
	call_release_opts(call, &o, &b, cause, location);
	call->sip_status = status;
	gw_sip_leg_reject(call->sip, status, &o);
}

/* The INVITE could not become an IAM: the final response, then Releasing */
static void out_setup_failed(struct gw_call *call, int status, uint8_t cause, const char *side)
{
	call_note_release(call, cause, side);
	out_reject(call, status, cause, ISUP_LOC_PUB_LOCAL);
	call_releasing(call);
}

/* INVITE -> IAM (RFC 3398 7.2.1.1), on a circuit of the group the Request-URI routes to */
static void out_setup(struct gw_call *call, const struct sip_event *ev)
{
	struct gw_iwf *iwf = call->iwf;
	struct gw_trunk_iwf *t;
	const struct gw_route *rt;
	struct isup_msg iam, enc;
	struct gw_number_plan plan;
	uint8_t cause = 0;
	int status;

	gw_identity_from_invite(&call->sip_id, ev);
	rt = gw_iwf_route_lookup(iwf, true, call->sip_id.ruri_user);
	if (!rt) {
		LOGPFSML(call->fi, LOGL_NOTICE, "no egress route for %s\n", call->sip_id.ruri_user);
		gw_call_ctr_inc(call, GW_CTR_NO_ROUTE);
		out_setup_failed(call, iwf->no_route_status, iwf->no_route_cause, "gw");
		return;
	}
	snprintf(call->group, sizeof(call->group), "%s", rt->target);
	cause = call_numbers_egress(call, ev, &plan, &status);
	if (cause) {
		out_setup_failed(call, status, cause, "gw");
		return;
	}
	if (call->sip_id.clearmode && !gw_iwf_group_clearmode(iwf, call->group)) {
		/* 64 kbit/s unrestricted not on this group's circuits: Q.850 65 <-> 488 (RFC 3398) */
		LOGPFSML(call->fi, LOGL_NOTICE, "clearmode offer, circuit-group %s refuses clearmode\n", call->group);
		out_setup_failed(call, 488, Q850_BEARER_CAP_NOT_IMPLEMENTED, "gw");
		return;
	}
	if (gw_sip_to_iam(&call->sip_id, &plan, CALL_VARIANT(call), 0, &iam) < 0) {
		out_setup_failed(call, 484, Q850_INVALID_NUMBER_FORMAT, "gw");
		return;
	}
	call_bearer_egress_iam(call, &iam);
	call_redir_to_iam(call, ev, &iam);	/* History-Info / Diversion (gw/call_redir.c) */
	/* SIP-T bridging (RFC 3398 5.1, TS 29.163 7.3.3.1): the encapsulated IAM merged with the headers */
	if (gw_event_isup(ev, &enc, CALL_VARIANT(call)) && enc.type == ISUP_IAM) {
		struct sip_trunk *st = sip_trunk_find(iwf->sip, call->trunk);
		gw_sipi_merge_iam(&enc, &iam, &call->sip_id, &plan, st && st->cfg.trusted);
		iam = enc;
	}
	gw_overlap_egress_iam(call, ev, &iam);	/* RFC 3578 trunks: no ST */
	if (gw_iam_hop_exhausted(&iam)) {	/* never an IAM with hop counter 0 */
		out_setup_failed(call, 483, Q850_EXCHANGE_ROUTING_ERROR, "gw");
		return;
	}
	if (!gw_isup_leg_setup(call, call->group, &iam, &cause)) {
		t = call_trunk_iwf(call);
		if (!cause)
			cause = Q850_NO_CIRCUIT_AVAILABLE;
		out_setup_failed(call, gw_cause_to_sip_status(t->profile, &t->ovr, cause, ISUP_LOC_PUB_LOCAL), cause,
				 "isup");
		return;
	}
	call_media_alloc(call, MEDIA_LEG_SIP);
	if (ev->body && ev->body->has_sdp)
		call_media_sip(call, &ev->body->sdp);
	call_state_chg(call, GW_CALL_ST_TRYING);
}

/* SDP answer for the SIP offer, with the circuit's bearer as our media endpoint */
static bool out_sdp(struct gw_call *call, struct sip_sdp *answer)
{
	const struct sip_sdp *offer = gw_sip_leg_remote_sdp(call->sip);
	struct sip_sdp local;
	call_local_sdp(call, &local);
	if (!offer || gw_sip_leg_late_offer(call->sip)) {
		*answer = local;	/* late offer: ours goes out, the answer comes in PRACK/ACK */
		return true;
	}
	return sip_sdp_answer(answer, offer, &local) == 0;
}

void call_late_offer_answer(struct gw_call *call, const struct sip_event *ev)
{
	if (gw_sip_leg_late_offer(call->sip) && ev->body && ev->body->has_sdp)
		call_media_sip(call, &ev->body->sdp);
}

/* E.182: alerting without an in-band path from the PSTN: the gateway plays ringing tone to the
 * SIP caller as early media, in a 183 named after it */
static int out_ringback(struct gw_call *call, struct sip_msg_opts *o, struct sip_sdp *sdp)
{
	struct gw_trunk_iwf *t = call_trunk_iwf(call);
	o->reason_phrase = tone_e182_phrase(TONE_RINGING);
	if (media_bridge_tone(call->mb, MEDIA_LEG_SIP) != TONE_RINGING && out_sdp(call, sdp)) {
		o->sdp = sdp;
		if (t->p_early_media)
			o->p_early_media = "sendonly";
		call_play_ringing(call, MEDIA_LEG_SIP);
	}
	return 183;
}

/* ACM / CPG -> 18x (RFC 3398 7.2.5, 7.2.6, 7.2.9) */
static void out_backward(struct gw_call *call, const struct isup_msg *msg)
{
	struct gw_trunk_iwf *t = call_trunk_iwf(call);
	struct sip_msg_opts o = { 0 };
	struct sip_sdp sdp;
	struct gw_isup_blob blob;
	bool inband, early_media = call->fi->state == GW_CALL_ST_EARLY_MEDIA;
	int code = gw_backward_to_sip_code(msg, &inband);
	bool alerting = code == 180;

	if (code < 0)
		return;
	if (msg->type == ISUP_ACM)
		gw_call_stamp(&call->t_acm);
	gw_blob_from_msg(&blob, msg);
	gw_opts_isup(&o, &blob);
	if (inband && out_sdp(call, &sdp)) {
		o.sdp = &sdp;
		call_media_dir(call, MEDIA_DIR_BACKWARD);	/* PSTN in-band info toward the SIP caller */
		early_media = true;
		if (t->p_early_media)
			o.p_early_media = "sendonly";	/* RFC 5009 */
	}
	if (alerting && !o.sdp && t->ringback_early_media && call->mb && !call->sip_id.clearmode)
		code = out_ringback(call, &o, &sdp);
	gw_sip_leg_provisional(call->sip, code, t->reliable_18x && o.sdp, &o);
	if (alerting)
		gw_call_stamp(&call->t_alert);
	call_state_chg(call, early_media ? GW_CALL_ST_EARLY_MEDIA : GW_CALL_ST_EARLY);
}

/* ANM (after ACM) / CON (fast answer): 200 OK (RFC 3398 7.2.7) */
static void out_answer(struct gw_call *call, const struct isup_msg *msg)
{
	struct sip_msg_opts o = { 0 };
	struct sip_sdp sdp;
	struct gw_isup_blob blob;
	gw_blob_from_msg(&blob, msg);
	gw_opts_isup(&o, &blob);
	if (out_sdp(call, &sdp))
		o.sdp = &sdp;
	call->sip_status = 200;		/* the final response sent (CDR) */
	gw_call_stamp(&call->t_answer);
	gw_call_ctr_inc(call, GW_CTR_CALLS_ANSWERED);
	call_media_dir(call, MEDIA_DIR_BOTH);
	gw_sip_leg_answer(call->sip, &o);
	call_state_chg(call, GW_CALL_ST_WAITING_FOR_ACK);
}

/* E.182 toward SIP: the PSTN side released without an in-band path, so the gateway plays the
 * tone for the cause as early media in a 183 whose reason phrase names it, then rejects the
 * INVITE. Without a usable SDP (offer not matched) the call goes on without early media. */
static bool out_tone_before_release(struct gw_call *call, uint8_t cause, uint8_t location, int status)
{
	struct gw_trunk_iwf *t = call_trunk_iwf(call);
	struct sip_msg_opts o = { 0 };
	enum tone_id tone = tone_for_cause(cause);
	struct sip_sdp sdp;

	if (!call_tones_before_release(call) || !call->sip)
		return false;
	if (!out_sdp(call, &sdp)) {
		LOGPFSML(call->fi, LOGL_INFO, "no SDP for the %s: released without early media\n", tone_name(tone));
		return false;
	}
	o.sdp = &sdp;
	o.reason_phrase = tone_e182_phrase(tone);
	if (t->p_early_media)
		o.p_early_media = "sendonly";
	if (gw_sip_leg_provisional(call->sip, 183, t->reliable_18x, &o) < 0)
		return false;
	call->tone_cause = cause;
	call->tone_loc = location;
	call->tone_status = status;
	call_tone_before_release(call, MEDIA_LEG_SIP, tone);
	return true;
}

/* REL before the answer: the final response for the cause (RFC 3398 7.2.4.1), or first the
 * E.182 tone (not while the PSTN's own early media runs) */
static void out_isup_released(struct gw_call *call, uint8_t cause, bool tone)
{
	struct gw_trunk_iwf *t = call_trunk_iwf(call);
	uint8_t loc = call_isup_rel_location(call);
	int st;

	call_note_release_info(call, cause, "isup");
	if (!call->sip) {
		call_note_release(call, cause, "isup");
		call_releasing(call);
		return;
	}
	if (call_redir_rel_3xx(call, cause, loc))	/* REL 23 + redirection number: 302 */
		return;
	st = gw_cause_to_sip_status(t->profile, &t->ovr, cause, loc);
	call->sip_status = st;
	if (tone && out_tone_before_release(call, cause, loc, st))
		return;
	call_note_release(call, cause, "isup");
	out_reject(call, st, cause, loc);
	call_releasing(call);
}

void out_idle_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct gw_call *call = fi->priv;

	if (event == GW_CALL_EV_SIP_INVITE)
		out_setup(call, data);
	else
		call_common_event(call, event, data);
}

/* What Trying, Early and Early_media do alike; 'tone': a REL may get the E.182 tone first */
static void out_proceeding_event(struct gw_call *call, uint32_t event, void *data, bool tone)
{
	switch (event) {
	case GW_CALL_EV_ISUP_ACM:
	case GW_CALL_EV_ISUP_CPG:
		out_backward(call, data);
		break;
	case GW_CALL_EV_ISUP_ANM:
		out_answer(call, data);
		break;
	case GW_CALL_EV_ISUP_REL:
		out_isup_released(call, *(uint8_t *)data, tone);
		break;
	case GW_CALL_EV_SIP_INFO:
		call_sip_info(call, data);
		break;
	default:
		/* CANCEL, timeouts, PRACK/ACK; children gone, release request; mid-call ISUP before
		 * the answer: nothing */
		if (!call_uas_early_event(call, event, data))
			call_common_event(call, event, data);
		break;
	}
}

/* Trying: IAM sent, no ACM yet */
void out_trying_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	out_proceeding_event(fi->priv, event, data, true);
}

/* Early: ACM / CPG -> 18x without the PSTN's in-band media */
void out_early_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	out_proceeding_event(fi->priv, event, data, true);
}

/* Early_media: the PSTN's in-band information goes to the SIP caller; a REL ends it without a
 * tone of the gateway's */
void out_early_media_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	out_proceeding_event(fi->priv, event, data, false);
}

/* Waiting_for_ACK: 200 sent; the ACK (RFC 3398 7.3: nothing toward ISUP) makes it Answered */
void out_waiting_for_ack_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct gw_call *call = fi->priv;

	call_answered_event(call, event, data);
	if (event == GW_CALL_EV_SIP_ACK && fi->state == GW_CALL_ST_WAITING_FOR_ACK)
		call_state_chg(call, GW_CALL_ST_ANSWERED);
}

int out_timer_cb(struct osmo_fsm_inst *fi)
{
	struct gw_call *call = fi->priv;

	switch (fi->state) {
	case GW_CALL_ST_TONE_BEFORE_REL:
		call_tone_done(call);	/* X3: the tone has played, the final response it announced */
		return 0;
	case GW_CALL_ST_RELEASING:
		return call_releasing_timeout(call);
	}
	return 0;
}

/* Ingress calls (ISUP -> SIP, RFC 3398 8): the state actions of gw_call_in. */
#include <stdio.h>
#include <string.h>

#include <osmocom/core/logging.h>

#include "gw/debug.h"
#include "gw/call_priv.h"
#include "gw/bearer_map.h"
#include "gw/call_numbers.h"
#include "gw/overlap.h"
#include "gw/isup_leg.h"
#include "isup/q850.h"

/* ingress routing by the called party number's digits as received */
static struct sip_trunk *in_route(struct gw_call *call)
{
	const struct isup_param *p = isup_msg_find_const(call->iam, ISUP_PRM_CALLED_NUM);
	const struct gw_route *rt = NULL;
	struct isup_number n;

	if (p && isup_number_decode(&n, ISUP_NUM_CALLED, p->val, p->len) == 0)
		rt = gw_iwf_route_lookup(call->iwf, false, n.digits);
	if (!rt)
		return NULL;
	snprintf(call->trunk, sizeof(call->trunk), "%s", rt->target);
	return sip_trunk_find(call->iwf->sip, rt->target);
}

bool in_send_invite(struct gw_call *call, struct sip_trunk *trunk, const struct sip_uac_ident *same)
{
	struct sip_msg_opts o = { 0 };
	struct gw_invite_hdrs hdrs;
	struct gw_isup_blob blob;
	struct sip_sdp sdp;
	struct isup_msg iam = *call->iam;
	char redir[SIP_HDR_LIST_MAX];

	call_local_sdp(call, &sdp);
	o.sdp = &sdp;
	gw_invite_opts(&o, &hdrs, &call->sip_id);
	call_redir_invite_opts(call, trunk, &o, &iam, redir, sizeof(redir));
	gw_blob_from_msg(&blob, &iam);
	gw_opts_isup(&o, &blob);
	return gw_sip_leg_invite(call, trunk, call->sip_id.ruri_user, call->sip_id.from_user, &o, same) != NULL;
}

/* The number is complete: INVITE (RFC 3398 8.1.1), or REL when it cannot be routed; RFC 3578 3:
 * not yet complete, one of the INVITEs with more and more digits (Collecting goes on) */
static void in_invite(struct gw_call *call, bool complete)
{
	struct gw_sip_leg *before = call->sip;
	struct sip_trunk *trunk;
	uint8_t cause;

	if (!call->iam || gw_iam_to_sip(call->iam, &call->iwf->plan, &call->sip_id) < 0) {
		call_release_isup_by(call, Q850_INVALID_NUMBER_FORMAT, "gw");
		return;
	}
	trunk = in_route(call);
	if (!trunk) {
		LOGPFSML(call->fi, LOGL_NOTICE, "no route for called number %s\n", call->sip_id.ruri_user);
		call->trunk[0] = 0;
		gw_call_ctr_inc(call, GW_CTR_NO_ROUTE);
		call_release_isup_by(call, call->iwf->no_route_cause, "gw");
		return;
	}
	if (!gw_overlap_same(call) && call_trunk_iwf(call)->draining) {
		/* CTRL trunk.NAME.drain (gw/ctrl.h): no new calls toward the trunk */
		LOGPFSML(call->fi, LOGL_NOTICE, "trunk %s draining: REL cause 41\n", call->trunk);
		call_release_isup_by(call, Q850_TEMPORARY_FAILURE, "gw");
		return;
	}
	if (!gw_overlap_same(call) && !call_bearer_admit_in(call, trunk))
		return;
	/* the numbers once more with the trunk's and the group's rules, hop counter, number format */
	cause = call_numbers_ingress(call);
	if (cause) {
		call_release_isup_by(call, cause, "gw");
		return;
	}
	if (!gw_overlap_same(call)) {	/* the first INVITE of the call */
		rate_ctr_inc(rate_ctr_group_get_ctr(call_trunk_iwf(call)->ctrs, GW_CTR_CALLS_IN));
		call_media_alloc(call, MEDIA_LEG_PSTN);
	}
	if (!in_send_invite(call, trunk, gw_overlap_same(call))) {
		call_release_isup_by(call, Q850_TEMPORARY_FAILURE, "gw");
		return;
	}
	snprintf(call->call_id, sizeof(call->call_id), "%s", sip_dialog_call_id(call->sip->dlg));
	gw_isup_leg_set_corr(call->isup, call->call_id);
	if (gw_overlap_rfc3578(call))
		gw_overlap_sent(call, before);
	if (complete)
		call_state_chg(call, GW_CALL_ST_TRYING);
	else
		gw_overlap_wait(call, GW_OVERLAP_USABLE);
}

/* The digits so far (IAM and SAMs, Q.764 2.2): complete -> the INVITE; RFC 3578 3: an INVITE for
 * every usable number; else the wait for more (T35 / X1, gw/overlap.c) */
static void in_collect(struct gw_call *call)
{
	enum gw_overlap_status st = gw_overlap_status(call->iwf, call->iam);

	if (st == GW_OVERLAP_COMPLETE)
		in_invite(call, true);
	else if (st == GW_OVERLAP_USABLE && gw_overlap_rfc3578(call))
		in_invite(call, false);
	else
		gw_overlap_wait(call, st);
}

/* The media of an 18x (RFC 3398 8.1.1 backward cut-through); returns whether in-band
 * information goes toward the caller, *early_media whether the SIP side's early media runs */
static bool in_early_stream(struct gw_call *call, const struct sip_event *ev, bool *early_media)
{
	bool sdp = ev->body && ev->body->has_sdp;

	*early_media = call->fi->state == GW_CALL_ST_EARLY_MEDIA;
	if (sdp && ev->body->sdp.port && !gw_bearer_sdp_usable(&ev->body->sdp, call->sip_id.clearmode)) {
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
		*early_media = false;
		return false;
	}
	if (sdp) {
		/* A later 18x with another SDP replaces the stream: the old address gets nothing more
		 * and what it still sends is not relayed; the new one starts now (a reliable 18x is
		 * PRACKed by the SIP layer before it is reported here). */
		call_media_sip(call, &ev->body->sdp);
		call_media_dir(call, MEDIA_DIR_BACKWARD);
		if (call->mb)	/* forked early dialogs: only the current one's media (RFC 3960 3.2) */
			media_bridge_only_remote(call->mb, MEDIA_LEG_SIP, true);
		*early_media = true;
		return true;
	}
	if (*early_media)
		return true;	/* early media continues: still in-band information */
	if (ev->code == 180 && call->mb && !call->sip_id.clearmode) {
		/* 180 without SDP: the gateway is the destination exchange for the caller and
		 * plays ringing tone toward the PSTN (E.182), announced by OBCI in-band */
		call_play_ringing(call, MEDIA_LEG_PSTN);
		return true;
	}
	return false;
}

/* 18x -> ACM in Trying, CPG after it (RFC 3398 8 / Q.1912.5); SIP-T: the far exchange's own */
static void in_provisional(struct gw_call *call, const struct sip_event *ev)
{
	struct isup_msg m, enc;
	bool inband, early_media;
	bool have_enc = gw_event_isup(ev, &enc, CALL_VARIANT(call));
	bool acm = call->fi->state == GW_CALL_ST_TRYING;

	if (ev->code == 100)
		return;
	inband = in_early_stream(call, ev, &early_media);
	if (have_enc && enc.type == (acm ? ISUP_ACM : ISUP_CPG))
		m = enc;
	else if (acm)
		gw_isup_build_acm(&m, CALL_VARIANT(call), ev->code == 180 ? ISUP_BCI_STATUS_SUBSCRIBER_FREE
									: ISUP_BCI_STATUS_NO_INDICATION, inband);
	else
		gw_isup_build_cpg(&m, CALL_VARIANT(call), gw_sip_code_to_cpg_event(ev->code, inband), inband);
	if (acm)
		gw_call_stamp(&call->t_acm);
	gw_isup_leg_send(call->isup, &m);
	if (ev->code == 180)
		gw_call_stamp(&call->t_alert);
	call_state_chg(call, early_media ? GW_CALL_ST_EARLY_MEDIA : GW_CALL_ST_EARLY);
}

/* 200 -> ANM after ACM, CON without (fast answer, Q.764 2.1.7) */
static void in_answered(struct gw_call *call, const struct sip_event *ev)
{
	struct isup_msg m, enc;
	bool have_enc = gw_event_isup(ev, &enc, CALL_VARIANT(call));

	if (call->fi->state != GW_CALL_ST_TRYING) {
		if (have_enc && enc.type == ISUP_ANM)
			m = enc;
		else
			isup_msg_init(&m, CALL_VARIANT(call), ISUP_ANM, 0);
	} else if (have_enc && enc.type == ISUP_CON) {
		m = enc;
	} else if (CALL_VARIANT(call) == ISUP_VARIANT_ANSI) {
		/* ANSI T1.113 has no CON: ACM then ANM back to back */
		gw_isup_build_acm(&m, CALL_VARIANT(call), ISUP_BCI_STATUS_SUBSCRIBER_FREE, false);
		gw_isup_leg_send(call->isup, &m);
		isup_msg_init(&m, CALL_VARIANT(call), ISUP_ANM, 0);
	} else {
		gw_isup_build_con(&m, CALL_VARIANT(call));
	}
	call->sip_status = ev->code;	/* the final response (CDR) */
	gw_call_stamp(&call->t_answer);
	gw_call_ctr_inc(call, GW_CTR_CALLS_ANSWERED);
	if (ev->body && ev->body->has_sdp)
		call_media_sip(call, &ev->body->sdp);
	if (call->mb)	/* the final answer ends early media; replaced remotes stay refused */
		media_bridge_only_remote(call->mb, MEDIA_LEG_SIP, false);
	call_media_dir(call, MEDIA_DIR_BOTH);
	gw_isup_leg_send(call->isup, &m);
	TALLOC_FREE(call->iam);	/* no INVITE follows an answer */
	call_state_chg(call, GW_CALL_ST_ANSWERED);
}

/* Trying, X5 expired without any 18x: the gateway sends ACM "no indication" itself so that the
 * exchange's T7 does not fire (TS 29.163 7.2.3.2, O-MGCF / Q.1912.5 clause 7: on expiry of the
 * interworking timer ACM with called party's status "no indication"); 180 / 183 then give
 * CPG (Early), the 200 ANM */
static void in_early_acm(struct gw_call *call)
{
	struct isup_msg m;
	LOGPFSML(call->fi, LOGL_INFO, "no 18x within X5: early ACM (no indication)\n");
	gw_isup_build_acm(&m, CALL_VARIANT(call), ISUP_BCI_STATUS_NO_INDICATION, false);
	gw_call_stamp(&call->t_acm);
	gw_isup_leg_send(call->isup, &m);
	call_state_chg(call, GW_CALL_ST_EARLY);
}

/* E.182: the gateway is the exchange with the in-band path toward the caller: the tone for the
 * cause (busy / congestion / SIT), announced by ACM or CPG with in-band information, then REL */
static void in_tone_before_release(struct gw_call *call, uint8_t cause, uint8_t loc)
{
	struct isup_msg m;
	if (call->fi->state == GW_CALL_ST_TRYING) {
		gw_isup_build_acm(&m, CALL_VARIANT(call), ISUP_BCI_STATUS_NO_INDICATION, true);
		gw_call_stamp(&call->t_acm);
	} else {
		gw_isup_build_cpg(&m, CALL_VARIANT(call), ISUP_EVENT_INBAND_INFO, true);
	}
	gw_isup_leg_send(call->isup, &m);
	call_note_release_info(call, cause, "sip");
	call->tone_cause = cause;
	call->tone_loc = loc;
	call_tone_before_release(call, MEDIA_LEG_PSTN, tone_for_cause(cause));
}

/* final 3xx-6xx -> REL (RFC 3398 8.2.6.1; Reason wins; SIP-T: the encapsulated REL's cause) */
static void in_failed(struct gw_call *call, const struct sip_event *ev)
{
	struct gw_trunk_iwf *t = call_trunk_iwf(call);
	uint8_t loc, cause;

	call->sip_status = ev->code;
	cause = gw_sip_status_to_cause(t->profile, &t->ovr, ev->code, ev->q850_cause, &loc);
	if (!ev->q850_cause)
		gw_event_rel_cause(ev, CALL_VARIANT(call), &cause);
	if (!cause)
		cause = Q850_NORMAL_CLEARING;	/* 487 after our own CANCEL: ISUP side already released */
	/* location: from the Reason (RFC 8606) when given, else the profile's rule */
	if (ev->q850_location[0] && gw_location_from_token(ev->q850_location) >= 0)
		loc = gw_location_from_token(ev->q850_location);
	if (call_redir_3xx(call, ev, loc))	/* recursed, or REL 23 + redirection number */
		return;
	if (call_tones_before_release(call) && call->isup && call->fi->state != GW_CALL_ST_EARLY_MEDIA &&
	    ev->code != 487) {
		in_tone_before_release(call, cause, loc);
		call_keep_tone_rel(call, ev);
		return;
	}
	call_note_release(call, cause, "sip");
	call_release_isup_ev(call, ev, cause, loc);
	call_releasing(call);
}

/* REL before the answer: CANCEL with Reason (RFC 3398 5.8, RFC 3326) */
static void in_isup_released(struct gw_call *call, uint8_t cause)
{
	struct sip_msg_opts o = { 0 };
	call_note_release(call, cause, "isup");
	gw_opts_reason(&o, cause, call_isup_rel_location(call));	/* RFC 8606: the REL's location */
	gw_sip_leg_cancel(call->sip, &o);
	call_releasing(call);
}

void in_idle_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct gw_call *call = fi->priv;

	switch (event) {
	case GW_CALL_EV_ISUP_IAM:
		call->iam = talloc(call, struct isup_msg);
		if (!call->iam) {
			call_release_isup_by(call, Q850_TEMPORARY_FAILURE, "gw");
			break;
		}
		*call->iam = *(const struct isup_msg *)data;
		if (call->iwf->overlap_timeout_s == 0)
			in_invite(call, true);	/* 'overlap off': the IAM's digits as they are */
		else
			in_collect(call);	/* Q.764 2.2 / RFC 3578 */
		break;
	default:
		call_common_event(call, event, data);
		break;
	}
}

/* What Trying, Early and Early_media do alike; the state decides ACM or CPG, CON or ANM and
 * whether a failure gets a tone */
static void in_proceeding_event(struct gw_call *call, uint32_t event, void *data)
{
	switch (event) {
	case GW_CALL_EV_SIP_PROVISIONAL:
		in_provisional(call, data);
		break;
	case GW_CALL_EV_SIP_ANSWERED:
		in_answered(call, data);
		break;
	case GW_CALL_EV_SIP_FAILED:
		in_failed(call, data);
		break;
	case GW_CALL_EV_SIP_TIMEOUT:
		call_sip_released(call, event, data);
		break;
	case GW_CALL_EV_SIP_INFO:
		call_sip_info(call, data);
		break;
	case GW_CALL_EV_ISUP_REL:
		in_isup_released(call, *(uint8_t *)data);
		break;
	case GW_CALL_EV_ISUP_SAM:
		gw_overlap_late_sam(call, data);
		break;
	default:
		/* children gone, release request; mid-call ISUP before the answer: nothing */
		call_common_event(call, event, data);
		break;
	}
}

/* Collecting (Q.764 2.2): SAMs until the number is complete (gw/overlap.c); RFC 3578 3: with an
 * INVITE out, its responses as in Trying, but a 484 waits for more digits */
void in_collecting_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct gw_call *call = fi->priv;

	if (gw_overlap_sip_event(call, event, data))
		return;
	if (event != GW_CALL_EV_ISUP_SAM) {
		in_proceeding_event(call, event, data);	/* REL: CANCEL when an INVITE is out */
		return;
	}
	if (gw_iam_add_sam(call->iam, data) < 0)
		LOGPFSML(fi, LOGL_NOTICE, "SAM without usable digits (or too many): number unchanged\n");
	in_collect(call);
}

/* Trying: INVITE sent; the first 18x gives ACM, a 200 CON */
void in_trying_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	in_proceeding_event(fi->priv, event, data);
}

/* Early: ACM sent; 18x give CPG, the 200 ANM, a failure the E.182 tone when configured */
void in_early_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	in_proceeding_event(fi->priv, event, data);
}

/* Early_media: the SIP side's early media runs toward the caller (in-band, no tone of ours) */
void in_early_media_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	in_proceeding_event(fi->priv, event, data);
}

int in_timer_cb(struct osmo_fsm_inst *fi)
{
	struct gw_call *call = fi->priv;

	switch (fi->state) {
	case GW_CALL_ST_COLLECTING:
		/* T35 / X1 (gw/overlap.c): the number goes out, the RFC 3578 INVITE out is the
		 * call, or the number is incomplete: REL 28 (Q.764 Annex A T35) */
		if (gw_overlap_proceeds(call))
			call_state_chg(call, GW_CALL_ST_TRYING);
		else if (gw_overlap_expired(call))
			in_invite(call, true);
		else
			call_release_isup_by(call, Q850_INVALID_NUMBER_FORMAT, "gw");
		return 0;
	case GW_CALL_ST_TRYING:
		if (call->isup)
			in_early_acm(call);	/* X5 */
		return 0;
	case GW_CALL_ST_TONE_BEFORE_REL:
		call_tone_done(call);	/* X3: the tone has played, the release it announced */
		return 0;
	case GW_CALL_ST_RELEASING:
		return call_releasing_timeout(call);
	}
	return 0;
}

/* The call FSMs: gw_call_in (ISUP -> SIP, RFC 3398 8) and gw_call_out (SIP -> ISUP, RFC 3398 7),
 * their states and masks, what the states of both directions share, alloc / find / names. */
#include <stdio.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/tdef.h>

#include "gw/debug.h"
#include "gw/call_priv.h"
#include "gw/overlap.h"
#include "isup/q850.h"

/* state timeouts: Releasing -> X2 (guard), Tone_before_release -> X3; ingress only: Trying -> X5
 * (early ACM); Collecting's T35 / X1 are set by gw/overlap.c */
static const struct osmo_tdef_state_timeout call_fsm_timeouts[32] = {
	[GW_CALL_ST_RELEASING] = { .T = -2 },
	[GW_CALL_ST_TONE_BEFORE_REL] = { .T = -3 },
};
static const struct osmo_tdef_state_timeout call_in_fsm_timeouts[32] = {
	[GW_CALL_ST_TRYING] = { .T = -5 },
	[GW_CALL_ST_RELEASING] = { .T = -2 },
	[GW_CALL_ST_TONE_BEFORE_REL] = { .T = -3 },
};

struct gw_trunk_iwf *call_trunk_iwf(struct gw_call *call)
{
	return gw_iwf_trunk(call->iwf, call->trunk, true);
}

void call_state_chg(struct gw_call *call, enum gw_call_state st)
{
	struct osmo_tdef *tdefs = call->iwf->tdefs;
	bool in = gw_call_is_ingress(call);
	/* a trunk's 'tones-before-release N' overrides gw X3, its 'early-acm N' gw X5 */
	if (st == GW_CALL_ST_TONE_BEFORE_REL && call_trunk_iwf(call)->tdefs[GW_TRUNK_TDEF_X3].val)
		tdefs = call_trunk_iwf(call)->tdefs;
	if (in && st == GW_CALL_ST_TRYING && call_trunk_iwf(call)->tdefs[GW_TRUNK_TDEF_X5].val)
		tdefs = call_trunk_iwf(call)->tdefs;
	osmo_tdef_fsm_inst_state_chg(call->fi, st, in ? call_in_fsm_timeouts : call_fsm_timeouts, tdefs, 5);
	if ((st == GW_CALL_ST_ANSWERED || st == GW_CALL_ST_TRYING) && call->iwf->ha_call)	/* gw/ha_call.c */
		call->iwf->ha_call(call, st == GW_CALL_ST_TRYING ? GW_HA_EARLY : GW_HA_ANSWERED);
}

void call_note_release_info(struct gw_call *call, uint8_t cause, const char *side)
{
	if (!call->t_release.tv_sec) {
		if (call->iwf->ha_call)
			call->iwf->ha_call(call, GW_HA_GONE);
		gw_call_stamp(&call->t_release);
		call->rel_cause = cause;
		call->rel_side = side;
	}
}

void call_note_release(struct gw_call *call, uint8_t cause, const char *side)
{
	call_media_stop(call);
	call_note_release_info(call, cause, side);
}

void call_release_isup(struct gw_call *call, uint8_t cause, uint8_t location)
{
	gw_isup_leg_release(call->isup, cause, location);
}

void call_release_isup_by(struct gw_call *call, uint8_t cause, const char *side)
{
	call_note_release(call, cause, side);
	call_release_isup(call, cause, ISUP_LOC_PUB_LOCAL);
	call_releasing(call);
}

void call_releasing(struct gw_call *call)
{
	if (call->fi->proc.terminating)
		return;
	if (!call->isup && !call->sip)
		osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_REGULAR, NULL);
	else if (call->fi->state != GW_CALL_ST_RELEASING)
		call_state_chg(call, GW_CALL_ST_RELEASING);
}

void call_release_both(struct gw_call *call, uint8_t cause)
{
	call_note_release(call, cause, "gw");
	call_release_isup(call, cause, ISUP_LOC_PUB_LOCAL);
	call_release_sip(call, cause, 480);
	call_releasing(call);
}

/* The SIP leg is gone (dialog terminated) while the ISUP leg is still up: REL follows, unless
 * a tone announces it (Tone_before_release ends it) */
static void call_sip_leg_gone(struct gw_call *call)
{
	call->sip = NULL;
	if (call->isup && call->fi->state != GW_CALL_ST_TONE_BEFORE_REL && call->fi->state != GW_CALL_ST_RELEASING) {
		uint8_t cause = gw_call_answered(call) ? Q850_NORMAL_CLEARING : Q850_TEMPORARY_FAILURE;
		call_note_release(call, cause, "sip");	/* the CDR says what the REL says */
		call_release_isup(call, cause, ISUP_LOC_PUB_LOCAL);
	}
	if (!call->isup || call->fi->state != GW_CALL_ST_TONE_BEFORE_REL)
		call_releasing(call);
}

void call_common_event(struct gw_call *call, uint32_t event, void *data)
{
	switch (event) {
	case GW_CALL_EV_ISUP_LEG_GONE:
		call->isup = NULL;
		if (call->fi->state == GW_CALL_ST_RELEASING)
			call_releasing(call);
		break;
	case GW_CALL_EV_SIP_LEG_GONE:
		call_sip_leg_gone(call);
		break;
	case GW_CALL_EV_MEDIA_GONE:
		call->mb = NULL;	/* freed for another call on the same circuit ('media pstn-local') */
		break;
	case GW_CALL_EV_RELEASE_REQ:
		call_release_both(call, *(uint8_t *)data);
		break;
	}
}

/* Mid-call ISUP (answered call): SIP-T/SIP-I trunks carry it in INFO (RFC 3372); on plain SIP
 * trunks SUS/RES become a re-INVITE putting the media on hold / resuming it (RFC 3398 9) and
 * the rest is consumed here. */
void call_midcall_to_sip(struct gw_call *call, const struct isup_msg *msg)
{
	struct sip_trunk *trunk = sip_trunk_find(call->iwf->sip, call->trunk);
	if (!call->sip)
		return;
	if (trunk && trunk->cfg.sipt_mode != SIP_SIPT_OFF) {
		struct sip_msg_opts o = { 0 };
		struct gw_isup_blob blob;
		gw_blob_from_msg(&blob, msg);
		gw_opts_isup(&o, &blob);
		gw_sip_leg_info(call->sip, &o);
		return;
	}
	if (msg->type == ISUP_SUS || msg->type == ISUP_RES) {
		struct sip_sdp sdp;
		call_local_sdp(call, &sdp);
		sdp.dir = msg->type == ISUP_SUS ? SIP_SDP_SENDONLY : SIP_SDP_SENDRECV;
		gw_sip_leg_reoffer(call->sip, &sdp);
	}
}

static bool call_in_answered_state(const struct gw_call *call)
{
	return call->fi->state == GW_CALL_ST_WAITING_FOR_ACK || call->fi->state == GW_CALL_ST_ANSWERED ||
	       call->fi->state == GW_CALL_ST_SUSPENDED;
}

/* Q.764 2.9.5.3.1 at the interworking point: an unrecognised ISUP message asking for transit
 * interpretation goes on in a SIP-T/SIP-I INFO (RFC 3372) where the trunk carries ISUP; toward
 * a plain SIP (or untrusted) trunk the gateway is the ISUP end node. */
enum isup_pass_on gw_call_isup_pass_on(struct gw_call *call, const struct isup_msg *msg)
{
	struct sip_trunk *trunk = call->trunk[0] ? sip_trunk_find(call->iwf->sip, call->trunk) : NULL;
	if (!trunk || !sip_trunk_carries_isup(trunk))
		return ISUP_PASS_ON_END_NODE;
	if (!call->sip || !call_in_answered_state(call))
		return ISUP_PASS_ON_NOT_POSSIBLE;	/* mid-call INFO only in a confirmed dialog */
	call_midcall_to_sip(call, msg);
	return ISUP_PASS_ON_DONE;
}

/* Q.764 2.6: SUS / RES of the answered call, from either side */
static void call_suspend(struct gw_call *call, bool suspended)
{
	call_media_suspend(call, suspended);
	if (suspended && call->fi->state != GW_CALL_ST_SUSPENDED)
		call_state_chg(call, GW_CALL_ST_SUSPENDED);
	else if (!suspended && call->fi->state == GW_CALL_ST_SUSPENDED)
		call_state_chg(call, GW_CALL_ST_ANSWERED);
}

void call_sip_info(struct gw_call *call, const struct sip_event *ev)
{
	struct isup_msg enc;
	/* SIP-T mid-call ISUP (RFC 3372): pass the encapsulated message on */
	if (!gw_event_isup(ev, &enc, CALL_VARIANT(call)) || !call->isup || enc.type == ISUP_IAM || enc.type == ISUP_REL)
		return;
	gw_isup_leg_send(call->isup, &enc);
	if (call_in_answered_state(call) && (enc.type == ISUP_SUS || enc.type == ISUP_RES))
		call_suspend(call, enc.type == ISUP_SUS);
}

bool call_uas_early_event(struct gw_call *call, uint32_t event, void *data)
{
	switch (event) {
	case GW_CALL_EV_SIP_CANCEL:
	case GW_CALL_EV_SIP_TIMEOUT:
		call_sip_released(call, event, data);
		return true;
	case GW_CALL_EV_SIP_PRACK:
	case GW_CALL_EV_SIP_ACK:
		call_late_offer_answer(call, data);
		return true;
	default:
		return false;
	}
}

/* The ISUP side released the answered call: BYE with its cause (RFC 3398 7.4 / 8.4) and
 * location (RFC 8606); on SIP-I the REL */
static void call_answered_isup_rel(struct gw_call *call, uint8_t cause)
{
	struct sip_msg_opts o = { 0 };
	struct gw_isup_blob b;
	call_note_release(call, cause, "isup");
	call_release_opts(call, &o, &b, cause, call_isup_rel_location(call));
	gw_sip_leg_bye(call->sip, &o);
	call_releasing(call);
}

static void call_media_timeout(struct gw_call *call, enum media_leg leg)
{
	LOGPFSML(call->fi, LOGL_NOTICE, "no RTP on the %s leg for %u s: releasing with cause %u\n",
		 media_leg_name(leg), call->iwf->media_timeout_s, call->iwf->media_timeout_cause);
	/* released by the gateway on both sides (REL, BYE with Reason), as on a release request */
	call_release_both(call, call->iwf->media_timeout_cause);
}

void call_answered_event(struct gw_call *call, uint32_t event, void *data)
{
	const struct sip_event *ev = data;

	switch (event) {
	case GW_CALL_EV_ISUP_SUS:
	case GW_CALL_EV_ISUP_RES:
		call_midcall_to_sip(call, data);
		call_suspend(call, event == GW_CALL_EV_ISUP_SUS);
		break;
	case GW_CALL_EV_ISUP_MIDCALL:
		call_midcall_to_sip(call, data);
		break;
	case GW_CALL_EV_ISUP_REL:
		call_answered_isup_rel(call, *(uint8_t *)data);
		break;
	case GW_CALL_EV_SIP_BYE:
	case GW_CALL_EV_SIP_CANCEL:
	case GW_CALL_EV_SIP_TIMEOUT:
		call_sip_released(call, event, ev);
		break;
	case GW_CALL_EV_SIP_INFO:
		call_sip_info(call, ev);
		break;
	case GW_CALL_EV_SIP_REINVITE:
		/* the SIP side's media may have moved or changed; no RTP is expected while it is on
		 * hold toward us (RFC 3264 8.4: recvonly/inactive) */
		if (ev->body && ev->body->has_sdp) {
			call_media_sip(call, &ev->body->sdp);
			call_media_suspend(call, ev->body->sdp.dir == SIP_SDP_RECVONLY ||
						 ev->body->sdp.dir == SIP_SDP_INACTIVE);
		}
		break;
	case GW_CALL_EV_SIP_ACK:
	case GW_CALL_EV_SIP_PRACK:
		call_late_offer_answer(call, ev);
		break;
	case GW_CALL_EV_MEDIA_TIMEOUT:
		call_media_timeout(call, *(enum media_leg *)data);
		break;
	case GW_CALL_EV_ISUP_SAM:
		gw_overlap_late_sam(call, data);	/* counted, logged, ignored */
		break;
	case GW_CALL_EV_SIP_OTHER:
		if (call->ha_reinvite)
			call_restore_reinvite_result(call, ev);
		break;
	default:
		/* children gone, release request; backward messages, 18x/200 retransmissions after
		 * the answer: nothing to do */
		call_common_event(call, event, data);
		break;
	}
}

/* Answered: 200 received (ingress, ANM sent) / ACK received (egress) */
static void call_answered_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	call_answered_event(fi->priv, event, data);
}

/* Suspended (Q.764 2.6): as Answered; RES (from either side) goes back to Answered */
static void call_suspended_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	call_answered_event(fi->priv, event, data);
}

void call_tone_done(struct gw_call *call)
{
	call_media_stop(call);
	if (gw_call_is_ingress(call)) {
		call_release_isup_tone(call);
	} else if (call->sip) {
		call->sip_status = call->tone_status;
		out_reject(call, call->tone_status, call->tone_cause, call->tone_loc);
	}
	call_releasing(call);
}

/* Tone_before_release: ingress, the tone plays toward the PSTN caller after the SIP side failed
 * (REL follows); egress, toward the SIP caller in a 183 after REL (the final response follows) */
static void call_tone_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct gw_call *call = fi->priv;
	struct sip_msg_opts o = { 0 };

	switch (event) {
	case GW_CALL_EV_ISUP_REL:
		/* the caller left during the tone */
		call_note_release(call, *(uint8_t *)data, "isup");
		gw_opts_reason(&o, *(uint8_t *)data, call_isup_rel_location(call));
		gw_sip_leg_cancel(call->sip, &o);
		call_releasing(call);
		break;
	default:
		if (!call_uas_early_event(call, event, data))
			call_common_event(call, event, data);
		break;
	}
}

/* Releasing: the children end; a 200 crossing our CANCEL ends with BYE (RFC 3261 9.1) */
static void call_releasing_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct gw_call *call = fi->priv;
	struct sip_msg_opts o = { 0 };

	switch (event) {
	case GW_CALL_EV_SIP_FAILED:
		/* the final response to our CANCEL (487) or one crossing it: the CDR's SIP status */
		call->sip_status = ((const struct sip_event *)data)->code;
		break;
	case GW_CALL_EV_SIP_ANSWERED:
		if (!gw_call_is_ingress(call) || call->isup)
			break;
		gw_opts_reason(&o, call->rel_cause ? call->rel_cause : Q850_NORMAL_CLEARING, ISUP_LOC_PUB_LOCAL);
		gw_sip_leg_bye(call->sip, &o);
		break;
	default:
		/* children gone, release request; whatever a leg still reports while it ends */
		call_common_event(call, event, data);
		break;
	}
}

/* Releasing, X2: the release guard */
int call_releasing_timeout(struct gw_call *call)
{
	if (call->isup || call->sip)
		LOGPFSML(call->fi, LOGL_ERROR, "release guard timer expired: dropping the call\n");
	return 1;	/* terminate: the children go with the call */
}

/* Before the children end: the CDR and the counters still read the media bridge */
static void call_fsm_pre_term(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	struct gw_call *call = fi->priv;
	LOGPFSML(fi, LOGL_INFO, "call ended: cause %u (%s side), SIP status %d\n", call->rel_cause,
		 call->rel_side ? call->rel_side : "-", call->sip_status);
	gw_cdr_write(&call->iwf->cdr, call);
	gw_call_media_ctrs(call);
}

static void call_fsm_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	struct gw_call *call = fi->priv;
	if (!gw_call_answered(call))
		gw_call_ctr_inc(call, GW_CTR_CALLS_FAILED);
	if (call->iwf->ha_call)
		call->iwf->ha_call(call, GW_HA_GONE);
	llist_del(&call->list);
	hash_del(&call->hnode);
	call->iwf->num_calls--;
}

/* ---- the two FSM definitions ---------------------------------------------------------------- */

#define ISUP_IGNORED (S(GW_CALL_EV_ISUP_SAM) | S(GW_CALL_EV_ISUP_SUS) | S(GW_CALL_EV_ISUP_RES) | \
		      S(GW_CALL_EV_ISUP_MIDCALL))
#define CALL_ALL_EVENTS 0xffffffff
#define TONE_EVENTS (CALL_COMMON_EVENTS | ISUP_IGNORED | S(GW_CALL_EV_ISUP_REL) | S(GW_CALL_EV_SIP_CANCEL) | \
		     S(GW_CALL_EV_SIP_TIMEOUT) | S(GW_CALL_EV_SIP_PRACK) | S(GW_CALL_EV_SIP_ACK) | \
		     S(GW_CALL_EV_SIP_PROVISIONAL) | S(GW_CALL_EV_SIP_ANSWERED) | S(GW_CALL_EV_SIP_FAILED) | \
		     S(GW_CALL_EV_SIP_INFO) | S(GW_CALL_EV_SIP_OTHER) | S(GW_CALL_EV_ISUP_ACM) | \
		     S(GW_CALL_EV_ISUP_CPG) | S(GW_CALL_EV_ISUP_ANM))
#define ANSWERED_OUT (S(GW_CALL_ST_ANSWERED) | S(GW_CALL_ST_SUSPENDED) | S(GW_CALL_ST_RELEASING))
#define FAILED_OUT (S(GW_CALL_ST_TONE_BEFORE_REL) | S(GW_CALL_ST_RELEASING))

/* The states both directions share: the answered call, the tone before a release, the end */
#define CALL_SHARED_STATES \
	[GW_CALL_ST_ANSWERED] = { \
		.name = "Answered", .action = call_answered_action, \
		.in_event_mask = CALL_ANSWERED_EVENTS, .out_state_mask = ANSWERED_OUT, \
	}, \
	[GW_CALL_ST_SUSPENDED] = { \
		.name = "Suspended", .action = call_suspended_action, \
		.in_event_mask = CALL_ANSWERED_EVENTS, .out_state_mask = ANSWERED_OUT, \
	}, \
	[GW_CALL_ST_TONE_BEFORE_REL] = { \
		.name = "Tone_before_release", .action = call_tone_action, \
		.in_event_mask = TONE_EVENTS, .out_state_mask = S(GW_CALL_ST_RELEASING), \
	}, \
	[GW_CALL_ST_RELEASING] = { \
		.name = "Releasing", .action = call_releasing_action, \
		.in_event_mask = CALL_ALL_EVENTS, \
	},

/* ingress: Trying / Early / Early_media get the SIP UAC's responses */
#define IN_PROCEEDING_EVENTS (CALL_COMMON_EVENTS | ISUP_IGNORED | S(GW_CALL_EV_ISUP_REL) | \
	S(GW_CALL_EV_SIP_PROVISIONAL) | S(GW_CALL_EV_SIP_ANSWERED) | S(GW_CALL_EV_SIP_FAILED) | \
	S(GW_CALL_EV_SIP_TIMEOUT) | S(GW_CALL_EV_SIP_INFO) | S(GW_CALL_EV_SIP_OTHER) | \
	S(GW_CALL_EV_ISUP_ACM) | S(GW_CALL_EV_ISUP_CPG) | S(GW_CALL_EV_ISUP_ANM))
#define IN_PROCEEDING_OUT (S(GW_CALL_ST_EARLY) | S(GW_CALL_ST_EARLY_MEDIA) | S(GW_CALL_ST_ANSWERED) | FAILED_OUT)

static const struct osmo_fsm_state call_in_states[] = {
	[GW_CALL_ST_IDLE] = {
		.name = "Idle", .action = in_idle_action,
		.in_event_mask = CALL_COMMON_EVENTS | S(GW_CALL_EV_ISUP_IAM),
		.out_state_mask = S(GW_CALL_ST_COLLECTING) | S(GW_CALL_ST_TRYING) | S(GW_CALL_ST_RELEASING) |
				  S(GW_CALL_ST_ANSWERED),	/* restored (gw/call_restore.c) */
	},
	[GW_CALL_ST_COLLECTING] = {
		/* RFC 3578 3: the INVITEs with more digits get their responses here */
		.name = "Collecting", .action = in_collecting_action,
		.in_event_mask = IN_PROCEEDING_EVENTS,
		.out_state_mask = S(GW_CALL_ST_COLLECTING) | S(GW_CALL_ST_TRYING) | IN_PROCEEDING_OUT,
	},
	[GW_CALL_ST_TRYING] = {
		.name = "Trying", .action = in_trying_action,
		.in_event_mask = IN_PROCEEDING_EVENTS, .out_state_mask = IN_PROCEEDING_OUT,
	},
	[GW_CALL_ST_EARLY] = {
		.name = "Early", .action = in_early_action,
		.in_event_mask = IN_PROCEEDING_EVENTS, .out_state_mask = IN_PROCEEDING_OUT,
	},
	[GW_CALL_ST_EARLY_MEDIA] = {
		.name = "Early_media", .action = in_early_media_action,
		.in_event_mask = IN_PROCEEDING_EVENTS, .out_state_mask = IN_PROCEEDING_OUT,
	},
	[GW_CALL_ST_WAITING_FOR_ACK] = {
		/* not on ingress: the gateway is the UAC */
		.name = "Waiting_for_ACK",
	},
	CALL_SHARED_STATES
};

/* egress: Trying / Early / Early_media get the ISUP backward messages */
#define OUT_PROCEEDING_EVENTS (CALL_COMMON_EVENTS | ISUP_IGNORED | S(GW_CALL_EV_ISUP_REL) | \
	S(GW_CALL_EV_ISUP_ACM) | S(GW_CALL_EV_ISUP_CPG) | S(GW_CALL_EV_ISUP_ANM) | S(GW_CALL_EV_SIP_CANCEL) | \
	S(GW_CALL_EV_SIP_TIMEOUT) | S(GW_CALL_EV_SIP_PRACK) | S(GW_CALL_EV_SIP_INFO) | S(GW_CALL_EV_SIP_OTHER) | \
	S(GW_CALL_EV_SIP_ACK))
#define OUT_PROCEEDING_OUT (S(GW_CALL_ST_EARLY) | S(GW_CALL_ST_EARLY_MEDIA) | S(GW_CALL_ST_WAITING_FOR_ACK) | \
			    FAILED_OUT)

static const struct osmo_fsm_state call_out_states[] = {
	[GW_CALL_ST_IDLE] = {
		.name = "Idle", .action = out_idle_action,
		.in_event_mask = CALL_COMMON_EVENTS | S(GW_CALL_EV_SIP_INVITE),
		.out_state_mask = S(GW_CALL_ST_TRYING) | S(GW_CALL_ST_RELEASING) |
				  S(GW_CALL_ST_ANSWERED),	/* restored (gw/call_restore.c) */
	},
	[GW_CALL_ST_COLLECTING] = {
		/* not on egress: the INVITE is en bloc */
		.name = "Collecting",
	},
	[GW_CALL_ST_TRYING] = {
		.name = "Trying", .action = out_trying_action,
		.in_event_mask = OUT_PROCEEDING_EVENTS, .out_state_mask = OUT_PROCEEDING_OUT,
	},
	[GW_CALL_ST_EARLY] = {
		.name = "Early", .action = out_early_action,
		.in_event_mask = OUT_PROCEEDING_EVENTS, .out_state_mask = OUT_PROCEEDING_OUT,
	},
	[GW_CALL_ST_EARLY_MEDIA] = {
		.name = "Early_media", .action = out_early_media_action,
		.in_event_mask = OUT_PROCEEDING_EVENTS, .out_state_mask = OUT_PROCEEDING_OUT,
	},
	[GW_CALL_ST_WAITING_FOR_ACK] = {
		.name = "Waiting_for_ACK", .action = out_waiting_for_ack_action,
		.in_event_mask = CALL_ANSWERED_EVENTS, .out_state_mask = ANSWERED_OUT,
	},
	CALL_SHARED_STATES
};

static const struct value_string call_event_names[] = {
	{ GW_CALL_EV_ISUP_IAM, "ISUP_IAM" },
	{ GW_CALL_EV_ISUP_SAM, "ISUP_SAM" },
	{ GW_CALL_EV_ISUP_ACM, "ISUP_ACM" },
	{ GW_CALL_EV_ISUP_CPG, "ISUP_CPG" },
	{ GW_CALL_EV_ISUP_ANM, "ISUP_ANM" },
	{ GW_CALL_EV_ISUP_SUS, "ISUP_SUS" },
	{ GW_CALL_EV_ISUP_RES, "ISUP_RES" },
	{ GW_CALL_EV_ISUP_MIDCALL, "ISUP_MIDCALL" },
	{ GW_CALL_EV_ISUP_REL, "ISUP_REL" },
	{ GW_CALL_EV_SIP_INVITE, "SIP_INVITE" },
	{ GW_CALL_EV_SIP_PROVISIONAL, "SIP_PROVISIONAL" },
	{ GW_CALL_EV_SIP_ANSWERED, "SIP_ANSWERED" },
	{ GW_CALL_EV_SIP_FAILED, "SIP_FAILED" },
	{ GW_CALL_EV_SIP_ACK, "SIP_ACK" },
	{ GW_CALL_EV_SIP_PRACK, "SIP_PRACK" },
	{ GW_CALL_EV_SIP_CANCEL, "SIP_CANCEL" },
	{ GW_CALL_EV_SIP_BYE, "SIP_BYE" },
	{ GW_CALL_EV_SIP_INFO, "SIP_INFO" },
	{ GW_CALL_EV_SIP_REINVITE, "SIP_REINVITE" },
	{ GW_CALL_EV_SIP_TIMEOUT, "SIP_TIMEOUT" },
	{ GW_CALL_EV_SIP_OTHER, "SIP_OTHER" },
	{ GW_CALL_EV_RELEASE_REQ, "RELEASE_REQ" },
	{ GW_CALL_EV_MEDIA_TIMEOUT, "MEDIA_TIMEOUT" },
	{ GW_CALL_EV_ISUP_LEG_GONE, "ISUP_LEG_GONE" },
	{ GW_CALL_EV_SIP_LEG_GONE, "SIP_LEG_GONE" },
	{ GW_CALL_EV_MEDIA_GONE, "MEDIA_GONE" },
	{ 0, NULL }
};

struct osmo_fsm gw_call_in_fsm = {
	.name = "gw_call_in",
	.states = call_in_states,
	.num_states = ARRAY_SIZE(call_in_states),
	.event_names = call_event_names,
	.timer_cb = in_timer_cb,
	.pre_term = call_fsm_pre_term,
	.cleanup = call_fsm_cleanup,
	.log_subsys = DGW,
};

struct osmo_fsm gw_call_out_fsm = {
	.name = "gw_call_out",
	.states = call_out_states,
	.num_states = ARRAY_SIZE(call_out_states),
	.event_names = call_event_names,
	.timer_cb = out_timer_cb,
	.pre_term = call_fsm_pre_term,
	.cleanup = call_fsm_cleanup,
	.log_subsys = DGW,
};

static __attribute__((constructor)) void gw_call_fsm_register(void)
{
	OSMO_ASSERT(osmo_fsm_register(&gw_call_in_fsm) == 0);
	OSMO_ASSERT(osmo_fsm_register(&gw_call_out_fsm) == 0);
}

struct gw_call *call_alloc_id(struct gw_iwf *iwf, struct osmo_fsm *fsm, uint32_t cid)
{
	struct osmo_fsm_inst *fi;
	struct gw_call *call;
	char id[32];

	if (!cid)
		cid = ++iwf->next_call_id;
	else if (cid > iwf->next_call_id)
		iwf->next_call_id = cid;	/* a restored call's id (gw/call_restore.c) */

	snprintf(id, sizeof(id), "call%u", cid);
	/* the call belongs to its FSM instance: both are freed when the FSM terminates */
	fi = osmo_fsm_inst_alloc(fsm, iwf, NULL, LOGL_DEBUG, id);
	if (!fi)
		return NULL;
	call = talloc_zero(fi, struct gw_call);
	fi->priv = call;
	call->fi = fi;
	call->iwf = iwf;
	call->id = cid;
	gw_call_stamp(&call->t_setup);
	llist_add_tail(&call->list, &iwf->calls);
	hash_add(iwf->calls_by_id, &call->hnode, cid);
	iwf->num_calls++;
	rate_ctr_inc(rate_ctr_group_get_ctr(iwf->ctrs, fsm == &gw_call_in_fsm ? GW_CTR_CALLS_IN : GW_CTR_CALLS_OUT));
	return call;
}

static struct gw_call *call_alloc(struct gw_iwf *iwf, struct osmo_fsm *fsm)
{
	return call_alloc_id(iwf, fsm, 0);
}

struct gw_call *gw_call_in_alloc(struct gw_iwf *iwf, struct isup_call *ic, const struct isup_msg *iam)
{
	struct gw_call *call = call_alloc(iwf, &gw_call_in_fsm);
	if (!call)
		return NULL;
	snprintf(call->group, sizeof(call->group), "%s", isup_call_group(ic));
	gw_isup_leg_alloc(call, ic);
	osmo_fsm_inst_dispatch(call->fi, GW_CALL_EV_ISUP_IAM, (void *)iam);
	return call;
}

struct gw_call *gw_call_out_alloc(struct gw_iwf *iwf, struct sip_dialog *dlg, const struct sip_event *ev)
{
	struct gw_call *call = call_alloc(iwf, &gw_call_out_fsm);
	if (!call)
		return NULL;
	snprintf(call->trunk, sizeof(call->trunk), "%s", sip_dialog_trunk(dlg)->name);
	rate_ctr_inc(rate_ctr_group_get_ctr(call_trunk_iwf(call)->ctrs, GW_CTR_CALLS_OUT));
	snprintf(call->call_id, sizeof(call->call_id), "%s", sip_dialog_call_id(dlg));
	gw_sip_leg_alloc(call, dlg, ev);
	osmo_fsm_inst_dispatch(call->fi, GW_CALL_EV_SIP_INVITE, (void *)ev);
	return call;
}

void gw_call_shutdown(struct gw_call *call, uint8_t cause)
{
	if (call->fi->proc.terminating)
		return;		/* ending already */
	call_note_release(call, cause, "gw");
	call_release_isup(call, cause, ISUP_LOC_PUB_LOCAL);
	if (call->sip) {
		/* RFC 3398 7.2.4.1: cause 41 -> 503 (with Reason, RFC 3326) */
		if (!gw_call_is_ingress(call) && !gw_call_answered(call))
			call->sip_status = 503;
		call_release_sip(call, cause, 503);
	}
	call_releasing(call);
}

struct gw_call *gw_call_find(struct gw_iwf *iwf, uint32_t id)
{
	struct gw_call *call;
	hash_for_each_possible(iwf->calls_by_id, call, hnode, id)
		if (call->id == id)
			return call;
	return NULL;
}

bool gw_call_answered(const struct gw_call *call)
{
	return call->t_answer.tv_sec != 0;
}

bool gw_call_acm(const struct gw_call *call)
{
	return call->t_acm.tv_sec || call->t_answer.tv_sec || call->fi->state == GW_CALL_ST_EARLY ||
	       call->fi->state == GW_CALL_ST_EARLY_MEDIA;
}

/* `show calls` keeps the RFC 3398 7.2 names it has always shown: Early and Early_media are
 * Alerting once a 180 / alerting CPG went through, else Not_alerting; Answered and Suspended
 * are Connected */
const char *gw_call_state_name(const struct gw_call *call)
{
	switch (call->fi->state) {
	case GW_CALL_ST_EARLY:
	case GW_CALL_ST_EARLY_MEDIA:
		return call->t_alert.tv_sec ? "Alerting" : "Not_alerting";
	case GW_CALL_ST_ANSWERED:
	case GW_CALL_ST_SUSPENDED:
		return "Connected";
	default:
		return osmo_fsm_inst_state_name(call->fi);
	}
}

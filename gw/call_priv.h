/* Inside the call FSMs: what gw/call_fsm.c, call_ingress.c, call_egress.c and call_media.c
 * share. Not for the rest of gw/. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <osmocom/core/fsm.h>

#include "gw/call.h"
#include "gw/iwf.h"
#include "isup/isup_call.h"
#include "gw/isup_leg.h"
#include "gw/sip_leg.h"
#include "gw/sip_map.h"
#include "media/media.h"
#include "tones/tones.h"

#define S(x) (1 << (x))
#define CALL_VARIANT(call) isup_node_variant((call)->iwf->isup)

/* ---- call_fsm.c ---- */
/* A new call in Idle; id 0: the next free one */
struct gw_call *call_alloc_id(struct gw_iwf *iwf, struct osmo_fsm *fsm, uint32_t id);
/* State change with the state's gw timer (X1 Collecting, X2 Releasing) */
void call_state_chg(struct gw_call *call, enum gw_call_state st);
struct gw_trunk_iwf *call_trunk_iwf(struct gw_call *call);
/* Release bookkeeping (CDR): the first release's time, cause and side */
void call_note_release_info(struct gw_call *call, uint8_t cause, const char *side);
/* Same, and the media stop: nothing flows once either side releases */
void call_note_release(struct gw_call *call, uint8_t cause, const char *side);
void call_release_isup(struct gw_call *call, uint8_t cause, uint8_t location);
/* SIP-I (Q.1912.5): the REL a BYE / final response carries goes to the PSTN as it is (cause,
 * location, diagnostics, passed-on parameters); otherwise REL with cause and location */
void call_release_isup_ev(struct gw_call *call, const struct sip_event *ev, uint8_t cause, uint8_t location);
/* Ingress tone before release (SIP-I): keep the REL of the final response ev, which goes to the
 * PSTN after the tone (call_release_isup_tone; without one REL with tone_cause / tone_loc) */
void call_keep_tone_rel(struct gw_call *call, const struct sip_event *ev);
void call_release_isup_tone(struct gw_call *call);
/* The location of the cause in the REL received from the PSTN; LN without one */
uint8_t call_isup_rel_location(struct gw_call *call);
/* Options of a BYE / final response releasing the call: Reason with cause and location (RFC
 * 3326 / RFC 8606) and on SIP-I trunks the REL (Q.1912.5): the PSTN's, or the gateway's own */
void call_release_opts(struct gw_call *call, struct sip_msg_opts *o, struct gw_isup_blob *b, uint8_t cause,
		       uint8_t location);
/* A release of the gateway's own toward SIP (release request, media timeout, shutdown): CANCEL,
 * BYE or 'uas_status' with Reason cause / LN and on SIP-I the REL (the PSTN's, or the gateway's) */
void call_release_sip(struct gw_call *call, uint8_t cause, int uas_status);
/* Note the release by 'side' and REL the ISUP leg, then Releasing */
void call_release_isup_by(struct gw_call *call, uint8_t cause, const char *side);
/* Releasing (waiting for the children), or the end when none is left; last thing of an action */
void call_releasing(struct gw_call *call);
/* The release the gateway decides (operator, media timeout, shutdown): both legs */
void call_release_both(struct gw_call *call, uint8_t cause);
/* Events every state of both directions takes the same way: children gone, release request;
 * any other event is ignored */
void call_common_event(struct gw_call *call, uint32_t event, void *data);
/* Mid-call ISUP toward SIP (answered call): INFO (SIP-T) or SUS/RES as re-INVITE (RFC 3398 9) */
void call_midcall_to_sip(struct gw_call *call, const struct isup_msg *msg);
/* SIP INFO (RFC 3372): the encapsulated mid-call ISUP message to the ISUP leg */
void call_sip_info(struct gw_call *call, const struct sip_event *ev);
/* BYE / CANCEL / SIP timeout: the ISUP side released with the mapped cause */
void call_sip_released(struct gw_call *call, uint32_t event, const struct sip_event *ev);
/* The UAS before its final response (egress early states, Tone_before_release): CANCEL and
 * SIP timeouts release, PRACK / ACK may carry the late offer's answer; false: not one of those */
bool call_uas_early_event(struct gw_call *call, uint32_t event, void *data);
/* The answered call's shared action (Waiting_for_ACK, Answered) */
void call_answered_event(struct gw_call *call, uint32_t event, void *data);
/* Tone_before_release of either direction: the release announced by the tone */
void call_tone_done(struct gw_call *call);
/* Releasing, X2 expired: the call ends (returns 1 for the timer_cb) */
int call_releasing_timeout(struct gw_call *call);

#define CALL_COMMON_EVENTS (S(GW_CALL_EV_ISUP_LEG_GONE) | S(GW_CALL_EV_SIP_LEG_GONE) | S(GW_CALL_EV_MEDIA_GONE) | \
			    S(GW_CALL_EV_RELEASE_REQ))
/* what an answered call handles, in both directions */
#define CALL_ANSWERED_EVENTS (CALL_COMMON_EVENTS | S(GW_CALL_EV_ISUP_SUS) | S(GW_CALL_EV_ISUP_RES) | \
	S(GW_CALL_EV_ISUP_MIDCALL) | S(GW_CALL_EV_ISUP_REL) | S(GW_CALL_EV_SIP_BYE) | S(GW_CALL_EV_SIP_INFO) | \
	S(GW_CALL_EV_SIP_REINVITE) | S(GW_CALL_EV_SIP_TIMEOUT) | S(GW_CALL_EV_SIP_OTHER) | \
	S(GW_CALL_EV_MEDIA_TIMEOUT) | S(GW_CALL_EV_SIP_ANSWERED) | S(GW_CALL_EV_SIP_PROVISIONAL) | \
	S(GW_CALL_EV_ISUP_ACM) | S(GW_CALL_EV_ISUP_CPG) | S(GW_CALL_EV_ISUP_ANM) | S(GW_CALL_EV_ISUP_SAM) | \
	S(GW_CALL_EV_SIP_ACK) | S(GW_CALL_EV_SIP_PRACK) | S(GW_CALL_EV_SIP_CANCEL))

/* ---- call_ingress.c / call_egress.c: the state actions of each direction ---- */
void in_idle_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void in_collecting_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void in_trying_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void in_early_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void in_early_media_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
int in_timer_cb(struct osmo_fsm_inst *fi);
void out_idle_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void out_trying_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void out_early_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void out_early_media_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void out_waiting_for_ack_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
int out_timer_cb(struct osmo_fsm_inst *fi);
/* egress, late offer: the answer to our offer in PRACK / ACK (RFC 3261 13.2.1, RFC 3262 5) */
void call_late_offer_answer(struct gw_call *call, const struct sip_event *ev);
/* egress: the final response for the INVITE with Reason (RFC 3326 / RFC 6432) */
void out_reject(struct gw_call *call, int status, uint8_t cause, uint8_t location);

/* ---- call_bearer.c: 64 kbit/s unrestricted <-> clearmode (Q.763 3.54/3.57, RFC 4040) ---- */
/* ingress: the IAM's bearer on this trunk; false when the call was released (REL 65) */
bool call_bearer_admit_in(struct gw_call *call, struct sip_trunk *trunk);
/* egress: USI of a clearmode call into the IAM */
void call_bearer_egress_iam(struct gw_call *call, struct isup_msg *iam);
uint8_t call_bearer_clearmode_pt(struct gw_call *call);
/* a clearmode call's local SDP: CLEARMODE only */
void call_bearer_local_sdp(struct gw_call *call, struct sip_sdp *sdp);
/* ingress: the INVITE to the call's target (sip_id.ruri_user) on trunk; also a 3xx recursion's;
 * same: the dialog identifiers of the earlier INVITE (RFC 3578 3), NULL for a new dialog */
bool in_send_invite(struct gw_call *call, struct sip_trunk *trunk, const struct sip_uac_ident *same);

/* ---- call_redir.c: redirection (gw/redir_map.h) ---- */
/* ingress: History-Info / Diversion per the trunk's 'redirection' into o (buf holds the value);
 * a recursion's called number and redirection into iam (the SIP-T body) */
void call_redir_invite_opts(struct gw_call *call, struct sip_trunk *trunk, struct sip_msg_opts *o,
			    struct isup_msg *iam, char *buf, size_t size);
/* egress: the INVITE's History-Info / Diversion into the IAM */
void call_redir_to_iam(struct gw_call *call, const struct sip_event *ev, struct isup_msg *iam);
/* ingress 3xx: recursed or REL cause 23 sent (true), or not a 3xx (false) */
bool call_redir_3xx(struct gw_call *call, const struct sip_event *ev, uint8_t location);
/* egress REL cause 23 with a Redirection Number: 302 with it as Contact sent, Releasing (true) */
bool call_redir_rel_3xx(struct gw_call *call, uint8_t cause, uint8_t location);

/* ---- call_restore.c ---- */
/* the answer to a restored call's re-INVITE (GW_CALL_EV_SIP_OTHER while ha_reinvite) */
void call_restore_reinvite_result(struct gw_call *call, const struct sip_event *ev);

/* ---- call_media.c ---- */
void call_media_alloc(struct gw_call *call, enum media_leg calling);
void call_media_sip(struct gw_call *call, const struct sip_sdp *sdp);
void call_media_dir(struct gw_call *call, enum media_dir dir);
void call_media_suspend(struct gw_call *call, bool suspended);
void call_media_stop(struct gw_call *call);
void call_local_sdp(struct gw_call *call, struct sip_sdp *sdp);
/* E.182 tone toward 'toward' for 'tone', then Tone_before_release (gw X3 / the trunk's duration) */
void call_tone_before_release(struct gw_call *call, enum media_leg toward, enum tone_id tone);
/* The E.180 ringing tone toward the PSTN (ingress 180 without SDP) / the SIP caller (egress) */
void call_play_ringing(struct gw_call *call, enum media_leg toward);
/* E.182 tone before the release configured for the call's trunk (false: off) */
bool call_tones_before_release(struct gw_call *call);

/* How a call is released toward the PSTN from the SIP side's events (RFC 3398 7.4 / 8.4, RFC 8606
 * locations), and what a release puts into the SIP request or response (SIP-I: the REL). */
#include <stdio.h>
#include <string.h>
#include <osmocom/core/utils.h>
#include "gw/debug.h"
#include "gw/call_priv.h"
#include "isup/q850.h"

/* The call's trunk is SIP-I (Q.1912.5): releases carry the REL */
static bool call_trunk_sipi(struct gw_call *call)
{
	struct sip_trunk *trunk = sip_trunk_find(call->iwf->sip, call->trunk);
	return trunk && trunk->cfg.sipt_mode == SIP_SIPT_SIPI;
}

/* Q.850 2.2.5 / Q.1912.5: a cause the SIP side gave without a location (no Reason location=, no
 * encapsulated REL) is from beyond the interworking point: BI; the Reason's location= otherwise */
static uint8_t sip_cause_location(const struct sip_event *ev)
{
	int loc = ev->q850_location[0] ? gw_location_from_token(ev->q850_location) : -1;
	return loc >= 0 ? loc : ISUP_LOC_BEYOND_IWP;
}

void call_release_isup_ev(struct gw_call *call, const struct sip_event *ev, uint8_t cause, uint8_t location)
{
	struct isup_msg rel;
	if (call_trunk_sipi(call) && gw_event_isup(ev, &rel, CALL_VARIANT(call)) &&
	    rel.type == ISUP_REL) {
		gw_isup_leg_release_msg(call->isup, &rel);
		return;
	}
	call_release_isup(call, cause, location);
}

void call_sip_released(struct gw_call *call, uint32_t event, const struct sip_event *ev)
{
	struct gw_trunk_iwf *t = call_trunk_iwf(call);
	uint8_t cause, loc;

	switch (event) {
	case GW_CALL_EV_SIP_BYE:
		cause = gw_bye_cause(t->profile, ev->q850_cause);
		if (!ev->q850_cause)
			gw_event_rel_cause(ev, CALL_VARIANT(call), &cause);
		break;
	case GW_CALL_EV_SIP_CANCEL:
		cause = gw_cancel_cause(t->profile, ev->q850_cause);
		break;
	default:
		/* Timer B / PRACK / ACK timeouts, session expiry (RFC 4028 10, the UA's BYE sent): recovery
		 * on timer expiry (RFC 3398 408/504 -> 102) */
		cause = Q850_RECOVERY_ON_TIMER_EXPIRY;
		if (ev->type == SIP_EV_TIMEOUT && ev->timeout == SIP_TO_PRACK)
			call->sip_status = 504;	/* the UA's final answer to the INVITE (CDR) */
		break;
	}
	if (event != GW_CALL_EV_SIP_BYE && event != GW_CALL_EV_SIP_CANCEL) {
		call_release_isup_by(call, cause, "sip");	/* timeouts: the gateway's own, LN */
		return;
	}
	/* the location the SIP side gave (RFC 8606), else BI */
	loc = sip_cause_location(ev);
	call_note_release(call, cause, "sip");
	call_release_isup_ev(call, ev, cause, loc);
	call_releasing(call);
}

void call_keep_tone_rel(struct gw_call *call, const struct sip_event *ev)
{
	struct isup_msg rel;
	call->tone_rel_len = 0;
	if (call_trunk_sipi(call) && gw_event_isup(ev, &rel, CALL_VARIANT(call)) && rel.type == ISUP_REL)
		call->tone_rel_len = isup_encode_body(&rel, call->tone_rel, sizeof(call->tone_rel));
}

void call_release_isup_tone(struct gw_call *call)
{
	struct isup_msg rel;
	if (call->tone_rel_len > 0 &&
	    isup_decode_body(&rel, CALL_VARIANT(call), call->tone_rel, call->tone_rel_len, NULL) == ISUP_OK) {
		gw_isup_leg_release_msg(call->isup, &rel);
		return;
	}
	call_release_isup(call, call->tone_cause, call->tone_loc);
}

uint8_t call_isup_rel_location(struct gw_call *call)
{
	uint8_t loc = ISUP_LOC_PUB_LOCAL;
	if (call->isup_rel)
		gw_msg_cause(call->isup_rel, NULL, &loc);
	return loc;
}

void call_release_sip(struct gw_call *call, uint8_t cause, int uas_status)
{
	struct sip_msg_opts o = { 0 };
	struct gw_isup_blob b;
	if (!call->sip)
		return;
	call_release_opts(call, &o, &b, cause, ISUP_LOC_PUB_LOCAL);
	gw_sip_leg_release(call->sip, &o, uas_status);
}

void call_release_opts(struct gw_call *call, struct sip_msg_opts *o, struct gw_isup_blob *b, uint8_t cause,
		       uint8_t location)
{
	if (call_trunk_sipi(call))
		gw_opts_release(o, b, call->isup_rel, CALL_VARIANT(call), cause,
				location);
	else
		gw_opts_reason(o, cause, location);
}

/* Takeover of an active/standby pair (issue 19 point 4, README "Several nodes"): an answered
 * call of the node that died, rebuilt from its record (gw/ha_store.h) in the Answered state of
 * its FSM: the ISUP leg on the record's circuit (isup_call_restore), the SIP dialog from the
 * snapshot (sip_dialog_restore), a new media bridge (the PSTN side on the same local port when
 * the group has 'media pstn-local', the SIP side from this node's pool); later (once the ISUP
 * messages held meanwhile are handled) a target refresh re-INVITE (RFC 3261 12.2.1.1 / 14.1)
 * carrying this node's Contact and media. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <osmocom/core/logging.h>

#include "gw/debug.h"
#include "gw/call_priv.h"
#include "gw/ha_store.h"
#include "gw/ha_takeover.h"
#include "isup/isup_takeover.h"
#include "sip/sip_snapshot.h"

/* the SIP side's media of the record: "IP:PORT", codec and payload type */
static bool rec_sip_sdp(const struct ha_call_rec *rec, struct sip_sdp *sdp)
{
	const char *colon = strrchr(rec->sip_media, ':');
	int codec = get_string_value(ha_codec_names, rec->codec);
	memset(sdp, 0, sizeof(*sdp));
	if (!colon || codec < 0 || rec->pt < 0 || rec->pt > 127)
		return false;
	snprintf(sdp->addr, sizeof(sdp->addr), "%.*s", (int)(colon - rec->sip_media), rec->sip_media);
	sdp->port = atoi(colon + 1);
	sdp->codecs[0] = (struct sip_sdp_codec){ .codec = codec, .pt = rec->pt, .rate = 8000 };
	sdp->num_codecs = 1;
	sdp->dir = SIP_SDP_SENDRECV;
	return sdp->port > 0;
}

/* the record's answer time is the call's: CDR and 'show calls' */
static void restore_times(struct gw_call *call, const struct ha_call_rec *rec)
{
	call->t_setup.tv_sec = call->t_acm.tv_sec = call->t_answer.tv_sec = rec->answered;
	call->t_setup.tv_nsec = call->t_acm.tv_nsec = call->t_answer.tv_nsec = 0;
}

static bool restore_legs(struct gw_call *call, const struct ha_call_rec *rec)
{
	struct gw_iwf *iwf = call->iwf;
	void *ref = (void *)(uintptr_t)call->id;
	struct isup_call *ic;
	struct sip_dialog *dlg;

	ic = isup_call_restore(iwf->isup, rec->group, rec->cic, rec->dpc, rec->ingress, ref);
	if (!ic) {
		LOGPFSML(call->fi, LOGL_ERROR, "takeover: circuit %s/%u (DPC %u) cannot take the call\n", rec->group,
			 rec->cic, rec->dpc);
		return false;
	}
	gw_isup_leg_restore(call, ic);
	dlg = sip_dialog_restore(iwf->sip, &rec->dlg, ref);
	if (!dlg) {
		LOGPFSML(call->fi, LOGL_ERROR, "takeover: dialog %s on trunk %s not restored\n", rec->dlg.call_id,
			 rec->dlg.trunk);
		return false;
	}
	gw_sip_leg_restore(call, dlg);
	return true;
}

/* a new bridge toward the record's endpoints; both ways at once (the call is answered) */
static void restore_media(struct gw_call *call, const struct ha_call_rec *rec)
{
	struct sip_sdp sdp;
	call_media_alloc(call, rec->ingress ? MEDIA_LEG_PSTN : MEDIA_LEG_SIP);
	if (rec_sip_sdp(rec, &sdp))
		call_media_sip(call, &sdp);
	call_media_dir(call, MEDIA_DIR_BOTH);
}

/* RFC 3261 14.1 / 12.2.1.1: the offer with this node's media, the record's codec first */
static int restore_reinvite(struct gw_call *call, const char *codec)
{
	struct sip_sdp sdp;
	call_local_sdp(call, &sdp);
	if (!call->sip_id.clearmode && get_string_value(ha_codec_names, codec) == SIP_CODEC_PCMU &&
	    sdp.num_codecs >= 2 && sdp.codecs[1].codec == SIP_CODEC_PCMU) {
		struct sip_sdp_codec c = sdp.codecs[0];
		sdp.codecs[0] = sdp.codecs[1];
		sdp.codecs[1] = c;
	}
	call->ha_reinvite = true;
	return gw_sip_leg_reoffer(call->sip, &sdp);
}

struct gw_call *gw_call_restore(struct gw_iwf *iwf, const struct ha_call_rec *rec)
{
	struct gw_call *call;

	if (!rec->id || gw_call_find(iwf, rec->id)) {
		LOGP(DGW, LOGL_ERROR, "takeover: call id %u is in use here, not restored\n", rec->id);
		return NULL;
	}
	if (!sip_trunk_find(iwf->sip, rec->dlg.trunk)) {	/* before anything is touched */
		LOGP(DGW, LOGL_ERROR, "takeover: call %u: no trunk '%s' here, not restored\n", rec->id, rec->dlg.trunk);
		return NULL;
	}
	call = call_alloc_id(iwf, rec->ingress ? &gw_call_in_fsm : &gw_call_out_fsm, rec->id);
	if (!call)
		return NULL;
	snprintf(call->group, sizeof(call->group), "%s", rec->group);
	snprintf(call->trunk, sizeof(call->trunk), "%s", rec->dlg.trunk);
	snprintf(call->call_id, sizeof(call->call_id), "%s", rec->dlg.call_id);
	call->cic = rec->cic;
	call->dpc = rec->dpc;
	call->sip_id.clearmode = get_string_value(ha_codec_names, rec->codec) == SIP_CODEC_CLEARMODE;
	restore_times(call, rec);
	if (!restore_legs(call, rec)) {
		call->t_answer.tv_sec = 0;	/* not an answered call of this node: no CDR time */
		call_release_both(call, Q850_TEMPORARY_FAILURE);
		return NULL;
	}
	restore_media(call, rec);
	call_state_chg(call, GW_CALL_ST_ANSWERED);	/* the record is this node's now (ha_stored) */
	LOGPFSML(call->fi, LOGL_NOTICE, "takeover: %s call on %s/%u, dialog %s restored\n",
		 rec->ingress ? "ingress" : "egress", rec->group, rec->cic, rec->dlg.call_id);
	return call;
}

int gw_call_restore_reinvite(struct gw_call *call, const char *codec)
{
	if (restore_reinvite(call, codec) < 0) {
		LOGPFSML(call->fi, LOGL_ERROR, "takeover: the re-INVITE cannot go out: releasing\n");
		call->ha_reinvite = false;
		call_release_both(call, Q850_TEMPORARY_FAILURE);
		return -1;
	}
	LOGPFSML(call->fi, LOGL_INFO, "takeover: re-INVITE sent\n");
	return 0;
}

/* The answer to the re-INVITE: 2xx, the media as the answer says (the dialog ACKed it); any
 * other final response: the peer does not take the call from this node, which releases it on
 * both sides with cause 41 temporary failure (Q.850 2.2.7.1: the network not working correctly
 * for a short time; RFC 3398 8.2.6.1 maps 500/503 to it too). A timeout (Timer B) reaches the
 * call as GW_CALL_EV_SIP_TIMEOUT: BYE and REL as for any in-dialog timeout (RFC 3261 12.2.1.2). */
void call_restore_reinvite_result(struct gw_call *call, const struct sip_event *ev)
{
	if (!ev->method || strcmp(ev->method, "INVITE") || ev->code < 200)
		return;
	call->ha_reinvite = false;
	if (ev->code < 300) {
		if (ev->body && ev->body->has_sdp)
			call_media_sip(call, &ev->body->sdp);
		LOGPFSML(call->fi, LOGL_NOTICE, "takeover: re-INVITE answered %d: the call carries on here\n",
			 ev->code);
		if (call->iwf->ha_call)
			call->iwf->ha_call(call, true);	/* the record with the new SDP */
		gw_ha_takeover_reinvite_done(call->iwf, true);
		return;
	}
	LOGPFSML(call->fi, LOGL_NOTICE, "takeover: re-INVITE refused %d: releasing (cause %u)\n", ev->code,
		 Q850_TEMPORARY_FAILURE);
	gw_ha_takeover_reinvite_done(call->iwf, false);
	call_release_both(call, Q850_TEMPORARY_FAILURE);
}

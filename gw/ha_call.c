/* The IWF's side of the HA state store (gw/ha_store.h): each answered call is written when it
 * enters Answered (again after a RES) and removed at its release; each circuit's state change
 * (isup_node_circuit_watch) is written; on each (re)connection to Redis the whole current
 * state is written again (every answered call, every circuit). */
#include <stdio.h>
#include <string.h>
#include <osmocom/core/logging.h>

#include "gw/debug.h"
#include "gw/iwf.h"
#include "gw/call.h"
#include "gw/isup_leg.h"
#include "gw/sip_leg.h"
#include "gw/ha_store.h"
#include "gw/ha_early.h"
#include "isup/isup_call.h"
#include "sip/sip.h"
#include "sip/sip_snapshot.h"
#include "media/media.h"

const struct value_string ha_codec_names[] = {
	{ SIP_CODEC_PCMU, "PCMU" },
	{ SIP_CODEC_PCMA, "PCMA" },
	{ SIP_CODEC_TELEPHONE_EVENT, "telephone-event" },
	{ SIP_CODEC_CLEARMODE, "CLEARMODE" },
	{ SIP_CODEC_OTHER, "other" },
	{ 0, NULL }
};

/* the media part: the bridge's local ports, the peers' endpoints, the negotiated codec (the
 * first of the SIP side's SDP: RFC 3264 6.1, the answerer's preference) */
static void ha_call_media(struct gw_call *call, struct sip_dialog *dlg, struct ha_call_rec *rec)
{
	const struct sip_sdp *sdp = dlg ? sip_dialog_remote_sdp(dlg) : NULL;
	const char *bearer = call->isup && call->isup->ic ? isup_call_bearer(call->isup->ic) : NULL;
	rec->pt = -1;
	if (call->mb) {
		rec->rtp_pstn = media_bridge_local_port(call->mb, MEDIA_LEG_PSTN);
		rec->rtp_sip = media_bridge_local_port(call->mb, MEDIA_LEG_SIP);
	}
	snprintf(rec->pstn_media, sizeof(rec->pstn_media), "%s", bearer ? bearer : "");
	if (sdp && sdp->port) {
		snprintf(rec->sip_media, sizeof(rec->sip_media), "%s:%u", sdp->addr, sdp->port);
		if (sdp->num_codecs) {
			snprintf(rec->codec, sizeof(rec->codec), "%s",
				 get_value_string(ha_codec_names, sdp->codecs[0].codec));
			rec->pt = sdp->codecs[0].pt;
		}
	}
}

static void ha_call_fill(struct gw_call *call, struct ha_call_rec *rec)
{
	struct sip_dialog *dlg = call->sip ? call->sip->dlg : NULL;
	memset(rec, 0, sizeof(*rec));
	rec->id = call->id;
	rec->ingress = gw_call_is_ingress(call);
	rec->cic = call->cic;
	rec->dpc = call->dpc;
	snprintf(rec->group, sizeof(rec->group), "%s", call->group);
	if (dlg && sip_dialog_snapshot(dlg, &rec->dlg) < 0)
		LOGPFSML(call->fi, LOGL_NOTICE, "HA: a dialog identifier was too long for the record\n");
	if (!dlg)
		snprintf(rec->dlg.trunk, sizeof(rec->dlg.trunk), "%s", call->trunk);
	ha_call_media(call, dlg, rec);
	rec->answered = call->t_answer.tv_sec;
}

static void ha_call_put(struct gw_call *call)
{
	struct ha_call_rec rec;
	ha_call_fill(call, &rec);
	ha_store_call_put(call->iwf->ha, &rec);
	call->ha_stored = true;
}

/* iwf->ha_call: early (an early record until the answer, gw/ha_early.c), answered (also again
 * after RES) or released / ended */
static void ha_call_hook(struct gw_call *call, enum gw_ha_stage stage)
{
	if (stage == GW_HA_EARLY) {
		gw_ha_early_put(call);
		return;
	}
	gw_ha_early_del(call);
	if (stage == GW_HA_ANSWERED) {
		ha_call_put(call);
	} else if (call->ha_stored) {
		ha_store_call_del(call->iwf->ha, call->id);
		call->ha_stored = false;
	}
}

static void ha_cct_changed(const char *group, uint16_t cic, enum isup_cct_summary state, void *data)
{
	struct gw_iwf *iwf = data;
	struct ha_cct_rec rec = { .cic = cic, .state = state };
	snprintf(rec.group, sizeof(rec.group), "%s", group);
	ha_store_cct_put(iwf->ha, &rec);
}

/* (re)connected: the whole current state again (Redis may have lost it, or missed changes) */
static void ha_replay(struct ha_store *st, void *data)
{
	struct gw_iwf *iwf = data;
	struct gw_call *call;
	unsigned int calls = 0, ccts;
	gw_ha_early_prune(iwf);	/* first: the puts below are then read back as written */
	llist_for_each_entry(call, &iwf->calls, list) {
		if (call->ha_early)
			gw_ha_early_put(call);
		if (!call->ha_stored)
			continue;
		ha_call_put(call);
		calls++;
	}
	ccts = isup_node_circuit_replay(iwf->isup);
	LOGP(DGW, LOGL_NOTICE, "HA: node %s: %u answered calls and %u circuits written\n", ha_store_node(st),
	     calls, ccts);
}

void gw_ha_start(struct gw_iwf *iwf)
{
	const struct ha_store_cfg *cfg = gw_ha_cfg();
	if (!cfg->enabled || iwf->ha)
		return;
	iwf->ha = ha_store_alloc(iwf, cfg, iwf->tdefs);
	iwf->ha_call = ha_call_hook;
	isup_node_circuit_watch(iwf->isup, ha_cct_changed, iwf);
	ha_store_start(iwf->ha, ha_replay, iwf);
}

void gw_ha_set_active(struct gw_iwf *iwf, bool active)
{
	if (iwf->ha)
		ha_store_set_active(iwf->ha, active);
}

void gw_ha_stop(struct gw_iwf *iwf)
{
	if (!iwf->ha)
		return;
	isup_node_circuit_watch(iwf->isup, NULL, NULL);
	iwf->ha_call = NULL;
	ha_store_free(iwf->ha);
	iwf->ha = NULL;
}

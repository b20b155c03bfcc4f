/* Glue between a call and its media bridge (media/media.h): the bridge's legs from the
 * circuit's bearer and the SDP, its direction through the call, tones (E.180/E.182). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/tdef.h>

#include "gw/debug.h"
#include "gw/call_priv.h"
#include "gw/bearer_map.h"

/* The circuit's bearer endpoint "ip:port" split up; false when the circuit has none */
static bool call_bearer(const struct gw_call *call, char *ip, size_t ip_size, int *port)
{
	const char *bearer = gw_isup_leg_bearer(call->isup);
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
		    && !strcmp(other->group, call->group))
			media_bridge_free(other->mb);	/* its MEDIA_GONE clears other->mb */
	*ip = pl->ip;
	return port;
}

/* A clearmode call (RFC 4040): both legs CLEARMODE with the SIP side's payload type, no
 * telephone-event, no in-band DTMF; the SIP leg's remote when given */
static void call_media_clearmode(struct gw_call *call, const char *sip_ip, uint16_t sip_port, uint8_t pt)
{
	char ip[64];
	int port;
	if (call_bearer(call, ip, sizeof(ip), &port))
		media_bridge_set_leg(call->mb, MEDIA_LEG_PSTN, ip, port, MEDIA_CODEC_CLEARMODE, pt, -1);
	media_bridge_set_leg(call->mb, MEDIA_LEG_SIP, sip_ip, sip_port, MEDIA_CODEC_CLEARMODE, pt, -1);
}

void call_media_alloc(struct gw_call *call, enum media_leg calling)
{
	char name[32], ip[64];
	const char *pstn_ip = NULL;
	uint16_t pstn_port;
	int port;

	if (!call->iwf->media_pool || call->mb)
		return;
	snprintf(name, sizeof(name), "call%u", call->id);
	pstn_port = call_pstn_local(call, &pstn_ip);
	/* a child FSM: it ends with the call (or tells it MEDIA_GONE when freed before) */
	call->mb = media_bridge_alloc_child(call->fi, GW_CALL_EV_MEDIA_GONE, call->iwf->media_pool, name, calling,
					    pstn_ip, pstn_port);
	if (!call->mb) {
		LOGPFSML(call->fi, LOGL_ERROR, "no RTP port for the media bridge\n");
		return;
	}
	if (call->sip_id.clearmode)	/* RFC 4040: the payload relayed as it is */
		call_media_clearmode(call, NULL, 0, call_bearer_clearmode_pt(call));
	else if (call_bearer(call, ip, sizeof(ip), &port))
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
void call_media_sip(struct gw_call *call, const struct sip_sdp *sdp)
{
	int te = -1;
	const struct sip_sdp_codec *voice = NULL;
	if (!call->mb || !sdp)
		return;
	if (call->sip_id.clearmode) {
		voice = gw_sdp_clearmode(sdp);
		if (voice)
			call_media_clearmode(call, sdp->addr, sdp->port, voice->pt);
		else
			call_media_clearmode(call, NULL, 0, call_bearer_clearmode_pt(call));
		return;
	}
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

void call_media_dir(struct gw_call *call, enum media_dir dir)
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
void call_media_suspend(struct gw_call *call, bool suspended)
{
	if (!call->mb || !call->iwf->media_timeout_s || media_bridge_dir(call->mb) != MEDIA_DIR_BOTH)
		return;
	media_bridge_set_timeout(call->mb, suspended ? 0 : call->iwf->media_timeout_s * 1000, call_media_timeout_cb,
				 call);
}

void call_media_stop(struct gw_call *call)
{
	if (call->mb)
		media_bridge_stop(call->mb);
}

/* Local SDP for this call: the media bridge's SIP-side port, or without media bridging the
 * circuit's bearer endpoint (ip:port) itself */
void call_local_sdp(struct gw_call *call, struct sip_sdp *sdp)
{
	char ip[64];
	int port;
	if (call->mb)
		sip_sdp_init_local(sdp, media_bridge_local_ip(call->mb), media_bridge_local_port(call->mb, MEDIA_LEG_SIP));
	else if (call_bearer(call, ip, sizeof(ip), &port))
		sip_sdp_init_local(sdp, ip, port);
	else
		sip_sdp_init_local(sdp, call->iwf->media_addr, 4000);	/* no bearer configured */
	call_bearer_local_sdp(call, sdp);
}

/* The duration of the E.182 tone before a release: the trunk's setting, else gw X3 */
static unsigned long call_tone_duration(struct gw_call *call)
{
	const struct gw_trunk_iwf *t = call_trunk_iwf(call);
	if (t->tdefs[0].val)
		return t->tdefs[0].val;
	return osmo_tdef_get(call->iwf->tdefs, -3, OSMO_TDEF_S, 0);
}

bool call_tones_before_release(struct gw_call *call)
{
	/* RFC 4040: nothing generated into a clearmode stream */
	return call->mb && !call->sip_id.clearmode && call_tone_duration(call) > 0;
}

void call_tone_before_release(struct gw_call *call, enum media_leg toward, enum tone_id tone)
{
	LOGPFSML(call->fi, LOGL_INFO, "%s toward the %s for %lu s before the release\n", tone_name(tone),
		 media_leg_name(toward), call_tone_duration(call));
	media_bridge_play_tone(call->mb, toward, call_tone_plan(call, toward), tone);
	call_state_chg(call, GW_CALL_ST_TONE_BEFORE_REL);
}

void call_play_ringing(struct gw_call *call, enum media_leg toward)
{
	media_bridge_play_tone(call->mb, toward, call_tone_plan(call, toward), TONE_RINGING);
}

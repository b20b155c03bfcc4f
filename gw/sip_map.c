/* SIP side of the mapping (RFC 3398 7.2.1.1 / 8.1.1, RFC 3372 SIP-T bodies, RFC 3326 Reason). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gw/sip_map.h"
#include "gw/cause_map.h"
#include "gw/bearer_map.h"
#include "gw/tel_uri.h"

void gw_blob_from_msg(struct gw_isup_blob *b, const struct isup_msg *msg)
{
	b->len = msg ? isup_encode_body(msg, b->data, sizeof(b->data)) : -1;
}

void gw_opts_isup(struct sip_msg_opts *o, const struct gw_isup_blob *b)
{
	if (b && b->len > 0) {
		o->isup = b->data;
		o->isup_len = b->len;
	}
}

void gw_opts_reason(struct sip_msg_opts *o, uint8_t cause, uint8_t location)
{
	o->q850_cause = cause;
	o->q850_location = gw_location_token(location);
}

void gw_opts_release(struct sip_msg_opts *o, struct gw_isup_blob *b, const struct isup_msg *rel,
		     enum isup_variant variant, uint8_t cause, uint8_t location)
{
	struct isup_msg own;
	gw_opts_reason(o, cause, location);
	if (!rel) {
		gw_isup_build_rel(&own, variant, cause, location);
		rel = &own;
	}
	gw_blob_from_msg(b, rel);
	gw_opts_isup(o, b);
}

bool gw_event_isup(const struct sip_event *ev, struct isup_msg *msg, enum isup_variant variant)
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

bool gw_event_rel_cause(const struct sip_event *ev, enum isup_variant variant, uint8_t *cause)
{
	struct isup_msg enc;
	return gw_event_isup(ev, &enc, variant) && enc.type == ISUP_REL && gw_msg_cause(&enc, cause, NULL);
}

bool gw_sdp_has_g711(const struct sip_sdp *sdp)
{
	for (unsigned int i = 0; i < sdp->num_codecs; i++)
		if (sdp->codecs[i].codec == SIP_CODEC_PCMA || sdp->codecs[i].codec == SIP_CODEC_PCMU)
			return true;
	return false;
}

void gw_identity_from_invite(struct gw_sip_identity *id, const struct sip_event *ev)
{
	const struct sip_headers *h = ev->hdrs;

	memset(id, 0, sizeof(*id));
	gw_uri_user(h->ruri, id->ruri_user, sizeof(id->ruri_user));
	gw_uri_user(h->from, id->from_user, sizeof(id->from_user));
	gw_uri_user(h->pai, id->pai_user, sizeof(id->pai_user));
	/* RFC 3323: id, user or header privacy: presentation restricted */
	id->privacy_id = strcasestr(h->privacy, "id") || strcasestr(h->privacy, "user") ||
			 strcasestr(h->privacy, "header");
	id->max_forwards = h->max_forwards;
	id->cpc = -1;
	/* RFC 4040: an offer with clearmode and no G.711 asks for 64 kbit/s unrestricted */
	id->clearmode = ev->body && ev->body->has_sdp && gw_bearer_from_offer(&ev->body->sdp) == GW_BEARER_UDI;
	gw_uri_user(h->diversion, id->diversion_user, sizeof(id->diversion_user));
}

void gw_invite_opts(struct sip_msg_opts *o, struct gw_invite_hdrs *h, const struct gw_sip_identity *id)
{
	if (id->pai_user[0]) {
		/* TS 24.229 7.2A.12: the calling party's category as cpc= (PAI: trusted trunks only) */
		const char *cpc = gw_cpc_to_uri(id->cpc);
		snprintf(h->pai, sizeof(h->pai), "<tel:%s%s%s>", id->pai_user, cpc ? ";cpc=" : "", cpc ? cpc : "");
		o->pai = h->pai;
	}
	if (id->privacy_id)
		o->privacy = "id";
	o->max_forwards = id->max_forwards > 0 ? id->max_forwards : 0;
	/* the redirection (History-Info / Diversion) per trunk: gw/call_redir.c */
}

/* SIP side of the mapping: identity from an INVITE's headers, the INVITE's identity headers,
 * SIP-T bodies (RFC 3372 encapsulated ISUP) and the Reason header (RFC 3326). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "isup/isup.h"
#include "sip/sip.h"
#include "gw/iam_map.h"

/* Encapsulated ISUP (SIP-T): the message body without CIC */
struct gw_isup_blob {
	uint8_t data[ISUP_MAX_MSG_LEN];
	int len;
};

/* INVITE header values built from the identity (RFC 3325 P-Asserted-Identity) */
struct gw_invite_hdrs {
	char pai[96];
};

void gw_blob_from_msg(struct gw_isup_blob *b, const struct isup_msg *msg);
/* Put the blob (when it encoded) into the options as the ISUP body */
void gw_opts_isup(struct sip_msg_opts *o, const struct gw_isup_blob *b);
void gw_opts_reason(struct sip_msg_opts *o, uint8_t cause, uint8_t location);
/* SIP-I (Q.1912.5, TS 29.163): Reason with cause and location and, as the ISUP body, the REL:
 * 'rel' as it is (received from the PSTN), or without one the gateway's own REL */
void gw_opts_release(struct sip_msg_opts *o, struct gw_isup_blob *b, const struct isup_msg *rel,
		     enum isup_variant variant, uint8_t cause, uint8_t location);
/* Decode the SIP-T/SIP-I part of a SIP event, if any and usable */
bool gw_event_isup(const struct sip_event *ev, struct isup_msg *msg, enum isup_variant variant);
/* Q.850 cause of the ISUP REL a SIP-T BYE / final response carries; false without one */
bool gw_event_rel_cause(const struct sip_event *ev, enum isup_variant variant, uint8_t *cause);
bool gw_sdp_has_g711(const struct sip_sdp *sdp);
/* Egress (RFC 3398 7.2.1.1): the identity of an INVITE (Request-URI, From, PAI, Privacy,
 * Max-Forwards, clearmode SDP, Diversion) */
void gw_identity_from_invite(struct gw_sip_identity *id, const struct sip_event *ev);
/* Ingress (RFC 3398 8.1.1): PAI, Privacy and Max-Forwards of the INVITE (the redirection
 * headers: gw/call_redir.c) */
void gw_invite_opts(struct sip_msg_opts *o, struct gw_invite_hdrs *h, const struct gw_sip_identity *id);

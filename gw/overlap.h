/* Overlap address signalling of ingress calls (ISUP -> SIP): the IAM without ST and its SAMs
 * (Q.764 2.2), supervised by T35 (Q.764 Annex A), sent to SIP en bloc (RFC 3578 2, the default)
 * or as RFC 3578 3 INVITEs with more and more digits ('trunk NAME overlap rfc3578'). The call FSM's
 * Collecting state (gw/call_ingress.c) asks; the decisions and the timers are here. */
#pragma once
#include <stdbool.h>
#include <osmocom/core/linuxlist.h>
#include "isup/isup.h"
#include "sip/sip.h"

struct gw_iwf;
struct gw_call;
struct gw_sip_leg;
struct vty;

/* 'overlap number-length PREFIX MIN MAX': the called numbers starting with PREFIX are usable from
 * MIN digits on and complete with MAX (RFC 3578 2.1 "minimum amount of digits") */
struct gw_overlap_length {
	struct llist_head list;		/* iwf->overlap_lengths */
	char prefix[32];
	unsigned int min, max;
};

/* RFC 3578 3 (multiple INVITEs): the identity the next INVITE repeats */
struct gw_overlap {
	struct sip_uac_ident ident;
	bool have_ident;
};

enum gw_overlap_status {
	GW_OVERLAP_INCOMPLETE,		/* fewer digits than the minimum: T35 runs, expiry: REL 28 */
	GW_OVERLAP_USABLE,		/* the minimum is there: X1 (or T35) ends the collection */
	GW_OVERLAP_COMPLETE,		/* ST, or the maximum length: the number goes out now */
};

/* The called number of the IAM (SAM digits folded in) by the number-length rules */
enum gw_overlap_status gw_overlap_status(struct gw_iwf *iwf, const struct isup_msg *iam);
/* Collecting: (re)start the timer of the wait for more digits (Q.764 Annex A T35: at the IAM and
 * at each SAM): gw X1 once the number is usable and X1 is not 0, T35 otherwise */
void gw_overlap_wait(struct gw_call *call, enum gw_overlap_status st);
/* Collecting, the timer expired: true when the collected number goes out, false: REL 28 */
bool gw_overlap_expired(struct gw_call *call);
/* Collecting, the timer expired with an RFC 3578 INVITE out and not answered: the call goes on */
bool gw_overlap_proceeds(struct gw_call *call);
/* The call's trunk sends RFC 3578 3 INVITEs ('trunk NAME overlap rfc3578') */
bool gw_overlap_rfc3578(struct gw_call *call);
/* RFC 3578 3: the identity the call's next INVITE repeats, NULL for its first */
const struct sip_uac_ident *gw_overlap_same(struct gw_call *call);
/* RFC 3578 3: an INVITE went out (its identity is kept); 'before', the leg of the INVITE it
 * replaces, is cancelled when it has no final response */
void gw_overlap_sent(struct gw_call *call, struct gw_sip_leg *before);
/* A SAM the call cannot use any more (the number went out en bloc, or the call proceeds):
 * counted (gw:iwf calls:late_sam), logged, its digits ignored */
void gw_overlap_late_sam(struct gw_call *call, const struct isup_msg *sam);
/* Collecting with an RFC 3578 INVITE out: a SIP event; true when handled here (a 484 for the
 * current INVITE, the end of its leg) */
bool gw_overlap_sip_event(struct gw_call *call, uint32_t event, void *data);

/* SIP -> ISUP (gw/overlap_egress.c), on trunks with 'overlap rfc3578': the IAM of an INVITE
 * without ST (the INVITE is kept for the later ones) */
void gw_overlap_egress_iam(struct gw_call *call, const struct sip_event *ev, struct isup_msg *iam);
/* A new INVITE: true when it is a later INVITE of an egress call not yet answered by ACM (same
 * Call-ID and From, Request-URI extending the one before): SAM with the new digits, 484 to the
 * earlier INVITE, the call goes on with this one */
bool gw_overlap_egress_invite(struct gw_iwf *iwf, struct sip_dialog *dlg, const struct sip_event *ev);

void gw_overlap_vty_init(struct gw_iwf *iwf);
/* the gateway node's ' overlap number-length' lines */
void gw_overlap_vty_write(struct vty *vty);

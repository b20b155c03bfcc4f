/* Overlap SIP -> ISUP (RFC 3578, the reverse of the multiple-INVITE method) on trunks with
 * 'trunk NAME overlap rfc3578': the IAM goes without ST, and a later INVITE of the same call
 * (the same Call-ID and From with its tag, a higher CSeq, a Request-URI that extends the one
 * before) becomes a SAM with the new digits while the INVITE before it is answered 484. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>

#include "gw/debug.h"
#include "gw/call_priv.h"
#include "gw/overlap.h"

/* what a later INVITE must repeat: the From header with its tag, the Request-URI user */
struct gw_overlap_egress {
	char from[SIP_HDR_MAX];
	char ruri_user[48];
};

static bool trunk_rfc3578(struct gw_iwf *iwf, struct sip_dialog *dlg)
{
	struct gw_trunk_iwf *t = gw_iwf_trunk(iwf, sip_dialog_trunk(dlg)->name, false);
	return t && t->overlap_rfc3578;
}

void gw_overlap_egress_iam(struct gw_call *call, const struct sip_event *ev, struct isup_msg *iam)
{
	struct isup_param *p = isup_msg_find(iam, ISUP_PRM_CALLED_NUM);
	struct gw_overlap_egress *e;
	struct isup_number n;
	uint8_t raw[64];
	int len;

	if (!call->sip || !trunk_rfc3578(call->iwf, call->sip->dlg) || !p ||
	    isup_number_decode(&n, ISUP_NUM_CALLED, p->val, p->len) < 0)
		return;
	/* more digits may follow in SAMs: no ST (Q.764 2.2 overlap operation) */
	n.st = false;
	len = isup_number_encode(&n, ISUP_NUM_CALLED, raw, sizeof(raw));
	if (len < 0 || isup_msg_set(iam, ISUP_PRM_CALLED_NUM, raw, len) < 0)
		return;
	e = talloc_zero(call->fi, struct gw_overlap_egress);
	osmo_strlcpy(e->from, ev->hdrs->from, sizeof(e->from));
	osmo_strlcpy(e->ruri_user, call->sip_id.ruri_user, sizeof(e->ruri_user));
	call->overlap_egress = e;
}

/* the egress call (IAM sent, no ACM yet) a later INVITE of dlg belongs to; NULL: a new call */
static struct gw_call *earlier_call(struct gw_iwf *iwf, struct sip_dialog *dlg, const struct sip_event *ev,
				    const char *ruri_user)
{
	struct gw_call *call;
	llist_for_each_entry(call, &iwf->calls, list) {
		struct gw_overlap_egress *e = call->overlap_egress;
		if (!e || gw_call_is_ingress(call) || call->fi->state != GW_CALL_ST_TRYING || !call->sip ||
		    call->sip->dlg == dlg || strcmp(call->call_id, sip_dialog_call_id(dlg)) ||
		    strcmp(e->from, ev->hdrs->from))
			continue;
		if (strlen(ruri_user) > strlen(e->ruri_user) && !strncmp(ruri_user, e->ruri_user, strlen(e->ruri_user)))
			return call;
	}
	return NULL;
}

/* SAM with the digits the later INVITE adds (Q.764 2.2: subsequent number, no ST) */
static void send_sam(struct gw_call *call, const char *digits)
{
	struct isup_number n = { 0 };
	struct isup_msg sam;
	uint8_t raw[64];
	int len;

	osmo_strlcpy(n.digits, digits, sizeof(n.digits));
	isup_msg_init(&sam, CALL_VARIANT(call), ISUP_SAM, 0);
	len = isup_number_encode(&n, ISUP_NUM_SUBSEQUENT, raw, sizeof(raw));
	if (len > 0 && isup_msg_set(&sam, ISUP_PRM_SUBSEQUENT_NUM, raw, len) == 0)
		gw_isup_leg_send(call->isup, &sam);
}

bool gw_overlap_egress_invite(struct gw_iwf *iwf, struct sip_dialog *dlg, const struct sip_event *ev)
{
	struct gw_sip_identity id;
	struct gw_sip_leg *before;
	struct gw_call *call;

	if (!trunk_rfc3578(iwf, dlg))
		return false;
	gw_identity_from_invite(&id, ev);
	call = earlier_call(iwf, dlg, ev, id.ruri_user);
	if (!call)
		return false;
	LOGPFSML(call->fi, LOGL_INFO, "INVITE for %s after %s: SAM %s, 484 to the earlier INVITE\n",
		 id.ruri_user, call->overlap_egress->ruri_user, id.ruri_user + strlen(call->overlap_egress->ruri_user));
	send_sam(call, id.ruri_user + strlen(call->overlap_egress->ruri_user));
	osmo_strlcpy(call->overlap_egress->ruri_user, id.ruri_user, sizeof(call->overlap_egress->ruri_user));
	osmo_strlcpy(call->sip_id.ruri_user, id.ruri_user, sizeof(call->sip_id.ruri_user));
	before = call->sip;
	gw_sip_leg_alloc(call, dlg, ev);	/* the call's leg from now on; the earlier one's events go nowhere */
	if (ev->body && ev->body->has_sdp)
		call_media_sip(call, &ev->body->sdp);
	gw_sip_leg_reject(before, 484, NULL);
	return true;
}

/* Overlap address signalling of ingress calls (ISUP -> SIP): which digits are enough, the timers
 * of the wait for more (Q.764 Annex A T35, gw X1), the SAMs that come too late, and the identity
 * of the RFC 3578 3 INVITEs with more digits. */
#include <stdio.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>

#include "gw/debug.h"
#include "gw/call_priv.h"
#include "gw/overlap.h"
#include "isup/isup_node_api.h"

/* the called number's digits so far; false when there is no decodable one */
static bool called_number(const struct isup_msg *iam, struct isup_number *n)
{
	const struct isup_param *p = isup_msg_find_const(iam, ISUP_PRM_CALLED_NUM);
	return p && isup_number_decode(n, ISUP_NUM_CALLED, p->val, p->len) == 0;
}

/* the number-length rule with the longest prefix the digits start with, NULL: none */
static const struct gw_overlap_length *length_rule(struct gw_iwf *iwf, const char *digits)
{
	const struct gw_overlap_length *l, *best = NULL;
	llist_for_each_entry(l, &iwf->overlap_lengths, list) {
		if (strncmp(digits, l->prefix, strlen(l->prefix)))
			continue;
		if (!best || strlen(l->prefix) > strlen(best->prefix))
			best = l;
	}
	return best;
}

enum gw_overlap_status gw_overlap_status(struct gw_iwf *iwf, const struct isup_msg *iam)
{
	const struct gw_overlap_length *rule;
	struct isup_number n;
	size_t len;

	if (!called_number(iam, &n))
		return GW_OVERLAP_INCOMPLETE;
	if (n.st)
		return GW_OVERLAP_COMPLETE;	/* Q.764 2.2: ST, end of pulsing */
	len = strlen(n.digits);
	rule = length_rule(iwf, n.digits);
	if (rule && len >= rule->max)
		return GW_OVERLAP_COMPLETE;
	/* without a rule one digit is enough to try (the gateway's behaviour before T35) */
	return len >= (rule ? rule->min : 1) ? GW_OVERLAP_USABLE : GW_OVERLAP_INCOMPLETE;
}

void gw_overlap_wait(struct gw_call *call, enum gw_overlap_status st)
{
	unsigned long x1 = osmo_tdef_get(call->iwf->tdefs, -1, OSMO_TDEF_S, -1);
	unsigned long t35 = osmo_tdef_get(isup_node_tdefs(call->iwf->isup), 35, OSMO_TDEF_S, -1);

	/* X1 completes the en-bloc conversion of a usable number; with RFC 3578 the INVITE is out
	 * and T35 alone supervises the next digits */
	if (st == GW_OVERLAP_USABLE && x1 && !gw_overlap_same(call))
		osmo_fsm_inst_state_chg(call->fi, GW_CALL_ST_COLLECTING, x1, -1);
	else
		osmo_fsm_inst_state_chg(call->fi, GW_CALL_ST_COLLECTING, t35, 35);	/* Q.764 Annex A */
}

bool gw_overlap_expired(struct gw_call *call)
{
	struct isup_number n;
	const char *digits = called_number(call->iam, &n) ? n.digits : "";

	if (call->fi->T == -1)
		return true;	/* X1: the usable number goes out en bloc */
	if (!gw_overlap_same(call) && gw_overlap_status(call->iwf, call->iam) == GW_OVERLAP_USABLE)
		return true;	/* X1 0: T35 ended the en-bloc collection of a usable number */
	/* Q.764 Annex A T35: the number is not complete -> REL cause 28 */
	LOGPFSML(call->fi, LOGL_NOTICE, "T35 expired with %zu digits (%s)%s: address incomplete, REL 28\n",
		 strlen(digits), digits, gw_overlap_same(call) ? ", the last INVITE answered 484" : "");
	return false;
}

bool gw_overlap_proceeds(struct gw_call *call)
{
	/* RFC 3578 3: an INVITE without its final response: it is the call from now on */
	return call->sip && call->sip->fi->state != GW_SIP_LEG_ST_TERMINATING;
}

bool gw_overlap_rfc3578(struct gw_call *call)
{
	const struct gw_route *rt;
	struct gw_trunk_iwf *t;
	struct isup_number n;

	if (!called_number(call->iam, &n) || !(rt = gw_iwf_route_lookup(call->iwf, false, n.digits)))
		return false;	/* no route for these digits (yet) */
	t = gw_iwf_trunk(call->iwf, rt->target, false);
	return t && t->overlap_rfc3578;
}

const struct sip_uac_ident *gw_overlap_same(struct gw_call *call)
{
	return call->overlap && call->overlap->have_ident ? &call->overlap->ident : NULL;
}

void gw_overlap_sent(struct gw_call *call, struct gw_sip_leg *before)
{
	if (!call->overlap)
		call->overlap = talloc_zero(call->fi, struct gw_overlap);
	call->overlap->have_ident = sip_dialog_uac_ident(call->sip->dlg, &call->overlap->ident) == 0;
	/* RFC 3578 3: the INVITE with fewer digits is not wanted any more */
	if (before && before != call->sip && before->fi->state != GW_SIP_LEG_ST_TERMINATING)
		gw_sip_leg_cancel(before, NULL);
}

void gw_overlap_late_sam(struct gw_call *call, const struct isup_msg *sam)
{
	const struct isup_param *s = isup_msg_find_const(sam, ISUP_PRM_SUBSEQUENT_NUM);
	struct isup_number n;

	gw_call_ctr_inc(call, GW_CTR_LATE_SAM);
	if (!s || isup_number_decode(&n, ISUP_NUM_SUBSEQUENT, s->val, s->len) < 0)
		snprintf(n.digits, sizeof(n.digits), "?");
	LOGPFSML(call->fi, LOGL_NOTICE, "SAM with digits %s after the number went out to SIP (%s): ignored\n",
		 n.digits, call->trunk);
}

bool gw_overlap_sip_event(struct gw_call *call, uint32_t event, void *data)
{
	const struct sip_event *ev = data;

	switch (event) {
	case GW_CALL_EV_SIP_PROVISIONAL:
	case GW_CALL_EV_SIP_ANSWERED:
	case GW_CALL_EV_SIP_FAILED:
		if (ev->code == 100)
			return false;
		if (ev->code != 484 || !gw_overlap_same(call)) {
			/* the far end took the number (18x, 200, a failure other than 484): Collecting
			 * ends, the response is handled as in Trying (ACM / CON / REL) */
			call_state_chg(call, GW_CALL_ST_TRYING);
			return false;
		}
		/* RFC 3578 3: 484 Address Incomplete: more digits are awaited; T35 runs on */
		call->sip_status = ev->code;	/* the CDR's, should no INVITE follow */
		LOGPFSML(call->fi, LOGL_INFO, "484 to the INVITE for %s: waiting for more digits\n",
			 call->sip_id.ruri_user);
		return true;
	case GW_CALL_EV_SIP_LEG_GONE:
		if (!gw_overlap_same(call))
			return false;
		call->sip = NULL;	/* the 484's dialog ended; the next INVITE repeats its identity */
		return true;
	default:
		return false;
	}
}

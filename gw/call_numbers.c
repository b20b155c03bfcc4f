/* The numbers of one call, see call_numbers.h. */
#include <stdio.h>
#include <string.h>

#include <osmocom/core/logging.h>

#include "gw/debug.h"
#include "gw/call_priv.h"
#include "gw/call_numbers.h"
#include "gw/hop_counter.h"
#include "gw/tel_uri.h"
#include "isup/q850.h"

void call_number_plan(struct gw_call *call, struct gw_number_plan *plan)
{
	*plan = call->iwf->plan;
	plan->rules.rules = &call->iwf->number_rules;
	plan->rules.group = call->group;
	plan->rules.trunk = call->trunk;
}

/* 'number-format global': what cannot be made global stays away from the trunk */
static uint8_t ingress_global_only(struct gw_call *call, struct gw_sip_identity *id)
{
	if (id->ruri_user[0] != '+') {
		LOGPFSML(call->fi, LOGL_NOTICE, "called number %s is not global, trunk %s takes global numbers only\n",
			 id->ruri_user, call->trunk);
		return Q850_INVALID_NUMBER_FORMAT;
	}
	if (id->pai_user[0] && id->pai_user[0] != '+') {
		/* as without a calling party number (RFC 3398 8.1.1): no PAI, anonymous From */
		id->pai_user[0] = 0;
		snprintf(id->from_user, sizeof(id->from_user), "anonymous");
	}
	if (strcmp(id->from_user, "anonymous") && id->from_user[0] != '+')
		snprintf(id->from_user, sizeof(id->from_user), "anonymous");
	if (id->diversion_user[0] && id->diversion_user[0] != '+')
		id->diversion_user[0] = 0;
	return 0;
}

uint8_t call_numbers_ingress(struct gw_call *call)
{
	struct gw_number_plan plan;
	struct gw_trunk_iwf *t = call_trunk_iwf(call);

	call_number_plan(call, &plan);
	if (gw_iam_to_sip(call->iam, &plan, &call->sip_id) < 0 || !call->sip_id.ruri_user[0])
		return Q850_INVALID_NUMBER_FORMAT;
	if (call->sip_id.max_forwards == 0) {
		/* Q.764 hop counter procedure: no hop left, the call is not offered on */
		LOGPFSML(call->fi, LOGL_NOTICE, "hop counter exhausted\n");
		return Q850_EXCHANGE_ROUTING_ERROR;
	}
	return t && t->number_global ? ingress_global_only(call, &call->sip_id) : 0;
}

uint8_t call_numbers_egress(struct gw_call *call, const struct sip_event *ev, struct gw_number_plan *plan,
			    int *status)
{
	struct sip_trunk *trunk = sip_trunk_find(call->iwf->sip, call->trunk);
	struct gw_uri_number n;

	call_number_plan(call, plan);
	/* TS 24.229 7.2A.12: cpc= only from inside the trust domain (RFC 3325) */
	if (trunk && trunk->cfg.trusted) {
		if ((gw_uri_number_parse(ev->hdrs->pai, &n) < 0 || !n.cpc[0]) &&
		    gw_uri_number_parse(ev->hdrs->from, &n) < 0)
			n.cpc[0] = 0;
		call->sip_id.cpc = gw_cpc_from_uri(n.cpc);
	}
	if (call->sip_id.max_forwards >= 0 && gw_max_forwards_to_hop(call->sip_id.max_forwards) <= 0) {
		/* RFC 3261 16.3 item 3 / Q.764: no hop left for the IAM */
		LOGPFSML(call->fi, LOGL_NOTICE, "Max-Forwards %d leaves no hop\n", call->sip_id.max_forwards);
		*status = 483;
		return Q850_EXCHANGE_ROUTING_ERROR;
	}
	return 0;
}

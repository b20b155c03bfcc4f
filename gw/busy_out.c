/* OPTIONS busy-out (issue 19 point 2): the gateway's answer to "do you take calls now?", given
 * to the SIP layer as sip_ua_cbs.available. An OPTIONS probe (Kamailio's dispatcher) is answered
 * 200 while at least one egress route leads to a circuit group whose DPC is available and which
 * has an idle, unblocked circuit; else 503 with Retry-After (gw X19), Reason Q.850 and a Warning
 * saying why; 503 as well while the gateway shuts down.
 *
 * Decided per gateway, not per trunk: the egress route table ('route egress PREFIX
 * circuit-group NAME') belongs to the gateway, so an INVITE on any trunk can take every egress
 * route, and the answer is the same on every trunk. */
#include "gw/iwf.h"
#include "gw/debug.h"
#include "isup/isup_call.h"
#include "sip/sip.h"

/* How close a group is to taking a call, for the reason of the 503 when none takes one */
static int out_rank(enum isup_group_out st)
{
	switch (st) {
	case ISUP_OUT_AVAILABLE: return 4;
	case ISUP_OUT_NO_IDLE_CIRCUIT: return 3;
	case ISUP_OUT_DPC_UNAVAILABLE: return 2;
	case ISUP_OUT_INCOMING_ONLY: return 1;
	default: return 0;
	}
}

static void unavail_reason(enum isup_group_out st, bool any_route, struct sip_unavail *why)
{
	if (!any_route) {
		why->q850_cause = Q850_NO_ROUTE_DESTINATION;	/* Q.850 cause 3 */
		why->text = "busy-out: no egress route";
		return;
	}
	switch (st) {
	case ISUP_OUT_NO_IDLE_CIRCUIT:
		why->q850_cause = Q850_NO_CIRCUIT_AVAILABLE;	/* Q.850 cause 34 */
		why->text = "busy-out: no idle circuit on any egress route";
		break;
	case ISUP_OUT_DPC_UNAVAILABLE:
		why->q850_cause = Q850_NETWORK_OUT_OF_ORDER;	/* Q.850 cause 38; MTP-PAUSE */
		why->text = "busy-out: no egress DPC available";
		break;
	default:
		why->q850_cause = Q850_NO_ROUTE_DESTINATION;
		why->text = "busy-out: no outgoing circuit group on the egress routes";
		break;
	}
}

bool gw_busy_out_available(struct sip_trunk *trunk, struct sip_unavail *why, void *priv)
{
	struct gw_iwf *iwf = priv;
	const struct gw_route *rt;
	enum isup_group_out best = ISUP_OUT_NO_GROUP, st;
	bool any_route = false;

	why->retry_after = osmo_tdef_get(iwf->tdefs, -19, OSMO_TDEF_S, 5);
	if (iwf->shutting_down) {
		why->q850_cause = GW_SHUTDOWN_CAUSE;
		why->text = "busy-out: shutting down";
		return false;
	}
	if (gw_iwf_trunk(iwf, trunk->name, true)->draining) {
		why->q850_cause = Q850_TEMPORARY_FAILURE;
		why->text = "busy-out: trunk draining";
		return false;
	}
	llist_for_each_entry(rt, &iwf->routes, list) {
		if (!rt->egress)
			continue;
		any_route = true;
		st = isup_group_out_state(iwf->isup, rt->target);
		if (st == ISUP_OUT_AVAILABLE)
			return true;
		if (out_rank(st) > out_rank(best))
			best = st;
	}
	unavail_reason(best, any_route, why);
	LOGP(DGW, LOGL_INFO, "trunk %s: busy-out (%s; best egress group: %s)\n", trunk->name, why->text,
	     get_value_string(isup_group_out_names, best));
	return false;
}

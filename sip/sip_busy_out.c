/* OPTIONS busy-out: while the layer above takes no new calls on a trunk (sip_ua_cbs.available:
 * no route, no idle circuit, shutting down), an out-of-dialog OPTIONS is answered 503 Service
 * Unavailable (RFC 3261 11.2: the response is the one an INVITE would get; 21.5.4) with
 * Retry-After (20.33), the Q.850 cause in a Reason (RFC 6432) and the same text in a Warning
 * 399 (20.43), so that a load balancer probing with OPTIONS (Kamailio's dispatcher) takes the
 * gateway out of its rotation until the answer is 200 again. An OPTIONS inside a dialog (To
 * tag, RFC 3261 12.2) asks about that dialog, not about new calls: always the 200. */
#include <stdio.h>

#include "sip/sip_internal.h"

bool sip_options_busy_out(struct sip_trunk *trunk, osip_transaction_t *tr)
{
	const struct sip_ua_cbs *cbs = trunk->ua->cbs;
	struct sip_unavail why = { 0 };
	struct sip_msg_opts o = { 0 };
	osip_message_t *r;
	osip_generic_param_t *to_tag = NULL;
	char tag[16];

	if (tr->orig_request->to)
		osip_to_get_tag(tr->orig_request->to, &to_tag);
	if (to_tag || !cbs || !cbs->available || cbs->available(trunk, &why, trunk->ua->priv))
		return false;
	snprintf(tag, sizeof(tag), "%08x", sip_ua_random(trunk->ua));
	r = sip_msg_new_response(trunk, tr->orig_request, 503, tag);
	if (!r)
		return true;
	sip_msg_add_retry_after(r, why.retry_after);
	o.q850_cause = why.q850_cause;
	o.reason_text = why.text;
	sip_msg_add_reason(r, &o);
	sip_msg_add_warning(trunk, r, 399, why.text ? why.text : "Service unavailable");
	LOGP(DSIP, LOGL_INFO, "trunk %s: OPTIONS answered 503 (%s)\n", trunk->name, why.text ? why.text : "-");
	sip_tx_respond(tr, r);
	return true;
}

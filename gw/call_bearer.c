/* The bearer service of a call (issue 18 point 3): 64 kbit/s unrestricted (Q.763 3.54 TMR 2, USI
 * unrestricted digital information) is RFC 4040 clearmode on the SIP side, admitted per trunk
 * ('codec clearmode' in the sip node, overridden in the trunk); the media of such a call is
 * relayed as it is (media/relay.c: no tones, no DTMF, no transcoding). */
#include <osmocom/core/logging.h>

#include "gw/debug.h"
#include "gw/call_priv.h"
#include "gw/bearer_map.h"
#include "isup/q850.h"

bool call_bearer_admit_in(struct gw_call *call, struct sip_trunk *trunk)
{
	enum gw_bearer b = gw_bearer_from_iam(call->iam);

	/* Q.850 65 bearer capability not implemented (RFC 3398 / Q.1912.5: 488 <-> 65): the
	 * gateway or this trunk does not provide it, it is not a passing shortage (58) */
	if (b == GW_BEARER_UNSUPPORTED || (b == GW_BEARER_UDI && !sip_trunk_clearmode(trunk))) {
		LOGPFSML(call->fi, LOGL_NOTICE, "IAM asks for a bearer trunk %s does not carry (%s): REL 65\n",
			 call->trunk, b == GW_BEARER_UDI ? "64 kbit/s unrestricted, clearmode refused" : "TMR");
		call_release_isup_by(call, Q850_BEARER_CAP_NOT_IMPLEMENTED, "gw");
		return false;
	}
	call->sip_id.clearmode = b == GW_BEARER_UDI;
	return true;
}

void call_bearer_egress_iam(struct gw_call *call, struct isup_msg *iam)
{
	if (call->sip_id.clearmode)
		gw_bearer_set_usi_udi(iam);	/* Q.763 3.57 with TMR 2 */
}

uint8_t call_bearer_clearmode_pt(struct gw_call *call)
{
	return sip_ua_clearmode_pt(call->iwf->sip);
}

void call_bearer_local_sdp(struct gw_call *call, struct sip_sdp *sdp)
{
	if (call->sip_id.clearmode)
		gw_bearer_clearmode_sdp(sdp, call_bearer_clearmode_pt(call));
}

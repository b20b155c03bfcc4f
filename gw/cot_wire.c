/* Wiring of the outgoing continuity check (Q.764 2.1.8): the ISUP layer asks for a check-tone
 * transceiver on a circuit's bearer (isup_cot.h), the media layer has one (media_cot_start);
 * neither knows the other, the application joins them here. The transceiver's local end is a
 * free port on the group's 'media pstn-local' address, else on the media pool's address (any
 * address without a pool): not the circuit's own PSTN port, which the call's media bridge may
 * already hold (an egress call allocates it before the IAM); the loop at the far end sends the
 * tone back to wherever it came from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/logging.h>

#include "gw/debug.h"
#include "gw/iwf.h"
#include "gw/cot_wire.h"
#include "isup/isup_cot.h"
#include "media/media.h"

static void tone_back(void *token)
{
	isup_cot_tone_returned(token);
}

static void *cot_connect(const char *group, uint16_t cic, const char *bearer, void *token, void *app)
{
	struct gw_iwf *iwf = app;
	const struct gw_pstn_local *pl = gw_iwf_pstn_local(iwf, group);
	const char *colon = bearer ? strrchr(bearer, ':') : NULL;
	const char *lip = iwf->media_pool ? media_pool_bind_ip(iwf->media_pool) : NULL;
	char ip[64];

	if (!colon || atoi(colon + 1) <= 0 || atoi(colon + 1) > 65535)
		return NULL;
	snprintf(ip, sizeof(ip), "%.*s", (int)(colon - bearer), bearer);
	if (pl)
		lip = pl->ip;
	LOGP(DGW, LOGL_INFO, "continuity check on %s CIC %u: check tone from %s to %s\n", group, cic,
	     lip ? lip : "*", bearer);
	return media_cot_start(iwf, lip, 0, ip, atoi(colon + 1), tone_back, token);
}

static void cot_disconnect(void *handle, void *app)
{
	media_cot_stop(handle);
}

static const struct isup_cot_ops gw_cot_ops = {
	.connect = cot_connect,
	.disconnect = cot_disconnect,
};

void gw_cot_wire(struct gw_iwf *iwf)
{
	isup_cot_register(iwf->isup, &gw_cot_ops, iwf);
}

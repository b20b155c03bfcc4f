/* SIGTERM/SIGINT with many calls: the releases go out in batches paced by the M3UA transmit
 * queue (isup/isup_cong.h), so that no REL is dropped at a full queue: a batch stops at the
 * congestion onset, the next one starts once the queue has drained to the abatement. */
#include <osmocom/core/fsm.h>

#include "gw/iwf.h"
#include "gw/call.h"
#include "isup/isup_node_api.h"
#include "isup/isup_call.h"

/* release the calls not released yet, until the queue is congested; the number left */
static unsigned int release_batch(struct gw_iwf *iwf)
{
	struct gw_call *call, *call2;
	unsigned int left = 0;

	llist_for_each_entry_safe(call, call2, &iwf->calls, list) {
		if (call->fi->proc.terminating || call->fi->state == GW_CALL_ST_RELEASING)
			continue;	/* released already (by us or by a leg) */
		if (left || isup_node_congested(iwf->isup)) {
			left++;
			continue;
		}
		gw_call_shutdown(call, GW_SHUTDOWN_CAUSE);
	}
	return left;
}

/* after the last batch: the circuits with a call of another call layer (the test call
 * application); before it, this would release the calls of the batches to come at once */
static unsigned int release_others(struct gw_iwf *iwf)
{
	if (iwf->others_released)
		return 0;
	iwf->others_released = true;
	return isup_node_release_all(iwf->isup, GW_SHUTDOWN_CAUSE);
}

unsigned int gw_iwf_release_paced_start(struct gw_iwf *iwf)
{
	unsigned int n = iwf->num_calls;

	iwf->shutting_down = true;
	if (!release_batch(iwf))
		n += release_others(iwf);
	return n;
}

bool gw_iwf_release_paced_step(struct gw_iwf *iwf)
{
	if (!release_batch(iwf))
		release_others(iwf);
	return iwf->others_released && gw_iwf_released(iwf);
}

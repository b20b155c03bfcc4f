/* Calls not yet answered at a takeover (issue 19 point 4). The active node keeps a record of
 * each call from its IAM / INVITE until the answer or the release (gw/ha_early.c); the node
 * taking over a pair's point code clears them cleanly: REL 41 toward the PSTN, 503 to an
 * INVITE the dead node received, CANCEL to one it sent (README "Several nodes"). */
#pragma once

struct gw_iwf;

typedef void (*gw_ha_early_done_cb)(struct gw_iwf *iwf, unsigned int cleared, void *priv);

/* The takeover's second step (gw/ha_takeover.c calls it after the answered calls are restored,
 * before the node writes its own state): read the dead node's early-call records, clear each
 * call, delete the records, then done_cb (from the select loop; at once when there is nothing
 * to do or no Redis). The circuits it releases are not idle when done_cb runs. */
void gw_ha_takeover_early(struct gw_iwf *iwf, gw_ha_early_done_cb done_cb, void *priv);

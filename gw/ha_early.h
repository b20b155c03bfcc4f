/* Calls not yet answered at a takeover (issue 19 point 4). The active node keeps a record of
 * each call from its IAM / INVITE until the answer or the release (gw/ha_early.c, record
 * format gw/ha_early_rec.h); the node taking over a pair's point code clears them cleanly:
 * REL 41 toward the PSTN, 503 to an INVITE the dead node received, CANCEL to one it sent
 * (README "Several nodes"). */
#pragma once

struct gw_iwf;

typedef void (*gw_ha_early_done_cb)(struct gw_iwf *iwf, unsigned int cleared, void *priv);

struct gw_call;

/* The active node's records (gw/ha_call.c calls these): written when the call exists on both
 * sides (the call FSM enters Trying: ingress INVITE sent, egress IAM sent), deleted at its
 * answer or release; no-ops without a store */
void gw_ha_early_put(struct gw_call *call);
void gw_ha_early_del(struct gw_call *call);
/* (re)connected or active: delete the node's early records of calls it has no more (a deletion
 * lost while Redis was away); asynchronous; no-op without a store */
void gw_ha_early_prune(struct gw_iwf *iwf);

/* The takeover's second step (gw/ha_takeover.c calls it after the answered calls are restored,
 * before the node writes its own state): read the dead node's early-call records, clear each
 * call, delete the records, then done_cb (from the select loop; at once when there is nothing
 * to do or no Redis). The circuits it releases are not idle when done_cb runs (REL sent, RLC
 * awaited). 'cleared': the calls for which a REL, a 503 or a CANCEL went out. Every record read
 * is deleted, a malformed one too (logged, counted as an error, nothing sent for it). */
void gw_ha_takeover_early(struct gw_iwf *iwf, gw_ha_early_done_cb done_cb, void *priv);

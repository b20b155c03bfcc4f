/* The takeover of an active/standby pair's point code (issue 19 point 4, gw/ha_takeover.c):
 * the node that became active carries on the answered calls of the node that died. */
#pragma once
#include <stdbool.h>

struct gw_iwf;

/* A node of a pair (ha asp): from its start until its takeover the ISUP layer holds the resume
 * resets and the received messages (isup_takeover.h); the pair's active hook runs the takeover */
void gw_ha_takeover_init(struct gw_iwf *iwf);
/* The takeover (the pair's active hook, gw/ha_m3ua.c): read the dead node's records back
 * (Redis), restore the answered calls, clear the early ones (gw/ha_early.h), RSC the circuits in
 * doubt, block again the blocked ones, end the ISUP hold, then write this node's state. Without
 * Redis or when the read-back fails: GRS of every group, as a node without a restore. */
void gw_ha_takeover(struct gw_iwf *iwf);
/* A restored call's re-INVITE was answered (ok: 2xx) or failed (gw/call_restore.c) */
void gw_ha_takeover_reinvite_done(struct gw_iwf *iwf, bool ok);

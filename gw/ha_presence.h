/* Presence of the nodes of a pair in Redis, so that each node can show the other's role
 * ('show cluster'): libosmo-sigtran 2.1 gives an ASP nothing about the other ASPs of its AS
 * (the SGP's NTFY carries the AS state only, RFC 4666 3.8.2), and the STP's VTY is not the
 * gateway's to use. Every gw X42 (1 s) each node writes
 *   HSET P N:nodes ASPNAME "role=R since=UNIX asp=STATE seq=K"     (K counts the refreshes)
 *   EXPIRE P N:nodes 3 x X42 (at least 3 s: the hash goes once neither node refreshes it)
 *   HGETALL P N:nodes
 * (3 commands per second per node; both nodes of a pair share N, the node-id). A peer's field is
 * fresh while its value changes; one unchanged for 3 x X42 on this node's own clock is stale
 * (no clock comparison between the nodes). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "gw/ha_m3ua.h"

struct gw_iwf;

#define GW_PRESENCE_MAX_PEERS 4

struct gw_presence_peer {
	char asp[64];
	char value[160];		/* the last value read */
	enum gw_ha_role role;
	time_t since;			/* its last role change, its clock */
	char asp_state[32];
	struct timespec changed;	/* when this node last saw the value change (monotonic) */
};

struct gw_presence_view {
	bool running;			/* pair and store both configured */
	unsigned int peers;
	struct gw_presence_peer peer[GW_PRESENCE_MAX_PEERS];
	uint64_t refreshes, reads, errors;	/* errors: malformed fields, failed commands */
};

void gw_presence_start(struct gw_iwf *iwf);
void gw_presence_stop(void);
const struct gw_presence_view *gw_presence_view(void);
/* a peer is fresh: its value changed within 3 x gw X42 */
bool gw_presence_fresh(const struct gw_presence_peer *p);
/* "role=R since=N asp=S seq=K" -> p (pure; -1 when malformed) */
int gw_presence_parse(const char *value, struct gw_presence_peer *p);

/* gw/ha_cluster_vty.c: 'show cluster' */
void gw_ha_cluster_vty_init(struct gw_iwf *iwf);

/* isup-peer load generation: many calls on a CIC range at a given call rate (benchmarks).
 *
 *   load calls=N cps=R cic=FIRST-LAST [dpc=PC] [cdpn=PREFIX] [cgpn=DIGITS]
 *        [hold=MS|keep|remote] [timeout=SEC] [rel-repeat=SEC] [t7=SEC]
 *   load calls=N cps=R group=NAME[,NAME...] [cdpn=...] [cgpn=...] [hold=...] [timeout=...]
 *     Sends N IAMs paced at R per second on idle CICs of the range (CdPN = PREFIX + a
 *     6-digit sequence number + ST, unique per call), counts ACM/ANM/REL. With group= the
 *     circuits are those of the config's circuit groups NAME (each its point-code and one
 *     contiguous CIC range; at most 8), taken round robin per call: call k goes to group k mod G,
 *     or to the next group with an idle circuit when that one has none (an exchange spreading its
 *     traffic over circuit groups toward several point codes). Calls end:
 *       hold=MS    REL (cause 16) from here MS after ANM, RLC expected
 *       remote     the far end releases (REL received after ANM, RLC answered) -- the default
 *       keep       calls stay up; the step ends once every call is answered or failed,
 *                  'load-release' tears them down
 *     rel-repeat=SEC: a REL of ours not answered by RLC within SEC is sent again, until the RLC
 *       (Q.764 2.9.6, T1; 0, the default: sent once); "rel_repeated=N" in the result line.
 *     t7=SEC: a call without ACM (or CON/ANM) SEC after its IAM fails: REL cause 102 (Q.764 Annex A
 *       T7; 0, the default: no T7), counted in failed and causes, "t7_expired=N".
 *     The step ends when every call has ended (keep: is answered or failed) or at the timeout;
 *     it prints one line "LOAD RESULT key=value ..." (groups=NAME:IAMS,... the IAMs per group;
 *     "cic" for a cic= range) and passes when no call failed.
 *   load-release [cps=R] [timeout=SEC]
 *     REL to every answered call of the last load, paced at R per second (0: all at once);
 *     ends when all are released: "LOAD RELEASED key=value ...".
 * Messages on the load's CICs are not printed (one progress line per second instead). */
#pragma once
#include <stdbool.h>
#include "isup/isup.h"

struct peer;
struct peer_load;

/* Commands; return 1 when the step blocks (it ends through peer_step_done), -1 on a usage error
 * (err filled). */
int peer_load_cmd(struct peer *peer, const char *args, char *err, size_t err_len);
int peer_load_release_cmd(struct peer *peer, const char *args, char *err, size_t err_len);
/* A received message: true when it belongs to a load call (consumed). */
bool peer_load_rx(struct peer *peer, uint32_t opc, const struct isup_msg *msg);

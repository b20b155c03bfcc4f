/* call_fsm_test's steps, shared by its flow files (tests/gw/call_fsm_test.c: ingress, set-up;
 * tests/gw/call_fsm_egress.c: egress, shutdown). */
#pragma once

struct gw_iwf;

#define CALLED_SIPI "301234567"	/* ingress default route: trunk sipi */
#define CALLED_PLAIN "99123"	/* ingress route 99: trunk plain */
#define CALLED_TONES "98123"	/* ingress route 98: trunk tones (tones-before-release 2) */
#define CDPN_EG "301234567"	/* egress default route: group exch */

/* "==== NAME": a flow begins */
void flow(const char *name);
/* after each event: a little time passes (the deferred work of the FSMs runs) */
void step(void);
/* more configuration at run time, as a file read like the daemon's */
void configure(const char *text);
/* the egress flows and the shutdown, in order */
void call_fsm_egress_flows(struct gw_iwf *iwf);
/* the overlap flows (tests/gw/call_fsm_overlap.c), after the others */
void call_fsm_overlap_flows(struct gw_iwf *iwf);
/* the SIP-I flows (IAM merge, the gateway's REL in its releases), after all others */
void call_fsm_sipi_flows(struct gw_iwf *iwf);

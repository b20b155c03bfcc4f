/* The numbers of one call (issue 18 point 6): the call's number rules (its circuit group and SIP
 * trunk), the trunk's number format, the calling party's category and the hop counter checks. */
#pragma once
#include <stdint.h>
#include "gw/iam_map.h"
#include "sip/sip.h"

struct gw_call;

/* The gateway's plan with the number rules of the call's circuit group and trunk */
void call_number_plan(struct gw_call *call, struct gw_number_plan *plan);
/* Ingress, once the trunk is known: the SIP identity again with the call's rules, then
 * Q.764 hop counter (0 left: cause 25) and the trunk's 'number-format global' (a called number
 * that is not global: cause 28; calling/redirecting numbers that are not global are left out).
 * Returns 0, or the Q.850 cause to release the call with (no INVITE). */
uint8_t call_numbers_ingress(struct gw_call *call);
/* Egress, from the INVITE: cpc= of a trusted trunk's PAI (or From) -> CPC; Max-Forwards that
 * leaves no hop: *status 483 and cause 25. Fills plan for gw_sip_to_iam. Returns 0 or the cause. */
uint8_t call_numbers_egress(struct gw_call *call, const struct sip_event *ev, struct gw_number_plan *plan,
			    int *status);

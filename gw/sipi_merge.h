/* SIP-I IAM merge (TS 29.163 7.3.3.1 "I-MGCF receiving an INVITE with encapsulated ISUP",
 * Q.1912.5 profile C): the IAM the gateway sends for an INVITE that carries one. */
#pragma once
#include <stdbool.h>
#include "isup/isup.h"
#include "gw/iam_map.h"

/* enc: the encapsulated IAM (in), the IAM to send (out, CIC 0). hdr: the IAM mapped from the
 * INVITE's headers alone (gw_sip_to_iam and the redirection/number mappings run on it before);
 * id: the headers' identity (Privacy, Max-Forwards, clearmode SDP); plan: numbers compare in the
 * global form gw_number_to_user gives. 'trusted': the trunk is in
 * the trust domain (RFC 3325); otherwise enc becomes hdr, the body supplies nothing.
 * The precedence of every field is the table in README ("SIP-I IAM merge"). */
void gw_sipi_merge_iam(struct isup_msg *enc, const struct isup_msg *hdr, const struct gw_sip_identity *id,
		       const struct gw_number_plan *plan, bool trusted);

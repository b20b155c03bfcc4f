/* The early-call record of the HA state store (issue 19 point 4): one call not answered yet,
 * from the moment it exists on both sides (ingress: IAM received and INVITE sent; egress:
 * INVITE received and IAM sent) until it is answered or released. What the node taking over
 * needs to clear it: the circuit, and the INVITE as sent / received (sip/sip_orphan.h).
 *
 *   P N:early:<gw call id>   hash: node id dir cic dpc group trunk uac peer local_tag sip_msg
 *   P N:early                set of those keys
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "sip/sip_orphan.h"

struct ha_field;

struct ha_early_rec {
	char node[64];
	uint32_t id;			/* the gw call id on that node */
	bool ingress;			/* ISUP -> SIP: the node sent the INVITE (inv.is_uac) */
	uint16_t cic;
	uint32_t dpc;
	char group[64];
	struct sip_invite_snapshot inv;	/* trunk, uac, peer, local tag, the INVITE without its body */
};

#define HA_EARLY_FIELDS 11		/* field/value pairs of an early record */

/* names[]/values[] (HA_EARLY_FIELDS each) from rec; the values point into f[] (HA_EARLY_FIELDS - 1
 * entries) and rec (the INVITE); returns the number of pairs */
unsigned int ha_early_rec_encode(const struct ha_early_rec *rec, struct ha_field *f, const char **names,
				 const char **values);
/* An HGETALL answer; -1 when a required field is missing or bad, or the direction and the
 * SIP role disagree */
int ha_early_rec_decode(struct ha_early_rec *rec, const char *const *names, const char *const *values,
			unsigned int n);

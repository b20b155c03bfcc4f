/* Hop counter (Q.763 3.80, Q.764) <-> Max-Forwards (RFC 3261 8.1.1.6, 16.6 item 3): both
 * count down once per hop, so the gateway, being one hop, decrements on the way through (Q.764
 * hop counter procedure; its sub-clause number is not checked against the text). */
#pragma once
#include <stdbool.h>

struct isup_msg;

#define GW_HOP_COUNTER_MAX	31	/* 5 bits */

/* IAM hop counter (-1: absent) -> the INVITE's Max-Forwards: hop - 1; absent -> -1 (the
 * INVITE gets the RFC 3261 default 70). 0 means: release (cause 25), never an INVITE. */
int gw_hop_to_max_forwards(int hop);
/* INVITE Max-Forwards (-1: absent) -> the IAM's hop counter: min(MF, 31) - 1; absent -> -1
 * (no hop counter). 0 means: reject (483), never an IAM. */
int gw_max_forwards_to_hop(int max_forwards);
/* The IAM about to go out has a hop counter of 0 (e.g. an encapsulated SIP-T/SIP-I IAM): it must
 * not be sent (483 / cause 25 instead) */
bool gw_iam_hop_exhausted(const struct isup_msg *iam);

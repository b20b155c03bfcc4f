/* ISUP messages and SIP bodies that call_fsm_test sends into the IWF (tests/gw/call_fsm_msgs.c).
 * Each returns a static buffer, valid until the next call of the same function. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "isup/isup.h"
#include "sip/sip.h"

/* IAM: national called number (complete: with ST), calling 40111222, ordinary subscriber, speech */
struct isup_msg *msg_iam(const char *called, bool complete);
struct isup_msg *msg_sam(const char *digits, bool st);
/* ACM with the called party's status; inband: OBCI in-band information available */
struct isup_msg *msg_acm(enum isup_bci_status status, bool inband);
/* A message without parameters (ANM ...) */
struct isup_msg *msg_simple(uint8_t type);
/* CON, subscriber free */
struct isup_msg *msg_con(void);
/* SUS / RES, network initiated (Q.764 2.6.2) */
struct isup_msg *msg_sus_res(uint8_t type);
/* REL with a cause indicators parameter: cause value, location and a diagnostic octet (0: none) */
struct isup_msg *msg_rel(uint8_t cause, uint8_t location, uint8_t diag);
/* An SDP of the far end (on loopback: the real media bridge sends tones to it) */
const struct sip_body *body_sdp(const char *addr, uint16_t port);
/* A SIP-I body: the ISUP message (and an SDP when addr is set) */
const struct sip_body *body_sipi(const struct isup_msg *msg, const char *addr, uint16_t port);

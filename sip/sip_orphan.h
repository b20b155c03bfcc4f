/* INVITEs whose transaction was another node's (the HA takeover, issue 19): what a layer above
 * keeps of an INVITE not answered yet, and the clearing of such an INVITE by the node that took
 * the dead node's place, without the dead node's transaction:
 *   received INVITE (we were the UAS): 503 Service Unavailable with Reason: Q.850;cause=N
 *     (RFC 3261 21.5.4; RFC 3326), sent to where the INVITE came from (RFC 3261 18.2.2),
 *     retransmitted until the ACK (17.2.1, an INVITE server transaction of this node);
 *   sent INVITE (we were the UAC): CANCEL (RFC 3261 9.1), then the ACK of the final response
 *     (the 487, 17.1.1.3); a 2xx that crossed the CANCEL gets the dialog's ACK (13.2.2.4) and a
 *     BYE with the cause (RFC 3261 15).
 * A retransmission of such an INVITE, or a late final response to it, reaching this node within
 * 64*T1 (32 s, Timer H, 17.2.1) of the clearing gets the same 503 / the ACK. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct sip_ua;
struct sip_dialog;

#define SIP_INVITE_TEXT_MAX 4096

struct sip_invite_snapshot {
	bool is_uac;			/* we sent the INVITE */
	char trunk[64];
	char peer[64];			/* "IP:PORT": where it went (UAC) / where it came from (UAS) */
	char local_tag[64];		/* UAS: our To tag (the one of our 18x), "" for a UAC */
	char msg[SIP_INVITE_TEXT_MAX];	/* the INVITE as sent / received: start line and headers, no body */
};

/* The initial INVITE of dlg; -1 when there is none or it does not fit */
int sip_dialog_invite_snapshot(struct sip_dialog *dlg, struct sip_invite_snapshot *s);
/* Clear the INVITE of s (503 or CANCEL as above) with Q.850 cause 'cause'. -1 when s cannot be
 * used (unknown trunk, bad peer, the message does not parse as an INVITE), -EEXIST when this
 * node has a dialog with its Call-ID (a call restored here); nothing is sent then. */
int sip_orphan_clear(struct sip_ua *ua, const struct sip_invite_snapshot *s, uint8_t cause);

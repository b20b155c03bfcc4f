/* Bearer service mapping (issue 18 point 3): ISUP transmission medium requirement (Q.763 3.54) and
 * user service information (Q.763 3.57, Q.931 4.5.5 bearer capability) <-> SDP, where 64 kbit/s
 * unrestricted is RFC 4040 clearmode and speech / 3.1 kHz audio is G.711. Pure functions. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "isup/isup.h"
#include "sip/sip.h"

enum gw_bearer {
	GW_BEARER_AUDIO,	/* speech / 3.1 kHz audio: G.711 (PCMA, PCMU, telephone-event) */
	GW_BEARER_UDI,		/* 64 kbit/s unrestricted digital information: clearmode only */
	GW_BEARER_UNSUPPORTED,	/* multirate / n x 64 kbit/s: not interworked (Q.850 cause 65) */
};

/* ISUP -> SIP: the bearer an IAM asks for. TMR 2 -> UDI; 0, 3 and 6 (64 kbit/s preferred: the
 * gateway falls back to 3.1 kHz audio) -> audio; others unsupported. Without a TMR (ANSI) the
 * USI's information transfer capability decides (8 unrestricted digital -> UDI). */
enum gw_bearer gw_bearer_from_iam(const struct isup_msg *iam);
/* SIP -> ISUP: clearmode alone -> UDI; clearmode with G.711 -> audio (the G.711 part is answered,
 * TMR 3.1 kHz: a fallback the PSTN can always route); otherwise audio. */
enum gw_bearer gw_bearer_from_offer(const struct sip_sdp *offer);
/* The clearmode codec of an SDP, NULL when none */
const struct sip_sdp_codec *gw_sdp_clearmode(const struct sip_sdp *sdp);
/* An SDP whose media the call can use: clearmode for a UDI call, G.711 otherwise */
bool gw_bearer_sdp_usable(const struct sip_sdp *sdp, bool udi);
/* RFC 4040 4: the local SDP reduced to one payload type, CLEARMODE/8000, no ptime */
void gw_bearer_clearmode_sdp(struct sip_sdp *sdp, uint8_t pt);
/* Q.763 3.57 USI for 64 kbit/s unrestricted (Q.931 4.5.5: ITU-T coding, unrestricted digital
 * information, circuit mode, 64 kbit/s; no layer 1 octet), set unless the IAM has one already */
void gw_bearer_set_usi_udi(struct isup_msg *iam);

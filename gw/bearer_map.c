/* Bearer service mapping: TMR / USI <-> SDP clearmode (RFC 4040) or G.711. */
#include <string.h>

#include "gw/bearer_map.h"
#include "gw/sip_map.h"

#define USI_ITC_UDI	0x08	/* Q.931 4.5.5 octet 3: unrestricted digital information */
#define USI_RATE_64K	0x10	/* octet 4: 64 kbit/s */

/* Q.763 3.57 without a TMR (ANSI T1.113 IAM): the USI's transfer capability */
static enum gw_bearer bearer_from_usi(const struct isup_msg *iam)
{
	const struct isup_param *p = isup_msg_find_const(iam, ISUP_PRM_USI);
	struct isup_usi usi;

	if (p && isup_usi_decode(&usi, p->val, p->len) == 0 && usi.itc == USI_ITC_UDI)
		return usi.transfer_rate == USI_RATE_64K ? GW_BEARER_UDI : GW_BEARER_UNSUPPORTED;
	return GW_BEARER_AUDIO;
}

enum gw_bearer gw_bearer_from_iam(const struct isup_msg *iam)
{
	const struct isup_param *p = isup_msg_find_const(iam, ISUP_PRM_TMR);

	if (!p || p->len < 1)
		return bearer_from_usi(iam);
	switch (p->val[0]) {	/* Q.763 3.54 */
	case ISUP_TMR_SPEECH:
	case ISUP_TMR_3K1_AUDIO:
	case ISUP_TMR_64K_PREFERRED:	/* Q.764 2.1.12 fallback: 3.1 kHz audio at the gateway */
		return GW_BEARER_AUDIO;
	case ISUP_TMR_64K_UNRESTRICTED:
		return GW_BEARER_UDI;
	default:
		return GW_BEARER_UNSUPPORTED;
	}
}

const struct sip_sdp_codec *gw_sdp_clearmode(const struct sip_sdp *sdp)
{
	for (unsigned int i = 0; i < sdp->num_codecs; i++)
		if (sdp->codecs[i].codec == SIP_CODEC_CLEARMODE)
			return &sdp->codecs[i];
	return NULL;
}

enum gw_bearer gw_bearer_from_offer(const struct sip_sdp *offer)
{
	/* RFC 4040 4: clearmode alone asks for 64 kbit/s unrestricted */
	if (offer && gw_sdp_clearmode(offer) && !gw_sdp_has_g711(offer))
		return GW_BEARER_UDI;
	return GW_BEARER_AUDIO;
}

bool gw_bearer_sdp_usable(const struct sip_sdp *sdp, bool udi)
{
	return udi ? gw_sdp_clearmode(sdp) != NULL : gw_sdp_has_g711(sdp);
}

void gw_bearer_clearmode_sdp(struct sip_sdp *sdp, uint8_t pt)
{
	memset(sdp->codecs, 0, sizeof(sdp->codecs));
	sdp->codecs[0] = (struct sip_sdp_codec){ .codec = SIP_CODEC_CLEARMODE, .pt = pt, .rate = 8000 };
	sdp->num_codecs = 1;
	sdp->ptime = 0;	/* RFC 4040 4: no packetisation games, no telephone-event */
}

void gw_bearer_set_usi_udi(struct isup_msg *iam)
{
	struct isup_usi usi = { .coding_std = 0, .itc = USI_ITC_UDI, .transfer_mode = 0,
				.transfer_rate = USI_RATE_64K };
	uint8_t raw[16];
	int len;

	if (isup_msg_find_const(iam, ISUP_PRM_USI))
		return;
	len = isup_usi_encode(&usi, raw, sizeof(raw));
	if (len > 0)
		isup_msg_set(iam, ISUP_PRM_USI, raw, len);
}

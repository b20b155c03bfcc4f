/* Per-trunk codec capability: RFC 4040 clearmode (64 kbit/s unrestricted) accepted or refused on
 * each trunk. The sip node's 'codec clearmode accept|reject' is the default; a trunk's own
 * 'codec clearmode accept|reject' overrides it, 'codec clearmode default' removes the override. */
#include <string.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/vty.h>
#include <osmocom/vty/command.h>

#include "sip/sip_internal.h"

#define SIP_CLEARMODE_PT_DEFAULT 97	/* dynamic payload type (RFC 4040 5: no static one) */

static const struct value_string clearmode_names[] = {
	{ SIP_CLEARMODE_DEFAULT, "default" }, { SIP_CLEARMODE_ACCEPT, "accept" },
	{ SIP_CLEARMODE_REJECT, "reject" }, { 0, NULL }
};

static const struct sip_sdp_codec *caps_clearmode(const struct sip_sdp *caps)
{
	for (unsigned int i = 0; i < caps->num_codecs; i++)
		if (caps->codecs[i].codec == SIP_CODEC_CLEARMODE)
			return &caps->codecs[i];
	return NULL;
}

uint8_t sip_ua_clearmode_pt(const struct sip_ua *ua)
{
	const struct sip_sdp_codec *c = caps_clearmode(&ua->local_caps);
	return c ? c->pt : SIP_CLEARMODE_PT_DEFAULT;
}

bool sip_trunk_clearmode(const struct sip_trunk *trunk)
{
	switch (trunk->cfg.clearmode) {
	case SIP_CLEARMODE_ACCEPT:
		return true;
	case SIP_CLEARMODE_REJECT:
		return false;
	default:
		return caps_clearmode(&trunk->ua->local_caps) != NULL;
	}
}

void sip_trunk_caps(const struct sip_trunk *trunk, struct sip_sdp *caps)
{
	unsigned int i, j;

	*caps = trunk->ua->local_caps;
	for (i = j = 0; i < caps->num_codecs; i++)
		if (caps->codecs[i].codec != SIP_CODEC_CLEARMODE)
			caps->codecs[j++] = caps->codecs[i];
	caps->num_codecs = j;
	if (sip_trunk_clearmode(trunk) && caps->num_codecs < SIP_SDP_MAX_CODECS)
		caps->codecs[caps->num_codecs++] = (struct sip_sdp_codec){
			.codec = SIP_CODEC_CLEARMODE, .pt = sip_ua_clearmode_pt(trunk->ua), .rate = 8000 };
}

bool sip_offer_clearmode_refused(const struct sip_trunk *trunk, const struct sip_sdp *offer)
{
	struct sip_sdp caps, ans;

	if (!caps_clearmode(offer) || sip_trunk_clearmode(trunk))
		return false;
	sip_trunk_caps(trunk, &caps);
	return sip_sdp_answer(&ans, offer, &caps) < 0;
}

#define TRUNK ((struct sip_trunk *)vty->index)

DEFUN(cfg_t_clearmode, cfg_t_clearmode_cmd, "codec clearmode (accept|reject|default)",
      "Codec capabilities of this trunk\n" "RFC 4040 clearmode (64 kbit/s unrestricted)\n"
      "Accept on this trunk\n" "Refuse on this trunk\n" "As the sip node's 'codec clearmode'\n")
{
	TRUNK->cfg.clearmode = get_string_value(clearmode_names, argv[0]);
	return CMD_SUCCESS;
}

void sip_codec_vty_write(struct vty *vty, const struct sip_trunk *trunk)
{
	if (trunk->cfg.clearmode != SIP_CLEARMODE_DEFAULT)
		vty_out(vty, "  codec clearmode %s%s", get_value_string(clearmode_names, trunk->cfg.clearmode),
			VTY_NEWLINE);
}

void sip_codec_vty_init(int trunk_node)
{
	install_element(trunk_node, &cfg_t_clearmode_cmd);
}

/* RTP packet parsing for the relay's own receive path (RFC 3550 5.1 fixed header, 5.3.1 header
 * extension, padding). The bridge reads its sockets itself instead of through ortp's session
 * receive path: that path is written for an end point and drops what a relay must pass on (a
 * restarted stream whose sequence number or timestamp went back, with or without a new SSRC;
 * packets older than the last delivered; anything beyond its queue cap). */
#include <errno.h>
#include <osmocom/core/bit16gen.h>
#include <osmocom/core/bit32gen.h>
#include "media/media_internal.h"

int media_rtp_parse(const uint8_t *buf, size_t n, struct media_rtp_pkt *p)
{
	size_t hlen;
	unsigned int pad = 0;

	if (n < RTP_HDR_LEN || (buf[0] >> 6) != RTP_VERSION)
		return -EINVAL;
	hlen = RTP_HDR_LEN + 4 * (buf[0] & 0x0f);		/* CSRC list */
	if (n < hlen)
		return -EINVAL;
	if (buf[0] & 0x10) {				/* X: 16-bit profile, 16-bit length in words */
		if (n < hlen + 4)
			return -EINVAL;
		hlen += 4 + 4 * (size_t)osmo_load16be(buf + hlen + 2);
		if (n < hlen)
			return -EINVAL;
	}
	if (buf[0] & 0x20) {				/* P: the last octet counts the padding */
		pad = buf[n - 1];
		if (pad == 0 || hlen + pad > n)
			return -EINVAL;
	}
	p->pt = buf[1] & 0x7f;
	p->marker = buf[1] & 0x80;
	p->seq = osmo_load16be(buf + 2);
	p->ts = osmo_load32be(buf + 4);
	p->ssrc = osmo_load32be(buf + 8);
	p->payload = buf + hlen;
	p->len = n - hlen - pad;
	return 0;
}

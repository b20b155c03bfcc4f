/* SDP model, parsing (libosip2 sdp_message) and RFC 3264 offer/answer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <osipparser2/osip_port.h>
#include <osipparser2/sdp_message.h>
#include <osmocom/core/utils.h>

#include "sip/sip.h"

static const struct {
	enum sip_codec codec;
	const char *name;
	uint32_t rate;
	int static_pt;
} codec_names[] = {
	{ SIP_CODEC_PCMU, "PCMU", 8000, 0 },
	{ SIP_CODEC_PCMA, "PCMA", 8000, 8 },
	{ SIP_CODEC_TELEPHONE_EVENT, "telephone-event", 8000, -1 },
	{ SIP_CODEC_CLEARMODE, "CLEARMODE", 8000, -1 },	/* RFC 4040 4 */
};

static const char *codec_name(enum sip_codec c)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(codec_names); i++)
		if (codec_names[i].codec == c)
			return codec_names[i].name;
	return NULL;
}

const char *sip_sdp_dir_name(enum sip_sdp_dir dir)
{
	switch (dir) {
	case SIP_SDP_SENDONLY: return "sendonly";
	case SIP_SDP_RECVONLY: return "recvonly";
	case SIP_SDP_INACTIVE: return "inactive";
	default: return "sendrecv";
	}
}

static int dir_from_name(const char *s, enum sip_sdp_dir *dir)
{
	if (!strcasecmp(s, "sendrecv")) *dir = SIP_SDP_SENDRECV;
	else if (!strcasecmp(s, "sendonly")) *dir = SIP_SDP_SENDONLY;
	else if (!strcasecmp(s, "recvonly")) *dir = SIP_SDP_RECVONLY;
	else if (!strcasecmp(s, "inactive")) *dir = SIP_SDP_INACTIVE;
	else return -1;
	return 0;
}

static struct sip_sdp_codec *find_pt(struct sip_sdp *sdp, int pt)
{
	for (unsigned int i = 0; i < sdp->num_codecs; i++)
		if (sdp->codecs[i].pt == pt)
			return &sdp->codecs[i];
	return NULL;
}

/* a=rtpmap:<pt> <name>/<rate>[/<channels>] (RFC 4566 6) */
static void apply_rtpmap(struct sip_sdp *sdp, const char *val)
{
	char name[32];
	int pt;
	unsigned int rate = 8000;
	struct sip_sdp_codec *c;

	if (sscanf(val, "%d %31[^/]/%u", &pt, name, &rate) < 2)
		return;
	c = find_pt(sdp, pt);
	if (!c)
		return;
	c->rate = rate;
	c->codec = SIP_CODEC_OTHER;
	for (unsigned int i = 0; i < ARRAY_SIZE(codec_names); i++)
		if (!strcasecmp(codec_names[i].name, name) && rate == codec_names[i].rate)
			c->codec = codec_names[i].codec;
}

static void apply_fmtp(struct sip_sdp *sdp, const char *val)
{
	int pt, n = 0;
	struct sip_sdp_codec *c;

	if (sscanf(val, "%d %n", &pt, &n) < 1 || n <= 0)
		return;
	c = find_pt(sdp, pt);
	if (c)
		osmo_strlcpy(c->fmtp, val + n, sizeof(c->fmtp));
}

static void apply_attr(struct sip_sdp *sdp, const char *field, const char *val)
{
	if (!field)
		return;
	if (!strcasecmp(field, "rtpmap") && val)
		apply_rtpmap(sdp, val);
	else if (!strcasecmp(field, "fmtp") && val)
		apply_fmtp(sdp, val);
	else if (!strcasecmp(field, "ptime") && val)
		sdp->ptime = atoi(val) > 0 && atoi(val) < 1000 ? atoi(val) : 0;
	else
		dir_from_name(field, &sdp->dir);
}

/* o= (RFC 4566 5.2, mandatory with v=0) and the first m=audio: its index, or -1 */
static int sdp_session(struct sip_sdp *sdp, sdp_message_t *m)
{
	const char *s = sdp_message_v_version_get(m);

	if (!s || strcmp(s, "0") || !sdp_message_o_username_get(m))
		return -1;
	s = sdp_message_o_sess_id_get(m);
	if (s)
		sdp->sess_id = strtoull(s, NULL, 10);
	s = sdp_message_o_sess_version_get(m);
	if (s)
		sdp->sess_version = strtoull(s, NULL, 10);
	for (int i = 0; !sdp_message_endof_media(m, i); i++) {
		const char *media = sdp_message_m_media_get(m, i);
		if (media && !strcasecmp(media, "audio"))
			return i;
	}
	return -1;
}

/* c= (of the media, else session level: RFC 4566 5.7; IN IP4 or IN IP6), the port and the
 * payload types of the audio stream */
static int sdp_audio(struct sip_sdp *sdp, sdp_message_t *m, int audio)
{
	const char *s = sdp_message_c_addr_get(m, audio, 0);
	char *end;
	long port;

	if (!s)
		s = sdp_message_c_addr_get(m, -1, 0);
	if (!s)
		return -1;
	osmo_strlcpy(sdp->addr, s, sizeof(sdp->addr));
	s = sdp_message_m_port_get(m, audio);
	if (!s)
		return -1;
	port = strtol(s, &end, 10);
	if (end == s || port < 0 || port > 65535)
		return -1;
	sdp->port = port;
	for (int j = 0; (s = sdp_message_m_payload_get(m, audio, j)); j++) {
		long pt = strtol(s, &end, 10);
		struct sip_sdp_codec *c;
		if (end == s || pt < 0 || pt > 127)
			return -1;
		if (sdp->num_codecs >= SIP_SDP_MAX_CODECS)
			break;
		c = &sdp->codecs[sdp->num_codecs++];
		memset(c, 0, sizeof(*c));
		c->pt = pt;
		c->rate = 8000;
		c->codec = pt == 0 ? SIP_CODEC_PCMU : pt == 8 ? SIP_CODEC_PCMA : SIP_CODEC_OTHER;
	}
	return 0;
}

int sip_sdp_parse(struct sip_sdp *sdp, const char *buf, size_t len)
{
	sdp_message_t *m = NULL;
	char *copy;
	int rc = -EINVAL, audio;
	const char *s;

	memset(sdp, 0, sizeof(*sdp));
	if (!buf || len == 0 || len > 16384)
		return -EINVAL;
	/* libosip2's sdp_message_parse reads past the terminating NUL on some truncated lines (found
	 * by fuzzing): terminate the last line and leave a zeroed guard area behind the text */
	copy = calloc(1, len + 2 + 32);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	if (strlen(copy) != len)
		goto out;		/* NUL inside SDP */
	if (copy[len - 1] != '\n')
		memcpy(copy + len, "\r\n", 2);
	if (sdp_message_init(&m) != 0 || sdp_message_parse(m, copy) != 0)
		goto out;
	audio = sdp_session(sdp, m);
	if (audio < 0 || sdp_audio(sdp, m, audio) < 0)
		goto out;

	sdp->dir = SIP_SDP_SENDRECV;
	/* session-level attributes first, media-level ones override */
	for (int k = 0; (s = sdp_message_a_att_field_get(m, -1, k)); k++)
		apply_attr(sdp, s, sdp_message_a_att_value_get(m, -1, k));
	for (int k = 0; (s = sdp_message_a_att_field_get(m, audio, k)); k++)
		apply_attr(sdp, s, sdp_message_a_att_value_get(m, audio, k));
	/* RFC 3264 5.1 / RFC 2543 style hold: c=0.0.0.0 */
	if (!strcmp(sdp->addr, "0.0.0.0") && sdp->dir == SIP_SDP_SENDRECV)
		sdp->dir = SIP_SDP_SENDONLY;
	rc = 0;
out:
	if (m)
		sdp_message_free(m);
	free(copy);
	return rc;
}

#define APPEND(...) do { \
		int _n = snprintf(buf + off, size > off ? size - off : 0, __VA_ARGS__); \
		if (_n < 0) return -EINVAL; \
		off += _n; \
	} while (0)

int sip_sdp_encode(const struct sip_sdp *sdp, char *buf, size_t size)
{
	size_t off = 0;
	/* RFC 4566 5.7: the address type follows the address (IPv6 literal: IP6) */
	const char *atype = strchr(sdp->addr, ':') ? "IP6" : "IP4";

	APPEND("v=0\r\n");
	APPEND("o=sipt-gw %llu %llu IN %s %s\r\n", (unsigned long long)sdp->sess_id,
	       (unsigned long long)sdp->sess_version, atype, sdp->addr);
	APPEND("s=-\r\n");
	APPEND("c=IN %s %s\r\n", atype, sdp->addr);
	APPEND("t=0 0\r\n");
	APPEND("m=audio %u RTP/AVP", sdp->port);
	for (unsigned int i = 0; i < sdp->num_codecs; i++)
		APPEND(" %u", sdp->codecs[i].pt);
	APPEND("\r\n");
	for (unsigned int i = 0; i < sdp->num_codecs; i++) {
		const struct sip_sdp_codec *c = &sdp->codecs[i];
		const char *name = codec_name(c->codec);
		if (!name)
			continue;
		APPEND("a=rtpmap:%u %s/%u\r\n", c->pt, name, c->rate ? c->rate : 8000);
		if (c->fmtp[0])
			APPEND("a=fmtp:%u %s\r\n", c->pt, c->fmtp);
	}
	if (sdp->ptime)
		APPEND("a=ptime:%u\r\n", sdp->ptime);
	APPEND("a=%s\r\n", sip_sdp_dir_name(sdp->dir));
	if (off >= size)
		return -ENOSPC;
	return off;
}

void sip_sdp_init_local(struct sip_sdp *sdp, const char *addr, uint16_t port)
{
	memset(sdp, 0, sizeof(*sdp));
	osmo_strlcpy(sdp->addr, addr, sizeof(sdp->addr));
	sdp->port = port;
	sdp->codecs[0] = (struct sip_sdp_codec){ .codec = SIP_CODEC_PCMA, .pt = 8, .rate = 8000 };
	sdp->codecs[1] = (struct sip_sdp_codec){ .codec = SIP_CODEC_PCMU, .pt = 0, .rate = 8000 };
	sdp->codecs[2] = (struct sip_sdp_codec){ .codec = SIP_CODEC_TELEPHONE_EVENT, .pt = 101, .rate = 8000,
						  .fmtp = "0-15" };
	sdp->num_codecs = 3;
	sdp->ptime = 20;
	sdp->dir = SIP_SDP_SENDRECV;
	sdp->sess_id = 1;
	sdp->sess_version = 1;
}

static bool local_has(const struct sip_sdp *local, enum sip_codec c)
{
	for (unsigned int i = 0; i < local->num_codecs; i++)
		if (local->codecs[i].codec == c)
			return true;
	return false;
}

/* RFC 3264 6.1: direction of the answer given the offer's */
static enum sip_sdp_dir answer_dir(enum sip_sdp_dir offer, enum sip_sdp_dir local)
{
	switch (offer) {
	case SIP_SDP_SENDONLY:
		return local == SIP_SDP_INACTIVE || local == SIP_SDP_SENDONLY ? SIP_SDP_INACTIVE : SIP_SDP_RECVONLY;
	case SIP_SDP_RECVONLY:
		return local == SIP_SDP_INACTIVE || local == SIP_SDP_RECVONLY ? SIP_SDP_INACTIVE : SIP_SDP_SENDONLY;
	case SIP_SDP_INACTIVE:
		return SIP_SDP_INACTIVE;
	default:
		return local;
	}
}

int sip_sdp_answer(struct sip_sdp *answer, const struct sip_sdp *offer, const struct sip_sdp *local)
{
	bool media = false;
	struct sip_sdp a = *local;

	a.num_codecs = 0;
	for (unsigned int i = 0; i < offer->num_codecs && a.num_codecs < SIP_SDP_MAX_CODECS; i++) {
		const struct sip_sdp_codec *c = &offer->codecs[i];
		if (c->codec == SIP_CODEC_OTHER || !local_has(local, c->codec))
			continue;
		/* RFC 4733: telephone-event alone is not a usable session */
		if (c->codec != SIP_CODEC_TELEPHONE_EVENT)
			media = true;
		a.codecs[a.num_codecs++] = *c;
	}
	if (!media)
		return -ENOENT;
	a.dir = answer_dir(offer->dir, local->dir);
	if (offer->ptime)
		a.ptime = offer->ptime;
	*answer = a;
	return 0;
}

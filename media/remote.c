/* Remote endpoints of the legs and payload formats; which sources are relayed (early media:
 * replaced remotes, RFC 3960 3.2 only-the-remote while dialogs are early). */
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/logging.h>
#include "media/media_internal.h"

/* Remember the leg's current remote as replaced; forget the new one if it was replaced before */
static void note_replaced(struct media_leg_state *l, const char *new_ip, uint16_t new_port)
{
	for (unsigned int i = 0; i < l->num_replaced; i++)
		if (new_ip && l->replaced[i].port == new_port && !strcmp(l->replaced[i].ip, new_ip))
			l->replaced[i].port = 0;
	if (!l->has_remote || (new_ip && l->remote_port == new_port && !strcmp(l->remote_ip, new_ip)))
		return;
	OSMO_STRLCPY_ARRAY(l->replaced[l->next_replaced].ip, l->remote_ip);
	l->replaced[l->next_replaced].port = l->remote_port;
	l->next_replaced = (l->next_replaced + 1) % ARRAY_SIZE(l->replaced);
	if (l->num_replaced < ARRAY_SIZE(l->replaced))
		l->num_replaced++;
}

bool media_leg_src_refused(const struct media_leg_state *l, const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	char ip[INET_ADDRSTRLEN];

	if ((!l->num_replaced && !l->only_remote) || len < (socklen_t)sizeof(*sin) || sin->sin_family != AF_INET)
		return false;
	if (!inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip)))
		return false;
	if (l->only_remote)
		return !l->has_remote || l->remote_port != ntohs(sin->sin_port) || strcmp(l->remote_ip, ip);
	for (unsigned int i = 0; i < l->num_replaced; i++)
		if (l->replaced[i].port && l->replaced[i].port == ntohs(sin->sin_port) && !strcmp(l->replaced[i].ip, ip))
			return true;
	return false;
}

void media_bridge_only_remote(struct media_bridge *b, enum media_leg leg, bool on)
{
	if (leg < _NUM_MEDIA_LEGS)
		b->legs[leg].only_remote = on;
}

int media_bridge_set_remote(struct media_bridge *b, enum media_leg leg, const char *ip, uint16_t port)
{
	struct media_leg_state *l;

	if (leg >= _NUM_MEDIA_LEGS)
		return -EINVAL;
	l = &b->legs[leg];
	note_replaced(l, ip && *ip && port ? ip : NULL, port);
	if (!ip || !*ip || !port) {
		/* no remote (SDP port 0): stop sending to the old address at once */
		l->has_remote = false;
		l->remote_port = 0;
		l->remote_ip[0] = 0;
		LOGP(DMEDIA, LOGL_INFO, "%s: %s leg: no remote\n", b->name, media_leg_name(leg));
		return 0;
	}
	if (l->has_remote && !strcmp(l->remote_ip, ip) && l->remote_port == port)
		return 0;
	OSMO_STRLCPY_ARRAY(l->remote_ip, ip);
	l->remote_port = port;
	l->has_remote = true;
	LOGP(DMEDIA, LOGL_INFO, "%s: %s leg: remote %s:%u\n", b->name, media_leg_name(leg), ip, port);
	return media_leg_apply_remote(l);
}

int media_bridge_set_leg(struct media_bridge *b, enum media_leg leg, const char *ip, uint16_t port,
			 enum media_codec codec, uint8_t pt, int te_pt)
{
	struct media_leg_state *l;

	if (leg >= _NUM_MEDIA_LEGS || pt > RTP_PT_MAX || te_pt > RTP_PT_MAX)
		return -EINVAL;
	l = &b->legs[leg];
	l->codec = codec;
	l->pt = pt;
	l->te_pt = te_pt < 0 || codec == MEDIA_CODEC_CLEARMODE ? -1 : te_pt;
	if (codec == MEDIA_CODEC_CLEARMODE)
		l->dtmf.inband = false;	/* RFC 4040: no DTMF handling in a clearmode stream */
	return media_bridge_set_remote(b, leg, ip, port);
}

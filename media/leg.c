/* One leg of a bridge: an ortp session on a pool port (used to bind the sockets only), its
 * sockets in the bridges' epoll set (rtp_io.c), and the leg's outgoing stream (own SSRC and
 * sequence, timestamps re-based when the source changes), built here and sent in batches. */
#include <string.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <netdb.h>
#include <sys/socket.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/select.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/bit16gen.h>
#include <osmocom/core/bit32gen.h>
#include "media/media_internal.h"

#define SAMPLES_PER_MS 8
#define FRAME_MS 20		/* G.711 packetisation: the shortest gap between two sources */
#define REBASE_MAX_MS 60000	/* longest gap carried into the timestamps of a new source */

#define RX_BURST 128		/* datagrams per socket callback; epoll comes back for the rest */
#define DRAIN_MAX (8 * RX_BURST)	/* bound of a drain before a change of direction */
#define RX_SOCKET_BUFFER 1000000	/* SO_RCVBUF: bursts while the process is busy elsewhere */
#define BIND_ATTEMPTS 16	/* pool pairs tried: a port may be taken by another process */

static int leg_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	if (what & OSMO_FD_READ)
		media_io_read(ofd->data, RX_BURST);
	return 0;
}

/* What the socket holds now arrived before the caller's change of direction: handled under the
 * direction it arrived in (bounded: a stalled process may find a long backlog). */
void media_leg_drain(struct media_leg_state *l)
{
	media_io_read(l, DRAIN_MAX);
}

static RtpSession *new_session(void)
{
	RtpSession *s = rtp_session_new(RTP_SESSION_SENDRECV);

	if (!s)
		return NULL;
	rtp_session_set_scheduling_mode(s, 0);
	rtp_session_set_blocking_mode(s, 0);
	rtp_session_set_profile(s, &av_profile);
	rtp_session_enable_rtcp(s, FALSE);
	/* the socket is read by leg_fd_cb, not by ortp: no jitter buffer or receive queue involved */
	rtp_session_set_rtp_socket_recv_buffer_size(s, RX_SOCKET_BUFFER);
	return s;
}

static int leg_register(struct media_leg_state *l)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);

	osmo_fd_setup(&l->ofd, rtp_session_get_rtp_socket(l->rtp), OSMO_FD_READ, leg_fd_cb, l, 0);
	osmo_fd_setup(&l->rtcp_ofd, rtp_session_get_rtcp_socket(l->rtp), OSMO_FD_READ, media_io_rtcp_cb, l, 1);
	l->family = getsockname(l->ofd.fd, (struct sockaddr *)&ss, &sslen) == 0 ? ss.ss_family : AF_INET;
	/* RFC 3550 5.1, 8: random initial sequence number and SSRC of the leg's outgoing stream */
	l->tx_ssrc = (uint32_t)random() ^ ((uint32_t)random() << 16);
	l->tx_seq = (uint16_t)random();
	l->ep_rtp = media_io_add(&l->ofd) == 0;
	l->ep_rtcp = l->rtcp_ofd.fd >= 0 && media_io_add(&l->rtcp_ofd) == 0;
	if (!l->ep_rtp || (l->rtcp_ofd.fd >= 0 && !l->ep_rtcp)) {
		media_leg_close(l);
		return -EIO;
	}
	return 0;
}

/* A leg on a fixed local endpoint (the circuit's own port): RTP port, RTCP port + 1. */
int media_leg_open_fixed(struct media_leg_state *l, const char *ip, uint16_t port)
{
	l->rtp = new_session();
	if (!l->rtp)
		return -ENOMEM;
	if (rtp_session_set_local_addr(l->rtp, ip, port, port + 1) < 0) {
		LOGP(DMEDIA, LOGL_ERROR, "%s: cannot bind %s:%u for the %s leg\n", l->b->name, ip, port,
		     media_leg_name(l->leg));
		rtp_session_destroy(l->rtp);
		l->rtp = NULL;
		media_pool_ctr_inc(l->b->pool, MEDIA_CTR_PORT_FAIL);
		return -EADDRINUSE;
	}
	l->fixed = true;
	l->local_port = port;
	OSMO_STRLCPY_ARRAY(l->local_ip, ip);
	return leg_register(l);
}

int media_leg_open(struct media_leg_state *l)
{
	struct media_pool *pool = l->b->pool;

	for (unsigned int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
		uint16_t port;
		if (media_pool_get_pair(pool, &port) < 0)
			break;
		l->rtp = new_session();
		if (!l->rtp) {
			media_pool_put_pair(pool, port);
			return -ENOMEM;
		}
		if (rtp_session_set_local_addr(l->rtp, pool->bind_ip, port, port + 1) == 0) {
			l->local_port = port;
			break;
		}
		LOGP(DMEDIA, LOGL_NOTICE, "%s: cannot bind %s:%u, trying the next port\n", l->b->name,
		     pool->bind_ip, port);
		rtp_session_destroy(l->rtp);
		l->rtp = NULL;
		media_pool_put_pair(pool, port);
	}
	if (!l->local_port) {
		media_pool_ctr_inc(pool, MEDIA_CTR_PORT_FAIL);
		return -EADDRINUSE;
	}
	OSMO_STRLCPY_ARRAY(l->local_ip, pool->bind_ip);
	return leg_register(l);
}

void media_leg_close(struct media_leg_state *l)
{
	media_io_flush();		/* the send queue holds no packet of a closed leg */
	if (l->ep_rtp)
		media_io_del(&l->ofd);
	if (l->ep_rtcp)
		media_io_del(&l->rtcp_ofd);
	l->ep_rtp = l->ep_rtcp = false;
	l->ofd.fd = -1;
	l->rtcp_ofd.fd = -1;
	if (l->rtp) {
		rtp_session_destroy(l->rtp);	/* closes the sockets */
		l->rtp = NULL;
	}
	if (l->local_port && !l->fixed)
		media_pool_put_pair(l->b->pool, l->local_port);
	l->local_port = 0;
	l->fixed = false;
}

/* The remote as a socket address of the socket's family (IPv4 mapped on an IPv6 socket). */
static int resolve_remote(struct media_leg_state *l)
{
	struct addrinfo hints = { .ai_family = l->family, .ai_socktype = SOCK_DGRAM,
				  .ai_flags = l->family == AF_INET6 ? AI_V4MAPPED : 0 };
	struct addrinfo *res = NULL;
	char port[8];

	snprintf(port, sizeof(port), "%u", l->remote_port);
	if (getaddrinfo(l->remote_ip, port, &hints, &res) != 0 || !res)
		return -EINVAL;
	if (res->ai_addrlen > sizeof(l->remote_sa)) {
		freeaddrinfo(res);
		return -EINVAL;
	}
	memcpy(&l->remote_sa, res->ai_addr, res->ai_addrlen);
	l->remote_salen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int media_leg_apply_remote(struct media_leg_state *l)
{
	if (!l->has_remote)
		return 0;
	media_io_flush();		/* what was queued goes to the address it was queued for */
	if (!l->rtp || resolve_remote(l) < 0) {
		LOGP(DMEDIA, LOGL_ERROR, "%s: %s leg: bad remote %s:%u\n", l->b->name, media_leg_name(l->leg),
		     l->remote_ip, l->remote_port);
		l->has_remote = false;
		return -EINVAL;
	}
	return 0;
}

/* Timestamp for the first packet of a new source: continue the leg's timeline by the wall-clock
 * time since the last packet sent (at least one frame), so the receiver sees one clean stream. */
static uint32_t rebase_ts(struct media_leg_state *l, const struct timespec *now)
{
	int64_t ms;

	if (!l->tx_started)
		return (uint32_t)random();
	ms = media_ms_since(&l->last_tx, now);
	if (ms < FRAME_MS)
		ms = FRAME_MS;
	if (ms > REBASE_MAX_MS)
		ms = REBASE_MAX_MS;
	return l->last_tx_ts + (uint32_t)(ms * SAMPLES_PER_MS);
}

/* RFC 3550 5.1: the leg's own fixed header (no CSRC, no extension) in front of the payload, queued
 * in the process's send queue (rtp_io.c). No allocation: the slot is the process's. */
int media_leg_send(struct media_leg_state *l, const struct media_src *src, uint8_t pt, bool marker,
		   uint32_t in_ts, const uint8_t *payload, size_t len)
{
	struct timespec now;
	uint32_t out_ts;
	uint8_t *pkt;

	if (!l->has_remote || !l->rtp || l->ofd.fd < 0)
		return -ENOTCONN;
	pkt = media_io_tx_slot(l, RTP_HDR_LEN + len);
	if (!pkt)
		return -EMSGSIZE;
	media_now(&now);
	if (!l->src.valid || l->src.tone != src->tone || l->src.ssrc != src->ssrc || l->src.epoch != src->epoch) {
		l->ts_offset = (int32_t)(rebase_ts(l, &now) - in_ts);
		l->src = *src;
		l->src.valid = true;
		marker = true;		/* RFC 3550: marker on the first packet after a discontinuity */
	}
	out_ts = in_ts + (uint32_t)l->ts_offset;
	pkt[0] = RTP_VERSION << 6;
	pkt[1] = (marker ? 0x80 : 0) | (pt & 0x7f);
	osmo_store16be(l->tx_seq++, pkt + 2);
	osmo_store32be(out_ts, pkt + 4);
	osmo_store32be(l->tx_ssrc, pkt + 8);
	memcpy(pkt + RTP_HDR_LEN, payload, len);
	l->tx_started = true;
	l->last_tx_ts = out_ts;
	l->last_tx = now;
	l->st.tx_packets++;
	l->st.tx_bytes += len;
	media_io_tx_done();
	return 0;
}

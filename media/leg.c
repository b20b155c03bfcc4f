/* One leg of a bridge: an ortp session on a pool port, read from osmo_select_main, and the
 * leg's outgoing stream (own SSRC and sequence, timestamps re-based when the source changes). */
#include <string.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/select.h>
#include <osmocom/core/utils.h>
#include "media/media_internal.h"

#define SAMPLES_PER_MS 8
#define FRAME_MS 20		/* G.711 packetisation: the shortest gap between two sources */
#define REBASE_MAX_MS 60000	/* longest gap carried into the timestamps of a new source */

#define RX_BURST 64		/* packets per socket callback; select() comes back for the rest */
#define DRAIN_MAX (16 * RX_BURST)	/* bound of a drain before a change of direction */
#define RX_BUF 2048		/* a datagram (RTP over Ethernet fits in 1500) */
#define RTCP_BUF 1500
#define RX_SOCKET_BUFFER 1000000	/* SO_RCVBUF: bursts while the process is busy elsewhere */
#define BIND_ATTEMPTS 16	/* pool pairs tried: a port may be taken by another process */

/* Read the socket directly (see rtp_parse.c for why not through ortp's receive path): every
 * RTP packet with a payload goes to the relay as it arrives. */
static unsigned int leg_read(struct media_leg_state *l, unsigned int max)
{
	struct osmo_fd *ofd = &l->ofd;
	uint8_t buf[RX_BUF];
	unsigned int i;

	if (ofd->fd < 0)
		return 0;
	for (i = 0; i < max; i++) {
		struct media_rtp_pkt pkt;
		struct sockaddr_storage src;
		socklen_t srclen = sizeof(src);
		ssize_t n = recvfrom(ofd->fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&src, &srclen);
		if (n < 0)
			break;			/* EAGAIN: drained */
		if (media_rtp_parse(buf, n, &pkt) < 0) {
			l->st.rx_invalid++;
			continue;
		}
		if (pkt.len > 0 && media_leg_src_refused(l, (struct sockaddr *)&src, srclen)) {
			/* an early media source replaced by a later 18x / the answer, or not the current one */
			l->st.rx_dropped++;
			media_pool_ctr_inc(l->b->pool, MEDIA_CTR_DROPPED);
		} else if (pkt.len > 0) {
			media_relay_input(l, &pkt);
		}
	}
	return i;
}

static int leg_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	if (what & OSMO_FD_READ)
		leg_read(ofd->data, RX_BURST);
	return 0;
}

/* What the socket holds now arrived before the caller's change of direction: handled under the
 * direction it arrived in (bounded: a stalled process may find a long backlog). */
void media_leg_drain(struct media_leg_state *l)
{
	leg_read(l, DRAIN_MAX);
}

/* RTCP port: read and discarded, so that a peer's reports do not pile up in the socket */
static int leg_rtcp_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct media_leg_state *l = ofd->data;
	uint8_t buf[RTCP_BUF];

	if (!(what & OSMO_FD_READ))
		return 0;
	for (unsigned int i = 0; i < RX_BURST; i++) {
		if (recv(ofd->fd, buf, sizeof(buf), MSG_DONTWAIT) < 0)
			break;
		l->st.rx_rtcp++;
	}
	return 0;
}

/* Every bridge socket sits in one epoll set, itself a single descriptor in osmo_select_main:
 * libosmocore's poll() walks all registered descriptors at every wake-up, so with thousands of
 * bridge sockets the cost per packet grew with the number of bridges (bench/README). The set is
 * the process's, like the select loop it hangs off; level-triggered, as poll() is. */
static struct osmo_fd leg_epoll = { .fd = -1 };
static unsigned int leg_epoll_gen;	/* bumped when a socket leaves the set */

static int leg_epoll_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct epoll_event ev[64];
	unsigned int gen = leg_epoll_gen;
	int n = epoll_wait(ofd->fd, ev, ARRAY_SIZE(ev), 0);

	for (int i = 0; i < n; i++) {
		struct osmo_fd *lfd = ev[i].data.ptr;
		lfd->cb(lfd, OSMO_FD_READ);
		/* a callback closed a bridge: the events still in ev[] may point at freed legs; the
		 * remaining ready sockets are reported again at the next wake-up */
		if (gen != leg_epoll_gen)
			break;
	}
	return 0;
}

static int leg_epoll_add(struct osmo_fd *ofd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = ofd };

	if (leg_epoll.fd < 0) {
		int fd = epoll_create1(EPOLL_CLOEXEC);
		if (fd < 0)
			return -errno;
		osmo_fd_setup(&leg_epoll, fd, OSMO_FD_READ, leg_epoll_cb, NULL, 0);
		if (osmo_fd_register(&leg_epoll) < 0) {
			close(fd);
			leg_epoll.fd = -1;
			return -EIO;
		}
	}
	return epoll_ctl(leg_epoll.fd, EPOLL_CTL_ADD, ofd->fd, &ev) < 0 ? -errno : 0;
}

static void leg_epoll_del(struct osmo_fd *ofd)
{
	epoll_ctl(leg_epoll.fd, EPOLL_CTL_DEL, ofd->fd, NULL);
	leg_epoll_gen++;
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
	/* RFC 3550 5.1: random initial sequence number (the SSRC is random already) */
	rtp_session_set_seq_number(s, (uint16_t)random());
	return s;
}

static int leg_register(struct media_leg_state *l)
{
	osmo_fd_setup(&l->ofd, rtp_session_get_rtp_socket(l->rtp), OSMO_FD_READ, leg_fd_cb, l, 0);
	osmo_fd_setup(&l->rtcp_ofd, rtp_session_get_rtcp_socket(l->rtp), OSMO_FD_READ, leg_rtcp_cb, l, 1);
	l->ep_rtp = leg_epoll_add(&l->ofd) == 0;
	l->ep_rtcp = l->rtcp_ofd.fd >= 0 && leg_epoll_add(&l->rtcp_ofd) == 0;
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
	if (l->ep_rtp)
		leg_epoll_del(&l->ofd);
	if (l->ep_rtcp)
		leg_epoll_del(&l->rtcp_ofd);
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

int media_leg_apply_remote(struct media_leg_state *l)
{
	if (!l->has_remote)
		return 0;
	if (rtp_session_set_remote_addr_and_port(l->rtp, l->remote_ip, l->remote_port, l->remote_port + 1) < 0) {
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

int media_leg_send(struct media_leg_state *l, const struct media_src *src, uint8_t pt, bool marker,
		   uint32_t in_ts, const uint8_t *payload, size_t len)
{
	struct timespec now;
	uint32_t out_ts;
	mblk_t *mp;

	if (!l->has_remote || !l->rtp)
		return -ENOTCONN;
	media_now(&now);
	if (!l->src.valid || l->src.tone != src->tone || l->src.ssrc != src->ssrc || l->src.epoch != src->epoch) {
		l->ts_offset = (int32_t)(rebase_ts(l, &now) - in_ts);
		l->src = *src;
		l->src.valid = true;
		marker = true;		/* RFC 3550: marker on the first packet after a discontinuity */
	}
	out_ts = in_ts + (uint32_t)l->ts_offset;
	mp = rtp_session_create_packet(l->rtp, RTP_FIXED_HEADER_SIZE, payload, len);
	if (!mp)
		return -ENOMEM;
	rtp_set_payload_type(mp, pt);
	rtp_set_markbit(mp, marker ? 1 : 0);
	if (rtp_session_sendm_with_ts(l->rtp, mp, out_ts) < 0)
		return -EIO;
	l->tx_started = true;
	l->last_tx_ts = out_ts;
	l->last_tx = now;
	l->st.tx_packets++;
	l->st.tx_bytes += len;
	return 0;
}

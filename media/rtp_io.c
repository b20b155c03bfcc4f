/* Packet I/O of every bridge socket, in batches and without an allocation per packet.
 *
 * All bridge sockets sit in one epoll set, itself a single descriptor in osmo_select_main:
 * libosmocore's poll() walks all registered descriptors at every wake-up, so with thousands of
 * bridge sockets the cost per packet grew with the number of bridges (bench/README). The set is
 * the process's, like the select loop it hangs off; level-triggered, as poll() is.
 *
 * Receive: recvmmsg() into buffers of the process (one set, reused by every socket), each ready
 * socket read until it is drained (bounded). Send: the relay builds each outgoing packet (RTP
 * header and payload) in a slot of the process's send queue; the slots of one destination socket
 * are chained and the queue is flushed with one sendmmsg() per socket at the end of the epoll round
 * (or at once when a packet is sent outside a round: tones, DTMF, a drain). */
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>
#include "media/media_internal.h"

#define EPOLL_EVENTS 256	/* events taken per epoll_wait() */
#define EPOLL_ROUNDS 8		/* epoll_wait() calls per wake-up while the event array comes back full */
#define RX_BATCH 32		/* datagrams per recvmmsg() */
#define RX_BUF 2048		/* a datagram (RTP over Ethernet fits in 1500) */
#define RTCP_BUF 1500
#define TX_SLOTS 256		/* packets queued before a flush */
#define TX_BUF (RTP_HDR_LEN + MEDIA_MAX_PAYLOAD)

static struct osmo_fd io_epoll = { .fd = -1 };
static unsigned int io_epoll_gen;	/* bumped when a socket leaves the set */
static unsigned int io_depth;		/* > 0 inside a round: sends are queued, flushed at its end */

/* receive buffers: one set for the process */
static struct {
	struct mmsghdr msg[RX_BATCH];
	struct iovec iov[RX_BATCH];
	struct sockaddr_storage src[RX_BATCH];
	uint8_t buf[RX_BATCH][RX_BUF];
} rx;

/* send queue: slots chained per leg (destination socket), legs in the order of their first packet */
struct tx_slot {
	int next;			/* next slot of the same leg, -1 at the end */
	uint16_t len;
	uint8_t buf[TX_BUF];
};
static struct {
	struct tx_slot slot[TX_SLOTS];
	unsigned int used;
	struct media_leg_state *leg[TX_SLOTS];
	unsigned int legs;
	struct mmsghdr msg[TX_SLOTS];
	struct iovec iov[TX_SLOTS];
} tx;

/* One leg's chain with sendmmsg(); a datagram the kernel refuses (the first of a call that
 * fails, e.g. a full send buffer) is skipped and counted as dropped. */
static void flush_leg(struct media_leg_state *l)
{
	unsigned int k = 0, done = 0;

	for (int s = l->txq_head; s >= 0; s = tx.slot[s].next, k++) {
		tx.iov[k] = (struct iovec){ .iov_base = tx.slot[s].buf, .iov_len = tx.slot[s].len };
		tx.msg[k].msg_hdr = (struct msghdr){ .msg_name = &l->remote_sa, .msg_namelen = l->remote_salen,
						     .msg_iov = &tx.iov[k], .msg_iovlen = 1 };
	}
	l->txq_head = l->txq_tail = -1;
	while (done < k && l->ofd.fd >= 0) {
		int n = sendmmsg(l->ofd.fd, tx.msg + done, k - done, MSG_DONTWAIT);
		if (n > 0) {
			done += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		media_pool_ctr_inc(l->b->pool, MEDIA_CTR_DROPPED);
		done++;
	}
}

void media_io_flush(void)
{
	for (unsigned int i = 0; i < tx.legs; i++)
		flush_leg(tx.leg[i]);
	tx.legs = 0;
	tx.used = 0;
}

/* A slot for len octets toward leg l, chained to the leg's earlier ones; NULL when too long. */
uint8_t *media_io_tx_slot(struct media_leg_state *l, size_t len)
{
	struct tx_slot *s;
	int idx;

	if (len > TX_BUF)
		return NULL;
	if (tx.used == TX_SLOTS)
		media_io_flush();
	idx = tx.used++;
	s = &tx.slot[idx];
	s->next = -1;
	s->len = len;
	if (l->txq_head < 0) {
		l->txq_head = idx;
		tx.leg[tx.legs++] = l;
	} else {
		tx.slot[l->txq_tail].next = idx;
	}
	l->txq_tail = idx;
	return s->buf;
}

/* After a packet was queued: sent at once outside a round (timers), else at the round's end */
void media_io_tx_done(void)
{
	if (!io_depth)
		media_io_flush();
}

static void rx_prepare(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		rx.iov[i] = (struct iovec){ .iov_base = rx.buf[i], .iov_len = RX_BUF };
		rx.msg[i].msg_hdr = (struct msghdr){ .msg_name = &rx.src[i], .msg_namelen = sizeof(rx.src[i]),
						     .msg_iov = &rx.iov[i], .msg_iovlen = 1 };
	}
}

static void rx_packet(struct media_leg_state *l, const uint8_t *buf, size_t n, const struct sockaddr *sa,
		      socklen_t salen)
{
	struct media_rtp_pkt pkt;

	if (media_rtp_parse(buf, n, &pkt) < 0) {
		l->st.rx_invalid++;
		return;
	}
	if (pkt.len == 0)
		return;
	if (media_leg_src_refused(l, sa, salen)) {
		/* an early media source replaced by a later 18x / the answer, or not the current one */
		l->st.rx_dropped++;
		media_pool_ctr_inc(l->b->pool, MEDIA_CTR_DROPPED);
		return;
	}
	media_relay_input(l, &pkt);
}

/* Read the leg's RTP socket (see rtp_parse.c for why not through ortp's receive path) until it is
 * drained or max datagrams were read; every RTP packet with a payload goes to the relay. */
unsigned int media_io_read(struct media_leg_state *l, unsigned int max)
{
	unsigned int total = 0;

	io_depth++;
	while (l->ofd.fd >= 0 && total < max) {
		unsigned int want = OSMO_MIN(max - total, RX_BATCH);
		int n;

		rx_prepare(want);
		n = recvmmsg(l->ofd.fd, rx.msg, want, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;			/* EAGAIN: drained */
		for (int i = 0; i < n; i++)
			rx_packet(l, rx.buf[i], rx.msg[i].msg_len, (struct sockaddr *)&rx.src[i],
				  rx.msg[i].msg_hdr.msg_namelen);
		total += n;
		if ((unsigned int)n < want)
			break;			/* fewer than asked: nothing more now */
	}
	if (--io_depth == 0)
		media_io_flush();
	return total;
}

/* RTCP port: read and discarded, so that a peer's reports do not pile up in the socket */
int media_io_rtcp_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct media_leg_state *l = ofd->data;
	uint8_t buf[RTCP_BUF];

	if (!(what & OSMO_FD_READ))
		return 0;
	for (unsigned int i = 0; i < RX_BATCH; i++) {
		if (recv(ofd->fd, buf, sizeof(buf), MSG_DONTWAIT) < 0)
			break;
		l->st.rx_rtcp++;
	}
	return 0;
}

/* One wake-up of the select loop: every ready socket, the send queue flushed at the end. */
static int io_epoll_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct epoll_event ev[EPOLL_EVENTS];
	unsigned int gen = io_epoll_gen;
	int n = EPOLL_EVENTS;

	io_depth++;
	for (unsigned int r = 0; r < EPOLL_ROUNDS && n == EPOLL_EVENTS && gen == io_epoll_gen; r++) {
		n = epoll_wait(ofd->fd, ev, ARRAY_SIZE(ev), 0);
		for (int i = 0; i < n; i++) {
			struct osmo_fd *lfd = ev[i].data.ptr;
			lfd->cb(lfd, OSMO_FD_READ);
			/* a callback closed a bridge: the events still in ev[] may point at freed legs;
			 * the remaining ready sockets are reported again at the next wake-up */
			if (gen != io_epoll_gen)
				break;
		}
	}
	if (--io_depth == 0)
		media_io_flush();
	return 0;
}

int media_io_add(struct osmo_fd *ofd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = ofd };

	if (io_epoll.fd < 0) {
		int fd = epoll_create1(EPOLL_CLOEXEC);
		if (fd < 0)
			return -errno;
		osmo_fd_setup(&io_epoll, fd, OSMO_FD_READ, io_epoll_cb, NULL, 0);
		if (osmo_fd_register(&io_epoll) < 0) {
			close(fd);
			io_epoll.fd = -1;
			return -EIO;
		}
	}
	return epoll_ctl(io_epoll.fd, EPOLL_CTL_ADD, ofd->fd, &ev) < 0 ? -errno : 0;
}

void media_io_del(struct osmo_fd *ofd)
{
	epoll_ctl(io_epoll.fd, EPOLL_CTL_DEL, ofd->fd, NULL);
	io_epoll_gen++;
}

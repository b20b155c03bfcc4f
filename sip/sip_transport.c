/* SIP transports per trunk: UDP socket, TCP listener and connections (RFC 3261 18). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/socket.h>

#include "sip/sip_internal.h"
#include "sip/sip_capture.h"

sip_capture_fn sip_capture_hook;

/* An IPv4 or IPv6 address literal (no names: trunks are configured by address) */
int sip_addr_parse(struct osmo_sockaddr *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, ip, &a->u.sin.sin_addr) == 1) {
		a->u.sin.sin_family = AF_INET;
		a->u.sin.sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &a->u.sin6.sin6_addr) == 1) {
		a->u.sin6.sin6_family = AF_INET6;
		a->u.sin6.sin6_port = htons(port);
		return 0;
	}
	return -EINVAL;
}

/* The address without port, as in logs ("127.0.0.1", "::1") */
const char *sip_addr_ip(const struct osmo_sockaddr *a, char *buf, size_t size)
{
	const void *in = a->u.sa.sa_family == AF_INET6 ? (const void *)&a->u.sin6.sin6_addr :
			 (const void *)&a->u.sin.sin_addr;
	if (!inet_ntop(a->u.sa.sa_family == AF_INET6 ? AF_INET6 : AF_INET, in, buf, size))
		osmo_strlcpy(buf, "?", size);
	return buf;
}

uint16_t sip_addr_port(const struct osmo_sockaddr *a)
{
	return osmo_sockaddr_port(&a->u.sa);
}

/* RFC 3261 19.1.1 / RFC 5118 4.1: an IPv6 reference in a SIP URI, Via or Warning is bracketed */
const char *sip_host(const char *addr, char *buf, size_t size)
{
	if (strchr(addr, ':'))
		snprintf(buf, size, "[%s]", addr);
	else
		osmo_strlcpy(buf, addr, size);
	return buf;
}

int sip_peer_sockaddr(const struct sip_trunk *trunk, struct osmo_sockaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (trunk->cfg.num_peers == 0)
		return -ENOENT;
	return sip_addr_parse(a, trunk->cfg.peers[0].addr, trunk->cfg.peers[0].port ? trunk->cfg.peers[0].port : 5060);
}

static int bind_socket(struct sip_trunk *trunk, int type)
{
	struct osmo_sockaddr sa;
	socklen_t sl = sizeof(sa);
	int fd;

	if (sip_addr_parse(&sa, trunk->cfg.listen_addr, trunk->cfg.listen_port) < 0) {
		LOGP(DSIP, LOGL_ERROR, "trunk %s: bad listen address '%s'\n", trunk->name, trunk->cfg.listen_addr);
		return -EINVAL;
	}
	fd = osmo_sock_init2(sa.u.sa.sa_family, type, type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP,
			     trunk->cfg.listen_addr, trunk->cfg.listen_port, NULL, 0,
			     OSMO_SOCK_F_BIND | OSMO_SOCK_F_NONBLOCK);
	if (fd < 0) {
		LOGP(DSIP, LOGL_ERROR, "trunk %s: cannot bind %s:%u: %s\n", trunk->name, trunk->cfg.listen_addr,
		     trunk->cfg.listen_port, strerror(-fd));
		return fd;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (type == SOCK_DGRAM) {
		/* bursts at carrier rates overflow the default receive buffer (~200 KiB): a dropped
		 * request or response costs a retransmission (T1) or a whole transaction (Timer F);
		 * SO_RCVBUFFORCE passes net.core.rmem_max when privileged, SO_RCVBUF is capped by it */
		int want = trunk->ua->udp_rcvbuf, got = 0;
		socklen_t gl = sizeof(got);
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
		getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &gl);
		LOGP(DSIP, LOGL_INFO, "trunk %s: UDP receive buffer %d bytes\n", trunk->name, got);
	}
	if (trunk->cfg.listen_port == 0 && getsockname(fd, &sa.u.sa, &sl) == 0)
		trunk->cfg.listen_port = sip_addr_port(&sa);
	if (type == SOCK_STREAM && listen(fd, 16) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

/* ---- UDP ---- */

/* one datagram; false when the socket has none left (or on an error) */
static bool udp_read_one(struct sip_trunk *trunk, int fd, char *buf, size_t bufsize)
{
	struct osmo_sockaddr src;
	socklen_t sl = sizeof(src);
	char ip[INET6_ADDRSTRLEN];
	ssize_t n = recvfrom(fd, buf, bufsize, 0, &src.u.sa, &sl);

	if (n < 0)
		return false;
	if (n > 0 && (src.u.sa.sa_family == AF_INET || src.u.sa.sa_family == AF_INET6)) {
		if ((size_t)n > trunk->ua->max_msg_size)
			LOGP(DSIP, LOGL_NOTICE, "trunk %s: dropping oversize datagram from %s:%u\n", trunk->name,
			     sip_addr_ip(&src, ip, sizeof(ip)), sip_addr_port(&src));
		else
			sip_ua_rx_msg(trunk, NULL, &src, buf, n);
	}
	return true;
}

/* the layer above's budget for this round (sip.h rx_budget), clamped */
static unsigned int udp_rx_budget(struct sip_ua *ua)
{
	unsigned int n = ua->cbs->rx_budget ? ua->cbs->rx_budget(ua->priv) : 1;

	return n < 1 ? 1 : n > SIP_UDP_RX_BATCH_MAX ? SIP_UDP_RX_BATCH_MAX : n;
}

/* As many datagrams per select round as the layer above's budget allows */
static int udp_read_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct sip_trunk *trunk = ofd->data;
	struct sip_ua *ua = trunk->ua;
	size_t bufsize = ua->max_msg_size + 1;

	/* one buffer per UA: a 16 KiB allocation per datagram showed in the latency profile
	 * (glibc's malloc_consolidate at 1,000 CPS) */
	if (ua->rx_buf_size < bufsize) {
		talloc_free(ua->rx_buf);
		ua->rx_buf = talloc_size(ua, bufsize);
		ua->rx_buf_size = ua->rx_buf ? bufsize : 0;
	}
	if (!ua->rx_buf)
		return 0;
	for (unsigned int i = 0, n = udp_rx_budget(ua); i < n; i++)
		if (!udp_read_one(trunk, ofd->fd, ua->rx_buf, bufsize))
			break;
	return 0;
}

/* ---- TCP ---- */

static void conn_close(struct sip_conn *conn)
{
	struct sip_ua *ua = conn->trunk->ua;
	char ip[INET6_ADDRSTRLEN];

	LOGP(DSIP, LOGL_INFO, "trunk %s: closing TCP connection to %s:%u\n", conn->trunk->name,
	     sip_addr_ip(&conn->peer, ip, sizeof(ip)), sip_addr_port(&conn->peer));
	sip_conn_forget(ua, conn);
	osmo_fd_unregister(&conn->ofd);
	close(conn->ofd.fd);
	llist_del(&conn->list);
	talloc_free(conn);
}

/* Length of one complete message at the start of the buffer (RFC 3261 18.3), 0 if incomplete,
 * -1 if the stream is broken. */
static ssize_t tcp_frame(const char *buf, size_t len, size_t max)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4);
	size_t hlen;
	long cl = 0;
	const char *p = buf, *v, *eol;

	if (!end)
		return len > max ? -1 : 0;
	hlen = end - buf + 4;
	while ((v = sip_raw_next_content_length(p, end, &eol, &p))) {
		char *e;
		char num[16] = "";
		size_t vlen = eol - v;
		if (vlen >= sizeof(num))
			return -1;
		memcpy(num, v, vlen);
		cl = strtol(num, &e, 10);
		if (e == num || cl < 0)
			return -1;
	}
	if (hlen + cl > max)
		return -1;
	if (len < hlen + cl)
		return 0;
	return hlen + cl;
}

static int conn_flush(struct sip_conn *conn)
{
	while (conn->txlen) {
		ssize_t n = write(conn->ofd.fd, conn->txbuf, conn->txlen);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				osmo_fd_write_enable(&conn->ofd);
				return 0;
			}
			return -errno;
		}
		memmove(conn->txbuf, conn->txbuf + n, conn->txlen - n);
		conn->txlen -= n;
	}
	osmo_fd_write_disable(&conn->ofd);
	return 0;
}

/* Hand the complete messages at the start of conn's buffer to the intake. Returns false when the
 * connection is gone (closed on a broken stream, or by the handler). */
static bool conn_deliver(struct sip_conn *conn, size_t max)
{
	for (;;) {
		/* RFC 5626 3.5.1 keep-alive CRLFs between messages */
		size_t skip = 0;
		ssize_t flen;
		while (skip < conn->rxlen && (conn->rxbuf[skip] == '\r' || conn->rxbuf[skip] == '\n'))
			skip++;
		if (skip) {
			memmove(conn->rxbuf, conn->rxbuf + skip, conn->rxlen - skip);
			conn->rxlen -= skip;
		}
		if (!conn->rxlen)
			return true;
		flen = tcp_frame(conn->rxbuf, conn->rxlen, max);
		if (flen < 0) {
			char ip[INET6_ADDRSTRLEN];
			LOGP(DSIP, LOGL_NOTICE, "trunk %s: broken TCP stream from %s:%u\n", conn->trunk->name,
			     sip_addr_ip(&conn->peer, ip, sizeof(ip)), sip_addr_port(&conn->peer));
			conn_close(conn);
			return false;
		}
		if (flen == 0)
			return true;
		{
			/* copy out: the handler may close (and free) this connection */
			char *msg = talloc_memdup(conn->trunk, conn->rxbuf, flen);
			struct sip_trunk *trunk = conn->trunk;
			struct osmo_sockaddr peer = conn->peer;
			bool still_there = false;
			struct sip_conn *c;
			memmove(conn->rxbuf, conn->rxbuf + flen, conn->rxlen - flen);
			conn->rxlen -= flen;
			sip_ua_rx_msg(trunk, conn, &peer, msg, flen);
			talloc_free(msg);
			llist_for_each_entry(c, &trunk->st->conns, list)
				if (c == conn)
					still_there = true;
			if (!still_there)
				return false;
		}
	}
}

static int conn_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct sip_conn *conn = ofd->data;
	struct sip_ua *ua = conn->trunk->ua;
	size_t max = ua->max_msg_size;

	if (what & OSMO_FD_WRITE) {
		if (conn->connecting) {
			int err = 0;
			socklen_t el = sizeof(err);
			getsockopt(ofd->fd, SOL_SOCKET, SO_ERROR, &err, &el);
			if (err) {
				LOGP(DSIP, LOGL_NOTICE, "trunk %s: TCP connect failed: %s\n", conn->trunk->name,
				     strerror(err));
				conn_close(conn);
				return 0;
			}
			conn->connecting = false;
		}
		if (conn_flush(conn) < 0) {
			conn_close(conn);
			return 0;
		}
	}
	if (what & OSMO_FD_READ) {
		ssize_t n;
		if (!conn->rxbuf)
			conn->rxbuf = talloc_size(conn, max + 1);
		n = read(ofd->fd, conn->rxbuf + conn->rxlen, max + 1 - conn->rxlen);
		if (n <= 0) {
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return 0;
			conn_close(conn);
			return 0;
		}
		conn->rxlen += n;
		conn_deliver(conn, max);
	}
	return 0;
}

static struct sip_conn *conn_alloc(struct sip_trunk *trunk, int fd, const struct osmo_sockaddr *peer)
{
	struct sip_conn *conn = talloc_zero(trunk->st, struct sip_conn);
	int on = 1;

	conn->trunk = trunk;
	conn->peer = *peer;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	osmo_fd_setup(&conn->ofd, fd, OSMO_FD_READ, conn_cb, conn, 0);
	if (osmo_fd_register(&conn->ofd) < 0) {
		close(fd);
		talloc_free(conn);
		return NULL;
	}
	llist_add_tail(&conn->list, &trunk->st->conns);
	return conn;
}

static int tcp_accept_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct sip_trunk *trunk = ofd->data;
	struct osmo_sockaddr src;
	socklen_t sl = sizeof(src);
	int fd = accept4(ofd->fd, &src.u.sa, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
	char ip[INET6_ADDRSTRLEN];

	if (fd < 0)
		return 0;
	LOGP(DSIP, LOGL_INFO, "trunk %s: TCP connection from %s:%u\n", trunk->name, sip_addr_ip(&src, ip, sizeof(ip)),
	     sip_addr_port(&src));
	conn_alloc(trunk, fd, &src);
	return 0;
}

static struct sip_conn *conn_find(struct sip_trunk *trunk, const struct osmo_sockaddr *dst)
{
	struct sip_conn *c;
	llist_for_each_entry(c, &trunk->st->conns, list)
		if (!osmo_sockaddr_cmp(&c->peer, dst))
			return c;
	return NULL;
}

static struct sip_conn *conn_connect(struct sip_trunk *trunk, const struct osmo_sockaddr *dst)
{
	struct osmo_sockaddr local;
	struct sip_conn *conn;
	char ip[INET6_ADDRSTRLEN];
	int fd;

	/* originate from the trunk's address (port chosen by the kernel) */
	if (sip_addr_parse(&local, trunk->cfg.listen_addr, 0) < 0 || local.u.sa.sa_family != dst->u.sa.sa_family)
		fd = osmo_sock_init_osa(SOCK_STREAM, IPPROTO_TCP, NULL, dst,
					OSMO_SOCK_F_CONNECT | OSMO_SOCK_F_NONBLOCK);
	else
		fd = osmo_sock_init_osa(SOCK_STREAM, IPPROTO_TCP, &local, dst,
					OSMO_SOCK_F_BIND | OSMO_SOCK_F_CONNECT | OSMO_SOCK_F_NONBLOCK);
	if (fd < 0) {
		LOGP(DSIP, LOGL_NOTICE, "trunk %s: connect to %s:%u failed: %s\n", trunk->name,
		     sip_addr_ip(dst, ip, sizeof(ip)), sip_addr_port(dst), strerror(-fd));
		return NULL;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	conn = conn_alloc(trunk, fd, dst);
	if (conn) {
		conn->connecting = true;
		osmo_fd_write_enable(&conn->ofd);
	}
	return conn;
}

static bool conn_valid(struct sip_trunk *trunk, struct sip_conn *conn)
{
	struct sip_conn *c;
	if (!conn || !trunk->st)
		return false;
	llist_for_each_entry(c, &trunk->st->conns, list)
		if (c == conn)
			return true;
	return false;
}

int sip_transport_send(struct sip_trunk *trunk, struct sip_conn **connp, const struct osmo_sockaddr *dst,
		       const char *buf, size_t len)
{
	struct sip_conn *conn = connp ? *connp : NULL;

	if (!trunk->st || trunk->st->ofd.fd < 0)
		return -ENOTCONN;
	if (len > trunk->ua->max_msg_size) {
		LOGP(DSIP, LOGL_ERROR, "trunk %s: not sending %zu octet message (limit %u)\n", trunk->name, len,
		     trunk->ua->max_msg_size);
		return -EMSGSIZE;
	}
	if (trunk->cfg.transport == SIP_TRANSPORT_UDP) {
		if (sip_capture_hook && dst)
			sip_capture_hook(trunk, true, false, dst, buf, len);
		if (!dst || sendto(trunk->st->ofd.fd, buf, len, 0, &dst->u.sa, osmo_sockaddr_size(dst)) < 0)
			return -errno;
		return 0;
	}
	if (!conn_valid(trunk, conn))
		conn = NULL;
	if (!conn && dst)
		conn = conn_find(trunk, dst);
	if (!conn && dst)
		conn = conn_connect(trunk, dst);
	if (!conn)
		return -ENOTCONN;
	if (connp)
		*connp = conn;
	if (sip_capture_hook)
		sip_capture_hook(trunk, true, true, &conn->peer, buf, len);
	conn->txbuf = talloc_realloc_size(conn, conn->txbuf, conn->txlen + len);
	memcpy(conn->txbuf + conn->txlen, buf, len);
	conn->txlen += len;
	if (!conn->connecting && conn_flush(conn) < 0) {
		conn_close(conn);
		return -EPIPE;
	}
	return 0;
}

int sip_send_msg(struct sip_trunk *trunk, struct sip_conn **conn, const struct osmo_sockaddr *dst,
		 osip_message_t *msg)
{
	char *buf = NULL;
	size_t len = 0;
	char ip[INET6_ADDRSTRLEN];
	int rc;

	if (osip_message_to_str(msg, &buf, &len) != 0 || !buf)
		return -EINVAL;
	sip_stats_msg(trunk, msg, true);
	LOGP(DSIP, LOGL_DEBUG, "trunk %s: TX to %s:%u:\n%.*s\n", trunk->name, dst ? sip_addr_ip(dst, ip, sizeof(ip)) : "-",
	     dst ? sip_addr_port(dst) : 0, (int)len, buf);
	rc = sip_transport_send(trunk, conn, dst, buf, len);
	osip_free(buf);
	return rc;
}

int sip_send_raw_request(struct sip_trunk *trunk, struct sip_conn **conn, const struct osmo_sockaddr *dst,
			 const char *method, const char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	sip_stats_request(trunk, method, true);
	LOGP(DSIP, LOGL_DEBUG, "trunk %s: TX to %s:%u:\n%.*s\n", trunk->name, dst ? sip_addr_ip(dst, ip, sizeof(ip)) : "-",
	     dst ? sip_addr_port(dst) : 0, (int)len, buf);
	return sip_transport_send(trunk, conn, dst, buf, len);
}

int sip_transport_open(struct sip_trunk *trunk)
{
	int fd;
	bool tcp = trunk->cfg.transport == SIP_TRANSPORT_TCP;

	if (trunk->st->ofd.fd >= 0)
		return 0;
	fd = bind_socket(trunk, tcp ? SOCK_STREAM : SOCK_DGRAM);
	if (fd < 0)
		return fd;
	osmo_fd_setup(&trunk->st->ofd, fd, OSMO_FD_READ, tcp ? tcp_accept_cb : udp_read_cb, trunk, 0);
	if (osmo_fd_register(&trunk->st->ofd) < 0) {
		close(fd);
		trunk->st->ofd.fd = -1;
		return -EIO;
	}
	LOGP(DSIP, LOGL_NOTICE, "trunk %s: listening on %s %s:%u\n", trunk->name, sip_transport_name(trunk),
	     trunk->cfg.listen_addr, trunk->cfg.listen_port);
	return 0;
}

void sip_transport_close(struct sip_trunk *trunk)
{
	struct sip_conn *c, *c2;

	if (!trunk->st)
		return;
	llist_for_each_entry_safe(c, c2, &trunk->st->conns, list)
		conn_close(c);
	if (trunk->st->ofd.fd >= 0) {
		osmo_fd_unregister(&trunk->st->ofd);
		close(trunk->st->ofd.fd);
		trunk->st->ofd.fd = -1;
	}
}

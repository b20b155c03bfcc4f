/* isup-peer: the exchange-side loop-back of the continuity check (Q.764 2.1.8, Q.724 7.4): the
 * circuit's bearer, an RTP endpoint per CIC, sends back every datagram it receives to where it
 * came from, so that the check tone of the other exchange returns to it. Scenario commands:
 *   loopback bearer IP PORT STEP FIRST LAST   the bearers: CIC c at PORT + STEP * (c - FIRST)
 *   loopback on|off [cic=N]                   connect / remove the loop of one CIC, or of all
 * Removing a loop reports how many datagrams it sent back. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/socket.h>
#include <osmocom/core/select.h>

#include "isup/peer/peer.h"
#include "isup/peer/peer_int.h"
#include "isup/vty_arg.h"

struct peer_loop {
	struct osmo_fd ofd;
	struct peer *peer;
	uint16_t cic;
	unsigned long echoed;
};

static int loop_rx(struct osmo_fd *ofd, unsigned int what)
{
	struct peer_loop *l = ofd->data;
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	uint8_t buf[2048];
	ssize_t n = recvfrom(ofd->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);

	if (n > 0 && sendto(ofd->fd, buf, n, 0, (struct sockaddr *)&from, flen) == n)
		l->echoed++;
	return 0;
}

static void loop_close(struct peer *peer, struct peer_loop **slot)
{
	struct peer_loop *l = *slot;
	fprintf(peer->out, "%s loopback cic=%u off: %lu datagrams sent back\n", tstamp(peer), l->cic, l->echoed);
	osmo_fd_unregister(&l->ofd);
	close(l->ofd.fd);
	talloc_free(l);
	*slot = NULL;
}

static bool loop_open(struct peer *peer, uint16_t cic, char *err, size_t err_len)
{
	struct peer_loopback *lb = &peer->loopback;
	unsigned int port = lb->port + lb->step * (cic - lb->first);
	struct peer_loop *l;
	int fd;

	if (lb->loops[cic - lb->first])
		return true;
	fd = osmo_sock_init2(AF_INET, SOCK_DGRAM, IPPROTO_UDP, lb->ip, port, NULL, 0,
			     OSMO_SOCK_F_BIND | OSMO_SOCK_F_NONBLOCK);
	if (fd < 0) {
		snprintf(err, err_len, "loopback: cannot bind %s:%u (CIC %u)", lb->ip, port, cic);
		return false;
	}
	l = talloc_zero(peer, struct peer_loop);
	l->peer = peer;
	l->cic = cic;
	osmo_fd_setup(&l->ofd, fd, OSMO_FD_READ, loop_rx, l, 0);
	osmo_fd_register(&l->ofd);
	lb->loops[cic - lb->first] = l;
	fprintf(peer->out, "%s loopback cic=%u on: bearer %s:%u\n", tstamp(peer), cic, lb->ip, port);
	return true;
}

/* loopback bearer IP PORT STEP FIRST LAST */
static bool loop_bearer(struct peer *peer, const char *args, char *err, size_t err_len)
{
	struct peer_loopback *lb = &peer->loopback;
	char ip[64];
	unsigned int port, step, first, last;

	if (sscanf(args, "bearer %63s %u %u %u %u", ip, &port, &step, &first, &last) != 5 || !port ||
	    first > last || last >= PEER_MAX_CIC || port + (unsigned long)step * (last - first) > 65535) {
		snprintf(err, err_len, "usage: loopback bearer IP PORT STEP FIRST LAST (ports up to 65535)");
		return false;
	}
	peer_loopback_free(peer);
	snprintf(lb->ip, sizeof(lb->ip), "%s", ip);
	lb->port = port;
	lb->step = step;
	lb->first = first;
	lb->last = last;
	lb->loops = talloc_zero_array(peer, struct peer_loop *, last - first + 1);
	return true;
}

/* loopback on|off [cic=N] */
static bool loop_switch(struct peer *peer, const char *args, char *err, size_t err_len)
{
	struct peer_loopback *lb = &peer->loopback;
	bool on = !strncmp(args, "on", 2);
	const char *c = strstr(args, "cic=");
	unsigned long cic = 0;

	if (!lb->loops) {
		snprintf(err, err_len, "loopback: no bearers ('loopback bearer ...' first)");
		return false;
	}
	if (c && (arg_ulong(c + 4, lb->first, lb->last, &cic) < 0)) {
		snprintf(err, err_len, "loopback: cic=%s not in %u-%u", c + 4, lb->first, lb->last);
		return false;
	}
	for (unsigned int i = c ? cic : lb->first; i <= (c ? cic : lb->last); i++) {
		if (on && !loop_open(peer, i, err, err_len))
			return false;
		if (!on && lb->loops[i - lb->first])
			loop_close(peer, &lb->loops[i - lb->first]);
	}
	return true;
}

bool peer_loopback_cmd(struct peer *peer, const char *args, char *err, size_t err_len)
{
	if (!strncmp(args, "bearer ", 7))
		return loop_bearer(peer, args, err, err_len);
	if (!strcmp(args, "on") || !strcmp(args, "off") || !strncmp(args, "on cic=", 7) ||
	    !strncmp(args, "off cic=", 8))
		return loop_switch(peer, args, err, err_len);
	snprintf(err, err_len, "usage: loopback bearer IP PORT STEP FIRST LAST | loopback on|off [cic=N]");
	return false;
}

/* every loop removed, the bearers forgotten */
void peer_loopback_free(struct peer *peer)
{
	struct peer_loopback *lb = &peer->loopback;
	if (!lb->loops)
		return;
	for (unsigned int i = 0; i <= lb->last - lb->first; i++)
		if (lb->loops[i])
			loop_close(peer, &lb->loops[i]);
	TALLOC_FREE(lb->loops);
}

/* Test RTP endpoint (see probe.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <talloc.h>
#include <spandsp.h>
#include <osmocom/core/utils.h>
#include "tests/media/probe.h"
#include "tests/media/analyze.h"

#define FRAME 160

static void put_hdr(uint8_t *h, uint8_t pt, bool marker, uint16_t seq, uint32_t ts, uint32_t ssrc)
{
	h[0] = 0x80;
	h[1] = (marker ? 0x80 : 0) | (pt & 0x7f);
	h[2] = seq >> 8; h[3] = seq;
	h[4] = ts >> 24; h[5] = ts >> 16; h[6] = ts >> 8; h[7] = ts;
	h[8] = ssrc >> 24; h[9] = ssrc >> 16; h[10] = ssrc >> 8; h[11] = ssrc;
}

/* a kernel receive time (SO_TIMESTAMPNS, CLOCK_REALTIME) on CLOCK_MONOTONIC, the clock isup-peer -A
 * prints: arrival times independent of when this process got to read the socket */
static void kernel_rx_mono(const struct timespec *krt, struct timespec *out)
{
	struct timespec rt, mono;
	int64_t ns;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	ns = (int64_t)mono.tv_sec * 1000000000 + mono.tv_nsec
	     - ((int64_t)rt.tv_sec * 1000000000 + rt.tv_nsec) + (int64_t)krt->tv_sec * 1000000000 + krt->tv_nsec;
	out->tv_sec = ns / 1000000000;
	out->tv_nsec = ns % 1000000000;
}

static void rx_packet(struct probe *p, const uint8_t *buf, ssize_t n, const struct timespec *krt)
{
	uint8_t pt;
	bool marker;
	uint16_t seq;
	uint32_t ts, ssrc;
	const uint8_t *pl = buf + 12;
	size_t plen;

	if (n < 12 || (buf[0] & 0xc0) != 0x80)
		return;
	pt = buf[1] & 0x7f;
	marker = buf[1] & 0x80;
	seq = (buf[2] << 8) | buf[3];
	ts = ((uint32_t)buf[4] << 24) | (buf[5] << 16) | (buf[6] << 8) | buf[7];
	ssrc = ((uint32_t)buf[8] << 24) | (buf[9] << 16) | (buf[10] << 8) | buf[11];
	plen = n - 12 - 4 * (buf[0] & 0x0f);
	pl += 4 * (buf[0] & 0x0f);

	if (krt)
		kernel_rx_mono(krt, &p->last_rx);
	else
		clock_gettime(CLOCK_MONOTONIC, &p->last_rx);
	if (!p->rx_any) {
		p->first_rx = p->last_rx;
		p->first_seq = seq;
	} else {
		if (ssrc != p->last_ssrc)
			p->ssrc_changes++;
		if ((uint16_t)(p->last_seq + 1) != seq)
			p->seq_errors++;
		/* voice: timestamps advance by one frame, except on a marked discontinuity */
		if (pt < 96 && !marker && ts - p->last_ts != FRAME) {
			p->ts_errors++;
			if (getenv("PROBE_DEBUG"))
				fprintf(stderr, "%s: ts step %d at seq %u\n", p->name, (int)(ts - p->last_ts), seq);
		}
	}
	p->rx_any = true;
	p->last_ssrc = ssrc;
	p->last_seq = seq;
	p->last_ts = ts;
	p->rx_packets++;
	p->rx_by_pt[pt]++;

	if (pt >= 96) {
		if (p->nev < PROBE_MAX_EV && plen >= 4) {
			p->ev[p->nev].pt = pt;
			p->ev[p->nev].marker = marker;
			p->ev[p->nev].ts = ts;
			memcpy(p->ev[p->nev].payload, pl, 4);
			p->nev++;
		}
		return;
	}
	if ((pt == 0 || pt == 8) && plen > 0 && plen <= 480) {
		int16_t lin[480];
		double tot;
		g711_decode_buf(lin, pl, plen, pt == 8);
		tot = mean_power(lin, plen);
		for (unsigned int i = 0; i < p->ndet; i++)
			if (tot > 1e4 && goertzel_power(lin, plen, p->det_f[i]) > 0.5 * tot)
				p->det_frames[i]++;
		if (p->record) {
			if (p->audio_len + plen > p->audio_cap) {
				p->audio_cap = (p->audio_cap + plen) * 2;
				p->audio = talloc_realloc(p, p->audio, int16_t, p->audio_cap);
			}
			memcpy(p->audio + p->audio_len, lin, plen * sizeof(int16_t));
			p->audio_len += plen;
		}
	}
}

void probe_drain(struct probe *p)
{
	uint8_t buf[2048];
	union { char b[CMSG_SPACE(sizeof(struct timespec))]; struct cmsghdr align; } ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	for (;;) {
		const struct timespec *krt = NULL;
		mh.msg_control = ctl.b;
		mh.msg_controllen = sizeof(ctl.b);
		n = recvmsg(p->ofd.fd, &mh, MSG_DONTWAIT);
		if (n <= 0)
			break;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS)
				krt = (const struct timespec *)CMSG_DATA(c);
		rx_packet(p, buf, n, krt);
	}
}

static int probe_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	probe_drain(ofd->data);
	return 0;
}

static void send_frame(struct probe *p)
{
	uint8_t pkt[12 + FRAME];

	put_hdr(pkt, p->pt, p->tx_frames == 0 || p->tx_marker, p->seq++, p->ts, p->ssrc);
	p->tx_marker = false;
	for (int i = 0; i < FRAME; i++) {
		int16_t s = (int16_t)(8000.0 * sin(p->phase));
		p->phase += 2 * M_PI * p->send_freq / 8000.0;
		pkt[12 + i] = p->alaw ? linear_to_alaw(s) : linear_to_ulaw(s);
	}
	if (p->phase > 2 * M_PI * 1000)
		p->phase = fmod(p->phase, 2 * M_PI);
	p->ts += FRAME;
	if (sendto(p->ofd.fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&p->remote, sizeof(p->remote)) == sizeof(pkt))
		p->tx_packets++;
	p->tx_frames++;
	clock_gettime(CLOCK_MONOTONIC, &p->last_tx);
}

static void tx_cb(void *data)
{
	struct probe *p = data;
	struct timespec now;
	int64_t ms, wait;

	if (!p->send_freq)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - p->tx_start.tv_sec) * 1000 + (now.tv_nsec - p->tx_start.tv_nsec) / 1000000;
	while ((int64_t)p->tx_frames * 20 <= ms)
		send_frame(p);
	wait = (int64_t)p->tx_frames * 20 - ms;
	osmo_timer_schedule(&p->tx_timer, 0, (wait > 0 ? wait : 1) * 1000);
}

struct probe *probe_alloc(void *ctx, const char *name)
{
	struct probe *p = talloc_zero(ctx, struct probe);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int fd, rcvbuf = 1 << 20, on = 1;

	OSMO_STRLCPY_ARRAY(p->name, name);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	OSMO_ASSERT(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));	/* kernel arrival times */
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	OSMO_ASSERT(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	getsockname(fd, (struct sockaddr *)&a, &alen);
	p->port = ntohs(a.sin_port);
	osmo_fd_setup(&p->ofd, fd, OSMO_FD_READ, probe_fd_cb, p, 0);
	OSMO_ASSERT(osmo_fd_register(&p->ofd) == 0);
	osmo_timer_setup(&p->tx_timer, tx_cb, p);
	p->ssrc = (uint32_t)random();
	p->seq = (uint16_t)random();
	p->ts = (uint32_t)random();
	return p;
}

void probe_set_remote(struct probe *p, uint16_t port)
{
	p->remote.sin_family = AF_INET;
	p->remote.sin_port = htons(port);
	inet_pton(AF_INET, "127.0.0.1", &p->remote.sin_addr);
}

void probe_send_tone(struct probe *p, int freq, uint8_t pt)
{
	p->send_freq = freq;
	p->pt = pt;
	p->alaw = pt == 8;
	if (!freq) {
		osmo_timer_del(&p->tx_timer);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &p->tx_start);
	p->tx_frames = 0;
	tx_cb(p);
}

void probe_send_event(struct probe *p, uint8_t pt, uint8_t event)
{
	uint32_t ts = p->ts;

	for (int i = 0; i < 6; i++) {
		uint8_t pkt[16];
		uint16_t dur = i < 3 ? 160 * (i + 1) : 640;
		put_hdr(pkt, pt, i == 0, p->seq++, ts, p->ssrc);
		pkt[12] = event;
		pkt[13] = (i >= 3 ? 0x80 : 0) | 10;	/* E bit, volume 10 */
		pkt[14] = dur >> 8;
		pkt[15] = dur;
		if (sendto(p->ofd.fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&p->remote, sizeof(p->remote)) > 0)
			p->tx_packets++;
	}
	p->ts += 640;
}

void probe_restart_stream(struct probe *p, bool new_ssrc, uint16_t seq_back, uint32_t ts_back, int freq)
{
	uint32_t old = p->ssrc;

	while (new_ssrc && p->ssrc == old)
		p->ssrc = (uint32_t)random();
	p->seq -= seq_back;
	p->ts -= ts_back;
	if (freq)
		p->send_freq = freq;
	p->tx_marker = true;
}

void probe_reset_rx(struct probe *p)
{
	probe_drain(p);
	p->rx_packets = 0;
	memset(p->rx_by_pt, 0, sizeof(p->rx_by_pt));
	memset(p->det_frames, 0, sizeof(p->det_frames));
	p->ssrc_changes = p->seq_errors = p->ts_errors = 0;
	p->nev = 0;
	p->audio_len = 0;
}

void probe_detect(struct probe *p, double f)
{
	if (p->ndet < PROBE_MAX_DET)
		p->det_f[p->ndet++] = f;
}

void probe_free(struct probe *p)
{
	osmo_timer_del(&p->tx_timer);
	osmo_fd_unregister(&p->ofd);
	close(p->ofd.fd);
	talloc_free(p);
}

/* rtpgen: G.711 RTP load generator and sink for the media benchmark (one process, epoll).
 *
 * Usage: rtpgen -a PORT_A -b PORT_B -f FLOWS -d SECONDS [-n N] [-w WARMUP_S] [-i IP]
 *   FLOWS: one line per call "RA RB": the relay's ports toward side A and side B.
 *   Side A (e.g. the circuit's bearer) is one socket bound to IP:PORT_A, side B (the SIP side) one
 *   socket on IP:PORT_B; for every call side A sends 50 pps (160-octet PCMA, 20 ms, RFC 3550
 *   header) to IP:RA and side B to IP:RB. What comes back on A from source port RA is call
 *   B->A, on B from RB call A->B (relays send from the port they receive on: symmetric RTP).
 *   The first N flows of the file are used. Packets carry their send time; per direction the
 *   receiver counts packets, loss (expected from the sequence range sent), and the RFC 3550
 *   interarrival jitter computed from the actual send times (so only what the path adds).
 *   After -w seconds of warm-up (not counted) it measures for -d seconds, stops sending, waits
 *   0.5 s for stragglers and prints one line:
 *   RTPGEN flows=N sent=.. received=.. lost=.. loss_pct=.. jitter_mean_ms=.. jitter_max_ms=..
 *          transit_p50_ms=.. transit_p99_ms=.. late_ms_max=.. (sender lateness vs schedule)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PKT_LEN (12 + 160)
#define PTIME_NS 20000000LL
#define BATCH 64
#define HIST_US 100000		/* transit histogram: 1 us bins up to 100 ms */

struct dir_stats {
	uint32_t ssrc;
	uint16_t seq;			/* next to send */
	uint32_t ts;
	uint64_t sent;			/* during the measurement */
	uint16_t first_seq_meas;	/* first sequence number sent while measuring */
	int meas_started;
	uint64_t received;
	double jitter;			/* RFC 3550 6.4.1, in ns */
	int64_t last_transit;
	int have_last;
};

struct flow {
	uint16_t ra, rb;		/* relay ports */
	struct sockaddr_in to_a, to_b;
	struct dir_stats ab, ba;	/* ab: sent by A, received by B */
	int64_t next_ns;		/* next send time for both sides */
};

static struct flow *flows;
static int nflows;
static int32_t by_port_a[65536], by_port_b[65536];	/* relay port -> flow index */
static uint32_t *hist;
static uint64_t hist_over;
static int measuring;
static int64_t late_max;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int bind_udp(const char *ip, int port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), sz = 16 << 20;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	inet_pton(AF_INET, ip, &sa.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "rtpgen: bind %s:%d: %s\n", ip, port, strerror(errno));
		exit(2);
	}
	return fd;
}

static void fill(uint8_t *p, struct dir_stats *d, int64_t t)
{
	p[0] = 0x80;
	p[1] = 8;		/* PCMA */
	p[2] = d->seq >> 8;
	p[3] = d->seq;
	p[4] = d->ts >> 24; p[5] = d->ts >> 16; p[6] = d->ts >> 8; p[7] = d->ts;
	p[8] = d->ssrc >> 24; p[9] = d->ssrc >> 16; p[10] = d->ssrc >> 8; p[11] = d->ssrc;
	memcpy(p + 12, &t, sizeof(t));
	p[20] = measuring;		/* counted by the receiver only when sent while measuring */
	memset(p + 21, 0xd5, 160 - 9);	/* A-law silence */
	if (measuring && !d->meas_started) {
		d->meas_started = 1;
		d->first_seq_meas = d->seq;
	}
	if (measuring)
		d->sent++;
	d->seq++;
	d->ts += 160;
}

struct txq {
	int fd;
	int n;
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	uint8_t buf[BATCH][PKT_LEN];
};

static void txq_flush(struct txq *q)
{
	int off = 0;
	while (off < q->n) {
		int r = sendmmsg(q->fd, q->m + off, q->n - off, 0);
		if (r < 0) {
			if (errno == EAGAIN || errno == ENOBUFS)
				continue;	/* loopback: retry at once */
			perror("sendmmsg");
			break;
		}
		off += r;
	}
	q->n = 0;
}

static void txq_add(struct txq *q, struct sockaddr_in *to, struct dir_stats *d, int64_t t)
{
	int i = q->n;
	fill(q->buf[i], d, t);
	q->iov[i].iov_base = q->buf[i];
	q->iov[i].iov_len = PKT_LEN;
	memset(&q->m[i].msg_hdr, 0, sizeof(q->m[i].msg_hdr));
	q->m[i].msg_hdr.msg_name = to;
	q->m[i].msg_hdr.msg_namelen = sizeof(*to);
	q->m[i].msg_hdr.msg_iov = &q->iov[i];
	q->m[i].msg_hdr.msg_iovlen = 1;
	if (++q->n == BATCH)
		txq_flush(q);
}

static void rx_one(const uint8_t *p, ssize_t len, uint16_t src_port, int side_b, int64_t t)
{
	int32_t idx = side_b ? by_port_b[src_port] : by_port_a[src_port];
	struct dir_stats *d;
	int64_t sent, transit;
	if (idx < 0 || len < 21 || !p[20])
		return;
	d = side_b ? &flows[idx].ab : &flows[idx].ba;
	memcpy(&sent, p + 12, sizeof(sent));
	transit = t - sent;
	if (transit < 0)
		transit = 0;
	d->received++;
	if (d->have_last) {
		int64_t dd = transit - d->last_transit;
		d->jitter += (fabs((double)dd) - d->jitter) / 16.0;
	}
	d->last_transit = transit;
	d->have_last = 1;
	if (transit / 1000 < HIST_US)
		hist[transit / 1000]++;
	else
		hist_over++;
}

static void rx_drain(int fd, int side_b)
{
	static uint8_t bufs[BATCH][2048];
	static struct sockaddr_in from[BATCH];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	for (;;) {
		for (int i = 0; i < BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			memset(&m[i].msg_hdr, 0, sizeof(m[i].msg_hdr));
			m[i].msg_hdr.msg_name = &from[i];
			m[i].msg_hdr.msg_namelen = sizeof(from[i]);
			m[i].msg_hdr.msg_iov = &iov[i];
			m[i].msg_hdr.msg_iovlen = 1;
		}
		int r = recvmmsg(fd, m, BATCH, MSG_DONTWAIT, NULL);
		if (r <= 0)
			return;
		int64_t t = now_ns();
		for (int i = 0; i < r; i++)
			rx_one(bufs[i], m[i].msg_len, ntohs(from[i].sin_port), side_b, t);
		if (r < BATCH)
			return;
	}
}

static double hist_pct(uint64_t total, double p)
{
	uint64_t want = (uint64_t)(p * total), acc = 0;
	for (int i = 0; i < HIST_US; i++) {
		acc += hist[i];
		if (acc > want)
			return i / 1000.0;
	}
	return HIST_US / 1000.0;
}

int main(int argc, char **argv)
{
	const char *ip = "127.0.0.1", *file = NULL;
	int pa = 0, pb = 0, n = -1, c, ep, fda, fdb;
	double dur = 5, warm = 1;
	static struct txq qa, qb;
	struct epoll_event ev, evs[4];
	FILE *f;

	while ((c = getopt(argc, argv, "a:b:f:d:n:w:i:")) != -1) {
		switch (c) {
		case 'a': pa = atoi(optarg); break;
		case 'b': pb = atoi(optarg); break;
		case 'f': file = optarg; break;
		case 'd': dur = atof(optarg); break;
		case 'n': n = atoi(optarg); break;
		case 'w': warm = atof(optarg); break;
		case 'i': ip = optarg; break;
		default:
			fprintf(stderr, "usage: rtpgen -a PORT_A -b PORT_B -f FLOWS -d SEC [-n N] [-w WARMUP] [-i IP]\n");
			return 2;
		}
	}
	if (!pa || !pb || !file || !(f = fopen(file, "r"))) {
		fprintf(stderr, "rtpgen: -a, -b and a readable -f FLOWS are required\n");
		return 2;
	}
	memset(by_port_a, 0xff, sizeof(by_port_a));
	memset(by_port_b, 0xff, sizeof(by_port_b));
	flows = calloc(65536, sizeof(*flows));
	hist = calloc(HIST_US, sizeof(*hist));
	{
		unsigned int ra, rb;
		while (nflows < 65536 && (n < 0 || nflows < n) && fscanf(f, "%u %u", &ra, &rb) == 2) {
			struct flow *fl = &flows[nflows];
			if (ra > 65535 || rb > 65535 || by_port_a[ra] >= 0 || by_port_b[rb] >= 0) {
				fprintf(stderr, "rtpgen: bad or duplicate flow %u %u\n", ra, rb);
				return 2;
			}
			fl->ra = ra;
			fl->rb = rb;
			fl->to_a = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(ra) };
			fl->to_b = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(rb) };
			inet_pton(AF_INET, ip, &fl->to_a.sin_addr);
			inet_pton(AF_INET, ip, &fl->to_b.sin_addr);
			fl->ab.ssrc = 0x10000000u + nflows;
			fl->ba.ssrc = 0x20000000u + nflows;
			fl->ab.seq = fl->ba.seq = (uint16_t)(nflows * 7919);
			by_port_a[ra] = nflows;
			by_port_b[rb] = nflows;
			nflows++;
		}
	}
	fclose(f);
	if (n >= 0 && nflows < n) {
		fprintf(stderr, "rtpgen: only %d flows in %s, %d wanted\n", nflows, file, n);
		return 2;
	}
	fda = bind_udp(ip, pa);
	fdb = bind_udp(ip, pb);
	qa.fd = fda;
	qb.fd = fdb;
	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.u32 = 0;
	epoll_ctl(ep, EPOLL_CTL_ADD, fda, &ev);
	ev.data.u32 = 1;
	epoll_ctl(ep, EPOLL_CTL_ADD, fdb, &ev);

	int64_t t0 = now_ns(), t_meas = t0 + (int64_t)(warm * 1e9), t_stop = t_meas + (int64_t)(dur * 1e9);
	/* spread the calls evenly over the 20 ms packet period */
	for (int i = 0; i < nflows; i++)
		flows[i].next_ns = t0 + (PTIME_NS * i) / (nflows ? nflows : 1);
	int next = 0;		/* flows are served round-robin in next_ns order */
	int sending = 1;
	int64_t t_end = t_stop + 500000000LL;
	for (;;) {
		int64_t t = now_ns();
		if (!measuring && t >= t_meas && t < t_stop)
			measuring = 1;
		if (sending && t >= t_stop) {
			sending = 0;
			measuring = 0;
		}
		if (t >= t_end)
			break;
		if (sending && nflows) {
			while (flows[next].next_ns <= t) {
				struct flow *fl = &flows[next];
				int64_t late = t - fl->next_ns;
				if (measuring && late > late_max)
					late_max = late;
				txq_add(&qa, &fl->to_a, &fl->ab, t);
				txq_add(&qb, &fl->to_b, &fl->ba, t);
				fl->next_ns += PTIME_NS;
				next = (next + 1) % nflows;
			}
			txq_flush(&qa);
			txq_flush(&qb);
		}
		int64_t wait_ns = sending && nflows ? flows[next].next_ns - now_ns() : 10000000;
		int timeout_ms = wait_ns > 0 ? (int)(wait_ns / 1000000) : 0;
		int r = epoll_wait(ep, evs, 4, timeout_ms);
		for (int i = 0; i < r; i++)
			rx_drain(evs[i].data.u32 ? fdb : fda, evs[i].data.u32);
	}
	/* report */
	uint64_t sent = 0, recv = 0, expected = 0;
	double jsum = 0, jmax = 0;
	int jn = 0;
	for (int i = 0; i < nflows; i++) {
		struct dir_stats *ds[2] = { &flows[i].ab, &flows[i].ba };
		for (int k = 0; k < 2; k++) {
			sent += ds[k]->sent;
			recv += ds[k]->received;
			expected += ds[k]->sent;
			if (ds[k]->have_last) {
				jsum += ds[k]->jitter;
				jn++;
				if (ds[k]->jitter > jmax)
					jmax = ds[k]->jitter;
			}
		}
	}
	/* packets sent just before the measurement window may arrive inside it: clamp */
	uint64_t lost = expected > recv ? expected - recv : 0;
	uint64_t hist_total = hist_over;
	for (int i = 0; i < HIST_US; i++)
		hist_total += hist[i];
	printf("RTPGEN flows=%d sent=%llu received=%llu lost=%llu loss_pct=%.4f jitter_mean_ms=%.4f jitter_max_ms=%.4f "
	       "transit_p50_ms=%.3f transit_p99_ms=%.3f late_ms_max=%.3f\n",
	       nflows, (unsigned long long)sent, (unsigned long long)recv, (unsigned long long)lost,
	       expected ? 100.0 * lost / expected : 0.0, jn ? jsum / jn / 1e6 : 0.0, jmax / 1e6,
	       hist_pct(hist_total, 0.5), hist_pct(hist_total, 0.99), late_max / 1e6);
	return 0;
}

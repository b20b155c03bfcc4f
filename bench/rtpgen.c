/* rtpgen: G.711 RTP load generator and sink for the media benchmark (one process, epoll).
 *
 * Usage: rtpgen -a PORT_A -b PORT_B -f FLOWS -d SECONDS [-n N] [-w WARMUP_S] [-i IP]
 *   FLOWS: one line per call "RA RB": the relay's ports toward side A and side B.
 *   Side A (e.g. the circuit's bearer) is one socket bound to IP:PORT_A, side B (the SIP side) one
 *   socket on IP:PORT_B; for every call side A sends 50 pps (160-octet PCMA, 20 ms, RFC 3550
 *   header) to IP:RA and side B to IP:RB. What comes back on A from source port RA is call
 *   B->A, on B from RB call A->B (relays send from the port they receive on: symmetric RTP).
 *   The first N flows of the file are used. Packets carry their send time; per direction the
 *   receiver counts packets, loss (packets sent while measuring that did not arrive by the end),
 *   and the RFC 3550 interarrival jitter computed from the actual send times (so only what the
 *   path adds). Between packets the sender sleeps until the next one is due (epoll_pwait2).
 *   After -w seconds of warm-up (not counted) it measures for -d seconds, stops sending, waits
 *   0.5 s for stragglers and prints one line:
 *   RTPGEN flows=N sent=.. received=.. lost=.. loss_pct=.. jitter_mean_ms=.. jitter_max_ms=..
 *          transit_p50_ms=.. transit_p99_ms=.. transit_max_ms=.. transit_over_100ms=..
 *          late_ms_max=.. (sender lateness vs schedule)
 *          received_all=.. (every datagram received, warm-up included: the packets the relay
 *          relayed during the whole run, for its CPU per packet)
 *   Transit (receive time - send time, one clock) goes into a histogram of 1 us bins up to
 *   100 ms and 1 ms bins up to 10 s; beyond that an overflow count. The exact maximum is kept
 *   apart, so no percentile is censored: one that falls in the overflow is reported as the
 *   maximum.
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
#define HIST_FINE 100000	/* transit histogram: 1 us bins up to 100 ms, */
#define HIST_COARSE 9900	/* then 1 ms bins from 100 ms up to 10 s */
#define HIST_BINS (HIST_FINE + HIST_COARSE)

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
static uint64_t hist_over;		/* transit of 10 s or more */
static uint64_t over_100ms;		/* transit of 100 ms or more */
static int64_t transit_max;		/* exact, ns */
static int measuring;
static int64_t late_max;
static uint64_t rx_all;			/* datagrams received over the whole run (warm-up included) */

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

/* bin of a transit time: 1 us below 100 ms, 1 ms up to 10 s, -1 beyond */
static int hist_bin(int64_t transit_ns)
{
	int64_t us = transit_ns / 1000;
	if (us < HIST_FINE)
		return us;
	if (us / 1000 - 100 < HIST_COARSE)
		return HIST_FINE + (us / 1000 - 100);
	return -1;
}

/* lower edge of a bin, in ms */
static double hist_bin_ms(int bin)
{
	return bin < HIST_FINE ? bin / 1000.0 : 100.0 + (bin - HIST_FINE);
}

static void hist_add(int64_t transit)
{
	int bin = hist_bin(transit);
	if (transit > transit_max)
		transit_max = transit;
	if (transit >= 100000000LL)
		over_100ms++;
	if (bin < 0)
		hist_over++;
	else
		hist[bin]++;
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
	hist_add(transit);
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
		rx_all += r;
		for (int i = 0; i < r; i++)
			rx_one(bufs[i], m[i].msg_len, ntohs(from[i].sin_port), side_b, t);
		if (r < BATCH)
			return;
	}
}

/* the p-quantile (lower bin edge); one in the overflow is the exact maximum */
static double hist_pct(uint64_t total, double p)
{
	uint64_t want = (uint64_t)(p * total), acc = 0;
	if (!total)
		return 0.0;
	for (int i = 0; i < HIST_BINS; i++) {
		acc += hist[i];
		if (acc > want)
			return hist_bin_ms(i);
	}
	return transit_max / 1e6;
}

/* a whole number in [lo, hi] from an option, else exit 2 */
static long opt_long(int opt, const char *arg, long lo, long hi)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < lo || v > hi) {
		fprintf(stderr, "rtpgen: -%c %s: a whole number from %ld to %ld expected\n", opt, arg, lo, hi);
		exit(2);
	}
	return v;
}

/* seconds in [lo, hi] from an option, else exit 2 */
static double opt_secs(int opt, const char *arg, double lo, double hi)
{
	char *end;
	double v;
	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= lo && v <= hi)) {
		fprintf(stderr, "rtpgen: -%c %s: seconds from %g to %g expected\n", opt, arg, lo, hi);
		exit(2);
	}
	return v;
}

/* the flows file: one "RA RB" line per call, the first n (all when n < 0) */
static int read_flows(const char *file, const char *ip, int n)
{
	unsigned int ra, rb;
	FILE *f = fopen(file, "r");
	if (!f) {
		fprintf(stderr, "rtpgen: %s: %s\n", file, strerror(errno));
		return -1;
	}
	while (nflows < 65536 && (n < 0 || nflows < n) && fscanf(f, "%u %u", &ra, &rb) == 2) {
		struct flow *fl = &flows[nflows];
		if (!ra || !rb || ra > 65535 || rb > 65535 || by_port_a[ra] >= 0 || by_port_b[rb] >= 0) {
			fprintf(stderr, "rtpgen: %s: bad or duplicate flow %u %u\n", file, ra, rb);
			fclose(f);
			return -1;
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
	fclose(f);
	if (n >= 0 && nflows < n) {
		fprintf(stderr, "rtpgen: only %d flows in %s, %d wanted\n", nflows, file, n);
		return -1;
	}
	return 0;
}

/* epoll with a nanosecond timeout (epoll_pwait2, Linux 5.11), so that the sender sleeps until the
 * next flow is due instead of spinning below 1 ms; epoll_wait (ms) where the kernel lacks it */
static int wait_events(int ep, struct epoll_event *evs, int n, int64_t wait_ns)
{
	static int no_pwait2;
	if (wait_ns < 0)
		wait_ns = 0;
	if (!no_pwait2) {
		struct timespec ts = { .tv_sec = wait_ns / 1000000000LL, .tv_nsec = wait_ns % 1000000000LL };
		int r = epoll_pwait2(ep, evs, n, &ts, NULL);
		if (r >= 0 || errno != ENOSYS)
			return r;
		no_pwait2 = 1;
	}
	return epoll_wait(ep, evs, n, (int)(wait_ns / 1000000));
}

/* sends on schedule and receives until the end of the run: warm-up, measurement, 0.5 s drain */
static void run(int fda, int fdb, double warm, double dur)
{
	static struct txq qa, qb;
	struct epoll_event ev = { .events = EPOLLIN }, evs[4];
	int ep = epoll_create1(0), next = 0, sending = 1;
	int64_t t0 = now_ns(), t_meas = t0 + (int64_t)(warm * 1e9), t_stop = t_meas + (int64_t)(dur * 1e9);
	int64_t t_end = t_stop + 500000000LL;

	qa.fd = fda;
	qb.fd = fdb;
	ev.data.u32 = 0;
	epoll_ctl(ep, EPOLL_CTL_ADD, fda, &ev);
	ev.data.u32 = 1;
	epoll_ctl(ep, EPOLL_CTL_ADD, fdb, &ev);
	/* spread the calls evenly over the 20 ms packet period; served round-robin in that order */
	for (int i = 0; i < nflows; i++)
		flows[i].next_ns = t0 + (PTIME_NS * i) / nflows;
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
		int r = wait_events(ep, evs, 4, wait_ns);
		for (int i = 0; i < r; i++)
			rx_drain(evs[i].data.u32 ? fdb : fda, evs[i].data.u32);
	}
	close(ep);
}

static void report(void)
{
	uint64_t sent = 0, recv = 0, lost, hist_total = hist_over;
	double jsum = 0, jmax = 0;
	int jn = 0;
	for (int i = 0; i < nflows; i++) {
		struct dir_stats *ds[2] = { &flows[i].ab, &flows[i].ba };
		for (int k = 0; k < 2; k++) {
			sent += ds[k]->sent;
			recv += ds[k]->received;
			if (ds[k]->have_last) {
				jsum += ds[k]->jitter;
				jn++;
				if (ds[k]->jitter > jmax)
					jmax = ds[k]->jitter;
			}
		}
	}
	/* packets sent just before the measurement window may arrive inside it: clamp */
	lost = sent > recv ? sent - recv : 0;
	for (int i = 0; i < HIST_BINS; i++)
		hist_total += hist[i];
	printf("RTPGEN flows=%d sent=%llu received=%llu lost=%llu loss_pct=%.4f jitter_mean_ms=%.4f jitter_max_ms=%.4f "
	       "transit_p50_ms=%.3f transit_p99_ms=%.3f transit_max_ms=%.3f transit_over_100ms=%llu late_ms_max=%.3f "
	       "received_all=%llu\n",
	       nflows, (unsigned long long)sent, (unsigned long long)recv, (unsigned long long)lost,
	       sent ? 100.0 * lost / sent : 0.0, jn ? jsum / jn / 1e6 : 0.0, jmax / 1e6,
	       hist_pct(hist_total, 0.5), hist_pct(hist_total, 0.99), transit_max / 1e6,
	       (unsigned long long)over_100ms, late_max / 1e6, (unsigned long long)rx_all);
}

int main(int argc, char **argv)
{
	const char *ip = "127.0.0.1", *file = NULL;
	int pa = 0, pb = 0, n = -1, c;
	double dur = 5, warm = 1;
	struct in_addr probe;

	while ((c = getopt(argc, argv, "a:b:f:d:n:w:i:")) != -1) {
		switch (c) {
		case 'a': pa = opt_long(c, optarg, 1, 65535); break;
		case 'b': pb = opt_long(c, optarg, 1, 65535); break;
		case 'f': file = optarg; break;
		case 'd': dur = opt_secs(c, optarg, 0.1, 3600); break;
		case 'n': n = opt_long(c, optarg, 1, 65536); break;
		case 'w': warm = opt_secs(c, optarg, 0, 600); break;
		case 'i': ip = optarg; break;
		default:
			fprintf(stderr, "usage: rtpgen -a PORT_A -b PORT_B -f FLOWS -d SEC [-n N] [-w WARMUP] [-i IP]\n");
			return 2;
		}
	}
	if (!pa || !pb || !file) {
		fprintf(stderr, "rtpgen: -a, -b and -f FLOWS are required\n");
		return 2;
	}
	if (inet_pton(AF_INET, ip, &probe) != 1) {
		fprintf(stderr, "rtpgen: -i %s: not an IPv4 address\n", ip);
		return 2;
	}
	memset(by_port_a, 0xff, sizeof(by_port_a));
	memset(by_port_b, 0xff, sizeof(by_port_b));
	flows = calloc(65536, sizeof(*flows));
	hist = calloc(HIST_BINS, sizeof(*hist));
	if (!flows || !hist) {
		fprintf(stderr, "rtpgen: out of memory\n");
		return 2;
	}
	if (read_flows(file, ip, n) < 0)
		return 2;
	if (!nflows) {
		fprintf(stderr, "rtpgen: no flows in %s\n", file);
		return 2;
	}
	run(bind_udp(ip, pa), bind_udp(ip, pb), warm, dur);
	report();
	return 0;
}

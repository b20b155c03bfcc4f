/* rtp-pstn: the PSTN side of the cluster lab's calls (scripts/lab --cluster). One UDP socket
 * stands for every circuit's bearer (the gateways' config: "cic 1 1023 bearer IP PORT 0"); for
 * each CIC of the list it sends G.711 A-law RTP (160 octets, RFC 3550 header) to the gateway's
 * PSTN-side port of that CIC ("media pstn-local GROUP ADDR BASE STEP": BASE + STEP * CIC) and
 * counts what comes back from that port. The SIP side (SIPp -rtp_echo) sends every packet back,
 * so a packet received here has crossed the bridge both ways: PSTN -> SIP and SIP -> PSTN.
 * SIGUSR1 starts the next phase (the lab: before the kill / during the takeover / after it);
 * SIGTERM or SIGINT ends the run and writes the report:
 *   RTPPSTN phases=P cics=N pps=R
 *   PHASE p t=MONOTONIC_S sent=S received=R rx_cics=K
 *   CIC c rx=R0,R1,... first=T0,T1,...   (first: monotonic s of the first packet of each phase,
 *                                        0 when none)
 * Usage: rtp-pstn -l IP:PORT -t ADDR -b BASE -s STEP -c FIRST-LAST[,FIRST-LAST...] [-r PPS]
 *                 -o REPORT
 * Written for the lab; no copy of another project's code. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CIC 4096
#define MAX_PHASE 8
#define PKT 172

struct cic_st {
	int on;
	uint16_t seq;
	uint32_t ts;
	uint64_t rx[MAX_PHASE];
	double first[MAX_PHASE];
};

static struct cic_st cics[MAX_CIC];
static int list[MAX_CIC], nlist;
static volatile sig_atomic_t stop, bump;
static int phase;
static double phase_t[MAX_PHASE];
static uint64_t sent[MAX_PHASE], rcvd[MAX_PHASE];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_sig(int s)
{
	if (s == SIGUSR1)
		bump = 1;
	else
		stop = 1;
}

static int parse_addr(const char *s, struct sockaddr_in *a)
{
	char ip[64];
	const char *c = strrchr(s, ':');
	if (!c || c - s >= (int)sizeof(ip))
		return -1;
	memcpy(ip, s, c - s);
	ip[c - s] = 0;
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons(atoi(c + 1));
	return inet_pton(AF_INET, ip, &a->sin_addr) == 1 ? 0 : -1;
}

static int parse_cics(char *s)
{
	for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		int a, b;
		if (sscanf(tok, "%d-%d", &a, &b) != 2)
			b = a = atoi(tok);
		if (a < 1 || b >= MAX_CIC || a > b)
			return -1;
		for (int c = a; c <= b; c++)
			if (!cics[c].on) {
				cics[c].on = 1;
				cics[c].seq = (uint16_t)(c * 7);
				list[nlist++] = c;
			}
	}
	return nlist ? 0 : -1;
}

static void send_one(int fd, const struct sockaddr_in *to, int cic, int base, int step)
{
	uint8_t p[PKT];
	struct cic_st *c = &cics[cic];
	struct sockaddr_in d = *to;

	memset(p, 0xd5, sizeof(p));	/* A-law silence */
	p[0] = 0x80;
	p[1] = 8;			/* PCMA */
	p[2] = c->seq >> 8; p[3] = c->seq & 0xff;
	p[4] = c->ts >> 24; p[5] = c->ts >> 16; p[6] = c->ts >> 8; p[7] = c->ts;
	p[8] = 0x52; p[9] = 0x54; p[10] = cic >> 8; p[11] = cic & 0xff;	/* SSRC */
	c->seq++;
	c->ts += 160;
	d.sin_port = htons(base + step * cic);
	if (sendto(fd, p, sizeof(p), 0, (struct sockaddr *)&d, sizeof(d)) == (ssize_t)sizeof(p))
		sent[phase]++;
}

static void drain(int fd, int base, int step)
{
	uint8_t buf[2048];
	struct sockaddr_in from;
	socklen_t fl;
	ssize_t n;

	for (;;) {
		fl = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		int port = ntohs(from.sin_port);
		if (n < 12 || port < base || (port - base) % step)
			continue;
		int cic = (port - base) / step;
		if (cic < 1 || cic >= MAX_CIC || !cics[cic].on)
			continue;
		if (!cics[cic].rx[phase])
			cics[cic].first[phase] = now_s();
		cics[cic].rx[phase]++;
		rcvd[phase]++;
	}
}

static void report(const char *path, int pps)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "RTPPSTN phases=%d cics=%d pps=%d\n", phase + 1, nlist, pps);
	for (int p = 0; p <= phase; p++) {
		int k = 0;
		for (int i = 0; i < nlist; i++)
			k += cics[list[i]].rx[p] > 0;
		fprintf(f, "PHASE %d t=%.6f sent=%llu received=%llu rx_cics=%d\n", p, phase_t[p],
			(unsigned long long)sent[p], (unsigned long long)rcvd[p], k);
	}
	for (int i = 0; i < nlist; i++) {
		struct cic_st *c = &cics[list[i]];
		fprintf(f, "CIC %d rx=", list[i]);
		for (int p = 0; p <= phase; p++)
			fprintf(f, "%s%llu", p ? "," : "", (unsigned long long)c->rx[p]);
		fprintf(f, " first=");
		for (int p = 0; p <= phase; p++)
			fprintf(f, "%s%.6f", p ? "," : "", c->first[p]);
		fprintf(f, "\n");
	}
	fclose(f);
}

static int usage(void)
{
	fprintf(stderr, "usage: rtp-pstn -l IP:PORT -t ADDR -b BASE -s STEP -c FIRST-LAST[,..] [-r PPS] -o REPORT\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct sockaddr_in local, to;
	const char *out = NULL, *laddr = NULL;
	int base = 0, step = 2, pps = 50, opt, fd, have_to = 0;

	while ((opt = getopt(argc, argv, "l:t:b:s:c:r:o:")) != -1) {
		switch (opt) {
		case 'l': laddr = optarg; break;
		case 't': memset(&to, 0, sizeof(to)); to.sin_family = AF_INET;
			  have_to = inet_pton(AF_INET, optarg, &to.sin_addr) == 1; break;
		case 'b': base = atoi(optarg); break;
		case 's': step = atoi(optarg); break;
		case 'c': if (parse_cics(optarg) < 0) return usage(); break;
		case 'r': pps = atoi(optarg); break;
		case 'o': out = optarg; break;
		default: return usage();
		}
	}
	if (!laddr || parse_addr(laddr, &local) < 0 || !have_to || !out || !nlist || base <= 0 || step <= 0 ||
	    pps < 1 || pps > 100)
		return usage();
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	int sz = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
		fprintf(stderr, "rtp-pstn: bind %s: %s\n", laddr, strerror(errno));
		return 1;
	}
	signal(SIGUSR1, on_sig);
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	printf("rtp-pstn: %d CICs, %d pps each, from %s\n", nlist, pps, laddr);
	fflush(stdout);
	double t0 = now_s(), period = 1.0 / pps;
	phase_t[0] = t0;
	long long round = 0;
	while (!stop) {
		if (bump && phase < MAX_PHASE - 1) {
			phase++;
			phase_t[phase] = now_s();
		}
		bump = 0;
		double due = t0 + round * period;
		double t = now_s();
		if (t >= due) {
			for (int i = 0; i < nlist; i++)
				send_one(fd, &to, list[i], base, step);
			round++;
			continue;
		}
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		int ms = (int)((due - t) * 1000) + 1;
		if (poll(&pf, 1, ms) > 0)
			drain(fd, base, step);
	}
	drain(fd, base, step);
	report(out, pps);
	return 0;
}

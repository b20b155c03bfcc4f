/* rtp-probe: RTP endpoint for media tests on 127.0.0.1. Sends a sine as G.711 RTP at 50 pps and
 * reports what it received: packets per payload type, and for each frequency asked for the frames
 * in which it held > 50 % of the power, its share of all decoded power, and its on/off cadence
 * (ms, 20 ms resolution); RFC 4733 events received (one digit per event).
 * Usage: rtp-probe -r REMOTE_PORT [-l LOCAL_PORT] [-f FREQ] [-p PT] [-d MS] [-D F1,F2,...] [-S]
 *                  [-s MS] [-e DIGITS -E PT -t MS]
 *   -s: stop sending the tone after MS ms (keep receiving); -e: send these digits (0-9 * # A-D)
 *   as telephone-events with payload type -E, the first at -t ms, then one every 300 ms;
 *   -M: decode in-band DTMF (spandsp) in the received audio: "dtmf-digits ..." 
 * Prints "port N" (local port) first, the report after -d ms (default 2000). -S adds a timeline:
 * which of the -D frequencies held each received frame, as runs "FREQxFRAMES" (0: none of them).
 * "rx-times first T1 last T2": kernel arrival times (CLOCK_MONOTONIC s, as isup-peer -A prints) of the
 * first and the last packet received; "tx-times first T1 last T2": the first and last packet sent. */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <talloc.h>
#include <spandsp.h>
#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>
#include "tests/media/probe.h"
#include "tests/media/analyze.h"

static bool done;

static void end_cb(void *data)
{
	done = true;
}

static struct probe *probe;
static const char *digits;
static int ev_pt = 101;
static unsigned int next_digit;
static struct osmo_timer_list ev_timer, stop_timer;

static int digit_event(char d)
{
	static const char map[] = "0123456789*#ABCD";
	const char *p = strchr(map, d);
	return p && d ? (int)(p - map) : -1;
}

static void ev_cb(void *data)
{
	int e;

	if (!digits[next_digit])
		return;
	e = digit_event(digits[next_digit++]);
	if (e >= 0)
		probe_send_event(probe, ev_pt, e);
	osmo_timer_schedule(&ev_timer, 0, 300000);
}

static void stop_cb(void *data)
{
	probe_send_tone(probe, 0, probe->pt);
}

/* one line with the digits of the events received (an event: its packets share a timestamp) */
static void report_events(const struct probe *p)
{
	static const char map[] = "0123456789*#ABCD";
	char got[PROBE_MAX_EV + 1];
	unsigned int n = 0, end_bits = 0;
	int pt = -1;

	for (unsigned int i = 0; i < p->nev; i++) {
		if (i == 0 || p->ev[i].ts != p->ev[i - 1].ts)
			got[n++] = p->ev[i].payload[0] < 16 ? map[p->ev[i].payload[0]] : '?';
		if (p->ev[i].payload[1] & 0x80)
			end_bits++;
		pt = p->ev[i].pt;
	}
	got[n] = 0;
	printf("events pt %d packets %u ends %u digits %s\n", pt, p->nev, end_bits, n ? got : "-");
}

static void report_cadence(const struct probe *p, double f)
{
	size_t frames = p->audio_len / 160;
	unsigned long on_frames = 0;
	int state = -1, len = 0, shown = 0;

	printf("freq %.0f cadence:", f);
	for (size_t i = 0; i <= frames; i++) {
		int on = -2;
		if (i < frames) {
			const int16_t *x = p->audio + i * 160;
			double tot = mean_power(x, 160);
			on = tot > 1e4 && goertzel_power(x, 160, f) > 0.5 * tot;
			on_frames += on;
		}
		if (on == state) {
			len += 20;
			continue;
		}
		if (state >= 0 && shown++ < 64)
			printf(" %s%d", state ? "on" : "off", len);
		state = on;
		len = 20;
	}
	printf("\nfreq %.0f frames %lu of %zu\n", f, on_frames, frames);
	/* a wrong G.711 law still leaves ~90 % of the power at f, but far from the sent level
	 * (8000 peak: RMS 5657) */
	printf("freq %.0f power-share %.3f rms %.0f\n", f, p->audio_len ? freq_fraction(p->audio, p->audio_len, f) : 0.0,
	       p->audio_len ? sqrt(mean_power(p->audio, p->audio_len)) : 0.0);
}

/* The order in which the asked-for frequencies were heard: one run per change of the frame's
 * dominant detector frequency (0 = none above the threshold) */
static void report_timeline(const struct probe *p, const double *det, unsigned int ndet)
{
	size_t frames = p->audio_len / 160;
	double cur = -1;
	unsigned long len = 0;

	printf("timeline:");
	for (size_t i = 0; i <= frames; i++) {
		double f = -2;
		if (i < frames) {
			const int16_t *x = p->audio + i * 160;
			double tot = mean_power(x, 160);
			f = 0;
			for (unsigned int k = 0; k < ndet; k++)
				if (tot > 1e4 && goertzel_power(x, 160, det[k]) > 0.5 * tot)
					f = det[k];
		}
		if (f == cur) {
			len++;
			continue;
		}
		if (cur >= 0)
			printf(" %.0fx%lu", cur, len);
		cur = f;
		len = 1;
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	void *ctx = talloc_named_const(NULL, 0, "rtp-probe");
	int remote = 0, local = 0, freq = 0, pt = 8, dur = 2000, stop_ms = 0, ev_ms = 0, opt;
	bool want_dtmf = false;
	double det[PROBE_MAX_DET];
	unsigned int ndet = 0;
	struct osmo_timer_list t;
	struct probe *p;
	bool timeline = false;

	while ((opt = getopt(argc, argv, "r:l:f:p:d:D:Ss:e:E:t:M")) != -1) {
		switch (opt) {
		case 'r': remote = atoi(optarg); break;
		case 'l': local = atoi(optarg); break;
		case 'f': freq = atoi(optarg); break;
		case 'p': pt = atoi(optarg); break;
		case 'd': dur = atoi(optarg); break;
		case 's': stop_ms = atoi(optarg); break;
		case 'e': digits = optarg; break;
		case 'E': ev_pt = atoi(optarg); break;
		case 't': ev_ms = atoi(optarg); break;
		case 'M': want_dtmf = true; break;
		case 'S': timeline = true; break;
		case 'D':
			for (char *s = strtok(optarg, ","); s && ndet < PROBE_MAX_DET; s = strtok(NULL, ","))
				det[ndet++] = atof(s);
			break;
		default:
			fprintf(stderr, "usage: rtp-probe -r REMOTE_PORT [-l LOCAL_PORT] [-f FREQ] [-p PT] [-d MS] [-D F1,F2] [-S]\n"
					"                 [-s STOP_MS] [-e DIGITS -E PT -t MS] [-M]\n");
			return 2;
		}
	}
	p = probe_alloc(ctx, "probe");
	if (local) {
		/* rebind on the requested port */
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(local) };
		int fd = socket(AF_INET, SOCK_DGRAM, 0), on = 1;
		inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		if (fd >= 0)
			setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));	/* kernel arrival times */
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
			perror("bind");
			return 1;
		}
		osmo_fd_unregister(&p->ofd);
		close(p->ofd.fd);
		p->ofd.fd = fd;
		osmo_fd_register(&p->ofd);
		p->port = local;
	}
	printf("port %u\n", p->port);
	fflush(stdout);
	p->record = true;
	for (unsigned int i = 0; i < ndet; i++)
		probe_detect(p, det[i]);
	probe = p;
	if (remote) {
		probe_set_remote(p, remote);
		if (freq)
			probe_send_tone(p, freq, pt);
		if (freq && stop_ms) {
			osmo_timer_setup(&stop_timer, stop_cb, NULL);
			osmo_timer_schedule(&stop_timer, stop_ms / 1000, (stop_ms % 1000) * 1000);
		}
		if (digits) {
			osmo_timer_setup(&ev_timer, ev_cb, NULL);
			osmo_timer_schedule(&ev_timer, ev_ms / 1000, (ev_ms % 1000) * 1000);
		}
	}
	osmo_timer_setup(&t, end_cb, NULL);
	osmo_timer_schedule(&t, dur / 1000, (dur % 1000) * 1000);
	while (!done)
		osmo_select_main(0);
	probe_drain(p);
	printf("sent %llu received %llu ssrc-changes %u seq-errors %u ts-errors %u\n",
	       (unsigned long long)p->tx_packets, (unsigned long long)p->rx_packets, p->ssrc_changes, p->seq_errors,
	       p->ts_errors);
	if (p->tx_packets)	/* when it started and stopped sending, CLOCK_MONOTONIC */
		printf("tx-times first %.6f last %.6f\n", p->tx_start.tv_sec + p->tx_start.tv_nsec / 1e9,
		       p->last_tx.tv_sec + p->last_tx.tv_nsec / 1e9);
	if (p->rx_any)	/* kernel arrival times of the first and last packet, CLOCK_MONOTONIC (isup-peer -A) */
		printf("rx-times first %.6f last %.6f\n", p->first_rx.tv_sec + p->first_rx.tv_nsec / 1e9,
		       p->last_rx.tv_sec + p->last_rx.tv_nsec / 1e9);
	for (int i = 0; i < 128; i++)
		if (p->rx_by_pt[i])
			printf("pt %d packets %llu\n", i, (unsigned long long)p->rx_by_pt[i]);
	for (unsigned int i = 0; i < ndet; i++)
		report_cadence(p, det[i]);
	if (timeline)
		report_timeline(p, det, ndet);
	report_events(p);
	if (want_dtmf) {
		dtmf_rx_state_t *rx = dtmf_rx_init(NULL, NULL, NULL);
		char got[64];
		int k;
		dtmf_rx(rx, p->audio, p->audio_len);
		k = dtmf_rx_get(rx, got, sizeof(got) - 1);
		got[k > 0 ? k : 0] = 0;
		printf("dtmf-digits %s\n", got[0] ? got : "-");
		dtmf_rx_free(rx);
	}
	osmo_timer_del(&ev_timer);
	osmo_timer_del(&stop_timer);
	probe_free(p);
	talloc_free(ctx);
	return 0;
}

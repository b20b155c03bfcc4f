/* Media bridge tests with real RTP on 127.0.0.1: probes (plain UDP) on both legs of bridges driven
 * by osmo_select_main. Direction/cut-through, tones instead of relay, transcoding, telephone-event,
 * remote address change, media timeout, national tones over RTP, throughput (printed).
 * Usage: test_bridge [CASE...]  (direction fast queued transcode events dtmf remote parse restart timeout tones throughput) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <talloc.h>
#include <spandsp.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>
#include "media/media.h"
#include "media/media_internal.h"
#include "tests/media/probe.h"
#include "tests/media/analyze.h"
#include "tests/media/test_log.h"

static void *ctx;
static struct media_pool *pool;
static int failures;

#define CHECK(cond, fmt, ...) do { \
	if (cond) printf("ok " fmt "\n", ##__VA_ARGS__); \
	else { printf("not ok " fmt "\n", ##__VA_ARGS__); failures++; } fflush(stdout); } while (0)

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

static double ts_ms(const struct timespec *t)
{
	return t->tv_sec * 1000.0 + t->tv_nsec / 1e6;
}

static void deadline_cb(void *data)
{
	*(bool *)data = true;
}

/* run the main loop for ms milliseconds (select blocks until an fd or the next timer) */
static void run_for(unsigned int ms)
{
	struct osmo_timer_list t;
	bool done = false;

	osmo_timer_setup(&t, deadline_cb, &done);
	osmo_timer_schedule(&t, ms / 1000, (ms % 1000) * 1000);
	while (!done)
		osmo_select_main(0);
}

struct pair {
	struct media_bridge *b;
	struct probe *pstn, *sip;
};

/* bridge + one probe per leg; calling leg given; codecs as (pt) 8 = PCMA, 0 = PCMU */
static struct pair mkpair(const char *name, enum media_leg calling, uint8_t pstn_pt, uint8_t sip_pt, int pstn_te,
			  int sip_te)
{
	struct pair p;
	p.b = media_bridge_alloc(pool, ctx, name, calling);
	OSMO_ASSERT(p.b);
	p.pstn = probe_alloc(ctx, "pstn");
	p.sip = probe_alloc(ctx, "sip");
	media_bridge_set_leg(p.b, MEDIA_LEG_PSTN, "127.0.0.1", p.pstn->port,
			     pstn_pt == 8 ? MEDIA_CODEC_PCMA : MEDIA_CODEC_PCMU, pstn_pt, pstn_te);
	media_bridge_set_leg(p.b, MEDIA_LEG_SIP, "127.0.0.1", p.sip->port,
			     sip_pt == 8 ? MEDIA_CODEC_PCMA : MEDIA_CODEC_PCMU, sip_pt, sip_te);
	probe_set_remote(p.pstn, media_bridge_local_port(p.b, MEDIA_LEG_PSTN));
	probe_set_remote(p.sip, media_bridge_local_port(p.b, MEDIA_LEG_SIP));
	return p;
}

static void freepair(struct pair *p)
{
	media_bridge_free(p->b);
	probe_free(p->pstn);
	probe_free(p->sip);
}

#define F_CALLING 1000	/* the calling party's test frequency */
#define F_CALLED 1700	/* the called party's */

/* Ingress call (calling on the PSTN leg): off -> backward -> tone -> backward -> both -> stop. */
static void test_direction(void)
{
	struct pair p = mkpair("dir", MEDIA_LEG_PSTN, 8, 8, 101, 101);
	struct probe *A = p.pstn, *B = p.sip;	/* A calling, B called */
	struct media_bridge_stats st;
	uint64_t a_total = 0, b_total = 0;

	probe_detect(A, F_CALLED);
	probe_detect(A, 425);
	probe_detect(B, F_CALLING);
	probe_send_tone(A, F_CALLING, 8);
	probe_send_tone(B, F_CALLED, 8);

	run_for(400);
	probe_reset_rx(A);
	probe_reset_rx(B);
	CHECK(media_bridge_dir(p.b) == MEDIA_DIR_OFF, "direction: new bridge is off");
	run_for(500);
	probe_drain(A);
	probe_drain(B);
	CHECK(A->rx_packets == 0 && B->rx_packets == 0, "direction off: nothing relayed (A got %llu, B got %llu)",
	      (unsigned long long)A->rx_packets, (unsigned long long)B->rx_packets);

	media_bridge_set_dir(p.b, MEDIA_DIR_BACKWARD);
	run_for(1000);
	probe_drain(A);
	probe_drain(B);
	CHECK(A->det_frames[0] >= 45 && A->rx_packets <= 52,
	      "backward: called party's %d Hz reaches the calling side (%llu frames of %llu packets in 1 s)", F_CALLED,
	      (unsigned long long)A->det_frames[0], (unsigned long long)A->rx_packets);
	CHECK(B->rx_packets == 0, "backward: calling party's audio does not reach the called side (%llu packets)",
	      (unsigned long long)B->rx_packets);
	a_total += A->rx_packets;
	probe_reset_rx(A);

	/* a tone toward the calling side replaces the relayed audio, then relay resumes */
	CHECK(media_bridge_play_tone(p.b, MEDIA_LEG_PSTN, NULL, TONE_RINGING) == 0
	      && media_bridge_tone(p.b, MEDIA_LEG_PSTN) == TONE_RINGING, "play ringing toward the calling side");
	run_for(800);
	probe_drain(A);
	CHECK(A->det_frames[1] >= 38 && A->det_frames[0] == 0,
	      "tone replaces relay: %llu frames of 425 Hz, %llu of %d Hz in 0.8 s", (unsigned long long)A->det_frames[1],
	      (unsigned long long)A->det_frames[0], F_CALLED);
	a_total += A->rx_packets;
	probe_reset_rx(A);
	media_bridge_stop_tone(p.b, MEDIA_LEG_PSTN);
	run_for(500);
	probe_drain(A);
	CHECK(A->det_frames[0] >= 22 && A->det_frames[1] == 0, "relay resumes after the tone: %llu frames of %d Hz",
	      (unsigned long long)A->det_frames[0], F_CALLED);
	a_total += A->rx_packets;
	probe_reset_rx(A);
	probe_reset_rx(B);

	media_bridge_set_dir(p.b, MEDIA_DIR_BOTH);
	run_for(1000);
	probe_drain(A);
	probe_drain(B);
	CHECK(A->det_frames[0] >= 45 && B->det_frames[0] >= 45,
	      "both: audio both ways (calling side %llu frames of %d Hz, called side %llu frames of %d Hz in 1 s)",
	      (unsigned long long)A->det_frames[0], F_CALLED, (unsigned long long)B->det_frames[0], F_CALLING);
	a_total += A->rx_packets;
	b_total += B->rx_packets;
	CHECK(A->ssrc_changes == 0 && A->seq_errors == 0 && A->ts_errors == 0 && B->seq_errors == 0,
	      "each leg sees one clean stream (ssrc changes %u, seq errors %u/%u, ts errors %u)", A->ssrc_changes,
	      A->seq_errors, B->seq_errors, A->ts_errors);

	media_bridge_stop(p.b);
	run_for(50);
	probe_reset_rx(A);
	probe_reset_rx(B);
	run_for(500);
	probe_drain(A);
	probe_drain(B);
	CHECK(A->rx_packets == 0 && B->rx_packets == 0 && media_bridge_dir(p.b) == MEDIA_DIR_STOPPED
	      && media_bridge_set_dir(p.b, MEDIA_DIR_BOTH) < 0,
	      "stop: nothing relayed after stop (A %llu, B %llu), cannot be reopened",
	      (unsigned long long)A->rx_packets, (unsigned long long)B->rx_packets);

	/* the probes stop sending and the bridge reads what is still in flight: a packet sent by a
	 * probe's timer in the loop's last pass is read by the bridge only in the next one */
	probe_send_tone(A, 0, 8);
	probe_send_tone(B, 0, 8);
	run_for(60);
	media_bridge_get_stats(p.b, &st);
	{
		char sum[256];
		media_bridge_summary(p.b, sum, sizeof(sum));
		printf("# summary: %s\n", sum);
	}
	CHECK(st.leg[MEDIA_LEG_PSTN].rx_packets == A->tx_packets && st.leg[MEDIA_LEG_SIP].rx_packets == B->tx_packets
	      && st.leg[MEDIA_LEG_PSTN].rx_lost == 0,
	      "stats: received pstn %llu (probe sent %llu), sip %llu (sent %llu), lost %llu",
	      (unsigned long long)st.leg[MEDIA_LEG_PSTN].rx_packets, (unsigned long long)A->tx_packets,
	      (unsigned long long)st.leg[MEDIA_LEG_SIP].rx_packets, (unsigned long long)B->tx_packets,
	      (unsigned long long)st.leg[MEDIA_LEG_PSTN].rx_lost);
	CHECK(st.leg[MEDIA_LEG_PSTN].tx_packets >= a_total && st.leg[MEDIA_LEG_SIP].tx_packets == b_total
	      && st.leg[MEDIA_LEG_PSTN].tx_tone_packets >= 38,
	      "stats: sent to pstn %llu (probe received %llu, %llu tone), to sip %llu (probe received %llu)",
	      (unsigned long long)st.leg[MEDIA_LEG_PSTN].tx_packets, (unsigned long long)a_total,
	      (unsigned long long)st.leg[MEDIA_LEG_PSTN].tx_tone_packets,
	      (unsigned long long)st.leg[MEDIA_LEG_SIP].tx_packets, (unsigned long long)b_total);
	freepair(&p);
}

/* Fast answer: OFF straight to BOTH; every packet received after that is relayed both ways. */
static void test_fast_answer(void)
{
	struct pair p = mkpair("fast", MEDIA_LEG_PSTN, 8, 8, -1, -1);
	struct media_bridge_stats st0, st1;

	probe_detect(p.pstn, F_CALLED);
	probe_detect(p.sip, F_CALLING);
	probe_send_tone(p.pstn, F_CALLING, 8);
	probe_send_tone(p.sip, F_CALLED, 8);
	run_for(300);
	/* what is still queued arrived before the answer: dropped (see test_queued) before the baseline */
	media_leg_drain(&p.b->legs[MEDIA_LEG_PSTN]);
	media_leg_drain(&p.b->legs[MEDIA_LEG_SIP]);
	media_bridge_get_stats(p.b, &st0);
	probe_reset_rx(p.pstn);
	probe_reset_rx(p.sip);
	media_bridge_set_dir(p.b, MEDIA_DIR_BOTH);
	run_for(500);
	probe_drain(p.pstn);
	probe_drain(p.sip);
	media_bridge_get_stats(p.b, &st1);
	CHECK(st1.leg[0].rx_dropped == st0.leg[0].rx_dropped && st1.leg[1].rx_dropped == st0.leg[1].rx_dropped
	      && p.pstn->det_frames[0] >= 23 && p.sip->det_frames[0] >= 23
	      && p.sip->rx_packets == st1.leg[0].rx_packets - st0.leg[0].rx_packets,
	      "fast answer: off -> both relays from the first packet (%llu and %llu frames in 0.5 s, none dropped)",
	      (unsigned long long)p.pstn->det_frames[0], (unsigned long long)p.sip->det_frames[0]);
	freepair(&p);
}

/* One G.711 A-law RTP packet of a sine (freq Hz) of stream ssrc from socket fd to 127.0.0.1:port */
static void send_raw_frame_ssrc(int fd, uint16_t port, int freq, uint16_t seq, uint32_t ssrc)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	uint8_t pkt[12 + 160] = { 0x80, 8, seq >> 8, seq & 0xff };
	uint32_t ts = seq * 160u;

	pkt[4] = ts >> 24; pkt[5] = ts >> 16; pkt[6] = ts >> 8; pkt[7] = ts;
	pkt[8] = ssrc >> 24; pkt[9] = ssrc >> 16; pkt[10] = ssrc >> 8; pkt[11] = ssrc;
	for (int i = 0; i < 160; i++)
		pkt[12 + i] = linear_to_alaw((int16_t)(8000.0 * sin(2 * M_PI * freq * (seq * 160 + i) / 8000.0)));
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	OSMO_ASSERT(sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&a, sizeof(a)) == sizeof(pkt));
}

#define RAW_SSRC 0x12345678

static void send_raw_frame(int fd, uint16_t port, int freq, uint16_t seq)
{
	send_raw_frame_ssrc(fd, port, freq, seq, RAW_SSRC);
}

#define BURST 500

/* Two bursts of BURST packets sent at once to the SIP leg (the second a restarted stream: new SSRC,
 * sequence and timestamp back to 0) arrive complete and in order on the PSTN leg as one stream:
 * the bridge's own SSRC, its sequence without a gap, timestamps re-based (one frame apart except
 * at the marked restart). Counts and order only, no timing. */
static void test_burst(void)
{
	struct pair p = mkpair("burst", MEDIA_LEG_PSTN, 8, 8, -1, -1);
	struct probe *A = p.pstn;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rcv = 1 << 21;
	uint16_t sip_port = media_bridge_local_port(p.b, MEDIA_LEG_SIP);
	struct media_bridge_stats st;

	OSMO_ASSERT(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &rcv, sizeof(rcv));
	media_bridge_set_dir(p.b, MEDIA_DIR_BOTH);
	run_for(20);
	for (int i = 0; i < BURST; i++)
		send_raw_frame_ssrc(fd, sip_port, F_CALLED, 1000 + i, RAW_SSRC);
	run_for(200);
	probe_drain(A);
	CHECK(A->rx_packets == BURST && A->seq_errors == 0 && A->ts_errors == 0 && A->ssrc_changes == 0
	      && A->last_ssrc != RAW_SSRC && A->last_ts != (uint32_t)(1000 + BURST - 1) * 160u,
	      "burst of %d packets at once: %llu arrive, %u out of sequence, %u timestamp steps other than one "
	      "frame, SSRC %08x (the sender's %08x)", BURST, (unsigned long long)A->rx_packets, A->seq_errors,
	      A->ts_errors, A->last_ssrc, RAW_SSRC);
	for (int i = 0; i < BURST; i++)
		send_raw_frame_ssrc(fd, sip_port, F_CALLED, i, RAW_SSRC ^ 0xffff);
	run_for(200);
	probe_drain(A);
	media_bridge_get_stats(p.b, &st);
	CHECK(A->rx_packets == 2 * BURST && A->seq_errors == 0 && A->ts_errors == 0 && A->ssrc_changes == 0
	      && st.leg[MEDIA_LEG_SIP].rx_restarts == 1 && st.leg[MEDIA_LEG_PSTN].tx_packets == 2 * BURST,
	      "second burst of a restarted stream (new SSRC, sequence and timestamp back): %llu of %d in one "
	      "stream, %u out of sequence, %u timestamp errors, %u SSRC changes, %llu restarts seen",
	      (unsigned long long)A->rx_packets, 2 * BURST, A->seq_errors, A->ts_errors, A->ssrc_changes,
	      (unsigned long long)st.leg[MEDIA_LEG_SIP].rx_restarts);
	close(fd);
	freepair(&p);
}

/* Egress call (calling on the SIP leg) answered while the calling party's packets from before the
 * answer still wait on the bridge's socket (a busy process reaches the ANM first): they must not
 * reach the called side; what arrives after the answer does. */
static void test_queued(void)
{
	struct pair p = mkpair("queued", MEDIA_LEG_SIP, 8, 8, -1, -1);
	struct probe *B = p.pstn;	/* the called side */
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	uint16_t sip_port = media_bridge_local_port(p.b, MEDIA_LEG_SIP);
	uint16_t seq = 0;

	OSMO_ASSERT(fd >= 0);
	probe_detect(B, F_CALLING);
	probe_detect(B, F_CALLED);
	media_bridge_set_dir(p.b, MEDIA_DIR_BACKWARD);
	run_for(50);
	/* 10 packets of 1000 Hz before the answer, not read by the bridge yet (no main loop run) */
	for (int i = 0; i < 10; i++)
		send_raw_frame(fd, sip_port, F_CALLING, seq++);
	media_bridge_set_dir(p.b, MEDIA_DIR_BOTH);
	/* 10 packets of 1700 Hz after it */
	for (int i = 0; i < 10; i++)
		send_raw_frame(fd, sip_port, F_CALLED, seq++);
	run_for(300);
	probe_drain(B);
	CHECK(B->det_frames[0] == 0 && B->det_frames[1] == 10 && B->rx_packets == 10,
	      "answer with calling-party packets queued from before it: none of them reach the called side "
	      "(%llu frames of the pre-answer %d Hz), the 10 after it do (%llu frames of %d Hz, %llu packets)",
	      (unsigned long long)B->det_frames[0], F_CALLING, (unsigned long long)B->det_frames[1], F_CALLED,
	      (unsigned long long)B->rx_packets);
	close(fd);
	freepair(&p);
}

/* PCMA on the PSTN leg, PCMU on the SIP leg: payload types and decoded signal each way. */
static void test_transcode(void)
{
	struct pair p = mkpair("xcode", MEDIA_LEG_PSTN, 8, 0, -1, -1);
	struct media_bridge_stats st;
	double fa, fb;

	p.pstn->record = p.sip->record = true;
	probe_send_tone(p.pstn, F_CALLING, 8);
	probe_send_tone(p.sip, F_CALLED, 0);
	media_bridge_set_dir(p.b, MEDIA_DIR_BOTH);
	run_for(1000);
	probe_drain(p.pstn);
	probe_drain(p.sip);
	fb = freq_fraction(p.sip->audio, p.sip->audio_len, F_CALLING);
	fa = freq_fraction(p.pstn->audio, p.pstn->audio_len, F_CALLED);
	CHECK(p.sip->rx_packets >= 45 && p.sip->rx_by_pt[0] == p.sip->rx_packets && fb > 0.95,
	      "transcode PCMA->PCMU: %llu packets all pt 0, %.1f%% of decoded power at %d Hz",
	      (unsigned long long)p.sip->rx_packets, fb * 100, F_CALLING);
	CHECK(p.pstn->rx_packets >= 45 && p.pstn->rx_by_pt[8] == p.pstn->rx_packets && fa > 0.95,
	      "transcode PCMU->PCMA: %llu packets all pt 8, %.1f%% of decoded power at %d Hz",
	      (unsigned long long)p.pstn->rx_packets, fa * 100, F_CALLED);
	media_bridge_get_stats(p.b, &st);
	CHECK(st.leg[MEDIA_LEG_SIP].tx_transcoded == st.leg[MEDIA_LEG_SIP].tx_packets
	      && st.leg[MEDIA_LEG_PSTN].tx_transcoded == st.leg[MEDIA_LEG_PSTN].tx_packets,
	      "transcode counters: %llu + %llu packets transcoded",
	      (unsigned long long)st.leg[MEDIA_LEG_SIP].tx_transcoded,
	      (unsigned long long)st.leg[MEDIA_LEG_PSTN].tx_transcoded);
	freepair(&p);
}

/* RFC 4733 events: payload type mapped (101 on PSTN, 96 on SIP), payload and timestamp kept. */
static void test_events(void)
{
	struct pair p = mkpair("events", MEDIA_LEG_SIP, 8, 8, 101, 96);
	bool same = true;

	media_bridge_set_dir(p.b, MEDIA_DIR_BOTH);
	probe_send_event(p.pstn, 101, 5);
	run_for(100);
	probe_drain(p.sip);
	for (unsigned int i = 0; i < p.sip->nev; i++) {
		uint16_t dur = i < 3 ? 160 * (i + 1) : 640;
		if (p.sip->ev[i].pt != 96 || p.sip->ev[i].payload[0] != 5 || ((p.sip->ev[i].payload[1] & 0x80) != 0) != (i >= 3)
		    || ((p.sip->ev[i].payload[2] << 8) | p.sip->ev[i].payload[3]) != dur || p.sip->ev[i].ts != p.sip->ev[0].ts
		    || p.sip->ev[i].marker != (i == 0))
			same = false;
	}
	CHECK(p.sip->nev == 6 && same, "telephone-event PSTN pt 101 -> SIP pt 96: %u of 6 packets, payload/ts/marker kept",
	      p.sip->nev);
	probe_send_event(p.sip, 96, 11);
	run_for(100);
	probe_drain(p.pstn);
	CHECK(p.pstn->nev == 6 && p.pstn->ev[0].pt == 101 && p.pstn->ev[0].payload[0] == 11,
	      "telephone-event SIP pt 96 -> PSTN pt 101: %u of 6 packets", p.pstn->nev);
	/* not negotiated on the SIP leg: not sent there */
	media_bridge_set_leg(p.b, MEDIA_LEG_SIP, "127.0.0.1", p.sip->port, MEDIA_CODEC_PCMA, 8, -1);
	probe_reset_rx(p.sip);
	probe_send_event(p.pstn, 101, 7);
	run_for(100);
	probe_drain(p.sip);
	CHECK(p.sip->rx_packets == 0, "telephone-event not sent to a leg without telephone-event (%llu packets)",
	      (unsigned long long)p.sip->rx_packets);
	freepair(&p);
}

static void dtmf_digits_of(const int16_t *x, size_t n, char *out, int max)
{
	dtmf_rx_state_t *rx = dtmf_rx_init(NULL, NULL, NULL);
	int k;

	dtmf_rx(rx, x, n);
	k = dtmf_rx_get(rx, out, max - 1);
	out[k > 0 ? k : 0] = 0;
	dtmf_rx_free(rx);
}

/* RFC 4733 events toward a PSTN leg without telephone-event: played in-band (spandsp DTMF
 * receiver on the decoded audio), relay of the voice resumes after each digit. */
static void test_dtmf_inband(void)
{
	struct pair p = mkpair("dtmf", MEDIA_LEG_PSTN, 8, 8, -1, 101);
	char got[16];
	struct media_bridge_stats st;

	media_bridge_set_dtmf_inband(p.b, MEDIA_LEG_PSTN, true);
	p.pstn->record = true;
	probe_detect(p.pstn, F_CALLED);
	probe_send_tone(p.sip, F_CALLED, 8);
	media_bridge_set_dir(p.b, MEDIA_DIR_BOTH);
	run_for(300);
	probe_send_event(p.sip, 101, 5);
	run_for(400);
	probe_send_event(p.sip, 101, 11);
	run_for(400);
	probe_send_event(p.sip, 101, 0);
	run_for(500);
	probe_drain(p.pstn);
	dtmf_digits_of(p.pstn->audio, p.pstn->audio_len, got, sizeof(got));
	media_bridge_get_stats(p.b, &st);
	CHECK(!strcmp(got, "5#0") && p.pstn->rx_by_pt[8] == p.pstn->rx_packets && p.pstn->nev == 0,
	      "DTMF in-band toward the PSTN leg: digits \"%s\" decoded (sent 5 # 0), %llu packets all PCMA, no events",
	      got, (unsigned long long)p.pstn->rx_packets);
	CHECK(p.pstn->det_frames[0] >= 50 && st.leg[MEDIA_LEG_PSTN].tx_tone_packets >= 18
	      && st.leg[MEDIA_LEG_PSTN].tx_tone_packets <= 24 && p.pstn->seq_errors == 0,
	      "DTMF in-band: %llu DTMF frames (3 x 140 ms), the relayed %d Hz around them (%llu frames), one stream",
	      (unsigned long long)st.leg[MEDIA_LEG_PSTN].tx_tone_packets, F_CALLED,
	      (unsigned long long)p.pstn->det_frames[0]);
	freepair(&p);
}

/* Egress call (calling on SIP): early media replaced by a new SDP address, then port 0. */
static void test_remote_change(void)
{
	struct pair p = mkpair("remote", MEDIA_LEG_SIP, 8, 8, -1, -1);
	struct probe *B2 = probe_alloc(ctx, "sip2");
	uint64_t n1, n2;
	double t_change;

	probe_send_tone(p.pstn, F_CALLED, 8);
	media_bridge_set_dir(p.b, MEDIA_DIR_BACKWARD);
	run_for(500);
	probe_drain(p.sip);
	n1 = p.sip->rx_packets;
	t_change = now_ms();
	media_bridge_set_remote(p.b, MEDIA_LEG_SIP, "127.0.0.1", B2->port);
	run_for(600);
	probe_drain(p.sip);
	probe_drain(B2);
	CHECK(n1 >= 20 && p.sip->rx_packets == n1, "remote change: old address got %llu before, %llu after the change",
	      (unsigned long long)n1, (unsigned long long)(p.sip->rx_packets - n1));
	CHECK(B2->rx_packets >= 27 && ts_ms(&B2->first_rx) - t_change <= 40,
	      "remote change: new address got %llu packets, the first %.1f ms after the change",
	      (unsigned long long)B2->rx_packets, ts_ms(&B2->first_rx) - t_change);
	CHECK(B2->first_seq == (uint16_t)(p.sip->last_seq + 1) && B2->last_ssrc == p.sip->last_ssrc,
	      "remote change: the stream continues (seq %u after %u, same SSRC)", B2->first_seq, p.sip->last_seq);
	n2 = B2->rx_packets;
	media_bridge_set_remote(p.b, MEDIA_LEG_SIP, NULL, 0);
	run_for(300);
	probe_drain(B2);
	CHECK(B2->rx_packets == n2, "remote port 0: nothing sent (%llu packets after)",
	      (unsigned long long)(B2->rx_packets - n2));
	probe_free(B2);
	freepair(&p);
}

/* The relay's own RTP parser (RFC 3550 5.1): CSRC list, header extension, padding, bad input. */
static void test_parse(void)
{
	/* V=2 P=1 X=1 CC=1, M=1 PT=8, seq 0x1234, ts 0x01020304, SSRC 0xa0b0c0d0, one CSRC,
	 * extension of one word, payload "xyz", 3 octets of padding */
	static const uint8_t good[] = { 0xb1, 0x88, 0x12, 0x34, 1, 2, 3, 4, 0xa0, 0xb0, 0xc0, 0xd0, 9, 9, 9, 9,
					0xbe, 0xde, 0, 1, 7, 7, 7, 7, 'x', 'y', 'z', 0, 0, 3 };
	struct media_rtp_pkt k;
	uint8_t bad[sizeof(good)];
	int refused;
	int rc = media_rtp_parse(good, sizeof(good), &k);

	CHECK(rc == 0 && k.pt == 8 && k.marker && k.seq == 0x1234 && k.ts == 0x01020304 && k.ssrc == 0xa0b0c0d0
	      && k.len == 3 && !memcmp(k.payload, "xyz", 3),
	      "parse: CSRC, extension and padding skipped (rc %d, pt %u, payload %zu octets)", rc, k.pt, k.len);
	memcpy(bad, good, sizeof(bad));
	bad[0] = 0x71;	/* version 1 */
	refused = media_rtp_parse(bad, sizeof(bad), &k) < 0;
	memcpy(bad, good, sizeof(bad));
	bad[sizeof(bad) - 1] = 40;	/* padding longer than the packet */
	refused += media_rtp_parse(bad, sizeof(bad), &k) < 0;
	memcpy(bad, good, sizeof(bad));
	bad[19] = 200;	/* extension longer than the packet */
	refused += media_rtp_parse(bad, sizeof(bad), &k) < 0;
	refused += media_rtp_parse(good, 11, &k) < 0;
	CHECK(refused == 4,
	      "parse: wrong version, padding or extension beyond the packet, short header refused");
}

/* An endpoint restarts its stream mid-call (reboot, media gateway port re-seized): the new
 * stream goes back in sequence and timestamp, with or without a new SSRC. Each time the far
 * side must hear the new stream's tone at once, on one clean outgoing stream. */
static void test_restart(void)
{
	static const struct {
		const char *what;
		bool new_ssrc;
		uint16_t seq_back;
		uint32_t ts_back;
	} cases[] = {
		{ "new SSRC, sequence and timestamp back", true, 5000, 8000000 },
		{ "new SSRC, sequence back 1, timestamp back 1 s", true, 1, 8000 },
		{ "same SSRC, sequence and timestamp back", false, 3000, 4000000 },
	};
	struct pair p = mkpair("restart", MEDIA_LEG_PSTN, 8, 0, -1, -1);

	probe_detect(p.pstn, 1500);
	probe_detect(p.sip, 1100);
	probe_detect(p.sip, 1300);
	probe_detect(p.sip, 1900);
	probe_send_tone(p.pstn, 1100, 8);
	probe_send_tone(p.sip, 1500, 0);
	media_bridge_set_dir(p.b, MEDIA_DIR_BOTH);
	run_for(300);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct media_bridge_stats st0, st1;
		int nf = i == 0 ? 1300 : i == 1 ? 1900 : 1100;
		unsigned int di = i == 0 ? 1 : i == 1 ? 2 : 0;
		probe_reset_rx(p.sip);
		media_bridge_get_stats(p.b, &st0);
		probe_restart_stream(p.pstn, cases[i].new_ssrc, cases[i].seq_back, cases[i].ts_back, nf);
		run_for(500);
		probe_drain(p.sip);
		media_bridge_get_stats(p.b, &st1);
		CHECK(p.sip->det_frames[di] >= 22 && st1.leg[MEDIA_LEG_PSTN].rx_packets - st0.leg[MEDIA_LEG_PSTN].rx_packets >= 22
		      && st1.leg[MEDIA_LEG_PSTN].rx_restarts == st0.leg[MEDIA_LEG_PSTN].rx_restarts + 1
		      && p.sip->ssrc_changes == 0 && p.sip->seq_errors == 0 && p.sip->ts_errors == 0,
		      "restart (%s): the new stream's %d Hz is relayed (%llu frames in 0.5 s, bridge received %llu, "
		      "restarts %llu; far side one clean stream: ssrc changes %u, seq errors %u, ts errors %u)",
		      cases[i].what, nf, (unsigned long long)p.sip->det_frames[di],
		      (unsigned long long)(st1.leg[MEDIA_LEG_PSTN].rx_packets - st0.leg[MEDIA_LEG_PSTN].rx_packets),
		      (unsigned long long)(st1.leg[MEDIA_LEG_PSTN].rx_restarts - st0.leg[MEDIA_LEG_PSTN].rx_restarts),
		      p.sip->ssrc_changes, p.sip->seq_errors, p.sip->ts_errors);
	}
	/* the SIP endpoint restarts too: its new stream reaches the PSTN side */
	probe_reset_rx(p.pstn);
	probe_restart_stream(p.sip, true, 20000, 123456789, 0);
	run_for(500);
	probe_drain(p.pstn);
	CHECK(p.pstn->det_frames[0] >= 22 && p.pstn->ssrc_changes == 0 && p.pstn->seq_errors == 0,
	      "restart on the SIP leg: the new stream's 1500 Hz reaches the PSTN side (%llu frames in 0.5 s)",
	      (unsigned long long)p.pstn->det_frames[0]);
	/* RTCP toward the leg's RTP port + 1 is read and discarded (counted), not left in the socket */
	{
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_port = htons(media_bridge_local_port(p.b, MEDIA_LEG_SIP) + 1) };
		static const uint8_t rr[8] = { 0x80, 201, 0, 1, 1, 2, 3, 4 };	/* empty receiver report */
		struct media_bridge_stats st;
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		for (int i = 0; i < 3; i++)
			sendto(fd, rr, sizeof(rr), 0, (struct sockaddr *)&a, sizeof(a));
		close(fd);
		run_for(100);
		media_bridge_get_stats(p.b, &st);
		CHECK(st.leg[MEDIA_LEG_SIP].rx_rtcp == 3, "RTCP on port + 1 drained (%llu of 3 read)",
		      (unsigned long long)st.leg[MEDIA_LEG_SIP].rx_rtcp);
	}
	freepair(&p);
}

static int timeouts;
static enum media_leg timeout_leg;
static double timeout_at;

static void on_timeout(struct media_bridge *b, enum media_leg leg, void *data)
{
	timeouts++;
	timeout_leg = leg;
	timeout_at = now_ms();
}

static void test_timeout(void)
{
	struct pair p = mkpair("timeout", MEDIA_LEG_PSTN, 8, 8, -1, -1);
	double t_stop;

	probe_send_tone(p.pstn, F_CALLING, 8);
	probe_send_tone(p.sip, F_CALLED, 8);
	media_bridge_set_dir(p.b, MEDIA_DIR_BOTH);
	run_for(100);
	media_bridge_set_timeout(p.b, 500, on_timeout, NULL);
	run_for(1000);
	CHECK(timeouts == 0, "media timeout: none while RTP flows (%d)", timeouts);
	probe_send_tone(p.pstn, 0, 8);
	t_stop = ts_ms(&p.pstn->last_tx);
	run_for(1000);
	CHECK(timeouts == 1 && timeout_leg == MEDIA_LEG_PSTN && timeout_at - t_stop >= 480 && timeout_at - t_stop <= 650,
	      "media timeout: %d callback(s), leg %s, %.0f ms after the last packet (timeout 500 ms)", timeouts,
	      media_leg_name(timeout_leg), timeout_at - t_stop);
	freepair(&p);
}

/* National tones over RTP: ringing/busy/congestion/SIT of ITU, US, UK, DE toward the PSTN leg
 * (A-law), all at once, 7 s captured and checked by frequency and cadence; US ringing toward SIP
 * (u-law) too. */
static void test_tones(void)
{
	static const char *plans[] = { "itu", "us", "uk", "de" };
	static const enum tone_id tones[] = { TONE_RINGING, TONE_BUSY, TONE_CONGESTION, TONE_SIT };
	struct pair pr[17];
	unsigned int n = 0;

	for (unsigned int i = 0; i < 4; i++)
		for (unsigned int j = 0; j < 4; j++, n++) {
			pr[n] = mkpair("tone", MEDIA_LEG_PSTN, 8, 0, -1, -1);
			pr[n].pstn->record = true;
			OSMO_ASSERT(media_bridge_play_tone(pr[n].b, MEDIA_LEG_PSTN, tone_plan_find(plans[i]), tones[j]) == 0);
		}
	pr[n] = mkpair("tone", MEDIA_LEG_SIP, 8, 0, -1, -1);
	pr[n].sip->record = true;
	OSMO_ASSERT(media_bridge_play_tone(pr[n].b, MEDIA_LEG_SIP, tone_plan_find("us"), TONE_RINGING) == 0);
	n++;
	run_for(7000);
	for (unsigned int k = 0; k < n; k++) {
		bool to_sip = k == 16;
		struct probe *pb = to_sip ? pr[k].sip : pr[k].pstn;
		const struct tone_plan *plan = tone_plan_find(to_sip ? "us" : plans[k / 4]);
		enum tone_id t = to_sip ? TONE_RINGING : tones[k % 4];
		char rep[512];
		int runs;
		probe_drain(pb);
		runs = analyze_tone(pb->audio, pb->audio_len, tone_plan_get(plan, t), true, 25, rep, sizeof(rep));
		CHECK(runs >= 2 && pb->rx_packets >= 340 && pb->rx_packets <= 355 && pb->seq_errors == 0
		      && pb->rx_by_pt[to_sip ? 0 : 8] == pb->rx_packets,
		      "tone over RTP %s/%s toward %s: %d complete runs, %llu packets in 7 s [%s]", plan->name, tone_name(t),
		      to_sip ? "sip (PCMU)" : "pstn (PCMA)", runs, (unsigned long long)pb->rx_packets, rep);
		freepair(&pr[k]);
	}
}

/* N bridges, both directions at 50 pps each: relayed packets per CPU second (printed). */
static void test_throughput(void)
{
	enum { N = 100 };
	struct pair *pr = talloc_array(ctx, struct pair, N);
	struct rusage r0, r1;
	uint64_t sent = 0, rcvd = 0;
	double t0, t1, cpu;

	for (int i = 0; i < N; i++) {
		pr[i] = mkpair("tp", MEDIA_LEG_PSTN, 8, i % 2 ? 0 : 8, -1, -1);
		media_bridge_set_dir(pr[i].b, MEDIA_DIR_BOTH);
		probe_send_tone(pr[i].pstn, F_CALLING, 8);
		probe_send_tone(pr[i].sip, F_CALLED, i % 2 ? 0 : 8);
	}
	run_for(200);
	for (int i = 0; i < N; i++) {
		struct media_bridge_stats st;
		media_bridge_get_stats(pr[i].b, &st);
		sent -= st.leg[0].rx_packets + st.leg[1].rx_packets;
		rcvd -= st.leg[0].tx_packets + st.leg[1].tx_packets;
	}
	getrusage(RUSAGE_SELF, &r0);
	t0 = now_ms();
	run_for(3000);
	t1 = now_ms();
	for (int i = 0; i < N; i++) {
		probe_send_tone(pr[i].pstn, 0, 8);
		probe_send_tone(pr[i].sip, 0, 8);
	}
	getrusage(RUSAGE_SELF, &r1);
	for (int i = 0; i < N; i++) {
		struct media_bridge_stats st;
		media_bridge_get_stats(pr[i].b, &st);
		sent += st.leg[0].rx_packets + st.leg[1].rx_packets;
		rcvd += st.leg[0].tx_packets + st.leg[1].tx_packets;
		freepair(&pr[i]);
	}
	cpu = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec + r1.ru_stime.tv_sec - r0.ru_stime.tv_sec)
	      + (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec + r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
	printf("# throughput: %d bridges (half transcoding), %.1f s: %llu packets received by the bridges, %llu relayed "
	       "(%.2f%%), %.0f pps relayed; process CPU %.2f s (%.0f%% of one core, probes included, "
	       "ASan/UBSan build)\n", N, (t1 - t0) / 1000, (unsigned long long)sent, (unsigned long long)rcvd,
	       sent ? 100.0 * rcvd / sent : 0, rcvd / ((t1 - t0) / 1000), cpu, 100 * cpu / ((t1 - t0) / 1000));
	CHECK(rcvd > 0, "throughput run relayed packets (%llu)", (unsigned long long)rcvd);
	talloc_free(pr);
}

static bool want(int argc, char **argv, const char *name)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	unsigned int base = 20000 + (getpid() % 400) * 100;

	ctx = talloc_named_const(NULL, 0, "test_bridge");
	media_test_log_init(ctx);
	srandom(getpid());
	pool = media_pool_alloc(ctx, "127.0.0.1", base, base + 999);
	OSMO_ASSERT(pool);
	printf("# port pool 127.0.0.1:%u-%u\n", base, base + 999);

	if (want(argc, argv, "direction"))
		test_direction();
	if (want(argc, argv, "fast"))
		test_fast_answer();
	if (want(argc, argv, "queued"))
		test_queued();
	if (want(argc, argv, "burst"))
		test_burst();
	if (want(argc, argv, "transcode"))
		test_transcode();
	if (want(argc, argv, "events"))
		test_events();
	if (want(argc, argv, "dtmf"))
		test_dtmf_inband();
	if (want(argc, argv, "remote"))
		test_remote_change();
	if (want(argc, argv, "parse"))
		test_parse();
	if (want(argc, argv, "restart"))
		test_restart();
	if (want(argc, argv, "timeout"))
		test_timeout();
	if (want(argc, argv, "tones"))
		test_tones();
	if (want(argc, argv, "throughput"))
		test_throughput();
	CHECK(media_pool_ports_free(pool) == 500, "all pool ports returned (%u free of 500)", media_pool_ports_free(pool));
	media_pool_free(pool);
	talloc_free(ctx);
	return failures ? 1 : 0;
}

/* Test RTP endpoint on 127.0.0.1 (plain UDP socket, independent of ortp): sends a sine of a given
 * frequency as G.711 RTP at 50 packets/s and RFC 4733 events; records what it receives. */
#pragma once
#include <stdint.h>
#include <stdbool.h>
#include <time.h>
#include <netinet/in.h>
#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>

#define PROBE_MAX_EV 64
#define PROBE_MAX_DET 4

struct probe {
	char name[32];
	struct osmo_fd ofd;
	uint16_t port;
	struct sockaddr_in remote;
	/* sending */
	int send_freq;			/* Hz; 0: not sending */
	uint8_t pt;
	bool alaw;
	double phase;
	uint16_t seq;
	uint32_t ts, ssrc;
	bool tx_marker;			/* marker on the next frame (stream restart) */
	struct osmo_timer_list tx_timer;
	struct timespec tx_start, last_tx;
	uint64_t tx_frames, tx_packets;
	/* receiving */
	uint64_t rx_packets, rx_by_pt[128];
	bool rx_any;
	uint32_t last_ssrc;
	uint16_t last_seq, first_seq;
	uint32_t last_ts;
	unsigned int ssrc_changes, seq_errors, ts_errors;
	struct timespec first_rx, last_rx;
	/* decoded audio (G.711 pt 0/8), when record is set */
	bool record;
	int16_t *audio;
	size_t audio_len, audio_cap;
	/* per received 20 ms frame: frames in which det_f[i] holds > 50 % of the power */
	double det_f[PROBE_MAX_DET];
	unsigned int ndet;
	uint64_t det_frames[PROBE_MAX_DET];
	/* events (payload type >= 96) */
	unsigned int nev;
	struct { uint8_t pt; bool marker; uint32_t ts; uint8_t payload[4]; } ev[PROBE_MAX_EV];
};

struct probe *probe_alloc(void *ctx, const char *name);
void probe_set_remote(struct probe *p, uint16_t port);
/* start sending a sine (freq Hz) with payload type pt (8 A-law, else u-law); freq 0 stops */
void probe_send_tone(struct probe *p, int freq, uint8_t pt);
/* one RFC 4733 event: 3 packets + 3 end packets, all with one timestamp, sent at once */
void probe_send_event(struct probe *p, uint8_t pt, uint8_t event);
/* restart the outgoing stream as an endpoint does after a reboot: a new SSRC (when new_ssrc),
 * sequence number and timestamp set back by seq_back and ts_back, marker on the next frame;
 * the tone goes on at freq Hz (0: unchanged) */
void probe_restart_stream(struct probe *p, bool new_ssrc, uint16_t seq_back, uint32_t ts_back, int freq);
/* read whatever is queued on the socket now */
void probe_drain(struct probe *p);
/* drain, then zero the receive counters, detections, events and audio */
void probe_reset_rx(struct probe *p);
void probe_detect(struct probe *p, double f);
void probe_free(struct probe *p);

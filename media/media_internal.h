/* Internal structures shared by the media/ files (not for users of media.h). */
#pragma once
#include <time.h>
#include <sys/socket.h>
#include <ortp/ortp.h>
#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/rate_ctr.h>
#include "media/media.h"

/* the application's logging categories (media_set_log_cat, tones_set_log_cat) */
extern int media_log_cat;
#define DMEDIA media_log_cat
#define DTONES tones_log_cat()

#define RTP_PT_MAX 127		/* RFC 3550 5.1: 7-bit payload type */
#define RTP_VERSION 2
#define RTP_HDR_LEN 12		/* RFC 3550 5.1: fixed header, without CSRCs */
#define MEDIA_MAX_PAYLOAD 1500	/* largest payload relayed */

enum media_pool_ctr {
	MEDIA_CTR_BRIDGES,
	MEDIA_CTR_PORT_FAIL,
	MEDIA_CTR_RELAYED,
	MEDIA_CTR_TRANSCODED,
	MEDIA_CTR_EVENTS,
	MEDIA_CTR_DROPPED,
	MEDIA_CTR_TONE,
	MEDIA_CTR_TIMEOUT,
};

struct media_pool {
	char bind_ip[64];
	uint16_t first, last;		/* even RTP ports in [first, last] */
	uint8_t *used;			/* one per pair */
	unsigned int num_pairs, next, num_used;
	struct rate_ctr_group *ctrs;
};

/* What feeds a leg's outgoing stream: when it changes, the timestamp is re-based. epoch counts
 * restarts of the received stream (SSRC change or sequence jump) on the other leg. */
struct media_src {
	bool valid;
	bool tone;
	uint32_t ssrc;
	uint32_t epoch;
};

/* A received RTP packet (rtp_parse.c); payload points into the receive buffer. */
struct media_rtp_pkt {
	uint8_t pt;
	bool marker;
	uint16_t seq;
	uint32_t ts, ssrc;
	const uint8_t *payload;
	size_t len;
};

struct media_tone {
	struct tonegen *gen;
	struct timespec start;
	uint64_t frames;
};

/* RFC 4733 events from the other leg played in-band toward a leg without telephone-event */
struct media_dtmf {
	bool inband;			/* enabled for this leg */
	struct dtmf_tx_state_s *tx;	/* spandsp generator while a digit plays */
	bool ev_seen;
	uint32_t ev_ts;			/* RTP timestamp of the last event started (one per event) */
	struct timespec start;
	uint64_t frames;
	uint64_t digits;		/* digits played */
};

struct media_leg_state {
	struct media_bridge *b;
	enum media_leg leg;
	RtpSession *rtp;
	struct osmo_fd ofd;		/* in the bridges' epoll set (leg.c), not in osmo_select_main's */
	struct osmo_fd rtcp_ofd;	/* RTCP is not used (RFC 3550 6 is optional here): drained, counted */
	bool ep_rtp, ep_rtcp;		/* ofd / rtcp_ofd are in the epoll set */
	uint16_t local_port;		/* RTP local_port, RTCP local_port + 1 */
	bool fixed;			/* local_ip:local_port given by the user, not a pool pair */
	char local_ip[64];

	/* remote and formats */
	bool has_remote;
	char remote_ip[64];
	uint16_t remote_port;
	int family;			/* of the leg's sockets */
	struct sockaddr_storage remote_sa;	/* remote_ip:remote_port as the socket's address */
	socklen_t remote_salen;
	enum media_codec codec;
	uint8_t pt;
	int te_pt;
	/* remotes replaced by a later one (early media, RFC 3960 / 183 lifecycle): what they still
	 * send is not relayed, the current source only */
	struct { char ip[64]; uint16_t port; } replaced[4];
	unsigned int num_replaced, next_replaced;
	bool only_remote;		/* relay only what comes from the remote itself (early dialogs) */

	/* receive side */
	bool rx_seen;
	uint16_t rx_next_seq;
	uint32_t rx_ssrc;
	uint32_t rx_epoch;		/* +1 on each restart of the received stream */
	struct timespec last_rx;

	/* send side: our own clean stream (own SSRC and sequence, timestamps re-based) */
	uint32_t tx_ssrc;
	uint16_t tx_seq;
	int txq_head, txq_tail;		/* this leg's packets in the send queue (rtp_io.c), -1: none */
	struct media_src src;
	int32_t ts_offset;		/* out_ts = in_ts + ts_offset for the current source */
	bool tx_started;
	uint32_t last_tx_ts;
	struct timespec last_tx;

	struct media_tone tone;
	struct media_dtmf dtmf;
	struct media_leg_stats st;
};

struct media_bridge {
	struct media_pool *pool;
	char name[64];
	enum media_leg calling;
	struct osmo_fsm_inst *fi;	/* owns the bridge when child (media_bridge_alloc_child) */
	bool child;
	struct media_leg_state legs[_NUM_MEDIA_LEGS];

	struct osmo_timer_list tone_timer;

	struct osmo_timer_list timeout_timer;
	unsigned int timeout_ms;
	media_timeout_cb_t timeout_cb;
	void *timeout_data;
	struct timespec timeout_armed;
};

/* pool.c */
void media_ortp_init_once(void);
int media_pool_get_pair(struct media_pool *pool, uint16_t *port);
void media_pool_put_pair(struct media_pool *pool, uint16_t port);
void media_pool_ctr_inc(struct media_pool *pool, enum media_pool_ctr c);

/* leg.c: sockets (bound by an ortp session) and outgoing stream of one leg */
int media_leg_open(struct media_leg_state *l);
int media_leg_open_fixed(struct media_leg_state *l, const char *ip, uint16_t port);
void media_leg_close(struct media_leg_state *l);
void media_leg_drain(struct media_leg_state *l);
int media_leg_apply_remote(struct media_leg_state *l);
/* send one packet on the leg's own stream; src identifies the feeding source (re-base on change) */
int media_leg_send(struct media_leg_state *l, const struct media_src *src, uint8_t pt, bool marker,
		   uint32_t in_ts, const uint8_t *payload, size_t len);

/* rtp_io.c: the bridges' epoll set, batched receive (recvmmsg) and send (sendmmsg) */
int media_io_add(struct osmo_fd *ofd);
void media_io_del(struct osmo_fd *ofd);
unsigned int media_io_read(struct media_leg_state *l, unsigned int max);
int media_io_rtcp_cb(struct osmo_fd *ofd, unsigned int what);
/* a slot of len octets toward l in the send queue (NULL: too long); media_io_tx_done() after
 * filling it sends it at once outside an epoll round, else the round's end does */
uint8_t *media_io_tx_slot(struct media_leg_state *l, size_t len);
void media_io_tx_done(void);
void media_io_flush(void);

/* bridge.c: is this source refused (a replaced remote, or not the remote with only_remote)? */
bool media_leg_src_refused(const struct media_leg_state *l, const struct sockaddr *sa, socklen_t len);

/* rtp_parse.c: 0 and *p filled, or -EINVAL for what is not an RTP packet */
int media_rtp_parse(const uint8_t *buf, size_t n, struct media_rtp_pkt *p);

/* relay.c: a packet received on leg `from` */
void media_relay_input(struct media_leg_state *from, const struct media_rtp_pkt *pkt);

/* bridge_fsm.c */
extern struct osmo_fsm media_bridge_fsm;
enum media_bridge_fsm_event {
	MEDIA_EV_SET_OFF,
	MEDIA_EV_SET_BACKWARD,
	MEDIA_EV_SET_BOTH,
	MEDIA_EV_STOP,
};
/* bridge.c: the FSM's cleanup releases the bridge's sockets and timers */
void media_bridge_fsm_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause);
/* may audio received on leg `from` be relayed to the other leg now? */
bool media_dir_allows(const struct media_bridge *b, enum media_leg from);

/* tone_player.c */
void media_tone_tick(void *data);
void media_tone_stop_all(struct media_bridge *b);

/* dtmf.c: an RFC 4733 event payload received for leg `to` (in-band toward it) */
void media_dtmf_event(struct media_leg_state *to, uint32_t ts, const uint8_t *payload, size_t len);
/* one frame of the digit playing toward the leg; false when it has ended (generator freed) */
bool media_dtmf_frame(struct media_leg_state *l, uint8_t frame[TONE_FRAME_SAMPLES]);
void media_dtmf_stop(struct media_leg_state *l);

/* timeout.c */
void media_timeout_cb(void *data);

static inline enum media_leg media_other_leg(enum media_leg l)
{
	return l == MEDIA_LEG_PSTN ? MEDIA_LEG_SIP : MEDIA_LEG_PSTN;
}

static inline int64_t media_ms_since(const struct timespec *t, const struct timespec *now)
{
	return (int64_t)(now->tv_sec - t->tv_sec) * 1000 + (now->tv_nsec - t->tv_nsec) / 1000000;
}

static inline void media_now(struct timespec *t)
{
	clock_gettime(CLOCK_MONOTONIC, t);
}

/* RTP media bridge: one bridge per call between the circuit's bearer (PSTN leg) and the SIP leg,
 * batched socket I/O driven from osmo_select_main, direction control for cut-through, PCMA<->PCMU
 * transcoding, RFC 4733 telephone-event passthrough, tones toward either leg, media timeout. */
#pragma once
#include <stdint.h>
#include <stdbool.h>
#include "tones/tones.h"

struct osmo_fsm_inst;

enum media_leg {
	MEDIA_LEG_PSTN,		/* the circuit's bearer endpoint (media gateway port of the CIC) */
	MEDIA_LEG_SIP,		/* the SIP side, from SDP */
	_NUM_MEDIA_LEGS
};

enum media_dir {
	MEDIA_DIR_OFF,		/* nothing relayed */
	MEDIA_DIR_BACKWARD,	/* called -> calling only (ACM/CPG in-band, 18x with SDP) */
	MEDIA_DIR_BOTH,		/* two-way (answer) */
	MEDIA_DIR_STOPPED,	/* released: nothing relayed, no tones; terminal */
};

enum media_codec {
	MEDIA_CODEC_PCMU,
	MEDIA_CODEC_PCMA,
	MEDIA_CODEC_CLEARMODE,	/* RFC 4040 64 kbit/s unrestricted: relayed as it is, no tones, no DTMF */
};

/* Logging category of the library (default DLGLOBAL), also the media_bridge FSM's log_subsys; set
 * by the application at init, before the first bridge. */
void media_set_log_cat(int cat);

/* ---- port pool ---------------------------------------------------------------------------- */
struct media_pool;

/* RTP ports are taken in even/odd pairs (RTP, RTCP) from [port_first, port_last]. */
struct media_pool *media_pool_alloc(void *ctx, const char *bind_ip, uint16_t port_first, uint16_t port_last);
void media_pool_free(struct media_pool *pool);
unsigned int media_pool_ports_free(const struct media_pool *pool);
const char *media_pool_bind_ip(const struct media_pool *pool);

/* ---- bridge ------------------------------------------------------------------------------- */
struct media_bridge;

typedef void (*media_timeout_cb_t)(struct media_bridge *b, enum media_leg leg, void *data);

struct media_leg_stats {
	/* received from this leg */
	uint64_t rx_packets, rx_bytes, rx_lost;	/* lost: sequence number gaps */
	uint64_t rx_dropped;			/* not relayed: direction, unknown payload type, no peer */
	uint64_t rx_events;			/* telephone-event packets */
	uint64_t rx_invalid;			/* datagrams that are not RTP (RFC 3550 5.1) */
	uint64_t rx_restarts;			/* the sender restarted its stream (new SSRC or sequence jump) */
	uint64_t rx_rtcp;			/* RTCP packets received (read and discarded) */
	/* sent to this leg (relayed + tones) */
	uint64_t tx_packets, tx_bytes, tx_tone_packets, tx_transcoded;
};

struct media_bridge_stats {
	struct media_leg_stats leg[_NUM_MEDIA_LEGS];
};

/* A bridge with a local RTP port for each leg (from the pool). calling: the leg of the calling
 * party (PSTN on ingress ISUP->SIP calls, SIP on egress calls); "backward" is toward it.
 * talloc child of ctx (or of the pool when ctx is NULL). Starts in MEDIA_DIR_OFF. */
struct media_bridge *media_bridge_alloc(struct media_pool *pool, void *ctx, const char *name,
					enum media_leg calling);
/* As media_bridge_alloc, with the PSTN leg on a fixed local endpoint instead of a pool port:
 * the circuit's own port (e.g. base + step * CIC), RTCP on port + 1. NULL when it cannot be bound. */
struct media_bridge *media_bridge_alloc_pstn(struct media_pool *pool, void *ctx, const char *name,
					     enum media_leg calling, const char *pstn_ip, uint16_t pstn_port);
/* As media_bridge_alloc_pstn (pstn_ip NULL or pstn_port 0: the PSTN leg from the pool), as a
 * child FSM of parent (osmo_fsm_inst_alloc_child): the bridge is a talloc child of its FSM
 * instance and is released (sockets, ortp sessions, timers) when the instance ends: when the
 * parent terminates (OSMO_FSM_TERM_PARENT, no event), or on media_bridge_free() (term_event to
 * the parent, data NULL). The memory goes with the instance, i.e. later with
 * osmo_fsm_set_dealloc_ctx(). NULL when no port can be bound (then no term event). The parent
 * must not touch the bridge once its own termination has begun (children end before the
 * parent's cleanup). */
struct media_bridge *media_bridge_alloc_child(struct osmo_fsm_inst *parent, uint32_t term_event,
					      struct media_pool *pool, const char *name, enum media_leg calling,
					      const char *pstn_ip, uint16_t pstn_port);
/* The call moved to another circuit (automatic repeat attempt): the PSTN leg to a new local
 * endpoint (port 0: from the pool); remote and formats are kept (set the new bearer after). */
int media_bridge_rebind_pstn(struct media_bridge *b, const char *ip, uint16_t port);
/* Free a bridge of media_bridge_alloc*; a child bridge's FSM terminates (term event to its parent). */
void media_bridge_free(struct media_bridge *b);

/* Remote endpoint and payload formats of a leg. ip NULL or port 0: no remote (nothing is sent
 * to this leg, e.g. SDP port 0). te_pt: telephone-event payload type, -1 when not negotiated.
 * May be called at any time; a new address takes effect for the next packet. */
int media_bridge_set_leg(struct media_bridge *b, enum media_leg leg, const char *ip, uint16_t port,
			 enum media_codec codec, uint8_t pt, int te_pt);
/* RFC 4733 DTMF events from the other leg played in-band toward this leg while it has no
 * telephone-event payload type (te_pt -1): 100 ms per digit, in place of the relayed audio. */
void media_bridge_set_dtmf_inband(struct media_bridge *b, enum media_leg leg, bool on);
/* Change only the remote address (early media replacement: later 18x with a new SDP). */
int media_bridge_set_remote(struct media_bridge *b, enum media_leg leg, const char *ip, uint16_t port);
/* Relay only packets whose source is the leg's remote itself (symmetric RTP), e.g. while early
 * dialogs may send from several addresses (RFC 3960 3.2); remotes replaced by set_remote/set_leg
 * are never relayed from again (until set again). */
void media_bridge_only_remote(struct media_bridge *b, enum media_leg leg, bool on);
uint16_t media_bridge_local_port(const struct media_bridge *b, enum media_leg leg);
const char *media_bridge_local_ip(const struct media_bridge *b);	/* of the SIP leg (for SDP) */
const char *media_bridge_leg_local_ip(const struct media_bridge *b, enum media_leg leg);

/* Direction control; forward (calling -> called) audio flows only in MEDIA_DIR_BOTH. */
int media_bridge_set_dir(struct media_bridge *b, enum media_dir dir);
enum media_dir media_bridge_dir(const struct media_bridge *b);
/* Release: stop relaying and tones for good (sockets stay open until free). */
void media_bridge_stop(struct media_bridge *b);

/* Play a tone (plan NULL: ITU) toward a leg, in place of what is relayed toward that leg,
 * whatever the direction, until stopped, replaced, or a finite tone ends. -EPERM toward a
 * clearmode leg (RFC 4040: the octets are the user's data). */
int media_bridge_play_tone(struct media_bridge *b, enum media_leg toward, const struct tone_plan *plan,
			   enum tone_id tone);
void media_bridge_stop_tone(struct media_bridge *b, enum media_leg toward);
enum tone_id media_bridge_tone(const struct media_bridge *b, enum media_leg toward);

/* Media timeout: cb once when a leg with a remote has received no RTP for timeout_ms
 * (counted from this call or the last packet). 0 disables. */
void media_bridge_set_timeout(struct media_bridge *b, unsigned int timeout_ms, media_timeout_cb_t cb, void *data);

void media_bridge_get_stats(const struct media_bridge *b, struct media_bridge_stats *st);
const char *media_bridge_name(const struct media_bridge *b);

const char *media_dir_name(enum media_dir dir);
const char *media_leg_name(enum media_leg leg);
const char *media_codec_name(enum media_codec codec);
/* One line for "show calls": "dir=backward pstn 127.0.0.1:4000<-10000 rx 50/8000 tx 0/0 ..." */
int media_bridge_summary(const struct media_bridge *b, char *buf, size_t len);

/* ---- continuity check transceiver (media/cot_check.c, Q.724 7.4) -------------------------- */
struct media_cot;
typedef void (*media_cot_cb_t)(void *data);
/* Send the 2000 Hz check tone (-12 dBm0, PCMA RTP, 20 ms) from local_ip:local_port (NULL / 0:
 * any) to a circuit's bearer and call cb once when the tone is recognised in the RTP coming back
 * from it (cb may call media_cot_stop). NULL when the socket cannot be set up. */
struct media_cot *media_cot_start(void *ctx, const char *local_ip, uint16_t local_port, const char *remote_ip,
				  uint16_t remote_port, media_cot_cb_t cb, void *cb_data);
void media_cot_stop(struct media_cot *c);

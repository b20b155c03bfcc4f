/* SIP user agent of sipt-gw: trunks, INVITE dialogs, SDP and SIP-T/SIP-I bodies.
 *
 * Runs on the libosmocore select loop (osmo_select_main); the RFC 3261 transaction layer is
 * libosip2's (ICT/IST/NICT/NIST), driven by osmo_fd and osmo_timer - no threads.
 *
 * Ownership: a struct sip_ua is a talloc context; trunks and dialogs are its children.
 * Dialogs are created by sip_dialog_invite() (UAC) or by an incoming INVITE (UAS, reported
 * as SIP_EV_INVITE) and freed by the library after SIP_EV_TERMINATED was reported. A dialog is an
 * osmo_fsm instance: the application sets osmo_fsm_set_dealloc_ctx(OTC_SELECT) so that a dialog
 * ended inside a call of the layer above stays readable until the select loop's round ends.
 */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <osmocom/core/linuxlist.h>

struct sip_ua;
struct rate_ctr_group;
struct sip_trunk;
struct sip_dialog;
struct osmo_tdef;

#define SIP_MAX_PEERS		8
#define SIP_MAX_ACL		16
#define SIP_SDP_MAX_CODECS	8
#define SIP_ISUP_MAX		512	/* an ISUP message is at most 272 octets (Q.703 SIF) */
#define SIP_HDR_MAX		256
#define SIP_HDR_LIST_MAX	768	/* headers that may repeat (RFC 3261 7.3.1) */

/* ---------------------------------------------------------------------------------------- */
/* SDP model (RFC 4566 / RFC 3264) */

enum sip_codec {
	SIP_CODEC_PCMU,			/* RFC 3551 PT 0 */
	SIP_CODEC_PCMA,			/* RFC 3551 PT 8 */
	SIP_CODEC_TELEPHONE_EVENT,	/* RFC 4733 */
	SIP_CODEC_CLEARMODE,		/* RFC 4040: 64 kbit/s unrestricted */
	SIP_CODEC_OTHER,
};

enum sip_sdp_dir {
	SIP_SDP_SENDRECV,
	SIP_SDP_SENDONLY,
	SIP_SDP_RECVONLY,
	SIP_SDP_INACTIVE,
};

struct sip_sdp_codec {
	enum sip_codec codec;
	uint8_t pt;
	uint32_t rate;
	char fmtp[64];			/* e.g. "0-15" for telephone-event */
};

struct sip_sdp {
	char addr[64];			/* c= connection address (IN IP4 or IN IP6; the media pool is IPv4) */
	uint16_t port;			/* m=audio port (0 = rejected stream) */
	struct sip_sdp_codec codecs[SIP_SDP_MAX_CODECS];
	unsigned int num_codecs;
	unsigned int ptime;		/* a=ptime, 0 = absent */
	enum sip_sdp_dir dir;
	uint64_t sess_id, sess_version;
};

/* Parse an SDP body (libosip2 sdp_message_parse); 0 or negative errno. */
int sip_sdp_parse(struct sip_sdp *sdp, const char *buf, size_t len);
/* Encode; returns length written (NUL-terminated) or negative. */
int sip_sdp_encode(const struct sip_sdp *sdp, char *buf, size_t size);
/* Fill a local capability set: PCMA, PCMU, telephone-event/101 (0-15), ptime 20. */
void sip_sdp_init_local(struct sip_sdp *sdp, const char *addr, uint16_t port);
/* RFC 3264 6: answer an offer with the intersection of offer and local capabilities (in the
 * offer's order and payload types), direction mirrored, local address/port. -ENOENT when no
 * voice/clearmode codec is common (the caller answers 488). */
int sip_sdp_answer(struct sip_sdp *answer, const struct sip_sdp *offer, const struct sip_sdp *local);
const char *sip_sdp_dir_name(enum sip_sdp_dir dir);

/* ---------------------------------------------------------------------------------------- */
/* Bodies: application/sdp, application/ISUP (RFC 3204), multipart/mixed */

struct sip_isup_part {
	bool present;
	uint8_t data[SIP_ISUP_MAX];	/* from the message type code on (no routing label/CIC) */
	size_t len;
	char version[32];
	char base[32];
	bool required;			/* Content-Disposition handling=required (or absent) */
};

struct sip_body {
	bool has_sdp;
	struct sip_sdp sdp;
	struct sip_isup_part isup;
};

/* ---------------------------------------------------------------------------------------- */
/* Trunks */

enum sip_transport { SIP_TRANSPORT_UDP, SIP_TRANSPORT_TCP };
enum sip_100rel { SIP_100REL_DISABLED, SIP_100REL_SUPPORTED, SIP_100REL_REQUIRED };
enum sip_acl_action { SIP_ACL_REJECT, SIP_ACL_DROP };
enum sip_sipt_mode { SIP_SIPT_OFF, SIP_SIPT_SIPT, SIP_SIPT_SIPI };
/* RFC 4028 refresher preference: "any" lets the other side choose (UAC: no refresher parameter;
 * UAS without one in the INVITE: the UAC if it supports the timer, else ourselves) */
enum sip_st_refresher { SIP_ST_REFRESHER_ANY, SIP_ST_REFRESHER_UAC, SIP_ST_REFRESHER_UAS };
/* RFC 4040 clearmode on a trunk: the sip node's 'codec clearmode' (default) or the trunk's own */
enum sip_clearmode { SIP_CLEARMODE_DEFAULT, SIP_CLEARMODE_ACCEPT, SIP_CLEARMODE_REJECT };

struct sip_peer {
	char addr[64];			/* IPv4 or IPv6 address literal (no brackets) */
	uint16_t port;
};

struct sip_acl_entry {
	bool ipv6;
	uint8_t net[16];		/* network byte order, host bits zero (IPv4: the first 4 octets) */
	unsigned int prefix_len;	/* 0-32 (IPv4), 0-128 (IPv6) */
};

struct sip_trunk_cfg {
	enum sip_transport transport;
	char listen_addr[64];		/* IPv4 or IPv6 address literal (no brackets) */
	uint16_t listen_port;
	struct sip_peer peers[SIP_MAX_PEERS];	/* first one is where requests go */
	unsigned int num_peers;
	bool trusted;			/* untrusted: no PAI/ISUP sent, PAI/ISUP received ignored */
	struct sip_acl_entry acl[SIP_MAX_ACL];	/* empty: peers' addresses (or anyone if no peers) */
	unsigned int num_acl;
	enum sip_acl_action acl_action;	/* 403 or silent drop */
	enum sip_100rel rel100;
	unsigned int options_interval;	/* s between OPTIONS keep-alives, 0 = off */
	enum sip_sipt_mode sipt_mode;
	char isup_version[32];		/* application/ISUP;version= */
	char isup_base[32];		/* ;base= (empty: omitted) */
	bool isup_required;		/* handling=required instead of optional */
	unsigned int call_rate;		/* new INVITEs per second, 0 = no limit: configuration only, the
					 * application admits (503 + cause 42 beyond) */
	/* RFC 4028 session timer ("session-timer expires N min-se N refresher X", "no session-timer") */
	bool st_enabled;
	unsigned int st_expires;	/* s, Session-Expires we ask for (RFC 4028 4: 1800 recommended) */
	unsigned int st_min_se;		/* s, smallest interval we accept (RFC 4028 5: 90) */
	enum sip_st_refresher st_refresher;
	enum sip_clearmode clearmode;	/* "codec clearmode accept|reject|default" (sip/sip_codec.c) */
};

/* Per trunk security counters (rate_ctr group "sip:trunk", shown by "show rate-counters") */
enum sip_trunk_ctr {
	SIP_TRUNK_CTR_ACL_REJECTED,	/* requests from sources outside the ACL answered 403 */
	SIP_TRUNK_CTR_ACL_DROPPED,	/* messages from sources outside the ACL dropped */
	SIP_TRUNK_CTR_RATE_REJECTED,	/* INVITEs beyond call-rate-limit answered 503 */
};

struct sip_trunk {
	struct llist_head list;
	struct sip_ua *ua;
	char *name;
	struct sip_trunk_cfg cfg;
	bool options_up;		/* last OPTIONS keep-alive answered */
	void *priv;
	struct rate_ctr_group *ctrs;	/* enum sip_trunk_ctr */
	struct rate_ctr_group *msg_ctrs;	/* messages in/out by method / response class (sip_stats.c) */
	struct sip_trunk_state *st;	/* library internal */
};

/* ---------------------------------------------------------------------------------------- */
/* Events reported to the layer above */

enum sip_event_type {
	SIP_EV_INVITE,		/* UAS: new INVITE (100 Trying sent); answer with the calls below */
	SIP_EV_PROVISIONAL,	/* UAC: 1xx (to_tag names the early dialog; forks differ) */
	SIP_EV_ANSWERED,	/* UAC: 2xx to INVITE (ACK sent) */
	SIP_EV_FAILED,		/* UAC: final 3xx-6xx to INVITE (ACK sent by the ICT) */
	SIP_EV_ACK,		/* UAS: ACK for our 2xx */
	SIP_EV_CANCEL,		/* UAS: CANCEL received, 200 + 487 sent */
	SIP_EV_BYE,		/* BYE received, 200 sent */
	SIP_EV_INFO,		/* INFO received, 200 sent */
	SIP_EV_REINVITE,	/* re-INVITE or UPDATE with offer received and answered */
	SIP_EV_PRACK,		/* UAS: PRACK for our reliable 18x received, 200 sent */
	SIP_EV_RESPONSE,	/* final response to a non-INVITE request or re-INVITE we sent */
	SIP_EV_TIMEOUT,		/* Timer B/F, PRACK wait (64*T1), ACK wait (64*T1), session timer */
	SIP_EV_TERMINATED,	/* dialog is gone after this callback returns */
};

enum sip_timeout_kind {
	SIP_TO_NONE,
	SIP_TO_TIMER_B,		/* INVITE not answered at all */
	SIP_TO_TIMER_F,		/* non-INVITE request not answered */
	SIP_TO_PRACK,		/* our reliable 18x never PRACKed: INVITE rejected with 504 */
	SIP_TO_ACK,		/* our 2xx never ACKed: BYE sent */
	SIP_TO_SESSION,		/* RFC 4028 10: session not refreshed in time: BYE (Reason cause 102) sent */
};

struct sip_headers {
	char ruri[SIP_HDR_MAX];
	char from[SIP_HDR_MAX];
	char to[SIP_HDR_MAX];
	char pai[SIP_HDR_MAX];		/* P-Asserted-Identity (trusted trunks only) */
	char privacy[64];
	char history_info[SIP_HDR_LIST_MAX];	/* every History-Info header, comma-joined */
	char diversion[SIP_HDR_LIST_MAX];	/* every Diversion header, comma-joined */
	char contact[SIP_HDR_MAX];	/* the first Contact (3xx: the new target) */
	char p_early_media[64];
	int max_forwards;		/* -1 = absent */
};

struct sip_event {
	enum sip_event_type type;
	const char *method;		/* request method, or the method a response belongs to */
	int code;			/* response status code */
	int q850_cause;			/* Reason: Q.850;cause=, 0 = none */
	char q850_location[8];		/* RFC 8606 location token, "" = none */
	const char *to_tag;		/* UAC: remote tag of the (early) dialog */
	bool reliable;			/* 1xx carried Require: 100rel */
	uint32_t rseq;
	enum sip_timeout_kind timeout;
	const struct sip_body *body;	/* parsed SDP / ISUP parts (never NULL) */
	const struct sip_headers *hdrs;	/* identity and routing headers (never NULL) */
};

/* Why the layer above takes no new calls on a trunk now (OPTIONS busy-out, sip/sip_busy_out.c) */
struct sip_unavail {
	int q850_cause;			/* Reason: Q.850;cause=N (RFC 6432), 0: none */
	const char *text;		/* Reason text and Warning 399 text */
	unsigned int retry_after;	/* s, Retry-After (RFC 3261 20.33), 0: none */
};

struct sip_ua_cbs {
	void (*event)(struct sip_dialog *dlg, const struct sip_event *ev, void *priv);
	void (*options_result)(struct sip_trunk *trunk, int code, void *priv);	/* code 0: timeout */
	/* Optional: the dialog's identifiers (sip_snapshot.h) changed: an in-dialog request sent
	 * (local CSeq) or received (remote CSeq) */
	void (*dialog_changed)(struct sip_dialog *dlg, void *priv);
	/* Optional: whether the trunk takes new calls now; false (with why filled in): an
	 * out-of-dialog OPTIONS is answered 503 instead of 200 (busy-out) */
	bool (*available)(struct sip_trunk *trunk, struct sip_unavail *why, void *priv);
	/* Optional: how many datagrams a UDP trunk may read in one select round now (clamped to
	 * 1..SIP_UDP_RX_BATCH_MAX); NULL: one. The layer above ties it to its own queues: what a
	 * datagram makes it send must not pile up faster than those queues drain. */
	unsigned int (*rx_budget)(void *priv);
};

#define SIP_UDP_RX_BATCH_MAX 16	/* datagrams read from one UDP socket per select round at most */

/* What to put into an outgoing request or response. Everything optional (zero = absent). */
struct sip_msg_opts {
	const struct sip_sdp *sdp;
	const uint8_t *isup;		/* ISUP body (trunk's version/base/handling); SIP-T trunks only */
	size_t isup_len;
	const char *pai;		/* P-Asserted-Identity value (trusted trunks only) */
	const char *privacy;
	const char *history_info;
	const char *diversion;
	const char *p_early_media;
	int max_forwards;		/* 0: 70 */
	int q850_cause;			/* Reason: Q.850;cause=N (RFC 3326 / RFC 6432) */
	const char *q850_location;	/* ;location= (RFC 8606 token, e.g. "LN", "BI") */
	const char *reason_text;	/* ;text="..." */
	const char *reason_phrase;	/* responses: status line text instead of the standard one */
	const char *contact;		/* 3xx: the Contact value (the new target, RFC 3261 21.3) */
	unsigned int retry_after;	/* responses: Retry-After in seconds (RFC 3261 20.33), 0: none */
};

/* ---------------------------------------------------------------------------------------- */
/* UA */

struct sip_ua *sip_ua_alloc(void *ctx, const struct sip_ua_cbs *cbs, void *priv);
void sip_ua_free(struct sip_ua *ua);
/* Open the sockets of all trunks (also done when the VTY leaves a trunk node after start). */
int sip_ua_start(struct sip_ua *ua);
struct osmo_tdef *sip_ua_tdefs(struct sip_ua *ua);
/* Local media capabilities used for the automatic 488 check of incoming offers. */
struct sip_sdp *sip_ua_local_caps(struct sip_ua *ua);
/* RFC 4040 clearmode on this trunk: its own 'codec clearmode', else the sip node's */
bool sip_trunk_clearmode(const struct sip_trunk *trunk);
/* The local capabilities as they hold on this trunk (the UA's, clearmode per trunk) */
void sip_trunk_caps(const struct sip_trunk *trunk, struct sip_sdp *caps);
/* The clearmode payload type of the local capabilities (97 unless configured otherwise) */
uint8_t sip_ua_clearmode_pt(const struct sip_ua *ua);
void sip_ua_set_user_agent(struct sip_ua *ua, const char *name);
/* Largest accepted/sent message (UDP datagram or TCP message), octets. */
void sip_ua_set_max_msg_size(struct sip_ua *ua, unsigned int size);
/* SO_RCVBUF asked for each UDP trunk socket opened from now on (bytes) */
void sip_ua_set_udp_rcvbuf(struct sip_ua *ua, unsigned int bytes);
/* Receive overload (sip_rx_overload.c): the largest fill of the UDP trunks' kernel receive
 * buffers in percent (-1: no UDP socket); overloaded from onset_pct on until the fill is down to
 * abate_pct (onset and abatement logged once); the application refuses new calls meanwhile.
 * sip_ua_set_rx_overload: onset 0 turns it off; -EINVAL unless abate_pct < onset_pct <= 100. */
int sip_ua_rx_fill_pct(struct sip_ua *ua);
bool sip_ua_rx_overloaded(struct sip_ua *ua);
int sip_ua_set_rx_overload(struct sip_ua *ua, unsigned int onset_pct, unsigned int abate_pct);
/* VTY: "sip" and "trunk NAME" nodes with the node ids the application gives, write support.
 * The timers (sip_ua_tdefs) go into the application's osmo_tdef_group list ("timer sip T1 500"). */
int sip_vty_init(struct sip_ua *ua, int sip_node, int trunk_node);
/* Logging category of the library (default DLGLOBAL); call before sip_ua_alloc(). */
void sip_set_log_cat(int cat);

/* Feed one datagram as if received on the trunk from src (tests, fuzzing). */
void sip_ua_input(struct sip_trunk *trunk, const char *buf, size_t len, const char *src_ip, uint16_t src_port);

/* ---------------------------------------------------------------------------------------- */
/* Trunks */

struct sip_trunk *sip_trunk_alloc(struct sip_ua *ua, const char *name);
struct sip_trunk *sip_trunk_find(struct sip_ua *ua, const char *name);
/* The trunk carries ISUP bodies: SIP-T/SIP-I and trusted (RFC 3372, RFC 3398 5.2) */
bool sip_trunk_carries_isup(const struct sip_trunk *trunk);
/* Iterate the trunks in configuration order: prev NULL gives the first; NULL after the last */
struct sip_trunk *sip_trunk_next(struct sip_ua *ua, struct sip_trunk *prev);
int sip_trunk_start(struct sip_trunk *trunk);
void sip_trunk_stop(struct sip_trunk *trunk);
void sip_trunk_free(struct sip_trunk *trunk);
/* Count an event of enum sip_trunk_ctr */
void sip_trunk_ctr_inc(struct sip_trunk *trunk, enum sip_trunk_ctr ctr);
/* Send one OPTIONS now (result via options_result). */
int sip_trunk_options(struct sip_trunk *trunk);

/* ---------------------------------------------------------------------------------------- */
/* INVITE dialogs */

/* UAC: INVITE sip:to_user@peer to the trunk's first peer. */
struct sip_dialog *sip_dialog_invite(struct sip_trunk *trunk, const char *to_user, const char *from_user,
				     const struct sip_msg_opts *opts, void *priv);
/* RFC 3578 3: what an INVITE with more digits repeats of the one before (Call-ID, From tag) and
 * the CSeq it goes above */
struct sip_uac_ident {
	char call_id[128];
	char from_tag[64];
	uint32_t cseq;
};
/* UAC: the identity of the INVITE of a UAC dialog; -1 for a UAS dialog */
int sip_dialog_uac_ident(struct sip_dialog *dlg, struct sip_uac_ident *id);
/* UAC, RFC 3578 3: a new INVITE with the same Call-ID and From tag as 'same', CSeq above it */
struct sip_dialog *sip_dialog_invite_again(struct sip_trunk *trunk, const char *to_user, const char *from_user,
					   const struct sip_msg_opts *opts, void *priv,
					   const struct sip_uac_ident *same);
/* UAS: 18x, reliable (RFC 3262) if asked and the peer supports it or the trunk requires it. */
int sip_dialog_provisional(struct sip_dialog *dlg, int code, bool reliable, const struct sip_msg_opts *opts);
/* UAS: 200 OK; held back while a reliable 18x with SDP is not PRACKed (RFC 3262 3). */
int sip_dialog_answer(struct sip_dialog *dlg, const struct sip_msg_opts *opts);
/* UAS: final 3xx-6xx with Reason: Q.850 (RFC 6432). */
int sip_dialog_reject(struct sip_dialog *dlg, int code, const struct sip_msg_opts *opts);
/* UAC: CANCEL with Reason (RFC 3326); sent once a provisional arrived (RFC 3261 9.1). */
int sip_dialog_cancel(struct sip_dialog *dlg, const struct sip_msg_opts *opts);
/* BYE with Reason and optional ISUP body (REL). */
int sip_dialog_bye(struct sip_dialog *dlg, const struct sip_msg_opts *opts);
/* INFO carrying an ISUP body (RFC 3372 mid-call). */
int sip_dialog_info(struct sip_dialog *dlg, const struct sip_msg_opts *opts);
/* re-INVITE (or UPDATE, RFC 3311) with a new offer, e.g. direction sendonly for hold. */
int sip_dialog_reoffer(struct sip_dialog *dlg, const struct sip_sdp *sdp, bool use_update);
/* Tear down whatever state the dialog is in (CANCEL, BYE or 480/487) - for shutdown. */
void sip_dialog_release(struct sip_dialog *dlg, int q850_cause);
/* Same, with the final response for an incoming INVITE not answered yet (instead of 480) */
void sip_dialog_release_status(struct sip_dialog *dlg, int q850_cause, int uas_status);
/* Same, with the layer above's Reason and ISUP body (SIP-I: the REL, Q.1912.5) in the BYE or the
 * final response; a CANCEL takes the Reason only */
void sip_dialog_release_opts(struct sip_dialog *dlg, const struct sip_msg_opts *opts, int uas_status);
/* SIP-I: the ISUP body (the REL) of the BYEs the dialog sends on a timeout of its own (RFC 4028 10
 * session expiry, no ACK for the 2xx, in-dialog request timeout: Reason cause 102); len 0: none */
void sip_dialog_set_timeout_bye_isup(struct sip_dialog *dlg, const uint8_t *isup, size_t len);

void *sip_dialog_priv(struct sip_dialog *dlg);
void sip_dialog_set_priv(struct sip_dialog *dlg, void *priv);
/* SIP-I (Q.1912.5): the ISUP body (e.g. RLC) of the 200 to a received BYE that carries an ISUP
 * body (REL); len 0: none (default) */
void sip_dialog_set_bye_ok_isup(struct sip_dialog *dlg, const uint8_t *isup, size_t len);
struct sip_trunk *sip_dialog_trunk(struct sip_dialog *dlg);
const char *sip_dialog_call_id(struct sip_dialog *dlg);
bool sip_dialog_is_uac(struct sip_dialog *dlg);
const struct sip_sdp *sip_dialog_remote_sdp(struct sip_dialog *dlg);

const char *sip_event_name(enum sip_event_type t);
const char *sip_timeout_name(enum sip_timeout_kind k);

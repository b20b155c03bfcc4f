/* Internal structures of the SIP UA (not for the layers above). */
#pragma once

#include <sys/time.h>
#include <netinet/in.h>
#include <osip2/osip.h>
#include <osipparser2/osip_parser.h>
#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/hashtable.h>
#include <osmocom/core/jhash.h>
#include <osmocom/core/socket.h>

#include "sip/sip.h"

/* the logging category the application gave (sip_set_log_cat), DLGLOBAL by default */
extern int sip_log_cat;
#define DSIP sip_log_cat

/* Timers (osmo_tdef table of sip_ua.c, "timer sip NAME VAL" in the application's timer tree).
 * The RFC 3261 Timers are X<n> with n the letter's place in the alphabet (B = X2 ... K = X11);
 * 0 means the value RFC 3261 derives from T1/T4 (sip_timer_ms). Timers A, E and G are not
 * entries: they start at T1 and double up to T2 (ICT, NICT, IST); Timer C is a proxy's. */
enum sip_timer {
	SIP_T1 = 1,		/* RFC 3261 T1, RTT estimate */
	SIP_T2 = 2,		/* RFC 3261 T2, max retransmit interval (non-INVITE, INVITE responses) */
	SIP_T4 = 4,		/* RFC 3261 T4, max message lifetime */
	SIP_TB = -2,		/* 17.1.1.2 Timer B: INVITE transaction timeout, 0 = 64*T1 */
	SIP_TD = -4,		/* 17.1.1.2 Timer D: response retransmissions (UDP), 0 = 32 s */
	SIP_TF = -6,		/* 17.1.2.2 Timer F: non-INVITE transaction timeout, 0 = 64*T1 */
	SIP_TH = -8,		/* 17.2.1 Timer H: ACK wait of an INVITE server transaction, 0 = 64*T1 */
	SIP_TI = -9,		/* 17.2.1 Timer I: ACK retransmissions (UDP), 0 = T4 */
	SIP_TJ = -10,		/* 17.2.2 Timer J: request retransmissions (UDP), 0 = 64*T1 */
	SIP_TK = -11,		/* 17.1.2.2 Timer K: response retransmissions (UDP), 0 = T4 */
	SIP_TPRACK = -12,	/* RFC 3262 3: give up on a reliable 18x, 0 = 64*T1 */
	SIP_TACK = -13,		/* RFC 3261 13.3.1.4: give up on 2xx retransmission, 0 = 64*T1 */
};

struct sip_conn;

#define SIP_TX_HASH_BITS 14	/* 16384 buckets of transactions */
#define SIP_DLG_HASH_BITS 14	/* 16384 buckets of dialogs */

struct sip_ua {
	osip_t *osip;
	struct llist_head trunks;
	struct llist_head dialogs;
	struct llist_head txs;		/* struct sip_tx of live transactions */
	struct llist_head dead_txs;	/* struct sip_tx whose transaction ended, in OTC_SELECT until freed */
	struct llist_head tx_pending;	/* struct sip_tx with events queued (pend_entry) */
	DECLARE_HASHTABLE(tx_hash, SIP_TX_HASH_BITS);	/* struct sip_tx by top Via branch (hash_entry) */
	DECLARE_HASHTABLE(dlg_hash, SIP_DLG_HASH_BITS);	/* struct sip_dialog by Call-ID (hash_entry) */
	const struct sip_ua_cbs *cbs;
	void *priv;
	struct osmo_tdef *tdefs;
	struct sip_sdp local_caps;
	char user_agent[64];
	unsigned int max_msg_size;
	char *rx_buf;			/* UDP receive buffer of max_msg_size + 1, kept (no allocation per datagram) */
	size_t rx_buf_size;
	unsigned int udp_rcvbuf;	/* SO_RCVBUF asked for each UDP trunk socket (bytes) */
	/* receive overload (sip_rx_overload.c): onset/abatement percent of a UDP receive buffer's
	 * fill, 0: off */
	unsigned int rx_onset_pct, rx_abate_pct;
	bool rx_overloaded;
	unsigned int rx_overload_onsets;
	bool started;

	struct llist_head orphans;	/* struct sip_orphan: INVITEs of another node cleared here */
	struct osmo_timer_list pump_timer;	/* runs events queued outside sip_ua_pump() */
	bool in_pump, pump_again;
	uint32_t id_counter;
};

/* Per-trunk runtime state (sockets, TCP connections, keep-alive). */
struct sip_trunk_state {
	struct osmo_fd ofd;		/* UDP socket or TCP listen socket */
	struct llist_head conns;	/* struct sip_conn */
	struct osmo_timer_list options_timer;
	bool options_pending;
};

/* A TCP connection (incoming or outgoing). */
struct sip_conn {
	struct llist_head list;
	struct sip_trunk *trunk;
	struct osmo_fd ofd;
	struct osmo_sockaddr peer;
	bool connecting;
	char *rxbuf;
	size_t rxlen;
	char *txbuf;
	size_t txlen;
};

/* Where a transaction sends to and who owns it; attached to osip_transaction_t (your_instance). */
enum sip_tx_kind {
	SIP_TX_INVITE, SIP_TX_REINVITE, SIP_TX_CANCEL, SIP_TX_BYE, SIP_TX_PRACK, SIP_TX_INFO,
	SIP_TX_UPDATE, SIP_TX_OPTIONS, SIP_TX_SERVER, SIP_TX_ACK_BYE,
};

#define SIP_UDP_RCVBUF (4 * 1024 * 1024)	/* bytes asked for each UDP trunk socket (default) */

struct sip_tx {
	struct llist_head list;		/* in ua->txs, or ua->dead_txs once dead */
	struct hlist_node hash_entry;	/* in ua->tx_hash while it has a transaction */
	struct llist_head pend_entry;	/* in ua->tx_pending while events are queued */
	struct llist_head dlg_entry;	/* in dlg->txs while dlg is set (sip_tx_set_dlg) */
	struct osmo_timer_list timer;	/* next libosip2 timer of this transaction */
	struct sip_ua *ua;
	osip_transaction_t *tr;
	struct sip_trunk *trunk;
	struct sip_conn *conn;		/* TCP: connection to use (NULL: look up / connect) */
	struct osmo_sockaddr dst;		/* requests: next hop; responses: source of the request */
	struct sip_dialog *dlg;
	enum sip_tx_kind kind;
	bool dead;
};

/* Early dialog on the UAC side (RFC 3261 12.1.2; one per To tag when the INVITE forked). */
struct sip_early {
	struct llist_head list;
	char *to_tag;
	osip_uri_t *target;		/* Contact of the 1xx */
	osip_list_t route_set;
	uint32_t last_rseq;		/* RFC 3262 4: ignore retransmitted reliable 1xx */
};

/* RFC 4028 session timer of a dialog (sip_session_timer.c) */
struct sip_session_timer {
	bool active;			/* negotiated: the timer runs */
	bool we_refresh;		/* we are the refresher (RFC 4028 7.2 / 9) */
	bool peer_timer;		/* the peer supports "timer" (Supported/Require) */
	bool peer_update;		/* the peer allows UPDATE (refresh by UPDATE, RFC 4028 10) */
	bool retried_422;		/* UAC: INVITE repeated once after a 422 (RFC 4028 7.4) */
	bool refreshing;		/* our refresh request is out, its 2xx awaited */
	enum sip_st_refresher req_refresher;	/* UAS: refresher parameter of the INVITE */
	unsigned int req_se;		/* UAS: Session-Expires of the INVITE, 0 = absent */
	unsigned int req_min_se;	/* UAS: Min-SE of the INVITE (90 if absent) */
	unsigned int min_se;		/* UAC: Min-SE we send (raised by a 422) */
	unsigned int interval;		/* s, negotiated Session-Expires */
	uint32_t refresh_cseq;		/* CSeq of our refresh request */
	struct osmo_timer_list timer;	/* refresh (we_refresh, SE/2) or expiry (SE - min(32, SE/3)) */
	struct timeval deadline;	/* when the session expires without a refresh */
};

struct sip_dialog {
	struct llist_head list;
	struct hlist_node hash_entry;	/* in ua->dlg_hash by call_id (sip_dialog_key) */
	struct llist_head txs;		/* struct sip_tx pointing here (dlg_entry) */
	struct sip_ua *ua;
	struct sip_trunk *trunk;
	struct osmo_fsm_inst *fi;	/* the dialog FSM (sip_dialog_fsm.h); dlg is its talloc child */
	void *priv;
	uint8_t bye_ok_isup[16];	/* ISUP body of the 200 to a BYE carrying ISUP (SIP-I: RLC) */
	size_t bye_ok_isup_len;
	uint8_t *timeout_bye_isup;	/* ISUP body of our timeout BYEs (sip_dialog_set_timeout_bye_isup) */
	size_t timeout_bye_isup_len;
	uint8_t *pending_bye_isup;	/* UAS: ISUP body of the BYE waiting for the ACK */
	size_t pending_bye_isup_len;
	bool is_uac;
	bool dead;			/* FSM terminated: memory kept until the FSM dealloc ctx goes */
	bool terminated_reported;

	char *call_id;
	osip_from_t *local;		/* our From/To with our tag */
	osip_to_t *remote;		/* their From/To (tag added once known) */
	osip_uri_t *target;		/* remote target (Contact) */
	osip_list_t route_set;		/* osip_record_route_t clones, in request order */
	uint32_t local_cseq;
	uint32_t remote_cseq;
	uint32_t invite_cseq;
	struct sip_conn *conn;		/* TCP connection the dialog uses */
	struct osmo_sockaddr peer;	/* where in-dialog requests go */
	struct osmo_sockaddr resp_dst;	/* UAS: where the INVITE came from (2xx/18x retransmission) */
	bool bye_pending;		/* UAS: BYE asked for before the ACK arrived */
	int bye_cause;
	char bye_loc[8];
	uint32_t ack_cseq;		/* CSeq of the INVITE our stored ACK belongs to */
	uint32_t last_2xx_cseq;		/* CSeq of the INVITE our stored 2xx answers */

	osip_transaction_t *inv_tr;	/* ICT (UAC) or IST (UAS) of the initial INVITE */
	osip_message_t *invite;		/* copy of the initial INVITE; UAC: until the 2xx, UAS: until the ACK */
	bool has_invite;		/* UAS: the dialog came from an INVITE here (not restored) */
	char *invite_branch;		/* UAS: its top Via branch (talloc child), CANCEL matching */

	/* UAS side */
	bool peer_100rel;		/* INVITE had Supported or Require: 100rel */
	uint32_t rseq;
	osip_message_t *rel_prov;	/* reliable 18x awaiting PRACK */
	bool rel_prov_sdp;
	struct osmo_timer_list rel_timer;
	unsigned int rel_interval_ms, rel_elapsed_ms;
	osip_message_t *pending_2xx;	/* held back until PRACK (RFC 3262 3) */
	bool sdp_answer_sent;		/* our answer already went out in a reliable 18x */

	/* 2xx retransmission until ACK (UAS) - RFC 3261 13.3.1.4 */
	osip_message_t *last_2xx;
	struct osmo_timer_list ok_timer;
	unsigned int ok_interval_ms, ok_elapsed_ms;

	/* UAC side */
	struct llist_head early;	/* struct sip_early */
	bool got_provisional;
	bool cancel_pending;
	struct sip_msg_opts cancel_opts;
	int cancel_cause;
	char cancel_loc[8];
	char *ack;			/* ACK for 2xx as sent (talloc child, ack_len octets), resent on
					 * 2xx retransmission: one buffer, not a parsed message */
	size_t ack_len;
	bool cancelled;

	/* re-INVITE / UPDATE */
	osip_transaction_t *reinv_tr;	/* our outstanding re-INVITE */
	osip_transaction_t *srv_reinv_tr; /* their re-INVITE being answered */

	struct sip_sdp local_sdp;
	bool has_local_sdp;
	struct sip_sdp remote_sdp;
	bool has_remote_sdp;

	struct sip_session_timer st;
};

/* sip_dialog.c: dialogs by Call-ID (compared case-sensitively, RFC 3261 20.8) */
uint32_t sip_dialog_key(const char *call_id);
#define sip_dialog_for_each_call_id(d, ua, cid) \
	hash_for_each_possible((ua)->dlg_hash, d, hash_entry, sip_dialog_key(cid)) \
		if (!(d)->dead && !strcmp((d)->call_id, cid))

/* sip_osip_priv.c: libosip2's private functions (the only user of __osip_*) */
osip_event_t *sip_osip_due_timer_event(osip_transaction_t *tr);
bool sip_osip_response_matches(osip_transaction_t *tr, osip_message_t *resp);
bool sip_osip_request_matches(osip_transaction_t *tr, osip_message_t *req);

/* sip_intake.c */
void sip_intake_request(int type, osip_transaction_t *tr, osip_message_t *msg);
/* the top Via's branch parameter, NULL without one */
const char *sip_msg_top_branch(const osip_message_t *m);
/* sip_orphan.c: an INVITE / a response to an INVITE of another node, cleared here (true: handled) */
bool sip_orphan_rx_invite(struct sip_trunk *trunk, osip_transaction_t *tr, osip_message_t *invite);
bool sip_orphan_rx_response(struct sip_trunk *trunk, osip_message_t *resp);
/* sip_busy_out.c: answers the OPTIONS 503 when the layer above is unavailable; false: answer 200 */
bool sip_options_busy_out(struct sip_trunk *trunk, osip_transaction_t *tr);

/* sip_txn.c */
void sip_txn_set_callbacks(osip_t *osip);
int sip_tx_start_server(struct sip_trunk *trunk, struct sip_conn *conn, const struct osmo_sockaddr *src,
			osip_event_t *ev);

/* sip_ua.c */
void sip_ua_pump(struct sip_ua *ua);
uint32_t sip_ua_random(struct sip_ua *ua);
void sip_ua_rx_msg(struct sip_trunk *trunk, struct sip_conn *conn, const struct osmo_sockaddr *src,
		   const char *buf, size_t len);
struct sip_tx *sip_tx_alloc(struct sip_ua *ua, struct sip_trunk *trunk, enum sip_tx_kind kind);
void sip_tx_set_dlg(struct sip_tx *tx, struct sip_dialog *dlg);
void sip_tx_init(struct sip_tx *tx);
void sip_ua_txn_init(struct sip_ua *ua);
void sip_tx_register(struct sip_tx *tx);
void sip_tx_free(struct sip_tx *tx);
int sip_tx_find_and_add_event(struct sip_ua *ua, osip_event_t *ev);
void sip_tx_add_event(osip_transaction_t *tr, osip_event_t *ev);
int sip_tx_start_client(struct sip_tx *tx, osip_message_t *req);
void sip_tx_set_timers(struct sip_ua *ua, osip_transaction_t *tr);
unsigned int sip_t1_ms(struct sip_ua *ua);
unsigned int sip_t2_ms(struct sip_ua *ua);
unsigned int sip_64t1_ms(struct sip_ua *ua, enum sip_timer t);
/* The value in ms of any enum sip_timer, a 0 entry replaced by what RFC 3261 derives */
unsigned int sip_timer_ms(struct sip_ua *ua, enum sip_timer t);

/* sip_transport.c */
int sip_transport_open(struct sip_trunk *trunk);
void sip_transport_close(struct sip_trunk *trunk);
int sip_transport_send(struct sip_trunk *trunk, struct sip_conn **conn, const struct osmo_sockaddr *dst,
		       const char *buf, size_t len);
int sip_send_msg(struct sip_trunk *trunk, struct sip_conn **conn, const struct osmo_sockaddr *dst,
		 osip_message_t *msg);
/* a request kept serialized (the 2xx's ACK), counted as 'method' */
int sip_send_raw_request(struct sip_trunk *trunk, struct sip_conn **conn, const struct osmo_sockaddr *dst,
			 const char *method, const char *buf, size_t len);
/* sip_stats.c: count a message received from / sent to the trunk */
void sip_stats_msg(struct sip_trunk *trunk, const osip_message_t *m, bool tx);
void sip_stats_request(struct sip_trunk *trunk, const char *method, bool tx);
void sip_conn_forget(struct sip_ua *ua, struct sip_conn *conn);
int sip_peer_sockaddr(const struct sip_trunk *trunk, struct osmo_sockaddr *a);
/* addresses (IPv4 or IPv6): literal -> sockaddr, and back for logs; a host for SIP headers/URIs */
int sip_addr_parse(struct osmo_sockaddr *a, const char *ip, uint16_t port);
const char *sip_addr_ip(const struct osmo_sockaddr *a, char *buf, size_t size);
uint16_t sip_addr_port(const struct osmo_sockaddr *a);
const char *sip_host(const char *addr, char *buf, size_t size);
const char *sip_transport_name(const struct sip_trunk *trunk);

/* sip_trunk.c */
bool sip_trunk_acl_permits(const struct sip_trunk *trunk, const struct osmo_sockaddr *src);
bool sip_acl_matches(const struct sip_acl_entry *e, const struct osmo_sockaddr *src);
void sip_trunk_options_rx_response(struct sip_trunk *trunk, int code);

/* sip_msg.c: building messages */
void sip_msg_copy_routes(osip_list_t *dst, const osip_list_t *src, bool reverse);
/* sip_uac.c: a request of the INVITE's transaction (CANCEL, the ACK of a non-2xx) from the INVITE */
osip_message_t *sip_msg_same_txn_request(const osip_message_t *inv, const char *method);
osip_message_t *sip_msg_new_request(struct sip_dialog *dlg, const char *method, uint32_t cseq);
osip_message_t *sip_msg_new_response(struct sip_trunk *trunk, const osip_message_t *req, int code,
				     const char *to_tag);
void sip_msg_add_via(struct sip_trunk *trunk, osip_message_t *msg, struct sip_ua *ua);
void sip_msg_add_contact(struct sip_trunk *trunk, osip_message_t *msg, const char *user);
void sip_msg_add_reason(osip_message_t *msg, const struct sip_msg_opts *opts);
void sip_msg_add_retry_after(osip_message_t *msg, unsigned int secs);
void sip_msg_add_common(struct sip_ua *ua, osip_message_t *msg);
/* sip_codec.c: the offer has clearmode, the trunk refuses it and nothing else is common (RFC 4040
 * 4: answered 488 with Reason Q.850 cause 65); the trunk's 'codec clearmode' VTY */
bool sip_offer_clearmode_refused(const struct sip_trunk *trunk, const struct sip_sdp *offer);
struct vty;
void sip_codec_vty_write(struct vty *vty, const struct sip_trunk *trunk);
void sip_codec_vty_init(int trunk_node);
void sip_msg_add_warning(struct sip_trunk *trunk, osip_message_t *msg, int code, const char *text);
int sip_msg_set_body(struct sip_trunk *trunk, osip_message_t *msg, const struct sip_sdp *sdp,
		     const uint8_t *isup, size_t isup_len);
void sip_msg_add_identity(struct sip_trunk *trunk, osip_message_t *msg, const struct sip_msg_opts *opts);
bool sip_msg_has_option_tag(const osip_message_t *msg, const char *hname, const char *tag);
const char *sip_msg_header(const osip_message_t *msg, const char *hname);
const char *sip_raw_next_content_length(const char *p, const char *end, const char **eol, const char **next);
void sip_msg_parse_reason(const osip_message_t *msg, int *cause, char *loc, size_t loc_size);
void sip_msg_get_headers(struct sip_trunk *trunk, const osip_message_t *msg, struct sip_headers *h);
char *sip_random_token(struct sip_ua *ua, const char *prefix);
void sip_msg_set_max_forwards(osip_message_t *msg, int n);
int sip_msg_clone(const osip_message_t *msg, osip_message_t **dest);
const char *sip_call_id_str(const osip_message_t *msg, char *buf, size_t size);

/* sip_session_timer.c (RFC 4028) */
/* UAS intake: 0, or 422 with *min_se (the INVITE's Session-Expires is below our Min-SE) */
int sip_st_check_request(const struct sip_trunk *trunk, const osip_message_t *req, unsigned int *min_se);
/* Supported option tags of our INVITEs, UPDATEs and 2xx: "100rel, timer" as configured ("" = none) */
const char *sip_st_supported(const struct sip_trunk *trunk);
const char *sip_st_refresher_name(enum sip_st_refresher r);
void sip_st_add_min_se(osip_message_t *m, unsigned int min_se);

/* sip_body.c */
/* 0 ok; otherwise an error status (400 malformed, 415 unsupported required part) and *warn. */
int sip_body_parse(const struct sip_trunk *trunk, const osip_message_t *msg, struct sip_body *body,
		   const char **warn);

/* sip_dialog.c, sip_uac.c, sip_uas.c, sip_dialog_req.c (dialog FSM: sip_dialog_fsm.h) */
void sip_dialog_rx_invite(struct sip_trunk *trunk, osip_transaction_t *tr, osip_message_t *invite);
void sip_dialog_rx_request(struct sip_dialog *dlg, osip_transaction_t *tr, osip_message_t *req);
void sip_dialog_rx_ack(struct sip_dialog *dlg, osip_message_t *ack);
void sip_dialog_rx_invite_response(struct sip_dialog *dlg, osip_message_t *resp, bool retransmission);
void sip_dialog_rx_response(struct sip_tx *tx, osip_message_t *resp);
void sip_dialog_tx_timeout(struct sip_tx *tx);
void sip_dialog_tx_terminated(struct sip_tx *tx);
struct sip_dialog *sip_dialog_find(struct sip_ua *ua, const osip_message_t *msg, bool we_are_uac_of_msg);
void sip_dialog_emit(struct sip_dialog *dlg, struct sip_event *ev);
/* End the dialogs of trunk (NULL: all of the UA) without reporting them (shutdown). */
void sip_dialog_free_all(struct sip_ua *ua, struct sip_trunk *trunk);
void sip_dialog_fsm_init(void);
void sip_prack_start(struct sip_dialog *dlg, osip_message_t *resp, bool has_sdp);
void sip_prack_stop(struct sip_dialog *dlg);
bool sip_prack_uac_rx_reliable(struct sip_dialog *dlg, struct sip_early *e, osip_message_t *resp);
void sip_dialog_send_2xx(struct sip_dialog *dlg, osip_message_t *resp);
/* UAC: the ACK of the 2xx to the INVITE with 'cseq', built once and kept serialized (RFC 3261
 * 13.2.2.4: the same ACK again for each retransmission of the 2xx) */
void sip_dialog_send_ack(struct sip_dialog *dlg, uint32_t cseq);
void sip_dialog_terminate(struct sip_dialog *dlg);
const char *sip_tag(const osip_from_t *h);
/* sip_snapshot.c: tell the layer above that the dialog's identifiers changed (sip_ua_cbs) */
void sip_dialog_changed(struct sip_dialog *dlg);
void sip_dialog_send_in_dialog(struct sip_dialog *dlg, osip_message_t *req, enum sip_tx_kind kind);

/* send a response through a server transaction */
void sip_tx_respond(osip_transaction_t *tr, osip_message_t *resp);
/* build a response for a server transaction's request and send it */
void sip_respond_simple(struct sip_trunk *trunk, osip_transaction_t *tr, int code, const char *warning,
			const struct sip_msg_opts *opts);

/* The INVITE dialog state machine (RFC 3261 12/13, RFC 3262): states, events, event data and the
 * state actions, shared by sip_dialog.c (definition), sip_uac.c, sip_uas.c, sip_dialog_req.c and
 * sip_prack.c. Internal to sip/. */
#pragma once

#include "sip/sip_internal.h"

/* RFC 3261 12/13 dialog states, UAC and UAS (RFC 3261 17.1.1 / 17.2.1 names where they fit) */
enum sip_dlg_state {
	SIP_DLG_S_INIT,
	SIP_DLG_S_CALLING,		/* UAC: INVITE sent, nothing received */
	SIP_DLG_S_PROCEEDING,		/* UAC: 100 (or 1xx without To tag) received */
	SIP_DLG_S_EARLY,		/* UAC: 1xx with To tag received / UAS: 18x sent */
	SIP_DLG_S_RECEIVED,		/* UAS: INVITE received, 100 sent */
	SIP_DLG_S_WAIT_ACK,		/* UAS: 2xx sent, ACK awaited (RFC 3261 13.3.1.4) */
	SIP_DLG_S_CONFIRMED,
	SIP_DLG_S_TERMINATING,		/* BYE or CANCEL sent */
	SIP_DLG_S_TERMINATED,
};

enum sip_dlg_event {
	/* received (struct sip_dlg_rx) */
	SIP_DLG_EV_RX_INVITE,		/* UAS: the initial INVITE */
	SIP_DLG_EV_RX_1XX,		/* UAC: provisional response to our INVITE */
	SIP_DLG_EV_RX_2XX,		/* UAC: 2xx to our INVITE (also retransmitted, other forks) */
	SIP_DLG_EV_RX_FAILURE,		/* UAC: 3xx-6xx to our INVITE */
	SIP_DLG_EV_RX_ACK,		/* UAS: ACK for our 2xx */
	SIP_DLG_EV_RX_PRACK,
	SIP_DLG_EV_RX_BYE,
	SIP_DLG_EV_RX_CANCEL,
	SIP_DLG_EV_RX_REINVITE,		/* re-INVITE or UPDATE */
	SIP_DLG_EV_RX_INFO,
	SIP_DLG_EV_RX_RESPONSE,		/* final response to an in-dialog request of ours */
	SIP_DLG_EV_TX_TIMEOUT,		/* Timer B/F of a client transaction of ours */
	SIP_DLG_EV_PRACK_TIMEOUT,	/* RFC 3262 3: reliable 18x not PRACKed within 64*T1 */
	SIP_DLG_EV_ACK_TIMEOUT,		/* RFC 3261 13.3.1.4: 2xx to a re-INVITE not ACKed within 64*T1 */
	SIP_DLG_EV_SESSION_TIMER,	/* RFC 4028 10: refresh due, or the session expired */
	/* asked for by the layer above (struct sip_dlg_req) */
	SIP_DLG_EV_INVITE,
	SIP_DLG_EV_PROVISIONAL,
	SIP_DLG_EV_ANSWER,
	SIP_DLG_EV_REJECT,
	SIP_DLG_EV_CANCEL,
	SIP_DLG_EV_BYE,
	SIP_DLG_EV_INFO,
	SIP_DLG_EV_REOFFER,
	SIP_DLG_EV_RELEASE,
};

/* Data of the received events */
struct sip_dlg_rx {
	osip_transaction_t *tr;		/* server transaction of a request */
	osip_message_t *msg;		/* the request or response */
	struct sip_tx *tx;		/* client transaction of a response or timeout */
	bool retransmission;		/* response seen before by the transaction */
	struct sip_event *ev;		/* requests: event for the layer above (body, headers, Reason) */
	const struct sip_body *body;	/* requests: parsed body */
};

/* Data of the events asked for by the layer above; rc is what the API function returns */
struct sip_dlg_req {
	int code;
	bool reliable;
	const struct sip_msg_opts *opts;
	const struct sip_sdp *sdp;
	bool use_update;
	int q850_cause;
	int uas_status;			/* release: final response to an unanswered INVITE */
	const char *to_user, *from_user;
	const struct sip_uac_ident *same;	/* INVITE: RFC 3578 3, NULL for a new call */
	int rc;
};

/* sip_dialog.c */
struct sip_dialog *sip_dialog_alloc(struct sip_trunk *trunk, bool is_uac);
void sip_dialog_set_call_id(struct sip_dialog *dlg, const char *call_id);
enum sip_dlg_state sip_dialog_state(const struct sip_dialog *dlg);
/* Dispatch if the event is permitted in the dialog's state: 0, else -EINVAL (nothing done). */
int sip_dialog_dispatch(struct sip_dialog *dlg, enum sip_dlg_event event, void *data);
/* Dispatch a request of the layer above; returns its rc, -EINVAL if not permitted now. */
int sip_dialog_request(struct sip_dialog *dlg, enum sip_dlg_event event, struct sip_dlg_req *req);
void sip_dialog_in_dialog_event(struct sip_dialog *dlg, uint32_t event, void *data);
void sip_dialog_route_set_free(osip_list_t *l);
void sip_dialog_route_set_from_rr(osip_list_t *dst, const osip_message_t *m, bool reverse);
osip_uri_t *sip_dialog_contact_uri(const osip_message_t *m);
struct sip_dialog *sip_dialog_find_invite(struct sip_ua *ua, const osip_message_t *invite);
void sip_dialog_timer_ms(struct osmo_timer_list *t, unsigned int ms);

/* sip_uac.c: states Calling, Proceeding; the UAC part of Early */
void sip_uac_start(struct sip_dialog *dlg, struct sip_dlg_req *req);
void sip_uac_calling_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void sip_uac_proceeding_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void sip_uac_early_event(struct sip_dialog *dlg, uint32_t event, void *data);
void sip_uac_rx_2xx(struct sip_dialog *dlg, const struct sip_dlg_rx *rx);

/* sip_uas.c: states Received, Waiting_for_ACK; the UAS part of Early */
void sip_uas_start(struct sip_dialog *dlg, const struct sip_dlg_rx *rx);
void sip_uas_received_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void sip_uas_wait_ack_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void sip_uas_early_event(struct sip_dialog *dlg, uint32_t event, void *data);
void sip_uas_ack_timeout(struct sip_dialog *dlg);
void sip_uas_rx_ack(struct sip_dialog *dlg, const struct sip_dlg_rx *rx);
int sip_uas_reject(struct sip_dialog *dlg, int code, const struct sip_msg_opts *opts);
void sip_uas_send_held_2xx(struct sip_dialog *dlg);

/* sip_dialog_req.c: states Confirmed, Terminating; in-dialog requests of every state */
void sip_dialog_confirmed_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void sip_dialog_terminating_action(struct osmo_fsm_inst *fi, uint32_t event, void *data);
int sip_dialog_send_bye(struct sip_dialog *dlg, const struct sip_msg_opts *opts);
/* BYE on a timeout of the dialog's own: Reason cause 102 with 'loc' (NULL: none), the timeout
 * ISUP body (sip_dialog_set_timeout_bye_isup) */
int sip_dialog_send_timeout_bye(struct sip_dialog *dlg, const char *loc);
/* release request (SIP_DLG_EV_RELEASE): the layer above's options, else a Reason with the cause in o */
const struct sip_msg_opts *sip_dlg_release_opts(const struct sip_dlg_req *req, struct sip_msg_opts *o);
/* *buf (talloc child of dlg) becomes a copy of isup (NULL when len is 0) */
void sip_dialog_keep_isup(struct sip_dialog *dlg, uint8_t **buf, size_t *buf_len, const uint8_t *isup, size_t len);
void sip_dialog_rx_bye(struct sip_dialog *dlg, const struct sip_dlg_rx *rx);
void sip_dialog_respond_bye(struct sip_dialog *dlg, const struct sip_dlg_rx *rx);
void sip_dialog_respond(struct sip_dialog *dlg, osip_transaction_t *tr, int code, const char *warning);
int sip_dialog_info_send(struct sip_dialog *dlg, const struct sip_msg_opts *opts);

/* sip_prack.c */
void sip_prack_timeout(struct sip_dialog *dlg);
void sip_prack_rx(struct sip_dialog *dlg, const struct sip_dlg_rx *rx);

/* sip_session_timer.c (RFC 4028) */
void sip_st_uac_invite(struct sip_dialog *dlg, osip_message_t *inv);
int sip_st_uac_rx_422(struct sip_dialog *dlg, const osip_message_t *resp);
void sip_st_uac_rx_2xx(struct sip_dialog *dlg, const osip_message_t *resp);
void sip_st_uas_rx_invite(struct sip_dialog *dlg, const osip_message_t *inv);
void sip_st_uas_2xx(struct sip_dialog *dlg, osip_message_t *resp);
void sip_st_timer_event(struct sip_dialog *dlg);
bool sip_st_rx_response(struct sip_dialog *dlg, const osip_message_t *resp);
void sip_st_rx_refresh(struct sip_dialog *dlg, const osip_message_t *req, osip_message_t *resp);
void sip_st_stop(struct sip_dialog *dlg);
void sip_st_add_request_headers(struct sip_dialog *dlg, osip_message_t *m);
bool sip_st_is_refresh(const struct sip_dialog *dlg, const osip_message_t *msg);

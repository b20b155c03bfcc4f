/* Requests inside a dialog: BYE, CANCEL (received), INFO, re-INVITE, UPDATE; their responses.
 * The states Confirmed and Terminating, and the in-dialog events every live state takes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <osmocom/core/utils.h>

#include "sip/sip_dialog_fsm.h"
#include "isup/q850.h"

/* ---- asked for by the layer above ---- */

/* RFC 3261 15.1.1: BYE in a confirmed dialog */
int sip_dialog_send_bye(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	osip_message_t *m = sip_msg_new_request(dlg, "BYE", ++dlg->local_cseq);

	if (!m)
		return -ENOMEM;
	sip_msg_add_reason(m, opts);
	if (opts && opts->isup && opts->isup_len)
		sip_msg_set_body(dlg->trunk, m, NULL, opts->isup, opts->isup_len);
	osmo_timer_del(&dlg->ok_timer);
	sip_st_stop(dlg);
	osmo_fsm_inst_state_chg(dlg->fi, SIP_DLG_S_TERMINATING, 0, 0);
	sip_dialog_send_in_dialog(dlg, m, SIP_TX_BYE);
	return 0;
}

int sip_dialog_send_timeout_bye(struct sip_dialog *dlg, const char *loc)
{
	struct sip_msg_opts o = { .q850_cause = Q850_RECOVERY_ON_TIMER_EXPIRY, .q850_location = loc,
				  .isup = dlg->timeout_bye_isup, .isup_len = dlg->timeout_bye_isup_len };
	return sip_dialog_send_bye(dlg, &o);
}

int sip_dialog_info_send(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	osip_message_t *m;

	if (!sip_tag(dlg->remote))
		return -EINVAL;
	m = sip_msg_new_request(dlg, "INFO", ++dlg->local_cseq);
	if (!m)
		return -ENOMEM;
	sip_msg_add_reason(m, opts);
	if (opts)
		sip_msg_set_body(dlg->trunk, m, opts->sdp, opts->isup, opts->isup_len);
	sip_dialog_send_in_dialog(dlg, m, SIP_TX_INFO);
	return 0;
}

/* re-INVITE (RFC 3261 14.1) or UPDATE (RFC 3311) with a new offer */
static int send_reoffer(struct sip_dialog *dlg, const struct sip_sdp *sdp, bool use_update)
{
	osip_message_t *m;
	struct sip_sdp offer;

	if (dlg->reinv_tr)
		return -EBUSY;	/* RFC 3261 14.1: one outstanding offer */
	offer = *sdp;
	offer.sess_id = dlg->local_sdp.sess_id ? dlg->local_sdp.sess_id : offer.sess_id;
	offer.sess_version = dlg->local_sdp.sess_version + 1;
	m = sip_msg_new_request(dlg, use_update ? "UPDATE" : "INVITE", ++dlg->local_cseq);
	if (!m)
		return -ENOMEM;
	sip_msg_add_contact(dlg->trunk, m, "gw");
	sip_st_add_request_headers(dlg, m);	/* RFC 4028 10: it refreshes the session too */
	sip_msg_set_body(dlg->trunk, m, &offer, NULL, 0);
	dlg->local_sdp = offer;
	dlg->has_local_sdp = true;
	sip_dialog_send_in_dialog(dlg, m, use_update ? SIP_TX_UPDATE : SIP_TX_REINVITE);
	return 0;
}

/* ---- received in-dialog requests ---- */

void sip_dialog_respond(struct sip_dialog *dlg, osip_transaction_t *tr, int code, const char *warning)
{
	osip_message_t *r = sip_msg_new_response(dlg->trunk, tr->orig_request, code, sip_tag(dlg->local));
	if (!r)
		return;
	if (warning)
		sip_msg_add_warning(dlg->trunk, r, code == 488 ? 305 : 399, warning);
	sip_tx_respond(tr, r);
}

/* RFC 3264 8: answer a new offer; our preferred direction stays sendrecv */
static int answer_offer(struct sip_dialog *dlg, const struct sip_sdp *offer, struct sip_sdp *ans)
{
	struct sip_sdp tmpl;
	if (dlg->has_local_sdp)
		tmpl = dlg->local_sdp;
	else
		sip_trunk_caps(dlg->trunk, &tmpl);
	tmpl.dir = SIP_SDP_SENDRECV;
	if (sip_sdp_answer(ans, offer, &tmpl) < 0)
		return -1;
	ans->sess_version = dlg->local_sdp.sess_version + 1;
	return 0;
}

/* CANCEL outside Received/Early: the final response went out already, no effect (RFC 3261 9.2) */
static void rx_cancel(struct sip_dialog *dlg, const struct sip_dlg_rx *rx)
{
	sip_dialog_respond(dlg, rx->tr, 200, NULL);
}

/* The 200 to a BYE; with the dialog's ISUP body when the BYE carried one (SIP-I REL -> RLC) */
void sip_dialog_respond_bye(struct sip_dialog *dlg, const struct sip_dlg_rx *rx)
{
	osip_message_t *r;
	if (!dlg->bye_ok_isup_len || !rx->body || !rx->body->isup.present) {
		sip_dialog_respond(dlg, rx->tr, 200, NULL);
		return;
	}
	r = sip_msg_new_response(dlg->trunk, rx->tr->orig_request, 200, sip_tag(dlg->local));
	if (!r)
		return;
	sip_msg_set_body(dlg->trunk, r, NULL, dlg->bye_ok_isup, dlg->bye_ok_isup_len);
	sip_tx_respond(rx->tr, r);
}

void sip_dialog_rx_bye(struct sip_dialog *dlg, const struct sip_dlg_rx *rx)
{
	sip_dialog_respond_bye(dlg, rx);
	rx->ev->type = SIP_EV_BYE;
	sip_dialog_emit(dlg, rx->ev);
	sip_dialog_terminate(dlg);
}

static void rx_info(struct sip_dialog *dlg, const struct sip_dlg_rx *rx)
{
	sip_dialog_respond(dlg, rx->tr, 200, NULL);
	rx->ev->type = SIP_EV_INFO;
	sip_dialog_emit(dlg, rx->ev);
}

/* The 2xx to a re-INVITE or UPDATE: our answer, or (offerless re-INVITE) our offer */
static void reinvite_2xx_body(struct sip_dialog *dlg, osip_message_t *r, bool is_invite,
			      const struct sip_body *body, const struct sip_sdp *ans)
{
	if (body->has_sdp) {
		sip_msg_set_body(dlg->trunk, r, ans, NULL, 0);
		dlg->remote_sdp = body->sdp;
		dlg->has_remote_sdp = true;
		dlg->local_sdp = *ans;
		dlg->has_local_sdp = true;
	} else if (is_invite && dlg->has_local_sdp) {
		/* offerless re-INVITE: we offer in the 2xx, the answer comes in the ACK */
		struct sip_sdp offer = dlg->local_sdp;
		offer.dir = SIP_SDP_SENDRECV;
		offer.sess_version++;
		dlg->local_sdp = offer;
		sip_msg_set_body(dlg->trunk, r, &offer, NULL, 0);
	}
}

/* RFC 4028 9: a refresh asking for less than our Min-SE gets 422 with our Min-SE */
static bool rx_refresh_too_small(struct sip_dialog *dlg, const struct sip_dlg_rx *rx)
{
	unsigned int min_se;
	osip_message_t *r;

	if (!dlg->st.active || sip_st_check_request(dlg->trunk, rx->msg, &min_se) != 422)
		return false;
	r = sip_msg_new_response(dlg->trunk, rx->msg, 422, sip_tag(dlg->local));
	if (!r)
		return true;
	sip_st_add_min_se(r, min_se);
	sip_tx_respond(rx->tr, r);
	return true;
}

static void rx_reinvite(struct sip_dialog *dlg, const struct sip_dlg_rx *rx)
{
	bool is_invite = MSG_IS_INVITE(rx->msg);
	struct sip_sdp ans;
	osip_message_t *r;

	if (is_invite && (dlg->reinv_tr || dlg->last_2xx)) {
		/* RFC 3261 14.2: glare */
		sip_dialog_respond(dlg, rx->tr, 491, NULL);
		return;
	}
	if (rx->body->has_sdp && answer_offer(dlg, &rx->body->sdp, &ans) < 0) {
		sip_dialog_respond(dlg, rx->tr, 488, "Incompatible media format");
		return;
	}
	if (rx_refresh_too_small(dlg, rx))
		return;
	r = sip_msg_new_response(dlg->trunk, rx->msg, 200, sip_tag(dlg->local));
	if (!r)
		return;
	sip_msg_add_contact(dlg->trunk, r, "gw");
	reinvite_2xx_body(dlg, r, is_invite, rx->body, &ans);
	sip_st_rx_refresh(dlg, rx->msg, r);
	if (is_invite) {
		dlg->srv_reinv_tr = rx->tr;
		sip_dialog_send_2xx(dlg, r);
	} else {
		sip_tx_respond(rx->tr, r);
	}
	rx->ev->type = SIP_EV_REINVITE;
	sip_dialog_emit(dlg, rx->ev);
}

static enum sip_dlg_event request_event(const osip_message_t *req)
{
	if (MSG_IS_CANCEL(req))
		return SIP_DLG_EV_RX_CANCEL;
	if (MSG_IS_PRACK(req))
		return SIP_DLG_EV_RX_PRACK;
	if (MSG_IS_BYE(req))
		return SIP_DLG_EV_RX_BYE;
	if (MSG_IS_INFO(req))
		return SIP_DLG_EV_RX_INFO;
	return SIP_DLG_EV_RX_REINVITE;
}

/* Entry from the UA for requests inside a dialog (RFC 3261 12.2.2) */
void sip_dialog_rx_request(struct sip_dialog *dlg, osip_transaction_t *tr, osip_message_t *req)
{
	struct sip_body body;
	struct sip_headers hdrs;
	struct sip_event ev = { .method = req->sip_method, .body = &body, .hdrs = &hdrs };
	struct sip_dlg_rx rx = { .tr = tr, .msg = req, .ev = &ev, .body = &body };
	uint32_t cseq = strtoul(req->cseq->number, NULL, 10);
	const char *warn = NULL;
	int rc;

	memset(&body, 0, sizeof(body));
	sip_msg_get_headers(dlg->trunk, req, &hdrs);
	sip_msg_parse_reason(req, &ev.q850_cause, ev.q850_location, sizeof(ev.q850_location));
	if (!(MSG_IS_CANCEL(req) || MSG_IS_PRACK(req) || MSG_IS_BYE(req) || MSG_IS_INFO(req) ||
	      MSG_IS_UPDATE(req) || MSG_IS_INVITE(req))) {
		sip_dialog_respond(dlg, tr, 501, NULL);
		return;
	}
	if (!MSG_IS_CANCEL(req)) {
		/* RFC 3261 12.2.2: CSeq must increase */
		if (dlg->remote_cseq && cseq <= dlg->remote_cseq && !MSG_IS_PRACK(req)) {
			sip_dialog_respond(dlg, tr, 500, "CSeq out of order");
			return;
		}
		if (cseq > dlg->remote_cseq) {
			dlg->remote_cseq = cseq;
			if (!MSG_IS_BYE(req))	/* a BYE ends it: no record to carry on */
				sip_dialog_changed(dlg);
		}
		rc = sip_body_parse(dlg->trunk, req, &body, &warn);
		if (rc) {
			sip_dialog_respond(dlg, tr, rc, warn);
			return;
		}
	}
	if (sip_dialog_dispatch(dlg, request_event(req), &rx) < 0)
		sip_dialog_respond(dlg, tr, 481, NULL);
}

/* ---- responses to our in-dialog requests ---- */

static void reinvite_response(struct sip_dialog *dlg, const struct sip_tx *tx, osip_message_t *resp,
			      const struct sip_body *body)
{
	int code = resp->status_code;

	if (tx->kind == SIP_TX_REINVITE && code < 300) {
		/* a new CSeq: a new ACK, kept for this 2xx's retransmissions */
		sip_dialog_send_ack(dlg, strtoul(resp->cseq->number, NULL, 10));
	}
	if (code < 300 && body->has_sdp) {
		dlg->remote_sdp = body->sdp;
		dlg->has_remote_sdp = true;
	}
}

static void rx_response(struct sip_dialog *dlg, const struct sip_dlg_rx *rx)
{
	const struct sip_tx *tx = rx->tx;
	osip_message_t *resp = rx->msg;
	struct sip_body body;
	struct sip_event ev = { .type = SIP_EV_RESPONSE, .code = resp->status_code, .body = &body };
	const char *warn;
	int code = resp->status_code;
	bool refresh = false;

	if (tx->kind == SIP_TX_BYE) {
		sip_dialog_terminate(dlg);
		return;
	}
	if (tx->kind == SIP_TX_CANCEL || tx->kind == SIP_TX_ACK_BYE)
		return;
	ev.method = resp->cseq ? resp->cseq->method : "";
	memset(&body, 0, sizeof(body));
	sip_body_parse(dlg->trunk, resp, &body, &warn);
	sip_msg_parse_reason(resp, &ev.q850_cause, ev.q850_location, sizeof(ev.q850_location));
	if (tx->kind == SIP_TX_REINVITE || tx->kind == SIP_TX_UPDATE) {
		reinvite_response(dlg, tx, resp, &body);
		/* RFC 4028 10: a session refresh of ours is the SIP layer's own business */
		refresh = sip_st_rx_response(dlg, resp);
	}
	if (!refresh)
		sip_dialog_emit(dlg, &ev);
	/* RFC 3261 12.2.1.2: 481/408 to an in-dialog request ends the dialog */
	if ((code == 481 || code == 408) && tx->kind != SIP_TX_PRACK) {
		struct sip_msg_opts o = { .q850_cause = code == 408 ? Q850_RECOVERY_ON_TIMER_EXPIRY :
							  Q850_TEMPORARY_FAILURE };
		if (sip_dialog_state(dlg) == SIP_DLG_S_CONFIRMED)
			sip_dialog_send_bye(dlg, &o);
		else
			sip_dialog_terminate(dlg);
	}
}

/* Entry from the UA: final response to an in-dialog request of ours */
void sip_dialog_rx_response(struct sip_tx *tx, osip_message_t *resp)
{
	struct sip_dlg_rx rx = { .tx = tx, .msg = resp };

	if (!tx->dlg || resp->status_code < 200)
		return;
	sip_dialog_dispatch(tx->dlg, SIP_DLG_EV_RX_RESPONSE, &rx);
}

static void tx_timeout(struct sip_dialog *dlg, const struct sip_tx *tx)
{
	struct sip_event ev = { .type = SIP_EV_TIMEOUT };

	ev.method = tx->tr && tx->tr->orig_request ? tx->tr->orig_request->sip_method : "";
	switch (tx->kind) {
	case SIP_TX_INVITE:
	case SIP_TX_BYE:
		ev.timeout = tx->kind == SIP_TX_INVITE ? SIP_TO_TIMER_B : SIP_TO_TIMER_F;
		sip_dialog_emit(dlg, &ev);
		sip_dialog_terminate(dlg);
		return;
	case SIP_TX_CANCEL:
	case SIP_TX_ACK_BYE:
		return;
	default:
		/* the refresh that went unanswered: the session's expiry was reported already */
		if (sip_dialog_state(dlg) == SIP_DLG_S_TERMINATING && tx->tr &&
		    sip_st_is_refresh(dlg, tx->tr->orig_request))
			return;
		ev.timeout = tx->kind == SIP_TX_REINVITE ? SIP_TO_TIMER_B : SIP_TO_TIMER_F;
		sip_dialog_emit(dlg, &ev);
		/* RFC 3261 12.2.1.2: a timeout ends the dialog */
		if (sip_dialog_state(dlg) == SIP_DLG_S_CONFIRMED)
			sip_dialog_send_timeout_bye(dlg, NULL);
		else if (!dlg->is_uac) {
			sip_dialog_terminate(dlg);
		}
	}
}

/* Entry from the UA: Timer B/F of a client transaction of the dialog */
void sip_dialog_tx_timeout(struct sip_tx *tx)
{
	struct sip_dlg_rx rx = { .tx = tx };

	if (tx->dlg)
		sip_dialog_dispatch(tx->dlg, SIP_DLG_EV_TX_TIMEOUT, &rx);
}

/* ---- events of every live state ---- */

void sip_dialog_in_dialog_event(struct sip_dialog *dlg, uint32_t event, void *data)
{
	struct sip_dlg_rx *rx = data;

	switch (event) {
	case SIP_DLG_EV_RX_PRACK:
		sip_prack_rx(dlg, rx);
		break;
	case SIP_DLG_EV_RX_BYE:
		sip_dialog_rx_bye(dlg, rx);
		break;
	case SIP_DLG_EV_RX_CANCEL:
		rx_cancel(dlg, rx);
		break;
	case SIP_DLG_EV_RX_INFO:
		rx_info(dlg, rx);
		break;
	case SIP_DLG_EV_RX_REINVITE:
		rx_reinvite(dlg, rx);
		break;
	case SIP_DLG_EV_RX_RESPONSE:
		rx_response(dlg, rx);
		break;
	case SIP_DLG_EV_TX_TIMEOUT:
		tx_timeout(dlg, rx->tx);
		break;
	case SIP_DLG_EV_RELEASE:
		sip_dialog_terminate(dlg);
		break;
	}
}

void sip_dialog_confirmed_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct sip_dialog *dlg = fi->priv;
	struct sip_dlg_req *req = data;

	switch (event) {
	case SIP_DLG_EV_RX_2XX:
		sip_uac_rx_2xx(dlg, data);
		break;
	case SIP_DLG_EV_RX_ACK:
		sip_uas_rx_ack(dlg, data);
		break;
	case SIP_DLG_EV_ACK_TIMEOUT:
		sip_uas_ack_timeout(dlg);
		break;
	case SIP_DLG_EV_SESSION_TIMER:
		sip_st_timer_event(dlg);
		break;
	case SIP_DLG_EV_BYE:
		req->rc = sip_dialog_send_bye(dlg, req->opts);
		break;
	case SIP_DLG_EV_INFO:
		req->rc = sip_dialog_info_send(dlg, req->opts);
		break;
	case SIP_DLG_EV_REOFFER:
		req->rc = send_reoffer(dlg, req->sdp, req->use_update);
		break;
	case SIP_DLG_EV_RELEASE: {
		struct sip_msg_opts o;
		sip_dialog_send_bye(dlg, sip_dlg_release_opts(req, &o));
		break;
	}
	default:
		sip_dialog_in_dialog_event(dlg, event, data);
	}
}

/* Terminating: BYE sent (its response or Timer F ends the dialog), or CANCEL sent (UAC: the 487,
 * or a 2xx that crossed it, RFC 3261 9.1) */
void sip_dialog_terminating_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct sip_dialog *dlg = fi->priv;
	bool cancelled = dlg->is_uac && dlg->cancelled && !sip_tag(dlg->remote);

	switch (event) {
	case SIP_DLG_EV_RX_1XX:
	case SIP_DLG_EV_RX_2XX:
	case SIP_DLG_EV_RX_FAILURE:
		if (dlg->is_uac)
			sip_uac_early_event(dlg, event, data);
		break;
	case SIP_DLG_EV_RX_ACK:
		sip_uas_rx_ack(dlg, data);
		break;
	case SIP_DLG_EV_CANCEL:
		((struct sip_dlg_req *)data)->rc = cancelled ? 0 : -EINVAL;
		break;
	case SIP_DLG_EV_RELEASE:
		/* the CANCEL waits for the 487 (or a 2xx to ACK and BYE); a BYE is not waited for */
		if (!cancelled)
			sip_dialog_terminate(dlg);
		break;
	default:
		sip_dialog_in_dialog_event(dlg, event, data);
	}
}

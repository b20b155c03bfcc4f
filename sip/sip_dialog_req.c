/* Requests inside a dialog: BYE, CANCEL (received), INFO, re-INVITE, UPDATE; their responses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <osmocom/core/utils.h>

#include "sip/sip_internal.h"

static enum sip_dlg_state dlg_state(const struct sip_dialog *dlg)
{
	return dlg->fi->state;
}

static bool dialog_established(const struct sip_dialog *dlg)
{
	return dlg_state(dlg) == SIP_DLG_S_CONFIRMED || dlg_state(dlg) == SIP_DLG_S_WAIT_ACK;
}

int sip_dialog_bye(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	osip_message_t *m;

	if (dlg->dead)
		return -EINVAL;
	if (dlg->is_uac && (dlg_state(dlg) == SIP_DLG_S_CALLING || dlg_state(dlg) == SIP_DLG_S_PROCEEDING))
		return sip_dialog_cancel(dlg, opts);
	if (dlg_state(dlg) == SIP_DLG_S_WAIT_ACK && !dlg->pending_2xx) {
		/* RFC 3261 15: the callee waits for the ACK (or its timeout) before BYE */
		dlg->bye_pending = true;
		dlg->bye_cause = opts ? opts->q850_cause : 0;
		osmo_strlcpy(dlg->bye_loc, opts && opts->q850_location ? opts->q850_location : "",
			     sizeof(dlg->bye_loc));
		return 0;
	}
	if (dlg_state(dlg) != SIP_DLG_S_CONFIRMED)
		return -EINVAL;
	m = sip_msg_new_request(dlg, "BYE", ++dlg->local_cseq);
	if (!m)
		return -ENOMEM;
	sip_msg_add_reason(m, opts);
	if (opts && opts->isup && opts->isup_len)
		sip_msg_set_body(dlg->trunk, m, NULL, opts->isup, opts->isup_len);
	osmo_timer_del(&dlg->ok_timer);
	sip_dialog_set_state(dlg, SIP_DLG_S_TERMINATING);
	sip_dialog_send_in_dialog(dlg, m, SIP_TX_BYE);
	return 0;
}

int sip_dialog_info(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	osip_message_t *m;

	if (dlg->dead || !dialog_established(dlg) || !sip_tag(dlg->remote))
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

int sip_dialog_reoffer(struct sip_dialog *dlg, const struct sip_sdp *sdp, bool use_update)
{
	osip_message_t *m;
	struct sip_sdp offer;

	if (dlg->dead || dlg_state(dlg) != SIP_DLG_S_CONFIRMED || !sdp)
		return -EINVAL;
	if (dlg->reinv_tr)
		return -EBUSY;	/* RFC 3261 14.1: one outstanding offer */
	offer = *sdp;
	offer.sess_id = dlg->local_sdp.sess_id ? dlg->local_sdp.sess_id : offer.sess_id;
	offer.sess_version = dlg->local_sdp.sess_version + 1;
	m = sip_msg_new_request(dlg, use_update ? "UPDATE" : "INVITE", ++dlg->local_cseq);
	if (!m)
		return -ENOMEM;
	sip_msg_add_contact(dlg->trunk, m, "gw");
	sip_msg_set_body(dlg->trunk, m, &offer, NULL, 0);
	dlg->local_sdp = offer;
	dlg->has_local_sdp = true;
	sip_dialog_send_in_dialog(dlg, m, use_update ? SIP_TX_UPDATE : SIP_TX_REINVITE);
	return 0;
}

/* ---- received in-dialog requests ---- */

static void respond(struct sip_dialog *dlg, osip_transaction_t *tr, int code, const char *warning)
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
	struct sip_sdp tmpl = dlg->has_local_sdp ? dlg->local_sdp : dlg->ua->local_caps;
	tmpl.dir = SIP_SDP_SENDRECV;
	if (sip_sdp_answer(ans, offer, &tmpl) < 0)
		return -1;
	ans->sess_version = dlg->local_sdp.sess_version + 1;
	return 0;
}

static void rx_cancel(struct sip_dialog *dlg, osip_transaction_t *tr, osip_message_t *req, struct sip_event *ev)
{
	respond(dlg, tr, 200, NULL);
	if (dlg->is_uac || dlg->dead || !dlg->inv_tr ||
	    !(dlg_state(dlg) == SIP_DLG_S_PROCEEDING || (dlg_state(dlg) == SIP_DLG_S_WAIT_ACK && dlg->pending_2xx)))
		return;		/* final response already sent: CANCEL has no effect (RFC 3261 9.2) */
	sip_prack_stop(dlg);
	if (dlg->pending_2xx) {
		osip_message_free(dlg->pending_2xx);
		dlg->pending_2xx = NULL;
	}
	respond(dlg, dlg->inv_tr, 487, NULL);
	ev->type = SIP_EV_CANCEL;
	sip_dialog_emit(dlg, ev);
	sip_dialog_terminate(dlg);
}

void sip_dialog_rx_request(struct sip_dialog *dlg, osip_transaction_t *tr, osip_message_t *req)
{
	struct sip_body body;
	struct sip_headers hdrs;
	struct sip_event ev = { .method = req->sip_method, .body = &body, .hdrs = &hdrs };
	uint32_t cseq = strtoul(req->cseq->number, NULL, 10);
	const char *warn = NULL;
	int rc;

	memset(&body, 0, sizeof(body));
	sip_msg_get_headers(dlg->trunk, req, &hdrs);
	sip_msg_parse_reason(req, &ev.q850_cause, ev.q850_location, sizeof(ev.q850_location));

	if (dlg->dead) {
		respond(dlg, tr, 481, NULL);
		return;
	}
	if (MSG_IS_CANCEL(req)) {
		rx_cancel(dlg, tr, req, &ev);
		return;
	}
	/* RFC 3261 12.2.2: CSeq must increase */
	if (dlg->remote_cseq && cseq <= dlg->remote_cseq && !MSG_IS_PRACK(req)) {
		respond(dlg, tr, 500, "CSeq out of order");
		return;
	}
	if (cseq > dlg->remote_cseq)
		dlg->remote_cseq = cseq;

	rc = sip_body_parse(dlg->trunk, req, &body, &warn);
	if (rc) {
		respond(dlg, tr, rc, warn);
		return;
	}

	if (MSG_IS_PRACK(req)) {
		sip_prack_rx(dlg, tr, req);
		return;
	}
	if (MSG_IS_BYE(req)) {
		respond(dlg, tr, 200, NULL);
		if (!dlg->is_uac && dlg->inv_tr && dlg_state(dlg) == SIP_DLG_S_PROCEEDING) {
			/* BYE in an early dialog (RFC 3261 15.1.2) */
			sip_prack_stop(dlg);
			respond(dlg, dlg->inv_tr, 487, NULL);
		}
		ev.type = SIP_EV_BYE;
		sip_dialog_emit(dlg, &ev);
		sip_dialog_terminate(dlg);
		return;
	}
	if (MSG_IS_INFO(req)) {
		respond(dlg, tr, 200, NULL);
		ev.type = SIP_EV_INFO;
		sip_dialog_emit(dlg, &ev);
		return;
	}
	if (MSG_IS_UPDATE(req) || MSG_IS_INVITE(req)) {
		bool is_invite = MSG_IS_INVITE(req);
		struct sip_sdp ans;
		osip_message_t *r;

		if (is_invite && (dlg->reinv_tr || dlg->last_2xx)) {
			/* RFC 3261 14.2: glare */
			respond(dlg, tr, 491, NULL);
			return;
		}
		if (body.has_sdp && answer_offer(dlg, &body.sdp, &ans) < 0) {
			respond(dlg, tr, 488, "Incompatible media format");
			return;
		}
		r = sip_msg_new_response(dlg->trunk, req, 200, sip_tag(dlg->local));
		if (!r)
			return;
		sip_msg_add_contact(dlg->trunk, r, "gw");
		if (body.has_sdp) {
			sip_msg_set_body(dlg->trunk, r, &ans, NULL, 0);
			dlg->remote_sdp = body.sdp;
			dlg->has_remote_sdp = true;
			dlg->local_sdp = ans;
			dlg->has_local_sdp = true;
		} else if (is_invite && dlg->has_local_sdp) {
			/* offerless re-INVITE: we offer in the 2xx, the answer comes in the ACK */
			struct sip_sdp offer = dlg->local_sdp;
			offer.dir = SIP_SDP_SENDRECV;
			offer.sess_version++;
			dlg->local_sdp = offer;
			sip_msg_set_body(dlg->trunk, r, &offer, NULL, 0);
		}
		if (is_invite) {
			dlg->srv_reinv_tr = tr;
			sip_dialog_send_2xx(dlg, r);
		} else {
			sip_tx_respond(tr, r);
		}
		ev.type = SIP_EV_REINVITE;
		sip_dialog_emit(dlg, &ev);
		return;
	}
	respond(dlg, tr, 501, NULL);
}

/* ---- responses to our in-dialog requests ---- */

void sip_dialog_rx_response(struct sip_tx *tx, osip_message_t *resp)
{
	struct sip_dialog *dlg = tx->dlg;
	struct sip_body body;
	struct sip_event ev = { .type = SIP_EV_RESPONSE, .code = resp->status_code, .body = &body };
	const char *warn;
	int code = resp->status_code;

	if (!dlg || dlg->dead || code < 200)
		return;
	ev.method = resp->cseq ? resp->cseq->method : "";
	memset(&body, 0, sizeof(body));
	sip_body_parse(dlg->trunk, resp, &body, &warn);
	sip_msg_parse_reason(resp, &ev.q850_cause, ev.q850_location, sizeof(ev.q850_location));

	switch (tx->kind) {
	case SIP_TX_BYE:
		sip_dialog_terminate(dlg);
		return;
	case SIP_TX_CANCEL:
	case SIP_TX_ACK_BYE:
		return;
	case SIP_TX_REINVITE:
		if (code < 300) {
			uint32_t cseq = strtoul(resp->cseq->number, NULL, 10);
			if (dlg->ack)
				osip_message_free(dlg->ack);
			dlg->ack = sip_msg_new_request(dlg, "ACK", cseq);
			dlg->ack_cseq = cseq;
			if (dlg->ack)
				sip_send_msg(dlg->trunk, &dlg->conn, &dlg->peer, dlg->ack);
		}
		/* fall through */
	case SIP_TX_UPDATE:
		if (code < 300 && body.has_sdp) {
			dlg->remote_sdp = body.sdp;
			dlg->has_remote_sdp = true;
		}
		break;
	default:
		break;
	}
	sip_dialog_emit(dlg, &ev);
	/* RFC 3261 12.2.1.2: 481/408 to an in-dialog request ends the dialog */
	if ((code == 481 || code == 408) && tx->kind != SIP_TX_PRACK) {
		struct sip_msg_opts o = { .q850_cause = code == 408 ? 102 : 41 };
		if (dlg_state(dlg) == SIP_DLG_S_CONFIRMED)
			sip_dialog_bye(dlg, &o);
		else
			sip_dialog_terminate(dlg);
	}
}

void sip_dialog_tx_timeout(struct sip_tx *tx)
{
	struct sip_dialog *dlg = tx->dlg;
	struct sip_event ev = { .type = SIP_EV_TIMEOUT };

	if (!dlg || dlg->dead)
		return;
	ev.method = tx->tr && tx->tr->orig_request ? tx->tr->orig_request->sip_method : "";
	switch (tx->kind) {
	case SIP_TX_INVITE:
		ev.timeout = SIP_TO_TIMER_B;
		sip_dialog_emit(dlg, &ev);
		sip_dialog_terminate(dlg);
		return;
	case SIP_TX_BYE:
		ev.timeout = SIP_TO_TIMER_F;
		sip_dialog_emit(dlg, &ev);
		sip_dialog_terminate(dlg);
		return;
	case SIP_TX_CANCEL:
	case SIP_TX_ACK_BYE:
		return;
	default:
		ev.timeout = tx->kind == SIP_TX_REINVITE ? SIP_TO_TIMER_B : SIP_TO_TIMER_F;
		sip_dialog_emit(dlg, &ev);
		/* RFC 3261 12.2.1.2: a timeout ends the dialog */
		if (dlg_state(dlg) == SIP_DLG_S_CONFIRMED) {
			struct sip_msg_opts o = { .q850_cause = 102 };
			sip_dialog_bye(dlg, &o);
		} else if (!dlg->is_uac) {
			sip_dialog_terminate(dlg);
		}
	}
}

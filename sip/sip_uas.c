/* UAS side of an INVITE dialog (RFC 3261 13.3): INVITE in, 18x / 2xx / 3xx-6xx out, the 2xx
 * retransmitted until the ACK (13.3.1.4). States Received and Waiting_for_ACK; the UAS's Early. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <osmocom/core/utils.h>

#include "sip/sip_dialog_fsm.h"
#include "isup/q850.h"

#define SIP_UAS_ALLOW "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, PRACK, UPDATE"

/* ---- INVITE in ---- */

static void respond_on(struct sip_trunk *trunk, osip_transaction_t *tr, int code, const char *hname,
		       const char *hval, const char *warning)
{
	osip_message_t *r = sip_msg_new_response(trunk, tr->orig_request, code, "gw-rej");
	if (!r)
		return;
	if (hname)
		osip_message_set_header(r, hname, hval);
	if (warning)
		sip_msg_add_warning(trunk, r, code == 488 ? 305 : 399, warning);
	if (code == 415)
		osip_message_set_accept(r, "application/sdp, application/ISUP, multipart/mixed");
	sip_tx_respond(tr, r);
}

/* Require tags other than 100rel and timer are not supported (RFC 3261 8.2.2.3) */
static const char *unsupported_require(const osip_message_t *m, bool rel_ok, bool timer_ok)
{
	static char bad[64];
	osip_header_t *h;
	int pos = 0;

	while ((pos = osip_message_header_get_byname(m, "Require", pos, &h)) >= 0) {
		char *v = h && h->hvalue ? osip_strdup(h->hvalue) : NULL, *save = NULL, *t;
		pos++;
		if (!v)
			continue;
		for (t = strtok_r(v, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
			if (!strcasecmp(t, "100rel") && rel_ok)
				continue;
			if (!strcasecmp(t, "timer") && timer_ok)
				continue;	/* RFC 4028 */
			osmo_strlcpy(bad, t, sizeof(bad));
			osip_free(v);
			return bad;
		}
		osip_free(v);
	}
	return NULL;
}

/* A retransmitted INVITE after our 2xx ended the IST (RFC 6026): resend the 2xx */
static bool invite_is_retransmission(struct sip_ua *ua, osip_transaction_t *tr, osip_message_t *inv)
{
	struct sip_dialog *d = sip_dialog_find_invite(ua, inv);
	osip_message_t *copy;

	if (!d)
		return false;
	if (d->last_2xx && sip_msg_clone(d->last_2xx, &copy) == 0) {
		sip_tx_respond(tr, copy);
	} else {
		/* still proceeding: answer the stray transaction with 100 and let it be absorbed */
		osip_message_t *r = sip_msg_new_response(d->trunk, inv, 100, NULL);
		if (r)
			sip_tx_respond(tr, r);
	}
	return true;
}

/* Can we take this INVITE? 0, or the final response was sent */
static int invite_acceptable(struct sip_trunk *trunk, osip_transaction_t *tr, osip_message_t *invite,
			     struct sip_body *body)
{
	bool req_rel = sip_msg_has_option_tag(invite, "Require", "100rel");
	bool sup_rel = sip_msg_has_option_tag(invite, "Supported", "100rel");
	const char *warn = NULL, *bad;
	struct sip_sdp tmp, caps;
	unsigned int min_se;
	char buf[16];
	int rc;

	bad = unsupported_require(invite, trunk->cfg.rel100 != SIP_100REL_DISABLED, trunk->cfg.st_enabled);
	if (bad) {
		/* RFC 3261 21.4.15 */
		respond_on(trunk, tr, 420, "Unsupported", bad, NULL);
		return -1;
	}
	if (sip_st_check_request(trunk, invite, &min_se) == 422) {
		/* RFC 4028 8.1 */
		snprintf(buf, sizeof(buf), "%u", min_se);
		respond_on(trunk, tr, 422, "Min-SE", buf, NULL);
		return -1;
	}
	if (trunk->cfg.rel100 == SIP_100REL_REQUIRED && !req_rel && !sup_rel) {
		/* RFC 3262 3 / RFC 3261 21.4.16 */
		respond_on(trunk, tr, 421, "Require", "100rel", NULL);
		return -1;
	}
	rc = sip_body_parse(trunk, invite, body, &warn);
	if (rc) {
		respond_on(trunk, tr, rc, NULL, NULL, warn);
		return -1;
	}
	if (body->has_sdp && sip_offer_clearmode_refused(trunk, &body->sdp)) {
		/* RFC 4040 4 / Q.1912.5: 64 kbit/s unrestricted not on this trunk: bearer capability
		 * not implemented (Q.850 cause 65) */
		respond_on(trunk, tr, 488, "Reason", "Q.850;cause=65", "Incompatible media format");
		return -1;
	}
	sip_trunk_caps(trunk, &caps);
	if (body->has_sdp && sip_sdp_answer(&tmp, &body->sdp, &caps) < 0) {
		/* RFC 3261 13.3.1.3 / warn-code 305 */
		respond_on(trunk, tr, 488, NULL, NULL, "Incompatible media format");
		return -1;
	}
	if (!sip_dialog_contact_uri(invite)) {
		respond_on(trunk, tr, 400, NULL, NULL, "Missing Contact");
		return -1;
	}
	return 0;
}

/* Entry from the UA: an INVITE without To tag */
void sip_dialog_rx_invite(struct sip_trunk *trunk, osip_transaction_t *tr, osip_message_t *invite)
{
	struct sip_ua *ua = trunk->ua;
	struct sip_dlg_rx rx = { .tr = tr, .msg = invite };
	struct sip_dialog *dlg;
	struct sip_body body;
	osip_message_t *r;

	if (invite_is_retransmission(ua, tr, invite))
		return;
	/* RFC 3261 17.2.1: 100 Trying at once */
	r = sip_msg_new_response(trunk, invite, 100, NULL);
	if (r)
		sip_tx_respond(tr, r);
	if (invite_acceptable(trunk, tr, invite, &body) < 0)
		return;
	dlg = sip_dialog_alloc(trunk, false);
	rx.body = &body;
	sip_dialog_dispatch(dlg, SIP_DLG_EV_RX_INVITE, &rx);
}

/* The dialog from the INVITE (RFC 3261 12.1.1) */
static void uas_identity(struct sip_dialog *dlg, osip_transaction_t *tr, osip_message_t *invite)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	struct sip_trunk *trunk = dlg->trunk;
	char tag[32], cidbuf[256];

	sip_tx_set_dlg(tx, dlg);
	dlg->inv_tr = tr;
	sip_dialog_set_call_id(dlg, sip_call_id_str(invite, cidbuf, sizeof(cidbuf)) ?: "");
	osip_to_clone(invite->to, &dlg->local);
	snprintf(tag, sizeof(tag), "%08x%04x", sip_ua_random(dlg->ua), sip_ua_random(dlg->ua) & 0xffff);
	osip_to_set_tag(dlg->local, osip_strdup(tag));
	osip_from_clone(invite->from, &dlg->remote);
	osip_uri_clone(sip_dialog_contact_uri(invite), &dlg->target);
	sip_dialog_route_set_from_rr(&dlg->route_set, invite, false);
	dlg->invite_cseq = strtoul(invite->cseq->number, NULL, 10);
	dlg->remote_cseq = dlg->invite_cseq;
	dlg->local_cseq = 1 + (sip_ua_random(dlg->ua) & 0xffff);
	sip_msg_clone(invite, &dlg->invite);
	dlg->has_invite = true;
	if (sip_msg_top_branch(invite))
		dlg->invite_branch = talloc_strdup(dlg, sip_msg_top_branch(invite));
	dlg->resp_dst = tx->dst;
	dlg->conn = tx->conn;
	/* in-dialog requests go to the trunk peer when one is configured, else back to the source */
	if (sip_peer_sockaddr(trunk, &dlg->peer) < 0)
		dlg->peer = tx->dst;
	if (trunk->cfg.transport == SIP_TRANSPORT_TCP)
		dlg->peer = tx->dst;
}

/* Init: the INVITE was acceptable - Received, reported as SIP_EV_INVITE */
void sip_uas_start(struct sip_dialog *dlg, const struct sip_dlg_rx *rx)
{
	struct sip_trunk *trunk = dlg->trunk;
	osip_message_t *invite = rx->msg;
	struct sip_headers hdrs;
	struct sip_event ev = { .type = SIP_EV_INVITE, .method = "INVITE", .body = rx->body, .hdrs = &hdrs };
	bool rel = sip_msg_has_option_tag(invite, "Require", "100rel") ||
		   sip_msg_has_option_tag(invite, "Supported", "100rel");

	uas_identity(dlg, rx->tr, invite);
	sip_st_uas_rx_invite(dlg, invite);
	dlg->peer_100rel = rel && trunk->cfg.rel100 != SIP_100REL_DISABLED;
	dlg->rseq = 1 + (sip_ua_random(dlg->ua) & 0xffff);
	if (rx->body->has_sdp) {
		dlg->remote_sdp = rx->body->sdp;
		dlg->has_remote_sdp = true;
	}
	osmo_fsm_inst_state_chg(dlg->fi, SIP_DLG_S_RECEIVED, 0, 0);
	sip_msg_get_headers(trunk, invite, &hdrs);
	LOGPFSML(dlg->fi, LOGL_INFO, "incoming INVITE %s, Call-ID %s\n", hdrs.ruri, dlg->call_id);
	sip_dialog_emit(dlg, &ev);
}

/* ---- responses out ---- */

static osip_message_t *uas_response(struct sip_dialog *dlg, int code, const struct sip_msg_opts *opts)
{
	osip_message_t *r;

	if (!dlg->invite)
		return NULL;	/* confirmed: the INVITE is answered */
	r = sip_msg_new_response(dlg->trunk, dlg->invite, code, sip_tag(dlg->local));
	if (!r)
		return NULL;
	if (code < 300)
		sip_msg_add_contact(dlg->trunk, r, "gw");
	else if (code < 400 && opts && opts->contact && *opts->contact)
		osip_message_set_contact(r, opts->contact);	/* RFC 3261 21.3: where to retry */
	if (opts && opts->reason_phrase && *opts->reason_phrase) {
		osip_free(r->reason_phrase);
		r->reason_phrase = osip_strdup(opts->reason_phrase);
	}
	sip_msg_add_identity(dlg->trunk, r, opts);
	sip_msg_add_reason(r, opts);
	if (opts && code >= 300)
		sip_msg_add_retry_after(r, opts->retry_after);
	return r;
}

/* RFC 3262 3: Require: 100rel and RSeq; the copy is retransmitted until the PRACK */
static void make_reliable(struct sip_dialog *dlg, osip_message_t *r, bool has_sdp)
{
	char rseq[16];
	osip_message_t *copy;

	dlg->rseq++;
	snprintf(rseq, sizeof(rseq), "%u", dlg->rseq);
	osip_message_set_require(r, "100rel");
	osip_message_set_header(r, "RSeq", rseq);
	if (has_sdp)
		dlg->sdp_answer_sent = true;
	if (sip_msg_clone(r, &copy) == 0)
		sip_prack_start(dlg, copy, has_sdp);
}

/* 18x (RFC 3261 13.3.1.1), reliable (RFC 3262 3) if asked for and possible: Early */
static int send_provisional(struct sip_dialog *dlg, int code, bool reliable, const struct sip_msg_opts *opts)
{
	bool has_sdp = opts && opts->sdp;
	bool use_rel;
	osip_message_t *r;

	if (!dlg->inv_tr || dlg->pending_2xx || code <= 100 || code > 199)
		return -EINVAL;
	use_rel = dlg->peer_100rel && (reliable || dlg->trunk->cfg.rel100 == SIP_100REL_REQUIRED ||
				       sip_msg_has_option_tag(dlg->invite, "Require", "100rel"));
	if (use_rel && dlg->rel_prov) {
		/* RFC 3262 3: one unacknowledged reliable provisional at a time */
		LOGPFSML(dlg->fi, LOGL_NOTICE, "reliable %d not sent: previous one not PRACKed yet\n", code);
		return -EBUSY;
	}
	r = uas_response(dlg, code, opts);
	if (!r)
		return -ENOMEM;
	if (opts && sip_msg_set_body(dlg->trunk, r, opts->sdp, opts->isup, opts->isup_len) < 0) {
		osip_message_free(r);
		return -EINVAL;
	}
	if (has_sdp) {
		dlg->local_sdp = *opts->sdp;
		dlg->has_local_sdp = true;
	}
	if (use_rel)
		make_reliable(dlg, r, has_sdp);
	if (sip_dialog_state(dlg) == SIP_DLG_S_RECEIVED)
		osmo_fsm_inst_state_chg(dlg->fi, SIP_DLG_S_EARLY, 0, 0);
	sip_tx_respond(dlg->inv_tr, r);
	sip_ua_pump(dlg->ua);
	return 0;
}

static void ok_timer_cb(void *data)
{
	struct sip_dialog *dlg = data;
	struct sip_ua *ua = dlg->ua;

	if (!dlg->last_2xx)
		return;
	dlg->ok_elapsed_ms += dlg->ok_interval_ms;
	if (dlg->ok_elapsed_ms >= sip_64t1_ms(ua, SIP_TACK)) {
		/* the 2xx of the initial INVITE: Waiting_for_ACK's state timeout gives up */
		sip_dialog_dispatch(dlg, SIP_DLG_EV_ACK_TIMEOUT, NULL);
		return;
	}
	if (dlg->trunk->cfg.transport == SIP_TRANSPORT_UDP)
		sip_send_msg(dlg->trunk, &dlg->conn, &dlg->resp_dst, dlg->last_2xx);
	/* RFC 3261 13.3.1.4: interval doubling from T1 up to T2 */
	dlg->ok_interval_ms = OSMO_MIN(2 * dlg->ok_interval_ms, sip_t2_ms(ua));
	sip_dialog_timer_ms(&dlg->ok_timer, dlg->ok_interval_ms);
}

/* Send a 2xx through the IST and keep retransmitting it until the ACK (RFC 3261 13.3.1.4). */
void sip_dialog_send_2xx(struct sip_dialog *dlg, osip_message_t *resp)
{
	osip_transaction_t *tr = resp->cseq && strtoul(resp->cseq->number, NULL, 10) == dlg->invite_cseq ?
				 dlg->inv_tr : dlg->srv_reinv_tr;

	if (dlg->last_2xx)
		osip_message_free(dlg->last_2xx);
	sip_msg_clone(resp, &dlg->last_2xx);
	dlg->last_2xx_cseq = strtoul(resp->cseq->number, NULL, 10);
	if (tr)
		sip_tx_respond(tr, resp);
	else {
		sip_send_msg(dlg->trunk, &dlg->conn, &dlg->resp_dst, resp);
		osip_message_free(resp);
	}
	dlg->ok_interval_ms = sip_t1_ms(dlg->ua);
	dlg->ok_elapsed_ms = 0;
	osmo_timer_setup(&dlg->ok_timer, ok_timer_cb, dlg);
	sip_dialog_timer_ms(&dlg->ok_timer, dlg->ok_interval_ms);
	sip_ua_pump(dlg->ua);
}

static void uas_2xx_stop(struct sip_dialog *dlg)
{
	osmo_timer_del(&dlg->ok_timer);
	if (dlg->last_2xx)
		osip_message_free(dlg->last_2xx);
	dlg->last_2xx = NULL;
}

/* The 2xx to the initial INVITE goes out: Waiting_for_ACK, given up after 64*T1 (SIP_TACK) */
static void send_initial_2xx(struct sip_dialog *dlg, osip_message_t *r)
{
	osmo_fsm_inst_state_chg_ms(dlg->fi, SIP_DLG_S_WAIT_ACK, sip_64t1_ms(dlg->ua, SIP_TACK), SIP_TACK);
	sip_dialog_send_2xx(dlg, r);
}

/* 200 OK (RFC 3261 13.3.1.4); held back while a reliable 18x with SDP is not PRACKed (RFC 3262 3) */
static int send_answer(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	osip_message_t *r;

	if (!dlg->inv_tr)
		return -EINVAL;
	if (dlg->pending_2xx)
		return -EBUSY;
	r = uas_response(dlg, 200, opts);
	if (!r)
		return -ENOMEM;
	osip_message_set_allow(r, SIP_UAS_ALLOW);
	sip_st_uas_2xx(dlg, r);
	if (opts) {
		/* RFC 3262 / 3264: the answer already went out in a reliable 18x */
		const struct sip_sdp *sdp = dlg->sdp_answer_sent ? NULL : opts->sdp;
		if (sip_msg_set_body(dlg->trunk, r, sdp, opts->isup, opts->isup_len) < 0) {
			osip_message_free(r);
			return -EINVAL;
		}
		if (sdp) {
			dlg->local_sdp = *sdp;
			dlg->has_local_sdp = true;
		}
	}
	if (dlg->rel_prov && dlg->rel_prov_sdp) {
		LOGPFSML(dlg->fi, LOGL_INFO, "200 OK held until PRACK\n");
		dlg->pending_2xx = r;
		return 0;
	}
	sip_prack_stop(dlg);
	send_initial_2xx(dlg, r);
	return 0;
}

/* PRACK for the SDP-carrying reliable 18x arrived: the held 200 OK goes out */
void sip_uas_send_held_2xx(struct sip_dialog *dlg)
{
	osip_message_t *ok = dlg->pending_2xx;

	dlg->pending_2xx = NULL;
	LOGPFSML(dlg->fi, LOGL_INFO, "PRACK received: sending the held 200 OK\n");
	send_initial_2xx(dlg, ok);
}

/* Final 3xx-6xx with Reason: Q.850 (RFC 6432); the dialog ends */
int sip_uas_reject(struct sip_dialog *dlg, int code, const struct sip_msg_opts *opts)
{
	osip_message_t *r;

	if (!dlg->inv_tr || code < 300 || code > 699)
		return -EINVAL;
	r = uas_response(dlg, code, opts);
	if (!r)
		return -ENOMEM;
	if (opts && opts->isup && opts->isup_len)
		sip_msg_set_body(dlg->trunk, r, NULL, opts->isup, opts->isup_len);
	sip_prack_stop(dlg);
	if (dlg->pending_2xx) {
		osip_message_free(dlg->pending_2xx);
		dlg->pending_2xx = NULL;
	}
	sip_tx_respond(dlg->inv_tr, r);
	sip_ua_pump(dlg->ua);
	sip_dialog_terminate(dlg);
	return 0;
}

/* ---- ACK ---- */

/* ACK for our 2xx: the initial INVITE's confirms the dialog, a re-INVITE's ends its retransmission */
void sip_uas_rx_ack(struct sip_dialog *dlg, const struct sip_dlg_rx *rx)
{
	uint32_t cseq = strtoul(rx->msg->cseq->number, NULL, 10);
	struct sip_body body;
	struct sip_event ev = { .type = SIP_EV_ACK, .method = "ACK", .body = &body };
	const char *warn;

	if (!dlg->last_2xx || cseq != dlg->last_2xx_cseq)
		return;		/* retransmitted ACK */
	uas_2xx_stop(dlg);
	if (sip_body_parse(dlg->trunk, rx->msg, &body, &warn) == 0 && body.has_sdp) {
		dlg->remote_sdp = body.sdp;
		dlg->has_remote_sdp = true;
	}
	if (cseq != dlg->invite_cseq || sip_dialog_state(dlg) != SIP_DLG_S_WAIT_ACK)
		return;		/* ACK of a re-INVITE */
	osmo_fsm_inst_state_chg(dlg->fi, SIP_DLG_S_CONFIRMED, 0, 0);
	/* the INVITE is answered and its 2xx acknowledged: responses to it are over; what a late
	 * retransmission or CANCEL of it needs (From tag, CSeq, branch) the dialog keeps */
	osip_message_free(dlg->invite);
	dlg->invite = NULL;
	sip_dialog_emit(dlg, &ev);
	if (dlg->bye_pending) {
		struct sip_msg_opts o = { .q850_cause = dlg->bye_cause, .q850_location = dlg->bye_loc,
					  .isup = dlg->pending_bye_isup, .isup_len = dlg->pending_bye_isup_len };
		dlg->bye_pending = false;
		sip_dialog_send_bye(dlg, &o);
	}
}

/* Entry from the UA: an ACK matching the dialog */
void sip_dialog_rx_ack(struct sip_dialog *dlg, osip_message_t *ack)
{
	struct sip_dlg_rx rx = { .msg = ack };

	sip_dialog_dispatch(dlg, SIP_DLG_EV_RX_ACK, &rx);
}

/* RFC 3261 13.3.1.4: no ACK within 64*T1 - confirm and immediately terminate with BYE */
void sip_uas_ack_timeout(struct sip_dialog *dlg)
{
	struct sip_event ev = { .type = SIP_EV_TIMEOUT, .method = "ACK", .timeout = SIP_TO_ACK };
	LOGPFSML(dlg->fi, LOGL_NOTICE, "no ACK for our 2xx: BYE\n");
	uas_2xx_stop(dlg);
	sip_dialog_emit(dlg, &ev);
	if (dlg->dead)
		return;
	if (sip_dialog_state(dlg) == SIP_DLG_S_WAIT_ACK)
		osmo_fsm_inst_state_chg(dlg->fi, SIP_DLG_S_CONFIRMED, 0, 0);
	dlg->bye_pending = false;
	sip_dialog_send_timeout_bye(dlg, "LN");
}

/* ---- state actions ---- */

/* RFC 3261 9.2: CANCEL of the unanswered INVITE - 200, then 487 to the INVITE */
static void rx_cancel_early(struct sip_dialog *dlg, const struct sip_dlg_rx *rx)
{
	sip_dialog_respond(dlg, rx->tr, 200, NULL);
	if (!dlg->inv_tr)
		return;
	sip_prack_stop(dlg);
	if (dlg->pending_2xx) {
		osip_message_free(dlg->pending_2xx);
		dlg->pending_2xx = NULL;
	}
	sip_dialog_respond(dlg, dlg->inv_tr, 487, NULL);
	rx->ev->type = SIP_EV_CANCEL;
	sip_dialog_emit(dlg, rx->ev);
	sip_dialog_terminate(dlg);
}

/* BYE in an early dialog (RFC 3261 15.1.2): 487 to the INVITE too */
static void rx_bye_early(struct sip_dialog *dlg, const struct sip_dlg_rx *rx)
{
	if (dlg->inv_tr) {
		sip_dialog_respond_bye(dlg, rx);
		sip_prack_stop(dlg);
		sip_dialog_respond(dlg, dlg->inv_tr, 487, NULL);
		rx->ev->type = SIP_EV_BYE;
		sip_dialog_emit(dlg, rx->ev);
		sip_dialog_terminate(dlg);
		return;
	}
	sip_dialog_rx_bye(dlg, rx);
}

/* Received and the UAS's Early: the INVITE is not answered yet */
void sip_uas_early_event(struct sip_dialog *dlg, uint32_t event, void *data)
{
	struct sip_dlg_req *req = data;

	switch (event) {
	case SIP_DLG_EV_PROVISIONAL:
		req->rc = send_provisional(dlg, req->code, req->reliable, req->opts);
		break;
	case SIP_DLG_EV_ANSWER:
		req->rc = send_answer(dlg, req->opts);
		break;
	case SIP_DLG_EV_REJECT:
		req->rc = sip_uas_reject(dlg, req->code, req->opts);
		break;
	case SIP_DLG_EV_RELEASE: {
		struct sip_msg_opts o;
		sip_uas_reject(dlg, req->uas_status, sip_dlg_release_opts(req, &o));
		break;
	}
	case SIP_DLG_EV_PRACK_TIMEOUT:
		sip_prack_timeout(dlg);
		break;
	case SIP_DLG_EV_RX_CANCEL:
		rx_cancel_early(dlg, data);
		break;
	case SIP_DLG_EV_RX_BYE:
		rx_bye_early(dlg, data);
		break;
	case SIP_DLG_EV_RX_1XX:
	case SIP_DLG_EV_RX_2XX:
	case SIP_DLG_EV_RX_FAILURE:
		break;		/* UAC events (Early is a state of both sides) */
	case SIP_DLG_EV_CANCEL:
	case SIP_DLG_EV_BYE:
		req->rc = -EINVAL;	/* not before the 2xx on the UAS side (RFC 3261 15) */
		break;
	default:
		sip_dialog_in_dialog_event(dlg, event, data);
	}
}

/* Received: INVITE in, 100 Trying sent */
void sip_uas_received_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	sip_uas_early_event(fi->priv, event, data);
}

/* Waiting_for_ACK: 2xx sent and retransmitted (ok_timer), state timeout 64*T1 */
void sip_uas_wait_ack_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct sip_dialog *dlg = fi->priv;
	struct sip_dlg_req *req = data;

	switch (event) {
	case SIP_DLG_EV_RX_ACK:
		sip_uas_rx_ack(dlg, data);
		break;
	case SIP_DLG_EV_BYE:
	case SIP_DLG_EV_RELEASE:
		/* RFC 3261 15: the callee waits for the ACK (or its timeout) before BYE */
		dlg->bye_pending = true;
		dlg->bye_cause = req->q850_cause;
		dlg->bye_loc[0] = '\0';
		if (req->opts) {
			dlg->bye_cause = req->opts->q850_cause;
			osmo_strlcpy(dlg->bye_loc, req->opts->q850_location ? : "", sizeof(dlg->bye_loc));
			/* SIP-I: the REL goes in that BYE too */
			sip_dialog_keep_isup(dlg, &dlg->pending_bye_isup, &dlg->pending_bye_isup_len,
					     req->opts->isup, req->opts->isup_len);
		}
		break;
	case SIP_DLG_EV_INFO:
		/* INFO is allowed once the 2xx went out (RFC 6086 4.2) */
		req->rc = sip_dialog_info_send(dlg, req->opts);
		break;
	default:
		sip_dialog_in_dialog_event(dlg, event, data);
	}
}

/* UAC side of an INVITE dialog (RFC 3261 13.2, 12.1.2): INVITE out, responses in (forks, early
 * dialogs), CANCEL (RFC 3261 9.1), ACK for 2xx. States Calling and Proceeding; the UAC's Early. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <talloc.h>
#include <osmocom/core/utils.h>

#include "sip/sip_dialog_fsm.h"
#include "isup/q850.h"

/* ---- INVITE ---- */

/* Call-ID, From (our tag), To, remote target of a new UAC dialog; 0 or -EINVAL */
static int uac_identity(struct sip_dialog *dlg, const char *to_user, const char *from_user,
			const struct sip_uac_ident *same)
{
	struct sip_trunk *trunk = dlg->trunk;
	uint16_t port = sip_addr_port(&dlg->peer);
	const char *tp = trunk->cfg.transport == SIP_TRANSPORT_TCP ? ";transport=tcp" : "";
	char buf[512], *tok, lhost[80], phost[80];

	sip_host(trunk->cfg.listen_addr, lhost, sizeof(lhost));
	sip_host(trunk->cfg.peers[0].addr, phost, sizeof(phost));
	/* RFC 3578 3: an INVITE with more digits keeps the Call-ID and From tag of the one before */
	if (same) {
		sip_dialog_set_call_id(dlg, same->call_id);
	} else {
		tok = sip_random_token(dlg->ua, "");
		snprintf(buf, sizeof(buf), "%s@%s", tok, lhost);
		osip_free(tok);
		sip_dialog_set_call_id(dlg, buf);
	}

	tok = same ? osip_strdup(same->from_tag) : sip_random_token(dlg->ua, "");
	snprintf(buf, sizeof(buf), "<sip:%s@%s:%u>;tag=%s", from_user, lhost, trunk->cfg.listen_port, tok);
	osip_free(tok);
	osip_from_init(&dlg->local);
	osip_from_parse(dlg->local, buf);
	snprintf(buf, sizeof(buf), "<sip:%s@%s:%u>", to_user, phost, port);
	osip_to_init(&dlg->remote);
	if (osip_to_parse(dlg->remote, buf) != 0)
		return -EINVAL;
	snprintf(buf, sizeof(buf), "sip:%s@%s:%u%s", to_user, phost, port, tp);
	osip_uri_init(&dlg->target);
	if (osip_uri_parse(dlg->target, buf) != 0)
		return -EINVAL;
	return 0;
}

static osip_message_t *build_invite(struct sip_dialog *dlg, const char *from_user, const struct sip_msg_opts *opts)
{
	struct sip_trunk *trunk = dlg->trunk;
	osip_message_t *m = sip_msg_new_request(dlg, "INVITE", dlg->invite_cseq);

	if (!m)
		return NULL;
	sip_msg_add_contact(trunk, m, from_user);
	osip_message_set_allow(m, "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, PRACK, UPDATE");
	/* RFC 3262 4, RFC 4028 7.1 */
	if (*sip_st_supported(trunk))
		osip_message_set_supported(m, sip_st_supported(trunk));
	if (trunk->cfg.rel100 == SIP_100REL_REQUIRED)
		osip_message_set_require(m, "100rel");
	sip_st_uac_invite(dlg, m);
	if (!opts)
		return m;
	sip_msg_set_max_forwards(m, opts->max_forwards);
	sip_msg_add_identity(trunk, m, opts);
	if (sip_msg_set_body(trunk, m, opts->sdp, opts->isup, opts->isup_len) < 0) {
		osip_message_free(m);
		return NULL;
	}
	if (opts->sdp) {
		dlg->local_sdp = *opts->sdp;
		dlg->has_local_sdp = true;
	}
	return m;
}

/* Init: send the INVITE (RFC 3261 13.2.1) and go to Calling; a failure ends the dialog unreported */
void sip_uac_start(struct sip_dialog *dlg, struct sip_dlg_req *req)
{
	osip_message_t *m = NULL;
	struct sip_tx *tx;

	if (uac_identity(dlg, req->to_user, req->from_user, req->same) == 0) {
		/* RFC 3578 3: above the CSeq of the INVITE before */
		dlg->local_cseq = req->same ? req->same->cseq + 1 : 1 + (sip_ua_random(dlg->ua) & 0xffff);
		dlg->invite_cseq = dlg->local_cseq;
		m = build_invite(dlg, req->from_user, req->opts);
	}
	if (!m)
		goto fail;
	sip_msg_clone(m, &dlg->invite);
	tx = sip_tx_alloc(dlg->ua, dlg->trunk, SIP_TX_INVITE);
	sip_tx_set_dlg(tx, dlg);
	tx->dst = dlg->peer;
	osmo_fsm_inst_state_chg(dlg->fi, SIP_DLG_S_CALLING, 0, 0);
	if (sip_tx_start_client(tx, m) < 0)
		goto fail;
	dlg->inv_tr = tx->tr;
	dlg->conn = tx->conn;
	LOGPFSML(dlg->fi, LOGL_INFO, "INVITE %s sent, Call-ID %s\n", req->to_user, dlg->call_id);
	return;
fail:
	req->rc = -EINVAL;
	dlg->terminated_reported = true;
	sip_dialog_terminate(dlg);
}

struct sip_dialog *sip_dialog_invite(struct sip_trunk *trunk, const char *to_user, const char *from_user,
				     const struct sip_msg_opts *opts, void *priv)
{
	return sip_dialog_invite_again(trunk, to_user, from_user, opts, priv, NULL);
}

int sip_dialog_uac_ident(struct sip_dialog *dlg, struct sip_uac_ident *id)
{
	if (!dlg->is_uac || !dlg->call_id || !sip_tag(dlg->local))
		return -1;
	osmo_strlcpy(id->call_id, dlg->call_id, sizeof(id->call_id));
	osmo_strlcpy(id->from_tag, sip_tag(dlg->local), sizeof(id->from_tag));
	id->cseq = dlg->local_cseq;
	return 0;
}

struct sip_dialog *sip_dialog_invite_again(struct sip_trunk *trunk, const char *to_user, const char *from_user,
					   const struct sip_msg_opts *opts, void *priv,
					   const struct sip_uac_ident *same)
{
	struct sip_dlg_req req = { .opts = opts, .to_user = to_user, .from_user = from_user, .same = same };
	struct osmo_sockaddr peer;
	struct sip_dialog *dlg;

	if (sip_peer_sockaddr(trunk, &peer) < 0 || trunk->st->ofd.fd < 0)
		return NULL;
	if (!req.to_user || !*req.to_user)
		req.to_user = "unknown";
	if (!req.from_user || !*req.from_user)
		req.from_user = "gw";
	dlg = sip_dialog_alloc(trunk, true);
	dlg->priv = priv;
	dlg->peer = peer;
	return sip_dialog_request(dlg, SIP_DLG_EV_INVITE, &req) < 0 ? NULL : dlg;
}

/* ---- CANCEL ---- */

osip_message_t *sip_msg_same_txn_request(const osip_message_t *inv, const char *method)
{
	osip_message_t *c;
	osip_via_t *via, *v2;
	osip_uri_t *u;
	char buf[64];

	/* RFC 3261 9.1 (CANCEL), 17.1.1.3 (ACK of a non-2xx; its To is the response's): same
	 * Request-URI, Call-ID, To, From, CSeq number, top Via and Route headers as the INVITE */
	if (osip_message_init(&c) != 0)
		return NULL;
	osip_message_set_method(c, osip_strdup(method));
	osip_message_set_version(c, osip_strdup("SIP/2.0"));
	osip_uri_clone(inv->req_uri, &u);
	osip_message_set_uri(c, u);
	via = osip_list_get(&inv->vias, 0);
	if (via && osip_via_clone(via, &v2) == 0)
		osip_list_add(&c->vias, v2, -1);
	sip_msg_copy_routes(&c->routes, &inv->routes, false);
	osip_from_clone(inv->from, &c->from);
	osip_to_clone(inv->to, &c->to);
	osip_call_id_clone(inv->call_id, &c->call_id);
	snprintf(buf, sizeof(buf), "%s %s", inv->cseq->number, method);
	osip_message_set_cseq(c, buf);
	osip_message_set_max_forwards(c, "70");
	return c;
}

/* CANCEL goes out: Terminating */
static void send_cancel(struct sip_dialog *dlg)
{
	struct sip_msg_opts o = { .q850_cause = dlg->cancel_cause, .q850_location = dlg->cancel_loc };
	osip_message_t *c = dlg->invite ? sip_msg_same_txn_request(dlg->invite, "CANCEL") : NULL;

	if (!c)
		return;
	sip_msg_add_reason(c, &o);
	sip_msg_add_common(dlg->ua, c);
	dlg->cancel_pending = false;
	dlg->cancelled = true;
	osmo_fsm_inst_state_chg(dlg->fi, SIP_DLG_S_TERMINATING, 0, 0);
	sip_dialog_send_in_dialog(dlg, c, SIP_TX_CANCEL);
}

static int uac_cancel(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	if (dlg->cancelled || dlg->cancel_pending)
		return 0;
	dlg->cancel_cause = opts ? opts->q850_cause : 0;
	osmo_strlcpy(dlg->cancel_loc, opts && opts->q850_location ? opts->q850_location : "", sizeof(dlg->cancel_loc));
	/* RFC 3261 9.1: not before a provisional response arrived */
	if (!dlg->got_provisional) {
		dlg->cancel_pending = true;
		return 0;
	}
	send_cancel(dlg);
	return 0;
}

/* ---- responses to the INVITE ---- */

void sip_dialog_send_ack(struct sip_dialog *dlg, uint32_t cseq)
{
	osip_message_t *m;
	char *buf = NULL;
	size_t len = 0;

	if (!dlg->ack || dlg->ack_cseq != cseq) {
		TALLOC_FREE(dlg->ack);
		dlg->ack_cseq = cseq;
		m = sip_msg_new_request(dlg, "ACK", cseq);
		if (m && osip_message_to_str(m, &buf, &len) == 0 && buf) {
			dlg->ack = talloc_memdup(dlg, buf, len);
			dlg->ack_len = dlg->ack ? len : 0;
		}
		osip_free(buf);
		if (m)
			osip_message_free(m);
	}
	if (dlg->ack)
		sip_send_raw_request(dlg->trunk, &dlg->conn, &dlg->peer, "ACK", dlg->ack, dlg->ack_len);
}

/* RFC 3261 13.2.2.4: a 2xx from a second fork gets ACK + BYE */
static void ack_and_bye_stray(struct sip_dialog *dlg, osip_message_t *resp)
{
	struct sip_dialog tmp = *dlg;
	osip_message_t *ack, *bye;
	osip_uri_t *c = sip_dialog_contact_uri(resp);
	struct sip_tx *tx;

	osip_list_init(&tmp.route_set);
	sip_dialog_route_set_from_rr(&tmp.route_set, resp, true);
	osip_to_clone(resp->to, &tmp.remote);
	tmp.target = c ? c : dlg->target;
	ack = sip_msg_new_request(&tmp, "ACK", dlg->invite_cseq);
	bye = sip_msg_new_request(&tmp, "BYE", dlg->invite_cseq + 1);
	osip_to_free(tmp.remote);
	sip_dialog_route_set_free(&tmp.route_set);
	if (ack) {
		sip_send_msg(dlg->trunk, &dlg->conn, &dlg->peer, ack);
		osip_message_free(ack);
	}
	if (bye) {
		tx = sip_tx_alloc(dlg->ua, dlg->trunk, SIP_TX_ACK_BYE);
		tx->dst = dlg->peer;
		tx->conn = dlg->conn;
		sip_tx_start_client(tx, bye);
	}
}

static struct sip_early *early_get(struct sip_dialog *dlg, const osip_message_t *resp, const char *tag)
{
	struct sip_early *e;
	osip_uri_t *c;

	llist_for_each_entry(e, &dlg->early, list)
		if (!strcmp(e->to_tag, tag))
			return e;
	e = talloc_zero(dlg, struct sip_early);
	e->to_tag = osip_strdup(tag);
	osip_list_init(&e->route_set);
	c = sip_dialog_contact_uri(resp);
	osip_uri_clone(c ? c : dlg->target, &e->target);
	sip_dialog_route_set_from_rr(&e->route_set, resp, true);
	llist_add_tail(&e->list, &dlg->early);
	LOGPFSML(dlg->fi, LOGL_INFO, "early dialog with To tag %s\n", tag);
	return e;
}

static void fill_body(struct sip_dialog *dlg, const osip_message_t *m, struct sip_body *body)
{
	const char *warn;
	if (sip_body_parse(dlg->trunk, m, body, &warn) != 0)
		LOGPFSML(dlg->fi, LOGL_NOTICE, "ignoring body of %d response: %s\n", m->status_code, warn);
	if (body->has_sdp) {
		dlg->remote_sdp = body->sdp;
		dlg->has_remote_sdp = true;
	}
}

/* The event for the layer above, with headers and Reason of the response */
static void uac_event_init(struct sip_dialog *dlg, osip_message_t *resp, struct sip_event *ev,
			   struct sip_body *body, struct sip_headers *hdrs)
{
	memset(body, 0, sizeof(*body));
	*ev = (struct sip_event){ .method = "INVITE", .code = resp->status_code, .to_tag = sip_tag(resp->to),
				  .body = body, .hdrs = hdrs };
	sip_msg_get_headers(dlg->trunk, resp, hdrs);
	sip_msg_parse_reason(resp, &ev->q850_cause, ev->q850_location, sizeof(ev->q850_location));
}

/* A 1xx with To tag: its early dialog, PRACK if reliable (RFC 3262 4); false for a retransmission */
static bool rx_early_1xx(struct sip_dialog *dlg, osip_message_t *resp, struct sip_event *ev)
{
	struct sip_early *e = early_get(dlg, resp, ev->to_tag);
	const char *rseq = sip_msg_header(resp, "RSeq");

	if (!sip_msg_has_option_tag(resp, "Require", "100rel") || !rseq)
		return true;
	ev->reliable = true;
	ev->rseq = strtoul(rseq, NULL, 10);
	if (dlg->trunk->cfg.rel100 == SIP_100REL_DISABLED) {
		/* we did not offer 100rel; RFC 3262 4 does not apply - treat as unreliable */
		ev->reliable = false;
		return true;
	}
	return sip_prack_uac_rx_reliable(dlg, e, resp);
}

static void uac_rx_1xx(struct sip_dialog *dlg, const struct sip_dlg_rx *rx)
{
	osip_message_t *resp = rx->msg;
	struct sip_body body;
	struct sip_headers hdrs;
	struct sip_event ev;
	bool early;

	uac_event_init(dlg, resp, &ev, &body, &hdrs);
	early = resp->status_code > 100 && ev.to_tag;
	dlg->got_provisional = true;
	if (sip_dialog_state(dlg) == SIP_DLG_S_CALLING || sip_dialog_state(dlg) == SIP_DLG_S_PROCEEDING) {
		enum sip_dlg_state next = early ? SIP_DLG_S_EARLY : SIP_DLG_S_PROCEEDING;
		if (sip_dialog_state(dlg) != next)
			osmo_fsm_inst_state_chg(dlg->fi, next, 0, 0);
	}
	if (early && !rx_early_1xx(dlg, resp, &ev))
		return;	/* retransmission of a reliable 1xx */
	if (dlg->cancel_pending)
		send_cancel(dlg);
	if (resp->status_code == 100)
		return;
	fill_body(dlg, resp, &body);
	ev.type = SIP_EV_PROVISIONAL;
	sip_dialog_emit(dlg, &ev);
}

/* The 2xx that establishes the dialog: remote tag, target, route set (RFC 3261 12.1.2), ACK */
static void uac_confirm(struct sip_dialog *dlg, osip_message_t *resp, const char *tag)
{
	osip_uri_t *c = sip_dialog_contact_uri(resp);

	osip_to_set_tag(dlg->remote, osip_strdup(tag));
	if (c) {
		osip_uri_free(dlg->target);
		osip_uri_clone(c, &dlg->target);
	}
	sip_dialog_route_set_from_rr(&dlg->route_set, resp, true);
	sip_dialog_send_ack(dlg, dlg->invite_cseq);
	/* the INVITE's copy served CANCEL and the 422 retry (RFC 4028 7.4): neither follows a 2xx */
	if (dlg->invite) {
		osip_message_free(dlg->invite);
		dlg->invite = NULL;
	}
	osmo_fsm_inst_state_chg(dlg->fi, SIP_DLG_S_CONFIRMED, 0, 0);
}

void sip_uac_rx_2xx(struct sip_dialog *dlg, const struct sip_dlg_rx *rx)
{
	osip_message_t *resp = rx->msg;
	const char *cur = sip_tag(dlg->remote);
	struct sip_body body;
	struct sip_headers hdrs;
	struct sip_event ev;

	uac_event_init(dlg, resp, &ev, &body, &hdrs);
	if (!ev.to_tag)
		return;
	if (cur && strcmp(cur, ev.to_tag)) {
		LOGPFSML(dlg->fi, LOGL_NOTICE, "2xx from another fork (tag %s): ACK + BYE\n", ev.to_tag);
		ack_and_bye_stray(dlg, resp);
		return;
	}
	if (cur) {
		/* retransmitted 2xx: repeat the ACK (RFC 3261 13.2.2.4) */
		sip_dialog_send_ack(dlg, dlg->invite_cseq);
		return;
	}
	uac_confirm(dlg, resp, ev.to_tag);
	fill_body(dlg, resp, &body);
	if (dlg->cancelled) {
		/* CANCEL crossed the 2xx: end the call (RFC 3261 9.1) */
		struct sip_msg_opts o = { .q850_cause = dlg->cancel_cause ? : Q850_NORMAL_CLEARING,
					  .q850_location = dlg->cancel_loc };
		sip_dialog_send_bye(dlg, &o);
		return;
	}
	sip_st_uac_rx_2xx(dlg, resp);
	ev.type = SIP_EV_ANSWERED;
	sip_dialog_emit(dlg, &ev);
}

static void uac_rx_failure(struct sip_dialog *dlg, const struct sip_dlg_rx *rx)
{
	struct sip_body body;
	struct sip_headers hdrs;
	struct sip_event ev;

	if (rx->retransmission)
		return;
	if (rx->msg->status_code == 422 && sip_st_uac_rx_422(dlg, rx->msg) == 0)
		return;
	uac_event_init(dlg, rx->msg, &ev, &body, &hdrs);
	ev.type = SIP_EV_FAILED;
	fill_body(dlg, rx->msg, &body);
	sip_dialog_emit(dlg, &ev);
	sip_dialog_terminate(dlg);
}

/* Entry from the UA: a response to our INVITE (retransmission: seen before by the ICT) */
void sip_dialog_rx_invite_response(struct sip_dialog *dlg, osip_message_t *resp, bool retransmission)
{
	struct sip_dlg_rx rx = { .msg = resp, .retransmission = retransmission };
	int code = resp->status_code;
	uint32_t cseq = resp->cseq ? strtoul(resp->cseq->number, NULL, 10) : 0;

	if (dlg->dead)
		return;
	if (cseq != dlg->invite_cseq) {
		/* 2xx retransmission for a re-INVITE: repeat its ACK */
		if (code >= 200 && code < 300 && dlg->ack && dlg->ack_cseq == cseq)
			sip_dialog_send_ack(dlg, cseq);
		return;
	}
	sip_dialog_dispatch(dlg, code < 200 ? SIP_DLG_EV_RX_1XX : code < 300 ? SIP_DLG_EV_RX_2XX :
			    SIP_DLG_EV_RX_FAILURE, &rx);
}

/* ---- state actions ---- */

/* Calling, Proceeding and the UAC's Early take the same events */
void sip_uac_early_event(struct sip_dialog *dlg, uint32_t event, void *data)
{
	struct sip_dlg_req *req = data;

	switch (event) {
	case SIP_DLG_EV_RX_1XX:
		uac_rx_1xx(dlg, data);
		break;
	case SIP_DLG_EV_RX_2XX:
		sip_uac_rx_2xx(dlg, data);
		break;
	case SIP_DLG_EV_RX_FAILURE:
		uac_rx_failure(dlg, data);
		break;
	case SIP_DLG_EV_CANCEL:
	case SIP_DLG_EV_BYE:
		/* RFC 3261 15: before the 2xx, a BYE is a CANCEL */
		req->rc = uac_cancel(dlg, req->opts);
		break;
	case SIP_DLG_EV_RELEASE: {
		struct sip_msg_opts o;
		uac_cancel(dlg, sip_dlg_release_opts(req, &o));
		break;
	}
	case SIP_DLG_EV_PROVISIONAL:
	case SIP_DLG_EV_ANSWER:
	case SIP_DLG_EV_REJECT:
	case SIP_DLG_EV_PRACK_TIMEOUT:
		if (req)
			req->rc = -EINVAL;	/* UAS requests (Early is a state of both sides) */
		break;
	default:
		sip_dialog_in_dialog_event(dlg, event, data);
	}
}

/* Calling: INVITE sent, nothing received (Timer B runs in the ICT) */
void sip_uac_calling_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	sip_uac_early_event(fi->priv, event, data);
}

/* Proceeding: 100 Trying received, the peer has the INVITE (no more CANCEL hold-back) */
void sip_uac_proceeding_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	sip_uac_early_event(fi->priv, event, data);
}

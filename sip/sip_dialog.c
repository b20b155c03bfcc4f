/* INVITE dialogs (RFC 3261 12/13): creation on both sides, responses, ACK, termination. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <talloc.h>
#include <osmocom/core/utils.h>

#include "sip/sip_internal.h"

/* ---- dialog state machine (states only; the transitions are driven by SIP messages) ---- */

static const struct value_string sip_dlg_event_names[] = {
	{ 0, "UNUSED" },
	{ 0, NULL }
};

#define ALL_STATES (S(SIP_DLG_S_INIT) | S(SIP_DLG_S_CALLING) | S(SIP_DLG_S_PROCEEDING) | \
		    S(SIP_DLG_S_WAIT_ACK) | S(SIP_DLG_S_CONFIRMED) | S(SIP_DLG_S_TERMINATING) | \
		    S(SIP_DLG_S_TERMINATED))
#define S(x) (1 << (x))

static const struct osmo_fsm_state sip_dlg_states[] = {
	[SIP_DLG_S_INIT] = { .name = "INIT",
		.out_state_mask = S(SIP_DLG_S_CALLING) | S(SIP_DLG_S_PROCEEDING) | S(SIP_DLG_S_TERMINATED) },
	[SIP_DLG_S_CALLING] = { .name = "CALLING",
		.out_state_mask = S(SIP_DLG_S_PROCEEDING) | S(SIP_DLG_S_CONFIRMED) | S(SIP_DLG_S_TERMINATING) |
				  S(SIP_DLG_S_TERMINATED) },
	[SIP_DLG_S_PROCEEDING] = { .name = "PROCEEDING",
		.out_state_mask = S(SIP_DLG_S_WAIT_ACK) | S(SIP_DLG_S_CONFIRMED) | S(SIP_DLG_S_TERMINATING) |
				  S(SIP_DLG_S_TERMINATED) },
	[SIP_DLG_S_WAIT_ACK] = { .name = "WAIT_ACK",
		.out_state_mask = S(SIP_DLG_S_CONFIRMED) | S(SIP_DLG_S_TERMINATING) | S(SIP_DLG_S_TERMINATED) },
	[SIP_DLG_S_CONFIRMED] = { .name = "CONFIRMED",
		.out_state_mask = S(SIP_DLG_S_TERMINATING) | S(SIP_DLG_S_TERMINATED) },
	[SIP_DLG_S_TERMINATING] = { .name = "TERMINATING", .out_state_mask = S(SIP_DLG_S_TERMINATED) },
	[SIP_DLG_S_TERMINATED] = { .name = "TERMINATED" },
};

static struct osmo_fsm sip_dlg_fsm = {
	.name = "sip_dialog",
	.states = sip_dlg_states,
	.num_states = ARRAY_SIZE(sip_dlg_states),
	.event_names = sip_dlg_event_names,
};

void sip_dialog_fsm_init(void)
{
	static bool done;
	sip_dlg_fsm.log_subsys = DSIP;
	if (!done) {
		OSMO_ASSERT(osmo_fsm_register(&sip_dlg_fsm) == 0);
		done = true;
	}
}

void sip_dialog_set_state(struct sip_dialog *dlg, enum sip_dlg_state st)
{
	if (dlg->fi->state != st)
		osmo_fsm_inst_state_chg(dlg->fi, st, 0, 0);
}

static enum sip_dlg_state dlg_state(const struct sip_dialog *dlg)
{
	return dlg->fi->state;
}

/* ---- helpers ---- */

const char *sip_tag(const osip_from_t *h)
{
	osip_generic_param_t *t = NULL;
	if (!h)
		return NULL;
	osip_from_get_tag((osip_from_t *)h, &t);
	return t && t->gvalue ? t->gvalue : NULL;
}

static const struct sip_body empty_body;
static const struct sip_headers empty_hdrs = { .max_forwards = -1 };

void sip_dialog_emit(struct sip_dialog *dlg, struct sip_event *ev)
{
	struct sip_ua *ua = dlg->ua;
	if (!ev->body)
		ev->body = &empty_body;
	if (!ev->hdrs)
		ev->hdrs = &empty_hdrs;
	if (ev->type == SIP_EV_TERMINATED) {
		if (dlg->terminated_reported)
			return;
		dlg->terminated_reported = true;
	} else if (dlg->terminated_reported) {
		return;
	}
	LOGPFSML(dlg->fi, LOGL_INFO, "event %s %s %d\n", sip_event_name(ev->type), ev->method ? ev->method : "",
		 ev->code);
	if (ua->cbs && ua->cbs->event)
		ua->cbs->event(dlg, ev, ua->priv);
}

static void route_set_free(osip_list_t *l)
{
	osip_list_special_free(l, (void (*)(void *))osip_route_free);
	osip_list_init(l);
}

/* RFC 3261 12.1.1 / 12.1.2: route set from Record-Route (reversed on the UAC side) */
static void route_set_from_rr(osip_list_t *dst, const osip_message_t *m, bool reverse)
{
	osip_record_route_t *rr;
	int pos = 0;

	route_set_free(dst);
	while ((rr = osip_list_get(&m->record_routes, pos++))) {
		osip_route_t *c;
		if (osip_record_route_clone(rr, &c) != 0)
			continue;
		osip_list_add(dst, c, reverse ? 0 : -1);
	}
}

static osip_uri_t *contact_uri(const osip_message_t *m)
{
	osip_contact_t *c = NULL;
	osip_message_get_contact(m, 0, &c);
	return c ? c->url : NULL;
}

uint32_t sip_dialog_key(const char *call_id)
{
	return osmo_jhash(call_id, call_id ? strlen(call_id) : 0, 0);
}

/* index dlg by its Call-ID, once set: a lookup per message must not walk every dialog */
static void dlg_set_call_id(struct sip_dialog *dlg, const char *call_id)
{
	dlg->call_id = osip_strdup(call_id);
	hash_add(dlg->ua->dlg_hash, &dlg->hash_entry, sip_dialog_key(dlg->call_id));
}

static struct sip_dialog *dlg_alloc(struct sip_trunk *trunk, bool is_uac)
{
	struct sip_ua *ua = trunk->ua;
	struct sip_dialog *dlg = talloc_zero(ua, struct sip_dialog);
	char id[32];

	dlg->ua = ua;
	INIT_LLIST_HEAD(&dlg->txs);
	INIT_HLIST_NODE(&dlg->hash_entry);
	dlg->trunk = trunk;
	dlg->is_uac = is_uac;
	osip_list_init(&dlg->route_set);
	INIT_LLIST_HEAD(&dlg->early);
	snprintf(id, sizeof(id), "%s-%u", is_uac ? "uac" : "uas", ++ua->id_counter);
	dlg->fi = osmo_fsm_inst_alloc(&sip_dlg_fsm, dlg, dlg, LOGL_DEBUG, id);
	llist_add_tail(&dlg->list, &ua->dialogs);
	return dlg;
}

void sip_dialog_terminate(struct sip_dialog *dlg)
{
	struct sip_event ev = { .type = SIP_EV_TERMINATED };

	if (dlg->dead)
		return;
	osmo_timer_del(&dlg->rel_timer);
	osmo_timer_del(&dlg->ok_timer);
	sip_dialog_set_state(dlg, SIP_DLG_S_TERMINATED);
	sip_dialog_emit(dlg, &ev);
	sip_dialog_mark_dead(dlg);
	sip_ua_schedule_reap(dlg->ua);
}

static void early_free(struct sip_early *e)
{
	llist_del(&e->list);
	osip_free(e->to_tag);
	if (e->target)
		osip_uri_free(e->target);
	route_set_free(&e->route_set);
	talloc_free(e);
}

void sip_dialog_mark_dead(struct sip_dialog *dlg)
{
	if (dlg->dead)
		return;
	dlg->dead = true;
	llist_add_tail(&dlg->dead_entry, &dlg->ua->dead_dialogs);
}

void sip_dialog_reap(struct sip_ua *ua)
{
	struct sip_dialog *dlg, *d2;
	struct sip_tx *tx;

	/* only the dead ones: the reap runs after every ended transaction, and a walk over all live
	 * dialogs each time was the top cost with many calls up (bench/README) */
	if (llist_empty(&ua->dead_dialogs))
		return;
	llist_for_each_entry_safe(dlg, d2, &ua->dead_dialogs, dead_entry) {
		struct sip_early *e, *e2;
		struct sip_tx *tx2;
		llist_for_each_entry_safe(tx, tx2, &dlg->txs, dlg_entry)
			sip_tx_set_dlg(tx, NULL);
		llist_del(&dlg->dead_entry);
		osmo_timer_del(&dlg->rel_timer);
		osmo_timer_del(&dlg->ok_timer);
		llist_for_each_entry_safe(e, e2, &dlg->early, list)
			early_free(e);
		route_set_free(&dlg->route_set);
		if (dlg->local)
			osip_from_free(dlg->local);
		if (dlg->remote)
			osip_to_free(dlg->remote);
		if (dlg->target)
			osip_uri_free(dlg->target);
		if (dlg->invite)
			osip_message_free(dlg->invite);
		if (dlg->rel_prov)
			osip_message_free(dlg->rel_prov);
		if (dlg->pending_2xx)
			osip_message_free(dlg->pending_2xx);
		if (dlg->last_2xx)
			osip_message_free(dlg->last_2xx);
		if (dlg->ack)
			osip_message_free(dlg->ack);
		osip_free(dlg->call_id);
		hash_del(&dlg->hash_entry);
		llist_del(&dlg->list);
		osmo_fsm_inst_free(dlg->fi);
		talloc_free(dlg);
	}
}

struct sip_dialog *sip_dialog_find(struct sip_ua *ua, const osip_message_t *msg, bool response)
{
	struct sip_dialog *dlg;
	char cidbuf[256];
	const char *cid = sip_call_id_str(msg, cidbuf, sizeof(cidbuf));
	/* our tag is in To of requests we receive and in From of responses we receive */
	const char *ltag = sip_tag(response ? msg->from : msg->to);

	if (!cid || !ltag)
		return NULL;
	sip_dialog_for_each_call_id(dlg, ua, cid) {
		const char *mytag = sip_tag(dlg->local);
		if (mytag && !strcmp(mytag, ltag))
			return dlg;
	}
	return NULL;
}

void sip_dialog_tx_terminated(struct sip_tx *tx)
{
	struct sip_dialog *dlg = tx->dlg;
	if (!dlg)
		return;
	if (dlg->inv_tr == tx->tr)
		dlg->inv_tr = NULL;
	if (dlg->reinv_tr == tx->tr)
		dlg->reinv_tr = NULL;
	if (dlg->srv_reinv_tr == tx->tr)
		dlg->srv_reinv_tr = NULL;
}

/* Send an in-dialog request over a new client transaction to the dialog's next hop. */
void sip_dialog_send_in_dialog(struct sip_dialog *dlg, osip_message_t *req, enum sip_tx_kind kind)
{
	struct sip_tx *tx = sip_tx_alloc(dlg->ua, dlg->trunk, kind);
	sip_tx_set_dlg(tx, dlg);
	tx->dst = dlg->peer;
	tx->conn = dlg->conn;
	if (sip_tx_start_client(tx, req) == 0 && (kind == SIP_TX_REINVITE))
		dlg->reinv_tr = tx->tr;
}

/* ---------------------------------------------------------------------------------------- */
/* UAC */

struct sip_dialog *sip_dialog_invite(struct sip_trunk *trunk, const char *to_user, const char *from_user,
				     const struct sip_msg_opts *opts, void *priv)
{
	struct sip_ua *ua = trunk->ua;
	struct sip_dialog *dlg;
	osip_message_t *m;
	struct sip_tx *tx;
	char buf[512], *tok, lhost[80], phost[80];
	struct osmo_sockaddr peer;
	const char *tp = trunk->cfg.transport == SIP_TRANSPORT_TCP ? ";transport=tcp" : "";

	if (sip_peer_sockaddr(trunk, &peer) < 0 || trunk->st->ofd.fd < 0)
		return NULL;
	if (!to_user || !*to_user)
		to_user = "unknown";
	if (!from_user || !*from_user)
		from_user = "gw";

	dlg = dlg_alloc(trunk, true);
	dlg->priv = priv;
	dlg->peer = peer;
	tok = sip_random_token(ua, "");
	sip_host(trunk->cfg.listen_addr, lhost, sizeof(lhost));
	sip_host(trunk->cfg.peers[0].addr, phost, sizeof(phost));
	snprintf(buf, sizeof(buf), "%s@%s", tok, lhost);
	osip_free(tok);
	dlg_set_call_id(dlg, buf);

	tok = sip_random_token(ua, "");
	snprintf(buf, sizeof(buf), "<sip:%s@%s:%u>;tag=%s", from_user, lhost, trunk->cfg.listen_port, tok);
	osip_free(tok);
	osip_from_init(&dlg->local);
	osip_from_parse(dlg->local, buf);
	snprintf(buf, sizeof(buf), "<sip:%s@%s:%u>", to_user, phost, sip_addr_port(&peer));
	osip_to_init(&dlg->remote);
	if (osip_to_parse(dlg->remote, buf) != 0)
		goto fail;
	snprintf(buf, sizeof(buf), "sip:%s@%s:%u%s", to_user, phost, sip_addr_port(&peer), tp);
	osip_uri_init(&dlg->target);
	if (osip_uri_parse(dlg->target, buf) != 0)
		goto fail;
	dlg->local_cseq = 1 + (sip_ua_random(ua) & 0xffff);
	dlg->invite_cseq = dlg->local_cseq;

	m = sip_msg_new_request(dlg, "INVITE", dlg->invite_cseq);
	if (!m)
		goto fail;
	sip_msg_add_contact(trunk, m, from_user);
	osip_message_set_allow(m, "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, PRACK, UPDATE");
	/* RFC 3262 4 */
	if (trunk->cfg.rel100 == SIP_100REL_SUPPORTED)
		osip_message_set_supported(m, "100rel");
	else if (trunk->cfg.rel100 == SIP_100REL_REQUIRED)
		osip_message_set_require(m, "100rel");
	if (opts) {
		sip_msg_set_max_forwards(m, opts->max_forwards);
		sip_msg_add_identity(trunk, m, opts);
		if (sip_msg_set_body(trunk, m, opts->sdp, opts->isup, opts->isup_len) < 0) {
			osip_message_free(m);
			goto fail;
		}
		if (opts->sdp) {
			dlg->local_sdp = *opts->sdp;
			dlg->has_local_sdp = true;
		}
	}
	sip_msg_clone(m, &dlg->invite);

	tx = sip_tx_alloc(ua, trunk, SIP_TX_INVITE);
	sip_tx_set_dlg(tx, dlg);
	tx->dst = peer;
	sip_dialog_set_state(dlg, SIP_DLG_S_CALLING);
	if (sip_tx_start_client(tx, m) < 0) {
		sip_dialog_mark_dead(dlg);
		sip_ua_schedule_reap(ua);
		return NULL;
	}
	dlg->inv_tr = tx->tr;
	dlg->conn = tx->conn;
	LOGPFSML(dlg->fi, LOGL_INFO, "INVITE %s sent, Call-ID %s\n", to_user, dlg->call_id);
	return dlg;
fail:
	sip_dialog_mark_dead(dlg);
	dlg->terminated_reported = true;
	sip_ua_schedule_reap(ua);
	return NULL;
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
	c = contact_uri(resp);
	osip_uri_clone(c ? c : dlg->target, &e->target);
	route_set_from_rr(&e->route_set, resp, true);
	llist_add_tail(&e->list, &dlg->early);
	LOGPFSML(dlg->fi, LOGL_INFO, "early dialog with To tag %s\n", tag);
	return e;
}

static void send_cancel(struct sip_dialog *dlg)
{
	osip_message_t *c, *inv = dlg->invite;
	osip_via_t *via, *v2;
	char buf[64];
	int pos = 0;
	osip_route_t *r;
	struct sip_msg_opts o = { .q850_cause = dlg->cancel_cause, .q850_location = dlg->cancel_loc };

	/* RFC 3261 9.1: same Request-URI, Call-ID, To, From, CSeq number and top Via as the INVITE */
	if (!inv || osip_message_init(&c) != 0)
		return;
	osip_message_set_method(c, osip_strdup("CANCEL"));
	osip_message_set_version(c, osip_strdup("SIP/2.0"));
	{
		osip_uri_t *u;
		osip_uri_clone(inv->req_uri, &u);
		osip_message_set_uri(c, u);
	}
	via = osip_list_get(&inv->vias, 0);
	if (via && osip_via_clone(via, &v2) == 0)
		osip_list_add(&c->vias, v2, -1);
	while ((r = osip_list_get(&inv->routes, pos++))) {
		osip_route_t *rc;
		if (osip_route_clone(r, &rc) == 0)
			osip_list_add(&c->routes, rc, -1);
	}
	osip_from_clone(inv->from, &c->from);
	osip_to_clone(inv->to, &c->to);
	osip_call_id_clone(inv->call_id, &c->call_id);
	snprintf(buf, sizeof(buf), "%s CANCEL", inv->cseq->number);
	osip_message_set_cseq(c, buf);
	osip_message_set_max_forwards(c, "70");
	sip_msg_add_reason(c, &o);
	sip_msg_add_common(dlg->ua, c);
	dlg->cancel_pending = false;
	dlg->cancelled = true;
	sip_dialog_send_in_dialog(dlg, c, SIP_TX_CANCEL);
}

int sip_dialog_cancel(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	if (!dlg->is_uac || dlg->dead)
		return -EINVAL;
	if (dlg_state(dlg) != SIP_DLG_S_CALLING && dlg_state(dlg) != SIP_DLG_S_PROCEEDING)
		return -EINVAL;
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

static osip_message_t *build_ack(struct sip_dialog *dlg, uint32_t cseq)
{
	osip_message_t *ack = sip_msg_new_request(dlg, "ACK", cseq);
	return ack;
}

static void send_ack(struct sip_dialog *dlg, uint32_t cseq)
{
	if (!dlg->ack || dlg->ack_cseq != cseq) {
		if (dlg->ack)
			osip_message_free(dlg->ack);
		dlg->ack = build_ack(dlg, cseq);
		dlg->ack_cseq = cseq;
	}
	if (dlg->ack)
		sip_send_msg(dlg->trunk, &dlg->conn, &dlg->peer, dlg->ack);
}

/* RFC 3261 13.2.2.4: a 2xx from a second fork gets ACK + BYE */
static void ack_and_bye_stray(struct sip_dialog *dlg, osip_message_t *resp)
{
	struct sip_dialog tmp = *dlg;
	osip_message_t *ack, *bye;
	osip_uri_t *c = contact_uri(resp);
	struct sip_tx *tx;

	osip_list_init(&tmp.route_set);
	route_set_from_rr(&tmp.route_set, resp, true);
	osip_to_clone(resp->to, &tmp.remote);
	tmp.target = c ? c : dlg->target;
	ack = sip_msg_new_request(&tmp, "ACK", dlg->invite_cseq);
	bye = sip_msg_new_request(&tmp, "BYE", dlg->invite_cseq + 1);
	osip_to_free(tmp.remote);
	route_set_free(&tmp.route_set);
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

void sip_dialog_rx_invite_response(struct sip_dialog *dlg, osip_message_t *resp, bool retransmission)
{
	int code = resp->status_code;
	const char *tag = sip_tag(resp->to);
	struct sip_body body;
	struct sip_headers hdrs;
	struct sip_event ev = { .method = "INVITE", .code = code, .to_tag = tag, .body = &body, .hdrs = &hdrs };
	uint32_t cseq = resp->cseq ? strtoul(resp->cseq->number, NULL, 10) : 0;

	if (dlg->dead)
		return;
	if (cseq != dlg->invite_cseq) {
		/* 2xx retransmission for a re-INVITE: repeat its ACK */
		if (code >= 200 && code < 300 && dlg->ack && dlg->ack_cseq == cseq)
			sip_send_msg(dlg->trunk, &dlg->conn, &dlg->peer, dlg->ack);
		return;
	}
	memset(&body, 0, sizeof(body));
	sip_msg_get_headers(dlg->trunk, resp, &hdrs);
	sip_msg_parse_reason(resp, &ev.q850_cause, ev.q850_location, sizeof(ev.q850_location));

	if (code < 200) {
		struct sip_early *e = NULL;
		dlg->got_provisional = true;
		if (dlg_state(dlg) == SIP_DLG_S_CALLING)
			sip_dialog_set_state(dlg, SIP_DLG_S_PROCEEDING);
		if (code > 100 && tag) {
			e = early_get(dlg, resp, tag);
			if (sip_msg_has_option_tag(resp, "Require", "100rel") && sip_msg_header(resp, "RSeq")) {
				ev.reliable = true;
				ev.rseq = strtoul(sip_msg_header(resp, "RSeq"), NULL, 10);
				if (dlg->trunk->cfg.rel100 == SIP_100REL_DISABLED) {
					/* we did not offer 100rel; RFC 3262 4 does not apply - treat as unreliable */
					ev.reliable = false;
				} else if (!sip_prack_uac_rx_reliable(dlg, e, resp)) {
					return;	/* retransmission of a reliable 1xx */
				}
			}
		}
		if (dlg->cancel_pending)
			send_cancel(dlg);
		if (code == 100)
			return;
		fill_body(dlg, resp, &body);
		ev.type = SIP_EV_PROVISIONAL;
		sip_dialog_emit(dlg, &ev);
		return;
	}

	if (code < 300) {
		const char *cur = sip_tag(dlg->remote);
		osip_uri_t *c;
		if (!tag)
			return;
		if (cur && strcmp(cur, tag)) {
			LOGPFSML(dlg->fi, LOGL_NOTICE, "2xx from another fork (tag %s): ACK + BYE\n", tag);
			ack_and_bye_stray(dlg, resp);
			return;
		}
		if (cur) {
			/* retransmitted 2xx: repeat the ACK (RFC 3261 13.2.2.4) */
			send_ack(dlg, dlg->invite_cseq);
			return;
		}
		osip_to_set_tag(dlg->remote, osip_strdup(tag));
		c = contact_uri(resp);
		if (c) {
			osip_uri_free(dlg->target);
			osip_uri_clone(c, &dlg->target);
		}
		route_set_from_rr(&dlg->route_set, resp, true);
		send_ack(dlg, dlg->invite_cseq);
		sip_dialog_set_state(dlg, SIP_DLG_S_CONFIRMED);
		fill_body(dlg, resp, &body);
		if (dlg->cancelled) {
			/* CANCEL crossed the 2xx: end the call (RFC 3261 9.1) */
			struct sip_msg_opts o = { .q850_cause = dlg->cancel_cause ? dlg->cancel_cause : 16,
						  .q850_location = dlg->cancel_loc };
			sip_dialog_bye(dlg, &o);
			return;
		}
		ev.type = SIP_EV_ANSWERED;
		sip_dialog_emit(dlg, &ev);
		return;
	}

	if (retransmission || dlg_state(dlg) == SIP_DLG_S_TERMINATED)
		return;
	ev.type = SIP_EV_FAILED;
	fill_body(dlg, resp, &body);
	sip_dialog_emit(dlg, &ev);
	sip_dialog_terminate(dlg);
}

/* ---------------------------------------------------------------------------------------- */
/* UAS */

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

/* Require tags other than 100rel are not supported (RFC 3261 8.2.2.3) */
static const char *unsupported_require(const osip_message_t *m, bool rel_ok)
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
	struct sip_dialog *d;
	const char *ftag = sip_tag(inv->from);
	uint32_t cseq = strtoul(inv->cseq->number, NULL, 10);
	char cidbuf[256];
	const char *cid = sip_call_id_str(inv, cidbuf, sizeof(cidbuf)) ?: "";

	sip_dialog_for_each_call_id(d, ua, cid) {
		osip_message_t *copy;
		if (d->is_uac || !d->invite)
			continue;
		if (!ftag || !sip_tag(d->remote) || strcmp(ftag, sip_tag(d->remote)) || cseq != d->invite_cseq)
			continue;
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
	return false;
}

void sip_dialog_rx_invite(struct sip_trunk *trunk, osip_transaction_t *tr, osip_message_t *invite)
{
	struct sip_ua *ua = trunk->ua;
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	struct sip_dialog *dlg;
	struct sip_body body;
	struct sip_headers hdrs;
	struct sip_event ev = { .type = SIP_EV_INVITE, .method = "INVITE", .body = &body, .hdrs = &hdrs };
	const char *warn = NULL, *bad;
	bool req_rel, sup_rel;
	osip_uri_t *c;
	char tag[32];
	int rc;

	if (invite_is_retransmission(ua, tr, invite))
		return;
	/* RFC 3261 17.2.1: 100 Trying at once */
	{
		osip_message_t *r = sip_msg_new_response(trunk, invite, 100, NULL);
		if (r)
			sip_tx_respond(tr, r);
	}
	req_rel = sip_msg_has_option_tag(invite, "Require", "100rel");
	sup_rel = sip_msg_has_option_tag(invite, "Supported", "100rel");
	bad = unsupported_require(invite, trunk->cfg.rel100 != SIP_100REL_DISABLED);
	if (bad) {
		/* RFC 3261 21.4.15 */
		respond_on(trunk, tr, 420, "Unsupported", bad, NULL);
		return;
	}
	if (trunk->cfg.rel100 == SIP_100REL_REQUIRED && !req_rel && !sup_rel) {
		/* RFC 3262 3 / RFC 3261 21.4.16 */
		respond_on(trunk, tr, 421, "Require", "100rel", NULL);
		return;
	}
	rc = sip_body_parse(trunk, invite, &body, &warn);
	if (rc) {
		respond_on(trunk, tr, rc, NULL, NULL, warn);
		return;
	}
	if (body.has_sdp) {
		struct sip_sdp tmp;
		if (sip_sdp_answer(&tmp, &body.sdp, &ua->local_caps) < 0) {
			/* RFC 3261 13.3.1.3 / warn-code 305 */
			respond_on(trunk, tr, 488, NULL, NULL, "Incompatible media format");
			return;
		}
	}
	c = contact_uri(invite);
	if (!c) {
		respond_on(trunk, tr, 400, NULL, NULL, "Missing Contact");
		return;
	}

	dlg = dlg_alloc(trunk, false);
	sip_tx_set_dlg(tx, dlg);
	dlg->inv_tr = tr;
	{
		char cidbuf[256];
		dlg_set_call_id(dlg, sip_call_id_str(invite, cidbuf, sizeof(cidbuf)) ?: "");
	}
	osip_to_clone(invite->to, &dlg->local);
	snprintf(tag, sizeof(tag), "%08x%04x", sip_ua_random(ua), sip_ua_random(ua) & 0xffff);
	osip_to_set_tag(dlg->local, osip_strdup(tag));
	osip_from_clone(invite->from, &dlg->remote);
	osip_uri_clone(c, &dlg->target);
	route_set_from_rr(&dlg->route_set, invite, false);
	dlg->invite_cseq = strtoul(invite->cseq->number, NULL, 10);
	dlg->remote_cseq = dlg->invite_cseq;
	dlg->local_cseq = 1 + (sip_ua_random(ua) & 0xffff);
	sip_msg_clone(invite, &dlg->invite);
	dlg->resp_dst = tx->dst;
	dlg->conn = tx->conn;
	/* in-dialog requests go to the trunk peer when one is configured, else back to the source */
	if (sip_peer_sockaddr(trunk, &dlg->peer) < 0)
		dlg->peer = tx->dst;
	if (trunk->cfg.transport == SIP_TRANSPORT_TCP)
		dlg->peer = tx->dst;
	dlg->peer_100rel = (req_rel || sup_rel) && trunk->cfg.rel100 != SIP_100REL_DISABLED;
	dlg->rseq = 1 + (sip_ua_random(ua) & 0xffff);
	if (body.has_sdp) {
		dlg->remote_sdp = body.sdp;
		dlg->has_remote_sdp = true;
	}
	sip_dialog_set_state(dlg, SIP_DLG_S_PROCEEDING);
	sip_msg_get_headers(trunk, invite, &hdrs);
	LOGPFSML(dlg->fi, LOGL_INFO, "incoming INVITE %s, Call-ID %s\n", hdrs.ruri, dlg->call_id);
	sip_dialog_emit(dlg, &ev);
}

static osip_message_t *uas_response(struct sip_dialog *dlg, int code, const struct sip_msg_opts *opts)
{
	osip_message_t *r = sip_msg_new_response(dlg->trunk, dlg->invite, code, sip_tag(dlg->local));
	if (!r)
		return NULL;
	if (code < 300)
		sip_msg_add_contact(dlg->trunk, r, "gw");
	if (opts && opts->reason_phrase && *opts->reason_phrase) {
		osip_free(r->reason_phrase);
		r->reason_phrase = osip_strdup(opts->reason_phrase);
	}
	sip_msg_add_identity(dlg->trunk, r, opts);
	sip_msg_add_reason(r, opts);
	return r;
}

int sip_dialog_provisional(struct sip_dialog *dlg, int code, bool reliable, const struct sip_msg_opts *opts)
{
	osip_message_t *r;
	bool use_rel;
	bool has_sdp = opts && opts->sdp;

	if (dlg->is_uac || dlg->dead || dlg_state(dlg) != SIP_DLG_S_PROCEEDING || !dlg->inv_tr)
		return -EINVAL;
	if (code <= 100 || code > 199)
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
	if (use_rel) {
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
		/* RFC 3261 13.3.1.4: no ACK - confirm and immediately terminate with BYE */
		struct sip_event ev = { .type = SIP_EV_TIMEOUT, .method = "ACK", .timeout = SIP_TO_ACK };
		struct sip_msg_opts o = { .q850_cause = 102, .q850_location = "LN" };
		LOGPFSML(dlg->fi, LOGL_NOTICE, "no ACK for our 2xx: BYE\n");
		osip_message_free(dlg->last_2xx);
		dlg->last_2xx = NULL;
		sip_dialog_emit(dlg, &ev);
		sip_dialog_set_state(dlg, SIP_DLG_S_CONFIRMED);
		dlg->bye_pending = false;
		sip_dialog_bye(dlg, &o);
		return;
	}
	if (dlg->trunk->cfg.transport == SIP_TRANSPORT_UDP)
		sip_send_msg(dlg->trunk, &dlg->conn, &dlg->resp_dst, dlg->last_2xx);
	dlg->ok_interval_ms *= 2;
	if (dlg->ok_interval_ms > sip_t2_ms(ua))
		dlg->ok_interval_ms = sip_t2_ms(ua);
	osmo_timer_schedule(&dlg->ok_timer, dlg->ok_interval_ms / 1000, (dlg->ok_interval_ms % 1000) * 1000);
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
	osmo_timer_schedule(&dlg->ok_timer, dlg->ok_interval_ms / 1000, (dlg->ok_interval_ms % 1000) * 1000);
	sip_ua_pump(dlg->ua);
}

int sip_dialog_answer(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	osip_message_t *r;

	if (dlg->is_uac || dlg->dead || dlg_state(dlg) != SIP_DLG_S_PROCEEDING || !dlg->inv_tr)
		return -EINVAL;
	if (dlg->pending_2xx)
		return -EBUSY;
	r = uas_response(dlg, 200, opts);
	if (!r)
		return -ENOMEM;
	osip_message_set_allow(r, "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, PRACK, UPDATE");
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
	sip_dialog_set_state(dlg, SIP_DLG_S_WAIT_ACK);
	if (dlg->rel_prov && dlg->rel_prov_sdp) {
		/* RFC 3262 3: no 2xx before the SDP-carrying reliable 18x is PRACKed */
		LOGPFSML(dlg->fi, LOGL_INFO, "200 OK held until PRACK\n");
		dlg->pending_2xx = r;
		return 0;
	}
	sip_prack_stop(dlg);
	sip_dialog_send_2xx(dlg, r);
	return 0;
}

int sip_dialog_reject(struct sip_dialog *dlg, int code, const struct sip_msg_opts *opts)
{
	osip_message_t *r;

	if (dlg->is_uac || dlg->dead || !dlg->inv_tr || code < 300 || code > 699)
		return -EINVAL;
	if (dlg_state(dlg) != SIP_DLG_S_PROCEEDING && !(dlg_state(dlg) == SIP_DLG_S_WAIT_ACK && dlg->pending_2xx))
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

void sip_dialog_rx_ack(struct sip_dialog *dlg, osip_message_t *ack)
{
	uint32_t cseq = strtoul(ack->cseq->number, NULL, 10);
	struct sip_body body;
	struct sip_event ev = { .type = SIP_EV_ACK, .method = "ACK", .body = &body };
	const char *warn;

	if (!dlg->last_2xx || cseq != dlg->last_2xx_cseq)
		return;		/* retransmitted ACK */
	osmo_timer_del(&dlg->ok_timer);
	osip_message_free(dlg->last_2xx);
	dlg->last_2xx = NULL;
	if (sip_body_parse(dlg->trunk, ack, &body, &warn) == 0 && body.has_sdp) {
		dlg->remote_sdp = body.sdp;
		dlg->has_remote_sdp = true;
	}
	if (cseq != dlg->invite_cseq)
		return;		/* ACK of a re-INVITE */
	sip_dialog_set_state(dlg, SIP_DLG_S_CONFIRMED);
	sip_dialog_emit(dlg, &ev);
	if (dlg->bye_pending) {
		struct sip_msg_opts o = { .q850_cause = dlg->bye_cause, .q850_location = dlg->bye_loc };
		dlg->bye_pending = false;
		sip_dialog_bye(dlg, &o);
	}
}

/* ---------------------------------------------------------------------------------------- */

void *sip_dialog_priv(struct sip_dialog *dlg) { return dlg->priv; }
void sip_dialog_set_priv(struct sip_dialog *dlg, void *priv) { dlg->priv = priv; }
struct sip_trunk *sip_dialog_trunk(struct sip_dialog *dlg) { return dlg->trunk; }
const char *sip_dialog_call_id(struct sip_dialog *dlg) { return dlg->call_id; }
bool sip_dialog_is_uac(struct sip_dialog *dlg) { return dlg->is_uac; }

const struct sip_sdp *sip_dialog_remote_sdp(struct sip_dialog *dlg)
{
	return dlg->has_remote_sdp ? &dlg->remote_sdp : NULL;
}

void sip_dialog_release(struct sip_dialog *dlg, int q850_cause)
{
	sip_dialog_release_status(dlg, q850_cause, 480);
}

void sip_dialog_release_status(struct sip_dialog *dlg, int q850_cause, int uas_status)
{
	struct sip_msg_opts o = { .q850_cause = q850_cause };

	if (dlg->dead)
		return;
	switch (dlg_state(dlg)) {
	case SIP_DLG_S_CALLING:
	case SIP_DLG_S_PROCEEDING:
		if (dlg->is_uac)
			sip_dialog_cancel(dlg, &o);
		else
			sip_dialog_reject(dlg, uas_status, &o);
		break;
	case SIP_DLG_S_WAIT_ACK:
	case SIP_DLG_S_CONFIRMED:
		sip_dialog_bye(dlg, &o);
		break;
	default:
		sip_dialog_terminate(dlg);
	}
}

const char *sip_event_name(enum sip_event_type t)
{
	static const char *names[] = {
		[SIP_EV_INVITE] = "INVITE", [SIP_EV_PROVISIONAL] = "PROVISIONAL", [SIP_EV_ANSWERED] = "ANSWERED",
		[SIP_EV_FAILED] = "FAILED", [SIP_EV_ACK] = "ACK", [SIP_EV_CANCEL] = "CANCEL", [SIP_EV_BYE] = "BYE",
		[SIP_EV_INFO] = "INFO", [SIP_EV_REINVITE] = "REINVITE", [SIP_EV_PRACK] = "PRACK",
		[SIP_EV_RESPONSE] = "RESPONSE", [SIP_EV_TIMEOUT] = "TIMEOUT", [SIP_EV_TERMINATED] = "TERMINATED",
	};
	return (unsigned int)t < ARRAY_SIZE(names) && names[t] ? names[t] : "?";
}

const char *sip_timeout_name(enum sip_timeout_kind k)
{
	switch (k) {
	case SIP_TO_TIMER_B: return "TimerB";
	case SIP_TO_TIMER_F: return "TimerF";
	case SIP_TO_PRACK: return "PRACK";
	case SIP_TO_ACK: return "ACK";
	default: return "none";
	}
}

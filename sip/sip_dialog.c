/* INVITE dialogs (RFC 3261 12/13): the dialog FSM definition, allocation and end, the index by
 * Call-ID, what the UAC and UAS have in common. The UAC is in sip_uac.c, the UAS in sip_uas.c,
 * requests inside a dialog in sip_dialog_req.c, RFC 3262 in sip_prack.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <osmocom/core/utils.h>

#include "sip/sip_dialog_fsm.h"

#define S(x) (1 << (x))

static const struct value_string sip_dlg_event_names[] = {
	{ SIP_DLG_EV_RX_INVITE, "RX_INVITE" },
	{ SIP_DLG_EV_RX_1XX, "RX_1XX" },
	{ SIP_DLG_EV_RX_2XX, "RX_2XX" },
	{ SIP_DLG_EV_RX_FAILURE, "RX_FAILURE" },
	{ SIP_DLG_EV_RX_ACK, "RX_ACK" },
	{ SIP_DLG_EV_RX_PRACK, "RX_PRACK" },
	{ SIP_DLG_EV_RX_BYE, "RX_BYE" },
	{ SIP_DLG_EV_RX_CANCEL, "RX_CANCEL" },
	{ SIP_DLG_EV_RX_REINVITE, "RX_REINVITE" },
	{ SIP_DLG_EV_RX_INFO, "RX_INFO" },
	{ SIP_DLG_EV_RX_RESPONSE, "RX_RESPONSE" },
	{ SIP_DLG_EV_TX_TIMEOUT, "TX_TIMEOUT" },
	{ SIP_DLG_EV_PRACK_TIMEOUT, "PRACK_TIMEOUT" },
	{ SIP_DLG_EV_ACK_TIMEOUT, "ACK_TIMEOUT" },
	{ SIP_DLG_EV_SESSION_TIMER, "SESSION_TIMER" },
	{ SIP_DLG_EV_INVITE, "INVITE" },
	{ SIP_DLG_EV_PROVISIONAL, "PROVISIONAL" },
	{ SIP_DLG_EV_ANSWER, "ANSWER" },
	{ SIP_DLG_EV_REJECT, "REJECT" },
	{ SIP_DLG_EV_CANCEL, "CANCEL" },
	{ SIP_DLG_EV_BYE, "BYE" },
	{ SIP_DLG_EV_INFO, "INFO" },
	{ SIP_DLG_EV_REOFFER, "REOFFER" },
	{ SIP_DLG_EV_RELEASE, "RELEASE" },
	{ 0, NULL }
};

/* what may arrive or be asked for in every state of a live dialog (RFC 3261 12.2.2: requests of
 * an early dialog too); each state's action passes them to sip_dialog_in_dialog_event() */
#define IN_DIALOG_EVENTS (S(SIP_DLG_EV_RX_PRACK) | S(SIP_DLG_EV_RX_BYE) | S(SIP_DLG_EV_RX_CANCEL) | \
			  S(SIP_DLG_EV_RX_REINVITE) | S(SIP_DLG_EV_RX_INFO) | S(SIP_DLG_EV_RX_RESPONSE) | \
			  S(SIP_DLG_EV_TX_TIMEOUT) | S(SIP_DLG_EV_RELEASE))
#define UAC_RX_EVENTS (S(SIP_DLG_EV_RX_1XX) | S(SIP_DLG_EV_RX_2XX) | S(SIP_DLG_EV_RX_FAILURE))
#define UAS_EARLY_EVENTS (S(SIP_DLG_EV_PROVISIONAL) | S(SIP_DLG_EV_ANSWER) | S(SIP_DLG_EV_REJECT))

static void init_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct sip_dialog *dlg = fi->priv;

	switch (event) {
	case SIP_DLG_EV_RX_INVITE:
		sip_uas_start(dlg, data);
		break;
	case SIP_DLG_EV_INVITE:
		sip_uac_start(dlg, data);
		break;
	}
}

/* Early: UAC with a 1xx carrying a To tag, UAS with an 18x sent (RFC 3261 12.1) */
static void early_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct sip_dialog *dlg = fi->priv;

	if (dlg->is_uac)
		sip_uac_early_event(dlg, event, data);
	else
		sip_uas_early_event(dlg, event, data);
}

static void terminated_onenter(struct osmo_fsm_inst *fi, uint32_t prev_state)
{
	struct sip_dialog *dlg = fi->priv;
	struct sip_event ev = { .type = SIP_EV_TERMINATED };

	osmo_timer_del(&dlg->rel_timer);
	osmo_timer_del(&dlg->ok_timer);
	sip_st_stop(dlg);
	sip_dialog_emit(dlg, &ev);
	osmo_fsm_inst_term(fi, OSMO_FSM_TERM_REGULAR, NULL);
}

static const struct osmo_fsm_state sip_dlg_states[] = {
	[SIP_DLG_S_INIT] = {
		.name = "INIT",
		.in_event_mask = S(SIP_DLG_EV_RX_INVITE) | S(SIP_DLG_EV_INVITE),
		.out_state_mask = S(SIP_DLG_S_CALLING) | S(SIP_DLG_S_RECEIVED) | S(SIP_DLG_S_TERMINATED) |
				  S(SIP_DLG_S_CONFIRMED),	/* restored at a takeover (sip_restore.c) */
		.action = init_action,
	},
	[SIP_DLG_S_CALLING] = {
		.name = "CALLING",
		.in_event_mask = UAC_RX_EVENTS | IN_DIALOG_EVENTS | S(SIP_DLG_EV_CANCEL) | S(SIP_DLG_EV_BYE),
		.out_state_mask = S(SIP_DLG_S_PROCEEDING) | S(SIP_DLG_S_EARLY) | S(SIP_DLG_S_CONFIRMED) |
				  S(SIP_DLG_S_TERMINATING) | S(SIP_DLG_S_TERMINATED),
		.action = sip_uac_calling_action,
	},
	[SIP_DLG_S_PROCEEDING] = {
		.name = "PROCEEDING",
		.in_event_mask = UAC_RX_EVENTS | IN_DIALOG_EVENTS | S(SIP_DLG_EV_CANCEL) | S(SIP_DLG_EV_BYE),
		.out_state_mask = S(SIP_DLG_S_CALLING) | S(SIP_DLG_S_EARLY) | S(SIP_DLG_S_CONFIRMED) |
				  S(SIP_DLG_S_TERMINATING) | S(SIP_DLG_S_TERMINATED),
		.action = sip_uac_proceeding_action,
	},
	[SIP_DLG_S_EARLY] = {
		.name = "EARLY",
		.in_event_mask = UAC_RX_EVENTS | UAS_EARLY_EVENTS | IN_DIALOG_EVENTS | S(SIP_DLG_EV_CANCEL) |
				 S(SIP_DLG_EV_BYE) | S(SIP_DLG_EV_PRACK_TIMEOUT),
		.out_state_mask = S(SIP_DLG_S_CALLING) | S(SIP_DLG_S_CONFIRMED) | S(SIP_DLG_S_WAIT_ACK) |
				  S(SIP_DLG_S_TERMINATING) | S(SIP_DLG_S_TERMINATED),
		.action = early_action,
	},
	[SIP_DLG_S_RECEIVED] = {
		.name = "RECEIVED",
		.in_event_mask = UAS_EARLY_EVENTS | IN_DIALOG_EVENTS,
		.out_state_mask = S(SIP_DLG_S_EARLY) | S(SIP_DLG_S_WAIT_ACK) | S(SIP_DLG_S_TERMINATED),
		.action = sip_uas_received_action,
	},
	[SIP_DLG_S_WAIT_ACK] = {
		.name = "WAIT_ACK",
		.in_event_mask = S(SIP_DLG_EV_RX_ACK) | IN_DIALOG_EVENTS | S(SIP_DLG_EV_BYE) | S(SIP_DLG_EV_INFO),
		.out_state_mask = S(SIP_DLG_S_CONFIRMED) | S(SIP_DLG_S_TERMINATING) | S(SIP_DLG_S_TERMINATED),
		.action = sip_uas_wait_ack_action,
	},
	[SIP_DLG_S_CONFIRMED] = {
		.name = "CONFIRMED",
		.in_event_mask = S(SIP_DLG_EV_RX_2XX) | S(SIP_DLG_EV_RX_ACK) | S(SIP_DLG_EV_ACK_TIMEOUT) |
				 IN_DIALOG_EVENTS | S(SIP_DLG_EV_BYE) | S(SIP_DLG_EV_INFO) | S(SIP_DLG_EV_REOFFER) |
				 S(SIP_DLG_EV_SESSION_TIMER),
		.out_state_mask = S(SIP_DLG_S_TERMINATING) | S(SIP_DLG_S_TERMINATED),
		.action = sip_dialog_confirmed_action,
	},
	[SIP_DLG_S_TERMINATING] = {
		.name = "TERMINATING",
		.in_event_mask = UAC_RX_EVENTS | S(SIP_DLG_EV_RX_ACK) | IN_DIALOG_EVENTS | S(SIP_DLG_EV_CANCEL),
		.out_state_mask = S(SIP_DLG_S_CONFIRMED) | S(SIP_DLG_S_TERMINATED),
		.action = sip_dialog_terminating_action,
	},
	[SIP_DLG_S_TERMINATED] = {
		.name = "TERMINATED",
		.onenter = terminated_onenter,
	},
};

/* State timeouts: Waiting_for_ACK gives up after 64*T1 (T SIP_TACK) */
static int sip_dlg_timer_cb(struct osmo_fsm_inst *fi)
{
	struct sip_dialog *dlg = fi->priv;

	if (fi->T == SIP_TACK)
		sip_uas_ack_timeout(dlg);
	return 0;
}

static void sip_dlg_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause);

static struct osmo_fsm sip_dlg_fsm = {
	.name = "sip_dialog",
	.states = sip_dlg_states,
	.num_states = ARRAY_SIZE(sip_dlg_states),
	.event_names = sip_dlg_event_names,
	.timer_cb = sip_dlg_timer_cb,
	.cleanup = sip_dlg_cleanup,
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

enum sip_dlg_state sip_dialog_state(const struct sip_dialog *dlg)
{
	return dlg->fi->state;
}

int sip_dialog_dispatch(struct sip_dialog *dlg, enum sip_dlg_event event, void *data)
{
	if (dlg->dead || !(sip_dlg_states[dlg->fi->state].in_event_mask & S(event)))
		return -EINVAL;
	return osmo_fsm_inst_dispatch(dlg->fi, event, data) < 0 ? -EINVAL : 0;
}

int sip_dialog_request(struct sip_dialog *dlg, enum sip_dlg_event event, struct sip_dlg_req *req)
{
	req->rc = 0;
	if (sip_dialog_dispatch(dlg, event, req) < 0)
		return -EINVAL;
	return req->rc;
}

/* ---- allocation, end ---- */

struct sip_dialog *sip_dialog_alloc(struct sip_trunk *trunk, bool is_uac)
{
	struct sip_ua *ua = trunk->ua;
	struct osmo_fsm_inst *fi;
	struct sip_dialog *dlg;
	char id[32];

	snprintf(id, sizeof(id), "%s-%u", is_uac ? "uac" : "uas", ++ua->id_counter);
	fi = osmo_fsm_inst_alloc(&sip_dlg_fsm, ua, NULL, LOGL_DEBUG, id);
	OSMO_ASSERT(fi);
	dlg = talloc_zero(fi, struct sip_dialog);
	fi->priv = dlg;
	dlg->fi = fi;
	dlg->ua = ua;
	INIT_LLIST_HEAD(&dlg->txs);
	INIT_HLIST_NODE(&dlg->hash_entry);
	dlg->trunk = trunk;
	dlg->is_uac = is_uac;
	osip_list_init(&dlg->route_set);
	INIT_LLIST_HEAD(&dlg->early);
	llist_add_tail(&dlg->list, &ua->dialogs);
	return dlg;
}

/* End the dialog: SIP_EV_TERMINATED to the layer above (once), then the FSM terminates. */
void sip_dialog_terminate(struct sip_dialog *dlg)
{
	if (dlg->dead || dlg->fi->state == SIP_DLG_S_TERMINATED)
		return;
	osmo_fsm_inst_state_chg(dlg->fi, SIP_DLG_S_TERMINATED, 0, 0);
}

static void early_free(struct sip_early *e)
{
	llist_del(&e->list);
	osip_free(e->to_tag);
	if (e->target)
		osip_uri_free(e->target);
	sip_dialog_route_set_free(&e->route_set);
	talloc_free(e);
}

#define FREE_MSG(m) do { if (m) osip_message_free(m); (m) = NULL; } while (0)

/* The FSM goes: free what libosip2 allocated and unlink; the struct itself is the FSM
 * instance's talloc child (freed with it, later if the application set a dealloc ctx). */
static void sip_dlg_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	struct sip_dialog *dlg = fi->priv;
	struct sip_early *e, *e2;
	struct sip_tx *tx, *tx2;

	dlg->dead = true;
	dlg->terminated_reported = true;
	osmo_timer_del(&dlg->rel_timer);
	osmo_timer_del(&dlg->ok_timer);
	sip_st_stop(dlg);
	llist_for_each_entry_safe(tx, tx2, &dlg->txs, dlg_entry)
		sip_tx_set_dlg(tx, NULL);
	llist_for_each_entry_safe(e, e2, &dlg->early, list)
		early_free(e);
	sip_dialog_route_set_free(&dlg->route_set);
	if (dlg->local)
		osip_from_free(dlg->local);
	if (dlg->remote)
		osip_to_free(dlg->remote);
	if (dlg->target)
		osip_uri_free(dlg->target);
	dlg->local = dlg->remote = NULL;
	dlg->target = NULL;
	FREE_MSG(dlg->invite);
	FREE_MSG(dlg->rel_prov);
	FREE_MSG(dlg->pending_2xx);
	FREE_MSG(dlg->last_2xx);
	TALLOC_FREE(dlg->ack);
	dlg->inv_tr = dlg->reinv_tr = dlg->srv_reinv_tr = NULL;
	hash_del(&dlg->hash_entry);
	llist_del(&dlg->list);
	osip_free(dlg->call_id);
	dlg->call_id = NULL;
}

void sip_dialog_free_all(struct sip_ua *ua, struct sip_trunk *trunk)
{
	struct sip_dialog *d, *d2;

	llist_for_each_entry_safe(d, d2, &ua->dialogs, list) {
		if (trunk && d->trunk != trunk)
			continue;
		d->terminated_reported = true;	/* not reported: the UA or trunk goes away */
		osmo_fsm_inst_term(d->fi, OSMO_FSM_TERM_REQUEST, NULL);
	}
}

/* ---- index by Call-ID ---- */

uint32_t sip_dialog_key(const char *call_id)
{
	return osmo_jhash(call_id, call_id ? strlen(call_id) : 0, 0);
}

/* index dlg by its Call-ID, once set: a lookup per message must not walk every dialog */
void sip_dialog_set_call_id(struct sip_dialog *dlg, const char *call_id)
{
	dlg->call_id = osip_strdup(call_id);
	hash_add(dlg->ua->dlg_hash, &dlg->hash_entry, sip_dialog_key(dlg->call_id));
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

/* The UAS dialog an INVITE (without To tag) belongs to: same Call-ID, From tag and CSeq */
struct sip_dialog *sip_dialog_find_invite(struct sip_ua *ua, const osip_message_t *inv)
{
	struct sip_dialog *d;
	const char *ftag = sip_tag(inv->from);
	uint32_t cseq = strtoul(inv->cseq->number, NULL, 10);
	char cidbuf[256];
	const char *cid = sip_call_id_str(inv, cidbuf, sizeof(cidbuf)) ?: "";

	if (!ftag)
		return NULL;
	sip_dialog_for_each_call_id(d, ua, cid) {
		if (d->is_uac || !d->has_invite || !sip_tag(d->remote))
			continue;
		if (!strcmp(ftag, sip_tag(d->remote)) && cseq == d->invite_cseq)
			return d;
	}
	return NULL;
}

/* ---- common ---- */

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
	if (dlg->terminated_reported)
		return;
	if (ev->type == SIP_EV_TERMINATED)
		dlg->terminated_reported = true;
	LOGPFSML(dlg->fi, LOGL_INFO, "event %s %s %d\n", sip_event_name(ev->type), ev->method ? ev->method : "",
		 ev->code);
	if (ua->cbs && ua->cbs->event)
		ua->cbs->event(dlg, ev, ua->priv);
}

void sip_dialog_route_set_free(osip_list_t *l)
{
	osip_list_special_free(l, (void (*)(void *))osip_route_free);
	osip_list_init(l);
}

/* RFC 3261 12.1.1 / 12.1.2: route set from Record-Route (reversed on the UAC side) */
void sip_dialog_route_set_from_rr(osip_list_t *dst, const osip_message_t *m, bool reverse)
{
	sip_dialog_route_set_free(dst);
	sip_msg_copy_routes(dst, &m->record_routes, reverse);
}

osip_uri_t *sip_dialog_contact_uri(const osip_message_t *m)
{
	osip_contact_t *c = NULL;
	osip_message_get_contact(m, 0, &c);
	return c ? c->url : NULL;
}

void sip_dialog_timer_ms(struct osmo_timer_list *t, unsigned int ms)
{
	osmo_timer_schedule(t, ms / 1000, (ms % 1000) * 1000);
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
	bool bye = MSG_IS_BYE(req);
	sip_tx_set_dlg(tx, dlg);
	tx->dst = dlg->peer;
	tx->conn = dlg->conn;
	if (sip_tx_start_client(tx, req) == 0 && (kind == SIP_TX_REINVITE))
		dlg->reinv_tr = tx->tr;
	if (!bye)	/* the local CSeq moved on; a BYE ends the dialog: no record to carry on */
		sip_dialog_changed(dlg);
}

/* ---- API: what the layer above asks for (sip.h) ---- */

int sip_dialog_provisional(struct sip_dialog *dlg, int code, bool reliable, const struct sip_msg_opts *opts)
{
	struct sip_dlg_req req = { .code = code, .reliable = reliable, .opts = opts };
	return sip_dialog_request(dlg, SIP_DLG_EV_PROVISIONAL, &req);
}

int sip_dialog_answer(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	struct sip_dlg_req req = { .opts = opts };
	return sip_dialog_request(dlg, SIP_DLG_EV_ANSWER, &req);
}

int sip_dialog_reject(struct sip_dialog *dlg, int code, const struct sip_msg_opts *opts)
{
	struct sip_dlg_req req = { .code = code, .opts = opts };
	return sip_dialog_request(dlg, SIP_DLG_EV_REJECT, &req);
}

int sip_dialog_cancel(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	struct sip_dlg_req req = { .opts = opts };
	return sip_dialog_request(dlg, SIP_DLG_EV_CANCEL, &req);
}

int sip_dialog_bye(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	struct sip_dlg_req req = { .opts = opts };
	return sip_dialog_request(dlg, SIP_DLG_EV_BYE, &req);
}

int sip_dialog_info(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	struct sip_dlg_req req = { .opts = opts };
	return sip_dialog_request(dlg, SIP_DLG_EV_INFO, &req);
}

int sip_dialog_reoffer(struct sip_dialog *dlg, const struct sip_sdp *sdp, bool use_update)
{
	struct sip_dlg_req req = { .sdp = sdp, .use_update = use_update };
	if (!sdp)
		return -EINVAL;
	return sip_dialog_request(dlg, SIP_DLG_EV_REOFFER, &req);
}

void sip_dialog_release(struct sip_dialog *dlg, int q850_cause)
{
	sip_dialog_release_status(dlg, q850_cause, 480);
}

void sip_dialog_release_status(struct sip_dialog *dlg, int q850_cause, int uas_status)
{
	struct sip_dlg_req req = { .q850_cause = q850_cause, .uas_status = uas_status };
	sip_dialog_request(dlg, SIP_DLG_EV_RELEASE, &req);
}

void sip_dialog_release_opts(struct sip_dialog *dlg, const struct sip_msg_opts *opts, int uas_status)
{
	struct sip_dlg_req req = { .opts = opts, .q850_cause = opts ? opts->q850_cause : 0, .uas_status = uas_status };
	sip_dialog_request(dlg, SIP_DLG_EV_RELEASE, &req);
}

const struct sip_msg_opts *sip_dlg_release_opts(const struct sip_dlg_req *req, struct sip_msg_opts *o)
{
	if (req->opts)
		return req->opts;
	memset(o, 0, sizeof(*o));
	o->q850_cause = req->q850_cause;
	return o;
}

void sip_dialog_keep_isup(struct sip_dialog *dlg, uint8_t **buf, size_t *buf_len, const uint8_t *isup, size_t len)
{
	talloc_free(*buf);
	*buf = isup && len ? talloc_memdup(dlg, isup, len) : NULL;
	*buf_len = *buf ? len : 0;
}

void sip_dialog_set_timeout_bye_isup(struct sip_dialog *dlg, const uint8_t *isup, size_t len)
{
	sip_dialog_keep_isup(dlg, &dlg->timeout_bye_isup, &dlg->timeout_bye_isup_len, isup, len);
}

void *sip_dialog_priv(struct sip_dialog *dlg) { return dlg->priv; }
void sip_dialog_set_priv(struct sip_dialog *dlg, void *priv) { dlg->priv = priv; }

void sip_dialog_set_bye_ok_isup(struct sip_dialog *dlg, const uint8_t *isup, size_t len)
{
	if (len > sizeof(dlg->bye_ok_isup))
		len = 0;
	if (len)
		memcpy(dlg->bye_ok_isup, isup, len);
	dlg->bye_ok_isup_len = len;
}
struct sip_trunk *sip_dialog_trunk(struct sip_dialog *dlg) { return dlg->trunk; }
const char *sip_dialog_call_id(struct sip_dialog *dlg) { return dlg->call_id; }
bool sip_dialog_is_uac(struct sip_dialog *dlg) { return dlg->is_uac; }

const struct sip_sdp *sip_dialog_remote_sdp(struct sip_dialog *dlg)
{
	return dlg->has_remote_sdp ? &dlg->remote_sdp : NULL;
}

static const struct value_string sip_event_type_names[] = {
	{ SIP_EV_INVITE, "INVITE" }, { SIP_EV_PROVISIONAL, "PROVISIONAL" }, { SIP_EV_ANSWERED, "ANSWERED" },
	{ SIP_EV_FAILED, "FAILED" }, { SIP_EV_ACK, "ACK" }, { SIP_EV_CANCEL, "CANCEL" }, { SIP_EV_BYE, "BYE" },
	{ SIP_EV_INFO, "INFO" }, { SIP_EV_REINVITE, "REINVITE" }, { SIP_EV_PRACK, "PRACK" },
	{ SIP_EV_RESPONSE, "RESPONSE" }, { SIP_EV_TIMEOUT, "TIMEOUT" }, { SIP_EV_TERMINATED, "TERMINATED" },
	{ 0, NULL }
};

static const struct value_string sip_timeout_names[] = {
	{ SIP_TO_TIMER_B, "TimerB" }, { SIP_TO_TIMER_F, "TimerF" }, { SIP_TO_PRACK, "PRACK" },
	{ SIP_TO_ACK, "ACK" }, { SIP_TO_SESSION, "Session" }, { 0, NULL }
};

const char *sip_event_name(enum sip_event_type t)
{
	const char *n = get_value_string_or_null(sip_event_type_names, t);
	return n ? n : "?";
}

const char *sip_timeout_name(enum sip_timeout_kind k)
{
	const char *n = get_value_string_or_null(sip_timeout_names, k);
	return n ? n : "none";
}

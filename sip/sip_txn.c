/* Transaction dispatch without scans (RFC 3261 17): each libosip2 transaction is driven on its own.
 *
 * libosip2's osip_*_execute() / osip_timers_*_execute() / osip_find_transaction_and_add_event()
 * walk every live transaction, and finished transactions stay for Timer D/K/J (up to 32 s over
 * UDP), so the cost of one SIP event grew with the call rate. Here the transactions are kept out
 * of libosip2's lists: incoming messages find their transaction through a hashtable (libosmocore
 * hashtable.h, osmo_jhash) on the top Via branch (then libosip2's own 17.1.3 / 17.2.3 matching
 * decides), queued events are executed per transaction with osip_transaction_execute(), and each
 * transaction has one osmo_timer for its next libosip2 timer (A/B/D, G/H/I, E/F/K, J: libosip2's own per-transaction checks decide which fires;
 * the values are the ones sip_tx_set_timers() put in). */
#include <errno.h>
#include <sys/time.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <talloc.h>
#include <osip2/osip_time.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/jhash.h>
#include <osmocom/core/talloc.h>

#include "sip/sip_internal.h"

static const char *via_branch(osip_via_t *via)
{
	osip_generic_param_t *b = NULL;
	if (!via)
		return NULL;
	osip_via_param_get_byname(via, "branch", &b);
	return b ? b->gvalue : NULL;
}

/* RFC 3261 8.1.1.7 magic cookie: only such branches identify a transaction on their own */
static bool branch_is_3261(const char *b)
{
	return b && !strncasecmp(b, "z9hG4bK", 7);
}

/* Index key of a transaction: osmo_jhash of the branch, lower-cased so that no spelling libosip2
 * might call equal lands in another bucket, and of the transaction type. */
static uint32_t tx_key(osip_fsm_type_t type, const char *branch)
{
	char lc[128];
	size_t n = 0;

	for (; branch && branch[n] && n < sizeof(lc); n++)
		lc[n] = tolower((unsigned char)branch[n]);
	return osmo_jhash(lc, n, (uint32_t)type);
}

/* Take tr out of libosip2's lists (nothing walks them any more) and index it by its branch. */
void sip_tx_register(struct sip_tx *tx)
{
	struct sip_ua *ua = tx->ua;
	osip_transaction_t *tr = tx->tr;

	osip_remove_transaction(ua->osip, tr);
	hash_add(ua->tx_hash, &tx->hash_entry, tx_key(tr->ctx_type, via_branch(tr->topvia)));
}

/* RFC 2543 peer (no magic cookie): matched on other headers, so every server transaction of
 * that kind is a candidate, as in libosip2 */
static struct sip_tx *tx_find_2543(struct llist_head *txs, osip_fsm_type_t type, osip_message_t *m)
{
	struct sip_tx *tx;
	llist_for_each_entry(tx, txs, list)
		if (tx->tr && tx->tr->ctx_type == type && hash_hashed(&tx->hash_entry) &&
		    sip_osip_request_matches(tx->tr, m))
			return tx;
	return NULL;
}

/* Which transaction an incoming message belongs to: the same list and rules as
 * osip_find_transaction_and_add_event(), only the candidates are the ones with its branch. */
static struct sip_tx *tx_find(struct sip_ua *ua, osip_message_t *m)
{
	osip_fsm_type_t type;
	const char *branch = via_branch(osip_list_get(&m->vias, 0));
	struct sip_tx *tx;

	if (!m->cseq || !m->cseq->method)
		return NULL;
	if (MSG_IS_RESPONSE(m))
		type = !strcmp(m->cseq->method, "INVITE") ? ICT : NICT;
	else
		type = (MSG_IS_INVITE(m) || MSG_IS_ACK(m)) ? IST : NIST;

	if (type == ICT || type == NICT || branch_is_3261(branch)) {
		hash_for_each_possible(ua->tx_hash, tx, hash_entry, tx_key(type, branch)) {
			osip_transaction_t *tr = tx->tr;
			if (tr->ctx_type != type)
				continue;
			if (type == ICT || type == NICT) {
				if (sip_osip_response_matches(tr, m))
					return tx;
			} else if (sip_osip_request_matches(tr, m))
				return tx;
		}
		return NULL;
	}
	return tx_find_2543(&ua->txs, type, m) ?: tx_find_2543(&ua->dead_txs, type, m);
}

/* Queue ev on tr's transaction; sip_ua_pump() executes it. */
void sip_tx_add_event(osip_transaction_t *tr, osip_event_t *ev)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);

	osip_transaction_add_event(tr, ev);
	if (!tx)
		return;
	if (llist_empty(&tx->pend_entry))
		llist_add_tail(&tx->pend_entry, &tx->ua->tx_pending);
	/* a caller that does not pump itself: run it from the main loop */
	if (!tx->ua->in_pump && !osmo_timer_pending(&tx->ua->pump_timer))
		osmo_timer_schedule(&tx->ua->pump_timer, 0, 0);
}


static void pump_timer_cb(void *data)
{
	sip_ua_pump(data);
}

void sip_ua_txn_init(struct sip_ua *ua)
{
	INIT_LLIST_HEAD(&ua->tx_pending);
	hash_init(ua->tx_hash);
	osmo_timer_setup(&ua->pump_timer, pump_timer_cb, ua);
}

int sip_tx_find_and_add_event(struct sip_ua *ua, osip_event_t *ev)
{
	struct sip_tx *tx = tx_find(ua, ev->sip);
	if (!tx)
		return -1;
	ev->transactionid = tx->tr->transactionid;
	sip_tx_add_event(tx->tr, ev);
	return 0;
}

/* A timer that had passed when the caller last checked for due ones (checked: taken before that
 * check) is one set for a state the transaction is no longer in, which libosip2 leaves behind:
 * not armed. One that passes only after that check is still armed (at once): comparing with the
 * time of arming instead lost a timer falling due between check and arming (a retransmission,
 * or the Timer D/K/J that ends the transaction, RFC 3261 17.1.1.2 / 17.1.2.2 / 17.2.2). */
static void earliest(struct timeval *best, bool *have, const struct timeval *tv, const struct timeval *checked)
{
	if (tv->tv_sec == -1 || timercmp(tv, checked, <))
		return;
	if (!*have || timercmp(tv, best, <)) {
		*best = *tv;
		*have = true;
	}
}

/* Arm tx's osmo_timer for the earliest timer start libosip2 still has set. A timer of another state
 * only causes a wake-up that finds nothing due. */
static void tx_timer_arm(struct sip_tx *tx, const struct timeval *checked)
{
	osip_transaction_t *tr = tx->tr;
	struct timeval best, now, d = { 0, 0 };
	bool have = false;

	if (!tr || tx->dead || tr->state == ICT_TERMINATED || tr->state == IST_TERMINATED ||
	    tr->state == NICT_TERMINATED || tr->state == NIST_TERMINATED) {
		osmo_timer_del(&tx->timer);
		return;
	}
	switch (tr->ctx_type) {
	case ICT:
		earliest(&best, &have, &tr->ict_context->timer_a_start, checked);
		earliest(&best, &have, &tr->ict_context->timer_b_start, checked);
		earliest(&best, &have, &tr->ict_context->timer_d_start, checked);
		break;
	case IST:
		earliest(&best, &have, &tr->ist_context->timer_g_start, checked);
		earliest(&best, &have, &tr->ist_context->timer_h_start, checked);
		earliest(&best, &have, &tr->ist_context->timer_i_start, checked);
		break;
	case NICT:
		earliest(&best, &have, &tr->nict_context->timer_e_start, checked);
		earliest(&best, &have, &tr->nict_context->timer_f_start, checked);
		earliest(&best, &have, &tr->nict_context->timer_k_start, checked);
		break;
	case NIST:
		earliest(&best, &have, &tr->nist_context->timer_j_start, checked);
		break;
	}
	if (!have) {
		osmo_timer_del(&tx->timer);
		return;
	}
	osip_gettimeofday(&now, NULL);
	if (timercmp(&best, &now, >))
		timersub(&best, &now, &d);
	/* libosip2 fires when now > start: wake up just after it */
	d.tv_usec += 1;
	if (d.tv_usec >= 1000000) {
		d.tv_sec++;
		d.tv_usec -= 1000000;
	}
	osmo_timer_schedule(&tx->timer, d.tv_sec, d.tv_usec);
}

static void tx_timer_cb(void *data)
{
	struct sip_tx *tx = data;
	if (llist_empty(&tx->pend_entry))
		llist_add_tail(&tx->pend_entry, &tx->ua->tx_pending);
	sip_ua_pump(tx->ua);
}

void sip_tx_init(struct sip_tx *tx)
{
	INIT_HLIST_NODE(&tx->hash_entry);
	INIT_LLIST_HEAD(&tx->pend_entry);
	INIT_LLIST_HEAD(&tx->dlg_entry);
	osmo_timer_setup(&tx->timer, tx_timer_cb, tx);
}

void sip_tx_set_dlg(struct sip_tx *tx, struct sip_dialog *dlg)
{
	if (tx->dlg)
		llist_del_init(&tx->dlg_entry);
	tx->dlg = dlg;
	if (dlg)
		llist_add_tail(&tx->dlg_entry, &dlg->txs);
}

/* Unlink tx from everything and free it with its transaction (not from inside an execute). */
/* The talloc destructor of a sip_tx: out of the UA's lists and index, its libosip2 transaction
 * freed. A dead one is handed to OTC_SELECT (cb_kill), so it goes at the end of the select
 * loop's round, after libosip2's callbacks have returned. */
static int sip_tx_destructor(struct sip_tx *tx)
{
	bool registered = hash_hashed(&tx->hash_entry);

	osmo_timer_del(&tx->timer);
	llist_del(&tx->list);
	if (registered)
		hash_del(&tx->hash_entry);
	if (!llist_empty(&tx->pend_entry))
		llist_del_init(&tx->pend_entry);
	sip_tx_set_dlg(tx, NULL);
	if (tx->tr) {
		osip_transaction_set_your_instance(tx->tr, NULL);
		if (registered)
			osip_transaction_free2(tx->tr);
		else
			osip_transaction_free(tx->tr);	/* never registered: still in libosip2's list */
		tx->tr = NULL;
	}
	return 0;
}

void sip_tx_free(struct sip_tx *tx)
{
	talloc_free(tx);
}

static void apply_t2(struct sip_tx *tx, int ev_type, int prev);
static int retransmit_length(const osip_transaction_t *tr);

/* Execute the queued events of the transactions that have some, then their due timers.
 * libosip2 forbids osip_transaction_execute() from within its callbacks: a nested call only
 * queues, the outer loop runs it. */
void sip_ua_pump(struct sip_ua *ua)
{
	if (ua->in_pump)
		return;
	ua->in_pump = true;
	while (!llist_empty(&ua->tx_pending)) {
		struct sip_tx *tx = llist_first_entry(&ua->tx_pending, struct sip_tx, pend_entry);
		osip_transaction_t *tr = tx->tr;
		struct timeval checked = { 0, 0 };
		osip_event_t *ev;
		int ev_type, prev;

		llist_del_init(&tx->pend_entry);
		if (!tr)
			continue;
		for (;;) {
			ev = osip_fifo_tryget(tr->transactionff);
			if (!ev) {
				osip_gettimeofday(&checked, NULL);
				ev = sip_osip_due_timer_event(tr);
			}
			if (!ev)
				break;
			ev_type = ev->type;
			prev = retransmit_length(tr);
			osip_transaction_execute(tr, ev);
			if (tx->tr == tr)
				apply_t2(tx, ev_type, prev);
		}
		tx_timer_arm(tx, &checked);
	}
	ua->in_pump = false;
}

/* ---------------------------------------------------------------------------------------- */
/* transactions */

struct sip_tx *sip_tx_alloc(struct sip_ua *ua, struct sip_trunk *trunk, enum sip_tx_kind kind)
{
	struct sip_tx *tx = talloc_zero(ua, struct sip_tx);
	talloc_set_destructor(tx, sip_tx_destructor);
	tx->ua = ua;
	tx->trunk = trunk;
	tx->kind = kind;
	sip_tx_init(tx);
	llist_add_tail(&tx->list, &ua->txs);
	return tx;
}

static void tv_in(struct timeval *tv, int ms)
{
	osip_gettimeofday(tv, NULL);
	add_gettimeofday(tv, ms);
}

/* Apply the configured T1 and Timers B, D, F, H, I, J, K to a fresh libosip2 transaction (its own
 * defaults are compile-time constants; T2 is applied by apply_t2()). Reliable transports: no
 * retransmission timers, Timers D, I, J, K zero (RFC 3261 17.1.1.2, 17.1.2.2, 17.2.1, 17.2.2). */
void sip_tx_set_timers(struct sip_ua *ua, osip_transaction_t *tr)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	bool reliable = tx && tx->trunk && tx->trunk->cfg.transport == SIP_TRANSPORT_TCP;
	int t1 = sip_t1_ms(ua);

	switch (tr->ctx_type) {
	case ICT:
		if (reliable) {
			tr->ict_context->timer_a_length = -1;
			tr->ict_context->timer_a_start.tv_sec = -1;
		} else {
			tr->ict_context->timer_a_length = t1;
			tv_in(&tr->ict_context->timer_a_start, t1);
		}
		tr->ict_context->timer_d_length = reliable ? 0 : sip_timer_ms(ua, SIP_TD);
		tr->ict_context->timer_b_length = sip_timer_ms(ua, SIP_TB);
		tv_in(&tr->ict_context->timer_b_start, tr->ict_context->timer_b_length);
		break;
	case NICT:
		if (reliable) {
			tr->nict_context->timer_e_length = -1;
			tr->nict_context->timer_e_start.tv_sec = -1;
		} else {
			tr->nict_context->timer_e_length = t1;
			tv_in(&tr->nict_context->timer_e_start, t1);
		}
		tr->nict_context->timer_k_length = reliable ? 0 : sip_timer_ms(ua, SIP_TK);
		tr->nict_context->timer_f_length = sip_timer_ms(ua, SIP_TF);
		tv_in(&tr->nict_context->timer_f_start, tr->nict_context->timer_f_length);
		break;
	case IST:
		tr->ist_context->timer_g_length = reliable ? -1 : t1;
		tr->ist_context->timer_h_length = sip_timer_ms(ua, SIP_TH);
		tr->ist_context->timer_i_length = reliable ? 0 : sip_timer_ms(ua, SIP_TI);
		break;
	case NIST:
		tr->nist_context->timer_j_length = reliable ? 0 : sip_timer_ms(ua, SIP_TJ);
		break;
	}
}

/* libosip2 doubles the retransmission intervals of Timers E and G up to its compile-time T2 (4 s):
 * after such a step, re-derive the interval from the configured T2. RFC 3261 17.1.2.2: E doubles
 * up to T2, and is T2 once Proceeding; 17.2.1: G doubles up to T2. */
static void apply_t2(struct sip_tx *tx, int ev_type, int prev)
{
	osip_transaction_t *tr = tx->tr;
	unsigned int t2 = sip_t2_ms(tx->ua);
	struct timeval *start;
	int *len, want;

	if (tr->ctx_type == NICT && (ev_type == TIMEOUT_E || ev_type == RCV_STATUS_1XX)) {
		len = &tr->nict_context->timer_e_length;
		start = &tr->nict_context->timer_e_start;
	} else if (tr->ctx_type == IST && ev_type == TIMEOUT_G) {
		len = &tr->ist_context->timer_g_length;
		start = &tr->ist_context->timer_g_start;
	} else {
		return;
	}
	if (*len <= 0 || prev <= 0)
		return;
	if (tr->ctx_type == NICT && tr->state == NICT_PROCEEDING)
		want = t2;
	else if (ev_type == RCV_STATUS_1XX)
		return;
	else
		want = (unsigned int)prev * 2 > t2 ? (int)t2 : prev * 2;
	if (want == *len)
		return;
	*len = want;
	tv_in(start, want);
}

/* the retransmission interval apply_t2() may change (E or G), -1 for other transactions */
static int retransmit_length(const osip_transaction_t *tr)
{
	if (tr->ctx_type == NICT)
		return tr->nict_context->timer_e_length;
	if (tr->ctx_type == IST)
		return tr->ist_context->timer_g_length;
	return -1;
}

/* Start a client transaction (ICT/NICT) for req, which it takes over. */
int sip_tx_start_client(struct sip_tx *tx, osip_message_t *req)
{
	osip_transaction_t *tr;
	osip_event_t *ev;
	int rc;

	rc = osip_transaction_init(&tr, MSG_IS_INVITE(req) ? ICT : NICT, tx->ua->osip, req);
	if (rc != 0) {
		osip_message_free(req);
		sip_tx_free(tx);
		return -EINVAL;
	}
	tx->tr = tr;
	osip_transaction_set_your_instance(tr, tx);
	sip_tx_register(tx);
	sip_tx_set_timers(tx->ua, tr);
	ev = osip_new_outgoing_sipmessage(req);
	ev->transactionid = tr->transactionid;
	sip_tx_add_event(tr, ev);
	sip_ua_pump(tx->ua);
	return 0;
}

/* A new server transaction (IST/NIST) for the request of ev, received from src (over conn: TCP). */
int sip_tx_start_server(struct sip_trunk *trunk, struct sip_conn *conn, const struct osmo_sockaddr *src,
			osip_event_t *ev)
{
	struct sip_ua *ua = trunk->ua;
	osip_transaction_t *tr = osip_create_transaction(ua->osip, ev);
	struct sip_tx *tx;

	if (!tr)
		return -EINVAL;
	tx = sip_tx_alloc(ua, trunk, SIP_TX_SERVER);
	tx->tr = tr;
	tx->conn = conn;
	tx->dst = *src;
	osip_transaction_set_your_instance(tr, tx);
	sip_tx_register(tx);
	sip_tx_set_timers(ua, tr);
	sip_tx_add_event(tr, ev);
	return 0;
}

/* libosip2 wants to send: use the transaction's trunk, connection and destination */
static int cb_send_message(osip_transaction_t *tr, osip_message_t *msg, char *host, int port, int sock)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	int rc;

	if (!tx || !tx->trunk)
		return -1;
	rc = sip_send_msg(tx->trunk, &tx->conn, &tx->dst, msg);
	if (tx->dlg && tx->conn && !tx->dlg->conn)
		tx->dlg->conn = tx->conn;
	return rc < 0 ? -1 : 0;
}

/* ---- callbacks from the transaction state machines ---- */

static void cb_ict_response(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	if (!tx)
		return;
	if (tx->kind == SIP_TX_INVITE && tx->dlg)
		sip_dialog_rx_invite_response(tx->dlg, msg, type == OSIP_ICT_STATUS_2XX_RECEIVED_AGAIN);
	else if (type != OSIP_ICT_STATUS_1XX_RECEIVED)
		sip_dialog_rx_response(tx, msg);
}

static void cb_nict_response(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	if (!tx || type == OSIP_NICT_STATUS_1XX_RECEIVED || type == OSIP_NICT_STATUS_2XX_RECEIVED_AGAIN ||
	    type == OSIP_NICT_STATUS_3456XX_RECEIVED_AGAIN)
		return;
	if (tx->kind == SIP_TX_OPTIONS) {
		sip_trunk_options_rx_response(tx->trunk, msg->status_code);
		return;
	}
	sip_dialog_rx_response(tx, msg);
}

static void cb_timeout(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	if (!tx)
		return;
	LOGP(DSIP, LOGL_NOTICE, "transaction %d timed out (%s)\n", tr->transactionid,
	     type == OSIP_ICT_STATUS_TIMEOUT ? "Timer B" : "Timer F");
	if (tx->kind == SIP_TX_OPTIONS) {
		sip_trunk_options_rx_response(tx->trunk, 0);
		return;
	}
	sip_dialog_tx_timeout(tx);
}

static void cb_kill(int type, osip_transaction_t *tr)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	if (!tx) {
		/* not ours (should not happen): still free it later */
		tx = sip_tx_alloc(osip_get_application_context(tr->config), NULL, SIP_TX_SERVER);
		tx->tr = tr;
		osip_transaction_set_your_instance(tr, tx);
	}
	tx->dead = true;
	llist_move(&tx->list, &tx->ua->dead_txs);	/* still matched (RFC 2543) until freed */
	sip_dialog_tx_terminated(tx);
	talloc_steal(OTC_SELECT, tx);	/* freed after this round of the select loop */
}

static void cb_transport_error(int type, osip_transaction_t *tr, int error)
{
	LOGP(DSIP, LOGL_NOTICE, "transaction %d: transport error %d\n", tr->transactionid, error);
}

/* ---------------------------------------------------------------------------------------- */
/* pump and timers */

void sip_txn_set_callbacks(osip_t *osip)
{
	static const int ict_types[] = {
		OSIP_ICT_STATUS_1XX_RECEIVED, OSIP_ICT_STATUS_2XX_RECEIVED, OSIP_ICT_STATUS_2XX_RECEIVED_AGAIN,
		OSIP_ICT_STATUS_3XX_RECEIVED, OSIP_ICT_STATUS_4XX_RECEIVED, OSIP_ICT_STATUS_5XX_RECEIVED,
		OSIP_ICT_STATUS_6XX_RECEIVED,
	};
	static const int nict_types[] = {
		OSIP_NICT_STATUS_1XX_RECEIVED, OSIP_NICT_STATUS_2XX_RECEIVED, OSIP_NICT_STATUS_2XX_RECEIVED_AGAIN,
		OSIP_NICT_STATUS_3XX_RECEIVED, OSIP_NICT_STATUS_4XX_RECEIVED, OSIP_NICT_STATUS_5XX_RECEIVED,
		OSIP_NICT_STATUS_6XX_RECEIVED, OSIP_NICT_STATUS_3456XX_RECEIVED_AGAIN,
	};
	static const int req_types[] = {
		OSIP_IST_INVITE_RECEIVED, OSIP_NIST_REGISTER_RECEIVED, OSIP_NIST_BYE_RECEIVED,
		OSIP_NIST_OPTIONS_RECEIVED, OSIP_NIST_INFO_RECEIVED, OSIP_NIST_CANCEL_RECEIVED,
		OSIP_NIST_NOTIFY_RECEIVED, OSIP_NIST_SUBSCRIBE_RECEIVED, OSIP_NIST_UNKNOWN_REQUEST_RECEIVED,
	};

	osip_set_cb_send_message(osip, cb_send_message);
	for (unsigned int i = 0; i < ARRAY_SIZE(ict_types); i++)
		osip_set_message_callback(osip, ict_types[i], cb_ict_response);
	for (unsigned int i = 0; i < ARRAY_SIZE(nict_types); i++)
		osip_set_message_callback(osip, nict_types[i], cb_nict_response);
	for (unsigned int i = 0; i < ARRAY_SIZE(req_types); i++)
		osip_set_message_callback(osip, req_types[i], sip_intake_request);
	osip_set_message_callback(osip, OSIP_ICT_STATUS_TIMEOUT, cb_timeout);
	osip_set_message_callback(osip, OSIP_NICT_STATUS_TIMEOUT, cb_timeout);
	for (int i = 0; i < OSIP_KILL_CALLBACK_COUNT; i++)
		osip_set_kill_transaction_callback(osip, i, cb_kill);
	for (int i = 0; i < OSIP_TRANSPORT_ERROR_CALLBACK_COUNT; i++)
		osip_set_transport_error_callback(osip, i, cb_transport_error);
}

/* Transaction dispatch without scans (RFC 3261 17): each libosip2 transaction is driven on its own.
 *
 * libosip2's osip_*_execute() / osip_timers_*_execute() / osip_find_transaction_and_add_event()
 * walk every live transaction, and finished transactions stay for Timer D/K/J (up to 32 s over
 * UDP), so the cost of one SIP event grew with the call rate. Here the transactions are kept out
 * of libosip2's lists: incoming messages find their transaction through a hash on the top Via
 * branch (then libosip2's own 17.1.3 / 17.2.3 matching decides), queued events are executed per
 * transaction with osip_transaction_execute(), and each transaction has one osmo_timer for its next
 * libosip2 timer (A/B/D, G/H/I, E/F/K, J: libosip2's own per-transaction checks decide which fires;
 * the values are the ones sip_tx_set_timers() put in). */
#include <sys/time.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <talloc.h>
#include <osip2/osip_time.h>
#include <osmocom/core/utils.h>

#include "sip/sip_internal.h"

/* exported by libosip2 5.3 (declared in its private fsm.h/xixt.h): the per-transaction timer checks
 * and matching rules that its list-walking functions apply to each transaction */
osip_event_t *__osip_ict_need_timer_a_event(osip_ict_t *ict, state_t state, int transactionid);
osip_event_t *__osip_ict_need_timer_b_event(osip_ict_t *ict, state_t state, int transactionid);
osip_event_t *__osip_ict_need_timer_d_event(osip_ict_t *ict, state_t state, int transactionid);
osip_event_t *__osip_ist_need_timer_g_event(osip_ist_t *ist, state_t state, int transactionid);
osip_event_t *__osip_ist_need_timer_h_event(osip_ist_t *ist, state_t state, int transactionid);
osip_event_t *__osip_ist_need_timer_i_event(osip_ist_t *ist, state_t state, int transactionid);
osip_event_t *__osip_nict_need_timer_e_event(osip_nict_t *nict, state_t state, int transactionid);
osip_event_t *__osip_nict_need_timer_f_event(osip_nict_t *nict, state_t state, int transactionid);
osip_event_t *__osip_nict_need_timer_k_event(osip_nict_t *nict, state_t state, int transactionid);
osip_event_t *__osip_nist_need_timer_j_event(osip_nist_t *nist, state_t state, int transactionid);
int __osip_transaction_matching_response_osip_to_xict_17_1_3(osip_transaction_t *tr, osip_message_t *resp);
int __osip_transaction_matching_request_osip_to_xist_17_2_3(osip_transaction_t *tr, osip_message_t *req);

static const char *top_branch(const osip_message_t *m)
{
	osip_via_t *via = osip_list_get(&m->vias, 0);
	osip_generic_param_t *b = NULL;
	if (!via)
		return NULL;
	osip_via_param_get_byname(via, "branch", &b);
	return b ? b->gvalue : NULL;
}

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

/* case-insensitive so that no spelling libosip2 might call equal lands in another bucket */
static unsigned int hash_key(osip_fsm_type_t type, const char *branch)
{
	uint32_t h = 2166136261u ^ (uint32_t)type;
	for (; branch && *branch; branch++)
		h = (h ^ (uint8_t)tolower((unsigned char)*branch)) * 16777619u;
	return h % SIP_TX_HASH_SIZE;
}

/* Take tr out of libosip2's lists (nothing walks them any more) and index it by its branch. */
void sip_tx_register(struct sip_tx *tx)
{
	struct sip_ua *ua = tx->ua;
	osip_transaction_t *tr = tx->tr;

	osip_remove_transaction(ua->osip, tr);
	llist_add(&tx->hash_entry, &ua->tx_hash[hash_key(tr->ctx_type, via_branch(tr->topvia))]);
}

/* Which transaction an incoming message belongs to: the same list and rules as
 * osip_find_transaction_and_add_event(), only the candidates are the ones with its branch. */
static struct sip_tx *tx_find(struct sip_ua *ua, osip_message_t *m)
{
	osip_fsm_type_t type;
	const char *branch = top_branch(m);
	struct sip_tx *tx;

	if (!m->cseq || !m->cseq->method)
		return NULL;
	if (MSG_IS_RESPONSE(m))
		type = !strcmp(m->cseq->method, "INVITE") ? ICT : NICT;
	else
		type = (MSG_IS_INVITE(m) || MSG_IS_ACK(m)) ? IST : NIST;

	if (type == ICT || type == NICT || branch_is_3261(branch)) {
		llist_for_each_entry(tx, &ua->tx_hash[hash_key(type, branch)], hash_entry) {
			osip_transaction_t *tr = tx->tr;
			if (tr->ctx_type != type)
				continue;
			if (type == ICT || type == NICT) {
				if (!__osip_transaction_matching_response_osip_to_xict_17_1_3(tr, m))
					return tx;
			} else if (!__osip_transaction_matching_request_osip_to_xist_17_2_3(tr, m))
				return tx;
		}
		return NULL;
	}
	/* RFC 2543 peer (no magic cookie): matched on other headers, so every server transaction of
	 * that kind is a candidate, as in libosip2 */
	llist_for_each_entry(tx, &ua->txs, list)
		if (tx->tr && tx->tr->ctx_type == type && !llist_empty(&tx->hash_entry) &&
		    !__osip_transaction_matching_request_osip_to_xist_17_2_3(tx->tr, m))
			return tx;
	llist_for_each_entry(tx, &ua->dead_txs, list)
		if (tx->tr && tx->tr->ctx_type == type && !llist_empty(&tx->hash_entry) &&
		    !__osip_transaction_matching_request_osip_to_xist_17_2_3(tx->tr, m))
			return tx;
	return NULL;
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
	ua->tx_hash = talloc_array(ua, struct llist_head, SIP_TX_HASH_SIZE);
	for (unsigned int i = 0; i < SIP_TX_HASH_SIZE; i++)
		INIT_LLIST_HEAD(&ua->tx_hash[i]);
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

/* the next due libosip2 timer event of tr, checked in libosip2's own order */
static osip_event_t *due_timer_event(osip_transaction_t *tr)
{
	osip_event_t *ev = NULL;
	int id = tr->transactionid;

	switch (tr->ctx_type) {
	case ICT:
		if (!(ev = __osip_ict_need_timer_d_event(tr->ict_context, tr->state, id)) &&
		    !(ev = __osip_ict_need_timer_a_event(tr->ict_context, tr->state, id)))
			ev = __osip_ict_need_timer_b_event(tr->ict_context, tr->state, id);
		break;
	case IST:
		if (!(ev = __osip_ist_need_timer_i_event(tr->ist_context, tr->state, id)) &&
		    !(ev = __osip_ist_need_timer_h_event(tr->ist_context, tr->state, id)))
			ev = __osip_ist_need_timer_g_event(tr->ist_context, tr->state, id);
		break;
	case NICT:
		if (!(ev = __osip_nict_need_timer_k_event(tr->nict_context, tr->state, id)) &&
		    !(ev = __osip_nict_need_timer_f_event(tr->nict_context, tr->state, id)))
			ev = __osip_nict_need_timer_e_event(tr->nict_context, tr->state, id);
		break;
	case NIST:
		ev = __osip_nist_need_timer_j_event(tr->nist_context, tr->state, id);
		break;
	}
	return ev;
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
	INIT_LLIST_HEAD(&tx->hash_entry);
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
void sip_tx_free(struct sip_tx *tx)
{
	bool registered = !llist_empty(&tx->hash_entry);

	osmo_timer_del(&tx->timer);
	llist_del(&tx->list);
	if (registered)
		llist_del_init(&tx->hash_entry);
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
	talloc_free(tx);
}

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

		llist_del_init(&tx->pend_entry);
		if (!tr)
			continue;
		for (;;) {
			ev = osip_fifo_tryget(tr->transactionff);
			if (!ev) {
				osip_gettimeofday(&checked, NULL);
				ev = due_timer_event(tr);
			}
			if (!ev)
				break;
			osip_transaction_execute(tr, ev);
		}
		tx_timer_arm(tx, &checked);
	}
	ua->in_pump = false;
}

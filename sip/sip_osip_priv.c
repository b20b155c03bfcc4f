/* The only file that uses libosip2's private symbols (__osip_*, declared in its private fsm.h and
 * xixt.h, exported by libosip2 5.x). configure checks that they link (see configure.ac); everything
 * else in sip/ uses the wrappers below.
 *
 * They are the per-transaction timer checks and the matching rules that libosip2's list-walking
 * functions (osip_*_execute, osip_timers_*_execute, osip_find_transaction_and_add_event) apply to
 * each transaction: sip_txn.c drives each transaction on its own instead (no scans). */
#include "sip/sip_internal.h"

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

/* The next due libosip2 timer event of tr, checked in libosip2's own order (NULL: none due). */
osip_event_t *sip_osip_due_timer_event(osip_transaction_t *tr)
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

/* RFC 3261 17.1.3: whether resp belongs to the client transaction tr */
bool sip_osip_response_matches(osip_transaction_t *tr, osip_message_t *resp)
{
	return __osip_transaction_matching_response_osip_to_xict_17_1_3(tr, resp) == 0;
}

/* RFC 3261 17.2.3 (and the RFC 2543 rules for requests without the magic cookie) */
bool sip_osip_request_matches(osip_transaction_t *tr, osip_message_t *req)
{
	return __osip_transaction_matching_request_osip_to_xist_17_2_3(tr, req) == 0;
}

/* isup-peer: T1 and T5 of the REL the automatic IAM answering sent (auto iam ... t1=MS t5=MS).
 * Q.764 2.3.1 d) and 2.9.6: an exchange that gets no RLC for its REL within T1 sends the REL
 * again, every T1, until the RLC comes; T5 after the first REL it stops, resets the circuit
 * (RSC) and alerts maintenance. A REL lost on the way (an STP's full queue) is recovered so, as
 * by a real exchange; without t1= the REL is sent once. One timer per CIC, found by CIC. */
#include <string.h>
#include <time.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "isup/peer/peer.h"
#include "isup/peer/peer_int.h"

struct peer_rel_t1 {
	struct osmo_timer_list timer;
	struct peer *peer;
	uint32_t dpc;
	struct isup_msg rel;		/* repeated as sent */
	struct timespec t5_end;		/* zero: no T5 */
	unsigned int repeats;
};

static void ms_timer(struct osmo_timer_list *t, int ms)
{
	osmo_timer_schedule(t, ms / 1000, (ms % 1000) * 1000);
}

static void t1_free(struct peer *peer, uint16_t cic)
{
	struct peer_rel_t1 *r = peer->rel_t1[cic];

	osmo_timer_del(&r->timer);
	talloc_free(r);
	peer->rel_t1[cic] = NULL;
}

static bool t5_over(const struct peer_rel_t1 *r)
{
	struct timespec now;

	if (!r->t5_end.tv_sec)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > r->t5_end.tv_sec || (now.tv_sec == r->t5_end.tv_sec && now.tv_nsec >= r->t5_end.tv_nsec);
}

static void t1_expired(void *data)
{
	struct peer_rel_t1 *r = data;
	struct peer *peer = r->peer;
	uint16_t cic = r->rel.cic;
	struct isup_msg rsc;

	if (t5_over(r)) {
		/* Q.764 2.10.3.1 (T5): RSC instead of REL; its RLC is consumed as the REL's would be */
		fprintf(peer->out, "%s T5 expired: RSC cic=%u after %u REL repetitions\n", tstamp(peer), cic, r->repeats);
		isup_msg_init(&rsc, peer->variant, ISUP_RSC, cic);
		peer_send(peer, r->dpc, &rsc);
		t1_free(peer, cic);
		return;
	}
	r->repeats++;
	fprintf(peer->out, "%s T1 expired: REL cic=%u repeated\n", tstamp(peer), cic);
	peer_send(peer, r->dpc, &r->rel);
	ms_timer(&r->timer, peer->iam.t1_ms);
}

void peer_rel_t1_start(struct peer *peer, uint32_t dpc, const struct isup_msg *rel)
{
	struct peer_rel_t1 *r;

	if (peer->iam.t1_ms <= 0 || rel->cic >= PEER_MAX_CIC)
		return;
	if (!peer->rel_t1 && !(peer->rel_t1 = talloc_zero_array(peer, struct peer_rel_t1 *, PEER_MAX_CIC)))
		return;
	if (peer->rel_t1[rel->cic])
		t1_free(peer, rel->cic);
	if (!(r = talloc_zero(peer, struct peer_rel_t1)))
		return;
	r->peer = peer;
	r->dpc = dpc;
	r->rel = *rel;
	if (peer->iam.t5_ms > 0) {
		clock_gettime(CLOCK_MONOTONIC, &r->t5_end);
		r->t5_end.tv_sec += peer->iam.t5_ms / 1000;
		r->t5_end.tv_nsec += (peer->iam.t5_ms % 1000) * 1000000L;
		if (r->t5_end.tv_nsec >= 1000000000L) {
			r->t5_end.tv_sec++;
			r->t5_end.tv_nsec -= 1000000000L;
		}
	}
	osmo_timer_setup(&r->timer, t1_expired, r);
	ms_timer(&r->timer, peer->iam.t1_ms);
	peer->rel_t1[rel->cic] = r;
}

void peer_rel_t1_stop(struct peer *peer, uint16_t cic)
{
	if (peer->rel_t1 && cic < PEER_MAX_CIC && peer->rel_t1[cic])
		t1_free(peer, cic);
}

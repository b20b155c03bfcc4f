/* isup-peer: T1 and T5 of the REL the automatic IAM answering sent (auto iam ... t1=MS t5=MS).
 * Q.764 2.3.1 d) and 2.9.6: an exchange that gets no RLC for its REL within T1 sends the REL
 * again, every T1, until the RLC comes; T5 after the first REL it stops, resets the circuit
 * (RSC) and alerts maintenance. A REL lost on the way (an STP's full queue) is recovered so, as
 * by a real exchange; without t1= the REL is sent once. One timer per CIC, found by CIC. */
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "isup/peer/peer.h"
#include "isup/peer/peer_int.h"

struct peer_rel_t1 {
	struct osmo_timer_list timer;
	struct peer *peer;
	uint32_t dpc;
	struct osmo_timer_list t5;	/* not scheduled: no T5 */
	struct isup_msg rel;		/* repeated as sent */
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
	osmo_timer_del(&r->t5);
	talloc_free(r);
	peer->rel_t1[cic] = NULL;
}

static void t1_expired(void *data)
{
	struct peer_rel_t1 *r = data;
	struct peer *peer = r->peer;

	r->repeats++;
	fprintf(peer->out, "%s T1 expired: REL cic=%u repeated\n", tstamp(peer), r->rel.cic);
	peer_send(peer, r->dpc, &r->rel);
	ms_timer(&r->timer, peer->iam.t1_ms);
}

/* Q.764 2.10.3.1 (T5): RSC instead of more RELs; its RLC is consumed as the REL's would be */
static void t5_expired(void *data)
{
	struct peer_rel_t1 *r = data;
	struct peer *peer = r->peer;
	uint16_t cic = r->rel.cic;
	struct isup_msg rsc;

	fprintf(peer->out, "%s T5 expired: RSC cic=%u after %u REL repetitions\n", tstamp(peer), cic, r->repeats);
	isup_msg_init(&rsc, peer->variant, ISUP_RSC, cic);
	peer_send(peer, r->dpc, &rsc);
	t1_free(peer, cic);
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
	osmo_timer_setup(&r->timer, t1_expired, r);
	osmo_timer_setup(&r->t5, t5_expired, r);
	ms_timer(&r->timer, peer->iam.t1_ms);
	if (peer->iam.t5_ms > 0)
		ms_timer(&r->t5, peer->iam.t5_ms);
	peer->rel_t1[rel->cic] = r;
}

void peer_rel_t1_stop(struct peer *peer, uint16_t cic)
{
	if (peer->rel_t1 && cic < PEER_MAX_CIC && peer->rel_t1[cic])
		t1_free(peer, cic);
}

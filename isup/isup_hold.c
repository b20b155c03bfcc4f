/* The takeover hold (isup_takeover.h): while the node taking over a pair's point code restores
 * the dead node's calls, resume resets are held and received messages are kept in order. */
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>

#include "isup/isup_log.h"
#include "isup/isup_node.h"
#include "isup/isup_takeover.h"
#include "isup/cgroup.h"

/* bound of the kept messages: far above what an STP queues during T(r) for one point code */
#define HOLD_MAX_MSGS 4096

/* a received message as MTP gave it: decoded again when handled */
struct isup_held_rx {
	struct llist_head list;
	uint32_t opc, dpc;
	uint8_t sls, ni;
	size_t len;
	uint8_t raw[];
};

void isup_node_takeover_hold(struct isup_node *node)
{
	if (!node->takeover_hold)
		LOGP(DISUP, LOGL_NOTICE, "takeover hold: resume resets held, received messages kept\n");
	node->takeover_hold = true;
}

bool isup_node_takeover_held(const struct isup_node *node)
{
	return node->takeover_hold;
}

bool isup_node_hold_rx(struct isup_node *node, const struct isup_mtp_rx *rx)
{
	struct isup_held_rx *h;
	if (!node->takeover_hold)
		return false;
	if (node->num_held >= HOLD_MAX_MSGS) {
		node->held_overflow++;	/* handled now: better out of order than lost */
		return false;
	}
	h = talloc_size(node, sizeof(*h) + rx->raw_len);
	if (!h)
		return false;
	h->opc = rx->opc;
	h->dpc = rx->dpc;
	h->sls = rx->sls;
	h->ni = rx->ni;
	h->len = rx->raw_len;
	memcpy(h->raw, rx->raw, rx->raw_len);
	llist_add_tail(&h->list, &node->held_rx);
	node->num_held++;
	node->held_total++;
	return true;
}

static void held_handle(struct isup_node *node, struct isup_held_rx *h)
{
	struct isup_msg *im = talloc_zero(node, struct isup_msg);
	struct isup_mtp_rx rx = {
		.opc = h->opc, .dpc = h->dpc, .sls = h->sls, .ni = h->ni,
		.raw = h->raw, .raw_len = h->len, .msg = im,
	};
	rx.decode_rc = isup_decode(im, node->cfg.variant, h->raw, h->len, &rx.derr);
	isup_node_rx(node, &rx);
	talloc_free(im);
}

/* the groups after the hold: GRS (restore failed), or no GRS on a RESUME still to come */
static void hold_groups(struct isup_node *node, bool reset_groups)
{
	struct isup_cgroup *cg;
	llist_for_each_entry(cg, &node->cgroups, list) {
		if (!cg->started)
			continue;
		if (!reset_groups) {
			cg->resume_no_grs = cg->paused;
			continue;
		}
		if (cg->paused)
			continue;	/* its RESUME sends the GRS */
		LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: takeover without restore, circuits reset with GRS\n",
		     cg->name);
		cgroup_send_grs_all(cg);
	}
}

unsigned int isup_node_takeover_release(struct isup_node *node, bool reset_groups)
{
	unsigned int n = 0;
	if (!node->takeover_hold)
		return 0;
	/* a RESUME not yet seen by the route poll is seen now, under the hold */
	if (node->mtp)
		isup_mtp_routes_poll(node->mtp);
	node->takeover_hold = false;
	hold_groups(node, reset_groups);
	while (!llist_empty(&node->held_rx)) {
		struct isup_held_rx *h = llist_first_entry(&node->held_rx, struct isup_held_rx, list);
		llist_del(&h->list);
		node->num_held--;
		held_handle(node, h);
		talloc_free(h);
		n++;
	}
	LOGP(DISUP, LOGL_NOTICE, "takeover hold released (%s), %u kept messages handled\n",
	     reset_groups ? "groups reset" : "states restored, no GRS", n);
	return n;
}

uint64_t isup_node_takeover_kept(const struct isup_node *node)
{
	return node->held_total;
}

uint64_t isup_node_takeover_overflow(const struct isup_node *node)
{
	return node->held_overflow;
}

/* Automatic congestion control from the fill of the M3UA transmit queues (Q.764 2.11). */
#include <limits.h>
#include <string.h>
#include <sys/socket.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/osmo_io.h>
#include <osmocom/core/select.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stat_item.h>
#include <osmocom/core/stats.h>

#include "isup/isup_log.h"
#include "isup/isup_mtp.h"
#include "isup/isup_cong.h"

enum { CONG_STAT_TXQ_FILL, CONG_STAT_TXQ_MAX, CONG_STAT_CONGESTED, CONG_STAT_QUEUES, CONG_STAT_OWED };

static const struct osmo_stat_item_desc cong_stat_desc[] = {
	[CONG_STAT_TXQ_FILL] = { "tx_queue:fill", "M3UA transmit queue fill (largest of the ASPs)", "msgs", 16, 0 },
	[CONG_STAT_TXQ_MAX] = { "tx_queue:max", "M3UA transmit queue maximum", "msgs", 16, 0 },
	[CONG_STAT_CONGESTED] = { "congested", "Automatic congestion control active (1) or not (0)", "", 16, 0 },
	[CONG_STAT_QUEUES] = { "tx_queue:asps", "M3UA transmit queues watched (connected client-role ASPs)", "", 16, 0 },
	[CONG_STAT_OWED] = { "setup:owed", "Messages owed by incoming calls in setup (ACM, ANM): with the fill below the release-defer level", "msgs", 16, 0 },
};

static const struct osmo_stat_item_group_desc cong_statg_desc = {
	.group_name_prefix = "isup:m3ua",
	.group_description = "ISUP MTP transmit queue (automatic congestion control)",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_items = ARRAY_SIZE(cong_stat_desc),
	.item_desc = cong_stat_desc,
};

struct txq_walk {
	unsigned int fill;	/* largest queue length found */
	unsigned int set_max;	/* nonzero: set this maximum on every queue found */
	int sndbuf;		/* nonzero: set this SO_SNDBUF on every socket found */
	unsigned int n;
	int fd;			/* the first ASP's socket */
	struct osmo_io_fd *busy[ISUP_CONG_FLUSH_ASPS];	/* queues holding messages (flush walk only) */
	unsigned int n_busy;
};

/* talloc_report_depth_cb() visitor: the osmo_io_fd of each client-role ASP (depth 3) */
static void txq_visit(const void *ptr, int depth, int max_depth, int is_ref, void *priv)
{
	struct txq_walk *w = priv;
	struct osmo_io_fd *iofd = (struct osmo_io_fd *)ptr;
	unsigned int len;

	if (is_ref || depth != 3 || strcmp(talloc_get_name(ptr), "struct osmo_io_fd"))
		return;
	w->n++;
	if (w->set_max)
		osmo_iofd_set_txqueue_max_length(iofd, w->set_max);
	if (w->sndbuf && osmo_iofd_get_fd(iofd) >= 0)
		setsockopt(osmo_iofd_get_fd(iofd), SOL_SOCKET, SO_SNDBUF, &w->sndbuf, sizeof(w->sndbuf));
	if (w->fd < 0)
		w->fd = osmo_iofd_get_fd(iofd);
	len = osmo_iofd_txqueue_len(iofd);
	if (len > w->fill)
		w->fill = len;
	if (len && w->n_busy < ARRAY_SIZE(w->busy))
		w->busy[w->n_busy++] = iofd;
}

static unsigned int txq_sample(struct isup_mtp *mtp, bool apply)
{
	struct isup_cong *c = &mtp->cong;
	unsigned int max = c->cfg.txq_max ? c->cfg.txq_max : ISUP_CONG_TXQ_DEFAULT_MAX;
	struct txq_walk w = { .set_max = apply ? max * ISUP_CONG_TXQ_HEADROOM : 0,
			      .sndbuf = apply ? c->cfg.sndbuf : 0, .fd = -1 };

	talloc_report_depth_cb(mtp->ss7, 0, 3, txq_visit, &w);
	c->fill = w.fill;
	c->queues = w.n;
	c->asp_fd = w.fd;
	c->max = max;
	c->sent = 0;
	return w.fill;
}

/* the end of the select round (OTC_SELECT freed): the next query walks again */
static int round_end(struct isup_cong **marker)
{
	(*marker)->round = NULL;
	return 0;
}

static void round_forget(struct isup_cong *c)
{
	if (!c->round)
		return;
	talloc_set_destructor((struct isup_cong **)c->round, NULL);
	talloc_free(c->round);
	c->round = NULL;
}

/* the fill of the queue, an upper bound from this round's sample and the messages queued since;
 * exact (a fresh walk) when the bound reaches 'limit' */
static unsigned int txq_fill(struct isup_mtp *mtp, unsigned int limit)
{
	struct isup_cong *c = &mtp->cong;
	struct isup_cong **marker;

	if (c->round && c->fill + c->sent < limit)
		return c->fill + c->sent;
	if (c->round && !c->sent)
		return c->fill;		/* exact already */
	txq_sample(mtp, false);
	if (!c->round && (marker = talloc(OTC_SELECT, struct isup_cong *))) {
		*marker = c;
		talloc_set_destructor(marker, round_end);
		c->round = marker;
	}
	return c->fill;
}

/* the fill (messages) from which a percentage of the queue maximum is reached */
static unsigned int pct_fill(const struct isup_cong *c, unsigned int pct)
{
	return (c->max * pct + 99) / 100;
}

static unsigned int owed(const struct isup_cong *c)
{
	return c->owed ? *c->owed : 0;
}

/* Q.764 2.11: congested from the onset fill on, or when the messages the calls in setup still owe
 * would take the queue to the release-defer fill (the room kept for calls in progress); not
 * congested again until the fill with them is down to the abatement */
static void cong_update(struct isup_mtp *mtp, unsigned int fill)
{
	struct isup_cong *c = &mtp->cong;
	unsigned int o = owed(c), reserve = pct_fill(c, c->cfg.rel_defer_pct);

	if (!c->congested && (fill >= pct_fill(c, c->cfg.onset_pct) || fill + o >= reserve)) {
		c->congested = true;
		c->onsets++;
		rate_ctr_inc(rate_ctr_group_get_ctr(mtp->ctrs, ISUP_MTP_CTR_CONG_ONSET));
		LOGP(DM3UA, LOGL_NOTICE, "congestion onset: M3UA transmit queue %u/%u, %u more owed by calls in setup "
		     "(>= %u%%, or >= %u%% with them): new calls refused\n", fill, c->max, o, c->cfg.onset_pct,
		     c->cfg.rel_defer_pct);
	} else if (c->congested && (fill + o) * 100 <= c->max * c->cfg.abate_pct) {
		c->congested = false;
		LOGP(DM3UA, LOGL_NOTICE, "congestion abatement: M3UA transmit queue %u/%u, %u more owed by calls in setup "
		     "(<= %u%% with them): new calls admitted\n", fill, c->max, o, c->cfg.abate_pct);
	}
	osmo_stat_item_set(osmo_stat_item_group_get_item(c->stats, CONG_STAT_TXQ_FILL), fill);
	osmo_stat_item_set(osmo_stat_item_group_get_item(c->stats, CONG_STAT_OWED), o);
	osmo_stat_item_set(osmo_stat_item_group_get_item(c->stats, CONG_STAT_CONGESTED), c->congested);
}

bool isup_cong_congested(struct isup_mtp *mtp)
{
	struct isup_cong *c = &mtp->cong;
	unsigned int onset = pct_fill(c, c->cfg.onset_pct), reserve = pct_fill(c, c->cfg.rel_defer_pct), o = owed(c);
	unsigned int limit = reserve > o ? reserve - o : 0;

	/* an upper bound may keep the congestion one round longer, never start it */
	cong_update(mtp, txq_fill(mtp, c->congested ? UINT_MAX : limit < onset ? limit : onset));
	return c->congested;
}

unsigned int isup_cong_txq_len(struct isup_mtp *mtp)
{
	return txq_fill(mtp, UINT_MAX);
}

enum isup_cong_tx isup_cong_tx_admit(struct isup_mtp *mtp, bool repeated_on_timer)
{
	struct isup_cong *c = &mtp->cong;
	unsigned int defer = pct_fill(c, c->cfg.rel_defer_pct), full = c->max * ISUP_CONG_TXQ_HEADROOM;
	unsigned int fill = txq_fill(mtp, repeated_on_timer && defer < full ? defer : full);

	if (fill >= full)
		return ISUP_CONG_TX_FULL;
	if (repeated_on_timer && fill >= defer)
		return ISUP_CONG_TX_DEFER;
	c->sent++;	/* queued by the caller now */
	return ISUP_CONG_TX_OK;
}

unsigned int isup_cong_level(const struct isup_mtp *mtp)
{
	const struct isup_cong *c = &mtp->cong;

	if (!c->congested)
		return 0;
	return c->fill + c->sent >= pct_fill(c, c->cfg.rel_defer_pct) ? 2 : 1;
}

void isup_cong_rx_rel(struct isup_mtp *mtp, uint32_t opc, uint8_t acl)
{
	struct isup_route *rt = isup_mtp_route_find(mtp, opc);

	if (acl)
		rate_ctr_inc(rate_ctr_group_get_ctr(mtp->ctrs, ISUP_MTP_CTR_ACL_RX));
	if (!rt || rt->acl_rx == acl)
		return;
	LOGP(DM3UA, LOGL_NOTICE, "%s: automatic congestion level %u in its RELs (was %u)\n",
	     isup_mtp_pc_str(mtp, opc), acl, rt->acl_rx);
	rt->acl_rx = acl;
}

/* libosmocore's poll backend writes one message per socket and select round (osmo_io_poll.c), its
 * io_uring backend chains the writes within the round. Under load one a round is too few (1,125
 * CPS want ~3,400 M3UA messages a second toward the STP): the queue grows while the socket has
 * room. Give the socket its own write dispatch again while the queue shrinks; it stops at a full
 * socket (EAGAIN and partial writes go back to the queue's head) or when the iofd is gone. With
 * io_uring no osmo_fd carries the iofd, so nothing is done. */
static unsigned int txq_flush_one(struct osmo_io_fd *iofd, int fd, unsigned int *left)
{
	unsigned int n = 0, len = 0, prev = UINT_MAX;
	struct osmo_fd *ofd;

	while ((ofd = osmo_fd_get_by_fd(fd)) && ofd->data == iofd && (ofd->when & OSMO_FD_WRITE)) {
		len = osmo_iofd_txqueue_len(iofd);
		if (len < prev && prev != UINT_MAX)
			n++;	/* the last dispatch wrote a whole message */
		if (!len || len >= prev)
			break;
		prev = len;
		ofd->cb(ofd, OSMO_FD_WRITE);
	}
	if (len > *left)
		*left = len;
	return n;
}

unsigned int isup_cong_txq_flush(struct isup_mtp *mtp)
{
	struct isup_cong *c = &mtp->cong;
	struct txq_walk w = { .fd = -1 };
	int fds[ISUP_CONG_FLUSH_ASPS];
	unsigned int i, n = 0, left = 0;

	if (!c->sent && !c->fill)
		return 0;	/* empty at the last sample and nothing queued since: no walk */
	talloc_report_depth_cb(mtp->ss7, 0, 3, txq_visit, &w);
	for (i = 0; i < w.n_busy; i++)	/* the fds first: a write callback may free an iofd */
		fds[i] = osmo_iofd_get_fd(w.busy[i]);
	for (i = 0; i < w.n_busy; i++)
		n += txq_flush_one(w.busy[i], fds[i], &left);
	c->fill = left;		/* a sample: the queues as the flush left them */
	c->sent = 0;
	if (n)
		rate_ctr_add(rate_ctr_group_get_ctr(mtp->ctrs, ISUP_MTP_CTR_TXQ_FLUSHED), n);
	return n;
}

void isup_cong_poll(struct isup_mtp *mtp)
{
	struct isup_cong *c = &mtp->cong;
	txq_sample(mtp, true);
	osmo_stat_item_set(osmo_stat_item_group_get_item(c->stats, CONG_STAT_TXQ_MAX), c->max);
	osmo_stat_item_set(osmo_stat_item_group_get_item(c->stats, CONG_STAT_QUEUES), c->queues);
	cong_update(mtp, c->fill);
}

void isup_cong_set_cfg(struct isup_mtp *mtp, const struct isup_cong_cfg *cfg)
{
	mtp->cong.cfg = *cfg;
	isup_cong_poll(mtp);
}

void isup_cong_init(struct isup_mtp *mtp)
{
	static unsigned int idx;
	struct isup_cong_cfg def = ISUP_CONG_CFG_DEFAULT;

	mtp->cong.cfg = def;
	mtp->cong.max = ISUP_CONG_TXQ_DEFAULT_MAX;
	mtp->cong.asp_fd = -1;
	mtp->cong.stats = osmo_stat_item_group_alloc(mtp, &cong_statg_desc, idx++);
}

void isup_cong_free(struct isup_mtp *mtp)
{
	round_forget(&mtp->cong);
	osmo_stat_item_group_free(mtp->cong.stats);
	mtp->cong.stats = NULL;
}

/* Automatic congestion control from the fill of the M3UA transmit queues (Q.764 2.11). */
#include <string.h>
#include <sys/socket.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/osmo_io.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stat_item.h>
#include <osmocom/core/stats.h>

#include "isup/isup_log.h"
#include "isup/isup_mtp.h"
#include "isup/isup_cong.h"

enum { CONG_STAT_TXQ_FILL, CONG_STAT_TXQ_MAX, CONG_STAT_CONGESTED, CONG_STAT_QUEUES };

static const struct osmo_stat_item_desc cong_stat_desc[] = {
	[CONG_STAT_TXQ_FILL] = { "tx_queue:fill", "M3UA transmit queue fill (largest of the ASPs)", "msgs", 16, 0 },
	[CONG_STAT_TXQ_MAX] = { "tx_queue:max", "M3UA transmit queue maximum", "msgs", 16, 0 },
	[CONG_STAT_CONGESTED] = { "congested", "Automatic congestion control active (1) or not (0)", "", 16, 0 },
	[CONG_STAT_QUEUES] = { "tx_queue:asps", "M3UA transmit queues watched (connected client-role ASPs)", "", 16, 0 },
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
	len = osmo_iofd_txqueue_len(iofd);
	if (len > w->fill)
		w->fill = len;
}

static unsigned int txq_sample(struct isup_mtp *mtp, bool apply)
{
	struct txq_walk w = { .set_max = apply ? mtp->cong.cfg.txq_max : 0, .sndbuf = apply ? mtp->cong.cfg.sndbuf : 0 };
	struct isup_cong *c = &mtp->cong;

	talloc_report_depth_cb(mtp->ss7, 0, 3, txq_visit, &w);
	c->fill = w.fill;
	c->queues = w.n;
	c->max = c->cfg.txq_max ? c->cfg.txq_max : ISUP_CONG_TXQ_DEFAULT_MAX;
	return w.fill;
}

static void cong_update(struct isup_mtp *mtp)
{
	struct isup_cong *c = &mtp->cong;
	unsigned int pct = c->max ? c->fill * 100 / c->max : 0;

	if (!c->congested && pct >= c->cfg.onset_pct) {
		c->congested = true;
		c->onsets++;
		rate_ctr_inc(rate_ctr_group_get_ctr(mtp->ctrs, ISUP_MTP_CTR_CONG_ONSET));
		LOGP(DM3UA, LOGL_NOTICE, "congestion onset: M3UA transmit queue %u/%u (>= %u%%): new calls refused\n",
		     c->fill, c->max, c->cfg.onset_pct);
	} else if (c->congested && pct <= c->cfg.abate_pct) {
		c->congested = false;
		LOGP(DM3UA, LOGL_NOTICE, "congestion abatement: M3UA transmit queue %u/%u (<= %u%%): new calls admitted\n",
		     c->fill, c->max, c->cfg.abate_pct);
	}
	osmo_stat_item_set(osmo_stat_item_group_get_item(c->stats, CONG_STAT_TXQ_FILL), c->fill);
	osmo_stat_item_set(osmo_stat_item_group_get_item(c->stats, CONG_STAT_CONGESTED), c->congested);
}

bool isup_cong_congested(struct isup_mtp *mtp)
{
	txq_sample(mtp, false);
	cong_update(mtp);
	return mtp->cong.congested;
}

enum isup_cong_tx isup_cong_tx_admit(struct isup_mtp *mtp, bool repeated_on_timer)
{
	unsigned int fill = txq_sample(mtp, false);
	const struct isup_cong *c = &mtp->cong;

	if (fill >= c->max)
		return ISUP_CONG_TX_FULL;
	if (repeated_on_timer && fill * 100 >= c->max * c->cfg.rel_defer_pct)
		return ISUP_CONG_TX_DEFER;
	return ISUP_CONG_TX_OK;
}

void isup_cong_poll(struct isup_mtp *mtp)
{
	struct isup_cong *c = &mtp->cong;
	txq_sample(mtp, true);
	osmo_stat_item_set(osmo_stat_item_group_get_item(c->stats, CONG_STAT_TXQ_MAX), c->max);
	osmo_stat_item_set(osmo_stat_item_group_get_item(c->stats, CONG_STAT_QUEUES), c->queues);
	cong_update(mtp);
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
	mtp->cong.stats = osmo_stat_item_group_alloc(mtp, &cong_statg_desc, idx++);
}

void isup_cong_free(struct isup_mtp *mtp)
{
	osmo_stat_item_group_free(mtp->cong.stats);
	mtp->cong.stats = NULL;
}

/* ISUP as MTP user (SI=5) over libosmo-sigtran; route (DPC) availability tracking. */
#include <errno.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/prim.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/sigtran/osmo_ss7.h>
#include <osmocom/sigtran/mtp_sap.h>
#include <osmocom/sigtran/sigtran_sap.h>

#include "isup/isup_log.h"
#include "isup/isup_mtp.h"

#define MTP_SI_ISUP 5

isup_mtp_capture_fn isup_mtp_capture_hook;

static const struct rate_ctr_desc isup_mtp_ctr_desc[] = {
	[ISUP_MTP_CTR_RX_MSGS] = { "rx:msgs", "ISUP messages received" },
	[ISUP_MTP_CTR_RX_DECODE_ERR] = { "rx:decode_err", "ISUP messages that failed to decode" },
	[ISUP_MTP_CTR_TX_MSGS] = { "tx:msgs", "ISUP messages sent" },
	[ISUP_MTP_CTR_TX_FAIL] = { "tx:fail", "ISUP messages that could not be sent" },
	[ISUP_MTP_CTR_PAUSE] = { "mtp:pause", "MTP-PAUSE (DPC inaccessible) events" },
	[ISUP_MTP_CTR_RESUME] = { "mtp:resume", "MTP-RESUME (DPC accessible) events" },
	[ISUP_MTP_CTR_TXQ_FULL_DROP] = { "m3ua:tx_queue_full_drops",
					 "ISUP messages dropped at a full M3UA transmit queue" },
	[ISUP_MTP_CTR_REL_DEFERRED] = { "m3ua:rel_deferred",
				       "RELs held back above the defer level (sent again on T1 expiry)" },
	[ISUP_MTP_CTR_CONG_ONSET] = { "m3ua:congestion_onset",
				      "Congestion onsets (transmit queue above the onset threshold)" },
	[ISUP_MTP_CTR_ACL_RX] = { "isup:acl_received", "RELs received with an automatic congestion level (Q.764 2.11.3)" },
	[ISUP_MTP_CTR_TXQ_FLUSHED] = { "m3ua:tx_flushed",
				       "M3UA messages written at the end of a select round (beyond osmo_io's one per round)" },
};

static const struct rate_ctr_group_desc isup_mtp_ctrg_desc = {
	.group_name_prefix = "isup:mtp",
	.group_description = "ISUP MTP user",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(isup_mtp_ctr_desc),
	.ctr_desc = isup_mtp_ctr_desc,
};

const char *isup_mtp_pc_str(struct isup_mtp *mtp, uint32_t pc)
{
	return osmo_ss7_pointcode_print(mtp->ss7, pc);
}

int isup_mtp_pc_parse(struct isup_mtp *mtp, const char *str)
{
	int pc = osmo_ss7_pointcode_parse(mtp->ss7, str);
	return pc < 0 ? -1 : pc;
}

struct isup_route *isup_mtp_route_find(struct isup_mtp *mtp, uint32_t dpc)
{
	struct isup_route *rt;
	llist_for_each_entry(rt, &mtp->routes, list)
		if (rt->dpc == dpc)
			return rt;
	return NULL;
}

/* The DPC is reachable when a route to it exists and the AS it leads to is active. */
static bool route_eval(struct isup_mtp *mtp, uint32_t dpc)
{
	struct osmo_ss7_route *r = osmo_ss7_route_lookup(mtp->ss7, dpc);
	struct osmo_ss7_as *as;
	if (!r)
		return false;
	as = osmo_ss7_route_get_dest_as(r);
	return as && osmo_ss7_as_active(as);
}

static void route_update(struct isup_route *rt)
{
	struct isup_mtp *mtp = rt->mtp;
	bool now = route_eval(mtp, rt->dpc);
	if (rt->known && now == rt->available)
		return;
	/* Nothing is reported for the initial "unavailable": a route starts paused. */
	bool report = rt->known || now;
	rt->known = true;
	rt->available = now;
	rt->since = time(NULL);
	if (!report)
		return;
	if (now) {
		rt->resumes++;
		rate_ctr_inc(rate_ctr_group_get_ctr(mtp->ctrs, ISUP_MTP_CTR_RESUME));
		LOGP(DM3UA, LOGL_NOTICE, "MTP-RESUME: DPC %s accessible\n", isup_mtp_pc_str(mtp, rt->dpc));
	} else {
		rt->pauses++;
		rate_ctr_inc(rate_ctr_group_get_ctr(mtp->ctrs, ISUP_MTP_CTR_PAUSE));
		LOGP(DM3UA, LOGL_NOTICE, "MTP-PAUSE: DPC %s inaccessible\n", isup_mtp_pc_str(mtp, rt->dpc));
	}
	if (mtp->ops.route_ind)
		mtp->ops.route_ind(mtp, rt, now ? ISUP_MTP_RESUME : ISUP_MTP_PAUSE, mtp->priv);
}

void isup_mtp_routes_poll(struct isup_mtp *mtp)
{
	struct isup_route *rt, *rt2;
	llist_for_each_entry_safe(rt, rt2, &mtp->routes, list)
		route_update(rt);
}

static void poll_timer_cb(void *data)
{
	struct isup_mtp *mtp = data;
	isup_mtp_routes_poll(mtp);
	isup_cong_poll(mtp);
	osmo_timer_schedule(&mtp->poll_timer, mtp->poll_ms / 1000, (mtp->poll_ms % 1000) * 1000);
}

struct isup_route *isup_mtp_route_add(struct isup_mtp *mtp, uint32_t dpc)
{
	struct isup_route *rt = isup_mtp_route_find(mtp, dpc);
	if (rt)
		return rt;
	rt = talloc_zero(mtp, struct isup_route);
	rt->mtp = mtp;
	rt->dpc = dpc;
	rt->since = time(NULL);
	llist_add_tail(&rt->list, &mtp->routes);
	return rt;
}

bool isup_mtp_route_available(struct isup_mtp *mtp, uint32_t dpc)
{
	struct isup_route *rt = isup_mtp_route_find(mtp, dpc);
	if (rt)
		return rt->known && rt->available;
	return route_eval(mtp, dpc);
}

/* The decoded form of a received message (struct isup_msg, ~16 KiB): one kept per MTP user and
 * cleared for each message instead of a heap block each time (a request that size made glibc
 * consolidate its fastbins on every received message: 10 % of the gateway's CPU in the soak's
 * profile). A message received while it is in use (a local delivery from within the handler)
 * gets its own block. */
static struct isup_msg *rx_msg_get(struct isup_mtp *mtp)
{
	if (mtp->rx_msg_busy || (!mtp->rx_msg && !(mtp->rx_msg = talloc(mtp, struct isup_msg))))
		return talloc_zero(mtp, struct isup_msg);
	mtp->rx_msg_busy = true;
	memset(mtp->rx_msg, 0, sizeof(*mtp->rx_msg));
	return mtp->rx_msg;
}

static void rx_msg_put(struct isup_mtp *mtp, struct isup_msg *im)
{
	if (im == mtp->rx_msg)
		mtp->rx_msg_busy = false;
	else
		talloc_free(im);
}

/* MTP-TRANSFER.ind etc. from libosmo-sigtran; we own and free the msgb. */
static int mtp_prim_cb(struct osmo_prim_hdr *oph, void *ctx)
{
	struct isup_mtp *mtp = ctx;
	struct osmo_mtp_prim *omp = (struct osmo_mtp_prim *)oph;
	struct msgb *msg = oph->msg;

	switch (OSMO_PRIM_HDR(oph)) {
	case OSMO_PRIM(OSMO_MTP_PRIM_TRANSFER, PRIM_OP_INDICATION): {
		struct isup_msg *im = rx_msg_get(mtp);
		struct isup_mtp_rx rx = {
			.opc = omp->u.transfer.opc,
			.dpc = omp->u.transfer.dpc,
			.sls = omp->u.transfer.sls,
			.ni = omp->u.transfer.sio >> 6,
			.raw = msgb_l2(msg),
			.raw_len = msgb_l2len(msg),
			.msg = im,
		};
		struct isup_route *rt = isup_mtp_route_find(mtp, rx.opc);
		rate_ctr_inc(rate_ctr_group_get_ctr(mtp->ctrs, ISUP_MTP_CTR_RX_MSGS));
		if (rt)
			rt->rx_msgs++;
		if (isup_mtp_capture_hook)
			isup_mtp_capture_hook(mtp, ISUP_CAPTURE_RX_PRE, rx.opc, rx.dpc, rx.sls, rx.raw, rx.raw_len);
		rx.decode_rc = isup_decode(im, mtp->variant, rx.raw, rx.raw_len, &rx.derr);
		if (rx.decode_rc != ISUP_OK && rx.decode_rc != ISUP_ERR_UNKNOWN_MSG) {
			rate_ctr_inc(rate_ctr_group_get_ctr(mtp->ctrs, ISUP_MTP_CTR_RX_DECODE_ERR));
			LOGP(DISUP, LOGL_NOTICE, "rx from %s: undecodable ISUP (%zu octets): %s at offset %u\n",
			     isup_mtp_pc_str(mtp, rx.opc), rx.raw_len, isup_strerror(rx.decode_rc), rx.derr.offset);
		}
		if (mtp->ops.rx)
			mtp->ops.rx(mtp, &rx, mtp->priv);
		if (isup_mtp_capture_hook)
			isup_mtp_capture_hook(mtp, ISUP_CAPTURE_RX, rx.opc, rx.dpc, rx.sls, rx.raw, rx.raw_len);
		rx_msg_put(mtp, im);
		break;
	}
	case OSMO_PRIM(OSMO_MTP_PRIM_PAUSE, PRIM_OP_INDICATION):
	case OSMO_PRIM(OSMO_MTP_PRIM_RESUME, PRIM_OP_INDICATION):
	case OSMO_PRIM(OSMO_MTP_PRIM_STATUS, PRIM_OP_INDICATION):
		/* Not delivered by libosmo-sigtran 2.x; should a later version do so, re-evaluate. */
		LOGP(DM3UA, LOGL_INFO, "MTP primitive %u from the library\n", oph->primitive);
		isup_mtp_routes_poll(mtp);
		break;
	default:
		LOGP(DM3UA, LOGL_ERROR, "unexpected MTP primitive %u/%u\n", oph->primitive, oph->operation);
		break;
	}
	msgb_free(msg);
	return 0;
}

int isup_mtp_send_raw(struct isup_mtp *mtp, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	struct isup_route *rt = isup_mtp_route_find(mtp, dpc);
	struct msgb *msg = msgb_alloc_headroom(sizeof(struct osmo_mtp_prim) + len + 256, 128, "isup tx");
	struct osmo_mtp_prim *omp;
	enum isup_cong_tx cong;
	int rc;

	if (!msg)
		return -ENOMEM;
	/* Q.764 2.11: a REL (repeated on T1 expiry, Q.764 Annex A) waits above the defer level */
	cong = isup_cong_tx_admit(mtp, len > 2 && data[2] == ISUP_REL);
	if (cong != ISUP_CONG_TX_OK) {
		/* a full queue: osmo_io would drop it without telling; count it here */
		rate_ctr_inc(rate_ctr_group_get_ctr(mtp->ctrs, cong == ISUP_CONG_TX_FULL ? ISUP_MTP_CTR_TXQ_FULL_DROP
										     : ISUP_MTP_CTR_REL_DEFERRED));
		if (rt)
			rt->tx_fail++;
		msgb_free(msg);
		return -ENOBUFS;
	}
	omp = (struct osmo_mtp_prim *)msgb_put(msg, sizeof(*omp));
	msg->l1h = (uint8_t *)omp;
	osmo_prim_init(&omp->oph, MTP_SAP_USER, OSMO_MTP_PRIM_TRANSFER, PRIM_OP_REQUEST, msg);
	omp->u.transfer.opc = mtp->opc;
	omp->u.transfer.dpc = dpc;
	omp->u.transfer.sls = sls;
	omp->u.transfer.sio = MTP_SIO(MTP_SI_ISUP, mtp->ni);
	msg->l2h = msgb_put(msg, len);
	memcpy(msg->l2h, data, len);

	if (isup_mtp_capture_hook)
		isup_mtp_capture_hook(mtp, ISUP_CAPTURE_TX, mtp->opc, dpc, sls, data, len);
	rc = osmo_ss7_user_mtp_xfer_req(mtp->ss7, omp);	/* always consumes msg */
	if (rc < 0) {
		rate_ctr_inc(rate_ctr_group_get_ctr(mtp->ctrs, ISUP_MTP_CTR_TX_FAIL));
		if (rt)
			rt->tx_fail++;
		LOGP(DM3UA, LOGL_NOTICE, "tx to %s failed: %d\n", isup_mtp_pc_str(mtp, dpc), rc);
		return rc;
	}
	rate_ctr_inc(rate_ctr_group_get_ctr(mtp->ctrs, ISUP_MTP_CTR_TX_MSGS));
	if (rt)
		rt->tx_msgs++;
	return 0;
}

int isup_mtp_send(struct isup_mtp *mtp, uint32_t dpc, const struct isup_msg *msg)
{
	uint8_t buf[ISUP_MAX_MSG_LEN];
	int len = isup_encode(msg, buf, sizeof(buf));
	if (len < 0) {
		LOGP(DISUP, LOGL_ERROR, "cannot encode %s cic=%u: %s\n", isup_msg_name(msg->type), msg->cic,
		     isup_strerror(len));
		return len;
	}
	/* Q.764 / Q.704: the SLS keeps all messages of one circuit on one link (in sequence) */
	return isup_mtp_send_raw(mtp, dpc, msg->cic & 0x0f, buf, len);
}

struct isup_mtp *isup_mtp_create(void *ctx, uint32_t ss7_id, enum isup_variant variant, uint8_t ni,
				 const struct isup_mtp_ops *ops, void *priv)
{
	struct osmo_ss7_instance *ss7 = osmo_ss7_instance_find(ss7_id);
	struct isup_mtp *mtp;
	static unsigned int idx;

	if (!ss7) {
		LOGP(DM3UA, LOGL_ERROR, "cs7 instance %u not configured\n", ss7_id);
		return NULL;
	}
	mtp = talloc_zero(ctx, struct isup_mtp);
	mtp->ss7 = ss7;
	mtp->variant = variant;
	mtp->ni = ni;
	mtp->opc = osmo_ss7_instance_get_primary_pc(ss7);
	INIT_LLIST_HEAD(&mtp->routes);
	if (ops)
		mtp->ops = *ops;
	mtp->priv = priv;
	mtp->poll_ms = 500;
	mtp->ctrs = rate_ctr_group_alloc(mtp, &isup_mtp_ctrg_desc, idx++);
	isup_cong_init(mtp);

	mtp->user = osmo_ss7_user_create(ss7, "ISUP");
	osmo_ss7_user_set_prim_cb(mtp->user, mtp_prim_cb);
	osmo_ss7_user_set_priv(mtp->user, mtp);
	if (osmo_ss7_user_register(ss7, MTP_SI_ISUP, mtp->user) < 0) {
		LOGP(DM3UA, LOGL_ERROR, "cannot register as MTP user SI=5 on cs7 instance %u\n", ss7_id);
		osmo_ss7_user_destroy(mtp->user);
		isup_cong_free(mtp);
		rate_ctr_group_free(mtp->ctrs);
		talloc_free(mtp);
		return NULL;
	}
	osmo_timer_setup(&mtp->poll_timer, poll_timer_cb, mtp);
	osmo_timer_schedule(&mtp->poll_timer, 0, 100 * 1000);
	LOGP(DM3UA, LOGL_NOTICE, "ISUP registered as MTP user SI=5, OPC %s, NI %u\n",
	     isup_mtp_pc_str(mtp, mtp->opc), ni);
	return mtp;
}

void isup_mtp_destroy(struct isup_mtp *mtp)
{
	if (!mtp)
		return;
	osmo_timer_del(&mtp->poll_timer);
	osmo_ss7_user_unregister(mtp->ss7, MTP_SI_ISUP, mtp->user);
	osmo_ss7_user_destroy(mtp->user);
	isup_cong_free(mtp);
	rate_ctr_group_free(mtp->ctrs);
	talloc_free(mtp);
}

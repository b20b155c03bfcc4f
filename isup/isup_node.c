/* ISUP signalling point: MTP attachment and node-level procedures. */
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>

#include "isup/isup_log.h"
#include <osmocom/sigtran/osmo_ss7.h>
#include "isup/isup_node.h"
#include "isup/cgroup.h"
#include "isup/circuit_persist.h"

struct isup_node *isup_node_alloc(void *ctx)
{
	struct isup_node *node = talloc_zero(ctx, struct isup_node);
	INIT_LLIST_HEAD(&node->remote_sps);
	INIT_LLIST_HEAD(&node->cgroups);
	INIT_LLIST_HEAD(&node->upts);
	INIT_LLIST_HEAD(&node->held_rx);
	node->T = isup_tdefs_alloc(node);
	node->cfg.ss7_id = 0;
	node->cfg.variant = ISUP_VARIANT_ITU;
	node->cfg.ni = 2;
	node->cfg.pass_on_unknown_params = true;
	node->cfg.cong = (struct isup_cong_cfg)ISUP_CONG_CFG_DEFAULT;
	isup_set_log_cat(DISUP, DM3UA);	/* the FSMs' log_subsys: DLGLOBAL unless the application set it */
	return node;
}

struct osmo_tdef *isup_node_tdefs(struct isup_node *node)
{
	return node->T;
}

struct isup_remote_sp *isup_node_remote_sp_add(struct isup_node *node, const char *pc_str)
{
	struct isup_remote_sp *sp;
	llist_for_each_entry(sp, &node->remote_sps, list)
		if (!strcmp(sp->pc_str, pc_str))
			return sp;
	sp = talloc_zero(node, struct isup_remote_sp);
	sp->pc_str = talloc_strdup(sp, pc_str);
	sp->pc = OSMO_SS7_PC_INVALID;
	llist_add_tail(&sp->list, &node->remote_sps);
	if (node->mtp) {
		int pc = isup_mtp_pc_parse(node->mtp, pc_str);
		if (pc >= 0) {
			sp->pc = pc;
			isup_mtp_route_add(node->mtp, pc);
		}
	}
	return sp;
}

int isup_node_remote_sp_del(struct isup_node *node, const char *pc_str)
{
	struct isup_remote_sp *sp;
	llist_for_each_entry(sp, &node->remote_sps, list) {
		if (!strcmp(sp->pc_str, pc_str)) {
			llist_del(&sp->list);
			talloc_free(sp);
			return 0;
		}
	}
	return -1;
}

/* Q.764 2.13.2: a user part test is answered with UPA when the user part is available. */
static void node_rx_upt(struct isup_node *node, const struct isup_mtp_rx *rx)
{
	struct isup_msg upa;
	node->rx_upt++;
	isup_msg_init(&upa, node->cfg.variant, ISUP_UPA, rx->msg->cic);
	if (isup_mtp_send(node->mtp, rx->opc, &upa) == 0)
		node->tx_upa++;
}

/* Without a circuit layer (rx_cb not consuming them) the node still answers circuit resets as an
 * exchange whose circuits are all idle: RSC -> RLC (Q.764 2.9.3.1), GRS -> GRA with no
 * circuit blocked (Q.764 2.9.3.3). */
static void node_rx_reset(struct isup_node *node, const struct isup_mtp_rx *rx)
{
	struct isup_msg ans;
	isup_msg_init(&ans, node->cfg.variant, rx->msg->type == ISUP_RSC ? ISUP_RLC : ISUP_GRA, rx->msg->cic);
	if (rx->msg->type == ISUP_GRS) {
		const struct isup_param *p = isup_msg_find_const(rx->msg, ISUP_PRM_RANGE_STATUS);
		struct isup_range_status rs = { 0 };
		uint8_t raw[40];
		int len;
		if (!p || isup_range_status_decode(&rs, p->val, p->len) < 0)
			return;
		rs.status_present = true;
		memset(rs.status, 0, sizeof(rs.status));
		len = isup_range_status_encode(&rs, raw, sizeof(raw));
		if (len < 0)
			return;
		isup_msg_set(&ans, ISUP_PRM_RANGE_STATUS, raw, len);
	}
	isup_mtp_send(node->mtp, rx->opc, &ans);
}

static void upt_t4_cb(void *data)
{
	struct isup_upt *u = data;
	struct isup_msg m;
	unsigned long t4_ms = osmo_tdef_get(u->node->T, 4, OSMO_TDEF_MS, 300000);
	LOGP(DISUP, LOGL_NOTICE, "T4 expired: no UPA from %s, UPT repeated\n", isup_mtp_pc_str(u->node->mtp, u->dpc));
	isup_msg_init(&m, u->node->cfg.variant, ISUP_UPT, u->cic);
	isup_mtp_send(u->node->mtp, u->dpc, &m);
	u->sent++;
	u->node->tx_upt++;
	osmo_timer_schedule(&u->t4, t4_ms / 1000, (t4_ms % 1000) * 1000);
}

int isup_node_send_upt(struct isup_node *node, uint32_t dpc, uint16_t cic)
{
	struct isup_upt *u;
	if (!node->mtp)
		return -1;
	llist_for_each_entry(u, &node->upts, list)
		if (u->dpc == dpc)
			return 0;
	u = talloc_zero(node, struct isup_upt);
	u->node = node;
	u->dpc = dpc;
	u->cic = cic;
	osmo_timer_setup(&u->t4, upt_t4_cb, u);
	llist_add_tail(&u->list, &node->upts);
	u->sent = 0;
	/* first UPT now, then every T4 */
	upt_t4_cb(u);
	return 0;
}

static void upt_stop(struct isup_node *node, uint32_t opc, bool upa)
{
	struct isup_upt *u, *u2;
	llist_for_each_entry_safe(u, u2, &node->upts, list) {
		if (u->dpc != opc)
			continue;
		LOGP(DISUP, LOGL_NOTICE, "%s from %s: user part available, T4 stopped\n", upa ? "UPA" : "message",
		     isup_mtp_pc_str(node->mtp, opc));
		osmo_timer_del(&u->t4);
		llist_del(&u->list);
		talloc_free(u);
	}
	if (upa)
		node->rx_upa++;
}

static void node_route_ind(struct isup_mtp *mtp, struct isup_route *rt, enum isup_mtp_ind ind, void *priv)
{
	struct isup_node *node = priv;
	struct isup_cgroup *cg;
	if (ind != ISUP_MTP_PAUSE && ind != ISUP_MTP_RESUME)
		return;
	llist_for_each_entry(cg, &node->cgroups, list)
		if (cg->dpc_valid && cg->dpc == rt->dpc) {
			cgroup_route_ind(cg, ind == ISUP_MTP_RESUME);
			if (node->grp_watch_cb)	/* isup_maint.h */
				node->grp_watch_cb(cg->name, ISUP_GROUP_EV_ROUTE, node->grp_watch_data);
		}
}

static void node_mtp_rx(struct isup_mtp *mtp, const struct isup_mtp_rx *rx, void *priv)
{
	struct isup_node *node = priv;
	if (!isup_node_hold_rx(node, rx))
		isup_node_rx(node, rx);
}

void isup_node_rx(struct isup_node *node, const struct isup_mtp_rx *rx)
{
	struct isup_mtp *mtp = node->mtp;
	char sum[256];

	if (rx->decode_rc == ISUP_OK || rx->decode_rc == ISUP_ERR_UNKNOWN_MSG) {
		isup_msg_summary(sum, sizeof(sum), rx->msg);
		LOGP(DISUP, LOGL_INFO, "rx %s <- %s\n", sum, isup_mtp_pc_str(mtp, rx->opc));
	}
	/* Q.764 2.13.3: any message from the remote user part stops T4 */
	upt_stop(node, rx->opc, rx->decode_rc == ISUP_OK && rx->msg->type == ISUP_UPA);
	if (cgroups_rx(node, rx))
		return;
	if (node->rx_cb && node->rx_cb(node, rx, node->rx_priv))
		return;
	if (rx->decode_rc != ISUP_OK)
		return;
	switch (rx->msg->type) {
	case ISUP_UPT:
		node_rx_upt(node, rx);
		break;
	case ISUP_UPA:
		break;
	case ISUP_RSC:
	case ISUP_GRS:
		node_rx_reset(node, rx);
		break;
	default:
		LOGP(DISUP, LOGL_INFO, "rx %s cic=%u from %s: no handler\n", isup_msg_name(rx->msg->type),
		     rx->msg->cic, isup_mtp_pc_str(mtp, rx->opc));
		break;
	}
}

int isup_node_start(struct isup_node *node)
{
	struct isup_mtp_ops ops = { .rx = node_mtp_rx, .route_ind = node_route_ind };
	struct isup_remote_sp *sp;
	struct isup_cgroup *cg;

	node->mtp = isup_mtp_create(node, node->cfg.ss7_id, node->cfg.variant, node->cfg.ni, &ops, node);
	if (!node->mtp)
		return -1;
	node->mtp->cong.owed = &node->setup_owed;
	isup_cong_set_cfg(node->mtp, &node->cfg.cong);	/* Q.764 2.11 (isup/isup_cong.h) */
	llist_for_each_entry(cg, &node->cgroups, list)
		if (cgroup_start(cg) < 0)
			return -1;
	if (circuit_persist_load(node) < 0)	/* stored blocking (circuit_persist.h) */
		return -1;
	llist_for_each_entry(sp, &node->remote_sps, list) {
		int pc = isup_mtp_pc_parse(node->mtp, sp->pc_str);
		if (pc < 0) {
			LOGP(DISUP, LOGL_ERROR, "invalid remote point code '%s'\n", sp->pc_str);
			return -1;
		}
		sp->pc = pc;
		isup_mtp_route_add(node->mtp, pc);
	}
	return 0;
}

void isup_node_stop(struct isup_node *node)
{
	struct isup_cgroup *cg, *cg2;
	struct isup_upt *u, *u2;
	circuit_persist_stop(node);	/* a write still pending goes out now */
	llist_for_each_entry_safe(u, u2, &node->upts, list) {
		osmo_timer_del(&u->t4);
		llist_del(&u->list);
		talloc_free(u);
	}
	llist_for_each_entry_safe(cg, cg2, &node->cgroups, list)
		cgroup_free(cg);
	isup_mtp_destroy(node->mtp);
	node->mtp = NULL;
}

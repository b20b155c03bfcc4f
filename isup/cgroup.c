/* ISUP circuit groups: configuration, CIC selection, group supervision procedures (Q.764 2.8.2,
 * 2.9.2, 2.9.3.3/2.9.3.4), unequipped CICs (2.12), unknown messages and parameters (2.9.5),
 * and the call API for the layer above (isup_call.h). */
#include <stdlib.h>
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>

#include "isup/isup_log.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"

const struct value_string cg_direction_names[] = {
	{ CG_DIR_BOTH, "both-way" }, { CG_DIR_INCOMING, "incoming-only" }, { CG_DIR_OUTGOING, "outgoing-only" },
	{ 0, NULL }
};
const struct value_string cg_select_names[] = {
	{ CG_SEL_LOWEST, "lowest" }, { CG_SEL_HIGHEST, "highest" }, { CG_SEL_ROUND_ROBIN, "round-robin" },
	{ CG_SEL_RANDOM, "random" }, { 0, NULL }
};
const struct value_string cg_parity_names[] = {
	{ CG_PAR_NONE, "none" }, { CG_PAR_EVEN, "even" }, { CG_PAR_ODD, "odd" }, { CG_PAR_CONTROLLED, "controlled" },
	{ 0, NULL }
};

/* Q.764 Annex A timers; values in ms (defaults within the Q.764 ranges) */
const struct osmo_tdef cgroup_tdefs_default[] = {
	{ .T = 1, .default_val = 15000, .unit = OSMO_TDEF_MS, .desc = "REL sent, waiting for RLC: repeat REL" },
	{ .T = 4, .default_val = 300000, .unit = OSMO_TDEF_MS, .desc = "UPT sent, waiting for UPA: repeat UPT" },
	{ .T = 5, .default_val = 300000, .unit = OSMO_TDEF_MS, .desc = "initial REL sent: send RSC, alert" },
	{ .T = 6, .default_val = 120000, .unit = OSMO_TDEF_MS, .desc = "SUS (network) received, waiting for RES" },
	{ .T = 7, .default_val = 20000, .unit = OSMO_TDEF_MS, .desc = "IAM/SAM sent, waiting for ACM/CON" },
	{ .T = 8, .default_val = 10000, .unit = OSMO_TDEF_MS, .desc = "IAM with COT required received, waiting for COT" },
	{ .T = 9, .default_val = 90000, .unit = OSMO_TDEF_MS, .desc = "ACM received, waiting for ANM" },
	{ .T = 12, .default_val = 15000, .unit = OSMO_TDEF_MS, .desc = "BLO sent, waiting for BLA: repeat" },
	{ .T = 13, .default_val = 300000, .unit = OSMO_TDEF_MS, .desc = "initial BLO sent: alert, repeat" },
	{ .T = 14, .default_val = 15000, .unit = OSMO_TDEF_MS, .desc = "UBL sent, waiting for UBA: repeat" },
	{ .T = 15, .default_val = 300000, .unit = OSMO_TDEF_MS, .desc = "initial UBL sent: alert, repeat" },
	{ .T = 16, .default_val = 15000, .unit = OSMO_TDEF_MS, .desc = "RSC sent, waiting for RLC: repeat" },
	{ .T = 17, .default_val = 300000, .unit = OSMO_TDEF_MS, .desc = "initial RSC sent: alert, repeat" },
	{ .T = 18, .default_val = 15000, .unit = OSMO_TDEF_MS, .desc = "CGB sent, waiting for CGBA: repeat" },
	{ .T = 19, .default_val = 300000, .unit = OSMO_TDEF_MS, .desc = "initial CGB sent: alert, repeat" },
	{ .T = 20, .default_val = 15000, .unit = OSMO_TDEF_MS, .desc = "CGU sent, waiting for CGUA: repeat" },
	{ .T = 21, .default_val = 300000, .unit = OSMO_TDEF_MS, .desc = "initial CGU sent: alert, repeat" },
	{ .T = 22, .default_val = 15000, .unit = OSMO_TDEF_MS, .desc = "GRS sent, waiting for GRA: repeat" },
	{ .T = 23, .default_val = 300000, .unit = OSMO_TDEF_MS, .desc = "initial GRS sent: alert, repeat" },
	{ .T = 27, .default_val = 240000, .unit = OSMO_TDEF_MS, .desc = "COT failure received, waiting for CCR" },
	{ .T = 33, .default_val = 12000, .unit = OSMO_TDEF_MS, .desc = "INR sent, waiting for INF" },
	{ .T = 35, .default_val = 15000, .unit = OSMO_TDEF_MS, .desc = "waiting for more digits (overlap)" },
	{}
};

unsigned long cgroup_T_ms(struct isup_cgroup *cg, int T)
{
	return osmo_tdef_get(cg->T, T, OSMO_TDEF_MS, 15000);
}

void cgroup_timer_schedule(struct isup_cgroup *cg, struct osmo_timer_list *t, int T)
{
	unsigned long ms = cgroup_T_ms(cg, T);
	osmo_timer_schedule(t, ms / 1000, (ms % 1000) * 1000);
}

static void grs_pace_cb(void *data);
static void t22_cb(void *data);
static void t23_cb(void *data);
static void cgb_short_cb(void *data);
static void cgb_long_cb(void *data);

struct isup_cgroup *cgroup_alloc(struct isup_node *node, const char *name)
{
	struct isup_cgroup *cg = talloc_zero(node, struct isup_cgroup);
	cg->node = node;
	cg->name = talloc_strdup(cg, name);
	cg->T = talloc_memdup(cg, cgroup_tdefs_default, sizeof(cgroup_tdefs_default));
	osmo_tdefs_reset(cg->T);
	cg->parity = CG_PAR_CONTROLLED;
	INIT_LLIST_HEAD(&cg->grs_tx);
	osmo_timer_setup(&cg->grs_pace, grs_pace_cb, cg);
	osmo_timer_setup(&cg->t22, t22_cb, cg);
	osmo_timer_setup(&cg->t23, t23_cb, cg);
	osmo_timer_setup(&cg->cgb_tx.t_short, cgb_short_cb, cg);
	osmo_timer_setup(&cg->cgb_tx.t_long, cgb_long_cb, cg);
	llist_add_tail(&cg->list, &node->cgroups);
	cgroup_stats_alloc(cg);
	return cg;
}

void cgroup_free(struct isup_cgroup *cg)
{
	osmo_timer_del(&cg->grs_pace);
	osmo_timer_del(&cg->t22);
	osmo_timer_del(&cg->t23);
	osmo_timer_del(&cg->cgb_tx.t_short);
	osmo_timer_del(&cg->cgb_tx.t_long);
	for (unsigned int i = 0; i < cg->num_ccts; i++)
		circuit_free(cg->ccts[i]);
	cgroup_stats_free(cg);
	llist_del(&cg->list);
	talloc_free(cg);
}

struct isup_cgroup *cgroup_find(struct isup_node *node, const char *name)
{
	struct isup_cgroup *cg;
	llist_for_each_entry(cg, &node->cgroups, list)
		if (!strcmp(cg->name, name))
			return cg;
	return NULL;
}

/* index of the first circuit with a CIC >= cic in ccts[] (sorted by CIC); num_ccts if none */
static unsigned int cct_lower_bound(const struct isup_cgroup *cg, unsigned int cic)
{
	unsigned int lo = 0, hi = cg->num_ccts;
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		if (cg->ccts[mid]->cic < cic)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct isup_circuit *cgroup_cct(struct isup_cgroup *cg, uint16_t cic)
{
	unsigned int i = cct_lower_bound(cg, cic);
	return i < cg->num_ccts && cg->ccts[i]->cic == cic ? cg->ccts[i] : NULL;
}

struct isup_cgroup *cgroup_find_by_dpc_cic(struct isup_node *node, uint32_t dpc, uint16_t cic)
{
	struct isup_cgroup *cg;
	llist_for_each_entry(cg, &node->cgroups, list)
		if (cg->dpc_valid && cg->dpc == dpc && cgroup_cct(cg, cic))
			return cg;
	return NULL;
}

static struct isup_circuit *node_cct(struct isup_node *node, uint32_t dpc, uint16_t cic)
{
	struct isup_cgroup *cg = cgroup_find_by_dpc_cic(node, dpc, cic);
	return cg ? cgroup_cct(cg, cic) : NULL;
}

static bool node_has_dpc(struct isup_node *node, uint32_t dpc)
{
	struct isup_cgroup *cg;
	llist_for_each_entry(cg, &node->cgroups, list)
		if (cg->dpc_valid && cg->dpc == dpc)
			return true;
	return false;
}

static int cct_cmp(const void *a, const void *b)
{
	const struct isup_circuit *x = *(const struct isup_circuit **)a, *y = *(const struct isup_circuit **)b;
	return (int)x->cic - (int)y->cic;
}

int cgroup_add_cics(struct isup_cgroup *cg, unsigned int first, unsigned int last, const char *bearer_ip,
		    int bearer_port, int port_step)
{
	for (unsigned int cic = first; cic <= last; cic++) {
		char bearer[96];
		struct isup_circuit *cct = cgroup_cct(cg, cic);
		if (bearer_ip)
			snprintf(bearer, sizeof(bearer), "%s:%d", bearer_ip, bearer_port + (int)(cic - first) * port_step);
		if (cct) {
			talloc_free(cct->bearer);
			cct->bearer = bearer_ip ? talloc_strdup(cct, bearer) : NULL;
			continue;
		}
		cct = circuit_alloc(cg, cic, bearer_ip ? bearer : NULL);
		cg->ccts = talloc_realloc(cg, cg->ccts, struct isup_circuit *, cg->num_ccts + 1);
		cg->ccts[cg->num_ccts++] = cct;
	}
	qsort(cg->ccts, cg->num_ccts, sizeof(cg->ccts[0]), cct_cmp);
	return 0;
}

int cgroup_del_cics(struct isup_cgroup *cg, unsigned int first, unsigned int last)
{
	unsigned int j = 0;
	for (unsigned int i = 0; i < cg->num_ccts; i++) {
		struct isup_circuit *cct = cg->ccts[i];
		if (cct->cic >= first && cct->cic <= last && circuit_idle(cct) && !cct->call)
			circuit_free(cct);
		else
			cg->ccts[j++] = cct;
	}
	cg->num_ccts = j;
	return 0;
}

int cgroup_start(struct isup_cgroup *cg)
{
	int pc;
	if (!cg->dpc_str) {
		LOGP(DISUP, LOGL_ERROR, "circuit-group %s: no point-code configured\n", cg->name);
		return -1;
	}
	pc = isup_mtp_pc_parse(cg->node->mtp, cg->dpc_str);
	if (pc < 0) {
		LOGP(DISUP, LOGL_ERROR, "circuit-group %s: invalid point code %s\n", cg->name, cg->dpc_str);
		return -1;
	}
	cg->dpc = pc;
	cg->dpc_valid = true;
	cg->started = true;
	cg->paused = !isup_mtp_route_available(cg->node->mtp, pc);
	isup_mtp_route_add(cg->node->mtp, pc);
	return 0;
}

int cgroup_tx(struct isup_cgroup *cg, const struct isup_msg *msg)
{
	char sum[256];
	if (!cg->node->mtp)
		return -1;
	isup_msg_summary(sum, sizeof(sum), msg);
	LOGP(DISUP, LOGL_INFO, "tx %s -> %s\n", sum, cg->dpc_str);
	cgroup_stats_msg(cg, msg, true);
	return isup_mtp_send(cg->node->mtp, cg->dpc, msg);
}

/* Q.764 2.9.1.4: the exchange with the higher signalling point code controls the even CICs */
bool cgroup_controls(const struct isup_cgroup *cg, uint16_t cic)
{
	bool higher = cg->node->mtp && cg->node->mtp->opc > cg->dpc;
	return higher ? (cic % 2 == 0) : (cic % 2 == 1);
}

static bool parity_preferred(const struct isup_cgroup *cg, uint16_t cic)
{
	switch (cg->parity) {
	case CG_PAR_EVEN: return cic % 2 == 0;
	case CG_PAR_ODD: return cic % 2 == 1;
	case CG_PAR_CONTROLLED: return cgroup_controls(cg, cic);
	default: return true;
	}
}

/* Q.764 2.9.1.3: circuit selection (method 2: prefer the circuits this exchange controls).
 * One walk over ccts[] (sorted by CIC) from where the strategy starts, stopping at the first usable
 * circuit: the hunt is done per call, and a full scan of thousands of circuits was a top cost at
 * carrier rates. "random" starts at a random circuit and takes the next usable one upwards. */
struct isup_circuit *cgroup_select(struct isup_cgroup *cg, const struct isup_circuit *exclude)
{
	unsigned int n = cg->num_ccts, start = 0;
	bool down = false;

	if (!n)
		return NULL;
	switch (cg->sel) {
	case CG_SEL_LOWEST:
		break;
	case CG_SEL_HIGHEST:
		start = n - 1;
		down = true;
		break;
	case CG_SEL_RANDOM:
		start = random() % n;
		break;
	case CG_SEL_ROUND_ROBIN:
		/* the first circuit with CIC >= rr_next, wrapping to the lowest */
		start = cct_lower_bound(cg, cg->rr_next) % n;
		break;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned int k = 0; k < n; k++) {
			unsigned int i = down ? (start + n - k) % n : (start + k) % n;
			struct isup_circuit *cct = cg->ccts[i];
			if (cct == exclude || !circuit_usable_out(cct))
				continue;
			if (pass == 0 && !parity_preferred(cg, cct->cic))
				continue;
			if (cg->sel == CG_SEL_ROUND_ROBIN)
				cg->rr_next = cct->cic + 1;
			return cct;
		}
		if (cg->parity == CG_PAR_NONE)
			break;	/* the second pass would see the same circuits */
	}
	return NULL;
}

/* ---- range and status helpers ---------------------------------------------------------- */

static void msg_set_rs(struct isup_msg *m, const struct isup_range_status *rs)
{
	uint8_t raw[40];
	int len = isup_range_status_encode(rs, raw, sizeof(raw));
	if (len > 0)
		isup_msg_set(m, ISUP_PRM_RANGE_STATUS, raw, len);
}

static int msg_get_rs(const struct isup_msg *msg, struct isup_range_status *rs)
{
	const struct isup_param *p = isup_msg_find_const(msg, ISUP_PRM_RANGE_STATUS);
	memset(rs, 0, sizeof(*rs));
	if (!p || isup_range_status_decode(rs, p->val, p->len) < 0)
		return -1;
	return 0;
}

static uint8_t msg_cgsmt(const struct isup_msg *msg)
{
	const struct isup_param *p = isup_msg_find_const(msg, ISUP_PRM_CGSMT);
	return p && p->len ? (p->val[0] & 3) : 0;
}

/* ---- GRS (Q.764 2.9.3.3 / 2.9.3.4) ------------------------------------------------------- */

static void grs_send_one(struct isup_cgroup *cg, struct cg_grs_tx *g)
{
	struct isup_msg m;
	struct isup_range_status rs = { .range = g->range };
	isup_msg_init(&m, cg->node->cfg.variant, ISUP_GRS, g->cic);
	msg_set_rs(&m, &rs);
	g->sent = true;
	cg->tx_grs++;
	cgroup_tx(cg, &m);
}

/* pacing: one GRS per tick */
static void grs_pace_cb(void *data)
{
	struct isup_cgroup *cg = data;
	struct cg_grs_tx *g;
	llist_for_each_entry(g, &cg->grs_tx, list) {
		if (!g->sent) {
			grs_send_one(cg, g);
			osmo_timer_schedule(&cg->grs_pace, 0, 50 * 1000);
			return;
		}
	}
}

static void grs_resend_all(struct isup_cgroup *cg)
{
	struct cg_grs_tx *g;
	llist_for_each_entry(g, &cg->grs_tx, list)
		g->sent = false;
	grs_pace_cb(cg);
}

static void t22_cb(void *data)
{
	struct isup_cgroup *cg = data;
	LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: T22 expired, GRS repeated\n", cg->name);
	grs_resend_all(cg);
	cgroup_timer_schedule(cg, &cg->t22, 22);
}

static void t23_cb(void *data)
{
	struct isup_cgroup *cg = data;
	/* Q.764 2.9.3.3: T23: alert maintenance, repeat GRS, restart T23, stop T22 */
	LOGP(DISUP, LOGL_ERROR, "circuit-group %s: T23 expired, no GRA: maintenance alerted, GRS repeated\n",
	     cg->name);
	osmo_timer_del(&cg->t22);
	grs_resend_all(cg);
	cgroup_timer_schedule(cg, &cg->t23, 23);
}

int cgroup_send_grs(struct isup_cgroup *cg, uint16_t first, uint16_t last)
{
	struct cg_grs_tx *g = NULL;
	unsigned int n = 0;
	for (unsigned int i = 0; i < cg->num_ccts; i++) {
		struct isup_circuit *cct = cg->ccts[i];
		if (cct->cic < first || cct->cic > last)
			continue;
		/* one GRS per run of up to 32 consecutive CICs */
		if (!g || cct->cic != g->cic + g->range + 1 || g->range >= 31) {
			g = talloc_zero(cg, struct cg_grs_tx);
			g->cic = cct->cic;
			g->range = 0;
			llist_add_tail(&g->list, &cg->grs_tx);
			n++;
		} else {
			g->range++;
		}
		/* the circuit is reset locally: calls released, remote blocking removed */
		circuit_reset_rx(cct, true);
		cct->grs_pending = true;
	}
	if (!n)
		return -1;
	/* a lone CIC cannot be reset by GRS (range 0 is reserved): use RSC for it */
	struct cg_grs_tx *g2, *g3;
	llist_for_each_entry_safe(g2, g3, &cg->grs_tx, list) {
		if (g2->range == 0 && !g2->sent) {
			struct isup_circuit *cct = cgroup_cct(cg, g2->cic);
			llist_del(&g2->list);
			talloc_free(g2);
			if (cct) {
				cct->grs_pending = false;
				circuit_send_rsc(cct);
			}
		}
	}
	if (llist_empty(&cg->grs_tx))
		return 0;
	if (!osmo_timer_pending(&cg->grs_pace))
		grs_pace_cb(cg);
	cgroup_timer_schedule(cg, &cg->t22, 22);
	if (!osmo_timer_pending(&cg->t23))
		cgroup_timer_schedule(cg, &cg->t23, 23);
	return 0;
}

void cgroup_send_grs_all(struct isup_cgroup *cg)
{
	if (!cg->num_ccts)
		return;
	cgroup_send_grs(cg, 0, 0xffff);
}

static void rx_gra(struct isup_cgroup *cg, const struct isup_msg *msg)
{
	struct isup_range_status rs;
	struct cg_grs_tx *g, *g2;
	bool found = false;
	if (msg_get_rs(msg, &rs) < 0)
		return;
	llist_for_each_entry_safe(g, g2, &cg->grs_tx, list) {
		if (g->cic != msg->cic || g->range != rs.range)
			continue;
		found = true;
		for (unsigned int i = 0; i <= rs.range; i++) {
			struct isup_circuit *cct = cgroup_cct(cg, g->cic + i);
			if (!cct)
				continue;
			cct->grs_pending = false;
			cct->alarm = false;
			/* Q.764 2.9.3.3: a status bit set: the circuit is maintenance blocked at the far end */
			cct->rbl_maint = rs.status_present && isup_range_status_bit(&rs, i);
		}
		llist_del(&g->list);
		talloc_free(g);
	}
	if (!found) {
		LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: unexpected GRA cic=%u range=%u discarded\n", cg->name,
		     msg->cic, rs.range);
		return;
	}
	if (llist_empty(&cg->grs_tx)) {
		osmo_timer_del(&cg->t22);
		osmo_timer_del(&cg->t23);
		osmo_timer_del(&cg->grs_pace);
	}
}

static void rx_grs(struct isup_node *node, uint32_t opc, const struct isup_msg *msg)
{
	struct isup_range_status rs, ans = { 0 };
	struct isup_msg m;
	if (msg_get_rs(msg, &rs) < 0)
		return;
	/* Q.764 2.9.3.4 / Q.763 3.43: range 1..31 (ITU); other values: message discarded */
	if (rs.range < 1 || rs.range > 31) {
		LOGP(DISUP, LOGL_NOTICE, "GRS cic=%u with invalid range %u discarded\n", msg->cic, rs.range);
		return;
	}
	ans.range = rs.range;
	ans.status_present = true;
	for (unsigned int i = 0; i <= rs.range; i++) {
		struct isup_circuit *cct = node_cct(node, opc, msg->cic + i);
		if (!cct)
			continue;
		cct->cg->rx_grs++;
		circuit_reset_rx(cct, true);
		/* Q.764 2.9.3.4: locally maintenance blocked circuits are indicated in the GRA */
		if (cct->lbl_maint)
			isup_range_status_set_bit(&ans, i, true);
	}
	isup_msg_init(&m, node->cfg.variant, ISUP_GRA, msg->cic);
	msg_set_rs(&m, &ans);
	isup_mtp_send(node->mtp, opc, &m);
}

/* ---- CGB / CGU (Q.764 2.8.2) ----------------------------------------------------------- */

static void cgb_tx_send(struct isup_cgroup *cg)
{
	struct cg_cgb_tx *c = &cg->cgb_tx;
	struct isup_msg m;
	isup_msg_init(&m, cg->node->cfg.variant, c->type, c->cic);
	isup_msg_set(&m, ISUP_PRM_CGSMT, &c->cgsmt, 1);
	msg_set_rs(&m, &c->rs);
	cgroup_tx(cg, &m);
}

static void cgb_short_cb(void *data)
{
	struct isup_cgroup *cg = data;
	int T = cg->cgb_tx.type == ISUP_CGB ? 18 : 20;
	LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: T%d expired, %s repeated\n", cg->name, T,
	     isup_msg_name(cg->cgb_tx.type));
	cgb_tx_send(cg);
	cgroup_timer_schedule(cg, &cg->cgb_tx.t_short, T);
}

static void cgb_long_cb(void *data)
{
	struct isup_cgroup *cg = data;
	int T = cg->cgb_tx.type == ISUP_CGB ? 19 : 21;
	LOGP(DISUP, LOGL_ERROR, "circuit-group %s: T%d expired: maintenance alerted, %s repeated\n", cg->name, T,
	     isup_msg_name(cg->cgb_tx.type));
	osmo_timer_del(&cg->cgb_tx.t_short);
	cgb_tx_send(cg);
	cgroup_timer_schedule(cg, &cg->cgb_tx.t_long, T);
}

int cgroup_send_cgb(struct isup_cgroup *cg, bool block, uint16_t first, uint16_t last, bool hw)
{
	struct cg_cgb_tx *c = &cg->cgb_tx;
	if (last < first || last - first > 31)
		return -1;
	memset(&c->rs, 0, sizeof(c->rs));
	c->rs.range = last - first;
	c->rs.status_present = true;
	c->type = block ? ISUP_CGB : ISUP_CGU;
	c->cgsmt = hw ? ISUP_CGSMT_HARDWARE : ISUP_CGSMT_MAINTENANCE;
	c->cic = first;
	for (unsigned int i = 0; i <= c->rs.range; i++) {
		struct isup_circuit *cct = cgroup_cct(cg, first + i);
		if (!cct)
			continue;
		isup_range_status_set_bit(&c->rs, i, true);
		circuit_local_group_block(cct, block, hw);
	}
	c->active = true;
	cgb_tx_send(cg);
	cgroup_timer_schedule(cg, &c->t_short, block ? 18 : 20);
	cgroup_timer_schedule(cg, &c->t_long, block ? 19 : 21);
	return 0;
}

static void rx_cgb_cgu(struct isup_node *node, uint32_t opc, const struct isup_msg *msg)
{
	struct isup_range_status rs, ans = { 0 };
	struct isup_msg m;
	bool block = msg->type == ISUP_CGB;
	uint8_t cgsmt = msg_cgsmt(msg);
	if (msg_get_rs(msg, &rs) < 0 || !rs.status_present)
		return;
	if (rs.range < 1 || rs.range > 31 || cgsmt > 1) {
		LOGP(DISUP, LOGL_NOTICE, "%s cic=%u range=%u type=%u: discarded\n", isup_msg_name(msg->type),
		     msg->cic, rs.range, cgsmt);
		return;
	}
	ans.range = rs.range;
	ans.status_present = true;
	for (unsigned int i = 0; i <= rs.range; i++) {
		struct isup_circuit *cct;
		if (!isup_range_status_bit(&rs, i))
			continue;
		cct = node_cct(node, opc, msg->cic + i);
		if (!cct)
			continue;
		circuit_remote_group_block(cct, block, cgsmt == ISUP_CGSMT_HARDWARE);
		isup_range_status_set_bit(&ans, i, true);
	}
	isup_msg_init(&m, node->cfg.variant, block ? ISUP_CGBA : ISUP_CGUA, msg->cic);
	isup_msg_set(&m, ISUP_PRM_CGSMT, &cgsmt, 1);
	msg_set_rs(&m, &ans);
	isup_mtp_send(node->mtp, opc, &m);
}

static void rx_cgba_cgua(struct isup_cgroup *cg, const struct isup_msg *msg)
{
	struct cg_cgb_tx *c = &cg->cgb_tx;
	uint8_t want = c->type == ISUP_CGB ? ISUP_CGBA : ISUP_CGUA;
	if (!c->active || msg->type != want || msg->cic != c->cic) {
		LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: unexpected %s cic=%u discarded\n", cg->name,
		     isup_msg_name(msg->type), msg->cic);
		return;
	}
	c->active = false;
	osmo_timer_del(&c->t_short);
	osmo_timer_del(&c->t_long);
}

/* ---- CQM / CQR (Q.764 2.8.3) -------------------------------------------------------------- */

int cgroup_send_cqm(struct isup_cgroup *cg, uint16_t first, uint16_t last)
{
	struct isup_msg m;
	struct isup_range_status rs = { .range = last - first };
	if (last < first || last - first > 31)
		return -1;
	isup_msg_init(&m, cg->node->cfg.variant, ISUP_CQM, first);
	msg_set_rs(&m, &rs);
	return cgroup_tx(cg, &m);
}

static void rx_cqm(struct isup_node *node, uint32_t opc, const struct isup_msg *msg)
{
	struct isup_range_status rs;
	struct isup_msg m;
	uint8_t csi[32];
	if (msg_get_rs(msg, &rs) < 0 || rs.range > 31)
		return;
	for (unsigned int i = 0; i <= rs.range; i++) {
		struct isup_circuit *cct = node_cct(node, opc, msg->cic + i);
		csi[i] = cct ? circuit_state_ind(cct) : 0x03;	/* unequipped */
	}
	rs.status_present = false;
	isup_msg_init(&m, node->cfg.variant, ISUP_CQR, msg->cic);
	msg_set_rs(&m, &rs);
	isup_msg_set(&m, ISUP_PRM_CIRCUIT_STATE_IND, csi, rs.range + 1);
	isup_mtp_send(node->mtp, opc, &m);
}

/* ---- unknown messages / parameters (Q.764 2.9.5.3) ----------------------------------------- */

static bool param_known(uint8_t code)
{
	return isup_param_known(code);
}

/* Look for the message compatibility information in an unrecognised message, assuming the
 * Q.763 1.8 format of new messages (pointer to the optional part first). */
static bool unknown_msg_mci(const struct isup_msg *msg, struct isup_compat_instr *ci)
{
	unsigned int len = msg->raw_body_len, o;
	if (len < 1 || msg->raw_body[0] == 0)
		return false;
	o = msg->raw_body[0];
	while (o < len && msg->raw_body[o] != 0) {
		uint8_t code = msg->raw_body[o];
		if (o + 1 >= len || o + 2 + msg->raw_body[o + 1] > len)
			return false;
		if (code == ISUP_PRM_MSG_COMPAT_INFO)
			return isup_msg_compat_decode(ci, &msg->raw_body[o + 2], msg->raw_body[o + 1]) == 0;
		o += 2 + msg->raw_body[o + 1];
	}
	return false;
}

static void rx_unknown_msg(struct isup_node *node, uint32_t opc, struct isup_circuit *cct, const struct isup_msg *msg)
{
	struct isup_compat_instr ci;
	uint8_t diag = msg->type;
	bool have = unknown_msg_mci(msg, &ci);
	struct isup_cgroup *cg = cct ? cct->cg : NULL;

	LOGP(DISUP, LOGL_NOTICE, "unrecognised message type 0x%02x cic=%u (%s compatibility information)\n",
	     msg->type, msg->cic, have ? "with" : "without");
	if (!cg)
		return;
	if (!have) {
		/* Q.764 2.9.5.3.1: no instructions: discard, send confusion */
		isup_tx_cfn(cg, msg->cic, 97, &diag, 1);
		return;
	}
	if (!ci.end_node_only && cct->call && node->cfg.pass_on_unknown_params && node->call_ops &&
	    node->call_ops->pass_on_ind) {
		/* Q.764 2.9.5.3.1: transit interpretation, where the layer above carries ISUP on */
		struct isup_call *call = cct->call;
		switch (node->call_ops->pass_on_ind(call, msg, node->call_app)) {
		case ISUP_PASS_ON_DONE:
			LOGPFSML(cct->fi, LOGL_INFO, "unrecognised message 0x%02x passed on\n", msg->type);
			return;
		case ISUP_PASS_ON_NOT_POSSIBLE:
			/* the "pass on not possible" indicator: release the call or discard */
			LOGPFSML(cct->fi, LOGL_NOTICE, "unrecognised message 0x%02x: pass on not possible: %s\n",
				 msg->type, ci.pass_on_not_possible ? "discarded" : "call released");
			if (!ci.pass_on_not_possible && cct->call)
				circuit_release_local(cct, 97);
			else if (ci.send_notification)
				isup_tx_cfn(cg, msg->cic, 97, &diag, 1);
			return;
		case ISUP_PASS_ON_END_NODE:
			break;
		}
	}
	if (ci.release_call && cct->call) {
		circuit_release_local(cct, 97);
		return;
	}
	if (ci.send_notification)
		isup_tx_cfn(cg, msg->cic, 97, &diag, 1);
}

/* Returns false when the message is consumed (discarded or the call released) */
static bool check_unknown_params(struct isup_circuit *cct, struct isup_msg *msg)
{
	struct isup_param_compat pci = { 0 };
	const struct isup_param *pp = isup_msg_find_const(msg, ISUP_PRM_PARAM_COMPAT_INFO);
	uint8_t notify[32];
	unsigned int n_notify = 0;
	bool have_pci = pp && isup_param_compat_decode(&pci, pp->val, pp->len) == 0;

	for (unsigned int i = 0; i < msg->num_params; i++) {
		struct isup_param *p = &msg->params[i];
		const struct isup_compat_instr *in = NULL;
		if (p->part != ISUP_PART_OPTIONAL || param_known(p->code))
			continue;
		for (unsigned int k = 0; have_pci && k < pci.num; k++)
			if (pci.entry[k].code == p->code)
				in = &pci.entry[k].instr;
		bool pass_on = cct->cg->node->cfg.pass_on_unknown_params && (!in || !in->end_node_only);
		LOGPFSML(cct->fi, LOGL_INFO, "unrecognised parameter 0x%02x in %s (%s)\n", p->code,
			 isup_msg_name(msg->type), pass_on ? "passed on" : in ? "with instructions" :
			 "no instructions: discarded");
		if (pass_on) {
			/* Q.764 2.9.5.3.2: transit interpretation - passed on unchanged */
			continue;
		} else if (!in) {
			/* Q.764 2.9.5.3.2: no instructions: the parameter is discarded */
		} else if (in->release_call) {
			uint8_t d = p->code;
			if (cct->call || !circuit_idle(cct)) {
				osmo_fsm_inst_dispatch(cct->fi, CCT_EV_RELEASE_LOCAL, &(uint8_t){ 99 });
				(void)d;
			}
			return false;
		} else if (in->discard_msg) {
			/* Q.764 2.9.5.3.2: message discarded because of the parameter: the
			 * notification is a CFN with cause 110 (Q.850: message with unrecognized
			 * parameter, discarded) */
			if (in->send_notification)
				isup_tx_cfn(cct->cg, msg->cic, 110, &p->code, 1);
			return false;
		} else if (in->send_notification && n_notify < sizeof(notify)) {
			notify[n_notify++] = p->code;
		}
		isup_msg_remove(msg, p->code);
		i--;
	}
	if (n_notify)
		isup_tx_cfn(cct->cg, msg->cic, 99, notify, n_notify);
	return true;
}

/* ---- receive dispatch ------------------------------------------------------------------ */

static void send_ucic(struct isup_node *node, uint32_t opc, uint16_t cic)
{
	struct isup_msg m;
	isup_msg_init(&m, node->cfg.variant, ISUP_UCIC, cic);
	isup_mtp_send(node->mtp, opc, &m);
}

/* Q.764 2.10.5 (unreasonable signalling information): a message with a format error (wrong
 * length, pointer outside the message, mandatory parameter missing) is discarded; a REL is still
 * a release (the sender waits for RLC): it is treated as a REL without a readable cause, so that
 * the circuit cannot hang. Returns false when not even CIC and message type could be read. */
static bool rx_format_error(struct isup_node *node, const struct isup_mtp_rx *rx)
{
	struct isup_circuit *cct;
	struct isup_msg rel;
	if (rx->raw_len < 3)
		return false;
	cct = node_cct(node, rx->opc, rx->msg->cic);
	if (!cct) {
		LOGP(DISUP, LOGL_NOTICE, "message 0x%02x with a format error on unequipped CIC %u discarded\n",
		     rx->msg->type, rx->msg->cic);
		return true;
	}
	if (rx->msg->type != ISUP_REL) {
		LOGPFSML(cct->fi, LOGL_NOTICE, "%s with a format error (%s) discarded\n", isup_msg_name(rx->msg->type),
			 isup_strerror(rx->decode_rc));
		return true;
	}
	LOGPFSML(cct->fi, LOGL_NOTICE, "REL with a format error (%s): released as cause 31, RLC sent\n",
		 isup_strerror(rx->decode_rc));
	isup_msg_init(&rel, node->cfg.variant, ISUP_REL, rx->msg->cic);
	{
		struct isup_cause c = { .location = ISUP_LOC_PUB_LOCAL, .value = 31 };
		uint8_t raw[8];
		int len = isup_cause_encode(&c, raw, sizeof(raw));
		if (len > 0)
			isup_msg_set(&rel, ISUP_PRM_CAUSE, raw, len);
	}
	circuit_rx(cct, &rel);
	return true;
}

bool cgroups_rx(struct isup_node *node, const struct isup_mtp_rx *rx)
{
	struct isup_msg *msg = rx->msg;
	struct isup_circuit *cct;
	struct isup_cgroup *cg;

	if (!node_has_dpc(node, rx->opc))
		return false;	/* no circuits with this exchange: node-level fallback */
	if (rx->decode_rc != ISUP_OK && rx->decode_rc != ISUP_ERR_UNKNOWN_MSG)
		return rx_format_error(node, rx);
	cg = cgroup_find_by_dpc_cic(node, rx->opc, msg->cic);
	if (cg)
		cgroup_stats_msg(cg, msg, false);
	switch (msg->type) {
	case ISUP_UPT:
	case ISUP_UPA:
		return false;	/* node level */
	case ISUP_GRS:
		rx_grs(node, rx->opc, msg);
		return true;
	case ISUP_CGB:
	case ISUP_CGU:
		rx_cgb_cgu(node, rx->opc, msg);
		return true;
	case ISUP_CQM:
		rx_cqm(node, rx->opc, msg);
		return true;
	}

	cct = node_cct(node, rx->opc, msg->cic);
	if (!cct) {
		/* Q.764 2.12: unequipped circuit: UCIC, message discarded */
		if (msg->type != ISUP_UCIC) {
			LOGP(DISUP, LOGL_NOTICE, "%s on unequipped CIC %u from %s: UCIC\n", isup_msg_name(msg->type),
			     msg->cic, isup_mtp_pc_str(node->mtp, rx->opc));
			send_ucic(node, rx->opc, msg->cic);
		}
		return true;
	}
	cg = cct->cg;
	if (rx->decode_rc == ISUP_ERR_UNKNOWN_MSG || !msg->known) {
		rx_unknown_msg(node, rx->opc, cct, msg);
		return true;
	}
	switch (msg->type) {
	case ISUP_GRA:
		rx_gra(cg, msg);
		return true;
	case ISUP_CGBA:
	case ISUP_CGUA:
		rx_cgba_cgua(cg, msg);
		return true;
	case ISUP_CQR:
		LOGP(DISUP, LOGL_INFO, "CQR cic=%u received\n", msg->cic);
		return true;
	case ISUP_UCIC:
		LOGP(DISUP, LOGL_ERROR, "UCIC: CIC %u unequipped at %s: circuit locally blocked\n", msg->cic,
		     cg->dpc_str);
		cct->lbl_maint = true;
		if (cct->call || !circuit_idle(cct))
			osmo_fsm_inst_dispatch(cct->fi, CCT_EV_HW_BLOCK, NULL);
		return true;
	case ISUP_CFN:
		LOGP(DISUP, LOGL_NOTICE, "CFN cic=%u received\n", msg->cic);
		return true;
	}
	if (!check_unknown_params(cct, msg))
		return true;
	circuit_rx(cct, msg);
	return true;
}

void cgroup_route_ind(struct isup_cgroup *cg, bool available)
{
	if (!available) {
		/* MTP-PAUSE: no new calls towards the DPC. The calls in progress cannot be cleared
		 * by signalling any more: they are released toward the call layer (cause 38) and
		 * their circuits reset by the GRS on MTP-RESUME (circuit.c, CCT_EV_ROUTE_LOST). */
		unsigned int n = 0;
		cg->paused = true;
		for (unsigned int i = 0; i < cg->num_ccts; i++) {
			if (circuit_idle(cg->ccts[i]) && !cg->ccts[i]->call)
				continue;
			n++;
			circuit_route_lost(cg->ccts[i]);
		}
		LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: DPC %s paused, no new calls, %u calls released\n",
		     cg->name, cg->dpc_str, n);
		return;
	}
	LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: DPC %s resumed, circuits reset with GRS\n", cg->name,
	     cg->dpc_str);
	cg->paused = false;
	cgroup_send_grs_all(cg);
}

/* ---- the call API (isup_call.h) ------------------------------------------------------------ */

void isup_call_register(struct isup_node *node, const struct isup_call_ops *ops, void *app)
{
	node->call_ops = ops;
	node->call_app = app;
}

void call_setup_ind(struct isup_call *call, const struct isup_msg *iam)
{
	struct isup_node *node = call->node;
	call->cg = call->cct->cg;
	if (node->refuse_cause && call->cct)
		isup_call_release(call, node->refuse_cause);	/* going out of service */
	else if (node->call_ops && node->call_ops->setup_ind)
		node->call_ops->setup_ind(call, iam, node->call_app);
	else if (call->cct)
		isup_call_release(call, 47);	/* no call layer: resource unavailable */
}

void call_msg_ind(struct isup_call *call, const struct isup_msg *msg)
{
	struct isup_node *node;
	if (!call)
		return;
	node = call->node;
	if (node->call_ops && node->call_ops->msg_ind)
		node->call_ops->msg_ind(call, msg, node->call_app);
}

void call_release_ind(struct isup_call *call, uint8_t cause)
{
	struct isup_node *node = call->node;
	if (node->call_ops && node->call_ops->release_ind)
		node->call_ops->release_ind(call, cause, node->call_app);
	talloc_free(call);
}

bool call_repeat_attempt(struct isup_call *call)
{
	struct isup_circuit *old = NULL, *cct;
	struct isup_node *node = call->node;
	uint16_t old_cic = call->iam.cic;
	if (!call->outgoing || call->repeats >= 1 || call->cg->paused)
		return false;
	for (unsigned int i = 0; i < call->cg->num_ccts; i++)
		if (call->cg->ccts[i]->cic == old_cic)
			old = call->cg->ccts[i];
	cct = cgroup_select(call->cg, old);
	if (!cct)
		return false;
	call->repeats++;
	call->cg->repeat_attempts++;
	call->iam.cic = cct->cic;
	LOGP(DISUP, LOGL_NOTICE, "automatic repeat attempt: call moved from CIC %u to CIC %u\n", old_cic, cct->cic);
	circuit_call_start(cct, call);
	if (node->call_ops && node->call_ops->cic_changed_ind)
		node->call_ops->cic_changed_ind(call, old_cic, node->call_app);
	return true;
}

struct isup_call *isup_call_setup(struct isup_node *node, const char *group, int cic,
				  const struct isup_msg *iam, void *priv, uint8_t *cause)
{
	struct isup_cgroup *cg = cgroup_find(node, group);
	struct isup_circuit *cct;
	struct isup_call *call;
	uint8_t dummy;
	if (!cause)
		cause = &dummy;
	if (!cg || !cg->started) {
		*cause = 3;	/* no route to destination */
		return NULL;
	}
	if (cg->paused || cg->dir == CG_DIR_INCOMING) {
		*cause = cg->paused ? 38 : 34;
		return NULL;
	}
	if (cic >= 0) {
		cct = cgroup_cct(cg, cic);
		if (!cct || !circuit_usable_out(cct)) {
			*cause = 44;	/* requested circuit not available */
			return NULL;
		}
	} else {
		cct = cgroup_select(cg, NULL);
		if (!cct) {
			*cause = 34;	/* no circuit available */
			return NULL;
		}
	}
	call = talloc_zero(node, struct isup_call);
	call->node = node;
	call->cg = cg;
	call->outgoing = true;
	call->priv = priv;
	call->iam = *iam;
	call->iam.type = ISUP_IAM;
	call->iam.cic = cct->cic;
	circuit_call_start(cct, call);
	return call;
}

int isup_call_send(struct isup_call *call, const struct isup_msg *msg)
{
	struct isup_circuit *cct = call->cct;
	struct isup_msg m = *msg;
	enum cct_event ev;
	if (!cct)
		return -1;
	m.cic = cct->cic;
	switch (m.type) {
	case ISUP_ACM: case ISUP_CON: case ISUP_ANM: case ISUP_CPG:
		ev = call->outgoing ? CCT_EV_APP_FORWARD : CCT_EV_APP_BACKWARD;
		break;
	case ISUP_SUS: case ISUP_RES:
		ev = CCT_EV_APP_SUSRES;
		break;
	default:
		ev = call->outgoing ? CCT_EV_APP_FORWARD : CCT_EV_APP_BACKWARD;
		break;
	}
	if (!(cct->fi->fsm->states[cct->fi->state].in_event_mask & (1 << ev))) {
		LOGPFSML(cct->fi, LOGL_NOTICE, "call layer: %s not allowed in this state\n", isup_msg_name(m.type));
		return -1;
	}
	return osmo_fsm_inst_dispatch(cct->fi, ev, &m);
}

void isup_call_release(struct isup_call *call, uint8_t cause)
{
	isup_call_release_loc(call, cause, ISUP_LOC_PUB_LOCAL);
}

void isup_call_release_loc(struct isup_call *call, uint8_t cause, uint8_t location)
{
	struct isup_circuit *cct = call->cct;
	if (cct) {
		cct->rel_loc1 = (location & 0x0f) + 1;
		call->cct = NULL;
		osmo_fsm_inst_dispatch(cct->fi, CCT_EV_APP_REL, &cause);
	}
	talloc_free(call);
}

unsigned int isup_node_release_all(struct isup_node *node, uint8_t cause)
{
	struct isup_cgroup *cg;
	unsigned int n = 0;

	node->refuse_cause = cause;
	llist_for_each_entry(cg, &node->cgroups, list) {
		for (unsigned int i = 0; i < cg->num_ccts; i++) {
			struct isup_call *call = cg->ccts[i]->call;
			if (!call)
				continue;
			if (node->call_ops && node->call_ops->release_ind)
				node->call_ops->release_ind(call, cause, node->call_app);
			isup_call_release(call, cause);
			n++;
		}
	}
	return n;
}

unsigned int isup_node_circuits_releasing(const struct isup_node *node)
{
	const struct isup_cgroup *cg;
	unsigned int n = 0;

	llist_for_each_entry(cg, &node->cgroups, list)
		for (unsigned int i = 0; i < cg->num_ccts; i++)
			if (cg->ccts[i]->fi->state == CCT_ST_RELEASING)
				n++;
	return n;
}

uint16_t isup_call_cic(const struct isup_call *call) { return call->cct ? call->cct->cic : call->iam.cic; }
uint32_t isup_call_dpc(const struct isup_call *call) { return call->cg ? call->cg->dpc : 0; }
const char *isup_call_group(const struct isup_call *call) { return call->cg ? call->cg->name : NULL; }
const char *isup_call_bearer(const struct isup_call *call) { return call->cct ? call->cct->bearer : NULL; }
bool isup_call_is_outgoing(const struct isup_call *call) { return call->outgoing; }
void *isup_call_priv(const struct isup_call *call) { return call->priv; }
void isup_call_set_priv(struct isup_call *call, void *priv) { call->priv = priv; }
const char *isup_call_state_name(const struct isup_call *call)
{
	return call->cct ? circuit_state_name(call->cct) : "none";
}

struct isup_call *isup_call_find(struct isup_node *node, const char *group, uint16_t cic)
{
	struct isup_cgroup *cg = cgroup_find(node, group);
	struct isup_circuit *cct = cg ? cgroup_cct(cg, cic) : NULL;
	return cct ? cct->call : NULL;
}

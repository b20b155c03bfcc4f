/* ISUP circuit groups: the table of circuits, CIC lookup, outgoing circuit selection
 * (Q.764 2.9.1.3), start and route state. The group procedures are in cgroup_sup.c, the receive
 * dispatch and the call API in cgroup_rx.c, the compatibility procedures in cgroup_compat.c. */
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

struct isup_cgroup *cgroup_alloc(struct isup_node *node, const char *name)
{
	struct isup_cgroup *cg = talloc_zero(node, struct isup_cgroup);
	cg->node = node;
	cg->name = talloc_strdup(cg, name);
	cg->T = isup_tdefs_alloc(cg);
	cg->parity = CG_PAR_CONTROLLED;
	cgroup_sup_alloc(cg);
	llist_add_tail(&cg->list, &node->cgroups);
	cgroup_stats_alloc(cg);
	return cg;
}

void cgroup_free(struct isup_cgroup *cg)
{
	cgroup_sup_free(cg);
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

struct isup_circuit *cgroup_node_cct(struct isup_node *node, uint32_t dpc, uint16_t cic)
{
	struct isup_cgroup *cg = cgroup_find_by_dpc_cic(node, dpc, cic);
	return cg ? cgroup_cct(cg, cic) : NULL;
}

bool cgroup_node_has_dpc(struct isup_node *node, uint32_t dpc)
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
	cg->paused = false;
	if (cg->node->takeover_hold || cg->resume_no_grs) {
		/* a takeover restores the circuit states (isup_takeover.h): no reset */
		cg->resume_no_grs = false;
		LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: DPC %s resumed, no GRS (takeover)\n", cg->name,
		     cg->dpc_str);
		return;
	}
	LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: DPC %s resumed, circuits reset with GRS\n", cg->name,
	     cg->dpc_str);
	cgroup_send_grs_all(cg);
}


/* Unit test of outgoing circuit selection (Q.764 2.9.1.3): every selection strategy and parity
 * preference against circuits that are busy, blocked or being reset, on real circuit-group and
 * circuit FSM objects (no MTP: the node has no point code, so this side "controls" the odd CICs).
 * TAP-like output, one line per case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/application.h>
#include <osmocom/core/talloc.h>

#include "gw/debug.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"

static int fails;

#define CHECK(cond, ...) do { \
	if (cond) { printf("ok "); } else { printf("not ok "); fails++; } \
	printf(__VA_ARGS__); printf("\n"); } while (0)

static unsigned int sel_cic(struct isup_cgroup *cg, const struct isup_circuit *exclude)
{
	struct isup_circuit *c = cgroup_select(cg, exclude);
	return c ? c->cic : 0;
}

static void set_all(struct isup_cgroup *cg, bool blocked)
{
	for (unsigned int i = 0; i < cg->num_ccts; i++)
		cg->ccts[i]->lbl_maint = blocked;
}

int main(void)
{
	void *ctx = talloc_named_const(NULL, 0, "test");
	struct isup_node *node;
	struct isup_cgroup *cg;
	unsigned int seen[11] = { 0 }, c, n_distinct = 0;

	/* TAP plan: 13 single checks and one per selection strategy with every circuit blocked */
	printf("1..%d\n", 13 + (CG_SEL_RANDOM - CG_SEL_LOWEST + 1));
	osmo_init_logging2(ctx, &sgw_log_info);
	log_set_log_level(osmo_stderr_target, LOGL_ERROR);
	node = isup_node_alloc(ctx);
	cg = cgroup_alloc(node, "t");
	/* two ranges added out of order: the table is kept sorted by CIC */
	cgroup_add_cics(cg, 6, 10, NULL, 0, 0);
	cgroup_add_cics(cg, 1, 5, NULL, 0, 0);
	CHECK(cg->num_ccts == 10 && cg->ccts[0]->cic == 1 && cg->ccts[9]->cic == 10, "10 circuits sorted by CIC");

	/* no point code: odd CICs are the ones this side controls (Q.764 2.9.1.4) */
	cg->parity = CG_PAR_CONTROLLED;
	cg->sel = CG_SEL_LOWEST;
	CHECK(sel_cic(cg, NULL) == 1, "lowest, controlled parity: CIC 1 (got %u)", sel_cic(cg, NULL));
	cg->ccts[0]->lbl_maint = true;	/* 1 blocked */
	CHECK(sel_cic(cg, NULL) == 3, "lowest skips a locally blocked CIC and the even ones: 3 (got %u)", sel_cic(cg, NULL));
	cg->ccts[2]->rbl_hw = true;	/* 3 remotely blocked */
	cg->ccts[4]->grs_pending = true;	/* 5 being reset */
	CHECK(sel_cic(cg, cgroup_cct(cg, 7)) == 9, "lowest skips remote blocking, GRS pending and the excluded CIC: 9 (got %u)",
	      sel_cic(cg, cgroup_cct(cg, 7)));
	cg->ccts[8]->rbl_maint = true;	/* 9 */
	CHECK(sel_cic(cg, cgroup_cct(cg, 7)) == 2,
	      "no controlled CIC left: falls back to the other parity, lowest first: 2 (got %u)",
	      sel_cic(cg, cgroup_cct(cg, 7)));
	cg->ccts[0]->lbl_maint = cg->ccts[2]->rbl_hw = cg->ccts[4]->grs_pending = cg->ccts[8]->rbl_maint = false;

	cg->sel = CG_SEL_HIGHEST;
	CHECK(sel_cic(cg, NULL) == 9, "highest, controlled parity: 9 (got %u)", sel_cic(cg, NULL));
	cg->parity = CG_PAR_NONE;
	CHECK(sel_cic(cg, NULL) == 10, "highest, no parity: 10 (got %u)", sel_cic(cg, NULL));
	cg->parity = CG_PAR_EVEN;
	cg->sel = CG_SEL_LOWEST;
	CHECK(sel_cic(cg, NULL) == 2, "lowest, even parity: 2 (got %u)", sel_cic(cg, NULL));

	/* round robin: each selection starts after the last one, wrapping */
	cg->parity = CG_PAR_NONE;
	cg->sel = CG_SEL_ROUND_ROBIN;
	cg->rr_next = 0;
	{
		char got[64] = "";
		for (int i = 0; i < 12; i++) {
			size_t l = strlen(got);
			snprintf(got + l, sizeof(got) - l, "%s%u", i ? "," : "", sel_cic(cg, NULL));
		}
		CHECK(!strcmp(got, "1,2,3,4,5,6,7,8,9,10,1,2"), "round robin 1..10 and wraps (got %s)", got);
		cg->ccts[3]->lbl_hw = true;	/* 4 */
		got[0] = '\0';
		for (int i = 0; i < 4; i++) {
			size_t l = strlen(got);
			snprintf(got + l, sizeof(got) - l, "%s%u", i ? "," : "", sel_cic(cg, NULL));
		}
		CHECK(!strcmp(got, "3,5,6,7"), "round robin passes over a blocked CIC (got %s)", got);
		cg->ccts[3]->lbl_hw = false;
	}

	/* random: only usable circuits, and more than one of them over many selections */
	cg->sel = CG_SEL_RANDOM;
	cg->ccts[1]->lbl_maint = cg->ccts[6]->lbl_maint = true;	/* 2, 7 */
	srandom(1);
	for (int i = 0; i < 1000; i++) {
		c = sel_cic(cg, NULL);
		seen[c <= 10 ? c : 0]++;
	}
	for (c = 1; c <= 10; c++)
		n_distinct += seen[c] ? 1 : 0;
	CHECK(!seen[2] && !seen[7] && seen[0] == 0, "random never picks a blocked CIC (2: %u, 7: %u)", seen[2], seen[7]);
	CHECK(n_distinct == 8, "random picks every usable CIC over 1000 selections (%u distinct)", n_distinct);

	/* nothing usable */
	set_all(cg, true);
	for (int s = CG_SEL_LOWEST; s <= CG_SEL_RANDOM; s++) {
		cg->sel = s;
		CHECK(sel_cic(cg, NULL) == 0, "strategy %d with every circuit blocked: none", s);
	}
	set_all(cg, false);
	cg->sel = CG_SEL_LOWEST;
	CHECK(sel_cic(cg, cgroup_cct(cg, 1)) == 2, "one circuit excluded: the next (got %u)", sel_cic(cg, cgroup_cct(cg, 1)));

	cgroup_free(cg);
	talloc_free(node);
	printf("%d failed\n", fails);
	return fails ? 1 : 0;
}

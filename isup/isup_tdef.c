/* The Q.764 timers (Annex A, Table A.1): the node's table ("timer isup T7 30") and the
 * per-circuit-group overrides ("circuit-group NAME" / "timer T7 30"). A group without an
 * override of a timer uses the node's value of the moment the timer starts. */
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/utils.h>

#include "isup/isup_node.h"
#include "isup/cgroup.h"

/* Unit s. Defaults and maxima from Q.764 Annex A (T6 and T9 from Q.118); the minimum is 1 s
 * for every timer, below the Annex A ranges, because the Q.784.1 rig and the lab run with
 * shortened timers. T3, T10, T33, T34 are not in the table: their procedures (overload,
 * interworking ACM, INR/INF, segmentation) do not exist in this ISUP. T35 supervises the digits
 * of an incoming call; the call layer above (the IWF's Collecting state) runs it, reading its
 * value from this table. */
static const struct osmo_tdef isup_tdefs_default[] = {
	{ .T = 1, .default_val = 15, .min_val = 1, .max_val = 60, .unit = OSMO_TDEF_S,
	  .desc = "REL sent, waiting for RLC: repeat REL (Q.764 2.3.1)" },
	{ .T = 2, .default_val = 180, .min_val = 1, .max_val = 180, .unit = OSMO_TDEF_S,
	  .desc = "SUS (user) received, waiting for RES (user): release (Q.764 2.6)" },
	{ .T = 4, .default_val = 300, .min_val = 1, .max_val = 900, .unit = OSMO_TDEF_S,
	  .desc = "UPT sent, waiting for UPA: repeat UPT (Q.764 2.13.3)" },
	{ .T = 5, .default_val = 300, .min_val = 1, .max_val = 900, .unit = OSMO_TDEF_S,
	  .desc = "initial REL sent: send RSC, alert maintenance (Q.764 2.3.1)" },
	{ .T = 6, .default_val = 120, .min_val = 1, .max_val = 180, .unit = OSMO_TDEF_S,
	  .desc = "SUS (network) received, waiting for RES (network): release (Q.764 2.6)" },
	{ .T = 7, .default_val = 20, .min_val = 1, .max_val = 30, .unit = OSMO_TDEF_S,
	  .desc = "IAM/SAM sent, waiting for ACM/CON: release (Q.764 2.1.5)" },
	{ .T = 8, .default_val = 10, .min_val = 1, .max_val = 15, .unit = OSMO_TDEF_S,
	  .desc = "IAM with continuity check received, waiting for COT: release (Q.764 2.1.8)" },
	{ .T = 9, .default_val = 90, .min_val = 1, .max_val = 180, .unit = OSMO_TDEF_S,
	  .desc = "ACM received, waiting for ANM: release (Q.764 2.1.7)" },
	{ .T = 12, .default_val = 15, .min_val = 1, .max_val = 60, .unit = OSMO_TDEF_S,
	  .desc = "BLO sent, waiting for BLA: repeat BLO (Q.764 2.8.2.3)" },
	{ .T = 13, .default_val = 300, .min_val = 1, .max_val = 900, .unit = OSMO_TDEF_S,
	  .desc = "initial BLO sent: alert maintenance, repeat BLO (Q.764 2.8.2.3)" },
	{ .T = 14, .default_val = 15, .min_val = 1, .max_val = 60, .unit = OSMO_TDEF_S,
	  .desc = "UBL sent, waiting for UBA: repeat UBL (Q.764 2.8.2.3)" },
	{ .T = 15, .default_val = 300, .min_val = 1, .max_val = 900, .unit = OSMO_TDEF_S,
	  .desc = "initial UBL sent: alert maintenance, repeat UBL (Q.764 2.8.2.3)" },
	{ .T = 16, .default_val = 15, .min_val = 1, .max_val = 60, .unit = OSMO_TDEF_S,
	  .desc = "RSC sent, waiting for RLC: repeat RSC (Q.764 2.9.3.1)" },
	{ .T = 17, .default_val = 300, .min_val = 1, .max_val = 900, .unit = OSMO_TDEF_S,
	  .desc = "initial RSC sent: alert maintenance, repeat RSC (Q.764 2.9.3.1)" },
	{ .T = 18, .default_val = 15, .min_val = 1, .max_val = 60, .unit = OSMO_TDEF_S,
	  .desc = "CGB sent, waiting for CGBA: repeat CGB (Q.764 2.8.2.3)" },
	{ .T = 19, .default_val = 300, .min_val = 1, .max_val = 900, .unit = OSMO_TDEF_S,
	  .desc = "initial CGB sent: alert maintenance, repeat CGB (Q.764 2.8.2.3)" },
	{ .T = 20, .default_val = 15, .min_val = 1, .max_val = 60, .unit = OSMO_TDEF_S,
	  .desc = "CGU sent, waiting for CGUA: repeat CGU (Q.764 2.8.2.3)" },
	{ .T = 21, .default_val = 300, .min_val = 1, .max_val = 900, .unit = OSMO_TDEF_S,
	  .desc = "initial CGU sent: alert maintenance, repeat CGU (Q.764 2.8.2.3)" },
	{ .T = 22, .default_val = 15, .min_val = 1, .max_val = 60, .unit = OSMO_TDEF_S,
	  .desc = "GRS sent, waiting for GRA: repeat GRS (Q.764 2.9.3.3)" },
	{ .T = 23, .default_val = 300, .min_val = 1, .max_val = 900, .unit = OSMO_TDEF_S,
	  .desc = "initial GRS sent: alert maintenance, repeat GRS (Q.764 2.9.3.3)" },
	{ .T = 24, .default_val = 2, .min_val = 1, .max_val = 2, .unit = OSMO_TDEF_S,
	  .desc = "check tone sent, waiting for its return: COT failure, re-test (Q.764 2.1.8)" },
	{ .T = 25, .default_val = 5, .min_val = 1, .max_val = 10, .unit = OSMO_TDEF_S,
	  .desc = "initial continuity check failed: CCR, the re-check (Q.764 2.1.8)" },
	{ .T = 26, .default_val = 120, .min_val = 1, .max_val = 180, .unit = OSMO_TDEF_S,
	  .desc = "continuity re-check failed: CCR again (Q.764 2.1.8)" },
	{ .T = 27, .default_val = 240, .min_val = 1, .max_val = 900, .unit = OSMO_TDEF_S,
	  .desc = "COT (failure) received, waiting for CCR: send RSC (Q.764 2.1.8)" },
	{ .T = 35, .default_val = 15, .min_val = 1, .max_val = 20, .unit = OSMO_TDEF_S,
	  .desc = "IAM/SAM without ST received, number incomplete: REL cause 28 (Q.764 Annex A)" },
	{ .T = 36, .default_val = 15, .min_val = 1, .max_val = 15, .unit = OSMO_TDEF_S,
	  .desc = "CCR received (loop connected), waiting for COT or REL: send RSC (Q.764 2.1.8)" },
	{}
};

/* the per group override bits (struct isup_cgroup T_override) */
osmo_static_assert(ARRAY_SIZE(isup_tdefs_default) <= 32, isup_tdefs_fit_the_override_mask);

/* a talloc'ed copy of the Q.764 table, values at their defaults */
struct osmo_tdef *isup_tdefs_alloc(void *ctx)
{
	struct osmo_tdef *T = talloc_memdup(ctx, isup_tdefs_default, sizeof(isup_tdefs_default));
	osmo_tdefs_reset(T);
	return T;
}

/* The group's table with every timer that has no override of the group taken from the node */
struct osmo_tdef *cgroup_tdefs(struct isup_cgroup *cg)
{
	const struct osmo_tdef *nt = isup_node_tdefs(cg->node);
	for (unsigned int i = 0; cg->T[i].T; i++)
		if (!(cg->T_override & (1u << i)))
			cg->T[i].val = nt[i].val;
	return cg->T;
}

static int tdef_index(const struct osmo_tdef *tdefs, int T)
{
	for (int i = 0; tdefs[i].T; i++)
		if (tdefs[i].T == T)
			return i;
	return -1;
}

int cgroup_timer_override(struct isup_cgroup *cg, int T, bool set, unsigned long val)
{
	int i = tdef_index(cg->T, T);
	if (i < 0)
		return -1;
	if (set) {
		cg->T[i].val = val;
		cg->T_override |= 1u << i;
	} else {
		cg->T_override &= ~(1u << i);
	}
	return 0;
}

bool cgroup_timer_overridden(const struct isup_cgroup *cg, int T)
{
	int i = tdef_index(cg->T, T);
	return i >= 0 && (cg->T_override & (1u << i));
}

unsigned long cgroup_T_ms(struct isup_cgroup *cg, int T)
{
	return osmo_tdef_get(cgroup_tdefs(cg), T, OSMO_TDEF_MS, 15000);
}

/* a timer outside the FSM states (T5/T17, T13/T15, T19/T21, T23) with its value from the table */
void cgroup_timer_schedule(struct isup_cgroup *cg, struct osmo_timer_list *t, int T)
{
	unsigned long ms = cgroup_T_ms(cg, T);
	osmo_timer_schedule(t, ms / 1000, (ms % 1000) * 1000);
}

/* Counters of a circuit group (libosmocore rate counters and stat items): ISUP messages in/out
 * per type, call attempts each way, answered calls, calls failed before answer by Q.850 cause
 * class (Q.850 2.2.5: the class is the cause value's upper three bits), active calls.
 * Shown by "show stats" / "show rate-counters" and exported by the stats reporters. */
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stat_item.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/timer.h>

#include "isup/isup_node.h"
#include "isup/cgroup.h"

/* message types counted one by one; the rest go to "other" */
static const uint8_t counted_types[] = {
	ISUP_IAM, ISUP_SAM, ISUP_ACM, ISUP_CPG, ISUP_ANM, ISUP_CON, ISUP_REL, ISUP_RLC, ISUP_SUS, ISUP_RES,
	ISUP_COT, ISUP_RSC, ISUP_BLO, ISUP_BLA, ISUP_UBL, ISUP_UBA, ISUP_GRS, ISUP_GRA, ISUP_CGB, ISUP_CGBA,
	ISUP_CGU, ISUP_CGUA, ISUP_CQM, ISUP_CQR, ISUP_CFN, ISUP_UCIC,
};
#define N_TYPES (ARRAY_SIZE(counted_types) + 1)	/* + other */

enum {
	CG_CTR_ATT_IN, CG_CTR_ATT_OUT, CG_CTR_ANSWERED,
	CG_CTR_FAIL_BUSY, CG_CTR_FAIL_NO_ANSWER, CG_CTR_FAIL_NORMAL, CG_CTR_FAIL_RESOURCE, CG_CTR_FAIL_SERVICE,
	CG_CTR_FAIL_NOT_IMPL, CG_CTR_FAIL_INVALID, CG_CTR_FAIL_PROTOCOL, CG_CTR_FAIL_INTERWORKING,
	CG_CTR_MSG_BASE,	/* then N_TYPES rx, then N_TYPES tx */
};
#define CG_NUM_CTRS (CG_CTR_MSG_BASE + 2 * N_TYPES)

static const struct rate_ctr_desc fixed_desc[CG_CTR_MSG_BASE] = {
	[CG_CTR_ATT_IN] = { "calls:attempted:in", "Incoming call attempts (IAM received)" },
	[CG_CTR_ATT_OUT] = { "calls:attempted:out", "Outgoing call attempts (IAM sent)" },
	[CG_CTR_ANSWERED] = { "calls:answered", "Answered calls (ANM/CON)" },
	[CG_CTR_FAIL_BUSY] = { "calls:failed:busy", "Released before answer: user busy (17)" },
	[CG_CTR_FAIL_NO_ANSWER] = { "calls:failed:no_answer", "Released before answer: no answer (18, 19)" },
	[CG_CTR_FAIL_NORMAL] = { "calls:failed:normal", "Released before answer: other normal class (1-31)" },
	[CG_CTR_FAIL_RESOURCE] = { "calls:failed:resource", "Released before answer: resource unavailable (32-47)" },
	[CG_CTR_FAIL_SERVICE] = { "calls:failed:service", "Released before answer: service unavailable (48-63)" },
	[CG_CTR_FAIL_NOT_IMPL] = { "calls:failed:not_implemented", "Released before answer: not implemented (64-79)" },
	[CG_CTR_FAIL_INVALID] = { "calls:failed:invalid_message", "Released before answer: invalid message (80-95)" },
	[CG_CTR_FAIL_PROTOCOL] = { "calls:failed:protocol_error", "Released before answer: protocol error (96-111)" },
	[CG_CTR_FAIL_INTERWORKING] = { "calls:failed:interworking", "Released before answer: interworking (112-127)" },
};

enum { CG_STAT_ACTIVE, CG_STAT_BLOCKED };
static const struct osmo_stat_item_desc cg_stat_desc[] = {
	[CG_STAT_ACTIVE] = { "calls:active", "Circuits with a call", "", 16, 0 },
	[CG_STAT_BLOCKED] = { "circuits:blocked", "Circuits blocked locally or remotely", "", 16, 0 },
};
static const struct osmo_stat_item_group_desc cg_statg_desc = {
	.group_name_prefix = "isup:cgroup",
	.group_description = "ISUP circuit group",
	.class_id = OSMO_STATS_CLASS_PEER,
	.num_items = ARRAY_SIZE(cg_stat_desc),
	.item_desc = cg_stat_desc,
};

static struct rate_ctr_desc cg_ctr_desc[CG_NUM_CTRS];
static struct rate_ctr_group_desc cg_ctrg_desc = {
	.group_name_prefix = "isup:cgroup",
	.group_description = "ISUP circuit group",
	.class_id = OSMO_STATS_CLASS_PEER,
	.num_ctr = CG_NUM_CTRS,
	.ctr_desc = cg_ctr_desc,
};
static char ctr_names[2 * N_TYPES][24], ctr_descs[2 * N_TYPES][48];
static unsigned int next_index;

static void stats_timer_cb(void *data);

static void desc_init(void)
{
	if (cg_ctr_desc[0].name)
		return;
	for (unsigned int i = 0; i < CG_CTR_MSG_BASE; i++)
		cg_ctr_desc[i] = fixed_desc[i];
	for (unsigned int d = 0; d < 2; d++) {
		for (unsigned int i = 0; i < N_TYPES; i++) {
			unsigned int k = d * N_TYPES + i;
			const char *n = i < ARRAY_SIZE(counted_types) ? isup_msg_name(counted_types[i]) : "other";
			char lc[16];
			unsigned int j;
			for (j = 0; n[j] && j < sizeof(lc) - 1; j++)
				lc[j] = n[j] >= 'A' && n[j] <= 'Z' ? n[j] + 32 : n[j];
			lc[j] = 0;
			snprintf(ctr_names[k], sizeof(ctr_names[k]), "msg:%s:%s", d ? "tx" : "rx", lc);
			snprintf(ctr_descs[k], sizeof(ctr_descs[k]), "%s messages %s", n, d ? "sent" : "received");
			cg_ctr_desc[CG_CTR_MSG_BASE + k] = (struct rate_ctr_desc){ ctr_names[k], ctr_descs[k] };
		}
	}
}

void cgroup_stats_alloc(struct isup_cgroup *cg)
{
	unsigned int idx = next_index++;
	desc_init();
	cg->ctrs = rate_ctr_group_alloc(cg, &cg_ctrg_desc, idx);
	if (cg->ctrs)
		rate_ctr_group_set_name(cg->ctrs, cg->name);
	cg->stats = osmo_stat_item_group_alloc(cg, &cg_statg_desc, idx);
	if (cg->stats)
		osmo_stat_item_group_set_name(cg->stats, cg->name);
	osmo_timer_setup(&cg->stats_timer, stats_timer_cb, cg);
}

void cgroup_stats_free(struct isup_cgroup *cg)
{
	osmo_timer_del(&cg->stats_timer);
	rate_ctr_group_free(cg->ctrs);
	osmo_stat_item_group_free(cg->stats);
	cg->ctrs = NULL;
	cg->stats = NULL;
}

static void ctr_inc(struct isup_cgroup *cg, unsigned int i)
{
	if (cg->ctrs)
		rate_ctr_inc(rate_ctr_group_get_ctr(cg->ctrs, i));
}

static void update_items(struct isup_cgroup *cg)
{
	unsigned int active = 0, blocked = 0;
	if (!cg->stats)
		return;
	for (unsigned int i = 0; i < cg->num_ccts; i++) {
		const struct isup_circuit *c = cg->ccts[i];
		if (c->call)
			active++;
		if (c->lbl_maint || c->lbl_hw || c->rbl_maint || c->rbl_hw)
			blocked++;
	}
	osmo_stat_item_set(osmo_stat_item_group_get_item(cg->stats, CG_STAT_ACTIVE), active);
	osmo_stat_item_set(osmo_stat_item_group_get_item(cg->stats, CG_STAT_BLOCKED), blocked);
}

static void stats_timer_cb(void *data)
{
	update_items(data);
}

static unsigned int fail_ctr(uint8_t cause)
{
	if (cause == 17)
		return CG_CTR_FAIL_BUSY;
	if (cause == 18 || cause == 19)
		return CG_CTR_FAIL_NO_ANSWER;
	switch (cause >> 4) {
	case 0: case 1: return CG_CTR_FAIL_NORMAL;
	case 2: return CG_CTR_FAIL_RESOURCE;
	case 3: return CG_CTR_FAIL_SERVICE;
	case 4: return CG_CTR_FAIL_NOT_IMPL;
	case 5: return CG_CTR_FAIL_INVALID;
	case 6: return CG_CTR_FAIL_PROTOCOL;
	default: return CG_CTR_FAIL_INTERWORKING;
	}
}

void cgroup_stats_msg(struct isup_cgroup *cg, const struct isup_msg *msg, bool tx)
{
	struct isup_circuit *cct = cgroup_cct(cg, msg->cic);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counted_types); i++)
		if (counted_types[i] == msg->type)
			break;
	ctr_inc(cg, CG_CTR_MSG_BASE + (tx ? N_TYPES : 0) + i);

	switch (msg->type) {
	case ISUP_IAM:
		ctr_inc(cg, tx ? CG_CTR_ATT_OUT : CG_CTR_ATT_IN);
		if (cct) {
			cct->st_answered = false;
			cct->st_released = false;
		}
		break;
	case ISUP_ANM:
	case ISUP_CON:
		if (cct && !cct->st_answered) {
			cct->st_answered = true;
			ctr_inc(cg, CG_CTR_ANSWERED);
		}
		break;
	case ISUP_REL: {
		/* the first REL of a call in either direction; REL repeated on T1 is not counted again */
		const struct isup_param *p = isup_msg_find_const(msg, ISUP_PRM_CAUSE);
		struct isup_cause c = { 0 };
		if (!cct || cct->st_released)
			break;
		cct->st_released = true;
		if (!cct->st_answered && p && isup_cause_decode(&c, p->val, p->len) >= 0)
			ctr_inc(cg, fail_ctr(c.value));
		break;
	}
	default:
		break;
	}
	/* the gauges once the message has been processed (this runs before or inside that); at most
	 * ten recounts a second: a recount walks every circuit of the group, and one per message was
	 * the top cost with thousands of circuits (bench/README) */
	if (!osmo_timer_pending(&cg->stats_timer))
		osmo_timer_schedule(&cg->stats_timer, 0, 100 * 1000);
}

/* isup-peer load generation (see load.h): paced IAMs on a CIC range, outcome counters, post-dial
 * delays. The call procedure is the Q.764 basic call seen from the originating exchange:
 * IAM -> ACM -> ANM, release by REL -> RLC (2.3 / 2.10 Q.764) from either side. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "isup/q850.h"
#include "isup/peer/peer.h"
#include "isup/peer/load.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"
#include "isup/vty_arg.h"

/* bounds of the load options: calls, calls per second, seconds */
#define LOAD_MAX_CALLS 10000000UL
#define LOAD_MAX_CPS 10000.0
#define LOAD_MAX_S 86400.0
/* circuit groups one load spreads over (group=A,B,...) */
#define LOAD_MAX_GROUPS 8

enum load_cic_state { LC_IDLE, LC_IAM_SENT, LC_ALERTED, LC_ANSWERED, LC_REL_SENT };
enum load_hold { HOLD_MS, HOLD_REMOTE, HOLD_KEEP };

/* one circuit group of the load: a DPC and a CIC range, its circuits ld->cics[off .. off + num_cics) */
struct load_grp {
	char name[32];
	uint32_t dpc;
	unsigned int cic_first, num_cics, off;
	unsigned int *free_stack, num_free;
	unsigned int sent;		/* IAMs sent on this group */
};

struct load_cic {
	struct peer_load *ld;
	struct load_grp *g;
	uint16_t cic;
	uint8_t state;
	uint8_t rel_cause;		/* of our REL (16; 102 after T7) */
	double t_iam;
	struct osmo_timer_list hold_timer;	/* T7, then the hold, then T1 (rel-repeat) */
};

struct peer_load {
	struct peer *peer;
	struct load_grp grps[LOAD_MAX_GROUPS];
	unsigned int num_grps;
	unsigned int rr;		/* the group the next call tries first (round robin per call) */
	unsigned int num_cics;		/* of all groups */
	struct load_cic *cics;

	unsigned int calls;
	double cps;
	enum load_hold hold;
	int hold_ms;
	double timeout;
	char cdpn[24], cgpn[24];

	double t_start, t_first_iam, t_last_iam, t_last_answer, t_end;
	unsigned int sent, answered, completed, failed, nocic, unexpected;
	unsigned int early_rel;		/* REL after answer before the hold time (hold=MS) */
	unsigned int rel_repeat_s;	/* rel-repeat=SEC: REL sent again while no RLC (T1), 0: off */
	unsigned int rel_repeated;
	unsigned int t7_s;		/* t7=SEC: no ACM/ANM within SEC -> REL 102, 0: off */
	unsigned int t7_expired;
	unsigned int causes[128];	/* REL cause values of failed calls */
	float *pdd_acm, *pdd_anm;	/* IAM -> ACM, IAM -> ANM (ms) */
	unsigned int n_acm, n_anm;
	bool active;			/* the load step is running */

	/* load-release */
	bool releasing;
	double rel_cps, rel_start, rel_timeout;
	unsigned int rel_sent, rel_done, rel_target, rel_next;

	struct osmo_timer_list tick, progress, deadline;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void send_msg(struct load_cic *c, const struct isup_msg *m)
{
	isup_mtp_send(c->ld->peer->mtp, c->g->dpc, m);
	c->ld->peer->tx_count++;
}

static void send_simple(struct load_cic *c, uint8_t type, int cause)
{
	struct isup_msg m;
	isup_msg_init(&m, c->ld->peer->variant, type, c->cic);
	if (cause > 0) {
		/* cause indicators: coding ITU-T, location user (Q.850 2.2.3/2.2.5) */
		uint8_t v[2] = { 0x80, (uint8_t)(0x80 | cause) };
		isup_msg_set(&m, ISUP_PRM_CAUSE, v, 2);
	}
	send_msg(c, &m);
}

static void cic_free(struct load_cic *c)
{
	struct load_grp *g = c->g;
	osmo_timer_del(&c->hold_timer);
	c->state = LC_IDLE;
	g->free_stack[g->num_free++] = c - c->ld->cics - g->off;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

static float pct(float *v, unsigned int n, double p)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_float);
	unsigned int i = (unsigned int)(p * n);
	return v[i < n ? i : n - 1];
}

static unsigned int load_live(const struct peer_load *ld)
{
	unsigned int n = ld->num_cics;
	for (unsigned int i = 0; i < ld->num_grps; i++)
		n -= ld->grps[i].num_free;
	return n;
}

static void load_finish(struct peer_load *ld)
{
	struct peer *peer = ld->peer;
	char causes[256] = "", groups[LOAD_MAX_GROUPS * 48] = "";
	size_t o = 0, og = 0;
	unsigned int stuck;
	bool ok;

	osmo_timer_del(&ld->tick);
	osmo_timer_del(&ld->progress);
	osmo_timer_del(&ld->deadline);
	ld->active = false;
	ld->t_end = now_s();
	stuck = ld->hold == HOLD_KEEP ? ld->sent - ld->answered - ld->failed : load_live(ld);
	for (int i = 0; i < 128; i++)
		if (ld->causes[i] && o < sizeof(causes) - 16)
			o += snprintf(causes + o, sizeof(causes) - o, "%s%d:%u", o ? "," : "", i, ld->causes[i]);
	for (unsigned int k = 0; k < ld->num_grps; k++)
		og += snprintf(groups + og, sizeof(groups) - og, "%s%s:%u", k ? "," : "", ld->grps[k].name,
			       ld->grps[k].sent);
	fprintf(peer->out, "LOAD RESULT calls=%u sent=%u answered=%u completed=%u failed=%u stuck=%u nocic=%u "
		"early_rel=%u unexpected=%u live=%u duration_s=%.3f setup_s=%.3f cps_achieved=%.1f "
		"pdd_acm_p50_ms=%.3f pdd_acm_p99_ms=%.3f pdd_anm_p50_ms=%.3f pdd_anm_p99_ms=%.3f causes=%s groups=%s rel_repeated=%u t7_expired=%u\n",
		ld->calls, ld->sent, ld->answered, ld->completed, ld->failed, stuck, ld->nocic, ld->early_rel,
		ld->unexpected, load_live(ld), ld->t_end - ld->t_start,
		ld->t_last_answer > 0 ? ld->t_last_answer - ld->t_first_iam : 0.0,
		ld->t_last_iam > ld->t_first_iam ? (ld->sent - 1) / (ld->t_last_iam - ld->t_first_iam) : 0.0,
		pct(ld->pdd_acm, ld->n_acm, 0.5), pct(ld->pdd_acm, ld->n_acm, 0.99),
		pct(ld->pdd_anm, ld->n_anm, 0.5), pct(ld->pdd_anm, ld->n_anm, 0.99), o ? causes : "-", groups,
		ld->rel_repeated, ld->t7_expired);
	fflush(peer->out);
	ok = !ld->failed && !stuck && !ld->nocic && !ld->early_rel;
	peer_step_done(peer, ok, ok ? "" : "calls failed");
}

static void load_check_done(struct peer_load *ld)
{
	if (!ld->active || ld->sent < ld->calls)
		return;
	if (ld->hold == HOLD_KEEP ? ld->answered + ld->failed >= ld->calls : load_live(ld) == 0)
		load_finish(ld);
}

static void release_check_done(struct peer_load *ld)
{
	if (!ld->releasing || ld->rel_done < ld->rel_target)
		return;
	ld->releasing = false;
	osmo_timer_del(&ld->tick);
	osmo_timer_del(&ld->deadline);
	fprintf(ld->peer->out, "LOAD RELEASED calls=%u released=%u live=%u teardown_s=%.3f\n", ld->rel_target,
		ld->rel_done, load_live(ld), now_s() - ld->rel_start);
	fflush(ld->peer->out);
	peer_step_done(ld->peer, load_live(ld) == 0, load_live(ld) ? "calls left" : "");
}

static void send_rel(struct load_cic *c)
{
	if (c->state == LC_REL_SENT)
		c->ld->rel_repeated++;
	else
		c->rel_cause = c->state == LC_IAM_SENT ? 102 : Q850_NORMAL_CLEARING;
	c->state = LC_REL_SENT;
	send_simple(c, ISUP_REL, c->rel_cause);
	/* Q.764 2.9.6: no RLC within T1 -> the REL again (until the RLC: call_end frees the CIC) */
	if (c->ld->rel_repeat_s)
		osmo_timer_schedule(&c->hold_timer, c->ld->rel_repeat_s, 0);
}

static void hold_cb(void *data)
{
	struct load_cic *c = data;

	/* Q.764 Annex A T7 (awaiting ACM) expired: the call fails, released with cause 102
	 * (Q.850 recovery on timer expiry; the cause is our choice) */
	if (c->state == LC_IAM_SENT) {
		c->ld->t7_expired++;
		c->ld->causes[102]++;
		c->ld->failed++;
	}
	send_rel(c);
}

/* the next call's circuit: round robin per call over the groups, the next group with an idle
 * circuit when the one in turn has none; NULL when no group has one */
static struct load_cic *next_cic(struct peer_load *ld)
{
	for (unsigned int k = 0; k < ld->num_grps; k++) {
		struct load_grp *g = &ld->grps[(ld->rr + k) % ld->num_grps];
		if (!g->num_free)
			continue;
		ld->rr = (ld->rr + k + 1) % ld->num_grps;
		g->sent++;
		return &ld->cics[g->off + g->free_stack[--g->num_free]];
	}
	return NULL;
}

static void send_iam(struct peer_load *ld)
{
	struct isup_msg m;
	struct msgspec sp;
	char txt[128], err[128];
	struct load_cic *c = next_cic(ld);

	if (!c) {
		ld->nocic++;
		ld->sent++;
		return;
	}
	snprintf(txt, sizeof(txt), "IAM cdpn=%s%06uF cgpn=%s", ld->cdpn, ld->sent % 1000000, ld->cgpn);
	if (msgspec_parse(&sp, txt, err, sizeof(err)) < 0 ||
	    msgspec_build(&m, ld->peer->variant, &sp, c->cic, err, sizeof(err)) < 0) {
		fprintf(ld->peer->out, "LOAD cannot build IAM: %s\n", err);
		cic_free(c);
		ld->failed++;
		ld->sent++;
		return;
	}
	c->state = LC_IAM_SENT;
	if (ld->t7_s)
		osmo_timer_schedule(&c->hold_timer, ld->t7_s, 0);
	c->t_iam = now_s();
	if (!ld->t_first_iam)
		ld->t_first_iam = c->t_iam;
	ld->t_last_iam = c->t_iam;
	send_msg(c, &m);
	ld->sent++;
}

static void tick_cb(void *data)
{
	struct peer_load *ld = data;
	double t = now_s();

	if (ld->releasing) {
		unsigned int due = ld->rel_cps > 0 ? (unsigned int)((t - ld->rel_start) * ld->rel_cps) + 1 : ld->rel_target;
		while (ld->rel_sent < due && ld->rel_next < ld->num_cics) {
			struct load_cic *c = &ld->cics[ld->rel_next++];
			if (c->state == LC_ANSWERED) {
				send_rel(c);
				ld->rel_sent++;
			}
		}
		if (ld->rel_next < ld->num_cics)
			osmo_timer_schedule(&ld->tick, 0, 1000);
		return;
	}
	unsigned int due = (unsigned int)((t - ld->t_start) * ld->cps) + 1;
	if (due > ld->calls)
		due = ld->calls;
	while (ld->sent < due)
		send_iam(ld);
	if (ld->sent < ld->calls)
		osmo_timer_schedule(&ld->tick, 0, 1000);
	else
		load_check_done(ld);
}

static void progress_cb(void *data)
{
	struct peer_load *ld = data;
	fprintf(ld->peer->out, "LOAD t=%.1f sent=%u live=%u answered=%u completed=%u failed=%u\n",
		now_s() - ld->t_start, ld->sent, load_live(ld), ld->answered, ld->completed, ld->failed);
	fflush(ld->peer->out);
	osmo_timer_schedule(&ld->progress, 1, 0);
}

static void deadline_cb(void *data)
{
	struct peer_load *ld = data;
	if (ld->releasing) {
		ld->rel_target = ld->rel_done;	/* report what was released */
		ld->rel_done = ld->rel_target;
		fprintf(ld->peer->out, "LOAD release timeout\n");
		release_check_done(ld);
		return;
	}
	fprintf(ld->peer->out, "LOAD timeout\n");
	load_finish(ld);
}

static void load_free(struct peer_load *ld)
{
	for (unsigned int i = 0; i < ld->num_cics; i++)
		osmo_timer_del(&ld->cics[i].hold_timer);
	osmo_timer_del(&ld->tick);
	osmo_timer_del(&ld->progress);
	osmo_timer_del(&ld->deadline);
	talloc_free(ld);
}

/* calls=N, cps=R, timeout=SECONDS */
static bool parse_num(struct peer_load *ld, const char *k, const char *v, char *err, size_t err_len)
{
	unsigned long n;
	double d;

	if (!strcmp(k, "calls")) {
		if (arg_ulong(v, 1, LOAD_MAX_CALLS, &n) < 0)
			goto bad;
		ld->calls = n;
	} else {
		if (arg_double(v, 0, !strcmp(k, "cps") ? LOAD_MAX_CPS : LOAD_MAX_S, &d) < 0 || d <= 0)
			goto bad;
		if (!strcmp(k, "cps"))
			ld->cps = d;
		else
			ld->timeout = d;
	}
	return true;
bad:
	snprintf(err, err_len, "%s=%s: out of range (calls 1-%lu, cps and timeout above 0, at most %g and %g)",
		 k, v, LOAD_MAX_CALLS, LOAD_MAX_CPS, LOAD_MAX_S);
	return false;
}

/* KEY=V: whole seconds 0..LOAD_MAX_S into *val (t7, rel-repeat) */
static bool arg_seconds(const char *key, const char *v, unsigned int *val, char *err, size_t err_len)
{
	unsigned long sec;

	if (arg_ulong(v, 0, LOAD_MAX_S, &sec) < 0) {
		snprintf(err, err_len, "%s=%s: seconds in 0-%lu", key, v, (unsigned long)LOAD_MAX_S);
		return false;
	}
	*val = sec;
	return true;
}

/* group=NAME[,NAME...]: circuit groups of the config (the isup node's "circuit-group NAME", its
 * point-code and one contiguous CIC range), spread over round robin per call */
static bool parse_groups(struct peer_load *ld, char *list, char *err, size_t err_len)
{
	char *save = NULL, *name;
	for (name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		struct isup_cgroup *cg = ld->peer->node ? cgroup_find(ld->peer->node, name) : NULL;
		struct load_grp *g = &ld->grps[ld->num_grps];
		int pc = cg && cg->dpc_str ? isup_mtp_pc_parse(ld->peer->mtp, cg->dpc_str) : -1;
		if (ld->num_grps == LOAD_MAX_GROUPS) {
			snprintf(err, err_len, "group=: at most %d groups", LOAD_MAX_GROUPS);
			return false;
		}
		if (pc < 0 || !cg->num_ccts ||
		    (unsigned int)(cg->ccts[cg->num_ccts - 1]->cic - cg->ccts[0]->cic + 1) != cg->num_ccts) {
			snprintf(err, err_len, "group=%s: no circuit-group of that name with a point-code and one "
				 "contiguous CIC range in the config", name);
			return false;
		}
		snprintf(g->name, sizeof(g->name), "%s", name);
		g->dpc = pc;
		g->cic_first = cg->ccts[0]->cic;
		g->num_cics = cg->num_ccts;
		ld->num_grps++;
	}
	return true;
}

static bool parse_kv(struct peer_load *ld, const char *args, char *err, size_t err_len)
{
	char buf[512], *save = NULL, *kv;
	unsigned int range_opts = 0;
	snprintf(buf, sizeof(buf), "%s", args);
	for (kv = strtok_r(buf, " \t", &save); kv; kv = strtok_r(NULL, " \t", &save)) {
		char *v = strchr(kv, '=');
		if (!v) {
			snprintf(err, err_len, "expected k=v, got '%s'", kv);
			return false;
		}
		*v++ = 0;
		if (!strcmp(kv, "calls") || !strcmp(kv, "cps") || !strcmp(kv, "timeout")) {
			if (!parse_num(ld, kv, v, err, err_len))
				return false;
		} else if (!strcmp(kv, "cic")) {
			unsigned int a, b;
			if (sscanf(v, "%u-%u", &a, &b) != 2 || b < a || b > 16383) {
				snprintf(err, err_len, "cic=FIRST-LAST");
				return false;
			}
			ld->grps[0].cic_first = a;
			ld->grps[0].num_cics = b - a + 1;
			range_opts++;
		} else if (!strcmp(kv, "dpc")) {
			int pc = isup_mtp_pc_parse(ld->peer->mtp, v);
			if (pc < 0) {
				snprintf(err, err_len, "bad dpc");
				return false;
			}
			ld->grps[0].dpc = pc;
			range_opts++;
		} else if (!strcmp(kv, "group")) {
			if (!parse_groups(ld, v, err, err_len))
				return false;
		} else if (!strcmp(kv, "cdpn"))
			snprintf(ld->cdpn, sizeof(ld->cdpn), "%.16s", v);
		else if (!strcmp(kv, "cgpn"))
			snprintf(ld->cgpn, sizeof(ld->cgpn), "%.20s", v);
		else if (!strcmp(kv, "hold")) {
			if (!strcmp(v, "keep"))
				ld->hold = HOLD_KEEP;
			else if (!strcmp(v, "remote"))
				ld->hold = HOLD_REMOTE;
			else {
				unsigned long ms;
				if (arg_ulong(v, 0, LOAD_MAX_S * 1000, &ms) < 0) {
					snprintf(err, err_len, "hold=%s: keep, remote or ms in 0-%lu", v,
						 (unsigned long)(LOAD_MAX_S * 1000));
					return false;
				}
				ld->hold = HOLD_MS;
				ld->hold_ms = ms;
			}
		} else if (!strcmp(kv, "t7") || !strcmp(kv, "rel-repeat")) {
			if (!arg_seconds(kv, v, !strcmp(kv, "t7") ? &ld->t7_s : &ld->rel_repeat_s, err, err_len))
				return false;
		} else {
			snprintf(err, err_len, "unknown load option '%s'", kv);
			return false;
		}
	}
	if (ld->num_grps && range_opts) {
		snprintf(err, err_len, "group= takes the DPCs and CICs from the config: not with cic= or dpc=");
		return false;
	}
	if (!ld->num_grps && ld->grps[0].num_cics) {
		snprintf(ld->grps[0].name, sizeof(ld->grps[0].name), "cic");
		ld->num_grps = 1;
	}
	if (!ld->calls || ld->cps <= 0 || !ld->num_grps) {
		snprintf(err, err_len, "usage: load calls=N cps=R cic=FIRST-LAST|group=NAME[,NAME...] [...]");
		return false;
	}
	return true;
}

/* the circuits of every group in one array, each group's lowest CIC on top of its free stack */
static void load_alloc_cics(struct peer_load *ld)
{
	ld->num_cics = 0;
	for (unsigned int k = 0; k < ld->num_grps; k++) {
		ld->grps[k].off = ld->num_cics;
		ld->num_cics += ld->grps[k].num_cics;
	}
	ld->cics = talloc_zero_array(ld, struct load_cic, ld->num_cics);
	for (unsigned int k = 0; k < ld->num_grps; k++) {
		struct load_grp *g = &ld->grps[k];
		g->free_stack = talloc_array(ld, unsigned int, g->num_cics);
		for (unsigned int i = 0; i < g->num_cics; i++) {
			struct load_cic *c = &ld->cics[g->off + i];
			c->ld = ld;
			c->g = g;
			c->cic = g->cic_first + i;
			osmo_timer_setup(&c->hold_timer, hold_cb, c);
			g->free_stack[g->num_free++] = g->num_cics - 1 - i;
		}
	}
}

int peer_load_cmd(struct peer *peer, const char *args, char *err, size_t err_len)
{
	struct peer_load *ld;

	if (peer->load && load_live(peer->load)) {
		snprintf(err, err_len, "the previous load still has %u calls", load_live(peer->load));
		return -1;
	}
	if (peer->load)
		load_free(peer->load);
	peer->load = ld = talloc_zero(peer, struct peer_load);
	ld->peer = peer;
	ld->grps[0].dpc = peer->dpc;
	ld->hold = HOLD_REMOTE;
	ld->timeout = 600;
	snprintf(ld->cdpn, sizeof(ld->cdpn), "49301");
	snprintf(ld->cgpn, sizeof(ld->cgpn), "4940111");
	if (!parse_kv(ld, args, err, err_len)) {
		talloc_free(ld);
		peer->load = NULL;
		return -1;
	}
	load_alloc_cics(ld);
	ld->pdd_acm = talloc_array(ld, float, ld->calls);
	ld->pdd_anm = talloc_array(ld, float, ld->calls);
	osmo_timer_setup(&ld->tick, tick_cb, ld);
	osmo_timer_setup(&ld->progress, progress_cb, ld);
	osmo_timer_setup(&ld->deadline, deadline_cb, ld);
	ld->active = true;
	ld->t_start = now_s();
	osmo_timer_schedule(&ld->progress, 1, 0);
	osmo_timer_schedule(&ld->deadline, (long)ld->timeout, (long)((ld->timeout - (long)ld->timeout) * 1e6));
	tick_cb(ld);
	return 1;
}

/* KEY=VALUE in ARGS (up to the next blank) as a number in 0-MAX; DFLT when absent */
static bool rel_opt(const char *args, const char *key, double max, double dflt, double *val)
{
	const char *p = strstr(args, key);
	char v[32];

	*val = dflt;
	if (!p)
		return true;
	p += strlen(key);
	snprintf(v, sizeof(v), "%.*s", (int)strcspn(p, " \t"), p);
	return arg_double(v, 0, max, val) == 0;
}

int peer_load_release_cmd(struct peer *peer, const char *args, char *err, size_t err_len)
{
	struct peer_load *ld = peer->load;

	if (!ld || ld->active) {
		snprintf(err, err_len, "no finished load to release");
		return -1;
	}
	if (!rel_opt(args, "cps=", LOAD_MAX_CPS, 0, &ld->rel_cps) ||
	    !rel_opt(args, "timeout=", LOAD_MAX_S, 600, &ld->rel_timeout)) {
		snprintf(err, err_len, "usage: load-release [cps=R] [timeout=SECONDS] (0-%g, 0-%g)", LOAD_MAX_CPS,
			 LOAD_MAX_S);
		return -1;
	}
	ld->rel_target = 0;
	for (unsigned int i = 0; i < ld->num_cics; i++)
		if (ld->cics[i].state == LC_ANSWERED)
			ld->rel_target++;
	ld->rel_sent = ld->rel_done = ld->rel_next = 0;
	ld->releasing = true;
	ld->rel_start = now_s();
	osmo_timer_schedule(&ld->deadline, (long)ld->rel_timeout, 0);
	if (!ld->rel_target) {
		release_check_done(ld);
		return 1;
	}
	tick_cb(ld);
	return 1;
}

static void call_failed(struct peer_load *ld, struct load_cic *c, const struct isup_msg *rel)
{
	const struct isup_param *p = isup_msg_find_const(rel, ISUP_PRM_CAUSE);
	int cause = p && p->len >= 2 ? p->val[1] & 0x7f : 0;
	ld->causes[cause]++;
	ld->failed++;
}

/* the call on C is over: the circuit goes back to the pool, the run may be complete */
static void call_end(struct peer_load *ld, struct load_cic *c)
{
	cic_free(c);
	load_check_done(ld);
	release_check_done(ld);
}

/* Q.764 2.1.4 address complete (ACM), or a first call progress (CPG) */
static void rx_acm(struct peer_load *ld, struct load_cic *c, double t)
{
	if (c->state != LC_IAM_SENT)
		return;
	c->state = LC_ALERTED;
	osmo_timer_del(&c->hold_timer);		/* T7 */
	ld->pdd_acm[ld->n_acm++ % ld->calls] = (t - c->t_iam) * 1e3;
}

/* Q.764 2.1.7 answer (ANM), or connect (CON) in place of ACM + ANM */
static void rx_anm(struct peer_load *ld, struct load_cic *c, double t)
{
	if (c->state != LC_IAM_SENT && c->state != LC_ALERTED) {
		ld->unexpected++;
		return;
	}
	c->state = LC_ANSWERED;
	osmo_timer_del(&c->hold_timer);		/* T7 after a CON/ANM without ACM */
	ld->answered++;
	ld->t_last_answer = t;
	ld->pdd_anm[ld->n_anm++ % ld->calls] = (t - c->t_iam) * 1e3;
	if (ld->hold == HOLD_MS)
		osmo_timer_schedule(&c->hold_timer, ld->hold_ms / 1000, (ld->hold_ms % 1000) * 1000);
	load_check_done(ld);
}

/* Q.764 2.3.2 release initiated by the other exchange: RLC, then count the outcome */
static void rx_rel(struct peer_load *ld, struct load_cic *c, const struct isup_msg *msg)
{
	send_simple(c, ISUP_RLC, 0);
	switch (c->state) {
	case LC_IAM_SENT:
	case LC_ALERTED:
		call_failed(ld, c, msg);
		break;
	case LC_ANSWERED:
		if (ld->hold == HOLD_REMOTE)
			ld->completed++;
		else if (ld->releasing) {
			ld->completed++;	/* collision with our release */
			ld->rel_done++;
		} else {
			ld->early_rel++;
			call_failed(ld, c, msg);
		}
		break;
	case LC_REL_SENT:	/* dual release (Q.764 2.10.8.1): RLC answered, ours is then answered too */
		return;
	default:
		ld->unexpected++;
		return;
	}
	call_end(ld, c);
}

/* Q.764 2.3.1 release complete (RLC) for our REL */
static void rx_rlc(struct peer_load *ld, struct load_cic *c)
{
	if (c->state != LC_REL_SENT) {
		ld->unexpected++;
		return;
	}
	if (c->rel_cause != 102)	/* a T7 release counted as failed already */
		ld->completed++;
	if (ld->releasing)
		ld->rel_done++;
	call_end(ld, c);
}

/* Q.764 2.9.3.1 reset circuit (RSC): RLC; a call on it has failed */
static void rx_rsc(struct peer_load *ld, struct load_cic *c, const struct isup_msg *msg)
{
	send_simple(c, ISUP_RLC, 0);
	if (c->state == LC_IDLE)
		return;
	ld->failed++;
	cic_free(c);
	load_check_done(ld);
}

/* the load's circuit CIC toward (from) point code PC, NULL when it is none of the load's */
static struct load_cic *load_cic_find(struct peer_load *ld, uint32_t pc, uint16_t cic)
{
	for (unsigned int i = 0; i < ld->num_grps; i++) {
		struct load_grp *g = &ld->grps[i];
		if (g->dpc == pc && cic >= g->cic_first && cic < g->cic_first + g->num_cics)
			return &ld->cics[g->off + cic - g->cic_first];
	}
	return NULL;
}

bool peer_load_rx(struct peer *peer, uint32_t opc, const struct isup_msg *msg)
{
	struct peer_load *ld = peer->load;
	struct load_cic *c;
	double t;

	if (!ld || !(c = load_cic_find(ld, opc, msg->cic)))
		return false;
	t = now_s();
	switch (msg->type) {
	case ISUP_ACM:
	case ISUP_CPG:
		rx_acm(ld, c, t);
		return true;
	case ISUP_ANM:
	case ISUP_CON:
		rx_anm(ld, c, t);
		return true;
	case ISUP_REL:
		rx_rel(ld, c, msg);
		return true;
	case ISUP_RLC:
		rx_rlc(ld, c);
		return true;
	case ISUP_RSC:
		rx_rsc(ld, c, msg);
		return true;
	default:
		return false;	/* everything else: the normal responders and the report */
	}
}

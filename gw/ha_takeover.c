/* The takeover (issue 19 point 4, README "Several nodes"): the node of a pair that became
 * active (gw/ha_m3ua.c) carries on what the node that died left in Redis (gw/ha_store.h).
 *
 * Order: (1) the dead node's records are read back (same node id) before this node writes
 * anything - its own state is idle circuits, which would overwrite the busy ones; (2) each
 * answered call is restored (gw/call_restore.c: ISUP leg, SIP dialog, media bridge, re-INVITE);
 * (3) the early calls are cleared (gw/ha_early.h); (4) each circuit Redis had busy and that is
 * idle here is reset with RSC: its state is in doubt, the case of Q.764 2.10.3 / 2.9.3.1
 * (memory of the call lost); each circuit we had blocked gets its BLO again; (5) the ISUP hold
 * ends without GRS and the messages the STP delivered meanwhile are handled (a REL for a
 * surviving call reaches it: RLC, BYE); (6) this node writes its whole state and owns the
 * records (those of calls gone meanwhile deleted); (7) a re-INVITE for each surviving dialog.
 * Redis missing, not connected, or the read-back failing or too slow (gw X31): logged,
 * counted (ha:restore_fallback), and the groups are reset with GRS as before: calls lost. */
#include <string.h>
#include <time.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/timer.h>

#include "gw/debug.h"
#include "gw/iwf.h"
#include "gw/call.h"
#include "gw/ha_store.h"
#include "gw/ha_m3ua.h"
#include "gw/ha_early.h"
#include "gw/ha_takeover.h"
#include "isup/isup_takeover.h"

/* a call record read back: its call id here too when restored, the codec for the re-INVITE */
struct tk_rec {
	uint32_t id;
	bool restored;
	char codec[32];
};

/* one read-back; freed when done, or by its late done_cb once abandoned (gw X31) */
struct ha_takeover {
	struct gw_iwf *iwf;
	bool abandoned;
	struct ha_cct_rec *ccts;	/* the circuit records (talloc array) */
	unsigned int num_ccts;
	struct tk_rec *recs;		/* the call records read back (talloc array) */
	unsigned int num_recs;
	unsigned int restored, failed;
	struct osmo_timer_list guard;
};

/* the re-INVITEs of the last takeover, for the log line when the last one is answered */
static unsigned int reinv_pending;
static struct timespec t_active;

static unsigned int since_active_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t_active.tv_sec) * 1000 + (now.tv_nsec - t_active.tv_nsec) / 1000000;
}

void gw_ha_takeover_init(struct gw_iwf *iwf)
{
	isup_node_takeover_hold(iwf->isup);
}

/* today's behaviour: no state, every group reset, this node writes its own state */
static void takeover_fallback(struct gw_iwf *iwf, const char *why)
{
	LOGP(DGW, LOGL_NOTICE, "HA: takeover without restore (%s): circuit groups reset with GRS\n", why);
	gw_ha_ctr_inc(iwf->pair, GW_HA_CTR_RESTORE_FALLBACK);
	isup_node_takeover_release(iwf->isup, true);
	gw_ha_set_active(iwf, true);
}

static void tk_call(const struct ha_call_rec *rec, void *data)
{
	struct ha_takeover *t = data;
	struct tk_rec *r;
	if (t->abandoned)
		return;
	t->recs = talloc_realloc(t, t->recs, struct tk_rec, t->num_recs + 1);
	r = &t->recs[t->num_recs++];
	r->id = rec->id;
	OSMO_STRLCPY_ARRAY(r->codec, rec->codec);
	r->restored = gw_call_restore(t->iwf, rec) != NULL;
	if (r->restored)
		t->restored++;
	else
		t->failed++;
	gw_ha_ctr_inc(t->iwf->pair, r->restored ? GW_HA_CTR_RESTORED : GW_HA_CTR_RESTORE_FAILED);
}

/* (6) the records are this node's: those of calls gone meanwhile (not restored, or released by
 * a message held during the restore) are deleted, the survivors' dialogs refreshed (7) */
static void tk_records(struct ha_takeover *t)
{
	for (unsigned int i = 0; i < t->num_recs; i++) {
		struct gw_call *call = gw_call_find(t->iwf, t->recs[i].id);
		if (!call || !call->ha_stored) {
			ha_store_call_del(t->iwf->ha, t->recs[i].id);
			continue;
		}
		if (t->recs[i].restored && gw_call_restore_reinvite(call, t->recs[i].codec) == 0)
			reinv_pending++;
	}
}

static void tk_cct(const struct ha_cct_rec *rec, void *data)
{
	struct ha_takeover *t = data;
	if (t->abandoned)
		return;
	t->ccts = talloc_realloc(t, t->ccts, struct ha_cct_rec, t->num_ccts + 1);
	t->ccts[t->num_ccts++] = *rec;
}

/* (4) the circuits as Redis had them: RSC where a call was and is not here, BLO again where we
 * had blocked (Q.764 2.8.2.3: a BLO for a circuit the far end has blocked already is just
 * acknowledged, so sending it again is safe, and it re-creates our blocking state with its BLA
 * the regular way), the far end's blocking noted (it keeps its own state, no message) */
static void tk_circuits(struct ha_takeover *t, unsigned int *rsc, unsigned int *blo)
{
	struct isup_node *isup = t->iwf->isup;
	for (unsigned int i = 0; i < t->num_ccts; i++) {
		const struct ha_cct_rec *c = &t->ccts[i];
		switch (c->state) {
		case ISUP_CCT_BUSY:
			if (isup_circuit_idle(isup, c->group, c->cic) == 1 &&
			    isup_circuit_reset(isup, c->group, c->cic) == 0)
				(*rsc)++;
			break;
		case ISUP_CCT_BLOCKED_LOCAL:
			if (isup_circuit_block(isup, c->group, c->cic) == 0)
				(*blo)++;
			break;
		case ISUP_CCT_BLOCKED_REMOTE:
			isup_circuit_remote_blocked(isup, c->group, c->cic);
			break;
		default:
			break;
		}
	}
}

/* (3) done: (4) - (6) */
static void tk_early_done(struct gw_iwf *iwf, unsigned int cleared, void *priv)
{
	struct ha_takeover *t = priv;
	unsigned int rsc = 0, blo = 0, kept;

	gw_ha_ctr_add(iwf->pair, GW_HA_CTR_CLEARED, cleared);
	tk_circuits(t, &rsc, &blo);
	kept = isup_node_takeover_release(iwf->isup, false);
	gw_ha_set_active(iwf, true);
	tk_records(t);
	LOGP(DGW, LOGL_NOTICE, "HA: takeover: %u answered calls restored, %u not, %u early calls cleared, "
	     "%u circuits reset (RSC), %u blocked again (BLO), %u ISUP messages kept meanwhile, %u re-INVITEs "
	     "sent, %u ms\n", t->restored, t->failed, cleared, rsc, blo, kept, reinv_pending, since_active_ms());
	talloc_free(t);
}

static void tk_done(unsigned int records, unsigned int errors, void *data)
{
	struct ha_takeover *t = data;
	struct gw_iwf *iwf = t->iwf;

	if (t->abandoned) {
		talloc_free(t);	/* the fallback ran already */
		return;
	}
	osmo_timer_del(&t->guard);
	LOGP(DGW, LOGL_NOTICE, "HA: takeover: %u records read back (%u errors) in %u ms\n", records, errors,
	     since_active_ms());
	if (!t->num_ccts && !t->num_recs) {
		talloc_free(t);
		takeover_fallback(iwf, "no state in Redis");
		return;
	}
	gw_ha_takeover_early(iwf, tk_early_done, t);
}

static void tk_guard(void *data)
{
	struct ha_takeover *t = data;
	t->abandoned = true;	/* its done_cb frees it if it ever comes */
	takeover_fallback(t->iwf, "Redis read-back timed out (gw X31)");
}

void gw_ha_takeover(struct gw_iwf *iwf)
{
	static const struct ha_load_cbs cbs = { .call_cb = tk_call, .cct_cb = tk_cct, .done_cb = tk_done };
	struct ha_takeover *t;

	clock_gettime(CLOCK_MONOTONIC, &t_active);
	reinv_pending = 0;
	if (!iwf->ha || !ha_store_connected(iwf->ha)) {
		takeover_fallback(iwf, iwf->ha ? "Redis not connected" : "no 'redis' configured");
		return;
	}
	t = talloc_zero(iwf, struct ha_takeover);
	t->iwf = iwf;
	if (ha_store_load(iwf->ha, ha_store_node(iwf->ha), &cbs, t) < 0) {
		talloc_free(t);
		takeover_fallback(iwf, "Redis read-back failed");
		return;
	}
	osmo_timer_setup(&t->guard, tk_guard, t);
	osmo_timer_schedule(&t->guard, 0, osmo_tdef_get(iwf->tdefs, -31, OSMO_TDEF_MS, 2000) * 1000);
}

void gw_ha_takeover_reinvite_done(struct gw_iwf *iwf, bool ok)
{
	if (!ok)
		gw_ha_ctr_inc(iwf->pair, GW_HA_CTR_RESTORE_FAILED);
	if (!reinv_pending)
		return;
	if (--reinv_pending == 0)
		LOGP(DGW, LOGL_NOTICE, "HA: takeover: the last re-INVITE answered, %u ms after becoming active\n",
		     since_active_ms());
}

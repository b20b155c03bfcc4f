/* Early (unanswered) calls in the HA state store (gw/ha_early.h, gw/ha_early_rec.h): the active
 * node writes one record per call from the moment the call exists on both sides until its answer
 * or release; the node taking over the pair's point code reads the dead node's records and
 * clears each call on both sides with cause 41 "temporary failure" (Q.850 2.2.7: the network
 * is not working correctly for a short time, a new attempt may succeed at once; RFC 3398 7.2.4.1
 * maps 41 to 503): REL toward the exchange (isup_circuit_release_orphan), 503 or CANCEL toward
 * SIP (sip_orphan_clear). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>

#include "gw/debug.h"
#include "gw/iwf.h"
#include "gw/call.h"
#include "gw/sip_leg.h"
#include "gw/ha_store.h"
#include "gw/ha_early.h"
#include "gw/ha_early_rec.h"
#include "isup/isup_call.h"
#include "isup/q850.h"
#include "sip/sip.h"
#include "sip/sip_orphan.h"

#define HA_EARLY_SET "early"
#define HA_EARLY_CAUSE Q850_TEMPORARY_FAILURE

/* ---- the active node: the records ---- */

static void early_what(char *buf, size_t size, uint32_t id)
{
	snprintf(buf, size, HA_EARLY_SET ":%u", id);
}

void gw_ha_early_put(struct gw_call *call)
{
	struct sip_dialog *dlg = call->sip ? call->sip->dlg : NULL;
	struct ha_field f[HA_EARLY_FIELDS - 1];
	const char *names[HA_EARLY_FIELDS], *values[HA_EARLY_FIELDS];
	struct ha_early_rec rec;
	char what[32];
	unsigned int n;

	if (!call->iwf->ha)
		return;
	memset(&rec, 0, sizeof(rec));
	if (!dlg || sip_dialog_invite_snapshot(dlg, &rec.inv) < 0) {
		LOGPFSML(call->fi, LOGL_NOTICE, "HA: no early record (no INVITE, or it is too long)\n");
		return;
	}
	snprintf(rec.node, sizeof(rec.node), "%s", ha_store_node(call->iwf->ha));
	rec.id = call->id;
	rec.ingress = gw_call_is_ingress(call);
	rec.cic = call->cic;
	rec.dpc = call->dpc;
	snprintf(rec.group, sizeof(rec.group), "%s", call->group);
	n = ha_early_rec_encode(&rec, f, names, values);
	early_what(what, sizeof(what), call->id);
	ha_store_hash_put(call->iwf->ha, what, HA_EARLY_SET, names, values, n);
	call->ha_early = true;
}

void gw_ha_early_del(struct gw_call *call)
{
	char what[32];
	if (!call->ha_early)
		return;
	early_what(what, sizeof(what), call->id);
	ha_store_hash_del(call->iwf->ha, what, HA_EARLY_SET);
	call->ha_early = false;
}

/* On each (re)connection / activation (gw/ha_call.c's replay): the node's early records of calls
 * it does not have early any more go (their deletion was lost while Redis was away), or a later
 * takeover would clear calls long gone */
static int early_prune_record(const char *key, const char *const *names, const char *const *values, unsigned int n,
			      void *data)
{
	struct gw_iwf *iwf = data;
	struct ha_early_rec rec;
	struct gw_call *call;

	if (ha_early_rec_decode(&rec, names, values, n) == 0 && (call = gw_call_find(iwf, rec.id)) && call->ha_early)
		return 0;
	LOGP(DGW, LOGL_NOTICE, "HA: early record %s of no early call here: deleted\n", key);
	ha_store_key_del(iwf->ha, key, HA_EARLY_SET, false);
	return 0;
}

void gw_ha_early_prune(struct gw_iwf *iwf)
{
	static const struct ha_load_cbs cbs = { .hash_cb = early_prune_record };
	if (iwf->ha)
		ha_store_load_hashes(iwf->ha, ha_store_node(iwf->ha), HA_EARLY_SET, &cbs, iwf);
}

/* ---- the node taking over: clearing ---- */

struct early_takeover {
	struct gw_iwf *iwf;
	gw_ha_early_done_cb done_cb;
	void *priv;
	unsigned int cleared;
};

static void early_clear(struct early_takeover *tk, const struct ha_early_rec *rec)
{
	int ri = isup_circuit_release_orphan(tk->iwf->isup, rec->group, rec->cic, rec->dpc, HA_EARLY_CAUSE);
	int rs = sip_orphan_clear(tk->iwf->sip, &rec->inv, HA_EARLY_CAUSE);

	LOGP(DGW, ri || rs ? LOGL_ERROR : LOGL_NOTICE,
	     "HA: takeover: early call %u of node %s (%s, %s CIC %u): REL %u %s, SIP %s %s\n", rec->id, rec->node,
	     rec->ingress ? "ingress" : "egress", rec->group, rec->cic, HA_EARLY_CAUSE,
	     ri ? "not sent (no such idle circuit here)" : "sent", rec->inv.is_uac ? "CANCEL" : "503",
	     rs == -EEXIST ? "not sent (a dialog of this node)" : rs ? "not sent (record unusable)" : "sent");
	if (!ri || !rs)
		tk->cleared++;
}

/* each record goes from Redis, cleared or not: nothing else would ever remove it */
static int early_record(const char *key, const char *const *names, const char *const *values, unsigned int n,
			void *data)
{
	struct early_takeover *tk = data;
	struct ha_early_rec rec;
	int rc = ha_early_rec_decode(&rec, names, values, n);

	ha_store_key_del(tk->iwf->ha, key, HA_EARLY_SET, true);
	if (rc < 0) {
		LOGP(DGW, LOGL_ERROR, "HA: takeover: early record %s malformed: deleted, nothing cleared\n", key);
		return -1;
	}
	early_clear(tk, &rec);
	return 0;
}

static void early_done(unsigned int records, unsigned int errors, void *data)
{
	struct early_takeover *tk = data;
	LOGP(DGW, LOGL_NOTICE, "HA: takeover: %u early calls cleared (%u records, %u errors)\n", tk->cleared,
	     records, errors);
	tk->done_cb(tk->iwf, tk->cleared, tk->priv);
	talloc_free(tk);
}

static const struct ha_load_cbs early_load_cbs = {
	.hash_cb = early_record,
	.done_cb = early_done,
};

void gw_ha_takeover_early(struct gw_iwf *iwf, gw_ha_early_done_cb done_cb, void *priv)
{
	struct early_takeover *tk;

	if (!iwf->ha || !ha_store_connected(iwf->ha)) {
		done_cb(iwf, 0, priv);
		return;
	}
	tk = talloc_zero(iwf, struct early_takeover);
	tk->iwf = iwf;
	tk->done_cb = done_cb;
	tk->priv = priv;
	if (ha_store_load_hashes(iwf->ha, ha_store_node(iwf->ha), HA_EARLY_SET, &early_load_cbs, tk) < 0) {
		LOGP(DGW, LOGL_ERROR, "HA: takeover: the early records cannot be read\n");
		talloc_free(tk);
		done_cb(iwf, 0, priv);
	}
}

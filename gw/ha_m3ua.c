/* Active/standby on one point code with M3UA traffic-mode override (RFC 4666 4.3.4.3).
 *
 * libosmo-sigtran 2.1, ASP role: without a layer manager the ASP FSM sends ASP-ACTIVE right after
 * the ASP-UP Ack, so two nodes would take the AS from each other in turn. With its default layer
 * manager (osmo_ss7_asp_use_default_lm) the ASP stays ASP-INACTIVE after ASP-UP and sends
 * ASP-ACTIVE only on a NTFY AS-INACTIVE or AS-PENDING from the SGP; OsmoSTP sends these on AS
 * state changes only: AS-INACTIVE when the first ASP comes up (the AS was down), AS-PENDING when
 * the active ASP goes down (T(r) runs, the SGP queues the traffic). A node that comes up while the
 * other is active gets no NTFY and stays standby, as long as the LM's wait_notify timer (config:
 * 'timer lm wait_notify', asp node) does not send it to dynamic RKM first. The LM's state is not
 * visible to the application in 2.1 (private struct), so the ASP state is sampled (gw X30). */
#include <string.h>
#include <stdio.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/stats.h>
#include <osmocom/sigtran/osmo_ss7.h>

#include "common/debug.h"
#include "isup/isup_node.h"
#include "gw/iwf.h"
#include "gw/ha_m3ua.h"

static const struct rate_ctr_desc ha_ctr_desc[] = {
	[GW_HA_CTR_BECAME_ACTIVE] = { "ha:became_active", "This node became the active one (ASP-ACTIVE Ack)" },
	[GW_HA_CTR_LOST_ACTIVE] = { "ha:lost_active", "This node left ASP-ACTIVE (transport lost, Alternate ASP Active)" },
	[GW_HA_CTR_TAKEOVER] = { "ha:takeover", "Standby -> active: the other node's ASP went away" },
	[GW_HA_CTR_RESTORED] = { "ha:restored", "Answered calls restored from the HA state store at a takeover" },
	[GW_HA_CTR_RESTORE_FAILED] = { "ha:restore_failed", "Calls not restored at a takeover, or released when the re-INVITE failed" },
	[GW_HA_CTR_RESTORE_FALLBACK] = { "ha:restore_fallback", "Takeovers without a restore (no Redis, read-back failed): groups reset" },
	[GW_HA_CTR_CLEARED] = { "ha:cleared", "Unanswered calls cleared at a takeover (REL 41, 503 / CANCEL)" },
};

static const struct rate_ctr_group_desc ha_ctrg_desc = {
	.group_name_prefix = "gw:ha",
	.group_description = "Active/standby pair (M3UA override)",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(ha_ctr_desc),
	.ctr_desc = ha_ctr_desc,
};

static const struct value_string ha_role_names[] = {
	{ GW_HA_ROLE_DOWN, "down" },
	{ GW_HA_ROLE_STANDBY, "standby" },
	{ GW_HA_ROLE_ACTIVE, "active" },
	{ 0, NULL }
};

const char *gw_ha_role_name(enum gw_ha_role role)
{
	return get_value_string(ha_role_names, role);
}

struct gw_ha *gw_ha_alloc(struct gw_iwf *iwf)
{
	struct gw_ha *ha = talloc_zero(iwf, struct gw_ha);
	ha->iwf = iwf;
	ha->ctrs = rate_ctr_group_alloc(ha, &ha_ctrg_desc, 0);
	return ha;
}

bool gw_ha_enabled(const struct gw_ha *ha)
{
	return ha && ha->asp_name;
}

enum gw_ha_role gw_ha_role(const struct gw_ha *ha)
{
	return ha->role;
}

void gw_ha_ctr_inc(struct gw_ha *ha, enum gw_ha_ctr ctr)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(ha->ctrs, ctr));
}

void gw_ha_ctr_add(struct gw_ha *ha, enum gw_ha_ctr ctr, unsigned int n)
{
	rate_ctr_add(rate_ctr_group_get_ctr(ha->ctrs, ctr), n);
}

uint64_t gw_ha_ctr_get(const struct gw_ha *ha, enum gw_ha_ctr ctr)
{
	return rate_ctr_group_get_ctr(ha->ctrs, ctr)->current;
}

void gw_ha_set_active_cb(struct gw_ha *ha, gw_ha_active_cb cb, void *priv)
{
	ha->active_cb = cb;
	ha->active_priv = priv;
}

void gw_ha_set_role_cb(struct gw_ha *ha, gw_ha_role_cb cb, void *priv)
{
	ha->role_cb = cb;
	ha->role_priv = priv;
}

/* The takeover hook. Runs once per entry into ASP-ACTIVE, after the SGP acknowledged it, so
 * traffic for the point code now reaches this node (the SGP flushes what it queued during T(r)).
 * The call-state restore (Redis) registers its callback with gw_ha_set_active_cb(). */
void ha_became_active(struct gw_ha *ha)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(ha->ctrs, GW_HA_CTR_BECAME_ACTIVE));
	LOGP(DGW, LOGL_NOTICE, "HA: became active: ASP %s is ASP-ACTIVE, the AS is ours%s\n", ha->asp_name,
	     ha->active_cb ? "; running the takeover hook" : "");
	if (ha->active_cb)
		ha->active_cb(ha->iwf, ha->active_priv);
}

/* ASP_DOWN / ASP_INACTIVE / ASP_ACTIVE of the ASP FSM, as libosmo-sigtran names them */
static enum gw_ha_role asp_role(const struct gw_ha *ha)
{
	struct osmo_fsm *fsm;
	struct osmo_fsm_inst *fi;

	if (osmo_ss7_asp_active(ha->asp))
		return GW_HA_ROLE_ACTIVE;
	fsm = osmo_fsm_find_by_name("XUA_ASP");
	fi = fsm ? osmo_fsm_inst_find_by_id(fsm, ha->asp_name) : NULL;
	if (fi && !strcmp(osmo_fsm_inst_state_name(fi), "ASP_INACTIVE"))
		return GW_HA_ROLE_STANDBY;
	return GW_HA_ROLE_DOWN;
}

static void ha_poll(void *data)
{
	struct gw_ha *ha = data;
	enum gw_ha_role now = asp_role(ha), was = ha->role;

	if (now != was) {
		LOGP(DGW, LOGL_NOTICE, "HA: ASP %s: %s -> %s\n", ha->asp_name, gw_ha_role_name(was),
		     gw_ha_role_name(now));
		ha->role = now;
		ha->since = time(NULL);
		if (ha->role_cb)	/* the service address starts moving before the takeover runs */
			ha->role_cb(ha, was, now, ha->role_priv);
		if (was == GW_HA_ROLE_ACTIVE)
			rate_ctr_inc(rate_ctr_group_get_ctr(ha->ctrs, GW_HA_CTR_LOST_ACTIVE));
		if (now == GW_HA_ROLE_ACTIVE) {
			if (was == GW_HA_ROLE_STANDBY)
				rate_ctr_inc(rate_ctr_group_get_ctr(ha->ctrs, GW_HA_CTR_TAKEOVER));
			ha_became_active(ha);
		}
	}
	osmo_timer_schedule(&ha->poll, 0, osmo_tdef_get(ha->iwf->tdefs, -30, OSMO_TDEF_MS, 100) * 1000);
}

int gw_ha_pair_start(struct gw_ha *ha)
{
	struct osmo_ss7_instance *inst;

	if (!gw_ha_enabled(ha))
		return 0;
	inst = osmo_ss7_instance_find(ha->iwf->isup->cfg.ss7_id);
	ha->asp = inst ? osmo_ss7_asp_find_by_name(inst, ha->asp_name) : NULL;
	if (!ha->asp) {
		fprintf(stderr, "sipt-gw: 'ha asp %s': no such ASP in cs7 instance %u\n", ha->asp_name,
			ha->iwf->isup->cfg.ss7_id);
		return -1;
	}
	ha->as = osmo_ss7_as_find_by_proto(inst, OSMO_SS7_ASP_PROT_M3UA);
	if (!ha->as || !osmo_ss7_as_has_asp(ha->as, ha->asp)) {
		fprintf(stderr, "sipt-gw: 'ha asp %s': the ASP is in no M3UA AS\n", ha->asp_name);
		return -1;
	}
	/* before the transport is up: the LM then sees M-SCTP_ESTABLISH and drives ASP-UP itself */
	if (osmo_ss7_asp_use_default_lm(ha->asp, LOGL_DEBUG) < 0)
		return -1;
	ha->started = true;
	if (ha->role_cb)	/* down: a node (re)started holds no service address */
		ha->role_cb(ha, GW_HA_ROLE_DOWN, GW_HA_ROLE_DOWN, ha->role_priv);
	osmo_timer_setup(&ha->poll, ha_poll, ha);
	osmo_timer_schedule(&ha->poll, 0, 0);
	return 0;
}

/* ISUP leg of a call: child FSM over struct isup_call (design.md, "FSM tree of one call"). */
#include <stdint.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>

#include "gw/debug.h"
#include "gw/call.h"
#include "gw/iwf.h"
#include "gw/isup_leg.h"
#include "isup/q850.h"

#define S(x) (1 << (x))

/* The isup_call's priv is the call id, not a pointer: a message for a call that has ended
 * finds nothing (gw_call_find) */
static struct gw_isup_leg *leg_of(struct gw_iwf *iwf, struct isup_call *ic)
{
	struct gw_call *call = gw_call_find(iwf, (uint32_t)(uintptr_t)isup_call_priv(ic));
	if (!call || !call->isup || call->isup->ic != ic)
		return NULL;
	return call->isup;
}

static void leg_state_chg(struct gw_isup_leg *leg, enum gw_isup_leg_state st)
{
	if (leg->fi->state != st && leg->fi->state != GW_ISUP_LEG_ST_RELEASED)
		osmo_fsm_inst_state_chg(leg->fi, st, 0, 0);
}

/* The leg's state after a message sent or received on the circuit */
static void leg_track(struct gw_isup_leg *leg, uint8_t type)
{
	switch (type) {
	case ISUP_ACM:
	case ISUP_CPG:
		if (leg->fi->state == GW_ISUP_LEG_ST_SETUP)
			leg_state_chg(leg, GW_ISUP_LEG_ST_EARLY);
		break;
	case ISUP_ANM:
	case ISUP_CON:
		leg_state_chg(leg, GW_ISUP_LEG_ST_ANSWERED);
		break;
	}
}

static enum gw_call_event call_event_of(uint8_t type)
{
	switch (type) {
	case ISUP_SAM: return GW_CALL_EV_ISUP_SAM;
	case ISUP_ACM: return GW_CALL_EV_ISUP_ACM;
	case ISUP_CPG: return GW_CALL_EV_ISUP_CPG;
	case ISUP_ANM:
	case ISUP_CON: return GW_CALL_EV_ISUP_ANM;
	case ISUP_SUS: return GW_CALL_EV_ISUP_SUS;
	case ISUP_RES: return GW_CALL_EV_ISUP_RES;
	default: return GW_CALL_EV_ISUP_MIDCALL;
	}
}

/* GW_ISUP_LEG_EV_RELEASE_IND data */
struct leg_release_ind {
	uint8_t cause;
	const struct isup_msg *rel;	/* the REL received, or NULL */
};

/* Setup, Early and Answered receive the same indications from the circuit layer */
static void leg_call_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct gw_isup_leg *leg = fi->priv;
	const struct isup_msg *msg;
	struct leg_release_ind *ri;

	switch (event) {
	case GW_ISUP_LEG_EV_MSG_IND:
		msg = data;
		leg_track(leg, msg->type);
		osmo_fsm_inst_dispatch(leg->call->fi, call_event_of(msg->type), data);
		break;
	case GW_ISUP_LEG_EV_RELEASE_IND:
		/* the isup_call is freed when release_ind returns: the leg ends with it */
		osmo_fsm_inst_state_chg(fi, GW_ISUP_LEG_ST_RELEASED, 0, 0);
		ri = data;
		if (ri->rel) {
			if (!leg->call->isup_rel)
				leg->call->isup_rel = talloc(leg->call, struct isup_msg);
			if (leg->call->isup_rel)
				*leg->call->isup_rel = *ri->rel;
		}
		osmo_fsm_inst_dispatch(leg->call->fi, GW_CALL_EV_ISUP_REL, &ri->cause);
		osmo_fsm_inst_term(fi, OSMO_FSM_TERM_REGULAR, NULL);
		break;
	case GW_ISUP_LEG_EV_CIC_CHANGED:
		leg->call->cic = isup_call_cic(leg->ic);
		gw_call_cic_changed(leg->call);
		break;
	}
}

/* Released: the isup_call is gone; what still comes is not passed on */
static void leg_released_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
}

static void leg_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	struct gw_isup_leg *leg = fi->priv;
	/* the call ended with the circuit still in the call (guard timer, shutdown) */
	if (fi->state != GW_ISUP_LEG_ST_RELEASED)
		isup_call_release(leg->ic, Q850_TEMPORARY_FAILURE);
}

#define LEG_EVENTS (S(GW_ISUP_LEG_EV_MSG_IND) | S(GW_ISUP_LEG_EV_RELEASE_IND) | S(GW_ISUP_LEG_EV_CIC_CHANGED))

static const struct osmo_fsm_state leg_states[] = {
	[GW_ISUP_LEG_ST_IDLE] = {
		.name = "Idle",
		.out_state_mask = S(GW_ISUP_LEG_ST_SETUP) | S(GW_ISUP_LEG_ST_RELEASED),
	},
	[GW_ISUP_LEG_ST_SETUP] = {
		.name = "Setup", .in_event_mask = LEG_EVENTS, .action = leg_call_action,
		.out_state_mask = S(GW_ISUP_LEG_ST_EARLY) | S(GW_ISUP_LEG_ST_ANSWERED) | S(GW_ISUP_LEG_ST_RELEASED),
	},
	[GW_ISUP_LEG_ST_EARLY] = {
		.name = "Early", .in_event_mask = LEG_EVENTS, .action = leg_call_action,
		.out_state_mask = S(GW_ISUP_LEG_ST_ANSWERED) | S(GW_ISUP_LEG_ST_RELEASED),
	},
	[GW_ISUP_LEG_ST_ANSWERED] = {
		.name = "Answered", .in_event_mask = LEG_EVENTS, .action = leg_call_action,
		.out_state_mask = S(GW_ISUP_LEG_ST_RELEASED),
	},
	[GW_ISUP_LEG_ST_RELEASED] = {
		.name = "Released",
		/* late indications of a call being released are ignored */
		.in_event_mask = LEG_EVENTS, .action = leg_released_action,
	},
};

static const struct value_string leg_event_names[] = {
	{ GW_ISUP_LEG_EV_MSG_IND, "MSG_IND" },
	{ GW_ISUP_LEG_EV_RELEASE_IND, "RELEASE_IND" },
	{ GW_ISUP_LEG_EV_CIC_CHANGED, "CIC_CHANGED" },
	{ 0, NULL }
};

struct osmo_fsm gw_isup_leg_fsm = {
	.name = "isup_leg",
	.states = leg_states,
	.num_states = ARRAY_SIZE(leg_states),
	.event_names = leg_event_names,
	.cleanup = leg_cleanup,
	.log_subsys = DGW,
};

static __attribute__((constructor)) void gw_isup_leg_fsm_register(void)
{
	OSMO_ASSERT(osmo_fsm_register(&gw_isup_leg_fsm) == 0);
}

static struct gw_isup_leg *leg_alloc(struct gw_call *call, struct isup_call *ic)
{
	struct osmo_fsm_inst *fi = osmo_fsm_inst_alloc_child(&gw_isup_leg_fsm, call->fi, GW_CALL_EV_ISUP_LEG_GONE);
	struct gw_isup_leg *leg;

	OSMO_ASSERT(fi);
	leg = talloc_zero(fi, struct gw_isup_leg);
	fi->priv = leg;
	leg->fi = fi;
	leg->call = call;
	leg->ic = ic;
	isup_call_set_priv(ic, (void *)(uintptr_t)call->id);
	call->isup = leg;
	call->cic = isup_call_cic(ic);
	call->dpc = isup_call_dpc(ic);
	gw_isup_leg_set_corr(leg, call->call_id);
	osmo_fsm_inst_state_chg(fi, GW_ISUP_LEG_ST_SETUP, 0, 0);
	return leg;
}

/* the SIP Call-ID on the circuit for captures (HEP): until the circuit is idle again */
void gw_isup_leg_set_corr(struct gw_isup_leg *leg, const char *call_id)
{
	if (leg && call_id[0])
		isup_call_set_corr(leg->ic, call_id);
}

/* the Call-ID of the egress call whose IAM is being sent (before its circuit knows it), or NULL */
static const char *g_setup_corr;

const char *gw_isup_leg_setup_corr(void)
{
	return g_setup_corr;
}

struct gw_isup_leg *gw_isup_leg_alloc(struct gw_call *call, struct isup_call *ic)
{
	return leg_alloc(call, ic);
}

struct gw_isup_leg *gw_isup_leg_restore(struct gw_call *call, struct isup_call *ic)
{
	struct gw_isup_leg *leg = leg_alloc(call, ic);
	osmo_fsm_inst_state_chg(leg->fi, GW_ISUP_LEG_ST_ANSWERED, 0, 0);
	return leg;
}

struct gw_isup_leg *gw_isup_leg_setup(struct gw_call *call, const char *group, const struct isup_msg *iam,
				      uint8_t *cause)
{
	struct isup_call *ic;

	g_setup_corr = call->call_id[0] ? call->call_id : NULL;
	ic = isup_call_setup(call->iwf->isup, group, -1, iam, (void *)(uintptr_t)call->id, cause);
	g_setup_corr = NULL;
	return ic ? leg_alloc(call, ic) : NULL;
}

void gw_isup_leg_send(struct gw_isup_leg *leg, const struct isup_msg *msg)
{
	if (!leg || leg->fi->state == GW_ISUP_LEG_ST_RELEASED)
		return;
	if (isup_call_send(leg->ic, msg) < 0) {
		LOGPFSML(leg->call->fi, LOGL_NOTICE, "ISUP %s not allowed in the circuit's state\n",
			 isup_msg_name(msg->type));
		return;
	}
	leg_track(leg, msg->type);
}

void gw_isup_leg_release(struct gw_isup_leg *leg, uint8_t cause, uint8_t location)
{
	if (!leg || leg->fi->state == GW_ISUP_LEG_ST_RELEASED)
		return;
	osmo_fsm_inst_state_chg(leg->fi, GW_ISUP_LEG_ST_RELEASED, 0, 0);
	isup_call_release_loc(leg->ic, cause, location);
	osmo_fsm_inst_term(leg->fi, OSMO_FSM_TERM_REGULAR, NULL);
}

void gw_isup_leg_release_msg(struct gw_isup_leg *leg, const struct isup_msg *rel)
{
	if (!leg || leg->fi->state == GW_ISUP_LEG_ST_RELEASED)
		return;
	osmo_fsm_inst_state_chg(leg->fi, GW_ISUP_LEG_ST_RELEASED, 0, 0);
	isup_call_release_msg(leg->ic, rel);
	osmo_fsm_inst_term(leg->fi, OSMO_FSM_TERM_REGULAR, NULL);
}

const char *gw_isup_leg_bearer(const struct gw_isup_leg *leg)
{
	return leg && leg->fi->state != GW_ISUP_LEG_ST_RELEASED ? isup_call_bearer(leg->ic) : NULL;
}

static void leg_dispatch(struct isup_call *ic, void *app, uint32_t event, void *data)
{
	struct gw_isup_leg *leg = leg_of(app, ic);
	if (leg)
		osmo_fsm_inst_dispatch(leg->fi, event, data);
}

void gw_isup_leg_msg_ind(struct isup_call *ic, const struct isup_msg *msg, void *app)
{
	leg_dispatch(ic, app, GW_ISUP_LEG_EV_MSG_IND, (void *)msg);
}

void gw_isup_leg_release_ind(struct isup_call *ic, uint8_t cause, const struct isup_msg *rel, void *app)
{
	struct leg_release_ind ri = { .cause = cause, .rel = rel };
	leg_dispatch(ic, app, GW_ISUP_LEG_EV_RELEASE_IND, &ri);
}

void gw_isup_leg_cic_changed_ind(struct isup_call *ic, uint16_t old_cic, void *app)
{
	leg_dispatch(ic, app, GW_ISUP_LEG_EV_CIC_CHANGED, NULL);
}

enum isup_pass_on gw_isup_leg_pass_on_ind(struct isup_call *ic, const struct isup_msg *msg, void *app)
{
	struct gw_isup_leg *leg = leg_of(app, ic);
	return leg ? gw_call_isup_pass_on(leg->call, msg) : ISUP_PASS_ON_END_NODE;
}

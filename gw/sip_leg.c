/* SIP leg of a call: child FSM over an INVITE dialog (design.md, "FSM tree of one call"). */
#include <stdint.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>

#include "gw/debug.h"
#include "gw/call.h"
#include "gw/iwf.h"
#include "gw/sip_leg.h"
#include "gw/sip_map.h"
#include "isup/isup_call.h"
#include "isup/q850.h"

#define S(x) (1 << (x))

const struct value_string gw_sdp_oa_names[] = {
	{ GW_SDP_OA_NONE, "none" },
	{ GW_SDP_OA_OFFER_SENT, "offer sent" },
	{ GW_SDP_OA_ANSWER_RECEIVED, "answer received" },
	{ GW_SDP_OA_OFFER_RECEIVED, "offer received" },
	{ GW_SDP_OA_LATE_OFFER, "late offer" },
	{ 0, NULL }
};

static void leg_state_chg(struct gw_sip_leg *leg, enum gw_sip_leg_state st)
{
	if (leg->fi->state != st && leg->fi->state != GW_SIP_LEG_ST_TERMINATING)
		osmo_fsm_inst_state_chg(leg->fi, st, 0, 0);
}

static bool has_sdp(const struct sip_event *ev)
{
	return ev->body && ev->body->has_sdp;
}

/* The leg's state and offer/answer after an event; the call event it becomes (-1: none) */
static int leg_track_rx(struct gw_sip_leg *leg, const struct sip_event *ev)
{
	switch (ev->type) {
	case SIP_EV_PROVISIONAL:
		if (has_sdp(ev) && leg->oa == GW_SDP_OA_OFFER_SENT)
			leg->oa = GW_SDP_OA_ANSWER_RECEIVED;
		if (ev->code > 100)
			leg_state_chg(leg, GW_SIP_LEG_ST_EARLY);
		return GW_CALL_EV_SIP_PROVISIONAL;
	case SIP_EV_ANSWERED:
		if (has_sdp(ev) && leg->oa == GW_SDP_OA_OFFER_SENT)
			leg->oa = GW_SDP_OA_ANSWER_RECEIVED;
		leg_state_chg(leg, GW_SIP_LEG_ST_CONFIRMED);
		return GW_CALL_EV_SIP_ANSWERED;
	case SIP_EV_ACK:
		leg_state_chg(leg, GW_SIP_LEG_ST_CONFIRMED);
		return GW_CALL_EV_SIP_ACK;
	case SIP_EV_FAILED:
		leg_state_chg(leg, GW_SIP_LEG_ST_TERMINATING);
		return GW_CALL_EV_SIP_FAILED;
	case SIP_EV_CANCEL:
		leg_state_chg(leg, GW_SIP_LEG_ST_TERMINATING);
		return GW_CALL_EV_SIP_CANCEL;
	case SIP_EV_BYE:
		leg_state_chg(leg, GW_SIP_LEG_ST_TERMINATING);
		return GW_CALL_EV_SIP_BYE;
	case SIP_EV_PRACK: return GW_CALL_EV_SIP_PRACK;
	case SIP_EV_INFO: return GW_CALL_EV_SIP_INFO;
	case SIP_EV_REINVITE: return GW_CALL_EV_SIP_REINVITE;
	case SIP_EV_TIMEOUT: return GW_CALL_EV_SIP_TIMEOUT;
	case SIP_EV_RESPONSE: return GW_CALL_EV_SIP_OTHER;
	default: return -1;
	}
}

/* Calling, Received, Early and Confirmed receive the same events of the dialog; each is
 * passed on to the call. SIP_EV_TERMINATED: the dialog is gone, so is the leg. */
static void leg_dialog_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct gw_sip_leg *leg = fi->priv;
	const struct sip_event *ev = data;
	int call_ev;

	if (ev->type == SIP_EV_TERMINATED) {
		osmo_fsm_inst_term(fi, OSMO_FSM_TERM_REGULAR, NULL);
		return;
	}
	call_ev = leg_track_rx(leg, ev);
	if (call_ev >= 0)
		osmo_fsm_inst_dispatch(leg->call->fi, call_ev, data);
}

static void leg_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	struct gw_sip_leg *leg = fi->priv;
	/* the call ended with the dialog still up and not released (error paths): release it; its
	 * later events carry the id of an ended call and find nothing */
	if (cause == OSMO_FSM_TERM_PARENT && fi->state != GW_SIP_LEG_ST_TERMINATING)
		sip_dialog_release(leg->dlg, Q850_TEMPORARY_FAILURE);
}

#define ALL_LEG_ST (S(GW_SIP_LEG_ST_CALLING) | S(GW_SIP_LEG_ST_RECEIVED) | S(GW_SIP_LEG_ST_EARLY) | \
		    S(GW_SIP_LEG_ST_CONFIRMED) | S(GW_SIP_LEG_ST_TERMINATING))

static const struct osmo_fsm_state leg_states[] = {
	[GW_SIP_LEG_ST_IDLE] = {
		.name = "Idle", .out_state_mask = S(GW_SIP_LEG_ST_CALLING) | S(GW_SIP_LEG_ST_RECEIVED) |
						  S(GW_SIP_LEG_ST_CONFIRMED),	/* restored */
	},
	[GW_SIP_LEG_ST_CALLING] = {
		.name = "Calling", .in_event_mask = S(GW_SIP_LEG_EV_RX), .action = leg_dialog_action,
		.out_state_mask = S(GW_SIP_LEG_ST_EARLY) | S(GW_SIP_LEG_ST_CONFIRMED) | S(GW_SIP_LEG_ST_TERMINATING),
	},
	[GW_SIP_LEG_ST_RECEIVED] = {
		.name = "Received", .in_event_mask = S(GW_SIP_LEG_EV_RX), .action = leg_dialog_action,
		.out_state_mask = S(GW_SIP_LEG_ST_EARLY) | S(GW_SIP_LEG_ST_CONFIRMED) | S(GW_SIP_LEG_ST_TERMINATING),
	},
	[GW_SIP_LEG_ST_EARLY] = {
		.name = "Early", .in_event_mask = S(GW_SIP_LEG_EV_RX), .action = leg_dialog_action,
		.out_state_mask = S(GW_SIP_LEG_ST_CONFIRMED) | S(GW_SIP_LEG_ST_TERMINATING),
	},
	[GW_SIP_LEG_ST_CONFIRMED] = {
		.name = "Confirmed", .in_event_mask = S(GW_SIP_LEG_EV_RX), .action = leg_dialog_action,
		.out_state_mask = S(GW_SIP_LEG_ST_TERMINATING),
	},
	[GW_SIP_LEG_ST_TERMINATING] = {
		.name = "Terminating", .in_event_mask = S(GW_SIP_LEG_EV_RX), .action = leg_dialog_action,
	},
};

static const struct value_string leg_event_names[] = {
	{ GW_SIP_LEG_EV_RX, "RX" },
	{ 0, NULL }
};

struct osmo_fsm gw_sip_leg_fsm = {
	.name = "sip_leg",
	.states = leg_states,
	.num_states = ARRAY_SIZE(leg_states),
	.event_names = leg_event_names,
	.cleanup = leg_cleanup,
	.log_subsys = DGW,
};

static __attribute__((constructor)) void gw_sip_leg_fsm_register(void)
{
	OSMO_ASSERT(osmo_fsm_register(&gw_sip_leg_fsm) == 0);
}

static struct gw_sip_leg *leg_alloc(struct gw_call *call)
{
	struct osmo_fsm_inst *fi = osmo_fsm_inst_alloc_child(&gw_sip_leg_fsm, call->fi, GW_CALL_EV_SIP_LEG_GONE);
	struct gw_sip_leg *leg;

	OSMO_ASSERT(fi);
	leg = talloc_zero(fi, struct gw_sip_leg);
	fi->priv = leg;
	leg->fi = fi;
	leg->call = call;
	return leg;
}

/* The dialog's priv is the call id, not a pointer: an event for a call that has ended finds
 * nothing (gw_call_find) */
static void *call_ref(const struct gw_call *call)
{
	return (void *)(uintptr_t)call->id;
}

/* SIP-I (Q.1912.5): the 200 to a BYE that carries a REL carries the RLC; the BYE the dialog
 * sends on a timeout of its own (RFC 4028 session expiry, no ACK) the gateway's REL 102 */
static void leg_bye_ok_rlc(struct gw_call *call, struct sip_dialog *dlg, const struct sip_trunk *trunk)
{
	enum isup_variant variant = isup_node_variant(call->iwf->isup);
	struct isup_msg m;
	struct gw_isup_blob b;
	if (!trunk || trunk->cfg.sipt_mode != SIP_SIPT_SIPI)
		return;
	isup_msg_init(&m, variant, ISUP_RLC, 0);
	gw_blob_from_msg(&b, &m);
	if (b.len > 0)
		sip_dialog_set_bye_ok_isup(dlg, b.data, b.len);
	gw_isup_build_rel(&m, variant, Q850_RECOVERY_ON_TIMER_EXPIRY, ISUP_LOC_PUB_LOCAL);
	gw_blob_from_msg(&b, &m);
	if (b.len > 0)
		sip_dialog_set_timeout_bye_isup(dlg, b.data, b.len);
}

struct gw_sip_leg *gw_sip_leg_alloc(struct gw_call *call, struct sip_dialog *dlg, const struct sip_event *ev)
{
	struct gw_sip_leg *leg = leg_alloc(call);
	leg->dlg = dlg;
	leg->oa = has_sdp(ev) ? GW_SDP_OA_OFFER_RECEIVED : GW_SDP_OA_LATE_OFFER;
	sip_dialog_set_priv(dlg, call_ref(call));
	leg_bye_ok_rlc(call, dlg, sip_dialog_trunk(dlg));
	call->sip = leg;
	osmo_fsm_inst_state_chg(leg->fi, GW_SIP_LEG_ST_RECEIVED, 0, 0);
	return leg;
}

struct gw_sip_leg *gw_sip_leg_restore(struct gw_call *call, struct sip_dialog *dlg)
{
	struct gw_sip_leg *leg = leg_alloc(call);
	leg->dlg = dlg;
	leg->oa = GW_SDP_OA_NONE;
	sip_dialog_set_priv(dlg, call_ref(call));
	leg_bye_ok_rlc(call, dlg, sip_dialog_trunk(dlg));
	call->sip = leg;
	osmo_fsm_inst_state_chg(leg->fi, GW_SIP_LEG_ST_CONFIRMED, 0, 0);
	return leg;
}

struct gw_sip_leg *gw_sip_leg_invite(struct gw_call *call, struct sip_trunk *trunk, const char *to_user,
				     const char *from_user, const struct sip_msg_opts *opts,
				     const struct sip_uac_ident *same)
{
	struct sip_dialog *dlg = same ? sip_dialog_invite_again(trunk, to_user, from_user, opts, call_ref(call), same)
				      : sip_dialog_invite(trunk, to_user, from_user, opts, call_ref(call));
	struct gw_sip_leg *leg;

	if (!dlg)
		return NULL;
	leg = leg_alloc(call);
	leg->dlg = dlg;
	leg->oa = opts->sdp ? GW_SDP_OA_OFFER_SENT : GW_SDP_OA_NONE;
	leg_bye_ok_rlc(call, dlg, trunk);
	call->sip = leg;
	osmo_fsm_inst_state_chg(leg->fi, GW_SIP_LEG_ST_CALLING, 0, 0);
	return leg;
}

void gw_sip_leg_event(struct gw_iwf *iwf, struct sip_dialog *dlg, const struct sip_event *ev)
{
	struct gw_call *call = gw_call_find(iwf, (uint32_t)(uintptr_t)sip_dialog_priv(dlg));
	if (!call || !call->sip || call->sip->dlg != dlg)
		return;		/* a dialog of a call that has ended */
	osmo_fsm_inst_dispatch(call->sip->fi, GW_SIP_LEG_EV_RX, (void *)ev);
}

static bool leg_up(const struct gw_sip_leg *leg)
{
	return leg && leg->fi->state != GW_SIP_LEG_ST_TERMINATING;
}

int gw_sip_leg_provisional(struct gw_sip_leg *leg, int code, bool reliable, const struct sip_msg_opts *opts)
{
	if (!leg_up(leg))
		return -1;
	leg_state_chg(leg, GW_SIP_LEG_ST_EARLY);
	return sip_dialog_provisional(leg->dlg, code, reliable, opts);
}

int gw_sip_leg_answer(struct gw_sip_leg *leg, const struct sip_msg_opts *opts)
{
	return leg_up(leg) ? sip_dialog_answer(leg->dlg, opts) : -1;
}

/* The final requests and responses: the leg is Terminating before the dialog can report its end */
int gw_sip_leg_reject(struct gw_sip_leg *leg, int code, const struct sip_msg_opts *opts)
{
	if (!leg_up(leg))
		return -1;
	leg_state_chg(leg, GW_SIP_LEG_ST_TERMINATING);
	return sip_dialog_reject(leg->dlg, code, opts);
}

int gw_sip_leg_cancel(struct gw_sip_leg *leg, const struct sip_msg_opts *opts)
{
	if (!leg_up(leg))
		return -1;
	leg_state_chg(leg, GW_SIP_LEG_ST_TERMINATING);
	return sip_dialog_cancel(leg->dlg, opts);
}

int gw_sip_leg_bye(struct gw_sip_leg *leg, const struct sip_msg_opts *opts)
{
	if (!leg)
		return -1;
	leg_state_chg(leg, GW_SIP_LEG_ST_TERMINATING);
	return sip_dialog_bye(leg->dlg, opts);
}

int gw_sip_leg_info(struct gw_sip_leg *leg, const struct sip_msg_opts *opts)
{
	return leg_up(leg) ? sip_dialog_info(leg->dlg, opts) : -1;
}

int gw_sip_leg_reoffer(struct gw_sip_leg *leg, const struct sip_sdp *sdp)
{
	return leg_up(leg) ? sip_dialog_reoffer(leg->dlg, sdp, false) : -1;
}

void gw_sip_leg_release(struct gw_sip_leg *leg, const struct sip_msg_opts *opts, int uas_status)
{
	if (!leg)
		return;
	leg_state_chg(leg, GW_SIP_LEG_ST_TERMINATING);
	sip_dialog_release_opts(leg->dlg, opts, uas_status);
}

const struct sip_sdp *gw_sip_leg_remote_sdp(const struct gw_sip_leg *leg)
{
	return leg ? sip_dialog_remote_sdp(leg->dlg) : NULL;
}

bool gw_sip_leg_late_offer(const struct gw_sip_leg *leg)
{
	return leg && leg->oa == GW_SDP_OA_LATE_OFFER;
}

/* The ISUP leg of a call: a child FSM of the call over one struct isup_call (isup_call.h). It
 * receives the isup_call_ops callbacks, turns them into call events, and sends what the call
 * asks. It ends (parent term event GW_CALL_EV_ISUP_LEG_GONE) when the isup_call is gone:
 * release_ind received, or gw_isup_leg_release() called. */
#pragma once
#include <stdint.h>
#include "isup/isup_call.h"

struct gw_call;
struct osmo_fsm_inst;

enum gw_isup_leg_state {
	GW_ISUP_LEG_ST_IDLE,
	GW_ISUP_LEG_ST_SETUP,		/* IAM sent / received */
	GW_ISUP_LEG_ST_EARLY,		/* ACM (or CPG) sent / received */
	GW_ISUP_LEG_ST_ANSWERED,	/* ANM / CON */
	GW_ISUP_LEG_ST_RELEASED,	/* REL sent or release_ind: the isup_call is gone */
};

enum gw_isup_leg_event {
	GW_ISUP_LEG_EV_MSG_IND,		/* data: const struct isup_msg * */
	GW_ISUP_LEG_EV_RELEASE_IND,	/* data: uint8_t * cause */
	GW_ISUP_LEG_EV_CIC_CHANGED,	/* automatic repeat attempt: another circuit */
};

struct gw_isup_leg {
	struct osmo_fsm_inst *fi;
	struct gw_call *call;
	struct isup_call *ic;		/* owned: released by this leg */
};

extern struct osmo_fsm gw_isup_leg_fsm;

/* Ingress: the leg over the isup_call of a received IAM */
struct gw_isup_leg *gw_isup_leg_alloc(struct gw_call *call, struct isup_call *ic);
/* Egress: IAM on a free circuit of 'group'; NULL (and *cause) when none could be seized */
struct gw_isup_leg *gw_isup_leg_setup(struct gw_call *call, const char *group, const struct isup_msg *iam,
				      uint8_t *cause);
/* The call's SIP Call-ID on its circuit, for the ISUP captures (HEP correlation); leg may be NULL */
void gw_isup_leg_set_corr(struct gw_isup_leg *leg, const char *call_id);
/* While gw_isup_leg_setup() sends an IAM: that call's Call-ID (its circuit has none yet), else NULL */
const char *gw_isup_leg_setup_corr(void);
/* Takeover: the leg over a restored answered isup_call (isup_takeover.h), in Answered */
struct gw_isup_leg *gw_isup_leg_restore(struct gw_call *call, struct isup_call *ic);
/* Send a call message (ACM, CPG, ANM, CON, SUS/RES, pass-along); leg may be NULL (gone) */
void gw_isup_leg_send(struct gw_isup_leg *leg, const struct isup_msg *msg);
/* REL with cause and location; the leg ends. leg may be NULL. */
void gw_isup_leg_release(struct gw_isup_leg *leg, uint8_t cause, uint8_t location);
/* The given REL as it is (e.g. the one encapsulated in a SIP-I BYE); the leg ends. leg may be NULL. */
void gw_isup_leg_release_msg(struct gw_isup_leg *leg, const struct isup_msg *rel);
/* The circuit's RTP endpoint "ip:port" or NULL; its circuit state name */
const char *gw_isup_leg_bearer(const struct gw_isup_leg *leg);

/* isup_call_ops callbacks of the interworking function (app: struct gw_iwf *) */
void gw_isup_leg_msg_ind(struct isup_call *ic, const struct isup_msg *msg, void *app);
void gw_isup_leg_release_ind(struct isup_call *ic, uint8_t cause, const struct isup_msg *rel, void *app);
void gw_isup_leg_cic_changed_ind(struct isup_call *ic, uint16_t old_cic, void *app);
enum isup_pass_on gw_isup_leg_pass_on_ind(struct isup_call *ic, const struct isup_msg *msg, void *app);

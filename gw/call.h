/* One call through the gateway: a parent osmo_fsm between an ISUP leg (gw/isup_leg.h, over
 * isup_call.h) and a SIP leg (gw/sip_leg.h, over the SIP dialog), with the media bridge. The
 * direction is the FSM type: gw_call_in (ISUP -> SIP, RFC 3398 8) and gw_call_out (SIP -> ISUP,
 * RFC 3398 7) share struct gw_call and the state names (design.md, "FSM tree of one call"). */
#pragma once
#include <stdint.h>
#include <stdbool.h>
#include <time.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/hashtable.h>
#include <osmocom/core/fsm.h>

#include "isup/isup.h"
#include "isup/isup_call.h"
#include "gw/iam_map.h"
#include "gw/redir_map.h"

struct gw_iwf;
struct isup_call;
struct sip_dialog;
struct sip_event;
struct media_bridge;
struct gw_isup_leg;
struct gw_sip_leg;
struct gw_overlap;
struct gw_overlap_egress;

/* RFC 3398 7/8, Q.1912.5 clause 6/7 */
enum gw_call_state {
	GW_CALL_ST_IDLE,
	GW_CALL_ST_COLLECTING,		/* ingress overlap: SAMs awaited (isup T35, gw X1; gw/overlap.c) */
	GW_CALL_ST_TRYING,		/* INVITE / IAM sent, no 18x / ACM yet */
	GW_CALL_ST_EARLY,		/* ACM/CPG <-> 18x without early media */
	GW_CALL_ST_EARLY_MEDIA,		/* 18x with SDP / ACM in-band: backward media */
	GW_CALL_ST_WAITING_FOR_ACK,	/* egress: ANM -> 200 sent, ACK awaited */
	GW_CALL_ST_ANSWERED,
	GW_CALL_ST_SUSPENDED,		/* SUS (network) received (Q.764 2.6) */
	GW_CALL_ST_TONE_BEFORE_REL,	/* failed call: E.182 tone to the caller, then the release (gw X3) */
	GW_CALL_ST_RELEASING,		/* a leg released, waiting for the children to be gone (gw X2) */
};

enum gw_call_event {
	/* from the ISUP leg; data: const struct isup_msg * */
	GW_CALL_EV_ISUP_IAM,
	GW_CALL_EV_ISUP_SAM,
	GW_CALL_EV_ISUP_ACM,
	GW_CALL_EV_ISUP_CPG,
	GW_CALL_EV_ISUP_ANM,		/* ANM or CON */
	GW_CALL_EV_ISUP_SUS,
	GW_CALL_EV_ISUP_RES,
	GW_CALL_EV_ISUP_MIDCALL,	/* anything else (INF, USR, FAC, APM, ...) */
	GW_CALL_EV_ISUP_REL,		/* data: uint8_t * cause (REL received, timer expiry, reset, ...) */
	/* from the SIP leg; data: const struct sip_event * */
	GW_CALL_EV_SIP_INVITE,
	GW_CALL_EV_SIP_PROVISIONAL,
	GW_CALL_EV_SIP_ANSWERED,
	GW_CALL_EV_SIP_FAILED,
	GW_CALL_EV_SIP_ACK,
	GW_CALL_EV_SIP_PRACK,
	GW_CALL_EV_SIP_CANCEL,
	GW_CALL_EV_SIP_BYE,
	GW_CALL_EV_SIP_INFO,
	GW_CALL_EV_SIP_REINVITE,
	GW_CALL_EV_SIP_TIMEOUT,
	GW_CALL_EV_SIP_OTHER,		/* responses to our in-dialog requests */
	/* from the gateway */
	GW_CALL_EV_RELEASE_REQ,		/* data: uint8_t * cause (operator / shutdown) */
	GW_CALL_EV_MEDIA_TIMEOUT,	/* data: enum media_leg * (the leg without RTP) */
	/* children ending (their parent_term_event) */
	GW_CALL_EV_ISUP_LEG_GONE,
	GW_CALL_EV_SIP_LEG_GONE,
	GW_CALL_EV_MEDIA_GONE,
};

struct gw_call {
	struct llist_head list;		/* iwf->calls */
	struct hlist_node hnode;	/* iwf->calls_by_id */
	struct gw_iwf *iwf;
	struct osmo_fsm_inst *fi;	/* gw_call_in_fsm or gw_call_out_fsm */
	uint32_t id;

	/* children; each pointer is cleared by its leg's term event */
	struct gw_isup_leg *isup;
	struct gw_sip_leg *sip;
	struct media_bridge *mb;	/* child FSM; NULL without a media port range */

	/* ISUP side */
	uint16_t cic;
	uint32_t dpc;
	char group[64];
	/* ingress: received IAM (SAM digits folded in); a talloc child of the call from the IAM to
	 * the answer (a struct isup_msg is 16 KiB; the INVITEs and the 3xx recursion are over then) */
	struct isup_msg *iam;
	struct gw_overlap *overlap;	/* ingress, RFC 3578 INVITEs (gw/overlap.c); NULL: none yet */
	struct gw_overlap_egress *overlap_egress;	/* egress, IAM without ST (gw/overlap_egress.c) */

	/* SIP side */
	char trunk[64];
	char call_id[128];
	struct gw_sip_identity sip_id;
	struct gw_redir_call redir;	/* redirection data, 3xx recursion (gw/call_redir.c) */

	/* The REL received from the PSTN (NULL: none), set before GW_CALL_EV_ISUP_REL: SIP-I
	 * trunks carry it in the BYE / final response, its location goes into the Reason. A talloc
	 * child of the call, allocated only then (a struct isup_msg is 16 KiB) */
	struct isup_msg *isup_rel;

	/* Tone_before_release: the release that follows the tone */
	uint8_t tone_cause, tone_loc;
	int tone_status;
	/* ingress on SIP-I: the REL the SIP side's final response carried, encoded (0: none) */
	uint8_t tone_rel[ISUP_MAX_MSG_LEN];
	int tone_rel_len;

	/* bookkeeping (CDR) */
	struct timespec t_setup, t_acm, t_alert, t_answer, t_release;	/* CLOCK_REALTIME; 0: not yet */
	uint8_t rel_cause;
	int sip_status;
	const char *rel_side;		/* "isup", "sip", "gw" */
	bool ha_stored;			/* its record is in the HA state store (gw/ha_call.c) */
	bool ha_reinvite;		/* restored at a takeover: its re-INVITE awaits the answer */
	bool ha_early;			/* its early record is (gw/ha_early.c) */
};

extern struct osmo_fsm gw_call_in_fsm;
extern struct osmo_fsm gw_call_out_fsm;

/* Note the time of an event once (the first time only) */
static inline void gw_call_stamp(struct timespec *t)
{
	if (!t->tv_sec)
		clock_gettime(CLOCK_REALTIME, t);
}

static inline bool gw_call_is_ingress(const struct gw_call *call)
{
	return call->fi->fsm == &gw_call_in_fsm;
}

/* Ingress: an IAM on circuit ic; the call takes the ISUP call (its leg) and handles the IAM. */
struct gw_call *gw_call_in_alloc(struct gw_iwf *iwf, struct isup_call *ic, const struct isup_msg *iam);
/* Egress: an INVITE on dialog dlg; the call takes the dialog (its leg) and handles the INVITE. */
struct gw_call *gw_call_out_alloc(struct gw_iwf *iwf, struct sip_dialog *dlg, const struct sip_event *ev);
struct gw_call *gw_call_find(struct gw_iwf *iwf, uint32_t id);
/* Takeover (gw/call_restore.c): the answered call of another node's record rebuilt here with
 * the record's call id, its ISUP leg, SIP dialog and media bridge, in Answered. NULL when it
 * cannot be (logged; what was set up is released). */
struct ha_call_rec;
struct gw_call *gw_call_restore(struct gw_iwf *iwf, const struct ha_call_rec *rec);
/* Its target refresh re-INVITE (this node's Contact and SDP, 'codec' of the record first); the
 * answer: call_restore_reinvite_result. -1: could not be sent, the call is being released. */
int gw_call_restore_reinvite(struct gw_call *call, const char *codec);
/* Shutdown: the gateway releases the call on both legs with 'cause' (REL; BYE for a confirmed
 * dialog, CANCEL for an early outgoing one, 503 + Reason for an incoming INVITE not answered) */
void gw_call_shutdown(struct gw_call *call, uint8_t cause);
/* The state as `show calls` names it (RFC 3398 7.2: Trying, Not_alerting, Alerting, Connected...) */
const char *gw_call_state_name(const struct gw_call *call);
/* Answered (200 sent or received): Waiting_for_ACK, Answered, Suspended */
bool gw_call_answered(const struct gw_call *call);
/* An ACM (or CON) went through, either way (show call) */
bool gw_call_acm(const struct gw_call *call);
/* The ISUP layer moved the call to another CIC (call->cic updated): media follows the circuit. */
void gw_call_cic_changed(struct gw_call *call);
enum isup_pass_on gw_call_isup_pass_on(struct gw_call *call, const struct isup_msg *msg);

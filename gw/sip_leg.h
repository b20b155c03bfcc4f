/* The SIP leg of a call: a child FSM of the call over one INVITE dialog (sip.h). It receives
 * the sip_ua_cbs event of its dialog, turns it into a call event, keeps the SDP offer/answer
 * state (late offer: RFC 3261 13.2.1) and sends what the call asks. It ends (parent term event
 * GW_CALL_EV_SIP_LEG_GONE) on SIP_EV_TERMINATED. */
#pragma once
#include <stdbool.h>
#include "sip/sip.h"

struct gw_call;
struct gw_iwf;
struct osmo_fsm_inst;

enum gw_sip_leg_state {
	GW_SIP_LEG_ST_IDLE,
	GW_SIP_LEG_ST_CALLING,		/* UAC: INVITE sent */
	GW_SIP_LEG_ST_RECEIVED,		/* UAS: INVITE received */
	GW_SIP_LEG_ST_EARLY,		/* 18x sent / received */
	GW_SIP_LEG_ST_CONFIRMED,	/* 2xx received / ACK received */
	GW_SIP_LEG_ST_TERMINATING,	/* BYE, CANCEL or final response sent or received */
};

enum gw_sip_leg_event {
	GW_SIP_LEG_EV_RX,		/* data: const struct sip_event * */
};

/* SDP offer/answer of the INVITE transaction (RFC 3264, RFC 3261 13.2.1) */
enum gw_sdp_oa {
	GW_SDP_OA_NONE,
	GW_SDP_OA_OFFER_SENT,		/* UAC: the INVITE carries our offer */
	GW_SDP_OA_ANSWER_RECEIVED,	/* UAC: an 18x/200 carried the answer */
	GW_SDP_OA_OFFER_RECEIVED,	/* UAS: the INVITE carried the offer, we answer */
	GW_SDP_OA_LATE_OFFER,		/* UAS: INVITE without SDP: our offer goes out in a reliable 18x
					 * or the 200, the answer comes in PRACK / ACK */
};

struct gw_sip_leg {
	struct osmo_fsm_inst *fi;
	struct gw_call *call;
	struct sip_dialog *dlg;		/* owned: valid until SIP_EV_TERMINATED, when the leg ends */
	enum gw_sdp_oa oa;
};

extern struct osmo_fsm gw_sip_leg_fsm;
extern const struct value_string gw_sdp_oa_names[];

/* UAS: the leg over the dialog of a received INVITE (ev: the INVITE) */
struct gw_sip_leg *gw_sip_leg_alloc(struct gw_call *call, struct sip_dialog *dlg, const struct sip_event *ev);
/* UAC: INVITE on a trunk (same: RFC 3578 3, the Call-ID and From tag of the INVITE before, NULL
 * for a new one); NULL when it could not be sent */
struct gw_sip_leg *gw_sip_leg_invite(struct gw_call *call, struct sip_trunk *trunk, const char *to_user,
				     const char *from_user, const struct sip_msg_opts *opts,
				     const struct sip_uac_ident *same);
/* Takeover: the leg over a restored confirmed dialog (sip_dialog_restore), in Confirmed */
struct gw_sip_leg *gw_sip_leg_restore(struct gw_call *call, struct sip_dialog *dlg);
/* The sip_ua_cbs event for a dialog other than a new INVITE */
void gw_sip_leg_event(struct gw_iwf *iwf, struct sip_dialog *dlg, const struct sip_event *ev);

/* What the call asks; each accepts leg NULL (gone) and then does nothing (returns -1) */
int gw_sip_leg_provisional(struct gw_sip_leg *leg, int code, bool reliable, const struct sip_msg_opts *opts);
int gw_sip_leg_answer(struct gw_sip_leg *leg, const struct sip_msg_opts *opts);
int gw_sip_leg_reject(struct gw_sip_leg *leg, int code, const struct sip_msg_opts *opts);
int gw_sip_leg_cancel(struct gw_sip_leg *leg, const struct sip_msg_opts *opts);
int gw_sip_leg_bye(struct gw_sip_leg *leg, const struct sip_msg_opts *opts);
int gw_sip_leg_info(struct gw_sip_leg *leg, const struct sip_msg_opts *opts);
int gw_sip_leg_reoffer(struct gw_sip_leg *leg, const struct sip_sdp *sdp);
/* CANCEL, BYE or (UAS, not answered) 'uas_status' with the Reason and (SIP-I) REL of opts */
void gw_sip_leg_release(struct gw_sip_leg *leg, const struct sip_msg_opts *opts, int uas_status);
const struct sip_sdp *gw_sip_leg_remote_sdp(const struct gw_sip_leg *leg);
/* Late offer: our SDP is the offer, the peer's comes as the answer in PRACK / ACK */
bool gw_sip_leg_late_offer(const struct gw_sip_leg *leg);

/* One call through the gateway: an osmo_fsm following RFC 3398 7.2 (states Idle, Trying,
 * Not alerting, Alerting, Waiting for ACK, Connected, Releasing; plus Collecting digits for
 * overlap -> en-bloc on ingress), between an ISUP call (isup_call.h) and a SIP dialog (sip.h). */
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

struct gw_iwf;
struct isup_call;
struct sip_dialog;
struct sip_event;
struct media_bridge;

enum gw_call_state {
	GW_CALL_ST_IDLE,
	GW_CALL_ST_COLLECTING,		/* ingress overlap: waiting for SAMs (inter-digit timer) */
	GW_CALL_ST_TRYING,		/* IAM / INVITE sent, nothing back yet */
	GW_CALL_ST_NOT_ALERTING,	/* early ACM / 183 */
	GW_CALL_ST_ALERTING,		/* ACM subscriber free / CPG alerting / 180 */
	GW_CALL_ST_WAITING_FOR_ACK,	/* egress: 200 sent, ACK awaited */
	GW_CALL_ST_CONNECTED,
	GW_CALL_ST_RELEASING,		/* one leg released, waiting for the other to be gone */
	GW_CALL_ST_TONE_BEFORE_REL,	/* failed call: E.182 tone as early media, then the release */
};

enum gw_call_event {
	GW_CALL_EV_ISUP_SETUP,		/* data: const struct isup_msg * (IAM) */
	GW_CALL_EV_ISUP_MSG,		/* data: const struct isup_msg * (ACM, CPG, ANM, CON, SAM, SUS, ...) */
	GW_CALL_EV_ISUP_RELEASED,	/* data: uint8_t * cause */
	GW_CALL_EV_SIP_INVITE,		/* data: const struct sip_event * */
	GW_CALL_EV_SIP_EVENT,		/* data: const struct sip_event * (anything else) */
	GW_CALL_EV_RELEASE_REQ,		/* data: uint8_t * cause (operator / shutdown) */
	GW_CALL_EV_MEDIA_TIMEOUT,	/* data: enum media_leg * (the leg without RTP) */
};

enum gw_call_dir { GW_CALL_INGRESS, GW_CALL_EGRESS };	/* ISUP->SIP / SIP->ISUP */

struct gw_call {
	struct llist_head list;		/* iwf->calls */
	struct hlist_node hnode;	/* iwf->calls_by_id */
	struct gw_iwf *iwf;
	struct osmo_fsm_inst *fi;
	uint32_t id;
	enum gw_call_dir dir;

	/* ISUP leg */
	struct isup_call *isup;		/* NULL once released */
	uint16_t cic;
	uint32_t dpc;
	char group[64];
	struct isup_msg iam;		/* ingress: received IAM (SAM digits folded in) */
	bool acm_sent, acm_received, answered;

	/* SIP leg */
	struct sip_dialog *dlg;		/* NULL once terminated */
	char trunk[64];
	char call_id[128];
	struct gw_sip_identity sip_id;
	bool has_remote_sdp;

	/* media */
	struct media_bridge *mb;	/* NULL without a media port range */
	bool early_media;		/* in-band early media runs (SIP 18x SDP, or PSTN in-band toward SIP) */
	bool late_offer;		/* egress INVITE without SDP: our offer goes out, answer in PRACK/ACK */
	uint8_t tone_cause, tone_loc;	/* Tone_before_release: the release that follows */
	int tone_status;

	/* bookkeeping */
	struct timespec t_setup, t_acm, t_alert, t_answer, t_release;	/* CLOCK_REALTIME; 0: not yet */
	uint8_t rel_cause;
	int sip_status;
	const char *rel_side;		/* "isup", "sip", "gw" */
};

extern struct osmo_fsm gw_call_fsm;

/* Note the time of an event once (the first time only) */
static inline void gw_call_stamp(struct timespec *t)
{
	if (!t->tv_sec)
		clock_gettime(CLOCK_REALTIME, t);
}

struct gw_call *gw_call_alloc(struct gw_iwf *iwf, enum gw_call_dir dir);
struct gw_call *gw_call_find(struct gw_iwf *iwf, uint32_t id);
/* Shutdown: the gateway releases the call on both legs with 'cause' (REL; BYE for a confirmed
 * dialog, CANCEL for an early outgoing one, 503 + Reason for an incoming INVITE not answered) */
void gw_call_shutdown(struct gw_call *call, uint8_t cause);
const char *gw_call_state_name(const struct gw_call *call);
/* The ISUP layer moved the call to another CIC (call->cic updated): media follows the circuit. */
void gw_call_cic_changed(struct gw_call *call);
enum isup_pass_on gw_call_isup_pass_on(struct gw_call *call, const struct isup_msg *msg);

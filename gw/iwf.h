/* The interworking function: routes, per-trunk interworking settings, the call-mapping table
 * and one call FSM per call between the ISUP call API (isup/isup_call.h) and the SIP UA
 * (sip/sip.h). RFC 3398 (ISUP <-> SIP) with a Q.1912.5 cause profile. */
#pragma once
#include <stdint.h>
#include <stdbool.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/hashtable.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/tdef.h>

#include "isup/q850.h"
#include "gw/cause_map.h"
#include "gw/iam_map.h"
#include "gw/cdr.h"
#include "gw/rate_limit.h"
#include "gw/redir_map.h"

struct isup_node;
struct sip_ua;
struct media_pool;
struct tone_plan;
struct sip_trunk;
struct gw_call;

/* ingress: ISUP called number prefix -> SIP trunk; egress: R-URI user prefix -> circuit group */
struct gw_route {
	struct llist_head list;
	bool egress;
	char prefix[32];		/* "" matches everything; digits, optional leading '+' */
	char target[64];		/* trunk name (ingress) / circuit-group name (egress) */
	char where[300];		/* config file:line it came from ("" = telnet) */
};

/* Interworking settings per circuit group */
struct gw_group_iwf {
	struct llist_head list;
	char name[64];
	struct gw_rate_limit call_rate;	/* new IAMs per second; beyond: REL cause 42 */
	char where[300];		/* config file:line that first named it */
};

/* PSTN-side local RTP endpoint of the bridges of one circuit group: port = base + step * CIC
 * (the TDM side's fixed port per circuit), instead of a port from the pool */
struct gw_pstn_local {
	struct llist_head list;
	char group[64];
	char ip[64];
	uint16_t base, step;
};

/* E.180 national plan of the tones played toward the exchange of one circuit group */
struct gw_group_tones {
	struct llist_head list;
	char group[64];
	const struct tone_plan *plan;
};

/* A circuit group whose circuits do not carry 64 kbit/s unrestricted ('circuit-group NAME clearmode
 * reject', gw/bearer_vty.c) */
struct gw_group_bearer {
	struct llist_head list;
	char group[64];
	char where[300];		/* config file:line */
};

/* the gw timers a trunk overrides: index into gw_trunk_iwf.tdefs (the last entry ends the list) */
enum gw_trunk_tdef {
	GW_TRUNK_TDEF_X3,		/* 'trunk NAME tones-before-release N' */
	GW_TRUNK_TDEF_X5,		/* 'trunk NAME early-acm N' */
	GW_TRUNK_TDEFS = GW_TRUNK_TDEF_X5 + 2,
};

/* Interworking settings per SIP trunk */
struct gw_trunk_iwf {
	struct llist_head list;
	char name[64];
	enum gw_cause_profile profile;
	struct gw_cause_overrides ovr;
	bool reliable_18x;		/* send 18x reliably when the peer supports 100rel */
	const struct tone_plan *tone_plan;	/* E.180 plan for this trunk's calls (NULL: the gateway's) */
	/* [GW_TRUNK_TDEF_X3]: E.182 tone as early media before a release, for this long (0: gw X3);
	 * [GW_TRUNK_TDEF_X5]: early ACM after this long without 18x (0: gw X5) */
	struct osmo_tdef tdefs[GW_TRUNK_TDEFS];
	bool p_early_media;		/* P-Early-Media (RFC 5009) on 18x carrying gateway early media */
	bool ringback_early_media;	/* SIP -> ISUP alerting without in-band: ringing tone as early media */
	bool number_global;		/* 'number-format global': only global (+CC...) numbers go to it */
	enum gw_redir_header redir_hdr;	/* 'trunk NAME redirection ...' (gw/redir_map.h) */
	unsigned int redirect_recurse;	/* 3xx: new INVITEs per call (0: REL cause 23) */
	bool draining;			/* CTRL trunk.NAME.drain (gw/ctrl.h): no new calls, either way */
	bool overlap_rfc3578;		/* ISUP overlap as RFC 3578 3 INVITEs with more digits (else en bloc) */
	struct rate_ctr_group *ctrs;	/* per trunk: same counters as the IWF's (enum gw_iwf_ctr) */
	struct gw_rate_limit call_rate;	/* new INVITEs per second (the sip trunk's call-rate-limit) */
	char where[300];		/* config file:line that first named it ("" = created at run time) */
};

enum gw_iwf_ctr {
	GW_CTR_CALLS_IN,		/* ISUP -> SIP (ingress) attempts */
	GW_CTR_CALLS_OUT,		/* SIP -> ISUP (egress) attempts */
	GW_CTR_CALLS_ANSWERED,
	GW_CTR_CALLS_FAILED,
	GW_CTR_NO_ROUTE,
	GW_CTR_RTP_RX_PSTN,		/* RTP packets received from the circuit side (ended calls) */
	GW_CTR_RTP_RX_SIP,
	GW_CTR_RTP_LOST_PSTN,		/* sequence gaps seen */
	GW_CTR_RTP_LOST_SIP,
	GW_CTR_RATE_LIMITED,		/* IAMs released with cause 42 (circuit group call-rate limit) */
	GW_CTR_LATE_SAM,		/* SAMs after the number went out to SIP (gw/overlap.c): ignored */
	GW_CTR_CONG_REFUSED_ISUP,	/* IAMs refused (REL 42): M3UA transmit queue congested */
	GW_CTR_CONG_REFUSED_SIP,	/* INVITEs refused (503, cause 42): M3UA transmit queue congested */
	GW_CTR_OVERLOAD_REFUSED_SIP,	/* INVITEs refused (503, cause 42): a SIP UDP receive buffer filling */
	GW_CTR_OVERLOAD_REFUSED_ISUP,	/* IAMs refused (REL 42): a SIP UDP receive buffer filling */
};

/* What the HA state store hears of a call (iwf->ha_call): it exists on both sides (early
 * record, gw/ha_early.c), it is answered (again after RES, or a new CSeq: the answered record),
 * it is released or gone */
enum gw_ha_stage { GW_HA_EARLY, GW_HA_ANSWERED, GW_HA_GONE };

struct gw_iwf {
	void *ctx;
	struct isup_node *isup;
	struct sip_ua *sip;
	struct gw_number_plan plan;
	struct llist_head routes;	/* struct gw_route, in configuration order; longest prefix wins */
	struct llist_head trunks;	/* struct gw_trunk_iwf */
	struct llist_head groups;	/* struct gw_group_iwf */
	uint8_t no_route_cause;		/* REL cause for an IAM without route (default 3) */
	int no_route_status;		/* SIP status for an INVITE without route (default 404) */
	unsigned int overlap_timeout_s;	/* 0: 'overlap off' (the IAM's digits go at once), else collect */
	struct llist_head overlap_lengths;	/* struct gw_overlap_length ('overlap number-length') */
	char media_addr[64];		/* address put into SDP when a bearer has none */

	/* call-mapping table */
	struct llist_head calls;	/* struct gw_call */
	unsigned int num_calls;
	uint32_t next_call_id;
	DECLARE_HASHTABLE(calls_by_id, 10);

	struct osmo_tdef *tdefs;
	struct rate_ctr_group *ctrs;
	struct gw_ha *pair;		/* active/standby pair (gw/ha_m3ua.h), off unless 'ha asp' */
	struct gw_cdr cdr;

	/* media: with an RTP port range configured each call gets a bridge (media/media.h) between
	 * the circuit's bearer and the SIP side; without, the SDP carries the bearer directly */
	struct media_pool *media_pool;
	char media_bind[64];
	uint16_t media_first, media_last;
	const struct tone_plan *tone_plan;
	unsigned int media_timeout_s;	/* answered call without RTP this long: released (0: off) */
	uint8_t media_timeout_cause;	/* Q.850 cause of that release (default 41) */
	struct llist_head pstn_locals;	/* struct gw_pstn_local, per circuit group */
	int pstn_te_pt;			/* RFC 4733 events on the bearer legs with this PT (-1: none) */
	struct llist_head group_tones;	/* struct gw_group_tones: tone plans per circuit group */
	struct llist_head number_rules;	/* struct gw_number_rule of every trunk and circuit group */
	struct llist_head group_bearers;	/* struct gw_group_bearer: groups refusing clearmode */
	bool shutting_down;		/* SIGTERM: calls being released, no new ones */
	bool others_released;		/* SIGTERM: the circuits of other call layers released (gw/shutdown_pace.c) */
	/* HA state store (gw/ha_call.c), NULL when 'ha' / 'redis' is not configured; ha_call is
	 * told of each call's stages (enum gw_ha_stage) */
	struct ha_store *ha;
	void (*ha_call)(struct gw_call *call, enum gw_ha_stage stage);
};

/* Q.850 cause of the releases at shutdown: 41 "temporary failure" (Q.850 2.2.7: the network is
 * not functioning correctly, the condition is not likely to last long, the user may try again
 * at once) - a gateway going out of service for a restart; RFC 3398 maps it to 503, which tells
 * a SIP peer to try another gateway. 31 "normal, unspecified" would hide that it was ours. */
#define GW_SHUTDOWN_CAUSE Q850_TEMPORARY_FAILURE

/* M3UA transmit queue length up to which the SIP side reads more than one datagram per select
 * round (gw/iwf.c iwf_sip_rx_budget): far below the congestion onset (512 of 1,024) */
#define GW_SIP_RX_TXQ_TARGET 16

struct gw_iwf *gw_iwf_alloc(void *ctx, struct isup_node *isup, struct sip_ua *sip);
/* Register as the ISUP call layer and the SIP UA's event handler. */
int gw_iwf_start(struct gw_iwf *iwf);
void gw_iwf_vty_init(struct gw_iwf *iwf);
/* The daemon's objects and their config commands, shared by sipt-gw and the config fuzzer: the
 * ISUP node (with the test call application), the interworking function and the SIP UA */
struct gw_iwf *gw_iwf_build(void *ctx);
/* SIGTERM: release every call on both legs (REL; BYE, CANCEL or 503) and refuse new calls;
 * returns the number of calls released. */
unsigned int gw_iwf_release_all(struct gw_iwf *iwf);
/* the same, paced by the M3UA transmit queue (gw/shutdown_pace.c): _start releases a first
 * batch and returns the number of calls; _step (before each select round) the next batch when
 * the queue has room, and tells whether everything is released */
unsigned int gw_iwf_release_paced_start(struct gw_iwf *iwf);
bool gw_iwf_release_paced_step(struct gw_iwf *iwf);
/* Every call has ended and no circuit waits for RLC any more */
bool gw_iwf_released(struct gw_iwf *iwf);
/* Drop whatever is left (after the release above, or at once) and close the CDR file */
void gw_iwf_shutdown(struct gw_iwf *iwf);

/* The tone plan configured for a circuit group, NULL if none */
const struct tone_plan *gw_iwf_group_tone_plan(const struct gw_iwf *iwf, const char *group);
struct gw_trunk_iwf *gw_iwf_trunk(struct gw_iwf *iwf, const char *name, bool create);
struct gw_group_iwf *gw_iwf_group(struct gw_iwf *iwf, const char *name, bool create);
/* After reading the config: every route and every per-trunk / per-group setting names an
 * existing SIP trunk / circuit group. Prints
 * each problem with the route's file:line to stderr; returns the number of problems. */
int gw_iwf_check_config(struct gw_iwf *iwf);
/* gw/bearer_vty.c: whether the group carries clearmode calls; its VTY, config write and check */
bool gw_iwf_group_clearmode(const struct gw_iwf *iwf, const char *group);
struct vty;
void gw_bearer_vty_init(struct gw_iwf *iwf);
void gw_bearer_vty_write(struct vty *vty);
int gw_bearer_check_config(const struct gw_iwf *iwf);
/* The configured PSTN-side local endpoint of a circuit group's bridges, or NULL */
const struct gw_pstn_local *gw_iwf_pstn_local(const struct gw_iwf *iwf, const char *group);
const struct gw_route *gw_iwf_route_lookup(struct gw_iwf *iwf, bool egress, const char *number);

/* Count an event for the IWF and for the call's trunk (when it has one). */
void gw_call_ctr_inc(struct gw_call *call, enum gw_iwf_ctr ctr);
/* Add an ending call's RTP packet counts (its media bridge) to the IWF's and its trunk's counters */
void gw_call_media_ctrs(struct gw_call *call);

/* gw/busy_out.c: whether SIP -> ISUP calls are taken now (the answer to OPTIONS: 200 or 503) */
struct sip_unavail;
bool gw_busy_out_available(struct sip_trunk *trunk, struct sip_unavail *why, void *priv);
/* The sip_ua_cbs the IWF needs (the UA must be allocated with them and iwf as priv). */
extern const struct sip_ua_cbs gw_iwf_sip_cbs;

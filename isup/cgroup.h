/* ISUP circuit groups and circuits (Q.764): configuration, CIC lookup and selection, group
 * supervision procedures (GRS, CGB/CGU, CQM), and the per-circuit state (circuit.c). */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/fsm.h>

#include "isup/isup.h"
#include "isup/isup_call.h"

struct isup_node;
struct isup_mtp_rx;
struct rate_ctr_group;
struct osmo_stat_item_group;

enum cg_direction { CG_DIR_BOTH, CG_DIR_INCOMING, CG_DIR_OUTGOING };
enum cg_select { CG_SEL_LOWEST, CG_SEL_HIGHEST, CG_SEL_ROUND_ROBIN, CG_SEL_RANDOM };
/* Glare avoidance (Q.764 2.9.1.3 method 2): prefer the CICs this side controls, or force a parity */
enum cg_parity { CG_PAR_NONE, CG_PAR_EVEN, CG_PAR_ODD, CG_PAR_CONTROLLED };

extern const struct value_string cg_direction_names[];
extern const struct value_string cg_select_names[];
extern const struct value_string cg_parity_names[];

/* Circuit call-control states (circuit.c) */
enum cct_state {
	CCT_ST_IDLE,
	CCT_ST_OUT_WAIT_ACM,		/* IAM sent, T7 */
	CCT_ST_OUT_WAIT_ANM,		/* ACM received, T9 */
	CCT_ST_IN_WAIT_COT,		/* IAM with continuity check required received, T8 */
	CCT_ST_IN_WAIT_APP,		/* IAM given to the call layer, waiting for its answer */
	CCT_ST_IN_ACM_SENT,		/* ACM sent, waiting for answer */
	CCT_ST_ANSWERED,
	CCT_ST_SUSPENDED,
	CCT_ST_RELEASING,		/* REL sent, T1 (+ T5 in the circuit) */
	CCT_ST_RESET_PENDING,		/* RSC sent, T16 (+ T17 in the circuit) */
};

/* Circuit events */
enum cct_event {
	CCT_EV_RX_IAM, CCT_EV_RX_SAM, CCT_EV_RX_COT, CCT_EV_RX_ACM, CCT_EV_RX_CPG, CCT_EV_RX_ANM,
	CCT_EV_RX_CON, CCT_EV_RX_REL, CCT_EV_RX_RLC, CCT_EV_RX_SUS, CCT_EV_RX_RES, CCT_EV_RX_PASS,
	CCT_EV_APP_IAM, CCT_EV_APP_BACKWARD, CCT_EV_APP_FORWARD, CCT_EV_APP_SUSRES, CCT_EV_APP_REL,
	CCT_EV_RESET_RX,		/* RSC / GRS received for this circuit (data: NULL) */
	CCT_EV_RESET_TX,		/* send RSC (maintenance / unexpected message) */
	CCT_EV_HW_BLOCK,		/* hardware blocking: release the call */
	CCT_EV_RELEASE_LOCAL,		/* release call with cause (data: uint8_t *) e.g. T7/T9/T8 or COT failure */
	CCT_EV_ROUTE_LOST,		/* MTP-PAUSE: the call is released locally, the circuit awaits GRS */
};

struct isup_cgroup;

struct isup_circuit {
	struct isup_cgroup *cg;
	uint16_t cic;
	char *bearer;			/* RTP endpoint ip:port, for the media layer */
	struct osmo_fsm_inst *fi;
	struct isup_call *call;		/* current call, NULL when none */
	/* maintenance state, independent of the call state (Q.764 2.8) */
	bool lbl_maint, lbl_hw;		/* locally blocked */
	bool rbl_maint, rbl_hw;		/* remotely blocked */
	enum { CCT_MNT_NONE, CCT_MNT_WAIT_BLA, CCT_MNT_WAIT_UBA } mnt_wait;
	struct osmo_timer_list t_mnt;	/* T12 / T14 */
	struct osmo_timer_list t_mnt_long;	/* T13 / T15 */
	bool mnt_first;			/* the long timer was started with the first message */
	struct osmo_timer_list t_long;	/* T5 (releasing) / T17 (reset) */
	uint8_t rel_cause;		/* cause of the REL we sent (retransmissions) */
	uint8_t rel_loc1;		/* its location + 1 as asked by the call layer; 0 = ours (public net, local user) */
	bool grs_pending;		/* part of an unanswered GRS we sent */
	bool alarm;			/* T5/T17/T13/T15 expired: maintenance alerted */
	bool iam_cot_required;
	struct isup_msg *pending_iam;	/* incoming IAM held while COT is awaited */
	uint64_t calls_in, calls_out;
	bool st_answered, st_released;	/* counters (cgroup_stats.c): this call answered / its REL counted */
};

/* A GRS we sent and not yet saw answered */
struct cg_grs_tx {
	struct llist_head list;
	uint16_t cic;
	uint8_t range;
	bool sent;
};

/* A CGB/CGU we sent (T18/T19 resp. T20/T21) */
struct cg_cgb_tx {
	bool active;
	uint8_t type;			/* ISUP_CGB / ISUP_CGU */
	uint8_t cgsmt;
	uint16_t cic;
	struct isup_range_status rs;
	struct osmo_timer_list t_short, t_long;
};

struct isup_cgroup {
	struct llist_head list;		/* node->cgroups */
	struct isup_node *node;
	char *name;
	char *dpc_str;
	uint32_t dpc;			/* parsed at start */
	bool dpc_valid;
	enum cg_direction dir;
	enum cg_select sel;
	enum cg_parity parity;
	unsigned int rr_next;
	struct osmo_tdef *T;		/* per group copy of the timer table */
	struct isup_circuit **ccts;	/* sorted by CIC */
	unsigned int num_ccts;
	bool paused;			/* MTP-PAUSE for the DPC */
	bool started;
	/* GRS sending (Q.764 2.9.3.2): pending ranges, paced, T22/T23 */
	struct llist_head grs_tx;
	struct osmo_timer_list grs_pace, t22, t23;
	struct cg_cgb_tx cgb_tx;
	uint64_t tx_grs, rx_grs, dual_seizures, repeat_attempts;
	struct rate_ctr_group *ctrs;	/* cgroup_stats.c */
	struct osmo_stat_item_group *stats;
	struct osmo_timer_list stats_timer;
};

/* cgroup.c */
struct isup_cgroup *cgroup_alloc(struct isup_node *node, const char *name);
void cgroup_free(struct isup_cgroup *cg);
struct isup_cgroup *cgroup_find(struct isup_node *node, const char *name);
struct isup_cgroup *cgroup_find_by_dpc_cic(struct isup_node *node, uint32_t dpc, uint16_t cic);
struct isup_circuit *cgroup_cct(struct isup_cgroup *cg, uint16_t cic);
int cgroup_add_cics(struct isup_cgroup *cg, unsigned int first, unsigned int last, const char *bearer_ip,
		    int bearer_port, int port_step);
int cgroup_del_cics(struct isup_cgroup *cg, unsigned int first, unsigned int last);
int cgroup_start(struct isup_cgroup *cg);
void cgroup_route_ind(struct isup_cgroup *cg, bool available);
bool cgroup_controls(const struct isup_cgroup *cg, uint16_t cic);
struct isup_circuit *cgroup_select(struct isup_cgroup *cg, const struct isup_circuit *exclude);
/* Group procedures, sending side */
void cgroup_send_grs_all(struct isup_cgroup *cg);
int cgroup_send_grs(struct isup_cgroup *cg, uint16_t first, uint16_t last);
int cgroup_send_cgb(struct isup_cgroup *cg, bool block, uint16_t first, uint16_t last, bool hw);
int cgroup_send_cqm(struct isup_cgroup *cg, uint16_t first, uint16_t last);
/* Node receive hook: returns true if the message was for the circuit layer */
bool cgroups_rx(struct isup_node *node, const struct isup_mtp_rx *rx);
int cgroup_tx(struct isup_cgroup *cg, const struct isup_msg *msg);
unsigned long cgroup_T_ms(struct isup_cgroup *cg, int T);
void cgroup_timer_schedule(struct isup_cgroup *cg, struct osmo_timer_list *t, int T);
extern const struct osmo_tdef cgroup_tdefs_default[];

/* cgroup_stats.c: rate counters and stat items of a group */
void cgroup_stats_alloc(struct isup_cgroup *cg);
void cgroup_stats_free(struct isup_cgroup *cg);
/* count a message received from / sent to the group's exchange */
void cgroup_stats_msg(struct isup_cgroup *cg, const struct isup_msg *msg, bool tx);
/* cgroup_vty.c: the circuit's running timers ("T7 12.3s, T5 ...") for "show call" */
const char *cgroup_vty_cct_timers(const struct isup_circuit *cct, char *buf, size_t len);

/* circuit.c */
struct isup_circuit *circuit_alloc(struct isup_cgroup *cg, uint16_t cic, const char *bearer);
void circuit_free(struct isup_circuit *cct);
bool circuit_idle(const struct isup_circuit *cct);
bool circuit_usable_out(const struct isup_circuit *cct);
const char *circuit_state_name(const struct isup_circuit *cct);
const char *circuit_mnt_str(const struct isup_circuit *cct, char *buf, size_t len);
/* Dispatch a received call-related or per-circuit maintenance message */
void circuit_rx(struct isup_circuit *cct, const struct isup_msg *msg);
/* Reset received (RSC or within a GRS): release call, clear remote blocking */
void circuit_reset_rx(struct isup_circuit *cct, bool from_grs);
void circuit_send_rsc(struct isup_circuit *cct);
void circuit_route_lost(struct isup_circuit *cct);
int circuit_block(struct isup_circuit *cct, bool block);
/* CGB/CGU effect on one circuit */
void circuit_remote_group_block(struct isup_circuit *cct, bool block, bool hw);
void circuit_local_group_block(struct isup_circuit *cct, bool block, bool hw);
/* Q.763 3.14 circuit state indicator octet */
uint8_t circuit_state_ind(const struct isup_circuit *cct);
void circuit_release_local(struct isup_circuit *cct, uint8_t cause);
int circuit_call_start(struct isup_circuit *cct, struct isup_call *call);
int isup_tx_rel(struct isup_circuit *cct, uint8_t cause, const uint8_t *diag, uint8_t diag_len);
void isup_tx_cfn(struct isup_cgroup *cg, uint16_t cic, uint8_t cause, const uint8_t *diag, uint8_t diag_len);

/* The call object */
struct isup_call {
	struct isup_node *node;
	struct isup_circuit *cct;
	struct isup_cgroup *cg;		/* group the call was set up in */
	bool outgoing;
	void *priv;
	struct isup_msg iam;		/* outgoing: for the repeat attempt */
	unsigned int repeats;
};
void call_release_ind(struct isup_call *call, uint8_t cause);
void call_msg_ind(struct isup_call *call, const struct isup_msg *msg);
void call_setup_ind(struct isup_call *call, const struct isup_msg *iam);
/* dual seizure, non-controlling side: move the call to another circuit (Q.764 2.9.1.4) */
bool call_repeat_attempt(struct isup_call *call);

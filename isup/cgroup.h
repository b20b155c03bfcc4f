/* ISUP circuit groups and circuits (Q.764): configuration, CIC lookup and selection (cgroup.c),
 * group supervision FSM (GRS, CGB/CGU, CQM: cgroup_sup.c), receive dispatch and the call API
 * (cgroup_rx.c), compatibility procedures (cgroup_compat.c), the per-circuit call control FSM
 * (circuit.c, circuit_rx.c) and blocking FSM (circuit_blocking.c), the timers (isup_tdef.c). */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/fsm.h>

#include "isup/isup.h"
#include "isup/isup_call.h"

struct vty;

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
	CCT_ST_IN_WAIT_CCR,		/* COT (failure) received: waiting for the re-check's CCR, T27 */
	CCT_ST_IN_RECHECK,		/* CCR received, loop connected: waiting for COT or REL, T36 */
	CCT_ST_IN_WAIT_APP,		/* IAM given to the call layer, waiting for its answer */
	CCT_ST_IN_ACM_SENT,		/* ACM sent, waiting for answer */
	CCT_ST_ANSWERED,
	CCT_ST_SUSPENDED,
	CCT_ST_RELEASING,		/* REL sent, T1 (+ T5 in the circuit) */
	CCT_ST_RESET_PENDING,		/* RSC sent, T16 (+ T17 in the circuit) */
	CCT_ST_OUT_COT,			/* IAM sent with continuity check required, check tone on, T24 */
	CCT_ST_OUT_RETEST,		/* COT failure sent: re-test after T25 (first) or T26 */
	CCT_ST_OUT_RECHECK,		/* CCR sent, check tone on, T24 */
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
	CCT_EV_RX_CCR,			/* continuity check request (re-check, Q.764 2.1.8) */
	CCT_EV_COT_TONE,		/* our check tone came back (outgoing check, isup_cot.h) */
};

/* "continuity-check" of a circuit group (Q.764 2.1.8): the outgoing check */
enum cg_cot_mode { CG_COT_OFF, CG_COT_REQUIRED, CG_COT_STATISTICAL };
extern const struct value_string cg_cot_mode_names[];

/* Circuit blocking FSM states (circuit_blocking.c, Q.764 2.8.2): the settled states follow the
 * blocking conditions (maintenance / hardware, local / remote, the lbl_ / rbl_ flags); BLO_SENT
 * and UBL_SENT wait for the acknowledgement (T12/T14 state timeouts, T13/T15 beside them). */
enum blk_state {
	BLK_ST_UNBLOCKED,
	BLK_ST_LOCALLY_BLOCKED,
	BLK_ST_REMOTELY_BLOCKED,
	BLK_ST_BOTH_BLOCKED,
	BLK_ST_BLO_SENT,
	BLK_ST_UBL_SENT,
};

enum blk_event {
	BLK_EV_BLOCK_REQ,		/* maintenance: block this circuit (BLO) */
	BLK_EV_UNBLOCK_REQ,		/* maintenance: unblock it (UBL) */
	BLK_EV_RX_BLA,
	BLK_EV_RX_UBA,
	BLK_EV_STATUS,			/* a blocking condition (flag) changed */
};

/* Group supervision FSM states (cgroup_sup.c); one FSM, an instance per procedure of a group
 * (reset, blocking, query), since Q.764 lets a GRS and a CGB of one group overlap */
enum cgsup_state {
	CGSUP_ST_IDLE,
	CGSUP_ST_GRS_SENT,		/* T22 (T23 beside it) */
	CGSUP_ST_CGB_SENT,		/* T18 (T19 beside it) */
	CGSUP_ST_CGU_SENT,		/* T20 (T21 beside it) */
	CGSUP_ST_CQM_SENT,		/* no timer in Q.764 */
};

enum cgsup_event {
	CGSUP_EV_GRS_REQ,		/* data: NULL, the pending ranges are in grs_tx */
	CGSUP_EV_RX_GRA,		/* data: the message; the list is already updated */
	CGSUP_EV_CGB_REQ,		/* data: NULL, cgb_tx filled in */
	CGSUP_EV_RX_CGBA,		/* CGBA / CGUA, data: the message */
	CGSUP_EV_CQM_REQ,
	CGSUP_EV_RX_CQR,
};

struct isup_cgroup;

struct isup_circuit {
	struct isup_cgroup *cg;
	uint16_t cic;
	char *bearer;			/* RTP endpoint ip:port, for the media layer */
	struct osmo_fsm_inst *fi;
	struct isup_call *call;		/* current call, NULL when none */
	char *corr;			/* the call's correlation id (isup_call_set_corr) until idle */
	/* maintenance state, independent of the call state (Q.764 2.8) */
	bool lbl_maint, lbl_hw;		/* locally blocked */
	bool persist_pending;		/* stored blocked: blocked again after the start-up reset */
	bool rbl_maint, rbl_hw;		/* remotely blocked */
	struct osmo_fsm_inst *blk_fi;	/* blocking FSM (circuit_blocking.c) */
	struct osmo_timer_list t_blk_long;	/* T13 (BLO) / T15 (UBL), from the first message on */
	struct osmo_timer_list t_long;	/* T5 (releasing) / T17 (reset), beside the state's T1/T16 */
	uint8_t rel_cause;		/* cause of the REL we sent (retransmissions) */
	uint8_t rel_loc1;		/* its location + 1 as asked by the call layer; 0 = ours (public net, local user) */
	struct isup_msg *rel_msg;	/* the REL given by the call layer (isup_call_release_msg), else NULL */
	bool grs_pending;		/* part of an unanswered GRS we sent */
	bool alarm;			/* T5/T17/T13/T15 expired: maintenance alerted */
	bool iam_cot_required;
	struct isup_msg *pending_iam;	/* incoming IAM held while COT is awaited */
	bool cot_out;			/* our IAM asks for the continuity check (circuit_cot_out.c) */
	void *cot_handle;		/* the application's check-tone transceiver, while connected */
	unsigned int cot_failures;	/* failed checks and re-checks in a row */
	uint64_t calls_in, calls_out;
	bool st_answered, st_released;	/* counters (cgroup_stats.c): this call answered / its REL counted */
	bool watch_known;		/* circuit_watch.c: watch_state was reported */
	enum isup_cct_summary watch_state;
	bool ev_alarm, ev_blocked;	/* circuit_watch.c: as last told to the group watcher */
};

/* A GRS we sent and not yet saw answered */
struct cg_grs_tx {
	struct llist_head list;
	uint16_t cic;
	uint8_t range;
	bool sent;
};

/* One CGB/CGU (Q.764 2.8.2): what goes into the message */
struct cg_cgb {
	uint8_t type;			/* ISUP_CGB / ISUP_CGU */
	uint8_t cgsmt;
	uint16_t cic;
	struct isup_range_status rs;
};

/* The CGB/CGU procedure running in the group (T18/T19 resp. T20/T21) */
struct cg_cgb_tx {
	struct cg_cgb p;
	struct osmo_timer_list t_long;	/* T19 / T21 */
};

/* A CGB/CGU for another range, waiting until the one sent is acknowledged */
struct cg_cgb_req {
	struct llist_head list;		/* cg->cgb_queue */
	struct cg_cgb p;
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
	enum cg_cot_mode cot_mode;	/* outgoing continuity check (circuit_cot_out.c) */
	unsigned int cot_percent, cot_acc;	/* statistical: N calls in 100 */
	struct osmo_tdef *T;		/* per group copy of the timer table (isup_tdef.c) */
	uint32_t T_override;		/* bit i: T[i] set in the group, else the node's value */
	struct isup_circuit **ccts;	/* sorted by CIC */
	unsigned int num_ccts;
	bool paused;			/* MTP-PAUSE for the DPC */
	bool resume_no_grs;		/* takeover restored the states: no GRS on the next RESUME */
	bool started;
	unsigned int persist_pending;	/* circuits stored blocked, not blocked again yet */
	/* group supervision (cgroup_sup.c): one FSM instance per procedure */
	struct osmo_fsm_inst *grs_fi, *cgb_fi, *cqm_fi;
	/* GRS sending (Q.764 2.9.3.2): pending ranges, paced (not a Q.764 timer), T23 */
	struct llist_head grs_tx;
	struct osmo_timer_list grs_pace, t23;
	struct cg_cgb_tx cgb_tx;
	struct llist_head cgb_queue;	/* struct cg_cgb_req, in the order requested */
	uint16_t cqm_cic;		/* the CQM sent (Q.764 2.8.3): its first CIC and range */
	uint8_t cqm_range;
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
/* Config consistency (cgroup_cfg.c): 0, or -1 with the reason in err. A group's point code must be
 * a remote-point-code of the node and not its own; CICs FIRST..LAST toward PC_STR (NULL: no point
 * code yet, nothing to check) must be in no other group toward the same point code. */
int cgroup_cfg_check_pc(const struct isup_cgroup *cg, const char *pc_str, char *err, size_t err_len);
int cgroup_cfg_check_cics(const struct isup_cgroup *cg, const char *pc_str, unsigned int first, unsigned int last,
			  char *err, size_t err_len);
/* the first group toward PC_STR, NULL when none ('no remote-point-code' refuses a point code in use) */
const struct isup_cgroup *cgroup_cfg_pc_user(const struct isup_node *node, const char *pc_str);
struct isup_circuit *cgroup_cct(struct isup_cgroup *cg, uint16_t cic);
int cgroup_add_cics(struct isup_cgroup *cg, unsigned int first, unsigned int last, const char *bearer_ip,
		    int bearer_port, int port_step);
int cgroup_del_cics(struct isup_cgroup *cg, unsigned int first, unsigned int last);
int cgroup_start(struct isup_cgroup *cg);
void cgroup_route_ind(struct isup_cgroup *cg, bool available);
bool cgroup_controls(const struct isup_cgroup *cg, uint16_t cic);
struct isup_circuit *cgroup_select(struct isup_cgroup *cg, const struct isup_circuit *exclude);
struct isup_circuit *cgroup_node_cct(struct isup_node *node, uint32_t dpc, uint16_t cic);
bool cgroup_node_has_dpc(struct isup_node *node, uint32_t dpc);
int cgroup_tx(struct isup_cgroup *cg, const struct isup_msg *msg);

/* isup_tdef.c: the Q.764 timer table, per group overrides */
struct osmo_tdef *isup_tdefs_alloc(void *ctx);
struct osmo_tdef *cgroup_tdefs(struct isup_cgroup *cg);
int cgroup_timer_override(struct isup_cgroup *cg, int T, bool set, unsigned long val);
bool cgroup_timer_overridden(const struct isup_cgroup *cg, int T);
unsigned long cgroup_T_ms(struct isup_cgroup *cg, int T);
void cgroup_timer_schedule(struct isup_cgroup *cg, struct osmo_timer_list *t, int T);

/* cgroup_sup.c: group procedures, sending side (the supervision FSM) */
void cgroup_sup_alloc(struct isup_cgroup *cg);
void cgroup_sup_free(struct isup_cgroup *cg);
void cgroup_send_grs_all(struct isup_cgroup *cg);
int cgroup_send_grs(struct isup_cgroup *cg, uint16_t first, uint16_t last);
int cgroup_send_cgb(struct isup_cgroup *cg, bool block, uint16_t first, uint16_t last, bool hw);
/* the same for the circuits of mask (bit i: CIC first + i) in a range of range + 1 circuits */
int cgroup_send_cgb_mask(struct isup_cgroup *cg, bool block, uint16_t first, uint8_t range, uint32_t mask, bool hw);
int cgroup_send_cqm(struct isup_cgroup *cg, uint16_t first, uint16_t last);
void cgroup_rx_gra(struct isup_cgroup *cg, const struct isup_msg *msg);
void cgroup_rx_cgba_cgua(struct isup_cgroup *cg, const struct isup_msg *msg);
void cgroup_rx_cqr(struct isup_cgroup *cg, const struct isup_msg *msg);
/* cgroup_query.c: the CQR answering our CQM compared with the local states (Q.764 2.8.3) */
void cgroup_cqr_compare(struct isup_cgroup *cg, const struct isup_msg *cqr);
/* range and status parameter (Q.763 3.43) of a group message */
void cgroup_msg_set_rs(struct isup_msg *m, const struct isup_range_status *rs);
int cgroup_msg_get_rs(const struct isup_msg *msg, struct isup_range_status *rs);

/* cgroup_rx.c: the node's receive hook: returns true if the message was for the circuit layer */
bool cgroups_rx(struct isup_node *node, const struct isup_mtp_rx *rx);
/* cgroup_rx.c: group messages received (GRS, CGB/CGU, CQM): the answering side */
void cgroup_rx_grs(struct isup_node *node, uint32_t opc, const struct isup_msg *msg);
void cgroup_rx_cgb_cgu(struct isup_node *node, uint32_t opc, const struct isup_msg *msg);
void cgroup_rx_cqm(struct isup_node *node, uint32_t opc, const struct isup_msg *msg);

/* cgroup_compat.c: Q.764 2.9.5 compatibility (unrecognised messages and parameters) */
void cgroup_rx_unknown_msg(struct isup_node *node, struct isup_circuit *cct, const struct isup_msg *msg);
bool cgroup_check_unknown_params(struct isup_circuit *cct, struct isup_msg *msg);

/* cgroup_stats.c: rate counters and stat items of a group */
void cgroup_stats_alloc(struct isup_cgroup *cg);
void cgroup_stats_free(struct isup_cgroup *cg);
/* count a message received from / sent to the group's exchange */
void cgroup_stats_msg(struct isup_cgroup *cg, const struct isup_msg *msg, bool tx);
/* cgroup_vty.c: the circuit's running timers ("T7 12.3s, T5 ...") for "show call" */
const char *cgroup_vty_cct_timers(const struct isup_circuit *cct, char *buf, size_t len);

/* circuit.c: the call control FSM */
struct osmo_fsm_inst *circuit_fsm_alloc(struct isup_circuit *cct, const char *id);
void circuit_release_local(struct isup_circuit *cct, uint8_t cause);
int circuit_call_start(struct isup_circuit *cct, struct isup_call *call);
int circuit_tx_simple(struct isup_circuit *cct, uint8_t type);
void circuit_release_for_repeat(struct isup_circuit *cct);
bool circuit_dual_seizure(struct isup_circuit *cct);
int isup_tx_rel(struct isup_circuit *cct, uint8_t cause, const uint8_t *diag, uint8_t diag_len);
/* circuit.c, for the state actions in circuit_cot.c: a state change with its Q.764 timer, REL
 * received (RLC, idle), the IAM handed to the call layer, the release with REL (T1/T5) */
void circuit_state_chg(struct isup_circuit *cct, enum cct_state st);
/* circuit_watch.c: report the circuit's summary state to the layer above if it changed */
void circuit_watch(struct isup_circuit *cct);
void circuit_rx_rel(struct isup_circuit *cct, const struct isup_msg *msg);
void circuit_deliver_iam(struct isup_circuit *cct, const struct isup_msg *iam);
void circuit_start_release(struct isup_circuit *cct, uint8_t cause);
/* circuit_cot.c: the continuity check of an incoming circuit and its re-check (Q.764 2.1.8) */
void circuit_st_in_wait_cot(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void circuit_st_in_wait_ccr(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void circuit_st_in_recheck(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void circuit_rx_ccr(struct isup_circuit *cct);
bool circuit_iam_wait_cot(struct isup_circuit *cct, const struct isup_msg *iam);
void circuit_cot_timeout(struct isup_circuit *cct, int T);
/* circuit_cot_out.c: the continuity check of an outgoing circuit and its re-test (Q.764 2.1.8) */
void circuit_cot_out_prepare(struct isup_circuit *cct, struct isup_msg *iam);
void circuit_cot_out_start(struct isup_circuit *cct);
void circuit_cot_out_disconnect(struct isup_circuit *cct);
void circuit_cot_out_timeout(struct isup_circuit *cct, int T);
void circuit_st_out_cot(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void circuit_st_out_retest(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void circuit_st_out_recheck(struct osmo_fsm_inst *fi, uint32_t event, void *data);
void circuit_cot_out_onleave(struct osmo_fsm_inst *fi, uint32_t next_state);
/* circuit_cot_vty.c: "continuity-check ..." in the circuit-group node */
void cgroup_cot_vty_init(void);
void cgroup_cot_vty_write(struct vty *vty, const struct isup_cgroup *cg);
void circuit_msg_set_cause(struct isup_msg *m, uint8_t location, uint8_t cause, const uint8_t *diag,
			   uint8_t diag_len);
/* circuit_rx.c: the circuit object, its received messages, reset, state indicator */
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
/* the far exchange has no such circuit (UCIC, or "unequipped" in a CQR): locally blocked */
void circuit_far_unequipped(struct isup_circuit *cct);
/* Q.763 3.14 circuit state indicator octet */
uint8_t circuit_state_ind(const struct isup_circuit *cct);
/* circuit_blocking.c: the blocking FSM (Q.764 2.8.2) */
struct osmo_fsm_inst *circuit_blk_alloc(struct isup_circuit *cct, const char *id);
void circuit_blk_free(struct isup_circuit *cct);
int circuit_block(struct isup_circuit *cct, bool block);
/* a blocking condition (lbl_* / rbl_* flag) changed: the FSM follows */
void circuit_blk_update(struct isup_circuit *cct);
void circuit_rx_blocking(struct isup_circuit *cct, const struct isup_msg *msg);
const char *circuit_blk_wait_str(const struct isup_circuit *cct);
/* CGB/CGU effect on one circuit */
void circuit_remote_group_block(struct isup_circuit *cct, bool block, bool hw);
void circuit_local_group_block(struct isup_circuit *cct, bool block, bool hw);
/* cgroup_compat.c: Q.764 2.9.5.3: confusion message */
void isup_tx_cfn(struct isup_cgroup *cg, uint16_t cic, uint8_t cause, const uint8_t *diag, uint8_t diag_len);

/* The call object */
struct isup_call {
	struct isup_node *node;
	struct isup_circuit *cct;
	struct isup_cgroup *cg;		/* group the call was set up in */
	bool outgoing;
	void *priv;
	uint16_t cic;			/* the call's CIC (the circuit's while it has one) */
	/* outgoing: the IAM, for the repeat attempt (Q.764 2.9.1.4); a talloc child of the call,
	 * NULL for incoming and restored calls (a struct isup_msg is 16 KiB) */
	struct isup_msg *iam;
	unsigned int repeats;
	uint8_t owed;			/* incoming: messages still owed in setup (node->setup_owed) */
};
/* an incoming call owes its ACM and ANM until its first backward message (Q.764 2.11) */
void call_owe_setup(struct isup_call *call);
void call_owed_clear(struct isup_call *call);
/* circuit_corr.c: the correlation id follows the call to its new circuit */
void circuit_corr_move(struct isup_circuit *from, struct isup_circuit *to);
void call_release_ind(struct isup_call *call, uint8_t cause, const struct isup_msg *rel);
void call_msg_ind(struct isup_call *call, const struct isup_msg *msg);
void call_setup_ind(struct isup_call *call, const struct isup_msg *iam);
/* dual seizure, non-controlling side: move the call to another circuit (Q.764 2.9.1.4) */
bool call_repeat_attempt(struct isup_call *call);

/* An ISUP signalling point: the MTP user, the remote signalling points it talks to, and
 * the circuit groups it owns. One per process instance; owned by talloc. The inside of
 * the node, for isup/ and isup-peer; the application uses isup_node_api.h and isup_call.h. */
#pragma once

#include <stdint.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/tdef.h>
#include "isup/isup.h"
#include "isup/isup_mtp.h"
#include "isup/isup_node_api.h"
#include "isup/isup_call.h"
#include "isup/isup_maint.h"

struct isup_remote_sp {
	struct llist_head list;
	char *pc_str;		/* as configured */
	uint32_t pc;		/* parsed when the node starts */
};

struct isup_node_cfg {
	uint32_t ss7_id;	/* cs7 instance */
	enum isup_variant variant;
	uint8_t ni;		/* network indicator, 2 = national */
	/* Unrecognised parameters without compatibility information (or with "transit
	 * interpretation"): pass them on to the call layer (SIP-T/SIP-I bridging, an interworking
	 * node acts as transit) or discard them (end node). */
	bool pass_on_unknown_params;
	struct isup_cong_cfg cong;	/* automatic congestion control (isup/isup_cong.h) */
};

struct isup_node;

/* Hook for the layer above (call control): every decoded message not consumed by the node's
 * own node-level procedures is given here. Return true if consumed. */
typedef bool (*isup_node_rx_cb)(struct isup_node *node, const struct isup_mtp_rx *rx, void *priv);

struct isup_call_ops;
struct isup_cot_ops;

/* User part test towards a remote signalling point (Q.764 2.13, T4) */
struct isup_upt {
	struct llist_head list;
	struct isup_node *node;
	uint32_t dpc;
	uint16_t cic;
	struct osmo_timer_list t4;
	unsigned int sent;
};

struct isup_node {
	struct isup_node_cfg cfg;
	struct llist_head cgroups;	/* struct isup_cgroup (isup/cgroup.h) */
	const struct isup_call_ops *call_ops;	/* layer above (isup_call.h) */
	void *call_app;
	const struct isup_cot_ops *cot_ops;	/* check-tone transceiver (isup_cot.h), NULL: none */
	void *cot_app;
	uint8_t refuse_cause;		/* shutdown: every new IAM is released with this cause (0: off) */
	unsigned int setup_owed;	/* ACMs and ANMs the incoming calls in setup owe (isup_cong.h) */
	struct llist_head upts;		/* struct isup_upt: UPT sent, T4 running */
	struct osmo_tdef *T;		/* Q.764 timers (isup_tdef.c): "timer isup TNAME VAL" */
	uint64_t rx_upa, tx_upt;
	struct llist_head remote_sps;	/* struct isup_remote_sp */
	struct isup_mtp *mtp;		/* NULL until started */
	isup_node_rx_cb rx_cb;
	void *rx_priv;
	uint64_t rx_upt, tx_upa;
	isup_cct_watch_cb_t cct_watch_cb;	/* circuit_watch.c: the layer above's, NULL: none */
	void *cct_watch_data;
	void (*grp_watch_cb)(const char *group, enum isup_group_ev ev, void *data);	/* isup_maint.h */
	void *grp_watch_data;
	/* isup_hold.c: the takeover hold (isup_takeover.h) */
	bool takeover_hold;
	struct llist_head held_rx;	/* struct isup_held_rx, in the order received */
	unsigned int num_held;
	uint64_t held_total, held_overflow;
	/* circuit_persist.c: the blocking state file */
	char *block_file;		/* 'blocking-state-file PATH', NULL: none */
	struct osmo_timer_list persist_timer;	/* the write, one round after a change */
};

/* isup_node.c: a received message through the node's procedures, the groups and the layer above */
void isup_node_rx(struct isup_node *node, const struct isup_mtp_rx *rx);
/* isup_hold.c: keep rx while the takeover hold is on (true: kept, nothing else to do) */
bool isup_node_hold_rx(struct isup_node *node, const struct isup_mtp_rx *rx);

struct isup_remote_sp *isup_node_remote_sp_add(struct isup_node *node, const char *pc_str);
int isup_node_remote_sp_del(struct isup_node *node, const char *pc_str);

/* Send UPT to dpc on cic and repeat it every T4 until UPA (or any message) arrives (Q.764 2.13.3) */
int isup_node_send_upt(struct isup_node *node, uint32_t dpc, uint16_t cic);

/* VTY of the circuit groups ("circuit-group NAME" under "isup", "show circuits", maintenance) */
void cgroup_vty_init(struct isup_node *node);

/* An ISUP signalling point: the MTP user, the remote signalling points it talks to, and
 * (later) the circuit groups it owns. One per process instance; owned by talloc. */
#pragma once

#include <stdint.h>
#include <osmocom/core/linuxlist.h>
#include "isup/isup.h"
#include "isup/isup_mtp.h"

struct isup_remote_sp {
	struct llist_head list;
	char *pc_str;		/* as configured */
	uint32_t pc;		/* parsed when the node starts */
};

struct isup_node_cfg {
	uint32_t ss7_id;	/* cs7 instance */
	enum isup_variant variant;
	uint8_t ni;		/* network indicator, 2 = national */
};

struct isup_node;

/* Hook for the layer above (call control): every decoded message not consumed by the node's
 * own node-level procedures is given here. Return true if consumed. */
typedef bool (*isup_node_rx_cb)(struct isup_node *node, const struct isup_mtp_rx *rx, void *priv);

struct isup_node {
	struct isup_node_cfg cfg;
	struct llist_head remote_sps;	/* struct isup_remote_sp */
	struct isup_mtp *mtp;		/* NULL until started */
	isup_node_rx_cb rx_cb;
	void *rx_priv;
	uint64_t rx_upt, tx_upa;
};

struct isup_node *isup_node_alloc(void *ctx);
struct isup_remote_sp *isup_node_remote_sp_add(struct isup_node *node, const char *pc_str);
int isup_node_remote_sp_del(struct isup_node *node, const char *pc_str);
/* Attach to MTP (after the VTY config has been read). */
int isup_node_start(struct isup_node *node);
void isup_node_stop(struct isup_node *node);

/* VTY: "isup" config node and "show isup routes"; node is the object the commands act on. */
void isup_node_vty_init(struct isup_node *node);

/* The application's entry points of an ISUP signalling point (the node): life cycle, log
 * categories, VTY. The node is opaque here; calls and configuration queries are isup_call.h.
 * (isup_node.h is the inside of the node, for isup/ and isup-peer.) */
#pragma once

struct isup_node;
struct vty;

struct isup_node *isup_node_alloc(void *ctx);
/* Attach to MTP (after the VTY config has been read). */
int isup_node_start(struct isup_node *node);
void isup_node_stop(struct isup_node *node);

/* Log categories of the library (the application's): isup_cat for Q.763/Q.764 (codec use, call
 * and circuit control, the FSMs), m3ua_cat for the MTP user SAP. DLGLOBAL until called. */
void isup_set_log_cat(int isup_cat, int m3ua_cat);

/* VTY: "isup" config node and "show isup routes"; node is the object the commands act on.
 * isup_node_id, cgroup_node_id: the application's VTY node ids for "isup" and "circuit-group". */
void isup_node_vty_init(struct isup_node *node, int isup_node_id, int cgroup_node_id);
/* Optional: the layer above writes its own lines into the "isup" node (e.g. the test call app) */
extern void (*isup_node_vty_write_hook)(struct vty *vty);
/* The node's Q.764 timer table (unit s), for the application's osmo_tdef_group "isup" */
struct osmo_tdef;
struct osmo_tdef *isup_node_tdefs(struct isup_node *node);

/* Automatic congestion control (Q.764 2.11, isup/isup_cong.h): the M3UA transmit queue toward
 * the STP is above the onset threshold (until it falls to the abatement threshold). The layer
 * above refuses new calls then (REL / 503 with cause 42). */
#include <stdbool.h>
bool isup_node_congested(struct isup_node *node);
/* fill (and maximum) of the fullest M3UA transmit queue, in messages */
unsigned int isup_node_txq_fill(struct isup_node *node, unsigned int *max);
/* the same now without a new queue walk: this select round's sample plus the messages queued
 * since (an upper bound), 0 without an MTP; cheap enough to ask for each read */
unsigned int isup_node_txq_len(struct isup_node *node);
/* for the end of each select round: the M3UA transmit queues written out while the sockets take
 * it (libosmocore's poll backend writes one message per round); the messages written */
unsigned int isup_node_tx_flush(struct isup_node *node);
/* the same as the application's end-of-round callback (common/app.h sgw_app.round_end; data: the node) */
void isup_node_round_end(void *node);
/* the socket of the M3UA association (the first connected client-role ASP's) as the last
 * queue walk (at most 500 ms ago) found it, -1: none; for its addresses (HEP capture) */
int isup_node_m3ua_fd(struct isup_node *node);

/* The takeover of an active/standby pair's point code (issue 19 point 4): the node taking over
 * re-creates the answered calls and circuit states the dead node left, without resetting the
 * circuits that still carry calls. No gw/ here: the layer above reads its records itself and
 * calls these.
 *
 * The hold: from isup_node_takeover_hold() until isup_node_takeover_release(), an MTP-RESUME
 * sends no GRS (Q.764 2.9.3.3 would reset the circuits of surviving calls) and every ISUP
 * message received is kept, in order, instead of being handled: the STP delivers what it
 * queued for the point code right after the ASP-ACTIVE Ack (RFC 4666 4.3.4.3), before the
 * records are read back, and a REL for a surviving call must reach that call once restored. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct isup_node;
struct isup_call;

/* Hold resume resets and received messages (a standby of a pair holds from its start) */
void isup_node_takeover_hold(struct isup_node *node);
bool isup_node_takeover_held(const struct isup_node *node);
/* End the hold: the routes are evaluated again (a RESUME seen now sends no GRS); reset_groups:
 * the restore failed, every available group is reset with GRS as after any MTP-RESUME; else
 * no GRS now nor on the first RESUME still to come. Then the kept messages are handled, in the
 * order received. Returns the number of messages handled. */
unsigned int isup_node_takeover_release(struct isup_node *node, bool reset_groups);
/* Messages kept during holds, and those handled at once because the queue was full */
uint64_t isup_node_takeover_kept(const struct isup_node *node);
uint64_t isup_node_takeover_overflow(const struct isup_node *node);

/* An answered call on group's idle circuit cic (the group's DPC must be dpc), incoming (the
 * far end's IAM) or outgoing, as if its ANM had just gone through: the circuit is answered, the
 * call is the layer above's as any other (isup_call.h). NULL when the group, the circuit or the
 * DPC do not match or the circuit is not idle. */
struct isup_call *isup_call_restore(struct isup_node *node, const char *group, uint16_t cic, uint32_t dpc,
				    bool incoming, void *priv);

/* 1: the circuit's call control is idle (no call, no release or reset under way), 0: not; -1:
 * no such circuit */
int isup_circuit_idle(struct isup_node *node, const char *group, uint16_t cic);
/* Reset one circuit with RSC (Q.764 2.9.3.1); -1: no such circuit, or it is not idle */
int isup_circuit_reset(struct isup_node *node, const char *group, uint16_t cic);
/* Maintenance-block one circuit locally with BLO (Q.764 2.8.2.1); -1: no such circuit */
int isup_circuit_block(struct isup_node *node, const char *group, uint16_t cic);
/* The far end had blocked the circuit (maintenance, Q.764 2.8.2): the local view of that, no
 * message (the far end sent the BLO to the dead node and keeps its state) */
int isup_circuit_remote_blocked(struct isup_node *node, const char *group, uint16_t cic);

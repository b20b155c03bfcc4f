/* Operator maintenance of circuits and groups for the layer above (the CTRL interface, gw/ctrl*.c):
 * the same procedures as the VTY's "block/unblock/reset cic" and "isup group-block" (Q.764 2.8.2,
 * 2.9.3), the states "show circuits" prints, and a watch on the group events an operator is
 * alerted to: route (DPC) availability and circuit alarms / blocking. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct isup_node;

enum isup_maint_op {
	ISUP_MAINT_BLOCK,	/* Q.764 2.8.2.1 BLO, for a group CGB maintenance oriented (2.8.2.2) */
	ISUP_MAINT_UNBLOCK,	/* UBL, for a group CGU */
	ISUP_MAINT_RESET,	/* Q.764 2.9.3.1 RSC, for a group GRS (2.9.3.2) */
};

/* 0; -ENOENT: no such group / CIC; -EAGAIN: the group is not started; -EINVAL: bad op */
int isup_maint_circuit(struct isup_node *node, const char *group, uint16_t cic, enum isup_maint_op op);
int isup_maint_group(struct isup_node *node, const char *group, enum isup_maint_op op);
/* The one group that has CIC (NULL: none or more than one) */
const char *isup_maint_cic_group(struct isup_node *node, uint16_t cic);

/* "CALL-STATE MAINTENANCE" of a circuit as "show circuits" prints them; NULL: no such circuit */
const char *isup_maint_circuit_state(struct isup_node *node, const char *group, uint16_t cic, char *buf,
				     size_t len);
/* "CIC:CALL-STATE:MAINTENANCE ..." of every circuit of a group (talloc'ed on ctx; NULL: no group) */
char *isup_maint_group_circuits(void *ctx, struct isup_node *node, const char *group);

struct isup_group_status {
	const char *dpc;		/* as configured ("-": none) */
	bool paused;			/* MTP-PAUSE for the DPC */
	unsigned int circuits, busy, blocked, alarmed;	/* alarmed: T5/T17/T13/T15 expired */
};
int isup_maint_group_status(struct isup_node *node, const char *group, struct isup_group_status *st);

enum isup_group_ev {
	ISUP_GROUP_EV_ROUTE,		/* MTP-PAUSE / MTP-RESUME for the group's DPC */
	ISUP_GROUP_EV_CIRCUITS,		/* a circuit's alarm or blocking changed */
};
typedef void (*isup_group_watch_cb_t)(const char *group, enum isup_group_ev ev, void *data);
/* one watcher per node (NULL: none) */
void isup_node_group_watch(struct isup_node *node, isup_group_watch_cb_t cb, void *data);

/* Watching the circuits' state for the layer above (the HA state store, gw/ha_*.c): each change
 * of a circuit's summary state (idle, busy, blocked locally / remotely, Q.764 2.8) is reported
 * once through the callback the application registered; the reports come from the circuit's call
 * control FSM (circuit.c) and blocking FSM (circuit_blocking.c). */
#include "isup/isup_node.h"
#include "isup/cgroup.h"

static enum isup_cct_summary circuit_summary(const struct isup_circuit *cct)
{
	if (cct->lbl_maint || cct->lbl_hw)
		return ISUP_CCT_BLOCKED_LOCAL;
	if (cct->rbl_maint || cct->rbl_hw)
		return ISUP_CCT_BLOCKED_REMOTE;
	return cct->fi && cct->fi->state != CCT_ST_IDLE ? ISUP_CCT_BUSY : ISUP_CCT_IDLE;
}

/* the group watcher (isup_maint.h) hears of a changed alarm or blocking */
static void group_event(struct isup_circuit *cct, enum isup_cct_summary s)
{
	struct isup_node *node = cct->cg->node;
	bool blocked = s == ISUP_CCT_BLOCKED_LOCAL || s == ISUP_CCT_BLOCKED_REMOTE;

	if (cct->ev_alarm == cct->alarm && cct->ev_blocked == blocked)
		return;
	cct->ev_alarm = cct->alarm;
	cct->ev_blocked = blocked;
	if (node->grp_watch_cb)
		node->grp_watch_cb(cct->cg->name, ISUP_GROUP_EV_CIRCUITS, node->grp_watch_data);
}

void circuit_watch(struct isup_circuit *cct)
{
	struct isup_node *node = cct->cg->node;
	enum isup_cct_summary s = circuit_summary(cct);

	group_event(cct, s);
	if (cct->watch_known && cct->watch_state == s)
		return;
	cct->watch_known = true;
	cct->watch_state = s;
	if (node->cct_watch_cb)
		node->cct_watch_cb(cct->cg->name, cct->cic, s, node->cct_watch_data);
}

void isup_node_circuit_watch(struct isup_node *node, isup_cct_watch_cb_t cb, void *data)
{
	node->cct_watch_cb = cb;
	node->cct_watch_data = data;
}

unsigned int isup_node_circuit_replay(struct isup_node *node)
{
	struct isup_cgroup *cg;
	unsigned int i, n = 0;
	if (!node->cct_watch_cb)
		return 0;
	llist_for_each_entry(cg, &node->cgroups, list) {
		for (i = 0; i < cg->num_ccts; i++) {
			struct isup_circuit *cct = cg->ccts[i];
			cct->watch_state = circuit_summary(cct);
			cct->watch_known = true;
			node->cct_watch_cb(cg->name, cct->cic, cct->watch_state, node->cct_watch_data);
			n++;
		}
	}
	return n;
}

const struct value_string isup_cct_summary_names[] = {
	{ ISUP_CCT_IDLE, "idle" },
	{ ISUP_CCT_BUSY, "busy" },
	{ ISUP_CCT_BLOCKED_LOCAL, "blocked-local" },
	{ ISUP_CCT_BLOCKED_REMOTE, "blocked-remote" },
	{ 0, NULL }
};

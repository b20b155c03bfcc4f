/* The CTRL variables (gw/ctrl.h; README "CTRL interface"). Counters and stat items are
 * libosmoctrl's own rate_ctr.* / stat_item.*; block / unblock / reset run the procedures of the
 * VTY's maintenance commands (isup/isup_maint.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/ctrl/control_cmd.h>

#include "gw/iwf.h"
#include "gw/ctrl.h"
#include "isup/isup_maint.h"

#define REF(cmd) ((const struct gw_ctrl_ref *)(cmd)->node)

/* "1" or "0" */
static int verify_bool(struct ctrl_cmd *cmd, const char *value)
{
	if (!strcmp(value, "1") || !strcmp(value, "0"))
		return 0;
	cmd->reply = "Value must be 1 or 0";
	return 1;
}

/* SET ...block 1|0 */
static enum isup_maint_op block_op(const struct ctrl_cmd *cmd)
{
	return !strcmp(cmd->value, "1") ? ISUP_MAINT_BLOCK : ISUP_MAINT_UNBLOCK;
}

static int maint_reply(struct ctrl_cmd *cmd, int rc)
{
	if (rc == 0) {
		cmd->reply = "OK";
		return CTRL_CMD_REPLY;
	}
	cmd->reply = rc == -EAGAIN ? "Circuit group not started" : rc == -ENOENT ? "No such circuit" : "Failed";
	return CTRL_CMD_ERROR;
}

/* ---- calls.count ---- */
CTRL_CMD_DEFINE_RO(calls_count, "calls count");
static int get_calls_count(struct ctrl_cmd *cmd, void *data)
{
	struct gw_iwf *iwf = data;
	cmd->reply = talloc_asprintf(cmd, "%u", iwf->num_calls);
	return CTRL_CMD_REPLY;
}

/* ---- cgroup.NAME.* ---- */
CTRL_CMD_DEFINE_RO(cg_circuits, "circuits");
static int get_cg_circuits(struct ctrl_cmd *cmd, void *data)
{
	struct gw_iwf *iwf = data;
	cmd->reply = isup_maint_group_circuits(cmd, iwf->isup, REF(cmd)->group);
	return cmd->reply ? CTRL_CMD_REPLY : CTRL_CMD_ERROR;
}

CTRL_CMD_DEFINE_RO(cg_route, "route");
static int get_cg_route(struct ctrl_cmd *cmd, void *data)
{
	struct gw_iwf *iwf = data;
	struct isup_group_status st;
	if (isup_maint_group_status(iwf->isup, REF(cmd)->group, &st) < 0)
		return CTRL_CMD_ERROR;
	cmd->reply = talloc_asprintf(cmd, "%s dpc=%s", st.paused ? "paused" : "available", st.dpc);
	return CTRL_CMD_REPLY;
}

const char *gw_ctrl_group_alarm(struct gw_iwf *iwf, const char *group, char *buf, size_t len, bool *alarm,
				unsigned int *alarmed)
{
	struct isup_group_status st;
	if (isup_maint_group_status(iwf->isup, group, &st) < 0)
		return NULL;
	/* alarm: maintenance alerted on a circuit (Q.764 T5/T17, T13/T15), or no circuit left unblocked */
	*alarm = st.alarmed || (st.circuits && st.blocked == st.circuits);
	*alarmed = st.alarmed;
	snprintf(buf, len, "%s alarmed=%u blocked=%u circuits=%u", *alarm ? "alarm" : "ok", st.alarmed, st.blocked,
		 st.circuits);
	return buf;
}

CTRL_CMD_DEFINE_RO(cg_alarm, "alarm");
static int get_cg_alarm(struct ctrl_cmd *cmd, void *data)
{
	char buf[160];
	unsigned int n;
	bool alarm;
	if (!gw_ctrl_group_alarm(data, REF(cmd)->group, buf, sizeof(buf), &alarm, &n))
		return CTRL_CMD_ERROR;
	cmd->reply = talloc_strdup(cmd, buf);
	return CTRL_CMD_REPLY;
}

CTRL_CMD_DEFINE_WO(cg_block, "block");
static int verify_cg_block(struct ctrl_cmd *cmd, const char *value, void *data)
{
	return verify_bool(cmd, value);
}
static int set_cg_block(struct ctrl_cmd *cmd, void *data)
{
	struct gw_iwf *iwf = data;
	return maint_reply(cmd, isup_maint_group(iwf->isup, REF(cmd)->group, block_op(cmd)));
}

CTRL_CMD_DEFINE_WO(cg_reset, "reset");
static int verify_cg_reset(struct ctrl_cmd *cmd, const char *value, void *data)
{
	if (!strcmp(value, "1"))
		return 0;
	cmd->reply = "Value must be 1";
	return 1;
}
static int set_cg_reset(struct ctrl_cmd *cmd, void *data)
{
	struct gw_iwf *iwf = data;
	return maint_reply(cmd, isup_maint_group(iwf->isup, REF(cmd)->group, ISUP_MAINT_RESET));
}

/* ---- cic.N.* / cgroup.NAME.cic.N.* ---- */
CTRL_CMD_DEFINE_RO(cic_state, "state");
static int get_cic_state(struct ctrl_cmd *cmd, void *data)
{
	struct gw_iwf *iwf = data;
	char buf[160];
	if (!isup_maint_circuit_state(iwf->isup, REF(cmd)->group, REF(cmd)->cic, buf, sizeof(buf)))
		return CTRL_CMD_ERROR;
	cmd->reply = talloc_asprintf(cmd, "%s", buf);
	return CTRL_CMD_REPLY;
}

CTRL_CMD_DEFINE_WO(cic_block, "block");
static int verify_cic_block(struct ctrl_cmd *cmd, const char *value, void *data)
{
	return verify_bool(cmd, value);
}
static int set_cic_block(struct ctrl_cmd *cmd, void *data)
{
	struct gw_iwf *iwf = data;
	return maint_reply(cmd, isup_maint_circuit(iwf->isup, REF(cmd)->group, REF(cmd)->cic, block_op(cmd)));
}

CTRL_CMD_DEFINE_WO(cic_reset, "reset");
static int verify_cic_reset(struct ctrl_cmd *cmd, const char *value, void *data)
{
	return verify_cg_reset(cmd, value, data);
}
static int set_cic_reset(struct ctrl_cmd *cmd, void *data)
{
	struct gw_iwf *iwf = data;
	return maint_reply(cmd, isup_maint_circuit(iwf->isup, REF(cmd)->group, REF(cmd)->cic, ISUP_MAINT_RESET));
}

/* ---- trunk.NAME.drain: no new calls on the trunk (either way), the calls in progress go on ---- */
CTRL_CMD_DEFINE(trunk_drain, "drain");
static int verify_trunk_drain(struct ctrl_cmd *cmd, const char *value, void *data)
{
	return verify_bool(cmd, value);
}
static int get_trunk_drain(struct ctrl_cmd *cmd, void *data)
{
	struct gw_trunk_iwf *t = gw_iwf_trunk(data, REF(cmd)->trunk, false);
	cmd->reply = t && t->draining ? "1" : "0";
	return CTRL_CMD_REPLY;
}
static int set_trunk_drain(struct ctrl_cmd *cmd, void *data)
{
	gw_iwf_trunk(data, REF(cmd)->trunk, true)->draining = !strcmp(cmd->value, "1");
	cmd->reply = "OK";
	return CTRL_CMD_REPLY;
}

int gw_ctrl_cmds_install(void)
{
	int rc = 0;
	rc |= ctrl_cmd_install(CTRL_NODE_ROOT, &cmd_calls_count);
	rc |= ctrl_cmd_install((enum ctrl_node_type)GW_CTRL_NODE_CGROUP, &cmd_cg_circuits);
	rc |= ctrl_cmd_install((enum ctrl_node_type)GW_CTRL_NODE_CGROUP, &cmd_cg_route);
	rc |= ctrl_cmd_install((enum ctrl_node_type)GW_CTRL_NODE_CGROUP, &cmd_cg_alarm);
	rc |= ctrl_cmd_install((enum ctrl_node_type)GW_CTRL_NODE_CGROUP, &cmd_cg_block);
	rc |= ctrl_cmd_install((enum ctrl_node_type)GW_CTRL_NODE_CGROUP, &cmd_cg_reset);
	rc |= ctrl_cmd_install((enum ctrl_node_type)GW_CTRL_NODE_CIC, &cmd_cic_state);
	rc |= ctrl_cmd_install((enum ctrl_node_type)GW_CTRL_NODE_CIC, &cmd_cic_block);
	rc |= ctrl_cmd_install((enum ctrl_node_type)GW_CTRL_NODE_CIC, &cmd_cic_reset);
	rc |= ctrl_cmd_install((enum ctrl_node_type)GW_CTRL_NODE_TRUNK, &cmd_trunk_drain);
	return rc ? -1 : 0;
}

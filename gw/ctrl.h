/* The Osmocom CTRL interface (libosmoctrl, IPA-framed GET/SET/TRAP): counters and stat items,
 * circuit states, the call count; block / unblock / reset of circuits and groups, drain of a
 * trunk; TRAPs on route (DPC) availability and circuit-group alarms. gw/ctrl.c sets it up,
 * gw/ctrl_cmds.c has the variables (README "CTRL interface"). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <osmocom/ctrl/control_cmd.h>

struct gw_iwf;

/* 4279: no Osmocom daemon's CTRL or VTY port (osmocom/ctrl/ports.h, osmocom/vty/ports.h); the
 * VTY is 4260 */
#define SIPT_GW_CTRL_PORT 4279

/* the 'ctrl' / 'bind A.B.C.D [<0-65535>]' config node: before the config file is read */
void gw_ctrl_vty_init(void *ctx);
/* listen (default 127.0.0.1:SIPT_GW_CTRL_PORT) and watch the groups for TRAPs; 0 or -1 */
int gw_ctrl_start(struct gw_iwf *iwf);

/* gw/ctrl_cmds.c */
enum gw_ctrl_node {
	GW_CTRL_NODE_CGROUP = _LAST_CTRL_NODE,	/* cgroup.NAME. */
	GW_CTRL_NODE_CIC,			/* cgroup.NAME.cic.N. / cic.N. */
	GW_CTRL_NODE_TRUNK,			/* trunk.NAME. */
	_GW_CTRL_NODE_COUNT
};
/* what the lookup found: the group, its CIC, the trunk (valid while the command runs) */
struct gw_ctrl_ref {
	const char *group;
	unsigned int cic;
	const char *trunk;
};
int gw_ctrl_cmds_install(void);
/* "ok|alarm alarmed=N blocked=M circuits=K" of a group (the TRAP's and the GET's value) */
const char *gw_ctrl_group_alarm(struct gw_iwf *iwf, const char *group, char *buf, size_t len, bool *alarm,
				unsigned int *alarmed);

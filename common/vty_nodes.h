/* VTY node ids of sipt-gw and isup-peer (after libosmo-sigtran's and libosmovty's own nodes). The
 * libraries receive theirs at init: isup_node_vty_init(node, ISUP_NODE, ISUP_CGROUP_NODE), ... */
#pragma once
#include <osmocom/vty/command.h>

enum sgw_vty_node {
	ISUP_NODE = _LAST_OSMOVTY_NODE + 100,	/* "isup": circuit groups, timers */
	ISUP_CGROUP_NODE,			/* "circuit-group NAME" */
	SIP_NODE,				/* "sip": global SIP settings */
	SIP_TRUNK_NODE,				/* "trunk NAME" */
	MEDIA_NODE,				/* "media": RTP port pool */
	GW_NODE,				/* "gateway": routing, cause profiles */
	GW_ROUTE_NODE,
	HA_NODE,				/* "ha": the HA state store (Redis) */
	HEP_NODE,				/* "hep": HEP capture export (hep/hep.h) */
};

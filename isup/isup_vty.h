/* VTY node ids of the isup library's config nodes. For the .c files of isup/ only: the
 * application owns the ids (common/vty_nodes.h has members of the same names) and gives them
 * to isup_node_vty_init(). */
#pragma once

extern int isup_vty_node;		/* "isup" */
extern int isup_vty_cgroup_node;	/* "circuit-group NAME" under "isup" */

#define ISUP_NODE isup_vty_node
#define ISUP_CGROUP_NODE isup_vty_cgroup_node

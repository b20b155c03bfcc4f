/* VTY glue of the SIP UA: call from the application's vty_app_info.go_parent_cb. */
#pragma once

struct vty;

/* Leaves SIP_TRUNK_NODE/SIP_NODE; returns 1 if the node was one of ours, else 0. */
int sip_vty_go_parent(struct vty *vty);

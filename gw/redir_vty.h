/* VTY of the redirection interworking (gw/redir_vty.c) */
#pragma once
struct vty;
struct gw_iwf;
struct gw_trunk_iwf;

void gw_redir_vty_init(struct gw_iwf *iwf, int node);
/* the trunk's redirection lines of 'show running-config' (defaults omitted) */
void gw_redir_vty_write(struct vty *vty, const struct gw_trunk_iwf *t);

/* HEP capture export of the gateway's SIP and ISUP (gw/hep_wire.c, hep/hep.h). */
#pragma once
struct gw_iwf;

/* the 'hep' config node; before the config is read */
void gw_hep_vty_init(struct gw_iwf *iwf);
/* after the config was read: open the socket, set the capture hooks */
int gw_hep_start(struct gw_iwf *iwf);

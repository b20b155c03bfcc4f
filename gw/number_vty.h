/* VTY of the number rules and the per-trunk number format (in the gateway node) */
#pragma once
struct vty;
struct gw_iwf;

void gw_number_vty_init(struct gw_iwf *iwf);
/* the rules and number formats as config lines, in order */
void gw_number_vty_write(struct vty *vty);
/* after reading the config: every rule's trunk / circuit group exists (FILE:LINE to stderr);
 * returns the number of problems */
int gw_number_rules_check(struct gw_iwf *iwf);

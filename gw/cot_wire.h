/* The continuity check transceiver (media/cot_check.c) offered to the ISUP layer (isup_cot.h) */
#pragma once
struct gw_iwf;
void gw_cot_wire(struct gw_iwf *iwf);

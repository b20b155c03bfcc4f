/* Logging categories of the two programs (sipt-gw, isup-peer), one per layer (libosmocore logging).
 * The libraries (isup/, sip/, media/, tones/) do not include this: each program hands them their
 * category at init (isup_set_log_cat(DISUP, DM3UA), ...). */
#pragma once
#include <osmocom/core/logging.h>

enum sgw_log_cat {
	DISUP,		/* ISUP codec and Q.764 call/circuit control */
	DM3UA,		/* MTP user SAP, M3UA routes (PAUSE/RESUME) */
	DSIP,		/* SIP transport, transactions, dialogs */
	DMEDIA,		/* RTP bridges */
	DTONES,		/* tone generation */
	DGW,		/* interworking: call table and call FSMs */
	DCDR,		/* call detail records */
	_NUM_SGW_LOG_CAT
};

extern const struct log_info sgw_log_info;

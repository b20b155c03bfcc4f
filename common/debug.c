#include "common/debug.h"
#include <osmocom/core/utils.h>

static const struct log_info_cat sgw_log_cats[] = {
	[DISUP] = { .name = "DISUP", .description = "ISUP codec and call/circuit control (Q.763/Q.764)",
		    .color = "\033[1;33m", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DM3UA] = { .name = "DM3UA", .description = "MTP user SAP over M3UA, route state",
		    .color = "\033[1;36m", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DSIP] = { .name = "DSIP", .description = "SIP transport, transactions and dialogs",
		   .color = "\033[1;34m", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DMEDIA] = { .name = "DMEDIA", .description = "RTP media bridges",
		     .color = "\033[1;32m", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DTONES] = { .name = "DTONES", .description = "In-band tone generation (E.180/E.182)",
		     .color = "\033[1;35m", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DGW] = { .name = "DGW", .description = "Interworking: call table and call state machines",
		  .color = "\033[1;37m", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DCDR] = { .name = "DCDR", .description = "Call detail records",
		   .enabled = 1, .loglevel = LOGL_NOTICE },
};

const struct log_info sgw_log_info = {
	.cat = sgw_log_cats,
	.num_cat = ARRAY_SIZE(sgw_log_cats),
};

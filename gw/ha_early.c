/* Early (unanswered) calls at a takeover: gw/ha_early.h. Placeholder until the records exist:
 * nothing to clear. */
#include "gw/ha_early.h"

void gw_ha_takeover_early(struct gw_iwf *iwf, gw_ha_early_done_cb done_cb, void *priv)
{
	done_cb(iwf, 0, priv);
}

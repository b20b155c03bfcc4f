/* The isup library's log categories, given by the application (see isup_log.h). */
#include <osmocom/core/fsm.h>
#include <osmocom/core/utils.h>

#include "isup/isup_log.h"
#include "isup/isup_node_api.h"

int isup_log_cat = DLGLOBAL;
int isup_log_cat_m3ua = DLGLOBAL;

/* The library's osmo_fsm definitions, which log in DISUP */
static const char *const isup_fsm_names[] = {
	"ISUP-circuit",
	"ISUP-blocking",
	"ISUP-cgroup-sup",
};

void isup_set_log_cat(int isup_cat, int m3ua_cat)
{
	isup_log_cat = isup_cat;
	isup_log_cat_m3ua = m3ua_cat;
	for (unsigned int i = 0; i < ARRAY_SIZE(isup_fsm_names); i++) {
		struct osmo_fsm *fsm = osmo_fsm_find_by_name(isup_fsm_names[i]);
		if (fsm)
			fsm->log_subsys = isup_cat;
	}
}

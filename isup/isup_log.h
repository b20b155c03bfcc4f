/* Logging inside the isup library. For the .c files of isup/ only: the application has its
 * own categories of the same names (common/debug.h) and hands their values over with
 * isup_set_log_cat() (isup_node.h). Until then both are DLGLOBAL.
 *
 * An osmo_fsm of the library leaves .log_subsys out of its definition (it is not a constant);
 * isup_set_log_cat() sets it for every FSM named in isup_log.c. */
#pragma once
#include <osmocom/core/logging.h>

extern int isup_log_cat;	/* Q.763/Q.764: codec use, call and circuit control */
extern int isup_log_cat_m3ua;	/* MTP user SAP over M3UA, route state */

#define DISUP isup_log_cat
#define DM3UA isup_log_cat_m3ua

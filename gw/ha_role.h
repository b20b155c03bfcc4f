/* The pair's role made visible outside the process, for the service address that moves with the
 * active role (README "Several nodes", "The service address"):
 *   ha role-file PATH       one line "active" / "standby" / "down", written atomically (PATH.tmp,
 *                           then rename) on every role change: what a keepalived track script reads
 *   ha notify-script PATH   run as 'PATH active|standby|down' on every role change (keepalived's
 *                           notify convention): asynchronously (fork + exec, reaped by polling
 *                           waitpid on that pid only, gw X41), bounded (killed after gw X40),
 *                           one at a time (a change while one runs: the latest role runs next)
 * Counters (group gw:ha_role): notify:ok, notify:failed, notify:timeout, role_file:errors. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "gw/ha_m3ua.h"

struct vty;
struct gw_iwf;

/* the last run of the notify script, for 'show cluster' */
struct gw_ha_notify_last {
	bool valid;
	enum gw_ha_role role;
	int status;			/* exit status, or -signal; -1000: could not run */
	bool timed_out;
	unsigned int ms;		/* start to exit */
	time_t when;
};

/* before gw_ha_pair_start: registers the role-change hook on iwf->pair */
void gw_ha_role_init(struct gw_iwf *iwf);
/* the pair's role-change hook (gw_ha_set_role_cb): role file, notify script */
void gw_ha_role_changed(struct gw_ha *ha, enum gw_ha_role was, enum gw_ha_role now, void *priv);
/* graceful stop: "down" into the role file and the notify script run (waited for, bounded) */
void gw_ha_role_stop(struct gw_iwf *iwf);

#define HA_ROLE_PATH_MAX 255	/* role-file / notify-script path length */
void gw_ha_role_set_file(const char *path);	/* "": none */
void gw_ha_role_set_notify(const char *path);
const char *gw_ha_role_file(void);
const char *gw_ha_notify_script(void);
const struct gw_ha_notify_last *gw_ha_notify_last(void);
/* Monotonic time of the last change into ACTIVE from STANDBY (the takeover's start); false: none */
bool gw_ha_role_takeover_start(struct timespec *mono, time_t *wall);
uint64_t gw_ha_role_ctr(unsigned int idx);
enum gw_ha_role_ctr {
	GW_HA_ROLE_CTR_NOTIFY_OK,
	GW_HA_ROLE_CTR_NOTIFY_FAILED,	/* exit status not 0, a signal, could not run, timed out */
	GW_HA_ROLE_CTR_NOTIFY_TIMEOUT,	/* killed after gw X40 (counted in notify:failed too) */
	GW_HA_ROLE_CTR_FILE_ERRORS,
};

/* the 'ha' node's role-file / notify-script commands and their write-back */
void gw_ha_role_vty_init(int ha_node);
void gw_ha_role_vty_write(struct vty *vty);
bool gw_ha_role_configured(void);

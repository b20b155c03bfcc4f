/* The pair's role outside the process (gw/ha_role.h): the role file for a keepalived track
 * script and the notify script that moves the service address (README "Several nodes").
 *
 * The notify script runs as a child process and the select loop never waits for it: fork +
 * execv, then an osmo_timer polls waitpid() on that one pid (never waitpid(-1): other children,
 * if any, are not ours to reap; no SIGCHLD handler, so nothing else in the process sees a
 * signal). The child gets its own process group so that a script over its time limit is killed
 * with everything it started (arping, ip). The takeover does not wait for the script: the media
 * sockets of restored calls may bind the service address before it is there because the node's
 * namespace has net.ipv4.ip_nonlocal_bind=1 (README), and waiting would add the script's time
 * (tens of ms with arping) to every takeover. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "common/debug.h"
#include "gw/iwf.h"
#include "gw/ha_role.h"

static const struct rate_ctr_desc role_ctr_desc[] = {
	[GW_HA_ROLE_CTR_NOTIFY_OK] = { "notify:ok", "Notify script runs that exited 0" },
	[GW_HA_ROLE_CTR_NOTIFY_FAILED] = { "notify:failed", "Notify script runs that failed (status, signal, exec, timeout)" },
	[GW_HA_ROLE_CTR_NOTIFY_TIMEOUT] = { "notify:timeout", "Notify script runs killed after gw X40" },
	[GW_HA_ROLE_CTR_FILE_ERRORS] = { "role_file:errors", "Role file writes that failed" },
};

static const struct rate_ctr_group_desc role_ctrg_desc = {
	.group_name_prefix = "gw:ha_role",
	.group_description = "HA pair: role file and notify script (service address)",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(role_ctr_desc),
	.ctr_desc = role_ctr_desc,
};

static struct {
	struct gw_iwf *iwf;
	struct rate_ctr_group *ctrs;
	char role_file[HA_ROLE_PATH_MAX + 1];
	char notify[HA_ROLE_PATH_MAX + 1];
	/* the script running now (pid > 0), and the role to run next */
	pid_t pid;
	enum gw_ha_role running;
	struct timespec started;
	bool killed;
	bool pending;
	enum gw_ha_role next;
	struct osmo_timer_list poll;
	struct gw_ha_notify_last last;
	/* the takeover's start: the last standby -> active change */
	bool takeover;
	struct timespec takeover_mono;
	time_t takeover_wall;
} g;

static void ctr_inc(enum gw_ha_role_ctr c)
{
	if (g.ctrs)
		rate_ctr_inc(rate_ctr_group_get_ctr(g.ctrs, c));
}

uint64_t gw_ha_role_ctr(unsigned int idx)
{
	return g.ctrs ? rate_ctr_group_get_ctr(g.ctrs, idx)->current : 0;
}

void gw_ha_role_set_file(const char *path) { OSMO_STRLCPY_ARRAY(g.role_file, path); }
void gw_ha_role_set_notify(const char *path) { OSMO_STRLCPY_ARRAY(g.notify, path); }
const char *gw_ha_role_file(void) { return g.role_file; }
const char *gw_ha_notify_script(void) { return g.notify; }
const struct gw_ha_notify_last *gw_ha_notify_last(void) { return &g.last; }
bool gw_ha_role_configured(void) { return g.role_file[0] || g.notify[0]; }

bool gw_ha_role_takeover_start(struct timespec *mono, time_t *wall)
{
	*mono = g.takeover_mono;
	*wall = g.takeover_wall;
	return g.takeover;
}

static unsigned int ms_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned int)((now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000);
}

/* ---- the role file: PATH.tmp written, then renamed over PATH (readers see old or new) ---- */

static void role_file_write(enum gw_ha_role role)
{
	char tmp[sizeof(g.role_file) + 8], line[16];
	int fd, len, ok;

	if (!g.role_file[0])
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", g.role_file);
	len = snprintf(line, sizeof(line), "%s\n", gw_ha_role_name(role));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ok = fd >= 0 && write(fd, line, len) == len;
	if (fd >= 0 && close(fd) < 0)
		ok = 0;
	if (ok && rename(tmp, g.role_file) < 0)
		ok = 0;
	if (!ok) {
		LOGP(DGW, LOGL_ERROR, "HA: role file %s: cannot write '%s': %s\n", g.role_file,
		     gw_ha_role_name(role), strerror(errno));
		ctr_inc(GW_HA_ROLE_CTR_FILE_ERRORS);
		if (fd >= 0)
			unlink(tmp);
	}
}

/* ---- the notify script ---- */

static void notify_poll(void *data);

/* in the child: own process group, default signals, no descriptor of the gateway's */
static void notify_exec(enum gw_ha_role role)
{
	sigset_t none;
	char *argv[] = { g.notify, (char *)gw_ha_role_name(role), NULL };

	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	closefrom(3);
	execv(g.notify, argv);
	_exit(127);
}

static void notify_start(enum gw_ha_role role)
{
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &g.started);
	pid = fork();
	if (pid == 0)
		notify_exec(role);
	if (pid < 0) {
		LOGP(DGW, LOGL_ERROR, "HA: notify script %s %s: fork: %s\n", g.notify, gw_ha_role_name(role),
		     strerror(errno));
		g.last = (struct gw_ha_notify_last){ .valid = true, .role = role, .status = -1000, .when = time(NULL) };
		ctr_inc(GW_HA_ROLE_CTR_NOTIFY_FAILED);
		return;
	}
	setpgid(pid, pid);	/* also from here: no race with the child's own call */
	g.pid = pid;
	g.running = role;
	g.killed = false;
	LOGP(DGW, LOGL_NOTICE, "HA: notify script started: %s %s (pid %d)\n", g.notify, gw_ha_role_name(role), (int)pid);
	osmo_timer_setup(&g.poll, notify_poll, NULL);
	osmo_timer_schedule(&g.poll, 0, osmo_tdef_get(g.iwf->tdefs, -41, OSMO_TDEF_MS, 20) * 1000);
}

static void notify_done(int wstatus)
{
	struct gw_ha_notify_last *l = &g.last;
	bool ok = WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 && !g.killed;

	*l = (struct gw_ha_notify_last){ .valid = true, .role = g.running, .timed_out = g.killed,
					 .ms = ms_since(&g.started), .when = time(NULL) };
	l->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -WTERMSIG(wstatus);
	g.pid = 0;
	ctr_inc(ok ? GW_HA_ROLE_CTR_NOTIFY_OK : GW_HA_ROLE_CTR_NOTIFY_FAILED);
	if (g.killed)
		ctr_inc(GW_HA_ROLE_CTR_NOTIFY_TIMEOUT);
	LOGP(DGW, ok ? LOGL_NOTICE : LOGL_ERROR, "HA: notify script %s %s: %s %d after %u ms%s\n", g.notify,
	     gw_ha_role_name(l->role), l->status >= 0 ? "exit status" : "signal", l->status >= 0 ? l->status : -l->status,
	     l->ms, g.killed ? " (killed: over gw X40)" : "");
	if (g.pending) {
		g.pending = false;
		notify_start(g.next);
	}
}

static void notify_poll(void *data)
{
	int wstatus;
	pid_t r = waitpid(g.pid, &wstatus, WNOHANG);

	if (r == g.pid) {
		notify_done(wstatus);
		return;
	}
	if (r < 0) {	/* not our child any more (cannot happen unless someone reaped it) */
		LOGP(DGW, LOGL_ERROR, "HA: notify script pid %d: waitpid: %s\n", (int)g.pid, strerror(errno));
		notify_done(0xff00);	/* as exit status 255 */
		return;
	}
	if (!g.killed && ms_since(&g.started) >= osmo_tdef_get(g.iwf->tdefs, -40, OSMO_TDEF_MS, 5000)) {
		LOGP(DGW, LOGL_ERROR, "HA: notify script %s %s: still running after gw X40: killed\n", g.notify,
		     gw_ha_role_name(g.running));
		kill(-g.pid, SIGKILL);
		kill(g.pid, SIGKILL);
		g.killed = true;
	}
	osmo_timer_schedule(&g.poll, 0, osmo_tdef_get(g.iwf->tdefs, -41, OSMO_TDEF_MS, 20) * 1000);
}

static void notify(enum gw_ha_role role)
{
	if (!g.notify[0])
		return;
	if (g.pid > 0) {	/* one at a time, in order: the latest role runs next */
		g.pending = true;
		g.next = role;
		return;
	}
	notify_start(role);
}

void gw_ha_role_changed(struct gw_ha *ha, enum gw_ha_role was, enum gw_ha_role now, void *priv)
{
	if (now == GW_HA_ROLE_ACTIVE && was == GW_HA_ROLE_STANDBY) {
		g.takeover = true;
		clock_gettime(CLOCK_MONOTONIC, &g.takeover_mono);
		g.takeover_wall = time(NULL);
	}
	role_file_write(now);
	notify(now);
}

void gw_ha_role_init(struct gw_iwf *iwf)
{
	g.iwf = iwf;
	if (!g.ctrs)
		g.ctrs = rate_ctr_group_alloc(iwf, &role_ctrg_desc, 0);
	gw_ha_set_role_cb(iwf->pair, gw_ha_role_changed, NULL);
}

/* SIGTERM: the address goes at once (the peer's ASP-ACTIVE follows from M3UA); a script still
 * running is waited for first, then "down" runs, each bounded by gw X40 */
static void notify_wait(void)
{
	while (g.pid > 0) {
		notify_poll(NULL);
		if (g.pid > 0)
			usleep(osmo_tdef_get(g.iwf->tdefs, -41, OSMO_TDEF_MS, 20) * 1000);
	}
	osmo_timer_del(&g.poll);
}

void gw_ha_role_stop(struct gw_iwf *iwf)
{
	if (!gw_ha_enabled(iwf->pair) || !iwf->pair->started)
		return;
	g.pending = false;
	notify_wait();
	role_file_write(GW_HA_ROLE_DOWN);
	notify(GW_HA_ROLE_DOWN);
	notify_wait();
}

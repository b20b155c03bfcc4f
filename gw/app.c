#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/select.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/vty.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/stats.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/telnet_interface.h>
#include <osmocom/sigtran/osmo_ss7.h>

#include "gw/app.h"
#include "gw/debug.h"

static struct sgw_app *g_app;	/* only for the signal handler */

static void sig_handler(int sig)
{
	if (g_app) {
		g_app->quit = true;
		g_app->quit_signal = sig;
	}
}

static struct vty_app_info vty_info = {
	.go_parent_cb = osmo_ss7_vty_go_parent,
};

struct sgw_app *sgw_app_init(const char *name, const char *version)
{
	void *ctx = talloc_named_const(NULL, 0, name);
	struct sgw_app *app = talloc_zero(ctx, struct sgw_app);
	struct sigaction sa;

	app->ctx = ctx;
	app->name = name;
	g_app = app;
	msgb_talloc_ctx_init(ctx, 0);
	osmo_init_logging2(ctx, &sgw_log_info);
	log_set_print_category(osmo_stderr_target, 1);
	log_set_print_category_hex(osmo_stderr_target, 0);
	log_set_print_level(osmo_stderr_target, 1);
	log_set_print_timestamp(osmo_stderr_target, 0);
	log_set_print_extended_timestamp(osmo_stderr_target, 1);
	log_set_use_color(osmo_stderr_target, 0);
	osmo_stats_init(ctx);

	vty_info.name = name;
	vty_info.version = version;
	vty_info.tall_ctx = ctx;
	vty_init(&vty_info);
	logging_vty_add_cmds();
	osmo_talloc_vty_add_cmds();
	osmo_stats_vty_add_cmds();
	osmo_ss7_init();
	osmo_ss7_vty_init_sg(ctx);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_handler;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return app;
}

int sgw_app_read_config(struct sgw_app *app, const char *file)
{
	int rc = vty_read_config_file(file, NULL);
	if (rc < 0) {
		fprintf(stderr, "%s: failed to parse the config file '%s': %s\n", app->name, file,
			rc == -ENOENT ? "file not found" : "invalid configuration (see the line reported above)");
		return rc;
	}
	return 0;
}

int sgw_app_telnet(struct sgw_app *app, int default_port)
{
	int rc = telnet_init_default(app->ctx, NULL, default_port);
	if (rc < 0)
		fprintf(stderr, "%s: cannot open telnet VTY on %s:%d\n", app->name, vty_get_bind_addr(),
			vty_get_bind_port(default_port));
	return rc;
}

void sgw_app_run(struct sgw_app *app)
{
	while (!app->quit)
		osmo_select_main_ctx(0);
	LOGP(DGW, LOGL_NOTICE, "%s: terminating on signal %d\n", app->name, app->quit_signal);
}

void sgw_app_free(struct sgw_app *app)
{
	void *ctx = app->ctx;
	g_app = NULL;
	talloc_free(ctx);
}

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/select.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/cpu_sched_vty.h>
#include <osmocom/vty/vty.h>
#include <osmocom/vty/buffer.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/stats.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/telnet_interface.h>
#include <osmocom/sigtran/osmo_ss7.h>

#include "common/app.h"
#include "common/debug.h"

static struct sgw_app *g_app;	/* only for the signal handler */

static void sig_handler(int sig)
{
	if (g_app) {
		g_app->quit = true;
		g_app->quit_signal = sig;
		g_app->signals++;
	}
}

int (*sgw_app_go_parent_hook)(struct vty *vty);

/* Leaving a node: the application's own nodes first (e.g. a SIP trunk is started when its node
 * is left at run time), then libosmo-sigtran's */
static int go_parent(struct vty *vty)
{
	if (sgw_app_go_parent_hook && sgw_app_go_parent_hook(vty))
		return vty->node;
	return osmo_ss7_vty_go_parent(vty);
}

static struct vty_app_info vty_info = {
	.go_parent_cb = go_parent,
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
	app_mem_vty_init();
	osmo_cpu_sched_vty_init(ctx);	/* 'cpu-sched': real-time policy and CPU affinity, as in osmo-bts */
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

/* Where the config reader is (file:line), for commands that want to name it in later checks */
static char g_cfg_where[300];

const char *sgw_app_config_where(void)
{
	return g_cfg_where[0] ? g_cfg_where : NULL;
}

static const char *cmd_err_name(int rc)
{
	switch (rc) {
	case CMD_ERR_NO_MATCH: return "unknown command or invalid argument";
	case CMD_ERR_AMBIGUOUS: return "ambiguous command";
	case CMD_ERR_INCOMPLETE: return "incomplete command";
	case CMD_ERR_EXEED_ARGC_MAX: return "too many arguments";
	case CMD_ERR_INVALID_INDENT: return "inconsistent indentation";
	default: return "command failed";
	}
}

/* The config file as libosmovty's reader sees it: one line per read, so that the number of lines
 * handed out is the line being executed; before the next line is handed out the output of the
 * previous command is looked at (a command that refused its value printed "% ..." and returned
 * a warning, which libosmovty's reader would skip): such a line ends the reading as an error. */
struct cfg_reader {
	const char *app, *file;
	FILE *f;
	struct vty *vty;
	char line[VTY_BUFSIZ];
	unsigned int lineno;
	bool failed;
	char top_indent[VTY_BUFSIZ];	/* indentation of the first command */
	bool have_top;
};

/* libosmovty takes the first command's indentation as the top level's; a later line indented
 * less than that makes config_from_file() loop for ever (libosmocore 1.11), so such a file is
 * refused here with its line number. */
static bool cfg_indent_ok(struct cfg_reader *r)
{
	size_t n = strspn(r->line, " \t");
	char c = r->line[n];

	if (c == '\0' || c == '\n' || c == '\r' || c == '!' || c == '#')
		return true;	/* blank or comment */
	if (!r->have_top) {
		memcpy(r->top_indent, r->line, n);
		r->top_indent[n] = '\0';
		r->have_top = true;
		return true;
	}
	return n >= strlen(r->top_indent) && !strncmp(r->line, r->top_indent, strlen(r->top_indent));
}

static void cfg_line_trimmed(const struct cfg_reader *r, char *out, size_t size)
{
	size_t len;
	snprintf(out, size, "%s", r->line);
	len = strlen(out);
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
}

static bool cfg_check_output(struct cfg_reader *r)
{
	char *out, *nl, line[VTY_BUFSIZ];

	if (buffer_empty(r->vty->obuf))
		return true;
	out = buffer_getstr(r->vty->obuf);
	buffer_reset(r->vty->obuf);
	if (!out || !strchr(out, '%')) {
		talloc_free(out);
		return true;
	}
	while ((nl = strpbrk(out, "\r\n")))
		*nl = ' ';
	cfg_line_trimmed(r, line, sizeof(line));
	fprintf(stderr, "%s: %s:%u: '%s': %s\n", r->app, r->file, r->lineno, line, out);
	talloc_free(out);
	r->failed = true;
	return false;
}

static ssize_t cfg_read(void *cookie, char *buf, size_t size)
{
	struct cfg_reader *r = cookie;
	size_t len;

	if (r->failed || !cfg_check_output(r))
		return 0;
	/* one line by hand: fgets() would hide a NUL byte, after which libosmovty and this reader
	 * would no longer agree on where lines start */
	{
		int c = EOF;
		bool nul = false;
		len = 0;
		while (len < sizeof(r->line) - 1 && (c = getc(r->f)) != EOF) {
			if (c == '\0')
				nul = true;
			r->line[len++] = (char)c;
			if (c == '\n')
				break;
		}
		r->line[len] = '\0';
		if (!len)
			return 0;
		r->lineno++;
		snprintf(g_cfg_where, sizeof(g_cfg_where), "%s:%u", r->file, r->lineno);
		if (nul) {
			fprintf(stderr, "%s: %s:%u: NUL byte in the line\n", r->app, r->file, r->lineno);
			r->failed = true;
			return 0;
		}
	}
	if (len == sizeof(r->line) - 1 && r->line[len - 1] != '\n') {
		fprintf(stderr, "%s: %s:%u: line longer than %d characters\n", r->app, r->file, r->lineno,
			VTY_BUFSIZ - 2);
		r->failed = true;
		return 0;
	}
	if (!cfg_indent_ok(r)) {
		fprintf(stderr, "%s: %s:%u: indented less than the first command of the file\n", r->app, r->file,
			r->lineno);
		r->failed = true;
		return 0;
	}
	if (len > size)
		len = size;
	memcpy(buf, r->line, len);
	return len;
}

int sgw_app_read_config(struct sgw_app *app, const char *file)
{
	struct cfg_reader r = { .app = app->name, .file = file };
	cookie_io_functions_t io = { .read = cfg_read };
	FILE *cf;
	int rc;

	r.f = fopen(file, "r");
	if (!r.f) {
		fprintf(stderr, "%s: cannot open the config file '%s': %s\n", app->name, file, strerror(errno));
		return -ENOENT;
	}
	r.vty = vty_new();
	r.vty->fd = 0;
	r.vty->type = VTY_FILE;
	r.vty->node = CONFIG_NODE;
	r.vty->indent = NULL;
	cf = fopencookie(&r, "r", io);
	rc = cf ? config_from_file(r.vty, cf) : CMD_WARNING;
	if (cf)
		fclose(cf);
	if (!r.failed)
		cfg_check_output(&r);	/* the last line's */
	if (rc != CMD_SUCCESS && !r.failed) {
		char line[VTY_BUFSIZ];
		cfg_line_trimmed(&r, line, sizeof(line));
		fprintf(stderr, "%s: %s:%u: '%s': %s\n", app->name, file, r.lineno, line, cmd_err_name(rc));
		r.failed = true;
	}
	fclose(r.f);
	g_cfg_where[0] = '\0';
	buffer_reset(r.vty->obuf);
	vty_close(r.vty);
	if (r.failed) {
		fprintf(stderr, "%s: not starting: the config file '%s' has errors\n", app->name, file);
		return -EINVAL;
	}
	host_config_set(file);
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

static void app_round(struct sgw_app *app)
{
	osmo_select_main_ctx(0);
	if (app->round_end)
		app->round_end(app->round_end_data);
}

void sgw_app_run(struct sgw_app *app)
{
	while (!app->quit)
		app_round(app);
	LOGP(DGW, LOGL_NOTICE, "%s: terminating on signal %d\n", app->name, app->quit_signal);
}

static void drain_timeout_cb(void *data)
{
	*(bool *)data = true;
}

bool sgw_app_drain(struct sgw_app *app, bool (*done)(void *data), void *data, unsigned int ms)
{
	struct osmo_timer_list t = { 0 };
	bool expired = false, ok;

	osmo_timer_setup(&t, drain_timeout_cb, &expired);
	osmo_timer_schedule(&t, ms / 1000, (ms % 1000) * 1000);
	/* any signal after the first one (it may have come before the drain started) */
	while (!(ok = done(data)) && !expired && app->signals < 2)
		app_round(app);
	osmo_timer_del(&t);
	if (!ok)
		LOGP(DGW, LOGL_NOTICE, "%s: %s before every release was answered\n", app->name,
		     expired ? "shutdown time limit reached" : "second signal");
	return ok;
}

void sgw_app_free(struct sgw_app *app)
{
	void *ctx = app->ctx;
	g_app = NULL;
	talloc_free(ctx);
}

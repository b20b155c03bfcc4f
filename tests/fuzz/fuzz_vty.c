/* libFuzzer target for the config file reader of sipt-gw: each input is a config file read by
 * sgw_app_read_config() (libosmovty's reader, file:line errors, refused values) into the real
 * command set of the daemon - the isup, sip/trunk and gateway nodes and libosmocore's own - in
 * process, without the main loop; then the start-up checks (gw_iwf_check_config) and the config
 * writer ("write terminal") run on whatever was accepted.
 * Lines whose command has effects outside the process (files, sockets, other programs' state:
 * write/copy, log (file targets), cdr file, stats reporters, line vty, banner file, cs7 - the
 * libosmo-sigtran nodes would connect ASPs) are blanked before reading; everything else is fed as is.
 * Properties: no sanitizer report; the reader returns 0 or -EINVAL. State accumulates between
 * inputs like in a daemon whose config is changed again and again. */

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/vty/vty.h>
#include <osmocom/vty/buffer.h>
#include <osmocom/vty/command.h>

#include "common/app.h"
#include "gw/iwf.h"
#include "gw/testcall.h"
#include "isup/isup_node_api.h"
#include "sip/sip.h"

#define ASSERT(cond) do { if (!(cond)) { fprintf(stderr, "assertion failed: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

static struct sgw_app *app;
static struct gw_iwf *iwf;
static int memfd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{

	app = sgw_app_init("sipt-gw", "fuzz");
	signal(SIGINT, SIG_DFL);	/* leave INT/TERM to libFuzzer's defaults, not the daemon's quit flag */
	signal(SIGTERM, SIG_DFL);
	log_set_log_level(osmo_stderr_target, LOGL_FATAL);
	iwf = gw_iwf_build(app->ctx);
	memfd = memfd_create("fuzz-cfg", 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	return 0;
}

static bool denied(const char *line, size_t len)
{
	static const char *const deny[] = { "write", "copy", "log", "cdr", "stats", "line", "banner", "cs7", NULL };
	size_t i = 0, n;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	n = i;
	while (n < len && line[n] != ' ' && line[n] != '\t' && line[n] != '\r')
		n++;
	for (unsigned int k = 0; deny[k]; k++)
		if (n - i == strlen(deny[k]) && !memcmp(line + i, deny[k], n - i))
			return true;
	return false;
}

static void write_terminal(void)
{
	struct vty *v = vty_new();
	vector vline = cmd_make_strvec("write terminal");
	v->fd = 0;
	v->type = VTY_FILE;
	v->node = ENABLE_NODE;
	if (vline) {
		(void)cmd_execute_command(vline, v, NULL, 0);
		cmd_free_strvec(vline);
	}
	buffer_reset(v->obuf);
	vty_close(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	size_t o = 0;
	int rc;

	/* copy line by line, blanking denied commands */
	for (size_t i = 0; i < size;) {
		const char *l = (const char *)data + i;
		const char *nl = memchr(l, '\n', size - i);
		size_t len = nl ? (size_t)(nl - l) + 1 : size - i;
		if (!denied(l, len)) {
			memcpy(text + o, l, len);
			o += len;
		} else if (nl) {
			text[o++] = '\n';	/* keep the line numbering */
		}
		i += len;
	}
	if (ftruncate(memfd, 0) < 0 || pwrite(memfd, text, o, 0) != (ssize_t)o) {
		free(text);
		return 0;
	}
	free(text);
	rc = sgw_app_read_config(app, path);
	ASSERT(rc == 0 || rc == -EINVAL);
	(void)gw_iwf_check_config(iwf);
	write_terminal();
	return 0;
}

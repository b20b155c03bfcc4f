/* Process bootstrap shared by sipt-gw and isup-peer: talloc root, logging, VTY with the
 * cs7 (libosmo-sigtran) nodes, config file, telnet VTY, signal handling, main loop. */
#pragma once
#include <signal.h>
#include <stdbool.h>

struct sgw_app {
	void *ctx;		/* talloc root */
	const char *name;
	volatile bool quit;
	int quit_signal;
	volatile sig_atomic_t signals;	/* SIGINT/SIGTERM received so far */
	/* optional: called after each select round of sgw_app_run / sgw_app_drain (e.g. to write
	 * out transmit queues the I/O backend writes one message a round from) */
	void (*round_end)(void *data);
	void *round_end_data;
};

struct vty;
/* Optional: called first when a VTY node is left; returns non-zero when it handled the node */
extern int (*sgw_app_go_parent_hook)(struct vty *vty);

/* Initialise libosmocore logging + VTY (incl. cs7 nodes); call before registering own VTY nodes. */
struct sgw_app *sgw_app_init(const char *name, const char *version);
/* Read the config file; returns 0 or negative with the error printed as FILE:LINE. */
int sgw_app_read_config(struct sgw_app *app, const char *file);
/* While the config file is read: "FILE:LINE" of the current line (else NULL). */
const char *sgw_app_config_where(void);
/* mem_vty.c: "show malloc-stats [xml]" and "malloc-trim" (called by sgw_app_init) */
void app_mem_vty_init(void);
/* Open the telnet VTY (bind address/port from "line vty" config; default 127.0.0.1:port). */
int sgw_app_telnet(struct sgw_app *app, int default_port);
/* Run osmo_select_main until SIGINT/SIGTERM (or app->quit set). */
void sgw_app_run(struct sgw_app *app);
/* After the first signal: run the main loop until done(data) holds, at most 'ms' milliseconds;
 * a second SIGINT/SIGTERM (even one received before this call) ends it at once. Returns true
 * when done() held. */
bool sgw_app_drain(struct sgw_app *app, bool (*done)(void *data), void *data, unsigned int ms);
void sgw_app_free(struct sgw_app *app);

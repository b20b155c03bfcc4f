/* isup-peer: PSTN exchange simulator / ISUP conformance tool attached to an STP as an M3UA ASP. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/tdef_vty.h>

#include "common/app.h"
#include "common/debug.h"
#include "common/vty_nodes.h"
#include "isup/vty_arg.h"
#include "isup/isup_node.h"
#include "isup/isup_cong.h"
#include "isup/peer/peer.h"

static void print_help(const char *prog)
{
	printf("Usage: %s -c CONFIG [-s SCENARIO] [-i] [-k] [-t PORT]\n"
	       "Scriptable ISUP exchange: sends and expects ISUP messages through an STP (M3UA ASP).\n\n"
	       "  -c, --config-file FILE  cs7 instance + isup config (point code, ASP towards the STP)\n"
	       "  -s, --scenario FILE     run this scenario (see README: 'isup-peer scenarios')\n"
	       "  -i, --interactive       read scenario commands from stdin as they come\n"
	       "  -k, --keep-running      stay attached after the scenario (automatic answers go on)\n"
	       "  -t, --telnet PORT       open a telnet VTY on 127.0.0.1:PORT (show isup routes)\n"
	       "  -A, --abs-time          time stamps from the system's monotonic clock (to merge the\n"
	       "                          reports of several exchanges), not from the start\n"
	       "  -V, --version           print the version\n\n"
	       "Exit status: 0 all steps passed, 1 a step failed, 2 usage/config error.\n", prog);
}

struct peer_main {
	struct sgw_app *app;
	bool keep_running;
	int exit_code;
};

static struct peer_main g_main;
/* one timer tree: "timer isup T4 10" (the node's Q.764 table) */
static struct osmo_tdef_group peer_tdef_groups[] = {
	{ .name = "isup", .desc = "ISUP (Q.764 Annex A), unit s", .tdefs = NULL },
	{}
};
static struct osmo_timer_list quit_timer;

static void quit_cb(void *data)
{
	g_main.app->quit = true;
}

static void on_done(struct peer *peer)
{
	g_main.exit_code = peer->failed ? 1 : 0;
	/* let the last messages leave the M3UA socket's write queue before exiting */
	if (!g_main.keep_running) {
		osmo_timer_setup(&quit_timer, quit_cb, NULL);
		osmo_timer_schedule(&quit_timer, 0, 300 * 1000);
	}
}

/* the remote point codes of the isup node: watched routes; the first one is the default DPC */
static void peer_routes_add(struct peer *peer, struct isup_node *node)
{
	struct isup_remote_sp *sp;
	llist_for_each_entry(sp, &node->remote_sps, list) {
		int pc = isup_mtp_pc_parse(node->mtp, sp->pc_str);
		if (pc < 0)
			continue;
		isup_mtp_route_add(node->mtp, pc);
		if (!peer->dpc_set) {
			peer->dpc = pc;
			peer->dpc_set = true;
		}
	}
}

int main(int argc, char **argv)
{
	const char *config_file = NULL, *scenario = NULL;
	static const struct option long_opts[] = {
		{ "config-file", 1, 0, 'c' }, { "scenario", 1, 0, 's' }, { "interactive", 0, 0, 'i' },
		{ "keep-running", 0, 0, 'k' }, { "telnet", 1, 0, 't' }, { "help", 0, 0, 'h' },
		{ "version", 0, 0, 'V' }, { "abs-time", 0, 0, 'A' }, { 0, 0, 0, 0 }
	};
	bool interactive = false, abs_time = false;
	int telnet_port = 0, c;
	struct isup_node *node;
	struct isup_mtp_ops ops = { .rx = peer_mtp_rx, .route_ind = peer_route_ind };
	struct peer *peer;

	while ((c = getopt_long(argc, argv, "c:s:ikt:hVA", long_opts, NULL)) != -1) {
		switch (c) {
		case 'c': config_file = optarg; break;
		case 's': scenario = optarg; break;
		case 'i': interactive = true; break;
		case 'A': abs_time = true; break;
		case 'k': g_main.keep_running = true; break;
		case 't': {
			unsigned long port;
			if (arg_ulong(optarg, 1, 65535, &port) < 0) {
				fprintf(stderr, "isup-peer: -t '%s': not a port number in 1-65535\n", optarg);
				return 2;
			}
			telnet_port = port;
			break;
		}
		case 'h': print_help(argv[0]); return 0;
		case 'V': printf("isup-peer %s\n", PACKAGE_VERSION); return 0;
		default: print_help(argv[0]); return 2;
		}
	}
	if (!config_file || (!scenario && !interactive && !g_main.keep_running)) {
		print_help(argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	g_main.app = sgw_app_init("isup-peer", PACKAGE_VERSION);
	osmo_fsm_set_dealloc_ctx(OTC_SELECT);	/* FSM instances are freed after the select loop's round */
	isup_set_log_cat(DISUP, DM3UA);
	node = isup_node_alloc(g_main.app->ctx);
	isup_node_vty_init(node, ISUP_NODE, ISUP_CGROUP_NODE);
	peer_tdef_groups[0].tdefs = isup_node_tdefs(node);
	osmo_tdef_vty_groups_init(CONFIG_NODE, peer_tdef_groups);
	if (sgw_app_read_config(g_main.app, config_file) < 0)
		return 2;
	if (telnet_port && sgw_app_telnet(g_main.app, telnet_port) < 0)
		return 2;

	node->mtp = isup_mtp_create(node, node->cfg.ss7_id, node->cfg.variant, node->cfg.ni, &ops, NULL);
	if (!node->mtp)
		return 2;
	/* the "congestion" lines of the isup node (queue bound, socket buffer), as the gateway applies them */
	isup_cong_set_cfg(node->mtp, &node->cfg.cong);
	peer = peer_alloc(g_main.app->ctx, node->mtp, node->cfg.variant, stdout);
	node->mtp->priv = peer;
	peer->node = node;
	peer->on_done = on_done;
	peer_routes_add(peer, node);
	if (scenario && peer_load_scenario(peer, scenario) < 0)
		return 2;
	if (interactive)
		peer_enable_stdin(peer);
	peer->abs_time = abs_time;
	peer_start(peer);
	g_main.app->round_end = isup_node_round_end;	/* M3UA queues out (isup_node_api.h) */
	g_main.app->round_end_data = node;
	sgw_app_run(g_main.app);
	peer_stopped(peer);
	if (!peer->done)
		fprintf(stdout, "SCENARIO %s: INCOMPLETE (%u steps, %u failed, stopped by signal)\n",
			scenario ? scenario : "-", peer->steps, peer->failed);
	c = peer->done ? g_main.exit_code : (peer->failed ? 1 : 0);
	sgw_app_free(g_main.app);
	return c;
}

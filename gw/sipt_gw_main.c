/* sipt-gw: SIP-T/ISUP media gateway interworking function. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/select.h>

#include "common/app.h"
#include "gw/debug.h"
#include "isup/isup_node_api.h"
#include "gw/iwf.h"
#include "gw/ha_store.h"
#include "gw/ha_m3ua.h"
#include "gw/ha_role.h"
#include "gw/ha_presence.h"
#include "gw/ha_takeover.h"
#include "isup/isup_call.h"
#include "sip/sip.h"
#include "sip/sip_vty.h"
#include "media/media.h"
#include "tones/tones.h"
#include "gw/testcall.h"
#include "gw/cot_wire.h"
#include "gw/ctrl.h"
#include "gw/hep_wire.h"

#define SIPT_GW_VTY_PORT 4260

static void print_help(const char *prog)
{
	printf("Usage: %s [-c CONFIG] [-h] [-V]\n"
	       "SIP-T/ISUP media gateway interworking function.\n\n"
	       "  -c, --config-file FILE  configuration file (default sipt-gw.cfg)\n"
	       "  -h, --help              this text\n"
	       "  -V, --version           print the version and exit\n\n"
	       "The telnet VTY listens on 127.0.0.1:%d unless 'line vty' says otherwise.\n",
	       prog, SIPT_GW_VTY_PORT);
}

static bool iwf_released(void *data)
{
	/* the next batch of releases when the M3UA queue has room (gw/shutdown_pace.c) */
	return gw_iwf_release_paced_step(data);
}

/* SIGTERM/SIGINT: every call is released on both legs, the answers awaited (bounded) */
static void shutdown_release(struct sgw_app *app, struct gw_iwf *iwf)
{
	/* gw X4: the time the releases may take (a second SIGTERM/SIGINT ends the wait at once) */
	unsigned int ms = osmo_tdef_get(iwf->tdefs, -4, OSMO_TDEF_MS, -1);
	unsigned int n = gw_iwf_release_paced_start(iwf);

	LOGP(DGW, LOGL_NOTICE, "shutdown: releasing %u calls (cause %u), waiting up to %u ms\n", n,
	     GW_SHUTDOWN_CAUSE, ms);
	if (sgw_app_drain(app, iwf_released, iwf, ms))
		LOGP(DGW, LOGL_NOTICE, "shutdown: every call released\n");
	else
		LOGP(DGW, LOGL_NOTICE, "shutdown: %u calls, %u circuits awaiting RLC left\n",
		     iwf->num_calls, isup_node_circuits_releasing(iwf->isup));
}

/* the pair's takeover hook (gw/ha_m3ua.c): this node is the active one now; it restores the
 * dead node's calls before it writes its own state (gw/ha_takeover.c) */
static void ha_pair_active(struct gw_iwf *iwf, void *priv)
{
	gw_ha_takeover(iwf);
}

int main(int argc, char **argv)
{
	const char *config_file = "sipt-gw.cfg";
	static const struct option long_opts[] = {
		{ "config-file", 1, 0, 'c' }, { "help", 0, 0, 'h' }, { "version", 0, 0, 'V' }, { 0, 0, 0, 0 }
	};
	struct sgw_app *app;
	struct isup_node *isup;
	struct gw_iwf *iwf;
	struct sip_ua *sip;
	int c;

	while ((c = getopt_long(argc, argv, "c:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'c': config_file = optarg; break;
		case 'h': print_help(argv[0]); return 0;
		case 'V': printf("sipt-gw %s\n", PACKAGE_VERSION); return 0;
		default: print_help(argv[0]); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[optind]);
		return 2;
	}

	app = sgw_app_init("sipt-gw", PACKAGE_VERSION);
	osmo_fsm_set_dealloc_ctx(OTC_SELECT);	/* FSM instances are freed after the select loop's round */
	isup_set_log_cat(DISUP, DM3UA);
	media_set_log_cat(DMEDIA);
	tones_set_log_cat(DTONES);
	iwf = gw_iwf_build(app->ctx);
	isup = iwf->isup;
	sip = iwf->sip;
	gw_ctrl_vty_init(app->ctx);	/* 'ctrl' / 'bind' (gw/ctrl.h) */
	gw_hep_vty_init(iwf);		/* 'hep': capture export to Homer (gw/hep_wire.h) */
	sgw_app_go_parent_hook = sip_vty_go_parent;	/* trunks added at run time start on leaving their node */

	if (sgw_app_read_config(app, config_file) < 0)
		return 1;
	if (gw_iwf_check_config(iwf) > 0) {
		fprintf(stderr, "sipt-gw: not starting: the config file '%s' has errors\n", config_file);
		return 1;
	}
	if (sgw_app_telnet(app, SIPT_GW_VTY_PORT) < 0)
		return 1;
	gw_ha_role_init(iwf);	/* role file, notify script: the service address (gw/ha_role.h) */
	if (gw_ha_pair_start(iwf->pair) < 0)	/* before the M3UA transport comes up */
		return 1;
	if (isup_node_start(isup) < 0) {
		fprintf(stderr, "sipt-gw: cannot start ISUP (check the 'cs7 instance' and 'isup' config)\n");
		return 1;
	}
	if (gw_ctrl_start(iwf) < 0)	/* the CTRL interface (gw/ctrl.h) */
		return 1;
	if (gw_hep_start(iwf) < 0)	/* HEP export (gw/hep_wire.h) */
		return 1;
	gw_cot_wire(iwf);	/* the check-tone transceiver for the continuity check (Q.764 2.1.8) */
	if (sip_ua_start(sip) < 0) {
		fprintf(stderr, "sipt-gw: cannot start SIP (check the 'sip' trunks: listen address/port)\n");
		return 1;
	}
	/* With routes configured the interworking function is the ISUP call layer; without, the
	 * test call application answers (bring-up and the Q.784.1 tests). */
	if (!llist_empty(&iwf->routes))
		gw_iwf_start(iwf);
	gw_ha_start(iwf);	/* HA state store (Redis), when configured */
	if (gw_ha_enabled(iwf->pair)) {
		/* one node id for both nodes of a pair: only the active one writes; at ASP-ACTIVE
		 * the store writes the whole state once (gw/ha_call.c) */
		gw_ha_set_active(iwf, false);
		gw_ha_takeover_init(iwf);	/* resume resets and ISUP messages held until then */
		gw_ha_set_active_cb(iwf->pair, ha_pair_active, NULL);
	}
	gw_presence_start(iwf);	/* the pair's presence records, for 'show cluster' */
	LOGP(DGW, LOGL_NOTICE, "sipt-gw %s started (%s)\n", PACKAGE_VERSION,
	     llist_empty(&iwf->routes) ? "test call application" : "interworking");
	app->round_end = isup_node_round_end;	/* M3UA queues out (isup_node_api.h) */
	app->round_end_data = isup;
	sgw_app_run(app);
	shutdown_release(app, iwf);
	gw_ha_role_stop(iwf);	/* "down": the service address goes */
	gw_iwf_shutdown(iwf);
	gw_presence_stop();
	gw_ha_stop(iwf);
	sip_ua_free(sip);
	isup_node_stop(isup);
	sgw_app_free(app);
	return 0;
}

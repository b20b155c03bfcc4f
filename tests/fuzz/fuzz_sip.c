/* libFuzzer target for the SIP intake: start-line/header checks, libosip2 parsing, multipart and
 * SDP bodies, transactions and dialogs (each input is one datagram on a SIP-T trunk). */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <talloc.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/select.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/talloc.h>

#include "gw/debug.h"
#include "sip/sip.h"

static struct sip_ua *ua;
static struct sip_trunk *trunk;
static unsigned int n_input;	/* what the application does: derived from the input */

static void on_event(struct sip_dialog *d, const struct sip_event *ev, void *priv)
{
	struct sip_sdp local, ans;
	struct sip_msg_opts o = { .q850_cause = 17, .q850_location = "LN" };
	static const uint8_t acm[] = { 0x06, 0x16, 0x14, 0x00 };

	if (ev->type != SIP_EV_INVITE)
		return;
	/* vary what the "application" does so that more of the dialog code runs */
	switch (n_input % 4) {
	case 0:
		sip_dialog_reject(d, 486, &o);
		break;
	case 1:
		sip_sdp_init_local(&local, "127.0.0.1", 4000);
		if (ev->body->has_sdp && sip_sdp_answer(&ans, &ev->body->sdp, &local) == 0)
			o.sdp = &ans;
		o.isup = acm;
		o.isup_len = sizeof(acm);
		o.q850_cause = 0;
		sip_dialog_provisional(d, 183, true, &o);
		sip_dialog_answer(d, &o);
		break;
	case 2:
		o.q850_cause = 0;
		sip_dialog_provisional(d, 180, false, &o);
		sip_dialog_answer(d, &o);
		break;
	default:
		break;	/* left proceeding: CANCEL/BYE/PRACK inputs may find it */
	}
}

static const struct sip_ua_cbs cbs = { .event = on_event };

static void init(void)
{
	void *ctx = talloc_named_const(NULL, 0, "fuzz");
	osmo_init_logging2(ctx, &sgw_log_info);
	log_set_log_level(osmo_stderr_target, LOGL_FATAL);
	log_set_category_filter(osmo_stderr_target, DSIP, 0, LOGL_FATAL);
	sip_set_log_cat(DSIP);
	osmo_fsm_set_dealloc_ctx(OTC_SELECT);
	ua = sip_ua_alloc(ctx, &cbs, NULL);
	/* short timers so that retransmission and timeout paths run during fuzzing */
	osmo_tdef_set(sip_ua_tdefs(ua), 1, 2, OSMO_TDEF_MS);
	osmo_tdef_set(sip_ua_tdefs(ua), 2, 16, OSMO_TDEF_MS);
	osmo_tdef_set(sip_ua_tdefs(ua), 4, 20, OSMO_TDEF_MS);
	trunk = sip_trunk_alloc(ua, "fuzz");
	trunk->cfg.listen_port = 0;
	trunk->cfg.sipt_mode = SIP_SIPT_SIPT;
	trunk->cfg.trusted = true;
	trunk->cfg.rel100 = SIP_100REL_SUPPORTED;
	trunk->cfg.num_peers = 1;
	strcpy(trunk->cfg.peers[0].addr, "127.0.0.1");
	trunk->cfg.peers[0].port = 9;
	sip_ua_start(ua);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_sdp sdp;

	if (!ua)
		init();
	n_input = size;
	sip_sdp_parse(&sdp, (const char *)data, size);
	sip_ua_input(trunk, (const char *)data, size, "127.0.0.1", 9);
	/* run due timers (reaping, retransmissions) */
	for (int i = 0; i < 3; i++)
		osmo_select_main_ctx(1);
	return 0;
}

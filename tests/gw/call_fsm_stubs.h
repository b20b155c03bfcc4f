/* The lower layers of the IWF, faked for tests/gw/call_fsm_test.c: the ISUP call API
 * (isup/isup_call.h) and the SIP dialog API (sip/sip.h) are replaced by -Wl,--wrap stubs that
 * print one line per call ("isup TX ACM cic=1 bci=16 14", "sip TX 180 ..."), the media bridge
 * calls are printed and passed on to the real media library; the callbacks the IWF registers
 * (isup_call_ops, sip_ua_cbs) are caught so that the test drives the calls through them.
 * Time is fake (libosmocore clock override; CLOCK_REALTIME of the CDR stamps too). */
#pragma once
#include <stdint.h>
#include <stdbool.h>

#include "isup/isup.h"
#include "sip/sip.h"

struct isup_call;
struct sip_dialog;
struct gw_iwf;


/* ---- set-up, time -------------------------------------------------------------------- */

/* Fake clocks on, from a fixed epoch */
void stub_time_init(void);
/* Let 'ms' milliseconds pass in 1 ms steps, firing the timers and running the select loop's
 * deferred frees after each step */
void stub_advance(unsigned int ms);
/* The 'media rtp-range' of the configuration (its ports are printed as 'pool') */
void stub_set_pool(uint16_t first, uint16_t last);
/* The IWF the test drives (after gw_iwf_start: its ISUP and SIP callbacks were caught) */
void stub_set_iwf(struct gw_iwf *iwf);

/* ---- ISUP side ------------------------------------------------------------------------- */

/* The CIC the next isup_call_setup() gets; cause != 0: it fails with that cause instead */
void stub_isup_next(uint16_t cic, uint8_t fail_cause);
/* The outgoing call of the last isup_call_setup() */
struct isup_call *stub_isup_last(void);
/* An IAM on an incoming circuit: setup_ind (the IAM's CIC is set) */
struct isup_call *stub_isup_rx_iam(const char *group, uint16_t cic, struct isup_msg *iam);
/* A message for the call: msg_ind (CIC set) */
void stub_isup_rx(struct isup_call *ic, struct isup_msg *msg);
/* The call is gone in the ISUP layer (REL received, T7/T9 expiry ...): release_ind */
void stub_isup_rx_release(struct isup_call *ic, uint8_t cause);
/* A REL received: release_ind with the REL (its cause parameter gives the cause) */
void stub_isup_rx_rel(struct isup_call *ic, struct isup_msg *rel);
/* Automatic repeat attempt (dual seizure, Q.764 2.10.1.1): the call moves to new_cic */
void stub_isup_move(struct isup_call *ic, uint16_t new_cic);

/* ---- SIP side -------------------------------------------------------------------------- */

/* An INVITE on a trunk (UAS dialog): SIP_EV_INVITE */
struct sip_dialog *stub_sip_rx_invite(const char *trunk, const char *ruri_user, const char *from_user,
				      const struct sip_body *body);
/* RFC 3578: a later INVITE with the Call-ID and From of 'before' (a new UAS dialog) */
struct sip_dialog *stub_sip_rx_invite_again(const struct sip_dialog *before, const char *ruri_user,
					    const char *from_user, const struct sip_body *body);
/* The next stub_sip_rx_invite() carries these P-Asserted-Identity / Privacy values ("" or NULL:
 * none) and Max-Forwards (once) */
void stub_sip_next_invite_hdrs(const char *pai, const char *privacy, int max_forwards);
/* The dialog of the last sip_dialog_invite() */
struct sip_dialog *stub_sip_last(void);
/* UAC: a provisional response (SIP_EV_PROVISIONAL), a 2xx (SIP_EV_ANSWERED, ACK sent), a final
 * error (SIP_EV_FAILED, then SIP_EV_TERMINATED) */
void stub_sip_rx_18x(struct sip_dialog *dlg, int code, const struct sip_body *body);
void stub_sip_rx_200(struct sip_dialog *dlg, const struct sip_body *body);
void stub_sip_rx_failed(struct sip_dialog *dlg, int code, int q850_cause, const struct sip_body *body);
/* UAS: ACK of our 2xx (body: the answer to a late offer, or NULL); PRACK of a reliable 18x;
 * CANCEL (200 + 487 sent, SIP_EV_CANCEL then SIP_EV_TERMINATED) */
void stub_sip_rx_ack(struct sip_dialog *dlg, const struct sip_body *body);
void stub_sip_rx_prack(struct sip_dialog *dlg, const struct sip_body *body);
void stub_sip_rx_cancel(struct sip_dialog *dlg, int q850_cause);
/* Both: BYE (200 sent; SIP_EV_BYE, SIP_EV_TERMINATED), the 200 to our BYE (SIP_EV_TERMINATED),
 * an INFO (200 sent), Timer B/F (SIP_EV_TIMEOUT, SIP_EV_TERMINATED) */
void stub_sip_rx_bye(struct sip_dialog *dlg, int q850_cause, const struct sip_body *body);
void stub_sip_rx_bye_ok(struct sip_dialog *dlg);
void stub_sip_rx_info(struct sip_dialog *dlg, const struct sip_body *body);
void stub_sip_rx_timeout(struct sip_dialog *dlg, enum sip_timeout_kind kind);
/* The final response to our re-INVITE / INFO (481 / 408 end the dialog: the UA's BYE) */
void stub_sip_rx_response(struct sip_dialog *dlg, const char *method, int code);

/* ---- checks ---------------------------------------------------------------------------- */

/* Prints the CDR lines written since the last call (the test configures 'cdr file' to path) */
void stub_cdr_open(const char *path);
void stub_cdr_print(void);
/* End of a flow: prints calls left, legs still held, frees the handles of the flow */
void stub_flow_end(void);
unsigned int stub_isup_flow_end(void);
unsigned int stub_sip_flow_end(void);

/* ---- internal to the stubs ------------------------------------------------------------- */

/* "ACM cic=1 bci=16 14 obci=01": the message name, CIC and every parameter as on the wire */
void stub_print_isup(const char *prefix, const struct isup_msg *msg);
/* Print the media lines of the last step (before the next event goes into the IWF) */
void stub_media_flush(void);
/* The port is one of the media rtp-range pool's (printed as 'pool': which one depends on frees) */
bool stub_port_in_pool(uint16_t port);

/* Fake SIP dialog layer for call_fsm_test: the sip_dialog_* functions the IWF calls, wrapped
 * (-Wl,--wrap=SYM), print what the UA would send and keep a small dialog model with the real
 * UA's rules (sip/sip_dialog.c: a final error response ends the dialog at once, BYE before the
 * ACK waits for it, CANCEL only for an early UAC dialog, TERMINATED once). The trunks are the
 * real ones of the configuration; the IWF's sip_ua_cbs are caught at sip_ua_alloc. */
#include <stdio.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/utils.h>

#include "sip/sip.h"
#include "sip/sip_snapshot.h"
#include "tests/gw/call_fsm_stubs.h"

enum dlg_state { DLG_CALLING, DLG_PROCEEDING, DLG_WAIT_ACK, DLG_CONFIRMED, DLG_TERMINATING, DLG_TERMINATED };

struct sip_dialog {
	struct llist_head list;
	struct sip_trunk *trunk;
	bool uac;
	enum dlg_state st;
	bool terminated;	/* SIP_EV_TERMINATED reported: no more events, no requests */
	bool got_provisional, cancelled, cancel_pending, bye_pending;
	int cancel_cause, bye_cause;
	char cancel_loc[8];
	struct sip_sdp remote_sdp;
	bool has_remote_sdp;
	char call_id[128];
	char from_tag[64];
	uint32_t cseq;		/* UAC: of the INVITE */
	void *priv;
	uint8_t bye_ok_isup[16];	/* sip_dialog_set_bye_ok_isup */
	size_t bye_ok_isup_len;
};

static LLIST_HEAD(dialogs);
static const struct sip_ua_cbs *cbs;
static void *cbs_priv;
static struct sip_ua *ua;
static struct sip_dialog *last_uac;
static unsigned int dlg_counter;

struct sip_ua *__real_sip_ua_alloc(void *ctx, const struct sip_ua_cbs *c, void *priv);
struct sip_ua *__wrap_sip_ua_alloc(void *ctx, const struct sip_ua_cbs *c, void *priv)
{
	cbs = c;
	cbs_priv = priv;
	ua = __real_sip_ua_alloc(ctx, c, priv);
	return ua;
}

/* ---- printing ---- */

static void print_sdp(const struct sip_sdp *sdp)
{
	if (stub_port_in_pool(sdp->port))
		printf(" sdp=%s:pool", sdp->addr);
	else
		printf(" sdp=%s:%u", sdp->addr, sdp->port);
	printf(" %s", sip_sdp_dir_name(sdp->dir));
	for (unsigned int i = 0; i < sdp->num_codecs; i++)
		printf("%s%u", i ? "," : " pt=", sdp->codecs[i].pt);
}

static void print_isup_body(const uint8_t *data, size_t len)
{
	struct isup_msg m;
	if (isup_decode_body(&m, ISUP_VARIANT_ITU, data, len, NULL) < 0 && !m.known) {
		printf("\n  isup body: undecodable, %zu octets\n", len);
		return;
	}
	stub_print_isup("\n  isup body: ", &m);
}

/* the request's or response's content as the UA sends it on the trunk (an ISUP body only where
 * the trunk carries ISUP: SIP-T/SIP-I and trusted, as sip_msg_set_body); ends the line */
static void print_opts(const struct sip_trunk *trunk, const struct sip_msg_opts *o)
{
	if (!o) {
		printf("\n");
		return;
	}
	if (o->sdp)
		print_sdp(o->sdp);
	if (o->pai)
		printf(" pai=%s", o->pai);
	if (o->privacy)
		printf(" privacy=%s", o->privacy);
	if (o->history_info)
		printf(" history-info=%s", o->history_info);
	if (o->diversion)
		printf(" diversion=%s", o->diversion);
	if (o->p_early_media)
		printf(" p-early-media=%s", o->p_early_media);
	if (o->max_forwards)
		printf(" max-forwards=%d", o->max_forwards);
	if (o->q850_cause)
		printf(" reason=Q.850;cause=%d%s%s", o->q850_cause, o->q850_location ? ";location=" : "",
		       o->q850_location ? o->q850_location : "");
	if (o->reason_text)
		printf(" reason-text=\"%s\"", o->reason_text);
	if (o->reason_phrase)
		printf(" phrase=\"%s\"", o->reason_phrase);
	if (o->isup && o->isup_len && sip_trunk_carries_isup(trunk))
		print_isup_body(o->isup, o->isup_len);
	else
		printf("\n");
}

static bool valid(const struct sip_dialog *dlg, const char *what)
{
	if (!dlg) {
		printf("BUG sip %s on a NULL dialog\n", what);
		return false;
	}
	if (dlg->terminated) {
		printf("BUG sip %s on terminated dialog %s\n", what, dlg->call_id);
		return false;
	}
	return true;
}

/* ---- events to the IWF ---- */

static const struct sip_body empty_body;
static const struct sip_headers empty_hdrs = { .max_forwards = -1 };

static void emit(struct sip_dialog *dlg, struct sip_event *ev)
{
	if (dlg->terminated)
		return;
	if (ev->type == SIP_EV_TERMINATED) {
		dlg->terminated = true;
		dlg->st = DLG_TERMINATED;
	}
	if (!ev->body)
		ev->body = &empty_body;
	if (!ev->hdrs)
		ev->hdrs = &empty_hdrs;
	cbs->event(dlg, ev, cbs_priv);
}

static void terminate(struct sip_dialog *dlg)
{
	struct sip_event ev = { .type = SIP_EV_TERMINATED };
	printf("sip dialog %s terminated\n", dlg->call_id);
	emit(dlg, &ev);
}

static struct sip_dialog *dlg_new(struct sip_trunk *trunk, bool uac)
{
	struct sip_dialog *dlg = talloc_zero(NULL, struct sip_dialog);
	dlg->trunk = trunk;
	dlg->uac = uac;
	dlg->st = uac ? DLG_CALLING : DLG_PROCEEDING;
	snprintf(dlg->call_id, sizeof(dlg->call_id), "%s-%u@test", uac ? "uac" : "uas", ++dlg_counter);
	snprintf(dlg->from_tag, sizeof(dlg->from_tag), "tag%u", dlg_counter);
	dlg->cseq = 1;
	llist_add_tail(&dlg->list, &dialogs);
	return dlg;
}

/* ---- the dialog API ---- */

struct sip_dialog *__wrap_sip_dialog_invite(struct sip_trunk *trunk, const char *to_user, const char *from_user,
					    const struct sip_msg_opts *opts, void *priv)
{
	struct sip_dialog *dlg = dlg_new(trunk, true);
	dlg->priv = priv;
	printf("sip TX INVITE trunk=%s to=%s from=%s", trunk->name, to_user, from_user);
	print_opts(trunk, opts);
	last_uac = dlg;
	return dlg;
}

/* RFC 3578 3: the same Call-ID and From tag, CSeq above */
struct sip_dialog *__wrap_sip_dialog_invite_again(struct sip_trunk *trunk, const char *to_user, const char *from_user,
						  const struct sip_msg_opts *opts, void *priv,
						  const struct sip_uac_ident *same)
{
	struct sip_dialog *dlg = dlg_new(trunk, true);
	dlg->priv = priv;
	snprintf(dlg->call_id, sizeof(dlg->call_id), "%s", same->call_id);
	snprintf(dlg->from_tag, sizeof(dlg->from_tag), "%s", same->from_tag);
	dlg->cseq = same->cseq + 1;
	printf("sip TX INVITE trunk=%s to=%s from=%s call-id=%s from-tag=%s cseq=%u", trunk->name, to_user,
	       from_user, dlg->call_id, dlg->from_tag, dlg->cseq);
	print_opts(trunk, opts);
	last_uac = dlg;
	return dlg;
}

int __wrap_sip_dialog_uac_ident(struct sip_dialog *dlg, struct sip_uac_ident *id)
{
	if (!valid(dlg, "uac_ident") || !dlg->uac)
		return -1;
	snprintf(id->call_id, sizeof(id->call_id), "%s", dlg->call_id);
	snprintf(id->from_tag, sizeof(id->from_tag), "%s", dlg->from_tag);
	id->cseq = dlg->cseq;
	return 0;
}

int __wrap_sip_dialog_provisional(struct sip_dialog *dlg, int code, bool reliable, const struct sip_msg_opts *opts)
{
	if (!valid(dlg, "provisional"))
		return -1;
	if (dlg->uac || dlg->st != DLG_PROCEEDING) {
		printf("sip TX %d refused: not an early UAS dialog\n", code);
		return -1;
	}
	printf("sip TX %d%s", code, reliable ? " 100rel" : "");
	print_opts(dlg->trunk, opts);
	return 0;
}

int __wrap_sip_dialog_answer(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	if (!valid(dlg, "answer"))
		return -1;
	if (dlg->uac || dlg->st != DLG_PROCEEDING) {
		printf("sip TX 200 refused: not an early UAS dialog\n");
		return -1;
	}
	printf("sip TX 200");
	print_opts(dlg->trunk, opts);
	dlg->st = DLG_WAIT_ACK;
	return 0;
}

int __wrap_sip_dialog_reject(struct sip_dialog *dlg, int code, const struct sip_msg_opts *opts)
{
	if (!valid(dlg, "reject"))
		return -1;
	if (dlg->uac || dlg->st != DLG_PROCEEDING || code < 300 || code > 699) {
		printf("sip TX %d refused: not an early UAS dialog\n", code);
		return -1;
	}
	printf("sip TX %d", code);
	print_opts(dlg->trunk, opts);
	terminate(dlg);		/* as sip_dialog_reject: the dialog ends at once */
	return 0;
}

int __wrap_sip_dialog_cancel(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	if (!valid(dlg, "cancel"))
		return -1;
	if (!dlg->uac || (dlg->st != DLG_CALLING && dlg->st != DLG_PROCEEDING)) {
		printf("sip TX CANCEL refused: not an early UAC dialog\n");
		return -1;
	}
	if (dlg->cancelled || dlg->cancel_pending)
		return 0;
	dlg->cancel_cause = opts ? opts->q850_cause : 0;
	snprintf(dlg->cancel_loc, sizeof(dlg->cancel_loc), "%s", opts && opts->q850_location ? opts->q850_location : "");
	if (!dlg->got_provisional) {
		printf("sip CANCEL held until a provisional response (RFC 3261 9.1)");
		dlg->cancel_pending = true;
	} else {
		printf("sip TX CANCEL");
		dlg->cancelled = true;
	}
	print_opts(dlg->trunk, opts);
	return 0;
}

int __wrap_sip_dialog_bye(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	if (!valid(dlg, "bye"))
		return -1;
	if (dlg->uac && (dlg->st == DLG_CALLING || dlg->st == DLG_PROCEEDING))
		return __wrap_sip_dialog_cancel(dlg, opts);
	if (dlg->st == DLG_WAIT_ACK) {
		printf("sip BYE held until the ACK (RFC 3261 15)");
		dlg->bye_pending = true;
		dlg->bye_cause = opts ? opts->q850_cause : 0;
		print_opts(dlg->trunk, opts);
		return 0;
	}
	if (dlg->st != DLG_CONFIRMED) {
		printf("sip TX BYE refused: dialog not confirmed\n");
		return -1;
	}
	printf("sip TX BYE");
	print_opts(dlg->trunk, opts);
	dlg->st = DLG_TERMINATING;
	return 0;
}

int __wrap_sip_dialog_info(struct sip_dialog *dlg, const struct sip_msg_opts *opts)
{
	if (!valid(dlg, "info"))
		return -1;
	if (dlg->st != DLG_CONFIRMED && dlg->st != DLG_WAIT_ACK) {
		printf("sip TX INFO refused: dialog not established\n");
		return -1;
	}
	printf("sip TX INFO");
	print_opts(dlg->trunk, opts);
	return 0;
}

int __wrap_sip_dialog_reoffer(struct sip_dialog *dlg, const struct sip_sdp *sdp, bool use_update)
{
	if (!valid(dlg, "reoffer"))
		return -1;
	if (dlg->st != DLG_CONFIRMED || !sdp) {
		printf("sip TX re-INVITE refused: dialog not confirmed\n");
		return -1;
	}
	printf("sip TX %s", use_update ? "UPDATE" : "re-INVITE");
	print_sdp(sdp);
	printf("\n");
	return 0;
}

void __wrap_sip_dialog_release_opts(struct sip_dialog *dlg, const struct sip_msg_opts *opts, int uas_status)
{
	struct sip_msg_opts o = *opts;

	if (!valid(dlg, "release"))
		return;
	switch (dlg->st) {
	case DLG_CALLING:
	case DLG_PROCEEDING:
		if (dlg->uac) {
			o.isup = NULL;	/* a CANCEL takes the Reason only */
			o.isup_len = 0;
			__wrap_sip_dialog_cancel(dlg, &o);
		} else {
			__wrap_sip_dialog_reject(dlg, uas_status, &o);
		}
		break;
	case DLG_WAIT_ACK:
	case DLG_CONFIRMED:
		__wrap_sip_dialog_bye(dlg, &o);
		break;
	default:
		terminate(dlg);
	}
}

void __wrap_sip_dialog_release_status(struct sip_dialog *dlg, int q850_cause, int uas_status)
{
	struct sip_msg_opts o = { .q850_cause = q850_cause };
	__wrap_sip_dialog_release_opts(dlg, &o, uas_status);
}

void __wrap_sip_dialog_set_timeout_bye_isup(struct sip_dialog *dlg, const uint8_t *isup, size_t len)
{
	if (valid(dlg, "timeout BYE body"))
		printf("sip dialog: timeout BYE carries ISUP %s\n", len ? isup_msg_name(isup[0]) : "none");
}

void __wrap_sip_dialog_release(struct sip_dialog *dlg, int q850_cause)
{
	__wrap_sip_dialog_release_status(dlg, q850_cause, 480);
}

void *__wrap_sip_dialog_priv(struct sip_dialog *dlg)
{
	return dlg->priv;	/* read by the UA's callback glue even after TERMINATED */
}

void __wrap_sip_dialog_set_priv(struct sip_dialog *dlg, void *priv)
{
	dlg->priv = priv;
}

void __wrap_sip_dialog_set_bye_ok_isup(struct sip_dialog *dlg, const uint8_t *isup, size_t len)
{
	dlg->bye_ok_isup_len = len <= sizeof(dlg->bye_ok_isup) ? len : 0;
	memcpy(dlg->bye_ok_isup, isup, dlg->bye_ok_isup_len);
}

struct sip_trunk *__wrap_sip_dialog_trunk(struct sip_dialog *dlg)
{
	return dlg->trunk;
}

const char *__wrap_sip_dialog_call_id(struct sip_dialog *dlg)
{
	return dlg->call_id;
}

bool __wrap_sip_dialog_is_uac(struct sip_dialog *dlg)
{
	return dlg->uac;
}

const struct sip_sdp *__wrap_sip_dialog_remote_sdp(struct sip_dialog *dlg)
{
	return dlg->has_remote_sdp ? &dlg->remote_sdp : NULL;
}

/* the HA state store's snapshot (gw/ha_call.c): the fake dialog's Call-ID, nothing else */
int __wrap_sip_dialog_snapshot(struct sip_dialog *dlg, struct sip_dialog_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->call_id, sizeof(s->call_id), "%s", __wrap_sip_dialog_call_id(dlg));
	return 0;
}

/* ---- driving the IWF ---- */

static void print_rx(const struct sip_dialog *dlg, const char *what, const struct sip_body *body, int q850)
{
	stub_media_flush();
	printf("sip RX %s", what);
	if (body && body->has_sdp)
		print_sdp(&body->sdp);
	if (q850)
		printf(" reason=Q.850;cause=%d", q850);
	if (body && body->isup.present)
		print_isup_body(body->isup.data, body->isup.len);
	else
		printf("\n");
}

static bool deliverable(const struct sip_dialog *dlg)
{
	if (dlg && !dlg->terminated)
		return true;
	printf("(not delivered: no such dialog)\n");
	return false;
}

static struct {
	char pai[64], privacy[16];
	int max_forwards;
	bool set;
} next_hdrs;

void stub_sip_next_invite_hdrs(const char *pai, const char *privacy, int max_forwards)
{
	snprintf(next_hdrs.pai, sizeof(next_hdrs.pai), "%s", pai ? pai : "");
	snprintf(next_hdrs.privacy, sizeof(next_hdrs.privacy), "%s", privacy ? privacy : "");
	next_hdrs.max_forwards = max_forwards;
	next_hdrs.set = true;
	printf("sip next INVITE: pai=%s privacy=%s max-forwards=%d\n", next_hdrs.pai, next_hdrs.privacy,
	       max_forwards);
}

static struct sip_dialog *rx_invite(const char *trunk, const char *ruri_user, const char *from_user,
				    const struct sip_body *body, const struct sip_dialog *same)
{
	static struct sip_headers h;
	struct sip_event ev = { .type = SIP_EV_INVITE, .method = "INVITE", .body = body, .hdrs = &h };
	struct sip_dialog *dlg = dlg_new(sip_trunk_find(ua, trunk), false);

	if (same)	/* RFC 3578: a later INVITE of the same call (Call-ID, From) */
		snprintf(dlg->call_id, sizeof(dlg->call_id), "%s", same->call_id);
	memset(&h, 0, sizeof(h));
	snprintf(h.ruri, sizeof(h.ruri), "sip:%s@127.0.0.2", ruri_user);
	snprintf(h.from, sizeof(h.from), "<sip:%s@127.0.0.1>;tag=caller", from_user);
	snprintf(h.to, sizeof(h.to), "<sip:%s@127.0.0.2>", ruri_user);
	h.max_forwards = 70;
	if (next_hdrs.set) {
		snprintf(h.pai, sizeof(h.pai), "%s", next_hdrs.pai);
		snprintf(h.privacy, sizeof(h.privacy), "%s", next_hdrs.privacy);
		h.max_forwards = next_hdrs.max_forwards;
		next_hdrs.set = false;
	}
	if (body && body->has_sdp) {
		dlg->remote_sdp = body->sdp;
		dlg->has_remote_sdp = true;
	}
	{
		char what[128];
		snprintf(what, sizeof(what), "INVITE trunk=%s to=%s from=%s (100 sent)", trunk, ruri_user, from_user);
		print_rx(dlg, what, body, 0);
	}
	emit(dlg, &ev);
	return dlg;
}

struct sip_dialog *stub_sip_rx_invite(const char *trunk, const char *ruri_user, const char *from_user,
				      const struct sip_body *body)
{
	return rx_invite(trunk, ruri_user, from_user, body, NULL);
}

struct sip_dialog *stub_sip_rx_invite_again(const struct sip_dialog *before, const char *ruri_user,
					    const char *from_user, const struct sip_body *body)
{
	return rx_invite(before->trunk->name, ruri_user, from_user, body, before);
}

struct sip_dialog *stub_sip_last(void)
{
	return last_uac;
}

static void remote_sdp(struct sip_dialog *dlg, const struct sip_body *body)
{
	if (body && body->has_sdp) {
		dlg->remote_sdp = body->sdp;
		dlg->has_remote_sdp = true;
	}
}

void stub_sip_rx_18x(struct sip_dialog *dlg, int code, const struct sip_body *body)
{
	struct sip_event ev = { .type = SIP_EV_PROVISIONAL, .method = "INVITE", .code = code, .body = body,
				.to_tag = "callee" };
	char what[16];
	snprintf(what, sizeof(what), "%d", code);
	print_rx(dlg, what, body, 0);
	if (!deliverable(dlg))
		return;
	dlg->got_provisional = true;
	dlg->st = DLG_PROCEEDING;
	if (dlg->cancel_pending) {
		printf("sip TX CANCEL (held until now) reason=Q.850;cause=%d%s%s\n", dlg->cancel_cause,
		       dlg->cancel_loc[0] ? ";location=" : "", dlg->cancel_loc);
		dlg->cancel_pending = false;
		dlg->cancelled = true;
	}
	remote_sdp(dlg, body);
	emit(dlg, &ev);
}

void stub_sip_rx_200(struct sip_dialog *dlg, const struct sip_body *body)
{
	struct sip_event ev = { .type = SIP_EV_ANSWERED, .method = "INVITE", .code = 200, .body = body,
				.to_tag = "callee" };
	print_rx(dlg, "200 (ACK sent)", body, 0);
	if (!deliverable(dlg))
		return;
	dlg->st = DLG_CONFIRMED;
	remote_sdp(dlg, body);
	if (dlg->cancelled) {
		/* the UA itself: the 2xx crossed our CANCEL (RFC 3261 9.1) */
		printf("sip TX BYE (2xx crossed the CANCEL) reason=Q.850;cause=%d%s%s\n",
		       dlg->cancel_cause ? dlg->cancel_cause : 16, dlg->cancel_loc[0] ? ";location=" : "", dlg->cancel_loc);
		dlg->st = DLG_TERMINATING;
		return;
	}
	emit(dlg, &ev);
}

void stub_sip_rx_failed(struct sip_dialog *dlg, int code, int q850_cause, const struct sip_body *body)
{
	struct sip_event ev = { .type = SIP_EV_FAILED, .method = "INVITE", .code = code, .body = body,
				.q850_cause = q850_cause };
	char what[24];
	snprintf(what, sizeof(what), "%d (ACK sent)", code);
	print_rx(dlg, what, body, q850_cause);
	if (!deliverable(dlg))
		return;
	emit(dlg, &ev);
	terminate(dlg);
}

void stub_sip_rx_prack(struct sip_dialog *dlg, const struct sip_body *body)
{
	struct sip_event ev = { .type = SIP_EV_PRACK, .method = "PRACK", .body = body };
	print_rx(dlg, "PRACK (200 sent)", body, 0);
	if (!deliverable(dlg))
		return;
	emit(dlg, &ev);
}

void stub_sip_rx_ack(struct sip_dialog *dlg, const struct sip_body *body)
{
	struct sip_event ev = { .type = SIP_EV_ACK, .method = "ACK", .body = body };
	print_rx(dlg, "ACK", body, 0);
	if (!deliverable(dlg))
		return;
	if (dlg->st != DLG_WAIT_ACK) {
		printf("(ACK ignored: no 2xx sent)\n");
		return;
	}
	dlg->st = DLG_CONFIRMED;
	emit(dlg, &ev);
	if (dlg->bye_pending && !dlg->terminated) {
		printf("sip TX BYE (held until the ACK) reason=Q.850;cause=%d\n", dlg->bye_cause);
		dlg->bye_pending = false;
		dlg->st = DLG_TERMINATING;
	}
}

void stub_sip_rx_cancel(struct sip_dialog *dlg, int q850_cause)
{
	struct sip_event ev = { .type = SIP_EV_CANCEL, .method = "CANCEL", .q850_cause = q850_cause };
	print_rx(dlg, "CANCEL", NULL, q850_cause);
	if (!deliverable(dlg))
		return;
	if (dlg->uac || dlg->st != DLG_PROCEEDING) {
		printf("sip TX 200 (CANCEL): no effect, final response already sent\n");
		return;
	}
	printf("sip TX 200 (CANCEL), 487 (INVITE)\n");
	emit(dlg, &ev);
	terminate(dlg);
}

void stub_sip_rx_bye(struct sip_dialog *dlg, int q850_cause, const struct sip_body *body)
{
	struct sip_event ev = { .type = SIP_EV_BYE, .method = "BYE", .q850_cause = q850_cause, .body = body };
	print_rx(dlg, "BYE", body, q850_cause);
	if (!deliverable(dlg))
		return;
	printf("sip TX 200 (BYE)\n");
	if (body && body->isup.present && dlg->bye_ok_isup_len)
		printf("  isup body: %s\n", osmo_hexdump_nospc(dlg->bye_ok_isup, dlg->bye_ok_isup_len));
	emit(dlg, &ev);
	terminate(dlg);
}

void stub_sip_rx_bye_ok(struct sip_dialog *dlg)
{
	print_rx(dlg, "200 (BYE)", NULL, 0);
	if (!deliverable(dlg))
		return;
	if (dlg->st == DLG_TERMINATING)
		terminate(dlg);
}

void stub_sip_rx_info(struct sip_dialog *dlg, const struct sip_body *body)
{
	struct sip_event ev = { .type = SIP_EV_INFO, .method = "INFO", .body = body };
	print_rx(dlg, "INFO (200 sent)", body, 0);
	if (!deliverable(dlg))
		return;
	emit(dlg, &ev);
}

/* the final response to our re-INVITE / INFO; 481 or 408 ends the dialog (RFC 3261 12.2.1.2):
 * BYE from the UA when confirmed, else at once (as sip_dialog_rx_response) */
void stub_sip_rx_response(struct sip_dialog *dlg, const char *method, int code)
{
	struct sip_event ev = { .type = SIP_EV_RESPONSE, .method = method, .code = code };
	char what[48];
	snprintf(what, sizeof(what), "%d (%s)", code, method);
	print_rx(dlg, what, NULL, 0);
	if (!deliverable(dlg))
		return;
	emit(dlg, &ev);
	if ((code != 481 && code != 408) || dlg->terminated)
		return;
	if (dlg->st == DLG_CONFIRMED) {
		printf("sip TX BYE (%d to an in-dialog request) reason=Q.850;cause=%d\n", code, code == 408 ? 102 : 41);
		dlg->st = DLG_TERMINATING;
	} else {
		terminate(dlg);
	}
}

/* as the UA: Timer B/F end the dialog; without an ACK for our 2xx it sends BYE itself
 * (RFC 3261 13.3.1.4), so it does when the session is not refreshed (RFC 4028 10), without a PRACK for our reliable 18x it answers 504 (RFC 3262 3) */
void stub_sip_rx_timeout(struct sip_dialog *dlg, enum sip_timeout_kind kind)
{
	struct sip_event ev = { .type = SIP_EV_TIMEOUT, .timeout = kind };
	static const char *const method[] = { [SIP_TO_TIMER_B] = "INVITE", [SIP_TO_TIMER_F] = "BYE",
					      [SIP_TO_PRACK] = "PRACK", [SIP_TO_ACK] = "ACK",
					      [SIP_TO_SESSION] = "BYE" };
	stub_media_flush();
	printf("sip timeout %s\n", sip_timeout_name(kind));
	if (!deliverable(dlg))
		return;
	ev.method = method[kind] ? method[kind] : "";
	emit(dlg, &ev);
	if (dlg->terminated)
		return;
	if (kind == SIP_TO_ACK || kind == SIP_TO_SESSION) {
		printf("sip TX BYE (%s) reason=Q.850;cause=102;location=LN\n",
		       kind == SIP_TO_ACK ? "no ACK" : "session expired");
		dlg->st = DLG_TERMINATING;
		return;
	}
	if (kind == SIP_TO_PRACK)
		printf("sip TX 504 (no PRACK) reason=Q.850;cause=102;location=LN\n");
	terminate(dlg);
}

/* prints the dialogs the IWF did not end, frees every handle */
unsigned int stub_sip_flow_end(void)
{
	struct sip_dialog *dlg, *d2;
	unsigned int held = 0;
	llist_for_each_entry_safe(dlg, d2, &dialogs, list) {
		if (!dlg->terminated) {
			printf("LEFT sip dialog %s not terminated\n", dlg->call_id);
			held++;
			continue;	/* the IWF may still use it */
		}
		llist_del(&dlg->list);
		talloc_free(dlg);
	}
	last_uac = NULL;
	return held;
}

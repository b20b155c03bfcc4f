/* Session timers (RFC 4028): Session-Expires / Min-SE in the INVITE and its 2xx, the refresher
 * choice, 422 Session Interval Too Small both ways, the refresh (re-INVITE with the same SDP, or
 * UPDATE when the peer allows it) at half the interval, and the expiry: BYE with Reason cause 102
 * and SIP_EV_TIMEOUT / SIP_TO_SESSION to the layer above.
 *
 * "uac"/"uas" in a refresher parameter name the UAC/UAS of the transaction that carries it
 * (RFC 4028 4): in a request we receive "uas" is us, in a response we receive "uac" is us. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <osmocom/core/utils.h>

#include "sip/sip_dialog_fsm.h"
#include "isup/q850.h"

#define ST_MIN_SE_DEFAULT 90	/* RFC 4028 5: Min-SE when the header is absent */

static const struct value_string refresher_names[] = {
	{ SIP_ST_REFRESHER_ANY, "any" },
	{ SIP_ST_REFRESHER_UAC, "uac" },
	{ SIP_ST_REFRESHER_UAS, "uas" },
	{ 0, NULL }
};

const char *sip_st_refresher_name(enum sip_st_refresher r)
{
	return get_value_string(refresher_names, r);
}

/* ---- headers ---- */

/* RFC 4028 4: Session-Expires (compact "x") = delta-seconds *(;se-params); 0 = absent */
static unsigned int parse_se(const osip_message_t *m, enum sip_st_refresher *ref)
{
	const char *v = sip_msg_header(m, "Session-Expires") ? : sip_msg_header(m, "x");
	const char *p;

	*ref = SIP_ST_REFRESHER_ANY;
	if (!v)
		return 0;
	for (p = strchr(v, ';'); p; p = strchr(p + 1, ';')) {
		const char *q = p + 1 + strspn(p + 1, " \t");
		if (strncasecmp(q, "refresher", 9))
			continue;
		q = strchr(q, '=');
		q = q ? q + 1 + strspn(q + 1, " \t") : "";
		if (!strncasecmp(q, "uac", 3))
			*ref = SIP_ST_REFRESHER_UAC;
		else if (!strncasecmp(q, "uas", 3))
			*ref = SIP_ST_REFRESHER_UAS;
	}
	return strtoul(v, NULL, 10);
}

/* RFC 4028 5: Min-SE, 0 = absent */
static unsigned int parse_min_se(const osip_message_t *m)
{
	const char *v = sip_msg_header(m, "Min-SE");
	return v ? strtoul(v, NULL, 10) : 0;
}

static void remove_header(osip_message_t *m, const char *name)
{
	osip_header_t *h;
	int pos;

	while ((pos = osip_message_header_get_byname(m, name, 0, &h)) >= 0) {
		osip_list_remove(&m->headers, pos);
		osip_header_free(h);
	}
}

static void add_se(osip_message_t *m, unsigned int se, const char *refresher)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%u%s%s", se, refresher ? ";refresher=" : "", refresher ? : "");
	osip_message_set_header(m, "Session-Expires", buf);
}

void sip_st_add_min_se(osip_message_t *m, unsigned int min_se)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", min_se);
	osip_message_set_header(m, "Min-SE", buf);
}

const char *sip_st_supported(const struct sip_trunk *trunk)
{
	bool rel = trunk->cfg.rel100 == SIP_100REL_SUPPORTED;

	if (!trunk->cfg.st_enabled)
		return rel ? "100rel" : "";
	return rel ? "100rel, timer" : "timer";
}

/* RFC 3261 20.5: UPDATE in Allow (libosip2 keeps Allow in its own list) */
static bool peer_allows_update(const osip_message_t *m)
{
	osip_allow_t *a;
	int pos = 0;

	while ((a = osip_list_get(&m->allows, pos++)))
		if (a->value && strstr(a->value, "UPDATE"))
			return true;
	return sip_msg_has_option_tag(m, "Allow", "UPDATE");
}

static bool peer_supports_timer(const osip_message_t *m)
{
	return sip_msg_has_option_tag(m, "Supported", "timer") || sip_msg_has_option_tag(m, "Require", "timer");
}

/* ---- the timer ---- */

/* RFC 4028 10: the refresher refreshes at half the interval; the other side (and the refresher
 * without an answer) ends the session at SE - min(32, SE/3) s */
static unsigned int expiry_ms(const struct sip_dialog *dlg)
{
	unsigned int se_ms = dlg->st.interval * 1000;
	return se_ms - OSMO_MIN(32000, se_ms / 3);
}

static void st_timer_cb(void *data)
{
	struct sip_dialog *dlg = data;

	/* a very short interval can end while our 2xx still waits for its ACK: look again later */
	if (sip_dialog_dispatch(dlg, SIP_DLG_EV_SESSION_TIMER, NULL) < 0 && !dlg->dead &&
	    sip_dialog_state(dlg) == SIP_DLG_S_WAIT_ACK)
		sip_dialog_timer_ms(&dlg->st.timer, 1000);
}

/* ms from now until the session expires (0 if it has) */
static unsigned int ms_to_expiry(const struct sip_dialog *dlg)
{
	struct timeval now, d;

	osmo_gettimeofday(&now, NULL);
	if (!timercmp(&now, &dlg->st.deadline, <))
		return 0;
	timersub(&dlg->st.deadline, &now, &d);
	return d.tv_sec * 1000 + d.tv_usec / 1000;
}

/* (re)start the session timer with the negotiated interval */
static void st_start(struct sip_dialog *dlg)
{
	struct sip_session_timer *st = &dlg->st;
	unsigned int exp = expiry_ms(dlg);
	struct timeval now, d = { exp / 1000, (exp % 1000) * 1000 };

	osmo_gettimeofday(&now, NULL);
	timeradd(&now, &d, &st->deadline);
	st->active = true;
	st->refreshing = false;
	osmo_timer_setup(&st->timer, st_timer_cb, dlg);
	sip_dialog_timer_ms(&st->timer, st->we_refresh ? st->interval * 500 : expiry_ms(dlg));
	LOGPFSML(dlg->fi, LOGL_INFO, "session timer %u s, refresher %s\n", st->interval,
		 st->we_refresh ? "us" : "peer");
}

void sip_st_stop(struct sip_dialog *dlg)
{
	osmo_timer_del(&dlg->st.timer);
	dlg->st.active = false;
}

/* ---- UAC: the INVITE and its responses ---- */

/* RFC 4028 7.1: Session-Expires (refresher as configured, none for "any") and Min-SE */
void sip_st_uac_invite(struct sip_dialog *dlg, osip_message_t *inv)
{
	const struct sip_trunk_cfg *c = &dlg->trunk->cfg;
	struct sip_session_timer *st = &dlg->st;

	if (!c->st_enabled)
		return;
	st->min_se = OSMO_MAX(st->min_se, c->st_min_se);
	add_se(inv, OSMO_MAX(c->st_expires, st->min_se),
	       c->st_refresher == SIP_ST_REFRESHER_ANY ? NULL : sip_st_refresher_name(c->st_refresher));
	sip_st_add_min_se(inv, st->min_se);
}

/* the stored INVITE again, as a new transaction: new branch, next CSeq, our new Min-SE */
static osip_message_t *invite_again(struct sip_dialog *dlg)
{
	osip_message_t *m;
	osip_via_t *via;
	char buf[32];

	if (sip_msg_clone(dlg->invite, &m) != 0)
		return NULL;
	while ((via = osip_list_get(&m->vias, 0))) {
		osip_list_remove(&m->vias, 0);
		osip_via_free(via);
	}
	sip_msg_add_via(dlg->trunk, m, dlg->ua);
	dlg->invite_cseq = ++dlg->local_cseq;
	snprintf(buf, sizeof(buf), "%u", dlg->invite_cseq);
	osip_free(m->cseq->number);
	osip_cseq_set_number(m->cseq, osip_strdup(buf));
	remove_header(m, "Session-Expires");
	remove_header(m, "x");
	remove_header(m, "Min-SE");
	sip_st_uac_invite(dlg, m);
	osip_message_force_update(m);
	return m;
}

/* RFC 4028 7.4: 422 - the INVITE once more with the Min-SE of the 422, a new INVITE transaction
 * of the same dialog attempt. 0 if it went out (the 422 is not reported). */
int sip_st_uac_rx_422(struct sip_dialog *dlg, const osip_message_t *resp)
{
	struct sip_session_timer *st = &dlg->st;
	unsigned int min_se = parse_min_se(resp);
	osip_message_t *m;
	struct sip_tx *tx;

	if (!dlg->trunk->cfg.st_enabled || st->retried_422 || !min_se || !dlg->invite || dlg->cancelled ||
	    dlg->cancel_pending)
		return -1;
	st->retried_422 = true;
	st->min_se = OSMO_MAX(st->min_se, min_se);
	m = invite_again(dlg);
	if (!m)
		return -1;
	osip_message_free(dlg->invite);
	sip_msg_clone(m, &dlg->invite);
	dlg->got_provisional = false;
	tx = sip_tx_alloc(dlg->ua, dlg->trunk, SIP_TX_INVITE);
	sip_tx_set_dlg(tx, dlg);
	tx->dst = dlg->peer;
	tx->conn = dlg->conn;
	if (sip_dialog_state(dlg) != SIP_DLG_S_CALLING)
		osmo_fsm_inst_state_chg(dlg->fi, SIP_DLG_S_CALLING, 0, 0);
	LOGPFSML(dlg->fi, LOGL_INFO, "422: INVITE again with Min-SE %u\n", st->min_se);
	if (sip_tx_start_client(tx, m) < 0)
		return -1;
	dlg->inv_tr = tx->tr;
	return 0;
}

/* RFC 4028 7.2: the 2xx's Session-Expires is the interval; without one there is no timer */
void sip_st_uac_rx_2xx(struct sip_dialog *dlg, const osip_message_t *resp)
{
	struct sip_session_timer *st = &dlg->st;
	enum sip_st_refresher ref;
	unsigned int se;

	if (!dlg->trunk->cfg.st_enabled)
		return;
	st->peer_timer = peer_supports_timer(resp);
	st->peer_update = peer_allows_update(resp);
	se = parse_se(resp, &ref);
	if (!se)
		return;
	st->interval = se;
	st->we_refresh = ref != SIP_ST_REFRESHER_UAS;
	st_start(dlg);
}

/* ---- UAS: the INVITE and our 2xx ---- */

/* RFC 4028 8.1 / 9: a Session-Expires below our Min-SE is answered 422 with our Min-SE */
int sip_st_check_request(const struct sip_trunk *trunk, const osip_message_t *req, unsigned int *min_se)
{
	enum sip_st_refresher ref;
	unsigned int se = parse_se(req, &ref);

	if (!trunk->cfg.st_enabled || !se || se >= trunk->cfg.st_min_se)
		return 0;
	*min_se = trunk->cfg.st_min_se;
	return 422;
}

void sip_st_uas_rx_invite(struct sip_dialog *dlg, const osip_message_t *inv)
{
	struct sip_session_timer *st = &dlg->st;

	if (!dlg->trunk->cfg.st_enabled)
		return;
	st->req_se = parse_se(inv, &st->req_refresher);
	st->req_min_se = parse_min_se(inv) ? : ST_MIN_SE_DEFAULT;
	st->peer_timer = peer_supports_timer(inv);
	st->peer_update = peer_allows_update(inv);
}

/* RFC 4028 9: the refresher - the INVITE's choice, else ours (a UAC without "timer" cannot) */
static enum sip_st_refresher uas_refresher(const struct sip_dialog *dlg)
{
	const struct sip_session_timer *st = &dlg->st;

	if (!st->peer_timer)
		return SIP_ST_REFRESHER_UAS;
	if (st->req_refresher != SIP_ST_REFRESHER_ANY)
		return st->req_refresher;
	return dlg->trunk->cfg.st_refresher == SIP_ST_REFRESHER_UAS ? SIP_ST_REFRESHER_UAS : SIP_ST_REFRESHER_UAC;
}

/* RFC 4028 9: Session-Expires with the refresher in our 2xx (the interval lowered to ours, never
 * below a Min-SE), Require: timer when the UAC supports it; the timer starts */
void sip_st_uas_2xx(struct sip_dialog *dlg, osip_message_t *resp)
{
	const struct sip_trunk_cfg *c = &dlg->trunk->cfg;
	struct sip_session_timer *st = &dlg->st;
	enum sip_st_refresher ref;

	if (!c->st_enabled || (!st->req_se && !st->peer_timer))
		return;
	st->interval = st->req_se ? : c->st_expires;
	if (c->st_expires < st->interval)
		st->interval = OSMO_MAX(c->st_expires, OSMO_MAX(st->req_min_se, c->st_min_se));
	ref = uas_refresher(dlg);
	st->we_refresh = ref == SIP_ST_REFRESHER_UAS;
	osip_message_set_supported(resp, sip_st_supported(dlg->trunk));
	add_se(resp, st->interval, sip_st_refresher_name(ref));
	if (st->peer_timer)
		osip_message_set_require(resp, "timer");
	st_start(dlg);
}

/* ---- refreshes ---- */

/* RFC 4028 10: every re-INVITE/UPDATE of ours in a session with a timer refreshes it and says so:
 * Supported: timer, Session-Expires with the refresher kept (we send it: we are "uac"), Min-SE */
void sip_st_add_request_headers(struct sip_dialog *dlg, osip_message_t *m)
{
	struct sip_session_timer *st = &dlg->st;

	if (!st->active)
		return;
	osip_message_set_supported(m, "timer");
	add_se(m, st->interval, st->we_refresh ? "uac" : "uas");
	sip_st_add_min_se(m, OSMO_MAX(st->min_se, dlg->trunk->cfg.st_min_se));
}

/* RFC 4028 10: re-INVITE with the SDP of the session unchanged (same version), or UPDATE without
 * a body when the peer allows it; we send it, so refresher=uac */
static int send_refresh(struct sip_dialog *dlg)
{
	struct sip_session_timer *st = &dlg->st;
	bool upd = st->peer_update || !dlg->has_local_sdp;
	osip_message_t *m;

	if (dlg->reinv_tr)
		return 0;	/* an offer of ours is out: its 2xx refreshes the session */
	m = sip_msg_new_request(dlg, upd ? "UPDATE" : "INVITE", ++dlg->local_cseq);
	if (!m)
		return -1;
	sip_msg_add_contact(dlg->trunk, m, "gw");
	sip_st_add_request_headers(dlg, m);
	if (!upd)
		sip_msg_set_body(dlg->trunk, m, &dlg->local_sdp, NULL, 0);
	st->refresh_cseq = dlg->local_cseq;
	LOGPFSML(dlg->fi, LOGL_INFO, "session refresh by %s\n", upd ? "UPDATE" : "re-INVITE");
	sip_dialog_send_in_dialog(dlg, m, upd ? SIP_TX_UPDATE : SIP_TX_REINVITE);
	return 0;
}

/* RFC 4028 10: no refresh in time - BYE with Reason cause 102, then the layer above is told */
static void expire(struct sip_dialog *dlg)
{
	struct sip_event ev = { .type = SIP_EV_TIMEOUT, .method = "BYE", .timeout = SIP_TO_SESSION };

	LOGPFSML(dlg->fi, LOGL_NOTICE, "session timer expired: BYE\n");
	sip_dialog_send_timeout_bye(dlg, "LN");
	sip_dialog_emit(dlg, &ev);
}

/* Confirmed: the session timer fired - refresh (the refresher's first firing) or expiry */
void sip_st_timer_event(struct sip_dialog *dlg)
{
	struct sip_session_timer *st = &dlg->st;

	if (!st->active)
		return;
	if (st->we_refresh && !st->refreshing && ms_to_expiry(dlg) && send_refresh(dlg) == 0) {
		st->refreshing = true;
		sip_dialog_timer_ms(&st->timer, ms_to_expiry(dlg));
		return;
	}
	expire(dlg);
}

/* RFC 3261 14.1: 491 to our refresh - again after 2.1-4 s (we own the Call-ID: the dialog's UAC)
 * or 0-2 s, if the session lasts that long */
static void refresh_again(struct sip_dialog *dlg)
{
	uint32_t r = sip_ua_random(dlg->ua);
	unsigned int ms = dlg->is_uac ? 2100 + r % 1900 : r % 2000;

	dlg->st.refreshing = false;
	if (ms < ms_to_expiry(dlg))
		sip_dialog_timer_ms(&dlg->st.timer, ms);
}

/* msg is our refresh request still awaiting its answer */
bool sip_st_is_refresh(const struct sip_dialog *dlg, const osip_message_t *msg)
{
	return msg && msg->cseq && dlg->st.refresh_cseq &&
	       strtoul(msg->cseq->number, NULL, 10) == dlg->st.refresh_cseq;
}

/* A 2xx to a re-INVITE/UPDATE of ours refreshes the session (its Session-Expires may change the
 * interval and refresher). true if resp answers our refresh request (not for the layer above). */
bool sip_st_rx_response(struct sip_dialog *dlg, const osip_message_t *resp)
{
	struct sip_session_timer *st = &dlg->st;
	bool ours = sip_st_is_refresh(dlg, resp);
	enum sip_st_refresher ref;
	unsigned int se;

	if (ours)
		st->refresh_cseq = 0;
	if (ours && st->active && resp->status_code == 491)
		refresh_again(dlg);
	if (!st->active || resp->status_code >= 300)
		return ours;
	se = parse_se(resp, &ref);
	if (se) {
		st->interval = se;
		st->we_refresh = ref != SIP_ST_REFRESHER_UAS;
	}
	st_start(dlg);
	return ours;
}

/* A re-INVITE/UPDATE of the peer answered 2xx (resp): a refresh (RFC 4028 10) - Session-Expires
 * and Require: timer in the 2xx, the timer restarts */
void sip_st_rx_refresh(struct sip_dialog *dlg, const osip_message_t *req, osip_message_t *resp)
{
	struct sip_session_timer *st = &dlg->st;
	enum sip_st_refresher ref;
	unsigned int se;

	if (!st->active)
		return;
	se = parse_se(req, &ref);
	if (se) {
		st->interval = se;	/* not below our Min-SE: sip_st_check_request() before */
		st->we_refresh = ref == SIP_ST_REFRESHER_UAS;
	}
	add_se(resp, st->interval, st->we_refresh ? "uas" : "uac");
	if (peer_supports_timer(req))
		osip_message_set_require(resp, "timer");
	st_start(dlg);
}

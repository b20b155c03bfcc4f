/* The UA: libosip2 transaction layer driven from the osmo select loop, message intake. */
#include <errno.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <arpa/inet.h>
#include <sys/random.h>
#include <talloc.h>
#include <osip2/osip_time.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/talloc.h>

#include "sip/sip_internal.h"

static struct osmo_tdef sip_tdefs_template[] = {
	{ .T = SIP_T1, .default_val = 500, .unit = OSMO_TDEF_MS, .desc = "RFC 3261 T1: RTT estimate" },
	{ .T = SIP_T2, .default_val = 4000, .unit = OSMO_TDEF_MS, .desc = "RFC 3261 T2: max retransmit interval" },
	{ .T = SIP_T4, .default_val = 5000, .unit = OSMO_TDEF_MS, .desc = "RFC 3261 T4: max message lifetime" },
	{ .T = SIP_TB, .default_val = 0, .unit = OSMO_TDEF_MS,
	  .desc = "Timer B/F: transaction timeout (0: 64*T1)" },
	{ .T = SIP_TPRACK, .default_val = 0, .unit = OSMO_TDEF_MS,
	  .desc = "RFC 3262: reliable 18x unPRACKed timeout (0: 64*T1)" },
	{ .T = SIP_TACK, .default_val = 0, .unit = OSMO_TDEF_MS, .desc = "2xx unACKed timeout (0: 64*T1)" },
	{ .T = SIP_TCP_IDLE, .default_val = 0, .unit = OSMO_TDEF_S, .desc = "reserved: TCP idle close (0: never)" },
	{}
};

unsigned int sip_t1_ms(struct sip_ua *ua)
{
	unsigned long v = osmo_tdef_get(ua->tdefs, SIP_T1, OSMO_TDEF_MS, 500);
	return v ? v : 1;
}

unsigned int sip_t2_ms(struct sip_ua *ua)
{
	return osmo_tdef_get(ua->tdefs, SIP_T2, OSMO_TDEF_MS, 4000);
}

unsigned int sip_64t1_ms(struct sip_ua *ua, enum sip_timer t)
{
	unsigned long v = osmo_tdef_get(ua->tdefs, t, OSMO_TDEF_MS, 0);
	return v ? v : 64 * sip_t1_ms(ua);
}

uint32_t sip_ua_random(struct sip_ua *ua)
{
	uint32_t r;
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = random() ^ (++ua->id_counter << 16);
	return r;
}

/* ---------------------------------------------------------------------------------------- */
/* transactions */

struct sip_tx *sip_tx_alloc(struct sip_ua *ua, struct sip_trunk *trunk, enum sip_tx_kind kind)
{
	struct sip_tx *tx = talloc_zero(ua, struct sip_tx);
	tx->ua = ua;
	tx->trunk = trunk;
	tx->kind = kind;
	sip_tx_init(tx);
	llist_add_tail(&tx->list, &ua->txs);
	return tx;
}

static void tv_in(struct timeval *tv, int ms)
{
	osip_gettimeofday(tv, NULL);
	add_gettimeofday(tv, ms);
}

/* Apply the configured T1/T2/T4 and Timer B/F to a fresh libosip2 transaction (its own
 * defaults are compile-time constants). Reliable transports: no retransmission timers. */
void sip_tx_set_timers(struct sip_ua *ua, osip_transaction_t *tr)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	bool reliable = tx && tx->trunk && tx->trunk->cfg.transport == SIP_TRANSPORT_TCP;
	int t1 = sip_t1_ms(ua);
	int t4 = osmo_tdef_get(ua->tdefs, SIP_T4, OSMO_TDEF_MS, 5000);
	int tb = sip_64t1_ms(ua, SIP_TB);

	switch (tr->ctx_type) {
	case ICT:
		if (reliable) {
			tr->ict_context->timer_a_length = -1;
			tr->ict_context->timer_a_start.tv_sec = -1;
			tr->ict_context->timer_d_length = 0;
		} else {
			tr->ict_context->timer_a_length = t1;
			tv_in(&tr->ict_context->timer_a_start, t1);
			tr->ict_context->timer_d_length = t1 >= 500 ? 32000 : 64 * t1;
		}
		tr->ict_context->timer_b_length = tb;
		tv_in(&tr->ict_context->timer_b_start, tb);
		break;
	case NICT:
		if (reliable) {
			tr->nict_context->timer_e_length = -1;
			tr->nict_context->timer_e_start.tv_sec = -1;
			tr->nict_context->timer_k_length = 0;
		} else {
			tr->nict_context->timer_e_length = t1;
			tv_in(&tr->nict_context->timer_e_start, t1);
			tr->nict_context->timer_k_length = t4;
		}
		tr->nict_context->timer_f_length = tb;
		tv_in(&tr->nict_context->timer_f_start, tb);
		break;
	case IST:
		tr->ist_context->timer_g_length = reliable ? -1 : t1;
		tr->ist_context->timer_h_length = 64 * t1;
		tr->ist_context->timer_i_length = reliable ? 0 : t4;
		break;
	case NIST:
		tr->nist_context->timer_j_length = reliable ? 0 : 64 * t1;
		break;
	}
}

/* Start a client transaction (ICT/NICT) for req, which it takes over. */
int sip_tx_start_client(struct sip_tx *tx, osip_message_t *req)
{
	osip_transaction_t *tr;
	osip_event_t *ev;
	int rc;

	rc = osip_transaction_init(&tr, MSG_IS_INVITE(req) ? ICT : NICT, tx->ua->osip, req);
	if (rc != 0) {
		osip_message_free(req);
		sip_tx_free(tx);
		return -EINVAL;
	}
	tx->tr = tr;
	osip_transaction_set_your_instance(tr, tx);
	sip_tx_register(tx);
	sip_tx_set_timers(tx->ua, tr);
	ev = osip_new_outgoing_sipmessage(req);
	ev->transactionid = tr->transactionid;
	sip_tx_add_event(tr, ev);
	sip_ua_pump(tx->ua);
	return 0;
}

/* libosip2 wants to send: use the transaction's trunk, connection and destination */
static int cb_send_message(osip_transaction_t *tr, osip_message_t *msg, char *host, int port, int sock)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	int rc;

	if (!tx || !tx->trunk)
		return -1;
	rc = sip_send_msg(tx->trunk, &tx->conn, &tx->dst, msg);
	if (tx->dlg && tx->conn && !tx->dlg->conn)
		tx->dlg->conn = tx->conn;
	return rc < 0 ? -1 : 0;
}

/* ---- callbacks from the transaction state machines ---- */

static void cb_ict_response(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	if (!tx)
		return;
	if (tx->kind == SIP_TX_INVITE && tx->dlg)
		sip_dialog_rx_invite_response(tx->dlg, msg, type == OSIP_ICT_STATUS_2XX_RECEIVED_AGAIN);
	else if (type != OSIP_ICT_STATUS_1XX_RECEIVED)
		sip_dialog_rx_response(tx, msg);
}

static void cb_nict_response(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	if (!tx || type == OSIP_NICT_STATUS_1XX_RECEIVED || type == OSIP_NICT_STATUS_2XX_RECEIVED_AGAIN ||
	    type == OSIP_NICT_STATUS_3456XX_RECEIVED_AGAIN)
		return;
	if (tx->kind == SIP_TX_OPTIONS) {
		sip_trunk_options_rx_response(tx->trunk, msg->status_code);
		return;
	}
	sip_dialog_rx_response(tx, msg);
}

static void cb_timeout(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	if (!tx)
		return;
	LOGP(DSIP, LOGL_NOTICE, "transaction %d timed out (%s)\n", tr->transactionid,
	     type == OSIP_ICT_STATUS_TIMEOUT ? "Timer B" : "Timer F");
	if (tx->kind == SIP_TX_OPTIONS) {
		sip_trunk_options_rx_response(tx->trunk, 0);
		return;
	}
	sip_dialog_tx_timeout(tx);
}

static void respond_options(struct sip_trunk *trunk, osip_transaction_t *tr)
{
	osip_message_t *r = sip_msg_new_response(trunk, tr->orig_request, 200, NULL);
	char tag[16];
	osip_generic_param_t *t = NULL;
	if (!r)
		return;
	osip_to_get_tag(r->to, &t);
	if (!t) {
		snprintf(tag, sizeof(tag), "%08x", sip_ua_random(trunk->ua));
		osip_to_set_tag(r->to, osip_strdup(tag));
	}
	/* RFC 3261 11.2 */
	osip_message_set_allow(r, "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, PRACK, UPDATE");
	osip_message_set_accept(r, "application/sdp, application/ISUP, multipart/mixed");
	osip_message_set_supported(r, trunk->cfg.rel100 == SIP_100REL_DISABLED ? "" : "100rel");
	sip_tx_respond(tr, r);
}

static void cb_request(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	struct sip_trunk *trunk = tx ? tx->trunk : NULL;
	struct sip_dialog *dlg;

	if (!trunk)
		return;
	if (type == OSIP_IST_INVITE_RECEIVED) {
		osip_generic_param_t *tag = NULL;
		osip_to_get_tag(msg->to, &tag);
		if (!tag) {
			sip_dialog_rx_invite(trunk, tr, msg);
			return;
		}
		/* re-INVITE (RFC 3261 14.2) */
		dlg = sip_dialog_find(trunk->ua, msg, false);
		if (!dlg) {
			sip_respond_simple(trunk, tr, 481, NULL, NULL);
			return;
		}
		sip_tx_set_dlg(tx, dlg);
		sip_dialog_rx_request(dlg, tr, msg);
		return;
	}
	if (MSG_IS_OPTIONS(msg)) {
		dlg = sip_dialog_find(trunk->ua, msg, false);
		respond_options(trunk, tr);
		return;
	}
	if (MSG_IS_CANCEL(msg)) {
		/* RFC 3261 9.2: match the INVITE server transaction by its top Via branch */
		struct sip_dialog *d;
		osip_generic_param_t *b1 = NULL;
		char cidbuf[256];
		osip_via_t *v1 = osip_list_get(&msg->vias, 0);
		if (v1)
			osip_via_param_get_byname(v1, "branch", &b1);
		const char *cid = sip_call_id_str(msg, cidbuf, sizeof(cidbuf)) ?: "";
		sip_dialog_for_each_call_id(d, trunk->ua, cid) {
			osip_via_t *v2;
			osip_generic_param_t *b2 = NULL;
			if (d->is_uac || !d->invite)
				continue;
			v2 = osip_list_get(&d->invite->vias, 0);
			if (v2)
				osip_via_param_get_byname(v2, "branch", &b2);
			if (b1 && b2 && b1->gvalue && b2->gvalue && !strcmp(b1->gvalue, b2->gvalue)) {
				sip_tx_set_dlg(tx, d);
				sip_dialog_rx_request(d, tr, msg);
				return;
			}
		}
		sip_respond_simple(trunk, tr, 481, NULL, NULL);
		return;
	}
	if (MSG_IS_BYE(msg) || MSG_IS_INFO(msg) || MSG_IS_PRACK(msg) || MSG_IS_UPDATE(msg)) {
		dlg = sip_dialog_find(trunk->ua, msg, false);
		if (!dlg) {
			/* RFC 3261 12.2.2 */
			sip_respond_simple(trunk, tr, 481, NULL, NULL);
			return;
		}
		sip_tx_set_dlg(tx, dlg);
		sip_dialog_rx_request(dlg, tr, msg);
		return;
	}
	if (MSG_IS_REGISTER(msg) || MSG_IS_SUBSCRIBE(msg) || MSG_IS_NOTIFY(msg) || MSG_IS_MESSAGE(msg) ||
	    MSG_IS_REFER(msg) || MSG_IS_PUBLISH(msg)) {
		osip_message_t *r = sip_msg_new_response(trunk, tr->orig_request, 405, "gw");
		if (r) {
			osip_message_set_allow(r, "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, PRACK, UPDATE");
			sip_tx_respond(tr, r);
		}
		return;
	}
	/* RFC 3261 8.2.1 */
	sip_respond_simple(trunk, tr, 501, NULL, NULL);
}

static void cb_kill(int type, osip_transaction_t *tr)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	if (!tx) {
		/* not ours (should not happen): still free it later */
		tx = sip_tx_alloc(osip_get_application_context(tr->config), NULL, SIP_TX_SERVER);
		tx->tr = tr;
		osip_transaction_set_your_instance(tr, tx);
	}
	tx->dead = true;
	llist_move(&tx->list, &tx->ua->dead_txs);
	sip_dialog_tx_terminated(tx);
	sip_ua_schedule_reap(tx->ua);
}

static void cb_transport_error(int type, osip_transaction_t *tr, int error)
{
	LOGP(DSIP, LOGL_NOTICE, "transaction %d: transport error %d\n", tr->transactionid, error);
}

/* ---------------------------------------------------------------------------------------- */
/* pump and timers */

static void reap_cb(void *data)
{
	struct sip_ua *ua = data;
	struct sip_tx *tx, *tx2;

	/* only the ended ones: the live ones can be many (Timer D/K/J keep them up to 32 s); dialogs
	 * end by their FSM (sip_dialog.c) */
	llist_for_each_entry_safe(tx, tx2, &ua->dead_txs, list)
		sip_tx_free(tx);
}

void sip_ua_schedule_reap(struct sip_ua *ua)
{
	if (!osmo_timer_pending(&ua->reap_timer))
		osmo_timer_schedule(&ua->reap_timer, 0, 0);
}

void sip_conn_forget(struct sip_ua *ua, struct sip_conn *conn)
{
	struct sip_tx *tx;
	struct sip_dialog *d;
	llist_for_each_entry(tx, &ua->txs, list)
		if (tx->conn == conn)
			tx->conn = NULL;
	llist_for_each_entry(tx, &ua->dead_txs, list)
		if (tx->conn == conn)
			tx->conn = NULL;
	llist_for_each_entry(d, &ua->dialogs, list)
		if (d->conn == conn)
			d->conn = NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* intake: sanity checks (RFC 3261 16.3/18.3 style), ACL, transaction matching */

static void respond_stateless(struct sip_trunk *trunk, struct sip_conn *conn, const struct sockaddr_in *src,
			      osip_message_t *req, int code, const char *warning)
{
	osip_message_t *r;
	struct sip_conn *c = conn;

	if (MSG_IS_ACK(req))
		return;
	r = sip_msg_new_response(trunk, req, code, "gw-sl");
	if (!r)
		return;
	if (warning) {
		char w[256];
		snprintf(w, sizeof(w), "399 %s \"%s\"", trunk->cfg.listen_addr, warning);
		osip_message_set_header(r, "Warning", w);
	}
	sip_send_msg(trunk, &c, src, r);
	osip_message_free(r);
}

/* Returns -1 if the Content-Length header is malformed or larger than the body present, else the
 * number of octets that make up the message (body cut to Content-Length). */
static ssize_t check_content_length(const char *buf, size_t len, bool stream)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4);
	size_t hlen, blen;
	const char *p;
	long cl = -1;

	if (!end)
		return len;	/* no body separator: let the parser decide */
	hlen = end - buf + 4;
	blen = len - hlen;
	for (p = buf; p < end; ) {
		const char *eol = memmem(p, end + 2 - p, "\r\n", 2);
		const char *colon;
		if (!eol)
			break;
		colon = memchr(p, ':', eol - p);
		if (colon) {
			size_t nlen = colon - p;
			while (nlen && (p[nlen - 1] == ' ' || p[nlen - 1] == '\t'))
				nlen--;
			if ((nlen == 14 && !strncasecmp(p, "Content-Length", 14)) ||
			    (nlen == 1 && (*p == 'l' || *p == 'L'))) {
				const char *v = colon + 1;
				char *e;
				while (v < eol && (*v == ' ' || *v == '\t'))
					v++;
				if (v == eol || !isdigit((unsigned char)*v))
					return -1;
				cl = strtol(v, &e, 10);
				while (e < eol && (*e == ' ' || *e == '\t'))
					e++;
				if (e != eol || cl < 0)
					return -1;
			}
		}
		p = eol + 2;
	}
	if (cl < 0)
		return stream ? (ssize_t)hlen : (ssize_t)len;	/* RFC 3261 18.3: UDP may omit it */
	if ((size_t)cl > blen)
		return -1;
	return hlen + cl;
}

/* Request-Line / Status-Line syntax (RFC 3261 7.1/7.2) */
static int check_start_line(const char *buf, size_t len, bool *is_request)
{
	const char *eol = memmem(buf, len, "\r\n", 2);
	const char *sp1, *sp2;
	size_t l;

	if (!eol)
		return -1;
	l = eol - buf;
	if (l >= 8 && !strncmp(buf, "SIP/2.0 ", 8)) {
		*is_request = false;
		if (l < 11 || !isdigit((unsigned char)buf[8]) || !isdigit((unsigned char)buf[9]) ||
		    !isdigit((unsigned char)buf[10]) || buf[8] < '1' || buf[8] > '6')
			return -1;
		return 0;
	}
	*is_request = true;
	sp1 = memchr(buf, ' ', l);
	if (!sp1 || sp1 == buf)
		return -1;
	for (const char *p = buf; p < sp1; p++)
		if (!isalpha((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.' && *p != '!' && *p != '%' &&
		    *p != '*' && *p != '+' && *p != '`' && *p != '\'' && *p != '~')
			return -1;
	sp2 = memchr(sp1 + 1, ' ', eol - sp1 - 1);
	if (!sp2 || sp2 == sp1 + 1)
		return -1;
	if ((size_t)(eol - sp2 - 1) != 7 || strncmp(sp2 + 1, "SIP/2.0", 7))
		return -2;	/* 505 candidate, treated as malformed */
	return 0;
}

static const char *missing_header(const osip_message_t *m)
{
	if (osip_list_size(&m->vias) <= 0)
		return "Via";
	if (!m->from || !m->from->url)
		return "From";
	if (!m->to || !m->to->url)
		return "To";
	if (!m->call_id || !m->call_id->number)
		return "Call-ID";
	if (!m->cseq || !m->cseq->number || !m->cseq->method)
		return "CSeq";
	return NULL;
}

/* Copy of the header part without the body-describing headers, to answer 400 to a request whose
 * body does not parse. */
static char *headers_without_body(const char *buf, size_t hlen)
{
	char *out = malloc(hlen + 1);
	size_t o = 0;
	const char *p = buf, *end = buf + hlen;

	if (!out)
		return NULL;
	while (p < end) {
		const char *eol = memmem(p, end - p, "\r\n", 2);
		size_t l = eol ? (size_t)(eol - p) + 2 : (size_t)(end - p);
#define HAS_PREFIX(x) (l >= sizeof(x) - 1 && !strncasecmp(p, x, sizeof(x) - 1))
		if (!(HAS_PREFIX("Content-Type:") || HAS_PREFIX("c:") || HAS_PREFIX("Content-Length:") ||
		      HAS_PREFIX("l:") || HAS_PREFIX("MIME-Version:"))) {
#undef HAS_PREFIX
			memcpy(out + o, p, l);
			o += l;
		}
		p += l;
	}
	out[o] = '\0';
	return out;
}

/* RFC 3581 4: received / rport on the top Via */
static void via_add_received(osip_message_t *m, const struct sockaddr_in *src)
{
	osip_via_t *via = osip_list_get(&m->vias, 0);
	osip_generic_param_t *rport = NULL;
	char ip[INET_ADDRSTRLEN], port[8];

	if (!via)
		return;
	inet_ntop(AF_INET, &src->sin_addr, ip, sizeof(ip));
	if (!via->host || strcmp(via->host, ip))
		osip_via_set_received(via, osip_strdup(ip));
	osip_via_param_get_byname(via, "rport", &rport);
	if (rport) {
		snprintf(port, sizeof(port), "%u", ntohs(src->sin_port));
		osip_free(rport->gvalue);
		rport->gvalue = osip_strdup(port);
	}
}

void sip_ua_rx_msg(struct sip_trunk *trunk, struct sip_conn *conn, const struct sockaddr_in *src,
		   const char *buf, size_t len)
{
	struct sip_ua *ua = trunk->ua;
	osip_message_t *m = NULL;
	osip_event_t *ev;
	bool is_request = false, acl_ok;
	ssize_t mlen;
	int rc;
	const char *miss;
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &src->sin_addr, ip, sizeof(ip));
	/* RFC 5626 4.4.1 keep-alive (CRLF) or stray whitespace */
	while (len && (*buf == '\r' || *buf == '\n')) {
		buf++;
		len--;
	}
	if (len == 0)
		return;
	LOGP(DSIP, LOGL_DEBUG, "trunk %s: RX from %s:%u:\n%.*s\n", trunk->name, ip, ntohs(src->sin_port),
	     (int)len, buf);

	acl_ok = sip_trunk_acl_permits(trunk, src);
	if (!acl_ok && trunk->cfg.acl_action == SIP_ACL_DROP) {
		LOGP(DSIP, LOGL_NOTICE, "trunk %s: dropping message from %s (ACL)\n", trunk->name, ip);
		sip_trunk_ctr_inc(trunk, SIP_TRUNK_CTR_ACL_DROPPED);
		return;
	}
	rc = check_start_line(buf, len, &is_request);
	if (rc < 0) {
		LOGP(DSIP, LOGL_NOTICE, "trunk %s: dropping message with bad start line from %s\n", trunk->name, ip);
		return;
	}
	mlen = check_content_length(buf, len, conn != NULL);

	if (osip_message_init(&m) != 0)
		return;
	if (osip_message_parse(m, buf, mlen < 0 ? len : (size_t)mlen) != 0) {
		/* the body may be what is broken (e.g. multipart without boundary): if the header part
		 * alone parses, answer 400 (RFC 3261 8.2.6), else drop */
		const char *end = memmem(buf, len, "\r\n\r\n", 4);
		osip_message_free(m);
		m = NULL;
		char *hdrs = end ? headers_without_body(buf, end - buf + 4) : NULL;
		if (is_request && hdrs && osip_message_init(&m) == 0 &&
		    osip_message_parse(m, hdrs, strlen(hdrs)) == 0 && MSG_IS_REQUEST(m) && !MSG_IS_ACK(m) &&
		    acl_ok && !missing_header(m)) {
			LOGP(DSIP, LOGL_NOTICE, "trunk %s: malformed body from %s: 400\n", trunk->name, ip);
			respond_stateless(trunk, conn, src, m, 400, "Malformed message body");
		} else {
			LOGP(DSIP, LOGL_NOTICE, "trunk %s: dropping unparseable message from %s\n", trunk->name, ip);
		}
		if (m)
			osip_message_free(m);
		free(hdrs);
		return;
	}
	if (!MSG_IS_REQUEST(m) && !MSG_IS_RESPONSE(m)) {
		osip_message_free(m);
		return;
	}
	sip_stats_msg(trunk, m, false);
	miss = missing_header(m);
	if (MSG_IS_RESPONSE(m)) {
		if (miss || !acl_ok) {
			LOGP(DSIP, LOGL_NOTICE, "trunk %s: dropping response from %s (%s)\n", trunk->name, ip,
			     miss ? "missing header" : "ACL");
			if (!acl_ok)
				sip_trunk_ctr_inc(trunk, SIP_TRUNK_CTR_ACL_DROPPED);
			osip_message_free(m);
			return;
		}
	} else {
		if (!m->sip_method || !m->req_uri || !m->req_uri->scheme) {
			osip_message_free(m);
			return;
		}
		if (miss) {
			char w[64];
			LOGP(DSIP, LOGL_NOTICE, "trunk %s: %s from %s lacks %s\n", trunk->name, m->sip_method, ip, miss);
			snprintf(w, sizeof(w), "Missing %s header", miss);
			/* RFC 3261 8.2.6 / 18.2.1: 400 - without a Via it cannot be routed: drop */
			if (strcmp(miss, "Via"))
				respond_stateless(trunk, conn, src, m, 400, w);
			osip_message_free(m);
			return;
		}
		via_add_received(m, src);
		if (!acl_ok && MSG_IS_ACK(m)) {
			/* nothing to answer (e.g. the ACK of our 403) */
			sip_trunk_ctr_inc(trunk, SIP_TRUNK_CTR_ACL_DROPPED);
			osip_message_free(m);
			return;
		}
		if (!acl_ok) {
			LOGP(DSIP, LOGL_NOTICE, "trunk %s: rejecting %s from %s (ACL)\n", trunk->name, m->sip_method, ip);
			/* RFC 3261 21.4.4 */
			respond_stateless(trunk, conn, src, m, 403, "Source not permitted");
			sip_trunk_ctr_inc(trunk, SIP_TRUNK_CTR_ACL_REJECTED);
			osip_message_free(m);
			return;
		}
		if (mlen < 0) {
			respond_stateless(trunk, conn, src, m, 400, "Bad Content-Length");
			osip_message_free(m);
			return;
		}
		if (strcasecmp(m->cseq->method, m->sip_method) &&
		    !(MSG_IS_ACK(m) && !strcasecmp(m->cseq->method, "INVITE"))) {
			respond_stateless(trunk, conn, src, m, 400, "CSeq method mismatch");
			osip_message_free(m);
			return;
		}
		{
			char *e;
			unsigned long n = strtoul(m->cseq->number, &e, 10);
			if (*e || e == m->cseq->number || n > 0x7fffffffUL) {
				respond_stateless(trunk, conn, src, m, 400, "Bad CSeq");
				osip_message_free(m);
				return;
			}
		}
		if (strcasecmp(m->req_uri->scheme, "sip") && strcasecmp(m->req_uri->scheme, "tel") &&
		    strcasecmp(m->req_uri->scheme, "sips")) {
			respond_stateless(trunk, conn, src, m, 416, NULL);
			osip_message_free(m);
			return;
		}
		{
			const char *mf = sip_msg_header(m, "Max-Forwards");
			if (mf && atoi(mf) <= 0 && !MSG_IS_ACK(m) && mf[0] == '0') {
				respond_stateless(trunk, conn, src, m, 483, NULL);
				osip_message_free(m);
				return;
			}
		}
	}

	/* an incoming-message event (what osip_parse() would have built) */
	ev = osip_new_outgoing_sipmessage(m);
	if (!ev) {
		osip_message_free(m);
		return;
	}
	if (MSG_IS_REQUEST(m))
		ev->type = MSG_IS_INVITE(m) ? RCV_REQINVITE : MSG_IS_ACK(m) ? RCV_REQACK : RCV_REQUEST;
	else
		ev->type = MSG_IS_STATUS_1XX(m) ? RCV_STATUS_1XX : MSG_IS_STATUS_2XX(m) ? RCV_STATUS_2XX :
			   RCV_STATUS_3456XX;
	ev->transactionid = 0;

	if (sip_tx_find_and_add_event(ua, ev) == 0) {
		sip_ua_pump(ua);
		return;
	}
	if (MSG_IS_RESPONSE(m)) {
		/* 2xx retransmission or 2xx from another fork after the ICT ended (RFC 3261 13.2.2.4) */
		if (MSG_IS_STATUS_2XX(m) && !strcasecmp(m->cseq->method, "INVITE")) {
			struct sip_dialog *d = sip_dialog_find(ua, m, true);
			if (d)
				sip_dialog_rx_invite_response(d, m, true);
		}
		osip_event_free(ev);
		sip_ua_pump(ua);
		return;
	}
	if (MSG_IS_ACK(m)) {
		struct sip_dialog *d = sip_dialog_find(ua, m, false);
		if (d)
			sip_dialog_rx_ack(d, m);
		osip_event_free(ev);
		sip_ua_pump(ua);
		return;
	}
	{
		osip_transaction_t *tr = osip_create_transaction(ua->osip, ev);
		struct sip_tx *tx;
		if (!tr) {
			osip_event_free(ev);
			return;
		}
		tx = sip_tx_alloc(ua, trunk, SIP_TX_SERVER);
		tx->tr = tr;
		tx->conn = conn;
		tx->dst = *src;
		osip_transaction_set_your_instance(tr, tx);
		sip_tx_register(tx);
		sip_tx_set_timers(ua, tr);
		sip_tx_add_event(tr, ev);
	}
	sip_ua_pump(ua);
}

void sip_ua_input(struct sip_trunk *trunk, const char *buf, size_t len, const char *src_ip, uint16_t src_port)
{
	struct sockaddr_in src = { .sin_family = AF_INET, .sin_port = htons(src_port) };
	inet_pton(AF_INET, src_ip, &src.sin_addr);
	sip_ua_rx_msg(trunk, NULL, &src, buf, len);
}

/* ---------------------------------------------------------------------------------------- */

/* libosip2's own trace (it would print to stdout): into DSIP at debug level */
static void osip_trace_cb(const char *fi, int li, osip_trace_level_t level, const char *fmt, va_list ap)
{
	char buf[512];
	if (!log_check_level(DSIP, LOGL_DEBUG))
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	LOGP(DSIP, LOGL_DEBUG, "libosip2 %s:%d: %s", fi ? fi : "?", li, buf);
}

struct sip_ua *sip_ua_alloc(void *ctx, const struct sip_ua_cbs *cbs, void *priv)
{
	struct sip_ua *ua = talloc_zero(ctx, struct sip_ua);
	static const int msg_types[] = {
		OSIP_ICT_STATUS_1XX_RECEIVED, OSIP_ICT_STATUS_2XX_RECEIVED, OSIP_ICT_STATUS_2XX_RECEIVED_AGAIN,
		OSIP_ICT_STATUS_3XX_RECEIVED, OSIP_ICT_STATUS_4XX_RECEIVED, OSIP_ICT_STATUS_5XX_RECEIVED,
		OSIP_ICT_STATUS_6XX_RECEIVED,
	};
	static const int nict_types[] = {
		OSIP_NICT_STATUS_1XX_RECEIVED, OSIP_NICT_STATUS_2XX_RECEIVED, OSIP_NICT_STATUS_2XX_RECEIVED_AGAIN,
		OSIP_NICT_STATUS_3XX_RECEIVED, OSIP_NICT_STATUS_4XX_RECEIVED, OSIP_NICT_STATUS_5XX_RECEIVED,
		OSIP_NICT_STATUS_6XX_RECEIVED, OSIP_NICT_STATUS_3456XX_RECEIVED_AGAIN,
	};
	static const int req_types[] = {
		OSIP_IST_INVITE_RECEIVED, OSIP_NIST_REGISTER_RECEIVED, OSIP_NIST_BYE_RECEIVED,
		OSIP_NIST_OPTIONS_RECEIVED, OSIP_NIST_INFO_RECEIVED, OSIP_NIST_CANCEL_RECEIVED,
		OSIP_NIST_NOTIFY_RECEIVED, OSIP_NIST_SUBSCRIBE_RECEIVED, OSIP_NIST_UNKNOWN_REQUEST_RECEIVED,
	};

	if (!ua)
		return NULL;
	ua->cbs = cbs;
	ua->priv = priv;
	INIT_LLIST_HEAD(&ua->trunks);
	INIT_LLIST_HEAD(&ua->dialogs);
	ua->dlg_hash = talloc_array(ua, struct llist_head, SIP_DLG_HASH_SIZE);
	for (unsigned int i = 0; i < SIP_DLG_HASH_SIZE; i++)
		INIT_LLIST_HEAD(&ua->dlg_hash[i]);
	INIT_LLIST_HEAD(&ua->txs);
	INIT_LLIST_HEAD(&ua->dead_txs);
	sip_ua_txn_init(ua);
	ua->tdefs = talloc_memdup(ua, sip_tdefs_template, sizeof(sip_tdefs_template));
	osmo_tdefs_reset(ua->tdefs);
	ua->max_msg_size = 16384;
	osmo_strlcpy(ua->user_agent, "sipt-gw", sizeof(ua->user_agent));
	sip_sdp_init_local(&ua->local_caps, "127.0.0.1", 4000);
	ua->local_caps.codecs[ua->local_caps.num_codecs++] =
		(struct sip_sdp_codec){ .codec = SIP_CODEC_CLEARMODE, .pt = 97, .rate = 8000 };
	osmo_timer_setup(&ua->reap_timer, reap_cb, ua);
	sip_dialog_fsm_init();

	osip_trace_initialize_func(OSIP_WARNING, osip_trace_cb);
	if (osip_init(&ua->osip) != 0) {
		talloc_free(ua);
		return NULL;
	}
	osip_set_application_context(ua->osip, ua);
	osip_set_cb_send_message(ua->osip, cb_send_message);
	for (unsigned int i = 0; i < ARRAY_SIZE(msg_types); i++)
		osip_set_message_callback(ua->osip, msg_types[i], cb_ict_response);
	for (unsigned int i = 0; i < ARRAY_SIZE(nict_types); i++)
		osip_set_message_callback(ua->osip, nict_types[i], cb_nict_response);
	for (unsigned int i = 0; i < ARRAY_SIZE(req_types); i++)
		osip_set_message_callback(ua->osip, req_types[i], cb_request);
	osip_set_message_callback(ua->osip, OSIP_ICT_STATUS_TIMEOUT, cb_timeout);
	osip_set_message_callback(ua->osip, OSIP_NICT_STATUS_TIMEOUT, cb_timeout);
	for (int i = 0; i < OSIP_KILL_CALLBACK_COUNT; i++)
		osip_set_kill_transaction_callback(ua->osip, i, cb_kill);
	for (int i = 0; i < OSIP_TRANSPORT_ERROR_CALLBACK_COUNT; i++)
		osip_set_transport_error_callback(ua->osip, i, cb_transport_error);
	return ua;
}

void sip_ua_free(struct sip_ua *ua)
{
	struct sip_trunk *t, *t2;
	struct sip_tx *tx, *tx2;

	if (!ua)
		return;
	sip_dialog_free_all(ua, NULL);
	llist_for_each_entry_safe(t, t2, &ua->trunks, list)
		sip_trunk_free(t);
	llist_for_each_entry_safe(tx, tx2, &ua->txs, list)
		sip_tx_free(tx);
	llist_for_each_entry_safe(tx, tx2, &ua->dead_txs, list)
		sip_tx_free(tx);
	osmo_timer_del(&ua->reap_timer);
	osmo_timer_del(&ua->pump_timer);
	osip_release(ua->osip);
	talloc_free(ua);
}

int sip_ua_start(struct sip_ua *ua)
{
	struct sip_trunk *t;
	int rc = 0;

	ua->started = true;
	llist_for_each_entry(t, &ua->trunks, list)
		if (sip_trunk_start(t) < 0)
			rc = -1;
	return rc;
}

struct osmo_tdef *sip_ua_tdefs(struct sip_ua *ua)
{
	return ua->tdefs;
}

struct sip_sdp *sip_ua_local_caps(struct sip_ua *ua)
{
	return &ua->local_caps;
}

void sip_ua_set_user_agent(struct sip_ua *ua, const char *name)
{
	osmo_strlcpy(ua->user_agent, name ? name : "", sizeof(ua->user_agent));
}

void sip_ua_set_max_msg_size(struct sip_ua *ua, unsigned int size)
{
	if (size < 1024)
		size = 1024;
	if (size > 65535)
		size = 65535;
	ua->max_msg_size = size;
}

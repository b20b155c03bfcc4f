/* Message intake (RFC 3261 18.3, 8.2): framing checks, parsing, validation with the stateless
 * 400/403/416/483 answers, the source ACL, then transaction matching; and the dispatch of new
 * requests from their server transactions to dialogs (481/405/501, OPTIONS). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <arpa/inet.h>
#include <talloc.h>
#include <osmocom/core/utils.h>

#include "sip/sip_internal.h"
#include "sip/sip_capture.h"

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
	/* RFC 4028 7.1/9: session timers are supported on every trunk (Require: timer is never
	 * refused), so OPTIONS says so beside 100rel */
	osip_message_set_supported(r, trunk->cfg.rel100 == SIP_100REL_DISABLED ? "timer" : "100rel, timer");
	sip_tx_respond(tr, r);
}

const char *sip_msg_top_branch(const osip_message_t *m)
{
	osip_via_t *v = osip_list_get(&m->vias, 0);
	osip_generic_param_t *b = NULL;
	if (v)
		osip_via_param_get_byname(v, "branch", &b);
	return b ? b->gvalue : NULL;
}

/* RFC 3261 9.2: the UAS dialog whose INVITE server transaction the CANCEL matches (top Via branch) */
static struct sip_dialog *cancel_dialog(struct sip_ua *ua, const osip_message_t *cancel)
{
	const char *b1 = sip_msg_top_branch(cancel), *b2;
	char cidbuf[256];
	const char *cid = sip_call_id_str(cancel, cidbuf, sizeof(cidbuf)) ?: "";
	struct sip_dialog *d;

	sip_dialog_for_each_call_id(d, ua, cid) {
		if (d->is_uac || !d->has_invite)
			continue;
		b2 = d->invite_branch;
		if (b1 && b2 && !strcmp(b1, b2))
			return d;
	}
	return NULL;
}

/* An in-dialog request (or CANCEL) to its dialog, 481 without one (RFC 3261 12.2.2, 9.2) */
static void to_dialog(struct sip_tx *tx, struct sip_dialog *dlg, osip_transaction_t *tr, osip_message_t *msg)
{
	if (!dlg) {
		sip_respond_simple(tx->trunk, tr, 481, NULL, NULL);
		return;
	}
	sip_tx_set_dlg(tx, dlg);
	sip_dialog_rx_request(dlg, tr, msg);
}

/* libosip2 reports a new request on its server transaction: route it by method */
void sip_intake_request(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct sip_tx *tx = osip_transaction_get_your_instance(tr);
	struct sip_trunk *trunk = tx ? tx->trunk : NULL;

	if (!trunk)
		return;
	if (type == OSIP_IST_INVITE_RECEIVED) {
		osip_generic_param_t *tag = NULL;
		osip_to_get_tag(msg->to, &tag);
		if (!tag && sip_orphan_rx_invite(trunk, tr, msg))
			return;	/* an INVITE another node had and this one cleared (sip_orphan.c) */
		if (!tag)
			sip_dialog_rx_invite(trunk, tr, msg);
		else	/* re-INVITE (RFC 3261 14.2) */
			to_dialog(tx, sip_dialog_find(trunk->ua, msg, false), tr, msg);
		return;
	}
	if (MSG_IS_OPTIONS(msg)) {
		if (!sip_options_busy_out(trunk, tr))
			respond_options(trunk, tr);
		return;
	}
	if (MSG_IS_CANCEL(msg)) {
		to_dialog(tx, cancel_dialog(trunk->ua, msg), tr, msg);
		return;
	}
	if (MSG_IS_BYE(msg) || MSG_IS_INFO(msg) || MSG_IS_PRACK(msg) || MSG_IS_UPDATE(msg)) {
		to_dialog(tx, sip_dialog_find(trunk->ua, msg, false), tr, msg);
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

/* ---------------------------------------------------------------------------------------- */
/* intake: sanity checks (RFC 3261 16.3/18.3 style), ACL, transaction matching */

static void respond_stateless(struct sip_trunk *trunk, struct sip_conn *conn, const struct osmo_sockaddr *src,
			      osip_message_t *req, int code, const char *warning)
{
	osip_message_t *r;
	struct sip_conn *c = conn;

	if (MSG_IS_ACK(req))
		return;
	r = sip_msg_new_response(trunk, req, code, "gw-sl");
	if (!r)
		return;
	if (warning)
		sip_msg_add_warning(trunk, r, 399, warning);
	sip_send_msg(trunk, &c, src, r);
	osip_message_free(r);
}

/* Returns -1 if the Content-Length header is malformed or larger than the body present, else the
 * number of octets that make up the message (body cut to Content-Length). */
static ssize_t check_content_length(const char *buf, size_t len, bool stream)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4);
	size_t hlen, blen;
	const char *p = buf, *v, *eol;
	long cl = -1;

	if (!end)
		return len;	/* no body separator: let the parser decide */
	hlen = end - buf + 4;
	blen = len - hlen;
	while ((v = sip_raw_next_content_length(p, end, &eol, &p))) {
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
static void via_add_received(osip_message_t *m, const struct osmo_sockaddr *src)
{
	osip_via_t *via = osip_list_get(&m->vias, 0);
	osip_generic_param_t *rport = NULL;
	char ip[INET6_ADDRSTRLEN], port[8];

	if (!via)
		return;
	sip_addr_ip(src, ip, sizeof(ip));
	if (!via->host || strcmp(via->host, ip))
		osip_via_set_received(via, osip_strdup(ip));
	osip_via_param_get_byname(via, "rport", &rport);
	if (rport) {
		snprintf(port, sizeof(port), "%u", sip_addr_port(src));
		osip_free(rport->gvalue);
		rport->gvalue = osip_strdup(port);
	}
}

/* The body may be what is broken (e.g. multipart without boundary): if the header part alone
 * parses, answer 400 (RFC 3261 8.2.6), else drop. */
static void rx_unparseable(struct sip_trunk *trunk, struct sip_conn *conn, const struct osmo_sockaddr *src,
			   const char *buf, size_t len, bool is_request, bool acl_ok, const char *ip)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4);
	char *hdrs = end ? headers_without_body(buf, end - buf + 4) : NULL;
	osip_message_t *m = NULL;

	if (is_request && hdrs && osip_message_init(&m) == 0 && osip_message_parse(m, hdrs, strlen(hdrs)) == 0 &&
	    MSG_IS_REQUEST(m) && !MSG_IS_ACK(m) && acl_ok && !missing_header(m)) {
		LOGP(DSIP, LOGL_NOTICE, "trunk %s: malformed body from %s: 400\n", trunk->name, ip);
		respond_stateless(trunk, conn, src, m, 400, "Malformed message body");
	} else {
		LOGP(DSIP, LOGL_NOTICE, "trunk %s: dropping unparseable message from %s\n", trunk->name, ip);
	}
	if (m)
		osip_message_free(m);
	free(hdrs);
}

/* Responses: complete and from a permitted source, else dropped. */
static bool rx_check_response(struct sip_trunk *trunk, const osip_message_t *m, bool acl_ok, const char *ip)
{
	const char *miss = missing_header(m);

	if (!miss && acl_ok)
		return true;
	LOGP(DSIP, LOGL_NOTICE, "trunk %s: dropping response from %s (%s)\n", trunk->name, ip,
	     miss ? "missing header" : "ACL");
	if (!acl_ok)
		sip_trunk_ctr_inc(trunk, SIP_TRUNK_CTR_ACL_DROPPED);
	return false;
}

/* Request checks after the ACL (RFC 3261 8.2.2, 16.3): the status of a stateless answer and its
 * warning, or 0 when the request is fine. */
static int rx_request_status(const osip_message_t *m, bool bad_length, const char **warn)
{
	char *e;
	unsigned long n;
	const char *mf;

	*warn = NULL;
	if (bad_length) {
		*warn = "Bad Content-Length";
		return 400;
	}
	if (strcasecmp(m->cseq->method, m->sip_method) && !(MSG_IS_ACK(m) && !strcasecmp(m->cseq->method, "INVITE"))) {
		*warn = "CSeq method mismatch";
		return 400;
	}
	n = strtoul(m->cseq->number, &e, 10);
	if (*e || e == m->cseq->number || n > 0x7fffffffUL) {
		*warn = "Bad CSeq";
		return 400;
	}
	/* RFC 3261 21.4.17 */
	if (strcasecmp(m->req_uri->scheme, "sip") && strcasecmp(m->req_uri->scheme, "tel") &&
	    strcasecmp(m->req_uri->scheme, "sips"))
		return 416;
	/* RFC 3261 16.3 item 3 */
	mf = sip_msg_header(m, "Max-Forwards");
	if (mf && atoi(mf) <= 0 && !MSG_IS_ACK(m) && mf[0] == '0')
		return 483;
	return 0;
}

/* Requests: complete (400), from a permitted source (403 or drop), well-formed (400/416/483).
 * Returns true when the request goes on to the transaction layer. */
static bool rx_check_request(struct sip_trunk *trunk, struct sip_conn *conn, const struct osmo_sockaddr *src,
			     osip_message_t *m, bool acl_ok, bool bad_length, const char *ip)
{
	const char *miss = missing_header(m), *warn;
	int status;

	if (!m->sip_method || !m->req_uri || !m->req_uri->scheme)
		return false;
	if (miss) {
		char w[64];
		LOGP(DSIP, LOGL_NOTICE, "trunk %s: %s from %s lacks %s\n", trunk->name, m->sip_method, ip, miss);
		snprintf(w, sizeof(w), "Missing %s header", miss);
		/* RFC 3261 8.2.6 / 18.2.1: 400 - without a Via it cannot be routed: drop */
		if (strcmp(miss, "Via"))
			respond_stateless(trunk, conn, src, m, 400, w);
		return false;
	}
	via_add_received(m, src);
	if (!acl_ok && MSG_IS_ACK(m)) {
		/* nothing to answer (e.g. the ACK of our 403) */
		sip_trunk_ctr_inc(trunk, SIP_TRUNK_CTR_ACL_DROPPED);
		return false;
	}
	if (!acl_ok) {
		LOGP(DSIP, LOGL_NOTICE, "trunk %s: rejecting %s from %s (ACL)\n", trunk->name, m->sip_method, ip);
		/* RFC 3261 21.4.4 */
		respond_stateless(trunk, conn, src, m, 403, "Source not permitted");
		sip_trunk_ctr_inc(trunk, SIP_TRUNK_CTR_ACL_REJECTED);
		return false;
	}
	status = rx_request_status(m, bad_length, &warn);
	if (status)
		respond_stateless(trunk, conn, src, m, status, warn);
	return status == 0;
}

/* The incoming-message event osip_parse() would have built */
static osip_event_t *rx_event(osip_message_t *m)
{
	osip_event_t *ev = osip_new_outgoing_sipmessage(m);

	if (!ev)
		return NULL;
	if (MSG_IS_REQUEST(m))
		ev->type = MSG_IS_INVITE(m) ? RCV_REQINVITE : MSG_IS_ACK(m) ? RCV_REQACK : RCV_REQUEST;
	else
		ev->type = MSG_IS_STATUS_1XX(m) ? RCV_STATUS_1XX : MSG_IS_STATUS_2XX(m) ? RCV_STATUS_2XX :
			   RCV_STATUS_3456XX;
	ev->transactionid = 0;
	return ev;
}

/* A valid message: to its transaction, to its dialog (2xx retransmission, ACK for a 2xx), or a new
 * server transaction. Takes m over. */
static void rx_dispatch(struct sip_trunk *trunk, struct sip_conn *conn, const struct osmo_sockaddr *src,
			osip_message_t *m)
{
	struct sip_ua *ua = trunk->ua;
	osip_event_t *ev = rx_event(m);
	struct sip_dialog *d;

	if (!ev) {
		osip_message_free(m);
		return;
	}
	if (sip_tx_find_and_add_event(ua, ev) == 0)
		return;
	if (MSG_IS_RESPONSE(m) && sip_orphan_rx_response(trunk, m)) {
		osip_event_free(ev);	/* to an INVITE another node sent, CANCELled here */
		return;
	}
	if (MSG_IS_RESPONSE(m)) {
		/* 2xx retransmission or 2xx from another fork after the ICT ended (RFC 3261 13.2.2.4) */
		if (MSG_IS_STATUS_2XX(m) && !strcasecmp(m->cseq->method, "INVITE") && (d = sip_dialog_find(ua, m, true)))
			sip_dialog_rx_invite_response(d, m, true);
		osip_event_free(ev);
		return;
	}
	if (MSG_IS_ACK(m)) {
		if ((d = sip_dialog_find(ua, m, false)))
			sip_dialog_rx_ack(d, m);
		osip_event_free(ev);
		return;
	}
	if (sip_tx_start_server(trunk, conn, src, ev) < 0)
		osip_event_free(ev);
}

void sip_ua_rx_msg(struct sip_trunk *trunk, struct sip_conn *conn, const struct osmo_sockaddr *src,
		   const char *buf, size_t len)
{
	osip_message_t *m = NULL;
	bool is_request = false, acl_ok, ok;
	ssize_t mlen;
	char ip[INET6_ADDRSTRLEN];

	sip_addr_ip(src, ip, sizeof(ip));
	/* RFC 5626 4.4.1 keep-alive (CRLF) or stray whitespace */
	while (len && (*buf == '\r' || *buf == '\n')) {
		buf++;
		len--;
	}
	if (len == 0)
		return;
	if (sip_capture_hook)
		sip_capture_hook(trunk, false, conn != NULL, src, buf, len);
	LOGP(DSIP, LOGL_DEBUG, "trunk %s: RX from %s:%u:\n%.*s\n", trunk->name, ip, sip_addr_port(src),
	     (int)len, buf);

	acl_ok = sip_trunk_acl_permits(trunk, src);
	if (!acl_ok && trunk->cfg.acl_action == SIP_ACL_DROP) {
		LOGP(DSIP, LOGL_NOTICE, "trunk %s: dropping message from %s (ACL)\n", trunk->name, ip);
		sip_trunk_ctr_inc(trunk, SIP_TRUNK_CTR_ACL_DROPPED);
		return;
	}
	if (check_start_line(buf, len, &is_request) < 0) {
		LOGP(DSIP, LOGL_NOTICE, "trunk %s: dropping message with bad start line from %s\n", trunk->name, ip);
		return;
	}
	mlen = check_content_length(buf, len, conn != NULL);

	if (osip_message_init(&m) != 0)
		return;
	if (osip_message_parse(m, buf, mlen < 0 ? len : (size_t)mlen) != 0) {
		osip_message_free(m);
		rx_unparseable(trunk, conn, src, buf, len, is_request, acl_ok, ip);
		return;
	}
	if (!MSG_IS_REQUEST(m) && !MSG_IS_RESPONSE(m)) {
		osip_message_free(m);
		return;
	}
	sip_stats_msg(trunk, m, false);
	if (MSG_IS_RESPONSE(m))
		ok = rx_check_response(trunk, m, acl_ok, ip);
	else
		ok = rx_check_request(trunk, conn, src, m, acl_ok, mlen < 0, ip);
	if (!ok) {
		osip_message_free(m);
		return;
	}
	rx_dispatch(trunk, conn, src, m);
	sip_ua_pump(trunk->ua);
}

void sip_ua_input(struct sip_trunk *trunk, const char *buf, size_t len, const char *src_ip, uint16_t src_port)
{
	struct osmo_sockaddr src;
	if (sip_addr_parse(&src, src_ip, src_port) < 0)
		sip_addr_parse(&src, "0.0.0.0", src_port);
	sip_ua_rx_msg(trunk, NULL, &src, buf, len);
}

/* Building SIP requests/responses and reading the headers the interworking needs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/bits.h>

#include "sip/sip_internal.h"

char *sip_random_token(struct sip_ua *ua, const char *prefix)
{
	char buf[64];
	uint32_t a = sip_ua_random(ua), b = sip_ua_random(ua);
	snprintf(buf, sizeof(buf), "%s%08x%08x", prefix ? prefix : "", a, b);
	return osip_strdup(buf);
}

const char *sip_transport_name(const struct sip_trunk *trunk)
{
	return trunk->cfg.transport == SIP_TRANSPORT_TCP ? "TCP" : "UDP";
}

/* RFC 3261 8.1.1.7 with RFC 3581 rport */
void sip_msg_add_via(struct sip_trunk *trunk, osip_message_t *msg, struct sip_ua *ua)
{
	char via[256], host[80];
	char *branch = sip_random_token(ua, "z9hG4bK");
	snprintf(via, sizeof(via), "SIP/2.0/%s %s:%u;rport;branch=%s", sip_transport_name(trunk),
		 sip_host(trunk->cfg.listen_addr, host, sizeof(host)), trunk->cfg.listen_port, branch);
	osip_free(branch);
	osip_message_set_via(msg, via);
}

void sip_msg_add_contact(struct sip_trunk *trunk, osip_message_t *msg, const char *user)
{
	char c[256], host[80];
	snprintf(c, sizeof(c), "<sip:%s@%s:%u%s>", user && *user ? user : "gw",
		 sip_host(trunk->cfg.listen_addr, host, sizeof(host)), trunk->cfg.listen_port, trunk->cfg.transport == SIP_TRANSPORT_TCP ? ";transport=tcp" : "");
	osip_message_set_contact(msg, c);
}

/* RFC 3261 20.43: Warning: code agent "text", the agent being the trunk's host */
void sip_msg_add_warning(struct sip_trunk *trunk, osip_message_t *msg, int code, const char *text)
{
	char w[256], host[80];
	snprintf(w, sizeof(w), "%d %s \"%s\"", code, sip_host(trunk->cfg.listen_addr, host, sizeof(host)), text);
	osip_message_set_header(msg, "Warning", w);
}

void sip_msg_add_common(struct sip_ua *ua, osip_message_t *msg)
{
	if (ua->user_agent[0]) {
		if (MSG_IS_REQUEST(msg))
			osip_message_set_user_agent(msg, ua->user_agent);
		else
			osip_message_set_header(msg, "Server", ua->user_agent);
	}
}

/* RFC 3326 / RFC 6432 / RFC 8606 */
void sip_msg_add_reason(osip_message_t *msg, const struct sip_msg_opts *opts)
{
	char r[256];
	int n;

	if (!opts || opts->q850_cause <= 0 || opts->q850_cause > 127)
		return;
	n = snprintf(r, sizeof(r), "Q.850;cause=%d", opts->q850_cause);
	if (opts->q850_location && *opts->q850_location)
		n += snprintf(r + n, sizeof(r) - n, ";location=%s", opts->q850_location);
	if (opts->reason_text && *opts->reason_text && n < (int)sizeof(r))
		snprintf(r + n, sizeof(r) - n, ";text=\"%s\"", opts->reason_text);
	osip_message_set_header(msg, "Reason", r);
}

/* RFC 3261 20.33: when the request may be tried again (503, 486, 480, 600, 603) */
void sip_msg_add_retry_after(osip_message_t *msg, unsigned int secs)
{
	char ra[16];

	if (!secs)
		return;
	snprintf(ra, sizeof(ra), "%u", secs);
	osip_message_set_header(msg, "Retry-After", ra);
}

void sip_msg_add_identity(struct sip_trunk *trunk, osip_message_t *msg, const struct sip_msg_opts *opts)
{
	if (!opts)
		return;
	/* RFC 3325 9.1: PAI only inside the trust domain */
	if (opts->pai && *opts->pai && trunk->cfg.trusted)
		osip_message_set_header(msg, "P-Asserted-Identity", opts->pai);
	if (opts->privacy && *opts->privacy)
		osip_message_set_header(msg, "Privacy", opts->privacy);
	if (opts->history_info && *opts->history_info)
		osip_message_set_header(msg, "History-Info", opts->history_info);
	if (opts->diversion && *opts->diversion)
		osip_message_set_header(msg, "Diversion", opts->diversion);
	if (opts->p_early_media && *opts->p_early_media)
		osip_message_set_header(msg, "P-Early-Media", opts->p_early_media);
}

/* Append clones of the name-addr headers in SRC (Route or Record-Route: both osip_from_t) to DST,
 * at its front when REVERSE (RFC 3261 12.1.2: the UAC's route set is the Record-Route reversed) */
void sip_msg_copy_routes(osip_list_t *dst, const osip_list_t *src, bool reverse)
{
	osip_from_t *r, *c;
	int pos = 0;

	while ((r = osip_list_get(src, pos++))) {
		if (osip_from_clone(r, &c) == 0)
			osip_list_add(dst, c, reverse ? 0 : -1);
	}
}

osip_message_t *sip_msg_new_request(struct sip_dialog *dlg, const char *method, uint32_t cseq)
{
	osip_message_t *m;
	osip_uri_t *uri;
	char buf[64];

	if (osip_message_init(&m) != 0)
		return NULL;
	osip_message_set_method(m, osip_strdup(method));
	osip_message_set_version(m, osip_strdup("SIP/2.0"));
	osip_uri_clone(dlg->target, &uri);
	osip_message_set_uri(m, uri);
	/* RFC 3261 12.2.1.1: loose routing only (route set in order) */
	sip_msg_copy_routes(&m->routes, &dlg->route_set, false);
	osip_from_clone(dlg->local, &m->from);
	osip_to_clone(dlg->remote, &m->to);
	osip_message_set_call_id(m, dlg->call_id);
	snprintf(buf, sizeof(buf), "%u %s", cseq, method);
	osip_message_set_cseq(m, buf);
	sip_msg_add_via(dlg->trunk, m, dlg->ua);
	osip_message_set_max_forwards(m, "70");
	sip_msg_add_common(dlg->ua, m);
	return m;
}

osip_message_t *sip_msg_new_response(struct sip_trunk *trunk, const osip_message_t *req, int code,
				     const char *to_tag)
{
	osip_message_t *r;
	osip_generic_param_t *tag = NULL;
	const char *phrase;
	int pos = 0;
	osip_via_t *via;

	/* a 400 for a request lacking headers still goes out with what is there (RFC 3261 8.2.6) */
	if (!req || osip_list_size(&req->vias) <= 0)
		return NULL;
	if (osip_message_init(&r) != 0)
		return NULL;
	osip_message_set_version(r, osip_strdup("SIP/2.0"));
	osip_message_set_status_code(r, code);
	phrase = osip_message_get_reason(code);
	osip_message_set_reason_phrase(r, osip_strdup(phrase && *phrase ? phrase : "Unknown"));
	while ((via = osip_list_get(&req->vias, pos++))) {
		osip_via_t *c;
		if (osip_via_clone(via, &c) == 0)
			osip_list_add(&r->vias, c, -1);
	}
	if (req->from)
		osip_from_clone(req->from, &r->from);
	if (req->to)
		osip_to_clone(req->to, &r->to);
	if (req->call_id)
		osip_call_id_clone(req->call_id, &r->call_id);
	if (req->cseq)
		osip_cseq_clone(req->cseq, &r->cseq);
	if (r->to)
		osip_to_get_tag(r->to, &tag);
	if (r->to && !tag && code > 100 && to_tag)
		osip_to_set_tag(r->to, osip_strdup(to_tag));
	/* RFC 3261 12.1.1: Record-Route copied into dialog-creating responses */
	if (code > 100 && code < 300 && MSG_IS_INVITE(req))
		sip_msg_copy_routes(&r->record_routes, &req->record_routes, false);
	if (trunk)
		sip_msg_add_common(trunk->ua, r);
	return r;
}

int sip_msg_set_body(struct sip_trunk *trunk, osip_message_t *msg, const struct sip_sdp *sdp,
		     const uint8_t *isup, size_t isup_len)
{
	char sdpbuf[2048];
	int sdplen = 0;
	char ctype[128], disp[64];
	osip_body_t *b;

	if (!isup || !isup_len || !sip_trunk_carries_isup(trunk))
		isup_len = 0;
	if (isup_len > SIP_ISUP_MAX)
		return -1;
	if (sdp) {
		sdplen = sip_sdp_encode(sdp, sdpbuf, sizeof(sdpbuf));
		if (sdplen < 0)
			return -1;
	}
	if (isup_len) {
		/* RFC 3204 3: version required, base optional */
		snprintf(ctype, sizeof(ctype), "application/ISUP;version=%s%s%s",
			 trunk->cfg.isup_version[0] ? trunk->cfg.isup_version : "itu-t92+",
			 trunk->cfg.isup_base[0] ? ";base=" : "", trunk->cfg.isup_base);
		snprintf(disp, sizeof(disp), "signal;handling=%s", trunk->cfg.isup_required ? "required" : "optional");
	}

	if (sdp && isup_len) {
		/* RFC 5621 / RFC 2046 5.1.3 multipart/mixed */
		osip_message_set_content_type(msg, "multipart/mixed;boundary=sipt-gw-boundary");
		osip_message_set_mime_version(msg, "1.0");
		osip_message_set_body(msg, sdpbuf, sdplen);
		osip_message_get_body(msg, 0, &b);
		osip_body_set_contenttype(b, "application/sdp");
		osip_message_set_body(msg, (const char *)isup, isup_len);
		osip_message_get_body(msg, 1, &b);
		osip_body_set_contenttype(b, ctype);
		osip_body_set_header(b, "Content-Disposition", disp);
	} else if (sdp) {
		osip_message_set_content_type(msg, "application/sdp");
		osip_message_set_body(msg, sdpbuf, sdplen);
	} else if (isup_len) {
		osip_message_set_content_type(msg, ctype);
		osip_message_set_header(msg, "Content-Disposition", disp);
		osip_message_set_body(msg, (const char *)isup, isup_len);
	}
	return 0;
}

/* Raw header scan before parsing (RFC 3261 7.3.3, 20.14): the next Content-Length ("l") line in
 * p..end (end: the CRLF CRLF of the header part). Returns the line's value start (after the colon),
 * *next the line after it; NULL when there is no further one. */
const char *sip_raw_next_content_length(const char *p, const char *end, const char **eol, const char **next)
{
	while (p < end) {
		const char *e = memmem(p, end + 2 - p, "\r\n", 2);
		const char *colon;
		size_t nlen;
		if (!e)
			return NULL;
		*eol = e;
		*next = e + 2;
		colon = memchr(p, ':', e - p);
		if (colon) {
			nlen = colon - p;
			while (nlen && (p[nlen - 1] == ' ' || p[nlen - 1] == '\t'))
				nlen--;
			if ((nlen == 14 && !strncasecmp(p, "Content-Length", 14)) ||
			    (nlen == 1 && (*p == 'l' || *p == 'L')))
				return colon + 1;
		}
		p = e + 2;
	}
	return NULL;
}

/* Find a header of the "other headers" list by long or compact name. */
const char *sip_msg_header(const osip_message_t *msg, const char *hname)
{
	osip_header_t *h = NULL;
	if (osip_message_header_get_byname(msg, hname, 0, &h) >= 0 && h && h->hvalue)
		return h->hvalue;
	return NULL;
}

static bool token_list_has(const char *list, const char *tag)
{
	size_t tl = strlen(tag);
	const char *p = list;

	while (p && *p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!strncasecmp(p, tag, tl) && (p[tl] == '\0' || p[tl] == ',' || p[tl] == ' ' || p[tl] == '\t'))
			return true;
		p = strchr(p, ',');
	}
	return false;
}

/* RFC 3261 20.32/20.37: Require/Supported option tags (also compact "k") */
bool sip_msg_has_option_tag(const osip_message_t *msg, const char *hname, const char *tag)
{
	osip_header_t *h;
	int pos = 0;

	while ((pos = osip_message_header_get_byname(msg, hname, pos, &h)) >= 0) {
		if (h && h->hvalue && token_list_has(h->hvalue, tag))
			return true;
		pos++;
	}
	if (!strcasecmp(hname, "Supported")) {
		pos = 0;
		while ((pos = osip_message_header_get_byname(msg, "k", pos, &h)) >= 0) {
			if (h && h->hvalue && token_list_has(h->hvalue, tag))
				return true;
			pos++;
		}
	}
	return false;
}

/* Reason: Q.850;cause=16;location=LN;text="..." (RFC 3326, RFC 8606) */
void sip_msg_parse_reason(const osip_message_t *msg, int *cause, char *loc, size_t loc_size)
{
	osip_header_t *h;
	int pos = 0;

	*cause = 0;
	if (loc_size)
		loc[0] = '\0';
	while ((pos = osip_message_header_get_byname(msg, "Reason", pos, &h)) >= 0) {
		const char *v = h ? h->hvalue : NULL;
		pos++;
		if (!v)
			continue;
		while (*v == ' ')
			v++;
		if (strncasecmp(v, "Q.850", 5))
			continue;
		{
			const char *c = strcasestr(v, "cause=");
			const char *l = strcasestr(v, "location=");
			if (c) {
				int n = atoi(c + 6);
				if (n > 0 && n <= 127)
					*cause = n;
			}
			if (l && loc_size) {
				size_t i = 0;
				l += 9;
				while (l[i] && isalnum((unsigned char)l[i]) && i + 1 < loc_size) {
					loc[i] = l[i];
					i++;
				}
				loc[i] = '\0';
			}
		}
		return;
	}
}

static void copy_hdr(char *dst, size_t size, const char *src)
{
	if (src)
		osmo_strlcpy(dst, src, size);
	else
		dst[0] = '\0';
}

/* RFC 3261 7.3.1: the values of every header of that name, in order, comma-joined (one that
 * does not fit whole is left out) */
static void join_hdrs(char *dst, size_t size, const osip_message_t *msg, const char *hname)
{
	osip_header_t *hd = NULL;
	size_t n = 0;

	dst[0] = '\0';
	for (int pos = 0; (pos = osip_message_header_get_byname(msg, hname, pos, &hd)) >= 0; pos++) {
		size_t l;
		if (!hd || !hd->hvalue)
			continue;
		l = strlen(hd->hvalue);
		if (n + l + 2 > size)
			break;
		if (n)
			dst[n++] = ',';
		memcpy(dst + n, hd->hvalue, l + 1);
		n += l;
	}
}

void sip_msg_get_headers(struct sip_trunk *trunk, const osip_message_t *msg, struct sip_headers *h)
{
	osip_contact_t *c = NULL;
	char *s = NULL;
	const char *v;

	memset(h, 0, sizeof(*h));
	h->max_forwards = -1;
	if (msg->req_uri && osip_uri_to_str(msg->req_uri, &s) == 0) {
		copy_hdr(h->ruri, sizeof(h->ruri), s);
		osip_free(s);
	}
	if (msg->from && osip_from_to_str(msg->from, &s) == 0) {
		copy_hdr(h->from, sizeof(h->from), s);
		osip_free(s);
	}
	if (msg->to && osip_to_to_str(msg->to, &s) == 0) {
		copy_hdr(h->to, sizeof(h->to), s);
		osip_free(s);
	}
	/* RFC 3325 9.1: ignore PAI from outside the trust domain */
	if (trunk && trunk->cfg.trusted)
		copy_hdr(h->pai, sizeof(h->pai), sip_msg_header(msg, "P-Asserted-Identity"));
	copy_hdr(h->privacy, sizeof(h->privacy), sip_msg_header(msg, "Privacy"));
	join_hdrs(h->history_info, sizeof(h->history_info), msg, "History-Info");
	join_hdrs(h->diversion, sizeof(h->diversion), msg, "Diversion");
	if (!osip_message_get_contact(msg, 0, &c) && c && !osip_contact_to_str(c, &s)) {
		copy_hdr(h->contact, sizeof(h->contact), s);
		osip_free(s);
	}
	copy_hdr(h->p_early_media, sizeof(h->p_early_media), sip_msg_header(msg, "P-Early-Media"));
	v = sip_msg_header(msg, "Max-Forwards");
	if (v)
		h->max_forwards = atoi(v);
}

void sip_tx_respond(osip_transaction_t *tr, osip_message_t *resp)
{
	osip_event_t *ev = osip_new_outgoing_sipmessage(resp);
	if (!ev) {
		osip_message_free(resp);
		return;
	}
	ev->transactionid = tr->transactionid;
	sip_tx_add_event(tr, ev);
}

void sip_respond_simple(struct sip_trunk *trunk, osip_transaction_t *tr, int code, const char *warning,
			const struct sip_msg_opts *opts)
{
	char tag_buf[32];
	osip_message_t *resp;

	snprintf(tag_buf, sizeof(tag_buf), "%08x", sip_ua_random(trunk->ua));
	resp = sip_msg_new_response(trunk, tr->orig_request, code, tag_buf);
	if (!resp)
		return;
	/* RFC 3261 20.43: warn-code 399 miscellaneous */
	if (warning)
		sip_msg_add_warning(trunk, resp, 399, warning);
	sip_msg_add_reason(resp, opts);
	sip_tx_respond(tr, resp);
}

void sip_msg_set_max_forwards(osip_message_t *msg, int n)
{
	osip_header_t *h = NULL;
	char v[16];

	if (n <= 0)
		return;
	snprintf(v, sizeof(v), "%d", n);
	if (osip_message_header_get_byname(msg, "Max-Forwards", 0, &h) >= 0 && h) {
		osip_free(h->hvalue);
		h->hvalue = osip_strdup(v);
	} else {
		osip_message_set_max_forwards(msg, v);
	}
}

/* The whole Call-ID (libosip2 splits it at '@') */
const char *sip_call_id_str(const osip_message_t *msg, char *buf, size_t size)
{
	if (!msg->call_id || !msg->call_id->number)
		return NULL;
	if (msg->call_id->host)
		snprintf(buf, size, "%s@%s", msg->call_id->number, msg->call_id->host);
	else
		snprintf(buf, size, "%s", msg->call_id->number);
	return buf;
}

/* osip_message_clone() copies the serialised cache with strdup(), which cuts a binary (ISUP) body at
 * its first NUL while keeping the old length (found by fuzzing): make the copy re-serialise. */
int sip_msg_clone(const osip_message_t *msg, osip_message_t **dest)
{
	int rc = osip_message_clone(msg, dest);
	if (rc == 0)
		osip_message_force_update(*dest);
	return rc;
}

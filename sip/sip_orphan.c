/* INVITEs of another node cleared by this one (sip/sip_orphan.h): the INVITE kept as text by the
 * layer above, parsed again here; a 503 through an INVITE server transaction of this node, a
 * CANCEL through a client transaction; the cleared INVITEs are remembered for 64*T1 (Timer H,
 * RFC 3261 17.2.1) so that a retransmission gets the 503 again and the final response to a
 * CANCELled one its ACK. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <talloc.h>
#include <osmocom/core/utils.h>

#include "sip/sip_internal.h"
#include "sip/sip_orphan.h"

struct sip_orphan {
	struct llist_head list;		/* in ua->orphans */
	struct sip_ua *ua;
	char trunk[64];
	bool is_uac;
	osip_message_t *invite;
	char call_id[256];
	char branch[128];
	char tag[64];			/* UAS: the To tag of our 503 */
	uint8_t cause;
	bool bye_sent;			/* UAC: a 2xx crossed the CANCEL, BYE sent */
	struct osmo_sockaddr peer;
	struct osmo_timer_list timer;	/* forgotten after 64*T1 */
};

/* ---- the INVITE as text ---- */

/* start line and headers: the body and its Content-Type / Content-Length are left out */
static int invite_text(const osip_message_t *inv, char *buf, size_t size)
{
	osip_message_t *m = NULL;
	char *s = NULL;
	size_t len = 0;
	int rc = -1;

	if (sip_msg_clone(inv, &m) != 0)
		return -1;
	osip_list_special_free(&m->bodies, (void (*)(void *))osip_body_free);
	osip_content_type_free(m->content_type);
	m->content_type = NULL;
	osip_content_length_free(m->content_length);
	m->content_length = NULL;
	osip_message_force_update(m);
	if (osip_message_to_str(m, &s, &len) == 0 && s && len < size) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		rc = 0;
	}
	osip_free(s);
	osip_message_free(m);
	return rc;
}

int sip_dialog_invite_snapshot(struct sip_dialog *dlg, struct sip_invite_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	if (!dlg->invite || !dlg->trunk)
		return -1;
	s->is_uac = dlg->is_uac;
	osmo_strlcpy(s->trunk, dlg->trunk->name, sizeof(s->trunk));
	osmo_sockaddr_to_str_buf(s->peer, sizeof(s->peer), dlg->is_uac ? &dlg->peer : &dlg->resp_dst);
	if (!dlg->is_uac)
		osmo_strlcpy(s->local_tag, sip_tag(dlg->local) ?: "", sizeof(s->local_tag));
	return invite_text(dlg->invite, s->msg, sizeof(s->msg));
}

/* "IP:PORT" or "[IPv6]:PORT" (osmo_sockaddr_to_str_buf's form) */
static int peer_parse(struct osmo_sockaddr *a, const char *s)
{
	char ip[64];
	const char *colon = strrchr(s, ':');
	size_t n;
	char *end;
	unsigned long port;

	if (!colon)
		return -1;
	port = strtoul(colon + 1, &end, 10);
	if (*end || !port || port > 65535)
		return -1;
	if (*s == '[') {
		s++;
		if (colon == s || colon[-1] != ']')
			return -1;
		n = colon - 1 - s;
	} else {
		n = colon - s;
	}
	if (!n || n >= sizeof(ip))
		return -1;
	memcpy(ip, s, n);
	ip[n] = '\0';
	return sip_addr_parse(a, ip, port);
}

/* ---- the cleared INVITEs ---- */

static int orphan_destructor(struct sip_orphan *o)
{
	osmo_timer_del(&o->timer);
	llist_del(&o->list);
	if (o->invite)
		osip_message_free(o->invite);
	return 0;
}

static void orphan_timer_cb(void *data)
{
	talloc_free(data);
}

static struct sip_orphan *orphan_find(struct sip_ua *ua, const osip_message_t *m, bool is_uac)
{
	char cidbuf[256];
	const char *cid = sip_call_id_str(m, cidbuf, sizeof(cidbuf));
	const char *branch = sip_msg_top_branch(m);
	struct sip_orphan *o;

	if (!cid || !branch)
		return NULL;
	llist_for_each_entry(o, &ua->orphans, list)
		if (o->is_uac == is_uac && !strcmp(o->call_id, cid) && !strcasecmp(o->branch, branch))
			return o;
	return NULL;
}

static struct sip_orphan *orphan_add(struct sip_ua *ua, const struct sip_invite_snapshot *s, osip_message_t *inv,
				     const struct osmo_sockaddr *peer, uint8_t cause)
{
	struct sip_orphan *o = talloc_zero(ua, struct sip_orphan);
	char tag[32];

	o->ua = ua;
	osmo_strlcpy(o->trunk, s->trunk, sizeof(o->trunk));
	o->is_uac = s->is_uac;
	o->invite = inv;
	sip_call_id_str(inv, o->call_id, sizeof(o->call_id));
	osmo_strlcpy(o->branch, sip_msg_top_branch(inv), sizeof(o->branch));
	if (!s->is_uac && !s->local_tag[0])
		snprintf(tag, sizeof(tag), "%08x", sip_ua_random(ua));
	osmo_strlcpy(o->tag, s->local_tag[0] ? s->local_tag : tag, sizeof(o->tag));
	o->cause = cause;
	o->peer = *peer;
	llist_add_tail(&o->list, &ua->orphans);
	talloc_set_destructor(o, orphan_destructor);
	osmo_timer_setup(&o->timer, orphan_timer_cb, o);
	osmo_timer_schedule(&o->timer, sip_timer_ms(ua, SIP_TH) / 1000, (sip_timer_ms(ua, SIP_TH) % 1000) * 1000);
	return o;
}

/* ---- clearing ---- */

/* the received INVITE once more, into a server transaction of ours: sip_orphan_rx_invite answers */
static int orphan_reject(struct sip_trunk *trunk, struct sip_orphan *o)
{
	osip_message_t *m = NULL;
	osip_event_t *ev;

	if (sip_msg_clone(o->invite, &m) != 0)
		return -1;
	ev = osip_new_outgoing_sipmessage(m);
	if (!ev) {
		osip_message_free(m);
		return -1;
	}
	ev->type = RCV_REQINVITE;
	ev->transactionid = 0;
	if (sip_tx_start_server(trunk, NULL, &o->peer, ev) < 0) {
		osip_event_free(ev);
		return -1;
	}
	sip_ua_pump(trunk->ua);
	return 0;
}

/* RFC 3261 9.1, with the cause (RFC 3326) */
static int orphan_cancel(struct sip_trunk *trunk, struct sip_orphan *o)
{
	struct sip_msg_opts opts = { .q850_cause = o->cause };
	osip_message_t *c = sip_msg_same_txn_request(o->invite, "CANCEL");
	struct sip_tx *tx;

	if (!c)
		return -1;
	sip_msg_add_reason(c, &opts);
	sip_msg_add_common(trunk->ua, c);
	tx = sip_tx_alloc(trunk->ua, trunk, SIP_TX_CANCEL);
	tx->dst = o->peer;
	return sip_tx_start_client(tx, c);
}

/* a dialog of this node with the INVITE's Call-ID (a call restored here, e.g. answered after
 * its early record was written and before that record's deletion reached Redis): not ours to clear */
static bool orphan_has_dialog(struct sip_ua *ua, const osip_message_t *inv)
{
	char cidbuf[256];
	const char *cid = sip_call_id_str(inv, cidbuf, sizeof(cidbuf));
	struct sip_dialog *d;

	if (!cid)
		return false;
	sip_dialog_for_each_call_id(d, ua, cid)
		return true;
	return false;
}

int sip_orphan_clear(struct sip_ua *ua, const struct sip_invite_snapshot *s, uint8_t cause)
{
	struct sip_trunk *trunk = sip_trunk_find(ua, s->trunk);
	struct osmo_sockaddr peer;
	osip_message_t *m = NULL;
	struct sip_orphan *o;

	if (!trunk || peer_parse(&peer, s->peer) < 0 || osip_message_init(&m) != 0)
		return -1;
	if (osip_message_parse(m, s->msg, strlen(s->msg)) != 0 || !MSG_IS_INVITE(m) || !m->cseq || !m->from ||
	    !m->to || !m->req_uri || !sip_msg_top_branch(m) || !m->call_id) {
		osip_message_free(m);
		return -1;
	}
	if (orphan_has_dialog(ua, m)) {
		osip_message_free(m);
		return -EEXIST;
	}
	o = orphan_add(ua, s, m, &peer, cause);
	LOGP(DSIP, LOGL_NOTICE, "trunk %s: INVITE Call-ID %s of another node: %s (cause %u)\n", trunk->name,
	     o->call_id, o->is_uac ? "CANCEL" : "503", cause);
	return o->is_uac ? orphan_cancel(trunk, o) : orphan_reject(trunk, o);
}

/* ---- what arrives for a cleared INVITE (sip_intake.c) ---- */

bool sip_orphan_rx_invite(struct sip_trunk *trunk, osip_transaction_t *tr, osip_message_t *invite)
{
	struct sip_orphan *o = orphan_find(trunk->ua, invite, false);
	struct sip_msg_opts opts = { 0 };
	osip_message_t *r;

	if (!o)
		return false;
	opts.q850_cause = o->cause;
	r = sip_msg_new_response(trunk, invite, 503, o->tag);
	if (r) {
		sip_msg_add_reason(r, &opts);
		sip_tx_respond(tr, r);
	}
	LOGP(DSIP, LOGL_INFO, "trunk %s: INVITE Call-ID %s of another node answered 503\n", trunk->name, o->call_id);
	return true;
}

/* The To of the response; for a 2xx (a dialog: RFC 3261 13.2.2.4, 12.2.1.1) also its Contact as
 * the Request-URI, its Record-Route reversed as the route set and a Via of a new transaction */
static osip_message_t *orphan_request(struct sip_trunk *trunk, struct sip_orphan *o, const osip_message_t *resp,
				      const char *method, uint32_t cseq)
{
	osip_message_t *m = sip_msg_same_txn_request(o->invite, method);
	osip_contact_t *ct = osip_list_get(&resp->contacts, 0);
	osip_uri_t *uri = NULL;
	char buf[64];

	if (!m)
		return NULL;
	osip_to_free(m->to);
	m->to = NULL;
	osip_to_clone(resp->to, &m->to);
	sip_msg_add_common(trunk->ua, m);
	if (resp->status_code >= 300)
		return m;
	if (ct && ct->url && osip_uri_clone(ct->url, &uri) == 0) {
		osip_uri_free(m->req_uri);
		m->req_uri = uri;
	}
	osip_list_special_free(&m->routes, (void (*)(void *))osip_route_free);
	sip_msg_copy_routes(&m->routes, &resp->record_routes, true);
	osip_list_special_free(&m->vias, (void (*)(void *))osip_via_free);
	sip_msg_add_via(trunk, m, trunk->ua);
	osip_cseq_free(m->cseq);
	m->cseq = NULL;
	snprintf(buf, sizeof(buf), "%u %s", cseq, method);
	osip_message_set_cseq(m, buf);
	return m;
}

/* the ACK of the final response: for a non-2xx the INVITE's transaction's (17.1.1.3); a 2xx
 * crossed our CANCEL (RFC 3261 9.1, 15): the dialog's ACK (13.2.2.4), then BYE once, cause 41 */
static void orphan_ack(struct sip_trunk *trunk, struct sip_orphan *o, const osip_message_t *resp)
{
	uint32_t cseq = strtoul(o->invite->cseq->number, NULL, 10);
	struct sip_msg_opts opts = { .q850_cause = o->cause };
	osip_message_t *a = orphan_request(trunk, o, resp, "ACK", cseq), *bye;
	struct sip_conn *conn = NULL;
	struct sip_tx *tx;

	if (a) {
		sip_send_msg(trunk, &conn, &o->peer, a);
		osip_message_free(a);
	}
	if (resp->status_code >= 300 || o->bye_sent || !(bye = orphan_request(trunk, o, resp, "BYE", cseq + 1)))
		return;
	LOGP(DSIP, LOGL_NOTICE, "trunk %s: INVITE Call-ID %s of another node answered %d after our CANCEL: ACK, BYE\n",
	     trunk->name, o->call_id, resp->status_code);
	o->bye_sent = true;
	sip_msg_add_reason(bye, &opts);
	tx = sip_tx_alloc(trunk->ua, trunk, SIP_TX_BYE);
	tx->dst = o->peer;
	sip_tx_start_client(tx, bye);
}

bool sip_orphan_rx_response(struct sip_trunk *trunk, osip_message_t *resp)
{
	struct sip_orphan *o;

	if (!resp->cseq || !resp->cseq->method || strcasecmp(resp->cseq->method, "INVITE"))
		return false;
	o = orphan_find(trunk->ua, resp, true);
	if (!o)
		return false;
	if (resp->status_code >= 200)
		orphan_ack(trunk, o, resp);
	return true;
}

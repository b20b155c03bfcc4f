/* Trunks: configuration, source-IP ACL, OPTIONS keep-alive. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>

#include "sip/sip_internal.h"

static void options_timer_cb(void *data);

static const struct rate_ctr_desc trunk_ctr_desc[] = {
	[SIP_TRUNK_CTR_ACL_REJECTED] = { "acl:rejected", "Requests from sources outside the ACL answered 403" },
	[SIP_TRUNK_CTR_ACL_DROPPED] = { "acl:dropped", "Messages from sources outside the ACL dropped" },
	[SIP_TRUNK_CTR_RATE_REJECTED] = { "rate:rejected", "INVITEs beyond the call-rate limit answered 503" },
};

static const struct rate_ctr_group_desc trunk_ctrg_desc = {
	.group_name_prefix = "sip:trunk",
	.group_description = "SIP trunk admission (ACL, call-rate limit)",
	.class_id = OSMO_STATS_CLASS_PEER,
	.num_ctr = ARRAY_SIZE(trunk_ctr_desc),
	.ctr_desc = trunk_ctr_desc,
};

struct sip_trunk *sip_trunk_alloc(struct sip_ua *ua, const char *name)
{
	struct sip_trunk *t = talloc_zero(ua, struct sip_trunk);

	t->ua = ua;
	t->name = talloc_strdup(t, name);
	t->st = talloc_zero(t, struct sip_trunk_state);
	t->st->ofd.fd = -1;
	INIT_LLIST_HEAD(&t->st->conns);
	osmo_timer_setup(&t->st->options_timer, options_timer_cb, t);
	t->cfg.transport = SIP_TRANSPORT_UDP;
	osmo_strlcpy(t->cfg.listen_addr, "127.0.0.1", sizeof(t->cfg.listen_addr));
	t->cfg.listen_port = 5060;
	t->cfg.trusted = true;
	t->cfg.acl_action = SIP_ACL_REJECT;
	t->cfg.rel100 = SIP_100REL_SUPPORTED;
	t->cfg.sipt_mode = SIP_SIPT_OFF;
	/* RFC 4028 4/5 defaults: 30 min asked, 90 s the least accepted, refresher left to the peer */
	t->cfg.st_enabled = true;
	t->cfg.st_expires = 1800;
	t->cfg.st_min_se = 90;
	t->cfg.st_refresher = SIP_ST_REFRESHER_ANY;
	osmo_strlcpy(t->cfg.isup_version, "itu-t92+", sizeof(t->cfg.isup_version));
	t->ctrs = rate_ctr_group_alloc(t, &trunk_ctrg_desc, llist_count(&ua->trunks));
	if (t->ctrs)
		rate_ctr_group_set_name(t->ctrs, name);
	llist_add_tail(&t->list, &ua->trunks);
	return t;
}

bool sip_trunk_carries_isup(const struct sip_trunk *trunk)
{
	return trunk->cfg.sipt_mode != SIP_SIPT_OFF && trunk->cfg.trusted;
}

struct sip_trunk *sip_trunk_find(struct sip_ua *ua, const char *name)
{
	struct sip_trunk *t;
	llist_for_each_entry(t, &ua->trunks, list)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

struct sip_trunk *sip_trunk_next(struct sip_ua *ua, struct sip_trunk *prev)
{
	struct llist_head *n = prev ? prev->list.next : ua->trunks.next;
	return n == &ua->trunks ? NULL : llist_entry(n, struct sip_trunk, list);
}

int sip_trunk_start(struct sip_trunk *trunk)
{
	int rc = sip_transport_open(trunk);
	if (rc < 0)
		return rc;
	if (trunk->cfg.options_interval && trunk->cfg.num_peers)
		osmo_timer_schedule(&trunk->st->options_timer, trunk->cfg.options_interval, 0);
	else
		osmo_timer_del(&trunk->st->options_timer);
	return 0;
}

void sip_trunk_stop(struct sip_trunk *trunk)
{
	osmo_timer_del(&trunk->st->options_timer);
	sip_transport_close(trunk);
}

void sip_trunk_free(struct sip_trunk *trunk)
{
	struct sip_tx *tx;

	sip_dialog_free_all(trunk->ua, trunk);
	llist_for_each_entry(tx, &trunk->ua->txs, list)
		if (tx->trunk == trunk)
			tx->trunk = NULL;
	llist_for_each_entry(tx, &trunk->ua->dead_txs, list)
		if (tx->trunk == trunk)
			tx->trunk = NULL;
	sip_trunk_stop(trunk);
	llist_del(&trunk->list);
	rate_ctr_group_free(trunk->ctrs);
	rate_ctr_group_free(trunk->msg_ctrs);
	talloc_free(trunk);
}

void sip_trunk_ctr_inc(struct sip_trunk *trunk, enum sip_trunk_ctr ctr)
{
	if (trunk->ctrs)
		rate_ctr_inc(rate_ctr_group_get_ctr(trunk->ctrs, ctr));
}

/* Whether the first prefix_len bits of a and b are equal */
static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned int prefix_len)
{
	unsigned int full = prefix_len / 8, rest = prefix_len % 8;
	uint8_t mask = 0xff << (8 - rest);

	if (memcmp(a, b, full))
		return false;
	return !rest || !((a[full] ^ b[full]) & mask);
}

bool sip_acl_matches(const struct sip_acl_entry *e, const struct osmo_sockaddr *src)
{
	if (src->u.sa.sa_family == AF_INET6 && e->ipv6)
		return prefix_equal(src->u.sin6.sin6_addr.s6_addr, e->net, e->prefix_len);
	if (src->u.sa.sa_family == AF_INET && !e->ipv6)
		return prefix_equal((const uint8_t *)&src->u.sin.sin_addr.s_addr, e->net, e->prefix_len);
	return false;
}

/* Source-IP ACL: explicit entries, else the configured peers, else anyone. */
bool sip_trunk_acl_permits(const struct sip_trunk *trunk, const struct osmo_sockaddr *src)
{
	if (trunk->cfg.num_acl) {
		for (unsigned int i = 0; i < trunk->cfg.num_acl; i++)
			if (sip_acl_matches(&trunk->cfg.acl[i], src))
				return true;
		return false;
	}
	if (!trunk->cfg.num_peers)
		return true;
	for (unsigned int i = 0; i < trunk->cfg.num_peers; i++) {
		struct osmo_sockaddr p;
		if (sip_addr_parse(&p, trunk->cfg.peers[i].addr, 0) == 0 && p.u.sa.sa_family == src->u.sa.sa_family &&
		    (p.u.sa.sa_family == AF_INET ? p.u.sin.sin_addr.s_addr == src->u.sin.sin_addr.s_addr :
		     !memcmp(&p.u.sin6.sin6_addr, &src->u.sin6.sin6_addr, sizeof(struct in6_addr))))
			return true;
	}
	return false;
}

/* ---- OPTIONS (RFC 3261 11) ---- */

int sip_trunk_options(struct sip_trunk *trunk)
{
	struct sip_ua *ua = trunk->ua;
	osip_message_t *m;
	struct sip_tx *tx;
	struct osmo_sockaddr dst;
	char buf[256], peer[80], local[80];
	char *tok;

	if (sip_peer_sockaddr(trunk, &dst) < 0 || trunk->st->ofd.fd < 0)
		return -ENOENT;
	if (osip_message_init(&m) != 0)
		return -ENOMEM;
	osip_message_set_method(m, osip_strdup("OPTIONS"));
	osip_message_set_version(m, osip_strdup("SIP/2.0"));
	{
		osip_uri_t *uri;
		osip_uri_init(&uri);
		snprintf(buf, sizeof(buf), "sip:%s:%u%s", sip_host(trunk->cfg.peers[0].addr, peer, sizeof(peer)),
			 sip_addr_port(&dst),
			 trunk->cfg.transport == SIP_TRANSPORT_TCP ? ";transport=tcp" : "");
		osip_uri_parse(uri, buf);
		osip_message_set_uri(m, uri);
	}
	tok = sip_random_token(ua, "");
	snprintf(buf, sizeof(buf), "<sip:gw@%s:%u>;tag=%s", sip_host(trunk->cfg.listen_addr, local, sizeof(local)),
		 trunk->cfg.listen_port, tok);
	osip_free(tok);
	osip_message_set_from(m, buf);
	snprintf(buf, sizeof(buf), "<sip:%s:%u>", peer, sip_addr_port(&dst));
	osip_message_set_to(m, buf);
	tok = sip_random_token(ua, "opt-");
	osip_message_set_call_id(m, tok);
	osip_free(tok);
	osip_message_set_cseq(m, "1 OPTIONS");
	sip_msg_add_via(trunk, m, ua);
	osip_message_set_max_forwards(m, "70");
	sip_msg_add_contact(trunk, m, "gw");
	osip_message_set_accept(m, "application/sdp");
	sip_msg_add_common(ua, m);

	tx = sip_tx_alloc(ua, trunk, SIP_TX_OPTIONS);
	tx->dst = dst;
	trunk->st->options_pending = true;
	return sip_tx_start_client(tx, m);
}

void sip_trunk_options_rx_response(struct sip_trunk *trunk, int code)
{
	if (!trunk)
		return;
	trunk->st->options_pending = false;
	/* any response proves the peer alive (RFC 3261 11); only a timeout marks it down */
	if (trunk->options_up != (code != 0))
		LOGP(DSIP, LOGL_NOTICE, "trunk %s: peer %s\n", trunk->name, code ? "UP" : "DOWN (OPTIONS timeout)");
	trunk->options_up = code != 0;
	if (trunk->ua->cbs && trunk->ua->cbs->options_result)
		trunk->ua->cbs->options_result(trunk, code, trunk->ua->priv);
}

static void options_timer_cb(void *data)
{
	struct sip_trunk *trunk = data;
	if (!trunk->st->options_pending)
		sip_trunk_options(trunk);
	if (trunk->cfg.options_interval)
		osmo_timer_schedule(&trunk->st->options_timer, trunk->cfg.options_interval, 0);
}

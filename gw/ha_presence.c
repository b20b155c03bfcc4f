/* Presence records of the pair's nodes in Redis (gw/ha_presence.h). Written by both nodes, also
 * by the standby (it writes no call state, but must say that it is there). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hiredis/hiredis.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "common/debug.h"
#include "gw/iwf.h"
#include "gw/ha_m3ua.h"
#include "gw/ha_redis.h"
#include "gw/ha_store.h"
#include "gw/ha_presence.h"

static struct {
	struct gw_iwf *iwf;
	struct osmo_timer_list timer;
	uint64_t seq;
	char key[160];
	struct gw_presence_view v;
} g;

const struct gw_presence_view *gw_presence_view(void)
{
	return &g.v;
}

static unsigned long interval_ms(void)
{
	return osmo_tdef_get(g.iwf->tdefs, -42, OSMO_TDEF_MS, 1000);
}

bool gw_presence_fresh(const struct gw_presence_peer *p)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - p->changed.tv_sec) * 1000 + (now.tv_nsec - p->changed.tv_nsec) / 1000000
		<= (long)(3 * interval_ms());
}

static int role_from_name(const char *s, enum gw_ha_role *role)
{
	static const enum gw_ha_role all[] = { GW_HA_ROLE_DOWN, GW_HA_ROLE_STANDBY, GW_HA_ROLE_ACTIVE };
	unsigned int i;
	for (i = 0; i < ARRAY_SIZE(all); i++) {
		if (!strcmp(s, gw_ha_role_name(all[i]))) {
			*role = all[i];
			return 0;
		}
	}
	return -1;
}

/* one "key=value" token into p; -1: unknown key or bad value */
static int parse_token(char *tok, struct gw_presence_peer *p, unsigned int *seen)
{
	char *eq = strchr(tok, '='), *end;
	if (!eq || eq == tok || !eq[1])
		return -1;
	*eq++ = '\0';
	if (!strcmp(tok, "role")) {
		*seen |= 1;
		return role_from_name(eq, &p->role);
	}
	if (!strcmp(tok, "since")) {
		long long v = strtoll(eq, &end, 10);
		*seen |= 2;
		p->since = v;
		return *end || v < 0 ? -1 : 0;
	}
	if (!strcmp(tok, "asp")) {
		*seen |= 4;
		return osmo_strlcpy(p->asp_state, eq, sizeof(p->asp_state)) >= sizeof(p->asp_state) ? -1 : 0;
	}
	if (!strcmp(tok, "seq")) {
		*seen |= 8;
		strtoull(eq, &end, 10);
		return *end ? -1 : 0;
	}
	return -1;
}

int gw_presence_parse(const char *value, struct gw_presence_peer *p)
{
	char buf[sizeof(p->value)], *tok, *save = NULL;
	unsigned int seen = 0;

	if (osmo_strlcpy(buf, value, sizeof(buf)) >= sizeof(buf))
		return -1;
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		if (parse_token(tok, p, &seen) < 0)
			return -1;
	return seen == 15 ? 0 : -1;
}

static struct gw_presence_peer *peer_slot(const char *asp)
{
	unsigned int i;
	for (i = 0; i < g.v.peers; i++)
		if (!strcmp(g.v.peer[i].asp, asp))
			return &g.v.peer[i];
	if (g.v.peers == GW_PRESENCE_MAX_PEERS || strlen(asp) >= sizeof(g.v.peer[0].asp))
		return NULL;
	memset(&g.v.peer[g.v.peers], 0, sizeof(g.v.peer[0]));
	OSMO_STRLCPY_ARRAY(g.v.peer[g.v.peers].asp, asp);
	return &g.v.peer[g.v.peers++];
}

/* one field of the hash: another node's presence */
static void read_field(const redisReply *name, const redisReply *value)
{
	struct gw_presence_peer parsed, *p;

	if (name->type != REDIS_REPLY_STRING || value->type != REDIS_REPLY_STRING) {
		g.v.errors++;
		return;
	}
	if (!strcmp(name->str, g.iwf->pair->asp_name))
		return;
	memset(&parsed, 0, sizeof(parsed));
	if (gw_presence_parse(value->str, &parsed) < 0 || !(p = peer_slot(name->str))) {
		g.v.errors++;
		return;
	}
	if (strcmp(p->value, value->str)) {
		OSMO_STRLCPY_ARRAY(p->value, value->str);
		p->role = parsed.role;
		p->since = parsed.since;
		OSMO_STRLCPY_ARRAY(p->asp_state, parsed.asp_state);
		clock_gettime(CLOCK_MONOTONIC, &p->changed);
	}
}

static void hgetall_reply(struct ha_redis *r, redisReply *reply, void *priv)
{
	size_t i;
	if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements % 2) {
		g.v.errors++;
		return;
	}
	g.v.reads++;
	for (i = 0; i + 1 < reply->elements; i += 2)
		read_field(reply->element[i], reply->element[i + 1]);
}

static void write_reply(struct ha_redis *r, redisReply *reply, void *priv)
{
	if (!reply || reply->type == REDIS_REPLY_ERROR)
		g.v.errors++;
}

static void refresh(void *data)
{
	struct ha_redis *r = ha_store_redis(g.iwf->ha);
	struct gw_ha *ha = g.iwf->pair;
	char value[160], ttl[24];
	const char *hset[] = { "HSET", g.key, ha->asp_name, value };
	const char *expire[] = { "EXPIRE", g.key, ttl };
	const char *hgetall[] = { "HGETALL", g.key };
	size_t l1[4], l2[3], l3[2];
	unsigned int i;

	osmo_timer_schedule(&g.timer, interval_ms() / 1000, (interval_ms() % 1000) * 1000);
	if (!ha_redis_connected(r))
		return;
	snprintf(value, sizeof(value), "role=%s since=%lld asp=%s seq=%llu", gw_ha_role_name(ha->role),
		 (long long)ha->since, gw_ha_fsm_state("XUA_ASP", ha->asp_name), (unsigned long long)++g.seq);
	snprintf(ttl, sizeof(ttl), "%lu", OSMO_MAX(3UL, (3 * interval_ms() + 999) / 1000));
	for (i = 0; i < 4; i++)
		l1[i] = strlen(hset[i]);
	for (i = 0; i < 3; i++)
		l2[i] = strlen(expire[i]);
	for (i = 0; i < 2; i++)
		l3[i] = strlen(hgetall[i]);
	if (ha_redis_cmd(r, write_reply, NULL, 4, hset, l1) < 0 || ha_redis_cmd(r, write_reply, NULL, 3, expire, l2) < 0
	    || ha_redis_cmd(r, hgetall_reply, NULL, 2, hgetall, l3) < 0) {
		g.v.errors++;
		return;
	}
	g.v.refreshes++;
}

void gw_presence_start(struct gw_iwf *iwf)
{
	const struct ha_store_cfg *cfg = gw_ha_cfg();

	if (!gw_ha_enabled(iwf->pair) || !iwf->ha)
		return;
	g.iwf = iwf;
	snprintf(g.key, sizeof(g.key), "%s%s:nodes", cfg->prefix, cfg->node_id);
	g.v.running = true;
	osmo_timer_setup(&g.timer, refresh, NULL);
	osmo_timer_schedule(&g.timer, 0, 0);
}

void gw_presence_stop(void)
{
	if (!g.v.running)
		return;
	osmo_timer_del(&g.timer);
	g.v.running = false;
}

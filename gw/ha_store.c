/* The HA state store (gw/ha_store.h): records written to and read back from Redis. */
#include <stdio.h>
#include <time.h>
#include <string.h>
#include <hiredis/hiredis.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>

#include "gw/debug.h"
#include "gw/ha_redis.h"
#include "gw/ha_store.h"

enum ha_ctr { HA_CTR_ERRORS, HA_CTR_WRITES, HA_CTR_REPLAYS, HA_CTR_CALL_PUTS, HA_CTR_CCT_PUTS };

static const struct rate_ctr_desc ha_ctr_desc[] = {
	[HA_CTR_ERRORS] = { "ha:redis_errors", "Redis writes dropped or failed (Redis down, error reply)" },
	[HA_CTR_WRITES] = { "ha:writes", "Redis commands sent for replication" },
	[HA_CTR_REPLAYS] = { "ha:replays", "Reconnections after which the whole state was written again" },
	[HA_CTR_CALL_PUTS] = { "ha:call_records", "Call records written (answered calls, again on changes)" },
	[HA_CTR_CCT_PUTS] = { "ha:cct_records", "Circuit records written" },
};

static const struct rate_ctr_group_desc ha_ctrg_desc = {
	.group_name_prefix = "gw:ha",
	.group_description = "HA state store (Redis)",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(ha_ctr_desc),
	.ctr_desc = ha_ctr_desc,
};

struct ha_store {
	struct ha_store_cfg cfg;
	struct ha_redis *r;
	struct rate_ctr_group *ctrs;
	void (*up)(struct ha_store *st, void *data);
	void *up_data;
	bool passive;			/* a standby: nothing is written (ha_store_set_active) */
	time_t link_since;		/* the last connection or loss of Redis (0: never either) */
	struct timespec active_at;	/* the last passive -> active: the whole state written */
};

/* ---- keys ---- */

static void key_of(char *buf, size_t size, const struct ha_store *st, const char *node, const char *what)
{
	snprintf(buf, size, "%s%s:%s", st->cfg.prefix, node, what);
}

static void call_key(char *buf, size_t size, const struct ha_store *st, uint32_t id)
{
	char what[32];
	snprintf(what, sizeof(what), "call:%u", id);
	key_of(buf, size, st, st->cfg.node_id, what);
}

static void cct_key(char *buf, size_t size, const struct ha_store *st, const char *group, uint16_t cic)
{
	char what[96];
	snprintf(what, sizeof(what), "cct:%s:%u", group, cic);
	key_of(buf, size, st, st->cfg.node_id, what);
}

/* ---- writes ---- */

static void write_reply(struct ha_redis *r, redisReply *reply, void *priv)
{
	struct ha_store *st = priv;
	if (!reply || reply->type == REDIS_REPLY_ERROR)
		rate_ctr_inc(rate_ctr_group_get_ctr(st->ctrs, HA_CTR_ERRORS));
}

/* takeover: also on a standby (the dead node's records are deleted before this node writes) */
static void store_cmd_any(struct ha_store *st, int argc, const char **argv, bool takeover)
{
	size_t len[2 + 2 * HA_CALL_FIELDS];
	int i;
	OSMO_ASSERT(argc <= (int)ARRAY_SIZE(len));
	if (st->passive && !takeover)
		return;
	for (i = 0; i < argc; i++)
		len[i] = strlen(argv[i]);
	if (ha_redis_cmd(st->r, write_reply, st, argc, argv, len) < 0) {
		rate_ctr_inc(rate_ctr_group_get_ctr(st->ctrs, HA_CTR_ERRORS));
		return;
	}
	rate_ctr_inc(rate_ctr_group_get_ctr(st->ctrs, HA_CTR_WRITES));
}

static void store_cmd(struct ha_store *st, int argc, const char **argv)
{
	store_cmd_any(st, argc, argv, false);
}

static void store_cmd2(struct ha_store *st, const char *cmd, const char *key, const char *member, bool takeover)
{
	const char *argv[3] = { cmd, key, member };
	store_cmd_any(st, member ? 3 : 2, argv, takeover);
}

/* HSET key field value ... (Redis >= 4: several pairs in one command) */
static void store_hset(struct ha_store *st, const char *key, const char *const *names, const char *const *values,
		       unsigned int n)
{
	const char *argv[2 + 2 * HA_CALL_FIELDS];
	unsigned int i;
	OSMO_ASSERT(n <= HA_CALL_FIELDS);
	argv[0] = "HSET";
	argv[1] = key;
	for (i = 0; i < n; i++) {
		argv[2 + 2 * i] = names[i];
		argv[3 + 2 * i] = values[i];
	}
	store_cmd(st, 2 + 2 * n, argv);
}

/* one hash and its key in the node's index set 'set' */
static void store_put_kv(struct ha_store *st, const char *key, const char *set, const char *const *names,
			 const char *const *values, unsigned int n)
{
	char idx[256];
	key_of(idx, sizeof(idx), st, st->cfg.node_id, set);
	store_hset(st, key, names, values, n);
	store_cmd2(st, "SADD", idx, key, false);
}

/* one record: its hash (with this node's id as its first field, "node"), and its key in the
 * node's index set 'set' */
static void store_put(struct ha_store *st, const char *key, const char *set, struct ha_field *f, unsigned int n)
{
	const char *names[HA_CALL_FIELDS], *values[HA_CALL_FIELDS];
	unsigned int i;
	OSMO_ASSERT(n && n <= HA_CALL_FIELDS && !strcmp(f[0].name, "node"));
	snprintf(f[0].value, sizeof(f[0].value), "%s", st->cfg.node_id);
	for (i = 0; i < n; i++) {
		names[i] = f[i].name;
		values[i] = f[i].value;
	}
	store_put_kv(st, key, set, names, values, n);
}

void ha_store_hash_put(struct ha_store *st, const char *what, const char *set, const char *const *names,
		       const char *const *values, unsigned int n)
{
	char key[256];
	if (!st)
		return;
	key_of(key, sizeof(key), st, st->cfg.node_id, what);
	store_put_kv(st, key, set, names, values, n);
}

void ha_store_key_del(struct ha_store *st, const char *key, const char *set, bool takeover)
{
	char idx[256];
	if (!st)
		return;
	key_of(idx, sizeof(idx), st, st->cfg.node_id, set);
	store_cmd2(st, "DEL", key, NULL, takeover);
	store_cmd2(st, "SREM", idx, key, takeover);
}

void ha_store_hash_del(struct ha_store *st, const char *what, const char *set)
{
	char key[256];
	if (!st)
		return;
	key_of(key, sizeof(key), st, st->cfg.node_id, what);
	ha_store_key_del(st, key, set, false);
}

void ha_store_call_put(struct ha_store *st, const struct ha_call_rec *rec)
{
	struct ha_field f[HA_CALL_FIELDS];
	char key[256];
	if (!st)
		return;
	call_key(key, sizeof(key), st, rec->id);
	store_put(st, key, "calls", f, ha_call_rec_encode(rec, f));
	if (!st->passive)
		rate_ctr_inc(rate_ctr_group_get_ctr(st->ctrs, HA_CTR_CALL_PUTS));
}

void ha_store_call_del(struct ha_store *st, uint32_t id)
{
	char key[256];
	if (!st)
		return;
	call_key(key, sizeof(key), st, id);
	ha_store_key_del(st, key, "calls", false);
}

void ha_store_cct_put(struct ha_store *st, const struct ha_cct_rec *rec)
{
	struct ha_field f[HA_CCT_FIELDS];
	char key[256];
	if (!st)
		return;
	cct_key(key, sizeof(key), st, rec->group, rec->cic);
	store_put(st, key, "ccts", f, ha_cct_rec_encode(rec, f));
	if (!st->passive)
		rate_ctr_inc(rate_ctr_group_get_ctr(st->ctrs, HA_CTR_CCT_PUTS));
}

/* ---- connection ---- */

static void store_up(struct ha_redis *r, void *data)
{
	struct ha_store *st = data;
	if (r)
		st->link_since = time(NULL);
	if (st->passive)
		return;
	rate_ctr_inc(rate_ctr_group_get_ctr(st->ctrs, HA_CTR_REPLAYS));
	if (st->up)
		st->up(st, st->up_data);
}

static void store_down(struct ha_redis *r, void *data)
{
	struct ha_store *st = data;
	st->link_since = time(NULL);
}

static const struct ha_redis_ops store_redis_ops = {
	.up = store_up,
	.down = store_down,
};

struct ha_store *ha_store_alloc(void *ctx, const struct ha_store_cfg *cfg, struct osmo_tdef *tdefs)
{
	struct ha_store *st = talloc_zero(ctx, struct ha_store);
	st->cfg = *cfg;
	static unsigned int idx;	/* several stores in one process (tests) */
	st->ctrs = rate_ctr_group_alloc(st, &ha_ctrg_desc, idx++);
	st->r = ha_redis_alloc(st, cfg->host, cfg->port, tdefs, &store_redis_ops, st);
	return st;
}

void ha_store_free(struct ha_store *st)
{
	if (!st)
		return;
	ha_redis_free(st->r);
	st->r = NULL;
	rate_ctr_group_free(st->ctrs);
	talloc_free(st);
}

void ha_store_start(struct ha_store *st, void (*up)(struct ha_store *st, void *data), void *data)
{
	st->up = up;
	st->up_data = data;
	ha_redis_start(st->r);
}

void ha_store_set_active(struct ha_store *st, bool active)
{
	bool was_passive = st->passive;
	st->passive = !active;
	if (active && was_passive)
		clock_gettime(CLOCK_MONOTONIC, &st->active_at);
	if (active && was_passive && ha_redis_connected(st->r))
		store_up(NULL, st);	/* the whole current state, as on a reconnection */
}

bool ha_store_active(const struct ha_store *st)
{
	return !st->passive;
}

bool ha_store_connected(const struct ha_store *st)
{
	return st && ha_redis_connected(st->r);
}

const char *ha_store_node(const struct ha_store *st)
{
	return st->cfg.node_id;
}

uint64_t ha_store_errors(const struct ha_store *st)
{
	return rate_ctr_group_get_ctr(st->ctrs, HA_CTR_ERRORS)->current;
}

uint64_t ha_store_writes(const struct ha_store *st)
{
	return rate_ctr_group_get_ctr(st->ctrs, HA_CTR_WRITES)->current;
}

void ha_store_stats(const struct ha_store *st, struct ha_store_stats *s)
{
	s->call_records = rate_ctr_group_get_ctr(st->ctrs, HA_CTR_CALL_PUTS)->current;
	s->cct_records = rate_ctr_group_get_ctr(st->ctrs, HA_CTR_CCT_PUTS)->current;
	s->writes = ha_store_writes(st);
	s->errors = ha_store_errors(st);
	s->link_since = st->link_since;
	s->active_at = st->active_at;
}

struct ha_redis *ha_store_redis(struct ha_store *st)
{
	return st ? st->r : NULL;
}

int ha_store_load(struct ha_store *st, const char *node, const struct ha_load_cbs *cbs, void *data)
{
	char calls[256], ccts[256];
	if (!st)
		return -1;
	key_of(calls, sizeof(calls), st, node, "calls");
	key_of(ccts, sizeof(ccts), st, node, "ccts");
	return ha_store_load_sets(st->r, calls, ccts, cbs, data);
}

int ha_store_load_hashes(struct ha_store *st, const char *node, const char *set, const struct ha_load_cbs *cbs,
			 void *data)
{
	char key[256];
	if (!st)
		return -1;
	key_of(key, sizeof(key), st, node, set);
	return ha_store_load_set(st->r, key, cbs, data);
}

/* ha_store_load (gw/ha_store.h): every record of a node read back asynchronously. SMEMBERS of
 * the node's two index sets, then HGETALL of each member, pipelined; done once every reply is
 * in. A member whose hash is gone (released between the two reads) is skipped. */
#include <stdio.h>
#include <string.h>
#include <hiredis/hiredis.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>

#include "gw/debug.h"
#include "gw/ha_redis.h"
#include "gw/ha_store.h"

struct ha_store_load_ctx {
	struct ha_redis *r;
	const struct ha_load_cbs *cbs;
	void *data;
	unsigned int pending, records, errors;
};

/* what an index set holds */
enum ha_load_kind { HA_LOAD_CALL, HA_LOAD_CCT, HA_LOAD_HASH };

struct ha_load_item {
	struct ha_store_load_ctx *ld;
	enum ha_load_kind kind;
	char *key;			/* HA_LOAD_HASH: the record's key */
};

static struct ha_load_item *load_item(struct ha_store_load_ctx *ld, enum ha_load_kind kind)
{
	struct ha_load_item *it = talloc_zero(ld, struct ha_load_item);
	it->ld = ld;
	it->kind = kind;
	return it;
}

static void load_finish(struct ha_store_load_ctx *ld)
{
	if (--ld->pending)
		return;
	if (ld->cbs->done_cb)
		ld->cbs->done_cb(ld->records, ld->errors, ld->data);
	talloc_free(ld);
}

/* one record handed out by its kind; -1: malformed */
static int load_decoded(struct ha_load_item *it, const char *const *names, const char *const *values, unsigned int n)
{
	const struct ha_load_cbs *cbs = it->ld->cbs;
	struct ha_call_rec crec;
	struct ha_cct_rec krec;
	switch (it->kind) {
	case HA_LOAD_CALL:
		if (ha_call_rec_decode(&crec, names, values, n))
			return -1;
		if (cbs->call_cb)
			cbs->call_cb(&crec, it->ld->data);
		return 0;
	case HA_LOAD_CCT:
		if (ha_cct_rec_decode(&krec, names, values, n))
			return -1;
		if (cbs->cct_cb)
			cbs->cct_cb(&krec, it->ld->data);
		return 0;
	case HA_LOAD_HASH:
		return cbs->hash_cb ? cbs->hash_cb(it->key, names, values, n, it->ld->data) : 0;
	}
	return -1;
}

static void load_record(struct ha_load_item *it, redisReply *reply)
{
	struct ha_store_load_ctx *ld = it->ld;
	const char *names[64], *values[64];
	unsigned int i, n = reply->elements / 2;
	if (n > 64 || reply->elements % 2) {
		ld->errors++;
		return;
	}
	for (i = 0; i < n; i++) {
		if (reply->element[2 * i]->type != REDIS_REPLY_STRING ||
		    reply->element[2 * i + 1]->type != REDIS_REPLY_STRING) {
			ld->errors++;
			return;
		}
		names[i] = reply->element[2 * i]->str;
		values[i] = reply->element[2 * i + 1]->str;
	}
	if (load_decoded(it, (const char *const *)names, (const char *const *)values, n) < 0) {
		ld->errors++;
		return;
	}
	ld->records++;
}

static void hgetall_reply(struct ha_redis *r, redisReply *reply, void *priv)
{
	struct ha_load_item *it = priv;
	struct ha_store_load_ctx *ld = it->ld;
	if (!reply || reply->type != REDIS_REPLY_ARRAY)
		ld->errors++;
	else if (reply->elements)
		load_record(it, reply);
	talloc_free(it);
	load_finish(ld);
}

static void smembers_reply(struct ha_redis *r, redisReply *reply, void *priv)
{
	struct ha_load_item *set = priv;
	struct ha_store_load_ctx *ld = set->ld;
	size_t i;
	if (!reply || reply->type != REDIS_REPLY_ARRAY) {
		ld->errors++;
		goto out;
	}
	for (i = 0; i < reply->elements; i++) {
		const char *argv[2] = { "HGETALL", reply->element[i]->str };
		size_t len[2] = { 7, reply->element[i]->len };
		struct ha_load_item *it;
		if (reply->element[i]->type != REDIS_REPLY_STRING) {
			ld->errors++;
			continue;
		}
		it = load_item(ld, set->kind);
		if (it->kind == HA_LOAD_HASH)
			it->key = talloc_strndup(it, reply->element[i]->str, reply->element[i]->len);
		if (ha_redis_cmd(r, hgetall_reply, it, 2, argv, len) < 0) {
			ld->errors++;
			talloc_free(it);
			continue;
		}
		ld->pending++;
	}
out:
	talloc_free(set);
	load_finish(ld);
}

static int load_set(struct ha_store_load_ctx *ld, const char *key, enum ha_load_kind kind)
{
	const char *argv[2] = { "SMEMBERS", key };
	size_t len[2] = { 8, strlen(key) };
	struct ha_load_item *set = load_item(ld, kind);
	if (ha_redis_cmd(ld->r, smembers_reply, set, 2, argv, len) < 0) {
		talloc_free(set);
		return -1;
	}
	ld->pending++;
	return 0;
}

static struct ha_store_load_ctx *load_ctx(struct ha_redis *r, const struct ha_load_cbs *cbs, void *data)
{
	struct ha_store_load_ctx *ld = talloc_zero(r, struct ha_store_load_ctx);
	ld->r = r;
	ld->cbs = cbs;
	ld->data = data;
	ld->pending = 1;	/* held until every set is asked for */
	return ld;
}

int ha_store_load_sets(struct ha_redis *r, const char *calls_key, const char *ccts_key,
		       const struct ha_load_cbs *cbs, void *data)
{
	struct ha_store_load_ctx *ld;
	if (!ha_redis_connected(r))
		return -1;
	ld = load_ctx(r, cbs, data);
	if (load_set(ld, calls_key, HA_LOAD_CALL) < 0 || load_set(ld, ccts_key, HA_LOAD_CCT) < 0)
		ld->errors++;
	load_finish(ld);
	return 0;
}

int ha_store_load_set(struct ha_redis *r, const char *key, const struct ha_load_cbs *cbs, void *data)
{
	struct ha_store_load_ctx *ld;
	if (!ha_redis_connected(r))
		return -1;
	ld = load_ctx(r, cbs, data);
	if (load_set(ld, key, HA_LOAD_HASH) < 0)
		ld->errors++;
	load_finish(ld);
	return 0;
}

/* A Redis connection driven from the osmo_select loop (hiredis' async API with an adapter of
 * our own: hiredis asks for read/write interest, an osmo_fd gives it). Never blocks: connecting
 * is non-blocking, a lost or refused connection is retried after a backoff (gw X20 doubling up
 * to 8 times, each attempt bounded by gw X21). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ha_redis;
struct osmo_tdef;
struct redisReply;

/* reply NULL: the command failed (connection lost before the answer) */
typedef void (*ha_redis_reply_cb_t)(struct ha_redis *r, struct redisReply *reply, void *priv);

struct ha_redis_ops {
	void (*up)(struct ha_redis *r, void *data);		/* connected (again) */
	void (*down)(struct ha_redis *r, void *data);		/* lost / not reachable: once per outage */
};

/* host: an IP address (no name lookup: it would block), tdefs: the gw timer table (X20, X21) */
struct ha_redis *ha_redis_alloc(void *ctx, const char *host, uint16_t port, struct osmo_tdef *tdefs,
				const struct ha_redis_ops *ops, void *data);
void ha_redis_start(struct ha_redis *r);
void ha_redis_free(struct ha_redis *r);
bool ha_redis_connected(const struct ha_redis *r);
/* Queue one command (argv[0] the command name); written with the others queued in the same loop
 * iteration (pipelining). -1: not connected or too many replies outstanding (nothing queued). */
int ha_redis_cmd(struct ha_redis *r, ha_redis_reply_cb_t cb, void *priv, int argc, const char **argv,
		 const size_t *argvlen);
/* Commands queued and not answered yet */
unsigned int ha_redis_pending(const struct ha_redis *r);

/* gw/ha_load.c: the read-back behind ha_store_load (the keys of the node's two index sets) */
struct ha_load_cbs;
int ha_store_load_sets(struct ha_redis *r, const char *calls_key, const char *ccts_key,
		       const struct ha_load_cbs *cbs, void *data);
/* one index set, each member through cbs->hash_cb (ha_store_load_hashes) */
int ha_store_load_set(struct ha_redis *r, const char *key, const struct ha_load_cbs *cbs, void *data);

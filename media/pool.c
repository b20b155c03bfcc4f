/* RTP port pool: even RTP ports with the following odd port for RTCP, handed out round-robin so a
 * port just released is not reused at once (late packets of the old call). */
#include <string.h>
#include <talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/logging.h>
#include <ortp/ortp.h>
#include "media/media_internal.h"

static const struct rate_ctr_desc pool_ctr_desc[] = {
	[MEDIA_CTR_BRIDGES] = { "bridges", "Media bridges allocated" },
	[MEDIA_CTR_PORT_FAIL] = { "port:fail", "No RTP port could be bound" },
	[MEDIA_CTR_RELAYED] = { "rtp:relayed", "RTP packets relayed between legs" },
	[MEDIA_CTR_TRANSCODED] = { "rtp:transcoded", "RTP packets transcoded PCMA<->PCMU" },
	[MEDIA_CTR_EVENTS] = { "rtp:events", "RFC 4733 telephone-event packets relayed" },
	[MEDIA_CTR_DROPPED] = { "rtp:dropped", "RTP packets not relayed (direction, payload type)" },
	[MEDIA_CTR_TONE] = { "rtp:tone", "RTP packets of generated tones" },
	[MEDIA_CTR_TIMEOUT] = { "timeout", "Media timeouts" },
};

static const struct rate_ctr_group_desc pool_ctrg_desc = {
	.group_name_prefix = "media:pool",
	.group_description = "RTP media bridges",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(pool_ctr_desc),
	.ctr_desc = pool_ctr_desc,
};

/* ortp without its scheduler thread; its logs (to stdout) limited to errors */
void media_ortp_init_once(void)
{
	static bool done;

	if (done)
		return;
	ortp_init();
	ortp_set_log_level_mask("ortp", ORTP_ERROR | ORTP_FATAL);
	done = true;
}

static int pool_destructor(struct media_pool *pool)
{
	rate_ctr_group_free(pool->ctrs);
	return 0;
}

struct media_pool *media_pool_alloc(void *ctx, const char *bind_ip, uint16_t port_first, uint16_t port_last)
{
	static unsigned int idx;
	struct media_pool *pool;

	if (port_first & 1)
		port_first++;
	if (port_first == 0 || port_last <= port_first)
		return NULL;
	media_ortp_init_once();
	pool = talloc_zero(ctx, struct media_pool);
	if (!pool)
		return NULL;
	OSMO_STRLCPY_ARRAY(pool->bind_ip, bind_ip ? bind_ip : "0.0.0.0");
	pool->first = port_first;
	pool->last = port_last;
	pool->num_pairs = (port_last - port_first + 1) / 2;
	pool->used = talloc_zero_array(pool, uint8_t, pool->num_pairs);
	pool->ctrs = rate_ctr_group_alloc(pool, &pool_ctrg_desc, idx++);
	if (!pool->used || !pool->ctrs) {
		talloc_free(pool);
		return NULL;
	}
	talloc_set_destructor(pool, pool_destructor);
	return pool;
}

void media_pool_free(struct media_pool *pool)
{
	talloc_free(pool);
}

unsigned int media_pool_ports_free(const struct media_pool *pool)
{
	return pool->num_pairs - pool->num_used;
}

const char *media_pool_bind_ip(const struct media_pool *pool)
{
	return pool->bind_ip;
}

/* Next free pair (not bound yet: the caller binds and gives it back if that fails). */
int media_pool_get_pair(struct media_pool *pool, uint16_t *port)
{
	for (unsigned int i = 0; i < pool->num_pairs; i++) {
		unsigned int n = (pool->next + i) % pool->num_pairs;
		if (pool->used[n])
			continue;
		pool->used[n] = 1;
		pool->num_used++;
		pool->next = (n + 1) % pool->num_pairs;
		*port = pool->first + 2 * n;
		return 0;
	}
	return -ENOSPC;
}

void media_pool_put_pair(struct media_pool *pool, uint16_t port)
{
	unsigned int n = (port - pool->first) / 2;

	if (port < pool->first || n >= pool->num_pairs || !pool->used[n])
		return;
	pool->used[n] = 0;
	pool->num_used--;
}

void media_pool_ctr_inc(struct media_pool *pool, enum media_pool_ctr c)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(pool->ctrs, c));
}

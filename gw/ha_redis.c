/* Redis through hiredis' async API on the osmo_select loop (gw/ha_redis.h). The adapter is the
 * hook interface hiredis' adapters/ headers fill in (addRead, delRead, addWrite, delWrite,
 * cleanup), here mapped onto one osmo_fd's OSMO_FD_READ / OSMO_FD_WRITE. */
#include <errno.h>
#include <string.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>

#include "gw/debug.h"
#include "gw/ha_redis.h"

#define HA_REDIS_MAX_PENDING 20000	/* replies outstanding: beyond, Redis is too slow: drop */
#define HA_REDIS_BACKOFF_MAX 8		/* the reconnect delay doubles up to 8 x gw X20 */

struct ha_redis {
	char host[64];
	uint16_t port;
	struct osmo_tdef *tdefs;
	const struct ha_redis_ops *ops;
	void *data;
	redisAsyncContext *ac;		/* NULL while not connecting / connected */
	struct osmo_fd ofd;
	bool connected;
	bool down_reported;		/* the outage was reported (once per outage) */
	unsigned int backoff;		/* multiplier of X20 for the next attempt */
	unsigned int pending;
	struct osmo_timer_list timer;	/* reconnect backoff, or the connect guard (X21) */
};

struct ha_redis_cmd_ctx {
	struct ha_redis *r;
	ha_redis_reply_cb_t cb;
	void *priv;
};

/* ---- the adapter: hiredis' event hooks onto an osmo_fd ---- */

/* through osmo_fd_update_when: the poll/epoll set follows the change */
static void ad_want(struct ha_redis *r, unsigned int what, bool on)
{
	osmo_fd_update_when(&r->ofd, on ? OSMO_FD_MASK : ~what, on ? what : 0);
}

static void ad_add_read(void *p) { ad_want(p, OSMO_FD_READ, true); }
static void ad_del_read(void *p) { ad_want(p, OSMO_FD_READ, false); }
static void ad_add_write(void *p) { ad_want(p, OSMO_FD_WRITE, true); }
static void ad_del_write(void *p) { ad_want(p, OSMO_FD_WRITE, false); }

/* hiredis frees the context: the fd goes out of the select set */
static void ad_cleanup(void *p)
{
	struct ha_redis *r = p;
	if (osmo_fd_is_registered(&r->ofd))
		osmo_fd_unregister(&r->ofd);
	r->ofd.fd = -1;
	r->ac = NULL;
}

static int ad_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct ha_redis *r = ofd->data;
	if ((what & OSMO_FD_READ) && r->ac)
		redisAsyncHandleRead(r->ac);
	/* the read may have freed the context (disconnect): ad_cleanup cleared r->ac */
	if ((what & OSMO_FD_WRITE) && r->ac)
		redisAsyncHandleWrite(r->ac);
	return 0;
}

static int ad_attach(struct ha_redis *r, redisAsyncContext *ac)
{
	ac->ev.data = r;
	ac->ev.addRead = ad_add_read;
	ac->ev.delRead = ad_del_read;
	ac->ev.addWrite = ad_add_write;
	ac->ev.delWrite = ad_del_write;
	ac->ev.cleanup = ad_cleanup;
	osmo_fd_setup(&r->ofd, ac->c.fd, 0, ad_fd_cb, r, 0);
	return osmo_fd_register(&r->ofd);
}

/* ---- connection life cycle ---- */

static void ha_redis_schedule(struct ha_redis *r);

static void ha_redis_lost(struct ha_redis *r, const char *why)
{
	bool was_up = r->connected;
	r->connected = false;
	if (!r->down_reported) {
		/* one line per outage, not per call */
		LOGP(DGW, LOGL_ERROR, "HA: Redis %s:%u %s: %s; calls go on without replication\n", r->host,
		     r->port, was_up ? "lost" : "not reachable", why);
		r->down_reported = true;
		if (r->ops->down)
			r->ops->down(r, r->data);
	}
	ha_redis_schedule(r);
}

static void on_connect(const redisAsyncContext *ac, int status)
{
	struct ha_redis *r = ac->ev.data;
	if (status != REDIS_OK) {
		ha_redis_lost(r, ac->errstr);	/* hiredis frees ac after this */
		return;
	}
	osmo_timer_del(&r->timer);
	r->connected = true;
	r->backoff = 1;
	LOGP(DGW, LOGL_NOTICE, "HA: Redis %s:%u connected%s\n", r->host, r->port,
	     r->down_reported ? " again: replication resumes" : "");
	r->down_reported = false;
	if (r->ops->up)
		r->ops->up(r, r->data);
}

static void on_disconnect(const redisAsyncContext *ac, int status)
{
	struct ha_redis *r = ac->ev.data;
	ha_redis_lost(r, status == REDIS_OK ? "closed" : ac->errstr);
}

static void ha_redis_connect(struct ha_redis *r)
{
	redisAsyncContext *ac = redisAsyncConnect(r->host, r->port);
	if (!ac || ac->err) {
		char why[128];
		snprintf(why, sizeof(why), "%s", ac ? ac->errstr : "out of memory");
		if (ac)
			redisAsyncFree(ac);
		ha_redis_lost(r, why);
		return;
	}
	if (ad_attach(r, ac) < 0) {
		redisAsyncFree(ac);
		ha_redis_lost(r, "cannot register the socket");
		return;
	}
	r->ac = ac;
	/* after the attach: setting the connect callback asks for the first write event */
	redisAsyncSetConnectCallback(ac, on_connect);
	redisAsyncSetDisconnectCallback(ac, on_disconnect);
	/* the connect guard: a connect that hangs is given up after X21 */
	osmo_timer_schedule(&r->timer, 0, osmo_tdef_get(r->tdefs, -21, OSMO_TDEF_MS, 2000) * 1000);
}

static void ha_redis_timer_cb(void *data)
{
	struct ha_redis *r = data;
	if (r->ac && !r->connected) {
		redisAsyncContext *ac = r->ac;
		redisAsyncFree(ac);	/* ad_cleanup clears r->ac */
		ha_redis_lost(r, "connect timeout (gw X21)");
		return;
	}
	if (!r->ac)
		ha_redis_connect(r);
}

/* the next attempt after backoff x X20 (doubling up to HA_REDIS_BACKOFF_MAX) */
static void ha_redis_schedule(struct ha_redis *r)
{
	unsigned long ms = osmo_tdef_get(r->tdefs, -20, OSMO_TDEF_MS, 500) * r->backoff;
	if (r->backoff < HA_REDIS_BACKOFF_MAX)
		r->backoff *= 2;
	osmo_timer_schedule(&r->timer, ms / 1000, (ms % 1000) * 1000);
}

struct ha_redis *ha_redis_alloc(void *ctx, const char *host, uint16_t port, struct osmo_tdef *tdefs,
				const struct ha_redis_ops *ops, void *data)
{
	struct ha_redis *r = talloc_zero(ctx, struct ha_redis);
	snprintf(r->host, sizeof(r->host), "%s", host);
	r->port = port;
	r->tdefs = tdefs;
	r->ops = ops;
	r->data = data;
	r->backoff = 1;
	r->ofd.fd = -1;
	osmo_timer_setup(&r->timer, ha_redis_timer_cb, r);
	return r;
}

void ha_redis_start(struct ha_redis *r)
{
	if (!r->ac)
		ha_redis_connect(r);
}

void ha_redis_free(struct ha_redis *r)
{
	if (!r)
		return;
	osmo_timer_del(&r->timer);
	if (r->ac) {
		/* no callbacks into a store being freed */
		r->ac->onDisconnect = NULL;
		redisAsyncFree(r->ac);
	}
	talloc_free(r);
}

bool ha_redis_connected(const struct ha_redis *r)
{
	return r && r->connected;
}

unsigned int ha_redis_pending(const struct ha_redis *r)
{
	return r ? r->pending : 0;
}

static void ha_redis_reply(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct ha_redis_cmd_ctx *c = privdata;
	c->r->pending--;
	if (c->cb)
		c->cb(c->r, reply, c->priv);
	talloc_free(c);
}

int ha_redis_cmd(struct ha_redis *r, ha_redis_reply_cb_t cb, void *priv, int argc, const char **argv,
		 const size_t *argvlen)
{
	struct ha_redis_cmd_ctx *c;
	if (!r || !r->connected || !r->ac || r->pending >= HA_REDIS_MAX_PENDING)
		return -1;
	c = talloc_zero(r, struct ha_redis_cmd_ctx);
	c->r = r;
	c->cb = cb;
	c->priv = priv;
	if (redisAsyncCommandArgv(r->ac, ha_redis_reply, c, argc, argv, argvlen) != REDIS_OK) {
		talloc_free(c);
		return -1;
	}
	r->pending++;
	return 0;
}

/* HEP v3 encoder and the non-blocking UDP sender (hep/hep.h). Chunk layout from the HEP3
 * specification rev. 12, section 2: every chunk is vendor id (0 = generic), type id, length
 * (header included), value; all integers in network order. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/talloc.h>

#include "hep/hep.h"

enum hep_chunk_id {
	HEP_CH_IP_FAMILY = 0x0001,
	HEP_CH_IP_PROTO = 0x0002,
	HEP_CH_IPV4_SRC = 0x0003,
	HEP_CH_IPV4_DST = 0x0004,
	HEP_CH_IPV6_SRC = 0x0005,
	HEP_CH_IPV6_DST = 0x0006,
	HEP_CH_SRC_PORT = 0x0007,
	HEP_CH_DST_PORT = 0x0008,
	HEP_CH_TS_SEC = 0x0009,
	HEP_CH_TS_USEC = 0x000a,
	HEP_CH_PROTO_TYPE = 0x000b,
	HEP_CH_CAPTURE_ID = 0x000c,
	HEP_CH_AUTH_KEY = 0x000e,
	HEP_CH_PAYLOAD = 0x000f,
	HEP_CH_CORR_ID = 0x0011,
};

enum hep_ctr {
	HEP_CTR_SENT,
	HEP_CTR_DROPPED,
};

static const struct rate_ctr_desc hep_ctr_desc[] = {
	[HEP_CTR_SENT] = { "hep:sent", "HEP packets sent to the collector" },
	[HEP_CTR_DROPPED] = { "hep:dropped", "HEP packets dropped (socket buffer full, send error, too big)" },
};

static const struct rate_ctr_group_desc hep_ctrg_desc = {
	.group_name_prefix = "hep",
	.group_description = "HEP capture export",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(hep_ctr_desc),
	.ctr_desc = hep_ctr_desc,
};

static struct hep_cfg g_cfg = { .capture_id = 1, .sip = true, .isup = true };
static int g_fd = -1;
static struct rate_ctr_group *g_ctrs;
static void *g_ctx;

struct hep_cfg *hep_cfg(void)
{
	return &g_cfg;
}

struct enc {
	uint8_t *buf;
	size_t size, len;
	bool overflow;
};

static void put_chunk(struct enc *e, uint16_t id, const void *val, size_t len)
{
	uint16_t hdr[3] = { htons(0), htons(id), htons(6 + len) };

	if (e->overflow || e->len + 6 + len > e->size || 6 + len > 0xffff) {
		e->overflow = true;
		return;
	}
	memcpy(e->buf + e->len, hdr, 6);
	memcpy(e->buf + e->len + 6, val, len);
	e->len += 6 + len;
}

static void put_u8(struct enc *e, uint16_t id, uint8_t v)
{
	put_chunk(e, id, &v, 1);
}

static void put_u16(struct enc *e, uint16_t id, uint16_t v)
{
	v = htons(v);
	put_chunk(e, id, &v, 2);
}

static void put_u32(struct enc *e, uint16_t id, uint32_t v)
{
	v = htonl(v);
	put_chunk(e, id, &v, 4);
}

static bool put_addrs(struct enc *e, const struct osmo_sockaddr *src, const struct osmo_sockaddr *dst)
{
	if (src->u.sa.sa_family != dst->u.sa.sa_family)
		return false;
	if (src->u.sa.sa_family == AF_INET) {
		put_u8(e, HEP_CH_IP_FAMILY, AF_INET);
		put_chunk(e, HEP_CH_IPV4_SRC, &src->u.sin.sin_addr, 4);
		put_chunk(e, HEP_CH_IPV4_DST, &dst->u.sin.sin_addr, 4);
		put_u16(e, HEP_CH_SRC_PORT, ntohs(src->u.sin.sin_port));
		put_u16(e, HEP_CH_DST_PORT, ntohs(dst->u.sin.sin_port));
	} else if (src->u.sa.sa_family == AF_INET6) {
		put_u8(e, HEP_CH_IP_FAMILY, AF_INET6);
		put_chunk(e, HEP_CH_IPV6_SRC, &src->u.sin6.sin6_addr, 16);
		put_chunk(e, HEP_CH_IPV6_DST, &dst->u.sin6.sin6_addr, 16);
		put_u16(e, HEP_CH_SRC_PORT, ntohs(src->u.sin6.sin6_port));
		put_u16(e, HEP_CH_DST_PORT, ntohs(dst->u.sin6.sin6_port));
	} else
		return false;
	return true;
}

size_t hep_encode(uint8_t *buf, size_t size, const struct hep_cfg *cfg, const struct hep_pkt *p)
{
	struct enc e = { .buf = buf, .size = size, .len = 6 };
	uint16_t total;

	if (size < 6 || !p->src || !p->dst)
		return 0;
	if (!put_addrs(&e, p->src, p->dst))
		return 0;
	put_u8(&e, HEP_CH_IP_PROTO, p->ip_proto);
	put_u32(&e, HEP_CH_TS_SEC, p->ts.tv_sec);
	put_u32(&e, HEP_CH_TS_USEC, p->ts.tv_usec);
	put_u8(&e, HEP_CH_PROTO_TYPE, p->proto_type);
	put_u32(&e, HEP_CH_CAPTURE_ID, cfg->capture_id);
	if (cfg->auth_key[0])
		put_chunk(&e, HEP_CH_AUTH_KEY, cfg->auth_key, strlen(cfg->auth_key));
	if (p->corr_id && p->corr_id[0])
		put_chunk(&e, HEP_CH_CORR_ID, p->corr_id, strlen(p->corr_id));
	put_chunk(&e, HEP_CH_PAYLOAD, p->payload, p->payload_len);
	if (e.overflow || e.len > 0xffff)
		return 0;
	memcpy(buf, "HEP3", 4);
	total = htons(e.len);
	memcpy(buf + 4, &total, 2);
	return e.len;
}

void hep_send(const struct hep_pkt *p)
{
	static uint8_t buf[65535];
	size_t len;

	if (g_fd < 0)
		return;
	len = hep_encode(buf, sizeof(buf), &g_cfg, p);
	/* MSG_DONTWAIT: the call path never waits for the collector; a full buffer drops */
	if (!len || send(g_fd, buf, len, MSG_DONTWAIT) < 0) {
		rate_ctr_inc(rate_ctr_group_get_ctr(g_ctrs, HEP_CTR_DROPPED));
		return;
	}
	rate_ctr_inc(rate_ctr_group_get_ctr(g_ctrs, HEP_CTR_SENT));
}

static void hep_close(void)
{
	if (g_fd >= 0)
		close(g_fd);
	g_fd = -1;
}

int hep_start(void *ctx)
{
	g_ctx = ctx;
	if (!g_ctrs)
		g_ctrs = rate_ctr_group_alloc(ctx, &hep_ctrg_desc, 0);
	hep_close();
	if (!g_cfg.enabled)
		return 0;
	g_fd = osmo_sock_init_osa(SOCK_DGRAM, IPPROTO_UDP, NULL, &g_cfg.collector,
				  OSMO_SOCK_F_CONNECT | OSMO_SOCK_F_NONBLOCK);
	if (g_fd < 0) {
		LOGP(DLGLOBAL, LOGL_ERROR, "HEP: cannot open the socket to the collector\n");
		return -1;
	}
	return 0;
}

/* after a VTY change at run time (before hep_start: nothing to do yet) */
void hep_restart(void)
{
	if (g_ctx)
		hep_start(g_ctx);
}

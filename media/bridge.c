/* Bridge life cycle (standalone or as a child FSM), local endpoints, statistics. Remote endpoints:
 * remote.c; direction: bridge_fsm.c. */
#include <string.h>
#include <errno.h>
#include <stdio.h>
#include <talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/logging.h>
#include "media/media_internal.h"

const char *media_leg_name(enum media_leg leg)
{
	return leg == MEDIA_LEG_PSTN ? "pstn" : leg == MEDIA_LEG_SIP ? "sip" : "?";
}

const char *media_codec_name(enum media_codec codec)
{
	return codec == MEDIA_CODEC_CLEARMODE ? "CLEARMODE" : codec == MEDIA_CODEC_PCMA ? "PCMA" : "PCMU";
}

/* The bridge's resources (timers, tones, sockets and ortp sessions, pool ports); idempotent: run
 * by the FSM's cleanup (child bridges) and again by the talloc destructor. */
static void bridge_release(struct media_bridge *b)
{
	osmo_timer_del(&b->timeout_timer);
	media_tone_stop_all(b);
	for (int i = 0; i < _NUM_MEDIA_LEGS; i++)
		media_leg_close(&b->legs[i]);
}

void media_bridge_fsm_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	if (fi->priv)
		bridge_release(fi->priv);
}

/* Bridges of media_bridge_alloc own their FSM instance (a talloc child of the bridge); child
 * bridges are owned by it (the bridge is a talloc child of the instance). */
static int bridge_destructor(struct media_bridge *b)
{
	bridge_release(b);
	if (!b->child && b->fi) {
		osmo_fsm_inst_free(b->fi);
		b->fi = NULL;
	}
	return 0;
}

static void bridge_init(struct media_bridge *b, struct media_pool *pool, const char *name, enum media_leg calling)
{
	b->pool = pool;
	b->calling = calling;
	OSMO_STRLCPY_ARRAY(b->name, name ? name : "bridge");
	osmo_timer_setup(&b->tone_timer, media_tone_tick, b);
	osmo_timer_setup(&b->timeout_timer, media_timeout_cb, b);
	for (int i = 0; i < _NUM_MEDIA_LEGS; i++) {
		b->legs[i].b = b;
		b->legs[i].leg = i;
		b->legs[i].ofd.fd = -1;
		b->legs[i].rtcp_ofd.fd = -1;
		b->legs[i].txq_head = b->legs[i].txq_tail = -1;
		b->legs[i].te_pt = -1;
		b->legs[i].pt = 0;
	}
	talloc_set_destructor(b, bridge_destructor);
	osmo_fsm_inst_update_id_f_sanitize(b->fi, '-', "%s", b->name);
}

/* The local ports of both legs: the PSTN leg on pstn_ip:pstn_port when given, else from the pool */
static int bridge_open(struct media_bridge *b, const char *pstn_ip, uint16_t pstn_port)
{
	for (int i = 0; i < _NUM_MEDIA_LEGS; i++) {
		bool fixed = i == MEDIA_LEG_PSTN && pstn_ip && pstn_port;
		int rc = fixed ? media_leg_open_fixed(&b->legs[i], pstn_ip, pstn_port) : media_leg_open(&b->legs[i]);
		if (rc < 0) {
			LOGP(DMEDIA, LOGL_ERROR, "%s: no RTP port for the %s leg\n", b->name, media_leg_name(i));
			return rc;
		}
	}
	media_pool_ctr_inc(b->pool, MEDIA_CTR_BRIDGES);
	LOGP(DMEDIA, LOGL_INFO, "%s: bridge pstn port %u, sip port %u, calling on %s\n", b->name,
	     b->legs[MEDIA_LEG_PSTN].local_port, b->legs[MEDIA_LEG_SIP].local_port, media_leg_name(b->calling));
	return 0;
}

struct media_bridge *media_bridge_alloc(struct media_pool *pool, void *ctx, const char *name,
					enum media_leg calling)
{
	return media_bridge_alloc_pstn(pool, ctx, name, calling, NULL, 0);
}

struct media_bridge *media_bridge_alloc_pstn(struct media_pool *pool, void *ctx, const char *name,
					     enum media_leg calling, const char *pstn_ip, uint16_t pstn_port)
{
	struct media_bridge *b;

	if (calling >= _NUM_MEDIA_LEGS)
		return NULL;
	b = talloc_zero(ctx ? ctx : pool, struct media_bridge);
	if (!b)
		return NULL;
	b->fi = osmo_fsm_inst_alloc(&media_bridge_fsm, b, b, LOGL_DEBUG, NULL);
	if (!b->fi) {
		talloc_free(b);
		return NULL;
	}
	bridge_init(b, pool, name, calling);
	if (bridge_open(b, pstn_ip, pstn_port) < 0) {
		talloc_free(b);
		return NULL;
	}
	return b;
}

struct media_bridge *media_bridge_alloc_child(struct osmo_fsm_inst *parent, uint32_t term_event,
					      struct media_pool *pool, const char *name, enum media_leg calling,
					      const char *pstn_ip, uint16_t pstn_port)
{
	struct osmo_fsm_inst *fi;
	struct media_bridge *b;

	if (calling >= _NUM_MEDIA_LEGS || !parent)
		return NULL;
	fi = osmo_fsm_inst_alloc_child(&media_bridge_fsm, parent, term_event);
	if (!fi)
		return NULL;
	b = talloc_zero(fi, struct media_bridge);
	if (!b)
		goto fail;
	fi->priv = b;
	b->fi = fi;
	b->child = true;
	bridge_init(b, pool, name, calling);
	if (bridge_open(b, pstn_ip, pstn_port) < 0)
		goto fail;
	return b;
fail:
	/* no bridge: the owner learns it from the NULL return, not from a term event */
	osmo_fsm_inst_unlink_parent(fi, NULL);
	osmo_fsm_inst_term(fi, OSMO_FSM_TERM_ERROR, NULL);
	return NULL;
}

int media_bridge_rebind_pstn(struct media_bridge *b, const char *ip, uint16_t port)
{
	struct media_leg_state *l = &b->legs[MEDIA_LEG_PSTN];
	int rc;

	if (l->local_port == port && l->fixed && !strcmp(l->local_ip, ip ? ip : ""))
		return 0;
	media_leg_close(l);
	rc = port ? media_leg_open_fixed(l, ip, port) : media_leg_open(l);
	if (rc < 0)
		return rc;
	LOGP(DMEDIA, LOGL_INFO, "%s: pstn leg moved to local port %u\n", b->name, l->local_port);
	return media_leg_apply_remote(l);
}

void media_bridge_set_dtmf_inband(struct media_bridge *b, enum media_leg leg, bool on)
{
	if (leg < _NUM_MEDIA_LEGS)
		b->legs[leg].dtmf.inband = on && b->legs[leg].codec != MEDIA_CODEC_CLEARMODE;
}

void media_bridge_free(struct media_bridge *b)
{
	if (!b)
		return;
	if (!b->child) {
		talloc_free(b);
		return;
	}
	/* the cleanup closes the sockets now; the instance (and b) is freed from the dealloc ctx */
	if (!b->fi->proc.terminating)
		osmo_fsm_inst_term(b->fi, OSMO_FSM_TERM_REQUEST, NULL);
}

uint16_t media_bridge_local_port(const struct media_bridge *b, enum media_leg leg)
{
	return leg < _NUM_MEDIA_LEGS ? b->legs[leg].local_port : 0;
}

const char *media_bridge_local_ip(const struct media_bridge *b)
{
	return b->legs[MEDIA_LEG_SIP].local_ip;
}

const char *media_bridge_leg_local_ip(const struct media_bridge *b, enum media_leg leg)
{
	return leg < _NUM_MEDIA_LEGS ? b->legs[leg].local_ip : "";
}

const char *media_bridge_name(const struct media_bridge *b)
{
	return b->name;
}

void media_bridge_get_stats(const struct media_bridge *b, struct media_bridge_stats *st)
{
	for (int i = 0; i < _NUM_MEDIA_LEGS; i++)
		st->leg[i] = b->legs[i].st;
}

int media_bridge_summary(const struct media_bridge *b, char *buf, size_t len)
{
	const struct media_leg_state *p = &b->legs[MEDIA_LEG_PSTN], *s = &b->legs[MEDIA_LEG_SIP];

	return snprintf(buf, len,
			"dir=%s pstn %u->%s:%u %s rx %llu tx %llu lost %llu | sip %u->%s:%u %s rx %llu tx %llu lost %llu%s%s",
			media_dir_name(media_bridge_dir(b)),
			p->local_port, p->has_remote ? p->remote_ip : "-", p->remote_port, media_codec_name(p->codec),
			(unsigned long long)p->st.rx_packets, (unsigned long long)p->st.tx_packets,
			(unsigned long long)p->st.rx_lost,
			s->local_port, s->has_remote ? s->remote_ip : "-", s->remote_port, media_codec_name(s->codec),
			(unsigned long long)s->st.rx_packets, (unsigned long long)s->st.tx_packets,
			(unsigned long long)s->st.rx_lost,
			p->tone.gen ? " tone->pstn" : "", s->tone.gen ? " tone->sip" : "");
}

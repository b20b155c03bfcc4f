/* Bridge life cycle and configuration: two legs on pool ports, remote endpoints and payload
 * formats, direction (via the FSM), statistics. */
#include <string.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/logging.h>
#include "gw/debug.h"
#include "media/media_internal.h"

static const struct value_string dir_names[] = {
	{ MEDIA_DIR_OFF, "off" },
	{ MEDIA_DIR_BACKWARD, "backward" },
	{ MEDIA_DIR_BOTH, "both" },
	{ MEDIA_DIR_STOPPED, "stopped" },
	{ 0, NULL }
};

const char *media_dir_name(enum media_dir dir)
{
	return get_value_string(dir_names, dir);
}

const char *media_leg_name(enum media_leg leg)
{
	return leg == MEDIA_LEG_PSTN ? "pstn" : leg == MEDIA_LEG_SIP ? "sip" : "?";
}

const char *media_codec_name(enum media_codec codec)
{
	return codec == MEDIA_CODEC_PCMA ? "PCMA" : "PCMU";
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
		int rc = i == MEDIA_LEG_PSTN && pstn_port ? media_leg_open_fixed(&b->legs[i], pstn_ip, pstn_port)
							  : media_leg_open(&b->legs[i]);
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
		b->legs[leg].dtmf.inband = on;
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

/* Remember the leg's current remote as replaced; forget the new one if it was replaced before */
static void note_replaced(struct media_leg_state *l, const char *new_ip, uint16_t new_port)
{
	for (unsigned int i = 0; i < l->num_replaced; i++)
		if (new_ip && l->replaced[i].port == new_port && !strcmp(l->replaced[i].ip, new_ip))
			l->replaced[i].port = 0;
	if (!l->has_remote || (new_ip && l->remote_port == new_port && !strcmp(l->remote_ip, new_ip)))
		return;
	OSMO_STRLCPY_ARRAY(l->replaced[l->next_replaced].ip, l->remote_ip);
	l->replaced[l->next_replaced].port = l->remote_port;
	l->next_replaced = (l->next_replaced + 1) % ARRAY_SIZE(l->replaced);
	if (l->num_replaced < ARRAY_SIZE(l->replaced))
		l->num_replaced++;
}

bool media_leg_src_refused(const struct media_leg_state *l, const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	char ip[INET_ADDRSTRLEN];

	if ((!l->num_replaced && !l->only_remote) || len < (socklen_t)sizeof(*sin) || sin->sin_family != AF_INET)
		return false;
	if (!inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip)))
		return false;
	if (l->only_remote)
		return !l->has_remote || l->remote_port != ntohs(sin->sin_port) || strcmp(l->remote_ip, ip);
	for (unsigned int i = 0; i < l->num_replaced; i++)
		if (l->replaced[i].port && l->replaced[i].port == ntohs(sin->sin_port) && !strcmp(l->replaced[i].ip, ip))
			return true;
	return false;
}

void media_bridge_only_remote(struct media_bridge *b, enum media_leg leg, bool on)
{
	if (leg < _NUM_MEDIA_LEGS)
		b->legs[leg].only_remote = on;
}

int media_bridge_set_remote(struct media_bridge *b, enum media_leg leg, const char *ip, uint16_t port)
{
	struct media_leg_state *l;

	if (leg >= _NUM_MEDIA_LEGS)
		return -EINVAL;
	l = &b->legs[leg];
	note_replaced(l, ip && *ip && port ? ip : NULL, port);
	if (!ip || !*ip || !port) {
		/* no remote (SDP port 0): stop sending to the old address at once */
		l->has_remote = false;
		l->remote_port = 0;
		l->remote_ip[0] = 0;
		LOGP(DMEDIA, LOGL_INFO, "%s: %s leg: no remote\n", b->name, media_leg_name(leg));
		return 0;
	}
	if (l->has_remote && !strcmp(l->remote_ip, ip) && l->remote_port == port)
		return 0;
	OSMO_STRLCPY_ARRAY(l->remote_ip, ip);
	l->remote_port = port;
	l->has_remote = true;
	LOGP(DMEDIA, LOGL_INFO, "%s: %s leg: remote %s:%u\n", b->name, media_leg_name(leg), ip, port);
	return media_leg_apply_remote(l);
}

int media_bridge_set_leg(struct media_bridge *b, enum media_leg leg, const char *ip, uint16_t port,
			 enum media_codec codec, uint8_t pt, int te_pt)
{
	struct media_leg_state *l;

	if (leg >= _NUM_MEDIA_LEGS || pt > 127 || te_pt > 127)
		return -EINVAL;
	l = &b->legs[leg];
	l->codec = codec;
	l->pt = pt;
	l->te_pt = te_pt < 0 ? -1 : te_pt;
	return media_bridge_set_remote(b, leg, ip, port);
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

int media_bridge_set_dir(struct media_bridge *b, enum media_dir dir)
{
	static const uint32_t ev[] = {
		[MEDIA_DIR_OFF] = MEDIA_EV_SET_OFF,
		[MEDIA_DIR_BACKWARD] = MEDIA_EV_SET_BACKWARD,
		[MEDIA_DIR_BOTH] = MEDIA_EV_SET_BOTH,
		[MEDIA_DIR_STOPPED] = MEDIA_EV_STOP,
	};

	if (dir > MEDIA_DIR_STOPPED)
		return -EINVAL;
	/* refused here, without the FSM's error log: the caller is told by the return value */
	if (!(media_bridge_fsm.states[b->fi->state].in_event_mask & (1 << ev[dir]))) {
		LOGPFSML(b->fi, LOGL_INFO, "direction %s refused\n", media_dir_name(dir));
		return -EPERM;
	}
	return osmo_fsm_inst_dispatch(b->fi, ev[dir], NULL);
}

enum media_dir media_bridge_dir(const struct media_bridge *b)
{
	return b->fi->state;
}

void media_bridge_stop(struct media_bridge *b)
{
	media_bridge_set_dir(b, MEDIA_DIR_STOPPED);
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

/* Active/standby pair on one point code: two ASPs of one M3UA AS in traffic-mode override at
 * the SGP (OsmoSTP). One node's ASP is ASP-ACTIVE; the other stays ASP-UP / ASP-INACTIVE until
 * the SGP reports the AS pending (the active ASP is gone, RFC 4666 4.3.4.3 / 4.3.4.5), then it
 * sends ASP-ACTIVE and ha_became_active() runs. See README "Several nodes". */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/rate_ctr.h>

struct vty;
struct gw_iwf;
struct osmo_ss7_asp;
struct osmo_ss7_as;

enum gw_ha_role {
	GW_HA_ROLE_DOWN,	/* ASP not up (no transport, or ASP-DOWN) */
	GW_HA_ROLE_STANDBY,	/* ASP-UP, ASP-INACTIVE: the other node holds the AS */
	GW_HA_ROLE_ACTIVE,	/* ASP-ACTIVE: this node carries the point code */
};

enum gw_ha_ctr {
	GW_HA_CTR_BECAME_ACTIVE,	/* ha_became_active() ran */
	GW_HA_CTR_LOST_ACTIVE,		/* left ASP-ACTIVE (transport lost, Alternate ASP Active) */
	GW_HA_CTR_TAKEOVER,		/* standby -> active */
	GW_HA_CTR_RESTORED,		/* answered calls restored at a takeover (gw/ha_takeover.c) */
	GW_HA_CTR_RESTORE_FAILED,	/* calls not restored, or released when their re-INVITE failed */
	GW_HA_CTR_RESTORE_FALLBACK,	/* takeovers without a restore (no Redis, read-back failed): GRS */
	GW_HA_CTR_CLEARED,		/* unanswered calls cleared at a takeover (gw/ha_early.c) */
};

/* called once each time this node becomes the active one (after its ASP-ACTIVE Ack) */
typedef void (*gw_ha_active_cb)(struct gw_iwf *iwf, void *priv);
struct gw_ha;
/* called on every role change (before the active hook), and once at start with DOWN -> DOWN */
typedef void (*gw_ha_role_cb)(struct gw_ha *ha, enum gw_ha_role was, enum gw_ha_role now, void *priv);

struct gw_ha {
	struct gw_iwf *iwf;
	char *asp_name;			/* 'ha asp NAME': NULL = HA off */
	struct osmo_ss7_asp *asp;
	struct osmo_ss7_as *as;		/* the local AS the ASP serves (the point code) */
	enum gw_ha_role role;
	bool started;
	time_t since;			/* last role change */
	struct osmo_timer_list poll;
	struct rate_ctr_group *ctrs;
	gw_ha_active_cb active_cb;
	void *active_priv;
	gw_ha_role_cb role_cb;
	void *role_priv;
};

struct gw_ha *gw_ha_alloc(struct gw_iwf *iwf);
/* after the config is read and the cs7 instance exists, before the select loop runs:
 * hands the ASP to libosmo-sigtran's default layer manager (ASP-ACTIVE only on NTFY
 * AS-INACTIVE / AS-PENDING). Returns 0, or -1 with a message on stderr. */
int gw_ha_pair_start(struct gw_ha *ha);
bool gw_ha_enabled(const struct gw_ha *ha);
enum gw_ha_role gw_ha_role(const struct gw_ha *ha);
const char *gw_ha_role_name(enum gw_ha_role role);

/* The takeover hook: the Redis restore registers here (one callback). */
void gw_ha_set_active_cb(struct gw_ha *ha, gw_ha_active_cb cb, void *priv);
void ha_became_active(struct gw_ha *ha);
/* The role-change hook: the role file and notify script (gw/ha_role.c) register here */
void gw_ha_set_role_cb(struct gw_ha *ha, gw_ha_role_cb cb, void *priv);
/* the state name of an osmo_fsm instance by FSM name and id, "-" when there is none */
const char *gw_ha_fsm_state(const char *fsm_name, const char *id);
void gw_ha_ctr_inc(struct gw_ha *ha, enum gw_ha_ctr ctr);
void gw_ha_ctr_add(struct gw_ha *ha, enum gw_ha_ctr ctr, unsigned int n);
uint64_t gw_ha_ctr_get(const struct gw_ha *ha, enum gw_ha_ctr ctr);

void gw_ha_pair_vty_init(struct gw_ha *ha, int gw_node);
void gw_ha_pair_vty_write(struct vty *vty, const struct gw_ha *ha);
/* the pair's part of 'show ha': role, ASP and AS state, counters */
void gw_ha_pair_show(struct vty *vty);

/* The HA state store: what a standby node needs to carry on the answered calls and the circuit
 * states of a node, kept in Redis (gw/ha_redis.h), one hash per record (README "Several
 * nodes" has the format). Written by the node that owns the calls (gw/ha_call.c), read back by
 * the node taking over (ha_store_load).
 *
 * Keys (P: 'redis key-prefix', default "sipt-gw:"; N: 'node-id'):
 *   P N:call:<gw call id>     hash, one answered call (struct ha_call_rec)
 *   P N:cct:<group>:<cic>     hash, one circuit (struct ha_cct_rec)
 *   P N:calls, P N:ccts       sets of the keys above (what ha_store_load walks)
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <time.h>

#include "isup/isup_call.h"
#include "sip/sip_snapshot.h"

struct gw_iwf;
struct ha_store;
struct vty;
struct osmo_tdef;

/* One answered call: the ISUP side, the SIP dialog, the media and when it was answered */
struct ha_call_rec {
	char node[64];
	uint32_t id;			/* the gw call id on that node */
	bool ingress;			/* ISUP -> SIP */
	uint16_t cic;
	uint32_t dpc;
	char group[64];
	struct sip_dialog_snapshot dlg;	/* Call-ID, tags, CSeqs, route set, remote target, trunk */
	uint16_t rtp_pstn, rtp_sip;	/* the media bridge's local ports (0: no bridge) */
	char sip_media[96];		/* the SIP peer's RTP "IP:PORT" (its SDP) */
	char pstn_media[64];		/* the circuit's bearer "IP:PORT" */
	char codec[32];			/* negotiated: the first codec of the SIP side's SDP */
	int pt;				/* its payload type, -1: unknown */
	int64_t answered;		/* answer time, Unix seconds */
};

/* One circuit */
struct ha_cct_rec {
	char node[64];
	char group[64];
	uint16_t cic;
	enum isup_cct_summary state;
};

/* ---- the record <-> hash field encoding (pure; tests/gw/test_ha_store.c) ---- */
#define HA_CALL_FIELDS 25		/* field/value pairs of a call record */
#define HA_CCT_FIELDS 4
/* one field's value as text */
struct ha_field {
	const char *name;
	char value[1024];
};
/* Fill f[] (HA_CALL_FIELDS entries) from rec; returns the number of fields */
unsigned int ha_call_rec_encode(const struct ha_call_rec *rec, struct ha_field *f);
/* Parse an HGETALL answer (names[i], values[i]); -1 when a required field is missing or bad */
int ha_call_rec_decode(struct ha_call_rec *rec, const char *const *names, const char *const *values,
		       unsigned int n);
unsigned int ha_cct_rec_encode(const struct ha_cct_rec *rec, struct ha_field *f);
int ha_cct_rec_decode(struct ha_cct_rec *rec, const char *const *names, const char *const *values,
		      unsigned int n);

/* ---- the store ---- */
struct ha_store_cfg {
	bool enabled;			/* 'redis HOST PORT' given */
	char host[64];
	uint16_t port;
	char node_id[64];
	char prefix[64];
};

struct ha_store *ha_store_alloc(void *ctx, const struct ha_store_cfg *cfg, struct osmo_tdef *tdefs);
void ha_store_free(struct ha_store *st);
/* Connect (asynchronously); up: called on each (re)connection, e.g. to write the current state */
void ha_store_start(struct ha_store *st, void (*up)(struct ha_store *st, void *data), void *data);
bool ha_store_connected(const struct ha_store *st);
/* Whether this node writes (default: active). A standby of a pair shares the active's node-id,
 * so it must not write (its idle circuits would overwrite the active's busy ones) but may read
 * (ha_store_load); becoming active writes the whole current state at once (as a reconnection
 * does). For the takeover (the M3UA side: ASP-ACTIVE / inactive). */
void ha_store_set_active(struct ha_store *st, bool active);
bool ha_store_active(const struct ha_store *st);
const char *ha_store_node(const struct ha_store *st);

/* Writes: queued and pipelined; when Redis is not there each one counts in ha:redis_errors */
void ha_store_call_put(struct ha_store *st, const struct ha_call_rec *rec);
void ha_store_call_del(struct ha_store *st, uint32_t id);
void ha_store_cct_put(struct ha_store *st, const struct ha_cct_rec *rec);
/* Any record type: the hash P N:what with the fields names/values (at most HA_CALL_FIELDS), its
 * key in the set P N:set; its deletion (DEL + SREM); ha_store_key_del by the full key, with
 * 'takeover' also on a standby (the dead node's records, deleted before this node writes) */
void ha_store_hash_put(struct ha_store *st, const char *what, const char *set, const char *const *names,
		       const char *const *values, unsigned int n);
void ha_store_hash_del(struct ha_store *st, const char *what, const char *set);
void ha_store_key_del(struct ha_store *st, const char *key, const char *set, bool takeover);

/* Read back every record of node 'node' (the takeover): call_cb for each call record, cct_cb for
 * each circuit record, then done_cb once with the number of records and of errors (a record
 * that could not be read or parsed; 0 with Redis reachable and the records well formed).
 * Asynchronous: the callbacks run from the select loop; -1 when not connected (nothing runs). */
struct ha_load_cbs {
	void (*call_cb)(const struct ha_call_rec *rec, void *data);
	void (*cct_cb)(const struct ha_cct_rec *rec, void *data);
	void (*done_cb)(unsigned int records, unsigned int errors, void *data);
	/* ha_store_load_hashes: each hash of the set as it is (key: its full Redis key); a value
	 * below 0 counts the record as an error */
	int (*hash_cb)(const char *key, const char *const *names, const char *const *values, unsigned int n,
		       void *data);
};
int ha_store_load(struct ha_store *st, const char *node, const struct ha_load_cbs *cbs, void *data);
/* Read back every hash of node 'node' listed in its set 'set' (P N:set) through cbs->hash_cb,
 * then cbs->done_cb; as ha_store_load otherwise (record types of their own: gw/ha_early.c) */
int ha_store_load_hashes(struct ha_store *st, const char *node, const char *set, const struct ha_load_cbs *cbs,
			 void *data);

/* Counters (ha:redis_errors, ha:writes) for 'show ha' and the tests */
uint64_t ha_store_errors(const struct ha_store *st);
uint64_t ha_store_writes(const struct ha_store *st);

/* For 'show cluster': records written by kind, the Redis link's last change (connected or lost,
 * Unix s, 0: neither yet), the last passive -> active switch (monotonic; the whole state queued) */
struct ha_store_stats {
	uint64_t call_records, cct_records, writes, errors;
	time_t link_since;
	struct timespec active_at;
};
void ha_store_stats(const struct ha_store *st, struct ha_store_stats *s);
/* the connection, for records of other modules (gw/ha_cluster.c: presence) */
struct ha_redis *ha_store_redis(struct ha_store *st);

/* gw/ha_call.c: the IWF's side (calls and circuits into the store) */
extern const struct value_string ha_codec_names[];	/* the record's codec field (enum sip_codec) */
void gw_ha_start(struct gw_iwf *iwf);
void gw_ha_stop(struct gw_iwf *iwf);
/* the node's role in its pair (ha_store_set_active); no-op without a store */
void gw_ha_set_active(struct gw_iwf *iwf, bool active);
/* gw/ha_vty.c: the 'ha' config node, 'show ha' */
void gw_ha_vty_init(struct gw_iwf *iwf);
struct ha_store_cfg *gw_ha_cfg(void);
/* after reading the config: 'redis' without 'node-id' (FILE:LINE on stderr); returns the problems */
int gw_ha_check_config(void);

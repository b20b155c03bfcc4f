/* The HA state store (gw/ha_store.h), TAP output:
 *  - the record encoding: every field of a call and a circuit record survives encode + decode,
 *    and a hash with a required field missing, a bad number, a bad direction or state, or a
 *    field twice is refused (hand-written field lists);
 *  - with a Redis port as argument (tests/gw/ha-store.test starts a private redis-server): the
 *    store's writes and ha_store_load's read-back on the select loop, a record removed, a
 *    malformed hash counted as an error, another node's records not read; a standby (passive)
 *    store writes nothing but reads, and writes the whole state once it becomes active; a record
 *    of another type (ha_store_hash_put) read back with ha_store_load_hashes and deleted by a
 *    standby at the takeover (ha_store_key_del). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <osmocom/core/application.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/logging.h>
#include <hiredis/hiredis.h>

#include "common/debug.h"
#include "gw/ha_store.h"
#include "gw/ha_redis.h"

static int n_test;
static void ok(bool c, const char *what)
{
	printf("%sok %d - %s\n", c ? "" : "not ", ++n_test, what);
}

static void sample_call(struct ha_call_rec *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->node, sizeof(r->node), "pair-a");
	r->id = 42;
	r->ingress = true;
	r->cic = 17;
	r->dpc = 0x2e02;
	snprintf(r->group, sizeof(r->group), "exchange-a");
	r->dlg.is_uac = true;
	snprintf(r->dlg.trunk, sizeof(r->dlg.trunk), "core");
	snprintf(r->dlg.call_id, sizeof(r->dlg.call_id), "a84b4c76e66710@gw.example");
	snprintf(r->dlg.local_uri, sizeof(r->dlg.local_uri), "sip:+4930123@gw.example;user=phone");
	snprintf(r->dlg.remote_uri, sizeof(r->dlg.remote_uri), "sip:+4940555@core.example");
	snprintf(r->dlg.local_tag, sizeof(r->dlg.local_tag), "1928301774");
	snprintf(r->dlg.remote_tag, sizeof(r->dlg.remote_tag), "a6c85cf");
	r->dlg.local_cseq = 314159;
	r->dlg.remote_cseq = 0;
	snprintf(r->dlg.route_set, sizeof(r->dlg.route_set), "<sip:p1.example;lr>,<sip:p2.example;lr>");
	snprintf(r->dlg.remote_target, sizeof(r->dlg.remote_target), "sip:callee@192.0.2.4:5062");
	snprintf(r->dlg.peer, sizeof(r->dlg.peer), "192.0.2.4:5062");
	r->rtp_pstn = 16000;
	r->rtp_sip = 16002;
	snprintf(r->pstn_media, sizeof(r->pstn_media), "127.0.0.1:4034");
	snprintf(r->sip_media, sizeof(r->sip_media), "192.0.2.4:30000");
	snprintf(r->codec, sizeof(r->codec), "PCMA");
	r->pt = 8;
	r->answered = 1764662400;
}

/* the encoded fields as HGETALL would give them, with field 'drop' left out and field 'bad'
 * replaced by 'value' (-1: none) */
static int decode_variant(const struct ha_call_rec *in, struct ha_call_rec *out, const char *drop,
			  const char *bad, const char *value, bool twice)
{
	struct ha_field f[HA_CALL_FIELDS];
	const char *names[HA_CALL_FIELDS + 1], *values[HA_CALL_FIELDS + 1];
	unsigned int i, n = 0, nf = ha_call_rec_encode(in, f);
	for (i = 0; i < nf; i++) {
		if (drop && !strcmp(f[i].name, drop))
			continue;
		names[n] = f[i].name;
		values[n++] = bad && !strcmp(f[i].name, bad) ? value : f[i].value;
	}
	if (twice) {
		names[n] = f[0].name;
		values[n++] = f[0].value;
	}
	return ha_call_rec_decode(out, names, values, n);
}

static void test_encoding(void)
{
	struct ha_call_rec in, out;
	struct ha_cct_rec c = { .node = "pair-a", .group = "exchange-a", .cic = 31, .state = ISUP_CCT_BLOCKED_REMOTE }, c2;
	struct ha_field f[HA_CCT_FIELDS];
	const char *names[HA_CCT_FIELDS], *values[HA_CCT_FIELDS];
	unsigned int i, n;

	sample_call(&in);
	ok(decode_variant(&in, &out, NULL, NULL, NULL, false) == 0 && !memcmp(&in, &out, sizeof(in)),
	   "call record: encode + decode gives every field back");
	ok(decode_variant(&in, &out, "remote_tag", NULL, NULL, false) < 0, "call record without remote_tag refused");
	ok(decode_variant(&in, &out, "call_id", NULL, NULL, false) < 0, "call record without call_id refused");
	ok(decode_variant(&in, &out, "route_set", NULL, NULL, false) == 0 && !out.dlg.route_set[0],
	   "call record without route_set (optional): empty route set");
	ok(decode_variant(&in, &out, NULL, "cic", "65536", false) < 0, "cic 65536 refused");
	ok(decode_variant(&in, &out, NULL, "cic", "12x", false) < 0, "cic 12x refused");
	ok(decode_variant(&in, &out, NULL, "local_cseq", "-1", false) < 0, "local_cseq -1 refused");
	ok(decode_variant(&in, &out, NULL, "dir", "sideways", false) < 0, "dir sideways refused");
	ok(decode_variant(&in, &out, NULL, "dir", "egress", false) == 0 && !out.ingress, "dir egress read");
	ok(decode_variant(&in, &out, NULL, NULL, NULL, true) < 0, "a field twice refused");

	n = ha_cct_rec_encode(&c, f);
	ok(n == HA_CCT_FIELDS && !strcmp(f[3].name, "state") && !strcmp(f[3].value, "blocked-remote"),
	   "circuit record: state blocked-remote");
	for (i = 0; i < n; i++) {
		names[i] = f[i].name;
		values[i] = f[i].value;
	}
	ok(ha_cct_rec_decode(&c2, names, values, n) == 0 && !memcmp(&c, &c2, sizeof(c)),
	   "circuit record: encode + decode gives every field back");
	values[3] = "half-blocked";
	ok(ha_cct_rec_decode(&c2, names, values, n) < 0, "circuit state half-blocked refused");
}

/* ---- against a redis-server ---- */

static struct osmo_tdef test_tdefs[] = {
	{ .T = -20, .default_val = 100, .unit = OSMO_TDEF_MS, .desc = "backoff" },
	{ .T = -21, .default_val = 1000, .unit = OSMO_TDEF_MS, .desc = "connect" },
	{}
};

struct load_result {
	unsigned int calls, ccts, records, errors;
	bool done;
	struct ha_call_rec call;
	struct ha_cct_rec cct;
};

static void ld_call(const struct ha_call_rec *rec, void *data)
{
	struct load_result *r = data;
	r->calls++;
	r->call = *rec;
}

static void ld_cct(const struct ha_cct_rec *rec, void *data)
{
	struct load_result *r = data;
	r->ccts++;
	r->cct = *rec;
}

static void ld_done(unsigned int records, unsigned int errors, void *data)
{
	struct load_result *r = data;
	r->records = records;
	r->errors = errors;
	r->done = true;
}

static const struct ha_load_cbs ld_cbs = { ld_call, ld_cct, ld_done };

/* run the loop until *flag (bounded: 2000 iterations; the store's X21 timer wakes it) */
static bool run_until(bool *flag)
{
	int i;
	for (i = 0; i < 2000 && !*flag; i++)
		osmo_select_main_ctx(0);
	return *flag;
}

static bool g_up;
static void on_up(struct ha_store *st, void *data)
{
	g_up = true;
}

static void load(struct ha_store *st, const char *node, struct load_result *r)
{
	memset(r, 0, sizeof(*r));
	if (ha_store_load(st, node, &ld_cbs, r) < 0)
		return;
	run_until(&r->done);
}

static void test_live(void *ctx, uint16_t port)
{
	struct ha_store_cfg cfg = { .enabled = true, .host = "127.0.0.1", .port = port, .node_id = "pair-a",
				    .prefix = "t:" };
	struct ha_store_cfg cfg_b = cfg;
	struct ha_store *st, *st_b;
	struct ha_call_rec in;
	struct ha_cct_rec c = { .group = "exchange-a", .cic = 17, .state = ISUP_CCT_BUSY };
	struct load_result r;
	int i;

	st = ha_store_alloc(ctx, &cfg, test_tdefs);
	ha_store_start(st, on_up, NULL);
	ok(run_until(&g_up) && ha_store_connected(st), "connected to redis-server (select loop)");
	sample_call(&in);
	ha_store_call_put(st, &in);
	ha_store_cct_put(st, &c);
	load(st, "pair-a", &r);
	ok(r.done && r.calls == 1 && r.ccts == 1 && r.records == 2 && r.errors == 0,
	   "ha_store_load: 1 call record, 1 circuit record, no error");
	ok(!memcmp(&r.call, &in, sizeof(in)), "the call record read back is the one written");
	ok(r.cct.cic == 17 && r.cct.state == ISUP_CCT_BUSY && !strcmp(r.cct.group, "exchange-a") &&
	   !strcmp(r.cct.node, "pair-a"), "the circuit record read back: exchange-a 17 busy");

	/* another node's store: its records only */
	snprintf(cfg_b.node_id, sizeof(cfg_b.node_id), "pair-b");
	g_up = false;
	st_b = ha_store_alloc(ctx, &cfg_b, test_tdefs);
	ha_store_start(st_b, on_up, NULL);
	run_until(&g_up);
	load(st_b, "pair-b", &r);
	ok(r.done && r.records == 0 && r.errors == 0, "node pair-b: no records of pair-a");
	load(st_b, "pair-a", &r);
	ok(r.done && r.calls == 1 && r.ccts == 1, "node pair-b reads pair-a's records (the takeover)");

	ha_store_call_del(st, in.id);
	c.state = ISUP_CCT_IDLE;
	ha_store_cct_put(st, &c);
	load(st, "pair-a", &r);
	ok(r.done && r.calls == 0 && r.ccts == 1 && r.cct.state == ISUP_CCT_IDLE && r.errors == 0,
	   "after the release: no call record, the circuit idle");
	ok(ha_store_errors(st) == 0 && ha_store_writes(st) > 0, "no redis error counted, writes counted");

	/* pair-b as pair-a's standby: same node id, passive */
	ha_store_free(st_b);
	g_up = false;
	st_b = ha_store_alloc(ctx, &cfg, test_tdefs);
	ha_store_set_active(st_b, false);
	ha_store_start(st_b, on_up, NULL);
	for (i = 0; i < 200 && !ha_store_connected(st_b); i++)
		osmo_select_main_ctx(0);	/* the connect guard (X21) bounds each wait */
	ok(!g_up && ha_store_connected(st_b), "standby: connected, no replay of its own state");
	c.state = ISUP_CCT_BLOCKED_LOCAL;
	ha_store_cct_put(st_b, &c);
	ha_store_call_put(st_b, &in);
	load(st_b, "pair-a", &r);
	ok(r.done && r.calls == 0 && r.ccts == 1 && r.cct.state == ISUP_CCT_IDLE && ha_store_writes(st_b) == 0 &&
	   ha_store_errors(st_b) == 0, "standby: its writes go nowhere (the active's circuit still idle), it reads");
	ha_store_set_active(st_b, true);
	ok(g_up, "standby becomes active: the whole state written (replay callback)");
	ha_store_cct_put(st_b, &c);
	load(st_b, "pair-a", &r);
	ok(r.done && r.cct.state == ISUP_CCT_BLOCKED_LOCAL, "active now: its circuit write arrives (blocked-local)");
	c.state = ISUP_CCT_IDLE;
	ha_store_cct_put(st_b, &c);
	load(st_b, "pair-a", &r);

	ha_store_free(st_b);
	ha_store_free(st);
}

/* a malformed record (written by hand, not by the store) is counted, not loaded */
static void test_malformed(void *ctx, uint16_t port)
{
	struct ha_store_cfg cfg = { .enabled = true, .host = "127.0.0.1", .port = port, .node_id = "bad",
				    .prefix = "t:" };
	redisContext *c = redisConnect("127.0.0.1", port);
	struct ha_store *st;
	struct load_result r;
	redisReply *rep;
	rep = redisCommand(c, "HSET t:bad:call:1 node bad id 1 dir up");
	freeReplyObject(rep);
	rep = redisCommand(c, "SADD t:bad:calls t:bad:call:1 t:bad:call:2");
	freeReplyObject(rep);
	redisFree(c);
	g_up = false;
	st = ha_store_alloc(ctx, &cfg, test_tdefs);
	ha_store_start(st, on_up, NULL);
	run_until(&g_up);
	load(st, "bad", &r);
	ok(r.done && r.calls == 0 && r.records == 0 && r.errors == 1,
	   "a malformed call record: 1 error, not loaded; an index entry without its hash: skipped");
	ha_store_free(st);
}

/* records of another type (the early calls, gw/ha_early.c): ha_store_hash_put, read back with
 * ha_store_load_hashes (the hash as it is, with its key), deleted by a standby at the takeover */
struct hash_result {
	unsigned int n;
	char key[64], id[16];
};

static int ld_hash(const char *key, const char *const *names, const char *const *values, unsigned int n,
		   void *data)
{
	struct load_result *r = data;
	struct hash_result *h = (struct hash_result *)(r + 1);
	unsigned int i;
	h->n++;
	snprintf(h->key, sizeof(h->key), "%s", key);
	for (i = 0; i < n; i++)
		if (!strcmp(names[i], "id"))
			snprintf(h->id, sizeof(h->id), "%s", values[i]);
	return strcmp(names[0], "node") ? -1 : 0;
}

static const struct ha_load_cbs ld_hash_cbs = { .hash_cb = ld_hash, .done_cb = ld_done };

static void load_hashes(struct ha_store *st, struct load_result *r)
{
	memset(r, 0, sizeof(*r) + sizeof(struct hash_result));
	if (ha_store_load_hashes(st, "pair-h", "early", &ld_hash_cbs, r) < 0)
		return;
	run_until(&r->done);
}

static void test_hashes(void *ctx, uint16_t port)
{
	struct ha_store_cfg cfg = { .enabled = true, .host = "127.0.0.1", .port = port, .node_id = "pair-h",
				    .prefix = "t:" };
	const char *names[] = { "node", "id", "x" }, *values[] = { "pair-h", "5", "y" };
	struct { struct load_result r; struct hash_result h; } lr;
	struct ha_store *st;

	g_up = false;
	st = ha_store_alloc(ctx, &cfg, test_tdefs);
	ha_store_start(st, on_up, NULL);
	run_until(&g_up);
	ha_store_hash_put(st, "early:5", "early", names, values, 3);
	load_hashes(st, &lr.r);
	ok(lr.r.done && lr.r.records == 1 && lr.r.errors == 0 && lr.h.n == 1 && !strcmp(lr.h.key, "t:pair-h:early:5") &&
	   !strcmp(lr.h.id, "5"), "ha_store_load_hashes: the hash put, with its key t:pair-h:early:5");
	ha_store_set_active(st, false);
	ha_store_hash_del(st, "early:5", "early");
	load_hashes(st, &lr.r);
	ok(lr.r.done && lr.h.n == 1, "a standby's ha_store_hash_del goes nowhere");
	ha_store_key_del(st, "t:pair-h:early:5", "early", true);
	load_hashes(st, &lr.r);
	ok(lr.r.done && lr.r.records == 0 && lr.r.errors == 0 && lr.h.n == 0,
	   "ha_store_key_del at the takeover deletes on a standby too: nothing left");
	ha_store_free(st);
}

/* not connected: the load says so, the writes count as errors, no callback */
static void test_down(void *ctx)
{
	struct ha_store_cfg cfg = { .enabled = true, .host = "127.0.0.1", .port = 1, .node_id = "x", .prefix = "t:" };
	struct ha_store *st = ha_store_alloc(ctx, &cfg, test_tdefs);
	struct ha_cct_rec c = { .group = "g", .cic = 1 };
	struct load_result r;
	ha_store_start(st, NULL, NULL);
	osmo_select_main_ctx(1);
	memset(&r, 0, sizeof(r));
	ok(ha_store_load(st, "x", &ld_cbs, &r) < 0 && !r.done, "Redis not reachable: ha_store_load returns -1");
	ha_store_cct_put(st, &c);
	ok(ha_store_errors(st) == 2, "a circuit write (HSET + SADD) while Redis is not reachable: 2 in ha:redis_errors");
	ha_store_free(st);
}

int main(int argc, char **argv)
{
	void *ctx = talloc_named_const(NULL, 0, "test_ha_store");
	osmo_init_logging2(ctx, &sgw_log_info);
	osmo_tdefs_reset(test_tdefs);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	test_encoding();
	test_down(ctx);
	if (argc > 1) {
		test_live(ctx, atoi(argv[1]));
		test_malformed(ctx, atoi(argv[1]));
		test_hashes(ctx, atoi(argv[1]));
	}
	printf("1..%d\n", n_test);
	talloc_free(ctx);
	return 0;
}

/* Unit test of the media bridge FSM (media/bridge_fsm.c) and of the bridge as a child FSM
 * (media_bridge_alloc_child): direction changes, refused ones, tones toward a leg, stop, and the
 * end of a child bridge seen by a test parent FSM. Deterministic stdout, compared with
 * bridge_fsm_test.ok; the bridges bind real sockets on 127.0.0.1 (no RTP is exchanged). */
#include <stdio.h>
#include <errno.h>
#include <talloc.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/select.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/linuxlist.h>
#include "media/media.h"
#include "media/media_internal.h"
#include "tests/media/test_log.h"

#define S(x) (1 << (x))
#define POOL_FIRST 47000
#define POOL_LAST 47199
#define FIXED_PSTN_PORT 47300	/* outside the pool */
#define TIMEOUT_MS 1		/* media timeout of the free-from-callback case */

/* ---- a parent FSM standing in for the call ----------------------------------------------- */
enum parent_event {
	PARENT_EV_MEDIA_GONE,
};

static const struct value_string parent_event_names[] = {
	{ PARENT_EV_MEDIA_GONE, "MEDIA_GONE" },
	{ 0, NULL }
};

static unsigned int media_gone_seen;

static void parent_st_alive(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	if (event == PARENT_EV_MEDIA_GONE) {
		media_gone_seen++;
		printf("  parent: %s (data %s)\n", osmo_fsm_event_name(fi->fsm, event), data ? "set" : "NULL");
	}
}

static void parent_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	printf("  parent: cleanup (%s), %u children left\n", osmo_fsm_term_cause_name(cause),
	       llist_count(&fi->proc.children));
}

static const struct osmo_fsm_state parent_states[] = {
	{ .name = "ALIVE", .in_event_mask = S(PARENT_EV_MEDIA_GONE), .action = parent_st_alive },
};

static struct osmo_fsm parent_fsm = {
	.name = "test_call",
	.states = parent_states,
	.num_states = ARRAY_SIZE(parent_states),
	.event_names = parent_event_names,
	.cleanup = parent_cleanup,
};

/* ---- helpers -------------------------------------------------------------------------------- */
static void *ctx;
static struct media_pool *pool;

static unsigned int ports_used(void)
{
	return (POOL_LAST - POOL_FIRST + 1) / 2 - media_pool_ports_free(pool);
}

static unsigned int bridges_alive(void)
{
	return llist_count(&media_bridge_fsm.instances);
}

/* the deferred frees (osmo_fsm_set_dealloc_ctx(OTC_SELECT)) happen at the end of a select pass */
static void select_pass(void)
{
	osmo_select_main_ctx(1);
}

static void show(const char *what, struct media_bridge *b)
{
	printf("  %s: dir %s (state %s), tone toward pstn %s, toward sip %s\n", what,
	       media_dir_name(media_bridge_dir(b)), osmo_fsm_inst_state_name(b->fi), tone_name(media_bridge_tone(b, MEDIA_LEG_PSTN)), tone_name(media_bridge_tone(b, MEDIA_LEG_SIP)));
}

static void set_dir(struct media_bridge *b, enum media_dir dir)
{
	enum media_dir old = media_bridge_dir(b);
	int rc = media_bridge_set_dir(b, dir);

	printf("  set %s in %s: %s, now %s\n", media_dir_name(dir), media_dir_name(old),
	       rc == 0 ? "ok" : rc == -EPERM ? "refused" : "error", media_dir_name(media_bridge_dir(b)));
}

static struct osmo_fsm_inst *parent_alloc(const char *id)
{
	media_gone_seen = 0;
	return osmo_fsm_inst_alloc(&parent_fsm, ctx, NULL, LOGL_DEBUG, id);
}

static struct media_bridge *child_alloc(struct osmo_fsm_inst *parent, enum media_leg calling, const char *pstn_ip,
					uint16_t pstn_port)
{
	return media_bridge_alloc_child(parent, PARENT_EV_MEDIA_GONE, pool, parent->id, calling, pstn_ip, pstn_port);
}

/* what the parent saw and what is left; parent NULL once it is gone */
static void census(const char *when, struct osmo_fsm_inst *parent)
{
	printf("  %s: MEDIA_GONE seen %u, children %d, bridges %u, ports used %u\n", when, media_gone_seen,
	       parent ? (int)llist_count(&parent->proc.children) : -1, bridges_alive(), ports_used());
}

/* ---- direction FSM -------------------------------------------------------------------------- */
static void test_directions(void)
{
	struct media_bridge *b = media_bridge_alloc(pool, ctx, "dir", MEDIA_LEG_PSTN);

	printf("%s\n", __func__);
	show("new", b);
	set_dir(b, MEDIA_DIR_OFF);		/* no change */
	set_dir(b, MEDIA_DIR_BACKWARD);		/* ACM with in-band information */
	set_dir(b, MEDIA_DIR_BACKWARD);		/* a later 18x: no change */
	set_dir(b, MEDIA_DIR_OFF);		/* 183 with port 0 ends the early stream */
	set_dir(b, MEDIA_DIR_BACKWARD);
	set_dir(b, MEDIA_DIR_BOTH);		/* answer */
	set_dir(b, MEDIA_DIR_BOTH);
	set_dir(b, MEDIA_DIR_BACKWARD);		/* narrowing after the answer: refused */
	set_dir(b, MEDIA_DIR_OFF);
	set_dir(b, MEDIA_DIR_STOPPED);		/* release */
	set_dir(b, MEDIA_DIR_STOPPED);
	set_dir(b, MEDIA_DIR_BOTH);		/* nothing after the release */
	set_dir(b, MEDIA_DIR_OFF);
	media_bridge_free(b);
}

static void test_fast_answer_and_stop(void)
{
	struct media_bridge *b = media_bridge_alloc(pool, ctx, "fast", MEDIA_LEG_SIP);

	printf("%s\n", __func__);
	set_dir(b, MEDIA_DIR_BOTH);		/* answer without early media */
	media_bridge_stop(b);
	show("after stop", b);
	media_bridge_stop(b);			/* twice: harmless */
	show("after second stop", b);
	media_bridge_free(b);

	b = media_bridge_alloc(pool, ctx, "early-rel", MEDIA_LEG_PSTN);
	set_dir(b, MEDIA_DIR_STOPPED);		/* released before any cut-through */
	media_bridge_free(b);
}

static void test_tones(void)
{
	struct media_bridge *b = media_bridge_alloc(pool, ctx, "tones", MEDIA_LEG_PSTN);

	printf("%s\n", __func__);
	printf("  ringing toward pstn: %d\n", media_bridge_play_tone(b, MEDIA_LEG_PSTN, NULL, TONE_RINGING));
	show("ringing", b);
	printf("  busy toward sip: %d\n", media_bridge_play_tone(b, MEDIA_LEG_SIP, NULL, TONE_BUSY));
	show("both tones", b);
	media_bridge_stop_tone(b, MEDIA_LEG_PSTN);
	show("pstn tone stopped", b);
	set_dir(b, MEDIA_DIR_BACKWARD);		/* the tone goes on whatever the direction */
	show("backward", b);
	media_bridge_stop(b);			/* stopping ends every tone */
	show("stopped", b);
	printf("  ringing toward pstn after stop: %s\n",
	       media_bridge_play_tone(b, MEDIA_LEG_PSTN, NULL, TONE_RINGING) < 0 ? "refused" : "played");
	show("stopped", b);
	media_bridge_free(b);
}

/* ---- the bridge as a child of the call ------------------------------------------------------- */
static void test_child_parent_term(void)
{
	struct osmo_fsm_inst *parent = parent_alloc("call1");
	struct media_bridge *b;

	printf("%s\n", __func__);
	b = child_alloc(parent, MEDIA_LEG_PSTN, NULL, 0);
	census(b ? "child allocated" : "no child", parent);
	set_dir(b, MEDIA_DIR_BACKWARD);
	media_bridge_play_tone(b, MEDIA_LEG_PSTN, NULL, TONE_RINGING);
	osmo_fsm_inst_term(parent, OSMO_FSM_TERM_REQUEST, NULL);
	census("after the parent's term", NULL);
	select_pass();
}

static void test_child_free(void)
{
	struct osmo_fsm_inst *parent = parent_alloc("call2");
	struct media_bridge *b;

	printf("%s\n", __func__);
	b = child_alloc(parent, MEDIA_LEG_SIP, "127.0.0.1", FIXED_PSTN_PORT);	/* 'media pstn-local' */
	census("child with its pstn leg outside the pool", parent);
	set_dir(b, MEDIA_DIR_BOTH);
	media_bridge_free(b);
	census("after media_bridge_free", parent);
	select_pass();
	osmo_fsm_inst_term(parent, OSMO_FSM_TERM_REGULAR, NULL);
	select_pass();
}

static bool timeout_fired;

static void timeout_free_cb(struct media_bridge *b, enum media_leg leg, void *data)
{
	printf("  media timeout on the %s leg: freeing the bridge from its own callback\n", media_leg_name(leg));
	timeout_fired = true;
	media_bridge_free(b);
}

/* the owner frees the bridge from the bridge's own callback: nothing is freed under it */
static void test_child_free_in_callback(void)
{
	struct osmo_fsm_inst *parent = parent_alloc("call3");
	struct media_bridge *b;

	printf("%s\n", __func__);
	b = child_alloc(parent, MEDIA_LEG_PSTN, NULL, 0);
	media_bridge_set_leg(b, MEDIA_LEG_PSTN, "127.0.0.1", 9, MEDIA_CODEC_PCMA, 8, -1);
	set_dir(b, MEDIA_DIR_BOTH);
	timeout_fired = false;
	media_bridge_set_timeout(b, TIMEOUT_MS, timeout_free_cb, NULL);
	while (!timeout_fired)
		osmo_select_main_ctx(0);
	census("after the callback", parent);
	osmo_fsm_inst_term(parent, OSMO_FSM_TERM_REGULAR, NULL);
	select_pass();
}

/* no port (an address not of this host): NULL, and no term event to the parent */
static void test_child_no_port(void)
{
	struct osmo_fsm_inst *parent = parent_alloc("call4");
	struct media_bridge *b;

	printf("%s\n", __func__);
	b = child_alloc(parent, MEDIA_LEG_PSTN, "192.0.2.1", 4000);
	census(b ? "child on a foreign address allocated" : "child on a foreign address: NULL", parent);
	osmo_fsm_inst_term(parent, OSMO_FSM_TERM_REGULAR, NULL);
	select_pass();
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "bridge_fsm_test");
	media_test_log_init(ctx);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	osmo_fsm_set_dealloc_ctx(OTC_SELECT);
	OSMO_ASSERT(osmo_fsm_register(&parent_fsm) == 0);
	pool = media_pool_alloc(ctx, "127.0.0.1", POOL_FIRST, POOL_LAST);
	OSMO_ASSERT(pool);

	test_directions();
	test_fast_answer_and_stop();
	test_tones();
	test_child_parent_term();
	test_child_free();
	test_child_free_in_callback();
	test_child_no_port();

	printf("done: bridges %u, ports used %u\n", bridges_alive(), ports_used());
	media_pool_free(pool);
	select_pass();
	talloc_free(ctx);
	return 0;
}

/* Direction state of a bridge (cut-through): OFF -> BACKWARD (ACM/CPG in-band, 18x with SDP)
 * -> BOTH (answer); BACKWARD -> OFF (an early stream ended); any state -> STOPPED (release).
 * BOTH is not narrowed again. Forward audio (calling -> called) flows only in BOTH, so it never
 * reaches the called side before answer. A direction change is an event (media_bridge_set_dir);
 * one the state does not accept is refused (-EPERM). */
#include <errno.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/utils.h>
#include "media/media_internal.h"

#define S(x) (1 << (x))

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

static const struct value_string event_names[] = {
	{ MEDIA_EV_SET_OFF, "SET_OFF" },
	{ MEDIA_EV_SET_BACKWARD, "SET_BACKWARD" },
	{ MEDIA_EV_SET_BOTH, "SET_BOTH" },
	{ MEDIA_EV_STOP, "STOP" },
	{ 0, NULL }
};

/* Widening the direction (OFF -> BACKWARD, OFF/BACKWARD -> BOTH): the packets already queued on the
 * sockets arrived before the event (ACM, answer) and are handled under the old direction first, so
 * that calling-party audio from before the answer is never relayed after it, however late the
 * process gets to the event. Narrowing (release, port 0) needs no such step: queued packets are
 * then dropped under the new direction. */
static void widen(struct osmo_fsm_inst *fi, enum media_dir new_dir)
{
	struct media_bridge *b = fi->priv;

	for (int i = 0; i < _NUM_MEDIA_LEGS; i++)
		media_leg_drain(&b->legs[i]);
	osmo_fsm_inst_state_chg(fi, new_dir, 0, 0);
}

/* Off: nothing relayed (before ACM/18x, or an early stream ended by an SDP with port 0) */
static void st_off(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	switch (event) {
	case MEDIA_EV_SET_BACKWARD:
		widen(fi, MEDIA_DIR_BACKWARD);
		break;
	case MEDIA_EV_SET_BOTH:
		widen(fi, MEDIA_DIR_BOTH);	/* answer without early media */
		break;
	case MEDIA_EV_STOP:
		osmo_fsm_inst_state_chg(fi, MEDIA_DIR_STOPPED, 0, 0);
		break;
	}
}

/* Backward: called -> calling only (early media from SIP, RFC 3398 8.1.1; in-band information
 * announced by ACM/CPG) */
static void st_backward(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	switch (event) {
	case MEDIA_EV_SET_OFF:
		osmo_fsm_inst_state_chg(fi, MEDIA_DIR_OFF, 0, 0);
		break;
	case MEDIA_EV_SET_BOTH:
		widen(fi, MEDIA_DIR_BOTH);
		break;
	case MEDIA_EV_STOP:
		osmo_fsm_inst_state_chg(fi, MEDIA_DIR_STOPPED, 0, 0);
		break;
	}
}

/* Both: two-way after the answer; only the release ends it */
static void st_both(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	if (event == MEDIA_EV_STOP)
		osmo_fsm_inst_state_chg(fi, MEDIA_DIR_STOPPED, 0, 0);
}

/* Stopped: released; nothing relayed, no tones, no media timeout (sockets stay until the free) */
static void st_stopped_onenter(struct osmo_fsm_inst *fi, uint32_t prev_state)
{
	struct media_bridge *b = fi->priv;

	media_tone_stop_all(b);
	osmo_timer_del(&b->timeout_timer);
}

static void st_stopped(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	/* STOP again: nothing to do */
}

static const struct osmo_fsm_state states[] = {
	[MEDIA_DIR_OFF] = {
		.name = "OFF",
		.in_event_mask = S(MEDIA_EV_SET_OFF) | S(MEDIA_EV_SET_BACKWARD) | S(MEDIA_EV_SET_BOTH) | S(MEDIA_EV_STOP),
		.out_state_mask = S(MEDIA_DIR_BACKWARD) | S(MEDIA_DIR_BOTH) | S(MEDIA_DIR_STOPPED),
		.action = st_off,
	},
	[MEDIA_DIR_BACKWARD] = {
		.name = "BACKWARD",
		.in_event_mask = S(MEDIA_EV_SET_OFF) | S(MEDIA_EV_SET_BACKWARD) | S(MEDIA_EV_SET_BOTH) | S(MEDIA_EV_STOP),
		.out_state_mask = S(MEDIA_DIR_OFF) | S(MEDIA_DIR_BOTH) | S(MEDIA_DIR_STOPPED),
		.action = st_backward,
	},
	[MEDIA_DIR_BOTH] = {
		.name = "BOTH",
		.in_event_mask = S(MEDIA_EV_SET_BOTH) | S(MEDIA_EV_STOP),
		.out_state_mask = S(MEDIA_DIR_STOPPED),
		.action = st_both,
	},
	[MEDIA_DIR_STOPPED] = {
		.name = "STOPPED",
		.in_event_mask = S(MEDIA_EV_STOP),
		.onenter = st_stopped_onenter,
		.action = st_stopped,
	},
};

struct osmo_fsm media_bridge_fsm = {
	.name = "media_bridge",
	.states = states,
	.num_states = ARRAY_SIZE(states),
	.event_names = event_names,
	.cleanup = media_bridge_fsm_cleanup,
	.log_subsys = DLGLOBAL,	/* media_set_log_cat() */
};

int media_log_cat = DLGLOBAL;

void media_set_log_cat(int cat)
{
	media_log_cat = cat;
	media_bridge_fsm.log_subsys = cat;
}

static __attribute__((constructor)) void media_bridge_fsm_register(void)
{
	OSMO_ASSERT(osmo_fsm_register(&media_bridge_fsm) == 0);
}

bool media_dir_allows(const struct media_bridge *b, enum media_leg from)
{
	switch (b->fi->state) {
	case MEDIA_DIR_BOTH:
		return true;
	case MEDIA_DIR_BACKWARD:
		return from != b->calling;	/* called -> calling only */
	default:
		return false;
	}
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
	if (!(media_bridge_fsm.states[b->fi->state].in_event_mask & S(ev[dir]))) {
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

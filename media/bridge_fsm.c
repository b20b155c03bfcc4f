/* Direction state of a bridge (cut-through): OFF -> BACKWARD (ACM/CPG in-band, 18x with SDP)
 * -> BOTH (answer); any state -> STOPPED (release). Forward audio (calling -> called) flows only
 * in BOTH, so it never reaches the called side before answer. */
#include <osmocom/core/fsm.h>
#include <osmocom/core/utils.h>
#include "gw/debug.h"
#include "media/media_internal.h"

#define S(x) (1 << (x))

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
static void drain_before(struct osmo_fsm_inst *fi, uint32_t new_state)
{
	struct media_bridge *b = fi->priv;

	if (new_state <= fi->state || fi->state == MEDIA_DIR_STOPPED)
		return;
	for (int i = 0; i < _NUM_MEDIA_LEGS; i++)
		media_leg_drain(&b->legs[i]);
}

static void st_active(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	switch (event) {
	case MEDIA_EV_SET_BACKWARD:
		drain_before(fi, MEDIA_DIR_BACKWARD);
		break;
	case MEDIA_EV_SET_BOTH:
		drain_before(fi, MEDIA_DIR_BOTH);
		break;
	}
	switch (event) {
	case MEDIA_EV_SET_OFF:
		osmo_fsm_inst_state_chg(fi, MEDIA_DIR_OFF, 0, 0);
		break;
	case MEDIA_EV_SET_BACKWARD:
		osmo_fsm_inst_state_chg(fi, MEDIA_DIR_BACKWARD, 0, 0);
		break;
	case MEDIA_EV_SET_BOTH:
		osmo_fsm_inst_state_chg(fi, MEDIA_DIR_BOTH, 0, 0);
		break;
	case MEDIA_EV_STOP:
		osmo_fsm_inst_state_chg(fi, MEDIA_DIR_STOPPED, 0, 0);
		break;
	}
}

static void st_stopped_onenter(struct osmo_fsm_inst *fi, uint32_t prev_state)
{
	media_tone_stop_all(fi->priv);
}

#define ACTIVE_EVENTS (S(MEDIA_EV_SET_OFF) | S(MEDIA_EV_SET_BACKWARD) | S(MEDIA_EV_SET_BOTH) | S(MEDIA_EV_STOP))
#define ACTIVE_OUT (S(MEDIA_DIR_OFF) | S(MEDIA_DIR_BACKWARD) | S(MEDIA_DIR_BOTH) | S(MEDIA_DIR_STOPPED))

static const struct osmo_fsm_state states[] = {
	[MEDIA_DIR_OFF] = { .name = "OFF", .in_event_mask = ACTIVE_EVENTS, .out_state_mask = ACTIVE_OUT,
			    .action = st_active },
	[MEDIA_DIR_BACKWARD] = { .name = "BACKWARD", .in_event_mask = ACTIVE_EVENTS, .out_state_mask = ACTIVE_OUT,
				 .action = st_active },
	[MEDIA_DIR_BOTH] = { .name = "BOTH", .in_event_mask = ACTIVE_EVENTS, .out_state_mask = ACTIVE_OUT,
			     .action = st_active },
	[MEDIA_DIR_STOPPED] = { .name = "STOPPED", .onenter = st_stopped_onenter },
};

struct osmo_fsm media_bridge_fsm = {
	.name = "media_bridge",
	.states = states,
	.num_states = ARRAY_SIZE(states),
	.event_names = event_names,
	.cleanup = media_bridge_fsm_cleanup,
	.log_subsys = DMEDIA,
};

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

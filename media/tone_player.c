/* Tones toward a leg: one 20 ms G.711 frame per tick from the tones/ generator, paced by the
 * monotonic clock (frames due since the start are sent, a late tick catches up, at most 5). */
#include <stdint.h>
#include <errno.h>
#include <osmocom/core/logging.h>
#include "media/media_internal.h"

#define FRAME_MS 20
#define MAX_CATCH_UP 5

static void leg_tone_stop(struct media_leg_state *l)
{
	if (!l->tone.gen)
		return;
	LOGP(DTONES, LOGL_INFO, "%s: %s tone toward %s stopped after %llu frames\n", l->b->name,
	     tone_name(tonegen_tone(l->tone.gen)), media_leg_name(l->leg), (unsigned long long)l->tone.frames);
	tonegen_free(l->tone.gen);
	l->tone.gen = NULL;
}

static void schedule_next(struct media_bridge *b)
{
	struct timespec now;
	int64_t wait = INT64_MAX;
	bool any = false;

	media_now(&now);
	for (int i = 0; i < _NUM_MEDIA_LEGS; i++) {
		struct media_leg_state *l = &b->legs[i];
		int64_t w;
		if (l->dtmf.tx) {
			any = true;
			w = (int64_t)l->dtmf.frames * FRAME_MS - media_ms_since(&l->dtmf.start, &now);
			if (w < wait)
				wait = w;
		}
		if (!l->tone.gen)
			continue;
		any = true;
		/* frame number `frames` is due at start + frames * 20 ms */
		w = (int64_t)l->tone.frames * FRAME_MS - media_ms_since(&l->tone.start, &now);
		if (w < wait)
			wait = w;
	}
	if (!any) {
		osmo_timer_del(&b->tone_timer);
		return;
	}
	if (wait < 1)
		wait = 1;
	osmo_timer_schedule(&b->tone_timer, 0, wait * 1000);
}

void media_tone_tick(void *data)
{
	struct media_bridge *b = data;
	struct timespec now;

	media_now(&now);
	for (int i = 0; i < _NUM_MEDIA_LEGS; i++) {
		struct media_leg_state *l = &b->legs[i];
		struct media_src src = { .valid = true, .tone = true };
		uint64_t due;
		unsigned int sent = 0;

		/* in-band DTMF: its own timeline, sent as a tone source (the stream is re-based) */
		if (l->dtmf.tx) {
			due = media_ms_since(&l->dtmf.start, &now) / FRAME_MS + 1;
			while (l->dtmf.tx && l->dtmf.frames < due && sent < MAX_CATCH_UP) {
				uint8_t frame[TONE_FRAME_SAMPLES];
				if (!media_dtmf_frame(l, frame))
					break;
				if (media_leg_send(l, &src, l->pt, false, (uint32_t)(l->dtmf.frames * TONE_FRAME_SAMPLES),
						   frame, sizeof(frame)) == 0)
					l->st.tx_tone_packets++;
				l->dtmf.frames++;
				sent++;
			}
			continue;
		}
		if (!l->tone.gen)
			continue;
		due = media_ms_since(&l->tone.start, &now) / FRAME_MS + 1;
		while (l->tone.gen && l->tone.frames < due && sent < MAX_CATCH_UP) {
			uint8_t frame[TONE_FRAME_SAMPLES];
			bool more = tonegen_frame_g711(l->tone.gen, frame,
						       l->codec == MEDIA_CODEC_PCMA ? TONE_LAW_ALAW : TONE_LAW_ULAW);
			if (media_leg_send(l, &src, l->pt, false, (uint32_t)(l->tone.frames * TONE_FRAME_SAMPLES),
					   frame, sizeof(frame)) == 0) {
				l->st.tx_tone_packets++;
				media_pool_ctr_inc(b->pool, MEDIA_CTR_TONE);
			}
			l->tone.frames++;
			sent++;
			if (!more)
				leg_tone_stop(l);
		}
		/* too far behind (process stalled): skip the backlog rather than burst */
		if (l->tone.gen && l->tone.frames + MAX_CATCH_UP < due)
			l->tone.frames = due;
	}
	schedule_next(b);
}

int media_bridge_play_tone(struct media_bridge *b, enum media_leg toward, const struct tone_plan *plan,
			   enum tone_id tone)
{
	struct media_leg_state *l;
	struct tonegen *gen;

	if (toward >= _NUM_MEDIA_LEGS || b->fi->state == MEDIA_DIR_STOPPED)
		return -EINVAL;
	if (b->legs[toward].codec == MEDIA_CODEC_CLEARMODE)
		return -EPERM;	/* RFC 4040: nothing generated into a 64 kbit/s unrestricted stream */
	gen = tonegen_alloc(b, plan, tone);
	if (!gen)
		return -ENOENT;
	l = &b->legs[toward];
	leg_tone_stop(l);
	l->tone.gen = gen;
	l->tone.frames = 0;
	media_now(&l->tone.start);
	LOGP(DTONES, LOGL_INFO, "%s: playing %s tone (%s) toward %s\n", b->name, tone_name(tone),
	     plan ? plan->name : "itu", media_leg_name(toward));
	media_tone_tick(b);	/* first frame now */
	return 0;
}

void media_bridge_stop_tone(struct media_bridge *b, enum media_leg toward)
{
	if (toward >= _NUM_MEDIA_LEGS)
		return;
	leg_tone_stop(&b->legs[toward]);
	schedule_next(b);
}

enum tone_id media_bridge_tone(const struct media_bridge *b, enum media_leg toward)
{
	if (toward >= _NUM_MEDIA_LEGS || !b->legs[toward].tone.gen)
		return TONE_NONE;
	return tonegen_tone(b->legs[toward].tone.gen);
}

void media_tone_stop_all(struct media_bridge *b)
{
	for (int i = 0; i < _NUM_MEDIA_LEGS; i++) {
		leg_tone_stop(&b->legs[i]);
		media_dtmf_stop(&b->legs[i]);
	}
	osmo_timer_del(&b->tone_timer);
}

/* Media timeout: a leg with a remote endpoint that has sent nothing for timeout_ms. */
#include <osmocom/core/logging.h>
#include "media/media_internal.h"

static void arm(struct media_bridge *b, const struct timespec *now)
{
	int64_t wait = b->timeout_ms;

	for (int i = 0; i < _NUM_MEDIA_LEGS; i++) {
		const struct media_leg_state *l = &b->legs[i];
		const struct timespec *ref;
		int64_t w;
		if (!l->has_remote)
			continue;
		/* counted from the last packet, or from arming when none came since */
		ref = (l->rx_seen && media_ms_since(&b->timeout_armed, &l->last_rx) > 0) ? &l->last_rx
											 : &b->timeout_armed;
		w = (int64_t)b->timeout_ms - media_ms_since(ref, now);
		if (w < wait)
			wait = w;
	}
	if (wait < 1)
		wait = 1;
	osmo_timer_schedule(&b->timeout_timer, wait / 1000, (wait % 1000) * 1000);
}

void media_timeout_cb(void *data)
{
	struct media_bridge *b = data;
	struct timespec now;

	media_now(&now);
	for (int i = 0; i < _NUM_MEDIA_LEGS; i++) {
		const struct media_leg_state *l = &b->legs[i];
		const struct timespec *ref;
		if (!l->has_remote)
			continue;
		ref = (l->rx_seen && media_ms_since(&b->timeout_armed, &l->last_rx) > 0) ? &l->last_rx
											 : &b->timeout_armed;
		if (media_ms_since(ref, &now) >= b->timeout_ms) {
			LOGP(DMEDIA, LOGL_NOTICE, "%s: media timeout on the %s leg (%u ms without RTP)\n", b->name,
			     media_leg_name(i), b->timeout_ms);
			media_pool_ctr_inc(b->pool, MEDIA_CTR_TIMEOUT);
			b->timeout_ms = 0;	/* once */
			if (b->timeout_cb)
				b->timeout_cb(b, i, b->timeout_data);	/* may free the bridge */
			return;
		}
	}
	arm(b, &now);
}

void media_bridge_set_timeout(struct media_bridge *b, unsigned int timeout_ms, media_timeout_cb_t cb, void *data)
{
	struct timespec now;

	osmo_timer_del(&b->timeout_timer);
	b->timeout_ms = timeout_ms;
	b->timeout_cb = cb;
	b->timeout_data = data;
	if (!timeout_ms)
		return;
	media_now(&now);
	b->timeout_armed = now;
	arm(b, &now);
}

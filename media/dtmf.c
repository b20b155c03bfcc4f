/* In-band DTMF toward a leg that has no telephone-event payload type (the PSTN bearer when
 * 'media pstn-events' is not configured): each RFC 4733 event (RFC 4733 2.5: one event per
 * timestamp) with a DTMF code 0-15 from the other leg is played as the Q.23 dual tone, 100 ms on
 * and 40 ms off (Q.24: at least 40 ms each), by spandsp's DTMF generator, in place of the relayed
 * audio toward that leg; paced with the tone player's 20 ms frames. */
#include <string.h>
#include <spandsp.h>
#include <osmocom/core/logging.h>
#include "media/media_internal.h"

#define DTMF_ON_MS 100
#define DTMF_OFF_MS 40
#define RFC4733_EVENT_LEN 4		/* RFC 4733 2.3: event, E/R/volume, duration */
#define RFC4733_EVENT_DTMF_LAST 15	/* RFC 4733 3.2: DTMF events 0-15 */

static const char dtmf_digits[] = "0123456789*#ABCD";	/* RFC 4733 3.2 event codes 0-15 */

void media_dtmf_stop(struct media_leg_state *l)
{
	if (l->dtmf.tx) {
		dtmf_tx_free(l->dtmf.tx);
		l->dtmf.tx = NULL;
	}
}

void media_dtmf_event(struct media_leg_state *to, uint32_t ts, const uint8_t *payload, size_t len)
{
	char digit;

	if (len < RFC4733_EVENT_LEN || payload[0] > RFC4733_EVENT_DTMF_LAST)
		return;			/* not a DTMF event (RFC 4733 3.2) */
	if (to->dtmf.ev_seen && to->dtmf.ev_ts == ts)
		return;			/* a later packet of the event already playing or played */
	to->dtmf.ev_seen = true;
	to->dtmf.ev_ts = ts;
	digit = dtmf_digits[payload[0]];
	media_dtmf_stop(to);
	to->dtmf.tx = dtmf_tx_init(NULL);
	if (!to->dtmf.tx)
		return;
	dtmf_tx_set_timing(to->dtmf.tx, DTMF_ON_MS, DTMF_OFF_MS);
	dtmf_tx_put(to->dtmf.tx, &digit, 1);
	to->dtmf.frames = 0;
	media_now(&to->dtmf.start);
	to->dtmf.digits++;
	LOGP(DTONES, LOGL_INFO, "%s: DTMF %c in-band toward %s\n", to->b->name, digit, media_leg_name(to->leg));
	media_tone_tick(to->b);		/* first frame now */
}

bool media_dtmf_frame(struct media_leg_state *l, uint8_t frame[TONE_FRAME_SAMPLES])
{
	int16_t amp[TONE_FRAME_SAMPLES];
	int n;

	if (!l->dtmf.tx)
		return false;
	n = dtmf_tx(l->dtmf.tx, amp, TONE_FRAME_SAMPLES);
	if (n <= 0) {
		media_dtmf_stop(l);
		return false;
	}
	if (n < TONE_FRAME_SAMPLES)
		memset(amp + n, 0, (TONE_FRAME_SAMPLES - n) * sizeof(int16_t));
	for (int i = 0; i < TONE_FRAME_SAMPLES; i++)
		frame[i] = l->codec == MEDIA_CODEC_PCMA ? linear_to_alaw(amp[i]) : linear_to_ulaw(amp[i]);
	return true;
}

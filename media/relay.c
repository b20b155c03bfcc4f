/* Relay of one received packet to the other leg: statistics, direction check, payload type
 * mapping, PCMA<->PCMU transcoding (spandsp G.711), RFC 4733 telephone-event passthrough. */
#include <string.h>
#include <spandsp.h>
#include <osmocom/core/logging.h>
#include "gw/debug.h"
#include "media/media_internal.h"

#define MAX_PAYLOAD 1500

enum pkt_kind { PKT_UNKNOWN, PKT_VOICE, PKT_EVENT };

/* What a payload type received on this leg carries (negotiated first, then the static G.711 ones). */
static enum pkt_kind classify(const struct media_leg_state *l, uint8_t pt, enum media_codec *codec)
{
	if (l->te_pt >= 0 && pt == l->te_pt)
		return PKT_EVENT;
	if (pt == l->pt) {
		*codec = l->codec;
		return PKT_VOICE;
	}
	if (pt == 0 || pt == 8) {
		*codec = pt == 0 ? MEDIA_CODEC_PCMU : MEDIA_CODEC_PCMA;
		return PKT_VOICE;
	}
	return PKT_UNKNOWN;
}

static void rx_stats(struct media_leg_state *l, uint16_t seq, size_t len)
{
	l->st.rx_packets++;
	l->st.rx_bytes += len;
	if (l->rx_seen) {
		uint16_t gap = seq - l->rx_next_seq;
		/* forward gaps up to 1000 count as loss; anything else is reordering or a restart */
		if (gap > 0 && gap < 1000)
			l->st.rx_lost += gap;
	}
	l->rx_seen = true;
	l->rx_next_seq = seq + 1;
	media_now(&l->last_rx);
}

static void transcode(uint8_t *out, const uint8_t *in, size_t len, enum media_codec from)
{
	for (size_t i = 0; i < len; i++)
		out[i] = from == MEDIA_CODEC_PCMA ? alaw_to_ulaw(in[i]) : ulaw_to_alaw(in[i]);
}

void media_relay_input(struct media_leg_state *from, uint8_t pt, uint16_t seq, uint32_t ts, bool marker,
		       uint32_t ssrc, const uint8_t *payload, size_t len)
{
	struct media_bridge *b = from->b;
	struct media_leg_state *to = &b->legs[media_other_leg(from->leg)];
	struct media_src src = { .valid = true, .tone = false, .ssrc = ssrc };
	enum media_codec codec = MEDIA_CODEC_PCMU;
	uint8_t buf[MAX_PAYLOAD];
	enum pkt_kind kind;

	rx_stats(from, seq, len);
	kind = classify(from, pt, &codec);
	if (kind == PKT_EVENT)
		from->st.rx_events++;

	/* direction, a tone in place of the relayed audio, no remote, unknown payload: not relayed */
	if (!media_dir_allows(b, from->leg) || to->tone.gen || !to->has_remote || kind == PKT_UNKNOWN
	    || len > MAX_PAYLOAD || (kind == PKT_EVENT && to->te_pt < 0)) {
		from->st.rx_dropped++;
		media_pool_ctr_inc(b->pool, MEDIA_CTR_DROPPED);
		return;
	}

	if (kind == PKT_EVENT) {
		if (media_leg_send(to, &src, to->te_pt, marker, ts, payload, len) == 0)
			media_pool_ctr_inc(b->pool, MEDIA_CTR_EVENTS);
		return;
	}
	if (codec != to->codec) {
		transcode(buf, payload, len, codec);
		payload = buf;
		to->st.tx_transcoded++;
		media_pool_ctr_inc(b->pool, MEDIA_CTR_TRANSCODED);
	}
	if (media_leg_send(to, &src, to->pt, marker, ts, payload, len) == 0)
		media_pool_ctr_inc(b->pool, MEDIA_CTR_RELAYED);
}

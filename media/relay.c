/* Relay of one received packet to the other leg: statistics, direction check, payload type
 * mapping, PCMA<->PCMU transcoding (spandsp G.711), RFC 4733 telephone-event passthrough. */
#include <string.h>
#include <spandsp.h>
#include <osmocom/core/logging.h>
#include "media/media_internal.h"


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
	/* RFC 4040: on a clearmode leg only the negotiated payload type is the user's data */
	if (l->codec != MEDIA_CODEC_CLEARMODE && (pt == 0 || pt == 8)) {
		*codec = pt == 0 ? MEDIA_CODEC_PCMU : MEDIA_CODEC_PCMA;
		return PKT_VOICE;
	}
	return PKT_UNKNOWN;
}

/* RFC 3550 A.1: a sequence number this far from the expected one is not loss or misordering */
#define MAX_DROPOUT 3000
#define MAX_MISORDER 100

/* Statistics, and restart detection: a new SSRC, or a sequence number jump beyond RFC 3550 A.1's
 * limits, starts a new epoch so the outgoing stream is re-based instead of going back in time. */
static void rx_stats(struct media_leg_state *l, const struct media_rtp_pkt *pkt)
{
	uint16_t gap = pkt->seq - l->rx_next_seq;

	l->st.rx_packets++;
	l->st.rx_bytes += pkt->len;
	if (!l->rx_seen) {
		l->rx_next_seq = pkt->seq + 1;
	} else if (pkt->ssrc != l->rx_ssrc || (gap >= MAX_DROPOUT && gap < (uint16_t)(65536 - MAX_MISORDER))) {
		l->rx_epoch++;
		l->st.rx_restarts++;
		l->rx_next_seq = pkt->seq + 1;
	} else if (gap < MAX_DROPOUT) {
		l->st.rx_lost += gap;		/* in order (gap 0) or after a loss */
		l->rx_next_seq = pkt->seq + 1;
	}					/* else misordered: a late packet, relayed as it is */
	l->rx_seen = true;
	l->rx_ssrc = pkt->ssrc;
	media_now(&l->last_rx);
}

static void transcode(uint8_t *out, const uint8_t *in, size_t len, enum media_codec from)
{
	for (size_t i = 0; i < len; i++)
		out[i] = from == MEDIA_CODEC_PCMA ? alaw_to_ulaw(in[i]) : ulaw_to_alaw(in[i]);
}

void media_relay_input(struct media_leg_state *from, const struct media_rtp_pkt *pkt)
{
	struct media_bridge *b = from->b;
	struct media_leg_state *to = &b->legs[media_other_leg(from->leg)];
	struct media_src src = { .valid = true, .tone = false, .ssrc = pkt->ssrc };
	const uint8_t *payload = pkt->payload;
	size_t len = pkt->len;
	bool marker = pkt->marker;
	uint32_t ts = pkt->ts;
	uint8_t pt = pkt->pt;
	enum media_codec codec = MEDIA_CODEC_PCMU;
	uint8_t buf[MEDIA_MAX_PAYLOAD];
	enum pkt_kind kind;

	rx_stats(from, pkt);
	src.epoch = from->rx_epoch;
	kind = classify(from, pt, &codec);
	if (kind == PKT_EVENT)
		from->st.rx_events++;

	/* an event toward a leg without telephone-event: played in-band there when so configured */
	if (kind == PKT_EVENT && to->te_pt < 0 && to->dtmf.inband && media_dir_allows(b, from->leg) && to->has_remote
	    && !to->tone.gen) {
		media_dtmf_event(to, ts, payload, len);
		return;
	}
	/* direction, a tone or DTMF in place of the relayed audio, no remote, unknown payload: not relayed */
	if (!media_dir_allows(b, from->leg) || to->tone.gen || to->dtmf.tx || !to->has_remote || kind == PKT_UNKNOWN
	    || len > MEDIA_MAX_PAYLOAD || (kind == PKT_EVENT && to->te_pt < 0)) {
		from->st.rx_dropped++;
		media_pool_ctr_inc(b->pool, MEDIA_CTR_DROPPED);
		return;
	}

	if (kind == PKT_EVENT) {
		if (media_leg_send(to, &src, to->te_pt, marker, ts, payload, len) == 0)
			media_pool_ctr_inc(b->pool, MEDIA_CTR_EVENTS);
		return;
	}
	if (codec == MEDIA_CODEC_CLEARMODE || to->codec == MEDIA_CODEC_CLEARMODE) {
		if (codec != to->codec) {	/* clearmode never meets G.711: no transcoding */
			from->st.rx_dropped++;
			media_pool_ctr_inc(b->pool, MEDIA_CTR_DROPPED);
			return;
		}
	} else if (codec != to->codec) {
		transcode(buf, payload, len, codec);
		payload = buf;
		to->st.tx_transcoded++;
		media_pool_ctr_inc(b->pool, MEDIA_CTR_TRANSCODED);
	}
	if (media_leg_send(to, &src, to->pt, marker, ts, payload, len) == 0)
		media_pool_ctr_inc(b->pool, MEDIA_CTR_RELAYED);
}

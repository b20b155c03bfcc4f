/* The check-tone transceiver of the continuity check (Q.724 7.4 / Q.764 2.1.8) on a circuit's RTP
 * bearer: a 2000 Hz tone at -12 dBm0 (spandsp tone_gen, A-law, 20 ms RTP packets, payload type 8)
 * sent to the bearer, and a Goertzel filter at 2000 Hz over what comes back. The tone counts as
 * returned when two packets in a row (40 ms, inside the 30-60 ms recognition time of the
 * check-tone receiver) carry it: in each 10 ms block at least COT_IN_BAND_SHARE of the power in the
 * 2000 Hz bin and a level of at least COT_MIN_DBM0. Values from memory of Q.724 7.4 (2000 +- 20 Hz, -12 +- 1 dBm0
 * sent; the receiver takes -18..-6 dBm0), not checked against the text. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <spandsp.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/socket.h>
#include <osmocom/core/bit16gen.h>
#include <osmocom/core/bit32gen.h>

#include "media/media_internal.h"

#define COT_FREQ_HZ	2000
#define COT_LEVEL_DBM0	(-12)
/* -18 dBm0 as the mean power of a block: a full-scale sine (32767^2 / 2) is +3.14 dBm0 (spandsp),
 * so -18 dBm0 is 10^((-18 - 3.14) / 10) = 0.0076913 of it */
#define COT_MIN_DBM0	(-18)
#define COT_MIN_POWER	(32767.0 * 32767.0 / 2 * 0.0076913)
#define COT_IN_BAND_SHARE 0.6
#define COT_FRAMES	2		/* packets in a row with the tone */
#define COT_SAMPLES	160		/* 20 ms at 8 kHz */
#define COT_BLOCK	80		/* the Goertzel block: 10 ms */
#define COT_PT_PCMA	8

struct media_cot {
	struct osmo_fd ofd;
	struct osmo_timer_list tx_timer;
	tone_gen_descriptor_t *desc;
	tone_gen_state_t *tg;
	goertzel_descriptor_t gdesc;
	uint16_t seq;
	uint32_t ts, ssrc;
	unsigned int frames_with_tone;
	bool reported;
	media_cot_cb_t cb;
	void *cb_data;
};

static void cot_tx(void *data)
{
	struct media_cot *c = data;
	int16_t amp[COT_SAMPLES];
	uint8_t pkt[RTP_HDR_LEN + COT_SAMPLES];

	tone_gen(c->tg, amp, COT_SAMPLES);
	pkt[0] = RTP_VERSION << 6;
	pkt[1] = COT_PT_PCMA | (c->seq == 0 ? 0x80 : 0);	/* marker: the start of the talkspurt */
	osmo_store16be(c->seq++, pkt + 2);
	osmo_store32be(c->ts, pkt + 4);
	osmo_store32be(c->ssrc, pkt + 8);
	c->ts += COT_SAMPLES;
	for (unsigned int i = 0; i < COT_SAMPLES; i++)
		pkt[RTP_HDR_LEN + i] = linear_to_alaw(amp[i]);
	if (send(c->ofd.fd, pkt, sizeof(pkt), 0) < 0 && errno != ECONNREFUSED)
		LOGP(DMEDIA, LOGL_DEBUG, "check tone: send: %s\n", strerror(errno));
	osmo_timer_schedule(&c->tx_timer, 0, COT_SAMPLES * 125);
}

/* one 10 ms block: the 2000 Hz share of its power (a Goertzel over 80 samples: 2000 +- 30 Hz
 * keeps above 0.7 of it, 1900 Hz or 1780 Hz nothing) and its level (at least COT_MIN_DBM0) */
static bool block_has_tone(struct media_cot *c, const int16_t *amp)
{
	goertzel_state_t gs;
	double energy = 0;
	float bin;

	for (unsigned int i = 0; i < COT_BLOCK; i++)
		energy += (double)amp[i] * amp[i];
	if (energy <= 0)
		return false;
	goertzel_init(&gs, &c->gdesc);
	goertzel_update(&gs, amp, COT_BLOCK);
	bin = goertzel_result(&gs);
	return bin / (COT_BLOCK * energy) >= COT_IN_BAND_SHARE && energy / COT_BLOCK >= COT_MIN_POWER;
}

/* a received A-law packet of 20 ms: the tone in both of its 10 ms blocks */
static bool frame_has_tone(struct media_cot *c, const uint8_t *alaw, size_t n)
{
	int16_t amp[COT_SAMPLES];

	if (n < COT_SAMPLES)
		return false;
	for (unsigned int i = 0; i < COT_SAMPLES; i++)
		amp[i] = alaw_to_linear(alaw[i]);
	return block_has_tone(c, amp) && block_has_tone(c, amp + COT_BLOCK);
}

static int cot_rx(struct osmo_fd *ofd, unsigned int what)
{
	struct media_cot *c = ofd->data;
	uint8_t buf[1500];
	struct media_rtp_pkt p;
	ssize_t n = recv(ofd->fd, buf, sizeof(buf), 0);

	if (n <= 0 || media_rtp_parse(buf, n, &p) < 0 || p.pt != COT_PT_PCMA)
		return 0;
	c->frames_with_tone = frame_has_tone(c, p.payload, p.len) ? c->frames_with_tone + 1 : 0;
	if (c->frames_with_tone >= COT_FRAMES && !c->reported) {
		c->reported = true;
		LOGP(DMEDIA, LOGL_INFO, "check tone: %u Hz recognised in the returned RTP\n", COT_FREQ_HZ);
		c->cb(c->cb_data);	/* may stop (free) c */
	}
	return 0;
}

static int cot_destructor(struct media_cot *c)
{
	osmo_timer_del(&c->tx_timer);
	if (c->ofd.fd >= 0) {
		osmo_fd_unregister(&c->ofd);
		close(c->ofd.fd);
	}
	if (c->tg)
		tone_gen_free(c->tg);
	if (c->desc)
		tone_gen_descriptor_free(c->desc);
	return 0;
}

struct media_cot *media_cot_start(void *ctx, const char *local_ip, uint16_t local_port, const char *remote_ip,
				  uint16_t remote_port, media_cot_cb_t cb, void *cb_data)
{
	struct media_cot *c = talloc_zero(ctx, struct media_cot);
	int fd;

	c->ofd.fd = -1;
	talloc_set_destructor(c, cot_destructor);
	c->cb = cb;
	c->cb_data = cb_data;
	c->ssrc = (uint32_t)random();
	osmo_timer_setup(&c->tx_timer, cot_tx, c);
	/* continuous: a 1 s "on" section repeated */
	c->desc = tone_gen_descriptor_init(NULL, COT_FREQ_HZ, COT_LEVEL_DBM0, 0, 0, 1000, 0, 0, 0, 1);
	c->tg = c->desc ? tone_gen_init(NULL, c->desc) : NULL;
	make_goertzel_descriptor(&c->gdesc, COT_FREQ_HZ, COT_BLOCK);
	/* connected: only what the bearer sends back is read */
	fd = osmo_sock_init2(AF_INET, SOCK_DGRAM, IPPROTO_UDP, local_ip, local_port, remote_ip, remote_port,
			     OSMO_SOCK_F_BIND | OSMO_SOCK_F_CONNECT | OSMO_SOCK_F_NONBLOCK);
	if (!c->tg || fd < 0) {
		LOGP(DMEDIA, LOGL_ERROR, "check tone: no transceiver on %s:%u -> %s:%u\n", local_ip ? local_ip : "*",
		     local_port, remote_ip, remote_port);
		if (fd >= 0)
			close(fd);
		talloc_free(c);
		return NULL;
	}
	osmo_fd_setup(&c->ofd, fd, OSMO_FD_READ, cot_rx, c, 0);
	if (osmo_fd_register(&c->ofd) < 0) {
		close(fd);
		c->ofd.fd = -1;
		talloc_free(c);
		return NULL;
	}
	cot_tx(c);
	return c;
}

void media_cot_stop(struct media_cot *c)
{
	talloc_free(c);
}

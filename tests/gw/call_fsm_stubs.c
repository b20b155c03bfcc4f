/* call_fsm_test's fake time, the media bridge calls printed (and passed on to the real media
 * library), the CDR lines and the end-of-flow checks. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>

#include "gw/iwf.h"
#include "media/media.h"
#include "tones/tones.h"
#include "tests/gw/call_fsm_stubs.h"

static struct gw_iwf *g_iwf;

void stub_set_iwf(struct gw_iwf *iwf)
{
	g_iwf = iwf;
}

static uint16_t pool_first, pool_last;

void stub_set_pool(uint16_t first, uint16_t last)
{
	pool_first = first;
	pool_last = last;
}

bool stub_port_in_pool(uint16_t port)
{
	return port >= pool_first && port <= pool_last;
}

/* ---- time ---- */

#define FAKE_EPOCH 1767225600	/* 2026-01-01T00:00:00Z */

void stub_time_init(void)
{
	osmo_clock_override_enable(CLOCK_MONOTONIC, true);
	osmo_gettimeofday_override = true;
	osmo_gettimeofday_override_time = (struct timeval){ .tv_sec = FAKE_EPOCH };
}

/* the clocks the product code reads itself: CLOCK_REALTIME (the CDR's time stamps) and
 * CLOCK_MONOTONIC (the media timeout, rate limits) follow the fake clock of the timers */
int __real_clock_gettime(clockid_t clk, struct timespec *ts);
int __wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
	if (clk == CLOCK_REALTIME || clk == CLOCK_MONOTONIC) {
		*ts = *osmo_clock_override_gettimespec(CLOCK_MONOTONIC);
		if (clk == CLOCK_REALTIME)
			ts->tv_sec += FAKE_EPOCH;
		return 0;
	}
	return __real_clock_gettime(clk, ts);
}

void stub_advance(unsigned int ms)
{
	for (unsigned int i = 0; i < ms; i++) {
		osmo_clock_override_add(CLOCK_MONOTONIC, 0, 1000000);
		osmo_gettimeofday_override_add(0, 1000);
		osmo_select_main_ctx(1);	/* expired timers, then the deferred frees (OTC_SELECT) */
		stub_media_flush();
	}
}

/* ---- media: printed when something changes, done by the real bridge ---- */

/* The media lines of a step are printed after its wire messages (stub_media_flush at the next
 * event into the IWF or tick of the clock): where the IWF changes the bridge relative to what it
 * sends is not visible outside, only what it does to the bridge and in which order */
static char media_buf[8192];
static size_t media_len;

static void media_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void media_printf(const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(media_buf + media_len, sizeof(media_buf) - media_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		media_len = media_len + n < sizeof(media_buf) ? media_len + n : sizeof(media_buf) - 1;
}

void stub_media_flush(void)
{
	if (!media_len)
		return;
	fputs(media_buf, stdout);
	media_len = 0;
	media_buf[0] = 0;
}

int __real_media_bridge_set_leg(struct media_bridge *b, enum media_leg leg, const char *ip, uint16_t port,
				enum media_codec codec, uint8_t pt, int te_pt);
int __wrap_media_bridge_set_leg(struct media_bridge *b, enum media_leg leg, const char *ip, uint16_t port,
				enum media_codec codec, uint8_t pt, int te_pt)
{
	char before[256], after[256];
	int rc;
	media_bridge_summary(b, before, sizeof(before));
	rc = __real_media_bridge_set_leg(b, leg, ip, port, codec, pt, te_pt);
	media_bridge_summary(b, after, sizeof(after));
	if (strcmp(before, after))
		media_printf("media %s remote %s:%u %s pt=%u te=%d\n", media_leg_name(leg), ip ? ip : "-", port,
		       media_codec_name(codec), pt, te_pt);
	return rc;
}

int __real_media_bridge_set_remote(struct media_bridge *b, enum media_leg leg, const char *ip, uint16_t port);
int __wrap_media_bridge_set_remote(struct media_bridge *b, enum media_leg leg, const char *ip, uint16_t port)
{
	char before[256], after[256];
	int rc;
	media_bridge_summary(b, before, sizeof(before));
	rc = __real_media_bridge_set_remote(b, leg, ip, port);
	media_bridge_summary(b, after, sizeof(after));
	if (strcmp(before, after))
		media_printf("media %s remote %s:%u\n", media_leg_name(leg), ip ? ip : "-", port);
	return rc;
}

int __real_media_bridge_set_dir(struct media_bridge *b, enum media_dir dir);
int __wrap_media_bridge_set_dir(struct media_bridge *b, enum media_dir dir)
{
	enum media_dir old = media_bridge_dir(b);
	int rc = __real_media_bridge_set_dir(b, dir);
	if (media_bridge_dir(b) != old)
		media_printf("media dir %s\n", media_dir_name(media_bridge_dir(b)));
	return rc;
}

void __real_media_bridge_stop(struct media_bridge *b);
void __wrap_media_bridge_stop(struct media_bridge *b)
{
	enum media_dir old = media_bridge_dir(b);
	__real_media_bridge_stop(b);
	if (old != MEDIA_DIR_STOPPED)
		media_printf("media stop\n");
}

int __real_media_bridge_play_tone(struct media_bridge *b, enum media_leg toward, const struct tone_plan *plan,
				  enum tone_id tone);
int __wrap_media_bridge_play_tone(struct media_bridge *b, enum media_leg toward, const struct tone_plan *plan,
				  enum tone_id tone)
{
	media_printf("media tone %s toward %s\n", tone_name(tone), media_leg_name(toward));
	return __real_media_bridge_play_tone(b, toward, plan, tone);
}

void __real_media_bridge_stop_tone(struct media_bridge *b, enum media_leg toward);
void __wrap_media_bridge_stop_tone(struct media_bridge *b, enum media_leg toward)
{
	enum tone_id t = media_bridge_tone(b, toward);
	__real_media_bridge_stop_tone(b, toward);
	if (t != TONE_NONE && media_bridge_tone(b, toward) == TONE_NONE)
		media_printf("media tone %s toward %s stopped\n", tone_name(t), media_leg_name(toward));
}

/* ---- CDR ---- */

static const char *cdr_path;
static long cdr_off;

void stub_cdr_open(const char *path)
{
	cdr_path = path;
	cdr_off = 0;
}

void stub_cdr_print(void)
{
	char line[2048];
	FILE *f = cdr_path ? fopen(cdr_path, "r") : NULL;
	if (!f)
		return;
	fseek(f, cdr_off, SEEK_SET);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "call_id,", 8))
			printf("cdr %s", line);
	}
	cdr_off = ftell(f);
	fclose(f);
}

void stub_flow_end(void)
{
	stub_advance(10);
	stub_media_flush();
	stub_cdr_print();
	printf("calls left: %u\n", g_iwf->num_calls);
	stub_isup_flow_end();
	stub_sip_flow_end();
	printf("\n");
}

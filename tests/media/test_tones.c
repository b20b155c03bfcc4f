/* Offline tone tests: every plan's tones generated (spandsp) and checked by frequency and cadence;
 * E.182 cause -> tone mapping; generator speed (printed). TAP-like output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <talloc.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include "tests/media/test_log.h"
#include "tones/tones.h"
#include "tests/media/analyze.h"

static int failures;

#define CHECK(cond, fmt, ...) do { \
	if (cond) printf("ok " fmt "\n", ##__VA_ARGS__); \
	else { printf("not ok " fmt "\n", ##__VA_ARGS__); failures++; } } while (0)

static unsigned int cycle_ms(const struct tone_def *d)
{
	unsigned int c = 0;
	for (int i = 0; i < d->num_steps; i++)
		c += d->steps[i].ms;
	return c;
}

static void check_tone(void *ctx, const struct tone_plan *plan, enum tone_id t)
{
	const struct tone_def *d = tone_plan_get(plan, t);
	unsigned int cyc = cycle_ms(d), ms = cyc ? cyc * 2 + cyc / 5 : 3000;
	size_t frames = ms / 20 + 1, n = frames * TONE_FRAME_SAMPLES;
	int16_t *x = talloc_array(ctx, int16_t, n);
	uint8_t enc[TONE_FRAME_SAMPLES];
	struct tonegen *g = tonegen_alloc(ctx, plan, t);
	char rep[512];
	int runs, want;

	if (!g) {
		CHECK(0, "tone %s/%s generator", plan->name, tone_name(t));
		return;
	}
	/* through A-law and back, as on the wire */
	for (size_t f = 0; f < frames; f++) {
		tonegen_frame_g711(g, enc, TONE_LAW_ALAW);
		g711_decode_buf(x + f * TONE_FRAME_SAMPLES, enc, TONE_FRAME_SAMPLES, true);
	}
	runs = analyze_tone(x, n, d, true, 10, rep, sizeof(rep));
	want = cyc ? 2 * (d->num_steps > 1 ? 2 : 1) : 1;
	CHECK(runs >= want, "tone %s/%s %d complete runs (want >= %d) [%s]", plan->name, tone_name(t), runs, want, rep);
	tonegen_free(g);
	talloc_free(x);
}

int main(void)
{
	void *ctx = talloc_named_const(NULL, 0, "test_tones");
	const struct tone_plan *const *plans = tone_plans();
	static const int busy[] = { 17 }, cong[] = { 34, 38, 41, 42, 44, 47 }, sit[] = { 1, 3, 16, 18, 21, 22, 27, 28, 31, 127 };
	struct timespec t0, t1;
	int16_t amp[TONE_FRAME_SAMPLES];
	unsigned int nplans = 0;

	media_test_log_init(ctx);
	for (; plans[nplans]; nplans++)
		for (enum tone_id t = TONE_DIAL; t < _NUM_TONES; t++)
			check_tone(ctx, plans[nplans], t);

	for (unsigned int i = 0; i < 1; i++)
		CHECK(tone_for_cause(busy[i]) == TONE_BUSY, "e182 cause %d -> busy", busy[i]);
	for (unsigned int i = 0; i < sizeof(cong) / sizeof(cong[0]); i++)
		CHECK(tone_for_cause(cong[i]) == TONE_CONGESTION, "e182 cause %d -> congestion", cong[i]);
	for (unsigned int i = 0; i < sizeof(sit) / sizeof(sit[0]); i++)
		CHECK(tone_for_cause(sit[i]) == TONE_SIT, "e182 cause %d -> sit", sit[i]);
	CHECK(!strcmp(tone_e182_phrase(TONE_RINGING), "Ringing Tone") && !strcmp(tone_e182_phrase(TONE_BUSY), "Busy Tone")
	      && !strcmp(tone_e182_phrase(TONE_SIT), "Special Information Tone"), "e182 reason phrases");
	CHECK(nplans == 16 && tone_plan_find("DE") && tone_plan_find("us") && !tone_plan_find("xx"),
	      "plan lookup (%u plans)", nplans);
	/* FR has no call waiting tone of its own: ITU default */
	CHECK(tone_plan_get(tone_plan_find("fr"), TONE_CALL_WAITING) == tone_plan_get(NULL, TONE_CALL_WAITING),
	      "plan without a tone falls back to ITU");

	/* speed, printed only */
	{
		struct tonegen *g = tonegen_alloc(ctx, tone_plan_find("uk"), TONE_SIT);
		uint8_t enc[TONE_FRAME_SAMPLES];
		const unsigned int N = 200000;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (unsigned int i = 0; i < N; i++)
			tonegen_frame_g711(g, enc, TONE_LAW_ALAW);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("# speed: %u SIT frames (20 ms, A-law) in %.3f s = %.0f frames/s (sanitizer build)\n", N,
		       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
		       N / ((t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9));
		tonegen_free(g);
		(void)amp;
	}
	talloc_free(ctx);
	return failures ? 1 : 0;
}

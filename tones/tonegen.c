/* Tone generators: a tone_def rendered into 20 ms frames with spandsp. Simple cadences (one tone
 * or AM tone, up to two on/off pairs, repeated forever) use tone_gen; anything else (several
 * frequencies in sequence, counted repeats) a super_tone_tx tree. */
#include <string.h>
#include <talloc.h>
#define SPANDSP_EXPOSE_INTERNAL_STRUCTURES
#include <spandsp.h>
#include <osmocom/core/logging.h>
#include "tones/tones_internal.h"

static int log_cat = DLGLOBAL;

void tones_set_log_cat(int cat)
{
	log_cat = cat;
}

int tones_log_cat(void)
{
	return log_cat;
}

/* levels per frequency, dBm0 (E.180 sending levels are in the -10..-20 range) */
#define LEVEL_SINGLE	-13
#define LEVEL_DUAL	-16

struct tonegen {
	enum tone_id tone;
	tone_gen_descriptor_t *desc;
	tone_gen_state_t *tg;
	super_tone_tx_step_t *tree;
	super_tone_tx_state_t *st;
	bool finished;
};

/* Same frequencies in every "on" step, on/off alternating, at most two pairs, forever? */
static bool fits_tone_gen(const struct tone_def *d)
{
	if (d->repeat != 0 || d->num_steps > 4)
		return false;
	if (d->num_steps == 1)
		return d->steps[0].f1 != 0 && d->steps[0].ms == 0;
	if (d->num_steps % 2)
		return false;
	for (unsigned int i = 0; i < d->num_steps; i++) {
		const struct tone_step *s = &d->steps[i];
		bool want_on = !(i % 2);
		if ((s->f1 != 0) != want_on || s->ms == 0)
			return false;
		if (want_on && (s->f1 != d->steps[0].f1 || s->f2 != d->steps[0].f2))
			return false;
	}
	return true;
}

static int level2(const struct tone_step *s)
{
	if (s->f2 < 0)
		return 50;	/* AM: modulation depth, % */
	return s->f2 > 0 ? LEVEL_DUAL : 0;
}

static int level1(const struct tone_step *s)
{
	return s->f2 > 0 ? LEVEL_DUAL : LEVEL_SINGLE;
}

static int setup_tone_gen(struct tonegen *g, const struct tone_def *d)
{
	const struct tone_step *on = &d->steps[0];
	int dur[4] = { 0, 0, 0, 0 };

	if (d->num_steps == 1)
		dur[0] = 1000;	/* continuous: one 1 s "on" section, repeated */
	else
		for (unsigned int i = 0; i < d->num_steps; i++)
			dur[i] = d->steps[i].ms;
	g->desc = tone_gen_descriptor_init(NULL, on->f1, level1(on), on->f2, level2(on),
					   dur[0], dur[1], dur[2], dur[3], 1);
	if (!g->desc)
		return -1;
	g->tg = tone_gen_init(NULL, g->desc);
	return g->tg ? 0 : -1;
}

static int setup_super_tone(struct tonegen *g, const struct tone_def *d)
{
	super_tone_tx_step_t *first = NULL, *prev = NULL;

	/* the sequence: one step per cadence entry, each played once */
	for (unsigned int i = 0; i < d->num_steps; i++) {
		const struct tone_step *s = &d->steps[i];
		super_tone_tx_step_t *st;
		if (s->f2 < 0)
			return -1;	/* AM is tone_gen only */
		st = super_tone_tx_make_step(NULL, s->f1, s->f1 ? level1(s) : 0, s->f2 > 0 ? s->f2 : 0,
					     s->f2 > 0 ? level1(s) : 0, s->ms, 1);
		if (!st)
			return -1;
		if (prev)
			prev->next = st;
		else
			first = st;
		prev = st;
	}
	/* the container repeats the sequence d->repeat times (0 = forever) */
	g->tree = super_tone_tx_make_step(NULL, 0, 0, 0, 0, 0, d->repeat);
	if (!g->tree) {
		super_tone_tx_free_tone(first);
		return -1;
	}
	g->tree->nest = first;
	g->st = super_tone_tx_init(NULL, g->tree);
	return g->st ? 0 : -1;
}

static int tonegen_destructor(struct tonegen *g)
{
	if (g->tg)
		tone_gen_free(g->tg);
	if (g->desc)
		tone_gen_descriptor_free(g->desc);
	if (g->st)
		super_tone_tx_free(g->st);
	if (g->tree)
		super_tone_tx_free_tone(g->tree);
	return 0;
}

struct tonegen *tonegen_alloc(void *ctx, const struct tone_plan *plan, enum tone_id tone)
{
	const struct tone_def *d = tone_plan_get(plan ? plan : tone_plan_default(), tone);
	struct tonegen *g;
	int rc;

	if (!d || !d->num_steps)
		return NULL;
	g = talloc_zero(ctx, struct tonegen);
	if (!g)
		return NULL;
	g->tone = tone;
	talloc_set_destructor(g, tonegen_destructor);
	rc = fits_tone_gen(d) ? setup_tone_gen(g, d) : setup_super_tone(g, d);
	if (rc < 0) {
		LOGP(DTONES, LOGL_ERROR, "cannot set up %s tone of plan %s\n", tone_name(tone),
		     plan ? plan->name : "itu");
		talloc_free(g);
		return NULL;
	}
	return g;
}

bool tonegen_frame(struct tonegen *g, int16_t amp[TONE_FRAME_SAMPLES])
{
	int n = 0;

	if (!g->finished) {
		n = g->tg ? tone_gen(g->tg, amp, TONE_FRAME_SAMPLES) : super_tone_tx(g->st, amp, TONE_FRAME_SAMPLES);
		if (n < TONE_FRAME_SAMPLES)
			g->finished = true;
		if (n < 0)
			n = 0;
	}
	memset(amp + n, 0, (TONE_FRAME_SAMPLES - n) * sizeof(amp[0]));
	return !g->finished || n > 0;
}

bool tonegen_frame_g711(struct tonegen *g, uint8_t out[TONE_FRAME_SAMPLES], enum tone_law law)
{
	int16_t amp[TONE_FRAME_SAMPLES];
	bool more = tonegen_frame(g, amp);

	for (unsigned int i = 0; i < TONE_FRAME_SAMPLES; i++)
		out[i] = law == TONE_LAW_ALAW ? linear_to_alaw(amp[i]) : linear_to_ulaw(amp[i]);
	return more;
}

enum tone_id tonegen_tone(const struct tonegen *g)
{
	return g->tone;
}

void tonegen_free(struct tonegen *g)
{
	talloc_free(g);
}

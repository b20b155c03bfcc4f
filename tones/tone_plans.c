/* E.180 tone plans: the ITU recommended values and national plans (interworking.md 6.1/6.2). */
#include <string.h>
#include <strings.h>
#include "tones/tones.h"

#define ON(f, ms)		{ (f), 0, (ms) }
#define ON2(f1, f2, ms)		{ (f1), (f2), (ms) }
#define OFF(ms)			{ 0, 0, (ms) }
#define CONT(f)			{ .steps = { ON(f, 0) }, .num_steps = 1 }
#define CONT2(f1, f2)		{ .steps = { ON2(f1, f2, 0) }, .num_steps = 1 }
#define CAD(f, on, off)		{ .steps = { ON(f, on), OFF(off) }, .num_steps = 2 }
#define CAD2(f1, f2, on, off)	{ .steps = { ON2(f1, f2, on), OFF(off) }, .num_steps = 2 }
#define CADD(f, a, b, c, d)	{ .steps = { ON(f, a), OFF(b), ON(f, c), OFF(d) }, .num_steps = 4 }
#define CADD2(f1, f2, a, b, c, d) { .steps = { ON2(f1, f2, a), OFF(b), ON2(f1, f2, c), OFF(d) }, .num_steps = 4 }
/* E.180 special information tone: 950, 1400, 1800 Hz, 330 ms each, then 1 s silence */
#define SIT_STD			{ .steps = { ON(950, 330), ON(1400, 330), ON(1800, 330), OFF(1000) }, .num_steps = 4 }

/* 6.1: ITU-T E.180 recommended values (425 Hz, typical cadences) */
static const struct tone_plan plan_itu = {
	.name = "itu", .description = "ITU-T E.180 recommended values",
	.tone = {
		[TONE_DIAL] = CONT(425),
		[TONE_RINGING] = CAD(425, 1000, 4000),
		[TONE_BUSY] = CAD(425, 500, 500),
		[TONE_CONGESTION] = CAD(425, 250, 250),
		[TONE_CALL_WAITING] = CAD(425, 400, 10000),
		[TONE_SIT] = SIT_STD,
	},
};

/* 6.2: national plans */
static const struct tone_plan plan_us = {
	.name = "us", .description = "United States (Precise Tone Plan)",
	.tone = {
		[TONE_DIAL] = CONT2(350, 440),
		[TONE_RINGING] = CAD2(440, 480, 2000, 4000),
		[TONE_BUSY] = CAD2(480, 620, 500, 500),
		[TONE_CONGESTION] = CAD2(480, 620, 250, 250),
		[TONE_CALL_WAITING] = CAD(440, 300, 10000),
		[TONE_SIT] = SIT_STD,
	},
};

static const struct tone_plan plan_uk = {
	.name = "uk", .description = "United Kingdom",
	.tone = {
		[TONE_DIAL] = CONT2(350, 440),
		[TONE_RINGING] = CADD2(400, 450, 400, 200, 400, 2000),
		[TONE_BUSY] = CAD(400, 375, 375),
		[TONE_CONGESTION] = CADD(400, 400, 350, 225, 525),
		[TONE_CALL_WAITING] = CAD(400, 100, 4000),
		[TONE_SIT] = { .steps = { ON(950, 330), OFF(15), ON(1400, 330), OFF(15), ON(1800, 330), OFF(1000) },
			       .num_steps = 6 },
	},
};

static const struct tone_plan plan_de = {
	.name = "de", .description = "Germany",
	.tone = {
		[TONE_DIAL] = CONT(425),
		[TONE_RINGING] = CAD(425, 1000, 4000),
		[TONE_BUSY] = CAD(425, 480, 480),
		[TONE_CONGESTION] = CAD(425, 240, 240),
		/* 200/200/200/5000, five times, then silence */
		[TONE_CALL_WAITING] = { .steps = { ON(425, 200), OFF(200), ON(425, 200), OFF(5000) },
					.num_steps = 4, .repeat = 5 },
		[TONE_SIT] = SIT_STD,
	},
};

static const struct tone_plan plan_fr = {
	.name = "fr", .description = "France",
	.tone = {
		[TONE_DIAL] = CONT(440),
		[TONE_RINGING] = CAD(440, 1500, 3500),
		[TONE_BUSY] = CAD(440, 500, 500),
		[TONE_CONGESTION] = CAD(440, 250, 250),
		/* no call waiting tone in the source table: ITU default */
		[TONE_SIT] = SIT_STD,
	},
};

static const struct tone_plan plan_it = {
	.name = "it", .description = "Italy",
	.tone = {
		[TONE_DIAL] = CADD(425, 200, 200, 600, 1000),
		[TONE_RINGING] = CAD(425, 1000, 4000),
		[TONE_BUSY] = CAD(425, 500, 500),
		[TONE_CONGESTION] = CAD(425, 200, 200),
		[TONE_CALL_WAITING] = { .steps = { ON(425, 400), OFF(100), ON(425, 250), OFF(100), ON(425, 150),
						   OFF(14000) }, .num_steps = 6 },
		[TONE_SIT] = SIT_STD,
	},
};

static const struct tone_plan plan_es = {
	.name = "es", .description = "Spain",
	.tone = {
		[TONE_DIAL] = CONT(425),
		[TONE_RINGING] = CAD(425, 1500, 3000),
		[TONE_BUSY] = CAD(425, 200, 200),
		[TONE_CONGESTION] = { .steps = { ON(425, 200), OFF(200), ON(425, 200), OFF(200), ON(425, 200),
						 OFF(600) }, .num_steps = 6 },
		[TONE_CALL_WAITING] = CADD(425, 175, 175, 175, 3500),
		[TONE_SIT] = CAD(950, 330, 1000),
	},
};

static const struct tone_plan plan_nl = {
	.name = "nl", .description = "Netherlands",
	.tone = {
		[TONE_DIAL] = CONT(425),
		[TONE_RINGING] = CAD(425, 1000, 4000),
		[TONE_BUSY] = CAD(425, 500, 500),
		[TONE_CONGESTION] = CAD(425, 250, 250),
		[TONE_CALL_WAITING] = CAD(425, 500, 9500),
		[TONE_SIT] = SIT_STD,
	},
};

static const struct tone_plan plan_se = {
	.name = "se", .description = "Sweden",
	.tone = {
		[TONE_DIAL] = CONT(425),
		[TONE_RINGING] = CAD(425, 1000, 5000),
		[TONE_BUSY] = CAD(425, 250, 250),
		[TONE_CONGESTION] = CAD(425, 250, 750),
		[TONE_CALL_WAITING] = CADD(425, 200, 500, 200, 9100),
		[TONE_SIT] = { .steps = { ON(950, 332), ON(1400, 332), ON(1800, 332), OFF(1000) }, .num_steps = 4 },
	},
};

static const struct tone_plan plan_at = {
	.name = "at", .description = "Austria",
	.tone = {
		[TONE_DIAL] = CONT(420),
		[TONE_RINGING] = CAD(420, 1000, 5000),
		[TONE_BUSY] = CAD(420, 400, 400),
		[TONE_CONGESTION] = CAD(420, 200, 200),
		[TONE_CALL_WAITING] = CAD(420, 40, 1960),
		[TONE_SIT] = { .steps = { ON(950, 330), ON(1450, 330), ON(1850, 330), OFF(1000) }, .num_steps = 4 },
	},
};

static const struct tone_plan plan_ru = {
	.name = "ru", .description = "Russia",
	.tone = {
		[TONE_DIAL] = CONT(425),
		[TONE_RINGING] = CAD(425, 1000, 4000),
		[TONE_BUSY] = CAD(425, 350, 350),
		[TONE_CONGESTION] = CAD(425, 175, 175),
		[TONE_CALL_WAITING] = CAD(425, 200, 5000),
		[TONE_SIT] = SIT_STD,
	},
};

static const struct tone_plan plan_cn = {
	.name = "cn", .description = "China",
	.tone = {
		[TONE_DIAL] = CONT(450),
		[TONE_RINGING] = CAD(450, 1000, 4000),
		[TONE_BUSY] = CAD(450, 350, 350),
		[TONE_CONGESTION] = CAD(450, 700, 700),
		[TONE_CALL_WAITING] = CAD(450, 400, 4000),
		[TONE_SIT] = SIT_STD,	/* the national 450 Hz burst pattern is not in the source table */
	},
};

static const struct tone_plan plan_jp = {
	.name = "jp", .description = "Japan",
	.tone = {
		[TONE_DIAL] = CONT(400),
		[TONE_RINGING] = CAD2(400, -15, 1000, 2000),
		[TONE_BUSY] = CAD(400, 500, 500),
		[TONE_CONGESTION] = CAD(400, 500, 500),
		[TONE_CALL_WAITING] = CAD2(400, -16, 500, 8000),
		[TONE_SIT] = SIT_STD,
	},
};

static const struct tone_plan plan_in = {
	.name = "in", .description = "India",
	.tone = {
		[TONE_DIAL] = CONT2(400, -25),
		[TONE_RINGING] = CADD2(400, -25, 400, 200, 400, 2000),
		[TONE_BUSY] = CAD(400, 750, 750),
		[TONE_CONGESTION] = CAD(400, 250, 250),
		[TONE_CALL_WAITING] = CADD(400, 200, 100, 200, 7500),
		[TONE_SIT] = SIT_STD,
	},
};

static const struct tone_plan plan_au = {
	.name = "au", .description = "Australia",
	.tone = {
		[TONE_DIAL] = CONT2(413, 438),
		[TONE_RINGING] = CADD2(413, 438, 400, 200, 400, 2000),
		[TONE_BUSY] = CAD(425, 375, 375),
		[TONE_CONGESTION] = { .steps = { ON(425, 375), OFF(375), ON(420, 375), OFF(375) }, .num_steps = 4 },
		[TONE_CALL_WAITING] = CADD(425, 200, 200, 200, 4400),
		[TONE_SIT] = CAD(425, 2500, 500),
	},
};

static const struct tone_plan plan_br = {
	.name = "br", .description = "Brazil",
	.tone = {
		[TONE_DIAL] = CONT(425),
		[TONE_RINGING] = CAD(425, 1000, 4000),
		[TONE_BUSY] = CAD(425, 250, 250),
		[TONE_CONGESTION] = CADD(425, 250, 250, 750, 250),
		[TONE_CALL_WAITING] = CAD(425, 50, 1000),
		[TONE_SIT] = SIT_STD,
	},
};

static const struct tone_plan *const all_plans[] = {
	&plan_itu, &plan_us, &plan_uk, &plan_de, &plan_fr, &plan_it, &plan_es, &plan_nl,
	&plan_se, &plan_at, &plan_ru, &plan_cn, &plan_jp, &plan_in, &plan_au, &plan_br, NULL
};

const struct tone_plan *const *tone_plans(void)
{
	return all_plans;
}

const struct tone_plan *tone_plan_default(void)
{
	return &plan_itu;
}

const struct tone_plan *tone_plan_find(const char *name)
{
	for (unsigned int i = 0; all_plans[i]; i++)
		if (!strcasecmp(all_plans[i]->name, name))
			return all_plans[i];
	return NULL;
}

const struct tone_def *tone_plan_get(const struct tone_plan *plan, enum tone_id tone)
{
	if (tone <= TONE_NONE || tone >= _NUM_TONES)
		return NULL;
	if (plan && plan->tone[tone].num_steps)
		return &plan->tone[tone];
	return &plan_itu.tone[tone];
}

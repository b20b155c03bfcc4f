/* E.180 tones (national plans), E.182 application, and frame generators (spandsp). */
#pragma once
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* Logging category of the library (default DLGLOBAL), set by the application at init; media/
 * logs the tones it plays in it too. */
void tones_set_log_cat(int cat);
int tones_log_cat(void);

enum tone_id {
	TONE_NONE,
	TONE_DIAL,
	TONE_RINGING,
	TONE_BUSY,
	TONE_CONGESTION,
	TONE_CALL_WAITING,
	TONE_SIT,		/* special information tone (+ silence), E.180 */
	_NUM_TONES
};

/* One step of a cadence: f1 == 0 is silence; f2 > 0 a second frequency, f2 < 0 AM modulation
 * of f1 by -f2 Hz (IN, JP); ms == 0 means "continuous". */
struct tone_step {
	int16_t f1;
	int16_t f2;
	uint16_t ms;
};

#define TONE_MAX_STEPS 8

struct tone_def {
	struct tone_step steps[TONE_MAX_STEPS];
	uint8_t num_steps;	/* 0: tone not defined in this plan */
	uint8_t repeat;		/* number of cycles, 0 = forever */
};

struct tone_plan {
	const char *name;	/* "itu", "us", "uk", "de", ... */
	const char *description;
	struct tone_def tone[_NUM_TONES];
};

/* Plans: E.180 recommended values ("itu") and national plans (interworking.md 6.2). */
const struct tone_plan *tone_plan_find(const char *name);
const struct tone_plan *tone_plan_default(void);
/* NULL-terminated list for VTY completion / iteration. */
const struct tone_plan *const *tone_plans(void);
/* The plan's tone, or the ITU default when the plan does not define it. */
const struct tone_def *tone_plan_get(const struct tone_plan *plan, enum tone_id tone);

const char *tone_name(enum tone_id tone);
/* E.182 names, usable as a 183 reason phrase ("Ringing Tone", "Busy Tone", ...). */
const char *tone_e182_phrase(enum tone_id tone);
/* E.182 application: Q.850 cause of a failed call -> tone played before release.
 * 17 busy; 34, 38, 41, 42, 44, 47 congestion; anything else SIT. */
enum tone_id tone_for_cause(int q850_cause);

/* Generator: 20 ms (160 sample) frames of one tone, spandsp tone_gen or super_tone_tx. */
#define TONE_FRAME_SAMPLES 160
enum tone_law { TONE_LAW_ULAW, TONE_LAW_ALAW };
struct tonegen;
/* talloc child of ctx; NULL if the plan has no such tone */
struct tonegen *tonegen_alloc(void *ctx, const struct tone_plan *plan, enum tone_id tone);
/* Fill 160 linear samples; after a finite tone ends, silence. Returns false once finished. */
bool tonegen_frame(struct tonegen *g, int16_t amp[TONE_FRAME_SAMPLES]);
/* Same, G.711 encoded (160 octets). */
bool tonegen_frame_g711(struct tonegen *g, uint8_t out[TONE_FRAME_SAMPLES], enum tone_law law);
enum tone_id tonegen_tone(const struct tonegen *g);
void tonegen_free(struct tonegen *g);

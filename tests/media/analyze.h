/* Test helpers: Goertzel power and tone cadence/frequency verification of received audio. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "tones/tones.h"

/* Mean power of the component at f (Hz, 8 kHz sampling), same scale as mean_power(). */
double goertzel_power(const int16_t *x, size_t n, double f);
double mean_power(const int16_t *x, size_t n);
/* Share (0..1) of the signal's power at f. */
double freq_fraction(const int16_t *x, size_t n, double f);

/* Check audio against a tone definition: cadence (5 ms resolution, +-tol_ms per run) and frequency
 * content of every "on" run (>= 80 % of its power at the step's frequencies). first_complete: the
 * capture starts with the tone's first step. Returns the number of complete runs verified (the
 * last, possibly cut, run is not counted), or -1 on a mismatch; a report goes to rep. */
int analyze_tone(const int16_t *x, size_t n, const struct tone_def *def, bool first_complete, int tol_ms,
		 char *rep, size_t replen);

/* G.711 decode of a whole buffer */
void g711_decode_buf(int16_t *out, const uint8_t *in, size_t n, bool alaw);

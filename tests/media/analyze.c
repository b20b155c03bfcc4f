/* Tone analysis for the media tests (own Goertzel; spandsp only for G.711 decoding). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spandsp.h>
#include "tests/media/analyze.h"

#define BLOCK 40		/* 5 ms */
#define BLOCK_MS 5
#define ON_THRESHOLD 1.0e4	/* mean power (rms 100) */
#define MAX_LABELS 8
#define MAX_RUNS 4096

double goertzel_power(const int16_t *x, size_t n, double f)
{
	double w = 2.0 * M_PI * f / 8000.0, c = 2.0 * cos(w), s1 = 0, s2 = 0, re, im;

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		double s0 = x[i] + c * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	re = s1 - s2 * cos(w);
	im = s2 * sin(w);
	/* |X|^2 = (A n / 2)^2 for a sine of amplitude A; its mean power is A^2 / 2 */
	return 2.0 * (re * re + im * im) / ((double)n * n);
}

double mean_power(const int16_t *x, size_t n)
{
	double p = 0;

	for (size_t i = 0; i < n; i++)
		p += (double)x[i] * x[i];
	return n ? p / n : 0;
}

double freq_fraction(const int16_t *x, size_t n, double f)
{
	double t = mean_power(x, n);

	return t > 0 ? goertzel_power(x, n, f) / t : 0;
}

void g711_decode_buf(int16_t *out, const uint8_t *in, size_t n, bool alaw)
{
	for (size_t i = 0; i < n; i++)
		out[i] = alaw ? alaw_to_linear(in[i]) : ulaw_to_linear(in[i]);
}

/* label: 0 silence, 1.. a group of step signatures with close first frequencies */
struct labels {
	int num;
	struct { int16_t f1[4], f2[4]; int n; } l[MAX_LABELS];
};

static int label_of_step(struct labels *L, const struct tone_step *s, bool add)
{
	if (!s->f1)
		return 0;
	for (int i = 0; i < L->num; i++)
		for (int j = 0; j < L->l[i].n; j++)
			if (abs(L->l[i].f1[j] - s->f1) < 60) {
				if (add && L->l[i].n < 4 && (L->l[i].f1[j] != s->f1 || L->l[i].f2[j] != s->f2)) {
					L->l[i].f1[L->l[i].n] = s->f1;
					L->l[i].f2[L->l[i].n++] = s->f2;
				}
				return i + 1;
			}
	if (!add || L->num >= MAX_LABELS)
		return -1;
	L->l[L->num].f1[0] = s->f1;
	L->l[L->num].f2[0] = s->f2;
	L->l[L->num].n = 1;
	return ++L->num;
}

/* power at the frequencies of one signature */
static double sig_power(const int16_t *x, size_t n, int16_t f1, int16_t f2)
{
	double p = goertzel_power(x, n, f1);
	if (f2 > 0)
		p += goertzel_power(x, n, f2);
	return p;
}

struct run { int label; int ms; size_t start, len; };

int analyze_tone(const int16_t *x, size_t n, const struct tone_def *def, bool first_complete, int tol_ms,
		 char *rep, size_t replen)
{
	struct labels L = { 0 };
	struct { int label; int ms; } exp[TONE_MAX_STEPS];
	int nexp = 0, nruns = 0, verified = 0, p = 0;
	struct run *runs = calloc(MAX_RUNS, sizeof(*runs));
	size_t off = 0;
	size_t nb = n / BLOCK;
	int rc = -1;

	rep[0] = 0;
	if (!runs)
		return -1;
	/* expected cyclic sequence of (label, ms), same labels merged */
	for (int i = 0; i < def->num_steps; i++) {
		int lab = label_of_step(&L, &def->steps[i], true);
		if (nexp && exp[nexp - 1].label == lab) {
			exp[nexp - 1].ms += def->steps[i].ms;
			continue;
		}
		exp[nexp].label = lab;
		exp[nexp++].ms = def->steps[i].ms;
	}
	/* per 5 ms block: silence or the strongest label */
	for (size_t b = 0; b < nb; b++) {
		const int16_t *blk = x + b * BLOCK;
		int lab = 0;
		if (mean_power(blk, BLOCK) > ON_THRESHOLD) {
			double best = -1;
			for (int i = 0; i < L.num; i++) {
				double pw = 0;
				for (int j = 0; j < L.l[i].n; j++) {
					double q = sig_power(blk, BLOCK, L.l[i].f1[j], L.l[i].f2[j]);
					if (q > pw)
						pw = q;
				}
				if (pw > best) {
					best = pw;
					lab = i + 1;
				}
			}
		}
		if (nruns && runs[nruns - 1].label == lab) {
			runs[nruns - 1].ms += BLOCK_MS;
			runs[nruns - 1].len += BLOCK;
		} else if (nruns < MAX_RUNS) {
			runs[nruns++] = (struct run){ lab, BLOCK_MS, b * BLOCK, BLOCK };
		}
	}
	/* a block straddling a change may form a 5 ms run of its own: fold it into the previous run */
	for (int i = 1; i < nruns; i++) {
		if (runs[i].ms > BLOCK_MS || i == nruns - 1)
			continue;
		runs[i - 1].ms += runs[i].ms;
		runs[i - 1].len += runs[i].len;
		memmove(&runs[i], &runs[i + 1], (nruns - i - 1) * sizeof(*runs));
		nruns--;
		if (runs[i].label == runs[i - 1].label) {
			runs[i - 1].ms += runs[i].ms;
			runs[i - 1].len += runs[i].len;
			memmove(&runs[i], &runs[i + 1], (nruns - i - 1) * sizeof(*runs));
			nruns--;
		}
		i--;
	}
	off += snprintf(rep + off, replen - off, "%d runs:", nruns);
	for (int i = 0; i < nruns && i < 12 && off < replen; i++)
		off += snprintf(rep + off, replen - off, " %s%d/%d", runs[i].label ? "L" : "off", runs[i].label, runs[i].ms);
	if (off >= replen)
		off = replen - 1;

	/* continuous tone: one on run over the whole capture */
	if (nexp == 1 && exp[0].ms == 0) {
		if (nruns == 1 && runs[0].label == exp[0].label)
			verified = 1;
		else
			goto out;
	} else {
		int first = first_complete ? 0 : 1;
		if (first_complete) {
			p = 0;
		} else {
			/* phase: the expected entry matching the first complete run and its successor */
			for (p = 0; p < nexp; p++)
				if (first + 1 < nruns && exp[p].label == runs[first].label
				    && abs(exp[p].ms - runs[first].ms) <= tol_ms
				    && exp[(p + 1) % nexp].label == runs[first + 1].label)
					break;
			if (p == nexp) {
				off += snprintf(rep + off, replen - off, "; no cadence phase found");
				goto out;
			}
		}
		for (int i = first; i < nruns - 1; i++, p = (p + 1) % nexp) {
			if (runs[i].label != exp[p].label || abs(runs[i].ms - exp[p].ms) > tol_ms) {
				off += snprintf(rep + off, replen - off, "; run %d: L%d/%d ms, expected L%d/%d ms", i,
						runs[i].label, runs[i].ms, exp[p].label, exp[p].ms);
				goto out;
			}
			verified++;
		}
	}
	/* frequency content of every on run (edges trimmed) */
	for (int i = 0; i < nruns; i++) {
		const struct run *r = &runs[i];
		double best = 0, tot;
		if (!r->label || r->len <= 4 * BLOCK)
			continue;
		tot = mean_power(x + r->start + BLOCK, r->len - 2 * BLOCK);
		for (int j = 0; j < L.l[r->label - 1].n; j++) {
			double q = sig_power(x + r->start + BLOCK, r->len - 2 * BLOCK, L.l[r->label - 1].f1[j],
					     L.l[r->label - 1].f2[j]) / tot;
			if (q > best)
				best = q;
		}
		if (best < 0.8) {
			off += snprintf(rep + off, replen - off, "; run %d: only %.0f%% of its power at %d Hz", i,
					best * 100, L.l[r->label - 1].f1[0]);
			goto out;
		}
	}
	rc = verified;
out:
	free(runs);
	return rc;
}

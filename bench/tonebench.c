/* tonebench: how many concurrent tone generators (tones/, spandsp) one core keeps in real time.
 * Usage: tonebench [-s SECONDS] [-p PLAN]
 * Runs K generators (a mix of ringing, busy, congestion and dial tone: continuous cadences),
 * each producing one 20 ms A-law frame per round, for about SECONDS of CPU time on this thread,
 * and prints "TONEBENCH generators=K frames=F cpu_s=C frames_per_cpu_s=R realtime_generators=G"
 * where G = R / 50: the number of generators one core sustains in real time (50 frames/s each). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <talloc.h>
#include "tones/tones.h"

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *plan_name = "itu";
	double secs = 3;
	int c, k = 1000;
	static const enum tone_id mix[] = { TONE_RINGING, TONE_BUSY, TONE_CONGESTION, TONE_DIAL };
	while ((c = getopt(argc, argv, "s:p:k:")) != -1) {
		switch (c) {
		case 's': secs = atof(optarg); break;
		case 'p': plan_name = optarg; break;
		case 'k': k = atoi(optarg); break;
		default: fprintf(stderr, "usage: tonebench [-s SECONDS] [-p PLAN] [-k GENERATORS]\n"); return 2;
		}
	}
	const struct tone_plan *plan = tone_plan_find(plan_name);
	if (!plan) {
		fprintf(stderr, "tonebench: unknown plan %s\n", plan_name);
		return 2;
	}
	void *ctx = talloc_named_const(NULL, 0, "tonebench");
	struct tonegen **g = talloc_array(ctx, struct tonegen *, k);
	for (int i = 0; i < k; i++) {
		g[i] = tonegen_alloc(ctx, plan, mix[i % 4]);
		if (!g[i]) {
			fprintf(stderr, "tonebench: plan %s lacks tone %d\n", plan_name, mix[i % 4]);
			return 2;
		}
	}
	uint8_t frame[TONE_FRAME_SAMPLES];
	unsigned long long frames = 0, sink = 0;
	double t0 = cpu_s(), t;
	do {
		for (int i = 0; i < k; i++) {
			tonegen_frame_g711(g[i], frame, TONE_LAW_ALAW);
			sink += frame[i % TONE_FRAME_SAMPLES];
		}
		frames += k;
	} while ((t = cpu_s() - t0) < secs);
	double rate = frames / t;
	printf("TONEBENCH plan=%s generators=%d frames=%llu cpu_s=%.3f frames_per_cpu_s=%.0f realtime_generators=%.0f "
	       "(checksum %llu)\n", plan_name, k, frames, t, rate, rate / 50, sink % 1000);
	talloc_free(ctx);
	return 0;
}

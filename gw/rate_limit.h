/* Call-rate limit (new calls per second on a SIP trunk or a circuit group): a token bucket
 * refilled continuously at 'rate' tokens per second, holding at most one second's worth.
 * rate 0 = no limit. Overload answer (not done here): 503 + Reason Q.850 cause 42 on SIP,
 * REL cause 42 "switching equipment congestion" on ISUP (Q.850 / RFC 3398 8.2.6.1). */
#pragma once
#include <stdbool.h>
#include <time.h>
#include <osmocom/core/timer.h>

struct gw_rate_limit {
	unsigned int rate;		/* per second, 0 = unlimited */
	double tokens;
	struct timespec last;
	bool primed;
};

static inline bool gw_rate_limit_admit(struct gw_rate_limit *rl)
{
	struct timespec now;

	if (!rl->rate)
		return true;
	osmo_clock_gettime(CLOCK_MONOTONIC, &now);
	if (!rl->primed) {
		rl->tokens = rl->rate;
		rl->primed = true;
	} else {
		double dt = (now.tv_sec - rl->last.tv_sec) + (now.tv_nsec - rl->last.tv_nsec) / 1e9;
		rl->tokens += dt * rl->rate;
		if (rl->tokens > rl->rate)
			rl->tokens = rl->rate;
	}
	rl->last = now;
	if (rl->tokens < 1.0)
		return false;
	rl->tokens -= 1.0;
	return true;
}

static inline void gw_rate_limit_set(struct gw_rate_limit *rl, unsigned int rate)
{
	rl->rate = rate;
	rl->primed = false;
}

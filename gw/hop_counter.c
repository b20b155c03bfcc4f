/* Hop counter <-> Max-Forwards, see hop_counter.h. The two ranges differ (5 bits vs. 0-255,
 * default 70): a Max-Forwards above 31 is taken as 31 (the most the IAM can say), a hop counter
 * keeps its value; either way minus one for the gateway's own hop (TS 29.163 / Q.1912.5 ask
 * for the decrement; the scaling of the ranges is this gateway's choice, see the README). */
#include "gw/hop_counter.h"
#include "isup/isup.h"

int gw_hop_to_max_forwards(int hop)
{
	if (hop < 0)
		return -1;
	/* Q.764 hop counter procedure: decremented by one at each exchange */
	return hop > 0 ? hop - 1 : 0;
}

int gw_max_forwards_to_hop(int max_forwards)
{
	if (max_forwards < 0)
		return -1;
	if (max_forwards > GW_HOP_COUNTER_MAX)
		max_forwards = GW_HOP_COUNTER_MAX;
	return max_forwards > 0 ? max_forwards - 1 : 0;
}

bool gw_iam_hop_exhausted(const struct isup_msg *iam)
{
	const struct isup_param *p = isup_msg_find_const(iam, ISUP_PRM_HOP_COUNTER);
	return p && p->len >= 1 && (p->val[0] & 0x1f) == 0;
}

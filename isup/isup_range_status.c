/* Q.763 3.43 Range and status: range octet, then a status bit per circuit (bit A of the
 * first status octet is the circuit of the message's CIC). GRS/CQM carry the range only. */
#include <string.h>

#include "isup/isup_internal.h"

static unsigned int status_octets(uint8_t range)
{
	return (range + 1u + 7u) / 8u;
}

int isup_range_status_decode(struct isup_range_status *p, const uint8_t *val, uint8_t len)
{
	memset(p, 0, sizeof(*p));
	if (!val || len < 1)
		return ISUP_ERR_PARAM_VALUE;
	p->range = val[0];
	if (len == 1)
		return 0;
	if (len - 1u != status_octets(p->range))
		return ISUP_ERR_PARAM_VALUE;
	p->status_present = true;
	memcpy(p->status, val + 1, len - 1);
	return 0;
}

int isup_range_status_encode(const struct isup_range_status *p, uint8_t *out, size_t out_size)
{
	unsigned int len = 1 + (p->status_present ? status_octets(p->range) : 0);

	if (!out || out_size < len)
		return ISUP_ERR_BUFFER;
	out[0] = p->range;
	if (p->status_present)
		memcpy(out + 1, p->status, len - 1);
	return len;
}

bool isup_range_status_bit(const struct isup_range_status *p, unsigned int i)
{
	if (!p->status_present || i > p->range)
		return false;
	return (p->status[i / 8] >> (i % 8)) & 1;
}

void isup_range_status_set_bit(struct isup_range_status *p, unsigned int i, bool on)
{
	if (i > p->range)
		return;
	p->status_present = true;
	if (on)
		p->status[i / 8] |= 1 << (i % 8);
	else
		p->status[i / 8] &= ~(1 << (i % 8));
}

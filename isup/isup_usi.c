/* Q.763 3.57 User service information: Q.931 4.5.5 bearer capability from octet 3 on */
#include <string.h>

#include "isup/isup_internal.h"

/* Offsets of the octets we model: 3 (0), 4 (>= 1) and 5 (layer 1 ident 01), -1 if absent */
static int find_l1(const uint8_t *v, unsigned int len)
{
	unsigned int pos = 0;

	/* octet 3 and its extensions */
	while (pos < len && !(v[pos] & 0x80))
		pos++;
	pos++;
	if (pos >= len)
		return -1;
	/* octet 4 (transfer mode, rate), 4a/4b extensions */
	{
		uint8_t rate = v[pos] & 0x1f;
		while (pos < len && !(v[pos] & 0x80))
			pos++;
		pos++;
		/* octet 4.1 rate multiplier for multirate (11000) */
		if (rate == 0x18)
			pos++;
	}
	if (pos < len && ((v[pos] >> 5) & 3) == 1)
		return pos;
	return -1;
}

int isup_usi_decode(struct isup_usi *p, const uint8_t *val, uint8_t len)
{
	int l1;

	memset(p, 0, sizeof(*p));
	if (!val || len < 2 || len > sizeof(p->raw))
		return ISUP_ERR_PARAM_VALUE;
	p->coding_std = (val[0] >> 5) & 3;
	p->itc = val[0] & 0x1f;
	p->transfer_mode = (val[1] >> 5) & 3;
	p->transfer_rate = val[1] & 0x1f;
	l1 = find_l1(val, len);
	if (l1 >= 0)
		p->l1_protocol = val[l1] & 0x1f;
	p->raw_len = len;
	memcpy(p->raw, val, len);
	return 0;
}

/* With raw_len == 0 the octets are built from the fields (3, 4 and 5 when l1_protocol != 0).
 * Otherwise the raw octets are sent with the modelled fields patched in. */
int isup_usi_encode(const struct isup_usi *p, uint8_t *out, size_t out_size)
{
	unsigned int len;
	int l1;

	if (p->coding_std > 3 || p->itc > 0x1f || p->transfer_mode > 3 || p->transfer_rate > 0x1f ||
	    p->l1_protocol > 0x1f || p->raw_len > sizeof(p->raw) || p->raw_len == 1)
		return ISUP_ERR_INVAL;
	if (p->raw_len == 0) {
		len = p->l1_protocol ? 3 : 2;
		if (!out || out_size < len)
			return ISUP_ERR_BUFFER;
		out[0] = 0x80 | (p->coding_std << 5) | p->itc;
		out[1] = 0x80 | (p->transfer_mode << 5) | p->transfer_rate;
		if (p->l1_protocol)
			out[2] = 0x80 | (1 << 5) | p->l1_protocol;
		return len;
	}
	len = p->raw_len;
	if (!out || out_size < len)
		return ISUP_ERR_BUFFER;
	memcpy(out, p->raw, len);
	out[0] = (out[0] & 0x80) | (p->coding_std << 5) | p->itc;
	out[1] = (out[1] & 0x80) | (p->transfer_mode << 5) | p->transfer_rate;
	l1 = find_l1(out, len);
	if (l1 >= 0)
		out[l1] = (out[l1] & 0xe0) | p->l1_protocol;
	else if (p->l1_protocol)
		return ISUP_ERR_INVAL;
	return len;
}

/* Party numbers: Q.763 3.9 called, 3.10 calling, 3.16 connected, 3.26 generic, 3.30 location,
 * 3.39 original called, 3.44 redirecting, 3.46 redirection, 3.51 subsequent.
 *
 * All share: [number qualifier (generic only)] odd/even + NAI octet, [indicator octet], BCD
 * address signals, first digit in the low nibble. The indicator octet is kept bit for bit for
 * every kind (H -> inn_ni, GFE -> npi, DC -> apri, BA -> screening; spare bits of a kind are
 * simply carried in those fields) so that decode/encode round-trips exactly. */
#include <string.h>

#include "isup/isup_internal.h"

#define ST_DIGIT 0xf	/* Q.763 3.9: end of pulsing signal */

static int digit_to_char(uint8_t d)
{
	if (d <= 9)
		return '0' + d;
	if (d <= 14)
		return 'A' + d - 10;
	return -1;
}

static int char_to_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'E')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'e')
		return c - 'a' + 10;
	return -1;
}

/* header octets before the digits: [qualifier] nai [indicators] */
static unsigned int header_len(enum isup_number_kind kind)
{
	switch (kind) {
	case ISUP_NUM_GENERIC:
		return 3;
	case ISUP_NUM_SUBSEQUENT:
		return 1;
	default:
		return 2;
	}
}

int isup_number_decode(struct isup_number *num, enum isup_number_kind kind, const uint8_t *val, uint8_t len)
{
	unsigned int hl = header_len(kind), i, n, ndig;
	const uint8_t *v = val;
	bool odd;

	memset(num, 0, sizeof(*num));
	if (kind > ISUP_NUM_SUBSEQUENT || len < hl)
		return ISUP_ERR_PARAM_VALUE;
	if (kind == ISUP_NUM_GENERIC)
		num->qualifier = *v++;
	odd = *v >> 7;
	num->nai = *v++ & 0x7f;	/* subsequent number: spare bits */
	if (kind != ISUP_NUM_SUBSEQUENT) {
		num->inn_ni = *v >> 7;
		num->npi = (*v >> 4) & 7;
		num->apri = (*v >> 2) & 3;
		num->screening = *v & 3;
		v++;
	}
	n = len - hl;
	ndig = 2 * n - (odd ? 1 : 0);
	if (n == 0 && odd)
		return ISUP_ERR_PARAM_VALUE;
	for (i = 0; i < ndig; i++) {
		uint8_t d = (v[i / 2] >> ((i & 1) * 4)) & 0xf;
		int c;

		if (d == ST_DIGIT && i == ndig - 1) {
			num->st = true;
			break;
		}
		c = digit_to_char(d);
		if (c < 0 || i >= ISUP_MAX_DIGITS)
			return ISUP_ERR_PARAM_VALUE;
		num->digits[i] = c;
	}
	return 0;
}

int isup_number_encode(const struct isup_number *num, enum isup_number_kind kind, uint8_t *out, size_t out_size)
{
	unsigned int hl = header_len(kind), i, ndig, len;
	uint8_t *v = out;
	size_t nchar;

	if (kind > ISUP_NUM_SUBSEQUENT)
		return ISUP_ERR_INVAL;
	nchar = strnlen(num->digits, sizeof(num->digits));
	if (nchar > ISUP_MAX_DIGITS)
		return ISUP_ERR_INVAL;
	ndig = nchar + (num->st ? 1 : 0);
	len = hl + (ndig + 1) / 2;
	if (len > out_size)
		return ISUP_ERR_BUFFER;
	if (num->nai > 0x7f || num->inn_ni > 1 || num->npi > 7 || num->apri > 3 || num->screening > 3)
		return ISUP_ERR_INVAL;

	if (kind == ISUP_NUM_GENERIC)
		*v++ = num->qualifier;
	*v++ = ((ndig & 1) << 7) | num->nai;
	if (kind != ISUP_NUM_SUBSEQUENT)
		*v++ = (num->inn_ni << 7) | (num->npi << 4) | (num->apri << 2) | num->screening;
	memset(v, 0, (ndig + 1) / 2);	/* filler for an odd count is 0 */
	for (i = 0; i < ndig; i++) {
		int d = i < nchar ? char_to_digit(num->digits[i]) : ST_DIGIT;
		if (d < 0)
			return ISUP_ERR_INVAL;
		v[i / 2] |= d << ((i & 1) * 4);
	}
	return len;
}

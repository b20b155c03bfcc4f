/* Q.763 3.33 Message compatibility information, 3.41 Parameter compatibility information */
#include <string.h>

#include "isup/isup_internal.h"

/* instruction octet: A transit/end node, B release call, C send notification, D discard message,
 * then E pass on not possible (message) or E discard parameter, GF pass on not possible
 * (parameter); H extension (0 = another instruction octet follows, not modelled) */
static void instr_decode(struct isup_compat_instr *p, uint8_t o, bool param)
{
	p->end_node_only = o & 1;
	p->release_call = (o >> 1) & 1;
	p->send_notification = (o >> 2) & 1;
	p->discard_msg = (o >> 3) & 1;
	if (param) {
		p->discard_param = (o >> 4) & 1;
		p->pass_on_not_possible = (o >> 5) & 3;
	} else {
		p->discard_param = false;
		p->pass_on_not_possible = (o >> 4) & 1;
	}
}

static uint8_t instr_encode(const struct isup_compat_instr *p, bool param)
{
	uint8_t o = 0x80 | p->end_node_only | (p->release_call << 1) | (p->send_notification << 2) |
		    (p->discard_msg << 3);

	if (param)
		o |= (p->discard_param << 4) | ((p->pass_on_not_possible & 3) << 5);
	else
		o |= (p->pass_on_not_possible & 1) << 4;
	return o;
}

/* skip the instruction octets of one entry; returns the offset after them or -1 */
static int skip_instr(const uint8_t *val, unsigned int len, unsigned int pos)
{
	while (pos < len && !(val[pos] & 0x80))
		pos++;
	if (pos >= len)
		return -1;
	return pos + 1;
}

int isup_msg_compat_decode(struct isup_compat_instr *p, const uint8_t *val, uint8_t len)
{
	memset(p, 0, sizeof(*p));
	if (!val || len < 1 || skip_instr(val, len, 0) < 0)
		return ISUP_ERR_PARAM_VALUE;
	instr_decode(p, val[0], false);
	return 0;
}

int isup_msg_compat_encode(const struct isup_compat_instr *p, uint8_t *out, size_t out_size)
{
	if (p->pass_on_not_possible > 1 || p->discard_param)
		return ISUP_ERR_INVAL;
	if (!out || out_size < 1)
		return ISUP_ERR_BUFFER;
	out[0] = instr_encode(p, false);
	return 1;
}

int isup_param_compat_decode(struct isup_param_compat *p, const uint8_t *val, uint8_t len)
{
	unsigned int pos = 0;

	memset(p, 0, sizeof(*p));
	if (!val || len < 2)
		return ISUP_ERR_PARAM_VALUE;
	while (pos < len) {
		int next;

		if (p->num >= sizeof(p->entry) / sizeof(p->entry[0]) || pos + 1 >= len)
			return ISUP_ERR_PARAM_VALUE;
		next = skip_instr(val, len, pos + 1);
		if (next < 0)
			return ISUP_ERR_PARAM_VALUE;
		p->entry[p->num].code = val[pos];
		instr_decode(&p->entry[p->num].instr, val[pos + 1], true);
		p->num++;
		pos = next;
	}
	return 0;
}

int isup_param_compat_encode(const struct isup_param_compat *p, uint8_t *out, size_t out_size)
{
	unsigned int i;

	if (p->num > sizeof(p->entry) / sizeof(p->entry[0]))
		return ISUP_ERR_INVAL;
	if (!out || out_size < 2 * p->num)
		return ISUP_ERR_BUFFER;
	for (i = 0; i < p->num; i++) {
		if (p->entry[i].instr.pass_on_not_possible > 3)
			return ISUP_ERR_INVAL;
		out[2 * i] = p->entry[i].code;
		out[2 * i + 1] = instr_encode(&p->entry[i].instr, true);
	}
	return 2 * p->num;
}

/* Building and checking ISUP messages: parameter list helpers, errors, CIC width */
#include <string.h>

#include "isup/isup_internal.h"

/* Q.763 1.2: 12-bit CIC (ITU); T1.113: 14 bits */
uint16_t isup_cic_mask(enum isup_variant variant)
{
	return variant == ISUP_VARIANT_ANSI ? 0x3fff : 0x0fff;
}

const char *isup_strerror(int err)
{
	switch (err) {
	case ISUP_OK: return "ok";
	case ISUP_ERR_TRUNCATED: return "message truncated";
	case ISUP_ERR_POINTER: return "pointer outside the message or overlapping";
	case ISUP_ERR_LENGTH: return "parameter length runs past the end";
	case ISUP_ERR_MISSING_MANDATORY: return "mandatory parameter missing";
	case ISUP_ERR_NO_EOP: return "optional part not terminated";
	case ISUP_ERR_UNKNOWN_MSG: return "unknown message type";
	case ISUP_ERR_TOO_MANY_PARAMS: return "too many parameters";
	case ISUP_ERR_PARAM_VALUE: return "invalid parameter value";
	case ISUP_ERR_BUFFER: return "output buffer too small";
	case ISUP_ERR_INVAL: return "invalid argument";
	default: return "unknown error";
	}
}

void isup_msg_init(struct isup_msg *msg, enum isup_variant variant, uint8_t type, uint16_t cic)
{
	const struct isup_msg_def *def = isup_msg_def_get(variant, type);

	memset(msg, 0, offsetof(struct isup_msg, params));
	msg->variant = variant;
	msg->type = type;
	msg->cic = cic;
	msg->known = def != NULL;
	msg->opt_part_allowed = def ? def->opt : false;
	msg->num_params = 0;
	msg->raw_body_len = 0;
}

struct isup_param *isup_msg_find(struct isup_msg *msg, uint8_t code)
{
	for (unsigned int i = 0; i < msg->num_params && i < ISUP_MAX_PARAMS; i++) {
		if (msg->params[i].code == code)
			return &msg->params[i];
	}
	return NULL;
}

const struct isup_param *isup_msg_find_const(const struct isup_msg *msg, uint8_t code)
{
	return isup_msg_find((struct isup_msg *)msg, code);
}

/* Wire order rank of a parameter: fixed ones by table index, then variable, then optional */
static unsigned int rank(const struct isup_msg_def *def, const struct isup_param *p)
{
	unsigned int idx = 0;
	enum isup_param_part part = isup_msg_def_part(def, p->code, &idx);

	if (p->part == ISUP_PART_OPTIONAL || part == ISUP_PART_OPTIONAL)
		return 0x100;
	return part == ISUP_PART_FIXED ? idx : ISUP_DEF_MAX_FIXED + idx;
}

int isup_msg_set(struct isup_msg *msg, uint8_t code, const uint8_t *val, uint8_t len)
{
	const struct isup_msg_def *def;
	enum isup_param_part part;
	struct isup_param tmp, *p;
	unsigned int idx = 0, i, r;

	if (!msg || (!val && len) || !msg->known || msg->num_params > ISUP_MAX_PARAMS)
		return ISUP_ERR_INVAL;
	def = isup_msg_def_get(msg->variant, msg->type);
	if (!def)
		return ISUP_ERR_INVAL;
	part = isup_msg_def_part(def, code, &idx);
	if (part == ISUP_PART_FIXED && def->fixed[idx].len != len)
		return ISUP_ERR_PARAM_VALUE;
	if (part == ISUP_PART_OPTIONAL && (!def->opt || code == ISUP_PRM_END_OF_OPT))
		return ISUP_ERR_INVAL;

	/* replace the first occurrence in the same part */
	for (i = 0; i < msg->num_params; i++) {
		p = &msg->params[i];
		if (p->code == code && p->part == part) {
			memmove(p->val, val, len);
			p->len = len;
			return 0;
		}
	}
	if (msg->num_params >= ISUP_MAX_PARAMS)
		return ISUP_ERR_TOO_MANY_PARAMS;

	tmp.code = code;
	tmp.part = part;
	tmp.len = len;
	memcpy(tmp.val, val, len);
	r = rank(def, &tmp);
	for (i = 0; i < msg->num_params; i++) {
		if (rank(def, &msg->params[i]) > r)
			break;
	}
	memmove(&msg->params[i + 1], &msg->params[i], (msg->num_params - i) * sizeof(msg->params[0]));
	msg->params[i] = tmp;
	msg->num_params++;
	if (part == ISUP_PART_OPTIONAL)
		msg->opt_part_empty_eop = false;
	return 0;
}

int isup_msg_remove(struct isup_msg *msg, uint8_t code)
{
	for (unsigned int i = 0; i < msg->num_params && i < ISUP_MAX_PARAMS; i++) {
		if (msg->params[i].code == code && msg->params[i].part == ISUP_PART_OPTIONAL) {
			memmove(&msg->params[i], &msg->params[i + 1],
				(msg->num_params - i - 1) * sizeof(msg->params[0]));
			msg->num_params--;
			return 0;
		}
	}
	return -1;
}

int isup_msg_check(const struct isup_msg *msg)
{
	const struct isup_msg_def *def;
	unsigned int i, n;

	if (!msg || msg->num_params > ISUP_MAX_PARAMS)
		return ISUP_ERR_INVAL;
	if (!msg->known)
		return msg->raw_body_len <= sizeof(msg->raw_body) ? 0 : ISUP_ERR_INVAL;
	def = isup_msg_def_get(msg->variant, msg->type);
	if (!def)
		return ISUP_ERR_INVAL;
	n = 0;
	for (i = 0; i < def->num_fixed; i++, n++) {
		const struct isup_param *p = &msg->params[n];
		if (n >= msg->num_params || p->part != ISUP_PART_FIXED || p->code != def->fixed[i].code)
			return ISUP_ERR_MISSING_MANDATORY;
		if (p->len != def->fixed[i].len)
			return ISUP_ERR_PARAM_VALUE;
	}
	for (i = 0; i < def->num_var; i++, n++) {
		const struct isup_param *p = &msg->params[n];
		if (n >= msg->num_params || p->part != ISUP_PART_VARIABLE || p->code != def->var[i])
			return ISUP_ERR_MISSING_MANDATORY;
	}
	for (; n < msg->num_params; n++) {
		const struct isup_param *p = &msg->params[n];
		if (!def->opt || p->part != ISUP_PART_OPTIONAL || p->code == ISUP_PRM_END_OF_OPT)
			return ISUP_ERR_INVAL;
	}
	return 0;
}

bool isup_msg_equal(const struct isup_msg *a, const struct isup_msg *b)
{
	if (a->variant != b->variant || a->cic != b->cic || a->type != b->type || a->known != b->known)
		return false;
	if (!a->known)
		return a->raw_body_len == b->raw_body_len && !memcmp(a->raw_body, b->raw_body, a->raw_body_len);
	if (a->opt_part_allowed != b->opt_part_allowed || a->opt_part_empty_eop != b->opt_part_empty_eop ||
	    a->num_params != b->num_params || a->num_params > ISUP_MAX_PARAMS)
		return false;
	for (unsigned int i = 0; i < a->num_params; i++) {
		const struct isup_param *p = &a->params[i], *q = &b->params[i];
		if (p->code != q->code || p->part != q->part || p->len != q->len || memcmp(p->val, q->val, p->len))
			return false;
	}
	return true;
}

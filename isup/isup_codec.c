/* ISUP message decode / encode (Q.763 clause 1: message format and codes) */
#include <string.h>

#include "isup/isup_internal.h"

/* A region of the message occupied by one variable parameter or by the optional part */
struct span {
	unsigned int start, end;	/* [start, end) within the body */
	uint8_t code;
};

static int fail(struct isup_decode_err *derr, int err, uint8_t code, size_t offset)
{
	if (derr) {
		derr->err = err;
		derr->param_code = code;
		derr->offset = offset;
	}
	return err;
}

static int add_param(struct isup_msg *msg, uint8_t code, enum isup_param_part part,
		     const uint8_t *val, uint8_t len)
{
	struct isup_param *p;

	if (msg->num_params >= ISUP_MAX_PARAMS)
		return ISUP_ERR_TOO_MANY_PARAMS;
	p = &msg->params[msg->num_params++];
	p->code = code;
	p->part = part;
	p->len = len;
	memcpy(p->val, val, len);
	return 0;
}

/* 'buf' starts at the message type; 'base' is its offset in the caller's buffer (for derr) */
static int decode_body(struct isup_msg *msg, enum isup_variant variant, const uint8_t *buf, size_t len,
		       size_t base, struct isup_decode_err *derr)
{
	const struct isup_msg_def *def;
	struct span spans[ISUP_DEF_MAX_VAR + 1];
	unsigned int nspans = 0, i, j;
	size_t pos, ptr_start, ptr_end;
	int rc;

	msg->variant = variant;
	if (len < 1)
		return fail(derr, ISUP_ERR_TRUNCATED, 0, base);
	msg->type = buf[0];
	def = isup_msg_def_get(variant, msg->type);
	if (!def) {
		/* unknown message type: keep the body raw (Q.764 2.9.5: may be passed on) */
		msg->known = false;
		if (len - 1 > sizeof(msg->raw_body))
			return fail(derr, ISUP_ERR_LENGTH, 0, base + 1 + sizeof(msg->raw_body));
		msg->raw_body_len = len - 1;
		memcpy(msg->raw_body, buf + 1, len - 1);
		fail(derr, ISUP_ERR_UNKNOWN_MSG, 0, base);
		return ISUP_ERR_UNKNOWN_MSG;
	}
	msg->known = true;
	msg->opt_part_allowed = def->opt;
	pos = 1;

	/* Q.763 1.5: mandatory fixed part */
	for (i = 0; i < def->num_fixed; i++) {
		const struct isup_fixed_def *f = &def->fixed[i];
		if (pos + f->len > len)
			return fail(derr, ISUP_ERR_TRUNCATED, f->code, base + pos);
		add_param(msg, f->code, ISUP_PART_FIXED, buf + pos, f->len);
		pos += f->len;
	}

	/* Q.763 1.6: one pointer per mandatory variable parameter, then the optional part pointer */
	ptr_start = pos;
	ptr_end = pos + def->num_var + (def->opt ? 1 : 0);
	if (ptr_end > len)
		return fail(derr, ISUP_ERR_TRUNCATED, def->num_var ? def->var[0] : 0, base + pos);

	for (i = 0; i < def->num_var; i++) {
		size_t p = ptr_start + i, t;
		uint8_t code = def->var[i], plen;

		if (buf[p] == 0)
			return fail(derr, ISUP_ERR_MISSING_MANDATORY, code, base + p);
		/* pointers count from the pointer octet itself */
		t = p + buf[p];
		if (t >= len || t < ptr_end)
			return fail(derr, ISUP_ERR_POINTER, code, base + p);
		plen = buf[t];
		if (t + 1 + plen > len)
			return fail(derr, ISUP_ERR_LENGTH, code, base + t);
		add_param(msg, code, ISUP_PART_VARIABLE, buf + t + 1, plen);
		spans[nspans++] = (struct span){ t, t + 1 + plen, code };
	}

	/* Q.763 1.7: optional part, pointer 0 = none */
	if (def->opt && buf[ptr_start + def->num_var] != 0) {
		size_t p = ptr_start + def->num_var;
		size_t t = p + buf[p], q;
		bool any = false;

		if (t >= len || t < ptr_end)
			return fail(derr, ISUP_ERR_POINTER, 0, base + p);
		for (q = t;;) {
			uint8_t code, plen;

			if (q >= len)
				return fail(derr, ISUP_ERR_NO_EOP, 0, base + q);
			code = buf[q];
			if (code == ISUP_PRM_END_OF_OPT) {
				q++;
				break;
			}
			if (q + 1 >= len)
				return fail(derr, ISUP_ERR_LENGTH, code, base + q);
			plen = buf[q + 1];
			if (q + 2 + plen > len)
				return fail(derr, ISUP_ERR_LENGTH, code, base + q);
			rc = add_param(msg, code, ISUP_PART_OPTIONAL, buf + q + 2, plen);
			if (rc < 0)
				return fail(derr, rc, code, base + q);
			any = true;
			q += 2 + plen;
		}
		msg->opt_part_empty_eop = !any;
		spans[nspans++] = (struct span){ t, q, 0 };
	}

	/* the parameters pointed to must not share octets */
	for (i = 1; i < nspans; i++) {
		for (j = 0; j < i; j++) {
			if (spans[i].start < spans[j].end && spans[j].start < spans[i].end)
				return fail(derr, ISUP_ERR_POINTER, spans[i].code, base + spans[i].start);
		}
	}
	return ISUP_OK;
}

static void msg_reset(struct isup_msg *msg)
{
	memset(msg, 0, offsetof(struct isup_msg, params));
	msg->num_params = 0;
	msg->raw_body_len = 0;
}

/* Common start of both decode entry points: clear the error report, check the arguments and
 * empty the message. Returns ISUP_OK or the (already reported) error. */
static int decode_start(struct isup_msg *msg, const uint8_t *buf, size_t len, struct isup_decode_err *derr)
{
	if (derr)
		memset(derr, 0, sizeof(*derr));
	if (!msg || (!buf && len))
		return fail(derr, ISUP_ERR_INVAL, 0, 0);
	msg_reset(msg);
	return ISUP_OK;
}

int isup_decode_body(struct isup_msg *msg, enum isup_variant variant, const uint8_t *buf, size_t len,
		     struct isup_decode_err *derr)
{
	int rc = decode_start(msg, buf, len, derr);
	if (rc != ISUP_OK)
		return rc;
	return decode_body(msg, variant, buf, len, 0, derr);
}

int isup_decode(struct isup_msg *msg, enum isup_variant variant, const uint8_t *buf, size_t len,
		struct isup_decode_err *derr)
{
	int rc = decode_start(msg, buf, len, derr);
	if (rc != ISUP_OK)
		return rc;
	/* Q.763 1.2: CIC, LSB first */
	if (len < 2)
		return fail(derr, ISUP_ERR_TRUNCATED, 0, len);
	msg->cic = (buf[0] | (buf[1] << 8)) & isup_cic_mask(variant);
	return decode_body(msg, variant, buf + 2, len - 2, 2, derr);
}

int isup_encode_body(const struct isup_msg *msg, uint8_t *out, size_t out_size)
{
	const struct isup_msg_def *def;
	unsigned int i, nfixed, nvar, nopt;
	size_t total, pos, ptr_start;
	bool opt_present;
	int rc;

	if (!msg || !out)
		return ISUP_ERR_INVAL;
	if (!msg->known) {
		if (msg->raw_body_len > sizeof(msg->raw_body))
			return ISUP_ERR_INVAL;
		if (out_size < 1u + msg->raw_body_len)
			return ISUP_ERR_BUFFER;
		out[0] = msg->type;
		memcpy(out + 1, msg->raw_body, msg->raw_body_len);
		return 1 + msg->raw_body_len;
	}
	def = isup_msg_def_get(msg->variant, msg->type);
	if (!def)
		return ISUP_ERR_INVAL;
	rc = isup_msg_check(msg);
	if (rc < 0)
		return rc;
	nfixed = def->num_fixed;
	nvar = def->num_var;
	nopt = msg->num_params - nfixed - nvar;
	opt_present = def->opt && (nopt > 0 || msg->opt_part_empty_eop);

	total = 1 + nvar + (def->opt ? 1 : 0);
	for (i = 0; i < msg->num_params; i++) {
		const struct isup_param *p = &msg->params[i];
		total += p->len + (p->part == ISUP_PART_FIXED ? 0 : p->part == ISUP_PART_VARIABLE ? 1 : 2);
	}
	if (opt_present)
		total += 1;
	if (total > out_size)
		return ISUP_ERR_BUFFER;

	out[0] = msg->type;
	pos = 1;
	for (i = 0; i < nfixed; i++) {
		memcpy(out + pos, msg->params[i].val, msg->params[i].len);
		pos += msg->params[i].len;
	}
	ptr_start = pos;
	pos += nvar + (def->opt ? 1 : 0);
	for (i = 0; i < nvar; i++) {
		const struct isup_param *p = &msg->params[nfixed + i];
		size_t ptr = pos - (ptr_start + i);
		if (ptr > 255)
			return ISUP_ERR_INVAL;
		out[ptr_start + i] = ptr;
		out[pos++] = p->len;
		memcpy(out + pos, p->val, p->len);
		pos += p->len;
	}
	if (def->opt) {
		size_t ptr = pos - (ptr_start + nvar);
		if (!opt_present) {
			out[ptr_start + nvar] = 0;
		} else {
			if (ptr > 255)
				return ISUP_ERR_INVAL;
			out[ptr_start + nvar] = ptr;
			for (i = nfixed + nvar; i < msg->num_params; i++) {
				const struct isup_param *p = &msg->params[i];
				out[pos++] = p->code;
				out[pos++] = p->len;
				memcpy(out + pos, p->val, p->len);
				pos += p->len;
			}
			out[pos++] = ISUP_PRM_END_OF_OPT;
		}
	}
	return pos;
}

int isup_encode(const struct isup_msg *msg, uint8_t *out, size_t out_size)
{
	int rc;

	if (!msg || !out)
		return ISUP_ERR_INVAL;
	if (msg->cic > isup_cic_mask(msg->variant))
		return ISUP_ERR_INVAL;
	if (out_size < 2)
		return ISUP_ERR_BUFFER;
	out[0] = msg->cic & 0xff;
	out[1] = msg->cic >> 8;
	rc = isup_encode_body(msg, out + 2, out_size - 2);
	return rc < 0 ? rc : rc + 2;
}

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
struct decoder {
	struct isup_msg *msg;
	const uint8_t *buf;
	size_t len;
	size_t base;
	struct isup_decode_err *derr;
	const struct isup_msg_def *def;
	size_t ptr_start, ptr_end;	/* the pointer octets: [ptr_start, ptr_end) */
	struct span spans[ISUP_DEF_MAX_VAR + 1];
	unsigned int nspans;
};

static int dec_fail(struct decoder *d, int err, uint8_t code, size_t pos)
{
	return fail(d->derr, err, code, d->base + pos);
}

/* unknown message type: keep the body raw (Q.764 2.9.5: may be passed on) */
static int decode_unknown_msg(struct decoder *d)
{
	struct isup_msg *msg = d->msg;

	msg->known = false;
	if (d->len - 1 > sizeof(msg->raw_body))
		return dec_fail(d, ISUP_ERR_LENGTH, 0, 1 + sizeof(msg->raw_body));
	msg->raw_body_len = d->len - 1;
	memcpy(msg->raw_body, d->buf + 1, d->len - 1);
	dec_fail(d, ISUP_ERR_UNKNOWN_MSG, 0, 0);
	return ISUP_ERR_UNKNOWN_MSG;
}

/* Q.763 1.5: mandatory fixed part, from *pos on; *pos ends after it */
static int decode_mandatory_fixed(struct decoder *d, size_t *pos)
{
	unsigned int i;

	for (i = 0; i < d->def->num_fixed; i++) {
		const struct isup_fixed_def *f = &d->def->fixed[i];
		if (*pos + f->len > d->len)
			return dec_fail(d, ISUP_ERR_TRUNCATED, f->code, *pos);
		add_param(d->msg, f->code, ISUP_PART_FIXED, d->buf + *pos, f->len);
		*pos += f->len;
	}
	return ISUP_OK;
}

/* Q.763 1.6: one pointer per mandatory variable parameter (then the optional part pointer) */
static int decode_mandatory_variable(struct decoder *d)
{
	const uint8_t *buf = d->buf;
	unsigned int i;

	for (i = 0; i < d->def->num_var; i++) {
		size_t p = d->ptr_start + i, t;
		uint8_t code = d->def->var[i], plen;

		if (buf[p] == 0)
			return dec_fail(d, ISUP_ERR_MISSING_MANDATORY, code, p);
		/* pointers count from the pointer octet itself */
		t = p + buf[p];
		if (t >= d->len || t < d->ptr_end)
			return dec_fail(d, ISUP_ERR_POINTER, code, p);
		plen = buf[t];
		if (t + 1 + plen > d->len)
			return dec_fail(d, ISUP_ERR_LENGTH, code, t);
		add_param(d->msg, code, ISUP_PART_VARIABLE, buf + t + 1, plen);
		d->spans[d->nspans++] = (struct span){ t, t + 1 + plen, code };
	}
	return ISUP_OK;
}

/* Q.763 1.7: optional part, pointer 0 = none; parameters up to the end of optional parameters */
static int decode_optional_part(struct decoder *d)
{
	const uint8_t *buf = d->buf;
	size_t p = d->ptr_start + d->def->num_var, t, q;
	bool any = false;
	int rc;

	if (!d->def->opt || buf[p] == 0)
		return ISUP_OK;
	t = p + buf[p];
	if (t >= d->len || t < d->ptr_end)
		return dec_fail(d, ISUP_ERR_POINTER, 0, p);
	for (q = t;;) {
		uint8_t code, plen;

		if (q >= d->len)
			return dec_fail(d, ISUP_ERR_NO_EOP, 0, q);
		code = buf[q];
		if (code == ISUP_PRM_END_OF_OPT) {
			q++;
			break;
		}
		if (q + 1 >= d->len)
			return dec_fail(d, ISUP_ERR_LENGTH, code, q);
		plen = buf[q + 1];
		if (q + 2 + plen > d->len)
			return dec_fail(d, ISUP_ERR_LENGTH, code, q);
		rc = add_param(d->msg, code, ISUP_PART_OPTIONAL, buf + q + 2, plen);
		if (rc < 0)
			return dec_fail(d, rc, code, q);
		any = true;
		q += 2 + plen;
	}
	d->msg->opt_part_empty_eop = !any;
	d->spans[d->nspans++] = (struct span){ t, q, 0 };
	return ISUP_OK;
}

/* Q.763 1.6/1.7: the parameters pointed to must not share octets */
static int check_spans_disjoint(struct decoder *d)
{
	unsigned int i, j;

	for (i = 1; i < d->nspans; i++) {
		for (j = 0; j < i; j++) {
			if (d->spans[i].start < d->spans[j].end && d->spans[j].start < d->spans[i].end)
				return dec_fail(d, ISUP_ERR_POINTER, d->spans[i].code, d->spans[i].start);
		}
	}
	return ISUP_OK;
}

static int decode_body(struct isup_msg *msg, enum isup_variant variant, const uint8_t *buf, size_t len,
		       size_t base, struct isup_decode_err *derr)
{
	struct decoder d = { .msg = msg, .buf = buf, .len = len, .base = base, .derr = derr };
	size_t pos = 1;
	int rc;

	msg->variant = variant;
	if (len < 1)
		return dec_fail(&d, ISUP_ERR_TRUNCATED, 0, 0);
	/* Q.763 1.3: message type code */
	msg->type = buf[0];
	d.def = isup_msg_def_get(variant, msg->type);
	if (!d.def)
		return decode_unknown_msg(&d);
	msg->known = true;
	msg->opt_part_allowed = d.def->opt;

	rc = decode_mandatory_fixed(&d, &pos);
	if (rc != ISUP_OK)
		return rc;
	d.ptr_start = pos;
	d.ptr_end = pos + d.def->num_var + (d.def->opt ? 1 : 0);
	if (d.ptr_end > len)
		return dec_fail(&d, ISUP_ERR_TRUNCATED, d.def->num_var ? d.def->var[0] : 0, pos);
	rc = decode_mandatory_variable(&d);
	if (rc == ISUP_OK)
		rc = decode_optional_part(&d);
	if (rc == ISUP_OK)
		rc = check_spans_disjoint(&d);
	return rc;
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

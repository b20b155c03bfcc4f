/* libFuzzer target for the ISUP codec.
 * Input: one flags octet (bit 0: ANSI variant, bit 1: SIP-T body without CIC), then the message.
 * Properties: decode never reads outside the input (ASan); a decoded message re-encodes, the
 * encoding decodes to the identical message and re-encodes to the same bytes; the typed views
 * of every parameter are stable through encode/decode; print/summary are exercised. */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "isup/isup.h"

#define ASSERT(cond) do { if (!(cond)) { fprintf(stderr, "assertion failed: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

static struct isup_msg m1, m2;
static uint8_t out1[65536], out2[65536];
static char text[16384];

/* typed decode -> encode -> decode must give the same struct */
#define TYPED(type, dec, enc) do { \
	type a, b; uint8_t v[300]; int l; \
	memset(&a, 0, sizeof(a)); memset(&b, 0, sizeof(b)); \
	if (dec(&a, p->val, p->len) == 0) { \
		l = enc(&a, v, sizeof(v)); \
		ASSERT(l >= 0); \
		ASSERT(dec(&b, v, l) == 0); \
		ASSERT(!memcmp(&a, &b, sizeof(a))); \
	} } while (0)

static void typed_param(const struct isup_param *p)
{
	static const struct { uint8_t code; enum isup_number_kind kind; } numbers[] = {
		{ ISUP_PRM_CALLED_NUM, ISUP_NUM_CALLED }, { ISUP_PRM_CALLING_NUM, ISUP_NUM_CALLING },
		{ ISUP_PRM_GENERIC_NUM, ISUP_NUM_GENERIC }, { ISUP_PRM_REDIRECTING_NUM, ISUP_NUM_REDIRECTING },
		{ ISUP_PRM_ORIG_CALLED_NUM, ISUP_NUM_ORIG_CALLED }, { ISUP_PRM_REDIRECTION_NUM, ISUP_NUM_REDIRECTION },
		{ ISUP_PRM_CONNECTED_NUM, ISUP_NUM_CONNECTED }, { ISUP_PRM_LOCATION_NUM, ISUP_NUM_LOCATION },
		{ ISUP_PRM_SUBSEQUENT_NUM, ISUP_NUM_SUBSEQUENT },
	};

	for (unsigned int i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		if (numbers[i].code == p->code) {
			enum isup_number_kind kind = numbers[i].kind;
#define NUM_DEC(s, v, l) isup_number_decode(s, kind, v, l)
#define NUM_ENC(s, v, l) isup_number_encode(s, kind, v, l)
			TYPED(struct isup_number, NUM_DEC, NUM_ENC);
		}
	}
	switch (p->code) {
	case ISUP_PRM_NCI: TYPED(struct isup_nci, isup_nci_decode, isup_nci_encode); break;
	case ISUP_PRM_FCI: TYPED(struct isup_fci, isup_fci_decode, isup_fci_encode); break;
	case ISUP_PRM_BCI: TYPED(struct isup_bci, isup_bci_decode, isup_bci_encode); break;
	case ISUP_PRM_OBCI: TYPED(struct isup_obci, isup_obci_decode, isup_obci_encode); break;
	case ISUP_PRM_CAUSE: TYPED(struct isup_cause, isup_cause_decode, isup_cause_encode); break;
	case ISUP_PRM_EVENT_INFO: TYPED(struct isup_event_info, isup_event_info_decode, isup_event_info_encode); break;
	case ISUP_PRM_RANGE_STATUS: {
		TYPED(struct isup_range_status, isup_range_status_decode, isup_range_status_encode);
		struct isup_range_status rs;
		if (isup_range_status_decode(&rs, p->val, p->len) == 0)
			for (unsigned int i = 0; i < 300; i++)
				(void)isup_range_status_bit(&rs, i);
		break;
	}
	case ISUP_PRM_REDIRECTION_INFO:
		TYPED(struct isup_redirection_info, isup_redirection_info_decode, isup_redirection_info_encode);
		break;
	case ISUP_PRM_CALL_DIVERSION_INFO:
		TYPED(struct isup_call_diversion, isup_call_diversion_decode, isup_call_diversion_encode);
		break;
	case ISUP_PRM_ECHO_CONTROL_INFO:
		TYPED(struct isup_echo_control, isup_echo_control_decode, isup_echo_control_encode);
		break;
	case ISUP_PRM_USI: TYPED(struct isup_usi, isup_usi_decode, isup_usi_encode); break;
	case ISUP_PRM_MSG_COMPAT_INFO: {
		struct isup_compat_instr c;
		if (isup_msg_compat_decode(&c, p->val, p->len) == 0)
			ASSERT(isup_msg_compat_encode(&c, out2, sizeof(out2)) == 1);
		break;
	}
	case ISUP_PRM_PARAM_COMPAT_INFO:
		TYPED(struct isup_param_compat, isup_param_compat_decode, isup_param_compat_encode);
		break;
	default:
		break;
	}
}

/* Canonical re-encoding can only overflow a one-octet pointer when the mandatory variable part
 * is longer than the input used it (parameters placed after the optional part) */
static bool pointer_overflow_possible(const struct isup_msg *m)
{
	unsigned int sum = 0;
	for (unsigned int i = 0; i < m->num_params; i++)
		if (m->params[i].part == ISUP_PART_VARIABLE)
			sum += 1 + m->params[i].len;
	return sum + 1 > 255;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isup_decode_err derr;
	enum isup_variant variant;
	bool body;
	int rc, rc2, len1, len2;

	if (size < 1 || size > sizeof(out1) / 2)
		return 0;
	variant = (data[0] & 1) ? ISUP_VARIANT_ANSI : ISUP_VARIANT_ITU;
	body = data[0] & 2;
	data++;
	size--;

	rc = body ? isup_decode_body(&m1, variant, data, size, &derr) : isup_decode(&m1, variant, data, size, &derr);
	ASSERT(rc <= 0 && rc >= ISUP_ERR_INVAL);
	ASSERT(rc == ISUP_OK || derr.err == rc);
	ASSERT(derr.offset <= size + 2);
	(void)isup_strerror(rc);
	if (rc != ISUP_OK && rc != ISUP_ERR_UNKNOWN_MSG)
		return 0;
	if (rc == ISUP_ERR_UNKNOWN_MSG)
		ASSERT(!m1.known);

	ASSERT(isup_msg_print(text, sizeof(text), &m1) >= 0);
	ASSERT(isup_msg_print(text, 7, &m1) >= 0);
	ASSERT(isup_msg_summary(text, sizeof(text), &m1) >= 0);
	ASSERT(isup_msg_check(&m1) == 0);
	for (unsigned int i = 0; i < m1.num_params; i++)
		typed_param(&m1.params[i]);

	len1 = body ? isup_encode_body(&m1, out1, sizeof(out1)) : isup_encode(&m1, out1, sizeof(out1));
	if (len1 == ISUP_ERR_INVAL && pointer_overflow_possible(&m1))
		return 0;
	ASSERT(len1 > 0);
	ASSERT((size_t)len1 <= size);		/* the canonical layout is never longer */
	rc2 = body ? isup_decode_body(&m2, variant, out1, len1, NULL) : isup_decode(&m2, variant, out1, len1, NULL);
	ASSERT(rc2 == rc);
	ASSERT(isup_msg_equal(&m1, &m2));
	len2 = body ? isup_encode_body(&m2, out2, sizeof(out2)) : isup_encode(&m2, out2, sizeof(out2));
	ASSERT(len2 == len1 && !memcmp(out1, out2, len1));
	return 0;
}

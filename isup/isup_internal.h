/* ISUP codec internals: message layout table (Q.763 clause 4, Tables 21..), helpers */
#pragma once

#include <stdarg.h>
#include "isup/isup.h"

#define ISUP_DEF_MAX_FIXED	4
#define ISUP_DEF_MAX_VAR	2

/* A mandatory fixed parameter: code (only for naming, not on the wire) and its length */
struct isup_fixed_def {
	uint8_t code;
	uint8_t len;
};

/* Q.763 clause 4: the layout of one message type */
struct isup_msg_def {
	uint8_t type;
	uint8_t num_fixed;
	struct isup_fixed_def fixed[ISUP_DEF_MAX_FIXED];
	uint8_t num_var;
	uint8_t var[ISUP_DEF_MAX_VAR];	/* codes, in pointer order */
	bool opt;			/* optional part allowed (pointer present) */
};

/* Layout of 'type' in 'variant', NULL when the type is not known to us */
const struct isup_msg_def *isup_msg_def_get(enum isup_variant variant, uint8_t type);

/* Part (fixed/variable/optional) a parameter code takes in a message; index within the
 * mandatory part in *idx (fixed: 0..num_fixed-1, variable: 0..num_var-1). */
enum isup_param_part isup_msg_def_part(const struct isup_msg_def *def, uint8_t code, unsigned int *idx);

/* snprintf-like appender used by the print functions */
struct isup_sbuf {
	char *buf;
	size_t size;
	size_t len;		/* length that would have been written */
};
void isup_sbuf_printf(struct isup_sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void isup_sbuf_hex(struct isup_sbuf *sb, const uint8_t *val, unsigned int len);

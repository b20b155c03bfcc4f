/* A set of realistic ISUP messages, built through the typed API; shared by the codec unit test,
 * the tshark oracle (isup_samples) and the fuzzer seed corpus. */
#pragma once

#include "isup/isup.h"

struct isup_sample {
	const char *name;		/* unique, e.g. "IAM" or "IAM-st" */
	enum isup_variant variant;
	uint8_t type;
	uint16_t cic;
	int (*build)(struct isup_msg *msg);	/* adds the parameters; 0 or negative */
};

extern const struct isup_sample isup_samples[];
extern const unsigned int isup_num_samples;

/* isup_msg_init + build; returns 0 or the first error */
int isup_sample_build(const struct isup_sample *s, struct isup_msg *msg);

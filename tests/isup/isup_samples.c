/* Encodes the sample messages (samples.c) and prints, one line per message, tab separated:
 *   name variant hex type cic
 * for tests/isup/tshark-samples.test (type and CIC from the sample table, not from our decoder). With "-c DIR" writes fuzzer seeds instead
 * (first octet: bit 0 ANSI, bit 1 body without CIC; then the message). */
#include <stdio.h>
#include <string.h>
#include <errno.h>

#include "tests/isup/samples.h"

static void print_sample(const struct isup_sample *s, const uint8_t *buf, int len)
{
	printf("%s\t%s\t", s->name, s->variant == ISUP_VARIANT_ANSI ? "ansi" : "itu");
	for (int i = 0; i < len; i++)
		printf("%02x", buf[i]);
	printf("\t%u\t%u\n", s->type, s->cic);
}

static int write_seed(const char *dir, const char *name, uint8_t flags, const uint8_t *buf, int len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	fputc(flags, f);
	fwrite(buf, 1, len, f);
	return fclose(f);
}

int main(int argc, char **argv)
{
	const char *corpus = NULL;
	static struct isup_msg m, d;
	uint8_t buf[ISUP_MAX_MSG_LEN + 64];
	int rc = 0;

	if (argc == 3 && !strcmp(argv[1], "-c"))
		corpus = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: %s [-c CORPUS_DIR]\n", argv[0]);
		return 2;
	}
	for (unsigned int i = 0; i < isup_num_samples; i++) {
		const struct isup_sample *s = &isup_samples[i];
		int len, err;

		err = isup_sample_build(s, &m);
		len = err < 0 ? err : isup_encode(&m, buf, sizeof(buf));
		if (len < 0 || isup_decode(&d, s->variant, buf, len, NULL) != ISUP_OK) {
			fprintf(stderr, "%s: cannot build/encode/decode: %s\n", s->name, isup_strerror(len));
			rc = 1;
			continue;
		}
		if (corpus) {
			char name[64];
			snprintf(name, sizeof(name), "%s", s->name);
			if (write_seed(corpus, name, s->variant == ISUP_VARIANT_ANSI, buf, len) < 0)
				return 1;
			/* a few SIP-T style bodies (no CIC) */
			if (i % 5 == 0) {
				snprintf(name, sizeof(name), "%s-body", s->name);
				if (write_seed(corpus, name, (s->variant == ISUP_VARIANT_ANSI) | 2, buf + 2, len - 2) < 0)
					return 1;
			}
		} else {
			print_sample(s, buf, len);
		}
	}
	return rc;
}

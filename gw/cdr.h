/* Call detail records: one CSV line per call, written when the call ends. */
#pragma once
#include <stdio.h>

struct gw_call;

struct gw_cdr {
	char *path;		/* NULL: no CDRs */
	FILE *f;
	unsigned long max_bytes;	/* rotate to PATH.1 when the file grows beyond this (0: never) */
	unsigned long written;
};

/* Write the record of a finished call (opens/rotates the file as needed). */
void gw_cdr_write(struct gw_cdr *cdr, const struct gw_call *call);
void gw_cdr_close(struct gw_cdr *cdr);
/* The CSV header line (also written at the top of every new file) */
extern const char *gw_cdr_header;

/* The table behind the HA record encodings (gw/ha_rec.c): each field of a record struct named,
 * typed and placed; encode and decode walk the table. Used by every record type (ha_rec.c: the
 * answered call and the circuit; gw/ha_early_rec.c: the early call). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct ha_field;

enum ha_ftype { HF_STR, HF_U16, HF_U32, HF_INT, HF_I64, HF_BOOL, HF_DIR, HF_CCT };

struct ha_fdesc {
	const char *name;
	enum ha_ftype type;
	size_t off, size;
	bool optional;			/* may be absent on decode (left 0 / empty) */
};

#define FS(n, t, st, m, opt) { n, t, offsetof(struct st, m), sizeof(((struct st *)0)->m), opt }

/* f[0..nt-1] from rec; returns nt */
unsigned int ha_rec_encode(const struct ha_fdesc *t, unsigned int nt, const void *rec, struct ha_field *f);
/* rec from an HGETALL answer: every required field present once and well formed, unknown
 * fields ignored; -1 otherwise */
int ha_rec_decode(const struct ha_fdesc *t, unsigned int nt, void *rec, const char *const *names,
		  const char *const *values, unsigned int n);

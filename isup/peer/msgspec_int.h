/* isup-peer message descriptions: what building (msgspec.c) and matching (msgspec_match.c) share */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "isup/isup.h"

/* how a parameter's value is written in a description */
enum pkind { PK_HEX, PK_NUMBER, PK_CAUSE, PK_BCI, PK_OBCI, PK_EVENT, PK_NCI, PK_FCI, PK_RS, PK_OCTET };

/* an integer field of the typed view of a parameter kind: its name, offset and size */
struct field_desc {
	enum pkind kind;
	const char *name;
	size_t off;
	size_t size;
};

/* the typed view of a parameter (Q.763 clause 3) */
union typed {
	struct isup_number num;
	struct isup_cause cause;
	struct isup_bci bci;
	struct isup_obci obci;
	struct isup_event_info ev;
	struct isup_nci nci;
	struct isup_fci fci;
	struct isup_range_status rs;
};

/* A description key "param[.field]" (or "p.HEX") resolved to its parameter */
struct spec_key {
	const char *key;		/* as written, for the error texts */
	char pname[32], field[32];
	int code;
	bool by_code;			/* "p.HEX": raw octets, no field */
	enum pkind kind;
	enum isup_number_kind nk;
};

/* "param[.field]" (or "p.HEX") -> SK; -1 with err for an unknown parameter */
int msgspec_key_parse(struct spec_key *sk, const char *key, char *err, size_t err_len);
/* the value is given as octets: "0x..", an untyped parameter, or one named by code */
bool msgspec_value_is_raw(const struct spec_key *sk, const char *val);
/* "param=VALUE" of a typed parameter sets (or compares) its main field */
void msgspec_key_main_field(struct spec_key *sk);
/* the typed view of a parameter value of kind K; < 0 when it does not decode */
int msgspec_typed_decode(enum pkind k, enum isup_number_kind nk, union typed *t, const uint8_t *v, uint8_t len);
/* the named integer field of kind K, NULL if there is none */
const struct field_desc *msgspec_field_find(enum pkind k, const char *name);
unsigned int msgspec_field_get(const void *s, const struct field_desc *f);

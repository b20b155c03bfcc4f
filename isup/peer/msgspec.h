/* Readable ISUP message descriptions for isup-peer:  TYPE key=value key=value ...
 *
 * Keys are parameter short names (isup_param_short_name: cdpn cgpn cause bci obci event nci fci
 * cpc tmr rs cgsmt sri cont hop ...) optionally with a field: "bci.status=1", "cgpn.apri=1",
 * "cause.loc=2". A bare parameter name sets/compares its main field (digits for numbers, the
 * value for cause, called party status for bci, ...). "0x..." values are raw parameter octets.
 * "p.C5=0102" is a parameter by numeric code (unknown ones included). In expectations,
 * "=absent" and "=present" test presence; "body=HEX" compares the whole message after the CIC. Number digits: 0-9, A-E; a trailing F is the ST digit. */
#pragma once
#include <stddef.h>
#include "isup/isup.h"

struct msgspec_kv {
	char key[32];
	char val[96];
};

#define MSGSPEC_MAX_KV 32
#define MSGSPEC_CIC_LAST (-2)	/* "cic=last" */

struct msgspec {
	int type;			/* message type, -1 if not given */
	int cic;			/* -1: use default; MSGSPEC_CIC_LAST: CIC of the last expected message */
	char dpc[24];			/* empty: use default */
	unsigned int num_kv;
	struct msgspec_kv kv[MSGSPEC_MAX_KV];
};

/* Parse "TYPE k=v ..." (TYPE may be "*" in expectations). cic= and dpc= are taken out of kv.
 * Returns 0 or -1 with an explanation in err. */
int msgspec_parse(struct msgspec *spec, const char *text, char *err, size_t err_len);
/* Look up a key (returns value or NULL) and remove it */
const char *msgspec_take(struct msgspec *spec, const char *key);

/* Build a message from the spec: defaults for mandatory parameters are filled in (IAM: NCI 0,
 * FCI national/ISUP preferred, CPC ordinary, TMR 3.1 kHz; ACM/CON: BCI subscriber free; REL:
 * cause 16; CPG: event alerting; ...), then every key is applied. Returns 0 or -1 + err. */
int msgspec_build(struct isup_msg *msg, enum isup_variant variant, const struct msgspec *spec,
		  uint16_t cic, char *err, size_t err_len);

/* Does msg match the spec (type, cic when given, every key)? Returns 1 match, 0 no (err says
 * which key differed), -1 bad spec. */
int msgspec_match(const struct isup_msg *msg, const struct msgspec *spec, char *err, size_t err_len);

/* Parse a hex string ("0a1b..", spaces allowed) into out; returns length or -1 */
int msgspec_hex_parse(const char *hex, uint8_t *out, size_t out_size);

/* The early-call record (gw/ha_early_rec.h), TAP output: every field survives encode + decode
 * (an INVITE of 3000 octets too), and a hash with a required field missing, the INVITE missing,
 * empty, twice or too long, or a direction the SIP role contradicts is refused. */
#include <stdio.h>
#include <string.h>

#include "gw/ha_store.h"
#include "gw/ha_early_rec.h"

static int n_test;
static void ok(bool c, const char *what)
{
	printf("%sok %d - %s\n", c ? "" : "not ", ++n_test, what);
}

static const char invite[] =
	"INVITE sip:+4940555@127.0.0.1:5062 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 127.0.0.2:5060;rport;branch=z9hG4bK1a2b3c\r\n"
	"From: <sip:+4930123@127.0.0.2>;tag=9fe1\r\n"
	"To: <sip:+4940555@127.0.0.1>\r\n"
	"Call-ID: 8b55f074b82bd78f@127.0.0.2\r\n"
	"CSeq: 4711 INVITE\r\n"
	"Max-Forwards: 70\r\n\r\n";

static void sample(struct ha_early_rec *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->node, sizeof(r->node), "pair-a");
	r->id = 7;
	r->ingress = true;
	r->cic = 3;
	r->dpc = 0x2e03;
	snprintf(r->group, sizeof(r->group), "exchange-a");
	r->inv.is_uac = true;
	snprintf(r->inv.trunk, sizeof(r->inv.trunk), "core");
	snprintf(r->inv.peer, sizeof(r->inv.peer), "127.0.0.1:5062");
	snprintf(r->inv.msg, sizeof(r->inv.msg), "%s", invite);
}

/* encode, then decode with field 'drop' left out, field 'bad' set to 'value', the INVITE twice */
static int variant(const struct ha_early_rec *in, struct ha_early_rec *out, const char *drop, const char *bad,
		   const char *value, bool twice)
{
	struct ha_field f[HA_EARLY_FIELDS - 1];
	const char *en[HA_EARLY_FIELDS], *ev[HA_EARLY_FIELDS];
	const char *names[HA_EARLY_FIELDS + 1], *values[HA_EARLY_FIELDS + 1];
	unsigned int i, n = 0, nf = ha_early_rec_encode(in, f, en, ev);
	for (i = 0; i < nf; i++) {
		if (drop && !strcmp(en[i], drop))
			continue;
		names[n] = en[i];
		values[n++] = bad && !strcmp(en[i], bad) ? value : ev[i];
	}
	if (twice) {
		names[n] = en[nf - 1];
		values[n++] = ev[nf - 1];
	}
	return ha_early_rec_decode(out, names, values, n);
}

int main(void)
{
	static struct ha_early_rec in, out;
	static char big[SIP_INVITE_TEXT_MAX + 8];
	struct ha_field f[HA_EARLY_FIELDS - 1];
	const char *en[HA_EARLY_FIELDS], *ev[HA_EARLY_FIELDS];

	sample(&in);
	ok(ha_early_rec_encode(&in, f, en, ev) == HA_EARLY_FIELDS, "an early record has HA_EARLY_FIELDS fields");
	ok(variant(&in, &out, NULL, NULL, NULL, false) == 0 && !memcmp(&in, &out, sizeof(in)),
	   "ingress (UAC) record: encode + decode gives it back");
	in.ingress = false;
	in.inv.is_uac = false;
	snprintf(in.inv.local_tag, sizeof(in.inv.local_tag), "a6c85cf");
	ok(variant(&in, &out, NULL, NULL, NULL, false) == 0 && !memcmp(&in, &out, sizeof(in)),
	   "egress (UAS) record with its To tag: encode + decode gives it back");
	ok(variant(&in, &out, "local_tag", NULL, NULL, false) == 0 && !out.inv.local_tag[0],
	   "local_tag is optional");
	memset(in.inv.msg, 'x', 3000);
	in.inv.msg[3000] = '\0';
	ok(variant(&in, &out, NULL, NULL, NULL, false) == 0 && !strcmp(out.inv.msg, in.inv.msg),
	   "an INVITE of 3000 octets survives");
	sample(&in);
	ok(variant(&in, &out, "cic", NULL, NULL, false) < 0, "cic missing: refused");
	ok(variant(&in, &out, "sip_msg", NULL, NULL, false) < 0, "the INVITE missing: refused");
	ok(variant(&in, &out, NULL, "sip_msg", "", false) < 0, "the INVITE empty: refused");
	ok(variant(&in, &out, NULL, NULL, NULL, true) < 0, "the INVITE twice: refused");
	memset(big, 'x', sizeof(big) - 1);
	ok(variant(&in, &out, NULL, "sip_msg", big, false) < 0, "an INVITE longer than SIP_INVITE_TEXT_MAX: refused");
	ok(variant(&in, &out, NULL, "uac", "0", false) < 0, "ingress with the SIP side a UAS: refused");
	ok(variant(&in, &out, NULL, "dir", "sideways", false) < 0, "a bad direction: refused");
	ok(variant(&in, &out, NULL, "cic", "70000", false) < 0, "a CIC above 65535: refused");
	printf("1..%d\n", n_test);
	return 0;
}

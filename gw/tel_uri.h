/* Telephone numbers in SIP header values: tel: URIs (RFC 3966) and sip:/sips: URIs whose user part
 * is a telephone-subscriber (RFC 3261 19.1.6, user=phone), with phone-context and the cpc=
 * parameter (3GPP TS 24.229 7.2A.12); the calling party's category <-> cpc= value mapping. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct gw_uri_number {
	char user[48];		/* the number: "+CC..." when global, else the local digits (visual
				 * separators removed); a user part that is no number as it is
				 * ("anonymous"); "" without a usable URI */
	bool global;		/* a global number (leading '+', or made so by a +CC phone-context) */
	bool phone;		/* tel: URI, or sip: with user=phone */
	char cpc[24];		/* the cpc= value, "" = none */
};

/* Parse the URI in a header value ("Name <uri>;params", "<uri>" or a bare Request-URI).
 * Returns 0, -1 when there is no sip:/sips:/tel: URI with a user part. */
int gw_uri_number_parse(const char *hdr, struct gw_uri_number *out);

/* CPC (Q.763 3.11) -> cpc= value: NULL for ordinary (the parameter is left out) and for values
 * with no cpc= name */
const char *gw_cpc_to_uri(int cpc);
/* cpc= value -> CPC; -1 for a value with no ISUP equivalent (the IAM gets the default, ordinary) */
int gw_cpc_from_uri(const char *val);

/* Telephone numbers in SIP URIs (RFC 3966, RFC 3261 19.1.6) and the cpc= parameter
 * (3GPP TS 24.229 7.2A.12), see tel_uri.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <osmocom/core/utils.h>

#include "gw/tel_uri.h"
#include "isup/isup.h"

/* RFC 3966 3: digits with visual separators "-.()", an optional leading '+'; the digits into out.
 * Returns the number of digits, -1 for anything else (hex digits, '*', '#', letters). */
static int phone_digits(const char *in, size_t len, char *out, size_t size)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (strchr("-.()", c))
			continue;	/* RFC 3966 visual-separator */
		if (c == '+' && i == 0) {
			/* global-number-digits */
		} else if (!isdigit((unsigned char)c)) {
			return -1;
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
	}
	out[n] = 0;
	return n;
}

/* the value of parameter name in ";a=b;name=value;..." (params up to end), into out */
static bool uri_param(const char *params, const char *end, const char *name, char *out, size_t size)
{
	size_t nl = strlen(name);
	for (const char *p = params; p && p < end; p = memchr(p + 1, ';', end - p - 1)) {
		const char *v = p + 1, *e;
		if ((size_t)(end - v) <= nl || strncasecmp(v, name, nl) || v[nl] != '=')
			continue;
		v += nl + 1;
		e = memchr(v, ';', end - v);
		if (!e)
			e = end;
		snprintf(out, size, "%.*s", (int)(e - v), v);
		return true;
	}
	return false;
}

/* the URI of a header value: inside <...>, else the whole value */
static void header_uri(const char *hdr, char *uri, size_t size)
{
	const char *s = strchr(hdr, '<'), *e;
	if (s) {
		s++;
		e = strchr(s, '>');
		snprintf(uri, size, "%.*s", (int)(e ? e - s : (long)strlen(s)), s);
	} else {
		while (*hdr == ' ')
			hdr++;
		snprintf(uri, size, "%s", hdr);
	}
}

/* telephone-subscriber (RFC 3966 3): number [;params], into out */
static void subscriber(const char *s, const char *end, struct gw_uri_number *out)
{
	const char *semi = memchr(s, ';', end - s);
	const char *num_end = semi ? semi : end;
	char digits[48], ctx[64], cdig[48];
	int n = phone_digits(s, num_end - s, digits, sizeof(digits));

	if (semi)
		uri_param(semi, end, "cpc", out->cpc, sizeof(out->cpc));
	if (n <= 0 || (n == 1 && digits[0] == '+')) {
		/* not a number ("anonymous", "alice"): the user part as it is */
		snprintf(out->user, sizeof(out->user), "%.*s", (int)(num_end - s), s);
		return;
	}
	out->global = digits[0] == '+';
	if (!out->global && semi && uri_param(semi, end, "phone-context", ctx, sizeof(ctx)) && ctx[0] == '+' &&
	    phone_digits(ctx, strlen(ctx), cdig, sizeof(cdig)) > 1) {
		/* RFC 3966 5.1.5: a global number prefix as the context: the local number is a
		 * number within it (5.1.4); a domain name context keeps it local */
		if (strlen(cdig) + strlen(digits) < sizeof(out->user)) {
			strcpy(out->user, cdig);
			strcat(out->user, digits);
			out->global = true;
		}
		return;
	}
	snprintf(out->user, sizeof(out->user), "%s", digits);
}

int gw_uri_number_parse(const char *hdr, struct gw_uri_number *out)
{
	char uri[512];
	const char *p, *at, *end;

	memset(out, 0, sizeof(*out));
	if (!hdr || !*hdr)
		return -1;
	header_uri(hdr, uri, sizeof(uri));
	if (!strncasecmp(uri, "tel:", 4)) {
		p = uri + 4;
		end = p + strcspn(p, "?");
		out->phone = true;
		subscriber(p, end, out);
		return out->user[0] ? 0 : -1;
	}
	if (!strncasecmp(uri, "sips:", 5))
		p = uri + 5;
	else if (!strncasecmp(uri, "sip:", 4))
		p = uri + 4;
	else
		return -1;
	at = strchr(p, '@');
	if (!at || at == p)
		return -1;
	/* RFC 3261 19.1.6: user=phone among the URI parameters after the host */
	{
		char v[16];
		const char *hp = strchr(at, ';');
		const char *he = at + strcspn(at, "?");
		out->phone = hp && hp < he && uri_param(hp, he, "user", v, sizeof(v)) && !strcasecmp(v, "phone");
	}
	subscriber(p, at, out);
	return out->user[0] ? 0 : -1;
}

/* TS 24.229 7.2A.12 cpc values <-> Q.763 3.11 categories (the operator languages all give
 * "operator"; "operator" gives the English one, Q.763 has no language-neutral operator) */
static const struct value_string cpc_names[] = {
	{ ISUP_CPC_OPERATOR_EN, "operator" },
	{ ISUP_CPC_OPERATOR_FR, "operator" },
	{ ISUP_CPC_OPERATOR_DE, "operator" },
	{ ISUP_CPC_OPERATOR_RU, "operator" },
	{ ISUP_CPC_OPERATOR_ES, "operator" },
	{ ISUP_CPC_PAYPHONE, "payphone" },
	{ ISUP_CPC_TEST, "test" },
	{ ISUP_CPC_ORDINARY, "ordinary" },
	{ 0, NULL }
};

const char *gw_cpc_to_uri(int cpc)
{
	if (cpc < 0 || cpc == ISUP_CPC_ORDINARY)
		return NULL;
	for (const struct value_string *v = cpc_names; v->str; v++)
		if (v->value == (unsigned int)cpc)
			return v->str;
	return NULL;
}

int gw_cpc_from_uri(const char *val)
{
	if (!val || !*val)
		return -1;
	for (const struct value_string *v = cpc_names; v->str; v++)
		if (!strcasecmp(v->str, val))
			return v->value;
	return -1;
}

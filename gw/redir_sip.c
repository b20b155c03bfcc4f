/* Redirection interworking, SIP side: History-Info (RFC 7044, RFC 4458) and Diversion (RFC 5806)
 * built from and read into struct gw_redir (gw/redir_map.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include "gw/redir_map.h"

#define ANON_URI "sip:anonymous@anonymous.invalid"	/* RFC 3323 4.1.1.3 */

/* One party as a URI: the number at host, or anonymous when restricted toward an untrusted
 * trunk (RFC 7044 10.1, RFC 5806 privacy) or when it has no number; 'cause' >= 0: RFC 4458 */
static int party_uri(char *out, size_t size, const char *user, bool restricted, bool trusted, const char *host,
		     int cause, bool hi)
{
	char c[24] = "";
	if (cause >= 0)
		snprintf(c, sizeof(c), ";cause=%d", cause);
	if (!user || !user[0] || (restricted && !trusted))
		return snprintf(out, size, "<%s%s>", ANON_URI, c);
	/* RFC 7044 10.1: a restricted entry toward the trust domain carries Privacy: history */
	return snprintf(out, size, "<sip:%s@%s;user=phone%s%s>", user, host, c,
			restricted && hi ? "?Privacy=history" : "");
}

static int append(char *out, size_t size, size_t *pos, const char *fmt_sep, const char *s)
{
	int n = snprintf(out + *pos, size - *pos, "%s%s", *pos ? fmt_sep : "", s);
	if (n < 0 || (size_t)n >= size - *pos)
		return -1;
	*pos += n;
	return 0;
}

/* the first called party is worth an entry of its own (Q.732.2: OCN differs from the RDG) */
static bool ocn_entry(const struct gw_redir *r)
{
	return r->ocn.known && (!r->rdg.known || r->ri.counter > 1 || strcmp(r->ocn.user, r->rdg.user));
}

int gw_redir_history_info(const struct gw_redir *r, const char *target, const char *host, bool trusted,
			  char *out, size_t size)
{
	const struct gw_redir_party *hops[2];
	char uri[160], ent[200], index[16] = "1", parent[16] = "";
	int cause[3], n = 0;
	size_t pos = 0;

	out[0] = 0;
	if (!r->rdg.known && !r->ocn.known)
		return 0;
	if (ocn_entry(r))
		hops[n++] = &r->ocn;
	if (r->rdg.known)
		hops[n++] = &r->rdg;
	/* cause= of each target: why the call was retargeted to it (RFC 4458 2) */
	cause[0] = -1;
	cause[1] = gw_redir_reason_to_cause(n == 2 ? r->ri.orig_reason : r->ri.reason);
	cause[2] = gw_redir_reason_to_cause(r->ri.reason);
	for (int i = 0; i <= n; i++) {
		const char *user = i < n ? hops[i]->user : target;
		bool restr = i < n && hops[i]->restricted;
		party_uri(uri, sizeof(uri), user, restr, trusted, host, cause[i], true);
		/* RFC 7044 9.1: index of the entry; mp= the entry it was retargeted (mapped) from */
		if (parent[0])
			snprintf(ent, sizeof(ent), "%s;index=%s;mp=%s", uri, index, parent);
		else
			snprintf(ent, sizeof(ent), "%s;index=%s", uri, index);
		if (append(out, size, &pos, ",", ent) < 0)
			return -1;
		snprintf(parent, sizeof(parent), "%s", index);
		strncat(index, ".1", sizeof(index) - strlen(index) - 1);
	}
	return pos;
}

static int div_entry(char *out, size_t size, size_t *pos, const struct gw_redir_party *p, uint8_t reason,
		     unsigned int counter, bool trusted, const char *host)
{
	char uri[160], ent[260];
	party_uri(uri, sizeof(uri), p->user, p->restricted, trusted, host, -1, false);
	/* RFC 5806 4: diversion-reason, diversion-counter, diversion-privacy */
	snprintf(ent, sizeof(ent), "%s;reason=%s;counter=%u;privacy=%s", uri, gw_redir_reason_to_diversion(reason),
		 counter ? counter : 1, p->restricted ? "full" : "off");
	return append(out, size, pos, ",", ent);
}

int gw_redir_diversion(const struct gw_redir *r, const char *host, bool trusted, char *out, size_t size)
{
	unsigned int counter = r->ri.counter ? r->ri.counter : 1;
	bool ocn = ocn_entry(r);
	size_t pos = 0;

	out[0] = 0;
	if (!r->rdg.known && !r->ocn.known)
		return 0;
	/* the most recent diversion first (RFC 5806 4); the counters add up to the 3.45 counter */
	if (r->rdg.known && div_entry(out, size, &pos, &r->rdg, r->ri.reason, ocn && counter > 1 ? counter - 1 : counter,
				      trusted, host) < 0)
		return -1;
	if (ocn && div_entry(out, size, &pos, &r->ocn, r->rdg.known ? r->ri.orig_reason : r->ri.reason,
			     r->rdg.known ? 1 : counter, trusted, host) < 0)
		return -1;
	return pos;
}

/* ---- parsing ---- */

/* The next comma-separated entry of a header value (commas inside <> or "" do not split) */
static const char *next_entry(const char *p, char *out, size_t size)
{
	size_t n = 0;
	bool angle = false, quote = false;

	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	if (!*p)
		return NULL;
	for (; *p && (angle || quote || *p != ','); p++) {
		if (*p == '"')
			quote = !quote;
		else if (!quote && *p == '<')
			angle = true;
		else if (!quote && *p == '>')
			angle = false;
		if (n + 1 < size)
			out[n++] = *p;
	}
	out[n] = 0;
	return p;
}

/* The numeric value after "name=" in s (-1: absent) and a token's position and length */
static const char *param(const char *s, const char *name, size_t *len)
{
	const char *p = strcasestr(s, name);
	if (!p)
		return NULL;
	p += strlen(name);
	*len = strcspn(p, ";>?&, ");
	return p;
}

/* A party from an entry's URI: a number, or a hop without one (anonymous) */
static void entry_party(const char *ent, bool restricted, struct gw_redir_party *p)
{
	char user[48], clean[48];
	memset(p, 0, sizeof(*p));
	p->known = true;
	p->restricted = restricted;
	gw_uri_user(ent, user, sizeof(user));
	if (gw_clean_number(user, clean, sizeof(clean)) > 0)
		snprintf(p->user, sizeof(p->user), "%s", clean);
	else
		p->restricted = true;	/* anonymised (RFC 7044 10.1) */
}

#define HI_MAX_ENTRIES 16

/* The entry the call was retargeted from to entry i: the one whose index is i's mp= (RFC 7044
 * 9.3), else the entry before i */
static int hi_diverting(char ent[][256], int i)
{
	char mp[32], idx[32];
	const char *v;
	size_t len;

	if ((v = param(strrchr(ent[i], '>') ?: ent[i], ";mp=", &len)) && len < sizeof(mp)) {
		snprintf(mp, sizeof(mp), "%.*s", (int)len, v);
		for (int k = 0; k < i; k++) {
			const char *x = param(strrchr(ent[k], '>') ?: ent[k], ";index=", &len);
			if (x && len < sizeof(idx) && snprintf(idx, sizeof(idx), "%.*s", (int)len, x) > 0 &&
			    !strcmp(idx, mp))
				return k;
		}
	}
	return i - 1;
}

/* TS 29.163 7.5.4 / TS 24.604 4.5.2.6: every entry with cause= (RFC 4458) is one diversion,
 * from the entry its mp= names (else the one before it); the last one gives the redirecting
 * number and reason, the first one the original called number and the original redirection
 * reason, their number the counter. Privacy history/session/header, of the request or escaped
 * in the diverting entry: presentation restricted. */
int gw_redir_from_history_info(const char *hi, bool privacy_history, struct gw_redir *r)
{
	char ent[HI_MAX_ENTRIES][256];
	const char *p = hi, *v;
	int n = 0;
	size_t len;

	memset(r, 0, sizeof(*r));
	while (p && n < HI_MAX_ENTRIES && (p = next_entry(p, ent[n], sizeof(ent[n]))))
		n++;
	for (int i = 1; i < n; i++) {
		struct gw_redir_party d;
		int k;
		if (!(v = param(ent[i], ";cause=", &len)))
			continue;
		k = hi_diverting(ent, i);
		entry_party(ent[k], privacy_history || strcasestr(ent[k], "Privacy=history") ||
				    strcasestr(ent[k], "Privacy=session") || strcasestr(ent[k], "Privacy=header"), &d);
		gw_redir_add_hop(r, d.user, d.restricted, gw_redir_cause_to_reason(atoi(v)));
	}
	if (!r->has_ri)
		return -1;
	if (r->ri.counter == 1)
		memset(&r->ocn, 0, sizeof(r->ocn));	/* one diversion: the RDG says it all */
	return 0;
}

/* RFC 5806 9 (Diversion -> ISUP): the first entry is the redirecting number and reason, the last
 * one the original called number and the original reason, the counter the sum of counters */
int gw_redir_from_diversion(const char *div, struct gw_redir *r)
{
	char ent[256];
	const char *p = div, *v;
	unsigned int counter = 0, n = 0;
	size_t len;

	memset(r, 0, sizeof(*r));
	while (p && (p = next_entry(p, ent, sizeof(ent)))) {
		const char *gt = strrchr(ent, '>');
		const char *prm = gt ? gt : ent;
		uint8_t reason = (v = param(prm, ";reason=", &len)) ? gw_redir_diversion_to_reason(v, len) : 0;
		/* RFC 5806 4: full and uri hide the number, name and off do not */
		bool restr = (v = param(prm, ";privacy=", &len)) &&
			     ((len == 4 && !strncasecmp(v, "full", 4)) || (len == 3 && !strncasecmp(v, "uri", 3)));
		struct gw_redir_party *pty = n ? &r->ocn : &r->rdg;

		entry_party(ent, restr, pty);
		counter += (v = param(prm, ";counter=", &len)) && atoi(v) > 0 ? atoi(v) : 1;
		if (!n)
			r->ri.reason = reason;
		r->ri.orig_reason = reason;
		n++;
	}
	if (!n)
		return -1;
	r->has_ri = true;
	r->ri.counter = counter > GW_REDIR_COUNTER_MAX ? GW_REDIR_COUNTER_MAX : counter;
	r->ri.indicator = r->rdg.restricted && (n < 2 || r->ocn.restricted) ? GW_REDIR_IND_DIVERTED_RESTR
									  : GW_REDIR_IND_DIVERTED;
	return 0;
}

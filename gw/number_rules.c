/* Number normalisation rules (per SIP trunk and per circuit group), see number_rules.h.
 * NAI values: Q.763 3.9 nature of address indicator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include "gw/number_rules.h"

static const struct value_string nai_names[] = {
	{ ISUP_NAI_SUBSCRIBER, "subscriber" },
	{ ISUP_NAI_UNKNOWN, "unknown" },
	{ ISUP_NAI_NATIONAL, "national" },
	{ ISUP_NAI_INTERNATIONAL, "international" },
	{ 0, NULL }
};

static const struct value_string dir_names[] = {
	{ GW_NR_TO_SIP, "to-sip" },
	{ GW_NR_TO_ISUP, "to-isup" },
	{ 0, NULL }
};

static const struct value_string role_names[] = {
	{ GW_NR_ANY, "any" },
	{ GW_NR_CALLED, "called" },
	{ GW_NR_CALLING, "calling" },
	{ GW_NR_REDIRECTING, "redirecting" },
	{ 0, NULL }
};

const char *gw_nr_nai_name(int nai)
{
	return get_value_string(nai_names, nai);
}

static bool all_digits(const char *s, size_t max)
{
	if (strlen(s) >= max)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* one "KEY VALUE" pair of a rule; returns 0 or -1 with err set */
static int parse_pair(struct gw_number_rule *r, const char *key, const char *val, char *err, size_t err_size)
{
	char *end;
	if (!strcmp(key, "nai") || !strcmp(key, "set-nai")) {
		int nai = get_string_value(nai_names, val);
		if (nai < 0) {
			snprintf(err, err_size, "unknown NAI '%s' (subscriber|unknown|national|international)", val);
			return -1;
		}
		*(key[0] == 'n' ? &r->match_nai : &r->set_nai) = nai;
	} else if (!strcmp(key, "prefix") || !strcmp(key, "prepend")) {
		char *dst = !strcmp(key, "prefix") ? r->prefix : r->prepend;
		if (!*val || !all_digits(val, sizeof(r->prefix))) {
			snprintf(err, err_size, "%s '%s': 1-%zu digits", key, val, sizeof(r->prefix) - 1);
			return -1;
		}
		strcpy(dst, val);
	} else if (!strcmp(key, "strip")) {
		unsigned long n = strtoul(val, &end, 10);
		if (!*val || *end || n > ISUP_MAX_DIGITS) {
			snprintf(err, err_size, "strip '%s': 0-%d digits", val, ISUP_MAX_DIGITS);
			return -1;
		}
		r->strip = n;
	} else {
		snprintf(err, err_size, "unknown rule word '%s'", key);
		return -1;
	}
	return 0;
}

int gw_number_rule_parse(struct gw_number_rule *r, int argc, const char **argv, char *err, size_t err_size)
{
	int dir, role;

	r->match_nai = r->set_nai = GW_NR_NAI_KEEP;
	r->prefix[0] = r->prepend[0] = 0;
	r->strip = 0;
	if (argc < 2 || (dir = get_string_value(dir_names, argv[0])) < 0 ||
	    (role = get_string_value(role_names, argv[1])) < 0) {
		snprintf(err, err_size, "a rule starts with (to-sip|to-isup) (called|calling|redirecting|any)");
		return -1;
	}
	r->dir = dir;
	r->role = role;
	for (int i = 2; i < argc; i += 2) {
		if (i + 1 >= argc) {
			snprintf(err, err_size, "'%s' needs a value", argv[i]);
			return -1;
		}
		if (parse_pair(r, argv[i], argv[i + 1], err, err_size) < 0)
			return -1;
	}
	if (!r->strip && !r->prepend[0] && r->set_nai == GW_NR_NAI_KEEP) {
		snprintf(err, err_size, "a rule needs an action (strip, prepend or set-nai)");
		return -1;
	}
	return 0;
}

void gw_number_rule_format(const struct gw_number_rule *r, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s %s", get_value_string(dir_names, r->dir), get_value_string(role_names, r->role));
	if (r->match_nai != GW_NR_NAI_KEEP)
		n += snprintf(buf + n, size - n, " nai %s", gw_nr_nai_name(r->match_nai));
	if (r->prefix[0])
		n += snprintf(buf + n, size - n, " prefix %s", r->prefix);
	if (r->strip)
		n += snprintf(buf + n, size - n, " strip %u", r->strip);
	if (r->prepend[0])
		n += snprintf(buf + n, size - n, " prepend %s", r->prepend);
	if (r->set_nai != GW_NR_NAI_KEEP)
		snprintf(buf + n, size - n, " set-nai %s", gw_nr_nai_name(r->set_nai));
}

static bool rule_matches(const struct gw_number_rule *r, enum gw_nr_dir dir, enum gw_nr_role role, uint8_t nai,
			 const char *digits)
{
	return r->dir == dir && (r->role == GW_NR_ANY || r->role == role) &&
	       (r->match_nai == GW_NR_NAI_KEEP || r->match_nai == nai) &&
	       !strncmp(digits, r->prefix, strlen(r->prefix));
}

static const struct gw_number_rule *find_owner(const struct gw_number_ctx *ctx, bool group, enum gw_nr_dir dir,
					       enum gw_nr_role role, uint8_t nai, const char *digits)
{
	const char *owner = group ? ctx->group : ctx->trunk;
	const struct gw_number_rule *r;
	if (!owner || !*owner)
		return NULL;
	llist_for_each_entry(r, ctx->rules, list)
		if (r->group == group && !strcmp(r->owner, owner) && rule_matches(r, dir, role, nai, digits))
			return r;
	return NULL;
}

const struct gw_number_rule *gw_number_rule_find(const struct gw_number_ctx *ctx, enum gw_nr_dir dir,
						 enum gw_nr_role role, uint8_t nai, const char *digits)
{
	bool group_first = dir == GW_NR_TO_SIP;	/* the side the number comes from */
	const struct gw_number_rule *r;
	if (!ctx || !ctx->rules)
		return NULL;
	r = find_owner(ctx, group_first, dir, role, nai, digits);
	return r ? r : find_owner(ctx, !group_first, dir, role, nai, digits);
}

int gw_number_rule_apply(const struct gw_number_rule *r, uint8_t *nai, char *digits, size_t size)
{
	char out[64];
	size_t len = strlen(digits);
	const char *rest = digits + (r->strip < len ? r->strip : len);
	int n = snprintf(out, sizeof(out), "%s%s", r->prepend, rest);
	if (n <= 0 || (size_t)n >= size || n > ISUP_MAX_DIGITS)
		return -1;
	memcpy(digits, out, n + 1);
	if (r->set_nai != GW_NR_NAI_KEEP)
		*nai = r->set_nai;
	return 0;
}

struct gw_number_rule *gw_number_rule_get(struct llist_head *rules, bool group, const char *owner, unsigned int id)
{
	struct gw_number_rule *r;
	llist_for_each_entry(r, rules, list)
		if (r->group == group && r->id == id && !strcmp(r->owner, owner))
			return r;
	return NULL;
}

void gw_number_rule_insert(struct llist_head *rules, struct gw_number_rule *r)
{
	struct gw_number_rule *o;
	llist_for_each_entry(o, rules, list) {
		if (o->id > r->id) {
			llist_add_tail(&r->list, &o->list);	/* before o */
			return;
		}
	}
	llist_add_tail(&r->list, rules);
}

/* Unit cases of the number handling (issue 18 point 6): the number rule engine, tel:/sip: URIs
 * with phone-context (RFC 3966), cpc= <-> CPC (TS 24.229 7.2A.12), hop counter <-> Max-Forwards.
 * Part of test_maps (same TAP-like output). */
#include <stdio.h>
#include <string.h>

#include "gw/iam_map.h"
#include "gw/number_rules.h"
#include "gw/tel_uri.h"
#include "gw/hop_counter.h"

extern int fails;
void test_numbers(void);

#define CHECK(cond, ...) do { \
	if (cond) { printf("ok "); } else { printf("not ok "); fails++; } \
	printf(__VA_ARGS__); printf("\n"); } while (0)

static struct gw_number_rule rules[8];
static LLIST_HEAD(rule_list);

/* parse a rule from its words as the VTY gives them; returns what gw_number_rule_parse does */
static int parse_words(struct gw_number_rule *r, const char *words, char *err, size_t err_size)
{
	char buf[200], *argv[16], *save;
	int argc = 0;
	snprintf(buf, sizeof(buf), "%s", words);
	for (char *t = strtok_r(buf, " ", &save); t && argc < 16; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	err[0] = 0;
	return gw_number_rule_parse(r, argc, (const char **)argv, err, err_size);
}

/* add the rule "owner id words..." as the VTY does */
static int add_rule(int i, bool group, const char *owner, unsigned int id, const char *words)
{
	char err[128];
	struct gw_number_rule *r = &rules[i];
	memset(r, 0, sizeof(*r));
	r->group = group;
	snprintf(r->owner, sizeof(r->owner), "%s", owner);
	r->id = id;
	if (parse_words(r, words, err, sizeof(err)) < 0)
		return -1;
	gw_number_rule_insert(&rule_list, r);
	return 0;
}

static bool parse_fails(const char *words)
{
	char err[128];
	struct gw_number_rule r;
	return parse_words(&r, words, err, sizeof(err)) < 0 && err[0];
}

static void test_rules_parse(void)
{
	char buf[160];
	CHECK(parse_fails("to-sip"), "rule without role refused");
	CHECK(parse_fails("sideways called strip 1"), "unknown direction refused");
	CHECK(parse_fails("to-sip called prefix 49"), "rule without action refused");
	CHECK(parse_fails("to-sip called strip"), "word without value refused");
	CHECK(parse_fails("to-sip called nai foreign strip 1"), "unknown NAI refused");
	CHECK(parse_fails("to-sip called prefix 4a strip 1"), "non-digit prefix refused");
	CHECK(parse_fails("to-sip called strip 41"), "strip beyond 40 digits refused");
	CHECK(parse_fails("to-sip called frob 1"), "unknown word refused");
	CHECK(add_rule(0, false, "t", 20, "to-sip called nai subscriber prefix 99 strip 2 prepend 4930 set-nai international") == 0,
	      "trunk rule 20 parses");
	gw_number_rule_format(&rules[0], buf, sizeof(buf));
	CHECK(!strcmp(buf, "to-sip called nai subscriber prefix 99 strip 2 prepend 4930 set-nai international"),
	      "rule written back as read (got '%s')", buf);
	CHECK(add_rule(1, false, "t", 10, "to-sip called prefix 99 set-nai unknown") == 0 &&
	      add_rule(2, true, "g", 5, "to-sip calling nai unknown prefix 0 strip 1 set-nai national") == 0 &&
	      add_rule(3, false, "t", 30, "to-isup called nai unknown prefix 0 strip 1 set-nai national") == 0 &&
	      add_rule(4, false, "t", 40, "to-isup any nai international prefix 44 strip 2 prepend 00 set-nai unknown") == 0 &&
	      add_rule(5, true, "g", 50, "to-isup called nai international strip 0 set-nai international") == 0,
	      "five more rules parse");
	CHECK(llist_first_entry(&rule_list, struct gw_number_rule, list)->id == 5 &&
	      llist_last_entry(&rule_list, struct gw_number_rule, list)->id == 50, "rules kept in id order");
}

static void test_rules_apply(void)
{
	struct gw_number_plan plan = { .country_code = "49", .rules = { &rule_list, "g", "t" } };
	struct isup_number num = { .nai = ISUP_NAI_SUBSCRIBER, .digits = "991234" };
	char out[48];

	/* rule 10 (prefix 99, any NAI) comes first in trunk t: set-nai unknown, not global */
	gw_number_to_user_as(&num, GW_NR_CALLED, &plan, out, sizeof(out));
	CHECK(!strcmp(out, "991234"), "first matching rule wins: rule 10 before 20 (got %s)", out);
	llist_del(&rules[1].list);
	gw_number_to_user_as(&num, GW_NR_CALLED, &plan, out, sizeof(out));
	CHECK(!strcmp(out, "+49301234"), "subscriber 99.. strip 2 prepend 4930 international -> +49301234 (got %s)", out);
	gw_number_to_user_as(&num, GW_NR_CALLING, &plan, out, sizeof(out));
	CHECK(!strcmp(out, "991234"), "a called-number rule leaves the calling number (got %s)", out);
	num.nai = ISUP_NAI_NATIONAL;
	gw_number_to_user_as(&num, GW_NR_CALLED, &plan, out, sizeof(out));
	CHECK(!strcmp(out, "+49991234"), "NAI not matched: country-code default (got %s)", out);
	/* group rule for the calling number */
	num.nai = ISUP_NAI_UNKNOWN;
	snprintf(num.digits, sizeof(num.digits), "040111222");
	gw_number_to_user_as(&num, GW_NR_CALLING, &plan, out, sizeof(out));
	CHECK(!strcmp(out, "+4940111222"), "group rule: unknown 0.. strip 1 national -> +4940111222 (got %s)", out);
	plan.rules.group = "other";
	gw_number_to_user_as(&num, GW_NR_CALLING, &plan, out, sizeof(out));
	CHECK(!strcmp(out, "040111222"), "another group's rule does not apply (got %s)", out);
	plan.rules.group = "g";

	/* to ISUP */
	struct isup_number n;
	CHECK(gw_user_to_number_as("0301234567", GW_NR_CALLED, &plan, &n) == 0 && n.nai == ISUP_NAI_NATIONAL &&
	      !strcmp(n.digits, "301234567"), "to-isup: local 0.. strip 1 national (got %u %s)", n.nai, n.digits);
	CHECK(gw_user_to_number_as("+441234567", GW_NR_REDIRECTING, &plan, &n) == 0 && n.nai == ISUP_NAI_UNKNOWN &&
	      !strcmp(n.digits, "001234567"), "to-isup: role any rule: +44.. -> unknown 00.. (got %u %s)", n.nai, n.digits);
	CHECK(gw_user_to_number_as("+4930123", GW_NR_CALLED, &plan, &n) == 0 && n.nai == ISUP_NAI_INTERNATIONAL &&
	      !strcmp(n.digits, "4930123"), "to-isup: the trunk's rules first, then the group's (rule 50) (got %u %s)",
	      n.nai, n.digits);
	CHECK(gw_user_to_number_as("+4930123", GW_NR_CALLING, &plan, &n) == 0 && n.nai == ISUP_NAI_NATIONAL &&
	      !strcmp(n.digits, "30123"), "to-isup: no rule: home CC -> national (got %u %s)", n.nai, n.digits);
	plan.rules.rules = NULL;
	CHECK(gw_user_to_number_as("0301234567", GW_NR_CALLED, &plan, &n) == 0 && n.nai == ISUP_NAI_NATIONAL &&
	      !strcmp(n.digits, "0301234567"), "no rules: the country-code default as before");
}

static void test_uris(void)
{
	struct gw_uri_number u;
	CHECK(gw_uri_number_parse("tel:+49-30-123.45(67)", &u) == 0 && u.global && u.phone &&
	      !strcmp(u.user, "+49301234567"), "tel: global number, visual separators removed (got %s)", u.user);
	CHECK(gw_uri_number_parse("<tel:1234567;phone-context=+49-30>", &u) == 0 && u.global &&
	      !strcmp(u.user, "+49301234567"), "tel: local number + global phone-context -> global (got %s)", u.user);
	CHECK(gw_uri_number_parse("tel:7042;phone-context=example.com", &u) == 0 && !u.global &&
	      !strcmp(u.user, "7042"), "tel: domain phone-context stays local (got %s)", u.user);
	CHECK(gw_uri_number_parse("\"A\" <sip:+4940111222;cpc=payphone@gw.example;user=phone>;tag=1", &u) == 0 &&
	      u.global && u.phone && !strcmp(u.user, "+4940111222") && !strcmp(u.cpc, "payphone"),
	      "sip: user=phone with cpc= in the user part (got %s cpc %s)", u.user, u.cpc);
	CHECK(gw_uri_number_parse("sip:555-1234;phone-context=+1-212@h;user=phone", &u) == 0 && u.global &&
	      !strcmp(u.user, "+12125551234"), "sip: user=phone local number with phone-context (got %s)", u.user);
	CHECK(gw_uri_number_parse("<sip:anonymous@anonymous.invalid>", &u) == 0 && !u.global && !u.phone &&
	      !strcmp(u.user, "anonymous"), "sip: non-number user kept as it is");
	CHECK(gw_uri_number_parse("<http://x>", &u) < 0 && !u.user[0], "other schemes refused");
	CHECK(gw_uri_number_parse("<sip:gw.example>", &u) < 0, "sip: without user part refused");
	CHECK(gw_uri_number_parse("<tel:+4930;cpc=test>", &u) == 0 && !strcmp(u.cpc, "test"), "tel: cpc= read");
}

static void test_cpc_hop(void)
{
	CHECK(!strcmp(gw_cpc_to_uri(15), "payphone") && !strcmp(gw_cpc_to_uri(13), "test") &&
	      !strcmp(gw_cpc_to_uri(3), "operator") && !gw_cpc_to_uri(10) && !gw_cpc_to_uri(-1) && !gw_cpc_to_uri(12),
	      "CPC -> cpc=: payphone, test, operator; ordinary / absent / data: none");
	CHECK(gw_cpc_from_uri("payphone") == 15 && gw_cpc_from_uri("TEST") == 13 && gw_cpc_from_uri("operator") == 2 &&
	      gw_cpc_from_uri("ordinary") == 10 && gw_cpc_from_uri("cellular") == -1 && gw_cpc_from_uri("") == -1,
	      "cpc= -> CPC: payphone 15, test 13, operator 2, ordinary 10, others none");
	CHECK(gw_hop_to_max_forwards(10) == 9 && gw_hop_to_max_forwards(1) == 0 && gw_hop_to_max_forwards(-1) == -1,
	      "hop counter -> Max-Forwards: decremented; 1 leaves 0");
	CHECK(gw_max_forwards_to_hop(70) == 30 && gw_max_forwards_to_hop(20) == 19 && gw_max_forwards_to_hop(1) == 0 &&
	      gw_max_forwards_to_hop(-1) == -1, "Max-Forwards -> hop counter: min(MF, 31) - 1");
	{
		struct isup_msg iam;
		uint8_t hc = 0;
		isup_msg_init(&iam, ISUP_VARIANT_ITU, ISUP_IAM, 1);
		bool none = !gw_iam_hop_exhausted(&iam);
		isup_msg_set(&iam, ISUP_PRM_HOP_COUNTER, &hc, 1);
		bool zero = gw_iam_hop_exhausted(&iam);
		hc = 1;
		isup_msg_set(&iam, ISUP_PRM_HOP_COUNTER, &hc, 1);
		CHECK(none && zero && !gw_iam_hop_exhausted(&iam), "IAM with hop counter 0 (only) is exhausted");
	}
}

void test_numbers(void)
{
	test_rules_parse();
	test_rules_apply();
	test_uris();
	test_cpc_hop();
}

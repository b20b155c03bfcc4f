/* Unit test of the presence record parser (gw/ha_presence.c, gw_presence_parse): what another
 * node wrote into P N:nodes is read without trusting it. TAP-like, one line per case. */
#include <stdio.h>
#include <string.h>

#include "gw/ha_presence.h"

static int fails;

#define CHECK(cond, ...) do { \
	if (cond) { printf("ok "); } else { printf("not ok "); fails++; } \
	printf(__VA_ARGS__); printf("\n"); } while (0)

static void test_good(void)
{
	struct gw_presence_peer p;
	memset(&p, 0, sizeof(p));
	CHECK(gw_presence_parse("role=active since=1796227362 asp=ASP_ACTIVE seq=7", &p) == 0
	      && p.role == GW_HA_ROLE_ACTIVE && p.since == 1796227362 && !strcmp(p.asp_state, "ASP_ACTIVE"),
	      "a node's record: role active, since, ASP state");
	memset(&p, 0, sizeof(p));
	CHECK(gw_presence_parse("seq=1 asp=ASP_INACTIVE since=0 role=standby", &p) == 0 && p.role == GW_HA_ROLE_STANDBY
	      && p.since == 0, "fields in another order, since 0 (no role change yet)");
	CHECK(gw_presence_parse("role=down  since=5   asp=-  seq=2", &p) == 0 && p.role == GW_HA_ROLE_DOWN,
	      "several blanks between the fields");
}

static void test_bad(void)
{
	static const char *bad[] = {
		"", "role=active", "role=active since=1 asp=X", "since=1 asp=X seq=1",
		"role=master since=1 asp=X seq=1", "role=active since=-1 asp=X seq=1",
		"role=active since=12x asp=X seq=1", "role=active since=1 asp= seq=1",
		"role=active since=1 asp=X seq=1 colour=blue", "role=active since=1 asp=X seq=q",
		"role active since=1 asp=X seq=1", "=active since=1 asp=X seq=1",
		"role=active since=1 asp=XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX seq=1",
	};
	char longv[400];
	struct gw_presence_peer p;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&p, 0, sizeof(p));
		CHECK(gw_presence_parse(bad[i], &p) == -1, "refused: '%s'", bad[i]);
	}
	memset(longv, 'a', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	memcpy(longv, "role=active since=1 asp=X seq=1 ", 32);
	CHECK(gw_presence_parse(longv, &p) == -1, "refused: a value longer than the record's buffer");
}

int main(void)
{
	test_good();
	test_bad();
	return fails ? 1 : 0;
}

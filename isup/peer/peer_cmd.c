/* isup-peer: the scenario commands (see peer.c for the language), one function each, and the
 * line dispatcher. */
#include <ctype.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "isup/peer/peer.h"
#include "isup/peer/peer_int.h"
#include "isup/vty_arg.h"

/* ignore TYPE|* [cic=N|last] / ignore none */
static bool cmd_ignore(struct peer *peer, char *args, char *err, size_t err_len)
{
	struct peer_ignore *ig;
	struct msgspec sp;

	if (!strcmp(args, "none")) {
		while (!llist_empty(&peer->ignores)) {
			ig = llist_first_entry(&peer->ignores, struct peer_ignore, list);
			llist_del(&ig->list);
			talloc_free(ig);
		}
		return true;
	}
	if (msgspec_parse(&sp, args, err, err_len) < 0)
		return false;
	if (sp.num_kv || sp.dpc[0] || (sp.type < 0 && strncmp(args, "*", 1))) {
		snprintf(err, err_len, "usage: ignore TYPE|* [cic=N|last] | ignore none");
		return false;
	}
	ig = talloc_zero(peer, struct peer_ignore);
	ig->type = sp.type;
	ig->cic = sp.cic == MSGSPEC_CIC_LAST ? peer->last_cic : sp.cic;
	llist_add_tail(&ig->list, &peer->ignores);
	return true;
}

/* within=SECONDS of an expect: DFLT when absent, -1 when not a number in 0-PEER_MAX_WAIT_S */
static double take_within(struct msgspec *sp, double dflt)
{
	const char *v = msgspec_take(sp, "within");
	double secs;
	if (!v)
		return dflt;
	return arg_double(v, 0, PEER_MAX_WAIT_S, &secs) == 0 ? secs : -1;
}

static int resolve_dpc(struct peer *peer, const struct msgspec *sp, uint32_t *dpc)
{
	if (sp->dpc[0]) {
		int pc = isup_mtp_pc_parse(peer->mtp, sp->dpc);
		if (pc < 0)
			return -1;
		*dpc = pc;
		return 0;
	}
	if (!peer->dpc_set)
		return -1;
	*dpc = peer->dpc;
	return 0;
}

/* The scenario commands. Each returns 1 if it blocks (async completion), 2 if it completed
 * synchronously and run() already continued, 0 done, -1 failed. */
static int cmd_dpc(struct peer *peer, char *rest)
{
	int pc = isup_mtp_pc_parse(peer->mtp, rest);
	if (pc < 0) {
		step_result(peer, false, "bad point code");
		return -1;
	}
	peer->dpc = pc;
	peer->dpc_set = true;
	isup_mtp_route_add(peer->mtp, pc);
	return 0;
}

static int cmd_cic(struct peer *peer, char *rest)
{
	unsigned long cic;
	if (arg_ulong(rest, 0, peer->variant == ISUP_VARIANT_ANSI ? 16383 : 4095, &cic) < 0) {
		step_result(peer, false, "cic '%s': not a CIC of this variant", rest);
		return -1;
	}
	peer->cic = cic;
	return 0;
}

static int cmd_echo(struct peer *peer, char *rest)
{
	fprintf(peer->out, "%s %s\n", tstamp(peer), rest);
	return 0;
}

static int cmd_stop_on_fail(struct peer *peer, char *rest)
{
	peer->stop_on_fail = strcmp(rest, "off") != 0;
	return 0;
}

static int cmd_flush(struct peer *peer, char *rest)
{
	bool ok = check_unexpected(peer, "flush");
	rxq_clear(peer);
	return ok ? 0 : -1;
}

static int cmd_end(struct peer *peer, char *rest)
{
	/* the scenario ends here, also with -i (stdin no longer read): run() finishes it */
	if (peer->interactive) {
		osmo_fd_unregister(&peer->stdin_fd);
		peer->interactive = false;
	}
	peer->pc = peer->num_lines;
	return 0;
}

/* a command whose parser reports its error in ERR: the step fails with it */
static int cmd_with_err(struct peer *peer, char *rest, bool (*fn)(struct peer *, char *, char *, size_t))
{
	char err[256] = "";
	if (!fn(peer, rest, err, sizeof(err))) {
		step_result(peer, false, "%s", err);
		return -1;
	}
	return 0;
}

static int cmd_ignore_line(struct peer *peer, char *rest)
{
	return cmd_with_err(peer, rest, cmd_ignore);
}

static int cmd_auto_line(struct peer *peer, char *rest)
{
	return cmd_with_err(peer, rest, peer_auto_cmd);
}

static int cmd_sleep(struct peer *peer, char *rest)
{
	unsigned long ms;
	if (arg_ulong(rest, 0, PEER_MAX_WAIT_S * 1000UL, &ms) < 0) {
		step_result(peer, false, "sleep '%s': not a number of ms in 0-%lu", rest, PEER_MAX_WAIT_S * 1000UL);
		return -1;
	}
	peer->wait = WAIT_SLEEP;
	osmo_timer_schedule(&peer->wait_timer, ms / 1000, (ms % 1000) * 1000);
	return 1;
}

static int cmd_wait_route(struct peer *peer, char *rest)
{
	double secs = 30;
	if (rest[0] && arg_double(rest, 0, PEER_MAX_WAIT_S, &secs) < 0) {
		step_result(peer, false, "wait-route '%s': not a number of seconds in 0-%d", rest, PEER_MAX_WAIT_S);
		return -1;
	}
	if (!peer->dpc_set) {
		step_result(peer, false, "no dpc set");
		return -1;
	}
	start_wait(peer, WAIT_ROUTE, secs);
	osmo_timer_schedule(&peer->route_timer, 0, 1000);
	return 1;
}

static int cmd_send(struct peer *peer, char *rest)
{
	char err[256] = "";
	struct msgspec sp;
	struct isup_msg msg;
	uint32_t dpc;
	if (msgspec_parse(&sp, rest, err, sizeof(err)) == 0 && sp.cic == MSGSPEC_CIC_LAST)
		sp.cic = peer->last_cic;
	if (err[0] || resolve_dpc(peer, &sp, &dpc) < 0 ||
	    msgspec_build(&msg, peer->variant, &sp, sp.cic >= 0 ? sp.cic : peer->cic, err, sizeof(err)) < 0) {
		step_result(peer, false, "%s", err[0] ? err : "no/invalid dpc");
		return -1;
	}
	auto_rlc_set(peer, msg.cic, false);	/* the scenario drives this circuit now */
	if (peer_send(peer, dpc, &msg) < 0) {
		step_result(peer, false, "send failed");
		return -1;
	}
	return 0;
}

static int cmd_send_raw(struct peer *peer, char *rest)
{
	uint8_t raw[ISUP_MAX_MSG_LEN];
	char hex[1024] = "", *d;
	struct msgspec sp;
	uint32_t dpc;
	int len;
	snprintf(hex, sizeof(hex), "%s", rest);
	memset(&sp, 0, sizeof(sp));
	if ((d = strstr(hex, "dpc="))) {
		snprintf(sp.dpc, sizeof(sp.dpc), "%s", d + 4);
		*d = 0;
	}
	len = msgspec_hex_parse(hex, raw, sizeof(raw));
	if (len < 3 || resolve_dpc(peer, &sp, &dpc) < 0) {
		step_result(peer, false, "bad hex or dpc");
		return -1;
	}
	fprintf(peer->out, "%s >> to %s raw %d octets: %s\n", tstamp(peer), isup_mtp_pc_str(peer->mtp, dpc),
		len, hex);
	isup_mtp_send_raw(peer->mtp, dpc, raw[0] & 0x0f, raw, len);
	peer->tx_count++;
	return 0;
}

static int cmd_expect(struct peer *peer, char *rest)
{
	char err[256] = "";
	struct msgspec sp;
	double within;
	if (msgspec_parse(&sp, rest, err, sizeof(err)) < 0) {
		step_result(peer, false, "%s", err);
		return -1;
	}
	within = take_within(&sp, 5.0);
	if (within < 0) {
		step_result(peer, false, "within=: not a number of seconds in 0-%d", PEER_MAX_WAIT_S);
		return -1;
	}
	if (sp.cic == MSGSPEC_CIC_LAST)
		sp.cic = peer->last_cic;
	peer->expect = sp;
	start_wait(peer, WAIT_EXPECT, within);
	if (try_expect(peer))
		return 2;	/* completed synchronously; run() already continued */
	return 1;
}

static int cmd_expect_none(struct peer *peer, char *rest)
{
	double within = 2.0;
	char q[256];
	if (!strncmp(rest, "within=", 7) && arg_double(rest + 7, 0, PEER_MAX_WAIT_S, &within) < 0) {
		step_result(peer, false, "within=%s: not a number of seconds in 0-%d", rest + 7, PEER_MAX_WAIT_S);
		return -1;
	}
	if (rxq_unexpected_str(peer, q, sizeof(q))) {
		step_result(peer, false, "already received:%s", q);
		return -1;
	}
	start_wait(peer, WAIT_NONE_ARRIVES, within);
	return 1;
}

/* load / load-release: a load run (load.c), finished at once or later */
static int cmd_load_common(struct peer *peer, char *rest, bool release)
{
	char err[256] = "";
	int rc;
	peer->wait = WAIT_LOAD;
	peer->load_sync = -1;
	rc = release ? peer_load_release_cmd(peer, rest, err, sizeof(err)) : peer_load_cmd(peer, rest, err, sizeof(err));
	if (rc < 0 || peer->load_sync >= 0) {	/* a usage error, or finished at once */
		peer->wait = WAIT_NONE;
		if (rc < 0)
			step_result(peer, false, "%s", err);
		else
			step_result(peer, peer->load_sync, "%s", "");
		return rc < 0 || !peer->load_sync ? -1 : 0;
	}
	peer->load_sync = -2;
	return 1;
}

static int cmd_load(struct peer *peer, char *rest)
{
	return cmd_load_common(peer, rest, false);
}

static int cmd_load_release(struct peer *peer, char *rest)
{
	return cmd_load_common(peer, rest, true);
}

static int cmd_loopback(struct peer *peer, char *rest)
{
	char err[256] = "";
	if (!peer_loopback_cmd(peer, rest, err, sizeof(err))) {
		step_result(peer, false, "%s", err);
		return -1;
	}
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct peer *peer, char *rest);
} peer_cmds[] = {
	{ "dpc", cmd_dpc }, { "cic", cmd_cic }, { "echo", cmd_echo }, { "stop-on-fail", cmd_stop_on_fail },
	{ "flush", cmd_flush }, { "end", cmd_end }, { "ignore", cmd_ignore_line }, { "auto", cmd_auto_line },
	{ "sleep", cmd_sleep }, { "wait-route", cmd_wait_route }, { "send", cmd_send },
	{ "send-raw", cmd_send_raw }, { "expect", cmd_expect }, { "expect-none", cmd_expect_none },
	{ "load", cmd_load }, { "load-release", cmd_load_release }, { "loopback", cmd_loopback },
};

/* Execute one command line. Returns 1 if it blocks (async completion), 0 done, -1 failed. */
int peer_exec_line(struct peer *peer, const char *line)
{
	char cmd[32] = "", rest[1024] = "";

	sscanf(line, "%31s %1023[^\n]", cmd, rest);
	/* trailing blanks (and a CR) are not part of a numeric argument */
	for (size_t n = strlen(rest); n && isspace((unsigned char)rest[n - 1]); n--)
		rest[n - 1] = '\0';
	snprintf(peer->wait_line, sizeof(peer->wait_line), "%s", line);

	for (unsigned int i = 0; i < ARRAY_SIZE(peer_cmds); i++)
		if (!strcmp(cmd, peer_cmds[i].name))
			return peer_cmds[i].fn(peer, rest);
	step_result(peer, false, "unknown command '%s'", cmd);
	return -1;
}

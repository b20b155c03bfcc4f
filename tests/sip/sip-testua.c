/* sip-testua: runs the SIP UA from a VTY config file and behaves by command-line mode, printing
 * one line per event on stdout ("EV <name> key=value ...") for the test scripts to assert on. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <talloc.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/vty.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/misc.h>

#include <osmocom/core/tdef.h>
#include <osmocom/vty/tdef_vty.h>
#include "gw/debug.h"
#include "sip/sip.h"
#include "sip/sip_vty.h"

static struct {
	const char *config;
	const char *mode;		/* uas | uac | options */
	const char *trunk;
	/* UAS */
	int ring;			/* 180/183, 0 = none */
	bool reliable;
	bool sdp_in_18x;
	int answer_delay;		/* ms after INVITE, -1: never */
	int reject;			/* final code */
	int exit_after;			/* calls, 0 = run until signal */
	/* both */
	int cause;
	const char *location;
	int bye_after;			/* ms after answer/ACK, -1: never */
	uint8_t isup[256];
	size_t isup_len;
	uint8_t bye_isup[256];
	size_t bye_isup_len;
	const char *pai, *privacy, *history_info, *diversion, *pem;
	int max_forwards;
	/* UAC */
	const char *to, *from;
	int cancel_after;		/* ms after first provisional, -1: never */
	int hold_after, resume_after, info_after;
	bool update;
	bool clearmode_only;
	int max_time;			/* s */
	const char *dump_config;
	const char *media_addr;
	int media_port;
	const char *log_level;
} opt = {
	.trunk = "t1", .answer_delay = 0, .exit_after = 1, .bye_after = -1, .cancel_after = -1,
	.hold_after = -1, .resume_after = -1, .info_after = -1, .max_time = 60, .media_addr = "127.0.0.1",
	.media_port = 40000, .to = "1000", .from = "2000",
};

static void *ctx;
static struct sip_ua *ua;
static struct sip_trunk *trunk;
static struct sip_dialog *cur;
static int calls_done;
static int quit_rc = -1;
static volatile sig_atomic_t got_signal;
static struct osmo_timer_list t_answer, t_bye, t_cancel, t_hold, t_resume, t_info, t_max;

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static int parse_hex(const char *s, uint8_t *out, size_t size, size_t *len)
{
	size_t n = strlen(s) / 2;
	if (n > size || strlen(s) % 2)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			goto bad;
		out[i] = hi << 4 | lo;
	}
	*len = n;
	return 0;
bad:
	fprintf(stderr, "bad hex string '%s'\n", s);
	return -1;
}

static void msg_opts(struct sip_msg_opts *o, const struct sip_sdp *sdp, bool with_isup)
{
	memset(o, 0, sizeof(*o));
	o->sdp = sdp;
	if (with_isup && opt.isup_len) {
		o->isup = opt.isup;
		o->isup_len = opt.isup_len;
	}
	o->q850_cause = opt.cause;
	o->q850_location = opt.location;
	o->pai = opt.pai;
	o->privacy = opt.privacy;
	o->history_info = opt.history_info;
	o->diversion = opt.diversion;
	o->p_early_media = opt.pem;
	o->max_forwards = opt.max_forwards;
}

static void local_sdp(struct sip_sdp *s)
{
	sip_sdp_init_local(s, opt.media_addr, opt.media_port);
	if (opt.clearmode_only) {
		s->num_codecs = 1;
		s->codecs[0] = (struct sip_sdp_codec){ .codec = SIP_CODEC_CLEARMODE, .pt = 97, .rate = 8000 };
	}
}

static void answer_sdp(struct sip_sdp *ans)
{
	struct sip_sdp loc;
	const struct sip_sdp *remote = cur ? sip_dialog_remote_sdp(cur) : NULL;
	local_sdp(&loc);
	loc.codecs[loc.num_codecs++] = (struct sip_sdp_codec){ .codec = SIP_CODEC_CLEARMODE, .pt = 97, .rate = 8000 };
	if (!remote || sip_sdp_answer(ans, remote, &loc) < 0)
		*ans = loc;
}

static void finish(int rc)
{
	if (quit_rc < 0)
		quit_rc = rc;
}

static void print_event(struct sip_dialog *d, const struct sip_event *ev)
{
	printf("EV %s", sip_event_name(ev->type));
	if (ev->method)
		printf(" method=%s", ev->method);
	if (ev->code)
		printf(" code=%d", ev->code);
	if (ev->q850_cause)
		printf(" cause=%d", ev->q850_cause);
	if (ev->q850_location[0])
		printf(" location=%s", ev->q850_location);
	if (ev->reliable)
		printf(" reliable=1 rseq=%u", ev->rseq);
	if (ev->timeout)
		printf(" timeout=%s", sip_timeout_name(ev->timeout));
	if (ev->body->has_sdp) {
		printf(" sdp=%s:%u dir=%s codecs=", ev->body->sdp.addr, ev->body->sdp.port,
		       sip_sdp_dir_name(ev->body->sdp.dir));
		for (unsigned int i = 0; i < ev->body->sdp.num_codecs; i++)
			printf("%s%u", i ? "," : "", ev->body->sdp.codecs[i].pt);
	}
	if (ev->body->isup.present) {
		printf(" isup=");
		for (size_t i = 0; i < ev->body->isup.len; i++)
			printf("%02x", ev->body->isup.data[i]);
		printf(" isup_version=%s", ev->body->isup.version);
		if (ev->body->isup.base[0])
			printf(" isup_base=%s", ev->body->isup.base);
	}
	if (ev->hdrs->pai[0])
		printf(" pai=%s", ev->hdrs->pai);
	if (ev->hdrs->privacy[0])
		printf(" privacy=%s", ev->hdrs->privacy);
	if (ev->hdrs->max_forwards >= 0 && ev->type == SIP_EV_INVITE)
		printf(" max_forwards=%d", ev->hdrs->max_forwards);
	if (ev->hdrs->history_info[0])
		printf(" history_info=%s", ev->hdrs->history_info);
	if (ev->hdrs->diversion[0])
		printf(" diversion=%s", ev->hdrs->diversion);
	printf("\n");
	fflush(stdout);
}

static void schedule_ms(struct osmo_timer_list *t, int ms)
{
	if (ms < 0)
		return;
	osmo_timer_schedule(t, ms / 1000, (ms % 1000) * 1000);
}

static void answer_cb(void *data)
{
	struct sip_sdp ans;
	struct sip_msg_opts o;
	int rc;
	if (!cur)
		return;
	answer_sdp(&ans);
	msg_opts(&o, &ans, true);
	o.q850_cause = 0;
	rc = sip_dialog_answer(cur, &o);
	printf("ACT answer rc=%d\n", rc);
	fflush(stdout);
}

static void bye_cb(void *data)
{
	struct sip_msg_opts o;
	if (!cur)
		return;
	msg_opts(&o, NULL, true);
	if (opt.bye_isup_len) {
		o.isup = opt.bye_isup;
		o.isup_len = opt.bye_isup_len;
	}
	printf("ACT bye rc=%d\n", sip_dialog_bye(cur, &o));
	fflush(stdout);
}

static void cancel_cb(void *data)
{
	struct sip_msg_opts o;
	if (!cur)
		return;
	msg_opts(&o, NULL, false);
	printf("ACT cancel rc=%d\n", sip_dialog_cancel(cur, &o));
	fflush(stdout);
}

static void hold_cb(void *data)
{
	struct sip_sdp s;
	if (!cur)
		return;
	local_sdp(&s);
	s.dir = SIP_SDP_SENDONLY;
	printf("ACT hold rc=%d\n", sip_dialog_reoffer(cur, &s, opt.update));
	fflush(stdout);
}

static void resume_cb(void *data)
{
	struct sip_sdp s;
	if (!cur)
		return;
	local_sdp(&s);
	printf("ACT resume rc=%d\n", sip_dialog_reoffer(cur, &s, opt.update));
	fflush(stdout);
}

static void info_cb(void *data)
{
	struct sip_msg_opts o;
	if (!cur)
		return;
	msg_opts(&o, NULL, true);
	o.q850_cause = 0;
	printf("ACT info rc=%d\n", sip_dialog_info(cur, &o));
	fflush(stdout);
}

static void max_cb(void *data)
{
	printf("ACT max-time reached\n");
	fflush(stdout);
	finish(2);
}

static void on_event(struct sip_dialog *d, const struct sip_event *ev, void *priv)
{
	print_event(d, ev);
	switch (ev->type) {
	case SIP_EV_INVITE: {
		struct sip_msg_opts o;
		struct sip_sdp ans;
		if (cur) {
			/* one call at a time: busy */
			struct sip_msg_opts b = { .q850_cause = 17 };
			sip_dialog_reject(d, 486, &b);
			return;
		}
		cur = d;
		if (opt.reject) {
			msg_opts(&o, NULL, true);
			printf("ACT reject rc=%d\n", sip_dialog_reject(d, opt.reject, &o));
			fflush(stdout);
			return;
		}
		if (opt.ring) {
			answer_sdp(&ans);
			msg_opts(&o, opt.sdp_in_18x ? &ans : NULL, true);
			o.q850_cause = 0;
			printf("ACT %d rc=%d\n", opt.ring, sip_dialog_provisional(d, opt.ring, opt.reliable, &o));
			fflush(stdout);
		}
		schedule_ms(&t_answer, opt.answer_delay);
		break;
	}
	case SIP_EV_PROVISIONAL:
		if (opt.cancel_after >= 0 && !osmo_timer_pending(&t_cancel))
			schedule_ms(&t_cancel, opt.cancel_after);
		break;
	case SIP_EV_ANSWERED:
		schedule_ms(&t_hold, opt.hold_after);
		schedule_ms(&t_resume, opt.resume_after);
		schedule_ms(&t_info, opt.info_after);
		schedule_ms(&t_bye, opt.bye_after);
		break;
	case SIP_EV_ACK:
		schedule_ms(&t_hold, opt.hold_after);
		schedule_ms(&t_resume, opt.resume_after);
		schedule_ms(&t_info, opt.info_after);
		schedule_ms(&t_bye, opt.bye_after);
		break;
	case SIP_EV_TERMINATED:
		if (d == cur) {
			cur = NULL;
			osmo_timer_del(&t_answer);
			osmo_timer_del(&t_bye);
			osmo_timer_del(&t_cancel);
			osmo_timer_del(&t_hold);
			osmo_timer_del(&t_resume);
			osmo_timer_del(&t_info);
		}
		calls_done++;
		if (opt.exit_after && calls_done >= opt.exit_after)
			finish(0);
		break;
	default:
		break;
	}
}

static void on_options(struct sip_trunk *t, int code, void *priv)
{
	printf("EV OPTIONS code=%d\n", code);
	fflush(stdout);
	if (!strcmp(opt.mode, "options"))
		finish(code ? 0 : 1);
}

static const struct sip_ua_cbs cbs = { .event = on_event, .options_result = on_options };

/* VTY nodes of this program: the SIP library's two and one that only writes the timer tree */
enum testua_node {
	TESTUA_SIP_NODE = _LAST_OSMOVTY_NODE + 1,
	TESTUA_SIP_TRUNK_NODE,
	TESTUA_TIMER_NODE,
};

static struct osmo_tdef_group tdef_groups[] = {
	{ .name = "sip", .desc = "SIP (RFC 3261 T1/T2/T4, Timers B-K, RFC 3262)" },
	{}
};

static int config_write_timers(struct vty *vty)
{
	osmo_tdef_vty_groups_write(vty, "");
	return CMD_SUCCESS;
}

static struct cmd_node timer_node = { TESTUA_TIMER_NODE, "%s(timers)# ", 1 };

static int go_parent(struct vty *vty)
{
	if (sip_vty_go_parent(vty))
		return vty->node;
	vty->node = CONFIG_NODE;
	vty->index = NULL;
	return vty->node;
}

static struct vty_app_info app_info = {
	.name = "sip-testua",
	.version = "0",
	.go_parent_cb = go_parent,
};

static void sig_handler(int sig)
{
	got_signal = 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sip-testua -c CONFIG -m uas|uac|options [options]\n"
		"  --trunk NAME        trunk to use (t1)\n"
		"  --ring 180|183      UAS: provisional to send   --reliable  --sdp-in-18x\n"
		"  --answer-delay MS   UAS: 200 after MS (-1 never)  --reject CODE\n"
		"  --cause N --location TOKEN   Reason: Q.850 for reject/BYE/CANCEL\n"
		"  --bye-after MS      BYE MS after answer/ACK\n"
		"  --isup HEX          ISUP body (18x/200/INVITE/BYE/INFO)   --bye-isup HEX  ISUP body of BYE\n"
		"  --to USER --from USER --pai V --privacy V --history-info V --diversion V\n"
		"  --p-early-media V --max-forwards N\n"
		"  --cancel-after MS   UAC: CANCEL MS after the first provisional\n"
		"  --hold-after MS --resume-after MS [--update] --info-after MS\n"
		"  --clearmode         offer only clearmode\n"
		"  --exit-after N      UAS: exit after N calls (0: run until SIGTERM)\n"
		"  --max-time S        give up after S seconds (exit 2)\n"
		"  --dump-config FILE  write the running config to FILE and exit\n"
		"  --log LEVEL         DSIP log level (debug, info, notice)\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "config", 1, 0, 'c' }, { "mode", 1, 0, 'm' }, { "trunk", 1, 0, 't' },
		{ "ring", 1, 0, 1 }, { "reliable", 0, 0, 2 }, { "sdp-in-18x", 0, 0, 3 },
		{ "answer-delay", 1, 0, 4 }, { "reject", 1, 0, 5 }, { "cause", 1, 0, 6 },
		{ "location", 1, 0, 7 }, { "bye-after", 1, 0, 8 }, { "isup", 1, 0, 9 },
		{ "to", 1, 0, 10 }, { "from", 1, 0, 11 }, { "pai", 1, 0, 12 }, { "privacy", 1, 0, 13 },
		{ "history-info", 1, 0, 14 }, { "diversion", 1, 0, 15 }, { "p-early-media", 1, 0, 16 },
		{ "max-forwards", 1, 0, 17 }, { "cancel-after", 1, 0, 18 }, { "hold-after", 1, 0, 19 },
		{ "resume-after", 1, 0, 20 }, { "update", 0, 0, 21 }, { "info-after", 1, 0, 22 },
		{ "clearmode", 0, 0, 23 }, { "exit-after", 1, 0, 24 }, { "max-time", 1, 0, 25 },
		{ "dump-config", 1, 0, 26 }, { "log", 1, 0, 27 }, { "bye-isup", 1, 0, 28 }, { "help", 0, 0, 'h' }, {}
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:m:t:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'c': opt.config = optarg; break;
		case 'm': opt.mode = optarg; break;
		case 't': opt.trunk = optarg; break;
		case 1: opt.ring = atoi(optarg); break;
		case 2: opt.reliable = true; break;
		case 3: opt.sdp_in_18x = true; break;
		case 4: opt.answer_delay = atoi(optarg); break;
		case 5: opt.reject = atoi(optarg); break;
		case 6: opt.cause = atoi(optarg); break;
		case 7: opt.location = optarg; break;
		case 8: opt.bye_after = atoi(optarg); break;
		case 9:
			if (parse_hex(optarg, opt.isup, sizeof(opt.isup), &opt.isup_len) < 0)
				return 1;
			break;
		case 28:
			if (parse_hex(optarg, opt.bye_isup, sizeof(opt.bye_isup), &opt.bye_isup_len) < 0)
				return 1;
			break;
		case 10: opt.to = optarg; break;
		case 11: opt.from = optarg; break;
		case 12: opt.pai = optarg; break;
		case 13: opt.privacy = optarg; break;
		case 14: opt.history_info = optarg; break;
		case 15: opt.diversion = optarg; break;
		case 16: opt.pem = optarg; break;
		case 17: opt.max_forwards = atoi(optarg); break;
		case 18: opt.cancel_after = atoi(optarg); break;
		case 19: opt.hold_after = atoi(optarg); break;
		case 20: opt.resume_after = atoi(optarg); break;
		case 21: opt.update = true; break;
		case 22: opt.info_after = atoi(optarg); break;
		case 23: opt.clearmode_only = true; break;
		case 24: opt.exit_after = atoi(optarg); break;
		case 25: opt.max_time = atoi(optarg); break;
		case 26: opt.dump_config = optarg; break;
		case 27: opt.log_level = optarg; break;
		default: usage(); return 1;
		}
	}
	if (!opt.config || (!opt.mode && !opt.dump_config)) {
		usage();
		return 1;
	}
	if (!opt.mode)
		opt.mode = "uas";

	ctx = talloc_named_const(NULL, 0, "sip-testua");
	osmo_init_logging2(ctx, &sgw_log_info);
	log_set_print_category(osmo_stderr_target, 1);
	log_set_print_level(osmo_stderr_target, 1);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	if (opt.log_level)
		log_set_category_filter(osmo_stderr_target, DSIP, 1, !strcmp(opt.log_level, "debug") ? LOGL_DEBUG :
					!strcmp(opt.log_level, "info") ? LOGL_INFO : LOGL_NOTICE);

	sip_set_log_cat(DSIP);
	/* ended FSMs (dialogs) are freed after the select loop iteration that ended them */
	osmo_fsm_set_dealloc_ctx(OTC_SELECT);
	ua = sip_ua_alloc(ctx, &cbs, NULL);
	vty_init(&app_info);
	logging_vty_add_cmds();
	sip_vty_init(ua, TESTUA_SIP_NODE, TESTUA_SIP_TRUNK_NODE);
	tdef_groups[0].tdefs = sip_ua_tdefs(ua);
	osmo_tdef_vty_groups_init(CONFIG_NODE, tdef_groups);
	install_node(&timer_node, config_write_timers);
	rc = vty_read_config_file(opt.config, NULL);
	if (rc < 0) {
		fprintf(stderr, "cannot read config %s\n", opt.config);
		return 1;
	}
	if (opt.dump_config) {
		rc = osmo_vty_write_config_file(opt.dump_config);
		sip_ua_free(ua);
		talloc_free(ctx);
		return rc < 0 ? 1 : 0;
	}
	trunk = sip_trunk_find(ua, opt.trunk);
	if (!trunk) {
		fprintf(stderr, "no trunk %s in config\n", opt.trunk);
		return 1;
	}
	if (sip_ua_start(ua) < 0) {
		fprintf(stderr, "cannot start the UA (bind failed?)\n");
		return 1;
	}
	signal(SIGTERM, sig_handler);
	signal(SIGINT, sig_handler);
	signal(SIGPIPE, SIG_IGN);

	osmo_timer_setup(&t_answer, answer_cb, NULL);
	osmo_timer_setup(&t_bye, bye_cb, NULL);
	osmo_timer_setup(&t_cancel, cancel_cb, NULL);
	osmo_timer_setup(&t_hold, hold_cb, NULL);
	osmo_timer_setup(&t_resume, resume_cb, NULL);
	osmo_timer_setup(&t_info, info_cb, NULL);
	osmo_timer_setup(&t_max, max_cb, NULL);
	if (opt.max_time > 0)
		osmo_timer_schedule(&t_max, opt.max_time, 0);

	printf("READY %s %s:%u\n", trunk->name, trunk->cfg.listen_addr, trunk->cfg.listen_port);
	fflush(stdout);

	if (!strcmp(opt.mode, "uac")) {
		struct sip_sdp s;
		struct sip_msg_opts o;
		local_sdp(&s);
		msg_opts(&o, &s, true);
		o.q850_cause = 0;
		cur = sip_dialog_invite(trunk, opt.to, opt.from, &o, NULL);
		printf("ACT invite %s\n", cur ? "ok" : "failed");
		fflush(stdout);
		if (!cur)
			finish(1);
		opt.exit_after = 1;
	} else if (!strcmp(opt.mode, "options")) {
		if (sip_trunk_options(trunk) < 0)
			finish(1);
	}

	while (quit_rc < 0 && !got_signal)
		osmo_select_main_ctx(0);
	/* let the last responses/ACKs leave */
	for (int i = 0; i < 5; i++)
		osmo_select_main_ctx(1);

	printf("EXIT %d\n", quit_rc < 0 ? 0 : quit_rc);
	fflush(stdout);
	osmo_timer_del(&t_answer);
	osmo_timer_del(&t_bye);
	osmo_timer_del(&t_cancel);
	osmo_timer_del(&t_hold);
	osmo_timer_del(&t_resume);
	osmo_timer_del(&t_info);
	osmo_timer_del(&t_max);
	sip_ua_free(ua);
	return quit_rc < 0 ? 0 : quit_rc;
}

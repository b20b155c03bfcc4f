/* Minimal test call application: see testcall.h */
#include <stdlib.h>
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/logging.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "gw/debug.h"
#include "gw/vty_nodes.h"
#include "gw/testcall.h"
#include "isup/isup_node_api.h"
#include "isup/isup_call.h"

enum tc_mode { TC_ANSWER, TC_CON, TC_RINGING, TC_CPG, TC_REJECT, TC_NONE };
static const struct value_string tc_mode_names[] = {
	{ TC_ANSWER, "answer" }, { TC_CON, "con" }, { TC_RINGING, "ringing" }, { TC_CPG, "cpg" },
	{ TC_REJECT, "reject" }, { TC_NONE, "none" }, { 0, NULL }
};

static struct {
	void *ctx;
	struct isup_node *node;
	enum tc_mode mode;
	unsigned int reject_cause;
	unsigned int answer_delay_ms;
	unsigned int digits;		/* overlap: wait for this many digits (0: en bloc) */
	unsigned int acm_status;	/* BCI called party's status in the ACM */
	bool acm_isdn;			/* BCI terminating access ISDN */
	unsigned long calls_in, calls_out, released;
} tc = { .mode = TC_ANSWER, .reject_cause = Q850_USER_BUSY, .acm_status = 1, .acm_isdn = true };

struct tc_call {
	struct isup_call *call;
	struct osmo_timer_list timer;
	char digits[64];
	bool answered_sent;
};

static void tc_free(struct tc_call *c)
{
	osmo_timer_del(&c->timer);
	talloc_free(c);
}

static void tc_send_bci(struct isup_call *call, uint8_t type, uint8_t status)
{
	struct isup_msg m;
	struct isup_bci bci = { .called_status = status, .called_category = 1, .term_access_isdn = tc.acm_isdn,
				.isup_all_the_way = true };
	uint8_t raw[2];
	isup_msg_init(&m, ISUP_VARIANT_ITU, type, 0);
	isup_bci_encode(&bci, raw, sizeof(raw));
	isup_msg_set(&m, ISUP_PRM_BCI, raw, 2);
	isup_call_send(call, &m);
}

static void tc_answer_cb(void *data)
{
	struct tc_call *c = data;
	struct isup_msg m;
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_ANM, 0);
	c->answered_sent = true;
	isup_call_send(c->call, &m);
}

/* The number is complete: answer per the configured mode */
static void tc_complete(struct tc_call *c)
{
	struct isup_call *call = c->call;
	struct isup_msg m;
	struct isup_event_info ev = { .event = ISUP_EVENT_ALERTING };
	uint8_t raw;

	LOGP(DGW, LOGL_NOTICE, "testcall: incoming call on CIC %u to %s: %s\n", isup_call_cic(call), c->digits,
	     get_value_string(tc_mode_names, tc.mode));
	switch (tc.mode) {
	case TC_REJECT:
		isup_call_release(call, tc.reject_cause);
		tc_free(c);
		return;
	case TC_NONE:
		return;
	case TC_CON:
		tc_send_bci(call, ISUP_CON, tc.acm_status);
		return;
	case TC_CPG:
		tc_send_bci(call, ISUP_ACM, 0);
		isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_CPG, 0);
		isup_event_info_encode(&ev, &raw, 1);
		isup_msg_set(&m, ISUP_PRM_EVENT_INFO, &raw, 1);
		isup_call_send(call, &m);
		break;
	default:
		tc_send_bci(call, ISUP_ACM, tc.acm_status);
		break;
	}
	if (tc.mode == TC_ANSWER || tc.mode == TC_CPG) {
		osmo_timer_setup(&c->timer, tc_answer_cb, c);
		osmo_timer_schedule(&c->timer, tc.answer_delay_ms / 1000, (tc.answer_delay_ms % 1000) * 1000);
	}
}

static bool digits_complete(struct tc_call *c, bool st)
{
	return st || !tc.digits || strlen(c->digits) >= tc.digits;
}

static void tc_setup_ind(struct isup_call *call, const struct isup_msg *iam, void *app)
{
	struct tc_call *c = talloc_zero(tc.ctx, struct tc_call);
	const struct isup_param *p = isup_msg_find_const(iam, ISUP_PRM_CALLED_NUM);
	struct isup_number num = { 0 };
	c->call = call;
	osmo_timer_setup(&c->timer, tc_answer_cb, c);
	isup_call_set_priv(call, c);
	tc.calls_in++;
	if (p)
		isup_number_decode(&num, ISUP_NUM_CALLED, p->val, p->len);
	snprintf(c->digits, sizeof(c->digits), "%s", num.digits);
	if (digits_complete(c, num.st))
		tc_complete(c);
}

static void tc_msg_ind(struct isup_call *call, const struct isup_msg *msg, void *app)
{
	struct tc_call *c = isup_call_priv(call);
	char sum[128];
	isup_msg_summary(sum, sizeof(sum), msg);
	LOGP(DGW, LOGL_NOTICE, "testcall: CIC %u: %s\n", isup_call_cic(call), sum);
	if (msg->type == ISUP_SAM && c && !isup_call_is_outgoing(call)) {
		const struct isup_param *p = isup_msg_find_const(msg, ISUP_PRM_SUBSEQUENT_NUM);
		struct isup_number num = { 0 };
		if (p && isup_number_decode(&num, ISUP_NUM_SUBSEQUENT, p->val, p->len) == 0) {
			strncat(c->digits, num.digits, sizeof(c->digits) - strlen(c->digits) - 1);
			if (digits_complete(c, num.st))
				tc_complete(c);
		}
	}
}

static void tc_release_ind(struct isup_call *call, uint8_t cause, const struct isup_msg *rel, void *app)
{
	struct tc_call *c = isup_call_priv(call);
	tc.released++;
	LOGP(DGW, LOGL_NOTICE, "testcall: call on CIC %u released, cause %u\n", isup_call_cic(call), cause);
	if (c)
		tc_free(c);
}

static void tc_cic_changed(struct isup_call *call, uint16_t old_cic, void *app)
{
	LOGP(DGW, LOGL_NOTICE, "testcall: call moved from CIC %u to CIC %u (repeat attempt)\n", old_cic,
	     isup_call_cic(call));
}

static const struct isup_call_ops tc_ops = {
	.setup_ind = tc_setup_ind,
	.msg_ind = tc_msg_ind,
	.release_ind = tc_release_ind,
	.cic_changed_ind = tc_cic_changed,
};

/* ---- VTY ---------------------------------------------------------------------------------- */

DEFUN(cfg_tc_mode, cfg_tc_mode_cmd, "test-call-app (answer|con|ringing|cpg|reject|none) [<1-127>]",
      "Test call application: how incoming calls are treated\n"
      "ACM then ANM (after answer-delay)\n" "CON\n" "ACM only (no answer)\n" "ACM, CPG alerting, ANM\n"
      "REL with the cause given (default 17 user busy)\n" "Do nothing\n" "Release cause\n")
{
	tc.mode = get_string_value(tc_mode_names, argv[0]);
	if (tc.mode == TC_REJECT)
		tc.reject_cause = argc > 1 && argv[1] ? atoi(argv[1]) : Q850_USER_BUSY;
	return CMD_SUCCESS;
}

DEFUN(cfg_tc_delay, cfg_tc_delay_cmd, "test-call-app answer-delay <0-600000>",
      "Test call application\n" "Delay between ACM and ANM\n" "Milliseconds\n")
{
	tc.answer_delay_ms = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_tc_digits, cfg_tc_digits_cmd, "test-call-app digits <0-40>",
      "Test call application\n" "Overlap: number of digits awaited (SAM) before answering; 0 en bloc\n" "Digits\n")
{
	tc.digits = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_tc_acm, cfg_tc_acm_cmd, "test-call-app acm (subscriber-free|no-indication) (isdn|non-isdn)",
      "Test call application\n" "Backward call indicators of the ACM/CON sent\n" "Called party: subscriber free\n"
      "Called party: no indication\n" "Terminating access ISDN\n" "Terminating access non-ISDN\n")
{
	tc.acm_status = !strcmp(argv[0], "subscriber-free") ? 1 : 0;
	tc.acm_isdn = !strcmp(argv[1], "isdn");
	return CMD_SUCCESS;
}

static void tc_write(struct vty *vty)
{
	if (tc.mode == TC_REJECT)
		vty_out(vty, " test-call-app reject %u%s", tc.reject_cause, VTY_NEWLINE);
	else
		vty_out(vty, " test-call-app %s%s", get_value_string(tc_mode_names, tc.mode), VTY_NEWLINE);
	vty_out(vty, " test-call-app answer-delay %u%s", tc.answer_delay_ms, VTY_NEWLINE);
	vty_out(vty, " test-call-app digits %u%s", tc.digits, VTY_NEWLINE);
	vty_out(vty, " test-call-app acm %s %s%s", tc.acm_status ? "subscriber-free" : "no-indication",
		tc.acm_isdn ? "isdn" : "non-isdn", VTY_NEWLINE);
}

DEFUN(tc_originate, tc_originate_cmd, "isup originate GROUP NUMBER [<0-4095>]",
      "ISUP circuit operations\n" "Originate a test call (IAM) on a circuit group\n" "Circuit group name\n"
      "Called number (digits; a trailing F is the ST digit)\n" "CIC (default: the group's selection)\n")
{
	struct isup_msg iam;
	struct isup_number cdpn = { .nai = ISUP_NAI_NATIONAL, .npi = 1, .inn_ni = 1 };
	struct isup_number cgpn = { .nai = ISUP_NAI_NATIONAL, .npi = 1, .screening = ISUP_SCREEN_NETWORK };
	struct isup_fci fci = { .isup_all_the_way = true, .isup_pref = 0 };
	struct isup_call *call;
	uint8_t raw[32], v, cause = 0;
	size_t n = strlen(argv[1]);
	int len;

	snprintf(cdpn.digits, sizeof(cdpn.digits), "%s", argv[1]);
	if (n && (cdpn.digits[n - 1] == 'F' || cdpn.digits[n - 1] == 'f')) {
		cdpn.digits[n - 1] = 0;
		cdpn.st = true;
	}
	snprintf(cgpn.digits, sizeof(cgpn.digits), "4940111");
	isup_msg_init(&iam, ISUP_VARIANT_ITU, ISUP_IAM, 0);
	v = 0;
	isup_msg_set(&iam, ISUP_PRM_NCI, &v, 1);
	isup_fci_encode(&fci, raw, sizeof(raw));
	isup_msg_set(&iam, ISUP_PRM_FCI, raw, 2);
	v = ISUP_CPC_ORDINARY;
	isup_msg_set(&iam, ISUP_PRM_CPC, &v, 1);
	v = ISUP_TMR_3K1_AUDIO;
	isup_msg_set(&iam, ISUP_PRM_TMR, &v, 1);
	len = isup_number_encode(&cdpn, ISUP_NUM_CALLED, raw, sizeof(raw));
	if (len < 0) {
		vty_out(vty, "%% invalid number%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	isup_msg_set(&iam, ISUP_PRM_CALLED_NUM, raw, len);
	len = isup_number_encode(&cgpn, ISUP_NUM_CALLING, raw, sizeof(raw));
	if (len > 0)
		isup_msg_set(&iam, ISUP_PRM_CALLING_NUM, raw, len);
	call = isup_call_setup(tc.node, argv[0], argc > 2 && argv[2] ? atoi(argv[2]) : -1, &iam, NULL, &cause);
	if (!call) {
		vty_out(vty, "%% call not set up, cause %u%s", cause, VTY_NEWLINE);
		return CMD_WARNING;
	}
	tc.calls_out++;
	vty_out(vty, "call on CIC %u%s", isup_call_cic(call), VTY_NEWLINE);
	return CMD_SUCCESS;
}

static struct isup_call *find_call(struct vty *vty, const char *group, const char *cic)
{
	struct isup_call *call = isup_call_find(tc.node, group, atoi(cic));
	if (!call)
		vty_out(vty, "%% no call on %s CIC %s%s", group, cic, VTY_NEWLINE);
	return call;
}

DEFUN(tc_release, tc_release_cmd, "isup release GROUP <0-4095> [<1-127>]",
      "ISUP circuit operations\n" "Release the call on a circuit (REL)\n" "Circuit group name\n" "CIC\n"
      "Cause (default 16 normal call clearing)\n")
{
	struct isup_call *call = find_call(vty, argv[0], argv[1]);
	struct tc_call *c;
	if (!call)
		return CMD_WARNING;
	c = isup_call_priv(call);
	isup_call_release(call, argc > 2 && argv[2] ? atoi(argv[2]) : Q850_NORMAL_CLEARING);
	if (c)
		tc_free(c);
	return CMD_SUCCESS;
}

DEFUN(tc_sam, tc_sam_cmd, "isup sam GROUP <0-4095> DIGITS",
      "ISUP circuit operations\n" "Send further digits (SAM) of an outgoing call\n" "Circuit group name\n" "CIC\n"
      "Digits (a trailing F is the ST digit)\n")
{
	struct isup_call *call = find_call(vty, argv[0], argv[1]);
	struct isup_number num = { 0 };
	struct isup_msg m;
	uint8_t raw[32];
	size_t n = strlen(argv[2]);
	int len;
	if (!call)
		return CMD_WARNING;
	snprintf(num.digits, sizeof(num.digits), "%s", argv[2]);
	if (n && (num.digits[n - 1] == 'F' || num.digits[n - 1] == 'f')) {
		num.digits[n - 1] = 0;
		num.st = true;
	}
	len = isup_number_encode(&num, ISUP_NUM_SUBSEQUENT, raw, sizeof(raw));
	if (len < 0)
		return CMD_WARNING;
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_SAM, 0);
	isup_msg_set(&m, ISUP_PRM_SUBSEQUENT_NUM, raw, len);
	return isup_call_send(call, &m) < 0 ? CMD_WARNING : CMD_SUCCESS;
}

DEFUN(tc_susres, tc_susres_cmd, "isup (suspend|resume) GROUP <0-4095>",
      "ISUP circuit operations\n" "Send SUS (subscriber initiated)\n" "Send RES\n" "Circuit group name\n" "CIC\n")
{
	struct isup_call *call = find_call(vty, argv[1], argv[2]);
	struct isup_msg m;
	uint8_t v = ISUP_SUSRES_SUBSCRIBER;
	if (!call)
		return CMD_WARNING;
	isup_msg_init(&m, ISUP_VARIANT_ITU, !strcmp(argv[0], "suspend") ? ISUP_SUS : ISUP_RES, 0);
	isup_msg_set(&m, ISUP_PRM_SUSPEND_RESUME_IND, &v, 1);
	return isup_call_send(call, &m) < 0 ? CMD_WARNING : CMD_SUCCESS;
}

DEFUN(show_tc, show_tc_cmd, "show test-call-app", SHOW_STR "Test call application counters\n")
{
	vty_out(vty, "mode %s, calls in %lu, out %lu, released %lu%s", get_value_string(tc_mode_names, tc.mode),
		tc.calls_in, tc.calls_out, tc.released, VTY_NEWLINE);
	return CMD_SUCCESS;
}

void testcall_init(void *ctx, struct isup_node *node)
{
	tc.ctx = ctx;
	tc.node = node;
	isup_call_register(node, &tc_ops, NULL);
	isup_node_vty_write_hook = tc_write;
	install_element(ISUP_NODE, &cfg_tc_mode_cmd);
	install_element(ISUP_NODE, &cfg_tc_delay_cmd);
	install_element(ISUP_NODE, &cfg_tc_digits_cmd);
	install_element(ISUP_NODE, &cfg_tc_acm_cmd);
	install_element(ENABLE_NODE, &tc_originate_cmd);
	install_element(ENABLE_NODE, &tc_release_cmd);
	install_element(ENABLE_NODE, &tc_sam_cmd);
	install_element(ENABLE_NODE, &tc_susres_cmd);
	install_element_ve(&show_tc_cmd);
}

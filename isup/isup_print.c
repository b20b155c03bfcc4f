/* Human-readable output: isup_msg_print (one line per parameter) and isup_msg_summary */
#include <stdio.h>
#include <string.h>

#include "isup/isup_internal.h"

void isup_sbuf_printf(struct isup_sbuf *sb, const char *fmt, ...)
{
	size_t room = sb->len < sb->size ? sb->size - sb->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? sb->buf + sb->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->len += n;
}

void isup_sbuf_hex(struct isup_sbuf *sb, const uint8_t *val, unsigned int len)
{
	for (unsigned int i = 0; i < len; i++)
		isup_sbuf_printf(sb, "%s%02x", i ? " " : "", val[i]);
}

static int sbuf_done(struct isup_sbuf *sb)
{
	if (sb->size)
		sb->buf[sb->len < sb->size ? sb->len : sb->size - 1] = '\0';
	return sb->len > 0x7fffffff ? 0x7fffffff : (int)sb->len;
}

static enum isup_number_kind number_kind(uint8_t code, bool *is_number)
{
	*is_number = true;
	switch (code) {
	case ISUP_PRM_CALLED_NUM: return ISUP_NUM_CALLED;
	case ISUP_PRM_CALLING_NUM: return ISUP_NUM_CALLING;
	case ISUP_PRM_GENERIC_NUM: return ISUP_NUM_GENERIC;
	case ISUP_PRM_REDIRECTING_NUM: return ISUP_NUM_REDIRECTING;
	case ISUP_PRM_ORIG_CALLED_NUM: return ISUP_NUM_ORIG_CALLED;
	case ISUP_PRM_REDIRECTION_NUM: return ISUP_NUM_REDIRECTION;
	case ISUP_PRM_CONNECTED_NUM: return ISUP_NUM_CONNECTED;
	case ISUP_PRM_LOCATION_NUM: return ISUP_NUM_LOCATION;
	case ISUP_PRM_SUBSEQUENT_NUM: return ISUP_NUM_SUBSEQUENT;
	default:
		*is_number = false;
		return ISUP_NUM_CALLED;
	}
}

static void print_number(struct isup_sbuf *sb, enum isup_number_kind kind, const struct isup_number *n)
{
	if (kind == ISUP_NUM_SUBSEQUENT) {
		isup_sbuf_printf(sb, "digits=%s%s", n->digits, n->st ? " st" : "");
		return;
	}
	if (kind == ISUP_NUM_GENERIC)
		isup_sbuf_printf(sb, "qual=%u ", n->qualifier);
	isup_sbuf_printf(sb, "nai=%u npi=%u ", n->nai, n->npi);
	switch (kind) {
	case ISUP_NUM_CALLED:
	case ISUP_NUM_REDIRECTION:
		isup_sbuf_printf(sb, "inn=%u ", n->inn_ni);
		break;
	case ISUP_NUM_LOCATION:
		isup_sbuf_printf(sb, "inn=%u apri=%u screen=%u ", n->inn_ni, n->apri, n->screening);
		break;
	case ISUP_NUM_CALLING:
	case ISUP_NUM_GENERIC:
		isup_sbuf_printf(sb, "ni=%u apri=%u screen=%u ", n->inn_ni, n->apri, n->screening);
		break;
	case ISUP_NUM_CONNECTED:
		isup_sbuf_printf(sb, "apri=%u screen=%u ", n->apri, n->screening);
		break;
	default:	/* redirecting, original called */
		isup_sbuf_printf(sb, "apri=%u ", n->apri);
		break;
	}
	isup_sbuf_printf(sb, "digits=%s%s", n->digits, n->st ? " st" : "");
}

/* Typed views of single parameters: each returns false when the value does not decode (the caller
 * then prints hex). One printer per parameter, named after its Q.763 clause 3 title. */

/* Q.763 3.35 Nature of connection indicators */
static bool print_nci(struct isup_sbuf *sb, const struct isup_param *p)
{
	struct isup_nci v;
	if (isup_nci_decode(&v, p->val, p->len) < 0)
		return false;
	isup_sbuf_printf(sb, "satellite=%u continuity=%u echo=%u", v.satellite, v.continuity, v.echo_device);
	return true;
}

/* Q.763 3.23 Forward call indicators */
static bool print_fci(struct isup_sbuf *sb, const struct isup_param *p)
{
	struct isup_fci v;
	if (isup_fci_decode(&v, p->val, p->len) < 0)
		return false;
	isup_sbuf_printf(sb, "intl=%u e2e=%u iw=%u e2ei=%u isup=%u pref=%u isdn=%u sccp=%u ported=%u qor=%u",
			 v.international, v.e2e_method, v.interworking, v.e2e_info, v.isup_all_the_way,
			 v.isup_pref, v.orig_access_isdn, v.sccp_method, v.ported_translated, v.qor_attempt);
	return true;
}

/* Q.763 3.5 Backward call indicators */
static bool print_bci(struct isup_sbuf *sb, const struct isup_param *p)
{
	struct isup_bci v;
	if (isup_bci_decode(&v, p->val, p->len) < 0)
		return false;
	isup_sbuf_printf(sb, "charge=%u status=%u category=%u e2e=%u iw=%u e2ei=%u isup=%u hold=%u isdn=%u"
			 " echo=%u sccp=%u", v.charge, v.called_status, v.called_category, v.e2e_method,
			 v.interworking, v.e2e_info, v.isup_all_the_way, v.holding, v.term_access_isdn,
			 v.echo_device, v.sccp_method);
	return true;
}

/* Q.763 3.37 Optional backward call indicators */
static bool print_obci(struct isup_sbuf *sb, const struct isup_param *p)
{
	struct isup_obci v;
	if (isup_obci_decode(&v, p->val, p->len) < 0)
		return false;
	isup_sbuf_printf(sb, "inband=%u diversion=%u segmentation=%u mlpp=%u",
			 v.inband_info, v.diversion_may_occur, v.segmentation, v.mlpp_user);
	return true;
}

/* Q.763 3.12 Cause indicators */
static bool print_cause(struct isup_sbuf *sb, const struct isup_param *p)
{
	struct isup_cause v;
	if (isup_cause_decode(&v, p->val, p->len) < 0)
		return false;
	isup_sbuf_printf(sb, "value=%u (%s) location=%u coding=%u", v.value, isup_cause_name(v.value),
			 v.location, v.coding_std);
	if (v.has_recommendation)
		isup_sbuf_printf(sb, " rec=%u", v.recommendation);
	if (v.diag_len) {
		isup_sbuf_printf(sb, " diag=");
		isup_sbuf_hex(sb, v.diag, v.diag_len);
	}
	return true;
}

/* Q.763 3.21 Event information */
static bool print_event_info(struct isup_sbuf *sb, const struct isup_param *p)
{
	struct isup_event_info v;
	if (isup_event_info_decode(&v, p->val, p->len) < 0)
		return false;
	isup_sbuf_printf(sb, "event=%u restricted=%u", v.event, v.pres_restricted);
	return true;
}

/* Q.763 3.43 Range and status */
static bool print_range_status(struct isup_sbuf *sb, const struct isup_param *p)
{
	struct isup_range_status v;
	if (isup_range_status_decode(&v, p->val, p->len) < 0)
		return false;
	isup_sbuf_printf(sb, "range=%u", v.range);
	if (v.status_present) {
		isup_sbuf_printf(sb, " status=");
		for (unsigned int i = 0; i <= v.range; i++)
			isup_sbuf_printf(sb, "%u", isup_range_status_bit(&v, i));
	}
	return true;
}

/* Q.763 3.45 Redirection information */
static bool print_redirection_info(struct isup_sbuf *sb, const struct isup_param *p)
{
	struct isup_redirection_info v;
	if (isup_redirection_info_decode(&v, p->val, p->len) < 0)
		return false;
	isup_sbuf_printf(sb, "indicator=%u orig_reason=%u counter=%u reason=%u",
			 v.indicator, v.orig_reason, v.counter, v.reason);
	return true;
}

/* Q.763 3.6 Call diversion information */
static bool print_call_diversion_info(struct isup_sbuf *sb, const struct isup_param *p)
{
	struct isup_call_diversion v;
	if (isup_call_diversion_decode(&v, p->val, p->len) < 0)
		return false;
	isup_sbuf_printf(sb, "notification=%u reason=%u", v.notification, v.reason);
	return true;
}

/* Q.763 3.19 Echo control information */
static bool print_echo_control_info(struct isup_sbuf *sb, const struct isup_param *p)
{
	struct isup_echo_control v;
	if (isup_echo_control_decode(&v, p->val, p->len) < 0)
		return false;
	isup_sbuf_printf(sb, "out_resp=%u in_resp=%u out_req=%u in_req=%u",
			 v.out_half_resp, v.in_half_resp, v.out_half_req, v.in_half_req);
	return true;
}

/* Q.763 3.57 User service information */
static bool print_usi(struct isup_sbuf *sb, const struct isup_param *p)
{
	struct isup_usi v;
	if (isup_usi_decode(&v, p->val, p->len) < 0)
		return false;
	isup_sbuf_printf(sb, "coding=%u itc=%u mode=%u rate=%u l1=%u",
			 v.coding_std, v.itc, v.transfer_mode, v.transfer_rate, v.l1_protocol);
	return true;
}

/* Q.763 3.33 Message compatibility information */
static bool print_msg_compat_info(struct isup_sbuf *sb, const struct isup_param *p)
{
	struct isup_compat_instr v;
	if (isup_msg_compat_decode(&v, p->val, p->len) < 0)
		return false;
	isup_sbuf_printf(sb, "end_node=%u release=%u notify=%u discard_msg=%u pass_on_np=%u",
			 v.end_node_only, v.release_call, v.send_notification, v.discard_msg,
			 v.pass_on_not_possible);
	return true;
}

/* Q.763 3.41 Parameter compatibility information */
static bool print_param_compat_info(struct isup_sbuf *sb, const struct isup_param *p)
{
	struct isup_param_compat v;
	if (isup_param_compat_decode(&v, p->val, p->len) < 0)
		return false;
	for (unsigned int i = 0; i < v.num; i++) {
		const struct isup_compat_instr *c = &v.entry[i].instr;
		isup_sbuf_printf(sb, "%s%s:end_node=%u,release=%u,notify=%u,discard_msg=%u,"
				 "discard_param=%u,pass_on_np=%u", i ? " " : "",
				 isup_param_short_name(v.entry[i].code), c->end_node_only, c->release_call,
				 c->send_notification, c->discard_msg, c->discard_param,
				 c->pass_on_not_possible);
	}
	return true;
}

/* one-octet parameters printed as their value (calling party's category, transmission medium
 * requirement/used, ...) */
static bool print_octet(struct isup_sbuf *sb, const struct isup_param *p)
{
	if (p->len != 1)
		return false;
	isup_sbuf_printf(sb, "%u", p->val[0]);
	return true;
}

/* Q.763 3.80 Hop counter: 5 bits */
static bool print_hop_counter(struct isup_sbuf *sb, const struct isup_param *p)
{
	if (p->len != 1)
		return false;
	isup_sbuf_printf(sb, "%u", p->val[0] & 0x1f);
	return true;
}

static const struct {
	uint8_t code;
	bool (*print)(struct isup_sbuf *sb, const struct isup_param *p);
} param_printers[] = {
	{ ISUP_PRM_NCI, print_nci },
	{ ISUP_PRM_FCI, print_fci },
	{ ISUP_PRM_BCI, print_bci },
	{ ISUP_PRM_OBCI, print_obci },
	{ ISUP_PRM_CAUSE, print_cause },
	{ ISUP_PRM_EVENT_INFO, print_event_info },
	{ ISUP_PRM_RANGE_STATUS, print_range_status },
	{ ISUP_PRM_REDIRECTION_INFO, print_redirection_info },
	{ ISUP_PRM_CALL_DIVERSION_INFO, print_call_diversion_info },
	{ ISUP_PRM_ECHO_CONTROL_INFO, print_echo_control_info },
	{ ISUP_PRM_USI, print_usi },
	{ ISUP_PRM_MSG_COMPAT_INFO, print_msg_compat_info },
	{ ISUP_PRM_PARAM_COMPAT_INFO, print_param_compat_info },
	{ ISUP_PRM_CPC, print_octet },
	{ ISUP_PRM_TMR, print_octet },
	{ ISUP_PRM_TMU, print_octet },
	{ ISUP_PRM_CGSMT, print_octet },
	{ ISUP_PRM_SUSPEND_RESUME_IND, print_octet },
	{ ISUP_PRM_CONTINUITY_IND, print_octet },
	{ ISUP_PRM_FACILITY_IND, print_octet },
	{ ISUP_PRM_AUTO_CONGESTION_LEVEL, print_octet },
	{ ISUP_PRM_REDIRECT_COUNTER, print_octet },
	{ ISUP_PRM_HOP_COUNTER, print_hop_counter },
};

/* typed view of one parameter; returns false when not modelled or invalid (caller prints hex) */
static bool print_typed(struct isup_sbuf *sb, const struct isup_param *p)
{
	bool is_number;
	enum isup_number_kind kind = number_kind(p->code, &is_number);

	if (is_number) {
		struct isup_number n;
		if (isup_number_decode(&n, kind, p->val, p->len) < 0)
			return false;
		print_number(sb, kind, &n);
		return true;
	}
	for (unsigned int i = 0; i < sizeof(param_printers) / sizeof(param_printers[0]); i++) {
		if (param_printers[i].code == p->code)
			return param_printers[i].print(sb, p);
	}
	return false;
}

int isup_msg_print(char *buf, size_t size, const struct isup_msg *msg)
{
	struct isup_sbuf sb = { .buf = buf, .size = buf ? size : 0 };

	isup_sbuf_printf(&sb, "%s cic=%u%s", isup_msg_name(msg->type), msg->cic,
			 msg->variant == ISUP_VARIANT_ANSI ? " ansi" : "");
	if (!msg->known) {
		isup_sbuf_printf(&sb, "\n  body: ");
		isup_sbuf_hex(&sb, msg->raw_body, msg->raw_body_len <= sizeof(msg->raw_body) ?
			      msg->raw_body_len : sizeof(msg->raw_body));
		isup_sbuf_printf(&sb, "\n");
		return sbuf_done(&sb);
	}
	isup_sbuf_printf(&sb, "\n");
	for (unsigned int i = 0; i < msg->num_params && i < ISUP_MAX_PARAMS; i++) {
		const struct isup_param *p = &msg->params[i];
		isup_sbuf_printf(&sb, "  %s: ", isup_param_short_name(p->code));
		if (!print_typed(&sb, p)) {
			isup_sbuf_printf(&sb, "[");
			isup_sbuf_hex(&sb, p->val, p->len);
			isup_sbuf_printf(&sb, "]");
		}
		isup_sbuf_printf(&sb, "\n");
	}
	return sbuf_done(&sb);
}

static void summary_number(struct isup_sbuf *sb, const struct isup_msg *msg, uint8_t code,
			   enum isup_number_kind kind)
{
	const struct isup_param *p = isup_msg_find_const(msg, code);
	struct isup_number n;

	if (p && isup_number_decode(&n, kind, p->val, p->len) == 0)
		isup_sbuf_printf(sb, " %s=%s", isup_param_short_name(code), n.digits);
}

int isup_msg_summary(char *buf, size_t size, const struct isup_msg *msg)
{
	struct isup_sbuf sb = { .buf = buf, .size = buf ? size : 0 };
	const struct isup_param *p;

	isup_sbuf_printf(&sb, "%s cic=%u", isup_msg_name(msg->type), msg->cic);
	if (!msg->known) {
		isup_sbuf_printf(&sb, " len=%u", msg->raw_body_len);
		return sbuf_done(&sb);
	}
	summary_number(&sb, msg, ISUP_PRM_CALLED_NUM, ISUP_NUM_CALLED);
	summary_number(&sb, msg, ISUP_PRM_SUBSEQUENT_NUM, ISUP_NUM_SUBSEQUENT);
	summary_number(&sb, msg, ISUP_PRM_CALLING_NUM, ISUP_NUM_CALLING);
	if ((p = isup_msg_find_const(msg, ISUP_PRM_EVENT_INFO)) && p->len == 1)
		isup_sbuf_printf(&sb, " event=%u", p->val[0] & 0x7f);
	if ((p = isup_msg_find_const(msg, ISUP_PRM_BCI)) && p->len == 2)
		isup_sbuf_printf(&sb, " status=%u", (p->val[0] >> 2) & 3);
	if ((p = isup_msg_find_const(msg, ISUP_PRM_CAUSE))) {
		struct isup_cause c;
		if (isup_cause_decode(&c, p->val, p->len) == 0)
			isup_sbuf_printf(&sb, " cause=%u loc=%u", c.value, c.location);	/* Q.850 2.2.2 */
	}
	if ((p = isup_msg_find_const(msg, ISUP_PRM_CGSMT)) && p->len == 1)
		isup_sbuf_printf(&sb, " cgsmt=%u", p->val[0]);
	if ((p = isup_msg_find_const(msg, ISUP_PRM_RANGE_STATUS)) && p->len >= 1)
		isup_sbuf_printf(&sb, " range=%u", p->val[0]);
	return sbuf_done(&sb);
}

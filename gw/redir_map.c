/* Redirection interworking, ISUP side and the reason tables (gw/redir_map.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include "gw/redir_map.h"
#include "isup/q850.h"

const struct value_string gw_redir_header_names[] = {
	{ GW_REDIR_HDR_DIVERSION, "diversion" },
	{ GW_REDIR_HDR_HISTORY_INFO, "history-info" },
	{ GW_REDIR_HDR_NONE, "none" },
	{ 0, NULL }
};

/* Q.763 3.45 redirecting reason <-> RFC 4458 2 cause (TS 24.604 table 4.5.2.6.2.1) <->
 * RFC 5806 4 reason */
static const struct {
	uint8_t reason;
	int cause;
	const char *diversion;
} reasons[] = {
	{ 0, 404, "unknown" },		/* unknown / not available */
	{ 1, 486, "user-busy" },	/* user busy */
	{ 2, 408, "no-answer" },	/* no reply */
	{ 3, 302, "unconditional" },	/* unconditional */
	{ 4, 487, "deflection" },	/* deflection during alerting */
	{ 5, 480, "deflection" },	/* deflection immediate response */
	{ 6, 503, "unavailable" },	/* mobile subscriber not reachable */
};

int gw_redir_reason_to_cause(uint8_t reason)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(reasons); i++)
		if (reasons[i].reason == reason)
			return reasons[i].cause;
	return 404;
}

uint8_t gw_redir_cause_to_reason(int cause)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(reasons); i++)
		if (reasons[i].cause == cause)
			return reasons[i].reason;
	return 0;
}

const char *gw_redir_reason_to_diversion(uint8_t reason)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(reasons); i++)
		if (reasons[i].reason == reason)
			return reasons[i].diversion;
	return "unknown";
}

/* the first table row wins: "deflection" -> 4 (during alerting); RFC 5806's out-of-service
 * is "not reachable" as well */
uint8_t gw_redir_diversion_to_reason(const char *token, size_t len)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(reasons); i++)
		if (strlen(reasons[i].diversion) == len && !strncasecmp(reasons[i].diversion, token, len))
			return reasons[i].reason;
	if (len == 14 && !strncasecmp(token, "out-of-service", len))
		return 6;
	return 0;
}

bool gw_redir_present(const struct gw_redir *r)
{
	return r->rdg.known || r->ocn.known || r->has_ri;
}

static void party_from_param(const struct isup_msg *m, uint8_t code, enum isup_number_kind kind,
			     const struct gw_number_plan *plan, struct gw_redir_party *pty)
{
	const struct isup_param *p = isup_msg_find_const(m, code);
	struct isup_number num;

	memset(pty, 0, sizeof(*pty));
	if (!p || isup_number_decode(&num, kind, p->val, p->len) < 0)
		return;
	pty->known = true;
	/* Q.763 3.44 / 3.39: APRI restricted, or address not available (no digits) */
	pty->restricted = num.apri != ISUP_APRI_ALLOWED;
	if (num.digits[0] && num.apri != ISUP_APRI_NOT_AVAILABLE)
		gw_number_to_user(&num, plan, pty->user, sizeof(pty->user));
}

void gw_redir_from_iam(const struct isup_msg *iam, const struct gw_number_plan *plan, struct gw_redir *r)
{
	const struct isup_param *p;

	memset(r, 0, sizeof(*r));
	party_from_param(iam, ISUP_PRM_REDIRECTING_NUM, ISUP_NUM_REDIRECTING, plan, &r->rdg);
	party_from_param(iam, ISUP_PRM_ORIG_CALLED_NUM, ISUP_NUM_ORIG_CALLED, plan, &r->ocn);
	p = isup_msg_find_const(iam, ISUP_PRM_REDIRECTION_INFO);
	if (p && isup_redirection_info_decode(&r->ri, p->val, p->len) == 0)
		r->has_ri = true;
	else if (r->rdg.known)	/* Q.763 3.44 without 3.45: one diversion, reason unknown */
		r->ri = (struct isup_redirection_info){ .indicator = GW_REDIR_IND_DIVERTED, .counter = 1 };
}

static void party_to_param(const struct gw_redir_party *pty, uint8_t code, enum isup_number_kind kind,
			   const struct gw_number_plan *plan, struct isup_msg *iam)
{
	struct isup_number num = { 0 };
	uint8_t raw[32];
	int len = -1;

	isup_msg_remove(iam, code);
	if (!pty->known)
		return;
	if (pty->user[0] && gw_user_to_number(pty->user, plan, &num) == 0) {
		num.apri = pty->restricted ? ISUP_APRI_RESTRICTED : ISUP_APRI_ALLOWED;
		len = isup_number_encode(&num, kind, raw, sizeof(raw));
	}
	if (len > 0)
		isup_msg_set(iam, code, raw, len);
}

void gw_redir_to_iam(const struct gw_redir *r, const struct gw_number_plan *plan, struct isup_msg *iam)
{
	uint8_t raw[4];
	int len;

	party_to_param(&r->rdg, ISUP_PRM_REDIRECTING_NUM, ISUP_NUM_REDIRECTING, plan, iam);
	party_to_param(&r->ocn, ISUP_PRM_ORIG_CALLED_NUM, ISUP_NUM_ORIG_CALLED, plan, iam);
	isup_msg_remove(iam, ISUP_PRM_REDIRECTION_INFO);
	if (!r->has_ri)
		return;
	len = isup_redirection_info_encode(&r->ri, raw, sizeof(raw));
	if (len > 0)
		isup_msg_set(iam, ISUP_PRM_REDIRECTION_INFO, raw, len);
}

void gw_redir_add_hop(struct gw_redir *r, const char *diverting, bool restricted, uint8_t reason)
{
	/* Q.732.2 3.5.2.1: the first diversion keeps the first called party and the original reason */
	if (!r->has_ri || !r->ri.counter) {
		r->ri.orig_reason = reason;
		r->ocn = (struct gw_redir_party){ .restricted = restricted, .known = true };
		snprintf(r->ocn.user, sizeof(r->ocn.user), "%s", diverting);
	}
	r->rdg = (struct gw_redir_party){ .restricted = restricted, .known = true };
	snprintf(r->rdg.user, sizeof(r->rdg.user), "%s", diverting);
	if (r->ri.counter < GW_REDIR_COUNTER_MAX)
		r->ri.counter++;
	r->ri.reason = reason;
	r->ri.indicator = r->rdg.restricted && r->ocn.restricted ? GW_REDIR_IND_DIVERTED_RESTR
								: GW_REDIR_IND_DIVERTED;
	r->has_ri = true;
}

uint8_t gw_redir_3xx_reason(const char *contact)
{
	const char *c = contact ? strcasestr(contact, ";cause=") : NULL;
	if (!c)
		return 3;	/* unconditional */
	return gw_redir_cause_to_reason(atoi(c + 7));
}

int gw_redir_build_rel(struct isup_msg *rel, enum isup_variant variant, const struct gw_redir *r,
		       const char *new_user, const struct gw_number_plan *plan, uint8_t location)
{
	struct isup_cause c = { .location = location, .value = Q850_REDIRECTION_NEW_DEST };
	struct isup_number num = { 0 };
	uint8_t raw[32];
	int len, rc = -1;

	isup_msg_init(rel, variant, ISUP_REL, 0);
	len = isup_cause_encode(&c, raw, sizeof(raw));
	if (len > 0)
		isup_msg_set(rel, ISUP_PRM_CAUSE, raw, len);
	/* Q.763 3.46: the new destination, routing to internal network number allowed */
	if (new_user && gw_user_to_number(new_user, plan, &num) == 0 &&
	    (len = isup_number_encode(&num, ISUP_NUM_REDIRECTION, raw, sizeof(raw))) > 0) {
		isup_msg_set(rel, ISUP_PRM_REDIRECTION_NUM, raw, len);
		rc = 0;
	}
	if (r->has_ri && (len = isup_redirection_info_encode(&r->ri, raw, sizeof(raw))) > 0)
		isup_msg_set(rel, ISUP_PRM_REDIRECTION_INFO, raw, len);
	return rc;
}

int gw_redir_rel_contact(const struct isup_msg *rel, const struct gw_number_plan *plan, const char *host,
			 char *out, size_t size)
{
	const struct isup_param *p = isup_msg_find_const(rel, ISUP_PRM_REDIRECTION_NUM);
	struct isup_redirection_info ri = { .reason = 3 };
	struct isup_number num;
	char user[48];
	int n;

	if (!p || isup_number_decode(&num, ISUP_NUM_REDIRECTION, p->val, p->len) < 0 || !num.digits[0])
		return -1;
	gw_number_to_user(&num, plan, user, sizeof(user));
	if (!user[0] || strspn(user + (user[0] == '+'), "0123456789") != strlen(user + (user[0] == '+')))
		return -1;	/* Q.763 3.46 digits 11-15 (codes, not numbers) have no URI form */
	p = isup_msg_find_const(rel, ISUP_PRM_REDIRECTION_INFO);
	if (p)
		isup_redirection_info_decode(&ri, p->val, p->len);
	n = snprintf(out, size, "<sip:%s@%s;user=phone;cause=%d>", user, host, gw_redir_reason_to_cause(ri.reason));
	return n > 0 && (size_t)n < size ? n : -1;
}

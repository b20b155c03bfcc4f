/* IAM <-> INVITE parameter mapping (RFC 3398 7.2.1.1 / 8.1.1; identity per RFC 3325/3323 and
 * the Q.1912.5 rules as summarised in ../shared/reference/interworking.md 1.3). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gw/iam_map.h"
#include "gw/hop_counter.h"
#include "gw/tel_uri.h"

int gw_clean_number(const char *in, char *out, size_t out_size)
{
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		if (strchr("-.() ", *p))
			continue;	/* RFC 3966 visual separators */
		if (*p == '+' && n == 0) {
			/* leading + only */
		} else if (!isdigit((unsigned char)*p)) {
			return -1;
		}
		if (n + 1 >= out_size)
			return -1;
		out[n++] = *p;
	}
	out[n] = 0;
	return n;
}

/* Number -> global form: NoA international -> +digits, national -> +CC digits. */
static void number_format(uint8_t nai, const char *digits, const struct gw_number_plan *plan, char *out, size_t size)
{
	int n;
	switch (nai) {
	case ISUP_NAI_INTERNATIONAL:
		n = snprintf(out, size, "+%s", digits);
		break;
	case ISUP_NAI_NATIONAL:
		n = plan->country_code[0] ? snprintf(out, size, "+%s%s", plan->country_code, digits)
					  : snprintf(out, size, "%s", digits);
		break;
	default:
		n = snprintf(out, size, "%s", digits);
		break;
	}
	if (n < 0 || (size_t)n >= size)
		out[0] = 0;	/* does not fit: treat as no number */
}

void gw_number_to_user_as(const struct isup_number *num, enum gw_nr_role role, const struct gw_number_plan *plan,
			  char *out, size_t size)
{
	const struct gw_number_rule *r = gw_number_rule_find(&plan->rules, GW_NR_TO_SIP, role, num->nai, num->digits);
	char digits[ISUP_MAX_DIGITS + 1];
	uint8_t nai = num->nai;

	snprintf(digits, sizeof(digits), "%s", num->digits);
	if (r && gw_number_rule_apply(r, &nai, digits, sizeof(digits)) < 0) {
		out[0] = 0;
		return;
	}
	number_format(nai, digits, plan, out, size);
}

void gw_number_to_user(const struct isup_number *num, const struct gw_number_plan *plan, char *out, size_t size)
{
	gw_number_to_user_as(num, GW_NR_ANY, plan, out, size);
}

/* Global/national user part -> number: "+CC..." with the home CC -> national, other '+' ->
 * international, else national (RFC 3398 7.2.1.1 / OpenSIPS-style defaults); a matching number
 * rule instead gives NAI and digits. */
int gw_user_to_number_as(const char *user, enum gw_nr_role role, const struct gw_number_plan *plan,
			 struct isup_number *num)
{
	const struct gw_number_rule *r;
	char clean[48];
	const char *d;
	uint8_t nai;
	int n = gw_clean_number(user, clean, sizeof(clean));
	if (n <= 0)
		return -1;
	d = clean[0] == '+' ? clean + 1 : clean;
	nai = clean[0] == '+' ? ISUP_NAI_INTERNATIONAL : ISUP_NAI_UNKNOWN;
	r = gw_number_rule_find(&plan->rules, GW_NR_TO_ISUP, role, nai, d);
	if (r) {
		memmove(clean, d, strlen(d) + 1);
		if (gw_number_rule_apply(r, &nai, clean, sizeof(clean)) < 0)
			return -1;
		d = clean;
	} else if (clean[0] == '+') {
		size_t cc = strlen(plan->country_code);
		if (cc && !strncmp(d, plan->country_code, cc) && strlen(d) > cc) {
			nai = ISUP_NAI_NATIONAL;
			d += cc;
		}
	} else {
		nai = ISUP_NAI_NATIONAL;
	}
	if (!*d || strlen(d) > 15)	/* E.164: at most 15 digits */
		return -1;
	num->nai = nai;
	snprintf(num->digits, sizeof(num->digits), "%s", d);
	num->npi = 1;	/* ISDN/telephony E.164 */
	return 0;
}

int gw_user_to_number(const char *user, const struct gw_number_plan *plan, struct isup_number *num)
{
	return gw_user_to_number_as(user, GW_NR_ANY, plan, num);
}

int gw_iam_to_sip(const struct isup_msg *iam, const struct gw_number_plan *plan, struct gw_sip_identity *id)
{
	const struct isup_param *p;
	struct isup_number num;

	memset(id, 0, sizeof(*id));
	id->max_forwards = -1;
	id->cpc = -1;
	p = isup_msg_find_const(iam, ISUP_PRM_CALLED_NUM);
	if (!p || isup_number_decode(&num, ISUP_NUM_CALLED, p->val, p->len) < 0 || !num.digits[0])
		return -1;
	gw_number_to_user_as(&num, GW_NR_CALLED, plan, id->ruri_user, sizeof(id->ruri_user));

	/* RFC 3398 8.1.1 / RFC 3325: CgPN -> PAI; APRI restricted -> Privacy: id + anonymous From;
	 * address not available -> no PAI, anonymous From */
	p = isup_msg_find_const(iam, ISUP_PRM_CALLING_NUM);
	if (p && isup_number_decode(&num, ISUP_NUM_CALLING, p->val, p->len) == 0 && num.digits[0] &&
	    num.apri != ISUP_APRI_NOT_AVAILABLE) {
		gw_number_to_user_as(&num, GW_NR_CALLING, plan, id->pai_user, sizeof(id->pai_user));
		id->privacy_id = num.apri == ISUP_APRI_RESTRICTED;
		snprintf(id->from_user, sizeof(id->from_user), "%s", id->privacy_id ? "anonymous" : id->pai_user);
	} else {
		snprintf(id->from_user, sizeof(id->from_user), "anonymous");
	}
	/* Generic number (additional calling party number, user provided) -> From */
	p = isup_msg_find_const(iam, ISUP_PRM_GENERIC_NUM);
	if (p && isup_number_decode(&num, ISUP_NUM_GENERIC, p->val, p->len) == 0 && num.digits[0] &&
	    num.qualifier == 6 /* additional calling party number */ && !id->privacy_id &&
	    num.apri == ISUP_APRI_ALLOWED)
		gw_number_to_user_as(&num, GW_NR_CALLING, plan, id->from_user, sizeof(id->from_user));

	p = isup_msg_find_const(iam, ISUP_PRM_HOP_COUNTER);
	if (p && p->len >= 1)
		id->max_forwards = gw_hop_to_max_forwards(p->val[0] & 0x1f);
	p = isup_msg_find_const(iam, ISUP_PRM_TMR);
	id->clearmode = p && p->len >= 1 && p->val[0] == ISUP_TMR_64K_UNRESTRICTED;
	p = isup_msg_find_const(iam, ISUP_PRM_CPC);
	if (p && p->len >= 1)
		id->cpc = p->val[0];
	p = isup_msg_find_const(iam, ISUP_PRM_REDIRECTING_NUM);
	if (p && isup_number_decode(&num, ISUP_NUM_REDIRECTING, p->val, p->len) == 0 && num.digits[0])
		gw_number_to_user_as(&num, GW_NR_REDIRECTING, plan, id->diversion_user, sizeof(id->diversion_user));
	return 0;
}

bool gw_iam_number_complete(const struct isup_msg *iam)
{
	const struct isup_param *p = isup_msg_find_const(iam, ISUP_PRM_CALLED_NUM);
	struct isup_number num;
	return p && isup_number_decode(&num, ISUP_NUM_CALLED, p->val, p->len) == 0 && num.st;
}

int gw_iam_add_sam(struct isup_msg *iam, const struct isup_msg *sam)
{
	struct isup_param *p = isup_msg_find(iam, ISUP_PRM_CALLED_NUM);
	const struct isup_param *s = isup_msg_find_const(sam, ISUP_PRM_SUBSEQUENT_NUM);
	struct isup_number cdpn, subn;
	uint8_t raw[64];
	int len;

	if (!p || !s || isup_number_decode(&cdpn, ISUP_NUM_CALLED, p->val, p->len) < 0 ||
	    isup_number_decode(&subn, ISUP_NUM_SUBSEQUENT, s->val, s->len) < 0)
		return -1;
	if (strlen(cdpn.digits) + strlen(subn.digits) > ISUP_MAX_DIGITS)
		return -1;
	strcat(cdpn.digits, subn.digits);
	cdpn.st = subn.st;
	len = isup_number_encode(&cdpn, ISUP_NUM_CALLED, raw, sizeof(raw));
	if (len < 0 || isup_msg_set(iam, ISUP_PRM_CALLED_NUM, raw, len) < 0)
		return -1;
	return cdpn.st ? 1 : 0;
}

int gw_sip_to_iam(const struct gw_sip_identity *id, const struct gw_number_plan *plan,
		  enum isup_variant variant, uint16_t cic, struct isup_msg *iam)
{
	struct isup_number num;
	struct isup_nci nci = { 0 };
	struct isup_fci fci = { 0 };
	uint8_t raw[64], b;
	int len;

	isup_msg_init(iam, variant, ISUP_IAM, cic);
	/* NCI: no satellite, continuity check not required, no echo device */
	len = isup_nci_encode(&nci, raw, sizeof(raw));
	isup_msg_set(iam, ISUP_PRM_NCI, raw, len);
	/* FCI: national, interworking encountered, ISUP not used all the way, ISUP not required,
	 * originating access non-ISDN (RFC 3398 7.2.1.1) */
	fci.interworking = true;
	fci.isup_all_the_way = false;
	fci.isup_pref = 1;
	fci.orig_access_isdn = false;
	len = isup_fci_encode(&fci, raw, sizeof(raw));
	isup_msg_set(iam, ISUP_PRM_FCI, raw, len);
	b = id->cpc >= 0 ? id->cpc : ISUP_CPC_ORDINARY;
	isup_msg_set(iam, ISUP_PRM_CPC, &b, 1);
	b = id->clearmode ? ISUP_TMR_64K_UNRESTRICTED : ISUP_TMR_3K1_AUDIO;
	isup_msg_set(iam, ISUP_PRM_TMR, &b, 1);

	/* Called party number: INN = routing to internal network number not allowed, ST added */
	memset(&num, 0, sizeof(num));
	if (gw_user_to_number_as(id->ruri_user, GW_NR_CALLED, plan, &num) < 0)
		return -1;
	num.inn_ni = 1;
	num.st = true;
	len = isup_number_encode(&num, ISUP_NUM_CALLED, raw, sizeof(raw));
	if (len < 0 || isup_msg_set(iam, ISUP_PRM_CALLED_NUM, raw, len) < 0)
		return -1;

	/* PAI -> calling party number, network provided; Privacy -> APRI; no PAI -> no CgPN */
	if (id->pai_user[0]) {
		memset(&num, 0, sizeof(num));
		if (gw_user_to_number_as(id->pai_user, GW_NR_CALLING, plan, &num) == 0) {
			num.apri = id->privacy_id ? ISUP_APRI_RESTRICTED : ISUP_APRI_ALLOWED;
			num.screening = ISUP_SCREEN_NETWORK;
			len = isup_number_encode(&num, ISUP_NUM_CALLING, raw, sizeof(raw));
			if (len > 0)
				isup_msg_set(iam, ISUP_PRM_CALLING_NUM, raw, len);
			/* From differing from PAI: additional calling party number (generic number,
			 * user provided, not verified) */
			if (id->from_user[0] && strcmp(id->from_user, "anonymous") &&
			    strcmp(id->from_user, id->pai_user)) {
				struct isup_number gn = { 0 };
				if (gw_user_to_number_as(id->from_user, GW_NR_CALLING, plan, &gn) == 0) {
					gn.qualifier = 6;
					gn.apri = num.apri;
					gn.screening = ISUP_SCREEN_USER_NOT_VERIFIED;
					len = isup_number_encode(&gn, ISUP_NUM_GENERIC, raw, sizeof(raw));
					if (len > 0)
						isup_msg_set(iam, ISUP_PRM_GENERIC_NUM, raw, len);
				}
			}
		}
	}
	if (id->diversion_user[0]) {
		memset(&num, 0, sizeof(num));
		if (gw_user_to_number_as(id->diversion_user, GW_NR_REDIRECTING, plan, &num) == 0) {
			len = isup_number_encode(&num, ISUP_NUM_REDIRECTING, raw, sizeof(raw));
			if (len > 0)
				isup_msg_set(iam, ISUP_PRM_REDIRECTING_NUM, raw, len);
		}
	}
	/* Max-Forwards -> hop counter (5 bits), decremented; 0 never goes out (the caller rejects) */
	if (gw_max_forwards_to_hop(id->max_forwards) > 0) {
		b = gw_max_forwards_to_hop(id->max_forwards);
		isup_msg_set(iam, ISUP_PRM_HOP_COUNTER, &b, 1);
	}
	return 0;
}

void gw_iam_merge_sipt(struct isup_msg *enc, const struct isup_msg *iam, int max_forwards)
{
	const struct isup_param *cd = isup_msg_find_const(iam, ISUP_PRM_CALLED_NUM);
	const struct isup_param *ecd = isup_msg_find_const(enc, ISUP_PRM_CALLED_NUM);
	const struct isup_param *ehc = isup_msg_find_const(enc, ISUP_PRM_HOP_COUNTER);
	struct isup_number a, b;

	/* the Request-URI wins only where it says something else (retargeting) */
	if (cd && (!ecd || isup_number_decode(&a, ISUP_NUM_CALLED, cd->val, cd->len) < 0 ||
		   isup_number_decode(&b, ISUP_NUM_CALLED, ecd->val, ecd->len) < 0 ||
		   strcmp(a.digits, b.digits) || a.nai != b.nai)) {
		struct isup_param cdp = *cd;
		isup_msg_set(enc, ISUP_PRM_CALLED_NUM, cdp.val, cdp.len);
	}
	/* hop counter (Q.763 3.80): the smaller of the encapsulated one less the gateway's own hop
	 * (the body crossed as it was received) and the one from Max-Forwards (already less one) */
	if (ehc && ehc->len) {
		uint8_t hc = ehc->val[0] & 0x1f;
		hc = hc ? hc - 1 : 0;
		if (max_forwards >= 0 && max_forwards < hc)
			hc = max_forwards;
		isup_msg_set(enc, ISUP_PRM_HOP_COUNTER, &hc, 1);
	}
	enc->cic = 0;
}

/* user part of a SIP/tel URI in a header value: "<sip:+4930@host;user=phone>" -> "+4930";
 * telephone numbers per RFC 3966 (tel_uri.c: separators removed, phone-context applied) */
void gw_uri_user(const char *hdr, char *out, size_t size)
{
	struct gw_uri_number n;
	gw_uri_number_parse(hdr, &n);
	snprintf(out, size, "%s", n.user);
}

/* ---- backward and release messages ---------------------------------------------------------- */

static void set_bci(struct isup_msg *m, uint8_t called_status)
{
	struct isup_bci bci = { .called_status = called_status, .called_category = 1, .interworking = true };
	uint8_t raw[4];
	int len = isup_bci_encode(&bci, raw, sizeof(raw));
	isup_msg_set(m, ISUP_PRM_BCI, raw, len);
}

static void set_obci_inband(struct isup_msg *m)
{
	struct isup_obci o = { .inband_info = true };
	uint8_t raw[2];
	int len = isup_obci_encode(&o, raw, sizeof(raw));
	isup_msg_set(m, ISUP_PRM_OBCI, raw, len);
}

void gw_isup_build_acm(struct isup_msg *m, enum isup_variant variant, uint8_t called_status, bool inband)
{
	isup_msg_init(m, variant, ISUP_ACM, 0);
	set_bci(m, called_status);
	if (inband)
		set_obci_inband(m);
}

void gw_isup_build_con(struct isup_msg *m, enum isup_variant variant)
{
	isup_msg_init(m, variant, ISUP_CON, 0);
	set_bci(m, ISUP_BCI_STATUS_SUBSCRIBER_FREE);
}

void gw_isup_build_rel(struct isup_msg *m, enum isup_variant variant, uint8_t cause, uint8_t location)
{
	struct isup_cause c = { .location = location, .value = cause };
	uint8_t raw[8];
	int len = isup_cause_encode(&c, raw, sizeof(raw));
	isup_msg_init(m, variant, ISUP_REL, 0);
	if (len > 0)
		isup_msg_set(m, ISUP_PRM_CAUSE, raw, len);
}

void gw_isup_build_cpg(struct isup_msg *m, enum isup_variant variant, uint8_t event, bool inband)
{
	struct isup_event_info ei = { .event = event };
	uint8_t raw[2];
	isup_msg_init(m, variant, ISUP_CPG, 0);
	isup_event_info_encode(&ei, raw, sizeof(raw));
	isup_msg_set(m, ISUP_PRM_EVENT_INFO, raw, 1);
	if (inband)
		set_obci_inband(m);
}

uint8_t gw_sip_code_to_cpg_event(int code, bool inband)
{
	if (code == 180)
		return ISUP_EVENT_ALERTING;
	if (code == 181)
		return ISUP_EVENT_FWD_UNCONDITIONAL;
	return inband ? ISUP_EVENT_INBAND_INFO : ISUP_EVENT_PROGRESS;
}

/* RFC 3398 7.2.5 / 7.2.6: subscriber free -> 180; no indication ("early ACM") -> 183; a cause
 * in the ACM means an in-band announcement follows (7.1.6) */
static int acm_to_sip_code(const struct isup_msg *msg, bool *inband)
{
	const struct isup_param *p = isup_msg_find_const(msg, ISUP_PRM_BCI);
	struct isup_bci bci = { 0 };
	if (p)
		isup_bci_decode(&bci, p->val, p->len);
	if (isup_msg_find_const(msg, ISUP_PRM_CAUSE)) {
		*inband = true;
		return 183;
	}
	return bci.called_status == ISUP_BCI_STATUS_SUBSCRIBER_FREE ? 180 : 183;
}

/* RFC 3398 7.2.9 */
static int cpg_to_sip_code(const struct isup_msg *msg, bool *inband)
{
	const struct isup_param *p = isup_msg_find_const(msg, ISUP_PRM_EVENT_INFO);
	struct isup_event_info ei = { 0 };
	if (p)
		isup_event_info_decode(&ei, p->val, p->len);
	switch (ei.event) {
	case ISUP_EVENT_ALERTING:
		return 180;
	case ISUP_EVENT_INBAND_INFO:
		*inband = true;
		return 183;
	case ISUP_EVENT_FWD_BUSY:
	case ISUP_EVENT_FWD_NO_REPLY:
	case ISUP_EVENT_FWD_UNCONDITIONAL:
		return 181;
	default:
		return 183;
	}
}

int gw_backward_to_sip_code(const struct isup_msg *msg, bool *inband)
{
	const struct isup_param *p = isup_msg_find_const(msg, ISUP_PRM_OBCI);
	*inband = false;
	if (p) {
		struct isup_obci ob;
		*inband = isup_obci_decode(&ob, p->val, p->len) == 0 && ob.inband_info;
	}
	switch (msg->type) {
	case ISUP_ACM:
		return acm_to_sip_code(msg, inband);
	case ISUP_CPG:
		return cpg_to_sip_code(msg, inband);
	default:
		return -1;
	}
}

bool gw_msg_cause(const struct isup_msg *msg, uint8_t *cause, uint8_t *location)
{
	const struct isup_param *p = isup_msg_find_const(msg, ISUP_PRM_CAUSE);
	struct isup_cause c;
	if (!p || isup_cause_decode(&c, p->val, p->len) != 0)
		return false;
	if (cause)
		*cause = c.value;
	if (location)
		*location = c.location;
	return true;
}

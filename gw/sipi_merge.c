/* SIP-I IAM merge: which of the encapsulated IAM and the INVITE's headers gives each field of
 * the IAM sent (TS 29.163 7.3.3.1 / Q.1912.5 profile C; the table and the reasons are in README,
 * "SIP-I IAM merge"). The headers' IAM comes already mapped (numbers, redirection); this step
 * only chooses between the two and never weakens privacy. */
#include <string.h>

#include "gw/sipi_merge.h"
#include "gw/hop_counter.h"

/* The same number in both parameters: equal in the global form the number mapping gives
 * (gw_number_to_user: +CC... for national and international alike) */
static bool number_same(const struct isup_param *a, const struct isup_param *b, enum isup_number_kind kind,
			const struct gw_number_plan *plan)
{
	struct isup_number na, nb;
	char ua[48], ub[48];
	if (!a || !b || isup_number_decode(&na, kind, a->val, a->len) < 0 ||
	    isup_number_decode(&nb, kind, b->val, b->len) < 0)
		return false;
	gw_number_to_user(&na, plan, ua, sizeof(ua));
	gw_number_to_user(&nb, plan, ub, sizeof(ub));
	return ua[0] && !strcmp(ua, ub);
}

/* enc's parameter 'code' becomes hdr's (removed when hdr has none) */
static void take_hdr(struct isup_msg *enc, const struct isup_msg *hdr, uint8_t code)
{
	const struct isup_param *p = isup_msg_find_const(hdr, code);
	if (p) {
		struct isup_param copy = *p;
		isup_msg_set(enc, code, copy.val, copy.len);
	} else {
		isup_msg_remove(enc, code);
	}
}

static bool number_restricted(const struct isup_msg *m, uint8_t code, enum isup_number_kind kind)
{
	const struct isup_param *p = isup_msg_find_const(m, code);
	struct isup_number n;
	return p && isup_number_decode(&n, kind, p->val, p->len) == 0 && n.apri == ISUP_APRI_RESTRICTED;
}

/* RFC 3323 / Q.1912.5: Privacy: id in the headers makes the number presentation restricted,
 * whatever the body said; a body's restricted or not-available stays as it is */
static void restrict_number(struct isup_msg *enc, uint8_t code, enum isup_number_kind kind)
{
	struct isup_param *p = isup_msg_find(enc, code);
	struct isup_number n;
	uint8_t raw[32];
	int len;

	if (!p || isup_number_decode(&n, kind, p->val, p->len) < 0 || n.apri != ISUP_APRI_ALLOWED)
		return;
	n.apri = ISUP_APRI_RESTRICTED;
	len = isup_number_encode(&n, kind, raw, sizeof(raw));
	if (len > 0)
		isup_msg_set(enc, code, raw, len);
}

/* TS 29.163 7.3.3.1.2.6: the asserted identity (PAI) wins over the body's calling number when
 * they differ (the trust domain changed it after the body was built); the body's stays when it
 * is the same number (its screening and NI) or when there is no PAI. Generic number (additional
 * calling party number): the body's, else the headers' (From) */
static void merge_identity(struct isup_msg *enc, const struct isup_msg *hdr, bool privacy,
			   const struct gw_number_plan *plan)
{
	const struct isup_param *h = isup_msg_find_const(hdr, ISUP_PRM_CALLING_NUM);
	bool cg_restricted = privacy || number_restricted(enc, ISUP_PRM_CALLING_NUM, ISUP_NUM_CALLING);
	/* the caller's choice covers the additional calling party number too */
	bool gn_restricted = cg_restricted || number_restricted(enc, ISUP_PRM_GENERIC_NUM, ISUP_NUM_GENERIC);

	if (h && !number_same(isup_msg_find_const(enc, ISUP_PRM_CALLING_NUM), h, ISUP_NUM_CALLING, plan))
		take_hdr(enc, hdr, ISUP_PRM_CALLING_NUM);
	if (!isup_msg_find_const(enc, ISUP_PRM_GENERIC_NUM) && isup_msg_find_const(hdr, ISUP_PRM_GENERIC_NUM))
		take_hdr(enc, hdr, ISUP_PRM_GENERIC_NUM);
	/* never weakened: restricted when the headers or the body said so */
	if (cg_restricted)
		restrict_number(enc, ISUP_PRM_CALLING_NUM, ISUP_NUM_CALLING);
	if (gn_restricted)
		restrict_number(enc, ISUP_PRM_GENERIC_NUM, ISUP_NUM_GENERIC);
}

/* Q.1912.5 / RFC 7044 / RFC 5806: a diversion that happened in SIP after the body was built
 * (History-Info / Diversion naming another redirecting number) wins: redirecting number,
 * original called number and redirection information from the headers as a set */
static void merge_redirection(struct isup_msg *enc, const struct isup_msg *hdr, const struct gw_number_plan *plan)
{
	const struct isup_param *h = isup_msg_find_const(hdr, ISUP_PRM_REDIRECTING_NUM);

	if (!h || number_same(isup_msg_find_const(enc, ISUP_PRM_REDIRECTING_NUM), h, ISUP_NUM_REDIRECTING, plan))
		return;
	take_hdr(enc, hdr, ISUP_PRM_REDIRECTING_NUM);
	if (isup_msg_find_const(hdr, ISUP_PRM_ORIG_CALLED_NUM))
		take_hdr(enc, hdr, ISUP_PRM_ORIG_CALLED_NUM);
	if (isup_msg_find_const(hdr, ISUP_PRM_REDIRECTION_INFO))
		take_hdr(enc, hdr, ISUP_PRM_REDIRECTION_INFO);
}

/* TS 29.163 7.3.3.1.2.5: the SDP offer decides the bearer: TMR 64 kbit/s unrestricted exactly
 * when it offers clearmode alone (RFC 4040); a USI of the other bearer goes with the body's TMR */
static void merge_bearer(struct isup_msg *enc, const struct isup_msg *hdr, bool clearmode)
{
	const struct isup_param *t = isup_msg_find_const(enc, ISUP_PRM_TMR);
	bool enc_64k = t && t->len >= 1 && t->val[0] == ISUP_TMR_64K_UNRESTRICTED;

	if (t && enc_64k == clearmode)
		return;
	take_hdr(enc, hdr, ISUP_PRM_TMR);
	isup_msg_remove(enc, ISUP_PRM_USI);
}

/* TS 29.163 7.2.3.1.1: no continuity check across the IP side (the gateway has no check-tone
 * transceiver toward the PSTN, and no COT follows): continuity check not required */
static void merge_nci(struct isup_msg *enc)
{
	struct isup_param *p = isup_msg_find(enc, ISUP_PRM_NCI);
	struct isup_nci nci;
	uint8_t raw[4];
	int len;

	if (!p || isup_nci_decode(&nci, p->val, p->len) < 0 || nci.continuity == 0)
		return;
	nci.continuity = 0;
	len = isup_nci_encode(&nci, raw, sizeof(raw));
	if (len > 0)
		isup_msg_set(enc, ISUP_PRM_NCI, raw, len);
}

void gw_sipi_merge_iam(struct isup_msg *enc, const struct isup_msg *hdr, const struct gw_sip_identity *id,
		       const struct gw_number_plan *plan, bool trusted)
{
	if (!trusted) {
		/* RFC 3325 / RFC 3372: nothing from a body outside the trust domain */
		*enc = *hdr;
		enc->cic = 0;
		return;
	}
	/* called number (Request-URI retargeting) and hop counter (the smaller of the two; none is
	 * added where the body has none: RFC 3398 5.1 transparency, the national option was off) */
	gw_iam_merge_sipt(enc, hdr, gw_max_forwards_to_hop(id->max_forwards));
	merge_identity(enc, hdr, id->privacy_id, plan);
	merge_redirection(enc, hdr, plan);
	merge_bearer(enc, hdr, id->clearmode);
	merge_nci(enc);
}

/* IAM <-> INVITE parameter mapping (RFC 3398 7.2.1.1 / 8.1.1, Q.1912.5 identity rules):
 * called/calling numbers, privacy, calling party's category, bearer, hop counter, diversion.
 * Pure functions on strings and struct isup_msg; the SIP URI/header handling is the caller's. */
#pragma once
#include <stdbool.h>
#include "isup/isup.h"
#include "gw/number_rules.h"

struct gw_number_plan {
	char country_code[8];	/* home country code without '+', e.g. "49" */
	struct gw_number_ctx rules;	/* the call's trunk / circuit group number rules (none: .rules NULL);
					 * the country code is the default when no rule matches */
};

/* SIP-side identity of a call, as user parts (digits, optionally with a leading '+') */
struct gw_sip_identity {
	char ruri_user[48];	/* Request-URI / To user: the called number */
	char from_user[48];	/* From user ("anonymous" when withheld) */
	char pai_user[48];	/* P-Asserted-Identity user, "" = no PAI */
	bool privacy_id;	/* Privacy: id (or user/header): presentation restricted */
	int max_forwards;	/* -1 = absent */
	bool clearmode;		/* 64 kbit/s unrestricted (SDP clearmode, RFC 4040) */
	char diversion_user[48];/* redirecting number (Diversion/History-Info), "" = none */
	int cpc;		/* calling party's category, -1 = not signalled */
};

/* Number <-> SIP user part (digits with an optional leading '+'):
 * gw_number_to_user: NAI international -> +digits, national -> +CC digits, else the digits ("" when
 * it does not fit); gw_user_to_number: "+CC..." with the home CC -> national, other '+' ->
 * international, else national; NPI E.164. Returns 0 or -1 (no digits, > 15 digits, not a number). */
void gw_number_to_user(const struct isup_number *num, const struct gw_number_plan *plan, char *out, size_t size);
int gw_user_to_number(const char *user, const struct gw_number_plan *plan, struct isup_number *num);
/* The same for one role of number: the first matching number rule (number_rules.h) rewrites the
 * number first (to-sip: NAI + digits as received; to-isup: "+digits" is NAI international, other
 * digits NAI unknown), and its result is what goes out (to SIP: international -> "+digits",
 * national -> "+CC digits", else the digits, not global). The plain functions are role "any". */
void gw_number_to_user_as(const struct isup_number *num, enum gw_nr_role role, const struct gw_number_plan *plan,
			  char *out, size_t size);
int gw_user_to_number_as(const char *user, enum gw_nr_role role, const struct gw_number_plan *plan,
			 struct isup_number *num);

/* ISUP -> SIP (ingress, RFC 3398 8.1.1): fill id from the IAM. Returns 0 or -1 (no called number). */
int gw_iam_to_sip(const struct isup_msg *iam, const struct gw_number_plan *plan, struct gw_sip_identity *id);

/* Append SAM digits (subsequent number) to the called number of an IAM (overlap -> en-bloc).
 * Returns 1 when the number is now complete (ST received), 0 when not, -1 on error. */
int gw_iam_add_sam(struct isup_msg *iam, const struct isup_msg *sam);
/* Whether the IAM's called number ends with ST */
bool gw_iam_number_complete(const struct isup_msg *iam);

/* SIP -> ISUP (egress, RFC 3398 7.2.1.1): build an IAM for cic. Returns 0 or -1 when the
 * called number is unusable (no digits, too long, not a number: the caller answers 484/404). */
int gw_sip_to_iam(const struct gw_sip_identity *id, const struct gw_number_plan *plan,
		  enum isup_variant variant, uint16_t cic, struct isup_msg *iam);

/* SIP-T bridging (RFC 3398 5.1): the IAM sent is the encapsulated one (enc, unknown parameters
 * included) with the SIP routing data winning: the called number of iam (from the Request-URI)
 * where it says something else (retargeting), the hop counter the smaller of the encapsulated one
 * less the gateway's own hop and max_forwards (the hop counter from Max-Forwards, already less
 * one: gw_max_forwards_to_hop; -1: absent). The result is in enc (CIC 0). */
void gw_iam_merge_sipt(struct isup_msg *enc, const struct isup_msg *iam, int max_forwards);

/* user part of a SIP/tel URI in a header value: "<sip:+4930@host;user=phone>" -> "+4930"; empty
 * when the value is missing or not a sip:, sips: or tel: URI */
void gw_uri_user(const char *hdr, char *out, size_t size);

/* Number helpers: strip visual separators "-.() " (RFC 3966) and check the rest is digits
 * with an optional leading '+'. Returns the cleaned length or -1. */
int gw_clean_number(const char *in, char *out, size_t out_size);

/* ---- backward and release messages built or read by the gateway ---------------------------- */

/* ACM (Q.764 2.1.4.1) as the interworking point sends it: BCI with 'called_status' and ISDN
 * interworking encountered (Q.763 3.5), OBCI in-band information when 'inband' */
void gw_isup_build_acm(struct isup_msg *m, enum isup_variant variant, uint8_t called_status, bool inband);
/* CON (fast answer, Q.764 2.1.7): BCI subscriber free */
void gw_isup_build_con(struct isup_msg *m, enum isup_variant variant);
/* REL (Q.764 2.3.1) with a cause indicators parameter of cause value and location */
void gw_isup_build_rel(struct isup_msg *m, enum isup_variant variant, uint8_t cause, uint8_t location);
/* CPG (Q.764 2.1.5) with an event (enum isup_event), OBCI in-band when 'inband' */
void gw_isup_build_cpg(struct isup_msg *m, enum isup_variant variant, uint8_t event, bool inband);
/* 18x -> CPG event (RFC 3398 8 / Q.1912.5 table 8): 180 alerting, 181 forwarded, in-band, progress */
uint8_t gw_sip_code_to_cpg_event(int code, bool inband);
/* Backward ACM / CPG -> 18x code (RFC 3398 7.2.5, 7.2.6, 7.2.9); *inband: in-band information
 * follows (OBCI, a cause in the ACM, CPG in-band). -1 for other message types. */
int gw_backward_to_sip_code(const struct isup_msg *msg, bool *inband);
/* The cause parameter of a message (REL): true and *cause / *location when decodable */
bool gw_msg_cause(const struct isup_msg *msg, uint8_t *cause, uint8_t *location);

/* Redirection (call diversion) interworking, pure functions on strings and struct isup_msg:
 * Redirecting Number (Q.763 3.44), Original Called Number (3.39) and Redirection Information
 * (3.45) <-> History-Info (RFC 7044, targeted-to URIs with cause= per RFC 4458) or Diversion
 * (RFC 5806); a 3xx <-> REL cause 23 with the Redirection Number (3.46). Numbers go through
 * gw_number_to_user / gw_user_to_number (gw/iam_map.h). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <osmocom/core/utils.h>

#include "isup/isup.h"
#include "gw/iam_map.h"

/* Which SIP header carries the redirection toward a trunk ('trunk NAME redirection ...') */
enum gw_redir_header {
	GW_REDIR_HDR_DIVERSION,		/* RFC 5806 (default: what the gateway always sent) */
	GW_REDIR_HDR_HISTORY_INFO,	/* RFC 7044 + RFC 4458 */
	GW_REDIR_HDR_NONE,
};
extern const struct value_string gw_redir_header_names[];

/* Q.763 3.45 redirecting indicator values used here */
#define GW_REDIR_IND_DIVERTED		3	/* call diverted */
#define GW_REDIR_IND_DIVERTED_RESTR	4	/* call diverted, all redirection information restricted */
/* Q.763 3.45 redirection counter: 1..5 */
#define GW_REDIR_COUNTER_MAX		5
/* 'trunk NAME redirect-response recurse N': at most this many new INVITEs per call */
#define GW_REDIR_RECURSE_MAX		5

struct gw_redir_party {
	char user[48];		/* SIP user part (gw_number_to_user), "" = none */
	bool restricted;	/* APRI presentation restricted / SIP privacy */
	bool known;		/* the party exists (anonymised entries: no user, still a hop) */
};

/* The redirection data of a call in ISUP terms */
struct gw_redir {
	struct gw_redir_party rdg;	/* 3.44: the last diverting party */
	struct gw_redir_party ocn;	/* 3.39: the party first called */
	struct isup_redirection_info ri;
	bool has_ri;
};

/* Any redirection data at all */
bool gw_redir_present(const struct gw_redir *r);

/* RFC 4458 cause / RFC 5806 reason <-> Q.763 3.45 redirecting reason (0 unknown .. 6) */
int gw_redir_reason_to_cause(uint8_t reason);
uint8_t gw_redir_cause_to_reason(int cause);
const char *gw_redir_reason_to_diversion(uint8_t reason);
uint8_t gw_redir_diversion_to_reason(const char *token, size_t len);

/* ---- ISUP side ---- */
/* IAM (or REL) -> r: the numbers and the redirection information, if any */
void gw_redir_from_iam(const struct isup_msg *iam, const struct gw_number_plan *plan, struct gw_redir *r);
/* r -> IAM: Redirecting Number, Original Called Number, Redirection Information (each replaced,
 * or removed when r has none) */
void gw_redir_to_iam(const struct gw_redir *r, const struct gw_number_plan *plan, struct isup_msg *iam);

/* ---- SIP side ---- */
/* The History-Info value of an INVITE to 'target' (the Request-URI user) at 'host': the first
 * called party, the diverting party, the target, with index, mp= and cause=. Restricted parties:
 * '?Privacy=history' in their URI toward a trusted trunk, anonymised otherwise (RFC 7044 10.1).
 * Returns the length, 0 when r holds no redirection, -1 when it does not fit. */
int gw_redir_history_info(const struct gw_redir *r, const char *target, const char *host, bool trusted,
			  char *out, size_t size);
/* The Diversion value (RFC 5806): the diverting party first, then the first called party, as
 * sip:NUMBER@host;user=phone; reason=, counter=, privacy=full|off; restricted parties anonymised
 * toward untrusted trunks. Returns like gw_redir_history_info. */
int gw_redir_diversion(const struct gw_redir *r, const char *host, bool trusted, char *out, size_t size);
/* An INVITE's History-Info ('privacy_history': the request's Privacy has 'history') -> r.
 * Returns 0, or -1 when there is no diversion (no entry with cause=). */
int gw_redir_from_history_info(const char *hi, bool privacy_history, struct gw_redir *r);
/* An INVITE's Diversion -> r; 0, or -1 without a usable entry */
int gw_redir_from_diversion(const char *div, struct gw_redir *r);

/* ---- 3xx responses ---- */
/* r after one more diversion by 'diverting' (the target just tried) with 'reason' */
void gw_redir_add_hop(struct gw_redir *r, const char *diverting, bool restricted, uint8_t reason);
/* The redirecting reason a 3xx gives: its Contact's cause= (RFC 4458), else unconditional */
uint8_t gw_redir_3xx_reason(const char *contact);
/* REL cause 23 (Q.850 "redirection to new destination") with the Redirection Number (3.46,
 * 'new_user') and the Redirection Information of r (Q.1912.5 receipt of 3xx). Returns 0, -1
 * when new_user is not a number (the REL then carries the cause and r's information only). */
int gw_redir_build_rel(struct isup_msg *rel, enum isup_variant variant, const struct gw_redir *r,
		       const char *new_user, const struct gw_number_plan *plan, uint8_t location);
/* The reverse (Q.1912.5 / RFC 3398 7.2.4.1 note): the Contact of a 302 for a REL cause 23 with a
 * Redirection Number: "<sip:NUMBER@host;user=phone;cause=N>" (cause= from its Redirection
 * Information, RFC 4458). Returns the length, -1 without a usable Redirection Number. */
int gw_redir_rel_contact(const struct isup_msg *rel, const struct gw_number_plan *plan, const char *host,
			 char *out, size_t size);

/* Per call: the redirection data and the 3xx recursion (targets tried, for loop detection) */
struct gw_redir_call {
	struct gw_redir r;
	unsigned int recursions;
	char tried[GW_REDIR_RECURSE_MAX + 1][48];
};

/* Number normalisation rules per SIP trunk and per circuit group: ordered prefix rules that
 * rewrite a number (nature of address + digits) on its way to SIP (toward E.164, "+CC...") or
 * to ISUP (from E.164 to what the exchange expects). Pure functions; the list is the IWF's. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <osmocom/core/linuxlist.h>
#include "isup/isup.h"

enum gw_nr_dir {
	GW_NR_TO_SIP,		/* ISUP -> SIP: the IAM's numbers before they become URIs */
	GW_NR_TO_ISUP,		/* SIP -> ISUP: the URIs' numbers before they go into the IAM */
};

/* which number of the call a rule rewrites */
enum gw_nr_role {
	GW_NR_ANY,		/* a rule for every number (a caller that gives no role matches these only) */
	GW_NR_CALLED,		/* called party number / Request-URI */
	GW_NR_CALLING,		/* calling party number (and generic number) / PAI, From */
	GW_NR_REDIRECTING,	/* redirecting number / Diversion, History-Info */
};

#define GW_NR_NAI_KEEP	-1	/* match: any NAI; action: leave the NAI */
#define GW_NR_MAX_ID	99

struct gw_number_rule {
	struct llist_head list;		/* in gw_iwf.number_rules, sorted by id */
	bool group;			/* owner is a circuit group (else a SIP trunk) */
	char owner[64];			/* trunk / circuit-group name */
	unsigned int id;		/* 1-99: the order in which the owner's rules are tried */
	enum gw_nr_dir dir;
	enum gw_nr_role role;
	int match_nai;			/* Q.763 3.9 NAI (1 subscriber .. 4 international), or KEEP = any */
	char prefix[16];		/* leading digits to match ("" = any) */
	unsigned int strip;		/* leading digits removed */
	char prepend[16];		/* digits put in front afterwards */
	int set_nai;			/* NAI of the result, or KEEP */
	char where[300];		/* config file:line ("" = telnet) */
};

/* Whose rules apply to one call, and the default when none matches */
struct gw_number_ctx {
	const struct llist_head *rules;	/* struct gw_number_rule; NULL = none */
	const char *group;		/* the call's circuit group ("" / NULL: none) */
	const char *trunk;		/* the call's SIP trunk */
};

/* Parse "(to-sip|to-isup) (called|calling|redirecting|any) [nai X] [prefix D] [strip N]
 * [prepend D] [set-nai X]" (argv from the direction on); NAI names: subscriber unknown national
 * international. At least one action. Returns 0, or -1 with a message in err. */
int gw_number_rule_parse(struct gw_number_rule *r, int argc, const char **argv, char *err, size_t err_size);
/* The rule as the words after "number-rule N" (what parse reads back) */
void gw_number_rule_format(const struct gw_number_rule *r, char *buf, size_t size);
/* The first matching rule for this number: the source side's rules first (to-sip: the circuit
 * group's, then the trunk's; to-isup: the trunk's, then the group's), each owner's by id.
 * A rule of role ANY matches every role. NULL when none matches. */
const struct gw_number_rule *gw_number_rule_find(const struct gw_number_ctx *ctx, enum gw_nr_dir dir,
						 enum gw_nr_role role, uint8_t nai, const char *digits);
/* Strip, prepend, set NAI. Returns 0, or -1 when the result has no digits or does not fit. */
int gw_number_rule_apply(const struct gw_number_rule *r, uint8_t *nai, char *digits, size_t size);
/* Insert r into the list in id order (the caller removes a rule of the same owner and id first) */
void gw_number_rule_insert(struct llist_head *rules, struct gw_number_rule *r);
/* The rule of owner with this id, NULL if none */
struct gw_number_rule *gw_number_rule_get(struct llist_head *rules, bool group, const char *owner,
					  unsigned int id);
const char *gw_nr_nai_name(int nai);

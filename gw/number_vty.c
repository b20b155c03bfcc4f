/* VTY of the number rules and the trunk number format (gateway node):
 *   trunk NAME number-rule <1-99> (to-sip|to-isup) (called|calling|redirecting|any) WORDS...
 *   circuit-group NAME number-rule <1-99> ...    no trunk|circuit-group NAME number-rule <1-99>
 *   trunk NAME number-format (global|any) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "common/app.h"
#include "gw/vty_nodes.h"
#include "gw/iwf.h"
#include "gw/number_rules.h"
#include "gw/number_vty.h"
#include "isup/isup_call.h"
#include "sip/sip.h"

static struct gw_iwf *g_iwf;

#define RULE_HELP "Number rule (ordered; the first that matches rewrites the number)\n" "Rule number: the order\n" \
	"ISUP -> SIP: the IAM's numbers\n" "SIP -> ISUP: the INVITE's numbers\n" "Called number / Request-URI\n" \
	"Calling number / PAI, From\n" "Redirecting number / Diversion\n" "Every number\n" \
	"[nai subscriber|unknown|national|international] [prefix DIGITS] [strip N] [prepend DIGITS] [set-nai NAI]\n"

static int rule_set(struct vty *vty, bool group, int argc, const char **argv)
{
	struct gw_number_rule *r, *old;
	char err[128];

	r = talloc_zero(g_iwf, struct gw_number_rule);
	r->group = group;
	snprintf(r->owner, sizeof(r->owner), "%s", argv[0]);
	r->id = atoi(argv[1]);
	if (gw_number_rule_parse(r, argc - 2, argv + 2, err, sizeof(err)) < 0) {
		vty_out(vty, "%% number-rule %u: %s%s", r->id, err, VTY_NEWLINE);
		talloc_free(r);
		return CMD_WARNING;
	}
	snprintf(r->where, sizeof(r->where), "%s", sgw_app_config_where() ?: "");
	old = gw_number_rule_get(&g_iwf->number_rules, group, r->owner, r->id);
	if (old) {
		llist_del(&old->list);
		talloc_free(old);
	}
	gw_number_rule_insert(&g_iwf->number_rules, r);
	return CMD_SUCCESS;
}

static int rule_del(struct vty *vty, bool group, const char *owner, const char *id)
{
	struct gw_number_rule *r = gw_number_rule_get(&g_iwf->number_rules, group, owner, atoi(id));
	if (!r) {
		vty_out(vty, "%% no such number-rule%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	llist_del(&r->list);
	talloc_free(r);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_trunk_nrule, cfg_gw_trunk_nrule_cmd,
      "trunk NAME number-rule <1-99> (to-sip|to-isup) (called|calling|redirecting|any) .WORDS",
      "Per SIP trunk interworking settings\n" "Trunk name\n" RULE_HELP)
{
	return rule_set(vty, false, argc, argv);
}

DEFUN(cfg_gw_group_nrule, cfg_gw_group_nrule_cmd,
      "circuit-group NAME number-rule <1-99> (to-sip|to-isup) (called|calling|redirecting|any) .WORDS",
      "Per circuit group interworking settings\n" "Circuit group name\n" RULE_HELP)
{
	return rule_set(vty, true, argc, argv);
}

DEFUN(cfg_gw_no_trunk_nrule, cfg_gw_no_trunk_nrule_cmd, "no trunk NAME number-rule <1-99>",
      NO_STR "Per SIP trunk interworking settings\n" "Trunk name\n" "Remove a number rule\n" "Rule number\n")
{
	return rule_del(vty, false, argv[0], argv[1]);
}

DEFUN(cfg_gw_no_group_nrule, cfg_gw_no_group_nrule_cmd, "no circuit-group NAME number-rule <1-99>",
      NO_STR "Per circuit group interworking settings\n" "Circuit group name\n" "Remove a number rule\n"
      "Rule number\n")
{
	return rule_del(vty, true, argv[0], argv[1]);
}

DEFUN(cfg_gw_trunk_nformat, cfg_gw_trunk_nformat_cmd, "trunk NAME number-format (global|any)",
      "Per SIP trunk interworking settings\n" "Trunk name\n"
      "Numbers the trunk takes (ISUP -> SIP)\n"
      "Global numbers only (+CC...): a called number that is not global is released with cause 28\n"
      "Any number (default)\n")
{
	gw_iwf_trunk(g_iwf, argv[0], true)->number_global = !strcmp(argv[1], "global");
	return CMD_SUCCESS;
}

void gw_number_vty_write(struct vty *vty)
{
	const struct gw_number_rule *r;
	const struct gw_trunk_iwf *t;
	char buf[160];

	llist_for_each_entry(t, &g_iwf->trunks, list)
		if (t->number_global)
			vty_out(vty, " trunk %s number-format global%s", t->name, VTY_NEWLINE);
	llist_for_each_entry(r, &g_iwf->number_rules, list) {
		gw_number_rule_format(r, buf, sizeof(buf));
		vty_out(vty, " %s %s number-rule %u %s%s", r->group ? "circuit-group" : "trunk", r->owner, r->id, buf,
			VTY_NEWLINE);
	}
}

int gw_number_rules_check(struct gw_iwf *iwf)
{
	const struct gw_number_rule *r;
	int problems = 0;
	llist_for_each_entry(r, &iwf->number_rules, list) {
		bool found = r->group ? isup_group_exists(iwf->isup, r->owner) : sip_trunk_find(iwf->sip, r->owner) != NULL;
		if (found || !r->where[0])
			continue;
		fprintf(stderr, "sipt-gw: %s: %s %s number-rule %u: no %s '%s' is configured\n", r->where,
			r->group ? "circuit-group" : "trunk", r->owner, r->id, r->group ? "circuit-group" : "SIP trunk",
			r->owner);
		problems++;
	}
	return problems;
}

void gw_number_vty_init(struct gw_iwf *iwf)
{
	g_iwf = iwf;
	install_element(GW_NODE, &cfg_gw_trunk_nrule_cmd);
	install_element(GW_NODE, &cfg_gw_group_nrule_cmd);
	install_element(GW_NODE, &cfg_gw_no_trunk_nrule_cmd);
	install_element(GW_NODE, &cfg_gw_no_group_nrule_cmd);
	install_element(GW_NODE, &cfg_gw_trunk_nformat_cmd);
}

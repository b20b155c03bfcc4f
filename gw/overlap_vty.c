/* VTY of the overlap settings (gw/overlap.c): the number-length rules of the gateway node and
 * the per-trunk choice between en-bloc conversion and RFC 3578 multiple INVITEs. */
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "gw/vty_nodes.h"
#include "gw/iwf.h"
#include "gw/overlap.h"

static struct gw_iwf *g_iwf;

static struct gw_overlap_length *length_find(const char *prefix)
{
	struct gw_overlap_length *l;
	llist_for_each_entry(l, &g_iwf->overlap_lengths, list)
		if (!strcmp(l->prefix, prefix))
			return l;
	return NULL;
}

DEFUN(cfg_gw_overlap_len, cfg_gw_overlap_len_cmd, "overlap number-length PREFIX <1-30> <1-30>",
      "Overlap address signalling (ISUP -> SIP)\n"
      "Called numbers starting with PREFIX: usable from MIN digits on, complete with MAX\n"
      "Digits\n" "MIN: fewer digits wait for more (T35, then REL 28)\n"
      "MAX: this many digits go out at once, as with ST\n")
{
	struct gw_overlap_length *l;
	unsigned int min = atoi(argv[1]), max = atoi(argv[2]);

	if (strlen(argv[0]) >= sizeof(l->prefix) || strspn(argv[0], "0123456789") != strlen(argv[0])) {
		vty_out(vty, "%% prefix must be up to %zu digits%s", sizeof(l->prefix) - 1, VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (min > max) {
		vty_out(vty, "%% minimum %u above maximum %u%s", min, max, VTY_NEWLINE);
		return CMD_WARNING;
	}
	l = length_find(argv[0]);
	if (!l) {
		l = talloc_zero(g_iwf, struct gw_overlap_length);
		snprintf(l->prefix, sizeof(l->prefix), "%s", argv[0]);
		llist_add_tail(&l->list, &g_iwf->overlap_lengths);
	}
	l->min = min;
	l->max = max;
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_no_overlap_len, cfg_gw_no_overlap_len_cmd, "no overlap number-length PREFIX",
      NO_STR "Overlap address signalling (ISUP -> SIP)\n" "Forget a number-length rule\n" "Digits\n")
{
	struct gw_overlap_length *l = length_find(argv[0]);
	if (!l) {
		vty_out(vty, "%% no such number-length rule%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	llist_del(&l->list);
	talloc_free(l);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_trunk_overlap, cfg_gw_trunk_overlap_cmd, "trunk NAME overlap (en-bloc|rfc3578)",
      "Per SIP trunk interworking settings\n" "Trunk name\n"
      "ISUP overlap toward this trunk\n"
      "Collect the digits, one INVITE (RFC 3578 2, the default)\n"
      "An INVITE for every usable number, each SAM a new one with more digits (RFC 3578 3)\n")
{
	gw_iwf_trunk(g_iwf, argv[0], true)->overlap_rfc3578 = !strcmp(argv[1], "rfc3578");
	return CMD_SUCCESS;
}

void gw_overlap_vty_write(struct vty *vty)
{
	struct gw_overlap_length *l;
	llist_for_each_entry(l, &g_iwf->overlap_lengths, list)
		vty_out(vty, " overlap number-length %s %u %u%s", l->prefix, l->min, l->max, VTY_NEWLINE);
}

void gw_overlap_vty_init(struct gw_iwf *iwf)
{
	g_iwf = iwf;
	install_element(GW_NODE, &cfg_gw_overlap_len_cmd);
	install_element(GW_NODE, &cfg_gw_no_overlap_len_cmd);
	install_element(GW_NODE, &cfg_gw_trunk_overlap_cmd);
}

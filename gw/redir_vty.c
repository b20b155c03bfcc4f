/* VTY of the redirection interworking (gateway node): 'trunk NAME redirection ...' and
 * 'trunk NAME redirect-response ...' (gw/call_redir.c, gw/redir_map.h). */
#include <stdlib.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "gw/iwf.h"
#include "gw/redir_vty.h"

static struct gw_iwf *r_iwf;

DEFUN(cfg_gw_trunk_redir, cfg_gw_trunk_redir_cmd, "trunk NAME redirection (diversion|history-info|none)",
      "Per SIP trunk interworking settings\n" "Trunk name\n"
      "How the ISUP redirection (Q.763 3.39/3.44/3.45) goes into and is read from the INVITE\n"
      "Diversion (RFC 5806)\n" "History-Info (RFC 7044) with cause= (RFC 4458)\n" "Neither: not mapped\n")
{
	gw_iwf_trunk(r_iwf, argv[0], true)->redir_hdr = get_string_value(gw_redir_header_names, argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_trunk_3xx_rel, cfg_gw_trunk_3xx_rel_cmd, "trunk NAME redirect-response release",
      "Per SIP trunk interworking settings\n" "Trunk name\n"
      "A 3xx to the gateway's INVITE (ISUP -> SIP calls)\n"
      "REL cause 23 with the Redirection Number toward the PSTN (Q.1912.5; default)\n")
{
	gw_iwf_trunk(r_iwf, argv[0], true)->redirect_recurse = 0;
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_trunk_3xx_rec, cfg_gw_trunk_3xx_rec_cmd, "trunk NAME redirect-response recurse <1-5>",
      "Per SIP trunk interworking settings\n" "Trunk name\n"
      "A 3xx to the gateway's INVITE (ISUP -> SIP calls)\n"
      "New INVITE to the Contact (RFC 3261 8.1.3.4), a Contact already tried ends it (loop)\n"
      "At most this many new INVITEs per call\n")
{
	gw_iwf_trunk(r_iwf, argv[0], true)->redirect_recurse = atoi(argv[1]);
	return CMD_SUCCESS;
}

void gw_redir_vty_write(struct vty *vty, const struct gw_trunk_iwf *t)
{
	if (t->redir_hdr != GW_REDIR_HDR_DIVERSION)
		vty_out(vty, " trunk %s redirection %s%s", t->name,
			get_value_string(gw_redir_header_names, t->redir_hdr), VTY_NEWLINE);
	if (t->redirect_recurse)
		vty_out(vty, " trunk %s redirect-response recurse %u%s", t->name, t->redirect_recurse, VTY_NEWLINE);
}

void gw_redir_vty_init(struct gw_iwf *iwf, int node)
{
	r_iwf = iwf;
	install_element(node, &cfg_gw_trunk_redir_cmd);
	install_element(node, &cfg_gw_trunk_3xx_rel_cmd);
	install_element(node, &cfg_gw_trunk_3xx_rec_cmd);
}

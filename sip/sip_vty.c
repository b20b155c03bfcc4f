/* VTY: "sip" node (global settings) and "trunk NAME" nodes, with config write. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <arpa/inet.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/vty/vty.h>
#include <osmocom/vty/command.h>

#include "sip/sip_internal.h"
#include "sip/sip_vty.h"

static struct sip_ua *g_ua;

/* node ids given by the application (sip_vty_init) */
static int SIP_NODE, SIP_TRUNK_NODE;
static struct cmd_node sip_node = { 0, "%s(config-sip)# ", 1 };
static struct cmd_node trunk_node = { 0, "%s(config-sip-trunk)# ", 1 };

static const struct value_string rel100_names[] = {
	{ SIP_100REL_DISABLED, "disabled" }, { SIP_100REL_SUPPORTED, "supported" },
	{ SIP_100REL_REQUIRED, "required" }, { 0, NULL }
};
static const struct value_string sipt_names[] = {
	{ SIP_SIPT_OFF, "off" }, { SIP_SIPT_SIPT, "sip-t" }, { SIP_SIPT_SIPI, "sip-i" }, { 0, NULL }
};

#define TRUNK ((struct sip_trunk *)vty->index)

DEFUN(cfg_sip, cfg_sip_cmd, "sip", "Configure the SIP side\n")
{
	vty->node = SIP_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_ua, cfg_sip_ua_cmd, "user-agent NAME", "User-Agent/Server header value\n" "Name\n")
{
	sip_ua_set_user_agent(g_ua, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_maxsize, cfg_sip_maxsize_cmd, "max-message-size <1024-65535>",
      "Largest SIP message accepted or sent\n" "Octets\n")
{
	sip_ua_set_max_msg_size(g_ua, atoi(argv[0]));
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_rcvbuf, cfg_sip_rcvbuf_cmd, "udp-receive-buffer <65536-33554432>",
      "Kernel receive buffer asked for each UDP trunk socket (SO_RCVBUF; applies to sockets opened after)\n"
      "Octets (default 4194304)\n")
{
	sip_ua_set_udp_rcvbuf(g_ua, atoi(argv[0]));
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_rx_overload, cfg_sip_rx_overload_cmd, "receive-overload onset <1-100> abatement <0-99>",
      "New INVITEs refused with 503 while a UDP receive buffer is this full\n"
      "From this fill on\n" "Percent of the receive buffer (default 50)\n"
      "Until the fill is down to\n" "Percent, below the onset (default 10)\n")
{
	if (sip_ua_set_rx_overload(g_ua, atoi(argv[0]), atoi(argv[1])) < 0) {
		vty_out(vty, "%% receive-overload: abatement %s%% must be below the onset %s%%%s", argv[1], argv[0],
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_no_rx_overload, cfg_sip_no_rx_overload_cmd, "no receive-overload",
      NO_STR "No INVITE refused for a full UDP receive buffer\n")
{
	sip_ua_set_rx_overload(g_ua, 0, 0);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_clearmode, cfg_sip_clearmode_cmd, "codec clearmode (accept|reject)",
      "Local codec capabilities\n" "RFC 4040 clearmode (64 kbit/s unrestricted)\n" "Accept\n" "Reject\n")
{
	struct sip_sdp *c = &g_ua->local_caps;
	unsigned int i, j;
	for (i = j = 0; i < c->num_codecs; i++)
		if (c->codecs[i].codec != SIP_CODEC_CLEARMODE)
			c->codecs[j++] = c->codecs[i];
	c->num_codecs = j;
	if (!strcmp(argv[0], "accept") && c->num_codecs < SIP_SDP_MAX_CODECS)
		c->codecs[c->num_codecs++] = (struct sip_sdp_codec){ .codec = SIP_CODEC_CLEARMODE, .pt = 97,
								     .rate = 8000 };
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk, cfg_trunk_cmd, "trunk NAME", "Configure a SIP trunk\n" "Trunk name\n")
{
	struct sip_trunk *t = sip_trunk_find(g_ua, argv[0]);
	if (!t)
		t = sip_trunk_alloc(g_ua, argv[0]);
	vty->index = t;
	vty->node = SIP_TRUNK_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_no_trunk, cfg_no_trunk_cmd, "no trunk NAME", NO_STR "Remove a SIP trunk\n" "Trunk name\n")
{
	struct sip_trunk *t = sip_trunk_find(g_ua, argv[0]);
	if (!t) {
		vty_out(vty, "%% no trunk %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	sip_trunk_free(t);
	return CMD_SUCCESS;
}

DEFUN(cfg_t_transport, cfg_t_transport_cmd, "transport (udp|tcp)", "SIP transport\n" "UDP\n" "TCP\n")
{
	TRUNK->cfg.transport = !strcmp(argv[0], "tcp") ? SIP_TRANSPORT_TCP : SIP_TRANSPORT_UDP;
	return CMD_SUCCESS;
}

#define ADDR "(A.B.C.D|X:X::X:X)"
#define ADDR_DOC "IPv4 address\n" "IPv6 address\n"

DEFUN(cfg_t_listen, cfg_t_listen_cmd, "listen " ADDR " <0-65535>", "Local address\n" ADDR_DOC "Port\n")
{
	osmo_strlcpy(TRUNK->cfg.listen_addr, argv[0], sizeof(TRUNK->cfg.listen_addr));
	TRUNK->cfg.listen_port = atoi(argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_t_peer, cfg_t_peer_cmd, "peer " ADDR " <1-65535>", "Add a peer\n" ADDR_DOC "Port\n")
{
	struct sip_trunk_cfg *c = &TRUNK->cfg;
	for (unsigned int i = 0; i < c->num_peers; i++)
		if (!strcmp(c->peers[i].addr, argv[0]) && c->peers[i].port == atoi(argv[1]))
			return CMD_SUCCESS;
	if (c->num_peers >= SIP_MAX_PEERS) {
		vty_out(vty, "%% too many peers%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_strlcpy(c->peers[c->num_peers].addr, argv[0], sizeof(c->peers[0].addr));
	c->peers[c->num_peers].port = atoi(argv[1]);
	c->num_peers++;
	return CMD_SUCCESS;
}

DEFUN(cfg_t_no_peer, cfg_t_no_peer_cmd, "no peer " ADDR " <1-65535>", NO_STR "Remove a peer\n" ADDR_DOC "Port\n")
{
	struct sip_trunk_cfg *c = &TRUNK->cfg;
	for (unsigned int i = 0; i < c->num_peers; i++) {
		if (!strcmp(c->peers[i].addr, argv[0]) && c->peers[i].port == atoi(argv[1])) {
			memmove(&c->peers[i], &c->peers[i + 1], (c->num_peers - i - 1) * sizeof(c->peers[0]));
			c->num_peers--;
			return CMD_SUCCESS;
		}
	}
	vty_out(vty, "%% no peer %s %s%s", argv[0], argv[1], VTY_NEWLINE);
	return CMD_WARNING;
}

DEFUN(cfg_t_trusted, cfg_t_trusted_cmd, "trusted", "Peer is in the trust domain (PAI, ISUP bodies)\n")
{
	TRUNK->cfg.trusted = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_t_no_trusted, cfg_t_no_trusted_cmd, "no trusted", NO_STR "Peer is not trusted\n")
{
	TRUNK->cfg.trusted = false;
	return CMD_SUCCESS;
}

/* "10.1.0.0/16" or "fd00::/8" (host bits cleared); without /M a host */
static int parse_prefix(const char *s, struct sip_acl_entry *e)
{
	char buf[64];
	char *slash;
	struct osmo_sockaddr a;
	const uint8_t *in;
	unsigned int max, len;

	osmo_strlcpy(buf, s, sizeof(buf));
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (sip_addr_parse(&a, buf, 0) < 0)
		return -1;
	memset(e, 0, sizeof(*e));
	e->ipv6 = a.u.sa.sa_family == AF_INET6;
	max = e->ipv6 ? 128 : 32;
	len = slash ? (unsigned int)atoi(slash + 1) : max;
	if (len > max || (slash && !isdigit((unsigned char)slash[1])))
		return -1;
	in = e->ipv6 ? a.u.sin6.sin6_addr.s6_addr : (const uint8_t *)&a.u.sin.sin_addr.s_addr;
	e->prefix_len = len;
	for (unsigned int i = 0; i < max / 8; i++) {
		unsigned int bits = len > i * 8 ? len - i * 8 : 0;
		e->net[i] = in[i] & (bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits)));
	}
	return 0;
}

static int acl_find(const struct sip_trunk_cfg *c, const struct sip_acl_entry *e)
{
	for (unsigned int i = 0; i < c->num_acl; i++)
		if (c->acl[i].ipv6 == e->ipv6 && c->acl[i].prefix_len == e->prefix_len &&
		    !memcmp(c->acl[i].net, e->net, sizeof(e->net)))
			return i;
	return -1;
}

#define ACL_PREFIX "(A.B.C.D/M|X:X::X:X/M)"
#define ACL_PREFIX_DOC "IPv4 prefix\n" "IPv6 prefix\n"

DEFUN(cfg_t_acl, cfg_t_acl_cmd, "acl permit " ACL_PREFIX, "Source address ACL\n" "Permit a prefix\n" ACL_PREFIX_DOC)
{
	struct sip_trunk_cfg *c = &TRUNK->cfg;
	struct sip_acl_entry e;
	if (parse_prefix(argv[0], &e) == 0 && acl_find(c, &e) >= 0)
		return CMD_SUCCESS;	/* already there */
	if (parse_prefix(argv[0], &e) < 0 || c->num_acl >= SIP_MAX_ACL) {
		vty_out(vty, "%% cannot add %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	c->acl[c->num_acl++] = e;
	return CMD_SUCCESS;
}

DEFUN(cfg_t_no_acl, cfg_t_no_acl_cmd, "no acl permit " ACL_PREFIX, NO_STR "ACL\n" "Permit\n" ACL_PREFIX_DOC)
{
	struct sip_trunk_cfg *c = &TRUNK->cfg;
	struct sip_acl_entry e;
	int i;
	if (parse_prefix(argv[0], &e) < 0 || (i = acl_find(c, &e)) < 0)
		return CMD_WARNING;
	memmove(&c->acl[i], &c->acl[i + 1], (c->num_acl - i - 1) * sizeof(c->acl[0]));
	c->num_acl--;
	return CMD_SUCCESS;
}

DEFUN(cfg_t_acl_action, cfg_t_acl_action_cmd, "acl-action (reject|drop)",
      "What to do with requests from sources not permitted\n" "Answer 403 Forbidden\n" "Drop silently\n")
{
	TRUNK->cfg.acl_action = !strcmp(argv[0], "drop") ? SIP_ACL_DROP : SIP_ACL_REJECT;
	return CMD_SUCCESS;
}

DEFUN(cfg_t_100rel, cfg_t_100rel_cmd, "100rel (disabled|supported|required)",
      "Reliable provisional responses (RFC 3262)\n" "Never\n" "Offer and accept\n" "Insist\n")
{
	TRUNK->cfg.rel100 = get_string_value(rel100_names, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_t_options, cfg_t_options_cmd, "options-interval <0-3600>",
      "OPTIONS keep-alive towards the first peer\n" "Seconds (0: off)\n")
{
	TRUNK->cfg.options_interval = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_t_sipt_mode, cfg_t_sipt_mode_cmd, "sip-t mode (off|sip-t|sip-i)",
      "SIP-T/SIP-I ISUP encapsulation\n" "Mode\n" "No ISUP bodies\n" "SIP-T (RFC 3372)\n" "SIP-I (Q.1912.5)\n")
{
	TRUNK->cfg.sipt_mode = get_string_value(sipt_names, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_t_sipt_version, cfg_t_sipt_version_cmd, "sip-t version WORD",
      "SIP-T/SIP-I ISUP encapsulation\n" "application/ISUP version parameter\n" "e.g. itu-t92+\n")
{
	osmo_strlcpy(TRUNK->cfg.isup_version, argv[0], sizeof(TRUNK->cfg.isup_version));
	return CMD_SUCCESS;
}

DEFUN(cfg_t_sipt_base, cfg_t_sipt_base_cmd, "sip-t base WORD",
      "SIP-T/SIP-I ISUP encapsulation\n" "application/ISUP base parameter\n" "e.g. itu-t92+\n")
{
	osmo_strlcpy(TRUNK->cfg.isup_base, argv[0], sizeof(TRUNK->cfg.isup_base));
	return CMD_SUCCESS;
}

DEFUN(cfg_t_no_sipt_base, cfg_t_no_sipt_base_cmd, "no sip-t base", NO_STR "SIP-T\n" "Omit base parameter\n")
{
	TRUNK->cfg.isup_base[0] = '\0';
	return CMD_SUCCESS;
}

DEFUN(cfg_t_sipt_handling, cfg_t_sipt_handling_cmd, "sip-t handling (optional|required)",
      "SIP-T/SIP-I ISUP encapsulation\n" "Content-Disposition handling parameter\n" "optional\n" "required\n")
{
	TRUNK->cfg.isup_required = !strcmp(argv[0], "required");
	return CMD_SUCCESS;
}

DEFUN(cfg_t_call_rate, cfg_t_call_rate_cmd, "call-rate-limit <1-100000>",
      "Most new INVITEs accepted per second (beyond: 503 with Reason Q.850 cause 42)\n" "Calls per second\n")
{
	TRUNK->cfg.call_rate = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_t_no_call_rate, cfg_t_no_call_rate_cmd, "no call-rate-limit", NO_STR "No call-rate limit\n")
{
	TRUNK->cfg.call_rate = 0;
	return CMD_SUCCESS;
}

DEFUN(cfg_t_st, cfg_t_st_cmd, "session-timer expires <1-86400> min-se <1-86400> refresher (uac|uas|any)",
      "Session timer (RFC 4028)\n" "Session-Expires asked for\n" "Seconds (RFC 4028: 1800)\n"
      "Smallest interval accepted (smaller: 422)\n" "Seconds (RFC 4028 5: at least 90; smaller for tests only)\n"
      "Who refreshes, when this side chooses\n" "The caller\n" "The callee\n" "Let the peer choose\n")
{
	struct sip_trunk_cfg *c = &TRUNK->cfg;
	unsigned int se = atoi(argv[0]), min_se = atoi(argv[1]);

	if (se < min_se) {
		vty_out(vty, "%% expires must not be below min-se%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	c->st_enabled = true;
	c->st_expires = se;
	c->st_min_se = min_se;
	c->st_refresher = !strcmp(argv[2], "uac") ? SIP_ST_REFRESHER_UAC :
			  !strcmp(argv[2], "uas") ? SIP_ST_REFRESHER_UAS : SIP_ST_REFRESHER_ANY;
	return CMD_SUCCESS;
}

DEFUN(cfg_t_no_st, cfg_t_no_st_cmd, "no session-timer",
      NO_STR "No session timer (RFC 4028): Require: timer answered 420\n")
{
	TRUNK->cfg.st_enabled = false;
	return CMD_SUCCESS;
}

static const char *rate_str(unsigned int rate)
{
	static char buf[32];
	snprintf(buf, sizeof(buf), "%u/s", rate);
	return buf;
}

DEFUN(show_sip_trunks, show_sip_trunks_cmd, "show sip trunks",
      SHOW_STR "SIP\n" "Trunks: trust, ACL, call-rate limit and their counters\n")
{
	struct sip_trunk *t;
	int fill = sip_ua_rx_fill_pct(g_ua);

	sip_ua_rx_overloaded(g_ua);	/* the state as of now (else updated by the next INVITE) */

	vty_out(vty, "UDP receive buffers: %u octets asked, fill %d%% (largest); receive overload ", g_ua->udp_rcvbuf,
		fill < 0 ? 0 : fill);
	if (g_ua->rx_onset_pct)
		vty_out(vty, "onset %u%% abatement %u%%: %s, %u onsets%s", g_ua->rx_onset_pct, g_ua->rx_abate_pct,
			g_ua->rx_overloaded ? "ACTIVE" : "not active", g_ua->rx_overload_onsets, VTY_NEWLINE);
	else
		vty_out(vty, "off%s", VTY_NEWLINE);
	llist_for_each_entry(t, &g_ua->trunks, list) {
		const struct sip_trunk_cfg *c = &t->cfg;
		vty_out(vty, "trunk %s: %s %s:%u, %s, %u ACL entr%s (%s), call-rate-limit %s%s", t->name,
			c->transport == SIP_TRANSPORT_TCP ? "tcp" : "udp", c->listen_addr, c->listen_port,
			c->trusted ? "trusted" : "untrusted", c->num_acl, c->num_acl == 1 ? "y" : "ies",
			c->acl_action == SIP_ACL_DROP ? "drop" : "reject", c->call_rate ? rate_str(c->call_rate) : "off",
			VTY_NEWLINE);
		if (t->ctrs)
			vty_out(vty, "  acl-rejected %" PRIu64 " acl-dropped %" PRIu64 " rate-rejected %" PRIu64 "%s",
				rate_ctr_group_get_ctr(t->ctrs, SIP_TRUNK_CTR_ACL_REJECTED)->current,
				rate_ctr_group_get_ctr(t->ctrs, SIP_TRUNK_CTR_ACL_DROPPED)->current,
				rate_ctr_group_get_ctr(t->ctrs, SIP_TRUNK_CTR_RATE_REJECTED)->current, VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

static int config_write_sip(struct vty *vty)
{
	struct sip_ua *ua = g_ua;
	struct sip_trunk *t;
	bool clearmode = false;

	vty_out(vty, "sip%s", VTY_NEWLINE);
	vty_out(vty, " user-agent %s%s", ua->user_agent[0] ? ua->user_agent : "sipt-gw", VTY_NEWLINE);
	vty_out(vty, " max-message-size %u%s", ua->max_msg_size, VTY_NEWLINE);
	vty_out(vty, " udp-receive-buffer %u%s", ua->udp_rcvbuf, VTY_NEWLINE);
	if (ua->rx_onset_pct)
		vty_out(vty, " receive-overload onset %u abatement %u%s", ua->rx_onset_pct, ua->rx_abate_pct,
			VTY_NEWLINE);
	else
		vty_out(vty, " no receive-overload%s", VTY_NEWLINE);
	for (unsigned int i = 0; i < ua->local_caps.num_codecs; i++)
		if (ua->local_caps.codecs[i].codec == SIP_CODEC_CLEARMODE)
			clearmode = true;
	vty_out(vty, " codec clearmode %s%s", clearmode ? "accept" : "reject", VTY_NEWLINE);
	llist_for_each_entry(t, &ua->trunks, list) {
		const struct sip_trunk_cfg *c = &t->cfg;
		vty_out(vty, " trunk %s%s", t->name, VTY_NEWLINE);
		vty_out(vty, "  transport %s%s", c->transport == SIP_TRANSPORT_TCP ? "tcp" : "udp", VTY_NEWLINE);
		vty_out(vty, "  listen %s %u%s", c->listen_addr, c->listen_port, VTY_NEWLINE);
		for (unsigned int i = 0; i < c->num_peers; i++)
			vty_out(vty, "  peer %s %u%s", c->peers[i].addr, c->peers[i].port, VTY_NEWLINE);
		vty_out(vty, "  %strusted%s", c->trusted ? "" : "no ", VTY_NEWLINE);
		for (unsigned int i = 0; i < c->num_acl; i++) {
			char ip[INET6_ADDRSTRLEN];
			inet_ntop(c->acl[i].ipv6 ? AF_INET6 : AF_INET, c->acl[i].net, ip, sizeof(ip));
			vty_out(vty, "  acl permit %s/%u%s", ip, c->acl[i].prefix_len, VTY_NEWLINE);
		}
		vty_out(vty, "  acl-action %s%s", c->acl_action == SIP_ACL_DROP ? "drop" : "reject", VTY_NEWLINE);
		vty_out(vty, "  100rel %s%s", get_value_string(rel100_names, c->rel100), VTY_NEWLINE);
		vty_out(vty, "  options-interval %u%s", c->options_interval, VTY_NEWLINE);
		vty_out(vty, "  sip-t mode %s%s", get_value_string(sipt_names, c->sipt_mode), VTY_NEWLINE);
		vty_out(vty, "  sip-t version %s%s", c->isup_version, VTY_NEWLINE);
		if (c->isup_base[0])
			vty_out(vty, "  sip-t base %s%s", c->isup_base, VTY_NEWLINE);
		vty_out(vty, "  sip-t handling %s%s", c->isup_required ? "required" : "optional", VTY_NEWLINE);
		if (c->call_rate)
			vty_out(vty, "  call-rate-limit %u%s", c->call_rate, VTY_NEWLINE);
		if (c->st_enabled)
			vty_out(vty, "  session-timer expires %u min-se %u refresher %s%s", c->st_expires,
				c->st_min_se, sip_st_refresher_name(c->st_refresher), VTY_NEWLINE);
		else
			vty_out(vty, "  no session-timer%s", VTY_NEWLINE);
		sip_codec_vty_write(vty, t);
	}
	return CMD_SUCCESS;
}

static int config_write_trunk(struct vty *vty)
{
	return CMD_SUCCESS;	/* written by config_write_sip */
}

int sip_vty_go_parent(struct vty *vty)
{
	if (vty->node == SIP_TRUNK_NODE) {
		if (g_ua && g_ua->started && vty->index)
			sip_trunk_start(vty->index);
		vty->node = SIP_NODE;
		vty->index = NULL;
		return 1;
	}
	if (vty->node == SIP_NODE) {
		vty->node = CONFIG_NODE;
		vty->index = NULL;
		return 1;
	}
	return 0;
}

int sip_vty_init(struct sip_ua *ua, int sip_node_id, int trunk_node_id)
{
	g_ua = ua;
	SIP_NODE = sip_node.node = sip_node_id;
	SIP_TRUNK_NODE = trunk_node.node = trunk_node_id;
	install_element(CONFIG_NODE, &cfg_sip_cmd);
	install_node(&sip_node, config_write_sip);
	install_element(SIP_NODE, &cfg_sip_ua_cmd);
	install_element(SIP_NODE, &cfg_sip_maxsize_cmd);
	install_element(SIP_NODE, &cfg_sip_clearmode_cmd);
	install_element(SIP_NODE, &cfg_sip_rcvbuf_cmd);
	install_element(SIP_NODE, &cfg_sip_rx_overload_cmd);
	install_element(SIP_NODE, &cfg_sip_no_rx_overload_cmd);
	install_element(SIP_NODE, &cfg_trunk_cmd);
	install_element(SIP_NODE, &cfg_no_trunk_cmd);
	install_node(&trunk_node, config_write_trunk);
	install_element(SIP_TRUNK_NODE, &cfg_t_transport_cmd);
	sip_codec_vty_init(SIP_TRUNK_NODE);
	install_element(SIP_TRUNK_NODE, &cfg_t_listen_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_peer_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_no_peer_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_trusted_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_no_trusted_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_acl_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_no_acl_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_acl_action_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_100rel_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_options_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_sipt_mode_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_sipt_version_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_sipt_base_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_no_sipt_base_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_sipt_handling_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_call_rate_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_no_call_rate_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_st_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_t_no_st_cmd);
	install_element_ve(&show_sip_trunks_cmd);
	return 0;
}

/* Redirection in the call FSMs (gw/redir_map.h for the mapping): the IAM's redirection into the
 * INVITE's History-Info / Diversion (ingress), the INVITE's into the IAM (egress), and a 3xx to
 * the gateway's INVITE: recursed (per trunk) or REL cause 23 with the Redirection Number. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>

#include "gw/debug.h"
#include "gw/call_priv.h"
#include "isup/q850.h"

/* host part of the History-Info URIs: the trunk's peer (IPv6 in brackets) */
static void peer_host(const struct sip_trunk *trunk, char *out, size_t size)
{
	const char *a = trunk->cfg.num_peers ? trunk->cfg.peers[0].addr : "invalid";
	snprintf(out, size, strchr(a, ':') ? "[%s]" : "%s", a);
}

/* A recursion's IAM (SIP-T body): the new called number and the redirection so far */
static void redir_iam(struct gw_call *call, struct isup_msg *iam)
{
	struct isup_number num = { 0 };
	uint8_t raw[32];
	int len;

	if (!call->redir.recursions)
		return;
	if (gw_user_to_number(call->sip_id.ruri_user, &call->iwf->plan, &num) == 0) {
		num.st = true;
		len = isup_number_encode(&num, ISUP_NUM_CALLED, raw, sizeof(raw));
		if (len > 0)
			isup_msg_set(iam, ISUP_PRM_CALLED_NUM, raw, len);
	}
	gw_redir_to_iam(&call->redir.r, &call->iwf->plan, iam);
}

void call_redir_invite_opts(struct gw_call *call, struct sip_trunk *trunk, struct sip_msg_opts *o,
			    struct isup_msg *iam, char *buf, size_t size)
{
	struct gw_trunk_iwf *t = call_trunk_iwf(call);
	char host[72];

	if (!call->redir.recursions)
		gw_redir_from_iam(call->iam, &call->iwf->plan, &call->redir.r);
	redir_iam(call, iam);
	peer_host(trunk, host, sizeof(host));
	o->diversion = NULL;
	o->history_info = NULL;
	switch (t->redir_hdr) {
	case GW_REDIR_HDR_HISTORY_INFO:
		if (gw_redir_history_info(&call->redir.r, call->sip_id.ruri_user, host, trunk->cfg.trusted, buf,
					  size) > 0)
			o->history_info = buf;
		break;
	case GW_REDIR_HDR_DIVERSION:
		if (gw_redir_diversion(&call->redir.r, host, trunk->cfg.trusted, buf, size) > 0)
			o->diversion = buf;
		break;
	default:
		break;
	}
}

/* Egress: History-Info (preferred, TS 29.163) or Diversion -> Redirecting Number, Original Called
 * Number, Redirection Information; 'redirection none' on the trunk: none of them */
void call_redir_to_iam(struct gw_call *call, const struct sip_event *ev, struct isup_msg *iam)
{
	const struct sip_headers *h = ev->hdrs;
	struct gw_redir *r = &call->redir.r;

	memset(r, 0, sizeof(*r));
	if (call_trunk_iwf(call)->redir_hdr != GW_REDIR_HDR_NONE &&
	    gw_redir_from_history_info(h->history_info, strcasestr(h->privacy, "history") || strcasestr(h->privacy, "session") ||
				       strcasestr(h->privacy, "header"), r) < 0)
		gw_redir_from_diversion(h->diversion, r);
	gw_redir_to_iam(r, &call->iwf->plan, iam);
}

static bool redir_tried(const struct gw_redir_call *rc, const char *user)
{
	for (unsigned int i = 0; i <= rc->recursions && i < ARRAY_SIZE(rc->tried); i++)
		if (!strcmp(rc->tried[i], user))
			return true;
	return false;
}

/* RFC 3261 8.1.3.4 / 16.5-like: a new INVITE to the Contact's user, on the same trunk (the host
 * of the Contact is not used: the trunk's peer routes it) */
static bool redir_recurse(struct gw_call *call, const char *user)
{
	struct sip_trunk *trunk = sip_trunk_find(call->iwf->sip, call->trunk);
	struct gw_sip_leg *old = call->sip;

	if (!trunk || !old)
		return false;
	call->redir.recursions++;
	snprintf(call->redir.tried[call->redir.recursions], sizeof(call->redir.tried[0]), "%s", user);
	snprintf(call->sip_id.ruri_user, sizeof(call->sip_id.ruri_user), "%s", user);
	LOGPFSML(call->fi, LOGL_INFO, "3xx: recursion %u to %s\n", call->redir.recursions, user);
	/* the old leg goes without telling the call; its dialog ends on its own */
	osmo_fsm_inst_unlink_parent(old->fi, call->iwf->ctx);
	osmo_fsm_inst_term(old->fi, OSMO_FSM_TERM_REGULAR, NULL);
	call->sip = NULL;
	if (in_send_invite(call, trunk, NULL))
		return true;
	call_note_release(call, Q850_TEMPORARY_FAILURE, "gw");
	call_release_isup(call, Q850_TEMPORARY_FAILURE, ISUP_LOC_PUB_LOCAL);
	call_releasing(call);
	return true;
}

bool call_redir_3xx(struct gw_call *call, const struct sip_event *ev, uint8_t location)
{
	struct gw_redir_call *rc = &call->redir;
	char user[48], clean[48];
	bool number;
	struct isup_msg rel;

	if (ev->code < 300 || ev->code > 399 || !call->isup)
		return false;
	gw_uri_user(ev->hdrs->contact, user, sizeof(user));
	number = gw_clean_number(user, clean, sizeof(clean)) > 0;
	if (!rc->recursions)
		snprintf(rc->tried[0], sizeof(rc->tried[0]), "%s", call->sip_id.ruri_user);
	/* the target just tried diverted the call (Q.732.2 3.5.2.1) */
	gw_redir_add_hop(&rc->r, call->sip_id.ruri_user, false, gw_redir_3xx_reason(ev->hdrs->contact));
	if (number && rc->recursions < call_trunk_iwf(call)->redirect_recurse && !redir_tried(rc, clean))
		return redir_recurse(call, clean);
	if (number && redir_tried(rc, clean))
		LOGPFSML(call->fi, LOGL_NOTICE, "3xx: %s already tried (loop), not recursed\n", clean);
	/* Q.1912.5: REL cause 23 with the new destination, never a bare 31 */
	gw_redir_build_rel(&rel, CALL_VARIANT(call), &rc->r, number ? clean : NULL, &call->iwf->plan, location);
	call_note_release(call, Q850_REDIRECTION_NEW_DEST, "sip");
	gw_isup_leg_release_msg(call->isup, &rel);
	call_releasing(call);
	return true;
}

/* egress: REL cause 23 with a Redirection Number -> 302 with it as the Contact, at the gateway's
 * own address on the caller's trunk (the new INVITE comes back here, with the new number) */
bool call_redir_rel_3xx(struct gw_call *call, uint8_t cause, uint8_t location)
{
	struct sip_trunk *trunk = sip_trunk_find(call->iwf->sip, call->trunk);
	struct sip_msg_opts o = { 0 };
	struct gw_isup_blob b;
	char host[80], contact[160];

	if (cause != Q850_REDIRECTION_NEW_DEST || !call->isup_rel || !trunk)
		return false;
	snprintf(host, sizeof(host), strchr(trunk->cfg.listen_addr, ':') ? "[%s]:%u" : "%s:%u",
		 trunk->cfg.listen_addr, trunk->cfg.listen_port);
	if (gw_redir_rel_contact(call->isup_rel, &call->iwf->plan, host, contact, sizeof(contact)) < 0)
		return false;
	call_note_release(call, cause, "isup");
	call_release_opts(call, &o, &b, cause, location);
	o.contact = contact;
	call->sip_status = 302;
	gw_sip_leg_reject(call->sip, 302, &o);
	call_releasing(call);
	return true;
}

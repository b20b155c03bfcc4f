/* sip_dialog_restore (sip_snapshot.h): a confirmed dialog (RFC 3261 12) rebuilt from the copy
 * of its identifiers a node that died had taken, so that this node carries it on: in-dialog
 * requests either way (re-INVITE, BYE) as for a dialog of its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <osip2/osip.h>

#include "sip/sip_internal.h"
#include "sip/sip_dialog_fsm.h"
#include "sip/sip_snapshot.h"

/* "<uri>;tag=TAG" as libosip2's From/To (the same struct) */
static osip_from_t *restore_addr(const char *uri, const char *tag)
{
	osip_from_t *a = NULL;
	char buf[512];
	if (!uri[0] || !tag[0] || snprintf(buf, sizeof(buf), "<%s>;tag=%s", uri, tag) >= (int)sizeof(buf))
		return NULL;
	if (osip_from_init(&a) != 0)
		return NULL;
	if (osip_from_parse(a, buf) != 0) {
		osip_from_free(a);
		return NULL;
	}
	return a;
}

/* "<uri>,<uri>" (request order, RFC 3261 12.2.1.1) into dst; false when an entry does not parse */
static bool restore_routes(osip_list_t *dst, const char *set)
{
	const char *p = set;
	while (*p) {
		const char *end = strchr(p, '>');
		osip_route_t *r = NULL;
		char buf[512];
		if (*p != '<' || !end || end - p + 2 > (int)sizeof(buf))
			return false;
		snprintf(buf, sizeof(buf), "%.*s", (int)(end - p + 1), p);
		if (osip_route_init(&r) != 0)
			return false;
		if (osip_route_parse(r, buf) != 0) {
			osip_route_free(r);
			return false;
		}
		osip_list_add(dst, r, -1);
		p = end + 1;
		if (*p == ',')
			p++;
	}
	return true;
}

/* "IP:PORT" or "[IPv6]:PORT" */
static bool restore_peer(struct osmo_sockaddr *a, const char *peer)
{
	const char *colon = strrchr(peer, ':');
	char ip[64];
	int port;
	if (!colon)
		return false;
	port = atoi(colon + 1);
	if (peer[0] == '[')
		snprintf(ip, sizeof(ip), "%.*s", (int)(colon - peer - 2), peer + 1);
	else
		snprintf(ip, sizeof(ip), "%.*s", (int)(colon - peer), peer);
	return port > 0 && port < 65536 && sip_addr_parse(a, ip, port) == 0;
}

static bool restore_fields(struct sip_dialog *dlg, const struct sip_dialog_snapshot *s)
{
	dlg->local = restore_addr(s->local_uri, s->local_tag);
	dlg->remote = restore_addr(s->remote_uri, s->remote_tag);
	if (!dlg->local || !dlg->remote || !s->remote_target[0])
		return false;
	if (osip_uri_init(&dlg->target) != 0 || osip_uri_parse(dlg->target, s->remote_target) != 0)
		return false;
	if (!restore_routes(&dlg->route_set, s->route_set) || !restore_peer(&dlg->peer, s->peer))
		return false;
	dlg->local_cseq = s->local_cseq;
	dlg->remote_cseq = s->remote_cseq;
	dlg->invite_cseq = s->is_uac ? s->local_cseq : s->remote_cseq;
	/* RFC 3264 8 / RFC 4566 5.2: the next offer keeps the origin's session id (ours is 1, as
	 * sip_sdp_init_local) and has a higher version than any the other node sent: it counted
	 * from 1 per offer, this one starts from the clock */
	dlg->local_sdp.sess_id = 1;
	dlg->local_sdp.sess_version = (uint64_t)time(NULL);
	return true;
}

struct sip_dialog *sip_dialog_restore(struct sip_ua *ua, const struct sip_dialog_snapshot *s, void *priv)
{
	struct sip_trunk *trunk = sip_trunk_find(ua, s->trunk);
	struct sip_dialog *dlg;

	if (!trunk || !s->call_id[0])
		return NULL;
	dlg = sip_dialog_alloc(trunk, s->is_uac);
	sip_dialog_set_call_id(dlg, s->call_id);
	if (!restore_fields(dlg, s)) {
		LOGP(DSIP, LOGL_ERROR, "dialog %s: the snapshot does not parse, not restored\n", s->call_id);
		dlg->terminated_reported = true;	/* nothing to tell the layer above */
		osmo_fsm_inst_term(dlg->fi, OSMO_FSM_TERM_REQUEST, NULL);
		return NULL;
	}
	dlg->priv = priv;
	osmo_fsm_inst_state_chg(dlg->fi, SIP_DLG_S_CONFIRMED, 0, 0);
	LOGPFSML(dlg->fi, LOGL_NOTICE, "dialog %s restored (%s, local CSeq %u, remote CSeq %u)\n", s->call_id,
		 s->is_uac ? "UAC" : "UAS", s->local_cseq, s->remote_cseq);
	return dlg;
}

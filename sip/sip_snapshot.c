/* sip_dialog_snapshot (sip_snapshot.h): the dialog's identifiers copied out as strings. */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <osip2/osip.h>
#include <osmocom/core/socket.h>

#include "sip/sip_internal.h"
#include "sip/sip_snapshot.h"

/* copy src (may be NULL) into dst; false when it did not fit */
static bool snap_str(char *dst, size_t size, const char *src)
{
	int n = snprintf(dst, size, "%s", src ? src : "");
	return n >= 0 && (size_t)n < size;
}

static bool snap_uri(char *dst, size_t size, osip_uri_t *uri)
{
	char *s = NULL;
	bool ok;
	dst[0] = '\0';
	if (!uri || osip_uri_to_str(uri, &s) != 0)
		return uri == NULL;
	ok = snap_str(dst, size, s);
	osip_free(s);
	return ok;
}

/* RFC 3261 12.1.1 / 12.1.2: the route set as kept, each entry's URI in angle brackets */
static bool snap_routes(char *dst, size_t size, osip_list_t *routes)
{
	size_t len = 0;
	int i, n = osip_list_size(routes);
	dst[0] = '\0';
	for (i = 0; i < n; i++) {
		osip_route_t *r = osip_list_get(routes, i);
		char *s = NULL;
		int w;
		if (!r || !r->url || osip_uri_to_str(r->url, &s) != 0)
			continue;
		w = snprintf(dst + len, size - len, "%s<%s>", len ? "," : "", s);
		osip_free(s);
		if (w < 0 || (size_t)w >= size - len)
			return false;
		len += w;
	}
	return true;
}

int sip_dialog_snapshot(struct sip_dialog *dlg, struct sip_dialog_snapshot *s)
{
	bool ok = true;
	char peer[128];
	memset(s, 0, sizeof(*s));
	s->is_uac = dlg->is_uac;
	s->local_cseq = dlg->local_cseq;
	s->remote_cseq = dlg->remote_cseq;
	ok &= snap_str(s->trunk, sizeof(s->trunk), dlg->trunk ? dlg->trunk->name : NULL);
	ok &= snap_str(s->call_id, sizeof(s->call_id), dlg->call_id);
	ok &= snap_str(s->local_tag, sizeof(s->local_tag), sip_tag(dlg->local));
	ok &= snap_str(s->remote_tag, sizeof(s->remote_tag), sip_tag(dlg->remote));
	ok &= snap_uri(s->local_uri, sizeof(s->local_uri), dlg->local ? dlg->local->url : NULL);
	ok &= snap_uri(s->remote_uri, sizeof(s->remote_uri), dlg->remote ? dlg->remote->url : NULL);
	ok &= snap_uri(s->remote_target, sizeof(s->remote_target), dlg->target);
	ok &= snap_routes(s->route_set, sizeof(s->route_set), &dlg->route_set);
	osmo_sockaddr_to_str_buf(peer, sizeof(peer), &dlg->peer);
	ok &= snap_str(s->peer, sizeof(s->peer), peer);
	return ok ? 0 : -1;
}

void sip_dialog_changed(struct sip_dialog *dlg)
{
	struct sip_ua *ua = dlg->ua;
	if (!dlg->dead && ua->cbs && ua->cbs->dialog_changed)
		ua->cbs->dialog_changed(dlg, ua->priv);
}

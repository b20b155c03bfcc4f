/* A read-only copy of what identifies a SIP dialog (RFC 3261 12: Call-ID, local and remote
 * tags, local and remote CSeq, route set, remote target), for a layer above that must be able
 * to carry the dialog on elsewhere (the HA state store). Taking one changes nothing. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct sip_dialog;

struct sip_dialog_snapshot {
	bool is_uac;			/* we sent the INVITE */
	char trunk[64];
	char call_id[128];
	char local_uri[256];		/* our From (UAC) / To (UAS), without its tag */
	char remote_uri[256];
	char local_tag[64];
	char remote_tag[64];		/* empty while unknown */
	uint32_t local_cseq;		/* last CSeq we sent in the dialog (RFC 3261 12.2.1.1) */
	uint32_t remote_cseq;		/* last CSeq received (RFC 3261 12.2.2), 0: none yet */
	char remote_target[256];	/* the peer's Contact URI */
	char route_set[1024];		/* the route set, in request order, "<uri>,<uri>"; "" if empty */
	char peer[64];			/* where in-dialog requests go: "IP:PORT" */
};

/* Fill s from dlg; -1 when a field did not fit (s is then still NUL-terminated everywhere) */
int sip_dialog_snapshot(struct sip_dialog *dlg, struct sip_dialog_snapshot *s);

struct sip_ua;
/* The other way (a takeover, sip/sip_restore.c): a confirmed dialog rebuilt from a snapshot
 * another node took, on the snapshot's trunk here, its events to the layer above with priv as
 * any dialog's (sip.h). Our next request's CSeq is above s->local_cseq (RFC 3261 12.2.1.1); the
 * SDP origin's version starts from the clock, above what the other node counted (RFC 4566
 * 5.2, RFC 3264 8). NULL (nothing kept) when the trunk is not here or a field does not parse. */
struct sip_dialog *sip_dialog_restore(struct sip_ua *ua, const struct sip_dialog_snapshot *s, void *priv);

/* The UA: libosip2 transaction layer driven from the osmo select loop, message intake. */
#include <errno.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <arpa/inet.h>
#include <sys/random.h>
#include <talloc.h>
#include <osip2/osip_time.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/talloc.h>

#include "sip/sip_internal.h"

static struct osmo_tdef sip_tdefs_template[] = {
	{ .T = SIP_T1, .default_val = 500, .unit = OSMO_TDEF_MS, .desc = "RFC 3261 T1: RTT estimate" },
	{ .T = SIP_T2, .default_val = 4000, .unit = OSMO_TDEF_MS, .desc = "RFC 3261 T2: max retransmit interval" },
	{ .T = SIP_T4, .default_val = 5000, .unit = OSMO_TDEF_MS, .desc = "RFC 3261 T4: max message lifetime" },
	{ .T = SIP_TB, .default_val = 0, .unit = OSMO_TDEF_MS,
	  .desc = "RFC 3261 Timer B: INVITE transaction timeout (0: 64*T1)" },
	{ .T = SIP_TD, .default_val = 0, .unit = OSMO_TDEF_MS,
	  .desc = "RFC 3261 Timer D: wait for INVITE response retransmissions, UDP (0: 32 s, 64*T1 if T1 < 500 ms)" },
	{ .T = SIP_TF, .default_val = 0, .unit = OSMO_TDEF_MS,
	  .desc = "RFC 3261 Timer F: non-INVITE transaction timeout (0: 64*T1)" },
	{ .T = SIP_TH, .default_val = 0, .unit = OSMO_TDEF_MS,
	  .desc = "RFC 3261 Timer H: wait for the ACK of a final INVITE response (0: 64*T1)" },
	{ .T = SIP_TI, .default_val = 0, .unit = OSMO_TDEF_MS,
	  .desc = "RFC 3261 Timer I: wait for ACK retransmissions, UDP (0: T4)" },
	{ .T = SIP_TJ, .default_val = 0, .unit = OSMO_TDEF_MS,
	  .desc = "RFC 3261 Timer J: wait for non-INVITE request retransmissions, UDP (0: 64*T1)" },
	{ .T = SIP_TK, .default_val = 0, .unit = OSMO_TDEF_MS,
	  .desc = "RFC 3261 Timer K: wait for non-INVITE response retransmissions, UDP (0: T4)" },
	{ .T = SIP_TPRACK, .default_val = 0, .unit = OSMO_TDEF_MS,
	  .desc = "RFC 3262 3: give up on an unPRACKed reliable 18x (0: 64*T1)" },
	{ .T = SIP_TACK, .default_val = 0, .unit = OSMO_TDEF_MS,
	  .desc = "RFC 3261 13.3.1.4: give up on an unACKed 2xx (0: 64*T1)" },
	{}
};

unsigned int sip_t1_ms(struct sip_ua *ua)
{
	unsigned long v = osmo_tdef_get(ua->tdefs, SIP_T1, OSMO_TDEF_MS, 500);
	return v ? v : 1;
}

unsigned int sip_t2_ms(struct sip_ua *ua)
{
	return osmo_tdef_get(ua->tdefs, SIP_T2, OSMO_TDEF_MS, 4000);
}

unsigned int sip_timer_ms(struct sip_ua *ua, enum sip_timer t)
{
	unsigned int t1 = sip_t1_ms(ua), t4 = osmo_tdef_get(ua->tdefs, SIP_T4, OSMO_TDEF_MS, 5000);
	unsigned long v = osmo_tdef_get(ua->tdefs, t, OSMO_TDEF_MS, 0);

	if (v || t == SIP_T2 || t == SIP_T4)
		return v;
	switch (t) {
	case SIP_T1:
		return t1;
	case SIP_TD:
		/* RFC 3261 17.1.1.2: at least 32 s; shorter only with a shortened T1 (tests) */
		return t1 >= 500 ? 32000 : 64 * t1;
	case SIP_TI:
	case SIP_TK:
		return t4;
	default:
		return 64 * t1;
	}
}

unsigned int sip_64t1_ms(struct sip_ua *ua, enum sip_timer t)
{
	return sip_timer_ms(ua, t);
}

int sip_log_cat = DLGLOBAL;

void sip_set_log_cat(int cat)
{
	sip_log_cat = cat;
	sip_dialog_fsm_init();	/* the dialog FSM logs there too */
}

uint32_t sip_ua_random(struct sip_ua *ua)
{
	uint32_t r;
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = random() ^ (++ua->id_counter << 16);
	return r;
}

/* ---------------------------------------------------------------------------------------- */
/* pump and timers */
void sip_conn_forget(struct sip_ua *ua, struct sip_conn *conn)
{
	struct sip_tx *tx;
	struct sip_dialog *d;
	llist_for_each_entry(tx, &ua->txs, list)
		if (tx->conn == conn)
			tx->conn = NULL;
	llist_for_each_entry(tx, &ua->dead_txs, list)
		if (tx->conn == conn)
			tx->conn = NULL;
	llist_for_each_entry(d, &ua->dialogs, list)
		if (d->conn == conn)
			d->conn = NULL;
}


/* ---------------------------------------------------------------------------------------- */

/* libosip2's own trace (it would print to stdout): into DSIP at debug level */
static void osip_trace_cb(const char *fi, int li, osip_trace_level_t level, const char *fmt, va_list ap)
{
	char buf[512];
	if (!log_check_level(DSIP, LOGL_DEBUG))
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	LOGP(DSIP, LOGL_DEBUG, "libosip2 %s:%d: %s", fi ? fi : "?", li, buf);
}

struct sip_ua *sip_ua_alloc(void *ctx, const struct sip_ua_cbs *cbs, void *priv)
{
	struct sip_ua *ua = talloc_zero(ctx, struct sip_ua);
	if (!ua)
		return NULL;
	ua->cbs = cbs;
	ua->priv = priv;
	INIT_LLIST_HEAD(&ua->trunks);
	INIT_LLIST_HEAD(&ua->dialogs);
	hash_init(ua->dlg_hash);
	INIT_LLIST_HEAD(&ua->txs);
	INIT_LLIST_HEAD(&ua->dead_txs);
	INIT_LLIST_HEAD(&ua->orphans);
	sip_ua_txn_init(ua);
	ua->tdefs = talloc_memdup(ua, sip_tdefs_template, sizeof(sip_tdefs_template));
	osmo_tdefs_reset(ua->tdefs);
	ua->max_msg_size = 16384;
	ua->udp_rcvbuf = SIP_UDP_RCVBUF;
	ua->rx_onset_pct = 50;
	ua->rx_abate_pct = 10;
	osmo_strlcpy(ua->user_agent, "sipt-gw", sizeof(ua->user_agent));
	sip_sdp_init_local(&ua->local_caps, "127.0.0.1", 4000);
	ua->local_caps.codecs[ua->local_caps.num_codecs++] =
		(struct sip_sdp_codec){ .codec = SIP_CODEC_CLEARMODE, .pt = 97, .rate = 8000 };
	sip_dialog_fsm_init();

	osip_trace_initialize_func(OSIP_WARNING, osip_trace_cb);
	if (osip_init(&ua->osip) != 0) {
		talloc_free(ua);
		return NULL;
	}
	osip_set_application_context(ua->osip, ua);
	sip_txn_set_callbacks(ua->osip);
	return ua;
}

void sip_ua_free(struct sip_ua *ua)
{
	struct sip_trunk *t, *t2;
	struct sip_tx *tx, *tx2;

	if (!ua)
		return;
	sip_dialog_free_all(ua, NULL);
	llist_for_each_entry_safe(t, t2, &ua->trunks, list)
		sip_trunk_free(t);
	llist_for_each_entry_safe(tx, tx2, &ua->txs, list)
		sip_tx_free(tx);
	llist_for_each_entry_safe(tx, tx2, &ua->dead_txs, list)
		sip_tx_free(tx);
	osmo_timer_del(&ua->pump_timer);
	osip_release(ua->osip);
	talloc_free(ua);
}

int sip_ua_start(struct sip_ua *ua)
{
	struct sip_trunk *t;
	int rc = 0;

	ua->started = true;
	llist_for_each_entry(t, &ua->trunks, list)
		if (sip_trunk_start(t) < 0)
			rc = -1;
	return rc;
}

struct osmo_tdef *sip_ua_tdefs(struct sip_ua *ua)
{
	return ua->tdefs;
}

struct sip_sdp *sip_ua_local_caps(struct sip_ua *ua)
{
	return &ua->local_caps;
}

void sip_ua_set_user_agent(struct sip_ua *ua, const char *name)
{
	osmo_strlcpy(ua->user_agent, name ? name : "", sizeof(ua->user_agent));
}

void sip_ua_set_udp_rcvbuf(struct sip_ua *ua, unsigned int bytes)
{
	ua->udp_rcvbuf = bytes;
}

void sip_ua_set_max_msg_size(struct sip_ua *ua, unsigned int size)
{
	if (size < 1024)
		size = 1024;
	if (size > 65535)
		size = 65535;
	ua->max_msg_size = size;
}

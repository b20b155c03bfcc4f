/* Automatic congestion control toward MTP (Q.764 2.11, as far as M3UA allows): the fill of the
 * M3UA transmit queue (osmo_io, one per ASP) decides whether new calls are admitted.
 *
 * libosmo-sigtran 2.1 neither reports MTP-STATUS (congestion) to an MTP user nor exposes the
 * ASP's stream; the ASP's osmo_io_fd is found in the cs7 instance's talloc tree (client role:
 * instance -> ASP -> osmo_stream_cli -> osmo_io_fd), so no pointer is kept (an iofd is freed at
 * each reconnect). The walk is done at most once per select round: its sample lives until the
 * end of the round (a marker in OTC_SELECT), and the messages queued since are added to it, an
 * upper bound of the fill (the queue only shrinks otherwise); a decision the bound would change
 * (onset, release-defer, full) is taken on a fresh walk. Above 'onset' percent of the queue's maximum the point is congested until the fill
 * falls to 'abatement' percent. Each queue is set to hold ISUP_CONG_TXQ_HEADROOM times the
 * maximum, so that the messages of calls in progress pass it; a message that would find even
 * that full is dropped here and counted (the library would drop it silently). */
#pragma once
#include <stdbool.h>

struct isup_mtp;

/* osmo_io's default maximum of a transmit queue (messages): the maximum the percentages refer to
 * unless configured */
#define ISUP_CONG_TXQ_DEFAULT_MAX 1024
/* each ASP's queue is set to hold this many times that maximum: congestion refuses new calls
 * from the onset on, and the messages of the calls in progress (an RLC) beyond the maximum still
 * go out instead of being lost (seen at 2,000 CPS offered: RLCs dropped, circuits seized again) */
#define ISUP_CONG_TXQ_HEADROOM 4
/* transmit queues a flush looks at (an AS holds at most 16 ASPs) */
#define ISUP_CONG_FLUSH_ASPS 16

struct isup_cong_cfg {
	unsigned int onset_pct;		/* congested from this fill on (percent of the queue max) */
	unsigned int abate_pct;		/* not congested again at or below this fill */
	unsigned int txq_max;		/* transmit queue maximum set on each ASP, 0: the library's */
	unsigned int rel_defer_pct;	/* from this fill on a REL waits for its T1 repetition */
	unsigned int sndbuf;		/* SO_SNDBUF set on each ASP socket (bytes), 0: the kernel's */
};

struct isup_cong {
	struct isup_cong_cfg cfg;
	bool congested;
	unsigned int fill, max;		/* last sample (messages) */
	unsigned int queues;		/* transmit queues found (ASPs connected) */
	unsigned int onsets;
	unsigned int sent;		/* messages queued since the sample */
	/* messages the incoming calls in setup will queue (their ACM and ANM): with them the fill
	 * must stay below the release-defer level, so that a burst of answers after a stall of the
	 * SIP side still finds room (the node's counter; NULL: none) */
	const unsigned int *owed;
	int asp_fd;			/* the socket of the first ASP found by the last walk, -1: none */
	void *round;			/* the sample's marker in OTC_SELECT; NULL: no sample this round */
	struct osmo_stat_item_group *stats;
};

#define ISUP_CONG_CFG_DEFAULT { .onset_pct = 50, .abate_pct = 25, .rel_defer_pct = 75, .txq_max = 0, .sndbuf = 0 }

void isup_cong_init(struct isup_mtp *mtp);
void isup_cong_free(struct isup_mtp *mtp);
void isup_cong_set_cfg(struct isup_mtp *mtp, const struct isup_cong_cfg *cfg);
/* Sample the queues (largest fill of the instance's ASPs); onset / abatement are logged once. */
bool isup_cong_congested(struct isup_mtp *mtp);
/* the fullest queue's length, an upper bound: one walk per select round at most */
unsigned int isup_cong_txq_len(struct isup_mtp *mtp);
/* May a message go into the transmit queue now? FULL: it would be lost (osmo_io drops it);
 * DEFER: a message its sender repeats on a timer (REL, T1) waits for that repetition above
 * rel_defer_pct, so that the room left is for the messages of calls in progress. */
enum isup_cong_tx { ISUP_CONG_TX_OK, ISUP_CONG_TX_FULL, ISUP_CONG_TX_DEFER };
enum isup_cong_tx isup_cong_tx_admit(struct isup_mtp *mtp, bool repeated_on_timer);
/* Q.764 2.11 / Q.763 3.4: the automatic congestion level to send in a REL: 0 (none), 1 while
 * congested, 2 at or above the release-defer fill (from the last sample: no walk) */
unsigned int isup_cong_level(const struct isup_mtp *mtp);
/* Q.764 2.11.3: a REL from OPC, with its automatic congestion level (0: none): counted, and
 * a change of the far exchange's level logged. The traffic toward it is not reduced (T29/T30). */
void isup_cong_rx_rel(struct isup_mtp *mtp, uint32_t opc, uint8_t acl);
/* End of a select round: write what the ASPs' transmit queues hold while their sockets take it
 * (osmo_io's poll backend writes one message per round; nothing to do on io_uring). Returns the
 * messages written beyond the library's own. */
unsigned int isup_cong_txq_flush(struct isup_mtp *mtp);
/* poll timer: apply the configured queue maximum, update the state and the stat items */
void isup_cong_poll(struct isup_mtp *mtp);

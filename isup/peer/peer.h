/* isup-peer: a scriptable ISUP exchange attached as an M3UA ASP (see README, "isup-peer"). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/select.h>

#include "isup/isup_mtp.h"
#include "isup/peer/msgspec.h"
#include "isup/peer/load.h"

enum peer_auto {
	PEER_AUTO_REL,	/* REL -> RLC */
	PEER_AUTO_RSC,	/* RSC -> RLC */
	PEER_AUTO_GRS,	/* GRS -> GRA */
	PEER_AUTO_BLO,	/* BLO -> BLA */
	PEER_AUTO_UBL,	/* UBL -> UBA */
	PEER_AUTO_CGB,	/* CGB -> CGBA */
	PEER_AUTO_CGU,	/* CGU -> CGUA */
	PEER_AUTO_UPT,	/* UPT -> UPA */
	PEER_AUTO_CQM,	/* CQM -> CQR (all idle) */
	PEER_AUTO_CCR,	/* CCR -> loop connected, LPA (Q.764 2.1.8 continuity re-check) */
	PEER_AUTO_IAM,	/* IAM -> ACM / ANM / CON / REL as configured */
	_PEER_AUTO_NUM
};

struct peer_iam_cfg {
	int acm_ms;		/* <0: no ACM */
	int anm_ms;		/* <0: no ANM */
	int con_ms;		/* >=0: answer with CON instead of ACM+ANM */
	int reject_cause;	/* >0: REL with this cause */
	int inband;		/* OBCI in-band info in ACM */
	int release_ms;		/* >=0: REL (cause 16) this long after answer */
	int t1_ms;		/* >0: a REL sent here is repeated every t1_ms until its RLC (Q.764 T1) */
	int t5_ms;		/* >0: with t1_ms, RSC this long after the first REL (Q.764 T5) */
};

struct peer_rxq_entry {
	struct llist_head list;
	uint32_t opc;
	double t;
	bool ignorable;		/* matched an 'ignore' rule when it arrived */
	struct isup_msg msg;
};

/* 'ignore TYPE [cic=N]': a message the scenario declares legitimate but not of interest */
struct peer_ignore {
	struct llist_head list;
	int type;		/* -1: any type */
	int cic;		/* -1: any CIC */
};

#define PEER_MAX_CIC 16384	/* ANSI: 14-bit CIC; ITU: 12 bits */

struct peer_pending_tx {
	struct llist_head list;
	struct osmo_timer_list timer;
	struct peer *peer;
	uint32_t dpc;
	struct isup_msg msg;
};

/* the exchange-side loop-back of the continuity check (loopback.c) */
struct peer_loop;
struct peer_loopback {
	char ip[64];
	unsigned int port, step, first, last;
	struct peer_loop **loops;	/* per CIC first..last, NULL: no loop */
};

struct isup_node;
struct peer {
	void *ctx;
	struct isup_mtp *mtp;
	struct isup_node *node;		/* the config's isup node: its circuit groups (load group=) */
	enum isup_variant variant;
	FILE *out;
	double t0;
	bool abs_time;		/* report monotonic-clock time stamps (t0 = 0) */

	/* defaults */
	uint32_t dpc;
	bool dpc_set;
	int cic;
	int last_cic;		/* CIC of the last message an expect matched */

	bool autoresp[_PEER_AUTO_NUM];
	struct peer_iam_cfg iam;

	struct llist_head rxq;		/* struct peer_rxq_entry, unconsumed received messages */
	unsigned int rxq_len;
	struct llist_head ignores;	/* struct peer_ignore */
	/* CICs whose REL the automatic IAM answering sent: their RLC is consumed automatically */
	uint8_t auto_rlc[PEER_MAX_CIC / 8];
	struct llist_head pending;	/* struct peer_pending_tx */
	/* per CIC: T1/T5 of the REL the automatic IAM answering sent (peer_rel_t1.c), NULL: none */
	struct peer_rel_t1 **rel_t1;

	/* scenario */
	char **lines;
	unsigned int num_lines;
	unsigned int pc;		/* next line index */
	const char *scenario_name;
	unsigned int steps, failed;
	bool stop_on_fail;
	bool done;
	bool interactive;
	struct osmo_fd stdin_fd;
	char inbuf[4096];
	size_t inlen;

	/* the blocking step in progress */
	enum { WAIT_NONE, WAIT_EXPECT, WAIT_NONE_ARRIVES, WAIT_SLEEP, WAIT_ROUTE, WAIT_LOAD } wait;
	struct msgspec expect;
	char wait_line[1024];
	unsigned int wait_lineno;
	double wait_start;
	struct osmo_timer_list wait_timer;
	struct osmo_timer_list route_timer;

	struct peer_loopback loopback;
	struct peer_load *load;
	int load_sync;		/* -1: a load command is executing, 0/1: it finished at once */	/* load generation (load.c), NULL when none */

	/* counters */
	unsigned int tx_count, rx_count;
	void (*on_done)(struct peer *peer);
};

struct peer *peer_alloc(void *ctx, struct isup_mtp *mtp, enum isup_variant variant, FILE *out);
/* Load a scenario file; returns 0 or -1 (error printed). */
int peer_load_scenario(struct peer *peer, const char *file);
/* Start executing the loaded scenario (asynchronously, on the select loop). */
void peer_start(struct peer *peer);
/* Read commands from stdin as they come (interactive mode). */
void peer_enable_stdin(struct peer *peer);
/* End of a blocking step run elsewhere (load generation): PASS/FAIL line, next command. */
void peer_step_done(struct peer *peer, bool ok, const char *detail);
/* Stopped by a signal before the end: every unconsumed, non-ignorable message fails */
void peer_stopped(struct peer *peer);
/* The MTP rx hook */
void peer_mtp_rx(struct isup_mtp *mtp, const struct isup_mtp_rx *rx, void *priv);
void peer_route_ind(struct isup_mtp *mtp, struct isup_route *rt, enum isup_mtp_ind ind, void *priv);

/* isup-peer internals shared by the scenario engine (peer.c), its commands (peer_cmd.c) and the
 * automatic responders (peer_auto.c). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "isup/peer/peer.h"

/* longest wait of a scenario step (within=, wait-route, sleep, auto iam delays), seconds */
#define PEER_MAX_WAIT_S 86400

/* peer.c */
const char *tstamp(struct peer *peer);
int peer_send(struct peer *peer, uint32_t dpc, const struct isup_msg *msg);
void step_result(struct peer *peer, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool check_unexpected(struct peer *peer, const char *when);
void rxq_clear(struct peer *peer);
unsigned int rxq_unexpected_str(const struct peer *peer, char *buf, size_t len);
bool try_expect(struct peer *peer);
void start_wait(struct peer *peer, int kind, double secs);

/* peer_auto.c */
void auto_rlc_set(struct peer *peer, uint16_t cic, bool on);
bool peer_auto_handle(struct peer *peer, uint32_t opc, const struct isup_msg *msg);
bool peer_auto_cmd(struct peer *peer, char *args, char *err, size_t err_len);

/* peer_rel_t1.c: T1 (and T5) started for a REL sent automatically, stopped by its RLC, by an
 * RSC or an IAM on the circuit (the far end has it idle) */
void peer_rel_t1_start(struct peer *peer, uint32_t dpc, const struct isup_msg *rel);
void peer_rel_t1_stop(struct peer *peer, uint16_t cic);

/* peer_cmd.c: one scenario line; 1 blocks (async completion), 2 completed synchronously and the
 * run already continued, 0 done, -1 failed */
int peer_exec_line(struct peer *peer, const char *line);

/* loopback.c: "loopback ..." (the continuity check loop on the CICs' bearers) */
bool peer_loopback_cmd(struct peer *peer, const char *args, char *err, size_t err_len);
void peer_loopback_free(struct peer *peer);

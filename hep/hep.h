/* HEP v3 (HEP/EEP, sipcapture.org "HEP3 Network Protocol Specification" rev. 12) export towards a
 * capture server such as Homer's heplify-server: an encoder and one non-blocking UDP sender.
 * Knows nothing of SIP or ISUP: the caller fills a struct hep_pkt. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include <osmocom/core/socket.h>

/* HEP3 "protocol type" chunk values (spec section "Capture protocol types") */
enum hep_proto_type {
	HEP_PROTO_SIP = 0x01,
	HEP_PROTO_M2UA = 0x08,	/* what Homer's ISUP decoding (Kamailio ss7ops isup_to_json(8)) reads */
	HEP_PROTO_M3UA = 0x09,
};

struct hep_pkt {
	const struct osmo_sockaddr *src, *dst;
	uint8_t ip_proto;		/* IPPROTO_UDP / _TCP / _SCTP */
	struct timeval ts;
	uint8_t proto_type;		/* enum hep_proto_type */
	const uint8_t *payload;
	size_t payload_len;
	const char *corr_id;		/* 0x0011 correlation id, NULL or "": none */
};

struct hep_cfg {
	bool enabled;			/* a collector is configured */
	struct osmo_sockaddr collector;
	uint32_t capture_id;
	char auth_key[64];
	bool sip, isup;			/* which messages to export */
};

struct hep_cfg *hep_cfg(void);
/* Encode p into buf (HEP3 header + chunks); returns the length, or 0 when it does not fit. */
size_t hep_encode(uint8_t *buf, size_t size, const struct hep_cfg *cfg, const struct hep_pkt *p);
/* Encode and send to the collector; never blocks: a full socket buffer drops (hep:dropped). */
void hep_send(const struct hep_pkt *p);
/* Open the socket (after the config was read); later 'collector' changes reopen it. */
int hep_start(void *ctx);
void hep_restart(void);
void hep_vty_init(void *ctx, int node);

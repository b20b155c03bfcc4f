/* ISUP as an MTP user (SI=5) over libosmo-sigtran (M3UA ASP), with per-DPC route state.
 *
 * libosmo-sigtran 2.x never hands MTP-PAUSE / MTP-RESUME / MTP-STATUS to an SI=5 user, so the
 * availability of each remote signalling point (DPC) is derived here from the state of the AS
 * that routes to it (polled on a timer) and reported to the user as PAUSE / RESUME, the way
 * Q.704 would. Owned by a talloc context; no global state. */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <time.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/rate_ctr.h>

#include "isup/isup.h"
#include "isup/isup_cong.h"

struct osmo_ss7_instance;
struct osmo_ss7_user;
struct isup_mtp;

/* MTP service indications towards the ISUP user (Q.704 / Q.701) */
enum isup_mtp_ind {
	ISUP_MTP_PAUSE,		/* DPC inaccessible */
	ISUP_MTP_RESUME,	/* DPC accessible again */
	ISUP_MTP_STATUS,	/* user part unavailable / congestion (not delivered by 2.x) */
};

struct isup_route {
	struct llist_head list;
	struct isup_mtp *mtp;
	uint32_t dpc;
	bool available;		/* last known state */
	bool known;		/* state evaluated at least once */
	time_t since;		/* when the state last changed */
	unsigned int pauses, resumes;
	uint64_t tx_msgs, rx_msgs, tx_fail;
	uint8_t acl_rx;		/* congestion level of the last REL from this DPC (Q.764 2.11.3) */
};

/* A received, decoded ISUP message and its MTP routing label */
struct isup_mtp_rx {
	uint32_t opc, dpc;
	uint8_t sls, ni;
	const uint8_t *raw;	/* the MTP user data (CIC onwards) */
	size_t raw_len;
	int decode_rc;		/* result of isup_decode() (ISUP_OK, ISUP_ERR_UNKNOWN_MSG or other error) */
	struct isup_decode_err derr;
	struct isup_msg *msg;	/* valid unless decode_rc is a hard error */
};

struct isup_mtp_ops {
	/* every received SI=5 message (decoded, or with decode_rc telling why not) */
	void (*rx)(struct isup_mtp *mtp, const struct isup_mtp_rx *rx, void *priv);
	/* route state changes (PAUSE / RESUME) for a watched DPC */
	void (*route_ind)(struct isup_mtp *mtp, struct isup_route *rt, enum isup_mtp_ind ind, void *priv);
};

enum isup_mtp_ctr {
	ISUP_MTP_CTR_RX_MSGS,
	ISUP_MTP_CTR_RX_DECODE_ERR,
	ISUP_MTP_CTR_TX_MSGS,
	ISUP_MTP_CTR_TX_FAIL,
	ISUP_MTP_CTR_PAUSE,
	ISUP_MTP_CTR_RESUME,
	ISUP_MTP_CTR_TXQ_FULL_DROP,
	ISUP_MTP_CTR_REL_DEFERRED,
	ISUP_MTP_CTR_CONG_ONSET,
	ISUP_MTP_CTR_ACL_RX,
	ISUP_MTP_CTR_TXQ_FLUSHED,
};

/* Capture hook (e.g. HEP export, set by the layer above): every ISUP message sent or received,
 * its routing label and the MTP user data (CIC onwards). A received message is shown twice:
 * RX_PRE before it is processed (the time it came in; what its circuit was), RX after it (a
 * call it set up now exists). NULL (the default): nothing captured. */
enum isup_mtp_capture { ISUP_CAPTURE_TX, ISUP_CAPTURE_RX_PRE, ISUP_CAPTURE_RX };
typedef void (*isup_mtp_capture_fn)(struct isup_mtp *mtp, enum isup_mtp_capture what, uint32_t opc, uint32_t dpc,
				    uint8_t sls, const uint8_t *data, size_t len);
extern isup_mtp_capture_fn isup_mtp_capture_hook;

struct isup_mtp {
	struct osmo_ss7_instance *ss7;
	struct osmo_ss7_user *user;
	enum isup_variant variant;
	uint8_t ni;			/* network indicator used when sending (2 = national) */
	uint32_t opc;			/* own point code (primary PC of the instance) */
	struct llist_head routes;	/* struct isup_route */
	struct osmo_timer_list poll_timer;
	unsigned int poll_ms;
	struct isup_mtp_ops ops;
	void *priv;
	struct rate_ctr_group *ctrs;
	unsigned int sls_next;
	struct isup_cong cong;		/* transmit queue fill, Q.764 2.11 (isup/isup_cong.h) */
	struct isup_msg *rx_msg;	/* the decoded form of the message being received (reused) */
	bool rx_msg_busy;
};

/* Attach as MTP user SI=5 on cs7 instance 'ss7_id' (which the VTY config must have created). */
struct isup_mtp *isup_mtp_create(void *ctx, uint32_t ss7_id, enum isup_variant variant, uint8_t ni,
				 const struct isup_mtp_ops *ops, void *priv);
void isup_mtp_destroy(struct isup_mtp *mtp);

/* Watch a remote point code: route state is evaluated at once and then every poll_ms. */
struct isup_route *isup_mtp_route_add(struct isup_mtp *mtp, uint32_t dpc);
struct isup_route *isup_mtp_route_find(struct isup_mtp *mtp, uint32_t dpc);
bool isup_mtp_route_available(struct isup_mtp *mtp, uint32_t dpc);
/* Re-evaluate all routes now (also done by the poll timer). */
void isup_mtp_routes_poll(struct isup_mtp *mtp);

/* Encode and send an ISUP message to dpc. SLS is derived from the CIC (Q.764 keeps one
 * circuit's messages in sequence). Returns 0 or negative (encode error / no route / send fail). */
int isup_mtp_send(struct isup_mtp *mtp, uint32_t dpc, const struct isup_msg *msg);
/* Send already encoded bytes (CIC onwards), e.g. a pass-on or a fuzz case. */
int isup_mtp_send_raw(struct isup_mtp *mtp, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len);

const char *isup_mtp_pc_str(struct isup_mtp *mtp, uint32_t pc);
int isup_mtp_pc_parse(struct isup_mtp *mtp, const char *str);	/* -1 on error */

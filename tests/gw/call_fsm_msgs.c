/* ISUP messages and SIP bodies for call_fsm_test (built through the typed parameter API);
 * each returns a static buffer, valid until the next call of the same function. */
#include <stdio.h>
#include <string.h>

#include "tests/gw/call_fsm_msgs.h"

/* ---- messages --------------------------------------------------------------------------- */

static void set_number(struct isup_msg *m, uint8_t code, enum isup_number_kind kind, const char *digits, bool st)
{
	struct isup_number n = { .nai = ISUP_NAI_NATIONAL, .npi = 1, .st = st };
	uint8_t raw[32];
	int len;
	snprintf(n.digits, sizeof(n.digits), "%s", digits);
	len = isup_number_encode(&n, kind, raw, sizeof(raw));
	isup_msg_set(m, code, raw, len);
}

struct isup_msg *msg_iam(const char *called, bool complete)
{
	static struct isup_msg m;
	struct isup_nci nci = { 0 };
	struct isup_fci fci = { .isup_all_the_way = true, .orig_access_isdn = true };
	uint8_t raw[4], cpc = ISUP_CPC_ORDINARY, tmr = ISUP_TMR_SPEECH;
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_IAM, 0);
	isup_msg_set(&m, ISUP_PRM_NCI, raw, isup_nci_encode(&nci, raw, sizeof(raw)));
	isup_msg_set(&m, ISUP_PRM_FCI, raw, isup_fci_encode(&fci, raw, sizeof(raw)));
	isup_msg_set(&m, ISUP_PRM_CPC, &cpc, 1);
	isup_msg_set(&m, ISUP_PRM_TMR, &tmr, 1);
	set_number(&m, ISUP_PRM_CALLED_NUM, ISUP_NUM_CALLED, called, complete);
	set_number(&m, ISUP_PRM_CALLING_NUM, ISUP_NUM_CALLING, "40111222", false);
	return &m;
}

struct isup_msg *msg_sam(const char *digits, bool st)
{
	static struct isup_msg m;
	struct isup_number n = { .st = st };
	uint8_t raw[32];
	snprintf(n.digits, sizeof(n.digits), "%s", digits);
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_SAM, 0);
	isup_msg_set(&m, ISUP_PRM_SUBSEQUENT_NUM, raw, isup_number_encode(&n, ISUP_NUM_SUBSEQUENT, raw, sizeof(raw)));
	return &m;
}

/* ACM with the called party's status; inband: OBCI in-band information available */
struct isup_msg *msg_acm(enum isup_bci_status status, bool inband)
{
	static struct isup_msg m;
	struct isup_bci bci = { .called_status = status, .called_category = 1 };
	struct isup_obci obci = { .inband_info = true };
	uint8_t raw[4];
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_ACM, 0);
	isup_msg_set(&m, ISUP_PRM_BCI, raw, isup_bci_encode(&bci, raw, sizeof(raw)));
	if (inband)
		isup_msg_set(&m, ISUP_PRM_OBCI, raw, isup_obci_encode(&obci, raw, sizeof(raw)));
	return &m;
}

struct isup_msg *msg_simple(uint8_t type)
{
	static struct isup_msg m;
	isup_msg_init(&m, ISUP_VARIANT_ITU, type, 0);
	return &m;
}

struct isup_msg *msg_con(void)
{
	static struct isup_msg m;
	struct isup_bci bci = { .called_status = ISUP_BCI_STATUS_SUBSCRIBER_FREE, .called_category = 1 };
	uint8_t raw[4];
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_CON, 0);
	isup_msg_set(&m, ISUP_PRM_BCI, raw, isup_bci_encode(&bci, raw, sizeof(raw)));
	return &m;
}

/* SUS / RES, network initiated (Q.764 2.6.2) */
struct isup_msg *msg_sus_res(uint8_t type)
{
	static struct isup_msg m;
	uint8_t ind = ISUP_SUSRES_NETWORK;
	isup_msg_init(&m, ISUP_VARIANT_ITU, type, 0);
	isup_msg_set(&m, ISUP_PRM_SUSPEND_RESUME_IND, &ind, 1);
	return &m;
}

struct isup_msg *msg_rel(uint8_t cause, uint8_t location, uint8_t diag)
{
	static struct isup_msg m;
	struct isup_cause c = { .location = location, .value = cause, .diag_len = diag ? 1 : 0, .diag = { diag } };
	uint8_t raw[8];
	int len = isup_cause_encode(&c, raw, sizeof(raw));
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_REL, 0);
	isup_msg_set(&m, ISUP_PRM_CAUSE, raw, len);
	return &m;
}

/* an SDP of the far end (on loopback: the real media bridge sends tones to it) */
const struct sip_body *body_sdp(const char *addr, uint16_t port)
{
	static struct sip_body b;
	memset(&b, 0, sizeof(b));
	b.has_sdp = true;
	sip_sdp_init_local(&b.sdp, addr, port);
	return &b;
}

/* a SIP-I body: the ISUP message (and an SDP when addr is set) */
const struct sip_body *body_sipi(const struct isup_msg *msg, const char *addr, uint16_t port)
{
	static struct sip_body b;
	int len;
	memset(&b, 0, sizeof(b));
	if (addr) {
		b.has_sdp = true;
		sip_sdp_init_local(&b.sdp, addr, port);
	}
	len = isup_encode_body(msg, b.isup.data, sizeof(b.isup.data));
	if (len > 0) {
		b.isup.present = true;
		b.isup.len = len;
		snprintf(b.isup.version, sizeof(b.isup.version), "itu-t92+");
		b.isup.required = false;
	}
	return &b;
}

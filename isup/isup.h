/* ISUP message codec, ITU-T Q.763 (with the ANSI T1.113 differences that matter to a gateway).
 *
 * Model: a decoded message is the ordered list of its parameters, each kept as raw bytes, so
 * that a message re-encodes byte for byte (unknown / un-modelled parameters included, Q.764
 * "pass on"). Typed views of individual parameters are decoded/encoded on demand with the
 * isup_<param>_decode()/_encode() helpers below. No SIP, no M3UA knowledge in here.
 */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

enum isup_variant {
	ISUP_VARIANT_ITU = 0,	/* Q.763: 12-bit CIC */
	ISUP_VARIANT_ANSI = 1,	/* T1.113: 14-bit CIC, ANSI-only messages recognised */
};

/* Q.763 Table 4 message type codes */
enum isup_msg_type {
	ISUP_IAM = 0x01, ISUP_SAM = 0x02, ISUP_INR = 0x03, ISUP_INF = 0x04, ISUP_COT = 0x05,
	ISUP_ACM = 0x06, ISUP_CON = 0x07, ISUP_FOT = 0x08, ISUP_ANM = 0x09, ISUP_REL = 0x0c,
	ISUP_SUS = 0x0d, ISUP_RES = 0x0e, ISUP_RLC = 0x10, ISUP_CCR = 0x11, ISUP_RSC = 0x12,
	ISUP_BLO = 0x13, ISUP_UBL = 0x14, ISUP_BLA = 0x15, ISUP_UBA = 0x16, ISUP_GRS = 0x17,
	ISUP_CGB = 0x18, ISUP_CGU = 0x19, ISUP_CGBA = 0x1a, ISUP_CGUA = 0x1b, ISUP_FAR = 0x1f,
	ISUP_FAA = 0x20, ISUP_FRJ = 0x21, ISUP_LPA = 0x24, ISUP_PAM = 0x28, ISUP_GRA = 0x29,
	ISUP_CQM = 0x2a, ISUP_CQR = 0x2b, ISUP_CPG = 0x2c, ISUP_USR = 0x2d, ISUP_UCIC = 0x2e,
	ISUP_CFN = 0x2f, ISUP_OLM = 0x30, ISUP_CRG = 0x31, ISUP_NRM = 0x32, ISUP_FAC = 0x33,
	ISUP_UPT = 0x34, ISUP_UPA = 0x35, ISUP_IDR = 0x36, ISUP_IRS = 0x37, ISUP_SGM = 0x38,
	ISUP_LOP = 0x40, ISUP_APM = 0x41, ISUP_PRI = 0x42, ISUP_SDN = 0x43,
	/* ANSI-only */
	ISUP_ANSI_CRA = 0xe9, ISUP_ANSI_CRM = 0xea, ISUP_ANSI_CVR = 0xeb, ISUP_ANSI_CVT = 0xec,
	ISUP_ANSI_EXM = 0xed,
};

/* Q.763 parameter name codes */
enum isup_param_code {
	ISUP_PRM_END_OF_OPT = 0x00,
	ISUP_PRM_CALL_REF = 0x01,
	ISUP_PRM_TMR = 0x02,			/* transmission medium requirement */
	ISUP_PRM_ACCESS_TRANSPORT = 0x03,
	ISUP_PRM_CALLED_NUM = 0x04,
	ISUP_PRM_SUBSEQUENT_NUM = 0x05,
	ISUP_PRM_NCI = 0x06,			/* nature of connection indicators */
	ISUP_PRM_FCI = 0x07,			/* forward call indicators */
	ISUP_PRM_OFCI = 0x08,			/* optional forward call indicators */
	ISUP_PRM_CPC = 0x09,			/* calling party's category */
	ISUP_PRM_CALLING_NUM = 0x0a,
	ISUP_PRM_REDIRECTING_NUM = 0x0b,
	ISUP_PRM_REDIRECTION_NUM = 0x0c,
	ISUP_PRM_CONNECTION_REQ = 0x0d,
	ISUP_PRM_INFO_REQ_IND = 0x0e,
	ISUP_PRM_INFO_IND = 0x0f,
	ISUP_PRM_CONTINUITY_IND = 0x10,
	ISUP_PRM_BCI = 0x11,			/* backward call indicators */
	ISUP_PRM_CAUSE = 0x12,
	ISUP_PRM_REDIRECTION_INFO = 0x13,
	ISUP_PRM_CGSMT = 0x15,			/* circuit group supervision message type */
	ISUP_PRM_RANGE_STATUS = 0x16,
	ISUP_PRM_FACILITY_IND = 0x18,
	ISUP_PRM_CUG_INTERLOCK = 0x1a,
	ISUP_PRM_USI = 0x1d,			/* user service information */
	ISUP_PRM_SPC = 0x1e,			/* signalling point code */
	ISUP_PRM_USER_TO_USER_INFO = 0x20,
	ISUP_PRM_CONNECTED_NUM = 0x21,
	ISUP_PRM_SUSPEND_RESUME_IND = 0x22,
	ISUP_PRM_TRANSIT_NET_SEL = 0x23,
	ISUP_PRM_EVENT_INFO = 0x24,
	ISUP_PRM_CIRCUIT_STATE_IND = 0x26,
	ISUP_PRM_AUTO_CONGESTION_LEVEL = 0x27,
	ISUP_PRM_ORIG_CALLED_NUM = 0x28,
	ISUP_PRM_OBCI = 0x29,			/* optional backward call indicators */
	ISUP_PRM_USER_TO_USER_IND = 0x2a,
	ISUP_PRM_GENERIC_NOTIFICATION = 0x2c,
	ISUP_PRM_PROPAGATION_DELAY = 0x31,
	ISUP_PRM_CALL_DIVERSION_INFO = 0x36,
	ISUP_PRM_ECHO_CONTROL_INFO = 0x37,
	ISUP_PRM_MSG_COMPAT_INFO = 0x38,
	ISUP_PRM_PARAM_COMPAT_INFO = 0x39,
	ISUP_PRM_TMU = 0x35,			/* transmission medium used */
	ISUP_PRM_HOP_COUNTER = 0x3d,
	ISUP_PRM_LOCATION_NUM = 0x3f,
	ISUP_PRM_REDIRECTION_NUM_RESTR = 0x40,
	ISUP_PRM_REDIRECT_COUNTER = 0x77,
	ISUP_PRM_APPLICATION_TRANSPORT = 0x78,
	ISUP_PRM_GENERIC_NUM = 0xc0,
	ISUP_PRM_GENERIC_DIGITS = 0xc1,
	/* T1.113 (ANSI) codes used by the ANSI-only message layouts */
	ISUP_PRM_ANSI_CG_CHAR_IND = 0xe5,	/* circuit group characteristics indicator */
	ISUP_PRM_ANSI_CVR_RESP_IND = 0xe6,	/* circuit validation response indicator */
};

#define ISUP_MAX_PARAMS		64	/* per message; more is a decode error */
#define ISUP_MAX_MSG_LEN	272	/* MTP3 user data limit (CIC + type + body) */

/* Where a parameter sits in the message (Q.763 1.3) */
enum isup_param_part {
	ISUP_PART_FIXED = 0,	/* mandatory fixed: no length octet on the wire */
	ISUP_PART_VARIABLE = 1,	/* mandatory variable: pointer + length */
	ISUP_PART_OPTIONAL = 2,	/* optional part: code + length */
};

struct isup_param {
	uint8_t code;			/* enum isup_param_code, or any value for unknown ones */
	uint8_t part;			/* enum isup_param_part */
	uint8_t len;
	uint8_t val[255];		/* raw value octets exactly as on the wire */
};

/* A decoded (or to-be-encoded) ISUP message. Parameters are kept in wire order:
 * the mandatory fixed ones, then the mandatory variable ones, then the optional ones. */
struct isup_msg {
	enum isup_variant variant;
	uint16_t cic;
	uint8_t type;			/* enum isup_msg_type */
	bool known;			/* false: message type unknown to us; raw_body holds the body */
	bool opt_part_allowed;		/* from the message table (or, for unknown, guessed false) */
	/* The sender used an optional-part pointer to an empty optional part (only the
	 * end-of-optional-parameters octet); kept so the message re-encodes identically. */
	bool opt_part_empty_eop;
	unsigned int num_params;
	struct isup_param params[ISUP_MAX_PARAMS];
	/* unknown message types: everything after the message type octet */
	uint16_t raw_body_len;
	uint8_t raw_body[ISUP_MAX_MSG_LEN];
};

/* Decode errors: negative values; isup_strerror() names the fault. */
enum isup_err {
	ISUP_OK = 0,
	ISUP_ERR_TRUNCATED = -1,	/* message shorter than its mandatory part */
	ISUP_ERR_POINTER = -2,		/* pointer outside the message / overlapping */
	ISUP_ERR_LENGTH = -3,		/* parameter length runs past the end */
	ISUP_ERR_MISSING_MANDATORY = -4,
	ISUP_ERR_NO_EOP = -5,		/* optional part not terminated by end-of-optional-parameters */
	ISUP_ERR_UNKNOWN_MSG = -6,	/* type not known: msg->known == false, raw kept (not fatal) */
	ISUP_ERR_TOO_MANY_PARAMS = -7,
	ISUP_ERR_PARAM_VALUE = -8,	/* a parameter's content is invalid for its type */
	ISUP_ERR_BUFFER = -9,		/* output buffer too small */
	ISUP_ERR_INVAL = -10,		/* bad argument when encoding */
};

/* Information about where a decode failed, for logs / CFN diagnostics */
struct isup_decode_err {
	int err;			/* enum isup_err */
	uint8_t param_code;		/* offending parameter when relevant, else 0 */
	unsigned int offset;		/* byte offset into the input where the fault was found */
};

const char *isup_strerror(int err);
const char *isup_msg_name(uint8_t type);	/* "IAM", ... ; "UNKNOWN(0x..)" for unknown */
const char *isup_param_name(uint8_t code);	/* "Called party number", ... */
/* A parameter this implementation recognises (the others: Q.764 2.9.5.3 "unrecognised") */
bool isup_param_known(uint8_t code);
/* Message type code from its abbreviation ("IAM", case-insensitive); -1 if unknown. */
int isup_msg_type_from_name(const char *name);
/* Parameter code from its short name as printed by isup_msg_print (e.g. "cdpn", "cause"); -1 if unknown. */
int isup_param_code_from_name(const char *name);
const char *isup_param_short_name(uint8_t code);
bool isup_msg_type_known(enum isup_variant variant, uint8_t type);

/* Decode a full ISUP message as carried in MTP3 user data (CIC, type, body).
 * Returns ISUP_OK, ISUP_ERR_UNKNOWN_MSG (msg filled with cic/type/raw_body, msg->known=false),
 * or another negative error (msg content undefined, *derr tells what and where; derr may be NULL). */
int isup_decode(struct isup_msg *msg, enum isup_variant variant, const uint8_t *buf, size_t len,
		struct isup_decode_err *derr);
/* Same, without the CIC (SIP-T / SIP-I application/ISUP body, RFC 3204 3.1: starts at the type). */
int isup_decode_body(struct isup_msg *msg, enum isup_variant variant, const uint8_t *buf, size_t len,
		     struct isup_decode_err *derr);

/* Encode; returns the number of octets written or a negative enum isup_err. Parameters must
 * satisfy the message table (mandatory ones present, fixed lengths right). */
int isup_encode(const struct isup_msg *msg, uint8_t *out, size_t out_size);
int isup_encode_body(const struct isup_msg *msg, uint8_t *out, size_t out_size);

/* Start building a message: sets variant/cic/type/opt_part_allowed, no params. */
void isup_msg_init(struct isup_msg *msg, enum isup_variant variant, uint8_t type, uint16_t cic);
/* Find a parameter by code (first occurrence), NULL if absent. */
struct isup_param *isup_msg_find(struct isup_msg *msg, uint8_t code);
const struct isup_param *isup_msg_find_const(const struct isup_msg *msg, uint8_t code);
/* Set (replace or add) a parameter's raw value. The part (fixed/variable/optional) is taken
 * from the message table; parameters not in the mandatory part go into the optional part
 * (appended after existing optional ones). Returns 0 or a negative enum isup_err. */
int isup_msg_set(struct isup_msg *msg, uint8_t code, const uint8_t *val, uint8_t len);
/* Remove an optional parameter; returns 0 if removed, -1 if not present or mandatory. */
int isup_msg_remove(struct isup_msg *msg, uint8_t code);
/* Check the message has all mandatory parameters with valid fixed lengths. */
int isup_msg_check(const struct isup_msg *msg);
/* Same message (variant, CIC, type, parameters in order / raw body); ignores unused storage. */
bool isup_msg_equal(const struct isup_msg *a, const struct isup_msg *b);

/* Human-readable dump: one line per parameter, typed fields where modelled, hex otherwise.
 * Returns the length that would have been written (snprintf semantics). */
int isup_msg_print(char *buf, size_t size, const struct isup_msg *msg);
/* One-line summary, e.g. "IAM cic=12 cdpn=4930123 cgpn=4940111" */
int isup_msg_summary(char *buf, size_t size, const struct isup_msg *msg);

/* ---------------------------------------------------------------------------------------
 * Typed parameters. Each has decode (raw -> struct, returns 0 or ISUP_ERR_PARAM_VALUE) and
 * encode (struct -> raw, returns length or negative). Spare bits are kept in the struct where a
 * round trip needs them.
 * ------------------------------------------------------------------------------------- */

/* Q.763 3.9/3.10/3.26/3.30/3.39/3.44/3.45/3.46/3.30: party numbers. Digits are a string of
 * '0'..'9', 'A'..'E' for the BCD values 10..14 (B/C = code 11/12); the ST (end of pulsing, 0xF)
 * digit is not part of the string but flagged by 'st'. The odd/even indicator is derived. */
enum isup_number_kind {
	ISUP_NUM_CALLED,	/* 3.9: INN, NPI, digits (ST allowed) */
	ISUP_NUM_CALLING,	/* 3.10: NI, NPI, APRI, screening */
	ISUP_NUM_GENERIC,	/* 3.26: number qualifier octet first, then like calling */
	ISUP_NUM_REDIRECTING,	/* 3.44: like calling, no NI/screening meaning (spare) */
	ISUP_NUM_ORIG_CALLED,	/* 3.39: like redirecting */
	ISUP_NUM_REDIRECTION,	/* 3.46: like called (INN) */
	ISUP_NUM_CONNECTED,	/* 3.16: APRI, screening */
	ISUP_NUM_LOCATION,	/* 3.30: INN, NPI, APRI, screening */
	ISUP_NUM_SUBSEQUENT,	/* 3.51: odd/even + digits only */
};

#define ISUP_MAX_DIGITS 40

enum isup_nai {
	ISUP_NAI_SUBSCRIBER = 1, ISUP_NAI_UNKNOWN = 2, ISUP_NAI_NATIONAL = 3,
	ISUP_NAI_INTERNATIONAL = 4, ISUP_NAI_NETWORK_SPECIFIC = 5,
};
enum isup_apri { ISUP_APRI_ALLOWED = 0, ISUP_APRI_RESTRICTED = 1, ISUP_APRI_NOT_AVAILABLE = 2 };
enum isup_screening {
	ISUP_SCREEN_USER_NOT_VERIFIED = 0, ISUP_SCREEN_USER_VERIFIED_PASSED = 1,
	ISUP_SCREEN_USER_VERIFIED_FAILED = 2, ISUP_SCREEN_NETWORK = 3,
};

struct isup_number {
	uint8_t qualifier;	/* generic number only (number qualifier indicator) */
	uint8_t nai;		/* nature of address indicator, 7 bits */
	uint8_t inn_ni;		/* CdPN/redirection/location: INN (1 = routing to internal
				 * network number not allowed); CgPN/generic: NI (1 = incomplete) */
	uint8_t npi;		/* numbering plan, 3 bits (1 = ISDN E.164) */
	uint8_t apri;		/* enum isup_apri */
	uint8_t screening;	/* enum isup_screening */
	bool st;		/* ST digit (0xF) terminates the digits */
	char digits[ISUP_MAX_DIGITS + 1];
};

/* Decode keeps the indicator octet bit for bit for every kind (H -> inn_ni, GFE -> npi, DC -> apri,
 * BA -> screening, spare bits included); for ISUP_NUM_SUBSEQUENT the 7 spare bits of octet 1 are
 * kept in nai. More than ISUP_MAX_DIGITS digits or an ST digit before the last signal is
 * ISUP_ERR_PARAM_VALUE. Encode accepts 'a'..'e' as well. */
int isup_number_decode(struct isup_number *num, enum isup_number_kind kind, const uint8_t *val, uint8_t len);
int isup_number_encode(const struct isup_number *num, enum isup_number_kind kind, uint8_t *out, size_t out_size);

/* 3.35 Nature of connection indicators */
struct isup_nci {
	uint8_t satellite;	/* BA: 0 none, 1 one, 2 two */
	uint8_t continuity;	/* DC: 0 not required, 1 required on this circuit, 2 performed on previous */
	bool echo_device;	/* E: outgoing half echo control device included */
	uint8_t spare;		/* HGF */
};
int isup_nci_decode(struct isup_nci *p, const uint8_t *val, uint8_t len);
int isup_nci_encode(const struct isup_nci *p, uint8_t *out, size_t out_size);

/* 3.23 Forward call indicators (2 octets) */
struct isup_fci {
	bool international;	/* A */
	uint8_t e2e_method;	/* CB */
	bool interworking;	/* D: interworking encountered */
	bool e2e_info;		/* E */
	bool isup_all_the_way;	/* F */
	uint8_t isup_pref;	/* HG: 0 preferred, 1 not required, 2 required */
	bool orig_access_isdn;	/* I */
	uint8_t sccp_method;	/* KJ */
	bool ported_translated;	/* L */
	bool qor_attempt;	/* M */
	uint8_t spare;		/* PON (reserved for national use) */
};
int isup_fci_decode(struct isup_fci *p, const uint8_t *val, uint8_t len);
int isup_fci_encode(const struct isup_fci *p, uint8_t *out, size_t out_size);

/* 3.5 Backward call indicators (2 octets) */
enum isup_bci_status {
	ISUP_BCI_STATUS_NO_INDICATION = 0, ISUP_BCI_STATUS_SUBSCRIBER_FREE = 1,
	ISUP_BCI_STATUS_CONNECT_WHEN_FREE = 2, ISUP_BCI_STATUS_EXCESSIVE_DELAY = 3,
};
struct isup_bci {
	uint8_t charge;		/* BA: 0 no indication, 1 no charge, 2 charge */
	uint8_t called_status;	/* DC: enum isup_bci_status */
	uint8_t called_category;/* FE: 0 no indication, 1 ordinary, 2 payphone */
	uint8_t e2e_method;	/* HG */
	bool interworking;	/* I */
	bool e2e_info;		/* J */
	bool isup_all_the_way;	/* K */
	bool holding;		/* L */
	bool term_access_isdn;	/* M */
	bool echo_device;	/* N */
	uint8_t sccp_method;	/* PO */
};
int isup_bci_decode(struct isup_bci *p, const uint8_t *val, uint8_t len);
int isup_bci_encode(const struct isup_bci *p, uint8_t *out, size_t out_size);

/* 3.37 Optional backward call indicators */
struct isup_obci {
	bool inband_info;	/* A: in-band information or an appropriate pattern is now available */
	bool diversion_may_occur;/* B */
	bool segmentation;	/* C */
	bool mlpp_user;		/* D */
	uint8_t spare;		/* HGFE */
};
int isup_obci_decode(struct isup_obci *p, const uint8_t *val, uint8_t len);
int isup_obci_encode(const struct isup_obci *p, uint8_t *out, size_t out_size);

/* 3.11 Calling party's category: one octet, used as is (enum values for readability) */
enum isup_cpc {
	ISUP_CPC_UNKNOWN = 0, ISUP_CPC_OPERATOR_FR = 1, ISUP_CPC_OPERATOR_EN = 2,
	ISUP_CPC_OPERATOR_DE = 3, ISUP_CPC_OPERATOR_RU = 4, ISUP_CPC_OPERATOR_ES = 5,
	ISUP_CPC_ORDINARY = 10, ISUP_CPC_PRIORITY = 11, ISUP_CPC_DATA = 12, ISUP_CPC_TEST = 13,
	ISUP_CPC_PAYPHONE = 15,
};
/* 3.54 Transmission medium requirement: one octet */
enum isup_tmr {
	ISUP_TMR_SPEECH = 0, ISUP_TMR_64K_UNRESTRICTED = 2, ISUP_TMR_3K1_AUDIO = 3,
	ISUP_TMR_64K_PREFERRED = 6, ISUP_TMR_2X64K = 7, ISUP_TMR_384K = 8, ISUP_TMR_1536K = 9,
};

/* 3.12 Cause indicators (Q.850) */
enum isup_cause_location {
	ISUP_LOC_USER = 0, ISUP_LOC_PRIV_LOCAL = 1, ISUP_LOC_PUB_LOCAL = 2, ISUP_LOC_TRANSIT = 3,
	ISUP_LOC_PUB_REMOTE = 4, ISUP_LOC_PRIV_REMOTE = 5, ISUP_LOC_INTERNATIONAL = 7,
	ISUP_LOC_BEYOND_IWP = 10,
};
struct isup_cause {
	uint8_t coding_std;	/* 0 ITU-T */
	uint8_t location;	/* enum isup_cause_location */
	bool has_recommendation;/* octet 1a present (ext bit 0 in octet 1) */
	uint8_t recommendation;
	uint8_t value;		/* Q.850 cause value, 7 bits */
	uint8_t diag_len;
	uint8_t diag[32];
};
int isup_cause_decode(struct isup_cause *p, const uint8_t *val, uint8_t len);
int isup_cause_encode(const struct isup_cause *p, uint8_t *out, size_t out_size);
const char *isup_cause_name(uint8_t value);	/* Q.850 text */

/* 3.21 Event information */
enum isup_event {
	ISUP_EVENT_ALERTING = 1, ISUP_EVENT_PROGRESS = 2, ISUP_EVENT_INBAND_INFO = 3,
	ISUP_EVENT_FWD_BUSY = 4, ISUP_EVENT_FWD_NO_REPLY = 5, ISUP_EVENT_FWD_UNCONDITIONAL = 6,
};
struct isup_event_info {
	uint8_t event;		/* 7 bits */
	bool pres_restricted;	/* H */
};
int isup_event_info_decode(struct isup_event_info *p, const uint8_t *val, uint8_t len);
int isup_event_info_encode(const struct isup_event_info *p, uint8_t *out, size_t out_size);

/* 3.43 Range and status. GRS/CQM carry only the range (status_present=false). Bit i of
 * status refers to CIC (message CIC + i). Circuits affected = range + 1. */
struct isup_range_status {
	uint8_t range;
	bool status_present;
	uint8_t status[32];	/* (range+1+7)/8 octets used */
};
int isup_range_status_decode(struct isup_range_status *p, const uint8_t *val, uint8_t len);
int isup_range_status_encode(const struct isup_range_status *p, uint8_t *out, size_t out_size);
bool isup_range_status_bit(const struct isup_range_status *p, unsigned int i);
void isup_range_status_set_bit(struct isup_range_status *p, unsigned int i, bool on);

/* 3.13 Circuit group supervision message type: 0 maintenance, 1 hardware failure, 2 national */
enum isup_cgsmt { ISUP_CGSMT_MAINTENANCE = 0, ISUP_CGSMT_HARDWARE = 1 };

/* 3.52 Suspend/resume indicators: A 0 = ISDN subscriber initiated, 1 = network initiated */
enum isup_sus_res { ISUP_SUSRES_SUBSCRIBER = 0, ISUP_SUSRES_NETWORK = 1 };

/* 3.45 Redirection information */
struct isup_redirection_info {
	uint8_t indicator;	/* CBA */
	uint8_t orig_reason;	/* HGFE */
	uint8_t counter;	/* KJI */
	uint8_t reason;		/* PONM */
	uint8_t spare;		/* L */
};
int isup_redirection_info_decode(struct isup_redirection_info *p, const uint8_t *val, uint8_t len);
int isup_redirection_info_encode(const struct isup_redirection_info *p, uint8_t *out, size_t out_size);

/* 3.80 Hop counter: 5 bits */
/* 3.18 Continuity indicators: bit A 1 = continuity check successful */
/* 3.6 Call diversion information: notification subscription options (CBA), redirecting reason (GFED) */
struct isup_call_diversion {
	uint8_t notification;
	uint8_t reason;
};
int isup_call_diversion_decode(struct isup_call_diversion *p, const uint8_t *val, uint8_t len);
int isup_call_diversion_encode(const struct isup_call_diversion *p, uint8_t *out, size_t out_size);

/* 3.19 Echo control information */
struct isup_echo_control {
	uint8_t out_half_resp;	/* BA */
	uint8_t in_half_resp;	/* DC */
	uint8_t out_half_req;	/* FE */
	uint8_t in_half_req;	/* HG */
};
int isup_echo_control_decode(struct isup_echo_control *p, const uint8_t *val, uint8_t len);
int isup_echo_control_encode(const struct isup_echo_control *p, uint8_t *out, size_t out_size);

/* 3.57 User service information (Q.931 bearer capability octets 3..): the fields an IWF needs */
struct isup_usi {
	uint8_t coding_std;	/* octet 3 bits 7-6 */
	uint8_t itc;		/* information transfer capability, bits 5-1 (0 speech, 8 UDI, 16 3.1k audio) */
	uint8_t transfer_mode;	/* octet 4 bits 7-6 */
	uint8_t transfer_rate;	/* octet 4 bits 5-1 (16 = 64 kbit/s) */
	uint8_t l1_protocol;	/* octet 5 bits 5-1 when present (2 = G.711 mu, 3 = G.711 A), 0 absent */
	uint8_t raw_len;	/* full raw copy for transparency */
	uint8_t raw[16];
};
/* Encode: with raw_len == 0 the octets 3, 4 (and 5 when l1_protocol != 0) are built from the
 * fields; otherwise raw is sent with the modelled fields patched in. */
int isup_usi_decode(struct isup_usi *p, const uint8_t *val, uint8_t len);
int isup_usi_encode(const struct isup_usi *p, uint8_t *out, size_t out_size);

/* Q.763 3.33 / 3.41: compatibility information (Q.764 2.9.5.3), instruction indicators. */
struct isup_compat_instr {
	bool end_node_only;		/* A: 0 transit interpretation, 1 end node interpretation */
	bool release_call;		/* B */
	bool send_notification;		/* C */
	bool discard_msg;		/* D */
	bool discard_param;		/* E (parameter compatibility only) */
	/* message compat: bit E, 0 release call / 1 discard information;
	 * parameter compat: bits GF, 0 release call / 1 discard message / 2 discard parameter */
	uint8_t pass_on_not_possible;
};
/* Message compatibility information (1 octet of instructions) */
int isup_msg_compat_decode(struct isup_compat_instr *p, const uint8_t *val, uint8_t len);
/* Parameter compatibility information: list of (param code, instruction octet) pairs */
struct isup_param_compat {
	unsigned int num;
	struct {
		uint8_t code;
		struct isup_compat_instr instr;
	} entry[32];
};
int isup_param_compat_decode(struct isup_param_compat *p, const uint8_t *val, uint8_t len);
/* Encoders (one instruction octet per entry, extension bit set) */
int isup_msg_compat_encode(const struct isup_compat_instr *p, uint8_t *out, size_t out_size);
int isup_param_compat_encode(const struct isup_param_compat *p, uint8_t *out, size_t out_size);

/* ANSI/ITU CIC helpers */
uint16_t isup_cic_mask(enum isup_variant variant);	/* 0x0fff / 0x3fff */

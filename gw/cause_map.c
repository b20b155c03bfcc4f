/* Q.850 cause <-> SIP status mapping. Tables: RFC 3398 7.2.4.1 (ISUP -> SIP) and 8.2.6.1
 * (SIP -> ISUP); the Q.1912.5 profile keeps only the specific SIP -> cause rows that
 * Q.1912.5 has, defaults to 127 and puts location "network beyond interworking point". */
#include <string.h>
#include <strings.h>
#include "isup/isup.h"
#include "isup/q850.h"
#include "gw/cause_map.h"

/* RFC 3398 7.2.4.1 */
static int rfc3398_isup_to_sip(uint8_t cause, uint8_t location)
{
	switch (cause) {
	case Q850_UNALLOCATED_NUMBER:
	case Q850_NO_ROUTE_TRANSIT_NET:
	case Q850_NO_ROUTE_DESTINATION: return 404;
	case Q850_USER_BUSY: return 486;
	case Q850_NO_USER_RESPONDING: return 408;
	case Q850_NO_ANSWER:
	case Q850_SUBSCRIBER_ABSENT: return 480;
	case Q850_CALL_REJECTED: return location == ISUP_LOC_USER ? 603 : 403;	/* (+) 6xx when the user rejected */
	/* without diagnostic; 301 needs the new number, which we do not carry */
	case Q850_NUMBER_CHANGED: return 410;
	case Q850_REDIRECTION_NEW_DEST: return 410;
	case Q850_NON_SELECTED_USER_CLEARING: return 404;
	case Q850_DESTINATION_OUT_OF_ORDER: return 502;
	case Q850_INVALID_NUMBER_FORMAT: return 484;
	case Q850_FACILITY_REJECTED: return 501;	/* the RFC prints 510; 501 Not Implemented is what is meant */
	case Q850_NORMAL_UNSPECIFIED: return 480;
	case Q850_NO_CIRCUIT_AVAILABLE:
	case Q850_NETWORK_OUT_OF_ORDER:
	case Q850_TEMPORARY_FAILURE:
	case Q850_SWITCHING_EQUIP_CONGESTION:
	case Q850_RESOURCE_UNAVAILABLE: return 503;
	case Q850_INCOMING_BARRED_CUG:
	case Q850_BEARER_CAP_NOT_AUTHORIZED: return 403;
	case Q850_BEARER_CAP_NOT_AVAILABLE: return 503;
	case Q850_BEARER_CAP_NOT_IMPLEMENTED:
	case Q850_RESTRICTED_DIGITAL_ONLY: return 488;
	case Q850_SERVICE_NOT_IMPLEMENTED: return 501;
	case Q850_CUG_NOT_MEMBER: return 403;
	case Q850_INCOMPATIBLE_DESTINATION: return 503;
	case Q850_RECOVERY_ON_TIMER_EXPIRY: return 504;
	case Q850_PROTOCOL_ERROR: return 500;
	case Q850_INTERWORKING: return 500;
	case Q850_NORMAL_CLEARING: return 480;	/* normal clearing before answer: no specific row */
	default:
		break;
	}
	/* not in the table: by class (Q.850 classes), as common practice does */
	if (cause < 32)
		return 480;
	if (cause < 48)
		return 503;
	if (cause < 64)
		return 503;
	if (cause < 80)
		return 501;
	return 500;
}

/* Q.1912.5 receipt of REL: largely the RFC 3398 table; 18 -> 480, 21 -> 603 (user) */
static int q1912_isup_to_sip(uint8_t cause, uint8_t location)
{
	switch (cause) {
	case Q850_NO_USER_RESPONDING: return 480;
	case Q850_CALL_REJECTED: return location == ISUP_LOC_USER ? 603 : 403;
	default: return rfc3398_isup_to_sip(cause, location);
	}
}

int gw_cause_to_sip_status(enum gw_cause_profile prof, const struct gw_cause_overrides *ovr,
			   uint8_t cause, uint8_t location)
{
	cause &= 0x7f;
	if (ovr && ovr->isup_to_sip[cause])
		return ovr->isup_to_sip[cause];
	return prof == GW_CAUSE_PROFILE_Q1912 ? q1912_isup_to_sip(cause, location)
					      : rfc3398_isup_to_sip(cause, location);
}

/* RFC 3398 8.2.6.1; 0 = no mapping */
static uint8_t rfc3398_sip_to_isup(int status)
{
	switch (status) {
	case 400: return Q850_TEMPORARY_FAILURE;
	case 401: case 402: case 403: return Q850_CALL_REJECTED;
	case 404: return Q850_UNALLOCATED_NUMBER;
	case 405: return Q850_SERVICE_NOT_AVAILABLE;
	case 406: return Q850_SERVICE_NOT_IMPLEMENTED;
	case 407: return Q850_CALL_REJECTED;
	case 408: return Q850_RECOVERY_ON_TIMER_EXPIRY;
	case 410: return Q850_NUMBER_CHANGED;
	case 413: case 414: return Q850_INTERWORKING;
	case 415: return Q850_SERVICE_NOT_IMPLEMENTED;
	case 416: case 420: case 421: case 423: return Q850_INTERWORKING;
	case 480: return Q850_NO_USER_RESPONDING;
	case 481: return Q850_TEMPORARY_FAILURE;
	case 482: case 483: return Q850_EXCHANGE_ROUTING_ERROR;
	case 484: return Q850_INVALID_NUMBER_FORMAT;
	case 485: return Q850_UNALLOCATED_NUMBER;
	case 486: return Q850_USER_BUSY;
	case 487: return 0;
	case 500: return Q850_TEMPORARY_FAILURE;
	case 501: return Q850_SERVICE_NOT_IMPLEMENTED;
	case 502: return Q850_NETWORK_OUT_OF_ORDER;
	case 503: return Q850_TEMPORARY_FAILURE;
	case 504: return Q850_RECOVERY_ON_TIMER_EXPIRY;
	case 505: return Q850_INTERWORKING;
	case 513: return Q850_INTERWORKING;
	case 600: return Q850_USER_BUSY;
	case 603: return Q850_CALL_REJECTED;
	case 604: return Q850_UNALLOCATED_NUMBER;
	default: return Q850_NORMAL_UNSPECIFIED;	/* "codes not listed" */
	}
}

static uint8_t q1912_sip_to_isup(int status)
{
	switch (status) {
	case 404: return Q850_UNALLOCATED_NUMBER;
	case 410: return Q850_NUMBER_CHANGED;
	case 480: return Q850_SUBSCRIBER_ABSENT;
	case 484: return Q850_INVALID_NUMBER_FORMAT;
	case 486: return Q850_USER_BUSY;
	case 487: return 0;
	case 600: return Q850_USER_BUSY;
	case 603: return Q850_CALL_REJECTED;
	case 604: return Q850_UNALLOCATED_NUMBER;
	default: return Q850_INTERWORKING;
	}
}

uint8_t gw_sip_status_to_cause(enum gw_cause_profile prof, const struct gw_cause_overrides *ovr,
			       int status, int reason_cause, uint8_t *location)
{
	uint8_t cause;
	uint8_t loc;
	if (prof == GW_CAUSE_PROFILE_Q1912)
		loc = ISUP_LOC_BEYOND_IWP;
	else
		loc = status >= 600 ? ISUP_LOC_USER : ISUP_LOC_PUB_REMOTE;	/* RFC 3398: user / network */
	if (location)
		*location = loc;
	if (reason_cause > 0 && reason_cause < 128)
		return reason_cause;
	if (ovr && status >= 0 && status < 700 && ovr->sip_to_isup[status])
		return ovr->sip_to_isup[status];
	cause = prof == GW_CAUSE_PROFILE_Q1912 ? q1912_sip_to_isup(status) : rfc3398_sip_to_isup(status);
	return cause;
}

uint8_t gw_bye_cause(enum gw_cause_profile prof, int reason_cause)
{
	if (reason_cause > 0 && reason_cause < 128)
		return reason_cause;
	return Q850_NORMAL_CLEARING;
}

uint8_t gw_cancel_cause(enum gw_cause_profile prof, int reason_cause)
{
	if (reason_cause > 0 && reason_cause < 128)
		return reason_cause;
	/* Q.1912.5 / RFC 3398 5.8 */
	return prof == GW_CAUSE_PROFILE_Q1912 ? Q850_NORMAL_UNSPECIFIED : Q850_NORMAL_CLEARING;
}

/* RFC 8606 */
static const struct {
	uint8_t loc;
	const char *tok;
} loc_tokens[] = {
	{ ISUP_LOC_USER, "U" }, { ISUP_LOC_PRIV_LOCAL, "LPN" }, { ISUP_LOC_PUB_LOCAL, "LN" },
	{ ISUP_LOC_TRANSIT, "TN" }, { ISUP_LOC_PUB_REMOTE, "RLN" }, { ISUP_LOC_PRIV_REMOTE, "RPN" },
	{ ISUP_LOC_INTERNATIONAL, "INTL" }, { ISUP_LOC_BEYOND_IWP, "BI" },
};

const char *gw_location_token(uint8_t location)
{
	for (unsigned int i = 0; i < sizeof(loc_tokens) / sizeof(loc_tokens[0]); i++)
		if (loc_tokens[i].loc == location)
			return loc_tokens[i].tok;
	return NULL;
}

int gw_location_from_token(const char *token)
{
	for (unsigned int i = 0; token && i < sizeof(loc_tokens) / sizeof(loc_tokens[0]); i++)
		if (!strcasecmp(loc_tokens[i].tok, token))
			return loc_tokens[i].loc;
	return -1;
}

const char *gw_cause_profile_name(enum gw_cause_profile prof)
{
	return prof == GW_CAUSE_PROFILE_Q1912 ? "q1912" : "rfc3398";
}

int gw_cause_profile_from_name(const char *name)
{
	if (!strcasecmp(name, "rfc3398"))
		return GW_CAUSE_PROFILE_RFC3398;
	if (!strcasecmp(name, "q1912"))
		return GW_CAUSE_PROFILE_Q1912;
	return -1;
}

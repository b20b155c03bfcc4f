/* Q.850 cause <-> SIP status mapping. Tables: RFC 3398 7.2.4.1 (ISUP -> SIP) and 8.2.6.1
 * (SIP -> ISUP); the Q.1912.5 profile keeps only the specific SIP -> cause rows that
 * Q.1912.5 has, defaults to 127 and puts location "network beyond interworking point". */
#include <string.h>
#include <strings.h>
#include "isup/isup.h"
#include "gw/cause_map.h"

/* RFC 3398 7.2.4.1 */
static int rfc3398_isup_to_sip(uint8_t cause, uint8_t location)
{
	switch (cause) {
	case 1: case 2: case 3: return 404;
	case 17: return 486;
	case 18: return 408;
	case 19: case 20: return 480;
	case 21: return location == ISUP_LOC_USER ? 603 : 403;	/* (+) 6xx when the user rejected */
	case 22: return 410;	/* without diagnostic; 301 needs the new number, which we do not carry */
	case 23: return 410;
	case 26: return 404;
	case 27: return 502;
	case 28: return 484;
	case 29: return 501;	/* the RFC prints 510; 501 Not Implemented is what is meant */
	case 31: return 480;
	case 34: case 38: case 41: case 42: case 47: return 503;
	case 55: case 57: return 403;
	case 58: return 503;
	case 65: case 70: return 488;
	case 79: return 501;
	case 87: return 403;
	case 88: return 503;
	case 102: return 504;
	case 111: return 500;
	case 127: return 500;
	case 16: return 480;	/* normal clearing before answer: no specific row */
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
	case 18: return 480;
	case 21: return location == ISUP_LOC_USER ? 603 : 403;
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
	case 400: return 41;
	case 401: case 402: case 403: return 21;
	case 404: return 1;
	case 405: return 63;
	case 406: return 79;
	case 407: return 21;
	case 408: return 102;
	case 410: return 22;
	case 413: case 414: return 127;
	case 415: return 79;
	case 416: case 420: case 421: case 423: return 127;
	case 480: return 18;
	case 481: return 41;
	case 482: case 483: return 25;
	case 484: return 28;
	case 485: return 1;
	case 486: return 17;
	case 487: return 0;
	case 500: return 41;
	case 501: return 79;
	case 502: return 38;
	case 503: return 41;
	case 504: return 102;
	case 505: return 127;
	case 513: return 127;
	case 600: return 17;
	case 603: return 21;
	case 604: return 1;
	default: return 31;	/* "codes not listed" */
	}
}

static uint8_t q1912_sip_to_isup(int status)
{
	switch (status) {
	case 404: return 1;
	case 410: return 22;
	case 480: return 20;
	case 484: return 28;
	case 486: return 17;
	case 487: return 0;
	case 600: return 17;
	case 603: return 21;
	case 604: return 1;
	default: return 127;
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
	return 16;
}

uint8_t gw_cancel_cause(enum gw_cause_profile prof, int reason_cause)
{
	if (reason_cause > 0 && reason_cause < 128)
		return reason_cause;
	return prof == GW_CAUSE_PROFILE_Q1912 ? 31 : 16;	/* Q.1912.5 / RFC 3398 5.8 */
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

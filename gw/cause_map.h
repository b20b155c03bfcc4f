/* Q.850 cause <-> SIP status mapping (RFC 3398 7.2.4.1 / 8.2.6.1 and the Q.1912.5 profile),
 * with per-trunk overrides and the Reason header (RFC 3326 / RFC 6432 / RFC 8606) rules. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

enum gw_cause_profile {
	GW_CAUSE_PROFILE_RFC3398,
	GW_CAUSE_PROFILE_Q1912,
};

/* Per-trunk overrides; 0 = no override for that entry. */
struct gw_cause_overrides {
	uint16_t isup_to_sip[128];	/* cause -> status */
	uint8_t sip_to_isup[700];	/* status -> cause */
};

/* ISUP -> SIP: the final response for a REL (or other release) with this cause/location.
 * Never returns a 2xx; cause 16 (normal clearing, which "usually results in BYE/CANCEL")
 * maps to 480 when a response has to be sent. */
int gw_cause_to_sip_status(enum gw_cause_profile prof, const struct gw_cause_overrides *ovr,
			   uint8_t cause, uint8_t location);

/* SIP -> ISUP: the cause for the REL sent because of a final response 'status'.
 * reason_cause (> 0) from a Reason: Q.850 header wins over the table (RFC 6432, Q.1912.5).
 * Returns 0 when the status must not be mapped (487 after our own CANCEL, 488/606 handled
 * by the caller via Warning); *location gets the location to put into the REL. */
uint8_t gw_sip_status_to_cause(enum gw_cause_profile prof, const struct gw_cause_overrides *ovr,
			       int status, int reason_cause, uint8_t *location);

/* REL cause for a BYE / CANCEL received without or with a Reason: Q.850 (0 = none). */
uint8_t gw_bye_cause(enum gw_cause_profile prof, int reason_cause);
uint8_t gw_cancel_cause(enum gw_cause_profile prof, int reason_cause);

/* RFC 8606 location tokens <-> Q.850 location values */
const char *gw_location_token(uint8_t location);	/* NULL for unknown values */
int gw_location_from_token(const char *token);		/* -1 unknown */

const char *gw_cause_profile_name(enum gw_cause_profile prof);
int gw_cause_profile_from_name(const char *name);	/* -1 unknown */

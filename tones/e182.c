/* E.182 application of tones: which tone for which outcome, and its name. */
#include "tones/tones.h"
#include "isup/q850.h"

static const char *const names[_NUM_TONES] = {
	[TONE_NONE] = "none", [TONE_DIAL] = "dial", [TONE_RINGING] = "ringing", [TONE_BUSY] = "busy",
	[TONE_CONGESTION] = "congestion", [TONE_CALL_WAITING] = "call-waiting", [TONE_SIT] = "sit",
};

static const char *const phrases[_NUM_TONES] = {
	[TONE_NONE] = "Session Progress", [TONE_DIAL] = "Dial Tone", [TONE_RINGING] = "Ringing Tone",
	[TONE_BUSY] = "Busy Tone", [TONE_CONGESTION] = "Congestion Tone",
	[TONE_CALL_WAITING] = "Call Waiting Tone", [TONE_SIT] = "Special Information Tone",
};

const char *tone_name(enum tone_id tone)
{
	return (tone >= 0 && tone < _NUM_TONES) ? names[tone] : "?";
}

const char *tone_e182_phrase(enum tone_id tone)
{
	return (tone >= 0 && tone < _NUM_TONES) ? phrases[tone] : phrases[TONE_NONE];
}

enum tone_id tone_for_cause(int cause)
{
	switch (cause) {
	case Q850_USER_BUSY:
		return TONE_BUSY;
	case Q850_NO_CIRCUIT_AVAILABLE:
	case Q850_NETWORK_OUT_OF_ORDER:
	case Q850_TEMPORARY_FAILURE:
	case Q850_SWITCHING_EQUIP_CONGESTION:
	case Q850_REQUESTED_CCT_UNAVAILABLE:
	case Q850_RESOURCE_UNAVAILABLE:
		return TONE_CONGESTION;
	default:			/* unallocated number, number changed, out of order, ... */
		return TONE_SIT;
	}
}

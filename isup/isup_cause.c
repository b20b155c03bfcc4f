/* Q.763 3.12 Cause indicators (coded as Q.850 2.2) and the Q.850 cause texts */
#include <string.h>

#include "isup/isup_internal.h"

/* Q.850 2.2: octet 1 ext, coding standard (GF), spare (E), location (DCBA);
 * octet 1a (only when octet 1 ext = 0) ext, recommendation; octet 2 ext, cause value;
 * octets 3.. diagnostics */
int isup_cause_decode(struct isup_cause *p, const uint8_t *val, uint8_t len)
{
	unsigned int pos = 0;

	memset(p, 0, sizeof(*p));
	if (!val || len < 2)
		return ISUP_ERR_PARAM_VALUE;
	p->coding_std = (val[0] >> 5) & 3;
	p->location = val[0] & 0xf;
	pos = 1;
	if (!(val[0] & 0x80)) {
		p->has_recommendation = true;
		p->recommendation = val[1] & 0x7f;
		pos = 2;
		if (len < 3)
			return ISUP_ERR_PARAM_VALUE;
	}
	p->value = val[pos++] & 0x7f;
	if (len - pos > sizeof(p->diag))
		return ISUP_ERR_PARAM_VALUE;
	p->diag_len = len - pos;
	memcpy(p->diag, val + pos, p->diag_len);
	return 0;
}

int isup_cause_encode(const struct isup_cause *p, uint8_t *out, size_t out_size)
{
	unsigned int pos = 0, len;

	if (p->coding_std > 3 || p->location > 15 || p->value > 0x7f || p->recommendation > 0x7f ||
	    p->diag_len > sizeof(p->diag))
		return ISUP_ERR_INVAL;
	len = 2 + (p->has_recommendation ? 1 : 0) + p->diag_len;
	if (!out || out_size < len)
		return ISUP_ERR_BUFFER;
	out[pos++] = (p->has_recommendation ? 0 : 0x80) | (p->coding_std << 5) | p->location;
	if (p->has_recommendation)
		out[pos++] = 0x80 | p->recommendation;
	out[pos++] = 0x80 | p->value;
	memcpy(out + pos, p->diag, p->diag_len);
	return len;
}

/* Q.850 Table 1 */
static const char *const cause_names[128] = {
	[1] = "Unallocated (unassigned) number",
	[2] = "No route to specified transit network",
	[3] = "No route to destination",
	[4] = "Send special information tone",
	[5] = "Misdialled trunk prefix",
	[6] = "Channel unacceptable",
	[7] = "Call awarded and being delivered in an established channel",
	[8] = "Preemption",
	[9] = "Preemption - circuit reserved for reuse",
	[14] = "QoR: ported number",
	[16] = "Normal call clearing",
	[17] = "User busy",
	[18] = "No user responding",
	[19] = "No answer from user (user alerted)",
	[20] = "Subscriber absent",
	[21] = "Call rejected",
	[22] = "Number changed",
	[23] = "Redirection to new destination",
	[24] = "Call rejected due to feature at the destination",
	[25] = "Exchange routing error",
	[26] = "Non-selected user clearing",
	[27] = "Destination out of order",
	[28] = "Invalid number format (address incomplete)",
	[29] = "Facility rejected",
	[30] = "Response to STATUS ENQUIRY",
	[31] = "Normal, unspecified",
	[34] = "No circuit/channel available",
	[38] = "Network out of order",
	[39] = "Permanent frame mode connection out of service",
	[40] = "Permanent frame mode connection operational",
	[41] = "Temporary failure",
	[42] = "Switching equipment congestion",
	[43] = "Access information discarded",
	[44] = "Requested circuit/channel not available",
	[46] = "Precedence call blocked",
	[47] = "Resource unavailable, unspecified",
	[49] = "Quality of service not available",
	[50] = "Requested facility not subscribed",
	[53] = "Outgoing calls barred within CUG",
	[55] = "Incoming calls barred within CUG",
	[57] = "Bearer capability not authorized",
	[58] = "Bearer capability not presently available",
	[62] = "Inconsistency in designated outgoing access information and subscriber class",
	[63] = "Service or option not available, unspecified",
	[65] = "Bearer capability not implemented",
	[66] = "Channel type not implemented",
	[69] = "Requested facility not implemented",
	[70] = "Only restricted digital information bearer capability is available",
	[79] = "Service or option not implemented, unspecified",
	[81] = "Invalid call reference value",
	[82] = "Identified channel does not exist",
	[83] = "A suspended call exists, but this call identity does not",
	[84] = "Call identity in use",
	[85] = "No call suspended",
	[86] = "Call having the requested call identity has been cleared",
	[87] = "User not member of CUG",
	[88] = "Incompatible destination",
	[90] = "Non-existent CUG",
	[91] = "Invalid transit network selection",
	[95] = "Invalid message, unspecified",
	[96] = "Mandatory information element is missing",
	[97] = "Message type non-existent or not implemented",
	[98] = "Message not compatible with call state or message type non-existent or not implemented",
	[99] = "Information element /parameter non-existent or not implemented",
	[100] = "Invalid information element contents",
	[101] = "Message not compatible with call state",
	[102] = "Recovery on timer expiry",
	[103] = "Parameter non-existent or not implemented, passed on",
	[110] = "Message with unrecognized parameter, discarded",
	[111] = "Protocol error, unspecified",
	[127] = "Interworking, unspecified",
};

const char *isup_cause_name(uint8_t value)
{
	if (value < 128 && cause_names[value])
		return cause_names[value];
	return "Unknown cause";
}

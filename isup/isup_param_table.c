/* ISUP parameter names (Q.763 Table 5) and the short names used by isup_msg_print */
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include "isup/isup_internal.h"

struct param_name {
	const char *name;
	const char *short_name;
};

static const struct param_name param_names[256] = {
	[0x00] = { "End of optional parameters", "eop" },
	[0x01] = { "Call reference", "callref" },
	[0x02] = { "Transmission medium requirement", "tmr" },
	[0x03] = { "Access transport", "atp" },
	[0x04] = { "Called party number", "cdpn" },
	[0x05] = { "Subsequent number", "subn" },
	[0x06] = { "Nature of connection indicators", "nci" },
	[0x07] = { "Forward call indicators", "fci" },
	[0x08] = { "Optional forward call indicators", "ofci" },
	[0x09] = { "Calling party's category", "cpc" },
	[0x0a] = { "Calling party number", "cgpn" },
	[0x0b] = { "Redirecting number", "rdgn" },
	[0x0c] = { "Redirection number", "rdnn" },
	[0x0d] = { "Connection request", "connreq" },
	[0x0e] = { "Information request indicators", "inri" },
	[0x0f] = { "Information indicators", "infi" },
	[0x10] = { "Continuity indicators", "cont" },
	[0x11] = { "Backward call indicators", "bci" },
	[0x12] = { "Cause indicators", "cause" },
	[0x13] = { "Redirection information", "rdinfo" },
	[0x15] = { "Circuit group supervision message type", "cgsmt" },
	[0x16] = { "Range and status", "rs" },
	[0x18] = { "Facility indicator", "faci" },
	[0x1a] = { "Closed user group interlock code", "cug" },
	[0x1d] = { "User service information", "usi" },
	[0x1e] = { "Signalling point code", "spc" },
	[0x20] = { "User-to-user information", "uui" },
	[0x21] = { "Connected number", "connn" },
	[0x22] = { "Suspend/resume indicators", "sri" },
	[0x23] = { "Transit network selection", "tns" },
	[0x24] = { "Event information", "event" },
	[0x25] = { "Circuit assignment map", "cam" },
	[0x26] = { "Circuit state indicator", "csi" },
	[0x27] = { "Automatic congestion level", "acl" },
	[0x28] = { "Original called number", "ocn" },
	[0x29] = { "Optional backward call indicators", "obci" },
	[0x2a] = { "User-to-user indicators", "uuind" },
	[0x2b] = { "Origination ISC point code", "iscpc" },
	[0x2c] = { "Generic notification indicator", "gni" },
	[0x2d] = { "Call history information", "chi" },
	[0x2e] = { "Access delivery information", "adi" },
	[0x2f] = { "Network specific facility", "nsf" },
	[0x30] = { "User service information prime", "usip" },
	[0x31] = { "Propagation delay counter", "pdc" },
	[0x32] = { "Remote operations", "rop" },
	[0x33] = { "Service activation", "sa" },
	[0x34] = { "User teleservice information", "uti" },
	[0x35] = { "Transmission medium used", "tmu" },
	[0x36] = { "Call diversion information", "cdi" },
	[0x37] = { "Echo control information", "eci" },
	[0x38] = { "Message compatibility information", "mci" },
	[0x39] = { "Parameter compatibility information", "pci" },
	[0x3a] = { "MLPP precedence", "mlpp" },
	[0x3b] = { "MCID request indicators", "mcidreq" },
	[0x3c] = { "MCID response indicators", "mcidrsp" },
	[0x3d] = { "Hop counter", "hop" },
	[0x3e] = { "Transmission medium requirement prime", "tmrp" },
	[0x3f] = { "Location number", "locn" },
	[0x40] = { "Redirection number restriction", "rnr" },
	[0x43] = { "Call transfer reference", "ctr" },
	[0x44] = { "Loop prevention indicators", "lpi" },
	[0x45] = { "Call transfer number", "ctn" },
	[0x4b] = { "CCSS", "ccss" },
	[0x4c] = { "Forward GVNS", "fgvns" },
	[0x4d] = { "Backward GVNS", "bgvns" },
	[0x4e] = { "Redirect capability", "rcap" },
	[0x5b] = { "Network management controls", "nmc" },
	[0x65] = { "Correlation id", "corrid" },
	[0x66] = { "SCF id", "scfid" },
	[0x6e] = { "Call diversion treatment indicators", "cdti" },
	[0x6f] = { "Called IN number", "cinn" },
	[0x70] = { "Call offering treatment indicators", "cofti" },
	[0x71] = { "Charged party identification", "cpi" },
	[0x72] = { "Conference treatment indicators", "confti" },
	[0x73] = { "Display information", "disp" },
	[0x74] = { "UID action indicators", "uidai" },
	[0x75] = { "UID capability indicators", "uidci" },
	[0x77] = { "Redirect counter", "rcnt" },
	[0x78] = { "Application transport", "apt" },
	[0x79] = { "Collect call request", "ccreq" },
	[0x81] = { "Calling geodetic location", "cgl" },
	[0xc0] = { "Generic number", "gn" },
	[0xc1] = { "Generic digits", "gd" },
	/* T1.113 */
	[0xe5] = { "Circuit group characteristics indicator (ANSI)", "cgci" },
	[0xe6] = { "Circuit validation response indicator (ANSI)", "cvri" },
};

#define H(h, l)	"0x" #h #l
#define H16(h)	H(h, 0), H(h, 1), H(h, 2), H(h, 3), H(h, 4), H(h, 5), H(h, 6), H(h, 7), \
		H(h, 8), H(h, 9), H(h, a), H(h, b), H(h, c), H(h, d), H(h, e), H(h, f)
static const char *const hex_names[256] = {
	H16(0), H16(1), H16(2), H16(3), H16(4), H16(5), H16(6), H16(7),
	H16(8), H16(9), H16(a), H16(b), H16(c), H16(d), H16(e), H16(f),
};

const char *isup_param_name(uint8_t code)
{
	return param_names[code].name ? param_names[code].name : "Unknown parameter";
}

/* Never NULL: parameters without a short name are named by their code ("0x5c") */
const char *isup_param_short_name(uint8_t code)
{
	return param_names[code].short_name ? param_names[code].short_name : hex_names[code];
}

int isup_param_code_from_name(const char *name)
{
	char *end;
	long v;

	if (!name || !*name)
		return -1;
	for (unsigned int i = 0; i < 256; i++) {
		if (param_names[i].short_name && !strcasecmp(param_names[i].short_name, name))
			return i;
	}
	if (name[0] < '0' || name[0] > '9')
		return -1;
	v = strtol(name, &end, 0);
	if (*end || v < 0 || v > 255)
		return -1;
	return (int)v;
}

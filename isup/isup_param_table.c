/* ISUP parameters (Q.763 Table 5): names, the short names used by isup_msg_print, and which are
 * recognised here */
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include "isup/isup_internal.h"

struct param_def {
	const char *name;
	const char *short_name;
	bool known;		/* recognised here (Q.764 2.9.5.3: the others are "unrecognised") */
};

/* A parameter of Q.763 Table 5 (or T1.113) this implementation recognises */
#define KNOWN(n, s) { .name = (n), .short_name = (s), .known = true }

static const struct param_def param_defs[256] = {
	[0x00] = KNOWN("End of optional parameters", "eop"),
	[0x01] = KNOWN("Call reference", "callref"),
	[0x02] = KNOWN("Transmission medium requirement", "tmr"),
	[0x03] = KNOWN("Access transport", "atp"),
	[0x04] = KNOWN("Called party number", "cdpn"),
	[0x05] = KNOWN("Subsequent number", "subn"),
	[0x06] = KNOWN("Nature of connection indicators", "nci"),
	[0x07] = KNOWN("Forward call indicators", "fci"),
	[0x08] = KNOWN("Optional forward call indicators", "ofci"),
	[0x09] = KNOWN("Calling party's category", "cpc"),
	[0x0a] = KNOWN("Calling party number", "cgpn"),
	[0x0b] = KNOWN("Redirecting number", "rdgn"),
	[0x0c] = KNOWN("Redirection number", "rdnn"),
	[0x0d] = KNOWN("Connection request", "connreq"),
	[0x0e] = KNOWN("Information request indicators", "inri"),
	[0x0f] = KNOWN("Information indicators", "infi"),
	[0x10] = KNOWN("Continuity indicators", "cont"),
	[0x11] = KNOWN("Backward call indicators", "bci"),
	[0x12] = KNOWN("Cause indicators", "cause"),
	[0x13] = KNOWN("Redirection information", "rdinfo"),
	[0x15] = KNOWN("Circuit group supervision message type", "cgsmt"),
	[0x16] = KNOWN("Range and status", "rs"),
	[0x18] = KNOWN("Facility indicator", "faci"),
	[0x1a] = KNOWN("Closed user group interlock code", "cug"),
	[0x1d] = KNOWN("User service information", "usi"),
	[0x1e] = KNOWN("Signalling point code", "spc"),
	[0x20] = KNOWN("User-to-user information", "uui"),
	[0x21] = KNOWN("Connected number", "connn"),
	[0x22] = KNOWN("Suspend/resume indicators", "sri"),
	[0x23] = KNOWN("Transit network selection", "tns"),
	[0x24] = KNOWN("Event information", "event"),
	[0x25] = KNOWN("Circuit assignment map", "cam"),
	[0x26] = KNOWN("Circuit state indicator", "csi"),
	[0x27] = KNOWN("Automatic congestion level", "acl"),
	[0x28] = KNOWN("Original called number", "ocn"),
	[0x29] = KNOWN("Optional backward call indicators", "obci"),
	[0x2a] = KNOWN("User-to-user indicators", "uuind"),
	[0x2b] = KNOWN("Origination ISC point code", "iscpc"),
	[0x2c] = KNOWN("Generic notification indicator", "gni"),
	[0x2d] = KNOWN("Call history information", "chi"),
	[0x2e] = KNOWN("Access delivery information", "adi"),
	[0x2f] = KNOWN("Network specific facility", "nsf"),
	[0x30] = KNOWN("User service information prime", "usip"),
	[0x31] = KNOWN("Propagation delay counter", "pdc"),
	[0x32] = KNOWN("Remote operations", "rop"),
	[0x33] = KNOWN("Service activation", "sa"),
	[0x34] = KNOWN("User teleservice information", "uti"),
	[0x35] = KNOWN("Transmission medium used", "tmu"),
	[0x36] = KNOWN("Call diversion information", "cdi"),
	[0x37] = KNOWN("Echo control information", "eci"),
	[0x38] = KNOWN("Message compatibility information", "mci"),
	[0x39] = KNOWN("Parameter compatibility information", "pci"),
	[0x3a] = KNOWN("MLPP precedence", "mlpp"),
	[0x3b] = KNOWN("MCID request indicators", "mcidreq"),
	[0x3c] = KNOWN("MCID response indicators", "mcidrsp"),
	[0x3d] = KNOWN("Hop counter", "hop"),
	[0x3e] = KNOWN("Transmission medium requirement prime", "tmrp"),
	[0x3f] = KNOWN("Location number", "locn"),
	[0x40] = KNOWN("Redirection number restriction", "rnr"),
	[0x43] = KNOWN("Call transfer reference", "ctr"),
	[0x44] = KNOWN("Loop prevention indicators", "lpi"),
	[0x45] = KNOWN("Call transfer number", "ctn"),
	[0x4b] = KNOWN("CCSS", "ccss"),
	[0x4c] = KNOWN("Forward GVNS", "fgvns"),
	[0x4d] = KNOWN("Backward GVNS", "bgvns"),
	[0x4e] = KNOWN("Redirect capability", "rcap"),
	[0x5b] = KNOWN("Network management controls", "nmc"),
	[0x65] = KNOWN("Correlation id", "corrid"),
	[0x66] = KNOWN("SCF id", "scfid"),
	[0x6e] = KNOWN("Call diversion treatment indicators", "cdti"),
	[0x6f] = KNOWN("Called IN number", "cinn"),
	[0x70] = KNOWN("Call offering treatment indicators", "cofti"),
	[0x71] = KNOWN("Charged party identification", "cpi"),
	[0x72] = KNOWN("Conference treatment indicators", "confti"),
	[0x73] = KNOWN("Display information", "disp"),
	[0x74] = KNOWN("UID action indicators", "uidai"),
	[0x75] = KNOWN("UID capability indicators", "uidci"),
	[0x77] = KNOWN("Redirect counter", "rcnt"),
	[0x78] = KNOWN("Application transport", "apt"),
	[0x79] = KNOWN("Collect call request", "ccreq"),
	[0x81] = KNOWN("Calling geodetic location", "cgl"),
	[0xc0] = KNOWN("Generic number", "gn"),
	[0xc1] = KNOWN("Generic digits", "gd"),
	/* T1.113 */
	[0xe5] = KNOWN("Circuit group characteristics indicator (ANSI)", "cgci"),
	[0xe6] = KNOWN("Circuit validation response indicator (ANSI)", "cvri"),
};

#define H(h, l)	"0x" #h #l
#define H16(h)	H(h, 0), H(h, 1), H(h, 2), H(h, 3), H(h, 4), H(h, 5), H(h, 6), H(h, 7), \
		H(h, 8), H(h, 9), H(h, a), H(h, b), H(h, c), H(h, d), H(h, e), H(h, f)
static const char *const hex_names[256] = {
	H16(0), H16(1), H16(2), H16(3), H16(4), H16(5), H16(6), H16(7),
	H16(8), H16(9), H16(a), H16(b), H16(c), H16(d), H16(e), H16(f),
};

bool isup_param_known(uint8_t code)
{
	return param_defs[code].known;
}

const char *isup_param_name(uint8_t code)
{
	return param_defs[code].name ? param_defs[code].name : "Unknown parameter";
}

/* Never NULL: parameters without a short name are named by their code ("0x5c") */
const char *isup_param_short_name(uint8_t code)
{
	return param_defs[code].short_name ? param_defs[code].short_name : hex_names[code];
}

int isup_param_code_from_name(const char *name)
{
	char *end;
	long v;

	if (!name || !*name)
		return -1;
	for (unsigned int i = 0; i < 256; i++) {
		if (param_defs[i].short_name && !strcasecmp(param_defs[i].short_name, name))
			return i;
	}
	if (name[0] < '0' || name[0] > '9')
		return -1;
	v = strtol(name, &end, 0);
	if (*end || v < 0 || v > 255)
		return -1;
	return (int)v;
}

/* ISUP message table: names and mandatory layouts (Q.763 clause 4, T1.113.3 for ANSI) */
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include "isup/isup_internal.h"

#define F(c, l)	{ .code = (c), .len = (l) }

/* Q.763 clause 4 (ITU); also used for ANSI except where overridden below */
static const struct isup_msg_def itu_defs[] = {
	{ ISUP_IAM, 4, { F(ISUP_PRM_NCI, 1), F(ISUP_PRM_FCI, 2), F(ISUP_PRM_CPC, 1), F(ISUP_PRM_TMR, 1) },
	  1, { ISUP_PRM_CALLED_NUM }, true },
	{ ISUP_SAM, 0, {}, 1, { ISUP_PRM_SUBSEQUENT_NUM }, true },
	{ ISUP_INR, 1, { F(ISUP_PRM_INFO_REQ_IND, 2) }, 0, {}, true },
	{ ISUP_INF, 1, { F(ISUP_PRM_INFO_IND, 2) }, 0, {}, true },
	{ ISUP_COT, 1, { F(ISUP_PRM_CONTINUITY_IND, 1) }, 0, {}, false },
	{ ISUP_ACM, 1, { F(ISUP_PRM_BCI, 2) }, 0, {}, true },
	{ ISUP_CON, 1, { F(ISUP_PRM_BCI, 2) }, 0, {}, true },
	{ ISUP_FOT, 0, {}, 0, {}, true },
	{ ISUP_ANM, 0, {}, 0, {}, true },
	{ ISUP_REL, 0, {}, 1, { ISUP_PRM_CAUSE }, true },
	{ ISUP_SUS, 1, { F(ISUP_PRM_SUSPEND_RESUME_IND, 1) }, 0, {}, true },
	{ ISUP_RES, 1, { F(ISUP_PRM_SUSPEND_RESUME_IND, 1) }, 0, {}, true },
	{ ISUP_RLC, 0, {}, 0, {}, true },
	{ ISUP_CCR, 0, {}, 0, {}, false },
	{ ISUP_RSC, 0, {}, 0, {}, false },
	{ ISUP_BLO, 0, {}, 0, {}, false },
	{ ISUP_UBL, 0, {}, 0, {}, false },
	{ ISUP_BLA, 0, {}, 0, {}, false },
	{ ISUP_UBA, 0, {}, 0, {}, false },
	{ ISUP_LPA, 0, {}, 0, {}, false },
	{ ISUP_UCIC, 0, {}, 0, {}, false },
	{ ISUP_OLM, 0, {}, 0, {}, false },
	{ ISUP_GRS, 0, {}, 1, { ISUP_PRM_RANGE_STATUS }, false },
	{ ISUP_GRA, 0, {}, 1, { ISUP_PRM_RANGE_STATUS }, false },
	{ ISUP_CQM, 0, {}, 1, { ISUP_PRM_RANGE_STATUS }, false },
	{ ISUP_CQR, 0, {}, 2, { ISUP_PRM_RANGE_STATUS, ISUP_PRM_CIRCUIT_STATE_IND }, false },
	{ ISUP_CGB, 1, { F(ISUP_PRM_CGSMT, 1) }, 1, { ISUP_PRM_RANGE_STATUS }, false },
	{ ISUP_CGU, 1, { F(ISUP_PRM_CGSMT, 1) }, 1, { ISUP_PRM_RANGE_STATUS }, false },
	{ ISUP_CGBA, 1, { F(ISUP_PRM_CGSMT, 1) }, 1, { ISUP_PRM_RANGE_STATUS }, false },
	{ ISUP_CGUA, 1, { F(ISUP_PRM_CGSMT, 1) }, 1, { ISUP_PRM_RANGE_STATUS }, false },
	{ ISUP_CPG, 1, { F(ISUP_PRM_EVENT_INFO, 1) }, 0, {}, true },
	{ ISUP_USR, 0, {}, 1, { ISUP_PRM_USER_TO_USER_INFO }, true },
	{ ISUP_CFN, 0, {}, 1, { ISUP_PRM_CAUSE }, true },
	{ ISUP_FAR, 1, { F(ISUP_PRM_FACILITY_IND, 1) }, 0, {}, true },
	{ ISUP_FAA, 1, { F(ISUP_PRM_FACILITY_IND, 1) }, 0, {}, true },
	{ ISUP_FRJ, 1, { F(ISUP_PRM_FACILITY_IND, 1) }, 1, { ISUP_PRM_CAUSE }, true },
	/* optional parameters only */
	{ ISUP_NRM, 0, {}, 0, {}, true },
	{ ISUP_FAC, 0, {}, 0, {}, true },
	{ ISUP_UPT, 0, {}, 0, {}, true },
	{ ISUP_UPA, 0, {}, 0, {}, true },
	{ ISUP_IDR, 0, {}, 0, {}, true },
	{ ISUP_IRS, 0, {}, 0, {}, true },
	{ ISUP_SGM, 0, {}, 0, {}, true },
	{ ISUP_LOP, 0, {}, 0, {}, true },
	{ ISUP_APM, 0, {}, 0, {}, true },
	{ ISUP_PRI, 0, {}, 0, {}, true },
	{ ISUP_SDN, 0, {}, 0, {}, true },
	/* PAM (embedded message) and CRG (national format) are not modelled: kept raw */
};

/* T1.113.3: the ANSI IAM (no TMR; USI and CdPN mandatory variable) and ANSI-only messages */
static const struct isup_msg_def ansi_defs[] = {
	{ ISUP_IAM, 3, { F(ISUP_PRM_NCI, 1), F(ISUP_PRM_FCI, 2), F(ISUP_PRM_CPC, 1) },
	  2, { ISUP_PRM_USI, ISUP_PRM_CALLED_NUM }, true },
	{ ISUP_ANSI_CRA, 0, {}, 0, {}, false },
	{ ISUP_ANSI_CRM, 1, { F(ISUP_PRM_NCI, 1) }, 0, {}, false },
	{ ISUP_ANSI_CVR, 2, { F(ISUP_PRM_ANSI_CVR_RESP_IND, 1), F(ISUP_PRM_ANSI_CG_CHAR_IND, 1) }, 0, {}, true },
	{ ISUP_ANSI_CVT, 0, {}, 0, {}, false },
	{ ISUP_ANSI_EXM, 0, {}, 0, {}, true },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct isup_msg_def *find_def(const struct isup_msg_def *defs, size_t n, uint8_t type)
{
	for (size_t i = 0; i < n; i++)
		if (defs[i].type == type)
			return &defs[i];
	return NULL;
}

const struct isup_msg_def *isup_msg_def_get(enum isup_variant variant, uint8_t type)
{
	const struct isup_msg_def *def;

	if (variant == ISUP_VARIANT_ANSI) {
		def = find_def(ansi_defs, ARRAY_SIZE(ansi_defs), type);
		if (def)
			return def;
	} else if (variant != ISUP_VARIANT_ITU) {
		return NULL;
	}
	return find_def(itu_defs, ARRAY_SIZE(itu_defs), type);
}

enum isup_param_part isup_msg_def_part(const struct isup_msg_def *def, uint8_t code, unsigned int *idx)
{
	unsigned int i;

	for (i = 0; i < def->num_fixed; i++) {
		if (def->fixed[i].code == code) {
			if (idx)
				*idx = i;
			return ISUP_PART_FIXED;
		}
	}
	for (i = 0; i < def->num_var; i++) {
		if (def->var[i] == code) {
			if (idx)
				*idx = i;
			return ISUP_PART_VARIABLE;
		}
	}
	return ISUP_PART_OPTIONAL;
}

bool isup_msg_type_known(enum isup_variant variant, uint8_t type)
{
	return isup_msg_def_get(variant, type) != NULL;
}

/* Q.763 Table 4 abbreviations */
static const char *const msg_names[256] = {
	[ISUP_IAM] = "IAM", [ISUP_SAM] = "SAM", [ISUP_INR] = "INR", [ISUP_INF] = "INF",
	[ISUP_COT] = "COT", [ISUP_ACM] = "ACM", [ISUP_CON] = "CON", [ISUP_FOT] = "FOT",
	[ISUP_ANM] = "ANM", [ISUP_REL] = "REL", [ISUP_SUS] = "SUS", [ISUP_RES] = "RES",
	[ISUP_RLC] = "RLC", [ISUP_CCR] = "CCR", [ISUP_RSC] = "RSC", [ISUP_BLO] = "BLO",
	[ISUP_UBL] = "UBL", [ISUP_BLA] = "BLA", [ISUP_UBA] = "UBA", [ISUP_GRS] = "GRS",
	[ISUP_CGB] = "CGB", [ISUP_CGU] = "CGU", [ISUP_CGBA] = "CGBA", [ISUP_CGUA] = "CGUA",
	[ISUP_FAR] = "FAR", [ISUP_FAA] = "FAA", [ISUP_FRJ] = "FRJ", [ISUP_LPA] = "LPA",
	[ISUP_PAM] = "PAM", [ISUP_GRA] = "GRA", [ISUP_CQM] = "CQM", [ISUP_CQR] = "CQR",
	[ISUP_CPG] = "CPG", [ISUP_USR] = "USR", [ISUP_UCIC] = "UCIC", [ISUP_CFN] = "CFN",
	[ISUP_OLM] = "OLM", [ISUP_CRG] = "CRG", [ISUP_NRM] = "NRM", [ISUP_FAC] = "FAC",
	[ISUP_UPT] = "UPT", [ISUP_UPA] = "UPA", [ISUP_IDR] = "IDR", [ISUP_IRS] = "IRS",
	[ISUP_SGM] = "SGM", [ISUP_LOP] = "LOP", [ISUP_APM] = "APM", [ISUP_PRI] = "PRI",
	[ISUP_SDN] = "SDN",
	[ISUP_ANSI_CRA] = "CRA", [ISUP_ANSI_CRM] = "CRM", [ISUP_ANSI_CVR] = "CVR",
	[ISUP_ANSI_CVT] = "CVT", [ISUP_ANSI_EXM] = "EXM",
};

#define U(h, l)	"UNKNOWN(0x" #h #l ")"
#define U16(h)	U(h, 0), U(h, 1), U(h, 2), U(h, 3), U(h, 4), U(h, 5), U(h, 6), U(h, 7), \
		U(h, 8), U(h, 9), U(h, a), U(h, b), U(h, c), U(h, d), U(h, e), U(h, f)
static const char *const unknown_names[256] = {
	U16(0), U16(1), U16(2), U16(3), U16(4), U16(5), U16(6), U16(7),
	U16(8), U16(9), U16(a), U16(b), U16(c), U16(d), U16(e), U16(f),
};

const char *isup_msg_name(uint8_t type)
{
	return msg_names[type] ? msg_names[type] : unknown_names[type];
}

/* "0x2c" / "44" style numeric names */
static int parse_num(const char *s)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	v = strtol(s, &end, 0);
	if (*end || v < 0 || v > 255)
		return -1;
	return (int)v;
}

int isup_msg_type_from_name(const char *name)
{
	if (!name)
		return -1;
	for (unsigned int i = 0; i < 256; i++) {
		if (msg_names[i] && !strcasecmp(msg_names[i], name))
			return i;
	}
	if (!strncasecmp(name, "UNKNOWN(", 8)) {
		char tmp[8];
		size_t l = strlen(name + 8);
		if (l < 2 || l > sizeof(tmp) || name[8 + l - 1] != ')')
			return -1;
		memcpy(tmp, name + 8, l - 1);
		tmp[l - 1] = '\0';
		return parse_num(tmp);
	}
	if (name[0] >= '0' && name[0] <= '9')
		return parse_num(name);
	return -1;
}

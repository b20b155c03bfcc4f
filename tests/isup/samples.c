/* Realistic ISUP messages for tests (see samples.h) */
#include <string.h>

#include "tests/isup/samples.h"

#define TRY(x) do { int _rc = (x); if (_rc < 0) return _rc; } while (0)

static int set_raw(struct isup_msg *m, uint8_t code, const char *val, unsigned int len)
{
	return isup_msg_set(m, code, (const uint8_t *)val, len);
}
#define SET_RAW(m, code, lit) TRY(set_raw(m, code, lit, sizeof(lit) - 1))

static int set_u8(struct isup_msg *m, uint8_t code, uint8_t v)
{
	return isup_msg_set(m, code, &v, 1);
}

static int set_num(struct isup_msg *m, uint8_t code, enum isup_number_kind kind, uint8_t nai, uint8_t inn_ni,
		   uint8_t apri, uint8_t scr, const char *digits, bool st)
{
	struct isup_number n = { .nai = nai, .inn_ni = inn_ni, .npi = 1, .apri = apri, .screening = scr,
				 .st = st };
	uint8_t buf[32];
	int len;

	if (kind == ISUP_NUM_GENERIC)
		n.qualifier = 6;	/* additional calling party number */
	if (kind == ISUP_NUM_SUBSEQUENT)
		n.nai = n.npi = 0;
	strncpy(n.digits, digits, ISUP_MAX_DIGITS);
	len = isup_number_encode(&n, kind, buf, sizeof(buf));
	if (len < 0)
		return len;
	return isup_msg_set(m, code, buf, len);
}

static int set_cause(struct isup_msg *m, uint8_t loc, uint8_t value, const uint8_t *diag, uint8_t diag_len)
{
	struct isup_cause c = { .coding_std = 0, .location = loc, .value = value, .diag_len = diag_len };
	uint8_t buf[40];
	int len;

	if (diag_len)
		memcpy(c.diag, diag, diag_len);
	len = isup_cause_encode(&c, buf, sizeof(buf));
	if (len < 0)
		return len;
	return isup_msg_set(m, ISUP_PRM_CAUSE, buf, len);
}

static int set_bci(struct isup_msg *m, uint8_t charge, uint8_t status)
{
	struct isup_bci b = { .charge = charge, .called_status = status, .called_category = 1,
			      .isup_all_the_way = true, .term_access_isdn = true };
	uint8_t buf[2];
	int len = isup_bci_encode(&b, buf, sizeof(buf));

	if (len < 0)
		return len;
	return isup_msg_set(m, ISUP_PRM_BCI, buf, len);
}

static int set_obci(struct isup_msg *m, bool inband)
{
	struct isup_obci o = { .inband_info = inband };
	uint8_t buf[1];
	int len = isup_obci_encode(&o, buf, sizeof(buf));

	if (len < 0)
		return len;
	return isup_msg_set(m, ISUP_PRM_OBCI, buf, len);
}

static int set_event(struct isup_msg *m, uint8_t event)
{
	struct isup_event_info e = { .event = event };
	uint8_t buf[1];
	int len = isup_event_info_encode(&e, buf, sizeof(buf));

	if (len < 0)
		return len;
	return isup_msg_set(m, ISUP_PRM_EVENT_INFO, buf, len);
}

/* status: bit i = circuit i; negative = range only */
static int set_rs(struct isup_msg *m, uint8_t range, long long status)
{
	struct isup_range_status rs = { .range = range };
	uint8_t buf[33];
	int len;

	if (status >= 0) {
		for (unsigned int i = 0; i <= range && i < 64; i++)
			isup_range_status_set_bit(&rs, i, (status >> i) & 1);
	}
	len = isup_range_status_encode(&rs, buf, sizeof(buf));
	if (len < 0)
		return len;
	return isup_msg_set(m, ISUP_PRM_RANGE_STATUS, buf, len);
}

static int iam_mandatory(struct isup_msg *m, const char *cdpn, uint8_t nai, bool st)
{
	struct isup_nci nci = { .satellite = 0, .continuity = 0, .echo_device = false };
	struct isup_fci fci = { .international = nai == ISUP_NAI_INTERNATIONAL, .isup_all_the_way = true,
				.isup_pref = 0, .orig_access_isdn = true };
	uint8_t buf[4];

	TRY(isup_nci_encode(&nci, buf, sizeof(buf)));
	TRY(isup_msg_set(m, ISUP_PRM_NCI, buf, 1));
	TRY(isup_fci_encode(&fci, buf, sizeof(buf)));
	TRY(isup_msg_set(m, ISUP_PRM_FCI, buf, 2));
	TRY(set_u8(m, ISUP_PRM_CPC, ISUP_CPC_ORDINARY));
	if (m->variant == ISUP_VARIANT_ITU)
		TRY(set_u8(m, ISUP_PRM_TMR, ISUP_TMR_3K1_AUDIO));
	return set_num(m, ISUP_PRM_CALLED_NUM, ISUP_NUM_CALLED, nai, 1, 0, 0, cdpn, st);
}

/* the hand-checked IAM of the unit test: mandatory part + CgPN */
static int b_iam(struct isup_msg *m)
{
	TRY(iam_mandatory(m, "4930123", ISUP_NAI_NATIONAL, false));
	return set_num(m, ISUP_PRM_CALLING_NUM, ISUP_NUM_CALLING, ISUP_NAI_NATIONAL, 0, ISUP_APRI_ALLOWED,
		       ISUP_SCREEN_NETWORK, "4940111", false);
}

/* IAM with the optional parameters a diverted call from an ISDN access brings */
static int b_iam_full(struct isup_msg *m)
{
	struct isup_redirection_info ri = { .indicator = 3, .orig_reason = 1, .counter = 1, .reason = 1 };
	struct isup_usi usi = { .coding_std = 0, .itc = 0, .transfer_mode = 0, .transfer_rate = 16,
				.l1_protocol = 3 };
	uint8_t buf[16];
	int len;

	TRY(iam_mandatory(m, "4930123456", ISUP_NAI_NATIONAL, false));
	TRY(set_num(m, ISUP_PRM_CALLING_NUM, ISUP_NUM_CALLING, ISUP_NAI_INTERNATIONAL, 0, ISUP_APRI_RESTRICTED,
		    ISUP_SCREEN_USER_VERIFIED_PASSED, "49401112", false));
	TRY(set_num(m, ISUP_PRM_REDIRECTING_NUM, ISUP_NUM_REDIRECTING, ISUP_NAI_NATIONAL, 0, 0, 0, "30555", false));
	TRY(set_num(m, ISUP_PRM_ORIG_CALLED_NUM, ISUP_NUM_ORIG_CALLED, ISUP_NAI_NATIONAL, 0, 0, 0, "30555", false));
	TRY(len = isup_redirection_info_encode(&ri, buf, sizeof(buf)));
	TRY(isup_msg_set(m, ISUP_PRM_REDIRECTION_INFO, buf, len));
	TRY(set_num(m, ISUP_PRM_GENERIC_NUM, ISUP_NUM_GENERIC, ISUP_NAI_NATIONAL, 0, 0, 1, "301234", false));
	TRY(len = isup_usi_encode(&usi, buf, sizeof(buf)));
	TRY(isup_msg_set(m, ISUP_PRM_USI, buf, len));
	TRY(set_u8(m, ISUP_PRM_HOP_COUNTER, 20));
	SET_RAW(m, ISUP_PRM_PROPAGATION_DELAY, "\x00\x0a");
	SET_RAW(m, ISUP_PRM_OFCI, "\x00");
	return 0;
}

/* odd number of digits, terminated with ST */
static int b_iam_st(struct isup_msg *m)
{
	TRY(iam_mandatory(m, "4930123", ISUP_NAI_NATIONAL, true));
	return set_num(m, ISUP_PRM_CALLING_NUM, ISUP_NUM_CALLING, ISUP_NAI_NATIONAL, 0, ISUP_APRI_ALLOWED,
		       ISUP_SCREEN_NETWORK, "4940111", false);
}

/* international, even count + ST (odd total), calling number not available */
static int b_iam_intl(struct isup_msg *m)
{
	TRY(iam_mandatory(m, "441632960000", ISUP_NAI_INTERNATIONAL, true));
	return set_num(m, ISUP_PRM_CALLING_NUM, ISUP_NUM_CALLING, ISUP_NAI_NATIONAL, 0,
		       ISUP_APRI_NOT_AVAILABLE, ISUP_SCREEN_NETWORK, "", false);
}

static int b_sam(struct isup_msg *m)
{
	return set_num(m, ISUP_PRM_SUBSEQUENT_NUM, ISUP_NUM_SUBSEQUENT, 0, 0, 0, 0, "4567", true);
}

static int b_inr(struct isup_msg *m)
{
	SET_RAW(m, ISUP_PRM_INFO_REQ_IND, "\x01\x00");	/* calling party address requested */
	return 0;
}

static int b_inf(struct isup_msg *m)
{
	SET_RAW(m, ISUP_PRM_INFO_IND, "\x03\x00");		/* calling party address included */
	TRY(set_num(m, ISUP_PRM_CALLING_NUM, ISUP_NUM_CALLING, ISUP_NAI_NATIONAL, 0, ISUP_APRI_ALLOWED,
		    ISUP_SCREEN_NETWORK, "4940111", false));
	return 0;
}

static int b_cot(struct isup_msg *m)
{
	return set_u8(m, ISUP_PRM_CONTINUITY_IND, 0x01);	/* continuity check successful */
}

/* the hand-checked ACM: BCI (charge, subscriber free, ordinary) + OBCI in-band info */
static int b_acm(struct isup_msg *m)
{
	TRY(set_bci(m, 2, ISUP_BCI_STATUS_SUBSCRIBER_FREE));
	return set_obci(m, true);
}

static int b_acm_div(struct isup_msg *m)
{
	struct isup_call_diversion cd = { .notification = 1, .reason = 2 };
	uint8_t buf[2];
	int len;

	TRY(set_bci(m, 2, ISUP_BCI_STATUS_NO_INDICATION));
	TRY(len = isup_call_diversion_encode(&cd, buf, sizeof(buf)));
	TRY(isup_msg_set(m, ISUP_PRM_CALL_DIVERSION_INFO, buf, len));
	TRY(set_num(m, ISUP_PRM_REDIRECTION_NUM, ISUP_NUM_REDIRECTION, ISUP_NAI_NATIONAL, 0, 0, 0, "30777", false));
	TRY(set_u8(m, ISUP_PRM_TMU, ISUP_TMR_SPEECH));
	return 0;
}

static int b_con(struct isup_msg *m)
{
	struct isup_echo_control ec = { .out_half_resp = 1, .in_half_resp = 1 };
	uint8_t buf[1];
	int len;

	TRY(set_bci(m, 2, ISUP_BCI_STATUS_NO_INDICATION));
	TRY(set_num(m, ISUP_PRM_CONNECTED_NUM, ISUP_NUM_CONNECTED, ISUP_NAI_NATIONAL, 0, ISUP_APRI_ALLOWED,
		    ISUP_SCREEN_NETWORK, "4930123", false));
	TRY(len = isup_echo_control_encode(&ec, buf, sizeof(buf)));
	return isup_msg_set(m, ISUP_PRM_ECHO_CONTROL_INFO, buf, len);
}

static int b_none(struct isup_msg *m)
{
	return 0;
}

static int b_anm(struct isup_msg *m)
{
	TRY(set_bci(m, 2, ISUP_BCI_STATUS_NO_INDICATION));
	return set_num(m, ISUP_PRM_CONNECTED_NUM, ISUP_NUM_CONNECTED, ISUP_NAI_NATIONAL, 0, ISUP_APRI_RESTRICTED,
		       ISUP_SCREEN_NETWORK, "4930123", false);
}

/* the hand-checked REL: normal call clearing, public network serving the local user */
static int b_rel(struct isup_msg *m)
{
	return set_cause(m, ISUP_LOC_PUB_LOCAL, 16, NULL, 0);
}

static int b_rel_busy(struct isup_msg *m)
{
	TRY(set_cause(m, ISUP_LOC_PUB_REMOTE, 17, NULL, 0));
	return set_u8(m, ISUP_PRM_AUTO_CONGESTION_LEVEL, 1);
}

static int b_rlc_cause(struct isup_msg *m)
{
	return set_cause(m, ISUP_LOC_PUB_LOCAL, 31, NULL, 0);
}

static int b_sus(struct isup_msg *m)
{
	return set_u8(m, ISUP_PRM_SUSPEND_RESUME_IND, ISUP_SUSRES_SUBSCRIBER);
}

static int b_res(struct isup_msg *m)
{
	return set_u8(m, ISUP_PRM_SUSPEND_RESUME_IND, ISUP_SUSRES_NETWORK);
}

static int b_grs(struct isup_msg *m)
{
	return set_rs(m, 7, -1);
}

static int b_gra(struct isup_msg *m)
{
	return set_rs(m, 7, 0x05);	/* circuits 0 and 2 locally maintenance blocked */
}

/* the hand-checked CGB: maintenance, range 9 (10 circuits), circuits 0,1,2,9 blocked */
static int b_cgb(struct isup_msg *m)
{
	TRY(set_u8(m, ISUP_PRM_CGSMT, ISUP_CGSMT_MAINTENANCE));
	return set_rs(m, 9, 0x207);
}

static int b_cgba(struct isup_msg *m)
{
	TRY(set_u8(m, ISUP_PRM_CGSMT, ISUP_CGSMT_MAINTENANCE));
	return set_rs(m, 9, 0x207);
}

static int b_cgu(struct isup_msg *m)
{
	TRY(set_u8(m, ISUP_PRM_CGSMT, ISUP_CGSMT_HARDWARE));
	return set_rs(m, 3, 0x0f);
}

static int b_cgua(struct isup_msg *m)
{
	TRY(set_u8(m, ISUP_PRM_CGSMT, ISUP_CGSMT_HARDWARE));
	return set_rs(m, 3, 0x0f);
}

static int b_cqm(struct isup_msg *m)
{
	return set_rs(m, 3, -1);
}

static int b_cqr(struct isup_msg *m)
{
	TRY(set_rs(m, 3, -1));
	/* Q.763 3.14: one octet per circuit; 0x0c/0x04 busy/idle, 0x01 locally blocked, 0x03 unequipped */
	SET_RAW(m, ISUP_PRM_CIRCUIT_STATE_IND, "\x0c\x04\x01\x03");
	return 0;
}

static int b_cpg(struct isup_msg *m)
{
	TRY(set_event(m, ISUP_EVENT_ALERTING));
	TRY(set_bci(m, 2, ISUP_BCI_STATUS_SUBSCRIBER_FREE));
	return set_obci(m, true);
}

static int b_cpg_progress(struct isup_msg *m)
{
	TRY(set_event(m, ISUP_EVENT_PROGRESS));
	return set_cause(m, ISUP_LOC_PUB_REMOTE, 18, NULL, 0);
}

static int b_usr(struct isup_msg *m)
{
	SET_RAW(m, ISUP_PRM_USER_TO_USER_INFO, "\x04hello");	/* IA5 characters */
	return 0;
}

static int b_cfn(struct isup_msg *m)
{
	static const uint8_t diag[] = { 0x99 };	/* the unrecognised message type */
	return set_cause(m, ISUP_LOC_PUB_LOCAL, 97, diag, sizeof(diag));
}

static int b_fac(struct isup_msg *m)
{
	SET_RAW(m, ISUP_PRM_GENERIC_NOTIFICATION, "\xf9");	/* remote hold */
	return 0;
}

static int b_upt(struct isup_msg *m)
{
	struct isup_param_compat pc = { .num = 1 };
	uint8_t buf[8];
	int len;

	pc.entry[0].code = ISUP_PRM_HOP_COUNTER;
	pc.entry[0].instr.discard_param = true;
	pc.entry[0].instr.pass_on_not_possible = 2;
	TRY(len = isup_param_compat_encode(&pc, buf, sizeof(buf)));
	return isup_msg_set(m, ISUP_PRM_PARAM_COMPAT_INFO, buf, len);
}

static int b_apm(struct isup_msg *m)
{
	/* Q.763 3.82: ACI 0 (UCEH ASE), instructions, segmentation final, then APM-user info */
	SET_RAW(m, ISUP_PRM_APPLICATION_TRANSPORT, "\x80\x80\xc0\x01\x02\x03");
	return 0;
}

static int b_sgm(struct isup_msg *m)
{
	SET_RAW(m, ISUP_PRM_ACCESS_TRANSPORT, "\x7d\x02\x91\x81");	/* HLC: telephony */
	SET_RAW(m, ISUP_PRM_USER_TO_USER_INFO, "\x04hello again");
	return 0;
}

static int b_idr(struct isup_msg *m)
{
	SET_RAW(m, 0x3b, "\x01");	/* MCID requested */
	return 0;
}

static int b_irs(struct isup_msg *m)
{
	SET_RAW(m, 0x3c, "\x01");	/* MCID included */
	return set_num(m, ISUP_PRM_CALLING_NUM, ISUP_NUM_CALLING, ISUP_NAI_NATIONAL, 0, ISUP_APRI_RESTRICTED,
		       ISUP_SCREEN_NETWORK, "4940111", false);
}

static int b_far(struct isup_msg *m)
{
	return set_u8(m, ISUP_PRM_FACILITY_IND, 0x02);	/* user-to-user service */
}

static int b_frj(struct isup_msg *m)
{
	TRY(set_u8(m, ISUP_PRM_FACILITY_IND, 0x02));
	return set_cause(m, ISUP_LOC_PUB_LOCAL, 29, NULL, 0);
}

static int b_nrm(struct isup_msg *m)
{
	SET_RAW(m, ISUP_PRM_ECHO_CONTROL_INFO, "\x50");	/* activation requested both halves */
	return 0;
}

static int b_lop(struct isup_msg *m)
{
	SET_RAW(m, 0x43, "\x01");	/* call transfer reference */
	SET_RAW(m, 0x44, "\x00");	/* loop prevention: request */
	return 0;
}

static int b_pri(struct isup_msg *m)
{
	return set_obci(m, false);
}

static int b_sdn(struct isup_msg *m)
{
	return set_num(m, ISUP_PRM_SUBSEQUENT_NUM, ISUP_NUM_SUBSEQUENT, 0, 0, 0, 0, "89", false);
}

static int b_ansi_iam(struct isup_msg *m)
{
	struct isup_usi usi = { .itc = 0, .transfer_rate = 16, .l1_protocol = 2 };	/* speech, mu-law */
	uint8_t buf[8];
	int len;

	TRY(len = isup_usi_encode(&usi, buf, sizeof(buf)));
	TRY(isup_msg_set(m, ISUP_PRM_USI, buf, len));
	TRY(iam_mandatory(m, "2015550123", ISUP_NAI_NATIONAL, false));
	return set_num(m, ISUP_PRM_CALLING_NUM, ISUP_NUM_CALLING, ISUP_NAI_NATIONAL, 0, ISUP_APRI_ALLOWED,
		       ISUP_SCREEN_NETWORK, "2015550199", false);
}

static int b_ansi_crm(struct isup_msg *m)
{
	return set_u8(m, ISUP_PRM_NCI, 0x00);
}

static int b_ansi_cvr(struct isup_msg *m)
{
	TRY(set_u8(m, ISUP_PRM_ANSI_CVR_RESP_IND, 0x01));
	return set_u8(m, ISUP_PRM_ANSI_CG_CHAR_IND, 0x00);
}

#define ITU ISUP_VARIANT_ITU
#define ANSI ISUP_VARIANT_ANSI
const struct isup_sample isup_samples[] = {
	{ "IAM", ITU, ISUP_IAM, 12, b_iam },
	{ "IAM-full", ITU, ISUP_IAM, 13, b_iam_full },
	{ "IAM-st", ITU, ISUP_IAM, 14, b_iam_st },
	{ "IAM-intl", ITU, ISUP_IAM, 4095, b_iam_intl },
	{ "SAM", ITU, ISUP_SAM, 14, b_sam },
	{ "INR", ITU, ISUP_INR, 15, b_inr },
	{ "INF", ITU, ISUP_INF, 15, b_inf },
	{ "COT", ITU, ISUP_COT, 16, b_cot },
	{ "ACM", ITU, ISUP_ACM, 12, b_acm },
	{ "ACM-div", ITU, ISUP_ACM, 13, b_acm_div },
	{ "CON", ITU, ISUP_CON, 17, b_con },
	{ "FOT", ITU, ISUP_FOT, 12, b_none },
	{ "ANM", ITU, ISUP_ANM, 12, b_anm },
	{ "REL", ITU, ISUP_REL, 12, b_rel },
	{ "REL-busy", ITU, ISUP_REL, 18, b_rel_busy },
	{ "RLC", ITU, ISUP_RLC, 12, b_none },
	{ "RLC-cause", ITU, ISUP_RLC, 18, b_rlc_cause },
	{ "SUS", ITU, ISUP_SUS, 19, b_sus },
	{ "RES", ITU, ISUP_RES, 19, b_res },
	{ "CCR", ITU, ISUP_CCR, 20, b_none },
	{ "RSC", ITU, ISUP_RSC, 21, b_none },
	{ "BLO", ITU, ISUP_BLO, 22, b_none },
	{ "UBL", ITU, ISUP_UBL, 22, b_none },
	{ "BLA", ITU, ISUP_BLA, 22, b_none },
	{ "UBA", ITU, ISUP_UBA, 22, b_none },
	{ "GRS", ITU, ISUP_GRS, 1, b_grs },
	{ "GRA", ITU, ISUP_GRA, 1, b_gra },
	{ "CGB", ITU, ISUP_CGB, 1, b_cgb },
	{ "CGBA", ITU, ISUP_CGBA, 1, b_cgba },
	{ "CGU", ITU, ISUP_CGU, 33, b_cgu },
	{ "CGUA", ITU, ISUP_CGUA, 33, b_cgua },
	{ "CQM", ITU, ISUP_CQM, 40, b_cqm },
	{ "CQR", ITU, ISUP_CQR, 40, b_cqr },
	{ "CPG", ITU, ISUP_CPG, 12, b_cpg },
	{ "CPG-progress", ITU, ISUP_CPG, 13, b_cpg_progress },
	{ "USR", ITU, ISUP_USR, 12, b_usr },
	{ "UCIC", ITU, ISUP_UCIC, 99, b_none },
	{ "CFN", ITU, ISUP_CFN, 23, b_cfn },
	{ "FAC", ITU, ISUP_FAC, 12, b_fac },
	{ "UPT", ITU, ISUP_UPT, 0, b_upt },
	{ "UPA", ITU, ISUP_UPA, 0, b_none },
	{ "APM", ITU, ISUP_APM, 12, b_apm },
	{ "SGM", ITU, ISUP_SGM, 12, b_sgm },
	{ "LPA", ITU, ISUP_LPA, 24, b_none },
	{ "OLM", ITU, ISUP_OLM, 25, b_none },
	{ "IDR", ITU, ISUP_IDR, 12, b_idr },
	{ "IRS", ITU, ISUP_IRS, 12, b_irs },
	{ "FAR", ITU, ISUP_FAR, 12, b_far },
	{ "FAA", ITU, ISUP_FAA, 12, b_far },
	{ "FRJ", ITU, ISUP_FRJ, 12, b_frj },
	{ "NRM", ITU, ISUP_NRM, 12, b_nrm },
	{ "LOP", ITU, ISUP_LOP, 12, b_lop },
	{ "PRI", ITU, ISUP_PRI, 12, b_pri },
	{ "SDN", ITU, ISUP_SDN, 12, b_sdn },
	{ "ANSI-IAM", ANSI, ISUP_IAM, 0x2345, b_ansi_iam },
	{ "ANSI-REL", ANSI, ISUP_REL, 0x3fff, b_rel },
	{ "ANSI-GRS", ANSI, ISUP_GRS, 0x1001, b_grs },
	{ "ANSI-CRA", ANSI, ISUP_ANSI_CRA, 0x2000, b_none },
	{ "ANSI-CRM", ANSI, ISUP_ANSI_CRM, 0x2000, b_ansi_crm },
	{ "ANSI-CVR", ANSI, ISUP_ANSI_CVR, 0x2001, b_ansi_cvr },
	{ "ANSI-CVT", ANSI, ISUP_ANSI_CVT, 0x2001, b_none },
	{ "ANSI-EXM", ANSI, ISUP_ANSI_EXM, 0x2002, b_none },
};
const unsigned int isup_num_samples = sizeof(isup_samples) / sizeof(isup_samples[0]);

int isup_sample_build(const struct isup_sample *s, struct isup_msg *msg)
{
	isup_msg_init(msg, s->variant, s->type, s->cic);
	return s->build(msg);
}

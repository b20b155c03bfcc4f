/* Our codec against the hand-written vectors (tests/isup/vectors.txt, see its header for the
 * syntax). Per vector, one TAP line each:
 *   decode: isup_decode() of the octets gives the vector's CIC, type and parameters (same
 *           codes, parts, order and value octets), and the typed decoders give every field value
 *           the vector lists for a parameter the codec models;
 *   encode: a message built from the vector's field values alone (the typed encoders for the
 *           parameters the codec models, the raw octets for the others) encodes to the octets.
 * usage: test_vectors VECTORS_FILE */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <stddef.h>

#include "isup/isup.h"

#define MAX_FIELDS	32
#define MAX_ITEMS	40
#define MAX_VECTORS	64

struct vfield {
	char name[64];
	char value[96];
	bool codec_only;	/* ': NAME VALUE' line: a value tshark does not show */
	bool used;
};

struct vitem {
	char tag[16];
	char part;		/* 'F', 'V', 'O' for parameters, 0 for cic/type/ptr/eop */
	int code;		/* parameter code, -1 for the others */
	uint8_t oct[272];
	unsigned int len;
	unsigned int line;
	unsigned int nf;
	struct vfield f[MAX_FIELDS];
};

struct vector {
	char name[16];
	enum isup_variant variant;
	unsigned int line;
	unsigned int ni;
	struct vitem it[MAX_ITEMS];
};

static struct vector vectors[MAX_VECTORS];
static unsigned int num_vectors;
static const char *path;

static void fail_parse(unsigned int line, const char *why)
{
	fprintf(stderr, "%s:%u: %s\n", path, line, why);
	exit(2);
}

static unsigned int parse_hex(const char *s, uint8_t *out, size_t size, unsigned int line)
{
	unsigned int n = 0, v;
	int used;

	while (sscanf(s, " %2x%n", &v, &used) == 1) {
		if (n == size)
			fail_parse(line, "too many octets");
		out[n++] = v;
		s += used;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s)
		fail_parse(line, "bad hex");
	return n;
}

static void parse_field(struct vector *v, char *rest, bool codec_only, unsigned int line)
{
	struct vitem *it;
	struct vfield *f;
	char name[64] = "", value[96] = "";

	if (!v->ni)
		fail_parse(line, "field before an item");
	it = &v->it[v->ni - 1];
	if (it->nf == MAX_FIELDS || sscanf(rest, "%63s %95s", name, value) < 1)
		fail_parse(line, "bad field line");
	f = &it->f[it->nf++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->value, sizeof(f->value), "%s", value);
	f->codec_only = codec_only;
}

static void parse_item(struct vector *v, char *s, unsigned int line)
{
	struct vitem *it;
	char tag[16];
	int used;

	if (v->ni == MAX_ITEMS || sscanf(s, "%15s%n", tag, &used) != 1)
		fail_parse(line, "bad item");
	it = &v->it[v->ni++];
	it->line = line;
	it->code = -1;
	if (tag[0] && tag[1] == ':') {
		it->part = tag[0];
		it->code = isup_param_code_from_name(tag + 2);
		if (!strchr("FVO", tag[0]) || it->code < 0)
			fail_parse(line, "unknown parameter");
		snprintf(it->tag, sizeof(it->tag), "%s", tag + 2);
	} else if (!strcmp(tag, "cic") || !strcmp(tag, "type") || !strcmp(tag, "ptr") || !strcmp(tag, "eop")) {
		snprintf(it->tag, sizeof(it->tag), "%s", tag);
	} else {
		fail_parse(line, "unknown item");
	}
	it->len = parse_hex(s + used, it->oct, sizeof(it->oct), line);
	if (!it->len)
		fail_parse(line, "no octets");
}

static void parse_file(void)
{
	struct vector *v = NULL;
	char buf[512], *s, *hash, name[16], var[8];
	unsigned int line = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		fail_parse(0, "cannot open");
	while (fgets(buf, sizeof(buf), f)) {
		line++;
		if ((hash = strchr(buf, '#')))
			*hash = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		for (s = buf; *s == ' ' || *s == '\t'; s++)
			;
		if (!*s)
			continue;
		if (!strncmp(s, "vector ", 7)) {
			if (v || num_vectors == MAX_VECTORS || sscanf(s + 7, "%15s %7s", name, var) != 2)
				fail_parse(line, "bad vector line");
			v = &vectors[num_vectors++];
			snprintf(v->name, sizeof(v->name), "%s", name);
			v->variant = !strcmp(var, "ANSI") ? ISUP_VARIANT_ANSI : ISUP_VARIANT_ITU;
			v->line = line;
		} else if (!v) {
			fail_parse(line, "outside a vector");
		} else if (!strcmp(s, "end")) {
			v = NULL;
		} else if (*s == '=' || *s == ':') {
			parse_field(v, s + 1, *s == ':', line);
		} else {
			parse_item(v, s, line);
		}
	}
	fclose(f);
	if (v)
		fail_parse(line, "vector without end");
}

/* ---- the fields of the typed parameters, by their tshark names ---- */

enum ftype {
	FT_U8,		/* uint8_t or bool member */
	FT_DIGITS,	/* isup_number digits; a trailing F is the ST digit */
	FT_ODD_EVEN,	/* isup_number: derived from the digit count (decode check only) */
	FT_RANGE1,	/* range and status: tshark shows the range + 1 */
	FT_STATUS,	/* range and status: the status octets in hex */
	FT_DIAG,	/* cause: the diagnostic octets in hex */
	FT_REC,		/* cause: the recommendation of octet 1a (present when listed) */
	FT_DIAGHEX,	/* cause: the diagnostic octets in hex */
	FT_PC_CODE,	/* parameter compatibility: the upgraded parameter of the one entry */
};

struct fdesc {
	const char *name;
	enum ftype type;
	size_t off;
};

union typed {
	struct isup_number num;
	struct isup_nci nci;
	struct isup_fci fci;
	struct isup_bci bci;
	struct isup_obci obci;
	struct isup_cause cause;
	struct isup_event_info event;
	struct isup_range_status rs;
	struct isup_redirection_info ri;
	struct isup_echo_control eci;
	struct isup_usi usi;
	struct isup_compat_instr mc;
	struct isup_param_compat pc;
};

struct pdesc {
	uint8_t code;
	int (*dec)(union typed *t, const uint8_t *val, uint8_t len);
	int (*enc)(const union typed *t, uint8_t *out, size_t size);
	const struct fdesc *fields;
};

#define M(s, m)	offsetof(union typed, s.m)
#define NUM_DIGITS(name)	{ name, FT_DIGITS, M(num, digits) }, { "isup.isdn_odd_even_indicator", FT_ODD_EVEN, 0 }
#define NUM_NPI	{ "isup.numbering_plan_indicator", FT_U8, M(num, npi) }
#define NUM_APRI { "isup.address_presentation_restricted_indicator", FT_U8, M(num, apri) }
#define NUM_NAI(which) { "isup." which "_party_nature_of_address_indicator", FT_U8, M(num, nai) }

static const struct fdesc f_cdpn[] = {	/* Q.763 3.9 */
	NUM_DIGITS("isup.called"), NUM_NAI("called"), NUM_NPI,
	{ "isup.inn_indicator", FT_U8, M(num, inn_ni) }, { NULL } };
static const struct fdesc f_cgpn[] = {	/* 3.10 */
	NUM_DIGITS("isup.calling"), NUM_NAI("calling"), NUM_NPI, NUM_APRI,
	{ "isup.ni_indicator", FT_U8, M(num, inn_ni) },
	{ "isup.screening_indicator", FT_U8, M(num, screening) }, { NULL } };
static const struct fdesc f_gn[] = {	/* 3.26 */
	NUM_DIGITS("isup.generic_number"), NUM_NAI("calling"), NUM_NPI, NUM_APRI,
	{ "isup.number_qualifier_indicator", FT_U8, M(num, qualifier) },
	{ "isup.ni_indicator", FT_U8, M(num, inn_ni) },
	{ "isup.screening_indicator_enhanced", FT_U8, M(num, screening) }, { NULL } };
static const struct fdesc f_ocn[] = {	/* 3.39 */
	NUM_DIGITS("isup.original_called_number"), NUM_NAI("calling"), NUM_NPI, NUM_APRI, { NULL } };
static const struct fdesc f_rdgn[] = {	/* 3.44 */
	NUM_DIGITS("isup.redirecting"), NUM_NAI("calling"), NUM_NPI, NUM_APRI, { NULL } };
static const struct fdesc f_connn[] = {	/* 3.16 */
	NUM_DIGITS("isup.connected_number"), NUM_NAI("calling"), NUM_NPI, NUM_APRI,
	{ "isup.screening_indicator", FT_U8, M(num, screening) }, { NULL } };
static const struct fdesc f_locn[] = {	/* 3.30 */
	NUM_DIGITS("isup.location_number"), NUM_NAI("calling"), NUM_NPI, NUM_APRI,
	{ "isup.inn_indicator", FT_U8, M(num, inn_ni) },
	{ "isup.screening_indicator", FT_U8, M(num, screening) }, { NULL } };
static const struct fdesc f_rdnn[] = {	/* 3.46 */
	NUM_DIGITS("isup.redirection_number"), NUM_NAI("called"), NUM_NPI,
	{ "isup.inn_indicator", FT_U8, M(num, inn_ni) }, { NULL } };
static const struct fdesc f_mci[] = {	/* 3.33 */
	{ "isup.transit_at_intermediate_exchange_ind", FT_U8, M(mc, end_node_only) },
	{ "isup.Release_call_ind", FT_U8, M(mc, release_call) },
	{ "isup.Send_notification_ind", FT_U8, M(mc, send_notification) },
	{ "isup.Discard_message_ind_value", FT_U8, M(mc, discard_msg) },
	{ "isup.Pass_on_not_possible_val", FT_U8, M(mc, pass_on_not_possible) }, { NULL } };
static const struct fdesc f_pci[] = {	/* 3.41, one entry */
	{ "isup.upgraded_parameter", FT_PC_CODE, 0 },
	{ "isup.transit_at_intermediate_exchange_ind", FT_U8, M(pc, entry[0].instr.end_node_only) },
	{ "isup.Release_call_ind", FT_U8, M(pc, entry[0].instr.release_call) },
	{ "isup.Send_notification_ind", FT_U8, M(pc, entry[0].instr.send_notification) },
	{ "isup.Discard_message_ind_value", FT_U8, M(pc, entry[0].instr.discard_msg) },
	{ "isup.Discard_parameter_ind", FT_U8, M(pc, entry[0].instr.discard_param) },
	{ "isup.Pass_on_not_possible_ind", FT_U8, M(pc, entry[0].instr.pass_on_not_possible) }, { NULL } };
static const struct fdesc f_subn[] = {	/* 3.51 */
	NUM_DIGITS("isup.subsequent_number"), { NULL } };
static const struct fdesc f_nci[] = {	/* 3.35 */
	{ "isup.satellite_indicator", FT_U8, M(nci, satellite) },
	{ "isup.continuity_check_indicator", FT_U8, M(nci, continuity) },
	{ "isup.echo_control_device_indicator", FT_U8, M(nci, echo_device) }, { NULL } };
static const struct fdesc f_fci[] = {	/* 3.23 */
	{ "isup.forw_call_natnl_inatnl_call_indicator", FT_U8, M(fci, international) },
	{ "isup.forw_call_end_to_end_method_indicator", FT_U8, M(fci, e2e_method) },
	{ "isup.forw_call_interworking_indicator", FT_U8, M(fci, interworking) },
	{ "isup.forw_call_end_to_end_information_indicator", FT_U8, M(fci, e2e_info) },
	{ "isup.forw_call_isdn_user_part_indicator", FT_U8, M(fci, isup_all_the_way) },
	{ "isup.forw_call_preferences_indicator", FT_U8, M(fci, isup_pref) },
	{ "isup.forw_call_isdn_access_indicator", FT_U8, M(fci, orig_access_isdn) },
	{ "isup.forw_call_sccp_method_indicator", FT_U8, M(fci, sccp_method) },
	{ "isup.forw_call_ported_num_trans_indicator", FT_U8, M(fci, ported_translated) },
	{ "isup.forw_call_qor_attempt_indicator", FT_U8, M(fci, qor_attempt) }, { NULL } };
static const struct fdesc f_bci[] = {	/* 3.5 */
	{ "isup.charge_indicator", FT_U8, M(bci, charge) },
	{ "isup.called_partys_status_indicator", FT_U8, M(bci, called_status) },
	{ "isup.called_partys_category_indicator", FT_U8, M(bci, called_category) },
	{ "isup.backw_call_end_to_end_method_indicator", FT_U8, M(bci, e2e_method) },
	{ "isup.backw_call_interworking_indicator", FT_U8, M(bci, interworking) },
	{ "isup.backw_call_end_to_end_information_indicator", FT_U8, M(bci, e2e_info) },
	{ "isup.backw_call_iam_seg_ind", FT_U8, M(bci, e2e_info) },	/* T1.113: bit J */
	{ "isup.backw_call_isdn_user_part_indicator", FT_U8, M(bci, isup_all_the_way) },
	{ "isup.backw_call_holding_indicator", FT_U8, M(bci, holding) },
	{ "isup.backw_call_isdn_access_indicator", FT_U8, M(bci, term_access_isdn) },
	{ "isup.backw_call_echo_control_device_indicator", FT_U8, M(bci, echo_device) },
	{ "isup.backw_call_sccp_method_indicator", FT_U8, M(bci, sccp_method) }, { NULL } };
static const struct fdesc f_obci[] = {	/* 3.37 */
	{ "isup.inband_information_ind", FT_U8, M(obci, inband_info) },
	{ "isup.call_diversion_may_occur_ind", FT_U8, M(obci, diversion_may_occur) },
	{ "isup.simple_segmentation_ind", FT_U8, M(obci, segmentation) },
	{ "isup.mlpp_user", FT_U8, M(obci, mlpp_user) }, { NULL } };
static const struct fdesc f_cause[] = {	/* 3.12, Q.850 (ITU fields from q931, ANSI from isup) */
	{ "q931.cause_location", FT_U8, M(cause, location) },
	{ "isup.cause_location", FT_U8, M(cause, location) },
	{ "q931.coding_standard", FT_U8, M(cause, coding_std) },
	{ "ansi_isup.coding_standard", FT_U8, M(cause, coding_std) },
	{ "isup.cause_indicator", FT_U8, M(cause, value) },
	{ "q931.cause.recommendation", FT_REC, 0 },
	{ "diagnostic", FT_DIAGHEX, 0 },
	{ "q931.information_element", FT_DIAG, 0 },
	{ "q931.cause_call.message_type", FT_DIAG, 0 }, { NULL } };
static const struct fdesc f_event[] = {	/* 3.21 */
	{ "isup.event_ind", FT_U8, M(event, event) },
	{ "isup.event_presentation_restr_ind", FT_U8, M(event, pres_restricted) }, { NULL } };
static const struct fdesc f_rs[] = {	/* 3.43 */
	{ "isup.range_indicator", FT_RANGE1, 0 }, { "status", FT_STATUS, 0 }, { NULL } };
static const struct fdesc f_ri[] = {	/* 3.45 */
	{ "isup.redirecting_ind", FT_U8, M(ri, indicator) },
	{ "isup.original_redirection_reason", FT_U8, M(ri, orig_reason) },
	{ "isup.redirection_counter", FT_U8, M(ri, counter) },
	{ "isup.redirection_reason", FT_U8, M(ri, reason) }, { NULL } };
static const struct fdesc f_eci[] = {	/* 3.19 */
	{ "isup.OECD_inf_ind_vals", FT_U8, M(eci, out_half_resp) },
	{ "isup.IECD_inf_ind_vals", FT_U8, M(eci, in_half_resp) },
	{ "isup.OECD_req_ind_vals", FT_U8, M(eci, out_half_req) },
	{ "isup.IECD_req_ind_vals", FT_U8, M(eci, in_half_req) }, { NULL } };
static const struct fdesc f_usi[] = {	/* 3.57, Q.931 4.5.5 octets 3-5 */
	{ "q931.coding_standard", FT_U8, M(usi, coding_std) },
	{ "q931.information_transfer_capability", FT_U8, M(usi, itc) },
	{ "q931.transfer_mode", FT_U8, M(usi, transfer_mode) },
	{ "q931.information_transfer_rate", FT_U8, M(usi, transfer_rate) },
	{ "q931.uil1", FT_U8, M(usi, l1_protocol) }, { NULL } };

#define NUMBER_CODEC(fn, kind) \
static int dec_##fn(union typed *t, const uint8_t *v, uint8_t l) { return isup_number_decode(&t->num, kind, v, l); } \
static int enc_##fn(const union typed *t, uint8_t *o, size_t n) { return isup_number_encode(&t->num, kind, o, n); }
#define TYPED_CODEC(fn, member) \
static int dec_##fn(union typed *t, const uint8_t *v, uint8_t l) { return isup_##fn##_decode(&t->member, v, l); } \
static int enc_##fn(const union typed *t, uint8_t *o, size_t n) { return isup_##fn##_encode(&t->member, o, n); }
NUMBER_CODEC(cdpn, ISUP_NUM_CALLED)
NUMBER_CODEC(cgpn, ISUP_NUM_CALLING)
NUMBER_CODEC(gn, ISUP_NUM_GENERIC)
NUMBER_CODEC(ocn, ISUP_NUM_ORIG_CALLED)
NUMBER_CODEC(rdgn, ISUP_NUM_REDIRECTING)
NUMBER_CODEC(connn, ISUP_NUM_CONNECTED)
NUMBER_CODEC(locn, ISUP_NUM_LOCATION)
NUMBER_CODEC(subn, ISUP_NUM_SUBSEQUENT)
NUMBER_CODEC(rdnn, ISUP_NUM_REDIRECTION)
TYPED_CODEC(msg_compat, mc)
TYPED_CODEC(param_compat, pc)
TYPED_CODEC(nci, nci)
TYPED_CODEC(fci, fci)
TYPED_CODEC(bci, bci)
TYPED_CODEC(obci, obci)
TYPED_CODEC(cause, cause)
TYPED_CODEC(event_info, event)
TYPED_CODEC(range_status, rs)
TYPED_CODEC(redirection_info, ri)
TYPED_CODEC(echo_control, eci)
TYPED_CODEC(usi, usi)

static const struct pdesc typed_params[] = {
	{ ISUP_PRM_CALLED_NUM, dec_cdpn, enc_cdpn, f_cdpn },
	{ ISUP_PRM_CALLING_NUM, dec_cgpn, enc_cgpn, f_cgpn },
	{ ISUP_PRM_GENERIC_NUM, dec_gn, enc_gn, f_gn },
	{ ISUP_PRM_ORIG_CALLED_NUM, dec_ocn, enc_ocn, f_ocn },
	{ ISUP_PRM_REDIRECTING_NUM, dec_rdgn, enc_rdgn, f_rdgn },
	{ ISUP_PRM_CONNECTED_NUM, dec_connn, enc_connn, f_connn },
	{ ISUP_PRM_LOCATION_NUM, dec_locn, enc_locn, f_locn },
	{ ISUP_PRM_SUBSEQUENT_NUM, dec_subn, enc_subn, f_subn },
	{ ISUP_PRM_REDIRECTION_NUM, dec_rdnn, enc_rdnn, f_rdnn },
	{ ISUP_PRM_MSG_COMPAT_INFO, dec_msg_compat, enc_msg_compat, f_mci },
	{ ISUP_PRM_PARAM_COMPAT_INFO, dec_param_compat, enc_param_compat, f_pci },
	{ ISUP_PRM_NCI, dec_nci, enc_nci, f_nci },
	{ ISUP_PRM_FCI, dec_fci, enc_fci, f_fci },
	{ ISUP_PRM_BCI, dec_bci, enc_bci, f_bci },
	{ ISUP_PRM_OBCI, dec_obci, enc_obci, f_obci },
	{ ISUP_PRM_CAUSE, dec_cause, enc_cause, f_cause },
	{ ISUP_PRM_EVENT_INFO, dec_event_info, enc_event_info, f_event },
	{ ISUP_PRM_RANGE_STATUS, dec_range_status, enc_range_status, f_rs },
	{ ISUP_PRM_REDIRECTION_INFO, dec_redirection_info, enc_redirection_info, f_ri },
	{ ISUP_PRM_ECHO_CONTROL_INFO, dec_echo_control, enc_echo_control, f_eci },
	{ ISUP_PRM_USI, dec_usi, enc_usi, f_usi },
};

/* one-octet parameters the codec carries as the octet itself (Q.763 3.11, 3.54, 3.55, 3.80,
 * 3.52, 3.13, 3.4): the field is the whole octet */
static const struct {
	uint8_t code;
	const char *field;
} octet_params[] = {
	{ ISUP_PRM_CPC, "isup.calling_partys_category" },
	{ ISUP_PRM_TMR, "isup.transmission_medium_requirement" },
	{ 0x3e, "isup.transmission_medium_requirement_prime" },
	{ ISUP_PRM_HOP_COUNTER, "isup.hop_counter" },
	{ ISUP_PRM_SUSPEND_RESUME_IND, "isup.suspend_resume_indicator" },
	{ ISUP_PRM_CGSMT, "isup.cgs_message_type" },
	{ ISUP_PRM_AUTO_CONGESTION_LEVEL, "isup.automatic_congestion_level" },
};

/* ---- field access ---- */

static const struct pdesc *typed_param(int code)
{
	for (size_t i = 0; i < sizeof(typed_params) / sizeof(typed_params[0]); i++)
		if (typed_params[i].code == code)
			return &typed_params[i];
	return NULL;
}

static const char *octet_param_field(int code)
{
	for (size_t i = 0; i < sizeof(octet_params) / sizeof(octet_params[0]); i++)
		if (octet_params[i].code == code)
			return octet_params[i].field;
	return NULL;
}

static const struct fdesc *find_fdesc(const struct fdesc *fd, const char *name)
{
	for (; fd && fd->name; fd++)
		if (!strcmp(fd->name, name))
			return fd;
	return NULL;
}

static void hex_string(char *out, size_t size, const uint8_t *b, unsigned int n)
{
	out[0] = '\0';
	for (unsigned int i = 0; i < n && 2 * i + 2 < size; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void field_get(const struct fdesc *fd, const union typed *t, char *out, size_t size)
{
	const uint8_t *u8 = (const uint8_t *)t + fd->off;

	switch (fd->type) {
	case FT_U8:
		snprintf(out, size, "%u", *u8);
		break;
	case FT_DIGITS:
		snprintf(out, size, "%s%s", t->num.digits, t->num.st ? "F" : "");
		break;
	case FT_ODD_EVEN:
		snprintf(out, size, "%u", (unsigned int)((strlen(t->num.digits) + t->num.st) & 1));
		break;
	case FT_RANGE1:
		snprintf(out, size, "%u", t->rs.range + 1);
		break;
	case FT_STATUS:
		hex_string(out, size, t->rs.status, t->rs.status_present ? (t->rs.range + 8) / 8 : 0);
		break;
	case FT_REC:
		snprintf(out, size, t->cause.has_recommendation ? "%u" : "(absent)", t->cause.recommendation);
		break;
	case FT_DIAGHEX:
		hex_string(out, size, t->cause.diag, t->cause.diag_len);
		break;
	case FT_PC_CODE:
		if (t->pc.num == 1)
			snprintf(out, size, "%u", t->pc.entry[0].code);
		else
			snprintf(out, size, "(%u entries)", t->pc.num);
		break;
	case FT_DIAG:
		if (t->cause.diag_len == 1)
			snprintf(out, size, "%u", t->cause.diag[0]);
		else
			hex_string(out, size, t->cause.diag, t->cause.diag_len);
		break;
	}
}

static int field_set(const struct fdesc *fd, union typed *t, const char *value)
{
	uint8_t *u8 = (uint8_t *)t + fd->off;
	unsigned long v = strtoul(value, NULL, 10);
	size_t n = strlen(value);

	switch (fd->type) {
	case FT_U8:
		*u8 = v;
		return v > 255 ? -1 : 0;
	case FT_DIGITS:
		t->num.st = n && value[n - 1] == 'F';
		snprintf(t->num.digits, sizeof(t->num.digits), "%.*s", (int)(n - t->num.st), value);
		return 0;
	case FT_ODD_EVEN:	/* derived from the digits by the encoder */
		return 0;
	case FT_RANGE1:
		t->rs.range = v - 1;
		return v < 1 || v > 256 ? -1 : 0;
	case FT_STATUS:
		t->rs.status_present = true;
		return parse_hex(value, t->rs.status, sizeof(t->rs.status), 0) ? 0 : -1;
	case FT_REC:
		t->cause.has_recommendation = true;
		t->cause.recommendation = v;
		return v > 127 ? -1 : 0;
	case FT_DIAGHEX:
		t->cause.diag_len = parse_hex(value, t->cause.diag, sizeof(t->cause.diag), 0);
		return t->cause.diag_len ? 0 : -1;
	case FT_PC_CODE:
		t->pc.num = 1;
		t->pc.entry[0].code = v;
		return v > 255 ? -1 : 0;
	case FT_DIAG:
		t->cause.diag[0] = v;
		t->cause.diag_len = 1;
		return v > 255 ? -1 : 0;
	}
	return -1;
}

/* the value octets of a parameter item, as the vector writes them */
static bool item_value(const struct vitem *it, const uint8_t **val, unsigned int *len)
{
	unsigned int skip = it->part == 'F' ? 0 : it->part == 'V' ? 1 : 2;

	if (it->len < skip || (skip == 1 && it->oct[0] != it->len - 1) ||
	    (skip == 2 && (it->oct[0] != it->code || it->oct[1] != it->len - 2)))
		return false;
	*val = it->oct + skip;
	*len = it->len - skip;
	return true;
}

static const char *item_field(const struct vector *v, const char *tag, const char *name)
{
	for (unsigned int i = 0; i < v->ni; i++) {
		if (strcmp(v->it[i].tag, tag))
			continue;
		for (unsigned int j = 0; j < v->it[i].nf; j++)
			if (!strcmp(v->it[i].f[j].name, name))
				return v->it[i].f[j].value;
	}
	return NULL;
}

/* ---- the checks ---- */

#define ERR(...) do { printf("#   " __VA_ARGS__); printf("\n"); errs++; } while (0)

static unsigned int concat(const struct vector *v, uint8_t *out, size_t size)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < v->ni; i++) {
		if (n + v->it[i].len > size)
			return 0;
		memcpy(out + n, v->it[i].oct, v->it[i].len);
		n += v->it[i].len;
	}
	return n;
}

/* the typed decoder's view of one parameter against the vector's fields */
static int check_fields(const struct vitem *it, const struct isup_param *p)
{
	const struct pdesc *pd = typed_param(it->code);
	const char *octet_field = octet_param_field(it->code);
	union typed t;
	char got[128];
	int errs = 0;

	memset(&t, 0, sizeof(t));
	if (pd && pd->dec(&t, p->val, p->len) < 0) {
		ERR("vectors.txt:%u %s: the typed decoder refuses the value", it->line, it->tag);
		return errs;
	}
	for (unsigned int j = 0; j < it->nf; j++) {
		const struct vfield *f = &it->f[j];
		const struct fdesc *fd = pd ? find_fdesc(pd->fields, f->name) : NULL;

		if (fd)
			field_get(fd, &t, got, sizeof(got));
		else if (octet_field && !strcmp(octet_field, f->name) && p->len == 1)
			snprintf(got, sizeof(got), "%u", p->val[0]);
		else {
			printf("#   vectors.txt:%u %s: %s not modelled by the codec (raw octets checked)\n",
			       it->line, it->tag, f->name);
			continue;
		}
		if (strcmp(got, f->value))
			ERR("vectors.txt:%u %s: %s decoded %s, vector %s", it->line, it->tag, f->name, got, f->value);
	}
	return errs;
}

static bool check_decode(const struct vector *v)
{
	static struct isup_msg m;
	uint8_t buf[512];
	unsigned int len = concat(v, buf, sizeof(buf)), j = 0, vlen;
	const char *cic = item_field(v, "cic", "isup.cic"), *type = item_field(v, "type", "isup.message_type");
	const uint8_t *val;
	int rc, errs = 0;

	rc = isup_decode(&m, v->variant, buf, len, NULL);
	if (rc != ISUP_OK) {
		ERR("isup_decode: %s", isup_strerror(rc));
		return false;
	}
	if (!cic || !type || m.cic != strtoul(cic, NULL, 10) || m.type != strtoul(type, NULL, 10))
		ERR("cic/type decoded %u/%u, vector %s/%s", m.cic, m.type, cic ? cic : "-", type ? type : "-");
	for (unsigned int i = 0; i < v->ni; i++) {
		const struct vitem *it = &v->it[i];
		const struct isup_param *p = j < m.num_params ? &m.params[j] : NULL;
		uint8_t part = it->part == 'F' ? ISUP_PART_FIXED : it->part == 'V' ? ISUP_PART_VARIABLE :
			       ISUP_PART_OPTIONAL;

		if (it->code < 0)
			continue;
		j++;
		if (!p || p->code != it->code || p->part != part) {
			ERR("vectors.txt:%u %s: decoded %s (part %d) at this place", it->line, it->tag,
			    p ? isup_param_short_name(p->code) : "nothing", p ? p->part : -1);
			continue;
		}
		if (!item_value(it, &val, &vlen))
			ERR("vectors.txt:%u %s: the vector's own code/length octets are wrong", it->line, it->tag);
		else if (vlen != p->len || memcmp(val, p->val, vlen))
			ERR("vectors.txt:%u %s: decoded value octets differ", it->line, it->tag);
		else
			errs += check_fields(it, p);
	}
	if (j != m.num_params)
		ERR("decoded %u parameters, the vector has %u", m.num_params, j);
	return errs == 0;
}

/* one parameter's value from the vector's fields (typed) or its octets (raw) */
static int build_value(const struct vitem *it, uint8_t *out, size_t size)
{
	const struct pdesc *pd = typed_param(it->code);
	const char *octet_field = octet_param_field(it->code);
	const uint8_t *val;
	unsigned int len, used = 0;
	union typed t;

	if (pd) {
		memset(&t, 0, sizeof(t));
		for (unsigned int j = 0; j < it->nf; j++) {
			const struct fdesc *fd = find_fdesc(pd->fields, it->f[j].name);

			if (fd && field_set(fd, &t, it->f[j].value) < 0)
				return -1;
			used += fd != NULL;
		}
		return used ? pd->enc(&t, out, size) : -1;
	}
	for (unsigned int j = 0; octet_field && j < it->nf; j++) {
		if (!strcmp(it->f[j].name, octet_field)) {
			out[0] = strtoul(it->f[j].value, NULL, 10);
			return 1;
		}
	}
	if (!item_value(it, &val, &len) || len > size)
		return -1;
	memcpy(out, val, len);
	return len;
}

static bool check_encode(const struct vector *v)
{
	static struct isup_msg m;
	uint8_t want[512], got[512], val[256];
	unsigned int want_len = concat(v, want, sizeof(want));
	const char *cic = item_field(v, "cic", "isup.cic"), *type = item_field(v, "type", "isup.message_type");
	int len, errs = 0;

	if (!cic || !type) {
		ERR("vector without isup.cic / isup.message_type");
		return false;
	}
	isup_msg_init(&m, v->variant, strtoul(type, NULL, 10), strtoul(cic, NULL, 10));
	for (unsigned int i = 0; i < v->ni; i++) {
		const struct vitem *it = &v->it[i];

		if (it->code < 0)
			continue;
		len = build_value(it, val, sizeof(val));
		if (len < 0 || isup_msg_set(&m, it->code, val, len) < 0) {
			ERR("vectors.txt:%u %s: cannot build from the fields (%d)", it->line, it->tag, len);
			continue;
		}
	}
	len = isup_encode(&m, got, sizeof(got));
	if (len < 0) {
		ERR("isup_encode: %s", isup_strerror(len));
		return false;
	}
	if ((unsigned int)len != want_len || memcmp(got, want, len)) {
		char a[1100], b[1100];

		hex_string(a, sizeof(a), got, len);
		hex_string(b, sizeof(b), want, want_len);
		ERR("encoded %s", a);
		ERR("vector  %s", b);
	}
	return errs == 0;
}

int main(int argc, char **argv)
{
	unsigned int failed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s VECTORS_FILE\n", argv[0]);
		return 2;
	}
	path = argv[1];
	parse_file();
	printf("1..%u\n", 2 * num_vectors);
	for (unsigned int i = 0; i < num_vectors; i++) {
		const struct vector *v = &vectors[i];
		const char *var = v->variant == ISUP_VARIANT_ANSI ? "ANSI" : "ITU";
		bool ok = check_decode(v);

		printf("%sok codec decodes %s %s (vectors.txt:%u) as written\n", ok ? "" : "not ", var, v->name, v->line);
		failed += !ok;
		ok = check_encode(v);
		printf("%sok codec encodes %s %s (vectors.txt:%u) from its field values\n", ok ? "" : "not ", var,
		       v->name, v->line);
		failed += !ok;
	}
	return failed ? 1 : 0;
}

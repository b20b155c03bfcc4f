/* Unit test of the ISUP circuit FSMs (Osmocom style: stdout compared with circuit_fsm_test.ok):
 * the call control FSM (IAM in -> ACM/ANM out, REL/RLC, T7, T1/T5, T16/T17), the blocking FSM
 * (BLO/BLA with T12/T13, UBL/UBA, remote blocking) and the group supervision FSM (GRS/GRA with
 * T22/T23, CGB/CGBA), the continuity check and re-check of an incoming circuit (COT, CCR, T8,
 * T27, T36), that of an outgoing circuit (NCI, the transceiver callbacks, T24, COT, the re-test
 * with T25/T26 and CCR, the repeat attempt), suspend/resume (T2, T6), the CQR compared with the
 * local states (Q.764 2.8.3), the release of a circuit with no call here
 * (isup_circuit_release_orphan: REL, T1, T5 -> RSC; REL collision), the takeover API
 * (isup_takeover.h: hold, restored calls, RSC/BLO), driven by synthetic messages and fake time. The MTP is a stub: every message
 * the circuit layer sends is printed instead (isup_mtp_send below replaces isup/isup_mtp.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/application.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/timer_compat.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/utils.h>

#include "gw/debug.h"
#include "isup/isup_node.h"
#include "isup/isup_call.h"
#include "isup/isup_cot.h"
#include "isup/isup_takeover.h"
#include "isup/cgroup.h"
#include "isup/q850.h"

#define OPC 1
#define DPC 2

static unsigned long now_s;

/* ---- the MTP stub: isup_mtp.h without libosmo-sigtran --------------------------------------- */

static const char *param_summary(const struct isup_msg *msg, char *buf, size_t len)
{
	const struct isup_param *p = isup_msg_find_const(msg, ISUP_PRM_CAUSE);
	struct isup_range_status rs;
	struct isup_cause c;
	buf[0] = 0;
	if (p && isup_cause_decode(&c, p->val, p->len) == 0)
		snprintf(buf, len, " cause=%u", c.value);
	else if (cgroup_msg_get_rs(msg, &rs) == 0)
		snprintf(buf, len, " range=%u", rs.range);
	return buf;
}

/* the continuity check of what we send: IAM NCI bits DC, COT continuity indicator */
static const char *cot_summary(const struct isup_msg *msg)
{
	const struct isup_param *nci = isup_msg_find_const(msg, ISUP_PRM_NCI);
	const struct isup_param *ci = isup_msg_find_const(msg, ISUP_PRM_CONTINUITY_IND);
	if (nci && nci->len && (nci->val[0] & 0x0c))
		return (nci->val[0] & 0x0c) == 0x04 ? " nci: continuity check required" : " nci: continuity 2/3";
	if (ci && ci->len)
		return ci->val[0] & 1 ? " continuity: success" : " continuity: failure";
	return "";
}

int isup_mtp_send(struct isup_mtp *mtp, uint32_t dpc, const struct isup_msg *msg)
{
	char prm[64];
	printf("  t=%3lus  tx %s cic=%u%s%s\n", now_s, isup_msg_name(msg->type), msg->cic,
	       param_summary(msg, prm, sizeof(prm)), cot_summary(msg));
	return 0;
}

int isup_mtp_send_raw(struct isup_mtp *mtp, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	return 0;
}

struct isup_mtp *isup_mtp_create(void *ctx, uint32_t ss7_id, enum isup_variant variant, uint8_t ni,
				 const struct isup_mtp_ops *ops, void *priv)
{
	return NULL;
}

void isup_mtp_destroy(struct isup_mtp *mtp) {}
struct isup_route *isup_mtp_route_add(struct isup_mtp *mtp, uint32_t dpc) { return NULL; }
struct isup_route *isup_mtp_route_find(struct isup_mtp *mtp, uint32_t dpc) { return NULL; }
bool isup_mtp_route_available(struct isup_mtp *mtp, uint32_t dpc) { return true; }
void isup_mtp_routes_poll(struct isup_mtp *mtp) {}
const char *isup_mtp_pc_str(struct isup_mtp *mtp, uint32_t pc) { return "0.0.2"; }
int isup_mtp_pc_parse(struct isup_mtp *mtp, const char *str) { return DPC; }

/* ---- the layer above ------------------------------------------------------------------------ */

static struct isup_call *g_call;

static void setup_ind(struct isup_call *call, const struct isup_msg *iam, void *app)
{
	printf("  call layer: setup_ind cic=%u\n", isup_call_cic(call));
	g_call = call;
}

static void msg_ind(struct isup_call *call, const struct isup_msg *msg, void *app)
{
	printf("  call layer: msg_ind %s\n", isup_msg_name(msg->type));
}

static void release_ind(struct isup_call *call, uint8_t cause, const struct isup_msg *rel, void *app)
{
	const struct isup_param *p = rel ? isup_msg_find_const(rel, ISUP_PRM_CAUSE) : NULL;
	printf("  call layer: release_ind cause=%u%s\n", cause, rel ? " (the REL received)" : "");
	if (p)
		printf("  call layer: the REL's cause parameter: %s\n", osmo_hexdump_nospc(p->val, p->len));
	g_call = NULL;
}

static const struct isup_call_ops call_ops = {
	.setup_ind = setup_ind,
	.msg_ind = msg_ind,
	.release_ind = release_ind,
};

/* ---- helpers -------------------------------------------------------------------------------- */

static struct isup_node *g_node;
static struct isup_cgroup *g_cg;

static void states(uint16_t cic)
{
	struct isup_circuit *cct = cgroup_cct(g_cg, cic);
	char mnt[128];
	printf("  cic %u: %s, blocking %s (%s); group: reset %s, blocking %s\n", cic,
	       osmo_fsm_inst_state_name(cct->fi), osmo_fsm_inst_state_name(cct->blk_fi),
	       circuit_mnt_str(cct, mnt, sizeof(mnt)), osmo_fsm_inst_state_name(g_cg->grs_fi),
	       osmo_fsm_inst_state_name(g_cg->cgb_fi));
}

static void rx(struct isup_msg *m)
{
	struct isup_mtp_rx r = { .opc = DPC, .dpc = OPC, .raw_len = 8, .decode_rc = ISUP_OK, .msg = m };
	char prm[64];
	printf("  t=%3lus  rx %s cic=%u%s\n", now_s, isup_msg_name(m->type), m->cic,
	       param_summary(m, prm, sizeof(prm)));
	cgroups_rx(g_node, &r);
}

static void rx_simple(uint8_t type, uint16_t cic)
{
	struct isup_msg m;
	isup_msg_init(&m, ISUP_VARIANT_ITU, type, cic);
	rx(&m);
}

static void rx_rel(uint16_t cic, uint8_t cause)
{
	struct isup_msg m;
	struct isup_cause c = { .location = ISUP_LOC_PUB_LOCAL, .value = cause };
	uint8_t raw[8];
	int len = isup_cause_encode(&c, raw, sizeof(raw));
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_REL, cic);
	isup_msg_set(&m, ISUP_PRM_CAUSE, raw, len);
	rx(&m);
}

static void rx_range(uint8_t type, uint16_t cic, uint8_t range, bool status)
{
	struct isup_msg m;
	struct isup_range_status rs = { .range = range, .status_present = status };
	uint8_t cgsmt = ISUP_CGSMT_MAINTENANCE;
	isup_msg_init(&m, ISUP_VARIANT_ITU, type, cic);
	if (type == ISUP_CGBA || type == ISUP_CGUA)
		isup_msg_set(&m, ISUP_PRM_CGSMT, &cgsmt, 1);
	cgroup_msg_set_rs(&m, &rs);
	rx(&m);
}

/* a message with one one-octet parameter (NCI of an IAM, continuity of a COT, SUS/RES indicators) */
static void rx_octet(uint8_t type, uint16_t cic, uint8_t prm, uint8_t val)
{
	struct isup_msg m;
	isup_msg_init(&m, ISUP_VARIANT_ITU, type, cic);
	isup_msg_set(&m, prm, &val, 1);
	printf("  (%s parameter 0x%02x = 0x%02x)\n", isup_msg_name(type), prm, val);
	rx(&m);
}

static void app_send(uint8_t type)
{
	struct isup_msg m;
	isup_msg_init(&m, ISUP_VARIANT_ITU, type, 0);
	printf("  call layer: send %s\n", isup_msg_name(type));
	isup_call_send(g_call, &m);
}

/* advance the fake clock second by second, running the timers due */
static void wait_s(unsigned long secs)
{
	for (unsigned long i = 0; i < secs; i++) {
		osmo_clock_override_add(CLOCK_MONOTONIC, 1, 0);
		osmo_gettimeofday_override_add(1, 0);
		now_s++;
		osmo_timers_prepare();
		osmo_timers_update();
	}
}

static void group_timer(int T, unsigned long val)
{
	cgroup_timer_override(g_cg, T, true, val);
}

/* ---- the cases ------------------------------------------------------------------------------ */

static void test_incoming_answered(void)
{
	printf("incoming call: IAM in -> ACM, ANM out; REL in -> RLC out\n");
	rx_simple(ISUP_IAM, 1);
	states(1);
	app_send(ISUP_ACM);
	states(1);
	app_send(ISUP_ANM);
	states(1);
	rx_rel(1, Q850_NORMAL_CLEARING);
	states(1);
}

static void test_outgoing_released(void)
{
	struct isup_msg iam;
	uint8_t cause = 0;
	printf("outgoing call: IAM out, ACM, ANM in; released by the call layer: REL out, RLC in\n");
	isup_msg_init(&iam, ISUP_VARIANT_ITU, ISUP_IAM, 0);
	g_call = isup_call_setup(g_node, "grp", 1, &iam, NULL, &cause);
	states(1);
	rx_simple(ISUP_ACM, 1);
	states(1);
	rx_simple(ISUP_ANM, 1);
	states(1);
	printf("  call layer: release cause=16\n");
	isup_call_release(g_call, Q850_NORMAL_CLEARING);
	g_call = NULL;
	states(1);
	rx_simple(ISUP_RLC, 1);
	states(1);
}

static void test_t7_t1_t5_t17(void)
{
	struct isup_msg iam;
	printf("T7 (timer isup T7 3), then no RLC: T1 (group 2 s) and T5 (group 7 s): RSC, T17 (5 s) "
	       "without T16 (Q.764 2.3.1); RLC in\n");
	osmo_tdef_set(isup_node_tdefs(g_node), 7, 3, OSMO_TDEF_S);
	group_timer(1, 2);
	group_timer(5, 7);
	group_timer(16, 2);
	group_timer(17, 5);
	isup_msg_init(&iam, ISUP_VARIANT_ITU, ISUP_IAM, 0);
	g_call = isup_call_setup(g_node, "grp", 1, &iam, NULL, NULL);
	states(1);
	wait_s(3);
	states(1);
	wait_s(4);
	states(1);
	wait_s(10);
	states(1);
	rx_simple(ISUP_RLC, 1);
	states(1);
}

static void test_reset(void)
{
	printf("RSC out: T16 (2 s) repeats it, T17 (5 s) alerts and stops T16 (Q.764 2.9.3.1); RLC in\n");
	circuit_send_rsc(cgroup_cct(g_cg, 1));
	states(1);
	wait_s(12);
	states(1);
	rx_simple(ISUP_RLC, 1);
	states(1);
}

static void test_blocking(void)
{
	printf("blocking: BLO out, T12 (2 s) repeats it, T13 (5 s) alerts and stops T12; BLA in\n");
	group_timer(12, 2);
	group_timer(13, 5);
	group_timer(14, 2);
	group_timer(15, 5);
	circuit_block(cgroup_cct(g_cg, 2), true);
	states(2);
	wait_s(11);
	rx_simple(ISUP_BLA, 2);
	states(2);
	printf("unblocking: UBL out, T14 repeats it; UBA in\n");
	circuit_block(cgroup_cct(g_cg, 2), false);
	states(2);
	wait_s(2);
	rx_simple(ISUP_UBA, 2);
	states(2);
	printf("remote blocking: BLO in -> BLA out; UBL in -> UBA out; unexpected BLA discarded\n");
	rx_simple(ISUP_BLO, 3);
	states(3);
	rx_simple(ISUP_UBL, 3);
	states(3);
	rx_simple(ISUP_BLA, 3);
	states(3);
}

static void test_group(void)
{
	printf("GRS out for CICs 1-3, T22 (2 s) repeats it, T23 (5 s) alerts and stops T22; GRA in\n");
	group_timer(22, 2);
	group_timer(23, 5);
	cgroup_send_grs(g_cg, 1, 3);
	states(1);
	wait_s(11);
	rx_range(ISUP_GRA, 1, 2, true);
	states(1);
	printf("CGB out for CICs 1-3 (maintenance), CGBA in\n");
	cgroup_send_cgb(g_cg, true, 1, 3, false);
	states(1);
	rx_range(ISUP_CGBA, 1, 2, true);
	states(1);
	printf("CGU for CICs 1-2, then CGU for CIC 3 (another range): the second waits for the first's CGUA\n");
	cgroup_send_cgb(g_cg, false, 1, 2, false);
	cgroup_send_cgb(g_cg, false, 3, 3, false);
	rx_range(ISUP_CGUA, 1, 1, true);
	rx_range(ISUP_CGUA, 3, 0, true);
	states(3);
	printf("CGB for CICs 1-3 again, blocked as before\n");
	cgroup_send_cgb(g_cg, true, 1, 3, false);
	rx_range(ISUP_CGBA, 1, 2, true);
	states(1);
}

static void test_continuity(void)
{
	printf("CGU out for CICs 1-3, CGUA in\n");
	cgroup_send_cgb(g_cg, false, 1, 3, false);
	rx_range(ISUP_CGUA, 1, 2, true);
	states(1);
	printf("IAM with continuity check required: held until COT (T8); COT success: call set up\n");
	group_timer(8, 2);
	group_timer(27, 3);
	group_timer(36, 2);
	rx_octet(ISUP_IAM, 1, ISUP_PRM_NCI, 0x04);
	states(1);
	rx_octet(ISUP_COT, 1, ISUP_PRM_CONTINUITY_IND, 0x01);
	states(1);
	rx_rel(1, Q850_NORMAL_CLEARING);
	printf("no COT: T8 (2 s): REL 102\n");
	rx_octet(ISUP_IAM, 1, ISUP_PRM_NCI, 0x04);
	wait_s(2);
	states(1);
	rx_simple(ISUP_RLC, 1);
	printf("COT failure: T27 (3 s) waits for CCR; CCR: LPA, T36; COT failure: T27 again; CCR; REL ends "
	       "the re-check\n");
	rx_octet(ISUP_IAM, 1, ISUP_PRM_NCI, 0x04);
	rx_octet(ISUP_COT, 1, ISUP_PRM_CONTINUITY_IND, 0x00);
	states(1);
	wait_s(2);
	rx_simple(ISUP_CCR, 1);
	states(1);
	rx_octet(ISUP_COT, 1, ISUP_PRM_CONTINUITY_IND, 0x00);
	states(1);
	rx_simple(ISUP_CCR, 1);
	rx_rel(1, Q850_NORMAL_CLEARING);
	states(1);
	printf("CCR on an idle circuit, COT success: idle; COT failure and no CCR: T27: RSC\n");
	rx_simple(ISUP_CCR, 1);
	rx_octet(ISUP_COT, 1, ISUP_PRM_CONTINUITY_IND, 0x01);
	states(1);
	rx_octet(ISUP_IAM, 1, ISUP_PRM_NCI, 0x04);
	rx_octet(ISUP_COT, 1, ISUP_PRM_CONTINUITY_IND, 0x00);
	wait_s(3);
	states(1);
	rx_simple(ISUP_RLC, 1);
	printf("IAM with the check performed on the previous circuit: COT failure holds it, T8: REL 102\n");
	rx_octet(ISUP_IAM, 1, ISUP_PRM_NCI, 0x08);
	rx_octet(ISUP_COT, 1, ISUP_PRM_CONTINUITY_IND, 0x00);
	states(1);
	wait_s(2);
	rx_simple(ISUP_RLC, 1);
	printf("CCR and nothing more: T36 (2 s): RSC\n");
	rx_simple(ISUP_CCR, 1);
	wait_s(2);
	states(1);
	rx_simple(ISUP_RLC, 1);
	states(1);
}

/* the check-tone transceiver of the application, a stub: the token of the last connect */
static void *g_cot_token;
static int g_cot_handle;

static void *cot_connect(const char *group, uint16_t cic, const char *bearer, void *token, void *app)
{
	printf("  transceiver: connect cic=%u bearer %s\n", cic, bearer);
	g_cot_token = token;
	return &g_cot_handle;
}

static void cot_disconnect(void *handle, void *app)
{
	printf("  transceiver: disconnect\n");
	g_cot_token = NULL;
}

static const struct isup_cot_ops cot_ops = { .connect = cot_connect, .disconnect = cot_disconnect };

static void tone_back(void)
{
	printf("  transceiver: the check tone is back\n");
	isup_cot_tone_returned(g_cot_token);
}

/* in a group of its own (CICs 11-13, the group "cot"), the other circuits' states aside */
static void test_continuity_out(void)
{
	struct isup_cgroup *cg = cgroup_alloc(g_node, "cot");
	struct isup_msg iam;

	printf("outgoing continuity check required: IAM NCI 01, tone back: COT success, T7\n");
	cgroup_add_cics(cg, 11, 13, "127.0.0.1", 40020, 2);
	cg->dpc_str = talloc_strdup(cg, "0.0.2");
	cgroup_start(cg);
	g_cg = cg;
	isup_cot_register(g_node, &cot_ops, NULL);
	cg->cot_mode = CG_COT_REQUIRED;
	group_timer(24, 2);
	group_timer(25, 2);
	group_timer(26, 3);
	isup_msg_init(&iam, ISUP_VARIANT_ITU, ISUP_IAM, 0);
	g_call = isup_call_setup(g_node, "cot", 11, &iam, NULL, NULL);
	states(11);
	tone_back();
	states(11);
	rx_simple(ISUP_ACM, 11);
	printf("  call layer: release cause=16\n");
	isup_call_release(g_call, Q850_NORMAL_CLEARING);
	rx_simple(ISUP_RLC, 11);
	printf("no tone: T24 (2 s): COT failure, the call repeated on another circuit; T25 (2 s): CCR, "
	       "no tone: T24: COT failure; T26 (3 s): CCR, tone back: REL, RLC: idle\n");
	g_call = isup_call_setup(g_node, "cot", 11, &iam, NULL, NULL);
	wait_s(2);
	states(11);
	states(13);
	tone_back();
	rx_simple(ISUP_ACM, 13);
	wait_s(2);
	states(11);
	wait_s(2);
	states(11);
	wait_s(3);
	tone_back();
	states(11);
	rx_simple(ISUP_RLC, 11);
	states(11);
	printf("  call layer: release cause=16\n");
	isup_call_release(g_call, Q850_NORMAL_CLEARING);
	g_call = NULL;
	rx_simple(ISUP_RLC, 13);
	states(13);
}

static void answered_incoming(uint16_t cic)
{
	rx_simple(ISUP_IAM, cic);
	app_send(ISUP_ANM);
}

static void test_suspend(void)
{
	printf("SUS (network) received: T6 (3 s), RES stops it; SUS (network) again: T6 expiry: REL 102\n");
	group_timer(6, 3);
	group_timer(2, 5);
	answered_incoming(1);
	rx_octet(ISUP_SUS, 1, ISUP_PRM_SUSPEND_RESUME_IND, ISUP_SUSRES_NETWORK);
	states(1);
	wait_s(2);
	rx_octet(ISUP_RES, 1, ISUP_PRM_SUSPEND_RESUME_IND, ISUP_SUSRES_NETWORK);
	states(1);
	rx_octet(ISUP_SUS, 1, ISUP_PRM_SUSPEND_RESUME_IND, ISUP_SUSRES_NETWORK);
	wait_s(3);
	states(1);
	rx_simple(ISUP_RLC, 1);
	printf("SUS (user) received: T2 (5 s): REL 102\n");
	answered_incoming(1);
	rx_octet(ISUP_SUS, 1, ISUP_PRM_SUSPEND_RESUME_IND, ISUP_SUSRES_SUBSCRIBER);
	wait_s(4);
	states(1);
	wait_s(1);
	states(1);
	rx_simple(ISUP_RLC, 1);
	printf("SUS sent by the call layer: no timer here; RES received\n");
	answered_incoming(1);
	app_send(ISUP_SUS);
	wait_s(10);
	states(1);
	rx_octet(ISUP_RES, 1, ISUP_PRM_SUSPEND_RESUME_IND, ISUP_SUSRES_SUBSCRIBER);
	states(1);
	rx_rel(1, Q850_NORMAL_CLEARING);
}

static void rx_cqr(uint16_t cic, const uint8_t *csi, uint8_t n)
{
	struct isup_msg m;
	struct isup_range_status rs = { .range = n - 1 };
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_CQR, cic);
	cgroup_msg_set_rs(&m, &rs);
	isup_msg_set(&m, ISUP_PRM_CIRCUIT_STATE_IND, csi, n);
	printf("  (CQR circuit states");
	for (unsigned int i = 0; i < n; i++)
		printf(" %02x", csi[i]);
	printf(")\n");
	rx(&m);
}

static void test_query(void)
{
	static const uint8_t csi1[] = { 0x0d, 0x0c, 0x04 }, csi2[] = { 0x0c, 0x0e, 0x03 };
	printf("CQM out for CICs 1-3 (CIC 2 locally blocked); CQR: CIC 1 blocked by the far end (remote "
	       "blocking marked), CIC 2 not known blocked there (BLO), CIC 3 incoming busy there (RSC)\n");
	circuit_block(cgroup_cct(g_cg, 2), true);
	rx_simple(ISUP_BLA, 2);
	cgroup_send_cqm(g_cg, 1, 3);
	rx_cqr(1, csi1, 3);
	states(1);
	states(2);
	states(3);
	rx_simple(ISUP_BLA, 2);
	rx_simple(ISUP_RLC, 3);
	printf("CQR without a CQM: discarded\n");
	rx_cqr(1, csi2, 3);
	printf("CQM again; CQR: CIC 1 unblocked there (remote blocking removed), CIC 2 blocked by us there "
	       "and here (no action), CIC 3 unequipped there (locally blocked)\n");
	cgroup_send_cqm(g_cg, 1, 3);
	rx_cqr(1, csi2, 3);
	states(1);
	states(2);
	states(3);
}

static void test_release_msg(void)
{
	struct isup_msg iam, rel;
	/* cause 17 user busy, location 10 (beyond interworking point), diagnostic 0x42 */
	struct isup_cause c = { .location = ISUP_LOC_BEYOND_IWP, .value = Q850_USER_BUSY,
				.diag_len = 1, .diag = { 0x42 } };
	uint8_t raw[8], cause = 0;
	uint16_t cic;
	int len = isup_cause_encode(&c, raw, sizeof(raw));
	printf("outgoing call released by the call layer with a given REL: sent as it is, "
	       "also on T1 (group 2 s); RLC in\n");
	group_timer(1, 2);
	isup_msg_init(&iam, ISUP_VARIANT_ITU, ISUP_IAM, 0);
	g_call = isup_call_setup(g_node, "grp", -1, &iam, NULL, &cause);
	if (!g_call) {
		printf("  no circuit: cause %u\n", cause);
		return;
	}
	cic = isup_call_cic(g_call);
	rx_simple(ISUP_ACM, cic);
	isup_msg_init(&rel, ISUP_VARIANT_ITU, ISUP_REL, 0);
	isup_msg_set(&rel, ISUP_PRM_CAUSE, raw, len);
	printf("  call layer: release with REL, cause parameter %s\n", osmo_hexdump_nospc(raw, len));
	isup_call_release_msg(g_call, &rel);
	g_call = NULL;
	states(cic);
	wait_s(2);
	rx_simple(ISUP_RLC, cic);
	states(cic);
}

/* a message as MTP hands it over while the takeover hold is on: kept raw, handled at release */
static void rx_held_rel(uint16_t cic, uint8_t cause)
{
	struct isup_msg m;
	struct isup_cause c = { .location = ISUP_LOC_PUB_LOCAL, .value = cause };
	uint8_t raw[8], buf[ISUP_MAX_MSG_LEN];
	int len = isup_cause_encode(&c, raw, sizeof(raw));
	struct isup_mtp_rx r = { .opc = DPC, .dpc = OPC, .raw = buf, .decode_rc = ISUP_OK, .msg = &m };
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_REL, cic);
	isup_msg_set(&m, ISUP_PRM_CAUSE, raw, len);
	r.raw_len = isup_encode(&m, buf, sizeof(buf));
	printf("  t=%3lus  rx REL cic=%u cause=%u: %s\n", now_s, cic, cause,
	       isup_node_hold_rx(g_node, &r) ? "kept (hold)" : "not kept");
}

/* in a group of its own (group "tk", CICs 31-33, toward the same DPC as "grp") */
static void test_takeover(void)
{
	struct isup_cgroup *cg = cgroup_alloc(g_node, "tk");

	printf("takeover: answered calls restored, a REL held until the restore is done, no GRS on RESUME\n");
	cgroup_add_cics(cg, 31, 33, NULL, 0, 0);
	cg->dpc_str = talloc_strdup(cg, "0.0.2");
	cgroup_start(cg);
	g_cg = cg;
	isup_node_takeover_hold(g_node);
	printf("  MTP-RESUME under the hold\n");
	cgroup_route_ind(g_cg, true);
	states(31);
	rx_held_rel(31, Q850_NORMAL_CLEARING);
	g_call = isup_call_restore(g_node, "tk", 31, DPC, true, NULL);
	printf("  restore incoming cic=31: %s\n", g_call ? "ok" : "refused");
	printf("  restore on a busy circuit: %s\n", isup_call_restore(g_node, "tk", 31, DPC, false, NULL) ? "ok" : "refused");
	printf("  restore with another DPC: %s\n", isup_call_restore(g_node, "tk", 32, DPC + 1, false, NULL) ? "ok" : "refused");
	states(31);
	printf("  reset cic=31 (busy): %d, cic=32 (idle): %d\n", isup_circuit_reset(g_node, "tk", 31),
	       isup_circuit_reset(g_node, "tk", 32));
	rx_simple(ISUP_RLC, 32);
	printf("  hold released: %u kept messages handled\n", isup_node_takeover_release(g_node, false));
	states(31);
	printf("  MTP-PAUSE, MTP-RESUME after the hold\n");
	cgroup_route_ind(g_cg, false);
	cgroup_route_ind(g_cg, true);
	rx_range(ISUP_GRA, 31, 2, true);
	g_call = isup_call_restore(g_node, "tk", 33, DPC, false, NULL);
	printf("  restore outgoing cic=33: %s\n", g_call ? "ok" : "refused");
	states(33);
	printf("  call layer: release cause=16\n");
	isup_call_release(g_call, Q850_NORMAL_CLEARING);
	g_call = NULL;
	rx_simple(ISUP_RLC, 33);
	states(33);
	printf("  block cic=33 again: %d\n", isup_circuit_block(g_node, "tk", 33));
	rx_simple(ISUP_BLA, 33);
	states(33);
}

/* a circuit without a call here whose far end may have one (the HA takeover): REL, T1, T5 -> RSC;
 * a REL from the far end meanwhile: RLC, idle; refused on a circuit with a call or the wrong DPC */
static void test_orphan(void)
{
	struct isup_msg iam;
	uint8_t cause = 0;
	g_cg = cgroup_find(g_node, "grp");
	printf("orphan release (isup_circuit_release_orphan, cause 41): no such group %d, wrong DPC %d\n",
	       isup_circuit_release_orphan(g_node, "nogrp", 2, g_cg->dpc, 41) == -ENOENT,
	       isup_circuit_release_orphan(g_node, "grp", 2, g_cg->dpc + 1, 41) == -EINVAL);
	printf("  CIC 2: released %d; no RLC: T1 (2 s) repeats the REL, T5 (7 s): RSC; RLC in\n",
	       isup_circuit_release_orphan(g_node, "grp", 2, g_cg->dpc, 41) == 0);
	states(2);
	wait_s(3);
	states(2);
	wait_s(5);
	states(2);
	rx_simple(ISUP_RLC, 2);
	states(2);
	printf("  CIC 3: released %d; the far end's REL crosses it: RLC, idle\n",
	       isup_circuit_release_orphan(g_node, "grp", 3, g_cg->dpc, 41) == 0);
	rx_rel(3, Q850_TEMPORARY_FAILURE);
	states(3);
	isup_msg_init(&iam, ISUP_VARIANT_ITU, ISUP_IAM, 0);
	g_call = isup_call_setup(g_node, "grp", 1, &iam, NULL, &cause);
	printf("  CIC 1 with a call of this node: refused %d\n",
	       isup_circuit_release_orphan(g_node, "grp", 1, g_cg->dpc, 41) == -EBUSY);
	isup_call_release(g_call, Q850_NORMAL_CLEARING);
	g_call = NULL;
	rx_simple(ISUP_RLC, 1);
	states(1);
}

int main(void)
{
	void *ctx = talloc_named_const(NULL, 0, "circuit_fsm_test");
	struct isup_mtp *mtp = talloc_zero(ctx, struct isup_mtp);

	setvbuf(stdout, NULL, _IOLBF, 0);	/* the lines before a sanitizer report are kept */
	osmo_init_logging2(ctx, &sgw_log_info);
	log_set_log_level(osmo_stderr_target, LOGL_FATAL);
	osmo_clock_override_enable(CLOCK_MONOTONIC, true);
	osmo_gettimeofday_override = true;

	g_node = isup_node_alloc(ctx);
	mtp->opc = OPC;
	g_node->mtp = mtp;
	isup_call_register(g_node, &call_ops, NULL);
	g_cg = cgroup_alloc(g_node, "grp");
	cgroup_add_cics(g_cg, 1, 3, NULL, 0, 0);
	g_cg->dpc_str = talloc_strdup(g_cg, "0.0.2");
	cgroup_start(g_cg);

	test_incoming_answered();
	test_outgoing_released();
	test_t7_t1_t5_t17();
	test_reset();
	test_blocking();
	test_group();
	test_continuity();
	test_suspend();
	test_query();
	test_release_msg();
	test_continuity_out();
	test_takeover();
	test_orphan();

	isup_node_stop(g_node);
	talloc_free(ctx);
	return 0;
}

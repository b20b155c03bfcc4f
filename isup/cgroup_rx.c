/* Receive side of the circuit groups: dispatch of the messages from the node (group messages,
 * unequipped CICs - Q.764 2.12, format errors - 2.10.5, then the circuit), the answering side
 * of the group procedures (GRS -> GRA, CGB/CGU -> CGBA/CGUA, CQM -> CQR), and the call API for
 * the layer above (isup_call.h). */
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>

#include "isup/isup_log.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"
#include "isup/q850.h"

/* ---- group messages received (Q.764 2.8.2, 2.8.3, 2.9.3.4) ---------------------------------- */

static uint8_t msg_cgsmt(const struct isup_msg *msg)
{
	const struct isup_param *p = isup_msg_find_const(msg, ISUP_PRM_CGSMT);
	return p && p->len ? (p->val[0] & 3) : 0;
}

void cgroup_rx_grs(struct isup_node *node, uint32_t opc, const struct isup_msg *msg)
{
	struct isup_range_status rs, ans = { 0 };
	struct isup_msg m;
	if (cgroup_msg_get_rs(msg, &rs) < 0)
		return;
	/* Q.764 2.9.3.4 / Q.763 3.43: range 1..31 (ITU); other values: message discarded */
	if (rs.range < 1 || rs.range > 31) {
		LOGP(DISUP, LOGL_NOTICE, "GRS cic=%u with invalid range %u discarded\n", msg->cic, rs.range);
		return;
	}
	ans.range = rs.range;
	ans.status_present = true;
	for (unsigned int i = 0; i <= rs.range; i++) {
		struct isup_circuit *cct = cgroup_node_cct(node, opc, msg->cic + i);
		if (!cct)
			continue;
		cct->cg->rx_grs++;
		circuit_reset_rx(cct, true);
		/* Q.764 2.9.3.4: locally maintenance blocked circuits are indicated in the GRA */
		if (cct->lbl_maint)
			isup_range_status_set_bit(&ans, i, true);
	}
	isup_msg_init(&m, node->cfg.variant, ISUP_GRA, msg->cic);
	cgroup_msg_set_rs(&m, &ans);
	isup_mtp_send(node->mtp, opc, &m);
}

void cgroup_rx_cgb_cgu(struct isup_node *node, uint32_t opc, const struct isup_msg *msg)
{
	struct isup_range_status rs, ans = { 0 };
	struct isup_msg m;
	bool block = msg->type == ISUP_CGB;
	uint8_t cgsmt = msg_cgsmt(msg);
	if (cgroup_msg_get_rs(msg, &rs) < 0 || !rs.status_present)
		return;
	if (rs.range < 1 || rs.range > 31 || cgsmt > 1) {
		LOGP(DISUP, LOGL_NOTICE, "%s cic=%u range=%u type=%u: discarded\n", isup_msg_name(msg->type),
		     msg->cic, rs.range, cgsmt);
		return;
	}
	ans.range = rs.range;
	ans.status_present = true;
	for (unsigned int i = 0; i <= rs.range; i++) {
		struct isup_circuit *cct;
		if (!isup_range_status_bit(&rs, i))
			continue;
		cct = cgroup_node_cct(node, opc, msg->cic + i);
		if (!cct)
			continue;
		circuit_remote_group_block(cct, block, cgsmt == ISUP_CGSMT_HARDWARE);
		isup_range_status_set_bit(&ans, i, true);
	}
	isup_msg_init(&m, node->cfg.variant, block ? ISUP_CGBA : ISUP_CGUA, msg->cic);
	isup_msg_set(&m, ISUP_PRM_CGSMT, &cgsmt, 1);
	cgroup_msg_set_rs(&m, &ans);
	isup_mtp_send(node->mtp, opc, &m);
}

void cgroup_rx_cqm(struct isup_node *node, uint32_t opc, const struct isup_msg *msg)
{
	struct isup_range_status rs;
	struct isup_msg m;
	uint8_t csi[32];
	if (cgroup_msg_get_rs(msg, &rs) < 0 || rs.range > 31)
		return;
	for (unsigned int i = 0; i <= rs.range; i++) {
		struct isup_circuit *cct = cgroup_node_cct(node, opc, msg->cic + i);
		csi[i] = cct ? circuit_state_ind(cct) : 0x03;	/* unequipped */
	}
	rs.status_present = false;
	isup_msg_init(&m, node->cfg.variant, ISUP_CQR, msg->cic);
	cgroup_msg_set_rs(&m, &rs);
	isup_msg_set(&m, ISUP_PRM_CIRCUIT_STATE_IND, csi, rs.range + 1);
	isup_mtp_send(node->mtp, opc, &m);
}

/* ---- receive dispatch ------------------------------------------------------------------ */

static void send_ucic(struct isup_node *node, uint32_t opc, uint16_t cic)
{
	struct isup_msg m;
	isup_msg_init(&m, node->cfg.variant, ISUP_UCIC, cic);
	isup_mtp_send(node->mtp, opc, &m);
}

/* Q.764 2.10.5 (unreasonable signalling information): a message with a format error (wrong
 * length, pointer outside the message, mandatory parameter missing) is discarded; a REL is still
 * a release (the sender waits for RLC): it is treated as a REL without a readable cause, so that
 * the circuit cannot hang. Returns false when not even CIC and message type could be read. */
static bool rx_format_error(struct isup_node *node, const struct isup_mtp_rx *rx)
{
	struct isup_circuit *cct;
	struct isup_msg rel;
	if (rx->raw_len < 3)
		return false;
	cct = cgroup_node_cct(node, rx->opc, rx->msg->cic);
	if (!cct) {
		LOGP(DISUP, LOGL_NOTICE, "message 0x%02x with a format error on unequipped CIC %u discarded\n",
		     rx->msg->type, rx->msg->cic);
		return true;
	}
	if (rx->msg->type != ISUP_REL) {
		LOGPFSML(cct->fi, LOGL_NOTICE, "%s with a format error (%s) discarded\n", isup_msg_name(rx->msg->type),
			 isup_strerror(rx->decode_rc));
		return true;
	}
	LOGPFSML(cct->fi, LOGL_NOTICE, "REL with a format error (%s): released as cause 31, RLC sent\n",
		 isup_strerror(rx->decode_rc));
	isup_msg_init(&rel, node->cfg.variant, ISUP_REL, rx->msg->cic);
	circuit_msg_set_cause(&rel, ISUP_LOC_PUB_LOCAL, Q850_NORMAL_UNSPECIFIED, NULL, 0);
	circuit_rx(cct, &rel);
	return true;
}

/* Q.764 2.11.3: the far exchange's automatic congestion level (Q.763 3.4) */
static void rx_rel_acl(struct isup_node *node, const struct isup_mtp_rx *rx)
{
	const struct isup_param *p = isup_msg_find_const(rx->msg, ISUP_PRM_AUTO_CONGESTION_LEVEL);

	isup_cong_rx_rel(node->mtp, rx->opc, p && p->len >= 1 ? p->val[0] : 0);
}

bool cgroups_rx(struct isup_node *node, const struct isup_mtp_rx *rx)
{
	struct isup_msg *msg = rx->msg;
	struct isup_circuit *cct;
	struct isup_cgroup *cg;

	if (!cgroup_node_has_dpc(node, rx->opc))
		return false;	/* no circuits with this exchange: node-level fallback */
	if (rx->decode_rc != ISUP_OK && rx->decode_rc != ISUP_ERR_UNKNOWN_MSG)
		return rx_format_error(node, rx);
	cg = cgroup_find_by_dpc_cic(node, rx->opc, msg->cic);
	if (cg)
		cgroup_stats_msg(cg, msg, false);
	if (msg->type == ISUP_REL)
		rx_rel_acl(node, rx);
	switch (msg->type) {
	case ISUP_UPT:
	case ISUP_UPA:
		return false;	/* node level */
	case ISUP_GRS:
		cgroup_rx_grs(node, rx->opc, msg);
		return true;
	case ISUP_CGB:
	case ISUP_CGU:
		cgroup_rx_cgb_cgu(node, rx->opc, msg);
		return true;
	case ISUP_CQM:
		cgroup_rx_cqm(node, rx->opc, msg);
		return true;
	}

	cct = cgroup_node_cct(node, rx->opc, msg->cic);
	if (!cct) {
		/* Q.764 2.12: unequipped circuit: UCIC, message discarded */
		if (msg->type != ISUP_UCIC) {
			LOGP(DISUP, LOGL_NOTICE, "%s on unequipped CIC %u from %s: UCIC\n", isup_msg_name(msg->type),
			     msg->cic, isup_mtp_pc_str(node->mtp, rx->opc));
			send_ucic(node, rx->opc, msg->cic);
		}
		return true;
	}
	cg = cct->cg;
	if (rx->decode_rc == ISUP_ERR_UNKNOWN_MSG || !msg->known) {
		cgroup_rx_unknown_msg(node, cct, msg);
		return true;
	}
	switch (msg->type) {
	case ISUP_GRA:
		cgroup_rx_gra(cg, msg);
		return true;
	case ISUP_CGBA:
	case ISUP_CGUA:
		cgroup_rx_cgba_cgua(cg, msg);
		return true;
	case ISUP_CQR:
		cgroup_rx_cqr(cg, msg);
		return true;
	case ISUP_UCIC:
		LOGP(DISUP, LOGL_ERROR, "UCIC: CIC %u unequipped at %s: circuit locally blocked\n", msg->cic,
		     cg->dpc_str);
		circuit_far_unequipped(cct);
		return true;
	case ISUP_CFN:
		LOGP(DISUP, LOGL_NOTICE, "CFN cic=%u received\n", msg->cic);
		return true;
	}
	if (!cgroup_check_unknown_params(cct, msg))
		return true;
	circuit_rx(cct, msg);
	return true;
}

/* ---- the call API (isup_call.h) ------------------------------------------------------------ */

void isup_call_register(struct isup_node *node, const struct isup_call_ops *ops, void *app)
{
	node->call_ops = ops;
	node->call_app = app;
}

/* The room the call's ACM and ANM need in the M3UA queue is counted until it sends the first
 * of them (Q.764 2.11): a burst of answers after a stall of the SIP side then still fits. The
 * ANM of a call that rings is spread over the ringing time: it is not counted after the ACM. */
#define CALL_SETUP_OWED 2

static int call_destructor(struct isup_call *call)
{
	call_owed_clear(call);
	return 0;
}

void call_owe_setup(struct isup_call *call)
{
	call->owed = CALL_SETUP_OWED;
	call->node->setup_owed += call->owed;
	talloc_set_destructor(call, call_destructor);
}

void call_owed_clear(struct isup_call *call)
{
	call->node->setup_owed -= call->owed;
	call->owed = 0;
}

void call_setup_ind(struct isup_call *call, const struct isup_msg *iam)
{
	struct isup_node *node = call->node;
	call->cg = call->cct->cg;
	if (node->refuse_cause && call->cct)
		isup_call_release(call, node->refuse_cause);	/* going out of service */
	else if (node->call_ops && node->call_ops->setup_ind)
		node->call_ops->setup_ind(call, iam, node->call_app);
	else if (call->cct)
		isup_call_release(call, Q850_RESOURCE_UNAVAILABLE);	/* no call layer */
}

void call_msg_ind(struct isup_call *call, const struct isup_msg *msg)
{
	struct isup_node *node;
	if (!call)
		return;
	node = call->node;
	/* the repeat attempt is for before any backward message (Q.764 2.8.2.1, 2.9.1.4, 2.1.8):
	 * the outgoing IAM's copy (16 KiB) goes once the call is through (ACM, CON, ANM) */
	if (call->outgoing && (msg->type == ISUP_ACM || msg->type == ISUP_CON || msg->type == ISUP_ANM))
		TALLOC_FREE(call->iam);
	if (node->call_ops && node->call_ops->msg_ind)
		node->call_ops->msg_ind(call, msg, node->call_app);
}

void call_release_ind(struct isup_call *call, uint8_t cause, const struct isup_msg *rel)
{
	struct isup_node *node = call->node;
	if (node->call_ops && node->call_ops->release_ind)
		node->call_ops->release_ind(call, cause, rel, node->call_app);
	talloc_free(call);
}

bool call_repeat_attempt(struct isup_call *call)
{
	struct isup_circuit *old = NULL, *cct;
	struct isup_node *node = call->node;
	uint16_t old_cic = call->cic;
	if (!call->outgoing || !call->iam || call->repeats >= 1 || call->cg->paused)
		return false;
	for (unsigned int i = 0; i < call->cg->num_ccts; i++)
		if (call->cg->ccts[i]->cic == old_cic)
			old = call->cg->ccts[i];
	cct = cgroup_select(call->cg, old);
	if (!cct)
		return false;
	call->repeats++;
	call->cg->repeat_attempts++;
	call->cic = cct->cic;
	call->iam->cic = cct->cic;
	LOGP(DISUP, LOGL_NOTICE, "automatic repeat attempt: call moved from CIC %u to CIC %u\n", old_cic, cct->cic);
	circuit_corr_move(old, cct);
	circuit_call_start(cct, call);
	if (node->call_ops && node->call_ops->cic_changed_ind)
		node->call_ops->cic_changed_ind(call, old_cic, node->call_app);
	return true;
}

struct isup_call *isup_call_setup(struct isup_node *node, const char *group, int cic,
				  const struct isup_msg *iam, void *priv, uint8_t *cause)
{
	struct isup_cgroup *cg = cgroup_find(node, group);
	struct isup_circuit *cct;
	struct isup_call *call;
	uint8_t dummy;
	if (!cause)
		cause = &dummy;
	if (!cg || !cg->started) {
		*cause = Q850_NO_ROUTE_DESTINATION;
		return NULL;
	}
	if (cg->paused || cg->dir == CG_DIR_INCOMING) {
		*cause = cg->paused ? Q850_NETWORK_OUT_OF_ORDER : Q850_NO_CIRCUIT_AVAILABLE;
		return NULL;
	}
	if (cic >= 0) {
		cct = cgroup_cct(cg, cic);
		if (!cct || !circuit_usable_out(cct)) {
			*cause = Q850_REQUESTED_CCT_UNAVAILABLE;
			return NULL;
		}
	} else {
		cct = cgroup_select(cg, NULL);
		if (!cct) {
			*cause = Q850_NO_CIRCUIT_AVAILABLE;
			return NULL;
		}
	}
	call = talloc_zero(node, struct isup_call);
	call->node = node;
	call->cg = cg;
	call->outgoing = true;
	call->priv = priv;
	call->iam = talloc(call, struct isup_msg);
	if (!call->iam) {
		talloc_free(call);
		*cause = Q850_TEMPORARY_FAILURE;
		return NULL;
	}
	*call->iam = *iam;
	call->iam->type = ISUP_IAM;
	call->iam->cic = cct->cic;
	call->cic = cct->cic;
	circuit_call_start(cct, call);
	return call;
}

int isup_call_send(struct isup_call *call, const struct isup_msg *msg)
{
	struct isup_circuit *cct = call->cct;
	struct isup_msg m = *msg;
	enum cct_event ev;
	if (!cct)
		return -1;
	m.cic = cct->cic;
	if (m.type == ISUP_ACM || m.type == ISUP_CON || m.type == ISUP_ANM)
		call_owed_clear(call);
	switch (m.type) {
	case ISUP_ACM: case ISUP_CON: case ISUP_ANM: case ISUP_CPG:
		ev = call->outgoing ? CCT_EV_APP_FORWARD : CCT_EV_APP_BACKWARD;
		break;
	case ISUP_SUS: case ISUP_RES:
		ev = CCT_EV_APP_SUSRES;
		break;
	default:
		ev = call->outgoing ? CCT_EV_APP_FORWARD : CCT_EV_APP_BACKWARD;
		break;
	}
	if (!(cct->fi->fsm->states[cct->fi->state].in_event_mask & (1 << ev))) {
		LOGPFSML(cct->fi, LOGL_NOTICE, "call layer: %s not allowed in this state\n", isup_msg_name(m.type));
		return -1;
	}
	return osmo_fsm_inst_dispatch(cct->fi, ev, &m);
}

void isup_call_release(struct isup_call *call, uint8_t cause)
{
	isup_call_release_loc(call, cause, ISUP_LOC_PUB_LOCAL);
}

void isup_call_release_loc(struct isup_call *call, uint8_t cause, uint8_t location)
{
	struct isup_circuit *cct = call->cct;
	if (cct) {
		TALLOC_FREE(cct->rel_msg);	/* this REL is built from cause and location */
		cct->rel_loc1 = (location & 0x0f) + 1;
		call->cct = NULL;
		osmo_fsm_inst_dispatch(cct->fi, CCT_EV_APP_REL, &cause);
	}
	talloc_free(call);
}

void isup_call_release_msg(struct isup_call *call, const struct isup_msg *rel)
{
	struct isup_circuit *cct = call->cct;
	const struct isup_param *p = isup_msg_find_const(rel, ISUP_PRM_CAUSE);
	struct isup_cause c = { .value = Q850_NORMAL_CLEARING };
	if (p)
		isup_cause_decode(&c, p->val, p->len);
	if (cct) {
		talloc_free(cct->rel_msg);
		cct->rel_msg = talloc_memdup(cct, rel, sizeof(*rel));
		cct->rel_msg->variant = cct->cg->node->cfg.variant;
		cct->rel_loc1 = (c.location & 0x0f) + 1;
		call->cct = NULL;
		osmo_fsm_inst_dispatch(cct->fi, CCT_EV_APP_REL, &c.value);
	}
	talloc_free(call);
}

unsigned int isup_node_release_all(struct isup_node *node, uint8_t cause)
{
	struct isup_cgroup *cg;
	unsigned int n = 0;

	node->refuse_cause = cause;
	llist_for_each_entry(cg, &node->cgroups, list) {
		for (unsigned int i = 0; i < cg->num_ccts; i++) {
			struct isup_call *call = cg->ccts[i]->call;
			if (!call)
				continue;
			if (node->call_ops && node->call_ops->release_ind)
				node->call_ops->release_ind(call, cause, NULL, node->call_app);
			isup_call_release(call, cause);
			n++;
		}
	}
	return n;
}

unsigned int isup_node_circuits_releasing(const struct isup_node *node)
{
	const struct isup_cgroup *cg;
	unsigned int n = 0;

	llist_for_each_entry(cg, &node->cgroups, list)
		for (unsigned int i = 0; i < cg->num_ccts; i++)
			if (cg->ccts[i]->fi->state == CCT_ST_RELEASING)
				n++;
	return n;
}

uint16_t isup_call_cic(const struct isup_call *call) { return call->cct ? call->cct->cic : call->cic; }
uint32_t isup_call_dpc(const struct isup_call *call) { return call->cg ? call->cg->dpc : 0; }
const char *isup_call_group(const struct isup_call *call) { return call->cg ? call->cg->name : NULL; }
const char *isup_call_bearer(const struct isup_call *call) { return call->cct ? call->cct->bearer : NULL; }
bool isup_call_is_outgoing(const struct isup_call *call) { return call->outgoing; }
void *isup_call_priv(const struct isup_call *call) { return call->priv; }
void isup_call_set_priv(struct isup_call *call, void *priv) { call->priv = priv; }
const char *isup_call_state_name(const struct isup_call *call)
{
	return call->cct ? circuit_state_name(call->cct) : "none";
}

struct isup_call *isup_call_find(struct isup_node *node, const char *group, uint16_t cic)
{
	struct isup_cgroup *cg = cgroup_find(node, group);
	struct isup_circuit *cct = cg ? cgroup_cct(cg, cic) : NULL;
	return cct ? cct->call : NULL;
}

/* Q.764 2.9.5 compatibility procedures of the circuit layer: unrecognised messages (message
 * compatibility information) and unrecognised parameters (parameter compatibility
 * information), the confusion message (CFN). */
#include <string.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/fsm.h>

#include "isup/isup_log.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"
#include "isup/q850.h"

/* Q.764 2.9.5.3: confusion message */
void isup_tx_cfn(struct isup_cgroup *cg, uint16_t cic, uint8_t cause, const uint8_t *diag, uint8_t diag_len)
{
	struct isup_msg m;
	isup_msg_init(&m, cg->node->cfg.variant, ISUP_CFN, cic);
	circuit_msg_set_cause(&m, ISUP_LOC_PUB_LOCAL, cause, diag, diag_len);
	cgroup_tx(cg, &m);
}

static bool param_known(uint8_t code)
{
	return isup_param_known(code);
}

/* Look for the message compatibility information in an unrecognised message, assuming the
 * Q.763 1.8 format of new messages (pointer to the optional part first). */
static bool unknown_msg_mci(const struct isup_msg *msg, struct isup_compat_instr *ci)
{
	unsigned int len = msg->raw_body_len, o;
	if (len < 1 || msg->raw_body[0] == 0)
		return false;
	o = msg->raw_body[0];
	while (o < len && msg->raw_body[o] != 0) {
		uint8_t code = msg->raw_body[o];
		if (o + 1 >= len || o + 2 + msg->raw_body[o + 1] > len)
			return false;
		if (code == ISUP_PRM_MSG_COMPAT_INFO)
			return isup_msg_compat_decode(ci, &msg->raw_body[o + 2], msg->raw_body[o + 1]) == 0;
		o += 2 + msg->raw_body[o + 1];
	}
	return false;
}

void cgroup_rx_unknown_msg(struct isup_node *node, struct isup_circuit *cct, const struct isup_msg *msg)
{
	struct isup_compat_instr ci;
	uint8_t diag = msg->type;
	bool have = unknown_msg_mci(msg, &ci);
	struct isup_cgroup *cg = cct ? cct->cg : NULL;

	LOGP(DISUP, LOGL_NOTICE, "unrecognised message type 0x%02x cic=%u (%s compatibility information)\n",
	     msg->type, msg->cic, have ? "with" : "without");
	if (!cg)
		return;
	if (!have) {
		/* Q.764 2.9.5.3.1: no instructions: discard, send confusion */
		isup_tx_cfn(cg, msg->cic, Q850_MSG_TYPE_NON_EXISTENT, &diag, 1);
		return;
	}
	if (!ci.end_node_only && cct->call && node->cfg.pass_on_unknown_params && node->call_ops &&
	    node->call_ops->pass_on_ind) {
		/* Q.764 2.9.5.3.1: transit interpretation, where the layer above carries ISUP on */
		struct isup_call *call = cct->call;
		switch (node->call_ops->pass_on_ind(call, msg, node->call_app)) {
		case ISUP_PASS_ON_DONE:
			LOGPFSML(cct->fi, LOGL_INFO, "unrecognised message 0x%02x passed on\n", msg->type);
			return;
		case ISUP_PASS_ON_NOT_POSSIBLE:
			/* the "pass on not possible" indicator: release the call or discard */
			LOGPFSML(cct->fi, LOGL_NOTICE, "unrecognised message 0x%02x: pass on not possible: %s\n",
				 msg->type, ci.pass_on_not_possible ? "discarded" : "call released");
			if (!ci.pass_on_not_possible && cct->call)
				circuit_release_local(cct, Q850_MSG_TYPE_NON_EXISTENT);
			else if (ci.send_notification)
				isup_tx_cfn(cg, msg->cic, Q850_MSG_TYPE_NON_EXISTENT, &diag, 1);
			return;
		case ISUP_PASS_ON_END_NODE:
			break;
		}
	}
	if (ci.release_call && cct->call) {
		circuit_release_local(cct, Q850_MSG_TYPE_NON_EXISTENT);
		return;
	}
	if (ci.send_notification)
		isup_tx_cfn(cg, msg->cic, Q850_MSG_TYPE_NON_EXISTENT, &diag, 1);
}

/* Returns false when the message is consumed (discarded or the call released) */
bool cgroup_check_unknown_params(struct isup_circuit *cct, struct isup_msg *msg)
{
	struct isup_param_compat pci = { 0 };
	const struct isup_param *pp = isup_msg_find_const(msg, ISUP_PRM_PARAM_COMPAT_INFO);
	uint8_t notify[32];
	unsigned int n_notify = 0;
	bool have_pci = pp && isup_param_compat_decode(&pci, pp->val, pp->len) == 0;

	for (unsigned int i = 0; i < msg->num_params; i++) {
		struct isup_param *p = &msg->params[i];
		const struct isup_compat_instr *in = NULL;
		if (p->part != ISUP_PART_OPTIONAL || param_known(p->code))
			continue;
		for (unsigned int k = 0; have_pci && k < pci.num; k++)
			if (pci.entry[k].code == p->code)
				in = &pci.entry[k].instr;
		bool pass_on = cct->cg->node->cfg.pass_on_unknown_params && (!in || !in->end_node_only);
		LOGPFSML(cct->fi, LOGL_INFO, "unrecognised parameter 0x%02x in %s (%s)\n", p->code,
			 isup_msg_name(msg->type), pass_on ? "passed on" : in ? "with instructions" :
			 "no instructions: discarded");
		if (pass_on) {
			/* Q.764 2.9.5.3.2: transit interpretation - passed on unchanged */
			continue;
		} else if (!in) {
			/* Q.764 2.9.5.3.2: no instructions: the parameter is discarded */
		} else if (in->release_call) {
			if (cct->call || !circuit_idle(cct))
				circuit_release_local(cct, Q850_PARAM_NON_EXISTENT_DISCARDED);
			return false;
		} else if (in->discard_msg) {
			/* Q.764 2.9.5.3.2: message discarded because of the parameter: the
			 * notification is a CFN with cause 110 (Q.850: message with unrecognized
			 * parameter, discarded) */
			if (in->send_notification)
				isup_tx_cfn(cct->cg, msg->cic, Q850_MSG_NON_EXISTENT_DISCARDED, &p->code, 1);
			return false;
		} else if (in->send_notification && n_notify < sizeof(notify)) {
			notify[n_notify++] = p->code;
		}
		isup_msg_remove(msg, p->code);
		i--;
	}
	if (n_notify)
		isup_tx_cfn(cct->cg, msg->cic, Q850_PARAM_NON_EXISTENT_DISCARDED, notify, n_notify);
	return true;
}


/* Fake ISUP call layer for call_fsm_test: the isup_call.h functions the IWF calls, wrapped
 * (-Wl,--wrap=SYM): each prints what the circuit layer would send; the calls are struct
 * isup_call handles of this file. The IWF's isup_call_ops are caught at isup_call_register. */
#include <stdio.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/linuxlist.h>

#include "isup/isup_call.h"
#include "tests/gw/call_fsm_stubs.h"

/* A call on a circuit as the fake circuit layer keeps it */
struct isup_call {
	struct llist_head list;
	uint16_t cic;
	char group[64];
	bool outgoing;
	bool gone;		/* released by the IWF or release_ind delivered: handle invalid */
	bool in_release_ind;	/* inside release_ind: accessors only, nothing to send */
	void *priv;
};

static LLIST_HEAD(calls);
static const struct isup_call_ops *ops;
static void *ops_app;
static uint16_t next_cic = 1;
static uint8_t next_fail;
static struct isup_call *last_out;

#define DPC 0x1ba	/* 0.55.2 */

void stub_print_isup(const char *prefix, const struct isup_msg *msg)
{
	printf("%s%s cic=%u", prefix, isup_msg_name(msg->type), msg->cic);
	if (!msg->known)
		printf(" len=%u", msg->raw_body_len);
	for (unsigned int i = 0; i < msg->num_params; i++) {
		const struct isup_param *p = &msg->params[i];
		printf(" %s=", isup_param_short_name(p->code));
		for (unsigned int k = 0; k < p->len; k++)
			printf("%s%02x", k ? " " : "", p->val[k]);
	}
	printf("\n");
}

/* The IWF used a handle after it became invalid: a bug of the call FSM, shown in the output */
static bool valid(const struct isup_call *ic, const char *what)
{
	if (!ic) {
		printf("BUG isup %s on a NULL call\n", what);
		return false;
	}
	if (ic->gone) {
		printf("BUG isup %s on released cic=%u\n", what, ic->cic);
		return false;
	}
	return true;
}

static struct isup_call *call_new(const char *group, uint16_t cic, bool outgoing)
{
	struct isup_call *ic = talloc_zero(NULL, struct isup_call);
	ic->cic = cic;
	ic->outgoing = outgoing;
	snprintf(ic->group, sizeof(ic->group), "%s", group);
	llist_add_tail(&ic->list, &calls);
	return ic;
}

void __wrap_isup_call_register(struct isup_node *node, const struct isup_call_ops *o, void *app)
{
	ops = o;
	ops_app = app;
}

struct isup_call *__wrap_isup_call_setup(struct isup_node *node, const char *group, int cic,
					 const struct isup_msg *iam, void *priv, uint8_t *cause)
{
	struct isup_msg m = *iam;
	struct isup_call *ic;

	if (next_fail) {
		printf("isup setup group=%s refused: cause %u\n", group, next_fail);
		*cause = next_fail;
		next_fail = 0;
		return NULL;
	}
	ic = call_new(group, cic >= 0 ? cic : next_cic, true);
	ic->priv = priv;
	m.cic = ic->cic;
	printf("isup setup group=%s\n", group);
	stub_print_isup("isup TX ", &m);
	last_out = ic;
	return ic;
}

/* sending on a call whose release_ind is running: the circuit is gone already */
static bool can_send(const struct isup_call *ic, const char *what)
{
	if (!valid(ic, what))
		return false;
	if (ic->in_release_ind) {
		printf("BUG isup %s on cic=%u from inside its release_ind\n", what, ic->cic);
		return false;
	}
	return true;
}

int __wrap_isup_call_send(struct isup_call *ic, const struct isup_msg *msg)
{
	struct isup_msg m;
	if (!can_send(ic, "send"))
		return -1;
	m = *msg;
	m.cic = ic->cic;
	stub_print_isup("isup TX ", &m);
	return 0;
}

void __wrap_isup_call_release_loc(struct isup_call *ic, uint8_t cause, uint8_t location)
{
	if (!can_send(ic, "release"))
		return;
	printf("isup TX REL cic=%u cause=%u loc=%u\n", ic->cic, cause, location);
	ic->gone = true;
}

void __wrap_isup_call_release(struct isup_call *ic, uint8_t cause)
{
	__wrap_isup_call_release_loc(ic, cause, ISUP_LOC_PUB_LOCAL);
}

void __wrap_isup_call_release_msg(struct isup_call *ic, const struct isup_msg *rel)
{
	struct isup_msg m;
	if (!can_send(ic, "release"))
		return;
	m = *rel;
	m.cic = ic->cic;
	stub_print_isup("isup TX (given) ", &m);
	ic->gone = true;
}

unsigned int __wrap_isup_node_release_all(struct isup_node *node, uint8_t cause)
{
	return 0;	/* every call of this test belongs to the IWF */
}

unsigned int __wrap_isup_node_circuits_releasing(const struct isup_node *node)
{
	return 0;
}

uint16_t __wrap_isup_call_cic(const struct isup_call *ic)
{
	return valid(ic, "cic") ? ic->cic : 0;
}

uint32_t __wrap_isup_call_dpc(const struct isup_call *ic)
{
	return valid(ic, "dpc") ? DPC : 0;
}

const char *__wrap_isup_call_group(const struct isup_call *ic)
{
	return valid(ic, "group") ? ic->group : "";
}

/* the bearer of 'cic 1 31 bearer 127.0.0.1 40000 2': 40000 + 2 * CIC */
const char *__wrap_isup_call_bearer(const struct isup_call *ic)
{
	static char buf[32];
	if (!valid(ic, "bearer"))
		return NULL;
	snprintf(buf, sizeof(buf), "127.0.0.1:%u", 40000 + 2 * ic->cic);
	return buf;
}

bool __wrap_isup_call_is_outgoing(const struct isup_call *ic)
{
	return valid(ic, "is_outgoing") && ic->outgoing;
}

void *__wrap_isup_call_priv(const struct isup_call *ic)
{
	return valid(ic, "priv") ? ic->priv : NULL;
}

void __wrap_isup_call_set_priv(struct isup_call *ic, void *priv)
{
	if (valid(ic, "set_priv"))
		ic->priv = priv;
}

/* the Call-ID on the circuit is for captures (HEP): nothing to show here */
void __wrap_isup_call_set_corr(struct isup_call *ic, const char *corr)
{
	valid(ic, "set_corr");
}

const char *__wrap_isup_call_state_name(const struct isup_call *ic)
{
	return "fake";
}

struct isup_call *__wrap_isup_call_find(struct isup_node *node, const char *group, uint16_t cic)
{
	struct isup_call *ic;
	llist_for_each_entry(ic, &calls, list)
		if (!ic->gone && ic->cic == cic && !strcmp(ic->group, group))
			return ic;
	return NULL;
}

/* ---- driving the IWF ---- */

void stub_isup_next(uint16_t cic, uint8_t fail_cause)
{
	next_cic = cic;
	next_fail = fail_cause;
}

struct isup_call *stub_isup_last(void)
{
	return last_out;
}

struct isup_call *stub_isup_rx_iam(const char *group, uint16_t cic, struct isup_msg *iam)
{
	struct isup_call *ic = call_new(group, cic, false);
	stub_media_flush();
	iam->cic = cic;
	stub_print_isup("isup RX ", iam);
	ops->setup_ind(ic, iam, ops_app);
	return ic;
}

void stub_isup_rx(struct isup_call *ic, struct isup_msg *msg)
{
	msg->cic = ic->cic;
	stub_media_flush();
	stub_print_isup("isup RX ", msg);
	if (ic->gone) {
		printf("(not delivered: the call is released)\n");
		return;
	}
	ops->msg_ind(ic, msg, ops_app);
}

void stub_isup_rx_release(struct isup_call *ic, uint8_t cause)
{
	stub_media_flush();
	printf("isup RX release cic=%u cause=%u\n", ic->cic, cause);
	if (ic->gone) {
		printf("(not delivered: the call is released)\n");
		return;
	}
	ic->in_release_ind = true;
	ops->release_ind(ic, cause, NULL, ops_app);
	ic->in_release_ind = false;
	ic->gone = true;	/* freed after release_ind returns */
}

void stub_isup_rx_rel(struct isup_call *ic, struct isup_msg *rel)
{
	const struct isup_param *p = isup_msg_find_const(rel, ISUP_PRM_CAUSE);
	struct isup_cause c = { .value = Q850_NORMAL_CLEARING };
	stub_media_flush();
	rel->cic = ic->cic;
	stub_print_isup("isup RX ", rel);
	if (p)
		isup_cause_decode(&c, p->val, p->len);
	if (ic->gone) {
		printf("(not delivered: the call is released)\n");
		return;
	}
	ic->in_release_ind = true;
	ops->release_ind(ic, c.value, rel, ops_app);
	ic->in_release_ind = false;
	ic->gone = true;
}

void stub_isup_move(struct isup_call *ic, uint16_t new_cic)
{
	uint16_t old = ic->cic;
	stub_media_flush();
	printf("isup dual seizure: cic=%u -> cic=%u (repeat attempt)\n", old, new_cic);
	ic->cic = new_cic;
	if (ops->cic_changed_ind)
		ops->cic_changed_ind(ic, old, ops_app);
}

/* prints the calls the IWF still holds, frees every handle */
unsigned int stub_isup_flow_end(void)
{
	struct isup_call *ic, *ic2;
	unsigned int held = 0;
	llist_for_each_entry_safe(ic, ic2, &calls, list) {
		if (!ic->gone) {
			printf("LEFT isup call cic=%u not released\n", ic->cic);
			held++;
			continue;	/* the IWF may still use it */
		}
		llist_del(&ic->list);
		talloc_free(ic);
	}
	last_out = NULL;
	return held;
}

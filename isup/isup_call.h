/* ISUP call control API for the layer above (interworking / test application).
 *
 * The circuit layer (isup/circuit.c, isup/cgroup.c) runs Q.764 per circuit; a call is the
 * part of a circuit's life between IAM and release that the layer above sees. No SIP here.
 *
 * Ownership: a struct isup_call belongs to the circuit layer. It stays valid until either
 * release_ind() has returned or the layer above called isup_call_release(); after that the
 * pointer must not be used. An outgoing call may move to another circuit (automatic repeat
 * attempt after dual seizure, Q.764 2.9.1.4); the handle stays the same. */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <osmocom/core/utils.h>
#include "isup/isup.h"
#include "isup/q850.h"

struct isup_node;
struct isup_call;

/* Result of isup_call_ops.pass_on_ind */
enum isup_pass_on {
	ISUP_PASS_ON_END_NODE,		/* the layer above ends ISUP here (e.g. plain SIP): end node handling */
	ISUP_PASS_ON_DONE,		/* passed on (e.g. encapsulated in a SIP-T/SIP-I INFO) */
	ISUP_PASS_ON_NOT_POSSIBLE,	/* would pass on, but cannot now: "pass on not possible" instruction */
};

struct isup_call_ops {
	/* An IAM was received on an idle circuit (COT, if required, already passed). The layer
	 * above answers with isup_call_send(ACM/CON/CPG/ANM) or isup_call_release(). */
	void (*setup_ind)(struct isup_call *call, const struct isup_msg *iam, void *app);
	/* Any other call message for this call: backward ACM/CPG/ANM/CON, forward SAM, SUS/RES both
	 * ways, and pass-along messages (INF, USR, FAC, APM, ...). */
	void (*msg_ind)(struct isup_call *call, const struct isup_msg *msg, void *app);
	/* The call is gone (REL received, timer expiry, reset, hardware blocking, dual seizure loss
	 * with no circuit left, ...). cause: Q.850 value. rel: the REL received (all its parameters:
	 * cause with location and diagnostics, ...), NULL when the release is not a REL (timer,
	 * reset, blocking, ...). The handle is freed after this returns. */
	void (*release_ind)(struct isup_call *call, uint8_t cause, const struct isup_msg *rel, void *app);
	/* Optional: an outgoing call moved to another circuit (automatic repeat attempt). */
	void (*cic_changed_ind)(struct isup_call *call, uint16_t old_cic, void *app);
	/* Optional: pass on a message of a type unknown here whose compatibility information asks
	 * for transit interpretation (Q.764 2.9.5.3.1). Without this callback, or when it returns
	 * ISUP_PASS_ON_END_NODE, the circuit layer acts as an end node (type A exchange). */
	enum isup_pass_on (*pass_on_ind)(struct isup_call *call, const struct isup_msg *msg, void *app);
};

/* Register the layer above (one per node). */
void isup_call_register(struct isup_node *node, const struct isup_call_ops *ops, void *app);

/* Send an IAM on a free circuit of circuit group 'group' (cic < 0: by the group's selection
 * strategy; else that CIC if idle and usable). iam: the IAM content (its CIC is replaced).
 * Returns the call or NULL (no such group, no free circuit, DPC paused: *cause tells why). */
struct isup_call *isup_call_setup(struct isup_node *node, const char *group, int cic,
				  const struct isup_msg *iam, void *priv, uint8_t *cause);

/* Send a call message on the call's circuit: ACM, CPG, ANM, CON (incoming call) or SAM (outgoing),
 * SUS/RES and pass-along messages (both). The CIC is filled in. Returns 0 or -1 (not allowed
 * in this state). */
int isup_call_send(struct isup_call *call, const struct isup_msg *msg);

/* Release the call with a Q.850 cause: REL is sent, the circuit layer waits for RLC (T1/T5). The
 * handle is invalid afterwards (no release_ind follows). */
void isup_call_release(struct isup_call *call, uint8_t cause);
/* Same, with the location of the cause (Q.850; e.g. 10 "network beyond interworking point") */
void isup_call_release_loc(struct isup_call *call, uint8_t cause, uint8_t location);
/* Same, sending the given REL as it is (its parameters kept; the CIC is filled in), also on
 * T1 retransmission. Its cause parameter gives the cause counted and logged. */
void isup_call_release_msg(struct isup_call *call, const struct isup_msg *rel);

/* Shutdown: every circuit that still has a call is released with 'cause' (REL); the call layer
 * hears of it first through release_ind. From then on a new IAM is answered by REL with that
 * cause. Returns the number of calls released. */
unsigned int isup_node_release_all(struct isup_node *node, uint8_t cause);
/* A circuit with no call on this node whose far end may still have one (a takeover of the
 * point code, isup/circuit_orphan.c): REL with 'cause', then T1/T5 and idle on RLC as any
 * release (Q.764 2.3.1). 0; -ENOENT no such group/CIC; -EINVAL the group's DPC is not 'dpc';
 * -EBUSY the circuit has a call or is not idle (nothing sent). */
int isup_circuit_release_orphan(struct isup_node *node, const char *group, uint16_t cic, uint32_t dpc,
				uint8_t cause);
/* Circuits that sent REL and still wait for RLC (Q.764 2.3.1 e), T1/T5) */
unsigned int isup_node_circuits_releasing(const struct isup_node *node);

/* The call's correlation id (its SIP Call-ID, say): kept on its circuit until the circuit is idle
 * again (the RLC after the call included); isup_node_corr() gives it for a captured message */
void isup_call_set_corr(struct isup_call *call, const char *corr);
const char *isup_node_corr(struct isup_node *node, uint32_t remote_pc, uint16_t cic);

/* Accessors */
uint16_t isup_call_cic(const struct isup_call *call);
uint32_t isup_call_dpc(const struct isup_call *call);
const char *isup_call_group(const struct isup_call *call);
const char *isup_call_bearer(const struct isup_call *call);	/* RTP endpoint of the circuit, or NULL */
bool isup_call_is_outgoing(const struct isup_call *call);
void *isup_call_priv(const struct isup_call *call);
void isup_call_set_priv(struct isup_call *call, void *priv);
const char *isup_call_state_name(const struct isup_call *call);
/* The Q.764 timers running on the call's circuit ("T7 12.345s left", "none"; "-" without a circuit) */
const char *isup_call_timers(const struct isup_call *call, char *buf, size_t len);
/* The call on a group's CIC, or NULL */
struct isup_call *isup_call_find(struct isup_node *node, const char *group, uint16_t cic);

/* The summary state of a circuit (Q.764 2.8: blocking comes before the call state) */
enum isup_cct_summary {
	ISUP_CCT_IDLE,
	ISUP_CCT_BUSY,			/* a call (or its release / reset) on the circuit */
	ISUP_CCT_BLOCKED_LOCAL,		/* maintenance or hardware blocked by us */
	ISUP_CCT_BLOCKED_REMOTE,	/* blocked by the far end */
};
extern const struct value_string isup_cct_summary_names[];
typedef void (*isup_cct_watch_cb_t)(const char *group, uint16_t cic, enum isup_cct_summary state, void *data);
/* Each change of a circuit's summary state is reported through cb (one watcher per node, NULL:
 * none); isup_node_circuit_replay reports every circuit's current state (returns how many). */
void isup_node_circuit_watch(struct isup_node *node, isup_cct_watch_cb_t cb, void *data);
unsigned int isup_node_circuit_replay(struct isup_node *node);

/* Configuration of the node, as the layer above needs it (it never walks the circuit groups) */
enum isup_variant isup_node_variant(const struct isup_node *node);
bool isup_group_exists(struct isup_node *node, const char *group);
/* cb(cic, data) for each circuit of 'group' in ascending CIC order, until cb returns false.
 * Returns the number of calls of cb, or -1 when there is no such group. */
int isup_group_for_each_cic(struct isup_node *node, const char *group, bool (*cb)(uint16_t cic, void *data),
			    void *data);
/* Whether an IAM could go out on 'group' now (isup/cgroup_avail.c): its DPC available (no
 * MTP-PAUSE), not incoming-only, and at least one circuit idle and unblocked (Q.764 2.9.1.3) */
enum isup_group_out {
	ISUP_OUT_AVAILABLE,
	ISUP_OUT_NO_GROUP,
	ISUP_OUT_DPC_UNAVAILABLE,
	ISUP_OUT_INCOMING_ONLY,
	ISUP_OUT_NO_IDLE_CIRCUIT,
};
extern const struct value_string isup_group_out_names[];
enum isup_group_out isup_group_out_state(struct isup_node *node, const char *group);

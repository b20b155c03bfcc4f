/* SIP messages in/out per trunk, by method and response class (libosmocore rate counters,
 * group "sip:trunk:msg" named by the trunk; shown by "show rate-counters", exported by the
 * stats reporters). Counted on the wire: retransmissions count again. */
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <osip2/osip.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>

#include "sip/sip.h"
#include "sip/sip_internal.h"

static const char *const methods[] = { "INVITE", "ACK", "BYE", "CANCEL", "PRACK", "UPDATE", "INFO", "OPTIONS" };
#define N_METHODS ARRAY_SIZE(methods)
#define N_KINDS (N_METHODS + 1 + 6)	/* methods, other requests, responses 1xx..6xx */

static struct rate_ctr_desc desc[2 * N_KINDS];
static char names[2 * N_KINDS][24], descs[2 * N_KINDS][48];
static const struct rate_ctr_group_desc ctrg_desc = {
	.group_name_prefix = "sip:trunk:msg",
	.group_description = "SIP messages per trunk",
	.class_id = OSMO_STATS_CLASS_PEER,
	.num_ctr = ARRAY_SIZE(desc),
	.ctr_desc = desc,
};
static unsigned int next_index;

static void desc_init(void)
{
	if (desc[0].name)
		return;
	for (unsigned int d = 0; d < 2; d++) {
		for (unsigned int i = 0; i < N_KINDS; i++) {
			unsigned int k = d * N_KINDS + i;
			char kind[16];
			if (i < N_METHODS) {
				unsigned int j;
				for (j = 0; methods[i][j] && j < sizeof(kind) - 1; j++)
					kind[j] = methods[i][j] + 32;
				kind[j] = 0;
			} else if (i == N_METHODS) {
				snprintf(kind, sizeof(kind), "other");
			} else {
				snprintf(kind, sizeof(kind), "%uxx", (unsigned int)(i - N_METHODS));
			}
			snprintf(names[k], sizeof(names[k]), "%s:%s", d ? "tx" : "rx", kind);
			snprintf(descs[k], sizeof(descs[k]), "%s %s", i < N_METHODS ? methods[i] : i == N_METHODS ?
				 "Other requests" : kind, d ? "sent" : "received");
			desc[k] = (struct rate_ctr_desc){ names[k], descs[k] };
		}
	}
}

static bool ctrs_ready(struct sip_trunk *trunk)
{
	if (!trunk->msg_ctrs) {
		desc_init();
		trunk->msg_ctrs = rate_ctr_group_alloc(trunk, &ctrg_desc, next_index++);
		if (!trunk->msg_ctrs)
			return false;
		rate_ctr_group_set_name(trunk->msg_ctrs, trunk->name);
	}
	return true;
}

static unsigned int method_index(const char *meth)
{
	unsigned int i;
	for (i = 0; i < N_METHODS; i++)
		if (!strcasecmp(meth, methods[i]))
			break;
	return i;
}

void sip_stats_request(struct sip_trunk *trunk, const char *method, bool tx)
{
	if (ctrs_ready(trunk))
		rate_ctr_inc(rate_ctr_group_get_ctr(trunk->msg_ctrs, (tx ? N_KINDS : 0) + method_index(method)));
}

void sip_stats_msg(struct sip_trunk *trunk, const osip_message_t *m, bool tx)
{
	unsigned int i;
	if (!ctrs_ready(trunk))
		return;
	if (MSG_IS_RESPONSE(m)) {
		int code = osip_message_get_status_code(m);
		if (code < 100 || code > 699)
			return;
		i = N_METHODS + code / 100;
	} else {
		i = method_index(m->sip_method ? m->sip_method : "");
	}
	rate_ctr_inc(rate_ctr_group_get_ctr(trunk->msg_ctrs, (tx ? N_KINDS : 0) + i));
}

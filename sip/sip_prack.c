/* Reliable provisional responses (RFC 3262): UAS retransmission/PRACK, UAC PRACK sending. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <osmocom/core/utils.h>

#include "sip/sip_dialog_fsm.h"
#include "isup/q850.h"

/* RFC 3262 3: no PRACK within 64*T1 (SIP_TPRACK) - reject the INVITE with a 5xx */
void sip_prack_timeout(struct sip_dialog *dlg)
{
	struct sip_event ev = { .type = SIP_EV_TIMEOUT, .method = "PRACK", .timeout = SIP_TO_PRACK };
	struct sip_msg_opts o = { .q850_cause = Q850_RECOVERY_ON_TIMER_EXPIRY, .q850_location = "LN" };

	LOGPFSML(dlg->fi, LOGL_NOTICE, "reliable provisional not PRACKed: 504\n");
	sip_prack_stop(dlg);
	sip_dialog_emit(dlg, &ev);
	if (dlg->dead)
		return;
	if (dlg->pending_2xx) {
		osip_message_free(dlg->pending_2xx);
		dlg->pending_2xx = NULL;
	}
	sip_uas_reject(dlg, 504, &o);
}

static void rel_timer_cb(void *data)
{
	struct sip_dialog *dlg = data;
	unsigned int limit = sip_64t1_ms(dlg->ua, SIP_TPRACK);

	if (!dlg->rel_prov || dlg->dead)
		return;
	dlg->rel_elapsed_ms += dlg->rel_interval_ms;
	if (dlg->rel_elapsed_ms >= limit) {
		sip_dialog_dispatch(dlg, SIP_DLG_EV_PRACK_TIMEOUT, NULL);
		return;
	}
	/* RFC 3262 3: retransmit with an interval doubling from T1 */
	sip_send_msg(dlg->trunk, &dlg->conn, &dlg->resp_dst, dlg->rel_prov);
	dlg->rel_interval_ms = OSMO_MIN(2 * dlg->rel_interval_ms, limit - dlg->rel_elapsed_ms);
	sip_dialog_timer_ms(&dlg->rel_timer, dlg->rel_interval_ms);
}

void sip_prack_start(struct sip_dialog *dlg, osip_message_t *resp, bool has_sdp)
{
	if (dlg->rel_prov)
		osip_message_free(dlg->rel_prov);
	dlg->rel_prov = resp;
	dlg->rel_prov_sdp = has_sdp;
	dlg->rel_interval_ms = sip_t1_ms(dlg->ua);
	dlg->rel_elapsed_ms = 0;
	osmo_timer_setup(&dlg->rel_timer, rel_timer_cb, dlg);
	sip_dialog_timer_ms(&dlg->rel_timer, dlg->rel_interval_ms);
}

void sip_prack_stop(struct sip_dialog *dlg)
{
	osmo_timer_del(&dlg->rel_timer);
	if (dlg->rel_prov) {
		osip_message_free(dlg->rel_prov);
		dlg->rel_prov = NULL;
	}
	dlg->rel_prov_sdp = false;
}

/* UAS: PRACK received (RFC 3262 3/7.2: RAck = response-num CSeq-num Method) */
void sip_prack_rx(struct sip_dialog *dlg, const struct sip_dlg_rx *rx)
{
	const char *rack = sip_msg_header(rx->msg, "RAck");
	unsigned int rseq = 0, cseq = 0;
	char method[16] = "";
	struct sip_event ev = { .type = SIP_EV_PRACK, .method = "PRACK", .body = rx->body, .rseq = 0 };

	if (!rack || sscanf(rack, "%u %u %15s", &rseq, &cseq, method) != 3 || !dlg->rel_prov ||
	    rseq != dlg->rseq || cseq != dlg->invite_cseq || strcmp(method, "INVITE")) {
		/* RFC 3262 3: no matching unacknowledged reliable provisional */
		sip_dialog_respond(dlg, rx->tr, 481, NULL);
		return;
	}
	sip_prack_stop(dlg);
	sip_dialog_respond(dlg, rx->tr, 200, NULL);
	/* the 200 to the PRACK leaves before the held 2xx to the INVITE */
	sip_ua_pump(dlg->ua);
	ev.rseq = rseq;
	/* RFC 3262 5: a PRACK may carry the answer to an offer in the reliable 1xx (late offer) */
	if (rx->body->has_sdp) {
		dlg->remote_sdp = rx->body->sdp;
		dlg->has_remote_sdp = true;
	}
	sip_dialog_emit(dlg, &ev);
	if (dlg->pending_2xx && !dlg->dead)
		sip_uas_send_held_2xx(dlg);
}

/* UAC: a reliable 1xx arrived in early dialog e; PRACK it unless it is a retransmission. */
bool sip_prack_uac_rx_reliable(struct sip_dialog *dlg, struct sip_early *e, osip_message_t *resp)
{
	const char *rs = sip_msg_header(resp, "RSeq");
	uint32_t rseq = rs ? strtoul(rs, NULL, 10) : 0;
	struct sip_dialog tmp;
	osip_message_t *prack;
	char rack[64];

	if (!rseq)
		return true;
	/* RFC 3262 4: in-order, not-yet-seen RSeq only */
	if (e->last_rseq && rseq <= e->last_rseq)
		return false;
	e->last_rseq = rseq;

	/* the PRACK belongs to the early dialog that sent the 1xx (forking: per To tag) */
	tmp = *dlg;
	osip_to_clone(resp->to, &tmp.remote);
	tmp.target = e->target;
	tmp.route_set = e->route_set;
	prack = sip_msg_new_request(&tmp, "PRACK", ++dlg->local_cseq);
	osip_to_free(tmp.remote);
	if (!prack)
		return true;
	snprintf(rack, sizeof(rack), "%u %u INVITE", rseq, dlg->invite_cseq);
	osip_message_set_header(prack, "RAck", rack);
	sip_dialog_send_in_dialog(dlg, prack, SIP_TX_PRACK);
	return true;
}

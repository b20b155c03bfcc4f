/* Reliable provisional responses (RFC 3262): UAS retransmission/PRACK, UAC PRACK sending. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <osmocom/core/utils.h>

#include "sip/sip_internal.h"

static void rel_timer_cb(void *data)
{
	struct sip_dialog *dlg = data;
	struct sip_ua *ua = dlg->ua;

	if (!dlg->rel_prov || dlg->dead)
		return;
	dlg->rel_elapsed_ms += dlg->rel_interval_ms;
	if (dlg->rel_elapsed_ms >= sip_64t1_ms(ua, SIP_TPRACK)) {
		/* RFC 3262 3: no PRACK within 64*T1 - reject the INVITE with a 5xx */
		struct sip_event ev = { .type = SIP_EV_TIMEOUT, .method = "PRACK", .timeout = SIP_TO_PRACK };
		struct sip_msg_opts o = { .q850_cause = 102, .q850_location = "LN" };
		LOGPFSML(dlg->fi, LOGL_NOTICE, "reliable provisional not PRACKed: 504\n");
		sip_prack_stop(dlg);
		sip_dialog_emit(dlg, &ev);
		if (dlg->pending_2xx) {
			osip_message_free(dlg->pending_2xx);
			dlg->pending_2xx = NULL;
			sip_dialog_set_state(dlg, SIP_DLG_S_PROCEEDING);
		}
		if (!dlg->dead)
			sip_dialog_reject(dlg, 504, &o);
		return;
	}
	/* RFC 3262 3: retransmit with an interval doubling from T1 */
	sip_send_msg(dlg->trunk, &dlg->conn, &dlg->resp_dst, dlg->rel_prov);
	dlg->rel_interval_ms *= 2;
	if (dlg->rel_elapsed_ms + dlg->rel_interval_ms > sip_64t1_ms(ua, SIP_TPRACK))
		dlg->rel_interval_ms = sip_64t1_ms(ua, SIP_TPRACK) - dlg->rel_elapsed_ms;
	osmo_timer_schedule(&dlg->rel_timer, dlg->rel_interval_ms / 1000, (dlg->rel_interval_ms % 1000) * 1000);
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
	osmo_timer_schedule(&dlg->rel_timer, dlg->rel_interval_ms / 1000, (dlg->rel_interval_ms % 1000) * 1000);
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
void sip_prack_rx(struct sip_dialog *dlg, osip_transaction_t *tr, osip_message_t *prack)
{
	const char *rack = sip_msg_header(prack, "RAck");
	unsigned int rseq = 0, cseq = 0;
	char method[16] = "";
	osip_message_t *r;
	struct sip_body body;
	struct sip_event ev = { .type = SIP_EV_PRACK, .method = "PRACK" };
	const char *warn;

	if (!rack || sscanf(rack, "%u %u %15s", &rseq, &cseq, method) != 3 || !dlg->rel_prov ||
	    rseq != dlg->rseq || cseq != dlg->invite_cseq || strcmp(method, "INVITE")) {
		/* RFC 3262 3: no matching unacknowledged reliable provisional */
		r = sip_msg_new_response(dlg->trunk, prack, 481, sip_tag(dlg->local));
		if (r)
			sip_tx_respond(tr, r);
		return;
	}
	sip_prack_stop(dlg);
	r = sip_msg_new_response(dlg->trunk, prack, 200, sip_tag(dlg->local));
	if (r)
		sip_tx_respond(tr, r);
	/* the 200 to the PRACK leaves before the held 2xx to the INVITE */
	sip_ua_pump(dlg->ua);
	ev.rseq = rseq;
	/* RFC 3262 5: a PRACK may carry the answer to an offer in the reliable 1xx (late offer) */
	if (sip_body_parse(dlg->trunk, prack, &body, &warn) == 0) {
		ev.body = &body;
		if (body.has_sdp) {
			dlg->remote_sdp = body.sdp;
			dlg->has_remote_sdp = true;
		}
	}
	sip_dialog_emit(dlg, &ev);
	if (dlg->pending_2xx && !dlg->dead) {
		osip_message_t *ok = dlg->pending_2xx;
		dlg->pending_2xx = NULL;
		LOGPFSML(dlg->fi, LOGL_INFO, "PRACK received: sending the held 200 OK\n");
		sip_dialog_send_2xx(dlg, ok);
	}
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

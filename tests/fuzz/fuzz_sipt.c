/* libFuzzer target for SIP-T/SIP-I body handling: one SIP message (after a flags octet) goes the
 * way the gateway takes it - libosip2 parse, headers and bodies of the trunk (multipart/mixed,
 * application/sdp, application/ISUP with version/handling, trust: sip_body_parse,
 * sip_msg_get_headers), then the interworking mapping: an INVITE becomes an IAM (gw_sip_to_iam,
 * the encapsulated IAM merged with the headers: gw_sipi_merge_iam, TS 29.163 7.3.3.1 / RFC 3398
 * 5.1) which is encoded as it would be sent; a release (BYE/CANCEL/final response) gets its REL
 * cause from Reason / the encapsulated REL / the status (cause_map), backward messages their
 * indicators.
 * Flags octet: bit 0 trusted, bits 1-2 sip-t mode (off, sip-t, sip-i), bit 3 ANSI variant, bit 4
 * handling=required on the trunk, bit 5 cause profile q1912.
 * Properties: no sanitizer report; an IAM built for sending encodes and decodes again, with the
 * called number from the Request-URI and, with Privacy, no calling number presentation allowed
 * (the merge never weakens privacy); every cause mapped is 1..127 and every status 300..699. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <talloc.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>

#include "gw/debug.h"
#include "gw/iam_map.h"
#include "gw/redir_map.h"
#include "gw/sipi_merge.h"
#include "gw/cause_map.h"
#include "sip/sip_internal.h"

#define ASSERT(cond) do { if (!(cond)) { fprintf(stderr, "assertion failed: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

static struct sip_ua *ua;
static struct sip_trunk *trunk;

static void init(void)
{
	void *ctx = talloc_named_const(NULL, 0, "fuzz-sipt");
	osmo_init_logging2(ctx, &sgw_log_info);
	log_set_log_level(osmo_stderr_target, LOGL_FATAL);
	sip_set_log_cat(DSIP);
	ua = sip_ua_alloc(ctx, NULL, NULL);
	trunk = sip_trunk_alloc(ua, "fuzz");
}

static void check_cause(uint8_t cause, enum gw_cause_profile prof)
{
	static const struct gw_cause_overrides ovr;
	int status;
	if (!cause)
		return;
	ASSERT(cause <= 127);
	status = gw_cause_to_sip_status(prof, &ovr, cause, ISUP_LOC_PUB_LOCAL);
	ASSERT(status >= 300 && status <= 699);
}

static void map_invite(const struct sip_headers *h, const struct sip_body *body, enum isup_variant variant)
{
	static const struct gw_number_plan plan = { .country_code = "49" };
	struct gw_sip_identity id = { .cpc = -1 };
	static struct isup_msg iam, enc, back;
	uint8_t out[ISUP_MAX_MSG_LEN];
	const struct isup_param *cd;
	int len;

	gw_uri_user(h->ruri, id.ruri_user, sizeof(id.ruri_user));
	gw_uri_user(h->from, id.from_user, sizeof(id.from_user));
	gw_uri_user(h->pai, id.pai_user, sizeof(id.pai_user));
	id.privacy_id = strcasestr(h->privacy, "id") != NULL;
	id.max_forwards = h->max_forwards;
	gw_uri_user(h->diversion, id.diversion_user, sizeof(id.diversion_user));
	if (gw_sip_to_iam(&id, &plan, variant, 0, &iam) < 0)
		return;		/* 484 */
	/* History-Info / Diversion -> redirection parameters (gw/redir_map.h), and back */
	{
		struct gw_redir r;
		char hi[SIP_HDR_LIST_MAX];
		if (gw_redir_from_history_info(h->history_info, false, &r) < 0)
			gw_redir_from_diversion(h->diversion, &r);
		gw_redir_to_iam(&r, &plan, &iam);
		ASSERT(gw_redir_history_info(&r, id.ruri_user, "h", false, hi, sizeof(hi)) < (int)sizeof(hi));
	}
	cd = isup_msg_find_const(&iam, ISUP_PRM_CALLED_NUM);
	ASSERT(cd);
	if (body->isup.present &&
	    isup_decode_body(&enc, variant, body->isup.data, body->isup.len, NULL) == ISUP_OK && enc.type == ISUP_IAM) {
		struct isup_number a, b;
		const struct isup_param *ecd;
		gw_sipi_merge_iam(&enc, &iam, &id, &plan, true);
		ecd = isup_msg_find_const(&enc, ISUP_PRM_CALLED_NUM);
		if (id.privacy_id) {
			const struct isup_param *cg = isup_msg_find_const(&enc, ISUP_PRM_CALLING_NUM);
			ASSERT(!cg || isup_number_decode(&a, ISUP_NUM_CALLING, cg->val, cg->len) < 0 ||
			       a.apri != ISUP_APRI_ALLOWED);
		}
		/* the called number sent is the Request-URI's */
		ASSERT(ecd && isup_number_decode(&a, ISUP_NUM_CALLED, cd->val, cd->len) == 0 &&
		       isup_number_decode(&b, ISUP_NUM_CALLED, ecd->val, ecd->len) == 0 && !strcmp(a.digits, b.digits));
		iam = enc;
	}
	len = isup_encode(&iam, out, sizeof(out));
	if (len > 0)
		ASSERT(isup_decode(&back, variant, out, len, NULL) == ISUP_OK && back.type == ISUP_IAM);
}

static void map_release(const osip_message_t *m, const struct sip_body *body, enum isup_variant variant,
			enum gw_cause_profile prof)
{
	static const struct gw_cause_overrides ovr;
	static struct isup_msg enc;
	uint8_t cause = 0, loc;
	int reason = 0;
	const char *r = sip_msg_header(m, "Reason");

	if (r && (r = strcasestr(r, "cause=")))
		reason = atoi(r + 6);
	if (MSG_IS_RESPONSE(m))
		cause = gw_sip_status_to_cause(prof, &ovr, m->status_code, reason > 0 && reason < 128 ? reason : 0, &loc);
	else if (MSG_IS_BYE(m))
		cause = gw_bye_cause(prof, reason > 0 && reason < 128 ? reason : 0);
	else if (MSG_IS_CANCEL(m))
		cause = gw_cancel_cause(prof, reason > 0 && reason < 128 ? reason : 0);
	if (body->isup.present &&
	    isup_decode_body(&enc, variant, body->isup.data, body->isup.len, NULL) == ISUP_OK && enc.type == ISUP_REL) {
		const struct isup_param *p = isup_msg_find_const(&enc, ISUP_PRM_CAUSE);
		struct isup_cause c;
		if (p && isup_cause_decode(&c, p->val, p->len) == 0)
			cause = c.value;
	}
	check_cause(cause, prof);
}

static void map_backward(const struct sip_body *body, enum isup_variant variant)
{
	static struct isup_msg enc;
	const struct isup_param *p;
	struct isup_bci bci;
	struct isup_obci obci;

	if (!body->isup.present ||
	    isup_decode_body(&enc, variant, body->isup.data, body->isup.len, NULL) != ISUP_OK)
		return;
	if ((p = isup_msg_find_const(&enc, ISUP_PRM_BCI)))
		(void)isup_bci_decode(&bci, p->val, p->len);
	if ((p = isup_msg_find_const(&enc, ISUP_PRM_OBCI)))
		(void)isup_obci_decode(&obci, p->val, p->len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum sip_sipt_mode modes[4] = { SIP_SIPT_OFF, SIP_SIPT_SIPT, SIP_SIPT_SIPI, SIP_SIPT_SIPI };
	enum isup_variant variant;
	enum gw_cause_profile prof;
	osip_message_t *m;
	struct sip_body body;
	struct sip_headers hdrs;
	const char *warn;
	int rc;

	if (!ua)
		init();
	if (size < 1)
		return 0;
	trunk->cfg.trusted = data[0] & 1;
	trunk->cfg.sipt_mode = modes[(data[0] >> 1) & 3];
	variant = (data[0] & 8) ? ISUP_VARIANT_ANSI : ISUP_VARIANT_ITU;
	trunk->cfg.isup_required = data[0] & 16;
	prof = (data[0] & 32) ? GW_CAUSE_PROFILE_Q1912 : GW_CAUSE_PROFILE_RFC3398;
	data++;
	size--;

	if (osip_message_init(&m) != 0)
		return 0;
	if (osip_message_parse(m, (const char *)data, size) != 0 || (!MSG_IS_REQUEST(m) && !MSG_IS_RESPONSE(m))) {
		osip_message_free(m);
		return 0;
	}
	rc = sip_body_parse(trunk, m, &body, &warn);
	ASSERT(rc == 0 || (rc >= 400 && rc <= 699));
	if (rc == 0) {
		if (!trunk->cfg.trusted || trunk->cfg.sipt_mode == SIP_SIPT_OFF)
			ASSERT(!body.isup.present);	/* RFC 3325 / RFC 3372: never used from outside */
		if (body.isup.present)
			ASSERT(body.isup.len > 0 && body.isup.len <= SIP_ISUP_MAX);
		if (body.has_sdp) {
			struct sip_sdp local, ans;
			sip_sdp_init_local(&local, "127.0.0.1", 4000);
			(void)sip_sdp_answer(&ans, &body.sdp, &local);
		}
		sip_msg_get_headers(trunk, m, &hdrs);
		if (!trunk->cfg.trusted)
			ASSERT(!hdrs.pai[0]);
		if (MSG_IS_INVITE(m))
			map_invite(&hdrs, &body, variant);
		else if (MSG_IS_BYE(m) || MSG_IS_CANCEL(m) || (MSG_IS_RESPONSE(m) && m->status_code >= 300))
			map_release(m, &body, variant, prof);
		else if (MSG_IS_RESPONSE(m) || MSG_IS_INFO(m))
			map_backward(&body, variant);
	}
	osip_message_free(m);
	return 0;
}

/* Message bodies: application/sdp, application/ISUP (RFC 3204) and multipart/mixed (RFC 5621). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <osmocom/core/utils.h>

#include "sip/sip_internal.h"

/* RFC 3204 Table 1 base values, plus whatever the trunk is configured with */
static const char *known_isup_versions[] = {
	"itu-t88", "itu-t92+", "ansi88", "ansi00", "etsi121", "etsi356", "gr317", "ttc87", "ttc93+",
};

static void param_copy(char *dst, size_t size, const osip_list_t *params, const char *name)
{
	osip_generic_param_t *p = NULL;
	const char *v;
	size_t len;

	dst[0] = '\0';
	osip_generic_param_get_byname((osip_list_t *)params, (char *)name, &p);
	if (!p || !p->gvalue)
		return;
	v = p->gvalue;
	len = strlen(v);
	if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
		v++;
		len -= 2;
	}
	if (len >= size)
		len = size - 1;
	memcpy(dst, v, len);
	dst[len] = '\0';
}

static bool version_known(const struct sip_trunk *trunk, const char *v)
{
	if (!v[0])
		return false;	/* RFC 3204 3: version is mandatory */
	if (trunk && trunk->cfg.isup_version[0] && !strcasecmp(v, trunk->cfg.isup_version))
		return true;
	for (unsigned int i = 0; i < ARRAY_SIZE(known_isup_versions); i++)
		if (!strcasecmp(v, known_isup_versions[i]))
			return true;
	return false;
}

/* Content-Disposition: handling=optional|required (RFC 3261 20.11: default required) */
static bool disposition_required(const char *disp)
{
	const char *h;
	if (!disp)
		return true;
	h = strcasestr(disp, "handling=");
	if (!h)
		return true;
	return strncasecmp(h + 9, "optional", 8) != 0;
}

static const char *body_header(const osip_body_t *b, const char *name)
{
	osip_header_t *h;
	int pos = 0;
	while ((h = osip_list_get(b->headers, pos++)))
		if (h->hname && !strcasecmp(h->hname, name))
			return h->hvalue;
	return NULL;
}

static int handle_part(const struct sip_trunk *trunk, const osip_content_type_t *ct, const char *disp,
		       const char *data, size_t len, struct sip_body *body, const char **warn)
{
	bool required = disposition_required(disp);

	if (!ct || !ct->type || !ct->subtype) {
		*warn = "Missing Content-Type";
		return 400;
	}
	if (!strcasecmp(ct->type, "application") && !strcasecmp(ct->subtype, "sdp")) {
		if (body->has_sdp)
			return 0;	/* only the first SDP counts */
		if (sip_sdp_parse(&body->sdp, data, len) < 0) {
			*warn = "Malformed SDP";
			return 400;
		}
		body->has_sdp = true;
		return 0;
	}
	if (!strcasecmp(ct->type, "application") && !strcasecmp(ct->subtype, "isup")) {
		struct sip_isup_part *ip = &body->isup;
		bool usable = trunk && trunk->cfg.sipt_mode != SIP_SIPT_OFF;

		param_copy(ip->version, sizeof(ip->version), &ct->gen_params, "version");
		param_copy(ip->base, sizeof(ip->base), &ct->gen_params, "base");
		ip->required = required;
		if (!usable || !version_known(trunk, ip->version) || len == 0 || len > SIP_ISUP_MAX) {
			if (required) {
				/* RFC 3204 / RFC 3261 21.4.13 */
				*warn = "Unsupported ISUP body";
				return 415;
			}
			memset(ip, 0, sizeof(*ip));
			return 0;
		}
		/* RFC 3325/3372: ISUP from outside the trust domain is ignored */
		if (!trunk->cfg.trusted) {
			memset(ip, 0, sizeof(*ip));
			return 0;
		}
		memcpy(ip->data, data, len);
		ip->len = len;
		ip->present = true;
		return 0;
	}
	if (required) {
		*warn = "Unsupported body type";
		return 415;
	}
	return 0;
}

int sip_body_parse(const struct sip_trunk *trunk, const osip_message_t *msg, struct sip_body *body,
		   const char **warn)
{
	osip_body_t *b;
	int nbodies = osip_list_size(&msg->bodies);
	const osip_content_type_t *ct = msg->content_type;

	memset(body, 0, sizeof(*body));
	*warn = NULL;
	if (nbodies <= 0)
		return 0;
	if (!ct || !ct->type || !ct->subtype) {
		/* RFC 3261 20.15: Content-Type is mandatory with a non-empty body */
		osip_message_get_body(msg, 0, &b);
		if (b && b->length == 0)
			return 0;
		*warn = "Missing Content-Type";
		return 400;
	}
	if (!strcasecmp(ct->type, "multipart")) {
		char boundary[80];
		int rc;
		if (strcasecmp(ct->subtype, "mixed")) {
			*warn = "Unsupported multipart type";
			return 415;
		}
		param_copy(boundary, sizeof(boundary), &ct->gen_params, "boundary");
		if (!boundary[0]) {
			*warn = "Multipart without boundary";
			return 400;
		}
		for (int i = 0; i < nbodies; i++) {
			osip_message_get_body(msg, i, &b);
			if (!b)
				continue;
			rc = handle_part(trunk, b->content_type, body_header(b, "Content-Disposition"),
					 b->body, b->length, body, warn);
			if (rc)
				return rc;
		}
		if (!body->has_sdp && !body->isup.present && nbodies == 1) {
			osip_message_get_body(msg, 0, &b);
			if (b && !b->content_type) {
				*warn = "Malformed multipart body";
				return 400;
			}
		}
		return 0;
	}
	osip_message_get_body(msg, 0, &b);
	if (!b)
		return 0;
	return handle_part(trunk, ct, sip_msg_header(msg, "Content-Disposition"), b->body, b->length, body, warn);
}

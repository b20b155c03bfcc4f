/* Bit-field parameters: NCI 3.35, FCI 3.23, BCI 3.5, OBCI 3.37, event information 3.21,
 * redirection information 3.45, call diversion information 3.6, echo control information 3.19 */
#include "isup/isup_internal.h"

#define CHECK_OUT(n) do { if (!out || out_size < (n)) return ISUP_ERR_BUFFER; } while (0)
#define CHECK_IN(n) do { if (!val || len != (n)) return ISUP_ERR_PARAM_VALUE; } while (0)

/* Q.763 3.35 */
int isup_nci_decode(struct isup_nci *p, const uint8_t *val, uint8_t len)
{
	CHECK_IN(1);
	p->satellite = val[0] & 3;
	p->continuity = (val[0] >> 2) & 3;
	p->echo_device = (val[0] >> 4) & 1;
	p->spare = val[0] >> 5;
	return 0;
}

int isup_nci_encode(const struct isup_nci *p, uint8_t *out, size_t out_size)
{
	CHECK_OUT(1);
	if (p->satellite > 3 || p->continuity > 3 || p->spare > 7)
		return ISUP_ERR_INVAL;
	out[0] = p->satellite | (p->continuity << 2) | (p->echo_device << 4) | (p->spare << 5);
	return 1;
}

/* Q.763 3.23 */
int isup_fci_decode(struct isup_fci *p, const uint8_t *val, uint8_t len)
{
	CHECK_IN(2);
	p->international = val[0] & 1;
	p->e2e_method = (val[0] >> 1) & 3;
	p->interworking = (val[0] >> 3) & 1;
	p->e2e_info = (val[0] >> 4) & 1;
	p->isup_all_the_way = (val[0] >> 5) & 1;
	p->isup_pref = (val[0] >> 6) & 3;
	p->orig_access_isdn = val[1] & 1;
	p->sccp_method = (val[1] >> 1) & 3;
	p->ported_translated = (val[1] >> 3) & 1;
	p->qor_attempt = (val[1] >> 4) & 1;
	p->spare = val[1] >> 5;
	return 0;
}

int isup_fci_encode(const struct isup_fci *p, uint8_t *out, size_t out_size)
{
	CHECK_OUT(2);
	if (p->e2e_method > 3 || p->isup_pref > 3 || p->sccp_method > 3 || p->spare > 7)
		return ISUP_ERR_INVAL;
	out[0] = p->international | (p->e2e_method << 1) | (p->interworking << 3) | (p->e2e_info << 4) |
		 (p->isup_all_the_way << 5) | (p->isup_pref << 6);
	out[1] = p->orig_access_isdn | (p->sccp_method << 1) | (p->ported_translated << 3) |
		 (p->qor_attempt << 4) | (p->spare << 5);
	return 2;
}

/* Q.763 3.5 */
int isup_bci_decode(struct isup_bci *p, const uint8_t *val, uint8_t len)
{
	CHECK_IN(2);
	p->charge = val[0] & 3;
	p->called_status = (val[0] >> 2) & 3;
	p->called_category = (val[0] >> 4) & 3;
	p->e2e_method = val[0] >> 6;
	p->interworking = val[1] & 1;
	p->e2e_info = (val[1] >> 1) & 1;
	p->isup_all_the_way = (val[1] >> 2) & 1;
	p->holding = (val[1] >> 3) & 1;
	p->term_access_isdn = (val[1] >> 4) & 1;
	p->echo_device = (val[1] >> 5) & 1;
	p->sccp_method = val[1] >> 6;
	return 0;
}

int isup_bci_encode(const struct isup_bci *p, uint8_t *out, size_t out_size)
{
	CHECK_OUT(2);
	if (p->charge > 3 || p->called_status > 3 || p->called_category > 3 || p->e2e_method > 3 ||
	    p->sccp_method > 3)
		return ISUP_ERR_INVAL;
	out[0] = p->charge | (p->called_status << 2) | (p->called_category << 4) | (p->e2e_method << 6);
	out[1] = p->interworking | (p->e2e_info << 1) | (p->isup_all_the_way << 2) | (p->holding << 3) |
		 (p->term_access_isdn << 4) | (p->echo_device << 5) | (p->sccp_method << 6);
	return 2;
}

/* Q.763 3.37 */
int isup_obci_decode(struct isup_obci *p, const uint8_t *val, uint8_t len)
{
	CHECK_IN(1);
	p->inband_info = val[0] & 1;
	p->diversion_may_occur = (val[0] >> 1) & 1;
	p->segmentation = (val[0] >> 2) & 1;
	p->mlpp_user = (val[0] >> 3) & 1;
	p->spare = val[0] >> 4;
	return 0;
}

int isup_obci_encode(const struct isup_obci *p, uint8_t *out, size_t out_size)
{
	CHECK_OUT(1);
	if (p->spare > 15)
		return ISUP_ERR_INVAL;
	out[0] = p->inband_info | (p->diversion_may_occur << 1) | (p->segmentation << 2) |
		 (p->mlpp_user << 3) | (p->spare << 4);
	return 1;
}

/* Q.763 3.21 */
int isup_event_info_decode(struct isup_event_info *p, const uint8_t *val, uint8_t len)
{
	CHECK_IN(1);
	p->event = val[0] & 0x7f;
	p->pres_restricted = val[0] >> 7;
	return 0;
}

int isup_event_info_encode(const struct isup_event_info *p, uint8_t *out, size_t out_size)
{
	CHECK_OUT(1);
	if (p->event > 0x7f)
		return ISUP_ERR_INVAL;
	out[0] = p->event | (p->pres_restricted << 7);
	return 1;
}

/* Q.763 3.45: octet 1 CBA redirecting indicator, D spare, HGFE original redirection reason;
 * octet 2 KJI redirection counter, L spare, PONM redirecting reason */
int isup_redirection_info_decode(struct isup_redirection_info *p, const uint8_t *val, uint8_t len)
{
	CHECK_IN(2);
	p->indicator = val[0] & 7;
	p->orig_reason = val[0] >> 4;
	p->counter = val[1] & 7;
	p->spare = (val[1] >> 3) & 1;
	p->reason = val[1] >> 4;
	return 0;
}

int isup_redirection_info_encode(const struct isup_redirection_info *p, uint8_t *out, size_t out_size)
{
	CHECK_OUT(2);
	if (p->indicator > 7 || p->orig_reason > 15 || p->counter > 7 || p->spare > 1 || p->reason > 15)
		return ISUP_ERR_INVAL;
	out[0] = p->indicator | (p->orig_reason << 4);
	out[1] = p->counter | (p->spare << 3) | (p->reason << 4);
	return 2;
}

/* Q.763 3.6: CBA notification subscription options, GFED redirecting reason, H spare */
int isup_call_diversion_decode(struct isup_call_diversion *p, const uint8_t *val, uint8_t len)
{
	CHECK_IN(1);
	p->notification = val[0] & 7;
	p->reason = (val[0] >> 3) & 0xf;
	return 0;
}

int isup_call_diversion_encode(const struct isup_call_diversion *p, uint8_t *out, size_t out_size)
{
	CHECK_OUT(1);
	if (p->notification > 7 || p->reason > 15)
		return ISUP_ERR_INVAL;
	out[0] = p->notification | (p->reason << 3);
	return 1;
}

/* Q.763 3.19 */
int isup_echo_control_decode(struct isup_echo_control *p, const uint8_t *val, uint8_t len)
{
	CHECK_IN(1);
	p->out_half_resp = val[0] & 3;
	p->in_half_resp = (val[0] >> 2) & 3;
	p->out_half_req = (val[0] >> 4) & 3;
	p->in_half_req = val[0] >> 6;
	return 0;
}

int isup_echo_control_encode(const struct isup_echo_control *p, uint8_t *out, size_t out_size)
{
	CHECK_OUT(1);
	if (p->out_half_resp > 3 || p->in_half_resp > 3 || p->out_half_req > 3 || p->in_half_req > 3)
		return ISUP_ERR_INVAL;
	out[0] = p->out_half_resp | (p->in_half_resp << 2) | (p->out_half_req << 4) | (p->in_half_req << 6);
	return 1;
}

/* Unit test of the bearer mapping (gw/bearer_map.c): Q.763 3.54 TMR / 3.57 USI <-> RFC 4040
 * clearmode, with USI octets written by hand from Q.931 4.5.5. TAP-like, one line per case. */
#include <stdio.h>
#include <string.h>

#include "gw/bearer_map.h"

static int fails;

#define CHECK(cond, ...) do { \
	if (cond) { printf("ok "); } else { printf("not ok "); fails++; } \
	printf(__VA_ARGS__); printf("\n"); } while (0)

static void iam_with(struct isup_msg *iam, enum isup_variant v, int tmr, const uint8_t *usi, uint8_t usi_len)
{
	uint8_t b = tmr;
	isup_msg_init(iam, v, ISUP_IAM, 1);
	if (tmr >= 0)
		isup_msg_set(iam, ISUP_PRM_TMR, &b, 1);
	if (usi)
		isup_msg_set(iam, ISUP_PRM_USI, usi, usi_len);
}

static void test_from_iam(void)
{
	/* Q.931 4.5.5: octet 3 = ext 1, coding ITU-T 00, ITC; octet 4 = ext 1, circuit 00, rate */
	static const uint8_t udi[] = { 0x88, 0x90 };		/* unrestricted digital, 64 kbit/s */
	static const uint8_t speech[] = { 0x80, 0x90, 0xa3 };	/* speech, 64 kbit/s, G.711 A-law */
	static const uint8_t udi_384[] = { 0x88, 0x13 | 0x80 };	/* unrestricted digital, 384 kbit/s */
	static const struct { int tmr; enum gw_bearer want; } tmr[] = {
		{ 0, GW_BEARER_AUDIO }, { 2, GW_BEARER_UDI }, { 3, GW_BEARER_AUDIO }, { 6, GW_BEARER_AUDIO },
		{ 7, GW_BEARER_UNSUPPORTED }, { 8, GW_BEARER_UNSUPPORTED }, { 9, GW_BEARER_UNSUPPORTED },
		{ 10, GW_BEARER_UNSUPPORTED }, { 0x10, GW_BEARER_UNSUPPORTED },
	};
	struct isup_msg iam;

	for (unsigned int i = 0; i < sizeof(tmr) / sizeof(tmr[0]); i++) {
		iam_with(&iam, ISUP_VARIANT_ITU, tmr[i].tmr, NULL, 0);
		CHECK(gw_bearer_from_iam(&iam) == tmr[i].want, "TMR %d -> bearer %d", tmr[i].tmr, tmr[i].want);
	}
	iam_with(&iam, ISUP_VARIANT_ITU, 3, udi, sizeof(udi));
	CHECK(gw_bearer_from_iam(&iam) == GW_BEARER_AUDIO, "TMR 3 with a USI UDI: the TMR decides (audio)");
	iam_with(&iam, ISUP_VARIANT_ANSI, -1, udi, sizeof(udi));
	CHECK(gw_bearer_from_iam(&iam) == GW_BEARER_UDI, "ANSI IAM (no TMR), USI 88 90 -> UDI");
	iam_with(&iam, ISUP_VARIANT_ANSI, -1, speech, sizeof(speech));
	CHECK(gw_bearer_from_iam(&iam) == GW_BEARER_AUDIO, "ANSI IAM, USI 80 90 a3 (speech) -> audio");
	iam_with(&iam, ISUP_VARIANT_ANSI, -1, udi_384, sizeof(udi_384));
	CHECK(gw_bearer_from_iam(&iam) == GW_BEARER_UNSUPPORTED, "ANSI IAM, USI UDI 384 kbit/s -> unsupported");
}

static void test_usi_and_sdp(void)
{
	struct isup_msg iam;
	const struct isup_param *p;
	struct sip_sdp sdp = { 0 };
	static const uint8_t speech[] = { 0x80, 0x90, 0xa3 };

	iam_with(&iam, ISUP_VARIANT_ITU, 2, NULL, 0);
	gw_bearer_set_usi_udi(&iam);
	p = isup_msg_find_const(&iam, ISUP_PRM_USI);
	CHECK(p && p->len == 2 && p->val[0] == 0x88 && p->val[1] == 0x90, "USI for TMR 2: 88 90 (Q.931 4.5.5)");
	iam_with(&iam, ISUP_VARIANT_ITU, 2, speech, sizeof(speech));
	gw_bearer_set_usi_udi(&iam);
	p = isup_msg_find_const(&iam, ISUP_PRM_USI);
	CHECK(p && p->len == 3 && p->val[0] == 0x80, "a USI already there is kept");

	sdp.codecs[0] = (struct sip_sdp_codec){ .codec = SIP_CODEC_CLEARMODE, .pt = 97 };
	sdp.num_codecs = 1;
	CHECK(gw_bearer_from_offer(&sdp) == GW_BEARER_UDI, "offer clearmode alone -> UDI");
	sdp.codecs[1] = (struct sip_sdp_codec){ .codec = SIP_CODEC_TELEPHONE_EVENT, .pt = 101 };
	sdp.num_codecs = 2;
	CHECK(gw_bearer_from_offer(&sdp) == GW_BEARER_UDI, "offer clearmode + telephone-event -> UDI");
	sdp.codecs[2] = (struct sip_sdp_codec){ .codec = SIP_CODEC_PCMA, .pt = 8 };
	sdp.num_codecs = 3;
	CHECK(gw_bearer_from_offer(&sdp) == GW_BEARER_AUDIO, "offer clearmode + PCMA -> audio (TMR 3)");
	CHECK(gw_bearer_sdp_usable(&sdp, true) && gw_bearer_sdp_usable(&sdp, false), "usable both ways");
	sdp.ptime = 20;
	gw_bearer_clearmode_sdp(&sdp, 97);
	CHECK(sdp.num_codecs == 1 && sdp.codecs[0].codec == SIP_CODEC_CLEARMODE && sdp.codecs[0].pt == 97 &&
	      sdp.codecs[0].rate == 8000 && sdp.ptime == 0, "local SDP: CLEARMODE/8000 PT 97 alone, no ptime");
	CHECK(!gw_bearer_sdp_usable(&sdp, false), "clearmode-only SDP unusable for an audio call");
}

int main(void)
{
	test_from_iam();
	test_usi_and_sdp();
	return fails ? 1 : 0;
}

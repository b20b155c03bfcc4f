/* Wires the SIP and ISUP capture hooks (sip/sip_capture.h, isup/isup_mtp.h) to the HEP exporter
 * (hep/hep.h) and supplies the correlation id: the SIP Call-ID, for ISUP the Call-ID of the call
 * on that circuit. ISUP goes out as HEP protocol type 8 (M2UA) with an M2UA DATA message carrying
 * the MTP3 MSU, the form Homer's ISUP decoding (Kamailio ss7ops isup_to_json(8), captagent's
 * protocol_ss7) reads: OPC/DPC/SI/SLS are in the MSU's routing label. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <osmocom/core/socket.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/bit16gen.h>
#include <osmocom/core/bit32gen.h>
#include <osmocom/core/utils.h>

#include "gw/call.h"
#include "gw/iwf.h"
#include "gw/isup_leg.h"
#include "gw/hep_wire.h"
#include "gw/vty_nodes.h"
#include "hep/hep.h"
#include "isup/isup_call.h"
#include "isup/isup_node_api.h"
#include "isup/isup_mtp.h"
#include "sip/sip.h"
#include "sip/sip_capture.h"

static struct gw_iwf *g_iwf;
static struct osmo_sockaddr g_m3ua_local, g_m3ua_peer;	/* the M3UA association's, refreshed by the poll */
static uint8_t g_m3ua_proto;
static struct osmo_timer_list g_poll;

/* the value of the Call-ID (or compact "i") header of a SIP message, into out */
static void sip_call_id(const char *buf, size_t len, char *out, size_t size)
{
	const char *p = buf, *end = buf + len, *eol, *v;

	out[0] = '\0';
	while (p < end) {
		eol = memchr(p, '\n', end - p);
		if (!eol)
			eol = end;
		if (eol - p <= 1)
			return;		/* the empty line before the body */
		v = NULL;
		if (eol - p > 8 && !strncasecmp(p, "Call-ID", 7) && (p[7] == ':' || p[7] == ' '))
			v = p + 7;
		else if (eol - p > 2 && (p[0] == 'i' || p[0] == 'I') && (p[1] == ':' || p[1] == ' '))
			v = p + 1;
		if (v) {
			while (v < eol && (*v == ' ' || *v == ':' || *v == '\t'))
				v++;
			snprintf(out, size, "%.*s", (int)(eol - v - (eol[-1] == '\r')), v);
			return;
		}
		p = eol + 1;
	}
}

static void sip_capture(const struct sip_trunk *trunk, bool tx, bool tcp, const struct osmo_sockaddr *peer,
			const char *buf, size_t len)
{
	struct osmo_sockaddr local = {};
	char call_id[256];
	struct hep_pkt p = {
		.ip_proto = tcp ? IPPROTO_TCP : IPPROTO_UDP,
		.proto_type = HEP_PROTO_SIP,
		.payload = (const uint8_t *)buf,
		.payload_len = len,
		.corr_id = call_id,
	};

	if (!hep_cfg()->enabled || !hep_cfg()->sip)
		return;
	local.u.sa.sa_family = peer->u.sa.sa_family;
	if (peer->u.sa.sa_family == AF_INET6) {
		inet_pton(AF_INET6, trunk->cfg.listen_addr, &local.u.sin6.sin6_addr);
		local.u.sin6.sin6_port = htons(trunk->cfg.listen_port);
	} else {
		inet_pton(AF_INET, trunk->cfg.listen_addr, &local.u.sin.sin_addr);
		local.u.sin.sin_port = htons(trunk->cfg.listen_port);
	}
	osmo_gettimeofday(&p.ts, NULL);
	sip_call_id(buf, len, call_id, sizeof(call_id));
	p.src = tx ? &local : peer;
	p.dst = tx ? peer : &local;
	hep_send(&p);
}

/* the Call-ID on (remote point code, CIC): kept on the circuit from the call's start until the
 * circuit is idle again (isup_call_set_corr); an egress IAM's from the call being set up */
static const char *isup_call_id(uint32_t remote_pc, uint16_t cic, bool tx)
{
	const char *id = isup_node_corr(g_iwf->isup, remote_pc, cic);

	return id ? id : tx ? gw_isup_leg_setup_corr() : NULL;
}

/* RFC 3331 3.3.1.1 M2UA DATA: common header, Interface Identifier (integer, 0), Protocol Data 1
 * = the MTP3 MSU: SIO (SI 5 + NI), ITU routing label (Q.704 2.2: DPC 14, OPC 14, SLS 4 bits,
 * least significant first), the ISUP message */
static size_t m2ua_data(uint8_t *out, size_t size, uint8_t ni, uint32_t opc, uint32_t dpc, uint8_t sls,
			const uint8_t *data, size_t len)
{
	size_t msu = 1 + 4 + len, pad = (4 - msu % 4) % 4, total = 8 + 8 + 4 + msu + pad;
	uint32_t label = (dpc & 0x3fff) | (opc & 0x3fff) << 14 | (uint32_t)(sls & 0xf) << 28;
	uint8_t *p = out;

	if (total > size)
		return 0;
	memset(out, 0, total);
	p[0] = 1; p[2] = 6; p[3] = 1;			/* version 1, class MAUP, type DATA */
	osmo_store32be(total, p + 4);
	osmo_store16be(0x0001, p + 8);			/* Interface Identifier (integer) */
	osmo_store16be(8, p + 10);
	osmo_store16be(0x0300, p + 16);			/* Protocol Data 1 */
	osmo_store16be(4 + msu, p + 18);
	p[20] = (ni & 3) << 6 | 5;
	osmo_store32le(label, p + 21);
	memcpy(p + 25, data, len);
	return total;
}

/* a received message: its time and its circuit's Call-ID before it is processed (the RLC's circuit
 * goes idle then), sent after it (the call a received IAM sets up has its Call-ID then) */
static struct {
	bool valid;
	struct timeval ts;
	char corr[sizeof(((struct gw_call *)0)->call_id)];
} g_rx;

static void isup_capture(struct isup_mtp *mtp, enum isup_mtp_capture what, uint32_t opc, uint32_t dpc, uint8_t sls,
			 const uint8_t *data, size_t len)
{
	static uint8_t buf[4096];
	struct hep_pkt p = { .proto_type = HEP_PROTO_M2UA, .payload = buf };
	bool tx = what == ISUP_CAPTURE_TX;
	uint16_t cic;
	const char *id;

	if (!hep_cfg()->enabled || !hep_cfg()->isup || !g_m3ua_local.u.sa.sa_family || len < 2)
		return;
	cic = osmo_load16le(data) & 0x0fff;
	if (what == ISUP_CAPTURE_RX_PRE) {
		osmo_gettimeofday(&g_rx.ts, NULL);
		id = isup_call_id(opc, cic, false);
		osmo_strlcpy(g_rx.corr, id ? id : "", sizeof(g_rx.corr));
		g_rx.valid = true;
		return;
	}
	p.ip_proto = g_m3ua_proto;
	p.payload_len = m2ua_data(buf, sizeof(buf), mtp->ni, opc, dpc, sls, data, len);
	if (!tx && g_rx.valid) {
		p.ts = g_rx.ts;
		p.corr_id = g_rx.corr[0] ? g_rx.corr : isup_call_id(opc, cic, false);
	} else {
		osmo_gettimeofday(&p.ts, NULL);
		p.corr_id = isup_call_id(tx ? dpc : opc, cic, tx);
	}
	if (!tx)
		g_rx.valid = false;
	if (!p.payload_len)
		return;
	p.src = tx ? &g_m3ua_local : &g_m3ua_peer;
	p.dst = tx ? &g_m3ua_peer : &g_m3ua_local;
	hep_send(&p);
}

/* the M3UA association's addresses (libosmo-sigtran 2.x does not tell them): the socket of the
 * ASP's osmo_io_fd, as the congestion control's queue walk finds it (isup_node_m3ua_fd); once a
 * second, so the capture path makes no system call of its own */
static void m3ua_addr_poll(void *data)
{
	int fd = hep_cfg()->enabled && hep_cfg()->isup ? isup_node_m3ua_fd(g_iwf->isup) : -1;
	struct osmo_sockaddr l, r;
	socklen_t ll = sizeof(l.u.sas), rl = sizeof(r.u.sas), ol;
	int proto;

	ol = sizeof(proto);
	if (fd >= 0 && getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &ol) == 0
	    && getsockname(fd, &l.u.sa, &ll) == 0 && getpeername(fd, &r.u.sa, &rl) == 0) {
		g_m3ua_proto = proto;
		g_m3ua_local = l;
		g_m3ua_peer = r;
	}
	osmo_timer_schedule(&g_poll, 1, 0);
}

void gw_hep_vty_init(struct gw_iwf *iwf)
{
	g_iwf = iwf;
	hep_vty_init(iwf->ctx, HEP_NODE);
}

int gw_hep_start(struct gw_iwf *iwf)
{
	if (hep_start(iwf->ctx) < 0)
		return -1;
	sip_capture_hook = sip_capture;
	isup_mtp_capture_hook = isup_capture;
	osmo_timer_setup(&g_poll, m3ua_addr_poll, NULL);
	m3ua_addr_poll(NULL);
	return 0;
}

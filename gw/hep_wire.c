/* Wires the SIP and ISUP capture hooks (sip/sip_capture.h, isup/isup_mtp.h) to the HEP exporter
 * (hep/hep.h) and supplies the correlation id: the SIP Call-ID, for ISUP the Call-ID of the call
 * on that circuit. ISUP goes out as HEP protocol type 8 (M2UA) with an M2UA DATA message carrying
 * the MTP3 MSU, the form Homer's ISUP decoding (Kamailio ss7ops isup_to_json(8), captagent's
 * protocol_ss7) reads: OPC/DPC/SI/SLS are in the MSU's routing label. */
#include <dirent.h>
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
#include "gw/hep_wire.h"
#include "gw/vty_nodes.h"
#include "hep/hep.h"
#include "isup/cgroup.h"
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

/* the Call-ID of the call on (remote point code, CIC), NULL if none */
static const char *isup_call_id(uint32_t remote_pc, uint16_t cic)
{
	struct isup_cgroup *cg = cgroup_find_by_dpc_cic(g_iwf->isup, remote_pc, cic);
	struct gw_call *c;

	if (!cg)
		return NULL;
	llist_for_each_entry(c, &g_iwf->calls, list)
		if (c->cic == cic && !strcmp(c->group, cg->name) && c->call_id[0])
			return c->call_id;
	return NULL;
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

static void isup_capture(struct isup_mtp *mtp, bool tx, uint32_t opc, uint32_t dpc, uint8_t sls,
			 const uint8_t *data, size_t len)
{
	static uint8_t buf[4096];
	struct hep_pkt p = { .proto_type = HEP_PROTO_M2UA, .payload = buf };

	if (!hep_cfg()->enabled || !hep_cfg()->isup || !g_m3ua_local.u.sa.sa_family || len < 2)
		return;
	p.ip_proto = g_m3ua_proto;
	p.payload_len = m2ua_data(buf, sizeof(buf), mtp->ni, opc, dpc, sls, data, len);
	if (!p.payload_len)
		return;
	osmo_gettimeofday(&p.ts, NULL);
	p.corr_id = isup_call_id(tx ? dpc : opc, osmo_load16le(data) & 0x0fff);
	p.src = tx ? &g_m3ua_local : &g_m3ua_peer;
	p.dst = tx ? &g_m3ua_peer : &g_m3ua_local;
	hep_send(&p);
}

/* the port a socket of ours listens on, or that of a listening socket (VTY, CTRL, SIP/TCP) */
static bool port_listened(const uint16_t *ports, int n, uint16_t port)
{
	int i;

	for (i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

/* one pass over our sockets: listening ports into ports[], a connected SCTP (else TCP) socket
 * that is no accepted connection of a listener into *l / *r; returns 2 (SCTP), 1 (TCP) or 0 */
static int scan_fds(DIR *d, bool listeners, uint16_t *ports, int *n, struct osmo_sockaddr *l,
		    struct osmo_sockaddr *r)
{
	struct dirent *de;
	struct osmo_sockaddr a, b;
	socklen_t sl, rl, ol;
	int fd, proto, acc, found = 0;

	rewinddir(d);
	while ((de = readdir(d))) {
		fd = atoi(de->d_name);
		ol = sizeof(proto);
		if (de->d_name[0] == '.' || fd == dirfd(d)
		    || getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &ol) < 0
		    || (proto != IPPROTO_SCTP && proto != IPPROTO_TCP))
			continue;
		ol = sizeof(acc);
		sl = rl = sizeof(a.u.sas);
		if (getsockname(fd, &a.u.sa, &sl) < 0 || getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &ol) < 0)
			continue;
		if (listeners) {
			if (acc && *n < 32)
				ports[(*n)++] = osmo_sockaddr_port(&a.u.sa);
			continue;
		}
		if (acc || getpeername(fd, &b.u.sa, &rl) < 0 || port_listened(ports, *n, osmo_sockaddr_port(&a.u.sa)))
			continue;
		if (found < (proto == IPPROTO_SCTP ? 2 : 1)) {
			found = proto == IPPROTO_SCTP ? 2 : 1;
			*l = a;
			*r = b;
		}
	}
	return found;
}

/* the M3UA association's addresses (libosmo-sigtran 2.x does not tell them): our connected SCTP
 * socket, else TCP (the lab's M3UA), that is no accepted VTY/CTRL/SIP connection; once a second,
 * so the capture path makes no system call of its own */
static void m3ua_addr_poll(void *data)
{
	/* nothing to look for while ISUP is not exported (the node may turn it on later) */
	DIR *d = hep_cfg()->enabled && hep_cfg()->isup ? opendir("/proc/self/fd") : NULL;
	uint16_t ports[32];
	int n = 0;
	struct osmo_sockaddr l, r;

	if (d) {
		scan_fds(d, true, ports, &n, NULL, NULL);
		int found = scan_fds(d, false, ports, &n, &l, &r);
		if (found) {
			g_m3ua_proto = found == 2 ? IPPROTO_SCTP : IPPROTO_TCP;
			g_m3ua_local = l;
			g_m3ua_peer = r;
		}
		closedir(d);
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

/* SIP receive overload: the fill of the UDP trunks' kernel receive buffers.
 *
 * A gateway that falls behind reading its SIP sockets (CPU taken by a burst, a stalled host)
 * first queues datagrams in the kernel, then loses them at a full buffer: requests and ACKs that
 * cost retransmissions, dialogs that end by Timer F or the 2xx retransmission timeout. Before
 * that, while the buffer of a UDP trunk is filled to 'onset' percent or more, the application
 * refuses new INVITEs (503, RFC 3261 21.5.4) until every buffer is down to 'abatement'
 * percent: the calls in progress get the time to catch up. The fill is the kernel's own count
 * (SO_MEMINFO: the memory charged for the queued datagrams against SO_RCVBUF). */
#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/sock_diag.h>

#include <osmocom/core/logging.h>

#include "sip/sip_internal.h"

static int udp_fill_pct(int fd)
{
	uint32_t mi[SK_MEMINFO_VARS] = { 0 };
	socklen_t len = sizeof(mi);

	if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &len) < 0 || !mi[SK_MEMINFO_RCVBUF])
		return -1;
	return (int)((uint64_t)mi[SK_MEMINFO_RMEM_ALLOC] * 100 / mi[SK_MEMINFO_RCVBUF]);
}

int sip_ua_rx_fill_pct(struct sip_ua *ua)
{
	struct sip_trunk *trunk;
	int max = -1;

	llist_for_each_entry(trunk, &ua->trunks, list) {
		int pct;
		if (trunk->cfg.transport != SIP_TRANSPORT_UDP || !trunk->st)
			continue;
		pct = udp_fill_pct(trunk->st->ofd.fd);
		if (pct > max)
			max = pct;
	}
	return max;
}

bool sip_ua_rx_overloaded(struct sip_ua *ua)
{
	int fill;

	if (!ua->rx_onset_pct)
		return false;
	fill = sip_ua_rx_fill_pct(ua);
	if (!ua->rx_overloaded && fill >= (int)ua->rx_onset_pct) {
		ua->rx_overloaded = true;
		ua->rx_overload_onsets++;
		LOGP(DSIP, LOGL_NOTICE, "receive overload onset: a UDP receive buffer %d%% full (>= %u%%): "
		     "new INVITEs refused\n", fill, ua->rx_onset_pct);
	} else if (ua->rx_overloaded && fill <= (int)ua->rx_abate_pct) {
		ua->rx_overloaded = false;
		LOGP(DSIP, LOGL_NOTICE, "receive overload abatement: UDP receive buffers at most %d%% full "
		     "(<= %u%%): new INVITEs admitted\n", fill, ua->rx_abate_pct);
	}
	return ua->rx_overloaded;
}

int sip_ua_set_rx_overload(struct sip_ua *ua, unsigned int onset_pct, unsigned int abate_pct)
{
	if (onset_pct > 100 || (onset_pct && abate_pct >= onset_pct))
		return -EINVAL;
	ua->rx_onset_pct = onset_pct;
	ua->rx_abate_pct = abate_pct;
	if (!onset_pct)
		ua->rx_overloaded = false;
	return 0;
}

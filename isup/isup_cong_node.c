/* Automatic congestion control at the node: the "congestion" lines of the "isup" node and the
 * queries of the layer above (isup_node_api.h). */
#include <stdlib.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "isup/isup_vty.h"
#include "isup/isup_node.h"
#include "isup/isup_cong.h"

bool isup_node_congested(struct isup_node *node)
{
	return node->mtp && isup_cong_congested(node->mtp);
}

int isup_node_m3ua_fd(struct isup_node *node)
{
	return node->mtp ? node->mtp->cong.asp_fd : -1;
}

unsigned int isup_node_txq_fill(struct isup_node *node, unsigned int *max)
{
	if (!node->mtp) {
		*max = ISUP_CONG_TXQ_DEFAULT_MAX;
		return 0;
	}
	isup_cong_congested(node->mtp);
	*max = node->mtp->cong.max;
	return node->mtp->cong.fill;
}

unsigned int isup_node_txq_len(struct isup_node *node)
{
	return node->mtp ? isup_cong_txq_len(node->mtp) : 0;
}

unsigned int isup_node_tx_flush(struct isup_node *node)
{
	return node->mtp ? isup_cong_txq_flush(node->mtp) : 0;
}

void isup_node_round_end(void *node)
{
	isup_node_tx_flush(node);
}

static void cong_cfg_apply(struct isup_node *node)
{
	if (node->mtp)
		isup_cong_set_cfg(node->mtp, &node->cfg.cong);
}

/* one value of the node's congestion config (the range is the command's) */
static int cong_set(struct vty *vty, unsigned int *field, const char *arg)
{
	*field = atoi(arg);
	cong_cfg_apply(vty->index);
	return CMD_SUCCESS;
}

#define CONG_CFG(vty) (&((struct isup_node *)(vty)->index)->cfg.cong)

DEFUN(cfg_isup_cong, cfg_isup_cong_cmd, "congestion onset <1-100> abatement <0-99>",
      "Automatic congestion control from the M3UA transmit queue (Q.764 2.11)\n"
      "Congested from this fill on: new IAMs get REL cause 42, new INVITEs 503\n" "Percent of the queue maximum\n"
      "Not congested again at or below this fill\n" "Percent of the queue maximum (below the onset)\n")
{
	struct isup_node *node = vty->index;
	unsigned int onset = atoi(argv[0]), abate = atoi(argv[1]);

	if (abate >= onset) {
		vty_out(vty, "%% congestion: abatement %u%% must be below the onset %u%%%s", abate, onset, VTY_NEWLINE);
		return CMD_WARNING;
	}
	node->cfg.cong.onset_pct = onset;
	node->cfg.cong.abate_pct = abate;
	cong_cfg_apply(node);
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_cong_txq, cfg_isup_cong_txq_cmd, "congestion tx-queue-max <64-1000000>",
      "Automatic congestion control from the M3UA transmit queue (Q.764 2.11)\n"
      "Maximum of each ASP's transmit queue (osmo_io; its default is 1024)\n" "Messages\n")
{
	return cong_set(vty, &CONG_CFG(vty)->txq_max, argv[0]);
}

DEFUN(cfg_isup_cong_sndbuf, cfg_isup_cong_sndbuf_cmd, "congestion tx-socket-buffer <4096-16777216>",
      "Automatic congestion control from the M3UA transmit queue (Q.764 2.11)\n"
      "SO_SNDBUF of each ASP socket: bounds the kernel's buffering below the queue (else Linux's autotuning may hold megabytes)\n"
      "Bytes\n")
{
	return cong_set(vty, &CONG_CFG(vty)->sndbuf, argv[0]);
}

DEFUN(cfg_isup_cong_defer, cfg_isup_cong_defer_cmd, "congestion release-defer <1-100>",
      "Automatic congestion control from the M3UA transmit queue (Q.764 2.11)\n"
      "From this fill on a REL is not queued: its T1 repetition sends it (room for calls in progress)\n"
      "Percent of the queue maximum (at or above the onset)\n")
{
	return cong_set(vty, &CONG_CFG(vty)->rel_defer_pct, argv[0]);
}

void isup_cong_vty_write(struct vty *vty, const struct isup_node *node)
{
	const struct isup_cong_cfg *c = &node->cfg.cong;
	vty_out(vty, " congestion onset %u abatement %u%s", c->onset_pct, c->abate_pct, VTY_NEWLINE);
	vty_out(vty, " congestion release-defer %u%s", c->rel_defer_pct, VTY_NEWLINE);
	if (c->txq_max)
		vty_out(vty, " congestion tx-queue-max %u%s", c->txq_max, VTY_NEWLINE);
	if (c->sndbuf)
		vty_out(vty, " congestion tx-socket-buffer %u%s", c->sndbuf, VTY_NEWLINE);
}

void isup_cong_vty_init(void)
{
	install_element(ISUP_NODE, &cfg_isup_cong_cmd);
	install_element(ISUP_NODE, &cfg_isup_cong_txq_cmd);
	install_element(ISUP_NODE, &cfg_isup_cong_sndbuf_cmd);
	install_element(ISUP_NODE, &cfg_isup_cong_defer_cmd);
}

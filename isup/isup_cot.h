/* The check-tone transceiver of the outgoing continuity check (Q.764 2.1.8, Q.724 7.4), as the
 * circuit layer sees it: the application (which owns the media) connects a transceiver to a
 * circuit's bearer when asked and tells when the check tone came back. The circuit layer runs the
 * procedure: NCI "continuity check required" in the IAM, T24, COT success / failure, the re-test
 * with CCR (T25, then every T26). No media code here: the layers point down only. */
#pragma once

#include <stdint.h>

struct isup_node;

struct isup_cot_ops {
	/* Connect a transceiver to the circuit's bearer (the RTP endpoint "ip:port" of the CIC)
	 * and send the check tone; call isup_cot_tone_returned(token) once the tone is received
	 * back (at most once per connect). Returns the application's handle, NULL when no
	 * transceiver can be connected (the check then fails at T24). */
	void *(*connect)(const char *group, uint16_t cic, const char *bearer, void *token, void *app);
	/* Disconnect it (tone stopped, no callback afterwards) */
	void (*disconnect)(void *handle, void *app);
};

/* Register the application's transceiver (one per node). Without it the gateway never asks
 * for a continuity check (the group's "continuity-check" setting is not applied). */
void isup_cot_register(struct isup_node *node, const struct isup_cot_ops *ops, void *app);

/* The check tone came back on the transceiver connected with this token */
void isup_cot_tone_returned(void *token);

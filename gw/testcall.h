/* Minimal call application on top of the ISUP call API (isup/isup_call.h), for tests and
 * bring-up before the SIP interworking exists: answers / rejects incoming calls per the VTY
 * ("test-call-app ..." in the isup node) and originates calls ("isup originate ..."). */
#pragma once

struct isup_node;

void testcall_init(void *ctx, struct isup_node *node);

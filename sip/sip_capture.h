/* Capture hook (e.g. HEP export, set by the layer above): every SIP message this UA sends or
 * receives, with the peer's address. NULL (the default): nothing is captured. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct sip_trunk;
struct osmo_sockaddr;

typedef void (*sip_capture_fn)(const struct sip_trunk *trunk, bool tx, bool tcp, const struct osmo_sockaddr *peer,
			       const char *buf, size_t len);
extern sip_capture_fn sip_capture_hook;

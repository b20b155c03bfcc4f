#!/bin/sh
# Notify script of an HA pair node (sipt-gw 'ha' / 'notify-script PATH'; README "Several nodes",
# "The service address"): sipt-gw runs it as 'PATH active|standby|down' on every role change of
# its M3UA ASP (and 'down' once at start and at a graceful stop), asynchronously, killed after
# gw X40 (5 s). It moves the service address: added on this node when it becomes active (then
# an unsolicited ARP so that the neighbours' caches point at this node at once), removed when it
# is standby or down. Exit status 0 on success (sipt-gw logs and counts the status).
#
# Settings, from the environment (sipt-gw passes its own on) or from the file named by
# SIPT_GW_HA_ENV (e.g. /etc/default/sipt-gw-ha):
#   SIPT_GW_SVC_ADDR   the service address (IPv4, no prefix length: added as /32)
#   SIPT_GW_SVC_DEV    the interface (default eth0)
#   SIPT_GW_SVC_LOG    a file to append one line per run to (default: none)
# With keepalived in production, keepalived moves the address and this script is not needed
# (config/keepalived-sipt-gw.conf); the role file is what keepalived reads.
set -u
role=${1:-}
[ -n "${SIPT_GW_HA_ENV:-}" ] && [ -r "$SIPT_GW_HA_ENV" ] && . "$SIPT_GW_HA_ENV"
addr=${SIPT_GW_SVC_ADDR:-}
dev=${SIPT_GW_SVC_DEV:-eth0}
log=${SIPT_GW_SVC_LOG:-/dev/null}
[ -n "$addr" ] || { echo "sipt-gw-ha-notify: SIPT_GW_SVC_ADDR is not set" >&2; exit 2; }
t0=$(date +%s.%N)
rc=0
case "$role" in
active)
	# replace: idempotent (a second 'active' is no error)
	ip addr replace "$addr/32" dev "$dev" || rc=1
	t1=$(date +%s.%N)
	# RFC 5227 3 / RFC 5944 4.6: a gratuitous ARP announcement updates the caches that hold
	# the address with the old node's MAC (the lab namespace, the exchange's media gateway)
	# (arping sends at once, then waits a second for replies that never come to an
	# announcement: in the background, bounded by -c 1 -w 2, so that the script returns now)
	if [ $rc = 0 ] && command -v arping >/dev/null 2>&1; then
		arping -q -U -c 1 -w 2 -I "$dev" "$addr" < /dev/null > /dev/null 2>&1 &
	fi;;
standby|down)
	ip addr del "$addr/32" dev "$dev" 2>/dev/null
	t1=$(date +%s.%N);;
*)
	echo "usage: $0 active|standby|down" >&2; exit 2;;
esac
echo "$t0 $t1 $(date +%s.%N) $role $addr $dev rc=$rc" >> "$log"
exit $rc

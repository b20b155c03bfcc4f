# Network namespaces for an HA pair whose service address moves (issue 19 point 4; README
# "Several nodes", "The service address"). Source it from a test (bash) or from scripts/lab.d.
#
#   netns_pair_create     three namespaces, unique per run (names from LAB_BASE and the PID):
#                         $NS_LAB  the lab: OsmoSTP, exchanges, Kamailio, Redis, SIPp (127.0.0.x
#                                  on its lo) and the bridge $NS_BR with $NS_GW (x.y.z.1/24)
#                         $NS_N1, $NS_N2  one per node: lo, eth0 = $NS_N1_IP / $NS_N2_IP (.2, .3)
#                                  joined to the bridge by a veth pair (v1 / v2 on the lab side),
#                                  net.ipv4.ip_nonlocal_bind=1 (the standby binds the service
#                                  address before it holds it)
#                         $NS_SVC  the service address (.100) for the notify script to move
#                         The /24 is 10.A.B.0 from LAB_BASE (each run has its own lab namespace
#                         and bridge, so even equal subnets would not meet; distinct ones keep the
#                         captures readable). Works when the caller is itself in a namespace
#                         (tests/run inside 'ip netns exec h-...'): the names are global, hence
#                         unique; the namespaces are new ones, not children of the caller's.
#   netns_pair_delete     kills what still runs in them (only our namespaces) and deletes them
#   netns_run_inside SCRIPT [ARGS]  the caller's script again inside $NS_LAB, the namespaces
#                         deleted afterwards whatever happens (EXIT/INT/TERM trap); returns its
#                         status. Inside, NETNS_INSIDE=1 and the NS_* variables are set.
#   nsx NS CMD...         CMD in namespace NS (ip netns exec); for a daemon in the background
#                         call 'ip netns exec NS CMD &' itself, so that $! is CMD's own pid
#                         (ip netns exec execs; a backgrounded function would be a subshell)
# What the nodes reach in the lab namespace must listen on $NS_GW (or 0.0.0.0): OsmoSTP's
# 'listen m3ua ... local-ip 0.0.0.0' and its node ASPs' remote-ip $NS_N1_IP / $NS_N2_IP,
# redis-server --bind $NS_GW --protected-mode no; a node's VTY stays on its own 127.0.0.1:
# 'ip netns exec $NS_N1 python3 tests/lib/vty.py PORT ...' (tests/cluster/service-address.test).
#   netns_has_addr NS IP  the address is on an interface of NS
set -u
LAB_BASE=${LAB_BASE:-$(( 21000 + (RANDOM % 400) * 10 ))}
export LAB_BASE

netns_names() {
	local x=$(( (LAB_BASE / 10) % 65536 ))
	NS_TAG=${NS_TAG:-sgw$LAB_BASE-$$}
	NS_LAB=$NS_TAG-lab NS_N1=$NS_TAG-n1 NS_N2=$NS_TAG-n2 NS_BR=br0
	NS_NET=10.$(( x / 256 )).$(( x % 256 ))
	NS_GW=$NS_NET.1 NS_N1_IP=$NS_NET.2 NS_N2_IP=$NS_NET.3 NS_SVC=$NS_NET.100
	export NS_TAG NS_LAB NS_N1 NS_N2 NS_BR NS_NET NS_GW NS_N1_IP NS_N2_IP NS_SVC
}

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

netns_has_addr() { ip -n "$1" -4 -o addr show 2>/dev/null | awk '{print $4}' | grep -qx "$2/32\|$2/24"; }

# node namespace NS with address IP on eth0, its veth peer VETH on the lab's bridge
netns_node() {
	local ns=$1 ip=$2 veth=$3
	ip netns add "$ns" || return 1
	ip -n "$ns" link set lo up
	ip -n "$NS_LAB" link add "$veth" type veth peer name eth0 netns "$ns" || return 1
	ip -n "$NS_LAB" link set "$veth" master "$NS_BR" up
	ip -n "$ns" addr add "$ip/24" dev eth0
	ip -n "$ns" link set eth0 up
	nsx "$ns" sysctl -qw net.ipv4.ip_nonlocal_bind=1
}

netns_pair_create() {
	netns_names
	netns_pair_delete
	ip netns add "$NS_LAB" || { echo "# netns: cannot create $NS_LAB"; return 1; }
	ip -n "$NS_LAB" link set lo up
	ip -n "$NS_LAB" link add "$NS_BR" type bridge
	# no STP on the bridge (forwarding at once), no multicast snooping delays
	ip -n "$NS_LAB" link set "$NS_BR" type bridge stp_state 0 forward_delay 0 2>/dev/null
	ip -n "$NS_LAB" addr add "$NS_GW/24" dev "$NS_BR"
	ip -n "$NS_LAB" link set "$NS_BR" up
	netns_node "$NS_N1" "$NS_N1_IP" v1 && netns_node "$NS_N2" "$NS_N2_IP" v2 || {
		echo "# netns: cannot create the node namespaces"; netns_pair_delete; return 1; }
}

netns_pair_delete() {
	local ns pids
	[ -n "${NS_LAB:-}" ] || return 0
	for ns in "$NS_N1" "$NS_N2" "$NS_LAB"; do
		[ -e "/run/netns/$ns" ] || continue
		# what still runs in one of our namespaces is ours (started by this run)
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -z "$pids" ] || kill -KILL $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

NETNS_CHILD=""
netns_on_signal() {
	[ -z "$NETNS_CHILD" ] || kill -TERM "$NETNS_CHILD" 2>/dev/null
	local i
	for ((i = 0; i < 100; i++)); do kill -0 "$NETNS_CHILD" 2>/dev/null || break; sleep 0.1; done
	netns_pair_delete
	exit 1
}

netns_run_inside() {
	local rc
	netns_pair_create || { echo "1..1"; echo "not ok netns: the namespaces of the pair"; return 0; }
	trap netns_pair_delete EXIT
	trap netns_on_signal INT TERM
	# in the background, so that a signal to us is handled at once (wait returns)
	NETNS_INSIDE=1 ip netns exec "$NS_LAB" "$@" &
	NETNS_CHILD=$!
	wait "$NETNS_CHILD"; rc=$?
	NETNS_CHILD=""
	netns_pair_delete
	trap - EXIT INT TERM
	return $rc
}

# scripts/lab --cluster (sourced by scripts/lab; B = the build directory, top = the source tree):
# the issue 19 lab on loopback. OsmoSTP (config/osmo-stp-cluster.cfg), Redis, Kamailio
# (config/kamailio-dispatcher.cfg), the HA pair on PC 0.23.2 (config/sipt-gw-ha1/ha2-cluster.cfg:
# 127.0.0.2 and 127.0.0.6, PSTN-side media on 127.0.0.7 shared by both), gateway B on PC 0.23.4
# (config/sipt-gw-b-cluster.cfg), exchanges A (0.23.3) and B (0.23.5) as isup-peer, the SIP core
# behind Kamailio (SIPp UAS for ISUP -> SIP, SIPp UAC for SIP -> ISUP, both -rtp_echo) and the
# PSTN side of the media (rtp-pstn, scripts/lab.d/rtp-pstn.c). Places the held calls (through both
# point codes both ways), new calls at CPS while it SIGKILLs the active node of the pair, releases
# the held calls from both sides, then scripts/lab.d/cluster_check.py judges from the capture
# (tshark), the exchanges' steps, SIPp's statistics and the RTP probe's report.
# Options (scripts/lab --help): --calls N, --cps R, --rtp N, --survive-pct P, --takeover-max S.
set -u
CL="$top/scripts/lab.d"
# network namespaces where the address must move (tests/lib/netns.sh): the lab's namespace for
# everything but the nodes (OsmoSTP, Redis, Kamailio, gateway B, the exchanges, SIPp, the RTP
# probe: 127.0.0.x on its lo, the bridge address $NS_GW), one namespace per node of the pair on
# the bridge; the pair's SIP side and its PSTN-side media on the service address $NS_SVC, which
# the notify script (config/sipt-gw-ha-notify.sh) adds on the active node. --one-netns: the pair
# in the caller's namespace on 127.0.0.2 / 127.0.0.6, PSTN media on 127.0.0.7 shared by both.
NETNS=1
[ -z "${cl_one_netns:-}" ] && [ -f "$top/tests/lib/netns.sh" ] || NETNS=0
if [ $NETNS = 1 ] && [ -z "${NETNS_INSIDE:-}" ]; then
	[ -n "${LAB_BASE:-}" ] || export CL_NO_LAB_BASE=1	# netns.sh picks one for the names only
	. "$top/tests/lib/netns.sh"
	netns_run_inside "$top/scripts/lab" "${lab_args[@]}" --short --build "$B"
	exit $?
fi
[ -z "${CL_NO_LAB_BASE:-}" ] || unset LAB_BASE
L=$(mktemp -d /tmp/sipt-lab-cluster.XXXXXX)
if [ -n "${LAB_BASE:-}" ]; then
	M3UA=$LAB_BASE STPV=$((LAB_BASE + 1)) V1=$((LAB_BASE + 2)) V2=$((LAB_BASE + 3)) VB=$((LAB_BASE + 4))
	REDIS=$((LAB_BASE + 9)) KAM=$((LAB_BASE + 20)) LB=$((LAB_BASE + 21)) CORE=$((LAB_BASE + 22))
	UAC=$((LAB_BASE + 23))
else
	M3UA=2905 STPV=4239 V1=4260 V2=4261 VB=4262 REDIS=6390 KAM=5070 LB=5064 CORE=5080 UAC=5081
fi
if [ $NETNS = 1 ]; then
	. "$top/tests/lib/netns.sh"		# nsx; the NS_* names come from the caller
	N1_IP=$NS_N1_IP N2_IP=$NS_N2_IP SIP1=$NS_SVC SIP2=$NS_SVC LABGW=$NS_GW SVC=$NS_SVC
else
	N1_IP=127.0.0.2 N2_IP=127.0.0.6 SIP1=127.0.0.2 SIP2=127.0.0.6 LABGW=127.0.0.1 SVC=127.0.0.7
fi
PROBE=41990 PSTN_BASE=42000 PSTN_STEP=2	# as in the -cluster configs (fixed: one cluster lab per machine)
CORE_MP=45000 UAC_MP=45010		# SIPp -rtp_echo (it binds PORT and PORT + 2)
N=${cl_calls:-40} R=${cl_cps:-20}
H1=$((N / 2)) H2=$((N / 4)); H3=$((N - H1 - H2))	# held: A -> pair, B -> gateway B, core -> Kamailio
SETUP_CPS=${cl_setup_cps:-$(( N < 50 ? 20 : 50 ))}
NEW_S=8					# new calls: NEW_S seconds at R CPS, the kill 2 s into them
NEW=$((R * NEW_S))
[ $H1 -ge 1 ] && [ $H3 -ge 1 ] && [ $N -le 700 ] || { echo "scripts/lab --cluster: --calls 4-700"; exit 2; }
[ "$R" -ge 1 ] && [ "$R" -le 300 ] || { echo "scripts/lab --cluster: --cps 1-300"; exit 2; }
LOAD_FIRST=$((H1 + 1)) LOAD_LAST=$((1023 - H3 - 8))	# the pair selects egress CICs from the top
RTP_N=${cl_rtp:-$N}
pids=() gw_pids=()
kill_node1=""

# a process and its descendants (timeout -> sipp, kamailio's children ...)
tree() { local p c; for p in "$@"; do [ -n "$p" ] || continue; echo $p; for c in $(ps -o pid= --ppid $p 2>/dev/null); do tree $c; done; done; }
cl_stop() {	# gateways SIGTERM (each releases its calls, exits 0), then the rest
	local rc=$? p i alive st bad=""
	trap - EXIT INT TERM
	for p in "${gw_pids[@]}"; do [ "$p" = "$kill_node1" ] || kill -TERM "$p" 2>/dev/null; done
	for ((i = 0; i < 150; i++)); do
		alive=0
		for p in "${gw_pids[@]}"; do [ "$p" != "$kill_node1" ] && kill -0 "$p" 2>/dev/null && alive=1; done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for p in "${gw_pids[@]}"; do
		[ "$p" = "$kill_node1" ] && { wait "$p" 2>/dev/null; continue; }
		if kill -0 "$p" 2>/dev/null; then kill -KILL "$p"; bad+=" a gateway still running 15 s after SIGTERM;"; fi
		wait "$p" 2>/dev/null; st=$?
		[ $st = 0 ] || bad+=" a gateway exited with status $st;"
	done
	# the rest with their descendants: a SIGTERM to 'timeout' alone could leave its SIPp behind
	local all=()
	for p in "${pids[@]}"; do all+=($(tree "$p")); done
	for p in "${all[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for ((i = 0; i < 50; i++)); do
		alive=0
		for p in "${all[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for p in "${all[@]}"; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	for p in "$L"/node*.log "$L"/gw-b.log "$L"/ex-*.log; do
		[ -f "$p" ] && grep -qE 'ERROR: [A-Za-z]+Sanitizer|SUMMARY: [A-Za-z]+Sanitizer|runtime error:' "$p" && bad+=" sanitizer report in $p;"
	done
	if [ -n "$bad" ]; then
		echo "lab stopped: FAILED:$bad logs, captures and configs in $L"
		[ $rc -ne 0 ] || rc=1
	else
		echo "lab stopped (gateways exited 0 after SIGTERM, no sanitizer report); logs, captures and configs in $L"
	fi
	exit $rc
}
trap cl_stop EXIT
trap 'exit 130' INT TERM
vty() {	# PORT CMD...: a node's VTY inside its namespace
	local ns=""
	if [ $NETNS = 1 ]; then case $1 in $V1) ns=$NS_N1;; $V2) ns=$NS_N2;; esac; fi
	${ns:+ip netns exec $ns} timeout 10 python3 "$top/tests/lib/vty.py" "$@"
}
say() { echo "$(date +%T) $*"; }
# CPU of each process (its whole tree: timeout/kamailio children), clock ticks, at a mark
cpu_snap() {	# MARK: one line per process "MARK NAME TICKS" into cpu.txt
	local n p t x
	for n in node1:$node1 node2:$node2 gw-b:$gwb osmo-stp:$stp_pid redis:$redis_pid kamailio:$kam_pid \
		ex-a:$exa_pid ex-b:$exb_pid sipp-uas:$uas_pid sipp-uac:$uac_pid rtp-pstn:$rtp_pid; do
		t=0
		for p in $(tree ${n#*:}); do
			x=$(awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null) && t=$((t + x))
		done
		echo "$1 ${n%%:*} $t $(date +%s.%N)" >> "$L/cpu.txt"
	done
}
for port in $M3UA $STPV $V1 $V2 $VB $REDIS; do
	if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
		echo "port $port on 127.0.0.1 is in use (another lab running? LAB_BASE=N moves the ports)"; exit 1
	fi
done
for t in osmo-stp redis-server kamailio kamcmd sipp dumpcap tshark cc; do
	command -v $t > /dev/null || { echo "scripts/lab --cluster: $t missing (scripts/setup-deps)"; exit 1; }
done
cc -O2 -o "$L/rtp-pstn" "$CL/rtp-pstn.c" || { echo "rtp-pstn did not build"; exit 1; }

# --- configs: this lab's ports
cfg() {	# SRC DST
	sed -e "s/\b2905\b/$M3UA/g" -e "s/ 4239$/ $STPV/" -e "s/ 4260$/ $V1/" -e "s/ 4261$/ $V2/" -e "s/ 4262$/ $VB/" \
	    -e "s/ 5064$/ $LB/" -e "s/^  peer 127.0.0.1 5070$/  peer 127.0.0.1 $KAM/" -e "s/ redis 127.0.0.1 6390$/ redis 127.0.0.1 $REDIS/" \
	    "$top/config/$1" > "$L/$2"
}
cfg osmo-stp-cluster.cfg stp.cfg
cfg sipt-gw-ha1-cluster.cfg node1.cfg
cfg sipt-gw-ha2-cluster.cfg node2.cfg
cfg sipt-gw-b-cluster.cfg gw-b.cfg
if [ $NETNS = 1 ]; then	# the nodes on the bridge, their SIP side and PSTN media on the service address
	for n in 1 2; do
		ip=NS_N${n}_IP
		sed -i -e "s/^  remote-ip 127.0.0.1\$/  remote-ip $NS_GW/" -e "s/^  local-ip 127.0.0.[26]\$/  local-ip ${!ip}/" \
		    -e "s/^  listen 127.0.0.[26] $LB\$/  listen $NS_SVC $LB/" -e "s/^  peer 127.0.0.1 $KAM\$/  peer $NS_GW $KAM/" \
		    -e "s/^ media rtp-range 127.0.0.[26] / media rtp-range ${!ip} /" \
		    -e "s/^ media pstn-local exchange-a 127.0.0.7 / media pstn-local exchange-a $NS_SVC /" \
		    -e "s/ bearer 127.0.0.3 $PROBE 0\$/ bearer $NS_GW $PROBE 0/" -e "s/^ redis 127.0.0.1 / redis $NS_GW /" "$L/node$n.cfg"
		printf ' role-file %s\n notify-script %s\n' "$L/role-n$n" "$top/config/sipt-gw-ha-notify.sh" >> "$L/node$n.cfg"
	done
	sed -i -e "/^ listen m3ua/,/^ asp /s/local-ip 127.0.0.1/local-ip 0.0.0.0/" \
		-e "/^ asp asp-gw-a1 /,/transport-role/{s/remote-ip .*/remote-ip $NS_N1_IP/;s/local-ip .*/local-ip $NS_GW/}" \
		-e "/^ asp asp-gw-a2 /,/transport-role/{s/remote-ip .*/remote-ip $NS_N2_IP/;s/local-ip .*/local-ip $NS_GW/}" "$L/stp.cfg"
	grep -q "listen $NS_SVC $LB" "$L/node1.cfg" && grep -q "remote-ip $NS_N2_IP" "$L/stp.cfg" || { echo "config edit failed"; exit 1; }
fi
cfg isup-peer.cfg ex-a.cfg
cfg isup-peer-b.cfg ex-b.cfg
mkdir -p "$L/kam" "$L/redis"
if [ $NETNS = 1 ]; then	# one entry for the pair: its service address
	printf '1 sip:%s:%s 0 0 name=pair\n1 sip:127.0.0.4:%s 0 0 name=gwb\n' $NS_SVC $LB $LB > "$L/kam/dispatcher.list"
	kam_listen="listen=udp:127.0.0.1:$KAM\nlisten=udp:$NS_GW:$KAM\nmhomed=1"
else
	printf '1 sip:127.0.0.2:%s 0 0 name=node1\n1 sip:127.0.0.6:%s 0 0 name=node2\n1 sip:127.0.0.4:%s 0 0 name=gwb\n' \
		$LB $LB $LB > "$L/kam/dispatcher.list"
	kam_listen="listen=udp:127.0.0.1:$KAM"
fi
sed -e "s|/tmp/kam/|$L/kam/|g" -e "s|^listen=udp:127.0.0.1:5070\$|$kam_listen|" -e "s|127.0.0.1:5080|127.0.0.1:$CORE|" \
	"$top/config/kamailio-dispatcher.cfg" > "$L/kam/kamailio.cfg"

say "== cluster lab: $N held calls (A -> pair $H1, B -> gateway B $H2, SIP core -> Kamailio $H3), new calls at $R CPS"
say "   OsmoSTP :$M3UA (VTY $STPV), pair 0.23.2 node 1 $N1_IP (VTY $V1) / node 2 $N2_IP (VTY $V2), SIP/PSTN media $SIP1 / $SVC,"
[ $NETNS = 0 ] || say "   namespaces: lab $NS_LAB (bridge $NS_GW/24), node 1 $NS_N1, node 2 $NS_N2; service address $NS_SVC"
say "   gateway B 0.23.4 127.0.0.4 (VTY $VB), Redis :$REDIS, Kamailio :$KAM, SIP core :$CORE/:$UAC; logs in $L"
# --- the capture: M3UA and every SIP port (not the RTP)
dumpcap -q -P -i lo -f "tcp port $M3UA or udp port $LB or udp port $KAM or udp port $CORE or udp port $UAC" \
	-B 64 -w "$L/wire.pcap" > "$L/dumpcap.log" 2>&1 & cap_pid=$!; pids+=($cap_pid)
caps="dumpcap"
if [ $NETNS = 1 ]; then		# the nodes' M3UA and SIP cross the bridge
	dumpcap -q -P -i "$NS_BR" -f "tcp port $M3UA or udp port $LB or udp port $KAM" -B 64 -w "$L/wire-br.pcap" \
		> "$L/dumpcap-br.log" 2>&1 & cap_br=$!; pids+=($cap_br); caps+=" dumpcap-br"
fi
for c in $caps; do
	for i in $(seq 50); do grep -q "Capturing on" "$L/$c.log" 2>/dev/null && break; sleep 0.1; done
	grep -q "Capturing on" "$L/$c.log" || { echo "dumpcap did not start (capture rights?)"; cat "$L/$c.log"; exit 1; }
done

redis-server --port $REDIS --bind "127.0.0.1${NS_GW:+ $NS_GW}" --protected-mode no --dir "$L/redis" --save "" --appendonly no --maxmemory 256mb \
	--daemonize no > "$L/redis.log" 2>&1 & redis_pid=$!; pids+=($!)
osmo-stp -c "$L/stp.cfg" > "$L/stp.log" 2>&1 & stp_pid=$!; pids+=($!)
for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$M3UA) 2>/dev/null && break; sleep 0.2; done
wait_ha() {	# VTY ROLE SECONDS
	local end=$(( $(date +%s) + $3 ))
	while [ "$(date +%s)" -le $end ]; do
		vty $1 "show ha" 2>/dev/null | grep -q "^role: $2 " && return 0
		sleep 0.1
	done
	return 1
}
start_node() {	# N: in its namespace, the notify script's settings in its environment
	local ns=""
	[ $NETNS = 0 ] || { ns=NS_N$1; ns=${!ns}; }
	(cd "$L" && SIPT_GW_SVC_ADDR=$SVC SIPT_GW_SVC_DEV=eth0 SIPT_GW_SVC_LOG="$L/notify-n$1.log" \
		exec ${ns:+ip netns exec $ns} "$B/gw/sipt-gw" -c node$1.cfg > node$1.log 2>&1) &
}
start_node 1; node1=$!; gw_pids+=($node1)
wait_ha $V1 active 30 || { echo "node 1 did not become active"; tail -5 "$L/node1.log"; exit 1; }
start_node 2; node2=$!; gw_pids+=($node2)
(cd "$L" && exec "$B/gw/sipt-gw" -c gw-b.cfg > gw-b.log 2>&1) & gwb=$!; gw_pids+=($gwb)
wait_ha $V2 standby 30 || { echo "node 2 did not come up as standby"; tail -5 "$L/node2.log"; exit 1; }
say "   node 1 active, node 2 standby (show ha)"

# --- the exchanges: commands on a fifo each, automatic answers to the gateways' IAMs and resets
exchange() {	# NAME
	mkfifo "$L/$1.in"
	"$B/isup/isup-peer" -A -c "$L/$1.cfg" -i -k < "$L/$1.in" > "$L/$1.log" 2>&1 & pids+=($!)
}
exchange ex-a; exa_pid=$!; exec 5> "$L/ex-a.in"
exchange ex-b; exb_pid=$!; exec 6> "$L/ex-b.in"
printf 'stop-on-fail off\nauto all on\nauto iam on acm=200 anm=300\nwait-route 30\n' >&5
printf 'stop-on-fail off\nauto all on\nauto iam on acm=200 anm=300\nwait-route 30\n' >&6
route_ok() { vty $1 "show isup routes" 2>/dev/null | awk -v d=$2 '$1==d && $2=="available"{f=1} END{exit !f}'; }
for i in $(seq 150); do route_ok $V1 0.23.3 && route_ok $VB 0.23.5 && break; sleep 0.2; done
sleep 0.5
vty $V1 "isup reset-group exchange-a" > /dev/null
vty $VB "isup reset-group exchange-b" > /dev/null
resets_done() { vty $1 "show circuits" 2>/dev/null | awk '/GRS-pending/{p=1} /^0 circuits not idle/{z=1} END{exit p || !z}'; }
for i in $(seq 150); do resets_done $V1 && resets_done $VB && break; sleep 0.3; done
resets_done $V1 && resets_done $VB || { echo "the circuit group resets were not answered"; exit 1; }

# --- Kamailio (foreground, own runtime dir) and its view of the gateways
timeout 3600 kamailio -f "$L/kam/kamailio.cfg" -DD -E -Y "$L/kam" -w "$L/kam" -P "$L/kam/kamailio.pid" -m 64 -M 8 \
	> "$L/kamailio.log" 2>&1 & kam_pid=$!; pids+=($!)
ds() { kamcmd -s "unix:$L/kam/kamailio_ctl" dispatcher.list 2>/dev/null |
	awk -v n="name=$1" '/URI:/{f=""} /FLAGS:/{f=$2} /BODY:/ && index($0, n) {print f; exit}'; }
if [ $NETNS = 1 ]; then
	for i in $(seq 100); do [[ "$(ds pair)" == A* && "$(ds gwb)" == A* ]] && break; sleep 0.2; done
	say "   Kamailio dispatcher: pair $(ds pair) ($NS_SVC: the active node), gwb $(ds gwb) (AP active and probed)"
else
	for i in $(seq 100); do [[ "$(ds node1)" == A* && "$(ds gwb)" == A* && "$(ds node2)" == I* ]] && break; sleep 0.2; done
	say "   Kamailio dispatcher: node1 $(ds node1), node2 $(ds node2), gwb $(ds gwb) (AP active, IP inactive: the standby answers OPTIONS 503)"
fi

# --- the SIP core and the PSTN-side media
HOLD_MS=$(( (N / SETUP_CPS + 16) * 1000 ))	# a UAC call with no re-INVITE (gateway B): BYE after this
AFTER_MS=8000					# after the re-INVITE of the takeover
sed -e "s/@RING@/5000/" -e "s/@SHORT@/100/" "$CL/core-uas.xml" > "$L/core-uas.xml"
sed -e "s/@HOLD@/$HOLD_MS/" -e "s/@AFTER@/$AFTER_MS/" -e "s/@CDPN@/77/g" "$CL/core-uac.xml" > "$L/core-uac.xml"
(cd "$L" && exec timeout 900 sipp -sf core-uas.xml -i 127.0.0.1 -p $CORE -mi $LABGW -mp $CORE_MP -rtp_echo -nostdin \
	-cp $((CORE + 1000)) -trace_stat -fd 1 -stf uas-stat.csv -trace_err -error_file uas-err.log \
	-max_recv_loops 5000 > uas.out 2>&1) & uas_pid=$!; pids+=($uas_pid)
# the CICs with RTP: the held calls on the pair (ingress from the bottom, egress from the top of
# the group); --rtp N limits them to the first N of each
ra=$(( RTP_N < H1 ? RTP_N : H1 )); re=$(( RTP_N < H3 ? RTP_N : H3 ))
"$L/rtp-pstn" -l $([ $NETNS = 1 ] && echo $NS_GW || echo 127.0.0.3):$PROBE -t $SVC -b $PSTN_BASE -s $PSTN_STEP -c "1-$ra,$((1024 - re))-1023" -r 50 \
	-o "$L/rtp.txt" > "$L/rtp.log" 2>&1 & rtp_pid=$!; pids+=($rtp_pid)
sleep 0.5
kill -0 $rtp_pid 2>/dev/null || { echo "rtp-pstn did not start"; cat "$L/rtp.log"; exit 1; }

# --- held calls: A -> pair, B -> gateway B (ISUP -> SIP core), core -> Kamailio (SIP -> ISUP)
uac_pid=""
cpu_snap start
say "== placing $N held calls at $SETUP_CPS CPS"
held_iams() {	# FD PREFIX N
	local i gap=$((1000 / SETUP_CPS))
	{ echo "echo held-start"
	  for ((i = 1; i <= $3; i++)); do printf 'send IAM cic=%d cdpn=%s%04dF cgpn=40111222\nsleep %d\n' $i $2 $i $gap; done
	  for ((i = 1; i <= $3; i++)); do printf 'expect ACM cic=%d within=60\nexpect ANM cic=%d within=60\n' $i $i; done
	  echo "echo held-answered"; } >&$1
}
held_iams 5 551 $H1 &
held_iams 6 552 $H2 &
(cd "$L" && exec timeout 900 sipp -sf core-uac.xml -i 127.0.0.1 -p $UAC -mi $LABGW -mp $UAC_MP -rtp_echo -nostdin \
	-cp $((UAC + 1000)) -m $H3 -l $H3 -r $SETUP_CPS -trace_stat -fd 1 -stf uac-stat.csv -trace_err \
	-error_file uac-err.log 127.0.0.1:$KAM > uac.out 2>&1) & uac_pid=$!; pids+=($uac_pid)
wait_log() { local i; for ((i = 0; i < $3 * 5; i++)); do grep -qE "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done; return 1; }
calls_up() { vty $1 "show calls" 2>/dev/null | awk '/ calls$/{print $1}'; }
wait_log "$L/ex-a.log" 'held-answered' 120; wait_log "$L/ex-b.log" 'held-answered' 60
for i in $(seq $(( N / SETUP_CPS * 5 + 75 ))); do	# bounded: the setup time, the long ring and 10 s
	[ $(( $(calls_up $V1) + $(calls_up $VB) )) -ge $N ] && break
	kill -0 $uac_pid 2>/dev/null || { say "   the SIP core's UAC ended early: $(tail -1 "$L/uac-err.log" 2>/dev/null)"; break; }
	sleep 0.2
done
say "   calls up: pair node 1 $(calls_up $V1), gateway B $(calls_up $VB) (show calls)"
sleep 2
kill -USR1 $rtp_pid	# phase 1: every held call answered, before the kill
sleep 2

# --- new calls at R CPS through the pair; the kill 2 s into them. rel-repeat: the exchange's T1
# (Q.764 2.9.6, shortened to 4 s): a REL that left the exchange just before the STP noticed the
# kill reaches the dead node and is lost; the exchange sends it again, as Q.764 has it. t7: the
# exchange's T7 (Q.764 Annex A, 20-30 s, shortened to 10 s): an IAM node 1 got but had not yet
# recorded in Redis (its early record is written asynchronously) is unknown to node 2; without ACM
# the exchange releases it (REL 102), which node 2 answers RLC. The SIP core rings the calls whose
# number ends in 5-9 for 5 s (the calls unanswered at the kill), the others 100 ms (the takeover
# figure: kill -> first ANM from node 2, 100 ms of it the core's ringing)
say "== new calls: $NEW at $R CPS from exchange A through the pair (CICs $LOAD_FIRST-$LOAD_LAST); SIGKILL of node 1 after 2 s"
cpu_snap kill		# taken before the load command: walking the process trees takes a while
printf 'echo load-start\nload calls=%d cps=%d cic=%d-%d cdpn=55 hold=1000 rel-repeat=4 t7=10 timeout=40\necho load-done\n' \
	$NEW $R $LOAD_FIRST $LOAD_LAST >&5
# the exchange reads the load command at once (its held-call steps are done); its report of the
# "echo load-start" may reach the log later (buffered), so the 2 s count from the command
sleep 2
K=$(date +%s.%N)
kill -KILL $node1; kill_node1=$node1
kill -USR1 $rtp_pid	# phase 2: the takeover
echo "$K" > "$L/kill.time"
if wait_ha $V2 active 30; then
	A=$(date +%s.%N); say "   node 2 active (show ha) $(echo "$A - $K" | bc) s after the kill"
else
	A=$(date +%s.%N); say "   node 2 NOT active 30 s after the kill"
fi
sleep 1
kill -USR1 $rtp_pid	# phase 3: after the takeover
wait_log "$L/ex-a.log" 'load-done' 90
sleep 4
kill -USR1 $rtp_pid	# phase 4: the releases
cpu_snap load-done
say "   $(grep '^LOAD RESULT' "$L/ex-a.log" | tail -1)"

# --- release the held calls: REL from the exchanges (ISUP -> SIP calls), BYE from the core (the
# UAC's calls: AFTER_MS after the re-INVITE, HOLD_MS after the answer on gateway B)
say "== releasing: REL 16 from exchanges A and B, BYE from the SIP core"
date +%s.%N > "$L/release.time"
rel() {	# FD N
	local i gap=$((1000 / SETUP_CPS))
	{ echo "echo rel-start"
	  for ((i = 1; i <= $2; i++)); do printf 'send REL cic=%d cause=16\nsleep %d\n' $i $gap; done
	  for ((i = 1; i <= $2; i++)); do printf 'expect RLC cic=%d within=30\n' $i; done
	  echo "echo rel-done"; } >&$1
}
rel 5 $H1 &
rel 6 $H2 &
wait_log "$L/ex-a.log" 'rel-done' 120; wait_log "$L/ex-b.log" 'rel-done' 60
cpu_snap released
for i in $(seq $(( HOLD_MS / 1000 + 60 ))); do kill -0 $uac_pid 2>/dev/null || break; sleep 1; done
wait $uac_pid 2>/dev/null; uac_rc=$?
kill -0 $uac_pid 2>/dev/null && { kill -TERM $uac_pid; uac_rc=killed; }
echo "$uac_rc" > "$L/uac.rc"
idle() { [ "$(vty $1 "show calls" 2>/dev/null | awk '/ calls$/{print $1}')" = 0 ] &&
	vty $1 "show circuits" 2>/dev/null | grep -q '^0 circuits not idle'; }
for i in $(seq 100); do idle $V2 && idle $VB && break; sleep 0.2; done
for v in $V2 $VB; do vty $v "show circuits" > "$L/circuits-$v.txt" 2>&1; vty $v "show calls" > "$L/calls-$v.txt" 2>&1; done
vty $V2 "show ha" > "$L/show-ha-node2.txt" 2>&1
redis-cli -p $REDIS --raw SCARD sipt-gw:pair-a:calls > "$L/redis-calls.txt" 2>&1
printf 'end\n' >&5; printf 'end\n' >&6
wait_log "$L/ex-a.log" '^SCENARIO ' 10; wait_log "$L/ex-b.log" '^SCENARIO ' 10
kill -TERM $rtp_pid; wait $rtp_pid 2>/dev/null
sleep 1.5	# the UAS's last statistics line (-fd 1); it is stopped with the rest
kill -INT $cap_pid ${cap_br:-}; wait $cap_pid ${cap_br:-} 2>/dev/null

# --- the verdict
decode() {	# PCAP SUFFIX: M3UA re-wrapped as SCTP, then tshark (ISUP and SIP fields)
	python3 "$top/tests/lib/m3ua_rewrap.py" --port $M3UA "$1" "$L/wire-sctp$2.pcap" > "$L/rewrap$2.out" 2> "$L/rewrap$2.err"
	tshark -r "$L/wire-sctp$2.pcap" -Y isup -T fields -E separator='|' -e frame.time_epoch -e ip.src -e ip.dst \
		-e m3ua.protocol_data_opc -e m3ua.protocol_data_dpc -e isup.cic -e isup.message_type -e isup.cause_indicator \
		-e isup.called -e isup.range_indicator 2> "$L/tshark-isup$2.err"
	tshark -r "$L/wire-sctp$2.pcap" -d udp.port==$LB,sip -d udp.port==$KAM,sip -d udp.port==$CORE,sip -d udp.port==$UAC,sip \
		-Y sip -T fields -E separator='|' -e frame.time_epoch -e ip.src -e udp.srcport -e ip.dst -e udp.dstport \
		-e sip.Method -e sip.Status-Code -e sip.CSeq.method -e sip.Call-ID -e sip.r-uri.user -e sip.Via -e sip.Reason \
		2> "$L/tshark-sip$2.err" | sed 's/^/SIP|/'
	tshark -r "$L/wire-sctp$2.pcap" -Y '_ws.malformed || _ws.expert.severity == error' -T fields -e frame.number \
		-e _ws.col.Protocol 2>/dev/null | sed 's/^/BAD|/'
}
{ decode "$L/wire.pcap" ""; [ $NETNS = 0 ] || decode "$L/wire-br.pcap" -br; } > "$L/decoded.txt"
grep -v '^SIP|\|^BAD|' "$L/decoded.txt" | sort -t'|' -k1,1 > "$L/isup.txt"
sed -n 's/^SIP|//p' "$L/decoded.txt" | sort -t'|' -k1,1 > "$L/sip.txt"
sed -n 's/^BAD|//p' "$L/decoded.txt" > "$L/malformed.txt"
check=(python3 "$CL/cluster_check.py" --dir "$L" --kill "$K" --active "$A" --release "$(cat "$L/release.time")"
	--h1 $H1 --h2 $H2 --h3 $H3 --new $NEW --cps $R --load $LOAD_FIRST-$LOAD_LAST --rtp-a $ra --rtp-e $re
	--lb $LB --kam $KAM --core $CORE --uac $UAC --survive-pct "${cl_survive:-100}"
	--node1 $N1_IP --node2 $N2_IP --sip1 $SIP1 --sip2 $SIP2
	${cl_takeover_max:+--takeover-max $cl_takeover_max})
printf '%q ' "${check[@]}" > "$L/check.sh"	# the verdict again: bash $L/check.sh
"${check[@]}"

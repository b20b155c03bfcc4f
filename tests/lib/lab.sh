# Test harness for tests that run real components on loopback: OsmoSTP (M3UA over TCP),
# sipt-gw, isup-peer, captures. Source it from a *.test script (bash). Everything started
# here is recorded by PID and killed on exit; configs come from config/ with the ports
# rewritten so that tests never collide with a running lab.
set -u
: "${TOP_SRCDIR:?}" "${TOP_BUILDDIR:?}"
T=${TEST_TMPDIR:-$(mktemp -d)}
BIN_GW="$TOP_BUILDDIR/gw/sipt-gw"
BIN_PEER="$TOP_BUILDDIR/isup/isup-peer"
VTY="$TOP_SRCDIR/tests/lib/vty.py"
# per-test ports (the run is sequential; randomise a little against leftovers from elsewhere)
LAB_BASE=${LAB_BASE:-$(( 21000 + (RANDOM % 400) * 10 ))}
M3UA_PORT=$LAB_BASE
STP_VTY=$((LAB_BASE + 1))
GW_VTY=$((LAB_BASE + 2))
GWB_VTY=$((LAB_BASE + 3))
PEER_VTY=$((LAB_BASE + 4))
SIP_PORT=$((LAB_BASE + 5))	# the gateways' SIP trunk port (5060 in config/)
SIPT_PORT=$((LAB_BASE + 6))	# gateway A's trunk towards SIPp (5062 in config/)
SIPP_PORT=$((LAB_BASE + 7))	# SIPp (5080 in config/)
LAB_PIDS=()
LAB_FAILS=0
LAB_PLAN=""	# the number of checks the test declares (plan N), harness checks not included
LAB_AUTO=0	# checks the harness itself emitted (auto_check), added to the plan at exit

log() { echo "# $*"; }

lab_cleanup() {
	lab_wire_checks		# the daemons are still up: the capture ends before they stop
	lab_stop_all
	lab_exit_checks
	lab_plan_emit
}
# lab_wire_checks: the independent wire oracle at the end of a test (tshark on the capture)
lab_wire_checks() { :; }
# lab_stop_all: stops every process the test started
lab_stop_all() {
	local p i
	for p in "${LAB_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for i in $(seq 1 30); do
		local alive=0
		for p in "${LAB_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for p in "${LAB_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap lab_cleanup EXIT

# plan N: the test declares N checks of its own; at exit the harness prints the TAP plan
# "1..N+A" (A: the checks the harness emitted itself), so a test that ends early fails
plan() { LAB_PLAN=$1; }
lab_plan_emit() {
	case "$LAB_PLAN" in
	"") notok "test declared no plan (plan N missing)";;
	*[!0-9]*) notok "test declared a plan that is not a number ('$LAB_PLAN')";;
	*) echo "1..$(( LAB_PLAN + LAB_AUTO ))";;
	esac
}
# auto_check NAME CMD...: a check of the harness's own (sanitizers, exit status, wire oracle)
auto_check() {
	LAB_AUTO=$((LAB_AUTO + 1))
	check "$@"
}
# lab_exit_checks: further checks of the harness once every daemon has stopped
lab_exit_checks() { :; }

# lab_cfg SRC DST: copy a config from config/ with the test's ports
lab_cfg() {
	sed -e "s/\b2905\b/$M3UA_PORT/g" -e "s/ 4239$/ $STP_VTY/" -e "s/ 4260$/ $GW_VTY/" \
	    -e "s/ 4262$/ $GWB_VTY/" \
	    -e "s/ 5060$/ $SIP_PORT/" -e "s/ 5062$/ $SIPT_PORT/" -e "s/ 5080$/ $SIPP_PORT/" \
	    "$TOP_SRCDIR/config/$1" > "$2"
}

start_stp() {
	lab_cfg osmo-stp.cfg "$T/stp.cfg"
	osmo-stp -c "$T/stp.cfg" > "$T/stp.log" 2>&1 &
	STP_PID=$!
	LAB_PIDS+=($STP_PID)
	wait_port $M3UA_PORT 10 || { echo "osmo-stp did not listen on $M3UA_PORT"; cat "$T/stp.log"; return 1; }
}

stop_stp() {
	kill -TERM "$STP_PID" 2>/dev/null
	wait "$STP_PID" 2>/dev/null
}

# start_gw [CONFIG-in-config/] [NAME]: sipt-gw with its log in $T/NAME.log
start_gw() {
	local cfg=${1:-sipt-gw.cfg} name=${2:-gw}
	lab_cfg "$cfg" "$T/$name.cfg"
	"$BIN_GW" -c "$T/$name.cfg" > "$T/$name.log" 2>&1 &
	GW_PID=$!
	LAB_PIDS+=($GW_PID)
	eval "${name^^}_PID=$GW_PID"
}

# start_peer SCENARIO [extra isup-peer options]: runs in the background, output in $T/peer.log
start_peer() {
	local scen=$1; shift
	lab_cfg isup-peer.cfg "$T/peer.cfg"
	"$BIN_PEER" -c "$T/peer.cfg" -s "$scen" "$@" > "$T/peer.log" 2>&1 &
	PEER_PID=$!
	LAB_PIDS+=($PEER_PID)
}

# run_peer SCENARIO [options]: runs in the foreground, prints its report, returns its status
run_peer() {
	local scen=$1; shift
	lab_cfg isup-peer.cfg "$T/peer.cfg"
	timeout -k 5 120 "$BIN_PEER" -c "$T/peer.cfg" -s "$scen" "$@" > "$T/peer.log" 2>&1
	local rc=$?
	sed 's/^/    /' "$T/peer.log" | grep -v '^    <000' | tail -200
	return $rc
}

# start_peer_bg CONFIG NAME SCENARIO [options]: an exchange in the background, log in $T/NAME.log
start_peer_bg() {
	local cfg=$1 name=$2 scen=$3; shift 3
	lab_cfg "$cfg" "$T/$name.cfg"
	"$BIN_PEER" -c "$T/$name.cfg" -s "$scen" "$@" > "$T/$name.log" 2>&1 &
	local pid=$!
	LAB_PIDS+=($pid)
	eval "${name^^}_PID=$pid"
}

# run_peer_cfg CONFIG NAME SCENARIO [options]: an exchange in the foreground; prints its report
run_peer_cfg() {
	local cfg=$1 name=$2 scen=$3; shift 3
	lab_cfg "$cfg" "$T/$name.cfg"
	timeout -k 5 120 "$BIN_PEER" -c "$T/$name.cfg" -s "$scen" "$@" > "$T/$name.log" 2>&1
	local rc=$?
	sed 's/^/    /' "$T/$name.log" | grep -v '^    <000' | tail -200
	return $rc
}

# wait until a gateway's VTY shows its DPC available: wait_route VTYPORT DPC SECONDS
wait_route() {
	local end=$(( $(date +%s) + $3 ))
	while [ "$(date +%s)" -le $end ]; do
		vty $1 "show isup routes" 2>/dev/null | awk -v d=$2 '$1==d && $2=="available"{f=1} END{exit !f}' && return 0
		sleep 0.3
	done
	return 1
}

# number of calls in a gateway's call table, and of circuits not idle
calls_count() { vty $1 "show calls" 2>/dev/null | awk '/ calls$/{print $1}'; }
circuits_not_idle() { vty $1 "show circuits" 2>/dev/null | sed -n 's/^\([0-9]*\) circuits not idle.*/\1/p'; }

wait_port() {	# PORT SECONDS
	local end=$(( $(date +%s) + $2 ))
	while [ "$(date +%s)" -le $end ]; do
		(exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

wait_log() {	# FILE REGEX SECONDS
	local end=$(( $(date +%s) + $3 ))
	while [ "$(date +%s)" -le $end ]; do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

vty() {	# PORT CMD...
	python3 "$VTY" "$@"
}

# TAP helpers
ok() { echo "ok $*"; }
notok() { echo "not ok $*"; LAB_FAILS=$((LAB_FAILS + 1)); }
check() {	# NAME CMD...: one TAP line from a command's status
	local name=$1; shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

# The gateway must still be alive and must not have reported sanitizer errors
gw_healthy() {
	local name=${1:-gw} pidvar
	pidvar="${name^^}_PID"
	kill -0 "${!pidvar}" 2>/dev/null || { echo "sipt-gw ($name) died"; tail -30 "$T/$name.log"; return 1; }
	if grep -qE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:' "$T/$name.log"; then
		grep -A20 -E 'Sanitizer|runtime error' "$T/$name.log" | head -40; return 1
	fi
	return 0
}

# Capture M3UA (TCP) on loopback into $T/m3ua.pcap
start_capture() {
	dumpcap -q -i lo -f "tcp port $M3UA_PORT" -w "$T/m3ua.pcap" > "$T/dumpcap.log" 2>&1 &
	CAP_PID=$!
	LAB_PIDS+=($CAP_PID)
	wait_log "$T/dumpcap.log" "Capturing on" 10 || sleep 1
}
stop_capture() {
	sleep 0.5
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
}

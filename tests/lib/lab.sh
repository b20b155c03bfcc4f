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
. "$TOP_SRCDIR/tests/lib/proc.sh"
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
# lab_wire_checks: the independent wire oracle at the end of a test (tshark on the capture of
# start_wire_capture, tests/lib/wire.py): the capture stops first (the daemons are still up, so
# shutdown traffic is not part of it), M3UA is re-wrapped as SCTP, one tshark pass decodes it
lab_wire_checks() {
	[ -n "${WIRE_PID:-}" ] || return 0
	sleep 0.3	# the last messages in flight reach the capture
	kill -INT "$WIRE_PID" 2>/dev/null
	wait "$WIRE_PID" 2>/dev/null
	WIRE_PID=""
	wire_keep_all
	local n args=() p line fails=0 closing=""
	if ! n=$(python3 "$TOP_SRCDIR/tests/lib/m3ua_rewrap.py" --port $M3UA_PORT "$T/wire.pcap" \
		"$T/wire-sctp.pcap" 2>"$T/wire-rewrap.err"); then
		sed 's/^/# /' "$T/wire-rewrap.err"
		auto_check "wire: M3UA re-wrap of the capture" false
		return 0
	fi
	for p in $SIP_PORT $SIPT_PORT $SIPP_PORT ${WIRE_SIP_PORTS:-}; do args+=(--sip-port "$p"); done
	[ "${WIRE_PEERLOGS:-1}" = 1 ] && for p in "${WIRE_PEERS[@]}"; do args+=(--peer "$p"); done
	[ -s "$T/wire-expect.txt" ] && args+=(--expect "$T/wire-expect.txt")
	for p in "${WIRE_ALLOW_MALFORMED[@]}"; do args+=(--allow-malformed "$p"); done
	while IFS= read -r line; do
		case "$line" in
		"ok "*) auto_check "${line#ok }" true;;
		"not ok "*) auto_check "${line#not ok }" false; fails=$((fails + 1));;
		CLOSING*) closing=$line;;
		*) echo "$line";;
		esac
	done < <(python3 "$TOP_SRCDIR/tests/lib/wire.py" --m3ua-port $M3UA_PORT --count "$n" "${args[@]}" \
		"$T/wire-sctp.pcap" 2>&1)
	set -- $closing
	[ -n "$closing" ] || fails=$((fails + 1))
	log "wire: ${4:-?} SIP messages carry an ISUP body (SIP-I/SIP-T)"
	auto_check "wire: tshark decoded ${2:-?} ISUP, ${3:-?} SIP, ${5:-?} malformed${6:+ ${*:6}}" \
		[ "$fails" = 0 ]
}
# start_wire_capture: M3UA (tcp port M3UA_PORT) and SIP (udp and tcp on the lab's SIP ports and
# WIRE_SIP_PORTS) on loopback into $T/wire.pcap, for lab_wire_checks; started by start_stp
WIRE_PID=""
WIRE_PEERS=()		# LOG:PC of every isup-peer run (wire_keep)
WIRE_ALLOW_MALFORMED=()	# OPC:DPC:N, N broken ISUP messages the test sends on purpose
WIRE_KEPT=0
start_wire_capture() {
	[ -n "$WIRE_PID" ] && return 0
	[ "${WIRE_CAPTURE:-1}" = 1 ] || return 0	# off: a long bench run (bench/soak over 120 s)
	local f="tcp port $M3UA_PORT" p
	for p in $SIP_PORT $SIPT_PORT $SIPP_PORT ${WIRE_SIP_PORTS:-}; do f="$f or port $p"; done
	dumpcap -q -P -i lo -f "$f" -w "$T/wire.pcap" > "$T/wire-dumpcap.log" 2>&1 &
	WIRE_PID=$!
	wait_log "$T/wire-dumpcap.log" "Capturing on" 10 || { echo "dumpcap did not start"; cat "$T/wire-dumpcap.log"; }
}
# wire_keep NAME: keeps the log of the isup-peer run NAME ($T/NAME.log, config $T/NAME.cfg) for
# lab_wire_checks before a new run overwrites it (the start/run helpers call it)
# (moved, not copied: a run still going on writes on into the kept file)
wire_keep() {
	local log="$T/$1.log" cfg="$T/$1.cfg" how=${2:-mv} pc
	[ -s "$log" ] && [ -f "$cfg" ] || return 0
	pc=$(awk '$1=="point-code"{print $2; exit}' "$cfg")
	[ -n "$pc" ] || return 0
	WIRE_KEPT=$((WIRE_KEPT + 1))
	$how "$log" "$T/wire-peer.$WIRE_KEPT.$1.log"
	WIRE_PEERS+=("$T/wire-peer.$WIRE_KEPT.$1.log:$pc")
	# the exit check of the daemon that wrote it reads it where it went (lab_stop_all)
	local p
	[ "$how" = mv ] || return 0
	for p in "${!LAB_LOG[@]}"; do
		[ "${LAB_LOG[$p]}" != "$log" ] || LAB_LOG[$p]="$T/wire-peer.$WIRE_KEPT.$1.log"
	done
}
wire_keep_all() {	# the logs of the last runs (every isup-peer log with a config), copied
	local f
	for f in "$T"/*.log; do
		case "$f" in "$T"/wire-peer.*) continue;; esac
		[ -f "${f%.log}.cfg" ] && grep -q '^cs7 instance' "${f%.log}.cfg" && \
			grep -q '^isup' "${f%.log}.cfg" && grep -qE '\] (>>|<<|STEP) ' "$f" && \
			wire_keep "$(basename "${f%.log}")" "cp -p"
	done
}
# wait_resets SECONDS VTYPORT...: every gateway's circuit group resets answered (no GRS pending,
# every circuit idle); warm-up exchanges stay until then (a loaded machine delays resets by seconds)
wait_resets() {
	local end=$(( $(date +%s) + $1 )) p out left
	shift
	while :; do
		left=0
		for p in "$@"; do
			out=$(vty $p "show circuits" 2>/dev/null)
			grep -q 'GRS-pending' <<<"$out" && left=1
			grep -q '^0 circuits not idle' <<<"$out" || left=1
		done
		[ $left = 0 ] && return 0
		[ "$(date +%s)" -le $end ] || return 1
		sleep 0.3
	done
}
# wire_expect PC_A PC_B CIC "TOKENS": the circuit's ISUP sequence between A and B (both ways, in
# capture order), a token being [>|<]TYPE[:CAUSE[/LOCATION]], e.g. ">IAM <ACM <ANM >REL:16/1 <RLC"
wire_expect() { echo "seq $1 $2 $3 $4" >> "$T/wire-expect.txt"; }
# wire_expect_re PC_A PC_B CICS REGEX: every circuit in CICS ("N", "N-M", "all") matches REGEX,
# written over the tokens with direction and cause, each followed by a space, e.g.
# '(>IAM <ACM <ANM >REL:16/\d+ <RLC )+'
wire_expect_re() { echo "re $1 $2 $3 $4" >> "$T/wire-expect.txt"; }
# wire_expect_count OPC DPC TOKEN N: N messages matching TOKEN from OPC to DPC (all CICs)
wire_expect_count() { echo "count $1 $2 $3 $4" >> "$T/wire-expect.txt"; }
# wire_allow_malformed OPC DPC N: the test sends N broken ISUP messages from OPC to DPC on purpose;
# tshark must find exactly N malformed there (and none anywhere else)
wire_allow_malformed() { WIRE_ALLOW_MALFORMED+=("$1:$2:$3"); }
# lab_stop_all: stops every process the test started, with SIGTERM, ours first (a gateway
# releases its calls toward the exchanges and SIP peers, which must still be up); a process
# still alive after the bound is killed, and for ours that is a failure. Then one check per
# daemon of ours (sipt-gw, isup-peer, other binaries of the build tree): its exit status
# (after SIGTERM sipt-gw exits 0, isup-peer 0 or 1 when a scenario step failed, unless the test
# said otherwise with lab_exit_status; one that ended before must not have crashed) and no
# ASan/UBSan/LSan report in its log; one check for the foreground runs
# (run_peer*). osmo-stp, dumpcap, SIPp are not ours: only stopped.
declare -A LAB_KIND=() LAB_LOG=() LAB_RC=() LAB_WANT_RC=() LAB_GONE=()
LAB_RUNLOGS=()		# logs of our binaries run in the foreground (run_peer, run_peer_cfg)
LAB_STOP_OURS=10	# seconds: sipt-gw's release of its calls (2 s) + LeakSanitizer at exit
LAB_STOP_OTHERS=3
lab_stop_all() {
	local p ours=() others=()
	for p in "${LAB_PIDS[@]}"; do
		lab_discover "$p"
		if [ -n "${LAB_KIND[$p]:-}" ]; then ours+=("$p"); else others+=("$p"); fi
	done
	lab_stop_pids $LAB_STOP_OURS "${ours[@]}"
	lab_stop_pids $LAB_STOP_OTHERS "${others[@]}"
	wait 2>/dev/null
	for p in "${ours[@]}"; do lab_daemon_check "$p"; done
	[ ${#LAB_RUNLOGS[@]} -eq 0 ] || auto_check "exit: no sanitizer report from the ${#LAB_RUNLOGS[@]} foreground runs of isup-peer" \
		lab_no_sanitizer "${LAB_RUNLOGS[@]}"
}
# lab_own PID KIND LOG: a daemon of ours (KIND sipt-gw or isup-peer) writing its log to LOG
lab_own() { LAB_KIND[$1]=$2; LAB_LOG[$1]=$3; }
# lab_log_reuse LOG: before a daemon is started with a log an earlier one wrote, that log is
# kept (LOG.PID) for the earlier one's sanitizer check at exit
lab_log_reuse() {
	local p
	for p in "${!LAB_LOG[@]}"; do
		[ "${LAB_LOG[$p]}" = "$1" ] && cp "$1" "$1.$p" 2>/dev/null && LAB_LOG[$p]="$1.$p"
	done
	return 0
}
# lab_exit_status PID RC: the status PID is to exit with when it is stopped (a regex: 0, 0|1)
lab_exit_status() { LAB_WANT_RC[$1]=$2; }
# lab_discover PID: a process a test put into LAB_PIDS itself is ours when its executable is
# in the build tree; its log is where its stderr goes
lab_discover() {
	local pid=$1 exe
	[ -z "${LAB_KIND[$pid]:-}" ] || return 0
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 0
	case "$exe" in
	"$(readlink -f "$BIN_GW")") LAB_KIND[$pid]=sipt-gw;;
	"$(readlink -f "$BIN_PEER")") LAB_KIND[$pid]=isup-peer;;
	"$(readlink -f "$TOP_BUILDDIR")"/*) LAB_KIND[$pid]=${exe##*/};;
	*) return 0;;
	esac
	LAB_LOG[$pid]=$(readlink "/proc/$pid/fd/2" 2>/dev/null)
}
# lab_stop_pids SECONDS PID...: SIGTERM, wait up to SECONDS, then SIGKILL; statuses in LAB_RC
# ("killed" after the bound); LAB_GONE: those that had ended before (bash keeps their status
# even when the test waited for them itself)
lab_stop_pids() {
	local bound=$1 p n alive; shift
	[ $# -gt 0 ] || return 0
	for p in "$@"; do
		if proc_alive "$p"; then kill -TERM "$p" 2>/dev/null; else LAB_GONE[$p]=1; fi
	done
	for ((n = 0; n < bound * 10; n++)); do
		alive=0
		for p in "$@"; do proc_alive "$p" && alive=1; done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for p in "$@"; do
		if proc_alive "$p"; then
			kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; LAB_RC[$p]=killed
		else
			wait "$p" 2>/dev/null; LAB_RC[$p]=$?
		fi
	done
}
# lab_daemon_check PID: one check line for a daemon of ours
lab_daemon_check() {
	local p=$1 kind=${LAB_KIND[$1]} log=${LAB_LOG[$1]:-} rc=${LAB_RC[$1]:-} want=${LAB_WANT_RC[$1]:-0}
	local name="exit: $kind (${log##*/}, pid $p)"
	case "$kind" in
	isup-peer) want=${LAB_WANT_RC[$1]:-0|1};;	# 1: a step of its scenario failed (the test judges it)
	sipt-gw) ;;
	*) want=any;;	# test tools (sip-testua, rtp-probe ...): their status is the test's business
	esac
	if [ -n "${LAB_GONE[$p]:-}" ]; then
		name+=" ended before the stop without crashing"
	else
		name+=" stopped by SIGTERM with status ${want/|/ or }"
	fi
	auto_check "$name, no sanitizer report" lab_daemon_ok "$rc" "$want" "$log" "${LAB_GONE[$p]:-}"
}
lab_daemon_ok() {	# RC WANT LOG GONE
	local rc=$1 want=$2 log=$3 gone=$4
	if [ "$rc" = killed ]; then echo "# still running ${LAB_STOP_OURS} s after SIGTERM: killed"; return 1; fi
	if [ -n "$gone" ]; then
		# it ended before the stop (the test stopped or killed it, or it finished its job):
		# only a crash counts here - a sanitizer's exit status (tests/run: 98, 99) or a signal
		# other than the KILL/TERM/INT a test sends
		case "$rc" in 98|99|129|131|132|133|134|135|136|138|139|140|141|142|159)
			echo "# exit status $rc before the stop: crashed"; tail -20 "$log" 2>/dev/null | sed 's/^/#   /'; return 1;;
		esac
	elif [ "$want" != any ] && ! [[ "$rc" =~ ^($want)$ ]]; then
		echo "# exit status $rc after SIGTERM (expected ${want/|/ or })"; tail -5 "$log" 2>/dev/null | sed 's/^/#   /'; return 1
	fi
	[ -z "$log" ] || lab_no_sanitizer "$log"
}
lab_no_sanitizer() {	# LOG...: no sanitizer report in any of them
	local f bad=0
	for f in "$@"; do
		[ -f "$f" ] || continue
		if grep -qE "$SAN_RE" "$f"; then
			echo "# sanitizer report in $f:"; grep -m1 -A25 -E "$SAN_RE" "$f" | sed 's/^/#   /'; bad=1
		fi
	done
	return $bad
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
	start_wire_capture
	lab_cfg osmo-stp.cfg "$T/stp.cfg"
	# STP_IO_BACKEND: libosmocore's osmo_io backend for OsmoSTP (POLL or IO_URING; unset: the
	# library's default, POLL); bench/soak sets it (bench/README)
	env ${STP_IO_BACKEND:+LIBOSMO_IO_BACKEND=$STP_IO_BACKEND} osmo-stp -c "$T/stp.cfg" > "$T/stp.log" 2>&1 &
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
	lab_log_reuse "$T/$name.log"
	"$BIN_GW" -c "$T/$name.cfg" > "$T/$name.log" 2>&1 &
	GW_PID=$!
	LAB_PIDS+=($GW_PID)
	lab_own $GW_PID sipt-gw "$T/$name.log"
	eval "${name^^}_PID=$GW_PID"
}

# start_peer SCENARIO [extra isup-peer options]: runs in the background, output in $T/peer.log
start_peer() {
	local scen=$1; shift
	wire_keep peer
	lab_cfg isup-peer.cfg "$T/peer.cfg"
	lab_log_reuse "$T/peer.log"
	"$BIN_PEER" -c "$T/peer.cfg" -s "$scen" "$@" > "$T/peer.log" 2>&1 &
	PEER_PID=$!
	LAB_PIDS+=($PEER_PID)
	lab_own $PEER_PID isup-peer "$T/peer.log"
}

# lab_keep_runlog LOG: a foreground run's log, kept (numbered: the next run may reuse the name)
# for the sanitizer check at exit
lab_keep_runlog() {
	local k="$1.run${#LAB_RUNLOGS[@]}"
	cp "$1" "$k" 2>/dev/null && LAB_RUNLOGS+=("$k")
}

# run_peer SCENARIO [options]: runs in the foreground, prints its report, returns its status
run_peer() {
	local scen=$1; shift
	wire_keep peer
	lab_cfg isup-peer.cfg "$T/peer.cfg"
	timeout -k 5 120 "$BIN_PEER" -c "$T/peer.cfg" -s "$scen" "$@" > "$T/peer.log" 2>&1
	local rc=$?
	lab_keep_runlog "$T/peer.log"
	sed 's/^/    /' "$T/peer.log" | grep -v '^    <000' | tail -200
	return $rc
}

# start_peer_bg CONFIG NAME SCENARIO [options]: an exchange in the background, log in $T/NAME.log
start_peer_bg() {
	local cfg=$1 name=$2 scen=$3; shift 3
	wire_keep "$name"
	lab_cfg "$cfg" "$T/$name.cfg"
	lab_log_reuse "$T/$name.log"
	"$BIN_PEER" -c "$T/$name.cfg" -s "$scen" "$@" > "$T/$name.log" 2>&1 &
	local pid=$!
	LAB_PIDS+=($pid)
	lab_own $pid isup-peer "$T/$name.log"
	eval "${name^^}_PID=$pid"
}

# run_peer_cfg CONFIG NAME SCENARIO [options]: an exchange in the foreground; prints its report
run_peer_cfg() {
	local cfg=$1 name=$2 scen=$3; shift 3
	wire_keep "$name"
	lab_cfg "$cfg" "$T/$name.cfg"
	timeout -k 5 120 "$BIN_PEER" -c "$T/$name.cfg" -s "$scen" "$@" > "$T/$name.log" 2>&1
	local rc=$?
	lab_keep_runlog "$T/$name.log"
	sed 's/^/    /' "$T/$name.log" | grep -v '^    <000' | tail -200
	return $rc
}

# M3UA management (MGMT, ASPSM, ASPTM) of the re-wrapped capture PCAP, in capture order, into OUT:
# epoch, source, destination, class, type, status type, status info (tests/cluster: the roles of
# an active/standby pair are on the wire as ASPAC and NTFY)
m3ua_mgmt_extract() {	# PCAP OUT
	tshark -r "$1" -Y 'm3ua.message_class == 0 || m3ua.message_class == 3 || m3ua.message_class == 4' \
		-T fields -E separator=' ' -e frame.time_epoch -e ip.src -e ip.dst -e m3ua.message_class -e m3ua.message_type \
		-e m3ua.status_type -e m3ua.status_info 2>/dev/null > "$2"
}
# m3ua_mgmt FILE NODE-ADDR FROM TO: the node's management messages between two epoch times as
# tokens, ">" from the node: ">UP <UPACK <NTFY:1/2 >AC <ACACK <NTFY:1/3 "
m3ua_mgmt() {
	awk -v n=$2 -v t0=$3 -v t1=$4 '
	BEGIN { nm["3/1"] = "UP"; nm["3/4"] = "UPACK"; nm["3/2"] = "DN"; nm["3/5"] = "DNACK"; nm["3/3"] = "BEAT";
		nm["4/1"] = "AC"; nm["4/3"] = "ACACK"; nm["4/2"] = "IA"; nm["4/4"] = "IAACK"; nm["0/0"] = "ERR"; nm["0/1"] = "NTFY" }
	$1 >= t0 && $1 < t1 && ($2 == n || $3 == n) {
		k = $4 "/" $5; s = (k in nm) ? nm[k] : "?" k
		if (k == "0/1") s = s ":" $6 "/" $7
		printf "%s%s ", ($2 == n ? ">" : "<"), s }' "$1"
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
calls_count() { vty $1 "show calls count" 2>/dev/null | awk '/ calls$/{print $1}'; }
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

# peer_sync FD LOG CMD...: a command to an interactive isup-peer (-i, stdin on FD, report in LOG),
# returned once the exchange has read it (its echo of a marker after it): what the test sends
# next (an IAM from the other exchange) finds it applied
LAB_SYNC=0
peer_sync() {
	local fd=$1 log=$2
	shift 2
	LAB_SYNC=$((LAB_SYNC + 1))
	printf '%s\necho peer-sync-%s\n' "$*" "$LAB_SYNC" >&"$fd"
	wait_log "$log" " peer-sync-$LAB_SYNC\$" 10 || echo "# ${log##*/}: '$*' not taken within 10 s"
}

# sipp_bind_diag ERRFILE PORT: when SIPp could not bind its port (errno 98, a flake seen in
# parallel runs: iwf/clearmode, cluster/override), who holds it, with its age
sipp_bind_diag() {
	grep -q 'Unable to bind main socket' "$1" 2>/dev/null || return 0
	ss -uanp "sport = :$2" | sed 's/^/#   port holder: /'
	ss -uanpH "sport = :$2" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u |
		while read -r p; do ps -o pid=,etime=,args= -p "$p" | sed 's/^/#   holder process: /'; done
}

# diag_grep FILE REGEX [N]: the last N (8) lines of FILE that match, as "# FILE: LINE" (what a
# failed check shows of the logs behind it)
diag_grep() { grep -aE "$2" "$1" 2>/dev/null | tail -n "${3:-8}" | sed "s|^|# ${1##*/}: |"; }

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
	dumpcap -q -P -i lo -f "tcp port $M3UA_PORT" -w "$T/m3ua.pcap" > "$T/dumpcap.log" 2>&1 &
	CAP_PID=$!
	LAB_PIDS+=($CAP_PID)
	wait_log "$T/dumpcap.log" "Capturing on" 10 || sleep 1
}
stop_capture() {
	sleep 0.5
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
}

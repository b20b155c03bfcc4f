# Q.784.1 test helpers: one gateway (sipt-gw, circuit group exchange-a = CICs 1-31 towards the
# exchange 0.23.3) per test script, isup-peer as the exchange through a real OsmoSTP; every case
# is one isup-peer scenario plus optional VTY actions on the gateway, reported as one TAP line
# named by its Q.784.1 number. After each case no circuit may be left outside idle.
. "$TOP_SRCDIR/tests/lib/lab.sh"
GRP=exchange-a

# gateway config: the lab config with shortened Q.764 timers (seconds): T4 for the node
# ("timer isup T4"), the others as overrides of the circuit group
q_start() {
	start_stp || exit 1
	lab_cfg sipt-gw.cfg "$T/gw.cfg.in"
	sed -e 's/^isup$/timer isup T4 2\n&/' "$T/gw.cfg.in" > "$T/gwq.cfg"
	cat >> "$T/gwq.cfg" <<-EOC
	  timer T1 1
	  timer T2 4
	  timer T5 4
	  timer T6 5
	  timer T7 2
	  timer T8 2
	  timer T9 3
	  timer T12 2
	  timer T13 6
	  timer T14 2
	  timer T15 6
	  timer T16 1
	  timer T17 4
	  timer T18 2
	  timer T19 6
	  timer T20 2
	  timer T21 6
	  timer T22 1
	  timer T23 4
	  timer T24 2
	  timer T25 2
	  timer T26 3
	  timer T27 3
	  timer T36 3
	EOC
	"$BIN_GW" -c "$T/gwq.cfg" > "$T/gw.log" 2>&1 &
	GW_PID=$!
	LAB_PIDS+=($GW_PID)
	lab_own $GW_PID sipt-gw "$T/gw.log"
	wait_port $GW_VTY 10 || { echo "gateway VTY did not come up"; cat "$T/gw.log"; exit 1; }
	# the start-up GRS (MTP-RESUME) is repeated every T22 until this exchange answers it
	cat > "$T/startup.isup" <<-EOS
	wait-route 10
	expect GRS cic=1 rs.range=30 within=5
	send GRA cic=1 rs.range=30 rs.status=00000000
	sleep 300
	EOS
	# Q.764 2.9.3.1: without this GRS/GRA every later case would start from unknown circuit states
	if run_peer "$T/startup.isup" > "$T/startup.out"; then
		ok "start-up: the gateway's GRS (CICs 1-31) answered with GRA"
	else
		sed 's/^/#   /' "$T/startup.out"
		notok "start-up: no GRS (CICs 1-31) from the gateway within 5 s"
	fi
}

gwvty() { vty $GW_VTY "$@"; }
# the group's circuit table (complete: its closing count line) shows no GRS-pending circuit
no_grs_pending() {
	local o
	o=$(gwvty "show circuits $GRP") && grep -q ' circuits not idle' <<<"$o" && ! grep -q GRS-pending <<<"$o"
}
gwcfg() { vty $GW_VTY "configure terminal" "isup" "$@" "end" > /dev/null; }

# number of circuits not idle (call state), from "show circuits"
busy_count() { gwvty "show circuits $GRP" | awk '/circuits not idle/{print $1}'; }
cic_line() { gwvty "show circuits $GRP" | awk -v c="$1" '$1==c'; }
wait_all_idle() {	# SECONDS
	local end=$(( $(date +%s) + ${1:-5} ))
	while [ "$(date +%s)" -le $end ]; do
		[ "$(busy_count)" = "0" ] && return 0
		sleep 0.2
	done
	echo "# circuits not idle:"; gwvty "show circuits $GRP" | awk '$2!="idle" && $1 ~ /^[0-9]+$/' | sed 's/^/#   /'
	return 1
}

# q_case NUM "NAME" SCENARIO-FILE [MARK "vty command" ...] [-- check-function...]
# Runs the scenario in the background; when the peer prints "MARK" (with "echo MARK"), the VTY
# command runs on the gateway (its answer in $T/vty.out, and in $T/vty.MARK.out after later marks).
# Then extra checks (shell functions, all must succeed), the
# all-idle check and gw_healthy. One TAP line.
q_case() {
	local num=$1 name=$2 scen=$3; shift 3
	local fail=""
	wire_keep peer	# the wire oracle compares every case's exchange log with the capture
	lab_cfg isup-peer.cfg "$T/peer.cfg"
	"$BIN_PEER" -c "$T/peer.cfg" -s "$scen" > "$T/peer.log" 2>&1 &
	local ppid=$!
	LAB_PIDS+=($ppid)
	while [ $# -gt 1 ] && [ "$1" != "--" ]; do
		if ! wait_log "$T/peer.log" "\] $1\$" 20; then fail="mark $1 not reached"; break; fi
		gwvty "$2" > "$T/vty.out"; sed 's/^/#   vty: /' "$T/vty.out"
		cp "$T/vty.out" "$T/vty.$1.out"	# each mark's answer, for the checks
		shift 2
	done
	local end=$(( $(date +%s) + 60 ))
	while kill -0 $ppid 2>/dev/null && [ "$(date +%s)" -le $end ]; do sleep 0.1; done
	kill $ppid 2>/dev/null
	wait $ppid 2>/dev/null
	local prc=$?
	lab_keep_runlog "$T/peer.log"	# (reused by the next case) sanitizer reports checked at exit
	[ $prc -ne 0 ] && fail="${fail:+$fail; }peer scenario failed"
	[ "${1:-}" = "--" ] && shift
	for c in "$@"; do
		$c || fail="${fail:+$fail; }check $c failed"
	done
	wait_all_idle 5 || fail="${fail:+$fail; }circuit not idle after the case"
	gw_healthy || fail="${fail:+$fail; }gateway unhealthy"
	if [ -n "$fail" ]; then
		sed 's/^/#   /' "$T/peer.log" | grep -E 'STEP|>>|<<|SCENARIO|\] [A-Z]' | tail -40
		notok "$num $name ($fail)"
	else
		ok "$num $name"
	fi
}

# scenario file from stdin (wait-route prepended)
scen() {	# NAME
	# the trailing sleep lets the last message leave before isup-peer disconnects
	{ echo "wait-route 10"; cat; echo "sleep 300"; } > "$T/$1.isup"
	echo "$T/$1.isup"
}

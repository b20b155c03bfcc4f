# Helpers shared by the fault-injection tests (tests/robust): gateway A (sipt-gw-a.cfg) with
# SIPp on its "sipp" trunk and isup-peer as exchange A, driven interactively through a FIFO.
. "$TOP_SRCDIR/tests/lib/lab.sh"
R="$TOP_SRCDIR/tests/robust"
SIPP2_PORT=$((LAB_BASE + 8))	# a second SIPp instance (free in the per-test port block)

# start_peer_fifo: isup-peer exchange A reading commands from $T/peer.in, log $T/peera.log
start_peer_fifo() {
	mkfifo "$T/peer.in"
	lab_cfg isup-peer.cfg "$T/peera.cfg"
	"$BIN_PEER" -c "$T/peera.cfg" -i -k < "$T/peer.in" > "$T/peera.log" 2>&1 &
	PEERA_PID=$!; LAB_PIDS+=($PEERA_PID)
	lab_own $PEERA_PID isup-peer "$T/peera.log"
	exec 3> "$T/peer.in"
	peer "stop-on-fail off" "auto all on"
}
peer() { printf '%s\n' "$@" >&3; }
# peer_end: exchange A's scenario ends ('end'; the FIFO may stay open in background jobs):
# isup-peer then checks that every ISUP message it received was expected, answered
# automatically or declared ignorable (its strict rules) and prints "SCENARIO -: PASS|FAIL";
# one check of the harness (not in the test's plan)
peer_end() {
	peer "end"
	exec 3>&-
	wait_log "$T/peera.log" '^SCENARIO ' 10
	auto_check "exchange A: no step failed, every ISUP message expected, automatic or ignored" \
		grep -q '^SCENARIO .*: PASS' "$T/peera.log"
	grep -q '^SCENARIO .*: PASS' "$T/peera.log" ||
		grep -E 'STEP [0-9]+ FAIL|^SCENARIO' "$T/peera.log" | head -20 | sed 's/^/#   /'
}

# wait until the gateway has no GRS outstanding (GRA received for every GRS it sent)
wait_no_grs_pending() {	# VTYPORT SECONDS
	local end=$(( $(date +%s) + $2 ))
	while [ "$(date +%s)" -le $end ]; do
		# a complete table (its closing count line) without GRS-pending: not an unreachable VTY
		local o
		o=$(vty $1 "show circuits" 2>/dev/null) && grep -q ' circuits not idle' <<<"$o" \
			&& ! grep -q GRS-pending <<<"$o" && return 0
		sleep 0.3
	done
	return 1
}

# wait until the call table is empty and every CIC idle
wait_clean() {	# VTYPORT SECONDS
	local end=$(( $(date +%s) + $2 ))
	while [ "$(date +%s)" -le $end ]; do
		[ "$(calls_count $1)/$(circuits_not_idle $1)" = "0/0" ] && return 0
		sleep 0.3
	done
	echo "# calls: $(calls_count $1), circuits not idle: $(circuits_not_idle $1)"
	vty $1 "show calls" | sed 's/^/#   /' | head -20
	vty $1 "show circuits" | awk '$2!="idle"' | sed 's/^/#   /' | head -20
	return 1
}

wait_calls() {	# VTYPORT N SECONDS: until at least N calls are in the table
	local end=$(( $(date +%s) + $3 ))
	while [ "$(date +%s)" -le $end ]; do
		[ "$(calls_count $1)" -ge "$2" ] 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# sipp_bg NAME SCENARIO PORT CALLS [extra sipp options]: UAC towards gateway A's sipp trunk
sipp_bg() {
	local name=$1 sf=$2 port=$3 n=$4; shift 4
	(cd "$T" && exec timeout 150 sipp -sf "$sf" -i 127.0.0.1 -p $port -m $n -l $n -r 20 -timeout 140 \
		-timeout_error -nostdin -trace_err -error_file "$T/$name-err.log" "$@" 127.0.0.2:$SIPT_PORT \
		> "$T/$name.out" 2>&1) &
	eval "SIPP_${name^^}=$!"
}
sipp_show_err() { [ -s "$T/$1-err.log" ] && tail -20 "$T/$1-err.log" | sed 's/^/#   /'; tail -5 "$T/$1.out" | sed 's/^/#   /'; }

# the exchange's steps between "echo MARK-start" and "echo MARK-done" all passed (at least one)
steps_ok() {	# MARK [SECONDS]
	local s
	if wait_log "$T/peera.log" "$1-done" ${2:-20}; then
		s=$(sed -n "/$1-start/,/$1-done/p" "$T/peera.log" | grep STEP)
		[ -n "$s" ] && ! grep -q FAIL <<<"$s" && return 0
	fi
	sed -n "/$1-start/,\$p" "$T/peera.log" | grep -E 'STEP|<<|>>' | head -40 | sed 's/^/#   /'
	return 1
}

# start_gw_t NAME "timer T1 1" ...: gateway A (sipt-gw-a.cfg) with Q.764 timers of the circuit
# group exchange-a shortened
start_gw_t() {
	local name=$1; shift
	lab_cfg sipt-gw-a.cfg "$T/$name.cfg.in"
	local t; for t in "$@"; do printf '  %s\n' "$t"; done > "$T/$name.timers"
	sed -e "/^ circuit-group exchange-a$/r $T/$name.timers" "$T/$name.cfg.in" > "$T/$name.cfg"
	"$BIN_GW" -c "$T/$name.cfg" > "$T/$name.log" 2>&1 &
	GW_PID=$!
	LAB_PIDS+=($GW_PID)
	lab_own $GW_PID sipt-gw "$T/$name.log"
	eval "${name^^}_PID=$GW_PID"
}

# sipp_fg NAME SCENARIO PORT CALLS [extra]: UAC in the foreground, returns SIPp's status
sipp_fg() {
	local name=$1 sf=$2 port=$3 n=$4; shift 4
	(cd "$T" && timeout 60 sipp -sf "$sf" -i 127.0.0.1 -p $port -m $n -l $n -r 20 -timeout 50 -timeout_error \
		-nostdin -trace_err -error_file "$T/$name-err.log" "$@" 127.0.0.2:$SIPT_PORT > "$T/$name.out" 2>&1)
	local rc=$?
	[ $rc -ne 0 ] && { grep -iE 'error|unable|bind|fatal' "$T/$name.out" | head -5 | sed 's/^/#   sipp: /'; sipp_show_err $name; }
	return $rc
}

# a SIPp UAC scenario whose INVITE must end with STATUS and Reason: Q.850;cause=CAUSE
expect_scen() {	# STATUS CAUSE: prints the file name
	sed -e "s/@CODE@/$1/g" -e "s/@CAUSE@/$2/g" "$TOP_SRCDIR/tests/iwf/sipp/uac_expect.xml.in" > "$T/expect$1-$2.xml"
	echo "$T/expect$1-$2.xml"
}

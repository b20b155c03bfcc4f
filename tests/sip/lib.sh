# Shared helpers of the SIP tests (sourced, not run). Every process started here is killed by
# PID on exit. Tests print TAP-like "ok NAME" / "not ok NAME" lines.
set -u
: "${TOP_SRCDIR:?}" "${TOP_BUILDDIR:?}"
TESTUA="$TOP_BUILDDIR/tests/sip/sip-testua"
SCEN="$TOP_SRCDIR/tests/sip/scenarios"
WORK="${TEST_TMPDIR:-$(mktemp -d)}"
PIDS=()
declare -A UAPID=() SIPPPID=()
FAILED=0
. "$TOP_SRCDIR/tests/lib/proc.sh"

# a missing tool (scripts/setup-deps installs them) or test binary is a failure, not a skip
need() {
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 || { echo "not ok $p installed (scripts/setup-deps installs it)"; exit 1; }
	done
}
[ -x "$TESTUA" ] || { echo "not ok $TESTUA built (scripts/build builds it)"; exit 1; }

# At exit every process still running gets SIGTERM (bounded wait, then SIGKILL); one check for
# every sip-testua started: each exited 0 after that SIGTERM (one that had ended before must not
# have crashed: sanitizer exit status 98/99 or a fatal signal), none had to be killed, and no
# ASan/UBSan/LSan report in its stderr.
cleanup() {
	local rc=$? p n i any bad="" st
	declare -A gone=()
	for p in "${PIDS[@]}"; do
		if proc_alive "$p"; then kill -TERM "$p" 2>/dev/null; else gone[$p]=1; fi
	done
	for ((i = 0; i < 100; i++)); do
		any=0
		for p in "${PIDS[@]}"; do proc_alive "$p" && any=1; done
		[ $any = 0 ] && break
		sleep 0.1
	done
	for n in "${!UAPID[@]}"; do
		p=${UAPID[$n]}
		if proc_alive "$p"; then
			kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null
			bad+=" $n: still running 10 s after SIGTERM;"
		else
			wait "$p" 2>/dev/null; st=$?
			if [ -z "${gone[$p]:-}" ]; then
				[ $st = 0 ] || bad+=" $n: exit status $st after SIGTERM;"
			else	# ended before (its status is the test's business): only a crash counts
				case $st in 98|99|129|131|132|133|134|135|136|138|139|140|141|142|159)
					bad+=" $n: crashed (exit status $st);";;
				esac
			fi
		fi
		if grep -qE "$SAN_RE" "$WORK/$n.err" 2>/dev/null; then
			bad+=" $n: sanitizer report;"
			grep -m1 -A25 -E "$SAN_RE" "$WORK/$n.err" | sed 's/^/#   /'
		fi
	done
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	local auto=0
	[ ${#UAPID[@]} -gt 0 ] && auto=1
	[ -n "$SIP_PLAN" ] && echo "1..$((SIP_PLAN + auto))"
	if [ ${#UAPID[@]} -gt 0 ]; then
		if [ -z "$bad" ]; then
			echo "ok exit: ${#UAPID[@]} sip-testua processes stopped with status 0, no sanitizer report"
		else
			echo "not ok exit: sip-testua:$bad"
			[ $rc -ne 0 ] || rc=1
		fi
	fi
	exit $rc
}
trap cleanup EXIT
# plan N: the test's own checks; the TAP plan printed at exit adds the exit check above
SIP_PLAN=""
plan() { SIP_PLAN=$1; }

ok() { echo "ok $1"; }
notok() { echo "not ok $1"; FAILED=$((FAILED+1)); }
check() { # check NAME COMMAND...
	local n=$1; shift
	if "$@"; then ok "$n"; else notok "$n"; fi
}

# write_cfg FILE LISTEN_PORT PEER_PORT [extra trunk lines...]
write_cfg() {
	local f=$1 lp=$2 pp=$3; shift 3
	{
		echo "timer sip T1 ${T1:-500}"
		echo "sip"
		echo " trunk t1"
		echo "  transport ${TRANSPORT:-udp}"
		echo "  listen 127.0.0.1 $lp"
		echo "  peer 127.0.0.1 $pp"
		for l in "$@"; do echo "  $l"; done
	} > "$f"
}

# start_ua NAME testua-args...  (waits for READY)
start_ua() {
	local n=$1; shift
	"$TESTUA" "$@" > "$WORK/$n.out" 2> "$WORK/$n.err" &
	local pid=$!
	PIDS+=("$pid")
	UAPID[$n]=$pid
	for _ in $(seq 1 50); do
		grep -q '^READY' "$WORK/$n.out" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "# testua $n did not start:"; sed 's/^/#   /' "$WORK/$n.err" | tail -20
	return 1
}

# wait_pid PID SECONDS -> exit status (124 on timeout)
wait_pid() {
	local pid=$1 t=$2
	for _ in $(seq 1 $((t*10))); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid"; return $?; }
		sleep 0.1
	done
	return 124
}

# stop_ua NAME: SIGTERM, expect a clean exit (ASan/LSan would make it non-zero)
stop_ua() {
	local n=$1 pid=${UAPID[$1]}
	kill "$pid" 2>/dev/null
	wait_pid "$pid" 10
}

# run_sipp NAME SCENARIO LOCAL_PORT REMOTE_PORT [extra sipp args]  (foreground, UAC side)
run_sipp() {
	local n=$1 sc=$2 lp=$3 rp=$4; shift 4
	[[ $sc == /* ]] || sc="$SCEN/$sc"
	( cd "$WORK" && timeout 40 sipp -sf "$sc" -i 127.0.0.1 -p "$lp" -m 1 -timeout 25 -timeout_error \
		-nostdin -trace_err -error_file "$WORK/$n.sipp-err" -trace_msg -message_file "$WORK/$n.sipp-msg" \
		-s 1000 "$@" "127.0.0.1:$rp" > "$WORK/$n.sipp-out" 2>&1 )
}

# start_sipp NAME SCENARIO LOCAL_PORT [extra args]  (background, UAS side); PID in SIPP_<NAME>
start_sipp() {
	local n=$1 sc=$2 lp=$3; shift 3
	[[ $sc == /* ]] || sc="$SCEN/$sc"
	( cd "$WORK" && exec timeout 40 sipp -sf "$sc" -i 127.0.0.1 -p "$lp" -m 1 -timeout 25 -timeout_error \
		-nostdin -trace_err -error_file "$WORK/$n.sipp-err" -trace_msg -message_file "$WORK/$n.sipp-msg" \
		"$@" > "$WORK/$n.sipp-out" 2>&1 ) &
	local pid=$!
	PIDS+=("$pid")
	SIPPPID[$n]=$pid
	sleep 0.3
}

has() { grep -qE -- "$2" "$WORK/$1.out"; }
hasnot() { ! grep -qE -- "$2" "$WORK/$1.out"; }

dump() { # dump NAME: show what happened, for failed cases
	local n=$1
	echo "# ---- $n: testua output"; sed 's/^/#   /' "$WORK/$n.out" 2>/dev/null | tail -30
	echo "# ---- $n: testua stderr"; sed 's/^/#   /' "$WORK/$n.err" 2>/dev/null | tail -20
	[ -f "$WORK/$n.sipp-err" ] && { echo "# ---- $n: sipp errors"; sed 's/^/#   /' "$WORK/$n.sipp-err" | tail -20; }
	[ -f "$WORK/$n.sipp-out" ] && { echo "# ---- $n: sipp output"; grep -vE '^\s*$' "$WORK/$n.sipp-out" | sed 's/^/#   /' | tail -8; }
	return 0
}

finish() {
	[ "$FAILED" -eq 0 ]
}

# template SCENARIO.in CODE CAUSE -> path of the instantiated copy
instantiate() {
	local out="$WORK/$(basename "$1" .xml.in)-$2.xml"
	sed -e "s/@CODE@/$2/g" -e "s/@CAUSE@/$3/g" "$SCEN/$1" > "$out"
	echo "$out"
}

# uas_case NAME PORT SCENARIO "testua args" [sipp args]: SIPp UAC -> gateway UAS, both must succeed
uas_case() {
	local n=$1 p=$2 sc=$3 args=$4; shift 4
	write_cfg "$WORK/$n.cfg" "$p" $((p+1)) ${CFG_EXTRA:+"$CFG_EXTRA"}
	# shellcheck disable=SC2086
	start_ua "$n" -c "$WORK/$n.cfg" -m uas $args || { dump "$n"; return 1; }
	run_sipp "$n" "$sc" $((p+1)) "$p" "$@"
	local src=$? pid urc
	pid=${UAPID[$n]}
	wait_pid "$pid" 15; urc=$?
	[ $src -eq 0 ] && [ $urc -eq 0 ] && return 0
	echo "# $n: sipp rc=$src testua rc=$urc"; dump "$n"; return 1
}

# uac_case NAME PORT SCENARIO "testua args" [sipp args]: gateway UAC -> SIPp UAS
uac_case() {
	local n=$1 p=$2 sc=$3 args=$4; shift 4
	local pid spid src urc
	write_cfg "$WORK/$n.cfg" "$p" $((p+1)) ${CFG_EXTRA:+"$CFG_EXTRA"}
	start_sipp "$n" "$sc" $((p+1)) "$@"
	# shellcheck disable=SC2086
	start_ua "$n" -c "$WORK/$n.cfg" -m uac $args || { dump "$n"; return 1; }
	pid=${UAPID[$n]}; spid=${SIPPPID[$n]}
	wait_pid "$pid" 30; urc=$?
	wait_pid "$spid" 30; src=$?
	[ $src -eq 0 ] && [ $urc -eq 0 ] && return 0
	echo "# $n: sipp rc=$src testua rc=$urc"; dump "$n"; return 1
}

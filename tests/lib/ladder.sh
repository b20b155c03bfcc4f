# Per-call checks of what tshark decodes from the test's capture (tests/lib/wire_ladder.py), for
# the rows of README's interworking mapping table. Source after lab.sh. A test marks each call's
# time window (ladder_mark NAME begin / end: nothing of another call may fall inside), then, after
# its last call: lab_wire_checks (the capture stops, M3UA is re-wrapped), ladder_dump (one tshark
# pass) and one ladder_ok per leg and call.
LADDER_TIMES="$T/ladder-times.txt"
LADDER_TSV="$T/wire-ladder.tsv"

ladder_mark() {	# NAME begin|end
	case "$2" in
	begin) printf '%s %s' "$1" "$(date +%s.%N)" >> "$LADDER_TIMES";;
	*) printf ' %s\n' "$(date +%s.%N)" >> "$LADDER_TIMES";;
	esac
}

ladder_dump() {	# after lab_wire_checks: tshark's fields of the whole capture, once
	python3 "$TOP_SRCDIR/tests/lib/wire_ladder.py" --m3ua-port $M3UA_PORT --dump \
		$(for p in $SIP_PORT $SIPT_PORT $SIPP_PORT ${WIRE_SIP_PORTS:-}; do echo --sip-port $p; done) \
		"$T/wire-sctp.pcap" > "$LADDER_TSV"
}

ladder_ok() {	# NAME LEG DESCRIPTION REGEX: one TAP line "NAME: tshark: DESCRIPTION"
	local w got rc
	w=$(awk -v n="$1" '$1 == n && NF == 3 {print "--from " $2 " --to " $3}' "$LADDER_TIMES" 2>/dev/null)
	got=$(python3 "$TOP_SRCDIR/tests/lib/wire_ladder.py" --m3ua-port $M3UA_PORT $w --expect "$4" \
		"$LADDER_TSV" "$2"); rc=$?
	if [ -n "$w" ] && [ $rc = 0 ]; then ok "$1: tshark: $3"
	else notok "$1: tshark: $3"; echo "#   got:      $got"; echo "#   expected: $4"; fi
}

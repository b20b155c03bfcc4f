# Process helpers shared by the test harnesses (tests/lib/lab.sh, tests/sip/lib.sh): sourced.
# SAN_RE: a sanitizer report (ASan, LSan, UBSan, MSan, TSan) in a process's log
SAN_RE='ERROR: (Address|Leak|Undefined|Memory|Thread)Sanitizer|SUMMARY: [A-Za-z]+Sanitizer|runtime error:'
# proc_alive PID: running, and not a zombie (an exited child not reaped yet)
proc_alive() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

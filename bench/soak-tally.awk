# bench/soak: counts the exchange's (isup-peer's) report of the ISUP it sent and received.
# Input: isup-peer's report ("[  t] << from PC TYPE cic=N [cause=C] ...", ">> to PC ...",
# "[  t] MTP-PAUSE PC", "[  t] SOAK-CALLS" from the soak's echo). Output at the end, one count
# a line, PHASE "start" (the start-up resets) or "soak" (from SOAK-CALLS on):
#   PHASE rx|tx TYPE COUNT          messages received from / sent to the gateway
#   PHASE rel rx|tx CAUSE COUNT     REL by direction and cause value
#   PHASE mtp PAUSE|RESUME COUNT    route state changes
#   PHASE t1 REL COUNT / t5 RSC COUNT   the exchange's REL repeated on T1, RSC sent on T5
# With -v full=FILE every input line is also written to FILE; with -v mark=FILE, FILE is created
# when SOAK-CALLS arrives (the soak starts its calls after that).
BEGIN { phase = "start" }
full != "" { print > full }
/ SOAK-CALLS$/ {
	phase = "soak"
	if (mark != "") {
		print "" > mark
		close(mark)
	}
	next
}
{
	for (i = 1; i <= 3 && i < NF; i++)
		if ($i == "<<" || $i == ">>")
			break
	if (i <= 3 && i < NF - 2) {
		dir = $i == "<<" ? "rx" : "tx"
		type = $(i + 3)
		n[phase " " dir " " type]++
		if (type == "REL") {
			cause = "none"
			for (j = i + 4; j <= NF; j++)
				if ($j ~ /^cause=/)
					cause = substr($j, 7)
			n[phase " rel " dir " " cause]++
		}
		next
	}
	# "[  t] T1 expired: REL cic=N repeated", "[  t] T5 expired: RSC cic=N ..." (auto iam t1=/t5=)
	if ($0 ~ /\] T1 expired: REL cic=/)
		n[phase " t1 REL"]++
	if ($0 ~ /\] T5 expired: RSC cic=/)
		n[phase " t5 RSC"]++
	for (i = 1; i <= 3 && i <= NF; i++)
		if ($i ~ /^MTP-(PAUSE|RESUME)$/)
			n[phase " mtp " substr($i, 5)]++
}
END { for (k in n) print k, n[k] }

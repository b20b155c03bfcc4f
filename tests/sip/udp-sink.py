#!/usr/bin/env python3
"""UDP sink for the retransmission tests: counts the SIP requests it receives (never answers).
usage: udp-sink.py PORT SECONDS -> prints "METHOD count" lines"""
import socket, sys, time, collections
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(0.1)
end = time.time() + float(sys.argv[2])
counts = collections.Counter()
while time.time() < end:
    try:
        data, _ = s.recvfrom(65535)
    except socket.timeout:
        continue
    counts[data.split(b" ", 1)[0].decode(errors="replace")] += 1
for m, n in sorted(counts.items()):
    print(m, n)

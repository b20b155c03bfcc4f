#!/usr/bin/env python3
"""Bookworm's tshark has no M3UA-over-TCP dissector. Take the TCP payload of a loopback
capture, reassemble each direction of each TCP stream, split it into M3UA messages by their
length field, and re-wrap every message as SCTP (PPID 3) with text2pcap, so that tshark's own
M3UA and ISUP dissectors can decode what went over the wire.
usage: m3ua_rewrap.py IN.pcap OUT.pcap   (prints the number of M3UA messages found)"""
import subprocess, sys, tempfile, os

def main():
    inp, outp = sys.argv[1], sys.argv[2]
    rows = subprocess.run(["tshark", "-r", inp, "-Y", "tcp.len > 0", "-T", "fields",
                           "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tcp.payload"],
                          capture_output=True, text=True, check=True).stdout.splitlines()
    streams = {}
    order = []
    for r in rows:
        parts = r.split("\t")
        if len(parts) < 3 or not parts[2]:
            continue
        key = (parts[0], parts[1])
        if key not in streams:
            streams[key] = bytearray()
        streams[key] += bytes.fromhex(parts[2].replace(":", ""))
        order.append(key)
    # emit messages in the order their stream's data first appeared (good enough for checks)
    msgs = []
    for key in dict.fromkeys(order):
        buf = streams[key]
        off = 0
        while off + 8 <= len(buf):
            length = int.from_bytes(buf[off + 4:off + 8], "big")
            if length < 8 or off + length > len(buf):
                break
            msgs.append(bytes(buf[off:off + length]))
            off += length
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for m in msgs:
            for i in range(0, len(m), 16):
                f.write("%06x %s\n" % (i, " ".join("%02x" % b for b in m[i:i + 16])))
            f.write("\n")
        name = f.name
    subprocess.run(["text2pcap", "-q", "-S", "2905,2905,3", name, outp], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.unlink(name)
    print(len(msgs))

main()

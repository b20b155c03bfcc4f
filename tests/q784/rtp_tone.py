#!/usr/bin/env python3
"""The check tone of the continuity check (Q.724 7.4: 2000 Hz) in the RTP of a capture, judged
without the gateway's code: tshark decodes RTP (heuristic), this decodes the A-law payload
(G.711, written here from the standard's segment table) and runs its own Goertzel at 2000 Hz.

usage: rtp_tone.py PCAP PORT...
For each bearer PORT (the exchange's RTP endpoint of one CIC) one line
    PORT BURSTS
where BURSTS is one token per burst of check-tone packets sent to PORT (bursts apart by more
than 0.5 s): "+" when check-tone packets came back from PORT during the burst (loop-back on),
"-" when none did (loop-back off), "none" without any burst. A packet carries the tone when at
least half of its power is in the 2000 Hz bin (a 1780 Hz or 1900 Hz tone has none there)."""
import math
import subprocess
import sys


def alaw_to_linear(a):
    """G.711 A-law: even bits inverted, sign bit 1 = positive, 3-bit segment, 4-bit mantissa"""
    a ^= 0x55
    seg = (a & 0x70) >> 4
    mant = a & 0x0f
    v = (mant << 4) + 8 if seg == 0 else ((mant << 4) + 0x108) << (seg - 1)
    return v if a & 0x80 else -v


def tone_share(samples, f=2000.0, rate=8000.0):
    n = len(samples)
    coeff = 2 * math.cos(2 * math.pi * f / rate)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coeff * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    energy = sum(x * x for x in samples)
    return 0.0 if energy == 0 else power * 2 / (n * energy)


def main():
    pcap, ports = sys.argv[1], [int(p) for p in sys.argv[2:]]
    out = subprocess.run(["tshark", "-r", pcap, "--enable-heuristic", "rtp_udp", "-Y", "rtp", "-T", "fields",
                          "-e", "frame.time_epoch", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "rtp.p_type",
                          "-e", "rtp.payload"], capture_output=True, text=True, check=True).stdout
    to, back = {p: [] for p in ports}, {p: [] for p in ports}
    for line in out.splitlines():
        w = line.split("\t")
        if len(w) < 5 or w[3] != "8" or not w[4]:
            continue
        payload = bytes.fromhex(w[4].replace(":", ""))
        if tone_share([alaw_to_linear(b) for b in payload]) < 0.5:
            continue
        t, sport, dport = float(w[0]), int(w[1]), int(w[2])
        if dport in to:
            to[dport].append(t)
        if sport in back:
            back[sport].append(t)
    for p in ports:
        bursts = []
        for t in sorted(to[p]):
            if bursts and t - bursts[-1][1] <= 0.5:
                bursts[-1][1] = t
            else:
                bursts.append([t, t])
        toks = ["+" if any(b0 - 0.1 <= t <= b1 + 0.1 for t in back[p]) else "-" for b0, b1 in bursts]
        print(p, ",".join(toks) or "none")


if __name__ == "__main__":
    main()

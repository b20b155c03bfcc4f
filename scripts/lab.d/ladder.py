#!/usr/bin/env python3
"""Merge one lab call's events into a ladder in time order:
ISUP at exchange A and B (isup-peer -A reports, monotonic clock), SIP between the gateways
(tshark fields of a capture, epoch time) and the gateways' media direction changes (their log,
local wall-clock time stamps).
usage: ladder.py MONO_OFFSET T_FROM T_TO PEER_A_LOG PEER_B_LOG SIP_TXT GWA_LOG GWB_LOG GWA_IP
  MONO_OFFSET: wall clock minus monotonic clock (s); T_FROM/T_TO: epoch window of the call."""
import re
import sys
import time


def peer_events(path, side, off):
    ev = []
    for line in open(path, errors="replace"):
        m = re.match(r"\[\s*([0-9.]+)\] (<<|>>) (?:to|from) [0-9.]+ (.*)", line)
        if m:
            ev.append((float(m.group(1)) + off, side, m.group(2), m.group(3).strip()))
    return ev


def sip_events(path, gwa_ip):
    ev = []
    for line in open(path, errors="replace"):
        f = line.rstrip("\n").split("\t")
        if len(f) < 4:
            continue
        info = re.sub(r"^(Request|Status): ", "", f[3])
        info = re.sub(r"\s*\|\s*,?\s*", "  + ", info).rstrip(" +")
        ev.append((float(f[0]), "SIP", ">>" if f[1] == gwa_ip else "<<", info))
    return ev


def gw_events(path, side):
    ev = []
    for line in open(path, errors="replace"):
        m = re.match(r"(\d{14})(\d{3}) .*media direction (\S+ -> \S+)", line)
        if m:
            t = time.mktime(time.strptime(m.group(1), "%Y%m%d%H%M%S")) + int(m.group(2)) / 1000.0
            ev.append((t, side, "media", m.group(3)))
    return ev


def main():
    off, t0, t1 = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
    ev = peer_events(sys.argv[4], "A", off) + peer_events(sys.argv[5], "B", off)
    ev += sip_events(sys.argv[6], sys.argv[9])
    ev += gw_events(sys.argv[7], "gwA") + gw_events(sys.argv[8], "gwB")
    ev = sorted(e for e in ev if t0 <= e[0] <= t1 + 0.3)
    if not ev:
        print("   (no events)")
        return
    start = ev[0][0]
    print("    time(s)  exchange A        gateway A             gateway B        exchange B")
    for t, side, d, text in ev:
        rel = t - start
        if side == "A":
            lane = "A  %s gwA   %s" % ("-->" if d == ">>" else "<--", text)
        elif side == "SIP":
            lane = "%18sgwA %s gwB   %s" % ("", "-->" if d == ">>" else "<--", text)
        elif side == "B":
            lane = "%40sgwB %s B   %s" % ("", "<--" if d == ">>" else "-->", text)
        elif side == "gwA":
            lane = "%18sgwA media %s" % ("", text)
        else:
            lane = "%40sgwB media %s" % ("", text)
        print("   %8.3f  %s" % (rel, lane))


main()

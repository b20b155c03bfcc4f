#!/usr/bin/env python3
"""Verdicts of tests/cluster/ingress-spread.test for one phase (one exchange's calls), from
tshark's fields of the test's own capture:
  --isup FILE  epoch ip-src opc dpc cic message-type   (M3UA re-wrapped, one ISUP message a line;
               each message is there twice, exchange -> STP and STP -> gateway: the exchange's
               own sending, from --exchange-ip, is the one counted)
  --sip FILE   epoch|src|sport|dst|dport|method|status|cseq-method|call-id
Only messages between --since and --until count. Prints TAP lines ("ok ..." / "not ok ...", always
the same three) and "# ..." details:
  1. the exchange's IAMs alternate between the point codes of --groups, first one first (DPC in the
     M3UA protocol data), each CIC in that point code's range;
  2. the INVITEs: --n / number of gateways from each gateway to Kamailio, Kamailio sent each of
     them (same Call-ID) to the SIP core and none to a gateway;
  3. every one of those calls answered and cleared along the route: 200 core -> Kamailio ->
     gateway, ACK gateway -> Kamailio -> core, BYE gateway -> Kamailio -> core, 200 back the same
     way, nothing else (no other final response, no CANCEL)."""
import argparse

IAM = 1


def pc_num(s):
    """3.8.3 point code text -> the 14-bit number tshark prints"""
    a, b, c = (int(x) for x in s.split("."))
    return (a << 11) | (b << 3) | c


def read_isup(path, t0, t1):
    out = []
    for line in open(path):
        f = line.split()
        if len(f) >= 6 and t0 <= float(f[0]) <= t1:
            out.append(dict(t=float(f[0]), src=f[1], opc=int(f[2]), dpc=int(f[3]), cic=int(f[4]), type=int(f[5])))
    return out


def read_sip(path, t0, t1):
    out = []
    for line in open(path):
        f = line.rstrip("\n").split("|")
        if len(f) >= 9 and t0 <= float(f[0]) <= t1:
            out.append(dict(t=float(f[0]), src="%s:%s" % (f[1], f[2]), dst="%s:%s" % (f[3], f[4]),
                            method=f[5], status=int(f[6]) if f[6] else 0, cseq=f[7], cid=f[8]))
    return out


def tap(ok, text, why=""):
    print(("ok " if ok else "not ok ") + text)
    if not ok and why:
        print("#   " + why)


def check_iams(isup, exchange, ip, groups, n):
    """groups: [(dpc, first, last)], in the order the exchange takes them"""
    iams = [m for m in isup if m["type"] == IAM and m["opc"] == exchange and m["src"] == ip]
    seq = [m["dpc"] for m in iams]
    want = [groups[k % len(groups)][0] for k in range(n)]
    rng = {g[0]: (g[1], g[2]) for g in groups}
    bad = [m for m in iams if m["dpc"] not in rng or not rng[m["dpc"]][0] <= m["cic"] <= rng[m["dpc"]][1]]
    print("# IAMs from %d (dpc:cic): %s" % (exchange, " ".join("%d:%d" % (m["dpc"], m["cic"]) for m in iams)))
    tap(seq == want and not bad,
        "tshark: the %d IAMs of exchange %d alternate between point codes %s, each CIC in its range" % (
            n, exchange, "/".join(str(g[0]) for g in groups)),
        "DPCs %s (expected %s), CICs outside the ranges: %s" % (seq, want, bad))


def check_invites(sip, gws, kam, core, n):
    by_gw = {gw: {r["cid"] for r in sip if r["method"] == "INVITE" and r["src"] == gw and r["dst"] == kam}
             for gw in gws}
    to_core = {r["cid"] for r in sip if r["method"] == "INVITE" and r["src"] == kam and r["dst"] == core}
    to_gw = [r for r in sip if r["method"] == "INVITE" and r["src"] == kam and r["dst"] in gws]
    every = set().union(*by_gw.values())
    counts = [len(by_gw[gw]) for gw in gws]
    print("# INVITEs to Kamailio per gateway: %s; Kamailio -> core: %d" % (
        ", ".join("%s %d" % (gw, c) for gw, c in zip(gws, counts)), len(to_core)))
    tap(counts == [n // len(gws)] * len(gws) and to_core == every and not to_gw,
        "tshark: %d INVITEs from each gateway to Kamailio, each sent on to the SIP core, none to a gateway"
        % (n // len(gws)), "per gateway %s, to the core %d (same Call-IDs: %s), to a gateway %d" % (
            counts, len(to_core), to_core == every, len(to_gw)))
    return by_gw


def call_ok(sip, cid, gw, kam, core):
    legs = [(r["src"], r["dst"], r["method"] or str(r["status"]), r["cseq"]) for r in sip if r["cid"] == cid]
    need = [(core, kam, "200", "INVITE"), (kam, gw, "200", "INVITE"), (gw, kam, "ACK", "ACK"),
            (kam, core, "ACK", "ACK"), (gw, kam, "BYE", "BYE"), (kam, core, "BYE", "BYE"),
            (core, kam, "200", "BYE"), (kam, gw, "200", "BYE")]
    finals = [l for l in legs if l[2].isdigit() and int(l[2]) >= 200 and l[2] != "200"]
    return all(x in legs for x in need) and not finals and not any(l[2] == "CANCEL" for l in legs)


def check_calls(sip, by_gw, kam, core, n):
    bad = [cid for gw, cids in by_gw.items() for cid in cids if not call_ok(sip, cid, gw, kam, core)]
    tap(sum(len(c) for c in by_gw.values()) == n and not bad,
        "tshark: the %d calls answered by the core and cleared by the gateways, every message through Kamailio" % n,
        "calls not answered/cleared along the route: %s" % bad)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--isup", required=True)
    ap.add_argument("--sip", required=True)
    ap.add_argument("--since", type=float, required=True)
    ap.add_argument("--until", type=float, required=True)
    ap.add_argument("--exchange", required=True, help="point code of the calling exchange")
    ap.add_argument("--exchange-ip", required=True, help="the exchange's M3UA source address")
    ap.add_argument("--groups", required=True, help="PC:FIRST-LAST,... in the exchange's order")
    ap.add_argument("--gw", action="append", required=True, help="IP:PORT of a gateway's trunk toward Kamailio")
    ap.add_argument("--kam", required=True)
    ap.add_argument("--core", required=True)
    ap.add_argument("-n", type=int, required=True)
    a = ap.parse_args()
    groups = []
    for g in a.groups.split(","):
        pc, r = g.split(":")
        first, last = r.split("-")
        groups.append((pc_num(pc), int(first), int(last)))
    isup = read_isup(a.isup, a.since, a.until)
    sip = read_sip(a.sip, a.since, a.until)
    check_iams(isup, pc_num(a.exchange), a.exchange_ip, groups, a.n)
    by_gw = check_invites(sip, a.gw, a.kam, a.core, a.n)
    check_calls(sip, by_gw, a.kam, a.core, a.n)


if __name__ == "__main__":
    main()

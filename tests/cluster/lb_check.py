#!/usr/bin/env python3
"""Verdicts of tests/cluster/dispatcher.test from tshark's fields of the SIP between Kamailio and
the gateways (one line a message: epoch|src|sport|dst|dport|method|status|cseq-method|call-id|
retry-after|reason|warning). Prints TAP lines ("ok ..." / "not ok ...", always the same seven)
and "# invites-gw1 N", "# invites-gw2 N", "# failovers N" for the ISUP counts the test asks the
harness's wire checks for (one IAM per INVITE at the exchange behind the gateway)."""
import argparse
import sys

PROBE_INTERVAL = 2.0	# ds_ping_interval of config/kamailio-dispatcher.cfg


def rows(path):
    out = []
    for line in open(path):
        f = line.rstrip("\n").split("|")
        if len(f) < 12:
            continue
        out.append(dict(t=float(f[0]), src="%s:%s" % (f[1], f[2]), dst="%s:%s" % (f[3], f[4]),
                        method=f[5], status=int(f[6]) if f[6] else 0, cseq=f[7], cid=f[8],
                        retry=f[9], reason=f[10], warning=f[11]))
    return out


def tap(ok, text, why=""):
    print(("ok " if ok else "not ok ") + text)
    if not ok and why:
        print("#   " + why)


def invites(rs, kam, gw):
    """Call-ID -> time of the first INVITE Kamailio sent to gw"""
    d = {}
    for r in rs:
        if r["method"] == "INVITE" and r["src"] == kam and r["dst"] == gw and r["cid"] not in d:
            d[r["cid"]] = r["t"]
    return d


def finals(rs, gw):
    """Call-ID -> final statuses (in order) the gateway answered the INVITE with"""
    d = {}
    for r in rs:
        if r["status"] >= 200 and r["cseq"] == "INVITE" and r["src"] == gw:
            d.setdefault(r["cid"], []).append(r["status"])
    return d


def options_answers(rs, gw):
    return [r for r in rs if r["status"] and r["cseq"] == "OPTIONS" and r["src"] == gw]


def phase(d, ph):
    return {c: t for c, t in d.items() if c.startswith(ph + "-")}


def check_spread(inv1, inv2, fin1, fin2):
    p1a, p1b = phase(inv1, "p1"), phase(inv2, "p1")
    answered = all(200 in fin1.get(c, []) for c in p1a) and all(200 in fin2.get(c, []) for c in p1b)
    tap(len(p1a) > 0 and len(p1b) > 0 and len(p1a) + len(p1b) == 6 and answered,
        "p1: tshark: Kamailio spread the 6 INVITEs over both gateways (%d to gateway 1, %d to gateway 2), "
        "each answered 200 there" % (len(p1a), len(p1b)))


def check_busy_out(rs, gw2, blocked):
    after = [r for r in options_answers(rs, gw2) if r["t"] > blocked]
    first = after[0] if after else None
    ok = bool(first) and first["status"] == 503 and first["retry"] != "" and "cause=34" in first["reason"] \
        and first["warning"] != "" and first["t"] - blocked <= PROBE_INTERVAL + 1.0
    tap(ok, "p2: tshark: gateway 2's first OPTIONS answer after the block is 503 with Retry-After, "
        "Reason Q.850 cause 34 and a Warning, within one probe interval",
        "got %s" % (first if first else "no OPTIONS answer"))
    if first:
        print("# busy-out: gateway 2's first 503 to OPTIONS %.2f s after its circuits were blocked" % (first["t"] - blocked))
    return first


def check_out_of_rotation(rs, inv1, inv2, fin1, gw2, first503):
    t503 = first503["t"] if first503 else None
    back = [r for r in options_answers(rs, gw2) if t503 and r["t"] > t503 and r["status"] == 200]
    t200 = back[0]["t"] if back else float("inf")
    during = [c for c, t in inv2.items() if t503 and t503 < t < t200]
    p2a, p2b = phase(inv1, "p2"), phase(inv2, "p2")
    ok = t503 is not None and not during and not p2b and len(p2a) == 4 and \
        all(200 in fin1.get(c, []) for c in p2a)
    tap(ok, "p2: tshark: no INVITE to gateway 2 from its 503 until its next OPTIONS 200; the 4 calls "
        "went to gateway 1 and were answered there", "to gateway 2 meanwhile: %s; p2 to gateway 2: %s"
        % (during, sorted(p2b)))
    return t200


def check_back(inv2, fin2, t200):
    p3b = phase(inv2, "p3")
    ok = t200 != float("inf") and len(p3b) > 0 and all(200 in fin2.get(c, []) for c in p3b) and \
        all(t > t200 for t in p3b.values())
    tap(ok, "p3: tshark: gateway 2 answers OPTIONS 200 again and gets INVITEs again (%d), answered 200"
        % len(p3b))


def check_failover(rs, inv1, inv2, fin1, fin2, gw2):
    p4 = sorted(set(phase(inv1, "p4")) | set(phase(inv2, "p4")))
    n, bad = 0, []
    for c in p4:
        if c in inv2:
            early = [r for r in rs if r["cid"] == c and r["src"] == gw2 and 180 <= r["status"] < 190]
            good = set(fin2.get(c, [])) == {503} and not early and c in inv1 and inv1[c] > inv2[c] and 200 in fin1.get(c, [])
            n += 1
        else:
            good = 200 in fin1.get(c, [])
        if not good:
            bad.append(c)
    tap(len(p4) == 4 and n > 0 and not bad,
        "p4: tshark: %d of the 4 calls got 503 from gateway 2 without any 18x and the same INVITE then went "
        "to gateway 1 (ds_next_dst), answered 200" % n, "not so: %s" % bad)
    return n


def check_timeout(rs, inv1, inv2, fin1, fin2, gw2):
    p5 = sorted(set(phase(inv1, "p5")) | set(phase(inv2, "p5")))
    n, bad = 0, []
    for c in p5:
        if c in inv2 and inv2[c] < inv1.get(c, 0):
            # nothing from gateway 2 for this call before the INVITE went to gateway 1
            early = [r for r in rs if r["cid"] == c and r["src"] == gw2 and r["t"] < inv1[c]]
            good = not early and 200 in fin1.get(c, [])
            print("# timeout: INVITE to gateway 1 %.2f s after the one to the silent gateway 2" % (inv1.get(c, 0) - inv2[c]))
            n += 1
        else:
            good = c not in inv2 and 200 in fin1.get(c, [])
        if not good:
            bad.append(c)
    tap(len(p5) == 2 and n > 0 and not bad,
        "p5: tshark: %d of the 2 calls went to the silent gateway 2, got no reply there, then went to "
        "gateway 1 (ds_next_dst on timeout) and were answered 200" % n, "not so: %s" % bad)


def check_ingress(rs, gws, kam, core):
    """ISUP -> SIP: each gateway's INVITE to Kamailio went on to the core, 200 back, BYE both hops"""
    got = []
    for gw in gws:
        cids = {r["cid"] for r in rs if r["method"] == "INVITE" and r["src"] == gw and r["dst"] == kam}
        for c in cids:
            m = [r for r in rs if r["cid"] == c]
            hop = lambda a, b, meth=None, st=None, cs=None: any(
                r["src"] == a and r["dst"] == b and (meth is None or r["method"] == meth) and
                (st is None or r["status"] == st) and (cs is None or r["cseq"] == cs) for r in m)
            if hop(kam, core, "INVITE") and hop(core, kam, st=200, cs="INVITE") and \
               hop(kam, gw, st=200, cs="INVITE") and hop(gw, kam, "BYE") and hop(kam, core, "BYE") and \
               hop(core, kam, st=200, cs="BYE") and hop(kam, gw, st=200, cs="BYE"):
                got.append(gw)
    tap(all(g in got for g in gws) and len(got) == 2,
        "p0: tshark: each gateway's INVITE (ISUP -> SIP) went through Kamailio to the SIP core, 200 back, "
        "BYE and its 200 through Kamailio", "complete calls from: %s" % got)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gw1", required=True)
    ap.add_argument("--gw2", required=True)
    ap.add_argument("--kam", required=True)
    ap.add_argument("--core", required=True)
    ap.add_argument("--blocked", type=float, required=True, help="epoch after gateway 2's circuits were blocked")
    ap.add_argument("fields")
    o = ap.parse_args()
    rs = rows(o.fields)
    inv1, inv2 = invites(rs, o.kam, o.gw1), invites(rs, o.kam, o.gw2)
    fin1, fin2 = finals(rs, o.gw1), finals(rs, o.gw2)
    check_ingress(rs, (o.gw1, o.gw2), o.kam, o.core)
    check_spread(inv1, inv2, fin1, fin2)
    first503 = check_busy_out(rs, o.gw2, o.blocked)
    t200 = check_out_of_rotation(rs, inv1, inv2, fin1, o.gw2, first503)
    check_back(inv2, fin2, t200)
    n = check_failover(rs, inv1, inv2, fin1, fin2, o.gw2)
    check_timeout(rs, inv1, inv2, fin1, fin2, o.gw2)
    print("# invites-gw1 %d" % len(inv1))
    print("# invites-gw2 %d" % len(inv2))
    print("# failovers %d" % n)
    print("# rejected-gw2 %d" % (len(phase(inv2, "p4")) + len(phase(inv2, "p5"))))
    print("# rejected-gw2-p4 %d" % len(phase(inv2, "p4")))
    return 0


if __name__ == "__main__":
    sys.exit(main())

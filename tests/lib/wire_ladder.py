#!/usr/bin/env python3
"""One leg of a call as tshark's dissectors decode it from a test's capture (the M3UA re-wrapped
as SCTP by m3ua_rewrap.py, SIP as captured), written as one line of tokens, each followed by one
space, for a test to match against the behaviour a mapping row states (tests/iwf/e2e.test):

  ISUP leg "isup:PC_A:PC_B"   >TYPE[:CAUSE/LOC][(key=value,...)]   (">" A to B, "<" B to A;
                              copies towards the STP only; keys below, absent fields left out;
                              circuit group messages (GRS CGB CGU CQM and their answers) and
                              UPT/UPA left out: they are not a call's)
  SIP leg  "sip:IP_A:IP_B"    >METHOD[(key=value,...)][+ISUP][;cause=N[/LOC]]  or
                              <STATUS[/CSEQ-METHOD][+ISUP][;cause=N[/LOC]]
                              (keys of INVITE/UPDATE: ruri, from, pai (user parts; a tel: PAI's
                              number), privacy, sdp (the SDP's direction attribute, if any);
                              CSEQ-METHOD left out for responses to INVITE; +ISUP the type of the
                              ISUP message tshark finds in the body; ;cause= from Reason: Q.850;
                              OPTIONS and their answers are left out, and so are retransmissions:
                              a message whose first line, CSeq and RSeq were seen before)

LEG may join legs with "+" ("isup:0.23.3:0.23.2+sip:127.0.0.2:127.0.0.4"): their tokens in
capture order, for what one process does in order (a COT received, then the INVITE sent).

e.g. ">IAM(cdpn=301234567F,cgpn=40111222) <ACM(st=0x0001) <ANM >REL:16/2 <RLC " and
     ">INVITE(ruri=+49301234567,from=+4940111222,pai=+4940111222)+IAM <100 <180+ACM
      <200+ANM >ACK >BYE+REL;cause=16/LN <200/BYE+RLC " (one line)

usage: wire_ladder.py --m3ua-port P [--sip-port P]... [--from T0] [--to T1] [--cic N]
                      [--expect REGEX] PCAP LEG
(T0/T1: seconds since the epoch, the capture's clock; --cic: ISUP leg, that circuit only;
--expect: exit status 1 unless REGEX matches the whole line, which is printed either way).
"wire_ladder.py --dump ... PCAP" writes tshark's fields once (tab-separated, stdout); a PCAP
argument ending in .tsv is such a dump, read instead of running tshark again."""
import argparse
import re
import subprocess
import sys

# the row-relevant fields per ISUP message type (Q.763 parameter, tshark field)
KEYS = {
    "IAM": [("cdpn", "isup.called"), ("cdnai", "isup.called_party_nature_of_address_indicator"),
            ("cgpn", "isup.calling"), ("cgnai", "isup.calling_party_nature_of_address_indicator"),
            ("apri", "isup.address_presentation_restricted_indicator"), ("scr", "isup.screening_indicator"),
            ("cpc", "isup.calling_partys_category"), ("tmr", "isup.transmission_medium_requirement")],
    "ACM": [("st", "isup.called_partys_status_indicator"), ("ib", "isup.inband_information_ind")],
    "CPG": [("ev", "isup.event_ind"), ("ib", "isup.inband_information_ind")],
    "CON": [("ib", "isup.inband_information_ind")],
    "SUS": [("sri", "isup.suspend_resume_indicator")],
    "RES": [("sri", "isup.suspend_resume_indicator")],
}
MSG = {0x01: "IAM", 0x02: "SAM", 0x05: "COT", 0x06: "ACM", 0x07: "CON", 0x09: "ANM", 0x0c: "REL",
       0x0d: "SUS", 0x0e: "RES", 0x10: "RLC", 0x11: "CCR", 0x12: "RSC", 0x17: "GRS", 0x29: "GRA",
       0x2c: "CPG", 0x2d: "USR", 0x2f: "CFN", 0x33: "FAC", 0x41: "APM"}
BASE = ["frame.time_epoch", "sctp.dstport", "m3ua.protocol_data_opc", "m3ua.protocol_data_dpc",
        "m3ua.protocol_data_si", "isup.cic", "isup.message_type", "isup.cause_indicator",
        "q931.cause_location", "ip.src", "ip.dst", "udp.srcport", "udp.dstport", "sip.Method",
        "sip.Status-Code", "sip.Request-Line", "sip.Status-Line", "sip.CSeq", "sip.CSeq.method",
        "sip.RSeq", "sip.Reason", "sip.r-uri.user", "sip.from.user", "sip.pai.user", "sip.pai.addr", "sip.Privacy",
        "sdp.media_attr"]
# the row-relevant parts of an INVITE (RFC 3398 8.1 / 7.2.1.1) and of any SDP (direction)
SIP_KEYS = [("ruri", "sip.r-uri.user"), ("from", "sip.from.user"), ("pai", "sip.pai.user"),
            ("privacy", "sip.Privacy")]
SDP_DIR = ("sendrecv", "sendonly", "recvonly", "inactive")
GROUP = {0x17, 0x18, 0x19, 0x1a, 0x1b, 0x29, 0x2a, 0x2b, 0x34, 0x35}	# GRS CGB CGU CGBA CGUA GRA CQM CQR UPT UPA


def pc_int(s):
    a, b, c = (int(x) for x in s.split("."))
    return (a << 11) | (b << 3) | c


def first(v):
    return v.split(",")[0] if v else ""


def name(code):
    return MSG.get(code, "UNKNOWN(0x%02x)" % code)


def tshark(pcap, ports, fields):
    if pcap.endswith(".tsv"):
        with open(pcap) as f:
            for line in f:
                v = line.rstrip("\n").split("\t")
                yield dict(zip(fields, v + [""] * (len(fields) - len(v))))
        return
    cmd = ["tshark", "-n", "-r", pcap, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
           "-E", "aggregator=,", "-E", "quote=n"]
    for p in ports:
        cmd += ["-d", "udp.port==%d,sip" % p]
    for f in fields:
        cmd += ["-e", f]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("wire_ladder.py: tshark failed (%d): %s" % (r.returncode, r.stderr.strip()))
    for line in r.stdout.splitlines():
        v = line.split("\t")
        v += [""] * (len(fields) - len(v))
        yield dict(zip(fields, v))


def isup_token(r, d):
    t = name(int(first(r["isup.message_type"]), 0))
    s = d + t
    cause = first(r["isup.cause_indicator"])
    if t == "REL" and cause:
        loc = first(r["q931.cause_location"])
        s += ":%d" % int(cause, 0) + ("/%d" % int(loc, 0) if loc else "")
    kv = ["%s=%s" % (k, first(r[f])) for k, f in KEYS.get(t, []) if first(r[f])]
    return s + ("(%s)" % ",".join(kv) if kv else "")


def sip_token(r, d):
    meth, cseq_m = first(r["sip.Method"]), first(r["sip.CSeq.method"])
    if meth:
        s = d + meth
        if meth == "INVITE" or meth == "UPDATE":
            if not r["sip.pai.user"] and r["sip.pai.addr"]:	# tel: URI: the number itself
                r["sip.pai.user"] = re.sub(r"^tel:|[;@].*$", "", first(r["sip.pai.addr"]))
            kv = ["%s=%s" % (k, first(r[f])) for k, f in SIP_KEYS if first(r[f])]
            dirs = [a for a in r["sdp.media_attr"].split(",") if a in SDP_DIR]
            kv += ["sdp=" + dirs[0]] if dirs else []
            s += "(%s)" % ",".join(kv) if kv else ""
    else:
        s = d + first(r["sip.Status-Code"]) + ("" if cseq_m == "INVITE" else "/" + cseq_m)
    if r["isup.message_type"]:
        s += "+" + name(int(first(r["isup.message_type"]), 0))
    m = re.search(r"Q\.850\s*;\s*cause\s*=\s*(\d+)", r["sip.Reason"], re.I)
    if m:
        s += ";cause=" + m.group(1)
        lm = re.search(r";\s*location\s*=\s*([A-Za-z]+)", r["sip.Reason"])
        if lm:
            s += "/" + lm.group(1)
    return s


def leg_token(r, leg, o, seen):
    """the row's token on LEG ("isup:PC_A:PC_B" or "sip:IP_A:IP_B"), or None"""
    kind, a, b = leg.split(":")
    if kind == "isup":
        if not r["m3ua.protocol_data_opc"] or first(r["m3ua.protocol_data_si"]) != "5" \
           or r["sctp.dstport"] != str(o.m3ua_port) or not r["isup.message_type"] \
           or int(first(r["isup.message_type"]), 0) in GROUP:
            return None
        if o.cic is not None and first(r["isup.cic"]) and int(first(r["isup.cic"]), 0) != o.cic:
            return None
        opc, dpc = int(first(r["m3ua.protocol_data_opc"])), int(first(r["m3ua.protocol_data_dpc"]))
        if (opc, dpc) == (pc_int(a), pc_int(b)):
            return isup_token(r, ">")
        return isup_token(r, "<") if (opc, dpc) == (pc_int(b), pc_int(a)) else None
    if not (r["sip.Method"] or r["sip.Status-Code"]) or first(r["sip.CSeq.method"]) == "OPTIONS":
        return None
    src, dst = r["ip.src"], r["ip.dst"]
    d = ">" if (src, dst) == (a, b) else "<" if (src, dst) == (b, a) else None
    key = (d, r["sip.Request-Line"] or r["sip.Status-Line"], r["sip.CSeq"], r["sip.RSeq"])
    if d is None or key in seen:
        return None
    seen.add(key)
    return sip_token(r, d)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--m3ua-port", type=int, required=True)
    ap.add_argument("--sip-port", type=int, action="append", default=[])
    ap.add_argument("--from", dest="t0", type=float, default=0.0)
    ap.add_argument("--to", dest="t1", type=float, default=float("inf"))
    ap.add_argument("--cic", type=int)
    ap.add_argument("--expect")
    ap.add_argument("--dump", action="store_true")
    ap.add_argument("pcap")
    ap.add_argument("leg", nargs="?")
    o = ap.parse_args()
    fields = BASE + sorted({f for v in KEYS.values() for _, f in v})
    if o.dump:
        for r in tshark(o.pcap, o.sip_port, fields):
            print("\t".join(r[f] for f in fields))
        return
    out, seen = [], set()
    for r in tshark(o.pcap, o.sip_port, fields):
        t = float(r["frame.time_epoch"] or 0)
        if o.t0 <= t <= o.t1:
            out += [tok for tok in (leg_token(r, leg, o, seen) for leg in o.leg.split("+")) if tok]
    line = "".join(tok + " " for tok in out)
    print(line)
    if o.expect is not None and not re.fullmatch(o.expect, line):
        sys.exit(1)


if __name__ == "__main__":
    main()

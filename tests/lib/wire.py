#!/usr/bin/env python3
"""The wire oracle: what tshark's dissectors decode from a test's capture, against what the test
and its exchanges expected. Input: the capture re-wrapped by m3ua_rewrap.py (M3UA as SCTP, SIP
unchanged) and the number of M3UA messages the re-wrap wrote. One tshark pass extracts every
field; the checks print one TAP line each:

  count     tshark decodes as many M3UA messages as the re-wrap wrote, and more than none
  clean     no malformed packet and no expert info of severity error (M3UA, ISUP, SIP, SDP and
            the ISUP inside SIP-I/SIP-T bodies), except in messages the test injected broken
  relay     per OPC/DPC/CIC, the STP's copies towards the receivers are the messages it got,
            in order, with the same type, cause and M3UA length (a message counts once: its
            copy towards the STP)
  peers     per OPC/DPC/CIC, the ISUP messages the exchanges logged (">>" sent, "<<" received)
            are exactly the messages tshark saw them send and saw delivered to them
  expect    per circuit, the sequence the test stated (wire_expect / wire_expect_re)
  closing   "wire: tshark decoded N ISUP, M SIP, K malformed"

usage: wire.py --m3ua-port P --count K [--sip-port P]... [--peer LOG:PC]... [--expect FILE]
               [--allow-malformed OPC:DPC:N]... PCAP
An expectation line (FILE): "seq PC_A PC_B CIC TOKENS...", "re PC_A PC_B CICS REGEX" or
"count PC_A PC_B TOKEN N" (N messages from A to B, all CICs, match TOKEN) where a
token is [>|<]TYPE[:CAUSE[/LOCATION]] (">" A to B, "<" B to A), CICS is "N", "N-M" or "all",
and REGEX (the rest of the line, verbatim) must match the whole circuit's sequence written as
tokens with direction and cause, each followed by one space, e.g. ">IAM <ACM <ANM >REL:16/1 <RLC "."""
import argparse
import os
import re
import subprocess
import sys

# Q.763 Table 4: message type codes
MSG_NAMES = {
    0x01: "IAM", 0x02: "SAM", 0x03: "INR", 0x04: "INF", 0x05: "COT", 0x06: "ACM", 0x07: "CON",
    0x08: "FOT", 0x09: "ANM", 0x0c: "REL", 0x0d: "SUS", 0x0e: "RES", 0x10: "RLC", 0x11: "CCR",
    0x12: "RSC", 0x13: "BLO", 0x14: "UBL", 0x15: "BLA", 0x16: "UBA", 0x17: "GRS", 0x18: "CGB",
    0x19: "CGU", 0x1a: "CGBA", 0x1b: "CGUA", 0x1f: "FAR", 0x20: "FAA", 0x21: "FRJ", 0x24: "LPA",
    0x28: "PAM", 0x29: "GRA", 0x2a: "CQM", 0x2b: "CQR", 0x2c: "CPG", 0x2d: "USR", 0x2e: "UCIC",
    0x2f: "CFN", 0x30: "OLM", 0x31: "CRG", 0x32: "NRM", 0x33: "FAC", 0x34: "UPT", 0x35: "UPA",
    0x36: "IDR", 0x37: "IRS", 0x38: "SGM", 0x40: "LPR", 0x41: "APT", 0x42: "PRI", 0x43: "SAN",
}
MSG_CODES = {v: k for k, v in MSG_NAMES.items()}
EXPERT_ERROR = 0x00800000	# PI_ERROR in epan/proto.h
FIELDS = ["frame.number", "frame.time_epoch", "frame.protocols", "sctp.srcport", "sctp.dstport",
          "m3ua.protocol_data_opc", "m3ua.protocol_data_dpc", "m3ua.protocol_data_si",
          "isup.cic", "isup.message_type", "isup.cause_indicator", "q931.cause_location",
          "sip.Method", "sip.Status-Code", "_ws.expert.severity", "_ws.expert.message",
          "m3ua.message_length"]


def pc_int(s):
    """"0.23.2" (3.8.3) or a plain number"""
    if "." in s:
        a, b, c = (int(x) for x in s.split("."))
        return (a << 11) | (b << 3) | c
    return int(s)


def pc_str(n):
    return "%d.%d.%d" % (n >> 11, (n >> 3) & 0xff, n & 7)


def msg_name(code):
    if code is None:
        return "?"
    return MSG_NAMES.get(code, "UNKNOWN(0x%02x)" % code)


def msg_code(name):
    if name in MSG_CODES:
        return MSG_CODES[name]
    m = re.fullmatch(r"UNKNOWN\(0x([0-9a-fA-F]{2})\)", name)
    if m:
        return int(m.group(1), 16)
    raise ValueError("unknown ISUP message name %r" % name)


class Tok:
    """one ISUP message as the checks compare it: type, and cause value/location when present"""

    def __init__(self, code, cause=None, loc=None, d=None):
        self.code, self.cause, self.loc, self.dir = code, cause, loc, d

    def __str__(self):
        s = (self.dir or "") + msg_name(self.code)
        if self.cause is not None:
            s += ":%d" % self.cause + ("/%d" % self.loc if self.loc is not None else "")
        return s

    def matches(self, exp):
        """exp's stated parts equal ours (an undecodable message logged by a peer: any type)"""
        if exp.code is not None and self.code is not None and exp.code != self.code:
            return False
        if exp.dir is not None and exp.dir != self.dir:
            return False
        if exp.cause is not None and exp.cause != self.cause:
            return False
        return exp.loc is None or exp.loc == self.loc


def parse_tok(s):
    m = re.fullmatch(r"([<>]?)([A-Z]+|UNKNOWN\(0x[0-9a-fA-F]{2}\))(?::(\d+)(?:/(\d+))?)?", s)
    if not m:
        raise ValueError("bad expectation token %r" % s)
    return Tok(msg_code(m.group(2)), int(m.group(3)) if m.group(3) else None,
               int(m.group(4)) if m.group(4) else None, m.group(1) or None)


def first(v):
    return v.split(",")[0] if v else ""


def run_tshark(pcap, sip_ports):
    cmd = ["tshark", "-n", "-r", pcap, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
           "-E", "aggregator=,", "-E", "quote=n"]
    for p in sip_ports:
        cmd += ["-d", "udp.port==%d,sip" % p, "-d", "tcp.port==%d,sip" % p]
    for f in FIELDS:
        cmd += ["-e", f]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("wire.py: tshark failed (%d): %s" % (r.returncode, r.stderr.strip()))
    rows = []
    for line in r.stdout.splitlines():
        v = line.split("\t")
        v += [""] * (len(FIELDS) - len(v))
        rows.append(dict(zip(FIELDS, v)))
    return rows


def isup_rows(rows, m3ua_port):
    """(time, towards_stp, opc, dpc, cic, Tok, frame) of every ISUP message in M3UA DATA"""
    out = []
    for r in rows:
        if not r["m3ua.protocol_data_opc"] or first(r["m3ua.protocol_data_si"]) != "5":
            continue
        if not r["isup.message_type"]:
            out.append((float(r["frame.time_epoch"]), r["sctp.dstport"] == str(m3ua_port),
                        int(first(r["m3ua.protocol_data_opc"])), int(first(r["m3ua.protocol_data_dpc"])),
                        -1, Tok(None), r["frame.number"]))
            continue
        cause = first(r["isup.cause_indicator"])
        loc = first(r["q931.cause_location"])
        tok = Tok(int(first(r["isup.message_type"]), 0), int(cause, 0) if cause else None,
                  int(loc, 0) if loc else None)
        tok.size = first(r["m3ua.message_length"])	# the relay check compares the lengths too
        out.append((float(r["frame.time_epoch"]), r["sctp.dstport"] == str(m3ua_port),
                    int(first(r["m3ua.protocol_data_opc"])), int(first(r["m3ua.protocol_data_dpc"])),
                    int(first(r["isup.cic"]), 0), tok, r["frame.number"]))
    return out


def check(ok, name, detail=()):
    print(("ok " if ok else "not ok ") + name)
    for d in list(detail)[:40]:
        print("#   " + d)
    return ok


def check_count(rows, count):
    n = sum(1 for r in rows if "m3ua" in r["frame.protocols"].split(":"))
    return check(n == count and count > 0,
                 "wire: M3UA re-wrap wrote %d messages, tshark decodes %d (> 0)" % (count, n))


def check_clean(rows, allowed, m3ua_port):
    """allowed: (OPC, DPC) -> the number of messages the test sent broken on purpose, each of
    which tshark must find malformed (counted once: the copy towards the STP)"""
    bad, tolerated, seen = [], 0, {}
    for r in rows:
        sev = [int(s, 0) for s in r["_ws.expert.severity"].split(",") if s]
        malformed = "_ws.malformed" in r["frame.protocols"].split(":")
        if not malformed and not any(s >= EXPERT_ERROR for s in sev):
            continue
        key = None
        if r["m3ua.protocol_data_opc"]:
            key = (int(first(r["m3ua.protocol_data_opc"])), int(first(r["m3ua.protocol_data_dpc"])))
        if key in allowed:
            tolerated += 1
            if r["sctp.dstport"] == str(m3ua_port):
                seen.setdefault(key, []).append(first(r["isup.cic"]) or "?")
            continue
        bad.append("frame %s (%s): %s" % (r["frame.number"], r["frame.protocols"],
                                          r["_ws.expert.message"] or "malformed"))
    for key, n in allowed.items():
        got = seen.get(key, [])
        if len(got) != n:
            bad.append("%s->%s: %d broken messages injected, tshark finds %d malformed (cic %s)"
                       % (pc_str(key[0]), pc_str(key[1]), n, len(got), " ".join(got)))
        else:
            print("#   injected broken %s->%s, malformed as expected: cic %s"
                  % (pc_str(key[0]), pc_str(key[1]), " ".join(got)))
    what = " (%d injected broken by the test)" % sum(allowed.values()) if allowed else ""
    check(not bad, "wire: no malformed packet, no expert error in M3UA/ISUP/SIP/SDP%s" % what, bad)
    return len(bad), sum(len(v) for v in seen.values())


def per_key(msgs, towards):
    seqs = {}
    for t, tw, opc, dpc, cic, tok, fr in msgs:
        if tw == towards:
            seqs.setdefault((opc, dpc, cic), []).append(tok)
    return seqs


def key_str(k):
    return "%s->%s cic %d" % (pc_str(k[0]), pc_str(k[1]), k[2])


def seq_str(seq):
    return " ".join(str(t) for t in seq) or "(none)"


def check_relay(sent, delivered):
    """every copy from the STP is, in order, one of the messages sent towards it for that key"""
    bad, dropped = [], 0
    for k, got in sorted(delivered.items()):
        src, i = sent.get(k, []), 0
        for tok in got:
            while i < len(src) and not (src[i].code == tok.code and src[i].cause == tok.cause
                                        and src[i].loc == tok.loc
                                        and getattr(src[i], "size", None) == getattr(tok, "size", None)):
                i += 1
            if i == len(src):
                bad.append("%s: STP delivered %s, sent towards it: %s" % (key_str(k), seq_str(got),
                                                                            seq_str(sent.get(k, []))))
                break
            i += 1
    for k, src in sorted(sent.items()):
        n = len(src) - len(delivered.get(k, []))
        if n > 0:
            dropped += n
            print("#   not delivered (no receiver up): %d of %s: %s" % (n, key_str(k), seq_str(src)))
    check(not bad, "wire: the STP relayed each ISUP message unchanged and in order (%d not delivered:"
          " no receiver up)" % dropped, bad)
    return not bad


LOG_RE = re.compile(r"^\[\s*[\d.]+\] (>>|<<) (to|from) (\d+\.\d+\.\d+) (\S+) cic=(\d+)(.*)$")
RAW_RE = re.compile(r"^\[\s*[\d.]+\] >> to (\d+\.\d+\.\d+) raw \d+ octets: ([0-9a-fA-F ]+)$")
UNDEC_RE = re.compile(r"^\[\s*[\d.]+\] << from (\d+\.\d+\.\d+) undecodable")


def peer_logs(specs):
    """the exchanges' logs: per OPC/DPC/CIC what each sent (>>) and received (<<)"""
    sent, rcvd, pcs = {}, {}, set()
    # runs in the order they ended (a kept log keeps its time stamp): the logs' own times are
    # relative to each run's start, and the harness keeps some logs only at the end of the test
    for spec in sorted(specs, key=lambda s: os.path.getmtime(s.rsplit(":", 1)[0])):
        path, pc = spec.rsplit(":", 1)
        own = pc_int(pc)
        pcs.add(own)
        with open(path, errors="replace") as f:
            for line in f:
                line = line.rstrip("\n")
                m = LOG_RE.match(line)
                if m:
                    d, other, name, cic, rest = m.group(1), pc_int(m.group(3)), m.group(4), int(m.group(5)), m.group(6)
                    c = re.search(r" cause=(\d+)(?: loc=(\d+))?", rest)
                    tok = Tok(msg_code(name), int(c.group(1)) if c else None,
                              int(c.group(2)) if c and c.group(2) else None)
                    if d == ">>":
                        sent.setdefault((own, other, cic), []).append(tok)
                    else:
                        rcvd.setdefault((other, own, cic), []).append(tok)
                    continue
                m = RAW_RE.match(line)
                if m:
                    raw = bytes.fromhex(m.group(2).replace(" ", ""))
                    cic = (raw[0] | (raw[1] << 8)) & 0x0fff
                    sent.setdefault((own, pc_int(m.group(1)), cic), []).append(Tok(raw[2]))
                    continue
                m = UNDEC_RE.match(line)
                if m:	# the CIC is not logged: any key from that OPC, checked loosely below
                    rcvd.setdefault((pc_int(m.group(1)), own, None), []).append(Tok(None))
    return sent, rcvd, pcs


def same_seq(actual, logged):
    """tshark's sequence equals the logged one (a logged loc absent: any location)"""
    if len(actual) != len(logged):
        return False
    return all(a.code == b.code and a.cause == b.cause and (b.loc is None or a.loc == b.loc)
               for a, b in zip(actual, logged))


def check_peers(sent, delivered, specs):
    psent, prcvd, pcs = peer_logs(specs)
    undec = {k[0]: len(v) for k, v in prcvd.items() if k[2] is None}
    bad = []
    for k in sorted(set(psent) | {k for k in sent if k[0] in pcs}):
        if not same_seq(sent.get(k, []), psent.get(k, [])):
            bad.append("%s: tshark saw sent %s; exchange logged >> %s" % (
                key_str(k), seq_str(sent.get(k, [])), seq_str(psent.get(k, []))))
    for k in sorted({k for k in prcvd if k[2] is not None} | {k for k in delivered if k[1] in pcs}):
        got = delivered.get(k, [])
        logged = prcvd.get(k, [])
        if not same_seq(got, logged):	# an undecodable message: counted, not compared
            if k[0] in undec and len(got) > len(logged) and undec[k[0]] >= len(got) - len(logged):
                undec[k[0]] -= len(got) - len(logged)
                continue
            bad.append("%s: tshark saw delivered %s; exchange logged << %s" % (
                key_str(k), seq_str(got), seq_str(logged)))
    n = sum(len(v) for v in psent.values()) + sum(len(v) for v in prcvd.values())
    check(not bad and n > 0, "wire: ISUP per OPC/DPC/CIC equals the exchanges' logs (%d runs,"
          " %d messages logged)" % (len(specs), n), bad)


def cic_set(spec):
    if spec == "all":
        return None
    a, _, b = spec.partition("-")
    return set(range(int(a), int(b or a) + 1))


def circuit_seq(msgs, a, b, cic):
    """the circuit's messages between a and b, both directions, in capture order (copies
    towards the STP)"""
    seq = []
    for t, tw, opc, dpc, c, tok, fr in sorted(msgs, key=lambda m: m[0]):
        if tw and c == cic and {opc, dpc} == {a, b}:
            seq.append(Tok(tok.code, tok.cause, tok.loc, ">" if opc == a else "<"))
    return seq


def check_expect(msgs, path):
    bad, n = [], 0
    with open(path) as f:
        lines = [ln.rstrip("\n") for ln in f if ln.strip() and not ln.startswith("#")]
    for ln in lines:
        w = ln.split()
        n += 1
        a, b = pc_int(w[1]), pc_int(w[2])
        if w[0] == "seq":
            exp = [parse_tok(s) for s in w[4:]]
            got = circuit_seq(msgs, a, b, int(w[3]))
            if len(got) != len(exp) or not all(g.matches(e) for g, e in zip(got, exp)):
                bad.append("%s<->%s cic %s: expected %s, tshark decoded %s" % (
                    w[1], w[2], w[3], " ".join(w[4:]), seq_str(got)))
        elif w[0] == "re":
            rx = re.compile(ln.split(None, 4)[4].lstrip() if len(w) > 4 else "")
            cics = cic_set(w[3])
            seen = {m[4] for m in msgs if m[1] and {m[2], m[3]} == {a, b} and m[4] >= 0}
            want = seen if cics is None else cics
            if not seen & want:
                bad.append("%s<->%s cics %s: no ISUP message at all" % (w[1], w[2], w[3]))
            for cic in sorted(want):
                s = "".join(str(t) + " " for t in circuit_seq(msgs, a, b, cic))
                if not rx.fullmatch(s):
                    bad.append("%s<->%s cic %d: %s does not match %s" % (w[1], w[2], cic, s, rx.pattern))
        elif w[0] == "count":
            want = parse_tok(w[3])
            got = sum(1 for m in msgs if m[1] and (m[2], m[3]) == (a, b) and m[5].matches(want))
            if got != int(w[4]):
                bad.append("%s->%s: %s %s messages expected, tshark decoded %d" % (w[1], w[2], w[4], w[3], got))
        else:
            bad.append("bad expectation line: %s" % " ".join(w))
    check(not bad, "wire: ISUP per circuit equals the test's %d expectation(s)" % n, bad)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--m3ua-port", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--sip-port", type=int, action="append", default=[])
    ap.add_argument("--peer", action="append", default=[])
    ap.add_argument("--expect")
    ap.add_argument("--allow-malformed", action="append", default=[])
    ap.add_argument("pcap")
    o = ap.parse_args()
    rows = run_tshark(o.pcap, o.sip_port)
    allowed = {}
    for a in o.allow_malformed:
        opc, dpc, n = a.split(":")
        allowed[(pc_int(opc), pc_int(dpc))] = int(n)
    check_count(rows, o.count)
    nbad, tolerated = check_clean(rows, allowed, o.m3ua_port)
    msgs = isup_rows(rows, o.m3ua_port)
    sent, delivered = per_key(msgs, True), per_key(msgs, False)
    check_relay(sent, delivered)
    if o.peer:
        check_peers(sent, delivered, o.peer)
    if o.expect:
        check_expect(msgs, o.expect)
    n_isup = sum(1 for m in msgs if m[1])
    n_sip = sum(len([x for x in r["sip.Method"].split(",") if x]) +
                len([x for x in r["sip.Status-Code"].split(",") if x]) for r in rows)
    n_body = sum(1 for r in rows if r["sip.Method"] + r["sip.Status-Code"] and r["isup.message_type"])
    extra = " (+%d injected broken)" % tolerated if tolerated else ""
    print("CLOSING %d %d %d %d%s" % (n_isup, n_sip, n_body, nbad, extra))


if __name__ == "__main__":
    main()

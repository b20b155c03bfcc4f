#!/usr/bin/env python3
"""A minimal SIP UAC over UDP for SIP-I tests: one INVITE whose body is an SDP and, with --iam,
an ISUP IAM built here from the Q.763 formats (independently of the gateway's codec). SIPp
cannot carry binary bodies (its scenarios are text: NUL octets end them, LF becomes CRLF), so
this stimulus sends them; the verdicts come from tshark on the capture, not from this script.

usage: sipi_uac.py --local IP:PORT --gw IP:PORT --ruri USER [options]
  --from USER --pai URI --privacy VALUE --max-forwards N
  --iam cdpn=DIGITS[,cgpn=DIGITS][,apri=0|1][,hop=N][,tmr=N]   the encapsulated IAM (national numbers)
  --diversion VALUE --clearmode          a Diversion header; an SDP offering CLEARMODE alone (RFC 4040)
  --bye-after SEC [--bye-reason VALUE]   answered: send BYE after SEC (Reason header VALUE)
  --wait-bye SEC                         answered: wait up to SEC for the gateway's BYE (200 sent)
  --session-expires SEC                  RFC 4028: Require: timer, Session-Expires SEC;refresher=uac
                                         (and never refresh)
  --expect CODE                          the final response wanted (default 200)
usage: sipi_uac.py --local IP:PORT --gw IP:PORT --uas CODE --rel CAUSE,LOC,DIAG [--wait SEC]
  UAS: answers the gateway's INVITE with 100, then CODE with a SIP-I REL body (Q.763 Table 26)
Prints "RX <code|method>" per message; exit status 0 when the call went as asked."""
import argparse
import random
import socket
import sys
import time


def bcd(digits):
    """Q.763 3.9: address signals, two per octet, the first in the low nibble; odd count flag"""
    nib = [0xF if d in "Ff" else int(d) for d in digits]
    odd = len(nib) % 2
    if odd:
        nib.append(0)
    return odd, bytes(nib[i] | (nib[i + 1] << 4) for i in range(0, len(nib), 2))


def called_number(digits):
    # Q.763 3.9: odd/even + NAI national (3); INN 0, NPI ISDN (1)
    odd, sig = bcd(digits)
    return bytes([odd << 7 | 0x03, 0x10]) + sig


def calling_number(digits, apri):
    # Q.763 3.10: odd/even + NAI national (3); NI 0, NPI 1, APRI, screening network provided (3)
    odd, sig = bcd(digits)
    return bytes([odd << 7 | 0x03, 0x10 | (apri & 3) << 2 | 0x03]) + sig


def iam(spec):
    """Q.763 Table 32: type, NCI, FCI, CPC, TMR, pointers, CdPN, optional part"""
    f = dict(kv.split("=", 1) for kv in spec.split(","))
    cdpn = called_number(f["cdpn"])
    opt = b""
    if "cgpn" in f:
        v = calling_number(f["cgpn"], int(f.get("apri", "0")))
        opt += bytes([0x0a, len(v)]) + v
    if "hop" in f:
        opt += bytes([0x3d, 1, int(f["hop"]) & 0x1f])
    # NCI 0 (no satellite, no continuity check, no echo device); FCI: national, ISUP all the way,
    # originating access ISDN; CPC ordinary subscriber (0x0a); TMR (Q.763 3.54) speech (0) or tmr=
    fixed = bytes([0x01, 0x00, 0x20, 0x01, 0x0a, int(f.get("tmr", "0"))])
    body = bytes([len(cdpn)]) + cdpn
    ptr_opt = (1 + len(body)) if opt else 0
    return fixed + bytes([2, ptr_opt]) + body + (opt + b"\x00" if opt else b"")


def rel(spec):
    """Q.763 Table 26: type 0x0c, pointer to the cause (2), no optional part; cause indicators
    (Q.850 2.2.5): ext|coding 0|spare|location, ext|cause value, diagnostic octets"""
    cause, loc, diag = spec.split(",")
    c = bytes([0x80 | int(loc), 0x80 | int(cause)]) + bytes.fromhex(diag)
    return bytes([0x0c, 0x02, 0x00, len(c)]) + c


def uas(a):
    lip, lport = a.local.rsplit(":", 1)
    gw = (a.gw.rsplit(":", 1)[0], int(a.gw.rsplit(":", 1)[1]))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((lip, int(lport)))
    s.settimeout(a.wait)
    tag = "s%d" % random.randrange(1 << 20)
    sent = None
    deadline = time.time() + a.wait
    while time.time() < deadline:
        try:
            data, src = s.recvfrom(65535)
        except socket.timeout:
            break
        head = data.split(b"\r\n\r\n", 1)[0].decode(errors="replace").split("\r\n")
        method = head[0].split()[0]
        print("RX " + method)
        if method == "ACK":
            return 0 if sent else 1
        h = {}
        for line in head[1:]:
            k, _, v = line.partition(":")
            h.setdefault(k.strip().lower(), v.strip())
        base = ["Via: " + h.get("via", ""), "From: " + h.get("from", ""), "To: %s;tag=%s" % (h.get("to", ""), tag),
                "Call-ID: " + h.get("call-id", ""), "CSeq: " + h.get("cseq", "")]
        def reply(start, body=b"", ctype=None):
            hdrs = base + (["Content-Type: " + ctype, "Content-Disposition: signal;handling=optional"] if ctype else [])
            msg = ("\r\n".join([start] + hdrs + ["Content-Length: %d" % len(body)]) + "\r\n\r\n").encode() + body
            s.sendto(msg, src)
        if method != "INVITE":
            reply("SIP/2.0 200 OK")
            continue
        reply("SIP/2.0 100 Trying")
        reply("SIP/2.0 %d Final" % a.uas, rel(a.rel), "application/ISUP;version=itu-t92+")
        sent = True
    return 1


class Uac:
    def __init__(self, a):
        self.a = a
        lip, lport = a.local.rsplit(":", 1)
        self.gw = (a.gw.rsplit(":", 1)[0], int(a.gw.rsplit(":", 1)[1]))
        self.lip, self.lport = lip, int(lport)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((lip, self.lport))
        self.callid = "sipi-%d@%s" % (random.randrange(1 << 30), lip)
        self.tag = "u%d" % random.randrange(1 << 20)
        self.to_tag = ""
        self.branch = "z9hG4bK-%d" % random.randrange(1 << 30)
        self.cseq = 1

    def hdr_common(self, method, cseq, branch):
        a = self.a
        to = "<sip:%s@%s:%d;user=phone>" % (a.ruri, *self.gw)
        return ["Via: SIP/2.0/UDP %s:%d;branch=%s" % (self.lip, self.lport, branch),
                "From: <sip:%s@%s;user=phone>;tag=%s" % (a.from_user, self.lip, self.tag),
                "To: %s%s" % (to, ";tag=" + self.to_tag if self.to_tag and method != "INVITE" else ""),
                "Call-ID: " + self.callid, "CSeq: %d %s" % (cseq, method),
                "Max-Forwards: %d" % a.max_forwards]

    def send(self, start, hdrs, body=b"", ctype=None):
        if ctype:
            hdrs = hdrs + ["Content-Type: " + ctype]
        msg = ("\r\n".join([start] + hdrs + ["Content-Length: %d" % len(body)]) + "\r\n\r\n").encode() + body
        self.sock.sendto(msg, self.gw)

    def invite(self):
        a = self.a
        codec = "97\r\na=rtpmap:97 CLEARMODE/8000" if a.clearmode else "8\r\na=rtpmap:8 PCMA/8000"
        sdp = ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio 46000 RTP/AVP %s\r\n"
               % (self.lip, self.lip, codec)).encode()
        hdrs = self.hdr_common("INVITE", 1, self.branch) + ["Contact: <sip:uac@%s:%d>" % (self.lip, self.lport)]
        if a.pai:
            hdrs.append("P-Asserted-Identity: " + a.pai)
        if a.privacy:
            hdrs.append("Privacy: " + a.privacy)
        if a.diversion:
            hdrs.append("Diversion: " + a.diversion)
        if a.session_expires:
            hdrs += ["Supported: timer", "Require: timer",
                     "Session-Expires: %d;refresher=uac" % a.session_expires]
        if not a.iam:
            return "sip:%s@%s:%d;user=phone SIP/2.0" % (a.ruri, *self.gw), hdrs, sdp, "application/sdp"
        isup = iam(a.iam)
        body = (b"--b1\r\nContent-Type: application/sdp\r\n\r\n" + sdp +
                b"\r\n--b1\r\nContent-Type: application/ISUP;version=itu-t92+\r\n"
                b"Content-Disposition: signal;handling=optional\r\n\r\n" + isup + b"\r\n--b1--\r\n")
        return "sip:%s@%s:%d;user=phone SIP/2.0" % (a.ruri, *self.gw), hdrs, body, "multipart/mixed;boundary=b1"

    def recv(self, timeout):
        self.sock.settimeout(timeout)
        try:
            data, _ = self.sock.recvfrom(65535)
        except socket.timeout:
            return None
        head = data.split(b"\r\n\r\n", 1)[0].decode(errors="replace").split("\r\n")
        h = {}
        for line in head[1:]:
            k, _, v = line.partition(":")
            h.setdefault(k.strip().lower(), v.strip())
        return head[0], h

    def answer_request(self, start, h):
        # 200 to a BYE (or anything) from the gateway: the request's Via/From/To/Call-ID/CSeq
        hdrs = ["Via: " + h.get("via", ""), "From: " + h.get("from", ""), "To: " + h.get("to", ""),
                "Call-ID: " + h.get("call-id", ""), "CSeq: " + h.get("cseq", "")]
        self.send("SIP/2.0 200 OK", hdrs)

    def ack(self, code, h):
        to = h.get("to", "")
        if "tag=" in to:
            self.to_tag = to.split("tag=", 1)[1].split(";")[0]
        branch = self.branch if code >= 300 else "z9hG4bK-a%d" % random.randrange(1 << 30)
        self.send("ACK sip:%s@%s:%d;user=phone SIP/2.0" % (self.a.ruri, *self.gw), self.hdr_common("ACK", 1, branch))

    def final(self):
        start, hdrs, body, ctype = self.invite()
        self.send("INVITE " + start, hdrs, body, ctype)
        deadline, last, got_1xx = time.time() + 30, time.time(), False
        while time.time() < deadline:
            r = self.recv(0.5)
            if r is None:
                if not got_1xx and time.time() - last > 0.5:
                    self.send("INVITE " + start, hdrs, body, ctype)	# RFC 3261 Timer A
                    last = time.time()
                continue
            line, h = r
            if not line.startswith("SIP/2.0"):
                print("RX " + line.split()[0])
                self.answer_request(line, h)
                continue
            code = int(line.split()[1])
            print("RX %d" % code)
            got_1xx = True
            if code >= 200 and "INVITE" in h.get("cseq", ""):
                self.ack(code, h)
                return code
        return None

    def bye(self):
        hdrs = self.hdr_common("BYE", 2, "z9hG4bK-b%d" % random.randrange(1 << 30))
        if self.a.bye_reason:
            hdrs.append("Reason: " + self.a.bye_reason)
        self.send("BYE sip:%s@%s:%d SIP/2.0" % (self.a.ruri, *self.gw), hdrs)
        return self.wait_for(lambda line: line.startswith("SIP/2.0 200"), 5)

    def wait_for(self, pred, sec):
        deadline = time.time() + sec
        while time.time() < deadline:
            r = self.recv(max(0.05, deadline - time.time()))
            if r is None:
                continue
            line, h = r
            print("RX " + (line.split()[1] if line.startswith("SIP/2.0") else line.split()[0]))
            if not line.startswith("SIP/2.0"):
                self.answer_request(line, h)
            elif "INVITE" in h.get("cseq", ""):
                self.ack(200, h)	# a retransmitted 2xx
            if pred(line):
                return True
        return False


def main():
    p = argparse.ArgumentParser(usage=__doc__)
    p.add_argument("--local", required=True)
    p.add_argument("--gw", required=True)
    p.add_argument("--uas", type=int)
    p.add_argument("--rel", default="16,2,")
    p.add_argument("--wait", type=float, default=15)
    p.add_argument("--ruri")
    p.add_argument("--from", dest="from_user", default="anonymous")
    p.add_argument("--pai", default="")
    p.add_argument("--privacy", default="")
    p.add_argument("--max-forwards", type=int, default=70)
    p.add_argument("--iam", default="")
    p.add_argument("--bye-after", type=float)
    p.add_argument("--bye-reason", default="")
    p.add_argument("--wait-bye", type=float)
    p.add_argument("--expect", type=int, default=200)
    p.add_argument("--session-expires", type=int, default=0)
    p.add_argument("--diversion", default="")
    p.add_argument("--clearmode", action="store_true")
    a = p.parse_args()
    if a.uas:
        return uas(a)
    u = Uac(a)
    code = u.final()
    if code != a.expect:
        print("final response %s, expected %d" % (code, a.expect))
        return 1
    if code != 200:
        return 0
    if a.bye_after is not None:
        time.sleep(a.bye_after)
        return 0 if u.bye() else 1
    if a.wait_bye is not None:
        return 0 if u.wait_for(lambda line: line.startswith("BYE"), a.wait_bye) else 1
    return 0


sys.exit(main())

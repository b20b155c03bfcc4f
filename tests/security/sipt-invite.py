#!/usr/bin/env python3
"""Send one INVITE over UDP from 127.0.0.1 to the gateway (HOST PORT) with an optional
P-Asserted-Identity, an optional Privacy header and an optional SIP-T body (multipart/mixed: SDP +
application/ISUP, the ISUP message given in hex, from the message type on - RFC 3204), wait for
the final response, ACK it and print its status code (or NONE).
usage: sipt-invite.py HOST PORT [--pai USER] [--privacy VALUE] [--isup HEX] [--wait S]"""
import random, socket, sys, time

host, port = sys.argv[1], int(sys.argv[2])
opt = lambda n, d=None: sys.argv[sys.argv.index(n) + 1] if n in sys.argv else d
pai, isup, wait = opt("--pai"), opt("--isup"), float(opt("--wait", "15"))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
lport = s.getsockname()[1]
tok = "%08x" % random.getrandbits(32)
sdp = (b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
       b"m=audio 40000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n")
if isup:
    bnd = b"sipt-" + tok.encode()
    body = (b"--" + bnd + b"\r\nContent-Type: application/sdp\r\n\r\n" + sdp +
            b"--" + bnd + b"\r\nContent-Type: application/ISUP;version=itu-t92+\r\n"
            b"Content-Disposition: signal;handling=optional\r\n\r\n" + bytes.fromhex(isup) +
            b"\r\n--" + bnd + b"--\r\n")
    ctype = b"multipart/mixed;boundary=" + bnd
else:
    body, ctype = sdp, b"application/sdp"
ruri = "sip:+49301234567@%s:%d;user=phone" % (host, port)
hdr = ("INVITE %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%s\r\n"
       "From: <sip:+4940111222@127.0.0.1;user=phone>;tag=f%s\r\nTo: <%s>\r\nCall-ID: %s@127.0.0.1\r\n"
       "CSeq: 1 INVITE\r\nContact: <sip:t@127.0.0.1:%d>\r\nMax-Forwards: 70\r\n"
       % (ruri, lport, tok, tok, ruri, tok, lport))
if pai:
    hdr += "P-Asserted-Identity: <sip:%s@127.0.0.1;user=phone>\r\n" % pai
if opt("--privacy"):
    hdr += "Privacy: %s\r\n" % opt("--privacy")
msg = hdr.encode() + b"Content-Type: " + ctype + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body
s.sendto(msg, (host, port))
s.settimeout(0.2)
end = time.time() + wait
code = "NONE"
while time.time() < end:
    try:
        resp, _ = s.recvfrom(65535)
    except socket.timeout:
        continue
    lines = resp.decode(errors="replace").split("\r\n")
    if not lines[0].startswith("SIP/2.0 ") or lines[0].startswith("SIP/2.0 1"):
        continue
    code = lines[0].split()[1]
    to = [l for l in lines if l.lower().startswith(("to:", "t:"))][0].split(":", 1)[1].strip()
    ack = ("ACK %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%s\r\n"
           "From: <sip:+4940111222@127.0.0.1;user=phone>;tag=f%s\r\nTo: %s\r\nCall-ID: %s@127.0.0.1\r\n"
           "CSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n" % (ruri, lport, tok, tok, to, tok))
    s.sendto(ack.encode(), (host, port))
    break
print(code)

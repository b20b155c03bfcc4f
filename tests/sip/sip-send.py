#!/usr/bin/env python3
"""Send one raw SIP message (stdin) over UDP to 127.0.0.1:PORT from an ephemeral port and print the
final (non-100) response's status line and Warning header, or NONE if nothing came within the wait.
usage: sip-send.py PORT [--raw] [--wait S] [--size N]
  Placeholders: @LPORT@ (our port), @ID@ (random token), @CL@ (length of the body). Unless --raw, LF becomes CRLF.
  --size N pads the message with a long header to N octets."""
import random, socket, sys, time
port = int(sys.argv[1])
raw = "--raw" in sys.argv
wait = float(sys.argv[sys.argv.index("--wait") + 1]) if "--wait" in sys.argv else 1.0
size = int(sys.argv[sys.argv.index("--size") + 1]) if "--size" in sys.argv else 0
data = sys.stdin.buffer.read()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
lport = s.getsockname()[1]
data = data.replace(b"@LPORT@", str(lport).encode()).replace(b"@ID@", ("%08x" % random.getrandbits(32)).encode())
if not raw:
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
if b"@CL@" in data:
    body = data.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in data else b""
    data = data.replace(b"@CL@", str(len(body)).encode())
if size and len(data) < size:
    pad = b"X-Pad: " + b"a" * (size - len(data) - 9) + b"\r\n"
    i = data.index(b"\r\n") + 2
    data = data[:i] + pad + data[i:]
s.sendto(data, ("127.0.0.1", port))
s.settimeout(0.1)
end = time.time() + wait
while time.time() < end:
    try:
        resp, _ = s.recvfrom(65535)
    except socket.timeout:
        continue
    lines = resp.decode(errors="replace").split("\r\n")
    if lines[0].startswith("SIP/2.0 1"):
        continue
    warn = [l for l in lines if l.lower().startswith("warning:")]
    reason = [l for l in lines if l.lower().startswith(("unsupported:", "require:"))]
    print(lines[0], "|", warn[0] if warn else "", "|", reason[0] if reason else "")
    # ACK final responses to INVITE so that no retransmissions linger
    sys.exit(0)
print("NONE")

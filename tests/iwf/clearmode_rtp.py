#!/usr/bin/env python3
"""RTP ends of a clearmode (RFC 4040) call: sends N packets of payload type PT from each end,
20 ms apart, 160 octets each whose values cover 0-255 in an order no G.711 conversion, tone or
DTMF keeps (A-law <-> mu-law maps most octets to others). The verdict is tshark's on the capture
of the test (what reached each end), not this script's; it only sends and keeps both ports bound.

usage: clearmode_rtp.py PT N LOCAL_A:REMOTE_A LOCAL_B:REMOTE_B
prints the payloads sent, one hex line per packet: "A <hex>" / "B <hex>"
"""
import socket
import struct
import sys
import time


def payload(end, seq):
    mul = 37 if end == "A" else 101
    return bytes(((seq * mul) + k * 11 + (0 if end == "A" else 128)) & 0xFF for k in range(160))


def main():
    pt, n = int(sys.argv[1]), int(sys.argv[2])
    ends = []
    for end, spec in (("A", sys.argv[3]), ("B", sys.argv[4])):
        lp, rp = (int(x) for x in spec.split(":"))
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", lp))
        s.setblocking(False)
        ends.append((end, s, rp, 0x1000 + lp))
    for seq in range(n):
        for end, s, rp, ssrc in ends:
            p = payload(end, seq)
            hdr = struct.pack("!BBHII", 0x80, pt & 0x7F, seq, seq * 160, ssrc)
            try:
                s.sendto(hdr + p, ("127.0.0.1", rp))
            except OSError:
                pass
            print(end, p.hex(), flush=True)
        time.sleep(0.02)
        for _, s, _, _ in ends:
            try:
                while s.recv(2048):
                    pass
            except OSError:
                pass
    time.sleep(0.3)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Crafted loopback captures for the m3ua_rewrap.py self-test (tests/m3ua/rewrap.test): M3UA
DATA messages with hand-written ISUP octets (Q.763 formats) cut into TCP segments on purpose.

usage: wire_craft.py CASE OUT.pcap    CASE: reorder | badlen | gap | truncated
  reorder    two connections; stream 1 (127.0.0.3:40000 -> :2905) has its segments out of
             order, one retransmitted and one overlapping; stream 2 (:2905 -> 127.0.0.2:40001)
             interleaves in time. Expected, in this order: RLC cic=5 (t=1.0), REL cic=6
             cause 16 location 1 (t=1.3, stream 2), REL cic=7 cause 31 location 4 (t=1.4),
             RLC cic=6 (t=1.6, stream 2), RLC cic=7 (its hole filled at t=1.7)
  badlen     one message whose M3UA length (10) is not a multiple of 4
  gap        a segment never captured between two messages
  truncated  the stream ends in the middle of a message"""
import struct
import sys

PORT = 2905
OPC, DPC = 187, 186	# 0.23.3 -> 0.23.2 (3.8.3)


def isup_rlc(cic):
    # Q.763 Table 34: CIC, type 0x10, pointer to optional part 0 (none)
    return struct.pack("<H", cic) + b"\x10\x00"


def isup_rel(cic, cause, loc):
    # Q.763 Table 26: type 0x0c, pointer to the cause (2), optional pointer 0; cause indicators
    # (Q.850 2.2.5): ext|coding 0|spare|location, ext|cause value
    return struct.pack("<H", cic) + b"\x0c\x02\x00\x02" + bytes([0x80 | loc, 0x80 | cause])


def m3ua_data(opc, dpc, isup, length=None):
    # RFC 4666 3.3.1: class 1 (transfer), type 1 (DATA); Protocol Data tag 0x0210
    pd = struct.pack(">IIBBBB", opc, dpc, 5, 2, 0, 1) + isup
    param = struct.pack(">HH", 0x0210, 4 + len(pd)) + pd + b"\0" * (-len(pd) % 4)
    return struct.pack(">BBBBI", 1, 0, 1, 1, length or 8 + len(param)) + param


def frame(src, dst, sport, dport, seq, flags, payload):
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 65535, 0, 0) + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0,
                     bytes(src), bytes(dst))
    return b"\0" * 12 + b"\x08\x00" + ip + tcp


def write(path, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for t, fr in pkts:
            f.write(struct.pack("<IIII", int(t), int(round((t % 1) * 1e6)), len(fr), len(fr)))
            f.write(fr)


A, B, STP = (127, 0, 0, 3), (127, 0, 0, 2), (127, 0, 0, 1)


def seg1(t, seq, data, flags=0x18):
    return t, frame(A, STP, 40000, PORT, seq, flags, data)


def seg2(t, seq, data, flags=0x18):
    return t, frame(STP, B, PORT, 40001, seq, flags, data)


def case_reorder():
    s1 = m3ua_data(OPC, DPC, isup_rlc(5)) + m3ua_data(OPC, DPC, isup_rel(7, 31, 4)) + \
        m3ua_data(OPC, DPC, isup_rlc(7))
    s2 = m3ua_data(DPC, OPC, isup_rel(6, 16, 1)) + m3ua_data(DPC, OPC, isup_rlc(6))
    i1, i2 = 1000, 0xfffffff0	# stream 2 wraps its sequence numbers
    m1, m2 = len(m3ua_data(OPC, DPC, isup_rlc(5))), len(m3ua_data(OPC, DPC, isup_rel(7, 31, 4)))
    c = m1 + m2 + 10	# a cut inside the third message
    n2 = len(m3ua_data(DPC, OPC, isup_rel(6, 16, 1)))
    return [
        seg1(0.9, i1, b"", 0x02),			# SYN
        seg2(0.95, i2, b"", 0x02),
        seg1(1.0, i1 + 1, s1[:m1 + 8]),			# RLC 5 + 8 octets of REL 7
        seg1(1.1, i1 + 1 + m1 + 20, s1[m1 + 20:c]),	# out of order: the rest of REL 7...
        seg1(1.2, i1 + 1, s1[:m1 + 8]),			# retransmission of the first segment
        seg2(1.3, (i2 + 1) % 2**32, s2[:n2]),		# REL 6 on stream 2
        seg1(1.4, i1 + 1 + m1 + 4, s1[m1 + 4:m1 + 24]),	# overlaps both: completes REL 7
        seg1(1.5, i1 + 1 + c + 4, s1[c + 4:]),		# beyond a hole of 4 octets
        seg2(1.6, (i2 + 1 + n2) % 2**32, s2[n2:]),	# RLC 6
        seg1(1.7, i1 + 1 + c, s1[c:c + 6]),		# fills the hole, overlaps: RLC 7 complete
    ]


def case_badlen():
    good = m3ua_data(OPC, DPC, isup_rlc(5))
    return [seg1(1.0, 1, good + m3ua_data(OPC, DPC, isup_rlc(6), length=10))]


def case_gap():
    m = m3ua_data(OPC, DPC, isup_rlc(5))
    return [seg1(1.0, 1, m), seg1(1.1, 1 + 2 * len(m), m)]


def case_truncated():
    m = m3ua_data(OPC, DPC, isup_rlc(5))
    return [seg1(1.0, 1, m + m[:12])]


def main():
    cases = {"reorder": case_reorder, "badlen": case_badlen, "gap": case_gap,
             "truncated": case_truncated}
    if len(sys.argv) != 3 or sys.argv[1] not in cases:
        sys.exit(__doc__)
    write(sys.argv[2], cases[sys.argv[1]]())


main()

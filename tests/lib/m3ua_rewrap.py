#!/usr/bin/env python3
"""Bookworm's tshark has no M3UA-over-TCP dissector. Read a loopback capture (libpcap, Ethernet),
reassemble each direction of each TCP connection on the M3UA port by sequence number
(retransmitted and overlapping segments are trimmed, a gap is an error), split the byte stream
into M3UA messages by the common header's length (RFC 4666 3.1), and write every message as
one SCTP DATA chunk (PPID 3, RFC 4960 3.3.1) between the same addresses and ports, stamped with
the capture time of the segment that completed it. Every other packet (SIP over UDP/TCP, ...)
is copied unchanged; the output is in capture-time order across all streams, so tshark's own
M3UA, ISUP, SIP and SDP dissectors decode the whole capture in one pass.

usage: m3ua_rewrap.py [--port N] IN.pcap OUT.pcap
prints the number of M3UA messages written; exit status 1 and a message on stderr on a bad M3UA
header or length, a gap in a TCP stream, a truncated message or an unreadable capture."""
import struct
import sys

LINKTYPE_ETHERNET = 1
TCP_FIN, TCP_SYN, TCP_RST = 0x01, 0x02, 0x04
M3UA_VERSION = 1
SCTP_PPID_M3UA = 3


class WireError(Exception):
    pass


def read_pcap(path):
    """(time, frame) of every packet of a libpcap file (either byte order, us or ns)"""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise WireError("%s: not a pcap file (%d octets)" % (path, len(data)))
    magic = data[:4]
    formats = {b"\xd4\xc3\xb2\xa1": ("<", 1e-6), b"\xa1\xb2\xc3\xd4": (">", 1e-6),
               b"\x4d\x3c\xb2\xa1": ("<", 1e-9), b"\xa1\xb2\x3c\x4d": (">", 1e-9)}
    if magic not in formats:
        raise WireError("%s: not a libpcap file (pcapng? capture with dumpcap -P)" % path)
    bo, unit = formats[magic]
    linktype = struct.unpack(bo + "I", data[20:24])[0]
    if linktype != LINKTYPE_ETHERNET:
        raise WireError("%s: link type %d, only Ethernet (1) is read" % (path, linktype))
    off, pkts = 24, []
    while off < len(data):
        if off + 16 > len(data):
            raise WireError("%s: truncated record header at offset %d" % (path, off))
        sec, frac, incl, _orig = struct.unpack(bo + "IIII", data[off:off + 16])
        off += 16
        if off + incl > len(data):
            raise WireError("%s: truncated packet at offset %d" % (path, off))
        pkts.append((sec + frac * unit, data[off:off + incl]))
        off += incl
    return pkts


def parse_tcp(frame):
    """(src, dst, sport, dport, seq, flags, payload) of an Ethernet/IPv4/TCP frame, else None"""
    if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0f) * 4
    total = struct.unpack(">H", ip[2:4])[0]
    if ip[0] >> 4 != 4 or ip[9] != 6 or len(ip) < ihl + 20:
        return None
    tcp = ip[ihl:total]
    sport, dport, seq = struct.unpack(">HHI", tcp[:8])
    doff = (tcp[12] >> 4) * 4
    return ip[12:16], ip[16:20], sport, dport, seq, tcp[13], bytes(tcp[doff:])


SEQ_MOD = 1 << 32


def seq_after(seq, base):
    """octets from base to seq (negative: seq is before base), modulo 2^32 (RFC 9293 3.4)"""
    d = (seq - base) % SEQ_MOD
    return d - SEQ_MOD if d >= SEQ_MOD // 2 else d


class Direction:
    """One direction of a TCP connection: in-order delivery by sequence number, then M3UA
    messages split off the head of the byte stream"""

    def __init__(self, name):
        self.name = name
        self.next = None	# next expected sequence number
        self.pending = {}	# seq -> (time, data): segments beyond next, not yet delivered
        self.buf = bytearray()
        self.buf_time = 0.0
        self.consumed = 0	# stream octets split off into messages
        self.count = 0
        self.tsn = 1
        self.msgs = []		# (time, message) ready to be written

    def segment(self, t, seq, flags, payload):
        if flags & TCP_SYN:	# a new connection on the same addresses and ports
            if self.buf or self.pending:
                self.finish()
            self.next, self.consumed = (seq + 1) % SEQ_MOD, 0
            return
        if not payload:
            return
        if self.next is None:	# the connection started before the capture
            self.next = seq
        self.queue(t, seq, payload)
        self.deliver(t)

    def queue(self, t, seq, data):
        old = -seq_after(seq, self.next)
        if old > 0:	# retransmitted or overlapping: keep only what is new
            if old >= len(data):
                return
            data, seq = data[old:], self.next
        prev = self.pending.get(seq)
        if prev is None or len(prev[1]) < len(data):
            self.pending[seq] = (t, data)

    def deliver(self, now):
        """in-order data from the head of the queue; a message completed now gets this time"""
        while self.next in self.pending:
            _t, data = self.pending.pop(self.next)
            self.buf += data
            self.buf_time = now
            self.next = (self.next + len(data)) % SEQ_MOD
            for seq in [s for s in self.pending if seq_after(s, self.next) < 0]:
                st, sdata = self.pending.pop(seq)
                self.queue(st, seq, sdata)
            self.split()

    def split(self):
        """whole M3UA messages at the head of the stream, each with the time of its last byte"""
        while len(self.buf) >= 8:
            ver, _res, mclass, mtype, length = struct.unpack(">BBBBI", self.buf[:8])
            if ver != M3UA_VERSION or length < 8 or length % 4:
                raise WireError("%s: bad M3UA header (version %d, class %d, type %d, length %d)"
                                " at stream octet %d" % (self.name, ver, mclass, mtype, length,
                                                          self.consumed))
            if len(self.buf) < length:
                break
            self.msgs.append((self.buf_time, bytes(self.buf[:length])))
            del self.buf[:length]
            self.consumed += length

    def finish(self):
        if self.pending:
            seq = min(self.pending, key=lambda s: seq_after(s, self.next))
            raise WireError("%s: gap in the TCP stream: %d octets missing before seq %u"
                            % (self.name, seq_after(seq, self.next), seq))
        if self.buf:
            raise WireError("%s: truncated M3UA message at the end (%d of %d octets)"
                            % (self.name, len(self.buf),
                               struct.unpack(">I", self.buf[4:8])[0] if len(self.buf) >= 8 else 8))


def ip_str(a):
    return ".".join(str(b) for b in a)


def sctp_frame(src, dst, sport, dport, tsn, ssn, msg):
    """Ethernet/IPv4/SCTP with one DATA chunk (B and E set) carrying the M3UA message"""
    pad = b"\0" * (-len(msg) % 4)
    chunk = struct.pack(">BBHIHHI", 0, 0x03, 16 + len(msg), tsn, 0, ssn & 0xffff,
                        SCTP_PPID_M3UA) + msg + pad
    sctp = struct.pack(">HHII", sport, dport, 0, 0) + chunk
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(sctp), 0, 0x4000, 64, 132, 0, src, dst)
    csum = 0
    for i in range(0, 20, 2):
        csum += (ip[i] << 8) | ip[i + 1]
    while csum >> 16:
        csum = (csum & 0xffff) + (csum >> 16)
    ip = ip[:10] + struct.pack(">H", ~csum & 0xffff) + ip[12:]
    return b"\0" * 12 + b"\x08\x00" + ip + sctp


def write_pcap(path, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 262144, LINKTYPE_ETHERNET))
        for t, frame in pkts:
            ns = int(round(t * 1e9))
            f.write(struct.pack("<IIII", ns // 1000000000, ns % 1000000000, len(frame), len(frame)))
            f.write(frame)


def rewrap(inp, outp, port):
    dirs = {}
    out = []	# (time, frame number, frame)
    for n, (t, frame) in enumerate(read_pcap(inp)):
        seg = parse_tcp(frame)
        if not seg or port not in (seg[2], seg[3]):
            out.append((t, n, frame))
            continue
        src, dst, sport, dport, seq, flags, payload = seg
        d = dirs.get((src, dst, sport, dport))
        if d is None:
            d = dirs[(src, dst, sport, dport)] = Direction(
                "%s:%d -> %s:%d" % (ip_str(src), sport, ip_str(dst), dport))
        d.segment(t, seq, flags, payload)
        for mt, msg in d.msgs:
            out.append((mt, n, sctp_frame(src, dst, sport, dport, d.tsn, d.count, msg)))
            d.tsn += 1
            d.count += 1
        d.msgs = []
    for d in dirs.values():
        d.finish()
    out.sort(key=lambda p: (p[0], p[1]))
    write_pcap(outp, [(t, f) for t, _n, f in out])
    return sum(d.count for d in dirs.values())


def main(argv):
    port = 2905
    if len(argv) >= 2 and argv[0] == "--port":
        port, argv = int(argv[1]), argv[2:]
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    try:
        n = rewrap(argv[0], argv[1], port)
    except (WireError, OSError) as e:
        sys.stderr.write("m3ua_rewrap: %s\n" % e)
        return 1
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

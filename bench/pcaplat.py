"""Gateway latencies from a loopback capture (pcap): IAM in -> INVITE out, 200 in -> ANM out.

tshark 4.0 has no M3UA-over-TCP dissector (shared/reference/libraries.md), so this reads the
capture itself: TCP streams are reassembled per direction and cut into M3UA messages (RFC 4666
3.1: version, class, type, length); DATA messages (class 1, type 1) carry the Protocol Data
parameter (tag 0x0210: OPC, DPC, SI, NI, MP, SLS, then the ISUP message: CIC, type, Q.763).
A call is followed by its called number (unique per call in the load: the last 6 digits) from the
IAM to the INVITE's Request-URI, then by Call-ID to the 200, and by (point code, CIC) to the ANM.
The time of a message is the capture time of the segment that completes it."""
import re, struct

ISUP_IAM, ISUP_ANM = 0x01, 0x09


def packets(path):
    with open(path, "rb") as f:
        hdr = f.read(24)
        magic = struct.unpack("<I", hdr[:4])[0]
        if magic in (0xa1b2c3d4, 0xa1b23c4d):
            e = "<"
        else:
            e = ">"
            magic = struct.unpack(">I", hdr[:4])[0]
        nano = magic == 0xa1b23c4d
        linktype = struct.unpack(e + "I", hdr[20:24])[0]
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                return
            sec, frac, incl, orig = struct.unpack(e + "IIII", rh)
            data = f.read(incl)
            t = sec + frac / (1e9 if nano else 1e6)
            if linktype == 1:
                if len(data) < 14 or data[12:14] != b"\x08\x00":
                    continue
                ip = data[14:]
            elif linktype == 113:
                if data[14:16] != b"\x08\x00":
                    continue
                ip = data[16:]
            elif linktype == 276:
                if data[0:2] != b"\x08\x00":
                    continue
                ip = data[20:]
            elif linktype in (101, 228):
                ip = data
            else:
                raise ValueError("link type %d" % linktype)
            yield t, ip


def bcd_digits(b):
    s = ""
    for x in b:
        for n in (x & 0xf, x >> 4):
            s += "0123456789ABCDEF"[n]
    return s


def iam_cdpn(isup):
    """digits of the Called Party Number of an IAM (Q.763 table 32: mandatory fixed part of 5
    octets after the type, then the pointers)"""
    p = 3 + 5            # CIC(2) type(1) NCI FCI(2) CPC TMR
    if len(isup) <= p:
        return ""
    ptr = p + isup[p]
    if ptr >= len(isup):
        return ""
    ln = isup[ptr]
    num = isup[ptr + 1:ptr + 1 + ln]
    if len(num) < 2:
        return ""
    d = bcd_digits(num[2:])
    if num[0] & 0x80:   # odd number of digits: the last nibble is filler
        d = d[:-1]
    return d.rstrip("F")


def analyze(path, gw_ip="127.0.0.2", raw=None):
    """the figures of both directions; raw: a file for every sample (write_raw)"""
    gw = bytes(int(x) for x in gw_ip.split("."))
    streams = {}
    events = []     # (t, kind, key...)
    stat = {"m3ua_messages": 0, "tcp_retransmissions": 0, "tcp_gaps": 0, "m3ua_resyncs": 0}
    for t, ip in packets(path):
        if len(ip) < 20 or ip[0] >> 4 != 4:
            continue
        ihl = (ip[0] & 0xf) * 4
        proto = ip[9]
        src, dst = ip[12:16], ip[16:20]
        if gw not in (src, dst):
            continue
        tot = struct.unpack(">H", ip[2:4])[0]
        l4 = ip[ihl:tot]
        if proto == 6 and len(l4) >= 20:
            sport, dport, seq = struct.unpack(">HHI", l4[:8])
            off = (l4[12] >> 4) * 4
            payload = l4[off:]
            if not payload:
                continue
            key = (src, sport, dst, dport)
            st = streams.get(key)
            if st is None:
                st = streams[key] = {"next": seq, "buf": b""}
            if seq != st["next"]:
                if (seq - st["next"]) & 0xffffffff > 0x7fffffff:
                    stat["tcp_retransmissions"] += 1
                    continue        # retransmission
                st["buf"] = b""     # a gap (capture loss): resynchronise on the next segment
                stat["tcp_gaps"] += 1
            st["next"] = (seq + len(payload)) & 0xffffffff
            buf = st["buf"] + payload
            while len(buf) >= 8:
                ln = struct.unpack(">I", buf[4:8])[0]
                if buf[0] != 1 or ln < 8 or ln > 65536:
                    buf = b""       # not aligned on an M3UA header (after a gap): drop
                    stat["m3ua_resyncs"] += 1
                    break
                if len(buf) < ln:
                    break
                msg, buf = buf[:ln], buf[ln:]
                stat["m3ua_messages"] += 1
                if msg[2] == 1 and msg[3] == 1:
                    m3ua_data(t, msg, src == gw, events)
            st["buf"] = buf
        elif proto == 17 and len(l4) >= 8:
            payload = l4[8:]
            sip(t, payload, src == gw, events)
    # what the figures rest on: a gap or resync means calls the latency could not follow
    ncalls, iam_inv, ok_anm = correlate(events)
    t0 = events[0][0] if events else 0.0
    r = {"calls_iam": ncalls, "capture": stat, "t0": t0}     # t0: the worst ones' times are from it
    r.update(summary("iam_invite", iam_inv, t0))
    r.update(summary("ok_anm", ok_anm, t0))
    if raw:
        write_raw(raw, {"iam_invite": (t0, iam_inv), "ok_anm": (t0, ok_anm)})
    return r


def m3ua_data(t, msg, from_gw, events):
    p = 8
    while p + 4 <= len(msg):
        tag, ln = struct.unpack(">HH", msg[p:p + 4])
        if ln < 4:
            return
        if tag == 0x0210:
            v = msg[p + 4:p + ln]
            opc, dpc = struct.unpack(">II", v[:8])
            si = v[8]
            isup = v[12:]
            if si == 5 and len(isup) >= 3:
                cic = isup[0] | (isup[1] << 8)
                typ = isup[2]
                if typ == ISUP_IAM and not from_gw:
                    events.append((t, "iam", iam_cdpn(isup)[-6:], opc, cic))
                elif typ == ISUP_ANM and from_gw:
                    events.append((t, "anm", None, dpc, cic))
            return
        p += (ln + 3) & ~3


RURI = re.compile(rb"^INVITE sip:[+]?(\d+)")
CALLID = re.compile(rb"\r\n(?:Call-ID|i):\s*(\S+)", re.I)
CSEQ = re.compile(rb"\r\nCSeq:\s*\d+\s+(\w+)", re.I)


def sip(t, payload, from_gw, events):
    cid = CALLID.search(payload)
    if not cid:
        return
    if from_gw and payload.startswith(b"INVITE "):
        m = RURI.match(payload)
        if m:
            events.append((t, "invite", m.group(1).decode()[-6:], cid.group(1)))
    elif not from_gw and payload.startswith(b"SIP/2.0 200"):
        cs = CSEQ.search(payload)
        if cs and cs.group(1).upper() == b"INVITE":
            events.append((t, "200", None, cid.group(1)))


def pct(v, p):
    if not v:
        return None
    v = sorted(v)
    return v[min(len(v) - 1, int(p * len(v)))]


def summary(name, samples, t0, worst=10, over_ms=1.0):
    """p50/p99/p99.9/max of (capture time, ms) samples, the count above over_ms and the worst
    ones with their capture time (seconds from the first packet), so a stall can be located"""
    ms = [d for _, d in samples]
    r = {name + "_n": len(ms), name + "_p50_ms": pct(ms, 0.5), name + "_p99_ms": pct(ms, 0.99),
         name + "_p999_ms": pct(ms, 0.999), name + "_max_ms": max(ms) if ms else None,
         name + "_over_1ms": sum(1 for d in ms if d > over_ms)}
    r[name + "_worst"] = [[round(t - t0, 6), round(d, 3)]
                          for t, d in sorted(samples, key=lambda s: -s[1])[:worst]]
    return r


def correlate(events):
    """the samples of both directions: lists of (capture time of the outgoing message, ms)"""
    events.sort(key=lambda e: e[0])
    iam_t, inv_t, cid_key, ok200 = {}, {}, {}, {}
    circuit_key = {}      # (pc, cic) -> the call's key, from the IAM on
    iam_inv, ok_anm = [], []
    for e in events:
        t, kind = e[0], e[1]
        if kind == "iam":
            iam_t[e[2]] = t
            circuit_key[(e[3], e[4])] = e[2]
        elif kind == "invite":
            if e[2] in iam_t and e[2] not in inv_t:     # first INVITE, not a retransmission
                inv_t[e[2]] = t
                iam_inv.append((t, (t - iam_t[e[2]]) * 1e3))
            cid_key[e[3]] = e[2]
        elif kind == "200":
            k = cid_key.get(e[3])
            if k and k not in ok200:
                ok200[k] = t
        elif kind == "anm":
            k = circuit_key.get((e[3], e[4]))
            if k and k in ok200 and ok200[k] <= t:
                ok_anm.append((t, (t - ok200[k]) * 1e3))
                del circuit_key[(e[3], e[4])]
    return len(iam_t), iam_inv, ok_anm


def write_raw(path, samples):
    """one line per sample: direction, capture time (s from the first packet), latency ms"""
    with open(path, "w") as f:
        f.write("# direction t_s latency_ms (t: capture time of the message out, from the first packet)\n")
        for name, (t0, s) in samples.items():
            for t, d in s:
                f.write("%s %.6f %.3f\n" % (name, t - t0, d))


if __name__ == "__main__":
    import sys, json
    # pcaplat.py CAPTURE [GW_IP [RAW_FILE]]
    print(json.dumps(analyze(sys.argv[1], *(sys.argv[2:4])), indent=1))

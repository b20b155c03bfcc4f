#!/usr/bin/env python3
"""The HEP test's comparison (tests/ops/hep.test): the gateway's SIP and ISUP on the wire (tshark
fields) against what Kamailio's sipcapture decoded (its log) and, for the ISUP payloads that
Kamailio 5.6 cannot hand to ss7ops (it reads $hep(0x00f) as a C string), against an independent
decode of the HEP packets captured on the collector port, written from the HEP3 specification
(rev. 12: "HEP3" + length, chunks of vendor/type/length/value) and RFC 3331 3.3.1.1 (M2UA DATA,
Protocol Data 1 = SIO + Q.704 2.2 routing label + ISUP).
usage: hep_check.py KAMAILIO_LOG WIRE_SIP WIRE_ISUP COUNTERS HEP_PAYLOADS"""
import re
import socket
import struct
import sys

PROBE_CALL_ID = 'hep6-options@127.0.0.1'    # the test's OPTIONS (over the IPv6 collector), no call

def rows(path):
    with open(path, errors='replace') as f:
        return [l.rstrip('\n').split('|') for l in f if l.strip()]


def hep_decode(data):
    """HEP3 packet -> {chunk type: bytes}; raises on a malformed packet"""
    if data[:4] != b'HEP3' or struct.unpack('!H', data[4:6])[0] != len(data):
        raise ValueError('bad HEP3 header')
    ch, off = {}, 6
    while off < len(data):
        vendor, typ, ln = struct.unpack('!HHH', data[off:off + 6])
        if ln < 6 or off + ln > len(data) or vendor != 0:
            raise ValueError('bad chunk at %d' % off)
        ch[typ] = data[off + 6:off + ln]
        off += ln
    return ch


def m2ua_isup(p):
    """M2UA DATA -> (si, opc, dpc, sls, cic, message type)"""
    ver, _, cls, typ, ln = struct.unpack('!BBBBI', p[:8])
    if ver != 1 or cls != 6 or typ != 1 or ln != len(p):
        raise ValueError('not an M2UA DATA')
    off = 8
    while off < len(p):
        tag, tl = struct.unpack('!HH', p[off:off + 4])
        if tag == 0x0300:
            msu = p[off + 4:off + tl]
            label = struct.unpack('<I', msu[1:5])[0]
            cic = struct.unpack('<H', msu[5:7])[0] & 0xfff
            return (msu[0] & 0xf, (label >> 14) & 0x3fff, label & 0x3fff, label >> 28, cic, msu[7])
        off += (tl + 3) & ~3
    raise ValueError('no Protocol Data 1')


def main():
    klog, wsip, wisup, ctrs, payloads = sys.argv[1:6]
    with open(klog, 'rb') as f:
        ktext = f.read().decode('utf-8', 'replace')
    kpk = re.findall(r'HEPPKT proto=(\S*) src=(\S*):(\S*) dst=(\S*):(\S*) ts=(\S*) sip=(req|rpl) (\S*) ci=\[(.*?)\]',
                     ktext)
    sip = rows(wsip)
    isup = rows(wisup)
    fails = 0

    def res(ok, name, why=''):
        nonlocal fails
        print('%s %s%s' % ('ok' if ok else 'not ok', name, (': ' + why) if why else ''))
        fails += not ok

    # Kamailio: every packet it parsed as SIP was one, the rest (ISUP) failed SIP parsing only
    sip_fail = len(re.findall(r'core parsing of SIP message failed', ktext))
    other = [l for l in ktext.splitlines() if 'ERROR' in l and 'HEPPKT' not in l and 'parse_f' not in l
             and 'parse_msg' not in l and 'core parsing of SIP' not in l and 'insert_retry' not in l]
    res(not other and sip_fail == len(isup), 'kamailio: no error but one failed SIP parse per ISUP packet',
        '%d failed SIP parses, %d ISUP on the wire, other errors: %s' % (sip_fail, len(isup), other[:3]))
    # ISUP: the HEP packets on the collector port, decoded here
    dec, sipdec_bad, sd = [], [], []
    for line in open(payloads):
        if not line.strip():
            continue
        ch = hep_decode(bytes.fromhex(line.strip().replace(':', '')))
        if ch[0x000b][0] == 1:
            sd.append((socket.inet_ntoa(ch[4]), str(struct.unpack('!H', ch[8])[0])))
            cid = re.search(rb'\r\nCall-ID: *([^\r]*)', ch[0x000f])
            if (ch[1] != b'\x02' or ch[2] != b'\x11' or struct.unpack('!I', ch[0x000c])[0] != 2001
                    or not cid or ch.get(0x0011) != cid.group(1)):
                sipdec_bad.append(ch)
            continue
        src = socket.inet_ntoa(ch[3]), str(struct.unpack('!H', ch[7])[0])
        dst = socket.inet_ntoa(ch[4]), str(struct.unpack('!H', ch[8])[0])
        dec.append((src, dst, ch[2][0], m2ua_isup(ch[0x000f]), ch.get(0x0011, b'').decode()))
    sipdec_ok = not sipdec_bad and sum(1 for l in open(payloads) if l.strip()) == len(sip) + len(dec)
    want = [(s[0], s[1], s[2], s[3], s[4], s[5] or s[6]) for s in sip]
    # Kamailio 5.6 sets $si:$sp from the source chunks ($Ri:$Rp stay the source too): the
    # destination chunks are checked by the decode here
    got = [(k[1], k[2], sd[i][0], sd[i][1], k[8], k[7]) if i < len(sd) else k for i, k in enumerate(kpk)]
    res(want == got, 'sip: every message of the wire in order (kamailio: source, Call-ID, method/status; here: destination) (%d)' % len(want),
        'wire %s kamailio %s' % (want, got) if want != got else '')
    res(all(k[0] == 'udp' for k in kpk) and len(kpk) == len(sip),
        'sip: parsed by kamailio (UDP), and here: HEP3, type 1, IPv4, capture id 2001, corr = Call-ID',
        '' if sipdec_ok else 'independent decode: %s' % sipdec_bad[:3])
    want = [((r[0], r[1]), (r[2], r[3]), tuple(int(x, 0) for x in r[4:10])) for r in isup]
    want = [(a, b, (v[2], v[0], v[1], v[3], v[4], v[5])) for a, b, v in want]
    got = [(d[0], d[1], d[3]) for d in dec]
    res(want == got, 'isup: every message of the wire in order with addresses/ports (%d)' % len(want),
        'wire %s hep %s' % (want, got) if want != got else '')
    res(len(dec) == len(isup) and all(d[2] == 6 for d in dec),
        'isup: decoded (HEP type 8, M2UA DATA, SI/OPC/DPC/SLS/CIC/type as on the wire, IP proto TCP as the lab M3UA)')
    # correlation: every ISUP message of a call's circuit from its IAM to its RLC (the IAM received
    # and the RLC after the call has gone included) carries that call's Call-ID, the same on all
    # of them; a message outside a call (GRS/GRA at the start) carries none
    calls = {}
    for s in sip:
        if s[4] != PROBE_CALL_ID:
            calls.setdefault(s[4], None)
    ok, why, open_call, seen = True, [], {}, {}
    for d in dec:
        cic, mtype, cid = d[3][4], d[3][5], d[4]
        if mtype == 0x01:
            open_call[cic] = cid
        want_id = open_call.get(cic)
        if want_id is None:
            if cid:
                ok = False
                why.append('CIC %d type 0x%02x outside a call has %s' % (cic, mtype, cid))
        elif not want_id or cid != want_id or want_id not in calls:
            ok = False
            why.append('CIC %d type 0x%02x: %r, its IAM %r' % (cic, mtype, cid, want_id))
        else:
            seen[cid] = seen.get(cid, 0) + 1
        if mtype == 0x10:
            open_call.pop(cic, None)
    for cid in calls:
        if seen.get(cid, 0) < 4:
            ok = False
            why.append('%s on %d ISUP' % (cid, seen.get(cid, 0)))
    res(ok and sipdec_ok and len(calls) == 2,
        'correlation: SIP (kamailio) and every ISUP message from IAM to RLC carry the Call-ID of the call (%s)'
        % ', '.join('%d' % n for n in seen.values()), '; '.join(why))
    m = re.search(r'hep:sent:\s+(\d+)', open(ctrs).read())
    d = re.search(r'hep:dropped:\s+(\d+)', open(ctrs).read())
    res(m and d and int(m.group(1)) == len(sip) + len(isup) and d.group(1) == '0',
        'counters: hep:sent = %s = SIP + ISUP on the wire (%d), hep:dropped 0' % (m and m.group(1), len(sip) + len(isup)))
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())

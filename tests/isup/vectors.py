#!/usr/bin/env python3
"""tshark oracle for the hand-written ISUP vectors (tests/isup/vectors.txt).

Each vector's octets are wrapped by hand in an M3UA DATA message (RFC 4666 3.3.1: common
header, Protocol Data parameter with OPC, DPC, SI=5, NI, MP, SLS) and written to a pcap with
text2pcap as SCTP payload (PPID 3 = M3UA). tshark dissects them (mtp3.standard ITU or ANSI) to
PDML. The variant is told by the MTP3 standard preference: mtp3.standard:ANSI makes tshark's ISUP
read a 14-bit CIC and the T1.113 layouts (the ANSI IAM with USI mandatory); isup.variant stays at
"ITU Standard" (it picks ITU national variants). Read with ITU, the ANSI IAM of CIC 9029 shows as
CIC 837. For every vector this prints one TAP line: tshark must show the CIC, the message type and
every parameter exactly as the vector says (same octets per item, the same set of isup.* fields
with the same values, nothing else), no malformed packet and no expert warning or error.

usage: vectors.py VECTORS_FILE WORKDIR      (prints the TAP plan 1..N first)
"""
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

PI_WARN = 0x00600000
# structural items: where a parameter is, not what it says
STRUCTURAL = re.compile(r'^isup\.(parameter_type|parameter_length|mandatory_variable_parameter_pointer|'
                        r'optional_parameter_part_pointer|.*_address_signal_digit)$')
# T1.113 / Q.704 point codes: ANSI 24 bit network-cluster-member, ITU 14 bit (3.8.3 format)
# Q.763 Table 5 parameter name codes of the short names the vectors use (written from the
# standard, not taken from the codec)
Q763_CODES = {
    'tmr': 0x02, 'atp': 0x03, 'cdpn': 0x04, 'subn': 0x05, 'nci': 0x06, 'fci': 0x07, 'ofci': 0x08, 'cpc': 0x09,
    'cgpn': 0x0a, 'rdgn': 0x0b, 'rdnn': 0x0c, 'bci': 0x11, 'cause': 0x12, 'rdinfo': 0x13, 'cgsmt': 0x15, 'rs': 0x16,
    'usi': 0x1d, 'connn': 0x21, 'sri': 0x22, 'event': 0x24, 'csi': 0x26, 'acl': 0x27, 'ocn': 0x28,
    'obci': 0x29, 'pdc': 0x31, 'eci': 0x37, 'mci': 0x38, 'pci': 0x39, 'hop': 0x3d, 'tmrp': 0x3e, 'locn': 0x3f, 'gn': 0xc0,
}
POINT_CODES = {'ITU': (0x00bb, 0x00ba), 'ANSI': (0x010203, 0x010204)}
# how tshark must show them: ITU 0.23.3 / 0.23.2 unstructured, ANSI network-cluster-member
M3UA_SHOWN = {
    'ITU': {'m3ua.protocol_data_opc': 'OPC: 187', 'm3ua.protocol_data_dpc': 'DPC: 186',
            'm3ua.protocol_data_si': 'SI: ISUP (5)'},
    'ANSI': {'m3ua.protocol_data_opc': 'OPC: 66051 (1-2-3)', 'm3ua.protocol_data_dpc': 'DPC: 66052 (1-2-4)',
             'm3ua.protocol_data_si': 'SI: ISUP (5)'},
}


class Vector:
    def __init__(self, name, variant, lineno):
        self.name, self.variant, self.lineno = name, variant, lineno
        self.items = []		# [tag, octets, {field: value}, lineno]

    @property
    def octets(self):
        return b''.join(i[1] for i in self.items)

    @property
    def title(self):
        return '%s %s (vectors.txt:%d)' % (self.variant, self.name, self.lineno)


def parse(path):
    vectors, cur = [], None
    for n, raw in enumerate(open(path), 1):
        line = raw.split('#', 1)[0].strip()
        if not line:
            continue
        words = line.split()
        where = '%s:%d' % (path, n)
        if words[0] == 'vector':
            if cur or len(words) != 3 or words[2] not in POINT_CODES:
                sys.exit('%s: bad vector line' % where)
            cur = Vector(words[1], words[2], n)
        elif cur is None:
            sys.exit('%s: outside a vector' % where)
        elif words[0] == 'end':
            vectors.append(cur)
            cur = None
        elif words[0] == ':':		# a value for the codec test only
            if not cur.items:
                sys.exit('%s: bad field line' % where)
        elif words[0] == '=':
            if not cur.items or len(words) > 3 or len(words) < 2:
                sys.exit('%s: bad field line' % where)
            fields = cur.items[-1][2]
            if words[1] in fields:
                sys.exit('%s: field %s twice' % (where, words[1]))
            fields[words[1]] = words[2] if len(words) == 3 else ''
        else:
            try:
                octets = bytes(int(w, 16) for w in words[1:])
            except ValueError:
                sys.exit('%s: bad hex' % where)
            if not octets:
                sys.exit('%s: no octets' % where)
            cur.items.append([words[0], octets, {}, n])
    if cur:
        sys.exit('%s: vector %s has no end' % (path, cur.name))
    return vectors


def m3ua_data(variant, isup, sls):
    """RFC 4666 3.3.1 DATA: header (version 1, class 1 transfer, type 1), Protocol Data (0x0210)"""
    opc, dpc = POINT_CODES[variant]
    pd = struct.pack('>II', opc, dpc) + bytes([5, 2, 0, sls]) + isup	# SI 5 ISUP, NI 2 national
    plen = 4 + len(pd)
    param = struct.pack('>HH', 0x0210, plen) + pd + b'\0' * (-plen % 4)
    return struct.pack('>BBBBI', 1, 0, 1, 1, 8 + len(param)) + param


def dissect(vectors, variant, workdir):
    txt, pcap = '%s/%s.txt' % (workdir, variant), '%s/%s.pcap' % (workdir, variant)
    with open(txt, 'w') as f:
        for i, v in enumerate(vectors):
            f.write('000000 ' + ' '.join('%02x' % b for b in m3ua_data(variant, v.octets, i & 0x0f)) + '\n')
    r = subprocess.run(['text2pcap', '-q', '-S', '2905,2905,3', txt, pcap], capture_output=True, text=True)
    if r.returncode:
        sys.exit('text2pcap failed: ' + r.stderr)
    r = subprocess.run(['tshark', '-o', 'mtp3.standard:' + variant, '-r', pcap, '-T', 'pdml'],
                       capture_output=True, text=True)
    if r.returncode:
        sys.exit('tshark failed: ' + r.stderr)
    out = r.stdout
    with open('%s/%s.pdml' % (workdir, variant), 'w') as f:
        f.write(out)
    return ET.fromstring(out).findall('packet')


def norm(field):
    """PDML 'show' as the vectors write it: decimal integers, hex bytes without colons"""
    show = field.get('show', '')
    if re.fullmatch(r'0x[0-9a-fA-F]+', show):
        return str(int(show, 16))
    if re.fullmatch(r'([0-9a-f]{2}:)+[0-9a-f]{2}', show):
        return show.replace(':', '')
    return show


def descendants(elem):
    for child in elem:
        yield child
        yield from descendants(child)


def item_fields(elem):
    """{name: 'v1,v2'} of every non-structural field under a tshark item"""
    got = {}
    for f in descendants(elem):
        name = f.get('name', '')
        if name and not name.startswith('_ws.') and not STRUCTURAL.match(name):
            got.setdefault(name, []).append(norm(f))
    return {k: ','.join(v) for k, v in got.items()}


def tshark_items(proto):
    """the ISUP tree as (tag, octets hex, fields); parameters tagged by their code"""
    items = []
    for child in proto:
        name = child.get('name', '')
        if name in ('isup.cic', 'isup.message_type'):
            fields = item_fields(child)
            fields[name] = norm(child)
            items.append(({'isup.cic': 'cic', 'isup.message_type': 'type'}[name], child.get('value', ''), fields))
        elif name == 'isup.mandatory_variable_parameter_pointer' or name == 'isup.optional_parameter_part_pointer':
            items.append(('ptr', child.get('value', ''), {}))
        elif name == 'isup.parameter_type':	# end of optional parameters
            items.append(('eop', child.get('value', ''), {}))
        elif name == '':
            ptype = child.find('field[@name="isup.parameter_type"]')
            code = int(ptype.get('show')) if ptype is not None else -1
            items.append((code, child.get('value', ''), item_fields(child)))
        else:
            items.append((name, child.get('value', ''), {}))
    return items


def check_vector(v, packet):
    errs = []
    protos = {p.get('name'): p for p in packet.findall('proto')}
    for bad in ('_ws.malformed', '_ws.short'):
        if bad in protos:
            errs.append('tshark: malformed packet')
    for f in descendants(packet):
        if f.get('name') == '_ws.expert.severity' and int(f.get('show', '0')) >= PI_WARN:
            errs.append('tshark expert: %s' % f.get('showname'))
    if 'm3ua' not in protos or 'isup' not in protos:
        return errs + ['tshark found no M3UA/ISUP (%s)' % ','.join(protos)]
    shown = {f.get('name'): f.get('showname') for f in descendants(protos['m3ua'])}
    for name, want in M3UA_SHOWN[v.variant].items():
        if shown.get(name) != want:
            errs.append('M3UA %s: tshark %r, expected %r' % (name, shown.get(name), want))
    got = [i for i in tshark_items(protos['isup']) if i[0] != 'ptr']
    # tshark shows a variable parameter's pointer inside the parameter, then the optional
    # part's pointer: in tree order that is the wire order (Q.763 1.3)
    ptrs = [(0, f.get('value', '')) for f in descendants(protos['isup'])
            if f.get('name') in ('isup.mandatory_variable_parameter_pointer',
                                 'isup.optional_parameter_part_pointer')]
    want = []
    for tag, octets, fields, n in v.items:
        if tag == 'ptr':
            continue
        code = tag
        if ':' in tag:
            code = Q763_CODES.get(tag.split(':', 1)[1])
            if code is None:
                errs.append('vectors.txt:%d: unknown parameter %s' % (n, tag))
                continue
        want.append((code, octets.hex(), fields, n, tag))
    want_ptr = ''.join(i[1].hex() for i in v.items if i[0] == 'ptr')
    have_ptr = ''.join(p[1] for p in ptrs)
    if have_ptr != want_ptr:
        errs.append('pointers: tshark %s, vector %s' % (have_ptr or '-', want_ptr or '-'))
    if [w[0] for w in want] != [g[0] for g in got]:
        errs.append('items: tshark %s, vector %s' % ([g[0] for g in got], [w[0] for w in want]))
        return errs
    for (code, hexs, fields, n, tag), (_, ghex, gfields) in zip(want, got):
        if ghex != hexs:
            errs.append('vectors.txt:%d %s: tshark item octets %s, vector %s' % (n, tag, ghex, hexs))
        for name, value in fields.items():
            if name not in gfields:
                errs.append('vectors.txt:%d %s: tshark shows no %s' % (n, tag, name))
            elif gfields[name] != value:
                errs.append('vectors.txt:%d %s: %s tshark %r, vector %r' % (n, tag, name, gfields[name], value))
        for name in gfields:
            if name.startswith('isup.') and name not in fields:
                errs.append('vectors.txt:%d %s: tshark shows %s = %r, not in the vector' %
                            (n, tag, name, gfields[name]))
    return errs


def main():
    path, workdir = sys.argv[1], sys.argv[2]
    vectors = parse(path)
    print('1..%d' % (len(vectors) + 2))
    failed = 0
    for variant in ('ITU', 'ANSI'):
        vs = [v for v in vectors if v.variant == variant]
        packets = dissect(vs, variant, workdir)
        ok = len(packets) == len(vs)
        print('%s tshark dissected %d %s frames for %d vectors' % ('ok' if ok else 'not ok', len(packets),
                                                                  variant, len(vs)))
        failed += not ok
        for v, packet in zip(vs, packets):
            errs = check_vector(v, packet)
            print('%s tshark shows %s as written' % ('not ok' if errs else 'ok', v.title))
            for e in errs:
                print('#   ' + e)
            failed += bool(errs)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
"""A minimal Osmocom CTRL client, written from the protocol (Debian has no osmo-python-tests).

The CTRL protocol (libosmoctrl) runs over TCP in IPA framing: each message is a 3-octet IPA
header (length, 2 octets big endian, of what follows the header; protocol 0xee "OSMO"), the
extension octet 0x00 (CTRL), then the text:
    GET <id> <var>                 -> GET_REPLY <id> <var> <value>   or  ERROR <id> <reason>
    SET <id> <var> <value>         -> SET_REPLY <id> <var> <value>   or  ERROR <id> <reason>
    TRAP 0 <var> <value>              (unsolicited, from the server)
<id> is a number; the value is everything after the variable (spaces kept).

usage: ctrl_client.py [--port P] [--host H] get VAR | set VAR VALUE | raw TEXT
                      | traps SECONDS [COUNT]        print TRAPs as "TRAP var value"
       ctrl_client.py --self-test                   the parser against libosmoctrl's vectors
Output: one line "TYPE id var value" (ERROR: "ERROR id reason"); exit status 0 for a
GET_REPLY / SET_REPLY, 1 for an ERROR reply, 2 when the server cannot be reached / answers
nothing / garbage."""
import socket, struct, sys, time

IPA_PROTO_OSMO = 0xee
IPA_EXT_CTRL = 0x00
TIMEOUT = 10


def frame(text):
    """text (str) -> one IPA-framed CTRL message (bytes)"""
    data = bytes([IPA_EXT_CTRL]) + text.encode()
    return struct.pack(">HB", len(data), IPA_PROTO_OSMO) + data


def unframe(buf):
    """bytes -> (text or None, rest): the first whole CTRL message of buf; messages of other
    IPA protocols are skipped (text None)"""
    if len(buf) < 3:
        return None, buf
    n, proto = struct.unpack(">HB", buf[:3])
    if len(buf) < 3 + n:
        return None, buf
    body, rest = buf[3:3 + n], buf[3 + n:]
    if proto != IPA_PROTO_OSMO or not body or body[0] != IPA_EXT_CTRL:
        return "", rest
    return body[1:].rstrip(b"\0").decode(errors="replace"), rest


def parse(text):
    """CTRL text -> dict(type, id, variable, value): as libosmoctrl's ctrl_cmd_parse3 splits it
    (ERROR: no variable, the rest is the reason; GET: no value)"""
    text = text.rstrip("\n")
    typ, _, rest = text.partition(" ")
    mid, _, rest = rest.partition(" ")
    m = {"type": typ, "id": mid, "variable": None, "value": None}
    if typ == "ERROR":
        m["value"] = rest
    elif typ == "GET":
        m["variable"] = rest
    else:
        m["variable"], _, m["value"] = rest.partition(" ")
    return m


class Ctrl:
    def __init__(self, host="127.0.0.1", port=4279):
        self.s = socket.create_connection((host, port), timeout=TIMEOUT)
        self.buf = b""
        self.next_id = 1
        self.traps = []

    def recv_msg(self, timeout=TIMEOUT):
        end = time.time() + timeout
        while True:
            text, self.buf = unframe(self.buf)
            if text:
                return parse(text)
            if text == "":
                continue
            left = end - time.time()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                return None
            if not d:
                raise ConnectionError("the CTRL server closed the connection")
            self.buf += d

    def send_raw(self, text):
        self.s.sendall(frame(text))

    def request(self, text, mid):
        """send text, return the reply with that id (TRAPs in between are kept in self.traps)"""
        self.send_raw(text)
        while True:
            m = self.recv_msg()
            if m is None:
                raise TimeoutError("no reply to %r" % text)
            if m["type"] == "TRAP":
                self.traps.append(m)
                continue
            if m["id"] == mid or m["type"] == "ERROR":
                return m

    def _id(self):
        self.next_id += 1
        return str(self.next_id)

    def get(self, var):
        mid = self._id()
        return self.request("GET %s %s" % (mid, var), mid)

    def set(self, var, value):
        mid = self._id()
        return self.request("SET %s %s %s" % (mid, var, value), mid)


def show(m):
    if m["type"] == "ERROR":
        return "ERROR %s %s" % (m["id"], m["value"])
    return "%s %s %s %s" % (m["type"], m["id"], m["variable"], m["value"] if m["value"] is not None else "")


# libosmocore tests/ctrl/ctrl_test.c (test_messages_list; expected output tests/ctrl/ctrl_test.ok):
# the text a parsed message gives (type, id, variable, value/reply), and its IPA header
# (msgb_from_string: proto IPAC_PROTO_OSMO 0xee, extension IPAC_PROTO_EXT_CTRL 0x00)
VECTORS = [
    ("GET 1 variable", ("GET", "1", "variable", None)),
    ("GET 1 variable\n", ("GET", "1", "variable", None)),
    ("SET 1 variable value", ("SET", "1", "variable", "value")),
    ("SET 1 variable value\n", ("SET", "1", "variable", "value")),
    ("SET 1 variable multiple value tokens", ("SET", "1", "variable", "multiple value tokens")),
    ("SET 1 variable value_with_trailing_spaces  ", ("SET", "1", "variable", "value_with_trailing_spaces  ")),
    ("SET 1 variable value_with_trailing_spaces  \n", ("SET", "1", "variable", "value_with_trailing_spaces  ")),
    ("GET_REPLY 1 variable OK", ("GET_REPLY", "1", "variable", "OK")),
    ("SET_REPLY 1 variable OK", ("SET_REPLY", "1", "variable", "OK")),
    ("ERROR 1 some error message", ("ERROR", "1", None, "some error message")),
    ("ERROR err some error message", ("ERROR", "err", None, "some error message")),
    # the server's replies to the vectors it refuses (ctrl_test.c reply_str), parsed as ERRORs
    ("ERROR 1 GET with trailing characters", ("ERROR", "1", None, "GET with trailing characters")),
    ("ERROR err Invalid message ID number", ("ERROR", "err", None, "Invalid message ID number")),
]


def self_test():
    fails = 0
    for text, want in VECTORS:
        m = parse(text)
        got = (m["type"], m["id"], m["variable"], m["value"])
        ok = got == want
        fails += not ok
        print("vector %s: parse %r -> %r" % ("pass" if ok else "FAIL", text, got))
    f = frame("GET 1 variable")
    ok = f[:4] == struct.pack(">HBB", len("GET 1 variable") + 1, 0xee, 0x00) and unframe(f) == ("GET 1 variable", b"")
    fails += not ok
    print("vector %s: frame, IPA header %s" % ("pass" if ok else "FAIL", f[:4].hex()))
    return 1 if fails else 0


def main(argv):
    host, port = "127.0.0.1", 4279
    while argv and argv[0].startswith("--"):
        if argv[0] == "--self-test":
            return self_test()
        if argv[0] == "--port":
            port = int(argv[1])
        elif argv[0] == "--host":
            host = argv[1]
        argv = argv[2:]
    try:
        c = Ctrl(host, port)
        if argv[0] == "get":
            m = c.get(argv[1])
        elif argv[0] == "set":
            m = c.set(argv[1], " ".join(argv[2:]))
        elif argv[0] == "raw":
            c.send_raw(argv[1])
            m = c.recv_msg()
            if m is None:
                raise TimeoutError("no reply")
        elif argv[0] == "traps":
            end, count = time.time() + float(argv[1]), int(argv[2]) if len(argv) > 2 else 0
            n = 0
            while time.time() < end and (not count or n < count):
                m = c.recv_msg(max(0.1, end - time.time()))
                if m and m["type"] == "TRAP":
                    print("TRAP %s %s" % (m["variable"], m["value"]), flush=True)
                    n += 1
            return 0
        else:
            print(__doc__)
            return 2
    except (OSError, ConnectionError, TimeoutError, IndexError) as e:
        sys.stderr.write("ctrl_client.py: %s\n" % e)
        return 2
    print(show(m))
    return 1 if m["type"] == "ERROR" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

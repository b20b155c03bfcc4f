#!/usr/bin/env python3
"""Order of the lab's SIP messages, from tshark's decode of the lab's capture (not from the
ladder, which sorts its own events and so is always in order).

usage: sip-order.py calls FRAMES          each call's messages (Call-ID, in capture order) equal
                                          the message flow its scenario implies (RFC 3261/3262)
       sip-order.py ladder FRAMES LABOUT  each ladder's SIP lines are that call's messages in
                                          capture order
FRAMES: tshark -T fields -E separator='|' -e frame.number -e frame.time_epoch -e sip.Call-ID
        -e sip.Method -e sip.Status-Code -e sip.CSeq.method
Prints one line per call; exit 1 on any difference."""
import re, sys

# the lab's four calls in the order scripts/lab places them; a 2xx is named with its CSeq method
EXPECTED = [
    ("answered", "INVITE 100 180 PRACK 200/PRACK 200/INVITE ACK BYE 200/BYE"),
    ("busy", "INVITE 100 486 ACK"),
    ("no-answer", "INVITE 100 180 480 ACK"),
    ("fast-answer", "INVITE 100 200/INVITE ACK BYE 200/BYE"),
]


def token(method, code, cseq):
    if method:
        return method
    return "%s/%s" % (code, cseq) if code.startswith("2") else code


def calls_from_frames(path):
    """{call-id: [tokens]} in frame order, the call-ids in the order of their first frame;
    None when the capture's time stamps go backwards (frames not in capture order)"""
    calls, order, last_t = {}, [], 0.0
    frames = [l.rstrip("\n").split("|") for l in open(path) if l.strip()]
    for f in sorted(frames, key=lambda f: int(f[0])):
        if len(f) < 6:
            continue
        t = float(f[1])
        if t < last_t:
            print("capture: frame %s at %.6f is earlier than the frame before it" % (f[0], t))
            return None, None
        last_t = t
        cid = f[2]
        if cid not in calls:
            calls[cid] = []
            order.append(cid)
        tok = token(f[3], f[4], f[5])
        if not calls[cid] or calls[cid][-1] != tok:	# a retransmission is one message
            calls[cid].append(tok)
    return calls, order


def check_calls(frames):
    calls, order = calls_from_frames(frames)
    if calls is None:
        return 1
    rc = 0
    if len(order) != len(EXPECTED):
        print("capture: %d SIP dialogs, %d expected" % (len(order), len(EXPECTED)))
        rc = 1
    for (name, want), cid in zip(EXPECTED, order):
        got = " ".join(calls[cid])
        print("%s %s: %s%s" % ("ok" if got == want else "DIFFERS", name, got,
                                "" if got == want else "  (expected %s)" % want))
        rc |= got != want
    return rc


def ladder_sections(path):
    """[[tokens of the SIP lines of one ladder]] from scripts/lab's output"""
    secs = []
    for line in open(path, errors="replace"):
        if line.startswith("== ladder "):
            secs.append([])
            continue
        m = re.search(r"gwA (-->|<--) gwB   (\S+)(.*)", line)
        if not m or not secs:
            continue
        word, rest = m.group(2), m.group(3)
        if word.isdigit():
            cm = re.search(r"\((\w+)\)", rest)
            secs[-1].append(token("", word, cm.group(1) if cm else "?"))
        else:
            secs[-1].append(word)
    return secs


def check_ladder(frames, labout):
    calls, order = calls_from_frames(frames)
    if calls is None:
        return 1
    secs = ladder_sections(labout)
    rc = 0 if len(secs) == len(order) == len(EXPECTED) else 1
    if rc:
        print("%d ladders, %d SIP dialogs in the capture" % (len(secs), len(order)))
    for (name, _), cid, sec in zip(EXPECTED, order, secs):
        dedup = [t for i, t in enumerate(sec) if i == 0 or sec[i - 1] != t]
        same = dedup == calls[cid]
        print("%s %s: ladder %s" % ("ok" if same else "DIFFERS", name, " ".join(dedup)))
        rc |= not same
    return rc


if len(sys.argv) == 3 and sys.argv[1] == "calls":
    sys.exit(check_calls(sys.argv[2]))
if len(sys.argv) == 4 and sys.argv[1] == "ladder":
    sys.exit(check_ladder(sys.argv[2], sys.argv[3]))
sys.stderr.write(__doc__)
sys.exit(2)

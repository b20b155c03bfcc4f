#!/usr/bin/env python3
"""tests/iwf/redirection.test on the wire: what tshark's dissectors decode from the capture
(re-wrapped by m3ua_rewrap.py), one TAP line per check ("ok NAME" / "not ok NAME").

usage: redirection_wire.py PCAP GW_OPC SIPP_PORT
GW_OPC: the gateway's point code as tshark prints m3ua.protocol_data_opc (an integer)."""
import subprocess
import sys

ISUP_FIELDS = ["frame.number", "m3ua.protocol_data_opc", "isup.cic", "isup.message_type", "isup.called",
               "isup.redirecting", "isup.original_called_number", "isup.redirecting_ind",
               "isup.original_redirection_reason", "isup.redirection_counter", "isup.redirection_reason",
               "isup.address_presentation_restricted_indicator", "isup.cause_indicator",
               "isup.redirection_number"]
SIP_FIELDS = ["frame.number", "udp.dstport", "sip.Method", "sip.Status-Code", "sip.r-uri.user",
              "sip.History-Info", "sip.Diversion", "sip.contact.user", "sip.msg_hdr"]
fails = 0


def tshark(pcap, flt, fields):
    cmd = ["tshark", "-n", "-r", pcap, "-Y", flt, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
           "-E", "aggregator=|"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [dict(zip(fields, line.split("\t"))) for line in out.splitlines()]


def check(ok, name, detail=""):
    global fails
    print(("ok " if ok else "not ok ") + name)
    if not ok:
        fails += 1
        print("#   got: %r" % (detail,))


def main():
    pcap, gw_opc, sipp_port = sys.argv[1], sys.argv[2], sys.argv[3]
    isup = tshark(pcap, "isup", ISUP_FIELDS)
    sip = tshark(pcap, "sip", SIP_FIELDS)
    # each ISUP message of the gateway once
    # (the STP relays it unchanged: wire.py's relay check; both copies carry the gateway's OPC)
    gw, seen = [], set()
    for r in isup:
        k = tuple(v for f, v in r.items() if f != "frame.number")
        if r["m3ua.protocol_data_opc"] == gw_opc and k not in seen:
            seen.add(k)
            gw.append(r)
    inv = [r for r in sip if r["sip.Method"] == "INVITE" and r["udp.dstport"] == sipp_port]
    to_gw = [r for r in sip if r["udp.dstport"] != sipp_port]
    host = "127.0.0.1"

    def hi(*entries):
        return ",".join(entries)

    want = [
        ("+4999123", hi("<sip:+4930222@%s;user=phone?Privacy=history>;index=1" % host,
                        "<sip:+4930111@%s;user=phone;cause=486>;index=1.1;mp=1" % host,
                        "<sip:+4999123@%s;user=phone;cause=408>;index=1.1.1;mp=1.1" % host), ""),
        ("+4999123", hi("<sip:anonymous@anonymous.invalid>;index=1",
                        "<sip:+4930111@%s;user=phone;cause=486>;index=1.1;mp=1" % host,
                        "<sip:+4999123@%s;user=phone;cause=408>;index=1.1.1;mp=1.1" % host), ""),
        ("+4999123", "", "<sip:+4930111@%s;user=phone>;reason=no-answer;counter=1;privacy=off,"
                         "<sip:+4930222@%s;user=phone>;reason=user-busy;counter=1;privacy=full" % (host, host)),
        ("+4999123", "", ""),
    ]
    check(len(inv) == 10, "wire: 10 INVITEs toward SIPp (4 mapping cases, 1 + 3 + 2 for the 3xx cases)",
          [r["sip.r-uri.user"] for r in inv])
    inv += [{}] * 10
    names = ["1 History-Info trusted", "2 History-Info untrusted", "3 Diversion", "4 redirection none"]
    for i, (ruri, h, d) in enumerate(want):
        r = inv[i]
        check(r.get("sip.r-uri.user") == ruri and r.get("sip.History-Info") == h and r.get("sip.Diversion") == d,
              "wire: %s: the INVITE's History-Info / Diversion as tshark parses them" % names[i],
              (r.get("sip.History-Info"), r.get("sip.Diversion")))
    check("30222" not in inv[1].get("sip.msg_hdr", "30222"),
          "wire: 2 untrusted trunk: the restricted original called number 30222 nowhere in the INVITE")
    # SIP -> ISUP: the gateway's IAMs for the two SIPp UAC calls
    for n, called, what in ((5, "301234561F", "History-Info"), (6, "301234562F", "Diversion")):
        r = [x for x in gw if x["isup.message_type"] == "1" and x["isup.called"] == called]
        r = r[0] if len(r) == 1 else {}
        check(r.get("isup.redirecting") == "30111" and r.get("isup.original_called_number") == "30222" and
              r.get("isup.redirecting_ind") == "3" and r.get("isup.original_redirection_reason") == "1" and
              r.get("isup.redirection_counter") == "2" and r.get("isup.redirection_reason") == "2" and
              r.get("isup.address_presentation_restricted_indicator") == "0|0|1",
              "wire: %d %s -> IAM: redirecting 30111 allowed, OCN 30222 restricted, diverted, original reason "
              "busy, counter 2, reason no reply" % (n, what), r)
    # 3xx: REL 23 + redirection number = the last 302's Contact
    contacts = [r["sip.contact.user"] for r in to_gw if r["sip.Status-Code"] == "302"]
    check(contacts[:1] == ["+4930444"] and len(contacts) == 6, "wire: six 302 toward the gateway", contacts)
    contacts += [""] * 6
    for cic, rn, counter, name in (("7", contacts[0], "1", "7 302, default"),
                                   ("8", contacts[3], "5", "8 recurse 2, bound"),
                                   ("9", contacts[5], "2", "9 loop")):
        r = [x for x in gw if x["isup.message_type"] == "12" and x["isup.cic"] == cic]
        r = r[0] if len(r) == 1 else {}
        check(r.get("isup.cause_indicator") == "23" and "+49" + r.get("isup.redirection_number", "?") == rn and
              r.get("isup.redirection_counter") == counter and r.get("isup.redirection_reason") == "3" and
              r.get("isup.redirecting_ind") == "3",
              "wire: %s: REL cause 23, redirection number %s (the 302's Contact), redirection counter %s, "
              "reason unconditional" % (name, rn, counter), r)
    r = [x for x in sip if x["sip.Status-Code"] == "302" and x["udp.dstport"] == sipp_port]
    rel = [x for x in isup if x["isup.message_type"] == "12" and x["m3ua.protocol_data_opc"] != gw_opc and
           x["isup.redirection_number"]]
    check(len(r) == 1 and r[0]["sip.contact.user"] == "+4930444" and "cause=486>" in r[0]["sip.msg_hdr"] and
          rel and rel[0]["isup.redirection_number"] == "30444" and rel[0]["isup.redirection_reason"] == "1",
          "wire: 10 REL 23 + redirection number 30444 (reason busy) -> 302 Contact +4930444 with cause=486", (r, rel))
    rec = [r.get("sip.r-uri.user") for r in inv[4:10]]
    check(rec == ["+4999123", "+4999123", contacts[1], contacts[2], "+4999123", contacts[4]],
          "wire: recursion: each new INVITE goes to the previous 302's Contact", rec)
    check(inv[6].get("sip.History-Info", "").endswith(
              "<sip:%s@%s;user=phone;cause=302>;index=1.1.1;mp=1.1" % (contacts[1], host)) and
          inv[9].get("sip.History-Info") == hi("<sip:+4999123@%s;user=phone>;index=1" % host,
                                               "<sip:%s@%s;user=phone;cause=302>;index=1.1;mp=1" % (contacts[4], host)),
          "wire: recursion: the new INVITE's History-Info ends with the Contact, cause=302 (RFC 4458)",
          (inv[6].get("sip.History-Info"), inv[9].get("sip.History-Info")))
    return 0


if __name__ == "__main__":
    sys.exit(main())

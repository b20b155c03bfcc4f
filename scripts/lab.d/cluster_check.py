#!/usr/bin/env python3
"""The verdict of scripts/lab --cluster (scripts/lab.d/cluster.sh), from what the gateways did not
write: tshark's decode of the lab's capture (isup.txt, sip.txt: M3UA re-wrapped by
tests/lib/m3ua_rewrap.py), the exchanges' reports (STEP and LOAD lines), SIPp's statistics and
exit status, and the RTP probe's report (rtp.txt). The gateways' VTY only for the count of
circuits not idle beside the wire's own count. Prints the summary (one PASS/FAIL line per outcome)
and writes DIR/summary.txt (key=value); exit status 0 exactly when every outcome is as expected."""
import argparse
import os
import re
import sys

PC = {186: 'pair', 187: 'exA', 188: 'gwB', 189: 'exB'}	# 0.23.2 .. 0.23.5 (3.8.3: 0*2048+23*8+n)
# the M3UA addresses of node 1, node 2, gateway B and the SIP addresses of the nodes (--node1 ...:
# one namespace per node: both nodes' SIP side on the service address)
NODE1, NODE2, GWB = '127.0.0.2', '127.0.0.6', '127.0.0.4'
SIP1, SIP2 = NODE1, NODE2
GW_IPS = (NODE1, NODE2, GWB)
T = {1: 'IAM', 6: 'ACM', 9: 'ANM', 7: 'CON', 44: 'CPG', 12: 'REL', 16: 'RLC', 18: 'RSC', 23: 'GRS',
     41: 'GRA', 19: 'BLO', 21: 'BLA', 20: 'UBL', 22: 'UBA', 24: 'CGB', 26: 'CGBA', 25: 'CGU', 27: 'CGUA'}
GROUP_MSGS = ('GRS', 'GRA', 'CGB', 'CGBA', 'CGU', 'CGUA')


def split_multi(fields):
    """one tshark line may hold several ISUP messages: one row per message type value (a field
    with fewer values than that repeats its first)"""
    cols = [f.split(',') for f in fields]
    n = len(cols[3])
    return [[c[i] if i < len(c) else (c[0] if len(c) == 1 else '') for c in cols] for i in range(n)]


def read_isup(path):
    """per (exchange, gateway, CIC): [(t, dir, type, cause, gateway_ip, called)]; dir '>' from the
    exchange. Each message crosses the capture twice (exchange <-> STP <-> gateway): the gateway's
    leg is kept, it names the node (127.0.0.2 / 127.0.0.6 / 127.0.0.4)."""
    circ = {}
    for line in open(path):
        f = line.rstrip('\n').split('|')
        if len(f) < 10:
            continue
        if f[1] in GW_IPS:
            gw_ip = f[1]
        elif f[2] in GW_IPS:
            gw_ip = f[2]
        else:
            continue
        t = float(f[0])
        for opc, dpc, cic, mt, cause, called, rng in split_multi(f[3:10]):
            try:
                opc, dpc, cic, mt = int(opc), int(dpc), int(cic), int(mt)
            except ValueError:
                continue
            ex, gw, d = (opc, dpc, '>') if opc in (187, 189) else (dpc, opc, '<')
            name = T.get(mt, 'T%d' % mt)
            cause = int(cause) if cause.isdigit() else None
            cics = [cic]
            if name in GROUP_MSGS and rng.isdigit():
                cics = range(cic, cic + int(rng) + 1)
            for c in cics:
                circ.setdefault((ex, gw, c), []).append((t, d, name, cause, gw_ip, called.rstrip('Ff')))
    for v in circ.values():
        v.sort(key=lambda m: m[0])
    return circ


def read_sip(path):
    """per Call-ID: [(t, src, sport, dst, dport, method, status, cseq_method, ruri_user, via, reason)]"""
    calls = {}
    for line in open(path):
        f = line.rstrip('\n').split('|')
        if len(f) < 12:
            continue
        m = (float(f[0]), f[1], int(f[2] or 0), f[3], int(f[4] or 0), f[5], int(f[6]) if f[6].isdigit() else 0,
             f[7], f[9], f[10], f[11])
        calls.setdefault(f[8], []).append(m)
    return calls


def segments(seq):
    """a circuit's messages cut into calls: each from an IAM to the next IAM"""
    out, cur = [], None
    for m in seq:
        if m[2] == 'IAM':
            cur = [m]
            out.append(cur)
        elif cur is not None:
            cur.append(m)
    return out


def ok_release(after, ex_releases, rlc_ip, release_t):
    """the messages of an answered call after its ANM: one REL 16 (from the exchange when
    ex_releases, else from the gateway at rlc_ip) after release_t, answered RLC, nothing else; the
    exchange's REL repeated on T1 (Q.764 2.9.6: the first one lost on its way to the killed node)
    counts once, the last one must reach rlc_ip"""
    while len(after) > 2 and after[0][1:4] == after[1][1:4] and after[0][2] == 'REL':
        after = after[1:]
    if len(after) != 2:
        return False
    rel, rlc = after
    want_rel, want_rlc = ('>', '<') if ex_releases else ('<', '>')
    if (rel[1], rel[2], rel[3]) != (want_rel, 'REL', 16) or (rlc[1], rlc[2]) != (want_rlc, 'RLC'):
        return False
    return rel[4] == rlc_ip and rlc[4] == rlc_ip and rel[0] >= release_t


def call_ok_isup(seg, kill_t, ex_releases, rlc_ip, release_t, egress):
    """held call: IAM, ACM, ANM before the kill, then ok_release"""
    names = [(m[1], m[2]) for m in seg[:3]]
    back = '>' if egress else '<'
    fwd = '<' if egress else '>'
    if names != [(fwd, 'IAM'), (back, 'ACM'), (back, 'ANM')] or seg[2][0] >= kill_t:
        return False
    return ok_release(seg[3:], ex_releases, rlc_ip, release_t)


def sip_dialog(msgs, kill_t, release_t, node2_reinvite, bye_from_core_leg):
    """a held call's SIP messages at the core: answered before the kill, a re-INVITE through node 2
    after it (when the call was on the pair) answered 200, a BYE after release_t answered 200, and
    no CANCEL, no failure response, no BYE before"""
    inv = [m for m in msgs if m[5] == 'INVITE']
    if not inv:
        return False, 'no INVITE'
    ok200 = [m for m in msgs if m[6] == 200 and m[7] == 'INVITE']
    if not ok200 or ok200[0][0] >= kill_t:
        return False, 'not answered before the kill'
    if any(m[5] == 'CANCEL' or m[6] >= 300 for m in msgs):
        return False, 'CANCEL or failure response'
    reinv = [m for m in inv[1:] if m[0] > kill_t]
    if node2_reinvite:
        if not reinv or SIP2 not in reinv[0][9]:
            return False, 'no re-INVITE from node 2 after the kill'
        if not [m for m in ok200 if m[0] > reinv[0][0]]:
            return False, 're-INVITE not answered 200'
    byes = [m for m in msgs if m[5] == 'BYE']
    if not byes or byes[0][0] < release_t - (0 if not bye_from_core_leg else 1e9):
        return False, 'BYE before the release'
    if byes[0][0] < kill_t:
        return False, 'BYE before the kill'
    if not [m for m in msgs if m[6] == 200 and m[7] == 'BYE']:
        return False, 'BYE not answered 200'
    return True, ''


def read_rtp(path):
    rx = {}
    phases = []
    if not os.path.exists(path):
        return rx, phases
    for line in open(path):
        if line.startswith('CIC '):
            f = line.split()
            rx[int(f[1])] = [int(x) for x in f[2][3:].split(',')]
        elif line.startswith('PHASE '):
            phases.append(dict(kv.split('=') for kv in line.split()[2:]))
    return rx, phases


def sipp_counts(path):
    """SIPp's statistics file (-trace_stat): the last line's SuccessfulCall(C) and FailedCall(C)"""
    try:
        lines = [l.rstrip('\n').split(';') for l in open(path) if l.strip()]
    except OSError:
        return None, None
    if len(lines) < 2:
        return None, None
    h = lines[0]
    last = lines[-1]
    try:
        return int(last[h.index('SuccessfulCall(C)')]), int(last[h.index('FailedCall(C)')])
    except (ValueError, IndexError):
        return None, None


def vty_not_idle(path):
    try:
        m = re.search(r'^(\d+) circuits not idle', open(path).read(), re.M)
    except OSError:
        return None
    return int(m.group(1)) if m else None


def exchange_steps(path):
    """(failed steps other than the load's, LOAD RESULT dict, SCENARIO line)"""
    fails, load, scen = [], {}, ''
    for line in open(path, errors='replace'):
        if re.search(r'\bSTEP \d+ FAIL', line) and 'load calls=' not in line:
            fails.append(line.strip())
        elif line.startswith('LOAD RESULT'):
            load = dict(kv.split('=', 1) for kv in line.split()[2:] if '=' in kv)
        elif line.startswith('SCENARIO '):
            scen = line.strip()
    return fails, load, scen


class Verdict:
    def __init__(self):
        self.lines, self.ok, self.kv = [], True, {}

    def add(self, ok, name, text, extra=()):
        self.ok &= bool(ok)
        self.lines.append('   %s  %-10s %s' % ('PASS' if ok else 'FAIL', name, text))
        self.lines += ['              ' + e for e in extra]


def wire_final_busy(circ):
    """CICs whose last message leaves them not idle (IAM/ACM/ANM/REL/RSC/GRS last)"""
    busy = []
    for k, seq in circ.items():
        last = seq[-1][2]
        if last not in ('RLC', 'GRA', 'CGBA', 'CGUA', 'BLA', 'UBA', 'UBL', 'CGU'):
            busy.append(k)
    return busy


def unanswered_after(circ, t0):
    """ISUP messages after t0 that never got their answer (REL->RLC, RSC->RLC, GRS->GRA, IAM->a backward
    message or its sender's own REL on T7)"""
    want = {'REL': ('RLC',), 'RSC': ('RLC',), 'GRS': ('GRA',), 'IAM': ('ACM', 'ANM', 'CON', 'REL', 'CPG')}
    bad = []
    for k, seq in circ.items():
        for i, m in enumerate(seq):
            if m[0] <= t0 or m[2] not in want:
                continue
            if any(n[2] in want[m[2]] and n[1] != m[1] for n in seq[i + 1:]):
                continue
            # an IAM the node never answered, released by its sender's T7 (REL, then the RLC)
            if m[2] == 'IAM' and any(n[2] == 'REL' and n[1] == m[1] for n in seq[i + 1:]):
                continue
            bad.append((k, m[2]))
    return bad


def held_ingress(circ, sip_by_num, ex, gw, n, prefix, a, rtp, rtp_cics):
    """held ISUP -> SIP calls of one exchange: (survived, on the pair, failures)"""
    surv, fails, probed = 0, [], []
    pair = gw == 186
    for cic in range(1, n + 1):
        if pair and cic in rtp_cics:
            probed.append(cic)
        segs = [s for s in segments(circ.get((ex, gw, cic), [])) if (s[0][5] or '').startswith(prefix)]
        num = '%s%04d' % (prefix, cic)
        why = ''
        if len(segs) != 1:
            why = '%d IAMs' % len(segs)
        elif not call_ok_isup(segs[0], a.kill, True, NODE2 if pair else GWB, a.release, False):
            why = 'ISUP: ' + ' '.join(m[1] + m[2] + (':%d' % m[3] if m[3] else '') for m in segs[0])
        else:
            ok, why = sip_dialog(sip_by_num.get(num, []), a.kill, a.release, pair, False)
            why = '' if ok else 'SIP: ' + why
            if ok and pair and cic in rtp_cics and not (rtp.get(cic, [0] * 4)[3:4] or [0])[0]:
                why = 'RTP: nothing back after the takeover'
        if why:
            fails.append('%s CIC %d (%s): %s' % (PC[ex], cic, num, why))
        else:
            surv += 1
    return surv, fails, probed


def held_egress(circ, sip, a, rtp, rtp_cics):
    """held SIP -> ISUP calls (the UAC's): (survived, total, on the pair, failures, probed CICs)"""
    surv, total, on_pair, fails, probed = 0, 0, 0, [], []
    iam_by_num = {}
    for (ex, gw, cic), seq in circ.items():
        for s in segments(seq):
            if s[0][1] == '<':
                iam_by_num.setdefault(s[0][5], []).append((ex, gw, cic, s))
    for cid, msgs in sip.items():
        first = msgs[0]
        if not (first[5] == 'INVITE' and first[4] == a.kam and first[2] == a.uac):
            continue
        total += 1
        user = first[8].lstrip('+')
        num = user[2:] if user.startswith('49') else user
        to_gw = [m[3] for m in msgs if m[5] == 'INVITE' and m[4] == a.lb]
        pair = bool(to_gw) and to_gw[0] == SIP1
        on_pair += pair
        core = [m for m in msgs if a.uac in (m[2], m[4])]
        isup = iam_by_num.get(num, [])
        if len(isup) == 1 and pair and isup[0][2] in rtp_cics:
            probed.append(isup[0][2])
        ok, why = sip_dialog(core, a.kill, a.kill, pair, True)
        if ok and len(isup) != 1:
            ok, why = False, '%d IAMs for %s' % (len(isup), num)
        elif ok:
            ex, gw, cic, seg = isup[0]
            if not call_ok_isup(seg, a.kill, False, NODE2 if pair else GWB, a.kill, True):
                ok, why = False, 'ISUP CIC %d: %s' % (cic, ' '.join(m[1] + m[2] for m in seg))
            elif pair and cic in rtp_cics and not (rtp.get(cic, [0] * 4)[3:4] or [0])[0]:
                ok, why = False, 'RTP on CIC %d: nothing back after the takeover' % cic
        if ok:
            surv += 1
        else:
            fails.append('egress %s (%s): %s' % (cid[:24], 'pair' if pair else 'gw B', why))
    return surv, total, on_pair, fails, probed


def new_calls(circ, a, lo, hi):
    """the new calls of exchange A's load, by the node that got the IAM (the wire's gateway leg:
    the kill's instant is only known to a few ms, the nodes are exact): answered by node 1 /
    unanswered at the kill (IAM to node 1, no ANM from it) / placed after the kill (IAM to
    node 2); returns counts and the answer times of the calls node 2 answered"""
    r = dict(before_ans=0, before_ok=0, unans=0, cleared=0, t7=0, after=0, after_ok=0, ans_times=[], bad=[])
    for cic in range(lo, hi + 1):
        for s in segments(circ.get((187, 186, cic), [])):
            if s[0][1] != '>':
                continue
            anm = [m for m in s if m[2] in ('ANM', 'CON')]
            rest = [m for m in s[1:] if m[2] not in ('ACM', 'CPG', 'ANM', 'CON')]
            if s[0][4] == NODE1 and anm and anm[0][4] == NODE1:
                r['before_ans'] += 1
                good = ok_release(rest, True, NODE2, 0) or ok_release(rest, True, NODE1, 0)
                r['before_ok'] += good
            elif s[0][4] == NODE1:
                r['unans'] += 1
                good = (not anm and len(rest) == 2 and rest[0][1:4] == ('<', 'REL', 41) and rest[0][4] == NODE2
                        and rest[1][1:3] == ('>', 'RLC'))
                r['cleared'] += good
                # node 1 had not recorded it: unknown to node 2, the exchange's T7 releases it
                t7 = (not good and not anm and len(rest) == 2 and rest[0][1:4] == ('>', 'REL', 102)
                      and rest[1][1:3] == ('<', 'RLC') and rest[1][4] == NODE2)
                r['t7'] += t7
                good = good or t7
            else:
                r['after'] += 1
                good = bool(anm) and anm[0][4] == NODE2 and ok_release(rest, True, NODE2, 0)
                r['after_ok'] += good
                if anm:
                    r['ans_times'].append(anm[0][0])
            if not good:
                r['bad'].append('CIC %d: %s' % (cic, ' '.join(m[1] + m[2] + (':%d' % m[3] if m[3] else '') for m in s)))
    return r


def parse_args():
    global NODE1, NODE2, SIP1, SIP2, GW_IPS
    ap = argparse.ArgumentParser()
    for o in ('dir', 'load'):
        ap.add_argument('--' + o, required=True)
    for o in ('kill', 'active', 'release'):
        ap.add_argument('--' + o, type=float, required=True)
    for o in ('h1', 'h2', 'h3', 'new', 'cps', 'rtp-a', 'rtp-e', 'lb', 'kam', 'core', 'uac'):
        ap.add_argument('--' + o, type=int, required=True)
    ap.add_argument('--survive-pct', type=float, default=100.0)
    ap.add_argument('--takeover-max', type=float)
    for o, dflt in (('node1', NODE1), ('node2', NODE2), ('sip1', NODE1), ('sip2', NODE2)):
        ap.add_argument('--' + o, default=dflt)
    a = ap.parse_args()
    NODE1, NODE2, SIP1, SIP2 = a.node1, a.node2, a.sip1, a.sip2
    GW_IPS = (NODE1, NODE2, GWB)
    return a


def core_by_number(a, sip):
    """the core's leg of the ISUP -> SIP calls, by called number (R-URI +49 NNN)"""
    by_num = {}
    for cid, msgs in sip.items():
        core = [m for m in msgs if a.core in (m[2], m[4])]
        if core and core[0][5] == 'INVITE':
            u = core[0][8].lstrip('+')
            by_num[u[2:] if u.startswith('49') else u] = core
    return by_num


def judge_held(a, w, v, kv):
    """placed, survived"""
    circ, sip, rtp, nc = w['circ'], w['sip'], w['rtp'], w['new']
    by_num = core_by_number(a, sip)
    rtp_in = set(range(1, a.rtp_a + 1))
    rtp_eg = set(range(1024 - a.rtp_e, 1024)) if a.rtp_e else set()
    s1, f1, pr1 = held_ingress(circ, by_num, 187, 186, a.h1, '551', a, rtp, rtp_in)
    s2, f2, _ = held_ingress(circ, by_num, 189, 188, a.h2, '552', a, rtp, set())
    s3, n3, p3, f3, pr3 = held_egress(circ, sip, a, rtp, rtp_eg)
    held = a.h1 + a.h2 + a.h3
    v.add(n3 == a.h3, 'placed', '%d held calls: exchange A -> pair 0.23.2 %d, exchange B -> gateway B 0.23.4 %d, '
          'SIP core -> Kamailio %d (pair %d, gateway B %d); new calls through the pair %d at %d CPS'
          % (held, a.h1, a.h2, n3, p3, n3 - p3, nc['before_ans'] + nc['unans'] + nc['after'], a.cps))
    surv = s1 + s2 + s3
    pct = 100.0 * surv / held if held else 0
    pair_total = a.h1 + p3
    fails = f1 + f2 + f3
    pair_surv = pair_total - len(f1) - len([f for f in f3 if '(pair)' in f])
    probed = pr1 + pr3		# the probed CICs that carried a held call on the pair
    rx1 = sum(1 for c in probed if rtp.get(c, [])[1:2] and rtp[c][1] > 0)
    rx3 = sum(1 for c in probed if rtp.get(c, [])[3:4] and rtp[c][3] > 0)
    v.add(pct >= a.survive_pct and surv > 0, 'survived',
          '%d/%d (%.1f %%; pair %d/%d, gateway B %d/%d): both sides in the call after the takeover, '
          'released normally' % (surv, held, pct, pair_surv, pair_total, surv - pair_surv, held - pair_total),
          ['RTP (rtp-pstn <-> SIPp echo, both ways): %d CICs of calls on the pair; packets back before the kill '
           'on %d, after the takeover on %d' % (len(probed), rx1, rx3)] + fails[:12] +
          (['... %d more' % (len(fails) - 12)] if len(fails) > 12 else []))
    kv.update(held=held, survived=surv, survived_pct='%.2f' % pct, pair_held=pair_total, pair_survived=pair_surv,
              rtp_cics=len(probed), rtp_back_before=rx1, rtp_back_after=rx3)


def judge_calls(a, w, v, kv):
    """released, cleared, new, takeover"""
    circ, sip, nc = w['circ'], w['sip'], w['new']
    rel_ex = sum(1 for k, seq in circ.items() if k[0] in (187, 189) and k[2] <= max(a.h1, a.h2)
                 for m in seq if m[2] == 'REL' and m[1] == '>' and m[3] == 16 and m[0] >= a.release)
    rel_gw = sum(1 for k, seq in circ.items() for s in segments(seq) if s[0][1] == '<'
                 for m in s if m[2] == 'REL' and m[1] == '<' and m[3] == 16 and m[0] > a.kill)
    byes = sum(1 for msgs in sip.values() if msgs[0][2] == a.uac
               and any(m[5] == 'BYE' and m[2] == a.uac for m in msgs))
    v.add(rel_ex == a.h1 + a.h2 and rel_gw == a.h3 and byes == a.h3, 'released',
          'by REL 16 from the exchanges (RLC from the gateway, BYE to the core): %d; by BYE from the SIP core '
          '(REL 16 to the exchange, RLC): %d dialogs with a BYE, %d RELs' % (rel_ex, byes, rel_gw))
    cancels = sum(1 for msgs in sip.values() if any(m[5] == 'CANCEL' and m[1] == SIP2 and m[0] > a.kill for m in msgs))
    r503 = sum(1 for msgs in sip.values() if any(m[6] == 503 and m[7] == 'INVITE' and m[1] == SIP2 and m[0] > a.kill
                                                  for m in msgs))
    v.add(nc['cleared'] + nc['t7'] == nc['unans'], 'cleared',
          'unanswered at the kill (IAM to node 1, no ANM from it): %d; cleared by REL 41 from node 2 + RLC: %d; '
          'not recorded by node 1 yet, released by the exchange\'s T7 (REL 102, RLC from node 2): %d; dialogs '
          'CANCELed by node 2: %d, answered 503 by it: %d' % (nc['unans'], nc['cleared'], nc['t7'], cancels, r503))
    v.add(nc['before_ok'] == nc['before_ans'] and nc['after_ok'] == nc['after'] and nc['after'] > 0, 'new',
          'answered by node 1 %d (released normally %d); IAM to node 2 after the kill %d (answered and released '
          'normally %d)' % (nc['before_ans'], nc['before_ok'], nc['after'], nc['after_ok']), nc['bad'][:8])
    tk = min(nc['ans_times']) - a.kill if nc['ans_times'] else None
    tk_ok = tk is not None and (a.takeover_max is None or tk <= a.takeover_max)
    v.add(tk_ok, 'takeover', 'kill -> first new call answered after the kill: %s%s; kill -> node 2 active (show ha) '
          '%.3f s' % ('%.3f s' % tk if tk is not None else 'none',
                      ' (limit %.1f s)' % a.takeover_max if a.takeover_max else '', a.active - a.kill))
    kv.update(released_rel=rel_ex, released_bye=byes, unanswered_at_kill=nc['unans'], cleared=nc['cleared'],
              t7=nc['t7'], cancel=cancels, r503=r503, new_after_kill=nc['after'], new_after_ok=nc['after_ok'],
              takeover_s='%.3f' % tk if tk is not None else 'none', active_s='%.3f' % (a.active - a.kill))


def judge_wire(a, w, v, kv):
    """cics, wire"""
    d, circ, sip = a.dir, w['circ'], w['sip']
    busy = wire_final_busy(circ)
    vty = {}
    for f in os.listdir(d):
        if f.startswith('circuits-'):
            vty[f] = vty_not_idle(os.path.join(d, f))
    v.add(not busy and all(x == 0 for x in vty.values()) and vty, 'cics',
          'not idle at the end: on the wire %d%s; VTY: %s' % (len(busy), ' (%s)' % ' '.join(
              '%s/%d' % (PC[k[1]], k[2]) for k in busy[:10]) if busy else '',
              ', '.join('%s %s' % ('node 2' if i == 0 else 'gateway B', vty[k]) for i, k in enumerate(sorted(vty)))))
    isup_n = sum(len(s) for s in circ.values())
    sip_n = sum(len(s) for s in sip.values())
    try:
        malformed = sum(1 for l in open(os.path.join(d, 'malformed.txt')) if l.strip())
    except OSError:
        malformed = -1
    unans = unanswered_after(circ, a.kill)
    v.add(malformed == 0 and not unans and isup_n > 0, 'wire',
          'tshark: %d ISUP (per circuit), %d SIP, %d malformed; ISUP messages after the kill left without '
          'their answer: %d' % (isup_n, sip_n, malformed, len(unans)),
          ['%s/%d %s' % (PC[k[0]], k[2], t) for k, t in unans[:8]])
    kv.update(cics_not_idle=len(busy), isup=isup_n, sip=sip_n, malformed=malformed, unanswered_msgs=len(unans))


def judge_tools(a, w, v, kv):
    """exchanges, sipp"""
    d, nc = a.dir, w['new']
    fa, load, sa = exchange_steps(os.path.join(d, 'ex-a.log'))
    fb, _, sb = exchange_steps(os.path.join(d, 'ex-b.log'))
    lf = int(load.get('failed', -1))
    c41 = sum(int(x.split(':')[1]) for x in load.get('causes', '-').split(',') if x.startswith('41:'))
    c102 = int(load.get('t7_expired', 0))
    load_ok = load and lf == c41 + c102 and load.get('stuck') == '0' and load.get('nocic') == '0' and \
        load.get('unexpected') == '0' and load.get('early_rel') == '0'
    v.add(not fa and not fb and load_ok and sa and sb, 'exchanges',
          'steps failed: A %d, B %d; load: sent %s answered %s failed %s (cause 41: %d, T7: %d) stuck %s, REL '
          'repeated %s' % (len(fa), len(fb), load.get('sent', '?'), load.get('answered', '?'), load.get('failed', '?'),
                           c41, c102, load.get('stuck', '?'), load.get('rel_repeated', '?')), (fa + fb)[:8])
    us, uf = sipp_counts(os.path.join(d, 'uas-stat.csv'))
    cs, cf = sipp_counts(os.path.join(d, 'uac-stat.csv'))
    try:
        uac_rc = open(os.path.join(d, 'uac.rc')).read().strip()
    except OSError:
        uac_rc = '?'
    # a call node 1 had not recorded may have its INVITE at the core: its 200 then reaches node 2,
    # which does not know it (no ACK): at most one failed UAS call per such call
    v.add(uac_rc == '0' and cs == a.h3 and uf is not None and uf <= nc['t7'], 'sipp',
          'SIP core UAC: exit status %s, %s calls successful, %s failed; UAS: %s successful, %s failed (at most %d: '
          'the calls node 1 had not recorded)' % (uac_rc, cs, cf, us, uf, nc['t7']))
    kv.update(uas_failed=uf, uac_successful=cs)


def main():
    a = parse_args()
    circ = read_isup(os.path.join(a.dir, 'isup.txt'))
    lo, hi = (int(x) for x in a.load.split('-'))
    w = dict(circ=circ, sip=read_sip(os.path.join(a.dir, 'sip.txt')), rtp=read_rtp(os.path.join(a.dir, 'rtp.txt'))[0],
             new=new_calls(circ, a, lo, hi))
    v, kv = Verdict(), {}
    for judge in (judge_held, judge_calls, judge_wire, judge_tools):
        judge(a, w, v, kv)
    kv['result'] = 'PASS' if v.ok else 'FAIL'
    print('== summary (cluster)')
    print('\n'.join(v.lines))
    with open(os.path.join(a.dir, 'summary.txt'), 'w') as f:
        for k, x in kv.items():
            f.write('%s=%s\n' % (k, x))
    print('== result: %s' % ('every outcome as expected' if v.ok else 'FAILED (see above)'))
    return 0 if v.ok else 1


if __name__ == '__main__':
    sys.exit(main())

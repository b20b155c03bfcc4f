#!/usr/bin/env python3
"""sipt-gw benchmarks (bench/README): call rate, concurrency and memory, media, tones.
Usage: bench.py --build DIR [--quick] [--only callrate,concurrency,media,tones] [--out DIR]"""
import argparse, atexit, json, os, random, re, resource, shutil, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab as L
import pcaplat

P = None        # profile (quick/full)
FULL = {
    # the call-rate ramp (issue 20): 60 s steps, coarse by 500 CPS, then by 250 between the last
    # step passed and the first failed; the SIP-only ramp: the same rates, one step past the
    # gateway's maximum (about 11 minutes for a maximum near 1,500-2,000 CPS)
    "rates": [500, 1000, 1500, 2000, 2500, 3000, 3500, 4000], "rate_refine": 250,
    "sip_rates": [5000],           # the SIP-only ramp's bound past the gateway's top rate
    "soak_rates": [1000, 1500, 2000, 2500, 3000, 3500, 4000],  # SIP -> ISUP (bench/soak per step)
    "soak_secs": 60, "rate_secs": 60, "hold_ms": 1000, "lat_secs": 6,
    "conc": [1000, 5000, 20000], "conc_cps": 250,
    "media": [100, 250, 500, 600, 750, 1000, 1500, 2000], "media_secs": 6, "media_warmup_s": 1, "media_setup_cps": 150,
    "tone_secs": 3,
}
QUICK = {
    "rates": [100, 200, 400, 600], "rate_refine": 0, "sip_rates": [1000], "soak_rates": [100, 200], "soak_secs": 10, "rate_secs": 4, "hold_ms": 500,
    "lat_secs": 3,
    "conc": [1000, 3000], "conc_cps": 300,
    "media": [100, 300, 600], "media_secs": 3, "media_warmup_s": 1, "media_setup_cps": 200,
    "tone_secs": 1,
}
# the latency step (issue 20): a fixed rate, whatever the call-rate maximum, long enough for a
# stable p99.9
FULL.update(lat_cps=1000, lat_secs=25)
QUICK.update(lat_cps=1000, lat_secs=6)


def say(*a):
    print("bench:", *a, flush=True)


class Env:
    def __init__(self, build, tmp):
        self.build = build
        self.tmp = tmp
        self.ports = L.Ports(26000 + random.randrange(100) * 10)
        self.lab = L.Lab(tmp)

    def step_log(self, name, text):
        """a raw per-step log, kept in the run's directory (steps/); its path relative to it"""
        d = os.path.join(self.tmp, "steps")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
        return "steps/" + name

    def step_copy(self, name, src):
        """a file of the run (a SIPp statistics file) kept as a raw per-step log"""
        try:
            with open(src) as f:
                return self.step_log(name, f.read())
        except OSError:
            return None

    # ---- the lab pieces ----
    def start_stp(self, npeers):
        cfg = self.lab.write("stp.cfg", L.stp_cfg(self.ports, npeers))
        self.stp = self.lab.start("stp", ["osmo-stp", "-c", cfg], env={"LIBOSMO_IO_BACKEND": L.stp_io_backend()})
        if not L.wait_port(self.ports.m3ua, 15, L.STP_IP):
            raise RuntimeError("osmo-stp did not start")

    def start_gw(self, npeers, media=False, extra=""):
        cfg = self.lab.write("gw.cfg", L.gw_cfg(self.ports, npeers, media=media) + extra)
        self.gw = self.lab.start("gw", [os.path.join(self.build, "gw", "sipt-gw"), "-c", cfg])
        if not L.wait_port(self.ports.gw_vty, 15):
            raise RuntimeError("sipt-gw did not start (see %s)" % self.gw.logpath)

    def start_peers(self, npeers):
        self.peers = [L.Peer(self.lab, self.build, self.ports, k) for k in range(npeers)]
        for p in self.peers:
            p.send("auto all on")
            p.send("stop-on-fail off")
            p.send("wait-route 30")
            p.send("echo PEER-READY")
        for p in self.peers:
            if not p.wait("PEER-READY", 40):
                raise RuntimeError("isup-peer %d not attached" % p.k)

    def wait_gw_ready(self, npeers):
        def routes():
            out = L.vty_try(self.ports.gw_vty, "show isup routes")
            return all(re.search(r"%s\s+available" % re.escape(L.peer_pc(k)), out) for k in range(npeers))
        if not L.wait_until(routes, 40):
            raise RuntimeError("gateway routes not available")
        # the start-up circuit group resets (GRS/GRA) must be over
        L.wait_until(lambda: L.circuits_not_idle(self.ports.gw_vty) == 0, 60, 0.5)

    def start_uas(self, scenario, hold_ms=0, rtp=4000, name="uas"):
        argv = ["sipp", "-sf", os.path.join(L.TOP, "bench", "sipp", scenario), "-i", L.SIPP_IP,
                "-p", str(self.ports.sipp_uas), "-cp", str(self.ports.sipp_uas_cp), "-set", "rtp", str(rtp), "-nostdin", "-trace_err",
                "-max_recv_loops", "10000", "-max_sched_loops", "10000", "-buff_size", str(8 << 20)]
        if hold_ms:
            argv += ["-d", str(hold_ms)]
        self.uas = self.lab.start(name, argv)
        time.sleep(0.5)
        if self.uas.poll() is not None:
            raise RuntimeError("SIPp UAS did not start (see %s)" % self.uas.logpath)

    def stop_lab(self):
        self.lab.stop_all()


# ------------------------------------------------------------------------------------------------
# the gateway's own 'cpu-sched' node (libosmocore, as osmo-bts has it): a real-time policy, the way
# a carrier runs the signalling process on its own cores
CPU_SCHED_RR = "cpu-sched\n policy rr 1\n"


def callrate_up(e, gw_extra=""):
    """the call-rate lab: one exchange, the gateway, SIPp as the answering UAS"""
    e.start_stp(1)
    e.start_gw(1, extra=gw_extra)
    e.start_peers(1)
    e.wait_gw_ready(1)
    e.start_uas("uas.xml", hold_ms=P["hold_ms"])
    return e.peers[0]


CONG_CTRS = {     # the gateway's congestion counters (show rate-counters): group title, counter name
    "isup_refused": ("Interworking function", "isup:congestion_refused"),
    "sip_refused": ("Interworking function", "sip:congestion_refused"),
    "txq_full_drops": ("ISUP MTP user", "m3ua:tx_queue_full_drops"),
    "rel_deferred": ("ISUP MTP user", "m3ua:rel_deferred"),
    "onsets": ("ISUP MTP user", "m3ua:congestion_onset"),
}
# not congestion: M3UA messages the gateway wrote at the end of a select round (beyond osmo_io's one a round)
FLUSH_CTR = ("ISUP MTP user", "m3ua:tx_flushed")
READ_CTRS = dict(CONG_CTRS, txq_flushed=FLUSH_CTR)


def cong_counters(port):
    """the congestion counters (automatic congestion control, README) and the flush counter,
    cumulative; libosmocore prints each as 'NAME: VALUE (rates) DESCRIPTION' under its group's 'TITLE IDX:' line"""
    out, group, r = L.vty_try(port, "show rate-counters", 30), "", {}
    for ln in out.splitlines():
        if ln and not ln.startswith(" "):
            group = ln
            continue
        for k, (g, name) in READ_CTRS.items():
            m = re.match(r"\s*" + re.escape(name) + r":\s*(\d+)", ln)
            if k not in r and group.startswith(g) and m:
                r[k] = int(m.group(1))
    return r


def callrate_gw_step(e, peer, rate):
    """one step of full call cycles at rate CPS through the gateway"""
    n = int(rate * P["rate_secs"])
    cong0 = cong_counters(e.ports.gw_vty)
    cpu = L.CpuMeter({"gw": e.gw.pid, "stp": e.stp.pid, "isup_peer": peer.p.pid, "sipp_uas": e.uas.pid})
    # calls not finished 10 s after the last one was due are counted as stuck (a failure)
    peer.send("load calls=%d cps=%d cic=1-4000 hold=remote cdpn=49301 timeout=%d" % (
        n, rate, P["rate_secs"] + P["hold_ms"] / 1000 + 10))
    line = peer.wait("LOAD RESULT", P["rate_secs"] + 40)
    res = L.kv(line)
    c = cpu.stop()
    L.wait_until(lambda: L.calls_count(e.ports.gw_vty) == 0, 10 if res.get("stuck") == "0" else 1)
    left = L.calls_count(e.ports.gw_vty)
    cong1 = cong_counters(e.ports.gw_vty)
    cong = {k: cong1.get(k, 0) - cong0.get(k, 0) for k in CONG_CTRS}
    flushed = cong1.get("txq_flushed", 0) - cong0.get("txq_flushed", 0)
    ok = bool(res) and res["failed"] == "0" and res["stuck"] == "0" and res["nocic"] == "0" and \
        res["early_rel"] == "0" and float(res["cps_achieved"]) >= 0.95 * rate and left == 0
    step = {"cps": rate, "calls": n, "ok": ok, "answered": int(res.get("answered", 0)),
            "completed": int(res.get("completed", 0)), "failed": int(res.get("failed", 0)),
            "stuck": int(res.get("stuck", 0)), "causes": res.get("causes", "-"),
            "cps_achieved": float(res.get("cps_achieved", 0)),
            "pdd_acm_p50_ms": float(res.get("pdd_acm_p50_ms", "nan")),
            "pdd_acm_p99_ms": float(res.get("pdd_acm_p99_ms", "nan")), "cpu": c, "calls_left": left,
            "congestion": cong, "m3ua_tx_flushed": flushed}
    step["log"] = e.step_log("callrate-gw-%d.log" % rate, "%s\ncpu %s\ncalls left in the gateway %d\ncongestion %s\n" % (
        line or "(no LOAD RESULT from isup-peer)", json.dumps(c), left, json.dumps(cong)))
    say("callrate gw %5d cps: %s completed=%s failed=%s gw_cpu=%s%% steal=%s pdd_acm_p99=%s ms congestion %s m3ua_tx_flushed=%d" % (
        rate, "ok " if ok else "FAIL", step["completed"], step["failed"], c["gw"],
        "/".join("%s%%" % v for v in c["steal"].values()), step["pdd_acm_p99_ms"],
        " ".join("%s=%d" % kv for kv in cong.items()), flushed))
    return step


def callrate_sip_step(e, rate):
    """one step of the SIP-only ceiling: SIPp UAC -> the same SIPp UAS, same rate and hold"""
    n = int(rate * P["rate_secs"])
    stat = os.path.join(e.tmp, "uac-%d.csv" % rate)
    uac = e.lab.start("uac-%d" % rate, [
        "sipp", "-sf", os.path.join(L.TOP, "bench", "sipp", "uac.xml"), "-i", L.SIPP_IP,
        "-p", str(e.ports.sipp_uac), "-cp", str(e.ports.sipp_uac_cp), "%s:%d" % (L.SIPP_IP, e.ports.sipp_uas),
        "-s", "4930100",
        "-r", str(rate), "-m", str(n), "-l", "100000", "-nostdin", "-trace_stat", "-stf", stat,
        "-fd", "1", "-max_recv_loops", "10000", "-max_sched_loops", "10000", "-buff_size", str(8 << 20),
        "-recv_timeout", "32000", "-timeout", str(P["rate_secs"] + 45)])
    cpu = L.CpuMeter({"sipp_uas": e.uas.pid})
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    try:
        uac.wait(P["rate_secs"] + 60)
    except Exception:
        pass
    dur = time.time() - t0
    c = cpu.stop()
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)     # the UAC, reaped by the wait
    c["sipp_uac"] = round(100.0 * (ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime) / dur, 1)
    e.lab.stop(uac)
    succ = fail = 0
    try:
        rows = [r.split(";") for r in open(stat).read().splitlines() if r]
        h, last = rows[0], rows[-1]
        succ = int(last[h.index("SuccessfulCall(C)")])
        fail = int(last[h.index("FailedCall(C)")])
    except (OSError, ValueError, IndexError):
        pass
    ok = succ == n and fail == 0 and uac.returncode == 0
    say("callrate sip-only %5d cps: %s successful=%d failed=%d uas_cpu=%s%%" % (
        rate, "ok " if ok else "FAIL", succ, fail, c["sipp_uas"]))
    return {"cps": rate, "calls": n, "ok": ok, "successful": succ, "failed": fail, "cpu": c,
            "wall_s": round(dur, 2), "log": e.step_copy("callrate-sip-%d.csv" % rate, stat)}


def schedstat(pid):
    """(ms on a CPU, ms waiting for one on the run queue) of a process so far (/proc/PID/schedstat)"""
    try:
        run, wait = open("/proc/%d/schedstat" % pid).read().split()[:2]
        return int(run) / 1e6, int(wait) / 1e6
    except (OSError, ValueError):
        return 0.0, 0.0


def callrate_latency(e, lat_rate, rt=False):
    """IAM in -> INVITE out and 200 in -> ANM out on a fresh lab at lat_rate, from a capture
    (kernel time stamps); every sample goes to steps/callrate-latency[-rr]-samples.txt. rt: the
    gateway with 'cpu-sched / policy rr 1' (the other processes as before)"""
    if not shutil.which("dumpcap"):
        return {"error": "dumpcap (tshark) not installed"}
    tag = "-rr" if rt else ""
    peer = callrate_up(e, CPU_SCHED_RR if rt else "")
    pcap = os.path.join(e.tmp, "latency%s.pcap" % tag)
    cap = e.lab.start("dumpcap", ["dumpcap", "-q", "-i", "lo", "-P", "-B", "64", "-f", "host %s" % L.GW_IP,
                                  "-w", pcap])
    time.sleep(1.5)
    n = int(lat_rate * P["lat_secs"])
    cpu = L.CpuMeter({"gw": e.gw.pid, "stp": e.stp.pid, "isup_peer": peer.p.pid, "sipp_uas": e.uas.pid})
    s0 = schedstat(e.gw.pid)
    peer.send("load calls=%d cps=%d cic=1-4000 hold=remote cdpn=49302 timeout=%d" % (
        n, lat_rate, P["lat_secs"] + 45))
    line = peer.wait("LOAD RESULT", P["lat_secs"] + 60)
    c = cpu.stop()
    s1 = schedstat(e.gw.pid)
    # on a shared machine the gateway waits for a CPU: the latency then is the run queue's
    sched = {"gw_run_ms": round(s1[0] - s0[0], 1), "gw_runqueue_wait_ms": round(s1[1] - s0[1], 1)}
    res = L.kv(line)
    time.sleep(0.5)
    e.lab.stop(cap, signal.SIGINT)
    raw = e.step_log("callrate-latency%s-samples.txt" % tag, "")
    try:
        lat = pcaplat.analyze(pcap, L.GW_IP, os.path.join(e.tmp, raw))
        lat["samples"] = raw
    except Exception as ex:      # report, don't crash the whole bench
        lat = {"error": str(ex)}
    lat.update(cps=lat_rate, calls=n, secs=P["lat_secs"], cpu=c, sched=sched, pcap=pcap,
               cps_achieved=float(res.get("cps_achieved", 0)) if res else 0.0,
               failed=int(res.get("failed", -1)) if res else -1, sched_policy="SCHED_RR 1" if rt else "default")
    lat["log"] = e.step_log("callrate-latency%s.log" % tag, "%s\n%s\n" % (line or "(no LOAD RESULT)", json.dumps(lat)))
    say("callrate latency at %d cps (%s): gateway %s ms on a CPU, %s ms waiting on the run queue" % (
        lat_rate, lat["sched_policy"], sched["gw_run_ms"], sched["gw_runqueue_wait_ms"]))
    for d, name in (("iam_invite", "IAM->INVITE"), ("ok_anm", "200->ANM")):
        say("callrate latency at %d cps: %s p50 %s p99 %s p99.9 %s max %s ms, %s of %s samples > 1 ms, worst (s, ms) %s" % (
            lat_rate, name, fmt(lat.get(d + "_p50_ms")), fmt(lat.get(d + "_p99_ms")), fmt(lat.get(d + "_p999_ms")),
            fmt(lat.get(d + "_max_ms")), lat.get(d + "_over_1ms"), lat.get(d + "_n"), lat.get(d + "_worst", [])[:5]))
    return lat


def ramp(rates, refine, step):
    """the coarse rates until a step fails, then steps of refine between the last rate passed and
    the failed one; step(rate, fresh): fresh asks for a new lab (a failed step leaves calls)"""
    steps, top, failed_at = [], 0, None
    for rate in rates:
        steps.append(step(rate, False))
        if not steps[-1]["ok"]:
            failed_at = rate
            break
        top = rate
    rate = top + refine
    while failed_at and refine and rate < failed_at:
        steps.append(step(rate, True))
        if not steps[-1]["ok"]:
            break
        top = rate
        rate += refine
    return steps, top


def callrate_gw_ramp(e):
    """the gateway's ramp, ISUP -> SIP: the exchange calls, SIPp answers"""
    lab = {"peer": callrate_up(e)}

    def step(rate, fresh):
        if fresh:
            e.stop_lab()
            lab["peer"] = callrate_up(e)
        s = callrate_gw_step(e, lab["peer"], rate)
        if s["ok"]:
            L.wait_until(lambda: L.calls_count(e.ports.gw_vty) == 0, 20)
        return s
    return ramp(P["rates"], P["rate_refine"], step)


def sipp_rate(stat, calls):
    """the rate SIPp placed its calls at: calls / the elapsed time of the first statistics line
    that counts all of them (its -trace_stat file, one line every 5 s and one at the end)"""
    try:
        rows = [r.split(";") for r in open(stat).read().splitlines() if r]
        h = rows[0]
        for r in rows[1:]:
            if int(r[h.index("OutgoingCall(C)")]) >= calls:
                hh, mm, ss = r[h.index("ElapsedTime(C)")].split(":")[:3]
                return round(calls / (int(hh) * 3600 + int(mm) * 60 + float(ss)), 1)
    except (OSError, ValueError, IndexError, ZeroDivisionError):
        pass
    return 0.0


RSS_CHECK = "RSS growth"    # the soak's RSS bound: not a call failure, and a 60 s run is mostly warm-up


def callrate_soak_step(e, rate, _fresh=True):
    """one step SIP -> ISUP: bench/soak for the step's length at rate (SIPp calls through the
    gateway to the exchange, random holds, both release sides, CDRs on, the gateway on SCHED_RR
    as in the 30-minute soak, a lab of its own). ok: every check of the soak passed but its RSS
    bound, and SIPp placed the calls at >= 95 % of the rate"""
    d = os.path.join(e.tmp, "steps", "callrate-sip-isup-%d" % rate)
    run = os.path.join(e.tmp, "soak-%d" % rate)      # the CDRs and the full logs: not copied with steps/
    os.makedirs(d, exist_ok=True)
    os.makedirs(run, exist_ok=True)
    out, n = os.path.join(d, "soak.json"), rate * P["soak_secs"]
    with open(os.path.join(d, "soak.out"), "w") as f:
        try:
            subprocess.call([os.path.join(L.TOP, "bench", "soak"), "-b", e.build, "-d", str(P["soak_secs"]),
                             "-r", str(rate), "-s", "rr", "-o", out], stdout=f, stderr=subprocess.STDOUT,
                            env=dict(os.environ, WIRE_CAPTURE="0", TEST_TMPDIR=run), timeout=2 * P["soak_secs"] + 300)
        except subprocess.TimeoutExpired:
            f.write("bench: bench/soak did not end in time\n")
    try:
        S = json.load(open(out))
    except (OSError, ValueError):
        S = {}
    calls = S.get("calls", {})
    failed_checks = [c["name"] for c in S.get("checks", []) if not c["ok"]]
    achieved = sipp_rate(os.path.join(run, "sipp-stat.csv"), n)
    ok = bool(S) and calls.get("placed") == n and calls.get("successful") == n and calls.get("failed") == 0 and \
        all(c.startswith(RSS_CHECK) for c in failed_checks) and achieved >= 0.95 * rate
    say("callrate sip->isup %5d cps: %s successful=%s failed=%s gw_cpu=%s%% sipp_rate=%s failed checks: %s" % (
        rate, "ok " if ok else "FAIL", calls.get("successful"), calls.get("failed"), S.get("gateway_cpu_pct"),
        achieved, "; ".join(failed_checks) or "none"))
    return {"cps": rate, "calls": n, "ok": ok, "successful": calls.get("successful", 0),
            "failed": calls.get("failed", n), "gw_cpu": S.get("gateway_cpu_pct"), "cps_achieved": achieved,
            "gw_sched_policy": S.get("gw_sched_policy"), "failed_checks": failed_checks,
            "log": os.path.relpath(out, e.tmp)}


def callrate_sip_ramp(e, max_gw):
    """the SIP-only side: the same rates and durations, up to one step past the gateway's max"""
    steps, max_sip = [], 0
    for rate in P["rates"] + P["sip_rates"]:
        steps.append(callrate_sip_step(e, rate))
        if not steps[-1]["ok"]:
            break
        max_sip = rate
        if rate > max_gw:
            break
    return steps, max_sip


def bench_callrate(env):
    """1. full call cycles through the gateway, ramped; the SIP-only ceiling at the same rates"""
    e = env
    gw_steps, max_gw = callrate_gw_ramp(e)
    # a failed step can leave calls behind: the rest runs on a fresh lab
    e.stop_lab()
    e.start_uas("uas.xml", hold_ms=P["hold_ms"])
    sip_steps, max_sip = callrate_sip_ramp(e, max_gw)
    # the other direction, SIP -> ISUP, with the soak's own traffic (each step a lab of its own)
    e.stop_lab()
    si_steps, max_si = ramp(P["soak_rates"], P["rate_refine"], lambda r, f: callrate_soak_step(e, r))
    # latency at a fixed rate (issue 20: 1,000 CPS), from a loopback capture
    lat = callrate_latency(e, P["lat_cps"])
    e.stop_lab()
    # the same step with the gateway on SCHED_RR (its 'cpu-sched' node): same load, same run
    lat_rr = callrate_latency(e, P["lat_cps"], rt=True)
    e.stop_lab()
    top = {s["cps"]: s for s in gw_steps}.get(max_gw)
    top_si = {s["cps"]: s for s in si_steps}.get(max_si)
    return {"gw_steps": gw_steps, "sip_steps": sip_steps, "max_cps_gw": max_gw, "max_cps_sip_only": max_sip,
            "max_cps_gw_cpu": top["cpu"] if top else None,
            "sip_isup_steps": si_steps, "max_cps_sip_isup": max_si,
            "max_cps_sip_isup_gw_cpu": top_si["gw_cpu"] if top_si else None,
            # the gateway's rating: the lower of the two directions (the soak runs at half of it)
            "max_cps": min(max_gw, max_si),
            "ratio_to_sip_only": round(max_gw / max_sip, 3) if max_sip else None,
            "ceiling_reached": {"gw": max_gw != P["rates"][-1],
                                "sip_only": max_sip != (P["rates"] + P["sip_rates"])[-1] and max_sip <= max_gw},
            "hold_ms": P["hold_ms"], "step_s": P["rate_secs"], "latency": lat,
            "latency_rr": lat_rr}


def fmt(v, nd=3):
    return "-" if v is None else ("%.*f" % (nd, v) if isinstance(v, float) else str(v))


# ------------------------------------------------------------------------------------------------
MALLOC_KEYS = ("arena", "mmap", "in-use", "free", "free-chunks", "fastbin-free", "top-releasable")


def mem_breakdown(port):
    """talloc totals of the application's context summed per top-level context and per context
    below it by name (addresses and numbers folded), and glibc's mallinfo2 figures, from the
    gateway's VTY; returns (dict for results.json, raw text of both reports)"""
    tal = L.vty_try(port, "show talloc-context application 2", 120)
    brief = L.vty_try(port, "show talloc-context application brief", 30)
    mal = L.vty_try(port, "show malloc-stats", 30)
    ctxs, total, parent = {}, None, ""
    for line in tal.splitlines():
        m = re.search(r"talloc report on '(.*)' \(total\s+(\d+) bytes in\s+(\d+) blocks\)", line)
        if m:
            total = {"name": m.group(1), "bytes": int(m.group(2)), "blocks": int(m.group(3))}
            continue
        m = re.match(r"^( *)(.*?)\s+contains\s+(\d+) bytes in\s+(\d+) blocks", line)
        if not m:
            continue
        depth = len(m.group(1)) // 2
        name = re.sub(r"\[0x[0-9a-f]+\]|0x[0-9a-f]+|\d+", "#", m.group(2))
        if depth == 1:
            parent = name
        elif depth == 2:
            name = parent + " / " + name
        else:
            continue
        c = ctxs.setdefault(name, {"bytes": 0, "blocks": 0, "count": 0})
        c["bytes"] += int(m.group(3))
        c["blocks"] += int(m.group(4))
        c["count"] += 1
    mi = {}
    for k in MALLOC_KEYS:
        m = re.search(r"(?:^|\s)%s (\d+)" % re.escape(k), mal)
        if m:
            mi[k.replace("-", "_")] = int(m.group(1))
    # the raw file: the depth-1 report as printed, the depth-2 one summed by name (at 20k calls
    # it has a line per call and FSM), glibc's figures
    summed = "".join("%-70s %10d bytes in %7d blocks, %6d contexts\n" % (k, v["bytes"], v["blocks"], v["count"])
                     for k, v in sorted(ctxs.items(), key=lambda x: -x[1]["bytes"]))
    return ({"talloc_total": total, "talloc_contexts": ctxs, "malloc": mi},
            "$ show talloc-context application brief\n%s\n# show talloc-context application 2, summed by"
            " context name (depth 1, depth 1 / depth 2)\n%s\n$ show malloc-stats\n%s\n" % (brief, summed, mal))


def per_call_breakdown(base, at, n):
    """(at - base) / n per call: talloc bytes/blocks in all and per context (of at least 1 byte
    per call), malloc in use, and what malloc holds outside talloc (libosip2, libraries)"""
    out = {"talloc_bytes": None, "talloc_blocks": None, "malloc_in_use": None, "malloc_outside_talloc": None,
           "contexts": []}
    if base["talloc_total"] and at["talloc_total"]:
        out["talloc_bytes"] = round((at["talloc_total"]["bytes"] - base["talloc_total"]["bytes"]) / n, 1)
        out["talloc_blocks"] = round((at["talloc_total"]["blocks"] - base["talloc_total"]["blocks"]) / n, 2)
    if "in_use" in base["malloc"] and "in_use" in at["malloc"]:
        out["malloc_in_use"] = round((at["malloc"]["in_use"] - base["malloc"]["in_use"]) / n, 1)
        if out["talloc_bytes"] is not None:
            out["malloc_outside_talloc"] = round(out["malloc_in_use"] - out["talloc_bytes"], 1)
    z = {"bytes": 0, "blocks": 0}
    for k in set(at["talloc_contexts"]) | set(base["talloc_contexts"]):
        a, b = at["talloc_contexts"].get(k, z), base["talloc_contexts"].get(k, z)
        if abs(a["bytes"] - b["bytes"]) >= n:
            out["contexts"].append({"name": k, "bytes_per_call": round((a["bytes"] - b["bytes"]) / n, 1),
                                    "blocks_per_call": round((a["blocks"] - b["blocks"]) / n, 2)})
    out["contexts"].sort(key=lambda x: -x["bytes_per_call"])
    return out


def bench_concurrency(env, cps):
    """2. N simultaneous answered calls: RSS, KiB per call, set-up and tear-down times"""
    e = env
    npeers = (max(P["conc"]) + 3999) // 4000
    e.start_stp(npeers)
    e.start_gw(npeers)
    e.start_peers(npeers)
    e.wait_gw_ready(npeers)
    e.start_uas("uas_wait.xml")
    time.sleep(1)
    rss0 = L.proc_rss_kib(e.gw.pid)
    mem0, raw0 = mem_breakdown(e.ports.gw_vty)
    breakdown = None
    steps = []
    for n in P["conc"]:
        share, left = [], n
        for k in range(npeers):
            share.append(min(4000, left))
            left -= share[-1]
        active = [(e.peers[k], share[k]) for k in range(npeers) if share[k]]
        cpu = L.CpuMeter({"gw": e.gw.pid, "stp": e.stp.pid, "sipp_uas": e.uas.pid})
        t0 = time.time()
        for p, m in active:
            p.send("load calls=%d cps=%.1f cic=1-4000 hold=keep cdpn=49303 timeout=%d" % (
                m, cps * m / n, n / cps + 60))
        lines = [p.wait("LOAD RESULT", n / cps + 90) for p, m in active]
        res = [L.kv(x) for x in lines]
        t_setup = time.time() - t0
        c_setup = cpu.stop()
        answered = sum(int(r.get("answered", 0)) for r in res)
        time.sleep(2)
        live = L.calls_count(e.ports.gw_vty)
        rss = L.proc_rss_kib(e.gw.pid)
        rss_settled = None
        if n == max(P["conc"]) and answered == n:
            mem1, raw1 = mem_breakdown(e.ports.gw_vty)
            # completed SIP transactions stay for Timer D/H/K (up to 32 s): the calls alone after that
            time.sleep(34)
            rss_settled = L.proc_rss_kib(e.gw.pid)
            mem2, raw2 = mem_breakdown(e.ports.gw_vty)
            breakdown = {"calls": n, "idle": mem0, "at_2s": mem1, "at_34s": mem2,
                         "per_call_2s": per_call_breakdown(mem0, mem1, n),
                         "per_call_34s": per_call_breakdown(mem0, mem2, n),
                         "log": e.step_log("concurrency-%d-memory.txt" % n,
                                           "# idle\n%s# %d calls, 2 s after the last answer (RSS %d KiB)\n%s"
                                           "# %d calls, 34 s later (RSS %d KiB)\n%s" % (
                                               raw0, n, rss, raw1, n, rss_settled, raw2))}
        cpu = L.CpuMeter({"gw": e.gw.pid})
        t1 = time.time()
        for p, m in active:
            p.send("load-release cps=%.1f timeout=%d" % (cps * m / n, n / cps + 60))
        rel_lines = [p.wait("LOAD RELEASED", n / cps + 90) for p, m in active]
        rel = [L.kv(x) for x in rel_lines]
        t_down = time.time() - t1
        c_down = cpu.stop()
        L.wait_until(lambda: L.calls_count(e.ports.gw_vty) == 0, 60)
        after = L.proc_rss_kib(e.gw.pid)
        mal_after = mem_breakdown(e.ports.gw_vty)[0]["malloc"] if breakdown and breakdown["calls"] == n else None
        released = sum(int(r.get("released", 0)) for r in rel)
        step = {"calls": n, "answered": answered, "gw_calls_seen": live, "released": released,
                "rss_kib": rss, "rss_after_34s_kib": rss_settled, "rss_after_teardown_kib": after, "setup_s": round(t_setup, 2),
                "teardown_s": round(t_down, 2), "setup_cps": cps, "gw_cpu_setup": c_setup["gw"],
                "gw_cpu_teardown": c_down["gw"], "sipp_cpu_setup": c_setup["sipp_uas"],
                "failed": sum(int(r.get("failed", 0)) for r in res),
                "pdd_anm_p99_ms_max": max(float(r.get("pdd_anm_p99_ms", "nan")) for r in res) if res else None}
        if mal_after:
            # heap after the tear-down: what is freed stays in the heap (in use vs arena)
            breakdown["malloc_after_teardown"] = mal_after
        step["log"] = e.step_log("concurrency-%d.log" % n, "".join("%s\n" % (x or "(no report)") for x in lines + rel_lines)
                                 + "gateway calls %d, RSS %d KiB, after tear-down %d KiB\n" % (live, rss, after))
        steps.append(step)
        say("concurrency %6d calls: answered %d (gateway shows %d), RSS %d KiB, set-up %.1f s, tear-down %.1f s" % (
            n, answered, live, rss, t_setup, t_down))
        if answered < n:
            break
    pts = [(0, rss0)] + [(s["calls"], s["rss_kib"]) for s in steps if s["answered"] == s["calls"]]
    slope = None
    if len(pts) >= 2:
        mx = sum(x for x, _ in pts) / len(pts)
        my = sum(y for _, y in pts) / len(pts)
        den = sum((x - mx) ** 2 for x, _ in pts)
        slope = round(sum((x - mx) * (y - my) for x, y in pts) / den, 3) if den else None
    e.stop_lab()
    settled = [s for s in steps if s.get("rss_after_34s_kib")]
    return {"rss_idle_kib": rss0, "circuits_configured": npeers * 4000, "dpcs": npeers, "steps": steps,
            "memory_breakdown": breakdown,
            "kib_per_call_slope": slope,
            "kib_per_call_settled": round((settled[0]["rss_after_34s_kib"] - rss0) / settled[0]["calls"], 3)
            if settled else None}


# ------------------------------------------------------------------------------------------------
def bencode(o):
    if isinstance(o, int):
        return b"i%de" % o
    if isinstance(o, str):
        o = o.encode()
    if isinstance(o, bytes):
        return b"%d:%s" % (len(o), o)
    if isinstance(o, list):
        return b"l" + b"".join(bencode(x) for x in o) + b"e"
    if isinstance(o, dict):
        return b"d" + b"".join(bencode(k) + bencode(o[k]) for k in sorted(o)) + b"e"
    raise TypeError(o)


def bdecode(b, i=0):
    c = b[i:i + 1]
    if c == b"i":
        j = b.index(b"e", i)
        return int(b[i + 1:j]), j + 1
    if c == b"l":
        i += 1
        out = []
        while b[i:i + 1] != b"e":
            v, i = bdecode(b, i)
            out.append(v)
        return out, i + 1
    if c == b"d":
        i += 1
        out = {}
        while b[i:i + 1] != b"e":
            k, i = bdecode(b, i)
            v, i = bdecode(b, i)
            out[k.decode()] = v
        return out, i + 1
    j = b.index(b":", i)
    n = int(b[i:j])
    return b[j + 1:j + 1 + n], j + 1 + n


class Ng:
    """rtpengine ng control protocol: "COOKIE bencoded-dict" over UDP"""

    def __init__(self, port):
        import socket
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.settimeout(5)
        self.addr = ("127.0.0.1", port)
        self.n = 0

    def cmd(self, d):
        """one request; resent with the same cookie on a timeout (rtpengine answers a repeated
        cookie from its cache), three tries"""
        import socket
        self.n += 1
        cookie = b"c%d" % self.n
        for _ in range(3):
            self.s.sendto(cookie + b" " + bencode(d), self.addr)
            try:
                while True:
                    data = self.s.recv(65536)
                    c, _, body = data.partition(b" ")
                    if c == cookie:
                        return bdecode(body)[0]
            except socket.timeout:
                continue
        raise TimeoutError("rtpengine: no answer to %s" % d.get("command"))


def sdp(port, sess):
    return ("v=0\r\no=- %d 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n") % (sess, port)


def sdp_port(s):
    m = re.search(rb"m=audio (\d+)", s)
    return int(m.group(1)) if m else 0


# pass criterion of one media step (issue 16): every one must hold
MEDIA_PASS = {"loss_pct": 0.1, "transit_p99_ms": 10.0, "jitter_mean_ms": 1.0}


def media_verdict(step):
    """the reasons a media step fails (empty: it passed)"""
    why = ["%s %s > %s" % (k, step[k], lim) for k, lim in MEDIA_PASS.items()
           if step[k] is None or step[k] > lim]
    if step["received"] == 0:
        why.append("nothing received")
    return why


def rtpgen_argv(e, flows, n):
    """the generator, the same binary and settings for every relay; only the flows differ"""
    return [os.path.join(e.build, "bench", "rtpgen"), "-a", str(e.ports.gen_a), "-b", str(e.ports.gen_b),
            "-f", flows, "-n", str(n), "-d", str(P["media_secs"]), "-w", str(P["media_warmup_s"])]


def media_step(e, who, flows, relay_pid, n):
    """one step: n calls of the flows file through the relay; the raw output kept per step"""
    argv = rtpgen_argv(e, flows, n)
    cpu = L.CpuMeter({who: relay_pid})
    relay_s0 = L.proc_cpu(relay_pid)
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=P["media_secs"] + 30)
        stdout, stderr, rc = out.stdout, out.stderr, out.returncode
    except subprocess.TimeoutExpired:
        stdout, stderr, rc = "", "rtpgen timed out", -1
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    relay_s = L.proc_cpu(relay_pid) - relay_s0
    c = cpu.stop()
    log = e.step_log("media-%s-%d.log" % (who, n), "$ %s\n%s%s(exit status %d)\n" % (
        " ".join(argv), stdout, stderr, rc))
    line = next((x for x in stdout.splitlines() if x.startswith("RTPGEN ")), "")
    r = L.kv(line)
    gen_cpu = ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime
    step = {"calls": n, "ran": bool(line), "log": log, "relay_cpu": c[who], "cores": c["cores"], "steal": c["steal"],
            "generator_cpu": round(100.0 * gen_cpu / (P["media_secs"] + P["media_warmup_s"] + 0.5), 1),
            "sent": int(r.get("sent", 0)), "received": int(r.get("received", 0)),
            "loss_pct": float(r.get("loss_pct", 100))}
    for k in ("jitter_mean_ms", "jitter_max_ms", "transit_p50_ms", "transit_p99_ms", "transit_max_ms"):
        step[k] = float(r[k]) if k in r else None
    step["transit_over_100ms"] = int(r.get("transit_over_100ms", 0))
    # relay CPU seconds of the whole step per 1,000 packets it relayed in that time (the generator's
    # count of every packet that came back, warm-up included)
    step["relay_cpu_s"] = round(relay_s, 3)
    step["packets_relayed"] = int(r.get("received_all", 0))
    step["relay_cpu_ms_per_1k_pkts"] = (round(1e6 * relay_s / step["packets_relayed"], 3)
                                        if step["packets_relayed"] else None)
    step["gen_late_ms_max"] = float(r.get("late_ms_max", "nan"))
    # the packets due in the measured window (both directions); fewer: the generator fell behind
    due = 2 * n * 50 * P["media_secs"]
    step["generator_sent_pct"] = round(100.0 * step["sent"] / due, 2)
    step["fail_reasons"] = media_verdict(step) if line else ["rtpgen failed: %s" % stderr.strip()[:200]]
    if line and step["generator_sent_pct"] < 99:
        step["fail_reasons"].append("generator behind schedule: sent %s %% of the packets due" %
                                    step["generator_sent_pct"])
    step["pass"] = not step["fail_reasons"]
    return step


def media_steps(env, who, flows, relay_pid, nflows):
    """the whole ramp P["media"], every step run (also after a failing one) so that both relays
    get the same N; a step beyond the flows that could be set up fails without running"""
    steps = []
    for n in P["media"]:
        if n > nflows:
            steps.append({"calls": n, "ran": False, "pass": False,
                          "fail_reasons": ["only %d calls set up" % nflows]})
            say("media %-9s %5d calls: FAIL (only %d calls set up)" % (who, n, nflows))
            continue
        st = media_step(env, who, flows, relay_pid, n)
        steps.append(st)
        say("media %-9s %5d calls: %s loss %.3f %% transit p50 %s p99 %s max %s ms, jitter mean %s ms;"
            " relay cpu %s%% (%s ms per 1,000 packets) gen cpu %s%%%s" % (
                who, n, "ok  " if st["pass"] else "FAIL", st["loss_pct"], fmt(st["transit_p50_ms"]),
                fmt(st["transit_p99_ms"]), fmt(st["transit_max_ms"]), fmt(st["jitter_mean_ms"]), st["relay_cpu"],
                fmt(st["relay_cpu_ms_per_1k_pkts"]), st["generator_cpu"],
                "" if st["pass"] else " (%s)" % "; ".join(st["fail_reasons"])))
    # the largest passing N: the top of the unbroken run of passing steps from the bottom
    top = 0
    for st in steps:
        if not st["pass"]:
            break
        top = st["calls"]
    first_fail = next((st["calls"] for st in steps if not st["pass"]), None)
    return {"steps": steps, "max_calls_pass": top, "first_n_fail": first_fail,
            "passing_n": [st["calls"] for st in steps if st["pass"]]}


def bench_media(env):
    """3. N bridged G.711 calls with real RTP through the gateway, then through rtpengine"""
    e = env
    maxn = max(P["media"])
    gen = os.path.join(e.build, "bench", "rtpgen")
    res = {"ramp": P["media"], "criterion": MEDIA_PASS,
           "generator": {"binary": gen, "sha256": L.sha256(gen), "duration_s": P["media_secs"],
                         "warmup_s": P["media_warmup_s"], "pps_each_way_per_call": 50, "payload_octets": 160}}
    e.start_stp(1)
    e.start_gw(1, media=True)
    e.start_peers(1)
    e.wait_gw_ready(1)
    e.start_uas("uas_wait.xml", rtp=e.ports.gen_b)
    peer = e.peers[0]
    cps = P["media_setup_cps"]
    peer.send("load calls=%d cps=%d cic=1-4000 hold=keep cdpn=49304 timeout=%d" % (maxn, cps, maxn / cps + 60))
    r = L.kv(peer.wait("LOAD RESULT", maxn / cps + 90))
    answered = int(r.get("answered", 0))
    flows = []
    v = L.Vty(e.ports.gw_vty, 60)
    ids = re.findall(r"^(\d+)\s+ingress", v.cmd("show calls"), re.M)
    for cid in ids:
        out = v.cmd("show call %s" % cid)
        m = re.search(r"PSTN-side port (\d+), SIP-side port (\d+)", out)
        if m:
            flows.append("%s %s" % m.groups())
    v.close()
    path = e.lab.write("flows-gw.txt", "\n".join(flows) + "\n")
    res["flows_log"] = e.step_copy("media-flows-sipt-gw.txt", path)
    say("media: %d calls answered through the gateway, %d bridges" % (answered, len(flows)))
    res["gw"] = media_steps(e, "sipt-gw", path, e.gw.pid, len(flows))
    res["gw"]["bridges"] = len(flows)
    peer.send("load-release cps=%d" % (cps * 4))
    peer.wait("LOAD RELEASED", maxn / cps + 60)
    e.stop_lab()

    if not shutil.which("rtpengine"):
        res["rtpengine"] = {"error": "rtpengine not installed (bench/run installs rtpengine-daemon)"}
        return res
    try:
        res["rtpengine"] = media_rtpengine(e, maxn)
    except Exception as ex:     # keep the gateway's half
        res["rtpengine"] = {"error": str(ex)}
    e.stop_lab()
    g, r = res["gw"]["max_calls_pass"], res["rtpengine"].get("max_calls_pass")
    res["ratio_gw_to_rtpengine"] = round(g / r, 3) if r else None
    return res


def media_rtpengine(e, maxn):
    lo, hi = e.ports.rtpengine_rtp
    rte = e.lab.start("rtpengine", ["rtpengine", "--foreground", "--log-stderr", "--log-level=4",
                                    "--table=-1", "--interface=127.0.0.1", "--listen-ng=127.0.0.1:%d" % e.ports.ng,
                                    "--port-min=%d" % lo, "--port-max=%d" % hi, "--num-threads=1",
                                    "--timeout=120", "--pidfile=%s/rtpengine.pid" % e.tmp])
    time.sleep(1.5)
    flows = []
    if rte.poll() is None:
        ng = Ng(e.ports.ng)
        ng_n = min(maxn, (hi - lo) // 4 - 10)
        for i in range(ng_n):
            cid, ft, tt = "bench-%d" % i, "from-%d" % i, "to-%d" % i
            try:
                o = ng.cmd({"command": "offer", "call-id": cid, "from-tag": ft, "sdp": sdp(e.ports.gen_a, i),
                            "replace": ["origin"]})
                a = ng.cmd({"command": "answer", "call-id": cid, "from-tag": ft, "to-tag": tt,
                            "sdp": sdp(e.ports.gen_b, i), "replace": ["origin"]})
            except TimeoutError as ex:
                say("call %d: %s" % (i, ex))
                break
            if o.get("result") != b"ok" or a.get("result") != b"ok":
                say("rtpengine offer/answer %d failed: %s %s" % (i, o, a))
                break
            # the offer's SDP goes to B (B sends there), the answer's to A
            flows.append("%d %d" % (sdp_port(a["sdp"]), sdp_port(o["sdp"])))
        path = e.lab.write("flows-rtpengine.txt", "\n".join(flows) + "\n")
        e.step_copy("media-flows-rtpengine.txt", path)
        say("media: %d calls set up in rtpengine (ng offer/answer)" % len(flows))
        r = media_steps(e, "rtpengine", path, rte.pid, len(flows))
        r["calls_set_up"] = len(flows)
        return r
    return {"error": "rtpengine did not start (see %s)" % rte.logpath}


# ------------------------------------------------------------------------------------------------
def bench_tones(env):
    """4. concurrent spandsp tone generators one core sustains in real time"""
    out = subprocess.run([os.path.join(env.build, "bench", "tonebench"), "-s", str(P["tone_secs"]), "-k", "1000"],
                         capture_output=True, text=True, timeout=60).stdout
    r = L.kv(out)
    res = {"generators_per_core_realtime": int(float(r.get("realtime_generators", 0))),
           "frames_per_cpu_s": int(float(r.get("frames_per_cpu_s", 0))), "plan": r.get("plan")}
    say("tones: %d generators in real time on one core (%d frames/CPU-s)" % (
        res["generators_per_core_realtime"], res["frames_per_cpu_s"]))
    return res


# ------------------------------------------------------------------------------------------------
def table_media(c):
    """the media ramp, both relays side by side per N"""
    crit = c.get("criterion", MEDIA_PASS)
    g = c.get("generator", {})
    L_ = ["## 3. Media (G.711 20 ms, 50 pps each way per call, real RTP on loopback)", "",
          "Both relays get the same ramp (N = %s), the same generator (bench/rtpgen, sha256 %s..., %s s measured"
          " after %s s warm-up) and the same pass criterion per step: loss <= %s %% and transit p99 <= %s ms and"
          " mean jitter <= %s ms." % (", ".join(str(n) for n in c.get("ramp", [])), (g.get("sha256") or "?")[:12],
                                      g.get("duration_s"), g.get("warmup_s"), crit["loss_pct"], crit["transit_p99_ms"],
                                      crit["jitter_mean_ms"]), ""]
    sides = [w for w in ("gw", "rtpengine") if "steps" in c.get(w, {})]
    for w in ("gw", "rtpengine"):
        if "error" in c.get(w, {}):
            L_ += ["%s: %s" % (w, c[w]["error"]), ""]
    if not sides:
        return L_
    names = {"gw": "sipt-gw", "rtpengine": "rtpengine"}
    hdr = "| calls |" + "".join(" %s %s |" % (names[w], k) for w in sides for k in
                                 ("result", "loss %", "transit p50 / p99 / max ms", "jitter mean / max ms"))
    L_ += [hdr, "|---|" + "---|" * 4 * len(sides)]
    by = {w: {st["calls"]: st for st in c[w]["steps"]} for w in sides}
    for n in c.get("ramp", sorted(by[sides[0]])):
        row = "| %d |" % n
        for w in sides:
            st = by[w].get(n)
            if not st or not st.get("ran"):
                row += " %s | - | - | - |" % ("FAIL (not run: %s)" % "; ".join(st.get("fail_reasons", ["?"])) if st else "-")
                continue
            row += " %s | %.3f | %s / %s / %s | %s / %s |" % (
                "pass" if st["pass"] else "FAIL", st["loss_pct"], fmt(st["transit_p50_ms"]),
                fmt(st["transit_p99_ms"]), fmt(st["transit_max_ms"]), fmt(st["jitter_mean_ms"]),
                fmt(st["jitter_max_ms"]))
        L_.append(row)
    L_ += ["", "CPU per step (% of one core; relay CPU ms per 1,000 packets relayed = relay CPU seconds of the"
           " step (/proc/PID/stat) / packets the generator got back in it (warm-up included) * 10^6; per-core"
           " busy of the machine):", "",
           "| calls |" + "".join(" %s relay %% | %s relay ms / 1k pkts | %s generator %% | %s per-core %% |"
                                  % (names[w], names[w], names[w], names[w]) for w in sides),
           "|---|" + "---|" * 4 * len(sides)]
    for n in c.get("ramp", sorted(by[sides[0]])):
        row = "| %d |" % n
        for w in sides:
            st = by[w].get(n)
            if not st or not st.get("ran"):
                row += " - | - | - | - |"
                continue
            row += " %s | %s | %s | %s |" % (st["relay_cpu"], fmt(st.get("relay_cpu_ms_per_1k_pkts")),
                                             st["generator_cpu"], " / ".join(str(v) for v in st["cores"].values()))
        L_.append(row)
    L_.append("")
    for w in sides:
        r = c[w]
        L_.append("%s: largest passing N (every step up to it passed) **%d**; first failing N: %s." % (
            names[w], r["max_calls_pass"], r["first_n_fail"] or "none in the ramp"))
    ratio = c.get("ratio_gw_to_rtpengine")
    if ratio is None:
        ratio = "undefined (%s)" % ("rtpengine passed no step" if "rtpengine" in sides else "no rtpengine result")
    L_ += ["", "Ratio sipt-gw / rtpengine of the largest passing N: **%s**." % fmt(ratio),
           "Raw output of every step (the generator's command line and report): steps/media-RELAY-N.log in the"
           " run's directory, copied to raw/steps/ beside results.json.", ""]
    return L_


def latency_line(lat):
    """the latency step's sentence in latest.md"""
    def d(k, name):
        return "%s p50 %s ms, p99 %s ms, p99.9 %s ms, max %s ms, %s samples above 1 ms (worst at %s s)" % (
            name, fmt(lat.get(k + "_p50_ms")), fmt(lat.get(k + "_p99_ms")), fmt(lat.get(k + "_p999_ms")),
            fmt(lat.get(k + "_max_ms")), lat.get(k + "_over_1ms"),
            ", ".join("%s" % w[0] for w in lat.get(k + "_worst", [])[:3]) or "-")
    sc = lat.get("sched") or {}
    # the gateway's time on a CPU and on the run queue (schedstat), over the step until the LOAD RESULT
    return ("Gateway latency (scheduling: %s) from a loopback capture at %s CPS for %s s (%s of %s calls followed;"
            " the gateway %s ms on a CPU and %s ms waiting for one on the run queue): %s; %s (capture: %s; every sample in %s)." % (
                lat.get("sched_policy", "default"), lat.get("cps"), lat.get("secs"), lat.get("iam_invite_n"), lat.get("calls"),
                sc.get("gw_run_ms", "-"), sc.get("gw_runqueue_wait_ms", "-"),
                d("iam_invite", "IAM in -> INVITE out"),
                d("ok_anm", "200 in -> ANM out"),
                ", ".join("%s %s" % (k, v) for k, v in lat.get("capture", {}).items()) or lat.get("error", "-"),
                lat.get("samples", "-")))


def table(R):
    m = R["machine"]
    L_ = ["# sipt-gw benchmark results", "",
          "%s, %s; %d cores (%s), %d MiB, kernel %s, git %s; load average at start %s; profile %s; "
          "OsmoSTP's osmo_io backend %s." % (
              m["date"], m["host_note"], m["nproc"], m["cpu"], m["mem_mib"], m["kernel"], m["git"],
              m["loadavg_at_start"], R["profile"], m.get("stp_io_backend", "POLL")), ""]
    if "callrate" in R:
        c = R["callrate"]
        L_ += ["## 1. Call rate (full cycles IAM..ANM, hold %d ms, BYE..RLC; %d s per step)" % (
            c["hold_ms"], c["step_s"]), "",
            "| CPS | gw result | completed | failed | gw CPU % | STP % | isup-peer % | SIPp UAS % | IAM->ACM p99 ms (peer) | SIP-only result | SIP-only UAC+UAS CPU % |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
        sip = {s["cps"]: s for s in c["sip_steps"]}
        gw_cps = {s["cps"] for s in c["gw_steps"]}
        for s in sorted(c["gw_steps"], key=lambda s: s["cps"]):
            so = sip.get(s["cps"])
            L_.append("| %d | %s | %d | %d | %s | %s | %s | %s | %s | %s | %s |" % (
                s["cps"], "ok" if s["ok"] else "FAIL", s["completed"], s["failed"] + s["stuck"], s["cpu"]["gw"],
                s["cpu"]["stp"], s["cpu"]["isup_peer"], s["cpu"]["sipp_uas"], fmt(s["pdd_acm_p99_ms"], 2),
                ("ok" if so["ok"] else "FAIL") if so else "-",
                ("%s+%s" % (so["cpu"]["sipp_uac"], so["cpu"]["sipp_uas"])) if so else "-"))
        for s in [s for s in c["sip_steps"] if s["cps"] not in gw_cps]:
            L_.append("| %d | - | - | - | - | - | - | - | - | %s | %s+%s |" % (
                s["cps"], "ok" if s["ok"] else "FAIL", s["cpu"]["sipp_uac"], s["cpu"]["sipp_uas"]))
        lat = c["latency"]
        top = c.get("max_cps_gw_cpu") or {}
        cong = ", ".join("%d cps: %s" % (s["cps"], " ".join("%s %d" % kv for kv in s["congestion"].items() if kv[1]))
                         for s in sorted(c["gw_steps"], key=lambda s: s["cps"])
                         if any(s.get("congestion", {}).values()))
        L_ += ["", "Max sustained CPS with 0 failed calls over %d s steps: **ISUP -> SIP %d** (gateway CPU %s %%, STP %s %%),"
               " SIP-only (SIPp UAC -> SIPp UAS) %d%s; ratio %s. Congestion counters per step: %s." % (
            c["step_s"], c["max_cps_gw"], top.get("gw", "-"), top.get("stp", "-"), c["max_cps_sip_only"],
            "" if c["ceiling_reached"]["sip_only"] else " (one step past the gateway's, not a ceiling)",
            fmt(c["ratio_to_sip_only"]), cong or "none"),
            latency_line(lat), ""] + ([latency_line(c["latency_rr"]), ""] if c.get("latency_rr") else [])
        L_ += table_sip_isup(c)
    if "concurrency" in R:
        c = R["concurrency"]
        L_ += ["## 2. Concurrency and memory (answered calls held, signalling only)", "",
               "%d circuits configured (%d DPCs x 4000 CICs); gateway RSS idle %d KiB." % (
                   c["circuits_configured"], c["dpcs"], c["rss_idle_kib"]), "",
               "| calls | answered | RSS KiB | RSS after tear-down KiB | set-up s | tear-down s | set-up CPS | gw CPU % set-up | IAM->ANM p99 ms |",
               "|---|---|---|---|---|---|---|---|---|"]
        for s in c["steps"]:
            L_.append("| %d | %d | %d | %d | %s | %s | %s | %s | %s |" % (
                s["calls"], s["answered"], s["rss_kib"], s["rss_after_teardown_kib"], s["setup_s"], s["teardown_s"],
                s["setup_cps"], s["gw_cpu_setup"], fmt(s.get("pdd_anm_p99_ms_max"), 1)))
        L_ += ["", "Slope: **%s KiB per call** (least squares over idle and each N, 2 s after the last answer);"
               " %s KiB per call at the largest N 34 s later, once the completed SIP transactions are gone." % (
                   fmt(c["kib_per_call_slope"], 2), fmt(c.get("kib_per_call_settled"), 2)), ""]
        L_ += table_mem_breakdown(c.get("memory_breakdown"))
    if "media" in R:
        L_ += table_media(R["media"])
    if "tones" in R:
        t = R["tones"]
        L_ += ["## 4. Tones", "", "One core generates %d frames (20 ms, A-law) per CPU-second: **%d concurrent tone"
               " generators in real time** (plan %s, mix of ringing/busy/congestion/dial)." % (
                   t["frames_per_cpu_s"], t["generators_per_core_realtime"], t["plan"]), ""]
    return "\n".join(L_) + "\n"


def table_sip_isup(c):
    """the SIP -> ISUP ramp (bench/soak per step)"""
    if "sip_isup_steps" not in c:
        return []
    L_ = ["", "SIP -> ISUP (bench/soak for %s s per step: SIPp calls, the exchange answers, random holds, both release"
          " sides, CDRs on, the gateway on SCHED_RR 1): max **%d CPS** (gateway CPU %s %%); the gateway's rating, the lower"
          " of the two directions: **%d CPS** (bench/soak runs at half of it)." % (
              P["soak_secs"] if P else "-", c["max_cps_sip_isup"], c.get("max_cps_sip_isup_gw_cpu"), c["max_cps"]), "",
          "| CPS | result | successful | failed | gw CPU % | SIPp rate | failed checks |", "|---|---|---|---|---|---|---|"]
    for s in sorted(c["sip_isup_steps"], key=lambda s: s["cps"]):
        L_.append("| %d | %s | %d | %d | %s | %s | %s |" % (
            s["cps"], "ok" if s["ok"] else "FAIL", s["successful"], s["failed"], s["gw_cpu"], s["cps_achieved"],
            "; ".join(s["failed_checks"]) or "-"))
    return L_ + [""]


def table_mem_breakdown(b):
    """Where each KiB of a call goes, at the largest N: glibc in use vs talloc per context"""
    if not b:
        return []
    L_ = ["Where the memory of a call goes at %d calls (bytes per call: the gateway's talloc report and"
          " glibc mallinfo2 at the step minus idle; raw reports: %s):" % (b["calls"], b["log"]), "",
          "| what | 2 s after the last answer | 34 s later |", "|---|---|---|"]
    a, z = b["per_call_2s"], b["per_call_34s"]
    rows = [("malloc in use (all)", "malloc_in_use"), ("talloc (all)", "talloc_bytes"),
            ("malloc outside talloc (libosip2, libraries)", "malloc_outside_talloc"),
            ("talloc blocks", "talloc_blocks")]
    for label, k in rows:
        L_.append("| %s | %s | %s |" % (label, fmt(a.get(k), 1), fmt(z.get(k), 1)))
    names = [x["name"] for x in z["contexts"]]
    for x in a["contexts"]:
        if x["name"] not in names:
            names.append(x["name"])
    for nm in names:
        ga = next((x for x in a["contexts"] if x["name"] == nm), None)
        gz = next((x for x in z["contexts"] if x["name"] == nm), None)
        L_.append("| talloc %s | %s | %s |" % (nm, "%s (%s blocks)" % (ga["bytes_per_call"], ga["blocks_per_call"])
                                              if ga else "-", "%s (%s blocks)" % (gz["bytes_per_call"],
                                                                                 gz["blocks_per_call"]) if gz else "-"))
    m1, m2 = b["at_2s"]["malloc"], b["at_34s"]["malloc"]
    L_ += ["", "glibc heap at %d calls: arena %s, in use %s, free inside the heap %s bytes in %s chunks"
           " (34 s later: %s / %s / %s in %s)." % (
               b["calls"], m1.get("arena"), m1.get("in_use"), m1.get("free"), m1.get("free_chunks"),
               m2.get("arena"), m2.get("in_use"), m2.get("free"), m2.get("free_chunks"))]
    m3 = b.get("malloc_after_teardown")
    if m3:
        L_[-1] += " After the tear-down: arena %s, in use %s, free %s in %s chunks." % (
            m3.get("arena"), m3.get("in_use"), m3.get("free"), m3.get("free_chunks"))
    L_.append("")
    return L_


def csv_rows(R):
    rows = []

    def walk(prefix, o):
        if isinstance(o, dict):
            for k, v in o.items():
                walk(prefix + [str(k)], v)
        elif isinstance(o, list):
            for i, v in enumerate(o):
                walk(prefix + [str(i)], v)
        else:
            rows.append((".".join(prefix), o))
    walk([], R)
    return "key,value\n" + "".join('%s,"%s"\n' % (k, v) for k, v in rows)


def main():
    global P
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="callrate,concurrency,media,tones")
    ap.add_argument("--out", default=os.path.join(L.TOP, "bench", "results"))
    ap.add_argument("--note", default="")
    a = ap.parse_args()
    P = QUICK if a.quick else FULL
    tmp = tempfile.mkdtemp(prefix="sipt-bench.")
    env = Env(os.path.abspath(a.build), tmp)

    def cleanup(*_):
        env.stop_lab()
    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
    R = {"machine": L.machine(), "profile": "quick" if a.quick else "full"}
    R["machine"]["host_note"] = a.note or "machine as found"
    say("work directory %s (logs), profile %s" % (tmp, R["profile"]))
    only = a.only.split(",")
    t0 = time.time()
    for name in ("callrate", "concurrency", "media", "tones"):
        if name not in only:
            continue
        ts = time.time()
        try:
            if name == "callrate":
                R[name] = bench_callrate(env)
            elif name == "concurrency":
                mx = R.get("callrate", {}).get("max_cps_gw", 0)
                R[name] = bench_concurrency(env, max(150, min(P["conc_cps"], mx // 2)) if mx else P["conc_cps"])
            elif name == "media":
                R[name] = bench_media(env)
            else:
                R[name] = bench_tones(env)
        except Exception as ex:
            import traceback
            traceback.print_exc()
            R[name + "_error"] = str(ex)
            say("%s failed: %s (logs in %s)" % (name, ex, tmp))
        finally:
            env.stop_lab()
        R.setdefault("durations_s", {})[name] = round(time.time() - ts, 1)
    R["durations_s"]["total"] = round(time.time() - t0, 1)
    os.makedirs(a.out, exist_ok=True)
    # the raw per-step logs: in the run's directory (steps/), and a copy beside results.json (raw/)
    R["work_dir"] = tmp
    raw = os.path.join(a.out, "raw")
    shutil.rmtree(raw, ignore_errors=True)
    if os.path.isdir(os.path.join(tmp, "steps")):
        shutil.copytree(os.path.join(tmp, "steps"), os.path.join(raw, "steps"))
    R["raw_logs"] = {"run_dir": tmp, "copy": raw, "note": "every step's \"log\" is relative to both",
                     "daemons": [os.path.relpath(x, tmp) for x in env.lab.logs]}
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(R, f, indent=1)
    with open(os.path.join(a.out, "results.csv"), "w") as f:
        f.write(csv_rows(R))
    md = table(R)
    with open(os.path.join(a.out, "latest.md"), "w") as f:
        f.write(md)
    print()
    print(md)
    say("results in %s (results.json, results.csv, latest.md); total %.0f s" % (a.out, R["durations_s"]["total"]))


if __name__ == "__main__":
    main()

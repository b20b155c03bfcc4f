#!/usr/bin/env python3
"""bench/soak's figures as JSON: soak-json.py RUNDIR OUT.json (the figures in SOAK_* variables).

Also computes the exact highest number of calls up at once from the gateway's CDRs (seize and
release times of every call; the 5 s VTY samples only bound it from below)."""
import csv, datetime, json, os, shutil, subprocess, sys


def num(v, conv=int):
    try:
        return conv(v)
    except (TypeError, ValueError):
        return None


def cdr_concurrency(path):
    """highest number of calls between seize and release at once, from the CDRs"""
    ev = []
    try:
        for row in csv.DictReader(open(path)):
            a, b = row.get("seize"), row.get("release")
            if a and b:
                ev.append((a, 1))
                ev.append((b, -1))
    except OSError:
        return None, 0
    ev.sort(key=lambda e: (e[0], e[1]))    # ISO times of one format sort as strings; releases first
    cur = top = 0
    for _, d in ev:
        cur += d
        top = max(top, cur)
    return top, len(ev) // 2


def tally(path):
    out = {}
    try:
        for line in open(path):
            f = line.split()
            if len(f) >= 4 and f[0] == "soak":
                out[" ".join(f[1:-1])] = int(f[-1])
    except (OSError, ValueError):
        pass
    return dict(sorted(out.items()))


def copy_small(raw, dest_dir):
    """the small raw logs (samples, tally, SIPp statistics, checks: not the CDRs or the gateway's
    log) copied beside soak.json, so that they can be committed with it; their names there"""
    shutil.rmtree(dest_dir, ignore_errors=True)
    os.makedirs(dest_dir)
    out = {}
    for k, path in sorted(raw.items()):
        if os.path.getsize(path) <= (1 << 20) and k not in ("gateway_log", "cdr", "exchange_report"):
            shutil.copy(path, dest_dir)
            out[k] = os.path.join(os.path.basename(dest_dir), os.path.basename(path))
    return out


def main():
    run, dest = sys.argv[1], sys.argv[2]
    e = os.environ.get
    checks = []
    for line in open(os.path.join(run, "checks.txt")):
        st, _, name = line.rstrip("\n").partition("|")
        checks.append({"ok": st == "ok", "name": name})
    rss = (e("SOAK_RSS", "") + "  ").split(" ")[:3]
    top = e("SOAK_TOP", ".")
    git = subprocess.run(["git", "-C", top, "describe", "--always", "--dirty"], capture_output=True,
                         text=True).stdout.strip() or None
    peak_cdr, ncdr = cdr_concurrency(os.path.join(run, "cdr-gw-a.csv"))
    hold = (e("SOAK_HOLD", "") + " ").split(" ")[:2]
    steal = (e("SOAK_STEAL", "") + " ").split(" ")[:2]
    raw = {k: os.path.join(run, f) for k, f in (
        ("gateway_log", "gw.log"), ("gateway_config", "gw.cfg"), ("cdr", "cdr-gw-a.csv"),
        ("sipp_stat", "sipp-stat.csv"), ("sipp_screen", "sipp.out"), ("sipp_errors", "sipp-err.log"),
        ("exchange_tally", "isup-tally.txt"), ("exchange_report", "peer.log"), ("exchange_stderr", "peer.err"),
        ("samples", "samples.txt"), ("error_lines", "errors.txt"), ("checks", "checks.txt"))
        if os.path.exists(os.path.join(run, f))}
    r = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "git": git, "build": e("SOAK_BUILD"), "loadavg": open("/proc/loadavg").read().split()[:3],
        "passed": all(c["ok"] for c in checks) and bool(checks),
        "rate_cps": num(e("SOAK_CPS")), "duration_s": num(e("SOAK_DUR")), "wall_s": num(e("SOAK_WALL")),
        "cics": num(e("SOAK_CICS")), "isup_release_ms": num(e("SOAK_REL")),
        "sip_hold_ms": [num(hold[0]), num(hold[1])], "sip_t1_ms": num(e("SOAK_T1")),
        "calls": {"planned": num(e("SOAK_CALLS")), "placed": num(e("SOAK_CREATED")),
                  "successful": num(e("SOAK_SUCC")), "failed": num(e("SOAK_FAILED")), "cdrs": ncdr},
        "max_concurrent": {"from_cdrs": peak_cdr, "sampled_every_5s": num(e("SOAK_PEAK"))},
        "gateway_cpu_pct": num(e("SOAK_CPU"), float), "stp_io_backend": e("SOAK_STP_IO"),
        "gw_m3ua_tx_flushed": num(e("SOAK_FLUSHED")), "gw_sched_policy": e("SOAK_GW_SCHED"),
        "steal_pct": {"run": num(steal[0], float), "max_5s": num(steal[1], float)},
        "rss_kib": {"start": num(rss[0]), "highest_after_warmup": num(rss[1]), "end": num(rss[2]),
                    "warmup_s": num(e("SOAK_WARM"))},
        "release_sides": dict((kv.split("=", 1)[0], num(kv.split("=", 1)[1])) for kv in e("SOAK_SIDES", "").split() if "=" in kv),
        "exchange_isup": tally(os.path.join(run, "isup-tally.txt")),
        "exit_status": {"sipp": num(e("SOAK_SIPP_RC")), "gateway": num(e("SOAK_GW_RC"))},
        "checks": checks, "raw_logs": raw, "raw_copy": copy_small(raw, os.path.join(os.path.dirname(dest), "soak-raw")),
    }
    with open(dest + ".tmp", "w") as f:
        json.dump(r, f, indent=1)
        f.write("\n")
    os.replace(dest + ".tmp", dest)
    md = os.path.splitext(dest)[0] + ".md"
    with open(md + ".tmp", "w") as f:
        f.write(summary(r))
    os.replace(md + ".tmp", md)


def summary(r):
    """soak.md: the figures of soak.json as text (generated, never edited by hand)"""
    c, rss, mc = r["calls"], r["rss_kib"], r["max_concurrent"]
    isup = r["exchange_isup"]
    lines = [
        "# sipt-gw soak (bench/soak)", "",
        "%s, git %s, build %s, load average %s at the end. **%s**: %d of %d checks passed." % (
            r["date"], r["git"], r["build"], " ".join(r["loadavg"]), "PASSED" if r["passed"] else "FAILED",
            sum(ch["ok"] for ch in r["checks"]), len(r["checks"])), "",
        "- %s CPS for %s s (%s s wall), %s CICs, ISUP release %s ms after the answer, SIP hang-up after"
        " %s..%s ms on about half the calls, SIP T1 %s ms" % (
            r["rate_cps"], r["duration_s"], r["wall_s"], r["cics"], r["isup_release_ms"], r["sip_hold_ms"][0],
            r["sip_hold_ms"][1], r["sip_t1_ms"]),
        "- calls: %s planned, %s placed, %s successful, %s failed (SIPp); %s CDRs" % (
            c["planned"], c["placed"], c["successful"], c["failed"], c["cdrs"]),
        "- at most %s calls up at once (CDRs; %s in the 5 s samples)" % (mc["from_cdrs"], mc["sampled_every_5s"]),
        "- released from ISUP %s, from SIP %s (CDRs)" % (r["release_sides"].get("isup"), r["release_sides"].get("sip")),
        "- the exchange: %s IAM, %s ACM, %s ANM; REL %s from the gateway, %s from the exchange; REL causes: %s" % (
            isup.get("rx IAM", 0), isup.get("tx ACM", 0), isup.get("tx ANM", 0), isup.get("rx REL", 0),
            isup.get("tx REL", 0), ", ".join("%s %s" % (k[4:], v) for k, v in isup.items() if k.startswith("rel ")) or
            "none"),
        "- gateway CPU %s %% of a core; RSS %s KiB at the start, %s KiB highest after the %s s warm-up, %s KiB at"
        " the end" % (r["gateway_cpu_pct"], rss["start"], rss["highest_after_warmup"], rss["warmup_s"], rss["end"]),
        "- the gateway's scheduling policy (chrt): %s; OsmoSTP's osmo_io backend: %s" % (
            r.get("gw_sched_policy") or "-", r.get("stp_io_backend")),
        "- steal (the hypervisor's share of the machine's CPU, /proc/stat): %s %% over the run, at most %s %% in a"
        " 5 s sample" % (r["steal_pct"]["run"], r["steal_pct"]["max_5s"]),
        "", "Checks:", ""]
    lines += ["- %s %s" % ("ok" if ch["ok"] else "FAILED:", ch["name"]) for ch in r["checks"]]
    lines += ["", "Raw logs (in the run's directory): %s" % ", ".join(sorted(r["raw_logs"].values())), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

"""Benchmark lab: processes (recorded by PID, stopped at exit), configs, VTY, CPU/RSS probes."""
import functools, hashlib, os, re, signal, socket, subprocess, time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# own loopback addresses (127.0.1.x), apart from the lab and the test suite (127.0.0.x)
GW_PC, GW_IP, STP_IP, SIPP_IP = "0.23.2", "127.0.1.2", "127.0.1.1", "127.0.1.1"


def peer_pc(k):
    return "0.24.%d" % k


def peer_ip(k):
    return "127.0.1.%d" % (10 + k)


class Ports:
    def __init__(self, base):
        self.m3ua = base
        self.stp_vty = base + 1
        self.gw_vty = base + 2
        self.gw_sip = base + 5
        self.sipp_uas = base + 7
        self.sipp_uac = base + 8
        # SIPp's control sockets: its default, 8888, lies in the gateway's RTP range below (the
        # gateway then skipped it, and one of 2,000 calls found no bridge ports left)
        self.sipp_uas_cp = base + 9
        self.sipp_uac_cp = base + 10
        self.gen_a = base + 50      # RTP generator, circuit (PSTN) side: every CIC's bearer
        self.gen_b = base + 51      # RTP generator, SIP side (the SDP of SIPp)
        self.ng = base + 60         # rtpengine ng control
        self.gw_rtp = (8000, 15999)  # below the ephemeral range and the test suite's ports
        self.rtpengine_rtp = (16000, 24999)


class Lab:
    def __init__(self, tmp):
        self.tmp = tmp
        self.procs = []
        self.logs = []      # every process's log, in start order

    def start(self, name, argv, stdin=None, cwd=None, env=None):
        """a process with its output in NAME.log; a later process of the same name (the next
        benchmark's lab) gets NAME-2.log, ... so that every log of the run is kept; env: added to
        this process's environment"""
        path = os.path.join(self.tmp, name + ".log")
        k = 1
        while os.path.exists(path):
            k += 1
            path = os.path.join(self.tmp, "%s-%d.log" % (name, k))
        out = open(path, "w")
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=stdin, cwd=cwd or self.tmp,
                             start_new_session=True, env=dict(os.environ, **env) if env else None)
        out.close()
        p.name = name
        p.logpath = path
        self.logs.append(path)
        self.procs.append(p)
        return p

    def stop(self, p, sig=signal.SIGTERM):
        if p.poll() is None:
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        if p in self.procs:
            self.procs.remove(p)

    def stop_all(self):
        for p in list(reversed(self.procs)):
            self.stop(p)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path


# ---- configs ------------------------------------------------------------------------------------
LOG = """log stderr
 logging filter all 1
 logging color 0
 logging print category 1
 logging level set-all notice
 logging level lm3ua error
 logging level lss7 error
"""


def stp_cfg(ports, npeers):
    return stp_cfg_asps(ports, [("gw", GW_IP, 2, GW_PC)] +
                        [("p%d" % k, peer_ip(k), 10 + k, peer_pc(k)) for k in range(npeers)])


def stp_cfg_asps(ports, asps):
    """the STP with one AS (override) and route per (name, ip, routing context, point code)"""
    s = LOG + "line vty\n bind 127.0.0.1 %d\ncs7 instance 0\n point-code 0.23.1\n" % ports.stp_vty
    s += " xua rkm routing-key-allocation static-only\n listen m3ua %d tcp\n  accept-asp-connections pre-configured\n" \
         "  local-ip %s\n" % (ports.m3ua, STP_IP)
    for n, ip, rk, pc in asps:
        s += " asp asp-%s 0 %d m3ua tcp\n  remote-ip %s\n  local-ip %s\n  role sg\n  transport-role server\n" % (
            n, ports.m3ua, ip, STP_IP)
    for n, ip, rk, pc in asps:
        s += " as as-%s m3ua\n  asp asp-%s\n  routing-key %d %s\n  traffic-mode override\n" % (n, n, rk, pc)
    s += " route-table system\n"
    for n, ip, rk, pc in asps:
        s += "  update route %s 7.255.7 linkset as-%s\n" % (pc, n)
    return s


def asp_client(name, pc, ip, rk, ports):
    return ("cs7 instance 0\n point-code %s\n asp asp-%s %d 0 m3ua tcp\n  remote-ip " + STP_IP + "\n  local-ip %s\n"
            "  role asp\n  transport-role client\n as as-%s m3ua\n  asp asp-%s\n  routing-key %d %s\n"
            "  traffic-mode override\n route-table system\n  update route 0.0.0 0.0.0 linkset as-%s\n") % (
        pc, name, ports.m3ua, ip, name, name, rk, pc, name)


def gw_cfg(ports, npeers, cics=4000, media=False):
    s = LOG + "line vty\n bind 127.0.0.1 %d\n" % ports.gw_vty
    s += asp_client("gw", GW_PC, GW_IP, 2, ports)
    s += "isup\n cs7-instance 0\n variant itu\n network-indicator national\n"
    for k in range(npeers):
        s += " remote-point-code %s\n" % peer_pc(k)
    for k in range(npeers):
        # every circuit's bearer is the generator's one circuit-side socket (step 0)
        s += (" circuit-group ex%d\n  point-code %s\n  cic 1 %d bearer 127.0.0.1 %d 0\n  direction both-way\n"
              "  selection lowest\n") % (k, peer_pc(k), cics, ports.gen_a)
    s += ("sip\n trunk load\n  transport udp\n  listen %s %d\n  peer " + SIPP_IP + " %d\n  trusted\n  100rel supported\n"
          "  sip-t mode sip-i\n  sip-t version itu-t92+\n  sip-t base itu-t92+\n  sip-t handling optional\n") % (
        GW_IP, ports.gw_sip, ports.sipp_uas)
    s += "gateway\n country-code 49\n route ingress default trunk load\n route egress default circuit-group ex0\n" \
         " trunk load cause-profile rfc3398\n"
    if media:
        s += " media rtp-range 127.0.0.1 %d %d\n" % ports.gw_rtp
    return s


def peer_cfg(ports, k):
    return LOG + asp_client("p%d" % k, peer_pc(k), peer_ip(k), 10 + k, ports) + \
        "isup\n cs7-instance 0\n variant itu\n network-indicator national\n remote-point-code %s\n" % GW_PC


# ---- isup-peer under control (commands on stdin, report in its log) ------------------------------
class Peer:
    def __init__(self, lab, bindir, ports, k):
        self.lab, self.k = lab, k
        cfg = lab.write("peer%d.cfg" % k, peer_cfg(ports, k))
        self.p = lab.start("peer%d" % k, [os.path.join(bindir, "isup", "isup-peer"), "-c", cfg, "-i"],
                           stdin=subprocess.PIPE)
        self.logpath = self.p.logpath
        self.off = 0

    def send(self, line):
        self.p.stdin.write((line + "\n").encode())
        self.p.stdin.flush()

    def wait(self, regex, timeout):
        """Next log line (from the last match on) matching regex; None on timeout/exit."""
        end = time.time() + timeout
        rx = re.compile(regex)
        while time.time() < end:
            with open(self.logpath, "rb") as f:
                f.seek(self.off)
                data = f.read()
            pos = 0
            for line in data.split(b"\n")[:-1]:
                pos += len(line) + 1
                t = line.decode(errors="replace")
                if rx.search(t):
                    self.off += pos
                    return t
            if self.p.poll() is not None:
                return None
            time.sleep(0.05)
        return None


def kv(line):
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", line or "")}


# ---- VTY -----------------------------------------------------------------------------------------
class Vty:
    def __init__(self, port, timeout=20):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        self._prompt()
        self.cmd("enable")

    def _prompt(self):
        while True:
            tail = self.buf.rstrip()
            if tail.endswith(b">") or tail.endswith(b"#"):
                out, self.buf = self.buf, b""
                return out.decode(errors="replace")
            d = self.s.recv(1 << 20)
            if not d:
                raise IOError("vty closed")
            self.buf += d

    def cmd(self, c):
        self.s.sendall(c.encode() + b"\r\n")
        return self._prompt()

    def close(self):
        self.s.close()


def vty_try(port, cmd, timeout=5):
    try:
        v = Vty(port, timeout)
        out = v.cmd(cmd)
        v.close()
        return out
    except OSError:
        return ""


def wait_until(fn, timeout, step=0.2):
    end = time.time() + timeout
    while time.time() < end:
        if fn():
            return True
        time.sleep(step)
    return False


def wait_port(port, timeout, ip="127.0.0.1"):
    def ok():
        try:
            socket.create_connection((ip, port), timeout=1).close()
            return True
        except OSError:
            return False
    return wait_until(ok, timeout)


def calls_count(port):
    m = re.search(r"(\d+) calls", vty_try(port, "show calls count", 30))
    return int(m.group(1)) if m else -1


def circuits_not_idle(port):
    m = re.search(r"(\d+) circuits not idle", vty_try(port, "show circuits", 30))
    return int(m.group(1)) if m else 0


# ---- probes --------------------------------------------------------------------------------------
CLK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid):
    """user+system CPU seconds of a process (all threads)"""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK
    except (OSError, IndexError):
        return 0.0


def proc_rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cores_snapshot():
    snap = {}
    with open("/proc/stat") as f:
        for line in f:
            if re.match(r"cpu\d+ ", line):
                v = [int(x) for x in line.split()[1:]]
                idle = v[3] + v[4]
                snap[line.split()[0]] = (sum(v), idle, v[7] if len(v) > 7 else 0)
    return snap


def cores_busy(a, b):
    """percent busy per core between two snapshots"""
    out = {}
    for c in a:
        tot = b[c][0] - a[c][0]
        out[c] = round(100.0 * (tot - (b[c][1] - a[c][1])) / tot, 1) if tot else 0.0
    return out


def cores_steal(a, b):
    """percent of each core's time the hypervisor gave to others (steal) between two snapshots:
    on a VM the figures of a step hold only for the CPU the guest had"""
    out = {}
    for c in a:
        tot = b[c][0] - a[c][0]
        out[c] = round(100.0 * (b[c][2] - a[c][2]) / tot, 1) if tot else 0.0
    return out


class CpuMeter:
    """CPU % of a set of processes (100 = one core) over an interval"""

    def __init__(self, procs):
        self.procs = {n: p for n, p in procs.items() if p is not None}
        self.t0 = time.time()
        self.c0 = {n: proc_cpu(p) for n, p in self.procs.items()}
        self.k0 = cores_snapshot()

    def stop(self):
        dt = time.time() - self.t0
        res = {n: round(100.0 * (proc_cpu(p) - self.c0[n]) / dt, 1) for n, p in self.procs.items()}
        k1 = cores_snapshot()
        res["cores"] = cores_busy(self.k0, k1)
        res["steal"] = cores_steal(self.k0, k1)
        return res


def sha256(path):
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


@functools.lru_cache(maxsize=None)
def stp_io_backend():
    """OsmoSTP's osmo_io backend for the benchmarks: io_uring where the kernel allows it (libosmocore
    sets it up when it loads, so --version fails without it). With the poll backend OsmoSTP writes
    one message per select round toward an ASP and drops beyond 1,024 queued (bench/README);
    probed once per process. bench/soak asks this function too."""
    if os.environ.get("STP_IO_BACKEND"):
        return os.environ["STP_IO_BACKEND"]
    r = subprocess.run(["osmo-stp", "--version"], capture_output=True,
                       env=dict(os.environ, LIBOSMO_IO_BACKEND="IO_URING"))
    return "IO_URING" if r.returncode == 0 else "POLL"


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = 0
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) // 1024
    try:
        rev = subprocess.run(["git", "-C", TOP, "describe", "--always", "--dirty"], capture_output=True,
                             text=True).stdout.strip()
    except OSError:
        rev = "?"
    return {"date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "nproc": os.cpu_count(),
            "cpu": model, "mem_mib": mem, "kernel": os.uname().release, "git": rev,
            "loadavg_at_start": open("/proc/loadavg").read().split()[0], "stp_io_backend": stp_io_backend()}

"""Shared helpers for the bench/ scripts: building the load generator, the test PKI, starting
servers pinned to a core, waiting for their listening socket, CPU and RSS readings, medians and
the ours/reference table. Not a benchmark itself.

Every process started here is started with a parent-death signal (it dies with the benchmark),
is tracked, and is ended by its own PID at the end of its figure. Only 127.0.0.1 is used."""

import atexit
import ctypes
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.abspath(os.environ.get("BUILD", os.path.join(ROOT, "build")))
BENCH_DIR = os.path.join(BUILD, "bench")
OURS_SERVER = os.path.join(BUILD, "s_server")
OURS_CLIENT = os.path.join(BUILD, "s_client")
HSLOAD = os.path.join(BENCH_DIR, "hsload")
HSFLOOR = os.path.join(BENCH_DIR, "hsfloor")
PKI = os.path.join(BENCH_DIR, "pki")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SECS = float(os.environ.get("BENCH_SECS", "3"))
SERVER_CPU = os.environ.get("BENCH_SERVER_CPU", "0")
LOAD_CPU = os.environ.get("BENCH_LOAD_CPU", "1")
# BENCH_RT=1: run servers and load under SCHED_RR (chrt -r 10). On a machine busy with other
# work the fair scheduler gives each process only a share of a core, whatever its nice value
# (autogroups), and every figure then measures that share; real-time priority measures the
# programs. The kernel still keeps 5% of each core for everything else, and every run here is
# bounded in time. Off by default: it slows whatever else runs on the machine meanwhile.
RT = os.environ.get("BENCH_RT", "0") not in ("", "0")
HOST = "127.0.0.1"

_libc = ctypes.CDLL(None, use_errno=True)
_children = []


def _die_with_parent():
    _libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def pin(cpu):
    """The command prefix that runs a program on core cpu (None: anywhere), real-time with
    BENCH_RT."""
    prefix = ["chrt", "-r", "10"] if RT else []
    return prefix + (["taskset", "-c", str(cpu)] if cpu is not None else [])


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def have(cmd):
    return shutil.which(cmd) is not None


def prepare():
    """Builds bench/hsload and bench/hsfloor with the system compiler and makes the test PKI
    (once)."""
    os.makedirs(BENCH_DIR, exist_ok=True)
    for prog in (OURS_SERVER, OURS_CLIENT):
        if not os.access(prog, os.X_OK):
            sys.exit(f"bench: {prog} is missing: run make first")
    for prog in (HSLOAD, HSFLOOR):
        src = os.path.join(ROOT, "bench", os.path.basename(prog) + ".c")
        if os.path.exists(prog) and os.path.getmtime(prog) >= os.path.getmtime(src):
            continue
        cflags = subprocess.run(["pkg-config", "--cflags", "openssl"], capture_output=True,
                                text=True).stdout.split()
        libs = subprocess.run(["pkg-config", "--libs", "openssl"], capture_output=True,
                              text=True).stdout.split() or ["-lssl", "-lcrypto"]
        subprocess.run([os.environ.get("CC", "cc"), "-O2", "-Wall", "-Wextra", "-Werror",
                        "-Wshadow", *cflags, "-o", prog, src, *libs], check=True)
    subprocess.run([os.path.join(ROOT, "tests", "gen-certs.sh"), PKI], check=True)


def cert(kind):
    """(cert, key) of the test PKI: kind is 'rsa' (RSA-2048) or 'ec' (ECDSA P-256)."""
    return os.path.join(PKI, kind + ".pem"), os.path.join(PKI, kind + ".key")


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _listening(port):
    want = f"{port:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                for line in f.readlines()[1:]:
                    cols = line.split()
                    if cols[1].endswith(":" + want) and cols[3] == "0A":
                        return True
        except OSError:
            pass
    return False


class Proc:
    """A started process, ended by its PID."""

    def __init__(self, argv, cpu=None, cwd=None, stdin=subprocess.DEVNULL,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=None):
        argv = pin(cpu) + list(argv)
        self.argv = argv
        self.p = subprocess.Popen(argv, cwd=cwd, stdin=stdin, stdout=stdout, stderr=stderr,
                                  env=env, preexec_fn=_die_with_parent)
        self.pid = self.p.pid
        _children.append(self)

    def wait_listen(self, port, limit=10.0):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if self.p.poll() is not None:
                raise RuntimeError(f"{self.argv} exited with {self.p.returncode}")
            if _listening(port):
                return self
            time.sleep(0.02)
        raise RuntimeError(f"{self.argv} did not listen on {port} within {limit} s")

    def cpu_split(self):
        """(user, system) CPU seconds of the process, all its threads."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        tck = os.sysconf("SC_CLK_TCK")
        return int(fields[11]) / tck, int(fields[12]) / tck

    def cpu_seconds(self):
        """User + system CPU of the process, all its threads."""
        return sum(self.cpu_split())

    def rss_kib(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        if self.p.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.p.wait(timeout=3)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.p.wait(timeout=3)
        if self in _children:
            _children.remove(self)


@atexit.register
def _stop_all():
    for child in list(_children):
        try:
            child.stop()
        except Exception:  # already gone
            pass


def ours_server(args, port, cpu=SERVER_CPU, cwd=None):
    return Proc([OURS_SERVER, "-accept", f"{HOST}:{port}", *args], cpu=cpu,
                cwd=cwd).wait_listen(port)


def openssl_server(args, port, cpu=SERVER_CPU, cwd=None):
    return Proc(["openssl", "s_server", "-accept", f"{HOST}:{port}", *args], cpu=cpu,
                cwd=cwd).wait_listen(port)


def gnutls_server(kind, port, cpu=SERVER_CPU):
    c, k = cert(kind)
    return Proc(["gnutls-serv", "--http", "-p", str(port), "--x509certfile", c,
                 "--x509keyfile", k], cpu=cpu).wait_listen(port)


def hsload(port, args, cpu=LOAD_CPU, secs=SECS, timeout_extra=15):
    """Runs bench/hsload and returns its output as a dict of numbers, with "load_busy": the
    share of the run the generator spent on the CPU (near 1: it, not the server, may be the
    bound)."""
    argv = pin(cpu) + [HSLOAD, "-p", str(port), "-t", str(secs), *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(argv, capture_output=True, text=True, timeout=secs + timeout_extra,
                         preexec_fn=_die_with_parent).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    words = out.split()
    got = {words[i]: float(words[i + 1]) for i in range(0, len(words) - 1, 2)
           if words[i].isidentifier()}
    if got.get("secs"):
        used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        got["load_busy"] = used / got["secs"]
    return got


def hsload_parallel(port, args, procs, cpu=LOAD_CPU, secs=SECS, timeout_extra=15):
    """Runs procs copies of bench/hsload at once against port; returns their summed count and
    rate (and errors) as hsload() does."""
    argv = pin(cpu) + [HSLOAD, "-p", str(port), "-t", str(secs), *args]
    running = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True, preexec_fn=_die_with_parent) for _ in range(procs)]
    total = {"count": 0.0, "rate": 0.0, "errors": 0.0}
    for p in running:
        out, _ = p.communicate(timeout=secs + timeout_extra)
        words = out.split()
        got = {words[i]: float(words[i + 1]) for i in range(0, len(words) - 1, 2)
               if words[i].isidentifier()}
        for key in total:
            total[key] += got.get(key, 0.0)
    return total


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def alternate(runs, ours, ref):
    """Calls ours() and ref() alternately, runs times each (A, B, A, B, ...); returns the two
    lists of results."""
    a, b = [], []
    for _ in range(runs):
        a.append(ours())
        b.append(ref())
    return a, b


# ---- the table -------------------------------------------------------------------------------

class Row:
    def __init__(self, figure, ours, ref, unit, target="", ref_name="openssl", note="",
                 lower_is_better=False):
        self.figure, self.ours, self.ref, self.unit = figure, ours, ref, unit
        self.target, self.ref_name, self.note = target, ref_name, note
        self.lower_is_better = lower_is_better

    def ratio(self):
        if self.ours is None or self.ref in (None, 0):
            return None
        return self.ours / self.ref


def fmt(v, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, str):
        return v
    if float(v).is_integer():
        s = f"{int(v):,}"
    elif abs(v) >= 100:
        s = f"{v:,.0f}"
    elif abs(v) >= 10:
        s = f"{v:.1f}"
    else:
        s = f"{v:.2f}"
    return f"{s} {unit}".strip()


def table(rows):
    """The rows as a Markdown table: figure, ours, reference, ratio ours/reference, target."""
    lines = ["| figure | ours | reference | ours / ref | target | note |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        ratio = r.ratio()
        ref = fmt(r.ref, r.unit) if not isinstance(r.ref, str) else r.ref
        lines.append(f"| {r.figure} | {fmt(r.ours, r.unit)} | {ref} ({r.ref_name}) | "
                     f"{'n/a' if ratio is None else f'{ratio:.2f}x'} | {r.target} | {r.note} |")
    return "\n".join(lines)


def machine():
    model = "unknown cpu"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ver = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    return (f"{os.cpu_count()} cores, {model}; {ver}; load average before the run {load}; "
            f"{RUNS} runs each, medians; {'SCHED_RR (BENCH_RT=1)' if RT else 'normal priority'}")


def main_for(collect):
    """The body of each script's main: prepare, collect rows, print the table."""
    prepare()
    rows = collect()
    print(machine())
    print(table(rows))

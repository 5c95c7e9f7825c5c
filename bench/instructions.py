#!/usr/bin/env python3
"""Instructions per connection, ours against openssl s_server 3.0, counted by valgrind's
callgrind: the same count for the same binaries and inputs whatever else the machine is doing,
so this is the figure to trust on a busy machine (user-space work only: the kernel's share,
system calls and TCP, is not in it).

How: each server runs under callgrind with -www (RSA-2048 and ECDSA P-256, TLS 1.3, ours with
-workers 1) or -WWW; one warm-up connection, then the counters are zeroed
(callgrind_control -z), BENCH_CG_CONNS connections (default 50; full handshake + GET /) or one
download of BENCH_CG_MIB MiB (default 32) follow, and the server exits by -naccept. Start-up
work (reading the CA bundle, building chains) is left out by the zeroing.

usage: bench/instructions.py   (after make; needs valgrind)"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

import common as C

CONNS = int(os.environ.get("BENCH_CG_CONNS", "50"))
MIB = int(os.environ.get("BENCH_CG_MIB", "32"))


def counted(argv, port, work, cwd=None):
    """Runs argv under callgrind; work() is called once the counters are zeroed after one
    warm-up connection. Returns the instructions counted."""
    out = tempfile.mktemp(prefix="bench-cg.")
    p = C.Proc(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *argv],
               cwd=cwd, stderr=subprocess.DEVNULL)
    try:
        p.wait_listen(port, limit=60)
        C.hsload(port, ["-c", "1", "-n", "1", "-get", "/"], cpu=None, secs=30)
        subprocess.run(["callgrind_control", "-z", str(p.pid)], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30)
        work()
        p.p.wait(timeout=120)
    finally:
        p.stop()
    total = None
    for path in [out] + [f"{out}.{i}" for i in range(1, 4)]:
        if os.path.exists(path):
            with open(path) as f:
                for line in f:
                    if line.startswith("totals:") or line.startswith("summary:"):
                        total = int(line.split()[1])
            os.unlink(path)
    return total


def per_connection(kind):
    c, k = C.cert(kind)
    args = ["-cert", c, "-key", k, "-www", "-quiet", "-naccept", str(CONNS + 1)]
    res = []
    for argv in ([C.OURS_SERVER, "-workers", "1"], ["openssl", "s_server"]):
        port = C.free_port()
        total = counted([*argv, "-accept", f"{C.HOST}:{port}", *args], port,
                        lambda: C.hsload(port, ["-c", "4", "-n", str(CONNS), "-get", "/",
                                                "-tls1_3"], cpu=None, secs=120))
        res.append(total / CONNS if total else None)
    return res


def per_byte():
    d = tempfile.mkdtemp(prefix="bench-cg.")
    try:
        with open(os.path.join(d, "bulk.bin"), "wb") as f:
            f.truncate(MIB * 1024 * 1024)
        c, k = C.cert("rsa")
        res = []
        for argv in ([C.OURS_SERVER, "-workers", "1"], ["openssl", "s_server"]):
            port = C.free_port()
            url = f"https://{C.HOST}:{port}/bulk.bin"
            total = counted([*argv, "-accept", f"{C.HOST}:{port}", "-cert", c, "-key", k,
                             "-WWW", "-quiet", "-naccept", "2"], port,
                            lambda: subprocess.run(["curl", "-sk", "-o", "/dev/null", url],
                                                   timeout=300), cwd=d)
            res.append(total / (MIB * 1024 * 1024) if total else None)
        return res
    finally:
        shutil.rmtree(d, ignore_errors=True)


def collect():
    if not C.have("valgrind") or not C.have("callgrind_control"):
        return [C.Row("instructions (callgrind)", None, None, "", "", note="valgrind missing")]
    rows = []
    t0 = time.monotonic()
    for kind, name in (("rsa", "RSA-2048"), ("ec", "ECDSA P-256")):
        ours, ref = per_connection(kind)
        rows.append(C.Row(f"instructions per connection (TLS 1.3 handshake + -www page), {name}",
                          ours / 1e6 if ours else None, ref / 1e6 if ref else None, "M", "",
                          note="callgrind, user space", lower_is_better=True))
    ours, ref = per_byte()
    rows.append(C.Row("instructions per byte of -WWW download", ours, ref, "", "",
                      note=f"callgrind, user space, {MIB} MiB", lower_is_better=True))
    C.log(f"instructions: {time.monotonic() - t0:.0f} s")
    return rows


if __name__ == "__main__":
    sys.exit(C.main_for(collect))

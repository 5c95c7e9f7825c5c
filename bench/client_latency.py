#!/usr/bin/env python3
"""One `s_client -connect HOST:PORT </dev/null` from start to exit: ours against openssl
s_client 3.0, with the default verification (the system CA file and directory), so start-up
work such as reading the CA bundle counts.

How: one server (ours, -www, RSA-2048, pinned to core 0) and the clients on core 1, timed by
hyperfine (stdin /dev/null, no shell, 3 warm-ups, BENCH_LAT_RUNS runs each, default 30; the
two commands interleaved by hyperfine's order, ours first) when it is installed, else by a
bounded loop here alternating the two. Medians of the wall time in ms.

usage: bench/client_latency.py   (after make)"""

import json
import os
import subprocess
import sys
import tempfile
import time

import common as C

RUNS = int(os.environ.get("BENCH_LAT_RUNS", "30"))


def commands(port):
    target = f"{C.HOST}:{port}"
    return ([C.OURS_CLIENT, "-connect", target], ["openssl", "s_client", "-connect", target])


def with_hyperfine(port):
    ours, ref = commands(port)
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([*C.pin(C.LOAD_CPU), "hyperfine", "-N", "--warmup", "3",
                        "--runs", str(RUNS), "--style", "none", "--export-json", out.name,
                        " ".join(ours), " ".join(ref)], check=True, timeout=300,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        res = json.load(open(out.name))["results"]
    return res[0]["median"] * 1e3, res[1]["median"] * 1e3


def with_loop(port):
    ours, ref = commands(port)

    def once(argv):
        t0 = time.monotonic()
        subprocess.run([*C.pin(C.LOAD_CPU), *argv], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        return (time.monotonic() - t0) * 1e3
    for _ in range(3):
        once(ours), once(ref)
    a, b = C.alternate(RUNS, lambda: once(ours), lambda: once(ref))
    return C.median(a), C.median(b)


def collect():
    c, k = C.cert("rsa")
    port = C.free_port()
    server = C.ours_server(["-workers", "1", "-cert", c, "-key", k, "-www", "-quiet"], port)
    try:
        how = "hyperfine" if C.have("hyperfine") else "loop"
        ours, ref = (with_hyperfine if how == "hyperfine" else with_loop)(port)
    finally:
        server.stop()
    return [C.Row("one `s_client -connect` </dev/null, default CA paths, wall", ours, ref, "ms",
                  "<= 0.3x", ref_name="openssl s_client", note=f"median of {RUNS} ({how})",
                  lower_is_better=True)]


if __name__ == "__main__":
    sys.exit(C.main_for(collect))

#!/usr/bin/env python3
"""Bulk transfer: ours against openssl 3.0, side by side.

What and how:
- `-WWW` download to curl: each server serves a 256 MiB file (BENCH_BULK_MIB) from its working
  directory with `-WWW` over TLS 1.3 (RSA-2048 certificate; the cipher the two sides agree on,
  AES-256-GCM); curl, pinned to core 1, fetches it to /dev/null and reports bytes and seconds.
  Servers pinned to core 0 (ours with -workers 1).
- s_client download to /dev/null: one server (ours, `-WWW`, core 0) and each client in turn on
  core 1: `s_client -connect ... -quiet -CAfile ca.pem` with "GET /file" on stdin and stdout to
  /dev/null, timed from start to exit (a handshake of a few ms included; -CAfile keeps the
  system CA bundle out of this figure, see bench/client_latency.py for that).
Runs alternate ours, openssl, ours, ... BENCH_RUNS times (default 3); medians in GB/s (1e9 B/s).

usage: bench/bulk.py   (after make)"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

import common as C

MIB = int(os.environ.get("BENCH_BULK_MIB", "256"))
NAME = "bulk.bin"


def make_file(d):
    path = os.path.join(d, NAME)
    # Sparse: reading it costs no disk, so the figure is TLS and the copy, not the device.
    with open(path, "wb") as f:
        f.truncate(MIB * 1024 * 1024)
    return path


def curl_once(server, port):
    """(GB/s wall, GB per server CPU second) of one download to curl."""
    cpu0 = server.cpu_seconds()
    out = subprocess.run([*C.pin(C.LOAD_CPU), "curl", "-sk", "--max-time", "120",
                          "-o", "/dev/null", "-w", "%{size_download} %{time_total}",
                          f"https://{C.HOST}:{port}/{NAME}"],
                         capture_output=True, text=True, timeout=130).stdout.split()
    cpu = server.cpu_seconds() - cpu0
    size, secs = int(out[0]), float(out[1])
    if size != MIB * 1024 * 1024 or secs <= 0:
        return None
    return size / secs / 1e9, size / max(cpu, 0.01) / 1e9


def client_once(argv, port):
    """(GB/s wall, GB per client CPU second) of one s_client download to /dev/null."""
    req = f"GET /{NAME} HTTP/1.0\r\n\r\n".encode()
    t0 = time.monotonic()
    p = subprocess.Popen([*C.pin(C.LOAD_CPU), *argv, "-connect", f"{C.HOST}:{port}",
                          "-quiet", "-CAfile", os.path.join(C.PKI, "ca.pem")],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    p.stdin.write(req)
    p.stdin.close()
    # wait4 for the client's own CPU time; bounded by a watchdog kill.
    deadline = t0 + 120
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid != 0:
            break
        if time.monotonic() > deadline:
            os.kill(p.pid, 9)
        time.sleep(0.005)
    p.returncode = os.waitstatus_to_exitcode(status)
    secs = time.monotonic() - t0
    if p.returncode != 0:
        return None
    size = MIB * 1024 * 1024
    return size / secs / 1e9, size / max(usage.ru_utime + usage.ru_stime, 0.01) / 1e9


def first(xs):
    return [x[0] for x in xs if x]


def second(xs):
    return [x[1] for x in xs if x]


def collect():
    rows = []
    d = tempfile.mkdtemp(prefix="bench-bulk.")
    try:
        make_file(d)
        c, k = C.cert("rsa")
        args = ["-cert", c, "-key", k, "-WWW", "-quiet"]
        po, pr = C.free_port(), C.free_port()
        ours = C.ours_server(["-workers", "1", *args], po, cwd=d)
        ref = C.openssl_server(args, pr, cwd=d)
        try:
            a, b = C.alternate(C.RUNS, lambda: curl_once(ours, po),
                               lambda: curl_once(ref, pr))
            rows.append(C.Row(f"-WWW download of {MIB} MiB to curl", C.median(first(a)),
                              C.median(first(b)), "GB/s", ">= 1.5x"))
            rows.append(C.Row("-WWW download: bytes per server CPU second",
                              C.median(second(a)), C.median(second(b)), "GB/s", "",
                              note="what the server could do alone on its core"))
            a, b = C.alternate(C.RUNS, lambda: client_once([C.OURS_CLIENT], po),
                               lambda: client_once(["openssl", "s_client"], po))
            rows.append(C.Row(f"s_client download of {MIB} MiB to /dev/null",
                              C.median(first(a)), C.median(first(b)), "GB/s", ">= 4x",
                              ref_name="openssl s_client", note="server: ours -WWW"))
            rows.append(C.Row("s_client download: bytes per client CPU second",
                              C.median(second(a)), C.median(second(b)), "GB/s", "",
                              ref_name="openssl s_client"))
        finally:
            ours.stop()
            ref.stop()
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return rows


if __name__ == "__main__":
    sys.exit(C.main_for(collect))

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

The -WWW row's note says what bounds that figure. curl is one thread on its core: a download
cannot take less wall time than curl spends on the CPU, so openssl's wall time per byte divided
by curl's CPU time per byte (downloading from ours) is the highest ratio any server could reach
against it with this client. The same with libssl's own cost per byte sent (bench/hsfloor
-bulk: encryption and records from a cached buffer, no file, no kernel) is the ceiling on the
server's side, and once more with our server's system time per byte added.

usage: bench/bulk.py   (after make)"""

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import common as C

MIB = int(os.environ.get("BENCH_BULK_MIB", "256"))
NAME = "bulk.bin"
EMPTY = "empty.bin"


def make_file(d):
    path = os.path.join(d, NAME)
    # Sparse: reading it costs no disk, so the figure is TLS and the copy, not the device. Read
    # once here so that every run finds it in the page cache (a first read zeroes each page).
    with open(path, "wb") as f:
        f.truncate(MIB * 1024 * 1024)
    with open(path, "rb") as f:
        while f.read(1 << 20):
            pass
    open(os.path.join(d, EMPTY), "wb").close()
    return path


def curl_fixed(port):
    """curl's CPU seconds for everything but the bytes: a download of the empty file (start-up,
    handshake, request), median of three."""
    spent = []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([*C.pin(C.LOAD_CPU), "curl", "-sk", "--max-time", "30", "-o", "/dev/null",
                        f"https://{C.HOST}:{port}/{EMPTY}"], capture_output=True, timeout=40)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        spent.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return C.median(spent)


def curl_once(server, port):
    """One download to curl: a dict of GB/s wall ("wall"), GB per server CPU second ("cpu"),
    the server's system seconds ("sys"), curl's own CPU seconds ("curl"), wall seconds ("secs")
    and the times curl waited for data ("waits": its voluntary context switches); None when the
    download failed."""
    user0, sys0 = server.cpu_split()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([*C.pin(C.LOAD_CPU), "curl", "-sk", "--max-time", "120",
                          "-o", "/dev/null", "-w", "%{size_download} %{time_total}",
                          f"https://{C.HOST}:{port}/{NAME}"],
                         capture_output=True, text=True, timeout=130).stdout.split()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    user1, sys1 = server.cpu_split()
    size, secs = int(out[0]), float(out[1])
    if size != MIB * 1024 * 1024 or secs <= 0:
        return None
    curl = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu = (user1 - user0) + (sys1 - sys0)
    return {"wall": size / secs / 1e9, "cpu": size / max(cpu, 0.01) / 1e9, "sys": sys1 - sys0,
            "curl": curl, "secs": secs, "waits": after.ru_nvcsw - before.ru_nvcsw}


def libssl_ns_per_byte():
    """Server CPU nanoseconds per byte sent of libssl alone (bench/hsfloor -bulk), or None."""
    c, k = C.cert("rsa")
    out = subprocess.run([*C.pin(C.SERVER_CPU), C.HSFLOOR, "-cert", c, "-key", k, "-bulk",
                          "256"], capture_output=True, text=True, timeout=120).stdout
    m = re.search(r"bulk_ns_per_byte ([\d.]+)", out)
    return float(m.group(1)) if m else None


def www_note(a, b, lib_ns, fixed):
    """What bounds the -WWW download: how busy curl was, and the highest ours/openssl ratio any
    server could reach here, given curl's CPU per byte with ours (a download cannot take less
    wall time than its one-threaded client spends on the CPU; a faster server could save curl
    only the wake-ups of its few waits for data, counted in the note) and given libssl's own
    cost per byte (with our server's system time per byte added: the kernel's share). fixed:
    curl's CPU seconds for what is not the bytes (curl_fixed), taken off each run's."""
    size = MIB * 1024 * 1024
    a, b = [x for x in a if x], [x for x in b if x]
    if not a or not b:
        return ""
    busy = [C.median([(x["curl"] - fixed) / x["secs"] for x in xs]) for xs in (a, b)]
    ref_ns = 1 / C.median([x["wall"] for x in b])  # openssl's wall time per byte, ns
    curl_ns = (C.median([x["curl"] for x in a]) - fixed) * 1e9 / size
    waits = C.median([x["waits"] for x in a])
    if curl_ns <= 0:
        return ""
    note = f"curl busy {busy[0]:.0%} / {busy[1]:.0%}; ceiling given curl {ref_ns / curl_ns:.2f}x " \
           f"(its {curl_ns:.2f} ns per byte with ours, {waits:,.0f} waits for data)"
    if lib_ns:
        kernel_ns = C.median([x["sys"] for x in a]) * 1e9 / size
        note += f", given the server {ref_ns / lib_ns:.2f}x (libssl alone {lib_ns:.2f} ns), " \
                f"{ref_ns / (lib_ns + kernel_ns):.2f}x with the kernel's {kernel_ns:.2f} ns"
    return note


def client_once(argv, server, port):
    """One s_client download to /dev/null: a dict of GB/s wall ("wall"), GB per client CPU
    second ("cpu") and GB per CPU second of the server sending it ("server"); None when it
    failed."""
    cpu0 = server.cpu_seconds()
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
    return {"wall": size / secs / 1e9,
            "cpu": size / max(usage.ru_utime + usage.ru_stime, 0.01) / 1e9,
            "server": size / max(server.cpu_seconds() - cpu0, 0.01) / 1e9}


def client_note(a, b):
    """The server sending on the other core bounds an s_client download: no client can receive
    faster than the server encrypts, so openssl s_client's wall time per byte divided by the
    server's CPU time per byte (sending to ours) is the highest ratio any client could reach."""
    a, b = [x for x in a if x], [x for x in b if x]
    if not a or not b:
        return "server: ours -WWW"
    server = C.median([x["server"] for x in a])
    ceiling = server / C.median([x["wall"] for x in b])
    return f"server: ours -WWW; ceiling given the server {ceiling:.2f}x " \
           f"(it sends {server:.2f} GB per CPU second)"


def pick(xs, key):
    return [x[key] for x in xs if x]


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
            rows.append(C.Row(f"-WWW download of {MIB} MiB to curl", C.median(pick(a, "wall")),
                              C.median(pick(b, "wall")), "GB/s", ">= 1.5x",
                              note=www_note(a, b, libssl_ns_per_byte(), curl_fixed(po))))
            rows.append(C.Row("-WWW download: bytes per server CPU second",
                              C.median(pick(a, "cpu")), C.median(pick(b, "cpu")), "GB/s", "",
                              note="what the server could do alone on its core"))
            a, b = C.alternate(C.RUNS, lambda: client_once([C.OURS_CLIENT], ours, po),
                               lambda: client_once(["openssl", "s_client"], ours, po))
            rows.append(C.Row(f"s_client download of {MIB} MiB to /dev/null",
                              C.median(pick(a, "wall")), C.median(pick(b, "wall")), "GB/s",
                              ">= 4x", ref_name="openssl s_client",
                              note=client_note(a, b)))
            rows.append(C.Row("s_client download: bytes per client CPU second",
                              C.median(pick(a, "cpu")), C.median(pick(b, "cpu")), "GB/s", "",
                              ref_name="openssl s_client"))
        finally:
            ours.stop()
            ref.stop()
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return rows


if __name__ == "__main__":
    sys.exit(C.main_for(collect))

#!/usr/bin/env python3
"""Simultaneous clients and memory per idle connection: ours against openssl s_server 3.0 and
gnutls-serv, side by side.

What and how:
- Simultaneous clients: bench/hsload opens 20 connections at once, each does a full TLS 1.3
  handshake (ECDSA P-256) and then stays open, idle, as an interactive client would; the
  figure is how many handshakes were done 1 s and 3 s after the start. openssl s_server
  serves one connection at a time, so it finishes the first and then waits on it; gnutls-serv
  and ours serve all of them. Servers pinned to core 0 (ours with -workers 1), load on core 1.
- Memory per open TLS connection: the server's VmRSS (/proc/PID/status) after a warm-up, and
  again once BENCH_IDLE (default 1000) idle connections are up; the growth divided by their
  number. openssl s_server cannot hold more than one, so the reference is gnutls-serv.
- Many connections: ours holding BENCH_MANY (default 10000) idle connections, its RSS per
  connection, and how long one more client's full handshake and `GET /` take meanwhile.
Runs alternate between the servers BENCH_RUNS times (default 3); medians are printed.

usage: bench/concurrency.py   (after make)"""

import os
import subprocess
import sys

import common as C

SIMUL = 20


def servers(kind="ec"):
    c, k = C.cert(kind)
    args = ["-cert", c, "-key", k, "-www", "-quiet"]
    out = {}
    po, pr, pg = C.free_port(), C.free_port(), C.free_port()
    out["ours"] = (C.ours_server(["-workers", "1", *args], po), po)
    out["openssl"] = (C.openssl_server(args, pr), pr)
    if C.have("gnutls-serv"):
        out["gnutls"] = (C.gnutls_server(kind, pg), pg)
    return out


def simul_once(port):
    r = C.hsload(port, ["-c", str(SIMUL), "-hold", str(SIMUL), "-tls1_3"], secs=3.2)
    return r.get("at1s"), r.get("at3s")


def hold(server, port, n, probe=False, secs=None):
    """Opens n idle connections to server; returns (KiB per connection, held, probe ms)."""
    C.hsload(port, ["-c", "8", "-n", "32", "-get", "/"], secs=5)  # warm-up: arenas, caches
    before = server.rss_kib()
    limit = secs or max(30.0, n / 50.0)
    argv = [C.HSLOAD, "-p", str(port), "-c", "64", "-hold", str(n), "-t", str(limit)]
    if probe:
        argv.append("-probe")
    p = C.Proc(argv, cpu=C.LOAD_CPU, stdin=subprocess.PIPE,
               stdout=subprocess.PIPE)
    held, probe_ms = 0, None
    try:
        for line in p.p.stdout:
            words = line.decode().split()
            vals = dict(zip(words[::2], words[1::2]))
            if "held" in vals:
                held = int(vals["held"])
            if "probe_ms" in vals:
                probe_ms = float(vals["probe_ms"])
            if words[:1] == ["ready"]:
                break
        after = server.rss_kib()
    finally:
        p.p.stdin.close()
        p.p.wait(timeout=limit + 10)
        p.stop()
    per = (after - before) / held if held else None
    return per, held, probe_ms


def collect():
    rows = []
    srv = servers()
    try:
        res = {name: [] for name in srv}
        for _ in range(C.RUNS):
            for name, (_, port) in srv.items():
                res[name].append(simul_once(port))
        for i, when in enumerate(("1 s", "3 s")):
            ours = C.median(r[i] for r in res["ours"])
            rows.append(C.Row(f"simultaneous clients: handshakes done after {when} (of {SIMUL})",
                              ours, C.median(r[i] for r in res["openssl"]), "", "",
                              note=gnutls_note(res, i)))
    finally:
        for server, _ in srv.values():
            server.stop()
    rows.append(memory_row())
    rows.extend(many())
    return rows


def fresh(name, kind="ec"):
    """A new server, so that memory freed by earlier runs cannot hide the growth."""
    c, k = C.cert(kind)
    port = C.free_port()
    if name == "gnutls":
        return C.gnutls_server(kind, port), port
    return C.ours_server(["-workers", "1", "-cert", c, "-key", k, "-www", "-quiet"], port), port


def memory_row():
    idle = int(os.environ.get("BENCH_IDLE", "1000"))
    names = ["ours"] + (["gnutls"] if C.have("gnutls-serv") else [])
    mem = {name: [] for name in names}
    for _ in range(C.RUNS):
        for name in names:
            server, port = fresh(name)
            try:
                mem[name].append(hold(server, port, idle)[0])
            finally:
                server.stop()
    return C.Row(f"memory per idle TLS connection ({idle} open), KiB", C.median(mem["ours"]),
                 C.median(mem.get("gnutls", [])), "KiB", "<= 20 KiB (ours)",
                 ref_name="gnutls-serv", note="openssl s_server holds one connection at a time",
                 lower_is_better=True)


def gnutls_note(res, i):
    if "gnutls" not in res:
        return "gnutls-serv not installed"
    return f"gnutls-serv {C.fmt(C.median(r[i] for r in res['gnutls']))}"


def many():
    n = int(os.environ.get("BENCH_MANY", "10000"))
    c, k = C.cert("ec")
    port = C.free_port()
    server = C.ours_server(["-workers", "1", "-cert", c, "-key", k, "-www", "-quiet"], port)
    try:
        per, held, probe_ms = hold(server, port, n, probe=True)
    finally:
        server.stop()
    return [C.Row(f"ours holding {n} idle connections: RSS per connection", per, None, "KiB",
                  "<= 20 KiB", ref_name="-", note=f"{held} held", lower_is_better=True),
            C.Row(f"ours holding {n} idle connections: a new client's handshake + GET",
                  probe_ms, None, "ms", "< 50 ms", ref_name="-", lower_is_better=True)]


if __name__ == "__main__":
    sys.exit(C.main_for(collect))

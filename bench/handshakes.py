#!/usr/bin/env python3
"""Handshakes per second, ours (build/s_server) against openssl s_server 3.0, side by side.

What: full TLS 1.3 and 1.2 handshakes/s with RSA-2048 and ECDSA P-256, resumed TLS 1.2 and
1.3 handshakes/s, and the server CPU spent per full handshake beside the crypto floor that
`openssl speed` gives for the same operations (one signature + one X25519 key generation and
derivation), and beside what libssl alone costs per handshake (bench/hsfloor: a client and
a server in one thread over memory, only the server's calls timed). That last figure is the
floor under any server on this libssl, so openssl's wall time per handshake divided by it is
the highest ratio any such server could reach here: the "ceiling" in the notes. Every server
also pays the kernel for each connection (accept, reads, writes, close and, on loopback, the
TCP work of delivering what it sends), so the notes give the ceiling a second time with our
server's system time per connection added to libssl's cost. They also say how busy the load
generator was (its CPU time over the run, ours / openssl's): near 100%, the generator on its one
core may be what bounds the row, not the server.
How: both servers run `-www -quiet` on 127.0.0.1, pinned to core 0 (ours with -workers 1);
bench/hsload, pinned to core 1, keeps 4 connections in flight, each a new TCP connection, a
full (or resumed) handshake and a `GET /` read to the end, for BENCH_SECS seconds (default 3).
Runs alternate ours, openssl, ours, ... BENCH_RUNS times (default 3); medians are printed.
Last, ours with -workers 2 and nothing pinned against ours with -workers 1, load unpinned too:
the load generator shares the two cores with the server, so the gain is what is left over.
That row runs two load generators of 8 connections each: one single-threaded generator sharing
the two cores with two workers is itself the bound (each worker waits on it), which would
measure the generator, not the server.

usage: bench/handshakes.py   (after make; BUILD=dir for another build directory)"""

import re
import subprocess
import sys

import common as C

CONC = "4"
CONC_WORKERS, LOAD_PROCS = "8", 2


def crypto_floor():
    """Microseconds of crypto per full handshake: {'rsa': us, 'ec': us}, from openssl speed."""
    out = subprocess.run([*C.pin(C.SERVER_CPU), "openssl", "speed", "-seconds", "1", "rsa2048",
                          "ecdsap256", "ecdhx25519"], capture_output=True, text=True,
                         timeout=60).stdout
    rsa = re.search(r"^rsa\s+2048 bits\s+\S+\s+\S+\s+([\d.]+)", out, re.M)
    ec = re.search(r"^\s*256 bits ecdsa \(nistp256\)\s+\S+\s+\S+\s+([\d.]+)", out, re.M)
    x = re.search(r"^\s*253 bits ecdh \(X25519\)\s+\S+\s+([\d.]+)", out, re.M)
    if not (rsa and ec and x):
        return {}
    # Per second figures to microseconds; a key generation costs about one derivation.
    kx = 2 * 1e6 / float(x.group(1))
    return {"rsa": 1e6 / float(rsa.group(1)) + kx, "ec": 1e6 / float(ec.group(1)) + kx}


def libssl_floor(kind, args):
    """Server CPU microseconds per handshake of libssl alone (bench/hsfloor), or None."""
    c, k = C.cert(kind)
    out = subprocess.run([*C.pin(C.SERVER_CPU), C.HSFLOOR, "-cert", c, "-key", k, "-n", "500",
                          *args], capture_output=True, text=True, timeout=120).stdout
    m = re.search(r"floor_us ([\d.]+)", out)
    return float(m.group(1)) if m else None


def ceiling_note(ref_rate, floor, kernel=None):
    """The highest ours/openssl ratio a server paying only libssl's own cost could reach, and
    with kernel (microseconds of system time per connection) paid as well."""
    if not ref_rate or not floor:
        return ""
    note = f"ceiling {1e6 / ref_rate / floor:.2f}x (libssl alone {floor:,.0f} us)"
    if kernel:
        note += f", {1e6 / ref_rate / (floor + kernel):.2f}x with the kernel's {kernel:,.0f} us"
    return note


def measure(server, args):
    """One load run against server: (handshakes/s, server CPU us per handshake, resumed share,
    server system CPU us per handshake, share of the run the load generator was on the CPU)."""
    user0, sys0 = server.cpu_split()
    r = C.hsload(server.port, ["-c", CONC, "-get", "/", *args])
    user1, sys1 = server.cpu_split()
    count = r.get("count", 0)
    if count <= 0:
        return None
    return (r["rate"], (user1 - user0 + sys1 - sys0) * 1e6 / count,
            r.get("resumed", 0) / count, (sys1 - sys0) * 1e6 / count, r.get("load_busy"))


def busy_note(a, b):
    """"load generator busy 97% / 60%" (ours / reference): near 100%, the generator on its core
    may be what bounds the row, not the server."""
    ours, ref = C.median(x[4] for x in a if x), C.median(x[4] for x in b if x)
    if ours is None or ref is None:
        return ""
    return f"; load generator busy {ours:.0%} / {ref:.0%}"


def pair(kind, extra_server=()):
    c, k = C.cert(kind)
    args = ["-cert", c, "-key", k, "-www", "-quiet", *extra_server]
    po, pr = C.free_port(), C.free_port()
    ours = C.ours_server(["-workers", "1", *args], po)
    ref = C.openssl_server(args, pr)
    ours.port, ref.port = po, pr
    return ours, ref


def collect():
    rows = []
    floor = crypto_floor()
    for kind, name in (("rsa", "RSA-2048"), ("ec", "ECDSA P-256")):
        ours, ref = pair(kind)
        try:
            for ver in ("1.3", "1.2"):
                args = ["-tls" + ver.replace(".", "_")]
                C.hsload(ours.port, ["-c", CONC, "-get", "/"], secs=0.5)  # warm-up
                C.hsload(ref.port, ["-c", CONC, "-get", "/"], secs=0.5)
                a, b = C.alternate(C.RUNS, lambda: measure(ours, args),
                                   lambda: measure(ref, args))
                target = ">= 4x" if kind == "rsa" else ">= 5x"
                ref_rate = C.median(x[0] for x in b if x)
                lib = libssl_floor(kind, args)
                rows.append(C.Row(f"full TLS {ver} handshakes/s, {name}, server pinned",
                                  C.median(x[0] for x in a if x), ref_rate, "/s", target,
                                  note=ceiling_note(ref_rate, lib,
                                                    C.median(x[3] for x in a if x)) +
                                  busy_note(a, b)))
                fl = floor.get(kind)
                ours_cpu = C.median(x[1] for x in a if x)
                note = f"crypto floor {fl:,.0f} us" if fl else ""
                if fl and ours_cpu:
                    note += f"; ours {ours_cpu / fl:.2f}x floor"
                if lib and fl and ours_cpu:
                    note += f"; libssl alone {lib:,.0f} us ({lib / fl:.2f}x floor), " \
                            f"ours {ours_cpu / lib:.2f}x libssl"
                rows.append(C.Row(f"server CPU per full TLS {ver} handshake, {name}", ours_cpu,
                                  C.median(x[1] for x in b if x), "us",
                                  "<= 1.5x floor (ours)", note=note, lower_is_better=True))
            if kind == "rsa":
                for ver in ("1.2", "1.3"):
                    args = ["-tls" + ver.replace(".", "_"), "-resume"]
                    a, b = C.alternate(C.RUNS, lambda: measure(ours, args),
                                       lambda: measure(ref, args))
                    share = C.median(x[2] for x in a if x)
                    share_ref = C.median(x[2] for x in b if x)
                    ref_rate = C.median(x[0] for x in b if x)
                    lib = libssl_floor(kind, args)
                    ours_cpu = C.median(x[1] for x in a if x)
                    ours_sys = C.median(x[3] for x in a if x)
                    note = f"resumed share {fmt_share(share)} / {fmt_share(share_ref)}"
                    if lib:
                        note += f"; {ceiling_note(ref_rate, lib, ours_sys)}"
                    if ours_cpu:
                        note += f"; server CPU ours {ours_cpu:,.0f} us, openssl " \
                                f"{C.median(x[1] for x in b if x) or 0:,.0f} us"
                    note += busy_note(a, b)
                    rows.append(C.Row(f"resumed TLS {ver} handshakes/s, {name}",
                                      C.median(x[0] for x in a if x), ref_rate, "/s", ">= 3x",
                                      note=note))
        finally:
            ours.stop()
            ref.stop()
    rows.append(workers_row())
    return rows


def fmt_share(v):
    return "n/a" if v is None else f"{v * 100:.0f}%"


def workers_row():
    c, k = C.cert("rsa")
    args = ["-cert", c, "-key", k, "-www", "-quiet"]
    p1, p2 = C.free_port(), C.free_port()
    w1 = C.ours_server(["-workers", "1", *args], p1, cpu=None)
    w2 = C.ours_server(["-workers", "2", *args], p2, cpu=None)
    try:
        def run(s, port):
            r = C.hsload_parallel(port, ["-c", CONC_WORKERS, "-get", "/", "-tls1_3"], LOAD_PROCS,
                                  cpu=None)
            return r.get("rate")
        a, b = C.alternate(C.RUNS, lambda: run(w2, p2), lambda: run(w1, p1))
    finally:
        w1.stop()
        w2.stop()
    return C.Row("full TLS 1.3 handshakes/s, RSA-2048, -workers 2, nothing pinned",
                 C.median(a), C.median(b), "/s", "> 1x", ref_name="ours -workers 1",
                 note=f"{LOAD_PROCS} load generators x {CONC_WORKERS} connections, on the same 2 "
                      "cores")


if __name__ == "__main__":
    sys.exit(C.main_for(collect))

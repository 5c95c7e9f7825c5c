#!/usr/bin/env python3
"""All the benchmarks in one run, one table: bench/handshakes.py, bench/concurrency.py,
bench/bulk.py, bench/client_latency.py and bench/instructions.py (when valgrind is there), each
ours against the reference side by side (see
each script's header for what it measures and how). The table is printed and written to
build/bench/latest.md; copy it into bench/README.md when it is the one to keep.

usage: bench/all.py [NAME...]   NAME: handshakes concurrency bulk client_latency instructions
                                (default: all)
       environment: BUILD, BENCH_RUNS (3), BENCH_SECS (3), BENCH_IDLE (1000), BENCH_MANY
       (10000), BENCH_BULK_MIB (256), BENCH_LAT_RUNS (30), BENCH_CG_CONNS (50), BENCH_CG_MIB
       (32), BENCH_SERVER_CPU (0), BENCH_LOAD_CPU (1), BENCH_RT (0; 1: real-time priority)"""

import importlib
import os
import sys
import time

import common as C

ALL = ["handshakes", "concurrency", "bulk", "client_latency", "instructions"]


def main():
    names = sys.argv[1:] or ALL
    for n in names:
        if n not in ALL:
            sys.exit(f"usage: bench/all.py [{' '.join(ALL)}]")
    C.prepare()
    head = C.machine()
    rows = []
    t0 = time.monotonic()
    for n in names:
        C.log(f"{n} ...")
        rows.extend(importlib.import_module(n).collect())
    text = (f"{head}; {time.monotonic() - t0:.0f} s in all\n\n{C.table(rows)}\n")
    print(text)
    with open(os.path.join(C.BENCH_DIR, "latest.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Runs libFuzzer targets built by `make fuzz-build` (build-fuzz/fuzz_NAME): each one fuzzes for
# SECONDS starting from its seeds, then every file of its seed corpus is replayed once, so a
# regression input kept there fails at once. Used by `make fuzz` (long) and tests/fuzz/fuzz.t
# (short).
#
# usage: tests/fuzz/run.sh SECONDS [NAME...]      (default: every built target)
#
# Seeds and kept regressions: tests/fuzz/corpus/NAME/ (read only here). What a run learns goes
# to build-fuzz/corpus/NAME/ and is reused by the next run; a crashing input is written to
# build-fuzz/artifacts/NAME-crash-*: copy it into tests/fuzz/corpus/NAME/ once fixed.
# Logs: build-fuzz/logs/NAME.log. Environment: FUZZ_ARGS, extra libFuzzer flags.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2

seconds=${1:?usage: run.sh SECONDS [NAME...]}
shift
if [[ $# -eq 0 ]]; then
    for bin in build-fuzz/fuzz_*; do [[ -x $bin ]] && set -- "$@" "${bin#build-fuzz/fuzz_}"; done
fi
[[ $# -gt 0 ]] || { echo "run.sh: no targets in build-fuzz/ (make fuzz-build)" >&2; exit 2; }
read -r -a extra <<< "${FUZZ_ARGS:-}"

# fuzz_one NAME: fuzz, then replay the seeds. Returns 0 when neither found anything.
fuzz_one() {
    local name=$1 bin=build-fuzz/fuzz_$1 seeds=tests/fuzz/corpus/$1
    local work=build-fuzz/corpus/$1 log=build-fuzz/logs/$1.log
    local -a seedfiles=()
    mkdir -p "$work" build-fuzz/artifacts build-fuzz/logs
    [[ -d $seeds ]] && mapfile -t seedfiles < <(find "$seeds" -type f | sort)
    # -close_fd_mask=3: the parsers' own error messages would drown libFuzzer's report, which
    # still reaches the log (libFuzzer and the sanitizers keep a copy of stderr).
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 \
        -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$name-" "${extra[@]}" \
        "$work" ${seedfiles[@]:+"$seeds"} > "$log" 2>&1 || return 1
    if ((${#seedfiles[@]} > 0)); then
        "$bin" -close_fd_mask=3 "${seedfiles[@]}" >> "$log" 2>&1 || return 1
    fi
    return 0
}

status=0
for name in "$@"; do
    if [[ ! -x build-fuzz/fuzz_$name ]]; then
        echo "run.sh: build-fuzz/fuzz_$name is not built" >&2
        status=1
        continue
    fi
    start=$SECONDS
    if fuzz_one "$name"; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build-fuzz/logs/$name.log")
        echo "fuzz $name: ok, ${runs:-?} runs in $((SECONDS - start)) s"
    else
        echo "fuzz $name: FAILED (build-fuzz/logs/$name.log):"
        grep -E -A25 '^==[0-9]+==ERROR|runtime error|^SUMMARY|deadly signal|Test unit written' \
            "build-fuzz/logs/$name.log" | head -60 | sed 's/^/    /'
        status=1
    fi
done
exit $status

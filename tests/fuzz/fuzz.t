#!/usr/bin/env bash
# Every libFuzzer target, briefly: `make fuzz-build`, then each target fuzzes for FUZZ_SECONDS
# (by default what the time budget below allows, 2-15 s) from its seeds and replays its seed
# corpus (tests/fuzz/corpus/NAME/, where found crashes are kept as regressions). FUZZ_JOBS
# targets run at once (default 2). `make fuzz` runs the same targets for longer.
# Skipped, with the reason, where clang or its libFuzzer runtime is missing.
source "$(dirname "$0")/../lib.sh"

# The targets are ASan+UBSan builds whichever suite runs them: once (in `make test`) is enough.
[[ ${BUILD_DIR:-} == */build-san ]] &&
    skip_all "fuzz targets already ran in the main suite (they are sanitizer builds)"

jobs=${FUZZ_JOBS:-2}
# tests/run allows a file 120 s (TEST_TIMEOUT); without FUZZ_SECONDS the targets share what
# the build leaves of FUZZ_BUDGET (default 95 s), 2 to 15 s each.
budget=${FUZZ_BUDGET:-95}
cd "$TOP_DIR" || bail_out "no top dir"

command -v "${FUZZ_CC:-clang}" >/dev/null ||
    skip_all "no ${FUZZ_CC:-clang} (install clang and libclang-rt-14-dev: scripts/install-deps.sh)"
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; return (int)(n & 0); }\n' \
    > "$TMP/probe.c"
"${FUZZ_CC:-clang}" -fsanitize=fuzzer,address,undefined "$TMP/probe.c" -o "$TMP/probe" \
    >"$TMP/probe.err" 2>&1 ||
    skip_all "clang cannot link -fsanitize=fuzzer (install libclang-rt-14-dev)"

mapfile -t targets < <(for f in tests/fuzz/fuzz_*.c; do n=${f##*/fuzz_}; echo "${n%.c}"; done)
((${#targets[@]} > 0)) || skip_all "no fuzz targets in tests/fuzz"

# -k: one target that does not build (a program file mid-change) must not hide the others.
# A compile error is a failure, not a skip.
if with_timeout 100 make -s -k -j"$jobs" fuzz-build >"$TMP/build.log" 2>&1; then
    pass "make fuzz-build"
else
    fail "make fuzz-build"
    diag_file "$TMP/build.log" "make fuzz-build"
fi

if [[ -n ${FUZZ_SECONDS:-} ]]; then
    seconds=$FUZZ_SECONDS
else
    # each target also spends about 3 s starting and replaying its corpus
    seconds=$(((budget - SECONDS) * jobs / ${#targets[@]} - 3))
    ((seconds > 15)) && seconds=15
    ((seconds < 2)) && seconds=2
fi
diag "fuzzing each of ${#targets[@]} targets for $seconds s, $jobs at a time"

# An out-of-date binary (its build failed) would test old code: report it instead of running
# it. Checked once, right after the build, so that sources edited while the targets run (in a
# shared working tree) do not count.
declare -A pid=()
for t in "${targets[@]}"; do
    make -s -q "build-fuzz/fuzz_$t" 2>/dev/null || pid[$t]=stale
done

# Targets run FUZZ_JOBS at a time; results are reported in order.
for t in "${targets[@]}"; do
    [[ ${pid[$t]:-} == stale ]] && continue
    while (($(jobs -rp | wc -l) >= jobs)); do wait -n; done
    with_timeout $((seconds + 40)) tests/fuzz/run.sh "$seconds" "$t" >"$TMP/$t.out" 2>&1 &
    pid[$t]=$!
done
for t in "${targets[@]}"; do
    if [[ ${pid[$t]:-} == stale ]]; then
        fail "fuzz_$t: built (see the make fuzz-build failure)"
        continue
    fi
    wait "${pid[$t]}"
    rc=$?
    if [[ $rc == 0 ]]; then
        pass "fuzz_$t: ${seconds} s of fuzzing and its corpus replayed, no finding"
        diag "$(cat "$TMP/$t.out")"
    else
        fail "fuzz_$t: ${seconds} s of fuzzing and its corpus replayed, no finding"
        [[ $rc == 124 ]] && diag "run.sh timed out"
        diag_file "$TMP/$t.out" "tests/fuzz/run.sh $seconds $t"
    fi
done
done_testing

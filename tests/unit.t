#!/usr/bin/env bash
# Relay the C unit-test binaries the Makefile builds into $BUILD_DIR/tests/unit/:
# each binary is one test here (passes when it exits 0 and reports no "not ok");
# its own TAP is shown indented, as a subtest, so prove prints it with -v.
source "$(dirname "$0")/lib.sh"

unit_dir=${BUILD_DIR:-$TOP_DIR/build}/tests/unit
bins=()
if [[ -d $unit_dir ]]; then
    for f in "$unit_dir"/*; do
        [[ -f $f && -x $f ]] && bins+=("$f")
    done
fi
[[ ${#bins[@]} -eq 0 ]] && skip_all "no unit-test binaries in $unit_dir"

plan "${#bins[@]}"
for bin in "${bins[@]}"; do
    name=unit/${bin##*/}
    out=$TMP/${bin##*/}.log
    # Run from the source tree so tests can find fixtures by relative path.
    (cd "$TOP_DIR" && with_timeout 60 "$bin") >"$out" 2>&1
    status=$?
    sed 's/^/    /' "$out"
    if [[ $status -ne 0 ]]; then
        fail "$name"
        diag "exit status $status$([[ $status == 124 ]] && echo ' (timed out)')"
    elif grep -q '^not ok' "$out"; then
        fail "$name"
        diag "exit status 0 but it reported failures"
    else
        pass "$name"
    fi
done
done_testing

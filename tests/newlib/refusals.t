#!/usr/bin/env bash
# The newer-library options are in every build's tables; a build whose library lacks one
# refuses it at once with one line naming the release it needs, and exits 1. A build that
# has it takes it (checked by parsing it before -help).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.sh"

check() {
    local prog=$1 opt=$2 arg=${3:-} cmd out status
    if [[ $prog == client ]]; then cmd=("${CLIENT[@]}"); else cmd=("${SERVER[@]}"); fi
    cmd+=("-$opt"); [[ -n $arg ]] && cmd+=("$arg")
    out=$(with_timeout 5 "${cmd[@]}" -help </dev/null 2>&1 >/dev/null)
    status=$?
    if grep -q 'needs OpenSSL' <<< "$out"; then
        is "$status" 1 "s_$prog -$opt: refused with exit status 1 (library too old)"
        like "$(head -n1 <<< "$out")" \
            "^s_$prog: -$opt needs OpenSSL 3\\.[0-9]+ or later; this build uses OpenSSL [0-9.]+" \
            "s_$prog -$opt: the one-line reason names the release needed"
        is "$(grep -c . <<< "$out")" 1 "s_$prog -$opt: one line only"
    else
        is "$status" 0 "s_$prog -$opt: taken by this build"
        skip 2 "s_$prog -$opt is available in this build"
    fi
}

for prog in client server; do
    for opt in quic tfo ktls no_tx_cert_comp no_rx_cert_comp enable_server_rpk \
        enable_client_rpk no_ems prefer_no_dhe_kex; do
        check "$prog" "$opt"
    done
    check "$prog" provparam "default:key=value"
done
check client expected-rpks "$CERTS/ca.pem"
check server cert_comp

# -help lists them all in every build, under their own heading.
for prog in client server; do
    if [[ $prog == client ]]; then cmd=("${CLIENT[@]}"); else cmd=("${SERVER[@]}"); fi
    help=$(with_timeout 5 "${cmd[@]}" -help 2>&1)
    like "$help" '^Newer library options:$' "s_$prog -help: a 'Newer library options' section"
    missing=
    for opt in quic tfo ktls no_tx_cert_comp no_rx_cert_comp enable_server_rpk \
        enable_client_rpk no_ems prefer_no_dhe_kex provparam; do
        grep -Eq -- "^ -$opt( |$)" <<< "$help" || missing+=" -$opt"
    done
    is "$missing" "" "s_$prog -help lists every newer-library option"
done
done_testing

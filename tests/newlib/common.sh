# tests/newlib/common.sh - sourced by tests/newlib/*.t after ../lib.sh: what the build and the
# reference openssl offer of the newer-library features, probed (never by version number).

# our_has PROG OPTION: the build takes -OPTION (a build against an older library refuses it
# with "needs OpenSSL X"). PROG is client or server.
our_has() {
    local -a cmd
    if [[ $1 == client ]]; then cmd=("${CLIENT[@]}"); else cmd=("${SERVER[@]}"); fi
    with_timeout 5 "${cmd[@]}" "-$2" -help </dev/null >/dev/null 2>&1
}

# ref_has PROG OPTION: the reference `openssl PROG` (first in PATH) knows -OPTION.
ref_has() { openssl "$1" -help 2>&1 | grep -Eq -- "^ -$2( |$)"; }

# ref_version: the reference openssl's version, for messages.
ref_version() { openssl version | cut -d' ' -f2; }

# need_35 WHAT: skip the whole file unless our build and the reference both have QUIC's
# server side (the best single sign of a 3.5 library on both).
need_35() {
    our_has server quic ||
        skip_all "$1: this build's library lacks it (OpenSSL 3.5 features; run make test-35)"
    ref_has s_client quic ||
        skip_all "$1: the reference openssl $(ref_version) lacks it (run make test-35)"
}

# An ECDSA P-256 identity from the test PKI, for both sides.
ec_id=(-cert "$CERTS/ec.pem" -key "$CERTS/ec.key")

# client_once NAME CMD...: one client run with no input (it ends after the handshake), its
# output in $TMP/NAME.out and $TMP/NAME.err, its exit status returned. Bounded in time.
client_once() {
    local name=$1; shift
    with_timeout 15 "$@" </dev/null >"$TMP/$name.out" 2>"$TMP/$name.err"
}

# tcp_server NAME CMD...: start a TLS server listening on a fresh loopback port, which it
# prints (PORT gets it); CMD gets "-accept 127.0.0.1:PORT" appended.
tcp_server() {
    local name=$1; shift
    PORT=$(free_port) || return 1
    start_server "$name" "$PORT" "$@" -accept "127.0.0.1:$PORT"
}

# lines FILE REGEX: the lines of FILE that match, for comparing two programs' reports.
lines() { grep -E -- "$2" "$1" 2>/dev/null; }

# tests/starttls/lib-starttls.sh - sourced by tests/starttls/*.t after tests/lib.sh.
#
# Real servers from Debian packages, each run in the foreground from a config written into a
# private state directory under $TMP, on a free loopback port, as its own system user, and
# stopped by PID (start_server/stop_bg from tests/lib.sh). The certificate is the run's test
# PKI (tests/gen-certs.sh: CN=localhost, signed by ca.pem), so s_client can verify it.

ST_DIR_TOP=$TMP/st
STARTTLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SCRIPTED=$STARTTLS_DIR/scripted_server.py

# st_need PACKAGE THING...: skip the whole file unless every THING is there (a command
# name found in PATH, or a file path).
st_need() {
    local pkg=$1 c
    shift
    for c in "$@"; do
        [[ $c == */* && -e $c ]] || { [[ $c != */* ]] && command -v "$c" >/dev/null 2>&1; } ||
            skip_all "$c not found: install Debian package '$pkg' (scripts/deps/starttls.txt)"
    done
}

# st_need_root: the daemons drop to their own users with setpriv, which needs root.
st_need_root() {
    [[ $(id -u) == 0 ]] || skip_all "needs root to run the daemons as their own users"
    command -v setpriv >/dev/null || skip_all "setpriv (util-linux) not found"
}

# st_dir NAME OWNER: make $ST_DIR_TOP/NAME with cert.pem and key.pem (the test server
# certificate), owned by OWNER (user or user:group), and print its path. Every parent must be
# traversable by the daemon's user.
st_dir() {
    local name=$1 owner=$2 d=$ST_DIR_TOP/$1
    chmod 711 "$TMP"
    mkdir -p "$d"
    chmod 755 "$ST_DIR_TOP" "$d"
    cp "$CERTS/ec.pem" "$d/cert.pem"
    cp "$CERTS/ec.key" "$d/key.pem"
    chmod 644 "$d/cert.pem"
    chmod 600 "$d/key.pem"
    chown -R "$owner" "$d"
    echo "$d"
}

# st_check_reachable DIR USER: skip the file if USER cannot read DIR/cert.pem (a TMPDIR
# somewhere private).
st_check_reachable() {
    setpriv --reuid="$2" --regid="$2" --clear-groups test -r "$1/cert.pem" ||
        skip_all "user $2 cannot reach $1 (set TMPDIR to a directory others can traverse)"
}

# st_as USER: set the array AS to the command prefix that runs a command as USER (and USER's
# group of the same name), for start_server/start_bg: "${AS[@]}" CMD...
AS=()
st_as() {
    AS=(setpriv --reuid="$1" --regid="$1" --clear-groups --)
}

# st_wait_output FILE REGEX SECS NAME: wait until FILE matches, giving up early when the
# background process NAME has ended.
st_wait_output() {
    local f=$1 re=$2 secs=$3 name=$4 i
    for ((i = 0; i < secs * 20; i++)); do
        grep -Eaq -- "$re" "$f" 2>/dev/null && return 0
        is_running "$name" || { grep -Eaq -- "$re" "$f" 2>/dev/null; return; }
        sleep 0.05
    done
    return 1
}

ST_SESSION=0

# st_session TAG PROTO PORT SEND EXPECT [S_CLIENT ARGS...]
# Runs s_client -starttls PROTO -connect 127.0.0.1:PORT -CAfile ca.pem ARGS, types SEND (a
# printf format: "\r\n", "\x00" ...) which it sends once TLS is up, and waits for EXPECT (an
# ERE) in what it prints from the server; then closes its stdin. Reports two tests:
#   TAG: TLS handshake after STARTTLS (certificate verified)
#   TAG: command answered over TLS
st_session() {
    local tag=$1 proto=$2 port=$3 send=$4 expect=$5 name out answered
    shift 5
    ST_SESSION=$((ST_SESSION + 1))
    name=cli$ST_SESSION
    out=$TMP/$name.out
    start_bg "$name" "${CLIENT[@]}" -starttls "$proto" -connect "127.0.0.1:$port" \
        -CAfile "$CERTS/ca.pem" "$@"
    # shellcheck disable=SC2059 # SEND is a printf format on purpose (binary requests)
    printf "$send" >&"${BG_FD[$name]}"
    st_wait_output "$out" "$expect" 15 "$name"
    answered=$?
    close_stdin "$name"
    wait_exit "$name" 10
    if grep -Eaq '^Verify return code: 0 \(ok\)' "$out" &&
        grep -Eaq '^(New|Reused), TLSv1\.[23], Cipher is ' "$out"; then
        pass "$tag: TLS handshake after STARTTLS (certificate verified)"
    else
        fail "$tag: TLS handshake after STARTTLS (certificate verified)"
        diag_file "$out" "s_client stdout"
        diag_file "$TMP/$name.err" "s_client stderr"
    fi
    ok "$answered" "$tag: command answered over TLS"
    [[ $answered == 0 ]] || diag_file "$out" "s_client stdout (waited for /$expect/)"
}

# st_expect_failure TAG SECS REGEX REGEX_OPENSSL [S_CLIENT ARGS...]
# Runs s_client ARGS with stdin from /dev/null, killed after SECS. Reports two tests: it
# exited with status 1 by itself, and its output matched REGEX (our one-line message), or
# REGEX_OPENSSL when the client under test is openssl's (whose wording differs and which
# often only fails later, in the TLS handshake).
st_expect_failure() {
    local tag=$1 secs=$2 re=$3 re_ref=$4 out status
    shift 4
    out=$(with_timeout "$secs" "${CLIENT[@]}" "$@" </dev/null 2>&1)
    status=$?
    is "$status" 1 "$tag: exit status 1" || diag "$out"
    if client_is_openssl; then
        like "$out" "$re_ref" "$tag: fails (openssl's wording)"
    else
        like "$out" "$re" "$tag: one-line reason"
    fi
}

# st_scripted NAME SCENARIO PORT: start the scripted peer playing SCENARIO on PORT.
st_scripted() {
    start_server "$1" "$3" python3 "$SCRIPTED" "$2" "$3" "$CERTS/ec.pem" "$CERTS/ec.key"
}

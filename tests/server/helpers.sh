# tests/server/helpers.sh - sourced by tests/server/*.t after ../lib.sh.
#
# Starting our server on a free loopback port, and talking to it with real clients
# (openssl s_client, curl) in the ways the server tests need.

# srv_up NAME ARGS...: start "${SERVER[@]}" -accept 127.0.0.1:PORT ARGS... as background
# process NAME; sets PORT. Returns 1 (with diagnostics) if it does not listen.
srv_up() {
    local name=$1; shift
    PORT=$(free_port) || return 1
    start_server "$name" "$PORT" "${SERVER[@]}" -accept "127.0.0.1:$PORT" "$@"
}

# rsa_id / ec_id: identity arguments for the test PKI.
rsa_id=(-cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key")
ec_id=(-cert "$CERTS/ec.pem" -key "$CERTS/ec.key")

# http_get PATH [s_client args...]: sends "GET PATH HTTP/1.0" (PATH is sent byte for
# byte, % and all) and prints the raw answer, headers included.
http_get() {
    local path=$1; shift
    printf 'GET %s HTTP/1.0\r\n\r\n' "$path" |
        with_timeout 10 openssl s_client -quiet -connect "127.0.0.1:$PORT" "$@" 2>/dev/null
}

# status_of TEXT: the status code of an HTTP answer.
status_of() { sed -n '1s/^HTTP\/1\.[01] \([0-9]*\).*/\1/p' <<< "$1" | tr -d '\r'; }

# count_lines FILE REGEX: how many lines of FILE match.
count_lines() { grep -Ec -- "$2" "$1" 2>/dev/null || true; }

# no_sanitizer_reports: one test that no captured stderr of this file holds an AddressSanitizer,
# LeakSanitizer or UBSan report (our server exits cleanly on SIGTERM, so stop_bg lets the leak
# checker run). Call it after the servers are stopped, before done_testing.
no_sanitizer_reports() {
    local hits
    hits=$(grep -lE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$TMP"/*.err 2>/dev/null)
    is "$hits" "" "no sanitizer reports in the logs"
    [[ -n $hits ]] && for f in $hits; do diag_file "$f"; done
    return 0
}

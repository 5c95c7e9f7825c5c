#!/usr/bin/env bash
# Pass-phrase-protected keys: the server loads rsa-enc.key with every -pass
# source (pass:, env:, file:, fd:, stdin) and serves a verifying client; the
# client loads it too for its own certificate. A wrong pass phrase, or none
# without a terminal, is a prompt exit 1 with a message, never a hang.
source "$(dirname "$0")/../lib.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"

enc=(-cert "$CERTS/rsa.pem" -key "$CERTS/rsa-enc.key")

# serve_with TAG PASSARG [stdin-line]: our server with the encrypted key; a
# reference client must complete a verified handshake.
serve_with() {
    local tag=$1 passarg=$2 line=${3:-} port
    port=$(free_port) || { fail "$tag: no free port"; return; }
    # fd: needs the descriptor opened for the server itself.
    start_bg srv bash -c 'exec "$@" 3<"$0"' "$CERTS/pass.txt" \
        "${SERVER[@]}" -accept "127.0.0.1:$port" "${enc[@]}" -pass "$passarg"
    [[ -n $line ]] && send_line srv "$line"
    if ! wait_port "$port" 10 srv; then
        fail "$tag: server starts with the encrypted key"
        diag_file "$TMP/srv.err" "server stderr"
        stop_bg srv; return
    fi
    with_timeout 10 openssl s_client -connect "127.0.0.1:$port" -CAfile "$CERTS/ca.pem" \
        </dev/null >"$TMP/cli.out" 2>"$TMP/cli.err"
    if grep -Eq '^ *Verify return code: 0 \(ok\)' "$TMP/cli.out"; then
        pass "$tag: server starts with the encrypted key and serves a verified handshake"
    else
        fail "$tag: server starts with the encrypted key and serves a verified handshake"
        diag_file "$TMP/cli.err" "client stderr"; diag_file "$TMP/srv.err" "server stderr"
    fi
    stop_bg srv
}

export S_TEST_PASS=secret
serve_with "-pass pass:"  pass:secret
serve_with "-pass env:"   env:S_TEST_PASS
serve_with "-pass file:"  "file:$CERTS/pass.txt"
serve_with "-pass fd:"    fd:3
serve_with "-pass stdin"  stdin secret

# failing_load TAG REGEX CMD...: must exit 1 promptly, and the first stderr
# line must match REGEX (say what went wrong).
failing_load() {
    local tag=$1 re=$2; shift 2
    with_timeout 10 "$@" </dev/null >"$TMP/bad.out" 2>"$TMP/bad.err"
    local rc=$?
    is "$rc" 1 "$tag: exit status 1 (no hang)"
    like "$(head -n1 "$TMP/bad.err")" "$re" "$tag: first stderr line says what failed" ||
        diag_file "$TMP/bad.err" stderr
}

key_re='[Pp]ass|[Dd]ecrypt|[Kk]ey'
port=$(free_port) || bail_out "no free port"
failing_load "server, wrong pass phrase" "$key_re" \
    "${SERVER[@]}" -accept "127.0.0.1:$port" "${enc[@]}" -pass pass:wrong
unset S_TEST_PASS_UNSET
failing_load "server, -pass env: of an unset variable" "S_TEST_PASS_UNSET|$key_re" \
    "${SERVER[@]}" -accept "127.0.0.1:$port" "${enc[@]}" -pass env:S_TEST_PASS_UNSET
# No -pass and no terminal to ask on (setsid drops the controlling tty).
failing_load "server, no pass phrase and no terminal" "$key_re" \
    setsid "${SERVER[@]}" -accept "127.0.0.1:$port" "${enc[@]}"
failing_load "client, wrong pass phrase" "$key_re" \
    "${CLIENT[@]}" -connect "127.0.0.1:$port" "${enc[@]}" -pass pass:wrong

# Our client presents a certificate whose key is encrypted.
port=$(free_port) || bail_out "no free port"
if start_server ref "$port" openssl s_server -accept "127.0.0.1:$port" \
        -cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key" -verify 1 -CAfile "$CERTS/ca.pem"; then
    with_timeout 10 "${CLIENT[@]}" -connect "127.0.0.1:$port" -CAfile "$CERTS/ca.pem" \
        "${enc[@]}" -pass pass:secret </dev/null >"$TMP/cli.out" 2>"$TMP/cli.err"
    is "$?" 0 "client -pass pass:secret: exit 0" || diag_file "$TMP/cli.err" "client stderr"
    wait_file_like "$TMP/ref.out" '^subject=.*CN ?= ?localhost' 3
    ok $? "client -pass pass:secret: the server received the client certificate" ||
        diag_file "$TMP/ref.out" "openssl s_server stdout"
    stop_bg ref
else
    fail "openssl s_server starts"
fi
done_testing

#!/usr/bin/env bash
# DTLS against openssl s_client -dtls: the interactive mode both ways, -listen's stateless
# cookie exchange (HelloVerifyRequest first), peers one after another on the one socket,
# -rev, -mtu, -naccept; and the combinations that make no sense refused.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/helpers.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"

# udp_up NAME ARGS...: like srv_up, for a UDP port (no listening TCP port to wait for).
udp_up() {
    local name=$1; shift
    PORT=$(free_port) || return 1
    start_bg "$name" "${SERVER[@]}" -accept "127.0.0.1:$PORT" "$@"
    wait_file_like "$TMP/$name.out" '^ACCEPT' 10
}

if udp_up d1 -dtls -naccept 2 "${rsa_id[@]}"; then
    start_bg cli openssl s_client -dtls -connect "127.0.0.1:$PORT" -CAfile "$CERTS/ca.pem"
    send_line cli "over-dtls"
    wait_file_like "$TMP/d1.out" '^over-dtls$' 10
    ok $? "-dtls: client data reaches the server"
    send_line d1 "and-back"
    wait_file_like "$TMP/cli.out" '^and-back$' 5
    ok $? "-dtls: server stdin reaches the client"
    file_like "$TMP/cli.out" '^New, (DTLSv1\.2|TLSv1\.2), Cipher is ' "-dtls: DTLS 1.2 negotiated"
    file_like "$TMP/d1.out" '^CIPHER is ' "-dtls: the server reports the connection"
    close_stdin cli
    wait_exit cli 5
    wait_file_like "$TMP/d1.out" '^CONNECTION CLOSED$' 5
    ok $? "-dtls: the first peer's session ends"
    out=$( (echo second-peer; sleep 1) | with_timeout 10 openssl s_client -dtls1_2 \
        -connect "127.0.0.1:$PORT" 2>&1)
    like "$out" 'Cipher is ' "-dtls: a second peer is served after the first, on the same socket"
    wait_file_like "$TMP/d1.out" '^second-peer$' 5
    ok $? "-dtls: ... and its data arrives"
    wait_exit d1 10
    ok $? "-dtls -naccept 2: the server exits after the second peer"
else
    fail "-dtls server starts"; skip 6 "no server"
fi
stop_bg cli

if udp_up listen -dtls -listen -naccept 1 "${rsa_id[@]}"; then
    out=$( (echo via-cookie; sleep 1) | with_timeout 10 openssl s_client -dtls -msg \
        -connect "127.0.0.1:$PORT" 2>&1)
    # -msg cannot name DTLS 1.0 records; the HelloVerifyRequest body starts with version
    # fe ff and our 32-byte cookie's length
    like "$out" '^ +03 00 00 23 00 00 00 00 00 00 00 23 fe ff 20' \
        "-listen: the first ClientHello gets a HelloVerifyRequest with a cookie"
    like "$out" 'Cipher is ' "-listen: the client with the cookie is served"
    wait_file_like "$TMP/listen.out" '^via-cookie$' 5
    ok $? "-listen: its data arrives"
    stop_bg listen
else
    fail "-dtls -listen server starts"; skip 2 "no server"
fi

if udp_up rev -dtls -rev -mtu 700 "${rsa_id[@]}"; then
    out=$( (echo abc; sleep 1) | with_timeout 10 openssl s_client -dtls -quiet \
        -connect "127.0.0.1:$PORT" 2>/dev/null)
    is "$out" cba "-dtls -rev -mtu 700: lines come back reversed"
    stop_bg rev
else
    fail "-dtls -rev server starts"
fi

for bad in "-listen" "-dtls -unix $TMP/x.sock" "-dtls -stateless"; do
    # shellcheck disable=SC2086
    with_timeout 10 "${SERVER[@]}" $bad "${rsa_id[@]}" </dev/null >/dev/null 2>"$TMP/bad.err"
    is "$?" 1 "$bad: refused with exit 1"
done
no_sanitizer_reports
done_testing

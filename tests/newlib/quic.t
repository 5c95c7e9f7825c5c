#!/usr/bin/env bash
# QUIC: openssl 3.5's s_client -quic against our s_server -quic (which openssl's own s_server
# lacks), and our s_client -quic against our server; -alpn is required on both sides.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.sh"
need_35 "QUIC"

# start_quic NAME ARGS...: our QUIC server on a fresh UDP port (PORT), ready when it says ACCEPT.
start_quic() {
    local name=$1; shift
    PORT=$(free_port) || return 1
    start_bg "$name" "${SERVER[@]}" -quic -accept "127.0.0.1:$PORT" "${ec_id[@]}" "$@"
    wait_file_like "$TMP/$name.out" '^ACCEPT$' 10 ||
        { diag_file "$TMP/$name.err" "$name stderr"; return 1; }
}

# openssl s_client -quic -> our server -rev: the line comes back reversed.
start_quic srv -alpn tq -rev || fail "our s_server -quic -rev starts"
start_bg cli openssl s_client -quic -alpn tq -connect "127.0.0.1:$PORT" -CAfile "$CERTS/ca.pem"
send_line cli "hello quic"
wait_file_like "$TMP/cli.out" '^ciuq olleh$' 10
ok $? "openssl s_client -quic: our -rev server answers over the QUIC stream" ||
    { diag_file "$TMP/cli.out" "openssl stdout"; diag_file "$TMP/cli.err" "openssl stderr"; }
file_like "$TMP/cli.out" '^Protocol: QUICv1$' "openssl s_client says Protocol: QUICv1"
file_like "$TMP/cli.out" '^ *Verify return code: 0 \(ok\)' "openssl s_client verifies our server"
wait_file_like "$TMP/srv.out" '^ALPN (is |protocols selected: )tq$' 5
ok $? "our server's report: the ALPN protocol tq" || diag_file "$TMP/srv.out" "server stdout"
file_like "$TMP/srv.out" '^CIPHER is TLS_' "our server's report: a TLS 1.3 cipher"
close_stdin cli
wait_exit cli 10
stop_bg srv

# Our client and our server, interactive both ways.
start_quic srv -alpn tq || fail "our s_server -quic starts"
start_bg cli "${CLIENT[@]}" -quic -alpn tq -connect "127.0.0.1:$PORT" -CAfile "$CERTS/ca.pem"
send_line cli "from our client"
wait_file_like "$TMP/srv.out" '^from our client$' 10
ok $? "our s_client -quic -> our s_server -quic" ||
    { diag_file "$TMP/cli.err" "client stderr"; diag_file "$TMP/srv.err" "server stderr"; }
send_line srv "from our server"
wait_file_like "$TMP/cli.out" '^from our server$' 10
ok $? "our s_server -quic -> our s_client -quic" || diag_file "$TMP/cli.out" "client stdout"
close_stdin cli
wait_exit cli 10
is "$WAIT_STATUS" 0 "our client: exit status 0 after stdin's end" ||
    diag_file "$TMP/cli.err" "client stderr"
file_like "$TMP/cli.out" '^CONNECTED\(' "our client: CONNECTED( line"
file_like "$TMP/cli.out" '^New, TLSv1.3, Cipher is TLS_' "our client: TLSv1.3 report"
file_like "$TMP/cli.out" '^ALPN protocol: tq$' "our client: ALPN protocol: tq"
file_like "$TMP/cli.out" '^ *Verify return code: 0 \(ok\)' "our client: verified"
stop_bg srv

# What -quic refuses, as openssl does: no -alpn; and on the server, the HTTP modes.
out=$(with_timeout 5 "${CLIENT[@]}" -quic -connect 127.0.0.1:1 </dev/null 2>&1)
is "$?" 1 "s_client -quic without -alpn: exit status 1"
like "$out" 'QUIC requires ALPN' "s_client -quic without -alpn: says ALPN is required"
PORT=$(free_port)
out=$(with_timeout 5 "${SERVER[@]}" -quic -accept "127.0.0.1:$PORT" "${ec_id[@]}" </dev/null 2>&1)
is "$?" 1 "s_server -quic without -alpn: exit status 1"
like "$out" 'QUIC requires ALPN' "s_server -quic without -alpn: says ALPN is required"
out=$(with_timeout 5 "${SERVER[@]}" -quic -www -alpn h3 -accept "127.0.0.1:$PORT" "${ec_id[@]}" \
    </dev/null 2>&1)
is "$?" 1 "s_server -quic -www: exit status 1"
like "$out" 'interactive and -rev modes only' "s_server -quic -www: says which modes it serves"
done_testing

#!/usr/bin/env bash
# Client certificate authentication, both directions, TLS 1.2 and 1.3:
#   our s_server -Verify 1 -CAfile ca.pem  <-  openssl s_client [-cert -key]
#   openssl s_server -Verify 1 -CAfile ca.pem  <-  our s_client [-cert -key]
# With the client certificate the connection carries data and the server names
# the client; without it the handshake fails and no data gets through.
source "$(dirname "$0")/../lib.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"

client_cert=(-cert "$CERTS/client.pem" -key "$CERTS/client.key")

# run_case TAG SERVER_CMD CLIENT_CMD WITH_CERT(yes|no) VER
# SERVER_CMD and CLIENT_CMD are names of arrays holding the base commands.
run_case() {
    local tag=$1 ver=$5 with=$4 port
    local -n srv_cmd=$2 cli_cmd=$3
    local cargs=()
    [[ $with == yes ]] && cargs=("${client_cert[@]}")
    port=$(free_port) || { fail "$tag: no free port"; return; }
    if ! start_server srv "$port" "${srv_cmd[@]}" -accept "127.0.0.1:$port" \
            -cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key" -Verify 1 -CAfile "$CERTS/ca.pem"; then
        fail "$tag: server starts"; return
    fi
    start_bg cli "${cli_cmd[@]}" -connect "127.0.0.1:$port" -CAfile "$CERTS/ca.pem" \
        "-$ver" "${cargs[@]}"
    send_line cli "ping-$tag"
    if [[ $with == yes ]]; then
        wait_file_like "$TMP/srv.out" "ping-$tag" 10
        ok $? "$tag: with a client certificate, data reaches the server" ||
            { diag_file "$TMP/srv.err" "server stderr"; diag_file "$TMP/cli.err" "client stderr"; }
        wait_file_like "$TMP/srv.out" 'CN ?= ?s_tests client' 3
        ok $? "$tag: server shows the client certificate subject" || diag_file "$TMP/srv.out"
        close_stdin cli
        wait_exit cli 5
        is "$WAIT_STATUS" 0 "$tag: client exit status 0"
    else
        # The server rejects the handshake; in TLS 1.3 the client learns it
        # from an alert after it thinks it is done, so it must read it and quit.
        wait_exit cli 10
        ok $? "$tag: without a client certificate, the client quits by itself"
        isnt "${WAIT_STATUS:-0}" 0 "$tag: client exit status non-zero (got ${WAIT_STATUS:-none})"
        file_unlike "$TMP/srv.out" "ping-$tag" "$tag: no data got through"
        wait_file_like "$TMP/srv.err" '[Cc]ertificate' 3 || wait_file_like "$TMP/srv.out" '[Cc]ertificate' 1
        ok $? "$tag: server reports the missing certificate" ||
            { diag_file "$TMP/srv.err" "server stderr"; diag_file "$TMP/srv.out" "server stdout"; }
        # A bad client is not fatal: the server keeps accepting.
        ok "$(is_running srv; echo $?)" "$tag: server still running after the failed handshake"
    fi
    stop_bg cli
    stop_bg srv
    rm -f "$TMP"/cli.* "$TMP"/srv.*
}

ours_server=("${SERVER[@]}")
ours_client=("${CLIENT[@]}")
ref_server=(openssl s_server)
ref_client=(openssl s_client)

for ver in tls1_2 tls1_3; do
    run_case "our server $ver, cert"    ours_server ref_client yes "$ver"
    run_case "our server $ver, no cert" ours_server ref_client no  "$ver"
    run_case "our client $ver, cert"    ref_server ours_client yes "$ver"
    run_case "our client $ver, no cert" ref_server ours_client no  "$ver"
done
done_testing

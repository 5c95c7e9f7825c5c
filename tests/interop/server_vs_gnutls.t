#!/usr/bin/env bash
# Our s_server (interactive mode) against GnuTLS's gnutls-cli, TLS 1.2 and 1.3,
# RSA-2048 and ECDSA P-256: an independent TLS stack verifies our certificate
# chain, agrees on the version, and a line crosses in each direction.
source "$(dirname "$0")/../lib.sh"
command -v gnutls-cli >/dev/null || skip_all "gnutls-cli not installed (scripts/install-deps.sh)"

# One connection: $1 = tls1_2|tls1_3, $2 = rsa|ec.
check_pair() {
    local ver=$1 key=$2 port tag="$1 $2" gver
    gver=TLS${ver#tls}; gver=${gver/_/.}          # tls1_2 -> TLS1.2
    port=$(free_port) || { fail "$tag: no free port"; return; }
    if ! start_server srv "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" \
            -cert "$CERTS/$key.pem" -key "$CERTS/$key.key"; then
        fail "$tag: server starts"; return
    fi
    start_bg cli gnutls-cli --x509cafile "$CERTS/ca.pem" \
        --priority "NORMAL:-VERS-ALL:+VERS-$gver" -p "$port" 127.0.0.1
    if ! wait_file_like "$TMP/cli.out" '^- Handshake was completed' 10; then
        fail "$tag: handshake"
        diag_file "$TMP/cli.out" "gnutls-cli stdout"; diag_file "$TMP/cli.err" "gnutls-cli stderr"
        diag_file "$TMP/srv.err" "server stderr"
        stop_bg cli; stop_bg srv; return
    fi
    pass "$tag: handshake"
    file_like "$TMP/cli.out" "^- Description: \\($gver-" "$tag: gnutls-cli negotiated $gver"
    file_like "$TMP/cli.out" '^- Status: The certificate is trusted' "$tag: gnutls-cli trusts our chain"
    if [[ $key == ec ]]; then
        file_like "$TMP/cli.out" 'EC/ECDSA key 256 bits' "$tag: ECDSA P-256 certificate"
    else
        file_like "$TMP/cli.out" 'RSA key 2048 bits' "$tag: RSA-2048 certificate"
    fi

    send_line cli "ping-from-gnutls-$ver-$key"
    wait_file_like "$TMP/srv.out" "ping-from-gnutls-$ver-$key" 5
    ok $? "$tag: client -> server data on server stdout" || diag_file "$TMP/srv.out"
    send_line srv "pong-from-server-$ver-$key"
    wait_file_like "$TMP/cli.out" "pong-from-server-$ver-$key" 5
    ok $? "$tag: server stdin -> client data" || diag_file "$TMP/cli.out"

    close_stdin cli
    wait_exit cli 5 || stop_bg cli
    stop_bg srv
    rm -f "$TMP"/cli.* "$TMP"/srv.*
}

for ver in tls1_2 tls1_3; do
    for key in rsa ec; do
        check_pair "$ver" "$key"
    done
done
done_testing

#!/usr/bin/env bash
# Our s_server (interactive mode) against OpenSSL's s_client, TLS 1.2 and 1.3,
# RSA-2048 and ECDSA P-256: the peer reports the negotiated protocol and cipher,
# the server reports the same cipher, and a line crosses in each direction.
source "$(dirname "$0")/../lib.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"

# One connection: $1 = tls1_2|tls1_3, $2 = rsa|ec.
check_pair() {
    local ver=$1 key=$2 port tag="$1 $2" proto cipher
    proto=TLSv${ver#tls}; proto=${proto/_/.}
    port=$(free_port) || { fail "$tag: no free port"; return; }
    if ! start_server srv "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" \
            -cert "$CERTS/$key.pem" -key "$CERTS/$key.key"; then
        fail "$tag: server starts"; return
    fi
    # Output may sit in stdio buffers until the peer exits, so drive the data
    # first (the line typed into the client is sent once the handshake is done),
    # then read the client's whole report after its stdin EOF.
    start_bg cli openssl s_client -connect "127.0.0.1:$port" -CAfile "$CERTS/ca.pem" "-$ver"
    send_line cli "ping-from-client-$ver-$key"
    if ! wait_file_like "$TMP/srv.out" "ping-from-client-$ver-$key" 10; then
        fail "$tag: handshake, client -> server data on server stdout"
        diag_file "$TMP/srv.out" "server stdout"; diag_file "$TMP/srv.err" "server stderr"
        diag_file "$TMP/cli.err" "peer stderr"
        stop_bg cli; stop_bg srv; return
    fi
    pass "$tag: handshake, client -> server data on server stdout"
    send_line srv "pong-from-server-$ver-$key"
    wait_file_like "$TMP/cli.out" "pong-from-server-$ver-$key" 5
    ok $? "$tag: server stdin -> client data"
    close_stdin cli
    wait_exit cli 5
    ok $? "$tag: client exits on stdin EOF"

    file_like "$TMP/cli.out" "^New, $proto, Cipher is " "$tag: peer reports $proto"
    cipher=$(sed -n "s/^New, $proto, Cipher is //p" "$TMP/cli.out" | head -n1)
    case $ver/$key in
        tls1_2/rsa) like "$cipher" '^ECDHE-RSA-' "$tag: RSA cipher suite ($cipher)" ;;
        tls1_2/ec)  like "$cipher" '^ECDHE-ECDSA-' "$tag: ECDSA cipher suite ($cipher)" ;;
        *)          like "$cipher" '^TLS_' "$tag: TLS 1.3 cipher suite ($cipher)" ;;
    esac
    file_like "$TMP/cli.out" '^ *Verify return code: 0 \(ok\)' "$tag: peer verifies our certificate"
    if [[ $key == ec ]]; then
        file_like "$TMP/cli.out" '^Server public key is 256 bit' "$tag: ECDSA P-256 key"
    else
        file_like "$TMP/cli.out" '^Server public key is 2048 bit' "$tag: RSA-2048 key"
    fi
    wait_file_like "$TMP/srv.out" "^CIPHER is ${cipher:-none}\$" 3
    ok $? "$tag: server prints the same cipher" || diag_file "$TMP/srv.out" "server stdout"
    stop_bg srv
    rm -f "$TMP"/cli.* "$TMP"/srv.*
}

for ver in tls1_2 tls1_3; do
    for key in rsa ec; do
        check_pair "$ver" "$key"
    done
done
done_testing

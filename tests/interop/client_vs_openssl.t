#!/usr/bin/env bash
# Our s_client against OpenSSL's s_server, TLS 1.2 and 1.3, RSA-2048 and ECDSA
# P-256: the connection report (CONNECTED, chain, server certificate PEM,
# negotiated version/cipher, verify result) and a line in each direction.
source "$(dirname "$0")/../lib.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"

# One connection: $1 = tls1_2|tls1_3, $2 = rsa|ec.
check_pair() {
    local ver=$1 key=$2 port tag="$1 $2" proto cipher subject bits
    proto=TLSv${ver#tls}; proto=${proto/_/.}
    port=$(free_port) || { fail "$tag: no free port"; return; }
    if ! start_server srv "$port" openssl s_server -accept "127.0.0.1:$port" \
            -cert "$CERTS/$key.pem" -key "$CERTS/$key.key" "-$ver"; then
        fail "$tag: openssl s_server starts"; return
    fi
    # Type a line at once: it is sent when the handshake is done. Read the
    # client's report only after it exits, as stdout may be buffered till then.
    start_bg cli "${CLIENT[@]}" -connect "127.0.0.1:$port" -CAfile "$CERTS/ca.pem" "-$ver"
    send_line cli "ping-from-client-$ver-$key"
    if ! wait_file_like "$TMP/srv.out" "ping-from-client-$ver-$key" 10; then
        fail "$tag: handshake, client stdin -> server"
        diag_file "$TMP/cli.out" "client stdout"; diag_file "$TMP/cli.err" "client stderr"
        diag_file "$TMP/srv.err" "openssl s_server stderr"
        stop_bg cli; stop_bg srv; return
    fi
    pass "$tag: handshake, client stdin -> server"
    send_line srv "pong-from-server-$ver-$key"
    wait_file_like "$TMP/cli.out" "pong-from-server-$ver-$key" 5
    ok $? "$tag: server -> client stdout" || diag_file "$TMP/cli.out" "client stdout"
    close_stdin cli
    wait_exit cli 5
    ok $? "$tag: client exits on stdin EOF"
    is "$WAIT_STATUS" 0 "$tag: client exit status 0" || diag_file "$TMP/cli.err" "client stderr"

    file_like "$TMP/cli.out" '^CONNECTED\(' "$tag: CONNECTED( line"
    file_like "$TMP/cli.out" '^Certificate chain$' "$tag: Certificate chain"
    file_like "$TMP/cli.out" '^ 0 s:.*CN ?= ?localhost' "$tag: chain entry 0 is the server"
    file_like "$TMP/cli.out" '^Server certificate$' "$tag: Server certificate heading"
    subject=$(openssl x509 -noout -subject < "$TMP/cli.out" 2>&1)
    like "$subject" '^subject=.*CN ?= ?localhost' "$tag: the printed PEM is the server's certificate"
    file_like "$TMP/cli.out" "^New, $proto, Cipher is " "$tag: reports $proto"
    cipher=$(sed -n "s/^New, $proto, Cipher is //p" "$TMP/cli.out" | head -n1)
    case $ver/$key in
        tls1_2/rsa) like "$cipher" '^ECDHE-RSA-' "$tag: RSA cipher suite ($cipher)" ;;
        tls1_2/ec)  like "$cipher" '^ECDHE-ECDSA-' "$tag: ECDSA cipher suite ($cipher)" ;;
        *)          like "$cipher" '^TLS_' "$tag: TLS 1.3 cipher suite ($cipher)" ;;
    esac
    bits=2048; [[ $key == ec ]] && bits=256
    file_like "$TMP/cli.out" "^Server public key is $bits bit" "$tag: server key is $bits bit"
    file_like "$TMP/cli.out" '^ *Verify return code: 0 \(ok\)' "$tag: Verify return code: 0 (ok)"
    wait_file_like "$TMP/srv.out" "^CIPHER is ${cipher:-none}\$" 3
    ok $? "$tag: openssl s_server agrees on the cipher" || diag_file "$TMP/srv.out" "server stdout"

    # The scripted use: no input at all, the PEM piped into openssl x509.
    subject=$(with_timeout 10 "${CLIENT[@]}" -connect "127.0.0.1:$port" -CAfile "$CERTS/ca.pem" \
        "-$ver" </dev/null 2>"$TMP/cli2.err" | openssl x509 -noout -subject 2>&1)
    like "$subject" '^subject=.*CN ?= ?localhost' "$tag: s_client </dev/null | openssl x509 -subject" \
        || diag_file "$TMP/cli2.err" "client stderr"

    stop_bg srv
    rm -f "$TMP"/cli* "$TMP"/srv.*
}

for ver in tls1_2 tls1_3; do
    for key in rsa ec; do
        check_pair "$ver" "$key"
    done
done
done_testing

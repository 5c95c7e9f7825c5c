#!/usr/bin/env bash
# Our s_client against GnuTLS's gnutls-serv in echo mode, TLS 1.2 and 1.3,
# RSA-2048 and ECDSA P-256: an independent TLS stack as the server; the line we
# send comes back, and the report names the version the server was limited to.
source "$(dirname "$0")/../lib.sh"
command -v gnutls-serv >/dev/null || skip_all "gnutls-serv not installed (scripts/install-deps.sh)"

# One connection: $1 = tls1_2|tls1_3, $2 = rsa|ec.
check_pair() {
    local ver=$1 key=$2 port tag="$1 $2" proto gver cipher subject
    proto=TLSv${ver#tls}; proto=${proto/_/.}          # TLSv1.2
    gver=TLS${proto#TLSv}                             # TLS1.2
    port=$(free_port) || { fail "$tag: no free port"; return; }
    # gnutls-serv has no bind address option; it listens on the wildcard, but
    # only this loopback client ever connects to it.
    if ! start_server srv "$port" gnutls-serv --echo --x509certfile "$CERTS/$key.pem" \
            --x509keyfile "$CERTS/$key.key" --priority "NORMAL:-VERS-ALL:+VERS-$gver" -p "$port"; then
        fail "$tag: gnutls-serv starts"; return
    fi
    start_bg cli "${CLIENT[@]}" -connect "127.0.0.1:$port" -CAfile "$CERTS/ca.pem"
    send_line cli "echo-me-$ver-$key"
    if ! wait_file_like "$TMP/cli.out" "^echo-me-$ver-$key" 10; then
        fail "$tag: handshake, line sent and echoed back"
        diag_file "$TMP/cli.out" "client stdout"; diag_file "$TMP/cli.err" "client stderr"
        diag_file "$TMP/srv.out" "gnutls-serv stdout"; diag_file "$TMP/srv.err" "gnutls-serv stderr"
        stop_bg cli; stop_bg srv; return
    fi
    pass "$tag: handshake, line sent and echoed back"
    close_stdin cli
    wait_exit cli 5
    ok $? "$tag: client exits on stdin EOF"

    file_like "$TMP/cli.out" '^CONNECTED\(' "$tag: CONNECTED( line"
    file_like "$TMP/cli.out" "^New, $proto, Cipher is " "$tag: reports $proto"
    cipher=$(sed -n "s/^New, $proto, Cipher is //p" "$TMP/cli.out" | head -n1)
    case $ver/$key in
        tls1_2/rsa) like "$cipher" '^ECDHE-RSA-' "$tag: RSA cipher suite ($cipher)" ;;
        tls1_2/ec)  like "$cipher" '^ECDHE-ECDSA-' "$tag: ECDSA cipher suite ($cipher)" ;;
        *)          like "$cipher" '^TLS_' "$tag: TLS 1.3 cipher suite ($cipher)" ;;
    esac
    subject=$(openssl x509 -noout -subject < "$TMP/cli.out" 2>&1)
    like "$subject" '^subject=.*CN ?= ?localhost' "$tag: server certificate PEM printed"
    file_like "$TMP/cli.out" '^ *Verify return code: 0 \(ok\)' "$tag: Verify return code: 0 (ok)"
    stop_bg srv
    rm -f "$TMP"/cli.* "$TMP"/srv.*
}

for ver in tls1_2 tls1_3; do
    for key in rsa ec; do
        check_pair "$ver" "$key"
    done
done
done_testing

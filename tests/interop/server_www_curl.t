#!/usr/bin/env bash
# Our s_server -www fetched with curl, TLS 1.2 and 1.3, RSA-2048 and ECDSA P-256:
# curl verifies the chain against our CA and gets the status page, which names
# the ciphers the server supports and the one negotiated.
source "$(dirname "$0")/../lib.sh"
command -v curl >/dev/null || skip_all "curl not installed (scripts/install-deps.sh)"

# One fetch: $1 = tls1_2|tls1_3, $2 = rsa|ec.
check_pair() {
    local ver=$1 key=$2 port tag="$1 $2" proto code cipher
    proto=TLSv${ver#tls}; proto=${proto/_/.}            # tls1_2 -> TLSv1.2
    port=$(free_port) || { fail "$tag: no free port"; return; }
    if ! start_server srv "$port" "${SERVER[@]}" -www -accept "127.0.0.1:$port" \
            -cert "$CERTS/$key.pem" -key "$CERTS/$key.key"; then
        fail "$tag: server starts"; return
    fi
    code=$(with_timeout 10 curl -sS -v --cacert "$CERTS/ca.pem" \
        "--tlsv${proto#TLSv}" --tls-max "${proto#TLSv}" \
        -o "$TMP/page.html" -w '%{http_code}' "https://127.0.0.1:$port/" 2>"$TMP/curl.err")
    is "$?" 0 "$tag: curl verifies the chain and fetches the page" || diag_file "$TMP/curl.err"
    is "$code" 200 "$tag: HTTP status 200"
    file_like "$TMP/curl.err" "SSL connection using $proto / " "$tag: curl negotiated $proto"
    cipher=$(sed -n "s/.*SSL connection using $proto \\/ //p" "$TMP/curl.err" | head -n1)
    case $ver/$key in
        tls1_2/rsa) like "$cipher" '^ECDHE-RSA-' "$tag: RSA cipher suite ($cipher)" ;;
        tls1_2/ec)  like "$cipher" '^ECDHE-ECDSA-' "$tag: ECDSA cipher suite ($cipher)" ;;
        *)          like "$cipher" '^TLS_' "$tag: TLS 1.3 cipher suite ($cipher)" ;;
    esac
    file_like "$TMP/page.html" 'Ciphers supported in s_server binary' "$tag: page lists the supported ciphers"
    file_like "$TMP/page.html" "New, $proto, Cipher is ${cipher:-none}" "$tag: page shows the negotiated cipher"
    stop_bg srv
    rm -f "$TMP"/srv.* "$TMP/page.html" "$TMP/curl.err"
}

for ver in tls1_2 tls1_3; do
    for key in rsa ec; do
        check_pair "$ver" "$key"
    done
done
done_testing

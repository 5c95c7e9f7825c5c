#!/usr/bin/env bash
# s_server's ClientHello analysis against fingerprints computed independently: each client
# (openssl s_client, gnutls-cli, curl) first says hello to tests/chello/ja.py, which records
# the raw ClientHello and computes JA3 and JA4 itself; then the same client, with the same
# arguments, says hello to our s_server, whose -json, verbose, -brief and -www outputs must
# carry the same fingerprints. The same over DTLS (openssl s_client -dtls, gnutls-cli --udp),
# with and without -listen.
source "$(dirname "$0")/../lib.sh"
source "$TESTS_DIR/json/helpers.sh"

server_is_openssl && skip_all "the ClientHello analysis is ours"
command -v python3 >/dev/null || skip_all "python3 is missing"

# hello_cmd NAME PORT: the client command, as an array in CMD. A name d_CLIENT is the client
# over DTLS.
hello_cmd() {
    case $1 in
        openssl) CMD=(openssl s_client -connect "localhost:$2" -servername localhost
                      -alpn "h2,http/1.1") ;;
        gnutls) CMD=(gnutls-cli --insecure -p "$2" localhost) ;;
        curl) CMD=(curl -sk --max-time 5 "https://localhost:$2/" -o /dev/null) ;;
        d_openssl) CMD=(openssl s_client -dtls -connect "127.0.0.1:$2" -servername localhost) ;;
        d_gnutls) CMD=(gnutls-cli --udp --insecure -p "$2" 127.0.0.1) ;;
    esac
}

# expect NAME: the independent fingerprints of NAME's hello into $TMP/NAME.want: the client
# says hello to ja.py (over UDP for d_ names, whose client waits for an answer till killed).
expect() {
    local name=$1 port listen=listen print=print secs=10
    [[ $name == d_* ]] && { listen=listen-udp; print=print-dtls; secs=3; }
    port=$(free_port) || bail_out "no free port"
    start_bg "ja_$name" python3 "$TESTS_DIR/chello/ja.py" "$listen" "$port" "$TMP/$name.hello"
    wait_file_like "$TMP/ja_$name.out" READY 10 || { diag_file "$TMP/ja_$name.err"; return 1; }
    hello_cmd "$name" "$port"
    with_timeout "$secs" "${CMD[@]}" < /dev/null > /dev/null 2>&1
    wait_exit "ja_$name" 10
    python3 "$TESTS_DIR/chello/ja.py" "$print" "$TMP/$name.hello" > "$TMP/$name.want"
}

# server_line SERVER NAME PORT LINE: the client NAME says hello to the server's PORT; the
# server's JSON line on it into $TMP/LINE.json.
server_line() {
    local srv=$1 port=$3 line=$4 before i
    before=$(wc -l < "$TMP/$srv.out")
    hello_cmd "$2" "$port"
    with_timeout 10 "${CMD[@]}" < /dev/null > /dev/null 2>&1
    for ((i = 0; i < 50; i++)); do
        (( $(wc -l < "$TMP/$srv.out") > before )) && break
        sleep 0.1
    done
    tail -n +$((before + 1)) "$TMP/$srv.out" | head -n 1 > "$TMP/$line.json"
}

want() { sed -n "s/^$2: //p" "$TMP/$1.want"; }

sport=$(free_port) || bail_out "no free port"
start_server jsrv "$sport" "${SERVER[@]}" -accept "127.0.0.1:$sport" -cert "$CERTS/rsa.pem" \
    -key "$CERTS/rsa.key" -www -json || bail_out "s_server -json -www did not start"

for name in openssl gnutls curl; do
    if [[ $name == gnutls ]] && ! command -v gnutls-cli >/dev/null; then skip 6 "no gnutls-cli"; continue; fi
    if ! expect "$name" || [[ ! -s $TMP/$name.want ]]; then
        fail "$name: ja.py recorded a hello"; skip 5 "no independent fingerprint"; continue
    fi
    pass "$name: ja.py recorded a hello and fingerprinted it"
    server_line jsrv "$name" "$sport" "$name"
    schema_ok "$TMP/$name.json" "$name: s_server's line is valid against the schema"
    jq_is "$TMP/$name.json" .client_hello.ja4 "$(want "$name" JA4)" "$name: JA4 agrees"
    jq_is "$TMP/$name.json" .client_hello.ja4_r "$(want "$name" JA4_r)" "$name: JA4_r agrees"
    jq_is "$TMP/$name.json" .client_hello.ja3 "$(want "$name" JA3)" "$name: JA3 string agrees"
    jq_is "$TMP/$name.json" .client_hello.ja3_hash "$(want "$name" 'JA3 hash')" \
        "$name: JA3 hash agrees"
done
stop_bg jsrv

# GREASE and names in the JSON: curl's suites are all known to the library
jq_is "$TMP/curl.json" '[.client_hello.cipher_suites[] | select(.name == null)] | length' 0 \
    "curl: every offered suite named"
jq_is "$TMP/openssl.json" '.client_hello.alpn | join(",")' "h2,http/1.1" "openssl: ALPN offer"

# the verbose report, -brief and the -www page carry it too (openssl's hello)
vport=$(free_port) || bail_out "no free port"
start_server vsrv "$vport" "${SERVER[@]}" -accept "127.0.0.1:$vport" -cert "$CERTS/rsa.pem" \
    -key "$CERTS/rsa.key" || bail_out "s_server did not start"
hello_cmd openssl "$vport"
echo hello | with_timeout 10 "${CMD[@]}" > /dev/null 2>&1
wait_file_like "$TMP/vsrv.out" '^JA4_r: ' 5
file_like "$TMP/vsrv.out" "^JA4: $(want openssl JA4)\$" "verbose report: JA4"
file_like "$TMP/vsrv.out" "^JA3 hash: $(want openssl 'JA3 hash')\$" "verbose report: JA3 hash"
file_like "$TMP/vsrv.out" '^    Cipher suites \([0-9]+\):$' "verbose report: the offered suites"
file_like "$TMP/vsrv.out" '^        0x1302 TLS_AES_256_GCM_SHA384$' "verbose report: a suite by name"
file_like "$TMP/vsrv.out" '^    Server name: localhost$' "verbose report: SNI"
stop_bg vsrv

# DTLS: openssl s_client -dtls and gnutls-cli --udp say hello to ja.py over UDP, then to our
# s_server -dtls -json, without and with -listen's cookie exchange (the hello reported is then
# the one the handshake went on with: it carries the cookie)

# wait_udp PORT NAME: until a UDP socket is bound to PORT (-json prints no ACCEPT line), or
# the background process NAME has exited.
wait_udp() {
    local i
    for ((i = 0; i < 100; i++)); do
        [[ -n $(ss -Huan "( sport = :$1 )" 2>/dev/null) ]] && return 0
        is_running "$2" || return 1
        sleep 0.05
    done
    return 1
}

for listen in "" -listen; do
    dport=$(free_port) || bail_out "no free port"
    start_bg "dsrv$listen" "${SERVER[@]}" -dtls $listen -accept "127.0.0.1:$dport" \
        -cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key" -json
    if ! wait_udp "$dport" "dsrv$listen"; then
        diag_file "$TMP/dsrv$listen.err"; bail_out "s_server -dtls $listen -json did not start"
    fi
    for name in d_openssl d_gnutls; do
        what="DTLS${listen:+ $listen} ${name#d_}"
        if [[ $name == d_gnutls ]] && ! command -v gnutls-cli >/dev/null; then skip 5 "no gnutls-cli"; continue; fi
        if [[ ! -s $TMP/$name.want ]] && { ! expect "$name" || [[ ! -s $TMP/$name.want ]]; }; then
            fail "$what: ja.py recorded a hello"; skip 4 "no independent fingerprint"; continue
        fi
        pass "$what: ja.py recorded a hello and fingerprinted it"
        line="$name$listen"
        server_line "dsrv$listen" "$name" "$dport" "$line"
        schema_ok "$TMP/$line.json" "$what: s_server's line is valid against the schema"
        jq_is "$TMP/$line.json" .client_hello.ja4 "$(want "$name" JA4)" "$what: JA4 agrees"
        jq_is "$TMP/$line.json" .client_hello.ja3_hash "$(want "$name" 'JA3 hash')" \
            "$what: JA3 hash agrees"
        if [[ -n $listen ]]; then
            jq_is "$TMP/$line.json" '.client_hello.cookie_length > 0' true \
                "$what: the hello reported is the one with the cookie"
        else
            jq_is "$TMP/$line.json" '.client_hello.cookie_length' 0 \
                "$what: no cookie exchange, no cookie"
        fi
    done
    stop_bg "dsrv$listen"
done

bport=$(free_port) || bail_out "no free port"
start_server bsrv "$bport" "${SERVER[@]}" -accept "127.0.0.1:$bport" -cert "$CERTS/rsa.pem" \
    -key "$CERTS/rsa.key" -brief || bail_out "s_server -brief did not start"
hello_cmd openssl "$bport"
echo hello | with_timeout 10 "${CMD[@]}" > /dev/null 2>&1
wait_file_like "$TMP/bsrv.err" '^Client Hello JA4: ' 5
file_like "$TMP/bsrv.err" "^Client Hello JA4: $(want openssl JA4)\$" "-brief: one JA4 line"
stop_bg bsrv

wport=$(free_port) || bail_out "no free port"
start_server wsrv "$wport" "${SERVER[@]}" -accept "127.0.0.1:$wport" -cert "$CERTS/rsa.pem" \
    -key "$CERTS/rsa.key" -www || bail_out "s_server -www did not start"
printf 'GET / HTTP/1.0\r\n\r\n' | with_timeout 10 openssl s_client -quiet -ign_eof \
    -connect "127.0.0.1:$wport" -alpn '<b>&x,h2' > "$TMP/page.html" 2> /dev/null
file_like "$TMP/page.html" '^JA4: t13i' "-www page: JA4"
file_like "$TMP/page.html" 'ALPN: &lt;b&gt;&amp;x, h2' "-www page: the client's ALPN escaped"
file_unlike "$TMP/page.html" '<b>&x' "-www page: nothing of the client's unescaped"
stop_bg wsrv
done_testing

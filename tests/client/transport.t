#!/usr/bin/env bash
# Transports: -proxy (HTTP CONNECT through a small proxy, with and without credentials,
# IPv6 target bracketed), -4/-6 without fallback, -unix, DTLS, a refused connection,
# and the report piped into openssl x509.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib_client.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"
command -v python3 >/dev/null || skip_all "python3 not installed"
PROXY=$(dirname "$0")/connect_proxy.py

port=$(free_port) || bail_out "no free port"
ref_server srv "$port" || bail_out "openssl s_server does not start"

# the report's PEM is what openssl x509 reads from a pipe
subject=$(with_timeout 10 "${CLIENT[@]}" -connect "127.0.0.1:$port" < /dev/null 2>/dev/null |
          openssl x509 -noout -subject)
# (openssl 3.5 prints names without the blanks around '=')
like "$subject" "^subject=O ?= ?s_tests, CN ?= ?localhost\$" "s_client | openssl x509 -noout -subject"

# -proxy without credentials
pport=$(free_port) || bail_out "no free port"
start_bg proxy python3 "$PROXY" 127.0.0.1 "$pport" "$TMP/proxy.log"
wait_port "$pport" 10 proxy || bail_out "proxy does not start"
with_timeout 10 "${CLIENT[@]}" -connect "127.0.0.1:$port" -proxy "127.0.0.1:$pport" \
    < /dev/null > "$TMP/p1.out" 2> "$TMP/p1.err"
is "$?" 0 "-proxy: exit status"
file_like "$TMP/p1.out" '^New, TLSv1\.3, Cipher is ' "-proxy: handshake through the tunnel"
file_like "$TMP/proxy.log" "^REQUEST CONNECT 127\.0\.0\.1:$port HTTP/1\.0$" \
    "-proxy: CONNECT names the target"
side_by_side proxied -connect "127.0.0.1:$port" -proxy "127.0.0.1:$pport" -tls1_2
same_output proxied out "-proxy: same report as openssl's (byte counts included)"
# -bind: the connection (here, to the proxy) leaves from the address asked for
with_timeout 10 "${CLIENT[@]}" -connect "127.0.0.1:$port" -proxy "127.0.0.1:$pport" \
    -bind 127.0.0.2:0 < /dev/null > "$TMP/b.out" 2>&1
file_like "$TMP/b.out" '^New, TLSv1\.3' "-bind 127.0.0.2: handshake"
file_like "$TMP/proxy.log" '^FROM 127\.0\.0\.2$' "-bind 127.0.0.2: the connection comes from it"
stop_bg proxy

# -proxy with Basic credentials
pport=$(free_port) || bail_out "no free port"
start_bg aproxy python3 "$PROXY" 127.0.0.1 "$pport" "$TMP/aproxy.log" "bob:s3cret"
wait_port "$pport" 10 aproxy || bail_out "proxy does not start"
with_timeout 10 "${CLIENT[@]}" -connect "127.0.0.1:$port" -proxy "127.0.0.1:$pport" \
    -proxy_user bob -proxy_pass pass:s3cret < /dev/null > "$TMP/p2.out" 2> "$TMP/p2.err"
is "$?" 0 "-proxy_user/-proxy_pass: exit status"
file_like "$TMP/aproxy.log" '^AUTH accepted$' "-proxy_user/-proxy_pass: credentials accepted"
with_timeout 10 "${CLIENT[@]}" -connect "127.0.0.1:$port" -proxy "127.0.0.1:$pport" \
    -proxy_user bob -proxy_pass pass:wrong < /dev/null > "$TMP/p3.out" 2> "$TMP/p3.err"
is "$?" 1 "-proxy: refused credentials give exit 1"
file_like "$TMP/p3.err" '407' "-proxy: the refusal is reported"
stop_bg aproxy

# IPv6: -6 reaches [::1]; the proxy is asked for the bracketed literal; -4 does not fall back
if has_ipv6_loopback; then
    port6=$(free_port) || bail_out "no free port"
    start_bg srv6 openssl s_server -accept "[::1]:$port6" -6 -cert "$CERTS/rsa.pem" \
        -key "$CERTS/rsa.key"
    wait_port "$port6" 10 srv6 || fail "openssl s_server on ::1 starts"
    with_timeout 10 "${CLIENT[@]}" -6 -connect "[::1]:$port6" < /dev/null > "$TMP/v6.out" 2>&1
    file_like "$TMP/v6.out" '^New, TLSv1\.3' "-6: connects to [::1]"
    with_timeout 10 "${CLIENT[@]}" -4 -connect "[::1]:$port6" < /dev/null > "$TMP/v4.out" \
        2> "$TMP/v4.err"
    is "$?" 1 "-4 with an IPv6 target: exit 1, no fallback"
    file_unlike "$TMP/v4.out" '^New, ' "-4 with an IPv6 target: no handshake"
    pport=$(free_port) || bail_out "no free port"
    start_bg proxy6 python3 "$PROXY" ::1 "$pport" "$TMP/proxy6.log"
    wait_port "$pport" 10 proxy6 || fail "IPv6 proxy starts"
    with_timeout 10 "${CLIENT[@]}" -connect "[::1]:$port6" -proxy "[::1]:$pport" \
        < /dev/null > "$TMP/p6.out" 2>&1
    file_like "$TMP/p6.out" '^New, TLSv1\.3' "-proxy over IPv6: handshake"
    client_is_openssl && TODO="openssl 3.0 sends the IPv6 literal unbracketed"
    file_like "$TMP/proxy6.log" "^REQUEST CONNECT \[::1\]:$port6 HTTP/1\.0$" \
        "-proxy: IPv6 target in brackets"
    TODO=
    stop_bg proxy6
    stop_bg srv6
else
    skip 5 "no IPv6 loopback"
fi
with_timeout 10 "${CLIENT[@]}" -6 -connect "127.0.0.1:$port" < /dev/null > "$TMP/n6.out" \
    2> "$TMP/n6.err"
is "$?" 1 "-6 with an IPv4 target: exit 1, no fallback"
with_timeout 10 "${CLIENT[@]}" -4 -connect "127.0.0.1:$port" < /dev/null > "$TMP/n4.out" 2>&1
file_like "$TMP/n4.out" '^New, ' "-4 with an IPv4 target: connects"
stop_bg srv

# -unix
sock=$TMP/tls.sock
start_bg usrv openssl s_server -unix "$sock" -cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key"
for ((i = 0; i < 100; i++)); do [[ -S $sock ]] && break; sleep 0.05; done
with_timeout 10 "${CLIENT[@]}" -unix "$sock" < /dev/null > "$TMP/u.out" 2> "$TMP/u.err"
is "$?" 0 "-unix: exit status"
file_like "$TMP/u.out" '^New, TLSv1\.3, Cipher is ' "-unix: handshake over the socket"
file_unlike "$TMP/u.out" 'ALPN protocol' "-unix: no ALPN by default"
stop_bg usrv

# DTLS against openssl s_server -dtls (UDP: wait for its ACCEPT)
dport=$(free_port) || bail_out "no free port"
start_bg dsrv openssl s_server -dtls -accept "127.0.0.1:$dport" -cert "$CERTS/rsa.pem" \
    -key "$CERTS/rsa.key"
wait_file_like "$TMP/dsrv.out" '^ACCEPT' 10
(sleep 0.5; echo "over-dtls-$$"; sleep 0.5) |
    with_timeout 10 "${CLIENT[@]}" -dtls -connect "127.0.0.1:$dport" -mtu 1400 > "$TMP/d.out" 2>&1
file_like "$TMP/d.out" '^New, TLSv1\.2, Cipher is ' "-dtls: handshake (DTLS 1.2)"
wait_file_like "$TMP/dsrv.out" "over-dtls-$$" 5
ok $? "-dtls: data reaches the server" || diag_file "$TMP/dsrv.out"
side_by_side dtls -dtls -connect "127.0.0.1:$dport" -msg
same_output dtls out "-dtls -msg: same report and trace as openssl's"
side_by_side dtlsdbg -dtls1_2 -connect "127.0.0.1:$dport" -debug -state
same_output dtlsdbg out "-dtls1_2 -debug: same dump as openssl's"
same_output dtlsdbg err "-dtls1_2 -state: same states as openssl's"
stop_bg dsrv

# a refused connection: one line, exit 1
cport=$(free_port) || bail_out "no free port"
with_timeout 10 "${CLIENT[@]}" -connect "127.0.0.1:$cport" < /dev/null > "$TMP/c.out" 2> "$TMP/c.err"
is "$?" 1 "refused connection: exit 1"
client_is_openssl && TODO="openssl prints its error queue"
is "$(cat "$TMP/c.err")" "s_client: cannot connect to 127.0.0.1:$cport: Connection refused" \
    "refused connection: one line"
TODO=
done_testing

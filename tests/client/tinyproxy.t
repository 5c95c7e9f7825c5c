#!/usr/bin/env bash
# -proxy through a real HTTP proxy from Debian (tinyproxy), with Basic authentication:
# the right credentials tunnel to the server, wrong or missing ones are refused (exit 1).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib_client.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"
command -v tinyproxy >/dev/null || skip_all "tinyproxy not installed (Debian package tinyproxy)"

port=$(free_port) || bail_out "no free port"
ref_server srv "$port" || bail_out "openssl s_server does not start"
pport=$(free_port) || bail_out "no free port"
cat > "$TMP/tinyproxy.conf" <<EOF
Port $pport
Listen 127.0.0.1
Timeout 30
LogLevel Connect
MaxClients 10
ConnectPort $port
BasicAuth tester s3cret-pw
EOF
start_server tp "$pport" tinyproxy -d -c "$TMP/tinyproxy.conf" || bail_out "tinyproxy does not start"
t=(-connect "127.0.0.1:$port" -proxy "127.0.0.1:$pport")

with_timeout 10 "${CLIENT[@]}" "${t[@]}" -proxy_user tester -proxy_pass pass:s3cret-pw \
    < /dev/null > "$TMP/ok.out" 2> "$TMP/ok.err"
is "$?" 0 "tinyproxy, right credentials: exit 0"
file_like "$TMP/ok.out" '^New, TLSv1\.3, Cipher is ' "tinyproxy: handshake through the tunnel"
file_like "$TMP/ok.out" '^subject=O ?= ?s_tests, CN ?= ?localhost$' "tinyproxy: the server's certificate"
wait_file_like "$TMP/tp.out" "CONNECT 127\.0\.0\.1:$port HTTP/1\.0" 5
ok $? "tinyproxy: logged our CONNECT" || diag_file "$TMP/tp.out"

echo 's3cret-pw' > "$TMP/proxy.pass"
with_timeout 10 "${CLIENT[@]}" "${t[@]}" -proxy_user tester -proxy_pass "file:$TMP/proxy.pass" \
    < /dev/null > "$TMP/file.out" 2>&1
file_like "$TMP/file.out" '^New, TLSv1\.3' "tinyproxy: -proxy_pass file: works too"

with_timeout 10 "${CLIENT[@]}" "${t[@]}" -proxy_user tester -proxy_pass pass:wrong \
    < /dev/null > "$TMP/bad.out" 2> "$TMP/bad.err"
is "$?" 1 "tinyproxy, wrong password: exit 1"
file_like "$TMP/bad.err" '40[17]' "tinyproxy, wrong password: the refusal is shown"
file_unlike "$TMP/bad.out" '^New, TLS' "tinyproxy, wrong password: no handshake"

with_timeout 10 "${CLIENT[@]}" "${t[@]}" < /dev/null > "$TMP/none.out" 2> "$TMP/none.err"
is "$?" 1 "tinyproxy, no credentials: exit 1"
file_like "$TMP/none.err" '407' "tinyproxy, no credentials: 407 shown"
stop_bg tp
stop_bg srv
done_testing

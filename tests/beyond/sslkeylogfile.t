#!/usr/bin/env bash
# SSLKEYLOGFILE: both programs append their key log there when -keylogfile is not given (as
# GnuTLS and BoringSSL tools do), and -keylogfile wins over it. The lines must be the ones
# openssl writes for the same connection's other side (same client random, same secrets).
source "$(dirname "$0")/../lib.sh"

client_is_openssl && server_is_openssl && skip_all "SSLKEYLOGFILE is ours"

port=$(free_port) || bail_out "no free port"
start_server srv "$port" openssl s_server -accept "127.0.0.1:$port" -cert "$CERTS/rsa.pem" \
    -key "$CERTS/rsa.key" -www -keylogfile "$TMP/ref.log" || bail_out "openssl s_server did not start"

SSLKEYLOGFILE=$TMP/env.log with_timeout 10 "${CLIENT[@]}" -connect "127.0.0.1:$port" \
    < /dev/null > /dev/null 2>&1
is "$?" 0 "s_client with SSLKEYLOGFILE: exit 0"
file_like "$TMP/env.log" '^CLIENT_TRAFFIC_SECRET_0 [0-9a-f]{64} [0-9a-f]+$' \
    "s_client: SSLKEYLOGFILE gets the TLS 1.3 secrets"
secret=$(awk '$1 == "CLIENT_TRAFFIC_SECRET_0" {print $2 " " $3}' "$TMP/env.log" | tail -n 1)
grep -q "CLIENT_TRAFFIC_SECRET_0 $secret" "$TMP/ref.log"
ok $? "s_client: the same secret openssl s_server logged"

SSLKEYLOGFILE=$TMP/env2.log with_timeout 10 "${CLIENT[@]}" -connect "127.0.0.1:$port" \
    -keylogfile "$TMP/opt.log" < /dev/null > /dev/null 2>&1
file_like "$TMP/opt.log" '^CLIENT_TRAFFIC_SECRET_0 ' "s_client: -keylogfile wins"
[[ ! -e $TMP/env2.log ]]; ok $? "s_client: SSLKEYLOGFILE untouched then"
stop_bg srv

sport=$(free_port) || bail_out "no free port"
SSLKEYLOGFILE=$TMP/senv.log start_server ours "$sport" "${SERVER[@]}" \
    -accept "127.0.0.1:$sport" -cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key" -www ||
    bail_out "s_server did not start"
with_timeout 10 openssl s_client -connect "127.0.0.1:$sport" -keylogfile "$TMP/cref.log" \
    < /dev/null > /dev/null 2>&1
wait_file_like "$TMP/senv.log" SERVER_TRAFFIC_SECRET_0 5
secret=$(awk '$1 == "SERVER_TRAFFIC_SECRET_0" {print $2 " " $3}' "$TMP/cref.log" | tail -n 1)
grep -q "SERVER_TRAFFIC_SECRET_0 $secret" "$TMP/senv.log"
ok $? "s_server: SSLKEYLOGFILE gets the secrets openssl s_client logged"
stop_bg ours
done_testing

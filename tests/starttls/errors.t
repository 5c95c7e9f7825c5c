#!/usr/bin/env bash
# -starttls failures against scripted peers (scripted_server.py): a refused STARTTLS, a server
# that does not offer it, garbage instead of a greeting, a silent server, and the binary
# protocols' refusals (PostgreSQL 'N', MySQL without CLIENT_SSL, a MySQL error packet, LDAP
# garbage). Each must end with exit status 1 and, for our s_client, a one-line reason quoting
# the server. Real servers' refusals are in the per-server files (smtp.t, ftp.t, ldap.t, ...).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-starttls.sh"

st_need python3 python3

declare -A port=()
for s in silent smtp-refuse smtp-nostarttls smtp-garbage imap-nostarttls postgres-no mysql-nossl \
    mysql-error ldap-garbage; do
    port[$s]=$(free_port) || bail_out "no free port"
    st_scripted "$s" "$s" "${port[$s]}" || bail_out "scripted peer $s did not start"
done

# The silent server first, in the background: our s_client gives up on its own after its
# default 30 s STARTTLS timeout; the other cases run meanwhile. openssl s_client has no such timeout
# and would wait forever, so it is not run there.
if ! client_is_openssl; then
    start_bg silent_cli "${CLIENT[@]}" -starttls smtp -connect "127.0.0.1:${port[silent]}" \
        -CAfile "$CERTS/ca.pem"
    silent_started=$SECONDS
fi

st_expect_failure "smtp: STARTTLS refused (454)" 20 \
    "smtp: server refused STARTTLS: '454 4\.7\.0 TLS not available due to local problem'" \
    "wrong version number" \
    -starttls smtp -connect "127.0.0.1:${port[smtp-refuse]}"

st_expect_failure "smtp: STARTTLS not offered" 20 \
    "smtp: server does not offer STARTTLS \(EHLO reply: '250-scripted\.test \| 250-PIPELINING \| 250 SIZE 10240000'\)" \
    "Didn't find STARTTLS in server response" \
    -starttls smtp -connect "127.0.0.1:${port[smtp-nostarttls]}"

st_expect_failure "smtp: garbage instead of a greeting" 20 \
    "smtp: garbage from server while waiting for the SMTP greeting: 'HTTP/1\.1 400 Bad Request'" \
    "Didn't find STARTTLS in server response" \
    -starttls smtp -connect "127.0.0.1:${port[smtp-garbage]}"

st_expect_failure "imap: STARTTLS not in CAPABILITY" 20 \
    "imap: server does not offer STARTTLS \(CAPABILITY reply: '\* CAPABILITY IMAP4rev1 AUTH=PLAIN \| \. OK done'\)" \
    "Didn't find STARTTLS in server response" \
    -starttls imap -connect "127.0.0.1:${port[imap-nostarttls]}"

st_expect_failure "postgres: SSLRequest answered 'N'" 20 \
    "postgres: server does not accept SSL \(it answered 'N' to SSLRequest\)" \
    "no peer certificate available" \
    -starttls postgres -connect "127.0.0.1:${port[postgres-no]}"

st_expect_failure "mysql: no CLIENT_SSL in the server's capabilities" 20 \
    "mysql: server does not offer SSL \(server version '5\.5\.5-10\.11-scripted' lacks CLIENT_SSL\)" \
    "MySQL server does not support SSL" \
    -starttls mysql -connect "127.0.0.1:${port[mysql-nossl]}"

st_expect_failure "mysql: error packet instead of a greeting" 20 \
    "mysql: server refused the connection: 'ERROR 1130: Host '127\.0\.0\.1' is not allowed" \
    "Only MySQL protocol version 10 is supported" \
    -starttls mysql -connect "127.0.0.1:${port[mysql-error]}"

st_expect_failure "ldap: garbage instead of an ExtendedResponse" 20 \
    "ldap: garbage from server while waiting for the StartTLS ExtendedResponse: 'SS'" \
    "Unexpected LDAP response" \
    -starttls ldap -connect "127.0.0.1:${port[ldap-garbage]}"

# -handshake_timeout (ours, not openssl's) bounds the STARTTLS dialogue too.
if client_is_openssl; then
    skip 2 "openssl s_client 3.0 has no -handshake_timeout"
else
    t0=$SECONDS
    st_expect_failure "silent server, -handshake_timeout 2" 15 \
        "smtp: timed out after 2 s waiting for the SMTP greeting" "" \
        -starttls smtp -connect "127.0.0.1:${port[silent]}" -handshake_timeout 2
    diag "gave up after $((SECONDS - t0)) s"
fi

if client_is_openssl; then
    skip 2 "openssl s_client 3.0 has no timeout on STARTTLS reads: a silent server hangs it"
else
    wait_exit silent_cli 45
    is "$WAIT_STATUS" 1 "silent server: s_client gives up by itself with exit status 1"
    out=$(cat "$TMP/silent_cli.out" "$TMP/silent_cli.err" 2>/dev/null)
    like "$out" "smtp: timed out after [0-9]+ s waiting for the SMTP greeting" \
        "silent server: one-line reason ($((SECONDS - silent_started)) s)"
fi

for s in "${!port[@]}"; do stop_bg "$s"; done
done_testing

#!/usr/bin/env bash
# IPv6 loopback, both directions: our s_server on [::1] with openssl s_client,
# our s_client to openssl s_server on [::1]; the certificate carries IP:::1.
source "$(dirname "$0")/../lib.sh"
has_ipv6_loopback || skip_all "no ::1 on this machine"
command -v openssl >/dev/null || skip_all "openssl not installed"

rsa=(-cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key")

port=$(free_port) || bail_out "no free port"
if start_server srv "$port" "${SERVER[@]}" -accept "[::1]:$port" "${rsa[@]}"; then
    with_timeout 10 openssl s_client -connect "[::1]:$port" -CAfile "$CERTS/ca.pem" \
        -verify_ip ::1 -verify_return_error </dev/null >"$TMP/cli.out" 2>"$TMP/cli.err"
    is "$?" 0 "our server on [::1]: openssl s_client connects and verifies IP ::1" ||
        diag_file "$TMP/cli.err" "client stderr"
    stop_bg srv
else
    fail "our server listens on [::1]"
fi

port=$(free_port) || bail_out "no free port"
if start_server ref "$port" openssl s_server -accept "[::1]:$port" "${rsa[@]}"; then
    with_timeout 10 "${CLIENT[@]}" -connect "[::1]:$port" -CAfile "$CERTS/ca.pem" \
        -verify_ip ::1 -verify_return_error </dev/null >"$TMP/c.out" 2>"$TMP/c.err"
    is "$?" 0 "our client to [::1]: exit 0" || diag_file "$TMP/c.err" "client stderr"
    file_like "$TMP/c.out" '^Verify return code: 0 \(ok\)' "our client to [::1]: verified"
    stop_bg ref
else
    fail "openssl s_server listens on [::1]"
fi
done_testing

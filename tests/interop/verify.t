#!/usr/bin/env bash
# Certificate verification results, as scripts read them:
#   our s_client against openssl s_server: the right CA gives code 0; an
#   unrelated CA gives OpenSSL's codes (20 during the chain walk, 21 as the
#   final result), the connection still proceeds, and -verify_return_error turns
#   the failure into a failed handshake and a non-zero exit; hostname checks.
#   our s_server -verify_return_error with a CA that did not sign the client.
source "$(dirname "$0")/../lib.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"

# client_run NAME ARGS...: our client to the reference server, no input; sets
# RC, output in $TMP/NAME.out and $TMP/NAME.err.
client_run() {
    local name=$1; shift
    with_timeout 10 "${CLIENT[@]}" -connect "127.0.0.1:$port" "$@" \
        </dev/null >"$TMP/$name.out" 2>"$TMP/$name.err"
    RC=$?
}

port=$(free_port) || bail_out "no free port"
start_server ref "$port" openssl s_server -accept "127.0.0.1:$port" \
    -cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key" || bail_out "openssl s_server did not start"

client_run good -CAfile "$CERTS/ca.pem" -verify_return_error
is "$RC" 0 "right CA, -verify_return_error: exit 0"
file_like "$TMP/good.out" '^Verify return code: 0 \(ok\)$' "right CA: Verify return code: 0 (ok)"

client_run wrong -CAfile "$CERTS/wrongca.pem"
is "$RC" 0 "wrong CA without -verify_return_error: the connection proceeds, exit 0"
file_like "$TMP/wrong.err" '^verify error:num=20:unable to get local issuer certificate$' \
    "wrong CA: stderr shows verify error 20"
file_like "$TMP/wrong.out" '^Verify return code: 21 \(unable to verify the first certificate\)$' \
    "wrong CA: Verify return code: 21 (unable to verify the first certificate)"
file_like "$TMP/wrong.out" '^Verification error: unable to verify the first certificate$' \
    "wrong CA: Verification error line"

client_run strict -CAfile "$CERTS/wrongca.pem" -verify_return_error
isnt "$RC" 0 "wrong CA with -verify_return_error: exit non-zero"
isnt "$RC" 124 "wrong CA with -verify_return_error: does not hang"
file_like "$TMP/strict.out" '^Verify return code: 20 \(unable to get local issuer certificate\)$' \
    "wrong CA with -verify_return_error: Verify return code: 20"
file_like "$TMP/strict.err" 'certificate verify failed' "wrong CA with -verify_return_error: stderr says why"

client_run host_ok -CAfile "$CERTS/ca.pem" -verify_hostname localhost
file_like "$TMP/host_ok.out" '^Verify return code: 0 \(ok\)$' "-verify_hostname localhost: code 0"
client_run ip_ok -CAfile "$CERTS/ca.pem" -verify_ip 127.0.0.1
file_like "$TMP/ip_ok.out" '^Verify return code: 0 \(ok\)$' "-verify_ip 127.0.0.1: code 0"
client_run host_bad -CAfile "$CERTS/ca.pem" -verify_hostname other.test
is "$RC" 0 "-verify_hostname other.test: the connection proceeds"
file_like "$TMP/host_bad.out" '^Verify return code: 62 \(hostname mismatch\)$' \
    "-verify_hostname other.test: Verify return code: 62 (hostname mismatch)"
client_run host_strict -CAfile "$CERTS/ca.pem" -verify_hostname other.test -verify_return_error
isnt "$RC" 0 "-verify_hostname other.test -verify_return_error: exit non-zero"
stop_bg ref

# Our server, client certificate from a CA it does not trust.
port=$(free_port) || bail_out "no free port"
if start_server srv "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" \
        -cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key" \
        -Verify 1 -CAfile "$CERTS/wrongca.pem" -verify_return_error; then
    start_bg cli openssl s_client -connect "127.0.0.1:$port" -CAfile "$CERTS/ca.pem" \
        -cert "$CERTS/client.pem" -key "$CERTS/client.key"
    send_line cli "ping-untrusted-client"
    wait_exit cli 10
    ok $? "untrusted client certificate: the client is refused and quits"
    isnt "${WAIT_STATUS:-0}" 0 "untrusted client certificate: client exit non-zero"
    file_unlike "$TMP/srv.out" 'ping-untrusted-client' "untrusted client certificate: no data got through"
    wait_file_like "$TMP/srv.err" 'verify|certificate' 3
    ok $? "untrusted client certificate: server reports the verification failure" ||
        diag_file "$TMP/srv.err" "server stderr"
    stop_bg srv
else
    fail "our server starts with -Verify 1 -verify_return_error"
fi
done_testing

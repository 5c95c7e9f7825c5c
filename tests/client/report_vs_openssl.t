#!/usr/bin/env bash
# Our s_client and OpenSSL's, side by side against the same openssl s_server: the
# outputs scripts read must be the same once the per-connection values are masked.
# Covers the default report (TLS 1.2 and 1.3), -brief, -showcerts, -status (no staple,
# and a staple made by `openssl ocsp` at run time), -state, and the other report modes.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib_client.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"

port=$(free_port) || bail_out "no free port"
ref_server srv "$port" || bail_out "openssl s_server does not start"
target=(-connect "127.0.0.1:$port")

# compare NAME DESC ARGS...: stdout and stderr and the exit status must agree.
compare() {
    local name=$1 desc=$2; shift 2
    side_by_side "$name" "$@"
    same_output "$name" out "$desc: stdout"
    same_output "$name" err "$desc: stderr"
    same_status "$name" "$desc: exit status"
}

compare tls12 "default report, TLS 1.2" "${target[@]}" -tls1_2
compare tls13 "default report, TLS 1.3" "${target[@]}" -tls1_3
compare verified "verified chain" "${target[@]}" -CAfile "$CERTS/ca.pem" -verify 2
compare brief12 "-brief, TLS 1.2" "${target[@]}" -brief -tls1_2
compare brief13 "-brief, TLS 1.3" "${target[@]}" -brief -CAfile "$CERTS/ca.pem"
compare showcerts "-showcerts" "${target[@]}" -showcerts -tls1_2
compare nostatus "-status, nothing stapled" "${target[@]}" -status
compare state "-state" "${target[@]}" -state -tls1_2
compare state13 "-state, TLS 1.3" "${target[@]}" -state -tls1_3
compare msg "-msg" "${target[@]}" -msg -tls1_2
compare debug "-debug" "${target[@]}" -debug -tls1_2
compare tlsextdebug "-tlsextdebug" "${target[@]}" -tlsextdebug
compare secdebug "-security_debug_verbose" "${target[@]}" -security_debug_verbose -tls1_2
compare nameopt "-nameopt multiline" "${target[@]}" -nameopt multiline
compare rfc2253 "-nameopt RFC2253" "${target[@]}" -nameopt RFC2253 -tls1_2
compare prexit "-prexit" "${target[@]}" -prexit -tls1_2
compare reconnect "-reconnect, TLS 1.2" "${target[@]}" -reconnect -tls1_2
compare quiet "-quiet" "${target[@]}" -quiet -no_ign_eof
# -nbio: whether a read or write "blocks" during the handshake depends on timing
side_by_side nbio "${target[@]}" -nbio -tls1_2
for f in "$TMP"/nbio.*.out; do sed -i -E '/^(read|write) [RW] BLOCK$/d' "$f"; done
same_output nbio out "-nbio: stdout"
same_status nbio "-nbio: exit status"
compare oldcipher "a TLS 1.0 cipher under TLS 1.2" "${target[@]}" -cipher AES128-SHA -tls1_2
compare sni "-servername" "${target[@]}" -servername www.example.com -tls1_2
compare verify_fail "-verify_return_error, wrong CA" "${target[@]}" -verify_return_error \
    -CAfile "$CERTS/wrongca.pem"
# the one deliberate difference: our error is one line, not openssl's error queue
is "$(grep -c . < "$TMP/verify_fail.our.err" | tr -d ' ')" \
    "$(grep -vc ':error:' < "$TMP/verify_fail.ref.err" | awk '{print $1 + 1}')" \
    "-verify_return_error: one error line in place of the error queue" ||
    diag_file "$TMP/verify_fail.our.err" "our stderr"
stop_bg srv

# -status with a real staple: an OCSP response for the server's certificate, signed by
# the test CA with `openssl ocsp`, served by openssl s_server -status_file.
serial=$(openssl x509 -in "$CERTS/rsa.pem" -noout -serial | cut -d= -f2)
printf 'V\t%s\t\t%s\tunknown\t/O=s_tests/CN=localhost\n' \
    "$(date -u -d '+1 year' +%y%m%d%H%M%SZ)" "$serial" > "$TMP/index.txt"
if OPENSSL_CONF=/dev/null openssl ocsp -issuer "$CERTS/ca.pem" -cert "$CERTS/rsa.pem" \
        -reqout "$TMP/req.der" -no_nonce 2>"$TMP/ocsp.err" &&
   OPENSSL_CONF=/dev/null openssl ocsp -index "$TMP/index.txt" -rsigner "$CERTS/ca.pem" \
        -rkey "$CERTS/ca.key" -CA "$CERTS/ca.pem" -reqin "$TMP/req.der" \
        -respout "$TMP/resp.der" -ndays 1 >>"$TMP/ocsp.err" 2>&1; then
    port=$(free_port) || bail_out "no free port"
    if ref_server ocsp "$port" -status_file "$TMP/resp.der"; then
        compare staple12 "-status with a staple, TLS 1.2" -connect "127.0.0.1:$port" -status -tls1_2
        compare staple13 "-status with a staple, TLS 1.3" -connect "127.0.0.1:$port" -status
        file_like "$TMP/staple12.our.out" '^    Cert Status: good$' "-status: the staple is printed"
        file_like "$TMP/staple12.our.out" '^OCSP response: $' "-status: OCSP response heading"
    else
        fail "openssl s_server -status_file starts"
    fi
    stop_bg ocsp
else
    fail "openssl ocsp makes a response"
    diag_file "$TMP/ocsp.err"
fi
done_testing

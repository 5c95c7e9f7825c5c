#!/usr/bin/env bash
# Verification: -verify_return_error fails (exit 1) on a bad chain and not on a good one;
# -verify_quiet; DANE with a TLSA record of the server's SPKI (matched, and a wrong hash
# refused), as openssl reports them.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib_client.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"

port=$(free_port) || bail_out "no free port"
ref_server srv "$port" || bail_out "openssl s_server does not start"
target=(-connect "127.0.0.1:$port")
run() { local name=$1; shift; with_timeout 10 "${CLIENT[@]}" "$@" < /dev/null > "$TMP/$name.out" 2> "$TMP/$name.err"; echo $? > "$TMP/$name.rc"; }

run bad "${target[@]}" -verify_return_error -CAfile "$CERTS/wrongca.pem"
is "$(cat "$TMP/bad.rc")" 1 "-verify_return_error, wrong CA: exit 1"
file_like "$TMP/bad.err" '^verify error:num=20:unable to get local issuer certificate$' \
    "-verify_return_error: the verify error is shown"
file_unlike "$TMP/bad.err" '^verify return:0$' "-verify_return_error: no 'verify return:0' line"
file_like "$TMP/bad.out" '^Verify return code: 20 \(unable to get local issuer certificate\)$' \
    "-verify_return_error: the report after the failed handshake"

run good "${target[@]}" -verify_return_error -CAfile "$CERTS/ca.pem"
is "$(cat "$TMP/good.rc")" 0 "-verify_return_error, right CA: exit 0"
file_like "$TMP/good.out" '^Verify return code: 0 \(ok\)$' "right CA: Verify return code: 0"

run lax "${target[@]}" -CAfile "$CERTS/wrongca.pem"
is "$(cat "$TMP/lax.rc")" 0 "wrong CA without -verify_return_error: exit 0"
file_like "$TMP/lax.out" '^Verification error: unable to verify the first certificate$' \
    "wrong CA: Verification error line"

run quiet "${target[@]}" -verify_quiet -CAfile "$CERTS/ca.pem"
file_unlike "$TMP/quiet.err" '^depth=' "-verify_quiet: no depth lines when all is well"

run hostok "${target[@]}" -CAfile "$CERTS/ca.pem" -verify_return_error -verify_hostname localhost
is "$(cat "$TMP/hostok.rc")" 0 "-verify_hostname localhost: exit 0"
file_like "$TMP/hostok.out" '^Verified peername: localhost$' "-verify_hostname: Verified peername"
run hostbad "${target[@]}" -CAfile "$CERTS/ca.pem" -verify_return_error -verify_hostname other.test
is "$(cat "$TMP/hostbad.rc")" 1 "-verify_hostname other.test: exit 1"

# DANE-EE(3) SPKI(1) SHA2-256(1) of the server's key
spki=$(openssl x509 -in "$CERTS/rsa.pem" -noout -pubkey | openssl pkey -pubin -outform DER |
       openssl dgst -sha256 -r | cut -d' ' -f1)
run dane "${target[@]}" -dane_tlsa_domain localhost -dane_tlsa_rrdata "3 1 1 $spki" \
    -verify_return_error
is "$(cat "$TMP/dane.rc")" 0 "DANE: matching TLSA record, exit 0"
file_like "$TMP/dane.out" "^DANE TLSA 3 1 1 \\.\\.\\.${spki: -24} matched EE certificate at depth 0\$" \
    "DANE: the match is reported"
file_like "$TMP/dane.out" '^Verification: OK$' "DANE: Verification: OK"
side_by_side dane_cmp "${target[@]}" -dane_tlsa_domain localhost -dane_tlsa_rrdata "3 1 1 $spki"
same_output dane_cmp out "DANE: same report as openssl's"

wrong=$(printf '%064d' 0)
run danebad "${target[@]}" -dane_tlsa_domain localhost -dane_tlsa_rrdata "3 1 1 $wrong" \
    -verify_return_error
is "$(cat "$TMP/danebad.rc")" 1 "DANE: wrong hash with -verify_return_error, exit 1"
file_like "$TMP/danebad.err" 'verify error:num=65:no matching DANE TLSA records' \
    "DANE: wrong hash reported"
run danebad2 "${target[@]}" -dane_tlsa_domain localhost -dane_tlsa_rrdata "3 1 1 $wrong"
file_unlike "$TMP/danebad2.out" '^DANE TLSA ' "DANE: no match line for a wrong hash"

run danejunk "${target[@]}" -dane_tlsa_domain localhost -dane_tlsa_rrdata "3 1 x zz"
is "$(cat "$TMP/danejunk.rc")" 1 "DANE: a malformed record alone fails"
file_like "$TMP/danejunk.err" 'bad TLSA mtype field' "DANE: the bad field is named"
run danenodom "${target[@]}" -dane_tlsa_rrdata "3 1 1 $spki"
is "$(cat "$TMP/danenodom.rc")" 1 "DANE: -dane_tlsa_rrdata without -dane_tlsa_domain fails"
stop_bg srv
done_testing

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
file_like "$TMP/dane.out" "^DANE TLSA 3 1 1 \\.\\.\\.${spki: -24} matched (the )?EE certificate at depth 0\$" \
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

# -crl_download: a server certificate whose CRL distribution point is served over HTTP
# on loopback; its CRL is fetched when the trust store has none
command -v python3 >/dev/null || { skip 4 "python3 not installed"; done_testing; }
hport=$(free_port) || bail_out "no free port"
mkdir -p "$TMP/crl/www"
(
    cd "$TMP/crl" || exit 1
    export OPENSSL_CONF=/dev/null
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out cdp.key &&
    printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'extendedKeyUsage=serverAuth' \
        'subjectAltName=DNS:localhost,IP:127.0.0.1' \
        "crlDistributionPoints=URI:http://127.0.0.1:$hport/ca.crl" > cdp.ext &&
    openssl req -new -key cdp.key -subj /O=s_tests/CN=localhost -out cdp.csr &&
    openssl x509 -req -in cdp.csr -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca.key" -set_serial 77 \
        -days 10 -extfile cdp.ext -out cdp.pem &&
    printf '[ca]\ndefault_ca=d\n[d]\ndatabase=%s/index.txt\ncrlnumber=%s/crlnumber\n' \
        "$PWD" "$PWD" > ca.cnf && printf 'default_md=sha256\ndefault_crl_days=30\n' >> ca.cnf &&
    : > index.txt && echo 01 > crlnumber &&
    openssl ca -config ca.cnf -gencrl -cert "$CERTS/ca.pem" -keyfile "$CERTS/ca.key" \
        -out ca.crl.pem && openssl crl -in ca.crl.pem -outform DER -out www/ca.crl
) > "$TMP/crl.log" 2>&1 || { diag_file "$TMP/crl.log"; bail_out "cannot make the CRL test PKI"; }
start_server www "$hport" python3 -m http.server "$hport" --bind 127.0.0.1 \
    --directory "$TMP/crl/www" || bail_out "http.server does not start"
port=$(free_port) || bail_out "no free port"
start_server cdp "$port" openssl s_server -accept "127.0.0.1:$port" -cert "$TMP/crl/cdp.pem" \
    -key "$TMP/crl/cdp.key" || bail_out "openssl s_server with the CDP certificate"
crl=(-connect "127.0.0.1:$port" -CAfile "$CERTS/ca.pem" -crl_check -verify_return_error)
run crldl "${crl[@]}" -crl_download
is "$(cat "$TMP/crldl.rc")" 0 "-crl_download: CRL fetched, certificate good"
wait_file_like "$TMP/www.err" 'GET /ca.crl' 5
ok $? "-crl_download: the CRL was fetched from the distribution point"
run nocrl "${crl[@]}"
file_like "$TMP/nocrl.out" '^Verify return code: 3 \(unable to get certificate CRL\)$' \
    "without -crl_download: no CRL, verification fails"
( cd "$TMP/crl" && export OPENSSL_CONF=/dev/null &&
  openssl ca -config ca.cnf -revoke cdp.pem -cert "$CERTS/ca.pem" -keyfile "$CERTS/ca.key" &&
  openssl ca -config ca.cnf -gencrl -cert "$CERTS/ca.pem" -keyfile "$CERTS/ca.key" \
      -out ca.crl.pem && openssl crl -in ca.crl.pem -outform DER -out www/ca.crl ) \
    > "$TMP/revoke.log" 2>&1
run revoked "${crl[@]}" -crl_download
file_like "$TMP/revoked.out" '^Verify return code: 23 \(certificate revoked\)$' \
    "-crl_download: a revoked certificate is refused"
stop_bg cdp
stop_bg www
done_testing

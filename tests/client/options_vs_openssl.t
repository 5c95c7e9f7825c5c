#!/usr/bin/env bash
# The rest of the option surface, side by side with openssl s_client against the same
# openssl s_server: each option set must give the same masked report and exit status as
# openssl's (so each option does what openssl's does, including failing the same way).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib_client.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"

# a CRL from the test CA (empty: nothing revoked), for -CRL/-crl_check
cat > "$TMP/ca.cnf" <<EOF
[ca]
default_ca = d
[d]
database = $TMP/index.txt
crlnumber = $TMP/crlnumber
default_md = sha256
default_crl_days = 30
EOF
: > "$TMP/index.txt"
echo 01 > "$TMP/crlnumber"
OPENSSL_CONF=/dev/null openssl ca -config "$TMP/ca.cnf" -gencrl -cert "$CERTS/ca.pem" \
    -keyfile "$CERTS/ca.key" -out "$TMP/ca.crl" 2> "$TMP/crl.err" || diag_file "$TMP/crl.err"

port=$(free_port) || bail_out "no free port"
ref_server srv "$port" -use_srtp SRTP_AES128_CM_SHA1_80 -verify 1 -CAfile "$CERTS/ca.pem" ||
    bail_out "openssl s_server does not start"
t=(-connect "127.0.0.1:$port")

# each line: a name, then the options (word-split; no option value has spaces)
while read -r name opts; do
    [[ -z $name || $name == \#* ]] && continue
    read -r -a args <<< "${opts//@CERTS@/$CERTS}"
    args=("${args[@]//@TMP@/$TMP}")
    side_by_side "$name" "${t[@]}" "${args[@]}"
    same_output "$name" out "$name: same report ($opts)"
    same_status "$name" "$name: same exit status"
done <<'EOF'
bugs            -bugs -tls1_2
comp            -comp -tls1_2
no_comp         -no_comp
no_ticket       -no_ticket -tls1_2
fallback        -fallback_scsv -tls1_2
maxfraglen      -maxfraglen 1024 -tls1_2
max_send_frag   -max_send_frag 1024
pipelines       -split_send_frag 512 -max_pipelines 2 -tls1_2
read_buf        -read_buf 4096
srtp            -use_srtp SRTP_AES128_CM_SHA1_80 -tls1_2
async           -async
legacy          -legacy_server_connect -tls1_2
no_middlebox    -no_middlebox
no_etm          -no_etm -tls1_2 -cipher AES128-SHA
padding         -record_padding 512
sigalgs         -sigalgs RSA-PSS+SHA256
client_sigalgs  -client_sigalgs ECDSA+SHA256:RSA-PSS+SHA256
groups          -groups P-256
curves          -curves X448 -tls1_2
cipher          -cipher ECDHE-RSA-AES128-GCM-SHA256 -tls1_2
ciphersuites    -ciphersuites TLS_CHACHA20_POLY1305_SHA256
minmax          -min_protocol TLSv1.2 -max_protocol TLSv1.2
no_tls1_3       -no_tls1_3
allow_no_dhe    -allow_no_dhe_kex
strict          -strict -tls1_2
unexpected_eof  -ignore_unexpected_eof
client_cert     -cert @CERTS@/client.pem -key @CERTS@/client.key
client_cert12   -cert @CERTS@/client.pem -key @CERTS@/client.key -tls1_2
cert_chain      -cert @CERTS@/client.pem -key @CERTS@/client.key -cert_chain @CERTS@/ca.pem
build_chain     -cert @CERTS@/client.pem -key @CERTS@/client.key -build_chain -CAfile @CERTS@/ca.pem
enc_key         -cert @CERTS@/rsa.pem -key @CERTS@/rsa-enc.key -pass pass:secret
enc_key_file    -cert @CERTS@/rsa.pem -key @CERTS@/rsa-enc.key -pass file:@CERTS@/pass.txt
forms           -cert @CERTS@/client.pem -certform PEM -key @CERTS@/client.key -keyform PEM
xcert           -xcert @CERTS@/client.pem -xkey @CERTS@/client.key
requestCAfile   -requestCAfile @CERTS@/ca.pem
verify_depth    -CAfile @CERTS@/ca.pem -verify_depth 0 -verify_return_error
verify2         -CAfile @CERTS@/ca.pem -verify 2
verify0         -CAfile @CERTS@/ca.pem -verify 0 -verify_return_error
attime          -CAfile @CERTS@/ca.pem -attime 0 -verify_return_error
no_check_time   -CAfile @CERTS@/ca.pem -attime 0 -no_check_time -verify_return_error
x509_strict     -CAfile @CERTS@/ca.pem -x509_strict
purpose         -CAfile @CERTS@/ca.pem -purpose sslclient -verify_return_error
auth_level      -CAfile @CERTS@/ca.pem -auth_level 3 -verify_return_error
partial         -CAfile @CERTS@/rsa.pem -partial_chain -verify_return_error
crl_check       -CAfile @CERTS@/ca.pem -CRL @TMP@/ca.crl -crl_check -verify_return_error
crl_missing     -CAfile @CERTS@/ca.pem -crl_check -verify_return_error
no_cafile       -no-CAfile -no-CApath -no-CAstore
verifyCAfile    -verifyCAfile @CERTS@/ca.pem -verify_return_error
chainCAfile     -cert @CERTS@/client.pem -key @CERTS@/client.key -chainCAfile @CERTS@/ca.pem -build_chain
nameopt_oneline -nameopt oneline,-esc_msb
verify_quiet    -verify_quiet
ssl_config      -ssl_config nosuchsection
engine          -engine dynamic
engine_bad      -engine no-such-engine
EOF

# -xcert: the server asks for a certificate (-verify 1), so the chain check runs and reports on
# stderr ("Checking cert chain 1:", the subject, one verdict per check), line for line as openssl's
grep -q '^Checking cert chain 1:$' "$TMP/xcert.our.err"
ok $? "xcert: the chain check is reported on stderr" || diag_file "$TMP/xcert.our.err"
same_output xcert err "xcert: same stderr as openssl"
stop_bg srv
done_testing

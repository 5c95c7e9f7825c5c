#!/usr/bin/env bash
# Who proves what to whom: client certificates (-verify, -Verify, -verify_return_error, the
# CA names offered, the c command with -enable_pha), SNI with a second certificate that gets
# its chain, PSK in TLS 1.2 and 1.3 (openssl s_client -psk, -psk_session) and SRP (gnutls-cli,
# since openssl 3.0's own SRP programs crash).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/helpers.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"

client_id=(-cert "$CERTS/client.pem" -key "$CERTS/client.key")

# connect OUT ARGS...: one openssl s_client connection to PORT, stdin held open briefly;
# its output in $TMP/c_OUT.out and .err.
connect() {
    local out=$1; shift
    (sleep 0.5) | with_timeout 10 openssl s_client -connect "127.0.0.1:$PORT" "$@" \
        >"$TMP/c_$out.out" 2>"$TMP/c_$out.err"
}

# --- -verify: asked, not required ----------------------------------------------------------------
if srv_up opt -verify 1 -CAfile "$CERTS/ca.pem" "${rsa_id[@]}"; then
    connect none -CAfile "$CERTS/ca.pem"
    file_like "$TMP/c_none.out" '^Acceptable client certificate CA names' "-verify: CA names are offered"
    file_like "$TMP/c_none.out" 'CN ?= ?s_tests Test CA' "-verify: ... taken from -CAfile"
    file_like "$TMP/c_none.out" '^New, TLSv1\.3' "-verify: a client without a certificate still gets in"
    connect with -CAfile "$CERTS/ca.pem" "${client_id[@]}"
    wait_file_like "$TMP/opt.out" '^subject=.*CN ?= ?s_tests client' 5
    ok $? "-verify: the client certificate's subject is in the report"
    file_like "$TMP/opt.out" '^Client certificate$' "-verify: ... after 'Client certificate'"
    stop_bg opt
else
    fail "-verify server starts"; skip 4 "no server"
fi

if srv_up noca -verify 1 -CAfile "$CERTS/ca.pem" -no_ca_names "${rsa_id[@]}"; then
    connect noca -CAfile "$CERTS/ca.pem"
    file_like "$TMP/c_noca.out" '^No client certificate CA names sent' "-no_ca_names: no CA names"
    stop_bg noca
else
    fail "-no_ca_names server starts"
fi

# --- -Verify with -verify_return_error: a certificate from the wrong CA is refused ---------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/stray.key" -out "$TMP/stray.pem" \
    -subj "/CN=stray client" -days 2 2>/dev/null
if srv_up strict -Verify 1 -verify_return_error -CAfile "$CERTS/ca.pem" "${rsa_id[@]}"; then
    connect stray -CAfile "$CERTS/ca.pem" -cert "$TMP/stray.pem" -key "$TMP/stray.key"
    wait_file_like "$TMP/strict.err" 'verify error' 5
    ok $? "-verify_return_error: the untrusted client certificate is reported"
    wait_file_like "$TMP/strict.err" 'handshake failed' 5
    ok $? "-verify_return_error: ... and the handshake refused (a warning, not an exit)"
    connect good -CAfile "$CERTS/ca.pem" "${client_id[@]}"
    wait_file_like "$TMP/strict.out" '^subject=.*s_tests client' 5
    ok $? "-Verify: the trusted client certificate is accepted afterwards"
    stop_bg strict
else
    fail "-Verify server starts"; skip 2 "no server"
fi

# --- the c command: TLS 1.3 post-handshake authentication ----------------------------------------
if srv_up pha -CAfile "$CERTS/ca.pem" "${rsa_id[@]}"; then
    start_bg cli openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$CERTS/ca.pem" -enable_pha \
        "${client_id[@]}"
    send_line cli "before"
    wait_file_like "$TMP/pha.out" '^before' 10
    send_line pha "c"
    wait_file_like "$TMP/pha.out" '^SSL_do_handshake -> 1$' 5
    ok $? "c: a certificate request is sent"
    send_line cli "after"
    wait_file_like "$TMP/pha.out" '^after' 5
    wait_file_like "$TMP/pha.err" 'depth=0 .*s_tests client' 5
    ok $? "c: the client's certificate arrives and is verified"
    stop_bg cli
    stop_bg pha
else
    fail "PHA server starts"; skip 1 "no server"
fi

# --- SNI: the second certificate comes with its chain -------------------------------------------
pki=$TMP/pki
mkdir -p "$pki"
openssl req -new -newkey rsa:2048 -nodes -keyout "$pki/int.key" -out "$pki/int.csr" \
    -subj "/O=s_tests/CN=s_tests Intermediate" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$pki/int.ext"
openssl x509 -req -in "$pki/int.csr" -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca.key" -CAcreateserial \
    -days 2 -extfile "$pki/int.ext" -out "$pki/int.pem" 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout "$pki/leaf.key" -out "$pki/leaf.csr" \
    -subj "/O=s_tests/CN=chain.test" 2>/dev/null
printf 'subjectAltName=DNS:chain.test\nextendedKeyUsage=serverAuth\n' > "$pki/leaf.ext"
openssl x509 -req -in "$pki/leaf.csr" -CA "$pki/int.pem" -CAkey "$pki/int.key" -CAcreateserial \
    -days 2 -extfile "$pki/leaf.ext" -out "$pki/leaf.pem" 2>/dev/null
if srv_up sni "${rsa_id[@]}" -servername chain.test -cert2 "$pki/leaf.pem" -key2 "$pki/leaf.key" \
        -cert_chain "$pki/int.pem"; then
    connect chain -CAfile "$CERTS/ca.pem" -servername chain.test -verify_return_error
    file_like "$TMP/c_chain.out" 'CN ?= ?chain\.test' "SNI chain.test: the second certificate is sent"
    file_like "$TMP/c_chain.out" '^ *Verify return code: 0 \(ok\)' "SNI: ... with its chain, so it verifies"
    connect dflt -CAfile "$CERTS/ca.pem" -servername localhost
    file_like "$TMP/c_dflt.out" '^ *Verify return code: 0 \(ok\)' "SNI other names: the default certificate"
    wait_file_like "$TMP/sni.out" '^Switching server context\.$' 3
    ok $? "SNI: the server says it switched contexts"
    stop_bg sni
else
    fail "SNI server starts"; skip 3 "no server"
fi

# --- PSK -----------------------------------------------------------------------------------------
psk=(-psk 0123456789abcdef0123456789abcdef)
if srv_up psk -nocert "${psk[@]}" -psk_identity me -psk_hint a-hint; then
    connect psk13 "${psk[@]}" -psk_identity me
    file_like "$TMP/c_psk13.out" '^Reused, TLSv1\.3, ' "PSK TLS 1.3 (openssl s_client -psk): handshake on the key"
    connect psk12 "${psk[@]}" -psk_identity me -tls1_2
    file_like "$TMP/c_psk12.out" '^New, TLSv1\.2, Cipher is .*PSK' "PSK TLS 1.2: a PSK cipher suite"
    file_like "$TMP/c_psk12.out" 'PSK identity hint: a-hint' "PSK TLS 1.2: -psk_hint reaches the client"
    connect badkey -psk 00112233445566778899aabbccddeeff -psk_identity me -tls1_2
    wait_file_like "$TMP/psk.err" 'TLS handshake failed' 5
    ok $? "PSK: a wrong key fails the handshake (a warning on the server)"
    connect badid "${psk[@]}" -psk_identity stranger
    wait_file_like "$TMP/psk.out" "PSK warning: client identity not what we expected \(got 'stranger' expected 'me'\)" 5
    ok $? "PSK: an unexpected identity is warned about as openssl does"
    ok "$(is_running psk; echo $?)" "PSK: the server keeps running"
    stop_bg psk
else
    fail "PSK server starts"; skip 6 "no server"
fi

# -psk_session: a TLS 1.3 session written by openssl s_client serves as the PSK
if srv_up sess0 "${rsa_id[@]}" -www; then
    sleep 2 | with_timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -sess_out "$TMP/psk.sess" \
        >/dev/null 2>&1
    stop_bg sess0
    if srv_up psksess -nocert -psk_session "$TMP/psk.sess" -psk_identity Client_identity; then
        connect ps -psk_session "$TMP/psk.sess"
        file_like "$TMP/c_ps.out" '^Reused, TLSv1\.3, ' "-psk_session: the stored session works as an external PSK"
        stop_bg psksess
    else
        fail "-psk_session server starts"
    fi
else
    fail "server for the PSK session starts"; skip 1 "no session"
fi

# --- SRP -----------------------------------------------------------------------------------------
if command -v gnutls-cli >/dev/null; then
    : > "$TMP/srpv.txt"
    openssl srp -srpvfile "$TMP/srpv.txt" -gn 2048 -add -passout pass:pw-secret \
        -userinfo "alice info" alice >/dev/null 2>&1
    if srv_up srp -nocert -srpvfile "$TMP/srpv.txt" -cipher SRP -tls1_2; then
        (echo hello-srp; sleep 0.5) | with_timeout 10 gnutls-cli --insecure --srpusername alice \
            --srppasswd pw-secret --priority 'NORMAL:-KX-ALL:+SRP' -p "$PORT" 127.0.0.1 \
            >"$TMP/srp.cli" 2>&1
        file_like "$TMP/srp.cli" 'SRP' "SRP: gnutls-cli negotiates an SRP suite"
        wait_file_like "$TMP/srp.out" '^hello-srp' 5
        ok $? "SRP: data crosses"
        file_like "$TMP/srp.err" 'SRP parameters set: username = "alice" info="alice info"' \
            "SRP: the user's verifier was used"
        (echo x; sleep 0.5) | with_timeout 10 gnutls-cli --insecure --srpusername alice \
            --srppasswd wrong --priority 'NORMAL:-KX-ALL:+SRP' -p "$PORT" 127.0.0.1 \
            >"$TMP/srpbad.cli" 2>&1
        file_like "$TMP/srpbad.cli" '[Ff]atal|[Ee]rror' "SRP: a wrong password fails"
        stop_bg srp
    else
        fail "SRP server starts"; skip 3 "no server"
    fi
else
    skip 4 "gnutls-cli not installed"
fi
no_sanitizer_reports
done_testing

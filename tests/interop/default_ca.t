#!/usr/bin/env bash
# The system's default CA file is read on first use and only the certificates with the name a
# verification asks for are parsed (src/lib/lazyca.c). What scripts read must not change: for
# each form of default CA file (pointed to by SSL_CERT_FILE) our s_client's "Verify return
# code" is the one openssl s_client prints against the same server: the Debian bundle plus the
# test CA, the CA as a TRUSTED CERTIFICATE, a file the index gives up on (a key inside, so it
# is loaded whole), two CAs with the same name of which only the second signed the server,
# a missing file, and the bundle alone. And our s_server checks a client certificate against
# the default file the same way.
source "$(dirname "$0")/../lib.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"
client_is_openssl && skip_all "checks our client's default CA loading"
bundle=/etc/ssl/certs/ca-certificates.crt
[[ -r $bundle ]] || bundle=/dev/null

# Files for SSL_CERT_FILE.
cat "$bundle" "$CERTS/ca.pem" >"$TMP/bundle.pem"
openssl x509 -in "$CERTS/ca.pem" -addtrust serverAuth -out "$TMP/trusted.pem" 2>/dev/null
cat "$bundle" "$TMP/trusted.pem" >"$TMP/bundle-aux.pem"
cat "$CERTS/ca.pem" "$CERTS/client.key" >"$TMP/withkey.pem"
# A CA with the test CA's name and another key, listed first.
OPENSSL_CONF=/dev/null openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 \
    -keyout "$TMP/impostor.key" -out "$TMP/impostor.pem" \
    -subj "$(openssl x509 -in "$CERTS/ca.pem" -noout -subject -nameopt compat | sed 's/^subject=//')" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
    2>/dev/null || bail_out "cannot make the same-name CA"
cat "$TMP/impostor.pem" "$CERTS/ca.pem" >"$TMP/twins.pem"
cp "$bundle" "$TMP/bundle-only.pem"

port=$(free_port) || bail_out "no free port"
start_server ref "$port" openssl s_server -accept "127.0.0.1:$port" \
    -cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key" || bail_out "openssl s_server did not start"

# code PROGRAM... : the "Verify return code" line of one connection with SSL_CERT_FILE=$file.
code() {
    SSL_CERT_FILE=$file with_timeout 10 "$@" -connect "127.0.0.1:$port" \
        -verify_hostname localhost </dev/null 2>/dev/null | grep -m1 '^Verify return code'
}

for case in bundle:0 bundle-aux:0 withkey:0 twins:0 missing:21 bundle-only:21; do
    name=${case%%:*} want=${case##*:}
    file=$TMP/$name.pem
    ours=$(code "${CLIENT[@]}")
    ref=$(code openssl s_client)
    like "$ours" "^Verify return code: $want " "SSL_CERT_FILE=$name: ours gives code $want"
    is "$ours" "$ref" "SSL_CERT_FILE=$name: the same line as openssl s_client"
done

stop_bg ref

# Our server verifying a client certificate against the default file.
port=$(free_port) || bail_out "no free port"
SSL_CERT_FILE=$TMP/bundle.pem start_server srv "$port" "${SERVER[@]}" \
    -accept "127.0.0.1:$port" -cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key" \
    -Verify 1 -verify_return_error -naccept 1 || bail_out "our s_server did not start"
with_timeout 10 openssl s_client -connect "127.0.0.1:$port" -cert "$CERTS/client.pem" \
    -key "$CERTS/client.key" -CAfile "$CERTS/ca.pem" </dev/null >"$TMP/cc.out" 2>&1
file_like "$TMP/cc.out" '^Verify return code: 0 \(ok\)$' "the handshake with a client certificate completes"
wait_exit srv 10
file_unlike "$TMP/srv.err" 'verify error' "our s_server found the client's CA in the default file"
stop_bg srv

done_testing

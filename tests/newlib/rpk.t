#!/usr/bin/env bash
# RFC 7250 raw public keys (OpenSSL 3.2+): -enable_server_rpk / -enable_client_rpk between our
# programs and openssl's; -expected-rpks (ours only) pins the server's key.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.sh"
need_35 "raw public keys"

openssl pkey -in "$CERTS/ec.key" -pubout -out "$TMP/ec.pub" 2>/dev/null
openssl pkey -in "$CERTS/rsa.key" -pubout -out "$TMP/other.pub" 2>/dev/null
rpk_lines='^(Client-to-server|Server-to-client) raw public key negotiated|raw public key$|^no peer rpk'

# openssl s_server sends its raw key; our client and openssl's report it alike.
tcp_server ref openssl s_server "${ec_id[@]}" -enable_server_rpk || fail "openssl s_server starts"
client_once ours "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -enable_server_rpk
client_once theirs openssl s_client -connect "127.0.0.1:$PORT" -enable_server_rpk
file_like "$TMP/ours.out" '^Server-to-client raw public key negotiated$' \
    "our client: Server-to-client raw public key negotiated"
file_like "$TMP/ours.out" '^Server raw public key$' "our client prints the server's raw key"
is "$(lines "$TMP/ours.out" "$rpk_lines")" "$(lines "$TMP/theirs.out" "$rpk_lines")" \
    "our client's raw public key lines are openssl s_client's"
file_like "$TMP/ours.out" '^no peer certificate available$' "... and there is no certificate"

# -expected-rpks: the right key verifies, another does not.
client_once pinned "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -enable_server_rpk \
    -expected-rpks "$TMP/ec.pub"
file_like "$TMP/pinned.out" '^ *Verify return code: 0 \(ok\)' "-expected-rpks with the server's key: verified"
client_once wrong "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -enable_server_rpk \
    -expected-rpks "$TMP/other.pub"
file_like "$TMP/wrong.out" '^ *Verify return code: [1-9]' "-expected-rpks with another key: not verified"
client_once strict "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -enable_server_rpk \
    -expected-rpks "$TMP/other.pub" -verify_return_error
isnt "$?" 0 "... and -verify_return_error ends the connection"
client_once nokey "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -expected-rpks "$CERTS/ca.pem"
is "$?" 1 "-expected-rpks with a file holding no public key: exit status 1"
file_like "$TMP/nokey.err" 'no PEM public key' "... saying so"
stop_bg ref

# Our server sends its raw key to openssl's client.
tcp_server srv "${SERVER[@]}" "${ec_id[@]}" -enable_server_rpk || fail "our s_server starts"
client_once theirs openssl s_client -connect "127.0.0.1:$PORT" -enable_server_rpk
file_like "$TMP/theirs.out" '^Server-to-client raw public key negotiated$' \
    "our s_server -enable_server_rpk: openssl s_client gets a raw key"
wait_file_like "$TMP/srv.out" '^Server-to-client raw public key negotiated$' 5
ok $? "our server's report says so too" || diag_file "$TMP/srv.out"
stop_bg srv

# The client's raw key: openssl s_client sends one to our server, which prints it.
tcp_server srv "${SERVER[@]}" "${ec_id[@]}" -enable_client_rpk -verify 1 ||
    fail "our s_server -enable_client_rpk starts"
client_once theirs openssl s_client -connect "127.0.0.1:$PORT" -enable_client_rpk \
    -cert "$CERTS/client.pem" -key "$CERTS/client.key"
wait_file_like "$TMP/srv.out" '^Client raw public key$' 5
ok $? "our s_server -enable_client_rpk prints the client's raw key" || diag_file "$TMP/srv.out"
file_like "$TMP/srv.out" '^Client-to-server raw public key negotiated$' \
    "our server: Client-to-server raw public key negotiated"
stop_bg srv
done_testing

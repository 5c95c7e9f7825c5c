#!/usr/bin/env bash
# Post-quantum and hybrid key exchange (OpenSSL 3.5: X25519MLKEM768 is its default first
# group): our programs against openssl's of the same library, and each other. Our report
# names the group as openssl 3.5's does ("Negotiated TLS1.3 group: ...", "Peer Temp Key: ...").
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.sh"

openssl list -kem-algorithms 2>/dev/null | grep -q X25519MLKEM768 ||
    skip_all "the reference openssl $(ref_version) has no ML-KEM groups (OpenSSL 3.5; make test-35)"
with_timeout 5 "${CLIENT[@]}" -groups X25519MLKEM768 -connect 127.0.0.1:1 </dev/null 2>&1 |
    grep -q 'bad value' &&
    skip_all "this build's library has no ML-KEM groups (OpenSSL 3.5; make test-35)"

# Our client and openssl's against one openssl s_server; the group lines must agree.
compare_with_openssl() {
    local groups=$1 want=$2
    tcp_server ref openssl s_server "${ec_id[@]}" || { fail "openssl s_server starts"; return; }
    client_once ours "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -groups "$groups"
    client_once theirs openssl s_client -connect "127.0.0.1:$PORT" -groups "$groups"
    file_like "$TMP/ours.out" "^$want\$" "-groups $groups: our client says '$want'"
    is "$(lines "$TMP/ours.out" '^(Negotiated TLS1.3 group|Peer Temp Key|Server Temp Key)')" \
        "$(lines "$TMP/theirs.out" '^(Negotiated TLS1.3 group|Peer Temp Key|Server Temp Key)')" \
        "-groups $groups: the same line as openssl s_client $(ref_version)"
    stop_bg ref
}
compare_with_openssl X25519MLKEM768 'Negotiated TLS1.3 group: X25519MLKEM768'
compare_with_openssl X448 'Peer Temp Key: X448, 448 bits'
compare_with_openssl X25519 'Peer Temp Key: X25519, 253 bits'
compare_with_openssl P-256 'Peer Temp Key: ECDH, prime256v1, 256 bits'

# The library's default list starts with the hybrid: both sides at their defaults use it.
tcp_server ref openssl s_server "${ec_id[@]}" || fail "openssl s_server starts"
client_once ours "${CLIENT[@]}" -connect "127.0.0.1:$PORT"
file_like "$TMP/ours.out" '^Negotiated TLS1.3 group: X25519MLKEM768$' \
    "default groups: our client and openssl s_server agree on X25519MLKEM768"
stop_bg ref

# openssl's client against our server.
tcp_server srv "${SERVER[@]}" "${ec_id[@]}" -groups X25519MLKEM768:X25519 ||
    fail "our s_server starts with -groups X25519MLKEM768:X25519"
client_once theirs openssl s_client -connect "127.0.0.1:$PORT" -groups X25519MLKEM768
file_like "$TMP/theirs.out" '^Negotiated TLS1.3 group: X25519MLKEM768$' \
    "openssl s_client -groups X25519MLKEM768 against our server"
wait_file_like "$TMP/srv.out" '^Shared groups: X25519MLKEM768$' 5
ok $? "our server's report: Shared groups: X25519MLKEM768" || diag_file "$TMP/srv.out"
stop_bg srv

# Ours against ours; and no group in common fails the handshake.
tcp_server srv "${SERVER[@]}" "${ec_id[@]}" -groups SecP256r1MLKEM768 ||
    fail "our s_server starts with -groups SecP256r1MLKEM768"
client_once ours "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -groups X25519MLKEM768:SecP256r1MLKEM768
file_like "$TMP/ours.out" '^Negotiated TLS1.3 group: SecP256r1MLKEM768$' \
    "our client and our server: SecP256r1MLKEM768"
client_once ours2 "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -groups X25519MLKEM768
isnt "$?" 0 "no group in common: our client fails (exit status not 0)"
stop_bg srv
done_testing

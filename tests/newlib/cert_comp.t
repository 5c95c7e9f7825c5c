#!/usr/bin/env bash
# RFC 8879 certificate compression (OpenSSL 3.2+, here with zlib): -cert_comp on our server
# makes openssl's client see a CompressedCertificate; -no_rx_cert_comp / -no_tx_cert_comp turn
# it off from either side. Seen in openssl's and our -trace output.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.sh"
need_35 "certificate compression"
ref_has s_server cert_comp || skip_all "the reference openssl $(ref_version) lacks -cert_comp"

compressed() { grep -q 'CompressedCertificate' "$1"; }

# our server [ARGS] <- openssl s_client -trace
our_server_case() {
    local desc=$1 want=$2; shift 2
    tcp_server srv "${SERVER[@]}" "${ec_id[@]}" "$@" || { fail "$desc: server starts"; return; }
    client_once ref openssl s_client -connect "127.0.0.1:$PORT" -trace
    if [[ $want == yes ]]; then compressed "$TMP/ref.out"; else ! compressed "$TMP/ref.out"; fi
    ok $? "$desc" || diag_file "$TMP/ref.out" "openssl s_client -trace"
    stop_bg srv
}
our_server_case "our s_server -cert_comp: openssl s_client receives a CompressedCertificate" yes \
    -cert_comp
file_like "$TMP/srv.out" '^Compressing certificates$' "our s_server says: Compressing certificates"
our_server_case "our s_server without -cert_comp: the certificate goes uncompressed" no
our_server_case "our s_server -cert_comp -no_tx_cert_comp: uncompressed" no -cert_comp \
    -no_tx_cert_comp

# openssl s_server -cert_comp <- our client [ARGS] -trace
tcp_server ref openssl s_server "${ec_id[@]}" -cert_comp || fail "openssl s_server -cert_comp starts"
client_once ours "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -trace
compressed "$TMP/ours.out"
ok $? "our s_client receives openssl's compressed certificate" || diag_file "$TMP/ours.out"
file_like "$TMP/ours.out" '^Server certificate$' "... and reports the server certificate"
client_once ours2 "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -trace -no_rx_cert_comp
! compressed "$TMP/ours2.out"
ok $? "our s_client -no_rx_cert_comp: the certificate comes uncompressed"
stop_bg ref
done_testing

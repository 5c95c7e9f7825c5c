#!/usr/bin/env bash
# The smaller switches: -no_ems, -tfo and -ktls (which work with Debian's 3.0 too, since our
# programs make their own sockets and 3.0 has kernel TLS), -prefer_no_dhe_kex and -provparam
# (newer libraries only).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"

# -no_ems: TLS 1.2 without the Extended Master Secret, seen in the session both sides print.
tcp_server ref openssl s_server "${ec_id[@]}" || fail "openssl s_server starts"
client_once ems "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -tls1_2
file_like "$TMP/ems.out" '^ *Extended master secret: yes' "TLS 1.2: extended master secret by default"
client_once noems "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -tls1_2 -no_ems
file_like "$TMP/noems.out" '^ *Extended master secret: no' "our s_client -no_ems: none"
stop_bg ref
tcp_server srv "${SERVER[@]}" "${ec_id[@]}" -no_ems || fail "our s_server -no_ems starts"
client_once ref openssl s_client -connect "127.0.0.1:$PORT" -tls1_2
file_like "$TMP/ref.out" '^ *Extended master secret: no' "our s_server -no_ems: openssl's client sees none"
stop_bg srv

# -tfo: our client and server with it; openssl's too when its build has it.
tcp_server srv "${SERVER[@]}" "${ec_id[@]}" -tfo || fail "our s_server -tfo starts"
client_once tfo "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -tfo
file_like "$TMP/tfo.out" '^New, TLSv1.3, Cipher is ' "our s_client -tfo -> our s_server -tfo"
if ref_has s_client tfo; then
    client_once ref openssl s_client -connect "127.0.0.1:$PORT" -tfo
    file_like "$TMP/ref.out" '^New, TLSv1.3, Cipher is ' "openssl s_client -tfo -> our s_server -tfo"
else
    skip 1 "the reference openssl $(ref_version) was built without -tfo"
fi
stop_bg srv
if ref_has s_server tfo; then
    tcp_server ref openssl s_server "${ec_id[@]}" -tfo || fail "openssl s_server -tfo starts"
    client_once tfo2 "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -tfo
    file_like "$TMP/tfo2.out" '^New, TLSv1.3, Cipher is ' "our s_client -tfo -> openssl s_server -tfo"
    stop_bg ref
else
    skip 1 "the reference openssl $(ref_version) was built without -tfo"
fi

# -ktls: the connection works either way, and the programs say whether the kernel took over.
if ! our_has server ktls; then
    skip 3 "this build's library has no kernel TLS"
else
    tcp_server srv "${SERVER[@]}" "${ec_id[@]}" -ktls || fail "our s_server -ktls starts"
    client_once kc "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -ktls -cipher ECDHE-ECDSA-AES128-GCM-SHA256 \
        -tls1_2
    file_like "$TMP/kc.out" '^New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256' \
        "our s_client -ktls -> our s_server -ktls"
    file_like "$TMP/kc.err" '^(Using Kernel TLS for (sending|receiving)|Kernel TLS is not in use on this connection)$' \
        "our s_client says whether kernel TLS is in use"
    if [[ -e /sys/module/tls ]]; then
        skip 1 "this kernel has its tls module"
    else
        file_like "$TMP/kc.err" "no tls module" "no tls module in this kernel: -ktls says so"
    fi
    stop_bg srv
fi

# -prefer_no_dhe_kex: a TLS 1.3 resumption with it on both sides still works.
if our_has client prefer_no_dhe_kex; then
    tcp_server srv "${SERVER[@]}" "${ec_id[@]}" -allow_no_dhe_kex -prefer_no_dhe_kex ||
        fail "our s_server -prefer_no_dhe_kex starts"
    client_once first "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -sess_out "$TMP/sess.pem"
    client_once again "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -sess_in "$TMP/sess.pem" \
        -allow_no_dhe_kex -prefer_no_dhe_kex
    file_like "$TMP/again.out" '^Reused, TLSv1.3, ' "-prefer_no_dhe_kex both sides: resumed"
    stop_bg srv
else
    skip 1 "this build's library lacks -prefer_no_dhe_kex (OpenSSL 3.3)"
fi

# -provparam: set on the loaded providers; a provider that is not loaded is an error.
if our_has client provparam "x=y"; then
    tcp_server ref openssl s_server "${ec_id[@]}" || fail "openssl s_server starts"
    client_once pp "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -provparam "default:ourtest = 1"
    file_like "$TMP/pp.out" '^New, TLSv1.3, ' "-provparam default:key=value: connects"
    client_once pp2 "${CLIENT[@]}" -connect "127.0.0.1:$PORT" -provparam "nosuch:key=value"
    is "$?" 1 "-provparam for a provider not loaded: exit status 1"
    file_like "$TMP/pp2.err" "no provider named 'nosuch' is loaded" "... saying which"
    out=$(with_timeout 5 "${CLIENT[@]}" -provparam "novalue" -help 2>&1)
    like "$out" "malformed '-provparam' option value" "-provparam without '=': refused"
    stop_bg ref
else
    skip 4 "this build's library lacks -provparam (OpenSSL 3.5)"
fi
done_testing

#!/usr/bin/env bash
# Sessions against openssl s_client -sess_out/-sess_in: -ext_cache (an external cache that
# really serves lookups), -id_prefix, -no_ticket, -num_tickets, -no_resume_ephemeral,
# -stateless (a cookie round trip), -early_data with -max_early_data (what arrived is shown),
# -anti_replay.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/helpers.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"

# sess NAME ARGS...: a client whose stdin stays open a moment (so TLS 1.3 tickets arrive).
sess() {
    local name=$1; shift
    (sleep 0.5) | with_timeout 10 openssl s_client -connect "127.0.0.1:$PORT" "$@" \
        >"$TMP/c_$name.out" 2>"$TMP/c_$name.err"
}

# --- -ext_cache and -id_prefix -----------------------------------------------------------------
if srv_up ext -www -ext_cache -id_prefix ABCD "${rsa_id[@]}"; then
    sess first -tls1_2 -no_ticket -sess_out "$TMP/s12.pem"
    file_like "$TMP/c_first.out" 'Session-ID: 41424344' "-id_prefix ABCD: the session ID starts with ABCD"
    wait_file_like "$TMP/ext.err" '^New session added to external cache$' 3
    ok $? "-ext_cache: the new session goes to the external cache"
    sess again -tls1_2 -no_ticket -sess_in "$TMP/s12.pem"
    file_like "$TMP/c_again.out" '^Reused, TLSv1\.2' "-ext_cache: a TLS 1.2 session ID resumes from it"
    wait_file_like "$TMP/ext.err" '^Lookup session: cache hit$' 3
    ok $? "-ext_cache: ... through a lookup that hits"
    stop_bg ext
else
    fail "-ext_cache server starts"; skip 3 "no server"
fi

# --- tickets ---------------------------------------------------------------------------------------
if srv_up tick -www -num_tickets 5 "${rsa_id[@]}"; then
    sess five
    is "$(count_lines "$TMP/c_five.out" 'Post-Handshake New Session Ticket arrived')" 5 \
        "-num_tickets 5: five TLS 1.3 tickets"
    stop_bg tick
else
    fail "-num_tickets server starts"
fi
if srv_up notick -www -no_ticket "${rsa_id[@]}"; then
    sess nt -tls1_2
    file_unlike "$TMP/c_nt.out" 'TLS session ticket:' "-no_ticket: no TLS 1.2 ticket"
    stop_bg notick
else
    fail "-no_ticket server starts"
fi

# --- -no_resume_ephemeral -----------------------------------------------------------------------
if srv_up eph -www -no_resume_ephemeral -no_ticket "${rsa_id[@]}"; then
    sess e1 -tls1_2 -no_ticket -sess_out "$TMP/eph.pem"
    sess e2 -tls1_2 -no_ticket -sess_in "$TMP/eph.pem"
    file_like "$TMP/c_e2.out" '^New, TLSv1\.2' "-no_resume_ephemeral: an ECDHE session is not resumed"
    stop_bg eph
else
    fail "-no_resume_ephemeral server starts"
fi

# --- -stateless ------------------------------------------------------------------------------------
if srv_up sl -www -stateless "${rsa_id[@]}"; then
    printf 'GET / HTTP/1.0\r\n\r\n' | with_timeout 10 openssl s_client -connect "127.0.0.1:$PORT" \
        -msg -quiet >"$TMP/c_sl.out" 2>&1
    is "$(count_lines "$TMP/c_sl.out" '^<<< TLS 1\.3, Handshake \[length [0-9a-f]+\], ServerHello')" 2 \
        "-stateless: a HelloRetryRequest (with its cookie) comes first"
    is "$(count_lines "$TMP/c_sl.out" '^>>> TLS 1\.3, Handshake \[length [0-9a-f]+\], ClientHello')" 2 \
        "-stateless: the client comes back with a second ClientHello"
    file_like "$TMP/c_sl.out" 'New, TLSv1\.3, Cipher is' "-stateless: and is served"
    printf 'GET / HTTP/1.0\r\n\r\n' | with_timeout 10 openssl s_client -connect "127.0.0.1:$PORT" \
        -quiet -no_middlebox >"$TMP/c_sl2.out" 2>&1
    file_like "$TMP/c_sl2.out" 'New, TLSv1\.3, Cipher is' "-stateless: also without the compatibility CCS"
    stop_bg sl
else
    fail "-stateless server starts"; skip 3 "no server"
fi

# --- -early_data ---------------------------------------------------------------------------------
printf 'early-bytes-%s\n' "$$" > "$TMP/early.txt"
if srv_up ed -early_data "${rsa_id[@]}"; then
    sess e0 -sess_out "$TMP/ed.pem"
    wait_file_like "$TMP/ed.out" '^No early data received$' 5
    ok $? "-early_data: a first connection says no early data came"
    sess e1 -sess_in "$TMP/ed.pem" -early_data "$TMP/early.txt"
    file_like "$TMP/c_e1.out" '^Early data was accepted' "-early_data: the client's early data is accepted"
    wait_file_like "$TMP/ed.out" "^early-bytes-$$\$" 5
    ok $? "-early_data: ... and printed"
    file_like "$TMP/ed.out" '^Early data received:$' "-early_data: under 'Early data received:'"
    file_like "$TMP/ed.out" '^End of early data$' "-early_data: ... until 'End of early data'"
    # anti-replay (the default): the same ticket a second time gets a full handshake's data path
    sess e2 -sess_in "$TMP/ed.pem" -early_data "$TMP/early.txt"
    file_unlike "$TMP/c_e2.out" '^Early data was accepted' "-anti_replay (default): a replayed ticket's early data is refused"
    stop_bg ed
else
    fail "-early_data server starts"; skip 6 "no server"
fi
if srv_up small -early_data -max_early_data 4 -recv_max_early_data 4 "${rsa_id[@]}"; then
    sess s0 -sess_out "$TMP/small.pem"
    file_like "$TMP/c_s0.out" 'Max Early Data: 4$' "-max_early_data 4: tickets say 4 bytes"
    stop_bg small
else
    fail "-max_early_data server starts"
fi
with_timeout 10 "${SERVER[@]}" -www -early_data "${rsa_id[@]}" </dev/null >/dev/null 2>"$TMP/wwwed.err"
is "$?" 1 "-early_data with -www: refused"
no_sanitizer_reports
done_testing

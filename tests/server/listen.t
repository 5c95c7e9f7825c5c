#!/usr/bin/env bash
# Where and how long our s_server listens: -accept with port 0 (the chosen address printed
# as openssl prints it), -port, -4 and -6, -unix with -unlink, and -naccept (exit after N
# connections, counted across workers, listener closed).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/helpers.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"
command -v curl >/dev/null || skip_all "curl not installed"

# one_client PORT: a whole exchange with the -www page; prints the HTTP status.
one_client() {
    with_timeout 10 curl -sS -k -o /dev/null -w '%{http_code}' "https://127.0.0.1:$1/" 2>/dev/null
}

# --- port 0 ----------------------------------------------------------------------------------------
start_bg zero "${SERVER[@]}" -www -accept 127.0.0.1:0 "${rsa_id[@]}"
if wait_file_like "$TMP/zero.out" '^ACCEPT ' 10; then
    line=$(grep '^ACCEPT ' "$TMP/zero.out")
    like "$line" '^ACCEPT 127\.0\.0\.1:[0-9]+$' "-accept 127.0.0.1:0 prints ACCEPT 127.0.0.1:PORT"
    p=${line##*:}
    is "$(one_client "$p")" 200 "... and that port serves"
else
    fail "-accept 127.0.0.1:0 prints ACCEPT with the address"
    skip 1 "no port"
fi
stop_bg zero

start_bg any "${SERVER[@]}" -www -accept 0 -4 "${rsa_id[@]}"
wait_file_like "$TMP/any.out" '^ACCEPT ' 10
file_like "$TMP/any.out" '^ACCEPT 0\.0\.0\.0:[0-9]+$' "-accept 0 -4 prints ACCEPT 0.0.0.0:PORT"
stop_bg any

if has_ipv6_loopback; then
    start_bg six "${SERVER[@]}" -www -accept 0 -6 "${rsa_id[@]}"
    wait_file_like "$TMP/six.out" '^ACCEPT ' 10
    file_like "$TMP/six.out" '^ACCEPT \[::\]:[0-9]+$' "-accept 0 -6 prints ACCEPT [::]:PORT"
    p=$(sed -n 's/^ACCEPT \[::\]://p' "$TMP/six.out")
    code=$(with_timeout 10 curl -sS -k -o /dev/null -w '%{http_code}' "https://[::1]:$p/" 2>/dev/null)
    is "$code" 200 "-6: served over ::1"
    code=$(with_timeout 5 curl -sS -k -o /dev/null -w '%{http_code}' "https://127.0.0.1:$p/" 2>/dev/null)
    isnt "$code" 200 "-6: not over IPv4"
    stop_bg six
else
    skip 4 "no IPv6 loopback"
fi

# --- -port ---------------------------------------------------------------------------------------
p=$(free_port)
if start_server port "$p" "${SERVER[@]}" -www -port "$p" "${rsa_id[@]}"; then
    file_like "$TMP/port.out" '^ACCEPT$' "-port N prints plain ACCEPT"
    is "$(one_client "$p")" 200 "-port N serves"
    stop_bg port
else
    fail "-port N starts"
fi

# --- -unix -----------------------------------------------------------------------------------------
sock=$TMP/s.sock
printf 'not a socket' > "$sock"
with_timeout 10 "${SERVER[@]}" -unix "$sock" "${rsa_id[@]}" </dev/null >"$TMP/u0.out" 2>"$TMP/u0.err"
isnt "$?" 0 "-unix on an existing file fails without -unlink"
start_bg unix "${SERVER[@]}" -rev -unix "$sock" -unlink "${rsa_id[@]}"
if wait_file_like "$TMP/unix.out" '^ACCEPT' 10; then
    file_like "$TMP/unix.out" "^ACCEPT localhost:$sock\$" "-unix prints ACCEPT localhost:PATH as openssl does"
    out=$( (echo abc; sleep 0.5) | with_timeout 10 openssl s_client -quiet -unix "$sock" 2>/dev/null)
    is "$out" cba "-unix -unlink: a client over the socket is served"
else
    fail "-unix -unlink starts"
    skip 1 "no server"
fi
stop_bg unix

# --- -naccept --------------------------------------------------------------------------------------
for workers in 1 2 4; do
    if srv_up nacc -www -naccept 3 -workers "$workers" "${rsa_id[@]}"; then
        codes=""
        for i in 1 2 3; do codes+="$(one_client "$PORT") "; done
        is "$codes" "200 200 200 " "-naccept 3 -workers $workers: three clients served"
        wait_exit nacc 10
        ok $? "-naccept 3 -workers $workers: the server exits after the third"
        is "$WAIT_STATUS" 0 "-naccept 3 -workers $workers: exit status 0"
        file_like "$TMP/nacc.out" '^ *3 server accepts that finished' \
            "-naccept 3 -workers $workers: the summary counts three accepts"
        ok "$(port_in_use "$PORT" && ss -Hltn "( sport = :$PORT )" | grep -q .; echo $((!$?)))" \
            "-naccept 3 -workers $workers: nothing listens any more"
        rm -f "$TMP"/nacc.*
    else
        fail "-naccept 3 -workers $workers starts"
    fi
done

# -naccept with connections in flight: each of them is served to the end
if srv_up inflight -www -naccept 5 -workers 2 "${rsa_id[@]}"; then
    pids=()
    for i in 1 2 3 4 5; do
        ( (sleep 1; printf 'GET / HTTP/1.0\r\n\r\n') |
            with_timeout 10 openssl s_client -quiet -connect "127.0.0.1:$PORT" 2>/dev/null \
            >"$TMP/inflight.$i" ) &
        pids+=($!)
    done
    wait "${pids[@]}"
    n=0
    for i in 1 2 3 4 5; do grep -q 'Cipher is' "$TMP/inflight.$i" && n=$((n + 1)); done
    is "$n" 5 "-naccept 5: five simultaneous clients all get their page before the exit"
    wait_exit inflight 10
    ok $? "-naccept 5: then the server exits"
else
    fail "-naccept 5 -workers 2 starts"
fi
no_sanitizer_reports
done_testing

#!/usr/bin/env bash
# Many clients at once: 20 simultaneous clients of -www are all served together (openssl's
# s_server serves them one after the other); a client that connects and sends nothing stops
# nobody and is dropped after the handshake timeout; the connection limit is announced and
# respected; sessions resume whichever worker a client lands on.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/helpers.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"
command -v curl >/dev/null || skip_all "curl not installed"

# open_clients N PORT: starts N openssl s_client processes (background names c0..cN-1) that
# connect at once and send nothing yet; sets OPENED to how many have finished their handshake
# within 10 s. A server that serves one connection at a time gets one of them through: the others
# wait behind the first, which holds its connection without asking anything.
open_clients() {
    local n=$1 port=$2 i t done_=0
    for ((i = 0; i < n; i++)); do
        start_bg "c$i" openssl s_client -connect "127.0.0.1:$port" -ign_eof
    done
    for ((t = 0; t < 100 && done_ < n; t++)); do
        done_=0
        for ((i = 0; i < n; i++)); do grep -q '^New, ' "$TMP/c$i.out" 2>/dev/null && done_=$((done_ + 1)); done
        ((done_ < n)) && sleep 0.1
    done
    OPENED=$done_
}

# --- 20 at once -----------------------------------------------------------------------------------
if srv_up many -www -workers 2 "${rsa_id[@]}"; then
    start=$(date +%s.%N)
    open_clients 20 "$PORT"
    got=$OPENED
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    is "$got" 20 "-www: 20 simultaneous clients all complete their handshakes while none has asked yet"
    ok "$(echo "$secs < 8" | bc | grep -q 1; echo $?)" "-www: ... within ${secs} s"
    diag "20 simultaneous handshakes (clients holding their connections): ${secs} s"
    for ((i = 0; i < 20; i++)); do send_line "c$i" "GET / HTTP/1.0"; send_line "c$i" ""; done
    served=0
    for ((i = 0; i < 20; i++)); do
        wait_file_like "$TMP/c$i.out" 'Ciphers supported in s_server binary' 5 && served=$((served + 1))
    done
    is "$served" 20 "-www: then all 20 get their page"
    for ((i = 0; i < 20; i++)); do stop_bg "c$i"; done
    stop_bg many
else
    fail "-www -workers 2 starts"; skip 2 "no server"
fi

# --- a silent client -----------------------------------------------------------------------------
if srv_up silent -www -workers 1 "${rsa_id[@]}"; then
    exec {quiet_fd}<>"/dev/tcp/127.0.0.1/$PORT"
    # and one that sends half a request after its handshake
    ( (printf 'GET / HT'; sleep 20) | with_timeout 25 openssl s_client -quiet \
        -connect "127.0.0.1:$PORT" >/dev/null 2>&1 ) &
    half=$!
    sleep 0.5
    start=$(date +%s.%N)
    code=$(with_timeout 10 curl -sS -k -o /dev/null -w '%{http_code}' "https://127.0.0.1:$PORT/")
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    is "$code" 200 "-workers 1: a client that sends nothing does not stop the next one"
    ok "$(echo "$secs < 3" | bc | grep -q 1; echo $?)" "... which is served at once (${secs} s)"
    wait_file_like "$TMP/silent.err" 'no complete handshake within 10 s; dropped' 15
    ok $? "the silent client is dropped after the handshake timeout, with a warning"
    ok "$(is_running silent; echo $?)" "the server keeps running"
    code=$(with_timeout 10 curl -sS -k -o /dev/null -w '%{http_code}' "https://127.0.0.1:$PORT/")
    is "$code" 200 "and keeps serving"
    exec {quiet_fd}>&-
    kill "$half" 2>/dev/null
    wait "$half" 2>/dev/null
    stop_bg silent
else
    fail "-www -workers 1 starts"; skip 4 "no server"
fi

# --- the connection limit ------------------------------------------------------------------------
# 48 descriptors leave room for 16 connections (32 are kept for files, stdio and epoll).
PORT=$(free_port)
start_bg limit bash -c 'ulimit -n 48 && exec "$@"' _ "${SERVER[@]}" -www -workers 1 \
    -accept "127.0.0.1:$PORT" "${rsa_id[@]}"
if wait_port "$PORT" 10 limit; then
    fds=()
    for ((i = 0; i < 20; i++)); do
        exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" && fds+=("$fd")
    done
    wait_file_like "$TMP/limit.err" 'simultaneous connections \(the limit\)' 5
    ok $? "the connection limit is announced once it is reached"
    is "$(count_lines "$TMP/limit.err" 'the limit')" 1 "... once"
    ok "$(is_running limit; echo $?)" "at the limit the server keeps running"
    ( with_timeout 20 curl -sS -k -o /dev/null -w '%{http_code}' "https://127.0.0.1:$PORT/" \
        >"$TMP/limit.code" 2>/dev/null ) &
    waiting=$!
    sleep 1
    for fd in "${fds[@]}"; do exec {fd}>&-; done
    wait "$waiting"
    is "$(cat "$TMP/limit.code")" 200 "a client that waited in the backlog is served once others leave"
    stop_bg limit
else
    fail "server with 48 descriptors starts"; skip 3 "no server"
fi

# --- resumption across workers --------------------------------------------------------------------
# resume_all TAG VER ARGS...: one full handshake, then 6 resumptions; all must resume.
resume_all() {
    local tag=$1 ver=$2 i reused=0; shift 2
    # stdin stays open a moment, so the client reads the TLS 1.3 tickets before it leaves
    sleep 1.5 | with_timeout 10 openssl s_client -connect "127.0.0.1:$PORT" "-$ver" \
        -sess_out "$TMP/sess.pem" "$@" >"$TMP/first.out" 2>&1
    for ((i = 0; i < 6; i++)); do
        with_timeout 10 openssl s_client -connect "127.0.0.1:$PORT" "-$ver" -sess_in "$TMP/sess.pem" \
            "$@" </dev/null >"$TMP/again.out" 2>&1
        grep -q '^Reused, ' "$TMP/again.out" && reused=$((reused + 1))
    done
    is "$reused" 6 "$tag: 6 of 6 connections resumed"
}
if srv_up resume -www -workers 4 "${rsa_id[@]}"; then
    resume_all "-workers 4, TLS 1.3 tickets" tls1_3
    resume_all "-workers 4, TLS 1.2 tickets" tls1_2
    resume_all "-workers 4, TLS 1.2 session IDs (shared cache)" tls1_2 -no_ticket
    stop_bg resume
else
    fail "-workers 4 starts"; skip 2 "no server"
fi
if srv_up nocache -www -workers 2 -no_cache "${rsa_id[@]}"; then
    with_timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 -no_ticket \
        -sess_out "$TMP/sess.pem" </dev/null >/dev/null 2>&1
    out=$(with_timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 -no_ticket \
        -sess_in "$TMP/sess.pem" </dev/null 2>&1)
    like "$out" '^New, ' "-no_cache: a TLS 1.2 session ID is not resumed"
    stop_bg nocache
else
    fail "-no_cache starts"
fi
no_sanitizer_reports
done_testing

#!/usr/bin/env bash
# The connection limit, and SIGPIPE. With few descriptors (prlimit --nofile=64, which leaves
# room for about 32 connections) a crowd of silent clients fills s_server -www: it must say
# so in one clear warning, keep the listening socket, and serve a real client as soon as the
# silent ones are timed out. Then both programs write into a connection the peer has reset:
# neither may die of SIGPIPE (exit status 141).
source "$(dirname "$0")/../lib.sh"

PEER=("python3" "$TESTS_DIR/hostile/peer.py")

# --- the connection limit ---------------------------------------------------------------------
if server_is_openssl; then
    skip 5 "the connection limit is ours"
elif ! command -v prlimit >/dev/null; then
    skip 5 "no prlimit (util-linux)"
else
    port=$(free_port) || bail_out "no free port"
    start_server srv "$port" prlimit --nofile=64:64 "${SERVER[@]}" -accept "127.0.0.1:$port" \
        -cert "$CERTS/ec.pem" -key "$CERTS/ec.key" -www -workers 2 ||
        bail_out "s_server -www did not start under prlimit"
    python3 - "$port" > "$TMP/crowd.out" 2>&1 <<'PY' &
import socket, sys, time
socks = []
for i in range(40):
    s = socket.socket()
    s.settimeout(5)
    s.connect(("127.0.0.1", int(sys.argv[1])))
    socks.append(s)
print("connected", len(socks), flush=True)
time.sleep(25)
PY
    crowd=$!
    sleep 1
    wait_file_like "$TMP/srv.err" 'simultaneous connections.*limit' 5
    file_like "$TMP/srv.err" 'warning: [0-9]+ simultaneous connections.*\(the limit\)' \
        "reaching the connection limit is logged"
    start=$SECONDS
    body=$(with_timeout 25 curl -sk --max-time 20 "https://127.0.0.1:$port/")
    waited=$((SECONDS - start))
    like "$body" 's_server' "a real client is served once the silent ones time out (waited ${waited} s)"
    ((waited <= 15))
    ok $? "... within the 10 s handshake timeout and a margin"
    ok "$(is_running srv; echo $?)" "the server is still running"
    kill "$crowd" 2>/dev/null
    wait "$crowd" 2>/dev/null
    stop_bg srv
    file_unlike "$TMP/srv.err" 'AddressSanitizer|runtime error|LeakSanitizer' \
        "s_server under the limit: no sanitizer report"
fi

# --- SIGPIPE ------------------------------------------------------------------------------------
# s_server (interactive): what is typed goes to a client that has reset.
port=$(free_port) || bail_out "no free port"
if start_server isrv "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" -cert "$CERTS/ec.pem" \
    -key "$CERTS/ec.key"; then
    start_bg resetter "${PEER[@]}" tls-reset 127.0.0.1 "$port" 1
    for ((i = 0; i < 40; i++)); do
        send_line isrv "line $i: $(printf '%0200d' 0)" 2>/dev/null
        sleep 0.05
    done
    wait_exit resetter 10
    sleep 0.5
    ok "$(is_running isrv; echo $?)" "s_server writing to a reset client: still running"
    # and it takes the next client
    out=$(echo | with_timeout 10 openssl s_client -connect "127.0.0.1:$port" 2>&1)
    like "$out" 'CONNECTED' "s_server writing to a reset client: the next client is accepted"
    stop_bg isrv
    file_unlike "$TMP/isrv.err" 'AddressSanitizer|runtime error|LeakSanitizer' \
        "s_server: no sanitizer report"
else
    fail "s_server (interactive) starts"
fi

# s_client: what is typed goes to a server that has reset.
port=$(free_port) || bail_out "no free port"
start_bg rsrv "${PEER[@]}" reset-server 127.0.0.1 "$port" "$CERTS/ec.pem" "$CERTS/ec.key"
wait_port "$port" 10 rsrv || bail_out "the resetting server did not listen"
# a steady stream on stdin for 4 s: the writes after the reset must fail, not kill
for ((i = 0; i < 80; i++)); do printf 'line %d %0200d\n' "$i" 0; sleep 0.05; done |
    with_timeout 20 "${CLIENT[@]}" -connect "127.0.0.1:$port" > "$TMP/cli.out" 2> "$TMP/cli.err"
rc=$?
isnt "$rc" 141 "s_client writing to a reset server: not killed by SIGPIPE"
ok "$((rc == 124 ? 1 : 0))" "s_client writing to a reset server: ends by itself (exit $rc; openssl exits with the errno too)"
file_unlike "$TMP/cli.err" 'AddressSanitizer|runtime error|LeakSanitizer' "s_client: no sanitizer report"
wait_exit rsrv 10
done_testing

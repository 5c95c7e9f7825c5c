#!/usr/bin/env bash
# -timing: the breakdown on stderr (resolve, connect, proxy, handshake, first byte, total) with
# the usual report left alone on stdout, and the same numbers in -json, through a small HTTP
# CONNECT proxy so that the proxy step is timed too.
source "$(dirname "$0")/../lib.sh"
source "$TESTS_DIR/json/helpers.sh"

client_is_openssl && skip_all "-timing is ours"

port=$(free_port) || bail_out "no free port"
start_server srv "$port" openssl s_server -accept "127.0.0.1:$port" -cert "$CERTS/rsa.pem" \
    -key "$CERTS/rsa.key" -www || bail_out "openssl s_server did not start"

printf 'GET / HTTP/1.0\r\n\r\n' | with_timeout 20 "${CLIENT[@]}" -timing -ign_eof \
    -connect "localhost:$port" > "$TMP/t.out" 2> "$TMP/t.err"
is "$?" 0 "-timing: exit 0"
file_like "$TMP/t.err" '^Timing: resolve [0-9.]+ ms, connect [0-9.]+ ms, handshake [0-9.]+ ms, first byte [0-9.]+ ms, total [0-9.]+ ms$' \
    "-timing: one line with every step that happened"
file_like "$TMP/t.out" '^CONNECTED\(' "-timing: the report is still on stdout"
file_like "$TMP/t.out" 'HTTP/1\.0 200' "-timing: and so is the server's data"

# a CONNECT proxy: reads the request head, connects, answers 200, then relays both ways
pport=$(free_port) || bail_out "no free port"
start_bg proxy python3 -c '
import socket, sys, threading
def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            b.sendall(d)
    except OSError: pass
    finally:
        try: b.shutdown(socket.SHUT_WR)
        except OSError: pass
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
while True:
    c, _ = s.accept(); head = b""
    while b"\r\n\r\n" not in head: head += c.recv(4096)
    host, port = head.split()[1].decode().rsplit(":", 1)
    u = socket.create_connection((host.strip("[]"), int(port)))
    c.sendall(b"HTTP/1.0 200 Connection established\r\n\r\n")
    threading.Thread(target=pipe, args=(c, u), daemon=True).start()
    threading.Thread(target=pipe, args=(u, c), daemon=True).start()
' "$pport"
wait_port "$pport" 10 proxy || bail_out "proxy did not start"

printf 'GET / HTTP/1.0\r\n\r\n' | with_timeout 20 "${CLIENT[@]}" -json -timing -ign_eof \
    -proxy "127.0.0.1:$pport" -connect "127.0.0.1:$port" > "$TMP/p.json" 2> "$TMP/p.err"
is "$?" 0 "through the proxy: exit 0"
schema_ok "$TMP/p.json" "through the proxy: valid JSON"
jq_is "$TMP/p.json" '.timing | [.resolve_ms, .connect_ms, .proxy_ms, .handshake_ms,
    .first_byte_ms] | map(. != null and . >= 0) | all' true "through the proxy: every step timed"
jq_is "$TMP/p.json" '.timing.starttls_ms' null "through the proxy: no STARTTLS step"
jq_is "$TMP/p.json" '.timing.total_ms >= .timing.handshake_ms' true "through the proxy: total"
file_like "$TMP/p.err" '^Timing: .*proxy [0-9.]+ ms, handshake' "through the proxy: -timing shows it"
stop_bg proxy
stop_bg srv
done_testing

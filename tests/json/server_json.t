#!/usr/bin/env bash
# s_server -json: one line per connection (JSON Lines), for TLS 1.3 and 1.2 clients and for a
# client whose handshake fails; stdout holds nothing but JSON (-msg goes to stderr), and each
# line is valid against docs/tlstool.schema.json.
source "$(dirname "$0")/../lib.sh"
source "$TESTS_DIR/json/helpers.sh"

server_is_openssl && skip_all "-json is ours: openssl s_server has no such option"

port=$(free_port) || bail_out "no free port"
start_server srv "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" -cert "$CERTS/rsa.pem" \
    -key "$CERTS/rsa.key" -www -json -msg -tls1_3 -alpn h2 -naccept 3 ||
    bail_out "s_server -json did not start"

# client N ARGS...: openssl s_client ARGS against the server; waits for line N of its output.
client() {
    local n=$1; shift
    printf 'GET / HTTP/1.0\r\n\r\n' | with_timeout 10 openssl s_client -connect "127.0.0.1:$port" \
        -ign_eof "$@" > "$TMP/c$n.out" 2>&1
    for ((i = 0; i < 50; i++)); do
        (( $(wc -l < "$TMP/srv.out") >= n )) && return 0
        sleep 0.1
    done
    return 1
}

client 1 -servername localhost -alpn h2
client 2 -tls1_2                    # refused: the server is -tls1_3 only
client 3 -cert "$CERTS/client.pem" -key "$CERTS/client.key"
wait_exit srv 10

sed -n 1p "$TMP/srv.out" > "$TMP/l1.json"
sed -n 2p "$TMP/srv.out" > "$TMP/l2.json"
is "$(wc -l < "$TMP/srv.out")" 3 "three connections, three lines"
schema_ok "$TMP/srv.out" "every line valid against the schema"
file_unlike "$TMP/srv.out" '^ACCEPT|^-----BEGIN|^<<<|^>>>' "nothing but JSON on stdout"
file_like "$TMP/srv.err" 'ClientHello' "-msg with -json: the trace is on stderr"

jq_is "$TMP/l1.json" '.program + " " + .status' "s_server ok" "TLS 1.3: program and status"
jq_is "$TMP/l1.json" .protocol TLSv1.3 "TLS 1.3: protocol"
jq_is "$TMP/l1.json" .sni localhost "TLS 1.3: the SNI the client sent"
jq_is "$TMP/l1.json" .alpn h2 "TLS 1.3: ALPN chosen"
jq_is "$TMP/l1.json" '.peer.address + " " + .peer.family' "127.0.0.1 ipv4" "TLS 1.3: the client's address"
jq_is "$TMP/l1.json" '.client_hello.server_name' localhost "TLS 1.3: the hello's SNI"
jq_is "$TMP/l1.json" '.client_hello.ja4 | test("^t13d")' true "TLS 1.3: JA4"
jq_is "$TMP/l1.json" '.timing.handshake_ms >= 0' true "TLS 1.3: handshake time"
jq_is "$TMP/l1.json" '.chain' '[]' "TLS 1.3: no client certificate"

jq_is "$TMP/l2.json" '.status + " " + .error.class' "error handshake" "refused TLS 1.2 client: error line"
jq_is "$TMP/l2.json" '.client_hello.ja4 | test("^t12i")' true \
    "refused TLS 1.2 client: its hello is still analysed"
jq_is "$TMP/l2.json" '.error.reason | length > 0' true "refused TLS 1.2 client: the library's reason"

sed -n 3p "$TMP/srv.out" > "$TMP/l3.json"
jq_is "$TMP/l3.json" .status ok "client certificate: ok"

# a client that connects and never says hello: dropped after the server's 10 s handshake
# limit, with a line of class timeout
port=$(free_port) || bail_out "no free port"
start_server tsrv "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" -cert "$CERTS/rsa.pem" \
    -key "$CERTS/rsa.key" -www -json || bail_out "s_server -json did not start"
start_bg mute python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); time.sleep(20)' "$port"
wait_file_like "$TMP/tsrv.out" '"class":"timeout"' 20
schema_ok "$TMP/tsrv.out" "silent client: valid line"
jq_is "$TMP/tsrv.out" '.error.class + " " + (.client_hello == null | tostring)' "timeout true" \
    "silent client: class timeout, no hello to analyse"
stop_bg mute
stop_bg tsrv
done_testing

#!/usr/bin/env bash
# Hostile and broken clients against s_server -WWW, all at once: one that connects and sends
# nothing, one that stalls in the middle of its ClientHello (slowloris), one that sends
# garbage, one that resets mid-handshake, one that resets mid-transfer, one that stalls in the
# middle of its request head, and one that never reads a large answer. Meanwhile ordinary
# clients must be served; the stalled ones must be dropped with a warning naming them (the
# server allows 10 s for a handshake, 30 s for a request head or for a stalled reader); the
# server must keep running, and never die of SIGPIPE.
source "$(dirname "$0")/../lib.sh"

server_is_openssl && skip_all "the timeouts are ours: openssl s_server serves one client at a time"
command -v curl >/dev/null || skip_all "no curl"

PEER=("python3" "$TESTS_DIR/hostile/peer.py")
docroot=$TMP/www
mkdir -p "$docroot"
echo hello > "$docroot/index.html"
head -c 20000000 /dev/zero > "$docroot/big.bin"

port=$(free_port) || bail_out "no free port"
cd "$docroot" || bail_out "no docroot"
start_server srv "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" -cert "$CERTS/ec.pem" \
    -key "$CERTS/ec.key" -WWW || bail_out "s_server -WWW did not start"
cd "$TMP" || bail_out "no temp dir"

# hostile NAME MODE ARGS...: one bad client in the background; its report in $TMP/NAME.out.
hostile() {
    local name=$1; shift
    start_bg "$name" "${PEER[@]}" "$1" 127.0.0.1 "$port" "${@:2}"
}
hostile silent silent 25
hostile partial partial-hello 25
hostile garbage garbage 25
hostile rst_hs reset-handshake
hostile rst_xfer reset-transfer /big.bin
hostile slowhead slow-head 45
hostile noread noread /big.bin 42

# Ordinary clients, every 2 s while the bad ones misbehave (about 40 s: past every timeout).
served=0 tries=0
for ((i = 0; i < 20; i++)); do
    tries=$((tries + 1))
    body=$(with_timeout 10 curl -sk --max-time 8 "https://127.0.0.1:$port/index.html")
    [[ $body == hello ]] && served=$((served + 1))
    sleep 2
done
is "$served/$tries" "$tries/$tries" "ordinary clients are served while the bad ones misbehave"

for name in silent partial garbage rst_hs rst_xfer slowhead noread; do wait_exit "$name" 30; done

# port_of NAME: the local port the peer reported.
port_of() { sed -n 's/^\[port \([0-9]*\)\].*/\1/p' "$TMP/$1.out" | head -n 1; }
# closed_within NAME MIN MAX DESC: the server closed the peer's connection between MIN and MAX s.
closed_within() {
    local t
    t=$(sed -n 's/.*closed after \([0-9]*\)\..*/\1/p' "$TMP/$1.out")
    if [[ -n $t ]] && ((t >= $2 && t <= $3)); then pass "$4 (after ${t} s)"; else
        fail "$4"; diag_file "$TMP/$1.out" "$1"
    fi
}
# warned NAME REGEX DESC: the server's stderr has a warning about the peer's connection.
warned() {
    local p
    p=$(port_of "$1")
    if [[ -n $p ]] && grep -Eq -- "127\.0\.0\.1:$p: .*$2" "$TMP/srv.err"; then pass "$3"; else
        fail "$3"; diag "peer port '${p}'"; diag_file "$TMP/$1.out" "$1"
        diag_file "$TMP/srv.err" "server stderr"
    fi
}

closed_within silent 5 20 "a client that sends nothing is dropped"
warned silent "handshake" "... with a warning naming it"
closed_within partial 5 20 "a client that stalls in its ClientHello is dropped"
warned partial "handshake" "... with a warning naming it"
closed_within garbage 0 3 "a client that sends garbage is dropped at once"
warned garbage "handshake failed" "... with a warning naming it"
file_like "$TMP/rst_hs.out" '\] reset$' "a client resets in the middle of the handshake"
warned rst_hs "." "... and the server notes it"
file_like "$TMP/rst_xfer.out" 'reset after [0-9]+ bytes' "a client resets in the middle of a large answer"
warned rst_xfer "(reset|failed|closed)" "... and the server notes it"
closed_within slowhead 20 40 "a client that stalls in its request head is dropped"
warned slowhead "request" "... with a warning naming it"
file_like "$TMP/noread.out" 'held' "a client that never reads a large answer"
warned noread "answer not read within 30 s; dropped" "... is dropped, with a warning naming it and why"

# The same server, after all that.
body=$(with_timeout 10 curl -sk --max-time 8 "https://127.0.0.1:$port/index.html")
is "$body" hello "the server still answers afterwards"
ok "$(is_running srv; echo $?)" "the server is still running (no crash, no SIGPIPE)"
file_unlike "$TMP/srv.err" 'AddressSanitizer|runtime error|LeakSanitizer' "no sanitizer report"
stop_bg srv
done_testing

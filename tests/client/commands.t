#!/usr/bin/env bash
# The connected commands: Q quits, R renegotiates (TLS 1.2; -prexit then reports again; a
# server that refuses ends the session with status 1, as openssl's does), k/K update keys
# (TLS 1.3), B explains that heartbeats are gone; -nocommands and -ign_eof send the letters
# as data; stdin EOF ends with DONE; a reader of stdout that goes away (| head) is no error.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib_client.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"

port=$(free_port) || bail_out "no free port"
ref_server srv "$port" -client_renegotiation || bail_out "openssl s_server does not start"
target=(-connect "127.0.0.1:$port")

# start_client NAME ARGS...: our client in the background, its handshake done.
start_client() {
    local name=$1; shift
    start_bg "$name" "${CLIENT[@]}" "${target[@]}" "$@"
    wait_file_like "$TMP/$name.out" '^(New|Reused), ' 10 || {
        diag_file "$TMP/$name.err" "$name stderr"; return 1; }
}

# R under TLS 1.2, with -prexit: a report after the renegotiation and one at exit
start_client reneg -tls1_2 -prexit
send_line reneg "before-reneg-$$"
wait_file_like "$TMP/srv.out" "before-reneg-$$" 5
ok $? "R: data goes through first"
send_line reneg "R"
wait_file_like "$TMP/reneg.err" '^RENEGOTIATING$' 5
ok $? "R: RENEGOTIATING"
for ((i = 0; i < 50; i++)); do
    (($(grep -c '^Certificate chain$' "$TMP/reneg.out") >= 2)) && break
    sleep 0.1
done
client_is_openssl && TODO="openssl's -prexit reports only at exit"
is "$(grep -c '^Certificate chain$' "$TMP/reneg.out")" 2 "-prexit: reported again after R"
TODO=
send_line reneg "after-reneg-$$"
wait_file_like "$TMP/srv.out" "after-reneg-$$" 5
ok $? "R: data goes through after the renegotiation"
send_line reneg "Q"
wait_exit reneg 10
is "$WAIT_STATUS" 0 "Q: exit 0"
file_like "$TMP/reneg.err" '^DONE$' "Q: DONE"
client_is_openssl && TODO="openssl's -prexit reports only at exit"
is "$(grep -c '^Certificate chain$' "$TMP/reneg.out")" 3 "-prexit: a last report at exit"
TODO=
file_unlike "$TMP/srv.out" '^Q$' "Q: not sent as data"

# k and K under TLS 1.3
start_client keys -tls1_3
send_line keys "k"
wait_file_like "$TMP/keys.err" '^KEYUPDATE$' 5
ok $? "k: KEYUPDATE"
send_line keys "K"
for ((i = 0; i < 50; i++)); do
    (($(grep -c '^KEYUPDATE$' "$TMP/keys.err") >= 2)) && break
    sleep 0.1
done
is "$(grep -c '^KEYUPDATE$' "$TMP/keys.err")" 2 "K: KEYUPDATE"
send_line keys "after-keyupdate-$$"
wait_file_like "$TMP/srv.out" "after-keyupdate-$$" 5
ok $? "k/K: data goes through after the key updates"
file_unlike "$TMP/srv.out" '^[kK]$' "k/K: not sent as data"

# B: no heartbeats in OpenSSL 3.0; said so, nothing sent
send_line keys "B"
client_is_openssl && TODO="openssl 3.0 sends the line as data"
wait_file_like "$TMP/keys.err" 'heartbeat' 5
ok $? "B: explains that heartbeats are not available"
TODO=
close_stdin keys
wait_exit keys 10
is "$WAIT_STATUS" 0 "stdin EOF: exit 0"
file_like "$TMP/keys.err" '^DONE$' "stdin EOF: DONE"

# -nocommands and -ign_eof: the letters are data
start_client nocmd -nocommands
send_line nocmd "Q"
wait_file_like "$TMP/srv.out" '^Q$' 5
ok $? "-nocommands: Q is sent as data"
ok "$(is_running nocmd; echo $?)" "-nocommands: still connected after Q"
close_stdin nocmd
wait_exit nocmd 10
start_client igneof -ign_eof
send_line igneof "R"
wait_file_like "$TMP/srv.out" '^R$' 5
ok $? "-ign_eof: R is sent as data"
close_stdin igneof
sleep 0.5
ok "$(is_running igneof; echo $?)" "-ign_eof: stdin EOF does not end the session"
stop_bg igneof
stop_bg srv

# a server that refuses renegotiation (openssl's default): the session ends, status 1
port2=$(free_port) || bail_out "no free port"
ref_server srv2 "$port2" || bail_out "openssl s_server does not start"
(sleep 0.5; echo R; sleep 1; echo after) | with_timeout 10 "${CLIENT[@]}" -connect "127.0.0.1:$port2" \
    -tls1_2 > "$TMP/refused.out" 2> "$TMP/refused.err"
is "$?" 1 "R refused by the server: exit 1"
client_is_openssl || file_like "$TMP/refused.err" 'renegotiation failed: no renegotiation' \
    "R refused by the server: says so"

# stdout's reader gone early (| head): TLS 1.3 tickets still come in; exit 0, as openssl's
for i in 1 2 3; do
    sleep 0.5 | with_timeout 10 "${CLIENT[@]}" -connect "127.0.0.1:$port2" -showcerts \
        2> "$TMP/head$i.err" | head -n 1 > /dev/null
    is "${PIPESTATUS[1]}" 0 "| head -n 1, run $i: exit 0"
done
file_unlike "$TMP/head1.err" 'errno' "| head: no read error reported"
stop_bg srv2
done_testing

#!/usr/bin/env bash
# The connected commands: Q quits, R renegotiates (TLS 1.2; -prexit then reports again),
# k/K update keys (TLS 1.3), B explains that heartbeats are gone; -nocommands and -ign_eof
# send the letters as data; stdin EOF ends with DONE.
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
done_testing

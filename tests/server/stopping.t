#!/usr/bin/env bash
# Ending the server and its connections the hard ways, and two stalls that must neither spin
# nor hang:
# - a signal while a client takes none of what stdin sends it: one SIGTERM ends the server
#   politely (within the time a stalled answer gets), a second at once; meanwhile stdin is
#   read only as fast as the client takes it, not all into memory;
# - a -WWW download cut short by the stop: no close_notify, so the client can tell;
# - a client gone without close_notify: ERROR, as openssl s_server says (side by side);
# - -rev with a burst of lines past the output's high-water mark: answered to the last line;
# - -stateless with half a compatibility ChangeCipherSpec: the server waits, not spins.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/helpers.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"
server_is_openssl && skip_all "these are our server's ways: openssl s_server dies on a signal"

PEER=(python3 "$TESTS_DIR/hostile/peer.py")

# server_pid NAME: the server's own PID (start_bg runs it under timeout).
server_pid() { pgrep -P "${BG_PID[$1]}" | head -n 1; }

# cpu_ticks PID: user + system CPU of PID, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }

# gone PID SECS: waits up to SECS for PID to exit.
gone() {
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

# rss_kib PID: resident memory of PID.
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# 1. interactive, a client that reads nothing, 200 MB on stdin; then SIGTERM, SIGTERM
if srv_up hold "${rsa_id[@]}"; then
    spid=$(server_pid hold)
    start_bg holder "${PEER[@]}" hold 127.0.0.1 "$PORT" 30
    wait_file_like "$TMP/holder.out" '^connected' 10
    rss0=$(rss_kib "$spid")
    head -c 200000000 /dev/zero > "$TMP/hold.in" &
    writer=$!
    sleep 3
    grown=$(($(rss_kib "$spid") - rss0))
    ((grown < 32768))
    ok $? "stdin is taken only as fast as the client reads (RSS grew ${grown} KiB)"
    kill -TERM "$spid"
    sleep 1.5
    ok "$(kill -0 "$spid" 2>/dev/null; echo $?)" \
        "one SIGTERM: the server finishes politely, still waiting for the client"
    kill -TERM "$spid"
    gone "$spid" 5
    ok $? "a second SIGTERM: the server ends at once"
    kill "$writer" 2>/dev/null
    wait "$writer" 2>/dev/null
    stop_bg holder
    stop_bg hold
else
    fail "interactive server starts"; skip 2 "no server"
fi

# 2. a -WWW download when the server stops: cut short without a close_notify
docroot=$TMP/www
mkdir -p "$docroot"
head -c 50000000 /dev/zero > "$docroot/big.bin"
cd "$docroot" || bail_out "no docroot"
if srv_up www "${rsa_id[@]}" -WWW; then
    cd "$TMP" || bail_out "no temp dir"
    start_bg dl "${PEER[@]}" download 127.0.0.1 "$PORT" /big.bin
    sleep 1
    kill -TERM "$(server_pid www)"
    wait_exit dl 30
    file_like "$TMP/dl.out" '^no close_notify after [0-9]+ bytes$' \
        "download cut short by the stop: no close_notify"
    wait_file_like "$TMP/www.err" 'answer cut short: the server is stopping' 5
    ok $? "download cut short: a warning names the client"
    wait_exit www 10
    is "$WAIT_STATUS" 0 "the server exits 0 after SIGTERM"
else
    cd "$TMP" || bail_out "no temp dir"
    fail "-WWW server starts"; skip 3 "no server"
fi

# 3. a client gone without close_notify: ERROR, as openssl says
if srv_up eof "${rsa_id[@]}"; then
    "${PEER[@]}" bare-eof 127.0.0.1 "$PORT" > /dev/null
    wait_file_like "$TMP/eof.out" '^ERROR$' 5
    ok $? "bare EOF: ERROR"
    file_unlike "$TMP/eof.out" '^DONE$' "bare EOF: not DONE"
    stop_bg eof
else
    fail "interactive server starts"; skip 1 "no server"
fi
oport=$(free_port) || bail_out "no free port"
if start_server oeof "$oport" openssl s_server -accept "127.0.0.1:$oport" "${rsa_id[@]}" \
    -naccept 1; then
    "${PEER[@]}" bare-eof 127.0.0.1 "$oport" > /dev/null
    wait_exit oeof 10
    file_like "$TMP/oeof.out" '^ERROR$' "bare EOF: openssl s_server says ERROR too"
else
    fail "openssl s_server starts"
fi

# 4. -rev: a burst of lines past the output's high-water mark, all waiting at once (the server
# is stopped while it is sent), is answered to its last line with no more input. (Whether
# the last line is then already read ahead by the library depends on how the bytes split
# into reads; the server looks for such data whenever its output has gone down.)
if srv_up rev "${rsa_id[@]}" -rev -quiet; then
    start_bg burst "${PEER[@]}" rev-burst 127.0.0.1 "$PORT"
    wait_file_like "$TMP/burst.out" '^ready' 10
    spid=$(server_pid rev)
    kill -STOP "$spid"
    send_line burst go
    sleep 0.5
    kill -CONT "$spid"
    wait_exit burst 20
    file_like "$TMP/burst.out" '^olleh$' "-rev: a burst is answered to its last line"
    # half a record waits for the rest without spinning (libssl holds the half it read)
    start_bg half "${PEER[@]}" half-record 127.0.0.1 "$PORT" 4
    wait_file_like "$TMP/half.out" '^stalled' 10
    before=$(cpu_ticks "$spid")
    sleep 3
    used=$(($(cpu_ticks "$spid") - before))
    ((used < $(getconf CLK_TCK) / 2))
    ok $? "-rev: half a record costs no CPU while the rest is awaited (${used} ticks in 3 s)"
    wait_exit half 10
    stop_bg rev
else
    fail "-rev server starts"
fi

# 5. -stateless: half a ChangeCipherSpec after the HelloRetryRequest, then nothing
if srv_up st "${rsa_id[@]}" -www -stateless -workers 1; then
    spid=$(server_pid st)
    start_bg stall "${PEER[@]}" ccs-stall 127.0.0.1 "$PORT" 4
    wait_file_like "$TMP/stall.out" '^stalled' 10
    before=$(cpu_ticks "$spid")
    sleep 3
    used=$(($(cpu_ticks "$spid") - before))
    hz=$(getconf CLK_TCK)
    ((used < hz / 2))
    ok $? "-stateless: a stalled partial ChangeCipherSpec costs no CPU (${used} ticks in 3 s)"
    stop_bg stall
    stop_bg st
else
    fail "-stateless server starts"
fi

no_sanitizer_reports
done_testing

#!/usr/bin/env bash
# Resource bounds: HOSTILE_CONNECTIONS sequential connections (default 10,000; 5,000 for a
# sanitizer build, which is several times slower) each fetch the -www page. The server's open
# descriptors (/proc/PID/fd) and resident memory (VmRSS) are read after every 2-s round.
# Tolerance, measured from the first tenth (start-up and the allocator's warm-up excluded) to
# the end: descriptors exactly flat (+-1, a connection that is still closing), memory within
# 4 MiB (16 MiB under the sanitizers, whose allocator keeps more, even with its quarantine
# shrunk to 8 MiB here).
source "$(dirname "$0")/../lib.sh"

server_is_openssl && skip_all "measures our s_server"

sanitized=0
grep -q __asan_init "${SERVER[0]}" 2>/dev/null && sanitized=1
if ((sanitized)); then
    n=${HOSTILE_CONNECTIONS:-5000}
    rss_tolerance=$((16 * 1024))
    export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8
else
    n=${HOSTILE_CONNECTIONS:-10000}
    rss_tolerance=$((4 * 1024))
fi

port=$(free_port) || bail_out "no free port"
BG_LIMIT=110 start_server srv "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" \
    -cert "$CERTS/ec.pem" -key "$CERTS/ec.key" -www -quiet || bail_out "s_server -www did not start"
# start_bg's PID is timeout's; the server is its child.
pid=$(pgrep -P "${BG_PID[srv]}" | head -n 1)
[[ -n $pid && -d /proc/$pid ]] || bail_out "cannot find the server's PID"

# The client is openssl s_time (C, and fast: python's ssl module took most of the CPU), run
# for 2 s at a time: each connection a full handshake, a GET / and the page read to the end.
start=$SECONDS total=0 base_fd= base_rss= fd= rss=
: > "$TMP/steps"
while ((total < n && SECONDS - start < 95)); do
    with_timeout 30 openssl s_time -connect "127.0.0.1:$port" -new -time 2 -www / \
        > "$TMP/s_time.out" 2>&1
    got=$(sed -n 's/^\([0-9][0-9]*\) connections in .* real seconds.*/\1/p' "$TMP/s_time.out")
    if [[ -z $got || $got == 0 ]]; then
        diag_file "$TMP/s_time.out" "openssl s_time"
        break
    fi
    total=$((total + got))
    sleep 0.2 # the last connection's close
    fd=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l)
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
    echo "after $total: fds=$fd rss_kb=$rss" >> "$TMP/steps"
    if [[ -z $base_fd ]] && ((total >= n / 10)); then base_fd=$fd base_rss=$rss; fi
done
diag "$total connections in $((SECONDS - start)) s"

((total >= n))
ok $? "$n sequential connections were served (made $total)"
if [[ -n $base_fd && -n $base_rss && -n $fd && -n $rss ]]; then
    ((fd - base_fd <= 1 && base_fd - fd <= 1))
    ok $? "open descriptors flat: $base_fd after the first tenth, $fd at the end"
    ((rss - base_rss <= rss_tolerance))
    ok $? "resident memory flat: $base_rss KiB after the first tenth, $rss KiB at the end (tolerance $rss_tolerance KiB)"
else
    fail "open descriptors flat"
    fail "resident memory flat"
fi
[[ $_tap_failed == 0 ]] || diag_file "$TMP/steps" "fds and VmRSS (KiB) along the way"
ok "$(is_running srv; echo $?)" "the server is still running"
stop_bg srv
file_unlike "$TMP/srv.err" 'AddressSanitizer|runtime error|LeakSanitizer' "no sanitizer report"
done_testing

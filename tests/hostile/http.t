#!/usr/bin/env bash
# Awkward requests to -WWW and -HTTP: NUL bytes in the path (raw and %00), a request line and a
# header longer than the 16 KiB head limit, many headers (under and over the limit), two
# pipelined requests, a request sent one byte per TLS record, a binary body after the head,
# and a traversal attempt. Each gets a sensible answer or a clean close; the server keeps
# serving and shows no sanitizer report.
source "$(dirname "$0")/../lib.sh"

PEER=("python3" "$TESTS_DIR/hostile/peer.py")
docroot=$TMP/www
mkdir -p "$docroot"
cd "$docroot" || bail_out "no docroot"

# CASE | ANSWER (regex on "status LINE (N bytes)") | description
read -r -d '' CASES <<'ROWS'
nul-path         | status HTTP/1\.[01] 400                 | a NUL byte in the path is refused
nul-escape       | status HTTP/1\.[01] 400                 | a %00 escape in the path is refused
long-line        | status HTTP/1\.[01] (400|414)|^closed   | a 20 KB request line is refused
long-header      | status HTTP/1\.[01] (400|431)|^closed   | a 20 KB header is refused
many-headers     | status HTTP/1\.[01] 200                 | 1000 headers within the limit are fine
too-many-headers | status HTTP/1\.[01] (400|431)|^closed   | 3000 headers (30 KB) are refused
pipelined        | status HTTP/1\.[01] 200                 | two pipelined requests: the first is answered
split-records    | status HTTP/1\.[01] 200                 | a request split over one TLS record per byte
binary-body      | status HTTP/1\.[01] 200                 | binary bytes after the head do not spoil it
traversal        | status HTTP/1\.[01] (400|403|404)       | a path out of the directory is refused
ROWS

for mode in WWW HTTP; do
    if [[ $mode == WWW ]]; then
        printf 'hello\n' > index.html
        printf 'other\n' > other.html
    else
        printf 'HTTP/1.0 200 ok\r\nContent-type: text/plain\r\n\r\nhello\n' > index.html
        printf 'HTTP/1.0 200 ok\r\nContent-type: text/plain\r\n\r\nother\n' > other.html
    fi
    port=$(free_port) || bail_out "no free port"
    if ! start_server "$mode" "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" \
        -cert "$CERTS/ec.pem" -key "$CERTS/ec.key" "-$mode"; then
        fail "s_server -$mode starts"
        continue
    fi
    while IFS= read -r line; do
        [[ -z $line ]] && continue
        IFS=$'\x1f' read -r case want desc <<< "${line// | /$'\x1f'}"
        case=${case// /}; want=${want%"${want##*[![:space:]]}"}
        got=$(with_timeout 30 "${PEER[@]}" http 127.0.0.1 "$port" "$case" 2>&1)
        like "$got" "$want" "-$mode: $desc"
        if [[ $case == traversal ]]; then unlike "$got" 'root:' "-$mode: ... and nothing leaks"; fi
    done <<< "$CASES"
    body=$(with_timeout 10 curl -sk --max-time 8 "https://127.0.0.1:$port/index.html")
    like "$body" '^hello' "-$mode: the server still answers afterwards"
    ok "$(is_running "$mode"; echo $?)" "-$mode: the server is still running"
    stop_bg "$mode"
    file_unlike "$TMP/$mode.err" 'AddressSanitizer|runtime error|LeakSanitizer' \
        "-$mode: no sanitizer report"
done
done_testing

#!/usr/bin/env bash
# Ours only: s_server without -cert (and no ./server.pem) serves an ephemeral
# self-signed certificate instead of failing as OpenSSL does, and says so on
# stderr with its SHA-256 fingerprint, which must be that of the served
# certificate. An explicit -cert that cannot be read is still an error.
source "$(dirname "$0")/../lib.sh"
server_is_openssl && skip_all "ours only: openssl s_server needs a certificate"
command -v curl >/dev/null || skip_all "curl not installed (scripts/install-deps.sh)"

mkdir -p "$TMP/empty" && cd "$TMP/empty" || bail_out "no empty dir"
port=$(free_port) || bail_out "no free port"
if ! start_server srv "$port" "${SERVER[@]}" -www -accept "127.0.0.1:$port"; then
    fail "starts with no certificate at all"
    done_testing
fi
pass "starts with no certificate at all"

line=$(grep -Ei 'ephemeral|generated' "$TMP/srv.err" | head -n1)
like "$line" '[Ee]phemeral|[Gg]enerated' "stderr says the certificate is ephemeral/generated" ||
    diag_file "$TMP/srv.err" "server stderr"
like "$line" 'SHA-?256' "the same line names a SHA-256 fingerprint"
printed=$(grep -oE '([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}' <<< "$line" | head -n1)
like "$printed" '^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$' "the fingerprint is 32 hex bytes"

code=$(with_timeout 10 curl -sS -k -o "$TMP/page.html" -w '%{http_code}' \
    "https://127.0.0.1:$port/" 2>"$TMP/curl.err")
is "$code" 200 "curl -k gets the page" || diag_file "$TMP/curl.err" "curl stderr"
file_like "$TMP/page.html" 'Ciphers supported in s_server binary' "the page is the -www status page"

with_timeout 10 openssl s_client -connect "127.0.0.1:$port" </dev/null \
    >"$TMP/cli.out" 2>"$TMP/cli.err"
file_like "$TMP/cli.out" '^CONNECTED\(' "openssl s_client connects"
served=$(openssl x509 -noout -fingerprint -sha256 <"$TMP/cli.out" 2>/dev/null | sed 's/.*=//')
is "${served^^}" "${printed^^}" "the printed fingerprint is that of the served certificate"
stop_bg srv

with_timeout 10 "${SERVER[@]}" -www -accept "127.0.0.1:$port" -cert /nonexistent.pem \
    </dev/null >"$TMP/out" 2>"$TMP/err"
is "$?" 1 "-cert /nonexistent.pem is still an error (exit 1)"
file_like "$TMP/err" '/nonexistent\.pem' "the error names the file"
done_testing

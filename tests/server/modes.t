#!/usr/bin/env bash
# Each mode of our s_server against real clients: -www (curl, and openssl s_client for
# /reneg), -WWW and -HTTP (files, content types, /stats, and every traversal attempt refused),
# -rev, and the interactive mode with its commands.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/helpers.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"
command -v curl >/dev/null || skip_all "curl not installed"

# --- -www ------------------------------------------------------------------------------------
if srv_up www -www "${rsa_id[@]}"; then
    page=$(with_timeout 10 curl -sS --cacert "$CERTS/ca.pem" "https://127.0.0.1:$PORT/" 2>&1)
    like "$page" 'Ciphers supported in s_server binary' "-www: curl gets the status page"
    like "$page" 'New, TLSv1\.3, Cipher is TLS_' "-www: the page shows the negotiated cipher"
    like "$page" 'no client certificate available' "-www: the page ends with the client certificate part"
    ans=$(printf 'POST / HTTP/1.0\r\n\r\n' | with_timeout 10 openssl s_client -quiet \
        -connect "127.0.0.1:$PORT" 2>/dev/null)
    is "$(status_of "$ans")" 405 "-www: a POST is refused (405), not left hanging"
    ans=$(http_get /reneg -tls1_2)
    like "$ans" 'server renegotiates \(SSL_accept\(\)\)' "-www /reneg (TLS 1.2): page served after the renegotiation"
    like "$ans" '^ *[1-9][0-9]* server renegotiates' "-www /reneg: the renegotiation is counted"
    ans=$(http_get /renegcert -tls1_2 -cert "$CERTS/client.pem" -key "$CERTS/client.key")
    like "$ans" 'Client certificate' "-www /renegcert (TLS 1.2): the page shows the client certificate"
    if command -v gnutls-cli >/dev/null; then
        # (gnutls-cli --crlf turns an empty line into a NUL byte; LF LF ends the head too)
        ans=$( (printf 'GET / HTTP/1.0\n\n'; sleep 1) | with_timeout 10 gnutls-cli \
            --x509cafile "$CERTS/ca.pem" -p "$PORT" localhost 2>/dev/null)
        like "$ans" 'New, TLSv1\.3, Cipher is TLS_' "-www: gnutls-cli gets the page too"
    else
        skip 1 "gnutls-cli not installed"
    fi
    stop_bg www
else
    fail "-www server starts"
fi

# --- -WWW --------------------------------------------------------------------------------------
docs=$TMP/docs
mkdir -p "$docs/sub" "$TMP/outside"
printf '<p>hello</p>\n' > "$docs/index.html"
printf 'plain text\n' > "$docs/sub/notes.txt"
printf 'secret\n' > "$TMP/outside/secret.txt"
ln -s "$TMP/outside/secret.txt" "$docs/escape.txt"
ln -s sub/notes.txt "$docs/inside.txt"
head -c 300000 /dev/urandom > "$docs/big.bin"

cd "$docs" || bail_out "no docs dir"
if srv_up files -WWW "${rsa_id[@]}"; then
    ans=$(http_get /index.html)
    is "$(status_of "$ans")" 200 "-WWW: a file is served (200)"
    like "$ans" $'Content-type: text/html\r' "-WWW: .html is text/html"
    like "$ans" '<p>hello</p>' "-WWW: with its contents"
    ans=$(http_get /sub/notes.txt)
    like "$ans" $'Content-type: text/plain\r' "-WWW: .txt in a subdirectory is text/plain"
    ans=$(http_get /inside.txt)
    like "$ans" 'plain text' "-WWW: a symbolic link that stays inside is followed"
    ans=$(http_get /stats)
    like "$ans" 'Ciphers supported in s_server binary' "-WWW: /stats is the status page"
    is "$(status_of "$(http_get /missing.html)")" 404 "-WWW: a missing file is 404"
    is "$(status_of "$(http_get /sub/)")" 404 "-WWW: a directory is not served"
    for bad in /../outside/secret.txt /sub/../../outside/secret.txt //etc/passwd \
               /%2e%2e/outside/secret.txt /%2E%2e%2Foutside%2Fsecret.txt /sub%2f..%2f..%2fetc/passwd \
               '/..\\outside\\secret.txt' /%00 /%zz; do
        ans=$(http_get "$bad")
        is "$(status_of "$ans")" 400 "-WWW: $bad refused with 400"
        unlike "$ans" 'secret|root:' "-WWW: $bad leaks nothing"
    done
    ans=$(http_get /escape.txt)
    is "$(status_of "$ans")" 403 "-WWW: a symbolic link pointing outside is refused (403)"
    unlike "$ans" secret "-WWW: ... and leaks nothing"
    with_timeout 20 curl -sS --cacert "$CERTS/ca.pem" -o "$TMP/big.out" "https://127.0.0.1:$PORT/big.bin"
    run_ok "-WWW: a 300 KB binary file arrives intact" cmp -s "$TMP/big.out" "$docs/big.bin"
    wait_file_like "$TMP/files.err" '^FILE:index\.html$' 3
    ok $? "-WWW: FILE: lines on stderr, as openssl prints them"
    file_like "$TMP/files.err" 'refused request for "/\.\./outside' "-WWW: a refused path is a warning"
    ok "$(is_running files; echo $?)" "-WWW: the server is still running after the bad requests"
    stop_bg files
else
    fail "-WWW server starts"
fi

# --- -HTTP -------------------------------------------------------------------------------------
printf 'HTTP/1.0 299 Custom\r\nX-Made-By: the-file\r\n\r\nbody\n' > "$docs/raw.txt"
if srv_up http -HTTP "${rsa_id[@]}"; then
    ans=$(http_get /raw.txt)
    is "$(status_of "$ans")" 299 "-HTTP: the file's own status line is sent"
    like "$ans" $'X-Made-By: the-file\r' "-HTTP: and its own headers"
    is "$(status_of "$(http_get /../outside/secret.txt)")" 400 "-HTTP: traversal refused too"
    stop_bg http
else
    fail "-HTTP server starts"
fi
cd "$TMP" || bail_out "no temp dir"

# --- -rev --------------------------------------------------------------------------------------
if srv_up rev -rev "${rsa_id[@]}"; then
    out=$( (printf 'hello world\r\nabc\nCLOSE\nnot answered\n'; sleep 1) |
        with_timeout 10 openssl s_client -quiet -connect "127.0.0.1:$PORT" 2>/dev/null)
    is "$out" $'dlrow olleh\ncba' "-rev: lines come back reversed; CLOSE ends the connection"
    wait_file_like "$TMP/rev.err" '^CONNECTION ESTABLISHED$' 3
    ok $? "-rev: CONNECTION ESTABLISHED and the brief summary on stderr"
    file_like "$TMP/rev.err" '^Client cipher list: ' "-rev: the summary lists the client's ciphers"
    if command -v gnutls-cli >/dev/null; then
        out=$( (echo 'from gnutls'; sleep 1) | with_timeout 10 gnutls-cli \
            --x509cafile "$CERTS/ca.pem" -p "$PORT" localhost 2>/dev/null | grep -v '^- ')
        like "$out" '^sltung morf$' "-rev: gnutls-cli's line comes back reversed"
    else
        skip 1 "gnutls-cli not installed"
    fi
    stop_bg rev
else
    fail "-rev server starts"
fi

# --- interactive ---------------------------------------------------------------------------------
if srv_up echo "${rsa_id[@]}"; then
    start_bg cli openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$CERTS/ca.pem"
    send_line cli "from-the-client"
    wait_file_like "$TMP/echo.out" 'from-the-client' 10
    ok $? "interactive: client data on the server's stdout"
    file_like "$TMP/echo.out" '^CIPHER is TLS_' "interactive: the connection report"
    send_line echo "from-the-server"
    wait_file_like "$TMP/cli.out" 'from-the-server' 5
    ok $? "interactive: server stdin reaches the client"
    send_line echo "S"
    wait_file_like "$TMP/echo.out" 'server accepts that finished' 5
    ok $? "interactive: S prints the session cache statistics"
    send_line echo "k"
    wait_file_like "$TMP/echo.out" '^SSL_do_handshake -> 1$' 5
    ok $? "interactive: k sends a key update"
    send_line echo "q"
    wait_exit cli 5
    ok $? "interactive: q ends the connection (the client sees it close)"
    wait_file_like "$TMP/echo.out" '^CONNECTION CLOSED$' 3
    ok $? "interactive: ... and the server says CONNECTION CLOSED"
    ok "$(is_running echo; echo $?)" "interactive: after q the server keeps accepting"
    # the next client is served; then Q ends it all
    start_bg cli openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$CERTS/ca.pem"
    send_line cli "second-client"
    wait_file_like "$TMP/echo.out" 'second-client' 10
    ok $? "interactive: a second client is served after the first"
    send_line echo "Q"
    wait_exit echo 5
    ok $? "interactive: Q ends the server"
    is "$WAIT_STATUS" 0 "interactive: exit status 0 after Q"
    stop_bg cli
else
    fail "interactive server starts"
fi

# stdin EOF ends the server once a client is connected (openssl's behaviour), -ign_eof not
if srv_up eof "${rsa_id[@]}"; then
    start_bg cli openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$CERTS/ca.pem"
    send_line cli "hello"
    wait_file_like "$TMP/eof.out" 'hello' 10
    close_stdin eof
    wait_exit eof 5
    ok $? "interactive: stdin EOF ends the session and the server"
    file_like "$TMP/eof.out" '^DONE$' "interactive: ... saying DONE"
    stop_bg cli
else
    fail "interactive server (stdin EOF) starts"
fi

# -quiet: nobody types, so several clients are served at once; their data still shows
if srv_up quiet -quiet "${rsa_id[@]}"; then
    start_bg c1 openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$CERTS/ca.pem"
    start_bg c2 openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$CERTS/ca.pem"
    send_line c1 "client-one"
    send_line c2 "client-two"
    wait_file_like "$TMP/quiet.out" 'client-one' 10 && wait_file_like "$TMP/quiet.out" 'client-two' 10
    ok $? "-quiet: two clients connected at the same time are both served"
    file_unlike "$TMP/quiet.out" 'CIPHER is|ACCEPT' "-quiet: no report, no ACCEPT"
    stop_bg c1
    stop_bg c2
    stop_bg quiet
else
    fail "-quiet server starts"
fi
no_sanitizer_reports
done_testing

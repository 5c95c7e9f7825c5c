#!/usr/bin/env bash
# Side by side with openssl s_server 3.0: the same client against each, the same options,
# and the outputs compared line by line after removing what differs by nature (session IDs,
# keys, times, ports). Where we differ on purpose, the difference is checked instead:
# "Shared ciphers" is ours a subset of openssl's (openssl lists suites it could never choose),
# and the ClientHello analysis (issue 7) is an addition.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/helpers.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"
command -v curl >/dev/null || skip_all "curl not installed"
server_is_openssl && skip_all "compares our server with openssl's"

REF=(openssl s_server)

# normalize FILE: what may differ between two runs of any server.
normalize() {
    sed -e '/^-----BEGIN SSL SESSION PARAMETERS-----$/,/^-----END SSL SESSION PARAMETERS-----$/c\<session PEM>' \
        -e '/^Client Hello:$/,/^JA4_r: /d' -e '/^Client Hello JA4: /d' \
        -e '/^Shared ciphers:/d' -e '/^Ciphers common between both SSL end points:$/,/^Signature Algorithms:/{/^Signature Algorithms:/!d}' \
        -e 's/^\(    Session-ID: \).*/\1<id>/' -e 's/^\(    Resumption PSK: \).*/\1<psk>/' \
        -e 's/^\(    Master-Key: \).*/\1<key>/' -e 's/^\(    Start Time: \).*/\1<time>/' \
        -e 's/-accept 127\.0\.0\.1:[0-9]* /-accept <port> /' \
        -e 's/^\(    Keying material: \).*/\1<bytes>/' \
        -e '/^    TLS session ticket/,/^$/d' -e '/^    [0-9a-f]\{4\} - /d' "$1"
}

# shared_list FILE: the "Shared ciphers" list of a report, one per line, sorted.
shared_list() { sed -n 's/^Shared ciphers://p' "$1" | tr ':' '\n' | sort; }

# run_pair TAG "SERVER ARGS" "CLIENT ARGS": both servers, one client each; outputs in
# $TMP/{ours,ref}.{out,err}.
run_pair() {
    local tag=$1 sargs=$2 cargs=$3 who
    for who in ours ref; do
        local -a cmd=("${SERVER[@]}")
        [[ $who == ref ]] && cmd=("${REF[@]}")
        PORT=$(free_port) || return 1
        # shellcheck disable=SC2086
        start_server "$who" "$PORT" "${cmd[@]}" -accept "127.0.0.1:$PORT" -naccept 1 \
            "${rsa_id[@]}" $sargs || return 1
        # shellcheck disable=SC2086
        (echo "hello-$tag"; sleep 0.7) | with_timeout 10 openssl s_client \
            -connect "127.0.0.1:$PORT" -CAfile "$CERTS/ca.pem" $cargs >"$TMP/$who.cli" 2>&1
        wait_exit "$who" 10
    done
}

# compare TAG FILE-SUFFIX: the normalized outputs are the same.
compare() {
    local tag=$1 ext=$2
    if diff <(normalize "$TMP/ref.$ext") <(normalize "$TMP/ours.$ext") >"$TMP/diff" 2>&1; then
        pass "$tag: same output as openssl s_server"
    else
        fail "$tag: same output as openssl s_server"
        diag_file "$TMP/diff" "diff openssl ours"
    fi
}

# subset TAG: our Shared ciphers are among openssl's, and not empty.
subset() {
    local extra
    extra=$(comm -13 <(shared_list "$TMP/ref.out") <(shared_list "$TMP/ours.out"))
    is "$extra" "" "$1: our Shared ciphers are all in openssl's list"
    isnt "$(shared_list "$TMP/ours.out")" "" "$1: and there are some"
}

for ver in tls1_3 tls1_2; do
    run_pair "$ver" "" "-$ver"
    compare "report, $ver" out
    subset "report, $ver"
done

run_pair cert "-verify 1 -CAfile $CERTS/ca.pem" "-cert $CERTS/client.pem -key $CERTS/client.key"
compare "report with a client certificate" out
compare "verify callback lines with a client certificate" err

run_pair alpn "-alpn h2,http/1.1" "-alpn http/1.1"
compare "report with ALPN" out

run_pair keymat "-keymatexport label -keymatexportlen 20" ""
grep -q '^Keying material exporter:' "$TMP/ours.out"
ok $? "-keymatexport: the exporter block is printed"
compare "report with -keymatexport" out

run_pair brief "-brief" ""
compare "-brief stdout" out
compare "-brief summary on stderr" err

# An ECDSA certificate: openssl still lists RSA suites, we do not.
for who in ours ref; do
    cmd=("${SERVER[@]}"); [[ $who == ref ]] && cmd=("${REF[@]}")
    PORT=$(free_port)
    start_server "$who" "$PORT" "${cmd[@]}" -accept "127.0.0.1:$PORT" -naccept 1 "${ec_id[@]}" &&
        (echo x; sleep 0.5) | with_timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 \
            >/dev/null 2>&1
    wait_exit "$who" 10
done
like "$(shared_list "$TMP/ref.out")" 'ECDHE-RSA-' "ECDSA certificate: openssl's Shared ciphers include RSA suites (its BUGS)"
unlike "$(shared_list "$TMP/ours.out")" '-RSA-|^AES|^DHE-RSA' "ECDSA certificate: ours list none that need an RSA key"
like "$(shared_list "$TMP/ours.out")" 'ECDHE-ECDSA-' "ECDSA certificate: ours list the ECDSA ones"

# The -www page.
for who in ours ref; do
    cmd=("${SERVER[@]}"); [[ $who == ref ]] && cmd=("${REF[@]}")
    PORT=$(free_port)
    if start_server "$who" "$PORT" "${cmd[@]}" -accept "127.0.0.1:$PORT" -naccept 1 -www "${rsa_id[@]}"; then
        with_timeout 10 curl -sS --cacert "$CERTS/ca.pem" --tlsv1.3 "https://127.0.0.1:$PORT/" \
            >"$TMP/$who.page" 2>&1
        wait_exit "$who" 10
    fi
done
# the page ends with our ClientHello section; openssl's with the client certificate part
sed -i '/^no client certificate available$/,/^<\/pre>/{/^no client certificate available$/!{/^<\/pre>/!d}}' \
    "$TMP/ours.page"
# ours declares its charset in a <HEAD> that openssl's page lacks; the rest is the same
sed -i 's|^<HTML><HEAD><meta charset="UTF-8"></HEAD><BODY|<HTML><BODY|' "$TMP/ours.page"
compare "-www page" page
no_sanitizer_reports
done_testing

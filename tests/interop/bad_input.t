#!/usr/bin/env bash
# Bad input is a clean, prompt failure: exit status 1, a message on stderr
# that names the problem (option, value, file, key, port), and no hang.
# Unknown options print exactly OpenSSL's two lines, which scripts rely on.
source "$(dirname "$0")/../lib.sh"

cd "$TMP" || bail_out "no temp dir"
printf 'this is not a certificate\n' > garbage.pem
printf -- '-----BEGIN CERTIFICATE-----\nnot*base64*at*all\n-----END CERTIFICATE-----\n' > broken.pem
rsa=(-cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key")

# closed_port: a port nothing listens on (reserved, so no test starts a server on it).
closed=$(free_port) || bail_out "no free port"
port=$(free_port) || bail_out "no free port"

# expect_error TAG REGEX CMD...: exit 1 within 10 s and stderr matching REGEX.
expect_error() {
    local tag=$1 re=$2 rc; shift 2
    with_timeout 10 "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [[ $rc == 1 ]]; then pass "$tag: exit status 1"; else
        fail "$tag: exit status 1"
        diag "got $rc$([[ $rc == 124 ]] && echo ' (timed out: hangs)')"
    fi
    if grep -Eq -- "$re" "$TMP/err"; then pass "$tag: stderr names the problem"; else
        fail "$tag: stderr names the problem"
        diag "expected /$re/"; diag_file "$TMP/err" stderr
    fi
}

# Exactly OpenSSL's wording for an unknown option, and nothing else.
for prog in s_client s_server; do
    if [[ $prog == s_client ]]; then cmd=("${CLIENT[@]}"); else cmd=("${SERVER[@]}"); fi
    with_timeout 10 "${cmd[@]}" -foo </dev/null >"$TMP/out" 2>"$TMP/err"
    is "$?" 1 "$prog -foo: exit status 1"
    is "$(cat "$TMP/err")" "$prog: Unknown option: -foo"$'\n'"$prog: Use -help for summary." \
        "$prog -foo: the two lines OpenSSL prints"
    is "$(cat "$TMP/out")" "" "$prog -foo: nothing on stdout"
done

expect_error "s_client -port abc" 'port|abc' "${CLIENT[@]}" -port abc
expect_error "s_server -port abc" 'port|abc' "${SERVER[@]}" -port abc
expect_error "s_server -naccept 0" 'naccept|"0"' "${SERVER[@]}" -naccept 0 -accept "127.0.0.1:$port" "${rsa[@]}"

# Files: the message names the file.
expect_error "s_server missing -cert file" '/nonexistent/cert\.pem' \
    "${SERVER[@]}" -accept "127.0.0.1:$port" -cert /nonexistent/cert.pem -key "$CERTS/rsa.key"
expect_error "s_server missing -key file" '/nonexistent/key\.pem' \
    "${SERVER[@]}" -accept "127.0.0.1:$port" -cert "$CERTS/rsa.pem" -key /nonexistent/key.pem
expect_error "s_client missing -cert file" '/nonexistent/cert\.pem' \
    "${CLIENT[@]}" -connect "127.0.0.1:$closed" -cert /nonexistent/cert.pem -key "$CERTS/rsa.key"
expect_error "s_client missing -CAfile" '/nonexistent/ca\.pem' \
    "${CLIENT[@]}" -connect "127.0.0.1:$closed" -CAfile /nonexistent/ca.pem
expect_error "s_server garbage -cert file" 'garbage\.pem|[Cc]ertificate' \
    "${SERVER[@]}" -accept "127.0.0.1:$port" -cert garbage.pem -key "$CERTS/rsa.key"
expect_error "s_server broken PEM -cert file" 'broken\.pem|[Cc]ertificate' \
    "${SERVER[@]}" -accept "127.0.0.1:$port" -cert broken.pem -key "$CERTS/rsa.key"
expect_error "s_server garbage -key file" 'garbage\.pem|[Kk]ey' \
    "${SERVER[@]}" -accept "127.0.0.1:$port" -cert "$CERTS/rsa.pem" -key garbage.pem
expect_error "s_client garbage -cert file" 'garbage\.pem|[Cc]ertificate' \
    "${CLIENT[@]}" -connect "127.0.0.1:$closed" -cert garbage.pem -key "$CERTS/rsa.key"

# A key that belongs to another certificate.
expect_error "s_server key does not match cert" '[Kk]ey|[Mm]atch' \
    "${SERVER[@]}" -accept "127.0.0.1:$port" -cert "$CERTS/rsa.pem" -key "$CERTS/ec.key"
expect_error "s_client key does not match cert" '[Kk]ey|[Mm]atch' \
    "${CLIENT[@]}" -connect "127.0.0.1:$closed" -cert "$CERTS/rsa.pem" -key "$CERTS/ec.key"

# Network.
expect_error "s_client connection refused" '[Rr]efused' \
    "${CLIENT[@]}" -connect "127.0.0.1:$closed"

# Port already in use: ours must fail with exit 1; OpenSSL's s_server prints
# the bind error but exits 0, so against it the exit status check is TODO.
if start_server squatter "$port" openssl s_server -accept "127.0.0.1:$port" "${rsa[@]}"; then
    with_timeout 10 "${SERVER[@]}" -accept "127.0.0.1:$port" "${rsa[@]}" </dev/null >"$TMP/out" 2>"$TMP/err"
    rc=$?
    server_is_openssl && TODO="ours-only: openssl s_server exits 0 when it cannot bind"
    is "$rc" 1 "s_server port already in use: exit status 1"
    TODO=
    file_like "$TMP/err" '[Ii]n use|[Bb]ind|[Aa]ddress' "s_server port already in use: stderr names the problem"
    stop_bg squatter
else
    fail "a listener occupies the port"
fi
done_testing

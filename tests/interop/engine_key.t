#!/usr/bin/env bash
# -keyform ENGINE: a private key held by an engine, here a real PKCS#11 token (SoftHSM2,
# made in this test's temp dir) through the pkcs11 engine (libengine-pkcs11-openssl), the
# way people use hardware keys with openssl's programs:
#   our s_server with its key on the token, openssl s_client verifying it; the -servername
#   certificate's key (-key2) on the token too;
#   our s_client with its client key on the token, against openssl s_server -Verify,
#   beside openssl's own s_client doing the same;
#   one-line errors: no -engine, a wrong PIN, a key the token does not hold.
source "$(dirname "$0")/../lib.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"
command -v softhsm2-util >/dev/null || skip_all "softhsm2 not installed (scripts/deps/test.txt)"
engines=$(openssl version -e | sed -n 's/^ENGINESDIR: "\(.*\)"$/\1/p')
[[ -f $engines/pkcs11.so ]] || skip_all "no pkcs11 engine in $engines (libengine-pkcs11-openssl)"

# The token: its own store in $TMP, found through SOFTHSM2_CONF by the softhsm2 module,
# which the pkcs11 engine reaches through p11-kit's proxy.
mkdir -p "$TMP/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
    "$TMP/tokens" >"$TMP/softhsm2.conf"
export SOFTHSM2_CONF=$TMP/softhsm2.conf
with_timeout 20 softhsm2-util --init-token --free --label tt --pin 1234 --so-pin 5678 \
    >"$TMP/init.out" 2>&1 || { diag_file "$TMP/init.out" init; bail_out "cannot make a token"; }
for k in rsa:01:srv client:02:cli other:03:oth; do
    IFS=: read -r file id label <<< "$k"
    openssl pkcs8 -topk8 -nocrypt -in "$CERTS/$file.key" -out "$TMP/$file.p8" &&
        with_timeout 20 softhsm2-util --import "$TMP/$file.p8" --token tt --label "$label" \
            --id "$id" --pin 1234 >"$TMP/import.out" 2>&1 ||
        { diag_file "$TMP/import.out" import; bail_out "cannot import $file.key"; }
done
uri() { echo "pkcs11:token=tt;object=$1;type=private"; }

# Our server, its key on the token.
port=$(free_port) || bail_out "no free port"
if start_server ours "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" -www \
        -engine pkcs11 -keyform ENGINE -key "$(uri srv)" -pass pass:1234 -cert "$CERTS/rsa.pem"; then
    with_timeout 10 openssl s_client -connect "127.0.0.1:$port" -CAfile "$CERTS/ca.pem" \
        -verify_return_error </dev/null >"$TMP/ref.out" 2>"$TMP/ref.err"
    is "$?" 0 "our s_server, key on the token: openssl s_client completes a verified handshake"
    file_like "$TMP/ref.out" '^Verify return code: 0 \(ok\)$' \
        "our s_server, key on the token: Verify return code: 0 (ok)"
    file_like "$TMP/ours.err" '^Engine "pkcs11" set\.$' "our s_server: says the engine is set"
    stop_bg ours
else
    fail "our s_server with its key on the token did not start"
    skip 2 "no server"
fi
port=$(free_port) || bail_out "no free port"
if start_server sni "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" -www \
        -engine pkcs11 -keyform ENGINE -key "$(uri srv)" -pass pass:1234 -cert "$CERTS/rsa.pem" \
        -servername other.test -cert2 "$CERTS/other.pem" -key2 "$(uri oth)"; then
    with_timeout 10 openssl s_client -connect "127.0.0.1:$port" -CAfile "$CERTS/ca.pem" \
        -servername other.test -verify_return_error </dev/null >"$TMP/sni.out" 2>"$TMP/sni.err"
    is "$?" 0 "-key2 on the token: openssl s_client -servername other.test completes"
    file_like "$TMP/sni.out" 'CN ?= ?other\.test' "-key2 on the token: the second certificate is served"
    stop_bg sni
else
    fail "our s_server with -key2 on the token did not start"
    skip 1 "no server"
fi

# Client keys on the token, against openssl s_server that requires a client certificate.
port=$(free_port) || bail_out "no free port"
start_server ref "$port" openssl s_server -accept "127.0.0.1:$port" -cert "$CERTS/rsa.pem" \
    -key "$CERTS/rsa.key" -Verify 1 -CAfile "$CERTS/ca.pem" -verify_return_error \
    || bail_out "openssl s_server did not start"
client_args=(-connect "127.0.0.1:$port" -CAfile "$CERTS/ca.pem" -engine pkcs11
             -keyform ENGINE -cert "$CERTS/client.pem")
for side in ours openssl; do
    if [[ $side == ours ]]; then prog=("${CLIENT[@]}"); else prog=(openssl s_client); fi
    with_timeout 10 "${prog[@]}" "${client_args[@]}" -key "$(uri cli)" -pass pass:1234 \
        </dev/null >"$TMP/c_$side.out" 2>"$TMP/c_$side.err"
    is "$?" 0 "$side s_client, client key on the token: handshake with -Verify server, exit 0"
    file_like "$TMP/c_$side.out" '^Verify return code: 0 \(ok\)$' \
        "$side s_client, client key on the token: Verify return code: 0 (ok)"
done
stop_bg ref
file_like "$TMP/ref.out" 'CN ?= ?s_tests client|client' "openssl s_server saw our client certificate"

# Errors: one line naming the cause, exit 1, for both programs.
err_case() {
    local name=$1 want=$2; shift 2
    with_timeout 10 "$@" </dev/null >"$TMP/$name.out" 2>"$TMP/$name.err"
    is "$?" 1 "$name: exit 1"
    file_like "$TMP/$name.err" "$want" "$name: says why"
}
err_case "client without -engine" 'keyform ENGINE needs -engine' \
    "${CLIENT[@]}" -connect "127.0.0.1:$port" -keyform ENGINE -key "$(uri cli)" \
    -cert "$CERTS/client.pem"
# When a login or lookup fails, the pkcs11 engine (libp11) leaves the methods it made at its
# own start-up unfreed (valgrind shows them allocated inside pkcs11.so); LeakSanitizer would
# report them in the sanitizer run. Memory errors are still caught.
no_leak_check=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
err_case "client with a wrong PIN" 'cannot load private key .*from engine "pkcs11"' \
    "${no_leak_check[@]}" "${CLIENT[@]}" -connect "127.0.0.1:$port" -engine pkcs11 -keyform ENGINE \
    -key "$(uri cli)" -pass pass:0000 -cert "$CERTS/client.pem"
err_case "server with a key the token does not hold" 'cannot load private key .*from engine "pkcs11"' \
    "${no_leak_check[@]}" "${SERVER[@]}" -accept "127.0.0.1:$(free_port)" -engine pkcs11 -keyform ENGINE \
    -key "$(uri nosuch)" -pass pass:1234 -cert "$CERTS/rsa.pem"
err_case "server without -engine" 'keyform ENGINE needs -engine' \
    "${SERVER[@]}" -accept "127.0.0.1:$(free_port)" -keyform ENGINE -key "$(uri srv)" \
    -cert "$CERTS/rsa.pem"

done_testing

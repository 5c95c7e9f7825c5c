#!/usr/bin/env bash
# The rest of the option surface, each checked by what a real client sees: -nbio_test, -nbio,
# -ignore_unexpected_eof and -async (no async engine: served as usual), -dhparam and -no_dhe,
# -dcert and -xcert (a second key type), -context, -serverinfo, -crlf, -sendfile's fallback,
# and the debugging outputs (-msg, -state, -trace, -debug, -tlsextdebug, -keylogfile).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/helpers.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"
command -v curl >/dev/null || skip_all "curl not installed"

# client NAME ARGS...: one openssl s_client connection to PORT with stdin open a moment.
client() {
    local name=$1; shift
    (sleep 0.5) | with_timeout 10 openssl s_client -connect "127.0.0.1:$PORT" "$@" \
        >"$TMP/c_$name.out" 2>"$TMP/c_$name.err"
}
page() { with_timeout 10 curl -sS -k -o /dev/null -w '%{http_code}' "https://127.0.0.1:$PORT/"; }

# --- I/O options ----------------------------------------------------------------------------------
for opt in -nbio_test -nbio -ignore_unexpected_eof -async; do
    if srv_up io -www "$opt" "${rsa_id[@]}"; then
        is "$(page)" 200 "$opt: -www still serves"
        stop_bg io
    else
        fail "$opt: server starts"
    fi
done
if srv_up nbt -nbio_test "${rsa_id[@]}"; then
    start_bg cli openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$CERTS/ca.pem"
    send_line cli "through-the-test-bio"
    wait_file_like "$TMP/nbt.out" 'through-the-test-bio' 10
    ok $? "-nbio_test: interactive data crosses the retrying test BIO"
    stop_bg cli
    stop_bg nbt
else
    fail "-nbio_test interactive server starts"
fi

# --- DH -------------------------------------------------------------------------------------------
openssl genpkey -genparam -algorithm DH -pkeyopt dh_param:ffdhe3072 -out "$TMP/dh.pem" 2>/dev/null
if srv_up dh -www -dhparam "$TMP/dh.pem" "${rsa_id[@]}"; then
    file_like "$TMP/dh.out" '^Setting temp DH parameters$' "-dhparam: 'Setting temp DH parameters'"
    client dhe -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256
    file_like "$TMP/c_dhe.out" '(Server|Peer) Temp Key: DH, 3072 bits' "-dhparam: a DHE client gets the 3072-bit group"
    stop_bg dh
else
    fail "-dhparam server starts"; skip 1 "no server"
fi
if srv_up nodhe -www -no_dhe "${rsa_id[@]}"; then
    file_unlike "$TMP/nodhe.out" 'temp DH parameters' "-no_dhe: no DH parameters announced"
    client nodhe -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256
    file_unlike "$TMP/c_nodhe.out" 'Cipher is DHE-' "-no_dhe: a DHE-only client is refused"
    is "$(page)" 200 "-no_dhe: other clients are served"
    stop_bg nodhe
else
    fail "-no_dhe server starts"; skip 2 "no server"
fi

# --- a second key type ----------------------------------------------------------------------------
if srv_up two -www "${rsa_id[@]}" -dcert "$CERTS/ec.pem" -dkey "$CERTS/ec.key"; then
    client ec -tls1_2 -sigalgs ECDSA+SHA256 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
    file_like "$TMP/c_ec.out" 'Cipher is ECDHE-ECDSA-' "-dcert: an ECDSA-only client gets the EC certificate"
    client rsa -tls1_2 -sigalgs RSA+SHA256 -cipher ECDHE-RSA-AES128-GCM-SHA256
    file_like "$TMP/c_rsa.out" 'Cipher is ECDHE-RSA-' "-dcert: an RSA-only client still gets the RSA one"
    stop_bg two
else
    fail "-dcert server starts"; skip 1 "no server"
fi

# -xcert works as openssl's: on each ClientHello the connection's certificates are cleared, every
# extra chain is checked against what the client accepts ("Checking cert chain N" on stderr) and
# the valid ones are offered; -cert's certificate is not, so an RSA-only client is refused.
if srv_up xc -www "${rsa_id[@]}" -xcert "$CERTS/ec.pem" -xkey "$CERTS/ec.key"; then
    client xec -tls1_2 -sigalgs ECDSA+SHA256:RSA+SHA256 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
    file_like "$TMP/c_xec.out" 'Cipher is ECDHE-ECDSA-' "-xcert: an ECDSA client gets the extra EC certificate"
    file_like "$TMP/xc.err" '^Checking cert chain 1:$' "-xcert: the chain check is reported"
    file_like "$TMP/xc.err" '^Subject: O ?= ?s_tests, ?CN ?= ?localhost$' "... with the chain's subject"
    file_like "$TMP/xc.err" $'^\tOverall Validity: OK$' "... and its verdict"
    client xrsa -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
    file_like "$TMP/c_xrsa.out" 'Cipher is \(NONE\)' "-xcert: -cert's RSA certificate is not offered (as openssl)"
    stop_bg xc
else
    fail "-xcert server starts"; skip 4 "no server"
fi

# --- -context, -serverinfo ------------------------------------------------------------------------
if srv_up ctx -www -context abc "${rsa_id[@]}"; then
    like "$(with_timeout 10 curl -sS -k "https://127.0.0.1:$PORT/")" 'Session-ID-ctx: 616263' \
        "-context abc: the session's ID context is 'abc' (the -www page shows it)"
    stop_bg ctx
else
    fail "-context server starts"
fi
{
    echo "-----BEGIN SERVERINFO FOR TEST-----"
    printf '\x03\xe8\x00\x0bhello-world' | base64
    echo "-----END SERVERINFO FOR TEST-----"
} > "$TMP/serverinfo.pem"
if srv_up si -www -serverinfo "$TMP/serverinfo.pem" "${rsa_id[@]}"; then
    client si -tls1_2 -serverinfo 1000
    want=$(printf '\x03\xe8\x00\x0bhello-world' | base64)
    grep -qxF -- "$want" "$TMP/c_si.out"
    ok $? "-serverinfo: the extension's data reaches a client that asks"
    stop_bg si
else
    fail "-serverinfo server starts"
fi

# --- -crlf --------------------------------------------------------------------------------------
if srv_up crlf -crlf "${rsa_id[@]}"; then
    start_bg cli openssl s_client -connect "127.0.0.1:$PORT" -quiet
    send_line cli "hi"
    wait_file_like "$TMP/crlf.out" '^hi' 10
    send_line crlf "line"
    wait_file_like "$TMP/cli.out" 'line' 5
    is "$(grep -a 'line' "$TMP/cli.out" | od -An -c | tr -s ' ')" " l i n e \r \n" \
        "-crlf: a typed LF goes out as CR LF"
    stop_bg cli
    stop_bg crlf
else
    fail "-crlf server starts"
fi

# --- -sendfile ----------------------------------------------------------------------------------
mkdir -p "$TMP/docs" && head -c 200000 /dev/urandom > "$TMP/docs/blob.bin"
cd "$TMP/docs" || bail_out "no docs"
if srv_up sf -WWW -sendfile -http_server_binmode "${rsa_id[@]}"; then
    with_timeout 10 curl -sS -k -o "$TMP/blob.out" "https://127.0.0.1:$PORT/blob.bin"
    run_ok "-sendfile: the file arrives intact (kernel TLS or its fallback)" cmp -s "$TMP/blob.out" blob.bin
    if [[ -e /sys/module/tls ]]; then
        pass "-sendfile: kernel TLS available here"
    else
        file_like "$TMP/sf.err" 'sendfile.*kernel TLS is not in use' "-sendfile without kernel TLS: said once"
    fi
    stop_bg sf
else
    fail "-sendfile server starts"; skip 1 "no server"
fi
cd "$TMP" || bail_out "no temp dir"

# --- debugging output ----------------------------------------------------------------------------
if srv_up dbg -www -msg -state -keylogfile "$TMP/keys.log" "${rsa_id[@]}"; then
    is "$(page)" 200 "-msg -state -keylogfile: still serving"
    wait_file_like "$TMP/dbg.out" '^<<< .*ClientHello' 3
    ok $? "-msg: the ClientHello is shown"
    file_like "$TMP/dbg.err" '^SSL_accept:' "-state: the states are shown on stderr"
    file_like "$TMP/keys.log" '^CLIENT_HANDSHAKE_TRAFFIC_SECRET ' "-keylogfile: secrets are written"
    stop_bg dbg
else
    fail "debugging server starts"; skip 3 "no server"
fi
if srv_up tr -www -trace -tlsextdebug "${rsa_id[@]}"; then
    is "$(page)" 200 "-trace -tlsextdebug: still serving"
    file_like "$TMP/tr.out" 'ClientHello' "-trace: the handshake is traced"
    file_like "$TMP/tr.out" 'TLS client extension' "-tlsextdebug: the client's extensions are dumped"
    stop_bg tr
else
    fail "tracing server starts"; skip 2 "no server"
fi
no_sanitizer_reports
done_testing

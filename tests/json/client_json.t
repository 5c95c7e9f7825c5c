#!/usr/bin/env bash
# s_client -json against openssl s_server: TLS 1.3 and 1.2 objects, -reconnect as JSON
# Lines, bytes and first-byte time with -ign_eof, and one error per class that loopback can
# produce (resolve, connect, timeout, proxy, starttls, handshake, verify); -msg/-trace/-debug
# beside -json keep stdout JSON. Every object is parsed with jq and validated against
# docs/tlstool.schema.json.
source "$(dirname "$0")/../lib.sh"
source "$TESTS_DIR/json/helpers.sh"

client_is_openssl && skip_all "-json is ours: openssl s_client has no such option"

port=$(free_port) || bail_out "no free port"
start_server srv "$port" openssl s_server -accept "127.0.0.1:$port" -cert "$CERTS/rsa.pem" \
    -key "$CERTS/rsa.key" -www -alpn h2 || bail_out "openssl s_server did not start"

# run_json NAME ARGS...: s_client -json ARGS with stdin from /dev/null; sets RC.
run_json() {
    local name=$1; shift
    with_timeout 20 "${CLIENT[@]}" -json "$@" < /dev/null > "$TMP/$name.json" 2> "$TMP/$name.err"
    RC=$?
}

# --- TLS 1.3 -------------------------------------------------------------------------------
run_json t13 -connect "localhost:$port" -CAfile "$CERTS/ca.pem" -alpn h2,http/1.1 \
    -servername localhost
is "$RC" 0 "TLS 1.3: exit 0"
is "$(wc -l < "$TMP/t13.json")" 1 "TLS 1.3: one line on stdout"
schema_ok "$TMP/t13.json" "TLS 1.3: valid against the schema"
jq_is "$TMP/t13.json" '.program + " " + .status' "s_client ok" "TLS 1.3: program and status"
jq_is "$TMP/t13.json" .protocol TLSv1.3 "TLS 1.3: protocol"
jq_is "$TMP/t13.json" '.cipher.name | startswith("TLS_")' true "TLS 1.3: cipher by IANA name"
jq_is "$TMP/t13.json" .alpn h2 "TLS 1.3: ALPN"
jq_is "$TMP/t13.json" .sni localhost "TLS 1.3: SNI sent"
jq_is "$TMP/t13.json" '.group != null' true "TLS 1.3: key exchange group"
jq_is "$TMP/t13.json" '.verification.verified' true "TLS 1.3: verified against -CAfile"
jq_is "$TMP/t13.json" '.chain[0].subject' "CN=localhost,O=s_tests" "TLS 1.3: leaf subject"
jq_is "$TMP/t13.json" '[.chain[0].subject_alt_names[] | .type + ":" + .value] | join(" ")' \
    "DNS:localhost IP:127.0.0.1 IP:::1" "TLS 1.3: leaf SANs"
want_fp=$(openssl x509 -in "$CERTS/rsa.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' |
          tr 'A-F' 'a-f')
jq_is "$TMP/t13.json" '.chain[0].sha256' "$want_fp" "TLS 1.3: leaf SHA-256 as openssl x509 has it"
want_serial=$(openssl x509 -in "$CERTS/rsa.pem" -noout -serial | sed 's/.*=//')
jq_is "$TMP/t13.json" '.chain[0].serial' "$want_serial" "TLS 1.3: leaf serial"
jq_is "$TMP/t13.json" '.chain[0].public_key.type + " " + (.chain[0].public_key.bits|tostring)' \
    "RSA 2048" "TLS 1.3: leaf key type and size"
jq_is "$TMP/t13.json" '.chain[0].days_left > 0' true "TLS 1.3: days left"
jq_is "$TMP/t13.json" '.timing.handshake_ms >= 0 and .timing.connect_ms >= 0' true \
    "TLS 1.3: timings"
jq_is "$TMP/t13.json" '.error' null "TLS 1.3: no error"
file_unlike "$TMP/t13.json" '^CONNECTED|^---' "TLS 1.3: no text report on stdout"

# --- TLS 1.2 -------------------------------------------------------------------------------
run_json t12 -connect "127.0.0.1:$port" -tls1_2 -status
is "$RC" 0 "TLS 1.2: exit 0"
schema_ok "$TMP/t12.json" "TLS 1.2: valid against the schema"
jq_is "$TMP/t12.json" .protocol TLSv1.2 "TLS 1.2: protocol"
jq_is "$TMP/t12.json" '.cipher.openssl_name | test("^ECDHE-")' true "TLS 1.2: ECDHE suite"
jq_is "$TMP/t12.json" '.session.id | length' 64 "TLS 1.2: session id"
jq_is "$TMP/t12.json" '.sni' null "TLS 1.2: no SNI for an address"
jq_is "$TMP/t12.json" '.ocsp.stapled' false "TLS 1.2: -status reported, nothing stapled"
jq_is "$TMP/t12.json" '.verification | (.code != 0) and (.verified | not)' true \
    "TLS 1.2: an unverified chain is reported as such"
jq_is "$TMP/t12.json" '.peer.address + " " + .peer.family' "127.0.0.1 ipv4" "TLS 1.2: peer address"

# --- -reconnect: JSON Lines, resumptions marked ---------------------------------------------
run_json rc -connect "127.0.0.1:$port" -tls1_2 -reconnect
is "$RC" 0 "-reconnect: exit 0"
is "$(wc -l < "$TMP/rc.json")" 6 "-reconnect: six lines"
schema_ok "$TMP/rc.json" "-reconnect: every line valid"
is "$(jq -r .session.resumed "$TMP/rc.json" | tr '\n' ' ')" "false true true true true true " \
    "-reconnect: the five reconnections resume"

# --- bytes and the first application byte ---------------------------------------------------
printf 'GET / HTTP/1.0\r\n\r\n' | with_timeout 20 "${CLIENT[@]}" -json -ign_eof \
    -connect "127.0.0.1:$port" > "$TMP/get.json" 2> "$TMP/get.err"
is "$?" 0 "GET: exit 0"
schema_ok "$TMP/get.json" "GET: valid against the schema"
jq_is "$TMP/get.json" '.bytes.sent' 18 "GET: request bytes counted"
jq_is "$TMP/get.json" '.bytes.received > 100' true "GET: the page counted, not printed"
jq_is "$TMP/get.json" '.timing.first_byte_ms >= 0' true "GET: time to first byte"
file_unlike "$TMP/get.json" 'HTTP/1\.0 200' "GET: the page is not on stdout"

# --- errors, one per class ------------------------------------------------------------------
# err_case NAME CLASS DESC ARGS...: exit 1, one JSON line of that class, valid, one-line
# message on stderr.
err_case() {
    local name=$1 class=$2 desc=$3; shift 3
    run_json "$name" "$@"
    is "$RC" 1 "$desc: exit 1"
    schema_ok "$TMP/$name.json" "$desc: valid against the schema"
    jq_is "$TMP/$name.json" '.status + " " + .error.class' "error $class" "$desc: class $class"
    jq_is "$TMP/$name.json" '.error.message | length > 10' true "$desc: a message"
}

err_case resolve resolve "unresolvable name" -connect "no-such-host.invalid:443"
err_case refused connect "refused connection" -connect "127.0.0.1:$(free_port)"
grep -q 'refused' "$TMP/refused.json"; ok $? "refused: the message says refused"

tport=$(free_port) || bail_out "no free port"
silent_listener silent "$tport" || bail_out "silent listener did not start"
start=$SECONDS
err_case hstimeout timeout "silent server, -handshake_timeout 1" \
    -connect "127.0.0.1:$tport" -handshake_timeout 1
(( SECONDS - start <= 8 )); ok $? "silent server: gave up within the timeout"
stop_bg silent

bport=$(free_port) || bail_out "no free port"
blackhole_listener hole 127.0.0.1 "$bport" || bail_out "full-backlog listener did not start"
start=$SECONDS
err_case ctimeout timeout "unanswered connect, -connect_timeout 1" \
    -connect "127.0.0.1:$bport" -connect_timeout 1
(( SECONDS - start <= 8 )); ok $? "unanswered connect: gave up within the timeout"
stop_bg hole

err_case proxy proxy "a -proxy that does not speak HTTP" \
    -connect "example.invalid:443" -proxy "127.0.0.1:$port" -connect_timeout 5
err_case starttls starttls "-starttls smtp to a TLS port" \
    -connect "127.0.0.1:$port" -starttls smtp -handshake_timeout 5

hport=$(free_port) || bail_out "no free port"
start_server only13 "$hport" openssl s_server -accept "127.0.0.1:$hport" -cert "$CERTS/rsa.pem" \
    -key "$CERTS/rsa.key" -tls1_3 -www || bail_out "openssl s_server -tls1_3 did not start"
err_case hs handshake "TLS 1.2 against a TLS 1.3-only server" \
    -connect "127.0.0.1:$hport" -tls1_2
jq_is "$TMP/hs.json" '.error.alert.description' "protocol version" "handshake: the alert"
jq_is "$TMP/hs.json" '.error.reason | test("alert")' true "handshake: the library's reason"
stop_bg only13

err_case verify verify "-verify_return_error with the wrong CA" \
    -connect "localhost:$port" -CAfile "$CERTS/wrongca.pem" -verify_return_error
jq_is "$TMP/verify.json" '.error.message | test("unable to get local issuer")' true \
    "verify: the verification error in the message"
jq_is "$TMP/verify.json" '.chain[0].subject' "CN=localhost,O=s_tests" \
    "verify: the chain that failed is shown"

# -msg, -trace and -debug with -json: their text goes to stderr (or -msgfile), stdout stays JSON
for dbg in -msg -trace -debug; do
    run_json "dbg$dbg" -connect "127.0.0.1:$port" "$dbg"
    is "$(wc -l < "$TMP/dbg$dbg.json")" 1 "-json $dbg: one line on stdout"
    schema_ok "$TMP/dbg$dbg.json" "-json $dbg: valid against the schema"
    file_like "$TMP/dbg$dbg.err" 'ClientHello|write to|Handshake' "-json $dbg: the trace is on stderr"
done
run_json msgfile -connect "127.0.0.1:$port" -msg -msgfile "$TMP/msgfile.txt"
file_like "$TMP/msgfile.txt" 'ClientHello' "-json -msg -msgfile: the trace is in the file"
file_unlike "$TMP/msgfile.err" 'ClientHello' "-json -msg -msgfile: and not on stderr"

stop_bg srv
done_testing

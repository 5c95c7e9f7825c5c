#!/usr/bin/env bash
# OCSP stapling against a real responder: `openssl ocsp -port` on loopback answers for our
# test CA; our s_server fetches (-status_url, as the test certificates name no responder),
# staples, and reuses the response; -status_file staples a DER file; a dead responder only
# costs the staple.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/helpers.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"

# The responder's database: the rsa certificate, valid.
serial=$(openssl x509 -in "$CERTS/rsa.pem" -noout -serial | cut -d= -f2)
end=$(date -u -d "$(openssl x509 -in "$CERTS/rsa.pem" -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
subj=$(openssl x509 -in "$CERTS/rsa.pem" -noout -subject -nameopt compat | sed 's/^subject=//')
printf 'V\t%s\t\t%s\tunknown\t%s\n' "$end" "$serial" "$subj" > "$TMP/index.txt"

OCSP_PORT=$(free_port) || bail_out "no free port"
start_bg responder openssl ocsp -index "$TMP/index.txt" -port "$OCSP_PORT" \
    -rsigner "$CERTS/ca.pem" -rkey "$CERTS/ca.key" -CA "$CERTS/ca.pem" -nmin 5
wait_port "$OCSP_PORT" 10 responder || bail_out "openssl ocsp does not listen"

# staple OUT: one openssl s_client connection asking for a staple.
staple() {
    (sleep 0.3) | with_timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -status \
        -CAfile "$CERTS/ca.pem" >"$TMP/$1.cli" 2>&1
}

if srv_up srv "${rsa_id[@]}" -CAfile "$CERTS/ca.pem" -status_verbose \
        -status_url "http://127.0.0.1:$OCSP_PORT/" -www; then
    staple one
    file_like "$TMP/one.cli" 'OCSP Response Status: successful' "-status_url: the client gets a stapled response"
    file_like "$TMP/one.cli" 'Cert Status: good' "... saying the certificate is good"
    file_like "$TMP/one.cli" "Serial Number: $serial" "... for our certificate"
    staple two
    file_like "$TMP/two.cli" 'Cert Status: good' "a second client gets the staple too"
    is "$(count_lines "$TMP/responder.err" '[Rr]eceived request')" 1 \
        "the response was fetched once and reused (the responder saw one request)"
    file_like "$TMP/srv.err" '^cert_status: callback called$' "-status_verbose: the callback is reported"
    file_like "$TMP/srv.err" "^cert_status: default URL: http://127\.0\.0\.1:$OCSP_PORT/" \
        "-status_verbose: the responder URL is reported"
    file_like "$TMP/srv.err" '^cert_status: ocsp response sent:' "-status_verbose: the response is printed"
    (sleep 0.3) | with_timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$CERTS/ca.pem" \
        >"$TMP/nostatus.cli" 2>&1
    file_unlike "$TMP/nostatus.cli" 'OCSP Response Status' "a client that does not ask gets no staple"
    stop_bg srv
else
    fail "-status_url server starts"; skip 7 "no server"
fi

# -status_file: a DER response saved from the responder
with_timeout 10 openssl ocsp -issuer "$CERTS/ca.pem" -cert "$CERTS/rsa.pem" \
    -url "http://127.0.0.1:$OCSP_PORT/" -CAfile "$CERTS/ca.pem" -respout "$TMP/resp.der" \
    >/dev/null 2>&1
if [[ -s $TMP/resp.der ]] && srv_up file "${rsa_id[@]}" -status_file "$TMP/resp.der" -www; then
    staple fromfile
    file_like "$TMP/fromfile.cli" 'Cert Status: good' "-status_file: the DER response is stapled"
    stop_bg file
else
    fail "-status_file server starts"
fi
with_timeout 10 "${SERVER[@]}" -status_file "$TMP/index.txt" "${rsa_id[@]}" </dev/null \
    >/dev/null 2>"$TMP/badfile.err"
is "$?" 1 "-status_file with something that is not DER OCSP: exit 1"
file_like "$TMP/badfile.err" 'status_file' "... naming the option"

# through an HTTP proxy (tinyproxy): -proxy sends the request there; -no_proxy bypasses it
if command -v tinyproxy >/dev/null; then
    pport=$(free_port)
    printf 'Port %s\nListen 127.0.0.1\nTimeout 10\nLogLevel Connect\nMaxClients 5\n' "$pport" \
        > "$TMP/tinyproxy.conf"
    if start_server tp "$pport" tinyproxy -d -c "$TMP/tinyproxy.conf" &&
        srv_up viaproxy "${rsa_id[@]}" -CAfile "$CERTS/ca.pem" -www \
            -status_url "http://127.0.0.1:$OCSP_PORT/" -proxy "http://127.0.0.1:$pport"; then
        staple proxied
        file_like "$TMP/proxied.cli" 'Cert Status: good' "-proxy: the staple is fetched through the proxy" ||
            { diag_file "$TMP/viaproxy.err" "server stderr"; diag_file "$TMP/tp.out" "tinyproxy log"
              diag_file "$TMP/responder.err" "responder stderr"; }
        wait_file_like "$TMP/tp.out" "127\.0\.0\.1:$OCSP_PORT" 5
        ok $? "-proxy: the proxy carried the OCSP request" || diag_file "$TMP/tp.out"
        stop_bg viaproxy
        lines=$(wc -l < "$TMP/tp.out")
        if srv_up noproxy "${rsa_id[@]}" -CAfile "$CERTS/ca.pem" -www \
                -status_url "http://127.0.0.1:$OCSP_PORT/" -proxy "http://127.0.0.1:$pport" \
                -no_proxy 127.0.0.1; then
            staple direct
            file_like "$TMP/direct.cli" 'Cert Status: good' "-no_proxy: the staple is fetched directly"
            sleep 0.5
            is "$(wc -l < "$TMP/tp.out")" "$lines" "-no_proxy: the proxy saw nothing more"
            stop_bg noproxy
        else
            fail "-no_proxy server starts"; skip 1 "no server"
        fi
    else
        fail "tinyproxy and the -proxy server start"; skip 3 "no server"
    fi
    stop_bg tp
else
    skip 5 "tinyproxy not installed"
fi

# a responder whose answer comes a header line per write, as through tinyproxy: a relay in front
# of the real one (libcrypto 3.0's HTTP client lost the Content-Type it had seen when the
# headers came in pieces, and the fetch failed)
rport=$(free_port)
cat > "$TMP/relay.py" <<'PY'
import socket, sys, time
listen_port, responder_port = int(sys.argv[1]), int(sys.argv[2])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", listen_port))
srv.listen(5)
srv.settimeout(60)
while True:
    conn, _ = srv.accept()
    conn.settimeout(10)
    req = b""
    while b"\r\n\r\n" not in req:
        req += conn.recv(65536)
    head, body = req.split(b"\r\n\r\n", 1)
    length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")]
    while length and len(body) < length[0]:
        body += conn.recv(65536)
    up = socket.create_connection(("127.0.0.1", responder_port), timeout=10)
    up.sendall(head + b"\r\n\r\n" + body)
    resp = b""
    while True:
        chunk = up.recv(65536)
        if not chunk:
            break
        resp += chunk
    up.close()
    rhead, rbody = resp.split(b"\r\n\r\n", 1)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for line in rhead.split(b"\r\n"):
        conn.sendall(line + b"\r\n")
        time.sleep(0.05)
    conn.sendall(b"\r\n")
    time.sleep(0.05)
    conn.sendall(rbody)
    conn.close()
PY
if start_server relay "$rport" python3 "$TMP/relay.py" "$rport" "$OCSP_PORT" &&
    srv_up pieces "${rsa_id[@]}" -CAfile "$CERTS/ca.pem" -www -status_url "http://127.0.0.1:$rport/"; then
    staple pieces
    file_like "$TMP/pieces.cli" 'Cert Status: good' \
        "a response whose headers come a line per write is stapled" ||
        diag_file "$TMP/pieces.err" "server stderr"
    stop_bg pieces
else
    fail "relay and server start"
fi
stop_bg relay

# a dead responder: handshakes go on without a staple, and after the first they do not ask it again
stop_bg responder
if srv_up dead "${rsa_id[@]}" -CAfile "$CERTS/ca.pem" -status_url "http://127.0.0.1:$OCSP_PORT/" -status_timeout 2 -www; then
    staple dead1
    file_like "$TMP/dead1.cli" 'OCSP response: no response sent' "dead responder: no staple, but the handshake succeeds"
    staple dead2
    file_like "$TMP/dead2.cli" 'OCSP response: no response sent' "dead responder: the next handshake succeeds too"
    file_like "$TMP/dead.err" 'OCSP: no response' "dead responder: a warning on stderr"
    is "$(count_lines "$TMP/dead.err" 'OCSP: no response')" 1 \
        "dead responder: the next handshake does not try it again (one attempt for two handshakes)"
    stop_bg dead
else
    fail "dead-responder server starts"; skip 3 "no server"
fi
no_sanitizer_reports
done_testing

#!/usr/bin/env bash
# Interoperability matrix, server side: real clients against our s_server.
#
# Rows (peers): openssl s_client, gnutls-cli, curl, wget, Python's ssl module, headless
# Chromium. Columns (dimensions): plain mode (a line each way), the -www page, TLS 1.2 and 1.3
# with RSA-2048 and ECDSA P-256 certificates, resumption (TLS 1.2 by session id and by ticket,
# TLS 1.3), ALPN h2 and http/1.1, client-certificate authentication, SNI.
#
# Each cell starts its own s_server (-www unless plain) on a free loopback port, runs the peer
# with its own certificate verification against the test CA, and checks both sides: what the
# peer reports (version, cipher, ALPN, reuse, certificate) and what the server reports (its
# status page, its stdout, its statistics at exit). Chromium is started twice for its whole
# row: once on the -www page (--dump-dom: the DOM must show the page and the cipher), once on
# a local page of iframes that load every other cell's server (twice in a row for the
# resumption cells); its NetLog gives Chromium's view of each connection.
# At the end the matrix is printed as TAP diagnostics and written to matrix-server.md.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/matrix.sh"

PY=python3
[[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3     # Debian's python3 and its ssl module

COLS=(plain www t12rsa t12ec t13rsa t13ec r12id r12tk r13 h2 http11 ccert sni)
COL_LABEL=([plain]="plain mode" [www]="-www page" [t12rsa]="TLS1.2 RSA" [t12ec]="TLS1.2 ECDSA"
    [t13rsa]="TLS1.3 RSA" [t13ec]="TLS1.3 ECDSA" [r12id]="resume 1.2 (id)"
    [r12tk]="resume 1.2 (ticket)" [r13]="resume 1.3" [h2]="ALPN h2" [http11]="ALPN http/1.1"
    [ccert]="client cert" [sni]="SNI")
ROWS=(openssl gnutls curl wget python chromium)

# peer_version ROW: "name version" for the table, or nothing if the peer is not installed.
peer_version() {
    case $1 in
        openssl) command -v openssl >/dev/null && echo "openssl s_client $(openssl version | awk '{print $2}')" ;;
        gnutls) command -v gnutls-cli >/dev/null && gnutls-cli --version | awk 'NR == 1 {print "gnutls-cli", $2}' ;;
        curl) command -v curl >/dev/null && curl --version | awk 'NR == 1 {print "curl", $2}' ;;
        wget) command -v wget >/dev/null && wget --version | awk 'NR == 1 {print "wget", $3}' ;;
        python) command -v "$PY" >/dev/null &&
            "$PY" -c 'import platform, ssl; print("python3", platform.python_version(), "ssl")' ;;
        chromium) command -v chromium >/dev/null &&
            chromium --version 2>/dev/null | awk '{print "Chromium", $2; exit}' ;;
    esac
}
declare -A MISSING=()
for row in "${ROWS[@]}"; do
    ROW_LABEL[$row]=$(peer_version "$row")
    [[ -z ${ROW_LABEL[$row]} ]] && { ROW_LABEL[$row]=$row; MISSING[$row]=1; }
done

# --- helper scripts ---------------------------------------------------------------------

# The Python client: N connections (a session carried from one to the next), each sending
# a GET (www) or a line (plain), then one report line per connection on stdout.
cat > "$TMP/pyclient.py" <<'EOF'
import socket, ssl, sys
mode, host, port, cafile, ver, alpn, cert, key, sni, n, prefix = sys.argv[1:12]
ctx = ssl.create_default_context(cafile=cafile)
if ver:
    ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, 'TLSv' + ver.replace('.', '_'))
if alpn:
    ctx.set_alpn_protocols(alpn.split(','))
if cert:
    ctx.load_cert_chain(cert, key)
session = None
for i in range(1, int(n) + 1):
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=sni or host, session=session) as tls:
            data, clean = b'', 'yes'
            tls.sendall(b'GET / HTTP/1.0\r\n\r\n' if mode == 'www' else b'ping-python\n')
            while mode == 'www' or b'pong-python' not in data:
                try:
                    chunk = tls.recv(65536)
                except ssl.SSLEOFError:
                    clean = 'no'
                    break
                if not chunk:
                    break
                data += chunk
            subject = dict(x[0] for x in tls.getpeercert()['subject'])
            print('conn=%d version=%s cipher=%s alpn=%s reused=%s subject=%s clean_close=%s' % (
                i, tls.version(), tls.cipher()[0], tls.selected_alpn_protocol() or 'none',
                'yes' if tls.session_reused else 'no', subject.get('commonName', ''), clean), flush=True)
            session = tls.session
    with open('%s.%d' % (prefix, i), 'wb') as f:
        f.write(data)
EOF

# Chromium's NetLog, per server port: the first completed handshake's version, cipher suite,
# ALPN and signature algorithm, whether any connection was resumed, the certificate it got
# (PORT.pem beside the log) and the Content-Type of the responses.
cat > "$TMP/netlog.py" <<'EOF'
import json, sys
log = json.load(open(sys.argv[1]))
names = {v: k for k, v in log['constants']['logEventTypes'].items()}
remote, ports, ctype = {}, {}, []
for e in log['events']:
    name, src, p = names.get(e['type']), e['source']['id'], e.get('params', {})
    if name == 'TCP_CONNECT' and 'remote_address' in p:
        remote[src] = p['remote_address'].rsplit(':', 1)[1]
    elif name == 'SSL_CERTIFICATES_RECEIVED' and src in remote:
        port = remote[src]
        with open('%s.%s.pem' % (sys.argv[1], port), 'w') as f:
            f.write(p['certificates'][0])
    elif name == 'SSL_CONNECT' and e['phase'] == 2 and src in remote and 'version' in p:
        r = ports.setdefault(remote[src], dict(conns=0, resumed='no', **{
            k: p.get(k) for k in ('version', 'cipher_suite', 'next_proto', 'peer_signature_algorithm')}))
        r['conns'] += 1
        if p.get('is_resumed'):
            r['resumed'] = 'yes'
    elif name == 'HTTP_TRANSACTION_READ_RESPONSE_HEADERS':
        ctype += [h.split(':', 1)[1].strip() for h in p.get('headers', [])
                  if h.lower().startswith('content-type:')]
for port, r in ports.items():
    print('port=%s conns=%d version=%s cipher=%s alpn=%s sigalg=%s resumed=%s' % (
        port, r['conns'], r['version'].replace(' ', ''), r['cipher_suite'], r['next_proto'],
        r['peer_signature_algorithm'], r['resumed']))
for c in ctype:
    print('content_type=%s' % c.replace(' ', ''))
EOF

# --- the cell's configuration ------------------------------------------------------------

# server_args COL ROW: our s_server's arguments for the cell, in SARGS (without -accept).
server_args() {
    local col=$1 row=$2 key=rsa
    SARGS=()
    [[ $col == *ec ]] && key=ec
    [[ $col != plain ]] && SARGS+=(-www)
    case $col in
        t12* | r12*) SARGS+=(-tls1_2) ;;
        t13* | r13) SARGS+=(-tls1_3) ;;
    esac
    case $col in
        r12id) SARGS+=(-no_ticket) ;;
        h2) SARGS+=(-alpn h2) ;;
        http11) SARGS+=(-alpn http/1.1) ;;
        ccert) SARGS+=(-Verify 1 -CAfile "$CERTS/ca.pem") ;;
    esac
    if [[ $col == sni && $row == wget ]]; then
        # wget cannot be pointed at other.test (no --resolve): both certificates are valid
        # for localhost, the default is ECDSA, and SNI "localhost" must select the RSA one.
        SARGS+=(-tls1_2 -cert "$CERTS/ec.pem" -key "$CERTS/ec.key"
                -servername localhost -cert2 "$CERTS/rsa.pem" -key2 "$CERTS/rsa.key")
        return
    fi
    SARGS+=(-cert "$CERTS/$key.pem" -key "$CERTS/$key.key")
    [[ $col == sni ]] && SARGS+=(-servername other.test -cert2 "$CERTS/other.pem" -key2 "$CERTS/other.key")
    return 0
}

# request_for COL: what the peer asks for: F_VER (1.2, 1.3 or any), F_ALPN, F_CERT (0/1),
# F_SNI (a name or none), F_RESUME (0/1).
request_for() {
    F_VER= F_ALPN= F_CERT=0 F_SNI= F_RESUME=0
    case $1 in
        t12* | r12*) F_VER=1.2 ;;
        t13* | r13) F_VER=1.3 ;;
    esac
    case $1 in
        r*) F_RESUME=1 ;;
        h2 | http11) F_ALPN=h2,http/1.1 ;;
        ccert) F_CERT=1 ;;
        sni) F_SNI=other.test ;;
    esac
    return 0
}

# --- the peers: one fetch of the -www page (two for resumption) ---------------------------
# Each fetch_ROW PORT sets R_RC (exit status), R_N (connections made), R_VER (TLSv1.x),
# R_CIPHER (OpenSSL name) or R_BULK (cipher and mode only), R_ALPN (none if not agreed),
# R_REUSED (yes/no, of the last connection), R_SUBJECT (server certificate CN), R_KEY
# (rsa/ec, from the certificate's key); empty where the peer does not tell. The pages are
# in $TMP/page.1 and $TMP/page.2.

reset_results() {
    R_RC= R_N=1 R_VER= R_CIPHER= R_BULK= R_ALPN= R_REUSED= R_SUBJECT= R_KEY= R_CLEAN=
    rm -f "$TMP"/page.* "$TMP"/cli.* "$TMP/sess"
}

fetch_openssl() {
    local port=$1 i line args sess
    args=(openssl s_client -connect "127.0.0.1:$port" -CAfile "$CERTS/ca.pem" -verify_return_error -ign_eof)
    [[ -n $F_VER ]] && args+=("-tls${F_VER/./_}")
    [[ -n $F_ALPN ]] && args+=(-alpn "$F_ALPN")
    ((F_CERT)) && args+=(-cert "$CERTS/client.pem" -key "$CERTS/client.key")
    if [[ -n $F_SNI ]]; then args+=(-servername "$F_SNI" -verify_hostname "$F_SNI"); else args+=(-verify_ip 127.0.0.1); fi
    R_N=$((F_RESUME + 1))
    for ((i = 1; i <= R_N; i++)); do
        sess=()
        ((F_RESUME)) && { ((i == 1)) && sess=(-sess_out "$TMP/sess") || sess=(-sess_in "$TMP/sess"); }
        printf 'GET / HTTP/1.0\r\n\r\n' | with_timeout 10 "${args[@]}" "${sess[@]}" >"$TMP/cli.out" 2>"$TMP/cli.err"
        R_RC=$?
        # (openssl may print the response right after its ticket dump, on the same line)
        sed -n 's/.*\(HTTP\/1.0 200\)/\1/; /^HTTP\/1.0 200/,$p' "$TMP/cli.out" >"$TMP/page.$i"
        ((R_RC == 0)) || break
    done
    line=$(grep -m1 -E '^(New|Reused), TLSv' "$TMP/cli.out")
    R_VER=$(sed -E 's/^[A-Za-z]+, ([^,]+), Cipher is .*/\1/' <<<"$line")
    R_CIPHER=${line##*Cipher is }
    [[ $line == Reused* ]] && R_REUSED=yes || R_REUSED=no
    R_ALPN=$(sed -n 's/^ALPN protocol: //p' "$TMP/cli.out" | head -n1)
    [[ -z $R_ALPN ]] && grep -q '^No ALPN negotiated' "$TMP/cli.out" && R_ALPN=none
    R_SUBJECT=$(sed -n 's/^subject=.*CN = \([^,]*\).*/\1/p' "$TMP/cli.out" | head -n1)
    case $(sed -n 's/^Server public key is \([0-9]*\) bit.*/\1/p' "$TMP/cli.out" | head -n1) in
        2048) R_KEY=rsa ;; 256) R_KEY=ec ;;
    esac
}

fetch_gnutls() {
    local port=$1 args p desc
    args=(gnutls-cli --x509cafile "$CERTS/ca.pem" -p "$port")
    [[ -n $F_VER ]] && args+=(--priority "NORMAL:-VERS-ALL:+VERS-TLS$F_VER")
    if [[ -n $F_ALPN ]]; then for p in ${F_ALPN//,/ }; do args+=("--alpn=$p"); done; fi
    ((F_CERT)) && args+=(--x509certfile "$CERTS/client.pem" --x509keyfile "$CERTS/client.key")
    [[ -n $F_SNI ]] && args+=(--sni-hostname "$F_SNI" --verify-hostname "$F_SNI")
    # --resume: a first connection that only handshakes, then a resumed one that sends stdin.
    ((F_RESUME)) && args+=(--resume) && R_N=2
    printf 'GET / HTTP/1.0\r\n\r\n' | with_timeout 10 "${args[@]}" 127.0.0.1 >"$TMP/cli.out" 2>"$TMP/cli.err"
    R_RC=$?
    sed -n '/^HTTP\/1.0 200/,$p' "$TMP/cli.out" >"$TMP/page.$R_N"
    desc=$(grep '^- Description: (' "$TMP/cli.out" | tail -n1)
    [[ $desc =~ ^-\ Description:\ \(TLS1\.([0-9]) ]] && R_VER=TLSv1.${BASH_REMATCH[1]}
    [[ $desc =~ -\(([A-Z0-9-]+)\)$ ]] && R_BULK=${BASH_REMATCH[1]}
    R_ALPN=$(sed -n 's/^- Application protocol: //p' "$TMP/cli.out" | tail -n1)
    : "${R_ALPN:=none}"
    grep -q '^\*\*\* This is a resumed session' "$TMP/cli.out" && R_REUSED=yes || R_REUSED=no
    R_SUBJECT=$(sed -n 's/^ - subject `\(.*,\)\{0,1\}CN=\([^,'\'']*\).*/\2/p' "$TMP/cli.out" | head -n1)
    grep -q '^ - subject .*, RSA key 2048 bits' "$TMP/cli.out" && R_KEY=rsa
    grep -q '^ - subject .*, EC/ECDSA key 256 bits' "$TMP/cli.out" && R_KEY=ec
    return 0
}

fetch_curl() {
    local port=$1 host=127.0.0.1 args url line
    args=(curl -sS -v --max-time 10 --cacert "$CERTS/ca.pem")
    [[ -n $F_SNI ]] && host=$F_SNI && args+=(--resolve "$F_SNI:$port:127.0.0.1")
    [[ -n $F_VER ]] && args+=("--tlsv$F_VER" --tls-max "$F_VER")
    [[ -z $F_ALPN ]] && args+=(--http1.1)        # else curl's default offer: h2,http/1.1
    ((F_CERT)) && args+=(--cert "$CERTS/client.pem" --key "$CERTS/client.key")
    url=https://$host:$port/
    args+=("$url" -o "$TMP/page.1")
    # Resumption: a second URL in the same run is a new connection (-www closes each one).
    ((F_RESUME)) && args+=("$url" -o "$TMP/page.2") && R_N=2
    with_timeout 15 "${args[@]}" 2>"$TMP/cli.err"
    R_RC=$?
    line=$(grep '^\* SSL connection using ' "$TMP/cli.err" | tail -n1)
    [[ $line =~ using\ (TLSv1\.[0-9])\ /\ (.*)$ ]] && R_VER=${BASH_REMATCH[1]} R_CIPHER=${BASH_REMATCH[2]}
    R_ALPN=$(sed -n 's/^\* ALPN: server accepted //p' "$TMP/cli.err" | tail -n1)
    [[ -z $R_ALPN ]] && grep -q '^\* ALPN: server did not agree' "$TMP/cli.err" && R_ALPN=none
    # curl's own view of a resumption: it offered the session and the server sent no
    # certificate the second time (an abbreviated handshake).
    if ((F_RESUME)); then
        if grep -q 'SSL re-using session ID' "$TMP/cli.err" &&
            [[ $(grep -c '(IN), TLS handshake, Certificate (11)' "$TMP/cli.err") == 1 ]]; then
            R_REUSED=yes
        else
            R_REUSED=no
        fi
    fi
    R_SUBJECT=$(sed -n 's/^\*  subject: .*CN=\([^;]*\).*/\1/p' "$TMP/cli.err" | tail -n1)
}

fetch_wget() {
    local port=$1 host=127.0.0.1 args
    # wget tells nothing of the TLS session; its part is verifying our chain for the name.
    [[ -n $F_SNI ]] && host=localhost
    args=(env HOME="$TMP" wget --no-config --no-hsts -4 -t 1 -T 10 -q
          --ca-certificate="$CERTS/ca.pem" -O "$TMP/page.1")
    [[ -n $F_VER ]] && args+=("--secure-protocol=TLSv${F_VER/./_}")
    ((F_CERT)) && args+=("--certificate=$CERTS/client.pem" "--private-key=$CERTS/client.key")
    with_timeout 15 "${args[@]}" "https://$host:$port/" 2>"$TMP/cli.err"
    R_RC=$?
}

fetch_python() {
    local port=$1 line
    R_N=$((F_RESUME + 1))
    with_timeout 15 "$PY" "$TMP/pyclient.py" www 127.0.0.1 "$port" "$CERTS/ca.pem" "$F_VER" "$F_ALPN" \
        "$( ((F_CERT)) && echo "$CERTS/client.pem")" "$( ((F_CERT)) && echo "$CERTS/client.key")" \
        "$F_SNI" "$R_N" "$TMP/page" >"$TMP/cli.out" 2>"$TMP/cli.err"
    R_RC=$?
    line=$(tail -n1 "$TMP/cli.out")
    R_VER=$(kv "$line" version) R_CIPHER=$(kv "$line" cipher) R_ALPN=$(kv "$line" alpn)
    R_REUSED=$(kv "$line" reused) R_SUBJECT=$(kv "$line" subject) R_CLEAN=$(kv "$line" clean_close)
}

# kv LINE KEY: the value of KEY=value in a line of space-separated pairs.
kv() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }

# bulk NAME: cipher and mode of a suite name, in one spelling (AES256GCM, CHACHA20POLY1305).
bulk() {
    local b=${1//[-_]/}
    [[ $b =~ (AES(128|256)GCM|CHACHA20POLY1305|AES(128|256)CCM) ]] && echo "${BASH_REMATCH[1]}"
}

# page_line FILE: "New, TLSv1.3, Cipher is X" of a status page, split into P_REUSE P_VER P_CIPHER.
page_line() {
    local line
    line=$(grep -m1 -E '^(New|Reused), TLSv1\.[0-9], Cipher is ' "$1" 2>/dev/null)
    P_REUSE=${line%%,*} P_VER= P_CIPHER=${line##*Cipher is }
    [[ $line =~ ^[A-Za-z]+,\ (TLSv1\.[0-9]), ]] && P_VER=${BASH_REMATCH[1]}
    [[ -n $line ]]
}

# cipher_class VER KEY: the suite names that fit a version and a certificate key.
cipher_class() {
    case $1/$2 in
        1.2/rsa) echo '^ECDHE-RSA-' ;;
        1.2/ec) echo '^ECDHE-ECDSA-' ;;
        *) echo '^TLS_' ;;
    esac
}

# www_log_like FILE REGEX DESC: a check of what s_server -www printed. In a reference run
# (S_SERVER="openssl s_server") it is skipped: openssl leaves that output in a stdio buffer
# while stdout is a file, and loses it when it is stopped.
www_log_like() {
    if server_is_openssl; then
        skip 1 "$3: openssl s_server -www keeps its stdout in a block buffer (reference run)"
    else
        chk file_like "$@"
    fi
}

# --- one -www cell for the command-line peers ----------------------------------------------

www_cell() {
    local row=$1 col=$2 port lbl="${ROW_LABEL[$1]}: ${COL_LABEL[$2]}" key=rsa want_page=1 cnote=
    [[ $col == *ec ]] && key=ec
    [[ $col == sni && $row == wget ]] && key=rsa
    cell_begin "$row" "$col"
    request_for "$col"
    server_args "$col" "$row"
    reset_results
    port=$(free_port) || { chk_fail "$lbl: free port"; cell_end; return; }
    if ! start_server srv "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" "${SARGS[@]}"; then
        chk_fail "$lbl: our s_server starts"; cell_end; return
    fi
    "fetch_$row" "$port"
    # After ALPN h2 a client that speaks HTTP/2 gets no page: -www answers HTTP/1.0 only,
    # as openssl s_server does.
    if [[ $col == h2 && $row == curl ]]; then
        want_page=0
        cnote="curl speaks HTTP/2 after agreeing on h2; -www answers HTTP/1.0 only (as openssl s_server), so the check is the handshake and that the server survives"
    fi

    if ((want_page)); then
        chk is "$R_RC" 0 "$lbl: peer verifies our chain and fetches the page (exit 0)" ||
            { diag_file "$TMP/cli.err" "peer stderr"; diag_file "$TMP/srv.err" "server stderr"; }
        chk file_like "$TMP/page.$R_N" '</BODY></HTML>' "$lbl: whole status page received"
        page_line "$TMP/page.$R_N"
        chk ok $? "$lbl: page shows the negotiated cipher ($P_CIPHER)"
        [[ -n $F_VER ]] && chk is "$P_VER" "TLSv$F_VER" "$lbl: server's view: $P_VER"
        [[ -n $R_VER ]] && chk is "$R_VER" "$P_VER" "$lbl: peer's view of the version: $R_VER"
        if [[ -n $R_CIPHER ]]; then
            chk is "$R_CIPHER" "$P_CIPHER" "$lbl: peer's view of the cipher: $R_CIPHER"
        elif [[ -n $R_BULK ]]; then
            chk is "$(bulk "$R_BULK")" "$(bulk "$P_CIPHER")" "$lbl: peer's view of the cipher: $R_BULK"
        fi
        if [[ -n $F_VER || $col == sni && $row == wget ]]; then
            chk like "$P_CIPHER" "$(cipher_class "${P_VER#TLSv}" "$key")" "$lbl: suite fits the $key certificate"
        fi
        [[ -n $R_KEY && $col != sni ]] && chk is "$R_KEY" "$key" "$lbl: peer's view of the certificate key: $R_KEY"
        [[ -n $R_CLEAN ]] && chk is "$R_CLEAN" yes "$lbl: the server ends with close_notify"
    else
        chk ok "$( ((R_RC != 0)) ; echo $?)" "$lbl: no HTTP/2 answer, as expected"
    fi

    case $col in
        r*)
            if [[ -f $TMP/page.1 && $R_N == 2 ]]; then
                page_line "$TMP/page.1"
                chk is "$P_REUSE" New "$lbl: server's view of the first connection: New"
            fi
            page_line "$TMP/page.$R_N"
            chk is "$P_REUSE" Reused "$lbl: server's view of the second connection: Reused"
            [[ -n $R_REUSED ]] && chk is "$R_REUSED" yes "$lbl: peer's view: resumed"
            ;;
        h2 | http11)
            local want=h2
            [[ $col == http11 ]] && want=http/1.1
            www_log_like "$TMP/srv.out" "^ALPN protocols selected: $want\$" "$lbl: server selected $want"
            [[ -n $R_ALPN ]] && chk is "$R_ALPN" "$want" "$lbl: peer's view of ALPN: $R_ALPN"
            ;;
        ccert)
            chk file_like "$TMP/page.$R_N" '^Client certificate' "$lbl: page shows the client certificate"
            chk file_like "$TMP/page.$R_N" 'Subject: .*CN ?= ?s_tests client' "$lbl: ... with its subject"
            ;;
        sni)
            if [[ $row == wget ]]; then
                www_log_like "$TMP/srv.out" '^Hostname in TLS extension: "localhost"$' "$lbl: server saw SNI localhost"
            else
                www_log_like "$TMP/srv.out" '^Hostname in TLS extension: "other\.test"$' "$lbl: server saw SNI other.test"
                [[ -n $R_SUBJECT ]] && chk is "$R_SUBJECT" other.test "$lbl: peer got the other.test certificate"
            fi
            ;;
    esac
    chk ok "$(is_running srv; echo $?)" "$lbl: server still running after the peer"
    [[ $_cell_bad == 1 ]] && diag_file "$TMP/srv.out" "server stdout" && diag_file "$TMP/cli.err" "peer stderr"
    stop_bg srv
    cell_end "$cnote"
}

# --- plain mode: a line each way with the interactive server -------------------------------

plain_cell() {
    local row=$1 col=plain port lbl="${ROW_LABEL[$1]}: plain mode" scipher ccipher line
    cell_begin "$row" "$col"
    reset_results
    port=$(free_port) || { chk_fail "$lbl: free port"; cell_end; return; }
    if ! start_server srv "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" \
            -cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key"; then
        chk_fail "$lbl: our s_server starts"; cell_end; return
    fi
    case $row in
        openssl) start_bg cli openssl s_client -connect "127.0.0.1:$port" -CAfile "$CERTS/ca.pem" \
                     -verify_return_error -verify_ip 127.0.0.1
                 send_line cli ping-openssl ;;
        gnutls) start_bg cli gnutls-cli --x509cafile "$CERTS/ca.pem" -p "$port" 127.0.0.1
                send_line cli ping-gnutls ;;
        python) start_bg cli "$PY" "$TMP/pyclient.py" plain 127.0.0.1 "$port" "$CERTS/ca.pem" \
                    "" "" "" "" "" 1 "$TMP/page" ;;
    esac
    wait_file_like "$TMP/srv.out" "^ping-$row" 10
    chk ok $? "$lbl: peer -> server line on the server's stdout" ||
        { diag_file "$TMP/cli.out" "peer stdout"; diag_file "$TMP/cli.err" "peer stderr"; diag_file "$TMP/srv.err" "server stderr"; }
    send_line srv "pong-$row"
    if [[ $row == python ]]; then
        wait_exit cli 10
        chk file_like "$TMP/page.1" "pong-$row" "$lbl: server stdin -> peer"
    else
        wait_file_like "$TMP/cli.out" "pong-$row" 10
        chk ok $? "$lbl: server stdin -> peer"
        close_stdin cli
        wait_exit cli 5 || true
    fi
    scipher=$(sed -n 's/^CIPHER is //p' "$TMP/srv.out" | head -n1)
    case $row in
        openssl) ccipher=$(sed -n 's/^New, TLSv1\.[0-9], Cipher is //p' "$TMP/cli.out" | head -n1)
                 chk is "$ccipher" "$scipher" "$lbl: both sides report the cipher $scipher" ;;
        gnutls) line=$(grep '^- Description: (' "$TMP/cli.out" | tail -n1)
                chk is "$(bulk "${line##*-(}")" "$(bulk "$scipher")" "$lbl: both sides report the same cipher ($scipher)" ;;
        python) line=$(tail -n1 "$TMP/cli.out")
                chk is "$(kv "$line" cipher)" "$scipher" "$lbl: both sides report the cipher $scipher" ;;
    esac
    stop_bg cli
    stop_bg srv
    cell_end
}

# --- Chromium: two starts for the whole row ------------------------------------------------

CHR_COLS=(t12rsa t12ec t13rsa t13ec r12id r12tk r13 h2 http11 sni)
declare -A CHR_PORT=()

# spki PEM: the base64 SHA-256 of a certificate's public key, as Chromium pins it.
spki() {
    openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform der |
        openssl dgst -sha256 -binary | base64
}

# chromium_run NAME URL SPKI_LIST: one headless Chromium, its DOM in $TMP/NAME.dom, its
# NetLog summary in $TMP/NAME.net (certificates in $TMP/NAME.json.PORT.pem).
chromium_run() {
    local name=$1 url=$2 pins=$3
    mkdir -p "$TMP/chr-home"
    with_timeout 60 env HOME="$TMP/chr-home" chromium --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-quic --no-first-run --disable-extensions --no-default-browser-check --timeout=20000 \
        --user-data-dir="$TMP/$name.profile" --ignore-certificate-errors-spki-list="$pins" \
        --host-resolver-rules="MAP other.test 127.0.0.1" --log-net-log="$TMP/$name.json" \
        --dump-dom "$url" >"$TMP/$name.dom" 2>"$TMP/$name.err"
    CHR_RC=$?
    "$PY" "$TMP/netlog.py" "$TMP/$name.json" >"$TMP/$name.net" 2>>"$TMP/$name.err"
}

# chr_field NAME PORT KEY: one value of the NetLog summary.
chr_field() { kv "$(grep "^port=$2 " "$TMP/$1.net")" "$3"; }

# suite_name NUMBER: the OpenSSL name of a cipher suite number (as Chromium logs it).
suite_name() {
    local hex
    [[ $1 =~ ^[0-9]+$ ]] || return 0
    hex=$(printf '0x%02X,0x%02X' $(($1 >> 8)) $(($1 & 255)))
    openssl ciphers -V 'ALL:COMPLEMENTOFALL' | awk -v h="$hex" '$1 == h { print $3; exit }'
}

# stat_count SRVNAME LABEL: a counter of the server's statistics printed at its exit.
stat_count() { sed -n "s/^ *\\([0-9]*\\) $2\$/\\1/p" "$TMP/$1.out" | tail -n1; }

chromium_row() {
    local row=chromium col port pins url lbl srv page v c name a r s key want
    cell_na chromium plain "a browser speaks HTTP only: the -www cells are its plain mode"
    cell_na chromium ccert "headless Chromium has no certificate picker; selecting a client certificate needs the AutoSelectCertificateForUrls policy under /etc/chromium/policies, which is system-wide"

    # Every Chromium server starts first; then one browser run per page.
    pins="$(spki "$CERTS/rsa.pem"),$(spki "$CERTS/ec.pem"),$(spki "$CERTS/other.pem")"
    for col in www "${CHR_COLS[@]}"; do
        server_args "$col" chromium
        port=$(free_port) && start_server "chr_$col" "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" "${SARGS[@]}" &&
            CHR_PORT[$col]=$port
    done

    # 1. The -www page itself, as the main frame.
    cell_begin chromium www
    lbl="Chromium: -www page"
    if [[ -n ${CHR_PORT[www]:-} ]]; then
        port=${CHR_PORT[www]}
        chromium_run chr-dom "https://127.0.0.1:$port/" "$pins"
        chk is "$CHR_RC" 0 "$lbl: chromium --dump-dom exits 0" || diag_file "$TMP/chr-dom.err" "chromium stderr"
        chk file_like "$TMP/chr-dom.dom" '^<html><head>.*</head><body[^>]*>' "$lbl: DOM has a body (the page rendered)"
        chk file_like "$TMP/chr-dom.dom" '^<pre>' "$lbl: DOM has the <pre> of the status page"
        chk file_like "$TMP/chr-dom.dom" 'Ciphers supported in s_server binary' "$lbl: DOM shows the cipher list"
        chk file_like "$TMP/chr-dom.dom" '</body></html>$' "$lbl: DOM has the whole page"
        page_line "$TMP/chr-dom.dom"
        v=$(chr_field chr-dom "$port" version) c=$(suite_name "$(chr_field chr-dom "$port" cipher)")
        chk is "$P_VER" "${v/TLS/TLSv}" "$lbl: page's version $P_VER is Chromium's ($v)"
        chk is "$P_CIPHER" "$c" "$lbl: page's cipher $P_CIPHER is Chromium's ($c)"
        # The page must say how it is encoded: a charset in Content-Type or a <meta charset>.
        server_is_openssl && TODO="openssl's -www page declares no charset (Content-type: text/html, no <meta charset>)"
        grep -qi 'charset=' "$TMP/chr-dom.net" || grep -qiE '<meta[^>]*charset' "$TMP/chr-dom.dom"
        chk ok $? "$lbl: the page declares its charset (Content-Type: $(sed -n 's/^content_type=//p' "$TMP/chr-dom.net" | head -n1))"
        TODO=
        chk ok "$(is_running chr_www; echo $?)" "$lbl: server still running"
    else
        chk_fail "$lbl: our s_server starts"
    fi
    cell_end

    # 2. Every other cell's server in an iframe; the resumption cells load theirs twice, one
    #    after the other (the second load needs a new connection: -www closes each one).
    {
        echo '<!DOCTYPE html><html><head><meta charset="utf-8"><title>matrix</title></head><body><script>'
        echo 'function load(url, n) { var f = document.createElement("iframe");'
        echo '  f.onload = function () { if (n > 1) load(url + "again", n - 1); };'
        echo '  f.src = url; document.body.appendChild(f); }'
        for col in "${CHR_COLS[@]}"; do
            [[ -z ${CHR_PORT[$col]:-} ]] && continue
            url="https://127.0.0.1:${CHR_PORT[$col]}/"
            [[ $col == sni ]] && url="https://other.test:${CHR_PORT[$col]}/"
            [[ $col == r* ]] && echo "load('$url', 2);" || echo "load('$url', 1);"
        done
        echo '</script></body></html>'
    } >"$TMP/chr-frames.html"
    if server_is_openssl; then
        # Reference run: openssl s_server serves one connection at a time, and Chromium's
        # parallel connections (a preconnected one sits idle) stall it; nor does it print
        # statistics when stopped.
        for col in "${CHR_COLS[@]}"; do
            cell_na chromium "$col" "reference run: openssl s_server serves one connection at a time, which Chromium's parallel connections stall"
            stop_bg "chr_$col"
        done
        stop_bg chr_www
        return
    fi
    chromium_run chr-frames "file://$TMP/chr-frames.html" "$pins"
    [[ $CHR_RC == 0 ]] || diag_file "$TMP/chr-frames.err" "chromium stderr"

    for col in "${CHR_COLS[@]}"; do
        cell_begin chromium "$col"
        lbl="Chromium: ${COL_LABEL[$col]}"
        srv=chr_$col port=${CHR_PORT[$col]:-}
        if [[ -z $port ]]; then chk_fail "$lbl: our s_server starts"; cell_end; continue; fi
        chk ok "$(is_running "$srv"; echo $?)" "$lbl: server still running"
        stop_bg "$srv"              # prints its statistics: the server's view
        v=$(chr_field chr-frames "$port" version)
        name=$(suite_name "$(chr_field chr-frames "$port" cipher)")
        a=$(chr_field chr-frames "$port" alpn) r=$(chr_field chr-frames "$port" resumed)
        s=$(chr_field chr-frames "$port" sigalg)
        chk ok "$([[ $(chr_field chr-frames "$port" conns) -ge 1 ]]; echo $?)" \
            "$lbl: Chromium completed a handshake" || { diag_file "$TMP/chr-frames.net" "NetLog summary"; diag_file "$TMP/$srv.out"; }
        case $col in
            *12*) chk is "$v" TLS1.2 "$lbl: Chromium's view: TLS 1.2" ;;
            *13*) chk is "$v" TLS1.3 "$lbl: Chromium's view: TLS 1.3" ;;
        esac
        key=rsa
        [[ $col == *ec ]] && key=ec
        if [[ $col == t* ]]; then
            chk like "$name" "$(cipher_class "${v#TLS}" "$key")" "$lbl: suite $name fits the $key certificate"
            # 0x0403 ecdsa_secp256r1_sha256; RSA: rsa_pss_rsae_* (0x080x) or rsa_pkcs1_* (0x0x01)
            if [[ $key == ec ]]; then want='^1027$'; else want='^(205[2-4]|(1|5|6)(025|281|537))$'; fi
            chk like "$s" "$want" "$lbl: Chromium verified a $key signature (scheme $s)"
        fi
        [[ $col != sni ]] && chk ok "$([[ $(stat_count "$srv" 'server accepts that finished') -ge 1 ]]; echo $?)" \
            "$lbl: server's view: handshakes finished"
        case $col in
            r*) chk is "$r" yes "$lbl: Chromium's view: a connection resumed"
                chk ok "$([[ $(stat_count "$srv" 'session cache hits') -ge 1 ]]; echo $?)" \
                    "$lbl: server's view: session cache hits >= 1" || diag_file "$TMP/$srv.out" ;;
            h2) chk is "$a" h2 "$lbl: Chromium's view: ALPN h2"
                chk file_like "$TMP/$srv.out" '^ALPN protocols selected: h2$' "$lbl: server selected h2" ;;
            http11) chk is "$a" http/1.1 "$lbl: Chromium's view: ALPN http/1.1"
                chk file_like "$TMP/$srv.out" '^ALPN protocols selected: http/1\.1$' "$lbl: server selected http/1.1" ;;
            sni) chk like "$(openssl x509 -noout -subject -in "$TMP/chr-frames.json.$port.pem" 2>&1)" \
                    'CN ?= ?other\.test' "$lbl: Chromium got the other.test certificate"
                chk file_like "$TMP/$srv.out" '^Hostname in TLS extension: "other\.test"$' "$lbl: server saw SNI other.test" ;;
        esac
        cell_end "$([[ $col == h2 ]] && echo "handshake only: Chromium speaks HTTP/2 after agreeing on h2, -www answers HTTP/1.0 only (as openssl s_server)")"
    done
    stop_bg chr_www
}

# --- the run -------------------------------------------------------------------------------

for row in "${ROWS[@]}"; do
    if [[ -n ${MISSING[$row]:-} ]]; then
        for col in "${COLS[@]}"; do cell_na "$row" "$col" "$row is not installed (scripts/install-deps.sh)"; done
        continue
    fi
    if [[ $row == chromium ]]; then chromium_row; continue; fi
    for col in "${COLS[@]}"; do
        case $row/$col in
            curl/plain | wget/plain)
                cell_na "$row" "$col" "an HTTP client: the -www cells are its plain mode" ;;
            wget/r*)
                cell_na "$row" "$col" "wget (GnuTLS) resumes sessions only for FTPS data connections, never across HTTPS connections" ;;
            wget/h2 | wget/http11)
                cell_na "$row" "$col" "wget 1.21 sends no ALPN extension" ;;
            */plain) plain_cell "$row" ;;
            *) www_cell "$row" "$col" ;;
        esac
    done
done

matrix_report server "Real clients against our s_server"
done_testing

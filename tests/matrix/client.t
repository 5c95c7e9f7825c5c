#!/usr/bin/env bash
# Interoperability matrix, client side: our s_client against real servers.
#
# Rows (peers): openssl s_server, gnutls-serv, nginx, a Python ssl server. Columns
# (dimensions): plain mode (data each way), TLS 1.2 and 1.3 with RSA-2048 and ECDSA P-256
# certificates, resumption (TLS 1.2 by session id with -reconnect, TLS 1.2 by ticket with
# -sess_out/-sess_in, TLS 1.3 with -reconnect), ALPN h2 and http/1.1, client-certificate
# authentication, SNI.
#
# Our s_client always verifies the peer against the test CA (-verify_return_error, with
# -verify_ip or -verify_hostname) and pins the version itself; the servers accept both TLS 1.2
# and 1.3 and offer h2 and http/1.1. Each cell checks both sides: our report (version, cipher,
# New/Reused, ALPN, certificate) and the server's (openssl s_server's and gnutls-serv's
# stdout, nginx's access log, the Python server's log line).
# nginx runs once for the whole row, from a config in the temp dir, with a pid file there, a
# shared session cache and tickets on; the others start per cell.
# At the end the matrix is printed as TAP diagnostics and written to matrix-client.md.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/matrix.sh"

PY=python3
[[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3     # Debian's python3 and its ssl module

COLS=(plain t12rsa t12ec t13rsa t13ec r12id r12tk r13 h2 http11 ccert sni)
COL_LABEL=([plain]="plain mode" [t12rsa]="TLS1.2 RSA" [t12ec]="TLS1.2 ECDSA"
    [t13rsa]="TLS1.3 RSA" [t13ec]="TLS1.3 ECDSA" [r12id]="resume 1.2 (id)"
    [r12tk]="resume 1.2 (ticket)" [r13]="resume 1.3" [h2]="ALPN h2" [http11]="ALPN http/1.1"
    [ccert]="client cert" [sni]="SNI")
ROWS=(openssl gnutls nginx python)

peer_version() {
    case $1 in
        openssl) command -v openssl >/dev/null && echo "openssl s_server $(openssl version | awk '{print $2}')" ;;
        gnutls) command -v gnutls-serv >/dev/null && gnutls-serv --version | awk 'NR == 1 {print "gnutls-serv", $2}' ;;
        nginx) command -v nginx >/dev/null && nginx -v 2>&1 | sed -n 's|^nginx version: nginx/|nginx |p' ;;
        python) command -v "$PY" >/dev/null &&
            "$PY" -c 'import platform; print("python3", platform.python_version(), "ssl server")' ;;
    esac
}
declare -A MISSING=()
for row in "${ROWS[@]}"; do
    ROW_LABEL[$row]=$(peer_version "$row")
    [[ -z ${ROW_LABEL[$row]} ]] && { ROW_LABEL[$row]=$row; MISSING[$row]=1; }
done

# The Python server: accepts one connection after another; for each, a log line (the server's
# view), then it echoes what it reads until the client closes.
cat > "$TMP/pyserver.py" <<'EOF'
import socket, ssl, sys
port, cert, key, cafile, require, other = sys.argv[1:7]
def context(c, k):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(c, k)
    ctx.set_alpn_protocols(['h2', 'http/1.1'])
    if require == '1':
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cafile)
    return ctx
ctx = context(cert, key)
octx = context(*other.split(',')) if other else None
def on_sni(sock, name, _):
    sock.sni = name
    if octx and name == 'other.test':
        sock.context = octx
ctx.sni_callback = on_sni
ls = socket.create_server(('127.0.0.1', int(port)))
while True:
    conn, _ = ls.accept()
    conn.settimeout(10)
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError) as e:
        print('handshake failed: %s' % e, flush=True)
        conn.close()
        continue
    peer = tls.getpeercert()
    client = dict(x[0] for x in peer['subject']).get('commonName', '') if peer else 'none'
    print('conn version=%s cipher=%s reused=%s alpn=%s sni=%s client=%s' % (
        tls.version(), tls.cipher()[0], 'yes' if tls.session_reused else 'no',
        tls.selected_alpn_protocol() or 'none', getattr(tls, 'sni', None) or 'none',
        client.replace(' ', '+')), flush=True)
    try:
        while True:
            data = tls.recv(65536)
            if not data:
                break
            tls.sendall(b'python-echo: ' + data)
        # close_notify: OpenSSL drops a session from the cache when it was never sent
        tls.unwrap()
    except (ssl.SSLError, OSError):
        pass
    tls.close()
EOF

# --- nginx, once for the row ------------------------------------------------------------------

NGX=$TMP/nginx
declare -A NGX_PORT=()

# nginx_start: three TLS servers on loopback ports: RSA (and other.test by SNI on the same
# port), ECDSA, and RSA requiring a client certificate. The response body and the access log
# line are nginx's view of the connection.
nginx_start() {
    local k
    mkdir -p "$NGX"
    for k in rsa ec ccert; do NGX_PORT[$k]=$(free_port) || return 1; done
    local view='protocol=$ssl_protocol cipher=$ssl_cipher reused=$ssl_session_reused alpn=$ssl_alpn_protocol sni=$ssl_server_name client=$ssl_client_s_dn'
    cat >"$NGX/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $NGX/nginx.pid;
error_log $NGX/error.log info;
events { worker_connections 64; }
http {
    log_format view '\$server_port \$server_protocol \$status $view';
    access_log $NGX/access.log view;
    client_body_temp_path $NGX/body;
    proxy_temp_path $NGX/proxy;
    fastcgi_temp_path $NGX/fastcgi;
    uwsgi_temp_path $NGX/uwsgi;
    scgi_temp_path $NGX/scgi;
    default_type text/plain;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:matrix:1m;
    ssl_session_timeout 5m;
    ssl_session_tickets on;
    server {
        listen 127.0.0.1:${NGX_PORT[rsa]} ssl http2;
        server_name localhost;
        ssl_certificate $CERTS/rsa.pem;
        ssl_certificate_key $CERTS/rsa.key;
        location / { return 200 "nginx: $view\n"; }
    }
    server {
        listen 127.0.0.1:${NGX_PORT[rsa]} ssl http2;
        server_name other.test;
        ssl_certificate $CERTS/other.pem;
        ssl_certificate_key $CERTS/other.key;
        location / { return 200 "nginx: $view\n"; }
    }
    server {
        listen 127.0.0.1:${NGX_PORT[ec]} ssl http2;
        ssl_certificate $CERTS/ec.pem;
        ssl_certificate_key $CERTS/ec.key;
        location / { return 200 "nginx: $view\n"; }
    }
    server {
        listen 127.0.0.1:${NGX_PORT[ccert]} ssl http2;
        ssl_certificate $CERTS/rsa.pem;
        ssl_certificate_key $CERTS/rsa.key;
        ssl_verify_client on;
        ssl_client_certificate $CERTS/ca.pem;
        location / { return 200 "nginx: $view\n"; }
    }
}
EOF
    start_bg nginx nginx -e "$NGX/error.log" -p "$NGX" -c "$NGX/nginx.conf"
    for k in rsa ec ccert; do
        wait_port "${NGX_PORT[$k]}" 10 nginx || { diag_file "$NGX/error.log" "nginx error.log"; diag_file "$TMP/nginx.err"; return 1; }
    done
    for ((k = 0; k < 50; k++)); do [[ -s $NGX/nginx.pid ]] && break; sleep 0.1; done
    [[ -s $NGX/nginx.pid ]]
}

# nginx_stop: by the PID in its pid file (a graceful quit), then the wrapper's own cleanup.
nginx_stop() {
    local pid i
    pid=$(cat "$NGX/nginx.pid" 2>/dev/null)
    if [[ -n $pid ]]; then
        kill -QUIT "$pid" 2>/dev/null
        for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    stop_bg nginx
}

# --- the cell's configuration ------------------------------------------------------------------

# request_for COL: what our client asks for: F_VER, F_ALPN (one protocol), F_CERT, F_SNI,
# F_KEY (the server certificate to use).
request_for() {
    F_VER= F_ALPN= F_CERT=0 F_SNI= F_KEY=rsa
    case $1 in
        t12* | r12*) F_VER=1.2 ;;
        t13* | r13) F_VER=1.3 ;;
    esac
    [[ $1 == *ec ]] && F_KEY=ec
    case $1 in
        h2) F_ALPN=h2 ;;
        http11) F_ALPN=http/1.1 ;;
        ccert) F_CERT=1 ;;
        sni) F_SNI=other.test ;;
    esac
    return 0
}

# start_peer ROW COL: the server for the cell; sets PORT.
start_peer() {
    local row=$1 col=$2 args
    if [[ $row == nginx ]]; then
        PORT=${NGX_PORT[$F_KEY]}
        ((F_CERT)) && PORT=${NGX_PORT[ccert]}
        [[ -n $PORT ]] && is_running nginx
        return
    fi
    PORT=$(free_port) || return 1
    case $row in
        openssl)
            args=(openssl s_server -accept "127.0.0.1:$PORT" -cert "$CERTS/$F_KEY.pem"
                  -key "$CERTS/$F_KEY.key" -alpn h2,http/1.1)
            ((F_CERT)) && args+=(-Verify 1 -CAfile "$CERTS/ca.pem")
            [[ -n $F_SNI ]] && args+=(-servername other.test -cert2 "$CERTS/other.pem" -key2 "$CERTS/other.key")
            ;;
        gnutls)
            # gnutls-serv has no bind address option: it listens on the wildcard address,
            # and only this loopback client connects to it, for the few seconds of the cell.
            args=(gnutls-serv --echo -p "$PORT" --x509certfile "$CERTS/$F_KEY.pem"
                  --x509keyfile "$CERTS/$F_KEY.key" --alpn h2 --alpn http/1.1)
            ((F_CERT)) && args+=(--require-client-cert --verify-client-cert --x509cafile "$CERTS/ca.pem")
            # With several certificates GnuTLS picks the one whose name the client asked for.
            [[ -n $F_SNI ]] && args+=(--x509certfile "$CERTS/other.pem" --x509keyfile "$CERTS/other.key")
            ;;
        python)
            args=("$PY" "$TMP/pyserver.py" "$PORT" "$CERTS/$F_KEY.pem" "$CERTS/$F_KEY.key"
                  "$CERTS/ca.pem" "$F_CERT" "$([[ -n $F_SNI ]] && echo "$CERTS/other.pem,$CERTS/other.key")")
            ;;
    esac
    start_server srv "$PORT" "${args[@]}"
}

# ours_args: our s_client's arguments for the cell, in OARGS.
ours_args() {
    OARGS=(-connect "127.0.0.1:$PORT" -CAfile "$CERTS/ca.pem" -verify_return_error)
    [[ -n $F_VER ]] && OARGS+=("-tls${F_VER/./_}")
    [[ -n $F_ALPN ]] && OARGS+=(-alpn "$F_ALPN")
    ((F_CERT)) && OARGS+=(-cert "$CERTS/client.pem" -key "$CERTS/client.key")
    if [[ -n $F_SNI ]]; then OARGS+=(-servername "$F_SNI" -verify_hostname "$F_SNI"); else OARGS+=(-verify_ip 127.0.0.1); fi
    return 0
}

HTTP_GET=$'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n'

# run_ours ROW OUT [ARGS...]: one foreground run of our client, bounded; its stdin is a line
# (an HTTP GET for nginx, which answers and closes: -ign_eof waits for that).
run_ours() {
    local row=$1 out=$2; shift 2
    if [[ $row == nginx ]]; then
        printf '%s' "$HTTP_GET" | with_timeout 15 "${CLIENT[@]}" "${OARGS[@]}" -ign_eof "$@" >"$TMP/$out.out" 2>"$TMP/$out.err"
    else
        printf 'ping-ours\n' | with_timeout 15 "${CLIENT[@]}" "${OARGS[@]}" "$@" >"$TMP/$out.out" 2>"$TMP/$out.err"
    fi
}

# h2_request: an HTTP/2 request in the raw: the connection preface, an empty SETTINGS frame,
# and a HEADERS frame (END_STREAM|END_HEADERS, stream 1) with HPACK ":method GET" (0x82),
# ":scheme https" (0x87), ":path /" (0x84) and a literal ":authority localhost".
h2_request() {
    printf 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
    printf '\x00\x00\x00\x04\x00\x00\x00\x00\x00'
    printf '\x00\x00\x0e\x01\x05\x00\x00\x00\x01\x82\x87\x84\x41\x09localhost'
}

# --- the views --------------------------------------------------------------------------------

# our_view FILE: our client's report of its first connection: O_VER, O_CIPHER, O_ALPN,
# O_SUBJECT (server certificate CN), O_KEY (rsa/ec); O_NEW and O_REUSED count the
# connections reported New and Reused.
our_view() {
    local f=$1 line
    line=$(grep -a -m1 -E '^(New|Reused), TLSv' "$f")
    O_VER= O_CIPHER=${line##*Cipher is } O_KEY=
    [[ $line =~ ^[A-Za-z]+,\ (TLSv1\.[0-9]), ]] && O_VER=${BASH_REMATCH[1]}
    O_NEW=$(grep -a -c -E '^New, TLSv' "$f")
    O_REUSED=$(grep -a -c -E '^Reused, TLSv' "$f")
    O_ALPN=$(sed -n 's/^ALPN protocol: //p' "$f" | head -n1)
    [[ -z $O_ALPN ]] && grep -a -q '^No ALPN negotiated' "$f" && O_ALPN=none
    O_SUBJECT=$(sed -n 's/^subject=.*CN \{0,1\}= \{0,1\}\([^,]*\).*/\1/p' "$f" | head -n1)
    case $(sed -n 's/^Server public key is \([0-9]*\) bit.*/\1/p' "$f" | head -n1) in
        2048) O_KEY=rsa ;; 256) O_KEY=ec ;;
    esac
    return 0
}

# peer_view ROW: the server's report of the cell's connections: S_VER, S_CIPHER (OpenSSL
# name) or S_BULK, S_ALPN, S_SNI, S_CLIENT (client certificate CN) of the last one;
# S_RESUMED counts the resumed ones, S_CONNS all.
peer_view() {
    local row=$1 f line
    S_VER= S_CIPHER= S_BULK= S_ALPN= S_SNI= S_CLIENT= S_RESUMED=0 S_CONNS=0
    case $row in
        openssl)
            f=$TMP/srv.out
            S_CONNS=$(grep -c '^CIPHER is ' "$f")
            S_CIPHER=$(sed -n 's/^CIPHER is //p' "$f" | tail -n1)
            # s_server does not print the version; a TLS 1.3 suite name says it.
            [[ -n $S_CIPHER ]] && { [[ $S_CIPHER == TLS_* ]] && S_VER=TLSv1.3 || S_VER=TLSv1.2; }
            S_RESUMED=$(grep -c '^Reused session-id' "$f")
            S_ALPN=$(sed -n 's/^ALPN protocols selected: //p' "$f" | tail -n1)
            S_SNI=$(sed -n 's/^Hostname in TLS extension: "\(.*\)"$/\1/p' "$f" | tail -n1)
            S_CLIENT=$(sed -n 's/^subject=.*CN \{0,1\}= \{0,1\}\([^,]*\).*/\1/p' "$f" | tail -n1)
            ;;
        gnutls)
            f=$TMP/srv.out
            S_CONNS=$(grep -c '^- Version: ' "$f")
            S_VER=$(sed -n 's/^- Version: TLS\(1\.[0-9]\)$/TLSv\1/p' "$f" | tail -n1)
            S_BULK=$(sed -n 's/^- Cipher: //p' "$f" | tail -n1)
            S_RESUMED=$(grep -c '^\*\*\* This is a resumed session' "$f")
            S_ALPN=$(sed -n 's/^- Application protocol: //p' "$f" | tail -n1)
            S_SNI=$(sed -n 's/^- Given server name\[1\]: //p' "$f" | tail -n1)
            # the client's certificate, printed in full once gnutls-serv has verified it
            grep -q '^- Status: The certificate is trusted' "$f" &&
                S_CLIENT=$(sed -n 's/^\tSubject: CN=\([^,]*\).*/\1/p' "$f" | head -n1)
            ;;
        nginx | python)
            if [[ $row == nginx ]]; then
                f=$NGX/access.log
                # only this cell's requests: the log is shared by the row
                line=$(tail -n +$((NGX_LOG_MARK + 1)) "$f" | tail -n1)
                S_CONNS=$(tail -n +$((NGX_LOG_MARK + 1)) "$f" | wc -l)
                S_RESUMED=$(tail -n +$((NGX_LOG_MARK + 1)) "$f" | grep -c ' reused=r ')
                S_VER=$(kv "$line" protocol) S_CIPHER=$(kv "$line" cipher) S_ALPN=$(kv "$line" alpn)
                S_SNI=$(kv "$line" sni)
                S_CLIENT=$(sed -n 's/.* client=.*CN=\([^,]*\).*/\1/p' <<<"$line")
            else
                f=$TMP/srv.out
                line=$(grep '^conn ' "$f" | tail -n1)
                S_CONNS=$(grep -c '^conn ' "$f")
                S_RESUMED=$(grep -c '^conn .* reused=yes' "$f")
                S_VER=$(kv "$line" version) S_CIPHER=$(kv "$line" cipher) S_ALPN=$(kv "$line" alpn)
                S_SNI=$(kv "$line" sni) S_CLIENT=$(kv "$line" client)
                S_CLIENT=${S_CLIENT//+/ }
            fi
            [[ $S_ALPN == - ]] && S_ALPN=
            [[ $S_SNI == - || $S_SNI == none ]] && S_SNI=
            [[ $S_ALPN == none ]] && S_ALPN=
            ;;
    esac
    return 0
}

# kv LINE KEY: the value of KEY=value in a line of space-separated pairs.
kv() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }

# bulk NAME: cipher and mode of a suite name, in one spelling (AES256GCM, CHACHA20POLY1305).
bulk() {
    local b=${1//[-_]/}
    [[ $b =~ (AES(128|256)GCM|CHACHA20POLY1305|AES(128|256)CCM) ]] && echo "${BASH_REMATCH[1]}"
}

# --- one cell ---------------------------------------------------------------------------------

cell() {
    local row=$1 col=$2 lbl="${ROW_LABEL[$1]}: ${COL_LABEL[$2]}" out=cli
    cell_begin "$row" "$col"
    request_for "$col"
    rm -f "$TMP"/cli* "$TMP"/srv.* "$TMP/sess"
    NGX_LOG_MARK=0
    [[ -f $NGX/access.log ]] && NGX_LOG_MARK=$(wc -l <"$NGX/access.log")
    if ! start_peer "$row" "$col"; then
        chk_fail "$lbl: the server starts"; cell_end; return
    fi
    ours_args

    case $col in
        plain) plain_exchange "$row" "$lbl" ;;
        h2) if [[ $row == nginx ]]; then h2_exchange "$lbl"; else run_ours "$row" cli; fi ;;
        r12id) run_ours "$row" cli -no_ticket -reconnect ;;
        r13) run_ours "$row" cli -reconnect ;;
        r12tk)
            run_ours "$row" cli1 -sess_out "$TMP/sess"
            chk is "$?" 0 "$lbl: first connection, -sess_out" || diag_file "$TMP/cli1.err"
            chk ok "$([[ -s $TMP/sess ]]; echo $?)" "$lbl: the session was saved"
            run_ours "$row" cli -sess_in "$TMP/sess"
            ;;
        *) run_ours "$row" cli ;;
    esac
    local rc=$?
    [[ $col == plain || $col == h2 && $row == nginx ]] || {
        chk is "$rc" 0 "$lbl: our s_client exits 0" || { diag_file "$TMP/cli.err" "our stderr"; diag_file "$TMP/srv.out" "server stdout"; diag_file "$TMP/srv.err" "server stderr"; }
    }
    our_view "$TMP/cli.out"
    # The server's report of the last connection may trail our exit.
    local want=1 i
    case $col in r12id | r13) [[ $row != nginx ]] && want=6 ;; r12tk) want=2 ;; esac
    for ((i = 0; i < 50; i++)); do
        peer_view "$row"
        ((S_CONNS >= want)) && break
        sleep 0.1
    done

    chk file_like "$TMP/cli.out" '^ *Verify return code: 0 \(ok\)' "$lbl: we verified the server (Verify return code: 0)"
    chk ok "$([[ $S_CONNS -ge 1 ]]; echo $?)" "$lbl: the server reports the connection" ||
        { diag_file "$TMP/srv.out" "server stdout"; diag_file "$NGX/access.log" "nginx access.log"; }
    [[ -n $F_VER ]] && chk is "$O_VER" "TLSv$F_VER" "$lbl: our view: $O_VER"
    chk is "$S_VER" "$O_VER" "$lbl: the server's view of the version: $S_VER"
    if [[ -n $S_CIPHER ]]; then
        chk is "$S_CIPHER" "$O_CIPHER" "$lbl: the server's view of the cipher: $S_CIPHER"
    else
        chk is "$(bulk "$S_BULK")" "$(bulk "$O_CIPHER")" "$lbl: the server's view of the cipher: $S_BULK"
    fi
    if [[ $col == t* ]]; then
        case $F_VER/$F_KEY in
            1.2/rsa) chk like "$O_CIPHER" '^ECDHE-RSA-' "$lbl: suite fits the RSA certificate" ;;
            1.2/ec) chk like "$O_CIPHER" '^ECDHE-ECDSA-' "$lbl: suite fits the ECDSA certificate" ;;
            *) chk like "$O_CIPHER" '^TLS_' "$lbl: a TLS 1.3 suite" ;;
        esac
        chk is "$O_KEY" "$F_KEY" "$lbl: our view of the server key: $O_KEY"
    fi

    case $col in
        r12id | r13)
            # (a reference run: openssl s_client 3.0 drops each TLS 1.3 connection before the
            # server's tickets arrive, so its reconnections are all New)
            [[ $col == r13 ]] && client_is_openssl && TODO="openssl s_client 3.0 -reconnect does not resume TLS 1.3 (reference run)"
            chk is "$O_NEW/$O_REUSED" 1/5 "$lbl: our view: New once, then Reused on the 5 reconnections"
            if [[ $row == nginx ]]; then
                # nginx logs requests, and only the last connection carries one
                chk is "$S_RESUMED" 1 "$lbl: nginx's view: the request came on a resumed session"
            else
                chk is "$S_RESUMED" 5 "$lbl: the server's view: 5 resumed connections"
            fi
            TODO=
            ;;
        r12tk)
            chk is "$O_REUSED" 1 "$lbl: our view with -sess_in: Reused"
            chk is "$S_RESUMED" 1 "$lbl: the server's view: the second connection resumed"
            ;;
        h2 | http11)
            chk is "$O_ALPN" "$F_ALPN" "$lbl: our view: ALPN $O_ALPN"
            chk is "$S_ALPN" "$F_ALPN" "$lbl: the server's view: ALPN $S_ALPN"
            ;;
        ccert)
            chk is "$S_CLIENT" "s_tests client" "$lbl: the server verified our client certificate ($S_CLIENT)"
            ;;
        sni)
            chk is "$O_SUBJECT" other.test "$lbl: we got the other.test certificate"
            chk is "$S_SNI" other.test "$lbl: the server saw SNI other.test"
            ;;
    esac
    if ((_cell_bad)); then
        diag_file "$TMP/cli.out" "our stdout"; diag_file "$TMP/cli.err" "our stderr"
        diag_file "$TMP/srv.out" "server stdout"
        [[ $row == nginx ]] && diag_file "$NGX/access.log" "nginx access.log"
    fi
    [[ $row != nginx ]] && stop_bg srv
    cell_end
}

# plain_exchange ROW LABEL: data each way through our client in the background.
plain_exchange() {
    local row=$1 lbl=$2
    if [[ $row == nginx ]]; then
        # -crlf: the typed lines go out as an HTTP request; nginx answers and closes.
        start_bg cli "${CLIENT[@]}" "${OARGS[@]}" -crlf
        send_line cli "GET / HTTP/1.0"
        send_line cli "Host: localhost"
        send_line cli ""
        wait_file_like "$TMP/cli.out" '^nginx: protocol=' 10
        chk ok $? "$lbl: request out, nginx's answer back"
        wait_exit cli 5
        chk ok $? "$lbl: we exit when nginx closes"
        return 0
    fi
    start_bg cli "${CLIENT[@]}" "${OARGS[@]}"
    send_line cli "ping-ours"
    case $row in
        openssl)
            wait_file_like "$TMP/srv.out" '^ping-ours' 10
            chk ok $? "$lbl: our line on the server's stdout"
            send_line srv "pong-openssl"
            wait_file_like "$TMP/cli.out" '^pong-openssl' 10
            chk ok $? "$lbl: the server's line on our stdout"
            ;;
        gnutls)
            wait_file_like "$TMP/cli.out" '^ping-ours' 10
            chk ok $? "$lbl: our line, echoed back by gnutls-serv"
            ;;
        python)
            wait_file_like "$TMP/cli.out" '^python-echo: ping-ours' 10
            chk ok $? "$lbl: our line, echoed back by the Python server"
            ;;
    esac
    close_stdin cli
    wait_exit cli 5
    chk ok $? "$lbl: we exit on stdin EOF"
    return 0
}

# h2_exchange LABEL: a real HTTP/2 request over ALPN h2, to nginx.
h2_exchange() {
    local lbl=$1
    start_bg cli "${CLIENT[@]}" "${OARGS[@]}"
    wait_file_like "$TMP/cli.out" '^ALPN protocol: ' 10
    h2_request >&"${BG_FD[cli]}"
    wait_file_like "$NGX/access.log" " HTTP/2\\.0 200 .* alpn=h2 " 10
    chk ok $? "$lbl: nginx answered an HTTP/2 request (access log: HTTP/2.0 200)"
    grep -aq 'nginx: protocol=' "$TMP/cli.out"
    chk ok $? "$lbl: the answer's DATA frame reached our stdout"
    close_stdin cli
    wait_exit cli 5
    chk ok $? "$lbl: we exit on stdin EOF"
    return 0
}

# --- the run ----------------------------------------------------------------------------------

for row in "${ROWS[@]}"; do
    if [[ -n ${MISSING[$row]:-} ]]; then
        for col in "${COLS[@]}"; do cell_na "$row" "$col" "$row is not installed (scripts/install-deps.sh)"; done
        continue
    fi
    if [[ $row == nginx ]] && ! nginx_start; then
        fail "nginx starts"
        for col in "${COLS[@]}"; do CELL["nginx|$col"]=FAIL; done
        continue
    fi
    for col in "${COLS[@]}"; do cell "$row" "$col"; done
    [[ $row == nginx ]] && nginx_stop
done

matrix_report client "Our s_client against real servers"
done_testing

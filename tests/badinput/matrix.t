#!/usr/bin/env bash
# The bad-input matrix: every way of starting s_client or s_server wrongly, and every peer that
# fails it, ends the same way - exit status 1 within a few seconds, and ONE line on stderr that
# names the cause (OpenSSL's "Use -help for summary." hint and the verify callback's
# "depth=..." lines may come with it), never a crash, a hang or a sanitizer report.
#
# The cases are the table below, one row each:
#   ID | PROG | EXIT | STDERR | ARGS [| STDOUT [| TODO reason]]
# Columns are separated by " | " (a regex alternation is written without spaces around its
# "|"). PROG is C (s_client) or S (s_server); STDERR is an extended regex the error line must
# match ("-" for none); ARGS are shell words, expanded here (so $CERTS, $T and the ports below work);
# STDOUT, when given, is a regex stdout must match. Rows whose EXIT is 0 are not errors (a
# verification failure the client only reports): only the exit status and the regexes count.
# A row may be marked TODO by putting "TODO reason" in a last column.
BG_LIMIT=${BG_LIMIT:-150}   # the peers below live for the whole file
source "$(dirname "$0")/../lib.sh"

T=$TMP
cd "$T" || bail_out "no temp dir"

# --- files ---------------------------------------------------------------------------------
printf 'this is not a certificate\n' > garbage.pem
printf -- '-----BEGIN CERTIFICATE-----\nnot*base64*at*all\n-----END CERTIFICATE-----\n' > badb64.pem
: > empty.pem
openssl x509 -in "$CERTS/rsa.pem" -outform DER -out rsa.der 2>/dev/null || bail_out "openssl x509"
head -c 200 rsa.der > truncated.der
openssl pkey -in "$CERTS/rsa.key" -outform DER -out rsa.key.der 2>/dev/null || bail_out "openssl pkey"
head -c 100 rsa.key.der > truncated.key.der
{ head -n 5 "$CERTS/rsa.pem"; echo '-----END CERTIFICATE-----'; } > cut.pem
mkdir adir
printf 'not a session\n' > garbage.sess

# Unreadable: tests often run as root, whom chmod 000 does not stop, so the program then runs
# without the capabilities that bypass file permissions (setpriv, from util-linux).
printf 'x\n' > unreadable.pem
chmod 000 unreadable.pem
NOREAD=()
if [[ $(id -u) == 0 ]]; then
    if setpriv --bounding-set -dac_override,-dac_read_search true 2>/dev/null &&
        ! setpriv --bounding-set -dac_override,-dac_read_search cat unreadable.pem \
            >/dev/null 2>&1; then
        NOREAD=(setpriv --bounding-set -dac_override,-dac_read_search)
    else
        NOREAD=(unavailable)
    fi
fi

# Certificates from the test CA that are expired, or not valid yet.
make_dated() {
    local name=$1 start=$2 end=$3
    mkdir -p ca && : > ca/index.txt && [[ -f ca/serial ]] || echo 1000 > ca/serial
    cat > ca.cnf <<CNF
[ca]
default_ca = tca
[tca]
database = $T/ca/index.txt
new_certs_dir = $T/ca
serial = $T/ca/serial
default_md = sha256
policy = pol
copy_extensions = copy
unique_subject = no
[pol]
commonName = supplied
CNF
    OPENSSL_CONF=/dev/null openssl req -new -key "$CERTS/rsa.key" -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -out "$name.csr" 2>/dev/null &&
    openssl ca -batch -config ca.cnf -cert "$CERTS/ca.pem" -keyfile "$CERTS/ca.key" \
        -startdate "$start" -enddate "$end" -notext -in "$name.csr" -out "$name.pem" \
        >/dev/null 2>&1
}
make_dated expired 20200101000000Z 20200102000000Z || bail_out "cannot make expired.pem"
make_dated notyet 20990101000000Z 20991231000000Z || bail_out "cannot make notyet.pem"

# --- peers ---------------------------------------------------------------------------------
new_port() { free_port || bail_out "no free port"; }
closed=$(new_port)      # nothing listens here: connection refused
port=$(new_port)        # for servers that must fail before they listen
inuse=$(new_port)       # a listener holds it
closer=$(new_port)      # accepts and closes at once
garbage=$(new_port)     # answers a ClientHello with non-TLS bytes
expired=$(new_port)     # openssl s_server with an expired certificate
notyet=$(new_port)      # ... and with one not valid yet

# peer.py MODE PORT: a plain TCP listener on 127.0.0.1 for the failing-server cases: "hold"
# keeps connections open, "close" closes each at once, "garbage" answers with an HTTP error.
cat > peer.py <<'PY'
import socket, sys, time
mode, port = sys.argv[1], int(sys.argv[2])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(16)
end = time.monotonic() + 140
s.settimeout(1)
while time.monotonic() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    if mode == "garbage":
        c.settimeout(2)
        try:
            c.recv(4096)
            c.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")
        except OSError:
            pass
    if mode != "hold":
        c.close()
PY
start_server holder "$inuse" python3 peer.py hold "$inuse" || bail_out "no listener on $inuse"
start_server closer "$closer" python3 peer.py close "$closer" || bail_out "no listener on $closer"
start_server garbage "$garbage" python3 peer.py garbage "$garbage" || bail_out "no garbage peer"
for which in expired notyet; do
    p=${!which}
    start_server "$which" "$p" openssl s_server -accept "127.0.0.1:$p" -cert "$which.pem" \
        -key "$CERTS/rsa.key" -quiet || bail_out "no openssl s_server with $which.pem"
done

RSA=(-cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key")
ENC=(-cert "$CERTS/rsa.pem" -key "$CERTS/rsa-enc.key")
unset NOT_SET_ANYWHERE

# --- the matrix ------------------------------------------------------------------------------
# Client rows that must fail before connecting point at $closed, so a missed check shows as
# "connection refused" instead of the cause.
read -r -d '' MATRIX <<'ROWS'
# options
c-unknown-option        | C | 1 | Unknown option: -foo            | -foo
s-unknown-option        | S | 1 | Unknown option: -foo            | -foo
c-missing-value         | C | 1 | -connect.*(needs|value)         | -connect
s-missing-value         | S | 1 | -cert.*(needs|value)            | -cert
c-bad-number            | C | 1 | "abc".*-verify                  | -verify abc -connect 127.0.0.1:$closed
s-bad-number            | S | 1 | "abc".*-verify                  | -verify abc
s-negative-naccept      | S | 1 | -naccept                        | -naccept -1
c-two-targets           | C | 1 | both.*-connect|target           | -connect 127.0.0.1:$closed 127.0.0.1:$closed
c-target-twice          | C | 1 | both.*-connect|target           | 127.0.0.1:$closed 127.0.0.1:$closed
c-servername-noservername | C | 1 | -servername.*-noservername    | -servername a.test -noservername -connect 127.0.0.1:$closed
c-nextprotoneg-tls1_3   | C | 1 | -nextprotoneg.*TLSv1\.3         | -nextprotoneg h2 -tls1_3 -connect 127.0.0.1:$closed
s-nextprotoneg-tls1_3   | S | 1 | -nextprotoneg.*TLSv1\.3         | -nextprotoneg h2 -tls1_3 -accept 127.0.0.1:$port ${RSA[@]}
c-unix-connect          | C | 1 | [Ii]ntermixed|-unix             | -unix $T/sock -connect 127.0.0.1:$closed
s-unix-accept           | S | 1 | -unix.*-accept                  | -unix $T/sock -accept 127.0.0.1:$port ${RSA[@]}
s-early_data-www        | S | 1 | -early_data.*-www               | -early_data -www -accept 127.0.0.1:$port ${RSA[@]}
c-dane-noservername     | C | 1 | -dane_tlsa_domain.*-noservername | -dane_tlsa_domain a.test -dane_tlsa_rrdata "3 1 1 00" -noservername -connect 127.0.0.1:$closed
c-two-versions          | C | 1 | protocol flags                  | -tls1_2 -tls1_3 -connect 127.0.0.1:$closed
c-key-without-cert      | C | 1 | -key.*-cert                     | -key $CERTS/rsa.key -connect 127.0.0.1:$closed
s-dkey-without-dcert    | S | 1 | -dkey.*-dcert                   | -dkey $CERTS/ec.key -accept 127.0.0.1:$port ${RSA[@]}
c-starttls-unknown      | C | 1 | -starttls.*"?bogus              | -starttls bogus -connect 127.0.0.1:$closed
c-bad-format            | C | 1 | -certform.*XYZ|XYZ.*-certform   | -certform XYZ
# missing files
c-missing-cert          | C | 1 | $T/none\.pem.*(No such|no such) | -cert $T/none.pem -connect 127.0.0.1:$closed
s-missing-cert          | S | 1 | $T/none\.pem.*(No such|no such) | -cert $T/none.pem -key $CERTS/rsa.key -accept 127.0.0.1:$port
s-missing-key           | S | 1 | $T/none\.key.*(No such|no such) | -cert $CERTS/rsa.pem -key $T/none.key -accept 127.0.0.1:$port
c-missing-CAfile        | C | 1 | $T/none\.pem.*(No such|no such) | -CAfile $T/none.pem -connect 127.0.0.1:$closed
s-missing-CAfile        | S | 1 | $T/none\.pem.*(No such|no such) | -CAfile $T/none.pem -accept 127.0.0.1:$port ${RSA[@]}
c-missing-CApath        | C | 1 | $T/nodir.*(No such|no such)     | -CApath $T/nodir -connect 127.0.0.1:$closed
c-missing-CRL           | C | 1 | $T/none\.crl.*(No such|no such) | -CRL $T/none.crl -connect 127.0.0.1:$closed
c-missing-sess_in       | C | 1 | $T/none\.sess.*(No such|no such) | -sess_in $T/none.sess -connect 127.0.0.1:$closed
s-missing-dhparam       | S | 1 | $T/none\.dh.*(No such|no such)  | -dhparam $T/none.dh -accept 127.0.0.1:$port ${RSA[@]}
c-keylog-nodir          | C | 1 | $T/nodir/k.*(No such|no such)   | -keylogfile $T/nodir/k -connect 127.0.0.1:$closed
s-keylog-nodir          | S | 1 | $T/nodir/k.*(No such|no such)   | -keylogfile $T/nodir/k -accept 127.0.0.1:$port ${RSA[@]}
c-missing-pass-file     | C | 1 | $T/none\.pw.*(No such|no such)  | ${ENC[@]} -pass file:$T/none.pw -connect 127.0.0.1:$closed
# unreadable files (NOREAD: see above)
c-unreadable-cert       | C | 1 | unreadable\.pem.*[Pp]ermission  | -cert $T/unreadable.pem -connect 127.0.0.1:$closed
s-unreadable-cert       | S | 1 | unreadable\.pem.*[Pp]ermission  | -cert $T/unreadable.pem -key $CERTS/rsa.key -accept 127.0.0.1:$port
c-unreadable-CAfile     | C | 1 | unreadable\.pem.*[Pp]ermission  | -CAfile $T/unreadable.pem -connect 127.0.0.1:$closed
# directories given as files
c-dir-cert              | C | 1 | adir.*directory                 | -cert $T/adir -connect 127.0.0.1:$closed
s-dir-cert              | S | 1 | adir.*directory                 | -cert $T/adir -key $CERTS/rsa.key -accept 127.0.0.1:$port
s-dir-key               | S | 1 | adir.*directory                 | -cert $CERTS/rsa.pem -key $T/adir -accept 127.0.0.1:$port
c-dir-CAfile            | C | 1 | adir.*directory                 | -CAfile $T/adir -connect 127.0.0.1:$closed
c-dir-sess_in           | C | 1 | adir.*directory                 | -sess_in $T/adir -connect 127.0.0.1:$closed
s-dir-dhparam           | S | 1 | adir.*directory                 | -dhparam $T/adir -accept 127.0.0.1:$port ${RSA[@]}
# malformed PEM and DER
c-garbage-cert          | C | 1 | garbage\.pem                    | -cert $T/garbage.pem -connect 127.0.0.1:$closed
s-garbage-cert          | S | 1 | garbage\.pem                    | -cert $T/garbage.pem -key $CERTS/rsa.key -accept 127.0.0.1:$port
s-garbage-key           | S | 1 | garbage\.pem                    | -cert $CERTS/rsa.pem -key $T/garbage.pem -accept 127.0.0.1:$port
s-badb64-cert           | S | 1 | badb64\.pem                     | -cert $T/badb64.pem -key $CERTS/rsa.key -accept 127.0.0.1:$port
s-cut-pem-cert          | S | 1 | cut\.pem                        | -cert $T/cut.pem -key $CERTS/rsa.key -accept 127.0.0.1:$port
s-empty-cert            | S | 1 | empty\.pem                      | -cert $T/empty.pem -key $CERTS/rsa.key -accept 127.0.0.1:$port
s-truncated-der-cert    | S | 1 | truncated\.der                  | -cert $T/truncated.der -certform DER -key $CERTS/rsa.key -accept 127.0.0.1:$port
s-truncated-der-key     | S | 1 | truncated\.key\.der             | -cert $CERTS/rsa.pem -key $T/truncated.key.der -keyform DER -accept 127.0.0.1:$port
c-garbage-CAfile        | C | 1 | garbage\.pem                    | -CAfile $T/garbage.pem -connect 127.0.0.1:$closed
c-garbage-sess_in       | C | 1 | garbage\.sess                   | -sess_in $T/garbage.sess -connect 127.0.0.1:$closed
s-garbage-dhparam       | S | 1 | garbage\.pem                    | -dhparam $T/garbage.pem -accept 127.0.0.1:$port ${RSA[@]}
# keys and pass phrases
c-key-mismatch          | C | 1 | ec\.key.*(match|mismatch)|(match|mismatch).*ec\.key | -cert $CERTS/rsa.pem -key $CERTS/ec.key -connect 127.0.0.1:$closed
s-key-mismatch          | S | 1 | ec\.key.*(match|mismatch)|(match|mismatch).*ec\.key | -cert $CERTS/rsa.pem -key $CERTS/ec.key -accept 127.0.0.1:$port
c-wrong-pass            | C | 1 | rsa-enc\.key.*(pass ?phrase|password) | ${ENC[@]} -pass pass:wrong -connect 127.0.0.1:$closed
s-wrong-pass            | S | 1 | rsa-enc\.key.*(pass ?phrase|password) | ${ENC[@]} -pass pass:wrong -accept 127.0.0.1:$port
s-no-pass-no-tty        | S | 1 | rsa-enc\.key.*(pass ?phrase|password|encrypted) | ${ENC[@]} -accept 127.0.0.1:$port
s-pass-env-unset        | S | 1 | NOT_SET_ANYWHERE                | ${ENC[@]} -pass env:NOT_SET_ANYWHERE -accept 127.0.0.1:$port
s-pass-unknown-source   | S | 1 | pass.*bogus|bogus.*pass         | ${ENC[@]} -pass bogus:x -accept 127.0.0.1:$port
# certificates out of their validity period, as the client verifying them sees them
c-expired-report        | C | 0 | -                               | -connect 127.0.0.1:$expired -CAfile $CERTS/ca.pem | Verify return code: 10 \(certificate has expired\)
c-expired-error         | C | 1 | certificate has expired         | -connect 127.0.0.1:$expired -CAfile $CERTS/ca.pem -verify_return_error
c-notyet-report         | C | 0 | -                               | -connect 127.0.0.1:$notyet -CAfile $CERTS/ca.pem | Verify return code: 9 \(certificate is not yet valid\)
c-notyet-error          | C | 1 | certificate is not yet valid    | -connect 127.0.0.1:$notyet -CAfile $CERTS/ca.pem -verify_return_error
# ports and hosts
c-port-too-big          | C | 1 | 99999                           | -connect 127.0.0.1:99999
c-port-not-number       | C | 1 | abc                             | -connect 127.0.0.1:abc
c-port-option-bad       | C | 1 | abc                             | -port abc
s-port-too-big          | S | 1 | 99999                           | -port 99999 ${RSA[@]}
s-accept-port-too-big   | S | 1 | 99999                           | -accept 127.0.0.1:99999 ${RSA[@]}
s-accept-bare-too-big   | S | 1 | 99999                           | -accept 99999 ${RSA[@]}
s-accept-not-number     | S | 1 | abc                             | -accept 127.0.0.1:abc ${RSA[@]}
c-connect-malformed     | C | 1 | \[::1                           | -connect '[::1'
s-accept-malformed      | S | 1 | \[::1                           | -accept '[::1' ${RSA[@]}
s-port-in-use           | S | 1 | $inuse.*([Ii]n use|bind)|([Ii]n use|bind).*$inuse | -accept 127.0.0.1:$inuse ${RSA[@]}
c-unresolvable          | C | 1 | no-such-host\.invalid           | -connect no-such-host.invalid:443
s-unresolvable          | S | 1 | no-such-host\.invalid           | -accept no-such-host.invalid:$port ${RSA[@]}
c-refused               | C | 1 | [Rr]efused                      | -connect 127.0.0.1:$closed
c-closed-before-hello   | C | 1 | (closed|[Ee][Oo][Ff]|reset)              | -connect 127.0.0.1:$closer
c-garbage-server        | C | 1 | (wrong version|packet length|not.*TLS|record) | -connect 127.0.0.1:$garbage
ROWS

# Lines that may accompany the one error line: OpenSSL's hint after a usage error, and what
# its verify callback and SNI callback print, which scripts expect from s_client.
ALLOWED_EXTRA='^(s_client|s_server): Use -help for summary\.$|^depth=|^verify (error|return)'
ALLOWED_EXTRA+="|^not(Before|After)=|^Can't use SSL_get_servername\$"
ALLOWED_EXTRA+='|^Connecting to ' # openssl 3.5's s_client says where it connects, and so do we
SANITIZER='AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:'

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

# check_row ID PROG EXIT STDERR ARGS STDOUT TODO: runs one case and reports one TAP line.
check_row() {
    local id=$1 prog=$2 want=$3 re=$4 argtext=$5 outre=$6 todo=$7
    local -a cmd args wrap=()
    local rc problems=() nlines name=s_server
    [[ $prog == C ]] && name=s_client
    eval "args=($argtext)"
    if [[ $prog == C ]]; then cmd=("${CLIENT[@]}"); else cmd=("${SERVER[@]}"); fi
    if [[ $id == *unreadable* && ${#NOREAD[@]} -gt 0 ]]; then
        if [[ ${NOREAD[0]} == unavailable ]]; then
            skip 1 "$id: running as root and setpriv cannot drop CAP_DAC_OVERRIDE here"
            return
        fi
        wrap=("${NOREAD[@]}")
    fi
    with_timeout 8 "${wrap[@]}" "${cmd[@]}" "${args[@]}" </dev/null >"$T/out" 2>"$T/err"
    rc=$?
    [[ $rc == "$want" ]] || problems+=("exit status $rc, not $want$( ((rc == 124)) && echo ' (it hangs)')$( ((rc > 128 && rc != 124)) && echo ' (killed by a signal)')")
    grep -Eq -- "$SANITIZER" "$T/err" && problems+=("sanitizer report")
    if [[ $re != - ]] && ! grep -Eq -- "$re" "$T/err"; then
        problems+=("no stderr line matches /$re/")
    fi
    if [[ -n $outre ]] && ! grep -Eq -- "$outre" "$T/out"; then
        problems+=("no stdout line matches /$outre/")
    fi
    if [[ $want == 1 ]]; then
        nlines=$(grep -Ecv -- "$ALLOWED_EXTRA" "$T/err")
        [[ $nlines == 1 ]] || problems+=("$nlines lines on stderr, not one")
    fi
    TODO=$todo
    if ((${#problems[@]} == 0)); then
        pass "$name $id"
    else
        fail "$name $id"
        diag "$(printf '%s\n' "${problems[@]}")"
        diag "command: ${cmd[*]##*/} $argtext"
        diag_file "$T/err" stderr
    fi
    TODO=
}

while IFS= read -r line; do
    [[ -z $line || $line == \#* ]] && continue
    IFS=$'\x1f' read -r id prog want re argtext outre todo <<< "${line// | /$'\x1f'}"
    id=$(trim "$id"); prog=$(trim "$prog"); want=$(trim "$want"); re=$(trim "$re")
    argtext=$(trim "$argtext"); outre=$(trim "$outre"); todo=$(trim "$todo")
    todo=${todo#TODO }
    # the regex may name the temp dir or the ports
    re=${re//\$T/$T}; re=${re//\$inuse/$inuse}
    check_row "$id" "$prog" "$want" "$re" "$argtext" "$outre" "$todo"
done <<< "$MATRIX"

# Everything above must have failed before listening: no stray server is left on $port.
[[ -z $(ss -Hltn "( sport = :$port )" 2>/dev/null) ]]
ok $? "no s_server from the matrix is still listening"
done_testing

#!/usr/bin/env bash
# Bad input to s_client: unknown options, missing values, conflicting options, missing
# files, unusable values. Each is refused with exit 1 and a message naming the problem,
# before any connection is attempted.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib_client.sh"

# refused DESC REGEX ARGS...: exit 1, and stderr matches REGEX. (openssl's own client, when
# the suite is checked against it, words many of these differently or not at all.)
refused() {
    local desc=$1 re=$2; shift 2
    client_is_openssl && TODO="openssl words or treats this differently"
    with_timeout 10 "${CLIENT[@]}" "$@" < /dev/null > "$TMP/r.out" 2> "$TMP/r.err"
    local rc=$?
    if [[ $rc == 1 ]] && grep -Eq -- "$re" "$TMP/r.err"; then
        pass "$desc"
    else
        fail "$desc"
        diag "exit status $rc"
        diag_file "$TMP/r.err" "stderr"
    fi
    TODO=
}

# nothing listens here: a refusal must come before any connection attempt
port=$(free_port) || bail_out "no free port"
t=(-connect "127.0.0.1:$port")

refused "unknown option" 'Unknown option: -frobnicate' -frobnicate
refused "option without its value" 'needs a value|Option -connect' -connect
refused "non-number for -verify" '-verify' -verify many
refused "-servername with -noservername" "Can't use -servername and -noservername together" \
    "${t[@]}" -servername a.example -noservername
refused "-dane_tlsa_domain with -noservername" "Can't use -dane_tlsa_domain and -noservername" \
    "${t[@]}" -dane_tlsa_domain a.example -dane_tlsa_rrdata "3 1 1 00" -noservername
refused "-4 with -6" "Can't use both -4 and -6" "${t[@]}" -4 -6
refused "two protocol flags" "Cannot supply multiple protocol flags" "${t[@]}" -tls1_2 -tls1_3
refused "a protocol flag with -no_<prot>" "Cannot supply both a protocol flag" \
    "${t[@]}" -tls1_2 -no_tls1_3
refused "-unix with -connect" "Intermixed protocol flags" "${t[@]}" -unix /nonexistent.sock
refused "target and -connect" "cannot provide both -connect option and target parameter" \
    127.0.0.1:1 "${t[@]}"
refused "-proxy without a target" "-proxy requires use of -connect or target parameter" \
    -proxy 127.0.0.1:1
refused "-proxy_pass without -proxy_user" "proxy_user" "${t[@]}" -proxy 127.0.0.1:1 \
    -proxy_pass pass:x
refused "-nextprotoneg with -tls1_3" "Cannot supply -nextprotoneg with TLSv1.3" \
    "${t[@]}" -tls1_3 -nextprotoneg http/1.1
refused "-dane_tlsa_rrdata without -dane_tlsa_domain" "requires the -dane_tlsa_domain option" \
    "${t[@]}" -dane_tlsa_rrdata "3 1 1 00"
refused "-maxfraglen not a power of two" "-maxfraglen" "${t[@]}" -maxfraglen 1000
refused "-psk not hex" "not a hex number" "${t[@]}" -psk xyz
refused "-starttls unknown protocol" "starttls" "${t[@]}" -starttls gopher
refused "-ssl3 (not in the linked OpenSSL)" "SSLv3" "${t[@]}" -ssl3
refused "-sctp (not in the linked OpenSSL)" "SCTP" "${t[@]}" -sctp
refused "-ssl_client_engine of an unknown engine" "ssl_client_engine" "${t[@]}" \
    -ssl_client_engine no-such-engine

# missing files, named in the message
refused "missing -cert" '/nonexistent/cert\.pem' "${t[@]}" -cert /nonexistent/cert.pem
refused "missing -key" '/nonexistent/key\.pem' "${t[@]}" -cert "$CERTS/client.pem" \
    -key /nonexistent/key.pem
refused "missing -CAfile" '/nonexistent/ca\.pem' "${t[@]}" -CAfile /nonexistent/ca.pem
refused "missing -sess_in" '/nonexistent/sess\.pem' "${t[@]}" -sess_in /nonexistent/sess.pem
refused "missing -psk_session" '/nonexistent/psk\.pem' "${t[@]}" \
    -psk_session /nonexistent/psk.pem
refused "missing -ctlogfile with -ct" '/nonexistent/ct\.cnf' "${t[@]}" -ct \
    -ctlogfile /nonexistent/ct.cnf
refused "missing -requestCAfile" '/nonexistent/req\.pem' "${t[@]}" \
    -requestCAfile /nonexistent/req.pem
refused "unwritable -keylogfile" '/nonexistent/keys\.log' "${t[@]}" \
    -keylogfile /nonexistent/keys.log
refused "unwritable -msgfile" '/nonexistent/msg\.txt' "${t[@]}" -msg -msgfile /nonexistent/msg.txt

# and a refused connection, as one line
with_timeout 10 "${CLIENT[@]}" "${t[@]}" < /dev/null > "$TMP/c.out" 2> "$TMP/c.err"
is "$?" 1 "refused connection: exit 1"
client_is_openssl && TODO="openssl prints its error queue"
is "$(cat "$TMP/c.err")" "s_client: cannot connect to 127.0.0.1:$port: Connection refused" \
    "refused connection: one line"
TODO=
done_testing

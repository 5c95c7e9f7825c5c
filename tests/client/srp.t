#!/usr/bin/env bash
# SRP (deprecated in OpenSSL 3.0, still in its libssl): -srpuser/-srppass against
# gnutls-serv's SRP (openssl 3.0's own s_server SRP is broken), a wrong password refused,
# -srp_strength above the group's size refused.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib_client.sh"
command -v gnutls-serv >/dev/null || skip_all "gnutls-serv not installed"
command -v srptool >/dev/null || skip_all "srptool not installed"
client_is_openssl && skip_all "openssl 3.0's s_client crashes on SRP with stdin at EOF"

srptool --create-conf "$TMP/tpasswd.conf" > /dev/null 2>&1
echo 'pw-secret' | srptool --passwd "$TMP/tpasswd" --passwd-conf "$TMP/tpasswd.conf" \
    -u alice > /dev/null 2>&1 || bail_out "srptool cannot make a verifier"
port=$(free_port) || bail_out "no free port"
start_server gsrv "$port" gnutls-serv -p "$port" --srppasswd "$TMP/tpasswd" \
    --srppasswdconf "$TMP/tpasswd.conf" --priority NORMAL:+SRP:+SRP-RSA ||
    bail_out "gnutls-serv does not start"
target=(-connect "127.0.0.1:$port" -tls1_2 -cipher SRP)

with_timeout 10 "${CLIENT[@]}" "${target[@]}" -srpuser alice -srppass pass:pw-secret \
    < /dev/null > "$TMP/ok.out" 2> "$TMP/ok.err"
is "$?" 0 "-srpuser/-srppass: exit 0"
file_like "$TMP/ok.out" '^New, SSLv3, Cipher is SRP-' "SRP cipher suite negotiated"
file_like "$TMP/ok.out" '^    SRP username: alice$' "the session names the SRP user"
file_like "$TMP/ok.err" '^SRP parameters:$' "the group is shown as openssl shows it"

with_timeout 10 "${CLIENT[@]}" "${target[@]}" -srpuser alice -srppass pass:wrong \
    < /dev/null > "$TMP/bad.out" 2> "$TMP/bad.err"
is "$?" 1 "wrong SRP password: exit 1"

with_timeout 10 "${CLIENT[@]}" "${target[@]}" -srpuser alice -srppass pass:pw-secret \
    -srp_strength 8192 < /dev/null > "$TMP/weak.out" 2> "$TMP/weak.err"
is "$?" 1 "-srp_strength above the server's group: refused"
file_like "$TMP/weak.err" '^SRP minimal length for N is 8192$' "-srp_strength is announced"
stop_bg gsrv
done_testing

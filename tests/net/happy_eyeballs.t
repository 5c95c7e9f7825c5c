#!/usr/bin/env bash
# Happy Eyeballs (RFC 8305) in s_client's connect, on loopback: a test name that resolves to
# both ::1 and 127.0.0.1 (added to /etc/hosts for the run and removed at exit, so this needs
# root and an IPv6 loopback), with only one family listening, or with IPv6 "unreachable" (a
# listener whose accept queue is full, so its SYNs go unanswered). -json tells which address
# won, how many attempts were started and how long the connect took.
source "$(dirname "$0")/../lib.sh"
source "$TESTS_DIR/json/helpers.sh"

client_is_openssl && skip_all "openssl s_client has no Happy Eyeballs (and no -json)"
has_ipv6_loopback || skip_all "no IPv6 loopback"
[[ -w /etc/hosts ]] || skip_all "/etc/hosts is not writable (needs root)"

NAME=he-$$.tlstool.test
HOSTS_SAVED=$TMP/hosts.saved
cp -p /etc/hosts "$HOSTS_SAVED" || bail_out "cannot save /etc/hosts"
# Put back by a rename, so that other tests resolving names meanwhile never see a half
# file; where /etc/hosts is a bind mount (rename refused) it is rewritten in place instead.
restore_hosts() {
    [[ -f $HOSTS_SAVED ]] || return 0
    if cp -p "$HOSTS_SAVED" "/etc/hosts.tlstool.$$" 2>/dev/null &&
        mv -f "/etc/hosts.tlstool.$$" /etc/hosts 2>/dev/null; then
        return 0
    fi
    rm -f "/etc/hosts.tlstool.$$"
    cat "$HOSTS_SAVED" > /etc/hosts
}
trap 'restore_hosts; _cleanup' EXIT
printf '::1 %s\n127.0.0.1 %s\n' "$NAME" "$NAME" >> /etc/hosts
[[ $(getent ahosts "$NAME" | awk '$2 == "STREAM" {print $1}' | sort | tr '\n' ' ') == "127.0.0.1 ::1 " ]] ||
    skip_all "the resolver does not give both addresses for a /etc/hosts name"

# run NAME ARGS...: s_client -json ARGS against $NAME:$port; sets RC.
run() {
    local tag=$1; shift
    with_timeout 20 "${CLIENT[@]}" -json -connect "$NAME:$port" "$@" < /dev/null \
        > "$TMP/$tag.json" 2> "$TMP/$tag.err"
    RC=$?
}

tls_server() { # tls_server BGNAME ADDR
    start_server "$1" "$port" openssl s_server -accept "$2:$port" -cert "$CERTS/rsa.pem" \
        -key "$CERTS/rsa.key" -www
}

# --- only IPv4 listens: ::1 refuses at once, 127.0.0.1 is tried without waiting 250 ms -----
port=$(free_port) || bail_out "no free port"
tls_server v4 127.0.0.1 || bail_out "IPv4 server did not start"
run v4only
is "$RC" 0 "IPv4 only: connects"
schema_ok "$TMP/v4only.json" "IPv4 only: valid JSON"
jq_is "$TMP/v4only.json" '.peer.address + " " + (.peer.connect_attempts|tostring)' "127.0.0.1 2" \
    "IPv4 only: IPv6 tried first, IPv4 won"
jq_is "$TMP/v4only.json" '.timing.connect_ms < 200' true "IPv4 only: a refusal starts the next at once"
stop_bg v4

# --- only IPv6 listens -------------------------------------------------------------------
port=$(free_port) || bail_out "no free port"
tls_server v6 '[::1]' || bail_out "IPv6 server did not start"
run v6only
is "$RC" 0 "IPv6 only: connects"
jq_is "$TMP/v6only.json" '.peer.address + " " + .peer.family + " " + (.peer.connect_attempts|tostring)' \
    "::1 ipv6 1" "IPv6 only: the first attempt won"
stop_bg v6

# --- IPv6 unreachable, IPv4 listening: IPv4 starts 250 ms later and wins -----------------
port=$(free_port) || bail_out "no free port"
blackhole_listener hole6 ::1 "$port" || bail_out "full-backlog IPv6 listener did not start"
tls_server v4b 127.0.0.1 || bail_out "IPv4 server did not start"
run race
is "$RC" 0 "IPv6 silent: connects"
schema_ok "$TMP/race.json" "IPv6 silent: valid JSON"
jq_is "$TMP/race.json" '.peer.address + " " + (.peer.connect_attempts|tostring)' "127.0.0.1 2" \
    "IPv6 silent: IPv4 won the race"
jq_is "$TMP/race.json" '.timing.connect_ms >= 240 and .timing.connect_ms < 1500' true \
    "IPv6 silent: IPv4 started after the 250 ms attempt delay"

run only4 -4
jq_is "$TMP/only4.json" '.peer.address + " " + (.peer.connect_attempts|tostring)' "127.0.0.1 1" \
    "-4: no race, IPv4 only"
jq_is "$TMP/only4.json" '.timing.connect_ms < 200' true "-4: no 250 ms wait"

start=$SECONDS
run only6 -6 -connect_timeout 1
is "$RC" 1 "-6 with IPv6 silent: fails"
jq_is "$TMP/only6.json" '.error.class' timeout "-6 with IPv6 silent: a timeout, no fallback to IPv4"
(( SECONDS - start <= 8 )); ok $? "-6 with IPv6 silent: bounded by -connect_timeout"
is "$(wc -l < "$TMP/only6.err")" 1 "-6 with IPv6 silent: a one-line error"
stop_bg v4b
stop_bg hole6

# --- nothing listens ------------------------------------------------------------------------
port=$(free_port) || bail_out "no free port"
run none
is "$RC" 1 "nothing listening: fails"
jq_is "$TMP/none.json" '.error.class + " " + (.peer.connect_attempts|tostring)' "connect 2" \
    "nothing listening: both families tried"
done_testing

#!/usr/bin/env bash
# -starttls telnet. No Debian package has a telnet server with the START_TLS option, so the
# peer is scripted (scripted_server.py, Python's socket and ssl modules): it sends IAC DO
# START_TLS, expects IAC WILL START_TLS and IAC SB START_TLS FOLLOWS IAC SE, answers with its
# own FOLLOWS, then speaks TLS and echoes one line. Also: a server that negotiates another
# option first, one that only prints a login prompt, and one that answers DONT START_TLS.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-starttls.sh"

st_need python3 python3

port=$(free_port) && port_opt=$(free_port) && port_text=$(free_port) && port_refuse=$(free_port) ||
    bail_out "no free port"
st_scripted telnet telnet-starttls "$port" || bail_out "scripted telnet peer did not start"
st_scripted telnet_opt telnet-options "$port_opt" || bail_out "scripted peer did not start"
st_scripted telnet_text telnet-notls "$port_text" || bail_out "scripted peer did not start"
st_scripted telnet_refuse telnet-refuse "$port_refuse" || bail_out "scripted peer did not start"

st_session "telnet (scripted peer)" telnet "$port" 'ping-over-tls\n' '^pong: ping-over-tls'

if client_is_openssl; then
    TODO="openssl s_client 3.0 wants IAC DO START_TLS as the server's first 3 bytes"
fi
st_session "telnet, another option negotiated first (scripted peer)" telnet "$port_opt" \
    'ping-over-tls\n' '^pong: ping-over-tls'
TODO=

st_expect_failure "telnet: server that only prints a login prompt" 20 \
    "telnet: server did not negotiate START_TLS; it sent text: '.*login: '" \
    "no peer certificate available" \
    -starttls telnet -connect "127.0.0.1:$port_text" -CAfile "$CERTS/ca.pem"

st_expect_failure "telnet: server answers DONT START_TLS" 20 \
    "telnet: server refused START_TLS" \
    "no peer certificate available" \
    -starttls telnet -connect "127.0.0.1:$port_refuse" -CAfile "$CERTS/ca.pem"

for s in telnet telnet_opt telnet_text telnet_refuse; do stop_bg "$s"; done
done_testing

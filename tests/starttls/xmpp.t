#!/usr/bin/env bash
# -starttls xmpp and xmpp-server against a real Prosody (package prosody), which requires
# STARTTLS on both ports: the handshake after <starttls/>/<proceed/>, then a stream restarted
# over TLS is answered with its features. -name and -xmpphost set the stream's 'to'; without
# them it is the -connect host, which Prosody does not serve (a stream error).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-starttls.sh"

st_need_root
st_need prosody prosody lua5.4

p_c2s=$(free_port) && p_s2s=$(free_port) || bail_out "no free port"
d=$(st_dir prosody prosody:prosody)
st_check_reachable "$d" prosody
mkdir -p "$d/data"

cat >"$d/prosody.cfg.lua" <<EOF
pidfile = "$d/prosody.pid"
data_path = "$d/data"
certificates = "$d"
log = { { levels = { min = "info" }, to = "file", filename = "$d/prosody.log" } }
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { $p_c2s }
s2s_ports = { $p_s2s }
c2s_direct_tls_ports = { }
s2s_direct_tls_ports = { }
legacy_ssl_ports = { }
http_ports = { }
https_ports = { }
component_ports = { }
modules_enabled = { "tls", "saslauth", "dialback", "disco", "ping" }
modules_disabled = { "posix" }
ssl = { certificate = "$d/cert.pem", key = "$d/key.pem" }
c2s_require_encryption = true
s2s_require_encryption = true
s2s_secure_auth = false
authentication = "internal_plain"
VirtualHost "localhost"
EOF
chown -R prosody:prosody "$d"

st_as prosody
if ! start_server prosody "$p_c2s" "${AS[@]}" prosody -F --config "$d/prosody.cfg.lua"; then
    diag_file "$d/prosody.log" "prosody log"
    bail_out "prosody did not start"
fi
wait_port "$p_s2s" 5 prosody || bail_out "prosody: nothing listens on the s2s port"

restart_c2s="<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>"
restart_s2s="<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>"

st_session "xmpp -name localhost (prosody)" xmpp "$p_c2s" "$restart_c2s" \
    "<stream:features>.*<mechanism>" -name localhost
st_session "xmpp -xmpphost localhost (prosody)" xmpp "$p_c2s" "$restart_c2s" \
    "<stream:features>.*<mechanism>" -xmpphost localhost
st_session "xmpp-server -xmpphost localhost (prosody)" xmpp-server "$p_s2s" "$restart_s2s" \
    "<stream:features>.*dialback" -xmpphost localhost

# No -name: the stream goes to='127.0.0.1', a host this server does not serve.
st_expect_failure "xmpp to the -connect host, unknown to the server" 20 \
    "xmpp: server sent a stream error: '.*host-unknown" \
    "no peer certificate available" \
    -starttls xmpp -connect "127.0.0.1:$p_c2s" -CAfile "$CERTS/ca.pem"

stop_bg prosody
done_testing

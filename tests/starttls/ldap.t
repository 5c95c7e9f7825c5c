#!/usr/bin/env bash
# -starttls ldap against a real OpenLDAP slapd (package slapd): the StartTLS extended operation
# answered with resultCode success, the handshake, then a root DSE search sent over TLS is
# answered (the entry names supportedLDAPVersion). A second slapd without TLS refuses StartTLS.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-starttls.sh"

st_need_root
st_need slapd /usr/sbin/slapd /etc/ldap/schema/core.schema

port=$(free_port) && port_notls=$(free_port) || bail_out "no free port"
d=$(st_dir slapd openldap:openldap)
st_check_reachable "$d" openldap

# No database: the root DSE is all the test reads.
cat >"$d/tls.conf" <<EOF
include /etc/ldap/schema/core.schema
pidfile $d/slapd-tls.pid
argsfile $d/slapd-tls.args
TLSCertificateFile $d/cert.pem
TLSCertificateKeyFile $d/key.pem
EOF
cat >"$d/notls.conf" <<EOF
include /etc/ldap/schema/core.schema
pidfile $d/slapd-notls.pid
argsfile $d/slapd-notls.args
EOF

# -d 0 keeps slapd in the foreground; it drops to openldap itself.
start_server slapd "$port" /usr/sbin/slapd -d 0 -u openldap -g openldap -f "$d/tls.conf" \
    -h "ldap://127.0.0.1:$port/" || bail_out "slapd did not start"
start_server slapd_notls "$port_notls" /usr/sbin/slapd -d 0 -u openldap -g openldap \
    -f "$d/notls.conf" -h "ldap://127.0.0.1:$port_notls/" || bail_out "slapd (no TLS) did not start"

# SearchRequest, messageID 2: base "", scope base, filter (objectClass=*), attribute
# supportedLDAPVersion.
search='\x30\x3b\x02\x01\x02\x63\x36\x04\x00\x0a\x01\x00\x0a\x01\x00\x02\x01\x00\x02\x01\x00'
search+='\x01\x01\x00\x87\x0bobjectClass\x30\x16\x04\x14supportedLDAPVersion'
st_session "ldap (slapd)" ldap "$port" "$search" 'supportedLDAPVersion'

st_expect_failure "ldap: slapd without TLS refuses StartTLS" 20 \
    "ldap: server refused StartTLS: resultCode [0-9]+ \([A-Za-z]+\)" \
    "STARTTLS failed, LDAP Result Code" \
    -starttls ldap -connect "127.0.0.1:$port_notls" -CAfile "$CERTS/ca.pem"

stop_bg slapd
stop_bg slapd_notls
done_testing

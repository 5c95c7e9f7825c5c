#!/usr/bin/env bash
# -starttls ftp against a real vsftpd (package vsftpd): AUTH TLS, the handshake and FEAT
# answered over TLS; and a second vsftpd without TLS, which refuses AUTH TLS.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-starttls.sh"

st_need_root
st_need vsftpd vsftpd

port=$(free_port) && port_notls=$(free_port) || bail_out "no free port"
d=$(st_dir vsftpd root)
mkdir -p "$d/empty"

# write_conf FILE PORT SSL: a vsftpd that serves nobody (no anonymous, no local logins needed
# for the dialogue), listening on 127.0.0.1:PORT in the foreground.
write_conf() {
    cat >"$1" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$2
background=NO
anonymous_enable=NO
local_enable=YES
pam_service_name=vsftpd
secure_chroot_dir=$d/empty
seccomp_sandbox=NO
xferlog_enable=NO
vsftpd_log_file=$d/vsftpd-$2.log
ssl_enable=$3
rsa_cert_file=$d/cert.pem
rsa_private_key_file=$d/key.pem
ssl_ciphers=HIGH
require_ssl_reuse=NO
EOF
}
write_conf "$d/tls.conf" "$port" YES
write_conf "$d/notls.conf" "$port_notls" NO

start_server vsftpd "$port" vsftpd "$d/tls.conf" || bail_out "vsftpd did not start"
start_server vsftpd_notls "$port_notls" vsftpd "$d/notls.conf" ||
    bail_out "vsftpd (no TLS) did not start"

st_session "ftp (vsftpd)" ftp "$port" 'FEAT\r\n' '^211 End'

st_expect_failure "ftp: vsftpd without TLS refuses AUTH TLS" 20 \
    "ftp: server refused AUTH TLS: '5[0-9][0-9] " \
    "error|errno" \
    -starttls ftp -connect "127.0.0.1:$port_notls" -CAfile "$CERTS/ca.pem"

stop_bg vsftpd
stop_bg vsftpd_notls
done_testing

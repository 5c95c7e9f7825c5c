#!/usr/bin/env bash
# -starttls smtp against a real Postfix (package postfix): the handshake after EHLO/STARTTLS,
# EHLO answered over TLS, -name used as the EHLO name (a HELO-rejecting rule proves it), and a
# second smtpd service with TLS off, which does not offer STARTTLS.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-starttls.sh"

PF=/usr/lib/postfix/sbin
st_need_root
st_need postfix "$PF/master" "$PF/smtpd" "$PF/tlsmgr" "$PF/postlogd"

port=$(free_port) || bail_out "no free port"
port_notls=$(free_port) || bail_out "no free port"
d=$(st_dir postfix root)
mkdir -p "$d/conf" "$d/queue/pid" "$d/queue/private" "$d/queue/public" "$d/data"
chown postfix "$d/queue/private" "$d/queue/public" "$d/data"
chgrp postdrop "$d/queue/public"
chmod 700 "$d/queue/private"
chmod 710 "$d/queue/public"

# HELO names are checked at EHLO time (smtpd_delay_reject = no), so that -name
# reject.example gets a 550 to its EHLO: proof that -name is what s_client sends.
cat >"$d/conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.starttls.test
mydomain = starttls.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
alias_maps =
alias_database =
local_recipient_maps =
maillog_file = $d/maillog
maillog_file_prefixes = $d
smtpd_banner = \$myhostname ESMTP starttls-test
smtpd_tls_cert_file = $d/cert.pem
smtpd_tls_key_file = $d/key.pem
smtpd_tls_security_level = may
smtpd_delay_reject = no
smtpd_helo_restrictions = check_helo_access inline:{ reject.example=REJECT }
EOF
cat >"$d/conf/master.cf" <<EOF
127.0.0.1:$port inet n - n - - smtpd
127.0.0.1:$port_notls inet n - n - - smtpd -o smtpd_tls_security_level=none
tlsmgr unix - - n 1000? 1 tlsmgr
postlog unix-dgram n - n - 1 postlogd
EOF
# master waits ~2 s before reading a main.cf younger than a second or so: back-date it.
touch -d '-1 min' "$d/conf/main.cf" "$d/conf/master.cf"

if ! start_server postfix "$port" "$PF/master" -c "$d/conf" -d; then
    diag_file "$d/maillog" "postfix maillog"
    bail_out "postfix did not start"
fi
wait_port "$port_notls" 5 postfix || bail_out "postfix: no listener on the no-TLS port"

st_session "smtp (postfix)" smtp "$port" 'EHLO after-tls.example\r\n' '^250[ -]mail\.starttls\.test'
st_session "smtp -name (postfix)" smtp "$port" 'EHLO after-tls.example\r\n' \
    '^250[ -]mail\.starttls\.test' -name client.starttls.test

# openssl s_client ignores the EHLO reply and goes on (postfix even accepts its STARTTLS), so
# for it only the server's rejection of the name is checked; ours stops at the rejected EHLO.
if client_is_openssl; then
    out=$(with_timeout 20 "${CLIENT[@]}" -starttls smtp -connect "127.0.0.1:$port" \
        -name reject.example -CAfile "$CERTS/ca.pem" </dev/null 2>&1)
    like "$out" "Helo command rejected" "smtp -name reject.example reaches the server as the EHLO name"
else
    st_expect_failure "smtp -name rejected by the server's HELO rule" 20 \
        "smtp: server rejected EHLO: '5[0-9][0-9] .*<reject\.example>: Helo command rejected" "" \
        -starttls smtp -connect "127.0.0.1:$port" -name reject.example -CAfile "$CERTS/ca.pem"
fi

st_expect_failure "smtp: postfix without TLS does not offer STARTTLS" 20 \
    "smtp: server does not offer STARTTLS \(EHLO reply: '250-mail\.starttls\.test.*'\)" \
    "Didn't find STARTTLS in server response" \
    -starttls smtp -connect "127.0.0.1:$port_notls" -CAfile "$CERTS/ca.pem"

stop_bg postfix
done_testing

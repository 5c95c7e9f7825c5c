#!/usr/bin/env bash
# -starttls imap, pop3, lmtp and sieve against one real Dovecot (packages dovecot-imapd,
# dovecot-pop3d, dovecot-lmtpd, dovecot-managesieved): for each, the handshake after the
# protocol's STARTTLS and a command answered over TLS; -name as the LMTP LHLO name.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-starttls.sh"

st_need_root
st_need dovecot-core dovecot
st_need dovecot-imapd /usr/lib/dovecot/imap-login
st_need dovecot-pop3d /usr/lib/dovecot/pop3-login
st_need dovecot-lmtpd /usr/lib/dovecot/lmtp
st_need dovecot-managesieved /usr/lib/dovecot/managesieve-login

p_imap=$(free_port) && p_pop3=$(free_port) && p_lmtp=$(free_port) && p_sieve=$(free_port) ||
    bail_out "no free port"
d=$(st_dir dovecot root)

cat >"$d/dovecot.conf" <<EOF
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
instance_name = starttls-test-$$
protocols = imap pop3 lmtp sieve
listen = 127.0.0.1
ssl = yes
ssl_cert = <$d/cert.pem
ssl_key = <$d/key.pem
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:$d/mail/%u
passdb {
  driver = static
  args = password=unused
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$d/home/%u
}
service imap-login {
  inet_listener imap {
    port = $p_imap
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $p_pop3
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    port = $p_lmtp
  }
  unix_listener lmtp {
    mode = 0
  }
}
service managesieve-login {
  inet_listener sieve {
    port = $p_sieve
  }
}
EOF

if ! start_server dovecot "$p_imap" dovecot -F -c "$d/dovecot.conf"; then
    diag_file "$d/dovecot.log" "dovecot log"
    bail_out "dovecot did not start"
fi
for p in "$p_pop3" "$p_lmtp" "$p_sieve"; do
    wait_port "$p" 5 dovecot || bail_out "dovecot: nothing listens on port $p"
done

st_session "imap (dovecot)" imap "$p_imap" 'a1 CAPABILITY\r\n' '^a1 OK'
st_session "pop3 (dovecot)" pop3 "$p_pop3" 'CAPA\r\n' '^\+OK'
st_session "lmtp (dovecot)" lmtp "$p_lmtp" 'LHLO after-tls.example\r\n' '^250[ -]'
st_session "lmtp -name (dovecot)" lmtp "$p_lmtp" 'LHLO after-tls.example\r\n' '^250[ -]' \
    -name client.starttls.test
# ManageSieve servers repeat their capabilities unasked once TLS is up; NOOP is answered too.
st_session "sieve (dovecot)" sieve "$p_sieve" 'NOOP\r\n' '^OK "NOOP'

stop_bg dovecot
done_testing

#!/usr/bin/env bash
# -starttls mysql against a real MariaDB (package mariadb-server): the server's handshake
# packet, our SSL request packet, the handshake, then a login packet and a query sent over TLS
# are answered with the query's result. --skip-grant-tables: an empty data directory serves,
# and any user may log in (socket-authenticated root would greet 127.0.0.1 with an error).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-starttls.sh"

st_need_root
st_need mariadb-server /usr/sbin/mariadbd

port=$(free_port) || bail_out "no free port"
d=$(st_dir mariadb mysql:mysql)
st_check_reachable "$d" mysql
mkdir -p "$d/data" "$d/tmp"
chown mysql:mysql "$d/data" "$d/tmp"

st_as mysql
if ! start_server mariadb "$port" "${AS[@]}" /usr/sbin/mariadbd --no-defaults \
        --datadir="$d/data" --tmpdir="$d/tmp" --socket="$d/mysqld.sock" \
        --pid-file="$d/mysqld.pid" --log-error="$d/error.log" --port="$port" \
        --bind-address=127.0.0.1 --skip-grant-tables --skip-log-bin \
        --innodb-buffer-pool-size=16M --innodb-log-file-size=4M \
        --ssl-cert="$d/cert.pem" --ssl-key="$d/key.pem"; then
    diag_file "$d/error.log" "mariadbd error log"
    bail_out "mariadbd did not start"
fi

# After TLS: a HandshakeResponse41 (sequence 2: the greeting was 0, the SSL request 1) for
# user root with an empty password, then COM_QUERY "SELECT 'pong-over-tls'".
login='<\x00\x00\x02\x04\xaa\x0a\x00\x00\x00\x00\x01\x21'
login+='\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
login+='root\x00\x00mysql_native_password\x00'
query='\x17\x00\x00\x00\x03SELECT \x27pong\x2dover\x2dtls\x27'
st_session "mysql (mariadb)" mysql "$port" "$login$query" 'pong-over-tls'

stop_bg mariadb
done_testing

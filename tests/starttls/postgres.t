#!/usr/bin/env bash
# -starttls postgres against a real PostgreSQL (package postgresql): the SSLRequest answered
# 'S', the handshake, then a StartupMessage sent over TLS is answered (trust authentication:
# AuthenticationOk and ParameterStatus messages, which include server_version).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-starttls.sh"

st_need_root
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -n $pgbin ]] || skip_all "no /usr/lib/postgresql/*/bin: install Debian package 'postgresql'"
st_need postgresql "$pgbin/initdb" "$pgbin/postgres"

port=$(free_port) || bail_out "no free port"
d=$(st_dir postgres postgres:postgres)
st_check_reachable "$d" postgres

st_as postgres
if ! with_timeout 60 "${AS[@]}" "$pgbin/initdb" -D "$d/data" -A trust -U postgres --no-sync \
        >"$d/initdb.log" 2>&1; then
    diag_file "$d/initdb.log" "initdb"
    bail_out "initdb failed"
fi
if ! start_server postgres "$port" "${AS[@]}" "$pgbin/postgres" -D "$d/data" -k "$d" \
        -h 127.0.0.1 -p "$port" -c ssl=on -c "ssl_cert_file=$d/cert.pem" \
        -c "ssl_key_file=$d/key.pem" -c fsync=off; then
    bail_out "postgres did not start"
fi

# StartupMessage: length 41, protocol 3.0, user=postgres, database=postgres.
startup='\x00\x00\x00\x29\x00\x03\x00\x00user\x00postgres\x00database\x00postgres\x00\x00'
st_session "postgres" postgres "$port" "$startup" 'server_version'

stop_bg postgres
done_testing

#!/usr/bin/env bash
# Server Name Indication, both directions:
#   our s_server -servername other.test -cert2/-key2: a client asking for
#   other.test gets that certificate, any other name or none gets the default;
#   with -servername_fatal an unknown name is refused.
#   our s_client -servername other.test against openssl s_server likewise.
source "$(dirname "$0")/../lib.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"

sni_args=(-cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key"
          -servername other.test -cert2 "$CERTS/other.pem" -key2 "$CERTS/other.key")

# connect NAME CLIENT_ARRAY ARGS...: one connection with no input; output in
# $TMP/NAME.{out,err}, exit status in RC, served subject in SUBJECT.
connect() {
    local name=$1; local -n cmd=$2; shift 2
    with_timeout 10 "${cmd[@]}" -connect "127.0.0.1:$port" -CAfile "$CERTS/ca.pem" "$@" \
        </dev/null >"$TMP/$name.out" 2>"$TMP/$name.err"
    RC=$?
    SUBJECT=$(openssl x509 -noout -subject <"$TMP/$name.out" 2>/dev/null)
}

ref_client=(openssl s_client)
ours_client=("${CLIENT[@]}")

# --- our server --------------------------------------------------------------
port=$(free_port) || bail_out "no free port"
if start_server srv "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" "${sni_args[@]}"; then
    connect other ref_client -servername other.test
    like "$SUBJECT" 'CN ?= ?other\.test' "our server: SNI other.test gets the other.test certificate"
    file_like "$TMP/other.out" '^ *Verify return code: 0 \(ok\)' "our server: other.test certificate verifies"
    connect dflt ref_client -servername localhost
    like "$SUBJECT" 'CN ?= ?localhost' "our server: SNI localhost gets the default certificate"
    connect none ref_client -noservername
    like "$SUBJECT" 'CN ?= ?localhost' "our server: no SNI gets the default certificate"
    wait_file_like "$TMP/srv.out" '^Hostname in TLS extension: "other\.test"$' 3
    ok $? "our server: prints the requested host name" || diag_file "$TMP/srv.out" "server stdout"
    stop_bg srv
else
    fail "our server starts with -servername/-cert2/-key2"
fi

port=$(free_port) || bail_out "no free port"
if start_server srv "$port" "${SERVER[@]}" -accept "127.0.0.1:$port" "${sni_args[@]}" -servername_fatal; then
    connect fatal ref_client -servername nomatch.test
    isnt "$RC" 0 "our server -servername_fatal: unknown name refused (client exit non-zero)"
    file_like "$TMP/fatal.err" 'unrecognized name' "our server -servername_fatal: client gets unrecognized_name"
    connect fatal_ok ref_client -servername other.test
    like "$SUBJECT" 'CN ?= ?other\.test' "our server -servername_fatal: the right name still works"
    stop_bg srv
else
    fail "our server starts with -servername_fatal"
fi

# --- our client --------------------------------------------------------------
port=$(free_port) || bail_out "no free port"
if start_server ref "$port" openssl s_server -accept "127.0.0.1:$port" "${sni_args[@]}"; then
    connect c_other ours_client -servername other.test
    is "$RC" 0 "our client -servername other.test: exit 0"
    like "$SUBJECT" 'CN ?= ?other\.test' "our client -servername other.test: gets the other.test certificate"
    file_like "$TMP/c_other.out" '^ *Verify return code: 0 \(ok\)' "our client: other.test certificate verifies"
    connect c_dflt ours_client -servername localhost
    like "$SUBJECT" 'CN ?= ?localhost' "our client -servername localhost: gets the default certificate"
    connect c_none ours_client -noservername
    like "$SUBJECT" 'CN ?= ?localhost' "our client -noservername: gets the default certificate"
    wait_file_like "$TMP/ref.out" '^Hostname in TLS extension: "other\.test"$' 3
    ok $? "our client: the server saw SNI other.test" || diag_file "$TMP/ref.out" "openssl s_server stdout"
    stop_bg ref
else
    fail "openssl s_server starts with -servername/-cert2/-key2"
fi
done_testing

# tests/client/lib_client.sh - sourced by tests/client/*.t after ../lib.sh.
#
# Side-by-side runs of our s_client and OpenSSL's against the same peer, and the
# masking of what legitimately differs between two connections.

REF_CLIENT=(openssl s_client)

# mask_report: stdin -> stdout, the per-connection values replaced by X:
# session IDs, master keys and PSKs, start times, ticket dumps, keying
# material, key shares and randoms in traces, BIO addresses, -msg byte lines.
mask_report() {
    sed -E \
        -e 's/^( *(Session-ID|Master-Key|Resumption PSK|Start Time|Session-ID-ctx)):.*/\1: X/' \
        -e 's/^(    Keying material: ).*/\1X/' \
        -e 's/^( +)[0-9a-f]{4} - [0-9a-f ]{2}.*/\1HEX/' \
        -e 's/^[0-9a-f]{4} - [0-9a-f ]{2}.*/HEXDUMP/' \
        -e 's/0x[0-9a-f]{6,}/PTR/g' \
        -e 's/^   ( [0-9a-f]{2})+$/   BYTES/' \
        -e 's/(gmt_unix_time=|random_bytes \(len=28\): |session_id \(len=32\): ).*/\1X/' \
        -e 's/(key_exchange: +\(len=[0-9]+\): ).*/\1X/' \
        -e 's/^(CONNECTED\()[0-9A-F]{8}\)/\1FD)/'
}

# strip_tickets: stdin -> stdout without the TLS 1.3 "Post-Handshake New Session
# Ticket arrived" blocks, the "read R BLOCK" lines that follow them and their -state
# lines: whether a ticket is read before stdin's EOF is a race in either program.
strip_tickets() {
    perl -0777 -pe 's/---\nPost-Handshake New Session Ticket arrived:\n.*?\n---\n//gs;
                    s/^read R BLOCK\n//gm;
                    s/^SSL_connect:(SSL negotiation finished successfully|SSLv3\/TLS read server session ticket)\n//gm'
}

# side_by_side NAME ARGS...: runs the reference client and ours with ARGS,
# stdin from /dev/null (or $SBS_STDIN), each bounded in time. Leaves
# $TMP/NAME.{ref,our}.{out,err} and NAME.{ref,our}.rc.
side_by_side() {
    local name=$1; shift
    local in=${SBS_STDIN:-/dev/null}
    with_timeout 15 "${REF_CLIENT[@]}" "$@" < "$in" > "$TMP/$name.ref.out" 2> "$TMP/$name.ref.err"
    echo $? > "$TMP/$name.ref.rc"
    with_timeout 15 "${CLIENT[@]}" "$@" < "$in" > "$TMP/$name.our.out" 2> "$TMP/$name.our.err"
    echo $? > "$TMP/$name.our.rc"
}

# mask_errors: stdin -> stdout with error reports reduced to "ERROR": openssl prints
# its error queue (one line per entry), we print one sentence per failure, by design.
mask_errors() {
    sed -E -e 's/^[0-9A-F]{8,}:error:.*/ERROR/' -e 's/^s_client: .*/ERROR/' | uniq
}

# same_output NAME WHICH DESC: passes when the masked WHICH (out or err) of both
# runs of NAME are identical; shows the diff otherwise.
same_output() {
    local name=$1 which=$2 desc=$3 d
    d=$(diff <(mask_report < "$TMP/$name.ref.$which" | strip_tickets | mask_errors) \
             <(mask_report < "$TMP/$name.our.$which" | strip_tickets | mask_errors))
    if [[ -z $d ]]; then
        pass "$desc"
    else
        fail "$desc"
        diag "diff (< openssl, > ours):"$'\n'"$(head -n 40 <<< "$d")"
    fi
}

# same_status NAME DESC: both exited with the same status.
same_status() {
    is "$(cat "$TMP/$1.our.rc")" "$(cat "$TMP/$1.ref.rc")" "$2"
}

# ref_server NAME PORT ARGS...: an openssl s_server on 127.0.0.1:PORT (stdin held
# open, so it keeps serving), with ARGS after the defaults (RSA certificate).
ref_server() {
    local name=$1 port=$2; shift 2
    start_server "$name" "$port" openssl s_server -accept "127.0.0.1:$port" \
        -cert "$CERTS/rsa.pem" -key "$CERTS/rsa.key" "$@"
}

#!/usr/bin/env bash
# Large -WWW downloads come through byte for byte (sha256 against the file), whoever the client
# and however fast it reads: curl, our s_client (blocking and -nbio; it reads ahead and writes
# stdout in batches) and openssl's, a reader slower than the server (the socket fills and the
# server waits), two downloads at once, and -nbio_test (every write may be cut short or
# refused). Also that a small answer right after a bulk one is whole.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/helpers.sh"
command -v openssl >/dev/null || skip_all "openssl not installed"
command -v curl >/dev/null || skip_all "curl not installed"
command -v sha256sum >/dev/null || skip_all "sha256sum not installed"

docs=$TMP/docs
mkdir -p "$docs"
head -c $((24 * 1024 * 1024)) /dev/urandom > "$docs/big.bin"
head -c $((3 * 1024 * 1024 + 12345)) /dev/urandom > "$docs/mid.bin"
head -c $((1024 * 1024 + 3)) /dev/urandom > "$docs/nb.bin"
printf '<p>small</p>\n' > "$docs/small.html"
sum_of() { sha256sum | cut -d' ' -f1; }
big_sum=$(sum_of < "$docs/big.bin")
mid_sum=$(sum_of < "$docs/mid.bin")
big_len=$(stat -c %s "$docs/big.bin")
mid_len=$(stat -c %s "$docs/mid.bin")
nb_sum=$(sum_of < "$docs/nb.bin")
nb_len=$(stat -c %s "$docs/nb.bin")

# fetch_curl PATH [curl args...]: the body, on stdout
fetch_curl() {
    local path=$1; shift
    with_timeout 60 curl -sS --cacert "$CERTS/ca.pem" "$@" "https://127.0.0.1:$PORT$path"
}

# fetch_client PATH LEN CLIENT...: the last LEN bytes of what CLIENT -quiet prints for a GET
# (the body, after the made-up head -WWW sends)
fetch_client() {
    local path=$1 len=$2; shift 2
    printf 'GET %s HTTP/1.0\r\n\r\n' "$path" |
        with_timeout 60 "$@" -quiet -connect "127.0.0.1:$PORT" -CAfile "$CERTS/ca.pem" \
            2>/dev/null | tail -c "$len"
}

cd "$docs" || bail_out "no docs dir"
if srv_up bulk -WWW "${rsa_id[@]}"; then
    is "$(fetch_curl /big.bin | sum_of)" "$big_sum" "-WWW: 24 MiB to curl, byte for byte"
    is "$(fetch_client /big.bin "$big_len" "${CLIENT[@]}" | sum_of)" "$big_sum" \
        "-WWW: 24 MiB to our s_client -quiet, byte for byte"
    is "$(fetch_client /big.bin "$big_len" openssl s_client | sum_of)" "$big_sum" \
        "-WWW: 24 MiB to openssl s_client -quiet, byte for byte"
    is "$(fetch_client /mid.bin "$mid_len" "${CLIENT[@]}" -nbio | sum_of)" "$mid_sum" \
        "-WWW: 3 MiB to our s_client -nbio, byte for byte"
    is "$(fetch_curl /mid.bin --limit-rate 4M | sum_of)" "$mid_sum" \
        "-WWW: 3 MiB to a reader slower than the server, byte for byte"
    fetch_curl /big.bin -o "$TMP/one.out" &
    one=$!
    fetch_curl /big.bin -o "$TMP/two.out"
    wait "$one"
    is "$(sum_of < "$TMP/one.out") $(sum_of < "$TMP/two.out")" "$big_sum $big_sum" \
        "-WWW: two downloads at once, both byte for byte"
    like "$(fetch_curl /small.html)" '^<p>small</p>$' "-WWW: a small file after the big ones"
    ok "$(is_running bulk; echo $?)" "-WWW: the server is still running"
    stop_bg bulk
else
    fail "-WWW server starts"
fi

if srv_up nbio -WWW -nbio_test "${rsa_id[@]}"; then
    is "$(fetch_curl /nb.bin | sum_of)" "$nb_sum" "-WWW -nbio_test: 1 MiB to curl, byte for byte"
    is "$(fetch_client /nb.bin "$nb_len" "${CLIENT[@]}" | sum_of)" "$nb_sum" \
        "-WWW -nbio_test: 1 MiB to our s_client, byte for byte"
    stop_bg nbio
else
    fail "-WWW -nbio_test server starts"
fi
cd "$TMP" || bail_out "no temp dir"
no_sanitizer_reports
done_testing

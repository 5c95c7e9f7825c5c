#!/usr/bin/env bash
# Make the test PKI with the openssl command line, at run time (nothing secret is
# committed). tests/run calls it once per run; tests/lib.sh calls it when a single
# .t file is run alone. Safe to call concurrently: the work is done under a lock and
# a stamp file marks a complete set.
#
# usage: tests/gen-certs.sh DIR
#
# DIR gets:
#   ca.pem ca.key              test CA (RSA-2048) that signs everything below
#   wrongca.pem wrongca.key    an unrelated CA, for verification failures
#   rsa.pem rsa.key            server, CN=localhost, SAN localhost/127.0.0.1/::1, RSA-2048
#   ec.pem ec.key              the same names, ECDSA P-256
#   other.pem other.key        server for SNI tests, CN and SAN other.test, RSA-2048
#   client.pem client.key      client certificate (clientAuth), RSA-2048
#   rsa-enc.key                rsa.key encrypted with the pass phrase "secret"
#   pass.txt                   that pass phrase in a file, for -pass file:
set -euo pipefail

dir=${1:?usage: gen-certs.sh DIR}
days=3650
pass=secret

mkdir -p "$dir"
exec 9>"$dir/.lock"
# Bounded: a generation takes a second or two; never wait forever on a stuck peer.
flock -w 120 9 || { echo "gen-certs: could not lock $dir" >&2; exit 1; }
[ -f "$dir/.complete" ] && exit 0

cd "$dir"
# Keep openssl from reading a user's or the system's config for defaults.
export OPENSSL_CONF=/dev/null

# quiet CMD...: run an openssl step with its progress chatter kept out of the
# test output, but shown if the step fails.
quiet() {
    if ! "$@" 2>gen.log; then
        echo "gen-certs: failed: $*" >&2
        cat gen.log >&2
        return 1
    fi
}

# make_ca NAME CN: a self-signed CA certificate and key.
make_ca() {
    quiet openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
        -keyout "$1.key" -out "$1.pem" -subj "/O=s_tests/CN=$2" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash"
}

# make_leaf NAME KEYSPEC SUBJECT EXTENSIONS: a key and a certificate signed by ca.
# KEYSPEC is "rsa" or "ec"; EXTENSIONS are x509v3 config lines.
make_leaf() {
    local name=$1 kind=$2 subj=$3 ext=$4
    case $kind in
        rsa) quiet openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key" ;;
        ec)  quiet openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$name.key" ;;
    esac
    printf '%s\n' "$ext" > "$name.ext"
    quiet openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr"
    quiet openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
        -sha256 -days "$days" -extfile "$name.ext" -out "$name.pem"
    rm -f "$name.csr" "$name.ext"
}

server_ext='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1'

make_ca ca "s_tests Test CA"
make_ca wrongca "s_tests Wrong CA"
make_leaf rsa rsa "/O=s_tests/CN=localhost" "$server_ext"
make_leaf ec ec "/O=s_tests/CN=localhost" "$server_ext"
make_leaf other rsa "/O=s_tests/CN=other.test" \
    "$(printf '%s\n' "${server_ext%subjectAltName=*}subjectAltName=DNS:other.test")"
make_leaf client rsa "/O=s_tests/CN=s_tests client" 'basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth'
quiet openssl pkey -in rsa.key -aes256 -passout "pass:$pass" -out rsa-enc.key
printf '%s\n' "$pass" > pass.txt

rm -f gen.log ca.srl
touch .complete

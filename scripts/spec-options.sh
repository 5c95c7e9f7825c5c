#!/usr/bin/env bash
# Extract the option surface of s_client and s_server from the specification
# (/work/shared/spec: OpenSSL's manual pages in several renderings) plus what
# OpenSSL 3.0's own `openssl s_client -help` / `openssl s_server -help` list,
# and write it to tests/spec/s_client.options and tests/spec/s_server.options
# (sorted, one "-name" per line). The lists are committed, so tests/spec/coverage.t
# runs where the spec directory is absent; rerun this script when the spec changes.
#
# usage: scripts/spec-options.sh [SPEC_DIR] [OUT_DIR]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
spec=${1:-/work/shared/spec}
out=${2:-$top/tests/spec}

# Which spec file documents which program (see the spec's README.md).
server_files=(000_4a3e420555a55f68.txt 001_d6a809ebb08e6531.txt
              002_2ba2fe9f53a34c7c.txt 003_91890332c2d31a34.txt)
client_files=(004_b6d569263b35de55.txt)

# Names that appear in old editions but are not options of the 3.0 programs:
# SSLv2 was removed long ago, and -CRLForm is a typo of -CRLform in 002.
drop='^-(ssl2|no_ssl2|CRLForm)$'

# Keep only well-formed option names from a stream of candidate tokens.
only_options() {
    tr ' ,[]|' '\n\n\n\n\n' | grep -E '^-[A-Za-z0-9][A-Za-z0-9_-]*$' || true
}

# Some renderings use no-break spaces (U+00A0) between words: make them spaces.
normalize() {
    sed 's/\xc2\xa0/ /g' "$1"
}

# POD source with line numbers (000, 002): the SYNOPSIS section and the
# "=item" lines name the options as B<-name>.
from_pod() {
    normalize "$1" | sed -E 's/^[0-9]+ //' |
        awk '/^=head1 SYNOPSIS/ {s=1; next} /^=head1 DESCRIPTION/ {s=0}
             /^=head1 CONNECTED COMMANDS/ {exit}
             s || /^=item/' |
        grep -oE 'B<-[A-Za-z0-9][A-Za-z0-9_-]*' | sed 's/^B<//'
}

# A man page rendered for a terminal where bold is shown by doubling every
# letter (001): "--ppoorrtt" is "-port". Undouble the tokens, then read it as
# an ordinary rendered man page.
undouble() {
    normalize "$1" |
        perl -pe 's{([^\s\[\],|]+)}{ my $t = $1; ($t =~ /^(?:(.)\1)+$/) ? ($t =~ s/(.)\1/$1/gr) : $t }ge'
}

# A rendered man page (001 after undoubling, 004): options are in the
# SYNOPSIS block and at the start of the 7-space indented item lines.
from_man() {
    awk '/^SYNOPSIS/ {s=1; next} /^DESCRIPTION/ {s=0}
         /^CONNECTED COMMANDS/ {exit}
         s {print; next}
         /^       -/ {print}' | only_options
}

# HTML rendered as text (003): a one-line synopsis, and each item on a line of
# its own starting with the option name.
from_html_text() {
    awk '/^SYNOPSIS/ {s=1; next} /^DESCRIPTION/ {s=0}
         /^CONNECTED COMMANDS/ {exit}
         s || /^-/' <(normalize "$1") | only_options
}

# OpenSSL 3.0's -help lists the options documented by reference in the spec
# (verification, SSL_CONF commands, -provider, ...): lines " -name [kind] text".
from_openssl_help() {
    openssl "$1" -help 2>&1 | grep -oE '^ -[^ ]+' | sed 's/^ //'
}

extract() {
    local prog=$1; shift
    local f
    {
        for f in "$@"; do
            case $f in
                000_*|002_*) from_pod "$spec/$f" ;;
                001_*)       undouble "$spec/$f" | from_man ;;
                003_*)       from_html_text "$spec/$f" ;;
                004_*)       normalize "$spec/$f" | from_man ;;
            esac
        done
        from_openssl_help "$prog"
    } | grep -vE "$drop" | LC_ALL=C sort -u
}

[ -d "$spec" ] || { echo "spec-options: no spec directory at $spec" >&2; exit 1; }
command -v openssl >/dev/null || { echo "spec-options: openssl not found" >&2; exit 1; }
mkdir -p "$out"
extract s_server "${server_files[@]}" > "$out/s_server.options"
extract s_client "${client_files[@]}" > "$out/s_client.options"
echo "spec-options: $(wc -l < "$out/s_server.options") s_server options -> $out/s_server.options"
echo "spec-options: $(wc -l < "$out/s_client.options") s_client options -> $out/s_client.options"

#!/usr/bin/env bash
# -help: exit 0, the summary on stderr in OpenSSL's layout (a Usage line,
# section headings, one " -name [kind]  description" line per option), nothing
# on stdout, every option listed once.
source "$(dirname "$0")/../lib.sh"

for prog in s_client s_server; do
    if [[ $prog == s_client ]]; then cmd=("${CLIENT[@]}"); else cmd=("${SERVER[@]}"); fi
    with_timeout 10 "${cmd[@]}" -help </dev/null >"$TMP/out" 2>"$TMP/err"
    is "$?" 0 "$prog -help: exit status 0"
    is "$(cat "$TMP/out")" "" "$prog -help: nothing on stdout"
    like "$(head -n1 "$TMP/err")" "^Usage: $prog \\[options\\]" "$prog -help: starts with the Usage line"
    file_like "$TMP/err" '^ -help +Display this summary$' "$prog -help: lists -help"
    n=$(grep -cE '^ -[^ ]' "$TMP/err")
    ok "$([[ $n -ge 50 ]]; echo $?)" "$prog -help: lists the options ($n)"
    dups=$(grep -oE '^ -[^ ]+' "$TMP/err" | sort | uniq -d | tr '\n' ' ')
    is "$dups" "" "$prog -help: no option listed twice"
    odd=$(grep -vE '^$|^Usage: |^[A-Z][A-Za-z/ ]*:$|^ -[^ ]+( [^ ]+)? {2,}[^ ]|^ {20,}[^ ]|^ [a-z]' "$TMP/err")
    is "$odd" "" "$prog -help: every line has OpenSSL's layout"
done
done_testing

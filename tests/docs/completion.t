#!/usr/bin/env bash
# The bash completion scripts made by `make` ($BUILD_DIR/completion/), driven in scripted
# bash sessions the way readline drives them: COMP_LINE and COMP_POINT (or COMP_WORDS and
# COMP_CWORD, as some callers set only those), then the function, then COMPREPLY.
# The value lists that come from the library are checked against openssl's own parser.
source "$(dirname "$0")/../lib.sh"

if client_is_openssl || server_is_openssl; then
    skip_all "completes our programs, not openssl's"
fi

build=${BUILD_DIR:-$TOP_DIR/build}
gendoc=$build/tools/gendoc
[[ -x $gendoc ]] || bail_out "no $gendoc: build first (make)"
if [[ ! -f $build/completion/s_client || ! -f $build/completion/s_server ]]; then
    bail_out "no completion scripts in $build/completion: build first (make)"
fi

work=$TMP/work
mkdir -p "$work/certs" "$work/cadir" && touch "$work/ca.pem" "$work/cert.pem" "$work/certs/x.pem"
cd "$work" || bail_out "no work dir"

# complete_line PROG LINE: the replies for LINE with the cursor at its end, one per line.
# WORDBREAKS, if set, replaces COMP_WORDBREAKS (bash does not take it from the environment).
complete_line() {
    bash --norc --noprofile -c '
        source "$1" || exit 1
        if [[ -n ${WORDBREAKS-} ]]; then COMP_WORDBREAKS=$WORDBREAKS; fi
        COMP_LINE=$3
        COMP_POINT=${#COMP_LINE}
        read -r -a COMP_WORDS <<< "$COMP_LINE"
        [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        "_$2"
        printf "%s\n" "${COMPREPLY[@]}"' _ "$build/completion/$1" "$1" "$2"
}

# complete_words PROG WORD...: the same with only COMP_WORDS/COMP_CWORD set, the cursor on
# the last word.
complete_words() {
    local prog=$1; shift
    bash --norc --noprofile -c '
        source "$1" || exit 1
        prog=$2; shift 2
        COMP_WORDS=("$prog" "$@")
        COMP_CWORD=$#
        "_$prog"
        printf "%s\n" "${COMPREPLY[@]}"' _ "$build/completion/$prog" "$prog" "$@"
}

joined() { LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'; }

for prog in s_client s_server; do
    run_ok "$prog: the completion script is valid bash" bash -n "$build/completion/$prog"
    out=$(bash --norc -c 'source "$1" && complete -p "$2"' _ "$build/completion/$prog" "$prog")
    like "$out" "complete -F _$prog $prog\$" "$prog: sourcing it registers the completion"
    # Every option of the tables, and only those, for a lone dash.
    is "$(complete_line "$prog" "$prog -" | joined)" \
        "$("$gendoc" options "$prog" | cut -d' ' -f1 | joined)" \
        "$prog: '-' completes to every option of the tables"
done

is "$(complete_words s_client -starttls "" | joined)" \
    "ftp imap irc ldap lmtp mysql nntp pop3 postgres sieve smtp telnet xmpp xmpp-server" \
    "-starttls completes the 14 protocol names (COMP_WORDS only)"
is "$(complete_line s_client "s_client -starttls x" | joined)" "xmpp xmpp-server" \
    "-starttls x completes to the xmpp variants"
is "$(complete_line s_client "s_client --starttls sm" | joined)" "smtp" \
    "--starttls (two dashes) completes the same way"
is "$(complete_line s_client "s_client -conn" | joined)" "-connect -connect_timeout" \
    "an option prefix completes to the options"
is "$(complete_line s_server "s_server -ww" | joined)" "-www" "completion is case-sensitive (-www, not -WWW)"
is "$(complete_line s_client "s_client -CAfile c" | joined)" "ca.pem cadir cert.pem certs" \
    "-CAfile (infile) completes files and directories"
is "$(complete_line s_client "s_client -sess_out c" | joined)" "ca.pem cadir cert.pem certs" \
    "-sess_out (outfile) completes files and directories"
is "$(complete_line s_server "s_server -key c" | joined)" "ca.pem cadir cert.pem certs" \
    "-key (a file or a URI) completes files"
is "$(complete_line s_client "s_client -CApath c" | joined)" "cadir certs" \
    "-CApath (dir) completes directories only"
is "$(complete_line s_client "s_client -certform " | joined)" "DER PEM" "-certform completes PEM DER"
is "$(complete_line s_server "s_server -keyform " | joined)" "DER ENGINE P12 PEM" \
    "-keyform completes the key formats"
is "$(complete_line s_client "s_client -pass e" | joined)" "env:" "-pass completes the sources"
is "$(complete_line s_client "s_client -port " | joined)" "" \
    "an option whose value cannot be guessed offers nothing"
is "$(complete_line s_client "s_client -maxfraglen 1" | joined)" "1024" "-maxfraglen completes its sizes"

like "$(complete_line s_client "s_client -verify_name ssl_" | joined)" "^ssl_client ssl_server$" \
    "-verify_name completes the library's parameter sets"
like "$(complete_line s_client "s_client -purpose ssl" | joined)" "sslclient.*sslserver" \
    "-purpose completes the library's purposes"
like "$(complete_line s_client "s_client -min_protocol TLSv1." | joined)" "TLSv1.2 TLSv1.3" \
    "-min_protocol completes protocol versions"
like "$(complete_line s_server "s_server -ciphersuites TLS_AES_" | joined)" \
    "TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384" "-ciphersuites completes TLS 1.3 suites"
like "$(complete_line s_client "s_client -groups X" | joined)" "^X25519 (X25519MLKEM768 )?X448$" \
    "-groups completes group names"

# A list: readline replaces only what follows the last ':' (it is in COMP_WORDBREAKS), so
# the replies are the last item alone; without ':' there, the whole word.
is "$(complete_line s_client "s_client -groups X25519:P-" | joined)" "P-256 P-384 P-521" \
    "-groups X25519:P- completes the last item of the list"
is "$(WORDBREAKS=' ' complete_line s_client "s_client -curves X25519:P-3" | joined)" \
    "X25519:P-384" "... and the whole word when ':' does not break words"
out=$(complete_line s_client "s_client -cipher ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES1" |
    joined)
like "$out" "(^| )ECDHE-ECDSA-AES128-GCM-SHA256( |$)" "-cipher completes cipher names after a colon"
unlike "$out" "(^| )[^E]|:" "... each reply being the last item alone"
is "$(complete_line s_client "s_client -nameopt oneline,sep_c" | joined)" \
    "oneline,sep_comma_plus oneline,sep_comma_plus_space" "-nameopt completes a comma-separated list"

# The library's lists are what the library takes: openssl's own parser, given the whole
# list, must not refuse it (it fails with "Error with command" before connecting).
for opt in groups sigalgs client_sigalgs cipher ciphersuites; do
    list=$(complete_line s_client "s_client -$opt " | paste -sd: -)
    with_timeout 10 openssl s_client "-$opt" "$list" -connect 127.0.0.1:1 </dev/null \
        >/dev/null 2>"$TMP/openssl.err"
    if [[ -n $list ]] && ! grep -q 'Error with command' "$TMP/openssl.err"; then
        pass "-$opt: openssl takes every completion ($(tr ':' '\n' <<< "$list" | grep -c .))"
    else
        fail "-$opt: openssl takes every completion"
        diag "list: '$list'"
        diag_file "$TMP/openssl.err" "openssl s_client stderr"
    fi
done

# Host names for the target parameter and -connect (from /etc/hosts, as compgen knows them).
like "$(complete_line s_client "s_client -connect localh" | joined)" "localhost" \
    "-connect completes host names"
like "$(complete_line s_client "s_client localh" | joined)" "localhost" \
    "the host:port parameter completes host names"
is "$(complete_line s_server "s_server localh" | joined)" "" "s_server takes no parameter"

done_testing

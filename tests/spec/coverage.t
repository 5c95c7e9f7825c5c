#!/usr/bin/env bash
# Option coverage against the spec (tests/spec/*.options, made by
# scripts/spec-options.sh), and the parser's agreement with -help:
#   - reports, per program, how many spec options -help lists, and which are
#     missing (always passes: coverage grows over time);
#   - fails if any option that -help lists is refused as "Unknown option".
# The parse check runs "PROG -OPTION [VALUE] -help": options are read left to
# right and -help exits 0 when reached, so nothing connects or listens, while
# an option unknown to the parser fails before -help.
source "$(dirname "$0")/../lib.sh"

work=$TMP/work
mkdir -p "$work" && cd "$work" || bail_out "no work dir"

# help_options PROG...: " -name [kind]" lines of -help as "name kind" pairs
# (kind "-" for flags). A kind is one word separated by a single space; the
# description follows after two or more.
help_options() {
    with_timeout 10 "$@" -help </dev/null 2>&1 >/dev/null |
        sed -nE 's/^ (-[^ ]+) ([^ ]+)  +.*/\1 \2/p; s/^ (-[^ ]+)(  +.*|$)/\1 -/p'
}

# value_for NAME KIND: an argument that satisfies the kind -help shows.
# Values are harmless: files exist or live in the temp dir, numbers are small.
value_for() {
    case $1 in
        -purpose)     echo sslserver; return ;;
        -verify_name) echo ssl_server; return ;;
        -policy)      echo 1.2.3.4; return ;;
        -nameopt)     echo oneline; return ;;
        -starttls)    echo smtp; return ;;
        -psk)         echo 1234abcd; return ;;
        -maxfraglen)  echo 512; return ;;
        -provider)    echo default; return ;;
    esac
    case $2 in
        infile)              echo "$CERTS/ca.pem" ;;
        outfile)             echo "$work/out$RANDOM" ;;
        dir)                 echo "$work" ;;
        uri)                 echo "file:$work" ;;
        int|+int|intmax|nonneg|long|ulong|+long) echo 1 ;;
        PEM\|DER|format|PEM\|DER\|ENGINE|DER\|PEM|PEM\|DER\|P12) echo PEM ;;
        *)                   echo x ;;
    esac
}

check_program() {
    local prog=$1; shift
    local -a cmd=("$@")
    local spec_file=$TESTS_DIR/spec/$prog.options
    [[ -f $spec_file ]] || { fail "$prog: $spec_file exists"; return; }

    help_options "${cmd[@]}" > "$TMP/$prog.help"
    cut -d' ' -f1 "$TMP/$prog.help" | LC_ALL=C sort -u > "$TMP/$prog.listed"
    local total covered pct missing
    total=$(grep -c . "$spec_file")
    covered=$(LC_ALL=C comm -12 "$spec_file" "$TMP/$prog.listed" | grep -c .)
    pct=$((total ? covered * 100 / total : 0))
    diag "$prog: $covered/$total spec options ($pct%)"
    missing=$(LC_ALL=C comm -23 "$spec_file" "$TMP/$prog.listed" | tr '\n' ' ')
    [[ -n $missing ]] && diag "$(fold -s -w 100 <<< "$prog: missing from -help: $missing")"
    extra=$(LC_ALL=C comm -13 "$spec_file" "$TMP/$prog.listed" | tr '\n' ' ')
    [[ -n $extra ]] && diag "$(fold -s -w 100 <<< "$prog: listed but not in the spec: $extra")"
    pass "$prog: spec coverage reported ($covered/$total)"

    # Every listed option must get past the parser. First make sure the check
    # means something: an unknown option before -help must be refused.
    local name kind args refused=() n=0
    with_timeout 5 "${cmd[@]}" -no-such-option-xyz -help </dev/null >/dev/null 2>"$TMP/opt.err"
    if ! grep -q 'Unknown option' "$TMP/opt.err"; then
        fail "$prog: all options listed by -help are accepted by the parser"
        diag "'$prog -no-such-option-xyz -help' does not say Unknown option: the check cannot work"
        diag_file "$TMP/opt.err" stderr
        return
    fi
    while read -r name kind; do
        [[ $name == -help ]] && continue
        args=("$name")
        [[ $kind != - ]] && args+=("$(value_for "$name" "$kind")")
        with_timeout 5 "${cmd[@]}" "${args[@]}" -help </dev/null >/dev/null 2>"$TMP/opt.err"
        grep -q 'Unknown option' "$TMP/opt.err" && refused+=("${args[*]}")
        n=$((n + 1))
    done < "$TMP/$prog.help"
    if [[ ${#refused[@]} -eq 0 && $n -gt 0 ]]; then
        pass "$prog: all $n options listed by -help are accepted by the parser"
    else
        fail "$prog: all $n options listed by -help are accepted by the parser"
        diag "refused as Unknown option: ${refused[*]:-none listed at all}"
    fi
}

plan 4
check_program s_client "${CLIENT[@]}"
check_program s_server "${SERVER[@]}"

#!/usr/bin/env bash
# The documentation cannot drift from the code. For each program:
#   - the option tables (as tools/gendoc reads them), -help and the man page's OPTIONS list
#     the same options with the same argument kinds, in the same groups;
#   - every option has prose in docs/*.options.txt, and no prose describes an option that
#     neither a table nor the spec (tests/spec/*.options, options still to come) has;
#   - the committed docs/PROG.1 is what `make docs` makes now;
#   - every option the page mentions in bold exists;
#   - the page renders without warnings (MANWIDTH=80 man --warnings -l) and has its sections;
#   - -version prints our version and the linked OpenSSL's.
source "$(dirname "$0")/../lib.sh"

if client_is_openssl || server_is_openssl; then
    skip_all "documents our programs, not openssl's"
fi

gendoc=${BUILD_DIR:-$TOP_DIR/build}/tools/gendoc
[[ -x $gendoc ]] || bail_out "no $gendoc: build first (make)"
docs=$TOP_DIR/docs
cd "$TOP_DIR" || bail_out "no $TOP_DIR"

# Options a page may mention before any table has them: planned, and said so in the page.
planned_options='json'

# help_options PROG...: "-name kind" per option line of -help ("-" for no argument). The
# kind is one word after a single space; the description follows two or more spaces later.
help_options() {
    with_timeout 10 "$@" -help </dev/null 2>&1 >/dev/null |
        sed -nE 's/^ (-[^ ]+) ([^ ]+)( {2,}.*)?$/\1 \2/p; t; s/^ (-[^ ]+)( {2,}.*)?$/\1 -/p'
}

# help_sections PROG...: the group headings of -help, in order.
help_sections() {
    with_timeout 10 "$@" -help </dev/null 2>&1 >/dev/null | sed -nE 's/^([A-Z][^:]*):$/\1/p'
}

# man_options PAGE: "-name kind" for each entry of the OPTIONS section.
man_options() {
    sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$1" |
        sed -nE '/^\.TP$/{n;s/^\\fB\\-(.*)\\fR \\fI(.*)\\fR$/-\1 \2/p;t;s/^\\fB\\-(.*)\\fR$/-\1 -/p}' |
        sed 's/\\-/-/g'
}

# man_sections PAGE: the .SS headings of the OPTIONS section.
man_sections() {
    sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$1" | sed -n 's/^\.SS //p'
}

# same_set A B WHAT_A WHAT_B DESC: files of lines A and B hold the same lines; names the
# differences otherwise.
same_set() {
    local only_a only_b
    only_a=$(LC_ALL=C comm -23 <(LC_ALL=C sort -u "$1") <(LC_ALL=C sort -u "$2") | tr '\n' ' ')
    only_b=$(LC_ALL=C comm -13 <(LC_ALL=C sort -u "$1") <(LC_ALL=C sort -u "$2") | tr '\n' ' ')
    if [[ -z $only_a && -z $only_b && -s $1 ]]; then
        pass "$5"
        return 0
    fi
    fail "$5"
    [[ -n $only_a ]] && diag "$(fold -s -w 100 <<< "in $3 only: $only_a")"
    [[ -n $only_b ]] && diag "$(fold -s -w 100 <<< "in $4 only: $only_b")"
    [[ ! -s $1 ]] && diag "$3: nothing found"
    return 1
}

check_lists() {
    local prog=$1; shift
    local page=$docs/$prog.1
    "$gendoc" options "$prog" > "$TMP/$prog.table" || fail "$prog: gendoc options runs"
    help_options "$@" > "$TMP/$prog.help"
    same_set "$TMP/$prog.table" "$TMP/$prog.help" "the tables" "-help" \
        "$prog: -help lists every table option with its kind, and nothing else"
    is "$(man_sections "$page" | tr '\n' '|')" "$(help_sections "$@" | tr '\n' '|')" \
        "$prog: the man page groups the options as -help does" ||
        diag "regenerate the page: make docs"
    man_options "$page" > "$TMP/$prog.man"
    same_set "$TMP/$prog.table" "$TMP/$prog.man" "the tables" "docs/$prog.1" \
        "$prog: the man page documents every table option with its kind, and nothing else" ||
        diag "regenerate the page: make docs"
}

# Prose: "PROG: missing -x" lines are options without prose; "PROG: unused -x in FILE" is
# prose that no table uses, fine only for options of the spec still to come.
check_prose() {
    "$gendoc" check docs > "$TMP/check" 2>&1
    local missing stale=() line prog name spec
    missing=$(sed -n 's/^\([a-z_]*\): missing \(.*\)/\1 \2/p' "$TMP/check")
    if [[ -z $missing ]]; then
        pass "every option of both programs has prose in docs/*.options.txt"
    else
        fail "every option of both programs has prose in docs/*.options.txt"
        diag "$missing"
        diag "write an entry for each (a line '-name', then indented text) in"
        diag "docs/PROG.options.txt, or docs/common.options.txt when both programs share it"
    fi
    while read -r line; do
        prog=${line%%:*}
        name=$(sed -E 's/^[a-z_]+: unused ([^ ]+) in .*/\1/' <<< "$line")
        if [[ $prog == common ]]; then
            spec=$(cat "$TESTS_DIR/spec/s_client.options" "$TESTS_DIR/spec/s_server.options")
        else
            spec=$(cat "$TESTS_DIR/spec/$prog.options")
        fi
        grep -qxF -- "$name" <<< "$spec" || stale+=("$line")
    done < <(grep ': unused ' "$TMP/check")
    is "${stale[*]:-}" "" "no prose describes an option that is neither in a table nor in the spec"
}

check_fresh() {
    local prog=$1 page=$docs/$1.1
    if "$gendoc" man "$prog" docs > "$TMP/$prog.1" 2>"$TMP/$prog.gen.err" &&
        cmp -s "$TMP/$prog.1" "$page"; then
        pass "docs/$prog.1 is what make docs generates"
    else
        fail "docs/$prog.1 is what make docs generates"
        diag "the page is stale: run make docs and commit docs/$prog.1"
        diff -u "$page" "$TMP/$prog.1" 2>&1 | head -n 30 | diag "$(cat)"
    fi
}

check_references() {
    local prog=$1 page=$docs/$1.1 unknown=() name
    while read -r name; do
        grep -qxE -- "-$name [^ ]+" "$TMP/$prog.table" && continue
        grep -qw -- "$name" <<< "$planned_options" && continue
        unknown+=("-$name")
    done < <(grep -oE '\\fB\\-[A-Za-z0-9_]+(\\-[A-Za-z0-9_]+)*' "$page" |
                 sed -e 's/^\\fB\\-//' -e 's/\\-/-/g' | sort -u)
    is "${unknown[*]:-}" "" "$prog: every option the man page mentions exists"
}

check_render() {
    local prog=$1 page=$docs/$1.1 section missing=()
    if ! command -v man >/dev/null; then
        skip 4 "man is not installed (scripts/deps/docs.txt)"
        return
    fi
    MANWIDTH=80 man --warnings -l "$page" > "$TMP/$prog.txt" 2> "$TMP/$prog.warn"
    is "$?:$(cat "$TMP/$prog.warn")" "0:" "$prog: man --warnings -l renders docs/$prog.1 cleanly"
    groff -man -Tutf8 -ww -z "$page" > "$TMP/$prog.groff" 2>&1
    is "$(cat "$TMP/$prog.groff")" "" "$prog: groff -ww finds nothing to warn about either"
    for section in NAME SYNOPSIS DESCRIPTION OPTIONS 'CONNECTED COMMANDS' OUTPUT \
        'EXIT STATUS' ENVIRONMENT EXAMPLES 'DIFFERENCES FROM OPENSSL' 'SEE ALSO'; do
        grep -qx -- "$section" "$TMP/$prog.txt" || missing+=("$section")
    done
    is "${missing[*]:-}" "" "$prog: the page has every section"
    is "$(LC_ALL=C.UTF-8 wide_lines < "$TMP/$prog.txt")" "" "$prog: no line is wider than 80 columns"
}

# wide_lines: the rendered lines longer than 80 characters (examples must fit a terminal).
wide_lines() {
    local line
    while IFS= read -r line; do
        ((${#line} > 80)) && printf '%s\n' "$line"
    done
    return 0
}

check_version() {
    local prog=$1; shift
    local want out
    want=$(sed -n 's/^#define TLSTOOL_VERSION "\(.*\)"$/\1/p' "$TOP_DIR/src/lib/version.h")
    out=$(with_timeout 10 "$@" -version </dev/null 2>"$TMP/version.err")
    is "$?" 0 "$prog -version: exit status 0"
    like "$out" "^$prog ${want//./\\.} \\(OpenSSL 3\\.[0-9]+\\.[0-9]+" \
        "$prog -version: our version and the linked OpenSSL's on stdout"
    like "$(man_options "$docs/$prog.1" | tr '\n' ' ')" '-version -' "$prog: -version is documented"
}

check_lists s_client "${CLIENT[@]}"
check_lists s_server "${SERVER[@]}"
check_prose
for prog in s_client s_server; do
    check_fresh "$prog"
    check_references "$prog"
    check_render "$prog"
done
check_version s_client "${CLIENT[@]}"
check_version s_server "${SERVER[@]}"
done_testing

# tests/matrix/matrix.sh - sourced after tests/lib.sh by tests/matrix/*.t: the cells of an
# interoperability matrix (peer x dimension) and the table they make at the end of a run.
#
# A cell groups TAP checks: cell_begin ROW COL, then each lib.sh assertion run through chk,
# then cell_end. The cell is "pass" when all its checks pass, "FAIL" when one fails, "TODO"
# when only checks made under TODO="reason" fail (the reason becomes the cell's note).
# cell_na ROW COL REASON records a cell that does not apply, with its reason (a TAP skip).
# matrix_report NAME TITLE prints the table as TAP diagnostics and writes it as markdown to
# $MATRIX_OUT/matrix-NAME.md (default: $TEST_RUN_DIR, else the test's temp dir).
#
# The .t fills ROWS and COLS (ids, in order) and ROW_LABEL / COL_LABEL (id -> text).

declare -a ROWS=() COLS=()
declare -A ROW_LABEL=() COL_LABEL=() CELL=() CELL_NOTE=()
_cell= _cell_bad=0 _cell_todo=

# cell_begin ROW COL: the checks that follow belong to this cell.
cell_begin() {
    _cell="$1|$2" _cell_bad=0 _cell_todo=
    note "--- ${ROW_LABEL[$1]:-$1} x ${COL_LABEL[$2]:-$2}"
}

# chk ASSERTION ARGS...: run a lib.sh assertion (ok, is, like, file_like ...) for the cell.
chk() {
    "$@" && return 0
    if [[ -n $TODO ]]; then _cell_todo=$TODO; else _cell_bad=1; fi
    return 1
}

# chk_fail DESC: a check that failed before it could be made (no port, no server...).
chk_fail() { chk fail "$1"; }

# cell_end [NOTE]: record the cell's result; NOTE (optional) is shown under the table.
cell_end() {
    local status=pass cnote=${1:-}
    if ((_cell_bad)); then
        status=FAIL
    elif [[ -n $_cell_todo ]]; then
        status=TODO
        cnote=${cnote:+$cnote; }$_cell_todo
    fi
    CELL[$_cell]=$status
    [[ -n $cnote ]] && CELL_NOTE[$_cell]=$cnote
    _cell=
    return 0
}

# cell_na ROW COL REASON: the dimension does not apply to this peer.
cell_na() {
    CELL["$1|$2"]=n/a
    CELL_NOTE["$1|$2"]=$3
    skip 1 "${ROW_LABEL[$1]:-$1} x ${COL_LABEL[$2]:-$2}: not applicable: $3"
}

# matrix_report NAME TITLE: the table (markdown), on stderr as "# " lines and in a file.
matrix_report() {
    local name=$1 title=$2 out dir row col key st n=0 line
    local -A note_no=()
    local -a notes=()
    dir=${MATRIX_OUT:-${TEST_RUN_DIR:-$TMP}}
    out=$dir/matrix-$name.md
    {
        echo "### $title"
        echo
        line="| peer |"
        for col in "${COLS[@]}"; do line+=" ${COL_LABEL[$col]:-$col} |"; done
        echo "$line"
        line="|---|"
        for col in "${COLS[@]}"; do line+="---|"; done
        echo "$line"
        for row in "${ROWS[@]}"; do
            line="| ${ROW_LABEL[$row]:-$row} |"
            for col in "${COLS[@]}"; do
                key="$row|$col"
                st=${CELL[$key]:-not run}
                if [[ -n ${CELL_NOTE[$key]:-} ]]; then
                    # Identical reasons share one footnote.
                    if [[ -z ${note_no[${CELL_NOTE[$key]}]:-} ]]; then
                        n=$((n + 1))
                        note_no[${CELL_NOTE[$key]}]=$n
                        notes+=("[$n] ${CELL_NOTE[$key]}")
                    fi
                    st+=" [${note_no[${CELL_NOTE[$key]}]}]"
                fi
                line+=" $st |"
            done
            echo "$line"
        done
        echo
        for line in "${notes[@]}"; do echo "- $line"; done
    } > "$out"
    {
        echo "interoperability matrix ($name), also in $out:"
        cat "$out"
    } | sed 's/^/# /' >&2
}

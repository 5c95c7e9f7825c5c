# tests/lib.sh - sourced by every tests/**/*.t script (bash, TAP output).
#
# Gives: TAP helpers, a private temp dir, background processes that are always
# cleaned up, bounded waits, free loopback ports, and the shared test PKI.
# Everything that waits is bounded in time and in count, so a broken program
# under test fails a test instead of hanging the suite.
#
# Environment:
#   S_CLIENT, S_SERVER  the programs under test, a command possibly with words
#                       ("openssl s_client"); default: build/s_client, build/s_server
#   TEST_CERTS          directory of the test PKI (tests/gen-certs.sh); made lazily
#   TEST_RUN_DIR        per-run scratch shared by all tests of one tests/run (ports)
#   KEEP_TMP=1          keep each test's temp dir for a post-mortem
#   TEST_TIME_FACTOR    multiplies every bound below (default 1), for slow runs such as
#                       `make valgrind`; timings a test measures itself are not scaled

set -u

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$TESTS_DIR/.." && pwd)

# --- the programs under test ------------------------------------------------

# Arrays, so that "openssl s_client" works as well as a path: use "${CLIENT[@]}".
: "${S_CLIENT:=$TOP_DIR/build/s_client}"
: "${S_SERVER:=$TOP_DIR/build/s_server}"
read -r -a CLIENT <<< "$S_CLIENT"
read -r -a SERVER <<< "$S_SERVER"

# True when the program under test is OpenSSL's own (the reference), which
# lets tests mark behaviour that only our programs promise.
server_is_openssl() { [[ ${SERVER[0]##*/} == openssl ]]; }
client_is_openssl() { [[ ${CLIENT[0]##*/} == openssl ]]; }

# --- TAP ---------------------------------------------------------------------

_tap_count=0
_tap_failed=0
_tap_planned=
# Set TODO="reason" around tests that are expected to fail; they are reported
# as "# TODO reason" and do not fail the file.
TODO=

plan() { _tap_planned=$1; echo "1..$1"; }

# _tap_result STATUS DESC: print one test line.
_tap_result() {
    local status=$1 desc=$2 directive=
    _tap_count=$((_tap_count + 1))
    [[ -n $TODO ]] && directive=" # TODO $TODO"
    if [[ $status == 0 ]]; then
        echo "ok $_tap_count - $desc$directive"
    else
        echo "not ok $_tap_count - $desc$directive"
        if [[ -z $TODO ]]; then
            _tap_failed=$((_tap_failed + 1))
            echo "#   Failed test '$desc' in ${0#"$TOP_DIR/"}" >&2
        fi
    fi
    return "$status"
}

# diag MSG: diagnostics go to stderr, as with Test::More, so that prove shows
# them even when not verbose (under a TODO, to stdout: expected failures stay
# quiet). note MSG: comments on stdout (seen with prove -v).
diag() {
    local line
    if [[ -n $TODO ]]; then note "$@"; return; fi
    while IFS= read -r line; do echo "# $line"; done <<< "$*" >&2
}
note() { local line; while IFS= read -r line; do echo "# $line"; done <<< "$*"; }

# diag_file FILE [LABEL]: show a captured file (its head and tail if long),
# for post-mortems.
diag_file() { if [[ -n $TODO ]]; then _diag_file "$@"; else _diag_file "$@" >&2; fi; }
_diag_file() {
    local f=$1 label=${2:-$1}
    local n
    if [[ -s $f ]]; then
        echo "# --- $label:"
        n=$(wc -l < "$f")
        if ((n > 60)); then
            { head -n 20 "$f"; echo "[... $((n - 60)) lines ...]"; tail -n 40 "$f"; } | cut -c1-300 | sed 's/^/#   /'
        else
            cut -c1-300 "$f" | sed 's/^/#   /'
        fi
    else
        echo "# --- $label: (empty or missing)"
    fi
}

pass() { _tap_result 0 "$1"; }
fail() { _tap_result 1 "$1"; }

# ok STATUS DESC: pass when STATUS is 0, as in `[[ ... ]]; ok $? "desc"`.
ok() { if [[ $1 == 0 ]]; then pass "$2"; else fail "$2"; fi; }

# run_ok DESC CMD...: pass when the command succeeds.
run_ok() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }

# is GOT WANT DESC: exact string comparison.
is() {
    if [[ $1 == "$2" ]]; then
        pass "$3"
    else
        fail "$3"
        diag "     got: '$1'"$'\n'"expected: '$2'"
        return 1
    fi
}

# isnt GOT UNWANTED DESC: GOT must differ from UNWANTED.
isnt() {
    if [[ $1 != "$2" ]]; then
        pass "$3"
    else
        fail "$3"
        diag "got '$1', which it must not be"
        return 1
    fi
}

# like TEXT REGEX DESC / unlike: extended regex match anywhere in TEXT.
like() {
    if grep -Eq -- "$2" <<< "$1"; then pass "$3"; else
        fail "$3"; diag "no match for /$2/ in:"$'\n'"$(head -c 2000 <<< "$1")"; return 1
    fi
}
unlike() {
    if ! grep -Eq -- "$2" <<< "$1"; then pass "$3"; else
        fail "$3"; diag "unexpected match for /$2/:"$'\n'"$(grep -E -- "$2" <<< "$1" | head -5)"; return 1
    fi
}

# file_like FILE REGEX DESC / file_unlike: the same on a captured file.
file_like() {
    if grep -Eq -- "$2" "$1" 2>/dev/null; then pass "$3"; else
        fail "$3"; diag "no match for /$2/"; diag_file "$1"; return 1
    fi
}
file_unlike() {
    if ! grep -Eq -- "$2" "$1" 2>/dev/null; then pass "$3"; else
        fail "$3"; diag "unexpected match for /$2/:"$'\n'"$(grep -E -- "$2" "$1" | head -5)"; return 1
    fi
}

# skip COUNT REASON: report COUNT tests as skipped.
skip() {
    local i
    for ((i = 0; i < $1; i++)); do
        _tap_count=$((_tap_count + 1))
        echo "ok $_tap_count # skip $2"
    done
}

# skip_all REASON: the whole file does not apply here.
skip_all() { echo "1..0 # SKIP $1"; exit 0; }

bail_out() { echo "Bail out! $*"; exit 255; }

# done_testing: print the plan (if none was given) and exit with the number
# of failures, as Test::More does.
done_testing() {
    if [[ -z $_tap_planned ]]; then
        echo "1..$_tap_count"
    elif [[ $_tap_planned != "$_tap_count" ]]; then
        diag "planned $_tap_planned tests but ran $_tap_count"
        exit 255
    fi
    exit $((_tap_failed > 254 ? 254 : _tap_failed))
}

# --- temp dir and cleanup ------------------------------------------------------

TMP=$(mktemp -d "${TMPDIR:-/tmp}/s_test.XXXXXXXX")
declare -A BG_PID=()   # name -> pid of its `timeout` wrapper
declare -A BG_FD=()    # name -> our end of its stdin fifo

# scaled SECS: SECS times TEST_TIME_FACTOR (whole seconds only; anything else as given).
scaled() {
    local f=${TEST_TIME_FACTOR:-1}
    if [[ $1 =~ ^[0-9]+$ && $f =~ ^[0-9]+$ ]]; then echo $(($1 * f)); else echo "$1"; fi
}

# Every background process runs under `timeout`, so even if this script is
# SIGKILLed nothing outlives it by more than this many seconds.
BG_LIMIT=$(scaled "${BG_LIMIT:-90}")

# stop_bg NAME: TERM, then KILL after a short grace; reaps the process.
stop_bg() {
    local name=$1 pid i
    pid=${BG_PID[$name]:-}
    [[ -n ${BG_FD[$name]:-} ]] && { exec {BG_FD[$name]}>&- ; } 2>/dev/null
    unset "BG_FD[$name]"
    [[ -z $pid ]] && return 0
    unset "BG_PID[$name]"
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 30; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

_cleanup() {
    local name
    for name in "${!BG_PID[@]}"; do stop_bg "$name"; done
    if [[ ${KEEP_TMP:-} == 1 ]]; then
        echo "# kept temp dir $TMP" >&2
    else
        rm -rf "$TMP"
    fi
}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- background processes ------------------------------------------------------

# start_bg NAME CMD...: run CMD in the background with
#   stdin  from the fifo $TMP/NAME.in, held open by us (send_line NAME writes,
#          close_stdin NAME gives it EOF) - servers quit on stdin EOF,
#   stdout to $TMP/NAME.out and stderr to $TMP/NAME.err.
# The PID is recorded and the process is killed at exit.
start_bg() {
    local name=$1 fd; shift
    rm -f "$TMP/$name.in"
    mkfifo "$TMP/$name.in"
    # Read-write open of a fifo does not block on Linux and keeps a writer alive.
    exec {fd}<>"$TMP/$name.in"
    (
        # The child must hold no writer of any fifo (its own or another
        # process's): close_stdin has to be able to deliver EOF.
        local f
        for f in "$fd" "${BG_FD[@]}"; do exec {f}>&-; done
        exec timeout -k 2 "$BG_LIMIT" "$@" <"$TMP/$name.in" >"$TMP/$name.out" 2>"$TMP/$name.err"
    ) &
    BG_PID[$name]=$!
    BG_FD[$name]=$fd
}

# send_line NAME TEXT: write a line to the process's stdin.
send_line() { printf '%s\n' "$2" >&"${BG_FD[$1]}"; }

# close_stdin NAME: EOF on the process's stdin.
close_stdin() { [[ -n ${BG_FD[$1]:-} ]] && { exec {BG_FD[$1]}>&- ; unset "BG_FD[$1]"; }; return 0; }

# is_running NAME
is_running() { [[ -n ${BG_PID[$1]:-} ]] && kill -0 "${BG_PID[$1]}" 2>/dev/null; }

# wait_exit NAME SECS: wait for the process to end; sets WAIT_STATUS to its
# exit code (124 if it had to be killed). Returns 0 if it ended by itself.
WAIT_STATUS=
wait_exit() {
    local name=$1 secs pid i
    secs=$(scaled "${2:-10}")
    pid=${BG_PID[$name]:-}
    [[ -z $pid ]] && { WAIT_STATUS=; return 1; }
    for ((i = 0; i < secs * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        stop_bg "$name"
        WAIT_STATUS=124
        return 1
    fi
    wait "$pid"
    WAIT_STATUS=$?
    unset "BG_PID[$name]"
    close_stdin "$name"
    return 0
}

# wait_file_like FILE REGEX [SECS]: wait until FILE matches REGEX.
wait_file_like() {
    local f=$1 re=$2 secs i
    secs=$(scaled "${3:-10}")
    for ((i = 0; i < secs * 20; i++)); do
        grep -Eq -- "$re" "$f" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# with_timeout SECS CMD...: run CMD in the foreground, killed after SECS.
with_timeout() { local s; s=$(scaled "$1"); shift; timeout -k 2 "$s" "$@"; }

# --- ports -----------------------------------------------------------------------

# port_in_use PORT: anything (listening or connected) on that local TCP port.
port_in_use() { [[ -n $(ss -Htan "( sport = :$1 )" 2>/dev/null) ]]; }

# free_port: print an unused loopback TCP port. Random in 20000-32767, below
# Linux's ephemeral range so outgoing connections never take it; checked with
# ss and, within one tests/run, reserved by an atomic mkdir so that parallel
# test files never pick the same one.
free_port() {
    local port i resv=${TEST_RUN_DIR:-$TMP}/ports
    mkdir -p "$resv"
    for ((i = 0; i < 200; i++)); do
        port=$((20000 + RANDOM % 12768))
        port_in_use "$port" && continue
        mkdir "$resv/$port" 2>/dev/null || continue
        echo "$port"
        return 0
    done
    echo "free_port: no free port found" >&2
    return 1
}

# wait_port PORT [SECS] [NAME]: wait until something listens on PORT; gives up
# early if the background process NAME has exited.
wait_port() {
    local port=$1 secs name=${3:-} i
    secs=$(scaled "${2:-10}")
    for ((i = 0; i < secs * 20; i++)); do
        [[ -n $(ss -Hltn "( sport = :$port )" 2>/dev/null) ]] && return 0
        [[ -n $name ]] && ! is_running "$name" && return 1
        sleep 0.05
    done
    return 1
}

# start_server NAME PORT CMD...: start_bg, then wait until PORT listens.
# On failure, shows the server's output as diagnostics and returns 1.
start_server() {
    local name=$1 port=$2; shift 2
    start_bg "$name" "$@"
    if ! wait_port "$port" 10 "$name"; then
        diag "server '$name' did not listen on port $port: $*"
        diag_file "$TMP/$name.out" "$name stdout"
        diag_file "$TMP/$name.err" "$name stderr"
        return 1
    fi
}

# has_ipv6_loopback: ::1 is configured (not always in containers).
has_ipv6_loopback() { ip -6 addr show dev lo 2>/dev/null | grep -q '::1/128'; }

# --- test PKI ---------------------------------------------------------------------

# Generated once per tests/run (which exports TEST_CERTS); a file run alone
# makes (or reuses) a per-user cache.
: "${TEST_CERTS:=${TMPDIR:-/tmp}/s_tests_certs.$(id -u)}"
export TEST_CERTS
"$TESTS_DIR/gen-certs.sh" "$TEST_CERTS" || bail_out "cannot make the test certificates in $TEST_CERTS"
CERTS=$TEST_CERTS

# Sanitizer builds: report errors with a distinctive exit code, so a memory
# error can never pass for an expected "exit 1".
# (Appended to whatever the caller set, unless it chose an exit code itself.)
_san_opt() {
    local var=$1 add=$2
    case ":${!var:-}:" in *:exitcode=*) ;; *) add=${!var:+${!var}:}$add ; export "$var=$add" ;; esac
}
_san_opt ASAN_OPTIONS exitcode=86
_san_opt UBSAN_OPTIONS exitcode=87

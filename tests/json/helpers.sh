# tests/json/helpers.sh - sourced after tests/lib.sh by the -json, -timing, ClientHello and
# Happy Eyeballs tests: schema validation and the misbehaving peers they need.

SCHEMA=$TOP_DIR/docs/tlstool.schema.json

# A python3 with the jsonschema module (Debian's python3-jsonschema), or nothing.
JSON_PY=
for _py in python3 /usr/bin/python3; do
    if command -v "$_py" >/dev/null && "$_py" -c 'import jsonschema' 2>/dev/null; then
        JSON_PY=$_py
        break
    fi
done

# schema_ok FILE DESC: every line of FILE is JSON that the schema accepts (and jq parses).
schema_ok() {
    local f=$1 desc=$2 out
    if [[ -z $JSON_PY ]]; then
        fail "$desc (python3-jsonschema is missing: scripts/install-deps.sh)"
        return 1
    fi
    if ! jq -e . "$f" >/dev/null 2>&1; then
        fail "$desc"; diag "jq cannot parse it"; diag_file "$f"; return 1
    fi
    if out=$("$JSON_PY" "$TESTS_DIR/json/validate.py" "$SCHEMA" "$f" 2>&1); then
        pass "$desc"
    else
        fail "$desc"; diag "$out"; diag_file "$f"; return 1
    fi
}

# jq_is FILE FILTER WANT DESC: jq -r FILTER of the first line of FILE equals WANT.
jq_is() {
    local got
    got=$(head -n 1 "$1" | jq -r "$2" 2>&1)
    is "$got" "$3" "$4"
}

# A listener that accepts and then says nothing (for -handshake_timeout).
# silent_listener NAME PORT
silent_listener() {
    start_bg "$1" python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' "$2"
    wait_port "$2" 10 "$1"
}

# A listener whose accept queue is full, so a new connect is never answered (the SYN is
# dropped): the loopback stand-in for an unreachable address (for -connect_timeout and Happy
# Eyeballs). Prints READY on its stdout once full.
# blackhole_listener NAME ADDR PORT
blackhole_listener() {
    start_bg "$1" python3 -c '
import socket, sys, time
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(0)
fill = socket.socket(fam); fill.connect((sys.argv[1], int(sys.argv[2])))
print("READY", flush=True)
time.sleep(120)
' "$2" "$3"
    wait_file_like "$TMP/$1.out" READY 10
}

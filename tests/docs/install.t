#!/usr/bin/env bash
# `make install` with PREFIX and DESTDIR puts the binaries, the man pages and the bash
# completion where a packager expects them; the installed programs run, the installed pages
# render with man, and `make uninstall` takes it all away again.
source "$(dirname "$0")/../lib.sh"

if client_is_openssl || server_is_openssl; then
    skip_all "installs our programs, not openssl's"
fi

build=${BUILD_DIR:-$TOP_DIR/build}
# The Makefile's BUILD, relative to the top when the build is inside the tree.
build_arg=${build#"$TOP_DIR"/}

dest=$TMP/dest
prefix=/opt/tlstool
root=$dest$prefix

# run_make TARGET...: make in the source tree, quietly, without the caller's jobserver.
run_make() {
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
        timeout -k 2 300 make -C "$TOP_DIR" --no-print-directory -s \
        BUILD="$build_arg" PREFIX="$prefix" DESTDIR="$dest" "$@" >"$TMP/make.out" 2>&1
}

run_make install
status=$?
is "$status" 0 "make install PREFIX=$prefix DESTDIR=... succeeds" || diag_file "$TMP/make.out"

missing=()
for f in bin/s_client bin/s_server share/man/man1/s_client.1 share/man/man1/s_server.1 \
    share/bash-completion/completions/s_client share/bash-completion/completions/s_server; do
    [[ -f $root/$f ]] || missing+=("$f")
done
is "${missing[*]:-}" "" "binaries, man pages and completion land under DESTDIR/PREFIX"
extra=$(cd "$dest" && find . -type f | grep -v "^\./${prefix#/}/" | head -5) || extra="(no $dest)"
is "$extra" "" "nothing is installed outside DESTDIR/PREFIX"
is "$(stat -c %a "$root/bin/s_client" 2>/dev/null):$(stat -c %a "$root/share/man/man1/s_client.1" 2>/dev/null)" \
    "755:644" "programs are executable, pages are not"

for prog in s_client s_server; do
    bin=$root/bin/$prog
    out=$(with_timeout 10 "$bin" -version </dev/null 2>&1)
    like "$out" "^$prog [0-9]+\\.[0-9]+\\.[0-9]+ \\(OpenSSL 3\\." "installed $prog -version runs"
    with_timeout 10 "$bin" -help </dev/null >/dev/null 2>"$TMP/help.err"
    is "$?:$(head -n1 "$TMP/help.err")" "0:Usage: $prog [options]$([[ $prog == s_client ]] &&
        echo ' [host:port]')" "installed $prog -help runs"
    cmp -s "$root/share/man/man1/$prog.1" "$TOP_DIR/docs/$prog.1"
    ok $? "installed $prog.1 is docs/$prog.1"
    if command -v man >/dev/null; then
        MANWIDTH=80 man --warnings -l "$root/share/man/man1/$prog.1" >"$TMP/man.out" 2>"$TMP/man.err"
        is "$?:$(cat "$TMP/man.err")" "0:" "man -l renders the installed $prog.1 without warnings"
        file_like "$TMP/man.out" "^ +$prog +- " "... and it is $prog's page"
        out=$(MANPATH=$root/share/man with_timeout 10 man -w "$prog" 2>&1)
        is "$out" "$root/share/man/man1/$prog.1" "man finds $prog(1) through MANPATH=PREFIX/share/man"
    else
        skip 3 "man is not installed (scripts/deps/docs.txt)"
    fi
    out=$(bash --norc -c 'source "$1" && complete -p "$2"' _ \
        "$root/share/bash-completion/completions/$prog" "$prog" 2>&1)
    like "$out" "complete -F _$prog $prog\$" "the installed completion for $prog loads"
done

run_make uninstall
is "$?" 0 "make uninstall with the same PREFIX and DESTDIR succeeds" || diag_file "$TMP/make.out"
left=$(cd "$dest" && find . -type f | head -5) || left="(no $dest)"
is "$left" "" "make uninstall removes every installed file"

done_testing

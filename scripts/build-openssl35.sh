#!/usr/bin/env bash
# Build OpenSSL 3.5 LTS from Debian's own source package (the trixie suite) into a private
# prefix outside the clone, so that `make OPENSSL_PREFIX=...` / `make test-35` can build and
# test against the newer library next to the system's 3.0. Cached: a prefix that already
# holds a build of the same recipe is reused and nothing is fetched.
#
# usage: scripts/build-openssl35.sh [--force] [--print-prefix]
#   --force          rebuild even when the prefix holds a matching build
#   --print-prefix   print the prefix and exit (for the Makefile and CI)
#
# Environment:
#   OPENSSL35_PREFIX  where to install (default /var/cache/tlstool/openssl-3.5)
#   OPENSSL35_WORK    scratch for the private apt state and the source tree
#                     (default: <prefix>.work, removed after a successful build)
#   OPENSSL35_MIRROR  the Debian archive to fetch from (default: the one the system's own
#                     apt configuration uses for bookworm)
#   JOBS              parallel make jobs (default: nproc)
#
# The system's apt configuration is never changed: apt reads a sources list, lists and cache
# written under the scratch directory, through -o Dir::... options.
set -euo pipefail

# Bump when the configure line or the install steps change: a stamp that differs rebuilds.
RECIPE=2
# zlib: certificate compression (-cert_comp) needs at least one compression algorithm;
# enable-ktls, enable-tfo: kernel TLS and TCP Fast Open are off by default in OpenSSL's
# Configure, and the reference programs' -ktls and -tfo need them.
CONFIG_OPTS=(shared zlib enable-ktls enable-tfo no-docs no-tests)

PREFIX=${OPENSSL35_PREFIX:-/var/cache/tlstool/openssl-3.5}
WORK=${OPENSSL35_WORK:-$PREFIX.work}
STAMP=$PREFIX/.tlstool-build
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

step() { echo "build-openssl35: $*"; }
die() { echo "build-openssl35: error: $*" >&2; exit 1; }

force=0
case ${1:-} in
    --force) force=1 ;;
    --print-prefix) echo "$PREFIX"; exit 0 ;;
    -h | --help) sed -n '2,20s/^# \{0,1\}//p' "$0"; exit 0 ;;
    "") ;;
    *) die "unknown option '$1' (try --help)" ;;
esac

# The libdir OpenSSL's Configure picked (lib64 on x86_64, lib elsewhere).
libdir_of() {
    local d
    for d in "$1/lib64" "$1/lib"; do
        [[ -f $d/pkgconfig/openssl.pc ]] && { echo "$d"; return 0; }
    done
    return 1
}

# The stamp records the recipe; the installed binary must also run and say 3.5 with its own
# libraries (a wrong rpath would load the system's 3.0 instead).
cached_build_ok() {
    local want="recipe=$RECIPE opts=${CONFIG_OPTS[*]}" got ver
    [[ -f $STAMP && -x $PREFIX/bin/openssl ]] || return 1
    got=$(sed -n 's/^recipe=/recipe=/p' "$STAMP" | head -n 1)
    [[ $got == "$want" ]] || { step "cached build has another recipe ($got), rebuilding"; return 1; }
    ver=$("$PREFIX/bin/openssl" version 2>/dev/null) || return 1
    [[ $ver == "OpenSSL 3.5."* ]] || { step "cached binary says '$ver', rebuilding"; return 1; }
    libdir_of "$PREFIX" >/dev/null
}

# The archive the system already uses, read from its deb822 or one-line sources; first match.
system_mirror() {
    local suite=$1 f
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] || continue
        awk -v s="$suite" '
            /^[[:space:]]*$/ { if (u != "" && hit) { print u; exit } u = ""; hit = 0; next }
            /^URIs:/ { u = $2 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) hit = 1 }
            END { if (u != "" && hit) print u }' "$f" | head -n 1
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $f ]] || continue
        awk -v s="$suite" '$1 == "deb" { for (i = 2; i <= NF; i++)
            if ($i ~ /^[a-z]+:\/\//) { if ($(i + 1) == s) print $i; break } }' "$f"
    done
}

if ((force == 0)) && cached_build_ok; then
    step "cached: $("$PREFIX/bin/openssl" version) in $PREFIX ($(sed -n 's/^source=//p' "$STAMP"))"
    exit 0
fi

start=$(date +%s)
step "building OpenSSL 3.5 from Debian trixie's source package into $PREFIX"
command -v apt-get >/dev/null || die "this script needs Debian's apt-get"
[[ -f $KEYRING ]] || die "no $KEYRING (package debian-archive-keyring)"
gpg_trixie=$(gpg --show-keys "$KEYRING" 2>/dev/null | grep -c '13/trixie' || true)
[[ $gpg_trixie -gt 0 ]] || step "warning: $KEYRING may lack trixie's keys; apt will say if so"

# dpkg-dev: apt-get source unpacks with dpkg-source; zlib1g-dev: the zlib option.
need=()
for pkg in dpkg-dev make perl gcc zlib1g-dev; do
    [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) == "install ok installed" ]] ||
        need+=("$pkg")
done
if ((${#need[@]} > 0)); then
    step "installing ${need[*]} (apt-get source and OpenSSL's build need them)"
    [[ $(id -u) -eq 0 ]] || die "not root: install ${need[*]} first"
    DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300 update >/dev/null ||
        die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300 \
        install --no-install-recommends "${need[@]}" >/dev/null ||
        die "apt-get install ${need[*]} failed"
fi

mirror=${OPENSSL35_MIRROR:-$(system_mirror bookworm | head -n 1)}
[[ -n $mirror ]] || die "cannot tell which Debian archive this system uses; set OPENSSL35_MIRROR"

step "writing a private deb-src list for trixie in $WORK/apt (system apt config untouched)"
rm -rf "$WORK"
mkdir -p "$WORK/apt/lists/partial" "$WORK/apt/cache/archives/partial" "$WORK/src"
# trixie's main suite only: the security archive's pool may not serve every source file
# through the mirrors this project reaches, and a test library need not track it.
echo "deb-src [signed-by=$KEYRING] $mirror trixie main" > "$WORK/apt/sources.list"
apt_private=(apt-get -q
    -o Dir::Etc::sourcelist="$WORK/apt/sources.list" -o Dir::Etc::sourceparts=-
    -o Dir::State::Lists="$WORK/apt/lists" -o Dir::Cache="$WORK/apt/cache"
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
    -o APT::Sandbox::User=root -o Acquire::Retries=3)

step "apt-get update (private lists: trixie sources only)"
"${apt_private[@]}" update > "$WORK/apt-update.log" 2>&1 ||
    { tail -n 20 "$WORK/apt-update.log" >&2; die "apt-get update of the trixie deb-src list failed"; }

step "apt-get source openssl (trixie)"
(cd "$WORK/src" && "${apt_private[@]}" source openssl) > "$WORK/apt-source.log" 2>&1 ||
    { tail -n 20 "$WORK/apt-source.log" >&2; die "apt-get source openssl failed"; }
srcdir=$(find "$WORK/src" -mindepth 1 -maxdepth 1 -type d -name 'openssl-*' | head -n 1)
[[ -n $srcdir && -x $srcdir/Configure ]] || die "no unpacked openssl source tree in $WORK/src"
dsc=$(find "$WORK/src" -maxdepth 1 -name 'openssl_*.dsc' -printf '%f\n' | head -n 1)
source_version=${dsc#openssl_}
source_version=${source_version%.dsc}
[[ $source_version == 3.5.* ]] ||
    die "trixie's openssl source is $source_version, not 3.5 LTS"
step "source: openssl $source_version (Debian's patches applied by dpkg-source)"

# The prefix's libdir, so that the installed `openssl` and libssl find libcrypto 3.5 rather
# than the system's 3.0 (same soname): run path baked in at link time.
case $(uname -m) in x86_64 | aarch64 | ppc64* | s390x) libdir=lib64 ;; *) libdir=lib ;; esac
step "configure: ${CONFIG_OPTS[*]} --prefix=$PREFIX (rpath $PREFIX/$libdir)"
(cd "$srcdir" && ./Configure "${CONFIG_OPTS[@]}" --prefix="$PREFIX" --openssldir="$PREFIX/ssl" \
    --libdir="$libdir" "-Wl,-rpath,$PREFIX/$libdir") > "$WORK/configure.log" 2>&1 ||
    { tail -n 20 "$WORK/configure.log" >&2; die "Configure failed"; }

step "make -j$JOBS (several minutes; log in $WORK/make.log)"
make -C "$srcdir" -j"$JOBS" > "$WORK/make.log" 2>&1 ||
    { tail -n 30 "$WORK/make.log" >&2; die "make failed (full log: $WORK/make.log)"; }

# an older build in the prefix stays usable until here
step "make install_sw install_ssldirs"
rm -rf "$PREFIX"
make -C "$srcdir" install_sw install_ssldirs > "$WORK/install.log" 2>&1 ||
    { tail -n 20 "$WORK/install.log" >&2; die "make install failed"; }

step "checking the installed binary runs on its own libraries"
ver=$("$PREFIX/bin/openssl" version) || die "$PREFIX/bin/openssl does not run"
[[ $ver == "OpenSSL 3.5."* ]] || die "$PREFIX/bin/openssl says '$ver', expected 3.5"
libdir_of "$PREFIX" >/dev/null || die "no openssl.pc under $PREFIX/lib64 or $PREFIX/lib"
printf 'recipe=%s opts=%s\nsource=openssl %s\nbuilt=%s\n' "$RECIPE" "${CONFIG_OPTS[*]}" \
    "$source_version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$STAMP"
rm -rf "$WORK"
step "done: $ver in $PREFIX, $(($(date +%s) - start)) s"

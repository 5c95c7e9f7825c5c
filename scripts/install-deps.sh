#!/usr/bin/env bash
# Install what this project needs on Debian 12, and nothing that is already there.
# Package lists: scripts/deps/*.txt, one package per line, "#" starts a comment.
#
# usage: scripts/install-deps.sh [--build-only]
#   --build-only   only scripts/deps/build.txt (enough for `make`)
#
# Runs apt-get as root directly, else through sudo. Quick and silent-ish when
# everything is installed: no `apt-get update` unless something is missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
deps_dir=$here/deps

say() { echo "install-deps: $*"; }
die() { echo "install-deps: error: $*" >&2; exit 1; }

lists=()
case ${1:-} in
    --build-only) lists=("$deps_dir/build.txt") ;;
    "")           lists=("$deps_dir"/*.txt) ;;
    -h|--help)    sed -n '2,9s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *)            die "unknown option '$1' (try --help)" ;;
esac

# read_list FILE: the package names in FILE, comments and blanks dropped.
read_list() { sed -e 's/#.*//' -e 's/[[:space:]]\+/\n/g' "$1" | grep -v '^$' || true; }

# installed PKG: dpkg knows PKG as fully installed.
installed() {
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

command -v dpkg-query >/dev/null && command -v apt-get >/dev/null ||
    die "this script needs Debian's dpkg and apt-get"

wanted=()
for list in "${lists[@]}"; do
    [[ -f $list ]] || die "no package list $list"
    say "reading ${list#"$here/"}"
    while read -r pkg; do wanted+=("$pkg"); done < <(read_list "$list")
done
# Unique, order kept.
mapfile -t wanted < <(printf '%s\n' "${wanted[@]}" | awk '!seen[$0]++')

missing=()
for pkg in "${wanted[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done
# Packages that need more than apt-get install have a script of their own beside the lists
# (scripts/deps/*.sh); they run after the lists on a full install. A failure there costs only
# the tests that need that package (they skip, naming it), so it is a warning, not an error.
run_extra_installers() {
    [[ ${1:-} == --build-only ]] && return 0
    local extra
    for extra in "$deps_dir"/*.sh; do
        [[ -f $extra ]] || continue
        say "running ${extra#"$here/"}"
        bash "$extra" || say "warning: ${extra#"$here/"} failed; the tests that need it will skip"
    done
}

if [[ ${#missing[@]} -eq 0 ]]; then
    say "all ${#wanted[@]} packages already installed"
    run_extra_installers "${1:-}"
    exit 0
fi
say "missing: ${missing[*]}"

if [[ $(id -u) -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null; then
    as_root=(sudo)
    say "not root: using sudo"
else
    die "not root and no sudo: install these as root: ${missing[*]}"
fi

apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q
     -o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)

say "apt-get update"
"${apt[@]}" update >/dev/null || die "apt-get update failed"
say "apt-get install --no-install-recommends ${missing[*]}"
"${apt[@]}" install --no-install-recommends "${missing[@]}" ||
    die "apt-get install failed"

still=()
for pkg in "${missing[@]}"; do installed "$pkg" || still+=("$pkg"); done
[[ ${#still[@]} -eq 0 ]] || die "still not installed: ${still[*]}"
say "done: installed ${#missing[@]} package(s)"
run_extra_installers "${1:-}"

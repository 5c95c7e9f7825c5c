#!/usr/bin/env bash
# Installs inn2 (its nnrpd serves tests/starttls/nntp.t), which scripts/deps/starttls.txt cannot
# list: inn2's postinst aborts on a host whose name has no dot ("innconfval: hostname does not
# resolve or domain not set in inn.conf"), as on this project's machines, and that would fail
# the whole install-deps run. Here it is installed together with postfix (in one apt run, or
# apt picks exim4 as the mail transport inn2 needs); if the configuration step fails, inn.conf
# gets "domain: localdomain" and the configuration is finished. Idempotent and quick when done.
#
# usage: scripts/deps/starttls-inn2.sh      (as root, else through sudo)
set -euo pipefail

say() { echo "starttls-inn2: $*"; }
installed() {
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

if installed inn2 && installed postfix; then
    say "inn2 and postfix already installed"
    exit 0
fi
as_root=()
[[ $(id -u) -eq 0 ]] || as_root=(sudo)
apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q
     -o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)

say "apt-get install postfix inn2"
"${apt[@]}" update >/dev/null
if ! "${apt[@]}" install --no-install-recommends postfix inn2; then
    conf=/etc/news/inn.conf
    [[ -f $conf ]] || { say "apt-get failed before inn2 was unpacked" >&2; exit 1; }
    if ! grep -q '^domain:' "$conf"; then
        say "giving inn.conf a domain (the host name has no dot)"
        "${as_root[@]}" sed -i 's/^#[[:space:]]*domain:.*/domain:                localdomain/' "$conf"
        grep -q '^domain:' "$conf" ||
            echo 'domain:                localdomain' | "${as_root[@]}" tee -a "$conf" >/dev/null
    fi
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive dpkg --configure -a
fi
installed inn2 || { say "inn2 is still not installed" >&2; exit 1; }
say "done"

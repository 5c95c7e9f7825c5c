#!/usr/bin/env bash
# -starttls nntp against a real INN nnrpd (package inn2) run as a standalone daemon: STARTTLS
# listed in CAPABILITIES and answered 382, the handshake, then CAPABILITIES answered over TLS.
# A second nnrpd without a certificate refuses STARTTLS.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-starttls.sh"

st_need_root
st_need inn2 /usr/lib/news/bin/nnrpd /usr/lib/news/bin/makehistory

port=$(free_port) && port_notls=$(free_port) || bail_out "no free port"
d=$(st_dir inn news:news)
st_check_reachable "$d" news

# write_inn NAME TLS: a private INN tree under $d/NAME (inn.conf names every path, so nothing
# of the system's /etc/news or /var/lib/news is used); TLS=yes adds the certificate.
write_inn() {
    local r=$d/$1 dir
    for dir in etc db spool/articles spool/overview run log tmp incoming outgoing archive; do
        mkdir -p "$r/$dir"
    done
    cat >"$r/etc/inn.conf" <<EOF
domain:        starttls.test
pathhost:      news.starttls.test
organization:  "starttls test"
mta:           "/bin/false %s"
ovmethod:      tradindexed
hismethod:     hisv6
enableoverview: true
pathnews:      /usr/lib/news
pathbin:       /usr/lib/news/bin
pathcontrol:   /usr/lib/news/bin/control
pathfilter:    $r/etc/filter
pathetc:       $r/etc
pathdb:        $r/db
pathrun:       $r/run
pathlog:       $r/log
pathtmp:       $r/tmp
pathspool:     $r/spool
patharticles:  $r/spool/articles
pathoverview:  $r/spool/overview
pathincoming:  $r/incoming
pathoutgoing:  $r/outgoing
patharchive:   $r/archive
pathhttp:      $r/tmp
EOF
    if [[ $2 == yes ]]; then
        printf 'tlscertfile:   %s\ntlskeyfile:    %s\n' "$d/cert.pem" "$d/key.pem" \
            >>"$r/etc/inn.conf"
    fi
    cat >"$r/etc/readers.conf" <<'EOF'
auth "local" {
    hosts: "127.0.0.1"
    default: "<local>"
}
access "local" {
    users: "<local>"
    newsgroups: "*"
    access: R
}
EOF
    printf 'method tradspool {\n    newsgroups: *\n    class: 0\n}\n' >"$r/etc/storage.conf"
    printf 'control 0000000000 0000000001 n\njunk 0000000000 0000000001 y\n' >"$r/db/active"
    : >"$r/db/newsgroups"
    chown -R news:news "$r"
    # Without a history and an overview nnrpd greets with 400 instead of 200.
    with_timeout 30 env INNCONF="$r/etc/inn.conf" "${AS[@]}" /usr/lib/news/bin/makehistory -O -F \
        >"$r/makehistory.log" 2>&1
}

st_as news
write_inn tls yes || diag_file "$d/tls/makehistory.log" "makehistory"
write_inn notls no || diag_file "$d/notls/makehistory.log" "makehistory"

for v in tls:$port notls:$port_notls; do
    start_server "nnrpd_${v%%:*}" "${v##*:}" env INNCONF="$d/${v%%:*}/etc/inn.conf" "${AS[@]}" \
        /usr/lib/news/bin/nnrpd -D -f -n -b 127.0.0.1 -p "${v##*:}" ||
        bail_out "nnrpd (${v%%:*}) did not start"
done

st_session "nntp (inn2 nnrpd)" nntp "$port" 'CAPABILITIES\r\n' '^READER'

# nnrpd lists STARTTLS even without a certificate, and then refuses it with 580.
st_expect_failure "nntp: nnrpd without a certificate refuses STARTTLS" 20 \
    "nntp: server refused STARTTLS: '580 " \
    "STARTTLS failed: 580 " \
    -starttls nntp -connect "127.0.0.1:$port_notls" -CAfile "$CERTS/ca.pem"

stop_bg nnrpd_tls
stop_bg nnrpd_notls
done_testing

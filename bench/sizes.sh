#!/bin/sh
# sizes.sh - what a large policy costs outside requests: configtest time at 1, 10,000 and
# 100,000 origins, and the resident size of a child serving 100,000 (after one request).
# Writes bench/sizes.txt: setup origins configtest-ms child-VmRSS-kB (cors, and before when
# BENCH_BEFORE names the release before's built tree).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/conf.sh
. "$here/conf.sh"
out=${SIZES_OUT:-$here/sizes.txt}
root=$(mktemp -d)
chmod 755 "$root"
mkdir -p "$root/htdocs/api"
echo '{"hello": "world"}' > "$root/htdocs/api/data.json"
chmod -R a+rX "$root/htdocs"
trap '/usr/sbin/apache2 -f "$root/rss.conf" -k stop 2>/dev/null || true; rm -rf "$root"' EXIT

configtest_ms() {   # SETUP SIZE: median of 5 `apache2 -t` runs, in ms
    bench_conf "$root/ct.conf" "$root" 9 "$1" "$2"
    for _ in 1 2 3 4 5; do
        t0=$(date +%s%N); /usr/sbin/apache2 -t -f "$root/ct.conf" >/dev/null 2>&1; t1=$(date +%s%N)
        echo $(( (t1 - t0) / 1000000 ))
    done | sort -n | sed -n 3p
}

child_rss() {   # SETUP SIZE: VmRSS (kB) of the one prefork child after one request
    port=$(perl -MIO::Socket::INET -e \
        'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport')
    BENCH_MPM=prefork bench_conf "$root/rss.conf" "$root" "$port" "$1" "$2"
    printf 'StartServers 1\nMinSpareServers 1\nMaxSpareServers 1\nServerLimit 1\nMaxRequestWorkers 1\n' \
        >> "$root/rss.conf"
    /usr/sbin/apache2 -f "$root/rss.conf" -k start
    i=0
    until curl -s -o /dev/null -H "Origin: $(bench_origin "$2")" "http://127.0.0.1:$port/api/data.json"; do
        i=$((i + 1)); [ $i -lt 600 ] || { echo "no server" >&2; exit 1; }; sleep 0.1
    done
    parent=$(cat "$root/httpd-$port.pid")
    child=$(pgrep -P "$parent" | head -n 1)
    awk '/^VmRSS/ {print $2}' "/proc/$child/status"
    /usr/sbin/apache2 -f "$root/rss.conf" -k stop
    i=0
    while [ -f "$root/httpd-$port.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

: > "$out"
setups=cors
[ -z "${BENCH_BEFORE:-}" ] || setups="cors before"
for setup in $setups; do
    for size in 1 10000 100000; do
        rss=-
        [ "$size" = 100000 ] && rss=$(child_rss "$setup" "$size")
        echo "$setup $size $(configtest_ms "$setup" "$size") $rss" | tee -a "$out"
    done
done

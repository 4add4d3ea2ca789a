#!/bin/sh
# sizes.sh - what a large policy costs outside requests: configtest time at 1, 10,000 and
# 100,000 origins, and the resident size of a child serving 100,000 (after one request).
# Writes bench/sizes.txt: setup origins configtest-ms child-VmRSS-kB (cors, and before when
# BENCH_BEFORE names the release before's built tree). A figure not measured is "-" (the
# child's size is only measured at 100,000): a configtest that fails, or a child that did not
# answer the request with a 200 allowing the origin, gives no figure, and the script fails
# once the file is written.
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
trap '/usr/sbin/apache2 -f "$root/rss.conf" -k stop >/dev/null 2>&1 || true; rm -rf "$root"' EXIT

# configtest_ms SETUP SIZE: median of 5 `apache2 -t` runs, in ms; - when the configuration
# cannot be written or a run fails (a configtest that stops at an error is quick, and is not
# the time asked for).
configtest_ms() (
    bench_conf "$root/ct.conf" "$root" 9 "$1" "$2" || { echo -; exit 0; }
    for _ in 1 2 3 4 5; do
        t0=$(date +%s%N)
        if /usr/sbin/apache2 -t -f "$root/ct.conf" >"$root/ct.out" 2>&1; then
            t1=$(date +%s%N)
            echo $(( (t1 - t0) / 1000000 ))
        else
            { echo "sizes.sh: $1 $2: configtest failed:"; cat "$root/ct.out"; } >&2
            echo -
        fi
    done > "$root/ct.times"
    if grep -q -- '^-$' "$root/ct.times"; then echo -; else sort -n "$root/ct.times" | sed -n 3p; fi
)

# child_rss SETUP SIZE: VmRSS (kB) of the one prefork child after one request answered 200
# with the origin allowed; - (the reason on stderr) otherwise.
child_rss() (
    port=$(perl -MIO::Socket::INET -e \
        'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport')
    BENCH_MPM=prefork bench_conf "$root/rss.conf" "$root" "$port" "$1" "$2" || { echo -; exit 0; }
    printf 'StartServers 1\nMinSpareServers 1\nMaxSpareServers 1\nServerLimit 1\nMaxRequestWorkers 1\n' \
        >> "$root/rss.conf"
    stop() {
        /usr/sbin/apache2 -f "$root/rss.conf" -k stop 2>/dev/null || true
        i=0
        while [ -f "$root/httpd-$port.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    }
    if ! /usr/sbin/apache2 -f "$root/rss.conf" -k start; then
        echo "sizes.sh: $1 $2: the server did not start" >&2; echo -; exit 0
    fi
    i=0
    until curl -s -o /dev/null -D "$root/rss.headers" -w '%{http_code}\n' -H "Origin: $(bench_origin "$2")" \
            "http://127.0.0.1:$port/api/data.json" > "$root/rss.codes"; do
        i=$((i + 1))
        if [ $i -ge 600 ]; then echo "sizes.sh: $1 $2: no answer" >&2; stop; echo -; exit 0; fi
        sleep 0.1
    done
    parent=$(cat "$root/httpd-$port.pid" 2>/dev/null) || parent=""
    child=""
    [ -z "$parent" ] || child=$(pgrep -P "$parent" | head -n 1) || child=""
    rss=""
    [ -z "$child" ] || rss=$(awk '/^VmRSS/ {print $2}' "/proc/$child/status" 2>/dev/null) || rss=""
    stop
    if ! bench_answers_ok "$1" get-allowed "$root/rss.codes" "$root/rss.headers"; then
        echo -
    elif [ -z "$rss" ]; then
        echo "sizes.sh: $1 $2: no child's VmRSS (parent ${parent:-?}, child ${child:-?})" >&2; echo -
    else
        echo "$rss"
    fi
)

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
# A configtest time, or a child's size at 100,000, not measured: the run fails.
if awk '$3 == "-" || ($2 == 100000 && $4 == "-") { f = 1 } END { exit !f }' "$out"; then
    echo "sizes.sh: figures not measured (- above)" >&2
    exit 1
fi

#!/bin/sh
# wrk.sh - requests/s under wrk (event MPM), setups interleaved round by round; medians.
# Writes bench/wrk.txt: setup size kind median-requests-per-second. BENCH_QUICK=1: short.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/conf.sh
. "$here/conf.sh"
rounds=${BENCH_ROUNDS:-5}
secs=${BENCH_SECONDS:-3}
if [ "${BENCH_QUICK:-0}" = 1 ]; then rounds=3; secs=1; fi
out="$here/wrk.txt"
root=$(mktemp -d)
chmod 755 "$root"
mkdir -p "$root/htdocs/api"
echo '{"hello": "world"}' > "$root/htdocs/api/data.json"
chmod -R a+rX "$root/htdocs"
# shellcheck disable=SC2154  # c is the loop variable inside the trap string
trap 'for c in $root/*.conf; do /usr/sbin/apache2 -f "$c" -k stop 2>/dev/null || true; done; sleep 1; rm -rf "$root"' EXIT

setups="none:1 recipe:1 recipe:1000 cors:1 cors:100 cors:10000 cors:pattern cors:regex"
# The release before, beside (BENCH_BEFORE: its built tree).
[ -z "${BENCH_BEFORE:-}" ] || setups="$setups before:1 before:10000 floor:1"
for s in $setups; do
    setup=${s%%:*} size=${s#*:}
    port=$(perl -MIO::Socket::INET -e \
        'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport')
    bench_conf "$root/$setup-$size.conf" "$root" "$port" "$setup" "$size"
    echo "$port" > "$root/$setup-$size.port"
    /usr/sbin/apache2 -f "$root/$setup-$size.conf" -k start
done
sleep 1

lua() {   # lua METHOD ORIGIN [preflight]: a wrk script sending one kind of request
    f="$root/$1-$(echo "$2" | tr -c 'a-z0-9' _)-${3:-x}.lua"
    {
        echo "wrk.method = \"$1\""
        [ -n "$2" ] && echo "wrk.headers[\"Origin\"] = \"$2\""
        if [ "${3:-}" = preflight ]; then
            echo 'wrk.headers["Access-Control-Request-Method"] = "PUT"'
            echo 'wrk.headers["Access-Control-Request-Headers"] = "content-type,authorization,x-requested-with"'
        fi
    } > "$f"
    echo "$f"
}

: > "$root/raw"
r=1
while [ $r -le "$rounds" ]; do
    for s in $setups; do
        setup=${s%%:*} size=${s#*:}
        port=$(cat "$root/$setup-$size.port")
        o=$(bench_origin "$size")
        kinds="get-allowed:GET:$o: get-refused:GET:https://refused.example: get-no-origin:GET::"
        kinds="$kinds preflight-allowed:OPTIONS:$o:preflight preflight-refused:OPTIONS:https://refused.example:preflight"
        [ "$setup" = none ] && kinds="get-allowed:GET:$o: options-plain:OPTIONS::"
        for k in $kinds; do
            kind=$(echo "$k" | cut -d: -f1) method=$(echo "$k" | cut -d: -f2)
            origin=$(echo "$k" | cut -d: -f3-4 | sed 's/:$//; s/:preflight$//')
            pre=""; case $k in *:preflight) pre=preflight ;; esac
            script=$(lua "$method" "$origin" "$pre")
            rps=$(wrk -t1 -c8 -d"${secs}s" -s "$script" "http://127.0.0.1:$port/api/data.json" \
                  | awk '/^Requests\/sec/ {print $2}')
            echo "$setup $size $kind $rps" >> "$root/raw"
        done
    done
    r=$((r + 1))
done
# Median per setup, size and kind (plain sort: Debian's awk is mawk).
: > "$out"
cut -d' ' -f1-3 "$root/raw" | sort -u | while read -r setup size kind; do
    vals=$(awk -v s="$setup" -v z="$size" -v k="$kind" '$1 == s && $2 == z && $3 == k {print $4}' \
           "$root/raw" | sort -n)
    n=$(echo "$vals" | wc -l)
    echo "$setup $size $kind $(echo "$vals" | sed -n "$(( (n + 1) / 2 ))p")" >> "$out"
done
cat "$out"

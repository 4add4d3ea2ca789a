#!/bin/sh
# wrk.sh - requests/s under wrk (event MPM), setups interleaved round by round; medians.
# Writes bench/wrk.txt: setup size kind median-requests-per-second. BENCH_QUICK=1: short.
# A round is not measured when the server did not start, the request's answer (checked with
# curl before each round: bench_answers_ok in conf.sh) is not the one the row measures, or
# wrk saw connection errors or answers of another status; a row none of whose rounds was
# measured is "-" (never 0), and the script fails once the file is written.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/conf.sh
. "$here/conf.sh"
rounds=${BENCH_ROUNDS:-5}
secs=${BENCH_SECONDS:-3}
if [ "${BENCH_QUICK:-0}" = 1 ]; then rounds=3; secs=1; fi
out="$here/wrk.txt"
: > "$out"      # an earlier run's figures must not outlive a run that fails
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
    echo "$port" > "$root/$setup-$size.port"
    # A server not configured or not started: its rounds are not measured (the curl check
    # before each finds no answer).
    if ! bench_conf "$root/$setup-$size.conf" "$root" "$port" "$setup" "$size"; then
        rm -f "$root/$setup-$size.conf"
        echo "wrk.sh: $setup $size: no configuration" >&2
    elif ! /usr/sbin/apache2 -f "$root/$setup-$size.conf" -k start; then
        echo "wrk.sh: $setup $size: the server did not start" >&2
    fi
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
            u="http://127.0.0.1:$port/api/data.json"
            # The answer this row measures, once before the round (curl, as wrk sends it).
            set -- -X "$method"
            [ -z "$origin" ] || set -- "$@" -H "Origin: $origin"
            [ -z "$pre" ] || set -- "$@" -H "Access-Control-Request-Method: PUT" \
                -H "Access-Control-Request-Headers: content-type,authorization,x-requested-with"
            curl -s -o /dev/null -D "$root/headers" -w '%{http_code}\n' "$@" "$u" > "$root/codes" || true
            rps=-
            if bench_answers_ok "$setup" "$kind" "$root/codes" "$root/headers"; then
                wrk -t1 -c8 -d"${secs}s" -s "$script" "$u" > "$root/wrk.out" 2>&1 || true
                # A success checked above: wrk must see no other status (a refused preflight's
                # 403, checked above too, is all it sees) and no connection error.
                non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$root/wrk.out")
                connect=$(sed -n 's/.*Socket errors: connect \([0-9]*\),.*/\1/p' "$root/wrk.out")
                rps=$(awk '/^Requests\/sec/ {print $2}' "$root/wrk.out")
                if ! grep -q '^2' "$root/codes" && [ -n "$non2xx" ]; then non2xx=""; fi
                if [ -n "$non2xx" ] || [ "${connect:-0}" != 0 ] ||
                   ! printf '%s\n' "$rps" | grep -Eq '^[0-9]+(\.[0-9]+)?$'; then
                    echo "wrk.sh: $setup $size $kind: round $r not measured (requests/s ${rps:-none}, other statuses ${non2xx:-0}, connect errors ${connect:-0})" >&2
                    rps=-
                fi
            else
                echo "wrk.sh: $setup $size $kind: round $r not measured" >&2
            fi
            echo "$setup $size $kind $rps" >> "$root/raw"
        done
    done
    r=$((r + 1))
done
# Median per setup, size and kind (plain sort: Debian's awk is mawk), of the rounds measured;
# - when none was.
: > "$out"
cut -d' ' -f1-3 "$root/raw" | sort -u | while read -r setup size kind; do
    vals=$(awk -v s="$setup" -v z="$size" -v k="$kind" \
           '$1 == s && $2 == z && $3 == k && $4 ~ /^[0-9]+(\.[0-9]+)?$/ {print $4}' "$root/raw" | sort -n)
    if [ -z "$vals" ]; then
        med=-
    else
        n=$(echo "$vals" | wc -l)
        med=$(echo "$vals" | sed -n "$(( (n + 1) / 2 ))p")
    fi
    echo "$setup $size $kind $med" >> "$out"
done
cat "$out"
if awk '$4 == "-" { f = 1 } END { exit !f }' "$root/raw"; then
    echo "wrk.sh: rounds not measured (above): the medians are of the others, - where none was" >&2
    exit 1
fi

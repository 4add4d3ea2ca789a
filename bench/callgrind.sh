#!/bin/sh
# callgrind.sh - instructions per request under callgrind (httpd -X), startup subtracted:
# (run with K requests - run with none) / K. Repeatable whatever else the machine does.
# Writes bench/callgrind.txt: setup size kind instructions-per-request, or "-" for a row not
# measured (the server did not start, an answer was not the one the row means: see
# bench_answers_ok in conf.sh); the script then fails once every row has been tried.
#   CALLGRIND_REQUESTS=K   requests per run (1000)
#   CALLGRIND_ONLY="..."   only the rows named, each as SETUP, SETUP:SIZE or SETUP:SIZE:KIND
#                          (e.g. "floor ht-cors:1000 cors:1:get-allowed"); the file keeps its
#                          other rows, and the ones measured replace theirs (or are added)
#   CALLGRIND_OUT=FILE     write FILE instead of bench/callgrind.txt
# BENCH_TOP / BENCH_FLOOR choose the modules measured (bench/conf.sh); BENCH_BEFORE, a built
# tree of the release before, adds its rows (setups before, ht-before) beside cors's (each
# cors and ht-cors row; CALLGRIND_ONLY naming either of a pair measures both).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/conf.sh
. "$here/conf.sh"
# Start-up is not the same from run to run: APR seeds its hash tables at random, so loading
# 10,000 origins walks chains of different lengths each time (tens of thousands of
# instructions). Over 1,000 requests that is well under a hundred per request.
K=${CALLGRIND_REQUESTS:-1000}
# Under the event MPM the listener hands each request to a worker thread, and how often
# they wake depends on timing: a few hundred instructions of noise per request.
BENCH_MPM=prefork
export BENCH_MPM
out=${CALLGRIND_OUT:-$here/callgrind.txt}
only=${CALLGRIND_ONLY:-}
root=$(mktemp -d)
chmod 755 "$root"
mkdir -p "$root/htdocs/api"
echo '{"hello": "world"}' > "$root/htdocs/api/data.json"
chmod -R a+rX "$root/htdocs"
trap 'rm -rf "$root"' EXIT
port=$(perl -MIO::Socket::INET -e \
    'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport')
u="http://127.0.0.1:$port/api/data.json"

# instructions SETUP SIZE KIND COUNT CURL-ARGS...: total instructions of httpd -X serving
# COUNT requests (all on one kept-alive connection) between start-up and shutdown. Prints
# nothing and fails, the reason on stderr, when the configuration cannot be written, the
# server does not start, callgrind writes no total, or any answer is not the one the row
# means to measure (bench_answers_ok: a 404 or a 500, an origin refused that should be
# allowed...): what was counted then is not the row's figure. Its body is a subshell, so
# that nothing it sets reaches the rows' loops.
instructions() (
    setup=$1 size=$2 kind=$3 count=$4; shift 4
    bench_conf "$root/httpd.conf" "$root" "$port" "$setup" "$size" || exit 1
    cg="$root/callgrind.out"
    rm -f "$cg" "$root/codes" "$root/headers" "$root/headers.k"
    : > "$cg"
    chmod 666 "$cg"     # httpd -X drops to www-data before callgrind writes at exit
    # Symbols bound at start-up (subtracted), not lazily on a first request (counted).
    LD_BIND_NOW=1 valgrind --tool=callgrind --callgrind-out-file="$cg" /usr/sbin/apache2 -X -f "$root/httpd.conf" \
        >/dev/null 2>&1 &
    pid=$!
    # httpd -X under valgrind now and then misses a TERM (seen once in a whole run: it went
    # on accepting): said again every 2 s, and after a minute it is killed (its row is then
    # not measured) rather than waited on for ever.
    stop() {
        kill -TERM "$pid" 2>/dev/null || true
        i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ]; do
            sleep 0.1; i=$((i + 1))
            [ $((i % 20)) -ne 0 ] || kill -TERM "$pid" 2>/dev/null || true
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    }
    i=0
    until curl -s -o /dev/null -D "$root/headers" -w '%{http_code}\n' "$@" "$u" > "$root/codes"; do
        if ! kill -0 "$pid" 2>/dev/null || [ $i -ge 600 ]; then
            echo "callgrind.sh: $setup $size $kind: the server did not start (bench_conf $setup $size)" >&2
            stop; exit 1
        fi
        i=$((i + 1)); sleep 0.1
    done
    # That probe, the measured request itself, is one request more in every run, subtracted
    # with the rest: what a first request costs once (an .htaccess file's first reading in a
    # process, a source's first answer) is not counted.
    if [ "$count" -gt 0 ]; then
        urls=$(i=0; while [ $i -lt "$count" ]; do printf '%s ' "$u"; i=$((i + 1)); done)
        # Each answer's status to the codes (stderr), its header lines to the headers.
        # shellcheck disable=SC2086
        curl -s -D "$root/headers.k" -w '%{stderr}%{http_code}\n' "$@" $urls >/dev/null 2>>"$root/codes" || true
        cat "$root/headers.k" >> "$root/headers"
        n=$(grep -c . "$root/codes") || n=0
        if [ "$n" -ne $((count + 1)) ]; then
            echo "callgrind.sh: $setup $size $kind: $((n - 1)) answers of $count" >&2
            stop; exit 1
        fi
    fi
    stop
    bench_answers_ok "$setup" "$kind" "$root/codes" "$root/headers" || exit 1
    total=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p; s/^totals: *\([0-9]*\).*/\1/p' "$cg" | head -n 1)
    case $total in
    ''|*[!0-9]*) echo "callgrind.sh: $setup $size $kind: no total in callgrind's output" >&2; exit 1 ;;
    esac
    echo "$total"
)

wanted() {   # SETUP SIZE KIND: is the row in CALLGRIND_ONLY (or is there no filter)?
    [ -z "$only" ] && return 0
    for w in $only; do
        case $w in "$1"|"$1:$2"|"$1:$2:$3") return 0 ;; esac
    done
    return 1
}

rows="$root/rows"
: > "$rows"
# measure SETUP SIZE KIND CURL-ARGS...: one row, "SETUP SIZE KIND per-request", or
# "SETUP SIZE KIND -" when either run failed: such a row is not measured, and says so (in
# the file too, so that an older figure does not stand in for it). A subshell: its arguments
# are all it reads, and it changes no variable of the caller's (the loops below have their
# own setup and size).
measure() (
    setup=$1 size=$2 kind=$3; shift 3
    if base=$(instructions "$setup" "$size" "$kind" 0 "$@") &&
       total=$(instructions "$setup" "$size" "$kind" "$K" "$@") &&
       [ "$total" -gt "$base" ]; then
        per=$(( (total - base) / K ))
    else
        per=-
        echo "callgrind.sh: $setup $size $kind: not measured" >&2
    fi
    echo "$setup $size $kind $per" | tee -a "$rows"
)
# Every cors and ht-cors row is measured again with the release before (setups before and
# ht-before) when BENCH_BEFORE names its built tree; CALLGRIND_ONLY naming either row
# measures both.
per_request() (   # SETUP SIZE KIND CURL-ARGS...
    setup=$1 size=$2 kind=$3
    case $setup in
    cors) before="before" ;;
    ht-cors) before="ht-before" ;;
    *) before="" ;;
    esac
    if [ -n "$before" ] && [ -n "${BENCH_BEFORE:-}" ] &&
       { wanted "$setup" "$size" "$kind" || wanted "$before" "$size" "$kind"; }; then
        shift    # the size, the kind and the request stay: the same for both trees
        measure "$setup" "$@"
        measure "$before" "$@"
    elif wanted "$setup" "$size" "$kind"; then
        measure "$@"
    fi
)

ACRM="Access-Control-Request-Method: PUT"
ACRH="Access-Control-Request-Headers: content-type,authorization,x-requested-with"
for size in 1 10000; do
    o=$(bench_origin "$size")
    per_request none "$size" get-allowed -H "Origin: $o"
    per_request cors "$size" get-allowed -H "Origin: $o"
done
per_request static 1 get-allowed -H "Origin: https://o1.example.com"
per_request none 1 options-plain -X OPTIONS
# The floor for a preflight: the same request bytes, answered by httpd itself (no mod_cors).
per_request none 1 options-preflight-bytes -X OPTIONS -H "Origin: https://o1.example.com" -H "$ACRM" -H "$ACRH"
per_request cors 1 get-refused -H "Origin: https://refused.example"
per_request cors 1 get-no-origin
per_request cors 1 preflight-allowed -X OPTIONS -H "Origin: https://o1.example.com" -H "$ACRM" -H "$ACRH"
per_request cors 1 preflight-refused -X OPTIONS -H "Origin: https://refused.example" -H "$ACRM"
per_request cors 10000 preflight-allowed -X OPTIONS -H "Origin: https://o10000.example.com" -H "$ACRM" -H "$ACRH"
per_request cors 10000 get-refused -H "Origin: https://refused.example"
per_request cors 10000 get-no-origin
per_request cors pattern get-allowed -H "Origin: https://o1.example.com"
per_request cors regex get-allowed -H "Origin: https://o1.example.com"
for size in 1 1000; do
    o=$(bench_origin "$size")
    per_request recipe "$size" get-allowed -H "Origin: $o"
    per_request recipe "$size" preflight-allowed -X OPTIONS -H "Origin: $o" -H "$ACRM" -H "$ACRH"
done

# The floor (bench/floor/mod_cors_floor.c): the same header lines for the same requests, with
# no decision. cors / floor is what mod_cors's decisions and bookkeeping cost.
for size in 1 10000; do
    o=$(bench_origin "$size")
    per_request floor "$size" get-allowed -H "Origin: $o"
    per_request floor "$size" get-refused -H "Origin: https://refused.example"
    per_request floor "$size" get-no-origin
    per_request floor "$size" preflight-allowed -X OPTIONS -H "Origin: $o" -H "$ACRM" -H "$ACRH"
done
per_request floor 1 preflight-refused -X OPTIONS -H "Origin: https://refused.example" -H "$ACRM"

# The policy in htdocs/api/.htaccess, read again on every request. ht-none: overrides
# allowed, no file (what looking for one costs); ht-comments: ht-cors 1000's bytes commented
# out (what httpd costs to read that file); ht-headers: a static 7-line file of headers;
# ht-floor: ht-cors's file read by no-op handlers, the floor module writing its headers.
per_request ht-none 1 get-allowed -H "Origin: https://o1.example.com"
per_request ht-none 1 options-preflight-bytes -X OPTIONS -H "Origin: https://o1.example.com" -H "$ACRM" -H "$ACRH"
per_request ht-headers 1 get-allowed -H "Origin: https://o1.example.com"
for ht in ht-cors ht-floor; do
    for size in 1 21 1000; do
        o=$(bench_origin "$size")
        per_request "$ht" "$size" get-allowed -H "Origin: $o"
        [ "$size" = 21 ] ||
            per_request "$ht" "$size" preflight-allowed -X OPTIONS -H "Origin: $o" -H "$ACRM" -H "$ACRH"
    done
done
# Origins kept in sources: the origin listed (cors 1) against the same origin in a file, a
# DBM file of a thousand and of a million, and a table whose answer is in the cache.
for src in file query; do
    per_request "$src" 1 get-allowed -H "Origin: https://o1.example.com"
    per_request "$src" 1 get-refused -H "Origin: https://refused.example"
done
for size in 1000 1000000; do
    per_request dbm "$size" get-allowed -H "Origin: $(bench_origin "$size")"
    per_request dbm "$size" get-refused -H "Origin: https://refused.example"
done

per_request ht-recipe 21 get-allowed -H "Origin: $(bench_origin 21)"
per_request ht-comments 1000 get-allowed -H "Origin: $(bench_origin 1000)"

# All rows, or the old file with the rows measured put in (in place, or at the end).
if [ -z "$only" ] || [ ! -f "$out" ]; then
    cp "$rows" "$root/new"
else
    awk 'NR == FNR { v[$1 " " $2 " " $3] = $0; order[++n] = $1 " " $2 " " $3; next }
         { k = $1 " " $2 " " $3; if (k in v) { print v[k]; done[k] = 1 } else print }
         END { for (i = 1; i <= n; i++) if (!(order[i] in done)) print v[order[i]] }' \
        "$rows" "$out" > "$root/new"
fi
cat "$root/new" > "$out"
# A row not measured is in the file as "-" (run.sh reports it as not measured); the run fails.
missing=$(awk '$4 !~ /^[0-9]+$/ {printf "%s%s %s %s", (n++ ? ", " : ""), $1, $2, $3}' "$rows")
if [ -n "$missing" ]; then
    echo "callgrind.sh: not measured: $missing" >&2
    exit 1
fi

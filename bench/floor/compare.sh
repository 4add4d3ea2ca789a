#!/bin/sh
# compare.sh - the floor's response lines against mod_cors's, for bench/callgrind.sh's requests
# (cors against floor, and ht-cors against ht-floor):
# prints mod_cors's, then any difference, and fails on one (Date, Last-Modified and ETag
# values aside). Needs .libs/mod_cors.so and bench/floor/.libs/mod_cors_floor.so.
#   sh bench/floor/compare.sh [SIZE...]      SIZE: origins configured (1 10000)
# BENCH_TOP / BENCH_FLOOR choose the modules compared (bench/conf.sh).
set -eu
bench=$(cd "$(dirname "$0")/.." && pwd)
top=$(dirname "$bench")
BENCH_TOP=${BENCH_TOP:-$top}
BENCH_MPM=prefork
export BENCH_TOP BENCH_MPM
# shellcheck source=bench/conf.sh
. "$bench/conf.sh"
# shellcheck source=mk/httpd.sh
. "$top/mk/httpd.sh"
root=""
httpd_tmpdir root
trap httpd_cleanup EXIT
trap 'exit 130' INT TERM
HTTPD_OUT="$root/stdout"     # the -X server's own output
export HTTPD_OUT
mkdir -p "$root/htdocs/api"
echo '{"hello": "world"}' > "$root/htdocs/api/data.json"
chmod -R a+rX "$root/htdocs"
port=$(httpd_free_port 127.0.0.1)
u="http://127.0.0.1:$port/api/data.json"
ACRM="Access-Control-Request-Method: PUT"
ACRH="Access-Control-Request-Headers: content-type,authorization,x-requested-with"

# answers SETUP SIZE: each request kind's status line and header lines, to stdout.
answers() {
    bench_conf "$root/httpd.conf" "$root" "$port" "$1" "$2"
    httpd_start "$root" "http://127.0.0.1:$port/" one
    o=$(bench_origin "$2")
    for kind in get-allowed get-refused get-no-origin preflight-allowed preflight-refused; do
        case $kind in
        get-allowed) set -- -H "Origin: $o" ;;
        get-refused) set -- -H "Origin: https://refused.example" ;;
        get-no-origin) set -- ;;
        preflight-allowed) set -- -X OPTIONS -H "Origin: $o" -H "$ACRM" -H "$ACRH" ;;
        preflight-refused) set -- -X OPTIONS -H "Origin: https://refused.example" -H "$ACRM" ;;
        esac
        echo "-- $kind"
        curl -s -o /dev/null -D - "$@" "$u" | tr -d '\r' | sed '/^$/d' \
            | sed 's/^\(Date\|Last-Modified\|ETag\): .*/\1: -/'
    done
    httpd_stop "$root"
}

# same SETUP FLOOR-SETUP SIZE: the two setups' lines compared.
status=0
same() {
    answers "$1" "$3" > "$root/cors"
    answers "$2" "$3" > "$root/floor"
    echo "== $1 $3: mod_cors"
    cat "$root/cors"
    if diff -u "$root/cors" "$root/floor"; then
        echo "== $1 $3: the floor's lines are the same"
    else
        echo "== $1 $3: the floor differs (above)"
        status=1
    fi
}
[ $# -gt 0 ] || set -- 1 10000
for size in "$@"; do
    same cors floor "$size"
done
# The .htaccess policy: ht-floor reads ht-cors's file and ignores it.
same ht-cors ht-floor 1
same ht-cors ht-floor 21
exit $status

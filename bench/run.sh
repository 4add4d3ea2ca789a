#!/bin/sh
# run.sh - make bench: the core alone, instructions per request, requests/s, configtest time,
# a 64 KB .htaccess's cost per request, the regex match bound; writes bench/RESULTS.md.
# BENCH_QUICK=1 for a short run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=bench/conf.sh
. "$here/conf.sh"
cd "$top"

# BENCH_REPORT_ONLY=1: write RESULTS.md from the figures already measured.
if [ "${BENCH_REPORT_ONLY:-0}" != 1 ]; then
echo "== policy core (bench/micro.c)"
./build/micro > "$here/micro.txt"
cat "$here/micro.txt"

echo "== the floor's response lines against mod_cors's (bench/floor/compare.sh)"
# The floor is a measure only while it answers as mod_cors does: said here, not fatal.
if cmp_out=$(sh "$here/floor/compare.sh" 2>&1); then
    printf '%s\n' "$cmp_out" | grep '^== .*floor'
else
    printf '%s\n' "$cmp_out"
    echo "warning: the floor no longer answers as mod_cors does: its figures compare nothing"
fi

echo "== instructions per request (callgrind)"
sh "$here/callgrind.sh"

echo "== requests per second (wrk)"
sh "$here/wrk.sh"

echo "== .htaccess parse cost (tests/htaccess-memory.sh)"
# Its checks are make test's business (test-htaccess-memory): here only the figures count.
HTACCESS_FIGURES="$here/htaccess.txt" sh "$top/tests/htaccess-memory.sh" \
    || echo "tests/htaccess-memory.sh: some checks failed (figures kept)"

echo "== regex match bound"
sh "$here/regex.sh"

echo "== sizes: configtest time, a child's memory"
sh "$here/sizes.sh"
fi

# ---- RESULTS.md -----------------------------------------------------------------------
sz() { awk -v s="$1" -v z="$2" -v c="$3" '$1 == s && $2 == z {print $c}' "$here/sizes.txt"; }
ct1=$(sz cors 1 3)
ct10k=$(sz cors 10000 3)
cg() { awk -v s="$1" -v z="$2" -v k="$3" '$1 == s && $2 == z && $3 == k {print $4}' "$here/callgrind.txt"; }
rps() { awk -v s="$1" -v z="$2" -v k="$3" '$1 == s && $2 == z && $3 == k {print $4}' "$here/wrk.txt"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t) ? "met" : "**missed**" }'; }
ns() { sed -n "s/^| $1 | \([0-9.]*\) |$/\1/p" "$here/micro.txt"; }

none=$(cg none 1 get-allowed)
floor=$(cg none 1 options-preflight-bytes)
{
    echo "# mod_cors benchmark results"
    echo
    echo "Written by \`make bench\` ($(date -u +%Y-%m-%d)) on: $(nproc) cores, $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n 1),"
    echo "Linux $(uname -r), $(/usr/sbin/apache2 -v | sed -n 's/^Server version: //p'), event MPM for wrk, prefork -X for callgrind."
    echo
    echo "## Instructions per request (callgrind) — the deciding figure"
    echo
    echo "httpd -X (prefork) under callgrind serving ${CALLGRIND_REQUESTS:-1000} kept-alive requests, minus a run with none"
    echo "(start-up, shutdown), divided by their number. A 19-byte static JSON file; every setup's"
    echo "policy lives in the site's one \`<Directory>\`. Repeatable whatever else the machine does,"
    echo "to within about a hundred instructions (APR seeds its hash tables at random at start-up)."
    echo
    echo "| setup | origins | request | instructions | × no CORS |"
    echo "|---|---|---|---|---|"
    while read -r setup size kind n; do
        case $setup in
        ht-*) base=$(cg ht-none 1 get-allowed) ;;
        *) base=$none ;;
        esac
        case $kind in
        options-*|preflight-*)
            case $setup in
            ht-*) base=$(cg ht-none 1 options-preflight-bytes) ;;
            *) base=$floor ;;
            esac ;;
        esac
        echo "| $setup | $size | $kind | $n | $(ratio "$n" "$base") |"
    done < "$here/callgrind.txt"
    echo
    echo "For GET the baseline is httpd without CORS serving the same GET (with \`Origin\`); for"
    echo "OPTIONS it is httpd answering the same preflight bytes itself (\`options-preflight-bytes\`:"
    echo "reading three more request headers is httpd's cost, whoever answers). The \`ht-*\` setups"
    echo "keep their policy in an \`.htaccess\` (read on every request): their baseline is \`ht-none\`,"
    echo "overrides allowed and no file. \`ht-comments\` is \`ht-cors\` 1000's file with every line"
    echo "commented out: what httpd itself costs to read it."
    echo
    echo "### mod_cors against the floor"
    echo
    echo "\`floor\` (bench/floor/mod_cors_floor.c) writes the same header lines for the same requests"
    echo "from the same hooks, with no decision: one origin compared with strcmp, fixed values."
    echo
    echo "| origins | request | cors | floor | cors / floor |"
    echo "|---|---|---|---|---|"
    for size in 1 10000; do
        for k in get-allowed get-refused get-no-origin preflight-allowed; do
            c=$(cg cors "$size" "$k"); f=$(cg floor "$size" "$k")
            echo "| $size | $k | $c | $f | $(ratio "$c" "$f") |"
        done
    done
    echo
    echo "## Targets"
    echo
    echo "| target | figure | verdict |"
    echo "|---|---|---|"
    r=$(ratio "$(cg cors 1 get-allowed)" "$none")
    echo "| allowed GET ≤ 1.03 × no CORS, 1 origin | $r | $(verdict "$r" 1.03) |"
    r=$(ratio "$(cg cors 10000 get-allowed)" "$none")
    echo "| allowed GET ≤ 1.03 × no CORS, 10,000 origins | $r | $(verdict "$r" 1.03) |"
    r=$(ratio "$(cg cors 1 preflight-allowed)" "$floor")
    echo "| allowed preflight ≤ 1.0 × httpd's own OPTIONS answer | $r | $(verdict "$r" 1.0) |"
    a=$(cg cors 1 get-allowed)
    for k in get-refused get-no-origin; do
        r=$(ratio "$(cg cors 1 $k)" "$a")
        echo "| $k ≤ allowed GET | $r × | $(verdict "$r" 1.0) |"
    done
    r=$(ratio "$(cg cors 1 preflight-refused)" "$(cg cors 1 preflight-allowed)")
    echo "| preflight refused ≤ allowed | $r × | $(verdict "$r" 1.0) |"
    d=$((ct10k - ct1))
    echo "| configtest with 10,000 origins adds < 100 ms | +$d ms ($ct1 → $ct10k) | $( [ $d -lt 100 ] && echo met || echo '**missed**') |"
    h=$(ns "actual, exact hit (1 origin)"); m=$(ns "actual, exact miss (10,000 origins)")
    echo "| core: actual decision < 100 ns (exact hit / miss at 10,000) | $h / $m ns | $(verdict "$m" 100) |"
    p=$(ns "actual, subdomain pattern"); x=$(ns "actual, regex (POSIX here, ap_regex in httpd)")
    echo "| core: actual decision < 100 ns (pattern / regex) | $p / $x ns | $(verdict "$p" 100) / $(verdict "$x" 100) |"
    f=$(ns "preflight, 3 requested headers")
    echo "| core: preflight < 300 ns (3 headers) | $f ns | $(verdict "$f" 300) |"
    hr=$(sed -n 's/^hostile \/ normal preflight: //p' "$here/micro.txt")
    echo "| core: 8 KB hostile request headers ≤ 10 × normal | $hr × | $(verdict "$hr" 10) |"
    echo
    echo "## Requests per second (wrk, medians of interleaved rounds)"
    echo
    echo "wrk -t1 -c8 against the event MPM on the same 2-core machine; several percent of noise."
    echo
    echo "| setup | origins | request | requests/s | × no CORS |"
    echo "|---|---|---|---|---|"
    nr=$(rps none 1 get-allowed)
    no=$(rps none 1 options-plain)
    while read -r setup size kind n; do
        base=$nr
        case $kind in options-*|preflight-*) base=$no ;; esac
        echo "| $setup | $size | $kind | $n | $(ratio "$n" "$base") |"
    done < "$here/wrk.txt"
    echo
    echo "## The policy core alone (bench/micro.c)"
    echo
    cat "$here/micro.txt"
    echo
    cat "$here/NOTES.md"
    echo
    sh "$here/limits.sh"
} > "$here/RESULTS.md"
echo "wrote bench/RESULTS.md"

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
    echo "## Targets of 1.2 (the performance issue)"
    echo
    echo "| target | figure | verdict |"
    echo "|---|---|---|"
    h1=$(cg ht-cors 1 get-allowed)
    for z in 21 1000; do
        r=$(ratio "$(cg ht-cors "$z" get-allowed)" "$h1")
        echo "| .htaccess of $z origins ≤ 1.05 × one of 1 origin (allowed GET) | $r | $(verdict "$r" 1.05) |"
    done
    r=$(ratio "$h1" "$(cg ht-headers 1 get-allowed)")
    echo "| .htaccess of 1 origin ≤ 1.05 × one of as many \`Header always set\` lines | $r | $(verdict "$r" 1.05) |"
    for z in 1 21 1000; do
        r=$(ratio "$(cg ht-cors "$z" get-allowed)" "$(cg ht-floor "$z" get-allowed)")
        echo "| (.htaccess of $z origins against ht-floor: the same file read by no-op handlers) | $r | - |"
    done
    for size in 1 10000; do
        for k in get-allowed get-refused get-no-origin preflight-allowed; do
            r=$(ratio "$(cg cors "$size" "$k")" "$(cg floor "$size" "$k")")
            echo "| $k, $size origin(s), ≤ 1.01 × the floor | $r | $(verdict "$r" 1.01) |"
        done
    done
    for size in 1 10000; do
        r=$(ratio "$(cg cors "$size" preflight-allowed)" "$floor")
        echo "| allowed preflight, $size origin(s), ≤ 1.00 × httpd's own OPTIONS answer | $r | $(verdict "$r" 1.0) |"
    done
    d=$((ct10k - ct1))
    echo "| configtest with 10,000 origins adds < 100 ms | +$d ms ($ct1 → $ct10k) | $( [ $d -lt 100 ] && echo met || echo '**missed**') |"
    h=$(ns "actual, exact hit (1 origin)"); m=$(ns "actual, exact miss (10,000 origins)")
    echo "| core: actual decision < 100 ns (exact hit / miss at 10,000) | $h / $m ns | $(verdict "$m" 100) |"
    f=$(ns "preflight, 3 requested headers")
    echo "| core: preflight < 300 ns (3 headers) | $f ns | $(verdict "$f" 300) |"
    hr=$(sed -n 's/^hostile \/ normal preflight: //p' "$here/micro.txt")
    echo "| core: 8 KB hostile request headers ≤ 10 × normal | $hr × | $(verdict "$hr" 10) |"
    echo
    echo "## Targets of 1.3 (origins that change while the server runs)"
    echo
    echo "| target | figure | verdict |"
    echo "|---|---|---|"
    listed=$(cg cors 1 get-allowed)
    r=$(ratio "$(cg query 1 get-allowed)" "$listed")
    echo "| allowed GET, origin answered from the cache (CORSAllowOriginQuery, shmcb) ≤ 1.05 × the same origin listed | $r | $(verdict "$r" 1.05) |"
    r=$(ratio "$(cg dbm 1000000 get-allowed)" "$(cg dbm 1000 get-allowed)")
    echo "| allowed GET, DBM of 1,000,000 origins ≤ 1.05 × DBM of 1,000 (flat) | $r | $(verdict "$r" 1.05) |"
    r=$(ratio "$(cg dbm 1000000 get-refused)" "$(cg dbm 1000 get-refused)")
    echo "| refused GET, DBM of 1,000,000 origins ≤ 1.05 × DBM of 1,000 (flat) | $r | $(verdict "$r" 1.05) |"
    r=$(ratio "$(cg file 1 get-allowed)" "$listed")
    echo "| (allowed GET, origin in a CORSAllowOriginFile, against the same origin listed) | $r | - |"
    r=$(ratio "$(cg dbm 1000 get-allowed)" "$listed")
    echo "| (allowed GET, origin in a DBM of 1,000, against the same origin listed) | $r | - |"
    echo
    if grep -q '^before ' "$here/callgrind.txt"; then
        echo "## 1.3 against the release before (1.2; BENCH_BEFORE, measured in the same run)"
        echo
        echo "Instructions per request (callgrind), the same setups with the module of each release:"
        echo
        echo "| setup | origins | request | 1.2 | 1.3 | change |"
        echo "|---|---|---|---|---|---|"
        while read -r setup size kind n; do
            case $setup in cors) b=before ;; ht-cors) b=ht-before ;; *) continue ;; esac
            o=$(cg "$b" "$size" "$kind")
            [ -n "$o" ] || continue
            echo "| $setup | $size | $kind | $o | $n | $(awk -v a="$o" -v b="$n" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }') |"
        done < "$here/callgrind.txt"
        echo
        if [ -s "$here/sizes.txt" ]; then
            echo "Outside requests (bench/sizes.sh): \`apache2 -t\` time (median of 5) and the resident size of"
            echo "the one prefork child serving 100,000 origins after a request:"
            echo
            echo "| origins | configtest 1.2 | configtest 1.3 | child VmRSS 1.2 | child VmRSS 1.3 |"
            echo "|---|---|---|---|---|"
            for z in 1 10000 100000; do
                echo "| $z | $(sz before "$z" 3) ms | $(sz cors "$z" 3) ms | $(sz before "$z" 4) kB | $(sz cors "$z" 4) kB |"
            done
            echo
        fi
    fi
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

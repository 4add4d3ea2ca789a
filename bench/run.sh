#!/bin/sh
# run.sh - make bench: the core alone, instructions per request, requests/s, configtest time,
# a 64 KB .htaccess's cost per request, the regex match bound; writes bench/RESULTS.md.
# BENCH_QUICK=1 for a short run.
# Every target's verdict is met, **missed** or not measured: a figure that is missing or not
# a number (a step that failed, a row whose answers were not the ones it measures) is never
# compared. A summary follows the targets' tables and is printed at the end.
# Exit status, once RESULTS.md is written: 1 when a target is not measured, a figure is
# missing or a measuring step failed; a target missed exits 0 (several are missed by design
# and explained in bench/NOTES.md: make bench measures, it does not test), unless
# BENCH_STRICT=1, which exits 1 on a missed target too.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=bench/conf.sh
. "$here/conf.sh"
cd "$top"

# One line per verdict, "met|**missed**|not measured<TAB>target", and per figure missing,
# "missing<TAB>what" (bench/limits.sh writes its own here too).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
BENCH_VERDICTS="$work/verdicts"
export BENCH_VERDICTS
: > "$BENCH_VERDICTS"
failed=""   # the measuring steps that failed

# BENCH_REPORT_ONLY=1: write RESULTS.md from the figures already measured.
if [ "${BENCH_REPORT_ONLY:-0}" != 1 ]; then
# A figure file an earlier run left must not stand in for a step that fails this time.
rm -f "$here/micro.txt" "$here/mac.txt" "$here/wrk.txt" "$here/htaccess.txt" "$here/regex.txt" "$here/sizes.txt"
[ -n "${CALLGRIND_ONLY:-}" ] || rm -f "$here/callgrind.txt"
# A step that fails is noted, and the run goes on: its figures are reported as not measured.
step() {   # NAME COMMAND...
    s_name=$1; shift
    if "$@"; then :; else
        echo "run.sh: $s_name failed (exit $?): its figures are missing or incomplete" >&2
        failed="$failed $s_name"
    fi
}

echo "== policy core (bench/micro.c)"
# shellcheck disable=SC2016  # expanded by that sh
step build/micro sh -c '"$1" > "$2" && cat "$2"' sh ./build/micro "$here/micro.txt"

echo "== signing remote cache answers (bench/mac.c)"
# shellcheck disable=SC2016  # expanded by that sh
step build/mac sh -c '"$1" > "$2" && cat "$2"' sh ./build/mac "$here/mac.txt"

echo "== the floor's response lines against mod_cors's (bench/floor/compare.sh)"
# The floor is a measure only while it answers as mod_cors does: said here, not fatal.
if cmp_out=$(sh "$here/floor/compare.sh" 2>&1); then
    printf '%s\n' "$cmp_out" | grep '^== .*floor'
else
    printf '%s\n' "$cmp_out"
    echo "warning: the floor no longer answers as mod_cors does: its figures compare nothing"
fi

echo "== instructions per request (callgrind)"
step callgrind.sh sh "$here/callgrind.sh"

echo "== requests per second (wrk)"
step wrk.sh sh "$here/wrk.sh"

echo "== .htaccess parse cost (tests/httpd/htaccess-memory.sh)"
# Its checks are make test's business (test-htaccess-memory): here only the figures count
# (bench/limits.sh reports those missing).
HTACCESS_FIGURES="$here/htaccess.txt" sh "$top/tests/httpd/htaccess-memory.sh" \
    || echo "tests/httpd/htaccess-memory.sh: some checks failed (figures kept)"

echo "== regex match bound"
step regex.sh sh "$here/regex.sh"

echo "== sizes: configtest time, a child's memory"
step sizes.sh sh "$here/sizes.sh"
fi

# ---- RESULTS.md -----------------------------------------------------------------------
# The figures: nothing when the file or the row is missing, "-" when its step wrote the row
# but could not measure it. A figure is a number; anything else was not measured.
field() {   # FILE COLUMN AWK-CONDITION: the column of the first row matching
    [ -f "$1" ] || return 0
    awk "$3 { print \$$2; exit }" "$1"
}
sz() { field "$here/sizes.txt" "$3" "\$1 == \"$1\" && \$2 == \"$2\""; }
cg() { field "$here/callgrind.txt" 4 "\$1 == \"$1\" && \$2 == \"$2\" && \$3 == \"$3\""; }
rps() { field "$here/wrk.txt" 4 "\$1 == \"$1\" && \$2 == \"$2\" && \$3 == \"$3\""; }
ns() { [ -f "$here/micro.txt" ] || return 0; sed -n "s/^| $1 | \([0-9.]*\) |$/\1/p" "$here/micro.txt" | head -n 1; }
is_fig() { printf '%s\n' "$1" | grep -Eq '^-?[0-9]+(\.[0-9]+)?$'; }
shown() { if is_fig "$1"; then printf '%s' "$1"; else printf -- '-'; fi; }   # a figure, or -
ratio() {   # A B: A / B to three places, or - unless both are figures above 0
    if is_fig "$1" && is_fig "$2"; then
        awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3f", a / b; else print "-" }'
    else
        echo -
    fi
}
# verdict TARGET le|lt BOUND FIGURE...: met when every FIGURE is at most (le) or under (lt)
# BOUND, **missed** when one is not, not measured when one is not a figure (nothing, "-",
# a ratio of a missing figure): a figure that is not there never meets a target. The verdict
# is logged for the summary.
verdict() {
    v_what=$1 v_op=$2 v_bound=$3; shift 3
    v=met
    for v_fig in "$@"; do
        if ! is_fig "$v_fig"; then v="not measured"; break; fi
        awk -v f="$v_fig" -v b="$v_bound" -v op="$v_op" \
            'BEGIN { exit !(op == "lt" ? f + 0 < b + 0 : f + 0 <= b + 0) }' || v="**missed**"
    done
    printf '%s\t%s\n' "$v" "$v_what" >> "$BENCH_VERDICTS"
    echo "$v"
}
missing() { printf 'missing\t%s\n' "$1" >> "$BENCH_VERDICTS"; }   # WHAT: a figure not measured

# The sections bench/limits.sh writes (the .htaccess figures, the regex bound), first: its
# verdicts are in the summary.
if sh "$here/limits.sh" > "$work/limits.md"; then :; else
    echo "run.sh: bench/limits.sh failed: its sections are incomplete" >&2
    missing "bench/limits.sh failed: its sections of RESULTS.md are incomplete"
fi
# Figures missing outside the targets: every row a step wrote is there to be read.
for f in micro mac callgrind wrk sizes; do
    [ -s "$here/$f.txt" ] || missing "bench/$f.txt: none (its step did not run or failed)"
done
for f in callgrind wrk; do
    [ -f "$here/$f.txt" ] || continue
    awk -v f="$f" '$4 !~ /^[0-9]+(\.[0-9]+)?$/ { printf "missing\t%s: %s %s %s\n", f, $1, $2, $3 }' \
        "$here/$f.txt" >> "$BENCH_VERDICTS"
done
[ ! -f "$here/sizes.txt" ] ||
    awk '$3 !~ /^[0-9]+$/ { printf "missing\tsizes: configtest, %s %s\n", $1, $2 }
         $2 == 100000 && $4 !~ /^[0-9]+$/ { printf "missing\tsizes: child VmRSS, %s %s\n", $1, $2 }' \
        "$here/sizes.txt" >> "$BENCH_VERDICTS"
for s_name in $failed; do missing "step $s_name failed"; done

# The summary of every verdict logged so far, and of the figures missing.
summary() {
    awk -F '\t' '
        $1 == "met" { met++ }
        $1 == "**missed**" { missed++; ml = ml "- missed: " $2 "\n" }
        $1 == "not measured" { nm++; nl = nl "- **not measured**: " $2 "\n" }
        $1 == "missing" { mf++; fl = fl "- **figure missing**: " $2 "\n" }
        END {
            printf "%d targets: %d met, %d missed, %d not measured (a target not measured is not met).\n",
                met + missed + nm, met, missed, nm
            if (mf) printf "%d figures outside the targets not measured.\n", mf
            if (nm + missed + mf) printf "\n%s%s%s", nl, fl, ml
        }' "$BENCH_VERDICTS"
}

ct1=$(sz cors 1 3)
ct10k=$(sz cors 10000 3)

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
    [ -f "$here/callgrind.txt" ] || echo "| (not measured: no bench/callgrind.txt) | | | - | - |"
    [ ! -f "$here/callgrind.txt" ] || while read -r setup size kind n; do
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
        echo "| $setup | $size | $kind | $(shown "$n") | $(ratio "$n" "$base") |"
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
            echo "| $size | $k | $(shown "$c") | $(shown "$f") | $(ratio "$c" "$f") |"
        done
    done
    echo
    echo "## Targets of 1.2 (the performance issue)"
    echo
    echo "| target | figure | verdict |"
    echo "|---|---|---|"
    # Each row: the target, the figure (- when not measured), the verdict.
    h1=$(cg ht-cors 1 get-allowed)
    for z in 21 1000; do
        r=$(ratio "$(cg ht-cors "$z" get-allowed)" "$h1")
        t=".htaccess of $z origins ≤ 1.05 × one of 1 origin (allowed GET)"
        echo "| $t | $r | $(verdict "$t" le 1.05 "$r") |"
    done
    r=$(ratio "$h1" "$(cg ht-headers 1 get-allowed)")
    t=".htaccess of 1 origin ≤ 1.05 × one of as many \`Header always set\` lines"
    echo "| $t | $r | $(verdict "$t" le 1.05 "$r") |"
    for z in 1 21 1000; do
        r=$(ratio "$(cg ht-cors "$z" get-allowed)" "$(cg ht-floor "$z" get-allowed)")
        echo "| (.htaccess of $z origins against ht-floor: the same file read by no-op handlers) | $r | - |"
    done
    for size in 1 10000; do
        for k in get-allowed get-refused get-no-origin preflight-allowed; do
            r=$(ratio "$(cg cors "$size" "$k")" "$(cg floor "$size" "$k")")
            t="$k, $size origin(s), ≤ 1.01 × the floor"
            echo "| $t | $r | $(verdict "$t" le 1.01 "$r") |"
        done
    done
    for size in 1 10000; do
        r=$(ratio "$(cg cors "$size" preflight-allowed)" "$floor")
        t="allowed preflight, $size origin(s), ≤ 1.00 × httpd's own OPTIONS answer"
        echo "| $t | $r | $(verdict "$t" le 1.0 "$r") |"
    done
    # Two figures or none: an empty or "-" time is not 0 ms.
    if is_fig "$ct1" && is_fig "$ct10k"; then d=$((ct10k - ct1)); ds=$(printf '%+d ms' "$d"); else d=-; ds=-; fi
    t="configtest with 10,000 origins adds < 100 ms"
    echo "| $t | $ds ($(shown "$ct1") → $(shown "$ct10k")) | $(verdict "$t" lt 100 "$d") |"
    h=$(ns "actual, exact hit (1 origin)"); m=$(ns "actual, exact miss (10,000 origins)")
    t="core: actual decision < 100 ns (exact hit / miss at 10,000)"
    echo "| $t | $(shown "$h") / $(shown "$m") ns | $(verdict "$t" le 100 "$h" "$m") |"
    f=$(ns "preflight, 3 requested headers")
    t="core: preflight < 300 ns (3 headers)"
    echo "| $t | $(shown "$f") ns | $(verdict "$t" le 300 "$f") |"
    hr=$( [ ! -f "$here/micro.txt" ] || sed -n 's/^hostile \/ normal preflight: //p' "$here/micro.txt" | head -n 1)
    t="core: 8 KB hostile request headers ≤ 10 × normal"
    echo "| $t | $(shown "$hr") × | $(verdict "$t" le 10 "$hr") |"
    echo
    echo "## Targets of 1.3 (origins that change while the server runs)"
    echo
    echo "| target | figure | verdict |"
    echo "|---|---|---|"
    listed=$(cg cors 1 get-allowed)
    r=$(ratio "$(cg query 1 get-allowed)" "$listed")
    t="allowed GET, origin answered from the cache (CORSAllowOriginQuery, shmcb) ≤ 1.05 × the same origin listed"
    echo "| $t | $r | $(verdict "$t" le 1.05 "$r") |"
    r=$(ratio "$(cg dbm 1000000 get-allowed)" "$(cg dbm 1000 get-allowed)")
    t="allowed GET, DBM of 1,000,000 origins ≤ 1.05 × DBM of 1,000 (flat)"
    echo "| $t | $r | $(verdict "$t" le 1.05 "$r") |"
    r=$(ratio "$(cg dbm 1000000 get-refused)" "$(cg dbm 1000 get-refused)")
    t="refused GET, DBM of 1,000,000 origins ≤ 1.05 × DBM of 1,000 (flat)"
    echo "| $t | $r | $(verdict "$t" le 1.05 "$r") |"
    r=$(ratio "$(cg file 1 get-allowed)" "$listed")
    echo "| (allowed GET, origin in a CORSAllowOriginFile, against the same origin listed) | $r | - |"
    r=$(ratio "$(cg dbm 1000 get-allowed)" "$listed")
    echo "| (allowed GET, origin in a DBM of 1,000, against the same origin listed) | $r | - |"
    echo
    echo "## Verdicts"
    echo
    summary
    echo
    if [ -f "$here/callgrind.txt" ] && grep -Eq '^(ht-)?before ' "$here/callgrind.txt"; then
        # The two releases by their Debian versions (the before tree's, if BENCH_BEFORE is set).
        now_v=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$here/../debian/changelog" 2>/dev/null)
        before_v=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "${BENCH_BEFORE:-/nonexistent}/debian/changelog" 2>/dev/null)
        now_v=${now_v:-this tree}
        before_v=${before_v:-the release before}
        echo "## $now_v against the release before ($before_v; BENCH_BEFORE, measured in the same run)"
        echo
        echo "Instructions per request (callgrind), the same setups with the module of each release:"
        echo
        echo "| setup | origins | request | $before_v | $now_v | change |"
        echo "|---|---|---|---|---|---|"
        # Every row of either tree, paired: one missing from a pair is shown, not skipped.
        awk 'function fig(v) { return v ~ /^[0-9]+$/ }
            $1 == "cors" || $1 == "before" || $1 == "ht-cors" || $1 == "ht-before" {
                k = ($1 ~ /^ht-/ ? "ht-cors" : "cors") " " $2 " " $3
                if (!(k in seen)) { seen[k] = 1; order[++n] = k }
                if ($1 ~ /before$/) old[k] = $4; else now[k] = $4
            }
            END {
                for (i = 1; i <= n; i++) {
                    k = order[i]; split(k, f, " ")
                    o = (k in old) ? old[k] : "-"; c = (k in now) ? now[k] : "-"
                    ch = (fig(o) && fig(c) && o + 0 > 0) ? sprintf("%+.1f%%", (c - o) * 100 / o) : "not measured"
                    printf "| %s | %s | %s | %s | %s | %s |\n", f[1], f[2], f[3],
                        fig(o) ? o : "-", fig(c) ? c : "-", ch
                }
            }' "$here/callgrind.txt"
        echo
        if [ -s "$here/sizes.txt" ]; then
            echo "Outside requests (bench/sizes.sh): \`apache2 -t\` time (median of 5) and the resident size of"
            echo "the one prefork child serving 100,000 origins after a request:"
            echo
            echo "| origins | configtest $before_v | configtest $now_v | child VmRSS $before_v | child VmRSS $now_v |"
            echo "|---|---|---|---|---|"
            for z in 1 10000 100000; do
                echo "| $z | $(shown "$(sz before "$z" 3)") ms | $(shown "$(sz cors "$z" 3)") ms | $(shown "$(sz before "$z" 4)") kB | $(shown "$(sz cors "$z" 4)") kB |"
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
    [ -f "$here/wrk.txt" ] || echo "| (not measured: no bench/wrk.txt) | | | - | - |"
    [ ! -f "$here/wrk.txt" ] || while read -r setup size kind n; do
        base=$nr
        case $kind in options-*|preflight-*) base=$no ;; esac
        echo "| $setup | $size | $kind | $(shown "$n") | $(ratio "$n" "$base") |"
    done < "$here/wrk.txt"
    echo
    echo "## The policy core alone (bench/micro.c)"
    echo
    if [ -s "$here/micro.txt" ]; then cat "$here/micro.txt"; else echo "Not measured (no bench/micro.txt)."; fi
    echo
    echo "## Signing answers kept in memcache or redis (bench/mac.c)"
    echo
    echo "What one answer from a remote cache costs besides the network round trip (tens of"
    echo "microseconds): its key, and with CORSOriginCacheSecret its MAC, checked on every read."
    echo "The listed fingerprint is made for each origin a query is asked for."
    echo
    if [ -s "$here/mac.txt" ]; then cat "$here/mac.txt"; else echo "Not measured (no bench/mac.txt)."; fi
    echo
    cat "$here/NOTES.md"
    echo
    cat "$work/limits.md"
} > "$here/RESULTS.md"
echo "wrote bench/RESULTS.md"
echo "== verdicts"
summary
# Not measured, a figure missing, a step failed: the run did not measure what it reports.
if awk -F '\t' '$1 == "not measured" || $1 == "missing" { f = 1 } END { exit !f }' "$BENCH_VERDICTS"; then
    echo "run.sh: targets not measured or figures missing (above): exit 1" >&2
    exit 1
fi
if [ "${BENCH_STRICT:-0}" = 1 ] &&
   awk -F '\t' '$1 == "**missed**" { f = 1 } END { exit !f }' "$BENCH_VERDICTS"; then
    echo "run.sh: targets missed (BENCH_STRICT=1): exit 1" >&2
    exit 1
fi

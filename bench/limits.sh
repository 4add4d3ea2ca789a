#!/bin/sh
# limits.sh - prints the RESULTS.md section on mod_cors 1.1's bounds from bench/htaccess.txt
# (tests/httpd/htaccess-memory.sh with HTACCESS_FIGURES) and bench/regex.txt (bench/regex.sh).
# Called by bench/run.sh; runs on its own too: sh bench/limits.sh >> bench/RESULTS.md
# A verdict is met, **missed** or not measured (a row missing, a figure "-" or empty: never
# compared). With BENCH_VERDICTS=FILE (run.sh) each verdict and figure missing is appended
# to FILE for run.sh's summary, and the exit status is 0 unless this script fails; on its
# own it exits 1 when a target is not measured or a figure is missing (and, with
# BENCH_STRICT=1, when one is missed), as run.sh does.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ht="$here/htaccess.txt"
rx="$here/regex.txt"
vf=${BENCH_VERDICTS:-}
if [ -z "$vf" ]; then
    vf=$(mktemp)
    trap 'rm -f "$vf"' EXIT
fi
missing() { printf 'missing\t%s\n' "$1" >> "$vf"; }

echo "## mod_cors 1.1: \`.htaccess\` parse cost, and the regex match bound"
echo
echo "Figures of $(date -u -r "${ht}" +%Y-%m-%d 2>/dev/null || echo '?') (\`.htaccess\`) and $(date -u -r "${rx}" +%Y-%m-%d 2>/dev/null || echo '?') (regex), same kind of machine"
echo "as above: $(nproc) cores, $(/usr/sbin/apache2 -v | sed -n 's/^Server version: //p'), PCRE2 $(pkg-config --modversion libpcre2-8 2>/dev/null || echo '?')."
echo
echo "### A 64 KB \`.htaccess\` of list directives, read on every request"
echo
if [ -s "$ht" ]; then
    echo "\`make test-htaccess-memory\` (tests/httpd/htaccess-memory.sh): for each of CORSAllowMethods,"
    echo "CORSAllowHeaders and CORSExposeHeaders, a 64 KB \`.htaccess\` (plus \`CORSEnable On\` and"
    echo "\`CORSAllowOrigin https://a.example\`) in a directory with \`AllowOverride FileInfo\`:"
    echo "\`plain\`, lines of 16 plain names cycling through the same 200 names; \`edits\`, the same as"
    echo "\`+Name\` edits; \`over\`, 256 names cycling, then a last line bringing 44 more (the 257th"
    echo "distinct name, as late in the file as it can be, is the error). Each file is served by a"
    echo "fresh \`httpd -X\` (prefork, one process, so every request parses the file in the process"
    echo "measured): 20 requests, GETs with \`Origin\` and preflights alternately, one connection each."
    echo "VmHWM and VmRSS come from \`/proc/PID/status\` before the first request, after the first and"
    echo "after the last; server time is the access log's \`%D\`, curl's is \`time_total\`. Two"
    echo "references: 64 KB of mod_mime's \`AddType\` (httpd's own cost of reading such a file) and"
    echo "CORS in a 3-line \`.htaccess\`. The test asserts growth < 64 MB and every request < 2 s"
    echo "(safety bounds), 200/204 for \`plain\` and \`edits\`, and for \`over\` a 500 with one"
    echo "error-log line per request naming the file, the directive and 256."
    echo
    cat "$ht"
    echo
    # The 9 rows of the three directives and three files: a row missing, or a figure in one
    # that is not a number, is not a growth of 0.
    rows=$(awk -F'|' 'NR > 2 && $2 ~ /^ *CORS(AllowMethods|AllowHeaders|ExposeHeaders) *$/' "$ht" | wc -l)
    bad=$(awk -F'|' 'function num(v) { gsub(/^ +| +$/, "", v); return v ~ /^[0-9]+(\.[0-9]+)?$/ }
        NR > 2 && $2 ~ /^ *CORS(AllowMethods|AllowHeaders|ExposeHeaders) *$/ {
            g = $6; sub(/^ *\+/, "", g); sub(/ kB *$/, "", g)
            split($8, t, "/"); split($5, h, "→")
            if (!num(g) || !num(t[1]) || !num(h[2]) || !num(h[3])) n++
        } END { print n + 0 }' "$ht")
    if [ "$rows" -ne 9 ] || [ "$bad" -ne 0 ]; then
        echo "Not measured: $rows rows of the 9 (3 directives × 3 files), $bad of them without a figure."
        missing "bench/htaccess.txt: $rows rows of the 9 CORS rows, $bad without a figure"
    else
        awk -F'|' 'NR > 2 && $2 ~ /^ *CORS(AllowMethods|AllowHeaders|ExposeHeaders) *$/ {
                g = $6; gsub(/[^0-9]/, "", g); if (g + 0 > mg) mg = g + 0
                split($8, t, "/"); m = t[1] + 0; if (m > mt) mt = m
                split($5, h, "→"); s = h[3] - h[2]; if (s > ms) ms = s
            } END {
                printf "Largest growth over 20 requests: %d kB (bound 65,536 kB), nearly all of it at the first\n", mg
                printf "request (at most %d kB between the first and the last: the pool blocks a request\n", ms
                printf "leaves are reused by the next). Slowest mean server time per request: %.2f ms.\n", mt
            }' "$ht"
    fi
    echo
else
    echo "Not measured (no bench/htaccess.txt: tests/httpd/htaccess-memory.sh wrote no figures)."
    echo
    missing "bench/htaccess.txt: none"
fi

echo "### Regex match bound (CORSAllowOriginMatch, PCRE2 interpreted, a match limit of 10,000)"
echo
if [ -s "$rx" ]; then
    echo "\`sh bench/regex.sh\` (part of \`make bench\`): one \`httpd -X\` (prefork) with a \`<Directory>\` per"
    echo "regex, GETs of a 19-byte file with the \`Origin\` shown, 200 per case on one kept-alive"
    echo "connection, 3 interleaved rounds, median wall time per request (curl's view, one 2-core"
    echo "machine: tens of microseconds of noise); \"no CORS\" is the same request to a directory"
    echo "without mod_cors. Instructions per request: callgrind, (run with 50 requests − run with"
    echo "none) / 50, as in the table above. Hostile origins are ones the origin"
    echo "parser accepts: labels of at most 63 letters, hosts of at most 253 bytes, at most 512 bytes"
    echo "in all (the longest has a 256-letter scheme), each almost matching and failing at its end."
    echo
    # name -> regex, from regex.sh itself
    regs=$(sed -n "/^regexes='/,/'\$/p" "$here/regex.sh" | sed "s/^regexes='//; s/'\$//")
    echo "| name | regex |"
    echo "|---|---|"
    printf '%s\n' "$regs" | while IFS='|' read -r name re; do
        # a "|" inside a table cell must be escaped, code span or not
        echo "| $name | \`$(printf '%s' "$re" | sed 's/|/\\|/g')\` |"
    done
    echo
    # The rows expected: every regex and origin regex.sh sends, whatever regex.txt holds.
    names=$(printf '%s\n' "$regs" | cut -d'|' -f1 | tr '\n' ' ')
    kinds=$(sed -n '/^origins="/,/"$/p' "$here/regex.sh" | sed 's/^origins="//' | cut -d'|' -f1 | tr '\n' ' ')
    # Wall time without CORS hardly depends on the origin sent (callgrind: 36 k to 38 k
    # instructions); the median over all of them is the baseline, steadier than each one.
    # Only figures count: a "-" or an empty time is not 0 µs.
    nv=$(awk '$1 == "none" && $4 ~ /^[0-9]+(\.[0-9]+)?$/ {print $4}' "$rx" | sort -n)
    if [ -n "$nv" ]; then
        base_us=$(printf '%s\n' "$nv" | sed -n "$(( ($(printf '%s\n' "$nv" | wc -l) + 1) / 2 ))p")
    else
        base_us=-
        missing "bench/regex.txt: no wall time without CORS"
    fi
    echo "Extra cost per request over a request without CORS: wall µs (median, against the median"
    echo "of all no-CORS cases, $base_us µs) and, in brackets, instructions (against the same origin"
    echo "without CORS); † marks origins refused because the match limit was hit"
    echo "(every request logged it), ✓ origins allowed; \"not measured\": no wall time. Origin lengths:"
    echo "$(awk '$1 == "none" {printf "%s%s %d bytes", (n++ ? ", " : ""), $2, $3}' "$rx")."
    echo
    printf '| regex |'; for k in $kinds; do printf ' %s |' "$k"; done; echo
    printf '|---|'; for _ in $kinds; do printf -- '---|'; done; echo
    for name in $names; do
        awk -v n="$name" -v b="$base_us" -v kinds="$kinds" '
            function fig(v) { return v ~ /^-?[0-9]+(\.[0-9]+)?$/ }
            $1 == "none" { base[$2] = $6 }
            $1 == n { seen[$2] = 1; us[$2] = $4; ins[$2] = $6; w[$2] = $7; a[$2] = $8 }
            END {
                nk = split(kinds, K, " "); row = ""
                for (j = 1; j <= nk; j++) {
                    k = K[j]
                    if (!(k in seen) || !fig(us[k]) || !fig(b)) {
                        row = row " not measured |"
                        continue
                    }
                    d = sprintf("%+.0f", us[k] - b); i = ""
                    if (fig(ins[k]) && fig(base[k])) {
                        x = ins[k] - base[k]
                        i = sprintf(" (%s)", x >= 1e6 ? sprintf("%.1f M", x / 1e6) : sprintf("%.0f k", x / 1e3))
                    }
                    row = row " " d i (w[k] > 0 ? " †" : "") (a[k] > 0 ? " ✓" : "") " |"
                }
                print "| " n " |" row
            }' "$rx"
    done
    echo
    echo "Target: a request costs under 1 ms more than without CORS, whatever the regex and the"
    echo "origin. The worst origin of each regex is the one costing the most instructions; the"
    echo "verdict looks at every origin's wall time, and is \"not measured\" when one is missing."
    echo
    echo "| regex | worst origin | Δ µs (wall) | Δ instructions | verdict |"
    echo "|---|---|---|---|---|"
    for name in $names; do
        awk -v n="$name" -v b="$base_us" -v kinds="$kinds" -v vf="$vf" '
            function fig(v) { return v ~ /^-?[0-9]+(\.[0-9]+)?$/ }
            $1 == "none" { base[$2] = $6 }
            $1 == n { seen[$2] = 1; us[$2] = $4; ins[$2] = $6 }
            END {
                nk = split(kinds, K, " "); nm = !fig(b); wk = ""; mk = ""
                for (j = 1; j <= nk; j++) {
                    k = K[j]
                    if (!(k in seen) || !fig(us[k]) || nm) { nm = 1; continue }
                    d = us[k] - b
                    if (mk == "" || d > md) { mk = k; md = d }
                    if (fig(ins[k]) && fig(base[k]) && (wk == "" || ins[k] - base[k] > wi)) {
                        wk = k; wi = ins[k] - base[k]; wd = d
                    }
                }
                if (wk == "" && mk != "") { wk = mk; wd = md; wi = "-" }  # no instructions: by wall
                v = nm ? "not measured" : (md < 1000 ? "met" : "**missed**")
                note = (v == "**missed**" && mk != wk) ? sprintf(" (%s: %+.0f µs)", mk, md) : ""
                printf "| %s | %s | %s | %s | %s%s |\n", n, (wk == "" ? "-" : wk),
                    (wk == "" ? "-" : sprintf("%+.0f", wd)), (wk == "" ? "-" : wi), v, note
                printf "%s\tregex %s: a request costs under 1 ms more than without CORS, whatever the origin\n", v, n >> vf
            }' "$rx"
    done
    echo
    refused=$(awk '$2 == "short" && $7 > 0 {printf "%s%s", (n++ ? ", " : ""), $1}' "$rx")
    echo "**What bounds a match.** PCRE2's interpreter counts every backtracking point against the"
    echo "match limit, so the work of a match is at most the limit times the work between two such"
    echo "points, which the origin's length (at most 512) bounds. JIT is not used: its match limit"
    echo "counts coarser steps, and with it the same limit let \`https20\` (twenty alternatives behind"
    echo "a nested host label) cost 5 ms a request and \`alt10\` 1.9 ms (measured on this machine"
    echo "before the change). \`alt10\` and \`https20\` are built to find that edge; nested repetition"
    echo "alone (\`([a-z]+)+\`, \`(a|aa)+\`) gives up far inside the target. Exact origins and"
    echo "\`*.domain\` patterns do no backtracking at all."
    if [ -n "$refused" ]; then
        echo "A regex that backtracks this way can give up on an origin it would match, too: the"
        echo "short origin \`https://aaaa.example.com\` is refused (with the warning) by: $refused."
    fi
    echo
else
    echo "Not measured (no bench/regex.txt: bench/regex.sh wrote no figures)."
    echo
    sed -n "/^regexes='/,/'\$/p" "$here/regex.sh" | sed "s/^regexes='//; s/'\$//" | cut -d'|' -f1 |
        while read -r name; do
            printf 'not measured\tregex %s: a request costs under 1 ms more than without CORS, whatever the origin\n' "$name" >> "$vf"
        done
fi

# On its own (no BENCH_VERDICTS from run.sh): the exit status says what run.sh's would.
if [ -z "${BENCH_VERDICTS:-}" ]; then
    if awk -F '\t' '$1 == "not measured" || $1 == "missing" { f = 1 } END { exit !f }' "$vf"; then
        awk -F '\t' '$1 == "not measured" || $1 == "missing" { print "limits.sh: " $1 ": " $2 }' "$vf" >&2
        exit 1
    fi
    if [ "${BENCH_STRICT:-0}" = 1 ] && awk -F '\t' '$1 == "**missed**" { f = 1 } END { exit !f }' "$vf"; then
        exit 1
    fi
fi

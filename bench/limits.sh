#!/bin/sh
# limits.sh - prints the RESULTS.md section on mod_cors 1.1's bounds from bench/htaccess.txt
# (tests/htaccess-memory.sh with HTACCESS_FIGURES) and bench/regex.txt (bench/regex.sh).
# Called by bench/run.sh; runs on its own too: sh bench/limits.sh >> bench/RESULTS.md
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ht="$here/htaccess.txt"
rx="$here/regex.txt"

echo "## mod_cors 1.1: \`.htaccess\` parse cost, and the regex match bound"
echo
echo "Figures of $(date -u -r "${ht}" +%Y-%m-%d 2>/dev/null || echo '?') (\`.htaccess\`) and $(date -u -r "${rx}" +%Y-%m-%d 2>/dev/null || echo '?') (regex), same kind of machine"
echo "as above: $(nproc) cores, $(/usr/sbin/apache2 -v | sed -n 's/^Server version: //p'), PCRE2 $(pkg-config --modversion libpcre2-8 2>/dev/null || echo '?')."
echo
echo "### A 64 KB \`.htaccess\` of list directives, read on every request"
echo
if [ -s "$ht" ]; then
    echo "\`make test-htaccess-memory\` (tests/htaccess-memory.sh): for each of CORSAllowMethods,"
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
    awk -F'|' 'NR > 2 && $2 ~ /CORS(Allow|Expose)/ {
            g = $6; gsub(/[^0-9]/, "", g); if (g + 0 > mg) mg = g + 0
            split($8, t, "/"); m = t[1] + 0; if (m > mt) mt = m
            split($5, h, "→"); s = h[3] - h[2]; if (s > ms) ms = s
        } END {
            printf "Largest growth over 20 requests: %d kB (bound 65,536 kB), nearly all of it at the first\n", mg
            printf "request (at most %d kB between the first and the last: the pool blocks a request\n", ms
            printf "leaves are reused by the next). Slowest mean server time per request: %.2f ms.\n", mt
        }' "$ht"
    echo
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
    kinds=$(awk '$1 == "none" {print $2}' "$rx" | tr '\n' ' ')
    # Wall time without CORS hardly depends on the origin sent (callgrind: 36 k to 38 k
    # instructions); the median over all of them is the baseline, steadier than each one.
    nv=$(awk '$1 == "none" {print $4}' "$rx" | sort -n)
    base_us=$(printf '%s\n' "$nv" | sed -n "$(( ($(printf '%s\n' "$nv" | wc -l) + 1) / 2 ))p")
    echo "Extra cost per request over a request without CORS: wall µs (median, against the median"
    echo "of all no-CORS cases, $base_us µs) and, in brackets, instructions (against the same origin"
    echo "without CORS); † marks origins refused because the match limit was hit"
    echo "(every request logged it), ✓ origins allowed. Origin lengths:"
    echo "$(awk '$1 == "none" {printf "%s%s %d bytes", (n++ ? ", " : ""), $2, $3}' "$rx")."
    echo
    printf '| regex |'; for k in $kinds; do printf ' %s |' "$k"; done; echo
    printf '|---|'; for _ in $kinds; do printf -- '---|'; done; echo
    for name in $(awk '$1 != "none" {print $1}' "$rx" | uniq); do
        awk -v n="$name" -v b="$base_us" '
            $1 == "none" {base[$2] = $6}
            $1 == n {
                d = sprintf("%+.0f", $4 - b)
                i = ($6 == "-") ? "" : sprintf(" (%s)", ($6 - base[$2] >= 1e6) ? sprintf("%.1f M", ($6 - base[$2]) / 1e6) : sprintf("%.0f k", ($6 - base[$2]) / 1e3))
                row = row " " d i ($7 > 0 ? " †" : "") ($8 > 0 ? " ✓" : "") " |"
            }
            END { print "| " n " |" row }' "$rx"
    done
    echo
    echo "Target: a request costs under 1 ms more than without CORS, whatever the regex and the"
    echo "origin. The worst origin of each regex is the one costing the most instructions."
    echo
    echo "| regex | worst origin | Δ µs (wall) | Δ instructions | verdict |"
    echo "|---|---|---|---|---|"
    for name in $(awk '$1 != "none" {print $1}' "$rx" | uniq); do
        awk -v n="$name" -v b="$base_us" '
            $1 == "none" {base[$2] = $6}
            $1 == n {
                d = $4 - b
                i = ($6 == "-") ? d : $6 - base[$2]
                if (w == "" || i > wi) {w = $2; wi = i; wd = d}
            }
            END { printf "| %s | %s | %+.0f | %s | %s |\n", n, w, wd, wi,
                  (wd < 1000 ? "met" : "**missed**") }' "$rx"
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
fi

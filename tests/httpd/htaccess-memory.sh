#!/bin/sh
# htaccess-memory.sh - what a 64 KB .htaccess full of list directives costs per request.
# httpd reads an .htaccess, and parses every directive in it, again on every request, and on
# shared hosting its content is not the admin's: a list directive must cost memory and time
# linear in the file and bounded. For each of CORSAllowMethods, CORSAllowHeaders and
# CORSExposeHeaders, three 64 KB files (plus CORSEnable On and CORSAllowOrigin):
#   plain  lines of plain names, the same 200 names over and over   -> 200 / 204
#   edits  lines of +Name edits, the same 200 names over and over   -> 200 / 204
#   over   256 names over and over, then a line bringing 44 more   -> 500, one error-log line
#          naming the file, the directive and the limit (256) per request
# Each file is served by a fresh httpd -X (prefork, one process); its VmHWM and VmRSS are read
# before the first and after the last of $HTACCESS_REQUESTS (20) requests. The growth must
# stay under 64 MB and each request under 2 s (generous safety bounds: the figures are
# printed, and HTACCESS_FIGURES=FILE writes them as a markdown table for bench/RESULTS.md).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/mk/httpd.sh"
. "$top/mk/tap.sh"
httpd_require_module || exit 1
N=${HTACCESS_REQUESTS:-20}
SIZE=65536
MEM_BOUND_KB=65536      # 64 MB
TIME_BOUND_MS=2000

httpd_tmpdir root
trap httpd_cleanup EXIT
trap 'exit 130' INT TERM
HTTPD_OUT="$root/stdout"

# names DIRECTIVE FROM TO: the names FROM..TO (three digits) for DIRECTIVE, one per line.
names() {
    case $1 in
        CORSAllowMethods) prefix=XMETHOD ;;
        CORSAllowHeaders) prefix=X-Allow-Name- ;;
        AddType) prefix=ext ;;
        *) prefix=X-Expose-Name- ;;
    esac
    awk -v p="$prefix" -v a="$2" -v b="$3" 'BEGIN { for (i = a; i <= b; i++) printf "%s%03d\n", p, i }'
}

# htaccess FILE DIRECTIVE VARIANT: a SIZE-byte (within a line) file of DIRECTIVE lines.
htaccess() {
    file=$1 dir=$2 variant=$3
    last=199
    [ "$variant" = over ] && last=255
    edit=""
    [ "$variant" = edits ] && edit="+"
    lead=$dir
    [ "$dir" = AddType ] && lead="AddType application/x-bench"
    {
        echo "CORSEnable On"
        echo "CORSAllowOrigin https://a.example"
        # 16 names a line, cycling through names 0..last, until the file holds SIZE bytes.
        names "$dir" 0 "$last" | awk -v d="$lead" -v e="$edit" -v size="$SIZE" '
            { n[NR - 1] = $0 } END {
                bytes = 60; i = 0           # the two lines above
                while (bytes < size - 400) {
                    line = d
                    for (k = 0; k < 16; k++) { line = line " " e n[i % NR]; i++ }
                    print line; bytes += length(line) + 1
                }
            }'
        if [ "$variant" = over ]; then
            # The last line brings names 256..299: the 257th distinct name is the error, as
            # late in the file as it can be (the whole file is read first).
            echo "$dir $(names "$dir" 256 299 | tr '\n' ' ')"
        fi
    } > "$file"
}

# server_ms: mean / max of the access log's %D (microseconds), in ms.
server_ms() {
    awk '{s += $1; if ($1 > m) m = $1} END {printf "%.2f / %.2f", s / NR / 1000, m / 1000}' \
        "$root/access_log"
}

status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# install FILE: FILE becomes the churn directory's .htaccess whole (written aside, renamed).
install_htaccess() { chmod 644 "$1" && mv "$1" "$d/.htaccess"; }
# acao_of ORIGIN URL: the Access-Control-Allow-Origin of a GET from ORIGIN.
acao_of() {
    curl -s -o /dev/null -D - -H "Origin: $1" "$2" | tr -d '\r' \
        | sed -n 's/^Access-Control-Allow-Origin: //p'
}

start() {   # httpd -X (one process) in the background, waits (bounded) for it to answer
    httpd_start "$root" "$url/probe.txt" one || { echo "httpd did not start" >&2; exit 1; }
    pid=$(httpd_job "$root")
}

port=$(httpd_free_port)
url="http://127.0.0.1:$port"
mkdir -p "$root/htdocs"
echo probe > "$root/htdocs/probe.txt"
{
    httpd_base "$root" prefork
    echo "Listen 127.0.0.1:$port"
    echo "DocumentRoot $root/htdocs"
    echo "KeepAlive Off"
    echo 'LogFormat "%D" us'
    echo "CustomLog $root/access_log us"
    echo "<Directory $root/htdocs>"
    echo "    Require all granted"
    echo "    AllowOverride FileInfo"
    echo "</Directory>"
} > "$root/httpd.conf"

figures=${HTACCESS_FIGURES:-}
[ -z "$figures" ] || {
    echo "| directive | file | answers | VmHWM before → after 1st → after last (kB) | VmHWM growth | VmRSS growth | server ms per request (mean / max) | curl ms (mean / max) |"
    echo "|---|---|---|---|---|---|---|---|"
} > "$figures"

run_case() {   # DIRECTIVE VARIANT
    dir=$1 variant=$2
    d="$root/htdocs/$dir-$variant"
    mkdir -p "$d"
    echo data > "$d/data.txt"
    htaccess "$d/.htaccess" "$dir" "$variant"
    chmod -R a+rX "$root/htdocs"
    bytes=$(wc -c < "$d/.htaccess")
    lines=$(wc -l < "$d/.htaccess")
    case $dir in
        CORSAllowMethods) pre="-H Access-Control-Request-Method:XMETHOD007" ;;
        CORSAllowHeaders) pre="-H Access-Control-Request-Method:POST -H Access-Control-Request-Headers:x-allow-name-007" ;;
        *) pre="-H Access-Control-Request-Method:GET" ;;   # CORSExposeHeaders, AddType
    esac
    : > "$root/error_log"
    start
    hwm0=$(status_kb "$pid" VmHWM) rss0=$(status_kb "$pid" VmRSS)
    log0=$(wc -l < "$root/error_log")
    : > "$root/access_log"      # the probe's line out: only the measured requests
    : > "$root/codes"
    : > "$root/times"
    i=0
    while [ $i -lt "$N" ]; do
        if [ $((i % 2)) -eq 0 ]; then
            out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' \
                -H 'Origin: https://a.example' "$url/$dir-$variant/data.txt")
        else
            # shellcheck disable=SC2086
            out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -X OPTIONS \
                -H 'Origin: https://a.example' $pre "$url/$dir-$variant/data.txt")
        fi
        echo "${out% *}" >> "$root/codes"
        echo "${out#* }" >> "$root/times"
        [ $i -eq 0 ] && hwm_first=$(status_kb "$pid" VmHWM)
        i=$((i + 1))
    done
    hwm1=$(status_kb "$pid" VmHWM) rss1=$(status_kb "$pid" VmRSS)
    httpd_stop "$root"
    codes=$(sort "$root/codes" | uniq -c | awk '{printf "%s%s×%s", (NR > 1 ? " " : ""), $1, $2}')
    mean=$(awk '{s += $1} END {printf "%.1f", s * 1000 / NR}' "$root/times")
    max=$(awk '$1 > m {m = $1} END {printf "%.1f", m * 1000}' "$root/times")
    max_ms=$(awk '$1 > m {m = $1} END {printf "%d", m * 1000}' "$root/times")
    served=$(server_ms)
    echo "# $dir $variant: $bytes bytes, $lines lines; answers $codes;" \
        "VmHWM $hwm0 -> $hwm_first after the first request -> $hwm1 kB (+$((hwm1 - hwm0))), VmRSS $rss0 -> $rss1 kB (+$((rss1 - rss0)));" \
        "$served ms per request in httpd (%D; mean / max), $mean / $max ms in curl"
    if [ "$variant" = over ]; then
        check "$dir $variant: every request answers 500" "$N×500" "$codes"
        # Lines the requests added to the error log: one each, naming file, directive, limit.
        new=$(tail -n +"$((log0 + 1))" "$root/error_log")
        total=$(printf '%s\n' "$new" | grep -c . || true)
        named=$(printf '%s\n' "$new" | grep -F "$d/.htaccess" | grep -F "$dir" | grep -c 256 || true)
        check "$dir $variant: one error-log line per request" "$N" "$total"
        check "$dir $variant: ... naming the .htaccess path, $dir and 256" "$N" "$named"
        printf '%s\n' "$new" | head -n 1 | cut -c 1-400 | sed 's/^/#   /'
    else
        check "$dir $variant: every request answers normally (200 / 204)" \
            "$((N / 2))×200 $((N - N / 2))×204" "$codes"
        new=$(tail -n +"$((log0 + 1))" "$root/error_log")
        check "$dir $variant: no error-log line" "" "$new"
    fi
    below "$dir $variant: VmHWM growth over $N requests, kB" $((hwm1 - hwm0)) $MEM_BOUND_KB
    below "$dir $variant: VmRSS growth over $N requests, kB" $((rss1 - rss0)) $MEM_BOUND_KB
    below "$dir $variant: slowest request, ms" "$max_ms" $TIME_BOUND_MS
    label=$dir
    [ "$dir" = AddType ] && label="(reference: mod_mime AddType)"
    [ -z "$figures" ] || echo "| $label | $variant, $bytes bytes | $codes | $hwm0 → $hwm_first → $hwm1 | +$((hwm1 - hwm0)) kB | +$((rss1 - rss0)) kB | $served | $mean / $max |" >> "$figures"
}

# The references: httpd's own cost for 64 KB of a core module's list directive (mod_mime's
# AddType, the same 200 names over and over), and the same requests to a directory whose
# .htaccess holds three short lines.
run_case AddType plain

mkdir -p "$root/htdocs/small"
echo data > "$root/htdocs/small/data.txt"
printf 'CORSEnable On\nCORSAllowOrigin https://a.example\nCORSAllowHeaders X-Allow-Name-007\n' \
    > "$root/htdocs/small/.htaccess"
chmod -R a+rX "$root/htdocs"
start
hwm0=$(status_kb "$pid" VmHWM) rss0=$(status_kb "$pid" VmRSS)
: > "$root/access_log"
: > "$root/times"
i=0
while [ $i -lt "$N" ]; do
    curl -s -o /dev/null -w '%{time_total}\n' -H 'Origin: https://a.example' \
        "$url/small/data.txt" >> "$root/times"
    [ $i -eq 0 ] && hwm_first=$(status_kb "$pid" VmHWM)
    i=$((i + 1))
done
hwm1=$(status_kb "$pid" VmHWM) rss1=$(status_kb "$pid" VmRSS)
httpd_stop "$root"
mean=$(awk '{s += $1} END {printf "%.1f", s * 1000 / NR}' "$root/times")
max=$(awk '$1 > m {m = $1} END {printf "%.1f", m * 1000}' "$root/times")
served=$(server_ms)
echo "# reference (3-line .htaccess): VmHWM $hwm0 -> $hwm1 kB (+$((hwm1 - hwm0))), VmRSS +$((rss1 - rss0)) kB; $served ms per request in httpd, $mean / $max ms in curl"
[ -z "$figures" ] || echo "| (reference: CORS in 3 lines) | 3 lines | $N×200 | $hwm0 → $hwm_first → $hwm1 | +$((hwm1 - hwm0)) kB | +$((rss1 - rss0)) kB | $served | $mean / $max |" >> "$figures"

for dir in CORSAllowMethods CORSAllowHeaders CORSExposeHeaders; do
    for variant in plain edits over; do
        run_case "$dir" "$variant"
    done
done

# ---- one file rewritten again and again: the per-process cache of parsed lines stays bounded.
# Each version is a distinct 64 KB list of origins (what a site whose list keeps changing, or
# many sites sharing a process, put in its cache), read by one request that its newest origin
# must pass and the version before's must not. Without eviction the process would keep every
# version's parsed list (about 1 MB each); the cache starts a new generation past 8 MB.
VERSIONS=${HTACCESS_VERSIONS:-150}
CHURN_BOUND_KB=40960    # 40 MB: twice a generation's bound, and what it under-counts
d="$root/htdocs/churn"
mkdir -p "$d"
echo data > "$d/data.txt"
chmod -R a+rX "$root/htdocs"
# version V: lines of 20 origins https://vV-oI.example.com, to 64 KB.
version() {
    awk -v v="$1" -v size="$SIZE" 'BEGIN {
        n = 0; i = 0
        while (n < size) {
            line = "CORSAllowOrigin"
            for (k = 0; k < 20; k++) line = line sprintf(" https://v%d-o%d.example.com", v, ++i)
            print line; n += length(line) + 1
        }
        printf "CORSAllowOrigin +https://v%d-last.example.com\n", v
    }'
}
sed -i 's/^LogLevel .*/LogLevel warn cors:info/' "$root/httpd.conf"
grep -q '^LogLevel warn cors:info' "$root/httpd.conf" || echo "LogLevel warn cors:info" >> "$root/httpd.conf"
: > "$root/error_log"
start
rss0=$(status_kb "$pid" VmRSS)
: > "$root/churn"
v=1
while [ "$v" -le "$VERSIONS" ]; do
    version "$v" > "$d/.htaccess.tmp" && install_htaccess "$d/.htaccess.tmp"
    new=$(acao_of "https://v$v-last.example.com" "$url/churn/data.txt")
    old=$(acao_of "https://v$((v - 1))-last.example.com" "$url/churn/data.txt")
    [ "$new" = "https://v$v-last.example.com" ] && [ -z "$old" ] && echo ok >> "$root/churn"
    [ $((v % 50)) -eq 0 ] && echo "# churn: after $v versions VmRSS $(status_kb "$pid" VmRSS) kB (from $rss0)"
    v=$((v + 1))
done
rss1=$(status_kb "$pid" VmRSS) hwm1=$(status_kb "$pid" VmHWM)
httpd_stop "$root"
check "churn: each of $VERSIONS versions allowed its own origin at once, not the one before" \
    "$VERSIONS" "$(grep -c ok "$root/churn" || true)"
below "churn: VmRSS growth over $VERSIONS versions of a 64 KB list, kB" $((rss1 - rss0)) $CHURN_BOUND_KB
fresh=$(grep -c "cache of .htaccess lines holds .* it starts afresh" "$root/error_log" || true)
echo "# churn: the cache started afresh $fresh times"
below "churn: ... because the cache started afresh (more than 10 times), times" 10 "$fresh"
[ -z "$figures" ] || echo "| (cache) CORSAllowOrigin, $VERSIONS versions | 64 KB each | $((2 * VERSIONS)) answers | VmRSS $rss0 → $rss1, VmHWM $hwm1 | | +$((rss1 - rss0)) kB | | |" >> "$figures"

# ---- the same with regexes: what they compile to counts against the bound, not their text.
# Each version holds 25 regexes of about 3 KB of text that PCRE2 compiles to about 60 KB each
# (an outside review's case: counted by their text, the process grew to 100 MB).
RVERSIONS=${HTACCESS_REGEX_VERSIONS:-60}
rversion() {   # VERSION [REGEXES]
    awk -v v="$1" -v n="${2:-25}" 'BEGIN {
        for (i = 1; i <= n; i++) printf "CORSAllowOriginMatch +^https://v%dr%d(?:[a-z][0-9]){900}\\.example$\n", v, i
        printf "CORSAllowOrigin https://v%d-last.example.com\n", v
    }'
}
: > "$root/error_log"
start
rss0=$(status_kb "$pid" VmRSS)
: > "$root/rchurn"
v=1
while [ "$v" -le "$RVERSIONS" ]; do
    rversion "$v" > "$d/.htaccess.tmp" && install_htaccess "$d/.htaccess.tmp"
    new=$(acao_of "https://v$v-last.example.com" "$url/churn/data.txt")
    curl -s -o /dev/null -H "Origin: https://zz.example" "$url/churn/data.txt"
    [ "$new" = "https://v$v-last.example.com" ] && echo ok >> "$root/rchurn"
    v=$((v + 1))
done
rss1=$(status_kb "$pid" VmRSS)
httpd_stop "$root"
fresh=$(grep -c "it starts afresh" "$root/error_log" || true)
echo "# regex churn: VmRSS $rss0 -> $rss1 kB over $RVERSIONS versions; the cache started afresh $fresh times"
check "regex churn: each of $RVERSIONS versions allowed its own origin at once" \
    "$RVERSIONS" "$(grep -c ok "$root/rchurn" || true)"
below "regex churn: VmRSS growth over $RVERSIONS versions of 25 large regexes, kB" \
    $((rss1 - rss0)) $CHURN_BOUND_KB
below "regex churn: ... while the cache kept them and started afresh (more than 5 times)" 5 "$fresh"

# A file whose policy would take more than a quarter of the cache (60 such regexes, ~3.6 MB)
# is parsed on every request instead of being kept: it never makes the cache start afresh.
: > "$root/error_log"
start
: > "$root/big"
v=1
while [ "$v" -le 10 ]; do
    rversion "$v" 60 > "$d/.htaccess.tmp" && install_htaccess "$d/.htaccess.tmp"
    for _ in 1 2 3; do
        acao_of "https://v$v-last.example.com" "$url/churn/data.txt" >> "$root/big"
    done
    v=$((v + 1))
done
httpd_stop "$root"
check "a policy too large to keep: every answer right" 30 "$(grep -c -- -last.example.com "$root/big" || true)"
check "... and the cache never started afresh for it" 0 "$(grep -c "it starts afresh" "$root/error_log" || true)"
[ -z "$figures" ] || echo "| (cache) CORSAllowOriginMatch, $RVERSIONS versions | 25 regexes of ~60 KB compiled each | $((2 * RVERSIONS)) answers | VmRSS $rss0 → $rss1 | | +$((rss1 - rss0)) kB | | |" >> "$figures"

# ---- slow requests in flight keep the generation they read; they cannot make the process
# hold more than three (counted in the error log: RSS in a threaded child also holds what
# each thread's allocator keeps, which hides the difference). An event child with 10 threads: 7 times, a slow download from the
# directory starts (and reads its .htaccess) and the file then goes through enough
# versions to fill the cache. Each download would keep its own generation alive
# (an outside review saw 130 MB per held connection); past two retired ones still read, the
# cache stops growing instead, and new files are parsed per request until one ends.
e="$root/event"
mkdir -p "$e"
head -c 50000000 /dev/zero > "$d/big.bin"
chmod -R a+rX "$root/htdocs"
eport=$(httpd_free_port)
{
    httpd_base "$e" event
    echo "Listen 127.0.0.1:$eport"
    echo "DocumentRoot $root/htdocs"
    echo "StartServers 1"
    echo "ServerLimit 1"
    echo "ThreadsPerChild 10"
    echo "MaxRequestWorkers 10"
    echo "EnableMMAP Off"
    echo "MaxMemFree 64"
    echo "LogLevel warn cors:info"
    echo "<Directory $root/htdocs>"
    echo "    Require all granted"
    echo "    AllowOverride FileInfo"
    echo "</Directory>"
} > "$e/httpd.conf"
httpd_start "$e" "http://127.0.0.1:$eport/probe.txt" || { echo "event httpd did not start" >&2; exit 1; }
echild=$(pgrep -P "$(cat "$e"/*.pid 2>/dev/null | head -n 1)" | head -n 1)
erss0=$(status_kb "$echild" VmRSS)
: > "$root/held"
v=1000
k=1
while [ $k -le 7 ]; do
    # A download that reads 100 bytes and then waits (at most 60 s).
    perl -MIO::Socket::INET -e '
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0]) or exit 1;
        setsockopt($s, 1, 8, 4096);
        print $s "GET /churn/big.bin HTTP/1.1\r\nHost: x\r\nOrigin: https://zz.example\r\n\r\n";
        $| = 1; read($s, my $b, 100); print "held\n"; sleep 60;' "$eport" >> "$root/held" &
    echo $! >> "$root/held.pids"
    i=0
    while [ "$(grep -c held "$root/held")" -lt $k ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    j=0
    while [ $j -lt 8 ]; do
        rversion "$v" > "$d/.htaccess.tmp" && install_htaccess "$d/.htaccess.tmp"
        # twice: the second request finds the file's lines and keeps the policy they build
        curl -s -o /dev/null -H "Origin: https://v$v-last.example.com" "http://127.0.0.1:$eport/churn/data.txt"
        curl -s -o /dev/null -H "Origin: https://v$v-last.example.com" "http://127.0.0.1:$eport/churn/data.txt"
        v=$((v + 1)) j=$((j + 1))
    done
    k=$((k + 1))
done
erss1=$(status_kb "$echild" VmRSS)
last=$(acao_of "https://v$((v - 1))-last.example.com" "http://127.0.0.1:$eport/churn/data.txt")
while read -r held; do kill "$held" 2>/dev/null || true; done < "$root/held.pids"
httpd_stop "$e"
echo "# held downloads: $(grep -c held "$root/held") held; event child VmRSS $erss0 -> $erss1 kB"
check "held downloads: all 7 started" 7 "$(grep -c held "$root/held")"
check "held downloads: the newest version still answers" "https://v$((v - 1))-last.example.com" "$last"
efresh=$(grep -c "it starts afresh" "$e/error_log" || true)
echo "# held downloads: the cache started afresh $efresh times over 56 versions"
# Without the limit it starts afresh about twice per download (each one keeping another
# generation); with it, three generations are reached within the first three downloads.
below "held downloads: fresh starts while downloads hold old generations (at most 4)" \
    "$efresh" 5
below "held downloads: the child's VmRSS growth, kB (a safety bound: threads keep freed memory)" \
    $((erss1 - erss0)) $MEM_BOUND_KB
[ -z "$figures" ] || echo "| (cache) 7 slow downloads held across 56 regex versions | event, 10 threads | | VmRSS $erss0 → $erss1 | | +$((erss1 - erss0)) kB | | |" >> "$figures"
rm -f "$d/big.bin"

tap_done

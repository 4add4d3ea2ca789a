#!/bin/sh
# regex.sh - the worst case per request of a pathological CORSAllowOriginMatch regex against
# hostile origins (up to 512 bytes, all accepted by the origin parser), through a real httpd,
# beside a normal regex and no CORS at all. Every match is bounded by PCRE2's match limit
# (10,000, interpreted: JIT's limit counts coarser steps); a match that hits it refuses the
# origin and logs a warning.
#   wall clock: httpd -X (prefork); REGEX_REQUESTS (200) kept-alive GETs per case, REGEX_ROUNDS
#               (3) interleaved rounds, median of the per-request time
#   callgrind:  instructions per request, (run with REGEX_CG_REQUESTS (50) - run with none) /
#               count, as bench/callgrind.sh does; REGEX_CALLGRIND=0 skips it
# Writes bench/regex.txt: regex-name origin-kind origin-bytes us-per-request us-no-cors
#   instructions (or -) limit-warnings-per-request allowed(0/1). A figure not measured (a
#   request not answered 200, the server not starting, callgrind writing no total) is "-",
#   never 0, and the script fails once the file is written.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$top/mk/httpd.sh"
K=${REGEX_REQUESTS:-200}
rounds=${REGEX_ROUNDS:-3}
do_cg=${REGEX_CALLGRIND:-1}
# The worst cases cost ~10^8 instructions a request: fewer requests under callgrind (start-up
# still differs by some thousands of instructions between runs: tens per request here).
KC=${REGEX_CG_REQUESTS:-50}
if [ "${BENCH_QUICK:-0}" = 1 ]; then K=100; rounds=1; fi
out="$here/regex.txt"
: > "$out"      # an earlier run's figures must not outlive a run that fails
httpd_tmpdir root
trap httpd_cleanup EXIT
trap 'exit 130' INT TERM
HTTPD_OUT=/dev/null     # httpd's and valgrind's own output

# name|regex: the locations; "none" has no CORS at all. "normal" is what a regex should look
# like; the others nest repetition (exponential backtracking without a limit). "twotld",
# "alt10" and "https20" add alternatives that each scan the rest of the origin: under JIT the
# match limit counted steps coarse enough for these to cost milliseconds, which is why the
# module matches interpreted (these end differently, so PCRE2 cannot rule an origin out by a
# required last character).
regexes='normal|^https://[a-z0-9-]+\.example\.com$
nested|^https://([a-z]+)+\.example\.com$
alt|^https://(a|aa)+\.example\.com$
dotted|^https://([a-z.]+)+\.example\.com$
twotld|^https://([a-z0-9-]+)+\.(?:[a-z0-9.-]*\.example\.com|[a-z0-9.-]*\.example\.org)$
scheme|^([a-z]+)+://[a-z.]+\.example\.com$
alt10|^([a-z]+)+://(?:[a-z.]*b|[a-z.]*c|[a-z.]*d|[a-z.]*e|[a-z.]*f|[a-z.]*g|[a-z.]*h|[a-z.]*i|[a-z.]*j|[a-z.]*k)$
https20|^https://([a-z0-9-]+)+\.(?:[a-z.]*zb|[a-z.]*zd|[a-z.]*zf|[a-z.]*zg|[a-z.]*zh|[a-z.]*zi|[a-z.]*zj|[a-z.]*zk|[a-z.]*zn|[a-z.]*zq|[a-z.]*yb|[a-z.]*yd|[a-z.]*yf|[a-z.]*yg|[a-z.]*yh|[a-z.]*yi|[a-z.]*yj|[a-z.]*yk|[a-z.]*yn|[a-z.]*yq)$'
locations="none $(printf '%s\n' "$regexes" | cut -d'|' -f1 | tr '\n' ' ')"

a() { head -c "$1" /dev/zero | tr '\0' a; }
host253="$(a 63).$(a 63).$(a 63).$(a 50).example.co"    # 253 bytes, the longest host
# kind|origin: "short" is what the first regexes allow; the others almost match the
# pathological ones and fail at their very end (a label is at most 63 bytes, a host 253, an
# origin 512: the longest the parser takes, with a 256-letter scheme).
origins="short|https://aaaa.example.com
label30|https://$(a 30).example.co
label63|https://$(a 63).example.co
host253|https://$host253
labels4|https://$(a 63).$(a 63).$(a 63).$(a 61)
origin512|$(a 256)://$host253"

port=$(httpd_free_port)
{
    httpd_base "$root" prefork
    echo "Listen 127.0.0.1:$port"
    echo "DocumentRoot $root/htdocs"
    echo "KeepAliveTimeout 30"
    echo "MaxKeepAliveRequests 0"
    echo "<Directory $root/htdocs>"
    echo "    Require all granted"
    echo "</Directory>"
    printf '%s\n' "$regexes" | while IFS='|' read -r name re; do
        echo "<Directory $root/htdocs/$name>"
        echo "    CORSEnable On"
        echo "    CORSAllowOriginMatch $re"
        echo "</Directory>"
    done
} > "$root/httpd.conf"
for l in $locations; do
    mkdir -p "$root/htdocs/$l"
    echo '{"hello": "world"}' > "$root/htdocs/$l/data.json"
done
chmod -R a+rX "$root/htdocs"
: > "$root/error_log"
chmod 666 "$root/error_log"

start() {   # [WRAPPER...]: httpd -X in the background, waits (bounded) until it answers
    httpd_start "$root" "http://127.0.0.1:$port/nothing" one "$@" ||
        { echo "httpd did not start" >&2; exit 1; }
}

urls() {   # LOCATION [COUNT]: COUNT (K) copies of its URL
    i=0
    while [ $i -lt "${2:-$K}" ]; do printf 'http://127.0.0.1:%s/%s/data.json ' "$port" "$1"; i=$((i + 1)); done
}

# send LOCATION ORIGIN: K GETs on one connection; prints the wall time in ns, or - unless
# every answer was a 200 (a 404 or a 500 is not the time asked for); response headers in
# $root/headers.
send() {
    t0=$(date +%s%N)
    # shellcheck disable=SC2046
    curl -s -D "$root/headers" -w '%{stderr}%{http_code}\n' -H "Origin: $2" $(urls "$1") \
        > /dev/null 2> "$root/codes" || true
    t1=$(date +%s%N)
    if [ "$(grep -c '^200$' "$root/codes")" -eq "$K" ]; then
        echo $((t1 - t0))
    else
        echo "regex.sh: $1: $(grep -vc '^200$' "$root/codes") of $K answers not a 200" >&2
        echo -
    fi
}

# ---- wall clock ---------------------------------------------------------------------------
start
send none https://warm.example > /dev/null     # first-use costs out of the figures
: > "$root/raw"
r=1
while [ "$r" -le "$rounds" ]; do
    for l in $locations; do
        printf '%s\n' "$origins" | while IFS='|' read -r kind o; do
            w0=$(grep -c 'gave up at its match limit' "$root/error_log" || true)
            ns=$(send "$l" "$o")
            w1=$(grep -c 'gave up at its match limit' "$root/error_log" || true)
            allowed=$(tr -d '\r' < "$root/headers" | grep -ci '^access-control-allow-origin:' || true)
            per=-; [ "$ns" = - ] || per=$((ns / K))
            echo "$l $kind ${#o} $per $(( (w1 - w0) * 100 / K )) $((allowed > 0 ? 1 : 0))" >> "$root/raw"
        done
    done
    r=$((r + 1))
done
httpd_stop "$root"

# ---- callgrind ----------------------------------------------------------------------------
# cg_total LOCATION ORIGIN COUNT: instructions of httpd -X serving COUNT requests; fails,
# printing nothing, when the server does not start, an answer is not a 200 or callgrind
# writes no total.
cg_total() {
    cg="$root/callgrind.out"
    rm -f "$cg"; : > "$cg"; chmod 666 "$cg"
    start env LD_BIND_NOW=1 valgrind --tool=callgrind --callgrind-out-file="$cg"
    ok=1
    if [ "$3" -gt 0 ]; then
        # shellcheck disable=SC2046
        curl -s -w '%{stderr}%{http_code}\n' -H "Origin: $2" $(urls "$1" "$3") > /dev/null 2> "$root/cg-codes" || true
        if [ "$(grep -c '^200$' "$root/cg-codes")" -ne "$3" ]; then
            echo "regex.sh: $1 under callgrind: $(grep -vc '^200$' "$root/cg-codes") of $3 answers not a 200" >&2
            ok=0
        fi
    fi
    httpd_stop "$root"
    [ "$ok" = 1 ] || return 1
    t=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p; s/^totals: *\([0-9]*\).*/\1/p' "$cg" | head -n 1)
    case $t in ''|*[!0-9]*) echo "regex.sh: $1: no total in callgrind's output" >&2; return 1 ;; esac
    echo "$t"
}
: > "$root/instr"
if [ "$do_cg" = 1 ] && command -v valgrind >/dev/null; then
    base=$(cg_total none https://warm.example 0) || base=-
    for l in $locations; do
        printf '%s\n' "$origins" | while IFS='|' read -r kind o; do
            total=$(cg_total "$l" "$o" "$KC") || total=-
            if [ "$base" != - ] && [ "$total" != - ] && [ "$total" -gt "$base" ]; then
                echo "$l $kind $(( (total - base) / KC ))"
            else
                echo "$l $kind -"
            fi >> "$root/instr"
        done
    done
fi

# ---- medians -------------------------------------------------------------------------------
: > "$out"
for l in $locations; do
    printf '%s\n' "$origins" | while IFS='|' read -r kind o; do
        med() {   # LOCATION: median per-request ns of that location with this origin kind
            # (of the rounds measured; - when none was: an empty median is not 0 µs)
            v=$(awk -v l="$1" -v k="$kind" '$1 == l && $2 == k && $4 ~ /^[0-9]+$/ {print $4}' "$root/raw" | sort -n)
            if [ -z "$v" ]; then echo -; return; fi
            n=$(printf '%s\n' "$v" | wc -l)
            printf '%s\n' "$v" | sed -n "$(( (n + 1) / 2 ))p"
        }
        us_of() { if [ "$1" = - ]; then echo -; else awk -v n="$1" 'BEGIN {printf "%.1f", n / 1000}'; fi; }
        us=$(us_of "$(med "$l")")
        none=$(us_of "$(med none)")
        warn=$(awk -v l="$l" -v k="$kind" '$1 == l && $2 == k {print $5; exit}' "$root/raw")
        allowed=$(awk -v l="$l" -v k="$kind" '$1 == l && $2 == k {print $6; exit}' "$root/raw")
        instr=$(awk -v l="$l" -v k="$kind" '$1 == l && $2 == k {print $3}' "$root/instr")
        echo "$l $kind ${#o} $us $none ${instr:--} $warn $allowed" >> "$out"
    done
done
cat "$out"
# Any round not measured, or any instructions callgrind was asked for and did not give: fail.
bad=$(awk '$4 == "-" {print $1 " " $2 " wall"}' "$root/raw" | sort -u)
if [ "$do_cg" = 1 ] && command -v valgrind >/dev/null; then
    bad="$bad$(awk '$6 == "-" {printf "\n%s %s instructions", $1, $2}' "$out")"
fi
if [ -n "$(printf '%s' "$bad" | tr -d '\n')" ]; then
    printf 'regex.sh: not measured:\n%s\n' "$bad" | sed '/^$/d' >&2
    exit 1
fi

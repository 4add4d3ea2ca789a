#!/bin/sh
# metrics.sh - the shared counters (SetHandler cors-metrics where CORSHandlers is On), through
# two real httpds and a real Prometheus.
#   sh tests/httpd/metrics.sh
# What it shows:
#   - two servers, one prefork (at least 4 children) and one event, each with two name-based
#     virtual hosts (a.test, b.test), given a known mix of requests over many connections:
#     allowed requests and preflights, refused origins, methods and headers, the same under
#     CORSReportOnly, and requests that are not counted (no Origin; no policy where they go);
#   - each server's /metrics (Prometheus text format 0.0.4) has exactly the count of the mix
#     for each virtual host and outcome, summed over every child that answered, and every
#     child shows the same counts; a graceful restart starts them at 0;
#   - SetHandler cors-metrics answers 404 where CORSHandlers is not On (a location without
#     it, one with CORSHandlers Off, an .htaccess with SetHandler); CORSHandlers On in an
#     .htaccess is refused (500, with an error-log line);
#   - the origin sources' counters (mod_cors_source_lookups_total), by exact deltas, in each
#     server: a file lookup for each request with a well-formed Origin at a location with
#     CORSAllowOriginFile; at one with CORSAllowOriginMap (an SDBM file), on connections of
#     their own, a cache miss and a dbm lookup for an origin new to its process and a hit for
#     each repeat, and over connections at once a hit or a miss each, a dbm lookup per miss;
#     CORSDebug's X-CORS-Reason names the kind of source, never its path; the error log's
#     cors:info refusal line names the source that said no;
#   - the DBM file made unreadable while the server runs: its origin is refused without
#     Access-Control-Allow-Origin (Cache-Control: no-store), noted and counted
#     refused-unavailable, counted a dbm failure, the refusal line ends with what opening the
#     DBM said, X-CORS-Reason says "the origin map could not be read now"; readable again,
#     the origin is allowed again;
#   - a throwaway Prometheus (Debian's prometheus, downloaded and unpacked under build/, never
#     installed; the part is skipped when it cannot be had, a failure in CI) scraping both servers every second finds
#     the mix's totals: sum by (outcome) (mod_cors_requests_total); the answer is printed;
#   - mod_status in the prefork server (no ExtendedStatus line): /server-status?auto's
#     CORSRequests[NAME PORT outcome] and CORSSourceLookups[source result] lines are the counts
#     /metrics gives, no key holds a ':'; the HTML page has a mod_cors section;
#   - report-only's room: a prefork httpd with one child, 1,030 requests each from another
#     origin beside the mod_headers recipe's "*": exactly 1,024 disagreement lines, then one
#     line saying the room is full; %{cors}n says report-refused-origin for all 1,030.
# Everything on loopback, free ports, in temporary directories removed at the end.
# shellcheck disable=SC2154   # dir_NAME, port_NAME: set through eval by server()
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/mk/httpd.sh"
. "$top/mk/tap.sh"
httpd_require_module || exit 1

httpd_tmpdir root
prom_pid=""
stop_prometheus() {
    [ -n "$prom_pid" ] || return 0
    kill -TERM "$prom_pid" 2>/dev/null || true
    _n=0
    while kill -0 "$prom_pid" 2>/dev/null && [ $_n -lt 100 ]; do sleep 0.1; _n=$((_n + 1)); done
    kill -KILL "$prom_pid" 2>/dev/null || true
    wait "$prom_pid" 2>/dev/null || true
    prom_pid=""
}
cleanup() {
    stop_prometheus
    httpd_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ci=""
if [ "$(id -u)" -eq 0 ] && [ "${CI:-}" = true ]; then in_ci=1; fi
skip_unless_ci() {
    if [ -n "$in_ci" ]; then fail "skipped in CI (root, CI=true), where it must run: $*"; else skip "$*"; fi
}

app=https://app.example
file_origin=https://f.example     # the one origin of each server's origin file
dbm_origin=https://d.example      # ... and of its DBM file
# The outcomes /metrics names, in the order the tables below show them.
outcomes="allowed preflight refused-origin refused-method refused-header refused-unavailable \
report-allowed report-preflight report-refused-origin report-refused-method \
report-refused-header report-refused-unavailable"

# ---- the servers -------------------------------------------------------------------------
# server NAME MPM: an instance in $root/NAME; sets dir_NAME and port_NAME.
server() {
    name=$1 mpm=$2
    d="$root/$name"
    p=$(httpd_free_port)
    eval "dir_$name=\$d port_$name=\$p"
    for sub in api report plain ht-handler ht-on; do
        mkdir -p "$d/www/$sub"
        echo "$sub data" > "$d/www/$sub/x"
    done
    mkdir -p "$d/www/file" "$d/www/dbm" "$d/src"
    echo "file data" > "$d/www/file/x"
    echo "dbm data" > "$d/www/dbm/x"
    echo "dbm data" > "$d/www/dbm/down"
    # The origin sources: an origin file and an SDBM file, one origin each.
    echo "$file_origin" > "$d/src/origins.txt"
    printf '%s 1\n' "$dbm_origin" | httxt2dbm -f SDBM -i - -o "$d/src/origins" > /dev/null
    printf 'SetHandler cors-metrics\n' > "$d/www/ht-handler/.htaccess"
    printf 'CORSHandlers On\n' > "$d/www/ht-on/.htaccess"
    # mod_status in the prefork server: mod_cors's part of /server-status (no ExtendedStatus).
    extra_mods=""
    [ "$mpm" = prefork ] && extra_mods=status
    {
        # shellcheck disable=SC2086   # no module, or one
        httpd_base "$d" "$mpm" $extra_mods
        echo "Listen 127.0.0.1:$p"
        echo "DocumentRoot $d/www"
        echo "LogLevel warn cors:warn"
        # Every request: the child that answered, the virtual host, the outcome note.
        echo 'LogFormat "%P %v %{cors}n %>s %m %U" metrics'
        echo "CustomLog $d/access_log metrics"
        if [ "$mpm" = prefork ]; then
            # Several children, so that the counts are sums over processes.
            printf 'StartServers 4\nMinSpareServers 4\nMaxSpareServers 8\n'
            printf 'ServerLimit 16\nMaxRequestWorkers 16\n'
            printf '<Location /server-status>\n    SetHandler server-status\n</Location>\n'
        else
            printf 'StartServers 3\nServerLimit 4\nThreadLimit 8\nThreadsPerChild 8\n'
            printf 'MinSpareThreads 8\nMaxSpareThreads 32\nMaxRequestWorkers 32\n'
        fi
        cat <<EOF
<Directory $d/www>
    Require all granted
    AllowOverride None
</Directory>
<Directory $d/www/ht-handler>
    AllowOverride FileInfo
</Directory>
<Directory $d/www/ht-on>
    AllowOverride FileInfo
</Directory>
<Location /metrics>
    SetHandler cors-metrics
    CORSHandlers On
</Location>
<Location /metrics/off>
    CORSHandlers Off
</Location>
<Location /nometrics>
    SetHandler cors-metrics
</Location>
<Location /api>
    CORSAllowOrigin $app
    CORSAllowMethods GET PUT
</Location>
<Location /report>
    CORSAllowOrigin $app
    CORSAllowMethods GET PUT
    CORSReportOnly On
</Location>
<Location /file>
    CORSAllowOriginFile $d/src/origins.txt
    CORSDebug On
    LogLevel cors:info
</Location>
<Location /dbm>
    CORSAllowOriginMap dbm=sdbm:$d/src/origins
    CORSDebug On
    LogLevel cors:info
</Location>
<VirtualHost 127.0.0.1:$p>
    ServerName a.test
</VirtualHost>
<VirtualHost 127.0.0.1:$p>
    ServerName b.test
</VirtualHost>
EOF
    } > "$d/httpd.conf"
    chmod -R a+rX "$d"
}

started_at=$(date +%s)
server pf prefork
server ev event
for s in pf ev; do
    eval "d=\$dir_$s p=\$port_$s"
    if ! httpd_start "$d" "http://127.0.0.1:$p/plain/x"; then
        fail "httpd ($s) started"
        tap_done
        exit 1
    fi
done
pass "two servers started: prefork on port $port_pf, event on port $port_ev"

# ---- the request mix ---------------------------------------------------------------------
# Each kind of request, what /metrics counts it as ("-": not counted) and how many of it each
# virtual host gets: a.test on prefork that many, b.test 2 more, on event 1 more again, so that
# no two (server, host) pairs have the same count of anything.
kinds="get allowed 9
pre preflight 6
origin refused-origin 5
method refused-method 4
header refused-header 3
noorigin - 4
nopolicy - 3
rget report-allowed 4
rpre report-preflight 3
rorigin report-refused-origin 3
rmethod report-refused-method 2
rheader report-refused-header 2"
# The mix: "SERVER HOST KIND OUTCOME COUNT" lines.
printf '%s\n' "$kinds" | awk '{
    print "pf", "a.test", $1, $2, $3;     print "pf", "b.test", $1, $2, $3 + 2
    print "ev", "a.test", $1, $2, $3 + 1; print "ev", "b.test", $1, $2, $3 + 3 }' > "$root/mix"

# want_table SERVER HOST: "OUTCOME COUNT" lines, every outcome, as the mix makes them.
want_table() {
    awk -v s="$1" -v h="$2" -v list="$outcomes" '
        $1 == s && $2 == h { n[$4] += $5 }
        END { k = split(list, o, " "); for (i = 1; i <= k; i++) print o[i], n[o[i]] + 0 }' "$root/mix"
}

# One request, in its own curl process and so its own connection: PORT HOST KIND; prints
# "PORT HOST KIND STATUS ACAO".
cat > "$root/req.sh" <<'EOF'
port=$1 host=$2 kind=$3
app=https://app.example evil=https://evil.example
acrm=""
acrh=""
case $kind in
    r*) path=/report/x ;;
    nopolicy) path=/plain/x ;;
    *) path=/api/x ;;
esac
case $kind in
    get|rget|nopolicy) method=GET origin=$app ;;
    origin|rorigin) method=GET origin=$evil ;;
    noorigin) method=GET origin="" ;;
    pre|rpre) method=OPTIONS origin=$app acrm=PUT ;;
    method|rmethod) method=OPTIONS origin=$app acrm=DELETE ;;
    header|rheader) method=OPTIONS origin=$app acrm=PUT acrh=X-Nope ;;
esac
set -- -s -o /dev/null -D - --max-time 10 -X "$method" --resolve "$host:$port:127.0.0.1"
[ -z "$origin" ] || set -- "$@" -H "Origin: $origin"
[ -z "$acrm" ] || set -- "$@" -H "Access-Control-Request-Method: $acrm"
[ -z "$acrh" ] || set -- "$@" -H "Access-Control-Request-Headers: $acrh"
h=$(curl "$@" "http://$host:$port$path" | tr -d '\r')
st=$(printf '%s\n' "$h" | sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p')
v=$(printf '%s\n' "$h" | sed -n 's/^[Aa]ccess-[Cc]ontrol-[Aa]llow-[Oo]rigin: //p')
echo "$port $host $kind ${st:-none} ${v:--}"
EOF

awk -v pf="$port_pf" -v ev="$port_ev" '{
    for (i = 0; i < $5; i++) print ($1 == "pf" ? pf : ev), $2, $3 }' "$root/mix" > "$root/jobs"
shuf "$root/jobs" -o "$root/jobs"
xargs -P 8 -n 3 sh "$root/req.sh" < "$root/jobs" > "$root/answers"
mix_done=$(date +%s)

check "every request of the mix was answered" "$(wc -l < "$root/jobs")" "$(wc -l < "$root/answers")"
# What each kind must have been answered (a glob of "STATUS ACAO"), so that the counts below
# mean what they say: a refused preflight, any status but a 5xx and no Allow-Origin.
want_answer() {
    case $1 in
        get) echo "200 $app" ;;
        pre) echo "204 $app" ;;
        origin|noorigin|nopolicy|rget|rorigin) echo "200 -" ;;
        rpre|rmethod|rheader) echo "200 -" ;;    # report-only: no preflight answer of its own
        method|header) echo "[1-4][0-9][0-9] -" ;;
    esac
}
bad=$(awk '{ print $3, $4, $5 }' "$root/answers" | sort | uniq -c | while read -r c kind st v; do
    want=$(want_answer "$kind")
    # shellcheck disable=SC2254
    case "$st $v" in $want) continue ;; esac
    echo "$kind: $c answered $st $v, want $want"
done)
check "each kind of request was answered as its outcome says" "" "$bad"

# The access log: which children answered, and the outcome notes (%{cors}n) per host: what
# httpd itself saw of the mix, for each virtual host.  A request is logged after its answer
# is sent: wait (5 s at most) until every one of the mix is.
for s in pf ev; do
    eval "d=\$dir_$s"
    want=$(awk -v s="$s" '$1 == s { n += $5 } END { print n }' "$root/mix")
    i=0
    while [ "$(grep -Ec ' /(api|report|plain)/' "$d/access_log" || true)" -lt "$want" ] && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    for host in a.test b.test; do
        got=$(awk -v h="$host" -v list="$outcomes" '
            $2 == h && $6 ~ /^\/(api|report|plain)\// { n[$3]++ }
            END { k = split(list, o, " "); for (i = 1; i <= k; i++) print o[i], n[o[i]] + 0 }' "$d/access_log")
        check "$s: the access log notes (%{cors}n) $host's requests as the mix has them" \
            "$(want_table "$s" "$host")" "$got"
    done
    kids=$(awk '$6 ~ /^\/(api|report|plain)\// { print $1 }' "$d/access_log" | sort -u | wc -l)
    if [ "$s" = pf ]; then
        if [ "$kids" -ge 2 ]; then
            pass "prefork: the mix was answered by $kids children"
        else
            fail "prefork: the mix was answered by several children" "got: $kids"
        fi
    else
        echo "# event: the mix was answered by $kids children"
    fi
done

# ---- /metrics ----------------------------------------------------------------------------
# counts FILE: "SERVER OUTCOME VALUE" for each mod_cors_requests_total sample of FILE.
counts() {
    perl -ne '
        next unless /^mod_cors_requests_total\{(.*)\}\s+(\S+)/;
        my ($labels, $v) = ($1, $2);
        my %l = $labels =~ /(\w+)="((?:[^"\\]|\\.)*)"/g;
        print "$l{server} $l{outcome} $v\n";' "$1"
}

# got_table FILE LABEL: "OUTCOME COUNT" lines for server LABEL, every outcome (absent: 0; a
# sample given twice: both values).
got_table() {
    counts "$1" | awk -v s="$2" -v list="$outcomes" '
        $1 == s { if ($2 in n) n[$2] = n[$2] " and " $3; else n[$2] = $3 }
        END { k = split(list, o, " "); for (i = 1; i <= k; i++) print o[i], ((o[i] in n) ? n[o[i]] : 0) }'
}

for s in pf ev; do
    eval "d=\$dir_$s p=\$port_$s"
    m="$root/metrics-$s"
    code=$(curl -s -o "$m" -D "$m.head" -w '%{http_code}' --max-time 10 "http://127.0.0.1:$p/metrics")
    ctype=$(tr -d '\r' < "$m.head" | sed -n 's/^[Cc]ontent-[Tt]ype: //p')
    check "$s: /metrics answers 200" 200 "$code"
    check "$s: /metrics is text format 0.0.4" "text/plain; version=0.0.4; charset=utf-8" "$ctype"
    like "$s: mod_cors_requests_total is a counter" '^# TYPE mod_cors_requests_total counter$' "$(cat "$m")"
    like "$s: mod_cors_source_lookups_total is a counter" \
        '^# TYPE mod_cors_source_lookups_total counter$' "$(cat "$m")"
    like "$s: mod_cors_start_time_seconds is a gauge" '^# TYPE mod_cors_start_time_seconds gauge$' "$(cat "$m")"
    if command -v promtool >/dev/null 2>&1; then
        if lint=$(promtool check metrics < "$m" 2>&1); then
            pass "$s: promtool check metrics finds nothing to say"
        else
            fail "$s: promtool check metrics finds nothing to say" "$lint"
        fi
    fi
    for host in a.test b.test; do
        check "$s: /metrics counts $host's requests exactly" \
            "$(want_table "$s" "$host")" "$(got_table "$m" "$host:$p")"
    done
    others=$(counts "$m" | awk -v a="a.test:$p" -v b="b.test:$p" '$1 != a && $1 != b && $3 != 0')
    check "$s: no other server has a count" "" "$others"
    start=$(sed -n 's/^mod_cors_start_time_seconds \([0-9.e+]*\)$/\1/p' "$m" \
        | awk '{ printf "%d", $1 }')
    if [ -n "$start" ] && [ "$start" -ge $((started_at - 1)) ] && [ "$start" -le "$(date +%s)" ]; then
        pass "$s: mod_cors_start_time_seconds is when the server started ($start)"
    else
        fail "$s: mod_cors_start_time_seconds is when the server started" \
            "want: between $started_at and now" "got:  '${start}'"
    fi
    # Every child answers the same counts (prefork: several children answer these).
    i=0 differ=""
    while [ $i -lt 8 ]; do
        curl -s -o "$m.again" --max-time 10 "http://127.0.0.1:$p/metrics"
        if [ "$(counts "$m.again")" != "$(counts "$m")" ]; then differ="$differ $i"; fi
        i=$((i + 1))
    done
    pids=$(awk '$6 == "/metrics" { print $1 }' "$d/access_log" | sort -u | wc -l)
    check "$s: /metrics answers the same counts from every child ($pids answered)" "" "$differ"
done

# ---- where cors-metrics must not answer --------------------------------------------------
for s in pf ev; do
    eval "d=\$dir_$s p=\$port_$s"
    for path in /nometrics /metrics/off /ht-handler/x; do
        code=$(curl -s -o "$root/body" -w '%{http_code}' --max-time 10 "http://127.0.0.1:$p$path")
        check "$s: SetHandler cors-metrics at $path (CORSHandlers not On) answers 404" 404 "$code"
        check "$s: ... and shows no counter" "" "$(grep mod_cors_ "$root/body" || true)"
    done
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$p/ht-on/x")
    check "$s: CORSHandlers On in an .htaccess is refused (500)" 500 "$code"
    like "$s: ... and the error log says why" \
        "ht-on/\.htaccess: CORSHandlers not allowed here" "$(cat "$d/error_log")"
done

# ---- Prometheus --------------------------------------------------------------------------
# Debian's prometheus, never installed: a package install would start and enable its system
# service, and this suite must leave the host's services alone.  The package is downloaded
# from the machine's own apt sources and unpacked under build/ (dpkg -x runs no maintainer
# script), unless a prometheus is on PATH already.
prometheus_binary() {
    if command -v prometheus >/dev/null 2>&1; then
        command -v prometheus
        return 0
    fi
    unpacked="$top/build/prometheus/usr/bin/prometheus"
    if [ ! -x "$unpacked" ]; then
        mkdir -p "$root/deb" "$top/build/prometheus"
        (cd "$root/deb" && apt-get download prometheus) > "$root/need.out" 2>&1 || return 1
        dpkg -x "$root"/deb/prometheus_*.deb "$top/build/prometheus" >> "$root/need.out" 2>&1 \
            || return 1
    fi
    echo "$unpacked"
}

prometheus_part() {
    if ! prom=$(prometheus_binary); then
        skip_unless_ci "the Prometheus part: Debian's prometheus cannot be downloaded ($(tail -n 1 "$root/need.out"))"
        return 0
    fi
    pdir="$root/prometheus"
    mkdir -p "$pdir/data"
    pport=$(httpd_free_port)
    cat > "$pdir/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: mod_cors
    metrics_path: /metrics
    static_configs:
      - targets: ['127.0.0.1:$port_pf']
        labels: {mpm: prefork}
      - targets: ['127.0.0.1:$port_ev']
        labels: {mpm: event}
EOF
    "$prom" --config.file="$pdir/prometheus.yml" --storage.tsdb.path="$pdir/data" \
        --web.listen-address="127.0.0.1:$pport" --log.level=warn > "$pdir/out" 2>&1 &
    prom_pid=$!
    papi="http://127.0.0.1:$pport"
    i=0
    until curl -sf -o /dev/null --max-time 2 "$papi/-/ready"; do
        i=$((i + 1))
        if [ $i -ge 300 ] || ! kill -0 "$prom_pid" 2>/dev/null; then
            fail "Prometheus started" "$(tail -n 20 "$pdir/out")"
            return 0
        fi
        sleep 0.1
    done
    pass "Prometheus $("$prom" --version 2>&1 | sed -n '1s/^prometheus, version \([^ ]*\).*/\1/p') started on port $pport"

    # query EXPR: the answer's result as "LABELS VALUE" lines ("" when none); the raw JSON in
    # $pdir/last.json.
    query() {
        curl -s --max-time 5 -G --data-urlencode "query=$1" "$papi/api/v1/query" > "$pdir/last.json" || true
        perl -MJSON::PP -e '
            local $/; my $j = eval { decode_json(<STDIN>) } or exit 0;
            exit 0 unless $j->{status} eq "success";
            for my $r (@{$j->{data}{result}}) {
                my $m = $r->{metric};
                my $l = join ",", map { "$_=$m->{$_}" } sort keys %$m;
                print(($l eq "" ? "{}" : $l), " ", $r->{value}[1], "\n");
            }' < "$pdir/last.json" | sort
    }
    # Both targets up, each scraped after the mix ended (at most 30 s).
    i=0
    while :; do
        up=$(query "sum(up{job=\"mod_cors\"})")
        fresh=$(query "count(timestamp(mod_cors_start_time_seconds) > $mix_done)")
        [ "$up" = "{} 2" ] && [ "$fresh" = "{} 2" ] && break
        i=$((i + 1))
        if [ $i -ge 60 ]; then
            fail "Prometheus scraped both servers after the mix (30 s)" "up: ${up:-none}" \
                "scraped since: ${fresh:-none}" "$(query 'up' | sed 's/^/up /')" \
                "$(curl -s --max-time 5 "$papi/api/v1/targets" | head -c 2000)"
            return 0
        fi
        sleep 0.5
    done
    pass "Prometheus scraped both servers, up, after the mix"

    q='sum by (outcome) (mod_cors_requests_total)'
    got=$(query "$q" | sed 's/^outcome=//')
    echo "# Prometheus: $q"
    sed 's/^/#   /' "$pdir/last.json" | head -c 4000
    echo
    printf '%s\n' "$got" | sed 's/^/#   /'
    want=$(awk -v list="$outcomes" '{ n[$4] += $5 }
        END { k = split(list, o, " "); for (i = 1; i <= k; i++) print o[i], n[o[i]] + 0 }' "$root/mix" | sort)
    got_all=$(for o in $outcomes; do
        v=$(printf '%s\n' "$got" | awk -v o="$o" '$1 == o { print $2 }')
        echo "$o ${v:-0}"
    done | sort)
    check "Prometheus: the sums over both servers are the mix's totals" "$want" "$got_all"
    extra=$(printf '%s\n' "$got" | awk -v list=" $outcomes " 'NF && index(list, " " $1 " ") == 0')
    check "Prometheus: no outcome but the documented ones" "" "$extra"
    stop_prometheus
}
prometheus_part

# ---- origin sources: an origin file and a DBM file ---------------------------------------
# (after Prometheus, whose sums are the mix's alone.)  mod_cors_source_lookups_total counts
# every look-up in an origin file, and for a DBM file each answer its per-process memo gave
# (cache hit) or did not (cache miss: the DBM itself was asked, dbm lookup); so on a connection
# of its own (one process) an origin never asked before is one miss, and each repeat a hit.

src_rows="cache/hit cache/miss file/lookup file/failure dbm/lookup dbm/failure query/query \
query/failure query/budget"
# sources FILE: "SOURCE/RESULT VALUE" for each mod_cors_source_lookups_total sample of FILE.
sources() {
    perl -ne '
        next unless /^mod_cors_source_lookups_total\{(.*)\}\s+(\S+)/;
        my ($labels, $v) = ($1, $2);
        my %l = $labels =~ /(\w+)="((?:[^"\\]|\\.)*)"/g;
        print "$l{source}/$l{result} $v\n";' "$1"
}
# src_delta BEFORE AFTER: "SOURCE/RESULT N" for every row, what AFTER counts more than BEFORE
# ("absent" for a row AFTER does not show).
src_delta() {
    { sources "$1" | sed 's/^/b /'; sources "$2" | sed 's/^/a /'; } | awk -v list="$src_rows" '
        $1 == "b" { b[$2] = $3 } $1 == "a" { a[$2] = $3 }
        END { k = split(list, r, " ")
              for (i = 1; i <= k; i++) print r[i], ((r[i] in a) ? a[r[i]] - b[r[i]] : "absent") }'
}
# want_src ROW=N...: the rows as src_delta prints them, N for the rows given, 0 for the others.
want_src() {
    printf '%s\n' "$@" | awk -v list="$src_rows" -F= '
        { n[$1] = $2 }
        END { k = split(list, r, " "); for (i = 1; i <= k; i++) print r[i], n[r[i]] + 0 }'
}
# req_delta BEFORE AFTER HOST: "OUTCOME N" for each outcome HOST's count grew by (N > 0).
req_delta() {
    { got_table "$1" "$3" | sed 's/^/b /'; got_table "$2" "$3" | sed 's/^/a /'; } | awk '
        $1 == "b" { b[$2] = $3 } $1 == "a" { a[$2] = $3; o[++k] = $2 }
        END { for (i = 1; i <= k; i++) if (a[o[i]] != b[o[i]]) print o[i], a[o[i]] - b[o[i]] }'
}
# snap SERVER NAME: the server's /metrics now, in $root/src-SERVER-NAME.
snap() {
    eval "_p=\$port_$1"
    curl -s -o "$root/src-$1-$2" --max-time 10 "http://127.0.0.1:$_p/metrics" || : > "$root/src-$1-$2"
}
# ask PORT HOST PATH ORIGIN N [CURL ARGS...]: N requests on one connection (so to one process),
# Origin ORIGIN ("-": none); prints "STATUS ACAO" ("-": none) for each answer and leaves the
# last answer's header in $ask_out ($root/h unless set).
ask() {
    _port=$1 _host=$2 _path=$3 _origin=$4 _n=$5 _out=${ask_out:-$root/h}
    shift 5
    set -- -s -D "$_out.all" --max-time 10 --resolve "$_host:$_port:127.0.0.1" "$@"
    [ "$_origin" = - ] || set -- "$@" -H "Origin: $_origin"
    _i=0
    while [ $_i -lt "$_n" ]; do
        set -- "$@" -o /dev/null "http://$_host:$_port$_path"
        _i=$((_i + 1))
    done
    curl "$@" || : > "$_out.all"
    tr -d '\r' < "$_out.all" | awk -v last="$_out" '
        /^HTTP\// { if (n++) print st, (v == "" ? "-" : v); st = $2; v = ""; printf "" > last }
        tolower($0) ~ /^access-control-allow-origin:/ { v = $2 }
        { print >> last }
        END { if (n) print st, (v == "" ? "-" : v); else print "none -" }'
}
# header NAME: the value of header NAME in $root/h ("" when absent).
header() {
    awk -v n="$1" 'index(tolower($0), tolower(n) ": ") == 1 {
        print substr($0, length(n) + 3) }' "$root/h"
}
# logged SERVER REGEX N: waits (5 s at most) until N lines of the access log have a URL
# matching REGEX.
logged() {
    eval "_d=\$dir_$1"
    _i=0
    while [ "$(awk -v re="$2" '$6 ~ re' "$_d/access_log" | wc -l)" -lt "$3" ] && [ $_i -lt 50 ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
}
# refusals SERVER OFFSET TEXT N: the cors:info lines of the error log after byte OFFSET that
# have TEXT, without their prefix, once N are there (5 s at most), as "COUNT LINE" lines.
refusals() {
    eval "_d=\$dir_$1"
    _i=0
    while :; do
        _l=$(tail -c +$(($2 + 1)) "$_d/error_log" | grep -F "[cors:info]" | grep -F -- "$3" || true)
        if [ "$(printf '%s' "$_l" | grep -c '' || true)" -ge "$4" ] || [ $_i -ge 50 ]; then break; fi
        sleep 0.1
        _i=$((_i + 1))
    done
    printf '%s\n' "$_l" | sed 's/^.*\] //' | sort | uniq -c | sed 's/^ *//'
}
# notes SERVER REGEX: "HOST NOTE COUNT" for the access log's lines whose URL matches REGEX.
notes() {
    eval "_d=\$dir_$1"
    awk -v re="$2" '$6 ~ re { n[$2 " " $3]++ } END { for (k in n) print k, n[k] }' \
        "$_d/access_log" | sort
}

for s in pf ev; do
    eval "d=\$dir_$s p=\$port_$s"
    a="a.test:$p" b="b.test:$p"

    # -- the origin file: each look-up counted, and only look-ups.
    snap "$s" file0
    got=$(ask "$p" a.test /file/x "$file_origin" 1; ask "$p" a.test /file/x "$file_origin" 2
          ask "$p" a.test /file/x "$file_origin" 1 -X OPTIONS -H "Access-Control-Request-Method: GET"
          ask "$p" a.test /file/x - 1)
    check "$s: /file: $file_origin, listed in the origin file, is allowed (3 requests, a preflight; 1 without Origin)" \
        "200 $file_origin
200 $file_origin
200 $file_origin
204 $file_origin
200 -" "$got"
    off=$(wc -c < "$d/error_log")
    got=$(ask "$p" b.test /file/x https://nope.example 2)
    reason=$(header X-CORS-Reason)
    got="$got
$(ask "$p" b.test /file/x null 1)"
    check "$s: /file: https://nope.example (twice) and null are refused" "200 -
200 -
200 -" "$got"
    like "$s: /file: X-CORS-Reason (CORSDebug On) says the origin is not in the origin file" \
        "^origin 'https://nope\.example' is not in the origin file \(" "$reason"
    check "$s: ... and does not name its path" "" "$(printf '%s\n' "$reason" | grep -F "$d" || true)"
    snap "$s" file1
    check "$s: /file: source counts: a file lookup per request with a well-formed Origin (6 of 8)" \
        "$(want_src file/lookup=6)" "$(src_delta "$root/src-$s-file0" "$root/src-$s-file1")"
    check "$s: /file: a.test counts 3 allowed, 1 preflight" "allowed 3
preflight 1" "$(req_delta "$root/src-$s-file0" "$root/src-$s-file1" "$a")"
    check "$s: /file: b.test counts 3 refused-origin" "refused-origin 3" \
        "$(req_delta "$root/src-$s-file0" "$root/src-$s-file1" "$b")"
    logged "$s" '^/file/' 8
    check "$s: /file: the access log notes (%{cors}n) the 8 requests" "a.test - 1
a.test allowed 3
a.test preflight 1
b.test refused-origin 3" "$(notes "$s" '^/file/')"
    check "$s: /file: the error log's refusal lines (2) name the origin file" \
        "2 CORS request refused for GET /file/x: origin 'https://nope.example' is not in CORSAllowOriginFile $d/src/origins.txt (nor allowed by the policy's other items), so no 'Access-Control-Allow-Origin' header is sent" \
        "$(refusals "$s" "$off" "origin 'https://nope.example'" 2)"

    # -- the DBM file: on connections of their own, a known count of misses and hits.
    snap "$s" dbm0
    got=$(ask "$p" a.test /dbm/x "$dbm_origin" 3
          ask "$p" b.test /dbm/x https://nope.example 2
          for i in 1 2 3 4; do ask "$p" a.test /dbm/x "https://n$i.example" 1; done)
    reason=$(header X-CORS-Reason)
    check "$s: /dbm: $dbm_origin, listed in the DBM file, is allowed (3 on one connection); 6 others refused" \
        "200 $dbm_origin
200 $dbm_origin
200 $dbm_origin
200 -
200 -
200 -
200 -
200 -
200 -" "$got"
    like "$s: /dbm: X-CORS-Reason says the origin is not in the origin map" \
        "^origin 'https://n4\.example' is not in the origin map \(" "$reason"
    check "$s: ... and does not name its path" "" "$(printf '%s\n' "$reason" | grep -F "$d" || true)"
    snap "$s" dbm1
    check "$s: /dbm: source counts: 6 origins new to their process (misses, DBM look-ups), 3 repeats on a connection (hits)" \
        "$(want_src cache/hit=3 cache/miss=6 dbm/lookup=6)" \
        "$(src_delta "$root/src-$s-dbm0" "$root/src-$s-dbm1")"
    check "$s: /dbm: a.test counts 3 allowed, 4 refused-origin" "allowed 3
refused-origin 4" "$(req_delta "$root/src-$s-dbm0" "$root/src-$s-dbm1" "$a")"
    check "$s: /dbm: b.test counts 2 refused-origin" "refused-origin 2" \
        "$(req_delta "$root/src-$s-dbm0" "$root/src-$s-dbm1" "$b")"

    # The same origin over 8 connections at once: which process answers each, and whether it
    # had the answer already, is the server's business; each is one hit or one miss, and each
    # miss one DBM look-up.
    for i in 1 2 3 4 5 6 7 8; do
        if [ $((i % 2)) -eq 0 ]; then h=a.test; else h=b.test; fi
        ask_out="$root/par.$i.h" ask "$p" "$h" /dbm/x "$dbm_origin" 1 > "$root/par.$i" &
    done
    wait
    got=$(cat "$root"/par.[0-9] | sort | uniq -c | sed 's/^ *//')
    rm -f "$root"/par.*
    check "$s: /dbm: 8 connections at once from $dbm_origin are allowed" "8 200 $dbm_origin" "$got"
    snap "$s" dbm2
    delta=$(src_delta "$root/src-$s-dbm1" "$root/src-$s-dbm2")
    hits=$(printf '%s\n' "$delta" | awk '$1 == "cache/hit" { print $2 }')
    misses=$(printf '%s\n' "$delta" | awk '$1 == "cache/miss" { print $2 }')
    echo "# $s: the 8 connections: $hits cache hits, $misses misses"
    check "$s: /dbm: ... and counted once each, a hit or a miss, each miss a DBM look-up" \
        "cache/hit+miss 8
dbm/lookup=cache/miss yes
others 0" "$(printf '%s\n' "$delta" | awk '
        { n[$1] = $2 }
        END { print "cache/hit+miss", n["cache/hit"] + n["cache/miss"]
              print "dbm/lookup=cache/miss", (n["dbm/lookup"] == n["cache/miss"] ? "yes" : "no: " n["dbm/lookup"] " and " n["cache/miss"])
              o = 0; for (r in n) if (r != "cache/hit" && r != "cache/miss" && r != "dbm/lookup" && n[r] != 0) o = o " " r "=" n[r]
              print "others", o }')"

    # -- the DBM file unreadable while the server runs: looked at again within a second, it
    # cannot be opened; the origins it listed are refused-unavailable, the log says why.
    chmod 000 "$d/src/origins.dir" "$d/src/origins.pag"
    sleep 1.2
    snap "$s" down0
    off=$(wc -c < "$d/error_log")
    got="" reasons="" nostore=""
    for h in a.test a.test b.test; do
        got="$got$(ask "$p" "$h" /dbm/down "$dbm_origin" 1)
"
        reasons="$reasons$(header X-CORS-Reason)
"
        nostore="$nostore$(header Cache-Control)
"
    done
    check "$s: /dbm, its DBM file unreadable: $dbm_origin gets no Access-Control-Allow-Origin (3 requests)" \
        "200 -
200 -
200 -" "$(printf '%s' "$got")"
    check "$s: ... X-CORS-Reason says the origin map could not be read now" \
        "3 origin '$dbm_origin' is refused: the origin map could not be read now (it is refused until it can: the error log says why)" \
        "$(printf '%s' "$reasons" | sort | uniq -c | sed 's/^ *//')"
    check "$s: ... and does not name its path" "" "$(printf '%s' "$reasons" | grep -F "$d" || true)"
    check "$s: ... each with Cache-Control: no-store" "3 no-store" \
        "$(printf '%s' "$nostore" | sort | uniq -c | sed 's/^ *//')"
    snap "$s" down1
    check "$s: ... source counts: 3 dbm failures, nothing else" "$(want_src dbm/failure=3)" \
        "$(src_delta "$root/src-$s-down0" "$root/src-$s-down1")"
    check "$s: ... a.test counts 2 refused-unavailable" "refused-unavailable 2" \
        "$(req_delta "$root/src-$s-down0" "$root/src-$s-down1" "$a")"
    check "$s: ... b.test counts 1 refused-unavailable" "refused-unavailable 1" \
        "$(req_delta "$root/src-$s-down0" "$root/src-$s-down1" "$b")"
    logged "$s" '^/dbm/down$' 3
    check "$s: ... the access log notes (%{cors}n) them refused-unavailable" "a.test refused-unavailable 2
b.test refused-unavailable 1" "$(notes "$s" '^/dbm/down$')"
    dbm_said="CORSAllowOriginMap dbm=sdbm:$d/src/origins cannot be opened as a sdbm DBM file (Permission denied)"
    check "$s: ... the error log's refusal lines (3) end with what the DBM said" \
        "3 CORS request refused for GET /dbm/down: origin '$dbm_origin' is refused: CORSAllowOriginMap dbm=sdbm:$d/src/origins cannot answer now (it is refused until it can: the error log says why); it said: $dbm_said" \
        "$(refusals "$s" "$off" " /dbm/down: " 3)"

    # -- readable again: allowed again once the file has been looked at again.
    chmod 644 "$d/src/origins.dir" "$d/src/origins.pag"
    sleep 1.2
    check "$s: /dbm, its DBM file readable again: $dbm_origin is allowed again" "200 $dbm_origin" \
        "$(ask "$p" a.test /dbm/x "$dbm_origin" 1)"
done

# ---- mod_status: /server-status in the prefork server ------------------------------------
# mod_cors's lines in ?auto ("Key: value", as mod_status's own: no ':' in a key, where readers
# split the line) must be the counts /metrics gives; the HTML page has a mod_cors section.
# No ExtendedStatus line: it is not needed.  (Requests without Origin: /metrics and
# /server-status count nothing, so the two views are of the same counts.)
st="$root/status-pf"
curl -s -o "$st.metrics" --max-time 10 "http://127.0.0.1:$port_pf/metrics"
code=$(curl -s -o "$st.auto" -w '%{http_code}' --max-time 10 "http://127.0.0.1:$port_pf/server-status?auto")
check "pf: /server-status?auto answers 200" 200 "$code"
like "pf: ?auto has a CORSRequests[a.test $port_pf allowed]: N line" \
    "^CORSRequests\[a\.test $port_pf allowed\]: [0-9]+$" "$(cat "$st.auto")"
# "NAME:PORT OUTCOME N" for each CORSRequests line, as counts prints /metrics' samples.
auto_requests=$(perl -ne 'print "$1:$2 $3 $4\n" if /^CORSRequests\[(\S+) (\d+) (\S+)\]: (\d+)$/' "$st.auto" | sort)
check "pf: ?auto's CORSRequests lines are /metrics' mod_cors_requests_total, sample for sample" \
    "$(counts "$st.metrics" | sort)" "$auto_requests"
check "pf: ... its a.test allowed count is /metrics' count for a.test" \
    "$(counts "$st.metrics" | awk -v s="a.test:$port_pf" '$1 == s && $2 == "allowed" { print $3 }')" \
    "$(sed -n "s/^CORSRequests\[a\.test $port_pf allowed\]: //p" "$st.auto")"
check "pf: no key of ?auto (before the first ': ') holds a ':'" "" \
    "$(awk -F': ' 'NF > 1 && index($1, ":")' "$st.auto")"
file_lookups=$(sources "$st.metrics" | awk '$1 == "file/lookup" { print $2 }')
like "pf: ?auto has a CORSSourceLookups[file lookup]: N line" '^CORSSourceLookups\[file lookup\]: [0-9]+$' \
    "$(cat "$st.auto")"
check "pf: ... N is /metrics' file lookups ($file_lookups, more than 0 after the /file part)" \
    "${file_lookups:-none} yes" \
    "$(sed -n 's/^CORSSourceLookups\[file lookup\]: //p' "$st.auto") $([ "${file_lookups:-0}" -gt 0 ] && echo yes || echo no)"
check "pf: ?auto's CORSSourceLookups lines are /metrics' mod_cors_source_lookups_total" \
    "$(sources "$st.metrics" | sort)" \
    "$(perl -ne 'print "$1/$2 $3\n" if /^CORSSourceLookups\[(\S+) (\S+)\]: (\d+)$/' "$st.auto" | sort)"
code=$(curl -s -o "$st.html" -w '%{http_code}' --max-time 10 "http://127.0.0.1:$port_pf/server-status")
check "pf: /server-status (HTML) answers 200" 200 "$code"
like "pf: ... with a mod_cors section" '<h2>mod_cors</h2>' "$(cat "$st.html")"

# ---- a restart starts the counts at 0 ----------------------------------------------------
# (last: Prometheus would read it as a counter reset).  A graceful restart: the parent stays,
# the children of the new generation must count from 0 in a new segment.
before=$(date +%s)
sleep 1
httpd_ctl "$dir_pf" graceful
i=0
m="$root/metrics-restart"
while :; do
    curl -s -o "$m" --max-time 5 "http://127.0.0.1:$port_pf/metrics" || : > "$m"
    start=$(sed -n 's/^mod_cors_start_time_seconds \([0-9.e+]*\)$/\1/p' "$m" | awk '{ printf "%d", $1 }')
    [ -n "$start" ] && [ "$start" -ge "$before" ] && break
    i=$((i + 1))
    [ $i -lt 100 ] || break
    sleep 0.1
done
if [ -n "$start" ] && [ "$start" -ge "$before" ]; then
    pass "pf: after a graceful restart, mod_cors_start_time_seconds is the restart's ($start)"
    check "pf: ... and every count is 0" "" "$(counts "$m" | awk '$3 != 0')"
    for i in 1 2 3; do
        curl -s -o /dev/null --max-time 10 -H "Origin: $app" --resolve "a.test:$port_pf:127.0.0.1" \
            "http://a.test:$port_pf/api/x"
    done
    curl -s -o "$m" --max-time 10 "http://127.0.0.1:$port_pf/metrics"
    check "pf: ... and the new generation counts (3 allowed requests to a.test)" \
        "a.test:$port_pf allowed 3" "$(counts "$m" | awk '$3 != 0')"
else
    fail "pf: after a graceful restart (10 s), mod_cors_start_time_seconds is the restart's" \
        "want: >= $before" "got:  '${start:-}'"
fi


# ---- report-only's room: a prefork httpd with one child ----------------------------------
# Report-only says each disagreement once per process, in a room of its own that strangers'
# origins can fill (CORS_SAID_MAX, 1024): once it is full the process says so, once, and
# every request's outcome is still in %{cors}n.  One child, one keep-alive connection, 1,030
# requests each from another origin, to a location whose response allows "*" (the mod_headers
# recipe) where the policy would refuse each.
d="$root/ro"
port_ro=$(httpd_free_port)
mkdir -p "$d/www/report" "$d/www/plain"
echo "report data" > "$d/www/report/x"
echo "plain data" > "$d/www/plain/x"
{
    httpd_base "$d" prefork headers
    echo "Listen 127.0.0.1:$port_ro"
    echo "DocumentRoot $d/www"
    echo "LogLevel warn cors:warn"
    echo 'LogFormat "%P %{cors}n %>s %U %{Origin}i" ro'
    echo "CustomLog $d/access_log ro"
    printf 'StartServers 1\nMinSpareServers 1\nMaxSpareServers 1\nServerLimit 1\n'
    printf 'MaxRequestWorkers 1\nMaxKeepAliveRequests 0\nKeepAliveTimeout 30\n'
    cat <<EOF
<Directory $d/www>
    Require all granted
    AllowOverride None
</Directory>
<Location /report>
    Header always set Access-Control-Allow-Origin "*"
    CORSAllowOrigin $app
    CORSReportOnly On
</Location>
EOF
} > "$d/httpd.conf"
chmod -R a+rX "$d"
if ! httpd_start "$d" "http://127.0.0.1:$port_ro/plain/x"; then
    fail "ro: httpd (prefork, one child) started"
else
    pass "ro: httpd (prefork, one child) started on port $port_ro"
    # 1,030 requests on one connection, Origin https://oN.example for N = 1..1030; prints
    # "STATUS ACAO" per answer (60 s at most).
    answers=$(PORT=$port_ro perl -MIO::Socket::IP -e '
        $SIG{ALRM} = sub { print "timeout\n"; exit 1 };
        alarm 60;
        my $s = IO::Socket::IP->new(PeerHost => "127.0.0.1", PeerPort => $ENV{PORT})
            or die "connect: $@\n";
        binmode $s;
        for my $i (1 .. 1030) {
            print $s "GET /report/x HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://o$i.example\r\n\r\n";
            my $head = "";
            while ($head !~ /\r\n\r\n/) {
                my $n = sysread $s, my $buf, 1;
                if (!$n) { print "closed after ", $i - 1, "\n"; exit 1 }
                $head .= $buf;
            }
            my ($st) = $head =~ m{^HTTP/1\.1 (\d+)};
            my ($len) = $head =~ /^Content-Length: (\d+)\r$/mi;
            my ($acao) = $head =~ /^Access-Control-Allow-Origin: (.*?)\r$/mi;
            my $body = "";
            while (length $body < ($len // 0)) {
                sysread($s, my $buf, $len - length $body) or last;
                $body .= $buf;
            }
            print $st // "none", " ", $acao // "-", "\n";
        }' | sort | uniq -c | sed 's/^ *//')
    check "ro: 1,030 requests, each from another origin, on one connection: each answered 200 with the response's own *" \
        "1030 200 *" "$answers"
    i=0
    while [ "$(grep -c ' /report/x ' "$d/access_log" || true)" -lt 1030 ] && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kids=$(awk '$4 == "/report/x" { print $1 }' "$d/access_log" | sort -u)
    check "ro: one child answered them all" 1 "$(printf '%s\n' "$kids" | grep -c .)"
    check "ro: the access log notes (%{cors}n) all 1,030 report-refused-origin" "1030 report-refused-origin" \
        "$(awk '$4 == "/report/x" { print $2 }' "$d/access_log" | sort | uniq -c | sed 's/^ *//')"
    said="mod_cors report-only: GET /report/x from origin 'https://o"
    full="mod_cors report-only: this process has said 1024 disagreements and says no more until it ends"
    check "ro: exactly 1,024 disagreement lines in the error log, all from that child" "1024 $kids" \
        "$(grep -F "$said" "$d/error_log" | sed -n 's/^.*\[pid \([0-9]*\).*$/\1/p' | sort | uniq -c | sed 's/^ *//')"
    check "ro: ... for the first 1,024 origins, each once" "$(seq 1 1024)" \
        "$(grep -F "$said" "$d/error_log" | sed -n "s/^.*from origin 'https:\/\/o\([0-9]*\)\.example'.*$/\1/p" | sort -n)"
    check "ro: then exactly one line saying the room is full, from that child" "1 $kids" \
        "$(grep -F "$full" "$d/error_log" | sed -n 's/^.*\[pid \([0-9]*\).*$/\1/p' | sort | uniq -c | sed 's/^ *//')"
    last_said=$(grep -nF "$said" "$d/error_log" | tail -n 1 | cut -d: -f1)
    full_at=$(grep -nF "$full" "$d/error_log" | head -n 1 | cut -d: -f1)
    after=$(tail -n +"$((${full_at:-0} + 1))" "$d/error_log" | grep -F 'report-only' | head -n 3 || true)
    check "ro: ... after the 1,024th disagreement, and no report-only line after it" "after, none" \
        "$([ "${full_at:-0}" -gt "${last_said:-0}" ] && echo after || echo "not after (line ${full_at:-none}, last disagreement ${last_said:-none})"), ${after:-none}"
    like "ro: ... it points at %{cors}n" \
        "says no more until it ends \(origins are the clients' to choose\); every request's outcome is still in %\{cors\}n" \
        "$(grep -F "$full" "$d/error_log")"
    httpd_stop "$d"
fi

tap_done

#!/bin/sh
# sources.sh - origins that change while the server runs: CORSAllowOriginQuery against a real
# PostgreSQL 15 through mod_dbd (pgsql), its answers cached in shmcb and in a real redis shared
# by two servers; the query budget; the database down, slow (a held lock) and frozen (SIGSTOP).
# PostgreSQL and redis are throwaway instances on free loopback ports, everything in $work;
# postgres logs every statement (log_statement=all), which is how the queries are counted.
. "$(dirname "$0")/lib.sh"
e2e_init
# Ours first: a stopped postgres must be continued before anything can stop it.
trap 'sources_cleanup; e2e_cleanup' EXIT

pg_bin=/usr/lib/postgresql/15/bin
pg_port=$(free_port)
redis_port=$(free_port)
pglog="$work/pg/postgres.log"
sqltext="SELECT 1 FROM tenant_origins WHERE origin = %s"

# ---- helpers -----------------------------------------------------------------------------

# PostgreSQL refuses to run as root: as root, its commands run as the package's postgres user.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_start() {
    as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$pglog" -w -t 30 start >/dev/null
}

pg_stop() {
    as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -m fast -w -t 30 stop >/dev/null
}

# The postmaster and its children (backends, checkpointer, ...), for SIGSTOP and SIGCONT.
pg_pids() {
    _pm=$(head -n 1 "$work/pg/data/postmaster.pid")
    echo "$_pm" $(pgrep -P "$_pm")
}

# The test's own statements, over the unix socket, named e2e-admin in the log.
sql() {
    PGAPPNAME=e2e-admin psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$work/pg" -p "$pg_port" \
        -U cors -d postgres -c "$1"
}

sources_cleanup() {
    if [ -f "$work/redis.stopped" ]; then
        kill -CONT "$(cat "$work/redis.stopped")" 2>/dev/null
        rm -f "$work/redis.stopped"
    fi
    # A frozen postgres ignores pg_ctl stop: continue it first, whatever failed before.
    if [ -f "$work/pg/stopped" ]; then
        kill -CONT $(cat "$work/pg/stopped") 2>/dev/null
        rm -f "$work/pg/stopped"
    fi
    if [ -f "$work/pg/data/postmaster.pid" ]; then
        _pm=$(head -n 1 "$work/pg/data/postmaster.pid")
        as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w -t 20 stop >/dev/null 2>&1 ||
            kill -KILL "$_pm" $(pgrep -P "$_pm") 2>/dev/null
    fi
    return 0
}

now_ms() { date +%s%3N; }
# since T0: the seconds since T0 (now_ms), to a tenth.
since() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

# get SERVER-URL ORIGIN [TAG]: the response headers and, last, "time: SECONDS" (bounded: 20 s).
get() {
    curl -s -o /dev/null -D - --max-time 20 -w 'time: %{time_total}\n' -H "Origin: $2" \
        "$1/data.json?t=${3:-x}"
}
status() { printf '%s\n' "$1" | head -n 1 | tr -d '\r' | cut -d' ' -f2; }
acao() { header Access-Control-Allow-Origin "$1"; }
secs() { printf '%s\n' "$1" | sed -n 's/^time: //p'; }
# Any Access-Control-* header at all (a refused origin gets none).
cors_headers() { printf '%s\n' "$1" | tr -d '\r' | grep -ci '^access-control-'; }

# asked ORIGIN [APP]: how many times postgres ran the module's statement with ORIGIN bound
# (from the connections named APP: each server has its own application_name).
asked() {
    grep -F "DETAIL:  parameters: \$1 = '$1'" "$pglog" | grep -cF "[${2:-}"
}

# at_most SECONDS TIME: "yes" when TIME (curl's time_total) is below SECONDS.
at_most() { awk -v lim="$1" -v t="$2" 'BEGIN { print (t != "" && t < lim) ? "yes" : "no (" t ")" }'; }

# wait_until TENTHS CMD...: runs CMD every tenth of a second until it succeeds, at most TENTHS
# times; false if it never did.
wait_until() {
    _n=$1
    shift
    while ! "$@"; do
        _n=$((_n - 1))
        [ "$_n" -gt 0 ] || return 1
        sleep 0.1
    done
}
allowed() { [ "$(acao "$(get "$1" "$2" poll)")" = "$2" ]; }
refused() { [ -z "$(acao "$(get "$1" "$2" poll)")" ]; }
# all_allowed SERVER ORIGIN...: each allowed now; how_many_allowed: how many are.
all_allowed() {
    _s=$1
    shift
    for _o in "$@"; do allowed "$_s" "$_o" || return 1; done
}
how_many_allowed() {
    _s=$1 _c=0
    shift
    for _o in "$@"; do allowed "$_s" "$_o" && _c=$((_c + 1)); done
    echo "$_c"
}

# note DIR TAG...: the %{cors}n notes of the requests tagged TAG in DIR's cors_log, in order.
note() {
    _d=$1
    shift
    for _t in "$@"; do
        awk -v u="/data.json?t=$_t" '$5 == u { print $4 }' "$_d/cors_log"
    done | tr '\n' ' ' | sed 's/ $//'
}

# The error-log lines of one kind, and how many processes said them.
lines() { grep -cF "$2" "$1/error_log"; }
pids_saying() { grep -F "$2" "$1/error_log" | grep -o '\[pid [0-9]*' | sort -u | grep -c .; }

# The configuration every query server shares; APP names its connections in postgres' log.
# The driver's own timeouts are the only bounds on a slow database (the module cannot
# interrupt a driver call): 2 s to connect, 1 s for a statement (enforced by the server).
dbd_params="host=127.0.0.1 port=$pg_port user=cors dbname=postgres connect_timeout=2"
dbd_params="$dbd_params options='-c statement_timeout=1000'"
query_conf() {   # APP [DBD lines...]
    _app=$1
    shift
    cat <<EOF
DocumentRoot $work/docs
<Directory $work/docs>
    Require all granted
</Directory>
DBDriver pgsql
DBDParams "$dbd_params$(case $_app in fleet-*) ;; *) echo " application_name=$_app" ;; esac)"
EOF
    for _l in "$@"; do echo "$_l"; done
    cat <<EOF
CORSEnable On
CORSAllowOriginQuery "$sqltext"
LogFormat "%P %{sec}t %>s %{cors}n %U%q" cors
CustomLog $work/$_app/cors_log cors
EOF
}

# Prefork with exactly two processes, no keep-alive: each request a connection, both
# processes serve, and "per process" counts can be checked against a known number.
prefork_two() {
    cat <<EOF
StartServers 2
MinSpareServers 1
MaxSpareServers 2
ServerLimit 2
MaxRequestWorkers 2
KeepAlive Off
EOF
}

# ---- PostgreSQL and redis ----------------------------------------------------------------
mkdir -p "$work/pg" "$work/redis" "$work/docs"
echo '{"data": 1}' > "$work/docs/data.json"
mkdir -p "$work/docs/plus/more" "$work/docs/replace/more"
cp "$work/docs/data.json" "$work/docs/plus/more/"
cp "$work/docs/data.json" "$work/docs/replace/more/"
chmod -R a+rX "$work/docs"
[ "$(id -u)" -eq 0 ] && chown postgres "$work/pg"

as_pg "$pg_bin/initdb" -D "$work/pg/data" -A trust -U cors -E UTF8 --locale=C --no-sync \
    >"$work/pg/initdb.log" 2>&1 || { cat "$work/pg/initdb.log" >&2; exit 1; }
# Loopback and a socket in $work only; every statement logged, with its time (ms), its backend
# and the application_name of the connection that sent it; no durability (a throwaway).
cat >> "$work/pg/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$work/pg'
log_statement = 'all'
log_line_prefix = '%m [%p] [%a] '
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
pg_start || { echo "postgres did not start" >&2; cat "$pglog" >&2; exit 1; }
sql "CREATE TABLE tenant_origins (origin text PRIMARY KEY)" || exit 1

bg_start redis 900 redis-server --port "$redis_port" --bind 127.0.0.1 --save '' \
    --appendonly no --dir "$work/redis"
wait_until 100 redis-cli -p "$redis_port" ping >/dev/null 2>&1 ||
    { echo "redis did not start" >&2; cat "$work/redis.out" >&2; exit 1; }
memcache_port=$(free_port)
bg_start memcached 900 memcached -l 127.0.0.1 -p "$memcache_port" -U 0 -m 16 -u nobody
wait_until 100 python3 -c "import socket; socket.create_connection(('127.0.0.1', $memcache_port), 1)" \
    2>/dev/null ||
    { echo "memcached did not start" >&2; cat "$work/memcached.out" >&2; exit 1; }
# The fleet's shared secret: the MAC key of the answers it keeps in redis and memcache.
openssl rand -hex 32 > "$work/cache.key"
chmod 600 "$work/cache.key"

# ---- one server: allowed, refused, changes, the cache, bound parameters -----------------
one_port=$(free_port)
one="http://127.0.0.1:$one_port"
sql "INSERT INTO tenant_origins VALUES ('https://a.example'), ('https://gone.example'),
     ('https://cached.example'), ('https://up.example'), ('https://plus.example')" || exit 1
httpd_up one prefork "$one/data.json" dbd socache_shmcb <<EOF
Listen 127.0.0.1:$one_port
$(prefork_two)
CORSOriginCache shmcb
CORSOriginCacheTimeout 2
$(query_conf one)
CORSAllowMethods GET PUT
# A "+" adds the query to the origins inherited from above; without it, it replaces them.
<Location /plus>
    CORSAllowOrigin https://static.example
</Location>
<Location /plus/more>
    CORSAllowOriginQuery +"$sqltext"
</Location>
<Location /replace>
    CORSAllowOrigin https://static.example
</Location>
<Location /replace/more>
    CORSAllowOriginQuery "$sqltext"
</Location>
EOF

h=$(get "$one" https://a.example allowed1)
check "one: a listed origin is allowed" "200 https://a.example" "$(status "$h") $(acao "$h")"
like "one: ... and the answer varies on Origin" '(^|, *)Origin(,|$)' "$(header Vary "$h")"
h=$(get "$one" https://b.example refused1)
check "one: an origin not in the table is still answered" 200 "$(status "$h")"
check "one: ... without any Access-Control-* header" 0 "$(cors_headers "$h")"
like "one: ... and varies on Origin too (the answer depends on it)" '(^|, *)Origin(,|$)' \
    "$(header Vary "$h")"

# The origin is bound, never pasted: postgres ran the named statement with $1 in it and got
# the origin as the parameter; no statement the module sent has an origin in its text.
like "bind: postgres ran the prepared statement with \$1 where the origin goes" \
    '\[one\] LOG:  execute mod_cors[-_][0-9a-f]{16}: .*WHERE origin = \$1$' "$(cat "$pglog")"
check "bind: the origin came as its parameter, once" 1 "$(asked https://a.example one)"
check "bind: no statement text from the module holds an origin" 0 \
    "$(grep -F '[one]' "$pglog" | grep -v 'DETAIL:  parameters: ' | grep -c 'https\?://')"
# The key is the origin normalised: lower case, the default port dropped.
h=$(get "$one" HTTPS://UP.Example:443 upper)
check "bind: an upper-case origin with :443 is asked as https://up.example" \
    "1 0" "$(asked https://up.example one) $(grep -cF -e 'UP.Example' -e 'example:443' "$pglog")"
check "bind: ... and allowed, echoed as the browser sent it" HTTPS://UP.Example:443 "$(acao "$h")"

# Hostile Origin values are not origins: answered, without CORS headers, and never sent.
rows=$(sql "SELECT count(*) FROM tenant_origins")
i=0
for o in "https://x.example'; DROP TABLE tenant_origins; --" "' OR '1'='1" \
         "https://a.example' OR 'a'='a" "https://a.example;SELECT pg_sleep(5)" \
         "https://a.example/**/OR/**/1=1" 'https://a.example"--' "https://a.example%27--"; do
    i=$((i + 1))
    h=$(get "$one" "$o" "hostile$i")
    check "hostile $i: answered without any Access-Control-* header" "200 0" \
        "$(status "$h") $(cors_headers "$h")"
done
check "hostile: none reached postgres (no quote, DROP, OR or pg_sleep in its log)" 0 \
    "$(grep -ciE "drop table|pg_sleep|' or |/\*\*/|''|a\.example\"|%27" "$pglog")"
check "hostile: the table is intact" "$rows" "$(sql "SELECT count(*) FROM tenant_origins")"

# Cached: yes and no alike, one query for five requests within the timeout (2 s).
for i in 1 2 3 4 5; do
    get "$one" https://cached.example cached >/dev/null
    get "$one" https://never.example never >/dev/null
done
check "cache: five requests for a listed origin, one query" 1 "$(asked https://cached.example one)"
check "cache: five requests for an unlisted origin, one query (a cached no)" 1 \
    "$(asked https://never.example one)"

# A row inserted is allowed once the cached "no" expires; a row deleted likewise refused.
h=$(get "$one" https://late.example late0)
check "change: an origin not yet in the table is refused" "" "$(acao "$h")"
t0=$(now_ms)
sql "INSERT INTO tenant_origins VALUES ('https://late.example')"
wait_until 100 allowed "$one" https://late.example
check "change: a row inserted is allowed within the cache timeout (2 s, +1.5 s slack)" yes \
    "$(at_most 3.5 "$(since "$t0")")"
h=$(get "$one" https://gone.example gone0)
check "change: a listed origin is allowed" https://gone.example "$(acao "$h")"
t0=$(now_ms)
sql "DELETE FROM tenant_origins WHERE origin IN ('https://gone.example')"
wait_until 100 refused "$one" https://gone.example
check "change: a row deleted is refused within the cache timeout (2 s, +1.5 s slack)" yes \
    "$(at_most 3.5 "$(since "$t0")")"

# Preflights ask the query too, and are noted as such.
pre() {   # ORIGIN TAG
    curl -s -o /dev/null -D - --max-time 20 -X OPTIONS -H "Origin: $1" \
        -H "Access-Control-Request-Method: PUT" "$one/data.json?t=$2"
}
h=$(pre https://a.example pre1)
check "preflight: a listed origin's is answered, allowed" "204 https://a.example" \
    "$(status "$h") $(acao "$h")"
h=$(pre https://nope.example pre2)
check "preflight: an unlisted origin's is refused, no Access-Control-* header" "403 0" \
    "$(status "$h") $(cors_headers "$h")"

# "+": the inherited list answers first (no query); the query adds the table's origins.
# Without "+", the query replaces the inherited list.
inner() {   # PATH ORIGIN: the Access-Control-Allow-Origin
    acao "$(curl -s -o /dev/null -D - --max-time 20 -H "Origin: $2" "$one/$1/data.json")"
}
check "plus: an inherited origin is allowed" https://static.example \
    "$(inner plus/more https://static.example)"
check "plus: ... without a query (the list settled it)" 0 "$(asked https://static.example one)"
check "plus: an origin from the table is allowed too" https://plus.example \
    "$(inner plus/more https://plus.example)"
check "replace: without '+', the inherited origin is refused" "" \
    "$(inner replace/more https://static.example)"
check "replace: ... the query said no" 1 "$(asked https://static.example one)"
check "replace: an origin from the table is allowed" https://plus.example \
    "$(inner replace/more https://plus.example)"
# One query in three sections is one statement for mod_dbd (AH02653 says two conflict).
check "config: the same query in three sections gives no mod_dbd warning" 0 \
    "$("$HTTPD_BIN" -t -f "$work/one/httpd.conf" 2>&1 | grep -c 'AH02653')"

# The access log note of each kind of answer.
wait_until 50 grep -q 't=pre2' "$work/one/cors_log"
check "log: %{cors}n of the allowed origin" allowed "$(note "$work/one" allowed1)"
check "log: %{cors}n of the refused origin" refused-origin "$(note "$work/one" refused1)"
check "log: %{cors}n of a hostile Origin" refused-origin "$(note "$work/one" hostile1)"
check "log: %{cors}n of the preflights" "preflight refused-origin" \
    "$(note "$work/one" pre1 pre2)"
check "log: %{cors}n of five cached answers (yes, then no)" \
    "allowed allowed allowed allowed allowed" "$(note "$work/one" cached)"
check "log: ... and of the cached no" \
    "refused-origin refused-origin refused-origin refused-origin refused-origin" \
    "$(note "$work/one" never)"

# ---- the budget: a flood of new origins, 10 queries a second per process -----------------
# Every flood origin is in the table, so an allowed answer is one query, and a refused one
# is the budget's (the query was never sent).
flood_port=$(free_port)
flood="http://127.0.0.1:$flood_port"
sql "INSERT INTO tenant_origins SELECT 'https://f' || g || '.example' FROM generate_series(1, 300) g"
httpd_up flood prefork "$flood/data.json" dbd socache_shmcb <<EOF
Listen 127.0.0.1:$flood_port
$(prefork_two)
CORSOriginCache shmcb
CORSOriginCacheTimeout 60
CORSOriginQueryBudget 10
$(query_conf flood)
EOF
mkdir -p "$work/flood"
# One curl for FIRST..LAST, four connections at a time; "next" between the requests (options
# are per request after it; one after the last would be a request without a URL).
flood_half() {   # FIRST LAST
    seq "$1" "$2" | while read -r n; do
        [ "$n" = "$1" ] || echo next
        printf 'url = "%s/data.json?t=f%s"\nheader = "Origin: https://f%s.example"\n' "$flood" "$n" "$n"
        printf 'output = "/dev/null"\ndump-header = "%s/flood/%s.h"\nmax-time = 20\n' "$work" "$n"
    done > "$work/flood/$1.cfg"
    curl --parallel --parallel-max 4 -s -K "$work/flood/$1.cfg" >/dev/null 2>>"$work/flood/curl.log"
}
second_changes() { [ "$(date +%s)" != "$1" ]; }
flood_half 1 150
# The second half in a new second: the budget is granted again, and the warning not said again.
wait_until 20 second_changes "$(date +%s)"
flood_half 151 300
ok=0 yes=0 wrong=0 extra=0
for n in $(seq 1 300); do
    f="$work/flood/$n.h"
    [ "$(status "$(cat "$f" 2>/dev/null)")" = 200 ] && ok=$((ok + 1))
    a=$(acao "$(cat "$f" 2>/dev/null)")
    if [ -n "$a" ]; then
        yes=$((yes + 1))
        [ "$a" = "https://f$n.example" ] || wrong=$((wrong + 1))
    elif [ "$(cors_headers "$(cat "$f")")" -ne 0 ]; then
        extra=$((extra + 1))
    fi
done
echo "# flood: $yes of 300 allowed"
check "flood: all 300 requests answered 200" 300 "$ok"
like "flood: the budget refused some (else the flood was too slow to test it)" '^[1-9]' \
    "$((300 - yes))"
check "flood: every allowed answer names its own origin" 0 "$wrong"
check "flood: the refused ones have no Access-Control-* header" 0 "$extra"
check "flood: postgres saw exactly one query per allowed answer, none for the refused" "$yes" \
    "$(grep -F '[flood] DETAIL:  parameters: $1 = '"'"'https://f' "$pglog" | grep -c .)"
wait_until 50 sh -c "[ \$(grep -c 't=f' '$work/flood/cors_log') -ge 300 ]"
# Each query postgres saw, dated by its request's second (the budget's clock, httpd's; the
# second of postgres' log line can be the next one, a millisecond later).
sed -n "s|.*\[flood\] DETAIL:  parameters: \$1 = 'https://f\([0-9]*\)\.example'\$|\1|p" "$pglog" \
    > "$work/flood/asked"
most=$(awk 'NR == FNR { if ($5 ~ /^\/data\.json\?t=f[0-9]+$/) sec[substr($5, 15)] = $2; next }
            { n[sec[$1]]++ } END { for (s in n) if (n[s] > m) m = n[s]; print m + 0 }' \
       "$work/flood/cors_log" "$work/flood/asked")
check "flood: postgres saw at most 10 x 2 processes queries in any second ($most)" yes \
    "$([ "$most" -le 20 ] && echo yes || echo "no: $most")"
most=$(awk '$4 == "allowed" { print $1, $2 }' "$work/flood/cors_log" | sort | uniq -c | sort -rn |
       head -n 1 | awk '{ print $1 }')
check "flood: at most 10 allowed a second in each process ($most)" yes \
    "$([ "${most:-0}" -le 10 ] && echo yes || echo "no: $most")"
warn="more than 10 origin queries a second in this process (CORSOriginQueryBudget)"
# A refusal for the budget is an outage of the source, not a refusal of the origin (1.4).
refusing=$(awk '$4 == "refused-unavailable" { print $1 }' "$work/flood/cors_log" | sort -u | grep -c .)
check "flood: each process that refused did so in two seconds or more (a repeat would show)" \
    "$refusing" "$(awk '$4 == "refused-unavailable" { print $1, $2 }' "$work/flood/cors_log" | sort -u |
                   awk '{ n[$1]++ } END { for (p in n) if (n[p] >= 2) c++; print c + 0 }')"
check "flood: the budget warning, once per process that refused (over two seconds)" \
    "$refusing $refusing" "$(lines "$work/flood" "$warn") $(pids_saying "$work/flood" "$warn")"
like "flood: the warning's words" \
    'more than 10 origin queries a second in this process \(CORSOriginQueryBudget\): origins not in' \
    "$(cat "$work/flood/error_log")"
# A refusal for the budget is not cached: the next second, the origin gets its query.
last=$(for n in $(seq 300 -1 1); do
    [ -z "$(acao "$(cat "$work/flood/$n.h")")" ] && { echo "$n"; break; }
done)
wait_until 20 second_changes "$(date +%s)"
h=$(get "$flood" "https://f$last.example" after)
check "flood: an origin the budget refused is allowed the next second (not cached)" \
    "https://f$last.example" "$(acao "$h")"

# two_asking NAME PORT: a prefork httpd of two processes asking postgres, answers kept in
# shmcb for 30 s (the down and slow scenarios).
two_asking() {
    httpd_up "$1" prefork "http://127.0.0.1:$2/data.json" dbd socache_shmcb <<EOF
Listen 127.0.0.1:$2
$(prefork_two)
CORSOriginCache shmcb
CORSOriginCacheTimeout 30
$(query_conf "$1")
EOF
}

# ---- the database down ------------------------------------------------------------------
# Each process holds a connection from its start; pg_ctl stop -m fast closes them.
down_port=$(free_port)
down="http://127.0.0.1:$down_port"
sql "INSERT INTO tenant_origins SELECT 'https://d' || g || '.example' FROM generate_series(1, 8) g"
two_asking down "$down_port"
h=$(get "$down" https://a.example before)
check "down: before, a listed origin is allowed" https://a.example "$(acao "$h")"
pg_stop || { echo "postgres did not stop" >&2; exit 1; }
worst=0 all=""
for i in 1 2 3 4 5 6 7 8; do
    h=$(get "$down" "https://d$i.example" "down$i")
    all="$all$(status "$h")/$(cors_headers "$h") "
    worst=$(awk -v a="$worst" -v b="$(secs "$h")" 'BEGIN { print (b > a) ? b : a }')
done
check "down: eight listed origins answered 200, without Access-Control-* headers" \
    "200/0 200/0 200/0 200/0 200/0 200/0 200/0 200/0 " "$all"
check "down: each within 5 s (slowest $worst s)" yes "$(at_most 5 "$worst")"
said="mod_cors: CORSAllowOriginQuery \"$sqltext\": "
served=$(awk '$5 ~ /t=down/ { print $1 }' "$work/down/cors_log" | sort -u | grep -c .)
check "down: the error said once by each process that served ($served), not per request" \
    "$served $served" "$(lines "$work/down" "$said") $(pids_saying "$work/down" "$said")"
like "down: the error's words" \
    "; origins it would allow are refused meanwhile, and it is asked again after 1 s \\(said once a minute per process\\)" \
    "$(grep -F "$said" "$work/down/error_log")"
check "down: the note says refused-unavailable (an outage, not a refusal)" \
    "refused-unavailable refused-unavailable refused-unavailable refused-unavailable" \
    "$(note "$work/down" down1 down2 down3 down4)"
pg_start || { echo "postgres did not start again" >&2; exit 1; }
# mod_dbd reconnects; an answer the outage could not give must not have been cached as "no".
set -- $(seq 1 8 | sed 's|.*|https://d&.example|')
wait_until 100 all_allowed "$down" "$@"
check "down: after the restart, the eight origins asked during the outage are allowed again (10 s)" \
    8 "$(how_many_allowed "$down" "$@")"

# ---- the database slow: a lock held longer than statement_timeout ------------------------
slow_port=$(free_port)
slow="http://127.0.0.1:$slow_port"
sql "INSERT INTO tenant_origins SELECT 'https://s' || g || '.example' FROM generate_series(1, 4) g"
two_asking slow "$slow_port"
h=$(get "$slow" https://a.example before)
check "slow: before, a listed origin is allowed" https://a.example "$(acao "$h")"
bg_start locker 120 env PGAPPNAME=e2e-locker psql -X -q -h "$work/pg" -p "$pg_port" -U cors -d postgres \
    -c "BEGIN; LOCK TABLE tenant_origins IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(100); COMMIT;"
locker=$bg_pid
locked() {
    [ "$(sql "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
              WHERE a.application_name = 'e2e-locker' AND l.granted
              AND l.relation = 'tenant_origins'::regclass")" = 1 ]
}
wait_until 100 locked || echo "# the lock was not taken"
worst=0 least=9 all=""
for i in 1 2 3; do
    h=$(get "$slow" "https://s$i.example" "slow$i")
    all="$all$(status "$h")/$(cors_headers "$h") "
    worst=$(awk -v a="$worst" -v b="$(secs "$h")" 'BEGIN { print (b > a) ? b : a }')
    least=$(awk -v a="$least" -v b="$(secs "$h")" 'BEGIN { print (b < a) ? b : a }')
done
check "slow: three listed origins answered 200, without Access-Control-* headers" \
    "200/0 200/0 200/0 " "$all"
check "slow: each within 5 s (slowest $worst s)" yes "$(at_most 5 "$worst")"
# A process that saw its query time out leaves the database alone for a second: the first
# request waited for the lock, the ones after it on that process may be answered at once.
check "slow: the first waited for the lock (slowest $worst s >= 0.9 s; fastest $least s)" yes \
    "$(awk -v t="$worst" 'BEGIN { print (t >= 0.9) ? "yes" : "no" }')"
cancelled=$(grep -F '[slow] ERROR:  canceling statement due to statement timeout' "$pglog" | grep -c .)
check "slow: postgres cancelled what was sent (statement_timeout; $cancelled of 3)" yes \
    "$([ "$cancelled" -ge 1 ] && [ "$cancelled" -le 3 ] && echo yes || echo no)"
like "slow: the module said the query failed, in the error log" \
    "mod_cors: CORSAllowOriginQuery .*statement timeout.*; origins it would allow are refused meanwhile" \
    "$(cat "$work/slow/error_log")"
sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
     WHERE application_name = 'e2e-locker'" >/dev/null
bg_stop "$locker"
set -- https://s1.example https://s2.example https://s3.example
wait_until 50 all_allowed "$slow" "$@"
check "slow: the lock gone, the three are allowed again within 5 s (a timeout is not a cached no)" \
    3 "$(how_many_allowed "$slow" "$@")"

# ---- the database frozen: every postgres process stopped (SIGSTOP) -----------------------
# statement_timeout runs in the server, which is stopped, and the kernel still acknowledges
# what is sent on an open connection: nothing bounds a statement on an established
# connection. Only connect_timeout applies, to a new connection: DBDPersist Off makes each
# query open one, and that is what bounds a frozen database.
frozen_port=$(free_port)
frozen="http://127.0.0.1:$frozen_port"
sql "INSERT INTO tenant_origins SELECT 'https://z' || g || '.example' FROM generate_series(1, 4) g"
sql "INSERT INTO tenant_origins VALUES ('https://held.example')"
httpd_up frozen prefork "$frozen/data.json" dbd socache_shmcb <<EOF
Listen 127.0.0.1:$frozen_port
$(prefork_two)
CORSOriginCache shmcb
CORSOriginCacheTimeout 30
$(query_conf frozen "DBDPersist Off")
EOF
h=$(get "$frozen" https://a.example before)
check "frozen: before, a listed origin is allowed (DBDPersist Off)" https://a.example "$(acao "$h")"
pg_pids > "$work/pg/stopped"
kill -STOP $(cat "$work/pg/stopped")
# The slow server keeps its connections (DBDPersist On, the default): its request is held.
bg_start held 60 curl -s -o /dev/null -D - --max-time 50 -w 'time: %{time_total}\n' \
    -H "Origin: https://held.example" "$slow/data.json?t=held"
held=$bg_pid
worst=0 all=""
for i in 1 2 3; do
    h=$(get "$frozen" "https://z$i.example" "frozen$i")
    all="$all$(status "$h")/$(cors_headers "$h") "
    worst=$(awk -v a="$worst" -v b="$(secs "$h")" 'BEGIN { print (b > a) ? b : a }')
done
check "frozen: three listed origins answered 200, without Access-Control-* headers" \
    "200/0 200/0 200/0 " "$all"
check "frozen: each within 5 s, bounded by connect_timeout=2 (slowest $worst s)" yes \
    "$(at_most 5 "$worst")"
served=$(awk '$5 ~ /t=frozen/ { print $1 }' "$work/frozen/cors_log" | sort -u | grep -c .)
check "frozen: the error said once by each process that served ($served)" "$served $served" \
    "$(lines "$work/frozen" "$said") $(pids_saying "$work/frozen" "$said")"
# Known limit, checked so that it is seen: with a kept connection the request waits for the
# database however long it is stopped (here the whole time the frozen checks took, > 5 s).
# (curl writes its "time:" line when it has the answer.)
check "frozen: with DBDPersist On a request is held while the database is stopped (a known limit)" \
    held "$(grep -q '^time:' "$work/held.out" && echo answered || echo held)"
kill -CONT $(cat "$work/pg/stopped")
rm -f "$work/pg/stopped"
wait_until 200 grep -q '^time:' "$work/held.out"
bg_stop "$held"
h=$(cat "$work/held.out")
check "frozen: ... and answered once the database continues (allowed; it took $(secs "$h") s)" \
    "200 https://held.example" "$(status "$h") $(acao "$h")"
set -- https://z1.example https://z2.example https://z3.example
wait_until 100 all_allowed "$frozen" "$@"
check "frozen: continued, the three are allowed again within 10 s" 3 \
    "$(how_many_allowed "$frozen" "$@")"

# ---- a fleet: two servers sharing their answers through redis ----------------------------
a_port=$(free_port)
b_port=$(free_port)
srv_a="http://127.0.0.1:$a_port"
srv_b="http://127.0.0.1:$b_port"
sql "INSERT INTO tenant_origins VALUES ('https://fl1.example'), ('https://fl2.example')"
# The two servers of a fleet share answers when their DBDriver and DBDParams read alike (the
# cache keys name the database by them): each names itself to postgres through libpq's
# PGAPPNAME in its environment instead of application_name in DBDParams.
for s in fleet-a fleet-b; do
    p=$a_port
    [ $s = fleet-b ] && p=$b_port
    export PGAPPNAME=$s
    httpd_up $s event "http://127.0.0.1:$p/data.json" dbd socache_redis <<EOF
Listen 127.0.0.1:$p
CORSOriginCache redis:127.0.0.1:$redis_port
CORSOriginCacheTimeout 30
CORSOriginCacheSecret $work/cache.key
$(query_conf $s)
EOF
    unset PGAPPNAME
done
rcli() { redis-cli -p "$redis_port" "$@"; }
forge() { python3 "$(dirname "$0")/forge.py" "$@"; }
# mod_socache_redis stores an id as its namespace, ":", and the id in hex; the id is the one
# docs/directives.md (CORSOriginCache) describes, computed here from the query, DBDriver, DBDParams and the origin.
key_of() {   # ORIGIN: the redis key of ORIGIN's answer
    printf 'mod_cors-origins:%s' "$(forge key "$sqltext" pgsql "$dbd_params" "$1" \
        | perl -ne 'chomp; print unpack("H*", $_)')"
}

h=$(get "$srv_a" https://fl1.example fl1a)
check "fleet: through A, a listed origin is allowed" https://fl1.example "$(acao "$h")"
check "fleet: ... after one query from A" 1 "$(asked https://fl1.example fleet-a)"
k1=$(key_of https://fl1.example)
check "fleet: the answer is in redis under cors:<SHA-256 of query, database and origin> (as docs/directives.md says)" \
    1 "$(rcli EXISTS "$k1")"
# The value: '1' or '0', until when it is fresh (8 bytes), the origin, and the MAC (32 bytes).
check "fleet: ... a yes" 1 "$(rcli --raw GET "$k1" | head -c 1)"
check "fleet: ... for the origin, signed" "https://fl1.example 32" \
    "$(rcli --raw GET "$k1" | perl -0777 -ne 's/\n\z//; print substr($_, 9, 19), " ", length($_) - 9 - 19')"
ttl=$(rcli TTL "$k1")
check "fleet: ... fresh for CORSOriginCacheTimeout (30 s), a yes kept twice that (TTL $ttl: 50 to 60)" \
    yes "$([ "${ttl:-0}" -ge 50 ] && [ "${ttl:-0}" -le 60 ] && echo yes || echo no)"
sql "DELETE FROM tenant_origins WHERE origin IN ('https://fl1.example')"
# An origin too long for 1.3.0's keys (memcache and redis refuse ids over 117 bytes): its
# answer is shared like any other, and asking for it does not put the cache out of use.
long=https://$(printf 'a%.0s' $(seq 60)).$(printf 'b%.0s' $(seq 40)).example
sql "INSERT INTO tenant_origins VALUES ('$long')"
h=$(get "$srv_a" "$long" longa)
check "fleet: an origin of ${#long} bytes allowed through A" "$long" "$(acao "$h")"
h=$(get "$srv_b" "$long" longb)
check "fleet: ... through B from the shared cache (B sent no query)" "$long 0" \
    "$(acao "$h") $(asked "$long" fleet-b)"
h=$(get "$srv_b" https://fl1.example fl1b)
check "fleet: row deleted, through B the origin is still allowed from the shared cache" \
    https://fl1.example "$(acao "$h")"
check "fleet: ... and B sent postgres no query" 0 "$(asked https://fl1.example fleet-b)"
h=$(get "$srv_b" https://fl2.example fl2b)
check "fleet: a new origin asked first through B is allowed" https://fl2.example "$(acao "$h")"
h=$(get "$srv_a" https://fl2.example fl2a)
check "fleet: ... then A answers it" https://fl2.example "$(acao "$h")"
check "fleet: ... B queried once, A not at all" "1 0" \
    "$(asked https://fl2.example fleet-b) $(asked https://fl2.example fleet-a)"
check "fleet: A and B name the answer alike (one key)" 1 "$(rcli EXISTS "$(key_of https://fl2.example)")"
# Whoever can write to redis knows how keys are made: a forged "listed" answer, in 1.3.0's
# form and in this one's, without the fleet's secret, allows nothing.
forge redis "$redis_port" "$sqltext" pgsql "$dbd_params" https://forged.example
sleep 1.1   # past any second the cache was left alone for
h=$(get "$srv_a" https://forged.example forged)
check "fleet: a forged answer in redis allows nothing (postgres asked instead)" "0 1" \
    "$(cors_headers "$h") $(asked https://forged.example fleet-a)"
h=$(get "$srv_a" https://nope.example nopea)
h2=$(get "$srv_b" https://nope.example nopeb)
check "fleet: an unlisted origin refused by A, then by B from the cache (a shared no)" \
    "0 0 0" "$(cors_headers "$h") $(cors_headers "$h2") $(asked https://nope.example fleet-b)"
kn=$(key_of https://nope.example)
check "fleet: ... a no in redis" 0 "$(rcli --raw GET "$kn" | head -c 1)"
ttl=$(rcli TTL "$kn")
check "fleet: ... kept for CORSOriginCacheTimeout only (TTL $ttl: 20 to 30)" yes \
    "$([ "${ttl:-0}" -ge 20 ] && [ "${ttl:-0}" -le 30 ] && echo yes || echo no)"
# Gone from the cache (expired or deleted), the answer is asked again: now a no.  Each
# process also remembers an answer until it is due (1.4), as the shared cache keeps it: B's
# processes are made afresh (a graceful restart), so the one that answers remembers nothing.
rcli DEL "$k1" >/dev/null
"$HTTPD_BIN" -f "$work/fleet-b/httpd.conf" -k graceful
sleep 2
h=$(get "$srv_b" https://fl1.example fl1b2)
check "fleet: the cached answer deleted, B asks postgres and refuses the deleted origin" \
    "1 " "$(asked https://fl1.example fleet-b) $(acao "$h")"
wait_until 50 grep -q 't=fl1b2' "$work/fleet-b/cors_log"
check "fleet: B's notes: allowed from the cache, allowed, refused-origin, refused-origin" \
    "allowed allowed refused-origin refused-origin" \
    "$(note "$work/fleet-b" fl1b fl2b nopeb fl1b2)"

# ---- memcache: the same, through mod_socache_memcache ------------------------------------
mc_port=$(free_port)
srv_mc="http://127.0.0.1:$mc_port"
httpd_up memcache event "$srv_mc/data.json" dbd socache_memcache <<EOF
Listen 127.0.0.1:$mc_port
CORSOriginCache memcache:127.0.0.1:$memcache_port
CORSOriginCacheTimeout 2
CORSOriginCacheSecret $work/cache.key
$(query_conf memcache)
EOF
sql "INSERT INTO tenant_origins VALUES ('https://mc.example')"
h=$(get "$srv_mc" https://mc.example mc1)
h2=$(get "$srv_mc" https://mc.example mc2)
check "memcache: a listed origin allowed, then from the cache (one query)" \
    "https://mc.example https://mc.example 1" "$(acao "$h") $(acao "$h2") $(asked https://mc.example memcache)"
h=$(get "$srv_mc" "$long" mclong1)
h2=$(get "$srv_mc" "$long" mclong2)
check "memcache: an origin of ${#long} bytes too (one query)" "$long $long 1" \
    "$(acao "$h") $(acao "$h2") $(asked "$long" memcache)"
forge memcache "$memcache_port" "$sqltext" pgsql \
    "$dbd_params application_name=memcache" https://forged-mc.example
sleep 1.1
h=$(get "$srv_mc" https://forged-mc.example mcforged)
check "memcache: a forged answer allows nothing" 0 "$(cors_headers "$h")"
# A genuine, signed yes put back after its time, to be kept for ever, while the database
# cannot answer (a yes in the cache then stands until its entry expires): its own time bounds
# it (a yes is answered up to a timeout past it), not what the cache was told to keep it for.
sql "INSERT INTO tenant_origins VALUES ('https://replayed.example')"
h=$(get "$srv_mc" https://replayed.example replay1)
forge save "$memcache_port" "$sqltext" pgsql "$dbd_params application_name=memcache" \
    https://replayed.example "$work/replayed.value"
sql "DELETE FROM tenant_origins WHERE origin = 'https://replayed.example'"
sleep 4.2
forge replay "$memcache_port" "$sqltext" pgsql "$dbd_params application_name=memcache" \
    https://replayed.example "$work/replayed.value"
bg_start locker 120 env PGAPPNAME=e2e-locker psql -X -q -h "$work/pg" -p "$pg_port" -U cors -d postgres \
    -c "BEGIN; LOCK TABLE tenant_origins IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(100); COMMIT;"
locker=$bg_pid
wait_until 100 locked || echo "# the lock was not taken"
h2=$(get "$srv_mc" https://replayed.example replay2)
sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
     WHERE application_name = 'e2e-locker'" >/dev/null
bg_stop "$locker"
check "memcache: a signed yes put back past its time, the database locked: refused" \
    "https://replayed.example 0" "$(acao "$h") $(cors_headers "$h2")"

# A cache that hangs (redis stopped with SIGSTOP): a few requests of a process may wait on it,
# and once none has come back for a second it is taken to hang and skipped: a listed origin
# is still answered, from the database. One process, so that its requests meet one count.
fz_port=$(free_port)
srv_fz="http://127.0.0.1:$fz_port"
httpd_up frozen-cache event "$srv_fz/data.json" dbd socache_redis <<EOF
Listen 127.0.0.1:$fz_port
StartServers 1
ServerLimit 1
ThreadsPerChild 25
CORSOriginCache redis:127.0.0.1:$redis_port
$(query_conf frozen-cache)
EOF
redis_pid=$(pgrep -f "redis-server 127.0.0.1:$redis_port" | head -n 1)
sql "INSERT INTO tenant_origins VALUES ('https://fz.example')"
echo "$redis_pid" > "$work/redis.stopped"
kill -STOP "$redis_pid"
i=0 waiting=""
while [ $i -lt 2 ]; do
    curl -s -o /dev/null --max-time 30 -H "Origin: https://frozen$i.example" "$srv_fz/data.json?t=fz$i" &
    waiting="$waiting $!"
    i=$((i + 1))
done
sleep 1.5
h=$(get "$srv_fz" https://fz.example fzlisted)
kill -CONT "$redis_pid"
rm -f "$work/redis.stopped"
# shellcheck disable=SC2086
wait $waiting
check "redis frozen: a listed origin is still answered, from the database, at once ($(secs "$h") s)" \
    "https://fz.example yes" "$(acao "$h") $(at_most 2 "$(secs "$h")")"

e2e_done

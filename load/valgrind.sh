#!/bin/sh
# valgrind.sh - httpd -X under memcheck through every kind of request, then a flat-RSS check.
set -eu
. "$(dirname "$0")/server.sh"

# 1. memcheck: every path through mod_cors, hostile input included.
server_init prefork
mods=$(apxs -q LIBEXECDIR)
mkdir -p "$root/htdocs/src" "$root/data"
echo "hello from the sources" > "$root/htdocs/src/data.txt"
printf 'https://file.example\nhttps://*.wfile.example\n' > "$root/data/origins.txt"
printf 'https://map.example 1\n' | httxt2dbm -i - -o "$root/data/origins.db"
sqlite3 "$root/data/tenants.db" "CREATE TABLE t (origin TEXT); INSERT INTO t VALUES ('https://sql.example');"
chmod -R a+rX "$root/data"
server_conf "<Directory $root/htdocs/ht>" "    AllowOverride FileInfo" "</Directory>" \
    "LoadModule dbd_module $mods/mod_dbd.so" "LoadModule socache_shmcb_module $mods/mod_socache_shmcb.so" \
    "DBDriver sqlite3" "DBDParams $root/data/tenants.db" \
    "CORSOriginCache shmcb:$root/origin-cache(512000)" \
    "<Location /src>" "    CORSAllowOriginFile $root/data/origins.txt" \
    "    CORSAllowOriginMap +dbm:$root/data/origins.db" \
    "    CORSAllowOriginQuery +\"SELECT 1 FROM t WHERE origin = %s\"" "</Location>"
mkdir -p "$root/htdocs/ht"
echo "hello from the .htaccess" > "$root/htdocs/ht/data.txt"
# put TEXT: the .htaccess, replaced whole.
put() {
    printf '%s\n' "$@" > "$root/htdocs/ht/.htaccess.new"
    chmod -R a+rX "$root/htdocs"
    mv "$root/htdocs/ht/.htaccess.new" "$root/htdocs/ht/.htaccess"
}
put "CORSAllowOrigin https://o7.example" "CORSAllowOriginMatch ^https://r[0-9]+\\.example\$" \
    '<Files "data.txt">' "CORSAllowOrigin +https://f.example" "</Files>" "CORSAllowMethods PUT"
# One log per process (%p): httpd -X is one, but a process it forked would be counted too.
server_start valgrind --tool=memcheck --error-limit=no --num-callers=30 \
    --log-file="$root/memcheck.%p.log"
o=https://o7.example
# req CURL-ARGS...: a request whose answer is not looked at; one that gets no HTTP answer at
# all (the server gone, or hung past 60 s) is counted, and fails the run below.
unanswered=0
req() {
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 "$@") || code=000
    [ "$code" != 000 ] || unanswered=$((unanswered + 1))
}
for n in 1 2 3 4 5; do
    req -X OPTIONS "$url/api/data.txt" -H "Origin: $o" \
        -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type,authorization'
    req -X OPTIONS "$url/api/data.txt" -H 'Origin: https://evil.example' \
        -H 'Access-Control-Request-Method: PUT'
    req -X OPTIONS "$url/api/data.txt" -H "Origin: $o" \
        -H 'Access-Control-Request-Method: DELETE'
    req -X OPTIONS "$url/api/data.txt" -H "Origin: $o" \
        -H 'Access-Control-Request-Method: GET' \
        -H "Access-Control-Request-Headers: $(head -c 7000 /dev/zero | tr '\0' ',')"
    req "$url/api/data.txt" -H "Origin: $o"
    req "$url/api/data.txt" -H "Origin: https://a.b.wild.example"
    req "$url/api/data.txt" -H 'Origin: https://evil.example'
    req "$url/api/data.txt"
    req "$url/api/missing" -H "Origin: $o"
    req "$url/api/data.txt" -H "Origin: https://$(head -c 6000 /dev/zero | tr '\0' a).example"
    req "$url/api/data.txt" -H "Origin: $(printf 'https://x\001y')"
done
# .htaccess: lines found in the cache, a file edited (read again from the changed line), a
# bad line (remembered with its error), and enough 64 KB versions to start new generations.
acao() { curl -s -o /dev/null -D - "$@" | tr -d '\r' | sed -n 's/^Access-Control-Allow-Origin: //p'; }
ht_first=$(acao "$url/ht/data.txt" -H "Origin: https://f.example")
for n in 1 2 3; do
    req "$url/ht/data.txt" -H "Origin: $o"
    req "$url/ht/data.txt" -H "Origin: https://r42.example"
    req "$url/ht/data.txt" -H "Origin: https://f.example"
    req -X OPTIONS "$url/ht/data.txt" -H "Origin: $o" \
        -H 'Access-Control-Request-Method: PUT'
done
put "CORSAllowOrigin https://o7.example" "CORSAllowMethods DELETE"
req -X OPTIONS "$url/ht/data.txt" -H "Origin: $o" -H 'Access-Control-Request-Method: DELETE'
put "CORSAllowOrigin https://o7.example" "CORSAllowMethods -GET"
req "$url/ht/data.txt" -H "Origin: $o"
req "$url/ht/data.txt" -H "Origin: $o"
v=1
while [ $v -le 12 ]; do
    awk -v v=$v 'BEGIN { for (l = 0; l < 100; l++) { printf "CORSAllowOrigin"
        for (k = 0; k < 20; k++) printf " https://v%d-o%d.example.com", v, 20 * l + k; print "" } }' \
        > "$root/htdocs/ht/.htaccess.new"
    chmod 644 "$root/htdocs/ht/.htaccess.new"
    mv "$root/htdocs/ht/.htaccess.new" "$root/htdocs/ht/.htaccess"
    req "$url/ht/data.txt" -H "Origin: https://v$v-o5.example.com"
    ht_last=$(acao "$url/ht/data.txt" -H "Origin: https://v$v-o5.example.com")
    v=$((v + 1))
done
# Origin sources: a file read again (and once bad), a DBM file opened again, a table asked
# and its answers cached.
for origin in https://file.example https://a.wfile.example https://map.example https://sql.example \
              https://sql.example https://none.example https://none.example; do
    req "$url/src/data.txt" -H "Origin: $origin"
done
printf 'https://file2.example\n' > "$root/data/origins.new" && mv "$root/data/origins.new" "$root/data/origins.txt"
printf 'https://map2.example 1\n' | httxt2dbm -i - -o "$root/data/origins.db.new"
mv "$root/data/origins.db.new" "$root/data/origins.db"
chmod -R a+rX "$root/data"
# The new file is read within a second or so (slower under memcheck): until it is allowed,
# bounded.
i=0
until src_new=$(acao "$url/src/data.txt" -H "Origin: https://file2.example"); [ "$src_new" = https://file2.example ]; do
    i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1
done
req "$url/src/data.txt" -H "Origin: https://map2.example"
errlines=$(wc -l < "$root/error_log")
printf 'https://file3.example/\n' > "$root/data/origins.new" && mv "$root/data/origins.new" "$root/data/origins.txt"
chmod -R a+rX "$root/data"
# The bad version kept out: asked once the process has said so (its error line), bounded.
i=0
until tail -n +$((errlines + 1)) "$root/error_log" | grep -q "origins.txt:1: .*stays in force"; do
    req "$url/src/data.txt" -H "Origin: https://file3.example"
    i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1
done
src_kept=$(acao "$url/src/data.txt" -H "Origin: https://file2.example")
server_stop
# Every process's log must end with its ERROR SUMMARY (one killed, or still running, has
# none): the errors are summed over all of them, wherever their frames are — an error in
# httpd, APR or a library may well be caused by mod_cors. None is suppressed (no error
# outside mod_cors shows up here); should one that is not ours appear, suppress it narrowly
# in a file under load/ given to valgrind with --suppressions, saying why.
logs=0 summaries=0 errors=0
for f in "$root"/memcheck.*.log; do
    [ -f "$f" ] || continue
    logs=$((logs + 1))
    n=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$f" | tail -n 1)
    [ -n "$n" ] || { echo "# $f has no ERROR SUMMARY"; continue; }
    summaries=$((summaries + 1))
    errors=$((errors + n))
done
ours=$(cat "$root"/memcheck.*.log 2>/dev/null | grep -cE "mod_cors\.so|cors_[a-z_]+ \(" || true)
echo "# memcheck: $logs process(es), $errors errors in all, $ours stack frames in mod_cors"
ok "memcheck ran to the end (an ERROR SUMMARY from every process)" \
    test "$logs" -ge 1 -a "$summaries" -eq "$logs"
ok "every request got an HTTP answer ($unanswered did not)" test "$unanswered" -eq 0
ok "... through the origin sources (a file read again, then a bad one kept out)" \
    test "$src_new" = https://file2.example -a "$src_kept" = https://file2.example
ok "... through the .htaccess paths (a <Files> line; the 12th 64 KB version)" \
    test "$ht_first $ht_last" = "https://f.example https://v12-o5.example.com"
ok "no memcheck error at all (mod_cors, httpd, APR or a library)" test "$errors" -eq 0
ok "no memcheck error in mod_cors code" test "$ours" -eq 0
[ "$errors" -eq 0 ] || grep -h -B5 -A25 "Invalid\|uninitialised\|Conditional\|Syscall param\|definitely\|Mismatched\|overlap" \
    "$root"/memcheck.*.log | head -120

# 2. One child, 100,000 requests: its resident size must not grow per request.
server_stop
rm -rf "$root"
server_init prefork
server_conf "StartServers 1" "MinSpareServers 1" "MaxSpareServers 1" "ServerLimit 1" \
    "MaxRequestWorkers 1" "MaxConnectionsPerChild 0"
server_start
child=$(pgrep -P "$(cat "$root/httpd.pid")" | head -n 1)
rss() { awk '/^VmRSS/ {print $2}' "/proc/$child/status"; }
# load N: N/2 allowed GETs, N/2 allowed preflights, kept alive; every one must be answered
# 2xx (ab's "Failed requests" and "Non-2xx responses"), else load_bad counts the run.
load_bad=0
ab_ok() {
    out=$(ab -q -k "$@" 2>&1) || { echo "$out" | tail -n 5; return 1; }
    printf '%s\n' "$out" | grep -q '^Failed requests: *0$' && ! printf '%s\n' "$out" | grep -q '^Non-2xx responses:' \
        || { printf '%s\n' "$out" | grep -E '^(Complete|Failed|Non-2xx)' ; return 1; }
}
load() {
    ab_ok -n "$(($1 / 2))" -c 1 -H "Origin: https://o42.example" "$url/api/data.txt" || load_bad=$((load_bad + 1))
    ab_ok -n "$(($1 / 2))" -c 1 -m OPTIONS -H "Origin: https://o42.example" \
        -H "Access-Control-Request-Method: PUT" "$url/api/data.txt" || load_bad=$((load_bad + 1))
}
load 10000
before=$(rss)
load 90000
after=$(rss)
echo "# child $child: VmRSS ${before} kB after 10,000 requests, ${after} kB after 100,000"
ok "100,000 requests, every one answered 2xx ($load_bad ab runs were not)" test "$load_bad" -eq 0
ok "100,000 requests leave the child's resident size flat (within 1 MB)" \
    test $((after - before)) -lt 1024

tap_done

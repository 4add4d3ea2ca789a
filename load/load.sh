#!/bin/sh
# load.sh - 64 concurrent clients under the event MPM: a graceful restart every second; an
# .htaccess, then an origin file and an SQLite table, changed every 100 ms; then a graceful
# restart that changes the policy. LOAD_SECONDS (default 30) bounds the run.
set -eu
. "$(dirname "$0")/server.sh"
seconds=${LOAD_SECONDS:-30}
clients=${LOAD_CLIENTS:-64}

# absent PATTERN: the error log is there and has no line matching PATTERN (grep -E).
absent() {
    grep -qE "$1" "$root/error_log"
    [ $? -eq 1 ]
}

server_init event
mkdir -p "$root/htdocs/src" "$root/data"
echo "hello from the sources" > "$root/htdocs/src/data.txt"
# origins A|B: origins 1-500 or 501-1000, one per line, then the origin both versions list.
origins() {
    awk -v v="$1" 'BEGIN {
        first = v == "A" ? 1 : 501
        for (k = first; k < first + 500; k++) printf "https://o%d.example\n", k
        printf "https://always.example\n"
    }'
}
origins A > "$root/data/origins.txt"
# WAL: the writer below never blocks httpd's readers.
sqlite3 "$root/data/tenants.db" "PRAGMA journal_mode=WAL;
    CREATE TABLE tenant_origins (origin TEXT PRIMARY KEY);
    INSERT INTO tenant_origins VALUES ('https://always-sql.example');" >/dev/null
chmod 755 "$root/data"
chmod 666 "$root/data/tenants.db"
chmod 777 "$root/data"
mods=$(apxs -q LIBEXECDIR)
server_conf "ThreadsPerChild 25" "ServerLimit 4" "MaxRequestWorkers 100" "GracefulShutdownTimeout 10" \
    "<Directory $root/htdocs/ht>" "    AllowOverride FileInfo" "</Directory>" \
    "LoadModule dbd_module $mods/mod_dbd.so" "LoadModule socache_shmcb_module $mods/mod_socache_shmcb.so" \
    "DBDriver sqlite3" "DBDParams $root/data/tenants.db" \
    "CORSOriginCache shmcb:$root/origin-cache(512000)" "CORSOriginCacheTimeout 1" \
    "CORSOriginQueryBudget 100000" \
    "<Location /src>" "    CORSAllowOriginFile $root/data/origins.txt" \
    "    CORSAllowOriginQuery +\"SELECT 1 FROM tenant_origins WHERE origin = %s\"" "</Location>"
mkdir -p "$root/htdocs/ht"
echo "hello from the .htaccess" > "$root/htdocs/ht/data.txt"
# version A|B: 500 origins in 25 lines of 20, and the header that tells the version.
version() {
    awk -v v="$1" 'BEGIN {
        first = v == "A" ? 1 : 501
        for (l = 0; l < 25; l++) {
            printf "CORSAllowOrigin"
            for (k = 0; k < 20; k++) printf " https://o%d.example", first + 20 * l + k
            printf "\n"
        }
        printf "CORSExposeHeaders X-Version-%s\n", v
    }'
}
version A > "$root/htdocs/ht/.htaccess"
chmod -R a+rX "$root/htdocs"
server_start

perl "$(dirname "$0")/client.pl" "$port" "$clients" "$seconds" > "$root/result" &
client=$!
i=0
while [ $i -lt "$seconds" ]; do
    sleep 1
    /usr/sbin/apache2 -f "$root/httpd.conf" -k graceful
    i=$((i + 1))
done
client_rc=0
wait "$client" || client_rc=$?
total=0 bad=0
read -r total bad < "$root/result" || true
echo "# $clients clients, $seconds s, $seconds graceful restarts: $total requests, $bad bad"
ok "every load client ran to the end and reported (client.pl exit $client_rc)" test "$client_rc" -eq 0
ok "load ran (more than 1,000 requests)" test "$total" -gt 1000
ok "every answer complete, 200, with its own request's origin" test "$bad" -eq 0
ok "no child crashed" absent 'Segmentation fault|exit signal'

# switching MODE SECONDS RESULT STEP: client.pl in MODE for SECONDS, while STEP I is run every
# 100 ms (bounded), I counting; its totals in RESULT, its exit status in client_rc.
switching() {
    perl "$(dirname "$0")/client.pl" "$port" "$clients" "$2" "$1" > "$3" &
    client=$!
    i=0
    while kill -0 "$client" 2>/dev/null && [ $i -lt $(($2 * 20)) ]; do
        "$4" "$i"
        sleep 0.1
        i=$((i + 1))
    done
    client_rc=0
    wait "$client" || client_rc=$?
}

# Each version written aside and renamed over the file, as an editor saves: A and B in turn.
switch_htaccess() {
    case $(($1 % 2)) in 0) v=B ;; *) v=A ;; esac
    version "$v" > "$root/htdocs/ht/.htaccess.new"
    chmod 644 "$root/htdocs/ht/.htaccess.new"
    mv "$root/htdocs/ht/.htaccess.new" "$root/htdocs/ht/.htaccess"
}

# A process looks at an origin file once a second: the version changes every third write
# (600 ms), so that its looks, a second apart, do not all fall on the same version.
switch_sources() {
    case $((($1 / 3) % 2)) in 0) v=B ;; *) v=A ;; esac
    origins "$v" > "$root/data/origins.new"
    chmod 644 "$root/data/origins.new"
    mv "$root/data/origins.new" "$root/data/origins.txt"
    sqlite3 "$root/data/tenants.db" "PRAGMA busy_timeout=2000;
        INSERT OR IGNORE INTO tenant_origins VALUES ('https://q$(($1 % 50)).example');
        DELETE FROM tenant_origins WHERE origin = 'https://q$((($1 + 25) % 50)).example';" >/dev/null
}

# .htaccess: threads of four processes read a file switched between two versions every
# 100 ms (each written aside and renamed over it, as an editor saves): every answer that
# allows must be one whole version, and both versions must have been in force.
vseconds=$((seconds / 3 + 1))
switching versions "$vseconds" "$root/vresult" switch_htaccess
vtotal=0 vbad=0 by_a=0 by_b=0
read -r vtotal vbad by_a by_b < "$root/vresult" || true
echo "# .htaccess switched every 100 ms for $vseconds s: $vtotal requests, $vbad bad, allowed by A $by_a, by B $by_b"
ok ".htaccess switched under load: every client ran to the end and reported (exit $client_rc)" test "$client_rc" -eq 0
ok ".htaccess switched under load: requests ran (more than 1,000)" test "$vtotal" -gt 1000
ok "... every answer whole: refused, or allowed with its own version's headers" test "$vbad" -eq 0
ok "... both versions were in force" test "$by_a" -gt 0 -a "$by_b" -gt 0
ok "... no child crashed" absent 'Segmentation fault|exit signal'

# Origin sources: threads of four processes read an origin file switched between two versions
# every 100 ms (written aside and renamed) and a table whose rows come and go: no request
# fails, a list is never seen half-read (the origins both versions list are always allowed),
# and both versions were in force.
sseconds=$((seconds / 3 + 1))
switching sources "$sseconds" "$root/sresult" switch_sources
stotal=0 sbad=0 s_a=0 s_b=0
read -r stotal sbad s_a s_b < "$root/sresult" || true
echo "# origin file switched every 100 ms and table rows changed for $sseconds s: $stotal requests, $sbad bad, allowed by A $s_a, by B $s_b"
ok "origin sources changed under load: every client ran to the end and reported (exit $client_rc)" test "$client_rc" -eq 0
ok "origin sources changed under load: requests ran (more than 1,000)" test "$stotal" -gt 1000
ok "... no request failed, no list seen half-read" test "$sbad" -eq 0
ok "... both versions of the file were in force" test "$s_a" -gt 0 -a "$s_b" -gt 0
ok "... no child crashed" absent 'Segmentation fault|exit signal'
ok "... no source said it could not answer" absent 'cannot answer|refused meanwhile|stays in force'

# A graceful restart with a changed policy takes effect for new requests.
new=https://brand-new.example
# answer ORIGIN: "STATUS ORIGIN-ALLOWED" for /api/data.txt ("STATUS -" when none, "no answer"
# when curl gets none: a refusal is never read from a server that is down).
answer() {
    h=$(curl -s -o /dev/null -D - -H "Origin: $1" "$url/api/data.txt") || { echo "no answer"; return 0; }
    st=$(printf '%s\n' "$h" | tr -d '\r' | sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p')
    v=$(printf '%s\n' "$h" | tr -d '\r' | sed -n 's/^Access-Control-Allow-Origin: //Ip')
    echo "${st:-?} ${v:--}"
}
ok "before: a new origin is refused" test "$(answer "$new")" = "200 -"
server_conf "CORSAllowOrigin $new"
sed -i "s|^CORSAllowOrigin $new|<Location /api>\n    CORSAllowOrigin +$new\n</Location>|" "$root/httpd.conf"
/usr/sbin/apache2 -f "$root/httpd.conf" -k graceful
i=0
until curl -s -o /dev/null -D - -H "Origin: $new" "$url/api/data.txt" | grep -qi "^access-control-allow-origin: $new"; do
    i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1
done
ok "after a graceful restart with the origin added, it is allowed" test "$(answer "$new")" = "200 $new"

tap_done

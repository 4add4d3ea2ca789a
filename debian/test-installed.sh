#!/bin/sh
# test-installed.sh - installs the .deb, enables it with a2enmod, serves conf-examples/spa-api.conf
# from the system apache2 on a loopback port, checks it with curl and corscheck, and undoes it all.
set -eu
deb=$1
top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "test-deb installs a package: run it as root" >&2; exit 1; }
port=$(perl -MIO::Socket::INET -e \
    'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport')
www=/var/www/mod-cors-test
ports_backup=$(mktemp)
cp /etc/apache2/ports.conf "$ports_backup"

cleanup() {
    apache2ctl stop 2>/dev/null || true
    i=0; while pgrep -x apache2 >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    a2dissite -q mod-cors-test 2>/dev/null || true
    rm -f /etc/apache2/sites-available/mod-cors-test.conf
    cp "$ports_backup" /etc/apache2/ports.conf && rm -f "$ports_backup"
    a2dismod -q cors 2>/dev/null || true
    dpkg --purge libapache2-mod-cors >/dev/null 2>&1 || true
    rm -rf "$www"
}
trap cleanup EXIT

passed=0
failed=0
check() {
    what=$1; shift
    if "$@"; then passed=$((passed + 1)); echo "ok - $what"
    else failed=$((failed + 1)); echo "not ok - $what"; fi
}

dpkg -i "$deb" >/dev/null
check "the package installs the module" test -f /usr/lib/apache2/modules/mod_cors.so
check "... and mods-available/cors.load" test -f /etc/apache2/mods-available/cors.load
check "... not enabled until asked" test ! -e /etc/apache2/mods-enabled/cors.load
a2enmod -q cors
check "a2enmod cors enables it" test -e /etc/apache2/mods-enabled/cors.load

# Only a loopback port while the test runs (ports.conf is restored on exit).
echo "Listen 127.0.0.1:$port" > /etc/apache2/ports.conf
mkdir -p "$www"
echo '{"ok": true}' > "$www/data.json"
chmod -R a+rX "$www"
sed -e "s|\*:80|127.0.0.1:$port|" -e "s|/var/www/api|$www|g" "$top/conf-examples/spa-api.conf" \
    > /etc/apache2/sites-available/mod-cors-test.conf
a2ensite -q mod-cors-test
check "apache2ctl configtest" apache2ctl configtest
apache2ctl start
i=0
until curl -s -o /dev/null "http://127.0.0.1:$port/data.json"; do
    i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1
done
u="http://127.0.0.1:$port/data.json"
acao() { curl -s -o /dev/null -D - "$@" | tr -d '\r' | sed -n 's/^Access-Control-Allow-Origin: //Ip'; }
check "system apache2: a preflight is answered 204" test "$(curl -s -o /dev/null -w '%{http_code}' \
    -X OPTIONS -H 'Origin: https://app.example.com' -H 'Access-Control-Request-Method: PUT' \
    -H 'Access-Control-Request-Headers: content-type,authorization' "$u")" = 204
check "system apache2: the actual request carries the origin" \
    test "$(acao -H 'Origin: https://app.example.com' "$u")" = https://app.example.com
check "system apache2: a refused origin gets nothing" test -z "$(acao -H 'Origin: https://evil.example' "$u")"
check "corscheck is installed and agrees" /usr/bin/corscheck "$u" --origin https://app.example.com \
    --method PUT --header 'Content-Type: application/json' --credentials >/dev/null

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

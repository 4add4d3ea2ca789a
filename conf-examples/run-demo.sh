#!/bin/sh
# run-demo.sh - starts the demo of conf-examples/demo.conf on two loopback origins.
#   sh conf-examples/run-demo.sh           foreground; Ctrl-C stops it
#   sh conf-examples/run-demo.sh --check   loads the page in headless Chromium, checks each
#                                          call got the browser verdict it should, stops
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-run}
mods=$(apxs -q LIBEXECDIR)
module="$top/.libs/mod_cors.so"
[ -f "$module" ] || { echo "build first: make" >&2; exit 1; }

free_port() {
    perl -MIO::Socket::INET -e \
        'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport'
}
page_port=$(free_port)
api_port=$(free_port)
while [ "$api_port" = "$page_port" ]; do api_port=$(free_port); done

root=$(mktemp -d)
pid=""
stop() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$root"
}
trap stop EXIT
trap 'exit 130' INT TERM

# httpd started as root serves as www-data: the tree must be readable to it.
chmod 755 "$root"
cp -R "$top/conf-examples/demo" "$root/demo"
chmod -R a+rX "$root/demo"
sed -i "s/<html lang=\"en\">/<html lang=\"en\" data-api=\"$api_port\">/" "$root/demo/page/index.html"

loadmodules=$(for m in mpm_event authz_core mime dir alias headers cgid; do
    printf 'LoadModule %s_module %s/mod_%s.so\\n' "$m" "$mods" "$m"; done)
user=""
[ "$(id -u)" -eq 0 ] && user="User www-data\\nGroup www-data\\n"
sed -e "s|@ROOT@|$root|g" -e "s|@DEMO@|$root/demo|g" -e "s|@PAGE_PORT@|$page_port|g" \
    -e "s|@API_PORT@|$api_port|g" \
    -e "s|@LOADMODULES@|${loadmodules}LoadModule cors_module $module\\n${user}ScriptSock $root/cgisock|" \
    "$top/conf-examples/demo.conf" > "$root/httpd.conf"
sed -i -e 's|^ErrorLog .*|ErrorLog /dev/stderr|' -e 's|^CustomLog .*|CustomLog /dev/stdout brief|' \
    "$root/httpd.conf"

apache2 -t -f "$root/httpd.conf" >/dev/null 2>&1 || apache2 -t -f "$root/httpd.conf"
apache2 -f "$root/httpd.conf" -DFOREGROUND &
pid=$!

# Bounded wait for both origins.
i=0
until curl -fs -o /dev/null "http://127.0.0.1:$page_port/" && \
      curl -fs -o /dev/null "http://127.0.0.1:$api_port/api/hello.json"; do
    i=$((i + 1))
    [ $i -lt 100 ] || { echo "the demo server did not start" >&2; exit 1; }
    sleep 0.1
done

if [ "$mode" != "--check" ]; then
    echo
    echo "  mod_cors demo: open http://127.0.0.1:$page_port/ in your browser"
    echo "  (the page is served from :$page_port, the API from :$api_port; Ctrl-C stops it)"
    echo
    wait "$pid"
    exit 0
fi

# --check: a real browser decides.
profile="$root/chromium-profile"
mkdir -p "$profile"
dom=$(timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-quic \
    --user-data-dir="$profile" --virtual-time-budget=15000 --dump-dom \
    "http://127.0.0.1:$page_port/" 2>/dev/null) || true
passed=0
failed=0
for want in simple-get:allowed preflighted-put:allowed exposed-header:allowed refused-origin:blocked; do
    id=${want%%:*}
    verdict=${want#*:}
    if printf '%s' "$dom" | grep -q "<tr id=\"$id\" data-result=\"$verdict\""; then
        passed=$((passed + 1)); echo "ok - demo: $id is $verdict in Chromium"
    else
        failed=$((failed + 1)); echo "not ok - demo: $id should be $verdict in Chromium"
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

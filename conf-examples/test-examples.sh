#!/bin/sh
# test-examples.sh - loads every example into a throwaway httpd and checks what it promises.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ex="$top/conf-examples"
. "$top/mk/httpd.sh"
. "$top/mk/tap.sh"
httpd_require_module
ls "$HTTPD_MODS"/libphp*.so >/dev/null 2>&1 || { echo "libapache2-mod-php is missing" >&2; exit 1; }

httpd_tmpdir root
trap httpd_cleanup EXIT
trap 'exit 130' INT TERM

port=$(httpd_free_port)
backend_port=$(httpd_free_port)

# A document tree every example can serve from: /var/www/NAME becomes $root/www/NAME.
for site in api data saas blog; do
    mkdir -p "$root/www/$site/v1" "$root/www/$site/auth" "$root/www/$site/admin"
    echo '{"ok": true}' > "$root/www/$site/data.json"
    echo '{"ok": true}' > "$root/www/$site/v1/data.json"
    echo '{"ok": true}' > "$root/www/$site/auth/data.json"
done
cp "$ex/wordpress-htaccess/htaccess" "$root/www/blog/.htaccess"
cat > "$root/www/blog/index.php" <<'PHP'
<?php
// Stands in for WordPress: every routed URL lands here, and a plugin adds its own CORS header.
header('Access-Control-Allow-Origin: *');
header('X-Handled-By: php');
header('Content-Type: application/json');
echo json_encode(['route' => $_SERVER['REQUEST_URI'], 'method' => $_SERVER['REQUEST_METHOD']]);
PHP
chmod -R a+rX "$root/www"

# start EXAMPLE-FILE: the example as an admin wrote it, moved onto loopback and $root.
start() {
    httpd_stop "$root"
    {
        httpd_base "$root" prefork dir alias headers rewrite proxy proxy_http php
        echo "<FilesMatch \"\\.php\$\">"
        echo "    SetHandler application/x-httpd-php"
        echo "</FilesMatch>"
        echo "Listen 127.0.0.1:$port"
        # The application server behind reverse-proxy.conf, with a CORS opinion of its own.
        echo "Listen 127.0.0.1:$backend_port"
        echo "<VirtualHost 127.0.0.1:$backend_port>"
        echo "    DocumentRoot $root/www/api"
        echo "    Header always set Access-Control-Allow-Origin *"
        echo "    Header always set X-Backend reached"
        echo "</VirtualHost>"
        sed -e "s|\*:80|127.0.0.1:$port|" -e "s|/var/www/|$root/www/|g" \
            -e "s|127.0.0.1:8080|127.0.0.1:$backend_port|g" \
            -e "s|/etc/apache2/cors/tenant-origins.txt|$root/tenant-origins.txt|" "$1"
    } > "$root/httpd.conf"
    httpd_start "$root" "http://127.0.0.1:$port/"
}

# hdr NAME [curl args...]: the value(s) of one response header, one per line.
hdr() {
    name=$1; shift
    curl -s -o /dev/null -D - "$@" | tr -d '\r' | sed -n "s/^$name: //Ip"
}
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
u="http://127.0.0.1:$port"
pf() {   # pf ORIGIN METHOD HEADERS URL
    set -- -X OPTIONS -H "Origin: $1" -H "Access-Control-Request-Method: $2" \
        ${3:+-H "Access-Control-Request-Headers: $3"} "$4"
    curl -s -o /dev/null -w '%{http_code}' "$@"
}

echo "# spa-api.conf"
ok "spa-api: configtest and start" start "$ex/spa-api.conf"
ok "spa-api: preflighted PUT with JSON and Authorization answered 204" \
    test "$(pf https://app.example.com PUT content-type,authorization "$u/data.json")" = 204
ok "spa-api: credentials allowed for the app" \
    test "$(hdr Access-Control-Allow-Credentials -H 'Origin: https://app.example.com' "$u/data.json")" = true
ok "spa-api: a preview deployment is allowed" \
    test "$(hdr Access-Control-Allow-Origin -H 'Origin: https://pr-42.preview.example.com' "$u/data.json")" = https://pr-42.preview.example.com
ok "spa-api: a developer's localhost is allowed" \
    test "$(hdr Access-Control-Allow-Origin -H 'Origin: http://localhost:5173' "$u/data.json")" = http://localhost:5173
ok "spa-api: /auth stays same-origin" \
    test -z "$(hdr Access-Control-Allow-Origin -H 'Origin: https://app.example.com' "$u/auth/data.json")"

echo "# public-api.conf"
ok "public-api: configtest and start" start "$ex/public-api.conf"
ok "public-api: any origin gets *" \
    test "$(hdr Access-Control-Allow-Origin -H 'Origin: https://anyone.example' "$u/data.json")" = '*'
ok "public-api: no Vary: Origin on a fixed answer" \
    test -z "$(hdr Vary -H 'Origin: https://anyone.example' "$u/data.json" | grep -i origin)"
ok "public-api: a custom header is allowed by *" \
    test "$(pf https://anyone.example GET x-client-version "$u/data.json")" = 204
ok "public-api: Authorization is not covered by *" \
    test "$(pf https://anyone.example GET authorization "$u/data.json")" = 403
ok "public-api: a write method is refused" \
    test "$(pf https://anyone.example DELETE '' "$u/data.json")" = 403

echo "# reverse-proxy.conf"
ok "reverse-proxy: configtest and start" start "$ex/reverse-proxy.conf"
ok "reverse-proxy: exactly one Access-Control-Allow-Origin, the policy's" \
    test "$(hdr Access-Control-Allow-Origin -H 'Origin: https://app.example.com' "$u/data.json")" = https://app.example.com
ok "reverse-proxy: the request did reach the application" \
    test "$(hdr X-Backend -H 'Origin: https://app.example.com' "$u/data.json")" = reached
ok "reverse-proxy: a refused origin loses the application's *" \
    test -z "$(hdr Access-Control-Allow-Origin -H 'Origin: https://evil.example' "$u/data.json")"
ok "reverse-proxy: preflights never reach the application" \
    test -z "$(hdr X-Backend -X OPTIONS -H 'Origin: https://app.example.com' -H 'Access-Control-Request-Method: PUT' "$u/data.json")"
ok "reverse-proxy: /admin is closed to the app" \
    test -z "$(hdr Access-Control-Allow-Origin -H 'Origin: https://app.example.com' "$u/admin/data.json")"
ok "reverse-proxy: /admin is open to admin" \
    test "$(hdr Access-Control-Allow-Origin -H 'Origin: https://admin.example.com' "$u/admin/data.json")" = https://admin.example.com

echo "# multi-tenant.conf"
cp "$ex/multi-tenant/tenant-origins.txt" "$root/tenant-origins.txt"
chmod 644 "$root/tenant-origins.txt"
ok "multi-tenant: configtest and start with 1,000 origins" start "$ex/multi-tenant.conf"
ok "multi-tenant: the last listed customer is allowed" \
    test "$(hdr Access-Control-Allow-Origin -H 'Origin: https://shop1000.customer-domains.example' "$u/v1/data.json")" = https://shop1000.customer-domains.example
ok "multi-tenant: an unlisted customer is refused" \
    test -z "$(hdr Access-Control-Allow-Origin -H 'Origin: https://shop1001.customer-domains.example' "$u/v1/data.json")"
ok "multi-tenant: platform subdomains are allowed" \
    test "$(hdr Access-Control-Allow-Origin -H 'Origin: https://acme.saas.example' "$u/v1/data.json")" = https://acme.saas.example
# A new customer, as the application adds one: the file replaced, no reload.
{ cat "$ex/multi-tenant/tenant-origins.txt"; echo https://shop1001.customer-domains.example; } \
    > "$root/tenant-origins.txt.new"
chmod 644 "$root/tenant-origins.txt.new"
mv "$root/tenant-origins.txt.new" "$root/tenant-origins.txt"
i=0
until [ -n "$(hdr Access-Control-Allow-Origin -H 'Origin: https://shop1001.customer-domains.example' "$u/v1/data.json")" ] \
      || [ $i -ge 30 ]; do
    sleep 0.1; i=$((i + 1))
done
ok "multi-tenant: a customer added to the file is allowed within 2 s, without a reload" \
    test "$(hdr Access-Control-Allow-Origin -H 'Origin: https://shop1001.customer-domains.example' "$u/v1/data.json")" = https://shop1001.customer-domains.example

echo "# wordpress-htaccess/"
ok "wordpress: configtest and start" start "$ex/wordpress-htaccess/site.conf"
ok "wordpress: preflight to a routed REST URL answered 204" \
    test "$(pf https://www.example.com PUT content-type,x-wp-nonce "$u/wp-json/wp/v2/posts/1")" = 204
ok "wordpress: the routed request reaches PHP" \
    test "$(hdr X-Handled-By -H 'Origin: https://www.example.com' "$u/wp-json/wp/v2/posts")" = php
ok "wordpress: exactly one Access-Control-Allow-Origin, the .htaccess policy's" \
    test "$(hdr Access-Control-Allow-Origin -H 'Origin: https://www.example.com' "$u/wp-json/wp/v2/posts")" = https://www.example.com
ok "wordpress: a refused origin loses the plugin's *" \
    test -z "$(hdr Access-Control-Allow-Origin -H 'Origin: https://evil.example' "$u/wp-json/wp/v2/posts")"

echo "# demo.conf"
httpd_stop "$root"
# run-demo.sh --check prints one line per check: each counts here.
rc=0
sh "$ex/run-demo.sh" --check > "$root/demo.out" 2>&1 || rc=$?
while IFS= read -r line; do
    case $line in
        "ok - "*) pass "${line#ok - }" ;;
        "not ok - "*) fail "${line#not ok - }" ;;
    esac
done < "$root/demo.out"
if [ "$rc" -ne 0 ] && ! grep -q "^not ok - " "$root/demo.out"; then
    fail "demo: run-demo.sh --check failed"; tail -20 "$root/demo.out"
fi

tap_done

#!/bin/sh
# backends.sh - mod_cors in front of real backends: PHP-FPM (event MPM), mod_php (prefork), CGI,
# an app behind mod_proxy_http, a WordPress-style .htaccess front controller, a PHP ErrorDocument.
# Each backend sends CORS headers of its own; the policy's must win, once, and preflights must
# never reach the backend.
. "$(dirname "$0")/lib.sh"
e2e_init

cp -R "$top/e2e/www/backends" "$work/docs"
chmod -R a+rX "$work/docs"
: > "$work/hits/fpm"; : > "$work/hits/modphp"; : > "$work/hits/cgi"
chmod 666 "$work/hits"/*

fpm_port=$(free_port)
app_port=$(free_port)
front_port=$(free_port)
prefork_port=$(free_port)
front="http://127.0.0.1:$front_port"
prefork="http://127.0.0.1:$prefork_port"

fpm_up "$fpm_port"

# The application server: its own wildcard CORS headers on every answer, OPTIONS included.
httpd_up app event "http://127.0.0.1:$app_port/app/data.json" headers <<EOF
Listen 127.0.0.1:$app_port
DocumentRoot $work/docs
<Directory $work/docs>
    Require all granted
</Directory>
Header always set Access-Control-Allow-Origin "*"
Header always set Access-Control-Allow-Credentials "false"
Header always set Access-Control-Allow-Methods "GET, OPTIONS"
Header always set X-Backend "app"
EOF

# The policy both front servers share, at server level; the blog's .htaccess replaces it.
policy="CORSEnable On
CORSAllowOrigin https://app.example
CORSAllowMethods GET POST PUT
CORSAllowHeaders Content-Type Authorization
CORSExposeHeaders X-Backend
CORSAllowCredentials On"

httpd_up front event "$front/app/data.json" \
    env alias dir rewrite cgid proxy proxy_http proxy_fcgi <<EOF
Listen 127.0.0.1:$front_port
ScriptSock $work/front/cgisock
DocumentRoot $work/docs
$policy
SetEnv HITS_FILE $work/hits/fpm
<Directory $work/docs>
    Require all granted
    AllowOverride None
    <FilesMatch "\.php\$">
        SetHandler "proxy:fcgi://127.0.0.1:$fpm_port"
    </FilesMatch>
</Directory>
<Directory $work/docs/blog>
    AllowOverride FileInfo
    DirectoryIndex index.php
</Directory>
ScriptAlias /cgi/ $work/docs/cgi/
<Location /cgi/>
    SetEnv HITS_FILE $work/hits/cgi
</Location>
ProxyPass /app/ http://127.0.0.1:$app_port/app/
ErrorDocument 404 /errors/404.php
EOF

httpd_up modphp prefork "$prefork/app/data.json" env dir php <<EOF
Listen 127.0.0.1:$prefork_port
DocumentRoot $work/docs
$policy
SetEnv HITS_FILE $work/hits/modphp
<Directory $work/docs>
    Require all granted
    <FilesMatch "\.php\$">
        SetHandler application/x-httpd-php
    </FilesMatch>
</Directory>
EOF

preflight() {   # URL ORIGIN METHOD HEADERS
    curl -s -o /dev/null -D - -X OPTIONS -H "Origin: $2" -H "Access-Control-Request-Method: $3" \
        -H "Access-Control-Request-Headers: $4" "$1"
}
actual() {      # URL ORIGIN [curl args]
    u=$1 o=$2
    shift 2
    curl -s -D - -H "Origin: $o" "$@" "$u"
}
status() { printf '%s\n' "$1" | head -1 | tr -d '\r' | cut -d' ' -f2; }

# Start counting backend hits from here (the start-up probes were logged too).
: > "$work/app/access_log"

# --- the same checks for each backend -----------------------------------------------------
for b in "fpm $front/php/echo.php" "modphp $prefork/php/echo.php" "cgi $front/cgi/echo.cgi" \
         "proxy $front/app/data.json"; do
    name=${b%% *}
    url=${b#* }

    h=$(preflight "$url" https://app.example PUT "content-type, authorization")
    check "$name: allowed preflight answered by mod_cors" 204 "$(status "$h")"
    check "$name: preflight has one Access-Control-Allow-Origin" 1 "$(count Access-Control-Allow-Origin "$h")"
    check "$name: preflight allows the origin" https://app.example "$(header Access-Control-Allow-Origin "$h")"
    check "$name: preflight methods are the policy's" "GET, POST, PUT" "$(header Access-Control-Allow-Methods "$h")"

    h=$(preflight "$url" https://evil.example PUT content-type)
    check "$name: refused preflight is 403" 403 "$(status "$h")"
    check "$name: refused preflight has no CORS headers" 0 "$(count 'Access-Control-Allow-[A-Za-z-]*' "$h")"

    r=$(actual "$url" https://app.example)
    check "$name: GET reached the backend" 200 "$(status "$r")"
    like "$name: GET body is the backend's" "\"backend\":\"(php|cgi|app)\"" "$r"
    check "$name: GET has exactly one Access-Control-Allow-Origin" 1 "$(count Access-Control-Allow-Origin "$r")"
    check "$name: GET's Access-Control-Allow-Origin is the policy's" https://app.example \
        "$(header Access-Control-Allow-Origin "$r")"
    check "$name: GET's credentials header is the policy's" true "$(header Access-Control-Allow-Credentials "$r")"
    like "$name: GET varies on Origin" "Origin" "$(header Vary "$r")"

    r=$(actual "$url" https://evil.example)
    check "$name: refused origin is still served" 200 "$(status "$r")"
    check "$name: refused origin gets no Access-Control-Allow-Origin (the backend's * is dropped)" 0 \
        "$(count Access-Control-Allow-Origin "$r")"

    r=$(actual "$url" https://app.example -X POST -H "Content-Type: application/json" --data '{}')
    check "$name: POST has exactly one Access-Control-Allow-Origin" 1 "$(count Access-Control-Allow-Origin "$r")"
done

# What reached each backend: actual requests did, preflights never.
for f in fpm modphp cgi; do
    check "$f: the backend saw the actual requests" 3 "$(grep -c . "$work/hits/$f")"
    check "$f: no preflight reached the backend" 0 "$(grep -c '^OPTIONS' "$work/hits/$f")"
done
check "proxy: the app saw the actual requests" 3 "$(grep -c '^[GP]' "$work/app/access_log")"
check "proxy: no preflight reached the app" 0 "$(grep -c '^OPTIONS' "$work/app/access_log")"
check "fpm: PHP ran under PHP-FPM" fpm-fcgi "$(curl -s "$front/php/echo.php" | sed 's/.*"sapi":"\([^"]*\)".*/\1/')"
check "modphp: PHP ran as mod_php" apache2handler "$(curl -s "$prefork/php/echo.php" | sed 's/.*"sapi":"\([^"]*\)".*/\1/')"
: > "$work/hits/fpm"

# --- WordPress-style .htaccess front controller ------------------------------------------
route="$front/blog/wp-json/wp/v2/posts"
h=$(preflight "$route" https://www.example.com POST "content-type, x-wp-nonce")
check "blog: preflight to a routed URL answered" 204 "$(status "$h")"
check "blog: preflight allows the .htaccess origin" https://www.example.com \
    "$(header Access-Control-Allow-Origin "$h")"
check "blog: preflight carries the .htaccess methods" "GET, POST, PUT, DELETE" \
    "$(header Access-Control-Allow-Methods "$h")"
h=$(preflight "$route" https://www.example.com POST authorization)
check "blog: a header the .htaccess does not list is refused" 403 "$(status "$h")"

r=$(actual "$route" https://www.example.com)
check "blog: GET is routed to index.php" '"route":"/blog/wp-json/wp/v2/posts"' \
    "$(printf '%s' "$r" | grep -o '"route":"[^"]*"' | sed 's|\\/|/|g')"
check "blog: GET has one Access-Control-Allow-Origin" 1 "$(count Access-Control-Allow-Origin "$r")"
check "blog: GET exposes the .htaccess headers" X-WP-Total "$(header Access-Control-Expose-Headers "$r")"
r=$(actual "$route" https://app.example)
check "blog: the .htaccess list replaced the server's" 0 "$(count Access-Control-Allow-Origin "$r")"
check "blog: routed requests reached PHP" 2 "$(grep -c . "$work/hits/fpm")"
check "blog: no preflight reached PHP" 0 "$(grep -c '^OPTIONS' "$work/hits/fpm")"

# --- ErrorDocument made by PHP ------------------------------------------------------------
r=$(actual "$front/missing.json" https://app.example)
check "ErrorDocument: status stays 404" 404 "$(status "$r")"
like "ErrorDocument: body made by PHP" '"by":"php"' "$r"
check "ErrorDocument: one Access-Control-Allow-Origin" 1 "$(count Access-Control-Allow-Origin "$r")"
check "ErrorDocument: it is the policy's" https://app.example "$(header Access-Control-Allow-Origin "$r")"
r=$(actual "$front/missing.json" https://evil.example)
check "ErrorDocument: refused origin gets none (PHP's * dropped)" 0 "$(count Access-Control-Allow-Origin "$r")"

e2e_done

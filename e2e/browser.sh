#!/bin/sh
# browser.sh - headless Chromium decides: a page on one origin calls an API on another, served
# by httpd + mod_cors + mod_php, and we read back which calls the script could read.
#   sh e2e/browser.sh [http|https]    https: both origins on mod_ssl with a throwaway certificate
. "$(dirname "$0")/lib.sh"
scheme=${1:-http}
e2e_init

page_port=$(free_port)
api_port=$(free_port)
while [ "$api_port" = "$page_port" ]; do api_port=$(free_port); done
# Two origins, two sites: the page on localhost, the API on 127.0.0.1.
page="$scheme://localhost:$page_port"
api="$scheme://127.0.0.1:$api_port"

cp -R "$top/e2e/www/browser" "$work/www"
# One endpoint per policy under test (the Location sections below).
for d in api/private other star status200 maxage nomaxage recipe401; do
    mkdir -p "$work/www/$d" && cp "$work/www/api/item.php" "$work/www/$d/"
done
mkdir -p "$work/www/raw" && cp "$work/www/api/php-star.php" "$work/www/raw/"
chmod -R a+rX "$work/www"
htpasswd -cbB "$work/htpasswd" alice secret 2>/dev/null
chmod 644 "$work/htpasswd"

tls=""
tls_mods=""
spki=""
if [ "$scheme" = https ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
    chmod 644 "$work/key.pem"
    # Chromium trusts this one key (and nothing else) without an error page.
    spki=$(openssl x509 -in "$work/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der \
        | openssl dgst -sha256 -binary | base64)
    tls="SSLEngine on
SSLCertificateFile $work/cert.pem
SSLCertificateKeyFile $work/key.pem
SSLSessionCache none"
    tls_mods="socache_shmcb ssl"
fi

# shellcheck disable=SC2086
httpd_up page event "$page/index.html" $tls_mods <<EOF
Listen 127.0.0.1:$page_port
DocumentRoot $work/www/page
<Directory $work/www/page>
    Require all granted
</Directory>
$tls
EOF

# shellcheck disable=SC2086
httpd_up api prefork "$api/api/item.php" php headers auth_basic authn_core authn_file authz_user $tls_mods <<EOF
Listen 127.0.0.1:$api_port
DocumentRoot $work/www
$tls
<Directory $work/www>
    Require all granted
    <FilesMatch "\.php\$">
        SetHandler application/x-httpd-php
    </FilesMatch>
</Directory>
<Location /api/>
    CORSEnable On
    CORSAllowOrigin $page
    CORSAllowMethods GET POST PUT DELETE
    CORSAllowHeaders Content-Type Authorization X-Custom
    CORSExposeHeaders X-Total-Count
    CORSAllowCredentials On
    Header always set X-Total-Count 42
</Location>
<Location /api/private/>
    AuthType Basic
    AuthName "e2e"
    AuthUserFile $work/htpasswd
    Require valid-user
</Location>
<Location /recipe401/>
    # The blog-post recipe on a protected area (no mod_cors): the preflight meets the 401.
    Header always set Access-Control-Allow-Origin "$page"
    Header always set Access-Control-Allow-Credentials true
    Header always set Access-Control-Allow-Methods "GET, PUT"
    Header always set Access-Control-Allow-Headers "Content-Type, Authorization"
    AuthType Basic
    AuthName "e2e"
    AuthUserFile $work/htpasswd
    Require valid-user
</Location>
<Location /other/>
    CORSEnable On
    CORSAllowOrigin https://partner.example
</Location>
<Location /star/>
    CORSEnable On
    CORSAllowOrigin *
    CORSAllowMethods GET PUT
    CORSAllowHeaders *
</Location>
<Location /status200/>
    CORSEnable On
    CORSAllowOrigin $page
    CORSAllowMethods PUT
    CORSAllowHeaders Content-Type
    CORSPreflightStatus 200
</Location>
<Location /maxage/>
    CORSEnable On
    CORSAllowOrigin $page
    CORSAllowMethods PUT
    CORSAllowHeaders Content-Type
    CORSMaxAge 600
</Location>
<Location /nomaxage/>
    CORSEnable On
    CORSAllowOrigin $page
    CORSAllowMethods PUT
    CORSAllowHeaders Content-Type
    CORSMaxAge 0
</Location>
EOF

profile="$work/chromium-profile"
mkdir -p "$profile"
set -- --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-quic \
    --user-data-dir="$profile" --enable-logging=stderr --v=0 \
    --virtual-time-budget=30000 --dump-dom
[ -n "$spki" ] && set -- "$@" --ignore-certificate-errors-spki-list="$spki"
dom=$(timeout 120 chromium "$@" "$page/index.html?api=$api" 2>"$work/chromium.log")
console=$(grep 'CONSOLE' "$work/chromium.log")

# verdict ID: "allowed DETAIL" or "blocked DETAIL" as the page recorded it.
verdict() {
    printf '%s\n' "$dom" | tr -d '\n' | grep -o "<li id=\"$1\" data-result=\"[a-z]*\">[^<]*" \
        | sed -e 's/.*data-result="\([a-z]*\)">/\1 /'
}

tag="$scheme"
check "$tag: the page ran every call" 1 "$(printf '%s' "$dom" | grep -c 'data-done="1"')"
check "$tag: simple GET with credentials" "allowed GET" "$(verdict simple-get-credentials)"
check "$tag: preflighted PUT with JSON and Authorization" "allowed PUT" "$(verdict put-json-authorization)"
check "$tag: DELETE with a custom header" "allowed DELETE" "$(verdict delete-custom-header)"
check "$tag: exposed header readable from script" "allowed X-Total-Count=42" "$(verdict exposed-header)"
check "$tag: a 404 status is readable" "allowed status 404" "$(verdict status-404)"
check "$tag: a 401 status is readable" "allowed status 401" "$(verdict status-401)"
check "$tag: authenticated PUT through the preflight of a Require valid-user area" "allowed PUT alice" \
    "$(verdict authenticated-put)"
check "$tag: PHP's own * read with credentials (mod_cors replaces it)" "allowed php-star" \
    "$(verdict php-star-credentials)"
check "$tag: the same PHP without mod_cors is blocked (control)" blocked \
    "$(verdict php-star-without-mod_cors | cut -d' ' -f1)"
check "$tag: refused origin blocked" blocked "$(verdict refused-origin | cut -d' ' -f1)"
check "$tag: refused method blocked" blocked "$(verdict refused-method | cut -d' ' -f1)"
check "$tag: refused header blocked" blocked "$(verdict refused-header | cut -d' ' -f1)"
check "$tag: * allows any header" "allowed GET" "$(verdict star-any-header)"
check "$tag: * does not cover Authorization" blocked "$(verdict star-not-authorization | cut -d' ' -f1)"
check "$tag: * with credentials blocked" blocked "$(verdict star-with-credentials | cut -d' ' -f1)"
check "$tag: CORSPreflightStatus 200 accepted" "allowed PUT" "$(verdict preflight-status-200)"
check "$tag: ... and the preflight was answered 200" 1 \
    "$(grep -c '^OPTIONS /status200/item.php 200$' "$work/api/access_log")"
for id in max-age-1 max-age-2 max-age-0-1 max-age-0-2; do
    check "$tag: $id call allowed" "allowed PUT" "$(verdict $id)"
done
check "$tag: CORSMaxAge 600: the second identical call sends no preflight" 1 \
    "$(grep -c '^OPTIONS /maxage/item.php 204$' "$work/api/access_log")"
check "$tag: CORSMaxAge 0: each call is preflighted (control)" 2 \
    "$(grep -c '^OPTIONS /nomaxage/item.php 204$' "$work/api/access_log")"
check "$tag: the recipe's 401 area fails the same PUT (control)" blocked \
    "$(verdict recipe-401 | cut -d' ' -f1)"
check "$tag: the 401 area's preflight was answered before authentication" 1 \
    "$(grep -c '^OPTIONS /api/private/item.php 204$' "$work/api/access_log")"

# The console says why, in Chromium's words. A refused preflight carries no CORS headers at
# all (fail closed), so for a method or a header the console names the missing header, and the
# reason is in the error log (and in X-CORS-Reason with CORSDebug On).
if [ -z "$console" ]; then
    check "$tag: Chromium logged its console messages" "some" "none"
fi
like "$tag: console: refused origin" "other/item.php' .* No 'Access-Control-Allow-Origin' header is present" "$console"
check "$tag: console: refused method and header fail the preflight" 2 \
    "$(printf '%s\n' "$console" | grep -c "api/item.php' .*Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin'")"
like "$tag: console: * with credentials" "star/item.php' .*must not be the wildcard '\\*' when the request's credentials mode is 'include'" "$console"
like "$tag: console: a 401 preflight with CORS headers" "recipe401/item.php' .*It does not have HTTP ok status" "$console"
like "$tag: error log: the refused method named" "Method PATCH is not allowed by Access-Control-Allow-Methods" "$(cat "$work/api/error_log")"
like "$tag: error log: the refused header named" "x-not-listed is not allowed by Access-Control-Allow-Headers" "$(cat "$work/api/error_log")"

e2e_done

#!/bin/sh
# browser.sh - three browser engines decide: headless Chromium, Firefox and WebKit (cog, WPE)
# each load a page on one origin that calls an API on another, served by httpd + mod_cors +
# mod_php, and the page posts which calls its script could read to a collector on its own origin.
#   sh e2e/browser.sh [http|https]    https: both origins on mod_ssl with a throwaway CA's cert
#   E2E_BROWSERS="chromium firefox webkit"   the engines to run (default: all three, in turn)
. "$(dirname "$0")/lib.sh"
scheme=${1:-http}
engines=${E2E_BROWSERS:-chromium firefox webkit}
for engine in $engines; do
    case $engine in
        chromium|firefox|webkit) ;;
        *) echo "browser.sh: unknown engine '$engine' (chromium, firefox, webkit)" >&2; exit 2 ;;
    esac
done
e2e_init

# Two origins, two sites: the page on localhost, the API on 127.0.0.1 (one API instance per
# engine, so that each engine's access and error logs are its own).
page_port=$(free_port)
page="$scheme://localhost:$page_port"

cp -R "$top/e2e/www/browser" "$work/www"
# One endpoint per policy under test (the Location sections below).
for d in api/private other star status200 maxage nomaxage credmaxage recipe401 tao notao taorefused; do
    mkdir -p "$work/www/$d" && cp "$work/www/api/item.php" "$work/www/$d/"
done
for d in hstar hstarcred hstarcredany hnamedcred hstarcache; do
    mkdir -p "$work/www/$d" && cp "$work/www/api/auth.php" "$work/www/$d/"
done
mkdir -p "$work/www/raw" && cp "$work/www/api/php-star.php" "$work/www/raw/"
chmod -R a+rX "$work/www"
# The collector (collect.php, run as www-data) writes ENGINE.json here.
results="$work/results"
mkdir -p "$results" && chmod 777 "$results"
htpasswd -cbB "$work/htpasswd" alice secret 2>/dev/null
chmod 644 "$work/htpasswd"

tls=""
tls_mods=""
spki=""
if [ "$scheme" = https ]; then
    # A throwaway CA and a server certificate it signed: Firefox refuses a self-signed
    # certificate marked CA:TRUE (what openssl req -x509 makes) as a server's, whoever trusts it.
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mod_cors e2e CA" \
        -keyout "$work/ca-key.pem" -out "$work/ca.pem" 2>/dev/null
    printf '%s\n' "basicConstraints=critical,CA:FALSE" "extendedKeyUsage=serverAuth" \
        "subjectAltName=DNS:localhost,IP:127.0.0.1" > "$work/leaf.ext"
    openssl req -new -newkey rsa:2048 -nodes -subj /CN=localhost -keyout "$work/key.pem" 2>/dev/null \
        | openssl x509 -req -CA "$work/ca.pem" -CAkey "$work/ca-key.pem" -set_serial 2 -days 2 \
            -extfile "$work/leaf.ext" -out "$work/cert.pem" 2>/dev/null
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

# The page's origin also serves the collector: the page posts its verdicts there, same-origin,
# so that delivering them involves no CORS, no mixed content and no second certificate.
# shellcheck disable=SC2086
httpd_up page prefork "$page/index.html" php env $tls_mods <<EOF
Listen 127.0.0.1:$page_port
DocumentRoot $work/www/page
<Directory $work/www/page>
    Require all granted
    <FilesMatch "\.php\$">
        SetHandler application/x-httpd-php
    </FilesMatch>
</Directory>
SetEnv E2E_RESULTS $results
$tls
EOF

# api_up ENGINE: the API for one engine on a port of its own, in $work/api-ENGINE; sets $api.
api_up() {
    api_port=$(free_port)
    api="$scheme://127.0.0.1:$api_port"
    # shellcheck disable=SC2086
    httpd_up "api-$1" prefork "$api/api/item.php" php headers auth_basic authn_core authn_file \
        authz_user $tls_mods <<EOF
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
<Location /credmaxage/>
    CORSEnable On
    CORSAllowOrigin $page
    CORSAllowMethods PUT
    CORSAllowHeaders Content-Type
    CORSAllowCredentials On
    CORSMaxAge 600
</Location>
<Location /tao/>
    CORSEnable On
    CORSAllowOrigin $page
    CORSTimingAllowOrigin On
</Location>
<Location /notao/>
    CORSEnable On
    CORSAllowOrigin $page
</Location>
<Location /taorefused/>
    # The backend's own "*" would expose the timing: mod_cors takes it away with the refusal.
    CORSEnable On
    CORSAllowOrigin https://partner.example
    CORSTimingAllowOrigin On
    Header always set Timing-Allow-Origin "*"
</Location>
# The Access-Control-Allow-Headers: * measurement: mod_headers answers the preflight (auth.php
# answers OPTIONS 200 like any other method), no mod_cors.
<Location /hstar/>
    Header always set Access-Control-Allow-Origin "$page"
    Header always set Access-Control-Allow-Headers "*"
</Location>
<Location /hstarcred/>
    Header always set Access-Control-Allow-Origin "$page"
    Header always set Access-Control-Allow-Credentials true
    Header always set Access-Control-Allow-Headers "*"
</Location>
<Location /hstarcredany/>
    Header always set Access-Control-Allow-Origin "$page"
    Header always set Access-Control-Allow-Credentials true
    Header always set Access-Control-Allow-Headers "*"
</Location>
<Location /hnamedcred/>
    Header always set Access-Control-Allow-Origin "$page"
    Header always set Access-Control-Allow-Credentials true
    Header always set Access-Control-Allow-Headers "Authorization"
</Location>
<Location /hstarcache/>
    Header always set Access-Control-Allow-Origin "$page"
    Header always set Access-Control-Allow-Headers "*"
    Header always set Access-Control-Max-Age 600
</Location>
EOF
}

# The engines keep their profiles, caches, crash reports and settings under a throwaway home,
# never in the real one, and see no display, session bus or proxy of the caller's.
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS \
    http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
home="$work/home"
mkdir -p "$home/run" && chmod 700 "$home/run"

# browse ENGINE URL: ENGINE loads URL and runs until the page has posted its verdicts to the
# collector, or has exited, or 120 s have passed (timeout ends it then); then it is stopped.
# ENGINE.out and ENGINE.log (its stdout and stderr, the console messages among them) stay in $work.
# None of them quits by itself once the page is done, and headless Firefox and cog have nothing
# like Chromium's --dump-dom: hence the collector, and the same way for all three.
browse() {
    engine=$1 url=$2
    profile="$work/$engine-profile"
    mkdir -p "$profile"
    set -- env HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache" \
        XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$home/run" GSETTINGS_BACKEND=memory \
        NO_AT_BRIDGE=1
    case $engine in
        chromium)
            set -- "$@" chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
                --disable-component-update --disable-sync --no-first-run --disable-quic \
                --disable-crash-reporter --user-data-dir="$profile" --enable-logging=stderr --v=0
            [ "$scheme" = https ] && set -- "$@" --ignore-certificate-errors-spki-list="$spki"
            ;;
        firefox)
            cp "$top/e2e/firefox-user.js" "$profile/user.js"
            if [ "$scheme" = https ]; then
                # The profile's own NSS db trusts the throwaway CA, and only this profile.
                certutil -N -d "sql:$profile" --empty-password
                certutil -A -d "sql:$profile" -n "mod_cors e2e CA" -t C,, -i "$work/ca.pem"
            fi
            set -- "$@" MOZ_CRASHREPORTER_DISABLE=1 firefox-esr --headless -no-remote -profile "$profile"
            ;;
        webkit)
            # cog takes no CA of its own and WPE trusts only the system's store, which this suite
            # leaves alone: --ignore-tls-errors, the one way cog offers to load the page.
            set -- "$@" cog -P headless --webprocess-failure=exit \
                --enable-write-console-messages-to-stdout=true
            [ "$scheme" = https ] && set -- "$@" --ignore-tls-errors
            ;;
    esac
    bg_start "$engine" 120 "$@" "$url"
    i=0
    while [ ! -f "$results/$engine.json" ] && kill -0 "$bg_pid" 2>/dev/null && [ $i -lt 1300 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    bg_stop "$bg_pid"
}


# verdict ID: "allowed DETAIL" or "blocked DETAIL" as the page posted it for $engine.
verdict() {
    grep "^$1 " "$work/$engine.verdicts" | cut -d' ' -f2-
}

# preflights PATH STATUS: how many OPTIONS for PATH this engine's API answered with STATUS.
preflights() {
    grep -c "^OPTIONS $1 $2\$" "$work/api-$engine/access_log"
}

# console: the engine's console messages on blocked calls. Chromium logs one line naming the
# URL and the reason; WebKit logs the reason (SECURITY ERROR), then the URL (JS ERROR), joined
# here as "URL: reason". Firefox keeps them in its Web Console (nsIConsoleService), which
# headless Firefox prints nowhere: reading them would take its remote protocol, so none for it.
console() {
    case $engine in
        chromium) grep 'CONSOLE' "$work/chromium.log" ;;
        webkit) cat "$work/webkit.out" "$work/webkit.log" | awk '
            /CONSOLE SECURITY ERROR / { sub(/.*CONSOLE SECURITY ERROR /, ""); reason = $0; next }
            /CONSOLE JS ERROR Fetch API cannot load / {
                url = $0; sub(/.*cannot load /, "", url); sub(/ due to access control checks\.$/, "", url)
                print url ": " reason; reason = "" }' ;;
    esac
}

ncalls=36    # the calls in index.html
for engine in $engines; do
    api_up "$engine"
    browse "$engine" "$page/index.html?engine=$engine&api=$api&collect=/collect.php"
    tag="$scheme $engine"
    : > "$work/$engine.verdicts"
    if [ -f "$results/$engine.json" ]; then
        # One line a call: ID VERDICT DETAIL, the detail on one line.
        perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
            print "# $d->{userAgent}\n" if defined $d->{userAgent};
            for (@{$d->{results}}) { (my $x = $_->{detail}) =~ s/\s+/ /g; print "$_->{id} $_->{verdict} $x\n" }' \
            < "$results/$engine.json" > "$work/$engine.verdicts"
        echo "# $engine: $(grep '^# ' "$work/$engine.verdicts" | cut -c3-)"
    else
        echo "# $engine posted nothing; the end of its output:" >&2
        tail -n 20 "$work/$engine.log" "$work/$engine.out" | sed 's/^/#   /' >&2
    fi
    check "$tag: the page ran every call and posted the verdicts" "$ncalls" \
        "$(grep -c '^[a-z]' "$work/$engine.verdicts")"

    # A blocked call rejects with fetch's TypeError, each engine in its own words.
    case $engine in
        chromium) blocked="blocked TypeError: Failed to fetch" ;;
        firefox) blocked="blocked TypeError: NetworkError when attempting to fetch resource." ;;
        webkit) blocked="blocked TypeError: Load failed" ;;
    esac

    # What every engine decides alike.
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
    check "$tag: the same PHP without mod_cors is blocked (control)" "$blocked" \
        "$(verdict php-star-without-mod_cors)"
    check "$tag: refused origin blocked" "$blocked" "$(verdict refused-origin)"
    check "$tag: refused method blocked" "$blocked" "$(verdict refused-method)"
    check "$tag: refused header blocked" "$blocked" "$(verdict refused-header)"
    check "$tag: * does not cover Authorization" "$blocked" "$(verdict star-not-authorization)"
    like "$tag: ... mod_cors refused its preflight" \
        "OPTIONS /star/item.php: Request header field authorization is not allowed" "$(cat "$work/api-$engine/error_log")"
    check "$tag: * allows any header" "allowed GET" "$(verdict star-any-header)"
    check "$tag: * with credentials blocked" "$blocked" "$(verdict star-with-credentials)"
    check "$tag: CORSPreflightStatus 200 accepted" "allowed PUT" "$(verdict preflight-status-200)"
    check "$tag: ... and the preflight was answered 200" 1 "$(preflights /status200/item.php 200)"
    for id in max-age-1 max-age-2 max-age-0-1 max-age-0-2 max-age-credentials-1 max-age-credentials-2; do
        check "$tag: $id call allowed" "allowed PUT" "$(verdict $id)"
    done
    # 600 s is within every engine's cap (Chromium 2 h, Firefox 24 h, WebKit 10 min), and 0
    # means no caching in all three.
    check "$tag: CORSMaxAge 600: the second identical call sends no preflight" 1 \
        "$(preflights /maxage/item.php 204)"
    check "$tag: CORSMaxAge 0: each call is preflighted (control)" 2 "$(preflights /nomaxage/item.php 204)"
    check "$tag: the recipe's 401 area fails the same PUT (control)" "$blocked" "$(verdict recipe-401)"
    check "$tag: the 401 area's preflight was answered before authentication" 1 \
        "$(preflights /api/private/item.php 204)"
    like "$tag: error log: the refused method named" "Method PATCH is not allowed by Access-Control-Allow-Methods" \
        "$(cat "$work/api-$engine/error_log")"
    like "$tag: error log: the refused header named" "x-not-listed is not allowed by Access-Control-Allow-Headers" \
        "$(cat "$work/api-$engine/error_log")"

    # A credentialed call with CORSMaxAge 600: the second one goes out without a preflight in all
    # three. Firefox (153 ESR) drops a cached preflight whose host record was renewed after it
    # (CheckDNSCache in nsCORSListenerProxy.cpp), and for an IP literal like 127.0.0.1 that
    # happens when it opens another connection (its DNS log says "Host is IP Literal" again):
    # so its DELETE on /api/ above gets a preflight of its own although the PUT's preflight (5 s
    # by default) listed DELETE and X-Custom, where Chromium and WebKit reuse it. Seen in every
    # run, not asserted: Firefox's connection handling, not mod_cors. By this point of the page
    # its connections are open, and it reuses this preflight like the others. (With the API on a
    # host name, network.dns.localDomains, it reused it even as the page's first calls.)
    check "$tag: CORSMaxAge 600 with credentials: the second identical call sends no preflight" 1 \
        "$(preflights /credmaxage/item.php 204)"



    # Authorization again, once the X-Anything preflight's answer is cached. WebKit 2.38
    # (Debian 12's WPE) lets a cached "Access-Control-Allow-Headers: *" cover Authorization
    # (CrossOriginPreflightResultCacheItem::allowsCrossOriginHeaders has no exception for it),
    # so mod_cors names the headers asked for instead of answering "*": then no engine has a
    # cached answer that covers Authorization, each preflights again, and mod_cors refuses.
    check "$tag: Authorization after a cached preflight of CORSAllowHeaders *" "$blocked" \
        "$(verdict star-authorization-after-cached-star)"
    check "$tag: ... preflights refused for Authorization" 2 "$(preflights /star/item.php 403)"

    # Resource Timing across origins (CORSTimingAllowOrigin). The page posts each field of the
    # entry as FIELD=+ (above 0), FIELD=0 or FIELD=- (the engine has no such field), and
    # nextHopProtocol as its text. With Timing-Allow-Origin all three give the connection's
    # timing; without it they zero it, and Chromium also zeroes the three sizes where Firefox
    # zeroes transferSize only (the body sizes follow CORS there, not TAO) and WebKit 2.38 has
    # no size fields at all. For a no-cors load (opaque) Chromium and Firefox zero everything
    # whatever Timing-Allow-Origin says, where WebKit goes by it: so only WebKit tells mod_cors's
    # refusal (which also drops the backend's "*") from its allowance there. A refused CORS
    # fetch leaves a zeroed entry in Chromium and Firefox, none in WebKit.
    rt_on="domainLookupStart=+ domainLookupEnd=+ connectStart=+ connectEnd=+ requestStart=+ responseStart=+"
    rt_off="domainLookupStart=0 domainLookupEnd=0 connectStart=0 connectEnd=0 requestStart=0 responseStart=0"
    rt_opaque="$rt_off transferSize=0 encodedBodySize=0 decodedBodySize=0 nextHopProtocol=''"
    case $engine in
        chromium)
            rt_tao="$rt_on transferSize=+ encodedBodySize=+ decodedBodySize=+ nextHopProtocol=http/1.1"
            rt_no_tao=$rt_opaque rt_tao_no_cors=$rt_opaque rt_refused_cors=$rt_opaque ;;
        firefox)
            rt_tao="$rt_on transferSize=+ encodedBodySize=+ decodedBodySize=+ nextHopProtocol=http/1.1"
            rt_no_tao="$rt_off transferSize=0 encodedBodySize=+ decodedBodySize=+ nextHopProtocol=''"
            rt_tao_no_cors=$rt_opaque rt_refused_cors=$rt_opaque ;;
        webkit)
            rt_tao="$rt_on transferSize=- encodedBodySize=- decodedBodySize=- nextHopProtocol=http/1.1"
            rt_no_tao="$rt_off transferSize=- encodedBodySize=- decodedBodySize=- nextHopProtocol=''"
            rt_opaque=$rt_no_tao rt_tao_no_cors=$rt_tao rt_refused_cors="no entry" ;;
    esac
    check "$tag: Resource Timing detail with CORSTimingAllowOrigin On" "allowed $rt_tao" "$(verdict timing-tao)"
    check "$tag: Resource Timing zeroed without CORSTimingAllowOrigin" "allowed $rt_no_tao" \
        "$(verdict timing-no-tao)"
    check "$tag: Resource Timing of a no-cors POST, origin allowed" "allowed $rt_tao_no_cors" \
        "$(verdict timing-tao-no-cors)"
    check "$tag: Resource Timing zeroed for a refused origin (no-cors POST, backend's * dropped)" \
        "allowed $rt_opaque" "$(verdict timing-refused-no-cors)"
    check "$tag: Resource Timing of a refused origin's CORS fetch" "$blocked; timing $rt_refused_cors" \
        "$(verdict timing-refused-cors)"

    # Authorization against "Access-Control-Allow-Headers: *" (mod_headers, not mod_cors). A
    # measurement of the engines as they are (their versions are printed above), which may
    # change: the Fetch standard says "*" never covers Authorization, yet all three let a fresh
    # "*" cover it without credentials (Chromium's CorsNonWildcardRequestHeadersSupport feature
    # and Firefox's network.cors_preflight.authorization_covered_by_wildcard pref are the
    # switches, off and on). With credentials "*" is a header name only: all three
    # refuse Authorization and X-Anything alike. A cached "*" (Access-Control-Max-Age 600),
    # asked for X-Anything, X-Anything again, then Authorization: Chromium reuses it for
    # X-Anything but preflights Authorization again; WebKit 2.38 reuses it for both, so a cached
    # "*" covers Authorization there with no new preflight (hence headers_value in
    # src/cors_decide.c); Firefox never reuses a cached "*" (it reuses named headers, see
    # CORSMaxAge above), so it preflights all three.
    check "$tag: measured: * covers Authorization without credentials" "allowed GET Bearer" \
        "$(verdict star-header-authorization)"
    check "$tag: measured: * with credentials does not cover Authorization" "$blocked" \
        "$(verdict star-header-credentials-authorization)"
    check "$tag: measured: * with credentials does not cover X-Anything either" "$blocked" \
        "$(verdict star-header-credentials-any-header)"
    check "$tag: Authorization named with credentials allowed (control)" "allowed GET Bearer" \
        "$(verdict named-header-credentials-authorization)"
    for p in hstar hstarcred hstarcredany hnamedcred; do
        check "$tag: ... one preflight for /$p/" 1 "$(preflights /$p/auth.php 200)"
    done
    check "$tag: * covers X-Anything (control)" "allowed GET no-authorization" "$(verdict star-header-cache-1)"
    check "$tag: * covers X-Anything again (control)" "allowed GET no-authorization" \
        "$(verdict star-header-cache-2)"
    check "$tag: measured: Authorization after a cached *" "allowed GET Bearer" \
        "$(verdict star-header-cache-authorization)"
    case $engine in
        chromium) seq="OPTIONS GET GET OPTIONS GET" ;;
        firefox) seq="OPTIONS GET OPTIONS GET OPTIONS GET" ;;
        webkit) seq="OPTIONS GET GET GET" ;;
    esac
    check "$tag: measured: which of the cached * calls were preflighted" "$seq" \
        "$(grep ' /hstarcache/' "$work/api-$engine/access_log" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"

    # The console says why, in the engine's words. A refused preflight carries no CORS headers at
    # all (fail closed), so for a method or a header the console names the missing header (or
    # the status), and the reason is in the error log (and in X-CORS-Reason with CORSDebug On).
    msgs=$(console)
    case $engine in
        chromium)
            [ -n "$msgs" ] || check "$tag: Chromium logged its console messages" "some" "none"
            like "$tag: console: refused origin" \
                "other/item.php' .* No 'Access-Control-Allow-Origin' header is present" "$msgs"
            check "$tag: console: refused method and header fail the preflight" 2 \
                "$(printf '%s\n' "$msgs" | grep -c "api/item.php' .*Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin'")"
            like "$tag: console: * with credentials" \
                "star/item.php' .*must not be the wildcard '\\*' when the request's credentials mode is 'include'" "$msgs"
            like "$tag: console: a 401 preflight with CORS headers" \
                "recipe401/item.php' .*It does not have HTTP ok status" "$msgs"
            like "$tag: console: * with credentials does not cover Authorization" \
                "hstarcred/auth.php' .*Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response" "$msgs"
            ;;
        webkit)
            [ -n "$msgs" ] || check "$tag: WebKit logged its console messages" "some" "none"
            like "$tag: console: refused origin" \
                "other/item.php: Origin $page is not allowed by Access-Control-Allow-Origin" "$msgs"
            check "$tag: console: refused method and header fail the preflight" 2 \
                "$(printf '%s\n' "$msgs" | grep -c "api/item.php: Preflight response is not successful. Status code: 403")"
            like "$tag: console: * with credentials" \
                "star/item.php: Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true" "$msgs"
            like "$tag: console: a 401 preflight with CORS headers" \
                "recipe401/item.php: Preflight response is not successful. Status code: 401" "$msgs"
            like "$tag: console: * with credentials does not cover Authorization" \
                "hstarcred/auth.php: Request header field Authorization is not allowed by Access-Control-Allow-Headers" "$msgs"
            ;;
    esac
done

e2e_done

#!/bin/sh
# cache.sh - a real shared cache in front of mod_cors: httpd + mod_cache_disk as a caching
# reverse proxy. Each allowed origin must get its own Access-Control-Allow-Origin, a refused
# origin never a cached allowed answer; mod_deflate on the same responses varies on both.
# Then, under a fixed "*", a list and "*" minus one origin: no order of requests (no Origin,
# null, malformed, allowed, refused) makes a cached answer wrong for the next request.
. "$(dirname "$0")/lib.sh"
e2e_init

cp -R "$top/e2e/www/cache" "$work/docs"
for d in star list minus; do
    mkdir -p "$work/docs/$d"
    cp "$work/docs/data.json" "$work/docs/$d/"
done
chmod -R a+rX "$work/docs"
mkdir -p "$work/cache-root"
[ "$(id -u)" -eq 0 ] && chown www-data:www-data "$work/cache-root"

back_port=$(free_port)
front_port=$(free_port)
back="http://127.0.0.1:$back_port"
front="http://127.0.0.1:$front_port"

httpd_up back event "$back/data.json" headers deflate filter <<EOF
Listen 127.0.0.1:$back_port
DocumentRoot $work/docs
<Directory $work/docs>
    Require all granted
</Directory>
CORSEnable On
CORSAllowOrigin https://a.example https://b.example
CORSAllowCredentials On
Header set Cache-Control "public, max-age=600"
AddOutputFilterByType DEFLATE application/json
# (a) a fixed "*": the same answer for every request, no Vary: Origin
<Location /star>
    CORSAllowOrigin *
    CORSAllowCredentials Off
    CORSExposeHeaders X-Request-Id
</Location>
# (b) a list, with credentials (the server's policy, restated)
<Location /list>
    CORSAllowOrigin https://a.example https://b.example
    CORSAllowCredentials On
    CORSExposeHeaders X-Request-Id
</Location>
# (c) "*" minus one origin: depends on Origin
<Location /minus>
    CORSAllowOrigin * -https://evil.example
    CORSAllowCredentials Off
    CORSExposeHeaders X-Request-Id
</Location>
EOF

# The shared cache knows nothing of CORS: it must rely on Vary alone.
httpd_up front event "$front/" proxy proxy_http cache cache_disk <<EOF
Listen 127.0.0.1:$front_port
CacheRoot $work/cache-root
CacheEnable disk /
CacheHeader on
CacheIgnoreNoLastMod On
ProxyPass / $back/
EOF

get() {   # URL ORIGIN [curl args]: the response headers
    u=$1 o=$2
    shift 2
    if [ -n "$o" ]; then
        curl -s -o /dev/null -D - -H "Origin: $o" "$@" "$u"
    else
        curl -s -o /dev/null -D - "$@" "$u"
    fi
}
acao() { header Access-Control-Allow-Origin "$1" | tr '\n' ' ' | sed 's/ $//'; }
xcache() { header X-Cache "$1" | cut -d' ' -f1; }

url="$front/data.json"
: > "$work/back/access_log"    # count from here, not the start-up probes
h=$(get "$url" https://a.example)
check "cache: A first: the origin's own answer" https://a.example "$(acao "$h")"
check "cache: A first: a miss" MISS "$(xcache "$h")"
h=$(get "$url" https://a.example)
check "cache: A again: served from the cache" HIT "$(xcache "$h")"
check "cache: A again: still A's answer" https://a.example "$(acao "$h")"

h=$(get "$url" https://b.example)
check "cache: B after A: B's own Access-Control-Allow-Origin" https://b.example "$(acao "$h")"
check "cache: B after A: not A's cached answer" MISS "$(xcache "$h")"
h=$(get "$url" https://b.example)
check "cache: B again: from the cache, still B's" "HIT https://b.example" "$(xcache "$h") $(acao "$h")"

for i in 1 2; do
    h=$(get "$url" https://evil.example)
    check "cache: refused origin ($i): no cached allowed answer" "" "$(acao "$h")"
done
h=$(get "$url" "")
check "cache: no Origin: no Access-Control-Allow-Origin" "" "$(acao "$h")"
h=$(get "$url" https://a.example)
check "cache: A after the others: A's answer, from the cache" "HIT https://a.example" "$(xcache "$h") $(acao "$h")"
check "cache: the backend served A, B, the refused origin and no Origin once each" 4 \
    "$(grep -c '^GET /data.json 200' "$work/back/access_log")"

# mod_deflate on the same responses: both reasons to vary, each once.
for where in back front; do
    u="$back/data.json"
    [ $where = front ] && u="$front/data.json"
    h=$(get "$u" https://a.example -H "Accept-Encoding: gzip")
    check "deflate ($where): gzip applied" gzip "$(header Content-Encoding "$h")"
    vary=$(header Vary "$h" | tr ',' '\n' | sed 's/^ *//' | tr 'A-Z' 'a-z' | sort | tr '\n' ' ')
    check "deflate ($where): Vary has Accept-Encoding and Origin, once each" "accept-encoding origin " "$vary"
    check "deflate ($where): one Access-Control-Allow-Origin" https://a.example "$(acao "$h")"
done
h=$(get "$url" https://a.example)
check "deflate: without Accept-Encoding the cache does not serve gzip" "" "$(header Content-Encoding "$h")"
check "deflate: ... and keeps A's answer" https://a.example "$(acao "$h")"
h=$(get "$url" https://b.example -H "Accept-Encoding: gzip")
check "deflate: gzip for B is B's answer" "gzip https://b.example" "$(header Content-Encoding "$h") $(acao "$h")"

# ---- Order: every ordered pair of request kinds, on a URL of its own ---------------------
# The first request of a pair warms the cache, the second may be served from it: its
# Access-Control-Allow-Origin must be exactly what its own kind gets. Under a fixed "*" the
# answer is the same for all, so the cache serves the second from the first (HIT) and no
# response varies on Origin; under a list or "*" minus one origin every response carries
# Vary: Origin, so only a second request of the same kind is a HIT.
kinds="none null malformed allowed refused"
origin_of() {
    case $1 in
        none) echo "" ;;
        null) echo null ;;
        malformed) echo "https://a.example/" ;;   # the allowed origin with a trailing slash
        allowed) echo "https://a.example" ;;
        refused) echo "https://evil.example" ;;
    esac
}
want_acao() {   # LOCATION KIND
    case $1 in
        star) echo "*" ;;
        *) [ "$2" = allowed ] && echo "https://a.example" ;;
    esac
}
vary_origin() {   # RESPONSE-HEADERS: "Origin" when Vary names it, else "-"
    if header Vary "$1" | tr ',' '\n' | sed 's/^ *//; s/ *$//' | grep -qix origin; then
        echo Origin
    else
        echo -
    fi
}
for loc in star list minus; do
    case $loc in
        star) label="(a) *" vary=- ;;
        list) label="(b) list" vary=Origin ;;
        minus) label="(c) * -evil" vary=Origin ;;
    esac
    for k1 in $kinds; do
        for k2 in $kinds; do
            u="$front/$loc/data.json?pair=$k1-$k2"
            h1=$(get "$u" "$(origin_of "$k1")")
            h2=$(get "$u" "$(origin_of "$k2")")
            hit=MISS
            { [ $loc = star ] || [ "$k1" = "$k2" ]; } && hit=HIT
            check "order $label: $k1 then $k2: the second gets its own Access-Control-Allow-Origin ($hit)" \
                "$(want_acao $loc "$k2") $hit" "$(acao "$h2") $(xcache "$h2")"
            check "order $label: $k1 then $k2: Vary: Origin on both answers: $vary" \
                "$vary $vary" "$(vary_origin "$h1") $(vary_origin "$h2")"
        done
    done
done
# The expose list goes with every "*" answer, and with an allowed origin's only.
for loc in star list minus; do
    for k in $kinds; do
        h=$(get "$front/$loc/data.json?expose=$k" "$(origin_of "$k")")
        want=""
        [ -n "$(want_acao $loc "$k")" ] && want=X-Request-Id
        check "order: $loc, $k: Access-Control-Expose-Headers" "$want" \
            "$(header Access-Control-Expose-Headers "$h" | tr '\n' ' ' | sed 's/ $//')"
    done
done

e2e_done

#!/bin/sh
# h2.sh - the same preflight and actual requests over HTTP/2: h2c (prior knowledge) with nghttp
# and curl, and h2 over TLS (mod_ssl, a throwaway self-signed certificate).
. "$(dirname "$0")/lib.sh"
e2e_init

mkdir -p "$work/docs/api"
echo '{"ok":true}' > "$work/docs/api/data.json"
chmod -R a+rX "$work/docs"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
chmod 644 "$work/key.pem"

h2c_port=$(free_port)
tls_port=$(free_port)
while [ "$tls_port" = "$h2c_port" ]; do tls_port=$(free_port); done
h2c="http://127.0.0.1:$h2c_port"
tls="https://127.0.0.1:$tls_port"

httpd_up h2 event "$h2c/api/data.json" http2 socache_shmcb ssl <<EOF
Listen 127.0.0.1:$h2c_port
Listen 127.0.0.1:$tls_port
DocumentRoot $work/docs
<Directory $work/docs>
    Require all granted
</Directory>
<Location /api/>
    CORSEnable On
    CORSAllowOrigin https://app.example
    CORSAllowMethods GET PUT
    CORSAllowHeaders Content-Type Authorization
    CORSAllowCredentials On
    CORSMaxAge 600
</Location>
<VirtualHost 127.0.0.1:$h2c_port>
    Protocols h2c http/1.1
</VirtualHost>
<VirtualHost 127.0.0.1:$tls_port>
    Protocols h2 http/1.1
    SSLEngine on
    SSLCertificateFile $work/cert.pem
    SSLCertificateKeyFile $work/key.pem
</VirtualHost>
EOF

# nghttp -v prints each received header as "recv (stream_id=N) name: value".
nghttp_headers() {
    timeout 20 nghttp -nv "$@" 2>&1 | grep 'recv (stream_id=[0-9]*) [a-z:]' \
        | sed 's/.*recv (stream_id=[0-9]*) //'
}
curl_h2() {   # how URL ORIGIN preflight|get: headers, then "http_version=N"
    if [ "$4" = preflight ]; then
        set -- "$1" "$2" "$3" -X OPTIONS -H "Access-Control-Request-Method: PUT" \
            -H "Access-Control-Request-Headers: content-type, authorization"
    else
        set -- "$1" "$2" "$3"
    fi
    how=$1 u=$2 o=$3
    shift 3
    curl -sk -o /dev/null -D - -w 'http_version=%{http_version}\n' "$how" -H "Origin: $o" "$@" "$u"
}

for client in nghttp-h2c curl-h2c nghttp-tls curl-tls; do
    case $client in
        nghttp-h2c) base=$h2c ;;
        curl-h2c)   base=$h2c ;;
        nghttp-tls) base=$tls ;;
        curl-tls)   base=$tls ;;
    esac
    u="$base/api/data.json"
    for origin in https://app.example https://evil.example; do
        case $client in
            nghttp-*)
                pre=$(nghttp_headers -H ":method: OPTIONS" -H "origin: $origin" \
                    -H "access-control-request-method: PUT" \
                    -H "access-control-request-headers: content-type, authorization" "$u")
                act=$(nghttp_headers -H "origin: $origin" "$u")
                pre_status=$(printf '%s\n' "$pre" | sed -n 's/^:status: //p')
                act_status=$(printf '%s\n' "$act" | sed -n 's/^:status: //p')
                # nghttp speaks nothing but HTTP/2: an answer at all means h2 was used.
                proto=$([ -n "$act_status" ] && echo 2) ;;
            curl-h2c)
                pre=$(curl_h2 --http2-prior-knowledge "$u" "$origin" preflight)
                act=$(curl_h2 --http2-prior-knowledge "$u" "$origin" get) ;;
            curl-tls)
                pre=$(curl_h2 --http2 "$u" "$origin" preflight)
                act=$(curl_h2 --http2 "$u" "$origin" get) ;;
        esac
        case $client in
            curl-*)
                pre_status=$(printf '%s\n' "$pre" | head -1 | tr -d '\r' | cut -d' ' -f2)
                act_status=$(printf '%s\n' "$act" | head -1 | tr -d '\r' | cut -d' ' -f2)
                proto=$(printf '%s\n' "$act" | sed -n 's/^http_version=//p') ;;
        esac
        check "$client: spoke HTTP/2" 2 "$proto"
        if [ "$origin" = https://app.example ]; then
            check "$client: allowed preflight answered 204" 204 "$pre_status"
            check "$client: preflight allows the origin, once" https://app.example \
                "$(header access-control-allow-origin "$pre")"
            check "$client: preflight credentials" true "$(header access-control-allow-credentials "$pre")"
            check "$client: preflight methods" "GET, PUT" "$(header access-control-allow-methods "$pre")"
            check "$client: preflight headers" "Content-Type, Authorization" \
                "$(header access-control-allow-headers "$pre")"
            check "$client: preflight max-age" 600 "$(header access-control-max-age "$pre")"
            check "$client: GET served" 200 "$act_status"
            check "$client: GET allows the origin, once" https://app.example \
                "$(header access-control-allow-origin "$act")"
            like "$client: GET varies on Origin" "[Oo]rigin" "$(header vary "$act")"
        else
            check "$client: refused preflight is 403" 403 "$pre_status"
            check "$client: refused preflight has no CORS headers" 0 \
                "$(count 'access-control-allow-[a-z-]*' "$pre")"
            check "$client: refused GET still served" 200 "$act_status"
            check "$client: refused GET has no Access-Control-Allow-Origin" 0 \
                "$(count access-control-allow-origin "$act")"
        fi
    done
done
check "every preflight reached the server (4 clients, 2 origins)" 8 \
    "$(grep -c '^OPTIONS /api/data.json' "$work/h2/access_log")"

e2e_done

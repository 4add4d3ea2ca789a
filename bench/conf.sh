# conf.sh - sourced by bench scripts: writes one benchmark server configuration.
#   bench_conf FILE ROOT PORT SETUP SIZE
#     SETUP: none | static | recipe | cors      SIZE: number of exact origins, or "pattern" / "regex"
#     BENCH_MPM: event (default) or prefork; callgrind uses prefork, whose -X serves requests in
#     the one thread that reads them, so no thread hand-off adds to the count.
# Origins are https://o1.example.com ... https://oN.example.com; requests come from o1 (first) or
# oN (last) and are allowed, or from https://refused.example.
# shellcheck shell=sh
bench_conf() {
    file=$1 root=$2 port=$3 setup=$4 size=$5
    mods=$(apxs -q LIBEXECDIR)
    top=${BENCH_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
    {
        echo "ServerRoot $root"
        echo "ServerName 127.0.0.1"
        echo "Listen 127.0.0.1:$port"
        echo "PidFile $root/httpd-$port.pid"
        echo "ErrorLog $root/error_log"
        echo "LogLevel warn"
        mpm=${BENCH_MPM:-event}
        echo "LoadModule mpm_${mpm}_module $mods/mod_mpm_${mpm}.so"
        for m in authz_core mime headers setenvif rewrite; do
            echo "LoadModule ${m}_module $mods/mod_${m}.so"
        done
        [ "$setup" = cors ] && echo "LoadModule cors_module $top/.libs/mod_cors.so"
        [ "$(id -u)" -eq 0 ] && printf 'User www-data\nGroup www-data\n'
        echo "TypesConfig /etc/mime.types"
        echo "DocumentRoot $root/htdocs"
        echo "KeepAliveTimeout 30"
        echo "MaxKeepAliveRequests 0"
        # Every setup puts its policy in the site's one <Directory> section, as a site
        # would: the comparison is the policy's cost, not that of a section added for it.
        echo "<Directory $root/htdocs>"
        echo "    Require all granted"
        case $setup in
        none) ;;
        static)
            # Not a policy: the same three header lines, always. What emitting them costs.
            echo "    Header always set Access-Control-Allow-Origin https://o1.example.com"
            echo "    Header always set Access-Control-Allow-Credentials true"
            echo "    Header always merge Vary Origin"
            ;;
        cors)
            echo "    CORSEnable On"
            case $size in
            pattern) echo "    CORSAllowOrigin https://*.example.com" ;;
            regex) echo "    CORSAllowOriginMatch ^https://o[0-9]+\\.example\\.com\$" ;;
            *) i=1; while [ "$i" -le "$size" ]; do
                   echo "    CORSAllowOrigin https://o$i.example.com"; i=$((i + 1)); done ;;
            esac
            echo "    CORSAllowMethods GET POST PUT"
            echo "    CORSAllowHeaders Content-Type Authorization X-Requested-With"
            echo "    CORSAllowCredentials On"
            echo "    CORSMaxAge 600"
            ;;
        recipe)
            # REFERENCE.md section 4, as blog posts give it.
            alt=$(i=1; while [ "$i" -le "$size" ]; do
                      [ "$i" -gt 1 ] && printf '|'; printf 'https://o%d\\.example\\.com' "$i"; i=$((i + 1)); done)
            echo "    SetEnvIf Origin \"^($alt)\$\" ORIGIN_OK=\$0"
            echo "    Header always set Access-Control-Allow-Origin %{ORIGIN_OK}e env=ORIGIN_OK"
            echo "    Header always set Access-Control-Allow-Credentials true env=ORIGIN_OK"
            echo "    Header always set Access-Control-Allow-Methods \"GET, POST, PUT\" env=ORIGIN_OK"
            echo "    Header always set Access-Control-Allow-Headers \"Content-Type, Authorization, X-Requested-With\" env=ORIGIN_OK"
            echo "    Header always set Access-Control-Max-Age 600 env=ORIGIN_OK"
            echo "    Header always merge Vary Origin"
            echo "    RewriteEngine On"
            echo "    RewriteCond %{REQUEST_METHOD} OPTIONS"
            echo "    RewriteRule ^ - [R=204,L]"
            ;;
        esac
        echo "</Directory>"
    } > "$file"
}

# The origin a request kind sends for a configuration of SIZE origins.
bench_origin() {
    case $1 in
    pattern|regex) echo "https://o1.example.com" ;;
    *) echo "https://o$1.example.com" ;;    # the last one listed: a list scan's worst case
    esac
}

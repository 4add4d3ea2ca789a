# server.sh - sourced by the load/ scripts: a throwaway httpd with mod_cors on 127.0.0.1.
#   server_init MPM          temp root, free port, document tree ($root, $port, $url)
#   server_conf EXTRA...     writes $root/httpd.conf: the policy below plus EXTRA lines
#   server_start [CMD...]    starts it (optionally under CMD, e.g. valgrind) and waits
#   server_stop              stops it, bounded; called on exit
top=$(cd "$(dirname "$0")/.." && pwd)
mods=$(apxs -q LIBEXECDIR)

server_init() {
    mpm=$1
    root=$(mktemp -d)
    chmod 755 "$root"
    mkdir -p "$root/htdocs/api"
    echo "hello from the api" > "$root/htdocs/api/data.txt"
    chmod -R a+rX "$root/htdocs"
    port=$(perl -MIO::Socket::INET -e \
        'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport')
    url="http://127.0.0.1:$port"
    server_pid=""
    trap 'server_stop; rm -rf "$root"' EXIT
}

# One origin per load client and more: https://o1.example ... https://o1000.example
server_conf() {
    {
        echo "ServerRoot $root"
        echo "ServerName 127.0.0.1"
        echo "Listen 127.0.0.1:$port"
        echo "PidFile $root/httpd.pid"
        echo "ErrorLog $root/error_log"
        echo "LogLevel warn"
        echo "LoadModule mpm_${mpm}_module $mods/mod_mpm_${mpm}.so"
        for m in authz_core mime; do echo "LoadModule ${m}_module $mods/mod_${m}.so"; done
        echo "LoadModule cors_module $top/.libs/mod_cors.so"
        [ "$(id -u)" -eq 0 ] && printf 'User www-data\nGroup www-data\n'
        echo "TypesConfig /etc/mime.types"
        echo "DocumentRoot $root/htdocs"
        echo "<Location /api>"
        echo "    CORSEnable On"
        i=1
        while [ $i -le 1000 ]; do echo "    CORSAllowOrigin https://o$i.example"; i=$((i + 1)); done
        echo "    CORSAllowOrigin https://*.wild.example"
        echo "    CORSAllowMethods GET POST PUT"
        echo "    CORSAllowHeaders Content-Type Authorization"
        echo "    CORSAllowCredentials On"
        echo "</Location>"
        for line in "$@"; do echo "$line"; done
    } > "$root/httpd.conf"
}

server_start() {
    if [ $# -gt 0 ]; then
        "$@" /usr/sbin/apache2 -X -f "$root/httpd.conf" &
        server_pid=$!
    else
        /usr/sbin/apache2 -f "$root/httpd.conf" -k start
    fi
    i=0
    until curl -s -o /dev/null "$url/api/data.txt"; do
        i=$((i + 1))
        [ $i -lt 600 ] || { echo "server did not start" >&2; cat "$root/error_log" >&2; return 1; }
        sleep 0.1
    done
}

server_stop() {
    if [ -n "${server_pid:-}" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        i=0
        while kill -0 "$server_pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
        rm -f "$root/httpd.pid"
    elif [ -f "${root:-/nonexistent}/httpd.pid" ]; then
        /usr/sbin/apache2 -f "$root/httpd.conf" -k stop 2>/dev/null || true
        i=0
        while [ -f "$root/httpd.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    fi
}

# server.sh - sourced by the load/ scripts: a throwaway httpd with mod_cors on 127.0.0.1
# (mk/httpd.sh starts and stops it), and their result lines and count (mk/tap.sh).
#   server_init MPM          temp root, free port, document tree ($root, $port, $url)
#   server_conf EXTRA...     writes $root/httpd.conf: the policy below plus EXTRA lines
#   server_start [CMD...]    starts it (optionally as httpd -X under CMD, e.g. valgrind) and
#                            waits, bounded
#   server_stop              stops it, bounded; every server and temp root goes on exit
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/mk/httpd.sh"
. "$top/mk/tap.sh"

server_init() {
    mpm=$1
    httpd_require_module
    httpd_tmpdir root
    mkdir -p "$root/htdocs/api"
    echo "hello from the api" > "$root/htdocs/api/data.txt"
    chmod -R a+rX "$root/htdocs"
    port=$(httpd_free_port)
    url="http://127.0.0.1:$port"
    trap httpd_cleanup EXIT
}

# One origin per load client and more: https://o1.example ... https://o1000.example
server_conf() {
    {
        httpd_base "$root" "$mpm"
        echo "Listen 127.0.0.1:$port"
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
        httpd_start "$root" "$url/api/data.txt" one "$@"
    else
        httpd_start "$root" "$url/api/data.txt"
    fi
}

server_stop() {
    httpd_stop "$root"
}

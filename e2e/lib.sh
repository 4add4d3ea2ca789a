# lib.sh - sourced by the e2e/ suites: throwaway httpd and PHP-FPM instances, checks, tally.
#   e2e_init                 temp tree ($work), counters, cleanup on exit
#   free_port                a free TCP port on 127.0.0.1
#   httpd_up NAME MPM URL MODULE...   conf body on stdin; writes $work/NAME/httpd.conf with the
#                            common head (logs in $work/NAME, mod_cors loaded), starts it and
#                            waits until URL answers (bounded)
#   fpm_up PORT              PHP-FPM on 127.0.0.1:PORT, access log $work/fpm/access.log
#   check NAME WANT GOT      one result line; is / like / count helpers below
#   e2e_done                 prints "N passed, N failed" and sets the exit status
top=$(cd "$(dirname "$0")/.." && pwd)
mods=$(apxs -q LIBEXECDIR)
module="$top/.libs/mod_cors.so"

e2e_init() {
    [ -f "$module" ] || { echo "build first: make" >&2; exit 1; }
    work=$(mktemp -d)
    chmod 755 "$work"
    mkdir -p "$work/hits"
    chmod 777 "$work/hits"
    passed=0
    failed=0
    trap e2e_cleanup EXIT
    trap 'exit 130' INT TERM
}

e2e_cleanup() {
    for conf in "$work"/*/httpd.conf; do
        [ -f "$conf" ] || continue
        pidfile="$(dirname "$conf")/httpd.pid"
        [ -f "$pidfile" ] || continue
        /usr/sbin/apache2 -f "$conf" -k stop 2>/dev/null
        i=0
        while [ -f "$pidfile" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    done
    if [ -f "$work/fpm/fpm.pid" ]; then
        kill "$(cat "$work/fpm/fpm.pid")" 2>/dev/null
        i=0
        while [ -f "$work/fpm/fpm.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    fi
    [ -n "${E2E_KEEP:-}" ] && { echo "kept $work" >&2; return; }
    rm -rf "$work"
}

free_port() {
    perl -MIO::Socket::INET -e \
        'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport'
}

# Waits (bounded, 10 s) until URL gives any HTTP answer.
wait_for() {
    i=0
    until curl -sk -o /dev/null "$1"; do
        i=$((i + 1))
        [ $i -lt 100 ] || return 1
        sleep 0.1
    done
}

httpd_up() {
    name=$1 mpm=$2 probe=$3
    shift 3
    dir="$work/$name"
    mkdir -p "$dir"
    {
        echo "ServerRoot $dir"
        echo "ServerName 127.0.0.1"
        echo "DefaultRuntimeDir $dir"
        echo "PidFile $dir/httpd.pid"
        echo "ErrorLog $dir/error_log"
        echo "LogLevel warn cors:info"
        echo "LoadModule mpm_${mpm}_module $mods/mod_mpm_${mpm}.so"
        for m in authz_core mime "$@"; do
            case $m in
                php) echo "LoadModule php_module $(ls "$mods"/libphp*.so | head -1)" ;;
                *) echo "LoadModule ${m}_module $mods/mod_${m}.so" ;;
            esac
        done
        echo "LoadModule cors_module $module"
        [ "$(id -u)" -eq 0 ] && printf 'User www-data\nGroup www-data\n'
        echo "TypesConfig /etc/mime.types"
        echo 'LogFormat "%m %U %>s" brief'
        echo "CustomLog $dir/access_log brief"
        cat
    } > "$dir/httpd.conf"
    if ! out=$(/usr/sbin/apache2 -f "$dir/httpd.conf" -k start 2>&1) || ! wait_for "$probe"; then
        echo "httpd $name did not start: $out" >&2
        cat "$dir/error_log" >&2 2>/dev/null
        exit 1
    fi
}

fpm_up() {
    dir="$work/fpm"
    mkdir -p "$dir"
    {
        echo "[global]"
        echo "pid = $dir/fpm.pid"
        echo "error_log = $dir/error.log"
        echo "daemonize = yes"
        echo "[e2e]"
        echo "listen = 127.0.0.1:$1"
        [ "$(id -u)" -eq 0 ] && printf 'user = www-data\ngroup = www-data\n'
        echo "pm = static"
        echo "pm.max_children = 4"
        echo "access.log = $dir/access.log"
        echo 'access.format = "%m %r"'
        echo "clear_env = no"
    } > "$dir/fpm.conf"
    fpm=$(ls /usr/sbin/php-fpm* | head -1)
    "$fpm" -n -y "$dir/fpm.conf" -p "$dir" || { cat "$dir/error.log" >&2; exit 1; }
    i=0
    until perl -MIO::Socket::INET -e "exit !IO::Socket::INET->new('127.0.0.1:$1')"; do
        i=$((i + 1))
        [ $i -lt 100 ] || { echo "php-fpm did not start" >&2; cat "$dir/error.log" >&2; exit 1; }
        sleep 0.1
    done
}

check() {
    if [ "$2" = "$3" ]; then
        passed=$((passed + 1))
        echo "ok - $1"
    else
        failed=$((failed + 1))
        echo "not ok - $1"
        echo "#   want: $2"
        echo "#   got:  $3"
    fi
}

# like NAME REGEX TEXT: TEXT matches the extended regex.
like() {
    if printf '%s' "$3" | grep -Eq -- "$2"; then
        check "$1" "$2" "$2"
    else
        check "$1" "/$2/" "$3"
    fi
}

# header NAME RESPONSE-HEADERS: every value of header NAME, one per line, CR stripped.
header() {
    printf '%s\n' "$2" | tr -d '\r' | grep -i "^$1:" | sed 's/^[^:]*: *//'
}

# count NAME RESPONSE-HEADERS: how many lines of header NAME.
count() {
    printf '%s\n' "$2" | tr -d '\r' | grep -ci "^$1:"
}

e2e_done() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

# lib.sh - sourced by the e2e/ suites: throwaway httpd and PHP-FPM instances, checks, tally.
# The httpd part is mk/httpd.sh's, the checks and the tally mk/tap.sh's (see there); this adds
# the e2e layout and two readers of response headers.
#   e2e_init                 temp tree ($work), cleanup on exit (E2E_KEEP=1 keeps it;
#                            HTTPD_LOGLEVEL="warn cors:debug" logs more)
#   free_port                a free TCP port on 127.0.0.1, not handed out before in this suite
#   httpd_up NAME MPM URL MODULE...   conf body on stdin; writes $work/NAME/httpd.conf with the
#                            common head (logs in $work/NAME, mod_cors loaded, LogLevel
#                            warn cors:info, access_log "%m %U %>s"), starts it and waits
#                            until URL answers (bounded); exits if it does not
#   wait_for URL             waits (bounded, 10 s) until URL gives any HTTP answer
#   fpm_up PORT              PHP-FPM on 127.0.0.1:PORT, access log $work/fpm/access.log
#   bg_start NAME SECONDS CMD...  CMD in the background under timeout (KILL 5 s after its TERM),
#                            in a process group of its own; stdout to $work/NAME.out, stderr to
#                            $work/NAME.log; its pid in $bg_pid. e2e_cleanup stops what is left
#   bg_stop PID              stops a bg_start command and everything in its process group
#   check NAME WANT GOT, like NAME REGEX TEXT, ok NAME COMMAND..., ...   mk/tap.sh's
#   header NAME RESPONSE-HEADERS, count NAME RESPONSE-HEADERS   below
#   e2e_done                 prints "N passed, N failed" and sets the exit status (tap_done)
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/mk/httpd.sh"
. "$top/mk/tap.sh"
mods=$HTTPD_MODS
module=$HTTPD_MODULE
HTTPD_LOGLEVEL="${HTTPD_LOGLEVEL:-warn cors:info}"

e2e_init() {
    httpd_require_module || exit 1
    httpd_tmpdir work
    mkdir -p "$work/hits"
    chmod 777 "$work/hits"
    e2e_bg=""
    trap e2e_cleanup EXIT
    # A reader that goes away (| head) or a hang-up ends the suite through the cleanup too, not
    # with the servers and browsers left running.
    trap 'exit 130' HUP INT PIPE TERM
}

e2e_cleanup() {
    for _e2e_p in $e2e_bg; do bg_stop "$_e2e_p"; done
    httpd_stop_all
    if [ -f "$work/fpm/fpm.pid" ]; then
        kill "$(cat "$work/fpm/fpm.pid")" 2>/dev/null
        i=0
        while [ -f "$work/fpm/fpm.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    fi
    [ -n "${E2E_KEEP:-}" ] && HTTPD_KEEP=1
    httpd_cleanup
}

free_port() {
    httpd_free_port
}

wait_for() {
    httpd_wait "$1"
}

httpd_up() {
    name=$1 mpm=$2 probe=$3
    shift 3
    dir="$work/$name"
    mkdir -p "$dir"
    {
        httpd_base "$dir" "$mpm" "$@"
        echo 'LogFormat "%m %U %>s" brief'
        echo "CustomLog $dir/access_log brief"
        cat
    } > "$dir/httpd.conf"
    httpd_start "$dir" "$probe" || { echo "httpd $name did not start" >&2; exit 1; }
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

# timeout makes itself a process group leader, so its pid names the whole group: the command
# and whatever it started (a browser's renderers, web and network processes).
bg_start() {
    _e2e_name=$1 _e2e_secs=$2
    shift 2
    ( exec timeout -k 5 "$_e2e_secs" "$@" >"$work/$_e2e_name.out" 2>"$work/$_e2e_name.log" ) &
    bg_pid=$!
    e2e_bg="$e2e_bg $bg_pid"
}

# TERM to timeout, which passes it on to its group and sends KILL 5 s later if need be; then
# KILL to anything left in the group (a child that outlived its parent).
bg_stop() {
    kill -TERM "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    kill -KILL "-$1" 2>/dev/null
    _e2e_left=""
    for _e2e_q in $e2e_bg; do [ "$_e2e_q" = "$1" ] || _e2e_left="$_e2e_left $_e2e_q"; done
    e2e_bg=$_e2e_left
    return 0
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
    tap_done
}

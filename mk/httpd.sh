# httpd.sh - a throwaway httpd for the scripts that need one (conf-examples/, e2e/, load/,
# tests/, bench/).
# POSIX sh, sourced after setting $top to the source tree:
#     top=$(cd "$(dirname "$0")/.." && pwd)
#     . "$top/mk/httpd.sh"
# Everything an instance writes stays in its own directory DIR (config, pid file, logs,
# runtime files); httpd listens where its config says (the suites: 127.0.0.1, free ports).
#
#   httpd_tmpdir VAR              a new temporary directory (mode 755: readable by www-data when
#                                 httpd runs as root) in $VAR; httpd_cleanup removes it
#   httpd_free_port [HOST]        prints a free TCP port on HOST (127.0.0.1), never one this
#                                 script was given before (once it has called httpd_tmpdir)
#   httpd_port_free HOST PORT     true if PORT can be bound on HOST
#   httpd_addr HOST PORT          HOST:PORT, HOST in brackets if it is an IPv6 address
#   httpd_base DIR MPM [MODULE...]  prints the head of a config: ServerRoot, PidFile,
#                                 DefaultRuntimeDir, ErrorLog and LogLevel in DIR, the MPM,
#                                 authz_core, mime, each MODULE ("php" is libphp*.so), then
#                                 mod_cors, User/Group www-data when root, TypesConfig. The
#                                 caller adds Listen and the rest, into DIR/httpd.conf.
#                                 $HTTPD_LOGLEVEL (warn) and $HTTPD_ERRORLOG (DIR/error_log)
#   httpd_start DIR [URL [MODE [CMD...]]]
#                                 configtests DIR/httpd.conf, starts it and, given URL, waits
#                                 (bounded) until URL gives any HTTP answer. MODE: daemon
#                                 (default; -k start), fg (-DFOREGROUND, a child of this
#                                 shell) or one (-X, one process, a child of this shell, run
#                                 under CMD if given, e.g. valgrind). On failure it says why
#                                 (configtest output, error log), stops what it started and
#                                 returns 1. $HTTPD_OUT, if set: the file fg and one modes
#                                 append the child's stdout and stderr to (else this shell's)
#   httpd_wait URL [TENTHS [DIR]] waits until URL answers, at most TENTHS tenths of a second
#                                 (100); gives up early if DIR's child httpd has exited
#   httpd_job DIR                 the pid of DIR's child httpd (fg and one modes)
#   httpd_ctl DIR ARG             apache2 -f DIR/httpd.conf -k ARG (graceful, restart, ...)
#   httpd_stop DIR                stops DIR's httpd, bounded (-k stop or TERM, then KILL to the
#                                 leftovers); does nothing if it is not running
#   httpd_stop_all                httpd_stop for every DIR started here; never fails
#   httpd_cleanup                 httpd_stop_all, then removes the httpd_tmpdir directories
#                                 (unless HTTPD_KEEP is set); for `trap httpd_cleanup EXIT`
#
# Also set: HTTPD_BIN (/usr/sbin/apache2), HTTPD_MODS (apxs -q LIBEXECDIR), HTTPD_MODULE
# ($top/.libs/mod_cors.so). httpd_require_module fails with "build first" if it is missing.
# Internal names start with _httpd; the functions set no other variable of their caller.

HTTPD_BIN=${HTTPD_BIN:-/usr/sbin/apache2}
HTTPD_MODS=${HTTPD_MODS:-$(apxs -q LIBEXECDIR)}
HTTPD_MODULE=${HTTPD_MODULE:-${top:?set top before sourcing mk/httpd.sh}/.libs/mod_cors.so}
_httpd_started=""     # directories of the instances started, one per line
_httpd_tmpdirs=""     # directories made by httpd_tmpdir, one per line
_httpd_state=""       # a directory of its own: the ports handed out

httpd_require_module() {
    [ -f "$HTTPD_MODULE" ] && return 0
    echo "build first: make" >&2
    return 1
}

httpd_tmpdir() {
    _httpd_d=$(mktemp -d) || return 1
    chmod 755 "$_httpd_d"
    _httpd_tmpdirs="$_httpd_tmpdirs$_httpd_d
"
    if [ -z "$_httpd_state" ]; then
        _httpd_state=$(mktemp -d) || return 1
        : > "$_httpd_state/ports"
    fi
    eval "$1=\$_httpd_d"
}

httpd_free_port() {
    _httpd_used=""
    [ -z "$_httpd_state" ] || _httpd_used=$(cat "$_httpd_state/ports" 2>/dev/null || true)
    _httpd_p=$(HOST=${1:-127.0.0.1} USED=$_httpd_used perl -MIO::Socket::IP -e '
        my %used = map { $_ => 1 } split " ", $ENV{USED};
        my @held;    # kept open, so each try gets another port
        for (1 .. 50) {
            my $s = IO::Socket::IP->new(Listen => 1, LocalHost => $ENV{HOST}, LocalPort => 0)
                or die "no free port on $ENV{HOST}: $@\n";
            push @held, $s;
            next if $used{$s->sockport};
            print $s->sockport, "\n";
            exit 0;
        }
        exit 1;') || return 1
    if [ -n "$_httpd_state" ] && [ -d "$_httpd_state" ]; then echo "$_httpd_p" >> "$_httpd_state/ports"; fi
    echo "$_httpd_p"
}

httpd_port_free() {
    HOST=$1 PORT=$2 perl -MIO::Socket::IP -e '
        exit !IO::Socket::IP->new(Listen => 1, LocalHost => $ENV{HOST}, LocalPort => $ENV{PORT},
                                  ReuseAddr => 1)'
}

httpd_addr() {
    case $1 in
        *:*) echo "[$1]:$2" ;;
        *) echo "$1:$2" ;;
    esac
}

httpd_base() {
    _httpd_dir=$1 _httpd_mpm=$2
    shift 2
    echo "ServerRoot $_httpd_dir"
    echo "ServerName 127.0.0.1"
    echo "DefaultRuntimeDir $_httpd_dir"
    echo "PidFile $_httpd_dir/httpd.pid"
    echo "ErrorLog ${HTTPD_ERRORLOG:-$_httpd_dir/error_log}"
    echo "LogLevel ${HTTPD_LOGLEVEL:-warn}"
    echo "LoadModule mpm_${_httpd_mpm}_module $HTTPD_MODS/mod_mpm_${_httpd_mpm}.so"
    echo "LoadModule authz_core_module $HTTPD_MODS/mod_authz_core.so"
    echo "LoadModule mime_module $HTTPD_MODS/mod_mime.so"
    for _httpd_m in "$@"; do
        case $_httpd_m in
            authz_core|mime) ;;
            php) echo "LoadModule php_module $(ls "$HTTPD_MODS"/libphp*.so | head -n 1)" ;;
            *) echo "LoadModule ${_httpd_m}_module $HTTPD_MODS/mod_${_httpd_m}.so" ;;
        esac
    done
    echo "LoadModule cors_module $HTTPD_MODULE"
    [ "$(id -u)" -eq 0 ] && printf 'User www-data\nGroup www-data\n'
    echo "TypesConfig /etc/mime.types"
}

# The error log of DIR's instance, when it is a file, on stderr.
_httpd_tell() {
    echo "httpd in $1: $2" >&2
    [ -s "$1/error_log" ] && tail -n 20 "$1/error_log" >&2
    [ -n "${HTTPD_OUT:-}" ] && [ -f "$HTTPD_OUT" ] && [ -s "$HTTPD_OUT" ] && tail -n 20 "$HTTPD_OUT" >&2
    return 0
}

httpd_start() {
    _httpd_dir=$1 _httpd_url=${2:-} _httpd_mode=${3:-daemon}
    shift; [ $# -gt 0 ] && shift; [ $# -gt 0 ] && shift
    if ! _httpd_out=$("$HTTPD_BIN" -t -f "$_httpd_dir/httpd.conf" 2>&1); then
        printf '%s\n' "$_httpd_out" >&2
        _httpd_tell "$_httpd_dir" "configtest failed"
        return 1
    fi
    case "
$_httpd_started" in
        *"
$_httpd_dir
"*) ;;
        *) _httpd_started="$_httpd_started$_httpd_dir
" ;;
    esac
    rm -f "$_httpd_dir/httpd.job"
    case $_httpd_mode in
        daemon)
            if ! _httpd_out=$("$HTTPD_BIN" -f "$_httpd_dir/httpd.conf" -k start 2>&1); then
                printf '%s\n' "$_httpd_out" >&2
                _httpd_tell "$_httpd_dir" "did not start"
                httpd_stop "$_httpd_dir"
                return 1
            fi ;;
        fg) _httpd_bg "$@" "$HTTPD_BIN" -f "$_httpd_dir/httpd.conf" -DFOREGROUND
            echo "$_httpd_pid" > "$_httpd_dir/httpd.job" ;;
        one) _httpd_bg "$@" "$HTTPD_BIN" -X -f "$_httpd_dir/httpd.conf"
            echo "$_httpd_pid" > "$_httpd_dir/httpd.job" ;;
        *) echo "httpd_start: unknown mode $_httpd_mode" >&2; return 1 ;;
    esac
    [ -n "$_httpd_url" ] || return 0
    # A wrapper (valgrind) makes start-up slow: a minute then, else ten seconds.
    _httpd_tenths=100
    [ $# -gt 0 ] && _httpd_tenths=600
    if ! httpd_wait "$_httpd_url" "$_httpd_tenths" "$_httpd_dir"; then
        _httpd_tell "$_httpd_dir" "no answer from $_httpd_url"
        httpd_stop "$_httpd_dir"
        return 1
    fi
}

# CMD... in the background, its output to $HTTPD_OUT if set; its pid in _httpd_pid.
_httpd_bg() {
    if [ -n "${HTTPD_OUT:-}" ]; then
        "$@" >>"$HTTPD_OUT" 2>&1 &
    else
        "$@" &
    fi
    _httpd_pid=$!
}

httpd_wait() {
    _httpd_i=0
    until curl -sk -o /dev/null --max-time 5 "$1"; do
        _httpd_i=$((_httpd_i + 1))
        [ "$_httpd_i" -lt "${2:-100}" ] || return 1
        if [ -n "${3:-}" ] && [ -f "$3/httpd.job" ] && ! kill -0 "$(cat "$3/httpd.job")" 2>/dev/null; then
            return 1
        fi
        sleep 0.1
    done
}

httpd_job() {
    cat "$1/httpd.job"
}

httpd_ctl() {
    "$HTTPD_BIN" -f "$1/httpd.conf" -k "$2"
}

httpd_stop() {
    _httpd_dir=$1
    if [ -f "$_httpd_dir/httpd.job" ]; then
        # A child of this shell: TERM, up to 30 s (valgrind writes its report), then KILL.
        _httpd_pid=$(cat "$_httpd_dir/httpd.job")
        kill -TERM "$_httpd_pid" 2>/dev/null || true
        _httpd_i=0
        while kill -0 "$_httpd_pid" 2>/dev/null && [ $_httpd_i -lt 300 ]; do
            sleep 0.1; _httpd_i=$((_httpd_i + 1))
        done
        _httpd_kill "$_httpd_pid"
        wait "$_httpd_pid" 2>/dev/null || true
        rm -f "$_httpd_dir/httpd.job" "$_httpd_dir/httpd.pid"
    elif [ -f "$_httpd_dir/httpd.pid" ]; then
        # A daemon: -k stop, up to 10 s for it to go (it removes its pid file), then KILL.
        _httpd_pid=$(cat "$_httpd_dir/httpd.pid")
        "$HTTPD_BIN" -f "$_httpd_dir/httpd.conf" -k stop 2>/dev/null || true
        _httpd_i=0
        while [ -f "$_httpd_dir/httpd.pid" ] && [ $_httpd_i -lt 100 ]; do
            sleep 0.1; _httpd_i=$((_httpd_i + 1))
        done
        if [ -f "$_httpd_dir/httpd.pid" ]; then
            _httpd_kill "$_httpd_pid"
            rm -f "$_httpd_dir/httpd.pid"
        fi
    fi
    return 0
}

# KILL to one httpd parent, if still there, and to its children.
_httpd_kill() {
    [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
    echo "httpd $1 did not stop in time: killed" >&2
    for _httpd_c in $(pgrep -P "$1" 2>/dev/null || true); do kill -KILL "$_httpd_c" 2>/dev/null || true; done
    kill -KILL "$1" 2>/dev/null || true
    return 0
}

httpd_stop_all() {
    _httpd_list=$_httpd_started
    while [ -n "$_httpd_list" ]; do
        _httpd_one=${_httpd_list%%
*}
        _httpd_list=${_httpd_list#*
}
        [ -n "$_httpd_one" ] && httpd_stop "$_httpd_one"
    done
    return 0
}

httpd_cleanup() {
    httpd_stop_all
    if [ -n "${HTTPD_KEEP:-}" ]; then
        printf '%s' "$_httpd_tmpdirs" | sed 's/^/kept /' >&2
    else
        _httpd_list=$_httpd_tmpdirs
        while [ -n "$_httpd_list" ]; do
            _httpd_one=${_httpd_list%%
*}
            _httpd_list=${_httpd_list#*
}
            [ -n "$_httpd_one" ] && rm -rf "$_httpd_one"
        done
        _httpd_tmpdirs=""
    fi
    [ -n "$_httpd_state" ] && rm -rf "$_httpd_state"
    _httpd_state=""
    return 0
}

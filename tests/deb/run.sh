#!/bin/sh
# run.sh DEBDIR - tests the libapache2-mod-cors packages `make deb` built in DEBDIR, without
# touching the machine it runs on: `make test` may run on an admin's live server.
#
# It never starts, stops or reloads a system service, never writes under /etc, and never
# installs or removes a package on the host. It runs in three parts:
#
# 1. The packages as files: lintian --pedantic (any error, warning, info or pedantic tag that
#    is not overridden in debian/*.lintian-overrides fails), the file list, the conffiles,
#    the maintainer scripts (dpkg-deb -e: exactly what dh_apache2 generates, and nothing that
#    enables the module), stripped binaries whose debug symbols are in the dbgsym package.
# 2. The package contents in a throwaway httpd: dpkg-deb -x into a temporary root; its
#    cors.load (path rewritten into that root), cors.conf and examples/spa-api.conf (moved
#    onto 127.0.0.1 and a temporary DocumentRoot) loaded by /usr/sbin/apache2 -f with a
#    generated config whose ServerRoot, PidFile, ErrorLog and runtime files are in the
#    temporary directory, on a free loopback port; a preflight and requests with curl, and
#    the extracted corscheck against it. Runs as any user.
# 3. The real install path (dpkg -i, a2enmod cors, apache2ctl configtest, dpkg --purge) in
#    tests/deb/isolated.sh, inside private namespaces (unshare --mount --pid --net --ipc
#    --uts): /etc, /usr and /var are overlayfs with their writes in a tmpfs, /run is an
#    empty tmpfs (no systemd or D-Bus socket, no pid files of the host's apache2), the
#    network is a loopback of its own, the processes cannot see or signal the host's, and a
#    policy-rc.d refuses every service action. Everything it did is gone when the namespace
#    ends. It is skipped, with a "skipped: <why>" line, unless run as root on a kernel that
#    allows those namespaces and overlayfs (a container without CAP_SYS_ADMIN does not).
#    In CI (run as root with CI=true, as .ci/run sets it) a skip is a failure instead: the
#    CI machine is meant to run the install test, and a skipped one would pass unseen.
#    Installing on the host itself when $CI is set was rejected: "restoring the state
#    exactly" after dpkg -i/--purge (dpkg's status, logs, triggers) cannot be guaranteed.
#
# Last, it checks the host is as it found it: /etc/apache2 (every file's content, mode and
# link target), the package's dpkg state, and the paths the package would install.
# Ends with "N passed, N failed" (", N skipped" after it when some were: mk/tap.sh); exits
# non-zero if anything failed.
set -eu
debdir=${1:?usage: run.sh DEBDIR}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../mk/tap.sh"
pkg=libapache2-mod-cors

# In CI (root, CI=true) nothing may be skipped: a skip is counted and shown as a failure.
in_ci=0
if [ "$(id -u)" -eq 0 ] && [ "${CI:-}" = true ]; then in_ci=1; fi
skip_unless_ci() {
    if [ "$in_ci" -eq 1 ]; then
        fail "skipped in CI (root, CI=true), where it must run: $*"
    else
        skip "$*"
    fi
}

# What the test must leave as it found it.
host_state() {
    {
        find /etc/apache2 -printf '%p %y %m %U %G %l\n' 2>/dev/null | LC_ALL=C sort
        find /etc/apache2 -type f -print0 2>/dev/null | LC_ALL=C sort -z | xargs -0r sha256sum
        dpkg-query -W -f='${Package} ${Status} ${Version}\n' "$pkg" 2>/dev/null || echo "$pkg unknown"
        for f in /usr/lib/apache2/modules/mod_cors.so /usr/bin/corscheck \
                 /usr/share/man/man1/corscheck.1.gz /usr/share/doc/$pkg; do
            if [ -e "$f" ]; then ls -ld --time-style=+%s.%N "$f"; else echo "$f absent"; fi
        done
    } | sha256sum
}
state_before=$(host_state)

deb=$(ls "$debdir"/${pkg}_*.deb 2>/dev/null | head -n 1)
dbg=$(ls "$debdir"/${pkg}-dbgsym_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "no $pkg .deb in $debdir: make deb" >&2; exit 1; }
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")

tmp=$(mktemp -d)
chmod 755 "$tmp"
srv=$tmp/srv
pidfile=$srv/httpd.pid
ns=""
stop_httpd() {
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile" 2>/dev/null) || return 0
    /usr/sbin/apache2 -f "$srv/httpd.conf" -k stop 2>/dev/null || true
    i=0
    while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
        sleep 0.1; i=$((i + 1))
    done
    if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -f "$pidfile"
}
cleanup() {
    stop_httpd
    rm -rf "$tmp"
    [ -z "$ns" ] || rmdir "$ns" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

echo "# 1. the packages as files"
lint=$tmp/lintian.out
lint_rc=0
lintian --pedantic --display-info --display-experimental \
    --fail-on error,warning,info,pedantic "$deb" ${dbg:+"$dbg"} >"$lint" 2>&1 || lint_rc=$?
grep -v '^running with root privileges is not recommended!$' "$lint" | sed 's/^/    /'
ok "lintian --pedantic: no tags" test "$lint_rc" -eq 0

root=$tmp/root
mkdir -p "$root"
dpkg-deb -x "$deb" "$root"
dpkg-deb -e "$deb" "$tmp/control"
for f in usr/lib/apache2/modules/mod_cors.so usr/bin/corscheck \
         etc/apache2/mods-available/cors.load etc/apache2/mods-available/cors.conf \
         usr/share/man/man1/corscheck.1.gz usr/share/doc/$pkg/copyright \
         usr/share/doc/$pkg/changelog.gz usr/share/doc/$pkg/README.md.gz \
         usr/share/doc/$pkg/examples/spa-api.conf usr/share/doc/$pkg/examples/public-api.conf; do
    ok "the package has /$f" test -f "$root/$f"
done
ok "... and no file under /etc/apache2/mods-enabled" test ! -e "$root/etc/apache2/mods-enabled"
ok "cors.load and cors.conf are conffiles" test "$(LC_ALL=C sort "$tmp/control/conffiles")" = \
    "$(printf '/etc/apache2/mods-available/cors.conf\n/etc/apache2/mods-available/cors.load')"
ok "cors.load loads the packaged module" test "$(cat "$root/etc/apache2/mods-available/cors.load")" = \
    "LoadModule cors_module /usr/lib/apache2/modules/mod_cors.so"
ok "corscheck.1.gz is corscheck's section 1 man page" sh -c \
    "zcat '$root/usr/share/man/man1/corscheck.1.gz' | grep -qiE '^\.TH +\"?corscheck\"? +\"?1'"

# The maintainer scripts: only dh_apache2's prerm and postrm (a2dismod on remove and purge),
# equal to its templates with its substitutions; no postinst, so nothing is enabled.
ok "no preinst, postinst or config script (the module is not enabled on install)" \
    sh -c "! ls '$tmp/control' | grep -qxE 'preinst|postinst|config|templates|triggers'"
expected_script() {   # expected_script prerm|postrm
    {
        printf '#!/bin/sh\nset -e\n# Automatically added by dh_apache2/UNDECLARED\n'
        sed -e 's/#CONDITIONAL_VARIABLE#/true/' -e 's/#NAMES#/cors/' -e 's/#HELPER#/dismod/' \
            -e 's/#ACTION#//' -e 's/#ERROR_HANDLER#/exit 1/' \
            "/usr/share/debhelper/autoscripts/$1-apache2"
        printf '# End automatically added section\n'
    } | tr -s ' \t' ' ' | sed 's/^ //; s/ $//'
}
same_script() {   # same_script prerm|postrm
    [ -f "$tmp/control/$1" ] &&
        [ "$(tr -s ' \t' ' ' <"$tmp/control/$1" | sed 's/^ //; s/ $//')" = "$(expected_script "$1")" ]
}
for s in prerm postrm; do
    ok "$s is what dh_apache2 generates (it switches the module off on removal)" same_script $s
done
ok "no maintainer script enables anything" sh -c \
    "! cat '$tmp/control/'*inst '$tmp/control/'*rm 2>/dev/null | grep -qE 'enmod|enconf|ensite|a2en'"

# Stripped binaries, hardened, with their debug symbols in the dbgsym package.
if [ -n "$dbg" ]; then
    dpkg-deb -x "$dbg" "$tmp/dbg"
    for f in usr/lib/apache2/modules/mod_cors.so usr/bin/corscheck; do
        id=$(readelf -n "$root/$f" 2>/dev/null | sed -n 's/^ *Build ID: *//p')
        ok "/$f is stripped" sh -c "! readelf -S -W '$root/$f' | grep -q '\.debug_info'"
        ok "/$f is linked with -z relro -z now" sh -c \
            "readelf -l -W '$root/$f' 2>/dev/null | grep -q GNU_RELRO && readelf -d -W '$root/$f' | grep -q BIND_NOW"
        dfile=$tmp/dbg/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug
        ok "the dbgsym package has /$f's debug info and line table (build-id ${id:-none})" sh -c \
            "[ -n '$id' ] && readelf -S -W '$dfile' 2>/dev/null | grep -q '\.debug_info ' && readelf -S -W '$dfile' 2>/dev/null | grep -q '\.debug_line '"
    done
else
    ok "a dbgsym package was built" false
fi

echo "# 2. the package's files in a throwaway httpd on 127.0.0.1"
failed_before=$tap_failed
port=$(perl -MIO::Socket::INET -e \
    'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport')
mods=/usr/lib/apache2/modules
mkdir -p "$srv" "$tmp/www"
echo '{"ok": true}' > "$tmp/www/data.json"
chmod -R a+rX "$tmp/www" "$root"
sed "s|/usr/lib/apache2/modules/|$root/usr/lib/apache2/modules/|" \
    "$root/etc/apache2/mods-available/cors.load" > "$srv/cors.load"
cp "$root/etc/apache2/mods-available/cors.conf" "$srv/cors.conf"
sed -e "s|\*:80|127.0.0.1:$port|" -e "s|/var/www/api|$tmp/www|g" \
    "$root/usr/share/doc/$pkg/examples/spa-api.conf" > "$srv/site.conf"
{
    echo "ServerRoot $srv"
    echo "ServerName 127.0.0.1"
    echo "Listen 127.0.0.1:$port"
    echo "PidFile $pidfile"
    echo "DefaultRuntimeDir $srv"
    echo "ErrorLog $srv/error_log"
    echo "LogLevel warn cors:info"
    echo "LoadModule mpm_event_module $mods/mod_mpm_event.so"
    echo "LoadModule authz_core_module $mods/mod_authz_core.so"
    echo "LoadModule mime_module $mods/mod_mime.so"
    echo "Include $srv/cors.load"
    echo "Include $srv/cors.conf"
    [ "$(id -u)" -eq 0 ] && printf 'User www-data\nGroup www-data\n'
    echo "TypesConfig /etc/mime.types"
    echo "Include $srv/site.conf"
} > "$srv/httpd.conf"
ok "cors.load names a file in the package" test "$(cat "$srv/cors.load")" = \
    "LoadModule cors_module $root/usr/lib/apache2/modules/mod_cors.so"
dump_modules() { /usr/sbin/apache2 -f "$srv/httpd.conf" -t -D DUMP_MODULES >"$tmp/modules" 2>&1; }
ok "configtest of cors.load + cors.conf + examples/spa-api.conf" dump_modules
ok "... the packaged module is loaded" grep -q 'cors_module (shared)' "$tmp/modules"

u="http://127.0.0.1:$port/data.json"
started() {
    /usr/sbin/apache2 -f "$srv/httpd.conf" -k start || return 1
    i=0
    until curl -s -o /dev/null "$u"; do
        i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.1
    done
}
ok "the throwaway httpd starts and answers" started
# acao ARGS: "STATUS ORIGIN" of the answer, "STATUS -" without Access-Control-Allow-Origin,
# "no answer" when curl gets none (so a refusal is never read from a server that is down).
acao() {
    h=$(curl -s -o /dev/null -D - "$@") || { echo "no answer"; return 0; }
    st=$(printf '%s\n' "$h" | tr -d '\r' | sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p')
    v=$(printf '%s\n' "$h" | tr -d '\r' | sed -n 's/^Access-Control-Allow-Origin: //Ip')
    echo "${st:-?} ${v:--}"
}
ok "a preflight is answered 204" test "$(curl -s -o /dev/null -w '%{http_code}' \
    -X OPTIONS -H 'Origin: https://app.example.com' -H 'Access-Control-Request-Method: PUT' \
    -H 'Access-Control-Request-Headers: content-type,authorization' "$u")" = 204
ok "the request carries the allowed origin" \
    test "$(acao -H 'Origin: https://app.example.com' "$u")" = "200 https://app.example.com"
ok "a refused origin gets no Access-Control-Allow-Origin" \
    test "$(acao -H 'Origin: https://evil.example' "$u")" = "200 -"
corscheck_allowed() {
    "$root/usr/bin/corscheck" "$u" --origin https://app.example.com --method PUT \
        --header 'Content-Type: application/json' --credentials >"$tmp/corscheck.out" 2>&1
}
ok "the packaged corscheck runs and agrees (exit 0)" corscheck_allowed
corscheck_refused() {   # exit 1: a browser would block it (2 is a usage or network error)
    rc=0
    "$root/usr/bin/corscheck" "$u" --origin https://evil.example >>"$tmp/corscheck.out" 2>&1 || rc=$?
    [ "$rc" -eq 1 ]
}
ok "... and refuses an origin the server refuses (exit 1)" corscheck_refused
stop_httpd
if [ "$tap_failed" -ne "$failed_before" ]; then
    echo "    apache2 -t:"; sed 's/^/    /' "$tmp/modules" 2>/dev/null || true
    echo "    error_log:"; sed 's/^/    /' "$srv/error_log" 2>/dev/null || true
    echo "    corscheck:"; sed 's/^/    /' "$tmp/corscheck.out" 2>/dev/null || true
fi

echo "# 3. dpkg -i, a2enmod cors, apache2ctl configtest, dpkg --purge in private namespaces"
if [ "$(id -u)" -ne 0 ]; then
    skip_unless_ci "the install test needs root (for private mount namespaces)"
elif ! command -v unshare >/dev/null; then
    skip_unless_ci "the install test needs unshare (util-linux)"
elif ! unshare --mount --pid --net --ipc --uts --fork true 2>"$tmp/unshare.err"; then
    skip_unless_ci "the install test cannot make private namespaces here: $(head -n 1 "$tmp/unshare.err")"
else
    # Under /tmp, whatever TMPDIR says: isolated.sh overlays /etc, /usr and /var.
    ns=$(mktemp -d /tmp/mod-cors-ns.XXXXXX)
    ns_rc=0
    DEBIAN_FRONTEND=noninteractive timeout 600 unshare --mount --pid --net --ipc --uts --fork --kill-child \
        --propagation private sh "$here/isolated.sh" "$deb" "$ns" >"$tmp/ns.out" 2>&1 </dev/null \
        || ns_rc=$?
    # Its result lines counted here, its details (indented) shown under them.
    while IFS= read -r line; do
        case $line in
            "ok - "*) pass "${line#ok - }" ;;
            "not ok - "*) fail "${line#not ok - }" ;;
            "    "*) printf '%s\n' "$line" ;;
        esac
    done <"$tmp/ns.out"
    # isolated.sh's own skips (an isolation step that did not take, exit 77; a host whose
    # configuration fails configtest without mod_cors): counted as skips, or failures in CI.
    sed -n 's/^skipped: //p' "$tmp/ns.out" >"$tmp/ns.skips"
    while IFS= read -r why; do skip_unless_ci "$why"; done <"$tmp/ns.skips"
    # Every other non-zero exit is a failure of its own, whatever was counted before it.
    if [ "$ns_rc" -ne 0 ] && ! { [ "$ns_rc" -eq 77 ] && [ -s "$tmp/ns.skips" ]; }; then
        fail "isolated.sh ran to the end (exit $ns_rc)"
        sed 's/^/    /' "$tmp/ns.out" | tail -n 20
    fi
    # Exiting 0, it got as far as the install and the purge (passed or not), and only after
    # it had said the isolation took: a line that reads its log, changing nothing.
    if [ "$ns_rc" -eq 0 ]; then
        ok "isolated.sh installed and purged only after its isolation took" awk '
            /^ok - isolation: / { iso = NR }
            /^(not )?ok - dpkg -i / { inst = NR }
            /^(not )?ok - dpkg --purge / { purge = NR }
            END { exit !(iso && inst > iso && purge > inst) }' "$tmp/ns.out"
    fi
fi

ok "the host is as the test found it (/etc/apache2, $pkg's dpkg state, its paths)" \
    test "$(host_state)" = "$state_before"

tap_done

#!/bin/sh
# isolated.sh DEB SCRATCH - the install test of tests/deb/run.sh: dpkg -i, a2enmod cors,
# apache2ctl configtest, dpkg --purge, run as the first process of private mount, pid,
# network, IPC and UTS namespaces (unshare ... --fork). Never run it by hand.
#
# Before dpkg runs it makes, in this mount namespace only: /etc, /usr and /var overlayfs
# whose writes land in a tmpfs mounted on SCRATCH (an empty directory under /tmp); /run and
# /tmp empty tmpfs (no systemd or D-Bus socket, no pid file of the host's apache2); /proc
# this pid namespace's (the host's processes are invisible and cannot be signalled); and a
# /usr/sbin/policy-rc.d that refuses every service action. It checks each of those took; if
# one did not, it prints "skipped: ..." and exits 77 before anything could be written. When
# this process exits the kernel tears the namespaces down, and with them every change.
# If the host has the package installed, it is purged first, here only.
# Prints "ok - ", "not ok - " and "skipped: " lines (mk/tap.sh; run.sh counts them), details
# indented; no closing count.
set -eu
deb=$1
scratch=$2
pkg=libapache2-mod-cors

. "$(dirname "$0")/../../mk/tap.sh"
give_up() {
    skip "the install test: $*"
    exit 77
}
indent() { sed 's/^/    /'; }

# ---- isolation: nothing below this block runs unless all of it took ---------------------
[ "$$" -eq 1 ] || give_up "not the first process of a new pid namespace"
case $(readlink -f "$scratch") in
    /tmp/?*) ;;
    *) give_up "$scratch is not a directory under /tmp" ;;
esac
[ -z "$(ls -A "$scratch")" ] || give_up "$scratch is not empty"
mount --make-rprivate / 2>/dev/null || give_up "cannot make the mounts private"
mount -t tmpfs -o mode=0755,size=1g mod-cors-test "$scratch" 2>/dev/null \
    || give_up "cannot mount a tmpfs (no CAP_SYS_ADMIN?)"
cp "$deb" "$scratch/$pkg.deb"
for d in etc usr var; do
    mkdir "$scratch/$d" "$scratch/$d/upper" "$scratch/$d/work"
    echo "$scratch" > "$scratch/$d/upper/.mod-cors-isolated"
    mount -t overlay "mod-cors-$d" \
        -o "lowerdir=/$d,upperdir=$scratch/$d/upper,workdir=$scratch/$d/work" "/$d" 2>/dev/null \
        || give_up "cannot mount an overlayfs on /$d (overlay module, or / already an overlay?)"
    [ "$(cat "/$d/.mod-cors-isolated" 2>/dev/null)" = "$scratch" ] \
        || give_up "/$d is not the overlay just mounted"
done
# /run first, to take the package along before the tmpfs on /tmp hides $scratch.
for d in run tmp; do
    mount -t tmpfs -o mode=0755 "mod-cors-$d" "/$d" 2>/dev/null || give_up "cannot mount a tmpfs on /$d"
    [ -z "$(ls -A "/$d")" ] || give_up "/$d is not the tmpfs just mounted"
    if [ "$d" = run ]; then cp "$scratch/$pkg.deb" "/run/$pkg.deb"; fi
done
chmod 1777 /tmp
mkdir -p /run/lock
mount -t proc -o nosuid,nodev,noexec mod-cors-proc /proc 2>/dev/null || give_up "cannot mount /proc"
[ "$(ls -d /proc/[0-9]* | wc -l)" -lt 10 ] || give_up "/proc shows the host's processes"
printf '#!/bin/sh\n# mod_cors tests/deb/isolated.sh: no service actions here\nexit 101\n' \
    > /usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d
if [ -e /run/systemd/system ] || [ -e /run/dbus/system_bus_socket ]; then
    give_up "/run still shows the host's systemd"
fi
export DEBIAN_FRONTEND=noninteractive
# man-db's trigger would rebuild its index for nothing (and slowly): off, in this overlay only.
rm -f /var/lib/man-db/auto-update
# ---- the install test --------------------------------------------------------------------

# Every command below that writes what dpkg or a2enmod own asks this first, at the moment it
# runs, not only once above: still the first process of the pid namespace, and /etc, /usr and
# /var still this run's overlays (their marker names this run's scratch directory).
still_isolated() {
    [ "$$" -eq 1 ] || return 1
    for d in etc usr var; do
        [ "$(cat "/$d/.mod-cors-isolated" 2>/dev/null)" = "$scratch" ] || return 1
    done
}
isolated_do() {   # isolated_do COMMAND...: COMMAND only inside the isolation, else exit 77
    still_isolated || give_up "the isolation is gone before: $*"
    "$@"
}
ok "isolation: /etc, /usr, /var on overlays of $scratch; /run, /tmp, /proc private; services refused" \
    still_isolated

installed() { dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q ' installed$'; }
dpkg_do() {   # dpkg_do ARGS...: dpkg, in the isolation only, its output shown on failure
    if isolated_do dpkg --force-confdef --force-confold "$@" >/run/dpkg.log 2>&1; then return 0; fi
    indent </run/dpkg.log
    return 1
}
configtest() { apache2ctl configtest >/run/configtest.log 2>&1; }
configtest_shown() { configtest || { indent </run/configtest.log; return 1; }; }

if installed; then
    ok "the host's $pkg purged first (in the namespace only)" dpkg_do --purge "$pkg"
fi
base_ok=1
if ! configtest; then
    base_ok=0
    skip "apache2ctl configtest: the system configuration fails it without mod_cors:"
    indent </run/configtest.log | head -n 5
fi

ok "dpkg -i $pkg (its dependencies installed on the host)" dpkg_do -i "/run/$pkg.deb"
ok "dpkg: $pkg installed" installed
for f in /usr/lib/apache2/modules/mod_cors.so /etc/apache2/mods-available/cors.load \
         /etc/apache2/mods-available/cors.conf /usr/bin/corscheck \
         /usr/share/man/man1/corscheck.1.gz /usr/share/doc/$pkg/examples/spa-api.conf; do
    ok "installed: $f" test -f "$f"
done
ok "corscheck is on PATH" test "$(command -v corscheck)" = /usr/bin/corscheck
ok "not enabled until asked (no mods-enabled/cors.*)" \
    sh -c '! ls /etc/apache2/mods-enabled/cors.* >/dev/null 2>&1'
ok "a2enmod cors" isolated_do a2enmod -q cors
ok "... links mods-enabled/cors.load and cors.conf" sh -c \
    '[ "$(readlink /etc/apache2/mods-enabled/cors.load)" = ../mods-available/cors.load ] &&
     [ "$(readlink /etc/apache2/mods-enabled/cors.conf)" = ../mods-available/cors.conf ]'
if [ "$base_ok" -eq 1 ]; then
    ok "apache2ctl configtest with cors enabled" configtest_shown
    ok "apache2ctl -M lists cors_module" sh -c 'apache2ctl -M 2>/dev/null | grep -q "cors_module (shared)"'
fi

ok "dpkg --purge $pkg (prerm and postrm: a2dismod cors)" dpkg_do --purge "$pkg"
ok "dpkg: $pkg not installed" sh -c "! dpkg-query -W -f='\${Status}' $pkg 2>/dev/null | grep -q ' installed\$'"
ok "purged: no mods-enabled/cors.*" sh -c '! ls /etc/apache2/mods-enabled/cors.* >/dev/null 2>&1'
for f in /usr/lib/apache2/modules/mod_cors.so /etc/apache2/mods-available/cors.load \
         /etc/apache2/mods-available/cors.conf /usr/bin/corscheck /usr/share/doc/$pkg; do
    ok "purged: no $f" test ! -e "$f"
done
if [ "$base_ok" -eq 1 ]; then
    ok "apache2ctl configtest after the purge" configtest_shown
fi

#!/bin/sh
# need.sh - makes sure the Debian packages a target needs are installed, or says how.
# Usage: mk/need.sh PACKAGE...   As root it installs what is missing (apt-get); otherwise it
# prints the exact apt-get line and fails, so a fresh machine needs nothing but make.
missing=""
for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "mod_cors: missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "mod_cors: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Another apt or dpkg may hold the locks: unattended-upgrades on a real server, a package
# manager in another terminal. apt-get then fails at once ("Unable to acquire the dpkg
# frontend lock"). -o DPkg::Lock::Timeout=600 makes it wait up to 10 minutes for the dpkg
# lock instead (NEED_LOCK_TIMEOUT seconds, if set); it is given to update and install alike.
# apt-get update takes the lock of the package lists too, which that option does not cover
# (apt 2.6): while another apt holds that one, update is tried again every 5 s, as long.
timeout=${NEED_LOCK_TIMEOUT:-600}
lock="-o DPkg::Lock::Timeout=$timeout"
update() {
    waited=0
    # shellcheck disable=SC2086
    until out=$(apt-get $lock update -qq 2>&1); do
        case $out in
            *"Could not get lock"* | *"Unable to lock"*) ;;
            *) printf '%s\n' "$out" >&2; return 1 ;;
        esac
        if [ "$waited" -ge "$timeout" ]; then printf '%s\n' "$out" >&2; return 1; fi
        [ "$waited" -gt 0 ] || echo "mod_cors: another apt holds the package lists: waiting" >&2
        sleep 5
        waited=$((waited + 5))
    done
    [ -z "$out" ] || printf '%s\n' "$out" >&2
}
# An apt list older than a day may name versions the mirror no longer has.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
    update || exit 1
fi
# shellcheck disable=SC2086
apt-get $lock install -y -qq --no-install-recommends $missing >&2 || {
    update && apt-get $lock install -y -qq --no-install-recommends $missing >&2
}

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
# An apt list older than a day may name versions the mirror no longer has.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
    apt-get update -qq >&2 || exit 1
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2 || {
    apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends $missing >&2
}

#!/bin/sh
# dbd.sh - which database mod_cors takes a virtual host's queries to ask, read from the
# configuration tree as mod_dbd itself reads and inherits DBDriver and DBDParams: the
# answers kept in the shared cache are keyed by it, so two virtual hosts on two databases
# must never answer for each other, and one host's DBD lines decide for it.
#   sh tests/httpd/dbd.sh
# Each case: virtual host B asks first for an origin its database does not list (a "no" is
# cached under B's database), then virtual host A, whose database lists it: A must allow it
# (its own database asked) exactly when the two databases differ.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/mk/httpd.sh"
. "$top/mk/tap.sh"
httpd_require_module || exit 1

httpd_tmpdir root
trap httpd_cleanup EXIT
trap 'exit 130' INT TERM

db() {      # FILE ORIGIN...: an SQLite table of tenants' origins
    f=$1
    shift
    rm -f "$f"
    sqlite3 "$f" "CREATE TABLE tenant_origins (origin TEXT PRIMARY KEY);"
    for o in "$@"; do sqlite3 "$f" "INSERT INTO tenant_origins VALUES ('$o');"; done
    chmod 644 "$f"
}
mkdir -p "$root/www" "$root/db"
chmod 755 "$root" "$root/db"
echo data > "$root/www/data.txt"
db "$root/db/main.db"
db "$root/db/a.db" https://tenant.example
chmod -R a+rX "$root"

acao() {    # HOST ORIGIN
    v=$(curl -s -o /dev/null -D - -H "Host: $1" -H "Origin: $2" "$base/data.txt" \
        | tr -d '\r' | sed -n 's/^[Aa]ccess-[Cc]ontrol-[Aa]llow-[Oo]rigin: //p')
    echo "${v:--}"
}

# case NAME A-LINES [MAIN-LINES]: virtual host a.test with A-LINES, b.test with none, the
# main server's DBD lines MAIN-LINES (the main database by default); prints "B A".
case_of() {
    dir="$root/$1"
    mkdir -p "$dir"
    port=$(httpd_free_port)
    base="http://127.0.0.1:$port"
    {
        httpd_base "$dir" event dbd socache_shmcb
        cat <<EOF
Listen 127.0.0.1:$port
StartServers 1
ServerLimit 1
${3-DBDriver sqlite3
DBDParams $root/db/main.db}
CORSOriginCache shmcb:$dir/cache(100000)
<Directory $root/www>
    Require all granted
</Directory>
<VirtualHost 127.0.0.1:$port>
    ServerName b.test
    DocumentRoot $root/www
    CORSAllowOriginQuery "SELECT 1 FROM tenant_origins WHERE origin = %s"
</VirtualHost>
<VirtualHost 127.0.0.1:$port>
    ServerName a.test
    DocumentRoot $root/www
$2
    CORSAllowOriginQuery "SELECT 1 FROM tenant_origins WHERE origin = %s"
</VirtualHost>
EOF
    } > "$dir/httpd.conf"
    httpd_start "$dir" "$base/data.txt" >/dev/null 2>&1 || { echo "no server"; return 0; }
    echo "$(acao b.test https://tenant.example) $(acao a.test https://tenant.example)"
    httpd_stop "$dir"
}

check "a virtual host with DBDriver and DBDParams of its own: its own database" \
    "- https://tenant.example" \
    "$(case_of own "    DBDriver sqlite3
    DBDParams $root/db/a.db")"
check "DBDParams of its own, DBDriver inherited: its own database" \
    "- https://tenant.example" \
    "$(case_of params "    DBDParams $root/db/a.db")"
check "its DBD lines in <IfModule dbd_module>: read" \
    "- https://tenant.example" \
    "$(case_of ifmodule "    <IfModule dbd_module>
        DBDParams $root/db/a.db
    </IfModule>")"
check "its DBD lines in <IfDefine> not defined: ignored, the main server's database" \
    "- -" \
    "$(case_of ifdefine "    <IfDefine MOD_CORS_NOT_DEFINED>
        DBDParams $root/db/a.db
    </IfDefine>")"
check "none of its own: the main server's database, for both (one cached no)" \
    "- -" \
    "$(case_of inherit "")"
check "the main server's lines in <IfModule dbd_module>: inherited" \
    "- -" \
    "$(case_of mainif "" "<IfModule dbd_module>
DBDriver sqlite3
DBDParams $root/db/main.db
</IfModule>")"
# A query where no DBDriver is in force stops configtest.
dir="$root/none"
mkdir -p "$dir"
{
    httpd_base "$dir" event dbd
    cat <<EOF
Listen 127.0.0.1:$(httpd_free_port)
<VirtualHost 127.0.0.1:9>
    CORSAllowOriginQuery "SELECT 1 FROM tenant_origins WHERE origin = %s"
</VirtualHost>
EOF
} > "$dir/httpd.conf"
out=$("$HTTPD_BIN" -t -f "$dir/httpd.conf" 2>&1) && rc=0 || rc=$?
like "no DBDriver in force: configtest refuses, saying so" \
    "^rc [1-9].*has no database: give DBDriver and DBDParams in that server" "rc $rc: $(echo $out)"

tap_done

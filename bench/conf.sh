# conf.sh - sourced by bench scripts: writes one benchmark server configuration.
#   bench_conf FILE ROOT PORT SETUP SIZE
#     SETUP: none | static | recipe | cors | floor               (policy in the <Directory>)
#            ht-none | ht-headers | ht-cors | ht-floor | ht-recipe | ht-comments   (an .htaccess)
#            before | ht-before: cors and ht-cors with the module of BENCH_BEFORE (a built tree
#            of the release before)
#            file | dbm | query: the SIZE origins in an origin file, a DBM file, or an SQLite
#            table asked through mod_dbd with answers kept in shmcb (the sources)
#     SIZE: number of exact origins, or "pattern" / "regex" (cors only)
#     BENCH_MPM: event (default) or prefork; callgrind uses prefork, whose -X serves requests in
#     the one thread that reads them, so no thread hand-off adds to the count.
#     BENCH_TOP: the tree whose .libs/mod_cors.so is loaded (default: this script's caller's ..);
#     BENCH_FLOOR: the floor module (default: $BENCH_TOP/bench/floor/.libs/mod_cors_floor.so).
# Origins are https://o1.example.com ... https://oN.example.com; requests come from o1 (first) or
# oN (last) and are allowed, or from https://refused.example.
# The ht-* setups write ROOT/htdocs/api/.htaccess (and the others remove it): one ROOT serves
# one of them at a time.
#   bench_answers_ok SETUP KIND CODES HEADERS: whether the answers a row got are the ones it
#     means to measure (see below); a row whose answers are not is reported as not measured.
# shellcheck shell=sh

# bench_origins SIZE PER-LINE LEAD: the SIZE origins, PER-LINE to a line, each line after LEAD.
bench_origins() {
    awk -v n="$1" -v k="$2" -v lead="$3" 'BEGIN {
        for (i = 1; i <= n; i++) {
            printf "%s%s", (i % k == 1 || k == 1) ? lead : " ", "https://o" i ".example.com"
            if (i % k == 0 || i == n) printf "\n"
        } }'
}

# bench_policy SETUP SIZE: the setup's policy lines, unindented.
bench_policy() {
    case $1 in
    none|ht-none) ;;
    static)
        # Not a policy: the same three header lines, always. What emitting them costs.
        echo "Header always set Access-Control-Allow-Origin https://o1.example.com"
        echo "Header always set Access-Control-Allow-Credentials true"
        echo "Header always merge Vary Origin"
        ;;
    cors)
        echo "CORSEnable On"
        case $2 in
        pattern) echo "CORSAllowOrigin https://*.example.com" ;;
        regex) echo "CORSAllowOriginMatch ^https://o[0-9]+\\.example\\.com\$" ;;
        *) bench_origins "$2" 1 "CORSAllowOrigin " ;;
        esac
        echo "CORSAllowMethods GET POST PUT"
        echo "CORSAllowHeaders Content-Type Authorization X-Requested-With"
        echo "CORSAllowCredentials On"
        echo "CORSMaxAge 600"
        ;;
    floor)
        # bench/floor/mod_cors_floor.c: the header lines cors writes for the bench requests,
        # with no decision (the one origin requests come from, compared with strcmp).
        echo "CORSFloor On"
        echo "CORSFloorOrigin $(bench_origin "$2")"
        echo "CORSFloorCredentials On"
        echo "CORSFloorMethods \"GET, POST, PUT\""
        echo "CORSFloorHeaders \"Content-Type, Authorization, X-Requested-With\""
        echo "CORSFloorMaxAge 600"
        ;;
    recipe|ht-recipe)
        # REFERENCE.md section 4, as blog posts give it.
        bench_alt=$(bench_origins "$2" "$2" "" | sed 's/ /|/g; s/\./\\./g')
        echo "SetEnvIf Origin \"^($bench_alt)\$\" ORIGIN_OK=\$0"
        echo "Header always set Access-Control-Allow-Origin %{ORIGIN_OK}e env=ORIGIN_OK"
        echo "Header always set Access-Control-Allow-Credentials true env=ORIGIN_OK"
        echo "Header always set Access-Control-Allow-Methods \"GET, POST, PUT\" env=ORIGIN_OK"
        echo "Header always set Access-Control-Allow-Headers \"Content-Type, Authorization, X-Requested-With\" env=ORIGIN_OK"
        echo "Header always set Access-Control-Max-Age 600 env=ORIGIN_OK"
        echo "Header always merge Vary Origin"
        echo "RewriteEngine On"
        echo "RewriteCond %{REQUEST_METHOD} OPTIONS"
        echo "RewriteRule ^ - [R=204,L]"
        ;;
    ht-headers)
        # The reference: a static 7-line .htaccess of the header lines ht-cors 1 answers with.
        echo "Header always set Access-Control-Allow-Origin https://o1.example.com"
        echo "Header always set Access-Control-Allow-Credentials true"
        echo "Header always set Access-Control-Allow-Methods \"GET, POST, PUT\""
        echo "Header always set Access-Control-Allow-Headers \"Content-Type, Authorization, X-Requested-With\""
        echo "Header always set Access-Control-Max-Age 600"
        echo "Header always set Access-Control-Expose-Headers X-Request-Id"
        echo "AddType application/json .json"
        ;;
    ht-cors)
        # 7 lines as a site writes them; a long list 20 origins to a line (1000: 50 lines).
        bench_per_line=$2
        [ "$2" -gt 100 ] && bench_per_line=20
        bench_origins "$2" "$bench_per_line" "CORSAllowOrigin "
        echo "CORSAllowMethods GET POST PUT"
        echo "CORSAllowHeaders Content-Type Authorization X-Requested-With"
        echo "CORSAllowCredentials On"
        echo "CORSMaxAge 600"
        echo "CORSExposeHeaders X-Request-Id"
        echo "CORSEnable On"
        ;;
    file|dbm|query)
        # cors's policy, its origins kept in a source (bench_sources writes the data).
        case $1 in
        file) echo "CORSAllowOriginFile $bench_data/origins-$2.txt" ;;
        dbm) echo "CORSAllowOriginMap dbm:$bench_data/origins-$2.db" ;;
        query) echo "CORSAllowOriginQuery \"SELECT 1 FROM tenant_origins WHERE origin = %s\"" ;;
        esac
        echo "CORSAllowMethods GET POST PUT"
        echo "CORSAllowHeaders Content-Type Authorization X-Requested-With"
        echo "CORSAllowCredentials On"
        echo "CORSMaxAge 600"
        ;;
    before) bench_policy cors "$2" ;;          # the same policies, for the release before
    ht-before) bench_policy ht-cors "$2" ;;
    ht-floor)
        # ht-cors's very file, its directives read and ignored by the floor module, which
        # writes ht-cors's header lines from the <Directory>: the floor for ht-cors.
        bench_policy ht-cors "$2"
        ;;
    ht-comments)
        # ht-cors's very bytes, each line commented out: what httpd costs to read the file.
        bench_policy ht-cors "$2" | sed 's/^/#/'
        ;;
    *) echo "bench_conf: unknown setup $1" >&2; return 1 ;;
    esac
}

# bench_sources SETUP SIZE: the data a source setup reads, in $bench_data (made once per size:
# a DBM of a million origins takes a while to build).
bench_sources() {
    case $1 in
    file) [ -f "$bench_data/origins-$2.txt" ] ||
              bench_origins "$2" 1 "" > "$bench_data/origins-$2.txt" ;;
    dbm) [ -f "$bench_data/origins-$2.db" ] ||
             bench_origins "$2" 1 "" | sed 's/$/ 1/' | httxt2dbm -i - -o "$bench_data/origins-$2.db" ;;
    query) [ -f "$bench_data/tenants-$2.db" ] || {
               echo "CREATE TABLE tenant_origins (origin TEXT PRIMARY KEY); BEGIN;"
               bench_origins "$2" 1 "" | sed "s/.*/INSERT INTO tenant_origins VALUES ('&');/"
               echo "COMMIT;"
           } | sqlite3 "$bench_data/tenants-$2.db" ;;
    *) return 0 ;;
    esac
    chmod -R a+rX "$bench_data"
}

# bench_conf FILE ROOT PORT SETUP SIZE: fails (a reason on stderr) when the configuration
# cannot be written as asked (an unknown setup, a module or the data missing). Its body is a
# subshell: none of its variables (setup, size, top, ...) reach the caller, whose loop
# variables may well have the same names.
bench_conf() (
    file=$1 root=$2 port=$3 setup=$4 size=$5
    bench_data="$root/data"
    mkdir -p "$bench_data"
    bench_sources "$setup" "$size" || { echo "bench_conf: no data for $setup $size" >&2; exit 1; }
    mods=$(apxs -q LIBEXECDIR)
    top=${BENCH_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
    floor_so=${BENCH_FLOOR:-$top/bench/floor/.libs/mod_cors_floor.so}
    case $setup in
    cors|ht-cors|file|dbm|query) so=$top/.libs/mod_cors.so ;;
    before|ht-before) so=${BENCH_BEFORE:?bench_conf: $setup needs BENCH_BEFORE}/.libs/mod_cors.so ;;
    floor|ht-floor) so=$floor_so ;;
    *) so="" ;;
    esac
    if [ -n "$so" ] && [ ! -f "$so" ]; then
        echo "bench_conf: $setup: no $so (make build, or make bench/floor/.libs/mod_cors_floor.so)" >&2
        exit 1
    fi
    # The policy first: a pipe would hide bench_policy's failure (an unknown setup would be
    # measured as a server without a policy).
    case $setup in
    ht-floor) policy=$(bench_policy floor "$size") || exit 1 ;;
    ht-*) policy="" ;;
    *) policy=$(bench_policy "$setup" "$size") || exit 1 ;;
    esac
    htaccess="$root/htdocs/api/.htaccess"
    rm -f "$htaccess"
    {
        echo "ServerRoot $root"
        echo "ServerName 127.0.0.1"
        echo "Listen 127.0.0.1:$port"
        echo "PidFile $root/httpd-$port.pid"
        echo "ErrorLog $root/error_log"
        echo "LogLevel warn"
        mpm=${BENCH_MPM:-event}
        echo "LoadModule mpm_${mpm}_module $mods/mod_mpm_${mpm}.so"
        for m in authz_core mime headers setenvif rewrite; do
            echo "LoadModule ${m}_module $mods/mod_${m}.so"
        done
        case $setup in
        cors|ht-cors) echo "LoadModule cors_module $top/.libs/mod_cors.so" ;;
        file|dbm|query)
            echo "LoadModule dbd_module $mods/mod_dbd.so"
            echo "LoadModule socache_shmcb_module $mods/mod_socache_shmcb.so"
            echo "LoadModule cors_module $top/.libs/mod_cors.so"
            if [ "$setup" = query ]; then
                echo "DBDriver sqlite3"
                echo "DBDParams $bench_data/tenants-$size.db"
                # Longer than any run: the answers measured are the cache's.
                echo "CORSOriginCache shmcb:$root/origin-cache(512000)"
                echo "CORSOriginCacheTimeout 86400"
            fi
            ;;
        before|ht-before) echo "LoadModule cors_module ${BENCH_BEFORE:?no BENCH_BEFORE}/.libs/mod_cors.so" ;;
        floor|ht-floor) echo "LoadModule cors_floor_module $floor_so" ;;
        esac
        [ "$(id -u)" -eq 0 ] && printf 'User www-data\nGroup www-data\n'
        echo "TypesConfig /etc/mime.types"
        echo "DocumentRoot $root/htdocs"
        echo "KeepAliveTimeout 30"
        echo "MaxKeepAliveRequests 0"
        # Every setup puts its policy in the site's one <Directory> section, as a site
        # would: the comparison is the policy's cost, not that of a section added for it.
        # The ht-* setups put it in htdocs/api/.htaccess, as a site without access to the
        # server's configuration must, and only allow overrides here.
        echo "<Directory $root/htdocs>"
        echo "    Require all granted"
        case $setup in
        ht-floor)
            echo "    AllowOverride All"
            [ -z "$policy" ] || printf '%s\n' "$policy" | sed 's/^/    /'
            echo "    CORSFloorExpose X-Request-Id"
            ;;
        ht-*) echo "    AllowOverride All" ;;
        *) [ -z "$policy" ] || printf '%s\n' "$policy" | sed 's/^/    /' ;;
        esac
        echo "</Directory>"
    } > "$file"
    case $setup in
    ht-none) ;;
    ht-*) mkdir -p "$root/htdocs/api"
          bench_policy "$setup" "$size" > "$htaccess" || exit 1
          chmod 644 "$htaccess" ;;
    esac
)

# bench_answers_ok SETUP KIND CODES HEADERS: are the answers a row measured the ones it means
# to measure? CODES: their HTTP statuses, one a line (curl -w '%{http_code}\n'); HEADERS: their
# header lines (curl -D). Every answer must be a success (a refused preflight: a success or
# mod_cors's 403), and where the setup decides (not none, static and the like), every allowed
# request must get Access-Control-Allow-Origin and no refused one or one without Origin. A
# 404, a 500 or a refusal where an origin should be allowed is not the figure asked for: the
# caller reports the row as not measured. The reason goes to stderr.
bench_answers_ok() (
    n=$(grep -c . "$3" 2>/dev/null) || n=0
    if [ "$n" -eq 0 ]; then echo "bench: $1 $2: no answer" >&2; exit 1; fi
    case $2 in preflight-refused) good='^(2[0-9][0-9]|403)$' ;; *) good='^2[0-9][0-9]$' ;; esac
    bad=$(grep -Ev "$good" "$3" | sort | uniq -c | awk '{printf "%s%s x HTTP %s", (NR > 1 ? ", " : ""), $1, $2}')
    if [ -n "$bad" ]; then echo "bench: $1 $2: $bad (of $n answers)" >&2; exit 1; fi
    case $1 in none|ht-none|ht-comments|static|ht-headers) exit 0 ;; esac
    acao=$(tr -d '\r' < "$4" | grep -ci '^access-control-allow-origin:') || acao=0
    case $2 in
    *-allowed) [ "$acao" -eq "$n" ] ||
        { echo "bench: $1 $2: $((n - acao)) of $n answers without Access-Control-Allow-Origin" >&2; exit 1; } ;;
    *-refused|get-no-origin) [ "$acao" -eq 0 ] ||
        { echo "bench: $1 $2: $acao of $n answers with Access-Control-Allow-Origin" >&2; exit 1; } ;;
    esac
    exit 0
)

# The origin a request kind sends for a configuration of SIZE origins.
bench_origin() {
    case $1 in
    pattern|regex) echo "https://o1.example.com" ;;
    *) echo "https://o$1.example.com" ;;    # the last one listed: a list scan's worst case
    esac
}

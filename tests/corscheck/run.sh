#!/bin/sh
# run.sh - corscheck against mod_cors, the mod_headers recipe, and deliberately broken servers;
# that it sends nothing but GET, HEAD and preflights without --send (the access log says what
# arrived); its options, exit statuses and man page.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cc="$top/build/corscheck"
. "$top/mk/httpd.sh"
. "$top/mk/tap.sh"
httpd_require_module || exit 1
httpd_tmpdir root
trap httpd_cleanup EXIT
trap 'exit 130' INT TERM
port=$(httpd_free_port)
u="http://127.0.0.1:$port"
for d in cors recipe dup wildcreds auth401 novary safe; do
    mkdir -p "$root/htdocs/$d"
    echo '{"ok": true}' > "$root/htdocs/$d/data.json"
done
chmod -R a+rX "$root/htdocs"
htpasswd -cbB "$root/htpasswd" alice wonderland 2>/dev/null
chmod 644 "$root/htpasswd"

recipe='
    SetEnvIf Origin "^(https://app\.example)$" ORIGIN_OK=$0
    Header always set Access-Control-Allow-Origin %{ORIGIN_OK}e env=ORIGIN_OK
    Header always set Access-Control-Allow-Credentials true env=ORIGIN_OK
    Header always set Access-Control-Allow-Methods "GET, POST, PUT" env=ORIGIN_OK
    Header always set Access-Control-Allow-Headers "Content-Type, Authorization" env=ORIGIN_OK
    Header always merge Vary Origin
    RewriteEngine On
    RewriteCond %{REQUEST_METHOD} OPTIONS
    RewriteRule ^ - [R=204,L]'
{
    httpd_base "$root" event authn_core authn_file auth_basic authz_user headers setenvif rewrite
    echo "Listen 127.0.0.1:$port"
    echo "CustomLog $root/access_log \"%m %U%q %{Content-Length}i %{Content-Type}i\""
    echo "DocumentRoot $root/htdocs"
    echo "<Directory $root/htdocs/cors>"
    echo "    CORSEnable On"
    echo "    CORSAllowOrigin https://app.example"
    echo "    CORSAllowMethods GET PUT"
    echo "    CORSAllowHeaders Content-Type Authorization"
    echo "    CORSAllowCredentials On"
    echo "    CORSDebug On"
    echo "</Directory>"
    echo "<Directory $root/htdocs/safe>"
    echo "    CORSEnable On"
    echo "    CORSAllowOrigin https://app.example"
    echo "    CORSAllowMethods GET POST PUT DELETE PATCH"
    echo "    CORSAllowHeaders Content-Type X-Test"
    echo "</Directory>"
    echo "<Directory $root/htdocs/recipe>$recipe"
    echo "</Directory>"
    echo "<Directory $root/htdocs/auth401>$recipe"
    echo "    AuthType Basic"
    echo "    AuthName corscheck"
    echo "    AuthUserFile $root/htpasswd"
    echo "    Require valid-user"
    echo "</Directory>"
    echo "<Directory $root/htdocs/dup>"
    echo "    Header always add Access-Control-Allow-Origin https://app.example"
    echo "    Header always add Access-Control-Allow-Origin https://app.example"
    echo "</Directory>"
    echo "<Directory $root/htdocs/wildcreds>"
    echo "    Header always set Access-Control-Allow-Origin *"
    echo "    Header always set Access-Control-Allow-Credentials true"
    echo "</Directory>"
    echo "<Directory $root/htdocs/novary>"
    echo "    Header always set Access-Control-Allow-Origin https://app.example"
    echo "</Directory>"
} > "$root/httpd.conf"
httpd_start "$root" "$u/" || exit 1

# expect WHAT STATUS TEXT -- corscheck arguments...: exit status and a line of its verdict.
expect() {
    what=$1 want=$2 text=$3; shift 4
    set +e
    out=$("$cc" "$@" 2>&1)
    got=$?
    set -e
    if [ "$got" -eq "$want" ] && printf '%s' "$out" | grep -qF -- "$text"; then
        pass "$what"
    else
        fail "$what (exit $got, want $want and '$text')" "$out"
    fi
}
A=https://app.example
J='Content-Type: application/json'
B='Authorization: Bearer x'

expect "mod_cors: simple GET allowed" 0 "allowed: a browser would let" -- \
    "$u/cors/data.json" --origin $A
expect "mod_cors: PUT with JSON and Authorization, credentials: the preflight passes" 0 \
    "preflight allowed" -- "$u/cors/data.json" --origin $A --method put --header "$J" --header "$B" --credentials
expect "mod_cors: the same PUT with --send: preflight and request pass" 0 \
    "allowed: a browser would let" -- "$u/cors/data.json" --origin $A --method put --header "$J" \
    --header "$B" --credentials --send
expect "mod_cors: the preflight is shown" 0 "preflight: HTTP 204" -- \
    "$u/cors/data.json" --origin $A --method PUT --header "$J"
expect "mod_cors: refused origin" 1 \
    "No 'Access-Control-Allow-Origin' header is present on the requested resource." -- \
    "$u/cors/data.json" --origin https://evil.example
expect "mod_cors: refused origin, preflighted: Chromium's preflight wording" 1 \
    "Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present" -- \
    "$u/cors/data.json" --origin https://evil.example --method PUT
# mod_cors refuses a preflight with 403 and no CORS headers, so the browser never reads a
# method list: its console names the missing header (as e2e/browser.sh sees in Chromium);
# the server's reason comes from X-CORS-Reason (CORSDebug On).
expect "mod_cors: refused method: 403 preflight, the reason from X-CORS-Reason" 1 \
    "the server says: Method DELETE is not allowed by Access-Control-Allow-Methods" -- \
    "$u/cors/data.json" --origin $A --method DELETE
expect "mod_cors: refused header: the reason names the header" 1 \
    "Request header field x-other is not allowed by Access-Control-Allow-Headers" -- \
    "$u/cors/data.json" --origin $A --header "X-Other: 1"
# A server answering 2xx with a list that lacks the method or header: the console's words.
expect "recipe: method not in its list" 1 \
    "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response." -- \
    "$u/recipe/data.json" --origin $A --method DELETE
expect "recipe: header not in its list, and the fix names the directive" 1 \
    "CORSAllowHeaders +x-other" -- "$u/recipe/data.json" --origin $A --header "X-Other: 1"
expect "recipe: Authorization is in its list" 0 "allowed" -- \
    "$u/recipe/data.json" --origin $A --header "$B" --credentials
expect "mod_cors: a safelisted header needs no preflight" 0 "allowed" -- \
    "$u/cors/data.json" --origin $A --header "Content-Type: text/plain"
expect "recipe: allowed origin" 0 "allowed" -- "$u/recipe/data.json" --origin $A --credentials
expect "recipe: its 204 answers any preflight" 0 "preflight: HTTP 204" -- \
    "$u/recipe/data.json" --origin $A --method PUT --header "$J"
expect "broken: duplicate Access-Control-Allow-Origin" 1 \
    "The 'Access-Control-Allow-Origin' header contains multiple values 'https://app.example, https://app.example', but only one is allowed." -- \
    "$u/dup/data.json" --origin $A
expect "broken: wildcard with credentials" 1 \
    "must not be the wildcard '*' when the request's credentials mode is 'include'." -- \
    "$u/wildcreds/data.json" --origin $A --credentials
expect "broken: wildcard without credentials is fine" 0 "allowed" -- \
    "$u/wildcreds/data.json" --origin $A
expect "broken: 401 on the preflight of a protected area" 1 "It does not have HTTP ok status." -- \
    "$u/auth401/data.json" --origin $A --method PUT --header "$B"
expect "broken: 401 preflight: the fix says why" 1 "browsers never send on a preflight" -- \
    "$u/auth401/data.json" --origin $A --method PUT --header "$B"
expect "broken: missing Vary: Origin is warned about" 0 "has no 'Vary: Origin'" -- \
    "$u/novary/data.json" --origin $A
expect "mod_cors: no Vary warning" 0 "allowed" -- "$u/cors/data.json" --origin $A
# The verdict read whole and its exit status kept: a corscheck that crashed or printed
# nothing would otherwise pass for one that did not warn.
vary_rc=0
vary_out=$("$cc" "$u/cors/data.json" --origin $A 2>&1) || vary_rc=$?
if [ "$vary_rc" -eq 0 ] && printf '%s\n' "$vary_out" | grep -qF "allowed: a browser would let" \
        && ! printf '%s\n' "$vary_out" | grep -q "Vary: Origin'"; then
    pass "mod_cors answers carry Vary: Origin"
else
    fail "mod_cors answers carry Vary: Origin (exit $vary_rc)" "$vary_out"
fi
expect "usage: no origin" 2 "usage: corscheck" -- "$u/cors/data.json"
expect "usage: not an origin" 2 "not an origin a browser would send" -- \
    "$u/cors/data.json" --origin "https://app.example/"
expect "network error" 2 "corscheck: GET" -- "http://127.0.0.1:1/x" --origin $A

# ---- safe by default: nothing but GET, HEAD and preflights without --send -------------------
# The access log ("METHOD /path?query Content-Length Content-Type") says what arrived.
log="$root/access_log"
S="$u/safe/data.json"
# ok_log WHAT COMMAND...: passes when the command succeeds; a failure shows the access log.
ok_log() {
    what=$1; shift
    if "$@"; then
        pass "$what"
    else
        fail "$what"
        sed 's/^/#   log: /' "$log" 2>/dev/null || echo "#   log: cannot read $log"
    fi
}
# httpd writes a request's access-log line after it has answered: before the log is read, a
# request of our own is sent and waited for (bounded) there, so what corscheck sent before is
# in it. Fails (and so does the check using it) if that line never comes.
syncs=0
synced() {
    syncs=$((syncs + 1))
    curl -s -o /dev/null "$u/safe/data.json?t=sync$syncs" || return 1
    i=0
    until grep -q "^GET /safe/data.json?t=sync$syncs " "$log"; do
        i=$((i + 1)); [ $i -lt 50 ] || return 1; sleep 0.1
    done
}
# in_log PATTERN: 0 if the access log has a line matching PATTERN (grep BRE), 1 if it has
# none, 2 if it cannot be read (or the log did not catch up): never read as "absent".
in_log() {
    synced || return 2
    grep -q -- "$1" "$log"
}
arrived() { in_log "^$1 /safe/data.json?t=$2 "; }     # METHOD TAG
absent() {                                          # METHOD TAG
    rc=0
    arrived "$@" || rc=$?
    [ "$rc" -eq 1 ]
}
never_logged() {                                    # PATTERN
    rc=0
    in_log "$1" || rc=$?
    [ "$rc" -eq 1 ]
}

expect "DELETE without --send: the preflight passes, the DELETE is not sent" 0 \
    "corscheck did not send this DELETE request" -- "$S?t=del" --origin $A --method DELETE
ok_log "DELETE without --send: the preflight arrived" arrived OPTIONS del
ok_log "DELETE without --send: no DELETE arrived" absent DELETE del
expect "DELETE without --send: what the browser would send next" 0 \
    "next: the browser would now send DELETE $S?t=del with these headers:" -- \
    "$S?t=del" --origin $A --method DELETE --header "X-Test: 1"
expect "DELETE without --send: the command that sends it" 0 "X-Test: 1' --send" -- \
    "$S?t=del" --origin $A --method DELETE --header "X-Test: 1"
expect "DELETE without --send: the response's CORS check was not done" 0 \
    "so the CORS check of its response was not done" -- "$S?t=del" --origin $A --method DELETE
ok_log "DELETE without --send, three more runs: still no DELETE arrived" absent DELETE del
expect "DELETE --send: sent, and its response checked" 0 "allowed: a browser would let" -- \
    "$S?t=delsend" --origin $A --method DELETE --send
ok_log "DELETE --send: the preflight arrived" arrived OPTIONS delsend
ok_log "DELETE --send: the DELETE arrived" arrived DELETE delsend
expect "DELETE --send, refused preflight: blocked, nothing more sent" 1 "blocked" -- \
    "$u/cors/data.json?t=delrefused" --origin $A --method DELETE --send
ok_log "DELETE --send, refused preflight: no DELETE arrived" \
    never_logged '^DELETE /cors/data.json?t=delrefused '
expect "GET: sent" 0 "allowed: a browser would let the page read this response (HTTP 200)" -- \
    "$S?t=get" --origin $A
ok_log "GET: the GET arrived" arrived GET get
expect "GET with a custom header: preflight, then the GET" 0 "allowed" -- \
    "$S?t=getpre" --origin $A --header "X-Test: 1"
ok_log "GET with a custom header: the preflight arrived" arrived OPTIONS getpre
ok_log "GET with a custom header: the GET arrived" arrived GET getpre
expect "HEAD: sent" 0 "allowed: a browser would let" -- "$S?t=head" --origin $A --method head
ok_log "HEAD: the HEAD arrived" arrived HEAD head
expect "POST without a preflight, without --send: nothing sent, exit 3" 3 \
    "not checked: a POST like this needs no preflight and corscheck did not send it" -- \
    "$S?t=post" --origin $A --method POST --data "a=1" \
    --header "Content-Type: application/x-www-form-urlencoded"
ok_log "POST without --send: nothing arrived" never_logged 't=post '
expect "POST with JSON, without --send: the preflight only" 0 "and a body of 7 bytes" -- \
    "$S?t=postjson" --origin $A --method POST --header "$J" --data '{"a":1}'
ok_log "POST with JSON, without --send: the preflight arrived" arrived OPTIONS postjson
ok_log "POST with JSON, without --send: no POST arrived" absent POST postjson
expect "POST --send with a body: sent" 0 "allowed" -- \
    "$S?t=postsend" --origin $A --method POST --data "hello" --send
ok_log "POST --send: the POST arrived with its body, as text/plain;charset=UTF-8" \
    in_log "^POST /safe/data.json?t=postsend 5 text/plain;charset=UTF-8$"
expect "PATCH --send with JSON: sent" 0 "allowed" -- \
    "$S?t=patch" --origin $A --method PATCH --header "$J" --data '{"a":1}' --send
ok_log "PATCH --send: the preflight arrived" arrived OPTIONS patch
ok_log "PATCH --send: the PATCH arrived, body and type as given" \
    in_log "^PATCH /safe/data.json?t=patch 7 application/json$"
expect "a body with GET: usage error" 2 "has no body" -- "$S" --origin $A --data x
expect "TRACE: fetch() refuses it, a usage error" 2 "forbidden method" -- "$S" --origin $A --method trace
expect "CONNECT: a usage error too" 2 "forbidden method" -- "$S" --origin $A --method CONNECT

# ---- options, exit statuses, man page ------------------------------------------------------
version=$(sed -n '1s/^Changes with mod_cors \([0-9][^ ]*\).*/\1/p' "$top/CHANGES")
expect "--help exits 0 and explains --send" 0 "--send" -- --help
expect "--help has examples" 0 "Examples:" -- --help
expect "--help lists the exit statuses" 0 "3  nothing was checked" -- --help
# run OUT ERR ARGS...: corscheck ARGS, its standard output and error in files OUT and ERR;
# its exit status is returned, never lost in a pipe.
run() {
    o=$1 e=$2; shift 2
    "$cc" "$@" >"$o" 2>"$e"
}
help_on_stdout() {
    run "$root/help.out" "$root/help.err" --help && grep -q 'usage: corscheck' "$root/help.out"
}
ok "--help writes to standard output (and exits 0)" help_on_stdout
expect "--version: the version in CHANGES" 0 "corscheck (mod_cors) $version" -- --version
expect "unknown option: exit 2, says which" 2 "unknown option '--bogus'" -- "$S" --origin $A --bogus
usage_on_stderr() {
    rc=0
    run "$root/bogus.out" "$root/bogus.err" --bogus || rc=$?
    [ "$rc" -eq 2 ] && [ ! -s "$root/bogus.out" ] && grep -q 'usage: corscheck' "$root/bogus.err"
}
ok "unknown option: exit 2, the usage on standard error only" usage_on_stderr
expect "an option without its value: exit 2" 2 "this option needs a value: '--origin'" -- "$S" --origin
expect "--origin=VALUE works too" 0 "allowed" -- "$S" --origin=$A
expect "not an http(s) URL: exit 2" 2 "must be http:// or https://" -- "file:///etc/passwd" --origin $A
man1="$top/tools/corscheck.1"
# quiet OUT COMMAND...: COMMAND exits 0 and writes nothing to standard error (kept in OUT).
quiet() {
    o=$1; shift
    "$@" 2>"$o" >/dev/null && [ ! -s "$o" ] || { sed 's/^/#   /' "$o"; return 1; }
}
ok "man page: no warnings from groff -man -ww (exit 0)" quiet "$root/groff.err" groff -man -ww -z "$man1"
ok "man page: no warnings from man --warnings (exit 0)" \
    quiet "$root/man.err" env LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$man1"
ok "man page: the version in CHANGES" grep -q "^\.TH CORSCHECK 1 .* \"mod_cors $version\"" "$man1"
# Every option --help names: --help itself must have run (and named some), or nothing is checked.
opts=""
if run "$root/help.out" "$root/help.err" --help; then
    opts=$(grep -o -- '--[a-z]*' "$root/help.out" | sort -u)
fi
ok "man page: the options --help names were read ($(echo $opts | wc -w))" test -n "$opts"
for opt in $opts; do
    ok "man page: documents $opt" grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$man1"
done

tap_done

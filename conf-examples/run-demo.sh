#!/bin/sh
# run-demo.sh - starts the demo of conf-examples/demo.conf: a page and an API on two origins.
#   sh conf-examples/run-demo.sh           foreground; Ctrl-C stops it
#   sh conf-examples/run-demo.sh --check   loads the page in headless Chromium, checks each
#                                          call got the browser verdict it should and shows
#                                          what was sent and answered, stops
# From the environment (`make run` passes them on):
#   DEMO_PORT, API_PORT   the page's and the API's ports (default: free ones, new each run)
#   DEMO_HOST             the address both listen on (default 127.0.0.1, loopback only).
#                         Another address (0.0.0.0: all of this machine's IPv4 addresses)
#                         opens the demo to whoever can reach it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/mk/httpd.sh"
mode=${1:-run}
httpd_require_module

die() { echo "run-demo: $*" >&2; exit 2; }

# ---- where: DEMO_HOST, DEMO_PORT, API_PORT ------------------------------------------------
host=${DEMO_HOST:-127.0.0.1}
case $host in
    localhost) host=127.0.0.1 ;;
    \[*\]) host=${host#\[}; host=${host%\]} ;;
esac
case $host in
    *[!0-9a-fA-F.:]*) die "DEMO_HOST=$host: give an IP address (127.0.0.1, 0.0.0.0 for all, ::1 ...)" ;;
esac
case $host in
    0.0.0.0) probe=127.0.0.1 tunnel=127.0.0.1 exposed=yes ;;
    ::) probe=::1 tunnel=127.0.0.1 exposed=yes ;;
    127.*|::1) probe=$host tunnel=$host exposed="" ;;
    *) probe=$host tunnel=$host exposed=yes ;;
esac

httpd_tmpdir root
trap httpd_cleanup EXIT
trap 'exit 130' INT TERM

given_port() {   # given_port NAME VALUE: a port number that is free on $host, or exit
    case $2 in ''|*[!0-9]*) die "$1=$2 is not a port number" ;; esac
    [ "$2" -ge 1 ] && [ "$2" -le 65535 ] || die "$1=$2 is not a port number (1-65535)"
    httpd_port_free "$host" "$2" || die "$1=$2: port $2 is in use on $host; pick another"
}
if [ -n "${DEMO_PORT:-}" ]; then given_port DEMO_PORT "$DEMO_PORT"; page_port=$DEMO_PORT
else page_port=$(httpd_free_port "$host"); fi
if [ -n "${API_PORT:-}" ]; then given_port API_PORT "$API_PORT"; api_port=$API_PORT
else
    api_port=$(httpd_free_port "$host")
    i=0
    while [ "$api_port" = "$page_port" ] && [ $i -lt 10 ]; do api_port=$(httpd_free_port "$host"); i=$((i + 1)); done
fi
[ "$api_port" != "$page_port" ] || die "DEMO_PORT and API_PORT must differ: the API is another origin"

# The names a browser may reach the page by: loopback, and the address bound to besides.
names=""
if [ -n "$exposed" ]; then
    case $host in
        0.0.0.0|::) names=$(hostname -I 2>/dev/null || true) ;;
        *) names=$host ;;
    esac
    names="$names $(hostname 2>/dev/null || true) $(hostname -f 2>/dev/null || true)"
elif [ "$host" != 127.0.0.1 ]; then
    names=$host
fi
more=""
urls=""
for n in $names; do
    case $n in
        fe80:*|127.0.0.1|localhost) continue ;;
        *:*) [ "$host" = 0.0.0.0 ] && continue; a="[$n]" ;;
        *) a=$n ;;
    esac
    case " $more " in *" http://$a:$page_port "*) continue ;; esac
    more="$more http://$a:$page_port"
    urls="$urls http://$a:$page_port/"
done
[ -z "$more" ] || more="CORSAllowOrigin     $more"

# ---- the tree and the config -------------------------------------------------------------
cp -R "$top/conf-examples/demo" "$root/demo"
mkdir -p "$root/trace"
chmod -R a+rX "$root/demo" "$root/trace"
sed -i "s/<html lang=\"en\">/<html lang=\"en\" data-api=\"$api_port\">/" "$root/demo/page/index.html"

HTTPD_LOGLEVEL="warn cors:info"
HTTPD_ERRORLOG=/dev/stderr
hostaddr=$host
case $host in *:*) hostaddr="[$host]" ;; esac
{
    httpd_base "$root" event dir alias headers cgid
    sed -e "s|@ROOT@|$root|g" -e "s|@DEMO@|$root/demo|g" -e "s|@HOST@|$hostaddr|g" \
        -e "s|@PAGE_PORT@|$page_port|g" -e "s|@API_PORT@|$api_port|g" \
        -e "s|@MORE_ORIGINS@|$more|" "$top/conf-examples/demo.conf"
} > "$root/httpd.conf"

probeaddr=$(httpd_addr "$probe" "$page_port")
apiaddr=$(httpd_addr "$probe" "$api_port")
httpd_start "$root" "http://$probeaddr/" fg || die "the demo server did not start"
httpd_wait "http://$apiaddr/api/hello.json" 100 "$root" || die "the demo API did not start"

if [ "$mode" != "--check" ]; then
    if [ -n "${SSH_CONNECTION:-}" ]; then
        # shellcheck disable=SC2086 # "client port server port": the third word
        set -- $SSH_CONNECTION
        sshhost=$3
    else
        sshhost=$(hostname -f 2>/dev/null || hostname)
    fi
    tunnelhost=$tunnel
    case $tunnel in *:*) tunnelhost="[$tunnel]" ;; esac
    cat <<EOF

  mod_cors demo: open http://$probeaddr/ in your browser
    the page  http://$probeaddr/   (DEMO_PORT=$page_port)
    the API   http://$apiaddr/   (API_PORT=$api_port: another origin)
EOF
    if [ -n "$exposed" ]; then
        for u in $urls; do echo "    also     $u"; done
        cat <<EOF
  WARNING: DEMO_HOST=$host: anyone who can reach this machine can use the demo while it
  runs (the API echoes what it is sent and the page shows its request log).
EOF
    fi
    cat <<EOF

  Browser on another machine (this one headless, reached by SSH)? Forward both ports there,
  with the same numbers (the page calls the API on its own host name at port $api_port):
    ssh -N -L $page_port:$tunnelhost:$page_port -L $api_port:$tunnelhost:$api_port $(id -un)@$sshhost
  and open http://localhost:$page_port/ on that machine. The same ports every run:
    make run DEMO_PORT=$page_port API_PORT=$api_port

  Ctrl-C stops it. Below: each request, and why mod_cors refused one (cors:info).

EOF
    wait "$(httpd_job "$root")" || true
    exit 0
fi

# ---- --check: a real browser decides -----------------------------------------------------
profile="$root/chromium-profile"
mkdir -p "$profile"
page="http://$probeaddr"
dom=$(timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-quic \
    --user-data-dir="$profile" --virtual-time-budget=15000 --dump-dom \
    "$page/" 2>/dev/null | tr '\n' ' ') || true
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - demo: $1"; }
notok() { failed=$((failed + 1)); echo "not ok - demo: $1"; }
# row ID: the table row of one call, as Chromium left it.
row() { printf '%s' "$dom" | grep -o "<tr id=\"$1\".*" | sed 's|</tr>.*||'; }
# shows ID WHAT TEXT: the row of call ID shows TEXT.
shows() {
    case $(row "$1") in
        *"$3"*) ok "$1 shows $2" ;;
        *) notok "$1 should show $2: $3" ;;
    esac
}
for want in simple-get:allowed preflighted-put:allowed exposed-header:allowed refused-origin:blocked; do
    id=${want%%:*}
    verdict=${want#*:}
    if printf '%s' "$dom" | grep -q "<tr id=\"$id\" data-result=\"$verdict\""; then
        ok "$id is $verdict in Chromium"
    else
        notok "$id should be $verdict in Chromium"
    fi
done
# What was sent and what decided it, from the API's own log of the requests.
shows simple-get "the Origin sent" ">Origin: $page<"
shows simple-get "the credentials mode" "credentials: include"
shows simple-get "the Access-Control-Allow-Origin answered" ">Access-Control-Allow-Origin: $page<"
shows simple-get "Access-Control-Allow-Credentials" ">Access-Control-Allow-Credentials: true<"
shows simple-get "the Vary answered" ">Vary: Origin<"
shows preflighted-put "its preflight" ">OPTIONS http://$apiaddr/api/items?demo="
shows preflighted-put "the method the preflight asked for" ">Access-Control-Request-Method: PUT<"
shows preflighted-put "the headers the preflight asked for" ">Access-Control-Request-Headers: authorization,content-type<"
shows preflighted-put "the preflight's status" ">204<"
shows preflighted-put "the methods allowed" ">Access-Control-Allow-Methods: "
shows exposed-header "the exposed header" ">Access-Control-Expose-Headers: X-Request-Id<"
shows refused-origin "the Origin sent" ">Origin: $page<"
shows refused-origin "that no Access-Control-Allow-Origin came back" ">no Access-Control-Allow-Origin<"
shows refused-origin "why (CORSDebug)" ">X-CORS-Reason: "
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

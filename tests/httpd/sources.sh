#!/bin/sh
# sources.sh - origins that change while the server runs, through a real httpd: an origin file,
# a DBM file and an SQLite table (mod_dbd) with answers cached in shmcb (mod_socache).
#   sh tests/httpd/sources.sh [event|prefork ...]   both MPMs by default
# What it shows, for each MPM:
#   - a file, a DBM and a table each allow what they list, refuse the rest, and follow changes
#     without a restart (file and DBM within 2 s, the table within CORSOriginCacheTimeout);
#   - removals and credentials in the configuration hold over them; preflights work;
#   - a bad file keeps the list in force and says file:line once per process; at start-up a
#     bad file, a missing DBM or a query without %s stops configtest with what to fix;
#   - .htaccess files may name an origin file only under AllowOverrideList, below their own
#     directory;
#   - a locked database is refused within a bounded time (fail closed) while cached answers
#     still hold; a flood of listed origins is held to CORSOriginQueryBudget; a flood of
#     random origins leaves the children's memory flat.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/mk/httpd.sh"
. "$top/mk/tap.sh"
httpd_require_module || exit 1
[ $# -gt 0 ] || set -- event prefork

httpd_tmpdir root
trap httpd_cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$root"

# put FILE TEXT: replaces FILE whole, as an admin's script should (write, then rename).
put() {
    printf '%s' "$2" > "$1.tmp"
    chmod 644 "$1.tmp"
    mv "$1.tmp" "$1"
}

# dbm FILE LINES: a DBM file built with httxt2dbm (key value lines), swapped in by rename.
dbm() {
    printf '%s' "$2" | httxt2dbm -i - -o "$1.new"
    chmod 644 "$1.new"
    mv "$1.new" "$1"
}

sql() {
    sqlite3 "$data/tenants.db" "$1"
}

# acao URL ORIGIN [CURL ARGS...]: the Access-Control-Allow-Origin sent back, or "-"; with
# "(HTTP N)" after it when the status is not 200, and "no-answer" when curl got none, so a
# refusal is never read from a server that is down or failing.
acao() {
    url=$1 origin=$2
    shift 2
    h=$(curl -s -o /dev/null -D - -H "Origin: $origin" "$@" "$base$url" | tr -d '\r')
    st=$(printf '%s\n' "$h" | sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p')
    v=$(printf '%s\n' "$h" | sed -n 's/^[Aa]ccess-[Cc]ontrol-[Aa]llow-[Oo]rigin: //p')
    if [ -z "$st" ]; then echo no-answer
    elif [ "$st" = 200 ]; then echo "${v:--}"
    else echo "${v:--}(HTTP $st)"; fi
}

# every N URL ORIGIN: the distinct answers of N requests (spread over processes and threads).
every() {
    n=$1
    shift
    i=0
    while [ $i -lt "$n" ]; do acao "$@"; i=$((i + 1)); done | sort | uniq -c \
        | awk '{ printf "%s%s x%s", (NR > 1 ? " " : ""), $2, $1 }'
}

# within TENTHS WANT URL ORIGIN: polls (bounded) until 6 requests in a row answer WANT;
# prints the tenths of a second it took, or "never".
within() {
    limit=$1 want=$2
    shift 2
    tenths=0
    while [ $tenths -le "$limit" ]; do
        if [ "$(every 6 "$@")" = "$want x6" ]; then
            echo $tenths
            return 0
        fi
        sleep 0.1
        tenths=$((tenths + 1))
    done
    echo never
}

# conn URL STEP...: STEPs over one kept-alive connection to $base, so one process answers
# them all, and it is the only one asked anything meanwhile. A check that something is NOT
# taken (a version held back, a bad one kept out) means something only once that process
# has seen the new version: these steps wait (bounded, 10 s) for positive evidence of it.
# Prints one line per ask or mark; if a wait runs out, a last line "not seen: ..." (also on
# standard error) and fails.
#   ask N ORIGIN          N requests from ORIGIN: their distinct answers, as every prints them
#   run COMMAND           sh -c COMMAND between two requests (writes a new version)
#   opened FILE ORIGIN    requests from ORIGIN, 0.1 s apart, until the process opens FILE
#                         (inotify, watched from this step on): it has read what FILE holds
#   logged OFFSET RE ORIGIN  requests from ORIGIN, 0.1 s apart, until the process has logged
#                         a line matching RE (Perl) past byte OFFSET of the error log; ORIGIN
#                         must be refused, so that its cors:info line names the process
#   pause SECONDS
#   mark                  the error log's size now
conn() {
    perl -e '
        use strict; use warnings;
        use IO::Socket::INET; use Time::HiRes qw(sleep);
        require "syscall.ph";
        my ($base, $log, $path, @steps) = @ARGV;
        my ($host, $port) = $base =~ m{^http://([^:/]+):(\d+)$} or die "base $base\n";
        my $start = -s $log;
        my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Timeout => 10)
            or die "connect: $!\n";
        my $lport = $s->sockport;
        my ($answers, $pid) = (0, undef);
        $| = 1;
        sub give_up { print "not seen: $_[0]\n"; print STDERR "# conn $path: not seen: $_[0]\n"; exit 1 }
        sub ask1 {
            my ($origin) = @_;
            print $s "GET $path HTTP/1.1\r\nHost: $host\r\nOrigin: $origin\r\n\r\n"
                or give_up("cannot send: $!");
            my $head = "";
            while (defined(my $l = <$s>)) { $head .= $l; last if $l eq "\r\n"; }
            give_up("the connection ended after $answers answers") unless $head =~ /\r\n\r\n\z/;
            my ($len) = $head =~ /^Content-Length: (\d+)\r$/mi;
            give_up("an answer without Content-Length") unless defined $len;
            my $body = "";
            while (length $body < $len) {
                read($s, $body, $len - length $body, length $body) or give_up("a short body");
            }
            $answers++;
            my ($st) = $head =~ m{^HTTP/1\.1 (\d+)};
            my ($v) = $head =~ /^Access-Control-Allow-Origin: (.*?)\r$/mi;
            $v //= "-";
            return $st eq "200" ? $v : "$v(HTTP $st)";
        }
        sub log_from {
            open my $fh, "<", $log or give_up("$log: $!");
            seek $fh, $_[0], 0;
            local $/;
            return <$fh> // "";
        }
        # The process answering this connection: the one whose cors:info lines name it.
        sub whose {
            return $pid if defined $pid;
            ($pid) = log_from($start) =~ /\[pid (\d+)[^\]]*\] \[client 127\.0\.0\.1:$lport\] /;
            return $pid;
        }
        while (@steps) {
            my $step = shift @steps;
            if ($step eq "ask") {
                my ($n, $origin) = splice @steps, 0, 2;
                my %c;
                $c{ask1($origin)}++ for 1 .. $n;
                print join(" ", map { "$_ x$c{$_}" } sort keys %c), "\n";
            }
            elsif ($step eq "run") {
                my $cmd = shift @steps;
                system("sh", "-c", $cmd) == 0 or give_up("$cmd: exit " . ($? >> 8));
            }
            elsif ($step eq "opened") {
                my ($file, $origin) = splice @steps, 0, 2;
                my $fd = syscall(&SYS_inotify_init1, 04000);    # IN_NONBLOCK
                $fd >= 0 or give_up("inotify_init1: $!");
                my $wd = syscall(&SYS_inotify_add_watch, $fd, "$file", 0x20);   # IN_OPEN
                $wd >= 0 or give_up("inotify_add_watch $file: $!");
                open(my $ifh, "<&=", $fd) or give_up("inotify fd: $!");
                my $seen = 0;
                for (1 .. 100) {
                    ask1($origin);
                    my $n = sysread($ifh, my $buf, 4096);
                    if ($n) { $seen = 1; last; }
                    sleep 0.1;
                }
                close $ifh;
                $seen or give_up("in 10 s of requests, the process did not open $file");
            }
            elsif ($step eq "logged") {
                my ($offset, $re, $origin) = splice @steps, 0, 3;
                my $seen = 0;
                for (1 .. 100) {
                    ask1($origin);
                    my $p = whose();
                    if (defined $p && grep { /\[pid $p\b/ && /$re/ } split /\n/, log_from($offset)) {
                        $seen = 1;
                        last;
                    }
                    sleep 0.1;
                }
                $seen or give_up(defined whose() ? "in 10 s of requests, pid $pid logged nothing matching $re"
                                                 : "no cors:info line names the process answering");
            }
            elsif ($step eq "pause") { sleep shift @steps; }
            elsif ($step eq "mark") { print -s $log, "\n"; }
            else { die "conn: unknown step $step\n"; }
        }
    ' "$base" "$dir/error_log" "$@"
}

# children DIR: the pids of DIR's httpd children.
children() {
    parent=$(cat "$1/httpd.pid")
    pgrep -P "$parent" | tr '\n' ' '
}

rss_kb() {  # total VmRSS of PIDS
    t=0
    for p in "$@"; do
        r=$(sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$p/status" 2>/dev/null || echo 0)
        t=$((t + ${r:-0}))
    done
    echo $t
}

data="$root/data"
mkdir -p "$data"
chmod 755 "$data"

run_mpm() {
    mpm=$1
    dir="$root/$mpm"
    mkdir -p "$dir/www/ht/ok" "$dir/www/ht/up" "$dir/www/ht/abs" "$dir/www/ht/link" \
             "$dir/www/ht/denied" "$dir/www/ht/fifo"
    for d in file file/minus file/creds file2 map query query2 ht/ok ht/up ht/abs ht/link \
             ht/denied ht/fifo ht2/map ht2/query; do
        mkdir -p "$dir/www/$d"
        echo "data" > "$dir/www/$d/data.txt"
    done
    put "$data/origins.txt" "# tenants, one per line
https://tenant-a.example
https://*.shop.example

https://removed.example
"
    dbm "$data/origins.db" "https://map-a.example 1
https://map-b.example:8443 1
"
    rm -f "$data/tenants.db"
    sql "CREATE TABLE tenant_origins (origin TEXT PRIMARY KEY);
         INSERT INTO tenant_origins VALUES ('https://sql-a.example');"
    chmod 644 "$data/tenants.db"
    put "$dir/www/ht/ok/origins.txt" "https://ht-a.example
"
    put "$dir/www/ht/ok/.htaccess" "CORSAllowOriginFile origins.txt
"
    put "$dir/www/ht/up/.htaccess" "CORSAllowOriginFile ../../../../data/origins.txt
"
    put "$dir/www/ht/abs/.htaccess" "CORSAllowOriginFile $data/origins.txt
"
    ln -sf "$data/origins.txt" "$dir/www/ht/link/origins.txt"
    put "$dir/www/ht/link/.htaccess" "CORSAllowOriginFile origins.txt
"
    put "$dir/www/ht/denied/.htaccess" "CORSAllowOriginFile origins.txt
"
    cp "$dir/www/ht/ok/origins.txt" "$dir/www/ht/denied/"
    # Named in AllowOverrideList, a DBM file or a query is still not an .htaccess file's.
    put "$dir/www/ht2/map/.htaccess" "CORSAllowOriginMap dbm:$data/origins.db
"
    put "$dir/www/ht2/query/.htaccess" "CORSAllowOriginQuery \"SELECT 1 FROM tenant_origins WHERE origin = %s\"
"
    # A FIFO opened for reading waits for a writer: it must not hold a worker.
    mkfifo "$dir/www/ht/fifo/origins.txt"
    put "$dir/www/ht/fifo/.htaccess" "CORSAllowOriginFile origins.txt
"
    chmod -R a+rX "$dir"
    port=$(httpd_free_port)
    base="http://127.0.0.1:$port"
    {
        httpd_base "$dir" "$mpm" dbd socache_shmcb
        cat <<EOF
Listen 127.0.0.1:$port
DocumentRoot $dir/www
LogFormat "%U %{Origin}i %{cors}n" cors
CustomLog $dir/access_log cors
LogLevel warn cors:info
# conn (below) keeps one connection for as many requests as a step takes.
MaxKeepAliveRequests 0
KeepAliveTimeout 15
DBDriver sqlite3
DBDParams $data/tenants.db
CORSOriginCache shmcb:$dir/origin-cache(512000)
CORSOriginCacheTimeout 2
CORSOriginQueryBudget 1000
<Directory $dir/www>
    Require all granted
    AllowOverride None
</Directory>
<Directory $dir/www/ht>
    AllowOverride All
    AllowOverrideList CORSAllowOriginFile
</Directory>
<Directory $dir/www/ht2>
    AllowOverride None
    AllowOverrideList CORSAllowOriginMap CORSAllowOriginQuery
</Directory>
<Directory $dir/www/ht/denied>
    AllowOverride All
    AllowOverrideList None
</Directory>
<Location /file>
    CORSAllowOriginFile $data/origins.txt
    CORSAllowMethods GET PUT
</Location>
<Location /file/minus>
    CORSAllowOrigin -https://removed.example
</Location>
<Location /file/creds>
    CORSAllowCredentials On
</Location>
<Location /file2>
    CORSAllowOrigin https://own.example
    CORSAllowOriginFile +$data/origins.txt
</Location>
<Location /map>
    CORSAllowOrigin https://listed.example
    CORSAllowOriginMap +dbm:$data/origins.db
</Location>
<Location /query>
    CORSAllowOriginQuery "SELECT 1 FROM tenant_origins WHERE origin = %s"
</Location>
<Location /query2>
    CORSAllowOriginQuery "SELECT origin FROM tenant_origins WHERE origin = %s AND 1 = 1"
</Location>
EOF
    } > "$dir/httpd.conf"
    httpd_start "$dir" "$base/file/data.txt" || { fail "$mpm: httpd in $dir started"; return 0; }
    t="$mpm:"

    # ---- CORSAllowOriginFile ------------------------------------------------------------
    check "$t file: a listed origin allowed" "https://tenant-a.example x12" \
        "$(every 12 /file/data.txt https://tenant-a.example)"
    check "$t file: a pattern of the file allowed" "https://x.shop.example x6" \
        "$(every 6 /file/data.txt https://x.shop.example)"
    check "$t file: an origin not listed refused" "- x12" \
        "$(every 12 /file/data.txt https://stranger.example)"
    check "$t file: the origin sent in another form is the same origin" \
        "HTTPS://Tenant-A.example:443" \
        "$(acao /file/data.txt HTTPS://Tenant-A.example:443)"
    like "$t file: Vary: Origin on a refusal" "^[Vv]ary: .*Origin" \
        "$(curl -s -o /dev/null -D - -H 'Origin: https://stranger.example' "$base/file/data.txt")"
    check "$t file: a removal in a section below wins over the file" "- x6" \
        "$(every 6 /file/minus/data.txt https://removed.example)"
    check "$t file: ... and the rest of the file still holds there" "https://tenant-a.example" \
        "$(acao /file/minus/data.txt https://tenant-a.example)"
    like "$t file: credentials hold for an origin of the file" \
        "[Aa]ccess-[Cc]ontrol-[Aa]llow-[Cc]redentials: true" \
        "$(curl -s -o /dev/null -D - -H 'Origin: https://tenant-a.example' "$base/file/creds/data.txt")"
    check "$t file: a preflight from an origin of the file" "204 https://tenant-a.example" \
        "$(curl -s -o /dev/null -D - -X OPTIONS -H 'Origin: https://tenant-a.example' \
            -H 'Access-Control-Request-Method: PUT' "$base/file/data.txt" | tr -d '\r' \
            | sed -n -e 's/^HTTP\/1.1 \([0-9]*\).*/\1/p' -e 's/^Access-Control-Allow-Origin: //p' \
            | tr '\n' ' ' | sed 's/ $//')"

    check "$t file: the same file named in another section (+)" "https://tenant-a.example" \
        "$(acao /file2/data.txt https://tenant-a.example)"

    # Every process has read the file by now; each looks at it again at most once a second.
    reads_before=$(grep -c "origins.txt: read again" "$dir/error_log" || true)
    put "$data/origins.txt" "https://tenant-a.example
https://tenant-new.example
"
    got=$(within 25 https://tenant-new.example /file/data.txt https://tenant-new.example)
    check "$t file: an origin added is allowed in every process within 2 s" yes \
        "$([ "$got" != never ] && [ "$got" -le 20 ] && echo yes || echo "no ($got tenths)")"
    got=$(within 25 https://tenant-new.example /file2/data.txt https://tenant-new.example)
    check "$t file: ... in the other section too" yes \
        "$([ "$got" != never ] && echo yes || echo no)"
    # Each process reads the new version once, for both sections: at most one line per pid.
    most=$(grep "origins.txt: read again" "$dir/error_log" | tail -n +$((reads_before + 1)) \
        | sed -n 's/.*\[pid \([0-9]*\).*/\1/p' | sort | uniq -c | sort -rn | awk 'NR == 1 { print $1 }')
    check "$t file: ... read once per process for both sections" 1 "${most:-0}"
    got=$(within 25 - /file/data.txt https://x.shop.example)
    check "$t file: an origin taken out is refused within 2 s" yes \
        "$([ "$got" != never ] && [ "$got" -le 20 ] && echo yes || echo "no ($got tenths)")"
    # The same size, in place (an editor's save): a new time tells it.
    printf 'https://tenant-b.example\nhttps://tenant-new.example\n' > "$data/origins.txt"
    got=$(within 40 https://tenant-b.example /file/data.txt https://tenant-b.example)
    check "$t file: an edit in place is read too" yes \
        "$([ "$got" != never ] && echo yes || echo no)"

    # Written in place and not finished: the last line may be an origin cut short
    # (https://shop.co of https://shop.com). A file that does not end its line is taken only
    # once it has not changed for 2 s. Nothing is logged while a version is held back: that
    # the process has read it is seen from its opening the file (conn ... opened).
    printf 'https://tenant-b.example\nhttps://tenant-new.example\nhttps://shop.co' > "$data/origins.txt"
    out=$(conn /file/data.txt opened "$data/origins.txt" https://shop.co ask 6 https://shop.co) || true
    check "$t file: a last line not ended, just written: not taken" "- x6" "$out"
    printf 'm\n' >> "$data/origins.txt"
    got=$(within 40 https://shop.com /file/data.txt https://shop.com)
    check "$t file: ... once ended, the whole line is read" yes \
        "$([ "$got" != never ] && echo yes || echo no)"
    check "$t file: ... and the cut origin was never allowed" "- x12" \
        "$(every 12 /file/data.txt https://shop.co)"

    # The wait is by the server's clock, not the file's time (another machine's, say): an
    # unended file stamped 100 s in the past is not taken at once either.
    printf 'https://tenant-b.example\nhttps://shop.com\nhttps://old.co' > "$data/origins.txt"
    touch -d '100 seconds ago' "$data/origins.txt"
    out=$(conn /file/data.txt opened "$data/origins.txt" https://old.co ask 6 https://old.co) || true
    check "$t file: ... stamped in the past: not taken at once" "- x6" "$out"
    printf 'm\n' >> "$data/origins.txt"
    got=$(within 40 https://old.com /file/data.txt https://old.com)
    check "$t file: ... once ended, read" yes "$([ "$got" != never ] && echo yes || echo no)"

    # Emptied in place (": > file", then written): a writer may still be at it, so the list
    # in force stays until the file has not changed for 2 s. On one connection: the list in
    # force first, then the file emptied, opened by that process, and the list still there.
    out=$(conn /file/data.txt ask 6 https://shop.com run ": > '$data/origins.txt'" \
        opened "$data/origins.txt" https://shop.com ask 6 https://shop.com) || true
    check "$t file: emptied in place: the list in force before" "https://shop.com x6" \
        "$(printf '%s\n' "$out" | sed -n 1p)"
    check "$t file: emptied in place: the list in force stays meanwhile" "https://shop.com x6" \
        "$(printf '%s\n' "$out" | sed -n 2p)"
    printf 'https://tenant-b.example\nhttps://shop.com\n' > "$data/origins.txt"
    got=$(within 40 - /file/data.txt https://old.com)
    check "$t file: ... written again: read (https://old.com gone)" yes \
        "$([ "$got" != never ] && echo yes || echo no)"

    # A bad line: the list in force stays, in every process; one error per process (and
    # version). On one connection: the list in force, the bad version put in place, the
    # process's error line (it has read it), the list still in force and nothing of the new
    # file; then, a look later (the version unchanged: nothing to wait for but the time a
    # look is due), no second error.
    errors_from=$(wc -c < "$dir/error_log")
    printf 'https://tenant-c.example\nhttps://tenant-c.example/\nhttps://tenant-b.example\n' \
        > "$data/origins.txt.bad"
    chmod 644 "$data/origins.txt.bad"
    out=$(conn /file/data.txt ask 6 https://tenant-b.example \
        run "mv '$data/origins.txt.bad' '$data/origins.txt'" \
        logged "$errors_from" "origins\.txt:2: " https://tenant-c.example \
        ask 24 https://tenant-b.example ask 12 https://tenant-c.example \
        pause 1.1 ask 24 https://tenant-b.example) || true
    check "$t file: a bad line: before it, the list in force" "https://tenant-b.example x6" \
        "$(printf '%s\n' "$out" | sed -n 1p)"
    check "$t file: a bad line keeps the list in force" "https://tenant-b.example x24" \
        "$(printf '%s\n' "$out" | sed -n 2p)"
    check "$t file: ... never a part of the new file" "- x12" \
        "$(printf '%s\n' "$out" | sed -n 3p)"
    # Other processes, too: each that looks says it once.
    every 24 /file/data.txt https://tenant-b.example >/dev/null
    per_pid=$(tail -c +$((errors_from + 1)) "$dir/error_log" | grep "origins.txt:2: " \
        | sed -n 's/.*\[pid \([0-9]*\).*/\1/p' | sort | uniq -c)
    errors=$(printf '%s\n' "$per_pid" | awk '{ n += $1 } END { print n + 0 }')
    procs=$(printf '%s\n' "$per_pid" | awk 'NF { n++ } END { print n + 0 }')
    check "$t file: the error names file:line and the fix, once per process ($errors lines, $procs processes)" \
        yes "$([ "$procs" -ge 1 ] && [ "$errors" -eq "$procs" ] && echo yes || echo no)"
    like "$t file: ... in words" "origins.txt:2: 'https://tenant-c.example/' ends with a slash.*write 'https://tenant-c.example'; the list read before \(origins: [0-9]+\) stays in force" \
        "$(cat "$dir/error_log")"
    put "$data/origins.txt" "https://tenant-c.example
https://removed.example
"
    got=$(within 25 https://tenant-c.example /file/data.txt https://tenant-c.example)
    check "$t file: fixed, the new list is read" yes \
        "$([ "$got" != never ] && echo yes || echo no)"

    # ---- .htaccess --------------------------------------------------------------------------
    check "$t .htaccess: allowed by AllowOverrideList, a file beside it" "https://ht-a.example x6" \
        "$(every 6 /ht/ok/data.txt https://ht-a.example)"
    put "$dir/www/ht/ok/origins.txt" "https://ht-b.example
"
    got=$(within 25 https://ht-b.example /ht/ok/data.txt https://ht-b.example)
    check "$t .htaccess: its origin file changed (not the .htaccess): read within 2 s" yes \
        "$([ "$got" != never ] && [ "$got" -le 20 ] && echo yes || echo "no ($got)")"
    # A link put in place of the file later leads nowhere else: each reading checks again.
    # Asked once the process answering has said so (its error line: it has looked).
    link_from=$(wc -c < "$dir/error_log")
    mv "$dir/www/ht/ok/origins.txt" "$dir/www/ht/ok/origins.bak"
    ln -s "$data/origins.txt" "$dir/www/ht/ok/origins.txt"
    out=$(conn /ht/ok/data.txt logged "$link_from" "ht/ok/origins\.txt is a link" \
        https://tenant-b.example ask 6 https://tenant-b.example) || true
    check "$t .htaccess: its file swapped for a link out, later: the outside file is not read" \
        "- x6" "$out"
    like "$t .htaccess: ... and said" "ht/ok/origins.txt is a link, or a link is on its path" \
        "$(cat "$dir/error_log")"
    rm -f "$dir/www/ht/ok/origins.txt"
    mv "$dir/www/ht/ok/origins.bak" "$dir/www/ht/ok/origins.txt"
    got=$(within 40 https://ht-b.example /ht/ok/data.txt https://ht-b.example)
    check "$t .htaccess: ... its own file back: read again" yes \
        "$([ "$got" != never ] && echo yes || echo no)"
    check "$t .htaccess: a path above its directory: 500" 500 \
        "$(curl -s -o /dev/null -w '%{http_code}' "$base/ht/up/data.txt")"
    check "$t .htaccess: an absolute path: 500" 500 \
        "$(curl -s -o /dev/null -w '%{http_code}' "$base/ht/abs/data.txt")"
    # A linked file is the file's fault, not the line's (1.3.1): logged, nothing of it allowed,
    # the site answered as usual (200). Asked once the process answering has said so.
    out=$(conn /ht/link/data.txt logged "$link_from" "ht/link/origins\.txt is a link" \
        https://tenant-c.example ask 6 https://tenant-c.example) || true
    check "$t .htaccess: a link out of its directory: answered, nothing of the file allowed" "- x6" "$out"
    check "$t .htaccess: without AllowOverrideList (AllowOverride All alone): 500" 500 \
        "$(curl -s -o /dev/null -w '%{http_code}' "$base/ht/denied/data.txt")"
    start=$(date +%s%N)
    got=$(timeout 10 curl -s -o /dev/null -w '%{http_code}' -H 'Origin: https://ht-a.example' \
        "$base/ht/fifo/data.txt")
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    check "$t .htaccess: a FIFO named as the origin file: answered, without CORS headers" 200 "$got"
    below "$t .htaccess: ... at once (ms)" "$ms" 2000
    for what in map query; do
        check "$t .htaccess: CORSAllowOrigin$( [ $what = map ] && echo Map || echo Query) even under AllowOverrideList: 500" \
            500 "$(curl -s -o /dev/null -w '%{http_code}' -H 'Origin: https://map-a.example' "$base/ht2/$what/data.txt")"
    done
    log=$(cat "$dir/error_log")
    like "$t .htaccess: ... a DBM file is the server's" "CORSAllowOriginMap: not in .htaccess files" "$log"
    like "$t .htaccess: ... so is the database" "CORSAllowOriginQuery: not in .htaccess files" "$log"
    like "$t .htaccess: ... logged" "ht/fifo/origins.txt is not a regular file" "$log"
    like "$t .htaccess: ... says why (above)" "must be relative to its directory and stay below it \('../../../../data/origins.txt'" "$log"
    like "$t .htaccess: ... says why (link)" "ht/link/origins.txt is a link, or a link is on its path" "$log"
    like "$t .htaccess: ... not allowed here" "ht/denied/.htaccess: CORSAllowOriginFile not allowed here" "$log"

    # ---- CORSAllowOriginMap -----------------------------------------------------------------
    check "$t dbm: a key allowed" "https://map-a.example x6" \
        "$(every 6 /map/data.txt https://map-a.example)"
    check "$t dbm: a key with its port" "https://map-b.example:8443" \
        "$(acao /map/data.txt https://map-b.example:8443)"
    check "$t dbm: + keeps the section's own list" "https://listed.example" \
        "$(acao /map/data.txt https://listed.example)"
    check "$t dbm: not a key: refused" "- x6" "$(every 6 /map/data.txt https://map-z.example)"
    dbm "$data/origins.db" "https://map-z.example 1
"
    got=$(within 25 https://map-z.example /map/data.txt https://map-z.example)
    check "$t dbm: a new file (renamed over the old) is read within 2 s" yes \
        "$([ "$got" != never ] && [ "$got" -le 20 ] && echo yes || echo "no ($got)")"
    got=$(within 25 - /map/data.txt https://map-a.example)
    check "$t dbm: ... and a key gone is refused" yes \
        "$([ "$got" != never ] && [ "$got" -le 20 ] && echo yes || echo "no ($got)")"

    # A DBM file replaced by garbage: refused, and said once per process and version (the
    # library's own complaints too: Berkeley DB prints a page of them when it opens one), not
    # on every request. Counted without the refusals' own cors:info lines.
    # noisy FROM TO: the lines between two byte offsets of the error log, cors:info aside.
    noisy() { tail -c +$(($1 + 1)) "$dir/error_log" | head -c $(($2 - $1)) | grep -vc '\[cors:info\]' || true; }
    garbage_from=$(wc -c < "$dir/error_log")
    head -c 4096 /dev/urandom > "$data/origins.db.new" && chmod 644 "$data/origins.db.new"
    mv "$data/origins.db.new" "$data/origins.db"
    got=$(within 25 - /map/data.txt https://map-z.example)
    check "$t dbm: replaced by garbage: refused" yes "$([ "$got" != never ] && echo yes || echo no)"
    # On one connection: once its process has said so (it has opened the garbage), 40
    # requests; then, a look later (a second: nothing else to wait for, the file unchanged),
    # 40 more, during which nothing at all is logged but the refusals' cors:info lines.
    out=$(conn /map/data.txt logged "$garbage_from" "origins\.db cannot be opened as a" https://map-z.example \
        ask 40 https://map-z.example pause 1.1 mark ask 40 https://map-z.example mark) || true
    m1=$(printf '%s\n' "$out" | sed -n 2p) m2=$(printf '%s\n' "$out" | sed -n 4p)
    check "$t dbm: ... then nothing more is logged for it, however many requests" "- x40 - x40 0" \
        "$(printf '%s\n' "$out" | sed -n 1p) $(printf '%s\n' "$out" | sed -n 3p) $(noisy "${m1:-0}" "${m2:-0}")"
    check "$t dbm: ... the section's own list still holds" "https://listed.example" \
        "$(acao /map/data.txt https://listed.example)"

    # ---- CORSAllowOriginQuery (SQLite through mod_dbd, answers in shmcb) --------------------
    check "$t query: a row allowed" "https://sql-a.example x12" \
        "$(every 12 /query/data.txt https://sql-a.example)"
    check "$t query: no row: refused" "- x6" "$(every 6 /query/data.txt https://sql-b.example)"
    sql "INSERT INTO tenant_origins VALUES ('https://sql-b.example');"
    check "$t query: a row inserted: the cached refusal holds until the timeout" - \
        "$(acao /query/data.txt https://sql-b.example)"
    got=$(within 40 https://sql-b.example /query/data.txt https://sql-b.example)
    check "$t query: ... then it is allowed (timeout 2 s)" yes \
        "$([ "$got" != never ] && [ "$got" -le 30 ] && echo yes || echo "no ($got)")"
    sql "DELETE FROM tenant_origins WHERE origin = 'https://sql-a.example';"
    got=$(within 40 - /query/data.txt https://sql-a.example)
    check "$t query: a row deleted is refused within the timeout" yes \
        "$([ "$got" != never ] && [ "$got" -le 30 ] && echo yes || echo "no ($got)")"
    check "$t query: a second query of its own (another cache key)" "https://sql-b.example" \
        "$(acao /query2/data.txt https://sql-b.example)"

    # A database that cannot answer (locked by a writer): refused in bounded time, cached
    # answers still hold, and it says why once per process.
    sql "INSERT INTO tenant_origins VALUES ('https://sql-c.example');"
    acao /query/data.txt https://sql-b.example >/dev/null
    (echo "BEGIN EXCLUSIVE; INSERT INTO tenant_origins VALUES ('https://sql-d.example');"; sleep 5; echo "COMMIT;") \
        | sqlite3 "$data/tenants.db" &
    locker=$!
    sleep 0.3
    check "$t query: the database locked: a cached answer still holds" "https://sql-b.example" \
        "$(acao /query/data.txt https://sql-b.example)"
    start=$(date +%s%N)
    got=$(acao /query/data.txt https://sql-c.example)
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    check "$t query: ... an origin not cached is refused (fail closed)" - "$got"
    below "$t query: ... answered within a bounded time (ms)" "$ms" 4500
    # A process leaves the database alone for 5 s after a failure: its next request (on the
    # same connection, so the same process) is answered at once; that refusal holds for now
    # only, and is not for a shared cache to keep.
    out=$(curl -s -o /dev/null -o /dev/null -D - -w 'took %{time_total}\n' \
        -H 'Origin: https://sql-e.example' "$base/query/data.txt" "$base/query/data.txt?again" \
        | tr -d '\r')
    ms=$(printf '%s\n' "$out" | sed -n 's/^took //p' | tail -1 | awk '{ printf "%d", $1 * 1000 }')
    below "$t query: ... the next request of that process is refused at once (ms)" "${ms:-9999}" 500
    like "$t query: ... with Cache-Control: no-store" "^Cache-Control: no-store" "$out"
    like "$t query: ... and Vary: Origin" "^Vary: Origin" "$out"
    like "$t query: ... the error log says the query failed" "CORSAllowOriginQuery \"SELECT 1 FROM tenant_origins WHERE origin = %s\": the query failed: .*refused meanwhile" \
        "$(cat "$dir/error_log")"
    locker_rc=0
    wait "$locker" || locker_rc=$?
    check "$t query: the writer that locked the database committed (sqlite3 exit 0)" 0 "$locker_rc"
    got=$(within 80 https://sql-c.example /query/data.txt https://sql-c.example)
    check "$t query: the lock gone: allowed again (within the 5 s it is left alone)" yes \
        "$([ "$got" != never ] && echo yes || echo no)"
    check "$t query: an allowed answer is left to the site's caching" "" \
        "$(curl -s -o /dev/null -D - -H 'Origin: https://sql-c.example' "$base/query/data.txt" | tr -d '\r' | grep -i '^cache-control')"

    # ---- the access log ----------------------------------------------------------------------
    like "$t log: allowed by a source" "^/query/data.txt https://sql-c.example allowed" \
        "$(cat "$dir/access_log")"
    like "$t log: refused by a source" "^/file/data.txt https://stranger.example refused-origin" \
        "$(cat "$dir/access_log")"

    # ---- floods ------------------------------------------------------------------------------
    # Random origins: every one is a query and a cached "no"; the cache is fixed in size, so
    # the children's memory stays flat.
    pids=$(children "$dir")
    # shellcheck disable=SC2086
    rss0=$(rss_kb $pids)
    check "$t flood: 6,000 random origins, none allowed" 0 \
        "$(flood "$base/query/data.txt" 6000 random)"
    # shellcheck disable=SC2086
    rss1=$(rss_kb $pids)
    below "$t flood: 6,000 random origins: the children grow by less than 8 MB (kB)" \
        $((rss1 - rss0)) 8192
    # The flood spent this second's query budget (1,000 a process): the next second's holds.
    sleep 1.1
    check "$t flood: ... the listed origin is still allowed" "https://sql-c.example" \
        "$(acao /query/data.txt https://sql-c.example)"
    httpd_stop "$dir"
}

# flood URL N random|listed: N requests, each with a new origin, over kept-alive connections.
flood() {
    perl -e '
        use strict; use IO::Socket::INET;
        my ($url, $n, $kind) = @ARGV;
        my ($host, $port, $path) = $url =~ m{^http://([^:/]+):(\d+)(/.*)$} or die;
        my $allowed = 0;
        for (my $i = 0; $i < $n; ) {
            my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port) or die "$!";
            my $batch = 0;
            while ($batch < 50 && $i < $n) {
                my $o = $kind eq "random" ? sprintf("https://r%08x.flood.example", int(rand(2**31)))
                                          : sprintf("https://listed%d.flood.example", $i);
                print $s "GET $path HTTP/1.1\r\nHost: $host\r\nOrigin: $o\r\n\r\n";
                my ($head, $len) = ("", 0);
                while (my $l = <$s>) { $head .= $l; last if $l eq "\r\n"; }
                ($len) = $head =~ /Content-Length: (\d+)/i; read($s, my $b, $len // 0);
                $allowed++ if $head =~ /Access-Control-Allow-Origin/i;
                $batch++; $i++;
            }
            close $s;
        }
        print "$allowed\n";
    ' "$@"
}

# ---- start-up: what configtest stops -------------------------------------------------------
# configtest BODY: the configtest output, then a last line "exit N" (N: its exit status; 124
# when it hung 20 s).
configtest() {
    d="$root/ct"
    mkdir -p "$d"
    { httpd_base "$d" event dbd; echo "Listen 127.0.0.1:$(httpd_free_port)"; printf '%s\n' "$1"; } \
        > "$d/httpd.conf"
    rc=0
    timeout 20 "$HTTPD_BIN" -t -f "$d/httpd.conf" 2>&1 || rc=$?
    echo "exit $rc"
}
# refused NAME PATTERN BODY: configtest stops (exit 1: not passed, not hung) saying PATTERN.
refused() {
    out=$(configtest "$3")
    if [ "$(printf '%s\n' "$out" | tail -n 1)" = "exit 1" ] && printf '%s\n' "$out" | grep -Eq -- "$2"; then
        pass "$1"
    else
        fail "$1" "want: exit 1 and /$2/" "$(printf '%s\n' "$out" | tail -n 5 | sed 's/^/got:  /')"
    fi
}
# accepted NAME BODY: configtest passes (exit 0, "Syntax OK").
accepted() {
    check "$1" "Syntax OK
exit 0" "$(configtest "$2" | tail -n 2)"
}
put "$data/bad.txt.ok" "https://ok.example
"
put "$data/bad.txt" "https://ok.example
*
"
refused "configtest: '*' in an origin file, with its line" \
    "bad.txt:2: '\*' would allow every origin: write CORSAllowOrigin \* in the configuration" \
    "<Location /x>
CORSAllowOriginFile $data/bad.txt
</Location>"
put "$data/bad.txt" "https://ok.example
https://*.github.io
"
refused "configtest: a wildcard over a public suffix in a file" \
    "bad.txt:2: 'https://\*.github.io' lets strangers in" \
    "<Location /x>
CORSAllowOriginFile $data/bad.txt
</Location>"
mkfifo "$data/fifo.txt"
refused "configtest: a FIFO named as the file (not waited on)" "CORSAllowOriginFile: $root/data/fifo.txt is not a regular file" \
    "<Location /x>
CORSAllowOriginFile $data/fifo.txt
</Location>"
refused "configtest: a missing file" "CORSAllowOriginFile: cannot read $root/data/none.txt" \
    "<Location /x>
CORSAllowOriginFile $data/none.txt
</Location>"
refused "configtest: a missing DBM file" "CORSAllowOriginMap: .*none.db does not exist \(build it with httxt2dbm" \
    "<Location /x>
CORSAllowOriginMap dbm:$data/none.db
</Location>"
refused "configtest: not a dbm: spec" "CORSAllowOriginMap: 'sdbm:/x' is not dbm:PATH or dbm=TYPE:PATH" \
    "<Location /x>
CORSAllowOriginMap sdbm:/x
</Location>"
refused "configtest: a query without %s" "CORSAllowOriginQuery: .* must hold one %s, unquoted" \
    "DBDriver sqlite3
DBDParams $data/tenants.db
<Location /x>
CORSAllowOriginQuery \"SELECT 1 FROM t WHERE origin = '%s'\"
</Location>"
for q in "SELECT 1 FROM t WHERE origin = %%s" "SELECT 1 FROM t WHERE origin = \\\"%s\\\"" \
         "SELECT 1 FROM t WHERE origin LIKE 'a%' AND origin = %s"; do
    refused "configtest: a query with a % other than its one %s, or a quoted one: $q" \
        "CORSAllowOriginQuery: .*(the only % it may hold|must hold one %s, unquoted)" \
        "DBDriver sqlite3
DBDParams $data/tenants.db
<Location /x>
CORSAllowOriginQuery \"$q\"
</Location>"
done
refused "configtest: a query where no DBDriver is given" "CORSAllowOriginQuery .* has no database: give DBDriver and DBDParams" \
    "<Location /x>
CORSAllowOriginQuery \"SELECT 1 FROM t WHERE origin = %s\"
</Location>"
for q in "SELECTX 1 FROM t WHERE origin = %s" "SELECT 1 FROM t WHERE origin = %s; DELETE FROM t" \
         "SELECT 1 FROM t WHERE origin LIKE %s" \
         "WITH d AS (DELETE FROM t RETURNING origin) SELECT 1 FROM d WHERE origin = %s"; do
    refused "configtest: refused: $q" "CORSAllowOriginQuery: " "DBDriver sqlite3
DBDParams $data/tenants.db
<Location /x>
CORSAllowOriginQuery \"$q\"
</Location>"
done
refused "configtest: a query that is not a SELECT" "CORSAllowOriginQuery: 'DELETE FROM t WHERE origin = %s' is not a SELECT" \
    "DBDriver sqlite3
DBDParams $data/tenants.db
<Location /x>
CORSAllowOriginQuery \"DELETE FROM t WHERE origin = %s\"
</Location>"
printf 'https://ok.example\nhttps://a.example\000https://b.example\n' > "$data/nul.txt"
refused "configtest: a NUL byte in an origin file" "nul.txt:2: a NUL byte" \
    "<Location /x>
CORSAllowOriginFile $data/nul.txt
</Location>"
printf 'https://ok.example, https://b.example\n' > "$data/comma.txt"
refused "configtest: origins separated by commas" "comma.txt:1: one origin per line, not separated by spaces or commas" \
    "<Location /x>
CORSAllowOriginFile $data/comma.txt
</Location>"
printf '\357\273\277https://ok.example\n' > "$data/bom.txt"
accepted "configtest: a byte-order mark is not part of the first origin" \
    "<Location /x>
CORSAllowOriginFile $data/bom.txt
</Location>"
refused "configtest: CORSOriginCache in a virtual host" "CORSOriginCache cannot occur within <VirtualHost> section" \
    "<VirtualHost 127.0.0.1:1>
CORSOriginCache shmcb
</VirtualHost>"
refused "configtest: an unknown cache provider" "CORSOriginCache: unknown cache 'nosuch'" \
    "CORSOriginCache nosuch"
refused "configtest: a source twice in one section" "is already given in this section" \
    "<Location /x>
CORSAllowOriginFile $data/bad.txt.ok
CORSAllowOriginFile $data/bad.txt.ok
</Location>"

for mpm in "$@"; do
    run_mpm "$mpm"
done

# server DIR MPM SUBDIR MODULE...: a throwaway httpd of its own for one scenario, serving
# DIR/www (with SUBDIR/data.txt), its configuration's body on stdin; sets $port and $base;
# false (counted as a failure) when it does not start.
server() {
    sdir=$1 smpm=$2 ssub=$3
    shift 3
    mkdir -p "$sdir/www/$ssub"
    echo data > "$sdir/www/$ssub/data.txt"
    chmod -R a+rX "$sdir"
    port=$(httpd_free_port)
    base="http://127.0.0.1:$port"
    {
        httpd_base "$sdir" "$smpm" "$@"
        echo "Listen 127.0.0.1:$port"
        echo "DocumentRoot $sdir/www"
        cat
    } > "$sdir/httpd.conf"
    httpd_start "$sdir" "$base/$ssub/data.txt" && return 0
    fail "httpd in $sdir started"
    return 1
}

# ---- the query budget (its own server: a budget of 20 a second per process) --------------
bdir="$root/budget"
rm -f "$data/tenants.db"
sql "CREATE TABLE tenant_origins (origin TEXT PRIMARY KEY);"
i=0
while [ $i -lt 400 ]; do echo "INSERT INTO tenant_origins VALUES ('https://listed$i.flood.example');"; i=$((i + 1)); done \
    | sqlite3 "$data/tenants.db"
chmod 644 "$data/tenants.db"
if server "$bdir" prefork query dbd <<EOF
StartServers 1
MinSpareServers 1
MaxSpareServers 1
MaxRequestWorkers 1
DBDriver sqlite3
DBDParams $data/tenants.db
CORSOriginQueryBudget 20
<Location /query>
    CORSAllowOriginQuery "SELECT 1 FROM tenant_origins WHERE origin = %s"
</Location>
EOF
then
    start=$(date +%s)
    allowed=$(flood "$base/query/data.txt" 400 listed)
    secs=$(( $(date +%s) - start + 1 ))
    bound=$((20 * secs))
    check "budget: 400 listed origins in $secs s, one process: at most 20 a second allowed ($allowed, bound $bound)" \
        yes "$([ "$allowed" -ge 20 ] && [ "$allowed" -le "$bound" ] && echo yes || echo no)"
    check "budget: the warning, once" 1 \
        "$(grep -c 'more than 20 origin queries a second in this process (CORSOriginQueryBudget)' "$bdir/error_log")"
    # A start-up warning, said by configtest and on the console at start (docs/logging.md).
    like "budget: without CORSOriginCache, configtest says so" \
        "CORSAllowOriginQuery without CORSOriginCache: each process keeps its own answers \\(for CORSOriginCacheTimeout\\), so every process queries the database for each origin not listed otherwise" \
        "$("$HTTPD_BIN" -t -f "$bdir/httpd.conf" 2>&1)"
    httpd_stop "$bdir"
fi

# ---- two virtual hosts, each its own database, one cache -----------------------------------
# The same query in both: an answer one host's database gave must never answer for the other.
vdir="$root/vhosts"
for h in a b; do
    rm -f "$data/$h.db"
    sqlite3 "$data/$h.db" "CREATE TABLE origins (origin TEXT PRIMARY KEY);
        INSERT INTO origins VALUES ('https://tenant-$h.example');"
    chmod 644 "$data/$h.db"
done
port2=$(httpd_free_port)
hosts="Listen 127.0.0.1:$port2"
for h in a b; do
    hosts="$hosts
<VirtualHost *>
    ServerName $h.test
    DocumentRoot $vdir/www
    DBDriver sqlite3
    DBDParams $data/$h.db
    CORSAllowOriginQuery \"SELECT 1 FROM origins WHERE origin = %s\"
    CORSAllowCredentials On
</VirtualHost>"
done
# And the same name twice, on two ports, each its own database (staging beside production).
for h in a b; do
    hosts="$hosts
<VirtualHost 127.0.0.1:$( [ $h = a ] && echo '${port}' || echo "$port2")>
    ServerName same.test
    DocumentRoot $vdir/www
    DBDriver sqlite3
    DBDParams $data/$h.db
    CORSAllowOriginQuery \"SELECT 1 FROM origins WHERE origin = %s\"
</VirtualHost>"
done
if server "$vdir" event . dbd socache_shmcb <<EOF
CORSOriginCache shmcb:$vdir/origin-cache(512000)
$(printf '%s\n' "$hosts" | sed "s/\${port}/$port/")
EOF
then
    check "vhosts: a's tenant allowed by a" https://tenant-a.example \
        "$(acao /data.txt https://tenant-a.example -H 'Host: a.test')"
    check "vhosts: ... and not by b, whose database does not list it (the cache holds a's answer)" - \
        "$(acao /data.txt https://tenant-a.example -H 'Host: b.test')"
    check "vhosts: b's tenant refused by a first (a 'no' cached for a)" - \
        "$(acao /data.txt https://tenant-b.example -H 'Host: a.test')"
    check "vhosts: ... still allowed by b" https://tenant-b.example \
        "$(acao /data.txt https://tenant-b.example -H 'Host: b.test')"
    check "vhosts: one name on two ports, two databases: a's tenant on the first" https://tenant-a.example \
        "$(acao /data.txt https://tenant-a.example -H 'Host: same.test')"
    check "vhosts: ... not on the second" - \
        "$(base="http://127.0.0.1:$port2"; acao /data.txt https://tenant-a.example -H 'Host: same.test')"
    httpd_stop "$vdir"
fi

# ---- a flood of strangers' origins does not lock the listed ones out ------------------------
# One process, a budget of 100 a second, answers fresh for 1 s, a cache so small (8 KB) that
# the flood's "no" answers soon push the listed one out of it: once the flood has spent the
# budget, a listed origin whose answer is due again (or gone from the cache) is asked from a
# budget of its own.
rdir="$root/refresh"
if server "$rdir" event query dbd socache_shmcb <<EOF
StartServers 1
ServerLimit 1
DBDriver sqlite3
DBDParams $data/tenants.db
CORSOriginCache shmcb:$rdir/origin-cache(8192)
CORSOriginCacheTimeout 1
CORSOriginQueryBudget 100
<Location /query>
    CORSAllowOriginQuery "SELECT 1 FROM tenant_origins WHERE origin = %s"
</Location>
EOF
then
    acao /query/data.txt https://listed7.flood.example >/dev/null
    flood "$base/query/data.txt" 40000 random > "$rdir/flood.out" &
    flooder=$!
    sleep 0.5
    seen=""
    i=0
    while [ $i -lt 12 ]; do
        seen="$seen $(acao /query/data.txt https://listed7.flood.example)"
        sleep 0.3
        i=$((i + 1))
    done
    kill "$flooder" 2>/dev/null || true
    wait "$flooder" 2>/dev/null || true
    # shellcheck disable=SC2086
    check "refresh: a listed origin stays allowed for 4 s of flood (its answer due again 3 times)" \
        "https://listed7.flood.example x12" \
        "$(printf '%s\n' $seen | sort | uniq -c | awk '{ printf "%s x%s", $2, $1 }')"
    like "refresh: ... while the flood spent the budget" "more than 100 origin queries a second" \
        "$(cat "$rdir/error_log")"
    httpd_stop "$rdir"
fi

tap_done

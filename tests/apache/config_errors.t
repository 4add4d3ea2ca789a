# config_errors.t - configurations apachectl configtest must refuse, with a message that helps.
use strict;
use warnings FATAL => 'all';

use File::Temp ();
use Apache::Test;
use Apache::TestUtil;
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

my $vars = Apache::Test::vars();
my $httpd = $vars->{httpd};

my @bad = (
    # [config lines, what the message must say]
    ["CORSAllowOrigin https://a.example/", qr/CORSAllowOrigin: 'https:\/\/a\.example\/' ends with a slash.*write 'https:\/\/a\.example'/],
    ["CORSAllowOrigin https://a.example/api", qr/CORSAllowOrigin: .*has a path/],
    ["CORSAllowOrigin https://a.example?x=1", qr/CORSAllowOrigin: .*query/],
    ["CORSAllowOrigin https://a.example#top", qr/CORSAllowOrigin: .*fragment/],
    ["CORSAllowOrigin https://user\@a.example", qr/CORSAllowOrigin: .*user information/],
    ["CORSAllowOrigin a.example", qr/CORSAllowOrigin: 'a\.example' has no scheme/],
    ["CORSAllowOrigin https://a.example:0", qr/CORSAllowOrigin: .*invalid port.*1 to 65535/],
    ["CORSAllowOrigin https://a.example:65536", qr/CORSAllowOrigin: .*invalid port/],
    ["CORSAllowOrigin https://a.*.example", qr/CORSAllowOrigin: .*'\*' in the wrong place/],
    ["CORSAllowOrigin https://*example.com", qr/CORSAllowOrigin: .*'\*' in the wrong place/],
    ["CORSAllowOrigin https://*.com", qr/CORSAllowOrigin: .*too broad/],
    ["CORSAllowOrigin *\nCORSAllowCredentials On", qr/CORSAllowCredentials: CORSAllowOrigin \* cannot be combined with CORSAllowCredentials On/],
    ["CORSAllowCredentials On\nCORSAllowOrigin *", qr/CORSAllowOrigin: CORSAllowOrigin \* cannot be combined/],
    ["CORSExposeHeaders *\nCORSAllowCredentials On", qr/CORSExposeHeaders \* cannot be combined with CORSAllowCredentials On/],
    ["CORSAllowOrigin *\n<Location /x>\nCORSAllowCredentials On\n</Location>", qr/in <Location \/x> in the main server: CORSAllowOrigin \*/],
    ["CORSAllowOrigin *\n<VirtualHost 127.0.0.1:9>\nCORSAllowCredentials On\n</VirtualHost>", qr/in the virtual host at .*CORSAllowOrigin \*/],
    ["CORSAllowOriginMatch ^(https://a", qr/CORSAllowOriginMatch: '\^\(https:\/\/a' is not a valid regular expression/],
    ["CORSMaxAge 86401", qr/CORSMaxAge: '86401' is not a number of seconds from 0 to 86400/],
    ["CORSMaxAge ten", qr/CORSMaxAge: 'ten' is not a number/],
    ["CORSMaxAge -1", qr/CORSMaxAge: '-1' is not a number/],
    ["CORSAllowMethods GET P(UT", qr/CORSAllowMethods: 'P\(UT' is not a valid HTTP method name/],
    ["CORSAllowMethods GET CONNECT", qr/CORSAllowMethods: 'CONNECT' is a method browsers never allow/],
    ["CORSAllowMethods TRACE", qr/CORSAllowMethods: 'TRACE'/],
    ["CORSAllowMethods TRACK", qr/CORSAllowMethods: 'TRACK'/],
    ["CORSAllowHeaders X-Ok X/Bad", qr/CORSAllowHeaders: 'X\/Bad' is not a valid HTTP header name/],
    ["CORSExposeHeaders X:Bad", qr/CORSExposeHeaders: 'X:Bad' is not a valid HTTP header name/],
    ["CORSEnable maybe", qr/CORSEnable must be On or Off/],
    ["CORSAllowCredentials yes", qr/CORSAllowCredentials must be On or Off/],
    ["CORSPreflightStatus 201", qr/CORSPreflightStatus: '201' is not 200 or 204/],
    ["CORSAllowMethods GET +PUT", qr/CORSAllowMethods: a line mixes '\+' items with plain ones/],
    ["CORSAllowOrigin https://a.example +https://b.example", qr/CORSAllowOrigin: a line mixes/],
    # mod_cors 1.1: what CORS cannot refuse, what cannot be taken away, lists past their bound.
    ["CORSAllowMethods -GET", qr/CORSAllowMethods: '-GET': CORS cannot refuse GET, HEAD or POST.*<Limit> or Require/],
    ["CORSAllowMethods +PUT -post", qr/CORSAllowMethods: '-post': CORS cannot refuse/],
    ["CORSAllowMethods * -HEAD", qr/CORSAllowMethods: '-HEAD': CORS cannot refuse/],
    ["CORSAllowOrigin -*", qr/CORSAllowOrigin: '-\*' cannot be taken away item by item/],
    ["CORSAllowHeaders " . join(' ', map { "X-H$_" } 1 .. 257), qr/CORSAllowHeaders: more than 256 header names in one section/],
    ["CORSAllowMethods " . join(' ', map { "M$_" } 1 .. 257), qr/CORSAllowMethods: more than 256 method names/],
    # Dangerous or dead policies (point 6).
    ["CORSAllowOriginMatch .*\nCORSAllowCredentials On", qr/CORSAllowCredentials: a CORSAllowOriginMatch regex that matches any origin cannot be combined with CORSAllowCredentials On/],
    ["CORSAllowCredentials On\nCORSAllowOriginMatch x|.*", qr/CORSAllowOriginMatch: a CORSAllowOriginMatch regex that matches any origin/],
    ["CORSAllowOriginMatch https?://.*\n<Location /x>\nCORSAllowCredentials On\n</Location>", qr/in <Location \/x> in the main server: a CORSAllowOriginMatch regex that matches any origin/],
    ["CORSAllowOrigin https://*.github.io", qr/'https:\/\/\*\.github\.io' lets strangers in: 'github\.io' is a public suffix/],
    ["CORSAllowOrigin https://*.co.uk", qr/'co\.uk' is a public suffix/],
    ["CORSAllowOrigin https://*.s3.amazonaws.com", qr/'s3\.amazonaws\.com' is a public suffix/],
    ["CORSAllowOrigin http://127.1:3999", qr/'http:\/\/127\.1:3999' is not how a browser writes that address: it sends 'http:\/\/127\.0\.0\.1:3999'/],
    ["CORSAllowOrigin http://1:6060", qr/it sends 'http:\/\/0\.0\.0\.1:6060'/],
    ["CORSAllowOrigin http://foo.bar.255", qr/'http:\/\/foo\.bar\.255' can never match/],
    ["CORSAllowOrigin http://127.0.0.1.1", qr/can never match/],
    ["CORSAllowOrigin http://[1::2::3]", qr/not a valid IPv6 address/],
    ["CORSAllowOrigin http://xn--f", qr/'xn--f' is not valid punycode/],
    ["CORSAllowOrigin file://localhost", qr/browsers send the origin 'null' for file: pages/],
    ["CORSAllowOrigin https://*.0.0.1", qr/a wildcard covers DNS names/],
    # Found by the outside review of 1.1.
    ["CORSAllowOrigin https://*.amazonaws.com", qr/'https:\/\/\*\.amazonaws\.com' lets strangers in: it covers '.*amazonaws\.com', a public suffix/],
    ["CORSAllowOriginMatch ^https://[a-z]+\\.[a-z]+\$\nCORSAllowCredentials On", qr/a CORSAllowOriginMatch regex that matches any origin cannot be combined/],
    ["CORSAllowOriginMatch ^https://.*\\.com\$\nCORSAllowCredentials On", qr/a CORSAllowOriginMatch regex that matches any origin cannot be combined/],
    ["CORSAllowOrigin wss://app.example.com", qr/no page has a wss: origin/],
    ["CORSAllowOriginMatch ^https://[a-z0-9-]+\\.vercel\\.app\$\nCORSAllowCredentials On", qr/regex that matches any origin cannot be combined/],
    ["CORSAllowOriginMatch ^https://(.*)\\.example\\.com(.*)\$\nCORSAllowCredentials On", qr/regex that matches any origin cannot be combined/],
    ["CORSAllowOriginMatch ^https://.*:8443\$\nCORSAllowCredentials On", qr/regex that matches any origin cannot be combined/],
    ["CORSAllowOrigin javascript:alert(1)", qr/pages at javascript: URLs have an opaque origin/],
    ["CORSAllowOrigin file:///", qr/browsers send the origin 'null' for file: pages/],
    ["CORSAllowOrigin data://x", qr/have an opaque origin, sent as 'null'/],
    ["CORSAllowOrigin https://app.example.com.", qr/ends its host with a dot.*write 'https:\/\/app\.example\.com'/],
    ["CORSAllowOrigin", qr/CORSAllowOrigin needs at least one value/],
    # 1.3.1 (G14): a regex that takes any label after the admin's domain is anyone's.
    ["CORSAllowOriginMatch ^https://app\\.example\\.[a-z]+\$\nCORSAllowCredentials On", qr/CORSAllowCredentials: a CORSAllowOriginMatch regex that matches any origin cannot be combined/],
    ["CORSAllowCredentials On\nCORSAllowOriginMatch ^https://app\\.example\\.(com|[a-z]{2,})\$", qr/CORSAllowOriginMatch: a CORSAllowOriginMatch regex that matches any origin cannot be combined/],
    ["CORSAllowOriginMatch ^https://app\\.example\\.\\w+\$\nCORSAllowCredentials On", qr/regex that matches any origin cannot be combined/],
    # Origins no page has (docs/directives.md, CORSAllowOrigin), and the origin sources' server-wide settings.
    ["CORSAllowOrigin ws://a.example", qr/CORSAllowOrigin: 'ws:\/\/a\.example' can never match: no page has a ws: origin/],
    ["CORSAllowOrigin ftp://a.example", qr/CORSAllowOrigin: 'ftp:\/\/a\.example' can never match: no page has a ftp: origin/],
    ["CORSAllowOrigin blob:https://a.example", qr/CORSAllowOrigin: 'blob:https:\/\/a\.example' can never match: no page has a blob: origin/],
    ["CORSAllowOrigin about:blank", qr/CORSAllowOrigin: 'about:blank' can never match: pages at about: URLs have an opaque origin/],
    ["CORSOriginCacheTimeout 0", qr/CORSOriginCacheTimeout: '0' is not a number from 1 to 86400/],
    ["CORSOriginCacheTimeout 86401", qr/CORSOriginCacheTimeout: '86401' is not a number from 1 to 86400/],
    ["CORSOriginCacheTimeout 1m", qr/CORSOriginCacheTimeout: '1m' is not a number/],
    ["CORSOriginCacheTimeout -5", qr/CORSOriginCacheTimeout: '-5' is not a number/],
    ["CORSOriginCacheTimeout 99999999999999999999", qr/CORSOriginCacheTimeout: '99999999999999999999' is not a number from 1 to 86400/],
    ["CORSOriginCacheTimeout", qr/CORSOriginCacheTimeout takes one argument/],
    ["CORSOriginQueryBudget 0", qr/CORSOriginQueryBudget: '0' is not a number from 1 to 100000/],
    ["CORSOriginQueryBudget 100001", qr/CORSOriginQueryBudget: '100001' is not a number from 1 to 100000/],
    ["CORSOriginQueryBudget many", qr/CORSOriginQueryBudget: 'many' is not a number/],
    ["CORSOriginQueryBudget 1.5", qr/CORSOriginQueryBudget: '1\.5' is not a number/],
    ["<Location /x>\nCORSOriginCacheTimeout 60\n</Location>", qr/CORSOriginCacheTimeout not allowed in <Location> context/],
    ["<Directory /tmp>\nCORSOriginQueryBudget 50\n</Directory>", qr/CORSOriginQueryBudget not allowed in <Directory> context/],
    ["<VirtualHost 127.0.0.1:9>\nCORSOriginCacheTimeout 60\n</VirtualHost>", qr/CORSOriginCacheTimeout cannot occur within <VirtualHost> section/],
    ["<VirtualHost 127.0.0.1:9>\nCORSOriginQueryBudget 50\n</VirtualHost>", qr/CORSOriginQueryBudget cannot occur within <VirtualHost> section/],
    # The bounds of one section (docs/directives.md: 256 regexes, 256 names).
    [join("\n", map { "CORSAllowOriginMatch ^https://r$_\\.example\\.com\$" } 1 .. 257), qr/CORSAllowOriginMatch: more than 256 regexes in one section/],
    ["CORSAllowOriginMatch " . join(' ', map { "^https://s$_\\.example\\.com\$" } 1 .. 257), qr/CORSAllowOriginMatch: more than 256 regexes in one section/],
    ["CORSExposeHeaders " . join(' ', map { "X-E$_" } 1 .. 257), qr/CORSExposeHeaders: more than 256 header names in one section/],
);

# CORSAllowOriginQuery's SQL, read by the core's check (cors_sql_check) at configtest: each
# refused with the reason.  Needs mod_dbd and APR's SQLite driver (libaprutil1-dbd-sqlite3).
my @sql_ok = (
    'SELECT 1 FROM tenant_origins WHERE origin = %s',
    'SELECT 1 FROM tenant_origins o JOIN tenants t ON t.id = o.tenant_id WHERE t.active = true AND o.origin = %s',
    'WITH x AS (SELECT origin FROM t) SELECT 1 FROM x WHERE origin = %s',
    'SELECT 1 FROM t WHERE active AND origin = %s LIMIT 1',
);
my @sql_refused = (
    # 1.3.0's refusals
    ['DELETE FROM t WHERE origin = %s', qr/is not a SELECT/],
    ['SELECT 1 FROM t WHERE origin LIKE %s', qr/compares the origin with LIKE/],
    ["SELECT 1 FROM t WHERE origin = '%s'", qr/must hold one %s, unquoted/],
    ['SELECT 1 FROM t WHERE origin = %s; DELETE FROM t', qr/must be one statement that only reads \(DELETE\)/],
    # 1.3.1's: a row for every origin
    ['SELECT 1 FROM t WHERE origin = %s OR 1=1', qr/OR is beside the origin's condition/],
    ['SELECT 1 FROM t WHERE NOT origin = %s', qr/the origin is compared as 'column = %s'/],
    ['SELECT 1 FROM t WHERE (origin = %s OR true)', qr/OR is beside the origin's condition/],
    ['SELECT 1 FROM t WHERE origin = %s IS NOT NULL', qr/part of a larger expression/],
    ['SELECT 1 FROM t WHERE coalesce(origin = %s, true)', qr/the origin is compared as 'column = %s'/],
    ['SELECT 1 FROM t WHERE CASE WHEN origin = %s THEN 1 ELSE 1 END = 1', qr/the origin is compared as 'column = %s'/],
    ['SELECT count(*) FROM t WHERE origin = %s', qr/aggregate count\(\).*any row returned allows the origin/],
    ['SELECT EXISTS(SELECT 1 FROM t WHERE origin = %s)', qr/selects EXISTS/],
    ['SELECT 1 FROM t WHERE origin = %s UNION SELECT 1', qr/combines queries with UNION/],
    ['SELECT 1 FROM t WHERE id IN (SELECT id FROM u WHERE origin = %s)', qr/elsewhere than in the outermost SELECT's WHERE clause/],
    ['SELECT 1 FROM t WHERE origin = %s -- x', qr/holds an SQL comment/],
    ['SELECT 1 FROM t WHERE origin <= %s', qr/compares the origin with '<='/],
    # the outside review of 1.3.1: any function may be an aggregate
    ['SELECT corr(1, 1) FROM t WHERE origin = %s', qr/brackets in its select list/],
    ['SELECT 1 FROM t WHERE origin = %s ORDER BY corr(1, 1)', qr/orders by a function without GROUP BY/],
);
plan tests => 2 * @bad + 17 + 13 + @sql_ok + 2 * @sql_refused + 7 + 4, need_module 'cors';

my $dir = File::Temp::tempdir(CLEANUP => 1);

# httpd -t's exit status and output.  A crash is a failure too: $? >> 8 alone reads an httpd
# killed by a signal as status 0, "loaded".
sub configtest {
    my $conf = write_conf($dir, '127.0.0.1:9', shift);
    my $out = `$httpd -t -f $conf 2>&1`;
    my $signal = $? & 127;
    return (255, "cannot run $httpd: $!") if $? == -1;
    return (128 + $signal, "$out\n(httpd killed by signal $signal)") if $signal;
    return ($? >> 8, $out);
}

# For a check that something is NOT said: it is only worth anything if the configuration
# loaded (a refusal says nothing of it either).
sub loaded_quietly {
    my ($rc, $out, $unwanted) = @_;
    return "refused (rc $rc): $out" if $rc != 0;
    return "warned: $out" if $out =~ $unwanted;
    return 'loaded, not warned';
}

for my $b (@bad) {
    my ($lines, $want) = @$b;
    my ($rc, $out) = configtest($lines);
    (my $one = $lines) =~ s/\n/; /g;
    $one = substr($one, 0, 117) . '...' if length $one > 120;
    ok t_cmp($rc != 0 ? 'refused' : 'accepted', 'refused', "configtest refuses: $one");
    ok t_cmp($out, $want, "... and says what is wrong: $one");
}

my ($rc, $out) = configtest("CORSAllowOrigin null");
ok t_cmp($rc, 0, "CORSAllowOrigin null loads");
ok t_cmp($out, qr/\[cors:warn\].*allowing the origin 'null'.*any page can send it/, '... with a warning');

# Allowed but unwise: a warning at start-up, not a refusal.
($rc, $out) = configtest("CORSAllowOriginMatch .*");
ok t_cmp($rc, 0, "an any-origin regex without credentials loads");
ok t_cmp($out, qr/'\.\*' matches any origin.*anchor it to your own domains/, '... with a warning');
($rc, $out) = configtest("CORSAllowOrigin http://app.example.com\nCORSAllowCredentials On");
ok t_cmp($rc, 0, "credentials for an http:// origin load");
ok t_cmp($out, qr/'http:\/\/app\.example\.com' is allowed with CORSAllowCredentials On over plain http/,
         '... with a warning');
# Loaded, and without the warning: a refusal would say nothing of plain http either.
($rc, $out) = configtest("CORSAllowOrigin http://localhost:3000 http://127.0.0.1:8080\nCORSAllowCredentials On");
ok t_cmp(loaded_quietly($rc, $out, qr/over plain http/), 'loaded, not warned', "... but not for loopback origins");
($rc, $out) = configtest("CORSAllowOrigin * -https://*.github.io");
ok t_cmp($rc, 0, "a removal over a public suffix loads: taking it away lets nobody in");
# The start-up's own words (issue 14): where, and through the main server's log.
($rc, $out) = configtest("CORSAllowOriginMatch ^https://(foo");
ok t_cmp($out, qr/'\^https:\/\/\(foo' is not a valid regular expression \(.* at offset 13\)/,
         "a regex error quotes the pattern and an offset into it");
# Warnings, not refusals: each of these loads (the status is checked with the words).
($rc, $out) = configtest("<VirtualHost 127.0.0.1:9>\nServerName api.example.test\nLogLevel error\nCORSAllowOrigin null\n</VirtualHost>");
ok t_cmp("rc $rc: $out", qr/^rc 0: .*\[cors:warn\].*in the virtual host at .*\(api\.example\.test\): allowing the origin 'null'/s,
         "the null warning is given whatever the virtual host's LogLevel, naming it");
($rc, $out) = configtest("<VirtualHost 127.0.0.1:9>\nCORSAllowOrigin https://v1.example.com\nCORSAllowMethods patch\n</VirtualHost>");
ok t_cmp("rc $rc: $out", qr/^rc 0: .*'patch' is in lower case/s, "a directive's warning inside a virtual host is given too");
($rc, $out) = configtest("CORSEnable Off\n<VirtualHost 127.0.0.1:9>\nServerName v.example.test\nCORSAllowOrigin https://app.example.com\n</VirtualHost>");
ok t_cmp("rc $rc: $out", qr/^rc 0: .*in the virtual host at .*\(v\.example\.test\): the origin list has no effect: CORSEnable Off at .*httpd\.conf:\d+ is in force there/s,
         "an origin list under an inherited CORSEnable Off is warned about, naming the Off line");
($rc, $out) = configtest("CORSAllowMethods GET patch");
ok t_cmp("rc $rc: $out", qr/^rc 0: .*'patch' is in lower case: browsers send methods other than/s, "a lower-case method is warned about");
($rc, $out) = configtest("LogLevel info\nCORSAllowOrigin http://[0:0:0:0:0:0:0:1]:8080");
ok t_cmp($rc, 0, "an IPv6 literal written in full loads");
ok t_cmp($out, qr/'http:\/\/\[0:0:0:0:0:0:0:1\]:8080' is read as 'http:\/\/\[::1\]:8080', the form browsers send/,
         '... normalised, and said at info');

($rc, $out) = configtest(join "\n", 'CORSEnable On',
    'CORSAllowOrigin https://a.example "https://b.example, https://c.example"',
    'CORSAllowOrigin https://*.d.example http://localhost:* http://[::1]:8080 null',
    'CORSAllowOriginMatch ^https://[a-z]+\.e\.example$', 'CORSAllowMethods "GET, POST" PUT',
    'CORSAllowHeaders *', 'CORSExposeHeaders X-A', 'CORSMaxAge 0', 'CORSPreflightStatus 200',
    'CORSAllowPrivateNetwork On', 'CORSDebug On', 'CORSAllowCredentials Off');
ok t_cmp($rc, 0, 'every directive in its valid forms loads');
ok t_cmp($out, qr/Syntax OK/, '... Syntax OK');

# ---- 1.3.1 ---------------------------------------------------------------------------------
# G14 without credentials: loads, with the any-origin warning; regexes that name the label
# after the domain, or match under it, stay quiet with credentials.
($rc, $out) = configtest("CORSAllowOriginMatch ^https://app\\.example\\.[a-z]+\$");
ok t_cmp($rc, 0, "a regex open after its domain, without credentials, loads");
# (the error log doubles a backslash)
ok t_cmp($out, qr/'\^https:\/\/app\\+\.example\\+\.\[a-z\]\+\$' matches any origin/, '... with the any-origin warning');
for my $re ('^https://app\\.example\\.(com|org)$', '^https://[a-z0-9-]+\\.example\\.com$',
            '^https://pr-[0-9]+\\.preview\\.example\\.com$') {
    ($rc, $out) = configtest("CORSAllowOriginMatch $re\nCORSAllowCredentials On");
    ok t_cmp(loaded_quietly($rc, $out, qr/matches any origin/), 'loaded, not warned',
             "with credentials, $re loads without a warning");
}

# Promises 1.3.0 already kept, now tested: the forms that load.
for my $lines ("CORSAllowOrigin capacitor://localhost\nCORSAllowCredentials On",
               "CORSOriginCacheTimeout 1", "CORSOriginCacheTimeout 86400",
               "CORSOriginQueryBudget 1", "CORSOriginQueryBudget 100000",
               join("\n", map { "CORSAllowOriginMatch ^https://r$_\\.example\\.com\$" } 1 .. 256),
               "CORSExposeHeaders " . join(' ', map { "X-E$_" } 1 .. 256)) {
    ($rc, $out) = configtest($lines);
    (my $one = $lines) =~ s/\n/; /g;
    $one = substr($one, 0, 77) . '...' if length $one > 80;
    ok t_cmp("rc $rc: $out", qr/^rc 0: .*Syntax OK/s, "loads: $one");
}
($rc, $out) = configtest("<Location /x>\nCORSAllowOriginMatch "
                         . join(' ', map { "^https://t$_\\.example\\.com\$" } 1 .. 256)
                         . "\n</Location>\n<Location /y>\nCORSAllowOriginMatch "
                         . join(' ', map { "^https://u$_\\.example\\.com\$" } 1 .. 256) . "\n</Location>");
ok t_cmp("rc $rc: $out", qr/^rc 0: /, "the 256-regex bound is per section: 256 in each of two load");

my $mods = `apxs -q LIBEXECDIR`;
chomp $mods;
my $db = "$dir/tenants.db";
open my $dbfh, '>', $db or die "$db: $!";
close $dbfh;
sub sql_configtest {
    my $sql = shift;
    return configtest("LoadModule dbd_module $mods/mod_dbd.so\nDBDriver sqlite3\nDBDParams $db\n"
                      . "<Location /x>\nCORSAllowOriginQuery \"$sql\"\n</Location>");
}
($rc, $out) = sql_configtest($sql_ok[0]);
my $no_sqlite = !-e "$mods/mod_dbd.so" ? 'mod_dbd is not installed'
              : $out =~ /driver|DBDriver/i && $rc != 0 ? "no SQLite driver for apr_dbd: $out" : '';
for my $sql (@sql_ok) {
    if ($no_sqlite) { skip $no_sqlite; next }
    ($rc, $out) = sql_configtest($sql);
    ok t_cmp("rc $rc: $out", qr/^rc 0: /, "CORSAllowOriginQuery loads: $sql");
}
for my $c (@sql_refused) {
    my ($sql, $want) = @$c;
    if ($no_sqlite) { skip $no_sqlite for 1 .. 2; next }
    ($rc, $out) = sql_configtest($sql);
    ok t_cmp($rc != 0 ? 'refused' : 'accepted', 'refused', "CORSAllowOriginQuery refused: $sql");
    ok t_cmp($out, qr/CORSAllowOriginQuery: '\Q$sql\E'.*$want/, "... saying why: $sql");
}

# CORSOriginCacheSecret: at least 32 bytes, root's alone (a group other than root's could be
# httpd's, whose scripts would read it).
my $key = "$dir/cache.key";
sub secret_test {
    my ($text, $mode, $gid) = @_;
    unlink $key;
    if (defined $text) {
        open my $kfh, '>', $key or die "$key: $!";
        print $kfh $text;
        close $kfh;
        chmod $mode, $key;
        chown 0, $gid, $key;
    }
    return configtest("CORSOriginCacheSecret $key");
}
my $www = getgrnam('www-data') // 33;
($rc, $out) = secret_test(('ab' x 32) . "\n", 0600, 0);
ok t_cmp("rc $rc: $out", qr/^rc 0: .*CORSOriginCacheSecret \S+ is not used/s,
         "a 64-byte secret of root's loads (and without a remote cache is said to be unused)");
($rc, $out) = secret_test(('ab' x 32) . "\n", 0640, 0);
ok t_cmp($rc, 0, "... readable by root's group too");
($rc, $out) = secret_test(('ab' x 32) . "\n", 0644, 0);
ok t_cmp("rc $rc: $out", qr/^rc [1-9].*can be read by users other than root/s, "a secret every user can read is refused");
($rc, $out) = secret_test(('ab' x 32) . "\n", 0640, $www);
ok t_cmp("rc $rc: $out", qr/^rc [1-9].*can be read by users other than root/s, "a secret httpd's group can read is refused");
($rc, $out) = secret_test("short\n", 0600, 0);
ok t_cmp("rc $rc: $out", qr/^rc [1-9].*holds 5 bytes: give at least 32/s, "a secret under 32 bytes is refused");
($rc, $out) = secret_test(undef);
ok t_cmp("rc $rc: $out", qr/^rc [1-9].*CORSOriginCacheSecret: cannot read/s, "a missing secret is refused");
($rc, $out) = configtest("<Location /x>\nCORSOriginCacheSecret $key\n</Location>");
ok t_cmp($rc != 0 ? 'refused' : 'accepted', 'refused', "CORSOriginCacheSecret is the server's: refused in a section");

# 1.4: CORSAllowPrivateNetwork is obsolete (Chrome 142's Local Network Access): said by
# configtest, which still loads; CORSHandlers is the server's own.
($rc, $out) = configtest("<Location /pna>\nCORSAllowOrigin https://a.example\nCORSAllowPrivateNetwork On\n</Location>");
ok t_cmp("rc $rc: $out", qr/^rc 0: .*CORSAllowPrivateNetwork at \S+httpd\.conf:\d+ is obsolete: Chrome 142 and later ask the user \(the Local Network Access permission\)/s,
         'CORSAllowPrivateNetwork: configtest says it is obsolete, and loads');
($rc, $out) = configtest("<Location /x>\nCORSHandlers On\n</Location>\nCORSHandlers Off");
ok t_cmp($rc, 0, 'CORSHandlers in a section and the server config loads');
($rc, $out) = configtest("<Location /x>\nCORSHandlers maybe\n</Location>");
ok t_cmp("rc $rc: $out", qr/^rc [1-9].*CORSHandlers must be On or Off/s, 'CORSHandlers takes On or Off');
($rc, $out) = configtest("<Location /x>\nCORSReportOnly yes\n</Location>");
ok t_cmp("rc $rc: $out", qr/^rc [1-9].*CORSReportOnly must be On or Off/s, 'CORSReportOnly takes On or Off');

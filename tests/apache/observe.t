# observe.t - seeing what the policy does: report-only beside a recipe and a PHP app's own
# headers, Timing-Allow-Origin, the counters, cors-info on a merged tree, and who may see them.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test;
use Apache::TestUtil;
use Apache::TestRequest qw(GET GET_BODY OPTIONS);
use JSON::PP ();
use CorsTest;

plan tests => 73, need_module 'cors';

my $app = 'https://app.example.com';
my $vars = Apache::Test::vars();
my $have_php = have_module('php');

# Every header but Date, in order: what a browser (and a cache) sees of a response.
sub headers_of {
    my $res = shift;
    my @lines;
    $res->headers->scan(sub { push @lines, "$_[0]: $_[1]" unless $_[0] =~ /^(Date|Client-)/i });
    return join "\n", $res->code, @lines, '', $res->content;
}

# ---- report-only beside the mod_headers recipe --------------------------------------------
for my $origin ($app, 'https://evil.example') {
    my $report = get_from '/observe/recipe/report/data.txt', $origin;
    my $off = get_from '/observe/recipe/off/data.txt', $origin;
    ok t_cmp(headers_of($report), headers_of($off),
             "report-only, GET from $origin: the response is the recipe's, byte for byte");
    $report = preflight '/observe/recipe/report/data.txt', $origin, 'PUT';
    $off = preflight '/observe/recipe/off/data.txt', $origin, 'PUT';
    ok t_cmp(headers_of($report), headers_of($off),
             "report-only, preflight from $origin: not answered, the recipe's response");
}
# The policy in force (no report-only): its headers replace the recipe's.
my $res = get_from '/observe/recipe/data.txt', 'https://evil.example';
ok t_cmp(acao($res), undef, 'enforced: the recipe\'s "*" is replaced by the refusal');
$res = get_from '/observe/recipe/data.txt', $app;
ok t_cmp(acao($res), $app, 'enforced: the origin allowed');

# ---- report-only beside a PHP app's own headers --------------------------------------------
if ($have_php) {
    for my $origin ($app, 'https://evil.example') {
        my $report = get_from '/observe-php/acao.php', $origin;
        my $off = get_from '/observe-php-off/acao.php', $origin;
        ok t_cmp(headers_of($report), headers_of($off),
                 "report-only, PHP from $origin: the app's response, byte for byte");
    }
}
else {
    skip 'mod_php not loaded' for 1 .. 2;
}

# ---- the outcomes and the disagreements ----------------------------------------------------
my $start = log_size();
get_from "/observe/recipe/report/data.txt?d=1", 'https://stranger.example';
get_from "/observe/recipe/report/data.txt?d=2", 'https://stranger.example';
my $lines = log_since($start, qr/stranger/);
ok t_cmp($lines,
         qr/\[cors:warn\].*mod_cors report-only: GET \/observe\/recipe\/report\/data\.txt from origin 'https:\/\/stranger\.example': the response allows it \(Access-Control-Allow-Origin: \*\), the policy would refuse it: origin 'https:\/\/stranger\.example' is not allowed/,
         'a disagreement: the URL, the origin and both answers at warn');
ok t_cmp(scalar(() = $lines =~ /report-only: GET .*stranger\.example': the response allows/g) <= 2,
         1, 'said once per process (two requests: at most one line per process that served)');
ok t_cmp($lines, qr/\[cors:info\].*report-only: CORS request refused for GET \/observe\/recipe\/report\/data\.txt/,
         'the refusal is logged at cors:info, marked report-only');

my $outcome_log = "$vars->{t_logs}/cors_outcome_log";
my $report_from = -s $outcome_log // 0;     # the log outlives a run: only what this one adds
get_from '/observe/recipe/report/data.txt?n=1', $app;
get_from '/observe/recipe/report/data.txt?n=2', 'https://evil.example';
preflight '/observe/recipe/report/data.txt?n=3', $app, 'PUT';
preflight '/observe/recipe/report/data.txt?n=4', $app, 'PATCH';
my $text = '';
for (1 .. 50) {
    open my $fh, '<', $outcome_log or die "$outcome_log: $!";
    seek $fh, $report_from, 0;
    $text = do { local $/; <$fh> } // '';
    last if $text =~ /\?n=4/;
    select undef, undef, undef, 0.1;
}
my %want = (1 => 'report-allowed', 2 => 'report-refused-origin', 3 => 'report-preflight',
            4 => 'report-refused-method');
for my $n (sort keys %want) {
    my ($got) = $text =~ /\?n=$n HTTP\/1\.1 (\S+)$/m;
    ok t_cmp($got, $want{$n}, "%{cors}n under report-only: $want{$n}");
}

# Start-up: the engines that shorten a large CORSMaxAge (config_errors.t: the obsolete
# CORSAllowPrivateNetwork, which configtest says).
my $startup = do { local (@ARGV, $/) = (CorsTest::error_log()); <> };
ok t_cmp($startup, qr{\[cors:info\].*mod_cors: <Location /observe/star> in the main server: CORSMaxAge 9000 at \S+extra\.conf:\d+ is shortened by WebKit \(Safari\) to 600 s, Chromium to 7200 s},
         'start-up: the engines that cap CORSMaxAge 9000');

# A front controller's internal redirect: the log names the browser's URL.
$start = log_size();
$res = get_from '/observe/fc/items', 'https://fc-evil.example';
ok t_cmp($res->code, 200, 'the rewritten URL answers');
ok t_cmp(log_since($start, qr/fc-evil/), qr{CORS request refused for GET /observe/fc/items: origin 'https://fc-evil\.example'},
         'the refusal names the URL the browser asked for, not the rewrite\'s target');

# ---- Timing-Allow-Origin ---------------------------------------------------------------------
$res = get_from '/observe/recipe/data.txt', $app;
ok t_cmp(scalar $res->header('Timing-Allow-Origin'), $app, 'Timing-Allow-Origin: the origin');
$res = get_from '/observe/recipe/data.txt', 'https://evil.example';
ok t_cmp(scalar $res->header('Timing-Allow-Origin'), undef, 'refused: no Timing-Allow-Origin');
$res = preflight '/observe/recipe/data.txt', $app, 'PUT';
ok t_cmp(scalar $res->header('Timing-Allow-Origin'), undef, 'a preflight: none');
$res = get_from '/observe/star/data.txt', 'https://anyone.example';
ok t_cmp(scalar $res->header('Timing-Allow-Origin'), '*', 'under CORSAllowOrigin *: "*"');
$res = get_from '/api/data.txt', $app;
ok t_cmp(scalar $res->header('Timing-Allow-Origin'), undef, 'not asked for: none');
# The docs' review: CORSTimingAllowOrigin beside CORSDebug hid the refusal's reason.
$res = get_from '/observe/tdebug/data.txt', 'https://evil.example';
ok t_cmp(scalar $res->header('X-CORS-Reason'), qr/origin 'https:\/\/evil\.example' is not allowed/,
         'CORSTimingAllowOrigin and CORSDebug: the reason still said');
ok t_cmp(scalar $res->header('Timing-Allow-Origin'), undef, '... and no Timing-Allow-Origin');

# ---- the counters ----------------------------------------------------------------------------
sub counts {
    my $body = GET_BODY('/observe/metrics');
    my %c;
    while ($body =~ /^mod_cors_requests_total\{server="[^"]+",outcome="([^"]+)"\} (\d+)$/mg) {
        $c{$1} += $2;
    }
    return \%c;
}
my $before = counts();
my $r = GET('/observe/metrics');
ok t_cmp(scalar $r->header('Content-Type'), 'text/plain; version=0.0.4; charset=utf-8',
         'cors-metrics: the Prometheus text format');
ok t_cmp($r->content, qr/^# TYPE mod_cors_source_lookups_total counter$/m,
         'cors-metrics: the source family');
get_from '/api/data.txt?c=1', $app for 1 .. 3;
get_from '/api/data.txt?c=2', 'https://evil.example' for 1 .. 2;
preflight '/api/data.txt?c=3', $app, 'PUT' for 1 .. 4;
preflight '/api/data.txt?c=4', $app, 'PURGE';
preflight '/api/data.txt?c=5', $app, 'PUT', 'Access-Control-Request-Headers' => 'x-nope';
get_from '/api/data.txt?c=6' for 1 .. 5;                         # no Origin: not counted
get_from '/observe/recipe/report/data.txt?c=7', $app for 1 .. 2;
my $after = counts();
my %delta = map { $_ => ($after->{$_} // 0) - ($before->{$_} // 0) } keys %$after;
ok t_cmp(join(' ', map { "$_=$delta{$_}" } qw(allowed refused-origin preflight refused-method
                                                refused-header report-allowed)),
         'allowed=3 refused-origin=2 preflight=4 refused-method=1 refused-header=1 report-allowed=2',
         'the counters: exactly the mix sent, requests without Origin not counted');

# ---- who may see them ------------------------------------------------------------------------
ok t_cmp(GET('/observe/nohandlers')->code, 404, 'cors-info without CORSHandlers On: 404');
ok t_cmp(GET('/observe/ht/data.txt')->code, 404,
         'SetHandler cors-metrics in an .htaccess file: 404');
$start = log_size();
ok t_cmp(GET('/observe/ht2/data.txt')->code, 500, 'CORSHandlers in an .htaccess file: 500');
ok t_cmp(log_since($start, qr/CORSHandlers/), qr/CORSHandlers not allowed here/,
         '... with httpd\'s log line');

# ---- cors-info: a merged tree, line by line ---------------------------------------------------
my $conf = "$vars->{t_conf}/extra.conf";
my %line;
{
    open my $fh, '<', $conf or die "$conf: $!";
    while (<$fh>) {
        $line{dir_origin} //= $. if m{CORSAllowOrigin https://dir\.example};
        next unless $line{dir_origin};      # the tree's lines only, from its first on
        $line{dir_methods} //= $. if m{CORSAllowMethods GET PUT$} && $line{dir_origin};
        $line{if_origin} //= $. if m{CORSAllowOrigin \+https://if\.example};
        $line{if_method} //= $. if m{CORSAllowMethods \+DELETE};
        $line{if_asker} //= $. if m{<If "-R '127\.0\.0\.0/8'">};
        $line{creds} //= $. if m{^\s+CORSAllowCredentials On$} && $line{if_asker};
        $line{max_age} //= $. if m{CORSMaxAge 120};
    }
}
my $ht = "$vars->{documentroot}/observe/tree/sub/.htaccess";
my $info = GET_BODY('/observe/info?path=/observe/tree/sub/data.txt&origin=https://if.example&method=DELETE');
ok t_cmp($info, qr{^origins:\n\s+https://if\.example\s+origin\s+added\s+\Q$conf\E:$line{if_origin}\n\s+https://ht\.example\s+origin\s+added\s+\Q$ht\E:1\n\s+https://dir\.example\s+origin\s+listed\s+\Q$conf\E:$line{dir_origin}\n}m,
         'cors-info: the origins, nearest first, each with its file and line (<If> on the origin, .htaccess, <Directory>)');
ok t_cmp($info, qr{^methods:\n\s+DELETE\s+name\s+added\s+\Q$conf\E:$line{if_method}\n\s+PUT\s+name\s+listed\s+\Q$conf\E:$line{dir_methods}\n\s+GET\s+name\s+listed\s+\Q$conf\E:$line{dir_methods}\n}m,
         'cors-info: the methods (<If> on the method carried by the lookup)');
ok t_cmp($info, qr{^expose headers:\n\s+X-Ht\s+name\s+listed\s+\Q$ht\E:2\n}m,
         'cors-info: the exposed header from the .htaccess file');
ok t_cmp($info, qr{^max age:\s+120\s+\Q$conf\E:$line{max_age}$}m, 'cors-info: max-age from <Location>');
ok t_cmp($info, qr{^credentials:\s+on\s+\Q$conf\E:$line{creds}$}m,
         'cors-info: credentials from the <If> on the asker\'s address');
ok t_cmp($info, qr{^max age:\s+120}m, 'cors-info: the server-wide CORSMaxAge overridden');
ok t_cmp($info, qr{^  request:\s+allowed\n\s+Access-Control-Allow-Origin: https://if\.example\n\s+Access-Control-Allow-Credentials: true}m,
         'cors-info: the decision for the origin');
# A preflight is an OPTIONS: the <If> on DELETE is not its branch, as a real one shows
# (the outside review of 1.4: the lookup had carried the method asked about).
ok t_cmp($info, qr{^  preflight for DELETE:\s+refused-method\n\s+Vary: Origin\n\s+why: Method DELETE is not allowed}m,
         'cors-info: the preflight decided on what an OPTIONS lookup merges');
ok t_cmp(preflight('/observe/tree/sub/data.txt', 'https://if.example', 'DELETE')->code, 403,
         '... as the real preflight is refused');
ok t_cmp($info, qr{^conditions a lookup cannot give.*\n(?:  .*\n)*?\s+<If "-R '127\.0\.0\.0/8'">\s+\Q$conf\E:$line{if_asker}\n}m,
         'cors-info: the condition on the asker\'s address is named');
ok t_cmp($info !~ /REQUEST_METHOD|if\.example'">/, 1,
         'cors-info: conditions on the origin and method asked about are not');

# Without the origin and method, the <If> branches on them are not taken.
$info = GET_BODY('/observe/info?path=/observe/tree/sub/data.txt');
ok t_cmp($info !~ /if\.example/ && $info !~ /DELETE/, 1,
         'cors-info: another origin, another method: their <If> branches not merged');
ok t_cmp($info !~ /decision/, 1, 'cors-info: no origin given, no decision');
$info = GET_BODY('/observe/info?path=/observe/tree/sub/data.txt&origin=https://nope.example');
ok t_cmp($info, qr{^  request:\s+refused-origin\n.*\n\s+why: origin 'https://nope\.example' is not allowed}m,
         'cors-info: a refused origin, with the reason');

# JSON, for tools.
$r = GET('/observe/info?path=/observe/tree/sub/data.txt&origin=https://if.example&method=DELETE',
         Accept => 'application/json');
ok t_cmp(scalar $r->header('Content-Type'), 'application/json', 'cors-info: JSON with Accept');
my $json = $r->content;
ok t_cmp($json, qr{"origins": \[\n    \{"item": "https://if\.example", "kind": "origin", "edit": "added", "where": "\Q$conf\E:$line{if_origin}"\}},
         'cors-info JSON: items with kind, edit and where');
ok t_cmp($json, qr{"max_age": \{"value": "120", "where": "\Q$conf\E:$line{max_age}"\}},
         'cors-info JSON: a setting with where');
ok t_cmp($json, qr{"request": \{"outcome": "allowed", "allow_origin": "https://if\.example"},
         'cors-info JSON: the decision');
ok t_cmp($json, qr{"expose_headers": \[}, 'cors-info JSON: the keys are names for tools');
ok t_cmp(GET_BODY('/observe/info?path=/observe/tree/sub/data.txt&json') =~ /^\{/ ? 1 : 0, 1,
         'cors-info: JSON with &json');
ok t_cmp(GET('/observe/info?path=nope')->code, 400, 'cors-info: a path not starting with /: 400');
ok t_cmp(GET('/observe/info?path=/observe/tree/sub/data.txt&origin=https://x.example%0d%1b')->content,
         qr{^origin:\s+https://x\.example\\x0d\\x1b$}m,
         'cors-info: control bytes in what was asked are shown escaped');
ok t_cmp(OPTIONS('/observe/info?path=/x')->code, 405, 'cors-info: GET only');

# ---- the outside review of 1.4 part 2 -------------------------------------------------------
# The handlers where an .htaccess file took part: /observe/hinfo is the admin's <Location>
# (SetHandler cors-info, CORSHandlers On, Require all denied); the tenant's .htaccess under it
# (AllowOverride All) holds <If "true"> Require all granted </If>, which merges after the
# <Location> and undoes its Require.  A 404, not 403: the tenant's <If> did let the request in;
# not 200: cors-info does not answer.
$start = log_size();
$r = GET('/observe/hinfo/data.txt?path=/observe/tree/sub/data.txt&origin=https://dir.example');
ok t_cmp($r->code, 404,
         'cors-info where a tenant\'s .htaccess <If> undid the <Location>\'s Require all denied: 404, not 200');
ok t_cmp($r->content !~ /policy in force|extra\.conf|dir\.example/ ? 1 : 0, 1,
         '... and none of the admin\'s configuration is shown');
my $hdir = "$vars->{documentroot}/observe/hinfo";
ok t_cmp(log_since($start, qr/hinfo/),
         qr{\[cors:warn\].*mod_cors: SetHandler cors-info is not answered for /observe/hinfo/data\.txt: the \.htaccess file of \Q$hdir\E/? took part in its configuration},
         '... the error log says (warn) which directory\'s .htaccess file took part');
$r = GET('/observe/hinfo/metrics.txt');
ok t_cmp($r->code . ($r->content =~ /mod_cors_/ ? ' with counters' : ''), 404,
         'cors-metrics under the same tenant\'s .htaccess: 404, no counters shown');
$r = GET('/observe/info?path=/observe/tree/sub/data.txt');
ok t_cmp($r->code . ($r->content =~ /^mod_cors: the policy in force/ ? ' answered' : ''),
         '200 answered', 'cors-info in a <Location> with no .htaccess under it still answers');

# cors-info's arguments: a NUL is refused; bytes that are not UTF-8 are escaped in text and
# are U+FFFD in JSON, which must parse.
ok t_cmp(GET('/observe/info?path=/observe/tree/sub/data.txt%00.php')->code, 400,
         'cors-info: %00 in path= answers 400 (not an answer for the path cut at the NUL)');
ok t_cmp(GET('/observe/info?path=/observe/tree/sub/data.txt&origin=https://app.example.com%00x')->code,
         400, 'cors-info: %00 in origin= answers 400');
$r = GET('/observe/info?path=/observe/tree/sub/data.txt&json&origin=%ff%fe');
my $decoded = eval { JSON::PP->new->utf8->decode($r->content) };
ok t_cmp(defined $decoded ? 'parses' : "does not parse: $@", 'parses',
         'cors-info JSON for origin=%ff%fe: the raw bytes parse as UTF-8 JSON (JSON::PP)');
ok t_cmp(defined $decoded ? join(' ', map { sprintf 'U+%04X', ord } split //, $decoded->{origin}) : undef,
         'U+FFFD U+FFFD', '... the origin given as U+FFFD U+FFFD');
ok t_cmp(GET_BODY('/observe/info?path=/observe/tree/sub/data.txt&origin=%ff%fe'),
         qr{^origin:\s+\\xff\\xfe$}m, 'cors-info text for origin=%ff%fe: shown as \xff\xfe');

# Conditions on headers: one the lookup cannot give (X-Tenant, the asker's own) is listed;
# one on Origin (the lookup carries the origin asked about) is not, and its branch is taken.
$info = GET_BODY('/observe/info?path=/observe/cond/data.txt&origin=https://ho.example');
my ($conds) = $info =~ /^conditions a lookup cannot give[^\n]*\n((?:  [^\n]*\n)*)/m;
$conds //= '';
ok t_cmp($conds, qr{^\s+<If "%\{HTTP:X-Tenant\} == 'a'">\s+\Q$conf\E:\d+$}m,
         'cors-info: <If "%{HTTP:X-Tenant} == \'a\'"> (a CORS line in it) is listed among the conditions a lookup cannot give');
ok t_cmp($conds !~ /HTTP:Origin/ ? 1 : 0, 1,
         'cors-info: <If "%{HTTP:Origin} == ..."> is not (the lookup carries the origin)');
ok t_cmp($info, qr{^  request:\s+allowed\n\s+Access-Control-Allow-Origin: https://ho\.example$}m,
         '... and its branch is merged: https://ho.example allowed');

# An <If> only a preflight takes (REQUEST_METHOD OPTIONS adds PATCH): cors-info agrees with the
# real preflight.
$info = GET_BODY('/observe/info?path=/observe/pre/data.txt&origin=https://app.example.com&method=PATCH');
ok t_cmp($info, qr{^  preflight for PATCH:\s+preflight\n\s+Access-Control-Allow-Origin: https://app\.example\.com\n\s+Access-Control-Allow-Methods: GET, PATCH$}m,
         'cors-info: <If "%{REQUEST_METHOD} == \'OPTIONS\'"> CORSAllowMethods +PATCH: the preflight for PATCH allowed');
$r = preflight('/observe/pre/data.txt', $app, 'PATCH');
ok t_cmp($r->code . ' ' . ($r->header('Access-Control-Allow-Methods') // '-'), '204 GET, PATCH',
         '... as the real preflight for PATCH is: 204, PATCH allowed');

# %{cors}n where the ErrorDocument's own URL fails: /observe/edoc has a policy and
# ErrorDocument 404 /observe/denied/f.txt, which is Require all denied; httpd sends its own 404
# from the last request of the chain.
my $log_start = -s $outcome_log // 0;     # the log outlives a run: only what this one adds
my $tag = "$$-" . time;
$r = get_from "/observe/edoc/missing.txt?e=1-$tag", $app;
ok t_cmp($r->code, 404, 'a missing file where the ErrorDocument\'s URL is refused: httpd\'s 404');
get_from "/observe/edoc/missing.txt?e=2-$tag", 'https://evil.example';
$text = '';
for (1 .. 50) {
    open my $fh, '<', $outcome_log or die "$outcome_log: $!";
    seek $fh, $log_start, 0;
    $text = do { local $/; <$fh> } // '';
    last if $text =~ /\?e=2-\Q$tag\E /;
    select undef, undef, undef, 0.1;
}
my ($e1) = $text =~ m{^GET /observe/edoc/missing\.txt\?e=1-\Q$tag\E HTTP/1\.1 (\S+)$}m;
my ($e2) = $text =~ m{^GET /observe/edoc/missing\.txt\?e=2-\Q$tag\E HTTP/1\.1 (\S+)$}m;
ok t_cmp($e1, 'allowed', '%{cors}n, the ErrorDocument\'s own URL refused, an allowed origin: allowed');
ok t_cmp($e2, 'refused-origin', '%{cors}n, the ErrorDocument\'s own URL refused, a refused origin: refused-origin');

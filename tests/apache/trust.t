# trust.t - mod_cors 1.1: removals always win, a cache-safe *, GET/HEAD/POST never refused,
# the URL the browser asked for decides, bounded regexes and lists, warnings said once.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Time::HiRes ();

use Apache::Test;
use Apache::TestUtil;
use Apache::TestRequest qw(GET);
use CorsTest;

plan tests => 57, need_module 'cors';

my $app = 'https://app.example.com';
my $res;

# The error log since START, once it holds N lines matching RE (waiting 5 s at most).
sub log_lines_since {
    my ($start, $re, $n) = @_;
    my $text = '';
    for (1 .. 50) {
        $text = log_since($start);
        last if (() = $text =~ /$re/g) >= $n;
        select undef, undef, undef, 0.1;
    }
    return $text;
}



# ---- 3. a removal wins, whatever kind of item allows -----------------------------------------
$res = get_from '/trust/pattern-minus-regex/data.txt', 'https://www.staging.example.com';
ok t_cmp(acao($res), undef, 'a regex removal beats a *.domain pattern of the same section');
$res = get_from '/trust/pattern-minus-regex/data.txt', 'https://www.example.com';
ok t_cmp(acao($res), 'https://www.example.com', '... the rest of the pattern still allowed');
ok t_cmp(scalar $res->header('Access-Control-Allow-Credentials'), 'true', '... with credentials');
$res = preflight '/trust/pattern-minus-regex/data.txt', 'https://api.staging.example.com', 'PUT';
ok t_cmp($res->code, 403, '... and its preflights refused');

$res = get_from '/trust/port-minus-regex/data.txt', 'http://localhost:6379';
ok t_cmp(acao($res), undef, 'a regex removal beats a host:* pattern (port 6379)');
$res = get_from '/trust/port-minus-regex/data.txt', 'http://localhost:9200';
ok t_cmp(acao($res), undef, '... port 9200');
$res = get_from '/trust/port-minus-regex/data.txt', 'http://localhost:3000';
ok t_cmp(acao($res), 'http://localhost:3000', '... other ports still allowed');

$res = get_from '/trust/levels/sub/data.txt', 'https://evil.example.com';
ok t_cmp(acao($res), undef, 'a removal above beats a pattern added below');
$res = get_from '/trust/levels/sub/data.txt', 'https://good.example.com';
ok t_cmp(acao($res), 'https://good.example.com', '... others allowed');
$res = get_from '/trust/levels/data.txt', 'https://evil.example.com';
ok t_cmp(acao($res), undef, '* with a removal refuses the removed origin');
ok t_cmp(vary_has($res, 'Origin'), 1, '... and varies on Origin');

# Methods: a removal matches any case; GET, HEAD, POST are never refused.
$res = preflight '/trust/methods/data.txt', $app, 'patch';
ok t_cmp($res->code, 403, '* -PATCH refuses patch (backends upper-case it)');
$res = preflight '/trust/methods/data.txt', $app, 'PATCH';
ok t_cmp($res->code, 403, '* -PATCH refuses PATCH');
$res = preflight '/trust/methods/data.txt', $app, 'PUT';
ok t_cmp($res->code, 204, '* -PATCH allows PUT');
ok t_cmp(scalar $res->header('Access-Control-Allow-Methods'), 'PUT', '... named, not *');

# Headers: * minus one.
$res = preflight '/trust/methods/data.txt', $app, 'PUT', 'Access-Control-Request-Headers' => 'x-secret';
ok t_cmp($res->code, 403, 'CORSAllowHeaders * -X-Secret refuses x-secret');
$res = preflight '/trust/methods/data.txt', $app, 'PUT', 'Access-Control-Request-Headers' => 'x-other';
ok t_cmp($res->code, 204, '... allows x-other');
ok t_cmp(scalar $res->header('Access-Control-Allow-Headers'), 'x-other', '... named, not *');

# Expose: * minus one names the response's own headers, never the removed one.
$res = get_from '/trust/methods/data.txt', $app;
my $exposed = $res->header('Access-Control-Expose-Headers') // '';
ok t_cmp($exposed, qr/(^|,)X-Public(,|$)/i, 'CORSExposeHeaders * -X-Secret exposes X-Public');
ok t_cmp($exposed !~ /x-secret/i && $exposed ne '*' ? 1 : 0, 1,
         "... and never X-Secret, nor '*' ($exposed)");

# The six methods browsers upper-case are written in any case.
$res = preflight '/trust/lower-methods/data.txt', $app, 'DELETE';
ok t_cmp($res->code, 204, 'CORSAllowMethods delete put allows DELETE');
ok t_cmp(scalar $res->header('Access-Control-Allow-Methods'), 'DELETE, PUT', '... sent upper-case');

# 4. A preflighted GET (Authorization makes it one) is never refused for its method.
$res = preflight '/trust/lower-methods/data.txt', $app, 'GET',
    'Access-Control-Request-Headers' => 'authorization';
ok t_cmp($res->code, 204, 'a preflight for GET is allowed whatever CORSAllowMethods says');
$res = preflight '/trust/lower-methods/data.txt', $app, 'POST';
ok t_cmp($res->code, 204, '... POST too');

# ---- 2. a * policy is safe behind any cache -----------------------------------------------------
for my $o ([undef, 'no Origin'], ['null', 'Origin: null'], ['https://a.example/x', 'a malformed Origin'],
           ['https://anyone.example', 'any origin']) {
    $res = get_from '/trust/star/data.txt', $o->[0];
    ok t_cmp(acao($res), '*', "a fixed * answers * to $o->[1]");
}
$res = get_from '/trust/star/data.txt';
ok t_cmp(scalar $res->header('Access-Control-Expose-Headers'), 'X-Public', '... with its exposed headers');
ok t_cmp(vary_has($res, 'Origin'), 0, '... and needs no Vary: Origin');
$res = get_from '/trust/levels/data.txt';
ok t_cmp(vary_has($res, 'Origin'), 1, 'a * with a removal varies on Origin even without one');
ok t_cmp(acao($res), undef, '... and sends nothing without Origin');
$res = get_from '/api/data.txt';
ok t_cmp(vary_has($res, 'Origin'), 1, 'a list varies on Origin even without one');

# ---- 5. the URL the browser asked for decides, DirectoryIndex included -------------------------
for my $url ('/trust/dirindex/', '/trust/ifdir/') {
    $res = preflight $url, $app, 'PUT';
    ok t_cmp($res->code, 403, "$url: the preflight is decided by its own policy (PUT not listed)");
    $res = preflight $url, $app, 'GET';
    ok t_cmp($res->code, 204, "$url: an allowed preflight");
    $res = get_from $url, $app;
    ok t_cmp(acao($res), $app, "$url: GET answered by the same policy, index file or not");
    ok t_cmp(vary_has($res, 'Origin'), 1, "$url: ... with Vary");
}

# ---- 7. a regex's work per request is bounded ---------------------------------------------------
my $start = log_size();
my $hostile = 'https://' . ('a' x 40) . '-.example.com';
my $t0 = Time::HiRes::time();
$res = get_from '/trust/redos/data.txt', $hostile;
my $took = Time::HiRes::time() - $t0;
ok t_cmp(acao($res), undef, 'a backtracking regex on a near miss: refused');
ok t_cmp($took < 5 ? 1 : 0, 1, sprintf('... answered at once (%.3f s; a generous bound)', $took));
ok t_cmp(log_since($start, qr/match limit/), qr/\[cors:warn\].*gave up at its match limit/,
         '... with one warning naming the regex');
$res = get_from '/trust/redos/data.txt', 'https://abc.example.com';
ok t_cmp(acao($res), 'https://abc.example.com', '... while the origins it means still match');

# ---- 8. warnings about an .htaccess policy are said once per process ---------------------------
# Each request leaves its own cors:debug line with the pid of the process that answered it:
# every one of those processes must have said the warning exactly once (no other test asks
# for this directory, so none of them can have said it before), none more than once.
$start = log_size();
for (1 .. 20) {
    get_from '/trust/htaccess/null/data.txt', 'null';
}
my $served = qr/\[cors:debug\].*CORS request allowed for origin 'null'/;
my $lines = log_lines_since($start, $served, 20);
my $null_warning = qr{\[cors:warn\].*allowing the origin 'null'.*/trust/htaccess/null/\.htaccess:\d+\)};
my @warned = $lines =~ /$null_warning/g;
my $answered = lines_per_pid($lines, $served);
ok t_cmp(scalar(@warned) >= 1 ? 1 : 0, 1, "the 'null' warning is given");
ok t_cmp(said_once_per_process($null_warning, keys %$answered), 'once',
         '... once per process, not once per request (' . scalar(@warned) . ' lines for 20 requests, '
         . scalar(keys %$answered) . ' processes)');

# ---- 1. a list too long for one .htaccess: 500 and one line naming file, directive and limit ---
$start = log_size();
$res = get_from '/trust/htaccess/toomany/data.txt', $app;
ok t_cmp($res->code, 500, 'an .htaccess with 300 header names: 500');
$lines = log_since($start, qr/toomany/);
ok t_cmp($lines, qr{toomany/\.htaccess: CORSAllowHeaders: more than 256 header names},
         '... with a log line naming the file, the directive and the limit');

# ---- found by the outside review ----------------------------------------------------------------
$res = preflight '/trust/errdoc/data.txt', 'https://evil.example', 'GET';
ok t_cmp($res->code, 403, 'a refused preflight: 403');
ok t_cmp($res->content, '', '... answered by mod_cors itself: the ErrorDocument never runs');
$res = get_from '/trust/errdoc/nothing.txt', 'https://app.example.com';
ok t_cmp($res->content, qr/ERRDOC-RAN/, '... while other errors still get it');

$start = log_size();
get_from '/trust/htaccess/conflict1/data.txt', 'https://a.example';
get_from '/trust/htaccess/conflict2/data.txt', 'https://a.example';
$lines = log_since($start, qr/conflict2.*sending no Access-Control-Allow-Credentials|sending no Access-Control-Allow-Credentials.*\n.*sending no/s);
ok t_cmp($lines, qr{cannot be combined with CORSAllowCredentials On.*/trust/htaccess/conflict1/},
         'a contradiction an .htaccess file makes is logged');
ok t_cmp($lines, qr{cannot be combined with CORSAllowCredentials On.*/trust/htaccess/conflict2/},
         '... and another directory\'s too: one site\'s mistake hides no other\'s');

# Each refusal is logged at cors:info with the pid that answered it: every such process said
# the warning exactly once since the server started (some said it for the request above, the
# others now), none more than once.
$start = log_size();
get_from '/trust/redos/data.txt', $hostile for 1 .. 10;
$served = qr{\[cors:info\].*CORS request refused for GET /trust/redos/data\.txt: .*gave up at its match limit};
$lines = log_lines_since($start, $served, 10);
$answered = lines_per_pid($lines, $served);
my $refusals = 0;
$refusals += $_ for values %$answered;
ok t_cmp(said_once_per_process(qr{\[cors:warn\].*CORSAllowOriginMatch '\^https://\(\[a-z\]\+\)\+.*gave up at its match limit},
                               keys %$answered), 'once',
         "the match-limit warning is given once per process and regex, not per request ($refusals refusals logged, "
         . scalar(keys %$answered) . ' processes)');

$start = log_size();
$res = get_from '/trust/htaccess/regexes/data.txt', $app;
ok t_cmp($res->code, 500, 'an .htaccess of 8 sections of 40 regexes: 500 (256 per request in all)');
ok t_cmp(log_since($start, qr/regexes in the \.htaccess/),
         qr{regexes/\.htaccess: CORSAllowOriginMatch: more than 256 regexes in the \.htaccess files of one request},
         '... naming the file, the directive and the limit');

# actual.t - every non-preflight response of an enabled location: allowed, refused, errors, Vary.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test;
use Apache::TestUtil;
use Apache::TestRequest qw(GET HEAD POST PUT OPTIONS);
use CorsTest;

# See redirects as the browser's fetch does: the 3xx itself must carry the headers.
Apache::TestRequest::user_agent(reset => 1, requests_redirectable => 0);

plan tests => 55, need_module 'cors';

my $app = 'https://app.example.com';
my $res;

# Allowed: exactly one Allow-Origin (a leftover "Header always set ... *" is replaced).
$res = get_from '/api/data.txt', $app;
ok t_cmp($res->code, 200, 'allowed GET: 200');
ok t_cmp(acao_lines($res), 1, '... exactly one Access-Control-Allow-Origin');
ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, '... the origin, not the leftover *');
ok t_cmp($res->header('Access-Control-Allow-Credentials'), 'true', '... credentials');
ok t_cmp($res->header('Access-Control-Expose-Headers'), 'X-Request-Id', '... exposed headers');
ok t_cmp(vary_has($res, 'Origin'), 1, '... Vary: Origin');
ok t_cmp($res->header('Access-Control-Allow-Methods'), undef, '... no preflight-only headers');
ok t_cmp($res->header('Access-Control-Max-Age'), undef, '... no max-age');
ok t_cmp($res->content, "data of api\n", '... the body as usual');

# The origin echoed byte for byte as the browser sent it.
$res = get_from '/api/data.txt', 'https://APP.example.com';
ok t_cmp($res->header('Access-Control-Allow-Origin'), 'https://APP.example.com',
         'upper case matches and is echoed as sent');

# Refused or absent Origin: served as usual, no CORS headers, but Vary.
$res = get_from '/api/data.txt', 'https://evil.example';
ok t_cmp($res->code, 200, 'refused origin: served as usual');
ok t_cmp(join(',', cors_headers($res)), '', '... with no Access-Control-* header at all');
ok t_cmp(vary_has($res, 'Origin'), 1, '... and Vary: Origin');
$res = get_from '/api/data.txt', undef;
ok t_cmp(join(',', cors_headers($res)), '', 'no Origin: no Access-Control-* header');
ok t_cmp(vary_has($res, 'Origin'), 1, '... but Vary: Origin, for shared caches');

# Every status: httpd's own error pages, ErrorDocument, redirects, 304, DirectoryIndex.
my @statuses = (
    ['/api/nothing-here', 404, 'ErrorDocument 404'],
    ['/api/denied/data.txt', 403, 'Require all denied'],
    ['/api/moved', 302, 'Redirect'],
    ['/api/dir', 301, 'trailing-slash redirect'],
    ['/api/', 200, 'DirectoryIndex'],
);
for my $s (@statuses) {
    my ($url, $code, $what) = @$s;
    $res = get_from $url, $app;
    ok t_cmp($res->code, $code, "$what: $code");
    ok t_cmp(acao_lines($res), 1, "$what: one Access-Control-Allow-Origin");
    ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, "$what: the origin");
    ok t_cmp(vary_has($res, 'Origin'), 1, "$what: Vary: Origin");
}
$res = get_from '/api/nothing-here', $app;
ok t_cmp($res->content, qr/custom 404/, 'the ErrorDocument page is the one served');
$res = get_from '/api/', $app;
ok t_cmp($res->content, qr/api index/, 'the DirectoryIndex page is the one served');

$res = get_from '/api/data.txt', $app;
my $etag = $res->header('ETag');
$res = get_from '/api/data.txt', $app, 'If-None-Match' => $etag;
ok t_cmp($res->code, 304, 'conditional GET: 304');
ok t_cmp(acao_lines($res), 1, '... with one Access-Control-Allow-Origin');

$res = PUT '/api/data.txt', Origin => $app, content => 'x=1';
ok t_cmp($res->code, 405, 'PUT to a static file: 405');
ok t_cmp(acao_lines($res), 1, '... readable by the page');
$res = POST '/api/data.txt', Origin => $app, content => 'x=1';
ok t_cmp(acao_lines($res), 1, 'POST: one Access-Control-Allow-Origin');

$res = HEAD '/api/data.txt', Origin => $app;
ok t_cmp(acao_lines($res), 1, 'HEAD: one Access-Control-Allow-Origin');

# Vary is merged into what is there, once.
$res = get_from '/api/vary', $app;
ok t_cmp(vary_has($res, 'Accept-Language'), 1, 'an existing Vary is kept');
ok t_cmp(vary_has($res, 'Origin'), 1, '... and Origin added once');
$res = get_from '/api/big.txt', $app, 'Accept-Encoding' => 'gzip';
ok t_cmp($res->header('Content-Encoding'), 'gzip', 'mod_deflate compresses');
ok t_cmp(vary_has($res, 'Accept-Encoding'), 1, '... its Vary: Accept-Encoding kept');
ok t_cmp(vary_has($res, 'Origin'), 1, '... beside Origin');

# A plain "*" policy: the fixed answer, no Vary.
$res = get_from '/public/data.txt', 'https://anyone.example';
ok t_cmp($res->header('Access-Control-Allow-Origin'), '*', '* policy: Allow-Origin *');
ok t_cmp($res->header('Access-Control-Expose-Headers'), '*', '... Expose-Headers *');
ok t_cmp($res->header('Access-Control-Allow-Credentials'), undef, '... no credentials');
ok t_cmp(vary_has($res, 'Origin'), 0, '... and no Vary: Origin');
$res = get_from '/public/data.txt', 'null';
ok t_cmp($res->header('Access-Control-Allow-Origin'), '*',
         'a fixed * is the answer to Origin: null too (the same for every request)');

# Switched off: nothing at all.
$res = get_from '/off/data.txt', $app;
ok t_cmp(join(',', cors_headers($res)), '', 'CORSEnable Off: no CORS headers');
ok t_cmp(vary_has($res, 'Origin'), 0, '... and no Vary');

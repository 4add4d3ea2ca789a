# preflight.t - preflights answered by mod_cors: allowed, refused, wildcards, protected areas.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test;
use Apache::TestUtil;
use Apache::TestRequest qw(GET OPTIONS);
use CorsTest;

plan tests => 69, need_module 'cors';

my $app = 'https://app.example.com';
my $res;

# An allowed preflight gets every header, from mod_cors itself.
$res = preflight '/api/data.txt', $app, 'PUT',
    'Access-Control-Request-Headers' => 'content-type,authorization';
ok t_cmp($res->code, 204, 'allowed preflight: 204');
ok t_cmp(acao_lines($res), 1, 'allowed preflight: one Access-Control-Allow-Origin');
ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, '... the origin echoed');
ok t_cmp($res->header('Access-Control-Allow-Credentials'), 'true', '... credentials');
ok t_cmp($res->header('Access-Control-Allow-Methods'), 'GET, POST, PUT, DELETE, patch',
         '... the configured methods');
ok t_cmp($res->header('Access-Control-Allow-Headers'), 'Content-Type, Authorization, X-Custom',
         '... the configured headers, from two directive lines');
ok t_cmp($res->header('Access-Control-Max-Age'), '600', '... max-age');
ok t_cmp(vary_has($res, 'Origin'), 1, '... Vary: Origin');
ok t_cmp($res->content, '', '... empty body');
ok t_cmp($res->header('Access-Control-Expose-Headers'), undef, '... no expose headers on a preflight');
ok t_cmp($res->header('Access-Control-Allow-Private-Network'), undef, '... PNA not asked, not sent');

# Refusals: 403 and not one Access-Control-Allow-* header.
for my $case (['origin not allowed', 'https://evil.example', 'GET', undef],
              ['method not allowed', $app, 'TRACE', undef],
              ['method case matters', $app, 'PATCH', undef],
              ['header not allowed', $app, 'POST', 'content-type,x-other'],
              ['invalid header token', $app, 'POST', 'x-a,x b'],
              ['invalid method token', $app, 'PU T', undef]) {
    my ($what, $origin, $method, $acrh) = @$case;
    $res = preflight '/api/data.txt', $origin, $method,
        (defined $acrh ? ('Access-Control-Request-Headers' => $acrh) : ());
    ok t_cmp($res->code, 403, "refused ($what): 403");
    ok t_cmp(join(',', cors_headers($res)), '', "refused ($what): no Access-Control-* headers");
}
$res = preflight '/api/data.txt', 'https://evil.example', 'GET';
ok t_cmp(vary_has($res, 'Origin'), 1, 'refused preflight still varies on Origin');

# Methods compare case-sensitively, headers case-insensitively.
$res = preflight '/api/data.txt', $app, 'patch';
ok t_cmp($res->code, 204, 'method patch as configured');
$res = preflight '/api/data.txt', $app, 'POST', 'Access-Control-Request-Headers' => 'X-CUSTOM';
ok t_cmp($res->code, 204, 'header names compare case-insensitively');

# Access-Control-Request-Headers split over lines, with spaces and empty elements.
$res = preflight '/api/data.txt', $app, 'POST',
    'Access-Control-Request-Headers' => 'content-type',
    'Access-Control-Request-Headers' => ' , X-Custom ,, ';
ok t_cmp($res->code, 204, 'request headers over two lines with spaces and empty elements');

# Not a preflight: an OPTIONS without (or with an empty) Access-Control-Request-Method.
$res = OPTIONS '/api/data.txt', Origin => $app;
ok t_cmp($res->code, 200, 'plain OPTIONS is answered by httpd');
ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, '... with the actual-request headers');
ok t_cmp($res->header('Access-Control-Allow-Methods'), undef, '... and no preflight headers');
$res = OPTIONS '/api/data.txt', Origin => $app, 'Access-Control-Request-Method' => '';
ok t_cmp($res->code, 200, 'empty Access-Control-Request-Method is no preflight');

# Wildcards without credentials: answered with "*" (headers by name: a cached "*" must not
# cover Authorization in any browser), never covering Authorization.
$res = preflight '/public/data.txt', 'https://anyone.example', 'PATCH',
    'Access-Control-Request-Headers' => 'x-a,x-b';
ok t_cmp($res->code, 204, '* policy: any method and header');
ok t_cmp($res->header('Access-Control-Allow-Origin'), '*', '... Allow-Origin *');
ok t_cmp($res->header('Access-Control-Allow-Methods'), '*', '... Allow-Methods *');
ok t_cmp($res->header('Access-Control-Allow-Headers'), 'x-a, x-b',
         '... Allow-Headers names what was asked, never *');
ok t_cmp(vary_has($res, 'Origin'), 0, '... a fixed answer needs no Vary');
$res = preflight '/public/data.txt', 'https://anyone.example', 'GET',
    'Access-Control-Request-Headers' => 'x-a,authorization';
ok t_cmp($res->code, 403, '* does not cover Authorization');
$res = preflight '/public/withauth/data.txt', 'https://anyone.example', 'GET',
    'Access-Control-Request-Headers' => 'x-a,authorization';
ok t_cmp($res->code, 204, 'Authorization listed by name beside *');
ok t_cmp($res->header('Access-Control-Allow-Headers'), 'x-a, authorization',
         '... answered by name, as * would not cover it');

# Wildcards with credentials: what was asked is echoed, never a literal *.
$res = preflight '/public/star-creds/data.txt', $app, 'PATCH',
    'Access-Control-Request-Headers' => 'x-a,x-b';
ok t_cmp($res->code, 204, '* methods and headers with credentials');
ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, '... origin echoed');
ok t_cmp($res->header('Access-Control-Allow-Credentials'), 'true', '... credentials');
ok t_cmp($res->header('Access-Control-Allow-Methods'), 'PATCH', '... method echoed');
ok t_cmp($res->header('Access-Control-Allow-Headers'), 'x-a, x-b', '... headers echoed');

# CORSPreflightStatus 200, and a max-age inherited from the server level.
$res = preflight '/status200/data.txt', $app, 'GET';
ok t_cmp($res->code, 200, 'CORSPreflightStatus 200');
ok t_cmp($res->header('Content-Length'), '0', '... with Content-Length: 0');
ok t_cmp($res->content, '', '... and no body');
ok t_cmp($res->header('Access-Control-Max-Age'), '30', 'CORSMaxAge inherited from the server');

# Private Network Access: answered only where allowed.
$res = preflight '/pna/data.txt', $app, 'GET', 'Access-Control-Request-Private-Network' => 'true';
ok t_cmp($res->header('Access-Control-Allow-Private-Network'), 'true',
         'CORSAllowPrivateNetwork On answers the request');
$res = preflight '/api/data.txt', $app, 'GET', 'Access-Control-Request-Private-Network' => 'true';
ok t_cmp($res->code, 204, 'private network asked where it is off: preflight still allowed');
ok t_cmp($res->header('Access-Control-Allow-Private-Network'), undef, '... but not granted');
$res = preflight '/pna/data.txt', $app, 'GET';
ok t_cmp($res->header('Access-Control-Allow-Private-Network'), undef, '... and not sent unasked');

# A "Require valid-user" area: the preflight passes, the real request still needs a password.
$res = preflight '/secret/data.txt', $app, 'PUT',
    'Access-Control-Request-Headers' => 'authorization,content-type';
ok t_cmp($res->code, 204, 'preflight to a protected area: 204, not 401');
ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, '... with Allow-Origin');
ok t_cmp($res->header('WWW-Authenticate'), undef, '... without an authentication challenge');
$res = GET '/secret/data.txt', Origin => $app;
ok t_cmp($res->code, 401, 'the actual request without credentials: 401');
ok t_cmp(acao_lines($res), 1, '... readable by the page: one Allow-Origin');
$res = GET '/secret/data.txt', Origin => $app, basic_auth();
ok t_cmp($res->code, 200, 'with credentials: 200');
ok t_cmp($res->header('Access-Control-Allow-Credentials'), 'true', '... with Allow-Credentials');
$res = preflight '/secret/data.txt', 'https://evil.example', 'GET';
ok t_cmp($res->code, 403, 'a refused preflight to a protected area: 403, not 401');

# Handlers never see a preflight.
$res = preflight '/cgi-bin/acao.cgi', $app, 'GET';
ok t_cmp($res->code, 204, 'preflight to a CGI script: answered by mod_cors');
ok t_cmp($res->header('X-Handled-By'), undef, '... the script never ran');
ok t_cmp(acao_lines($res), 1, '... one Allow-Origin');

# Where the policy is off, OPTIONS is httpd's business.
$res = preflight '/off/data.txt', $app, 'GET';
ok t_cmp($res->code, 200, 'CORSEnable Off: httpd answers OPTIONS itself');
ok t_cmp(join(',', cors_headers($res)), '', '... with no CORS headers');

# A preflight carrying a body (some clients do) over a kept-alive connection.
$res = OPTIONS '/api/data.txt', Origin => $app, 'Access-Control-Request-Method' => 'PUT',
    'Content-Type' => 'text/plain', content => 'a body nobody reads';
ok t_cmp($res->code, 204, 'preflight with a body: 204');
$res = GET '/api/data.txt', Origin => $app;
ok t_cmp($res->code, 200, '... and the next request on the server is fine');

# A preflight with a body (no browser sends one): answered, and the body is not read as the
# next request on the connection, whether it came with a length or chunked.
use IO::Socket::INET ();
for my $framing ("Content-Length: 5\r\n\r\nhello", "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n") {
    my ($host, $port) = split /:/, Apache::TestRequest::hostport();
    my $sock = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Timeout => 10);
    print $sock "OPTIONS /api/data.txt HTTP/1.1\r\nHost: $host\r\nOrigin: $app\r\n"
        . "Access-Control-Request-Method: PUT\r\n$framing"
        . "GET /api/data.txt HTTP/1.1\r\nHost: $host\r\nConnection: close\r\n\r\n";
    local $/;
    my $all = eval { local $SIG{ALRM} = sub { die "timeout\n" }; alarm 10; my $x = <$sock>; alarm 0; $x } // '';
    my @status = $all =~ m{^HTTP/1\.1 (\d+)}mg;
    my ($how) = $framing =~ /^([A-Za-z-]+)/;
    ok t_cmp("@status", '204 200', "a preflight with a body ($how), then a GET on the same connection");
}

# hostile.t - attacker-shaped requests: refused without CORS headers, logged, and no crash.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";

use IO::Socket::INET ();
use Apache::Test;
use Apache::TestUtil;
use Apache::TestRequest qw(GET OPTIONS);
use CorsTest;

my $app = 'https://app.example.com';
my $log = Apache::Test::vars('t_logs') . '/error_log';
my $port = Apache::Test::vars('port');

# Bytes LWP would refuse or tidy up go over a plain socket; the answer is read to EOF.
sub raw {
    my $bytes = shift;
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                     Timeout => 10) or die "connect: $!";
    print $sock $bytes;
    local $/;
    local $SIG{ALRM} = sub { die "timeout\n" };
    alarm 20;
    my $answer = <$sock> // '';
    alarm 0;
    return $answer;
}

# Each origin with the status httpd gives its GET: 200 (served, mod_cors adding nothing), or
# 400 where httpd itself rejects the header before any module sees it (a control character:
# HttpProtocolOptions Strict, the default). A preflight from any of the others is refused by
# mod_cors: exactly its 403, with an empty body (refuse_preflight), and no Access-Control-*.
my @origins = (
    ['a path', "$app/x", 200],
    ['spaces', "$app x", 200],
    ['7 KB (8 KB is stopped by httpd itself)', 'https://' . ('a' x 7000) . '.com', 200],
    ['non-ASCII', "https://b\xc3\xbccher.example", 200],
    ['empty', '', 200],
    ['two origins', "$app, https://evil.example", 200],
    ['null where not listed', 'null', 200],
    ['a control character', "https://app.example.com\x01", 400],
);
my @methods = (
    ['empty method is no preflight: httpd answers', '', 200],
    ['PATCH where only patch is listed', 'PATCH', 403],
    ['8 KB method', 'P' x 8000, 403],
);
my @acrh = (
    ['8 KB of commas', ',' x 8000],
    ['1,000 names', join(',', map { "x-h$_" } 1 .. 1000)],
    ['invalid tokens', 'x-a,x(b),x"c"'],
    ['one 8 KB name', 'x' x 8000],
);

plan tests => 5 * @origins + 2 * @methods + 3 * @acrh + 14, need_module 'cors';

my $start = -s $log;
for my $o (@origins) {
    my ($what, $origin, $code) = @$o;
    my $res = get_from '/api/data.txt', $origin;
    ok t_cmp($res->code, $code, "Origin with $what: " . ($code == 200 ? 'served as usual' : 'rejected by httpd'));
    ok t_cmp(join(',', cors_headers($res)), '', "Origin with $what: no CORS headers");
    $res = preflight '/api/data.txt', $origin, 'GET';
    if ($code == 200) {
        ok t_cmp($res->code, 403, "preflight with Origin $what: refused with mod_cors's 403");
        ok t_cmp($res->content, '', "preflight with Origin $what: ... and its empty body");
    }
    else {
        ok t_cmp($res->code, $code, "preflight with Origin $what: rejected by httpd ($code)");
        ok t_cmp($res->content, qr/Bad Request/, "preflight with Origin $what: ... httpd's own page");
    }
    # /api sets Access-Control-Allow-Origin "*" with mod_headers too: none may get through.
    ok t_cmp(join(',', cors_headers($res)), '', "preflight with Origin $what: no Access-Control-* headers");
}
for my $m (@methods) {
    my ($what, $method, $code) = @$m;
    my $res = preflight '/api/data.txt', $app, $method;
    ok t_cmp($res->code, $code, "Access-Control-Request-Method, $what: $code");
    ok t_cmp(scalar($res->header('Access-Control-Allow-Methods')), undef,
             "Access-Control-Request-Method, $what: no Allow-Methods");
}
for my $h (@acrh) {
    my ($what, $value) = @$h;
    my $res = preflight '/public/data.txt', $app, 'GET', 'Access-Control-Request-Headers' => $value;
    ok t_cmp($res->code, 403, "Access-Control-Request-Headers of $what: refused even by *");
    ok t_cmp(join(',', cors_headers($res)), '', "Access-Control-Request-Headers of $what: no CORS headers");
    ok t_cmp(length($res->content) < 2000, 1, "Access-Control-Request-Headers of $what: a short answer");
}
{
    my $res = preflight '/api/data.txt', $app, 'POST',
        map { ('Access-Control-Request-Headers' => ",x-custom$_") } 1 .. 20;
    ok t_cmp($res->code, 403, 'Access-Control-Request-Headers over 20 lines of unknown names: refused');
}

# The reasons reach the log, bounded and printable.
my $lines = '';
for (1 .. 50) {
    $lines = log_since($start);
    last if $lines =~ /Request header field x-h1 |names too many headers|too many elements/;
    select undef, undef, undef, 0.1;
}
ok t_cmp($lines, qr/\[cors:info\].*origin 'https:\/\/app\.example\.com\/x' is not allowed/,
         'a refused Origin with a path is logged with the reason');
ok t_cmp($lines, qr/\[cors:info\].*origin 'https:\/\/aaaa+\.\.\.' is not allowed/,
         'a 7 KB Origin is logged cut short');
ok t_cmp($lines, qr/\[cors:info\].*Access-Control-Request-Headers has too many elements/,
         'a header of commas is logged with the reason');

# HTTP/1.0, NUL, pipelining and keep-alive mixes, over a plain socket.
my $answer = raw("OPTIONS /api/data.txt HTTP/1.0\r\nOrigin: $app\r\n"
                 . "Access-Control-Request-Method: PUT\r\n\r\n");
ok t_cmp($answer, qr{^HTTP/1\.1 204 }, 'HTTP/1.0 preflight: 204');
ok t_cmp($answer, qr{\r\nAccess-Control-Allow-Origin: https://app\.example\.com\r\n},
         'HTTP/1.0 preflight: allowed');

$answer = raw("GET /api/data.txt HTTP/1.1\r\nHost: localhost\r\nOrigin: https://app\0.example.com\r\n"
              . "Connection: close\r\n\r\n");
ok t_cmp($answer, qr{^HTTP/1\.1 (200|400) }, 'Origin with a NUL: no crash');
ok t_cmp($answer !~ /Access-Control-Allow-Origin/ ? 1 : 0, 1, 'Origin with a NUL: no CORS headers');

my $pipelined = join '',
    "OPTIONS /api/data.txt HTTP/1.1\r\nHost: localhost\r\nOrigin: $app\r\n"
        . "Access-Control-Request-Method: PUT\r\nContent-Length: 5\r\n\r\nhello",
    "GET /api/data.txt HTTP/1.1\r\nHost: localhost\r\nOrigin: $app\r\n\r\n",
    "OPTIONS /api/data.txt HTTP/1.1\r\nHost: localhost\r\nOrigin: https://evil.example\r\n"
        . "Access-Control-Request-Method: GET\r\n\r\n",
    "GET /api/data.txt HTTP/1.1\r\nHost: localhost\r\nOrigin: https://x.example.org\r\n\r\n",
    "GET /api/data.txt HTTP/1.1\r\nHost: localhost\r\nOrigin: https://evil.example\r\n"
        . "Connection: close\r\n\r\n";
$answer = raw($pipelined);
my @statuses = $answer =~ m{^HTTP/1\.1 (\d+) }mg;
ok t_cmp("@statuses", '204 200 403 200 200', 'five pipelined requests, five answers in order');
my @responses = split m{(?=^HTTP/1\.1 )}m, $answer;
my @acao = map { /^Access-Control-Allow-Origin: (\S+)\r$/m ? $1 : '-' } @responses;
ok t_cmp("@acao", "$app $app - https://x.example.org -",
         'each pipelined answer carries its own request\'s origin, or none');
ok t_cmp(scalar(() = $answer =~ /^Vary: Origin\r$/mg), 5, 'each carries Vary: Origin');

# Keep-alive: a refused preflight, then allowed requests on the same connection.
$answer = raw("OPTIONS /api/data.txt HTTP/1.1\r\nHost: localhost\r\nOrigin: $app\r\n"
              . "Access-Control-Request-Method: DELETE\r\nAccess-Control-Request-Headers: x-nope\r\n\r\n"
              . "GET /api/data.txt HTTP/1.1\r\nHost: localhost\r\nOrigin: $app\r\nConnection: close\r\n\r\n");
@statuses = $answer =~ m{^HTTP/1\.1 (\d+) }mg;
ok t_cmp("@statuses", '403 200', 'keep-alive: a refused preflight does not spoil the connection');

# The server is still up and right.
my $res = get_from '/api/data.txt', $app;
ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, 'still answering correctly afterwards');
open my $fh, '<', $log or die;
my $all = do { local $/; <$fh> };
ok t_cmp($all =~ /exit signal Segmentation fault|exit signal Aborted/ ? 'crashed' : 'no crash',
         'no crash', 'no child crashed');

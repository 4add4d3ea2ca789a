# backends.t - PHP, CGI and a proxied application that set their own CORS headers.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test;
use Apache::TestUtil;
use CorsTest;

my $app = 'https://app.example.com';
my @backends = (
    ['CGI', '/cgi-bin/acao.cgi', '/cgi-bin/acao.cgi?status=500', 'cgi'],
    ['proxied application', '/proxied/data.txt', '/proxied/nothing-here', undef],
);
# mod_php runs under prefork only; under event PHP is covered by the end-to-end suite (FPM).
my $have_php = grep { /^mod_php/ } keys %{ Apache::Test::config()->{modules} };
push @backends, ['PHP', '/php/acao.php', '/php/acao.php?status=404', 'php'] if $have_php;

plan tests => 10 * @backends, need_module 'cors';

for my $b (@backends) {
    my ($name, $url, $error_url, $marker) = @$b;
    my $res = get_from $url, $app;
    ok t_cmp($res->code, 200, "$name: 200");
    ok t_cmp(acao_lines($res), 1, "$name: exactly one Access-Control-Allow-Origin");
    ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, "$name: the policy's, not the backend's *");
    ok t_cmp(scalar($res->header('Access-Control-Expose-Headers')), undef,
             "$name: the backend's other Access-Control-* headers are gone");
    ok t_cmp(scalar($res->header('Access-Control-Allow-Methods')), undef,
             "$name: ... none of them left");

    $res = get_from $url, 'https://evil.example';
    ok t_cmp(join(',', cors_headers($res)), '', "$name, refused origin: not even the backend's *");

    $res = get_from $error_url, $app;
    ok t_cmp($res->code, qr/^(404|500)$/, "$name: error status from the backend");
    ok t_cmp(acao_lines($res), 1, "$name: ... still one Access-Control-Allow-Origin");

    $res = preflight $url, $app, 'GET';
    ok t_cmp($res->code, 204, "$name: preflight answered by mod_cors");
    ok t_cmp(scalar($res->header('X-Handled-By')), undef, "$name: ... never reaching the backend");
}

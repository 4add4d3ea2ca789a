# merge.t - policies merged from the server down through virtual hosts, sections and .htaccess.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test;
use Apache::TestUtil;
use Apache::TestRequest ();
use CorsTest;

my $A = 'https://a.example.com';
my $B = 'https://b.example.com';
my $C = 'https://c.example.com';
my $T = 'https://tenant.example.com';

my @allowed = (
    # [url, origin, allowed?, what]
    ['/merge/data.txt', $A, 1, 'directory policy'],
    ['/merge/data.txt', $C, 0, 'directory policy: unlisted'],
    ['/merge/replace/data.txt', $C, 1, 'a plain list below replaces: new origin'],
    ['/merge/replace/data.txt', $A, 0, 'a plain list below replaces: old origin gone'],
    ['/merge/edit/data.txt', $A, 1, '+/- edit: kept'],
    ['/merge/edit/data.txt', $B, 0, '+/- edit: removed'],
    ['/merge/edit/data.txt', $C, 1, '+/- edit: added'],
    ['/merge/off/data.txt', $A, 0, 'CORSEnable Off switches a subtree off'],
    ['/merge/off/on/data.txt', $A, 1, 'CORSEnable On below switches it back on, inherited'],
    ['/merge/files-only.txt', 'https://files.example.com', 1, '<Files> replaces'],
    ['/merge/files-only.txt', $A, 0, '<Files> replaces: old origin gone'],
    ['/merge/data.txt?if', 'https://if.example.com', 1, '<If> replaces'],
    ['/merge/data.txt?if', $A, 0, '<If> replaces: old origin gone'],
    ['/merge/htaccess/data.txt', $T, 1, '.htaccess adds'],
    ['/merge/htaccess/data.txt', $A, 0, '.htaccess removes'],
    ['/merge/htaccess/data.txt', $B, 1, '.htaccess keeps the rest'],
    ['/merge/htaccess/deeper/data.txt', $T, 0, 'a deeper .htaccess edits the edit'],
    ['/merge/htaccess/deeper/data.txt', $B, 1, 'a deeper .htaccess keeps the rest'],
    ['/data.txt', 'https://main.example.com', 0, 'main server: no origin list, no policy'],
);

plan tests => @allowed + 17, need_module 'cors';

for my $c (@allowed) {
    my ($url, $origin, $allowed, $what) = @$c;
    my $res = get_from $url, $origin;
    ok t_cmp(acao_lines($res), $allowed ? 1 : 0, "$what ($origin)");
}

my $res;
$res = preflight '/merge/data.txt', $A, 'DELETE';
ok t_cmp($res->code, 403, 'methods from the directory: DELETE refused');
$res = preflight '/merge/edit/data.txt', $A, 'DELETE';
ok t_cmp($res->code, 204, 'CORSAllowMethods +DELETE below');
ok t_cmp($res->header('Access-Control-Allow-Methods'), 'GET, POST, DELETE', '... the edited list');

$res = get_from '/merge/location/data.txt', $A;
ok t_cmp($res->header('Access-Control-Allow-Credentials'), 'true',
         '<Location> merged over <Directory>: credentials');
ok t_cmp($res->header('Access-Control-Expose-Headers'), 'X-From-Location', '... exposed headers');
ok t_cmp($res->header('Access-Control-Allow-Origin'), $A, '... origins inherited');

$res = preflight '/merge/htaccess/data.txt', $B, 'POST', 'Access-Control-Request-Headers' => 'x-tenant';
ok t_cmp($res->code, 204, '.htaccess sets the headers');
ok t_cmp($res->header('Access-Control-Max-Age'), '120', '.htaccess sets the max-age');
$res = preflight '/merge/htaccess/deeper/data.txt', $B, 'POST';
ok t_cmp($res->code, 200, 'a deeper .htaccess sets the preflight status');
ok t_cmp($res->header('Access-Control-Max-Age'), '120', '... and inherits the max-age');

$res = get_from '/merge/off/data.txt', $A;
ok t_cmp(vary_has($res, 'Origin'), 0, 'switched off: no Vary');

# Virtual hosts: one inherits the server-wide max-age, one overrides the defaults.
Apache::TestRequest::module('cors_inherit');
$res = get_from '/data.txt', 'https://main.example.com';
ok t_cmp(acao_lines($res), 1, "a virtual host's origin list alone switches the policy on");
$res = preflight '/data.txt', 'https://main.example.com', 'GET';
ok t_cmp($res->header('Access-Control-Max-Age'), '30', '... and the server-wide max-age');

Apache::TestRequest::module('cors_override');
$res = get_from '/data.txt', 'https://main.example.com';
ok t_cmp(acao_lines($res), 0, 'virtual host overrides: the server-wide origin is gone');
$res = get_from '/data.txt', 'https://vhost.example.com';
ok t_cmp(acao_lines($res), 1, '... its own origin is allowed');
$res = preflight '/data.txt', 'https://vhost.example.com', 'PUT';
ok t_cmp($res->code, 204, '... CORSAllowMethods +PUT edits the default');
ok t_cmp($res->header('Access-Control-Allow-Methods'), 'GET, HEAD, POST, PUT', '... to four');
Apache::TestRequest::module('default');

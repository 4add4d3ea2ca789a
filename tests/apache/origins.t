# origins.t - which origins match: normalisation, patterns, null, regexes, thousands of origins.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test;
use Apache::TestUtil;
use CorsTest;

my @cases = (
    # [url, origin, allowed?, what]
    ['/api/data.txt', 'https://app.example.com', 1, 'exact origin'],
    ['/api/data.txt', 'HTTPS://APP.EXAMPLE.COM', 1, 'scheme and host case-insensitive'],
    ['/api/data.txt', 'https://app.example.com:443', 1, 'default port written out'],
    ['/api/data.txt', 'http://app.example.com', 0, 'other scheme'],
    ['/api/data.txt', 'https://app.example.com:8443', 0, 'other port'],
    ['/api/data.txt', 'https://app.example.com/', 0, 'trailing slash'],
    ['/api/data.txt', 'https://app.example.com.evil.net', 0, 'suffix trick'],
    ['/api/data.txt', 'https://evilapp.example.com', 0, 'prefix trick'],
    ['/api/data.txt', 'https://a.example.org', 1, 'subdomain pattern: one label'],
    ['/api/data.txt', 'https://a.b.example.org', 1, 'subdomain pattern: two labels'],
    ['/api/data.txt', 'https://example.org', 0, 'subdomain pattern: not the domain itself'],
    ['/api/data.txt', 'https://evilexample.org', 0, 'subdomain pattern: look-alike'],
    ['/api/data.txt', 'https://example.org.evil.net', 0, 'subdomain pattern: suffix trick'],
    ['/api/data.txt', 'http://a.example.org', 0, 'subdomain pattern: scheme'],
    ['/api/data.txt', 'http://localhost:3000', 1, 'any port'],
    ['/api/data.txt', 'http://localhost', 1, 'any port: default'],
    ['/api/data.txt', 'http://localhost.evil.net:3000', 0, 'any port: host must match'],
    ['/api/data.txt', 'null', 0, 'null is never matched unless listed'],
    ['/api/data.txt', 'https://app.example.com, https://evil.example', 0, 'two origins'],
    ['/nullok/data.txt', 'null', 1, 'null listed explicitly'],
    ['/regex/data.txt', 'https://pr-12.preview.example.com', 1, 'regex'],
    ['/regex/data.txt', 'https://PR-7.preview.example.com', 1, 'regex on the normalised origin'],
    ['/regex/data.txt', 'https://pr-12.preview.example.com.evil.net', 0,
     'regex anchored although written without $'],
    ['/regex/data.txt', 'https://evil.net?https://pr-1.preview.example.com', 0,
     'regex anchored although written without ^'],
    ['/regex/data.txt', 'https://a.example.net', 1, 'second regex line (+)'],
    ['/regex/data.txt', 'https://c.example.net', 0, 'regex miss'],
    ['/many/data.txt', 'https://tenant0.example.net', 1, 'first of 10,000 origins'],
    ['/many/data.txt', 'https://tenant9999.example.org', 1, 'last of 10,000 origins'],
    ['/many/data.txt', 'https://tenant9999.example.net', 0, 'not in the 10,000'],
    ['/many/data.txt', 'https://x.tenants.example.com', 1, 'pattern beside 10,000 origins'],
    ['/many/data.txt', 'http://[::1]:8080', 1, 'IPv6 literal, any port'],
    ['/many/data.txt', 'http://[::2]:8080', 0, 'other IPv6 literal'],
);

plan tests => 2 * @cases, need_module 'cors';

for my $c (@cases) {
    my ($url, $origin, $allowed, $what) = @$c;
    my $res = get_from $url, $origin;
    ok t_cmp(acao_lines($res), $allowed ? 1 : 0, "$what ($origin): "
             . ($allowed ? 'allowed' : 'refused'));
    ok t_cmp(scalar($res->header('Access-Control-Allow-Origin')), $allowed ? $origin : undef,
             "$what: the origin echoed as sent");
}

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
);

plan tests => 2 * @bad + 17, need_module 'cors';

my $dir = File::Temp::tempdir(CLEANUP => 1);

sub configtest {
    my $conf = write_conf($dir, '127.0.0.1:9', shift);
    my $out = `$httpd -t -f $conf 2>&1`;
    return ($? >> 8, $out);
}

for my $b (@bad) {
    my ($lines, $want) = @$b;
    my ($rc, $out) = configtest($lines);
    (my $one = $lines) =~ s/\n/; /g;
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
($rc, $out) = configtest("CORSAllowOrigin http://localhost:3000 http://127.0.0.1:8080\nCORSAllowCredentials On");
ok t_cmp($out !~ /over plain http/ ? 1 : 0, 1, "... but not for loopback origins");
($rc, $out) = configtest("CORSAllowOrigin * -https://*.github.io");
ok t_cmp($rc, 0, "a removal over a public suffix loads: taking it away lets nobody in");
# The start-up's own words (issue 14): where, and through the main server's log.
($rc, $out) = configtest("CORSAllowOriginMatch ^https://(foo");
ok t_cmp($out, qr/'\^https:\/\/\(foo' is not a valid regular expression \(.* at offset 13\)/,
         "a regex error quotes the pattern and an offset into it");
($rc, $out) = configtest("<VirtualHost 127.0.0.1:9>\nServerName api.example.test\nLogLevel error\nCORSAllowOrigin null\n</VirtualHost>");
ok t_cmp($out, qr/\[cors:warn\].*in the virtual host at .*\(api\.example\.test\): allowing the origin 'null'/,
         "the null warning is given whatever the virtual host's LogLevel, naming it");
($rc, $out) = configtest("<VirtualHost 127.0.0.1:9>\nCORSAllowOrigin https://v1.example.com\nCORSAllowMethods patch\n</VirtualHost>");
ok t_cmp($out, qr/'patch' is in lower case/, "a directive's warning inside a virtual host is given too");
($rc, $out) = configtest("CORSEnable Off\n<VirtualHost 127.0.0.1:9>\nServerName v.example.test\nCORSAllowOrigin https://app.example.com\n</VirtualHost>");
ok t_cmp($out, qr/in the virtual host at .*\(v\.example\.test\): the origin list has no effect: CORSEnable Off at .*httpd\.conf:\d+ is in force there/,
         "an origin list under an inherited CORSEnable Off is warned about, naming the Off line");
($rc, $out) = configtest("CORSAllowMethods GET patch");
ok t_cmp($out, qr/'patch' is in lower case: browsers send methods other than/, "a lower-case method is warned about");
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

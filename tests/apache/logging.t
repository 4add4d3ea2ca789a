# logging.t - why a request got no CORS headers: the cors:info log line and CORSDebug's header.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test;
use Apache::TestUtil;
use CorsTest;

plan tests => 20, need_module 'cors';

my $app = 'https://app.example.com';
my $log = Apache::Test::vars('t_logs') . '/error_log';

# Lines this test causes: read what is appended from here on.
my $start = -s $log;
sub new_log_lines {
    open my $fh, '<', $log or die "$log: $!";
    seek $fh, $start, 0;
    local $/;
    return <$fh> // '';
}

preflight '/api/data.txt', 'https://evil-log.example', 'GET';
preflight '/api/data.txt', $app, 'PATCH';
preflight '/api/data.txt', $app, 'POST', 'Access-Control-Request-Headers' => 'x-nope';
get_from '/api/data.txt', 'https://evil-get.example';
get_from '/api/data.txt', $app;

# The server writes the log line after the response: give it a moment (bounded).
my $lines = '';
for (1 .. 50) {
    $lines = new_log_lines();
    last if $lines =~ /evil-get/;
    select undef, undef, undef, 0.1;
}
ok t_cmp($lines, qr/\[cors:info\].*CORS preflight refused.*origin 'https:\/\/evil-log\.example' is not allowed/,
         'refused origin logged at cors:info with the reason');
ok t_cmp($lines, qr/\[cors:info\].*Method PATCH is not allowed by Access-Control-Allow-Methods/,
         'refused method logged in the console\'s words');
ok t_cmp($lines, qr/\[cors:info\].*Request header field x-nope is not allowed by Access-Control-Allow-Headers/,
         'refused header logged in the console\'s words');
ok t_cmp($lines, qr/\[cors:info\].*CORS request refused for GET \/api\/data\.txt: origin 'https:\/\/evil-get\.example'/,
         'a refused actual request is logged too');
ok t_cmp($lines, qr/\[cors:debug\].*CORS request allowed for origin 'https:\/\/app\.example\.com'/,
         'allowed requests are logged at cors:debug');

# Start-up summary: one line per section that sets a policy.
open my $fh, '<', $log or die;
my $all = do { local $/; <$fh> };
ok t_cmp($all, qr/mod_cors: <Location \/api> in the main server: on; origins: https:\/\/app\.example\.com, https:\/\/\*\.example\.org, http:\/\/localhost:\*; methods GET, POST, PUT, DELETE, patch; request headers Content-Type, Authorization, X-Custom; exposed X-Request-Id; credentials On/,
         'start-up summary of the /api policy, as in force there');

# CORSDebug: the reason in a response header, only where switched on.
my $res = get_from '/debug/data.txt', 'https://evil.example';
ok t_cmp(scalar($res->header('X-CORS-Reason')), qr/origin 'https:\/\/evil\.example' is not allowed/,
         'CORSDebug On: X-CORS-Reason says why');
$res = get_from '/debug/data.txt', $app;
ok t_cmp(scalar($res->header('X-CORS-Reason')), undef, 'CORSDebug On: nothing to say when allowed');
$res = get_from '/api/data.txt', 'https://evil.example';
ok t_cmp(scalar($res->header('X-CORS-Reason')), undef, 'CORSDebug off: no reason header');

# ---- %{cors}n: the outcome in one word, for an access log ------------------------------------
my $outcome_log = Apache::Test::vars('t_logs') . '/cors_outcome_log';
my %outcome = (
    'OPTIONS /api/data.txt?o=1' => [sub { preflight '/api/data.txt?o=1', $app, 'PUT' }, 'preflight'],
    'OPTIONS /api/data.txt?o=2' => [sub { preflight '/api/data.txt?o=2', 'https://evil.example', 'PUT' }, 'refused-origin'],
    'OPTIONS /api/data.txt?o=3' => [sub { preflight '/api/data.txt?o=3', $app, 'PATCH' }, 'refused-method'],
    'OPTIONS /api/data.txt?o=4' => [sub { preflight '/api/data.txt?o=4', $app, 'POST', 'Access-Control-Request-Headers' => 'x-nope' }, 'refused-header'],
    'GET /api/data.txt?o=5' => [sub { get_from '/api/data.txt?o=5', $app }, 'allowed'],
    'GET /api/data.txt?o=6' => [sub { get_from '/api/data.txt?o=6', 'https://evil.example' }, 'refused-origin'],
    'GET /api/data.txt?o=7' => [sub { get_from '/api/data.txt?o=7' }, '-'],
    'GET /index.html?o=8' => [sub { get_from '/index.html?o=8', $app }, '-'],
    # 1.3.1 (G16): CORSAllowOrigin * answers every response alike, but only a request with an
    # Origin is a CORS request: without one the outcome is '-', as the README says.
    'GET /public/data.txt?o=9' => [sub { get_from '/public/data.txt?o=9' }, '-'],
    'GET /public/data.txt?o=10' => [sub { get_from '/public/data.txt?o=10', 'https://anyone.example' }, 'allowed'],
    'OPTIONS /public/data.txt?o=11' => [sub { preflight '/public/data.txt?o=11', 'https://anyone.example', 'PUT' }, 'preflight'],
);
my $outcome_from = -s $outcome_log // 0;   # the log outlives a run: only what this one adds
$_->[0]->() for values %outcome;
my $text = '';
for (1 .. 50) {
    if (open my $fh, '<', $outcome_log) {
        seek $fh, $outcome_from, 0;
        $text = do { local $/; <$fh> } // '';
    }
    last if (() = $text =~ /\?o=\d/g) >= keys %outcome;
    select undef, undef, undef, 0.1;
}
for my $req (sort keys %outcome) {
    my ($got) = $text =~ /^\Q$req\E HTTP\/1\.1 (\S+)$/m;
    ok t_cmp($got, $outcome{$req}[1], "%{cors}n for $req");
}

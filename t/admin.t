# admin.t - the admin's path: an origin list is enough, and CORSDebug says why nothing happens.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test;
use Apache::TestUtil;
use CorsTest;

plan tests => 14, need_module 'cors';

my $app = 'https://app.example.com';
my $log = Apache::Test::vars('t_logs') . '/error_log';
my $res;

sub acao { return scalar $_[0]->header('Access-Control-Allow-Origin') }

sub log_since {
    my ($start, $until) = @_;
    my $text = '';
    for (1 .. 50) {
        open my $fh, '<', $log or die "$log: $!";
        seek $fh, $start, 0;
        local $/;
        $text = <$fh> // '';
        last if !$until || $text =~ $until;
        select undef, undef, undef, 0.1;
    }
    return $text;
}

# An origin list without CORSEnable works, in a section and in an .htaccess file.
$res = get_from '/admin/plain/data.txt', $app;
ok t_cmp(acao($res), $app, 'CORSAllowOrigin alone switches the policy on');
$res = preflight '/admin/plain/data.txt', $app, 'PUT';
ok t_cmp($res->code, 204, '... and its preflights are answered');
$res = get_from '/admin/htonly/data.txt', 'https://www.example.com';
ok t_cmp(acao($res), 'https://www.example.com', 'an .htaccess with only CORSAllowOrigin works');

# CORSEnable Off still switches a subtree off, On back on; CORSDebug says where it was said.
$res = get_from '/admin/plain/off/data.txt', $app;
ok t_cmp(acao($res), undef, 'CORSEnable Off switches a subtree off');
ok t_cmp(scalar $res->header('X-CORS-Reason'), qr/mod_cors is off here: CORSEnable Off at .*extra\.conf:\d+/,
         '... and CORSDebug names the line that did it');
$res = preflight '/admin/plain/off/data.txt', $app, 'PUT';
ok t_cmp(scalar $res->header('X-CORS-Reason'), qr/CORSEnable Off/, '... for preflights too');
ok t_cmp(acao($res), undef, '... which mod_cors leaves to httpd');
$res = get_from '/admin/plain/off/on/data.txt', $app;
ok t_cmp(acao($res), $app, 'CORSEnable On below switches it back on');

# CORSDebug where no origin list is in force.
my $start = -s $log;
$res = get_from '/admin/debug-only/data.txt', $app;
ok t_cmp(scalar $res->header('X-CORS-Reason'), qr/no CORSAllowOrigin .* is in force/,
         'CORSDebug without an origin list says so');
ok t_cmp(log_since($start, qr/CORS not applied/), qr/\[cors:info\].*CORS not applied to GET \/admin\/debug-only\/data\.txt: mod_cors is off here/,
         '... and so does cors:info');
$res = get_from '/admin/debug-only/data.txt';
ok t_cmp(scalar $res->header('X-CORS-Reason'), undef, '... only to requests with an Origin');

# Methods without any origin list: one warning per process and directory, not per request.
$start = -s $log;
get_from '/admin/methods-only/data.txt', $app for 1 .. 10;
my $lines = log_since($start, qr/no CORSAllowOrigin is in force there/);
my @warned = $lines =~ /\[cors:warn\] \[pid (\d+)[^\n]*no CORSAllowOrigin is in force there/g;
my %per_pid;
$per_pid{$_}++ for @warned;
ok t_cmp(scalar(@warned) >= 1 ? 1 : 0, 1, 'methods where no origin list is in force: a warning');
ok t_cmp((grep { $_ > 1 } values %per_pid) ? 'repeated' : 'once', 'once', '... once per process');
$res = get_from '/admin/methods-only/data.txt', $app;
ok t_cmp(acao($res), undef, '... and no CORS headers');

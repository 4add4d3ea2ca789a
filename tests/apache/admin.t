# admin.t - the admin's path: an origin list is enough, and CORSDebug says why nothing happens.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test;
use Apache::TestUtil;
use CorsTest;
use File::Temp ();
use IO::Socket::INET ();

plan tests => 20, need_module 'cors';

my $app = 'https://app.example.com';
my $res;



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
my $start = log_size();
$res = get_from '/admin/debug-only/data.txt', $app;
ok t_cmp(scalar $res->header('X-CORS-Reason'), qr/no CORSAllowOrigin .* is in force/,
         'CORSDebug without an origin list says so');
ok t_cmp(log_since($start, qr/CORS not applied/), qr/\[cors:info\].*CORS not applied to GET \/admin\/debug-only\/data\.txt: mod_cors is off here/,
         '... and so does cors:info');
$res = get_from '/admin/debug-only/data.txt';
ok t_cmp(scalar $res->header('X-CORS-Reason'), undef, '... only to requests with an Origin');

# Methods without any origin list: one warning per process and directory, not per request.
# Nothing else is logged for these requests, so nothing tells which processes answered them:
# they all go over one keep-alive connection, so one process answers them all (checked: the
# connection's response numbers run 1, 2, ...). No other test asks for these URLs, so that
# process has not said the warning before: it must say it exactly once now, and no process
# may have said it twice in the whole log.
sub one_connection {
    my @urls = @_;
    Apache::TestRequest::user_agent(reset => 1, keep_alive => 1);
    my @nums = map { Apache::TestRequest::user_agent_request_num(get_from $_, $app) // 0 } @urls;
    Apache::TestRequest::user_agent(reset => 1, keep_alive => 0);
    return "@nums" eq join(' ', 1 .. @urls) ? 'one connection' : "responses numbered @nums";
}
sub warned_once {   # START URL-PREFIX: the warning said for URLs under URL-PREFIX
    my ($start, $under) = @_;
    my $warning = qr/\[cors:warn\].* where \Q$under\E\S* is served, but no CORSAllowOrigin is in force there/;
    my $warned = lines_per_pid(log_since($start, $warning), $warning);
    my @pids = keys %$warned;
    return 'no warning' unless @pids;
    return 'warned by ' . scalar(@pids) . ' processes over one connection' if @pids > 1;
    return said_once_per_process($warning, @pids);
}
$start = log_size();
ok t_cmp(one_connection(('/admin/methods-only/data.txt') x 10), 'one connection',
         'ten requests where methods are given but no origin list is in force, one process');
ok t_cmp(warned_once($start, '/admin/methods-only/'), 'once', '... a warning, once per process');
$res = get_from '/admin/methods-only/data.txt', $app;
ok t_cmp(acao($res), undef, '... and no CORS headers');
$start = log_size();
my $pxy = one_connection((map { "/admin/pxy/data.txt?$_" } 1 .. 3), (map { "/admin/pxy/a$_/data.txt" } 1 .. 10));
ok t_cmp($pxy eq 'one connection' ? warned_once($start, '/admin/pxy/') : $pxy, 'once',
         '... and under a proxy (URLs that map to no file), once per section, not per URL');

# The start-up summary tells the truth: the policy in force in each section, the virtual host
# named, a virtual host's own LogLevel honoured. A throwaway httpd of its own, started and
# stopped here (loopback, a free port).
{
    my $dir = File::Temp::tempdir(CLEANUP => 1);
    chmod 0755, $dir;
    my $port = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0)->sockport;
    write_conf($dir, "127.0.0.1:$port", <<"EOC");
CORSAllowOrigin https://app.example.com
CORSAllowMethods GET POST
<VirtualHost 127.0.0.1:$port>
    ServerName api.example.test
    LogLevel warn cors:info
    <Directory $dir/api>
        CORSAllowMethods +DELETE
    </Directory>
    <Directory $dir/api/admin>
        CORSAllowCredentials On
    </Directory>
    <Files "feed.json">
        CORSAllowOrigin https://feeds.example.test
    </Files>
</VirtualHost>
EOC
    system('/usr/sbin/apache2', '-f', "$dir/httpd.conf", '-k', 'start') == 0 or die "start: $?";
    my $text = '';
    for (1 .. 50) {
        $text = do { local (@ARGV, $/) = ("$dir/error_log"); <> } // '' if -f "$dir/error_log";
        last if $text =~ /api\/admin/;
        select undef, undef, undef, 0.1;
    }
    system('/usr/sbin/apache2', '-f', "$dir/httpd.conf", '-k', 'stop');
    for (1 .. 50) { last unless -f "$dir/httpd.pid"; select undef, undef, undef, 0.1; }
    ok t_cmp($text, qr{<Directory \Q$dir\E/api/admin/> in the virtual host at .*\(api\.example\.test\): on; origins: https://app\.example\.com; methods GET, POST, DELETE; .*credentials On},
             'the summary shows what is in force in a section: methods and origins inherited');
    ok t_cmp($text, qr{<Directory \Q$dir\E/api/> in the virtual host at .*\(api\.example\.test\): on; .*methods GET, POST, DELETE;},
             '... each section, its virtual host named');
    ok t_cmp($text, qr{<Files feed\.json> in the virtual host at .*\(api\.example\.test\): on; origins: https://feeds\.example\.test;},
             '... <Files> sections too');
    ok t_cmp($text =~ /mod_cors: the main server:/ ? 'logged' : 'quiet', 'quiet',
             "... the main server's own LogLevel (warn) keeps its line quiet");
    ok t_cmp($text =~ /mod_cors: .*api\/admin.*\n(?s:.*)mod_cors: .*api\/admin/ ? 'twice' : 'once', 'once',
             '... and each section is summarised once per start');
}

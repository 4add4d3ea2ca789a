# CorsTest.pm - request helpers shared by the mod_cors Apache::Test files.
package CorsTest;
use strict;
use warnings FATAL => 'all';

use Exporter 'import';
use MIME::Base64 ();
use Apache::Test ();
use Apache::TestRequest qw(GET OPTIONS);

our @EXPORT = qw(preflight get_from acao_lines acao cors_headers vary_has basic_auth log_size
                 log_since write_conf lines_per_pid said_once_per_process);

# OPTIONS with Origin and Access-Control-Request-Method (a browser's preflight).
sub preflight {
    my ($url, $origin, $method, @extra) = @_;
    return OPTIONS $url, Origin => $origin, 'Access-Control-Request-Method' => $method, @extra;
}

sub get_from {
    my ($url, $origin, @extra) = @_;
    return GET $url, (defined $origin ? (Origin => $origin) : ()), @extra;
}

# Every Access-Control-Allow-Origin line: the browser needs exactly one.
sub acao_lines {
    my $res = shift;
    my @v = $res->headers->header('Access-Control-Allow-Origin');
    return scalar @v;
}

# The names of all Access-Control-* response headers present.
sub cors_headers {
    my $res = shift;
    return grep { /^Access-Control-/i } $res->headers->header_field_names;
}

# Does Vary name the token (case-insensitively), and how often?
sub vary_has {
    my ($res, $token) = @_;
    my $vary = join ',', $res->headers->header('Vary');
    my @hits = grep { lc($_) eq lc($token) } map { s/^\s+|\s+$//gr } split /,/, $vary;
    return scalar @hits;
}

# The one Access-Control-Allow-Origin value (undef when there is none).
sub acao {
    return scalar $_[0]->header('Access-Control-Allow-Origin');
}

# The server's error log: its size now, and what was appended since a size, waiting (bounded,
# 5 s) for a line matching $until, as the server writes its log after answering.
sub error_log { return Apache::Test::vars('t_logs') . '/error_log' }

sub log_size { return -s error_log() }

sub log_since {
    my ($start, $until) = @_;
    my $text = '';
    for (1 .. 50) {
        open my $fh, '<', error_log() or die error_log() . ": $!";
        seek $fh, $start, 0;
        local $/;
        $text = <$fh> // '';
        last if !$until || $text =~ $until;
        select undef, undef, undef, 0.1;
    }
    return $text;
}

# How many lines of TEXT (error-log lines) match RE, per process: { pid => lines }.
sub lines_per_pid {
    my ($text, $re) = @_;
    my %n;
    for (split /\n/, $text) {
        $n{$1}++ if /$re/ && /^\[[^\]]*\] \[[^\]]*\] \[pid (\d+)/;
    }
    return \%n;
}

# A warning "said once per process", judged over the server's whole error log (Apache::Test
# starts each run with a new one): every process in SERVED (the pids that answered the
# requests meant to cause it) said it exactly once, and no process said it more than once.
# Returns 'once', or what was wrong.
sub said_once_per_process {
    my ($warning, @served) = @_;
    return 'no process seen answering the requests' unless @served;
    my $said = lines_per_pid(log_since(0), $warning);
    my %wrong;
    $wrong{$_} = $said->{$_} // 0 for grep { ($said->{$_} // 0) != 1 } @served;
    $wrong{$_} = $said->{$_} for grep { $said->{$_} > 1 } keys %$said;
    return 'once' unless %wrong;
    return join '; ', map { "pid $_ said it $wrong{$_} times" } sort keys %wrong;
}

# A throwaway httpd configuration in DIR: prefork, authz_core and the freshly built module,
# listening on LISTEN (loopback), logging to DIR/error_log at warn, then the LINES given.
# Returns the file's path.
sub write_conf {
    my ($dir, $listen, $lines) = @_;
    my $vars = Apache::Test::vars();
    my $cors = "$vars->{serverroot}/../../.libs/mod_cors.so";
    chomp(my $mods = `apxs -q LIBEXECDIR`);
    my $user = $> == 0 ? "User $vars->{user}\nGroup $vars->{group}\n" : '';
    open my $fh, '>', "$dir/httpd.conf" or die "$dir/httpd.conf: $!";
    print $fh <<"EOC";
ServerRoot $dir
ServerName localhost
LoadModule mpm_prefork_module $mods/mod_mpm_prefork.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule cors_module $cors
${user}Listen $listen
PidFile $dir/httpd.pid
ErrorLog $dir/error_log
LogLevel warn
$lines
EOC
    close $fh;
    return "$dir/httpd.conf";
}

sub basic_auth {
    return (Authorization => 'Basic ' . MIME::Base64::encode_base64('alice:wonderland', ''));
}

1;

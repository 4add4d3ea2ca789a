#!/usr/bin/perl
# client.pl - load client: N processes, each request from its own allowed origin, every answer
# checked: complete, 200, and Access-Control-Allow-Origin equal to that request's origin.
# Usage: client.pl PORT CLIENTS SECONDS   Prints "requests bad" totals.
#        client.pl PORT CLIENTS SECONDS versions   the same against /ht/data.txt, whose .htaccess
#        load.sh keeps switching between version A (origins 1-500, exposing X-Version-A) and B
#        (501-1000, X-Version-B): an answer may refuse, but one that allows must be the whole
#        of one version. Prints "requests bad allowed-by-A allowed-by-B".
#        client.pl PORT CLIENTS SECONDS sources   the same against /src/data.txt, whose origin
#        file load.sh keeps switching between version A (origins 1-500) and B (501-1000), both
#        ending with https://always.example, while rows of its SQLite table come and go beside
#        https://always-sql.example: the two "always" origins must be allowed on every request
#        (a half-read list would drop them), https://never.example never, any other answer
#        may allow or refuse. Prints "requests bad allowed-by-A allowed-by-B".
# Exits non-zero, saying why on standard error, if any client process died, exited non-zero
# or did not report its totals (what it did is then unknown, so the run counts as failed).
use strict;
use warnings;
use IO::Socket::INET ();

my ($port, $clients, $seconds, $mode) = @ARGV;
$mode //= 'api';
my @kids;
pipe(my $rd, my $wr) or die "pipe: $!";
for my $c (1 .. $clients) {
    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        close $rd;
        my ($n, $bad, $i, $by_a, $by_b) = (0, 0, 0, 0, 0);
        my $path = $mode eq 'versions' ? '/ht/data.txt'
                 : $mode eq 'sources' ? '/src/data.txt' : '/api/data.txt';
        my $end = time + $seconds;
        while (time < $end) {
            # A different allowed origin for every request of every client.
            my $origin = 'https://o' . (1 + ($c * 7919 + $i++) % 1000) . '.example';
            if ($mode eq 'sources' && $i % 2) {
                $origin = ('https://always.example', 'https://always-sql.example',
                           'https://never.example', 'https://q' . ($i % 50) . '.example')[$i / 2 % 4];
            }
            my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 10);
            unless ($s) { $bad++; $n++; next; }
            print $s "GET $path HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: $origin\r\n"
                   . "Connection: close\r\n\r\n";
            local $/;
            my $r = eval { local $SIG{ALRM} = sub { die "timeout\n" }; alarm 10; my $x = <$s>; alarm 0; $x } // '';
            $n++;
            my ($head, $body) = split /\r\n\r\n/, $r, 2;
            $head //= '';
            my ($len) = $head =~ /^Content-Length: (\d+)\r?$/mi;
            my @acao = $head =~ /^Access-Control-Allow-Origin: (.*?)\r?$/mgi;
            my $wrong;
            if ($mode eq 'sources') {
                my ($k) = $origin =~ /^https:\/\/o(\d+)\./;
                $wrong = $head !~ m{^HTTP/1\.1 200 } || !defined $len
                         || length($body // '') != $len || @acao > 1
                         || (@acao && $acao[0] ne $origin)
                         || ($origin =~ /always/ && !@acao)
                         || ($origin =~ /never/ && @acao);
                $by_a++ if @acao && !$wrong && defined $k && $k <= 500;
                $by_b++ if @acao && !$wrong && defined $k && $k > 500;
            }
            elsif ($mode eq 'versions') {
                my ($k) = $origin =~ /o(\d+)\./;
                my @aceh = $head =~ /^Access-Control-Expose-Headers: (.*?)\r?$/mgi;
                my $want = $k <= 500 ? 'X-Version-A' : 'X-Version-B';
                $wrong = $head !~ m{^HTTP/1\.1 200 } || !defined $len
                         || length($body // '') != $len || @acao > 1
                         || (@acao && ($acao[0] ne $origin || "@aceh" ne $want))
                         || (!@acao && @aceh);
                $by_a++ if @acao && !$wrong && $k <= 500;
                $by_b++ if @acao && !$wrong && $k > 500;
            }
            else {
                $wrong = $head !~ m{^HTTP/1\.1 200 } || @acao != 1 || $acao[0] ne $origin
                         || !defined $len || length($body // '') != $len;
            }
            if ($wrong) {
                $bad++;
                print STDERR "bad answer for $origin: " . substr($head, 0, 200) . "\n" if $bad <= 3;
            }
        }
        # One line, well under PIPE_BUF: written whole, never mixed with another client's.
        print $wr "$$ $n $bad $by_a $by_b\n" or die "client $c: report: $!";
        close $wr or die "client $c: report: $!";
        exit 0;
    }
    push @kids, $pid;
}
close $wr;
# Each client runs SECONDS, plus at most 10 s for its last answer: past a generous bound the
# ones still running are killed (and counted as failed) rather than waited for forever.
local $SIG{ALRM} = sub { kill 'KILL', @kids; };
alarm $seconds + 60;
my ($total, $bad, $by_a, $by_b) = (0, 0, 0, 0);
my %reported;
while (my $line = <$rd>) {
    my ($pid, $n, $b, $x, $y) = split ' ', $line;
    next unless defined $y && $line =~ /^\d+( \d+){4}\n\z/;
    $reported{$pid}++;
    $total += $n;
    $bad += $b;
    $by_a += $x;
    $by_b += $y;
}
my @failed;
for my $pid (@kids) {
    waitpid($pid, 0) == $pid or do { push @failed, "client $pid: waitpid: $!"; next };
    my $st = $?;
    push @failed, "client $pid " . (($st & 127) ? 'killed by signal ' . ($st & 127)
                                                : 'exited ' . ($st >> 8)) if $st;
    push @failed, "client $pid reported " . ($reported{$pid} // 0) . ' times, not once'
        if ($reported{$pid} // 0) != 1;
}
alarm 0;
print $mode eq 'api' ? "$total $bad\n" : "$total $bad $by_a $by_b\n";
if (@failed) {
    print STDERR "client.pl: $_\n" for @failed;
    exit 1;
}

#!/usr/bin/perl
# client.pl - load client: N processes, each request from its own allowed origin, every answer
# checked: complete, 200, and Access-Control-Allow-Origin equal to that request's origin.
# Usage: client.pl PORT CLIENTS SECONDS   Prints "requests bad" totals.
use strict;
use warnings;
use IO::Socket::INET ();

my ($port, $clients, $seconds) = @ARGV;
my @kids;
pipe(my $rd, my $wr) or die "pipe: $!";
for my $c (1 .. $clients) {
    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        close $rd;
        my ($n, $bad, $i) = (0, 0, 0);
        my $end = time + $seconds;
        while (time < $end) {
            # A different allowed origin for every request of every client.
            my $origin = 'https://o' . (1 + ($c * 7919 + $i++) % 1000) . '.example';
            my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 10);
            unless ($s) { $bad++; $n++; next; }
            print $s "GET /api/data.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: $origin\r\n"
                   . "Connection: close\r\n\r\n";
            local $/;
            my $r = eval { local $SIG{ALRM} = sub { die "timeout\n" }; alarm 10; my $x = <$s>; alarm 0; $x } // '';
            $n++;
            my ($head, $body) = split /\r\n\r\n/, $r, 2;
            $head //= '';
            my ($len) = $head =~ /^Content-Length: (\d+)\r?$/mi;
            my @acao = $head =~ /^Access-Control-Allow-Origin: (.*?)\r?$/mgi;
            if ($head !~ m{^HTTP/1\.1 200 } || @acao != 1 || $acao[0] ne $origin
                || !defined $len || length($body // '') != $len) {
                $bad++;
                print STDERR "bad answer for $origin: " . substr($head, 0, 200) . "\n" if $bad <= 3;
            }
        }
        print $wr "$n $bad\n";
        close $wr;
        exit 0;
    }
    push @kids, $pid;
}
close $wr;
my ($total, $bad) = (0, 0);
while (my $line = <$rd>) {
    my ($n, $b) = split ' ', $line;
    $total += $n;
    $bad += $b;
}
waitpid $_, 0 for @kids;
print "$total $bad\n";

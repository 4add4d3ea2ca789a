# htcache.t - mod_cors 1.2: .htaccess lines are parsed once per process and text; any change
# to a file is the policy at once; errors, sections and the regex bound hold from the cache.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Path ();

use Apache::Test;
use Apache::TestUtil;
use Apache::TestRequest qw(GET);
use CorsTest;

plan tests => 33, need_module 'cors';

my $docroot = Apache::Test::vars('documentroot');
my $base = "$docroot/htcache";
File::Path::rmtree($base);

# put FILE-DIR, TEXT: writes DIR/.htaccess (and a data.txt beside it), readable by httpd.
sub put {
    my ($dir, $text) = @_;
    File::Path::make_path("$base/$dir");
    chmod 0755, $base, "$base/$dir";
    for (['data.txt', "data of $dir\n"], ['.htaccess', $text]) {
        my ($name, $body) = @$_;
        open my $fh, '>', "$base/$dir/$name.tmp" or die "$base/$dir/$name: $!";
        print $fh $body;
        close $fh;
        chmod 0644, "$base/$dir/$name.tmp";
        rename "$base/$dir/$name.tmp", "$base/$dir/$name" or die "rename: $!";
    }
}

# Every one of N requests (spread over the server's processes and threads, each with its own
# cache) gives the same answer: the value of Access-Control-Allow-Origin, or the status.
sub every {
    my ($n, $what, $url, $origin, @extra) = @_;
    my %seen;
    for (1 .. $n) {
        my $res = get_from $url, $origin, @extra;
        $seen{$what eq 'status' ? $res->code : acao($res) // '-'}++;
    }
    return join ' ', map { "$_ x$seen{$_}" } sort keys %seen;
}

my ($oa, $ob) = ('https://a.example', 'https://b.example');

# ---- an edited file is the policy at once, whichever process answers --------------------------
put 'edit', "CORSAllowOrigin $oa\nCORSAllowMethods PUT\n";
ok t_cmp(every(12, 'acao', '/htcache/edit/data.txt', $oa), "$oa x12", 'origin a allowed');
put 'edit', "CORSAllowOrigin $ob\nCORSAllowMethods PUT\n";
ok t_cmp(every(12, 'acao', '/htcache/edit/data.txt', $oa), '- x12',
         'the file edited (same length): a refused on every request');
ok t_cmp(every(12, 'acao', '/htcache/edit/data.txt', $ob), "$ob x12", '... and b allowed');
put 'edit', "CORSAllowOrigin $oa\nCORSAllowMethods PUT\n";
ok t_cmp(every(12, 'acao', '/htcache/edit/data.txt', $oa), "$oa x12",
         'edited back: the first text\'s policy again');
ok t_cmp(every(12, 'acao', '/htcache/edit/data.txt', $ob), '- x12', '... b refused again');

# A later line alone changed: the lines before it are found, the rest read again.
put 'edit', "CORSAllowOrigin $oa\nCORSAllowMethods DELETE\n";
my $res = preflight '/htcache/edit/data.txt', $oa, 'DELETE';
ok t_cmp($res->code, 204, 'the second line changed: DELETE allowed');
$res = preflight '/htcache/edit/data.txt', $oa, 'PUT';
ok t_cmp($res->code, 403, '... PUT no longer');

# Two files of the same text are two policies: editing one leaves the other.
put 'twin1', "CORSAllowOrigin $oa\n";
put 'twin2', "CORSAllowOrigin $oa\n";
every(6, 'acao', "/htcache/$_/data.txt", $oa) for 'twin1', 'twin2';
put 'twin2', "CORSEnable Off\nCORSAllowOrigin $oa\n";
ok t_cmp(every(8, 'acao', '/htcache/twin2/data.txt', $oa), '- x8', 'one twin switched off');
ok t_cmp(every(8, 'acao', '/htcache/twin1/data.txt', $oa), "$oa x8", '... the other still on');

# ---- a bad line stays bad, on every request; fixed, it is the policy at once -----------------
put 'bad', "CORSAllowOrigin $oa\nCORSAllowMethods -GET\n";
ok t_cmp(every(8, 'status', '/htcache/bad/data.txt', $oa), '500 x8',
         'a refused line: 500 on every request, not only the first');
my $start = log_size();
get_from '/htcache/bad/data.txt', $oa;
ok t_cmp(log_since($start, qr/htcache\/bad\/\.htaccess/),
         qr{htcache/bad/\.htaccess: CORSAllowMethods: .*GET},
         '... each time with the line\'s own message');
put 'bad', "CORSAllowOrigin $oa\nCORSAllowMethods GET\n";
ok t_cmp(every(8, 'acao', '/htcache/bad/data.txt', $oa), "$oa x8", 'fixed: allowed at once');
put 'bad', "CORSAllowOrigin $oa\nCORSAllowOrigin *\nCORSAllowCredentials On\n";
ok t_cmp(every(8, 'status', '/htcache/bad/data.txt', $oa), '500 x8',
         'a contradiction of two lines: 500 on every request');

# ---- sections in the file, merged among themselves before the directory -------------------
put 'files', <<"EOT";
CORSAllowOrigin $oa
<Files "data.txt">
CORSAllowOrigin +https://f1.example
</Files>
<FilesMatch "^data">
CORSAllowOrigin +https://f2.example
</FilesMatch>
<If "%{QUERY_STRING} == 'q'">
CORSAllowOrigin +https://q.example
</If>
EOT
ok t_cmp(every(10, 'acao', '/htcache/files/data.txt', 'https://f1.example'),
         'https://f1.example x10', 'the first of two matching <Files> sections, every request');
ok t_cmp(every(10, 'acao', '/htcache/files/data.txt', 'https://f2.example'),
         'https://f2.example x10', '... the second');
ok t_cmp(every(10, 'acao', '/htcache/files/data.txt', $oa), "$oa x10", '... the file\'s own line');
ok t_cmp(every(10, 'acao', '/htcache/files/data.txt?q', 'https://q.example'),
         'https://q.example x10', 'an <If> section in the file');
ok t_cmp(every(10, 'acao', '/htcache/files/data.txt', 'https://q.example'), '- x10',
         '... only where it holds');

# ---- regexes: compiled once per process, matched on every request -----------------------------
put 'regex', "CORSAllowOriginMatch ^https://r[0-9]+\\.example\$\n";
ok t_cmp(every(10, 'acao', '/htcache/regex/data.txt', 'https://r7.example'),
         'https://r7.example x10', 'a regex from the cache matches');
ok t_cmp(every(10, 'acao', '/htcache/regex/data.txt', 'https://rx.example'), '- x10',
         '... and refuses');

# ---- the bound on one request's regexes holds when its lines come from the cache ------------
sub regexes {
    my ($n, $tag) = @_;
    return join '', map { "CORSAllowOriginMatch +^https://$tag$_\\.example\$\n" } 1 .. $n;
}
put 'many', regexes(200, 'p');
put 'many/sub', regexes(100, 'c');
ok t_cmp(every(8, 'status', '/htcache/many/data.txt', $oa), '200 x8', '200 regexes: served');
ok t_cmp(every(8, 'status', '/htcache/many/sub/data.txt', $oa), '500 x8',
         '200 above and 100 below: 500 on every request, the cached ones too');
put 'alone', regexes(100, 'c');
ok t_cmp(every(8, 'status', '/htcache/alone/data.txt', $oa), '200 x8',
         '... the same 100 lines alone: served');
put 'many', regexes(100, 'p');
ok t_cmp(every(8, 'status', '/htcache/many/sub/data.txt', $oa), '200 x8',
         'the file above cut to 100: served');

# ---- many versions of one file: the answers keep following the text ----------------------
my $ok = 0;
for my $v (1 .. 40) {
    put 'churn', "CORSAllowOrigin https://v$v.example\n";
    my $r = get_from '/htcache/churn/data.txt', "https://v$v.example";
    my $old = get_from '/htcache/churn/data.txt', 'https://v' . ($v - 1) . '.example';
    $ok++ if (acao($r) // '') eq "https://v$v.example" && !defined acao($old);
}
ok t_cmp($ok, 40, 'forty versions of a file: each allowed at once, the one before refused');
ok t_cmp(log_since($start, qr/Segmentation|AH00052/) =~ /Segmentation|AH00052/ ? 'crash' : 'none',
         'none', 'no child died');

# ---- sections that edit a list without end: bounded, and said --------------------------------
sub sections {       # N <If> sections, each editing in the same 16 header names
    my ($n) = @_;
    return "CORSAllowOrigin $oa\n" . join '', map {
        "<If \"true\">\nCORSAllowHeaders " . join(' ', map { "+X-H-$_" } 0 .. 15) . "\n</If>\n"
    } 1 .. $n;
}
put 'edits', sections(31);
$res = preflight '/htcache/edits/data.txt', $oa, 'GET', 'Access-Control-Request-Headers' => 'x-h-7';
ok t_cmp($res->code, 204, '31 <If> sections of 16 header edits (496 in force): allowed');
put 'edits', sections(33);
$start = log_size();
my $t0 = time;
$res = preflight '/htcache/edits/data.txt', $oa, 'GET', 'Access-Control-Request-Headers' => 'x-h-7';
ok t_cmp($res->code, 403, '33 sections (528 edits in force): the merged list allows nothing');
ok t_cmp(time - $t0 < 10 ? 'bounded' : 'slow', 'bounded', '... answered in bounded time');
ok t_cmp(log_since($start, qr/more than 512/), qr/more than 512 CORSAllowHeaders items and edits/,
         '... and the error log says why');

# Origins layered by sections: up to 64 layers, then nothing (and said).
sub layers {
    my ($n) = @_;
    return "CORSAllowOrigin $oa\n"
        . join '', map { "<If \"true\">\nCORSAllowOrigin +https://o$_.example\n</If>\n" } 1 .. $n;
}
put 'layers', layers(60);
ok t_cmp(every(4, 'acao', '/htcache/layers/data.txt', 'https://o60.example'),
         'https://o60.example x4', '60 <If> sections each adding an origin: allowed');
put 'layers', layers(70);
$start = log_size();
ok t_cmp(every(4, 'acao', '/htcache/layers/data.txt', 'https://o60.example'), '- x4',
         '70 sections: no origin allowed');
ok t_cmp(log_since($start, qr/more than 64 sections/), qr/more than 64 sections in force here edit CORSAllowOrigin/,
         '... and the error log says why');

File::Path::rmtree($base);

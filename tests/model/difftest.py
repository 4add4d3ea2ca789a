#!/usr/bin/env python3
"""difftest.py - random multi-level configurations and requests through a real httpd loading
mod_cors, each answer compared header by header with the model (cors_model.py), and the
browser's verdict (fetch_judge.py) on every answer held to what the policy says.

    python3 tests/model/difftest.py [--cases N] [--seed S] [--only B.I] [--configtest] [--so PATH]
                                      [--info-cases N]
    python3 tests/model/difftest.py --configtest-only [--so PATH]

Cases come in batches: one httpd per batch (event MPM, one child, 127.0.0.1, a free port),
holding a main server policy and six name-based virtual hosts ("sites"), each with its own
directory trees, <Directory>, .htaccess (with origin files beside them: the document root has
AllowOverrideList CORSAllowOriginFile), <DirectoryMatch>, <Files>, <Location> and <If>
sections.  For each kind of line (credentials, origin files, regexes, .htaccess files) two
sites of a batch have more of it, so that every batch holds each kind.

Every 100th case of a batch is a scenario (class Scenario): a directory of its own whose
.htaccess files and origin files change between its requests, in four rounds of edits (a
line changed, added, deleted; comments and other modules' lines shifting the rest): 129-150
CORSAllowOriginMatch lines with removals after them (one file, or two nested ones), more
directive text than the module keeps a built policy for (some 5,000 origins, rebuilt from
its cached lines on every request), and CORSAllowOriginFile named by the .htaccess file
turning into a symbolic link (to a file beside it, absolute, a chain, out of the directory,
its directory a link) and back into a plain file.  Each process looks at an origin file at
most once a second: the requests after such a change come SETTLE (1.1) s after it, the wait
spent on the static cases and the other scenarios.

Levels also carry CORSReportOnly and CORSTimingAllowOrigin (On and Off) now and then; two
sites of a batch have more report-only lines (and one tree report-only), two sites that are
on have Timing-Allow-Origin On throughout.

For every request: the Access-Control-* headers, Timing-Allow-Origin (the site's own, set by
"Header always set" on some sites, stays where CORSTimingAllowOrigin is not On), Vary and a
preflight's status must be the model's; no X-CORS-Reason; the outcome in %{cors}n (logged
beside the request's X-Model-Case id) must be the model's; under report-only the answer must
be the rest of the server's (the site's own headers, no Vary, no 204) and the same as the
answer to the same request sent again without Origin and Access-Control-Request-* (an
ordinary request mod_cors decides nothing about: status and every header but Date alike);
no answer to a scenario's request may be a 500; and the browser's verdict (fetch_judge.judge) on the
module's answer must be cors_model.browser_verdict, what the policy says a browser decides
(a 'fetch' disagreement; 'model-fetch' where the model's own headers would be read
otherwise: a fault of the model).  Not judged: requests without Origin (no CORS check in a
browser); where the location is off, the verdict is on the site's own headers.

cors-info (SetHandler cors-info, CORSHandlers On, at /cors-info in every virtual host: an Alias
of an empty directory whose walk reads no .htaccess file) is asked about a sample of the
requests (--info-cases, 200 a run, spread over it; every request of --only): the same virtual
host, path, origin and method (a preflight's Access-Control-Request-Method, and its -Headers).
Its decision (outcome, Access-Control-Allow-Origin, -Credentials, Vary: Origin; for a request
-Expose-Headers and Timing-Allow-Origin; for a preflight -Methods, -Headers, -Max-Age) must be
the model's for the lookup, which has no query string (an <If> on %{QUERY_STRING} is false
there; under report-only, the decision as if enforced), and, where the query string changes
nothing of the request's configuration, what the server did: its %{cors}n (report-only
prefixed) and, where cors-info says mod_cors is on and enforcing, the headers it sent.  Not
asked: requests without Origin (no decision), methods cors-info's method= does not take.

A run must hold enough of each kind of case (FLOORS, per 1,000 cases): below a floor it fails
with a line naming the kind; --cases below 1,000 is refused.

Case I of batch B depends on the seed, B and I only: "--seed S --only B.I" replays it alone
(a scenario: all its requests).  Prints one line per failing request, a summary of the
kinds of disagreement, the coverage, and last "N passed, N failed".  Exits 1 on any failure
or coverage short of a floor, 2 when it could not run.
"""
import sys
sys.dont_write_bytecode = True

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import cors_model as M          # noqa: E402
import fetch_judge as F         # noqa: E402

APACHE = '/usr/sbin/apache2'
MODULES = '/usr/lib/apache2/modules'
BATCH = 2500

N_SITES = 6
N_TREES = 8
DIRS = ['', 'a', 'a/b', 'c']
FILES = ['f0.txt', 'f1.txt', 'f2.txt']
MISSING = 'nofile.txt'
QUERIES = ['', 'sel=a', 'sel=b']
GEN_HEADERS = ['X-Gen-A', 'X-Gen-B']          # set by "Header always set" on every site
LEFTOVER = [('Access-Control-Allow-Origin', 'https://leftover.example'),
            ('Access-Control-Expose-Headers', 'X-Leftover'),
            ('Timing-Allow-Origin', 'https://leftover.example')]
# the headers mod_cors owns (adds, replaces, removes), compared exactly: Timing-Allow-Origin
# only where CORSTimingAllowOrigin is On (elsewhere the site's own stays)
OWNED_PREFIX = 'access-control-'
TAO = 'timing-allow-origin'
NOTE_HEADER = 'X-Model-Case'       # each request's id, logged beside its %{cors}n
NOTES_LOG = 'notes_log'
# never different between a request and the same one sent again
UNSTABLE = ('date', 'keep-alive', 'connection')
# httpd drops these from a 304 after mod_cors has seen them: naming them exposes nothing
STRIPPED_ON_304 = ('content-length', 'content-type', 'content-encoding', 'transfer-encoding',
                   'content-range', 'content-language')
LEFTOVER_VARY = 'Accept-Language'               # mod_cors must merge Origin in, not replace it
INDEX_FILE = 'f1.txt'               # every site's DirectoryIndex
INFO_URL = '/cors-info'             # SetHandler cors-info (run_batch's ask_info)
INFO_DIR = 'info'                   # the empty directory it is an Alias of (in the batch's root)
INFO_PER_RUN = 200                  # requests per run cors-info is asked about (at most)

# ---------------------------------------------------------------------------------------------
# Pools

HOSTS = ['app.example.com', 'api.example.com', 'a.b.example.com', 'example.com',
         'pr-7.example.com', 'a.example.net', 'b.example.net', 'localhost', '127.0.0.1', '[::1]']
SUFFIXES = ['example.com', 'example.net', 'b.example.com']
REGEXES = [
    (r'https://pr-[0-9]+\.example\.com',
     ['https://pr-1.example.com', 'https://pr-42.example.com', 'https://pr-.example.com',
      'https://pr-1.example.com.evil.net', 'http://pr-3.example.com', 'https://PR-9.EXAMPLE.COM',
      'https://pr-7.example.com:443', 'https://pr-7.example.com:8443', 'https://xpr-1.example.com']),
    (r'https?://(a|b)\.example\.net',
     ['http://a.example.net', 'https://b.example.net', 'https://c.example.net',
      'https://ab.example.net', 'https://a.example.net:8443', 'HTTP://A.EXAMPLE.NET',
      'https://a.example.net.evil.net', 'http://b.example.net:80']),
    (r'http://localhost:[0-9]+',
     ['http://localhost:3000', 'http://localhost', 'http://localhost:80', 'https://localhost:3000',
      'http://LOCALHOST:8080', 'http://localhost:3000.evil.net']),
    (r'https://[a-z]+\.example\.com',
     ['https://app.example.com', 'https://api.example.com', 'https://a.b.example.com',
      'https://x1.example.com', 'https://APP.example.com', 'https://example.com']),
    (r'n[a-z]+l|https://n\.example\.com',
     ['null', 'https://n.example.com', 'https://nxl.example.com', 'NULL', 'nul']),
    (r'https://app\.example\.(com|net)',
     ['https://app.example.com', 'https://app.example.net', 'https://app.example.org',
      'https://app.example.com:444', 'https://appxexample.com']),
]
SIX = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']
OTHER_METHODS = ['PATCH', 'PURGE', 'MKCOL']
HEADER_ITEMS = ['Content-Type', 'X-Api-Key', 'X-Requested-With', 'Authorization', 'X-Custom-1']
EXPOSE_ITEMS = ['X-Gen-A', 'X-Gen-B', 'X-Request-Id', 'Content-Type']
HT_ORIGIN_FILES = ['origins.txt', 'lists/o.txt']    # beside each .htaccess file
# How often a level has each kind of line: a site's usual values, and those of the two sites per
# batch (chosen at random) that have more of that kind, so that every batch holds each kind.
KNOBS = {'cred': (0.2, 0.55), 'file': (0.15, 0.45), 'regex': (0.15, 0.4), 'ht': (0.3, 0.55),
         'report': (0.025, 0.1), 'timing': (0.12, 0.4)}


def case_variant(rng, s):
    r = rng.random()
    if r < 0.55:
        return s
    if r < 0.7:
        return s.lower()
    if r < 0.85:
        return s.upper()
    return ''.join(c.upper() if rng.random() < 0.5 else c.lower() for c in s)


def port_text(rng, scheme, port):
    """port: None, an int or '*'.  Sometimes writes the default port out."""
    if port is None:
        if rng.random() < 0.15:
            return ':%d' % M.DEFAULT_PORTS[scheme]
        return ''
    return ':%s' % port


class Pools:
    """What one batch's configurations are made of: a smallish pool, so that the same keys
    meet at several levels (allowed here, removed there, added back below)."""

    def __init__(self, rng):
        self.origins = []           # (text, kind) canonical
        for _ in range(rng.randint(8, 14)):
            self.origins.append(self.random_origin(rng))
        self.origins.append(('null', 'null'))
        self.regexes = rng.sample([r for r, _ in REGEXES], rng.randint(2, 4))
        # Origin files (CORSAllowOriginFile), written under the batch's root: a few origins
        # and patterns of the pool each, so the same keys meet in files and lists.
        self.files = {}
        for n in range(rng.randint(1, 3)):
            self.files['f%d.txt' % n] = [t for t, _ in rng.sample(self.origins[:-1],
                                                                   rng.randint(1, 4))]
        # Origin files named by .htaccess files (AllowOverrideList), relative to their directory:
        # written beside every .htaccess file of the batch.
        self.ht_files = {}
        for name in HT_ORIGIN_FILES:
            self.ht_files[name] = [t for t, _ in rng.sample(self.origins[:-1], rng.randint(1, 4))]
        self.spelling = {m: rng.choice([m, m.lower(), m.capitalize()]) for m in OTHER_METHODS}
        self.methods = SIX + [self.spelling[m] for m in OTHER_METHODS]

    @staticmethod
    def random_origin(rng):
        scheme = rng.choice(['https', 'https', 'http'])
        r = rng.random()
        if r < 0.5:
            host = rng.choice(HOSTS)
            port = rng.choice([None, None, None, 8080, 3000])
            return ('%s://%s%s' % (scheme, host, '' if port is None else ':%d' % port), 'exact')
        if r < 0.8:
            suf = rng.choice(SUFFIXES)
            port = rng.choice([None, None, 8443, '*'])
            return ('%s://*.%s%s' % (scheme, suf, '' if port is None else ':%s' % port), 'pattern')
        host = rng.choice(['localhost', '127.0.0.1', 'app.example.com', '[::1]', 'api.example.com'])
        return ('%s://%s:*' % (scheme, host), 'portwild')

    def render_origin(self, rng, text):
        """The same item as an admin might write it: case, default port spelt out."""
        if text in ('*', 'null'):
            return text
        m = re.fullmatch(r'([a-z]+)://([^:]+)(?::(.*))?', text)
        if not m:               # IPv6 with a port: leave it be
            return text
        scheme, host, port = m.groups()
        if port is None and not host.startswith('['):
            ptxt = port_text(rng, scheme, None)
        else:
            ptxt = '' if port is None else ':' + port
        if rng.random() < 0.2:
            scheme = scheme.upper()
        if rng.random() < 0.2:
            host = case_variant(rng, host)
        return '%s://%s%s' % (scheme, host, ptxt)


# ---------------------------------------------------------------------------------------------
# Levels

def join_items(rng, items, regex=False):
    if regex:                   # CORSAllowOriginMatch splits on white space only
        return ' '.join(items)
    sep = rng.choice([' ', ' ', ', ', ',', ' , '])
    s = sep.join(items)
    if (',' in sep or rng.random() < 0.1) and rng.random() < 0.3:
        s = '"%s"' % s
    return s


def list_lines(rng, directive, plain_pool, remove_pool, star_ok, star_p=0.12):
    """Lines of one list directive for one level: a replacement (plain lines, maybe followed
    by edit lines) or edits only.  Returns [(directive, args)]."""
    lines = []
    nlines = 1 if rng.random() < 0.75 else 2
    replace = rng.random() < 0.5
    for i in range(nlines):
        if replace and (i == 0 or rng.random() < 0.5):
            items = []
            for _ in range(rng.randint(1, 3)):
                if star_ok and rng.random() < star_p:
                    items.append('*')
                else:
                    items.append(plain_pool())
            lines.append((directive, join_items(rng, items, directive == 'CORSAllowOriginMatch')))
        else:
            items = []
            for _ in range(rng.randint(1, 3)):
                if rng.random() < 0.5:
                    items.append('-' + remove_pool())
                elif star_ok and rng.random() < star_p:
                    items.append('+*')
                else:
                    items.append('+' + plain_pool())
            lines.append((directive, join_items(rng, items, directive == 'CORSAllowOriginMatch')))
    return lines


def gen_level(rng, pools, mode, where, knobs=None):
    """One level's CORS lines.  mode: 'nocred' (no credentials On), 'nostar' (no '*' origin or
    expose) or 'any'.  where: 'main', 'vhost', 'dir', 'ht', 'sec' (weights differ).  knobs: how
    often credentials, origin files and regexes come (KNOBS; the usual values if None)."""
    knobs = knobs or {k: v[0] for k, v in KNOBS.items()}
    lines = []
    p = {'main': 0.7, 'vhost': 0.8, 'dir': 0.6, 'ht': 0.6, 'sec': 0.6}[where]
    if rng.random() > p:
        return lines
    star_ok = mode != 'nostar'
    if where in ('main', 'vhost'):
        if rng.random() < 0.75:
            lines.append(('CORSEnable', rng.choice(['On', 'On', 'on', 'Off']) if where == 'vhost'
                          else rng.choice(['On', 'Off'])))
    elif rng.random() < 0.2:
        lines.append(('CORSEnable', rng.choice(['On', 'On', 'Off'])))
    if rng.random() < 0.55:
        lines += list_lines(rng, 'CORSAllowOrigin',
                            lambda: pools.render_origin(rng, rng.choice(pools.origins)[0]),
                            lambda: pools.render_origin(rng, rng.choice(pools.origins)[0]),
                            star_ok, 0.22)
    # Origin files: the admin's anywhere; in an .htaccess file (not in a section inside one) one
    # beside it, where AllowOverrideList names the directive (the batch's document root does).
    if where in ('main', 'vhost', 'dir') and rng.random() < knobs['file']:
        lines.append(('CORSAllowOriginFile', '%s{root}/origins/%s' % (
            rng.choice(['', '+']), rng.choice(sorted(pools.files)))))
    elif where == 'ht' and rng.random() < knobs['file']:
        lines.append(('CORSAllowOriginFile', '%s%s' % (rng.choice(['', '+']),
                                                      rng.choice(HT_ORIGIN_FILES))))
    if rng.random() < knobs['regex']:
        lines += list_lines(rng, 'CORSAllowOriginMatch', lambda: rng.choice(pools.regexes),
                            lambda: rng.choice(pools.regexes), False)
    if rng.random() < 0.3:
        lines += list_lines(rng, 'CORSAllowMethods',
                            lambda: case_variant(rng, rng.choice(SIX)) if rng.random() < 0.5
                            else rng.choice(pools.methods[6:]),
                            lambda: case_variant(rng, rng.choice(
                                ['DELETE', 'OPTIONS', 'PUT'] + OTHER_METHODS)),
                            True, 0.15)
    if rng.random() < 0.3:
        lines += list_lines(rng, 'CORSAllowHeaders',
                            lambda: case_variant(rng, rng.choice(HEADER_ITEMS)),
                            lambda: case_variant(rng, rng.choice(HEADER_ITEMS)), True, 0.2)
    if rng.random() < 0.2:
        lines += list_lines(rng, 'CORSExposeHeaders',
                            lambda: case_variant(rng, rng.choice(EXPOSE_ITEMS)),
                            lambda: case_variant(rng, rng.choice(EXPOSE_ITEMS)), star_ok, 0.25)
    if rng.random() < knobs['cred']:
        on = mode != 'nocred' and rng.random() < (0.7 if knobs['cred'] < 0.5 else 0.85)
        lines.append(('CORSAllowCredentials', 'On' if on else 'Off'))
    if rng.random() < 0.15:
        lines.append(('CORSMaxAge', str(rng.choice([0, 5, 600, 7200, 86400]))))
    if rng.random() < 0.1:
        lines.append(('CORSPreflightStatus', rng.choice(['200', '204'])))
    # Report-only and Timing-Allow-Origin, at modest rates (report-only in force takes the
    # request out of most of the checks): Off as well as On, so a nearer level turns them off.
    if rng.random() < knobs['report']:
        lines.append(('CORSReportOnly', rng.choice(['On', 'On', 'on', 'Off', 'off'])))
    if rng.random() < knobs['timing']:
        lines.append(('CORSTimingAllowOrigin', rng.choice(['On', 'On', 'On', 'Off', 'OFF'])))
    # Lines of different directives may come in any order; those of one directive keep theirs.
    order = list(range(len(lines)))
    rng.shuffle(order)
    by_dir = {}
    for i, (d, _) in enumerate(lines):
        by_dir.setdefault(d, []).append(lines[i])
    out, used = [], {}
    for i in order:
        d = lines[i][0]
        out.append(by_dir[d][used.get(d, 0)])
        used[d] = used.get(d, 0) + 1
    return out


def strip_conflict(lines):
    """A level without what makes it a contradiction: credentials On go first."""
    return [(d, a) for d, a in lines if not (d == 'CORSAllowCredentials' and a == 'On')]


def strip_stars(lines):
    out = []
    for d, a in lines:
        if d in ('CORSAllowOrigin', 'CORSExposeHeaders'):
            items = [w for w in re.split(r'[\s,"]+', a) if w and w not in ('*', '+*')]
            if not items:
                continue
            a = ' '.join(items)
        out.append((d, a))
    return out


# ---------------------------------------------------------------------------------------------
# A batch: main server policy + sites

class Site:
    def __init__(self, idx):
        self.idx = idx
        self.name = 's%d.test' % idx
        self.vhost = []
        self.directories = []       # (relative dir, lines) in config order; '' is the site root
        self.htaccess = {}          # relative dir -> (lines, [files Section], [if Section])
        self.dirmatch = []          # Section (pattern relative: '{root}' filled in later)
        self.files = []
        self.locations = []
        self.ifs = []
        self.leftover = False
        self.mode = 'any'
        self.core_dirs = []         # (relative dir, [core lines]): Require, AuthType; no CORS
        self.errordocs = []         # (status, URL): answered for the URL asked (an internal redirect)
        self.rewrites = {}          # relative dir -> (file, target URL) in its .htaccess
        self.knobs = {k: v[0] for k, v in KNOBS.items()}
        self.keep_cred = False


def gen_section_pattern(rng, kind):
    t = rng.randrange(N_TREES)
    if kind == 'Files':
        return rng.choice(FILES + [MISSING])
    if kind == 'FilesMatch':
        return rng.choice([r'^f[01]\.txt$', r'\.txt$', r'^f2', r'^(f0|nofile)\.txt$'])
    if kind == 'Location':
        return rng.choice(['/t%d' % t, '/t%d/a' % t, '/t%d/a/' % t, '/t%d/a/b' % t, '/t%d/c' % t,
                           '/t%d/a/f1.txt' % t, '/t%d/%s' % (t, rng.choice(FILES))])
    if kind == 'LocationMatch':
        return rng.choice([r'^/t%d/(a|c)/f[02]\.txt$' % t, r'^/t[0-3]/a/', r'f1\.txt$',
                           r'^/t%d/' % t])
    if kind == 'DirectoryMatch':
        return rng.choice(['t%d/a' % t, 't%d/(a|c)' % t, 't[0-3]/a/b', 't%d' % t])
    if kind == 'IfQuery':
        return rng.choice(['sel=a', 'sel=b'])
    if kind == 'IfUri':
        return rng.choice([r'^/t%d/a/' % t, r'^/t[0-3]/', r'f[12]\.txt$'])
    raise ValueError(kind)


class Batch:
    def __init__(self, seed, b):
        rng = random.Random('%s/batch/%d' % (seed, b))
        self.b = b
        self.pools = Pools(rng)
        # Who may hold '*' and who credentials On, so that start-up never sees a contradiction
        # (see check()); 'any' sites may hold both where only a request merges them.
        self.main_mode = rng.choice(['nocred', 'nostar', 'neutral'])
        self.main = gen_level(rng, self.pools,
                              'nocred' if self.main_mode == 'neutral' else self.main_mode, 'main')
        if self.main_mode == 'neutral':
            self.main = strip_stars(self.main)
        # For each kind of line, two sites have more of it (KNOBS).
        high = {k: rng.sample(range(N_SITES), 2) for k in sorted(KNOBS)}
        # Where the main server is off, all sites but one switch themselves on.
        main_off = M.merge([self.main]).enabled is False and any(
            d == 'CORSEnable' for d, _ in self.main)
        dark = rng.randrange(N_SITES)
        self.sites = []
        for s in range(N_SITES):
            site = Site(s)
            site.knobs = kn = {k: KNOBS[k][1 if s in high[k] else 0] for k in sorted(KNOBS)}
            site.keep_cred = s in high['cred']
            if site.keep_cred:
                # credentials need a site where they may be On; a '*' above is replaced there
                site.mode = {'nocred': 'any', 'nostar': rng.choice(['nostar', 'any']),
                             'neutral': rng.choice(['nostar', 'any'])}[self.main_mode]
            else:
                site.mode = rng.choice({'nocred': ['nocred', 'any'],
                                        'nostar': ['nostar', 'any'],
                                        'neutral': ['nocred', 'nostar', 'any']}[self.main_mode])
            mode = site.mode
            site.leftover = rng.random() < 0.3
            site.vhost = gen_level(rng, self.pools, mode, 'vhost', kn)
            if site.keep_cred and site.mode != 'nocred' and rng.random() < 0.7 and not any(
                    l[0] == 'CORSAllowCredentials' for l in site.vhost):
                site.vhost.insert(rng.randint(0, len(site.vhost)), ('CORSAllowCredentials', 'On'))
            if main_off and s != dark:
                site.vhost = [l for l in site.vhost if l[0] != 'CORSEnable']
                site.vhost.insert(rng.randint(0, len(site.vhost)), ('CORSEnable', rng.choice(['On', 'on'])))
            if rng.random() < 0.3:
                site.directories.append(('', gen_level(rng, self.pools, mode, 'dir', kn)))
            for t in range(N_TREES):
                for d in DIRS:
                    rel = 't%d%s' % (t, '/' + d if d else '')
                    for _ in range(2):
                        if rng.random() < 0.25:
                            site.directories.append((rel, gen_level(rng, self.pools, mode, 'dir', kn)))
                    if rng.random() < kn['ht']:
                        files, ifs = [], []
                        if rng.random() < 0.2:
                            k = rng.choice(['Files', 'FilesMatch'])
                            files.append(M.Section(k, gen_section_pattern(rng, k),
                                                   gen_level(rng, self.pools, mode, 'sec', kn)))
                        if rng.random() < 0.2:
                            ifs.append(M.Section('IfQuery', gen_section_pattern(rng, 'IfQuery'),
                                                 gen_level(rng, self.pools, mode, 'sec', kn)))
                        site.htaccess[rel] = (gen_level(rng, self.pools, mode, 'ht', kn), files, ifs)
            # Directory sections of one depth may come in any order in the file; httpd sorts
            # them by depth, keeping the file's order among equals.
            rng.shuffle(site.directories)
            for _ in range(rng.randint(0, 2)):
                site.dirmatch.append(M.Section('DirectoryMatch',
                                               gen_section_pattern(rng, 'DirectoryMatch'),
                                               gen_level(rng, self.pools, mode, 'sec', kn)))
            for _ in range(rng.randint(0, 3)):
                k = rng.choice(['Files', 'FilesMatch'])
                site.files.append(M.Section(k, gen_section_pattern(rng, k),
                                            gen_level(rng, self.pools, mode, 'sec', kn)))
            for _ in range(rng.randint(0, 8)):
                k = rng.choice(['Location', 'Location', 'LocationMatch'])
                site.locations.append(M.Section(k, gen_section_pattern(rng, k),
                                                gen_level(rng, self.pools, mode, 'sec', kn)))
            for _ in range(rng.randint(0, 3)):
                k = rng.choice(['IfQuery', 'IfUri'])
                site.ifs.append(M.Section(k, gen_section_pattern(rng, k),
                                          gen_level(rng, self.pools, mode, 'sec', kn)))
            for t in range(N_TREES):
                r = rng.random()
                if r < 0.06:
                    site.core_dirs.append(('t%d/c' % t, ['Require all denied']))
                elif r < 0.12:
                    site.core_dirs.append(('t%d/a/b' % t, [
                        'AuthType Basic', 'AuthName model', 'AuthUserFile /dev/null',
                        'Require valid-user']))
                if rng.random() < 0.15:
                    site.rewrites['t%d%s' % (t, rng.choice(['', '/a', '/c']))] = (
                        rng.choice(FILES), '/t%d/%s%s' % (rng.randrange(N_TREES),
                                                         rng.choice(['', 'a/', 'c/']), 'f0.txt'))
            if rng.random() < 0.5:
                for st in (404, 405, 403, 401):
                    if rng.random() < 0.6:
                        site.errordocs.append((st, '/t%d/%sf0.txt' % (
                            rng.randrange(N_TREES), rng.choice(['', 'a/', 'c/']))))
            # The sites with more report-only lines have one tree report-only (a <Location>,
            # which later sections may turn Off again), so that every batch holds some.
            if s in high['report']:
                lines = [('CORSReportOnly', rng.choice(['On', 'on']))]
                if rng.random() < 0.5:
                    lines += gen_level(rng, self.pools, mode, 'sec', kn)
                site.locations.insert(rng.randint(0, len(site.locations)), M.Section(
                    'Location', '/t%d' % rng.randrange(N_TREES), lines))
            self.check(site, rng)
            self.sites.append(site)
        # Two sites that are on have Timing-Allow-Origin On for the whole site (lower levels
        # may turn it Off again): every batch sends it.
        lit = [st for st in self.sites if M.merge([self.main, st.vhost]).enabled] or self.sites
        for site in rng.sample(lit, min(2, len(lit))):
            site.vhost = [l for l in site.vhost if l[0] != 'CORSTimingAllowOrigin']
            site.vhost.insert(rng.randint(0, len(site.vhost)), ('CORSTimingAllowOrigin', 'On'))
        # Sections of the main server: every virtual host inherits them, before its own.
        mmode = 'nocred' if self.main_mode == 'neutral' else self.main_mode
        self.main_dir = gen_level(rng, self.pools, mmode, 'dir') if rng.random() < 0.4 else []
        self.main_locations = [M.Section(k, gen_section_pattern(rng, k),
                                         gen_level(rng, self.pools, mmode, 'sec'))
                               for k in rng.choice([[], [], ['Location'], ['Location', 'LocationMatch']])]
        for sec in [self] + self.main_locations:
            lines = sec.main_dir if sec is self else sec.lines
            if self.main_mode == 'neutral':
                lines = strip_stars(lines)
            for strip in (strip_conflict, strip_stars):
                if any(M.conflict_of(top + [lines]) for top in
                       [[]] + [[self.main]] + [[self.main, site.vhost] for site in self.sites]):
                    lines = strip(lines)
            if sec is self:
                self.main_dir = lines
            else:
                sec.lines = lines
        # Where the document root's <Directory> is off, all sites but one switch their own
        # root on again.
        if any(d == 'CORSEnable' for d, _ in self.main_dir) and M.merge([self.main, self.main_dir]).enabled is False:
            dark = rng.randrange(N_SITES)
            for site in self.sites:
                if site.idx == dark:
                    continue
                for n, (rel, lines) in enumerate(site.directories):
                    if rel == '':
                        site.directories[n] = (rel, [l for l in lines if l[0] != 'CORSEnable'] + [('CORSEnable', 'On')])
                        break
                else:
                    site.directories.append(('', [('CORSEnable', 'On')]))
        self.root = None
        self.cache = {}
        self.merged = {}

    def check(self, site, rng):
        """Start-up refuses credentials with '*' in one section, and in each section as merged
        with its server ('any' sites); an .htaccess file (or a section in one) refuses it
        within itself.  Take the credentials (then the stars) out of any such level; on the
        site that has more credentials (keep_cred), take the stars out first, and where a '*'
        is inherited, give the level a list of its own."""
        def fix(lines, above):
            if site.keep_cred and (M.conflict_of([lines]) or M.conflict_of(above + [lines])):
                lines = strip_stars(lines)
                if M.conflict_of(above + [lines]):
                    pol = M.merge(above + [lines])
                    own = []
                    if pol.origins.star():
                        own.append(('CORSAllowOrigin', join_items(rng, [
                            self.pools.render_origin(rng, t) for t, _ in rng.sample(
                                self.pools.origins[:-1], rng.randint(1, 2))])))
                    if pol.expose.star():
                        own.append(('CORSExposeHeaders', rng.choice(EXPOSE_ITEMS)))
                    lines = own + lines
            for strip in (strip_conflict, strip_stars):
                if M.conflict_of([lines]) or M.conflict_of(above + [lines]):
                    lines = strip(lines)
            return lines
        site.vhost = fix(site.vhost, [self.main])
        top = [self.main, site.vhost]
        site.directories = [(r, fix(l, top)) for r, l in site.directories]
        for sec in site.dirmatch + site.files + site.locations + site.ifs:
            sec.lines = fix(sec.lines, top)
        for rel, (lines, files, ifs) in site.htaccess.items():
            for sec in files + ifs:
                sec.lines = fix(sec.lines, [])
            site.htaccess[rel] = (fix(lines, []), files, ifs)

    # -- the model's view of one request --
    def levels(self, site, rel_file, query, extra_ht=None):
        """[(name, lines, base)] in merge order.  extra_ht: {relative dir: lines} of .htaccess
        files besides the site's own (a scenario's, as they are now)."""
        root = '%s/docroot/s%d' % (self.root, site.idx)
        uri = '/' + rel_file
        if rel_file.endswith('/') or '.' not in rel_file.rsplit('/', 1)[-1]:
            filename = '%s/%s/' % (root, rel_file.rstrip('/'))     # a directory: walked down to itself
        else:
            filename = '%s/%s' % (root, rel_file)
        dirs = [('%s/docroot' % self.root, self.main_dir)]
        dirs += [(('%s/%s' % (root, r)) if r else root, l) for r, l in site.directories]
        ht = {('%s/%s' % (root, r)): M.HtAccess(l, f, i) for r, (l, f, i) in site.htaccess.items()}
        for r, l in (extra_ht or {}).items():
            ht['%s/%s' % (root, r)] = M.HtAccess(l)
        dm = [M.Section('DirectoryMatch', self.dirmatch_regex(site, s.pattern), s.lines,
                        '<DirectoryMatch %s>' % s.pattern) for s in site.dirmatch]
        levels = M.httpd_order(self.main, site.vhost, dirs, ht, dm, site.files,
                               self.main_locations + site.locations, site.ifs, filename, uri, query)
        return [(name, [(d, a.replace('{root}', self.root)) for d, a in lines], base)
                for name, lines, base in levels]

    def dirmatch_regex(self, site, pattern):
        return '^%s/docroot/s%d/%s(/|$)' % (re.escape(self.root), site.idx, pattern)

    def policy(self, site, rel_file, query, scen=None):
        """(levels, Policy) of a request; scen: the Scenario whose files it reads, as they are
        at its current step."""
        key = (site.idx, rel_file, query, scen and (scen.i, scen.step))
        if key not in self.cache:
            levels = self.levels(site, rel_file, query, scen and scen.model_ht())
            # requests to other files of one directory often merge the same levels
            same = tuple((tuple(l), b) for _, l, b in levels)
            if same not in self.merged:
                if len(self.merged) > 5000:
                    self.merged.clear()
                self.merged[same] = M.merge([l for _, l, _ in levels], [b for _, _, b in levels])
            self.cache[key] = (levels, self.merged[same])
        return self.cache[key]

    # -- files on disk --
    def write(self, root, port, so, scenarios=()):
        self.root = root
        self.cache = {}
        self.merged = {}
        docroot = os.path.join(root, 'docroot')
        conf = [
            'ServerRoot %s' % root,
            'DefaultRuntimeDir %s/run' % root,
            'PidFile %s/httpd.pid' % root,
            'ErrorLog %s/error_log' % root,
            'LogLevel warn',
            'Listen 127.0.0.1:%d' % port,
            'ServerName 127.0.0.1',
            'LoadModule mpm_event_module %s/mod_mpm_event.so' % MODULES,
        ]
        for m in ('authz_core', 'mime', 'headers', 'dir', 'rewrite', 'auth_basic', 'authn_core',
                  'authn_file', 'authz_user', 'alias'):
            conf.append('LoadModule %s_module %s/mod_%s.so' % (m, MODULES, m))
        conf.append('LoadModule cors_module %s' % so)
        if os.geteuid() == 0:
            conf += ['User www-data', 'Group www-data']
        conf += [
            # each request's outcome, by the id the tester sent (every virtual host inherits it)
            'LogFormat "%%{%s}i %%{cors}n" model_notes' % NOTE_HEADER,
            'CustomLog %s/%s model_notes' % (root, NOTES_LOG),
            'TypesConfig /etc/mime.types',
            'KeepAlive On', 'MaxKeepAliveRequests 0', 'KeepAliveTimeout 60', 'Timeout 30',
            'StartServers 1', 'ServerLimit 1', 'ThreadsPerChild 8', 'MaxRequestWorkers 8',
            'MinSpareThreads 1', 'MaxSpareThreads 8',
            'DocumentRoot %s' % docroot,
            '<Directory />', '    AllowOverride None', '    Require all denied', '</Directory>',
            '<Directory %s>' % docroot, '    AllowOverride FileInfo',
            '    AllowOverrideList CORSAllowOriginFile', '    Require all granted',
        ]
        conf += ['    %s %s' % l for l in self.main_dir]
        conf += ['</Directory>', '# main server policy']
        conf += ['%s %s' % l for l in self.main]
        for sec in self.main_locations:
            conf += section_text(sec.kind, '"%s"' % sec.pattern, sec.lines, '')
        # cors-info (run_batch's ask_info), inherited by every virtual host: an empty directory
        # outside every document root, whose walk reads no .htaccess file (where one takes
        # part, cors-info answers 404).
        conf += ['Alias %s %s/%s' % (INFO_URL, root, INFO_DIR),
                 '<Directory %s/%s>' % (root, INFO_DIR), '    AllowOverride None',
                 '    DirectorySlash Off', '    Require all granted', '</Directory>',
                 '<Location %s>' % INFO_URL, '    SetHandler cors-info', '    CORSHandlers On',
                 '</Location>']
        for site in self.sites:
            sroot = '%s/s%d' % (docroot, site.idx)
            conf += ['', '<VirtualHost 127.0.0.1:%d>' % port, '    ServerName %s' % site.name,
                     '    DocumentRoot %s' % sroot]
            for h in GEN_HEADERS:
                conf.append('    Header always set %s "%s"' % (h, h.lower()))
            if site.leftover:
                for n, v in LEFTOVER + [('Vary', LEFTOVER_VARY)]:
                    conf.append('    Header always set %s "%s"' % (n, v))
            conf.append('    DirectoryIndex %s' % INDEX_FILE)
            for st, url in site.errordocs:
                conf.append('    ErrorDocument %d %s' % (st, url))
            conf += ['    %s %s' % l for l in site.vhost]
            for rel, core in site.core_dirs:
                conf += ['    <Directory "%s/%s">' % (sroot, rel)] + ['        ' + x for x in core] + [
                    '    </Directory>']
            for rel, lines in site.directories:
                conf += section_text('Directory', '"%s%s"' % (sroot, '/' + rel if rel else ''),
                                     lines)
            for sec in site.dirmatch:
                conf += section_text('DirectoryMatch', '"%s"' % self.dirmatch_regex(site, sec.pattern),
                                     sec.lines)
            for sec in site.files:
                conf += section_text(sec.kind, '"%s"' % sec.pattern, sec.lines)
            for sec in site.locations:
                conf += section_text(sec.kind, '"%s"' % sec.pattern, sec.lines)
            for sec in site.ifs:
                conf += section_text('If', if_expr(sec), sec.lines)
            conf.append('</VirtualHost>')
            for t in range(N_TREES):
                for d in DIRS:
                    rel = 't%d%s' % (t, '/' + d if d else '')
                    path = os.path.join(sroot, rel)
                    os.makedirs(path, exist_ok=True)
                    for f in FILES:
                        with open(os.path.join(path, f), 'w') as fh:
                            fh.write('%s/%s\n' % (rel, f))
                    if rel in site.htaccess or rel in site.rewrites:
                        lines, files, ifs = site.htaccess.get(rel, ([], [], []))
                        text = ['%s %s' % l for l in lines]
                        if rel in site.rewrites:
                            f, target = site.rewrites[rel]
                            text += ['RewriteEngine On',
                                     'RewriteRule ^%s$ %s [L]' % (re.escape(f), target)]
                        for sec in files:
                            text += section_text(sec.kind, '"%s"' % sec.pattern, sec.lines, '')
                        for sec in ifs:
                            text += section_text('If', if_expr(sec), sec.lines, '')
                        with open(os.path.join(path, '.htaccess'), 'w') as fh:
                            fh.write('\n'.join(text) + '\n')
                        for name, items in self.pools.ht_files.items():
                            if not any(d == 'CORSAllowOriginFile' and a.lstrip('+') == name
                                       for d, a in lines):
                                continue
                            write_file(os.path.join(path, name), '# beside %s/.htaccess\n' % rel + ''.join(
                                self.pools.render_origin(random.Random(name + rel), t) + '\n'
                                for t in items))
        os.makedirs(os.path.join(root, 'run'), exist_ok=True)
        os.makedirs(os.path.join(root, INFO_DIR), exist_ok=True)
        os.makedirs(os.path.join(root, 'origins'), exist_ok=True)
        for name, items in self.pools.files.items():
            with open(os.path.join(root, 'origins', name), 'w') as fh:
                fh.write('# origins of %s\n' % name + ''.join(
                    self.pools.render_origin(random.Random(name), t) + '\n' for t in items))
        for sc in scenarios:
            sc.write_initial(os.path.join(docroot, 's%d' % sc.site.idx))
        with open(os.path.join(root, 'httpd.conf'), 'w') as fh:
            fh.write('\n'.join(conf).replace('{root}', root) + '\n')
        # httpd's children run as www-data when we are root: the tree must be readable.
        for dirpath, dirnames, filenames in os.walk(root):
            os.chmod(dirpath, 0o755)
            for f in filenames:
                if not os.path.islink(os.path.join(dirpath, f)):
                    os.chmod(os.path.join(dirpath, f), 0o644)


def write_file(path, text):
    """Writes a file whole, under a new name renamed over the old one (a link there included)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = '%s.new%d' % (path, os.getpid())
    with open(tmp, 'w') as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def if_expr(sec):
    if sec.kind == 'IfQuery':
        return '"%%{QUERY_STRING} == \'%s\'"' % sec.pattern
    return '"%%{REQUEST_URI} =~ m#%s#"' % sec.pattern


def section_text(kind, arg, lines, indent='    '):
    return (['%s<%s %s>' % (indent, kind, arg)] + ['%s    %s %s' % (indent, d, a) for d, a in lines]
            + ['%s</%s>' % (indent, kind)])


# ---------------------------------------------------------------------------------------------
# Cases

def origin_from_item(rng, text, kind):
    """A concrete origin an item is about (it may or may not match: the mutations decide)."""
    if text == 'null':
        return 'null'
    if text == '*':
        return rng.choice(['https://', 'http://']) + rng.choice(HOSTS)
    m = re.fullmatch(r'([a-z]+)://(.+?)(?::([0-9*]+))?', text)
    scheme, host, port = m.groups()
    if host.startswith('*.'):
        host = rng.choice(['a', 'x1', 'pr-12', 'a.b', 'deep.er.x']) + host[1:]
    if port == '*':
        port = rng.choice([None, '3000', '8080', str(M.DEFAULT_PORTS[scheme])])
    return '%s://%s%s' % (scheme, host, '' if port is None else ':' + port)


def mutate_origin(rng, o):
    if o == 'null':
        return rng.choice(['null', 'NULL', 'Null', ''])
    m = re.fullmatch(r'([a-z]+)://(\[[^\]]*\]|[^:/]+)(?::([0-9]+))?', o)
    if not m:
        return o
    scheme, host, port = m.groups()
    r = rng.randrange(17)
    if r == 0:
        return o.upper()
    if r == 1:
        return '%s://%s:%d' % (scheme, host, M.DEFAULT_PORTS[scheme])
    if r == 2:
        return '%s://%s:%d' % (scheme, host, rng.choice([8443, 3001, 81]))
    if r == 3:
        return '%s://%s%s' % ('http' if scheme == 'https' else 'https', host,
                              '' if port is None else ':' + port)
    if r == 4:
        return o + '/'
    if r == 5:
        return o + rng.choice(['/x', '?q', '#f', '/.', '/%2e'])
    if r == 6:
        return '%s://%s.evil.net%s' % (scheme, host, '' if port is None else ':' + port)
    if r == 7:
        return '%s://evil%s%s' % (scheme, host, '' if port is None else ':' + port)
    if r == 8:
        return '%s://%s' % (scheme, host.split('.', 1)[-1])     # the parent domain
    if r == 9:
        return '%s://x.%s%s' % (scheme, host, '' if port is None else ':' + port)
    if r == 10:
        return '%s://user@%s' % (scheme, host)
    if r == 11:
        return rng.choice(['null', 'NULL', '', 'file://', 'https://', '*', 'https://*.example.com',
                           'app.example.com', '//app.example.com', 'https:/app.example.com'])
    if r == 12:
        n = rng.choice([511, 512, 513, 600])     # total length; 512 is the most allowed
        need = n - len('https://') - len('example.com')
        body = list(''.join('a' if (k + 1) % 40 else '.' for k in range(need - 1)) + '.')
        if body[-2] == '.':
            body[-2] = 'a'
        return 'https://' + ''.join(body) + 'example.com'
    if r == 13:
        return '%s://%s %s' % (scheme, host, 'x')
    if r == 14:
        return '%s://caf\xe9.%s' % (scheme, host)
    if r == 15:
        return '%s://%s' % (scheme.upper(), case_variant(rng, host)) + ('' if port is None else ':' + port)
    return o


def origin_of(rng, item):
    """A concrete origin an item of the model (allow or removal) is about."""
    if isinstance(item, M.SourceItem):
        items = item.items
        return origin_from_item(rng, rng.choice(items).key if items else 'https://app.example.com', None)
    if isinstance(item, M.RegexItem):
        for r, examples in REGEXES:
            if r == item.source:
                return rng.choice(examples)
        m = re.fullmatch(r'\^https://([a-z]+[0-9]+)\\\.example\\\.org\$', item.source)
        return 'https://%s.example.org' % m.group(1) if m else 'https://app.example.com'
    return origin_from_item(rng, item.key, None)


def gen_origin(rng, batch, levels, pol):
    r = rng.random()
    if r < 0.6:
        src = pol.origins.allows if (rng.random() < 0.75 or not pol.origins.removals) else pol.origins.removals
        if src:
            o = origin_of(rng, rng.choice(src))
            return mutate_origin(rng, o) if rng.random() < 0.25 else o
    items = []
    for _, lines, _ in levels:
        for d, a in lines:
            if d == 'CORSAllowOrigin':
                for w in re.split(r'[\s,"]+', a):
                    w = w.lstrip('+-')
                    if w:
                        items.append(w)
            elif d == 'CORSAllowOriginMatch':
                for w in a.split():
                    src = w.lstrip('+-')
                    for r, examples in REGEXES:
                        if r == src:
                            items.append(('re', examples))
    r = rng.random()
    if items and r < 0.75:
        it = rng.choice(items)
        if isinstance(it, tuple):
            o = rng.choice(it[1])
            return mutate_origin(rng, o) if rng.random() < 0.2 else o
        try:
            canon = M.OriginItem(it).key
        except M.ConfigError:
            canon = it.lower()
        o = origin_from_item(rng, canon, None)
    elif r < 0.9:
        o = origin_from_item(rng, rng.choice(batch.pools.origins)[0], None)
    else:
        o = rng.choice(['null', 'https://evil.example', 'http://localhost:3000', 'https://example.com',
                        'https://app.example.com', 'https://evilexample.com',
                        'https://example.com.evil.net'])
    if rng.random() < 0.3:
        o = mutate_origin(rng, o)
    return o


def gen_acrm(rng, batch, levels, pol):
    r = rng.random()
    listed = [w.lstrip('+-') for _, lines, _ in levels for d, a in lines if d == 'CORSAllowMethods'
              for w in re.split(r'[\s,"]+', a) if w.lstrip('+-') not in ('', '*')]
    if r < 0.3 and [m for m in pol.methods.allows if m != '*']:
        m = rng.choice([m for m in pol.methods.allows if m != '*'])
        return case_variant(rng, m) if rng.random() < 0.2 else m
    r = rng.random()
    if r < 0.3:
        return case_variant(rng, rng.choice(['GET', 'HEAD', 'POST']))
    if r < 0.55 and listed:
        m = rng.choice(listed)
        return case_variant(rng, m) if rng.random() < 0.3 else m
    if r < 0.75:
        m = rng.choice(SIX + OTHER_METHODS + ['PROPFIND'])
        return case_variant(rng, m) if rng.random() < 0.4 else m
    if r < 0.88:
        return rng.choice(batch.pools.methods)
    return rng.choice(['CONNECT', 'X' * 128, 'X' * 129, 'PU T', 'GET,PUT', '"PUT"', 'p\xfct', 'GET/',
                       'patch', 'Patch', 'A:B', 'M' * 40])


def gen_acrh(rng, levels, pol):
    r = rng.random()
    if r < 0.45:
        return None
    if r < 0.53:
        k = rng.randrange(12)
        tok = lambda n: 'x-h%d' % n
        if k == 0:
            return ''
        if k == 1:
            return rng.choice(['x y', 'x@y', 'x/y', 'content-type, a b', '\xe9t\xe9', 'x:y'])
        if k == 2:
            return 'x-' + 'a' * 126                       # 128 characters: a name
        if k == 3:
            return 'x-' + 'a' * 127                       # 129: too long
        if k == 4:
            return ','.join(tok(i) for i in range(rng.choice([64, 65])))
        if k == 5:
            n = rng.choice([128, 129])                    # elements, empty ones included
            return ','.join(['x-a'] * 10 + [''] * (n - 10))
        if k == 6:                                        # 4096 / 4097 bytes, 33 names
            n = rng.choice([4096, 4097])
            names = ['x-' + 'b' * 120 for _ in range(32)]
            s = ','.join(names)
            return s + ',x-' + 'c' * (n - len(s) - 3)
        if k == 7:
            return ',,,' + 'x-api-key' + ',,'
        if k == 8:
            return 'authorization'
        if k == 9:
            return 'X-API-KEY, Content-Type,\tAuthorization'
        if k == 10:
            return 'x-unknown'
        return 'content-type,content-type,CONTENT-TYPE'
    pool = ['content-type', 'authorization', 'x-api-key', 'x-requested-with', 'x-custom-1',
            'x-unlisted', 'x-gen-a']
    listed = []
    for _, lines, _ in levels:
        for d, a in lines:
            if d == 'CORSAllowHeaders':
                listed += [w.lstrip('+-') for w in re.split(r'[\s,"]+', a) if w.lstrip('+-') not in ('', '*')]
    in_force = [h for h in pol.headers.allows if h != '*']
    pick = lambda: (rng.choice(in_force) if in_force and rng.random() < 0.5 else
                    rng.choice(listed) if listed and rng.random() < 0.6 else rng.choice(pool))
    names = [case_variant(rng, pick()) if rng.random() < 0.3 else pick().lower()
             for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4]))]
    if rng.random() < 0.6:
        names = sorted(set(n.lower() for n in names))
        return ','.join(names)
    out = ''
    for i, n in enumerate(names):
        if i:
            out += rng.choice([',', ', ', ' ,', ',\t', ',,', ', ,'])
        out += n
    if rng.random() < 0.2:
        out = ',' + out
    if rng.random() < 0.2:
        out = out + ','
    return out


class Case:
    pass


def make_case(seed, batch, i):
    rng = random.Random('%s/case/%d/%d' % (seed, batch.b, i))
    c = Case()
    c.id = '%d.%d' % (batch.b, i)
    c.site = rng.choice(batch.sites)
    t = rng.randrange(N_TREES)
    d = rng.choice(DIRS)
    r = rng.random()
    if r < 0.05:                    # a directory: its DirectoryIndex, or a redirect to it with '/'
        c.rel = 't%d%s%s' % (t, '/' + d if d else '', rng.choice(['/', '/', '']))
    else:
        f = MISSING if r < 0.15 else rng.choice(FILES)
        c.rel = 't%d/%s%s' % (t, d + '/' if d else '', f)
    c.query = rng.choice(QUERIES) if rng.random() < 0.4 else ''
    levels, pol = batch.policy(c.site, c.rel, c.query)
    return fill_request(rng, c, batch, levels, pol)


def fill_request(rng, c, batch, levels, pol, focus=(), focus_p=0.0, need_origin=False):
    """The request itself: method, Origin, the preflight's headers, the credentials mode.
    focus: origins to ask about with probability focus_p (a scenario's removed ones, say);
    need_origin: always with an Origin (a preflight or a plain request)."""
    pick_origin = lambda: (rng.choice(focus) if focus and rng.random() < focus_p
                           else gen_origin(rng, batch, levels, pol))
    c.credentials = rng.random() < 0.5
    c.origin = c.acrm = c.acrh = None
    r = rng.random() * (0.8 if need_origin else 1.0)
    if r < 0.45:
        c.method = 'OPTIONS'
        c.origin = pick_origin()
        c.acrm = gen_acrm(rng, batch, levels, pol)
        c.acrh = gen_acrh(rng, levels, pol)
    elif r < 0.8:
        c.method = rng.choice(['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])
        c.origin = pick_origin()
    elif r < 0.92:
        c.method = rng.choice(['GET', 'HEAD', 'POST', 'OPTIONS'])
        if c.method == 'OPTIONS' and rng.random() < 0.5:
            c.acrm = 'PUT'
    else:
        c.method = rng.choice(['OPTIONS', 'OPTIONS', 'GET'])
        c.origin = pick_origin()
        c.acrm = rng.choice(['', 'PUT', 'DELETE'])
    c.url = '/' + c.rel + ('?' + c.query if c.query else '')
    # httpd strips white space around header values: send none, so the model sees what it does.
    c.origin, c.acrm, c.acrh = (None if v is None else v.strip(' \t') for v in (c.origin, c.acrm, c.acrh))
    c.headers = []
    if c.method in ('GET', 'HEAD') and rng.random() < 0.1:
        c.headers.append(('If-None-Match', '*'))        # a 304 keeps its CORS headers
    # Now and then a header comes in two lines, which httpd joins with ", " (a proxy's doing).
    for name, attr, p in (('Origin', 'origin', 0.02), ('Access-Control-Request-Method', 'acrm', 0.02),
                          ('Access-Control-Request-Headers', 'acrh', 0.08)):
        v = getattr(c, attr)
        if v is None:
            continue
        if v and len(v) < 2000 and rng.random() < p:     # httpd refuses a joined field over 8190
            second = rng.choice([v, 'x-second', 'content-type', 'https://app.example.com', 'PUT'])
            c.headers += [(name, v), (name, second)]
            setattr(c, attr, v + ', ' + second)
        else:
            c.headers.append((name, v))
    return c


# ---------------------------------------------------------------------------------------------
# Scenarios: an .htaccess file and its origin files changing between the requests of a batch

SCEN_EVERY = 100        # case I of a batch is a scenario where I % SCEN_EVERY == SCEN_EVERY - 1
PROFILES = ('regex', 'file', 'large', 'nested', 'edit')
NSTEPS = 5              # the files as first written, then after each of 4 rounds of edits
LINK_ROUNDS = (2,)      # the round that changes origin files (a process looks once a second)
SETTLE = 1.1            # seconds from such a change to the requests that must see it
REGEX_BOUND = 256       # regexes in all the .htaccess files one request reads
# The module keeps an .htaccess policy only under a quarter of its 8 MB cache, counting 16
# bytes per byte of directive text (and the regexes' compiled size): past this much text,
# the policy is built again on every request, from the cached lines.
KEEP_TEXT = 8 * 1024 * 1024 // 4 // 16
SCEN_FILES = ['data.json', 'data.json', 'data.json', 'f0.txt', 'f1.txt', '']
EVIL = 'https://evil.example.com'
REGEX_FORM = r'^https://%s%d\.example\.org$'


def is_scenario(i):
    return i % SCEN_EVERY == SCEN_EVERY - 1


def regex_items(lines):
    """How many regexes these CORS lines compile (each counts, removals and repeats too)."""
    return sum(len(a.split()) for d, a in lines if d.lower() == 'corsalloworiginmatch')


def cors_lines(entries):
    return [(e[1], e[2]) for e in entries if e[1] is not None]


def keyed_lines(entries):
    """(line number, directive, args) of the CORS lines: what the module's cache keys on."""
    return [(n + 1, e[1], e[2]) for n, e in enumerate(entries) if e[1] is not None]


def text_of(entries):
    return ''.join('%s\n' % (e[2] if e[1] is None else '%s %s' % (e[1], e[2])) for e in entries)


class Scenario:
    """A directory of its own (x<I> under a site's root, and maybe x<I>/sub) whose .htaccess
    files and origin files change between its steps; a few requests at each step.  All steps
    are made up front from the seed, the batch and I (--only B.I replays them).  Profiles:

    regex   one .htaccess: origins, 129-150 (sometimes fewer) CORSAllowOriginMatch +regex lines,
            removals after them, then a few lines that the rounds edit, add and delete: the
            first request after such an edit finds the lines before it in the module's cache
            and replays them
    nested  the same split over two .htaccess files (P regexes above, R below, P + 2R > 256)
    large   more directive text than the module keeps a policy for (some 5,000 origins), with
            regexes and removals after the bulk: built from the cached lines on every request
    file    CORSAllowOriginFile named by the .htaccess file; every other one starts as a
            symbolic link (in the directory, absolute, a chain, out of it, or its directory a
            link) that round 2 makes a plain file again, the others are plain files that round 2
            makes links: through a link it allows nothing (in half of them round 2 leaves the
            .htaccess file as it is: the policy the module keeps must see the change itself)
    edit    random .htaccess lines (as the static cases have them) edited at random; sometimes
            nested, with regexes, with an origin file that becomes a link"""

    def __init__(self, seed, batch, i):
        rng = random.Random('%s/scenario/%d/%d' % (seed, batch.b, i))
        self.seed, self.batch, self.i = seed, batch, i
        self.id = '%d.%d' % (batch.b, i)
        self.site = rng.choice(batch.sites)
        self.dir = 'x%d' % i
        self.profile = PROFILES[(i // SCEN_EVERY) % len(PROFILES)]
        self.step = 0
        self.focus = [EVIL]
        self.removed = []               # origins a removal refuses (some edits take it away)
        self.late = []                  # origins the last regexes of a bulk allow
        self.serial = 1000              # numbers for new items no line has held
        self.link_plan = None           # the origin file whose links the rounds change
        ht, fs = {'': []}, {}
        getattr(self, 'build_' + self.profile)(rng, ht, fs)
        self.settle(ht, fs, rng)
        self.states = [(ht, fs)]
        self.notes = ['as first written']
        for r in range(1, NSTEPS):
            ht = {k: [list(e) for e in v] for k, v in ht.items()}
            fs = dict(fs)
            notes = []
            self.edit_round(rng, r, ht, fs, notes)
            self.settle(ht, fs, rng)
            self.states.append((ht, fs))
            self.notes.append('; '.join(notes) or 'nothing')
        # (where no policy is kept, every request after the first replays the cached lines)
        self.nreq = [2 if self.profile == 'large' else rng.choice([2, 3, 3, 4]) for _ in range(NSTEPS)]
        self.root = None
        self.reads = {}                 # .htaccess (relative dir) -> reads since it changed
        self.linked_before = set()      # origin files that were links at an earlier step

    # -- building --
    def new_number(self):
        self.serial += 1
        return self.serial

    def head(self, rng, e, gen_p):
        if rng.random() < 0.8:
            e.append(['head', 'CORSEnable', rng.choice(['On', 'on'])])
        if rng.random() < gen_p:
            for d, a in gen_level(rng, self.batch.pools, self.site.mode, 'ht', self.site.knobs):
                e.append(['head', d, a])

    def regex_bulk(self, rng, e, letter, count):
        nums = list(range(1, count + 1))
        k = 0
        plain = rng.random() < 0.3
        while k < count:
            n = 1 if rng.random() < 0.75 else rng.randint(2, 3)
            items = [REGEX_FORM % (letter, x) for x in nums[k:k + n]]
            e.append(['bulk-r', 'CORSAllowOriginMatch',
                      ' '.join(it if plain else '+' + it for it in items)])
            k += n
        for x in sorted(set([1, 2, count // 2] + list(range(max(1, count - 5), count + 1)))):
            self.focus.append('https://%s%d.example.org' % (letter, x))
            if x > count - 6:
                self.late.append('https://%s%d.example.org' % (letter, x))

    def removals(self, rng, e, letter, count):
        e.append(['removal', 'CORSAllowOrigin', rng.choice(['-' + EVIL, '-' + EVIL, '-https://EVIL.example.com:443'])])
        self.focus += [EVIL, 'https://evil2.example.com']
        self.removed += [EVIL, EVIL]
        if count and rng.random() < 0.5:
            x = rng.randint(max(1, count - 4), count)
            e.append(['removal', 'CORSAllowOrigin', '-https://%s%d.example.org' % (letter, x)])
            self.removed.append('https://%s%d.example.org' % (letter, x))
        if count and rng.random() < 0.3:
            x = rng.randint(1, count)
            e.append(['removal', 'CORSAllowOriginMatch', '-' + REGEX_FORM % (letter, x)])
            self.removed.append('https://%s%d.example.org' % (letter, x))

    def tail_line(self, rng):
        r = rng.random()
        if r >= 0.93:
            # now and then report-only or Timing-Allow-Origin changes in a cached policy
            d = 'CORSReportOnly' if r >= 0.97 else 'CORSTimingAllowOrigin'
            return ['tail', d, rng.choice(['On', 'Off'])]
        if r < 0.15:
            return ['raw', None, rng.choice(['# edited %d' % self.new_number(),
                                              'Header set X-Scenario "%d"' % self.new_number()])]
        d, a = rng.choice([
            ('CORSMaxAge', str(rng.choice([0, 5, 600, 7200]))),
            ('CORSAllowHeaders', '+X-Tail-%d' % rng.randrange(100)),
            ('CORSAllowMethods', rng.choice(['+PUT', '+DELETE', '+PUT +' + self.batch.pools.spelling['PATCH']])),
            ('CORSExposeHeaders', rng.choice(['X-Gen-A', '+X-Gen-B', 'X-Request-Id'])),
            ('CORSAllowCredentials', rng.choice(['On', 'On', 'Off'])),
            ('CORSPreflightStatus', rng.choice(['200', '204'])),
            ('CORSAllowOrigin', '+https://tail%d.example.net' % self.new_number()),
        ])
        if d == 'CORSAllowOrigin':
            self.focus.append(a[1:])
        return ['tail', d, a]

    def tail(self, rng, e, n):
        for _ in range(n):
            e.append(self.tail_line(rng))

    def file_content(self, rng):
        pool = [t for t, _ in self.batch.pools.origins[:-1]]
        items = rng.sample(pool, rng.randint(1, 3)) + [
            'https://f%d-%d.example.net' % (self.i, self.new_number()) for _ in range(rng.randint(1, 2))]
        for t in items:
            self.focus.append(origin_from_item(rng, t, None))
        return tuple(items)

    def file_line(self, rng, e, fs, path=None):
        path = path or rng.choice(['origins.txt', 'origins.txt', 'lists/origins.txt'])
        if path.startswith('lists/'):
            fs['lists'] = ('dir',)
        fs[path] = ('file', self.file_content(rng))
        e.append(['file', 'CORSAllowOriginFile', '%s%s' % (rng.choice(['', '+', '+']), path)])
        return path

    def build_regex(self, rng, ht, fs):
        e = ht['']
        self.head(rng, e, 0.4)
        e.append(['allow', 'CORSAllowOrigin', rng.choice(
            ['https://*.example.com', '+https://*.example.com', 'https://*.example.com https://app.example.net'])])
        count = rng.randint(129, 150) if rng.random() < 0.85 else rng.randint(20, 128)
        self.regex_bulk(rng, e, 'r', count)
        if rng.random() < 0.25:
            self.link_plan = self.file_line(rng, e, fs)
        self.removals(rng, e, 'r', count)
        self.tail(rng, e, rng.randint(0, 3))

    def build_nested(self, rng, ht, fs):
        top = ht['']
        self.head(rng, top, 0.3)
        top.append(['allow', 'CORSAllowOrigin', rng.choice(['https://*.example.com', '+https://*.example.com'])])
        p = rng.randint(60, 140)
        self.regex_bulk(rng, top, 'p', p)
        self.tail(rng, top, rng.randint(0, 2))
        sub = ht['sub'] = []
        if rng.random() < 0.85:
            r = rng.randint((REGEX_BOUND + 1 - p) // 2 + 1, min(150, REGEX_BOUND - p))
        else:
            r = rng.randint(1, (REGEX_BOUND - p) // 2)
        if rng.random() < 0.5:
            sub.append(['head', 'CORSEnable', 'On'])
        self.regex_bulk(rng, sub, 'r', r)
        self.removals(rng, sub, 'r', r)
        self.tail(rng, sub, rng.randint(0, 3))

    def build_large(self, rng, ht, fs):
        e = ht['']
        self.head(rng, e, 0.2)
        n, text, first = 0, 0, True
        while text < KEEP_TEXT + 8000:
            k = rng.randint(100, 250)
            items = ['https://o%d.example.org' % x for x in range(n, n + k)]
            plain = first and rng.random() < 0.7
            args = ' '.join(it if plain else '+' + it for it in items)
            e.append(['bulk-o', 'CORSAllowOrigin', args])
            text += len(args)
            n += k
            first = False
        e.append(['allow', 'CORSAllowOrigin', '+https://*.example.com'])
        self.focus += ['https://o%d.example.org' % x for x in (0, 1, n // 2, n - 1)]
        count = rng.randint(129, 140) if rng.random() < 0.85 else rng.randint(0, 30)
        if count:
            self.regex_bulk(rng, e, 'r', count)
        self.removals(rng, e, 'r', count)
        for _ in range(rng.randint(1, 3)):
            x = rng.randrange(n)
            e.append(['removal', 'CORSAllowOrigin', '-https://o%d.example.org' % x])
            self.removed.append('https://o%d.example.org' % x)
        self.tail(rng, e, rng.randint(0, 3))

    def build_file(self, rng, ht, fs):
        e = ht['']
        self.head(rng, e, 0.3)
        path = self.file_line(rng, e, fs)
        content = fs[path][1]
        self.link_plan = path
        if rng.random() < 0.5:
            e.append(['allow', 'CORSAllowOrigin', '+https://app.example.net'])
        if rng.random() < 0.3:
            self.regex_bulk(rng, e, 'r', rng.randint(1, 20))
        if rng.random() < 0.7:
            victim = rng.choice(content)
            e.append(['removal', 'CORSAllowOrigin', '-' + victim])
            self.removed.append(origin_from_item(rng, victim, None))
        if rng.random() < 0.4:
            e.append(['allow', 'CORSAllowOrigin', '+https://*.example.com'])
            self.removals(rng, e, 'r', 0)
        self.tail(rng, e, rng.randint(0, 3))
        # every other file scenario starts with a link, which round 2 makes a plain file again
        if (self.i // SCEN_EVERY // len(PROFILES)) % 2 == 0:
            self.change_origin_file(rng, fs, [])

    def build_edit(self, rng, ht, fs):
        e = ht['']
        self.head(rng, e, 1.0)
        for _ in range(rng.randint(0, 2)):
            for d, a in gen_level(rng, self.batch.pools, self.site.mode, 'ht', self.site.knobs):
                e.append(['head', d, a])
        if rng.random() < 0.4:
            self.regex_bulk(rng, e, 'r', rng.randint(1, 40))
        if rng.random() < 0.5:
            self.link_plan = self.file_line(rng, e, fs)
        if rng.random() < 0.4:
            e.append(['allow', 'CORSAllowOrigin', '+https://*.example.com'])
            self.removals(rng, e, 'r', 0)
        self.tail(rng, e, rng.randint(0, 3))
        if rng.random() < 0.3:
            sub = ht['sub'] = []
            for d, a in gen_level(rng, self.batch.pools, self.site.mode, 'ht', self.site.knobs):
                sub.append(['head', d, a])
            self.tail(rng, sub, rng.randint(1, 2))

    def settle(self, ht, fs, rng):
        """What makes a version valid: an origin file named once per file, and on the disk (a
        random level may name one), no credentials with '*' in one file (a 500), at most
        REGEX_BOUND regexes on any path."""
        for sub, e in ht.items():
            seen = set()
            for x in list(e):
                if x[1] == 'CORSAllowOriginFile':
                    path = x[2].lstrip('+')
                    if path in seen:
                        e.remove(x)
                        continue
                    seen.add(path)
                    path = (sub + '/' if sub else '') + path      # relative to the scenario's top
                    parts, linked = path.split('/')[:-1], False
                    for k in range(len(parts)):
                        node = fs.setdefault('/'.join(parts[:k + 1]), ('dir',))
                        linked |= node[0] == 'link'
                    if path not in fs and not linked:
                        fs[path] = ('file', self.file_content(rng))
            # httpd checks a level after each line: credentials On before a '*' that a later
            # line takes back is still a contradiction (a 500) while the '*' line is read.
            while any(x[1] == 'CORSAllowCredentials' and x[2].lower() == 'on' for x in e) and \
                    any(M.conflict_of([cors_lines(e[:k])]) for k in range(1, len(e) + 1)):
                x = next(x for x in e if x[1] == 'CORSAllowCredentials' and x[2].lower() == 'on')
                x[2] = 'Off'
        while regex_items(cors_lines(ht['']) + cors_lines(ht.get('sub', []))) > REGEX_BOUND:
            e = ht['sub'] if 'sub' in ht else ht['']
            e.remove(next(x for x in reversed(e) if x[0] == 'bulk-r'))

    # -- rounds of edits --
    def edit_round(self, rng, r, ht, fs, notes):
        # In half the rounds that change its origin file, the file profile's .htaccess stays
        # as it is: the policy the module keeps must notice the change by itself.
        quiet = self.profile == 'file' and r in LINK_ROUNDS and rng.random() < 0.5
        for _ in range(0 if quiet else 1 if rng.random() < 0.8 else 2):
            if rng.random() < 0.1:
                continue
            sub = 'sub' if 'sub' in ht and rng.random() < 0.75 else ''
            self.edit_file(rng, ht[sub], notes, (sub or '.') + '/.htaccess')
        if r in LINK_ROUNDS and self.link_plan:
            self.change_origin_file(rng, fs, notes)

    def edit_file(self, rng, e, notes, name):
        op = rng.choices(['tail-change', 'tail-add', 'tail-remove', 'raw-add', 'mid-change',
                          'removal-change', 'head-add', 'regex-drop'],
                         [25, 15, 8, 10, 10, 10, 6, 5])[0]
        tails = [x for x in e if x[0] == 'tail']
        if op in ('tail-change', 'tail-remove') and not tails:
            op = 'tail-add'
        if op == 'tail-change':
            x = rng.choice(tails)
            if x[1] is None:
                new = self.tail_line(rng)
            else:
                for _ in range(10):
                    new = self.tail_line(rng)
                    if new[1] == x[1] and new[2] != x[2]:
                        break
                while new[1:] == x[1:]:
                    new = self.tail_line(rng)
            n = e.index(x)
            notes.append('%s:%d %s -> %s' % (name, n + 1, show_entry(x), show_entry(new)))
            e[n] = new
        elif op == 'tail-add':
            x = self.tail_line(rng)
            e.append(x)
            notes.append('%s:%d added %s' % (name, len(e), show_entry(x)))
        elif op == 'tail-remove':
            x = rng.choice(tails)
            notes.append('%s:%d deleted %s' % (name, e.index(x) + 1, show_entry(x)))
            e.remove(x)
        elif op == 'raw-add':
            n = rng.randint(0, len(e))
            x = ['raw', None, rng.choice(['# comment %d' % self.new_number(),
                                           'Header set X-Scenario "%d"' % self.new_number()])]
            e.insert(n, x)
            notes.append('%s:%d inserted %s' % (name, n + 1, show_entry(x)))
        elif op == 'mid-change':
            mids = [x for x in e if x[0] in ('bulk-r', 'bulk-o', 'head') and x[1] is not None]
            if not mids:
                return self.edit_file(rng, e, notes, name)
            x = rng.choice(mids)
            n = e.index(x)
            old = show_entry(x)
            if x[0] == 'bulk-r':
                items = x[2].split()
                k = rng.randrange(len(items))
                num = self.new_number()
                items[k] = re.sub(r'[0-9]+', str(num), items[k], count=1)
                self.focus.append('https://%s%d.example.org' % (re.search(r'//([a-z]+)', items[k]).group(1), num))
                x[2] = ' '.join(items)
            elif x[0] == 'bulk-o':
                items = x[2].split()
                k = rng.randrange(len(items))
                num = self.new_number()
                self.focus += [items[k].lstrip('+'), 'https://o%d.example.org' % num]
                items[k] = ('+' if items[k].startswith('+') else '') + 'https://o%d.example.org' % num
                x[2] = ' '.join(items)
            else:
                lines = gen_level(rng, self.batch.pools, self.site.mode, 'ht', self.site.knobs) or [
                    ('CORSAllowHeaders', '+X-Head-%d' % self.new_number())]
                x[1], x[2] = lines[0]
            notes.append('%s:%d %s -> %s' % (name, n + 1, old, show_entry(x)))
        elif op == 'removal-change':
            rems = [x for x in e if x[0] == 'removal']
            if rems and rng.random() < 0.6:
                x = rng.choice(rems)
                n = e.index(x)
                if rng.random() < 0.5:
                    notes.append('%s:%d deleted %s' % (name, n + 1, show_entry(x)))
                    e.remove(x)
                else:
                    new = '-https://evil%d.example.com' % self.new_number()
                    self.focus.append(new[1:])
                    notes.append('%s:%d %s -> %s' % (name, n + 1, show_entry(x), new))
                    x[1], x[2] = 'CORSAllowOrigin', new
            else:
                target = rng.choice(self.focus)
                x = ['removal', 'CORSAllowOrigin', '-' + target]
                if target == 'null' or not M.parse_request_origin(target):
                    return
                e.append(x)
                notes.append('%s:%d added %s' % (name, len(e), show_entry(x)))
        elif op == 'head-add':
            x = ['head', 'CORSAllowHeaders', '+X-Head-%d' % self.new_number()]
            e.insert(0, x)
            notes.append('%s:1 inserted %s' % (name, show_entry(x)))
        elif op == 'regex-drop':
            bulk = [x for x in e if x[0] == 'bulk-r']
            if not bulk:
                return self.edit_file(rng, e, notes, name)
            x = rng.choice(bulk)
            notes.append('%s:%d deleted %s' % (name, e.index(x) + 1, show_entry(x)))
            e.remove(x)

    def change_origin_file(self, rng, fs, notes):
        """The planned origin file becomes a link (or a plain file again, or other content)."""
        path = self.link_plan
        linked = any(fs.get(p, ('file',))[0] == 'link'
                     for p in ([path] + (['lists'] if path.startswith('lists/') else [])))
        strict = self.profile == 'file'     # a plain file becomes a link, a link a plain file
        if linked and (strict or rng.random() < 0.75):
            # a plain file again, written under a new name renamed over the link
            self.lists_plain(fs)
            fs[path] = ('file', self.file_content(rng))
            notes.append('%s a plain file again' % path)
            return
        if not linked and not strict and rng.random() < 0.2:
            fs[path] = ('file', self.file_content(rng))
            notes.append('%s rewritten (a plain file)' % path)
            return
        kinds = ['in', 'abs', 'chain', 'out'] + (['dir', 'dir'] if path.startswith('lists/') else [])
        kind = rng.choice(kinds)
        current = fs.get(path, ('file', self.file_content(rng)))
        content = (current[1] if current[0] == 'file' else self.file_content(rng))
        if rng.random() < 0.5:
            content = content + self.file_content(rng)[-1:]
        base = path.rsplit('/', 1)[0] + '/' if '/' in path else ''
        if kind == 'dir':
            for k in [k for k in fs if k.startswith('lists/')]:
                fs['lists.real/' + k[len('lists/'):]] = fs.pop(k)
            fs['lists.real'] = ('dir',)
            fs['lists.real/' + path[len('lists/'):]] = ('file', content)
            fs['lists'] = ('link', 'lists.real')
            notes.append('lists a link to lists.real (holding %s)' % path[len('lists/'):])
            return
        self.lists_plain(fs)
        if kind == 'in':
            fs[base + 'alt.txt'] = ('file', content)
            fs[path] = ('link', 'alt.txt')
        elif kind == 'abs':
            fs[base + 'alt.txt'] = ('file', content)
            fs[path] = ('link', '{dir}/%salt.txt' % base)
        elif kind == 'chain':
            fs[base + 'alt.txt'] = ('file', content)
            fs[base + 'l2.txt'] = ('link', 'alt.txt')
            fs[path] = ('link', 'l2.txt')
        else:
            fs['../out-%s.txt' % self.dir] = ('file', content)
            fs[path] = ('link', '%s../out-%s.txt' % ('../' if base else '', self.dir))
        notes.append('%s a link (%s) to %s' % (path, kind, fs[path][1]))

    @staticmethod
    def lists_plain(fs):
        """lists/ a plain directory again (if it was a link), with the files it showed."""
        if fs.get('lists', ('dir',))[0] == 'link':
            fs['lists'] = ('dir',)
            for k in [k for k in fs if k.startswith('lists.real/')]:
                fs['lists/' + k[len('lists.real/'):]] = fs[k]

    # -- the disk --
    def ht(self):
        return self.states[self.step][0]

    def model_ht(self):
        return {'%s%s' % (self.dir, '/' + sub if sub else ''): cors_lines(e) for sub, e in self.ht().items()}

    def write_initial(self, sroot):
        self.root = os.path.join(sroot, self.dir)
        for sub in self.ht():
            d = os.path.join(self.root, sub)
            for f in SCEN_FILES:
                if f:
                    write_file(os.path.join(d, f), '%s/%s\n' % (self.dir, f))
        self.apply_fs({}, self.states[0][1])
        for sub, e in self.ht().items():
            write_file(os.path.join(self.root, sub, '.htaccess'), text_of(e))

    def advance(self, step):
        """Writes step's version of the files; True when an origin file changed."""
        old_ht, old_fs = self.states[step - 1]
        self.step = step
        new_ht, new_fs = self.states[step]
        for sub, e in new_ht.items():
            if text_of(e) != text_of(old_ht.get(sub, [])):
                write_file(os.path.join(self.root, sub, '.htaccess'), text_of(e))
        self.apply_fs(old_fs, new_fs)
        return old_fs != new_fs

    def apply_fs(self, old, new):
        depth = lambda p: p.count('/')
        for p in sorted(old, key=depth, reverse=True):
            if p not in new:
                full = os.path.join(self.root, p)
                if os.path.isdir(full) and not os.path.islink(full):
                    shutil.rmtree(full)
                elif os.path.lexists(full):
                    os.unlink(full)
        for p in sorted(new, key=depth):
            if old.get(p) == new[p]:
                continue
            full = os.path.join(self.root, p)
            node = new[p]
            if node[0] == 'file':
                if os.path.isdir(full) and not os.path.islink(full):
                    shutil.rmtree(full)
                write_file(full, '# %s\n' % p + ''.join(t + '\n' for t in node[1]))
            elif node[0] == 'dir':
                if os.path.islink(full) or os.path.isfile(full):
                    os.unlink(full)
                os.makedirs(full, exist_ok=True)
                os.chmod(full, 0o755)
            else:
                if os.path.isdir(full) and not os.path.islink(full):
                    shutil.rmtree(full)
                elif os.path.lexists(full):
                    os.unlink(full)
                os.symlink(node[1].replace('{dir}', self.root), full)

    # -- requests --
    def make_request(self, step, k):
        rng = random.Random('%s/scenario/%d/%d/%d/%d' % (self.seed, self.batch.b, self.i, step, k))
        c = Case()
        c.id = '%s/%d.%d' % (self.id, step, k)
        c.scen = self
        c.site = self.site
        sub = 'sub/' if 'sub' in self.ht() and rng.random() < 0.75 else ''
        c.rel = '%s/%s%s' % (self.dir, sub, rng.choice(SCEN_FILES))
        c.query = rng.choice(QUERIES) if rng.random() < 0.15 else ''
        levels, pol = self.batch.policy(c.site, c.rel, c.query, self)
        if k == 0 or self.profile == 'large':
            # the request that replays cached lines (the first after an edit; any, where no
            # policy is kept): mostly about what a removal refuses or the last regexes allow
            focus = (self.removed + self.late) if rng.random() < 0.7 else self.focus
            return fill_request(rng, c, self.batch, levels, pol, focus or self.focus, 0.9, True)
        return fill_request(rng, c, self.batch, levels, pol, self.focus + self.removed, 0.6)

    def kinds(self, c, levels):
        """What this request exercises beyond the static kinds (for the floors)."""
        out = set()
        path = [s for s in ([''] + (['sub'] if c.rel.startswith(self.dir + '/sub/') else []))
                if s in self.ht()]
        p = 0
        for sub in path:
            e = self.ht()[sub]
            lines = cors_lines(e)
            text = sum(len(a) for _, a in lines)
            regexes = regex_items(lines)
            key = keyed_lines(e)
            first = self.states[0][0].get(sub)
            if first is not None and keyed_lines(first) != key:
                out.add('after .htaccess edits')
            # what the module replays from its cache: where the file changed since this
            # process last read it, the lines before the change; where it keeps no policy, all
            reads, seen = self.reads.get(sub, (0, None))
            if seen is not None and seen != key:
                same = 0
                while same < min(len(seen), len(key)) and seen[same] == key[same]:
                    same += 1
                replayed = regex_items([(d, a) for _, d, a in key[:same]])
            elif text > KEEP_TEXT and seen is not None:
                replayed = regexes
            else:
                replayed = 0
            if p + 2 * replayed > REGEX_BOUND:
                out.add('replays past 256 regexes')
            if text > KEEP_TEXT:
                out.add('too large to keep')
            self.reads[sub] = (reads + 1, key)
            p += regexes
        for name, lines, base in levels:
            if base is None or not base.startswith(self.root):
                continue
            for item in [i for _, i, _ in M.parse_level(lines, base) if isinstance(i, M.SourceItem)]:
                state = item.confined_state()
                if state == 'link':
                    out.add('origin file behind a link')
                    self.linked_before.add(item.path)
                elif state == 'regular' and item.path in self.linked_before:
                    out.add('origin file plain again')
        return out


def show_entry(x):
    text = x[2] if x[1] is None else '%s %s' % (x[1], x[2])
    return text if len(text) < 90 else text[:60] + '...(%d chars)' % len(text)


# ---------------------------------------------------------------------------------------------
# Comparing

def vary_origin_count(headers):
    n = 0
    for name, v in headers:
        if name.lower() == 'vary':
            n += sum(1 for tok in v.split(',') if tok.strip().lower() == 'origin')
    return n


def acx(headers):
    """The Access-Control-* and Timing-Allow-Origin lines: {lower-case name: [values]}."""
    out = {}
    for name, v in headers:
        if name.lower().startswith(OWNED_PREFIX) or name.lower() == TAO:
            out.setdefault(name.lower(), []).append(v)
    return out


def expected_view(site, ans):
    """The Access-Control-* and Timing-Allow-Origin headers expected, {name: [values]}, the
    Vary count, the status.  Where mod_cors touches nothing (off, or report-only), the site's
    own (LEFTOVER); where it does, its own, and the site's Timing-Allow-Origin where
    CORSTimingAllowOrigin is not On (mod_headers runs for every answer but an allowed
    preflight's)."""
    if not ans.enabled:
        exp = {}
        if site.leftover:
            for n, v in LEFTOVER:
                exp[n.lower()] = [v]
        return exp, 0, None
    exp = {k: [v] for k, v in ans.headers.items()}
    if site.leftover and not ans.timing and not (ans.preflight and ans.status != 403):
        exp[TAO] = [v for n, v in LEFTOVER if n.lower() == TAO]
    return exp, 1 if ans.vary else 0, ans.status if ans.preflight else None


def compare(site, ans, status, headers):
    """-> list of (field, expected, actual) disagreements."""
    diffs = []
    exp, vary, exp_status = expected_view(site, ans)
    got = acx(headers)
    if exp_status is not None and status != exp_status:
        diffs.append(('status', exp_status, status))
    if ans.report and ans.decided.preflight and status == 204:
        # httpd answers OPTIONS 200 (or refuses it): a 204 is mod_cors answering the preflight
        diffs.append(('status', 'not mod_cors\'s answer (report-only)', status))
    reason = [v for n, v in headers if n.lower() == 'x-cors-reason']
    if reason:
        diffs.append(('x-cors-reason', None, reason))      # CORSDebug is never On here
    elif exp_status == 200:
        cl = [v for n, v in headers if n.lower() == 'content-length']
        if cl != ['0']:
            diffs.append(('content-length', ['0'], cl))
    for name in sorted(set(exp) | set(got)):
        if name == 'access-control-expose-headers' and ans.enabled and ans.expose_removed is not None:
            continue
        if exp.get(name) != got.get(name):
            diffs.append((name, exp.get(name), got.get(name)))
    if ans.enabled and ans.expose_removed is not None:
        vals = got.get('access-control-expose-headers')
        present = {n.lower() for n, _ in headers}
        problem = None
        if vals is not None and len(vals) != 1:
            problem = 'several lines'
        else:
            # No header at all is right when nothing is left to name.
            names = [x.strip().lower() for x in vals[0].split(',') if x.strip()] if vals else []
            if '*' in names:
                problem = "'*' although names are removed"
            elif any(n not in present and not (status == 304 and n in STRIPPED_ON_304)
                     for n in names):
                problem = 'names a header not in the response: %s' % [n for n in names if n not in present]
            elif any(n in ans.expose_removed for n in names):
                problem = 'exposes a removed name: %s' % [n for n in names if n in ans.expose_removed]
            else:
                miss = [g for g in GEN_HEADERS if g.lower() in present and g.lower() not in names
                        and g.lower() not in ans.expose_removed]
                if miss:
                    problem = 'does not expose %s' % miss
        if problem:
            diffs.append(('access-control-expose-headers',
                          '(* minus %s)' % sorted(ans.expose_removed), '%s: %s' % (vals, problem)))
    n = vary_origin_count(headers)
    if n != vary:
        diffs.append(('vary-origin', vary, n))
    if site.leftover and not (ans.enabled and ans.preflight and ans.status != 403):
        # mod_headers ran (it does not for a preflight mod_cors answers): its Vary must stay
        toks = [t.strip().lower() for nm, v in headers if nm.lower() == 'vary' for t in v.split(',')]
        if LEFTOVER_VARY.lower() not in toks:
            diffs.append(('vary-kept', LEFTOVER_VARY, [v for nm, v in headers if nm.lower() == 'vary']))
    return diffs


def shape(v, origin):
    """A value's shape for grouping disagreements into classes."""
    if v is None:
        return '-'
    if isinstance(v, list):
        if not v:
            return '-'
        return '+'.join(shape(x, origin) for x in v) if len(v) > 1 else shape(v[0], origin)
    if isinstance(v, int):
        return str(v)
    if v == '*':
        return '*'
    if origin is not None and v == origin:
        return 'echo'
    if v.startswith('(* minus'):
        return '*-minus'
    return 'list' if ',' in v else 'value'


def model_headers(site, ans):
    """The model's answer as a header list, for the Fetch judge."""
    exp, vary, _ = expected_view(site, ans)
    out = [(k, v) for k, vals in exp.items() for v in vals]
    if ans.enabled and ans.expose_removed is not None:
        out.append(('access-control-expose-headers', 'x'))
    return out


def check(c, levels, pol, status, headers):
    """Everything asserted about one answer: -> (ans, diffs, v_mod, v_exp).

    diffs: the model's headers compared with the module's (compare()); 'fetch' where the
    browser (fetch_judge) decides about the module's answer otherwise than the policy says
    (cors_model.browser_verdict); 'model-fetch' where it decides about the model's own headers
    otherwise (a fault of the model); 'status' 500 for a scenario's request (nothing in its
    files is an error; the static cases' RewriteRule lines may loop, which httpd answers 500)."""
    req = M.Request(c.method, c.origin, c.acrm, c.acrh)
    ans = M.answer(pol, req)
    diffs = compare(c.site, ans, status, headers)
    if status == 500 and getattr(c, 'scen', None) is not None and not any(f == 'status' for f, _, _ in diffs):
        diffs.append(('status', 'not 500', 500))
    v_mod = F.judge(c.origin, c.method, c.acrm, c.acrh, c.credentials, status, headers)
    v_model = F.judge(c.origin, c.method, c.acrm, c.acrh, c.credentials,
                      ans.status if ans.preflight else status, model_headers(c.site, ans))
    v_exp = M.browser_verdict(pol, req, c.credentials)
    if v_exp is None and v_model is not None:
        # Off (mod_cors adds nothing): what the site's own headers make of it
        v_exp = bool(v_model)
    if v_exp is not None:
        if bool(v_mod) != v_exp:
            diffs.append(('fetch', verdict_text(v_exp, v_model), str(v_mod)))
        if bool(v_model) != v_exp:
            diffs.append(('model-fetch', verdict_text(v_exp, None), str(v_model)))
    return ans, diffs, v_mod, v_exp


def verdict_text(ok, v=None):
    if ok:
        return 'pass'
    return str(v) if v is not None and not v else 'fail'


# ---------------------------------------------------------------------------------------------
# cors-info: what it says of a request's policy, against the model and the real answer

INFO_METHOD_RE = re.compile(r'[A-Za-z0-9_-]+\Z')      # what cors-info's method= takes


def info_plan(c):
    """-> (cors-info URL, the decision's key) for a request cors-info can be asked about, or
    (None, why not)."""
    if c.origin is None:
        return None, 'no Origin: no decision to ask for'
    req = M.Request(c.method, c.origin, c.acrm, c.acrh)
    pre = req.is_preflight()
    method = c.acrm if pre else c.method
    if not INFO_METHOD_RE.match(method):
        return None, "a method cors-info's method= does not take"
    q = lambda v: urllib.parse.quote(v, safe='', encoding='latin-1')
    url = '%s?path=%s&origin=%s&method=%s' % (INFO_URL, q('/' + c.rel), q(c.origin), q(method))
    if pre and c.acrh:
        url += '&headers=' + q(c.acrh)
    return url + '&json', 'preflight' if pre else 'request'


def info_expected(ans, key):
    """The model's decision as cors-info gives it: {JSON field: value}."""
    d = ans.decided if ans.report else ans
    h = d.headers
    note = ans.note[len('report-'):] if ans.note.startswith('report-') else ans.note
    exp = {'outcome': note,
           'allow_origin': h.get('access-control-allow-origin'),
           'allow_credentials': h.get('access-control-allow-credentials'),
           'vary_origin': bool(d.enabled and d.vary)}
    if key == 'preflight':
        exp['allow_methods'] = h.get('access-control-allow-methods')
        exp['allow_headers'] = h.get('access-control-allow-headers')
        exp['max_age'] = h.get('access-control-max-age')
    else:
        if d.expose_removed is None:        # (else: the response's own headers, less some)
            exp['expose_headers'] = h.get('access-control-expose-headers')
        exp['timing_allow_origin'] = h.get(TAO)
    return exp


def info_cause(batch, c, info, key, req, scen):
    """What makes cors-info's decision differ from the model's, where the tester can tell."""
    got = info['decision'][key]
    if c.rel.endswith('/'):
        # mod_dir's DirectoryIndex in the lookup (its file then says the index file, or the
        # "redirect:" of a RewriteRule for it)
        _, xpol = batch.policy(c.site, c.rel + INDEX_FILE, '', scen)
        if not info_versus_model(info, key, M.answer(xpol, req)) or (
                not xpol.enabled and info.get('cors') == 'off'):
            return ('answers for the DirectoryIndex file (%s), the request is decided on the '
                    'directory' % INDEX_FILE)
    if info.get('cors') == 'off' and got.get('outcome') != '-':
        return "decides where it says \"cors\": \"off\" (no policy applies: '-')"
    return None


def info_versus_model(info, key, ans):
    """-> diffs: cors-info's decision against the model's for the lookup."""
    got = info['decision'][key]
    return [('cors-info %s %s' % (key, f), e, got.get(f))
            for f, e in info_expected(ans, key).items() if got.get(f) != e]


def info_versus_real(info, key, status, headers, note):
    """-> diffs: cors-info's decision against what the server did with the request itself
    (no model): the outcome in %{cors}n (report-only prefixes it), and where mod_cors is on
    and enforcing, the headers it sent.  note None: no log line (not compared)."""
    got = info['decision'][key]
    out = []
    report = info.get('cors') == 'on' and (info.get('report_only') or {}).get('value') == 'on'
    outcome = got.get('outcome')
    if note is not None:
        want = ('report-' + outcome) if report and outcome != '-' else outcome
        if note != want:
            out.append(('cors-info %s outcome vs %%{cors}n' % key, note, want))
    if info.get('cors') != 'on' or report:
        return out          # the headers are the rest of the server's
    real = acx(headers)
    fields = [('allow_origin', 'access-control-allow-origin'),
              ('allow_credentials', 'access-control-allow-credentials')]
    if key == 'preflight':
        fields += [('allow_methods', 'access-control-allow-methods'),
                   ('allow_headers', 'access-control-allow-headers'),
                   ('max_age', 'access-control-max-age')]
    else:
        if got.get('expose_headers') is not None:
            fields.append(('expose_headers', 'access-control-expose-headers'))
        if got.get('timing_allow_origin') is not None:
            fields.append(('timing_allow_origin', TAO))
    for f, name in fields:
        v = got.get(f)
        if real.get(name, []) != ([] if v is None else [v]):
            out.append(('cors-info %s %s vs response' % (key, f), real.get(name), v))
    n = vary_origin_count(headers)
    if n != (1 if got.get('vary_origin') else 0):
        out.append(('cors-info %s vary_origin vs response' % key, n, got.get('vary_origin')))
    return out


# ---------------------------------------------------------------------------------------------
# The server

def scratch_dir(prefix):
    """A new directory for a server's tree: in /dev/shm where there is one (a batch writes a
    thousand small files and rewrites .htaccess files between requests: ten times faster on a
    tmpfs than on a disk), else in the usual temporary directory.  Its real path: the module
    resolves the directories of .htaccess files, and the model compares paths."""
    shm = '/dev/shm'
    base = shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None
    return os.path.realpath(tempfile.mkdtemp(prefix=prefix, dir=base))


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class signals_held:
    """Holds SIGINT and SIGTERM while a server is stopped and its tree removed: an interruption
    arriving then takes effect right after, not halfway through the clean-up."""

    def __enter__(self):
        self.old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})

    def __exit__(self, *exc):
        signal.pthread_sigmask(signal.SIG_SETMASK, self.old)
        return False


class Server:
    def __init__(self, root):
        self.root = root
        self.conf = os.path.join(root, 'httpd.conf')
        self.pidfile = os.path.join(root, 'httpd.pid')
        self.started = False

    def start(self, port):
        self.started = True         # from here on stop() has something to look for
        p = subprocess.run([APACHE, '-f', self.conf, '-k', 'start'], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60)
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                socket.create_connection(('127.0.0.1', port), timeout=1).close()
                return
            except OSError:
                if p.returncode != 0:
                    break
                time.sleep(0.05)
        raise RuntimeError('httpd did not start (exit %s): %s\n%s' % (
            p.returncode, p.stdout.decode(errors='replace'), self.error_log()))

    def crashes(self):
        """error_log lines saying a child died of a signal (a crash the answers may hide)."""
        try:
            with open(os.path.join(self.root, 'error_log'), errors='replace') as fh:
                return [l.strip() for l in fh if 'exit signal' in l or 'AH00052' in l]
        except OSError:
            return []

    def error_log(self, tail=30):
        try:
            with open(os.path.join(self.root, 'error_log'), errors='replace') as fh:
                return ''.join(fh.readlines()[-tail:])
        except OSError:
            return ''

    def stop(self, wait=True):
        """SIGTERM to httpd; with wait, until it is gone (SIGKILL past 10 s).  Without, finish()
        waits: httpd takes a second or more to stop, and the next batch runs meanwhile."""
        if not self.started:
            return
        self.started = False
        pid = None
        deadline = time.time() + 5      # an interrupted start may not have written it yet
        while pid is None and time.time() < deadline:
            try:
                with open(self.pidfile) as fh:
                    pid = int(fh.read().strip())
            except (OSError, ValueError):
                time.sleep(0.05)
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            return
        self.pid, self.stopped_at = pid, time.time()
        if wait:
            self.finish(True)

    def finish(self, block):
        """True once the httpd stop() signalled is gone; with block, waits for it."""
        while getattr(self, 'pid', None) is not None:
            try:
                os.kill(self.pid, 0)
            except OSError:
                self.pid = None
                break
            if time.time() > self.stopped_at + 10:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except OSError:
                    pass
                self.pid = None
                break
            if not block:
                return False
            time.sleep(0.05)
        return True


STOPPING = []       # (server, its tree, keep it): batches' servers stopped without waiting


def reap(block):
    """Waits for (with block) or looks at the servers still stopping; removes their trees."""
    for item in list(STOPPING):
        server, root, keep = item
        if server.finish(block):
            STOPPING.remove(item)
            if not keep:
                shutil.rmtree(root, ignore_errors=True)


class Client:
    def __init__(self, port):
        self.port = port
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def send(self, host, method, url, headers):
        last = None
        for _ in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=30)
                self.conn.putrequest(method, url, skip_host=True, skip_accept_encoding=True)
                self.conn.putheader('Host', host)
                for n, v in headers:
                    self.conn.putheader(n, v)
                self.conn.endheaders()
                resp = self.conn.getresponse()
                self.body = resp.read()
                out = (resp.status, resp.getheaders())
                if resp.will_close:
                    self.close()
                return out
            except (http.client.HTTPException, OSError) as e:
                last = e
                self.close()
        raise RuntimeError('request failed three times: %s' % last)


# ---------------------------------------------------------------------------------------------
# Start-up refusals (httpd -t) and .htaccess contradictions

# (name, main-server CORS lines, {section: lines}, httpd -t must accept it)
CONFIGTESTS = [
    ('plain and +/- items in one line', ['CORSAllowMethods GET +PUT'], {}, False),
    ('plain and - origins in one line: the list less one', ['CORSAllowOrigin https://a.example.com -https://b.example.com'], {}, True),
    ('-* origin', ['CORSAllowOrigin -*'], {}, False),
    ('-GET', ['CORSAllowMethods -GET'], {}, False),
    ('-head among edits', ['CORSAllowMethods +PUT -head'], {}, False),
    ('-POST', ['CORSAllowMethods -POST'], {}, False),
    ('-* methods', ['CORSAllowMethods -*'], {}, False),
    ('CONNECT', ['CORSAllowMethods GET CONNECT'], {}, False),
    ('TRACE', ['CORSAllowMethods TRACE'], {}, False),
    ('+TRACK', ['CORSAllowMethods +TRACK'], {}, False),
    ('credentials with * origin', ['CORSAllowOrigin *', 'CORSAllowCredentials On'], {}, False),
    ('* origin after credentials', ['CORSAllowCredentials On', 'CORSAllowOrigin https://a.example.com *'], {}, False),
    ('credentials with * expose', ['CORSExposeHeaders *', 'CORSAllowCredentials On'], {}, False),
    ('credentials with * and removals', ['CORSAllowOrigin *', 'CORSAllowOrigin -https://a.example.com',
                                         'CORSAllowCredentials On'], {}, False),
    ('credentials in server, * in virtual host', ['CORSAllowCredentials On'],
     {'VirtualHost': ['CORSAllowOrigin *']}, False),
    ('* in server, credentials in <Location>', ['CORSAllowOrigin *'],
     {'Location /x': ['CORSAllowCredentials On']}, False),
    ('* expose in server, credentials in <Directory>', ['CORSExposeHeaders *'],
     {'Directory /tmp': ['CORSAllowCredentials On']}, False),
    ('origin with a path', ['CORSAllowOrigin https://a.example.com/x'], {}, False),
    ('origin with a trailing slash', ['CORSAllowOrigin https://a.example.com/'], {}, False),
    ('origin without a scheme', ['CORSAllowOrigin a.example.com'], {}, False),
    ('a regex that does not compile', ['CORSAllowOriginMatch https://(a'], {}, False),
    ('max-age over 86400', ['CORSMaxAge 86401'], {}, False),
    ('max-age not a number', ['CORSMaxAge 5s'], {}, False),
    ('status 201', ['CORSPreflightStatus 201'], {}, False),
    ('a method that is not a token', ['CORSAllowMethods GE@T'], {}, False),
    ('a header that is not a token', ['CORSAllowHeaders X-A(b)'], {}, False),
    ('CORSReportOnly not On/Off', ['CORSReportOnly yes'], {}, False),
    ('CORSTimingAllowOrigin not On/Off', ['CORSTimingAllowOrigin 1'], {}, False),
    # accepted
    ('* replaced below by a list, with credentials', ['CORSAllowOrigin *'],
     {'Location /x': ['CORSAllowOrigin https://a.example.com', 'CORSAllowCredentials On']}, True),
    ('credentials Off with *', ['CORSAllowOrigin *', 'CORSAllowCredentials Off'], {}, True),
    ('-OPTIONS -put -PATCH', ['CORSAllowMethods -OPTIONS -put -PATCH'], {}, True),
    ('+* origin', ['CORSAllowOrigin +*'], {}, True),
    ('null', ['CORSAllowOrigin null'], {}, True),
    ('a whole policy', ['CORSEnable On', 'CORSAllowOrigin https://a.example.com "https://*.b.example.com, http://localhost:*"',
                        'CORSAllowOriginMatch https://pr-[0-9]+\\.example\\.com', 'CORSAllowMethods GET, put delete',
                        'CORSAllowHeaders Content-Type X-Api-Key', 'CORSAllowCredentials On', 'CORSMaxAge 600',
                        'CORSPreflightStatus 200'], {}, True),
    ('report-only and Timing-Allow-Origin at every level', ['CORSReportOnly On', 'CORSTimingAllowOrigin on'],
     {'VirtualHost': ['CORSReportOnly Off', 'CORSTimingAllowOrigin Off'],
      'Location /x': ['CORSReportOnly off', 'CORSTimingAllowOrigin On'],
      'Directory /tmp': ['CORSReportOnly ON', 'CORSTimingAllowOrigin OFF']}, True),
]

# .htaccess files: (name, httpd.conf <Directory> lines, .htaccess lines, request headers, check)
HTACCESS_TESTS = [
    ('credentials and * in one .htaccess', [], ['CORSEnable On', 'CORSAllowOrigin *', 'CORSAllowCredentials On'],
     {'Origin': 'https://a.example.com'}, ('status', 500)),
    ('plain and + in one .htaccess line', [], ['CORSEnable On', 'CORSAllowOrigin https://a.example.com +null'],
     {'Origin': 'https://a.example.com'}, ('status', 500)),
    ('credentials in httpd.conf, * in .htaccess', ['CORSEnable On', 'CORSAllowOrigin https://a.example.com',
                                                   'CORSAllowCredentials On'],
     ['CORSAllowOrigin *'], {'Origin': 'https://a.example.com'}, ('model', None)),
    ('credentials in .htaccess, * expose in httpd.conf', ['CORSEnable On', 'CORSExposeHeaders *',
                                                          'CORSAllowOrigin https://a.example.com'],
     ['CORSAllowCredentials On'], {'Origin': 'https://a.example.com'}, ('model', None)),
    ('CORSAllowOriginFile in .htaccess where AllowOverrideList does not name it', [],
     ['CORSEnable On', 'CORSAllowOriginFile origins.txt'], {'Origin': 'https://a.example.com'}, ('status', 500)),
]

# .htaccess files that change between requests, every answer the model's (and never a 500):
# (name, httpd.conf <Directory> lines, [(.htaccess lines, origins asked in turn)], files beside it:
# {name: text, or ('link', target)})
G18_REGEXES = ['CORSAllowOriginMatch +^https://r%d\\.example\\.org$' % n for n in range(1, 131)]
G18_ORIGINS = ['https://o%d.example.org' % n for n in range(4800)]
G18_BULK = ['CORSAllowOrigin ' + ' '.join(('+' if n else '') + o for o in G18_ORIGINS[n:n + 200])
            for n in range(0, len(G18_ORIGINS), 200)]
HT_SEQUENCES = [
    ('130 regexes, a removal after them, then a later line edited',  [],
     [(['CORSAllowOrigin https://*.example.com'] + G18_REGEXES + ['CORSAllowOrigin -https://evil.example.com',
                                                                 'CORSMaxAge 5'],
       ['https://evil.example.com', 'https://r130.example.org']),
      (['CORSAllowOrigin https://*.example.com'] + G18_REGEXES + ['CORSAllowOrigin -https://evil.example.com',
                                                                 'CORSMaxAge 6'],
       ['https://evil.example.com', 'https://evil.example.com', 'https://r130.example.org', 'https://evil.example.com']),
      (['CORSAllowOrigin https://*.example.com'] + G18_REGEXES + ['CORSAllowOrigin -https://evil.example.com',
                                                                 'CORSMaxAge 6', 'CORSAllowHeaders X-A'],
       ['https://r129.example.org', 'https://evil.example.com', 'https://evil.example.com'])], {}),
    ('4,800 origins and 130 regexes (too large to keep), removals after them', [],
     [(G18_BULK + ['CORSAllowOrigin +https://*.example.com'] + G18_REGEXES + [
         'CORSAllowOrigin -https://evil.example.com -https://o4799.example.org'],
       ['https://evil.example.com', 'https://o4799.example.org', 'https://evil.example.com',
        'https://o4798.example.org', 'https://r130.example.org', 'https://o4799.example.org'])], {}),
    ('an origin file named by .htaccess, a link to a file beside it', ['AllowOverrideList CORSAllowOriginFile'],
     [(['CORSEnable On', 'CORSAllowOriginFile origins.txt'], ['https://a.example.com', 'https://a.example.com'])],
     {'alt.txt': 'https://a.example.com\n', 'origins.txt': ('link', 'alt.txt')}),
    ('an origin file named by .htaccess, in a directory that is a link', ['AllowOverrideList CORSAllowOriginFile'],
     [(['CORSEnable On', 'CORSAllowOriginFile +lists/origins.txt', 'CORSAllowOrigin +https://b.example.com'],
       ['https://a.example.com', 'https://b.example.com', 'https://a.example.com'])],
     {'real/origins.txt': 'https://a.example.com\n', 'lists': ('link', 'real')}),
    ('an origin file named by .htaccess, a plain file', ['AllowOverrideList CORSAllowOriginFile'],
     [(['CORSEnable On', 'CORSAllowOriginFile origins.txt', 'CORSAllowOrigin -https://c.example.com'],
       ['https://a.example.com', 'https://c.example.com', 'https://a.example.com', 'https://b.example.com'])],
     {'origins.txt': 'https://a.example.com\nhttps://c.example.com\n'}),
]


def minimal_conf(root, port, so, main, sections):
    conf = ['ServerRoot %s' % root, 'DefaultRuntimeDir %s' % root, 'PidFile %s/httpd.pid' % root,
            'ErrorLog %s/error_log' % root, 'Listen 127.0.0.1:%d' % port, 'ServerName 127.0.0.1',
            'LoadModule mpm_event_module %s/mod_mpm_event.so' % MODULES,
            'LoadModule authz_core_module %s/mod_authz_core.so' % MODULES,
            'LoadModule cors_module %s' % so]
    if os.geteuid() == 0:
        conf += ['User www-data', 'Group www-data']
    conf += main
    for head, lines in sections.items():
        kind = head.split()[0]
        if kind == 'VirtualHost':
            head = 'VirtualHost 127.0.0.1:%d' % port
            lines = ['ServerName v.test'] + lines
        conf += ['<%s>' % head] + ['    ' + l for l in lines] + ['</%s>' % kind]
    return '\n'.join(conf) + '\n'


def model_refuses(main, sections):
    """The model's own view of a CONFIGTESTS entry: True when start-up must refuse it."""
    def lines_of(text):
        return [tuple((l.split(None, 1) + [''])[:2]) for l in text]
    try:
        m = lines_of(main)
        levels = [m]
        M.parse_level(m)
        for head, lines in sections.items():
            sec = lines_of(lines)
            M.parse_level(sec)
            if M.conflict_of([sec]) or M.conflict_of([m, sec]):
                return True
        return M.conflict_of(levels)
    except M.ConfigError:
        return True


def run_configtests(args):
    """-> [(id, ok, text)]"""
    out = []
    root = scratch_dir('cors-model-ct-')
    try:
        os.chmod(root, 0o755)
        for n, (name, main, sections, accept) in enumerate(CONFIGTESTS):
            cid = 'ct.%d' % n
            if model_refuses(main, sections) == accept:
                out.append((cid, False, 'the model disagrees with the table on %r' % name))
                continue
            conf = os.path.join(root, 'ct%d.conf' % n)
            with open(conf, 'w') as fh:
                fh.write(minimal_conf(root, 1, args.so, main, sections))
            p = subprocess.run([APACHE, '-t', '-f', conf], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=60)
            ok = (p.returncode == 0) == accept
            text = p.stdout.decode(errors='replace').strip().replace('\n', ' / ')
            out.append((cid, ok, '%s: httpd -t %s (expected %s): %s | %s' % (
                name, 'accepted' if p.returncode == 0 else 'refused',
                'accepted' if accept else 'refused', text[:300], ' / '.join(main + [
                    '<%s> %s' % (h, '; '.join(l)) for h, l in sections.items()]))))
        out += run_htaccess_tests(args, root)
    finally:
        with signals_held():
            shutil.rmtree(root, ignore_errors=True)
    return out


def run_htaccess_tests(args, root):
    out = []
    port = free_port()
    docroot = os.path.join(root, 'ht')
    sections = {}
    main = ['DocumentRoot %s' % docroot, 'KeepAlive On',
            '<Directory %s>' % docroot, '    AllowOverride FileInfo', '    Require all granted',
            '</Directory>']
    dirs = [('h%d' % n, t[1], t[2], {}) for n, t in enumerate(HTACCESS_TESTS)]
    dirs += [('s%d' % n, t[1], t[2][0][0], t[3]) for n, t in enumerate(HT_SEQUENCES)]
    for name, conf_lines, ht_lines, files in dirs:
        d = os.path.join(docroot, name)
        os.makedirs(d)
        with open(os.path.join(d, 'data.txt'), 'w') as fh:
            fh.write('x\n')
        with open(os.path.join(d, '.htaccess'), 'w') as fh:
            fh.write('\n'.join(ht_lines) + '\n')
        for f, what in sorted(files.items()):
            os.makedirs(os.path.dirname(os.path.join(d, f)), exist_ok=True)
            if isinstance(what, tuple):
                os.symlink(what[1], os.path.join(d, f))
            else:
                with open(os.path.join(d, f), 'w') as fh:
                    fh.write(what)
        if conf_lines:
            sections['Directory %s' % d] = conf_lines
    for dirpath, _, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            if not os.path.islink(os.path.join(dirpath, f)):
                os.chmod(os.path.join(dirpath, f), 0o644)
    with open(os.path.join(root, 'httpd.conf'), 'w') as fh:
        fh.write(minimal_conf(root, port, args.so, main, sections))
    server = Server(root)
    client = None
    cors = lambda lines: [tuple(l.split(None, 1)) for l in lines if l.lower().startswith('cors')]

    def by_model(d, conf_lines, ht_lines, origin, status, headers):
        pol = M.merge([cors(conf_lines), cors(ht_lines)], [None, d])
        ans = M.answer(pol, M.Request('GET', origin))
        diffs = compare(Site(0), ans, status, headers)
        if status == 500:
            diffs.append(('status', 'not 500', 500))
        return diffs
    try:
        try:
            server.start(port)
        except Exception as e:
            return [('ht', False, '.htaccess tests: %s' % e)]
        client = Client(port)
        for n, (name, conf_lines, ht_lines, hdrs, (what, want)) in enumerate(HTACCESS_TESTS):
            cid = 'ht.%d' % n
            status, headers = client.send('127.0.0.1', 'GET', '/h%d/data.txt' % n, list(hdrs.items()))
            if what == 'status':
                ok = status == want
                detail = 'status %s, expected %s' % (status, want)
            else:
                diffs = by_model(os.path.join(docroot, 'h%d' % n), conf_lines, ht_lines, hdrs.get('Origin'),
                                 status, headers)
                ok = not diffs
                detail = 'status %s, %s' % (status, '; '.join('%s expected %s got %s' % (
                    f, short(e), short(a)) for f, e, a in diffs) or 'as the model says')
            out.append((cid, ok, '%s: %s | httpd.conf: %s | .htaccess: %s' % (
                name, detail, '; '.join(conf_lines), '; '.join(ht_lines))))
        for n, (name, conf_lines, versions, files) in enumerate(HT_SEQUENCES):
            d = os.path.join(docroot, 's%d' % n)
            bad = []
            for v, (ht_lines, origins) in enumerate(versions):
                if v:
                    write_file(os.path.join(d, '.htaccess'), '\n'.join(ht_lines) + '\n')
                for k, origin in enumerate(origins):
                    status, headers = client.send('127.0.0.1', 'GET', '/s%d/data.txt' % n, [('Origin', origin)])
                    diffs = by_model(d, conf_lines, ht_lines, origin, status, headers)
                    if diffs:
                        bad.append('version %d request %d (Origin %s): status %s, %s' % (
                            v + 1, k + 1, origin, status, '; '.join('%s expected %s got %s' % (
                                f, short(e), short(a)) for f, e, a in diffs)))
            out.append(('hs.%d' % n, not bad, '%s: %s' % (
                name, ' / '.join(bad) or 'every answer as the model says')))
    finally:
        with signals_held():
            if client:
                client.close()
            server.stop()
    return out


# ---------------------------------------------------------------------------------------------
# Reporting

def short(v, n=100):
    """repr of a value, long ones cut in the middle with their length said."""
    if isinstance(v, (list, tuple)):
        return '[%s]' % ', '.join(short(x, n) for x in v)
    if isinstance(v, dict):
        return '{%s}' % ', '.join('%s: %s' % (k, short(x, n)) for k, x in v.items())
    r = repr(v)
    if isinstance(v, str) and len(v) > n:
        r = repr(v[:n // 2]) + '...(%d chars)...' % len(v) + repr(v[-n // 4:])
    return r


def describe_levels(levels):
    out = []
    for where, lines, _ in levels:
        if not lines:
            continue
        shown = ['%s %s' % (d, short(a, 120)[1:-1] if len(a) > 120 else a) for d, a in lines]
        if len(shown) > 12:
            shown = shown[:4] + ['... %d lines (%d regexes) ...' % (
                len(shown) - 8, regex_items(lines[4:-4]))] + shown[-4:]
        out.append('[%s: %s]' % (where, '; '.join(shown)))
    return ' '.join(out) or '[no CORS directive]'


def describe_request(c):
    h = ' '.join('%s=%s' % (n, short(v)) for n, v in c.headers)
    return '%s http://%s%s %s creds=%s' % (c.method, c.site.name, c.url, h,
                                            'include' if c.credentials else 'omit')


def describe_scenario(c):
    sc = getattr(c, 'scen', None)
    if sc is None:
        return ''
    step = int(c.id.split('/')[1].split('.')[0])
    return ' | scenario %s (%s), step %d of its files: %s' % (
        sc.dir, sc.profile, step, ' / '.join('round %d: %s' % (r, sc.notes[r]) for r in range(1, step + 1))
        or 'as first written')


# ---------------------------------------------------------------------------------------------
# Coverage: what a run must hold enough of

# (kind, least count per 1,000 cases).  A run short of one fails, saying which: a run that
# checks next to nothing of a kind must not pass as if it had.
FLOORS = [
    ('policy enabled', 350),
    ('preflights', 150),
    ('credentials', 40),
    ('origin removals in force', 120),
    ('regexes in force', 100),
    ('.htaccess levels in force', 150),
    ('origin files in force', 40),
    ('judged by the browser', 600),
    ('after .htaccess edits', 50),
    ('replays past 256 regexes', 4),
    ('too large to keep', 10),
    ('origin file behind a link', 5),
    ('origin file plain again', 2),
    ('report-only', 20),
    ('report-only preflights', 8),
    ('Timing-Allow-Origin sent', 20),
]
MIN_CASES = 1000


def kinds_of(c, levels, pol, ans, v_exp):
    """The coverage kinds of one request (FLOORS), as the model sees it."""
    if not hasattr(pol, 'item_kinds'):
        items = pol.origins.allows + pol.origins.removals
        pol.item_kinds = (any(isinstance(x, M.RegexItem) for x in items),
                          any(isinstance(x, M.SourceItem) for x in pol.origins.allows))
    out = set()
    if v_exp is not None:
        out.add('judged by the browser')
    if not pol.enabled:
        return out
    out.add('policy enabled')
    if ans.report:
        out.add('report-only')
        if ans.decided.preflight:
            out.add('report-only preflights')
    if ans.timing and TAO in ans.headers:
        out.add('Timing-Allow-Origin sent')
    if ans.preflight:
        out.add('preflights')
    if pol.credentials:
        out.add('credentials')
    if pol.origins.removals:
        out.add('origin removals in force')
    if pol.item_kinds[0]:
        out.add('regexes in force')
    if any(base is not None and lines for _, lines, base in levels):
        out.add('.htaccess levels in force')
    if pol.item_kinds[1]:
        out.add('origin files in force')
    return out


def floor_failures(cov, cases):
    """-> lines naming each kind a run of cases holds too few of."""
    out = []
    for kind, per_1000 in FLOORS:
        need = per_1000 * cases // 1000
        got = cov.get(kind, 0)
        if got < need:
            out.append('coverage short: %s: %d, the floor for %d cases is %d (%d per 1,000)' % (
                kind, got, cases, need, per_1000))
    return out


# ---------------------------------------------------------------------------------------------
# Running

def split_static(indexes, weights):
    """The static cases over a batch's steps: weights[s] shares of them before step s's
    scenario requests (most after the rounds that change origin files: their wait is spent
    on them)."""
    total, out, start = sum(weights), [], 0
    for s, w in enumerate(weights):
        end = len(indexes) if s == len(weights) - 1 else start + len(indexes) * w // total
        out.append(indexes[start:end])
        start = end
    return out


def run_batch(args, seed, b, indexes, out, cov):
    """Runs cases indexes of batch b; appends a result tuple for each request that disagrees
    (each request with --only), None for each that agrees, to out; counts kinds in cov.
    Returns None or an error."""
    batch = Batch(seed, b)
    scenarios = [Scenario(seed, batch, i) for i in indexes if is_scenario(i)]
    static = [i for i in indexes if not is_scenario(i)]
    root = scratch_dir('cors-model-')
    server = Server(root)
    server.client = None
    records = []            # [rid, result tuple]: the notes are compared once the log has them

    def one(c, levels, pol, status, headers, extra=()):
        """Checks an answer (a report-only one also against the same request sent again
        without Origin); -> None or an error."""
        ans, diffs, v_mod, v_exp = check(c, levels, pol, status, headers)
        err = None
        if ans.report:
            # Report-only: the answer must be the rest of the server's.  The same request
            # without Origin and Access-Control-Request-* is one mod_cors decides nothing
            # about (an ordinary OPTIONS goes to httpd's answer): it must be answered alike.
            ref, err = send(c, reference=True)
            if ref is not None:
                diffs += compare_reference(status, headers, ref[0], ref[1])
        for k in kinds_of(c, levels, pol, ans, v_exp) | set(extra):
            cov[k] = cov.get(k, 0) + 1
        cov['requests'] = cov.get('requests', 0) + 1
        if args.stats is not None:
            tally(args.stats, c, pol, ans)
        records.append([c.rid, (c, levels, pol, ans, status, headers, diffs, v_mod, v_exp)])
        if err is None:
            err = ask_info(c, levels, status, headers, diffs)
        return err

    def ask_info(c, levels, status, headers, diffs):
        """For a sample of the requests: cors-info asked about the same virtual host, path,
        origin, method (and a preflight's request headers), its decision held to the model's
        for the lookup (which has no query string: an <If> on %{QUERY_STRING} is false there)
        and, where the request's own configuration is the lookup's, to what the server did
        (once the notes are read)."""
        st = args.info_stats
        if st['asked'] >= args.info_cases or random.Random('%s/info/%s' % (seed, c.id)).random() >= \
                args.info_p:
            return None
        url, key = info_plan(c)
        if url is None:
            st['skipped: ' + key] = st.get('skipped: ' + key, 0) + 1
            return None
        st['asked'] += 1
        c.info_url = url
        scen = getattr(c, 'scen', None)
        llevels, lpol = batch.policy(c.site, c.rel, '', scen)
        try:
            info_status, _ = server.client.send(c.site.name, 'GET', url, [(NOTE_HEADER, 'info')])
        except RuntimeError as e:
            return 'batch %d case %s: cors-info %s: %s' % (b, c.id, url, e)
        body = server.client.body
        try:
            info = json.loads(body.decode('utf-8')) if info_status == 200 else None
            info['decision'][key]
        except (ValueError, KeyError, TypeError):
            diffs.append(('cors-info answer', '200 and JSON with decision.%s' % key,
                          '%s %s' % (info_status, short(body.decode('utf-8', 'replace'), 200))))
            return None
        req = M.Request(c.method, c.origin, c.acrm, c.acrh)
        mine = info_versus_model(info, key, M.answer(lpol, req))
        diffs += mine
        c.info_cause = info_cause(batch, c, info, key, req, scen)
        c.info_explain = ('on' if lpol.enabled else 'off') + ''.join(
            t for t, on in ((' report-only', lpol.enabled and lpol.report_only),
                            (' a directory/', c.rel.endswith('/')), (' query', bool(c.query)),
                            (' scenario', getattr(c, 'scen', None) is not None)) if on)
        st['with the model'] += 1
        if llevels == levels:
            info_later.append((c, info, key, status, headers, diffs))
        else:
            st['not with the response (a query string the lookup has not)'] += 1
        return None

    info_later = []         # (case, cors-info's answer, key, the response, diffs): compared
                            # with the response and its note once the notes are read

    serial = [0]

    def send(c, reference=False):
        serial[0] += 1
        rid = 'r%d' % serial[0]
        if reference:
            hdrs = [(n, v) for n, v in c.headers if n.lower() != 'origin'
                    and not n.lower().startswith('access-control-request-')]
        else:
            c.rid = rid
            hdrs = c.headers
        try:
            return server.client.send(c.site.name, c.method, c.url, hdrs + [(NOTE_HEADER, rid)]), None
        except RuntimeError as e:
            return None, 'batch %d case %s (%s%s): %s%s' % (
                b, c.id, describe_request(c), ', sent again without Origin' if reference else '',
                e, ''.join('\n  ' + l for l in server.crashes()))

    try:
        err = drive_batch(args, seed, batch, scenarios, static, root, server, send, one)
        if server.started:
            check_notes(root, records, complete=err is None)
            notes = read_notes(root)
            for c, info, key, status, headers, diffs in info_later:
                diffs += info_versus_real(info, key, status, headers, notes.get(c.rid))
                args.info_stats['with the response'] += 1
        for rid, r in records:
            out.append(r if r[6] or args.only else None)
        return err
    finally:
        with signals_held():
            if server.client:
                server.client.close()
            server.stop(wait=False)
            STOPPING.append((server, root, args.keep))
            if args.keep:
                print('# kept %s' % root, flush=True)


def compare_reference(status, headers, ref_status, ref_headers):
    """A report-only answer against the same request sent without Origin: -> diffs."""
    def view(st, hdrs):
        # httpd makes an ETag weak while the file is less than a second old: W/ is not ours
        return st, sorted((n.lower(), v[2:] if n.lower() == 'etag' and v.startswith('W/') else v)
                          for n, v in hdrs if n.lower() not in UNSTABLE)
    got, ref = view(status, headers), view(ref_status, ref_headers)
    if got == ref:
        return []
    if got[0] != ref[0]:
        return [('report-only status', '%s (as without Origin)' % ref[0], got[0])]
    extra = [h for h in got[1] if h not in ref[1]]
    missing = [h for h in ref[1] if h not in got[1]]
    return [('report-only headers', 'as without Origin; missing %s' % short(missing),
             'extra %s' % short(extra))]


def read_notes(root):
    out = {}
    try:
        with open(os.path.join(root, NOTES_LOG), errors='replace') as fh:
            for line in fh:
                parts = line.split()
                if len(parts) == 2:
                    out[parts[0]] = parts[1]
    except OSError:
        pass
    return out


def check_notes(root, records, complete):
    """Each request's %{cors}n against the model's outcome (a log line is written once the
    answer is sent: wait a little for the last ones)."""
    deadline = time.time() + 5
    while True:
        notes = read_notes(root)
        if all(rid in notes for rid, _ in records) or time.time() > deadline:
            break
        time.sleep(0.05)
    for rid, r in records:
        ans, diffs = r[3], r[6]
        got = notes.get(rid)
        if got is None:
            if complete:
                diffs.append(('note', ans.note, '(no log line)'))
        elif got != ans.note:
            diffs.append(('note', ans.note, got))


def drive_batch(args, seed, batch, scenarios, static, root, server, send, one):
    """Starts the batch's httpd and sends its requests (the client: server.client); -> None or
    an error."""
    b = batch.b
    port = free_port()
    batch.write(root, port, args.so, scenarios)
    try:
        server.start(port)
    except Exception as e:      # a configuration the model holds valid was refused
        return 'batch %d: %s' % (b, e)
    server.client = Client(port)
    steps = NSTEPS if scenarios else 1
    slices = split_static(static, [1, 1, 10, 1, 3][:steps] if scenarios else [1])
    for step in range(steps):
        changed_at, waiting = None, set()
        for sc in scenarios if step else ():
            if sc.advance(step):
                changed_at = time.time()
                waiting.add(sc.i)
        for i in slices[step]:
            c = make_case(seed, batch, i)
            got, err = send(c)
            if err:
                return err
            levels, pol = batch.policy(c.site, c.rel, c.query)
            err = one(c, levels, pol, got[0], got[1])
            if err:
                return err
        # The scenarios whose origin files changed come last, SETTLE after the change
        # (each process looks at an origin file at most once a second).
        for late in (False, True):
            if late and changed_at is not None:
                time.sleep(max(0.0, changed_at + SETTLE - time.time()))
            for sc in scenarios:
                if (sc.i in waiting) != late:
                    continue
                for k in range(sc.nreq[step]):
                    c = sc.make_request(step, k)
                    got, err = send(c)
                    if err:
                        return err
                    levels, pol = batch.policy(c.site, c.rel, c.query, sc)
                    err = one(c, levels, pol, got[0], got[1], sc.kinds(c, levels))
                    if err:
                        return err
    server.client.close()
    crashes = server.crashes()
    if crashes:
        return 'batch %d: httpd children crashed: %s' % (b, ' / '.join(crashes[:5]))
    return None


def tally(st, c, pol, ans):
    keys = ['cases']
    if pol.enabled:
        keys.append('enabled')
        keys.append('preflight' if ans.preflight else 'other')
        if ans.preflight:
            keys.append('preflight allowed' if ans.status != 403 else 'preflight refused')
        elif 'access-control-allow-origin' in ans.headers:
            keys.append('request allowed')
        if c.origin is None:
            keys.append('no Origin')
        if pol.fixed_star:
            keys.append('fixed star')
        elif pol.origins.star():
            keys.append('star with removals')
        if pol.origins.removals:
            keys.append('origin removals in force')
        if not pol.origins.given:
            keys.append('no origin list')
        if pol.conflict:
            keys.append('request-time conflict')
        if pol.credentials:
            keys.append('credentials')
        if ans.expose_removed is not None:
            keys.append('expose * minus removals')
        if pol.methods.star():
            keys.append('methods *')
        if pol.headers.star():
            keys.append('headers *')
        if ans.report:
            keys.append('report-only')
        if pol.timing:
            keys.append('timing On')
        keys.append('note ' + ans.note)
    for k in keys:
        st[k] = st.get(k, 0) + 1
    if pol.enabled:
        why = st.setdefault('why', {})
        for part in M.explain(pol, M.Request(c.method, c.origin, c.acrm, c.acrh)).split():
            why[part] = why.get(part, 0) + 1


def fetch_text(v_mod, v_exp):
    if v_exp is None:
        return 'fetch: not judged (no Origin: no CORS check in a browser)'
    if bool(v_mod) == v_exp:
        return 'fetch: the browser decides as the policy says (%s)' % v_mod
    return 'fetch: the browser decides otherwise than the policy says: module %s, policy %s' % (
        v_mod, 'pass' if v_exp else 'fail')


def rerun_id(c):
    return c.id.split('/')[0]


def report_line(seed, cases, r):
    c, levels, pol, ans, status, headers, diffs, v_mod, v_exp = r
    exp, vary, exp_status = expected_view(c.site, ans)
    got = {k: v for k, v in acx(headers).items()}
    return ('FAIL %s seed=%s | %s | %s%s | status %s | differs: %s | expected %s vary=%d%s | actual %s vary=%d'
            ' | %s%s%s | rerun: python3 tests/model/difftest.py --seed %s --only %s' % (
                c.id, seed, describe_request(c), describe_levels(levels), describe_scenario(c), status,
                '; '.join('%s expected %s got %s' % (f, short(e), short(a)) for f, e, a in diffs),
                short(exp), vary,
                ' expose=*minus%s' % sorted(ans.expose_removed) if ans.expose_removed else '',
                short(got), vary_origin_count(headers), fetch_text(v_mod, v_exp),
                ' (request-time conflict: credentials dropped)' if pol.conflict else '',
                ' | cors-info asked: %s' % c.info_url if getattr(c, 'info_url', None) else '',
                seed, rerun_id(c)))


def class_of(r):
    c, levels, pol, ans, status, headers, diffs, v_mod, v_exp = r
    if diffs and all(f.startswith('cors-info') for f, _, _ in diffs) and getattr(c, 'info_cause', None):
        return 'cors-info %s: %s' % (c.info_cause, 'preflight' if 'preflight' in diffs[0][0] else 'request')
    if diffs and all(f.startswith('cors-info') for f, _, _ in diffs):
        # cors-info's alone: grouped by the outcomes and the fields that differ, and what the
        # model says of the lookup (on or off, the path a directory, a query string)
        parts = ['%s:%s->%s' % (f[len('cors-info '):], e, a) if 'outcome' in f
                 else f[len('cors-info '):] for f, e, a in diffs]
        return 'cors-info %s | model (the lookup): %s' % (', '.join(parts), c.info_explain)
    kind = ('preflight' if ans.preflight else
            ('report-only %s' % ('preflight' if ans.decided.preflight else 'request')) if ans.report else
            'disabled' if not ans.enabled else
            'no-origin' if c.origin is None else 'request')
    if getattr(c, 'scen', None) is not None:
        kind = 'scenario-%s %s' % (c.scen.profile, kind)
    if any(f == 'status' for f, _, _ in diffs):
        # the decision itself differs: the other fields follow from it
        parts = ['status:%s->%s' % next((e, a) for f, e, a in diffs if f == 'status')]
    else:
        parts = ['%s:%s->%s' % (f.replace('access-control-', 'ac-'),
                                e if f == 'note' or 'outcome' in f else shape(e, c.origin),
                                a if f == 'note' or 'outcome' in f else shape(a, c.origin))
                 for f, e, a in diffs]
    return '%s %s | model: %s%s' % (kind, ', '.join(parts), M.explain(pol, M.Request(
        c.method, c.origin, c.acrm, c.acrh)), ' [conflict]' if pol.conflict else '')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--cases', type=int, default=2000,
                    help='cases to run (at least %d: the coverage floors are per 1,000)' % MIN_CASES)
    ap.add_argument('--seed', type=str, default=None)
    ap.add_argument('--only', type=str, default=None,
                    help='B.I: run case I of batch B alone (a scenario: all its requests)')
    ap.add_argument('--batch', type=int, default=BATCH, help='cases per httpd (default %d)' % BATCH)
    ap.add_argument('--so', default=os.path.join(TOP, '.libs', 'mod_cors.so'))
    ap.add_argument('--keep', action='store_true', help='keep the generated trees')
    ap.add_argument('--quiet', action='store_true', help='summary only, no FAIL lines')
    ap.add_argument('--configtest', action='store_true',
                    help='also check what httpd -t and .htaccess files must refuse (ct.N, ht.N)')
    ap.add_argument('--configtest-only', action='store_true',
                    help='only those (a few seconds): no random cases, no floors')
    ap.add_argument('--info-cases', type=int, default=INFO_PER_RUN,
                    help='requests cors-info is asked about, at most (default %d, a sample '
                    'spread over the run; with --only, every request of the case)' % INFO_PER_RUN)
    ap.add_argument('--stats', action='store_const', const={}, default=None,
                    help='print how many cases fell in each category of the model')
    args = ap.parse_args()
    if args.seed is None:
        args.seed = str(random.SystemRandom().randrange(1, 2 ** 31))
    # cors-info's sample: each request alike, about info_cases of them in a run
    args.info_p = 1.0 if args.only else min(1.0, args.info_cases / max(args.cases, 1))
    args.info_stats = {'asked': 0, 'with the model': 0, 'with the response': 0,
                       'not with the response (a query string the lookup has not)': 0}
    seed = args.seed
    if not args.only and not args.configtest_only and args.cases < MIN_CASES:
        print('difftest: --cases %d is too few: at least %d (the coverage floors are counted per '
              '1,000 cases; --configtest-only runs the start-up refusals alone)' % (args.cases, MIN_CASES),
              file=sys.stderr)
        return 2
    if args.batch < SCEN_EVERY:
        print('difftest: --batch %d is too small: at least %d (every %dth case of a batch is a '
              'scenario)' % (args.batch, SCEN_EVERY, SCEN_EVERY), file=sys.stderr)
        return 2
    M.selftest()            # the model and the judge against the specification's own examples
    F.selftest()
    args.so = os.path.abspath(args.so)
    if not os.path.exists(args.so):
        print('no module at %s: make build first' % args.so, file=sys.stderr)
        return 2
    print('# seed %s; rerun: python3 tests/model/difftest.py --seed %s %s%s' % (
        seed, seed, ('--only %s' % args.only) if args.only else
        '--configtest-only' if args.configtest_only else ('--cases %d' % args.cases),
        '' if args.batch == BATCH or args.only else ' --batch %d' % args.batch), flush=True)
    if args.only:
        b, i = (int(x) for x in args.only.split('/')[0].split('.'))
        plan = [(b, [i])]
    elif args.configtest_only:
        plan = []
    else:
        plan = []
        for start in range(0, args.cases, args.batch):
            plan.append((start // args.batch, list(range(0, min(args.batch, args.cases - start)))))

    def stop(signum, frame):
        # One interruption is enough: a second one (Ctrl-C twice, timeout(1) signalling the
        # whole process group) must not cut the clean-up short and leave an httpd behind.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    passed = failed = 0
    classes = {}
    cov = {}
    t0 = time.time()
    try:
        if (args.configtest or args.configtest_only) and not args.only:
            for cid, ok, text in run_configtests(args):
                if ok:
                    passed += 1
                else:
                    failed += 1
                    cl = 'start-up/.htaccess: ' + text.split(':')[0]
                    classes.setdefault(cl, [0, None])[0] += 1
                    print('FAIL %s seed=%s | %s' % (cid, seed, text), flush=True)
        for b, indexes in plan:
            results = []
            err = run_batch(args, seed, b, indexes, results, cov)
            reap(False)
            if err:
                print('FAIL batch %d seed=%s | %s | rerun: python3 tests/model/difftest.py --seed %s '
                      '--cases %d' % (b, seed, err, seed, (b + 1) * args.batch), flush=True)
                kind = ('children crashed' if 'crashed' in err else
                        'did not start' if 'did not start' in err else 'a request failed')
                classes.setdefault('httpd: ' + kind, [0, None])[0] += 1
                failed += 1
                # the answers received before it are still judged below
            for r in results:
                if r is None:
                    passed += 1
                    continue
                if not r[6]:
                    passed += 1
                    print('PASS %s | %s | %s%s | status %s | headers %s | %s' % (
                        r[0].id, describe_request(r[0]), describe_levels(r[1]), describe_scenario(r[0]),
                        r[4], short(r[5]), fetch_text(r[7], r[8])))
                    continue
                failed += 1
                cl = class_of(r)
                if cl not in classes:
                    classes[cl] = [0, r]
                classes[cl][0] += 1
                if not args.quiet:
                    print(report_line(seed, args.cases, r), flush=True)
    except KeyboardInterrupt:
        print('interrupted (seed %s)' % seed, flush=True)
        return 130
    finally:
        with signals_held():
            reap(True)
    dt = time.time() - t0
    if args.stats is not None:
        why = args.stats.pop('why', {})
        print('# categories: ' + ', '.join('%s %d' % kv for kv in args.stats.items()))
        print('# model reasons: ' + ', '.join('%s %d' % kv for kv in sorted(why.items(), key=lambda x: -x[1])))
    short_of = []
    if plan and not args.only:
        print('# coverage (requests of each kind; floor per 1,000 cases): ' + ', '.join(
            '%s %d (%d)' % (k, cov.get(k, 0), f) for k, f in FLOORS))
        short_of = floor_failures(cov, args.cases)
        # cors-info: a quarter of the sample at least (the rest: requests without Origin, ...)
        if args.info_stats['with the model'] < args.info_cases // 4:
            short_of.append('coverage short: cors-info comparisons: %d, the floor is %d (a quarter '
                            'of --info-cases %d)' % (args.info_stats['with the model'],
                                                     args.info_cases // 4, args.info_cases))
        for line in short_of:
            print('FAIL %s; seed=%s' % (line, seed), flush=True)
    if plan:
        print('# cors-info: %s' % ', '.join('%s %d' % kv for kv in args.info_stats.items()))
    total = passed + failed
    if classes:
        print('# disagreement classes (kind field:expected->actual), count, first case:')
        for cl, (n, r) in sorted(classes.items(), key=lambda x: -x[1][0]):
            print('#   %6d  %s%s' % (n, cl, '  (e.g. --seed %s --only %s)' % (seed, rerun_id(r[0])) if r else ''))
    print('# %d checks in %.1f s (%.0f/s); seed %s' % (total, dt, total / dt if dt else 0, seed))
    print('%d passed, %d failed%s' % (passed, failed, ', %d coverage floors short' % len(short_of)
                                      if short_of else ''))
    return 1 if failed or short_of else 0


if __name__ == '__main__':
    sys.exit(main())

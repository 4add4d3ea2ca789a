#!/usr/bin/env python3
"""difftest.py - random multi-level configurations and requests through a real httpd loading
mod_cors, each answer compared header by header with the model (cors_model.py), and the
browser's verdict (fetch_judge.py) on the module's answer and on the model's.

    python3 tests/model/difftest.py [--cases N] [--seed S] [--only B.I] [--configtest] [--so PATH]

Cases come in batches: one httpd per batch (event MPM, 127.0.0.1, a free port), holding a main
server policy and a few name-based virtual hosts ("sites"), each with its own directory trees,
<Directory>, .htaccess, <DirectoryMatch>, <Files>, <Location> and <If> sections.  Case I of
batch B depends on the seed, B and I only: "--seed S --only B.I" replays it alone.

Prints one line per failing case, a summary of the kinds of disagreement, and last
"N passed, N failed".  Exits 1 on any failure, 2 when it could not run.
"""
import sys
sys.dont_write_bytecode = True

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import cors_model as M          # noqa: E402
import fetch_judge as F         # noqa: E402

APACHE = '/usr/sbin/apache2'
MODULES = '/usr/lib/apache2/modules'
BATCH = 2500

N_SITES = 3
N_TREES = 8
DIRS = ['', 'a', 'a/b', 'c']
FILES = ['f0.txt', 'f1.txt', 'f2.txt']
MISSING = 'nofile.txt'
QUERIES = ['', 'sel=a', 'sel=b']
GEN_HEADERS = ['X-Gen-A', 'X-Gen-B']          # set by "Header always set" on every site
LEFTOVER = [('Access-Control-Allow-Origin', 'https://leftover.example'),
            ('Access-Control-Expose-Headers', 'X-Leftover')]
# httpd drops these from a 304 after mod_cors has seen them: naming them exposes nothing
STRIPPED_ON_304 = ('content-length', 'content-type', 'content-encoding', 'transfer-encoding',
                   'content-range', 'content-language')
LEFTOVER_VARY = 'Accept-Language'               # mod_cors must merge Origin in, not replace it

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


def gen_level(rng, pools, mode, where):
    """One level's CORS lines.  mode: 'nocred' (no credentials On), 'nostar' (no '*' origin or
    expose) or 'any'.  where: 'main', 'vhost', 'dir', 'ht', 'sec' (weights differ)."""
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
        lines.append(('CORSEnable', rng.choice(['On', 'Off'])))
    if rng.random() < 0.55:
        lines += list_lines(rng, 'CORSAllowOrigin',
                            lambda: pools.render_origin(rng, rng.choice(pools.origins)[0]),
                            lambda: pools.render_origin(rng, rng.choice(pools.origins)[0]),
                            star_ok, 0.22)
    # Origin files are the admin's: not in .htaccess files (nor sections inside them).
    if where in ('main', 'vhost', 'dir') and rng.random() < 0.15:
        lines.append(('CORSAllowOriginFile', '%s{root}/origins/%s' % (
            rng.choice(['', '+']), rng.choice(sorted(pools.files)))))
    if rng.random() < 0.15:
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
    if rng.random() < 0.2:
        on = mode != 'nocred' and rng.random() < 0.7
        lines.append(('CORSAllowCredentials', 'On' if on else 'Off'))
    if rng.random() < 0.15:
        lines.append(('CORSMaxAge', str(rng.choice([0, 5, 600, 7200, 86400]))))
    if rng.random() < 0.1:
        lines.append(('CORSPreflightStatus', rng.choice(['200', '204'])))
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
        self.main_mode = rng.choice(['nocred', 'nocred', 'nostar', 'neutral'])
        self.main = gen_level(rng, self.pools,
                              'nocred' if self.main_mode == 'neutral' else self.main_mode, 'main')
        if self.main_mode == 'neutral':
            self.main = strip_stars(self.main)
        self.sites = []
        for s in range(N_SITES):
            site = Site(s)
            site.mode = rng.choice({'nocred': ['nocred', 'any'],
                                    'nostar': ['nostar', 'any'],
                                    'neutral': ['nocred', 'nostar', 'any']}[self.main_mode])
            mode = site.mode
            site.leftover = rng.random() < 0.3
            site.vhost = gen_level(rng, self.pools, mode, 'vhost')
            if rng.random() < 0.3:
                site.directories.append(('', gen_level(rng, self.pools, mode, 'dir')))
            for t in range(N_TREES):
                for d in DIRS:
                    rel = 't%d%s' % (t, '/' + d if d else '')
                    for _ in range(2):
                        if rng.random() < 0.25:
                            site.directories.append((rel, gen_level(rng, self.pools, mode, 'dir')))
                    if rng.random() < 0.3:
                        files, ifs = [], []
                        if rng.random() < 0.2:
                            k = rng.choice(['Files', 'FilesMatch'])
                            files.append(M.Section(k, gen_section_pattern(rng, k),
                                                   gen_level(rng, self.pools, mode, 'sec')))
                        if rng.random() < 0.2:
                            ifs.append(M.Section('IfQuery', gen_section_pattern(rng, 'IfQuery'),
                                                 gen_level(rng, self.pools, mode, 'sec')))
                        site.htaccess[rel] = (gen_level(rng, self.pools, mode, 'ht'), files, ifs)
            # Directory sections of one depth may come in any order in the file; httpd sorts
            # them by depth, keeping the file's order among equals.
            rng.shuffle(site.directories)
            for _ in range(rng.randint(0, 2)):
                site.dirmatch.append(M.Section('DirectoryMatch',
                                               gen_section_pattern(rng, 'DirectoryMatch'),
                                               gen_level(rng, self.pools, mode, 'sec')))
            for _ in range(rng.randint(0, 3)):
                k = rng.choice(['Files', 'FilesMatch'])
                site.files.append(M.Section(k, gen_section_pattern(rng, k),
                                            gen_level(rng, self.pools, mode, 'sec')))
            for _ in range(rng.randint(0, 8)):
                k = rng.choice(['Location', 'Location', 'LocationMatch'])
                site.locations.append(M.Section(k, gen_section_pattern(rng, k),
                                                gen_level(rng, self.pools, mode, 'sec')))
            for _ in range(rng.randint(0, 3)):
                k = rng.choice(['IfQuery', 'IfUri'])
                site.ifs.append(M.Section(k, gen_section_pattern(rng, k),
                                          gen_level(rng, self.pools, mode, 'sec')))
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
            self.check(site)
            self.sites.append(site)
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
        self.root = None
        self.cache = {}

    def check(self, site):
        """Start-up refuses credentials with '*' in one section, and in each section as merged
        with its server ('any' sites); an .htaccess file (or a section in one) refuses it
        within itself.  Take the credentials (then the stars) out of any such level."""
        def fix(lines, above):
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
    def levels(self, site, rel_file, query):
        root = '%s/docroot/s%d' % (self.root, site.idx)
        uri = '/' + rel_file
        if rel_file.endswith('.txt'):
            filename = '%s/%s' % (root, rel_file)
        else:                       # a directory: walked down to itself
            filename = '%s/%s/' % (root, rel_file.rstrip('/'))
        dirs = [('%s/docroot' % self.root, self.main_dir)]
        dirs += [(('%s/%s' % (root, r)) if r else root, l) for r, l in site.directories]
        ht = {('%s/%s' % (root, r)): M.HtAccess(l, f, i) for r, (l, f, i) in site.htaccess.items()}
        dm = [M.Section('DirectoryMatch', self.dirmatch_regex(site, s.pattern), s.lines,
                        '<DirectoryMatch %s>' % s.pattern) for s in site.dirmatch]
        levels = M.httpd_order(self.main, site.vhost, dirs, ht, dm, site.files,
                               self.main_locations + site.locations, site.ifs, filename, uri, query)
        return [(name, [(d, a.replace('{root}', self.root)) for d, a in lines])
                for name, lines in levels]

    def dirmatch_regex(self, site, pattern):
        return '^%s/docroot/s%d/%s(/|$)' % (re.escape(self.root), site.idx, pattern)

    def policy(self, site, rel_file, query):
        key = (site.idx, rel_file, query)
        if key not in self.cache:
            levels = self.levels(site, rel_file, query)
            self.cache[key] = (levels, M.merge([l for _, l in levels]))
        return self.cache[key]

    # -- files on disk --
    def write(self, root, port, so):
        self.root = root
        self.cache = {}
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
                  'authn_file', 'authz_user'):
            conf.append('LoadModule %s_module %s/mod_%s.so' % (m, MODULES, m))
        conf.append('LoadModule cors_module %s' % so)
        if os.geteuid() == 0:
            conf += ['User www-data', 'Group www-data']
        conf += [
            'TypesConfig /etc/mime.types',
            'KeepAlive On', 'MaxKeepAliveRequests 0', 'KeepAliveTimeout 60', 'Timeout 30',
            'StartServers 1', 'ServerLimit 1', 'ThreadsPerChild 8', 'MaxRequestWorkers 8',
            'MinSpareThreads 1', 'MaxSpareThreads 8',
            'DocumentRoot %s' % docroot,
            '<Directory />', '    AllowOverride None', '    Require all denied', '</Directory>',
            '<Directory %s>' % docroot, '    AllowOverride FileInfo', '    Require all granted',
        ]
        conf += ['    %s %s' % l for l in self.main_dir]
        conf += ['</Directory>', '# main server policy']
        conf += ['%s %s' % l for l in self.main]
        for sec in self.main_locations:
            conf += section_text(sec.kind, '"%s"' % sec.pattern, sec.lines, '')
        for site in self.sites:
            sroot = '%s/s%d' % (docroot, site.idx)
            conf += ['', '<VirtualHost 127.0.0.1:%d>' % port, '    ServerName %s' % site.name,
                     '    DocumentRoot %s' % sroot]
            for h in GEN_HEADERS:
                conf.append('    Header always set %s "%s"' % (h, h.lower()))
            if site.leftover:
                for n, v in LEFTOVER + [('Vary', LEFTOVER_VARY)]:
                    conf.append('    Header always set %s "%s"' % (n, v))
            conf.append('    DirectoryIndex f1.txt')
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
        os.makedirs(os.path.join(root, 'run'), exist_ok=True)
        os.makedirs(os.path.join(root, 'origins'), exist_ok=True)
        for name, items in self.pools.files.items():
            with open(os.path.join(root, 'origins', name), 'w') as fh:
                fh.write('# origins of %s\n' % name + ''.join(
                    self.pools.render_origin(random.Random(name), t) + '\n' for t in items))
        with open(os.path.join(root, 'httpd.conf'), 'w') as fh:
            fh.write('\n'.join(conf).replace('{root}', root) + '\n')
        # httpd's children run as www-data when we are root: the tree must be readable.
        for dirpath, dirnames, filenames in os.walk(root):
            os.chmod(dirpath, 0o755)
            for f in filenames:
                os.chmod(os.path.join(dirpath, f), 0o644)


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
        return origin_from_item(rng, rng.choice(item.items).key, None)
    if isinstance(item, M.RegexItem):
        for r, examples in REGEXES:
            if r == item.source:
                return rng.choice(examples)
        return 'https://app.example.com'
    return origin_from_item(rng, item.key, None)


def gen_origin(rng, batch, levels, pol):
    r = rng.random()
    if r < 0.6:
        src = pol.origins.allows if (rng.random() < 0.75 or not pol.origins.removals) else pol.origins.removals
        if src:
            o = origin_of(rng, rng.choice(src))
            return mutate_origin(rng, o) if rng.random() < 0.25 else o
    items = []
    for _, lines in levels:
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
    listed = [w.lstrip('+-') for _, lines in levels for d, a in lines if d == 'CORSAllowMethods'
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
    for _, lines in levels:
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
    c.credentials = rng.random() < 0.5
    c.origin = c.acrm = c.acrh = None
    r = rng.random()
    if r < 0.45:
        c.method = 'OPTIONS'
        c.origin = gen_origin(rng, batch, levels, pol)
        c.acrm = gen_acrm(rng, batch, levels, pol)
        c.acrh = gen_acrh(rng, levels, pol)
    elif r < 0.8:
        c.method = rng.choice(['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])
        c.origin = gen_origin(rng, batch, levels, pol)
    elif r < 0.92:
        c.method = rng.choice(['GET', 'HEAD', 'POST', 'OPTIONS'])
        if c.method == 'OPTIONS' and rng.random() < 0.5:
            c.acrm = 'PUT'
    else:
        c.method = rng.choice(['OPTIONS', 'OPTIONS', 'GET'])
        c.origin = gen_origin(rng, batch, levels, pol)
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
# Comparing

def vary_origin_count(headers):
    n = 0
    for name, v in headers:
        if name.lower() == 'vary':
            n += sum(1 for tok in v.split(',') if tok.strip().lower() == 'origin')
    return n


def acx(headers):
    out = {}
    for name, v in headers:
        if name.lower().startswith('access-control-'):
            out.setdefault(name.lower(), []).append(v)
    return out


def expected_view(site, ans):
    """The Access-Control-* headers expected, {name: [values]}, the Vary count, the status."""
    if not ans.enabled:
        exp = {}
        if site.leftover:
            for n, v in LEFTOVER:
                exp[n.lower()] = [v]
        return exp, 0, None
    return ({k: [v] for k, v in ans.headers.items()}, 1 if ans.vary else 0,
            ans.status if ans.preflight else None)


def compare(site, ans, status, headers):
    """-> list of (field, expected, actual) disagreements."""
    diffs = []
    exp, vary, exp_status = expected_view(site, ans)
    got = acx(headers)
    if exp_status is not None and status != exp_status:
        diffs.append(('status', exp_status, status))
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


# ---------------------------------------------------------------------------------------------
# The server

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

    def stop(self):
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
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                os.kill(pid, 0)
            except OSError:
                return
            time.sleep(0.05)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


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
                resp.read()
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
    root = tempfile.mkdtemp(prefix='cors-model-ct-')
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
    for n, (name, conf_lines, ht_lines, _, _) in enumerate(HTACCESS_TESTS):
        d = os.path.join(docroot, 'h%d' % n)
        os.makedirs(d)
        with open(os.path.join(d, 'data.txt'), 'w') as fh:
            fh.write('x\n')
        with open(os.path.join(d, '.htaccess'), 'w') as fh:
            fh.write('\n'.join(ht_lines) + '\n')
        if conf_lines:
            sections['Directory %s' % d] = conf_lines
    for dirpath, _, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)
    with open(os.path.join(root, 'httpd.conf'), 'w') as fh:
        fh.write(minimal_conf(root, port, args.so, main, sections))
    server = Server(root)
    client = None
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
                conf = [tuple(l.split(None, 1)) for l in conf_lines]
                ht = [tuple(l.split(None, 1)) for l in ht_lines]
                pol = M.merge([conf, ht])
                ans = M.answer(pol, M.Request('GET', hdrs.get('Origin')))
                site = Site(0)
                diffs = compare(site, ans, status, headers)
                ok = not diffs
                detail = 'status %s, %s' % (status, '; '.join('%s expected %s got %s' % (
                    f, short(e), short(a)) for f, e, a in diffs) or 'as the model says')
            out.append((cid, ok, '%s: %s | httpd.conf: %s | .htaccess: %s' % (
                name, detail, '; '.join(conf_lines), '; '.join(ht_lines))))
    finally:
        with signals_held():
            if client:
                client.close()
            server.stop()
    return out


# ---------------------------------------------------------------------------------------------
# Running

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
    for where, lines in levels:
        if lines:
            out.append('[%s: %s]' % (where, '; '.join('%s %s' % l for l in lines)))
    return ' '.join(out) or '[no CORS directive]'


def describe_request(c):
    h = ' '.join('%s=%s' % (n, short(v)) for n, v in c.headers)
    return '%s http://%s%s %s creds=%s' % (c.method, c.site.name, c.url, h,
                                            'include' if c.credentials else 'omit')


def run_batch(args, seed, b, indexes, out):
    """Runs cases indexes of batch b; appends result tuples to out.  Returns None or an error."""
    batch = Batch(seed, b)
    root = tempfile.mkdtemp(prefix='cors-model-')
    server = Server(root)
    client = None
    try:
        port = free_port()
        batch.write(root, port, args.so)
        try:
            server.start(port)
        except Exception as e:      # a configuration the model holds valid was refused
            return 'batch %d: %s' % (b, e)
        client = Client(port)
        for i in indexes:
            c = make_case(seed, batch, i)
            try:
                status, headers = client.send(c.site.name, c.method, c.url, c.headers)
            except RuntimeError as e:
                return 'batch %d case %s (%s): %s%s' % (b, c.id, describe_request(c), e,
                                                        ''.join('\n  ' + l for l in server.crashes()))
            levels, pol = batch.policy(c.site, c.rel, c.query)
            req = M.Request(c.method, c.origin, c.acrm, c.acrh)
            ans = M.answer(pol, req)
            if args.stats is not None:
                tally(args.stats, c, pol, ans)
            diffs = compare(c.site, ans, status, headers)
            if diffs or args.only:
                v_mod = F.judge(c.origin, c.method, c.acrm, c.acrh, c.credentials, status, headers)
                v_model = F.judge(c.origin, c.method, c.acrm, c.acrh, c.credentials,
                                  ans.status if ans.preflight else status,
                                  model_headers(c.site, ans))
                out.append((c, levels, pol, ans, status, headers, diffs, v_mod, v_model))
            else:
                out.append(None)
        client.close()
        crashes = server.crashes()
        if crashes:
            return 'batch %d: httpd children crashed: %s' % (b, ' / '.join(crashes[:5]))
        return None
    finally:
        with signals_held():
            if client:
                client.close()
            server.stop()
            if args.keep:
                print('# kept %s' % root, flush=True)
            else:
                shutil.rmtree(root, ignore_errors=True)


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
    for k in keys:
        st[k] = st.get(k, 0) + 1
    if pol.enabled:
        why = st.setdefault('why', {})
        for part in M.explain(pol, M.Request(c.method, c.origin, c.acrm, c.acrh)).split():
            why[part] = why.get(part, 0) + 1


def report_line(seed, cases, r):
    c, levels, pol, ans, status, headers, diffs, v_mod, v_model = r
    exp, vary, exp_status = expected_view(c.site, ans)
    got = {k: v for k, v in acx(headers).items()}
    if v_mod is None:
        fetch = 'fetch: n/a (no Origin: no CORS for the browser)'
    elif v_mod == v_model:
        fetch = 'fetch: sides with neither, the browser sees no difference (module %s, model %s)' % (
            v_mod, v_model)
    else:
        fetch = 'fetch: the browser would decide differently: module %s, model %s' % (v_mod, v_model)
    return ('FAIL %s seed=%s | %s | %s | status %s | differs: %s | expected %s vary=%d%s | actual %s vary=%d'
            ' | %s%s | rerun: python3 tests/model/difftest.py --seed %s --only %s' % (
                c.id, seed, describe_request(c), describe_levels(levels), status,
                '; '.join('%s expected %s got %s' % (f, short(e), short(a)) for f, e, a in diffs),
                short(exp), vary,
                ' expose=*minus%s' % sorted(ans.expose_removed) if ans.expose_removed else '',
                short(got), vary_origin_count(headers), fetch,
                ' (request-time conflict: credentials dropped)' if pol.conflict else '',
                seed, c.id))


def class_of(r):
    c, levels, pol, ans, status, headers, diffs, v_mod, v_model = r
    kind = ('preflight' if ans.preflight else
            'disabled' if not ans.enabled else
            'no-origin' if c.origin is None else 'request')
    if any(f == 'status' for f, _, _ in diffs):
        # the decision itself differs: the other fields follow from it
        parts = ['status:%s->%s' % next((e, a) for f, e, a in diffs if f == 'status')]
    else:
        parts = ['%s:%s->%s' % (f.replace('access-control-', 'ac-'), shape(e, c.origin),
                                shape(a, c.origin)) for f, e, a in diffs]
    return '%s %s | model: %s%s' % (kind, ', '.join(parts), M.explain(pol, M.Request(
        c.method, c.origin, c.acrm, c.acrh)), ' [conflict]' if pol.conflict else '')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--cases', type=int, default=2000)
    ap.add_argument('--seed', type=str, default=None)
    ap.add_argument('--only', type=str, default=None, help='B.I: run case I of batch B alone')
    ap.add_argument('--batch', type=int, default=BATCH, help='cases per httpd (default %d)' % BATCH)
    ap.add_argument('--so', default=os.path.join(TOP, '.libs', 'mod_cors.so'))
    ap.add_argument('--keep', action='store_true', help='keep the generated trees')
    ap.add_argument('--quiet', action='store_true', help='summary only, no FAIL lines')
    ap.add_argument('--configtest', action='store_true',
                    help='also check what httpd -t and .htaccess files must refuse (ct.N, ht.N: '
                         'a few seconds, rerun with --configtest --cases 0)')
    ap.add_argument('--stats', action='store_const', const={}, default=None,
                    help='print how many cases fell in each category of the model')
    args = ap.parse_args()
    if args.seed is None:
        args.seed = str(random.SystemRandom().randrange(1, 2 ** 31))
    seed = args.seed
    M.selftest()            # the model and the judge against the specification's own examples
    F.selftest()
    args.so = os.path.abspath(args.so)
    if not os.path.exists(args.so):
        print('no module at %s: make build first' % args.so, file=sys.stderr)
        return 2
    print('# seed %s; rerun: python3 tests/model/difftest.py --seed %s %s%s' % (
        seed, seed, ('--only %s' % args.only) if args.only else ('--cases %d' % args.cases),
        '' if args.batch == BATCH or args.only else ' --batch %d' % args.batch), flush=True)
    if args.only:
        b, i = (int(x) for x in args.only.split('.'))
        plan = [(b, [i])]
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
    t0 = time.time()
    try:
        if args.configtest and not args.only:
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
            err = run_batch(args, seed, b, indexes, results)
            if err:
                print('FAIL batch %d seed=%s | %s | rerun: python3 tests/model/difftest.py --seed %s '
                      '--cases %d' % (b, seed, err, seed, (b + 1) * args.batch), flush=True)
                kind = ('children crashed' if 'crashed' in err else
                        'did not start' if 'did not start' in err else 'a request failed')
                classes.setdefault('httpd: ' + kind, [0, None])[0] += 1
                failed += max(1, len(indexes) - len(results))
                # the answers received before it are still judged below
            for r in results:
                if r is None:
                    passed += 1
                    continue
                if not r[6]:
                    passed += 1
                    print('PASS %s | %s | %s | status %s | headers %s | fetch: module %s, model %s' % (
                        r[0].id, describe_request(r[0]), describe_levels(r[1]), r[4], short(r[5]),
                        r[7], r[8]))
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
    dt = time.time() - t0
    if args.stats is not None:
        why = args.stats.pop('why', {})
        print('# categories: ' + ', '.join('%s %d' % kv for kv in args.stats.items()))
        print('# model reasons: ' + ', '.join('%s %d' % kv for kv in sorted(why.items(), key=lambda x: -x[1])))
    total = passed + failed
    if classes:
        print('# disagreement classes (kind field:expected->actual), count, first case:')
        for cl, (n, r) in sorted(classes.items(), key=lambda x: -x[1][0]):
            print('#   %6d  %s%s' % (n, cl, '  (e.g. --seed %s --only %s)' % (seed, r[0].id) if r else ''))
    print('# %d cases in %.1f s (%.0f/s); seed %s' % (total, dt, total / dt if dt else 0, seed))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

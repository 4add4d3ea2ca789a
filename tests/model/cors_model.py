"""cors_model.py - a deliberately simple, executable model of mod_cors's policy.

Nothing here looks at the C code.  A configuration level (the main server, a virtual host, a
<Directory>, an .htaccess file, a <Files>, <Location> or <If> section) is the list of its
CORS directive lines.  parse_level() turns the lines into entries (kind, item, edit), where
edit is '=' (a plain item), '+' or '-' (an edit), or None for a scalar setting.
merge() folds the levels, in the order httpd merges them (see httpd_order()), into a Policy,
and answer() says which response headers mod_cors must produce for a request.

The rules (the specification the module is held to):

* Lists (origins = CORSAllowOrigin + CORSAllowOriginMatch, methods, headers, expose): a level
  with any plain item replaces what it inherits, a level with only +/- items edits it.  The
  list in force is the chain of levels from the last replacing one down (for methods an
  implicit top level "GET HEAD POST").  For each item key the last occurrence in the chain
  decides whether the key allows or removes.  A removal in force wins over every allow.
* Scalars (enable, credentials, max-age, preflight status, report-only, timing): the last
  level giving one wins.
* A location is enabled by CORSEnable On, or by an origin list in force where CORSEnable
  is not Off.
* "*" in the origin list with no origin removal in force is the fixed star: every response
  of an enabled location carries "Access-Control-Allow-Origin: *" and no Vary.  Otherwise
  an origin list in force means "Vary: Origin" on every response of an enabled location.
* Credentials together with "*" (origin or expose) in force: the credentials are dropped.
* CORSTimingAllowOrigin On: an actual (not preflight) response that gets an
  Access-Control-Allow-Origin also gets "Timing-Allow-Origin" with the same value (the
  request's Origin, or '*' under the fixed star); no other response of the location gets one,
  and one the rest of the server set is taken away.  Off: mod_cors leaves Timing-Allow-Origin
  alone.
* CORSReportOnly On: the policy is decided as usual (the outcome noted, prefixed 'report-'),
  but the response is the rest of the server's, untouched: no header added, replaced or
  removed, no Vary, and no preflight answered (OPTIONS goes on to whatever answers it).
* The outcome (the request note "cors", %{cors}n): '-' where no policy applies (the location
  off, no Origin, no origin list in force); else 'allowed', 'preflight' (an allowed one),
  'refused-origin', 'refused-method' or 'refused-header' (the first check a preflight fails,
  in that order); under report-only the same prefixed 'report-' ('-' stays '-').  The model's
  origin sources always answer: it never expects 'refused-unavailable'.

* An origin file (CORSAllowOriginFile) allows the origins and patterns it lists.  One named by
  an .htaccess file is relative to that file's directory, and is read through no symbolic
  link: while any part of its path below that directory is a link (to a file or a directory,
  in the directory or out of it), or it is missing, not a regular file or has other names
  (hard links), it allows nothing; once it is a plain file again, its origins are allowed
  again.  (It is read from the disk whenever the model is asked: the caller waits for the
  module's once-a-second look before it asks.)
* A removal wins over every allow: listed, pattern, regex, '*' or an origin file.

browser_verdict() says what a browser must decide (the Fetch Standard's CORS check and
CORS-preflight fetch) about the answer of a module that follows the policy: allowed as the
policy says, and with credentials only where the policy gives them.

One simplification the generator honours: a method other than the six standard ones is
always spelt the same way in allow items of one configuration (removals may use any case),
so the case-sensitive allow keys and the case-insensitive removal keys never disagree.
"""
import os
import re
import stat

SIX = ('DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT')
ALWAYS_ALLOWED = ('GET', 'HEAD', 'POST')
DEFAULT_PORTS = {'http': 80, 'https': 443}
TOKEN_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
TOKEN_MAX = 128
ACRH_MAX_NAMES = 64
ACRH_MAX_ELEMENTS = 128
ACRH_MAX_BYTES = 4096
ORIGIN_MAX = 512

LIST_DIRECTIVES = {
    'corsalloworigin': 'origin',
    'corsalloworiginmatch': 'regex',
    'corsalloworiginfile': 'source',
    'corsallowmethods': 'method',
    'corsallowheaders': 'header',
    'corsexposeheaders': 'expose',
}
FAMILY = {'origin': 'origins', 'regex': 'origins', 'source': 'origins', 'method': 'methods', 'header': 'headers',
          'expose': 'expose'}
SCALAR_DIRECTIVES = {
    'corsenable': 'enable',
    'corsallowcredentials': 'credentials',
    'corsmaxage': 'maxage',
    'corspreflightstatus': 'status',
    'corsreportonly': 'report',
    'corstimingalloworigin': 'timing',
}


class ConfigError(Exception):
    """What httpd -t (or, in an .htaccess file, the request) must refuse."""


# ---------------------------------------------------------------------------------------------
# Directive lines -> entries

def conf_words(args):
    """httpd's ap_getword_conf: words separated by white space, "double" or 'single' quoted."""
    out, i, n = [], 0, len(args)
    while i < n:
        while i < n and args[i] in ' \t':
            i += 1
        if i >= n:
            break
        if args[i] in '"\'':
            q = args[i]
            j = i + 1
            w = []
            while j < n and args[j] != q:
                if args[j] == '\\' and j + 1 < n and args[j + 1] == q:
                    j += 1
                w.append(args[j])
                j += 1
            out.append(''.join(w))
            i = j + 1
        else:
            j = i
            while j < n and args[j] not in ' \t':
                j += 1
            out.append(args[i:j])
            i = j
    return [w for w in out if w]


def is_token(s):
    return bool(TOKEN_RE.match(s))


def normalise_method(m):
    return m.upper() if m.upper() in SIX else m


class OriginItem:
    """One CORSAllowOrigin value: '*', 'null', an exact origin or a pattern."""

    def __init__(self, text):
        t = text.lower()
        self.kind = None
        if t == '*':
            self.kind, self.key = 'any', '*'
            return
        if t == 'null':
            self.kind, self.key = 'null', 'null'
            return
        m = re.fullmatch(r'([a-z][a-z0-9+.-]*)://(\*\.)?(\[[0-9a-f:.]+\]|[a-z0-9-]+(?:\.[a-z0-9-]+)*)'
                         r'(?::(\*|[0-9]{1,5}))?', t)
        if not m:
            raise ConfigError('CORSAllowOrigin: %r is not an origin' % text)
        self.scheme, wild, self.host, port = m.groups()
        self.sub = bool(wild)
        if port is None or port == '*':
            self.port = port
        else:
            p = int(port)
            if not 1 <= p <= 65535:
                raise ConfigError('CORSAllowOrigin: port of %r' % text)
            self.port = None if DEFAULT_PORTS.get(self.scheme) == p else p
        self.kind = 'pattern' if (self.sub or self.port == '*') else 'exact'
        self.key = '%s://%s%s%s' % (self.scheme, '*.' if self.sub else '', self.host,
                                    '' if self.port is None else ':%s' % self.port)

    def matches(self, o):
        """o: a parsed request origin (scheme, host, port) or 'null'."""
        if self.kind == 'any':
            return o != 'null'
        if self.kind == 'null':
            return o == 'null'
        if o == 'null':
            return False
        scheme, host, port = o
        if scheme != self.scheme:
            return False
        if self.sub:
            if not (host.endswith('.' + self.host) and len(host) > len(self.host) + 1):
                return False
        elif host != self.host:
            return False
        return self.port == '*' or port == self.port


class RegexItem:
    def __init__(self, source):
        self.source = source
        self.key = 're:' + source
        try:
            self.re = re.compile(source, re.IGNORECASE)
        except re.error as e:
            raise ConfigError('CORSAllowOriginMatch: %r: %s' % (source, e))

    def matches(self, o):
        if o == 'null':
            return False
        return self.re.fullmatch(serialise_origin(o)) is not None


class SourceItem:
    """CORSAllowOriginFile PATH: the origins and patterns of the file, one per line ('#' lines
    are comments), each read as CORSAllowOrigin reads it.  Allows only.

    base: the directory of the .htaccess file that names it (None in the server's
    configuration).  Such a file is relative to base and read through no symbolic link: it
    allows nothing while a link is on its path below base, or it is missing, not a regular
    file or has other names; and it is read again each time it is asked (it may change)."""

    def __init__(self, path, base=None):
        self.base = base
        self.path = os.path.normpath(os.path.join(base, path)) if base is not None else path
        self.key = 'file:' + self.path
        self._items = None

    @staticmethod
    def _read(path):
        out = []
        with open(path) as fh:
            for line in fh:
                line = line.strip()
                if line and not line.startswith('#'):
                    out.append(OriginItem(line))
        return out

    def confined_state(self):
        """For a file named by an .htaccess file: 'link', 'missing', 'not-regular',
        'hard-links' or 'regular'."""
        rel = os.path.relpath(self.path, self.base)
        p = self.base
        for part in rel.split('/'):
            p = os.path.join(p, part)
            if os.path.islink(p):
                return 'link'
        try:
            st = os.lstat(self.path)
        except OSError:
            return 'missing'
        if not stat.S_ISREG(st.st_mode):
            return 'not-regular'
        if st.st_nlink > 1:
            return 'hard-links'
        return 'regular'

    @property
    def items(self):
        if self.base is not None:
            if self.confined_state() != 'regular':
                return []
            try:
                return self._read(self.path)
            except OSError:
                return []
        # Read when first asked: a configuration is checked before its files are written.
        if self._items is None:
            self._items = self._read(self.path)
        return self._items

    def matches(self, o):
        return any(i.matches(o) for i in self.items)


_PARSED = {}


def parse_line(directive, args, base=None):
    """One directive line -> its entries [(kind, item, edit)].  Raises ConfigError.  base: the
    directory of the .htaccess file the line is in (its origin files are relative to it).
    Lines are parsed once (their items never change; an origin file's are read when asked)."""
    key = (directive, args, base)
    got = _PARSED.get(key)
    if got is None:
        if len(_PARSED) > 200000:
            _PARSED.clear()
        got = _PARSED[key] = _parse_line(directive, args, base)
    return got


def _parse_line(directive, args, base):
    d = directive.lower()
    if d in SCALAR_DIRECTIVES:
        kind = SCALAR_DIRECTIVES[d]
        w = conf_words(args)
        if len(w) != 1:
            raise ConfigError('%s takes one argument' % directive)
        v = w[0]
        if kind in ('enable', 'credentials', 'report', 'timing'):
            if v.lower() not in ('on', 'off'):
                raise ConfigError('%s: %r' % (directive, v))
            return [(kind, v.lower() == 'on', None)]
        if kind == 'maxage':
            if not v.isdigit() or int(v) > 86400:
                raise ConfigError('CORSMaxAge: %r' % v)
            return [(kind, int(v), None)]
        if v not in ('200', '204'):
            raise ConfigError('CORSPreflightStatus: %r' % v)
        return [(kind, int(v), None)]
    if d not in LIST_DIRECTIVES:
        raise ConfigError('unknown directive %s' % directive)
    kind = LIST_DIRECTIVES[d]
    words = conf_words(args)
    if kind == 'source':
        text = args.strip()
        edit = '='
        if text.startswith('+'):
            edit, text = '+', text[1:]
        w = conf_words(text)
        if len(w) != 1:
            raise ConfigError('%s takes one argument' % directive)
        return [(kind, SourceItem(w[0], base), edit)]
    if kind != 'regex':
        words = [p for w in words for p in re.split(r'[,\s]+', w) if p]
    if not words:
        raise ConfigError('%s needs a value' % directive)
    out = []
    for w in words:
        edit = '='
        if w[0] in '+-':
            edit, w = w[0], w[1:]
            if not w:
                raise ConfigError('%s: lone %s' % (directive, edit))
        out.append((kind, item_of(kind, w, edit), edit))
    edits = {e for _, _, e in out}
    # A plain line may take items out of its own list ("* -PATCH"); '+' beside plain means nothing.
    if '=' in edits and '+' in edits:
        raise ConfigError('%s: a line mixes plain and + items' % directive)
    return out


def item_of(kind, w, edit):
    if kind == 'origin':
        it = OriginItem(w)
        if it.kind == 'any' and edit == '-':
            raise ConfigError('CORSAllowOrigin: -* is not allowed')
        return it
    if kind == 'regex':
        return RegexItem(w)
    if not is_token(w):
        raise ConfigError('%r is not a token' % w)
    if kind == 'method':
        m = normalise_method(w)
        if m.upper() in ('CONNECT', 'TRACE', 'TRACK'):
            raise ConfigError('method %s is refused' % m)
        if edit == '-' and (m in ALWAYS_ALLOWED or m == '*'):
            raise ConfigError('CORSAllowMethods: -%s is not allowed' % m)
        return m
    return w


def parse_level(lines, base=None):
    """lines: [(directive, args)] in the order written -> entries.  Raises ConfigError.
    base: the directory of the .htaccess file the lines are in, or None."""
    entries = []
    for directive, args in lines:
        entries.extend(parse_line(directive, args, base))
    sources = [i.key for k, i, _ in entries if k == 'source']
    if len(sources) != len(set(sources)):
        raise ConfigError('an origin file given twice in one level')
    return entries


# ---------------------------------------------------------------------------------------------
# Merging

def item_key(kind, item):
    if kind in ('origin', 'regex', 'source'):
        return item.key
    return item.lower()         # methods: the six are upper case already; headers, expose


class ListInForce:
    """A list family after merging: allows and removals in force, in order of first appearance."""

    def __init__(self, chain):
        self.given = bool(chain)
        last = {}
        for kind, item, edit in chain:
            last[item_key(kind, item)] = edit
        self.allows, self.removals = [], []
        seen_a, seen_r = set(), set()
        for kind, item, edit in chain:
            k = item_key(kind, item)
            if edit == '-':
                if last[k] == '-' and k not in seen_r:
                    seen_r.add(k)
                    self.removals.append(item)
            elif last[k] != '-' and k not in seen_a:
                seen_a.add(k)
                self.allows.append(item)
        self.allow_keys = seen_a
        self.removal_keys = seen_r

    def star(self):
        return '*' in self.allow_keys


def list_chain(levels, family, default=()):
    chain = list(default)
    for entries in levels:
        mine = [e for e in entries if e[2] is not None and FAMILY[e[0]] == family]
        if not mine:
            continue
        if any(e[2] == '=' for e in mine):
            chain = []
        chain.extend(mine)
    return chain


class Policy:
    def __init__(self, levels):
        """levels: entry lists in merge order (parse_level results)."""
        self.enabled, self.credentials_on, self.max_age, self.status = None, False, None, 204
        self.report_only, self.timing = False, False
        for entries in levels:
            for kind, value, edit in entries:
                if edit is None:
                    if kind == 'enable':
                        self.enabled = value
                    elif kind == 'credentials':
                        self.credentials_on = value
                    elif kind == 'maxage':
                        self.max_age = value
                    elif kind == 'status':
                        self.status = value
                    elif kind == 'report':
                        self.report_only = value
                    elif kind == 'timing':
                        self.timing = value
        self.origins = ListInForce(list_chain(levels, 'origins'))
        self.methods = ListInForce(list_chain(
            levels, 'methods', [('method', m, '=') for m in ALWAYS_ALLOWED]))
        self.headers = ListInForce(list_chain(levels, 'headers'))
        self.expose = ListInForce(list_chain(levels, 'expose'))
        self.inexact_allows = [a for a in self.origins.allows
                               if not (isinstance(a, OriginItem) and a.kind == 'exact')]
        # CORSEnable On/Off decides where it is given; elsewhere an origin list in force is on.
        if self.enabled is None:
            self.enabled = self.origins.given
        self.conflict = self.credentials_on and (self.origins.star() or self.expose.star())
        self.credentials = self.credentials_on and not self.conflict
        self.fixed_star = self.origins.star() and not self.origins.removals
        self.vary = self.origins.given and not self.fixed_star

    # -- decisions --
    def origin_allowed(self, origin):
        if self.fixed_star:
            return True
        o = parse_request_origin(origin)
        if o is None:
            return False
        if any(r.matches(o) for r in self.origins.removals):
            return False
        # (an exact item matches only the origin its key serialises: looked up, for long lists)
        return (o != 'null' and serialise_origin(o) in self.origins.allow_keys) or any(
            a.matches(o) for a in self.inexact_allows)

    def method_allowed(self, m):
        m = normalise_method(m)
        if m in ALWAYS_ALLOWED:
            return True
        if m.lower() in self.methods.removal_keys:
            return False
        return m in self.methods.allows or self.methods.star()

    def header_allowed(self, name):
        n = name.lower()
        if n in self.headers.removal_keys:
            return False
        return n in self.headers.allow_keys or (self.headers.star() and n != 'authorization')


def item_kind(item):
    if isinstance(item, RegexItem):
        return 'regex'
    if isinstance(item, SourceItem):
        return 'file'
    if item.kind == 'pattern':
        return {(True, False): 'subdomain-pattern', (False, True): 'any-port',
                (True, True): 'subdomain-any-port'}[(item.sub, item.port == '*')]
    return {'any': '*', 'null': 'null', 'exact': 'exact'}[item.kind]


def explain(pol, req):
    """Why the model decides as it does, in a few words (for grouping disagreements)."""
    if not pol.enabled:
        return 'disabled'
    if req.origin is None:
        o = 'none'
    elif pol.fixed_star:
        o = 'fixed-star'
    elif not pol.origins.given:
        o = 'no-list'
    else:
        p = parse_request_origin(req.origin)
        if p is None:
            o = 'malformed'
        elif p != 'null' and len(p[1]) > 253:
            o = 'host-longer-than-253'
        else:
            rem = [r for r in pol.origins.removals if r.matches(p)]
            al = [a for a in pol.origins.allows if a.matches(p)]
            if rem:
                o = 'removed-by-%s%s' % (item_kind(rem[0]), '(also-allowed-by-%s)' % item_kind(al[0])
                                         if al else '')
            else:
                o = 'allowed-by-%s' % item_kind(al[0]) if al else 'unmatched'
    out = ('report-only ' if pol.report_only else '') + ('timing ' if pol.timing else '') + 'origin=' + o
    if not req.is_preflight():
        return out
    m = req.acrm
    if len(m) > TOKEN_MAX or not is_token(m):
        mt = 'malformed'
    else:
        n = normalise_method(m)
        mt = ('always' if n in ALWAYS_ALLOWED else
              'removed' if n.lower() in pol.methods.removal_keys else
              'listed' if n in pol.methods.allows else
              'star' if pol.methods.star() else 'unlisted')
        if n != m:
            mt += '(case)'
    names = parse_acrh(req.acrh)
    if names is None:
        ht = 'malformed'
    elif not names:
        ht = 'none'
    else:
        bad = [x for x in names if not pol.header_allowed(x)]
        if bad:
            b = bad[0].lower()
            ht = 'refused-%s' % ('removed' if b in pol.headers.removal_keys else
                                 'authorization' if b == 'authorization' else 'unlisted')
        else:
            ht = 'allowed%s' % ('-by-star' if pol.headers.star() else '')
    return '%s method=%s headers=%s' % (out, mt, ht)


def merge(level_lines, bases=None):
    """[[(directive, args)], ...] in merge order -> Policy.  bases: for each level, the
    directory of the .htaccess file it comes from (or None)."""
    bases = bases or [None] * len(level_lines)
    return Policy([parse_level(lines, base) for lines, base in zip(level_lines, bases)])


def conflict_of(level_lines):
    """True when these levels, merged, hold credentials together with a '*' (origin/expose)."""
    return merge(level_lines).conflict


# ---------------------------------------------------------------------------------------------
# Requests

def parse_request_origin(v):
    """An Origin header -> 'null', (scheme, host, port-or-None) normalised, or None (malformed)."""
    if v is None:
        return None
    if v == 'null':
        return 'null'
    if not v or len(v) > ORIGIN_MAX or any(not 0x21 <= ord(c) <= 0x7e for c in v):
        return None
    m = re.fullmatch(r'([A-Za-z][A-Za-z0-9+.-]*)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)'
                     r'(?::([1-9][0-9]{0,4}))?', v)
    if not m:
        return None
    scheme, host, port = m.group(1).lower(), m.group(2).lower(), m.group(3)
    # A DNS name: at most 253 bytes, labels of at most 63 (no browser sends a name it cannot resolve).
    if not host.startswith('[') and (len(host) > 253 or any(len(l) > 63 for l in host.split('.'))):
        return None
    if port is not None:
        port = int(port)
        if not 1 <= port <= 65535:
            return None
        if DEFAULT_PORTS.get(scheme) == port:
            port = None
    return (scheme, host, port)


def serialise_origin(o):
    scheme, host, port = o
    return '%s://%s%s' % (scheme, host, '' if port is None else ':%d' % port)


def parse_acrh(value):
    """Access-Control-Request-Headers -> list of names as sent, or None when malformed."""
    if value is None:
        return []
    if len(value.encode('latin-1')) > ACRH_MAX_BYTES:
        return None
    elements = value.split(',')
    if len(elements) > ACRH_MAX_ELEMENTS:
        return None
    names = [e.strip(' \t') for e in elements]
    names = [n for n in names if n]
    if len(names) > ACRH_MAX_NAMES:
        return None
    if any(len(n) > TOKEN_MAX or not is_token(n) for n in names):
        return None
    return names


class Request:
    def __init__(self, method, origin=None, acrm=None, acrh=None):
        self.method, self.origin, self.acrm, self.acrh = method, origin, acrm, acrh

    def is_preflight(self):
        return self.method == 'OPTIONS' and self.origin is not None and bool(self.acrm)


class Answer:
    """What mod_cors must do.  enabled: mod_cors touches the response (the location is on and
    not report-only).  headers: lower-case name -> value, the Access-Control-* headers (and
    Timing-Allow-Origin) mod_cors sends (exactly these, once each).  vary: whether 'Origin' is
    in Vary.  expose_removed: for '*' with removals, the removed names (lower case): the
    header's value is then checked as a property, not compared.  status: for a preflight
    answered by mod_cors.  timing: mod_cors owns Timing-Allow-Origin (one the rest of the
    server set is gone).  report: report-only in force where the location is on (nothing
    touched; decided: what the policy would have done).  note: the outcome (%{cors}n)."""

    def __init__(self, enabled):
        self.enabled = enabled
        self.preflight = False
        self.status = None
        self.headers = {}
        self.vary = False
        self.expose_removed = None
        self.timing = False
        self.report = False
        self.decided = None
        self.note = '-'


def outcome(pol, req):
    """The request note "cors" where the policy is enforced (report-only prefixes it)."""
    if not pol.enabled or req.origin is None or not pol.origins.given:
        return '-'
    if not pol.origin_allowed(req.origin):
        return 'refused-origin'
    if not req.is_preflight():
        return 'allowed'
    m = req.acrm
    if len(m) > TOKEN_MAX or not is_token(m) or not pol.method_allowed(m):
        return 'refused-method'
    names = parse_acrh(req.acrh)
    if names is None or not all(pol.header_allowed(n) for n in names):
        return 'refused-header'
    return 'preflight'


def answer(pol, req):
    ans = decide(pol, req)
    ans.note = outcome(pol, req)
    if pol.enabled and pol.report_only:
        # decided as usual, noted 'report-...', and nothing of the response touched
        off = Answer(False)
        off.report, off.decided = True, ans
        off.note = ans.note if ans.note == '-' else 'report-' + ans.note
        return off
    return ans


def decide(pol, req):
    ans = Answer(pol.enabled)
    if not pol.enabled:
        return ans                      # mod_cors adds and removes nothing
    ans.timing = pol.timing
    ans.vary = pol.vary
    allowed = pol.origins.given and req.origin is not None and pol.origin_allowed(req.origin)
    if pol.fixed_star and not req.is_preflight():
        allowed = True                  # on every response, with or without Origin
    if req.is_preflight():
        ans.preflight = True
        ans.status = 403
        if not allowed:
            return ans
        m = req.acrm
        if len(m) > TOKEN_MAX or not is_token(m) or not pol.method_allowed(m):
            return ans
        names = parse_acrh(req.acrh)
        if names is None or not all(pol.header_allowed(n) for n in names):
            return ans
        ans.status = pol.status
        h = ans.headers
        h['access-control-allow-origin'] = '*' if pol.fixed_star else req.origin
        if pol.credentials:
            h['access-control-allow-credentials'] = 'true'
        h.update(preflight_lists(pol, normalise_method(m), names))
        if pol.max_age is not None:
            h['access-control-max-age'] = str(pol.max_age)
        return ans
    if not allowed:
        return ans
    h = ans.headers
    h['access-control-allow-origin'] = '*' if pol.fixed_star else req.origin
    if pol.credentials:
        h['access-control-allow-credentials'] = 'true'
    if pol.expose.star():
        if not pol.expose.removals and not pol.credentials:
            h['access-control-expose-headers'] = '*'
        else:
            ans.expose_removed = set(pol.expose.removal_keys)
    elif pol.expose.allows:
        h['access-control-expose-headers'] = ', '.join(pol.expose.allows)
    if pol.timing:
        h['timing-allow-origin'] = h['access-control-allow-origin']
    return ans


def browser_verdict(pol, req, credentials):
    """What a browser must decide (the Fetch Standard's CORS check, and for a preflight its
    CORS-preflight fetch) about the answer of a module that follows pol: True when the script
    may read the response (or send the request the preflight asks for), False when not, None
    where no CORS check applies (no Origin: a same-origin request or a navigation) or the
    location is off or report-only (mod_cors adds nothing: what the browser decides is the
    backend's doing).
    credentials: the request's credentials mode is 'include'.

    Derived from the policy's decisions, not from the headers answer() renders: a header the
    module (and the model) rendered so that a browser reads it otherwise than the policy
    means is caught here."""
    if req.origin is None or not pol.enabled or pol.report_only:
        return None
    if not pol.origins.given or not pol.origin_allowed(req.origin):
        return False
    if req.is_preflight():
        m = req.acrm
        if len(m) > TOKEN_MAX or not is_token(m) or not pol.method_allowed(m):
            return False
        names = parse_acrh(req.acrh)
        if names is None or not all(pol.header_allowed(n) for n in names):
            return False
    if credentials:
        # The browser needs the origin echoed (never '*') and Allow-Credentials: true.
        return pol.credentials and not pol.fixed_star
    return True


def preflight_lists(pol, method, names):
    h = {}
    if pol.methods.star():
        if not pol.methods.removals and not pol.credentials:
            h['access-control-allow-methods'] = '*'
        else:
            h['access-control-allow-methods'] = method
    elif pol.methods.allows:
        h['access-control-allow-methods'] = ', '.join(pol.methods.allows)
    if pol.headers.star():
        # Always by name: a cached '*' must not cover Authorization in any browser.
        lowered = [n.lower() for n in names]
        if lowered:
            h['access-control-allow-headers'] = ', '.join(lowered)
    elif pol.headers.allows:
        h['access-control-allow-headers'] = ', '.join(pol.headers.allows)
    return h


# ---------------------------------------------------------------------------------------------
# httpd's merge order

class Section:
    """A configuration section: how it is matched, and its CORS lines."""

    def __init__(self, kind, pattern, lines, where=''):
        self.kind, self.pattern, self.lines, self.where = kind, pattern, lines, where

    def matches(self, filename, uri, query):
        k, p = self.kind, self.pattern
        if k == 'Files':
            return filename.rsplit('/', 1)[-1] == p
        if k == 'FilesMatch':
            return re.search(p, filename.rsplit('/', 1)[-1]) is not None
        if k == 'DirectoryMatch':
            return re.search(p, filename) is not None
        if k == 'Location':
            return uri.startswith(p) and (p.endswith('/') or uri[len(p):len(p) + 1] in ('', '/'))
        if k == 'LocationMatch':
            return re.search(p, uri) is not None
        if k == 'IfQuery':
            return query == p
        if k == 'IfUri':
            return re.search(p, uri) is not None
        raise ValueError(k)


class HtAccess:
    def __init__(self, lines, files=(), ifs=()):
        self.lines, self.files, self.ifs = lines, list(files), list(ifs)


def httpd_order(main, vhost, directories, htaccess, dirmatch, files, locations, ifs,
                filename, uri, query):
    """The levels that apply to a request, in httpd's merge order: [(name, lines, base)],
    base the directory of the .htaccess file the lines are in (None elsewhere).

    main, vhost: lines.  directories: [(abs dir path, lines)] in config order (<Directory>
    with a plain path).  htaccess: {abs dir path: HtAccess}.  dirmatch, files, locations, ifs:
    [Section] in config order (files and ifs: those at virtual-host level).

    Main server, virtual host; then for each directory from / down to the file's, its
    <Directory> sections then its .htaccess; then <DirectoryMatch> (fewest '/' first); then <Files>/<FilesMatch>
    (the virtual host's, then those of each .htaccess on the way down); then <Location>/
    <LocationMatch>; then <If> (the virtual host's, then the .htaccess ones on the way down)."""
    out = [('main server', main, None), ('virtual host', vhost, None)]
    dirs = []
    parts = filename.split('/')[1:-1]
    for i in range(len(parts) + 1):
        dirs.append('/' + '/'.join(parts[:i]) if i else '/')
    ht_files, ht_ifs = [], []
    for d in dirs:
        for path, lines in directories:
            if path.rstrip('/') == d.rstrip('/') or (d == '/' and path == '/'):
                out.append(('<Directory %s>' % path, lines, None))
        ht = htaccess.get(d)
        if ht is not None:
            out.append(('%s/.htaccess' % d, ht.lines, d))
            ht_files.extend((sec, d) for sec in ht.files)
            ht_ifs.extend((sec, d) for sec in ht.ifs)
    # httpd sorts directory sections (core.c, reorder_sorter): regexes after plain paths, then
    # by the number of '/' in what was written (the regex text itself), config order last.
    for sec in sorted(dirmatch, key=lambda sec: sec.pattern.count('/')):
        if sec.matches(filename, uri, query):
            out.append((sec.where or '<DirectoryMatch %s>' % sec.pattern, sec.lines, None))
    for sec, base in [(f, None) for f in files] + ht_files:
        if sec.matches(filename, uri, query):
            out.append((sec.where or '<%s %s>' % (sec.kind, sec.pattern), sec.lines, base))
    for sec in locations:
        if sec.matches(filename, uri, query):
            out.append((sec.where or '<%s %s>' % (sec.kind, sec.pattern), sec.lines, None))
    for sec, base in [(f, None) for f in ifs] + ht_ifs:
        if sec.matches(filename, uri, query):
            out.append((sec.where or '<If %s>' % sec.pattern, sec.lines, base))
    return out


def selftest():
    """The specification's own examples; raises AssertionError if the model drifts from them."""
    L = lambda *lines: [tuple(l.split(None, 1)) for l in lines]
    allowed = lambda levels, origin: merge(levels).origin_allowed(origin)
    top = L('CORSEnable On', 'CORSAllowOrigin https://*.example.com')
    assert allowed([top], 'https://a.b.example.com')
    assert not allowed([top], 'https://example.com')
    assert not allowed([top], 'https://evilexample.com')
    assert not allowed([top], 'https://example.com.evil.net')
    assert not allowed([top], 'https://a.example.com:8443')
    assert allowed([top], 'HTTPS://A.EXAMPLE.COM:443')
    # removals win over any allow, whatever kind, at any level of the chain
    assert not allowed([top, L('CORSAllowOrigin -https://app.example.com')], 'https://app.example.com')
    assert not allowed([L('CORSAllowOrigin https://app.example.com'), L('CORSAllowOrigin -https://*.example.com')],
                       'https://app.example.com')
    assert not allowed([L('CORSAllowOrigin https://pr-1.example.com',
                          r'CORSAllowOriginMatch -https://pr-[0-9]+\.example\.com')], 'https://pr-1.example.com')
    # a later +X cancels an earlier -X; a replacing level starts afresh
    assert allowed([top, L('CORSAllowOrigin -https://*.example.com'), L('CORSAllowOrigin +https://*.example.com')],
                   'https://a.example.com')
    assert allowed([L('CORSAllowOrigin -https://a.example.com'), L('CORSAllowOrigin https://a.example.com')],
                   'https://a.example.com')
    # '*' never matches null; a regex never does
    star = merge([L('CORSEnable On', 'CORSAllowOrigin *', 'CORSAllowOrigin -https://evil.example')])
    assert not star.fixed_star and not star.origin_allowed('null') and star.origin_allowed('https://x.example')
    assert not allowed([L(r'CORSAllowOriginMatch n[a-z]+l')], 'null')
    assert merge([L('CORSEnable On', 'CORSAllowOrigin *')]).fixed_star
    # methods: default, edits, case, GET/HEAD/POST always
    m = merge([L('CORSEnable On', 'CORSAllowOrigin *', 'CORSAllowMethods +delete +patch')])
    assert m.methods.allows == ['GET', 'HEAD', 'POST', 'DELETE', 'patch']
    assert m.method_allowed('Delete') and m.method_allowed('patch') and not m.method_allowed('PATCH')
    m = merge([L('CORSAllowMethods PUT'), L('CORSAllowMethods -put')])
    assert m.method_allowed('GET') and not m.method_allowed('PUT')
    # headers: '*' is not authorization; removal wins
    h = merge([L('CORSAllowHeaders *'), L('CORSAllowHeaders -X-Secret')])
    assert h.header_allowed('x-a') and not h.header_allowed('X-SECRET') and not h.header_allowed('authorization')
    # credentials with '*' in force are dropped
    assert not merge([L('CORSAllowCredentials On'), L('CORSAllowOrigin *')]).credentials
    assert merge([L('CORSAllowCredentials On'), L('CORSAllowOrigin *'), L('CORSAllowOrigin https://a.example')]).credentials
    # request headers' bounds
    assert parse_acrh(','.join(['x'] * 64)) is not None and parse_acrh(','.join(['x'] * 65)) is None
    assert parse_acrh(',' * 127) == [] and parse_acrh(',' * 128) is None
    # what a browser decides about a module that follows the policy
    v = lambda lines, req, cred=False: browser_verdict(merge([L(*lines)]), req, cred)
    assert v(['CORSAllowOrigin *'], Request('GET', 'https://a.example')) is True
    assert v(['CORSAllowOrigin *'], Request('GET', 'https://a.example'), True) is False
    assert v(['CORSAllowOrigin *'], Request('GET')) is None
    assert v(['CORSEnable Off', 'CORSAllowOrigin *'], Request('GET', 'https://a.example')) is None
    assert v(['CORSAllowOrigin https://a.example', 'CORSAllowCredentials On'],
             Request('GET', 'https://a.example'), True) is True
    assert v(['CORSAllowOrigin https://a.example'], Request('OPTIONS', 'https://a.example', 'PUT')) is False
    assert v(['CORSAllowOrigin https://a.example', 'CORSAllowMethods +PUT'],
             Request('OPTIONS', 'https://a.example', 'put', 'x-a')) is False
    assert v(['CORSAllowOrigin https://a.example', 'CORSAllowMethods +PUT', 'CORSAllowHeaders *'],
             Request('OPTIONS', 'https://a.example', 'put', 'x-a')) is True
    # an origin file named by an .htaccess file: through no link, whatever the link
    import shutil
    import tempfile
    d = tempfile.mkdtemp(prefix='cors-model-selftest-')
    try:
        os.makedirs(os.path.join(d, 'real'))
        for name in ('plain.txt', 'alt.txt', 'real/o.txt'):
            with open(os.path.join(d, name), 'w') as fh:
                fh.write('# a comment\nhttps://a.example.com\n')
        os.symlink('alt.txt', os.path.join(d, 'link.txt'))
        os.symlink('real', os.path.join(d, 'dir'))
        src = lambda path: parse_line('CORSAllowOriginFile', path, d)[0][1]
        assert src('plain.txt').matches(('https', 'a.example.com', None))
        assert src('real/o.txt').confined_state() == 'regular'
        for path in ('link.txt', 'dir/o.txt', 'missing.txt'):
            assert not src(path).items and src(path).confined_state() != 'regular', path
    finally:
        shutil.rmtree(d)
    # report-only and Timing-Allow-Origin: scalars, the nearer level wins
    o = 'https://a.example'
    pol = merge([L('CORSAllowOrigin https://a.example', 'CORSReportOnly On', 'CORSTimingAllowOrigin On')])
    a = answer(pol, Request('GET', o))
    assert not a.enabled and a.report and not a.headers and a.note == 'report-allowed'
    assert a.decided.headers['timing-allow-origin'] == o
    assert answer(pol, Request('OPTIONS', o, 'PUT')).note == 'report-refused-method'
    assert answer(pol, Request('GET')).note == '-'
    pol = merge([L('CORSAllowOrigin https://a.example', 'CORSReportOnly On', 'CORSTimingAllowOrigin On'),
                 L('CORSReportOnly off')])
    a = answer(pol, Request('GET', o))
    assert a.enabled and a.headers['timing-allow-origin'] == o and a.note == 'allowed'
    a = answer(pol, Request('OPTIONS', o, 'GET', 'x-a'))
    assert a.preflight and a.status == 403 and 'timing-allow-origin' not in a.headers
    assert a.note == 'refused-header'
    assert answer(pol, Request('GET', 'https://b.example')).note == 'refused-origin'
    a = answer(merge([L('CORSAllowOrigin *', 'CORSTimingAllowOrigin On')]), Request('GET'))
    assert a.headers['timing-allow-origin'] == '*' and a.note == '-'
    assert not answer(merge([L('CORSEnable Off', 'CORSReportOnly On')]), Request('GET', o)).report
    for bad in ('CORSReportOnly yes', 'CORSTimingAllowOrigin 1'):
        try:
            parse_level(L(bad))
            raise AssertionError('%s must be refused' % bad)
        except ConfigError:
            pass
    for bad in ('CORSAllowMethods GET +PUT', 'CORSAllowOrigin -*', 'CORSAllowMethods -GET', 'CORSAllowMethods TRACE'):
        try:
            parse_level(L(bad))
            raise AssertionError('%s must be refused' % bad)
        except ConfigError:
            pass


if __name__ == '__main__':
    selftest()
    print('cors_model: self-test passed')

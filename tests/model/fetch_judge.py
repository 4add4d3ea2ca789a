"""fetch_judge.py - what a browser decides, per the WHATWG Fetch Standard's CORS protocol.

Given what a script asked for (origin, method, request header names, credentials mode) and
the server's answers, say whether the browser lets the script read the response.  Only the
CORS parts of Fetch: the CORS check, the CORS-preflight fetch (status, Allow-Methods,
Allow-Headers), nothing about caches.

A response is (status, [(name, value), ...]) with the header lines as received.

How difftest.py uses it: on every request that carries an Origin, judge() on the module's
answer must give what cors_model.browser_verdict() says a browser decides under the policy
(the origin allowed or not; for a preflight also the method and every header asked for; with
credentials mode 'include', the credentials the policy gives and no '*').  A disagreement is
a failure of the case, whether or not the headers differed from the model's.  judge() on the
model's own headers must give the same (otherwise the model is at fault).

What it does not decide, and so what only the header-by-header comparison checks:
  - requests without an Origin: a browser applies no CORS check to them (same-origin
    requests, navigations), so judge() returns None;
  - locations where the policy is off: mod_cors adds nothing there; the verdict is on the
    site's own headers, not the policy's;
  - which response headers a script may read (Access-Control-Expose-Headers), Vary, and
    Access-Control-Max-Age or anything else about caches;
  - requests no browser would send (a malformed Origin, method or Access-Control-Request-
    Headers): they are judged as if sent, which refuses them on both sides.
"""
import re

TOKEN_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
SIX = ('DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT')
SAFELISTED_METHODS = ('GET', 'HEAD', 'POST')
NON_WILDCARD_REQUEST_HEADERS = ('authorization',)


class Verdict:
    def __init__(self, ok, why=''):
        self.ok, self.why = ok, why

    def __bool__(self):
        return self.ok

    def __eq__(self, other):
        return self.ok == other.ok

    def __str__(self):
        return 'pass' if self.ok else 'fail(%s)' % self.why


def normalise_method(m):
    """Fetch's "normalize a method": byte-uppercase the six, leave every other one alone."""
    return m.upper() if m.upper() in SIX else m


def get_combined(headers, name):
    """Fetch's "get": the values of every line named name, joined with ', '; None if none."""
    vals = [v for n, v in headers if n.lower() == name]
    return ', '.join(vals) if vals else None


def extract_list(headers, name):
    """Fetch's "extract header list values" for a #token header: None (absent), a list, or
    'failure' when an item is not a token."""
    v = get_combined(headers, name)
    if v is None:
        return None
    out = []
    for item in v.split(','):
        item = item.strip(' \t')
        if not item:
            continue
        if not TOKEN_RE.match(item):
            return 'failure'
        out.append(item)
    return out


def cors_check(origin, credentials, headers):
    """Fetch's CORS check on a response to a request from origin (the serialised origin, as
    the Origin header carried it) with credentials mode 'include' (True) or not."""
    acao = get_combined(headers, 'access-control-allow-origin')
    if acao is None:
        return Verdict(False, 'no Access-Control-Allow-Origin')
    if acao == '*' and not credentials:
        return Verdict(True)
    if acao == '*':
        return Verdict(False, "'*' with credentials")
    if acao != origin:
        return Verdict(False, 'Access-Control-Allow-Origin %r is not %r' % (acao, origin))
    if not credentials:
        return Verdict(True)
    acac = get_combined(headers, 'access-control-allow-credentials')
    if acac != 'true':
        return Verdict(False, 'Access-Control-Allow-Credentials is %r, not true' % acac)
    return Verdict(True)


def preflight(origin, method, header_names, credentials, status, headers):
    """Fetch's CORS-preflight fetch, steps after the response arrives: does it allow a
    request with method and header_names (the CORS-unsafe request-header names)?"""
    if status is None or not 200 <= status <= 299:
        return Verdict(False, 'preflight status %s is not ok' % status)
    v = cors_check(origin, credentials, headers)
    if not v:
        return v
    methods = extract_list(headers, 'access-control-allow-methods')
    names = extract_list(headers, 'access-control-allow-headers')
    if methods == 'failure':
        return Verdict(False, 'Access-Control-Allow-Methods has a non-token item')
    if names == 'failure':
        return Verdict(False, 'Access-Control-Allow-Headers has a non-token item')
    methods = methods or []
    names = names or []
    m = normalise_method(method)
    if m not in methods and m not in SAFELISTED_METHODS and (credentials or '*' not in methods):
        return Verdict(False, 'method %s is not allowed' % m)
    lowered = [n.lower() for n in names]
    for h in header_names:
        if h.lower() in NON_WILDCARD_REQUEST_HEADERS and h.lower() not in lowered:
            return Verdict(False, 'header %s must be listed by name' % h.lower())
    for h in header_names:
        if h.lower() not in lowered and (credentials or '*' not in names):
            return Verdict(False, 'header %s is not allowed' % h.lower())
    return Verdict(True)


def request_header_names(acrh):
    """The names a browser would have put in Access-Control-Request-Headers."""
    if acrh is None:
        return []
    return [n.strip(' \t') for n in acrh.split(',') if n.strip(' \t')]


def judge(origin, method, acrm, acrh, credentials, status, headers):
    """The verdict for one exchange: a preflight (method OPTIONS with origin and acrm) is judged
    as the preflight for a request with method acrm and the headers in acrh; any other
    request with an Origin by the CORS check.  None when the browser would not apply CORS."""
    if origin is None:
        return None
    if method == 'OPTIONS' and acrm:
        return preflight(origin, acrm, request_header_names(acrh), credentials, status, headers)
    return cors_check(origin, credentials, headers)


def selftest():
    """A few verdicts the Fetch Standard fixes; raises AssertionError if the judge drifts."""
    o = 'https://app.example.com'
    ok = lambda h, cred=False: bool(cors_check(o, cred, h))
    assert ok([('Access-Control-Allow-Origin', o)])
    assert ok([('Access-Control-Allow-Origin', '*')])
    assert not ok([('Access-Control-Allow-Origin', '*')], True)
    assert not ok([('Access-Control-Allow-Origin', o), ('Access-Control-Allow-Origin', o)])
    assert not ok([('Access-Control-Allow-Origin', o + '/')])
    assert not ok([('Access-Control-Allow-Origin', o)], True)
    assert not ok([('Access-Control-Allow-Origin', o), ('Access-Control-Allow-Credentials', 'TRUE')], True)
    assert ok([('Access-Control-Allow-Origin', o), ('Access-Control-Allow-Credentials', 'true')], True)
    pf = lambda m, names, cred, h, st=204: bool(preflight(
        o, m, names, cred, st, [('Access-Control-Allow-Origin', o)]
        + ([('Access-Control-Allow-Credentials', 'true')] if cred else []) + h))
    assert pf('GET', [], False, [])
    assert pf('get', [], True, [])                     # normalised, then safelisted
    assert not pf('PUT', [], False, [])
    assert not pf('PUT', [], False, [], 302)
    assert pf('PUT', [], False, [('Access-Control-Allow-Methods', 'GET, PUT')])
    assert not pf('PATCH', [], False, [('Access-Control-Allow-Methods', 'patch')])
    assert pf('PATCH', [], False, [('Access-Control-Allow-Methods', '*')])
    assert not pf('PATCH', [], True, [('Access-Control-Allow-Methods', '*')])
    assert not pf('GET', [], False, [('Access-Control-Allow-Methods', 'GET, P T')])
    assert pf('GET', [], False, [('Access-Control-Allow-Methods', 'GET,, ,PUT')])
    assert pf('GET', ['x-a'], False, [('Access-Control-Allow-Headers', '*')])
    assert not pf('GET', ['x-a'], True, [('Access-Control-Allow-Headers', '*')])
    assert not pf('GET', ['authorization'], False, [('Access-Control-Allow-Headers', '*')])
    assert pf('GET', ['authorization', 'x-a'], False, [('Access-Control-Allow-Headers', '*, Authorization')])
    assert pf('GET', ['X-A'], True, [('Access-Control-Allow-Headers', 'x-a')])
    assert not pf('GET', [], False, [('Access-Control-Allow-Headers', 'x(a)')])


if __name__ == '__main__':
    selftest()
    print('fetch_judge: self-test passed')

/* test_core.c - the policy core's unit tests: tables of input and the decision expected. */
#include <regex.h>
#include <stdlib.h>

#include <apr_file_io.h>
#include <apr_strings.h>

#include "cors.h"
#include "unit.h"

/* ---- helpers ------------------------------------------------------------------------- */

/* Items as a directive line gives them: "+x" adds, "-x" removes, anything else is plain.
 * Like httpd's cmd->temp_pool, the items' memory is scribbled over and freed once added, so a
 * set that kept a pointer into it fails the tests instead of working by luck. */
static cors_set *set_of(apr_pool_t *p, cors_set_kind kind, const char *line, const char **err)
{
    apr_pool_t *tmp;
    apr_array_header_t *items;
    cors_set *set = cors_set_make(p, kind);
    int i;

    apr_pool_create(&tmp, p);
    items = apr_array_make(tmp, 4, sizeof(const char *));
    *err = NULL;
    cors_split_items(tmp, line, items);
    for (i = 0; i < items->nelts && !*err; i++) {
        const char *it = APR_ARRAY_IDX(items, i, const char *);
        cors_edit e = it[0] == '+' ? CORS_ITEM_ADD : it[0] == '-' ? CORS_ITEM_REMOVE
                      : CORS_ITEM_PLAIN;
        *err = cors_set_add(p, set, e == CORS_ITEM_PLAIN ? it : it + 1, e);
    }
    if (*err) {
        *err = apr_pstrdup(p, *err);
    }
    for (i = 0; i < items->nelts; i++) {
        char *it = APR_ARRAY_IDX(items, i, char *);
        memset(it, '#', strlen(it));
    }
    apr_pool_destroy(tmp);
    return set;
}

/* A complete level, sealed as mod_cors seals its levels once they are read. */
static cors_set *must_set(apr_pool_t *p, unit_counts *u, cors_set_kind kind, const char *line)
{
    const char *err;
    cors_set *set = set_of(p, kind, line, &err);

    CHECK(u, err == NULL, "'%s' should load, got: %s", line, err ? err : "");
    cors_set_seal(p, set);
    return set;
}

static int posix_match(const void *re, const char *s, size_t len, apr_pool_t *p)
{
    regmatch_t m[1];

    (void)p;
    return regexec(re, s, 1, m, 0) == 0 && m[0].rm_so == 0 && (size_t)m[0].rm_eo == len;
}

static apr_status_t free_regex(void *re)
{
    regfree(re);
    return APR_SUCCESS;
}

static int add_regex(apr_pool_t *p, cors_set *set, const char *src, cors_edit e)
{
    regex_t *re = apr_palloc(p, sizeof(*re));
    int broad = 0;

    if (regcomp(re, apr_psprintf(p, "^(%s)$", src), REG_EXTENDED | REG_ICASE) != 0) {
        abort();
    }
    apr_pool_cleanup_register(p, re, free_regex, apr_pool_cleanup_null);
    if (cors_set_add_regex(p, set, src, posix_match, re, e, &broad) != NULL) {
        abort();
    }
    return broad;
}

/* Tests share one scratch pool for regex matching and sealing. */
static apr_pool_t *scratch;

static int allowed(const cors_set *set, const char *origin)
{
    const char *limited = NULL;

    return cors_origin_allowed(scratch, cors_set_sealed(scratch, set), origin, strlen(origin),
                               &limited) == 1;
}

/* ---- origin parsing -------------------------------------------------------------------- */

static void test_origin_parse(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *text;
        int flags;
        cors_origin_err err;
        const char *key;
    } cases[] = {
        { "https://app.example.com", 0, CORS_ORIGIN_OK, "https://app.example.com" },
        { "HTTPS://App.Example.COM", 0, CORS_ORIGIN_OK, "https://app.example.com" },
        { "https://x.com:443", 0, CORS_ORIGIN_OK, "https://x.com" },
        { "http://x.com:80", 0, CORS_ORIGIN_OK, "http://x.com" },
        { "http://x.com:443", 0, CORS_ORIGIN_OK, "http://x.com:443" },
        { "https://x.com:8443", 0, CORS_ORIGIN_OK, "https://x.com:8443" },
        { "wss://x.com:443", 0, CORS_ORIGIN_OK, "wss://x.com" },
        { "http://[::1]:8080", 0, CORS_ORIGIN_OK, "http://[::1]:8080" },
        { "http://[2001:DB8::1]", 0, CORS_ORIGIN_OK, "http://[2001:db8::1]" },
        { "http://127.0.0.1:3000", 0, CORS_ORIGIN_OK, "http://127.0.0.1:3000" },
        { "chrome-extension://abcdef", 0, CORS_ORIGIN_OK, "chrome-extension://abcdef" },
        { "https://xn--bcher-kva.example", 0, CORS_ORIGIN_OK, "https://xn--bcher-kva.example" },
        { "null", 0, CORS_ORIGIN_OK, "null" },
        { "NULL", CORS_ORIGIN_PATTERN, CORS_ORIGIN_OK, "null" },
        { "NULL", 0, CORS_ORIGIN_NO_SCHEME, NULL },
        { "*", CORS_ORIGIN_PATTERN, CORS_ORIGIN_OK, "*" },
        { "https://*.example.com", CORS_ORIGIN_PATTERN, CORS_ORIGIN_OK, "https://*.example.com" },
        { "https://*.Example.com:*", CORS_ORIGIN_PATTERN, CORS_ORIGIN_OK,
          "https://*.example.com:*" },
        { "http://localhost:*", CORS_ORIGIN_PATTERN, CORS_ORIGIN_OK, "http://localhost:*" },
        { "http://*.localhost", CORS_ORIGIN_PATTERN, CORS_ORIGIN_OK, "http://*.localhost" },
        /* What a configuration must not say, and what no browser sends. */
        { "", 0, CORS_ORIGIN_EMPTY, NULL },
        { "*", 0, CORS_ORIGIN_NO_SCHEME, NULL },
        { "app.example.com", 0, CORS_ORIGIN_NO_SCHEME, NULL },
        { "//app.example.com", 0, CORS_ORIGIN_NO_SCHEME, NULL },
        { "1http://x.com", 0, CORS_ORIGIN_BAD_SCHEME, NULL },
        { "https://x.com/", 0, CORS_ORIGIN_TRAILING_SLASH, NULL },
        { "https://x.com/api", 0, CORS_ORIGIN_PATH, NULL },
        { "https://x.com?a=1", 0, CORS_ORIGIN_QUERY, NULL },
        { "https://x.com#top", 0, CORS_ORIGIN_FRAGMENT, NULL },
        { "https://user:pw@x.com", 0, CORS_ORIGIN_USERINFO, NULL },
        { "https://x.com:0", 0, CORS_ORIGIN_BAD_PORT, NULL },
        { "https://x.com:65536", 0, CORS_ORIGIN_BAD_PORT, NULL },
        { "https://x.com:08080", 0, CORS_ORIGIN_BAD_PORT, NULL },
        { "https://x.com:", 0, CORS_ORIGIN_BAD_PORT, NULL },
        { "https://x.com:8a", 0, CORS_ORIGIN_BAD_PORT, NULL },
        { "https://x.com:*", 0, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://*.example.com", 0, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://a.*.example.com", CORS_ORIGIN_PATTERN, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://*example.com", CORS_ORIGIN_PATTERN, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://a*.example.com", CORS_ORIGIN_PATTERN, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://*", CORS_ORIGIN_PATTERN, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://*.*.example.com", CORS_ORIGIN_PATTERN, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://x.com:8*", CORS_ORIGIN_PATTERN, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://*.com", CORS_ORIGIN_PATTERN, CORS_ORIGIN_TOO_BROAD, NULL },
        { "https://x..com", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://x.com.", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://.x.com", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://x .com", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://x.com\t", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://b\xc3\xbc" "cher.example", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://x%2ecom", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "http://[::1", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "http://[zz::1]", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "http://[::1]x", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://a.com, https://b.com", 0, CORS_ORIGIN_BAD_HOST, NULL },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_origin o;
        char key[CORS_ORIGIN_MAX + 16];
        cors_origin_err err = cors_origin_parse(cases[i].text, strlen(cases[i].text),
                                                cases[i].flags, &o);
        CHECK(u, err == cases[i].err, "parse '%s' (flags %d): error %d, want %d",
              cases[i].text, cases[i].flags, (int)err, (int)cases[i].err);
        if (err == CORS_ORIGIN_OK && cases[i].key) {
            size_t n = cors_origin_key(&o, key, sizeof(key));
            CHECK(u, n == strlen(cases[i].key), "key length of '%s'", cases[i].text);
            CHECK_STR(u, key, cases[i].key, cases[i].text);
        }
        CHECK(u, cors_origin_strerror(err) != NULL, "every error has words");
    }
    {
        /* Longer than any origin: refused before it is scanned. */
        char *big = apr_palloc(p, 9000);
        cors_origin o;
        memset(big, 'a', 8999);
        memcpy(big, "https://", 8);
        big[8999] = '\0';
        CHECK(u, cors_origin_parse(big, 8999, 0, &o) == CORS_ORIGIN_TOO_LONG, "8 KB origin");
        CHECK(u, cors_origin_parse("https://a\0b.com", 15, 0, &o) == CORS_ORIGIN_BAD_HOST,
              "NUL inside an origin");
    }
}

/* ---- origin matching --------------------------------------------------------------------- */

static void test_origin_match(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *policy;
        const char *origin;
        int allowed;
    } cases[] = {
        { "https://app.example.com", "https://app.example.com", 1 },
        { "https://app.example.com", "https://APP.example.com", 1 },
        { "https://App.Example.com:443", "https://app.example.com", 1 },
        { "https://app.example.com", "https://app.example.com:443", 1 },
        { "https://app.example.com", "http://app.example.com", 0 },
        { "https://app.example.com", "https://app.example.com:8443", 0 },
        { "https://app.example.com", "https://app.example.com.evil.net", 0 },
        { "https://app.example.com", "https://evilapp.example.com", 0 },
        { "https://app.example.com", "https://app.example.co", 0 },
        { "https://app.example.com", "https://app.example.com/", 0 },
        { "https://app.example.com", "null", 0 },
        { "https://app.example.com", "", 0 },
        /* A list must never match across its items (once: https://barfoo.com). */
        { "https://foo.com https://bar.com", "https://barfoo.com", 0 },
        { "https://foo.com https://bar.com", "https://bar.com", 1 },
        { "https://foo.com,https://bar.com", "https://foo.com", 1 },
        /* Subdomain patterns: one or more labels, never the domain itself or look-alikes. */
        { "https://*.example.com", "https://a.example.com", 1 },
        { "https://*.example.com", "https://a.b.example.com", 1 },
        { "https://*.example.com", "https://example.com", 0 },
        { "https://*.example.com", "https://evilexample.com", 0 },
        { "https://*.example.com", "https://a.evilexample.com", 0 },
        { "https://*.example.com", "https://example.com.evil.net", 0 },
        { "https://*.example.com", "https://a.example.com.evil.net", 0 },
        { "https://*.example.com", "http://a.example.com", 0 },
        { "https://*.example.com", "https://a.example.com:8443", 0 },
        { "https://*.example.com:*", "https://a.example.com:8443", 1 },
        { "https://*.example.com:*", "https://a.example.com", 1 },
        { "https://*.example.com:8443", "https://a.example.com:8443", 1 },
        { "https://*.example.com:8443", "https://a.example.com", 0 },
        /* Any port. */
        { "http://localhost:*", "http://localhost:3000", 1 },
        { "http://localhost:*", "http://localhost", 1 },
        { "http://localhost:*", "https://localhost:3000", 0 },
        { "http://localhost:*", "http://localhost.evil.net:3000", 0 },
        { "http://localhost:*", "http://a.localhost:3000", 0 },
        /* "*" and "null". */
        { "*", "https://anything.example", 1 },
        { "*", "null", 0 },
        { "null", "null", 1 },
        { "* null", "null", 1 },
        { "https://*.example.com", "null", 0 },
        /* IPv6. */
        { "http://[::1]:8080", "http://[::1]:8080", 1 },
        { "http://[::1]:*", "http://[::1]:9", 1 },
        { "http://[::1]:8080", "http://[::2]:8080", 0 },
        { "http://*.example.com", "http://[::1]", 0 },
        /* Refusals inside a list: the specific item wins over the pattern. */
        { "https://*.example.com -https://evil.example.com", "https://evil.example.com", 0 },
        { "https://*.example.com -https://evil.example.com", "https://good.example.com", 1 },
        { "* -https://evil.example", "https://evil.example", 0 },
        { "* -https://evil.example", "https://good.example", 1 },
        /* A pattern is not an origin: sending one literally matches nothing. */
        { "https://*.example.com", "https://*.example.com", 0 },
        { "http://localhost:*", "http://localhost:*", 0 },
        { "*", "*", 0 },
        /* Hostile origins. */
        { "*", "https://a.com https://b.com", 0 },
        { "*", "https://a.com\r\nX-Evil: 1", 0 },
        { "*", "javascript:alert(1)", 0 },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_set *set = must_set(p, u, CORS_SET_ORIGINS, cases[i].policy);
        CHECK(u, allowed(set, cases[i].origin) == cases[i].allowed,
              "policy '%s', origin '%s': want %s", cases[i].policy, cases[i].origin,
              cases[i].allowed ? "allowed" : "refused");
    }
}

static void test_origin_regex(apr_pool_t *p, unit_counts *u)
{
    cors_set *set = cors_set_make(p, CORS_SET_ORIGINS);
    const char *err;

    /* The core anchors nothing itself: the matcher it is given must match the whole origin,
     * which posix_match (like mod_cors.c's) enforces even for an unanchored pattern. */
    add_regex(p, set, "https://[a-z0-9-]+\\.example\\.com", CORS_ITEM_PLAIN);
    CHECK(u, allowed(set, "https://pr-12.example.com"), "regex hit");
    CHECK(u, allowed(set, "https://PR-12.example.com"), "regex sees the normalised origin");
    CHECK(u, !allowed(set, "https://pr-12.example.com.evil.net"), "regex is anchored at the end");
    CHECK(u, !allowed(set, "https://evil.net/https://pr-12.example.com"), "anchored at start");
    CHECK(u, !allowed(set, "https://a.b.example.com"), "regex: no dots in the label");
    CHECK(u, cors_set_replaces(set), "a plain regex replaces the inherited list");

    set = set_of(p, CORS_SET_ORIGINS, "https://a.example.com", &err);
    add_regex(p, set, "https://b\\.example\\.com", CORS_ITEM_PLAIN);
    CHECK(u, allowed(set, "https://a.example.com") && allowed(set, "https://b.example.com"),
          "exact items and regexes of one level add up");
}

/* ---- merging levels ---------------------------------------------------------------------- */

static void test_origin_merge(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *base;
        const char *add;
        const char *origin;
        int allowed;
    } cases[] = {
        { "https://a.com", NULL, "https://a.com", 1 },
        { "https://a.com", "https://b.com", "https://a.com", 0 },
        { "https://a.com", "https://b.com", "https://b.com", 1 },
        { "https://a.com", "+https://b.com", "https://a.com", 1 },
        { "https://a.com", "+https://b.com", "https://b.com", 1 },
        { "https://a.com https://b.com", "-https://b.com", "https://b.com", 0 },
        { "https://a.com https://b.com", "-https://b.com", "https://a.com", 1 },
        { "https://*.example.com", "-https://admin.example.com", "https://admin.example.com", 0 },
        { "https://*.example.com", "-https://admin.example.com", "https://www.example.com", 1 },
        { "*", "-https://evil.com", "https://evil.com", 0 },
        { "-https://b.com", "+https://b.com", "https://b.com", 1 },
        { "https://a.com", "-https://a.com +https://c.com", "https://c.com", 1 },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const cors_set *base = must_set(p, u, CORS_SET_ORIGINS, cases[i].base);
        const cors_set *add = cases[i].add ? must_set(p, u, CORS_SET_ORIGINS, cases[i].add)
                              : NULL;
        const cors_set *merged = cors_set_merge(p, base, add);
        CHECK(u, allowed(merged, cases[i].origin) == cases[i].allowed,
              "base '%s' + '%s', origin '%s': want %s", cases[i].base,
              cases[i].add ? cases[i].add : "(nothing)", cases[i].origin,
              cases[i].allowed ? "allowed" : "refused");
    }
    {
        /* Three levels of edits: server, directory, .htaccess. */
        const cors_set *s = must_set(p, u, CORS_SET_ORIGINS, "https://a.com https://b.com");
        const cors_set *d = cors_set_merge(p, s, must_set(p, u, CORS_SET_ORIGINS,
                                                         "+https://c.com"));
        const cors_set *h = cors_set_merge(p, d, must_set(p, u, CORS_SET_ORIGINS,
                                                         "-https://a.com"));
        CHECK(u, !allowed(h, "https://a.com") && allowed(h, "https://b.com")
                 && allowed(h, "https://c.com"), "edits layer over three levels");
        CHECK(u, allowed(d, "https://a.com"), "a lower level's edit leaves its parent alone");
    }
    {
        const cors_set *any = must_set(p, u, CORS_SET_ORIGINS, "*");
        const cors_set *edited = cors_set_merge(p, any, must_set(p, u, CORS_SET_ORIGINS,
                                                                "-https://x.com"));
        CHECK(u, cors_set_is_any(any), "a plain * is a fixed answer");
        CHECK(u, cors_set_has_any(edited) && !cors_set_is_any(edited),
              "* with a refusal depends on the origin");
    }
}

/* httpd merges sections among themselves before merging the result onto the server's
 * defaults, so merging must be associative: S + (D1 + D2) == (S + D1) + D2. */
static void test_merge_associative(apr_pool_t *p, unit_counts *u)
{
    static const char *const origin_levels[] = {
        "https://a.test https://b.test", "+https://c.test -https://b.test", "https://d.test",
        "-https://a.test", "+https://*.e.test", "*", "-https://x.e.test +https://b.test",
    };
    static const char *const origin_probes[] = {
        "https://a.test", "https://b.test", "https://c.test", "https://d.test",
        "https://x.e.test", "https://y.e.test", "https://z.test",
    };
    static const char *const method_levels[] = { "GET PUT", "+DELETE", "-PUT", "*", "+PATCH -patch" };
    static const char *const method_probes[] = { "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH" };
    static const char *const header_levels[] = { "X-A X-B", "+X-C", "-X-A", "*", "+Authorization" };
    static const char *const header_probes[] = { "x-a", "x-b", "x-c", "x-d", "authorization" };
    size_t n = sizeof(origin_levels) / sizeof(origin_levels[0]), i, j, k, q;
    unsigned int bad = 0, checked = 0;

    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++) {
            for (k = 0; k < n; k++) {
                const cors_set *s = must_set(p, u, CORS_SET_ORIGINS, origin_levels[i]);
                const cors_set *d1 = must_set(p, u, CORS_SET_ORIGINS, origin_levels[j]);
                const cors_set *d2 = must_set(p, u, CORS_SET_ORIGINS, origin_levels[k]);
                const cors_set *left = cors_set_merge(p, cors_set_merge(p, s, d1), d2);
                const cors_set *right = cors_set_merge(p, s, cors_set_merge(p, d1, d2));
                for (q = 0; q < sizeof(origin_probes) / sizeof(origin_probes[0]); q++) {
                    checked++;
                    if (allowed(left, origin_probes[q]) != allowed(right, origin_probes[q])) {
                        bad++;
                        printf("origins '%s' + '%s' + '%s' differ for %s\n", origin_levels[i],
                               origin_levels[j], origin_levels[k], origin_probes[q]);
                    }
                }
            }
        }
    }
    n = sizeof(method_levels) / sizeof(method_levels[0]);
    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++) {
            for (k = 0; k < n; k++) {
                const cors_set *ms = must_set(p, u, CORS_SET_METHODS, method_levels[i]);
                const cors_set *m1 = must_set(p, u, CORS_SET_METHODS, method_levels[j]);
                const cors_set *m2 = must_set(p, u, CORS_SET_METHODS, method_levels[k]);
                const cors_set *hs = must_set(p, u, CORS_SET_HEADERS, header_levels[i]);
                const cors_set *h1 = must_set(p, u, CORS_SET_HEADERS, header_levels[j]);
                const cors_set *h2 = must_set(p, u, CORS_SET_HEADERS, header_levels[k]);
                const cors_set *ml = cors_set_merge(p, cors_set_merge(p, ms, m1), m2);
                const cors_set *mr = cors_set_merge(p, ms, cors_set_merge(p, m1, m2));
                const cors_set *hl = cors_set_merge(p, cors_set_merge(p, hs, h1), h2);
                const cors_set *hr = cors_set_merge(p, hs, cors_set_merge(p, h1, h2));
                const char *vl = cors_set_value(ml), *vr = cors_set_value(mr);
                for (q = 0; q < sizeof(method_probes) / sizeof(method_probes[0]); q++) {
                    const char *m = method_probes[q];
                    checked++;
                    bad += cors_method_allowed(ml, m, strlen(m)) != cors_method_allowed(mr, m, strlen(m));
                }
                for (q = 0; q < sizeof(header_probes) / sizeof(header_probes[0]); q++) {
                    const char *h = header_probes[q];
                    checked++;
                    bad += cors_header_allowed(hl, h, strlen(h)) != cors_header_allowed(hr, h, strlen(h));
                }
                checked++;
                if (!((vl == NULL && vr == NULL) || (vl && vr && strcmp(vl, vr) == 0))) {
                    bad++;
                    printf("methods '%s' + '%s' + '%s': '%s' vs '%s'\n", method_levels[i],
                           method_levels[j], method_levels[k], vl ? vl : "", vr ? vr : "");
                }
            }
        }
    }
    CHECK(u, bad == 0, "merging is associative: %u of %u lookups differ", bad, checked);
}

static void test_many_origins(apr_pool_t *p, unit_counts *u)
{
    cors_set *set = cors_set_make(p, CORS_SET_ORIGINS);
    char buf[64];
    int i, bad = 0;

    for (i = 0; i < 10000; i++) {
        snprintf(buf, sizeof(buf), "https://tenant%d.example.net", i);
        bad += cors_set_add(p, set, apr_pstrdup(p, buf), CORS_ITEM_PLAIN) != NULL;
    }
    CHECK(u, bad == 0, "10,000 origins load");
    CHECK(u, cors_set_count(set) == 10000, "10,000 origins counted");
    CHECK(u, allowed(set, "https://tenant0.example.net"), "first of 10,000");
    CHECK(u, allowed(set, "https://tenant9999.example.net"), "last of 10,000");
    CHECK(u, !allowed(set, "https://tenant10000.example.net"), "one past the last");
    CHECK(u, !allowed(set, "https://tenant1.example.net.evil"), "suffix trick");
}

/* ---- the precedence rule: a removal in force wins, whatever kind of item allows ---------- */

static int limit_match(const void *re, const char *s, size_t len, apr_pool_t *p)
{
    (void)re;
    (void)s;
    (void)len;
    (void)p;
    return -1;
}

static void test_removal_wins(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *base;       /* items of the upper level */
        const char *base_re;    /* and a regex there ("-" prefix: a removal), or NULL */
        const char *add;        /* items of the lower level, or NULL */
        const char *origin;
        int allowed;
    } cases[] = {
        { "https://*.example.com", "-https://[^.]+\\.staging\\.example\\.com", NULL,
          "https://www.staging.example.com", 0 },
        { "https://*.example.com", "-https://[^.]+\\.staging\\.example\\.com", NULL,
          "https://www.example.com", 1 },
        { "http://localhost:*", "-http://localhost:(6379|9200)", NULL, "http://localhost:6379", 0 },
        { "http://localhost:*", "-http://localhost:(6379|9200)", NULL, "http://localhost:3000", 1 },
        { "https://app.example.com -https://*.example.com", NULL, NULL, "https://app.example.com", 0 },
        { "* -https://*.evil.com", NULL, NULL, "https://a.evil.com", 0 },
        { "* -https://*.evil.com", NULL, NULL, "https://a.good.com", 1 },
        { "* -http://localhost:*", NULL, NULL, "http://localhost:8080", 0 },
        { "https://a.example.com", "+https://.*", NULL, "https://b.test", 1 },
        { "https://a.example.com -https://a.example.com", "+https://a\\.example\\.com", NULL,
          "https://a.example.com", 0 },
        /* Across levels: a removal above beats any kind of allowance below ... */
        { "* -https://evil.example.com", NULL, "+https://*.example.com",
          "https://evil.example.com", 0 },
        { "https://*.example.com -https://admin.example.com", NULL, "+http://admin.example.com:*",
          "https://admin.example.com", 0 },
        { "https://a.test", "-https://b\\.test", "+https://b.test", "https://b.test", 0 },
        /* ... unless the lower level names the same item again. */
        { "https://a.test -https://b.test", NULL, "+https://b.test", "https://b.test", 1 },
        { "*", "-https://b\\.test", NULL, "https://b.test", 0 },
        /* A removal below beats an allowance above. */
        { "https://x.a.test https://b.test", NULL, "-https://*.a.test", "https://x.a.test", 0 },
        /* "null" only through a "null" item. */
        { "* null", "-.*", NULL, "null", 1 },
        { "null", NULL, "-null", "null", 0 },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *err;
        cors_set *base = set_of(p, CORS_SET_ORIGINS, cases[i].base, &err);
        const cors_set *merged;
        if (cases[i].base_re) {
            const char *re = cases[i].base_re;
            add_regex(p, base, re + 1, re[0] == '-' ? CORS_ITEM_REMOVE : CORS_ITEM_ADD);
        }
        merged = cors_set_merge(p, base, cases[i].add ? must_set(p, u, CORS_SET_ORIGINS,
                                                                 cases[i].add) : NULL);
        CHECK(u, allowed(merged, cases[i].origin) == cases[i].allowed,
              "'%s' %s%s + '%s', origin '%s': want %s", cases[i].base,
              cases[i].base_re ? "regex " : "", cases[i].base_re ? cases[i].base_re : "",
              cases[i].add ? cases[i].add : "", cases[i].origin,
              cases[i].allowed ? "allowed" : "refused");
    }
    {
        /* A removal taken back by the same item below leaves a fixed "*". */
        const cors_set *m = cors_set_merge(p, must_set(p, u, CORS_SET_ORIGINS,
                                                       "* -https://a.test"),
                                           must_set(p, u, CORS_SET_ORIGINS, "+https://a.test"));
        CHECK(u, cors_set_is_any(m), "'* -a' then '+a' is a fixed * again");
    }
    {
        /* A regex at its match limit refuses, and says which. */
        cors_set *set = set_of(p, CORS_SET_ORIGINS, "https://a.test", &(const char *){ NULL });
        const char *limited = NULL;
        int broad;
        cors_set_add_regex(p, set, "(a+)+", limit_match, NULL, CORS_ITEM_ADD, &broad);
        CHECK(u, cors_origin_allowed(p, cors_set_sealed(p, set), "https://b.test", 14, &limited)
                 == -1 && limited && strcmp(limited, "(a+)+") == 0,
              "a regex at its limit refuses with its source");
        CHECK(u, cors_origin_allowed(p, cors_set_sealed(p, set), "https://a.test", 14, &limited)
                 == 1, "an exact item settles it before any regex runs");
    }
}

static void test_broad_regex(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *re;
        int broad;
    } cases[] = {
        { ".*", 1 }, { "x|.*", 1 }, { "https?://.*", 1 }, { "https://.+", 1 },
        { "(https|http)://[^/]*", 1 }, { "https://[a-z0-9.-]+", 1 },
        { "https://[a-z]+\\.[a-z]+", 1 }, { "https://.*\\.com", 1 }, { "https://.*\\.github\\.io", 1 },
        { "https?://[a-z]+\\.(com|net)", 1 },
        { "https://[a-z]+\\.mycompany\\.com", 0 }, { "https://(www|app)\\.corsprobe\\.example", 0 },
        /* Found by the second outside review: shapes only the regex's own literals reveal. */
        { "https://[a-z0-9-]+\\.vercel\\.app", 1 }, { "https://[a-z0-9-]+\\.pages\\.dev", 1 },
        { "https://(.*)\\.example\\.com(.*)", 1 }, { "https://[a-z.]*example\\.com", 1 },
        { "https://.*example\\.com.*", 1 }, { "https://.*:8443", 1 },
        { "https://[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+", 1 }, { "https://.*\\.(xyz|me|co|de)", 1 },
        { "https://pr-[0-9]+\\.preview\\.example\\.com", 0 },
        { "https://(a|b|c)\\.example\\.com:8443", 0 }, { "http://192\\.168\\.1\\.[0-9]+", 0 },
        { "https://[a-z0-9-]+\\.example\\.com", 0 }, { "https://(a|b)\\.example\\.net", 0 },
        { "http://localhost:[0-9]+", 0 },
        /* 1.3.1 (G14): any label after the literal domain is a name anyone can register. */
        { "^https://app\\.example\\.[a-z]+$", 1 }, { "https://app\\.example\\.[a-z]{2,6}", 1 },
        { "https://app\\.example\\.(com|[a-z]{2,})", 1 }, { "^https://app\\.example\\.\\w+$", 1 },
        { "https://app\\.example\\.(.+)", 1 }, { "https://(.+)\\.example\\.(.+)", 1 },
        { "https://[a-z]+\\.example\\.[a-z]+", 1 }, { "https://app\\.example\\.[a-z]+:8443", 1 },
        { "https?://app\\.example\\.[a-z0-9-]+(:[0-9]+)?", 1 }, { "https://app\\.[a-z]+", 1 },
        { "https://app\\.example\\.com\\.[a-z]+", 1 }, { "https://(www\\.)?example\\.[a-z]{3}", 1 },
        { "^https://app\\.example\\.(com|org)$", 0 }, { "^https://[a-z0-9-]+\\.example\\.com$", 0 },
        { "^https://pr-[0-9]+\\.preview\\.example\\.com$", 0 },
        { "^https://app\\.(staging|prod)\\.example\\.com$", 0 },
        { "^https://[a-z]+\\.example\\.(com|net)$", 0 }, { "^https://(.+)\\.example\\.com$", 0 },
        { "^https://app\\.example\\.com(:[0-9]+)?$", 0 },
        { "^https://app[.]example[.][a-z]+$", 1 }, { "^https://[a-z]+[.]vercel[.]app$", 1 },
        { "^https://app[.]example[.](com|org)$", 0 },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_set *set = cors_set_make(p, CORS_SET_ORIGINS);
        int broad = add_regex(p, set, cases[i].re, CORS_ITEM_PLAIN);
        cors_policy *pol = cors_policy_make(p);
        CHECK(u, broad == cases[i].broad, "regex '%s': broad %d", cases[i].re, broad);
        pol->origins = set;
        pol->credentials = 1;
        CHECK(u, (cors_policy_conflict(pol) != NULL) == cases[i].broad,
              "regex '%s' with credentials: conflict %s", cases[i].re,
              cases[i].broad ? "expected" : "not expected");
    }
}

static void test_warnings(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *origins;
        int credentials;
        const char *needle;     /* NULL: no warning */
    } cases[] = {
        { "http://app.example.com", 1, "'http://app.example.com' is allowed with" },
        { "https://app.example.com http://*.example.net:*", 1, "http://*.example.net:*" },
        { "http://localhost:* http://127.0.0.1:8080 http://[::1]:3000 http://a.localhost", 1, NULL },
        { "http://app.example.com", 0, NULL },
        { "https://app.example.com", 1, NULL },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_policy *pol = cors_policy_make(p);
        apr_array_header_t *out = apr_array_make(p, 2, sizeof(const char *));
        pol->origins = must_set(p, u, CORS_SET_ORIGINS, cases[i].origins);
        pol->credentials = cases[i].credentials;
        cors_policy_warnings(p, cors_policy_sealed(p, pol), out);
        if (cases[i].needle) {
            CHECK(u, out->nelts == 1 && strstr(APR_ARRAY_IDX(out, 0, const char *),
                                               cases[i].needle),
                  "'%s': want a warning naming %s", cases[i].origins, cases[i].needle);
        }
        else {
            CHECK(u, out->nelts == 0, "'%s': no warning expected", cases[i].origins);
        }
    }
}

/* Reading a level is linear: a long .htaccess line of repeated names costs what it holds. */
/* Sections of +/- edits merged one onto the other: up to CORS_MERGED_EDITS_MAX edits in force
 * the list is what they say; past it, it allows nothing, and the policy says why. */
static void test_merged_edits(apr_pool_t *p, unit_counts *u)
{
    cors_policy *pol = cors_policy_make(p);
    const cors_policy *merged;
    int level, i;
    char name[32];

    pol->headers = cors_set_make(p, CORS_SET_HEADERS);
    cors_set_add(p, pol->headers, "X-Base", CORS_ITEM_PLAIN);
    merged = cors_policy_merge(p, cors_policy_make(p), pol);
    for (level = 1; level <= CORS_MERGED_EDITS_MAX / CORS_LIST_MAX + 1; level++) {
        cors_policy *add = cors_policy_make(p);
        add->headers = cors_set_make(p, CORS_SET_HEADERS);
        for (i = 0; i < CORS_LIST_MAX; i++) {
            snprintf(name, sizeof(name), "X-%d-%d", level, i);
            cors_set_add(p, add->headers, apr_pstrdup(p, name), CORS_ITEM_ADD);
        }
        merged = cors_policy_merge(p, merged, add);
        if (level == CORS_MERGED_EDITS_MAX / CORS_LIST_MAX - 1) {
            CHECK(u, cors_header_allowed(merged->headers, "x-1-7", 5)
                     && cors_header_allowed(merged->headers, "x-base", 6)
                     && cors_policy_overflow(merged) == NULL,
                  "%d levels of 256 edits: every name allowed", level);
        }
    }
    CHECK(u, !cors_header_allowed(merged->headers, "x-1-7", 5)
             && !cors_header_allowed(merged->headers, "x-base", 6),
          "past %d edits in force the merged list allows nothing", CORS_MERGED_EDITS_MAX);
    CHECK(u, cors_policy_overflow(merged) && strstr(cors_policy_overflow(merged),
                                                     "more than 512 CORSAllowHeaders"),
          "... and says why: %s", cors_policy_overflow(merged) ? cors_policy_overflow(merged)
                                                               : "(nothing)");
    pol = cors_policy_make(p);
    pol->headers = cors_set_make(p, CORS_SET_HEADERS);
    cors_set_add(p, pol->headers, "X-Whole", CORS_ITEM_PLAIN);
    merged = cors_policy_merge(p, merged, pol);
    CHECK(u, cors_header_allowed(merged->headers, "x-whole", 7) && !cors_policy_overflow(merged),
          "a whole list below starts afresh");
    /* Origins: levels of "+origin" layered one on another, up to CORS_MERGED_LAYERS_MAX. */
    merged = cors_policy_make(p);
    for (level = 1; level <= CORS_MERGED_LAYERS_MAX + 1; level++) {
        cors_policy *add = cors_policy_make(p);
        add->origins = cors_set_make(p, CORS_SET_ORIGINS);
        snprintf(name, sizeof(name), "https://o%d.example", level);
        cors_set_add(p, add->origins, apr_pstrdup(p, name), level == 1 ? CORS_ITEM_PLAIN
                                                                       : CORS_ITEM_ADD);
        merged = cors_policy_merge(p, merged, add);
        if (level == CORS_MERGED_LAYERS_MAX) {
            CHECK(u, cors_origin_allowed(p, merged->origins, "https://o1.example", 18, NULL) == 1
                     && cors_origin_allowed(p, merged->origins, "https://o64.example", 19,
                                            NULL) == 1 && !cors_policy_overflow(merged),
                  "%d origin layers: every origin allowed", level);
        }
    }
    CHECK(u, cors_origin_allowed(p, merged->origins, "https://o1.example", 18, NULL) == 0
             && cors_policy_overflow(merged)
             && strstr(cors_policy_overflow(merged), "CORSAllowOrigin"),
          "one layer more: no origin allowed, and the policy says why");
}

static void test_bounds(apr_pool_t *p, unit_counts *u)
{
    cors_set *set = cors_set_make(p, CORS_SET_HEADERS);
    char name[32];
    const char *err = NULL;
    int i;

    for (i = 1; i <= CORS_LIST_MAX && !err; i++) {
        snprintf(name, sizeof(name), "X-H%d", i);
        err = cors_set_add(p, set, apr_pstrdup(p, name), CORS_ITEM_PLAIN);
    }
    CHECK(u, err == NULL, "%d header names load", CORS_LIST_MAX);
    err = cors_set_add(p, set, "X-H1", CORS_ITEM_REMOVE);
    CHECK(u, err == NULL, "a name already there does not count again");
    err = cors_set_add(p, set, "X-One-Too-Many", CORS_ITEM_PLAIN);
    CHECK(u, err && strstr(err, "more than 256 header names"), "one more is refused: %s",
          err ? err : "(accepted)");

    set = cors_set_make(p, CORS_SET_METHODS);
    for (i = 0; i < 200000; i++) {
        cors_set_add(p, set, (i & 1) ? "PUT" : "patch", (i % 3) ? CORS_ITEM_ADD : CORS_ITEM_REMOVE);
    }
    cors_set_seal(p, set);
    CHECK(u, cors_method_allowed(set, "PUT", 3) && !cors_method_allowed(set, "patch", 5),
          "200,000 edits of two names: the last of each decides");
    CHECK_STR(u, cors_set_value(set), "GET, HEAD, POST, PUT", "... and the value lists each once");

    set = cors_set_make(p, CORS_SET_METHODS);
    CHECK(u, cors_set_add(p, set, "A", CORS_ITEM_PLAIN) == NULL
             && cors_set_add(p, set, apr_pstrndup(p, "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
                                                "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
                                                "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", 129),
                             CORS_ITEM_PLAIN) != NULL,
          "a method name longer than any browser sends is refused");
}

/* Methods: the six browsers upper-case fold case; removals match any case; GET, HEAD and
 * POST are never refused. */
static void test_method_case(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *list;
        const char *method;
        int allowed;
    } cases[] = {
        { "* -PATCH", "patch", 0 }, { "* -PATCH", "PATCH", 0 }, { "* -PATCH", "Patch", 0 },
        { "* -PATCH", "PUT", 1 }, { "* -patch", "PATCH", 0 },
        { "PATCH -patch", "PATCH", 0 },
        { "delete put", "DELETE", 1 }, { "delete put", "delete", 1 }, { "delete put", "PUT", 1 },
        { "PATCH", "patch", 0 }, { "patch", "PATCH", 0 }, { "patch", "patch", 1 },
        { "PUT", "GET", 1 }, { "PUT", "get", 1 }, { "PUT", "HEAD", 1 }, { "PUT", "POST", 1 },
        { "PUT", "OPTIONS", 0 }, { "options", "OPTIONS", 1 },
        { "-PUT", "PUT", 0 }, { "* -PUT +put", "PUT", 1 },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const cors_set *m = must_set(p, u, CORS_SET_METHODS, cases[i].list);
        CHECK(u, cors_method_allowed(m, cases[i].method, strlen(cases[i].method))
                 == cases[i].allowed, "methods '%s', %s: want %s", cases[i].list,
              cases[i].method, cases[i].allowed ? "allowed" : "refused");
    }
    CHECK_STR(u, cors_set_value(must_set(p, u, CORS_SET_METHODS, "delete put patch")),
              "DELETE, PUT, patch", "the six are sent upper-case, others as written");
    CHECK_STR(u, cors_set_value(must_set(p, u, CORS_SET_METHODS, "PUT patch -PATCH")),
              "PUT", "a removed method is not listed");
}

/* A wildcard over a domain that holds public suffixes: the list's text, read once. */
static void test_suffixes_below(apr_pool_t *p, unit_counts *u)
{
    char path[] = "/tmp/cors-psl-XXXXXX";
    apr_file_t *f;
    const cors_psl_below *below;
    const char *text = "// comment\ncom\n*.compute.amazonaws.com\ns3.amazonaws.com\n"
                       "!city.kawasaki.jp\n*.kawasaki.jp\nGLOBAL.SSL.Fastly.net\n";
    apr_size_t len = strlen(text);

    if (apr_file_mktemp(&f, path, APR_FOPEN_CREATE | APR_FOPEN_WRITE | APR_FOPEN_EXCL, p)
        != APR_SUCCESS) {
        CHECK(u, 0, "a temporary list file");
        return;
    }
    apr_file_write_full(f, text, len, NULL);
    apr_file_close(f);
    below = cors_psl_below_load(p, path);
    apr_file_remove(path, p);
    CHECK(u, below != NULL, "the list loads");
    CHECK_STR(u, cors_psl_suffix_below(below, "amazonaws.com", 13), "*.compute.amazonaws.com",
              "amazonaws.com holds suffixes");
    CHECK(u, cors_psl_suffix_below(below, "compute.amazonaws.com", 21) != NULL,
          "a '*.' rule's own domain holds them");
    CHECK(u, cors_psl_suffix_below(below, "Fastly.NET", 10) != NULL, "any case");
    CHECK(u, cors_psl_suffix_below(below, "ssl.fastly.net", 14) != NULL, "every level above");
    CHECK(u, cors_psl_suffix_below(below, "example.com", 11) == NULL, "an ordinary domain");
    CHECK(u, cors_psl_suffix_below(below, "kawasaki.jp", 11) != NULL, "wildcard rules count");
    CHECK(u, cors_psl_suffix_below(below, "city.kawasaki.jp", 16) == NULL,
          "an exception is not a suffix");
    CHECK(u, cors_psl_below_load(p, "/nonexistent/list.dat") == NULL, "a missing list: NULL");
    CHECK(u, cors_psl_suffix_below(NULL, "amazonaws.com", 13) == NULL, "... checks nothing");
}

/* ---- configuration errors ------------------------------------------------------------- */

static void test_config_errors(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        cors_set_kind kind;
        const char *line;
        const char *needle;     /* part of the message */
    } cases[] = {
        { CORS_SET_ORIGINS, "https://a.com/", "write 'https://a.com'" },
        { CORS_SET_ORIGINS, "https://a.com/api", "has a path" },
        { CORS_SET_ORIGINS, "https://a.com?x", "query" },
        { CORS_SET_ORIGINS, "https://a.com#x", "fragment" },
        { CORS_SET_ORIGINS, "https://u@a.com", "user information" },
        { CORS_SET_ORIGINS, "a.com", "no scheme" },
        { CORS_SET_ORIGINS, "https://a.com:70000", "port" },
        { CORS_SET_ORIGINS, "https://a.*.com", "'*'" },
        { CORS_SET_ORIGINS, "https://*.com", "too broad" },
        { CORS_SET_METHODS, "GET P(UT", "not a valid HTTP method" },
        { CORS_SET_METHODS, "CONNECT", "never allow" },
        { CORS_SET_METHODS, "trace", "never allow" },
        { CORS_SET_METHODS, "TRACK", "never allow" },
        { CORS_SET_HEADERS, "X-Ok X:Bad", "not a valid HTTP header name" },
        { CORS_SET_HEADERS, "X-Ok X\"Bad", "'X\"Bad'" },
        { CORS_SET_METHODS, "-GET", "CORS cannot refuse GET, HEAD or POST" },
        { CORS_SET_METHODS, "* -head", "CORS cannot refuse" },
        { CORS_SET_METHODS, "-Post", "CORS cannot refuse" },
        { CORS_SET_ORIGINS, "-*", "cannot be taken away" },
        { CORS_SET_HEADERS, "-*", "cannot be taken away" },
        { CORS_SET_ORIGINS, "https://*.github.io", "public suffix" },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *err;
        set_of(p, cases[i].kind, cases[i].line, &err);
        CHECK(u, err && strstr(err, cases[i].needle), "'%s' should fail with '%s', got: %s",
              cases[i].line, cases[i].needle, err ? err : "(accepted)");
    }
}

/* ---- methods and headers ------------------------------------------------------------- */

static void test_tokens(apr_pool_t *p, unit_counts *u)
{
    cors_set *m = must_set(p, u, CORS_SET_METHODS, "GET, POST PUT patch");
    cors_set *h = must_set(p, u, CORS_SET_HEADERS, "Content-Type, X-Api-Key");
    cors_set *star = must_set(p, u, CORS_SET_HEADERS, "*");
    const cors_set *flat;

    CHECK(u, cors_method_allowed(m, "PUT", 3), "PUT listed");
    CHECK(u, cors_method_allowed(m, "put", 3), "the six browser-normalised methods fold case");
    CHECK(u, cors_method_allowed(m, "patch", 5), "patch as written");
    CHECK(u, !cors_method_allowed(m, "PATCH", 5), "PATCH is not patch");
    CHECK(u, cors_method_allowed(m, "HEAD", 4), "HEAD can never be refused by the list");
    CHECK(u, cors_method_allowed(NULL, "HEAD", 4), "default GET HEAD POST");
    CHECK(u, !cors_method_allowed(NULL, "PUT", 3), "default has no PUT");
    CHECK_STR(u, cors_set_value(m), "GET, POST, PUT, patch", "methods value");

    CHECK(u, cors_header_allowed(h, "content-type", 12), "headers are case-insensitive");
    CHECK(u, cors_header_allowed(h, "x-api-key", 9), "x-api-key");
    CHECK(u, !cors_header_allowed(h, "x-other", 7), "unlisted header");
    CHECK_STR(u, cors_set_value(h), "Content-Type, X-Api-Key", "headers value: the admin's spelling");
    CHECK(u, cors_header_allowed(star, "x-anything", 10), "* covers any header");
    CHECK_STR(u, cors_set_value(must_set(p, u, CORS_SET_HEADERS, "X-Trace-Id x-trace-id X-TRACE-ID")),
              "X-Trace-Id", "a header written in several spellings is sent once, as first written");
    CHECK(u, !cors_header_allowed(star, "authorization", 13), "* never covers authorization");
    CHECK(u, !cors_header_allowed(NULL, "x-a", 3), "no headers configured");

    flat = cors_set_merge(p, must_set(p, u, CORS_SET_METHODS, "+PUT"), NULL);
    CHECK(u, cors_method_allowed(flat, "GET", 3) && cors_method_allowed(flat, "PUT", 3),
          "an edit with nothing above edits the default");
    CHECK_STR(u, cors_set_value(flat), "GET, HEAD, POST, PUT", "default + PUT");

    flat = cors_set_merge(p, must_set(p, u, CORS_SET_METHODS, "GET PUT"),
                          must_set(p, u, CORS_SET_METHODS, "+DELETE -PUT"));
    CHECK(u, cors_method_allowed(flat, "DELETE", 6) && !cors_method_allowed(flat, "PUT", 3),
          "edits on an inherited list");
    CHECK_STR(u, cors_set_value(flat), "GET, DELETE", "edited value");

    flat = cors_set_merge(p, must_set(p, u, CORS_SET_METHODS, "+PUT"),
                          must_set(p, u, CORS_SET_METHODS, "+PATCH"));
    CHECK_STR(u, cors_set_value(flat), "GET, HEAD, POST, PUT, PATCH", "edits of edits");

    flat = cors_set_merge(p, must_set(p, u, CORS_SET_HEADERS, "*"),
                          must_set(p, u, CORS_SET_HEADERS, "-X-Secret"));
    CHECK(u, !cors_header_allowed(flat, "x-secret", 8) && cors_header_allowed(flat, "x-a", 3),
          "* minus one header");
    CHECK(u, !cors_set_is_any(flat), "* minus one is not a fixed *");
}

/* ---- Access-Control-Request-Headers ------------------------------------------------------ */

typedef struct {
    char seen[512];
} collected;

static int collect(void *baton, const char *name, size_t len)
{
    collected *c = baton;
    size_t n = strlen(c->seen);

    if (n + len + 2 < sizeof(c->seen)) {
        if (n) {
            c->seen[n++] = '|';
        }
        memcpy(c->seen + n, name, len);
        c->seen[n + len] = '\0';
    }
    return 0;
}

/* Names of every length up to 64, each differing from the next only in its last byte: the
 * sets' hash reads the last bytes of a key separately, and must tell them all apart. */
static void test_hash_tails(apr_pool_t *p, unit_counts *u)
{
    cors_set *headers = cors_set_make(p, CORS_SET_HEADERS);
    char name[66];
    size_t len;

    for (len = 1; len <= 64; len++) {
        memset(name, 'a', len);
        name[len - 1] = 'b';
        name[len] = '\0';
        cors_set_add(p, headers, name, CORS_ITEM_PLAIN);
    }
    cors_set_seal(p, headers);
    for (len = 1; len <= 64; len++) {
        memset(name, 'a', len);
        name[len - 1] = 'b';
        CHECK(u, cors_header_allowed(headers, name, len), "length %u found", (unsigned)len);
        name[len - 1] = 'c';
        CHECK(u, !cors_header_allowed(headers, name, len), "length %u, last byte changed, not "
              "found", (unsigned)len);
    }
}

static void test_request_headers(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *value;
        const char *names;      /* '|'-joined, or NULL when refused */
    } cases[] = {
        { "content-type,x-a", "content-type|x-a" },
        { " content-type , X-A ", "content-type|X-A" },
        { ",,content-type,,", "content-type" },
        { "", "" },
        { "   ", "" },
        { "a b", NULL },
        { "x-a,x:b", NULL },
        { "x-a,\"b\"", NULL },
        { "\tx-a\t,\tx-b", "x-a|x-b" },
        { "x-a ,x-b", "x-a|x-b" },
        { "x-a, ,x-b,", "x-a|x-b" },
        { "x-a x-b", NULL },
        { "x-a,x-\xc3\xa9", NULL },
        { "x-a;", NULL },
        { "x-a,\x01", NULL },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        collected c;
        unsigned int elements = 0, names = 0;
        const char *err;
        c.seen[0] = '\0';
        err = cors_each_request_header(cases[i].value, &elements, &names, collect, &c);
        if (cases[i].names) {
            /* The request path's variant: the same names, lower-cased as they are read. */
            collected lc;
            unsigned int el = 0, nm = 0;
            size_t k;
            char *want = apr_pstrdup(p, cases[i].names);
            const char *lerr;
            lc.seen[0] = '\0';
            lerr = cors_each_request_header_lower(cases[i].value, &el, &nm, collect, &lc);
            for (k = 0; want[k]; k++) {
                want[k] = (char)(want[k] >= 'A' && want[k] <= 'Z' ? want[k] + 32 : want[k]);
            }
            CHECK(u, lerr == NULL && el == elements && nm == names,
                  "'%s': the lower-casing reader agrees", cases[i].value);
            CHECK_STR(u, lc.seen, want, cases[i].value);
            CHECK(u, err == NULL, "'%s' should parse: %s", cases[i].value, err ? err : "");
            CHECK_STR(u, c.seen, cases[i].names, cases[i].value);
        }
        else {
            collected lc;
            unsigned int el = 0, nm = 0;
            CHECK(u, err != NULL, "'%s' should be refused", cases[i].value);
            CHECK(u, cors_each_request_header_lower(cases[i].value, &el, &nm, collect, &lc)
                     != NULL, "'%s' is refused lower-cased too", cases[i].value);
        }
    }
    {
        /* A header of 8 KB of commas, of 1,000 names, of one 8 KB name: refused after a
         * bounded look, never scanned to the end. */
        char *commas = apr_palloc(p, 8193), *names1000, *longname = apr_palloc(p, 8193);
        unsigned int elements = 0, names = 0, k;
        collected c;
        size_t n = 0;

        memset(commas, ',', 8192);
        commas[8192] = '\0';
        memset(longname, 'a', 8192);
        longname[8192] = '\0';
        names1000 = apr_palloc(p, 1000 * 8 + 1);
        for (k = 0; k < 1000; k++) {
            n += (size_t)sprintf(names1000 + n, "x-%04u,", k);
        }
        names1000[n] = '\0';
        c.seen[0] = '\0';
        CHECK(u, cors_each_request_header(commas, &elements, &names, collect, &c) != NULL
                 && elements <= CORS_REQ_ELEMENTS_MAX + 1, "8 KB of commas stops early");
        elements = names = 0;
        CHECK(u, cors_each_request_header(names1000, &elements, &names, collect, &c) != NULL
                 && names <= CORS_REQ_HEADERS_MAX + 1, "1,000 names stop at the bound");
        elements = names = 0;
        CHECK(u, cors_each_request_header(longname, &elements, &names, collect, &c) != NULL,
              "an 8 KB name is refused");
        /* A name of exactly the bound is taken, one more is not. */
        longname[CORS_TOKEN_MAX] = '\0';
        elements = names = 0;
        CHECK(u, cors_each_request_header(longname, &elements, &names, collect, &c) == NULL
                 && names == 1, "a name of CORS_TOKEN_MAX bytes is taken");
        longname[CORS_TOKEN_MAX] = 'a';
        longname[CORS_TOKEN_MAX + 1] = '\0';
        elements = names = 0;
        CHECK(u, cors_each_request_header(longname, &elements, &names, collect, &c) != NULL,
              "one byte more is refused");
        /* White space alone, 8 KB of it after a name, is bounded too. */
        memset(longname, ' ', 8192);
        longname[0] = 'a';
        longname[8192] = '\0';
        elements = names = 0;
        CHECK(u, cors_each_request_header(longname, &elements, &names, collect, &c) != NULL,
              "8 KB of white space is refused");
        /* The bounds hold across several header lines. */
        elements = names = 0;
        for (k = 0; k < 40; k++) {
            cors_each_request_header("a,b", &elements, &names, collect, &c);
        }
        CHECK(u, cors_each_request_header("a,b", &elements, &names, collect, &c) != NULL,
              "bounds span lines");
    }
    {
        apr_array_header_t *items = apr_array_make(p, 2, sizeof(const char *));
        cors_split_items(p, "GET,  POST\tPUT,,", items);
        CHECK(u, items->nelts == 3, "split on commas and spaces: %d items", items->nelts);
        CHECK(u, cors_is_token("X-Foo_1", 7) && !cors_is_token("X Foo", 5)
                 && !cors_is_token("", 0), "tokens");
    }
}

/* ---- policies and decisions -------------------------------------------------------------- */

typedef struct {
    const char *origins, *methods, *headers, *expose;
    int credentials, max_age, status, pn;
} policy_spec;

static cors_policy *policy_of(apr_pool_t *p, unit_counts *u, const policy_spec *s)
{
    cors_policy *pol = cors_policy_make(p);

    pol->enable = 1;
    if (s->origins) {
        pol->origins = must_set(p, u, CORS_SET_ORIGINS, s->origins);
    }
    if (s->methods) {
        pol->methods = must_set(p, u, CORS_SET_METHODS, s->methods);
    }
    if (s->headers) {
        pol->headers = must_set(p, u, CORS_SET_HEADERS, s->headers);
    }
    if (s->expose) {
        pol->expose = must_set(p, u, CORS_SET_HEADERS, s->expose);
    }
    pol->credentials = s->credentials;
    if (s->max_age >= 0) {
        pol->max_age = s->max_age;
        pol->max_age_value = apr_itoa(p, s->max_age);
    }
    pol->preflight_status = s->status;
    pol->private_network = s->pn;
    /* Levels are merged onto the (empty) server level, as httpd does. */
    return (cors_policy *)cors_policy_merge(p, cors_policy_make(p), pol);
}

/* The one-word outcome an access log gets (%{cors}n), for each way a request can end. */
static void test_outcome(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *origin, *method, *headers, *want;
        int preflight;
        int star;               /* under CORSAllowOrigin * (a fixed answer) */
    } cases[] = {
        { "https://a.example", NULL, NULL, "allowed", 0, 0 },
        { "https://evil.example", NULL, NULL, "refused-origin", 0, 0 },
        { NULL, NULL, NULL, "-", 0, 0 },
        { "https://a.example", "PUT", "x-a", "preflight", 1, 0 },
        { "https://evil.example", "PUT", NULL, "refused-origin", 1, 0 },
        { "https://a.example", "PATCH", NULL, "refused-method", 1, 0 },
        { "https://a.example", "P@T", NULL, "refused-method", 1, 0 },
        { "https://a.example", "PUT", "x-nope", "refused-header", 1, 0 },
        { "https://a.example", "PUT", "x-a;", "refused-header", 1, 0 },
        /* 1.3.1 (G16): "*" answers a request without Origin, but it was no CORS request. */
        { NULL, NULL, NULL, "-", 0, 1 },
        { "https://any.example", NULL, NULL, "allowed", 0, 1 },
        { "https://any.example", "PUT", NULL, "preflight", 1, 1 },
        { "https://any.example", "PATCH", NULL, "refused-method", 1, 1 },
    };
    policy_spec spec = { "https://a.example", "PUT", "X-A", NULL, 0, -1, 0, 0 };
    policy_spec star_spec = { "*", "PUT", NULL, NULL, 0, -1, 0, 0 };
    cors_policy *pol = policy_of(p, u, &spec), *none = cors_policy_make(p);
    cors_policy *star = policy_of(p, u, &star_spec);
    cors_answer ans;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_request req;
        const char *lines[1];
        const cors_policy *in_force = cases[i].star ? star : pol;
        memset(&req, 0, sizeof(req));
        req.origin = cases[i].origin;
        req.method = cases[i].method;
        lines[0] = cases[i].headers;
        req.request_headers = lines;
        req.request_header_lines = cases[i].headers ? 1 : 0;
        if (cases[i].preflight) {
            cors_decide_preflight(p, in_force, &req, &ans);
        }
        else {
            cors_decide_actual(p, in_force, &req, &ans);
        }
        CHECK_STR(u, cors_answer_outcome(&ans, cases[i].preflight), cases[i].want,
                  apr_psprintf(p, "%s%s", cases[i].origin ? cases[i].origin : "(no Origin)",
                               cases[i].star ? " under *" : ""));
    }
    none->enable = 1;   /* CORSEnable On, no origin list: no policy applies */
    {
        cors_request req;
        memset(&req, 0, sizeof(req));
        req.origin = "https://a.example";
        cors_decide_actual(p, (cors_policy *)cors_policy_merge(p, cors_policy_make(p), none),
                           &req, &ans);
        CHECK_STR(u, cors_answer_outcome(&ans, 0), "-", "no origin list in force");
    }
}

static void test_preflight(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *name;
        policy_spec pol;
        const char *origin, *method, *headers;
        int pn;
        /* expected */
        int allowed;
        const char *reason_part, *acao, *acac, *acam, *acah, *max_age, *pna;
        int status, vary;
    } cases[] = {
        { "allowed, explicit lists",
          { "https://app.test", "GET PUT", "Content-Type Authorization", NULL, 1, 600, -1, 0 },
          "https://app.test", "PUT", "content-type,authorization", 0,
          1, NULL, "https://app.test", "true", "GET, PUT", "Content-Type, Authorization",
          "600", NULL, 204, 1 },
        { "status 200 on request",
          { "https://app.test", NULL, NULL, NULL, 0, -1, 200, 0 },
          "https://app.test", "GET", NULL, 0,
          1, NULL, "https://app.test", NULL, "GET, HEAD, POST", NULL, NULL, NULL, 200, 1 },
        { "origin refused",
          { "https://app.test", NULL, NULL, NULL, 0, -1, -1, 0 },
          "https://evil.test", "GET", NULL, 0,
          0, "origin 'https://evil.test' is not allowed", NULL, NULL, NULL, NULL, NULL, NULL,
          0, 1 },
        { "method refused",
          { "https://app.test", "GET POST", NULL, NULL, 0, -1, -1, 0 },
          "https://app.test", "PUT", NULL, 0,
          0, "Method PUT is not allowed by Access-Control-Allow-Methods", NULL, NULL, NULL,
          NULL, NULL, NULL, 0, 1 },
        { "method case matters",
          { "https://app.test", "PATCH", NULL, NULL, 0, -1, -1, 0 },
          "https://app.test", "patch", NULL, 0,
          0, "Method patch is not allowed", NULL, NULL, NULL, NULL, NULL, NULL, 0, 1 },
        { "header refused",
          { "https://app.test", NULL, "Content-Type", NULL, 0, -1, -1, 0 },
          "https://app.test", "POST", "content-type,x-foo", 0,
          0, "Request header field x-foo is not allowed by Access-Control-Allow-Headers",
          NULL, NULL, NULL, NULL, NULL, NULL, 0, 1 },
        { "header case does not matter",
          { "https://app.test", NULL, "x-foo", NULL, 0, -1, -1, 0 },
          "https://app.test", "POST", "X-FOO", 0,
          1, NULL, "https://app.test", NULL, "GET, HEAD, POST", "x-foo", NULL, NULL, 204, 1 },
        { "invalid method token",
          { "https://app.test", "*", NULL, NULL, 0, -1, -1, 0 },
          "https://app.test", "PU T", NULL, 0,
          0, "not a valid method", NULL, NULL, NULL, NULL, NULL, NULL, 0, 1 },
        /* Headers are named even so: a cached "*" must never cover Authorization. */
        { "wildcards without credentials answer *, headers by name",
          { "*", "*", "*", NULL, 0, -1, -1, 0 },
          "https://any.test", "PATCH", "x-a,x-b", 0,
          1, NULL, "*", NULL, "*", "x-a, x-b", NULL, NULL, 204, 0 },
        { "a header * with no header asked answers none",
          { "*", "*", "*", NULL, 0, -1, -1, 0 },
          "https://any.test", "PUT", NULL, 0,
          1, NULL, "*", NULL, "*", NULL, NULL, NULL, 204, 0 },
        { "* headers never cover authorization",
          { "*", "*", "*", NULL, 0, -1, -1, 0 },
          "https://any.test", "GET", "x-a,authorization", 0,
          0, "Request header field authorization is not allowed", NULL, NULL, NULL, NULL,
          NULL, NULL, 0, 0 },
        { "* headers with authorization listed: echo, as * would not cover it",
          { "*", NULL, "* Authorization", NULL, 0, -1, -1, 0 },
          "https://any.test", "GET", "x-a,authorization", 0,
          1, NULL, "*", NULL, "GET, HEAD, POST", "x-a, authorization", NULL, NULL, 204, 0 },
        { "wildcards with credentials echo what was asked",
          { "https://app.test", "*", "*", NULL, 1, -1, -1, 0 },
          "https://app.test", "PATCH", "x-a,x-b", 0,
          1, NULL, "https://app.test", "true", "PATCH", "x-a, x-b", NULL, NULL, 204, 1 },
        { "* minus a method echoes",
          { "https://app.test", "* -DELETE", NULL, NULL, 0, -1, -1, 0 },
          "https://app.test", "PUT", NULL, 0,
          1, NULL, "https://app.test", NULL, "PUT", NULL, NULL, NULL, 204, 1 },
        { "* minus a method refuses it",
          { "https://app.test", "* -DELETE", NULL, NULL, 0, -1, -1, 0 },
          "https://app.test", "DELETE", NULL, 0,
          0, "Method DELETE", NULL, NULL, NULL, NULL, NULL, NULL, 0, 1 },
        { "private network answered when on",
          { "https://app.test", NULL, NULL, NULL, 0, -1, -1, 1 },
          "https://app.test", "GET", NULL, 1,
          1, NULL, "https://app.test", NULL, "GET, HEAD, POST", NULL, NULL, "true", 204, 1 },
        { "private network not answered when off",
          { "https://app.test", NULL, NULL, NULL, 0, -1, -1, 0 },
          "https://app.test", "GET", NULL, 1,
          1, NULL, "https://app.test", NULL, "GET, HEAD, POST", NULL, NULL, NULL, 204, 1 },
        { "no origins configured",
          { NULL, NULL, NULL, NULL, 0, -1, -1, 0 },
          "https://app.test", "GET", NULL, 0,
          0, "no CORSAllowOrigin", NULL, NULL, NULL, NULL, NULL, NULL, 0, 0 },
        { "8 KB of commas refused",
          { "https://app.test", NULL, "*", NULL, 0, -1, -1, 0 },
          "https://app.test", "GET", ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
          ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,", 0,
          0, "too many elements", NULL, NULL, NULL, NULL, NULL, NULL, 0, 1 },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_policy *pol = policy_of(p, u, &cases[i].pol);
        cors_request req;
        cors_answer ans;
        const char *lines[1];

        memset(&req, 0, sizeof(req));
        req.origin = cases[i].origin;
        req.method = cases[i].method;
        lines[0] = cases[i].headers;
        req.request_headers = lines;
        req.request_header_lines = cases[i].headers ? 1 : 0;
        req.private_network = cases[i].pn;
        cors_decide_preflight(p, pol, &req, &ans);

        CHECK(u, ans.allowed == cases[i].allowed, "%s: allowed %d (reason: %s)",
              cases[i].name, ans.allowed, cors_answer_reason(p, &ans) ? cors_answer_reason(p, &ans) : "");
        if (cases[i].reason_part) {
            CHECK(u, cors_answer_reason(p, &ans) && strstr(cors_answer_reason(p, &ans), cases[i].reason_part),
                  "%s: reason '%s'", cases[i].name, cors_answer_reason(p, &ans) ? cors_answer_reason(p, &ans) : "(none)");
        }
        if (cases[i].allowed) {
            CHECK_STR(u, ans.allow_origin, cases[i].acao, cases[i].name);
            CHECK_STR(u, ans.allow_credentials, cases[i].acac, cases[i].name);
            CHECK_STR(u, ans.allow_methods, cases[i].acam, cases[i].name);
            CHECK_STR(u, ans.allow_headers, cases[i].acah, cases[i].name);
            CHECK_STR(u, ans.max_age, cases[i].max_age, cases[i].name);
            CHECK_STR(u, ans.allow_private_network, cases[i].pna, cases[i].name);
            CHECK(u, ans.status == cases[i].status, "%s: status %d", cases[i].name,
                  ans.status);
        }
        CHECK(u, ans.vary == cases[i].vary, "%s: vary %d", cases[i].name, ans.vary);
    }
}

static void test_actual(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *name;
        policy_spec pol;
        const char *origin;
        int allowed, vary, conflict;
        const char *acao, *acac, *aceh;
    } cases[] = {
        { "allowed origin echoed",
          { "https://app.test", NULL, NULL, "X-Request-Id", 1, -1, -1, 0 },
          "https://app.test", 1, 1, 0, "https://app.test", "true", "X-Request-Id" },
        { "refused origin: nothing, but Vary",
          { "https://app.test", NULL, NULL, NULL, 1, -1, -1, 0 },
          "https://evil.test", 0, 1, 0, NULL, NULL, NULL },
        { "no Origin: nothing, but Vary",
          { "https://app.test", NULL, NULL, NULL, 0, -1, -1, 0 },
          NULL, 0, 1, 0, NULL, NULL, NULL },
        { "plain * answers * without Vary",
          { "*", NULL, NULL, "*", 0, -1, -1, 0 },
          "https://any.test", 1, 0, 0, "*", NULL, "*" },
        { "plain * answers * without Origin too, so a cache may keep it for everyone",
          { "*", NULL, NULL, "X-Request-Id", 0, -1, -1, 0 },
          NULL, 1, 0, 0, "*", NULL, "X-Request-Id" },
        { "plain * answers * to Origin: null",
          { "*", NULL, NULL, NULL, 0, -1, -1, 0 },
          "null", 1, 0, 0, "*", NULL, NULL },
        { "* minus one: no Origin gets nothing, but Vary",
          { "* -https://evil.test", NULL, NULL, NULL, 0, -1, -1, 0 },
          NULL, 0, 1, 0, NULL, NULL, NULL },
        { "* minus one echoes the origin and varies",
          { "* -https://evil.test", NULL, NULL, NULL, 0, -1, -1, 0 },
          "https://ok.test", 1, 1, 0, "https://ok.test", NULL, NULL },
        { "null listed is echoed",
          { "null", NULL, NULL, NULL, 0, -1, -1, 0 },
          "null", 1, 1, 0, "null", NULL, NULL },
        { "merged * with credentials: credentials withheld",
          { "*", NULL, NULL, NULL, 1, -1, -1, 0 },
          "https://any.test", 1, 0, 1, "*", NULL, NULL },
        { "a hostile origin gets the fixed * and nothing of itself",
          { "*", NULL, NULL, NULL, 0, -1, -1, 0 },
          "https://a.test\x01'\\x", 1, 0, 0, "*", NULL, NULL },
        { "a hostile origin is refused where the answer depends on Origin",
          { "* -https://evil.test", NULL, NULL, NULL, 0, -1, -1, 0 },
          "https://a.test\x01'\\x", 0, 1, 0, NULL, NULL, NULL },
        { "two origins in one header are refused",
          { "* -https://evil.test", NULL, NULL, NULL, 0, -1, -1, 0 },
          "https://a.test, https://b.test", 0, 1, 0, NULL, NULL, NULL },
        { "expose * minus one: the filter names the response's headers",
          { "https://app.test", NULL, NULL, "* -X-Secret", 0, -1, -1, 0 },
          "https://app.test", 1, 1, 0, "https://app.test", NULL, NULL },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_policy *pol = policy_of(p, u, &cases[i].pol);
        cors_request req;
        cors_answer ans;

        memset(&req, 0, sizeof(req));
        req.origin = cases[i].origin;
        cors_decide_actual(p, pol, &req, &ans);
        CHECK(u, ans.allowed == cases[i].allowed, "%s: allowed %d", cases[i].name,
              ans.allowed);
        CHECK(u, ans.vary == cases[i].vary, "%s: vary %d", cases[i].name, ans.vary);
        CHECK(u, ans.conflict == cases[i].conflict, "%s: conflict %d", cases[i].name,
              ans.conflict);
        CHECK_STR(u, ans.allow_origin, cases[i].acao, cases[i].name);
        CHECK_STR(u, ans.allow_credentials, cases[i].acac, cases[i].name);
        CHECK_STR(u, ans.expose_headers, cases[i].aceh, cases[i].name);
        CHECK(u, ans.allow_methods == NULL && ans.max_age == NULL,
              "%s: preflight-only headers stay off actual responses", cases[i].name);
    }
}

static void test_reason_is_quotable(apr_pool_t *p, unit_counts *u)
{
    policy_spec spec = { "https://app.test", NULL, NULL, NULL, 0, -1, -1, 0 };
    cors_policy *pol = policy_of(p, u, &spec);
    char *big = apr_palloc(p, 8193);
    cors_request req;
    cors_answer ans;

    memset(big, 'a', 8192);
    big[8192] = '\0';
    memset(&req, 0, sizeof(req));
    req.origin = big;
    cors_decide_actual(p, pol, &req, &ans);
    CHECK(u, cors_answer_reason(p, &ans) && strlen(cors_answer_reason(p, &ans)) < 300, "an 8 KB origin is quoted short");
    req.origin = "https://x\x01\x7f\xc3\xbc'";
    cors_decide_actual(p, pol, &req, &ans);
    CHECK(u, cors_answer_reason(p, &ans) && strstr(cors_answer_reason(p, &ans), "'https://x?" "?" "?" "?" "?'"), "controls and non-ASCII "
          "quoted as '?': %s", cors_answer_reason(p, &ans) ? cors_answer_reason(p, &ans) : "");
}

static void test_policy_merge(apr_pool_t *p, unit_counts *u)
{
    cors_policy *server = cors_policy_make(p), *dir = cors_policy_make(p), *off, *on;
    const cors_policy *m;

    server->enable = 1;
    server->origins = must_set(p, u, CORS_SET_ORIGINS, "https://a.test");
    server->max_age = 60;
    server->max_age_value = "60";
    dir->credentials = 1;
    m = cors_policy_merge(p, server, dir);
    CHECK(u, cors_policy_enabled(m) && m->credentials == 1 && m->max_age == 60
             && m->origins == server->origins, "unset fields are inherited");
    CHECK(u, cors_policy_conflict(m) == NULL, "no conflict with a listed origin");

    off = cors_policy_make(p);
    off->enable = 0;
    m = cors_policy_merge(p, m, off);
    CHECK(u, !cors_policy_enabled(m), "CORSEnable Off switches a subtree off");
    on = cors_policy_make(p);
    on->enable = 1;
    m = cors_policy_merge(p, m, on);
    CHECK(u, cors_policy_enabled(m) && m->origins == server->origins && m->credentials == 1,
          "CORSEnable On below brings the inherited settings back");

    /* Contradictions: in one level, and only after merging. */
    server = cors_policy_make(p);
    server->origins = must_set(p, u, CORS_SET_ORIGINS, "*");
    server->credentials = 1;
    CHECK(u, cors_policy_conflict(server) != NULL, "* with credentials in one level");
    server->credentials = CORS_UNSET;
    CHECK(u, cors_policy_conflict(server) == NULL, "* alone is fine");
    dir = cors_policy_make(p);
    dir->credentials = 1;
    m = cors_policy_merge(p, server, dir);
    CHECK(u, m->conflict && cors_policy_conflict(m) != NULL,
          "* inherited with credentials below is caught when merged");
    dir->origins = must_set(p, u, CORS_SET_ORIGINS, "https://a.test");
    m = cors_policy_merge(p, server, dir);
    CHECK(u, !m->conflict, "a replacing list below removes the inherited *");

    server = cors_policy_make(p);
    server->expose = must_set(p, u, CORS_SET_HEADERS, "*");
    server->credentials = 1;
    CHECK(u, cors_policy_conflict(server) && strstr(cors_policy_conflict(server),
                                                    "CORSExposeHeaders"),
          "exposed * with credentials");

    /* A level that says nothing hands back the other (sealed), and a raw level's conflict,
     * not recorded while it was read, is found when it is sealed. */
    cors_policy_seal(p, dir);
    m = cors_policy_merge(p, cors_policy_make(p), dir);
    CHECK(u, m == dir, "an empty server level gives back the section itself");
    m = cors_policy_merge(p, dir, cors_policy_make(p));
    CHECK(u, m == dir, "an empty section gives back what it inherits");
    CHECK(u, !server->conflict, "a raw section has no conflict recorded");
    m = cors_policy_merge(p, cors_policy_make(p), server);
    CHECK(u, m != server && m->conflict, "an unrecorded conflict is found by the merge");
    m = cors_policy_merge(p, server, cors_policy_make(p));
    CHECK(u, m != server && m->conflict, "... on either side");
}

/* ---- origin sources --------------------------------------------------------------------- */

/* A source as the core sees one: a table looked up by key, answering 1, 0, or -1 when
 * "down"; it counts its calls and keeps the last key and baton it was given. */
typedef struct {
    apr_hash_t *listed;
    int down;
    int calls;
    char last_key[CORS_ORIGIN_MAX + 16];
    void *last_baton;
} table_source;

static int table_lookup(const void *src, const char *key, size_t len, apr_pool_t *p,
                        void *baton)
{
    table_source *t = (table_source *)src;

    (void)p;
    t->calls++;
    t->last_baton = baton;
    memcpy(t->last_key, key, len);
    t->last_key[len] = '\0';
    if (t->down) {
        return -1;
    }
    return apr_hash_get(t->listed, key, (apr_ssize_t)len) != NULL;
}

static table_source *table_of(apr_pool_t *p, const char *keys)
{
    table_source *t = apr_pcalloc(p, sizeof(*t));
    apr_array_header_t *items = apr_array_make(p, 4, sizeof(const char *));
    int i;

    t->listed = apr_hash_make(p);
    cors_split_items(p, keys, items);
    for (i = 0; i < items->nelts; i++) {
        apr_hash_set(t->listed, APR_ARRAY_IDX(items, i, const char *), APR_HASH_KEY_STRING, "");
    }
    return t;
}

static int allowed_by(const cors_set *set, const char *origin, void *baton, const char **why)
{
    *why = NULL;
    return cors_origin_allowed_by(scratch, cors_set_sealed(scratch, set), origin,
                                  strlen(origin), baton, why);
}

static void test_sources(apr_pool_t *p, unit_counts *u)
{
    table_source *t = table_of(p, "https://tenant.example http://shop.example:8080 "
                                "http://x.shop.example");
    table_source *t2 = table_of(p, "https://other.example");
    const char *err, *why;
    cors_set *top, *below, *set;
    const cors_set *merged;
    int baton;

    /* A level of its own: listed origins allowed, others refused; the key is normalised. */
    set = cors_set_make(p, CORS_SET_ORIGINS);
    CHECK(u, cors_set_add_source(p, set, "file /t", table_lookup, t, CORS_ITEM_PLAIN) == NULL,
          "a source is added");
    CHECK(u, allowed_by(set, "https://tenant.example", &baton, &why) == 1, "listed: allowed");
    CHECK(u, t->last_baton == &baton, "the request's baton reaches the source");
    CHECK(u, allowed_by(set, "HTTPS://Tenant.Example:443", NULL, &why) == 1,
          "listed, sent in another form: allowed");
    CHECK_STR(u, t->last_key, "https://tenant.example", "the source is asked the normal form");
    CHECK(u, allowed_by(set, "http://shop.example:8080", NULL, &why) == 1, "port kept");
    CHECK(u, allowed_by(set, "https://evil.example", NULL, &why) == 0, "unlisted: refused");
    CHECK(u, allowed_by(set, "https://tenant.example.evil", NULL, &why) == 0, "suffix: refused");
    CHECK(u, allowed_by(set, "not an origin", NULL, &why) == 0, "malformed: refused");
    CHECK(u, cors_set_replaces(set), "a plain source replaces the inherited list");
    CHECK_STR(u, cors_set_describe(p, cors_set_sealed(p, set), 6), "file /t", "described");

    /* Errors: a source removes nothing, and is named once per section. */
    CHECK(u, cors_set_add_source(p, set, "file /t", table_lookup, t, CORS_ITEM_ADD) != NULL,
          "the same source twice in a section is refused");
    CHECK(u, cors_set_add_source(p, set, "file /u", table_lookup, t, CORS_ITEM_REMOVE) != NULL,
          "a source cannot remove");

    /* Listed items are looked up first: the source is not asked for them. */
    set = set_of(p, CORS_SET_ORIGINS, "https://app.example", &err);
    cors_set_add_source(p, set, "file /t", table_lookup, t, CORS_ITEM_PLAIN);
    t->calls = 0;
    CHECK(u, allowed_by(set, "https://app.example", NULL, &why) == 1 && t->calls == 0,
          "a listed origin settles it without the source (%d calls)", t->calls);
    CHECK(u, allowed_by(set, "https://tenant.example", NULL, &why) == 1 && t->calls == 1,
          "both the list and the source allow");

    /* Removals win over a source, wherever they stand, and the source is not asked. */
    top = set_of(p, CORS_SET_ORIGINS, "https://app.example", &err);
    cors_set_add_source(p, top, "file /t", table_lookup, t, CORS_ITEM_ADD);
    cors_set_seal(p, top);
    below = must_set(p, u, CORS_SET_ORIGINS, "-https://tenant.example -http://*.shop.example");
    merged = cors_set_merge(p, top, below);
    t->calls = 0;
    CHECK(u, allowed_by((cors_set *)merged, "https://tenant.example", NULL, &why) == 0,
          "a removal below wins over the source");
    CHECK(u, allowed_by((cors_set *)merged, "http://x.shop.example", NULL, &why) == 0,
          "a pattern removal wins too");
    CHECK(u, t->calls == 0, "the source is not asked for a removed origin (%d)", t->calls);
    CHECK(u, allowed_by((cors_set *)merged, "http://shop.example:8080", NULL, &why) == 1,
          "the inherited source still allows the rest");
    set = set_of(p, CORS_SET_ORIGINS, "https://app.example", &err);
    add_regex(p, set, "https://tenant\\.example", CORS_ITEM_REMOVE);
    cors_set_add_source(p, set, "file /t", table_lookup, t, CORS_ITEM_ADD);
    CHECK(u, allowed_by(set, "https://tenant.example", NULL, &why) == 0,
          "a regex removal in the same section wins over the source");

    /* A plain list below replaces the level with the source; "+" keeps it. */
    merged = cors_set_merge(p, top, must_set(p, u, CORS_SET_ORIGINS, "https://b.example"));
    CHECK(u, allowed_by((cors_set *)merged, "https://tenant.example", NULL, &why) == 0,
          "a plain list below replaces the inherited source");
    merged = cors_set_merge(p, top, must_set(p, u, CORS_SET_ORIGINS, "+https://b.example"));
    CHECK(u, allowed_by((cors_set *)merged, "https://tenant.example", NULL, &why) == 1
          && allowed_by((cors_set *)merged, "https://b.example", NULL, &why) == 1,
          "+item below keeps the inherited source");
    below = cors_set_make(p, CORS_SET_ORIGINS);
    cors_set_add_source(p, below, "dbm /t2", table_lookup, t2, CORS_ITEM_PLAIN);
    merged = cors_set_merge(p, top, below);
    CHECK(u, allowed_by((cors_set *)merged, "https://other.example", NULL, &why) == 1
          && allowed_by((cors_set *)merged, "https://tenant.example", NULL, &why) == 0,
          "a plain source below replaces the inherited list and source");
    below = cors_set_make(p, CORS_SET_ORIGINS);
    cors_set_add_source(p, below, "dbm /t2", table_lookup, t2, CORS_ITEM_ADD);
    merged = cors_set_merge(p, top, below);
    CHECK(u, allowed_by((cors_set *)merged, "https://other.example", NULL, &why) == 1
          && allowed_by((cors_set *)merged, "https://tenant.example", NULL, &why) == 1
          && allowed_by((cors_set *)merged, "https://app.example", NULL, &why) == 1,
          "+source below adds to the inherited list and source");
    CHECK_STR(u, cors_set_describe(p, merged, 6), "dbm /t2, https://app.example, file /t",
              "described over the chain");

    /* A source that cannot answer refuses (fail closed), and says which; another source
     * that lists the origin still allows it. */
    t->down = 1;
    CHECK(u, allowed_by((cors_set *)merged, "https://tenant.example", NULL, &why) == -2,
          "a source down: refused as such");
    CHECK_STR(u, why, "file /t", "the source down is named");
    CHECK(u, allowed_by((cors_set *)merged, "https://other.example", NULL, &why) == 1,
          "another source still allows");
    CHECK(u, allowed_by((cors_set *)merged, "https://app.example", NULL, &why) == 1,
          "a listed origin does not need the source");
    t->down = 0;

    /* "*" in force settles every origin: the source is never asked. */
    set = set_of(p, CORS_SET_ORIGINS, "*", &err);
    cors_set_add_source(p, set, "file /t", table_lookup, t, CORS_ITEM_PLAIN);
    t->calls = 0;
    CHECK(u, allowed_by(set, "https://any.example", NULL, &why) == 1 && t->calls == 0,
          "'*' answers without the source");
}

/* The decision with a source down: refused, the reason names it, the outcome is an origin's. */
static void test_source_answer(apr_pool_t *p, unit_counts *u)
{
    table_source *t = table_of(p, "https://tenant.example");
    cors_policy *pol = cors_policy_make(p);
    cors_request req;
    cors_answer ans;
    const char *reason;

    pol->origins = cors_set_make(p, CORS_SET_ORIGINS);
    cors_set_add_source(p, pol->origins, "query 'SELECT 1'", table_lookup, t,
                        CORS_ITEM_PLAIN);
    pol = (cors_policy *)cors_policy_merge(p, cors_policy_make(p), pol);
    memset(&req, 0, sizeof(req));
    req.origin = "https://tenant.example";
    cors_decide_actual(p, pol, &req, &ans);
    CHECK(u, ans.allowed && ans.vary, "allowed by the source, with Vary");
    CHECK_STR(u, ans.allow_origin, "https://tenant.example", "the origin echoed");
    t->down = 1;
    cors_decide_actual(p, pol, &req, &ans);
    CHECK(u, !ans.allowed && ans.vary && ans.refusal == CORS_REFUSED_SOURCE_DOWN,
          "the source down: refused");
    reason = cors_answer_reason(p, &ans);
    CHECK(u, reason && strstr(reason, "query 'SELECT 1' cannot answer now"), "reason: %s",
          reason ? reason : "(null)");
    CHECK_STR(u, cors_answer_outcome(&ans, 0), "refused-origin", "outcome");
}

/* 1.3.1 (G12): what a response may say.  CORSDebug may be switched on by an .htaccess file's
 * author, who must not read the admin's SQL, file paths or regexes in X-CORS-Reason: the
 * public reason says which kind of item failed, the log's names it; every other reason is the
 * same in both. */
static void test_public_reason(apr_pool_t *p, unit_counts *u)
{
    enum { BY_SOURCE, BY_REGEX, BY_LIST };
    static const struct {
        int kind;
        const char *item;       /* the source's name, the regex, or the origin list */
        const char *origin, *method, *headers;
        const char *secret;     /* in the log's reason, never in the public one; NULL: the two
                                 * are the same */
        const char *public_says;
    } cases[] = {
        { BY_SOURCE, "CORSAllowOriginQuery \"SELECT 1 FROM secret_tenants WHERE origin = %s\"",
          "https://t.example", NULL, NULL, "secret_tenants",
          "origin 'https://t.example' is refused: an origin source cannot answer now" },
        { BY_SOURCE, "CORSAllowOriginFile /srv/private/origins.txt", "https://t.example", NULL,
          NULL, "/srv/private", "an origin source cannot answer now" },
        { BY_REGEX, "^https://(internal-[a-z]+)+\\.corp\\.example$", "https://t.example", NULL,
          NULL, "internal-",
          "origin 'https://t.example' is refused: a CORSAllowOriginMatch regex gave up at its "
          "match limit" },
        { BY_LIST, "https://a.example", "https://evil.example", NULL, NULL, NULL,
          "origin 'https://evil.example' is not allowed" },
        { BY_LIST, "https://a.example", "https://a.example", "PATCH", NULL, NULL,
          "Method PATCH is not allowed" },
        { BY_LIST, "https://a.example", "https://a.example", "PUT", "x-nope", NULL,
          "Request header field x-nope is not allowed" },
        { BY_LIST, "https://a.example", "https://a.example", "PUT", "x-a;", NULL,
          "is not a valid header name" },
        { BY_LIST, "https://a.example", "https://a.example", "P@T", NULL, NULL,
          "Access-Control-Request-Method is not a valid method name" },
        { BY_LIST, "https://a.example", "https://a.example", "PUT", NULL, NULL, NULL },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        policy_spec spec = { cases[i].item, "PUT", "X-A", NULL, 0, -1, 0, 0 };
        cors_policy *pol;
        cors_request req;
        cors_answer ans;
        const char *logged, *public;
        const char *lines[1] = { cases[i].headers };

        if (cases[i].kind == BY_LIST) {
            pol = policy_of(p, u, &spec);
        }
        else {
            int broad;
            pol = cors_policy_make(p);
            pol->origins = cors_set_make(p, CORS_SET_ORIGINS);
            if (cases[i].kind == BY_SOURCE) {
                table_source *t = table_of(p, "https://tenant.example");
                t->down = 1;
                cors_set_add_source(p, pol->origins, cases[i].item, table_lookup, t,
                                    CORS_ITEM_PLAIN);
            }
            else {
                cors_set_add_regex(p, pol->origins, cases[i].item, limit_match, NULL,
                                   CORS_ITEM_PLAIN, &broad);
            }
            pol = (cors_policy *)cors_policy_merge(p, cors_policy_make(p), pol);
        }
        memset(&req, 0, sizeof(req));
        req.origin = cases[i].origin;
        req.method = cases[i].method;
        req.request_headers = lines;
        req.request_header_lines = cases[i].headers ? 1 : 0;
        if (cases[i].method) {
            cors_decide_preflight(p, pol, &req, &ans);
        }
        else {
            cors_decide_actual(p, pol, &req, &ans);
        }
        logged = cors_answer_reason(p, &ans);
        public = cors_answer_reason_public(p, &ans);
        if (!cases[i].public_says) {
            CHECK(u, !logged && !public, "case %zu: allowed, no reason", i);
            continue;
        }
        CHECK(u, public && strstr(public, cases[i].public_says), "case %zu: public reason "
              "'%s' should say '%s'", i, public ? public : "(null)", cases[i].public_says);
        if (cases[i].secret) {
            CHECK(u, logged && strstr(logged, cases[i].secret), "case %zu: the log's reason "
                  "'%s' names '%s'", i, logged ? logged : "(null)", cases[i].secret);
            CHECK(u, public && !strstr(public, cases[i].secret) && !strstr(public, "SELECT"),
                  "case %zu: the public reason '%s' must not quote '%s'", i,
                  public ? public : "(null)", cases[i].secret);
        }
        else {
            CHECK_STR(u, public, logged, "the same reason in the log and the header");
        }
    }
}

/* A verdict judged before is taken as given: no probe runs, and it decides as the probes
 * would have. */
static void test_regex_judged(apr_pool_t *p, unit_counts *u)
{
    regex_t *re = apr_palloc(p, sizeof(*re));
    cors_set *set = cors_set_make(p, CORS_SET_ORIGINS);
    int broad = -1, probed;

    if (regcomp(re, "^(.*)$", REG_EXTENDED | REG_ICASE) != 0) {
        abort();
    }
    apr_pool_cleanup_register(p, re, free_regex, apr_pool_cleanup_null);
    probed = cors_regex_is_broad(p, ".*", posix_match, re);
    CHECK(u, probed == 1, "'.*' is judged broad by the probes");
    CHECK(u, cors_set_add_regex_judged(p, set, ".*", posix_match, re, CORS_ITEM_PLAIN, probed,
                                       &broad) == NULL && broad == 1,
          "a regex added with its verdict: broad as judged");
    cors_set_seal(p, set);
    CHECK(u, cors_set_has_broad(set), "... and the set knows it");
    set = cors_set_make(p, CORS_SET_ORIGINS);
    CHECK(u, cors_set_add_regex_judged(p, set, "https://a\\.example", posix_match, re,
                                       CORS_ITEM_PLAIN, 1, &broad) == NULL && broad == 1,
          "the verdict given is the one taken (no probe runs)");
}

void test_core(apr_pool_t *p, unit_counts *u)
{
    scratch = p;
    test_origin_parse(p, u);
    test_origin_match(p, u);
    test_origin_regex(p, u);
    test_origin_merge(p, u);
    test_merge_associative(p, u);
    test_many_origins(p, u);
    test_removal_wins(p, u);
    test_broad_regex(p, u);
    test_regex_judged(p, u);
    test_warnings(p, u);
    test_bounds(p, u);
    test_method_case(p, u);
    test_suffixes_below(p, u);
    test_config_errors(p, u);
    test_tokens(p, u);
    test_request_headers(p, u);
    test_hash_tails(p, u);
    test_merged_edits(p, u);
    test_outcome(p, u);
    test_preflight(p, u);
    test_actual(p, u);
    test_reason_is_quotable(p, u);
    test_policy_merge(p, u);
    test_sources(p, u);
    test_source_answer(p, u);
    test_public_reason(p, u);
}

/* test_origins.c - cors_origins.c: origin lists matched, merged level over level, the precedence rule, regexes and sources. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <apr_strings.h>

#include "cors.h"
#include "fixtures.h"

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
        CHECK(u, allowed(p, set, cases[i].origin) == cases[i].allowed,
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
    CHECK(u, allowed(p, set, "https://pr-12.example.com"), "regex hit");
    CHECK(u, allowed(p, set, "https://PR-12.example.com"), "regex sees the normalised origin");
    CHECK(u, !allowed(p, set, "https://pr-12.example.com.evil.net"),
          "regex is anchored at the end");
    CHECK(u, !allowed(p, set, "https://evil.net/https://pr-12.example.com"), "anchored at start");
    CHECK(u, !allowed(p, set, "https://a.b.example.com"), "regex: no dots in the label");
    CHECK(u, cors_set_replaces(set), "a plain regex replaces the inherited list");

    set = set_of(p, CORS_SET_ORIGINS, "https://a.example.com", &err);
    add_regex(p, set, "https://b\\.example\\.com", CORS_ITEM_PLAIN);
    CHECK(u, allowed(p, set, "https://a.example.com") && allowed(p, set, "https://b.example.com"),
          "exact items and regexes of one level add up");
}

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
        CHECK(u, allowed(p, merged, cases[i].origin) == cases[i].allowed,
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
        CHECK(u, !allowed(p, h, "https://a.com") && allowed(p, h, "https://b.com")
                 && allowed(p, h, "https://c.com"), "edits layer over three levels");
        CHECK(u, allowed(p, d, "https://a.com"), "a lower level's edit leaves its parent alone");
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
        CHECK(u, allowed(p, merged, cases[i].origin) == cases[i].allowed,
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
        CHECK(u, cors_origin_allowed(p, cors_set_sealed_copy(p, set), "https://b.test", 14,
                                     &limited)
                 == -1 && limited && strcmp(limited, "(a+)+") == 0,
              "a regex at its limit refuses with its source");
        CHECK(u, cors_origin_allowed(p, cors_set_sealed_copy(p, set), "https://a.test", 14,
                                     &limited)
                 == 1, "an exact item settles it before any regex runs");
    }
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
    CHECK(u, allowed_by(p, set, "https://tenant.example", &baton, &why) == 1, "listed: allowed");
    CHECK(u, t->last_baton == &baton, "the request's baton reaches the source");
    CHECK(u, allowed_by(p, set, "HTTPS://Tenant.Example:443", NULL, &why) == 1,
          "listed, sent in another form: allowed");
    CHECK_STR(u, t->last_key, "https://tenant.example", "the source is asked the normal form");
    CHECK(u, allowed_by(p, set, "http://shop.example:8080", NULL, &why) == 1, "port kept");
    CHECK(u, allowed_by(p, set, "https://evil.example", NULL, &why) == 0, "unlisted: refused");
    CHECK(u, allowed_by(p, set, "https://tenant.example.evil", NULL, &why) == 0, "suffix: refused");
    CHECK(u, allowed_by(p, set, "not an origin", NULL, &why) == 0, "malformed: refused");
    CHECK(u, cors_set_replaces(set), "a plain source replaces the inherited list");
    CHECK_STR(u, cors_set_describe(p, cors_set_sealed_copy(p, set), 6), "file /t", "described");

    /* Errors: a source removes nothing, and is named once per section. */
    CHECK(u, cors_set_add_source(p, set, "file /t", table_lookup, t, CORS_ITEM_ADD) != NULL,
          "the same source twice in a section is refused");
    CHECK(u, cors_set_add_source(p, set, "file /u", table_lookup, t, CORS_ITEM_REMOVE) != NULL,
          "a source cannot remove");

    /* Listed items are looked up first: the source is not asked for them. */
    set = set_of(p, CORS_SET_ORIGINS, "https://app.example", &err);
    cors_set_add_source(p, set, "file /t", table_lookup, t, CORS_ITEM_PLAIN);
    t->calls = 0;
    CHECK(u, allowed_by(p, set, "https://app.example", NULL, &why) == 1 && t->calls == 0,
          "a listed origin settles it without the source (%d calls)", t->calls);
    CHECK(u, allowed_by(p, set, "https://tenant.example", NULL, &why) == 1 && t->calls == 1,
          "both the list and the source allow");

    /* Removals win over a source, wherever they stand, and the source is not asked. */
    top = set_of(p, CORS_SET_ORIGINS, "https://app.example", &err);
    cors_set_add_source(p, top, "file /t", table_lookup, t, CORS_ITEM_ADD);
    cors_set_seal(p, top);
    below = must_set(p, u, CORS_SET_ORIGINS, "-https://tenant.example -http://*.shop.example");
    merged = cors_set_merge(p, top, below);
    t->calls = 0;
    CHECK(u, allowed_by(p, (cors_set *)merged, "https://tenant.example", NULL, &why) == 0,
          "a removal below wins over the source");
    CHECK(u, allowed_by(p, (cors_set *)merged, "http://x.shop.example", NULL, &why) == 0,
          "a pattern removal wins too");
    CHECK(u, t->calls == 0, "the source is not asked for a removed origin (%d)", t->calls);
    CHECK(u, allowed_by(p, (cors_set *)merged, "http://shop.example:8080", NULL, &why) == 1,
          "the inherited source still allows the rest");
    set = set_of(p, CORS_SET_ORIGINS, "https://app.example", &err);
    add_regex(p, set, "https://tenant\\.example", CORS_ITEM_REMOVE);
    cors_set_add_source(p, set, "file /t", table_lookup, t, CORS_ITEM_ADD);
    CHECK(u, allowed_by(p, set, "https://tenant.example", NULL, &why) == 0,
          "a regex removal in the same section wins over the source");

    /* A plain list below replaces the level with the source; "+" keeps it. */
    merged = cors_set_merge(p, top, must_set(p, u, CORS_SET_ORIGINS, "https://b.example"));
    CHECK(u, allowed_by(p, (cors_set *)merged, "https://tenant.example", NULL, &why) == 0,
          "a plain list below replaces the inherited source");
    merged = cors_set_merge(p, top, must_set(p, u, CORS_SET_ORIGINS, "+https://b.example"));
    CHECK(u, allowed_by(p, (cors_set *)merged, "https://tenant.example", NULL, &why) == 1
          && allowed_by(p, (cors_set *)merged, "https://b.example", NULL, &why) == 1,
          "+item below keeps the inherited source");
    below = cors_set_make(p, CORS_SET_ORIGINS);
    cors_set_add_source(p, below, "dbm /t2", table_lookup, t2, CORS_ITEM_PLAIN);
    merged = cors_set_merge(p, top, below);
    CHECK(u, allowed_by(p, (cors_set *)merged, "https://other.example", NULL, &why) == 1
          && allowed_by(p, (cors_set *)merged, "https://tenant.example", NULL, &why) == 0,
          "a plain source below replaces the inherited list and source");
    below = cors_set_make(p, CORS_SET_ORIGINS);
    cors_set_add_source(p, below, "dbm /t2", table_lookup, t2, CORS_ITEM_ADD);
    merged = cors_set_merge(p, top, below);
    CHECK(u, allowed_by(p, (cors_set *)merged, "https://other.example", NULL, &why) == 1
          && allowed_by(p, (cors_set *)merged, "https://tenant.example", NULL, &why) == 1
          && allowed_by(p, (cors_set *)merged, "https://app.example", NULL, &why) == 1,
          "+source below adds to the inherited list and source");
    CHECK_STR(u, cors_set_describe(p, merged, 6), "dbm /t2, https://app.example, file /t",
              "described over the chain");

    /* A source that cannot answer refuses (fail closed), and says which; another source
     * that lists the origin still allows it. */
    t->down = 1;
    CHECK(u, allowed_by(p, (cors_set *)merged, "https://tenant.example", NULL, &why) == -2,
          "a source down: refused as such");
    CHECK_STR(u, why, "file /t", "the source down is named");
    CHECK(u, allowed_by(p, (cors_set *)merged, "https://other.example", NULL, &why) == 1,
          "another source still allows");
    CHECK(u, allowed_by(p, (cors_set *)merged, "https://app.example", NULL, &why) == 1,
          "a listed origin does not need the source");
    t->down = 0;

    /* "*" in force settles every origin: the source is never asked. */
    set = set_of(p, CORS_SET_ORIGINS, "*", &err);
    cors_set_add_source(p, set, "file /t", table_lookup, t, CORS_ITEM_PLAIN);
    t->calls = 0;
    CHECK(u, allowed_by(p, set, "https://any.example", NULL, &why) == 1 && t->calls == 0,
          "'*' answers without the source");
}

void test_origins(apr_pool_t *p, unit_counts *u)
{
    test_origin_match(p, u);
    test_origin_regex(p, u);
    test_origin_merge(p, u);
    test_removal_wins(p, u);
    test_sources(p, u);
}

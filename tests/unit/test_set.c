/* test_set.c - cors_set.c: the calls every kind of list answers: refusals, merging in any order, the items in force. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <apr_strings.h>

#include "cors.h"
#include "fixtures.h"

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
                    if (allowed(p, left, origin_probes[q]) != allowed(p, right, origin_probes[q])) {
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

/* What cors_set_each gives: "text|edit|kind|where;" per item, in the order given. */
static const char *const edit_names[] = { "plain", "add", "remove" };
static const char *const kind_names[] = { "exact", "pattern", "regex", "source", "token", "any",
                                          "null" };

typedef struct {
    apr_pool_t *pool;
    const char *seen;
    int calls;
    int stop_after;             /* 0: never stop */
} each_log;

static int log_item(void *baton, const char *text, cors_edit edit, cors_item_kind kind,
                    const char *where)
{
    each_log *l = baton;

    l->seen = apr_psprintf(l->pool, "%s%s|%s|%s|%s;", l->seen, text, edit_names[edit],
                           kind_names[kind], where ? where : "-");
    return ++l->calls == l->stop_after;
}

static const char *items_in_force(apr_pool_t *p, const cors_set *set, int stop_after)
{
    each_log l = { p, "", 0, 0 };

    l.stop_after = stop_after;
    cors_set_each(set, log_item, &l);
    return l.seen;
}

/* A level read line by line, each line saying where it was written. */
static cors_set *level_of(apr_pool_t *p, unit_counts *u, cors_set_kind kind,
                          const char *const *lines)
{
    cors_set *set = cors_set_make(p, kind);
    int n;

    for (n = 0; lines[n]; n += 2) {
        apr_array_header_t *items = apr_array_make(p, 4, sizeof(const char *));
        int i;
        cors_set_note_where(set, lines[n]);
        cors_split_items(p, lines[n + 1], items);
        for (i = 0; i < items->nelts; i++) {
            const char *it = APR_ARRAY_IDX(items, i, const char *);
            cors_edit e = it[0] == '+' ? CORS_ITEM_ADD : it[0] == '-' ? CORS_ITEM_REMOVE
                          : CORS_ITEM_PLAIN;
            const char *err = cors_set_add(p, set, e == CORS_ITEM_PLAIN ? it : it + 1, e);
            CHECK(u, err == NULL, "'%s' loads: %s", it, err ? err : "");
        }
    }
    return set;
}

/* The items in force over two merged levels, nearest first: a removal below, an origin the
 * lower level names again given once, a regex and a source from above, and where each was
 * written. */
static void test_set_each(apr_pool_t *p, unit_counts *u)
{
    static const char *const server[] = {
        "a.conf:1", "https://a.example HTTPS://*.B.example:443", NULL
    };
    static const char *const htaccess[] = {
        ".htaccess:1", "-https://a.example +https://c.example", NULL
    };
    static const char *const methods_server[] = { "m.conf:1", "GET PUT get", NULL };
    static const char *const methods_below[] = { "m.conf:9", "+DELETE -PUT", NULL };
    static const char *const special[] = { "s.conf:1", "* null", NULL };
    cors_set *top = level_of(p, u, CORS_SET_ORIGINS, server), *below;
    table_source *t = table_of(p, "https://t.example");
    const cors_set *merged;
    int broad;

    cors_set_note_where(top, "a.conf:2");
    cors_set_add_regex(p, top, "https://r[0-9]\\.example", posix_match,
                       posix_regex(p, "https://r[0-9]\\.example"), CORS_ITEM_ADD, &broad);
    cors_set_note_where(top, "a.conf:3");
    cors_set_add_source(p, top, "file /t", table_lookup, t, CORS_ITEM_ADD);
    cors_set_seal(p, top);
    below = level_of(p, u, CORS_SET_ORIGINS, htaccess);
    cors_set_seal(p, below);
    merged = cors_set_merge(p, top, below);
    CHECK_STR(u, items_in_force(p, merged, 0),
              "https://a.example|remove|exact|.htaccess:1;"
              "https://c.example|add|exact|.htaccess:1;"
              "HTTPS://*.B.example:443|plain|pattern|a.conf:1;"
              "https://r[0-9]\\.example|add|regex|a.conf:2;"
              "file /t|add|source|a.conf:3;", "origins in force over two levels");
    CHECK_STR(u, items_in_force(p, merged, 2),
              "https://a.example|remove|exact|.htaccess:1;"
              "https://c.example|add|exact|.htaccess:1;", "a non-zero answer stops");
    CHECK_STR(u, items_in_force(p, cors_set_merge(p, merged, must_set(p, u, CORS_SET_ORIGINS,
                                                                       "https://d.example")),
                                0),
              "https://d.example|plain|exact|-;", "a whole list below hides what it replaces");
    CHECK_STR(u, items_in_force(p, level_of(p, u, CORS_SET_ORIGINS, special), 0),
              "*|plain|any|s.conf:1;null|plain|null|s.conf:1;", "'*' and 'null'");

    merged = cors_set_merge(p, must_set(p, u, CORS_SET_METHODS, "GET"),
                            level_of(p, u, CORS_SET_METHODS, methods_server));
    merged = cors_set_merge(p, merged, level_of(p, u, CORS_SET_METHODS, methods_below));
    CHECK_STR(u, items_in_force(p, merged, 0),
              "PUT|remove|token|m.conf:9;DELETE|add|token|m.conf:9;get|plain|token|m.conf:1;",
              "methods: the latest edit of each, as written");
    CHECK_STR(u, items_in_force(p, must_set(p, u, CORS_SET_HEADERS, "X-A *"), 0),
              "*|plain|any|-;X-A|plain|token|-;", "headers");
    cors_set_each(NULL, log_item, NULL);
    CHECK(u, 1, "no set: nothing to give");
}

void test_set(apr_pool_t *p, unit_counts *u)
{
    test_merge_associative(p, u);
    test_config_errors(p, u);
    test_set_each(p, u);
}

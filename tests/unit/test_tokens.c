/* test_tokens.c - cors_tokens.c: method and header lists, their case rules, bounds and header values. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <apr_strings.h>

#include "cors.h"
#include "fixtures.h"

static void test_token_lists(apr_pool_t *p, unit_counts *u)
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

void test_tokens(apr_pool_t *p, unit_counts *u)
{
    test_token_lists(p, u);
    test_method_case(p, u);
    test_bounds(p, u);
}

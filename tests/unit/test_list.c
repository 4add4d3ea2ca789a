/* test_list.c - cors_list.c: tokens, directive items and Access-Control-Request-Headers read within bounds. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <stdio.h>
#include <string.h>

#include <apr_strings.h>

#include "cors.h"
#include "fixtures.h"

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

/* A directive's unsigned number: digits only, within its range, whatever its length. */
static void test_parse_uint(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *text;
        unsigned long lo, hi;
        int ok;
        unsigned long want;
    } cases[] = {
        { "0", 0, 86400, 1, 0 }, { "86400", 0, 86400, 1, 86400 }, { "600", 0, 86400, 1, 600 },
        { "007", 1, 10, 1, 7 }, { "86401", 0, 86400, 0, 0 }, { "0", 1, 86400, 0, 0 },
        { "", 0, 10, 0, 0 }, { "-1", 0, 10, 0, 0 }, { "+1", 0, 10, 0, 0 }, { " 1", 0, 10, 0, 0 },
        { "1 ", 0, 10, 0, 0 }, { "1.5", 0, 10, 0, 0 }, { "ten", 0, 10, 0, 0 },
        { "1m", 1, 86400, 0, 0 }, { "99999999999999999999", 1, 86400, 0, 0 },
        { "18446744073709551616", 0, (unsigned long)-1, 0, 0 },
    };
    char *nines = apr_palloc(p, 10001), *zeros = apr_palloc(p, 10002);
    char max[32];
    unsigned long v;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        v = 12345;
        CHECK(u, cors_parse_uint(cases[i].text, cases[i].lo, cases[i].hi, &v) == cases[i].ok
                 && (!cases[i].ok || v == cases[i].want),
              "'%s' in %lu..%lu: want %s", cases[i].text, cases[i].lo, cases[i].hi,
              cases[i].ok ? "a number" : "a refusal");
    }
    snprintf(max, sizeof(max), "%lu", (unsigned long)-1);
    CHECK(u, cors_parse_uint(max, 0, (unsigned long)-1, &v) && v == (unsigned long)-1,
          "the largest unsigned long");
    memset(nines, '9', 10000);
    nines[10000] = '\0';
    CHECK(u, !cors_parse_uint(nines, 0, (unsigned long)-1, &v), "10,000 nines: refused");
    memset(zeros, '0', 10000);
    memcpy(zeros + 10000, "5", 2);
    CHECK(u, cors_parse_uint(zeros, 1, 10, &v) && v == 5, "10,000 leading zeros, then 5");
}

void test_list(apr_pool_t *p, unit_counts *u)
{
    test_request_headers(p, u);
    test_parse_uint(p, u);
}

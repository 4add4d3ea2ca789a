/* test_pcre.c - cors_pcre.c: CORSAllowOriginMatch's regexes match the whole origin in any case, give up at their limit, and say why they do not compile. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include <apr_strings.h>

#include "cors_conf.h"
#include "fixtures.h"

/* -1: gives up at the match limit. */
static void test_pcre_match(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *regex, *text;
        int want;
    } cases[] = {
        { "https://a\\.example", "https://a.example", 1 },
        { "https://a\\.example", "HTTPS://A.EXAMPLE", 1 },
        { "https://a\\.example", "https://a.example.evil.net", 0 },
        { "https://a\\.example", "https://evil.net/https://a.example", 0 },
        { "example\\.com", "https://example.com", 0 },
        /* Anchored around the whole pattern, alternatives too. */
        { "https://a\\.example|https://b\\.example", "https://b.example", 1 },
        { "https://a\\.example|https://b\\.example", "https://a.exampleXhttps://b.example", 0 },
        { "^https://[a-z]+\\.example$", "https://app.example", 1 },
        /* Backtracking without bound stops at the limit. */
        { "(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", -1 },
        { "(a|aa)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", -1 },
        { "(.*a){20}", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", -1 },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_pcre *re = NULL;
        const char *err = cors_pcre_compile(p, cases[i].regex, &re);
        CHECK(u, err == NULL && re != NULL, "'%s' compiles: %s", cases[i].regex,
              err ? err : "");
        if (re) {
            int got = cors_pcre_match(re, cases[i].text, strlen(cases[i].text), p);
            CHECK(u, got == cases[i].want, "'%s' on '%s': %d, want %d", cases[i].regex,
                  cases[i].text, got, cases[i].want);
            CHECK(u, cors_pcre_size(re) > 512, "'%s' has a size", cases[i].regex);
        }
    }
}

static void test_pcre_errors(apr_pool_t *p, unit_counts *u)
{
    cors_pcre *re = NULL;
    const char *err = cors_pcre_compile(p, "^https://(foo", &re);

    CHECK_STR(u, err, "'^https://(foo' is not a valid regular expression (missing closing "
              "parenthesis at offset 13)", "an unclosed group");
    err = cors_pcre_compile(p, "[z-a]", &re);
    CHECK(u, err && strstr(err, "'[z-a]' is not a valid regular expression (")
             && strstr(err, " at offset 3)"), "a reversed range: %s", err ? err : "(compiled)");
}

/* A cors_regex_fn: a set matches origins with it, as mod_cors's sets do. */
static void test_pcre_in_a_set(apr_pool_t *p, unit_counts *u)
{
    cors_set *set = cors_set_make(p, CORS_SET_ORIGINS);
    cors_pcre *re = NULL;
    const char *limited = NULL, *origin;
    int broad = 1;

    cors_pcre_compile(p, "https://pr-[0-9]+\\.example\\.com", &re);
    CHECK(u, cors_set_add_regex(p, set, "https://pr-[0-9]+\\.example\\.com", cors_pcre_match,
                                re, CORS_ITEM_PLAIN, &broad) == NULL && !broad,
          "an anchored regex is added, and not judged broad");
    CHECK(u, allowed(p, set, "https://pr-12.example.com")
             && !allowed(p, set, "https://pr-12.example.com.evil.net"),
          "the set matches with it");
    set = cors_set_make(p, CORS_SET_ORIGINS);
    cors_pcre_compile(p, ".*", &re);
    CHECK(u, cors_set_add_regex(p, set, ".*", cors_pcre_match, re, CORS_ITEM_PLAIN, &broad)
             == NULL && broad, "'.*' is judged broad");
    set = cors_set_make(p, CORS_SET_ORIGINS);
    cors_pcre_compile(p, "https://(a|aa)+", &re);
    cors_set_add_regex(p, set, "https://(a|aa)+", cors_pcre_match, re, CORS_ITEM_PLAIN, &broad);
    origin = "https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example";
    CHECK(u, cors_origin_allowed(p, cors_set_sealed_copy(p, set), origin, strlen(origin),
                                 &limited) == -1
             && limited && strcmp(limited, "https://(a|aa)+") == 0,
          "a regex at its limit refuses, named");
}

void test_pcre(apr_pool_t *p, unit_counts *u)
{
    test_pcre_match(p, u);
    test_pcre_errors(p, u);
    test_pcre_in_a_set(p, u);
}

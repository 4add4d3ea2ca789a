/* test_probe.c - cors_probe.c: which origin regexes are "any origin", and verdicts judged before. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <apr_strings.h>

#include "cors.h"
#include "fixtures.h"

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

/* A verdict judged before is taken as given: no probe runs, and it decides as the probes
 * would have. */
static void test_regex_judged(apr_pool_t *p, unit_counts *u)
{
    regex_t *re = posix_regex(p, ".*");
    cors_set *set = cors_set_make(p, CORS_SET_ORIGINS);
    int broad = -1, probed;

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

void test_probe(apr_pool_t *p, unit_counts *u)
{
    test_broad_regex(p, u);
    test_regex_judged(p, u);
}

/* micro.c - nanoseconds per decision of the policy core alone, and its heap use. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <malloc.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "cors.h"

#define ROUNDS 7

static int posix_whole(const void *re, const char *s, size_t len, apr_pool_t *p)
{
    regmatch_t m[1];

    (void)p;
    return regexec(re, s, 1, m, 0) == 0 && m[0].rm_so == 0 && (size_t)m[0].rm_eo == len;
}

static cors_policy *policy(apr_pool_t *p, int origins, const char *pattern, const void *re)
{
    cors_policy *pol = cors_policy_make(p);
    int i;

    pol->enable = 1;
    pol->credentials = 1;
    pol->origins = cors_set_make(p, CORS_SET_ORIGINS);
    for (i = 1; i <= origins; i++) {
        cors_set_add(p, pol->origins, apr_psprintf(p, "https://o%d.example", i), CORS_ITEM_PLAIN);
    }
    if (pattern) {
        cors_set_add(p, pol->origins, pattern, CORS_ITEM_PLAIN);
    }
    if (re) {
        int broad;
        cors_set_add_regex(p, pol->origins, "re", posix_whole, re, CORS_ITEM_PLAIN, &broad);
    }
    pol->methods = cors_set_make(p, CORS_SET_METHODS);
    cors_set_add(p, pol->methods, "GET", CORS_ITEM_PLAIN);
    cors_set_add(p, pol->methods, "PUT", CORS_ITEM_PLAIN);
    pol->headers = cors_set_make(p, CORS_SET_HEADERS);
    cors_set_add(p, pol->headers, "Content-Type", CORS_ITEM_PLAIN);
    cors_set_add(p, pol->headers, "Authorization", CORS_ITEM_PLAIN);
    cors_set_add(p, pol->headers, "X-Requested-With", CORS_ITEM_PLAIN);
    return (cors_policy *)cors_policy_merge(p, cors_policy_make(p), pol);
}

typedef struct {
    const char *name;
    const cors_policy *pol;
    cors_request req;
    int preflight;
    int allowed;
} scenario;

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Median over ROUNDS of the mean over n decisions; the request pool is cleared as httpd
 * clears a request's pool, every 64 decisions. */
static double measure(apr_pool_t *req_pool, const scenario *s, long n, int *ok)
{
    double rounds[ROUNDS];
    int r;

    for (r = 0; r < ROUNDS; r++) {
        double t0 = now_ns();
        long i;
        for (i = 0; i < n; i++) {
            cors_answer ans;
            if (s->preflight) {
                cors_decide_preflight(req_pool, s->pol, &s->req, &ans);
            }
            else {
                cors_decide_actual(req_pool, s->pol, &s->req, &ans);
            }
            *ok &= ans.allowed == s->allowed;
            if ((i & 63) == 63) {
                apr_pool_clear(req_pool);
            }
        }
        rounds[r] = (now_ns() - t0) / (double)n;
        apr_pool_clear(req_pool);
    }
    qsort(rounds, ROUNDS, sizeof(rounds[0]), cmp_double);
    return rounds[ROUNDS / 2];
}

int main(int argc, char **argv)
{
    apr_pool_t *conf, *req_pool;
    regex_t re;
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    const char *acrh3 = "content-type,authorization,x-requested-with";
    char *commas;
    const char *lines3[1], *lines_commas[1];
    scenario s[7];
    double normal_pf = 0, hostile_pf = 0;
    size_t heap_before, heap_after;
    int i, all_ok = 1;

    apr_initialize();
    apr_pool_create(&conf, NULL);
    apr_pool_create(&req_pool, NULL);
    regcomp(&re, "^(https://o[0-9]+\\.example)$", REG_EXTENDED | REG_ICASE);
    commas = apr_palloc(conf, 8193);
    memset(commas, ',', 8192);
    commas[8192] = '\0';
    lines3[0] = acrh3;
    lines_commas[0] = commas;

    memset(s, 0, sizeof(s));
    s[0].name = "actual, exact hit (1 origin)";
    s[0].pol = policy(conf, 1, NULL, NULL);
    s[0].req.origin = "https://o1.example";
    s[0].allowed = 1;
    s[1].name = "actual, exact hit (10,000 origins)";
    s[1].pol = policy(conf, 10000, NULL, NULL);
    s[1].req.origin = "https://o9999.example";
    s[1].allowed = 1;
    s[2].name = "actual, exact miss (10,000 origins)";
    s[2].pol = s[1].pol;
    s[2].req.origin = "https://refused.example";
    s[2].allowed = 0;
    s[3].name = "actual, subdomain pattern";
    s[3].pol = policy(conf, 0, "https://*.example.com", NULL);
    s[3].req.origin = "https://a.b.example.com";
    s[3].allowed = 1;
    s[4].name = "actual, regex (POSIX here, ap_regex in httpd)";
    s[4].pol = policy(conf, 0, NULL, &re);
    s[4].req.origin = "https://o42.example";
    s[4].allowed = 1;
    s[5].name = "preflight, 3 requested headers";
    s[5].pol = s[0].pol;
    s[5].req.origin = "https://o1.example";
    s[5].req.method = "PUT";
    s[5].req.request_headers = lines3;
    s[5].req.request_header_lines = 1;
    s[5].preflight = 1;
    s[5].allowed = 1;
    s[6].name = "preflight, 8 KB of commas (refused)";
    s[6].pol = s[0].pol;
    s[6].req = s[5].req;
    s[6].req.request_headers = lines_commas;
    s[6].preflight = 1;
    s[6].allowed = 0;

    heap_before = mallinfo2().uordblks;
    printf("| decision | ns |\n|---|---|\n");
    for (i = 0; i < 7; i++) {
        int ok = 1;
        double ns = measure(req_pool, &s[i], n, &ok);
        all_ok &= ok;
        printf("| %s | %.1f |\n", s[i].name, ns);
        if (i == 5) {
            normal_pf = ns;
        }
        if (i == 6) {
            hostile_pf = ns;
        }
    }
    heap_after = mallinfo2().uordblks;
    printf("\nhostile / normal preflight: %.2f\n", hostile_pf / normal_pf);
    printf("heap in use (malloc) before and after %d x %d x %ld decisions: %zu and %zu bytes\n",
           7, ROUNDS, n, heap_before, heap_after);
    regfree(&re);
    apr_pool_destroy(req_pool);
    apr_pool_destroy(conf);
    apr_terminate();
    if (!all_ok) {
        printf("a decision was not the one expected\n");
        return 1;
    }
    return 0;
}

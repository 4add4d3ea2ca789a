/* fuzz_decide.c - libFuzzer target: whole preflight and actual decisions on hostile requests. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include "fuzz_common.h"

static cors_policy *policy(apr_pool_t *p, const char *origins, const char *methods,
                           const char *headers, int credentials)
{
    cors_policy *pol = cors_policy_make(p);
    apr_array_header_t *items = apr_array_make(p, 4, sizeof(const char *));
    const char *lists[3];
    cors_set **slots[3];
    cors_set_kind kinds[3] = { CORS_SET_ORIGINS, CORS_SET_METHODS, CORS_SET_HEADERS };
    int l, i;

    lists[0] = origins;
    lists[1] = methods;
    lists[2] = headers;
    slots[0] = &pol->origins;
    slots[1] = &pol->methods;
    slots[2] = &pol->headers;
    pol->enable = 1;
    pol->credentials = credentials;
    for (l = 0; l < 3; l++) {
        apr_array_clear(items);
        cors_split_items(p, lists[l], items);
        *slots[l] = cors_set_make(p, kinds[l]);
        for (i = 0; i < items->nelts; i++) {
            cors_set_add(p, *slots[l], APR_ARRAY_IDX(items, i, const char *), CORS_ITEM_PLAIN);
        }
    }
    return (cors_policy *)cors_policy_merge(p, cors_policy_make(p), pol);
}

/* An origin source that checks what the core asks it: only well-formed origins in their
 * normal form, never one the policy removes or already lists; it answers yes (fresh or
 * stale), no or "down" from the key's bytes, and remembers its last yes. */
static const char *last_yes;

static cors_source_answer checking_source(const void *src, const char *key, size_t len,
                                          apr_pool_t *p, void *baton)
{
    cors_origin o;
    char norm[CORS_ORIGIN_MAX + 16];
    size_t i, sum = 0;

    (void)src;
    (void)baton;
    if (cors_origin_parse(key, len, 0, &o) != CORS_ORIGIN_OK
        || cors_origin_key(&o, norm, sizeof(norm)) != len || memcmp(norm, key, len) != 0
        || (len == 27 && memcmp(key, "https://removed.example.com", 27) == 0)
        || (len > 28 && memcmp(key, "https://", 8) == 0
            && memcmp(key + len - 20, ".removed.example.com", 20) == 0)
        || (len == 23 && memcmp(key, "https://app.example.com", 23) == 0)) {
        __builtin_trap();
    }
    for (i = 0; i < len; i++) {
        sum += (unsigned char)key[i];
    }
    if (sum % 4 <= 1) {
        last_yes = apr_pstrmemdup(p, key, len);
        return sum % 4 == 0 ? CORS_SOURCE_ALLOWED : CORS_SOURCE_STALE;
    }
    return sum % 4 == 2 ? CORS_SOURCE_REFUSED : CORS_SOURCE_UNAVAILABLE;
}

/* Whether origin is, in normal form, the one origin the source's policy lists. */
static int is_listed(const char *origin)
{
    cors_origin o;
    char key[CORS_ORIGIN_MAX + 16];
    size_t len;

    if (!origin || cors_origin_parse(origin, strlen(origin), 0, &o) != CORS_ORIGIN_OK) {
        return 0;
    }
    len = cors_origin_key(&o, key, sizeof(key));
    return len == 23 && memcmp(key, "https://app.example.com", 23) == 0;
}

/* Input lines: Origin, Access-Control-Request-Method, then request header lines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool_for_input();
    char *text = fuzz_string(p, data, size), *last;
    const char *lines[CORS_REQ_LINES_MAX + 4];
    unsigned int n = 0;
    cors_request req;
    cors_answer ans;
    cors_policy *pols[4], *with_source;
    char *tok;
    int i;

    pols[0] = policy(p, "https://app.example.com https://*.example.org", "GET PUT patch",
                     "content-type authorization", 1);
    pols[1] = policy(p, "*", "*", "*", 0);
    pols[2] = policy(p, "* null", "* -DELETE", "* -x-secret", 0);
    with_source = cors_policy_make(p);
    with_source->origins = cors_set_make(p, CORS_SET_ORIGINS);
    cors_set_add(p, with_source->origins, "https://app.example.com", CORS_ITEM_PLAIN);
    cors_set_add(p, with_source->origins, "https://removed.example.com", CORS_ITEM_REMOVE);
    cors_set_add(p, with_source->origins, "https://*.removed.example.com", CORS_ITEM_REMOVE);
    cors_set_add_source(p, with_source->origins, "fuzz source", checking_source, NULL,
                        CORS_ITEM_ADD);
    with_source->credentials = 1;
    pols[3] = (cors_policy *)cors_policy_merge(p, cors_policy_make(p), with_source);
    memset(&req, 0, sizeof(req));
    for (tok = apr_strtok(text, "\n", &last); tok && n < CORS_REQ_LINES_MAX + 4;
         tok = apr_strtok(NULL, "\n", &last)) {
        lines[n++] = tok;
    }
    req.origin = n > 0 ? lines[0] : NULL;
    req.method = n > 1 ? lines[1] : NULL;
    req.request_headers = n > 2 ? lines + 2 : NULL;
    req.request_header_lines = n > 2 ? n - 2 : 0;
    req.private_network = (int)(size & 1);
    for (i = 0; i < 4; i++) {
        last_yes = NULL;
        cors_decide_preflight(p, pols[i], &req, &ans);
        /* Failing closed: a refusal never carries an Allow-Origin, and "*" never goes with
         * credentials. */
        if ((!ans.allowed && (ans.allow_origin || ans.allow_credentials || ans.allow_methods))
            || (ans.allow_credentials && ans.allow_origin && strcmp(ans.allow_origin, "*") == 0)) {
            __builtin_trap();
        }
        last_yes = NULL;
        cors_decide_actual(p, pols[i], &req, &ans);
        if ((!ans.allowed && ans.allow_origin)
            || ans.allow_credentials && ans.allow_origin && strcmp(ans.allow_origin, "*") == 0) {
            __builtin_trap();
        }
        /* With the source: what it allowed is allowed (the listed origin aside), nothing else,
         * and the answer names it as what decided, with what it said. */
        if (i == 3 && ans.allowed && !last_yes && !is_listed(req.origin)) {
            __builtin_trap();
        }
        if (ans.source && (i != 3 || strcmp(ans.source, "fuzz source") != 0
                           || (ans.allowed && ans.source_answer != CORS_SOURCE_ALLOWED
                               && ans.source_answer != CORS_SOURCE_STALE)
                           || (ans.refusal == CORS_REFUSED_SOURCE_DOWN
                               && ans.source_answer != CORS_SOURCE_UNAVAILABLE))) {
            __builtin_trap();
        }
    }
    return 0;
}

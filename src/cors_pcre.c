/* cors_pcre.c - CORSAllowOriginMatch's regexes in PCRE2: compiled anchored and caseless into a pool, matched under a match and a heap limit. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <apr_strings.h>

#include "cors_conf.h"

struct cors_pcre {
    pcre2_code *code;
    pcre2_match_context *limits;
};

/* PCRE2 takes its memory from these: request scratch from the request's pool, compiled
 * patterns from the configuration pool. */
static void *pool_alloc(PCRE2_SIZE size, void *pool)
{
    return apr_palloc(pool, size);
}

static void pool_free(void *block, void *pool)
{
    (void)block;
    (void)pool;
}

/* One match data block (and the backtracking frames it grows) per pool, that is per
 * request: every regex a request tries reuses it. */
#define MATCH_DATA_KEY "cors_pcre match data"

static pcre2_match_data *match_data(apr_pool_t *p)
{
    pcre2_match_data *md = NULL;

    apr_pool_userdata_get((void **)&md, MATCH_DATA_KEY, p);
    if (!md) {
        pcre2_general_context *mem = pcre2_general_context_create(pool_alloc, pool_free, p);
        md = mem ? pcre2_match_data_create(1, mem) : NULL;
        if (md) {
            apr_pool_userdata_setn(md, MATCH_DATA_KEY, NULL, p);
        }
    }
    return md;
}

/* Whatever the admin wrote, a regex must match the whole origin (an unanchored
 * "example\.com" would also allow https://example.com.evil.net): compiled anchored at both
 * ends, so no ')' in the pattern can escape a wrapper.  Every match is bounded. */
int cors_pcre_match(const void *re, const char *s, size_t len, apr_pool_t *p)
{
    const cors_pcre *r = re;
    pcre2_match_data *md = match_data(p);
    int rc;

    if (!md) {
        return -1;
    }
    rc = pcre2_match(r->code, (PCRE2_SPTR)s, len, 0, 0, md, r->limits);
    return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

const char *cors_pcre_compile(apr_pool_t *p, const char *source, cors_pcre **out)
{
    pcre2_general_context *mem = pcre2_general_context_create(pool_alloc, pool_free, p);
    pcre2_compile_context *cc = pcre2_compile_context_create(mem);
    cors_pcre *re = apr_pcalloc(p, sizeof(*re));
    int rc;
    PCRE2_SIZE at;

    re->code = pcre2_compile((PCRE2_SPTR)source, PCRE2_ZERO_TERMINATED,
                             PCRE2_CASELESS | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &rc, &at,
                             cc);
    if (!re->code) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(rc, msg, sizeof(msg));
        return apr_psprintf(p, "'%s' is not a valid regular expression (%s at offset %lu)",
                            source, (const char *)msg, (unsigned long)at);
    }
    /* Interpreted, not JIT-compiled: the interpreter counts every backtracking point against
     * the match limit, while JIT code may do unbounded work per counted step, so the limit
     * would not bound a request's time.  The compiled code is then pool memory only, and
     * needs no cleanup. */
    re->limits = pcre2_match_context_create(mem);
    pcre2_set_match_limit(re->limits, CORS_PCRE_MATCH_LIMIT);
    pcre2_set_heap_limit(re->limits, CORS_PCRE_HEAP_LIMIT);
    *out = re;
    return NULL;
}

/* PCRE2's size of the code, and the contexts beside it. */
apr_size_t cors_pcre_size(const cors_pcre *re)
{
    size_t size = 0;

    pcre2_pattern_info(re->code, PCRE2_INFO_SIZE, &size);
    return size + 512;
}

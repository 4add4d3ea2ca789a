/* fuzz_common.h - what the fuzz targets share: one APR pool, cleared per input, and a regex. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#ifndef CORS_FUZZ_COMMON_H
#define CORS_FUZZ_COMMON_H

#include <regex.h>
#include <stdint.h>
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "cors.h"

/* A harness may keep state across inputs; the module never does. */
static apr_pool_t *fuzz_pool;

static apr_pool_t *fuzz_pool_for_input(void)
{
    if (!fuzz_pool) {
        apr_initialize();
        apr_pool_create(&fuzz_pool, NULL);
    }
    apr_pool_clear(fuzz_pool);
    return fuzz_pool;
}

/* The input as a NUL-terminated string in the pool (the parsers' contract). */
static char *fuzz_string(apr_pool_t *p, const uint8_t *data, size_t size)
{
    return apr_pstrmemdup(p, (const char *)data, size);
}

static int fuzz_regex_match(const void *re, const char *s, size_t len, apr_pool_t *p)
{
    regmatch_t m[1];

    (void)p;
    return regexec(re, s, 1, m, 0) == 0 && m[0].rm_so == 0 && (size_t)m[0].rm_eo == len;
}

#endif

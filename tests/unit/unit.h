/* unit.h - the smallest test harness that reads well: CHECK macros, a closing count, and each test file's entry. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#ifndef CORS_UNIT_H
#define CORS_UNIT_H

#include <stdio.h>
#include <string.h>

typedef struct {
    unsigned int passed;
    unsigned int failed;
} unit_counts;

/* Every test file's functions take the shared counts. */
#define CHECK(u, cond, ...) do {                                          \
        if (cond) {                                                       \
            (u)->passed++;                                                \
        }                                                                 \
        else {                                                            \
            (u)->failed++;                                                \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                   \
            printf(__VA_ARGS__);                                          \
            printf("\n");                                                 \
        }                                                                 \
    } while (0)

#define CHECK_STR(u, got, want, what) do {                                \
        const char *g_ = (got), *w_ = (want);                             \
        CHECK(u, (g_ == NULL && w_ == NULL)                               \
                 || (g_ && w_ && strcmp(g_, w_) == 0),                    \
              "%s: got '%s', want '%s'", (what), g_ ? g_ : "(null)",     \
              w_ ? w_ : "(null)");                                        \
    } while (0)

/* One test file per file of the core, each run by test_main.c in the order the core's
 * files stand in layers, lowest first. */
#include <apr_pools.h>

void test_hash(apr_pool_t *p, unit_counts *u);
void test_list(apr_pool_t *p, unit_counts *u);
void test_index(apr_pool_t *p, unit_counts *u);
void test_origin(apr_pool_t *p, unit_counts *u);
void test_canon(apr_pool_t *p, unit_counts *u);
void test_sql(apr_pool_t *p, unit_counts *u);
void test_pcre(apr_pool_t *p, unit_counts *u);
void test_level(apr_pool_t *p, unit_counts *u);
void test_probe(apr_pool_t *p, unit_counts *u);
void test_origins(apr_pool_t *p, unit_counts *u);
void test_tokens(apr_pool_t *p, unit_counts *u);
void test_set(apr_pool_t *p, unit_counts *u);
void test_policy(apr_pool_t *p, unit_counts *u);
void test_conf(apr_pool_t *p, unit_counts *u);
void test_decide(apr_pool_t *p, unit_counts *u);

#endif

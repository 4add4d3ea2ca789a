/* test_index.c - cors_index.c: a level's items by key, from a few to many. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <apr_strings.h>

#include "cors_internal.h"
#include "fixtures.h"

static void test_many_origins(apr_pool_t *p, unit_counts *u)
{
    cors_set *set = cors_set_make(p, CORS_SET_ORIGINS);
    char buf[64];
    int i, bad = 0;

    for (i = 0; i < 10000; i++) {
        snprintf(buf, sizeof(buf), "https://tenant%d.example.net", i);
        bad += cors_set_add(p, set, apr_pstrdup(p, buf), CORS_ITEM_PLAIN) != NULL;
    }
    CHECK(u, bad == 0, "10,000 origins load");
    CHECK(u, cors_set_count(set) == 10000, "10,000 origins counted");
    CHECK(u, allowed(p, set, "https://tenant0.example.net"), "first of 10,000");
    CHECK(u, allowed(p, set, "https://tenant9999.example.net"), "last of 10,000");
    CHECK(u, !allowed(p, set, "https://tenant10000.example.net"), "one past the last");
    CHECK(u, !allowed(p, set, "https://tenant1.example.net.evil"), "suffix trick");
}

/* The index alone: every key found as added, in order, across its growth; others not. */
static void test_index_keys(apr_pool_t *p, unit_counts *u)
{
    cors_index *ix = cors_index_make(p, 0);
    apr_array_header_t *items = cors_index_items(ix);
    int i, found = 0, ordered = 0;

    for (i = 0; i < 1000; i++) {
        cors_item *it = apr_pcalloc(p, sizeof(*it));
        it->key = apr_psprintf(p, "k%d", i);
        cors_index_add(p, ix, it, strlen(it->key));
    }
    for (i = 0; i < 1000; i++) {
        const char *key = apr_psprintf(p, "k%d", i);
        const cors_item *it = cors_index_get(ix, key, strlen(key));
        found += it && strcmp(it->key, key) == 0;
        ordered += APR_ARRAY_IDX(items, i, cors_item *) == it;
    }
    CHECK(u, found == 1000, "1,000 keys found: %d", found);
    CHECK(u, ordered == 1000 && items->nelts == 1000, "... listed in the order added");
    CHECK(u, cors_index_get(ix, "k1000", 5) == NULL && cors_index_get(ix, "k1", 1) == NULL,
          "a key not added, and a prefix of one, are not found");
}

void test_index(apr_pool_t *p, unit_counts *u)
{
    test_many_origins(p, u);
    test_index_keys(p, u);
}

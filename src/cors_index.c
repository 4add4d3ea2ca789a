/* cors_index.c - a level's items by key: open addressing, grown as a level is read, looked up by every request. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include "cors_internal.h"

/* The items are kept in the order added (the array a level lists its items from); each slot
 * holds an item's hash and its place there in eight bytes, at most half the slots are used,
 * so a look-up is one or two slots, and 100,000 origins take less memory than an apr_hash_t
 * would for them. */
struct cors_index {
    apr_uint32_t mask;          /* slots - 1 */
    apr_uint64_t *slots;        /* hash << 32 | place + 1; 0: empty */
    apr_array_header_t *items;  /* cors_item *, in the order added */
};

#define SLOT_HASH(s) ((apr_uint32_t)((s) >> 32))
#define SLOT_PLACE(s) ((int)((s) & 0xffffffffu) - 1)

cors_index *cors_index_make(apr_pool_t *p, int expected)
{
    cors_index *ix = apr_palloc(p, sizeof(*ix));
    apr_uint32_t size = 8;

    while (size < 2 * (apr_uint32_t)expected) {
        size *= 2;
    }
    ix->mask = size - 1;
    ix->slots = apr_pcalloc(p, size * sizeof(apr_uint64_t));
    ix->items = apr_array_make(p, expected > 4 ? expected : 4, sizeof(cors_item *));
    return ix;
}

static void place(apr_uint64_t *slots, apr_uint32_t mask, apr_uint64_t s)
{
    apr_uint32_t at = SLOT_HASH(s);

    while (slots[at & mask]) {
        at++;
    }
    slots[at & mask] = s;
}

void cors_index_add(apr_pool_t *p, cors_index *ix, cors_item *it, size_t len)
{
    if (2 * ((apr_uint32_t)ix->items->nelts + 1) > ix->mask + 1) {
        /* Doubled: the old slots stay in the pool, at most as much again as the last. */
        apr_uint32_t size = 2 * (ix->mask + 1), i;
        apr_uint64_t *grown = apr_pcalloc(p, size * sizeof(apr_uint64_t));
        for (i = 0; i <= ix->mask; i++) {
            if (ix->slots[i]) {
                place(grown, size - 1, ix->slots[i]);
            }
        }
        ix->slots = grown;
        ix->mask = size - 1;
    }
    it->len = (unsigned int)len;
    APR_ARRAY_PUSH(ix->items, cors_item *) = it;
    place(ix->slots, ix->mask, ((apr_uint64_t)cors_hash_bytes(it->key, len) << 32)
                               | (apr_uint32_t)ix->items->nelts);
}

cors_item *cors_index_get(const cors_index *ix, const char *key, size_t len)
{
    apr_uint32_t h = cors_hash_bytes(key, len), at;

    for (at = h;; at++) {
        apr_uint64_t s = ix->slots[at & ix->mask];
        if (!s) {
            return NULL;
        }
        if (SLOT_HASH(s) == h) {
            cors_item *it = APR_ARRAY_IDX(ix->items, SLOT_PLACE(s), cors_item *);
            if (it->len == len && memcmp(it->key, key, len) == 0) {
                return it;
            }
        }
    }
}

apr_array_header_t *cors_index_items(const cors_index *ix)
{
    return ix->items;
}

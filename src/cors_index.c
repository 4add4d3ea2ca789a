/* cors_index.c - a sealed set's look-up table: open addressing over keys that never change again. */
#include <string.h>

#include <apr_hash.h>

#include "cors_internal.h"

/* Built once a level is complete and read by every request after: half empty, so a look-up
 * is one or two slots, each compared by hash and length before its bytes. */
typedef struct {
    unsigned int hash;
    unsigned int len;
    const char *key;            /* NULL: an empty slot */
    const void *value;
} slot;

struct cors_index {
    unsigned int mask;          /* slots - 1, a power of two less one */
    slot *slots;
};

cors_index *cors_index_from_hash(apr_pool_t *p, apr_hash_t *h)
{
    cors_index *ix = apr_palloc(p, sizeof(*ix));
    unsigned int n = h ? apr_hash_count(h) : 0, size = 4;
    apr_hash_index_t *hi;

    while (size < 2 * n) {
        size *= 2;
    }
    ix->mask = size - 1;
    ix->slots = apr_pcalloc(p, size * sizeof(slot));
    for (hi = n ? apr_hash_first(p, h) : NULL; hi; hi = apr_hash_next(hi)) {
        const void *key;
        void *value;
        apr_ssize_t klen;
        unsigned int hash, at;
        apr_hash_this(hi, &key, &klen, &value);
        hash = cors_hash_bytes(key, (size_t)klen);
        at = hash;
        while (ix->slots[at & ix->mask].key) {
            at++;       /* the next slot: the table is never more than half full */
        }
        ix->slots[at & ix->mask].hash = hash;
        ix->slots[at & ix->mask].len = (unsigned int)klen;
        ix->slots[at & ix->mask].key = key;
        ix->slots[at & ix->mask].value = value;
    }
    return ix;
}

const void *cors_index_get(const cors_index *ix, const char *key, size_t len)
{
    unsigned int h = cors_hash_bytes(key, len), at;

    for (at = h;; at++) {
        const slot *s = &ix->slots[at & ix->mask];
        if (!s->key) {
            return NULL;
        }
        if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0) {
            return s->value;
        }
    }
}

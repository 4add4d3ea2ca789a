/* cors_hash.c - the core's hashes: the one every table looks requests up with, and FNV-1a for names that must hash alike everywhere. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include "cors_internal.h"

/* cors_hash_bytes (cors_internal.h) for apr_hash_make_custom. */
unsigned int cors_hash(const char *key, apr_ssize_t *klen)
{
    if (*klen == APR_HASH_KEY_STRING) {
        *klen = (apr_ssize_t)strlen(key);
    }
    return cors_hash_bytes(key, (size_t)*klen);
}

apr_hash_t *cors_hash_make(apr_pool_t *p)
{
    return apr_hash_make_custom(p, cors_hash);
}

apr_uint64_t cors_fnv1a64(const void *data, size_t len)
{
    const unsigned char *s = data;
    apr_uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;

    for (i = 0; i < len; i++) {
        h = (h ^ s[i]) * 0x100000001b3ULL;
    }
    return h;
}

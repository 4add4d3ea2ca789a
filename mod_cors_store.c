/* mod_cors_store.c - the server's shared memory: what every child process must see alike, kept across graceful restarts. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * apr_shm rather than mod_slotmem_shm: Debian does not enable mod_slotmem_shm by default, and
 * mod_cors must not need a module an admin has to load for it; an anonymous segment made by
 * the parent is what mod_slotmem_shm makes underneath anyway.  It lives on the process pool,
 * not the configuration pool, so that restarts keep what it knows.
 */

#include <string.h>

#include "apr_atomic.h"
#include "apr_general.h"
#include "apr_sha1.h"
#include "apr_shm.h"

#include "httpd.h"
#include "http_log.h"

#include "mod_cors_store.h"

APLOG_USE_MODULE(cors);

#define STORE_KEY       "mod_cors store"
#define STORE_MAGIC     0x434f5253u         /* "CORS" */
#define STORE_VERSION   1u

/* The listed set: 65,536 fingerprints (512 KB) in buckets of four; a bucket is one cache
 * line, so a look-up reads one line of memory. */
#define LISTED_WAYS     4
#define LISTED_BUCKETS  16384

typedef struct {
    apr_uint32_t magic;
    apr_uint32_t version;
    unsigned char secret[32];
    apr_uint64_t listed[LISTED_BUCKETS][LISTED_WAYS];
} store_layout;

struct cors_store {
    store_layout *mem;
};

cors_store *cors_store_attach(server_rec *s)
{
    apr_pool_t *pp = s->process->pool;
    cors_store *st = NULL;
    apr_shm_t *shm;
    apr_status_t rv;

    apr_pool_userdata_get((void **)&st, STORE_KEY, pp);
    if (st) {
        return st;
    }
    rv = apr_shm_create(&shm, sizeof(store_layout), NULL, pp);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, "mod_cors: cannot make its shared memory "
                     "(%" APR_SIZE_T_FMT " bytes, anonymous)", sizeof(store_layout));
        return NULL;
    }
    st = apr_pcalloc(pp, sizeof(*st));
    st->mem = apr_shm_baseaddr_get(shm);
    memset(st->mem, 0, sizeof(store_layout));
    st->mem->magic = STORE_MAGIC;
    st->mem->version = STORE_VERSION;
    rv = apr_generate_random_bytes(st->mem->secret, sizeof(st->mem->secret));
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, "mod_cors: no random bytes for the key "
                     "of its shared memory");
        return NULL;
    }
    apr_pool_userdata_setn(st, STORE_KEY, NULL, pp);
    return st;
}

/* SHA-1 over the secret and then the parts, each with its length first (no two lists of
 * parts read alike): a keyed fingerprint no origin can be chosen to match, made without
 * allocating (it runs for every origin a flood sends that a query would be asked for). */
apr_uint64_t cors_store_fingerprint(const cors_store *st, const char *const *parts)
{
    unsigned char md[APR_SHA1_DIGESTSIZE];
    apr_sha1_ctx_t ctx;
    apr_uint64_t fp = 0;
    int i;

    apr_sha1_init(&ctx);
    apr_sha1_update_binary(&ctx, st->mem->secret, sizeof(st->mem->secret));
    for (i = 0; parts[i]; i++) {
        apr_size_t len = strlen(parts[i]);
        unsigned char n[4];
        n[0] = (unsigned char)(len >> 24);
        n[1] = (unsigned char)(len >> 16);
        n[2] = (unsigned char)(len >> 8);
        n[3] = (unsigned char)len;
        apr_sha1_update_binary(&ctx, n, sizeof(n));
        apr_sha1_update_binary(&ctx, (const unsigned char *)parts[i], (unsigned int)len);
    }
    apr_sha1_final(md, &ctx);
    for (i = 0; i < 8; i++) {
        fp = (fp << 8) | md[i];
    }
    return fp ? fp : 1;
}

static volatile apr_uint64_t *bucket_of(const cors_store *st, apr_uint64_t fp)
{
    return st->mem->listed[fp % LISTED_BUCKETS];
}

int cors_store_listed(const cors_store *st, apr_uint64_t fp)
{
    volatile apr_uint64_t *b = bucket_of(st, fp);
    int i;

    for (i = 0; i < LISTED_WAYS; i++) {
        if (apr_atomic_read64(&b[i]) == fp) {
            return 1;
        }
    }
    return 0;
}

void cors_store_set_listed(cors_store *st, apr_uint64_t fp, int listed)
{
    volatile apr_uint64_t *b = bucket_of(st, fp);
    int i;

    if (!listed) {
        for (i = 0; i < LISTED_WAYS; i++) {
            apr_atomic_cas64(&b[i], 0, fp);
        }
        return;
    }
    if (cors_store_listed(st, fp)) {
        return;
    }
    for (i = 0; i < LISTED_WAYS; i++) {
        if (apr_atomic_cas64(&b[i], fp, 0) == 0) {
            return;
        }
    }
    /* Full: a way chosen by the fingerprint's other bits gives way. */
    apr_atomic_set64(&b[(fp >> 32) % LISTED_WAYS], fp);
}

/* mod_cors_htaccess.c - the per-process cache of .htaccess directive lines and the policies they build. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */

#include <string.h>

#include "apr_allocator.h"
#include "apr_general.h"
#include "apr_hash.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"

#include "httpd.h"
#include "http_log.h"
#include "http_main.h"

#include "mod_cors_htaccess.h"

APLOG_USE_MODULE(cors);

/* What a built policy is counted as, per byte of the directive text it was built from:
 * generous (the parsed items, their index slots and the sealed views of a list of origins take
 * about half this); its regexes count as what PCRE2 compiled them to (the build says). */
#define POLICY_BYTES_PER_TEXT   16

/* Generations no longer current but still read by requests in flight: past this many, the
 * cache stops growing (a request parses what it does not find, as without a cache) until one
 * of them ends, so a process holds at most this many plus one. */
#define RETIRED_MAX             2

/* A policy that would take more than this share of a generation is not kept: its file is
 * parsed on every request, as without a cache, and cannot push the others out. */
#define POLICY_SHARE            4

typedef struct generation {
    apr_pool_t *pool;
    apr_hash_t *lines;          /* key_head -> cors_htline */
    apr_size_t bytes;           /* what the lines and policies hold, as counted here */
    unsigned int users;         /* requests pinning it */
    int retired;                /* no longer current: destroyed when users falls to 0 */
} generation;

struct cors_htcache {
    apr_pool_t *pool;           /* its own allocator: used only under lock */
    apr_thread_mutex_t *lock;   /* NULL where the MPM runs no threads */
    generation *current;
    unsigned int retired;       /* generations retired and still read (at most RETIRED_MAX) */
    apr_size_t bound;           /* bytes one generation may hold before the next starts */
    apr_uint64_t seed;          /* per process, in every text hash: no file can aim collisions */
};

struct cors_htline {
    const cors_htline *parent;
    cors_htkey key;             /* file and args copied into the generation */
    const char *error;
    int regexes;
    apr_size_t chain_text;      /* argument bytes from the file's first CORS line to this */
    apr_size_t chain_compiled;  /* what their regexes compiled to when first read */
    const cors_policy *policy;  /* built on first use, then shared */
};

struct cors_htpin {
    cors_htcache *cache;
    generation *gen;
};

/* A line's key in the generation's hash: fixed-size, with the argument text (and, for a
 * file's first line, the file name) as length and 64-bit hash; a hit is then compared with
 * the text itself, so a collision can only cost a miss. */
typedef struct {
    const cors_htline *parent;
    const command_rec *cmd;
    int line_num;
    int flag;
    apr_size_t args_len;
    apr_uint64_t args_hash;
    apr_uint64_t file_hash;     /* 0 but for a first line */
} key_head;

static void lock(cors_htcache *c)
{
#if APR_HAS_THREADS
    if (c->lock) {
        apr_thread_mutex_lock(c->lock);
    }
#endif
    (void)c;
}

static void unlock(cors_htcache *c)
{
#if APR_HAS_THREADS
    if (c->lock) {
        apr_thread_mutex_unlock(c->lock);
    }
#endif
    (void)c;
}

/* Sixteen bytes at a time in two lanes (a thousand origins are 27 KB, hashed on every
 * request), seeded per process so no file can aim at collisions. */
static apr_uint64_t hash_text(apr_uint64_t seed, const char *text, apr_size_t n)
{
    const unsigned char *p = (const unsigned char *)text;
    apr_uint64_t h1 = seed ^ (n * 0x9e3779b97f4a7c15ULL), h2 = ~seed, a, b;

    for (; n >= 16; n -= 16, p += 16) {
        memcpy(&a, p, 8);
        memcpy(&b, p + 8, 8);
        h1 = (h1 ^ a) * 0xff51afd7ed558ccdULL;
        h2 = (h2 ^ b) * 0xc4ceb9fe1a85ec53ULL;
        h1 ^= h1 >> 32;
        h2 ^= h2 >> 29;
    }
    for (a = 0; n > 0; n--) {
        a = (a << 8) | p[n - 1];
    }
    h1 = (h1 ^ a ^ (h2 * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
    return h1 ^ (h1 >> 33);
}

static unsigned int hash_head(const char *key, apr_ssize_t *klen)
{
    const key_head *k = (const key_head *)key;

    (void)klen;
    return (unsigned int)(k->args_hash ^ (k->args_hash >> 32)
                          ^ ((apr_uintptr_t)k->parent >> 4) ^ (apr_uint64_t)k->line_num);
}

static generation *generation_make(cors_htcache *c)
{
    generation *g;
    apr_pool_t *p;

    apr_pool_create(&p, c->pool);
    apr_pool_tag(p, "mod_cors_htaccess_generation");
    g = apr_pcalloc(p, sizeof(*g));
    g->pool = p;
    g->lines = apr_hash_make_custom(p, hash_head);
    return g;
}

cors_htcache *cors_htcache_make(apr_pool_t *pchild, apr_size_t bytes, apr_thread_mutex_t *lock)
{
    apr_allocator_t *alloc = NULL;
    cors_htcache *c = apr_pcalloc(pchild, sizeof(*c));

    apr_allocator_create(&alloc);
    apr_pool_create_ex(&c->pool, pchild, NULL, alloc);
    apr_allocator_owner_set(alloc, c->pool);
    /* What a retired generation frees is kept for the next one, up to one generation. */
    apr_allocator_max_free_set(alloc, bytes);
    c->bound = bytes;
    if (apr_generate_random_bytes((unsigned char *)&c->seed, sizeof(c->seed)) != APR_SUCCESS) {
        c->seed = (apr_uint64_t)(apr_uintptr_t)c ^ (apr_uint64_t)apr_time_now();
    }
    c->lock = lock;
    c->current = generation_make(c);
    return c;
}

/* Under lock: a full current generation is retired and a new one started, unless
 * RETIRED_MAX retired ones are still read; then it stays full (nothing is added) until one
 * of them ends. */
static void rotate_if_full(cors_htcache *c)
{
    generation *g = c->current;

    if (g->bytes <= c->bound || (g->users > 0 && c->retired >= RETIRED_MAX)) {
        return;
    }
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, ap_server_conf, "mod_cors: this process's cache "
                 "of .htaccess lines holds %" APR_SIZE_T_FMT " bytes, over its bound; it "
                 "starts afresh (each file is parsed once more)", g->bytes);
    c->current = generation_make(c);
    if (g->users == 0) {
        apr_pool_destroy(g->pool);
    }
    else {
        g->retired = 1;
        c->retired++;
    }
}

/* Under lock: whether a request may add to the generation it reads (only the current one,
 * while it has room: a retired one never grows). */
static int may_add(const cors_htcache *c, const generation *g)
{
    return g == c->current && g->bytes <= c->bound;
}

static void account(cors_htcache *c, generation *g, apr_size_t bytes)
{
    g->bytes += bytes;
    rotate_if_full(c);
}

static apr_status_t unpin(void *data)
{
    cors_htpin *pin = data;
    cors_htcache *c = pin->cache;

    lock(c);
    if (--pin->gen->users == 0 && pin->gen->retired) {
        apr_pool_destroy(pin->gen->pool);
        c->retired--;
        /* The current one may have been held full, waiting for this. */
        rotate_if_full(c);
    }
    unlock(c);
    return APR_SUCCESS;
}

#define PIN_KEY "mod_cors htaccess pin"

int cors_htcache_pinned(apr_pool_t *rp)
{
    void *pin = NULL;

    apr_pool_userdata_get(&pin, PIN_KEY, rp);
    return pin != NULL;
}

cors_htpin *cors_htcache_pin(cors_htcache *c, apr_pool_t *rp)
{
    cors_htpin *pin = NULL;

    apr_pool_userdata_get((void **)&pin, PIN_KEY, rp);
    if (pin) {
        return pin;
    }
    pin = apr_palloc(rp, sizeof(*pin));
    pin->cache = c;
    lock(c);
    pin->gen = c->current;
    pin->gen->users++;
    unlock(c);
    apr_pool_cleanup_register(rp, pin, unpin, apr_pool_cleanup_null);
    apr_pool_userdata_setn(pin, PIN_KEY, NULL, rp);
    return pin;
}

static void make_head(const cors_htpin *pin, const cors_htline *parent, const cors_htkey *key,
                      key_head *head)
{
    apr_uint64_t seed = pin->cache->seed;

    memset(head, 0, sizeof(*head));
    head->parent = parent;
    head->cmd = key->cmd;
    head->line_num = key->line_num;
    head->flag = key->flag;
    head->args_len = strlen(key->args);
    head->args_hash = hash_text(seed, key->args, head->args_len);
    if (!parent) {
        head->file_hash = hash_text(seed, key->file, strlen(key->file)) | 1;
    }
}

/* The line under head, if its text is key's (under lock). */
static cors_htline *lookup(generation *g, const key_head *head, const cors_htkey *key)
{
    cors_htline *line = apr_hash_get(g->lines, head, sizeof(*head));

    if (line && (memcmp(line->key.args, key->args, head->args_len) != 0
                 || (!head->parent && strcmp(line->key.file, key->file) != 0))) {
        return NULL;
    }
    return line;
}

const cors_htline *cors_htcache_find(cors_htpin *pin, const cors_htline *parent,
                                     const cors_htkey *key)
{
    key_head head;
    const cors_htline *line;

    make_head(pin, parent, key, &head);
    lock(pin->cache);
    line = lookup(pin->gen, &head, key);
    unlock(pin->cache);
    return line;
}

const cors_htline *cors_htcache_add(cors_htpin *pin, const cors_htline *parent,
                                    const cors_htkey *key, const char *error, int regexes,
                                    apr_size_t compiled)
{
    cors_htcache *c = pin->cache;
    generation *g = pin->gen;
    cors_htline *line;
    key_head head;

    make_head(pin, parent, key, &head);
    lock(c);
    line = lookup(g, &head, key);
    /* A different line under the same key (a 64-bit collision) is simply not kept. */
    if (!line && may_add(c, g) && !apr_hash_get(g->lines, &head, sizeof(head))) {
        key_head *k = apr_pmemdup(g->pool, &head, sizeof(head));
        line = apr_pcalloc(g->pool, sizeof(*line));
        line->parent = parent;
        line->key = *key;
        line->key.file = parent ? parent->key.file : apr_pstrdup(g->pool, key->file);
        line->key.args = apr_pstrmemdup(g->pool, key->args, head.args_len);
        line->key.bound = key->bound ? apr_pstrdup(g->pool, key->bound) : NULL;
        line->error = error ? apr_pstrdup(g->pool, error) : NULL;
        line->regexes = regexes;
        line->chain_text = (parent ? parent->chain_text : 0) + head.args_len;
        line->chain_compiled = (parent ? parent->chain_compiled : 0) + compiled;
        apr_hash_set(g->lines, k, sizeof(*k), line);
        account(c, g, sizeof(*line) + sizeof(*k) + head.args_len + 64);
    }
    unlock(c);
    return line;
}

const char *cors_htline_error(const cors_htline *line)
{
    return line->error;
}

int cors_htline_regexes(const cors_htline *line)
{
    return line->regexes;
}

const char *cors_htcache_replay(const cors_htline *line, apr_pool_t *pool,
                                apr_pool_t *scratch, cors_htapply_fn apply, void *baton,
                                void *dconf)
{
    const cors_htline *chain[64], **lines = chain;
    apr_size_t n = 0, size = 64;
    const cors_htline *l;
    const char *err = NULL;

    for (l = line; l; l = l->parent) {
        if (n == size) {
            const cors_htline **more = apr_palloc(scratch,
                                                  2 * size * sizeof(const cors_htline *));
            memcpy(more, lines, size * sizeof(const cors_htline *));
            lines = more;
            size *= 2;
        }
        lines[n++] = l;
    }
    while (n-- > 0 && !err) {
        err = apply(baton, pool, scratch, &lines[n]->key, dconf);
    }
    return err;
}

/* What a kept policy's origin files hold is counted in its generation, like its lines: a
 * file that grows may make the generation full (the cache then starts afresh), and a retired
 * generation, read only by requests in flight, takes nothing more. */
typedef struct {
    cors_htcache *cache;
    generation *gen;
    int kept;                   /* the policy is in gen (else it is one request's) */
    cors_meter meter;
} policy_meter;

static int charge_generation(void *baton, apr_off_t delta)
{
    policy_meter *m = baton;
    cors_htcache *c = m->cache;
    generation *g = m->gen;
    int ok = 1;

    lock(c);
    if (m->kept) {
        if (delta > 0 && g->retired) {
            ok = 0;
        }
        else {
            g->bytes = delta < 0 && (apr_size_t)-delta > g->bytes ? 0
                       : (apr_size_t)((apr_off_t)g->bytes + delta);
            rotate_if_full(c);
        }
    }
    unlock(c);
    return ok;
}

static apr_status_t destroy_pool(void *pool)
{
    apr_pool_destroy(pool);
    return APR_SUCCESS;
}

const cors_policy *cors_htcache_policy(cors_htpin *pin, const cors_htline *line,
                                       apr_pool_t *scratch, cors_htbuild_fn build, void *baton,
                                       const char **error)
{
    cors_htcache *c = pin->cache;
    cors_htline *l = (cors_htline *)line;
    const cors_policy *pol;
    cors_policy *built;
    apr_size_t counted = sizeof(cors_policy) + POLICY_BYTES_PER_TEXT * line->chain_text;
    apr_size_t compiled = 0;
    apr_pool_t *pool;
    policy_meter *m;
    int may_build;

    *error = NULL;
    lock(c);
    pol = l->policy;
    /* Judged before building, on what the lines took when they were first read. */
    may_build = !pol && may_add(c, pin->gen)
                && counted + line->chain_compiled <= c->bound / POLICY_SHARE;
    unlock(c);
    if (!may_build) {
        return pol;
    }
    /* Built outside the lock (a build replays every line: regexes compiled, origin files
     * read), into a pool of its own, so that one site's edits cost that site's requests
     * only; then published under the lock, unless another request was quicker. */
    apr_pool_create_unmanaged_ex(&pool, NULL, NULL);
    m = apr_pcalloc(pool, sizeof(*m));
    m->cache = c;
    m->gen = pin->gen;
    m->meter.charge = charge_generation;
    m->meter.baton = m;
    built = build(baton, pool, scratch, line, &m->meter, &compiled, error);
    if (!built) {
        apr_pool_destroy(pool);
        return NULL;
    }
    lock(c);
    if (!l->policy && may_add(c, pin->gen)) {
        l->policy = built;
        m->kept = 1;
        apr_pool_cleanup_register(pin->gen->pool, pool, destroy_pool, apr_pool_cleanup_null);
        account(c, pin->gen, counted + compiled);
    }
    pol = l->policy;
    unlock(c);
    if (!m->kept) {
        /* Another request kept its own first, or the cache filled meanwhile: this one serves
         * the request that built it. */
        apr_pool_cleanup_register(scratch, pool, destroy_pool, apr_pool_cleanup_null);
        return pol ? pol : built;
    }
    return pol;
}

/* mod_cors_process.c - per-process services of the glue: locks, pools, what is said once, the suffix list. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Threaded MPMs run requests at once: what a process keeps between requests is made at
 * child_init, bounded, and used under a lock of its own.  No global is written.
 */

#include <string.h>

#include "apr_allocator.h"
#include "apr_hash.h"
#include "apr_strings.h"

#include "ap_mpm.h"
#include "http_core.h"
#include "http_main.h"

#include "mod_cors.h"
#include "mod_cors_process.h"

/* What a process remembers of regexes' probes: past this much regex text it starts afresh. */
#define VERDICTS_BYTES  ((apr_size_t)1024 * 1024)

/* A bounded map of text to text, in a pool of its own, under a lock. */
typedef struct {
    apr_pool_t *pool;
    apr_thread_mutex_t *lock;           /* NULL without threads */
    apr_hash_t *map;
    apr_size_t bytes;
} process_map;

struct cors_process {
    process_map *said[3];               /* by cors_said: key -> "" */
    process_map *verdicts;              /* regex text -> "0" or "1" */
};

apr_thread_mutex_t *cors_process_lock(apr_pool_t *pchild)
{
    apr_thread_mutex_t *lock = NULL;
#if APR_HAS_THREADS
    int threaded = 0;

    ap_mpm_query(AP_MPMQ_IS_THREADED, &threaded);
    if (threaded) {
        apr_thread_mutex_create(&lock, APR_THREAD_MUTEX_DEFAULT, pchild);
    }
#else
    (void)pchild;
#endif
    return lock;
}

void cors_lock(apr_thread_mutex_t *m)
{
#if APR_HAS_THREADS
    if (m) {
        apr_thread_mutex_lock(m);
    }
#else
    (void)m;
#endif
}

void cors_unlock(apr_thread_mutex_t *m)
{
#if APR_HAS_THREADS
    if (m) {
        apr_thread_mutex_unlock(m);
    }
#else
    (void)m;
#endif
}

apr_pool_t *cors_own_pool(apr_pool_t *parent)
{
    apr_allocator_t *alloc = NULL;
    apr_pool_t *p;

    apr_allocator_create(&alloc);
    apr_pool_create_ex(&p, parent, NULL, alloc);
    apr_allocator_owner_set(alloc, p);
    return p;
}

int cors_in_htaccess(const cmd_parms *cmd)
{
    (void)cmd;
    return ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_RUN_MPM;
}

cors_server_conf *cors_main_conf(void)
{
    return ap_get_module_config(ap_server_conf->module_config, &cors_module);
}

static process_map *map_make(apr_pool_t *pchild)
{
    process_map *m = apr_pcalloc(pchild, sizeof(*m));

    m->pool = cors_own_pool(pchild);
    m->map = apr_hash_make(m->pool);
    m->lock = cors_process_lock(pchild);
    return m;
}

static const char *map_get(process_map *m, const char *key)
{
    const char *v;

    cors_lock(m->lock);
    v = apr_hash_get(m->map, key, APR_HASH_KEY_STRING);
    cors_unlock(m->lock);
    return v;
}

/* Puts key (if new) unless the map is full: full is "no room" (restart 0) or "start afresh"
 * (restart 1).  Returns whether key is new and was put. */
static int map_put(process_map *m, const char *key, const char *value, apr_size_t max_count,
                   apr_size_t max_bytes, int restart)
{
    apr_size_t len = strlen(key);
    int put = 0;

    cors_lock(m->lock);
    if (restart && (apr_hash_count(m->map) >= max_count || m->bytes + len > max_bytes)) {
        apr_pool_clear(m->pool);
        m->map = apr_hash_make(m->pool);
        m->bytes = 0;
    }
    if (!apr_hash_get(m->map, key, (apr_ssize_t)len) && apr_hash_count(m->map) < max_count
        && m->bytes + len <= max_bytes) {
        apr_hash_set(m->map, apr_pstrmemdup(m->pool, key, len), (apr_ssize_t)len, value);
        m->bytes += len;
        put = 1;
    }
    cors_unlock(m->lock);
    return put;
}

static cors_process *process_of(void)
{
    return ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_RUN_MPM ? cors_main_conf()->process
                                                                : NULL;
}

/* Start-up reads each file once for configtest and once more to start, and says everything. */
int cors_say_once(cors_said room, const char *key)
{
    cors_process *pr = process_of();

    return !pr || map_put(pr->said[room], key, "", CORS_SAID_MAX, (apr_size_t)-1, 0);
}

int cors_said_full(cors_said room)
{
    cors_process *pr = process_of();
    int full;

    if (!pr) {
        return 0;
    }
    cors_lock(pr->said[room]->lock);
    full = apr_hash_count(pr->said[room]->map) >= CORS_SAID_MAX;
    cors_unlock(pr->said[room]->lock);
    return full;
}

int cors_regex_verdict(const char *source)
{
    cors_process *pr = process_of();
    const char *v = pr ? map_get(pr->verdicts, source) : NULL;

    return v ? *v == '1' : -1;
}

void cors_regex_remember(const char *source, int broad)
{
    cors_process *pr = process_of();

    if (pr) {
        map_put(pr->verdicts, source, broad ? "1" : "0", (apr_size_t)-1, VERDICTS_BYTES, 1);
    }
}

/* The list is read into pconf once per configuration cycle: at start-up the directives find
 * it there; requests (.htaccess files) find it in the main server's record, set at
 * post_config. */
#define PSL_KEY "mod_cors suffixes below"

typedef struct {
    const cors_psl_below *below;        /* NULL: the list could not be read */
} psl_holder;

const cors_psl_below *cors_suffixes_load(apr_pool_t *pconf)
{
    psl_holder *h = NULL;

    apr_pool_userdata_get((void **)&h, PSL_KEY, pconf);
    if (!h) {
        h = apr_palloc(pconf, sizeof(*h));
        h->below = cors_psl_below_load(pconf, CORS_PSL_LIST);
        apr_pool_userdata_setn(h, PSL_KEY, NULL, pconf);
    }
    return h->below;
}

const cors_psl_below *cors_suffixes_below(const cmd_parms *cmd)
{
    return cors_in_htaccess(cmd) ? cors_main_conf()->below : cors_suffixes_load(cmd->pool);
}

void cors_process_child_init(apr_pool_t *pchild, server_rec *s)
{
    cors_server_conf *sconf = ap_get_module_config(s->module_config, &cors_module);
    cors_process *pr = apr_pcalloc(pchild, sizeof(*pr));

    pr->said[CORS_SAID_SERVER] = map_make(pchild);
    pr->said[CORS_SAID_HTACCESS] = map_make(pchild);
    pr->said[CORS_SAID_REPORT] = map_make(pchild);
    pr->verdicts = map_make(pchild);
    sconf->process = pr;
}

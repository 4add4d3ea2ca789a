/* mod_cors_sources.c - what the origin back ends share: answers kept (per process and in mod_socache), the query budget, one breaker, the listed origins. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * The back ends (mod_cors_source_*.c) are providers found by name; this file holds what
 * more than one of them needs, and the directives and hooks that are the sources' as a
 * whole: CORSOriginCache, CORSOriginCacheTimeout, CORSOriginQueryBudget,
 * CORSOriginCacheSecret.  Whatever cannot answer refuses (fail closed).
 */

#include <string.h>

#include "apr_file_info.h"
#include "apr_global_mutex.h"
#include "apr_hash.h"
#include "apr_strings.h"

#include "ap_provider.h"
#include "ap_socache.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_main.h"
#include "util_mutex.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "cors_conf.h"
#include "mod_cors.h"
#include "mod_cors_sources.h"
#include "mod_cors_store.h"

APLOG_USE_MODULE(cors);

#define LOG_INTERVAL            apr_time_from_sec(60)
#define DEFAULT_CACHE_TIMEOUT   60      /* seconds */
#define DEFAULT_QUERY_BUDGET    50      /* queries per second and process */
#define MEMO_MAX                4096    /* answers a process remembers per source */

#define ENV_KEY         "mod_cors sources"
#define CACHE_MUTEX     "cors-origin-cache"
#define CACHE_NAME      "mod_cors-origins"  /* mod_socache's consumer name: 16 at most */

typedef struct cors_sources_env cors_sources_env;

struct cors_sources_env {
    /* CORSOriginCache: NULL when none is configured. */
    const ap_socache_provider_t *cache;
    ap_socache_instance_t *cache_inst;
    const char *cache_spec;
    apr_global_mutex_t *cache_lock;     /* providers that are not safe across processes */
    int spread;                         /* shmcb: keys start with a byte of their hash */
    int remote;                         /* the cache is across the network (not shmcb) */
    apr_interval_time_t timeout;
    int budget;                         /* queries per second and process */
    const unsigned char *secret;        /* CORSOriginCacheSecret: the MAC key of remote
                                         * answers, or NULL */
    apr_size_t secret_len;
    const char *secret_file;
    int need_store;                     /* a query source was read */
    cors_store *store;                  /* the server's shared memory (listed origins) */
    apr_array_header_t *started;        /* cors_source_base *: read at start-up */
    apr_hash_t *shared;                 /* a source's key -> cors_source_made * */
    /* Per process, from child_init. */
    apr_thread_mutex_t *lock;
    apr_time_t budget_second;
    int budget_used;
    int refresh_used;                   /* of listed origins whose answer was due again */
    apr_time_t budget_logged;
    cors_breaker cache_breaker;         /* a remote cache that fails or hangs is skipped */
};

static cors_sources_env *env_of(apr_pool_t *pconf)
{
    cors_sources_env *env = NULL;

    apr_pool_userdata_get((void **)&env, ENV_KEY, pconf);
    if (!env) {
        env = apr_pcalloc(pconf, sizeof(*env));
        env->timeout = apr_time_from_sec(DEFAULT_CACHE_TIMEOUT);
        env->budget = DEFAULT_QUERY_BUDGET;
        env->started = apr_array_make(pconf, 4, sizeof(cors_source_base *));
        env->shared = apr_hash_make(pconf);
        apr_pool_userdata_setn(env, ENV_KEY, NULL, pconf);
    }
    return env;
}

/* At request time, through the main server's record (set at post_config). */
static cors_sources_env *running_env(void)
{
    return cors_main_conf()->sources;
}

const char *cors_error_text(apr_pool_t *p, apr_status_t rv)
{
    char buf[120];

    return apr_pstrdup(p, apr_strerror(rv, buf, sizeof(buf)));
}

/* A file's version (see mod_cors_sources.h). */
cors_file_stamp cors_stamp_of(const char *path, apr_pool_t *p)
{
    apr_finfo_t fi;
    cors_file_stamp st;

    memset(&st, 0, sizeof(st));
    if (apr_stat(&fi, path, APR_FINFO_MTIME | APR_FINFO_CTIME | APR_FINFO_SIZE | APR_FINFO_INODE
                            | APR_FINFO_DEV, p) != APR_SUCCESS) {
        st.missing = 1;
        return st;
    }
    st.mtime = fi.mtime;
    st.ctime = fi.ctime;
    st.size = fi.size;
    st.inode = fi.inode;
    st.device = fi.device;
    return st;
}

int cors_same_stamp(const cors_file_stamp *a, const cors_file_stamp *b)
{
    return a->missing == b->missing && a->mtime == b->mtime && a->ctime == b->ctime
           && a->size == b->size && a->inode == b->inode && a->device == b->device;
}

/* ---------------------------------------------------------------------------------------- */
/* What every source has                                                                      */

void cors_source_init(cmd_parms *cmd, cors_source_base *b, const char *name,
                      void (*child_init)(cors_source_base *b, apr_pool_t *pchild))
{
    b->name = name;
    b->logged = 0;
    b->child_init = child_init;
    if (cors_in_htaccess(cmd)) {
        b->lock = cors_process_lock(cmd->pool);
        if (child_init) {
            child_init(b, cmd->pool);
        }
    }
    else {
        b->lock = NULL;
        APR_ARRAY_PUSH(env_of(cmd->pool)->started, cors_source_base *) = b;
    }
}

int cors_source_time_to_log(cors_source_base *b, apr_time_t now)
{
    int say;

    cors_lock(b->lock);
    say = b->logged == 0 || now - b->logged >= LOG_INTERVAL || now < b->logged;
    if (say) {
        b->logged = now;
    }
    cors_unlock(b->lock);
    return say;
}

/* A file or DBM file named in several sections of the configuration is one source: read,
 * looked at and kept once per process.  (Each .htaccess file's are its own.) */
int cors_source_shared(cmd_parms *cmd, const char *key, cors_source_made *out)
{
    const cors_source_made *made = apr_hash_get(env_of(cmd->pool)->shared, key,
                                                APR_HASH_KEY_STRING);

    if (made) {
        *out = *made;
    }
    return made != NULL;
}

void cors_source_share(cmd_parms *cmd, const char *key, const cors_source_made *made)
{
    apr_hash_set(env_of(cmd->pool)->shared, apr_pstrdup(cmd->pool, key), APR_HASH_KEY_STRING,
                 apr_pmemdup(cmd->pool, made, sizeof(*made)));
}

/* ---------------------------------------------------------------------------------------- */
/* The breaker                                                                                */

int cors_breaker_enter(cors_breaker *b, apr_time_t now)
{
    int open;

    cors_lock(b->lock);
    open = now >= b->down_until && b->waiting < CORS_WAITING_MAX
           && !(b->hang && b->waiting > 0 && now - b->moved >= CORS_BREAKER_INTERVAL);
    if (open && b->waiting++ == 0) {
        b->moved = now;
    }
    cors_unlock(b->lock);
    return open;
}

void cors_breaker_leave(cors_breaker *b, apr_time_t began, apr_time_t now, int failed)
{
    cors_lock(b->lock);
    b->waiting--;
    b->moved = now;
    if (failed || (b->hang && now - began >= CORS_BREAKER_INTERVAL)) {
        b->down_until = now + CORS_BREAKER_INTERVAL;
    }
    cors_unlock(b->lock);
}

/* ---------------------------------------------------------------------------------------- */
/* A process's own memory of answers                                                          */

struct cors_memo {
    apr_pool_t *pool;                   /* its own allocator: used under lock only */
    apr_thread_mutex_t *lock;
    apr_hash_t *answers;                /* key -> memo_entry */
};

typedef struct {
    apr_time_t until;
    int answer;
} memo_entry;

cors_memo *cors_memo_make(apr_pool_t *pchild, apr_thread_mutex_t *lock)
{
    cors_memo *m = apr_pcalloc(pchild, sizeof(*m));

    m->pool = cors_own_pool(pchild);
    m->lock = lock;
    m->answers = cors_hash_make(m->pool);
    return m;
}

int cors_memo_get(cors_memo *m, const char *key, size_t len, apr_time_t now)
{
    const memo_entry *e;
    int answer = -1;

    cors_lock(m->lock);
    e = apr_hash_get(m->answers, key, (apr_ssize_t)len);
    if (e && now < e->until) {
        answer = e->answer;
    }
    cors_unlock(m->lock);
    return answer;
}

/* Past MEMO_MAX answers (a flood of strangers' origins) the memory starts afresh: what it
 * lost is looked up again. */
void cors_memo_put(cors_memo *m, const char *key, size_t len, int answer, apr_time_t until)
{
    memo_entry *e;

    cors_lock(m->lock);
    if (apr_hash_count(m->answers) >= MEMO_MAX) {
        apr_pool_clear(m->pool);
        m->answers = cors_hash_make(m->pool);
    }
    e = apr_hash_get(m->answers, key, (apr_ssize_t)len);
    if (!e) {
        e = apr_palloc(m->pool, sizeof(*e));
        apr_hash_set(m->answers, apr_pstrmemdup(m->pool, key, len), (apr_ssize_t)len, e);
    }
    e->until = until;
    e->answer = answer;
    cors_unlock(m->lock);
}

void cors_memo_clear(cors_memo *m)
{
    cors_lock(m->lock);
    apr_pool_clear(m->pool);
    m->answers = cors_hash_make(m->pool);
    cors_unlock(m->lock);
}

/* ---------------------------------------------------------------------------------------- */
/* The cache of a query's answers (mod_socache)                                               */

/* A namespace is the query's hash and the database's (16 hex digits each). */
#define NS_LEN  32

static unsigned char *put_bytes(unsigned char *at, const void *s, size_t n)
{
    memcpy(at, s, n);
    return at + n;
}

/* A remote cache's key: "cors:" and 32 hex digits of SHA-256 over "cors:QUERY:", DATABASE,
 * ":" and the origin.  memcache and redis hex-encode a key into 254 bytes, refusing one of
 * more than 117: a key that held the origin could not hold a long one.  The origin itself
 * goes in the value, and is compared on every hit. */
#define REMOTE_ID_LEN   (5 + 32)

static unsigned int remote_key(const char *ns, const char *key, size_t len, unsigned char *buf)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE], *at = buf;
    unsigned int mdlen = 0, i;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();

    if (!ctx) {
        return 0;
    }
    if (!EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) || !EVP_DigestUpdate(ctx, "cors:", 5)
        || !EVP_DigestUpdate(ctx, ns, 16) || !EVP_DigestUpdate(ctx, ":", 1)
        || !EVP_DigestUpdate(ctx, ns + 16, 16) || !EVP_DigestUpdate(ctx, ":", 1)
        || !EVP_DigestUpdate(ctx, key, len) || !EVP_DigestFinal_ex(ctx, md, &mdlen)) {
        mdlen = 0;
    }
    EVP_MD_CTX_free(ctx);
    if (mdlen < 16) {
        return 0;
    }
    at = put_bytes(at, "cors:", 5);
    for (i = 0; i < 16; i++) {
        *at++ = (unsigned char)hex[md[i] >> 4];
        *at++ = (unsigned char)hex[md[i] & 15];
    }
    return REMOTE_ID_LEN;
}

/* An answer's key: "cors:QUERY:DATABASE:ORIGIN" (the database is the hash of the DBDriver and
 * DBDParams in force for the virtual host that asks: two hosts' databases never answer for
 * each other, while the servers of a fleet with the same database share their answers).
 * shmcb files a key in one of its subcaches by the key's first byte and searches a subcache
 * entry by entry: there a byte of the origin's hash goes first, so that answers spread over
 * all of them. */
static unsigned int cache_key(const cors_sources_env *env, const char *ns, const char *key,
                              size_t len, unsigned char *buf, size_t size)
{
    unsigned char *at = buf;

    if (1 + 5 + NS_LEN + 2 + len > size) {
        return 0;
    }
    if (env->remote) {
        return remote_key(ns, key, len, buf);
    }
    if (env->spread) {
        apr_uint64_t h = cors_fnv1a64(key, len);
        *at++ = (unsigned char)(h ^ (h >> 8) ^ (h >> 16) ^ (h >> 24));
    }
    at = put_bytes(at, "cors:", 5);
    at = put_bytes(at, ns, 16);
    *at++ = ':';
    at = put_bytes(at, ns + 16, 16);
    *at++ = ':';
    at = put_bytes(at, key, len);
    return (unsigned int)(at - buf);
}

/* What a remote cache answers for one key alone (a key or value it refuses, none stored) is
 * not the cache failing: only the rest counts against it. */
static int cache_failed(apr_status_t rv)
{
    return rv != APR_SUCCESS && rv != APR_NOTFOUND && rv != APR_EINVAL && rv != APR_ENOSPC;
}

/* A cache across the network (redis, memcache) that hangs or fails must not hold requests:
 * its breaker (with hang on).  shmcb is this machine's memory. */
static int cache_enter(cors_sources_env *env, apr_time_t *began)
{
    if (!env->remote) {
        return 1;
    }
    *began = apr_time_now();
    return cors_breaker_enter(&env->cache_breaker, *began);
}

static void cache_leave(cors_sources_env *env, apr_time_t began, apr_status_t rv)
{
    if (env->remote) {
        cors_breaker_leave(&env->cache_breaker, began, apr_time_now(), cache_failed(rv));
    }
}

/* A cached answer: '1' or '0', then until when it is fresh (8 bytes, big-endian, the same on
 * every server of a fleet).  In a remote cache the origin follows, and with
 * CORSOriginCacheSecret a MAC over the key and all that (HMAC-SHA-256): an entry a stranger
 * wrote into a shared redis allows nothing. */
#define CACHED_LEN  9
#define MAC_LEN     32
#define VALUE_MAX   (CACHED_LEN + CORS_ORIGIN_MAX + MAC_LEN)

static int value_mac(const cors_sources_env *env, const unsigned char *id, unsigned int idlen,
                     const unsigned char *val, size_t vlen, unsigned char mac[MAC_LEN])
{
    unsigned char msg[REMOTE_ID_LEN + VALUE_MAX];
    unsigned int maclen = 0;

    if (idlen + vlen > sizeof(msg)) {
        return 0;
    }
    memcpy(msg, id, idlen);
    memcpy(msg + idlen, val, vlen);
    return HMAC(EVP_sha256(), env->secret, (int)env->secret_len, msg, idlen + vlen, mac,
                &maclen) != NULL && maclen == MAC_LEN;
}

/* The remote value holds this origin, and (with a secret) its MAC is right. */
static int remote_value_ok(const cors_sources_env *env, const unsigned char *id,
                           unsigned int idlen, const unsigned char *val, unsigned int vlen,
                           const char *key, size_t len)
{
    size_t maclen = env->secret ? MAC_LEN : 0;
    unsigned char mac[MAC_LEN];

    if (vlen != CACHED_LEN + len + maclen || memcmp(val + CACHED_LEN, key, len) != 0) {
        return 0;
    }
    return !maclen || (value_mac(env, id, idlen, val, CACHED_LEN + len, mac)
                       && CRYPTO_memcmp(mac, val + CACHED_LEN + len, MAC_LEN) == 0);
}

int cors_cache_get(request_rec *r, const char *ns, const char *key, size_t len,
                   apr_time_t now, apr_time_t *until_out)
{
    cors_sources_env *env = running_env();
    unsigned char id[CORS_ORIGIN_MAX + 64], val[VALUE_MAX + 1];
    unsigned int idlen, vlen = sizeof(val);
    apr_uint64_t until = 0;
    apr_time_t began = 0;
    apr_status_t rv;
    int i;

    if (!env->cache || (idlen = cache_key(env, ns, key, len, id, sizeof(id))) == 0
        || !cache_enter(env, &began)) {
        return -1;
    }
    if (env->cache_lock) {
        apr_global_mutex_lock(env->cache_lock);
    }
    rv = env->cache->retrieve(env->cache_inst, r->server, id, idlen, val, &vlen, r->pool);
    if (env->cache_lock) {
        apr_global_mutex_unlock(env->cache_lock);
    }
    cache_leave(env, began, rv);
    if (rv != APR_SUCCESS || vlen < CACHED_LEN || (val[0] != '0' && val[0] != '1')
        || (env->remote ? !remote_value_ok(env, id, idlen, val, vlen, key, len)
                        : vlen != CACHED_LEN)) {
        return -1;
    }
    for (i = 1; i < CACHED_LEN; i++) {
        until = (until << 8) | val[i];
    }
    /* The entry's own time bounds it, whatever the cache kept it for: a yes is answered up
     * to a timeout past its time, a no not past it.  (Whoever can write to a remote cache
     * could otherwise put an old, genuinely signed answer back for as long as they like.) */
    if (now >= (apr_time_t)until + (val[0] == '1' ? env->timeout : 0)) {
        return -1;
    }
    *until_out = (apr_time_t)until;
    return val[0] == '1';
}

void cors_cache_put(request_rec *r, const char *ns, const char *key, size_t len, int listed,
                    apr_time_t now)
{
    cors_sources_env *env = running_env();
    unsigned char id[CORS_ORIGIN_MAX + 64], val[VALUE_MAX];
    apr_uint64_t until = (apr_uint64_t)(now + env->timeout);
    unsigned int idlen, vlen = CACHED_LEN;
    apr_time_t began = 0;
    apr_status_t rv;
    int i;

    if (!env->cache || (idlen = cache_key(env, ns, key, len, id, sizeof(id))) == 0) {
        return;
    }
    val[0] = listed ? '1' : '0';
    for (i = CACHED_LEN - 1; i > 0; i--) {
        val[i] = (unsigned char)(until & 0xff);
        until >>= 8;
    }
    if (env->remote) {
        memcpy(val + CACHED_LEN, key, len);
        vlen += (unsigned int)len;
        if (env->secret) {
            if (!value_mac(env, id, idlen, val, vlen, val + vlen)) {
                return;
            }
            vlen += MAC_LEN;
        }
    }
    if (!cache_enter(env, &began)) {
        return;
    }
    if (env->cache_lock) {
        apr_global_mutex_lock(env->cache_lock);
    }
    rv = env->cache->store(env->cache_inst, r->server, id, idlen,
                           now + env->timeout * (listed ? 2 : 1), val, vlen, r->pool);
    if (env->cache_lock) {
        apr_global_mutex_unlock(env->cache_lock);
    }
    cache_leave(env, began, rv);
}

int cors_cache_configured(apr_pool_t *pconf)
{
    return env_of(pconf)->cache != NULL;
}

apr_interval_time_t cors_cache_timeout(void)
{
    return running_env()->timeout;
}

/* ---------------------------------------------------------------------------------------- */
/* The budget and the listed origins                                                          */

/* Past the budget a flood of new origins is refused instead of sent to the database.
 * Origins the database listed (their answer cached, or known to the server's shared memory,
 * and due to be asked again) have a budget of their own, which a flood of strangers' origins
 * cannot spend.  The second is this process's clock's: a request's own time is when its first
 * line came, which a client sending its headers slowly chooses. */
int cors_budget_take(request_rec *r, apr_time_t now, int listed_before)
{
    cors_sources_env *env = running_env();
    apr_time_t second = apr_time_sec(now);
    int *used, ok, say;

    cors_lock(env->lock);
    if (second != env->budget_second) {
        env->budget_second = second;
        env->budget_used = 0;
        env->refresh_used = 0;
    }
    used = listed_before ? &env->refresh_used : &env->budget_used;
    ok = *used < env->budget;
    *used += ok;
    say = !ok && (env->budget_logged == 0 || now - env->budget_logged >= LOG_INTERVAL
                  || now < env->budget_logged);
    if (say) {
        env->budget_logged = now;
    }
    cors_unlock(env->lock);
    if (say) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, "mod_cors: more than %d origin "
                      "queries a second in this process (CORSOriginQueryBudget): origins "
                      "not in the cache are refused until the next second (said once a "
                      "minute per process)", env->budget);
    }
    return ok;
}

/* The origins a database listed are known to every process (the server's shared memory): a
 * flood of strangers' "no" answers may push a listed origin's answer out of the cache, and it
 * must not then count as a stranger's in any process (see cors_budget_take). */
static apr_uint64_t listed_fingerprint(const cors_sources_env *env, const request_rec *r,
                                       const char *ns, const char *key, size_t len)
{
    const char *parts[4];

    parts[0] = apr_pstrmemdup(r->pool, ns, 16);
    parts[1] = apr_pstrmemdup(r->pool, ns + 16, 16);
    parts[2] = apr_pstrmemdup(r->pool, key, len);
    parts[3] = NULL;
    return cors_store_fingerprint(env->store, parts);
}

int cors_listed_known(const request_rec *r, const char *ns, const char *key, size_t len)
{
    cors_sources_env *env = running_env();

    return env->store && cors_store_listed(env->store, listed_fingerprint(env, r, ns, key, len));
}

void cors_listed_remember(const request_rec *r, const char *ns, const char *key, size_t len,
                          int listed)
{
    cors_sources_env *env = running_env();

    if (env->store) {
        cors_store_set_listed(env->store, listed_fingerprint(env, r, ns, key, len), listed);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* The server-wide directives                                                                 */

const char *cors_sources_set_cache(cmd_parms *cmd, const char *spec)
{
    cors_sources_env *env = env_of(cmd->pool);
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char *sep = strchr(spec, ':');
    const char *name = sep ? apr_pstrmemdup(cmd->pool, spec, (apr_size_t)(sep - spec)) : spec;

    if (err) {
        return err;
    }
    env->cache = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                    AP_SOCACHE_PROVIDER_VERSION);
    if (!env->cache) {
        return apr_psprintf(cmd->pool, "CORSOriginCache: unknown cache '%s': load its module "
                            "first (mod_socache_%s; shmcb for one server, memcache or redis "
                            "for several)", name, name);
    }
    err = env->cache->create(&env->cache_inst, sep ? sep + 1 : NULL, cmd->temp_pool, cmd->pool);
    if (err) {
        return apr_psprintf(cmd->pool, "CORSOriginCache: %s", err);
    }
    env->cache_spec = apr_pstrdup(cmd->pool, spec);
    env->spread = !strcmp(name, "shmcb");
    env->remote = strcmp(name, "shmcb") != 0 && strcmp(name, "dbm") != 0;
    return NULL;
}

static const char *number_arg(cmd_parms *cmd, const char *arg, unsigned long lo,
                              unsigned long hi, unsigned long *v)
{
    const char *err = cors_conf_number(cmd->pool, cmd->cmd->name, arg, lo, hi, v);

    return err ? err : ap_check_cmd_context(cmd, GLOBAL_ONLY);
}

const char *cors_sources_set_timeout(cmd_parms *cmd, const char *arg)
{
    unsigned long v;
    const char *err = number_arg(cmd, arg, 1, 86400, &v);

    if (!err) {
        env_of(cmd->pool)->timeout = apr_time_from_sec((apr_time_t)v);
    }
    return err;
}

const char *cors_sources_set_budget(cmd_parms *cmd, const char *arg)
{
    unsigned long v;
    const char *err = number_arg(cmd, arg, 1, 100000, &v);

    if (!err) {
        env_of(cmd->pool)->budget = (int)v;
    }
    return err;
}

/* CORSOriginCacheSecret PATH: the key of the MAC on the answers kept in a remote cache, the
 * same on every server sharing it.  Read at start-up, as root: the file may be root's alone,
 * and must not be readable by others. */
#define SECRET_MIN  32
#define SECRET_MAX  4096

const char *cors_sources_set_secret(cmd_parms *cmd, const char *path)
{
    cors_sources_env *env = env_of(cmd->pool);
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char *file = ap_server_root_relative(cmd->pool, path);
    unsigned char *key = NULL;
    apr_file_t *f;
    apr_finfo_t fi;
    apr_size_t got = 0;
    apr_status_t rv;

    if (err) {
        return err;
    }
    if (!file) {
        return apr_psprintf(cmd->pool, "CORSOriginCacheSecret: '%s' is not a valid path", path);
    }
    rv = apr_file_open(&f, file, APR_FOPEN_READ | APR_FOPEN_BINARY | APR_FOPEN_NONBLOCK,
                       APR_OS_DEFAULT, cmd->temp_pool);
    if (rv == APR_SUCCESS) {
        rv = apr_file_info_get(&fi, APR_FINFO_SIZE | APR_FINFO_TYPE | APR_FINFO_PROT
                                    | APR_FINFO_GROUP, f);
        if (rv == APR_SUCCESS && (fi.filetype != APR_REG || fi.size > SECRET_MAX)) {
            rv = APR_EINVAL;
        }
        if (rv == APR_SUCCESS) {
            key = apr_palloc(cmd->pool, (apr_size_t)fi.size + 1);
            rv = apr_file_read_full(f, key, (apr_size_t)fi.size, &got);
        }
        apr_file_close(f);
    }
    if (rv != APR_SUCCESS || !key) {
        return apr_psprintf(cmd->pool, "CORSOriginCacheSecret: cannot read %s (a regular file "
                            "of at most %d bytes): %s", file, SECRET_MAX,
                            cors_error_text(cmd->temp_pool, rv));
    }
    /* Readable by httpd's user, the secret would be readable by every script it runs (a
     * customer's PHP, on shared hosting). */
    if ((fi.protection & APR_WREAD) || ((fi.protection & APR_GREAD) && fi.group != 0)) {
        return apr_psprintf(cmd->pool, "CORSOriginCacheSecret: %s can be read by users other "
                            "than root (by httpd's scripts, say): make it root's alone "
                            "(chown root:root %s; chmod 600 %s)", file, file, file);
    }
    while (got > 0 && (key[got - 1] == '\n' || key[got - 1] == '\r' || key[got - 1] == ' ')) {
        got--;
    }
    if (got < SECRET_MIN) {
        return apr_psprintf(cmd->pool, "CORSOriginCacheSecret: %s holds %" APR_SIZE_T_FMT
                            " bytes: give at least %d random ones, the same file on every "
                            "server sharing the cache (openssl rand -hex 32 > %s)", file, got,
                            SECRET_MIN, file);
    }
    env->secret = key;
    env->secret_len = got;
    env->secret_file = file;
    return NULL;
}

void cors_sources_need_store(apr_pool_t *pconf)
{
    env_of(pconf)->need_store = 1;
}

/* ---------------------------------------------------------------------------------------- */
/* Hooks                                                                                      */

void cors_sources_pre_config(apr_pool_t *pconf)
{
    ap_mutex_register(pconf, CACHE_MUTEX, NULL, APR_LOCK_DEFAULT, 0);
}

/* Each back end registered, by name. */
static const cors_origin_source *each_back_end(apr_pool_t *p, int i)
{
    apr_array_header_t *names = ap_list_provider_names(p, CORS_ORIGIN_SOURCE_GROUP,
                                                       CORS_ORIGIN_SOURCE_VERSION);
    const ap_list_provider_names_t *n;

    if (!names || i >= names->nelts) {
        return NULL;
    }
    n = &APR_ARRAY_IDX(names, i, ap_list_provider_names_t);
    return ap_lookup_provider(CORS_ORIGIN_SOURCE_GROUP, n->provider_name,
                              CORS_ORIGIN_SOURCE_VERSION);
}

int cors_sources_check_config(apr_pool_t *pconf, server_rec *s)
{
    cors_sources_env *env = env_of(pconf);
    const cors_origin_source *be;
    int i, failed = 0;

    for (i = 0; (be = each_back_end(pconf, i)) != NULL; i++) {
        if (be->check_config) {
            failed |= be->check_config(pconf, s);
        }
    }
    if (env->secret && (!env->cache || !env->remote)) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "mod_cors: CORSOriginCacheSecret %s is "
                     "not used: it signs answers kept in a cache across the network (memcache, "
                     "redis), and CORSOriginCache is %s", env->secret_file,
                     env->cache_spec ? env->cache_spec : "not given");
    }
    if (env->cache && env->remote && !env->secret) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "mod_cors: answers kept in "
                     "CORSOriginCache %s are trusted as they are: whoever can write to it can "
                     "allow any origin, with credentials; give CORSOriginCacheSecret, or keep "
                     "the cache where only these servers reach it", env->cache_spec);
    }
    return failed;
}

static apr_status_t destroy_cache(void *data)
{
    cors_sources_env *env = data;

    env->cache->destroy(env->cache_inst, ap_server_conf);
    return APR_SUCCESS;
}

int cors_sources_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    cors_sources_env *env = env_of(pconf);
    cors_server_conf *main_conf = ap_get_module_config(s->module_config, &cors_module);
    const cors_origin_source *be;
    struct ap_socache_hints hints;
    apr_status_t rv;
    int i;

    (void)ptemp;
    main_conf->sources = env;
    for (i = 0; (be = each_back_end(pconf, i)) != NULL; i++) {
        if (be->post_config) {
            be->post_config(pconf, s);
        }
    }
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    if (env->need_store) {
        env->store = cors_store_attach(s);
        if (!env->store) {
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    if (!env->cache) {
        return OK;
    }
    if (env->cache->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        rv = ap_global_mutex_create(&env->cache_lock, NULL, CACHE_MUTEX, NULL, s, pconf, 0);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, "mod_cors: cannot create the lock of "
                         "CORSOriginCache %s", env->cache_spec);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    hints.avg_id_len = 48;
    hints.avg_obj_size = 1;
    hints.expiry_interval = env->timeout;
    rv = env->cache->init(env->cache_inst, CACHE_NAME, &hints, s, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, "mod_cors: cannot start CORSOriginCache %s",
                     env->cache_spec);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, env, destroy_cache, apr_pool_cleanup_null);
    return OK;
}

void cors_sources_child_init(apr_pool_t *pchild, server_rec *s)
{
    cors_sources_env *env = env_of(s->process->pconf);
    int i;

    env->lock = cors_process_lock(pchild);
    env->cache_breaker.lock = cors_process_lock(pchild);
    env->cache_breaker.hang = 1;
    if (env->cache_lock) {
        apr_global_mutex_child_init(&env->cache_lock, apr_global_mutex_lockfile(env->cache_lock),
                                    pchild);
    }
    for (i = 0; i < env->started->nelts; i++) {
        cors_source_base *b = APR_ARRAY_IDX(env->started, i, cors_source_base *);
        b->lock = cors_process_lock(pchild);
        if (b->child_init) {
            b->child_init(b, pchild);
        }
    }
}

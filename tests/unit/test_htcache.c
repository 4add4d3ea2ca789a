/* test_htcache.c - unit tests of the per-process .htaccess cache (mod_cors_htaccess.c), without a server. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 *
 * The cache needs httpd's headers but no running httpd: it logs through ap_log_error_ (here
 * a counter) and is handed command_rec records and text.  What a request does with it is
 * spelt out step by step: pin a generation, find or add each line, ask for the policy.
 */
#include <stdarg.h>

#include "apr_general.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"

#include "mod_cors_htaccess.h"
#include "unit.h"

#define KB ((apr_size_t)1024)

/* What the cache links against in httpd. */
module AP_MODULE_DECLARE_DATA cors_module;
server_rec *ap_server_conf;
static int logged;

AP_DECLARE(void) ap_log_error_(const char *file, int line, int module_index, int level,
                               apr_status_t status, const server_rec *s, const char *fmt, ...)
{
    (void)file;
    (void)line;
    (void)module_index;
    (void)level;
    (void)status;
    (void)s;
    (void)fmt;
    logged++;
}

static const command_rec origin_cmd = AP_INIT_RAW_ARGS("CORSAllowOrigin", NULL, NULL,
                                                       OR_FILEINFO, "");
static const command_rec regex_cmd = AP_INIT_RAW_ARGS("CORSAllowOriginMatch", NULL, NULL,
                                                      OR_FILEINFO, "");

static cors_htkey key_of(const command_rec *cmd, const char *file, int line, const char *args)
{
    cors_htkey k;

    memset(&k, 0, sizeof(k));
    k.cmd = cmd;
    k.file = file;
    k.line_num = line;
    k.args = args;
    return k;
}

/* A request's walk through one file: every line found, or added as applied without error. */
static const cors_htline *read_file(cors_htpin *pin, const char *file, const char *const *lines,
                                    int *found)
{
    const cors_htline *at = NULL;
    int i;

    *found = 0;
    for (i = 0; lines[i]; i++) {
        cors_htkey k = key_of(&origin_cmd, file, i + 1, lines[i]);
        const cors_htline *l = cors_htcache_find(pin, at, &k);
        if (l) {
            (*found)++;
        }
        else {
            l = cors_htcache_add(pin, at, &k, NULL, 0, 0);
        }
        if (!l) {
            return NULL;
        }
        at = l;
    }
    return at;
}

/* The build callbacks: they record what a build saw. */
typedef struct {
    apr_thread_mutex_t *lock;   /* the cache's */
    int builds;
    int held;                   /* builds that ran with the cache's lock held */
    apr_array_header_t *applied;
    const char *fail_at;        /* a line text whose replay fails */
    const cors_meter *meter;
} build_log;

static const char *apply_line(void *baton, apr_pool_t *pool, apr_pool_t *scratch,
                              const cors_htkey *key, void *dconf)
{
    build_log *b = baton;

    (void)scratch;
    (void)dconf;
    APR_ARRAY_PUSH(b->applied, const char *) = apr_pstrdup(pool, key->args);
    if (b->fail_at && !strcmp(key->args, b->fail_at)) {
        return apr_psprintf(pool, "line %d fails", key->line_num);
    }
    return NULL;
}

static cors_policy *build(void *baton, apr_pool_t *pool, apr_pool_t *scratch,
                          const cors_htline *line, const cors_meter *meter,
                          apr_size_t *compiled, const char **error)
{
    build_log *b = baton;
    cors_policy *pol = cors_policy_make(pool);
    const char *err;

    b->builds++;
    b->meter = meter;
    /* A default mutex is not recursive: held by this thread, trylock says busy. */
    if (apr_thread_mutex_trylock(b->lock) == APR_SUCCESS) {
        apr_thread_mutex_unlock(b->lock);
    }
    else {
        b->held++;
    }
    err = cors_htcache_replay(line, pool, scratch, apply_line, b, pol);
    if (err) {
        *error = apr_pstrdup(scratch, err);
        return NULL;
    }
    *compiled = 0;
    cors_policy_seal(pool, pol);
    return pol;
}

static void test_build_outside_lock(apr_pool_t *p, unit_counts *u)
{
    static const char *const lines[] = { "https://a.example", "https://b.example", NULL };
    apr_thread_mutex_t *lock;
    apr_pool_t *rp;
    cors_htcache *c;
    cors_htpin *pin;
    const cors_htline *last;
    const cors_policy *pol, *again;
    const char *err = NULL;
    build_log b;
    int found;

    apr_thread_mutex_create(&lock, APR_THREAD_MUTEX_DEFAULT, p);
    c = cors_htcache_make(p, 1024 * KB, lock);
    memset(&b, 0, sizeof(b));
    b.lock = lock;
    b.applied = apr_array_make(p, 4, sizeof(const char *));
    apr_pool_create(&rp, p);
    pin = cors_htcache_pin(c, rp);
    last = read_file(pin, "/srv/a/.htaccess", lines, &found);
    CHECK(u, last != NULL && found == 0, "a new file's lines are added, none found");
    pol = cors_htcache_policy(pin, last, rp, build, &b, &err);
    CHECK(u, pol != NULL && err == NULL, "the policy of a file's lines is built and kept");
    CHECK(u, b.builds == 1 && b.held == 0, "the build ran without the cache's lock held (%d of %d held)",
          b.held, b.builds);
    CHECK(u, b.applied->nelts == 2, "the build applied both lines (%d)", b.applied->nelts);
    again = cors_htcache_policy(pin, last, rp, build, &b, &err);
    CHECK(u, again == pol && b.builds == 1, "asked again, the kept policy is shared, not rebuilt");
    apr_pool_destroy(rp);
}

static void test_replay_error(apr_pool_t *p, unit_counts *u)
{
    static const char *const lines[] = { "https://a.example", "+~regex", "-https://evil.example",
                                         NULL };
    apr_thread_mutex_t *lock;
    apr_pool_t *rp;
    cors_htcache *c;
    cors_htpin *pin;
    const cors_htline *last;
    const char *err = NULL;
    build_log b;
    int found;

    apr_thread_mutex_create(&lock, APR_THREAD_MUTEX_DEFAULT, p);
    c = cors_htcache_make(p, 1024 * KB, lock);
    memset(&b, 0, sizeof(b));
    b.lock = lock;
    b.applied = apr_array_make(p, 4, sizeof(const char *));
    b.fail_at = "+~regex";
    apr_pool_create(&rp, p);
    pin = cors_htcache_pin(c, rp);
    last = read_file(pin, "/srv/a/.htaccess", lines, &found);
    CHECK(u, cors_htcache_policy(pin, last, rp, build, &b, &err) == NULL,
          "a build whose replay fails keeps no policy");
    CHECK_STR(u, err, "line 2 fails", "... and says the replay's error");
    CHECK(u, b.applied->nelts == 2, "... the replay stopped at the failing line (%d applied)",
          b.applied->nelts);
    err = cors_htcache_replay(last, rp, rp, apply_line, &b, NULL);
    CHECK_STR(u, err, "line 2 fails", "cors_htcache_replay returns the first error");
    apr_pool_destroy(rp);
}

static void test_lines_per_file(apr_pool_t *p, unit_counts *u)
{
    static const char *const one[] = { "https://a.example", "https://b.example", NULL };
    static const char *const edited[] = { "https://a.example", "https://evil.example", NULL };
    apr_pool_t *rp;
    cors_htcache *c = cors_htcache_make(p, 1024 * KB, NULL);
    cors_htpin *pin;
    const cors_htline *a, *b2, *e, *first;
    cors_htkey k;
    int found;

    apr_pool_create(&rp, p);
    pin = cors_htcache_pin(c, rp);
    a = read_file(pin, "/srv/a/.htaccess", one, &found);
    b2 = read_file(pin, "/srv/b/.htaccess", one, &found);
    CHECK(u, found == 0 && a != b2, "the same text in another directory's file is its own chain");
    read_file(pin, "/srv/a/.htaccess", one, &found);
    CHECK(u, found == 2, "a file read again unchanged is found line by line (%d)", found);
    e = read_file(pin, "/srv/a/.htaccess", edited, &found);
    CHECK(u, found == 1 && e != a, "an edited line is not found: the chain from there is new");
    k = key_of(&regex_cmd, "/srv/a/.htaccess", 1, "https://a.example");
    CHECK(u, cors_htcache_find(pin, NULL, &k) == NULL,
          "the same text under another directive is another line");
    k = key_of(&origin_cmd, "/srv/a/.htaccess", 7, "https://a.example");
    CHECK(u, cors_htcache_find(pin, NULL, &k) == NULL, "the same text on another line number too");
    k = key_of(&origin_cmd, "/srv/a/.htaccess", 1, "https://a.example");
    first = cors_htcache_find(pin, NULL, &k);
    k.bound = "/elsewhere";
    CHECK(u, first != NULL && cors_htcache_find(pin, NULL, &k) == first,
          "the bound a line was read with is not part of what identifies it");
    apr_pool_destroy(rp);
}

static void test_bounds(apr_pool_t *p, unit_counts *u)
{
    apr_pool_t *rp, *rp2;
    cors_htcache *c;
    cors_htpin *pin, *pin2;
    const cors_htline *last = NULL;
    const char *err = NULL;
    build_log b;
    char *big;
    int i;
    cors_htkey k;

    apr_thread_mutex_t *lock;
    apr_thread_mutex_create(&lock, APR_THREAD_MUTEX_DEFAULT, p);
    c = cors_htcache_make(p, 64 * KB, lock);
    memset(&b, 0, sizeof(b));
    b.lock = lock;
    b.applied = apr_array_make(p, 4, sizeof(const char *));
    apr_pool_create(&rp, p);
    pin = cors_htcache_pin(c, rp);
    /* 16 bytes a byte of text: a policy of 8 KB of text takes 128 KB, past a quarter of 64 KB. */
    big = apr_palloc(p, 8 * KB + 1);
    memset(big, 'x', 8 * KB);
    big[8 * KB] = '\0';
    k = key_of(&origin_cmd, "/srv/big/.htaccess", 1, big);
    last = cors_htcache_add(pin, NULL, &k, NULL, 0, 0);
    CHECK(u, last != NULL, "a long line is kept");
    CHECK(u, cors_htcache_policy(pin, last, rp, build, &b, &err) == NULL && b.builds == 0,
          "a policy too large for its share of the cache is not kept, nor built by the cache");
    /* Lines past the bound: a new generation starts while this request still reads the old. */
    for (i = 0; i < 200; i++) {
        k = key_of(&origin_cmd, apr_psprintf(p, "/srv/d%d/.htaccess", i), 1, big);
        cors_htcache_add(pin, NULL, &k, NULL, 0, 0);
    }
    apr_pool_create(&rp2, p);
    pin2 = cors_htcache_pin(c, rp2);
    k = key_of(&origin_cmd, "/srv/big/.htaccess", 1, big);
    CHECK(u, cors_htcache_find(pin2, NULL, &k) == NULL,
          "past its bound the cache starts afresh: a request pinned after it finds no old line");
    CHECK(u, cors_htcache_find(pin, NULL, &k) == last,
          "... while a request in flight still reads its generation");
    apr_pool_destroy(rp);
    apr_pool_destroy(rp2);
}

static void test_meter(apr_pool_t *p, unit_counts *u)
{
    static const char *const lines[] = { "https://a.example", NULL };
    apr_thread_mutex_t *lock;
    apr_pool_t *rp, *rp2;
    cors_htcache *c;
    cors_htpin *pin, *pin2;
    const cors_htline *last;
    const char *err = NULL;
    build_log b;
    int found;

    apr_thread_mutex_create(&lock, APR_THREAD_MUTEX_DEFAULT, p);
    c = cors_htcache_make(p, 64 * KB, lock);
    memset(&b, 0, sizeof(b));
    b.lock = lock;
    b.applied = apr_array_make(p, 4, sizeof(const char *));
    apr_pool_create(&rp, p);
    pin = cors_htcache_pin(c, rp);
    last = read_file(pin, "/srv/a/.htaccess", lines, &found);
    CHECK(u, cors_htcache_policy(pin, last, rp, build, &b, &err) != NULL && b.meter != NULL,
          "a kept policy's build is handed a meter");
    if (!b.meter) {
        apr_pool_destroy(rp);
        return;
    }
    CHECK(u, b.meter->charge(b.meter->baton, 1000) == 1, "a kept policy's file may grow");
    /* Growth past the bound retires the generation: it takes nothing more. */
    CHECK(u, b.meter->charge(b.meter->baton, (apr_off_t)(128 * KB)) == 1,
          "a growth past the bound is taken (the cache then starts afresh)");
    CHECK(u, b.meter->charge(b.meter->baton, 1) == 0,
          "a retired generation takes no more growth");
    CHECK(u, b.meter->charge(b.meter->baton, -1000) == 1, "... but may shrink");
    apr_pool_create(&rp2, p);
    pin2 = cors_htcache_pin(c, rp2);
    read_file(pin2, "/srv/a/.htaccess", lines, &found);
    CHECK(u, found == 0, "a request after the growth reads a new generation");
    apr_pool_destroy(rp);
    apr_pool_destroy(rp2);
}

int main(void)
{
    apr_pool_t *p;
    unit_counts u = { 0, 0 };

    apr_initialize();
    apr_pool_create(&p, NULL);
    cors_module.module_index = 0;
    test_build_outside_lock(p, &u);
    test_replay_error(p, &u);
    test_lines_per_file(p, &u);
    test_bounds(p, &u);
    test_meter(p, &u);
    apr_pool_destroy(p);
    apr_terminate();
    printf("%u passed, %u failed\n", u.passed, u.failed);
    return u.failed ? 1 : 0;
}

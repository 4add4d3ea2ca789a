/* mod_cors_sources.h - origin back ends as providers, and what they share: answers kept, the query budget, one breaker. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#ifndef MOD_CORS_SOURCES_H
#define MOD_CORS_SOURCES_H

#include "apr_thread_mutex.h"
#include "httpd.h"
#include "http_config.h"

#include "cors.h"
#include "mod_cors_process.h"

/*
 * An origin back end is a provider of the group "cors_origin_source" (version "0"), found
 * by name as mod_auth_basic finds mod_authn_*: the directive that names it hands its
 * argument to make, which answers with a source the core asks (cors_source_fn) when nothing
 * listed has settled an origin.  A back end is one file (mod_cors_source_NAME.c) whose
 * register function the module's register_hooks calls.
 */
#define CORS_ORIGIN_SOURCE_GROUP    "cors_origin_source"
#define CORS_ORIGIN_SOURCE_VERSION  "0"

/* Where a directive line stands, for the back end that reads it. */
typedef struct {
    const char *bound;                  /* .htaccess: the real path of the directory the file
                                         * was read from; NULL in the configuration */
    const cors_meter *meter;            /* where what a source reads later is counted, or NULL */
    const cors_psl_below *below;        /* the public-suffix list's domains, or NULL */
} cors_source_where;

/* A source made from a directive: what the core calls, and the name messages give it. */
typedef struct {
    const char *name;
    cors_source_fn lookup;
    const void *src;
    apr_size_t bytes;                   /* what it holds in memory now (the .htaccess cache
                                         * counts it) */
} cors_source_made;

typedef struct {
    /* Refuses the directive in an .htaccess file where the back end's data is the server's. */
    const char *(*make)(cmd_parms *cmd, const cors_source_where *where, const char *arg,
                        cors_source_made *out);
    /* Optional: start-up's checks (non-zero: refused) and what it derives at post_config. */
    int (*check_config)(apr_pool_t *pconf, server_rec *s);
    void (*post_config)(apr_pool_t *pconf, server_rec *s);
} cors_origin_source;

/* The back ends, each registering its provider. */
void cors_source_file_register(apr_pool_t *p);
void cors_source_dbm_register(apr_pool_t *p);
void cors_source_dbd_register(apr_pool_t *p);

/* ---- what every source of a back end has -------------------------------------------- */

/* Its name, its per-process lock, when it last said it cannot answer, and what each child
 * makes for it (a source read at start-up gets its lock there; one an .htaccess file makes
 * at request time gets it at once). */
typedef struct cors_source_base {
    const char *name;
    apr_thread_mutex_t *lock;
    apr_time_t logged;
    void (*child_init)(struct cors_source_base *b, apr_pool_t *pchild);
} cors_source_base;

void cors_source_init(cmd_parms *cmd, cors_source_base *b, const char *name,
                      void (*child_init)(cors_source_base *b, apr_pool_t *pchild));

/* Whether the source says again now that it cannot answer (once a minute). */
int cors_source_time_to_log(cors_source_base *b, apr_time_t now);

/* A source of the configuration named in several sections is read once: the one made
 * under key, or 0. */
int cors_source_shared(cmd_parms *cmd, const char *key, cors_source_made *out);
void cors_source_share(cmd_parms *cmd, const char *key, const cors_source_made *made);

/* A back end that could not answer a request says why in the request's notes under this
 * key (the last one to fail wins), for the refusal's log line. */
#define CORS_NOTE_SOURCE_DOWN   "cors-source-down"

/* apr_strerror's text in p. */
const char *cors_error_text(apr_pool_t *p, apr_status_t rv);

/* How often a source looks at its file for a new version. */
#define CORS_CHECK_INTERVAL     apr_time_from_sec(1)

/* A version of a file: what tells a new one from the one read (a rename over it changes the
 * inode, an edit in place the time or size, a new owner or mode the change time). */
typedef struct {
    apr_time_t mtime;
    apr_time_t ctime;
    apr_off_t size;
    apr_ino_t inode;
    apr_dev_t device;
    int missing;
} cors_file_stamp;

/* The version of the file at path now (missing: it cannot be stat'ed). */
cors_file_stamp cors_stamp_of(const char *path, apr_pool_t *p);
int cors_same_stamp(const cors_file_stamp *a, const cors_file_stamp *b);

/* ---- one breaker, for a database and for a cache across the network ----------------- */

/* After a failure the thing behind it is left alone for CORS_BREAKER_INTERVAL (calls are
 * refused at once); at most CORS_WAITING_MAX calls of a process wait on it.  hang: also
 * taken as down while calls are under way and none has ended for an interval, and a call
 * that took that long counts as a failure (a frozen cache across the network). */
#define CORS_BREAKER_INTERVAL   apr_time_from_sec(1)
#define CORS_WAITING_MAX        4

typedef struct {
    apr_thread_mutex_t *lock;
    int hang;
    int waiting;
    apr_time_t down_until;
    apr_time_t moved;                   /* when a call last began on an idle one, or ended */
} cors_breaker;

int cors_breaker_enter(cors_breaker *b, apr_time_t now);
void cors_breaker_leave(cors_breaker *b, apr_time_t began, apr_time_t now, int failed);

/* ---- answers kept: per process, and in the mod_socache cache ------------------------- */

/* A process's own memory of answers (1 or 0) until when they hold, bounded: a repeated
 * origin is answered without a look-up (a DBM file's page, the shared cache's mutex). */
typedef struct cors_memo cors_memo;
/* lock: the memo's own lock, or NULL where its caller already holds one around every call. */
cors_memo *cors_memo_make(apr_pool_t *pchild, apr_thread_mutex_t *lock);
int cors_memo_get(cors_memo *m, const char *key, size_t len, apr_time_t now);   /* -1: none */
void cors_memo_put(cors_memo *m, const char *key, size_t len, int answer, apr_time_t until);
void cors_memo_clear(cors_memo *m);

/* The answers of a query kept in CORSOriginCache, under a namespace (the query and the
 * database, 32 hex digits) and the origin: 1 or 0, or -1 when none; *until: when it stops
 * being fresh (a yes is kept a timeout longer, answered while it cannot be asked again). */
int cors_cache_get(request_rec *r, const char *ns, const char *key, size_t len,
                   apr_time_t now, apr_time_t *until);
void cors_cache_put(request_rec *r, const char *ns, const char *key, size_t len, int listed,
                    apr_time_t now);
int cors_cache_configured(apr_pool_t *pconf);
apr_interval_time_t cors_cache_timeout(void);

/* One query more this second for this process (listed_before: from the budget of origins
 * a database listed); says once a minute when it is spent. */
int cors_budget_take(request_rec *r, apr_time_t now, int listed_before);

/* Whether a database listed the origin under namespace ns (the server's shared memory), and
 * remembering what it answered. */
int cors_listed_known(const request_rec *r, const char *ns, const char *key, size_t len);
void cors_listed_remember(const request_rec *r, const char *ns, const char *key, size_t len,
                          int listed);

/* ---- the server-wide directives and the hooks -------------------------------------- */

/* CORSOriginCache PROVIDER[:ARGS], CORSOriginCacheTimeout SECONDS, CORSOriginQueryBudget
 * PER_SECOND, CORSOriginCacheSecret PATH. */
const char *cors_sources_set_cache(cmd_parms *cmd, const char *spec);
const char *cors_sources_set_timeout(cmd_parms *cmd, const char *arg);
const char *cors_sources_set_budget(cmd_parms *cmd, const char *arg);
const char *cors_sources_set_secret(cmd_parms *cmd, const char *path);

/* A query source was configured (the shared memory and the cache's warnings follow). */
void cors_sources_need_store(apr_pool_t *pconf);

void cors_sources_pre_config(apr_pool_t *pconf);
int cors_sources_check_config(apr_pool_t *pconf, server_rec *s);    /* non-zero: refused */
int cors_sources_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);
void cors_sources_child_init(apr_pool_t *pchild, server_rec *s);

#endif /* MOD_CORS_SOURCES_H */

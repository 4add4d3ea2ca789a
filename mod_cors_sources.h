/* mod_cors_sources.h - origins kept outside the configuration: files, DBM files, SQL queries and the cache of their answers. */
#ifndef MOD_CORS_SOURCES_H
#define MOD_CORS_SOURCES_H

#include "apr_thread_mutex.h"
#include "httpd.h"
#include "http_config.h"

#include "cors.h"

/* What the sources of one configuration cycle share: the cache of query answers, the query
 * budget, mod_dbd's functions, and the sources read at start-up (child_init gives each its
 * per-process lock).  Kept on the configuration pool. */
typedef struct cors_sources_env cors_sources_env;

/* A source made from a directive: what the core calls, and the name messages give it. */
typedef struct {
    const char *name;
    cors_source_fn lookup;
    const void *src;
    apr_size_t bytes;           /* what its list takes in memory now (for the .htaccess cache) */
} cors_source_made;

/* The configuration cycle's shared part (made on first use). */
cors_sources_env *cors_sources_env_of(apr_pool_t *pconf);

/* Where a source's memory is counted while it runs (a policy the .htaccess cache keeps counts
 * its origin files there): charge says whether the source may hold delta bytes more (or
 * fewer); a source refused keeps what it holds. */
typedef struct {
    int (*charge)(void *baton, apr_off_t delta);
    void *baton;
} cors_meter;

/* CORSAllowOriginFile PATH: read now; a bad line fails with "PATH:LINE: what to fix".  From an
 * .htaccess file (at request time) bound is the real path of the directory httpd read that
 * file from: PATH must be relative and below it, and is read with no link anywhere on its
 * path; a bad, missing or linked file there is the file's fault, not the line's: it is
 * logged (never quoting the file) and read again when it changes, as any origin file is.
 * meter: NULL, or where what later versions of the file take is counted. */
const char *cors_file_source_make(cmd_parms *cmd, const char *path, const char *bound,
                                  const cors_meter *meter, const cors_psl_below *below,
                                  cors_source_made *out);

/* CORSAllowOriginMap dbm[=type]:PATH: opened now to check it, then per process when asked. */
const char *cors_dbm_source_make(cmd_parms *cmd, const char *spec, cors_source_made *out);

/* CORSAllowOriginQuery SQL: prepared through mod_dbd, which must be loaded. */
const char *cors_query_source_make(cmd_parms *cmd, const char *sql, cors_source_made *out);

/* CORSOriginCache PROVIDER[:ARGS], CORSOriginCacheTimeout SECONDS,
 * CORSOriginQueryBudget PER_SECOND, CORSOriginCacheSecret PATH. */
const char *cors_sources_set_cache(cmd_parms *cmd, const char *spec);
const char *cors_sources_set_secret(cmd_parms *cmd, const char *path);
const char *cors_sources_set_timeout(cmd_parms *cmd, const char *arg);
const char *cors_sources_set_budget(cmd_parms *cmd, const char *arg);

/* Hooks, called from mod_cors.c's (it registers every hook in one place). */
void cors_sources_pre_config(apr_pool_t *pconf);
int cors_sources_check_config(apr_pool_t *pconf, server_rec *s);    /* non-zero: refused */
int cors_sources_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);
void cors_sources_child_init(apr_pool_t *pchild, server_rec *s);

/* From mod_cors.c: a lock for per-process state where the MPM runs threads (NULL where it
 * does not); and whether this process has not said KEY yet (it remembers, from now on, that
 * it has; bounded), for what a request would otherwise log again and again.  What .htaccess
 * files cause is remembered apart (CORS_SAID_HTACCESS), so customers' messages never use up
 * the room of the server's own. */
typedef enum {
    CORS_SAID_SERVER = 0,
    CORS_SAID_HTACCESS
} cors_said;
apr_thread_mutex_t *cors_process_lock(apr_pool_t *pchild);
int cors_first_in_process(cors_said scope, const char *key);

#endif /* MOD_CORS_SOURCES_H */

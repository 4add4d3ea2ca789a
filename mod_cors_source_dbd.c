/* mod_cors_source_dbd.c - the "dbd" origin back end: an SQL query through mod_dbd, the origin a bound parameter (CORSAllowOriginQuery). */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * A prepared statement on mod_dbd's pooled connections.  Answers (yes and no) are kept in
 * the mod_socache cache per query and database (mod_cors_sources.c), and by each process
 * until they are due; the queries a process sends are bounded per second, with a budget of
 * their own for origins a database listed; a failing database is left alone for a second,
 * and few requests of a process wait on it (the breaker).
 *
 * Which database a virtual host uses is read from the configuration tree (ap_conftree): its
 * DBDriver and DBDParams lines, or the main server's where it gives none, as mod_dbd itself
 * inherits them.  mod_dbd's own records are its business.
 */

#include <string.h>

#include "apr_dbd.h"
#include "apr_hash.h"
#include "apr_optional.h"
#include "apr_strings.h"

#include "ap_provider.h"
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "mod_dbd.h"

#include "mod_cors_metrics.h"
#include "mod_cors_sources.h"

APLOG_USE_MODULE(cors);

#define DBD_KEY "mod_cors dbd"

/* Per configuration cycle. */
typedef struct {
    ap_dbd_t *(*acquire)(request_rec *);
    void (*prepare)(server_rec *, const char *, const char *);
    apr_array_header_t *sources;        /* query_source *, checked at start-up */
    apr_hash_t *prepared;               /* "SERVER LABEL": a query prepared there */
    apr_hash_t *db_ids;                 /* server_rec * -> 16 hex digits naming its database */
    apr_hash_t *configured;             /* server_rec * -> "" where a DBDriver is in force */
} dbd_env;

typedef struct {
    cors_source_base base;
    const char *sql;
    const char *label;                  /* the statement's name in mod_dbd */
    char qid[17];                       /* the query's hash, in hex */
    server_rec *server;                 /* where it was given (its DBD configuration) */
    dbd_env *env;
    /* Per process: */
    cors_breaker breaker;
    cors_memo *memo;                    /* answers until they are due: database + origin */
} query_source;

static dbd_env *dbd_env_of(apr_pool_t *pconf)
{
    dbd_env *env = NULL;

    apr_pool_userdata_get((void **)&env, DBD_KEY, pconf);
    if (!env) {
        env = apr_pcalloc(pconf, sizeof(*env));
        env->sources = apr_array_make(pconf, 2, sizeof(query_source *));
        env->prepared = apr_hash_make(pconf);
        env->db_ids = cors_hash_make(pconf);
        env->configured = apr_hash_make(pconf);
        apr_pool_userdata_setn(env, DBD_KEY, NULL, pconf);
    }
    return env;
}

static void hex16(apr_uint64_t h, char out[17])
{
    apr_snprintf(out, 17, "%016" APR_UINT64_T_HEX_FMT, h);
}

/* ---------------------------------------------------------------------------------------- */
/* Which database each server uses, from the configuration tree                              */

typedef struct {
    const char *driver;
    const char *params;
} dbd_lines;

/* Whether a node is a conditional section (<IfModule>, <IfDefine>, <IfVersion>...): those
 * httpd kept are the ones whose condition held when it read them.  <If>, <ElseIf> and <Else>
 * are the request's, and hold no DBD line. */
static int is_condition(const ap_directive_t *d)
{
    return strncasecmp(d->directive, "<If", 3) == 0 && strcasecmp(d->directive, "<If") != 0
           && strcasecmp(d->directive, "<ElseIf") != 0 && strcasecmp(d->directive, "<Else") != 0;
}

/* The DBDriver and DBDParams lines of one level of the tree, conditional sections read
 * through, in the order written (the last of each wins, as in mod_dbd); no other section may
 * hold these directives. */
#define CONDITIONS_MAX 32

static void read_dbd_lines(apr_pool_t *p, const ap_directive_t *d, dbd_lines *out)
{
    const ap_directive_t *after[CONDITIONS_MAX] = { NULL };
    int depth = 0;

    for (;;) {
        const char *args;
        if (!d) {
            if (depth == 0) {
                break;
            }
            depth--;
            d = after[depth];
            continue;
        }
        args = d->args;
        if (strcasecmp(d->directive, "DBDriver") == 0) {
            out->driver = ap_getword_conf(p, &args);
        }
        else if (strcasecmp(d->directive, "DBDParams") == 0) {
            out->params = ap_getword_conf(p, &args);
        }
        else if (is_condition(d) && depth < CONDITIONS_MAX) {
            after[depth++] = d->next;
            d = d->first_child;
            continue;
        }
        d = d->next;
    }
}

/* The <VirtualHost> node a virtual host was defined by: the same file and line. */
static const ap_directive_t *vhost_node(const server_rec *s)
{
    const ap_directive_t *d;

    for (d = ap_conftree; d; d = d->next) {
        if (strcasecmp(d->directive, "<VirtualHost") == 0 && d->line_num == (int)s->defn_line_number
            && d->filename && s->defn_name && strcmp(d->filename, s->defn_name) == 0) {
            return d;
        }
    }
    return NULL;
}

/* Each server's database named for the cache keys (FNV-1a of DBDriver and DBDParams), with
 * mod_dbd's inheritance: a virtual host's own line of each, else the main server's. */
static void name_databases(dbd_env *env, apr_pool_t *pconf, server_rec *main_server)
{
    dbd_lines top = { NULL, NULL };
    server_rec *s;

    read_dbd_lines(pconf, ap_conftree, &top);
    for (s = main_server; s; s = s->next) {
        dbd_lines own = { NULL, NULL };
        const ap_directive_t *node = s->is_virtual ? vhost_node(s) : NULL;
        const char *driver, *params, *text;
        char *id = apr_palloc(pconf, 17);
        server_rec **key = apr_pmemdup(pconf, &s, sizeof(server_rec *));
        if (node) {
            read_dbd_lines(pconf, node->first_child, &own);
        }
        driver = own.driver ? own.driver : top.driver;
        params = own.params ? own.params : top.params;
        text = apr_pstrcat(pconf, driver ? driver : "", "\n", params ? params : "",
                           (char *)NULL);
        hex16(cors_fnv1a64(text, strlen(text)), id);
        apr_hash_set(env->db_ids, key, sizeof(server_rec *), id);
        if (driver) {
            apr_hash_set(env->configured, key, sizeof(server_rec *), "");
        }
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Asking                                                                                     */

static cors_source_answer query_down(query_source *qs, request_rec *r, const char *why)
{
    cors_metrics_source(CORS_COUNT_QUERY, CORS_LOOKUP_FAILED);
    apr_table_setn(r->notes, CORS_NOTE_SOURCE_DOWN, apr_pstrcat(r->pool, qs->base.name, ": ",
                                                                why, (char *)NULL));
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "mod_cors: %s: %s", qs->base.name, why);
    if (cors_source_time_to_log(&qs->base, apr_time_now())) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "mod_cors: %s: %s; origins it would allow "
                      "are refused meanwhile, and it is asked again after %d s (said once a "
                      "minute per process)", qs->base.name, why,
                      (int)apr_time_sec(CORS_BREAKER_INTERVAL));
    }
    return CORS_SOURCE_UNAVAILABLE;
}

/* A driver's message as one line (PostgreSQL's end with a newline). */
static const char *one_line(apr_pool_t *p, const char *msg)
{
    char *s = apr_pstrdup(p, msg ? msg : "(no message)");
    char *end = s + strlen(s);
    char *c;

    while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ')) {
        *--end = '\0';
    }
    for (c = s; *c; c++) {
        if (*c == '\n' || *c == '\r' || *c == '\t') {
            *c = ' ';
        }
    }
    return s;
}

/* Runs the prepared statement with the origin bound as its one parameter: any row is a yes. */
static cors_source_answer run_query(query_source *qs, request_rec *r, const char *key,
                                    size_t len)
{
    ap_dbd_t *dbd = qs->env->acquire(r);
    apr_dbd_prepared_t *stmt;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *origin;
    int rv, found = 0;

    if (!dbd) {
        return query_down(qs, r, "no database connection (mod_dbd says why)");
    }
    stmt = apr_hash_get(dbd->prepared, qs->label, APR_HASH_KEY_STRING);
    if (!stmt) {
        return query_down(qs, r, "the statement is not prepared for this virtual host: give "
                          "CORSAllowOriginQuery and the DBD directives in the same server");
    }
    origin = apr_pstrmemdup(r->pool, key, len);
    /* Random access (1): the driver fetches the result whole and reports an error as one.
     * Sequential access lets the pgsql driver end an error like the last row, which would
     * read a failed query as "not listed" (and cache that). */
    rv = apr_dbd_pvselect(dbd->driver, r->pool, dbd->handle, &res, stmt, 1, origin,
                          (char *)NULL);
    if (rv != 0) {
        const char *why = one_line(r->pool, apr_dbd_error(dbd->driver, dbd->handle, rv));
        /* A connection the driver has made again (the pgsql driver does, when the server
         * restarted) has lost its prepared statements, which mod_dbd does not know: where
         * the error names the statement, it is prepared again on it, once, and the query
         * sent again. */
        if (strstr(why, qs->label)
            && apr_dbd_prepare(dbd->driver, dbd->pool, dbd->handle, qs->sql, qs->label,
                               &stmt) == 0) {
            apr_hash_set(dbd->prepared, qs->label, APR_HASH_KEY_STRING, stmt);
            res = NULL;
            rv = apr_dbd_pvselect(dbd->driver, r->pool, dbd->handle, &res, stmt, 1, origin,
                                  (char *)NULL);
        }
        if (rv != 0) {
            return query_down(qs, r, apr_psprintf(r->pool, "the query failed: %s", why));
        }
    }
    /* Every row is read, as drivers finish a statement at its end. */
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        found = 1;
    }
    return found ? CORS_SOURCE_ALLOWED : CORS_SOURCE_REFUSED;
}

/* Whether this request may ask the database now: not while it is failing, not with too many
 * of this process's requests waiting on it (the breaker), and within the budget. */
static int may_ask(query_source *qs, request_rec *r, apr_time_t now, int listed_before)
{
    if (!cors_breaker_enter(&qs->breaker, now)) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "mod_cors: %s not asked: it failed less "
                      "than %d s ago, or %d requests of this process wait on it",
                      qs->base.name, (int)apr_time_sec(CORS_BREAKER_INTERVAL),
                      CORS_WAITING_MAX);
        return 0;
    }
    if (cors_budget_take(r, now, listed_before)) {
        return 1;
    }
    cors_breaker_leave(&qs->breaker, now, now, 0);
    return 0;
}

static cors_source_answer query_lookup(const void *src, const char *key, size_t len,
                                       apr_pool_t *p, void *baton)
{
    query_source *qs = (query_source *)src;
    request_rec *r = baton;
    apr_time_t now = apr_time_now(), until = 0;
    const char *db;
    char ns[32 + CORS_ORIGIN_MAX];
    cors_source_answer rc;
    int cached, known;

    (void)p;
    if (!r || !qs->memo || len > CORS_ORIGIN_MAX
        || (db = apr_hash_get(qs->env->db_ids, &r->server, sizeof(server_rec *))) == NULL) {
        return CORS_SOURCE_UNAVAILABLE;
    }
    /* The namespace of this query on this database, and the origin after it: the memo's key. */
    memcpy(ns, qs->qid, 16);
    memcpy(ns + 16, db, 16);
    memcpy(ns + 32, key, len);
    known = cors_memo_get(qs->memo, ns, 32 + len, now);
    if (known >= 0) {
        cors_metrics_source(CORS_COUNT_CACHE, CORS_LOOKUP_HIT);
        return known ? CORS_SOURCE_ALLOWED : CORS_SOURCE_REFUSED;
    }
    cached = cors_cache_get(r, ns, key, len, now, &until);
    if (cached >= 0 && until > now) {
        cors_metrics_source(CORS_COUNT_CACHE, CORS_LOOKUP_HIT);
        cors_memo_put(qs->memo, ns, 32 + len, cached, until);
        return cached ? CORS_SOURCE_ALLOWED : CORS_SOURCE_REFUSED;
    }
    cors_metrics_source(CORS_COUNT_CACHE, CORS_LOOKUP_MISS);
    /* A yes past its time is asked again first; while the database cannot be asked (the
     * budget spent, too many waiting, a failure just now) or fails, the yes still in the
     * cache stands until its entry expires. */
    if (!may_ask(qs, r, now, cached == 1 || cors_listed_known(r, ns, key, len))) {
        cors_metrics_source(CORS_COUNT_QUERY, CORS_LOOKUP_BUDGET);
        if (cached != 1) {
            apr_table_setn(r->notes, CORS_NOTE_SOURCE_DOWN, apr_pstrcat(r->pool,
                           qs->base.name, ": not asked (its query budget is spent, or it "
                           "failed less than a second ago)", (char *)NULL));
        }
        return cached == 1 ? CORS_SOURCE_STALE : CORS_SOURCE_UNAVAILABLE;
    }
    cors_metrics_source(CORS_COUNT_QUERY, CORS_LOOKUP_DONE);
    rc = run_query(qs, r, key, len);
    cors_breaker_leave(&qs->breaker, now, apr_time_now(), rc == CORS_SOURCE_UNAVAILABLE);
    if (rc == CORS_SOURCE_UNAVAILABLE) {
        return cached == 1 ? CORS_SOURCE_STALE : CORS_SOURCE_UNAVAILABLE;
    }
    now = apr_time_now();
    cors_listed_remember(r, ns, key, len, rc == CORS_SOURCE_ALLOWED);
    cors_cache_put(r, ns, key, len, rc == CORS_SOURCE_ALLOWED, now);
    cors_memo_put(qs->memo, ns, 32 + len, rc == CORS_SOURCE_ALLOWED,
                  now + cors_cache_timeout());
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* The directive and the hooks                                                                */

static void query_child_init(cors_source_base *b, apr_pool_t *pchild)
{
    query_source *qs = (query_source *)b;

    qs->breaker.lock = b->lock;
    qs->memo = cors_memo_make(pchild, cors_process_lock(pchild));
}

static const char *query_make(cmd_parms *cmd, const cors_source_where *where,
                              const char *sql, cors_source_made *out)
{
    dbd_env *env;
    query_source *qs;
    const char *err, *key;

    (void)where;
    if (cors_in_htaccess(cmd)) {
        return "not in .htaccess files: the database is the server's";
    }
    if ((err = cors_sql_check(cmd->pool, sql)) != NULL) {
        return err;
    }
    env = dbd_env_of(cmd->pool);
    if (!env->prepare) {
        env->prepare = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
        env->acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    }
    if (!env->prepare || !env->acquire) {
        return "needs mod_dbd (LoadModule dbd_module, or a2enmod dbd) loaded before this line, "
               "and DBDriver/DBDParams for the database";
    }
    qs = apr_pcalloc(cmd->pool, sizeof(*qs));
    qs->sql = apr_pstrdup(cmd->pool, sql);
    qs->env = env;
    qs->server = cmd->server;
    APR_ARRAY_PUSH(env->sources, query_source *) = qs;
    hex16(cors_fnv1a64(qs->sql, strlen(qs->sql)), qs->qid);
    /* The label is an SQL identifier to some drivers (pgsql: PREPARE label AS ...).  A query
     * given in several sections of a server is prepared once there. */
    qs->label = apr_psprintf(cmd->pool, "mod_cors_%s", qs->qid);
    key = apr_psprintf(cmd->pool, "%pp %s", (void *)cmd->server, qs->label);
    if (!apr_hash_get(env->prepared, key, APR_HASH_KEY_STRING)) {
        env->prepare(cmd->server, qs->sql, qs->label);
        apr_hash_set(env->prepared, key, APR_HASH_KEY_STRING, qs);
    }
    cors_sources_need_store(cmd->pool);
    cors_source_init(cmd, &qs->base, apr_psprintf(cmd->pool, "CORSAllowOriginQuery \"%s\"", sql),
                     query_child_init);
    out->name = qs->base.name;
    out->lookup = query_lookup;
    out->src = qs;
    out->bytes = 0;
    return NULL;
}

/* A query given where no DBDriver is in force stops configtest; and without a cache every
 * origin not listed otherwise is a query, which start-up says. */
static int query_check_config(apr_pool_t *pconf, server_rec *s)
{
    dbd_env *env = dbd_env_of(pconf);
    int i, failed = 0;

    if (env->sources->nelts == 0) {
        return 0;
    }
    name_databases(env, pconf, s);
    for (i = 0; i < env->sources->nelts; i++) {
        const query_source *qs = APR_ARRAY_IDX(env->sources, i, query_source *);
        if (!apr_hash_get(env->configured, &qs->server, sizeof(server_rec *))) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_CRIT, 0, s, "mod_cors: %s in %s "
                         "(%s:%d) has no database: give DBDriver and DBDParams in that server",
                         qs->base.name, qs->server->is_virtual ? "a virtual host"
                                                               : "the main server",
                         qs->server->defn_name ? qs->server->defn_name : "?",
                         qs->server->defn_line_number);
            failed = 1;
        }
    }
    if (!cors_cache_configured(pconf)) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "mod_cors: CORSAllowOriginQuery without "
                     "CORSOriginCache: each process keeps its own answers (for "
                     "CORSOriginCacheTimeout), so every process queries the database for "
                     "each origin not listed otherwise, and again after every restart (at "
                     "most CORSOriginQueryBudget a second per process; the rest are refused); "
                     "add CORSOriginCache shmcb to share them");
    }
    return failed;
}

static void query_post_config(apr_pool_t *pconf, server_rec *s)
{
    dbd_env *env = dbd_env_of(pconf);

    if (env->sources->nelts > 0) {
        name_databases(env, pconf, s);
    }
}

static const cors_origin_source dbd_provider = {
    query_make,
    query_check_config,
    query_post_config
};

void cors_source_dbd_register(apr_pool_t *p)
{
    ap_register_provider(p, CORS_ORIGIN_SOURCE_GROUP, "dbd", CORS_ORIGIN_SOURCE_VERSION,
                         &dbd_provider);
}

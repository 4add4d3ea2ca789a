/* mod_cors.c - the httpd glue: CORS directives, the early preflight answer and the header filter. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * mod_cors gives a location a CORS policy:
 *
 *   <Location "/api">
 *       CORSEnable            On
 *       CORSAllowOrigin       https://app.example.com http://localhost:8080
 *       CORSAllowOriginMatch  ^https://pr-[0-9]+\.preview\.example\.com$
 *       CORSAllowMethods      GET POST PUT DELETE
 *       CORSAllowHeaders      Content-Type Authorization X-Requested-With
 *       CORSExposeHeaders     X-Request-Id
 *       CORSAllowCredentials  On
 *       CORSMaxAge            600
 *   </Location>
 *
 * Phases (see server/request.c): a preflight is answered in header_parser, when the per-dir
 * configuration (sections and .htaccess) is final but before access checks, authentication
 * and any handler run, so a "Require valid-user" area answers its preflights and PHP, CGI or
 * a proxied backend never sees them.  Every other response of an enabled location passes the
 * CORS output filter, inserted for normal and error responses alike, which sets the
 * Access-Control-* headers (replacing any a backend set) and merges "Vary: Origin".
 *
 * The policy itself (parsing, matching, merging, deciding) is the core in src/.
 */

#include <limits.h>
#include <stdlib.h>

#include "apr_allocator.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ap_config.h"
#include "ap_mpm.h"
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_main.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"

#include "cors.h"
#include "mod_cors_htaccess.h"
#include "mod_cors_sources.h"

module AP_MODULE_DECLARE_DATA cors_module;

APLOG_USE_MODULE(cors);

#define CORS_FILTER "CORS"
#define CORS_DEBUG_HEADER "X-CORS-Reason"

/* Backtracking points one regex may use for one origin: far more than any origin regex
 * needs on the longest origin the parser accepts (512 bytes), far less than a blow-up takes
 * (well under 1 ms at the limit; bench/RESULTS.md). */
#define CORS_REGEX_MATCH_LIMIT  10000
#define CORS_REGEX_HEAP_LIMIT   256         /* KiB of backtracking frames */

/* Policy warnings logged by .htaccess files, which are read on every request: each is said
 * once per child process and file, and at most this many are remembered. */
#define CORS_WARNED_MAX         1024

/* What one generation of a process's .htaccess cache may hold before it starts afresh (the
 * old lines go once the requests reading them end): some 15,000 origins' worth. */
#define CORS_HTACCESS_CACHE_BYTES   ((apr_size_t)8 * 1024 * 1024)

/* Per process: the warnings already given (made at child_init, so one per process). */
typedef struct {
    apr_pool_t *pool;
    apr_thread_mutex_t *lock;           /* NULL without threads */
    apr_hash_t *seen;                   /* "file\nwarning" -> "" */
} cors_warned;

/* Per process: which regexes (by their text) the any-origin probes found broad.  A policy
 * built on every request (an .htaccess file too large to keep) compiles its regexes again,
 * but need not probe them again: probes may each cost up to the match limit, and a
 * customer's backtracking regexes would make every stranger's request pay for them.  Past
 * CORS_JUDGED_BYTES of regex text it starts afresh. */
#define CORS_JUDGED_BYTES   ((apr_size_t)1024 * 1024)

typedef struct {
    apr_pool_t *pool;                   /* its own allocator: used under lock only */
    apr_thread_mutex_t *lock;           /* NULL without threads */
    apr_hash_t *verdicts;               /* regex text -> "0" or "1" */
    apr_size_t bytes;
} cors_judged;

/* Per virtual host: state that is not policy. */
typedef struct {
    ap_filter_rec_t *filter;            /* looked up once at post_config */
    cors_warned *warned[2];             /* the main server's only: by cors_said */
    cors_judged *judged;                /* the main server's only: per process */
    cors_htcache *htcache;              /* the main server's only: per process */
    const cors_psl_below *below;        /* the main server's only: for .htaccess files */
} cors_server_conf;

/* Per request (kept on the request the browser sent, shared by its internal redirects). */
typedef struct {
    const cors_policy *policy;          /* captured once the request's own config is final */
    cors_answer answer;
    int decided;
    int preflight;                      /* the answer is a preflight's */
    int noted;                          /* the browser's request has its "cors" note */
    int logged;
} cors_request_state;

/* A compiled CORSAllowOriginMatch regex and the bounds every match of it runs under. */
typedef struct {
    pcre2_code *code;
    pcre2_match_context *limits;
} cors_regex;

/* The Access-Control-* response headers mod_cors owns where it is enabled. */
static const char *const owned_headers[] = {
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Access-Control-Allow-Private-Network",
    NULL
};

/* ---------------------------------------------------------------------------------------- */
/* Configuration                                                                             */

/* The per-directory record: a level as the core sees it, and for an .htaccess file where its
 * CORS lines stand in the process's cache.  A file read again unchanged only walks the cache:
 * pol stays empty, and pol.cached points at the last line, whose policy is used when httpd
 * merges the level.  The first line not found there makes the level "live": pol gets the
 * lines read so far and every later line is applied to it, as at start-up. */
typedef struct {
    cors_policy pol;                    /* first: the record is used as a cors_policy */
    const cors_htline *line;            /* .htaccess: the last CORS line read, or NULL */
    cors_htpin *pin;                    /* .htaccess: the cache generation this request reads */
    int live;
    int unkept;                         /* a line was not kept: none after it is */
    /* For the origin files an .htaccess line names: the real path of the directory the file
     * was read from, and where a policy the cache keeps counts what they hold (NULL: the
     * request's own). */
    const char *bound;
    const cors_meter *meter;
} cors_dir_conf;

/* What a directive does, reached through cmd->info: the command table's entries all go
 * through read_directive, which at request time looks the line up in the cache first. */
typedef struct {
    const char *(*take)(cmd_parms *cmd, void *dconf, const char *args);  /* RAW_ARGS, TAKE1 */
    const char *(*flag)(cmd_parms *cmd, void *dconf, int on);            /* FLAG */
    /* An origin source's maker (CORSAllowOriginFile, -Map, -Query), for set_origin_source;
     * dconf is the level's record (cors_dir_conf). */
    const char *(*source)(cmd_parms *cmd, void *dconf, const char *arg, cors_source_made *out);
    /* cppcheck-suppress unusedStructMember ; read through cmd->info, in field_of */
    size_t offset;                      /* the cors_policy field it sets, where one */
} cors_directive;

static size_t field_of(const cmd_parms *cmd)
{
    return ((const cors_directive *)cmd->info)->offset;
}

/* The levels read at start-up, sealed in place at post_config (see cors_set_seal): kept on
 * the configuration pool, so each configuration cycle has its own list. */
#define LEVELS_KEY "mod_cors levels"

/* A level's record: every level a directive handler fills is one, so that the handlers of
 * origin files find the .htaccess directory they are bound to. */
static cors_dir_conf *new_level(apr_pool_t *p)
{
    cors_dir_conf *dc = apr_pcalloc(p, sizeof(*dc));

    cors_policy_init(&dc->pol);
    return dc;
}

static void *create_cors_dir_config(apr_pool_t *p, char *dir)
{
    cors_policy *pol = &new_level(p)->pol;

    (void)dir;
    /* .htaccess levels are made per request, their lines found in the cache (htaccess_line). */
    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_RUN_MPM) {
        apr_array_header_t *levels = NULL;
        apr_pool_userdata_get((void **)&levels, LEVELS_KEY, p);
        if (!levels) {
            levels = apr_array_make(p, 16, sizeof(cors_policy *));
            apr_pool_userdata_setn(levels, LEVELS_KEY, NULL, p);
        }
        APR_ARRAY_PUSH(levels, cors_policy *) = pol;
    }
    return pol;
}

static const cors_policy *htaccess_policy(apr_pool_t *p, const cors_dir_conf *dc);

/* The level a record stands for: itself, or for an .htaccess file read unchanged, the
 * policy its lines built the first time. */
static const cors_policy *level_of(apr_pool_t *p, const cors_policy *pol)
{
    return pol->cached ? htaccess_policy(p, (const cors_dir_conf *)pol) : pol;
}

/* Either side may be a section's own record or a merge's result: httpd merges the sections
 * of one walk (<Files> in an .htaccess file, <Location>) among themselves first. */
static void *merge_cors_dir_config(apr_pool_t *p, void *basev, void *addv)
{
    return (void *)cors_policy_merge(p, level_of(p, basev), level_of(p, addv));
}

static void *create_cors_server_config(apr_pool_t *p, server_rec *s)
{
    (void)s;
    return apr_pcalloc(p, sizeof(cors_server_conf));
}

/* A contradiction inside one section, caught whichever directive comes second. */
static const char *check_level(cmd_parms *cmd, const cors_policy *pol)
{
    const char *conflict = cors_policy_conflict(pol);

    return conflict ? apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, conflict) : NULL;
}

/* CORSEnable remembers where it was said, so "off here" can name the line that did it. */
static const char *set_enable(cmd_parms *cmd, void *dconf, int on)
{
    cors_policy *pol = dconf;

    pol->enable = on;
    pol->enable_where = apr_psprintf(cmd->pool, "%s:%d", cmd->directive->filename,
                                     cmd->directive->line_num);
    return NULL;
}

static const char *set_flag(cmd_parms *cmd, void *dconf, int on)
{
    *(int *)((char *)dconf + field_of(cmd)) = on;
    return NULL;
}

static const char *set_checked_flag(cmd_parms *cmd, void *dconf, int on)
{
    set_flag(cmd, dconf, on);
    return check_level(cmd, dconf);
}

static void lock_if(apr_thread_mutex_t *m)
{
#if APR_HAS_THREADS
    if (m) {
        apr_thread_mutex_lock(m);
    }
#else
    (void)m;
#endif
}

static void unlock_if(apr_thread_mutex_t *m)
{
#if APR_HAS_THREADS
    if (m) {
        apr_thread_mutex_unlock(m);
    }
#else
    (void)m;
#endif
}

static int first_time_warned(cors_warned *w, const char *key)
{
    int first = 0;

    lock_if(w->lock);
    if (!apr_hash_get(w->seen, key, APR_HASH_KEY_STRING)
        && apr_hash_count(w->seen) < CORS_WARNED_MAX) {
        apr_hash_set(w->seen, apr_pstrdup(w->pool, key), APR_HASH_KEY_STRING, "");
        first = 1;
    }
    unlock_if(w->lock);
    return first;
}

/* Whether a serving process has not said this yet (it remembers, from now on, that it has).
 * Start-up reads each file once for configtest and once more to start, and says everything.
 * What .htaccess files cause has its own room: a customer who fills it (new directories, new
 * lines) silences only messages about .htaccess files. */
int cors_first_in_process(cors_said scope, const char *key)
{
    cors_server_conf *main_conf;

    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_RUN_MPM) {
        return 1;
    }
    main_conf = ap_get_module_config(ap_server_conf->module_config, &cors_module);
    return !main_conf->warned[scope] || first_time_warned(main_conf->warned[scope], key);
}

/* What a request's warnings are said in the room of: .htaccess files', where the request
 * read CORS lines of one. */
static cors_said said_scope(const request_rec *r)
{
    return cors_htcache_pinned(r->pool) ? CORS_SAID_HTACCESS : CORS_SAID_SERVER;
}

/* Where a message about the configuration goes: while it is read, through no server (the
 * console at start-up, the main error log at a graceful restart), as a virtual host's record
 * is not set up to log yet; at request time (.htaccess), the request's server. */
static server_rec *config_log_server(cmd_parms *cmd)
{
    return ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_RUN_MPM ? cmd->server : NULL;
}

/* A warning about the policy a directive sets.  An .htaccess file is read on every request,
 * so there each warning is logged once per process and file. */
static void warn_policy(cmd_parms *cmd, const char *msg)
{
    const char *file = cmd->directive->filename;

    if (cors_first_in_process(CORS_SAID_HTACCESS,
                              apr_psprintf(cmd->temp_pool, "%s\n%s", file, msg))) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, config_log_server(cmd), "%s (%s:%d)", msg,
                     file, cmd->directive->line_num);
    }
}

/* The words of a directive line, each split further on commas (values copied from a header
 * such as "GET, POST" work), with their +/- edit marks.  A line of plain items replaces the
 * inherited list, and may take items out of its own list with "-" ("* -PATCH"); "+" beside
 * plain items would mean nothing, so it is refused. */
static const char *read_items(cmd_parms *cmd, const char *args, int split,
                              apr_array_header_t *items, apr_array_header_t *edits)
{
    apr_array_header_t *words = apr_array_make(cmd->temp_pool, 8, sizeof(const char *));
    int i, plain = 0, add = 0;

    while (*args) {
        const char *word = ap_getword_conf(cmd->temp_pool, &args);
        if (!*word) {
            continue;
        }
        if (split) {
            cors_split_items(cmd->temp_pool, word, words);
        }
        else {
            APR_ARRAY_PUSH(words, const char *) = word;
        }
    }
    if (words->nelts == 0) {
        return apr_psprintf(cmd->pool, "%s needs at least one value", cmd->cmd->name);
    }
    for (i = 0; i < words->nelts; i++) {
        const char *w = APR_ARRAY_IDX(words, i, const char *);
        cors_edit e = CORS_ITEM_PLAIN;
        if (w[0] == '+' || w[0] == '-') {
            e = w[0] == '+' ? CORS_ITEM_ADD : CORS_ITEM_REMOVE;
            w++;
            if (!*w) {
                return apr_psprintf(cmd->pool, "%s: '%c' must be followed by a value, "
                                    "without a space", cmd->cmd->name, w[-1]);
            }
        }
        plain += e == CORS_ITEM_PLAIN;
        add += e == CORS_ITEM_ADD;
        APR_ARRAY_PUSH(items, const char *) = w;
        APR_ARRAY_PUSH(edits, cors_edit) = e;
    }
    if (plain && add) {
        return apr_psprintf(cmd->pool, "%s: a line mixes '+' items with plain ones; give "
                            "either a whole list (which replaces the inherited one, and may "
                            "take items out with '-') or only +/- edits of it",
                            cmd->cmd->name);
    }
    return NULL;
}

/* An origin a browser writes one way only (an IPv6 literal in full) is accepted and used in
 * that form; say so, so the admin can write it that way. */
static void note_normalised(cmd_parms *cmd, const char *item)
{
    cors_origin o;
    const char *normalised = NULL;

    if (cors_origin_parse(item, strlen(item), CORS_ORIGIN_PATTERN, &o) == CORS_ORIGIN_OK
        && cors_origin_check_config(cmd->temp_pool, item, &o, &normalised) == NULL
        && normalised) {
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, cmd->server->is_virtual ? config_log_server(cmd)
                     : cmd->server, "%s: '%s' is read as '%s', "
                     "the form browsers send (%s:%d)", cmd->cmd->name, item, normalised,
                     cmd->directive->filename, cmd->directive->line_num);
    }
}

/* The Public Suffix List's domains that hold suffixes, read once per configuration cycle:
 * start-up keeps them on the configuration pool, requests (.htaccess files) find them in the
 * main server's record, set at post_config. */
#define PSL_KEY "mod_cors suffixes below"

typedef struct {
    const cors_psl_below *below;        /* NULL: the list could not be read */
} psl_holder;

static const cors_psl_below *suffixes_below(apr_pool_t *pconf)
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

/* libpsl refuses a wildcard over a public suffix; this one over a domain that holds one
 * (a wildcard over amazonaws.com covers every S3 bucket's name). */
static const char *check_suffixes_below(cmd_parms *cmd, const char *item)
{
    const cors_psl_below *below;
    const char *rule;
    cors_origin o;

    if (cors_origin_parse(item, strlen(item), CORS_ORIGIN_PATTERN, &o) != CORS_ORIGIN_OK
        || !o.wild_host) {
        return NULL;
    }
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_RUN_MPM) {
        below = ((cors_server_conf *)ap_get_module_config(ap_server_conf->module_config,
                                                          &cors_module))->below;
    }
    else {
        below = suffixes_below(cmd->pool);
    }
    rule = cors_psl_suffix_below(below, o.host, o.host_len);
    return rule ? apr_psprintf(cmd->pool, "%s: '%s' lets strangers in: it covers '%s', a "
                               "public suffix under which anyone can register a name and read "
                               "the answers; list the sites instead", cmd->cmd->name, item,
                               rule) : NULL;
}

/* A method other than the six browsers upper-case, written all in lower case ("patch"):
 * almost always meant as the upper-case method scripts send. */
static int looks_mistyped(const char *method)
{
    const char *c;
    int lower = 0;

    if (cors_method_normal(method, strlen(method))) {
        return 0;
    }
    for (c = method; *c; c++) {
        if (*c >= 'A' && *c <= 'Z') {
            return 0;
        }
        lower |= *c >= 'a' && *c <= 'z';
    }
    return lower;
}

static cors_set_kind kind_of(size_t offset)
{
    if (offset == APR_OFFSETOF(cors_policy, origins)) {
        return CORS_SET_ORIGINS;
    }
    return offset == APR_OFFSETOF(cors_policy, methods) ? CORS_SET_METHODS : CORS_SET_HEADERS;
}

/* CORSAllowOrigin, CORSAllowMethods, CORSAllowHeaders, CORSExposeHeaders. */
static const char *set_list(cmd_parms *cmd, void *dconf, const char *args)
{
    size_t offset = field_of(cmd);
    cors_set **slot = (cors_set **)((char *)dconf + offset);
    cors_set_kind kind = kind_of(offset);
    apr_array_header_t *items = apr_array_make(cmd->temp_pool, 8, sizeof(const char *));
    apr_array_header_t *edits = apr_array_make(cmd->temp_pool, 8, sizeof(cors_edit));
    const char *err = read_items(cmd, args, 1, items, edits);
    int i;

    if (err) {
        return err;
    }
    if (!*slot) {
        *slot = cors_set_make(cmd->pool, kind);
    }
    for (i = 0; i < items->nelts; i++) {
        const char *item = APR_ARRAY_IDX(items, i, const char *);
        cors_edit e = APR_ARRAY_IDX(edits, i, cors_edit);
        if (kind == CORS_SET_ORIGINS) {
            note_normalised(cmd, item);
        }
        err = cors_set_add(cmd->pool, *slot, item, e);
        if (err) {
            return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
        }
        if (kind == CORS_SET_ORIGINS && e != CORS_ITEM_REMOVE
            && (err = check_suffixes_below(cmd, item)) != NULL) {
            return err;
        }
        if (kind == CORS_SET_METHODS && e != CORS_ITEM_REMOVE && looks_mistyped(item)) {
            warn_policy(cmd, apr_psprintf(cmd->temp_pool, "%s: '%s' is in lower case: browsers "
                                          "send methods other than DELETE GET HEAD OPTIONS "
                                          "POST PUT exactly as the script wrote them, and "
                                          "scripts usually write them in upper case; list the "
                                          "spelling your scripts send (both, if unsure)",
                                          cmd->cmd->name, item));
        }
        /* At start-up the merged policies say it, through the main server (check_config). */
        if (kind == CORS_SET_ORIGINS && e != CORS_ITEM_REMOVE && !strcasecmp(item, "null")
            && ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_RUN_MPM) {
            warn_policy(cmd, apr_psprintf(cmd->temp_pool, "%s: allowing the origin 'null': "
                                          "any page can send it (sandboxed iframes, data: "
                                          "and file: URLs, redirects), so it grants nothing "
                                          "a stranger cannot have", cmd->cmd->name));
        }
    }
    return check_level(cmd, dconf);
}

/* PCRE2 takes its memory from these: request scratch from the request's pool, compiled
 * patterns from the configuration pool. */
static void *pool_alloc(PCRE2_SIZE size, void *pool)
{
    return apr_palloc(pool, size);
}

static void pool_free(void *block, void *pool)
{
    (void)block;
    (void)pool;
}

/* One match data block (and the backtracking frames it grows) per pool, that is per
 * request: every regex a request tries reuses it. */
#define MATCH_DATA_KEY "mod_cors match data"

static pcre2_match_data *match_data(apr_pool_t *p)
{
    pcre2_match_data *md = NULL;

    apr_pool_userdata_get((void **)&md, MATCH_DATA_KEY, p);
    if (!md) {
        pcre2_general_context *mem = pcre2_general_context_create(pool_alloc, pool_free, p);
        md = mem ? pcre2_match_data_create(1, mem) : NULL;
        if (md) {
            apr_pool_userdata_setn(md, MATCH_DATA_KEY, NULL, p);
        }
    }
    return md;
}

/* Whatever the admin wrote, a regex must match the whole origin (an unanchored
 * "example\.com" would also allow https://example.com.evil.net): compiled anchored at both
 * ends, so no ')' in the pattern can escape a wrapper.  Every match is bounded. */
static int match_bounded(const void *data, const char *s, size_t len, apr_pool_t *p)
{
    const cors_regex *re = data;
    pcre2_match_data *md = match_data(p);
    int rc;

    if (!md) {
        return -1;
    }
    rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, md, re->limits);
    return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

/* A counter kept on a pool (a request's, or the .htaccess cache's while it builds a level). */
static apr_size_t *pool_counter(apr_pool_t *p, const char *key)
{
    apr_size_t *counter = NULL;

    apr_pool_userdata_get((void **)&counter, key, p);
    if (!counter) {
        counter = apr_pcalloc(p, sizeof(*counter));
        apr_pool_userdata_setn(counter, key, NULL, p);
    }
    return counter;
}

/* What the regexes compiled into a pool take (the .htaccess cache counts it): PCRE2's size
 * of the code, and the contexts beside it. */
static apr_size_t *compiled_bytes(apr_pool_t *p)
{
    return pool_counter(p, "mod_cors compiled bytes");
}

static void note_compiled(apr_pool_t *p, const pcre2_code *code)
{
    size_t size = 0;

    pcre2_pattern_info(code, PCRE2_INFO_SIZE, &size);
    *compiled_bytes(p) += size + 512;
}

static const char *compile_regex(cmd_parms *cmd, const char *source, cors_regex **out)
{
    pcre2_general_context *mem = pcre2_general_context_create(pool_alloc, pool_free,
                                                              cmd->pool);
    pcre2_compile_context *cc = pcre2_compile_context_create(mem);
    cors_regex *re = apr_pcalloc(cmd->pool, sizeof(*re));
    int rc;
    PCRE2_SIZE at;

    re->code = pcre2_compile((PCRE2_SPTR)source, PCRE2_ZERO_TERMINATED,
                             PCRE2_CASELESS | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &rc, &at,
                             cc);
    if (!re->code) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(rc, msg, sizeof(msg));
        return apr_psprintf(cmd->pool, "%s: '%s' is not a valid regular expression (%s at "
                            "offset %lu)", cmd->cmd->name, source, (const char *)msg,
                            (unsigned long)at);
    }
    /* Interpreted, not JIT-compiled: the interpreter counts every backtracking point against
     * the match limit, while JIT code may do unbounded work per counted step (a regex of 20
     * alternatives took 5 ms a request under JIT at the same limit, 0.1 ms without).  So the
     * compiled code is pool memory only, and needs no cleanup. */
    re->limits = pcre2_match_context_create(mem);
    pcre2_set_match_limit(re->limits, CORS_REGEX_MATCH_LIMIT);
    pcre2_set_heap_limit(re->limits, CORS_REGEX_HEAP_LIMIT);
    note_compiled(cmd->pool, re->code);
    *out = re;
    return NULL;
}

/* .htaccess files may hold many sections: the regexes one request's files hold are bounded
 * as a whole, not per section.  Counted on the request's pool, for the lines httpd reads
 * (cmd->config_file is the file it reads): a line replayed from the cache was counted when
 * the request found it there, and counts no more. */
static apr_size_t *regex_count(apr_pool_t *p)
{
    return pool_counter(p, "mod_cors regexes compiled");
}

static const char *count_htaccess_regexes(cmd_parms *cmd, int n)
{
    apr_size_t *count;

    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_RUN_MPM || !cmd->config_file) {
        return NULL;
    }
    count = regex_count(cmd->pool);
    *count += (apr_size_t)n;
    if (*count > CORS_LIST_MAX) {
        return apr_psprintf(cmd->pool, "%s: more than %d regexes in the .htaccess files of "
                            "one request; use exact origins or *.domain patterns",
                            cmd->cmd->name, CORS_LIST_MAX);
    }
    return NULL;
}

static int judged_verdict(cors_judged *j, const char *source)
{
    const char *v;

    lock_if(j->lock);
    v = apr_hash_get(j->verdicts, source, APR_HASH_KEY_STRING);
    unlock_if(j->lock);
    return v ? *v == '1' : -1;
}

static void remember_verdict(cors_judged *j, const char *source, int broad)
{
    apr_size_t len = strlen(source);

    lock_if(j->lock);
    if (j->bytes + len > CORS_JUDGED_BYTES) {
        apr_pool_clear(j->pool);
        j->verdicts = apr_hash_make(j->pool);
        j->bytes = 0;
    }
    if (!apr_hash_get(j->verdicts, source, (apr_ssize_t)len)) {
        apr_hash_set(j->verdicts, apr_pstrmemdup(j->pool, source, len), (apr_ssize_t)len,
                     broad ? "1" : "0");
        j->bytes += len;
    }
    unlock_if(j->lock);
}

/* Whether a regex is broad: probed, or in a serving process as probed before. */
static int regex_verdict(cmd_parms *cmd, const char *source, const cors_regex *re)
{
    cors_judged *j = NULL;
    int broad;

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_RUN_MPM) {
        j = ((cors_server_conf *)ap_get_module_config(ap_server_conf->module_config,
                                                      &cors_module))->judged;
    }
    if (j && (broad = judged_verdict(j, source)) >= 0) {
        return broad;
    }
    broad = cors_regex_is_broad(cmd->temp_pool, source, match_bounded, re);
    if (j) {
        ap_log_error(APLOG_MARK, APLOG_TRACE1, 0, cmd->server, "mod_cors: probed the regex "
                     "'%s' (%s)", source, broad ? "matches any origin" : "anchored");
        remember_verdict(j, source, broad);
    }
    return broad;
}

static const char *set_origin_regex(cmd_parms *cmd, void *dconf, const char *args)
{
    cors_policy *pol = dconf;
    apr_array_header_t *items = apr_array_make(cmd->temp_pool, 4, sizeof(const char *));
    apr_array_header_t *edits = apr_array_make(cmd->temp_pool, 4, sizeof(cors_edit));
    const char *err = read_items(cmd, args, 0, items, edits);
    int i;

    if (err) {
        return err;
    }
    if (!pol->origins) {
        pol->origins = cors_set_make(cmd->pool, CORS_SET_ORIGINS);
    }
    for (i = 0; i < items->nelts; i++) {
        const char *source = APR_ARRAY_IDX(items, i, const char *);
        cors_regex *re = NULL;
        int broad = 0;
        if ((err = count_htaccess_regexes(cmd, 1)) != NULL
            || (err = compile_regex(cmd, source, &re)) != NULL) {
            return err;
        }
        err = cors_set_add_regex_judged(cmd->pool, pol->origins, source, match_bounded, re,
                                        APR_ARRAY_IDX(edits, i, cors_edit),
                                        regex_verdict(cmd, source, re), &broad);
        if (err) {
            return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
        }
        /* At start-up the merged policies say it (check_config). */
        if (broad && pol->credentials != 1
            && ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_RUN_MPM) {
            warn_policy(cmd, apr_psprintf(cmd->temp_pool, "%s: '%s' matches any origin "
                                          "(it matched origins no policy means to allow): "
                                          "every site may read these answers; anchor it to "
                                          "your own domains, or write CORSAllowOrigin * if "
                                          "that is what you mean", cmd->cmd->name, source));
        }
    }
    return check_level(cmd, dconf);
}

/* An .htaccess file's origin file is named relative to the directory the .htaccess file was
 * read from, its level's bound (htaccess_line resolves it; a line replayed from the cache
 * brings the one resolved when it was first read). */
static const char *make_file_source(cmd_parms *cmd, void *dconf, const char *arg,
                                    cors_source_made *out)
{
    const cors_dir_conf *dc = dconf;

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_RUN_MPM) {
        if (!dc->bound) {
            return "cannot tell which directory this .htaccess file was read from";
        }
        return cors_file_source_make(cmd, arg, dc->bound, dc->meter,
                                     ((cors_server_conf *)ap_get_module_config(
                                         ap_server_conf->module_config, &cors_module))->below,
                                     out);
    }
    return cors_file_source_make(cmd, arg, NULL, NULL, suffixes_below(cmd->pool), out);
}

static const char *make_dbm_source(cmd_parms *cmd, void *dconf, const char *arg,
                                   cors_source_made *out)
{
    (void)dconf;
    return cors_dbm_source_make(cmd, arg, out);
}

static const char *make_query_source(cmd_parms *cmd, void *dconf, const char *arg,
                                     cors_source_made *out)
{
    (void)dconf;
    return cors_query_source_make(cmd, arg, out);
}

/* CORSAllowOriginFile, CORSAllowOriginMap, CORSAllowOriginQuery: one argument, which like a
 * list replaces the inherited origins, or with "+" before it adds to them. */
static const char *set_origin_source(cmd_parms *cmd, void *dconf, const char *args)
{
    cors_policy *pol = dconf;
    const cors_directive *d = cmd->info;
    cors_edit e = CORS_ITEM_PLAIN;
    cors_source_made made;
    const char *arg, *err;

    while (*args == ' ' || *args == '\t') {
        args++;
    }
    if (*args == '+') {
        e = CORS_ITEM_ADD;
        args++;
    }
    arg = ap_getword_conf(cmd->temp_pool, &args);
    if (!*arg || *args) {
        return apr_psprintf(cmd->pool, "%s takes one argument (quote it if it holds spaces), "
                            "with '+' before it to add to the inherited origins",
                            cmd->cmd->name);
    }
    if ((err = d->source(cmd, dconf, arg, &made)) != NULL) {
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    }
    if (!pol->origins) {
        pol->origins = cors_set_make(cmd->pool, CORS_SET_ORIGINS);
    }
    err = cors_set_add_source(cmd->pool, pol->origins, made.name, made.lookup, made.src, e);
    if (err) {
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    }
    *compiled_bytes(cmd->pool) += made.bytes;
    return check_level(cmd, dconf);
}

/* The server-wide settings of the sources (mod_cors_sources.c). */
static const char *set_origin_cache(cmd_parms *cmd, void *dconf, const char *arg)
{
    (void)dconf;
    return cors_sources_set_cache(cmd, arg);
}

static const char *set_origin_cache_timeout(cmd_parms *cmd, void *dconf, const char *arg)
{
    (void)dconf;
    return cors_sources_set_timeout(cmd, arg);
}

static const char *set_origin_query_budget(cmd_parms *cmd, void *dconf, const char *arg)
{
    (void)dconf;
    return cors_sources_set_budget(cmd, arg);
}

static const char *set_origin_cache_secret(cmd_parms *cmd, void *dconf, const char *arg)
{
    (void)dconf;
    return cors_sources_set_secret(cmd, arg);
}

static const char *set_max_age(cmd_parms *cmd, void *dconf, const char *arg)
{
    cors_policy *pol = dconf;
    const char *s;
    long v = 0;

    for (s = arg; *s >= '0' && *s <= '9' && v <= 86400; s++) {
        v = v * 10 + (*s - '0');
    }
    if (!*arg || *s || v > 86400) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a number of seconds from 0 to 86400 "
                            "(browsers cap it anyway: Chromium at 7200)", cmd->cmd->name, arg);
    }
    pol->max_age = (int)v;
    pol->max_age_value = apr_ltoa(cmd->pool, v);
    return NULL;
}

static const char *set_preflight_status(cmd_parms *cmd, void *dconf, const char *arg)
{
    cors_policy *pol = dconf;

    if (strcmp(arg, "200") != 0 && strcmp(arg, "204") != 0) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not 200 or 204 (use 200 for clients that "
                            "reject 204 preflight answers)", cmd->cmd->name, arg);
    }
    pol->preflight_status = atoi(arg);
    return NULL;
}

/* ---- .htaccess: the lines of an unchanged file are looked up, not parsed again ---------- */

static const char *apply_directive(cmd_parms *cmd, void *dconf, const char *args, int on)
{
    const cors_directive *d = cmd->info;

    return d->take ? d->take(cmd, dconf, args) : d->flag(cmd, dconf, on);
}

/* Applies a cached line again (cors_htcache_replay): the handler sees the command, the
 * file and line it came from, the directory it is bound to, and pools; baton is the server it
 * is logged for.  dconf is a level's record (cors_dir_conf).  An error names the line: it is
 * the file's error. */
static const char *apply_cached_line(void *baton, apr_pool_t *pool, apr_pool_t *scratch,
                                     const cors_htkey *key, void *dconf)
{
    cmd_parms parms;
    ap_directive_t where;
    const char *err;

    memset(&parms, 0, sizeof(parms));
    memset(&where, 0, sizeof(where));
    where.directive = key->cmd->name;
    where.args = key->args;
    where.filename = key->file;
    where.line_num = key->line_num;
    parms.cmd = key->cmd;
    parms.info = key->cmd->cmd_data;
    parms.override = OR_FILEINFO;
    parms.directive = &where;
    parms.pool = pool;
    parms.temp_pool = scratch;
    parms.server = baton;
    ((cors_dir_conf *)dconf)->bound = key->bound;
    err = apply_directive(&parms, dconf, key->args, key->flag);
    return err ? apr_psprintf(pool, "%s:%d: %s", key->file, key->line_num, err) : NULL;
}

/* A level built from cached lines in a pool of the cache's (see cors_htcache_policy); the
 * origin files its lines name count what they read later through meter. */
static cors_policy *build_level(void *baton, apr_pool_t *pool, apr_pool_t *scratch,
                                const cors_htline *line, const cors_meter *meter,
                                apr_size_t *compiled, const char **error)
{
    cors_dir_conf *level = new_level(pool);
    const char *err;

    level->meter = meter;
    err = cors_htcache_replay(line, pool, scratch, apply_cached_line, baton, level);
    if (err) {
        *error = apr_pstrdup(scratch, err);     /* pool goes with the failed build */
        return NULL;
    }
    cors_policy_seal(pool, &level->pol);
    *compiled = *compiled_bytes(pool);
    return &level->pol;
}

static cors_htcache *process_htcache(void)
{
    cors_server_conf *main_conf = ap_get_module_config(ap_server_conf->module_config,
                                                       &cors_module);
    return main_conf->htcache;
}

/* A file whose cached lines cannot be applied again (what a line reads changed under it) is
 * the file's error, as a line httpd cannot parse is: the request answers 500 (in
 * header_parser, as merging cannot fail) and the log says why; never a policy that stops
 * short of its last lines, which may be removals. */
#define HTACCESS_ERROR_KEY "mod_cors htaccess error"

static void fail_request(apr_pool_t *p, const char *err)
{
    apr_pool_userdata_setn(apr_pstrdup(p, err), HTACCESS_ERROR_KEY, NULL, p);
}

static const char *request_failed(const request_rec *r)
{
    void *err = NULL;

    apr_pool_userdata_get(&err, HTACCESS_ERROR_KEY, r->pool);
    return err;
}

/* The policy of an .htaccess file's lines found in the cache: the one kept there, or where
 * the cache keeps none (it is full, or the policy would take too much of it), one built for
 * this request from the lines, as without a cache.  A level that fails says nothing: the
 * request fails (fail_request). */
static const cors_policy *htaccess_policy(apr_pool_t *p, const cors_dir_conf *dc)
{
    const char *err = NULL;
    const cors_policy *pol = cors_htcache_policy(dc->pin, dc->line, p, build_level,
                                                 ap_server_conf, &err);
    cors_dir_conf *own;

    if (pol) {
        return pol;
    }
    if (!err) {
        own = new_level(p);
        err = cors_htcache_replay(dc->line, p, p, apply_cached_line, ap_server_conf, own);
        if (!err) {
            return cors_policy_sealed(p, &own->pol);
        }
    }
    fail_request(p, err);
    return cors_policy_sealed(p, cors_policy_make(p));
}

/* The first line of this file not in the cache: the level gets the lines read so far (each
 * was checked when it was first read, and their regexes are already counted), then is read
 * on as at start-up.  An error in them is this file's. */
static const char *go_live(cmd_parms *cmd, cors_dir_conf *dc)
{
    dc->live = 1;
    dc->pol.cached = NULL;
    return dc->line ? cors_htcache_replay(dc->line, cmd->pool, cmd->temp_pool,
                                          apply_cached_line, cmd->server, dc)
                    : NULL;
}

/* The real path of the directory httpd read this .htaccess file from, for the origin files
 * its lines name: the file's directory, resolved once here, must hold the very file httpd
 * has open (device and inode of what it reads, not of what its name leads to now), so a
 * link re-pointed while the file is read cannot make a server directory the bound.  httpd
 * opens every .htaccess file with ap_pcfg_openfile, whose param is the apr_file_t it reads. */
static const char *htaccess_bound(cmd_parms *cmd, const char **bound)
{
    const char *file = cmd->directive->filename;
    const char *slash = strrchr(file, '/');
    apr_file_t *opened = cmd->config_file ? cmd->config_file->param : NULL;
    apr_finfo_t read_fi, there;
    char real[PATH_MAX];
    const char *dir;

    if (!slash || !opened) {
        return apr_psprintf(cmd->pool, "%s: cannot tell which directory %s was read from",
                            cmd->cmd->name, file);
    }
    dir = slash == file ? "/" : apr_pstrmemdup(cmd->temp_pool, file, (apr_size_t)(slash - file));
    if (!realpath(dir, real)
        || apr_file_info_get(&read_fi, APR_FINFO_INODE | APR_FINFO_DEV, opened) != APR_SUCCESS
        || apr_stat(&there, apr_pstrcat(cmd->temp_pool, real, slash, (char *)NULL),
                    APR_FINFO_INODE | APR_FINFO_DEV, cmd->temp_pool) != APR_SUCCESS
        || read_fi.inode != there.inode || read_fi.device != there.device) {
        return apr_psprintf(cmd->pool, "%s: the directory %s was read from changed while it "
                            "was read (a link re-pointed?)", cmd->cmd->name, file);
    }
    *bound = apr_pstrdup(cmd->pool, real);
    return NULL;
}

static int names_origin_file(const cmd_parms *cmd)
{
    return ((const cors_directive *)cmd->info)->source == make_file_source;
}

/* A directive line read at request time: one cache look-up when the file is unchanged;
 * otherwise applied, and remembered (with its error: a bad line stays bad). */
static const char *htaccess_line(cmd_parms *cmd, cors_dir_conf *dc, cors_htcache *cache,
                                 const char *args, int on)
{
    cors_htkey key;
    const cors_htline *found;
    const char *err;
    apr_size_t *count, before, compiled;

    key.cmd = cmd->cmd;
    key.file = cmd->directive->filename;
    key.line_num = cmd->directive->line_num;
    key.args = args;
    key.flag = on;
    key.bound = NULL;
    if (!dc->pin) {
        dc->pin = cors_htcache_pin(cache, cmd->pool);
    }
    if (!dc->live) {
        found = cors_htcache_find(dc->pin, dc->line, &key);
        if (found) {
            if (cors_htline_error(found)) {
                return apr_pstrdup(cmd->pool, cors_htline_error(found));
            }
            if (cors_htline_regexes(found)
                && (err = count_htaccess_regexes(cmd, cors_htline_regexes(found))) != NULL) {
                return err;
            }
            dc->line = found;
            dc->pol.cached = found;
            return NULL;
        }
        if ((err = go_live(cmd, dc)) != NULL) {
            dc->unkept = 1;
            return err;
        }
    }
    /* Not kept when it fails: the directory, not the line, is at fault. */
    if (names_origin_file(cmd)) {
        if ((err = htaccess_bound(cmd, &dc->bound)) != NULL) {
            dc->unkept = 1;
            return err;
        }
        key.bound = dc->bound;
    }
    count = regex_count(cmd->pool);
    before = *count;
    compiled = *compiled_bytes(cmd->pool);
    err = apply_directive(cmd, &dc->pol, args, on);
    /* Past the per-request regex bound the line is not at fault: it depends on the other
     * files the request reads, so it is not remembered.  A line not remembered ends the
     * chain for this reading of the file (a later line must not follow the one before). */
    if (!dc->unkept && *count <= CORS_LIST_MAX) {
        dc->line = cors_htcache_add(dc->pin, dc->line, &key, err, (int)(*count - before),
                                    *compiled_bytes(cmd->pool) - compiled);
    }
    dc->unkept |= dc->line == NULL || *count > CORS_LIST_MAX;
    return err;
}

static const char *read_directive(cmd_parms *cmd, void *dconf, const char *args, int on)
{
    cors_htcache *cache;

    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_RUN_MPM
        || (cache = process_htcache()) == NULL) {
        return apply_directive(cmd, dconf, args, on);
    }
    return htaccess_line(cmd, dconf, cache, args, on);
}

static const char *read_take(cmd_parms *cmd, void *dconf, const char *args)
{
    return read_directive(cmd, dconf, args, 0);
}

static const char *read_flag(cmd_parms *cmd, void *dconf, int on)
{
    return read_directive(cmd, dconf, on ? "On" : "Off", on);
}

#define FIELD(field) APR_OFFSETOF(cors_policy, field)

static const cors_directive enable_d = { NULL, set_enable, NULL, FIELD(enable) };
static const cors_directive origins_d = { set_list, NULL, NULL, FIELD(origins) };
static const cors_directive origin_regex_d = { set_origin_regex, NULL, NULL, FIELD(origins) };
static const cors_directive origin_file_d = { set_origin_source, NULL, make_file_source,
                                              FIELD(origins) };
static const cors_directive origin_map_d = { set_origin_source, NULL, make_dbm_source,
                                             FIELD(origins) };
static const cors_directive origin_query_d = { set_origin_source, NULL, make_query_source,
                                               FIELD(origins) };
static const cors_directive methods_d = { set_list, NULL, NULL, FIELD(methods) };
static const cors_directive headers_d = { set_list, NULL, NULL, FIELD(headers) };
static const cors_directive expose_d = { set_list, NULL, NULL, FIELD(expose) };
static const cors_directive credentials_d = { NULL, set_checked_flag, NULL, FIELD(credentials) };
static const cors_directive max_age_d = { set_max_age, NULL, NULL, FIELD(max_age) };
static const cors_directive preflight_status_d = { set_preflight_status, NULL, NULL,
                                                   FIELD(preflight_status) };
static const cors_directive private_network_d = { NULL, set_flag, NULL, FIELD(private_network) };
static const cors_directive debug_d = { NULL, set_flag, NULL, FIELD(debug) };

#define RAW(name, d, help) AP_INIT_RAW_ARGS(name, read_take, (void *)&(d), OR_FILEINFO, help)
#define TAKE1(name, d, help) AP_INIT_TAKE1(name, read_take, (void *)&(d), OR_FILEINFO, help)
#define FLAG(name, d, help) AP_INIT_FLAG(name, read_flag, (void *)&(d), OR_FILEINFO, help)
/* Not for .htaccess files unless the admin names the directive in AllowOverrideList (files
 * only: a database or DBM file is the server's). */
#define ADMIN(name, d, help) AP_INIT_RAW_ARGS(name, read_take, (void *)&(d), \
                                              ACCESS_CONF | RSRC_CONF, help)

static const command_rec cors_cmds[] = {
    FLAG("CORSEnable", enable_d,
         "Off to switch the policy off below this point, On to switch it back on (a "
         "location with an origin list is on by default)"),
    RAW("CORSAllowOrigin", origins_d,
        "origins allowed: https://host[:port], https://*.domain, http://host:*, *, null; "
        "+item/-item edit the inherited list"),
    RAW("CORSAllowOriginMatch", origin_regex_d,
        "regular expressions an origin must match as a whole"),
    ADMIN("CORSAllowOriginFile", origin_file_d,
          "[+]PATH: a file of origins, one per line, read again when it changes"),
    ADMIN("CORSAllowOriginMap", origin_map_d,
          "[+]dbm[=type]:PATH: a DBM file whose keys are the origins allowed (httxt2dbm)"),
    ADMIN("CORSAllowOriginQuery", origin_query_d,
          "[+]\"SQL with one %s\": an origin is allowed when the query (mod_dbd) returns a row"),
    AP_INIT_TAKE1("CORSOriginCache", set_origin_cache, NULL, RSRC_CONF,
                  "PROVIDER[:ARGS]: the mod_socache cache of CORSAllowOriginQuery answers "
                  "(shmcb, memcache, redis)"),
    AP_INIT_TAKE1("CORSOriginCacheTimeout", set_origin_cache_timeout, NULL, RSRC_CONF,
                  "seconds an answer of CORSAllowOriginQuery is kept (default 60)"),
    AP_INIT_TAKE1("CORSOriginQueryBudget", set_origin_query_budget, NULL, RSRC_CONF,
                  "origin queries one process may send a second (default 50)"),
    AP_INIT_TAKE1("CORSOriginCacheSecret", set_origin_cache_secret, NULL, RSRC_CONF,
                  "PATH: a file of at least 32 secret bytes, the same on every server sharing "
                  "a memcache or redis CORSOriginCache: answers kept there are signed with it"),
    RAW("CORSAllowMethods", methods_d, "methods allowed in preflights (default GET HEAD POST)"),
    RAW("CORSAllowHeaders", headers_d, "request headers allowed in preflights, or *"),
    RAW("CORSExposeHeaders", expose_d, "response headers scripts may read, or *"),
    FLAG("CORSAllowCredentials", credentials_d,
         "On to allow cookies and HTTP authentication (Access-Control-Allow-Credentials)"),
    TAKE1("CORSMaxAge", max_age_d, "seconds browsers may cache a preflight answer (0..86400)"),
    TAKE1("CORSPreflightStatus", preflight_status_d,
          "status of an allowed preflight answer: 204 (default) or 200"),
    FLAG("CORSAllowPrivateNetwork", private_network_d,
         "On to answer Access-Control-Request-Private-Network"),
    FLAG("CORSDebug", debug_d,
         "On to say in an " CORS_DEBUG_HEADER " response header why CORS headers were not sent"),
    { NULL }
};

/* ---------------------------------------------------------------------------------------- */
/* Start-up                                                                                  */

static const char *section_name(ap_conf_vector_t *sec)
{
    core_dir_config *cdc = ap_get_core_module_config(sec);

    return cdc && cdc->d ? cdc->d : "(unnamed section)";
}

static const char *server_name(apr_pool_t *p, const server_rec *s)
{
    return s->is_virtual ? apr_psprintf(p, "the virtual host at %s:%d (%s)", s->defn_name,
                                        s->defn_line_number,
                                        s->server_hostname ? s->server_hostname : "no name")
                         : "the main server";
}

/* ---- every level start-up can see, merged as it is in force there ---------------------- */

/* A visitor of one level: own is what the level itself says, merged what is in force there;
 * inherited: a section of the main server seen again in a virtual host. */
typedef void (*level_fn)(void *baton, server_rec *s, const char *where, const cors_policy *own,
                         const cors_policy *merged, int inherited);

static int is_regex_section(ap_conf_vector_t *sec)
{
    core_dir_config *cdc = ap_get_core_module_config(sec);

    return cdc && cdc->r != NULL;
}

/* Does section a (a <Directory> or <Location> path) enclose section b? */
static int encloses(ap_conf_vector_t *a, ap_conf_vector_t *b)
{
    const char *pa = section_name(a), *pb = section_name(b);
    size_t la = strlen(pa);

    if (is_regex_section(a) || is_regex_section(b) || strncmp(pa, pb, la) != 0) {
        return 0;
    }
    return la == 0 || pa[la - 1] == '/' || pb[la] == '\0' || pb[la] == '/';
}

static const char *level_name(apr_pool_t *p, ap_conf_vector_t *sec, int url, server_rec *s)
{
    return apr_psprintf(p, "<%s%s %s> in %s", url ? "Location" : "Directory",
                        is_regex_section(sec) ? "Match" : "", section_name(sec),
                        server_name(p, s));
}

/* An <If> is named by where it was written (its expression's text is not kept). */
static const char *nested_name(apr_pool_t *p, ap_conf_vector_t *sec, int is_if)
{
    core_dir_config *cdc = ap_get_core_module_config(sec);

    if (is_if) {
        return cdc->condition && cdc->condition->filename
               ? apr_psprintf(p, "<If> at %s:%u", cdc->condition->filename,
                              cdc->condition->line_number)
               : "<If>";
    }
    return apr_psprintf(p, "<Files%s %s>", is_regex_section(sec) ? "Match" : "",
                        section_name(sec));
}

/* The <Files> and <If> sections held in a level (the server's defaults, a <Directory>, a
 * <Location>), each merged onto what is in force in that level. */
static void each_nested(apr_pool_t *ptemp, server_rec *s, ap_conf_vector_t *holder,
                        const cors_policy *base, const char *in, int inherited, level_fn fn,
                        void *baton)
{
    core_dir_config *cdc = ap_get_core_module_config(holder);
    int n, i;

    for (n = 0; cdc && n < 2; n++) {
        apr_array_header_t *secs = n ? cdc->sec_if : cdc->sec_file;
        ap_conf_vector_t **elts = secs ? (ap_conf_vector_t **)secs->elts : NULL;
        for (i = 0; secs && i < secs->nelts; i++) {
            const cors_policy *own = ap_get_module_config(elts[i], &cors_module);
            if (own) {
                fn(baton, s, apr_psprintf(ptemp, "%s in %s", nested_name(ptemp, elts[i], n), in),
                   own, cors_policy_merge(ptemp, base, own), inherited);
            }
        }
    }
}

/* A virtual host merged with the main server's defaults; a <Directory> with the
 * <Directory> sections above it; a <Location> with the <Location> sections that prefix it.
 * What .htaccess files and the <Directory> a URL maps to add is known only per request. */
static void each_level(apr_pool_t *ptemp, server_rec *main_server, level_fn fn, void *baton)
{
    core_server_config *main_core = ap_get_core_module_config(main_server->module_config);
    server_rec *s;

    for (s = main_server; s; s = s->next) {
        core_server_config *core = ap_get_core_module_config(s->module_config);
        const cors_policy *spol = ap_get_module_config(s->lookup_defaults, &cors_module);
        int n, i, j;

        fn(baton, s, server_name(ptemp, s), spol, cors_policy_sealed(ptemp, spol), 0);
        each_nested(ptemp, s, s->lookup_defaults, spol, server_name(ptemp, s), 0, fn, baton);
        for (n = 0; n < 2; n++) {
            apr_array_header_t *secs = n ? core->sec_url : core->sec_dir;
            int inherited = s->is_virtual ? (n ? main_core->sec_url : main_core->sec_dir)->nelts
                                          : 0;
            ap_conf_vector_t **elts = (ap_conf_vector_t **)secs->elts;
            for (i = 0; i < secs->nelts; i++) {
                const cors_policy *own = ap_get_module_config(elts[i], &cors_module);
                const cors_policy *merged = spol;
                if (!own) {
                    continue;
                }
                for (j = 0; j < i; j++) {
                    const cors_policy *up = ap_get_module_config(elts[j], &cors_module);
                    if (up && encloses(elts[j], elts[i])) {
                        merged = cors_policy_merge(ptemp, merged, up);
                    }
                }
                merged = cors_policy_merge(ptemp, merged, own);
                fn(baton, s, level_name(ptemp, elts[i], n, s), own, merged, i < inherited);
                each_nested(ptemp, s, elts[i], merged, level_name(ptemp, elts[i], n, s),
                            i < inherited, fn, baton);
            }
        }
    }
}

static int policy_given(const cors_policy *pol)
{
    return pol && (pol->enable != CORS_UNSET || pol->origins || pol->methods || pol->headers
                   || pol->expose || pol->credentials != CORS_UNSET);
}

typedef struct {
    apr_pool_t *ptemp;
    server_rec *main_server;
    int failed;
} check_baton;

/* A level that gives its own origin list but no CORSEnable, under a CORSEnable Off from
 * above.  A virtual host's record is already merged with the main server's by now: it gave
 * its own list when that list is not the main server's, and the Off came from the main
 * server when it is the main server's Off. */
static int origin_list_under_inherited_off(const check_baton *cb, server_rec *s,
                                           const cors_policy *own)
{
    const cors_policy *main_pol = ap_get_module_config(cb->main_server->lookup_defaults,
                                                       &cors_module);

    if (own != ap_get_module_config(s->lookup_defaults, &cors_module) || !s->is_virtual) {
        return own->enable == CORS_UNSET;
    }
    return own->enable == 0 && own->enable_where == main_pol->enable_where
           && cors_set_identity(own->origins) != cors_set_identity(main_pol->origins);
}

/* Contradictions that only appear once levels are merged ("*" in a virtual host,
 * credentials in a <Location>) stop the start-up, as configtest runs this hook too.
 * Warnings are logged through the main server, so a virtual host's LogLevel hides none. */
static void check_level_merged(void *baton, server_rec *s, const char *where,
                               const cors_policy *own, const cors_policy *merged, int inherited)
{
    check_baton *cb = baton;
    const cors_policy *spol = ap_get_module_config(s->lookup_defaults, &cors_module);
    /* Refused only where it holds both as merged with its server alone and with the sections
     * above it: either way another section, or a <Location> or .htaccess file below, may
     * replace the list that makes the contradiction (a request then withholds credentials). */
    const char *err = cors_policy_conflict(merged);

    if (err && own != spol && !cors_policy_conflict(cors_policy_merge(cb->ptemp, spol, own))) {
        err = NULL;
    }
    apr_array_header_t *warnings;
    int i;

    if (err) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_CRIT, 0, s, "mod_cors: in %s: %s",
                     where, err);
        cb->failed = 1;
    }
    /* A main server's section seen again in a virtual host that adds nothing says again
     * what was said for the main server. */
    if (inherited && !policy_given(ap_get_module_config(s->lookup_defaults, &cors_module))) {
        return;
    }
    if (!policy_given(own)) {
        return;
    }
    /* An origin list under an inherited CORSEnable Off is the one place where "an origin list
     * is all it takes" does not hold: say so, with the line that switched it off. */
    if (own->origins && merged->enable == 0 && origin_list_under_inherited_off(cb, s, own)) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cb->main_server, "mod_cors: in %s: the "
                     "origin list has no effect: CORSEnable Off%s%s is in force there; add "
                     "CORSEnable On to this section if it should apply", where,
                     merged->enable_where ? " at " : "",
                     merged->enable_where ? merged->enable_where : "");
    }
    warnings = apr_array_make(cb->ptemp, 2, sizeof(const char *));
    cors_policy_warnings(cb->ptemp, merged, warnings);
    for (i = 0; i < warnings->nelts; i++) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cb->main_server, "mod_cors: in %s: %s",
                     where, APR_ARRAY_IDX(warnings, i, const char *));
    }
}

static int check_merged_conflicts(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                  server_rec *s)
{
    check_baton cb;

    (void)plog;
    cb.ptemp = ptemp;
    cb.main_server = s;
    cb.failed = 0;
    each_level(ptemp, s, check_level_merged, &cb);
    cb.failed |= cors_sources_check_config(pconf, s);
    return cb.failed ? HTTP_INTERNAL_SERVER_ERROR : OK;
}

static const char *list_or(const cors_set *set, const char *none)
{
    const char *v = set ? cors_set_value(set) : NULL;

    if (set && cors_set_has_any(set)) {
        return cors_set_has_denies(set) ? "* less removals" : "*";
    }
    return v ? v : none;
}

/* One line per level that says something, with the policy in force there (LogLevel info or
 * cors:info, the virtual host's own level deciding for its sections). */
static void summarize_level(void *baton, server_rec *s, const char *where,
                            const cors_policy *own, const cors_policy *merged, int inherited)
{
    apr_pool_t *ptemp = baton;
    const cors_set *o = merged->origins;

    if (!APLOGinfo(s) || !policy_given(own)
        || (inherited && !policy_given(ap_get_module_config(s->lookup_defaults,
                                                            &cors_module)))) {
        return;
    }
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                 "mod_cors: %s: %s; origins: %s; methods %s; request headers %s; exposed "
                 "%s; credentials %s", where,
                 cors_policy_enabled(merged) ? "on" : "off",
                 !o ? "none" : cors_set_is_any(o) ? "* (any)"
                 : cors_set_describe(ptemp, o, 6),
                 list_or(merged->methods, "GET, HEAD, POST"), list_or(merged->headers, "none"),
                 list_or(merged->expose, "none"), merged->credentials == 1 ? "On" : "Off");
}

static int cors_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *s)
{
    ap_filter_rec_t *filter = ap_get_output_filter_handle(CORS_FILTER);
    server_rec *vs = s;

    apr_array_header_t *levels = NULL;
    cors_server_conf *main_conf = ap_get_module_config(s->module_config, &cors_module);
    int i;

    (void)plog;
    main_conf->below = suffixes_below(pconf);
    if (!main_conf->below && ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_CREATE_PRE_CONFIG) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "mod_cors: cannot read %s (Debian's "
                     "publicsuffix package): a wildcard over a domain that holds public "
                     "suffixes (https://*.amazonaws.com) is not caught", CORS_PSL_LIST);
    }
    do {
        cors_server_conf *sconf = ap_get_module_config(vs->module_config, &cors_module);
        sconf->filter = filter;
    } while ((vs = vs->next) != NULL);
    /* Every level read from the configuration is complete now: derive once what requests
     * need, so that none of them does it again. */
    apr_pool_userdata_get((void **)&levels, LEVELS_KEY, pconf);
    for (i = 0; levels && i < levels->nelts; i++) {
        cors_policy_seal(pconf, APR_ARRAY_IDX(levels, i, cors_policy *));
    }
    /* httpd reads its configuration twice at start-up: summarise the one it keeps. */
    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_CREATE_PRE_CONFIG) {
        each_level(ptemp, s, summarize_level, ptemp);
    }
    return cors_sources_post_config(pconf, ptemp, s);
}

static int cors_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    cors_sources_pre_config(pconf);
    return OK;
}

/* A lock for per-process state, where the MPM runs threads (NULL where it does not). */
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

/* Per-process state: the warnings .htaccess files have given, their parsed lines, and the
 * origin sources' handles and locks. */
/* A pool with an allocator of its own, for per-process state used under its lock only,
 * while other threads use pchild's. */
static apr_pool_t *own_pool(apr_pool_t *pchild)
{
    apr_allocator_t *alloc = NULL;
    apr_pool_t *p;

    apr_allocator_create(&alloc);
    apr_pool_create_ex(&p, pchild, NULL, alloc);
    apr_allocator_owner_set(alloc, p);
    return p;
}

static cors_warned *warned_make(apr_pool_t *pchild)
{
    cors_warned *w = apr_pcalloc(pchild, sizeof(*w));

    w->pool = own_pool(pchild);
    w->seen = apr_hash_make(w->pool);
    w->lock = cors_process_lock(pchild);
    return w;
}

static cors_judged *judged_make(apr_pool_t *pchild)
{
    cors_judged *j = apr_pcalloc(pchild, sizeof(*j));

    j->pool = own_pool(pchild);
    j->verdicts = apr_hash_make(j->pool);
    j->lock = cors_process_lock(pchild);
    return j;
}

static void cors_child_init(apr_pool_t *pchild, server_rec *s)
{
    cors_server_conf *sconf = ap_get_module_config(s->module_config, &cors_module);

    sconf->warned[CORS_SAID_SERVER] = warned_make(pchild);
    sconf->warned[CORS_SAID_HTACCESS] = warned_make(pchild);
    sconf->judged = judged_make(pchild);
    sconf->htcache = cors_htcache_make(pchild, CORS_HTACCESS_CACHE_BYTES,
                                       cors_process_lock(pchild));
    cors_sources_child_init(pchild, s);
}

/* ---------------------------------------------------------------------------------------- */
/* Requests                                                                                  */

/* The request the browser sent: ErrorDocument and rewrite redirects answer for it. */
static request_rec *original_request(request_rec *r)
{
    while (r->prev) {
        r = r->prev;
    }
    return r;
}

static cors_request_state *request_state(request_rec *r)
{
    cors_request_state *st = ap_get_module_config(r->request_config, &cors_module);

    if (!st) {
        /* The answer is written whole when a decision is made (and only read after). */
        st = apr_palloc(r->pool, sizeof(*st));
        st->policy = NULL;
        st->decided = 0;
        st->preflight = 0;
        st->noted = 0;
        st->logged = 0;
        ap_set_module_config(r->request_config, &cors_module, st);
    }
    return st;
}

static void log_refusal(request_rec *r, cors_request_state *st, const char *what)
{
    if (st->logged || st->answer.refusal == CORS_REFUSED_NONE) {
        return;
    }
    st->logged = 1;
    /* The reason is only formatted when cors:info is on. */
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "%s refused for %s %s: %s", what, r->method,
                  r->uri, cors_answer_reason(r->pool, &st->answer));
}

/* What a request-time warning is said once for: the directory of a file, or, for a URL that
 * maps to no file (a proxy, a handler), the level of configuration that set the policy, so
 * no client can make it be said again with new URLs. */
static const char *warning_scope(request_rec *r, const void *level)
{
    if (r->filename && r->filename[0] == '/') {
        return ap_make_dirstr_parent(r->pool, r->filename);
    }
    return apr_psprintf(r->pool, "level %pp of %s", level, r->server->defn_name
                        ? r->server->defn_name : "the main server");
}

/* A contradiction only a request shows (an .htaccess file's): logged once per process for
 * each directory it arises in, so one site's mistake hides no other's. */
static void log_conflict(request_rec *r, const cors_policy *pol)
{
    const char *conflict = cors_policy_conflict(pol);
    const char *where = warning_scope(r, pol->origins ? cors_set_identity(pol->origins) : NULL);

    if (cors_first_in_process(said_scope(r),
                              apr_psprintf(r->pool, "conflict\n%s\n%s", where, conflict))) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "%s (in the policy for %s; sending no "
                      "Access-Control-Allow-Credentials header)", conflict, r->uri);
    }
}

/* Added, not set: apply_answer has just made sure no Access-Control-* header is there, and
 * a set would compare the name against every "Acce..." header (Accept-Ranges, ...). */
static void add_if(apr_table_t *t, const char *name, const char *value)
{
    if (value) {
        apr_table_addn(t, name, value);
    }
}

static void merge_vary(request_rec *r, const char *token)
{
    const char *out = apr_table_get(r->headers_out, "Vary");
    const char *err = apr_is_empty_table(r->err_headers_out) ? NULL
                      : apr_table_get(r->err_headers_out, "Vary");

    if ((out && ap_find_token(r->pool, out, token))
        || (err && ap_find_token(r->pool, err, token))) {
        return;
    }
    apr_table_mergen(r->headers_out, "Vary", token);
}

/* Most responses carry no Access-Control-* header: one look saves seven unsets per table. */
static int has_owned_header(const apr_table_t *t)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    for (i = 0; i < arr->nelts; i++) {
        const char *k = e[i].key;
        /* "Acce" then 's', so Accept-Ranges (on every static file) costs no call */
        if (k && (k[0] | 0x20) == 'a' && (k[1] | 0x20) == 'c' && (k[2] | 0x20) == 'c'
            && (k[3] | 0x20) == 'e' && (k[4] | 0x20) == 's'
            && strncasecmp(k, "Access-Control-", 15) == 0) {
            return 1;
        }
    }
    return 0;
}

/* "*" with removals: the response's own header names, less the removed ones. */
static void add_names(apr_pool_t *p, const apr_table_t *t, const cors_set *expose,
                      apr_hash_t *seen, apr_array_header_t *names)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    for (i = 0; i < arr->nelts; i++) {
        const char *key = e[i].key;
        size_t len;
        char *lower;
        if (!key || strncasecmp(key, "Access-Control-", 15) == 0) {
            continue;
        }
        len = strlen(key);
        lower = apr_pstrmemdup(p, key, len);
        ap_str_tolower(lower);
        if (!apr_hash_get(seen, lower, (apr_ssize_t)len)
            && cors_expose_allowed(expose, key, len)) {
            apr_hash_set(seen, lower, (apr_ssize_t)len, "");
            APR_ARRAY_PUSH(names, const char *) = key;
        }
    }
}

static const char *exposed_from_response(request_rec *r, const cors_set *expose)
{
    apr_array_header_t *names = apr_array_make(r->pool, 8, sizeof(const char *));
    apr_hash_t *seen = apr_hash_make(r->pool);

    add_names(r->pool, r->headers_out, expose, seen, names);
    add_names(r->pool, r->err_headers_out, expose, seen, names);
    return names->nelts ? apr_array_pstrcat(r->pool, names, ',') : NULL;
}

/* Put the answer on the response r is about to send. */
static void apply_answer(request_rec *r, const cors_policy *pol, const cors_answer *ans)
{
    if (has_owned_header(r->headers_out) || has_owned_header(r->err_headers_out)) {
        const char *const *h;
        for (h = owned_headers; *h; h++) {
            apr_table_unset(r->headers_out, *h);
            apr_table_unset(r->err_headers_out, *h);
        }
    }
    if (ans->allowed) {
        apr_table_addn(r->headers_out, "Access-Control-Allow-Origin", ans->allow_origin);
        add_if(r->headers_out, "Access-Control-Allow-Credentials", ans->allow_credentials);
        add_if(r->headers_out, "Access-Control-Allow-Methods", ans->allow_methods);
        add_if(r->headers_out, "Access-Control-Allow-Headers", ans->allow_headers);
        add_if(r->headers_out, "Access-Control-Expose-Headers",
               ans->expose_filter ? exposed_from_response(r, ans->expose_filter)
                                  : ans->expose_headers);
        add_if(r->headers_out, "Access-Control-Max-Age", ans->max_age);
        add_if(r->headers_out, "Access-Control-Allow-Private-Network",
               ans->allow_private_network);
    }
    else if (ans->refusal != CORS_REFUSED_NONE && pol->debug == 1) {
        /* What a response may say: CORSDebug may be a customer's, in an .htaccess file,
         * where the admin's regexes and source names (an SQL text, a path) are not theirs. */
        apr_table_setn(r->headers_out, CORS_DEBUG_HEADER,
                       cors_answer_reason_public(r->pool, ans));
    }
    /* A refusal because an origin source could not answer (its database down, its budget
     * spent) holds for now only: a shared cache must not keep it as the answer for this
     * origin. */
    if (ans->refusal == CORS_REFUSED_SOURCE_DOWN) {
        apr_table_mergen(r->headers_out, "Cache-Control", "no-store");
    }
    if (ans->vary) {
        merge_vary(r, "Origin");
    }
}

/* The policy of the URL the browser asked for.  It is captured in header_parser, once the
 * request's own sections and .htaccess files are merged: later, mod_dir's fast redirect to
 * an index file swaps in the index file's configuration.  Requests that fail before then
 * (a bad .htaccess, a refused URL) are answered with what was merged when they failed. */
static const cors_policy *request_policy(request_rec *orig, cors_request_state *st)
{
    if (!st->policy) {
        st->policy = cors_policy_sealed(orig->pool,
                                        level_of(orig->pool,
                                                 ap_get_module_config(orig->per_dir_config,
                                                                      &cors_module)));
    }
    return st->policy;
}

/* Anyone can send an origin that sets a regex backtracking: the warning is given once per
 * process and regex (each refusal is still logged at cors:info). */
static void log_regex_limit(request_rec *r, const cors_answer *ans)
{
    if (ans->refusal == CORS_REFUSED_REGEX_LIMIT
        && cors_first_in_process(said_scope(r), apr_psprintf(r->pool, "limit\n%s",
                                                             ans->limited))) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, "%s (said once per process and regex)",
                      cors_answer_reason(r->pool, ans));
    }
}

/* An allowed preflight ends here, with an empty body.  A body the client sent anyway is
 * httpd's to discard as it finishes the request (t/preflight.t: the next request on the
 * connection is read whole). */
static int end_preflight(request_rec *r, const cors_policy *pol, const cors_answer *ans)
{
    apply_answer(r, pol, ans);
    r->status = ans->status;
    if (r->status == HTTP_OK) {
        ap_set_content_length(r, 0);
    }
    return DONE;
}

/* A refused one goes through ap_die like any 403, so the error filters (this module's, which
 * adds Vary, and mod_headers' "always" lines) still apply; an empty custom response for this
 * request keeps an ErrorDocument (a PHP or CGI script) from running for it. */
static int refuse_preflight(request_rec *r)
{
    ap_custom_response(r, HTTP_FORBIDDEN, "");
    return HTTP_FORBIDDEN;
}

/* Whether a header name (any case) is name, given in lower case: letters and '-', which
 * "| 0x20" leaves as they are or folds (and to which no other character of a header name,
 * a token, folds).  Stops at the first difference. */
static int header_is(const char *key, const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if ((key[i] | 0x20) != name[i]) {
            return 0;
        }
    }
    return key[len] == '\0';
}

static apr_uint64_t folded8(const char *s)
{
    apr_uint64_t w;

    memcpy(&w, s, 8);
    return w | 0x2020202020202020ULL;
}

/* "Access-Control-Request-" in any case, as three eight-byte compares (key holds at least 23
 * bytes). */
static int is_acr_prefix(const char *key)
{
    return folded8(key) == folded8("access-c") && folded8(key + 8) == folded8("ontrol-r")
           && folded8(key + 15) == folded8("request-");
}

/* The four headers a preflight is read from, in one pass over the request's headers (httpd
 * has already joined repeated lines, with ", ", which the list parser accepts).  The first
 * of each counts, as apr_table_get would have it. */
static void read_preflight_headers(const apr_table_t *in, cors_request *req, const char **acrh,
                                   const char **pn)
{
    const apr_array_header_t *arr = apr_table_elts(in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    memset(req, 0, sizeof(*req));
    *acrh = *pn = NULL;
    for (i = 0; i < arr->nelts; i++) {
        const char *k = e[i].key, **slot = NULL;
        size_t len;
        /* Accept, Accept-Encoding, Accept-Language... part at the fifth byte */
        if (!k || ((k[0] | 0x20) != 'o' && ((k[0] | 0x20) != 'a' || (k[1] | 0x20) != 'c'
                                           || (k[2] | 0x20) != 'c' || (k[3] | 0x20) != 'e'
                                           || (k[4] | 0x20) != 's'))) {
            continue;
        }
        len = strlen(k);
        if (len == 6) {
            slot = header_is(k, "origin", 6) ? &req->origin : NULL;
        }
        else if ((len == 29 || len == 30 || len == 38) && is_acr_prefix(k)) {
            slot = header_is(k + 23, "method", 6) ? &req->method
                   : header_is(k + 23, "headers", 7) ? acrh
                   : header_is(k + 23, "private-network", 15) ? pn : NULL;
        }
        if (slot && !*slot) {
            *slot = e[i].val;
        }
    }
}

/* The outcome for the access log (%{cors}n): on the request the browser sent and on the one
 * answering it (an ErrorDocument's), as mod_log_config reads the last one.  Added, not set:
 * each request gets it once (the decision is made once; the filter runs once per request),
 * and a set would first look through the notes other modules left. */
static void note_outcome(request_rec *r, request_rec *orig, cors_request_state *st)
{
    const char *outcome = cors_answer_outcome(&st->answer, st->preflight);

    if (!st->noted) {
        apr_table_addn(orig->notes, "cors", outcome);
        st->noted = 1;
    }
    if (r != orig) {
        apr_table_addn(r->notes, "cors", outcome);
    }
}

/* header_parser: runs for the request the browser sent once its per-dir configuration is
 * final, and before access control and authentication, which a preflight never passes. */
static int cors_answer_preflight(request_rec *r)
{
    cors_request_state *st;
    const cors_policy *pol;
    cors_request req;
    const char *acrh, *pn, *failed;

    if (r->prev) {
        return DECLINED;        /* an internal redirect answers for the original request */
    }
    if ((failed = request_failed(r)) != NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ALERT, 0, r, "mod_cors: %s", failed);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    st = request_state(r);
    pol = request_policy(r, st);
    if (r->method_number != M_OPTIONS || !cors_policy_enabled(pol)) {
        return DECLINED;
    }
    read_preflight_headers(r->headers_in, &req, &acrh, &pn);
    if (!req.origin || !req.method || !*req.method) {
        return DECLINED;        /* an ordinary OPTIONS request */
    }
    req.request_headers = &acrh;
    req.request_header_lines = acrh ? 1 : 0;
    req.private_network = pn && !strcasecmp(pn, "true");
    req.source_baton = r;

    cors_decide_preflight(r->pool, pol, &req, &st->answer);
    st->decided = 1;
    st->preflight = 1;
    note_outcome(r, r, st);
    if (st->answer.conflict) {
        log_conflict(r, pol);
    }
    if (!st->answer.allowed) {
        log_regex_limit(r, &st->answer);
        log_refusal(r, st, "CORS preflight");
        return refuse_preflight(r);
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "CORS preflight allowed for origin '%s', "
                  "method %s, headers '%s'", req.origin, req.method, acrh ? acrh : "");
    return end_preflight(r, pol, &st->answer);
}

/* CORSDebug where the policy is off: the reason in the response and at cors:info, and
 * nothing else touched (mod_cors owns no header where it is off). */
static void say_off(request_rec *r, request_rec *orig, const cors_policy *pol)
{
    const char *why = cors_policy_off_reason(r->pool, pol);

    apr_table_setn(r->headers_out, CORS_DEBUG_HEADER, why);
    if (r == orig) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "CORS not applied to %s %s: %s",
                      r->method, r->uri, why);
    }
}

/* Methods, headers or credentials where no origin list is in force do nothing: said once
 * per process and directory (start-up says it for the sections it can see). */
static void warn_no_origins(request_rec *r, const cors_policy *pol)
{
    const char *where;

    if (pol->origins || pol->enable == 0
        || !(pol->methods || pol->headers || pol->expose || pol->credentials != CORS_UNSET)) {
        return;
    }
    where = warning_scope(r, cors_set_identity(pol->methods ? pol->methods
                                               : pol->headers ? pol->headers : pol->expose));
    if (cors_first_in_process(said_scope(r), apr_psprintf(r->pool, "no origins\n%s", where))) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, "mod_cors: CORSAllowMethods, "
                      "CORSAllowHeaders, CORSExposeHeaders or CORSAllowCredentials are given "
                      "where %s is served, but no CORSAllowOrigin is in force there: they do "
                      "nothing until an origin list is (said once per process for %s)",
                      r->uri, r->filename && r->filename[0] == '/' ? where : "that section");
    }
}

/* Sections that edit a method or header list without end (cors_policy_overflow): said once
 * per process and directory; the list allows nothing there meanwhile. */
static void warn_overflow(request_rec *r, const cors_policy *pol)
{
    const char *why = cors_policy_overflow(pol);

    if (why && cors_first_in_process(said_scope(r), apr_psprintf(r->pool, "overflow\n%s",
                                             warning_scope(r, cors_set_identity(pol->origins))))) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "mod_cors: %s (for %s; said once per "
                      "process for this directory)", why, r->uri);
    }
}

static void insert_cors_filter(request_rec *r)
{
    request_rec *orig;
    cors_request_state *st;
    const cors_policy *pol;
    cors_server_conf *sconf;

    if (r->main) {
        return;                 /* subrequests' headers are not sent */
    }
    orig = original_request(r);
    st = request_state(orig);
    pol = request_policy(orig, st);
    if (r == orig) {
        warn_no_origins(r, pol);
        warn_overflow(r, pol);
    }
    /* Where the policy is off, CORSDebug still says why to a request that asked. */
    if (!cors_policy_enabled(pol)
        && !(pol->debug == 1 && apr_table_get(orig->headers_in, "Origin"))) {
        return;
    }
    sconf = ap_get_module_config(r->server->module_config, &cors_module);
    ap_add_output_filter_handle(sconf->filter, st, r, r->connection);
}

/* Runs once per response, on its first brigade: by then the handler, a backend or
 * ap_send_error_response has set the response headers, and none has been sent yet. */
static apr_status_t cors_out_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    request_rec *orig = original_request(r);
    cors_request_state *st = f->ctx;    /* the browser's request's, given at insertion */
    const cors_policy *pol = st->policy;

    if (!cors_policy_enabled(pol)) {
        say_off(r, orig, pol);
        ap_remove_output_filter(f);
        return ap_pass_brigade(f->next, bb);
    }
    if (!st->decided) {
        cors_request req;
        memset(&req, 0, sizeof(req));
        req.origin = apr_table_get(orig->headers_in, "Origin");
        req.source_baton = orig;
        cors_decide_actual(r->pool, pol, &req, &st->answer);
        st->decided = 1;
        if (req.origin) {
            if (st->answer.conflict) {
                log_conflict(r, pol);
            }
            if (st->answer.allowed) {
                ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "CORS request allowed for "
                              "origin '%s'", req.origin);
            }
            else {
                log_regex_limit(orig, &st->answer);
                log_refusal(orig, st, "CORS request");
            }
        }
    }
    note_outcome(r, orig, st);
    apply_answer(r, pol, &st->answer);
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

static void register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_pre_config(cors_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(check_merged_conflicts, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(cors_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(cors_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_header_parser(cors_answer_preflight, NULL, NULL, APR_HOOK_MIDDLE);
    /* Last, so the filter runs after mod_headers' and the policy's headers win. */
    ap_hook_insert_filter(insert_cors_filter, NULL, NULL, APR_HOOK_REALLY_LAST);
    ap_hook_insert_error_filter(insert_cors_filter, NULL, NULL, APR_HOOK_REALLY_LAST);
    ap_register_output_filter(CORS_FILTER, cors_out_filter, NULL, AP_FTYPE_CONTENT_SET);
}

/* APLOG_USE_MODULE above already does what AP_DECLARE_MODULE would: define the record plainly. */
module AP_MODULE_DECLARE_DATA cors_module = {
    STANDARD20_MODULE_STUFF,
    create_cors_dir_config,
    merge_cors_dir_config,
    create_cors_server_config,
    NULL,
    cors_cmds,
    register_hooks,
    AP_MODULE_FLAG_NONE
};

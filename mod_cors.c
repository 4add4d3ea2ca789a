/* mod_cors.c - the module record, the hooks in the order httpd runs them, and the request path: the early preflight answer and the header filter. */
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
 * The policy itself (parsing, matching, merging, deciding) is the core in src/; the
 * directives and the levels they fill are mod_cors_config.c's.
 */

#include <string.h>

#include "apr_strings.h"

#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_main.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"
#include "mod_status.h"

#include "mod_cors.h"
#include "mod_cors_config.h"
#include "mod_cors_htaccess.h"
#include "mod_cors_info.h"
#include "mod_cors_metrics.h"
#include "mod_cors_process.h"
#include "mod_cors_sources.h"
#include "mod_cors_startup.h"

APLOG_USE_MODULE(cors);

#define CORS_FILTER "CORS"
#define CORS_DEBUG_HEADER "X-CORS-Reason"

/* Per request (kept on the request the browser sent, shared by its internal redirects). */
typedef struct {
    const cors_policy *policy;          /* captured once the request's own config is final */
    cors_answer answer;
    int decided;
    int preflight;                      /* the answer is a preflight's */
    int noted;                          /* the browser's request has its "cors" note */
    int logged;
    int report;                         /* CORSReportOnly: decided, recorded, never applied */
} cors_request_state;

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

/* The request the browser sent: ErrorDocument and rewrite redirects answer for it. */
static request_rec *original_request(request_rec *r)
{
    while (r->prev) {
        r = r->prev;
    }
    return r;
}

/* What a request's warnings are said in the room of: .htaccess files', where the request
 * read CORS lines of one. */
static cors_said said_scope(const request_rec *r)
{
    return cors_htcache_pinned(r->pool) ? CORS_SAID_HTACCESS : CORS_SAID_SERVER;
}

/* ---------------------------------------------------------------------------------------- */
/* Start-up and the processes                                                                */

static int cors_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    cors_sources_pre_config(pconf);
    return OK;
}

/* Contradictions that only appear once levels are merged stop the start-up, as configtest
 * runs this hook too. */
static int cors_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                             server_rec *s)
{
    int failed;

    (void)plog;
    failed = cors_startup_check(ptemp, s);
    failed |= cors_sources_check_config(pconf, s);
    return failed ? HTTP_INTERNAL_SERVER_ERROR : OK;
}

static int cors_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *s)
{
    ap_filter_rec_t *filter = ap_get_output_filter_handle(CORS_FILTER);
    cors_server_conf *main_conf = ap_get_module_config(s->module_config, &cors_module);
    server_rec *vs;

    (void)plog;
    for (vs = s->next; vs; vs = vs->next) {
        cors_server_conf *sconf = ap_get_module_config(vs->module_config, &cors_module);
        /* A virtual host without a line of this module shares the main server's record
         * (httpd merges only what a host sets): each gets its own, for what is its alone
         * (its place among the counters). */
        if (sconf == main_conf) {
            sconf = apr_pmemdup(pconf, main_conf, sizeof(*sconf));
            ap_set_module_config(vs->module_config, &cors_module, sconf);
        }
        sconf->filter = filter;
    }
    main_conf->filter = filter;
    main_conf->metrics = cors_metrics_make(pconf, ptemp, s);
    cors_config_post_config(pconf, s);
    /* httpd reads its configuration twice at start-up: summarise the one it keeps. */
    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_CREATE_PRE_CONFIG) {
        cors_startup_summary(ptemp, s);
    }
    return cors_sources_post_config(pconf, ptemp, s);
}

/* Per-process state: the services, the .htaccess cache, the origin sources' handles. */
static void cors_child_init(apr_pool_t *pchild, server_rec *s)
{
    cors_process_child_init(pchild, s);
    cors_config_child_init(pchild, s);
    cors_sources_child_init(pchild, s);
}

/* ---------------------------------------------------------------------------------------- */
/* Requests                                                                                  */

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
        st->report = 0;
        ap_set_module_config(r->request_config, &cors_module, st);
    }
    return st;
}

/* r is the request the browser sent: its URL, not an internal redirect's (a front
 * controller's /index.php), is the one the admin looks for. */
static void log_refusal(request_rec *r, cors_request_state *st, const char *what)
{
    const char *down;

    if (st->logged || st->answer.refusal == CORS_REFUSED_NONE
        || !APLOG_R_MODULE_IS_LEVEL(r, APLOG_MODULE_INDEX, APLOG_INFO)) {
        return;
    }
    st->logged = 1;
    /* What the source that could not answer said (a back end leaves it in the notes): "the
     * query failed: database is locked" tells an outage from a refusal. */
    down = st->answer.refusal == CORS_REFUSED_SOURCE_DOWN
           ? apr_table_get(r->notes, CORS_NOTE_SOURCE_DOWN) : NULL;
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "%s%s refused for %s %s: %s%s%s",
                  st->report ? "report-only: " : "", what, r->method, r->uri,
                  cors_answer_reason(r->pool, &st->answer), down ? "; it said: " : "",
                  down ? down : "");
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

    if (cors_say_once(said_scope(r),
                              apr_psprintf(r->pool, "conflict\n%s\n%s", where, conflict))) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "%s (in the policy for %s; sending no "
                      "Access-Control-Allow-Credentials header)", conflict,
                      original_request(r)->uri);
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

/* A backend's (or mod_headers') own Access-Control-* headers give way to the policy: said
 * at debug, once per process and location, so an admin moving off a recipe sees whose
 * headers went. */
static void say_replaced(request_rec *r, const cors_policy *pol)
{
    if (APLOG_R_MODULE_IS_LEVEL(r, APLOG_MODULE_INDEX, APLOG_DEBUG)
        && cors_say_once(said_scope(r), apr_psprintf(r->pool, "replaced\n%s", warning_scope(
                             r, pol->origins ? cors_set_identity(pol->origins) : NULL)))) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "mod_cors: the response to %s already "
                      "had Access-Control-* headers (a backend's or mod_headers'); the "
                      "policy's replace them (said once per process for this location)",
                      original_request(r)->uri);
    }
}

/* Put the answer on the response r is about to send. */
static void apply_answer(request_rec *r, const cors_policy *pol, const cors_answer *ans)
{
    if (has_owned_header(r->headers_out) || has_owned_header(r->err_headers_out)) {
        const char *const *h;
        say_replaced(r, pol);
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
    if (pol->timing == 1) {
        /* Resource Timing's allowance is the policy's too where it is asked for: a
         * backend's own is replaced by the decision, as the Access-Control-* headers are. */
        apr_table_unset(r->headers_out, "Timing-Allow-Origin");
        apr_table_unset(r->err_headers_out, "Timing-Allow-Origin");
        add_if(r->headers_out, "Timing-Allow-Origin", ans->timing_allow_origin);
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
        st->policy = cors_level_of(orig->pool,
                                   ap_get_module_config(orig->per_dir_config, &cors_module));
        st->report = st->policy->report_only == 1;
    }
    return st->policy;
}

/* Anyone can send an origin that sets a regex backtracking: the warning is given once per
 * process and regex (each refusal is still logged at cors:info). */
static void log_regex_limit(request_rec *r, const cors_answer *ans)
{
    if (ans->refusal == CORS_REFUSED_REGEX_LIMIT
        && cors_say_once(said_scope(r), apr_psprintf(r->pool, "limit\n%s",
                                                             ans->limited))) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, "%s (said once per process and regex)",
                      cors_answer_reason(r->pool, ans));
    }
}

/* An allowed preflight ends here, with an empty body.  A body the client sent anyway is
 * httpd's to discard as it finishes the request (tests/apache/preflight.t: the next request on the
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
    cors_outcome o = cors_answer_outcome_of(&st->answer, st->preflight);
    const char *outcome = cors_outcome_name(o, st->report);

    if (!st->noted) {
        apr_table_addn(orig->notes, "cors", outcome);
        st->noted = 1;
        /* Counted once, for the virtual host the browser asked. */
        cors_metrics_outcome(((cors_server_conf *)ap_get_module_config(
                                 orig->server->module_config, &cors_module))->counts,
                             o, st->report);
    }
    if (r != orig) {
        apr_table_addn(r->notes, "cors", outcome);
    }
    /* mod_log_config reads the last request of the chain: where an ErrorDocument's own URL
     * failed, the canned page answers on an earlier one, and the last never reaches here. */
    if (r->next) {
        request_rec *last = r->next;
        while (last->next) {
            last = last->next;
        }
        if (!apr_table_get(last->notes, "cors")) {
            apr_table_addn(last->notes, "cors", outcome);
        }
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
    if ((failed = cors_level_failed(ap_get_module_config(r->per_dir_config,
                                                         &cors_module))) != NULL) {
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
    if (st->report) {
        /* Whatever answers OPTIONS today answers it still; the filter compares. */
        log_regex_limit(r, &st->answer);
        log_refusal(r, st, "CORS preflight");
        return DECLINED;
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
    if (cors_say_once(said_scope(r), apr_psprintf(r->pool, "no origins\n%s", where))) {
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

    if (why && cors_say_once(said_scope(r), apr_psprintf(r->pool, "overflow\n%s",
                                             warning_scope(r, cors_set_identity(pol->origins))))) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "mod_cors: %s (for %s; said once per "
                      "process for this directory)", why, r->uri);
    }
}

/* The response's own Access-Control-Allow-Origin (a backend's, mod_headers'), if any. */
static const char *own_allow_origin(const request_rec *r)
{
    const char *v = apr_table_get(r->headers_out, "Access-Control-Allow-Origin");

    return v ? v : apr_table_get(r->err_headers_out, "Access-Control-Allow-Origin");
}

/* Under CORSReportOnly, where the response as the rest of the server made it and the
 * policy disagree on the origin: one line at warn, once per process for each location,
 * origin and way of disagreeing, said in a room of its own (strangers choose the origins).
 * A response allows an origin with "*" or the origin itself, as a browser reads it. */
static void report_disagreement(request_rec *r, request_rec *orig, const cors_policy *pol,
                                const cors_request_state *st)
{
    const char *origin = apr_table_get(orig->headers_in, "Origin");
    const char *own = own_allow_origin(r), *where, *shown;
    int response_allows = own && (strcmp(own, "*") == 0 || (origin && strcmp(own, origin) == 0));

    if (!origin || response_allows == (st->answer.allowed != 0)) {
        return;
    }
    where = warning_scope(orig, pol->origins ? cors_set_identity(pol->origins) : NULL);
    if (!cors_say_once(CORS_SAID_REPORT, apr_psprintf(r->pool, "%d\n%s\n%s", response_allows,
                                                      where, origin))) {
        /* Strangers' origins can fill the room: once they have, say so, so that no admin
         * reads a quiet log as "no more disagreements". */
        if (cors_said_full(CORS_SAID_REPORT)
            && cors_say_once(CORS_SAID_SERVER, "report-only room full")) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, "mod_cors report-only: this "
                          "process has said %d disagreements and says no more until it "
                          "ends (origins are the clients' to choose); every request's "
                          "outcome is still in %%{cors}n: read report-refused-* there with "
                          "%%{Origin}i", CORS_SAID_MAX);
        }
        return;
    }
    shown = ap_escape_logitem(r->pool, apr_pstrndup(r->pool, origin, 200));
    if (response_allows) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, "mod_cors report-only: %s %s from "
                      "origin '%s': the response allows it (Access-Control-Allow-Origin: %s), "
                      "the policy would refuse it: %s (said once per process for this "
                      "location, origin and disagreement)", orig->method, orig->uri, shown,
                      ap_escape_logitem(r->pool, own),
                      cors_answer_reason(r->pool, &st->answer));
    }
    else {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, "mod_cors report-only: %s %s from "
                      "origin '%s': the policy would allow it (Access-Control-Allow-Origin: "
                      "%s), the response does not (%s%s) (said once per process for this "
                      "location, origin and disagreement)", orig->method, orig->uri, shown,
                      ap_escape_logitem(r->pool, st->answer.allow_origin),
                      own ? "Access-Control-Allow-Origin: " : "no Access-Control-Allow-Origin",
                      own ? ap_escape_logitem(r->pool, own) : "");
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
        if (!st->report) {
            say_off(r, orig, pol);
        }
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
    if (st->report) {
        report_disagreement(r, orig, pol, st);
    }
    else {
        apply_answer(r, pol, &st->answer);
    }
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

/* ---------------------------------------------------------------------------------------- */
/* The handlers                                                                              */

/* The directory of an .htaccess file read for this request, if any (httpd lists every
 * directory it looked in, with the file's configuration where there was one). */
static const char *htaccess_taking_part(const request_rec *r)
{
    const struct htaccess_result *h;

    for (h = r->htaccess; h; h = h->next) {
        if (h->htaccess) {
            return h->dir;
        }
    }
    return NULL;
}

/* cors-info and cors-metrics answer only where the admin's own configuration says
 * CORSHandlers On, and only where no .htaccess file took part: SetHandler needs no more than
 * FileInfo there, and an <If> in one can undo a <Location>'s Require. */
static int cors_handler(request_rec *r)
{
    const char *dir;
    int info;

    /* Every request passes here: most handlers (a type, "php-script") part at a byte. */
    if (!r->handler || r->handler[0] != 'c' || strncmp(r->handler, "cors-", 5) != 0) {
        return DECLINED;
    }
    info = strcmp(r->handler, "cors-info") == 0;
    if (!info && strcmp(r->handler, "cors-metrics") != 0) {
        return DECLINED;
    }
    if (!cors_level_handlers(ap_get_module_config(r->per_dir_config, &cors_module))) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "mod_cors: SetHandler %s is not answered "
                      "for %s: no CORSHandlers On is in force there", r->handler, r->uri);
        return HTTP_NOT_FOUND;
    }
    if ((dir = htaccess_taking_part(r)) != NULL) {
        if (cors_say_once(CORS_SAID_SERVER, apr_pstrcat(r->pool, "handlers\n", dir,
                                                        (char *)NULL))) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, "mod_cors: SetHandler %s is not "
                          "answered for %s: the .htaccess file of %s took part in its "
                          "configuration, and such a file (a tenant's) could have changed who "
                          "may read it; serve it where AllowOverride None holds (said once "
                          "per process for that directory)", r->handler, r->uri, dir);
        }
        return HTTP_NOT_FOUND;
    }
    r->allowed |= (AP_METHOD_BIT << M_GET);
    if (r->method_number != M_GET) {
        return HTTP_METHOD_NOT_ALLOWED;
    }
    return info ? cors_info_answer(r) : cors_metrics_write(r, cors_main_conf()->metrics);
}

static void register_hooks(apr_pool_t *p)
{
    cors_source_file_register(p);
    cors_source_dbm_register(p);
    cors_source_dbd_register(p);
    ap_hook_pre_config(cors_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(cors_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(cors_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(cors_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_header_parser(cors_answer_preflight, NULL, NULL, APR_HOOK_MIDDLE);
    /* Before mod_dir's (APR_HOOK_LAST), which swaps in an index file's configuration. */
    ap_hook_fixups(cors_info_fixup, NULL, NULL, APR_HOOK_REALLY_FIRST);
    /* Last, so the filter runs after mod_headers' and the policy's headers win. */
    ap_hook_insert_filter(insert_cors_filter, NULL, NULL, APR_HOOK_REALLY_LAST);
    ap_hook_insert_error_filter(insert_cors_filter, NULL, NULL, APR_HOOK_REALLY_LAST);
    ap_register_output_filter(CORS_FILTER, cors_out_filter, NULL, AP_FTYPE_CONTENT_SET);
    ap_hook_handler(cors_handler, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ap, status_hook, cors_metrics_status, NULL, NULL, APR_HOOK_MIDDLE);
}

/* APLOG_USE_MODULE above already does what AP_DECLARE_MODULE would: define the record plainly. */
module AP_MODULE_DECLARE_DATA cors_module = {
    STANDARD20_MODULE_STUFF,
    cors_create_dir_config,
    cors_merge_dir_config,
    cors_create_server_config,
    NULL,
    cors_cmds,
    register_hooks,
    AP_MODULE_FLAG_NONE
};

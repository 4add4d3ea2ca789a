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

#include "apr_atomic.h"
#include "apr_strings.h"

#include "ap_config.h"
#include "ap_regex.h"
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_main.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"

#include "cors.h"

module AP_MODULE_DECLARE_DATA cors_module;

APLOG_USE_MODULE(cors);

#define CORS_FILTER "CORS"
#define CORS_DEBUG_HEADER "X-CORS-Reason"

/* Per virtual host: state that is not policy. */
typedef struct {
    ap_filter_rec_t *filter;            /* looked up once at post_config */
    apr_uint32_t conflict_logged;       /* log a merged contradiction once per process */
} cors_server_conf;

/* Per request (kept on the request the browser sent, shared by its internal redirects). */
typedef struct {
    cors_answer answer;
    int decided;
    int logged;
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

/* ---------------------------------------------------------------------------------------- */
/* Configuration                                                                             */

static void *create_cors_dir_config(apr_pool_t *p, char *dir)
{
    (void)dir;
    return cors_policy_make(p);
}

static void *merge_cors_dir_config(apr_pool_t *p, void *basev, void *addv)
{
    return cors_policy_merge(p, basev, addv);
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

static const char *set_flag(cmd_parms *cmd, void *dconf, int on)
{
    const char *err = ap_set_flag_slot(cmd, dconf, on);

    return err ? err : check_level(cmd, dconf);
}

/* The words of a directive line, each split further on commas (values copied from a header
 * such as "GET, POST" work), with their +/- edit marks. */
static const char *read_items(cmd_parms *cmd, const char *args, int split,
                              apr_array_header_t *items, apr_array_header_t *edits)
{
    apr_array_header_t *words = apr_array_make(cmd->temp_pool, 8, sizeof(const char *));
    int i, plain = 0, edit = 0;

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
        if (e == CORS_ITEM_PLAIN) {
            plain++;
        }
        else {
            edit++;
        }
        APR_ARRAY_PUSH(items, const char *) = w;
        APR_ARRAY_PUSH(edits, cors_edit) = e;
    }
    if (plain && edit) {
        return apr_psprintf(cmd->pool, "%s: a line mixes '+'/'-' items with plain ones; give "
                            "either a whole list (which replaces the inherited one) or only "
                            "+/- edits of it", cmd->cmd->name);
    }
    return NULL;
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
    size_t offset = (size_t)cmd->info;
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
        err = cors_set_add(cmd->pool, *slot, item, e);
        if (err) {
            return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
        }
        if (kind == CORS_SET_ORIGINS && e != CORS_ITEM_REMOVE && !strcasecmp(item, "null")) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cmd->server,
                         "%s: allowing the origin 'null' (%s:%d): any page can send it "
                         "(sandboxed iframes, data: and file: URLs, redirects), so it "
                         "grants nothing a stranger cannot have", cmd->cmd->name,
                         cmd->directive->filename, cmd->directive->line_num);
        }
    }
    return check_level(cmd, dconf);
}

static apr_status_t free_regex(void *re)
{
    ap_regfree(re);
    return APR_SUCCESS;
}

/* Whatever the admin wrote, a regex must match the whole origin: an unanchored
 * "example\.com" would also allow https://example.com.evil.net.  The wrapper anchors it and
 * the span check catches a pattern that escapes the wrapper with an unbalanced ')'. */
static int match_whole(const void *re, const char *s, size_t len)
{
    ap_regmatch_t m[1];

    return ap_regexec_len(re, s, len, 1, m, 0) == 0 && m[0].rm_so == 0
           && (size_t)m[0].rm_eo == len;
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
        ap_regex_t *re = apr_pcalloc(cmd->pool, sizeof(*re));
        int rc = ap_regcomp(re, apr_psprintf(cmd->temp_pool, "^(?:%s)\\z", source),
                            AP_REG_ICASE);
        if (rc) {
            char msg[256];
            ap_regerror(rc, re, msg, sizeof(msg));
            return apr_psprintf(cmd->pool, "%s: '%s' is not a valid regular expression (%s)",
                                cmd->cmd->name, source, msg);
        }
        apr_pool_cleanup_register(cmd->pool, re, free_regex, apr_pool_cleanup_null);
        cors_set_add_regex(cmd->pool, pol->origins, source, match_whole, re,
                           APR_ARRAY_IDX(edits, i, cors_edit));
    }
    return check_level(cmd, dconf);
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

#define LIST(name, field, help) \
    AP_INIT_RAW_ARGS(name, set_list, (void *)APR_OFFSETOF(cors_policy, field), OR_FILEINFO, help)
#define FLAG(name, field, handler, help) \
    AP_INIT_FLAG(name, handler, (void *)APR_OFFSETOF(cors_policy, field), OR_FILEINFO, help)

static const command_rec cors_cmds[] = {
    FLAG("CORSEnable", enable, ap_set_flag_slot,
         "On to apply the CORS policy here, Off to switch it off below this point"),
    LIST("CORSAllowOrigin", origins,
         "origins allowed: https://host[:port], https://*.domain, http://host:*, *, null; "
         "+item/-item edit the inherited list"),
    AP_INIT_RAW_ARGS("CORSAllowOriginMatch", set_origin_regex, NULL, OR_FILEINFO,
                     "regular expressions an origin must match as a whole"),
    LIST("CORSAllowMethods", methods, "methods allowed in preflights (default GET HEAD POST)"),
    LIST("CORSAllowHeaders", headers, "request headers allowed in preflights, or *"),
    LIST("CORSExposeHeaders", expose, "response headers scripts may read, or *"),
    FLAG("CORSAllowCredentials", credentials, set_flag,
         "On to allow cookies and HTTP authentication (Access-Control-Allow-Credentials)"),
    AP_INIT_TAKE1("CORSMaxAge", set_max_age, NULL, OR_FILEINFO,
                  "seconds browsers may cache a preflight answer (0..86400)"),
    AP_INIT_TAKE1("CORSPreflightStatus", set_preflight_status, NULL, OR_FILEINFO,
                  "status of an allowed preflight answer: 204 (default) or 200"),
    FLAG("CORSAllowPrivateNetwork", private_network, ap_set_flag_slot,
         "On to answer Access-Control-Request-Private-Network"),
    FLAG("CORSDebug", debug, ap_set_flag_slot,
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
    return s->is_virtual ? apr_psprintf(p, "the virtual host at %s:%d", s->defn_name,
                                        s->defn_line_number)
                         : "the main server";
}

/* Contradictions that only appear once levels are merged ("*" in a virtual host,
 * credentials in a <Location>) stop the start-up, as configtest runs this hook too. */
static int check_merged_conflicts(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                  server_rec *s)
{
    int failed = 0;

    (void)pconf;
    (void)plog;
    for (; s; s = s->next) {
        const cors_policy *spol = ap_get_module_config(s->lookup_defaults, &cors_module);
        core_server_config *core = ap_get_core_module_config(s->module_config);
        const char *err = cors_policy_conflict(spol);
        int i, n;

        if (err) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_CRIT, 0, s, "mod_cors: in %s: %s",
                         server_name(ptemp, s), err);
            failed = 1;
        }
        for (n = 0; n < 2; n++) {
            apr_array_header_t *secs = n ? core->sec_url : core->sec_dir;
            ap_conf_vector_t **elts = (ap_conf_vector_t **)secs->elts;
            for (i = 0; i < secs->nelts; i++) {
                const cors_policy *sec = ap_get_module_config(elts[i], &cors_module);
                if (!sec) {
                    continue;
                }
                err = cors_policy_conflict(cors_policy_merge(ptemp, spol, sec));
                if (err) {
                    ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_CRIT, 0, s,
                                 "mod_cors: in <%s %s> as merged into %s: %s",
                                 n ? "Location" : "Directory", section_name(elts[i]),
                                 server_name(ptemp, s), err);
                    failed = 1;
                }
            }
        }
    }
    return failed ? HTTP_INTERNAL_SERVER_ERROR : OK;
}

static void log_policy(server_rec *s, const char *where, const cors_policy *pol)
{
    const cors_set *methods = pol->methods;

    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                 "mod_cors: %s: CORSEnable %s, %lu origin item(s)%s, methods %s, "
                 "credentials %s", where,
                 pol->enable == CORS_UNSET ? "(inherited)" : pol->enable ? "On" : "Off",
                 (unsigned long)(pol->origins ? cors_set_count(pol->origins) : 0),
                 pol->origins && cors_set_is_any(pol->origins) ? " (*)" : "",
                 methods ? (cors_set_value(methods) ? cors_set_value(methods) : "none")
                 : "(inherited)",
                 pol->credentials == CORS_UNSET ? "(inherited)"
                 : pol->credentials ? "On" : "Off");
}

static int policy_given(const cors_policy *pol)
{
    return pol && (pol->enable != CORS_UNSET || pol->origins || pol->methods || pol->headers
                   || pol->expose || pol->credentials != CORS_UNSET);
}

static int logs_info(const server_rec *s)
{
    return APLOGinfo(s);
}

/* One line per level that says something, so an admin can see what is in force.  A virtual
 * host's section list starts with the main server's, which are logged once, with it. */
static void log_policies(apr_pool_t *ptemp, server_rec *main_server)
{
    core_server_config *main_core = ap_get_core_module_config(main_server->module_config);
    server_rec *s = main_server;

    do {
        core_server_config *core = ap_get_core_module_config(s->module_config);
        const cors_policy *spol = ap_get_module_config(s->lookup_defaults, &cors_module);
        int n, i;

        if (policy_given(spol)) {
            log_policy(s, server_name(ptemp, s), spol);
        }
        for (n = 0; n < 2; n++) {
            apr_array_header_t *secs = n ? core->sec_url : core->sec_dir;
            apr_array_header_t *inherited = n ? main_core->sec_url : main_core->sec_dir;
            ap_conf_vector_t **elts = (ap_conf_vector_t **)secs->elts;
            for (i = s->is_virtual ? inherited->nelts : 0; i < secs->nelts; i++) {
                const cors_policy *sec = ap_get_module_config(elts[i], &cors_module);
                if (policy_given(sec)) {
                    log_policy(s, apr_psprintf(ptemp, "<%s %s>", n ? "Location" : "Directory",
                                               section_name(elts[i])), sec);
                }
            }
        }
    } while ((s = s->next) != NULL);
}

static int cors_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *s)
{
    ap_filter_rec_t *filter = ap_get_output_filter_handle(CORS_FILTER);
    server_rec *vs = s;

    (void)pconf;
    (void)plog;
    do {
        cors_server_conf *sconf = ap_get_module_config(vs->module_config, &cors_module);
        sconf->filter = filter;
    } while ((vs = vs->next) != NULL);
    /* httpd reads its configuration twice at start-up: summarise the one it keeps. */
    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_CREATE_PRE_CONFIG && logs_info(s)) {
        log_policies(ptemp, s);
    }
    return OK;
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
        st = apr_pcalloc(r->pool, sizeof(*st));
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

static void log_conflict(request_rec *r, const cors_policy *pol)
{
    cors_server_conf *sconf = ap_get_module_config(r->server->module_config, &cors_module);

    if (apr_atomic_cas32(&sconf->conflict_logged, 1, 0) == 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "%s (in the policy for %s; sending no "
                      "Access-Control-Allow-Credentials header)", cors_policy_conflict(pol),
                      r->uri);
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
    const char *err = apr_table_get(r->err_headers_out, "Vary");

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
        if (e[i].key && (e[i].key[0] == 'A' || e[i].key[0] == 'a')
            && strncasecmp(e[i].key, "Access-Control-", 15) == 0) {
            return 1;
        }
    }
    return 0;
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
        add_if(r->headers_out, "Access-Control-Expose-Headers", ans->expose_headers);
        add_if(r->headers_out, "Access-Control-Max-Age", ans->max_age);
        add_if(r->headers_out, "Access-Control-Allow-Private-Network",
               ans->allow_private_network);
    }
    else if (ans->refusal != CORS_REFUSED_NONE && pol->debug == 1) {
        apr_table_setn(r->headers_out, CORS_DEBUG_HEADER, cors_answer_reason(r->pool, ans));
    }
    if (ans->vary) {
        merge_vary(r, "Origin");
    }
}

/* header_parser: runs for the request the browser sent once its per-dir configuration is
 * final, and before access control and authentication, which a preflight never passes. */
static int cors_answer_preflight(request_rec *r)
{
    const cors_policy *pol = ap_get_module_config(r->per_dir_config, &cors_module);
    cors_request req;
    cors_request_state *st;
    const char *acrh, *pn;

    if (r->prev || r->method_number != M_OPTIONS || !cors_policy_enabled(pol)) {
        return DECLINED;
    }
    req.origin = apr_table_get(r->headers_in, "Origin");
    req.method = apr_table_get(r->headers_in, "Access-Control-Request-Method");
    if (!req.origin || !req.method || !*req.method) {
        return DECLINED;        /* an ordinary OPTIONS request */
    }
    /* httpd joins repeated request header lines with ", ", which the list parser accepts. */
    acrh = apr_table_get(r->headers_in, "Access-Control-Request-Headers");
    req.request_headers = &acrh;
    req.request_header_lines = acrh ? 1 : 0;
    pn = apr_table_get(r->headers_in, "Access-Control-Request-Private-Network");
    req.private_network = pn && !strcasecmp(pn, "true");

    st = request_state(r);
    cors_decide_preflight(r->pool, pol, &req, &st->answer);
    st->decided = 1;
    if (st->answer.conflict) {
        log_conflict(r, pol);
    }
    if (!st->answer.allowed) {
        /* The 403 goes through ap_die and the error filter, which applies this answer. */
        log_refusal(r, st, "CORS preflight");
        return HTTP_FORBIDDEN;
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "CORS preflight allowed for origin '%s', "
                  "method %s, headers '%s'", req.origin, req.method, acrh ? acrh : "");
    apply_answer(r, pol, &st->answer);
    ap_discard_request_body(r);
    r->status = st->answer.status;
    if (r->status == HTTP_OK) {
        ap_set_content_length(r, 0);
    }
    return DONE;
}

static void insert_cors_filter(request_rec *r)
{
    request_rec *orig;
    const cors_policy *pol;
    cors_server_conf *sconf;

    if (r->main) {
        return;                 /* subrequests' headers are not sent */
    }
    orig = original_request(r);
    pol = ap_get_module_config(orig->per_dir_config, &cors_module);
    if (!cors_policy_enabled(pol)) {
        return;
    }
    sconf = ap_get_module_config(r->server->module_config, &cors_module);
    ap_add_output_filter_handle(sconf->filter, NULL, r, r->connection);
}

/* Runs once per response, on its first brigade: by then the handler, a backend or
 * ap_send_error_response has set the response headers, and none has been sent yet. */
static apr_status_t cors_out_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    request_rec *orig = original_request(r);
    const cors_policy *pol = ap_get_module_config(orig->per_dir_config, &cors_module);
    cors_request_state *st = request_state(orig);

    if (!st->decided) {
        cors_request req;
        memset(&req, 0, sizeof(req));
        req.origin = apr_table_get(orig->headers_in, "Origin");
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
                log_refusal(orig, st, "CORS request");
            }
        }
    }
    apply_answer(r, pol, &st->answer);
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

static void register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_check_config(check_merged_conflicts, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(cors_post_config, NULL, NULL, APR_HOOK_MIDDLE);
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

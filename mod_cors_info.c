/* mod_cors_info.c - SetHandler cors-info: the policy in force for a URL after every merge, each item with the file and line that put it there, and the decision for an origin. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include "apr_lib.h"
#include "apr_strings.h"

#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_cfgtree.h"
#include "util_script.h"

#include "mod_cors.h"
#include "mod_cors_config.h"
#include "mod_cors_info.h"

/* What the answer is written as: one writer for a person, one for tools. */
typedef struct {
    request_rec *r;
    int json;
    int items;                  /* items written in the list under way (JSON commas) */
} view;

/* The length of the well-formed UTF-8 sequence at s (1 to 4), or 0. */
static int utf8_length(const unsigned char *s)
{
    int n, i;

    if (s[0] < 0x80) {
        return 1;
    }
    n = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
        : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    /* no overlong three- or four-byte forms, no surrogates, nothing past U+10FFFF */
    if ((n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
        || (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))) {
        return 0;
    }
    return n;
}

/* What was asked and what the configuration holds, written for either reader: for tools a
 * JSON string (quotes, backslashes and control bytes escaped, a byte that is not part of
 * well-formed UTF-8 given as U+FFFD, so the answer always parses); for a person on a
 * terminal the text with control bytes, DEL and such bytes (which some terminals take as C1
 * controls) as \xNN.  A path or an origin may hold any byte. */
static const char *escaped(apr_pool_t *p, const char *s, int json)
{
    const unsigned char *c;
    char *out, *o;

    if (!s) {
        return json ? "null" : "-";
    }
    out = o = apr_palloc(p, strlen(s) * 6 + 3);
    if (json) {
        *o++ = '"';
    }
    for (c = (const unsigned char *)s; *c;) {
        int n = utf8_length(c);
        if (json && (*c == '"' || *c == '\\')) {
            *o++ = '\\';
            *o++ = (char)*c++;
        }
        else if (*c < 0x20 || *c == 0x7f || n == 0) {
            o += !json ? apr_snprintf(o, 5, "\\x%02x", *c)
                 : n ? apr_snprintf(o, 7, "\\u%04x", *c) : apr_cpystrn(o, "\\ufffd", 7) - o;
            c++;
        }
        else {
            memcpy(o, c, (size_t)n);
            o += n;
            c += n;
        }
    }
    if (json) {
        *o++ = '"';
    }
    *o = '\0';
    return out;
}

static const char *json_string(apr_pool_t *p, const char *s)
{
    return escaped(p, s, 1);
}

static const char *plain(apr_pool_t *p, const char *s)
{
    return escaped(p, s, 0);
}

/* A name as each reader wants it: "lookup_status" for tools, "lookup_status" for a person. */
static const char *text_name(apr_pool_t *p, const char *name)
{
    char *t = apr_pstrcat(p, name, ":", (char *)NULL), *c;

    for (c = t; *c; c++) {
        if (*c == '_') {
            *c = ' ';
        }
    }
    return t;
}

static void field(view *v, const char *name, const char *value, int last)
{
    if (v->json) {
        ap_rprintf(v->r, "  %s: %s%s\n", json_string(v->r->pool, name),
                   json_string(v->r->pool, value), last ? "" : ",");
    }
    else {
        ap_rprintf(v->r, "%-22s %s\n", text_name(v->r->pool, name), plain(v->r->pool, value));
    }
}

/* A scalar setting, what it is in force and where that was written ("default" where no
 * level says). */
static void setting(view *v, const char *name, const char *value, const char *where)
{
    apr_pool_t *p = v->r->pool;

    if (v->json) {
        ap_rprintf(v->r, "  %s: {\"value\": %s, \"where\": %s},\n", json_string(p, name),
                   json_string(p, value), json_string(p, where));
    }
    else {
        ap_rprintf(v->r, "%-22s %s%s%s\n", text_name(p, name), plain(p, value),
                   where ? "   " : "   (default)", where ? plain(p, where) : "");
    }
}

static const char *flag_value(int flag, const char *dflt)
{
    return flag == CORS_UNSET ? dflt : flag ? "on" : "off";
}

static const char *kind_name(cors_item_kind kind)
{
    static const char *const names[] = {
        "origin", "pattern", "regex", "source", "name", "any", "null"
    };

    return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "item";
}

static int write_item(void *baton, const char *text, cors_edit edit, cors_item_kind kind,
                      const char *where)
{
    view *v = baton;
    apr_pool_t *p = v->r->pool;
    const char *how = edit == CORS_ITEM_REMOVE ? "removed" : edit == CORS_ITEM_ADD ? "added"
                      : "listed";

    if (v->json) {
        ap_rprintf(v->r, "%s\n    {\"item\": %s, \"kind\": \"%s\", \"edit\": \"%s\", "
                   "\"where\": %s}", v->items ? "," : "", json_string(p, text),
                   kind_name(kind), how, json_string(p, where));
    }
    else {
        ap_rprintf(v->r, "  %s%-40s %-8s %-8s %s\n", edit == CORS_ITEM_REMOVE ? "-" : " ",
                   plain(p, text), kind_name(kind), how, plain(p, where));
    }
    v->items++;
    return 0;
}

static void list(view *v, const char *name, const cors_set *set, const char *none)
{
    v->items = 0;
    if (v->json) {
        /* null: no level gives the list (the default holds, as the text says) */
        ap_rprintf(v->r, "  %s: %s", json_string(v->r->pool, name), set ? "[" : "null,\n");
    }
    else {
        ap_rprintf(v->r, "%s%s\n", text_name(v->r->pool, name),
                   set ? "" : apr_pstrcat(v->r->pool, " ", none, (char *)NULL));
    }
    if (set) {
        cors_set_each(set, write_item, v);
        if (v->json) {
            ap_rputs(v->items ? "\n  ],\n" : "],\n", v->r);
        }
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Conditions a lookup cannot set                                                            */

/* What an <If> reads of the request that cors-info cannot give the lookup: the asker's
 * address, identity, connection and headers other than Origin, the time, and what differs
 * in any lookup (no query string; IS_SUBREQ true).  The lookup
 * carries the origin and method asked about; these stay the asker's own.  Variables are
 * matched as ap_expr writes them (%{NAME}, case and all), so a URL in a string is no match. */
static int reads_asker(const char *expr)
{
    static const char *const variables[] = {
        "%{REMOTE_", "%{CONN_REMOTE", "%{HTTPS}", "%{SSL_", "%{HTTP_USER_AGENT}",
        "%{HTTP_REFERER}", "%{HTTP_COOKIE}", "%{HTTP_ACCEPT}", "%{HTTP_FORWARDED}", "%{TIME",
        "%{AUTH_TYPE}", "%{REQUEST_SCHEME}", "%{THE_REQUEST}", "%{IPV6}", "%{ENV:", "%{env:",
        "%{QUERY_STRING}", "%{IS_SUBREQ}", "%{REMOTE_USER}",
        "-ipmatch", "-R ", "-R\t", NULL
    };
    static const char *const header_functions[] = {
        "req(", "http(", "req_novary(", "resp(", "reqenv(", "osenv(", "note(", "env(", NULL
    };
    const char *const *a;
    const char *c;

    for (a = variables; *a; a++) {
        if (strstr(expr, *a)) {
            return 1;
        }
    }
    /* %{HTTP:Name}: any header but Origin and what a preflight's lookup carries. */
    for (c = expr; (c = strstr(c, "%{HTTP:")) != NULL; c += 7) {
        if (strncasecmp(c + 7, "Origin}", 7) != 0
            && strncasecmp(c + 7, "Access-Control-Request-", 23) != 0) {
            return 1;
        }
    }
    /* req('X'), http('X'), req_novary('X'), resp('X'): any header but Origin; the
     * environment and notes: whatever set them (mod_setenvif reads any header). */
    for (a = header_functions; *a; a++) {
        for (c = expr; (c = strstr(c, *a)) != NULL; c += strlen(*a)) {
            const char *arg = c + strlen(*a);
            if ((c > expr && (apr_isalnum(c[-1]) || c[-1] == '_')) ) {
                continue;           /* "req_novary(" seen as "novary(", "xreq(" */
            }
            arg += strspn(arg, " '\"");
            if (strncmp(*a, "req", 3) != 0 && strncmp(*a, "http", 4) != 0) {
                return 1;
            }
            if (strncasecmp(arg, "origin", 6) != 0 || !strchr("'\" )", arg[6])) {
                return 1;
            }
        }
    }
    return 0;
}

/* The node after d in a walk of root's subtree (NULL: the whole tree), children first. */
static const ap_directive_t *tree_next(const ap_directive_t *d, const ap_directive_t *root)
{
    if (d->first_child) {
        return d->first_child;
    }
    while (d && d != root) {
        if (d->next) {
            return d->next;
        }
        d = d->parent;
    }
    return NULL;
}

static int holds_cors_lines(const ap_directive_t *section)
{
    const ap_directive_t *d;

    for (d = section->first_child; d && d != section; d = tree_next(d, section)) {
        if (strncasecmp(d->directive, "CORS", 4) == 0) {
            return 1;
        }
    }
    return 0;
}

static int is_if(const ap_directive_t *d)
{
    return strcasecmp(d->directive, "<If") == 0 || strcasecmp(d->directive, "<ElseIf") == 0
           || strcasecmp(d->directive, "<Else") == 0;
}

/* The <If>, <ElseIf> whose branch holds CORS lines (or is followed by an <Else> that does)
 * and whose condition reads the asker: their branch in the answer is the asker's. */
/* Whether d is a <VirtualHost> other than the one serving s: its sections never apply. */
static int other_virtual_host(const ap_directive_t *d, const server_rec *s)
{
    return strcasecmp(d->directive, "<VirtualHost") == 0
           && !(s->is_virtual && s->defn_name && d->filename
                && strcmp(s->defn_name, d->filename) == 0
                && (int)s->defn_line_number == d->line_num);
}

/* The node after d's subtree, within the whole tree. */
static const ap_directive_t *past_subtree(const ap_directive_t *d)
{
    while (d && !d->next) {
        d = d->parent;
    }
    return d ? d->next : NULL;
}

/* One <If> or <ElseIf> whose branch (or the <Else> after it) holds CORS lines and whose
 * condition the lookup cannot give: its branch in the answer is the asker's. */
static void say_condition(view *v, const ap_directive_t *d)
{
    apr_pool_t *p = v->r->pool;
    const ap_directive_t *chain;
    const char *where, *cond;
    int cors = 0;

    if (!is_if(d) || strcasecmp(d->directive, "<Else") == 0 || !reads_asker(d->args)) {
        return;
    }
    for (chain = d; chain && is_if(chain) && !cors; chain = chain->next) {
        if (chain != d && strcasecmp(chain->directive, "<If") == 0) {
            break;              /* the next chain */
        }
        cors = holds_cors_lines(chain);
    }
    if (!cors) {
        return;
    }
    where = apr_psprintf(p, "%s:%d", d->filename, d->line_num);
    cond = apr_pstrcat(p, d->directive, " ", d->args, (char *)NULL);
    if (v->json) {
        ap_rprintf(v->r, "%s\n    {\"condition\": %s, \"where\": %s}", v->items ? "," : "",
                   json_string(p, cond), json_string(p, where));
    }
    else {
        ap_rprintf(v->r, "  %-50s %s\n", plain(p, cond), plain(p, where));
    }
    v->items++;
}

/* The conditions of the configuration that apply on the virtual host serving the asker: the
 * main server's and its own, never another host's. */
static void asker_conditions(view *v, const ap_directive_t *tree)
{
    const ap_directive_t *d = tree;

    while (d) {
        if (other_virtual_host(d, v->r->server)) {
            d = past_subtree(d);
            continue;
        }
        say_condition(v, d);
        d = tree_next(d, NULL);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* The decision for the origin asked about                                                   */

/* name: the JSON key; label: what a person reads. */
static void decision(view *v, const char *name, const char *label, const cors_answer *ans,
                     int preflight, int last)
{
    apr_pool_t *p = v->r->pool;
    const char *outcome = cors_answer_outcome(ans, preflight);
    const char *reason = cors_answer_reason(p, ans);

    if (v->json) {
        ap_rprintf(v->r, "    %s: {\"outcome\": %s, \"allow_origin\": %s, "
                   "\"allow_credentials\": %s, \"allow_methods\": %s, \"allow_headers\": %s, "
                   "\"expose_headers\": %s, \"max_age\": %s, \"timing_allow_origin\": %s, "
                   "\"vary_origin\": %s, "
                   "\"decided_by\": %s, \"reason\": %s}%s\n", json_string(p, name),
                   json_string(p, outcome), json_string(p, ans->allow_origin),
                   json_string(p, ans->allow_credentials), json_string(p, ans->allow_methods),
                   json_string(p, ans->allow_headers), json_string(p, ans->expose_headers),
                   json_string(p, ans->max_age), json_string(p, ans->timing_allow_origin),
                   ans->vary ? "true" : "false",
                   json_string(p, ans->source), json_string(p, reason), last ? "" : ",");
        return;
    }
    ap_rprintf(v->r, "  %-20s %s\n", apr_pstrcat(p, label, ":", (char *)NULL), outcome);
    if (ans->allowed) {
        ap_rprintf(v->r, "    Access-Control-Allow-Origin: %s\n", plain(p, ans->allow_origin));
        if (ans->allow_credentials) {
            ap_rputs("    Access-Control-Allow-Credentials: true\n", v->r);
        }
        if (ans->allow_methods) {
            ap_rprintf(v->r, "    Access-Control-Allow-Methods: %s\n",
                       plain(p, ans->allow_methods));
        }
        if (ans->allow_headers) {
            ap_rprintf(v->r, "    Access-Control-Allow-Headers: %s\n",
                       plain(p, ans->allow_headers));
        }
        if (ans->expose_headers || ans->expose_filter) {
            ap_rprintf(v->r, "    Access-Control-Expose-Headers: %s\n", ans->expose_filter
                       ? "(the response's own headers, less those removed)"
                       : plain(p, ans->expose_headers));
        }
        if (ans->max_age) {
            ap_rprintf(v->r, "    Access-Control-Max-Age: %s\n", ans->max_age);
        }
        if (ans->timing_allow_origin) {
            ap_rprintf(v->r, "    Timing-Allow-Origin: %s\n", plain(p, ans->timing_allow_origin));
        }
    }
    if (ans->vary) {
        ap_rputs("    Vary: Origin\n", v->r);
    }
    if (ans->source) {
        ap_rprintf(v->r, "    decided by: %s\n", plain(p, ans->source));
    }
    if (reason) {
        ap_rprintf(v->r, "    why: %s\n", plain(p, reason));
    }
}

/* What a lookup's configuration is when a request's policy is taken: before fixups, where
 * mod_dir swaps in an index file's configuration (mod_cors captures a request's policy in
 * header_parser, which subrequests do not run).  Kept on the asker's pool while a lookup
 * runs; cors_info_fixup fills it. */
#define CAPTURE_KEY "mod_cors info lookup"

typedef struct {
    const cors_policy *pol;
    const char *failed;
} lookup_capture;

int cors_info_fixup(request_rec *r)
{
    lookup_capture *cap = NULL;

    if (!r->main) {
        return DECLINED;
    }
    apr_pool_userdata_get((void **)&cap, CAPTURE_KEY, r->main->pool);
    if (cap && !cap->pol) {
        const void *record = ap_get_module_config(r->per_dir_config, &cors_module);
        cap->pol = cors_level_of(r->pool, record);
        cap->failed = cors_level_failed(record);
    }
    return DECLINED;
}

/* The lookup as a request to path would make it: the given Origin (or none), the given
 * method, the asker's other headers (a subrequest copies them).  A preflight's lookup is an
 * OPTIONS with Access-Control-Request-Method and -Headers, as the browser sends it: an <If>
 * on the method or on those headers takes the preflight's branch. */
static request_rec *lookup(request_rec *r, const char *path, const char *method,
                           const char *origin, int preflight, const char *headers,
                           lookup_capture *cap)
{
    apr_table_t *asked = r->headers_in;
    request_rec *sub;

    r->headers_in = apr_table_copy(r->pool, asked);
    apr_table_unset(r->headers_in, "Access-Control-Request-Method");
    apr_table_unset(r->headers_in, "Access-Control-Request-Headers");
    if (origin) {
        apr_table_setn(r->headers_in, "Origin", origin);
    }
    else {
        apr_table_unset(r->headers_in, "Origin");
    }
    if (preflight) {
        apr_table_setn(r->headers_in, "Access-Control-Request-Method", method);
        if (headers) {
            apr_table_setn(r->headers_in, "Access-Control-Request-Headers", headers);
        }
    }
    cap->pol = NULL;
    cap->failed = NULL;
    apr_pool_userdata_setn(cap, CAPTURE_KEY, NULL, r->pool);
    sub = ap_sub_req_method_uri(preflight ? "OPTIONS" : method, path, r, NULL);
    apr_pool_userdata_setn(NULL, CAPTURE_KEY, NULL, r->pool);
    r->headers_in = asked;
    /* A lookup refused before fixups (access denied, no such file) has what was merged
     * when it failed, as a request answered then does. */
    if (!cap->pol) {
        const void *record = ap_get_module_config(sub->per_dir_config, &cors_module);
        cap->pol = cors_level_of(sub->pool, record);
        cap->failed = cors_level_failed(record);
    }
    return sub;
}

/* The request's decision on the policy its own lookup merged, the preflight's on the one an
 * OPTIONS lookup merges (they differ where an <If> reads the method). */
static void decide(view *v, request_rec *sub, const cors_policy *pol, const char *path,
                   const char *origin, const char *method, const char *headers)
{
    lookup_capture cap;
    request_rec *pre = lookup(v->r, path, method, origin, 1, headers, &cap);
    cors_request req;
    cors_answer actual, preflight;
    const char *lines[1];

    memset(&req, 0, sizeof(req));
    req.origin = origin;
    req.source_baton = sub;
    /* Where mod_cors is off it decides nothing: no header, outcome "-" (why off is above). */
    memset(&actual, 0, sizeof(actual));
    memset(&preflight, 0, sizeof(preflight));
    if (cors_policy_enabled(pol)) {
        cors_decide_actual(sub->pool, pol, &req, &actual);
    }
    req.method = method;
    lines[0] = headers;
    req.request_headers = lines;
    req.request_header_lines = headers ? 1 : 0;
    req.source_baton = pre;
    if (cors_policy_enabled(cap.pol)) {
        cors_decide_preflight(pre->pool, cap.pol, &req, &preflight);
    }
    if (v->json) {
        ap_rputs("  \"decision\": {\n", v->r);
    }
    else {
        ap_rprintf(v->r, "\nthe decision for origin %s:\n", plain(v->r->pool, origin));
    }
    decision(v, "request", "request", &actual, 0, 0);
    decision(v, "preflight", apr_pstrcat(v->r->pool, "preflight for ", method,
                                         headers ? " with " : "", headers ? headers : "",
                                         (char *)NULL), &preflight, 1, 1);
    if (v->json) {
        ap_rputs("  },\n", v->r);
    }
    ap_destroy_sub_req(pre);
}

/* ---------------------------------------------------------------------------------------- */
/* The answer                                                                                */

static void write_policy(view *v, request_rec *sub, const cors_policy *pol)
{
    const char *off = cors_policy_off_reason(v->r->pool, pol);

    field(v, "cors", off ? "off" : "on", 0);
    if (off) {
        field(v, "why_off", off, 0);
    }
    setting(v, "enable", flag_value(pol->enable, "unset"), pol->enable_where);
    setting(v, "report_only", flag_value(pol->report_only, "off"), pol->report_only_where);
    list(v, "origins", pol->origins, "none");
    list(v, "methods", pol->methods, "GET, HEAD, POST (default)");
    list(v, "headers", pol->headers, "none beyond the safelisted ones (default)");
    list(v, "expose_headers", pol->expose, "none (default)");
    setting(v, "credentials", flag_value(pol->credentials, "off"), pol->credentials_where);
    setting(v, "max_age", pol->max_age_value ? pol->max_age_value : "none (browser default)",
            pol->max_age_where);
    setting(v, "preflight_status", pol->preflight_status == 200 ? "200" : "204",
            pol->preflight_status_where);
    setting(v, "private_network", flag_value(pol->private_network, "off"),
            pol->private_network_where);
    setting(v, "timing_allow_origin", flag_value(pol->timing, "off"), pol->timing_where);
    setting(v, "debug", flag_value(pol->debug, "off"), pol->debug_where);
    (void)sub;
}

static int bad_request(request_rec *r)
{
    ap_set_content_type(r, "text/plain; charset=utf-8");
    r->status = HTTP_BAD_REQUEST;
    ap_rputs("cors-info: give path=/a/path (and origin=, method=, headers=, json as wanted), "
             "e.g. ?path=/api/items&origin=https://app.example.com&method=PUT\n", r);
    return OK;
}

static int wants_json(request_rec *r, apr_table_t *args)
{
    const char *accept = apr_table_get(r->headers_in, "Accept");

    return apr_table_get(args, "json") != NULL
           || (accept && ap_strcasestr(accept, "application/json"));
}

int cors_info_answer(request_rec *r)
{
    apr_table_t *args = NULL;
    const char *path, *origin, *method, *headers, *failed;
    const cors_policy *pol;
    lookup_capture cap;
    request_rec *sub;
    view v;

    /* A NUL would cut what is decoded: answer for what was asked or not at all. */
    if (r->args && ap_strcasestr(r->args, "%00")) {
        return bad_request(r);
    }
    ap_args_to_table(r, &args);
    path = apr_table_get(args, "path");
    origin = apr_table_get(args, "origin");
    method = apr_table_get(args, "method");
    headers = apr_table_get(args, "headers");
    if (!method || !*method) {
        method = "GET";
    }
    if (!path || path[0] != '/' || ap_strchr_c(path, '?')
        || strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
           != strlen(method)) {
        return bad_request(r);
    }
    v.r = r;
    v.json = wants_json(r, args);
    v.items = 0;
    sub = lookup(r, path, method, origin, 0, NULL, &cap);
    pol = cap.pol;
    failed = cap.failed;
    ap_set_content_type(r, v.json ? "application/json" : "text/plain; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (r->header_only) {
        ap_destroy_sub_req(sub);
        return OK;
    }
    if (v.json) {
        ap_rputs("{\n", r);
    }
    else {
        ap_rputs("mod_cors: the policy in force\n\n", r);
    }
    field(&v, "path", path, 0);
    field(&v, "server", apr_psprintf(r->pool, "%s:%u", r->server->server_hostname,
                                     (unsigned)ap_get_server_port(r)), 0);
    field(&v, "method", method, 0);
    field(&v, "origin", origin, 0);
    field(&v, "lookup_status", apr_itoa(r->pool, sub->status), 0);
    field(&v, "file", sub->filename, 0);
    if (failed) {
        field(&v, "htaccess_error", failed, 0);
    }
    write_policy(&v, sub, pol);
    if (origin) {
        decide(&v, sub, pol, path, origin, method, headers);
    }
    v.items = 0;
    if (v.json) {
        ap_rputs("  \"asker_conditions\": [", r);
    }
    else {
        ap_rputs("\nconditions a lookup cannot give as the browser's request would (the "
                 "asker's address and other headers, the query string, the time): their "
                 "branch above is this request's:\n", r);
    }
    asker_conditions(&v, ap_conftree);
    if (v.json) {
        ap_rputs(v.items ? "\n  ]\n}\n" : "]\n}\n", r);
    }
    else if (!v.items) {
        ap_rputs("  none\n", r);
    }
    ap_destroy_sub_req(sub);
    return OK;
}

/* corscheck.c - asks a server what a browser would (preflight, then the request) and gives the browser's verdict. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
/*
 *   corscheck URL --origin O [--method M] [--header 'Name: value']... [--credentials]
 *             [--data BODY] [--send]
 *
 * Safe to point at production: it sends the preflight when the Fetch rules require one,
 * but the request itself only for GET and HEAD; any other method (and any body) only with
 * --send.  Exit status (also in --help and corscheck.1): 0 when a browser would let the page
 * read the response, or, for a request not sent, when its preflight passes; 1 when the
 * browser would block it; 2 on a usage or network error; 3 when nothing was checked (a
 * request that needs no preflight, not sent).  Works against any server.  The origin, token
 * and list parsing are the policy core's (include/cors.h), so the tool and the module
 * cannot disagree on what a valid origin or header list is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_general.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <curl/curl.h>

#include "cors.h"

/* mk/corscheck.mk passes the version from CHANGES. */
#ifndef CORSCHECK_VERSION
#define CORSCHECK_VERSION "1.4.0"
#endif

/* Exit statuses, as documented in --help and tools/corscheck.1. */
enum {
    EXIT_ALLOWED = 0,       /* readable; or, not sent, the preflight passed */
    EXIT_BLOCKED = 1,       /* the preflight or the response fails the CORS check */
    EXIT_USAGE = 2,         /* bad arguments, or a network error */
    EXIT_UNCHECKED = 3      /* no preflight needed and the request not sent: nothing checked */
};

typedef struct {
    const char *url;
    const char *origin;
    const char *method;
    const char *data;               /* the request body, or NULL */
    apr_array_header_t *headers;    /* "Name: value" as given */
    int credentials;
    int send;                       /* send a request other than GET and HEAD too */
} options;

typedef struct {
    long status;
    apr_table_t *headers;           /* every response header line, repeated names kept */
} exchange;

typedef struct {
    apr_pool_t *pool;
    apr_table_t *headers;
} header_sink;

static const char usage_text[] =
    "usage: corscheck URL --origin ORIGIN [--method METHOD] [--header 'Name: value']...\n"
    "                 [--credentials] [--data BODY] [--send]\n"
    "       corscheck --help | --version\n";

static const char help_text[] =
    "\n"
    "Asks the server at URL what a browser would ask it for a fetch() from a page on ORIGIN:\n"
    "the preflight (OPTIONS) when the Fetch rules require one, then the request itself.  It\n"
    "prints the CORS headers of each answer, the verdict in the words of Chromium's console\n"
    "and the likely fix.  Works against any server, mod_cors or not.\n"
    "\n"
    "Safe to point at production: corscheck sends the request itself only for GET and HEAD.\n"
    "For any other method (POST, PUT, DELETE, PATCH, ...) it sends at most the preflight,\n"
    "prints the request the browser would send next, and sends that request only with --send.\n"
    "\n"
    "Options:\n"
    "  --origin ORIGIN        the page's origin, scheme://host[:port] (required)\n"
    "  --method METHOD        the fetch() method (default GET); DELETE, GET, HEAD, OPTIONS,\n"
    "                         POST and PUT are upper-cased, as browsers do\n"
    "  --header 'Name: value' a request header the page sets; repeat for more\n"
    "  --credentials          credentials mode 'include' (the page sends cookies)\n"
    "  --data BODY            the request body (not with GET or HEAD); sent only with --send;\n"
    "                         without a Content-Type header, 'text/plain;charset=UTF-8'\n"
    "  --send                 send the request even when its method is not GET or HEAD:\n"
    "                         it may change data on the server\n"
    "  -h, --help             print this help and exit\n"
    "  --version              print the version and exit\n"
    "\n"
    "Exit status:\n"
    "  0  the browser would let the page read the response; or, when the request was not\n"
    "     sent (a method other than GET or HEAD, without --send), its preflight passed\n"
    "  1  the browser would block it: the preflight or the response fails the CORS check\n"
    "  2  a usage error, or a network error\n"
    "  3  nothing was checked: the request needs no preflight and was not sent (no --send)\n"
    "\n"
    "Examples:\n"
    "  # a GET (sent), and a preflighted PUT (only its preflight is sent)\n"
    "  corscheck https://api.example.com/v1/items --origin https://app.example.com\n"
    "  corscheck https://api.example.com/v1/items --origin https://app.example.com \\\n"
    "      --method PUT --header 'Content-Type: application/json' --credentials\n"
    "  # a DELETE: its preflight, then the DELETE itself (--send: it deletes item 7)\n"
    "  corscheck https://api.example.com/v1/items/7 --origin https://app.example.com \\\n"
    "      --method DELETE --send\n"
    "  # a POST with a JSON body, sent\n"
    "  corscheck https://api.example.com/v1/items --origin https://app.example.com \\\n"
    "      --method POST --header 'Content-Type: application/json' --data '{\"a\":1}' --send\n"
    "\n"
    "See corscheck(1).\n";

#if defined(__GNUC__)
#define NORETURN __attribute__((noreturn))
#else
#define NORETURN
#endif

/* A usage error: what is wrong, the short usage, exit 2. */
NORETURN static void usage(const char *why, const char *what)
{
    if (why) {
        fprintf(stderr, "corscheck: %s%s%s%s\n", why, what ? " '" : "", what ? what : "",
                what ? "'" : "");
    }
    fprintf(stderr, "%sTry 'corscheck --help' for more.\n", usage_text);
    exit(EXIT_USAGE);
}

static size_t on_header(char *buf, size_t size, size_t n, void *baton)
{
    header_sink *sink = baton;
    size_t len = size * n;
    char *line = apr_pstrmemdup(sink->pool, buf, len), *colon = strchr(line, ':');

    if (colon && line[0] != ' ' && line[0] != '\t') {
        char *v = colon + 1, *end;
        *colon = '\0';
        while (*v == ' ' || *v == '\t') {
            v++;
        }
        end = v + strlen(v);
        while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ')) {
            *--end = '\0';
        }
        apr_table_add(sink->headers, line, v);
    }
    return len;
}

static size_t discard(char *buf, size_t size, size_t n, void *baton)
{
    (void)buf;
    (void)baton;
    return size * n;
}

/* One HTTP exchange; 0 on a network error (reported). */
static int fetch(apr_pool_t *p, const char *url, const char *method,
                 const apr_array_header_t *request_headers, const char *body, exchange *ex)
{
    CURL *curl = curl_easy_init();
    struct curl_slist *list = NULL;
    header_sink sink;
    CURLcode rc;
    int i;

    if (!curl) {
        return 0;
    }
    sink.pool = p;
    sink.headers = apr_table_make(p, 16);
    for (i = 0; i < request_headers->nelts; i++) {
        list = curl_slist_append(list, APR_ARRAY_IDX(request_headers, i, const char *));
    }
    if (body) {
        list = curl_slist_append(list, "Expect:");      /* browsers never send it */
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    }
    else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    }
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    }
    rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &ex->status);
        ex->headers = sink.headers;
    }
    else {
        fprintf(stderr, "corscheck: %s %s: %s\n", method, url, curl_easy_strerror(rc));
    }
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return rc == CURLE_OK;
}

/* ---- the browser's rules (Fetch Standard) ------------------------------------------------ */

/* Browsers upper-case these six methods and send every other as written. */
static const char *normalize_method(apr_pool_t *p, const char *m)
{
    static const char *const known[] = { "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT" };
    size_t i;

    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strcasecmp(m, known[i]) == 0) {
            return known[i];
        }
    }
    return apr_pstrdup(p, m);
}

static int simple_method(const char *m)
{
    return !strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "POST");
}

/* The methods corscheck sends without --send: they do not change anything on the server. */
static int safe_method(const char *m)
{
    return !strcmp(m, "GET") || !strcmp(m, "HEAD");
}

/* CORS-safelisted request headers, as fetch() judges them. */
static int safelisted(const char *name, const char *value)
{
    if (!strcasecmp(name, "accept") || !strcasecmp(name, "accept-language")
        || !strcasecmp(name, "content-language")) {
        return 1;
    }
    if (!strcasecmp(name, "content-type")) {
        return !strncasecmp(value, "application/x-www-form-urlencoded", 33)
               || !strncasecmp(value, "multipart/form-data", 19)
               || !strncasecmp(value, "text/plain", 10);
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct {
    apr_pool_t *pool;
    apr_array_header_t *items;
} collector;

static int collect(void *baton, const char *name, size_t len)
{
    collector *c = baton;

    APR_ARRAY_PUSH(c->items, const char *) = apr_pstrmemdup(c->pool, name, len);
    return 0;
}

/* A response list (Allow-Methods, Allow-Headers) parsed by the core's list parser; NULL if
 * the browser would reject it as invalid. */
static apr_array_header_t *parse_list(apr_pool_t *p, const char *value)
{
    collector c;
    unsigned int elements = 0, names = 0;

    c.pool = p;
    c.items = apr_array_make(p, 8, sizeof(const char *));
    if (value && cors_each_request_header(value, &elements, &names, collect, &c) != NULL) {
        return NULL;
    }
    return c.items;
}

static int listed(const apr_array_header_t *items, const char *name, int nocase)
{
    int i;

    for (i = 0; i < items->nelts; i++) {
        const char *it = APR_ARRAY_IDX(items, i, const char *);
        if (nocase ? !strcasecmp(it, name) : !strcmp(it, name)) {
            return 1;
        }
    }
    return 0;
}

/* Every value of a header, joined as the browser sees them. */
static const char *all_values(apr_pool_t *p, apr_table_t *t, const char *name, int *count)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    const char *joined = NULL;
    int i;

    *count = 0;
    for (i = 0; i < arr->nelts; i++) {
        if (!strcasecmp(e[i].key, name)) {
            joined = joined ? apr_psprintf(p, "%s, %s", joined, e[i].val) : e[i].val;
            (*count)++;
        }
    }
    return joined;
}

typedef struct {
    const char *message;    /* Chromium's words */
    const char *fix;        /* what to change on the server */
} verdict;

/* The CORS check (Fetch "CORS check"), shared by the preflight and the actual response. */
static int cors_check(apr_pool_t *p, const options *o, exchange *ex, verdict *v)
{
    int n;
    const char *acao = all_values(p, ex->headers, "Access-Control-Allow-Origin", &n);
    const char *acac = apr_table_get(ex->headers, "Access-Control-Allow-Credentials");

    if (n == 0) {
        v->message = "No 'Access-Control-Allow-Origin' header is present on the requested "
                     "resource.";
        v->fix = apr_psprintf(p, "allow the origin: with mod_cors, 'CORSAllowOrigin %s' for "
                              "this location (and no 'CORSEnable Off' in force there)",
                              o->origin);
        return 0;
    }
    if (n > 1 || strchr(acao, ',')) {
        v->message = apr_psprintf(p, "The 'Access-Control-Allow-Origin' header contains "
                                  "multiple values '%s', but only one is allowed.", acao);
        v->fix = "two parts of the server both set the header (often the application and "
                 "the web server): let one own it; with mod_cors enabled it replaces the "
                 "others";
        return 0;
    }
    if (strcmp(acao, "*") == 0) {
        if (o->credentials) {
            v->message = "The value of the 'Access-Control-Allow-Origin' header in the "
                         "response must not be the wildcard '*' when the request's "
                         "credentials mode is 'include'.";
            v->fix = "list the origins (CORSAllowOrigin) instead of '*' and set "
                     "CORSAllowCredentials On";
            return 0;
        }
        return 1;
    }
    if (strcmp(acao, o->origin) != 0) {
        v->message = apr_psprintf(p, "The 'Access-Control-Allow-Origin' header has a value "
                                  "'%s' that is not equal to the supplied origin.", acao);
        v->fix = "the server must echo the exact origin (scheme, host, port; no trailing "
                 "slash)";
        return 0;
    }
    if (o->credentials && (!acac || strcmp(acac, "true") != 0)) {
        v->message = apr_psprintf(p, "The value of the 'Access-Control-Allow-Credentials' "
                                  "header in the response is '%s' which must be 'true' when "
                                  "the request's credentials mode is 'include'.",
                                  acac ? acac : "");
        v->fix = "set CORSAllowCredentials On";
        return 0;
    }
    return 1;
}

/* What to change when a preflight got a non-2xx answer. */
static const char *refused_preflight_fix(apr_pool_t *p, const exchange *ex)
{
    const char *why = apr_table_get(ex->headers, "X-CORS-Reason");

    if (why) {
        return apr_psprintf(p, "the server says: %s", why);
    }
    if (ex->status == 401) {
        return "the preflight met authentication, which browsers never send on a preflight: "
               "answer OPTIONS before authentication (mod_cors does)";
    }
    if (ex->status == 403) {
        return "the server refused the preflight; with mod_cors, 'LogLevel cors:info' (or "
               "CORSDebug On) says whether the origin, the method or a header was refused";
    }
    return "answer the preflight with 200 or 204 (a redirect fails too)";
}

/* Chromium's order: the CORS check of the preflight first, then its status. */
static int preflight_check(apr_pool_t *p, const options *o,
                           const apr_array_header_t *unsafe_names, exchange *ex, verdict *v)
{
    const char *acam = apr_table_get(ex->headers, "Access-Control-Allow-Methods");
    const char *acah = apr_table_get(ex->headers, "Access-Control-Allow-Headers");
    apr_array_header_t *methods = parse_list(p, acam), *names = parse_list(p, acah);
    int ok_status = ex->status >= 200 && ex->status <= 299;
    int i;

    if (!cors_check(p, o, ex, v)) {
        if (!ok_status) {
            v->fix = refused_preflight_fix(p, ex);
        }
        return 0;
    }
    if (!ok_status) {
        v->message = "It does not have HTTP ok status.";
        v->fix = refused_preflight_fix(p, ex);
        return 0;
    }
    if (!methods || !names) {
        v->message = "The Access-Control-Allow-Methods or -Headers list of the preflight "
                     "response is not a valid list of tokens.";
        v->fix = "send comma-separated method and header names only";
        return 0;
    }
    if (!simple_method(o->method) && !listed(methods, o->method, 0)
        && !(listed(methods, "*", 0) && !o->credentials)) {
        v->message = apr_psprintf(p, "Method %s is not allowed by Access-Control-Allow-Methods "
                                  "in preflight response.", o->method);
        v->fix = apr_psprintf(p, "add the method, as the page writes it, to CORSAllowMethods "
                              "(CORSAllowMethods +%s)", o->method);
        return 0;
    }
    for (i = 0; i < unsafe_names->nelts; i++) {
        const char *n = APR_ARRAY_IDX(unsafe_names, i, const char *);
        if (!listed(names, n, 1)
            && !(listed(names, "*", 0) && !o->credentials && strcmp(n, "authorization") != 0)) {
            v->message = apr_psprintf(p, "Request header field %s is not allowed by "
                                      "Access-Control-Allow-Headers in preflight response.", n);
            v->fix = apr_psprintf(p, "add it to CORSAllowHeaders (CORSAllowHeaders +%s)%s", n,
                                  strcmp(n, "authorization") == 0
                                  ? "; '*' never covers Authorization" : "");
            return 0;
        }
    }
    return 1;
}

static void show(const char *title, const exchange *ex)
{
    const apr_array_header_t *arr = apr_table_elts(ex->headers);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    printf("%s: HTTP %ld\n", title, ex->status);
    for (i = 0; i < arr->nelts; i++) {
        if (!strncasecmp(e[i].key, "Access-Control-", 15) || !strcasecmp(e[i].key, "Vary")
            || !strcasecmp(e[i].key, "X-CORS-Reason")) {
            printf("  %s: %s\n", e[i].key, e[i].val);
        }
    }
}

static void warn_vary(apr_pool_t *p, const options *o, exchange *ex)
{
    int n;
    const char *acao = all_values(p, ex->headers, "Access-Control-Allow-Origin", &n);
    const char *vary = all_values(p, ex->headers, "Vary", &n);
    int has_origin = 0;

    if (vary) {
        char *v = apr_pstrdup(p, vary), *tok, *last;
        for (tok = apr_strtok(v, ", ", &last); tok; tok = apr_strtok(NULL, ", ", &last)) {
            has_origin |= !strcasecmp(tok, "Origin") || !strcmp(tok, "*");
        }
    }
    if (acao && strcmp(acao, "*") != 0 && !has_origin) {
        printf("warning: the response echoes the origin but has no 'Vary: Origin': a shared "
               "cache may hand this answer to another origin (mod_cors always sends it)\n");
    }
    (void)o;
}

/* --NAME VALUE or --NAME=VALUE at argv[*i]: 1 and *value set (and *i moved past it), 0 when
 * argv[*i] is another option; a missing value is a usage error. */
static int option_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t len = strlen(name);

    if (strncmp(argv[*i], name, len) != 0) {
        return 0;
    }
    if (argv[*i][len] == '=') {
        *value = argv[*i] + len + 1;
        return 1;
    }
    if (argv[*i][len] != '\0') {
        return 0;
    }
    if (*i + 1 >= argc) {
        usage("this option needs a value:", name);
    }
    *value = argv[++*i];
    return 1;
}

static void parse_args(int argc, char **argv, options *o)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *value;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("%s%s", usage_text, help_text);
            exit(EXIT_SUCCESS);
        }
        else if (!strcmp(argv[i], "--version")) {
            printf("corscheck (mod_cors) %s\n", CORSCHECK_VERSION);
            exit(EXIT_SUCCESS);
        }
        else if (option_value(argc, argv, &i, "--origin", &value)) {
            o->origin = value;
        }
        else if (option_value(argc, argv, &i, "--method", &value)) {
            o->method = value;
        }
        else if (option_value(argc, argv, &i, "--header", &value)) {
            APR_ARRAY_PUSH(o->headers, const char *) = value;
        }
        else if (option_value(argc, argv, &i, "--data", &value)) {
            o->data = value;
        }
        else if (!strcmp(argv[i], "--credentials")) {
            o->credentials = 1;
        }
        else if (!strcmp(argv[i], "--send")) {
            o->send = 1;
        }
        else if (argv[i][0] == '-') {
            usage("unknown option", argv[i]);
        }
        else if (o->url) {
            usage("one URL only; this is a second one:", argv[i]);
        }
        else {
            o->url = argv[i];
        }
    }
    if (!o->url) {
        usage("no URL given", NULL);
    }
    if (!o->origin) {
        usage("no --origin given", NULL);
    }
    if (strncasecmp(o->url, "http://", 7) != 0 && strncasecmp(o->url, "https://", 8) != 0) {
        usage("the URL must be http:// or https://, not", o->url);
    }
}

/* s as one word for sh: as it is when plain, else in single quotes. */
static const char *sh_quote(apr_pool_t *p, const char *s)
{
    const char *c;
    const char *q;
    char *out, *w;

    if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                     "_@%+=:,./-") == strlen(s)) {
        return s;
    }
    out = w = apr_palloc(p, 4 * strlen(s) + 3);
    *w++ = '\'';
    for (c = s; *c; c++) {
        if (*c == '\'') {
            for (q = "'\\''"; *q; q++) {
                *w++ = *q;
            }
        }
        else {
            *w++ = *c;
        }
    }
    *w++ = '\'';
    *w = '\0';
    return out;
}

/* The request the browser would send next, which corscheck did not send, and how to. */
static void show_unsent(apr_pool_t *p, const options *o, const apr_array_header_t *sent,
                        int need_preflight, int argc, char **argv)
{
    const char *again = sh_quote(p, argv[0]);
    int i;

    printf("\nnext: the browser would %s %s %s%s with these headers:\n",
           need_preflight ? "now send" : "send", o->method, o->url,
           need_preflight ? "" : " straight away (it needs no preflight),");
    for (i = 0; i < sent->nelts; i++) {
        printf("  %s\n", APR_ARRAY_IDX(sent, i, const char *));
    }
    if (o->credentials) {
        printf("  (and the page's cookies for this site: credentials 'include')\n");
    }
    if (o->data) {
        printf("  (and a body of %lu bytes)\n", (unsigned long)strlen(o->data));
    }
    for (i = 1; i < argc; i++) {
        again = apr_psprintf(p, "%s %s", again, sh_quote(p, argv[i]));
    }
    printf("not sent: corscheck did not send this %s request: it sends only GET and HEAD "
           "by itself, as %s may change data on the server.\nTo send it, run again with "
           "--send:\n  %s --send\n", o->method, o->method, again);
}

int main(int argc, char **argv)
{
    apr_pool_t *p;
    options o;
    apr_array_header_t *unsafe_names, *sent;
    exchange pre, actual;
    verdict v = { NULL, NULL };
    cors_origin parsed;
    int i, need_preflight, has_type = 0, ok = 1, status;
    cors_origin_err os;

    apr_initialize();
    apr_pool_create(&p, NULL);
    memset(&o, 0, sizeof(o));
    o.method = "GET";
    o.headers = apr_array_make(p, 4, sizeof(const char *));
    parse_args(argc, argv, &o);
    os = cors_origin_parse(o.origin, strlen(o.origin), 0, &parsed);
    if (os != CORS_ORIGIN_OK) {
        fprintf(stderr, "corscheck: '%s' is not an origin a browser would send: %s\n", o.origin,
                cors_origin_strerror(os));
        return EXIT_USAGE;
    }
    o.method = normalize_method(p, o.method);
    if (!cors_is_token(o.method, strlen(o.method))) {
        fprintf(stderr, "corscheck: '%s' is not a method name\n", o.method);
        return EXIT_USAGE;
    }
    if (!strcasecmp(o.method, "CONNECT") || !strcasecmp(o.method, "TRACE")
        || !strcasecmp(o.method, "TRACK")) {
        fprintf(stderr, "corscheck: fetch() refuses the method %s (a forbidden method): no "
                "browser sends it\n", o.method);
        return EXIT_USAGE;
    }
    if (o.data && safe_method(o.method)) {
        fprintf(stderr, "corscheck: a %s request has no body (fetch() refuses one): give "
                "--method POST, PUT, ... with --data\n", o.method);
        return EXIT_USAGE;
    }

    /* What the browser sends, and whether it must ask first. */
    unsafe_names = apr_array_make(p, 4, sizeof(const char *));
    sent = apr_array_make(p, 8, sizeof(const char *));
    APR_ARRAY_PUSH(sent, const char *) = apr_psprintf(p, "Origin: %s", o.origin);
    for (i = 0; i < o.headers->nelts; i++) {
        const char *h = APR_ARRAY_IDX(o.headers, i, const char *);
        const char *colon = strchr(h, ':');
        char *name;
        const char *value;
        if (!colon || !cors_is_token(h, (size_t)(colon - h))) {
            fprintf(stderr, "corscheck: --header wants 'Name: value', not '%s'\n", h);
            return EXIT_USAGE;
        }
        name = apr_pstrmemdup(p, h, (size_t)(colon - h));
        value = colon + 1 + strspn(colon + 1, " \t");
        APR_ARRAY_PUSH(sent, const char *) = h;
        has_type |= !strcasecmp(name, "content-type");
        if (!safelisted(name, value)) {
            char *c;
            for (c = name; *c; c++) {
                *c = (char)((*c >= 'A' && *c <= 'Z') ? *c + 32 : *c);
            }
            if (!listed(unsafe_names, name, 1)) {
                APR_ARRAY_PUSH(unsafe_names, const char *) = name;
            }
        }
    }
    if (o.data && !has_type) {
        /* fetch() with a string body: safelisted, so it changes nothing about the preflight. */
        APR_ARRAY_PUSH(sent, const char *) = "Content-Type: text/plain;charset=UTF-8";
    }
    qsort(unsafe_names->elts, (size_t)unsafe_names->nelts, sizeof(const char *), cmp_str);
    need_preflight = !simple_method(o.method) || unsafe_names->nelts > 0;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    printf("%s %s from origin %s%s%s\n", o.method, o.url, o.origin,
           o.credentials ? ", credentials 'include'" : "",
           need_preflight ? " (needs a preflight)" : "");
    if (need_preflight) {
        apr_array_header_t *pre_headers = apr_array_make(p, 3, sizeof(const char *));
        APR_ARRAY_PUSH(pre_headers, const char *) = apr_psprintf(p, "Origin: %s", o.origin);
        APR_ARRAY_PUSH(pre_headers, const char *) =
            apr_psprintf(p, "Access-Control-Request-Method: %s", o.method);
        if (unsafe_names->nelts) {
            APR_ARRAY_PUSH(pre_headers, const char *) =
                apr_psprintf(p, "Access-Control-Request-Headers: %s",
                             apr_array_pstrcat(p, unsafe_names, ','));
        }
        if (!fetch(p, o.url, "OPTIONS", pre_headers, NULL, &pre)) {
            return EXIT_USAGE;
        }
        show("preflight", &pre);
        if (!preflight_check(p, &o, unsafe_names, &pre, &v)) {
            printf("\nblocked: Access to fetch at '%s' from origin '%s' has been blocked by "
                   "CORS policy: Response to preflight request doesn't pass access control "
                   "check: %s\nfix: %s\n", o.url, o.origin, v.message, v.fix);
            ok = 0;
        }
    }
    if (!ok) {
        status = EXIT_BLOCKED;
    }
    else if (!safe_method(o.method) && !o.send) {
        show_unsent(p, &o, sent, need_preflight, argc, argv);
        if (need_preflight) {
            printf("\npreflight allowed: the browser would send the %s request; corscheck did "
                   "not send it, so the CORS check of its response was not done (add --send "
                   "to do it)\n", o.method);
            status = EXIT_ALLOWED;
        }
        else {
            printf("\nnot checked: a %s like this needs no preflight and corscheck did not "
                   "send it, so no CORS check was done (add --send to do it)\n", o.method);
            status = EXIT_UNCHECKED;
        }
    }
    else {
        if (!fetch(p, o.url, o.method, sent, o.data, &actual)) {
            return EXIT_USAGE;
        }
        show("response", &actual);
        if (!cors_check(p, &o, &actual, &v)) {
            printf("\nblocked: Access to fetch at '%s' from origin '%s' has been blocked by "
                   "CORS policy: %s\nfix: %s\n", o.url, o.origin, v.message, v.fix);
            status = EXIT_BLOCKED;
        }
        else {
            warn_vary(p, &o, &actual);
            printf("\nallowed: a browser would let the page read this response (HTTP %ld)\n",
                   actual.status);
            status = EXIT_ALLOWED;
        }
    }
    curl_global_cleanup();
    apr_pool_destroy(p);
    apr_terminate();
    return status;
}

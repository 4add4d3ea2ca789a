/* corscheck.c - asks a server what a browser would (preflight, then the request) and gives the browser's verdict. */
/*
 *   corscheck URL --origin O [--method M] [--header 'Name: value']... [--credentials]
 *
 * Exit status: 0 when a browser would let the page read the response, 1 when it would
 * block it, 2 on a usage or network error.  Works against any server.  The origin, token
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

typedef struct {
    const char *url;
    const char *origin;
    const char *method;
    apr_array_header_t *headers;    /* "Name: value" as given */
    int credentials;
} options;

typedef struct {
    long status;
    apr_table_t *headers;           /* every response header line, repeated names kept */
} exchange;

typedef struct {
    apr_pool_t *pool;
    apr_table_t *headers;
} header_sink;

static void usage(void)
{
    fprintf(stderr, "usage: corscheck URL --origin ORIGIN [--method METHOD] "
            "[--header 'Name: value']... [--credentials]\n");
    exit(2);
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
                 const apr_array_header_t *request_headers, exchange *ex)
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
        v->fix = apr_psprintf(p, "allow the origin: with mod_cors, 'CORSAllowOrigin %s' and "
                              "'CORSEnable On' for this location", o->origin);
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

int main(int argc, char **argv)
{
    apr_pool_t *p;
    options o;
    apr_array_header_t *unsafe_names, *sent;
    exchange pre, actual;
    verdict v = { NULL, NULL };
    cors_origin parsed;
    int i, need_preflight, ok = 1;

    apr_initialize();
    apr_pool_create(&p, NULL);
    memset(&o, 0, sizeof(o));
    o.method = "GET";
    o.headers = apr_array_make(p, 4, sizeof(const char *));
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--origin") && i + 1 < argc) {
            o.origin = argv[++i];
        }
        else if (!strcmp(argv[i], "--method") && i + 1 < argc) {
            o.method = argv[++i];
        }
        else if (!strcmp(argv[i], "--header") && i + 1 < argc) {
            APR_ARRAY_PUSH(o.headers, const char *) = argv[++i];
        }
        else if (!strcmp(argv[i], "--credentials")) {
            o.credentials = 1;
        }
        else if (argv[i][0] != '-' && !o.url) {
            o.url = argv[i];
        }
        else {
            usage();
        }
    }
    if (!o.url || !o.origin) {
        usage();
    }
    if (cors_origin_parse(o.origin, strlen(o.origin), 0, &parsed) != CORS_ORIGIN_OK) {
        fprintf(stderr, "corscheck: '%s' is not an origin a browser would send: %s\n", o.origin,
                cors_origin_strerror(cors_origin_parse(o.origin, strlen(o.origin), 0, &parsed)));
        return 2;
    }
    o.method = normalize_method(p, o.method);
    if (!cors_is_token(o.method, strlen(o.method))) {
        fprintf(stderr, "corscheck: '%s' is not a method name\n", o.method);
        return 2;
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
            return 2;
        }
        name = apr_pstrmemdup(p, h, (size_t)(colon - h));
        value = colon + 1 + strspn(colon + 1, " \t");
        APR_ARRAY_PUSH(sent, const char *) = h;
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
        if (!fetch(p, o.url, "OPTIONS", pre_headers, &pre)) {
            return 2;
        }
        show("preflight", &pre);
        if (!preflight_check(p, &o, unsafe_names, &pre, &v)) {
            printf("\nblocked: Access to fetch at '%s' from origin '%s' has been blocked by "
                   "CORS policy: Response to preflight request doesn't pass access control "
                   "check: %s\nfix: %s\n", o.url, o.origin, v.message, v.fix);
            ok = 0;
        }
    }
    if (ok) {
        if (!fetch(p, o.url, o.method, sent, &actual)) {
            return 2;
        }
        show("response", &actual);
        if (!cors_check(p, &o, &actual, &v)) {
            printf("\nblocked: Access to fetch at '%s' from origin '%s' has been blocked by "
                   "CORS policy: %s\nfix: %s\n", o.url, o.origin, v.message, v.fix);
            ok = 0;
        }
        else {
            warn_vary(p, &o, &actual);
            printf("\nallowed: a browser would let the page read this response (HTTP %ld)\n",
                   actual.status);
        }
    }
    curl_global_cleanup();
    apr_pool_destroy(p);
    apr_terminate();
    return ok ? 0 : 1;
}

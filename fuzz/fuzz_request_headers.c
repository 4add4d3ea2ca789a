/* fuzz_request_headers.c - libFuzzer target: Access-Control-Request-Headers over several lines. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include "fuzz_common.h"

typedef struct {
    const cors_set *headers;
    unsigned int seen;
    char names[4096];           /* what was read, joined, to compare the two readers */
    size_t used;
} visit;

static void note(visit *v, const char *name, size_t len, int lower)
{
    if (v->used + len + 1 < sizeof(v->names)) {
        size_t i;
        for (i = 0; i < len; i++) {
            char c = name[i];
            v->names[v->used++] = (char)(!lower && c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        v->names[v->used++] = ',';
    }
}

static int check(void *baton, const char *name, size_t len)
{
    visit *v = baton;

    if (len == 0 || len > CORS_TOKEN_MAX || !cors_is_token(name, len)) {
        __builtin_trap();       /* the parser promised a bounded token */
    }
    note(v, name, len, 0);
    v->seen++;
    return 0;
}

/* The request path's reader: the same names, lower-cased, looked up as a preflight does. */
static int check_lower(void *baton, const char *name, size_t len)
{
    visit *v = baton;
    size_t i;

    if (len == 0 || len > CORS_TOKEN_MAX || !cors_is_token(name, len)) {
        __builtin_trap();
    }
    for (i = 0; i < len; i++) {
        if (name[i] >= 'A' && name[i] <= 'Z') {
            __builtin_trap();   /* it promised lower case */
        }
    }
    (void)cors_header_allowed(v->headers, name, len);
    note(v, name, len, 1);
    v->seen++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool_for_input();
    char *text = fuzz_string(p, data, size), *copy = apr_pstrdup(p, text), *line, *last;
    cors_set *headers = cors_set_make(p, CORS_SET_HEADERS);
    unsigned int elements = 0, names = 0, lelements = 0, lnames = 0;
    const char *err = NULL, *lerr = NULL;
    visit *vp = apr_pcalloc(p, 2 * sizeof(visit)), *lvp = vp + 1;

    cors_set_add(p, headers, "content-type", CORS_ITEM_PLAIN);
    cors_set_add(p, headers, "*", CORS_ITEM_PLAIN);
    cors_set_seal(p, headers);      /* a level is looked up once it is complete */
    vp->headers = lvp->headers = headers;
    /* Each input line is one header line, as a proxy may split the value. */
    for (line = apr_strtok(text, "\n", &last); line; line = apr_strtok(NULL, "\n", &last)) {
        if ((err = cors_each_request_header(line, &elements, &names, check, vp)) != NULL) {
            break;
        }
    }
    for (line = apr_strtok(copy, "\n", &last); line; line = apr_strtok(NULL, "\n", &last)) {
        if ((lerr = cors_each_request_header_lower(line, &lelements, &lnames, check_lower,
                                                   lvp)) != NULL) {
            break;
        }
    }
    if (names > CORS_REQ_HEADERS_MAX + 1 || elements > CORS_REQ_ELEMENTS_MAX + 1) {
        __builtin_trap();       /* the bounds must hold across lines */
    }
    if ((err == NULL) != (lerr == NULL) || names != lnames || elements != lelements
        || vp->used != lvp->used || memcmp(vp->names, lvp->names, vp->used) != 0) {
        __builtin_trap();       /* the two readers must read the same names */
    }
    return 0;
}

/* fixtures.c - what the core's test files share: sets read from a directive's words, a POSIX regex matcher, a table as an origin source, a policy from a spec. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <regex.h>
#include <stdlib.h>

#include <apr_file_io.h>
#include <apr_strings.h>

#include "fixtures.h"

/* Items as a directive line gives them: "+x" adds, "-x" removes, anything else is plain.
 * Like httpd's cmd->temp_pool, the items' memory is scribbled over and freed once added, so a
 * set that kept a pointer into it fails the tests instead of working by luck. */
cors_set *set_of(apr_pool_t *p, cors_set_kind kind, const char *line, const char **err)
{
    apr_pool_t *tmp;
    apr_array_header_t *items;
    cors_set *set = cors_set_make(p, kind);
    int i;

    apr_pool_create(&tmp, p);
    items = apr_array_make(tmp, 4, sizeof(const char *));
    *err = NULL;
    cors_split_items(tmp, line, items);
    for (i = 0; i < items->nelts && !*err; i++) {
        const char *it = APR_ARRAY_IDX(items, i, const char *);
        cors_edit e = it[0] == '+' ? CORS_ITEM_ADD : it[0] == '-' ? CORS_ITEM_REMOVE
                      : CORS_ITEM_PLAIN;
        *err = cors_set_add(p, set, e == CORS_ITEM_PLAIN ? it : it + 1, e);
    }
    if (*err) {
        *err = apr_pstrdup(p, *err);
    }
    for (i = 0; i < items->nelts; i++) {
        char *it = APR_ARRAY_IDX(items, i, char *);
        memset(it, '#', strlen(it));
    }
    apr_pool_destroy(tmp);
    return set;
}

/* A complete level, sealed as mod_cors seals its levels once they are read. */
cors_set *must_set(apr_pool_t *p, unit_counts *u, cors_set_kind kind, const char *line)
{
    const char *err;
    cors_set *set = set_of(p, kind, line, &err);

    CHECK(u, err == NULL, "'%s' should load, got: %s", line, err ? err : "");
    cors_set_seal(p, set);
    return set;
}

int posix_match(const void *re, const char *s, size_t len, apr_pool_t *p)
{
    regmatch_t m[1];

    (void)p;
    return regexec(re, s, 1, m, 0) == 0 && m[0].rm_so == 0 && (size_t)m[0].rm_eo == len;
}

static apr_status_t free_regex(void *re)
{
    regfree(re);
    return APR_SUCCESS;
}

regex_t *posix_regex(apr_pool_t *p, const char *src)
{
    regex_t *re = apr_palloc(p, sizeof(*re));

    if (regcomp(re, apr_psprintf(p, "^(%s)$", src), REG_EXTENDED | REG_ICASE) != 0) {
        abort();
    }
    apr_pool_cleanup_register(p, re, free_regex, apr_pool_cleanup_null);
    return re;
}

int add_regex(apr_pool_t *p, cors_set *set, const char *src, cors_edit e)
{
    int broad = 0;

    if (cors_set_add_regex(p, set, src, posix_match, posix_regex(p, src), e, &broad) != NULL) {
        abort();
    }
    return broad;
}

/* Whether origin is allowed by set, sealed for the look-up as mod_cors seals its levels. */
int allowed(apr_pool_t *p, const cors_set *set, const char *origin)
{
    const char *limited = NULL;

    return cors_origin_allowed(p, cors_set_sealed_copy(p, set), origin, strlen(origin),
                               &limited) == 1;
}

int limit_match(const void *re, const char *s, size_t len, apr_pool_t *p)
{
    (void)re;
    (void)s;
    (void)len;
    (void)p;
    return -1;
}

cors_source_answer table_lookup(const void *src, const char *key, size_t len,
                                       apr_pool_t *p, void *baton)
{
    table_source *t = (table_source *)src;

    (void)p;
    t->calls++;
    t->last_baton = baton;
    memcpy(t->last_key, key, len);
    t->last_key[len] = '\0';
    if (t->down) {
        return CORS_SOURCE_UNAVAILABLE;
    }
    if (!apr_hash_get(t->listed, key, (apr_ssize_t)len)) {
        return CORS_SOURCE_REFUSED;
    }
    return t->stale ? CORS_SOURCE_STALE : CORS_SOURCE_ALLOWED;
}

table_source *table_of(apr_pool_t *p, const char *keys)
{
    table_source *t = apr_pcalloc(p, sizeof(*t));
    apr_array_header_t *items = apr_array_make(p, 4, sizeof(const char *));
    int i;

    t->listed = apr_hash_make(p);
    cors_split_items(p, keys, items);
    for (i = 0; i < items->nelts; i++) {
        apr_hash_set(t->listed, APR_ARRAY_IDX(items, i, const char *), APR_HASH_KEY_STRING, "");
    }
    return t;
}

int allowed_by(apr_pool_t *p, const cors_set *set, const char *origin, void *baton,
               const char **why)
{
    *why = NULL;
    return cors_origin_allowed_by(p, cors_set_sealed_copy(p, set), origin, strlen(origin),
                                  baton, why);
}

cors_policy *policy_of(apr_pool_t *p, unit_counts *u, const policy_spec *s)
{
    cors_policy *pol = cors_policy_make(p);

    pol->enable = 1;
    if (s->origins) {
        pol->origins = must_set(p, u, CORS_SET_ORIGINS, s->origins);
    }
    if (s->methods) {
        pol->methods = must_set(p, u, CORS_SET_METHODS, s->methods);
    }
    if (s->headers) {
        pol->headers = must_set(p, u, CORS_SET_HEADERS, s->headers);
    }
    if (s->expose) {
        pol->expose = must_set(p, u, CORS_SET_HEADERS, s->expose);
    }
    pol->credentials = s->credentials;
    if (s->max_age >= 0) {
        pol->max_age = s->max_age;
        pol->max_age_value = apr_itoa(p, s->max_age);
    }
    pol->preflight_status = s->status;
    pol->private_network = s->pn;
    /* Levels are merged onto the (empty) server level, as httpd does. */
    return (cors_policy *)cors_policy_merge(p, cors_policy_make(p), pol);
}

cors_psl_below *psl_below_of(apr_pool_t *p, const char *text)
{
    char *path = apr_pstrdup(p, "/tmp/cors-psl-XXXXXX");
    apr_file_t *f;
    cors_psl_below *below;

    if (apr_file_mktemp(&f, path, APR_FOPEN_CREATE | APR_FOPEN_WRITE | APR_FOPEN_EXCL, p)
        != APR_SUCCESS) {
        return NULL;
    }
    apr_file_write_full(f, text, strlen(text), NULL);
    apr_file_close(f);
    below = cors_psl_below_load(p, path);
    apr_file_remove(path, p);
    return below;
}

/* cors_tokens.c - method and header lists: their case rules, removals that win, a bounded size, and the header values. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include <apr_strings.h>

#include "cors_internal.h"

/* Browsers upper-case DELETE GET HEAD OPTIONS POST PUT (Fetch "normalize a method"; see
 * cors_method_normal); every other method is sent as the script wrote it and compared as
 * sent. */

/* What CORSAllowMethods allows where no level says otherwise. */
static const char *const default_methods[] = { "GET", "HEAD", "POST" };
#define N_DEFAULT_METHODS (sizeof(default_methods) / sizeof(default_methods[0]))

const char *cors_method_normal(const char *method, size_t len)
{
    const char *candidate;

    /* Told apart by length and first letter: asked on every preflight. */
    switch (len) {
    case 3:
        candidate = (method[0] | 0x20) == 'g' ? "GET" : "PUT";
        break;
    case 4:
        candidate = (method[0] | 0x20) == 'h' ? "HEAD" : "POST";
        break;
    case 6:
        candidate = "DELETE";
        break;
    case 7:
        candidate = "OPTIONS";
        break;
    default:
        return NULL;
    }
    /* Browsers send these upper case: compared as bytes first. */
    return memcmp(method, candidate, len) == 0 || cors_equal_nocase(method, candidate, len)
           ? candidate : NULL;
}

/* GET, HEAD and POST need no permission: a simple request with them is never preflighted,
 * and a browser accepts them whatever Access-Control-Allow-Methods says. */
static int is_safelisted(const char *normal)
{
    return normal
           && (normal[0] == 'G' || normal[0] == 'H' || (normal[0] == 'P' && normal[1] == 'O'));
}

static const char *method_error(apr_pool_t *p, const char *item, size_t len, int verdict,
                                const char *normal)
{
    if ((len == 7 && cors_equal_nocase(item, "CONNECT", 7))
        || (len == 5 && (cors_equal_nocase(item, "TRACE", 5)
                         || cors_equal_nocase(item, "TRACK", 5)))) {
        return apr_psprintf(p, "'%s' is a method browsers never allow in cross-origin "
                            "requests (CONNECT, TRACE, TRACK); remove it", item);
    }
    if (verdict == CORS_DENY && is_safelisted(normal)) {
        return apr_psprintf(p, "'-%s': CORS cannot refuse GET, HEAD or POST (browsers send "
                            "them without asking and accept them whatever "
                            "Access-Control-Allow-Methods says); refuse the method itself "
                            "with <Limit> or Require", item);
    }
    return NULL;
}

const char *cors_tokens_add(apr_pool_t *p, cors_set *set, const char *item, cors_edit edit)
{
    size_t len = strlen(item);
    int verdict = cors_level_verdict(edit);
    const char *what = set->kind == CORS_SET_METHODS ? "method" : "header";
    const char *key, *name;

    if (len == 1 && item[0] == '*') {
        cors_level_put(p, set, "*", 1, "*", edit);
        return NULL;
    }
    if (!cors_is_token(item, len)) {
        return set->kind == CORS_SET_METHODS
               ? apr_psprintf(p, "'%s' is not a valid HTTP method name (a token such as PUT)",
                              item)
               : apr_psprintf(p, "'%s' is not a valid HTTP header name", item);
    }
    if (len > CORS_TOKEN_MAX) {
        return apr_psprintf(p, "'%.40s...' is longer than any %s name a browser sends (%d "
                            "characters at most)", item, what, CORS_TOKEN_MAX);
    }
    if (set->kind == CORS_SET_METHODS) {
        const char *normal = cors_method_normal(item, len);
        const char *err = method_error(p, item, len, verdict, normal);
        if (err) {
            return err;
        }
        /* The item lives in the directive's temporary pool: keep copies that last.  The key
         * is the spelling browsers send; the admin's is kept apart only where the two
         * differ ("get"). */
        key = normal ? normal : apr_pstrmemdup(p, item, len);
        name = memcmp(key, item, len) == 0 ? key : apr_pstrmemdup(p, item, len);
    }
    else {
        char *lower = apr_palloc(p, len + 1);
        cors_lower(lower, item, len);
        lower[len] = '\0';
        key = lower;
        name = apr_pstrmemdup(p, item, len);
    }
    if (!cors_index_get(set->items, key, len) && set->order->nelts >= CORS_LIST_MAX) {
        return apr_psprintf(p, "more than %d %s names in one section (a limit far beyond real "
                            "lists, which keeps an .htaccess file cheap to read on every "
                            "request); list fewer, or use *", CORS_LIST_MAX, what);
    }
    cors_level_put(p, set, key, len, name, edit);
    return NULL;
}

static const char *lower_dup(apr_pool_t *p, const char *s)
{
    size_t len = strlen(s);
    char *out = apr_palloc(p, len + 1);

    cors_lower(out, s, len);
    out[len] = '\0';
    return out;
}

static void allow(apr_pool_t *p, cors_set *set, const char *key, const char *name)
{
    size_t len = strlen(key);

    if (!cors_index_get(set->allowed, key, len)) {
        cors_item *it = apr_pcalloc(p, sizeof(*it));
        it->key = key;
        it->name = name;
        it->verdict = CORS_ALLOW;
        cors_index_add(p, set->allowed, it, len);
    }
}

/* Replays every edit in order: an allowance takes back an earlier removal of the same name
 * (any case), a removal refuses the name in any case, whatever allows it. */
void cors_tokens_seal(apr_pool_t *p, cors_set *set)
{
    apr_array_header_t *order;
    apr_array_header_t *names = apr_array_make(p, set->edits->nelts + 3, sizeof(const char *));
    /* Removals are replayed into a hash (an allowance may take one back), then indexed. */
    apr_hash_t *removed = cors_hash_make(p);
    apr_hash_index_t *hi;
    int any = CORS_NONE, i;

    set->allowed = cors_index_make(p, set->edits->nelts + 3);
    set->denied = cors_index_make(p, 0);
    order = cors_index_items(set->allowed);
    set->eff_replaces = set->replaces;
    if (set->kind == CORS_SET_METHODS && !set->replaces) {
        size_t d;
        for (d = 0; d < N_DEFAULT_METHODS; d++) {
            allow(p, set, default_methods[d], default_methods[d]);
        }
    }
    for (i = 0; i < set->edits->nelts; i++) {
        const cors_item *e = &APR_ARRAY_IDX(set->edits, i, cors_item);
        const char *lower;
        if (e->key[0] == '*' && e->key[1] == '\0') {
            any = e->verdict;
            continue;
        }
        lower = set->kind == CORS_SET_HEADERS ? e->key : lower_dup(p, e->key);
        if (e->verdict == CORS_ALLOW) {
            apr_hash_set(removed, lower, APR_HASH_KEY_STRING, NULL);
            /* Headers are sent as the admin spelt them, methods as browsers send them. */
            allow(p, set, e->key, set->kind == CORS_SET_HEADERS ? e->name : e->key);
        }
        else {
            apr_hash_set(removed, lower, APR_HASH_KEY_STRING, "");
        }
    }
    set->eff_any = any == CORS_ALLOW;
    for (hi = apr_hash_count(removed) ? apr_hash_first(p, removed) : NULL; hi;
         hi = apr_hash_next(hi)) {
        const void *key;
        apr_ssize_t klen;
        cors_item *it = apr_pcalloc(p, sizeof(*it));
        apr_hash_this(hi, &key, &klen, NULL);
        it->key = it->name = key;
        it->verdict = CORS_DENY;
        cors_index_add(p, set->denied, it, (size_t)klen);
    }
    set->eff_denies = cors_index_items(set->denied)->nelts > 0;
    for (i = 0; i < order->nelts; i++) {
        const cors_item *it = APR_ARRAY_IDX(order, i, cors_item *);
        const char *lower = set->kind == CORS_SET_HEADERS ? it->key : lower_dup(p, it->key);
        if (!cors_index_get(set->denied, lower, strlen(lower))) {
            APR_ARRAY_PUSH(names, const char *) = it->name;
        }
    }
    set->value = names->nelts ? cors_join(p, names) : NULL;
    set->sealed = 1;
}

/* Methods and headers are short: the merged level is built flat from both levels' edits, so
 * lookups never walk.  It replaces only if base did: httpd merges sections among themselves
 * before merging them onto the server's defaults, so a merge of edits must stay edits. */
const cors_set *cors_tokens_merge(apr_pool_t *p, const cors_set *base, const cors_set *add)
{
    cors_set *set = apr_pcalloc(p, sizeof(*set));

    set->kind = add->kind;
    set->replaces = base->replaces;
    set->items = add->items;
    set->order = add->order;
    set->any = CORS_NONE;
    /* Each merge replays every edit in force: sections of +/- edits nested without end
     * (thousands of <If> in one .htaccess file) would cost their square on every request.
     * Past the bound the merged list allows nothing (fail closed) and says so. */
    if (base->overflow || base->edits->nelts + add->edits->nelts > CORS_MERGED_EDITS_MAX) {
        set->overflow = 1;
        set->edits = apr_array_make(p, 1, sizeof(cors_item));
    }
    else {
        set->edits = apr_array_append(p, base->edits, add->edits);
    }
    cors_tokens_seal(p, set);
    return set;
}

/* The edits in force, latest first: a name edited again later is given once, as edited
 * last.  Flattened levels keep every edit since the last whole list, in order. */
void cors_tokens_each(const cors_set *set, cors_item_fn fn, void *baton)
{
    int i, j;

    for (i = set->edits->nelts - 1; i >= 0; i--) {
        const cors_item *e = &APR_ARRAY_IDX(set->edits, i, cors_item);
        int later = 0;
        for (j = i + 1; j < set->edits->nelts && !later; j++) {
            const cors_item *f = &APR_ARRAY_IDX(set->edits, j, cors_item);
            later = f->len == e->len && memcmp(f->key, e->key, e->len) == 0;
        }
        if (!later && fn(baton, e->name, (cors_edit)e->edit, cors_level_kind_of(set, e->key),
                         e->where)) {
            return;
        }
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Request-time lookups: no allocation.                                                      */

static int denied(const cors_set *set, const char *name, size_t len)
{
    char lower[CORS_TOKEN_MAX];

    if (!set->eff_denies) {
        return 0;
    }
    if (len > CORS_TOKEN_MAX) {
        return 1;               /* longer than any name a list can hold: never allowed */
    }
    cors_lower(lower, name, len);
    return cors_index_get(set->denied, lower, len) != NULL;
}

int cors_method_allowed(const cors_set *methods, const char *method, size_t len)
{
    const char *normal = cors_method_normal(method, len);

    if (is_safelisted(normal)) {
        return 1;
    }
    if (!methods || denied(methods, method, len)) {
        return 0;
    }
    if (cors_index_get(methods->allowed, normal ? normal : method, len) != NULL) {
        return 1;
    }
    return methods->eff_any;
}

int cors_header_allowed(const cors_set *headers, const char *name, size_t len)
{
    if (!headers || denied(headers, name, len)) {
        return 0;
    }
    if (cors_index_get(headers->allowed, name, len)) {
        return 1;
    }
    return headers->eff_any && !(len == 13 && memcmp(name, "authorization", 13) == 0);
}

int cors_expose_allowed(const cors_set *expose, const char *name, size_t len)
{
    return !denied(expose, name, len);
}

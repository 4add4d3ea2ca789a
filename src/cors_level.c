/* cors_level.c - one level's items as origin, method and header lists all keep them: made, put by key with their edit and where, and asked about. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include <apr_strings.h>

#include "cors_internal.h"

cors_set *cors_level_make(apr_pool_t *p, cors_set_kind kind)
{
    cors_set *set = apr_pcalloc(p, sizeof(*set));

    set->kind = kind;
    set->items = cors_index_make(p, 0);
    set->order = cors_index_items(set->items);
    set->any = CORS_NONE;
    if (kind == CORS_SET_ORIGINS) {
        set->regexes = apr_array_make(p, 1, sizeof(cors_regex_item *));
        set->sources = apr_array_make(p, 1, sizeof(cors_source_item *));
    }
    else {
        set->edits = apr_array_make(p, 4, sizeof(cors_item));
    }
    return set;
}

int cors_level_verdict(cors_edit edit)
{
    return edit == CORS_ITEM_REMOVE ? CORS_DENY : CORS_ALLOW;
}

cors_item *cors_level_put(apr_pool_t *p, cors_set *set, const char *key, size_t len,
                          const char *name, cors_edit edit)
{
    int verdict = cors_level_verdict(edit);
    cors_item *it = NULL;

    if (len == 1 && key[0] == '*') {
        set->any = verdict;
        set->any_edit = edit;
        set->any_where = set->where;
    }
    else {
        it = cors_index_get(set->items, key, len);
        if (!it) {
            it = apr_palloc(p, sizeof(*it));
            it->key = key;
            it->name = name;
            cors_index_add(p, set->items, it, len);     /* and to order, its list */
        }
        it->verdict = (short)verdict;
        it->edit = (short)edit;
        it->where = set->where;
    }
    if (set->edits) {
        cors_item *e = apr_array_push(set->edits);
        e->key = key;
        e->name = name;
        e->where = set->where;
        e->verdict = (short)verdict;
        e->edit = (short)edit;
        e->len = (unsigned int)len;
    }
    return it;
}

int cors_level_own_denies(const cors_set *set)
{
    int i;

    for (i = 0; i < set->order->nelts; i++) {
        if (APR_ARRAY_IDX(set->order, i, cors_item *)->verdict == CORS_DENY) {
            return 1;
        }
    }
    for (i = 0; set->regexes && i < set->regexes->nelts; i++) {
        if (APR_ARRAY_IDX(set->regexes, i, cors_regex_item *)->verdict == CORS_DENY) {
            return 1;
        }
    }
    return 0;
}

/* Origin keys are normalised: "null" is the opaque origin, and only a pattern holds a '*'. */
cors_item_kind cors_level_kind_of(const cors_set *set, const char *key)
{
    if (key[0] == '*' && key[1] == '\0') {
        return CORS_KIND_ANY;
    }
    if (set->kind != CORS_SET_ORIGINS) {
        return CORS_KIND_TOKEN;
    }
    if (strcmp(key, "null") == 0) {
        return CORS_KIND_NULL;
    }
    return strchr(key, '*') ? CORS_KIND_PATTERN : CORS_KIND_EXACT;
}

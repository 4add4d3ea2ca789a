/* cors_set.c - the cors_set_* calls every kind of list answers: each handed to the origin or the token half by the list's kind, or answered from what every level keeps. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <apr_strings.h>

#include "cors_internal.h"

cors_set *cors_set_make(apr_pool_t *p, cors_set_kind kind)
{
    return cors_level_make(p, kind);
}

void cors_set_note_where(cors_set *set, const char *where)
{
    set->where = where;
}

const char *cors_set_add(apr_pool_t *p, cors_set *set, const char *item, cors_edit edit)
{
    const char *err;

    if (edit == CORS_ITEM_REMOVE && item[0] == '*' && item[1] == '\0') {
        return "'-*' cannot be taken away item by item: to stop allowing everything, give "
               "the list of what to allow (a list without +/- replaces the inherited one)";
    }
    err = set->kind == CORS_SET_ORIGINS ? cors_origins_add(p, set, item, edit)
                                        : cors_tokens_add(p, set, item, edit);
    if (err) {
        return err;
    }
    if (edit == CORS_ITEM_PLAIN) {
        set->replaces = 1;
    }
    return NULL;
}

void cors_set_seal(apr_pool_t *p, cors_set *set)
{
    if (set->sealed) {
        return;
    }
    if (set->kind == CORS_SET_ORIGINS) {
        cors_origins_seal(p, set);
    }
    else {
        cors_tokens_seal(p, set);
    }
}

const cors_set *cors_set_sealed_copy(apr_pool_t *p, const cors_set *set)
{
    cors_set *copy;

    if (!set || set->sealed) {
        return set;
    }
    copy = apr_pmemdup(p, set, sizeof(*set));
    cors_set_seal(p, copy);
    return copy;
}

/* A level being read has no parent: its own facts are the chain's. */
static int replaces_in_effect(const cors_set *set)
{
    return set->sealed ? set->eff_replaces : set->replaces;
}

const cors_set *cors_set_merge(apr_pool_t *p, const cors_set *base, const cors_set *add)
{
    if (!add) {
        return cors_set_sealed_copy(p, base);
    }
    if (!base || replaces_in_effect(add)) {
        return cors_set_sealed_copy(p, add);
    }
    base = cors_set_sealed_copy(p, base);
    return add->kind == CORS_SET_ORIGINS ? cors_origins_merge(p, base, add)
                                         : cors_tokens_merge(p, base, add);
}

void cors_set_each(const cors_set *set, cors_item_fn fn, void *baton)
{
    if (!set) {
        return;
    }
    if (set->kind == CORS_SET_ORIGINS) {
        cors_origins_each(set, fn, baton);
    }
    else {
        cors_tokens_each(set, fn, baton);
    }
}

int cors_set_replaces(const cors_set *set)
{
    return set->replaces;
}

int cors_set_has_any(const cors_set *set)
{
    return set->sealed ? set->eff_any : set->any == CORS_ALLOW;
}

int cors_set_has_denies(const cors_set *set)
{
    return set->sealed ? set->eff_denies : cors_level_own_denies(set);
}

int cors_set_is_any(const cors_set *set)
{
    return cors_set_has_any(set) && !cors_set_has_denies(set);
}

int cors_set_has_null(const cors_set *set)
{
    const cors_item *it;

    if (set->sealed) {
        return set->eff_null;
    }
    it = cors_index_get(set->items, "null", 4);
    return it && it->verdict == CORS_ALLOW;
}

int cors_set_has_broad(const cors_set *set)
{
    int i;

    if (set->sealed) {
        return set->eff_broad;
    }
    for (i = 0; set->regexes && i < set->regexes->nelts; i++) {
        const cors_regex_item *r = APR_ARRAY_IDX(set->regexes, i, cors_regex_item *);
        if (r->broad && r->verdict == CORS_ALLOW) {
            return 1;
        }
    }
    return 0;
}

size_t cors_set_count(const cors_set *set)
{
    return (size_t)set->order->nelts + (set->any != CORS_NONE ? 1 : 0)
           + (set->regexes ? (size_t)set->regexes->nelts : 0)
           + (set->sources ? (size_t)set->sources->nelts : 0);
}

const void *cors_set_identity(const cors_set *set)
{
    return set ? set->items : NULL;
}

const char *cors_set_value(const cors_set *set)
{
    return set->value;
}

/* test_level.c - cors_level.c: one level's items keep their last edit and where it was written, and a level knows its own removals. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include <apr_strings.h>

#include "cors.h"
#include "fixtures.h"

typedef struct {
    int calls;
    cors_edit edit;
    cors_item_kind kind;
    const char *text;
    const char *where;
} last_item;

static int keep_last(void *baton, const char *text, cors_edit edit, cors_item_kind kind,
                     const char *where)
{
    last_item *l = baton;

    l->calls++;
    l->text = text;
    l->edit = edit;
    l->kind = kind;
    l->where = where;
    return 0;
}

/* An item named twice in a level is one item: the later line's edit and place stand, and
 * where is kept as given, not copied. */
static void test_level_items(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *first, *again;  /* the same item, the second time removed */
        cors_set_kind kind;
        cors_item_kind want;
    } cases[] = {
        { "https://a.example", "https://A.example:443", CORS_SET_ORIGINS, CORS_KIND_EXACT },
        { "https://*.a.example", "https://*.a.example", CORS_SET_ORIGINS, CORS_KIND_PATTERN },
        { "null", "NULL", CORS_SET_ORIGINS, CORS_KIND_NULL },
        { "X-A", "x-a", CORS_SET_HEADERS, CORS_KIND_TOKEN },
    };
    const char *line1 = "f.conf:1", *line2 = "f.conf:2";
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_set *set = cors_set_make(p, cases[i].kind);
        last_item l = { 0, CORS_ITEM_PLAIN, CORS_KIND_ANY, NULL, NULL };
        cors_set_note_where(set, line1);
        CHECK(u, cors_set_add(p, set, cases[i].first, CORS_ITEM_PLAIN) == NULL, "%s loads",
              cases[i].first);
        CHECK(u, !cors_set_has_denies(set), "%s: nothing removed yet", cases[i].first);
        cors_set_note_where(set, line2);
        CHECK(u, cors_set_add(p, set, cases[i].again, CORS_ITEM_REMOVE) == NULL,
              "-%s loads", cases[i].again);
        CHECK(u, cors_set_has_denies(set), "%s: the level's own removal is seen unsealed",
              cases[i].first);
        if (cases[i].kind == CORS_SET_ORIGINS) {
            CHECK(u, cors_set_count(set) == 1, "%s: one item", cases[i].first);
            cors_set_each(set, keep_last, &l);
            CHECK(u, l.calls == 1 && l.edit == CORS_ITEM_REMOVE && l.where == line2
                     && l.kind == cases[i].want && strcmp(l.text, cases[i].first) == 0,
                  "%s: one item, removed at f.conf:2, as first written", cases[i].first);
        }
    }
    {
        cors_set *set = cors_set_make(p, CORS_SET_ORIGINS);
        last_item l = { 0, CORS_ITEM_PLAIN, CORS_KIND_EXACT, NULL, NULL };
        cors_set_add(p, set, "*", CORS_ITEM_PLAIN);
        cors_set_note_where(set, line1);
        cors_set_add(p, set, "*", CORS_ITEM_ADD);
        cors_set_each(set, keep_last, &l);
        CHECK(u, l.calls == 1 && l.kind == CORS_KIND_ANY && l.edit == CORS_ITEM_ADD
                 && l.where == line1, "'*' keeps its last edit and where");
        CHECK(u, cors_set_count(set) == 1 && cors_set_has_any(set), "'*' counted once");
    }
}

void test_level(apr_pool_t *p, unit_counts *u)
{
    test_level_items(p, u);
}

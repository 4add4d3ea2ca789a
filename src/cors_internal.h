/* cors_internal.h - the policy core's private types and helpers, shared by src/ only. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 *
 * The files of the core stand in layers, each calling only those below it:
 *
 *   cors_decide.c, cors_conf.c          the decision; the directives (include/cors_conf.h)
 *   cors_policy.c                       a level's policy, and levels merged
 *   cors_set.c                          the cors_set_* calls every kind of list answers
 *   cors_origins.c, cors_tokens.c       origin lists; method and header lists
 *   cors_probe.c                        whether an origin regex is "any origin"
 *   cors_level.c                        a level's items, as every kind of list keeps them
 *   cors_canon.c, cors_origin.c, cors_index.c, cors_list.c, cors_hash.c, cors_pcre.c,
 *   cors_sql.c                          origins checked and parsed, tables, tokens and
 *                                       numbers, hashes, regexes, SQL
 */
#ifndef CORS_INTERNAL_H
#define CORS_INTERNAL_H

#include <string.h>

#include "cors.h"

/* Verdicts stored in a set: an item allows or (as "-item") refuses. */
#define CORS_NONE   0
#define CORS_ALLOW  1
#define CORS_DENY   (-1)

/* One item of a level: the last verdict the level gave for its key.  An edit of a method or
 * header list is one too (cors_set's edits), with that edit's own spelling. */
typedef struct {
    const char *key;            /* normalised: origin key, method (the six upper-cased), or
                                 * header name lower-cased */
    const char *name;           /* as first written: headers are sent in the admin's spelling;
                                 * origins and methods: the text, or key where they agree */
    const char *where;          /* where the last edit of it was written, or NULL */
    short verdict;              /* CORS_ALLOW or CORS_DENY */
    short edit;                 /* the last edit of it (cors_edit); both short, as a list of
                                 * many origins holds one item per origin */
    unsigned int len;           /* of key: set when the item is indexed (cors_index_add) */
} cors_item;

/* A level's items by key (cors_index.c): added while the level is read, never removed;
 * cors_index_items lists them in the order added (cors_item *). */
typedef struct cors_index cors_index;
cors_index *cors_index_make(apr_pool_t *p, int expected);
void cors_index_add(apr_pool_t *p, cors_index *ix, cors_item *it, size_t len);
cors_item *cors_index_get(const cors_index *ix, const char *key, size_t len);
apr_array_header_t *cors_index_items(const cors_index *ix);

typedef struct {
    const char *source;         /* as the admin wrote it: the regex's key and its message */
    cors_regex_fn match;
    const void *re;
    int verdict;
    int broad;                  /* matches origins nobody means to allow: "any origin" */
    cors_edit edit;             /* the last edit of it, and where that was written */
    const char *where;
} cors_regex_item;

/* An origin source (cors_set_add_source).  Its name comes first, as a regex's source does:
 * the two kinds of item are inherited alike, by that key (cors_origins.c, in_force). */
typedef struct {
    const char *name;
    cors_source_fn lookup;
    const void *src;
    cors_edit edit;
    const char *where;
} cors_source_item;

struct cors_set {
    cors_set_kind kind;
    int replaces;               /* this level gave a plain (replacing) list */
    int sealed;                 /* the derived part below is computed and never written again */
    int overflow;               /* merged past CORS_MERGED_EDITS_MAX edits (methods, headers)
                                 * or CORS_MERGED_LAYERS_MAX layers (origins): allows nothing */
    cors_index *items;          /* this level's own items, by key */
    apr_array_header_t *order;  /* cors_item *, in the order first given (items' own list) */
    apr_array_header_t *edits;  /* methods and headers: every edit in order (cors_item), replayed
                                 * when a merge flattens levels */
    apr_array_header_t *regexes;/* origins: cors_regex_item *, one per source */
    apr_array_header_t *sources;/* origins: cors_source_item *, one per name */
    int any;                    /* verdict of "*" at this level, CORS_NONE if not named */
    cors_edit any_edit;         /* origins: the last edit of "*", and where it was written */
    const char *any_where;
    const char *where;          /* where the items added next were written (note_where) */
    unsigned int wild_hosts : 1;/* this level has "*.host" patterns: try suffix keys */
    unsigned int any_ports : 1; /* this level has "host:*" patterns */
    unsigned int exacts : 1;    /* this level has exact origins ("null" included) */
    const cors_set *parent;     /* origins: the inherited layer this one edits */

    /* Derived when sealed, over the chain of levels in force: */
    int eff_replaces;           /* some level of the chain gave a whole list */
    int eff_depth;              /* origins: layers in force, this one included */
    int eff_any;                /* "*" allowed in force */
    int eff_denies;             /* a removal in force */
    int eff_null;               /* "null" allowed in force */
    int eff_broad;              /* an any-origin regex allowed in force */
    unsigned int eff_wild_hosts : 1;
    unsigned int eff_any_ports : 1;
    unsigned int eff_exacts : 1;
    apr_array_header_t *own_denies;   /* origins: this level's keys whose verdict is a removal */
    apr_array_header_t *eff_regexes;  /* origins: cors_regex_item * in force over the chain */
    apr_array_header_t *eff_sources;  /* origins: cors_source_item * in force over the chain */
    cors_index *allowed;        /* methods, headers: the items allowed in force */
    cors_index *denied;         /* methods, headers: lower-case names removed in force */
    const char *value;          /* methods, headers: the header value (without "*") */
};

/* The hash of every core table, looked up with what a request sends (an origin, a method,
 * header names): eight bytes at a time instead of APR's byte-at-a-time default, the last 1
 * to 8 in overlapping loads (the length is already mixed in).  Inline: cors_index_get runs
 * it on every look-up. */
static inline unsigned int cors_hash_bytes(const char *key, size_t n)
{
    const unsigned char *p = (const unsigned char *)key;
    apr_uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w = 0;
    apr_uint32_t a, b;

    for (; n > 8; n -= 8, p += 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    if (n >= 4) {
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        w = ((apr_uint64_t)a << 32) | b;
    }
    else if (n > 0) {
        w = ((apr_uint64_t)p[0] << 16) | ((apr_uint64_t)p[n / 2] << 8) | p[n - 1];
    }
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
    return (unsigned int)h;
}

/* The same as an apr_hashfunc_t (cors_hash.c); cors_hash_make is in cors.h. */
unsigned int cors_hash(const char *key, apr_ssize_t *klen);

/* ASCII lower-casing into dst (which holds at least len bytes); no locale. */
void cors_lower(char *dst, const char *src, size_t len);

/* Case-insensitive ASCII comparison of two strings of the same length. */
int cors_equal_nocase(const char *a, const char *b, size_t len);

/* The items of an array of const char *, joined with ", " as header lists are written. */
const char *cors_join(apr_pool_t *p, const apr_array_header_t *names);

/* ---- cors_level.c: a level's items, as both kinds of list keep them ---------------------- */

/* An empty level of a kind. */
cors_set *cors_level_make(apr_pool_t *p, cors_set_kind kind);

/* The verdict an edit gives. */
int cors_level_verdict(cors_edit edit);

/* A level's item for key (adding it at first sight, with name), set to edit's verdict and
 * recording where the level says its items are written now: O(1).  "*" is the level's any
 * (no item: NULL).  Method and header levels also keep the edit in order (edits). */
cors_item *cors_level_put(apr_pool_t *p, cors_set *set, const char *key, size_t len,
                          const char *name, cors_edit edit);

/* Does this level itself remove something (an item or a regex)? */
int cors_level_own_denies(const cors_set *set);

/* The kind of a key as cors_set_each tells it. */
cors_item_kind cors_level_kind_of(const cors_set *set, const char *key);

/* ---- cors_origins.c, cors_tokens.c: the kind-specific halves of cors_set_* --------------- */

/* Each seal marks the set sealed. */
const char *cors_origins_add(apr_pool_t *p, cors_set *set, const char *item, cors_edit edit);
void cors_origins_seal(apr_pool_t *p, cors_set *set);
const cors_set *cors_origins_merge(apr_pool_t *p, const cors_set *base, const cors_set *add);
void cors_origins_each(const cors_set *set, cors_item_fn fn, void *baton);
const char *cors_tokens_add(apr_pool_t *p, cors_set *set, const char *item, cors_edit edit);
void cors_tokens_seal(apr_pool_t *p, cors_set *set);
const cors_set *cors_tokens_merge(apr_pool_t *p, const cors_set *base, const cors_set *add);
void cors_tokens_each(const cors_set *set, cors_item_fn fn, void *baton);

/* What decided one origin beyond allowed or not, for the answer.  The caller sets it to
 * { NULL, NULL, CORS_SOURCE_REFUSED }: a look-up settled without a regex or a source (most
 * are) writes nothing. */
typedef struct {
    const char *limited;        /* the regex that gave up at its limit, or the source down */
    const char *source;         /* the source whose answer decided (cors_answer's source) */
    cors_source_answer answer;  /* what it answered */
} cors_origin_why;

/* 1 allowed, 0 refused, -1 a regex at its limit, -2 a source down (cors_origin_allowed_by). */
int cors_origins_verdict(apr_pool_t *p, const cors_set *origins, const char *origin,
                         size_t len, void *baton, cors_origin_why *why);

#define CORS_IS_OWS(c) ((c) == ' ' || (c) == '\t')

#endif /* CORS_INTERNAL_H */

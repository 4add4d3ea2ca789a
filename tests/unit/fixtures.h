/* fixtures.h - what the core's test files share (fixtures.c): sets, regexes, sources and policies made the way mod_cors makes them. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#ifndef CORS_FIXTURES_H
#define CORS_FIXTURES_H

#include <regex.h>

#include "cors.h"
#include "unit.h"

/* Items as a directive line gives them ("+x" adds, "-x" removes), in a temporary pool
 * scribbled over once they are added; *err is the first refusal, or NULL. */
cors_set *set_of(apr_pool_t *p, cors_set_kind kind, const char *line, const char **err);

/* The same, checked to load, and sealed. */
cors_set *must_set(apr_pool_t *p, unit_counts *u, cors_set_kind kind, const char *line);

/* A cors_regex_fn over POSIX regexes, matching the whole text; a regex compiled as
 * "^(src)$", caseless, freed with p; such a regex added to a set, returning whether it was
 * judged broad. */
int posix_match(const void *re, const char *s, size_t len, apr_pool_t *p);
regex_t *posix_regex(apr_pool_t *p, const char *src);
int add_regex(apr_pool_t *p, cors_set *set, const char *src, cors_edit e);

/* A cors_regex_fn that always gives up at its limit. */
int limit_match(const void *re, const char *s, size_t len, apr_pool_t *p);

/* Whether set (sealed first where it is not) allows origin; with a baton for sources, and
 * what refused it in *why. */
int allowed(apr_pool_t *p, const cors_set *set, const char *origin);
int allowed_by(apr_pool_t *p, const cors_set *set, const char *origin, void *baton,
               const char **why);

/* A source as the core sees one: a table looked up by key, answering ALLOWED (or STALE when
 * "stale"), REFUSED, or UNAVAILABLE when "down"; it counts its calls and keeps the last key
 * and baton it was given. */
typedef struct {
    apr_hash_t *listed;
    int down;
    int stale;
    int calls;
    char last_key[CORS_ORIGIN_MAX + 16];
    void *last_baton;
} table_source;

cors_source_answer table_lookup(const void *src, const char *key, size_t len, apr_pool_t *p,
                                void *baton);
/* A table listing keys (split as directive items). */
table_source *table_of(apr_pool_t *p, const char *keys);

/* The domains that hold public suffixes, read from a list of the Public Suffix List's form
 * given as text (through a temporary file, as cors_psl_below_load reads one); NULL if the
 * file cannot be made. */
cors_psl_below *psl_below_of(apr_pool_t *p, const char *text);

/* A level's settings (-1: max age unset), as one section, merged onto an empty server level
 * as httpd does. */
typedef struct {
    const char *origins, *methods, *headers, *expose;
    int credentials, max_age, status, pn;
} policy_spec;

cors_policy *policy_of(apr_pool_t *p, unit_counts *u, const policy_spec *s);

#endif

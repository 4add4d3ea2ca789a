/* fuzz_directives.c - libFuzzer target: directive values into sets, and whole directive lines into policy levels (cors_conf), merges and conflicts. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include "cors_conf.h"
#include "fuzz_common.h"

/* First byte: which list; the rest: one directive line ("+a -b", "GET, POST", ...). */
static cors_set *load(apr_pool_t *p, cors_set_kind kind, const char *line)
{
    apr_array_header_t *items = apr_array_make(p, 8, sizeof(const char *));
    cors_set *set = cors_set_make(p, kind);
    int i;

    cors_split_items(p, line, items);
    for (i = 0; i < items->nelts; i++) {
        const char *it = APR_ARRAY_IDX(items, i, const char *);
        cors_edit e = it[0] == '+' ? CORS_ITEM_ADD : it[0] == '-' ? CORS_ITEM_REMOVE
                      : CORS_ITEM_PLAIN;
        if (cors_set_add(p, set, e == CORS_ITEM_PLAIN ? it : it + 1, e) != NULL) {
            continue;           /* a refused item: the rest of the line still loads */
        }
    }
    return set;
}

/* ---- whole lines (first byte with its top bit set) ----------------------------------------- */

static const char *const names[] = {
    "CORSEnable", "CORSAllowOrigin", "CORSAllowOriginMatch", "CORSAllowMethods",
    "CORSAllowHeaders", "CORSExposeHeaders", "CORSAllowCredentials", "CORSMaxAge",
    "CORSPreflightStatus", "CORSAllowPrivateNetwork", "CORSDebug", "CORSNotOne",
};
#define N_NAMES (sizeof(names) / sizeof(names[0]))

/* Regexes are probed when added, each probe up to the match limit: a few per input keep an
 * input's time bounded whatever it holds. */
static const char *admit_few(void *baton, const char *directive, const char *source)
{
    int *n = baton;

    (void)source;
    return ++*n > 8 ? directive : NULL;
}

static int each_item(void *baton, const char *text, cors_edit edit, cors_item_kind kind,
                     const char *where)
{
    (void)baton;
    if (!text || edit > CORS_ITEM_REMOVE || kind > CORS_KIND_NULL
        || (where && strncmp(where, "fuzz:", 5) != 0)) {
        __builtin_trap();
    }
    return 0;
}

/* One line: its first byte picks the directive, the rest are its words.  Every refusal and
 * every note starts with the directive's name. */
static void apply_line(apr_pool_t *p, char *text, int number, cors_policy *pol, int *regexes)
{
    cors_conf_regex_hooks hooks = { admit_few, NULL, NULL, NULL };
    apr_array_header_t *words = apr_array_make(p, 4, sizeof(const char *));
    apr_array_header_t *notes = apr_array_make(p, 2, sizeof(cors_conf_note));
    cors_conf_line line;
    char *word, *last;
    const char *err;
    int i;

    if (!*text) {
        return;
    }
    hooks.baton = regexes;
    memset(&line, 0, sizeof(line));
    line.pool = p;
    line.temp = p;
    line.name = names[(unsigned char)text[0] % N_NAMES];
    line.where = apr_psprintf(p, "fuzz:%d", number);
    line.notes = notes;
    line.regex = &hooks;
    for (word = apr_strtok(text + 1, " \t", &last); word;
         word = apr_strtok(NULL, " \t", &last)) {
        APR_ARRAY_PUSH(words, const char *) = word;
    }
    err = cors_conf_apply(&line, words, pol);
    if (err && strncmp(err, line.name, strlen(line.name)) != 0) {
        __builtin_trap();
    }
    for (i = 0; i < notes->nelts; i++) {
        const cors_conf_note *n = &APR_ARRAY_IDX(notes, i, cors_conf_note);
        if (n->kind > CORS_CONF_BROAD_REGEX
            || strncmp(n->text, line.name, strlen(line.name)) != 0) {
            __builtin_trap();
        }
    }
}

/* Lines up to a blank one make the upper level, the rest the lower; merged as httpd merges. */
static void levels(apr_pool_t *p, char *text)
{
    cors_policy *upper = cors_policy_make(p), *lower = cors_policy_make(p), *level = upper;
    cors_policy merged;
    apr_array_header_t *warnings = apr_array_make(p, 2, sizeof(const char *));
    cors_request req;
    cors_answer ans;
    char *line, *next;
    int number = 0, regexes = 0;

    for (line = text; line; line = next) {
        next = strchr(line, '\n');
        if (next) {
            *next++ = '\0';
        }
        if (!*line) {
            level = lower;
        }
        apply_line(p, line, ++number, level, &regexes);
    }
    cors_policy_merge_into(p, upper, lower, &merged);
    cors_set_each(merged.origins, each_item, NULL);
    cors_set_each(merged.methods, each_item, NULL);
    cors_set_each(merged.expose, each_item, NULL);
    cors_policy_warnings(p, &merged, warnings);
    (void)cors_policy_overflow(&merged);
    (void)cors_policy_off_reason(p, &merged);
    memset(&req, 0, sizeof(req));
    req.origin = "https://app.example.com";
    req.method = "PUT";
    cors_decide_preflight(p, &merged, &req, &ans);
    if (ans.allowed && merged.conflict && ans.allow_credentials) {
        __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool_for_input();
    cors_set_kind kind;
    char *text, *split;
    const cors_set *a, *b, *m;
    cors_policy *pol;

    if (size < 1) {
        return 0;
    }
    if (data[0] & 0x80) {
        levels(p, fuzz_string(p, data + 1, size - 1));
        return 0;
    }
    kind = (cors_set_kind)(data[0] % 3);
    text = fuzz_string(p, data + 1, size - 1);
    /* A second line, if any, is a lower level's edit of the first. */
    split = strchr(text, '\n');
    if (split) {
        *split++ = '\0';
    }
    a = load(p, kind, text);
    b = split ? load(p, kind, split) : NULL;
    m = cors_set_merge(p, a, b);
    (void)cors_set_value(m);
    (void)cors_set_is_any(m);
    (void)cors_set_count(m);
    if (kind == CORS_SET_ORIGINS) {
        const char *limited = NULL;
        (void)cors_origin_allowed(p, m, "https://app.example.com", 23, &limited);
    }
    else if (kind == CORS_SET_METHODS) {
        (void)cors_method_allowed(m, "PUT", 3);
    }
    else {
        (void)cors_header_allowed(m, "x-a", 3);
    }
    pol = cors_policy_make(p);
    pol->credentials = 1;
    if (kind == CORS_SET_ORIGINS) {
        pol->origins = (cors_set *)m;
    }
    else {
        pol->expose = (cors_set *)m;
    }
    (void)cors_policy_conflict(cors_policy_merge(p, cors_policy_make(p), pol));
    return 0;
}

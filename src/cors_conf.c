/* cors_conf.c - a policy level's directives: each line's words checked, parsed and applied as mod_cors reads them, with the errors and notes it gives. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <stddef.h>
#include <string.h>

#include <apr_strings.h>

#include "cors_conf.h"
#include "cors_internal.h"

/* ---- what every line shares ------------------------------------------------------------- */

/* Is w the word lower, in any case (as httpd compares On and Off)? */
static int is_word(const char *w, const char *lower)
{
    size_t n = strlen(lower);

    return strlen(w) == n && cors_equal_nocase(w, lower, n);
}

static void note(const cors_conf_line *line, cors_conf_note_kind kind, const char *text)
{
    if (line->notes) {
        cors_conf_note *n = apr_array_push(line->notes);
        n->kind = kind;
        n->text = text;
    }
}

static const char *where_of(const cors_conf_line *line)
{
    return line->where ? apr_pstrdup(line->pool, line->where) : NULL;
}

const char *cors_conf_check_level(apr_pool_t *p, const char *name, const cors_policy *pol)
{
    const char *conflict = cors_policy_conflict(pol);

    return conflict ? apr_psprintf(p, "%s: %s", name, conflict) : NULL;
}

/* The words of a directive line, each split further on commas (values copied from a header
 * such as "GET, POST" work), with their +/- edit marks.  A line of plain items replaces the
 * inherited list, and may take items out of its own list with "-" ("* -PATCH"); "+" beside
 * plain items would mean nothing, so it is refused. */
static const char *read_items(const cors_conf_line *line, const apr_array_header_t *args,
                              int split, apr_array_header_t *items, apr_array_header_t *edits)
{
    apr_array_header_t *words = apr_array_make(line->temp, 8, sizeof(const char *));
    int i, plain = 0, add = 0;

    for (i = 0; i < args->nelts; i++) {
        const char *word = APR_ARRAY_IDX(args, i, const char *);
        if (!*word) {
            continue;
        }
        if (split) {
            cors_split_items(line->temp, word, words);
        }
        else {
            APR_ARRAY_PUSH(words, const char *) = word;
        }
    }
    if (words->nelts == 0) {
        return apr_psprintf(line->pool, "%s needs at least one value", line->name);
    }
    for (i = 0; i < words->nelts; i++) {
        const char *w = APR_ARRAY_IDX(words, i, const char *);
        cors_edit e = CORS_ITEM_PLAIN;
        if (w[0] == '+' || w[0] == '-') {
            e = w[0] == '+' ? CORS_ITEM_ADD : CORS_ITEM_REMOVE;
            w++;
            if (!*w) {
                return apr_psprintf(line->pool, "%s: '%c' must be followed by a value, "
                                    "without a space", line->name, w[-1]);
            }
        }
        plain += e == CORS_ITEM_PLAIN;
        add += e == CORS_ITEM_ADD;
        APR_ARRAY_PUSH(items, const char *) = w;
        APR_ARRAY_PUSH(edits, cors_edit) = e;
    }
    if (plain && add) {
        return apr_psprintf(line->pool, "%s: a line mixes '+' items with plain ones; give "
                            "either a whole list (which replaces the inherited one, and may "
                            "take items out with '-') or only +/- edits of it", line->name);
    }
    return NULL;
}

/* ---- the lists ---------------------------------------------------------------------------- */

/* An origin a browser writes one way only (an IPv6 literal in full) is accepted and used in
 * that form; say so, so the admin can write it that way. */
static void note_normalised(const cors_conf_line *line, const char *item)
{
    cors_origin o;
    const char *normalised = NULL;

    if (cors_origin_parse(item, strlen(item), CORS_ORIGIN_PATTERN, &o) == CORS_ORIGIN_OK
        && cors_origin_check_config(line->temp, item, &o, &normalised) == NULL
        && normalised) {
        note(line, CORS_CONF_NORMALISED,
             apr_psprintf(line->pool, "%s: '%s' is read as '%s', the form browsers send",
                          line->name, item, normalised));
    }
}

/* libpsl refuses a wildcard over a public suffix; this one over a domain that holds one
 * (a wildcard over amazonaws.com covers every S3 bucket's name). */
static const char *check_suffixes_below(const cors_conf_line *line, const char *item)
{
    const char *rule = cors_origin_wildcard_over_suffix(line->temp, line->below, item);

    return rule ? apr_psprintf(line->pool, "%s: '%s' lets strangers in: it covers '%s', a "
                               "public suffix under which anyone can register a name and read "
                               "the answers; list the sites instead", line->name, item,
                               rule) : NULL;
}

/* A method other than the six browsers upper-case, written all in lower case ("patch"):
 * almost always meant as the upper-case method scripts send. */
static int looks_mistyped(const char *method)
{
    const char *c;
    int lower = 0;

    if (cors_method_normal(method, strlen(method))) {
        return 0;
    }
    for (c = method; *c; c++) {
        if (*c >= 'A' && *c <= 'Z') {
            return 0;
        }
        lower |= *c >= 'a' && *c <= 'z';
    }
    return lower;
}

static cors_set **list_of(cors_policy *pol, cors_set_kind kind, int expose)
{
    if (expose) {
        return &pol->expose;
    }
    return kind == CORS_SET_ORIGINS ? &pol->origins
           : kind == CORS_SET_METHODS ? &pol->methods : &pol->headers;
}

/* CORSAllowOrigin, CORSAllowMethods, CORSAllowHeaders, CORSExposeHeaders. */
static const char *set_list(const cors_conf_line *line, const apr_array_header_t *words,
                            cors_policy *pol, cors_set_kind kind, int expose)
{
    cors_set **slot = list_of(pol, kind, expose);
    apr_array_header_t *items = apr_array_make(line->temp, 8, sizeof(const char *));
    apr_array_header_t *edits = apr_array_make(line->temp, 8, sizeof(cors_edit));
    const char *err = read_items(line, words, 1, items, edits);
    int i;

    if (err) {
        return err;
    }
    if (!*slot) {
        *slot = cors_set_make(line->pool, kind);
    }
    cors_set_note_where(*slot, where_of(line));
    for (i = 0; i < items->nelts; i++) {
        const char *item = APR_ARRAY_IDX(items, i, const char *);
        cors_edit e = APR_ARRAY_IDX(edits, i, cors_edit);
        if (kind == CORS_SET_ORIGINS) {
            note_normalised(line, item);
        }
        err = cors_set_add(line->pool, *slot, item, e);
        if (err) {
            return apr_psprintf(line->pool, "%s: %s", line->name, err);
        }
        if (kind == CORS_SET_ORIGINS && e != CORS_ITEM_REMOVE
            && (err = check_suffixes_below(line, item)) != NULL) {
            return err;
        }
        if (kind == CORS_SET_METHODS && e != CORS_ITEM_REMOVE && looks_mistyped(item)) {
            note(line, CORS_CONF_LOWER_METHOD,
                 apr_psprintf(line->pool, "%s: '%s' is in lower case: browsers send methods "
                              "other than DELETE GET HEAD OPTIONS POST PUT exactly as the "
                              "script wrote them, and scripts usually write them in upper "
                              "case; list the spelling your scripts send (both, if unsure)",
                              line->name, item));
        }
        if (kind == CORS_SET_ORIGINS && e != CORS_ITEM_REMOVE
            && is_word(item, "null")) {
            note(line, CORS_CONF_NULL_ORIGIN,
                 apr_psprintf(line->pool, "%s: allowing the origin 'null': any page can send "
                              "it (sandboxed iframes, data: and file: URLs, redirects), so it "
                              "grants nothing a stranger cannot have", line->name));
        }
    }
    return cors_conf_check_level(line->pool, line->name, pol);
}

/* ---- regexes ------------------------------------------------------------------------------ */

/* Whether a regex matches any origin: as judged before on the same text, or probed. */
static int regex_verdict(const cors_conf_line *line, const char *source, const cors_pcre *re)
{
    const cors_conf_regex_hooks *h = line->regex;
    int broad = h && h->judged ? h->judged(h->baton, source) : -1;

    if (broad >= 0) {
        return broad;
    }
    broad = cors_regex_is_broad(line->temp, source, cors_pcre_match, re);
    if (h && h->remember) {
        h->remember(h->baton, source, broad);
    }
    return broad;
}

/* CORSAllowOriginMatch: each word one regex, never split on commas (a regex may hold one). */
static const char *set_origin_regex(const cors_conf_line *line,
                                    const apr_array_header_t *words, cors_policy *pol)
{
    apr_array_header_t *items = apr_array_make(line->temp, 4, sizeof(const char *));
    apr_array_header_t *edits = apr_array_make(line->temp, 4, sizeof(cors_edit));
    const char *err = read_items(line, words, 0, items, edits);
    int i;

    if (err) {
        return err;
    }
    if (!pol->origins) {
        pol->origins = cors_set_make(line->pool, CORS_SET_ORIGINS);
    }
    cors_set_note_where(pol->origins, where_of(line));
    for (i = 0; i < items->nelts; i++) {
        const char *source = APR_ARRAY_IDX(items, i, const char *);
        cors_pcre *re = NULL;
        int broad = 0;
        if (line->regex && line->regex->admit
            && (err = line->regex->admit(line->regex->baton, line->name, source)) != NULL) {
            return err;
        }
        if ((err = cors_pcre_compile(line->pool, source, &re)) != NULL) {
            return apr_psprintf(line->pool, "%s: %s", line->name, err);
        }
        if (line->compiled) {
            *line->compiled += cors_pcre_size(re);
        }
        err = cors_set_add_regex_judged(line->pool, pol->origins, source, cors_pcre_match, re,
                                        APR_ARRAY_IDX(edits, i, cors_edit),
                                        regex_verdict(line, source, re), &broad);
        if (err) {
            return apr_psprintf(line->pool, "%s: %s", line->name, err);
        }
        if (broad && pol->credentials != 1) {
            note(line, CORS_CONF_BROAD_REGEX,
                 apr_psprintf(line->pool, "%s: '%s' matches any origin (it matched origins no "
                              "policy means to allow): every site may read these answers; "
                              "anchor it to your own domains, or write CORSAllowOrigin * if "
                              "that is what you mean", line->name, source));
        }
    }
    return cors_conf_check_level(line->pool, line->name, pol);
}

/* ---- one-word settings -------------------------------------------------------------------- */

/* httpd's FLAG: the first word, On or Off in any case. */
static const char *flag_of(const cors_conf_line *line, const apr_array_header_t *words,
                           int *on)
{
    const char *w = words->nelts ? APR_ARRAY_IDX(words, 0, const char *) : "";

    if (!is_word(w, "on") && !is_word(w, "off")) {
        return apr_psprintf(line->pool, "%s must be On or Off", line->name);
    }
    *on = is_word(w, "on");
    return NULL;
}

/* httpd's TAKE1: exactly one word, or NULL. */
static const char *one_word(const apr_array_header_t *words)
{
    const char *w = words->nelts == 1 ? APR_ARRAY_IDX(words, 0, const char *) : NULL;

    return w && *w ? w : NULL;
}

static const char *not_one_word(const cors_conf_line *line)
{
    return apr_psprintf(line->pool, "%s takes one argument", line->name);
}

/* The On/Off settings: the field and where it was set, side by side in cors_policy. */
typedef struct {
    size_t value;
    size_t where;
    int checked;                /* a contradiction within the level is possible */
} flag_field;

static const char *set_flag(const cors_conf_line *line, const apr_array_header_t *words,
                            cors_policy *pol, const flag_field *f)
{
    int on = 0;
    const char *err = flag_of(line, words, &on);

    if (err) {
        return err;
    }
    *(int *)((char *)pol + f->value) = on;
    *(const char **)((char *)pol + f->where) = where_of(line);
    return f->checked ? cors_conf_check_level(line->pool, line->name, pol) : NULL;
}

static const char *set_max_age(const cors_conf_line *line, const apr_array_header_t *words,
                               cors_policy *pol)
{
    const char *arg = one_word(words);
    unsigned long v;

    if (!arg) {
        return not_one_word(line);
    }
    if (!cors_parse_uint(arg, 0, 86400, &v)) {
        return apr_psprintf(line->pool, "%s: '%s' is not a number of seconds from 0 to 86400 "
                            "(browsers cap it anyway: Chromium at 7200)", line->name, arg);
    }
    pol->max_age = (int)v;
    pol->max_age_value = apr_ltoa(line->pool, (long)v);
    pol->max_age_where = where_of(line);
    return NULL;
}

static const char *set_preflight_status(const cors_conf_line *line,
                                        const apr_array_header_t *words, cors_policy *pol)
{
    const char *arg = one_word(words);

    if (!arg) {
        return not_one_word(line);
    }
    if (strcmp(arg, "200") != 0 && strcmp(arg, "204") != 0) {
        return apr_psprintf(line->pool, "%s: '%s' is not 200 or 204 (use 200 for clients that "
                            "reject 204 preflight answers)", line->name, arg);
    }
    pol->preflight_status = strcmp(arg, "200") == 0 ? 200 : 204;
    pol->preflight_status_where = where_of(line);
    return NULL;
}

/* ---- the directives ----------------------------------------------------------------------- */

#define FLAG_FIELD(field, checked) \
    { offsetof(cors_policy, field), offsetof(cors_policy, field##_where), checked }

static const flag_field enable_f = FLAG_FIELD(enable, 0);
static const flag_field credentials_f = FLAG_FIELD(credentials, 1);
static const flag_field private_network_f = FLAG_FIELD(private_network, 0);
static const flag_field debug_f = FLAG_FIELD(debug, 0);
static const flag_field report_only_f = FLAG_FIELD(report_only, 0);
static const flag_field timing_f = FLAG_FIELD(timing, 0);

typedef enum {
    D_LIST, D_EXPOSE, D_REGEX, D_FLAG, D_MAX_AGE, D_PREFLIGHT_STATUS
} directive_type;

static const struct {
    const char *name;
    directive_type type;
    cors_set_kind kind;         /* D_LIST */
    const flag_field *flag;     /* D_FLAG */
} directives[] = {
    { "CORSEnable", D_FLAG, CORS_SET_ORIGINS, &enable_f },
    { "CORSAllowOrigin", D_LIST, CORS_SET_ORIGINS, NULL },
    { "CORSAllowOriginMatch", D_REGEX, CORS_SET_ORIGINS, NULL },
    { "CORSAllowMethods", D_LIST, CORS_SET_METHODS, NULL },
    { "CORSAllowHeaders", D_LIST, CORS_SET_HEADERS, NULL },
    { "CORSExposeHeaders", D_EXPOSE, CORS_SET_HEADERS, NULL },
    { "CORSAllowCredentials", D_FLAG, CORS_SET_ORIGINS, &credentials_f },
    { "CORSMaxAge", D_MAX_AGE, CORS_SET_ORIGINS, NULL },
    { "CORSPreflightStatus", D_PREFLIGHT_STATUS, CORS_SET_ORIGINS, NULL },
    { "CORSAllowPrivateNetwork", D_FLAG, CORS_SET_ORIGINS, &private_network_f },
    { "CORSDebug", D_FLAG, CORS_SET_ORIGINS, &debug_f },
    { "CORSReportOnly", D_FLAG, CORS_SET_ORIGINS, &report_only_f },
    { "CORSTimingAllowOrigin", D_FLAG, CORS_SET_ORIGINS, &timing_f },
};
#define N_DIRECTIVES (sizeof(directives) / sizeof(directives[0]))

static int directive_of(const char *name)
{
    size_t i;

    for (i = 0; i < N_DIRECTIVES; i++) {
        if (strlen(directives[i].name) == strlen(name)
            && cors_equal_nocase(directives[i].name, name, strlen(name))) {
            return (int)i;
        }
    }
    return -1;
}

int cors_conf_is_directive(const char *name)
{
    return directive_of(name) >= 0;
}

const char *cors_conf_apply(const cors_conf_line *line, const apr_array_header_t *words,
                            cors_policy *pol)
{
    int d = directive_of(line->name);

    if (d < 0) {
        return apr_psprintf(line->pool, "%s is not a directive of a CORS policy", line->name);
    }
    switch (directives[d].type) {
    case D_LIST:
    case D_EXPOSE:
        return set_list(line, words, pol, directives[d].kind, directives[d].type == D_EXPOSE);
    case D_REGEX:
        return set_origin_regex(line, words, pol);
    case D_FLAG:
        return set_flag(line, words, pol, directives[d].flag);
    case D_MAX_AGE:
        return set_max_age(line, words, pol);
    case D_PREFLIGHT_STATUS:
        return set_preflight_status(line, words, pol);
    }
    return NULL;
}

const char *cors_conf_number(apr_pool_t *p, const char *name, const char *arg,
                             unsigned long lo, unsigned long hi, unsigned long *out)
{
    if (!cors_parse_uint(arg, lo, hi, out)) {
        return apr_psprintf(p, "%s: '%s' is not a number from %lu to %lu", name, arg, lo, hi);
    }
    return NULL;
}

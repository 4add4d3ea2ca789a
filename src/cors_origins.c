/* cors_origins.c - origin lists: one level's items, regexes and sources, levels layered by merging, and the precedence rule every lookup goes through. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include <apr_strings.h>

#include "cors_internal.h"

/* What a lookup found for one origin. */
#define VERDICT_LIMIT (-2)      /* a regex gave up at its match limit: refused */
#define VERDICT_DOWN  (-3)      /* a source that could have allowed it cannot answer: refused */

static const char *origin_error(apr_pool_t *p, const char *item, cors_origin_err err)
{
    const char *sep = strstr(item, "://");
    const char *cut = sep ? strpbrk(sep + 3, "/?#") : NULL;
    size_t scheme_len = strspn(item, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789+.-");
    const char *msg = item[scheme_len] == ':'
                      ? cors_origin_scheme_error(p, item, item, scheme_len) : NULL;

    if (msg) {
        return msg;             /* "data:...", "file:///": what such pages send instead */
    }

    if (cut && (err == CORS_ORIGIN_PATH || err == CORS_ORIGIN_TRAILING_SLASH
                || err == CORS_ORIGIN_QUERY || err == CORS_ORIGIN_FRAGMENT)) {
        return apr_psprintf(p, "'%s' %s: write '%.*s'", item, cors_origin_strerror(err),
                            (int)(cut - item), item);
    }
    if (err == CORS_ORIGIN_BAD_HOST && sep) {
        const char *host = sep + 3;
        size_t host_len = strcspn(host, host[0] == '[' ? "" : ":");
        if (host_len > 1 && host[host_len - 1] == '.') {
            return apr_psprintf(p, "'%s' ends its host with a dot: mod_cors matches names "
                                "without one (an origin with the dot is another origin, "
                                "which is never allowed); write '%.*s%s'", item,
                                (int)(host + host_len - 1 - item), item, host + host_len);
        }
    }
    return apr_psprintf(p, "'%s' %s", item, cors_origin_strerror(err));
}

const char *cors_origins_add(apr_pool_t *p, cors_set *set, const char *item, cors_edit edit)
{
    cors_origin o;
    char key[CORS_ORIGIN_MAX + 16];
    const char *normalised, *err, *kept;
    size_t len, item_len = strlen(item);
    cors_origin_err perr = cors_origin_parse(item, item_len, CORS_ORIGIN_PATTERN, &o);

    if (perr != CORS_ORIGIN_OK) {
        return origin_error(p, item, perr);
    }
    if ((err = cors_origin_check_item(p, item, &o, edit != CORS_ITEM_REMOVE, &normalised))
        != NULL) {
        return err;
    }
    if (normalised
        && cors_origin_parse(normalised, strlen(normalised), CORS_ORIGIN_PATTERN, &o)
           != CORS_ORIGIN_OK) {
        return origin_error(p, normalised, CORS_ORIGIN_BAD_HOST);
    }
    len = cors_origin_key(&o, key, sizeof(key));
    if (o.wild_host) {
        set->wild_hosts = 1;
    }
    if (o.any_port) {
        set->any_ports = 1;
    }
    if (!o.wild_host && !o.any_port && !o.is_any) {
        set->exacts = 1;
    }
    /* The item as written is kept only where it is not its key (most are). */
    kept = apr_pstrmemdup(p, key, len);
    cors_level_put(p, set, kept, len, item_len == len && memcmp(item, key, len) == 0
                                      ? kept : apr_pstrdup(p, item), edit);
    return NULL;
}

/* Regexes are matched by the caller's matcher; one level holds at most CORS_LIST_MAX. */
const char *cors_set_add_regex(apr_pool_t *p, cors_set *set, const char *source,
                               cors_regex_fn match, const void *re, cors_edit edit,
                               int *broad)
{
    return cors_set_add_regex_judged(p, set, source, match, re, edit, -1, broad);
}

const char *cors_set_add_regex_judged(apr_pool_t *p, cors_set *set, const char *source,
                                      cors_regex_fn match, const void *re, cors_edit edit,
                                      int judged, int *broad)
{
    cors_regex_item *it = NULL;
    int i;

    for (i = 0; i < set->regexes->nelts && !it; i++) {
        cors_regex_item *r = APR_ARRAY_IDX(set->regexes, i, cors_regex_item *);
        if (strcmp(r->source, source) == 0) {
            it = r;
        }
    }
    if (!it) {
        if (set->regexes->nelts >= CORS_LIST_MAX) {
            return apr_psprintf(p, "more than %d regexes in one section; every request may "
                                "try each of them: use exact origins or *.domain patterns",
                                CORS_LIST_MAX);
        }
        it = apr_pcalloc(p, sizeof(*it));
        it->source = apr_pstrdup(p, source);
        it->match = match;
        it->re = re;
        it->broad = judged >= 0 ? judged : cors_regex_is_broad(p, source, match, re);
        APR_ARRAY_PUSH(set->regexes, cors_regex_item *) = it;
    }
    it->verdict = cors_level_verdict(edit);
    it->edit = edit;
    it->where = set->where;
    if (edit == CORS_ITEM_PLAIN) {
        set->replaces = 1;
    }
    *broad = it->broad && it->verdict == CORS_ALLOW;
    return NULL;
}

const char *cors_set_add_source(apr_pool_t *p, cors_set *set, const char *name,
                                cors_source_fn lookup, const void *src, cors_edit edit)
{
    cors_source_item *it;
    int i;

    if (edit == CORS_ITEM_REMOVE) {
        return "an origin source only allows: take origins out with CORSAllowOrigin -origin";
    }
    for (i = 0; i < set->sources->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(set->sources, i, cors_source_item *)->name, name) == 0) {
            return apr_psprintf(p, "%s is already given in this section", name);
        }
    }
    if (set->sources->nelts >= CORS_LIST_MAX) {
        return apr_psprintf(p, "more than %d origin sources in one section", CORS_LIST_MAX);
    }
    it = apr_palloc(p, sizeof(*it));
    it->name = apr_pstrdup(p, name);
    it->lookup = lookup;
    it->src = src;
    it->edit = edit;
    it->where = set->where;
    APR_ARRAY_PUSH(set->sources, cors_source_item *) = it;
    if (edit == CORS_ITEM_PLAIN) {
        set->replaces = 1;
    }
    return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* Layers: a level's edits stay on top of the set it inherits, never copied into it.          */

/* For one key, the nearest level of the chain that names it says allow or remove. */
static int key_verdict(const cors_set *chain, const char *key, size_t len)
{
    const cors_set *l;

    for (l = chain; l; l = l->parent) {
        const cors_item *it = cors_index_get(l->items, key, len);
        if (it) {
            return it->verdict;
        }
        if (l->replaces) {
            break;
        }
    }
    return CORS_NONE;
}

static int star_verdict(const cors_set *chain)
{
    const cors_set *l;

    for (l = chain; l; l = l->parent) {
        if (l->any != CORS_NONE) {
            return l->any;
        }
        if (l->replaces) {
            break;
        }
    }
    return CORS_NONE;
}

/* The level's own removals, kept so that a chain can tell whether one is still in force
 * without walking every item again: computed once per level, shared by its layered copies. */
static apr_array_header_t *removals_of(apr_pool_t *p, const cors_set *set)
{
    apr_array_header_t *keys = apr_array_make(p, 1, sizeof(const cors_item *));
    int i;

    for (i = 0; i < set->order->nelts; i++) {
        const cors_item *it = APR_ARRAY_IDX(set->order, i, cors_item *);
        if (it->verdict == CORS_DENY) {
            APR_ARRAY_PUSH(keys, const cors_item *) = it;
        }
    }
    return keys;
}

/* A removal is in force unless a nearer level names the same key again as an allowance. */
static int removal_in_force(const cors_set *chain)
{
    const cors_set *l;
    int i;

    for (l = chain; l; l = l->parent) {
        for (i = 0; i < l->own_denies->nelts; i++) {
            const cors_item *it = APR_ARRAY_IDX(l->own_denies, i, const cors_item *);
            if (key_verdict(chain, it->key, strlen(it->key)) == CORS_DENY) {
                return 1;
            }
        }
        if (l->replaces) {
            break;
        }
    }
    return 0;
}

/* The regexes (or sources) in force: this level's, then the inherited ones it does not name
 * again.  Both kinds of item start with their name (cors_internal.h), which is the key. */
static const char *name_of(const apr_array_header_t *items, int i)
{
    return *APR_ARRAY_IDX(items, i, const char *const *);
}

static apr_array_header_t *in_force(apr_pool_t *p, const apr_array_header_t *own,
                                    const apr_array_header_t *inherited)
{
    apr_array_header_t *all;
    int i, j;

    if (own->nelts == 0 && inherited) {
        return (apr_array_header_t *)inherited;
    }
    all = apr_array_copy(p, own);
    for (i = 0; inherited && i < inherited->nelts; i++) {
        int named = 0;
        for (j = 0; j < own->nelts && !named; j++) {
            named = strcmp(name_of(own, j), name_of(inherited, i)) == 0;
        }
        if (!named) {
            APR_ARRAY_PUSH(all, void *) = APR_ARRAY_IDX(inherited, i, void *);
        }
    }
    return all;
}

/* Chain-wide facts, for a level whose parent (if any) is sealed. */
void cors_origins_seal(apr_pool_t *p, cors_set *set)
{
    const cors_set *up = set->replaces ? NULL : set->parent;
    int null_v = key_verdict(set, "null", 4);
    int i;

    if (!set->own_denies) {
        set->own_denies = removals_of(p, set);
    }

    set->eff_replaces = set->replaces || (set->parent && set->parent->eff_replaces);
    set->eff_depth = 1 + (up ? up->eff_depth : 0);
    set->eff_any = star_verdict(set) == CORS_ALLOW;
    set->eff_null = null_v == CORS_ALLOW;
    set->eff_exacts = set->exacts || (up && up->eff_exacts);
    set->eff_wild_hosts = set->wild_hosts || (up && up->eff_wild_hosts);
    set->eff_any_ports = set->any_ports || (up && up->eff_any_ports);
    set->eff_regexes = in_force(p, set->regexes, up ? up->eff_regexes : NULL);
    set->eff_sources = in_force(p, set->sources, up ? up->eff_sources : NULL);
    set->eff_broad = 0;
    set->eff_denies = removal_in_force(set);
    for (i = 0; i < set->eff_regexes->nelts; i++) {
        const cors_regex_item *r = APR_ARRAY_IDX(set->eff_regexes, i, cors_regex_item *);
        set->eff_broad |= r->broad && r->verdict == CORS_ALLOW;
        set->eff_denies |= r->verdict == CORS_DENY;
    }
    set->sealed = 1;
}

/* Origins may number thousands: edits are layered on the inherited set instead of copied.
 * An edit chain that ends without a replacing level (sections merged among themselves
 * first) is re-based as a whole onto what it now inherits. */
const cors_set *cors_origins_merge(apr_pool_t *p, const cors_set *base, const cors_set *add)
{
    const cors_set *l;
    cors_set **copies;
    size_t depth = 0, i;

    for (l = add; l; l = l->parent) {
        depth++;
    }
    /* Each layer's facts walk the layers under it: thousands of sections each adding an
     * origin would cost their square on every request.  Past the bound, nothing is allowed
     * (fail closed), and the policy says why. */
    if (base->overflow || depth + (size_t)base->eff_depth > CORS_MERGED_LAYERS_MAX) {
        cors_set *none = cors_level_make(p, CORS_SET_ORIGINS);
        none->replaces = 1;
        none->overflow = 1;
        cors_origins_seal(p, none);
        return none;
    }
    copies = apr_palloc(p, depth * sizeof(cors_set *));
    for (i = 0, l = add; l; l = l->parent, i++) {
        copies[i] = apr_pmemdup(p, l, sizeof(*l));
    }
    /* Bottom up, as each layer's derived facts depend on its parent's. */
    for (i = depth; i-- > 0;) {
        copies[i]->parent = i + 1 < depth ? copies[i + 1] : base;
        copies[i]->sealed = 0;
        cors_origins_seal(p, copies[i]);
    }
    return copies[0];
}

/* ---------------------------------------------------------------------------------------- */
/* The precedence rule (README, "Which item wins"), the one place every lookup goes through.  */

typedef struct {
    const cors_set *chain;
    int allowed;                /* an allowance in force matched */
} tally;

/* A removal in force that matches refuses, whatever kind of item it is and wherever it
 * stands in the chain; otherwise an allowance in force that matches allows.  Without any
 * removal in force, the first allowance settles it.  Returns non-zero when settled. */
static int count(tally *t, int verdict)
{
    if (verdict == CORS_DENY) {
        t->allowed = 0;
        return 1;
    }
    if (verdict == CORS_ALLOW) {
        t->allowed = 1;
        return !t->chain->eff_denies;
    }
    return 0;
}

/* "*.suffix" (and "*.suffix:*") for every suffix of the host, longest first, cut from the
 * normalised key (scheme "://" host [":" port]). */
static int count_patterns(tally *t, const cors_origin *o, const char *key, size_t key_len)
{
    char buf[CORS_ORIGIN_MAX + 16];
    size_t host_off = o->scheme_len + 3;
    size_t host_end = host_off + o->host_len;
    size_t h;

    if (t->chain->eff_any_ports) {
        memcpy(buf, key, host_end);
        buf[host_end] = ':';
        buf[host_end + 1] = '*';
        if (count(t, key_verdict(t->chain, buf, host_end + 2))) {
            return 1;
        }
    }
    if (!t->chain->eff_wild_hosts || o->host[0] == '[') {
        return 0;
    }
    memcpy(buf, key, host_off);
    buf[host_off] = '*';
    buf[host_off + 1] = '.';
    for (h = host_off; h < host_end; h++) {
        size_t suffix;
        if (key[h] != '.') {
            continue;
        }
        suffix = host_end - h - 1;
        memcpy(buf + host_off + 2, key + h + 1, key_len - h - 1);
        if (count(t, key_verdict(t->chain, buf, host_off + 2 + key_len - h - 1))) {
            return 1;
        }
        if (t->chain->eff_any_ports) {
            buf[host_off + 2 + suffix] = ':';
            buf[host_off + 2 + suffix + 1] = '*';
            if (count(t, key_verdict(t->chain, buf, host_off + 2 + suffix + 2))) {
                return 1;
            }
        }
    }
    return 0;
}

/* Sources are asked last, and only where nothing else allowed the origin: every removal in
 * force has been tried by then (a matching one settles the answer before), so a source that
 * lists the origin allows it, from a fresh answer or a stale one.  One that cannot answer
 * refuses, unless another allows. */
static int source_verdict(apr_pool_t *p, const cors_set *chain, const char *key,
                          size_t key_len, void *baton, cors_origin_why *w)
{
    const char *down = NULL;
    int i;

    for (i = 0; i < chain->eff_sources->nelts; i++) {
        const cors_source_item *s = APR_ARRAY_IDX(chain->eff_sources, i, cors_source_item *);
        cors_source_answer m = s->lookup(s->src, key, key_len, p, baton);
        if (m == CORS_SOURCE_ALLOWED || m == CORS_SOURCE_STALE) {
            w->source = s->name;
            w->answer = m;
            return CORS_ALLOW;
        }
        if (m == CORS_SOURCE_UNAVAILABLE && !down) {
            down = s->name;
        }
        if (i == 0) {
            w->source = s->name;
            w->answer = CORS_SOURCE_REFUSED;
        }
    }
    if (down) {
        w->limited = down;
        w->source = down;
        w->answer = CORS_SOURCE_UNAVAILABLE;
        return VERDICT_DOWN;
    }
    return CORS_NONE;
}

/* Exact, port-wildcard and subdomain items first (hash look-ups), then regexes, then "*",
 * then sources.  "null" is matched by a "null" item only. */
static int origin_verdict(apr_pool_t *p, const cors_set *chain, const cors_origin *o,
                          const char *key, size_t key_len, void *baton, cors_origin_why *w)
{
    tally t;
    int i;

    if (o->is_null) {
        return key_verdict(chain, "null", 4);
    }
    t.chain = chain;
    t.allowed = 0;
    if (chain->eff_exacts && count(&t, key_verdict(chain, key, key_len))) {
        return t.allowed ? CORS_ALLOW : CORS_DENY;
    }
    if (count_patterns(&t, o, key, key_len)) {
        return t.allowed ? CORS_ALLOW : CORS_DENY;
    }
    for (i = 0; i < chain->eff_regexes->nelts; i++) {
        const cors_regex_item *r = APR_ARRAY_IDX(chain->eff_regexes, i, cors_regex_item *);
        int m;
        if (r->verdict == CORS_ALLOW && t.allowed) {
            continue;           /* already allowed: only removals can change that */
        }
        m = r->match(r->re, key, key_len, p);
        if (m < 0) {
            w->limited = r->source;
            return VERDICT_LIMIT;
        }
        if (m > 0 && count(&t, r->verdict)) {
            return t.allowed ? CORS_ALLOW : CORS_DENY;
        }
    }
    if (chain->eff_any) {
        count(&t, CORS_ALLOW);
    }
    if (!t.allowed && chain->eff_sources->nelts) {
        return source_verdict(p, chain, key, key_len, baton, w);
    }
    return t.allowed ? CORS_ALLOW : CORS_NONE;
}

/* ---------------------------------------------------------------------------------------- */
/* Request-time entry: no allocation but regex scratch, work bounded by what was sent.        */

static int has_upper(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (s[i] >= 'A' && s[i] <= 'Z') {
            return 1;
        }
    }
    return 0;
}

/* No upper case and no default port written out: what a browser sends. */
static int already_normal(const char *s, size_t len)
{
    return !has_upper(s, len)
           && !(len > 3 && memcmp(s + len - 3, ":80", 3) == 0)
           && !(len > 4 && memcmp(s + len - 4, ":443", 4) == 0);
}

static int exact_only(const cors_set *chain)
{
    return !chain->eff_wild_hosts && !chain->eff_any_ports && !chain->eff_any
           && chain->eff_regexes->nelts == 0 && chain->eff_sources->nelts == 0;
}

/* Whether a parsed request origin's key is its text of LEN bytes: no upper case, and a
 * port written only if it is kept (the parser takes no leading zeros, so its digits are the
 * key's). */
static int key_is_text(const cors_origin *o, size_t len)
{
    size_t want = o->scheme_len + 3 + o->host_len;
    unsigned int port;

    if (o->is_null) {
        return 1;
    }
    for (port = o->port; port; port /= 10) {
        want++;
    }
    want += o->port ? 1 : 0;
    return want == len && !o->has_upper;
}

int cors_origin_allowed(apr_pool_t *p, const cors_set *origins, const char *origin,
                        size_t len, const char **limited)
{
    return cors_origin_allowed_by(p, origins, origin, len, NULL, limited);
}

int cors_origin_allowed_by(apr_pool_t *p, const cors_set *origins, const char *origin,
                           size_t len, void *baton, const char **limited)
{
    cors_origin_why why = { NULL, NULL, CORS_SOURCE_REFUSED };
    int v = cors_origins_verdict(p, origins, origin, len, baton, &why);

    if (why.limited && limited) {
        *limited = why.limited;
    }
    return v;
}

int cors_origins_verdict(apr_pool_t *p, const cors_set *origins, const char *origin,
                         size_t len, void *baton, cors_origin_why *why)
{
    cors_origin o;
    char buf[CORS_ORIGIN_MAX + 16];
    const char *key = origin;
    size_t key_len = len;
    int v;

    if (!origins) {
        return 0;
    }
    /* Browsers send origins already normalised: a list of exact origins alone settles the
     * question with one look-up, allowed or not.  Pattern keys share the hash and all hold
     * a '*', which no origin does. */
    if (exact_only(origins) && len <= CORS_ORIGIN_MAX && !memchr(origin, '*', len)) {
        /* Every key is normal: a hit is an origin sent in normal form, and so is settled
         * without checking the form first. */
        v = key_verdict(origins, origin, len);
        if (v != CORS_NONE || already_normal(origin, len)) {
            return v == CORS_ALLOW;
        }
    }
    if (cors_origin_parse(origin, len, 0, &o) != CORS_ORIGIN_OK) {
        return 0;
    }
    if (!key_is_text(&o, len)) {
        key_len = cors_origin_key(&o, buf, sizeof(buf));
        if (!key_len) {
            return 0;
        }
        key = buf;
    }
    v = origin_verdict(p, origins, &o, key, key_len, baton, why);
    return v == CORS_ALLOW ? 1 : v == VERDICT_LIMIT ? -1 : v == VERDICT_DOWN ? -2 : 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Start-up questions about a sealed chain.                                                    */

static int is_loopback_host(const char *host, size_t len)
{
    return (len == 9 && memcmp(host, "localhost", 9) == 0)
           || (len > 10 && memcmp(host + len - 10, ".localhost", 10) == 0)
           || (len >= 9 && memcmp(host, "127.", 4) == 0)
           || (len == 5 && memcmp(host, "[::1]", 5) == 0);
}

const char *cors_set_insecure_origin(const cors_set *set)
{
    const cors_set *l;
    int i;

    for (l = set; l; l = l->parent) {
        for (i = 0; i < l->order->nelts; i++) {
            const cors_item *it = APR_ARRAY_IDX(l->order, i, cors_item *);
            const char *host, *end;
            if (strncmp(it->key, "http://", 7) != 0
                || key_verdict(set, it->key, strlen(it->key)) != CORS_ALLOW) {
                continue;
            }
            host = it->key + 7;
            if (host[0] == '*' && host[1] == '.') {
                host += 2;
            }
            end = host[0] == '[' ? strchr(host, ']') + 1 : host + strcspn(host, ":");
            if (!is_loopback_host(host, (size_t)(end - host))) {
                return it->key;
            }
        }
        if (l->replaces) {
            break;
        }
    }
    return NULL;
}

static void describe_item(apr_hash_t *seen, apr_array_header_t *allowed,
                          apr_array_header_t *removed, const char *key, int verdict)
{
    if (apr_hash_get(seen, key, APR_HASH_KEY_STRING)) {
        return;                 /* a nearer level named it already: that verdict stands */
    }
    apr_hash_set(seen, key, APR_HASH_KEY_STRING, "");
    APR_ARRAY_PUSH(verdict == CORS_ALLOW ? allowed : removed, const char *) = key;
}

static const char *first_of(apr_pool_t *p, const apr_array_header_t *names, int max)
{
    apr_array_header_t *shown = apr_array_make(p, max, sizeof(const char *));
    int i;

    for (i = 0; i < names->nelts && i < max; i++) {
        APR_ARRAY_PUSH(shown, const char *) = APR_ARRAY_IDX(names, i, const char *);
    }
    return names->nelts > max
           ? apr_psprintf(p, "%s (+%d more)", cors_join(p, shown), names->nelts - max)
           : cors_join(p, shown);
}

const char *cors_set_describe(apr_pool_t *p, const cors_set *set, int max)
{
    apr_hash_t *seen = apr_hash_make(p);
    apr_array_header_t *allowed = apr_array_make(p, 8, sizeof(const char *));
    apr_array_header_t *removed = apr_array_make(p, 4, sizeof(const char *));
    const cors_set *l;
    int i;

    for (l = set; l; l = l->parent) {
        if (l->any != CORS_NONE) {
            describe_item(seen, allowed, removed, "*", l->any);
        }
        for (i = 0; i < l->order->nelts; i++) {
            const cors_item *it = APR_ARRAY_IDX(l->order, i, cors_item *);
            describe_item(seen, allowed, removed, it->key, it->verdict);
        }
        for (i = 0; i < l->regexes->nelts; i++) {
            const cors_regex_item *r = APR_ARRAY_IDX(l->regexes, i, cors_regex_item *);
            describe_item(seen, allowed, removed, apr_psprintf(p, "~%s", r->source),
                          r->verdict);
        }
        for (i = 0; i < l->sources->nelts; i++) {
            describe_item(seen, allowed, removed, name_of(l->sources, i), CORS_ALLOW);
        }
        if (l->replaces) {
            break;
        }
    }
    if (!allowed->nelts) {
        return "none";
    }
    return removed->nelts ? apr_psprintf(p, "%s; removed: %s", first_of(p, allowed, max),
                                         first_of(p, removed, max))
                          : first_of(p, allowed, max);
}

/* ---------------------------------------------------------------------------------------- */
/* The items in force, for a view of the policy.                                               */

/* Whether a level nearer than l names key again (its verdict is the one in force). */
static int key_nearer(const cors_set *chain, const cors_set *l, const char *key, size_t len)
{
    const cors_set *n;

    for (n = chain; n != l; n = n->parent) {
        if (cors_index_get(n->items, key, len)) {
            return 1;
        }
    }
    return 0;
}

static int any_nearer(const cors_set *chain, const cors_set *l)
{
    const cors_set *n;

    for (n = chain; n != l; n = n->parent) {
        if (n->any != CORS_NONE) {
            return 1;
        }
    }
    return 0;
}

/* The same for a regex (sources: 0) or a source (1), by its name. */
static int name_nearer(const cors_set *chain, const cors_set *l, int sources, const char *name)
{
    const cors_set *n;
    int i;

    for (n = chain; n != l; n = n->parent) {
        const apr_array_header_t *items = sources ? n->sources : n->regexes;
        for (i = 0; i < items->nelts; i++) {
            if (strcmp(name_of(items, i), name) == 0) {
                return 1;
            }
        }
    }
    return 0;
}

void cors_origins_each(const cors_set *set, cors_item_fn fn, void *baton)
{
    const cors_set *l;
    int i;

    for (l = set; l; l = l->parent) {
        if (l->any != CORS_NONE && !any_nearer(set, l)
            && fn(baton, "*", l->any_edit, CORS_KIND_ANY, l->any_where)) {
            return;
        }
        for (i = 0; i < l->order->nelts; i++) {
            const cors_item *it = APR_ARRAY_IDX(l->order, i, cors_item *);
            if (!key_nearer(set, l, it->key, it->len)
                && fn(baton, it->name ? it->name : it->key, (cors_edit)it->edit,
                      cors_level_kind_of(l, it->key), it->where)) {
                return;
            }
        }
        for (i = 0; i < l->regexes->nelts; i++) {
            const cors_regex_item *r = APR_ARRAY_IDX(l->regexes, i, cors_regex_item *);
            if (!name_nearer(set, l, 0, r->source)
                && fn(baton, r->source, r->edit, CORS_KIND_REGEX, r->where)) {
                return;
            }
        }
        for (i = 0; i < l->sources->nelts; i++) {
            const cors_source_item *s = APR_ARRAY_IDX(l->sources, i, cors_source_item *);
            if (!name_nearer(set, l, 1, s->name)
                && fn(baton, s->name, s->edit, CORS_KIND_SOURCE, s->where)) {
                return;
            }
        }
        if (l->replaces) {
            break;
        }
    }
}

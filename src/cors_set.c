/* cors_set.c - origin, method and header sets: building, merging levels, and request-time lookups. */
#include <string.h>

#include <apr_strings.h>

#include "cors_internal.h"

const int cors_verdict_allow = CORS_ALLOW;
const int cors_verdict_deny = CORS_DENY;

/* The methods a level has when nothing says otherwise (CORSAllowMethods' default). */
static const char *const default_methods[] = { "GET", "HEAD", "POST" };
#define DEFAULT_METHODS_VALUE "GET, HEAD, POST"
#define N_DEFAULT_METHODS (sizeof(default_methods) / sizeof(default_methods[0]))

static int is_default_method(const char *m, size_t len)
{
    size_t i;

    for (i = 0; i < N_DEFAULT_METHODS; i++) {
        if (strlen(default_methods[i]) == len && memcmp(default_methods[i], m, len) == 0) {
            return 1;
        }
    }
    return 0;
}

cors_set *cors_set_make(apr_pool_t *p, cors_set_kind kind)
{
    cors_set *set = apr_pcalloc(p, sizeof(*set));

    set->kind = kind;
    set->items = apr_hash_make(p);
    if (kind == CORS_SET_ORIGINS) {
        set->regexes = apr_array_make(p, 1, sizeof(cors_regex_item));
    }
    else {
        set->edits = apr_array_make(p, 4, sizeof(cors_item));
    }
    return set;
}

static int verdict_of(cors_edit edit)
{
    return edit == CORS_ITEM_REMOVE ? CORS_DENY : CORS_ALLOW;
}

static const int *verdict_ptr(int verdict)
{
    return verdict == CORS_ALLOW ? &cors_verdict_allow : &cors_verdict_deny;
}

/* Chain-wide facts, recomputed whenever a level is built or layered on a parent. */
static void derive(cors_set *set)
{
    const cors_set *up = set->replaces ? NULL : set->parent;
    const int *null_v = apr_hash_get(set->items, "null", 4);

    set->eff_replaces = set->replaces || (set->parent && set->parent->eff_replaces);
    set->eff_any = set->any ? set->any == CORS_ALLOW : (up ? up->eff_any : 0);
    set->eff_denies = set->denies || (up && up->eff_denies);
    set->eff_null = null_v ? *null_v == CORS_ALLOW : (up ? up->eff_null : 0);
}

/* The verdict in force for an item of this level ("*" is kept apart from the hash). */
static int item_verdict(const cors_set *set, const char *key)
{
    const int *v;

    if (key[0] == '*' && key[1] == '\0') {
        return set->any;
    }
    v = apr_hash_get(set->items, key, APR_HASH_KEY_STRING);
    return v ? *v : CORS_NONE;
}

/* Methods and headers: the header value lists what the level allows, in the order given,
 * once each.  An edit-only level with nothing above it edits the default. */
static void compute_value(apr_pool_t *p, cors_set *set)
{
    apr_array_header_t *names = apr_array_make(p, set->edits->nelts + 3, sizeof(const char *));
    apr_hash_t *seen = apr_hash_make(p);
    int i;

    if (set->kind == CORS_SET_METHODS && !set->replaces) {
        size_t d;
        for (d = 0; d < N_DEFAULT_METHODS; d++) {
            const int *v = apr_hash_get(set->items, default_methods[d], APR_HASH_KEY_STRING);
            if (!v || *v == CORS_ALLOW) {
                APR_ARRAY_PUSH(names, const char *) = default_methods[d];
                apr_hash_set(seen, default_methods[d], APR_HASH_KEY_STRING, "");
            }
        }
    }
    for (i = 0; i < set->edits->nelts; i++) {
        const cors_item *it = &APR_ARRAY_IDX(set->edits, i, cors_item);
        if (item_verdict(set, it->key) == CORS_ALLOW
            && !apr_hash_get(seen, it->key, APR_HASH_KEY_STRING)) {
            APR_ARRAY_PUSH(names, const char *) = it->name;
            apr_hash_set(seen, it->key, APR_HASH_KEY_STRING, "");
        }
    }
    set->value = names->nelts ? cors_join(p, names) : NULL;
}

static void put(apr_pool_t *p, cors_set *set, const char *key, size_t len, const char *name,
                int verdict)
{
    if (len == 1 && key[0] == '*') {
        set->any = verdict;
    }
    else {
        apr_hash_set(set->items, key, (apr_ssize_t)len, verdict_ptr(verdict));
    }
    if (verdict == CORS_DENY) {
        set->denies = 1;
    }
    if (set->edits) {
        cors_item *it = apr_array_push(set->edits);
        it->key = key;
        it->name = name;
        it->verdict = verdict;
    }
    (void)p;
}

static const char *add_origin(apr_pool_t *p, cors_set *set, const char *item, int verdict)
{
    cors_origin o;
    char key[CORS_ORIGIN_MAX + 16];
    size_t len;
    cors_origin_err err = cors_origin_parse(item, strlen(item), CORS_ORIGIN_PATTERN, &o);

    if (err != CORS_ORIGIN_OK) {
        const char *sep = strstr(item, "://");
        const char *cut = sep ? strpbrk(sep + 3, "/?#") : NULL;
        if (cut && (err == CORS_ORIGIN_PATH || err == CORS_ORIGIN_TRAILING_SLASH
                    || err == CORS_ORIGIN_QUERY || err == CORS_ORIGIN_FRAGMENT)) {
            return apr_psprintf(p, "'%s' %s: write '%.*s'", item, cors_origin_strerror(err),
                                (int)(cut - item), item);
        }
        return apr_psprintf(p, "'%s' %s", item, cors_origin_strerror(err));
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
    put(p, set, apr_pstrmemdup(p, key, len), len, NULL, verdict);
    return NULL;
}

static const char *add_method(apr_pool_t *p, cors_set *set, const char *item, int verdict)
{
    size_t len = strlen(item);
    const char *key;

    if (!(len == 1 && item[0] == '*') && !cors_is_token(item, len)) {
        return apr_psprintf(p, "'%s' is not a valid HTTP method name (a token such as PUT)",
                            item);
    }
    if ((len == 7 && cors_equal_nocase(item, "CONNECT", 7))
        || (len == 5 && (cors_equal_nocase(item, "TRACE", 5)
                         || cors_equal_nocase(item, "TRACK", 5)))) {
        return apr_psprintf(p, "'%s' is a method browsers never allow in cross-origin "
                            "requests (CONNECT, TRACE, TRACK); remove it", item);
    }
    /* The item lives in the directive's temporary pool: keep a copy that lasts. */
    key = apr_pstrmemdup(p, item, len);
    put(p, set, key, len, key, verdict);
    return NULL;
}

static const char *add_header(apr_pool_t *p, cors_set *set, const char *item, int verdict)
{
    size_t len = strlen(item);
    char *key;

    if (!(len == 1 && item[0] == '*') && !cors_is_token(item, len)) {
        return apr_psprintf(p, "'%s' is not a valid HTTP header name", item);
    }
    key = apr_palloc(p, len + 1);
    cors_lower(key, item, len);
    key[len] = '\0';
    put(p, set, key, len, apr_pstrdup(p, item), verdict);
    return NULL;
}

const char *cors_set_add(apr_pool_t *p, cors_set *set, const char *item, cors_edit edit)
{
    const char *err;
    int verdict = verdict_of(edit);

    switch (set->kind) {
    case CORS_SET_ORIGINS:
        err = add_origin(p, set, item, verdict);
        break;
    case CORS_SET_METHODS:
        err = add_method(p, set, item, verdict);
        break;
    default:
        err = add_header(p, set, item, verdict);
        break;
    }
    if (err) {
        return err;
    }
    if (edit == CORS_ITEM_PLAIN) {
        set->replaces = 1;
    }
    if (set->edits) {
        compute_value(p, set);
    }
    derive(set);
    return NULL;
}

void cors_set_add_regex(apr_pool_t *p, cors_set *set, const char *source,
                        cors_regex_fn match, const void *re, cors_edit edit)
{
    cors_regex_item *it = apr_array_push(set->regexes);

    it->source = apr_pstrdup(p, source);
    it->match = match;
    it->re = re;
    it->verdict = verdict_of(edit);
    if (it->verdict == CORS_DENY) {
        set->denies = 1;
    }
    if (edit == CORS_ITEM_PLAIN) {
        set->replaces = 1;
    }
    derive(set);
}

/* Methods and headers are short: the merged level is built flat, so lookups never walk.
 * It replaces only if base did: httpd merges sections among themselves before merging
 * them onto the server's defaults, so a merge of edits must stay a list of edits. */
static const cors_set *flatten(apr_pool_t *p, const cors_set *base, const cors_set *add)
{
    cors_set *set = cors_set_make(p, add->kind);
    const cors_set *levels[2];
    int l, i;

    levels[0] = base;
    levels[1] = add;
    set->replaces = base->replaces;
    for (l = 0; l < 2; l++) {
        for (i = 0; i < levels[l]->edits->nelts; i++) {
            const cors_item *it = &APR_ARRAY_IDX(levels[l]->edits, i, cors_item);
            put(p, set, it->key, strlen(it->key), it->name, it->verdict);
        }
    }
    /* Only a refusal still in force counts: "-X" then "+X" allows X again. */
    set->denies = set->any == CORS_DENY;
    for (i = 0; i < set->edits->nelts && !set->denies; i++) {
        const cors_item *it = &APR_ARRAY_IDX(set->edits, i, cors_item);
        set->denies = item_verdict(set, it->key) == CORS_DENY;
    }
    compute_value(p, set);
    derive(set);
    return set;
}

/* Origins may number thousands: edits are layered on the inherited set instead of copied.
 * An edit chain that ends without a replacing level (sections merged among themselves
 * first) is re-based as a whole onto what it now inherits. */
static const cors_set *layer_on(apr_pool_t *p, const cors_set *add, const cors_set *base)
{
    const cors_set *l;
    cors_set **copies;
    size_t depth = 0, i;

    for (l = add; l; l = l->parent) {
        depth++;
    }
    copies = apr_palloc(p, depth * sizeof(cors_set *));
    for (i = 0, l = add; l; l = l->parent, i++) {
        copies[i] = apr_pmemdup(p, l, sizeof(*l));
    }
    /* Bottom up, as each layer's derived facts depend on its parent's. */
    for (i = depth; i-- > 0;) {
        copies[i]->parent = i + 1 < depth ? copies[i + 1] : base;
        derive(copies[i]);
    }
    return copies[0];
}

const cors_set *cors_set_merge(apr_pool_t *p, const cors_set *base, const cors_set *add)
{
    if (!add) {
        return base;
    }
    if (!base || add->eff_replaces) {
        return add;
    }
    return add->kind == CORS_SET_ORIGINS ? layer_on(p, add, base) : flatten(p, base, add);
}

int cors_set_replaces(const cors_set *set)
{
    return set->replaces;
}

int cors_set_has_any(const cors_set *set)
{
    return set->eff_any;
}

int cors_set_is_any(const cors_set *set)
{
    return set->eff_any && !set->eff_denies;
}

int cors_set_has_null(const cors_set *set)
{
    return set->eff_null;
}

size_t cors_set_count(const cors_set *set)
{
    return apr_hash_count(set->items) + (set->any ? 1 : 0)
           + (set->regexes ? (size_t)set->regexes->nelts : 0);
}

const char *cors_set_value(const cors_set *set)
{
    if (set->kind == CORS_SET_METHODS && !set->replaces && !set->value) {
        return DEFAULT_METHODS_VALUE;
    }
    return set->value;
}

/* ---------------------------------------------------------------------------------------- */
/* Request-time lookups: no allocation, work bounded by the length of what was sent.          */

static int lookup(const cors_set *set, const char *key, size_t len)
{
    const int *v = apr_hash_get(set->items, key, (apr_ssize_t)len);
    return v ? *v : CORS_NONE;
}

/* One origin layer's verdict, most specific item first: the exact origin, the host on any
 * port, "*.suffix" patterns from the longest suffix, regexes, then "*".  Pattern keys are
 * cut from the normalised key (scheme "://" host [":" port]), not rebuilt from the parse.
 * skip_exact: the caller already looked the key up in this layer. */
static int origin_layer_verdict(const cors_set *set, const cors_origin *o,
                                const char *key, size_t key_len, int skip_exact)
{
    char buf[CORS_ORIGIN_MAX + 16];
    size_t host_off = o->scheme_len + 3;
    size_t host_end = host_off + o->host_len;
    int v = skip_exact || !set->exacts ? CORS_NONE : lookup(set, key, key_len);
    int i;

    if (v != CORS_NONE) {
        return v;
    }
    if (o->is_null) {
        return CORS_NONE;       /* "null" matches only when listed: never "*" or a pattern */
    }
    if (set->any_ports) {
        memcpy(buf, key, host_end);
        memcpy(buf + host_end, ":*", 2);
        if ((v = lookup(set, buf, host_end + 2)) != CORS_NONE) {
            return v;
        }
    }
    if (set->wild_hosts && o->host[0] != '[') {
        size_t h;
        memcpy(buf, key, host_off);
        memcpy(buf + host_off, "*.", 2);
        for (h = host_off; h < host_end; h++) {
            size_t suffix;
            if (key[h] != '.') {
                continue;
            }
            suffix = host_end - h - 1;
            memcpy(buf + host_off + 2, key + h + 1, key_len - h - 1);
            if ((v = lookup(set, buf, host_off + 2 + key_len - h - 1)) != CORS_NONE) {
                return v;
            }
            if (set->any_ports) {
                memcpy(buf + host_off + 2 + suffix, ":*", 2);
                if ((v = lookup(set, buf, host_off + 2 + suffix + 2)) != CORS_NONE) {
                    return v;
                }
            }
        }
    }
    for (i = 0; i < set->regexes->nelts; i++) {
        const cors_regex_item *re = &APR_ARRAY_IDX(set->regexes, i, cors_regex_item);
        if (re->match(re->re, key, key_len)) {
            return re->verdict;
        }
    }
    return set->any;
}

static int exact_only(const cors_set *set)
{
    return !set->parent && !set->wild_hosts && !set->any_ports && !set->any
           && set->regexes->nelts == 0;
}

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

int cors_origin_allowed(const cors_set *origins, const char *origin, size_t len)
{
    cors_origin o;
    char buf[CORS_ORIGIN_MAX + 16];
    const char *key = origin;
    size_t key_len = len;
    const cors_set *layer;
    int leaf_looked_up = 0;

    if (!origins) {
        return 0;
    }
    /* Browsers send origins already normalised, and an exact item is the most specific
     * thing a level can say: when the origin as sent is a key of the nearest level, that
     * verdict stands, without parsing.  Pattern keys share the hash and all hold a '*',
     * which no origin does: such a request takes the full path, which refuses it. */
    if (len <= CORS_ORIGIN_MAX && !memchr(origin, '*', len)) {
        int v = origins->exacts ? lookup(origins, origin, len) : CORS_NONE;
        if (v != CORS_NONE) {
            return v == CORS_ALLOW;
        }
        /* A list of exact origins alone, and an origin normalisation cannot change: the
         * miss is final, and a refusal costs no more than an acceptance. */
        if (exact_only(origins) && already_normal(origin, len)) {
            return 0;
        }
        leaf_looked_up = 1;
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
        leaf_looked_up = 0;
    }
    for (layer = origins; layer; layer = layer->parent) {
        int v = origin_layer_verdict(layer, &o, key, key_len,
                                     layer == origins && leaf_looked_up);
        if (v != CORS_NONE) {
            return v == CORS_ALLOW;
        }
        if (layer->replaces) {
            break;
        }
    }
    return 0;
}

int cors_method_allowed(const cors_set *methods, const char *method, size_t len)
{
    int v;

    if (!methods) {
        return is_default_method(method, len);
    }
    v = lookup(methods, method, len);
    if (v == CORS_NONE) {
        v = methods->any;
    }
    if (v == CORS_NONE && !methods->replaces) {
        return is_default_method(method, len);
    }
    return v == CORS_ALLOW;
}

int cors_header_allowed(const cors_set *headers, const char *name, size_t len)
{
    int v;

    if (!headers) {
        return 0;
    }
    v = lookup(headers, name, len);
    if (v == CORS_NONE && !(len == 13 && memcmp(name, "authorization", 13) == 0)) {
        v = headers->any;
    }
    return v == CORS_ALLOW;
}

/* cors_set.c - what origin, method and header lists share: a level's items, replacing or editing, sealing, merging. */
#include <string.h>

#include <apr_strings.h>

#include "cors_internal.h"

/* Origins no admin means to allow, unrelated to each other: made-up names anyone could
 * register under common public suffixes, reserved names and addresses.  A regex that
 * matches one of them is "any origin" spelt as a regex (".*", "x|.*", "https?://.*",
 * "https://[a-z]+\.[a-z]+", "https://.*\.com").  A heuristic: it finds the broad shapes,
 * not every regex that is wider than meant. */
static const char *const broad_probes[] = {
    "https://cors-probe-q7x2.invalid",
    "http://cors-probe-q7x2.invalid:8123",
    "https://a.b.cors-probe-q7x2.test",
    "http://[2001:db8::7]",
    "http://192.0.2.7:3000",
    "https://corsprobe.com",
    "http://corsprobe.com",
    "https://www.corsprobe.com",
    "https://corsprobe.net",
    "https://corsprobe.org",
    "https://corsprobe.io",
    "https://corsprobe.dev",
    "https://corsprobe.app",
    "https://corsprobe.co.uk",
    "https://corsprobe.github.io",
    "https://corsprobe.s3.amazonaws.com",
    "https://corsprobe.herokuapp.com",
    "https://corsprobe.xyz",
    "https://corsprobe.me",
    "https://corsprobe.co",
    "https://corsprobe.de",
    "https://corsprobe.info",
    "https://corsprobe.ai",
    "https://corsprobe.site",
    "https://corsprobe.online",
    "https://192.0.2.7",
    "https://[2001:db8::7]",
};
#define N_BROAD_PROBES (sizeof(broad_probes) / sizeof(broad_probes[0]))

cors_set *cors_set_make(apr_pool_t *p, cors_set_kind kind)
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

cors_item *cors_set_put(apr_pool_t *p, cors_set *set, const char *key, size_t len,
                        const char *name, int verdict)
{
    cors_item *it = NULL;

    if (len == 1 && key[0] == '*') {
        set->any = verdict;
    }
    else {
        it = cors_index_get(set->items, key, len);
        if (!it) {
            it = apr_palloc(p, sizeof(*it));
            it->key = key;
            it->name = name;
            cors_index_add(p, set->items, it, len);     /* and to order, its list */
        }
        it->verdict = verdict;
    }
    if (set->edits) {
        cors_item *e = apr_array_push(set->edits);
        e->key = key;
        e->name = name;
        e->verdict = verdict;
    }
    return it;
}

static int verdict_of(cors_edit edit)
{
    return edit == CORS_ITEM_REMOVE ? CORS_DENY : CORS_ALLOW;
}

const char *cors_set_add(apr_pool_t *p, cors_set *set, const char *item, cors_edit edit)
{
    const char *err;

    if (edit == CORS_ITEM_REMOVE && item[0] == '*' && item[1] == '\0') {
        return "'-*' cannot be taken away item by item: to stop allowing everything, give "
               "the list of what to allow (a list without +/- replaces the inherited one)";
    }
    err = set->kind == CORS_SET_ORIGINS ? cors_origins_add(p, set, item, verdict_of(edit))
                                        : cors_tokens_add(p, set, item, verdict_of(edit));
    if (err) {
        return err;
    }
    if (edit == CORS_ITEM_PLAIN) {
        set->replaces = 1;
    }
    return NULL;
}

static int is_label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || c == '-';
}

/* The length of a dot the regex means literally ("\." or "[.]") at s, or 0. */
static size_t literal_dot(const char *s)
{
    if (s[0] == '\\') {
        return s[1] == '.' ? 2 : 0;
    }
    return s[0] == '[' && s[1] == '.' && s[2] == ']' ? 3 : 0;
}

/* The next literal domain in a regex's source ("vercel\.app", "example[.]com"): labels
 * joined by literal dots, at least two, or labels ending in a literal dot that the literal
 * text does not go on from ("app\.example\.[a-z]+", "example\.(.+)"), returned without
 * that dot ("app.example", "example").  *from moves past it.  *open is set in that second
 * case: the label after the dot is the regex's choice, not a name the admin wrote.  NULL
 * when there is none. */
static const char *next_literal_domain(apr_pool_t *p, const char **from, int *open)
{
    const char *s = *from;

    while (*s) {
        const char *start = s, *end = s;
        int dots = 0;
        if (!is_label_char(*s) || (s > *from && s[-1] == '\\')) {
            s++;
            continue;
        }
        for (;;) {
            while (is_label_char(*end)) {
                end++;
            }
            if (literal_dot(end) && is_label_char(end[literal_dot(end)])) {
                end += literal_dot(end);
                dots++;
                continue;
            }
            break;
        }
        s = end;
        *open = literal_dot(end) != 0;
        if (dots || *open) {
            char *d = apr_palloc(p, (size_t)(end - start) + 1), *o = d;
            const char *c;
            for (c = start; c < end; c++) {
                if (literal_dot(c)) {
                    *o++ = '.';
                    c += literal_dot(c) - 1;
                }
                else {
                    *o++ = *c;
                }
            }
            *o = '\0';
            *from = s;
            return d;
        }
    }
    *from = s;
    return NULL;
}

static int matches(apr_pool_t *p, cors_regex_fn match, const void *re, const char *origin)
{
    return match(re, origin, strlen(origin), p) > 0;
}

/* Ports the regex names (":8443"), at most PORTS_MAX: any host on them is a probe. */
#define PORTS_MAX 4

static int named_ports(apr_pool_t *p, const char *source, const char *ports[PORTS_MAX])
{
    const char *c;
    int n = 0;

    for (c = source; (c = strchr(c, ':')) != NULL && n < PORTS_MAX; c++) {
        size_t digits = strspn(c + 1, "0123456789");
        if (digits >= 1 && digits <= 5) {
            ports[n++] = apr_pstrmemdup(p, c + 1, digits);
        }
    }
    return n;
}

/* A literal the regex leaves open after its last dot ("app\.example\.[a-z]+",
 * "app\.example\.(com|\w+)", "(.+)\.example\.(.+)") lets whoever sends the origin pick the
 * label after it: a top-level domain (whoever registers app.example.xyz gets in) or a name
 * of a domain of theirs.  Made-up labels of several lengths and shapes, since a label class
 * may bound either ("[a-z]{2,6}"), with and without a name before the literal and a port
 * after. */
static int matches_open_label(apr_pool_t *p, cors_regex_fn match, const void *re,
                              const char *d, const char *const *ports, int nports)
{
    static const char *const labels[] = { "corsprobe", "corsprobe-q7x2", "qz", "qzx" };
    const char *host;
    size_t i;
    int j;

    for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        host = apr_psprintf(p, "%s.%s", d, labels[i]);
        if (matches(p, match, re, apr_psprintf(p, "https://%s", host))
            || matches(p, match, re, apr_psprintf(p, "http://%s", host))
            || matches(p, match, re, apr_psprintf(p, "https://corsprobe.%s", host))) {
            return 1;
        }
    }
    host = apr_psprintf(p, "%s.%s", d, labels[0]);
    if (matches(p, match, re, apr_psprintf(p, "https://%s:8443", host))
        || matches(p, match, re, apr_psprintf(p, "http://%s:8080", host))) {
        return 1;
    }
    for (j = 0; j < nports; j++) {
        if (matches(p, match, re, apr_psprintf(p, "https://%s:%s", host, ports[j]))
            || matches(p, match, re, apr_psprintf(p, "http://%s:%s", host, ports[j]))) {
            return 1;
        }
    }
    return 0;
}

/* Probes made from the regex's own literal domains, for the mistakes a fixed list cannot
 * foresee: a domain glued to any name ("[a-z.]*example\.com" matches
 * corsprobeexample.com), an open end (".*example\.com.*"), any name under a public suffix
 * ("[a-z0-9-]+\.vercel\.app"), any label after the literal ("app\.example\.[a-z]+"), and
 * any host on a port the regex names. */
static int matches_a_derived_probe(apr_pool_t *p, const char *source, cors_regex_fn match,
                                   const void *re)
{
    const char *from = source, *d, *ports[PORTS_MAX];
    int n, open = 0, nports = named_ports(p, source, ports);

    for (n = 0; n < 8 && (d = next_literal_domain(p, &from, &open)) != NULL; n++) {
        if (open && matches_open_label(p, match, re, d, ports, nports)) {
            return 1;
        }
        if (!strchr(d, '.')) {
            continue;   /* one label: the probes below are about domains */
        }
        if (matches(p, match, re, apr_psprintf(p, "https://corsprobe%s", d))
            || matches(p, match, re, apr_psprintf(p, "http://corsprobe%s", d))
            || matches(p, match, re, apr_psprintf(p, "https://corsprobe.%s.corsprobe.com", d))
            || matches(p, match, re, apr_psprintf(p, "https://corsprobe.%s-corsprobe.com", d))
            || (cors_domain_is_public_suffix(p, d, strlen(d))
                && (matches(p, match, re, apr_psprintf(p, "https://corsprobe.%s", d))
                    || matches(p, match, re, apr_psprintf(p, "http://corsprobe.%s", d))))) {
            return 1;
        }
    }
    for (n = 0; n < nports; n++) {
        if (matches(p, match, re, apr_psprintf(p, "https://corsprobe.com:%s", ports[n]))
            || matches(p, match, re, apr_psprintf(p, "http://corsprobe.com:%s", ports[n]))) {
            return 1;
        }
    }
    return 0;
}

static int matches_a_probe(apr_pool_t *p, const char *source, cors_regex_fn match,
                           const void *re)
{
    size_t i;

    for (i = 0; i < N_BROAD_PROBES; i++) {
        if (matches(p, match, re, broad_probes[i])) {
            return 1;
        }
    }
    return matches_a_derived_probe(p, source, match, re);
}

int cors_regex_is_broad(apr_pool_t *p, const char *source, cors_regex_fn match,
                        const void *re)
{
    return matches_a_probe(p, source, match, re);
}

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
        it->broad = judged >= 0 ? judged : matches_a_probe(p, source, match, re);
        APR_ARRAY_PUSH(set->regexes, cors_regex_item *) = it;
    }
    it->verdict = verdict_of(edit);
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
    APR_ARRAY_PUSH(set->sources, cors_source_item *) = it;
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
    set->sealed = 1;
}

const cors_set *cors_set_sealed(apr_pool_t *p, const cors_set *set)
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
        return cors_set_sealed(p, base);
    }
    if (!base || replaces_in_effect(add)) {
        return cors_set_sealed(p, add);
    }
    base = cors_set_sealed(p, base);
    return add->kind == CORS_SET_ORIGINS ? cors_origins_merge(p, base, add)
                                         : cors_tokens_merge(p, base, add);
}

int cors_set_replaces(const cors_set *set)
{
    return set->replaces;
}

int cors_set_has_any(const cors_set *set)
{
    return set->sealed ? set->eff_any : set->any == CORS_ALLOW;
}

static int own_denies(const cors_set *set)
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

int cors_set_has_denies(const cors_set *set)
{
    return set->sealed ? set->eff_denies : own_denies(set);
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

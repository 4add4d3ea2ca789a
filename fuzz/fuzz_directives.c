/* fuzz_directives.c - libFuzzer target: directive values into sets, merges and conflicts. */
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

/* fuzz_decide.c - libFuzzer target: whole preflight and actual decisions on hostile requests. */
#include "fuzz_common.h"

static cors_policy *policy(apr_pool_t *p, const char *origins, const char *methods,
                           const char *headers, int credentials)
{
    cors_policy *pol = cors_policy_make(p);
    apr_array_header_t *items = apr_array_make(p, 4, sizeof(const char *));
    const char *lists[3];
    cors_set **slots[3];
    cors_set_kind kinds[3] = { CORS_SET_ORIGINS, CORS_SET_METHODS, CORS_SET_HEADERS };
    int l, i;

    lists[0] = origins;
    lists[1] = methods;
    lists[2] = headers;
    slots[0] = &pol->origins;
    slots[1] = &pol->methods;
    slots[2] = &pol->headers;
    pol->enable = 1;
    pol->credentials = credentials;
    for (l = 0; l < 3; l++) {
        apr_array_clear(items);
        cors_split_items(p, lists[l], items);
        *slots[l] = cors_set_make(p, kinds[l]);
        for (i = 0; i < items->nelts; i++) {
            cors_set_add(p, *slots[l], APR_ARRAY_IDX(items, i, const char *), CORS_ITEM_PLAIN);
        }
    }
    return (cors_policy *)cors_policy_merge(p, cors_policy_make(p), pol);
}

/* Input lines: Origin, Access-Control-Request-Method, then request header lines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool_for_input();
    char *text = fuzz_string(p, data, size), *last;
    const char *lines[CORS_REQ_LINES_MAX + 4];
    unsigned int n = 0;
    cors_request req;
    cors_answer ans;
    cors_policy *pols[3];
    char *tok;
    int i;

    pols[0] = policy(p, "https://app.example.com https://*.example.org", "GET PUT patch",
                     "content-type authorization", 1);
    pols[1] = policy(p, "*", "*", "*", 0);
    pols[2] = policy(p, "* null", "* -DELETE", "* -x-secret", 0);
    memset(&req, 0, sizeof(req));
    for (tok = apr_strtok(text, "\n", &last); tok && n < CORS_REQ_LINES_MAX + 4;
         tok = apr_strtok(NULL, "\n", &last)) {
        lines[n++] = tok;
    }
    req.origin = n > 0 ? lines[0] : NULL;
    req.method = n > 1 ? lines[1] : NULL;
    req.request_headers = n > 2 ? lines + 2 : NULL;
    req.request_header_lines = n > 2 ? n - 2 : 0;
    req.private_network = size & 1;
    for (i = 0; i < 3; i++) {
        cors_decide_preflight(p, pols[i], &req, &ans);
        /* Failing closed: a refusal never carries an Allow-Origin, and "*" never goes with
         * credentials. */
        if ((!ans.allowed && (ans.allow_origin || ans.allow_credentials || ans.allow_methods))
            || (ans.allow_credentials && ans.allow_origin && strcmp(ans.allow_origin, "*") == 0)) {
            __builtin_trap();
        }
        cors_decide_actual(p, pols[i], &req, &ans);
        if ((!ans.allowed && ans.allow_origin)
            || ans.allow_credentials && ans.allow_origin && strcmp(ans.allow_origin, "*") == 0) {
            __builtin_trap();
        }
    }
    return 0;
}

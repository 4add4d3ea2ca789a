/* fuzz_request_headers.c - libFuzzer target: Access-Control-Request-Headers over several lines. */
#include "fuzz_common.h"

typedef struct {
    const cors_set *headers;
    unsigned int seen;
} visit;

static int check(void *baton, const char *name, size_t len)
{
    visit *v = baton;
    char lower[CORS_TOKEN_MAX];

    if (len == 0 || len > CORS_TOKEN_MAX || !cors_is_token(name, len)) {
        __builtin_trap();       /* the parser promised a bounded token */
    }
    memcpy(lower, name, len);
    (void)cors_header_allowed(v->headers, lower, len);
    v->seen++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool_for_input();
    char *text = fuzz_string(p, data, size), *line, *last;
    cors_set *headers = cors_set_make(p, CORS_SET_HEADERS);
    unsigned int elements = 0, names = 0;
    visit v;

    cors_set_add(p, headers, "content-type", CORS_ITEM_PLAIN);
    cors_set_add(p, headers, "*", CORS_ITEM_PLAIN);
    cors_set_seal(p, headers);      /* a level is looked up once it is complete */
    v.headers = headers;
    v.seen = 0;
    /* Each input line is one header line, as a proxy may split the value. */
    for (line = apr_strtok(text, "\n", &last); line; line = apr_strtok(NULL, "\n", &last)) {
        if (cors_each_request_header(line, &elements, &names, check, &v)) {
            break;
        }
    }
    if (names > CORS_REQ_HEADERS_MAX + 1 || elements > CORS_REQ_ELEMENTS_MAX + 1) {
        __builtin_trap();       /* the bounds must hold across lines */
    }
    return 0;
}

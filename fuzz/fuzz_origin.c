/* fuzz_origin.c - libFuzzer target: origin parsing, normalisation and matching. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include "fuzz_common.h"

static cors_set *origins;

static const cors_set *fixed_set(void)
{
    static const char *const items[] = {
        "https://app.example.com", "https://*.example.org", "http://localhost:*",
        "https://*.b.example.net:*", "http://[::1]:8080", "null", "-https://evil.example.org",
    };
    static regex_t re;
    int broad;

    if (!origins) {
        apr_pool_t *p;
        size_t i;
        apr_pool_create(&p, NULL);
        origins = cors_set_make(p, CORS_SET_ORIGINS);
        for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
            const char *it = items[i];
            cors_set_add(p, origins, it[0] == '-' ? it + 1 : it,
                         it[0] == '-' ? CORS_ITEM_REMOVE : CORS_ITEM_PLAIN);
        }
        regcomp(&re, "^(https://pr-[0-9]+\\.preview\\.example\\.com)$", REG_EXTENDED | REG_ICASE);
        cors_set_add_regex(p, origins, "pr", fuzz_regex_match, &re, CORS_ITEM_PLAIN, &broad);
        cors_set_seal(p, origins);
    }
    return origins;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool_for_input();
    const cors_set *set = fixed_set();
    char *text = fuzz_string(p, data, size);
    char key[CORS_ORIGIN_MAX + 16];
    cors_origin o;
    const char *limited = NULL;
    int flags;

    for (flags = 0; flags <= CORS_ORIGIN_PATTERN; flags++) {
        if (cors_origin_parse(text, size, flags, &o) == CORS_ORIGIN_OK) {
            size_t n = cors_origin_key(&o, key, sizeof(key));
            /* A key is itself a valid origin of the same kind, and stable. */
            if (n) {
                cors_origin again;
                char key2[CORS_ORIGIN_MAX + 16];
                if (cors_origin_parse(key, n, flags, &again) != CORS_ORIGIN_OK
                    || cors_origin_key(&again, key2, sizeof(key2)) != n
                    || memcmp(key, key2, n) != 0) {
                    __builtin_trap();
                }
            }
        }
    }
    (void)cors_origin_allowed(p, set, text, strlen(text), &limited);
    return 0;
}

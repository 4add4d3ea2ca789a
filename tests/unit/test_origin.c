/* test_origin.c - cors_origin.c: origins and patterns parsed, refused with a reason, and their normalised keys. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <apr_strings.h>

#include "cors.h"
#include "fixtures.h"

static void test_origin_parse(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *text;
        int flags;
        cors_origin_err err;
        const char *key;
    } cases[] = {
        { "https://app.example.com", 0, CORS_ORIGIN_OK, "https://app.example.com" },
        { "HTTPS://App.Example.COM", 0, CORS_ORIGIN_OK, "https://app.example.com" },
        { "https://x.com:443", 0, CORS_ORIGIN_OK, "https://x.com" },
        { "http://x.com:80", 0, CORS_ORIGIN_OK, "http://x.com" },
        { "http://x.com:443", 0, CORS_ORIGIN_OK, "http://x.com:443" },
        { "https://x.com:8443", 0, CORS_ORIGIN_OK, "https://x.com:8443" },
        { "wss://x.com:443", 0, CORS_ORIGIN_OK, "wss://x.com" },
        { "http://[::1]:8080", 0, CORS_ORIGIN_OK, "http://[::1]:8080" },
        { "http://[2001:DB8::1]", 0, CORS_ORIGIN_OK, "http://[2001:db8::1]" },
        { "http://127.0.0.1:3000", 0, CORS_ORIGIN_OK, "http://127.0.0.1:3000" },
        { "chrome-extension://abcdef", 0, CORS_ORIGIN_OK, "chrome-extension://abcdef" },
        { "https://xn--bcher-kva.example", 0, CORS_ORIGIN_OK, "https://xn--bcher-kva.example" },
        { "null", 0, CORS_ORIGIN_OK, "null" },
        { "NULL", CORS_ORIGIN_PATTERN, CORS_ORIGIN_OK, "null" },
        { "NULL", 0, CORS_ORIGIN_NO_SCHEME, NULL },
        { "*", CORS_ORIGIN_PATTERN, CORS_ORIGIN_OK, "*" },
        { "https://*.example.com", CORS_ORIGIN_PATTERN, CORS_ORIGIN_OK, "https://*.example.com" },
        { "https://*.Example.com:*", CORS_ORIGIN_PATTERN, CORS_ORIGIN_OK,
          "https://*.example.com:*" },
        { "http://localhost:*", CORS_ORIGIN_PATTERN, CORS_ORIGIN_OK, "http://localhost:*" },
        { "http://*.localhost", CORS_ORIGIN_PATTERN, CORS_ORIGIN_OK, "http://*.localhost" },
        /* What a configuration must not say, and what no browser sends. */
        { "", 0, CORS_ORIGIN_EMPTY, NULL },
        { "*", 0, CORS_ORIGIN_NO_SCHEME, NULL },
        { "app.example.com", 0, CORS_ORIGIN_NO_SCHEME, NULL },
        { "//app.example.com", 0, CORS_ORIGIN_NO_SCHEME, NULL },
        { "1http://x.com", 0, CORS_ORIGIN_BAD_SCHEME, NULL },
        { "https://x.com/", 0, CORS_ORIGIN_TRAILING_SLASH, NULL },
        { "https://x.com/api", 0, CORS_ORIGIN_PATH, NULL },
        { "https://x.com?a=1", 0, CORS_ORIGIN_QUERY, NULL },
        { "https://x.com#top", 0, CORS_ORIGIN_FRAGMENT, NULL },
        { "https://user:pw@x.com", 0, CORS_ORIGIN_USERINFO, NULL },
        { "https://x.com:0", 0, CORS_ORIGIN_BAD_PORT, NULL },
        { "https://x.com:65536", 0, CORS_ORIGIN_BAD_PORT, NULL },
        { "https://x.com:08080", 0, CORS_ORIGIN_BAD_PORT, NULL },
        { "https://x.com:", 0, CORS_ORIGIN_BAD_PORT, NULL },
        { "https://x.com:8a", 0, CORS_ORIGIN_BAD_PORT, NULL },
        { "https://x.com:*", 0, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://*.example.com", 0, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://a.*.example.com", CORS_ORIGIN_PATTERN, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://*example.com", CORS_ORIGIN_PATTERN, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://a*.example.com", CORS_ORIGIN_PATTERN, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://*", CORS_ORIGIN_PATTERN, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://*.*.example.com", CORS_ORIGIN_PATTERN, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://x.com:8*", CORS_ORIGIN_PATTERN, CORS_ORIGIN_BAD_WILDCARD, NULL },
        { "https://*.com", CORS_ORIGIN_PATTERN, CORS_ORIGIN_TOO_BROAD, NULL },
        { "https://x..com", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://x.com.", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://.x.com", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://x .com", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://x.com\t", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://b\xc3\xbc" "cher.example", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://x%2ecom", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "http://[::1", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "http://[zz::1]", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "http://[::1]x", 0, CORS_ORIGIN_BAD_HOST, NULL },
        { "https://a.com, https://b.com", 0, CORS_ORIGIN_BAD_HOST, NULL },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_origin o;
        char key[CORS_ORIGIN_MAX + 16];
        cors_origin_err err = cors_origin_parse(cases[i].text, strlen(cases[i].text),
                                                cases[i].flags, &o);
        CHECK(u, err == cases[i].err, "parse '%s' (flags %d): error %d, want %d",
              cases[i].text, cases[i].flags, (int)err, (int)cases[i].err);
        if (err == CORS_ORIGIN_OK && cases[i].key) {
            size_t n = cors_origin_key(&o, key, sizeof(key));
            CHECK(u, n == strlen(cases[i].key), "key length of '%s'", cases[i].text);
            CHECK_STR(u, key, cases[i].key, cases[i].text);
        }
        CHECK(u, cors_origin_strerror(err) != NULL, "every error has words");
    }
    {
        /* Longer than any origin: refused before it is scanned. */
        char *big = apr_palloc(p, 9000);
        cors_origin o;
        memset(big, 'a', 8999);
        memcpy(big, "https://", 8);
        big[8999] = '\0';
        CHECK(u, cors_origin_parse(big, 8999, 0, &o) == CORS_ORIGIN_TOO_LONG, "8 KB origin");
        CHECK(u, cors_origin_parse("https://a\0b.com", 15, 0, &o) == CORS_ORIGIN_BAD_HOST,
              "NUL inside an origin");
    }
}

void test_origin(apr_pool_t *p, unit_counts *u)
{
    test_origin_parse(p, u);
}
